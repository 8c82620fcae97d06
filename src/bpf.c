/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BPF loader (bpf.h): loads src/bpf/{cgroup,lsm}.bpf.c once per boot,
 * pins them under PIN_ROOT, registers and removes containers' policies,
 * sweeps the entries of cgroups that are gone, and reads the event ring.
 *
 * Loading.  Both objects declare their maps LIBBPF_PIN_BY_NAME, so opening
 * each with pin_root_path PIN_ROOT/map makes the first load create and pin
 * the maps and the second reuse them: one set of maps shared by the cgroup
 * and the LSM programs.  The one exception is "pal_meta": libbpf would pin
 * it while loading, before the programs are pinned and the probe has run.
 * We clear its pin path before the load, write it last, and pin it
 * ourselves last, so that "map/pal_meta is present" means "the load is
 * complete" (bpf.h).  A meta with abi 0 cannot come from us; it is treated
 * as incomplete too.  Anything found under PIN_ROOT without a pal_meta is
 * the remains of a load that died (SIGKILL, power loss): it is removed and
 * loaded again, under the lock.  A failed load removes everything it pinned.
 *
 * The LSM probe really loads and attaches the LSM object: a listed "bpf" in
 * /sys/kernel/security/lsm does not prove a load succeeds (FACTS.md: this
 * project's own host lists it and refuses with EPERM).  Its failure is a
 * state, not an error.  The reason line is rebuilt by pal_bpf_status() from
 * pal_meta and the lsm file; the verifier's own words are only in the line
 * pal_bpf_ensure() returns (bpffs holds no text).
 *
 * Registration writes the map entries first and the policy last (so a
 * half-registered cgroup has no policy), with mkdir(cg/<cgid>) as the claim
 * that makes two registrations of one cgroup fail instead of mixing.  A
 * cgroup that is already registered is refused (EEXIST), never replaced:
 * replacing would write an unarmed policy over an armed one and switch the
 * running container's checks off until its next exec.
 *
 * Every map opened by name is checked against the key and value sizes of
 * bpf_abi.h before use, so objects pinned by another Palisade are refused,
 * never read past or written past.
 *
 * libbpf talks on stderr; only main.c may print.  A print callback keeps the
 * tail of what libbpf says, and a failed load quotes the verifier's last
 * lines in its error.
 */
#include "config.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "palisade/bpf.h"
#include "palisade/cleanup.h"
#include "palisade/util.h"
#include "src/bpf/cgroup.skel.h"
#include "src/bpf/lsm.skel.h"

#define MAP_POLICY  "pal_policy"
#define MAP_CSTATE  "pal_cstate"
#define MAP_PATHS   "pal_paths"
#define MAP_NETS    "pal_nets"
#define MAP_EVENTS  "pal_events"
#define MAP_DROPS   "pal_drops"
#define MAP_CAPSEEN "pal_capseen"
#define MAP_META    "pal_meta"

#define LSM_FILE      "/sys/kernel/security/lsm"
#define FILEID_KERNFS 0xfe /* include/linux/exportfs.h: a kernfs node id, 8 bytes */
#define MAX_LSM_PROGS 32

/* The cgroup-BPF programs a registration may attach, by hook. */
static const struct cg_prog {
	enum pal_bpf_hook hook;
	const char *name;
	enum bpf_attach_type type;
} cg_progs[] = {
    {PAL_BPF_HOOK_CG_SOCK_CREATE, "pal_cg_sock_create", BPF_CGROUP_INET_SOCK_CREATE},
    {PAL_BPF_HOOK_CG_CONNECT4, "pal_cg_connect4", BPF_CGROUP_INET4_CONNECT},
    {PAL_BPF_HOOK_CG_CONNECT6, "pal_cg_connect6", BPF_CGROUP_INET6_CONNECT},
    {PAL_BPF_HOOK_CG_SENDMSG4, "pal_cg_sendmsg4", BPF_CGROUP_UDP4_SENDMSG},
    {PAL_BPF_HOOK_CG_SENDMSG6, "pal_cg_sendmsg6", BPF_CGROUP_UDP6_SENDMSG},
    {PAL_BPF_HOOK_CG_SYSCTL, "pal_cg_sysctl", BPF_CGROUP_SYSCTL},
};

/* ------------------------------------------------------------ cleanup */

static void cgroup_skel_freep(struct pal_cgroup **s)
{
	if (*s)
		pal_cgroup__destroy(*s);
}

static void lsm_skel_freep(struct pal_lsm **s)
{
	if (*s)
		pal_lsm__destroy(*s);
}

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_cgroup_skel_ __attribute__((cleanup(cgroup_skel_freep)))
#define _cleanup_lsm_skel_    __attribute__((cleanup(lsm_skel_freep)))
#define _cleanup_closedir_    __attribute__((cleanup(closedirp)))

/* ------------------------------------------------------------ libbpf's voice */

static char lib_log[16384];
static size_t lib_log_len;

__attribute__((format(printf, 2, 0))) static int capture(enum libbpf_print_level level,
                                                         const char *fmt, va_list ap)
{
	_cleanup_free_ char *s = NULL;
	size_t n;

	if (level == LIBBPF_DEBUG || vasprintf(&s, fmt, ap) < 0)
		return 0;
	n = strlen(s);
	if (n >= sizeof(lib_log)) {
		/* keep the tail: the verifier's verdict is at the end */
		memmove(s, s + n - (sizeof(lib_log) - 1), sizeof(lib_log));
		n = sizeof(lib_log) - 1;
	}
	if (lib_log_len + n >= sizeof(lib_log)) {
		size_t drop = lib_log_len + n - (sizeof(lib_log) - 1);
		memmove(lib_log, lib_log + drop, lib_log_len - drop);
		lib_log_len -= drop;
	}
	memcpy(lib_log + lib_log_len, s, n);
	lib_log_len += n;
	lib_log[lib_log_len] = '\0';
	return 0;
}

static void quiet_libbpf(void)
{
	libbpf_set_print(capture);
	lib_log_len = 0;
	lib_log[0] = '\0';
}

/* What libbpf said about a failed load, "a | b" in OUT ("" when silent):
 * the verifier's last lines (just before libbpf's END marker) when it
 * logged any, else libbpf's first line that says what failed (the later
 * ones only repeat it for the object and the skeleton). */
static void lib_log_tail(char *out, size_t size)
{
	char copy[sizeof(lib_log)], *lines[64], *save = NULL;
	size_t n = 0, o = 0, from = 0, to;
	char *end;

	memcpy(copy, lib_log, lib_log_len + 1);
	end = strstr(copy, "-- END PROG LOAD LOG --");
	if (end)
		*end = '\0';
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "libbpf: ", 8))
			l += 8;
		if (!*l || strstr(l, "BEGIN PROG LOAD LOG"))
			continue;
		if (n == sizeof(lines) / sizeof(lines[0])) {
			memmove(lines, lines + 1, (n - 1) * sizeof(lines[0]));
			n--;
		}
		lines[n++] = l;
	}
	to = n;
	if (end) {
		from = n > 3 ? n - 3 : 0;
	} else {
		while (from < n && !strstr(lines[from], "failed"))
			from++;
		if (from == n)
			from = n ? n - 1 : 0;
		to = from + 1 < n ? from + 1 : n;
	}
	out[0] = '\0';
	for (size_t i = from; i < to && o + 1 < size; i++) {
		int w = snprintf(out + o, size - o, "%s%s", o ? " | " : "", lines[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (o >= size && size > 4)
		strcpy(out + size - 4, "...");
}

/* ------------------------------------------------------------ paths */

__attribute__((format(printf, 4, 5))) static int pathf(char *out, size_t size, pal_error *err,
                                                       const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return pal_err(err, ENAMETOOLONG, "path under %s", out);
	return 0;
}

static int mkdir_ok(const char *path, pal_error *err)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return pal_err(err, errno, "creating %s", path);
	return 0;
}

/* Remove NAME under DFD, a directory recursively.  Absent: done. */
static int rm_tree_at(int dfd, const char *name, pal_error *err)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : pal_err(err, errno, "%s", name);
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return pal_err(err, errno, "opening %s", name);
		_cleanup_closedir_ DIR *d = fdopendir(fd);
		struct dirent *de;
		if (!d) {
			close(fd);
			return pal_err(err, errno, "opening %s", name);
		}
		while ((errno = 0, de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (rm_tree_at(fd, de->d_name, err) < 0)
				return pal_err_prefix(err, "%s", name);
		}
		if (errno)
			return pal_err(err, errno, "reading %s", name);
		if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			return pal_err(err, errno, "removing %s", name);
		return 0;
	}
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return pal_err(err, errno, "removing %s", name);
	return 0;
}

/* Palisade's pins under PIN_ROOT: pal_meta first (nothing may see a
 * half-removed load as complete), links next (removing the last pin of a
 * link detaches it), then programs and maps; with REMOVE_ROOT, PIN_ROOT
 * itself.  Only our four directories are touched: a bpf_dir that holds
 * someone else's pins too is left with them (and rmdir says so). */
static int purge(const char *pin_root, bool remove_root, pal_error *err)
{
	static const char *const order[] = {"map/" MAP_META, "link", "cg", "prog", "map"};
	_cleanup_close_ int fd = open(pin_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : pal_err(err, errno, "opening %s", pin_root);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (rm_tree_at(fd, order[i], err) < 0)
			return pal_err_prefix(err, "removing BPF pins under %s", pin_root);
	if (remove_root && rmdir(pin_root) < 0 && errno != ENOENT)
		return pal_err(err, errno, "removing %s", pin_root);
	return 0;
}

/* ------------------------------------------------------------ maps */

/* Open pinned map NAME, refusing one whose layout is not ours (a zero size
 * is not checked). */
static int open_map(const char *pin_root, const char *name, __u32 key_size, __u32 value_size,
                    pal_error *err)
{
	char p[PATH_MAX];
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int r;

	if (pathf(p, sizeof(p), err, "%s/map/%s", pin_root, name) < 0)
		return -1;
	_cleanup_close_ int fd = bpf_obj_get(p);
	if (fd < 0)
		return pal_err(err, -fd, "opening %s", p);
	memset(&info, 0, sizeof(info));
	r = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (r < 0)
		return pal_err(err, -r, "inspecting %s", p);
	if ((key_size && info.key_size != key_size) ||
	    (value_size && info.value_size != value_size))
		return pal_err_code(
		    err, EPROTO,
		    "%s has key/value sizes %u/%u where this Palisade expects %u/%u: "
		    "pinned by another version, run `palisade bpf unload`",
		    p, info.key_size, info.value_size, key_size, value_size);
	return steal_fd(&fd);
}

/* 0: read, 1: not pinned, -1: error.  A pal_meta of another layout reads
 * as abi UINT32_MAX. */
static int read_meta(const char *pin_root, struct pal_bpf_meta *meta, pal_error *err)
{
	char p[PATH_MAX];
	struct bpf_map_info info;
	__u32 len = sizeof(info), key = 0;
	int r;

	memset(meta, 0, sizeof(*meta));
	if (pathf(p, sizeof(p), err, "%s/map/" MAP_META, pin_root) < 0)
		return -1;
	_cleanup_close_ int fd = bpf_obj_get(p);
	if (fd == -ENOENT)
		return 1;
	if (fd < 0)
		return pal_err(err, -fd, "opening %s", p);
	memset(&info, 0, sizeof(info));
	r = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (r < 0)
		return pal_err(err, -r, "inspecting %s", p);
	if (info.key_size != sizeof(key) || info.value_size != sizeof(*meta)) {
		meta->abi = UINT32_MAX;
		return 0;
	}
	r = bpf_map_lookup_elem(fd, &key, meta);
	if (r < 0)
		return pal_err(err, -r, "reading %s", p);
	return 0;
}

static bool lsm_file_lists_bpf(int *readable)
{
	_cleanup_free_ char *buf = NULL;
	pal_error e;
	char *save = NULL;
	size_t len;

	*readable = pal_read_file(AT_FDCWD, LSM_FILE, 0, 4096, &buf, &len, NULL, &e) == 0;
	if (!*readable)
		return false;
	for (char *t = strtok_r(buf, ",\n", &save); t; t = strtok_r(NULL, ",\n", &save))
		if (!strcmp(t, "bpf"))
			return true;
	return false;
}

static void lsm_reason(char *buf, size_t size, int errnum, const char *tail)
{
	int readable;
	bool listed = lsm_file_lists_bpf(&readable);
	const char *what = !readable ? LSM_FILE
	                       " is not readable (securityfs not mounted), so the LSM list is "
	                       "unknown"
	                   : listed ? LSM_FILE " lists bpf, yet the kernel refuses the load"
	                            : LSM_FILE " does not list bpf (the kernel needs lsm=...,bpf)";

	snprintf(buf, size, "BPF LSM programs do not load (errno %d, %s); %s%s%s", errnum,
	         strerror(errnum), what, tail && *tail ? "; libbpf: " : "", tail ? tail : "");
}

static void fill_status(const struct pal_bpf_meta *m, struct pal_bpf_status *st)
{
	memset(st, 0, sizeof(*st));
	if (m->abi != PAL_BPF_ABI_VERSION) {
		if (m->abi == UINT32_MAX)
			snprintf(
			    st->lsm_reason, sizeof(st->lsm_reason),
			    "pinned by a Palisade of another layout: run `palisade bpf unload`");
		else
			snprintf(st->lsm_reason, sizeof(st->lsm_reason),
			         "pinned with BPF ABI %u, this Palisade uses %u: run `palisade bpf "
			         "unload`",
			         m->abi, PAL_BPF_ABI_VERSION);
		return;
	}
	st->loaded = true;
	st->lsm = m->lsm_state;
	st->lsm_errno = m->lsm_errno;
	if (m->lsm_state == PAL_BPF_LSM_ACTIVE)
		snprintf(st->lsm_reason, sizeof(st->lsm_reason),
		         "BPF LSM programs loaded and attached");
	else if (m->lsm_state == PAL_BPF_LSM_UNAVAILABLE)
		lsm_reason(st->lsm_reason, sizeof(st->lsm_reason), m->lsm_errno, NULL);
	else
		snprintf(st->lsm_reason, sizeof(st->lsm_reason), "BPF LSM state unknown");
}

int pal_bpf_status(const char *pin_root, struct pal_bpf_status *st, pal_error *err)
{
	struct pal_bpf_meta meta;
	int r = read_meta(pin_root, &meta, err);

	if (r < 0)
		return -1;
	if (r == 1 || meta.abi == 0) {
		memset(st, 0, sizeof(*st));
		snprintf(st->lsm_reason, sizeof(st->lsm_reason), "nothing is loaded under %s",
		         pin_root);
		return 0;
	}
	fill_status(&meta, st);
	return 0;
}

/* ------------------------------------------------------------ loading */

static bool is_cgroup_prog(enum bpf_prog_type t)
{
	switch (t) {
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return true;
	default:
		return false;
	}
}

/* Attach P and pin its link at DIR/<name>.  Closing our descriptor leaves
 * the pinned link attached. */
static int attach_pin(const struct bpf_program *p, const char *dir, pal_error *err)
{
	char path[PATH_MAX];
	struct bpf_link *l;
	int r;

	if (pathf(path, sizeof(path), err, "%s/%s", dir, bpf_program__name(p)) < 0)
		return -1;
	l = bpf_program__attach(p);
	if (!l) {
		int e = errno;
		/* libbpf finds a "tracepoint/" program's id in tracefs */
		return pal_err(err, e, "attaching %s%s", bpf_program__name(p),
		               e == ENOENT && bpf_program__type(p) == BPF_PROG_TYPE_TRACEPOINT
		                   ? " (a tracepoint program needs tracefs at /sys/kernel/tracing)"
		                   : "");
	}
	r = bpf_link__pin(l, path);
	bpf_link__destroy(l);
	if (r < 0)
		return pal_err(err, -r, "pinning %s", path);
	return 0;
}

/* Load and attach the LSM object.  0 with META's lsm fields set either
 * way; -1 only for what is not a property of the kernel (pinning). */
static int lsm_probe(const char *pin_root, const char *mapdir, int meta_fd,
                     struct pal_bpf_meta *meta, char *reason, size_t rsize, pal_error *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = mapdir);
	struct bpf_link *links[MAX_LSM_PROGS];
	const struct bpf_program *progs[MAX_LSM_PROGS];
	struct bpf_program *p;
	char tail[200], linkdir[PATH_MAX];
	size_t n = 0;
	int r = 0;

	if (pathf(linkdir, sizeof(linkdir), err, "%s/link", pin_root) < 0)
		return -1;
	_cleanup_lsm_skel_ struct pal_lsm *skel = pal_lsm__open_opts(&opts);
	if (!skel)
		return pal_err(err, errno, "opening the BPF LSM object");
	struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, MAP_META);
	if (m) {
		r = bpf_map__set_pin_path(m, NULL);
		if (r == 0)
			r = bpf_map__reuse_fd(m, meta_fd);
		if (r < 0)
			return pal_err(err, -r, "sharing " MAP_META " with the BPF LSM object");
	}
	lib_log_len = 0;
	lib_log[0] = '\0';
	r = pal_lsm__load(skel);
	if (r < 0) {
		meta->lsm_state = PAL_BPF_LSM_UNAVAILABLE;
		meta->lsm_errno = -r;
		lib_log_tail(tail, sizeof(tail));
		lsm_reason(reason, rsize, -r, tail);
		return 0;
	}
	bpf_object__for_each_program(p, skel->obj)
	{
		if (n == MAX_LSM_PROGS) {
			r = -E2BIG;
			break;
		}
		links[n] = bpf_program__attach(p);
		if (!links[n]) {
			r = -errno;
			snprintf(tail, sizeof(tail), "attaching %s", bpf_program__name(p));
			break;
		}
		progs[n++] = p;
	}
	if (r < 0) {
		/* loaded, yet one does not attach: none stays attached */
		for (size_t i = 0; i < n; i++)
			bpf_link__destroy(links[i]);
		meta->lsm_state = PAL_BPF_LSM_UNAVAILABLE;
		meta->lsm_errno = -r;
		lsm_reason(reason, rsize, -r, tail);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		if (r == 0 && pathf(path, sizeof(path), err, "%s/%s", linkdir,
		                    bpf_program__name(progs[i])) < 0)
			r = -1;
		else if (r == 0 && (r = bpf_link__pin(links[i], path)) < 0)
			r = pal_err(err, -r, "pinning %s", path);
		bpf_link__destroy(links[i]);
	}
	if (r < 0)
		return -1;
	meta->lsm_state = PAL_BPF_LSM_ACTIVE;
	meta->lsm_errno = 0;
	snprintf(reason, rsize, "BPF LSM programs loaded and attached");
	return 0;
}

static int load_all(const char *pin_root, struct pal_bpf_status *st, pal_error *err)
{
	static const char *const subdirs[] = {"map", "prog", "link", "cg"};
	char mapdir[PATH_MAX], dir[PATH_MAX], path[PATH_MAX], tail[400];
	struct pal_bpf_meta meta = {.abi = PAL_BPF_ABI_VERSION};
	struct bpf_program *p;
	__u32 key = 0;
	int r;

	if (mkdir_ok(pin_root, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++)
		if (pathf(dir, sizeof(dir), err, "%s/%s", pin_root, subdirs[i]) < 0 ||
		    mkdir_ok(dir, err) < 0)
			return -1;
	if (pathf(mapdir, sizeof(mapdir), err, "%s/map", pin_root) < 0)
		return -1;

	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = mapdir);
	_cleanup_cgroup_skel_ struct pal_cgroup *skel = pal_cgroup__open_opts(&opts);
	if (!skel)
		return pal_err(err, errno, "opening the cgroup-BPF object");
	/* pinned by us, last (see the top of this file) */
	struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, MAP_META);
	if (m && (r = bpf_map__set_pin_path(m, NULL)) < 0)
		return pal_err(err, -r, "unpinning " MAP_META);
	lib_log_len = 0;
	lib_log[0] = '\0';
	r = pal_cgroup__load(skel);
	if (r < 0) {
		lib_log_tail(tail, sizeof(tail));
		return pal_err(err, -r, "loading the cgroup-BPF programs%s%s%s",
		               *tail ? " (libbpf: " : "", tail, *tail ? ")" : "");
	}
	_cleanup_close_ int meta_fd =
	    m ? dup(bpf_map__fd(m))
	      : bpf_map_create(BPF_MAP_TYPE_ARRAY, MAP_META, sizeof(key), sizeof(meta), 1, NULL);
	if (meta_fd < 0)
		return pal_err(err, m ? errno : -meta_fd, "creating " MAP_META);

	bpf_object__for_each_program(p, skel->obj)
	{
		if (is_cgroup_prog(bpf_program__type(p))) {
			/* attached per container by pal_bpf_register() */
			if (pathf(path, sizeof(path), err, "%s/prog/%s", pin_root,
			          bpf_program__name(p)) < 0)
				return -1;
			r = bpf_program__pin(p, path);
			if (r < 0)
				return pal_err(err, -r, "pinning %s", path);
		} else {
			/* global: the exec tracepoint that arms policies */
			if (pathf(dir, sizeof(dir), err, "%s/link", pin_root) < 0 ||
			    attach_pin(p, dir, err) < 0)
				return -1;
		}
	}

	if (lsm_probe(pin_root, mapdir, meta_fd, &meta, st->lsm_reason, sizeof(st->lsm_reason),
	              err) < 0)
		return -1;

	r = bpf_map_update_elem(meta_fd, &key, &meta, BPF_ANY);
	if (r < 0)
		return pal_err(err, -r, "writing " MAP_META);
	if (pathf(path, sizeof(path), err, "%s/map/" MAP_META, pin_root) < 0)
		return -1;
	r = bpf_obj_pin(meta_fd, path);
	if (r < 0)
		return pal_err(err, -r, "pinning %s", path);
	st->loaded = true;
	st->lsm = meta.lsm_state;
	st->lsm_errno = meta.lsm_errno;
	return 0;
}

/* PIN_ROOT, or its parent while it does not exist, must be on a bpffs. */
static int check_bpffs(const char *pin_root, pal_error *err)
{
	_cleanup_free_ char *parent = strdup(pin_root);
	const char *where = pin_root;
	struct statfs sfs;
	char *slash;

	if (!parent)
		return pal_err(err, ENOMEM, "%s", pin_root);
	if (statfs(pin_root, &sfs) < 0) {
		if (errno != ENOENT)
			return pal_err(err, errno, "%s", pin_root);
		slash = strrchr(parent, '/');
		if (!slash || slash == parent)
			return pal_err_code(err, EINVAL, "BPF pin root %s: not under a bpffs mount",
			                    pin_root);
		*slash = '\0';
		where = parent;
		if (statfs(parent, &sfs) < 0)
			return pal_err(err, errno,
			               "%s (the BPF file system; mount it with `mount -t bpf bpf "
			               "/sys/fs/bpf`)",
			               parent);
	}
	if ((unsigned long)sfs.f_type != (unsigned long)BPF_FS_MAGIC)
		return pal_err_code(
		    err, ENOTSUP,
		    "%s is not on a BPF file system (bpffs): mount one with `mount -t "
		    "bpf bpf /sys/fs/bpf` (or set bpf_dir in palisade.conf)",
		    where);
	return 0;
}

static int take_lock(const char *lock_path, pal_error *err)
{
	_cleanup_free_ char *dir = strdup(lock_path);
	char *slash;

	if (!dir)
		return pal_err(err, ENOMEM, "%s", lock_path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (pal_mkdir_p(dir, 0700, err) < 0)
			return -1;
	}
	_cleanup_close_ int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return pal_err(err, errno, "opening %s", lock_path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return pal_err(err, errno, "locking %s", lock_path);
	return steal_fd(&fd);
}

int pal_bpf_ensure(const char *pin_root, const char *lock_path, struct pal_bpf_status *st,
                   pal_error *err)
{
	struct pal_bpf_meta meta;
	pal_error ignored;
	int r;

	memset(st, 0, sizeof(*st));
	_cleanup_close_ int lock = take_lock(lock_path, err);
	if (lock < 0)
		return -1;
	/* under the lock: a concurrent ensure may have loaded meanwhile */
	r = read_meta(pin_root, &meta, err);
	if (r < 0)
		return -1;
	if (r == 0 && meta.abi != 0) {
		fill_status(&meta, st);
		if (!st->loaded)
			return pal_err_code(err, EPROTO, "BPF objects under %s: %s", pin_root,
			                    st->lsm_reason);
		return 0;
	}
	if (check_bpffs(pin_root, err) < 0)
		return -1;
	quiet_libbpf();
	/* the remains of a load that did not finish */
	if (purge(pin_root, false, err) < 0)
		return -1;
	if (load_all(pin_root, st, err) < 0) {
		(void)purge(pin_root, true, &ignored);
		memset(st, 0, sizeof(*st));
		return -1;
	}
	return 0;
}

int pal_bpf_unload(const char *pin_root, pal_error *err)
{
	quiet_libbpf();
	return purge(pin_root, true, err);
}

/* ------------------------------------------------------------ registration */

static int add_path(int fd, uint64_t cgid, enum pal_bpf_path_kind kind, const char *path,
                    pal_error *err)
{
	struct pal_bpf_path_key key;
	struct pal_bpf_path_val val = {0};
	size_t len = strlen(path);
	int r;

	if (path[0] != '/' || len >= PAL_BPF_PATH_MAX)
		return pal_err_code(err, EINVAL,
		                    "path \"%s\": not absolute or longer than %d bytes", path,
		                    PAL_BPF_PATH_MAX - 1);
	memset(&key, 0, sizeof(key));
	key.prefixlen = (__u32)(32 + 64 + 8 * len);
	key.kind = kind;
	key.cgroup_id = cgid;
	memcpy(key.path, path, len);
	val.len = (__u32)len;
	r = bpf_map_update_elem(fd, &key, &val, BPF_ANY);
	if (r < 0)
		return pal_err(err, -r, "adding path %s", path);
	return 0;
}

static int add_net(int fd, uint64_t cgid, const struct pal_bpf_cidr *c, pal_error *err)
{
	struct pal_bpf_net_key key;
	struct pal_bpf_net_val val = {.bits = c->bits};
	size_t alen = c->family == AF_INET ? 4 : 16;
	int r;

	if ((c->family != AF_INET && c->family != AF_INET6) || c->bits > alen * 8)
		return pal_err_code(err, EINVAL, "CIDR of family %d with %u bits", c->family,
		                    c->bits);
	memset(&key, 0, sizeof(key));
	key.prefixlen = 32 + 64 + c->bits;
	key.family = (__u32)c->family;
	key.cgroup_id = cgid;
	memcpy(key.addr, c->addr, alen);
	r = bpf_map_update_elem(fd, &key, &val, BPF_ANY);
	if (r < 0)
		return pal_err(err, -r, "adding a CIDR");
	return 0;
}

static int attach_cgroup(const char *pin_root, const char *cgdir, int cgroup_fd,
                         const struct cg_prog *cp, pal_error *err)
{
	char path[PATH_MAX];
	int r;

	if (pathf(path, sizeof(path), err, "%s/prog/%s", pin_root, cp->name) < 0)
		return -1;
	_cleanup_close_ int prog = bpf_obj_get(path);
	if (prog < 0)
		return pal_err(err, -prog, "opening %s", path);
	_cleanup_close_ int link = bpf_link_create(prog, cgroup_fd, cp->type, NULL);
	if (link < 0)
		return pal_err(err, -link, "attaching %s to the cgroup", cp->name);
	if (pathf(path, sizeof(path), err, "%s/%s", cgdir, cp->name) < 0)
		return -1;
	r = bpf_obj_pin(link, path);
	if (r < 0)
		return pal_err(err, -r, "pinning %s", path);
	return 0;
}

static int do_register(const char *pin_root, const char *cgdir, int cgroup_fd, uint64_t cgid,
                       const struct pal_bpf_policy_spec *ps, uint64_t start_ns,
                       uint32_t init_tgid, bool lsm_active, int policy_fd, pal_error *err)
{
	struct pal_bpf_cstate cstate;
	struct pal_bpf_policy pol;
	int r;

	_cleanup_close_ int paths = open_map(pin_root, MAP_PATHS, sizeof(struct pal_bpf_path_key),
	                                     sizeof(struct pal_bpf_path_val), err);
	if (paths < 0)
		return -1;
	_cleanup_close_ int nets = open_map(pin_root, MAP_NETS, sizeof(struct pal_bpf_net_key),
	                                    sizeof(struct pal_bpf_net_val), err);
	if (nets < 0)
		return -1;
	_cleanup_close_ int cs = open_map(pin_root, MAP_CSTATE, sizeof(__u64), sizeof(cstate), err);
	if (cs < 0)
		return -1;

	for (size_t i = 0; i < ps->n_exec_deny; i++)
		if (add_path(paths, cgid, PAL_BPF_PATH_EXEC, ps->exec_deny[i], err) < 0)
			return -1;
	for (size_t i = 0; i < ps->n_open_deny; i++)
		if (add_path(paths, cgid, PAL_BPF_PATH_OPEN, ps->open_deny[i], err) < 0)
			return -1;
	for (size_t i = 0; i < ps->n_write_deny; i++)
		if (add_path(paths, cgid, PAL_BPF_PATH_WRITE, ps->write_deny[i], err) < 0)
			return -1;
	for (size_t i = 0; i < ps->n_cidrs; i++)
		if (add_net(nets, cgid, &ps->cidrs[i], err) < 0)
			return -1;

	memset(&cstate, 0, sizeof(cstate));
	r = bpf_map_update_elem(cs, &cgid, &cstate, BPF_NOEXIST);
	if (r < 0)
		return pal_err(err, -r, "writing " MAP_CSTATE);

	for (size_t i = 0; i < sizeof(cg_progs) / sizeof(cg_progs[0]); i++) {
		enum pal_bpf_hook h = cg_progs[i].hook;

		/* with BPF LSM, socket_create and socket_connect decide these:
		 * attaching both would count and report each denial twice */
		if (lsm_active && (h == PAL_BPF_HOOK_CG_SOCK_CREATE || h == PAL_BPF_HOOK_CG_CONNECT4 ||
		                   h == PAL_BPF_HOOK_CG_CONNECT6))
			continue;
		if (pal_bpf_policy_needs_cgroup(ps, h) &&
		    attach_cgroup(pin_root, cgdir, cgroup_fd, &cg_progs[i], err) < 0)
			return -1;
	}

	memset(&pol, 0, sizeof(pol));
	pol.cgroup_id = cgid;
	pol.start_realtime_ns = start_ns;
	pol.flags = 0; /* pending: the init's exec arms it (bpf_abi.h) */
	pol.init_tgid = init_tgid;
	pol.root_kuid = ps->root_kuid;
	pol.rate_per_sec = ps->rate_per_sec; /* 0: the BPF side's default */
	for (size_t i = 0; i < PAL_BPF_RULE_MAX && i < sizeof(pol.action); i++)
		pol.action[i] = ps->action[i];
	r = bpf_map_update_elem(policy_fd, &cgid, &pol, BPF_NOEXIST);
	if (r < 0)
		return pal_err(err, -r, "writing " MAP_POLICY);
	return 0;
}

int pal_bpf_register(const char *pin_root, int cgroup_fd, uint64_t cgid,
                     const struct pal_bpf_policy_spec *ps, uint64_t start_realtime_ns,
                     uint32_t init_tgid, pal_error *err)
{
	struct pal_bpf_status st;
	struct pal_bpf_policy pol;
	struct statfs sfs;
	struct stat sb;
	char cgdir[PATH_MAX];
	pal_error ignored;
	int r;

	if (cgid == 0)
		return pal_err_code(err, EINVAL, "refusing to register cgroup id 0");
	if (fstat(cgroup_fd, &sb) < 0 || fstatfs(cgroup_fd, &sfs) < 0)
		return pal_err(err, errno, "cgroup %llu", (unsigned long long)cgid);
	if (!S_ISDIR(sb.st_mode) ||
	    (unsigned long)sfs.f_type != (unsigned long)CGROUP2_SUPER_MAGIC ||
	    (uint64_t)sb.st_ino != cgid)
		return pal_err_code(err, EINVAL,
		                    "cgroup %llu: the descriptor is not that cgroup v2 directory "
		                    "(inode %llu)",
		                    (unsigned long long)cgid, (unsigned long long)sb.st_ino);
	if (pal_bpf_status(pin_root, &st, err) < 0)
		return -1;
	if (!st.loaded)
		return pal_err_code(err, ENOENT, "BPF objects are not loaded under %s: %s",
		                    pin_root, st.lsm_reason);
	quiet_libbpf();

	_cleanup_close_ int policy =
	    open_map(pin_root, MAP_POLICY, sizeof(__u64), sizeof(struct pal_bpf_policy), err);
	if (policy < 0)
		return -1;
	if (bpf_map_lookup_elem(policy, &cgid, &pol) == 0)
		return pal_err_code(err, EEXIST, "cgroup %llu is already registered",
		                    (unsigned long long)cgid);
	if (pathf(cgdir, sizeof(cgdir), err, "%s/cg/%llu", pin_root, (unsigned long long)cgid) < 0)
		return -1;
	/* the claim: from here on, what exists for CGID is ours to undo */
	if (mkdir(cgdir, 0700) < 0) {
		if (errno == EEXIST)
			return pal_err_code(err, EEXIST, "cgroup %llu is already registered (%s)",
			                    (unsigned long long)cgid, cgdir);
		return pal_err(err, errno, "creating %s", cgdir);
	}
	r = do_register(pin_root, cgdir, cgroup_fd, cgid, ps, start_realtime_ns, init_tgid,
	                st.lsm == PAL_BPF_LSM_ACTIVE, policy, err);
	if (r < 0) {
		(void)pal_bpf_unregister(pin_root, cgid, &ignored);
		return pal_err_prefix(err, "registering cgroup %llu", (unsigned long long)cgid);
	}
	return 0;
}

/* Delete every key of FD (KEY_SIZE bytes) whose u64 at OFFSET is CGID.
 * Keys are collected first: deleting while walking a trie (or a hash)
 * restarts or skips the walk. */
static int delete_keys_of(int fd, size_t key_size, size_t offset, uint64_t cgid, const char *name,
                          pal_error *err)
{
	_cleanup_free_ unsigned char *keys = NULL;
	_cleanup_free_ unsigned char *cur = malloc(key_size), *next = malloc(key_size);
	size_t n = 0, cap = 0;
	bool first = true;
	int r;

	if (!cur || !next)
		return pal_err(err, ENOMEM, "%s", name);
	for (;;) {
		uint64_t id;
		r = bpf_map_get_next_key(fd, first ? NULL : cur, next);
		if (r == -ENOENT)
			break;
		if (r < 0)
			return pal_err(err, -r, "walking %s", name);
		first = false;
		memcpy(&id, next + offset, sizeof(id));
		if (id == cgid) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				unsigned char *k = realloc(keys, ncap * key_size);
				if (!k)
					return pal_err(err, ENOMEM, "%s", name);
				keys = k;
				cap = ncap;
			}
			memcpy(keys + n * key_size, next, key_size);
			n++;
		}
		memcpy(cur, next, key_size);
	}
	for (size_t i = 0; i < n; i++) {
		r = bpf_map_delete_elem(fd, keys + i * key_size);
		if (r < 0 && r != -ENOENT)
			return pal_err(err, -r, "deleting from %s", name);
	}
	return 0;
}

static int delete_key(const char *pin_root, const char *name, uint64_t cgid, pal_error *err)
{
	_cleanup_close_ int fd = open_map(pin_root, name, sizeof(__u64), 0, err);
	int r;

	if (fd < 0)
		return err->errnum == ENOENT ? 0 : -1;
	r = bpf_map_delete_elem(fd, &cgid);
	if (r < 0 && r != -ENOENT)
		return pal_err(err, -r, "deleting from %s", name);
	return 0;
}

int pal_bpf_unregister(const char *pin_root, uint64_t cgid, pal_error *err)
{
	static const struct {
		const char *name;
		size_t key_size, offset;
	} tries[] = {
	    {MAP_PATHS, sizeof(struct pal_bpf_path_key),
	     offsetof(struct pal_bpf_path_key, cgroup_id)},
	    {MAP_NETS, sizeof(struct pal_bpf_net_key), offsetof(struct pal_bpf_net_key, cgroup_id)},
	    {MAP_CAPSEEN, sizeof(struct pal_bpf_capseen_key),
	     offsetof(struct pal_bpf_capseen_key, cgroup_id)},
	};
	char cgdir[PATH_MAX];

	quiet_libbpf();
	/* the policy first: what is left below is inert without it */
	if (delete_key(pin_root, MAP_POLICY, cgid, err) < 0)
		return -1;
	if (pathf(cgdir, sizeof(cgdir), err, "%s/cg/%llu", pin_root, (unsigned long long)cgid) < 0)
		return -1;
	if (rm_tree_at(AT_FDCWD, cgdir, err) < 0)
		return -1;
	if (delete_key(pin_root, MAP_CSTATE, cgid, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		_cleanup_close_ int fd =
		    open_map(pin_root, tries[i].name, (__u32)tries[i].key_size, 0, err);
		if (fd < 0) {
			if (err->errnum == ENOENT)
				continue;
			return -1;
		}
		if (delete_keys_of(fd, tries[i].key_size, tries[i].offset, cgid, tries[i].name,
		                   err) < 0)
			return -1;
	}
	return 0;
}

/* 1: the cgroup exists, 0: gone, -1: cannot tell. */
static int cgroup_alive(int cgroup2_fd, uint64_t cgid, pal_error *err)
{
	union {
		struct file_handle fh;
		unsigned char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	int fd;

	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = sizeof(uint64_t);
	h.fh.handle_type = FILEID_KERNFS;
	memcpy(h.fh.f_handle, &cgid, sizeof(cgid));
	fd = open_by_handle_at(cgroup2_fd, &h.fh, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (errno == ESTALE || errno == ENOENT)
		return 0;
	return pal_err(err, errno, "looking up cgroup %llu", (unsigned long long)cgid);
}

static int add_id(uint64_t **ids, size_t *n, uint64_t id)
{
	uint64_t *p;

	for (size_t i = 0; i < *n; i++)
		if ((*ids)[i] == id)
			return 0;
	p = realloc(*ids, (*n + 1) * sizeof(*p));
	if (!p)
		return -1;
	p[(*n)++] = id;
	*ids = p;
	return 0;
}

int pal_bpf_sweep(const char *pin_root, int cgroup2_fd, size_t *n_swept, pal_error *err)
{
	_cleanup_free_ uint64_t *ids = NULL;
	char cgroot[PATH_MAX];
	size_t n = 0, swept = 0;
	struct dirent *de;
	int r = -ENOENT;

	if (n_swept)
		*n_swept = 0;
	quiet_libbpf();
	if (pathf(cgroot, sizeof(cgroot), err, "%s/cg", pin_root) < 0)
		return -1;
	{
		_cleanup_closedir_ DIR *d = opendir(cgroot);
		if (!d && errno != ENOENT)
			return pal_err(err, errno, "opening %s", cgroot);
		while (d && (errno = 0, de = readdir(d))) {
			char *end;
			unsigned long long id;
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			errno = 0;
			id = strtoull(de->d_name, &end, 10);
			if (errno || *end)
				continue;
			if (add_id(&ids, &n, id) < 0)
				return pal_err(err, ENOMEM, "sweep");
		}
	}
	{
		_cleanup_close_ int fd = open_map(pin_root, MAP_POLICY, sizeof(__u64), 0, err);
		uint64_t cur = 0, next;
		bool first = true;
		if (fd < 0 && err->errnum != ENOENT)
			return -1;
		while (fd >= 0 && (r = bpf_map_get_next_key(fd, first ? NULL : &cur, &next)) == 0) {
			first = false;
			if (add_id(&ids, &n, next) < 0)
				return pal_err(err, ENOMEM, "sweep");
			cur = next;
		}
		if (fd >= 0 && r != -ENOENT)
			return pal_err(err, -r, "walking " MAP_POLICY);
	}
	for (size_t i = 0; i < n; i++) {
		r = cgroup_alive(cgroup2_fd, ids[i], err);
		if (r < 0)
			return -1;
		if (r == 1)
			continue;
		if (pal_bpf_unregister(pin_root, ids[i], err) < 0)
			return pal_err_prefix(err, "sweeping cgroup %llu",
			                      (unsigned long long)ids[i]);
		swept++;
		if (n_swept)
			*n_swept = swept;
	}
	return 0;
}

/* ------------------------------------------------------------ reading */

int pal_bpf_lookup(const char *pin_root, uint64_t cgid, struct pal_bpf_policy *policy,
                   struct pal_bpf_cstate *cstate, pal_error *err)
{
	struct pal_bpf_policy pol;
	struct pal_bpf_cstate cs;
	int r;

	quiet_libbpf();
	_cleanup_close_ int pfd = open_map(pin_root, MAP_POLICY, sizeof(__u64), sizeof(pol), err);
	if (pfd < 0)
		return -1;
	_cleanup_close_ int cfd = open_map(pin_root, MAP_CSTATE, sizeof(__u64), sizeof(cs), err);
	if (cfd < 0)
		return -1;
	r = bpf_map_lookup_elem(pfd, &cgid, &pol);
	if (r < 0)
		return r == -ENOENT
		           ? pal_err_code(err, ENOENT, "no policy registered for cgroup %llu",
		                          (unsigned long long)cgid)
		           : pal_err(err, -r, "reading " MAP_POLICY);
	r = bpf_map_lookup_elem(cfd, &cgid, &cs);
	if (r == -ENOENT)
		memset(&cs, 0, sizeof(cs));
	else if (r < 0)
		return pal_err(err, -r, "reading " MAP_CSTATE);
	if (policy)
		*policy = pol;
	if (cstate)
		*cstate = cs;
	return 0;
}

int pal_bpf_drops(const char *pin_root, uint64_t *drops, pal_error *err)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = 0;
	int r;

	quiet_libbpf();
	if (ncpu <= 0)
		return pal_err(err, -ncpu, "counting CPUs");
	_cleanup_free_ uint64_t *v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return pal_err(err, ENOMEM, MAP_DROPS);
	_cleanup_close_ int fd = open_map(pin_root, MAP_DROPS, sizeof(key), sizeof(*v), err);
	if (fd < 0)
		return -1;
	r = bpf_map_lookup_elem(fd, &key, v);
	if (r < 0)
		return pal_err(err, -r, "reading " MAP_DROPS);
	*drops = 0;
	for (int i = 0; i < ncpu; i++)
		*drops += v[i];
	return 0;
}

struct pal_bpf_reader {
	struct ring_buffer *rb;
	int map_fd;
	pal_bpf_event_cb cb;
	void *ctx;
	pal_error *err; /* the current poll's */
	int n;
	int stop;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct pal_bpf_reader *r = ctx;
	struct pal_bpf_event ev;
	int rc;

	/* a shorter record (another ABI) reads as zeros past its end */
	memset(&ev, 0, sizeof(ev));
	memcpy(&ev, data, size < sizeof(ev) ? size : sizeof(ev));
	rc = r->cb(r->ctx, &ev, r->err);
	if (rc < 0) {
		r->stop = rc;
		return rc;
	}
	r->n++;
	return 0;
}

int pal_bpf_reader_open(const char *pin_root, pal_bpf_event_cb cb, void *ctx,
                        struct pal_bpf_reader **reader, pal_error *err)
{
	_cleanup_free_ struct pal_bpf_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return pal_err(err, ENOMEM, "event reader");
	quiet_libbpf();
	_cleanup_close_ int fd = open_map(pin_root, MAP_EVENTS, 0, 0, err);
	if (fd < 0)
		return -1;
	r->cb = cb;
	r->ctx = ctx;
	r->rb = ring_buffer__new(fd, on_sample, r, NULL);
	if (!r->rb)
		return pal_err(err, errno, "reading %s/map/" MAP_EVENTS, pin_root);
	r->map_fd = steal_fd(&fd);
	*reader = steal_pointer(&r);
	return 0;
}

int pal_bpf_reader_poll(struct pal_bpf_reader *reader, int timeout_ms, pal_error *err)
{
	int rc;

	reader->n = 0;
	reader->stop = 0;
	reader->err = err;
	rc = ring_buffer__poll(reader->rb, timeout_ms);
	reader->err = NULL;
	if (reader->stop)
		return reader->stop;
	if (rc < 0 && rc != -EINTR)
		return pal_err(err, -rc, "polling BPF events");
	return reader->n;
}

int pal_bpf_reader_fd(const struct pal_bpf_reader *reader)
{
	return ring_buffer__epoll_fd(reader->rb);
}

void pal_bpf_reader_free(struct pal_bpf_reader *reader)
{
	if (!reader)
		return;
	ring_buffer__free(reader->rb);
	if (reader->map_fd >= 0)
		close(reader->map_fd);
	free(reader);
}

/* ------------------------------------------------------------ names, JSON */

static const char *const hook_names[PAL_BPF_HOOK_MAX] = {
    [PAL_BPF_HOOK_FILE_OPEN] = "file_open",
    [PAL_BPF_HOOK_BPRM_CHECK] = "bprm_check_security",
    [PAL_BPF_HOOK_SB_MOUNT] = "sb_mount",
    [PAL_BPF_HOOK_MOVE_MOUNT] = "move_mount",
    [PAL_BPF_HOOK_PTRACE] = "ptrace_access_check",
    [PAL_BPF_HOOK_SOCKET_CREATE] = "socket_create",
    [PAL_BPF_HOOK_SOCKET_CONNECT] = "socket_connect",
    [PAL_BPF_HOOK_KMOD_REQUEST] = "kernel_module_request",
    [PAL_BPF_HOOK_BPF] = "bpf",
    [PAL_BPF_HOOK_TASK_FIX_SETUID] = "task_fix_setuid",
    [PAL_BPF_HOOK_CAPABLE] = "capable",
    [PAL_BPF_HOOK_CG_SOCK_CREATE] = "cgroup/sock_create",
    [PAL_BPF_HOOK_CG_CONNECT4] = "cgroup/connect4",
    [PAL_BPF_HOOK_CG_CONNECT6] = "cgroup/connect6",
    [PAL_BPF_HOOK_CG_SENDMSG4] = "cgroup/sendmsg4",
    [PAL_BPF_HOOK_CG_SENDMSG6] = "cgroup/sendmsg6",
    [PAL_BPF_HOOK_CG_SYSCTL] = "cgroup/sysctl",
};

/* the profile's own words (bpf_policy.h) */
static const char *const rule_names[PAL_BPF_RULE_MAX] = {
    [PAL_BPF_RULE_EXEC_PATH] = "exec",
    [PAL_BPF_RULE_DRIFT] = "drift",
    [PAL_BPF_RULE_FILES] = "files",
    [PAL_BPF_RULE_MOUNT] = "mount",
    [PAL_BPF_RULE_PTRACE] = "ptrace",
    [PAL_BPF_RULE_RAW_SOCKET] = "rawSockets",
    [PAL_BPF_RULE_CONNECT] = "connect",
    [PAL_BPF_RULE_MODULE] = "moduleRequest",
    [PAL_BPF_RULE_BPF] = "bpf",
    [PAL_BPF_RULE_SETUID_ROOT] = "setuidRoot",
    [PAL_BPF_RULE_CAPABLE] = "capabilities",
    [PAL_BPF_RULE_SYSCTL_WRITE] = "sysctlWrite",
};

const char *pal_bpf_hook_name(unsigned hook)
{
	return hook < PAL_BPF_HOOK_MAX && hook_names[hook] ? hook_names[hook] : "?";
}

const char *pal_bpf_rule_name(unsigned rule)
{
	return rule < PAL_BPF_RULE_MAX ? rule_names[rule] : "?";
}

const char *pal_bpf_verdict_name(unsigned verdict)
{
	switch (verdict) {
	case PAL_BPF_VERDICT_DENY:
		return "deny";
	case PAL_BPF_VERDICT_AUDIT:
		return "audit";
	case PAL_BPF_VERDICT_LOG:
		return "log";
	default:
		return "?";
	}
}

static int g_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0
	                                                                                     : -1;
}

static int g_kv_str(yajl_gen g, const char *k, const char *v)
{
	return g_str(g, k) < 0 || g_str(g, v) < 0 ? -1 : 0;
}

/* container bytes, escaped by pal_utf8_safe() (util.h) */
static int g_kv_bytes(yajl_gen g, const char *k, const char *v, size_t max)
{
	_cleanup_free_ char *safe = pal_utf8_safe(v, max);

	return !safe || g_kv_str(g, k, safe) < 0 ? -1 : 0;
}

static int g_kv_u64(yajl_gen g, const char *k, unsigned long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", v);

	return g_str(g, k) < 0 || yajl_gen_number(g, num, (size_t)n) != yajl_gen_status_ok ? -1 : 0;
}

static int g_kv_int(yajl_gen g, const char *k, long long v)
{
	return g_str(g, k) < 0 || yajl_gen_integer(g, v) != yajl_gen_status_ok ? -1 : 0;
}

static int event_detail(yajl_gen g, const struct pal_bpf_event *ev)
{
	char addr[INET6_ADDRSTRLEN];

	switch (ev->hook) {
	case PAL_BPF_HOOK_FILE_OPEN:
	case PAL_BPF_HOOK_BPRM_CHECK:
	case PAL_BPF_HOOK_SB_MOUNT:
	case PAL_BPF_HOOK_MOVE_MOUNT:
	case PAL_BPF_HOOK_KMOD_REQUEST:
	case PAL_BPF_HOOK_CG_SYSCTL:
		return g_kv_bytes(g, "path", ev->d.path, sizeof(ev->d.path));
	case PAL_BPF_HOOK_SOCKET_CONNECT:
	case PAL_BPF_HOOK_CG_CONNECT4:
	case PAL_BPF_HOOK_CG_CONNECT6:
	case PAL_BPF_HOOK_CG_SENDMSG4:
	case PAL_BPF_HOOK_CG_SENDMSG6:
		if (ev->d.net.family == AF_INET || ev->d.net.family == AF_INET6) {
			int af = (int)ev->d.net.family;
			if (!inet_ntop(af, ev->d.net.addr, addr, sizeof(addr)) ||
			    g_kv_str(g, "family", af == AF_INET ? "inet" : "inet6") < 0 ||
			    g_kv_str(g, "address", addr) < 0)
				return -1;
		} else if (g_kv_int(g, "family", ev->d.net.family) < 0) {
			return -1;
		}
		return g_kv_int(g, "port", ev->d.net.port);
	case PAL_BPF_HOOK_SOCKET_CREATE:
	case PAL_BPF_HOOK_CG_SOCK_CREATE:
		if (g_str(g, "socket") < 0 || yajl_gen_map_open(g) != yajl_gen_status_ok ||
		    g_kv_int(g, "family", ev->d.sock.family) < 0 ||
		    g_kv_int(g, "type", ev->d.sock.type) < 0 ||
		    g_kv_int(g, "protocol", ev->d.sock.protocol) < 0)
			return -1;
		return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
	case PAL_BPF_HOOK_CAPABLE: {
		char *name = cap_to_name((cap_value_t)ev->d.cap.cap);
		char upper[64];
		size_t i;
		if (!name)
			return -1;
		for (i = 0; name[i] && i + 1 < sizeof(upper); i++)
			upper[i] =
			    (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
		upper[i] = '\0';
		cap_free(name);
		return g_kv_str(g, "capability", upper);
	}
	case PAL_BPF_HOOK_TASK_FIX_SETUID:
		return g_kv_u64(g, "old_uid", ev->d.setuid.old_uid) < 0 ||
		               g_kv_u64(g, "new_uid", ev->d.setuid.new_uid) < 0
		           ? -1
		           : 0;
	case PAL_BPF_HOOK_BPF:
		return g_kv_int(g, "bpf_cmd", ev->d.bpf.cmd);
	case PAL_BPF_HOOK_PTRACE:
		return g_kv_u64(g, "target_pid", ev->d.ptrace.target_pid) < 0 ||
		               g_kv_u64(g, "mode", ev->d.ptrace.mode) < 0
		           ? -1
		           : 0;
	default:
		return 0;
	}
}

int pal_bpf_event_detail_json(const struct pal_bpf_event *ev, char **out, pal_error *err)
{
	_cleanup_yajl_gen_ yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return pal_err(err, ENOMEM, "event JSON");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (yajl_gen_map_open(g) != yajl_gen_status_ok || event_detail(g, ev) < 0 ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return pal_err(err, EINVAL, "formatting a BPF event's detail as JSON");
	*out = strndup((const char *)buf, len);
	if (!*out)
		return pal_err(err, ENOMEM, "event JSON");
	return 0;
}

int pal_bpf_event_json(const struct pal_bpf_event *ev, char **out, pal_error *err)
{
	_cleanup_yajl_gen_ yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return pal_err(err, ENOMEM, "event JSON");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    g_kv_u64(g, "ts_boot_ns", ev->ts_boot_ns) < 0 ||
	    g_kv_u64(g, "cgroup_id", ev->cgroup_id) < 0 || g_kv_u64(g, "pid", ev->pid) < 0 ||
	    g_kv_u64(g, "tid", ev->tid) < 0 || g_kv_u64(g, "uid", ev->uid) < 0 ||
	    g_kv_bytes(g, "comm", ev->comm, sizeof(ev->comm)) < 0 ||
	    g_kv_str(g, "hook", pal_bpf_hook_name(ev->hook)) < 0 ||
	    g_kv_str(g, "rule", pal_bpf_rule_name(ev->rule)) < 0 ||
	    g_kv_str(g, "verdict", pal_bpf_verdict_name(ev->verdict)) < 0 ||
	    event_detail(g, ev) < 0 || yajl_gen_map_close(g) != yajl_gen_status_ok ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return pal_err(err, EINVAL, "formatting a BPF event as JSON");
	*out = strndup((const char *)buf, len);
	if (!*out)
		return pal_err(err, ENOMEM, "event JSON");
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "mounts": host paths reaching the container through "mounts" and
 * linux.rootfsPropagation, under
 *   "mounts": {"denyHostPaths": [...], "forceOptions": ["nosuid", ...]}.
 *
 * A mount is a bind mount when its options hold "bind" or "rbind" (what
 * runc goes by) or its type is "bind" (taken as one too, to be safe with
 * runtimes that read the type); its source is then a host path, a relative
 * one being taken from the bundle directory as runc does.
 *
 * denyHostPaths: a bind mount is refused when its source
 *   - is a denied path or lies under one ("/" only denies the root itself:
 *     everything lies under it);
 *   - contains a denied path (binding /run exposes /run/docker.sock);
 *   - and both of these once the host resolves it: the source's realpath(3)
 *     and the denied paths' own real paths are compared too, since a
 *     harmless-looking host symlink can point at /var/run/docker.sock, and
 *     /var/run itself is usually a symlink to /run.
 * The runtime sockets are the classic escape: whoever reaches docker.sock,
 * containerd.sock or crio.sock starts a privileged container on the host
 * (CIS Docker Benchmark 5.31); /, /etc, /proc, /boot and the runtime's
 * state directories are as bad.  The source is checked lexically and as
 * resolved now: a snapshot.  A symlink swapped between this check and the
 * runtime's mount, by whoever can write the directory holding it, is not
 * seen; bind sources belong in directories only the host writes.
 * Also under denyHostPaths, "shared" and "rshared" are removed from bind
 * mounts, leaving the runtime's private default: with shared propagation
 * mounts made in the container appear on the host (CIS Docker 5.19).
 *
 * Under denyHostPaths, three more ways in:
 *   - A filesystem mount of a host disk ({"type": "ext4", "source":
 *     "/dev/sda1"}) gives the container every file on it, whatever the
 *     denied paths say, and the device cgroup does not stop it: runc sets
 *     the cgroup's device rules when init reports procHooks, which init
 *     does after its mount loop in prepareRootfs.  So a mount that is not
 *     a bind mount is refused when its source is a path under /dev or is,
 *     once resolved, a block device.  Exempt are the types whose kernel driver
 *     takes no device and reads the source as a mere label ("proc", "shm",
 *     "none"), which is what runc's spec, containerd, Docker and Podman
 *     write for proc, sysfs, tmpfs, ramfs, devpts, mqueue, cgroup(2) and
 *     bpf.  runc hands a non-bind source to mount(2) unchanged from init,
 *     whose working directory is the rootfs (libcontainer sets cmd.Dir to
 *     it and only pivots after the mounts), so a relative source is
 *     resolved from the rootfs, and from the bundle too, where runc itself
 *     runs, for runtimes that mount from there.
 *   - overlayfs takes its layers from options: lowerdir= (':' separates
 *     layers, "::" data-only ones, '\' escapes), upperdir=, workdir= (with
 *     '\' escapes) and the appending lowerdir+=, datadir+= (taken as
 *     written, Linux 6.8).  For a volume with the :O flag, Podman
 *     (buildah's pkg/overlay) writes such an overlay with the volume's
 *     source as lowerdir.  Each path, in the options of any mount, is
 *     checked exactly like a bind source (relative ones from the rootfs
 *     and the bundle, as above).  An option is split at unescaped commas
 *     as the kernel splits mount data, so "ro,lowerdir=/etc" in one string
 *     is seen; one ending in an escape runs into the next option, and the
 *     layers given by file descriptor (upperdir_fd= ...) name directories
 *     nobody can check from here: both are refused.
 *   - linux.rootfsPropagation "shared" or "rshared" makes the container's
 *     root a peer of the host's mounts: mounts made in the container appear
 *     on the host.  containerd asks for it for a Kubernetes Bidirectional
 *     volume, which Kubernetes only allows privileged containers, and
 *     Docker for a managed plugin's propagated mount.  The key is removed:
 *     runc then makes / rslave (libcontainer/rootfs_linux.go prepareRoot:
 *     MS_SLAVE|MS_REC unless RootPropagation is set), crun rprivate; host
 *     mounts may still propagate in, nothing propagates out.
 *
 * forceOptions (nosuid, nodev, noexec, ro): each is added to every bind
 * mount lacking it, and its opposite, which would win if later in the list
 * or applied after it ("suid"; the recursive "rsuid", which runc applies
 * with mount_setattr after the mount), is removed.  nosuid keeps a
 * set-uid binary planted in a volume from becoming root in the container,
 * nodev keeps a device node in a volume from opening a host device.
 *
 * forceOptions and the removal of shared propagation touch bind mounts
 * only: proc, sysfs, tmpfs, devpts, mqueue and cgroup name no host path.
 * Engines mount /sys and the cgroup tree read-only unless the container is
 * privileged, which the privileged rule governs.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"
#include "palisade/util.h"

#define RULE "mounts"

struct paths {
	char **v;
	size_t n;
};

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Takes S, also on failure. */
static int paths_add(struct paths *p, char *s)
{
	char **v;

	if (!s)
		return -1;
	v = realloc(p->v, (p->n + 1) * sizeof(*v));
	if (!v) {
		free(s);
		return -1;
	}
	p->v = v;
	p->v[p->n++] = s;
	return 0;
}

/* PATH, relative ones under BASE, with "//", "." and ".." resolved
 * lexically (no symlinks).  Malloc'd; NULL on ENOMEM. */
static char *clean(const char *base, const char *path)
{
	size_t blen = path[0] == '/' ? 0 : strlen(base);
	_cleanup_free_ char *joined = malloc(blen + strlen(path) + 2);
	char *out, *save = NULL, *c;
	size_t len = 1;

	if (!joined)
		return NULL;
	snprintf(joined, blen + strlen(path) + 2, "%s/%s", blen ? base : "", path);
	out = malloc(strlen(joined) + 2);
	if (!out)
		return NULL;
	out[0] = '/';
	for (c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--;
			continue;
		}
		if (len > 1)
			out[len++] = '/';
		memcpy(out + len, c, strlen(c));
		len += strlen(c);
	}
	out[len] = '\0';
	return out;
}

/* PATH is DIR or lies under it; "/" covers everything. */
static bool covers(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* The denied path PATH runs into, NULL if none; *HOW says how. */
static const char *denied(const struct paths *deny, const char *path, const char **how)
{
	for (size_t i = 0; i < deny->n; i++) {
		const char *d = deny->v[i];

		if (!strcmp(d, path)) {
			*how = "is";
			return d;
		}
		if (strcmp(d, "/") && covers(d, path)) {
			*how = "lies under";
			return d;
		}
		if (covers(path, d)) {
			*how = "contains";
			return d;
		}
	}
	return NULL;
}

/* The directory relative bind sources start from: runc runs in the bundle
 * (the working directory when none is given) and joins them to its real
 * path.  A bundle that cannot be resolved is taken lexically from "/". */
static char *bundle_base(const struct pal_rewrite_ctx *ctx)
{
	const char *bundle = ctx->bundle ? ctx->bundle : ".";
	char *real = realpath(bundle, NULL);

	return real ? real : clean("/", bundle);
}

static bool has_option(yajl_val options, const char *opt)
{
	for (size_t i = 0; options && i < options->u.array.len; i++)
		if (!strcmp(options->u.array.values[i]->u.string, opt))
			return true;
	return false;
}

static const struct {
	const char *opt;
	const char *opposite[2];
} forceable[] = {
    {"nosuid", {"suid", "rsuid"}},
    {"nodev", {"dev", "rdev"}},
    {"noexec", {"exec", "rexec"}},
    {"ro", {"rw", "rrw"}},
};

static int forceable_index(const char *opt)
{
	for (size_t i = 0; i < sizeof(forceable) / sizeof(forceable[0]); i++)
		if (!strcmp(forceable[i].opt, opt))
			return (int)i;
	return -1;
}

/* Remove every OPT from OPTIONS, noting it for FIELD. */
static void drop_option(const struct pal_rewrite_ctx *ctx, yajl_val options, const char *opt,
                        const char *field, const char *why)
{
	size_t i = 0;

	while (options && i < options->u.array.len) {
		if (strcmp(options->u.array.values[i]->u.string, opt)) {
			i++;
			continue;
		}
		pal_rule_note(ctx, RULE, field, "removed \"%s\" (%s)", opt, why);
		pal_json_array_remove(options, i);
	}
}

/* Where relative host paths are taken from: the bundle for bind sources
 * (runc joins them to it), the rootfs and the bundle for what reaches
 * mount(2) as written (see the header). */
struct bases {
	const char *v[2];
	size_t n;
};

static int refuse_path(const struct pal_rewrite_ctx *ctx, const char *field, const char *what,
                       const char *path, const char *real, const char *how, const char *d,
                       pal_error *err)
{
	_cleanup_free_ char *shown = pal_escape(path, 200);
	_cleanup_free_ char *shown_real = real ? pal_escape(real, 200) : NULL;

	if (!shown || (real && !shown_real))
		return pal_err(err, ENOMEM, "config.json: %s", field);
	if (!real)
		return pal_rule_refuse(ctx, RULE, field, err,
		                       "%s %s: it %s the denied host path %s", what, shown, how, d);
	return pal_rule_refuse(ctx, RULE, field, err,
	                       "%s %s: it resolves to %s, which %s the denied host path %s", what,
	                       shown, shown_real, how, d);
}

/* PATH, a host path FIELD names (WHAT, in a refusal), against the denied
 * paths, as written and as the host resolves it now; a relative one from
 * each of BASES. */
static int check_path(const struct pal_rewrite_ctx *ctx, const struct paths *deny,
                      const struct bases *bases, const char *field, const char *what,
                      const char *path, pal_error *err)
{
	size_t n = path[0] == '/' ? 1 : bases->n;

	for (size_t b = 0; b < n; b++) {
		_cleanup_free_ char *lexical = clean(bases->v[b], path), *joined = NULL;
		_cleanup_free_ char *real = NULL, *shown = NULL;
		const char *how = NULL, *d;

		if (!lexical)
			return pal_err(err, ENOMEM, "config.json: %s", field);
		d = denied(deny, lexical, &how);
		if (d)
			return refuse_path(ctx, field, what, path, NULL, how, d, err);

		if (path[0] == '/')
			joined = strdup(path);
		else if (asprintf(&joined, "%s/%s", bases->v[b], path) < 0)
			joined = NULL;
		if (!joined)
			return pal_err(err, ENOMEM, "config.json: %s", field);
		/* the kernel follows symlinks before "..": realpath, not the
		 * lexical form, says what the runtime will really mount */
		real = realpath(joined, NULL);
		if (!real) {
			int saved = errno;

			if (saved == ENOENT || saved == ENOTDIR)
				continue; /* nothing there (yet): the lexical check is all */
			shown = pal_escape(path, 200);
			return pal_err(err, saved, "config.json: %s: resolving %s on the host",
			               field, shown ? shown : "it");
		}
		d = denied(deny, real, &how);
		if (d)
			return refuse_path(ctx, field, what, path, real, how, d, err);
	}
	return 0;
}

/* Filesystems that take no device: their driver reads the source as a
 * mere label ("proc", "shm", "none"). */
static const char *const label_types[] = {"proc",   "sysfs",  "tmpfs",   "ramfs", "devpts",
                                          "mqueue", "cgroup", "cgroup2", "bpf"};

static bool takes_label(yajl_val type)
{
	for (size_t k = 0; type && k < sizeof(label_types) / sizeof(label_types[0]); k++)
		if (!strcmp(type->u.string, label_types[k]))
			return true;
	return false;
}

#define DISK_WHY "a host disk mounted in the container exposes every file on it"

/* Refuse the source of a mount that is not a bind mount when it is a path
 * under /dev or, resolved now, a block device; a relative one from each of
 * BASES. */
static int check_device(const struct pal_rewrite_ctx *ctx, const struct bases *bases, size_t i,
                        const char *source, pal_error *err)
{
	_cleanup_free_ char *shown = pal_escape(source, 200);
	size_t n = source[0] == '/' ? 1 : bases->n;
	char field[64];

	snprintf(field, sizeof(field), "mounts[%zu].source", i);
	if (!shown)
		return pal_err(err, ENOMEM, "config.json: %s", field);
	for (size_t b = 0; b < n; b++) {
		_cleanup_free_ char *lexical = clean(bases->v[b], source), *joined = NULL;
		_cleanup_free_ char *real = NULL, *shown_real = NULL;
		struct stat st;

		if (!lexical)
			return pal_err(err, ENOMEM, "config.json: %s", field);
		/* a bundle kept under /dev (/dev/shm) does not make every
		 * relative label a device path: only climbing there does */
		if (covers("/dev", lexical) && strcmp(lexical, "/dev") &&
		    (source[0] == '/' || !covers("/dev", bases->v[b])))
			return pal_rule_refuse(ctx, RULE, field, err,
			                       "mount of %s: it lies under /dev, the host's "
			                       "devices; " DISK_WHY,
			                       shown);

		if (source[0] == '/')
			joined = strdup(source);
		else if (asprintf(&joined, "%s/%s", bases->v[b], source) < 0)
			joined = NULL;
		if (!joined)
			return pal_err(err, ENOMEM, "config.json: %s", field);
		if (stat(joined, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue; /* a label ("overlay", "server:/export") */
			return pal_err(err, errno, "config.json: %s: resolving %s on the host",
			               field, shown);
		}
		if (!S_ISBLK(st.st_mode))
			continue;
		real = realpath(joined, NULL); /* only for the message */
		shown_real = pal_escape(real ? real : joined, 200);
		if (!shown_real)
			return pal_err(err, ENOMEM, "config.json: %s", field);
		return pal_rule_refuse(ctx, RULE, field, err,
		                       "mount of %s: it is the host block device %s; " DISK_WHY,
		                       shown, shown_real);
	}
	return 0;
}

/* How overlayfs reads the path in an option (fs/overlayfs/params.c). */
enum path_form {
	LAYERS,  /* ':' separates layers ("::" data-only ones), '\' escapes */
	ESCAPED, /* one path, '\' escapes (ovl_mount_dir) */
	RAW,     /* one path as written (ovl_mount_dir_noesc) */
	BY_FD,   /* a file descriptor of the mounting process */
};

static const struct {
	const char *key;
	enum path_form form;
} path_options[] = {
    {"lowerdir", LAYERS},   {"upperdir", ESCAPED},  {"workdir", ESCAPED},
    {"lowerdir+", RAW},     {"datadir+", RAW},      {"lowerdir_fd+", BY_FD},
    {"datadir_fd+", BY_FD}, {"upperdir_fd", BY_FD}, {"workdir_fd", BY_FD},
};

/* What the checks of one mount's options share. */
struct scan {
	const struct pal_rewrite_ctx *ctx;
	const struct paths *deny;
	const struct bases *bases;
	char field[64]; /* mounts[i].options */
};

/* S[0, LEN) with every '\' dropped and the character after it kept, as
 * overlayfs unescapes a layer; NULL on ENOMEM. */
static char *unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t k = 0; k < len; k++) {
		if (s[k] == '\\' && ++k == len)
			break;
		out[o++] = s[k];
	}
	out[o] = '\0';
	return out;
}

/* Takes PATH (NULL: ENOMEM). */
static int check_layer(const struct scan *s, const char *key, char *path, pal_error *err)
{
	_cleanup_free_ char *owned = path;
	char what[64];

	if (!owned)
		return pal_err(err, ENOMEM, "config.json: %s", s->field);
	if (!owned[0])
		return 0; /* the kernel refuses an empty layer */
	snprintf(what, sizeof(what), "option %s= names host path", key);
	return check_path(s->ctx, s->deny, s->bases, s->field, what, owned, err);
}

/* VALUE[0, LEN) of lowerdir=: each layer. */
static int check_layers(const struct scan *s, const char *key, const char *value, size_t len,
                        pal_error *err)
{
	size_t start = 0;

	for (size_t c = 0; c <= len; c++) {
		if (c < len && value[c] == '\\') {
			if (c + 1 < len)
				c++;
			continue;
		}
		if (c < len && value[c] != ':')
			continue;
		if (check_layer(s, key, unescape(value + start, c - start), err) < 0)
			return -1;
		start = c + 1;
	}
	return 0;
}

/* One item of mount data, PIECE[0, LEN) ("upperdir=/u"); JOINED: it ends
 * in an escape, so the kernel reads the next option as part of it. */
static int check_piece(const struct scan *s, const char *piece, size_t len, bool joined,
                       pal_error *err)
{
	for (size_t k = 0; k < sizeof(path_options) / sizeof(path_options[0]); k++) {
		const char *key = path_options[k].key, *value;
		size_t klen = strlen(key), vlen;

		if (len <= klen || strncmp(piece, key, klen) || piece[klen] != '=')
			continue;
		value = piece + klen + 1;
		vlen = len - klen - 1;
		if (joined)
			return pal_rule_refuse(s->ctx, RULE, s->field, err,
			                       "option %s= ends in an escape that joins the next "
			                       "option to its path, which cannot be checked",
			                       key);
		switch (path_options[k].form) {
		case LAYERS:
			return check_layers(s, key, value, vlen, err);
		case ESCAPED:
			return check_layer(s, key, unescape(value, vlen), err);
		case RAW:
			return check_layer(s, key, strndup(value, vlen), err);
		case BY_FD:
			return pal_rule_refuse(s->ctx, RULE, s->field, err,
			                       "option %s= names a host directory by file "
			                       "descriptor, which cannot be checked",
			                       key);
		}
	}
	return 0;
}

/* One string of "options", split into items at unescaped commas as
 * overlayfs splits mount data (the runtime joins the options it does not
 * know with commas): "ro,lowerdir=/etc" names /etc. */
static int check_option(const struct scan *s, const char *opt, pal_error *err)
{
	size_t start = 0;

	for (size_t k = 0;; k++) {
		if (opt[k] == '\\') {
			if (opt[k + 1] == '\0')
				return check_piece(s, opt + start, k + 1 - start, true, err);
			k++;
			continue;
		}
		if (opt[k] != ',' && opt[k] != '\0')
			continue;
		if (check_piece(s, opt + start, k - start, false, err) < 0)
			return -1;
		if (opt[k] == '\0')
			return 0;
		start = k + 1;
	}
}

static int check_options(const struct pal_rewrite_ctx *ctx, const struct paths *deny,
                         const struct bases *bases, size_t i, yajl_val options, pal_error *err)
{
	struct scan s = {.ctx = ctx, .deny = deny, .bases = bases};

	snprintf(s.field, sizeof(s.field), "mounts[%zu].options", i);
	for (size_t k = 0; options && k < options->u.array.len; k++)
		if (check_option(&s, options->u.array.values[k]->u.string, err) < 0)
			return -1;
	return 0;
}

static int force_options(const struct pal_rewrite_ctx *ctx, yajl_val mount, yajl_val *options,
                         yajl_val force, const char *field, pal_error *err)
{
	for (size_t k = 0; k < force->u.array.len; k++) {
		const char *opt = force->u.array.values[k]->u.string;
		int f = forceable_index(opt);

		for (size_t o = 0; o < 2; o++)
			drop_option(ctx, *options, forceable[f].opposite[o], field,
			            "it would undo the profile's forced option");
		if (has_option(*options, opt))
			continue;
		if (!*options) {
			if (pal_json_set(mount, "options", pal_json_new_array(), err) < 0)
				return pal_err_prefix(err, "config.json: %s", field);
			*options = pal_json_get(mount, "options");
		}
		if (pal_json_append(*options, pal_json_new_string(opt), err) < 0)
			return pal_err_prefix(err, "config.json: %s", field);
		pal_rule_note(ctx, RULE, field, "added \"%s\"", opt);
	}
	return 0;
}

static int load_deny(const struct pal_rewrite_ctx *ctx, yajl_val list, struct paths *deny,
                     pal_error *err)
{
	for (size_t i = 0; i < list->u.array.len; i++) {
		const char *d = list->u.array.values[i]->u.string;
		char *real;

		if (d[0] != '/')
			return pal_err(
			    err, EINVAL,
			    "profile \"%s\": mounts.denyHostPaths[%zu]: must be an absolute "
			    "path",
			    ctx->profile->name, i);
		if (paths_add(deny, clean("/", d)) < 0)
			return pal_err(err, ENOMEM, "mounts.denyHostPaths");
		real = realpath(d, NULL);
		if (!real)
			continue; /* not on this host: nothing to resolve */
		if (!strcmp(real, deny->v[deny->n - 1])) {
			free(real);
			continue;
		}
		if (paths_add(deny, real) < 0)
			return pal_err(err, ENOMEM, "mounts.denyHostPaths");
	}
	return 0;
}

static int check_profile(const struct pal_rewrite_ctx *ctx, yajl_val section, yajl_val *deny,
                         yajl_val *force, pal_error *err)
{
	const char *name = ctx->profile->name;

	if (!YAJL_IS_OBJECT(section))
		return pal_err(err, EINVAL, "profile \"%s\": mounts: must be an object", name);
	*deny = pal_json_get(section, "denyHostPaths");
	*force = pal_json_get(section, "forceOptions");
	if (*deny && !pal_json_is_string_array(*deny))
		return pal_err(err, EINVAL,
		               "profile \"%s\": mounts.denyHostPaths: must be an array of strings",
		               name);
	if (*force && !pal_json_is_string_array(*force))
		return pal_err(err, EINVAL,
		               "profile \"%s\": mounts.forceOptions: must be an array of strings",
		               name);
	for (size_t i = 0; *force && i < (*force)->u.array.len; i++)
		if (forceable_index((*force)->u.array.values[i]->u.string) < 0)
			return pal_err(err, EINVAL,
			               "profile \"%s\": mounts.forceOptions[%zu]: must be one of "
			               "nosuid, nodev, noexec, ro",
			               name, i);
	return 0;
}

/* One entry of "mounts"; *BIND tells whether it is a bind mount, *SOURCE
 * is NULL when it has none. */
static int check_mount(yajl_val m, size_t i, yajl_val *type, yajl_val *options, const char **source,
                       bool *bind, pal_error *err)
{
	yajl_val src = pal_json_get(m, "source");

	if (!YAJL_IS_OBJECT(m))
		return pal_err(err, EINVAL, "config.json: mounts[%zu]: must be an object", i);
	*type = pal_json_get(m, "type");
	if (*type && !YAJL_IS_STRING(*type))
		return pal_err(err, EINVAL, "config.json: mounts[%zu].type: must be a string", i);
	*options = pal_json_get(m, "options");
	if (*options && !pal_json_is_string_array(*options))
		return pal_err(err, EINVAL,
		               "config.json: mounts[%zu].options: must be an array of strings", i);
	*bind = (*type && !strcmp((*type)->u.string, "bind")) || has_option(*options, "bind") ||
	        has_option(*options, "rbind");
	if ((*bind || src) && !YAJL_IS_STRING(src))
		return pal_err(err, EINVAL, "config.json: mounts[%zu].source: must be a string", i);
	*source = src ? src->u.string : NULL;
	return 0;
}

/* The rootfs directory, where runc's init makes the mounts: root.path, a
 * relative one from the bundle (lexically, as runc joins it), resolved
 * when it exists; *ROOTFS is NULL when the spec names none. */
static int rootfs_dir(yajl_val spec, const char *bundle, char **rootfs, pal_error *err)
{
	yajl_val root = pal_json_get(spec, "root"), path = pal_json_get(root, "path");
	_cleanup_free_ char *joined = NULL;

	*rootfs = NULL;
	if (root && !YAJL_IS_OBJECT(root))
		return pal_err(err, EINVAL, "config.json: root: must be an object");
	if (!path)
		return 0;
	if (!YAJL_IS_STRING(path))
		return pal_err(err, EINVAL, "config.json: root.path: must be a string");
	joined = clean(bundle, path->u.string);
	if (!joined)
		return pal_err(err, ENOMEM, "config.json: root.path");
	*rootfs = realpath(joined, NULL);
	if (!*rootfs)
		*rootfs = steal_pointer(&joined);
	return 0;
}

static int check_mounts(const struct pal_rewrite_ctx *ctx, yajl_val spec, yajl_val mounts,
                        yajl_val deny, yajl_val force, pal_error *err)
{
	__attribute__((cleanup(paths_free))) struct paths deny_paths = {0};
	_cleanup_free_ char *base = NULL, *rootfs = NULL;
	struct bases bind_bases = {{NULL}, 1}, host_bases = {{NULL}, 0};

	if (deny && load_deny(ctx, deny, &deny_paths, err) < 0)
		return -1;
	base = bundle_base(ctx);
	if (!base)
		return pal_err(err, ENOMEM, "bundle");
	if (deny && rootfs_dir(spec, base, &rootfs, err) < 0)
		return -1;
	bind_bases.v[0] = base;
	if (rootfs && strcmp(rootfs, base))
		host_bases.v[host_bases.n++] = rootfs;
	host_bases.v[host_bases.n++] = base;

	for (size_t i = 0; i < mounts->u.array.len; i++) {
		yajl_val m = mounts->u.array.values[i], type = NULL, options = NULL;
		const char *source = NULL;
		char field[64], source_field[64];
		bool bind = false;

		if (check_mount(m, i, &type, &options, &source, &bind, err) < 0)
			return -1;
		snprintf(field, sizeof(field), "mounts[%zu].options", i);
		snprintf(source_field, sizeof(source_field), "mounts[%zu].source", i);
		if (deny && bind &&
		    check_path(ctx, &deny_paths, &bind_bases, source_field,
		               "bind mount of host path", source, err) < 0)
			return -1;
		if (deny && !bind && source && !takes_label(type) &&
		    check_device(ctx, &host_bases, i, source, err) < 0)
			return -1;
		if (deny && check_options(ctx, &deny_paths, &host_bases, i, options, err) < 0)
			return -1;
		if (!bind)
			continue;
		if (force && force_options(ctx, m, &options, force, field, err) < 0)
			return -1;
		if (deny) {
			drop_option(ctx, options, "shared", field,
			            "host mounts must not propagate to and from the container");
			drop_option(ctx, options, "rshared", field,
			            "host mounts must not propagate to and from the container");
		}
	}
	return 0;
}

/* linux.rootfsPropagation "shared"/"rshared" goes: the runtime's default
 * (runc rslave, crun rprivate) lets nothing out. */
static int root_propagation(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val linux_ = pal_json_get(spec, "linux"), prop;

	if (!linux_)
		return 0;
	if (!YAJL_IS_OBJECT(linux_))
		return pal_err(err, EINVAL, "config.json: linux: must be an object");
	prop = pal_json_get(linux_, "rootfsPropagation");
	if (!prop)
		return 0;
	if (!YAJL_IS_STRING(prop))
		return pal_err(err, EINVAL,
		               "config.json: linux.rootfsPropagation: must be a string");
	if (strcmp(prop->u.string, "shared") && strcmp(prop->u.string, "rshared"))
		return 0;
	pal_rule_note(ctx, RULE, "linux.rootfsPropagation",
	              "removed \"%s\" (mounts made in the container must not propagate to the "
	              "host; the runtime's default applies)",
	              prop->u.string);
	pal_json_remove(linux_, "rootfsPropagation");
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val section = pal_profile_get(ctx->profile, "mounts", NULL);
	yajl_val deny = NULL, force = NULL, mounts;

	if (!section)
		return 0;
	if (check_profile(ctx, section, &deny, &force, err) < 0)
		return -1;
	mounts = pal_json_get(spec, "mounts");
	if (mounts && !YAJL_IS_ARRAY(mounts))
		return pal_err(err, EINVAL, "config.json: mounts: must be an array");
	if (mounts && check_mounts(ctx, spec, mounts, deny, force, err) < 0)
		return -1;
	if (deny && root_propagation(ctx, spec, err) < 0)
		return -1;
	return 0;
}

const struct pal_rule pal_rule_mounts = {
    .name = RULE,
    .apply = apply,
};

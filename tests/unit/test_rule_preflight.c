/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "preflight" against real rootfs trees built in a temporary bundle,
 * each test twice: with openat2 (the fast path) and with openat2 failing
 * ENOSYS (the component walk), through -Wl,--wrap=syscall.
 */
#include "config.h"

#include "pal_test.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "palisade/json.h"
#include "palisade/rewrite.h"

/* ------------------------------------------------------ openat2 switch */

static bool no_openat2;
static unsigned long openat2_calls;

long __real_syscall(long number, ...);
long __wrap_syscall(long number, ...);

long __wrap_syscall(long number, ...)
{
	long a[6];
	va_list ap;

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_openat2) {
		openat2_calls++;
		if (no_openat2) {
			errno = ENOSYS;
			return -1;
		}
	}
	return __real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ------------------------------------------------------------ fixture */

struct fx {
	char *dir; /* the bundle */
	int fd;
	struct pal_profile profile;
};

/* prestates: which resolver a run exercises */
static bool use_openat2 = false, use_walk = true;

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	no_openat2 = *state && *(const bool *)*state;
	assert_non_null(fx);
	fx->dir = pal_test_tmpdir();
	assert_non_null(fx->dir);
	fx->fd = open(fx->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fx->fd >= 0);
	fx->profile.name = "test";
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	close(fx->fd);
	pal_test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	no_openat2 = false;
	return 0;
}

static char *at(const struct fx *fx, const char *rel)
{
	static char path[4][PATH_MAX];
	static int i;
	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/rootfs/%s", fx->dir, rel);
	return path[i];
}

static void mkdirs(const struct fx *fx, const char *rel)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", at(fx, rel));
	for (char *p = buf + strlen(fx->dir) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
			*p = '/';
		}
	}
	assert_true(mkdir(buf, 0755) == 0 || errno == EEXIST);
}

static void link_(const struct fx *fx, const char *target, const char *rel)
{
	assert_int_equal(symlink(target, at(fx, rel)), 0);
}

static void file(const struct fx *fx, const char *rel)
{
	int fd = open(at(fx, rel), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
}

/* A busybox-like tree, as lib.sh's make_rootfs and `docker export` make
 * them: links that are harmless where they are. */
static void busybox_rootfs(const struct fx *fx)
{
	mkdirs(fx, "bin");
	mkdirs(fx, "proc");
	mkdirs(fx, "sys");
	mkdirs(fx, "dev/pts");
	mkdirs(fx, "dev/shm");
	mkdirs(fx, "etc");
	mkdirs(fx, "tmp");
	mkdirs(fx, "run");
	mkdirs(fx, "var");
	mkdirs(fx, "usr/lib");
	file(fx, "bin/busybox");
	link_(fx, "busybox", "bin/sh");
	file(fx, "etc/passwd");
	file(fx, "dev/console");                      /* docker export's mount point */
	link_(fx, "pts/ptmx", "dev/ptmx");            /* what runc itself makes */
	link_(fx, "/run", "var/run");                 /* Debian: absolute, inside */
	link_(fx, "usr/lib", "lib");                  /* merged /usr */
	link_(fx, "../proc/self/mounts", "etc/mtab"); /* not a target */
}

/* `runc spec`'s mounts and paths, plus Kubernetes' service account. */
#define SPEC_FMT                                                                                   \
	"{\"root\": {\"path\": \"rootfs\"},"                                                       \
	" \"process\": {\"cwd\": \"%s\"},"                                                         \
	" \"mounts\": ["                                                                           \
	"  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"                \
	"  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},"               \
	"  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\"},"         \
	"  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\"},"             \
	"  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\"},"      \
	"  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\"},"               \
	"  {\"destination\": \"/var/run/secrets/kubernetes.io/serviceaccount\","                   \
	"   \"type\": \"bind\", \"source\": \"/tmp\"},"                                            \
	"  {\"destination\": \"/lib/modules\", \"type\": \"bind\", \"source\": \"/tmp\"},"         \
	"  {\"destination\": \"%s\", \"type\": \"bind\", \"source\": \"/tmp\"}"                    \
	" ],"                                                                                      \
	" \"linux\": {"                                                                            \
	"  \"maskedPaths\": [\"/proc/acpi\", \"/proc/kcore\", \"/proc/keys\", \"/sys/firmware\"]," \
	"  \"readonlyPaths\": [\"/proc/bus\", \"/proc/sys\", \"/proc/sysrq-trigger\"],"            \
	"  \"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": "    \
	"229}]"                                                                                    \
	" }}"

static yajl_val parse(const char *s)
{
	pal_error err = {0};
	yajl_val v = NULL;
	assert_int_equal(pal_json_parse(s, strlen(s), "t", &v, &err), 0);
	return v;
}

/* Apply the rule to the spec (runc's, with CWD and one more mount at
 * DEST); returns its result, the message in ERR. */
static int check(struct fx *fx, const char *cwd, const char *dest, pal_error *err)
{
	char text[4096];
	struct pal_rewrite_ctx ctx = {
	    .cmd = PAL_CMD_CREATE,
	    .id = "c1",
	    .bundle = fx->dir,
	    .bundle_fd = fx->fd,
	    .profile = &fx->profile,
	    .mode = PAL_MODE_ENFORCE,
	    .backend = "runc",
	};
	yajl_val spec, before;
	int r;

	snprintf(text, sizeof(text), SPEC_FMT, cwd, dest);
	spec = parse(text);
	before = pal_json_dup(spec);
	pal_err_clear(err);
	r = pal_rule_preflight.apply(&ctx, spec, err);
	assert_true(pal_json_equal(spec, before)); /* never edits */
	yajl_tree_free(spec);
	yajl_tree_free(before);
	return r;
}

static void refused(struct fx *fx, const char *cwd, const char *dest, const char *msg)
{
	pal_error err = {0};
	assert_int_equal(check(fx, cwd, dest, &err), -1);
	if (msg) /* NULL: any refusal */
		assert_string_equal(err.msg, msg);
	assert_int_equal(err.errnum, EPERM); /* a refusal, not an I/O error */
}

static void accepted(struct fx *fx, const char *cwd, const char *dest)
{
	pal_error err = {0};
	if (check(fx, cwd, dest, &err) != 0)
		fail_msg("refused: %s", err.msg);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* ------------------------------------------------------------- accepted */

static void clean_rootfs_accepted(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	accepted(fx, "/", "/data/new");
	accepted(fx, "/tmp", "/etc/passwd");
	accepted(fx, "/var/run/app", "/var/run/app.sock"); /* through /var/run -> /run */
	accepted(fx, "/proc/self/fdinfo", "/usr/lib/x");   /* not an fd directory */
	/* nothing was created: missing destinations stay missing */
	assert_false(exists(at(fx, "data")));
	assert_false(exists(at(fx, "run/secrets")));
	assert_false(exists(at(fx, "usr/lib/modules")));
}

static void empty_rootfs_accepted(void **state)
{
	struct fx *fx = *state;

	mkdirs(fx, ".");
	accepted(fx, "/", "/x");
}

static void device_nodes_accepted(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	if (mknod(at(fx, "dev/null"), S_IFCHR | 0666, makedev(1, 3)) < 0) {
		assert_int_equal(errno, EPERM);
		skip(); /* needs CAP_MKNOD */
	}
	assert_int_equal(unlink(at(fx, "dev/console")), 0);
	assert_int_equal(mknod(at(fx, "dev/console"), S_IFCHR | 0600, makedev(5, 1)), 0);
	assert_int_equal(unlink(at(fx, "dev/ptmx")), 0);
	assert_int_equal(mknod(at(fx, "dev/ptmx"), S_IFCHR | 0666, makedev(5, 2)), 0);
	accepted(fx, "/", "/x");
}

static void no_bundle_or_rootfs_left_to_backend(void **state)
{
	struct fx *fx = *state;
	pal_error err = {0};
	struct pal_rewrite_ctx ctx = {.bundle_fd = -1, .profile = &fx->profile};
	yajl_val spec = parse("{\"root\": {\"path\": \"rootfs\"}, \"process\": {\"cwd\": "
	                      "\"/proc/self/fd/7\"}}");

	/* unit tests without a bundle */
	assert_int_equal(pal_rule_preflight.apply(&ctx, spec, &err), 0);
	yajl_tree_free(spec);
	/* a missing rootfs, a rootfs that is a file: the backend's errors */
	accepted(fx, "/proc/self/fd/7", "/x");
	assert_int_equal(pal_test_write(fx->dir, "rootfs", "", 0), 0);
	accepted(fx, "/proc/self/fd/7", "/x");
}

static void symlink_loop_left_to_backend(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	link_(fx, "b", "a");
	link_(fx, "a", "b");
	accepted(fx, "/", "/a/x"); /* ELOOP in runc too */
}

/* A component too long for the kernel is not cut to one that exists. */
static void long_component_left_to_backend(void **state)
{
	struct fx *fx = *state;
	char name[NAME_MAX + 1], dest[NAME_MAX + 16];

	busybox_rootfs(fx);
	memset(name, 'a', NAME_MAX);
	name[NAME_MAX] = '\0';
	link_(fx, "/proc/sys", name); /* the first NAME_MAX bytes of the component */
	snprintf(dest, sizeof(dest), "/%sb/x", name);
	accepted(fx, "/", dest); /* ENAMETOOLONG in runc */
	snprintf(dest, sizeof(dest), "/%s/x", name);
	refused(fx, "/", dest, NULL);
}

/* ------------------------------------------------------------- refused */

static void dev_null_to_core_pattern(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	link_(fx, "/proc/sys/kernel/core_pattern", "dev/null");
	refused(fx, "/", "/x",
	        "rootfs/dev/null is a symlink to \"/proc/sys/kernel/core_pattern\": runc 1.1.5 "
	        "bind-mounts /dev/null over the masked paths without checking it "
	        "(CVE-2025-31133)");
}

static void dev_null_not_a_device(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	file(fx, "dev/null");
	refused(fx, "/", "/x",
	        "rootfs/dev/null is a regular file, not the character device 1:3: runc 1.1.5 "
	        "bind-mounts /dev/null over the masked paths without checking it "
	        "(CVE-2025-31133)");
}

static void dev_null_wrong_device(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	if (mknod(at(fx, "dev/null"), S_IFCHR | 0666, makedev(1, 1)) < 0) {
		assert_int_equal(errno, EPERM);
		skip();
	}
	refused(fx, "/", "/x",
	        "rootfs/dev/null is the character device 1:1, not 1:3: runc 1.1.5 "
	        "bind-mounts /dev/null over the masked paths without checking it "
	        "(CVE-2025-31133)");
}

static void dev_to_root(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	pal_test_rmtree(at(fx, "dev"));
	link_(fx, "/", "dev");
	refused(fx, "/", "/x",
	        "rootfs/dev is a symlink to \"/\": runc 1.1.5 creates /dev/ptmx and the /dev/fd "
	        "links through a path it resolves on the host");
}

static void dev_pts_to_proc_self(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	pal_test_rmtree(at(fx, "dev/pts"));
	link_(fx, "/proc/self", "dev/pts");
	refused(fx, "/", "/x",
	        "rootfs/dev/pts is a symlink to \"/proc/self\": runc 1.1.5 binds the console "
	        "from /dev/pts onto /dev/console before masking /proc (CVE-2025-52565)");
}

static void dev_pts_entry_link(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	link_(fx, "/proc/sysrq-trigger", "dev/pts/0");
	refused(fx, "/", "/x",
	        "rootfs/dev/pts/0 is a symlink to \"/proc/sysrq-trigger\": runc 1.1.5 binds the "
	        "console from /dev/pts onto /dev/console before masking /proc (CVE-2025-52565)");
}

static void dev_console_link(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	assert_int_equal(unlink(at(fx, "dev/console")), 0);
	link_(fx, "/proc/sys/kernel/core_pattern", "dev/console");
	refused(fx, "/", "/x",
	        "rootfs/dev/console is a symlink to \"/proc/sys/kernel/core_pattern\": runc 1.1.5 "
	        "binds the console from /dev/pts onto /dev/console before masking /proc "
	        "(CVE-2025-52565)");
}

static void dev_ptmx_other_link(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	assert_int_equal(unlink(at(fx, "dev/ptmx")), 0);
	link_(fx, "/dev/pts/ptmx", "dev/ptmx");
	refused(fx, "/", "/x",
	        "rootfs/dev/ptmx is a symlink to \"/dev/pts/ptmx\": runc 1.1.5 creates /dev/ptmx "
	        "and the /dev/fd links through a path it resolves on the host");
}

static void default_device_link(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	file(fx, "dev/zero"); /* odd, but not through a link: the backend's business */
	link_(fx, "/proc/sysrq-trigger", "dev/tty");
	refused(
	    fx, "/", "/x",
	    "rootfs/dev/tty is a symlink to \"/proc/sysrq-trigger\": runc 1.1.5 creates or binds "
	    "its default devices there through any symlink");
}

static void proc_not_a_directory(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	assert_int_equal(rmdir(at(fx, "proc")), 0);
	file(fx, "proc");
	refused(fx, "/", "/x",
	        "rootfs/proc is a regular file, not a directory: runc mounts procfs there "
	        "(CVE-2019-19921)");
}

static void sys_link(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	assert_int_equal(rmdir(at(fx, "sys")), 0);
	link_(fx, "/host-escape", "sys");
	refused(fx, "/", "/x",
	        "rootfs/sys is a symlink to \"/host-escape\": runc mounts sysfs there "
	        "(CVE-2019-19921)");
}

static void dev_shm_link(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	assert_int_equal(rmdir(at(fx, "dev/shm")), 0);
	link_(fx, "/run/shm", "dev/shm"); /* Debian 7's layout */
	refused(fx, "/", "/x",
	        "rootfs/dev/shm is a symlink to \"/run/shm\": runtimes mount a tmpfs there");
}

/* /etc -> /proc/sys, a mount at /etc/x: runc's securejoin puts the mount on
 * the container's /proc/sys/x, a host-side resolution on the host's. */
static void mount_through_etc_to_proc_sys(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	pal_test_rmtree(at(fx, "etc"));
	link_(fx, "/proc/sys", "etc");
	refused(fx, "/", "/etc/x",
	        "mounts[8].destination \"/etc/x\": rootfs/etc is a symlink to \"/proc/sys\": "
	        "resolved on the host the path is /proc/sys/x, the host's kernel files");
}

/* relative, not climbing: only the resolution inside the rootfs is bad */
static void mount_through_relative_link_to_sys(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	pal_test_rmtree(at(fx, "etc"));
	link_(fx, "sys/kernel", "etc");
	refused(fx, "/", "/etc/x",
	        "mounts[8].destination \"/etc/x\": resolves through symlinks in the rootfs to "
	        "/sys/kernel/x: a mount or mask there reaches the kernel's own files "
	        "(CVE-2025-52881)");
}

static void mount_through_climbing_link(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	mkdirs(fx, "srv/www");
	link_(fx, "../../../../../../etc", "srv/www/conf");
	refused(fx, "/", "/srv/www/conf/resolv.conf",
	        "mounts[8].destination \"/srv/www/conf/resolv.conf\": rootfs/srv/www/conf is a "
	        "symlink to \"../../../../../../etc\": resolved on the host it climbs out of "
	        "the rootfs");
}

static void mount_through_nested_links(void **state)
{
	struct fx *fx = *state;

	/* a -> b (fine), b -> /: then into proc */
	busybox_rootfs(fx);
	link_(fx, "b", "a");
	link_(fx, "/", "b");
	refused(fx, "/", "/a/proc/sysrq-trigger",
	        "mounts[8].destination \"/a/proc/sysrq-trigger\": rootfs/b is a symlink to \"/\": "
	        "resolved on the host the path is /proc/sysrq-trigger, the host's kernel files");
}

static void mount_on_a_symlink(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	link_(fx, "/proc/sys/kernel/core_pattern", "etc/hosts");
	refused(fx, "/", "/etc/hosts",
	        "mounts[8].destination \"/etc/hosts\": rootfs/etc/hosts is a symlink to "
	        "\"/proc/sys/kernel/core_pattern\", which resolves in the rootfs to "
	        "/proc/sys/kernel/core_pattern: a mount or mask there reaches the kernel's own "
	        "files (CVE-2025-52881)");
}

/* Ubuntu's resolv.conf, bound over by every engine: a last-component link
 * that stays in the rootfs is resolved there by runc, and accepted.  So is
 * an absolute one (/tmp/hosts is the container's /tmp, not the host's). */
static void mount_on_a_harmless_symlink(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	mkdirs(fx, "run/systemd/resolve");
	link_(fx, "../run/systemd/resolve/stub-resolv.conf", "etc/hosts");
	accepted(fx, "/", "/etc/hosts");
	assert_int_equal(unlink(at(fx, "etc/hosts")), 0);
	link_(fx, "/tmp/hosts", "etc/hosts");
	accepted(fx, "/", "/etc/hosts");
}

static void masked_path_on_a_symlink(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	mkdirs(fx, "sys/kernel");
	link_(fx, "/sys/kernel/uevent_helper", "proc/kcore");
	refused(fx, "/", "/x",
	        "linux.maskedPaths[1] \"/proc/kcore\": rootfs/proc/kcore is a symlink to "
	        "\"/sys/kernel/uevent_helper\", which resolves in the rootfs to "
	        "/sys/kernel/uevent_helper: a mount or mask there reaches the kernel's own files "
	        "(CVE-2025-52881)");
}

static void readonly_path_on_a_symlink(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	link_(fx, "kcore", "proc/sysrq-trigger");
	refused(fx, "/", "/x",
	        "linux.readonlyPaths[2] \"/proc/sysrq-trigger\": rootfs/proc/sysrq-trigger is a "
	        "symlink to \"kcore\", which resolves in the rootfs to /proc/kcore: a mount or mask "
	        "there reaches the kernel's own files (CVE-2025-52881)");
}

static void device_path_on_a_symlink(void **state)
{
	struct fx *fx = *state;

	/* no mount at /dev in this spec's view: the rootfs /dev is used */
	busybox_rootfs(fx);
	link_(fx, "/proc/sys/kernel/core_pattern", "dev/fuse");
	refused(fx, "/", "/x",
	        "linux.devices[0].path \"/dev/fuse\": rootfs/dev/fuse is a symlink to "
	        "\"/proc/sys/kernel/core_pattern\", which resolves in the rootfs to "
	        "/proc/sys/kernel/core_pattern: a mount or mask there reaches the kernel's own files "
	        "(CVE-2025-52881)");
}

static void mount_climbing_dotdot(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	refused(fx, "/", "/../../etc",
	        "mounts[8].destination \"/../../etc\": \"..\" climbs above the root: joined to the "
	        "rootfs path on the host it leaves the rootfs");
	refused(fx, "/", "/a/b/../../../x",
	        "mounts[8].destination \"/a/b/../../../x\": \"..\" climbs above the root: joined "
	        "to the rootfs path on the host it leaves the rootfs");
	/* ".." that stays inside is only a spelling */
	accepted(fx, "/", "/etc/../tmp/x");
	accepted(fx, "/", "/a/b/../../x");
}

static void cwd_in_proc_fd(void **state)
{
	struct fx *fx = *state;
	static const char *const bad[] = {
	    "/proc/self/fd/7",   "/proc/self/fd",           "/proc/thread-self/fd/3",
	    "/proc/1/fd/5",      "/proc/self/task/12/fd/4", "//proc/./self/../self/fd/7/",
	    "/tmp/../proc/1/fd",
	};

	busybox_rootfs(fx);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[512];
		snprintf(msg, sizeof(msg),
		         "process.cwd \"%s\": is in a /proc fd directory: a descriptor leaked by "
		         "the runtime there can lead out of the container (CVE-2024-21626)",
		         bad[i]);
		refused(fx, bad[i], "/x", msg);
	}
	accepted(fx, "/proc/self/fdinfo", "/x");
	accepted(fx, "/proc/selfish/fd", "/x");
}

static void cwd_through_link_to_proc_fd(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	link_(fx, "/proc/self/fd/7", "work");
	refused(fx, "/work", "/x",
	        "process.cwd \"/work\": resolves through symlinks in the rootfs to "
	        "/proc/self/fd/7, a /proc fd directory: a descriptor leaked by the runtime there "
	        "can lead out of the container (CVE-2024-21626)");
	mkdirs(fx, "app");
	link_(fx, "../proc/1/fd", "app/data");
	refused(fx, "/app/data/3", "/x",
	        "process.cwd \"/app/data/3\": resolves through symlinks in the rootfs to "
	        "/proc/1/fd/3, a /proc fd directory: a descriptor leaked by the runtime there can "
	        "lead out of the container (CVE-2024-21626)");
}

/* Control bytes in a link target are escaped: the error stays one line. */
static void message_is_one_line(void **state)
{
	struct fx *fx = *state;

	busybox_rootfs(fx);
	link_(fx, "/proc/a\nb", "etc/hosts");
	refused(fx, "/", "/etc/hosts",
	        "mounts[8].destination \"/etc/hosts\": rootfs/etc/hosts is a symlink to "
	        "\"/proc/a\\x0ab\", which resolves in the rootfs to /proc/a\\x0ab: a mount or mask "
	        "there reaches the kernel's own files (CVE-2025-52881)");
}

/* ------------------------------------------------------------- malformed */

static void malformed_fields(void **state)
{
	struct fx *fx = *state;
	static const struct {
		const char *spec, *msg;
	} cases[] = {
	    {"{\"root\": \"rootfs\"}", "config.json: root: must be an object: Invalid argument"},
	    {"{\"root\": {\"path\": 1}}",
	     "config.json: root.path: must be a string: Invalid argument"},
	    {"{\"root\": {\"path\": \"rootfs\"}, \"mounts\": {}}",
	     "config.json: mounts: must be an array: Invalid argument"},
	    {"{\"root\": {\"path\": \"rootfs\"}, \"mounts\": [{}, \"/x\"]}",
	     "config.json: mounts[1]: must be an object: Invalid argument"},
	    {"{\"root\": {\"path\": \"rootfs\"}, \"mounts\": [{\"destination\": 5}]}",
	     "config.json: mounts[0].destination: must be a string: Invalid argument"},
	    {"{\"root\": {\"path\": \"rootfs\"}, \"linux\": {\"maskedPaths\": [\"/a\", null]}}",
	     "config.json: linux.maskedPaths[1]: must be a string: Invalid argument"},
	    {"{\"root\": {\"path\": \"rootfs\"}, \"linux\": {\"readonlyPaths\": \"/a\"}}",
	     "config.json: linux.readonlyPaths: must be an array: Invalid argument"},
	    {"{\"root\": {\"path\": \"rootfs\"}, \"linux\": {\"devices\": [{\"path\": []}]}}",
	     "config.json: linux.devices[0].path: must be a string: Invalid argument"},
	    {"{\"root\": {\"path\": \"rootfs\"}, \"process\": {\"cwd\": false}}",
	     "config.json: process.cwd: must be a string: Invalid argument"},
	    {"{\"root\": {\"path\": \"rootfs\"}, \"linux\": []}",
	     "config.json: linux: must be an object: Invalid argument"},
	};
	struct pal_rewrite_ctx ctx = {.bundle_fd = fx->fd, .profile = &fx->profile};

	busybox_rootfs(fx);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pal_error err = {0};
		yajl_val spec = parse(cases[i].spec);
		assert_int_equal(pal_rule_preflight.apply(&ctx, spec, &err), -1);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(err.errnum, EINVAL);
		yajl_tree_free(spec);
	}
}

/* ------------------------------------------------------------- contract */

static void enforced_in_audit_mode(void **state)
{
	(void)state;
	assert_string_equal(pal_rule_preflight.name, "preflight");
	assert_true(pal_rule_preflight.audit_applies);
}

static void resolver_in_use(void **state)
{
	struct fx *fx = *state;
	unsigned long before = openat2_calls;

	busybox_rootfs(fx);
	accepted(fx, "/", "/x");
	/* both runs call openat2; one is told ENOSYS and walks instead */
	assert_true(openat2_calls > before);
}

/* each test twice: the openat2 fast path, then the component walk */
// clang-format off
#define BOTH(f) \
	{#f, f, setup, teardown, &use_openat2}, \
	{#f " (walk)", f, setup, teardown, &use_walk}
// clang-format on

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(enforced_in_audit_mode),
	    BOTH(resolver_in_use),
	    BOTH(clean_rootfs_accepted),
	    BOTH(empty_rootfs_accepted),
	    BOTH(device_nodes_accepted),
	    BOTH(no_bundle_or_rootfs_left_to_backend),
	    BOTH(symlink_loop_left_to_backend),
	    BOTH(long_component_left_to_backend),
	    BOTH(dev_null_to_core_pattern),
	    BOTH(dev_null_not_a_device),
	    BOTH(dev_null_wrong_device),
	    BOTH(dev_to_root),
	    BOTH(dev_pts_to_proc_self),
	    BOTH(dev_pts_entry_link),
	    BOTH(dev_console_link),
	    BOTH(dev_ptmx_other_link),
	    BOTH(default_device_link),
	    BOTH(proc_not_a_directory),
	    BOTH(sys_link),
	    BOTH(dev_shm_link),
	    BOTH(mount_through_etc_to_proc_sys),
	    BOTH(mount_through_relative_link_to_sys),
	    BOTH(mount_through_climbing_link),
	    BOTH(mount_through_nested_links),
	    BOTH(mount_on_a_symlink),
	    BOTH(mount_on_a_harmless_symlink),
	    BOTH(masked_path_on_a_symlink),
	    BOTH(readonly_path_on_a_symlink),
	    BOTH(device_path_on_a_symlink),
	    BOTH(mount_climbing_dotdot),
	    BOTH(cwd_in_proc_fd),
	    BOTH(cwd_through_link_to_proc_fd),
	    BOTH(message_is_one_line),
	    BOTH(malformed_fields),
	};
	return cmocka_run_group_tests_name("rule_preflight", tests, NULL, NULL);
}

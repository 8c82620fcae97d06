/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "rule_test.h"

#include "palisade/cleanup.h"

#define DENY "[\"/\", \"/etc\", \"/var/run/docker.sock\", \"/run/containerd\", \"/proc\"]"
#define PROFILE                                                                                    \
	"{\"mounts\": {\"denyHostPaths\": " DENY ", \"forceOptions\": [\"nosuid\", \"nodev\"]}}"

/* A spec with one mount of SOURCE (bind when TYPE is "bind" or OPTIONS
 * hold "bind"/"rbind"). */
static yajl_val one_mount(const char *type, const char *source, const char *options)
{
	char json[1024];

	snprintf(json, sizeof(json),
	         "{\"mounts\": [{\"destination\": \"/mnt\", \"type\": \"%s\", \"source\": \"%s\", "
	         "\"options\": %s}]}",
	         type, source, options);
	return rule_test_parse(json);
}

/* Append the strings (NULL-terminated) to mounts[I].options of SPEC. */
static void add_options(yajl_val spec, size_t i, ...)
{
	pal_error err = {0};
	yajl_val opts = pal_json_get(pal_json_get(spec, "mounts")->u.array.values[i], "options");
	const char *s;
	va_list ap;

	va_start(ap, i);
	while ((s = va_arg(ap, const char *)))
		assert_int_equal(pal_json_append(opts, pal_json_new_string(s), &err), 0);
	va_end(ap);
}

static void runc_unchanged(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-runc.json");
	(void)state;

	/* no bind mount: proc, tmpfs, devpts, mqueue, sysfs and cgroup are not
	 * touched, although /dev/pts lacks nodev and /dev lacks noexec */
	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": " DENY
	                   ", \"forceOptions\": [\"nosuid\", \"nodev\", \"noexec\", \"ro\"]}}");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void containerd_binds_hardened(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-containerd.json");
	yajl_val want = pal_json_dup(spec);
	(void)state;

	for (size_t i = 6; i <= 8; i++)
		add_options(want, i, "nosuid", "nodev", NULL);
	rule_test_init(&t, PROFILE);
	rule_test_expect(&t, &pal_rule_mounts, spec, want);
	assert_int_equal(t.report.n, 6);
	assert_string_equal(t.report.items[0].field, "mounts[6].options");
	assert_string_equal(t.report.items[0].msg, "added \"nosuid\"");
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void podman_bind_hardened(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_fixture("spec-podman.json");
	yajl_val want = pal_json_dup(spec);
	(void)state;

	add_options(want, 1, "nosuid", "nodev", NULL);
	rule_test_init(&t, PROFILE);
	rule_test_expect(&t, &pal_rule_mounts, spec, want);
	yajl_tree_free(spec);
	yajl_tree_free(want);
	rule_test_fini(&t);
}

static void denied_sources(void **state)
{
	static const struct {
		const char *type, *source, *options, *why;
	} cases[] = {
	    {"bind", "/var/run/docker.sock", "[\"rbind\"]",
	     "/var/run/docker.sock: it is the denied host path /var/run/docker.sock"},
	    {"bind", "/etc/ssl/certs", "[\"bind\", \"ro\"]",
	     "it lies under the denied host path /etc"},
	    {"none", "/etc", "[\"rbind\"]", "it is the denied host path /etc"},
	    {"bind", "/etc", "[]", "it is the denied host path /etc"},
	    {"bind", "/", "[\"rbind\"]", "it is the denied host path /"},
	    {"bind", "//", "[\"rbind\"]", "it is the denied host path /"},
	    {"bind", "/run", "[\"rbind\"]", "it contains the denied host path /run/containerd"},
	    {"bind", "/run/containerd/containerd.sock", "[\"bind\"]",
	     "it lies under the denied host path /run/containerd"},
	    {"bind", "/tmp/../etc/shadow", "[\"bind\"]", "it lies under the denied host path /etc"},
	    {"bind", "/proc/1/root", "[\"rbind\"]", "it lies under the denied host path /proc"},
	    {"bind", "/var/run/", "[\"rbind\"]",
	     "it contains the denied host path /var/run/docker.sock"},
	    {"bind", "etc/../../../../../../etc", "[\"rbind\"]", "it is the denied host path /etc"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rule_test t;
		yajl_val spec = one_mount(cases[i].type, cases[i].source, cases[i].options);

		rule_test_init(&t, PROFILE);
		rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].source", cases[i].why);
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}
}

static void enforce_message(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse(
	    "{\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"source\": \"/srv\", "
	    "\"options\": [\"rbind\"]}, {\"destination\": \"/var/run/docker.sock\", \"type\": "
	    "\"bind\", \"source\": \"/var/run/docker.sock\", \"options\": [\"rbind\"]}]}");
	(void)state;

	rule_test_init(&t, PROFILE);
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[1].source", NULL);
	assert_string_equal(
	    t.err.msg, "refused by profile \"test\" (rule mounts): mounts[1].source: bind mount "
	               "of host path /var/run/docker.sock: it is the denied host path "
	               "/var/run/docker.sock; select a profile that allows it with the "
	               "annotation io.palisade.profile");
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

/* "/" denies only the root itself; prefixes match whole components. */
static void allowed_sources(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": " DENY "}}");
	rule_test_expect_str(
	    &t, &pal_rule_mounts,
	    "{\"mounts\": ["
	    "{\"destination\": \"/a\", \"type\": \"bind\", \"source\": \"/srv/data\", "
	    "\"options\": [\"rbind\", \"rw\"]},"
	    "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/etcetera\", "
	    "\"options\": [\"rbind\"]},"
	    "{\"destination\": \"/c\", \"type\": \"bind\", \"source\": \"/var/run/docker.sock.d\"},"
	    "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
	    "{\"destination\": \"/d\", \"type\": \"tmpfs\", \"source\": \"/etc\"}"
	    "]}",
	    "{\"mounts\": ["
	    "{\"destination\": \"/a\", \"type\": \"bind\", \"source\": \"/srv/data\", "
	    "\"options\": [\"rbind\", \"rw\"]},"
	    "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/etcetera\", "
	    "\"options\": [\"rbind\"]},"
	    "{\"destination\": \"/c\", \"type\": \"bind\", \"source\": \"/var/run/docker.sock.d\"},"
	    "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
	    "{\"destination\": \"/d\", \"type\": \"tmpfs\", \"source\": \"/etc\"}"
	    "]}");
	assert_int_equal(t.report.n, 0);
	rule_test_fini(&t);
}

static char *path_in(const char *dir, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

/* A harmless-looking host symlink pointing at a denied path: refused on
 * its real path.  The denied path given through a symlink is resolved too. */
static void host_symlink(void **state)
{
	char *dir = pal_test_tmpdir(), *real_dir, *secret, *link, *innocent, *profile, *src;
	struct rule_test t;
	yajl_val spec;
	(void)state;

	assert_non_null(dir);
	real_dir = realpath(dir, NULL); /* $TMPDIR may itself be a symlink */
	assert_non_null(real_dir);
	secret = path_in(real_dir, "secret");
	link = path_in(dir, "link");
	innocent = path_in(dir, "innocent.sock");
	assert_int_equal(mkdir(secret, 0700), 0);
	assert_int_equal(pal_test_write(secret, "docker.sock", "", 0), 0);
	assert_int_equal(symlink(secret, link), 0);
	assert_int_equal(symlink("secret/docker.sock", innocent), 0);

	/* the profile denies the directory the symlinks point into */
	assert_true(asprintf(&profile, "{\"mounts\": {\"denyHostPaths\": [\"%s\"]}}", secret) > 0);
	rule_test_init(&t, profile);
	spec = one_mount("bind", innocent, "[\"bind\"]");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].source",
	                  "docker.sock, which lies under the denied host path");
	assert_non_null(strstr(t.err.msg, "it resolves to "));
	yajl_tree_free(spec);
	src = path_in(link, "docker.sock");
	spec = one_mount("bind", src, "[\"rbind\"]");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].source", "which lies under");
	yajl_tree_free(spec);
	free(src);
	spec = one_mount("bind", link, "[\"rbind\"]");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].source", "which is the denied");
	yajl_tree_free(spec);
	/* binding their parent would expose the secret too */
	spec = one_mount("bind", dir, "[\"rbind\"]");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].source", "contains the denied");
	yajl_tree_free(spec);
	/* a sibling is fine, symlink or not */
	src = path_in(dir, "other");
	assert_int_equal(mkdir(src, 0700), 0);
	spec = one_mount("bind", src, "[\"rbind\"]");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	yajl_tree_free(spec);
	free(src);
	rule_test_fini(&t);
	free(profile);

	/* the profile names the symlink; the source is the real path */
	assert_true(asprintf(&profile, "{\"mounts\": {\"denyHostPaths\": [\"%s\"]}}", link) > 0);
	rule_test_init(&t, profile);
	src = path_in(secret, "docker.sock");
	spec = one_mount("bind", src, "[\"rbind\"]");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].source",
	                  "lies under the denied host path");
	yajl_tree_free(spec);
	free(src);
	rule_test_fini(&t);

	free(profile);
	free(secret);
	free(link);
	free(innocent);
	free(real_dir);
	pal_test_rmtree(dir);
	free(dir);
}

/* Relative sources are the bundle's, as runc reads them. */
static void relative_to_bundle(void **state)
{
	struct rule_test t;
	char *profile;
	const char *bundle;
	yajl_val spec;
	(void)state;

	rule_test_init(&t, NULL);
	bundle = rule_test_bundle(&t);
	rule_test_bundle_file(&t, "data/file", "x");
	yajl_tree_free(t.profile.tree);
	assert_true(asprintf(&profile, "{\"mounts\": {\"denyHostPaths\": [\"%s/data\"]}}", bundle) >
	            0);
	t.profile.tree = rule_test_parse(profile);
	free(profile);

	spec = one_mount("bind", "data/file", "[\"rbind\"]");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].source", "lies under the denied");
	yajl_tree_free(spec);
	spec = one_mount("bind", "rootfs/../data", "[\"rbind\"]");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].source", "is the denied");
	yajl_tree_free(spec);
	spec = one_mount("bind", "rootfs", "[\"rbind\"]");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
}

static void opposites_removed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"mounts\": {\"forceOptions\": [\"nosuid\", \"nodev\", \"noexec\"]}}");
	rule_test_expect_str(
	    &t, &pal_rule_mounts,
	    "{\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"source\": \"/srv\", "
	    "\"options\": [\"rbind\", \"suid\", \"exec\", \"dev\", \"rsuid\", \"rdev\", \"ro\", "
	    "\"rexec\", \"nosuid\", \"suid\", \"rshared\"]},"
	    "{\"destination\": \"/t\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
	    "\"options\": [\"exec\", \"dev\"]},"
	    "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/srv/b\"}]}",
	    "{\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"source\": \"/srv\", "
	    "\"options\": [\"rbind\", \"ro\", \"nosuid\", \"rshared\", \"nodev\", \"noexec\"]},"
	    "{\"destination\": \"/t\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
	    "\"options\": [\"exec\", \"dev\"]},"
	    "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/srv/b\", "
	    "\"options\": [\"nosuid\", \"nodev\", \"noexec\"]}]}");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"mounts\": {\"forceOptions\": [\"ro\"]}}");
	rule_test_expect_str(
	    &t, &pal_rule_mounts,
	    "{\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"source\": "
	    "\"/srv\", \"options\": [\"rbind\", \"rw\", \"rrw\"]}]}",
	    "{\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"source\": "
	    "\"/srv\", \"options\": [\"rbind\", \"ro\"]}]}");
	rule_test_fini(&t);
}

/* Under denyHostPaths, shared propagation goes (CIS Docker 5.19). */
static void shared_propagation_removed(void **state)
{
	struct rule_test t;
	(void)state;

	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": [\"/etc\"]}}");
	rule_test_expect_str(
	    &t, &pal_rule_mounts,
	    "{\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"source\": \"/srv\", "
	    "\"options\": [\"rbind\", \"rshared\", \"rw\", \"shared\"]},"
	    "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/srv/b\", "
	    "\"options\": [\"bind\", \"rslave\"]}]}",
	    "{\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"source\": \"/srv\", "
	    "\"options\": [\"rbind\", \"rw\"]},"
	    "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"/srv/b\", "
	    "\"options\": [\"bind\", \"rslave\"]}]}");
	assert_int_equal(t.report.n, 2);
	assert_non_null(strstr(t.report.items[0].msg, "removed \"shared\""));
	rule_test_fini(&t);
}

static void audit_refusal(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse(
	    "{\"mounts\": [{\"destination\": \"/s\", \"type\": \"bind\", \"source\": "
	    "\"/var/run/docker.sock\", \"options\": [\"rbind\"]}, {\"destination\": \"/e\", "
	    "\"type\": \"bind\", \"source\": \"/etc\", \"options\": [\"rbind\"]}]}");
	(void)state;

	yajl_val before = pal_json_dup(spec);

	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": " DENY "}}");
	t.ctx.mode = PAL_MODE_AUDIT;
	/* both reported, nothing changed: a refusal removes nothing */
	assert_int_equal(rule_test_apply(&t, &pal_rule_mounts, spec), 0);
	assert_int_equal(t.err.errnum, 0);
	rule_test_assert_json(spec, before);
	assert_int_equal(t.report.n, 2);
	assert_non_null(rule_test_finding(&t, "mounts[0].source", true));
	assert_non_null(rule_test_finding(&t, "mounts[1].source", true));
	yajl_tree_free(spec);
	yajl_tree_free(before);
	rule_test_fini(&t);
}

/* rule_test_refuses(), and the enforce message must be exactly WHY in the
 * engine's frame. */
static void refuses_exactly(struct rule_test *t, yajl_val spec, const char *field, const char *why)
{
	char want[1024];

	rule_test_refuses(t, &pal_rule_mounts, spec, field, why);
	snprintf(want, sizeof(want),
	         "refused by profile \"test\" (rule mounts): %s: %s; select a profile that allows "
	         "it with the annotation io.palisade.profile",
	         field, why);
	assert_string_equal(t->err.msg, want);
}

#define DISK_WHY "a host disk mounted in the container exposes every file on it"

/* Filesystem mounts of host devices: refused under denyHostPaths, as
 * written (under /dev) whatever the type, except the label-only ones. */
static void device_sources(void **state)
{
	static const struct {
		const char *type, *source, *why;
	} cases[] = {
	    {"ext4", "/dev/sda1",
	     "mount of /dev/sda1: it lies under /dev, the host's devices; " DISK_WHY},
	    {"xfs", "/dev/mapper/vg-root",
	     "mount of /dev/mapper/vg-root: it lies under /dev, the host's devices; " DISK_WHY},
	    {"btrfs", "//dev/./vda",
	     "mount of //dev/./vda: it lies under /dev, the host's devices; " DISK_WHY},
	    {"vfat", "/tmp/../dev/nvme0n1p1",
	     "mount of /tmp/../dev/nvme0n1p1: it lies under /dev, the host's devices; " DISK_WHY},
	    {"overlay", "/dev/disk/by-uuid/0c1f",
	     "mount of /dev/disk/by-uuid/0c1f: it lies under /dev, the host's devices; " DISK_WHY},
	    {"none", "/dev/sdb",
	     "mount of /dev/sdb: it lies under /dev, the host's devices; " DISK_WHY},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rule_test t;
		yajl_val spec = one_mount(cases[i].type, cases[i].source, "[\"ro\"]");

		rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": " DENY "}}");
		refuses_exactly(&t, spec, "mounts[0].source", cases[i].why);
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}

	{
		/* no type at all: still a filesystem mount for the kernel */
		struct rule_test t;
		yajl_val spec = rule_test_parse(
		    "{\"mounts\": [{\"destination\": \"/p\", \"type\": \"proc\", \"source\": "
		    "\"proc\"}, {\"destination\": \"/mnt\", \"source\": \"/dev/vdb\"}]}");

		rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": [\"/etc\"]}}");
		refuses_exactly(
		    &t, spec, "mounts[1].source",
		    "mount of /dev/vdb: it lies under /dev, the host's devices; " DISK_WHY);
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}
}

/* Label-only filesystems, network and overlay sources, and everything
 * without denyHostPaths, stay as they are. */
static void device_sources_allowed(void **state)
{
	static const char *const spec_json =
	    "{\"mounts\": ["
	    "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
	    "{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"/dev/shm\"},"
	    "{\"destination\": \"/a\", \"type\": \"tmpfs\", \"source\": \"/dev/sda1\"},"
	    "{\"destination\": \"/b\", \"type\": \"devpts\", \"source\": \"/dev/pts\"},"
	    "{\"destination\": \"/c\", \"type\": \"sysfs\", \"source\": \"/dev/sysfs\"},"
	    "{\"destination\": \"/d\", \"type\": \"mqueue\", \"source\": \"/dev/mqueue\"},"
	    "{\"destination\": \"/e\", \"type\": \"cgroup2\", \"source\": \"/dev/cg\"},"
	    "{\"destination\": \"/f\", \"type\": \"cgroup\", \"source\": \"cgroup\"},"
	    "{\"destination\": \"/g\", \"type\": \"ramfs\", \"source\": \"/dev/ram\"},"
	    "{\"destination\": \"/h\", \"type\": \"bpf\", \"source\": \"/dev/bpf\"},"
	    "{\"destination\": \"/i\", \"type\": \"nfs\", \"source\": \"server:/export\"},"
	    "{\"destination\": \"/j\", \"type\": \"cifs\", \"source\": \"//server/share\"},"
	    "{\"destination\": \"/k\", \"type\": \"overlay\", \"source\": \"overlay\", "
	    "\"options\": [\"lowerdir=/srv/a:/srv/b\", \"upperdir=/srv/u\", \"workdir=/srv/w\"]},"
	    "{\"destination\": \"/l\", \"type\": \"ext4\", \"source\": \"/srv/no-such-disk\"},"
	    "{\"destination\": \"/m\", \"type\": \"ext4\", \"source\": \"/dev\"},"
	    "{\"destination\": \"/n\", \"type\": \"ext4\", \"source\": \"/devices/sda\"},"
	    "{\"destination\": \"/o\", \"source\": \"none\"}"
	    "]}";
	struct rule_test t;
	yajl_val spec = rule_test_parse(spec_json);
	(void)state;

	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": " DENY "}}");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	rule_test_fini(&t);
	yajl_tree_free(spec);

	spec = one_mount("ext4", "/dev/sda1", "[\"lowerdir=/etc\"]");
	rule_test_init(&t, "{\"mounts\": {\"forceOptions\": [\"nosuid\"]}}");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	rule_test_fini(&t);
	yajl_tree_free(spec);
}

/* A block device node of this host, NULL when it has none. */
static char *host_block_device(void)
{
	DIR *d = opendir("/dev");
	struct dirent *de;
	char *found = NULL;

	if (!d)
		return NULL;
	while (!found && (de = readdir(d))) {
		struct stat st;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		assert_true(asprintf(&p, "/dev/%s", de->d_name) > 0);
		if (lstat(p, &st) == 0 && S_ISBLK(st.st_mode))
			found = p;
		else
			free(p);
	}
	closedir(d);
	return found;
}

/* A real block device reached through symlinks outside /dev: refused when
 * resolved, from an absolute path, from the rootfs and from the bundle. */
static void real_block_device(void **state)
{
	_cleanup_free_ char *dev = host_block_device();
	char *dir, *link, *why, *spec_json;
	const char *bundle;
	struct rule_test t;
	yajl_val spec;
	(void)state;

	if (!dev)
		skip(); /* no block device on this host */

	dir = pal_test_tmpdir();
	assert_non_null(dir);
	link = path_in(dir, "disk");
	assert_int_equal(symlink(dev, link), 0);

	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": " DENY "}}");
	spec = one_mount("ext4", link, "[\"ro\"]");
	assert_true(asprintf(&why, "mount of %s: it is the host block device %s; " DISK_WHY, link,
	                     dev) > 0);
	refuses_exactly(&t, spec, "mounts[0].source", why);
	free(why);
	yajl_tree_free(spec);
	/* label-only types ignore the source; bind mounts of device nodes are
	 * the devices rule's (and denyHostPaths "/dev"'s) business */
	spec = one_mount("tmpfs", link, "[\"mode=755\"]");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	yajl_tree_free(spec);
	spec = one_mount("bind", link, "[\"rbind\"]");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);

	/* relative: runc's init mounts from the rootfs, runc runs in the bundle */
	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": " DENY "}}");
	bundle = rule_test_bundle(&t);
	free(link);
	link = path_in(bundle, "rootfs/disk");
	assert_int_equal(symlink(dev, link), 0);
	free(link);
	link = path_in(bundle, "disk2");
	assert_int_equal(symlink(dev, link), 0);

	spec = rule_test_parse("{\"root\": {\"path\": \"rootfs\"}, \"mounts\": [{\"destination\": "
	                       "\"/mnt\", \"type\": \"ext4\", \"source\": \"disk\"}]}");
	assert_true(
	    asprintf(&why, "mount of disk: it is the host block device %s; " DISK_WHY, dev) > 0);
	refuses_exactly(&t, spec, "mounts[0].source", why);
	free(why);
	yajl_tree_free(spec);

	/* without root.path only the bundle counts: bundle/disk is not there */
	spec = one_mount("ext4", "disk", "[]");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	yajl_tree_free(spec);

	assert_true(asprintf(&spec_json,
	                     "{\"root\": {\"path\": \"%s/rootfs\"}, \"mounts\": [{\"destination\": "
	                     "\"/mnt\", \"type\": \"xfs\", \"source\": \"disk2\"}]}",
	                     bundle) > 0);
	spec = rule_test_parse(spec_json);
	free(spec_json);
	assert_true(
	    asprintf(&why, "mount of disk2: it is the host block device %s; " DISK_WHY, dev) > 0);
	refuses_exactly(&t, spec, "mounts[0].source", why);
	free(why);
	yajl_tree_free(spec);

	spec = one_mount("ext4", "rootfs/../disk2", "[]");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].source", "host block device");
	yajl_tree_free(spec);
	rule_test_fini(&t);

	free(link);
	pal_test_rmtree(dir);
	free(dir);
}

/* overlayfs layers (and the same options on any mount) are host paths. */
static void option_paths_denied(void **state)
{
	static const struct {
		const char *type, *options, *why;
	} cases[] = {
	    /* what Podman writes for -v /etc:/x:O */
	    {"overlay",
	     "[\"lowerdir=/etc\", "
	     "\"upperdir=/var/lib/containers/storage/overlay-containers/a1/userdata/overlay/1/"
	     "upper\", \"workdir=/var/lib/containers/storage/overlay-containers/a1/userdata/"
	     "overlay/1/work\", \"private\"]",
	     "option lowerdir= names host path /etc: it is the denied host path /etc"},
	    {"overlay", "[\"lowerdir=/srv/a:/etc/ssl\"]",
	     "option lowerdir= names host path /etc/ssl: it lies under the denied host path /etc"},
	    {"overlay", "[\"lowerdir=/srv/a::/proc/1/root\"]",
	     "option lowerdir= names host path /proc/1/root: it lies under the denied host path "
	     "/proc"},
	    {"overlay", "[\"lowerdir=/srv/x\\\\:y:/\"]",
	     "option lowerdir= names host path /: it is the denied host path /"},
	    {"overlay", "[\"lowerdir=/e\\\\tc\"]",
	     "option lowerdir= names host path /etc: it is the denied host path /etc"},
	    {"overlay", "[\"lowerdir=/srv/a\", \"upperdir=/run\"]",
	     "option upperdir= names host path /run: it contains the denied host path "
	     "/run/containerd"},
	    {"overlay", "[\"lowerdir=/srv/a\", \"upperdir=/\\\\etc\"]",
	     "option upperdir= names host path /etc: it is the denied host path /etc"},
	    {"overlay", "[\"lowerdir=/srv/a\", \"upperdir=/srv/u\", \"workdir=/e\\\\tc/w\"]",
	     "option workdir= names host path /etc/w: it lies under the denied host path /etc"},
	    {"overlay", "[\"lowerdir+=/etc\"]",
	     "option lowerdir+= names host path /etc: it is the denied host path /etc"},
	    {"overlay", "[\"lowerdir=/srv/a\", \"datadir+=/proc\"]",
	     "option datadir+= names host path /proc: it is the denied host path /proc"},
	    {"overlay", "[\"ro,lowerdir=/etc\"]",
	     "option lowerdir= names host path /etc: it is the denied host path /etc"},
	    {"overlay", "[\"lowerdir=/srv/a\\\\,x,upperdir=/etc\"]",
	     "option upperdir= names host path /etc: it is the denied host path /etc"},
	    {"overlay", "[\"lowerdir=/srv/a\\\\\", \"ro\"]",
	     "option lowerdir= ends in an escape that joins the next option to its path, which "
	     "cannot be checked"},
	    {"overlay", "[\"lowerdir=/srv/a\", \"upperdir_fd=3\"]",
	     "option upperdir_fd= names a host directory by file descriptor, which cannot be "
	     "checked"},
	    {"overlay", "[\"lowerdir_fd+=4\"]",
	     "option lowerdir_fd+= names a host directory by file descriptor, which cannot be "
	     "checked"},
	    /* any mount: the kernel reads what its filesystem knows */
	    {"tmpfs", "[\"mode=755\", \"lowerdir=/etc\"]",
	     "option lowerdir= names host path /etc: it is the denied host path /etc"},
	    {"fuse.fuse-overlayfs", "[\"lowerdir=/srv/a:/var/run/docker.sock\"]",
	     "option lowerdir= names host path /var/run/docker.sock: it is the denied host path "
	     "/var/run/docker.sock"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rule_test t;
		yajl_val spec = one_mount(cases[i].type, "overlay", cases[i].options);

		rule_test_init(&t, PROFILE);
		refuses_exactly(&t, spec, "mounts[0].options", cases[i].why);
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}

	{
		/* a bind mount's source is refused first, its options after */
		struct rule_test t;
		yajl_val spec = one_mount("bind", "/srv", "[\"rbind\", \"upperdir=/etc\"]");

		rule_test_init(&t, PROFILE);
		refuses_exactly(&t, spec, "mounts[0].options",
		                "option upperdir= names host path /etc: it is the denied host path "
		                "/etc");
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}
}

/* Paths that only look like denied ones, and the appending forms taken
 * literally as the kernel takes them (no unescaping). */
static void option_paths_allowed(void **state)
{
	struct rule_test t;
	yajl_val spec = rule_test_parse(
	    "{\"mounts\": ["
	    "{\"destination\": \"/a\", \"type\": \"overlay\", \"source\": \"overlay\", "
	    "\"options\": [\"lowerdir=/etcetera:/srv/b::/srv/data\", \"upperdir=/srv/u\", "
	    "\"workdir=/srv/w\", \"index=off\", \"private\"]},"
	    "{\"destination\": \"/b\", \"type\": \"overlay\", \"source\": \"overlay\", "
	    "\"options\": [\"lowerdir+=/e\\\\tc\", \"lowerdir=/srv\\\\:/etc\", \"xlowerdir=/etc\", "
	    "\"lowerdir\", "
	    "\"upperdir=\", \"context=\\\"system_u:object_r:container_file_t:s0\\\"\"]},"
	    "{\"destination\": \"/c\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
	    "\"options\": [\"mode=755\", \"size=65536k\"]}"
	    "]}");
	(void)state;

	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": " DENY "}}");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	rule_test_fini(&t);
	yajl_tree_free(spec);
}

/* Relative layers: from the rootfs (runc's init) and from the bundle;
 * symlinks resolved. */
static void option_paths_relative(void **state)
{
	struct rule_test t;
	char *profile, *link, *target;
	const char *bundle;
	yajl_val spec;
	(void)state;

	rule_test_init(&t, NULL);
	bundle = rule_test_bundle(&t);
	rule_test_bundle_file(&t, "rootfs/secret/key", "k");
	rule_test_bundle_file(&t, "data/file", "d");
	yajl_tree_free(t.profile.tree);
	assert_true(
	    asprintf(&profile,
	             "{\"mounts\": {\"denyHostPaths\": [\"%s/rootfs/secret\", \"%s/data\"]}}",
	             bundle, bundle) > 0);
	t.profile.tree = rule_test_parse(profile);
	free(profile);
	link = path_in(bundle, "rootfs/innocent");
	target = path_in(bundle, "data");
	assert_int_equal(symlink(target, link), 0);

	spec = rule_test_parse(
	    "{\"root\": {\"path\": \"rootfs\"}, \"mounts\": [{\"destination\": \"/o\", \"type\": "
	    "\"overlay\", \"source\": \"overlay\", \"options\": [\"lowerdir=secret\"]}]}");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].options",
	                  "option lowerdir= names host path secret: it is the denied host path");
	yajl_tree_free(spec);

	spec = rule_test_parse(
	    "{\"root\": {\"path\": \"rootfs\"}, \"mounts\": [{\"destination\": \"/o\", \"type\": "
	    "\"overlay\", \"source\": \"overlay\", \"options\": [\"upperdir=data/u\"]}]}");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].options",
	                  "option upperdir= names host path data/u: it lies under the denied");
	yajl_tree_free(spec);

	spec = rule_test_parse(
	    "{\"root\": {\"path\": \"rootfs\"}, \"mounts\": [{\"destination\": \"/o\", \"type\": "
	    "\"overlay\", \"source\": \"overlay\", \"options\": [\"lowerdir=/srv:innocent\"]}]}");
	rule_test_refuses(&t, &pal_rule_mounts, spec, "mounts[0].options",
	                  "option lowerdir= names host path innocent: it resolves to ");
	assert_non_null(strstr(t.err.msg, "/data, which is the denied host path"));
	yajl_tree_free(spec);

	spec = rule_test_parse(
	    "{\"root\": {\"path\": \"rootfs\"}, \"mounts\": [{\"destination\": \"/o\", \"type\": "
	    "\"overlay\", \"source\": \"overlay\", \"options\": [\"lowerdir=usr\", "
	    "\"upperdir=upper\", \"workdir=work\"]}]}");
	rule_test_unchanged(&t, &pal_rule_mounts, spec);
	yajl_tree_free(spec);
	rule_test_fini(&t);
	free(link);
	free(target);
}

/* Audit: every denied layer is a finding, nothing changes. */
static void option_paths_audit(void **state)
{
	struct rule_test t;
	yajl_val spec =
	    one_mount("overlay", "overlay", "[\"lowerdir=/etc:/srv/ok:/proc\", \"upperdir_fd=3\"]");
	yajl_val before = pal_json_dup(spec);
	(void)state;

	rule_test_init(&t, PROFILE);
	t.ctx.mode = PAL_MODE_AUDIT;
	assert_int_equal(rule_test_apply(&t, &pal_rule_mounts, spec), 0);
	assert_int_equal(t.err.errnum, 0);
	rule_test_assert_json(spec, before);
	assert_int_equal(t.report.n, 3);
	for (size_t i = 0; i < t.report.n; i++) {
		assert_true(t.report.items[i].refused);
		assert_string_equal(t.report.items[i].field, "mounts[0].options");
	}
	assert_string_equal(
	    t.report.items[0].msg,
	    "option lowerdir= names host path /etc: it is the denied host path /etc");
	assert_string_equal(t.report.items[1].msg,
	                    "option lowerdir= names host path /proc: it is the denied host path "
	                    "/proc");
	yajl_tree_free(spec);
	yajl_tree_free(before);
	rule_test_fini(&t);
}

/* linux.rootfsPropagation shared/rshared goes under denyHostPaths. */
static void rootfs_propagation_removed(void **state)
{
	static const char *const values[] = {"rshared", "shared"};
	(void)state;

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		struct rule_test t;
		char spec_json[256], msg[256];

		snprintf(spec_json, sizeof(spec_json),
		         "{\"linux\": {\"rootfsPropagation\": \"%s\", \"maskedPaths\": []}}",
		         values[v]);
		rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": [\"/etc\"]}}");
		rule_test_expect_str(&t, &pal_rule_mounts, spec_json,
		                     "{\"linux\": {\"maskedPaths\": []}}");
		assert_int_equal(t.report.n, 1);
		assert_false(t.report.items[0].refused);
		assert_string_equal(t.report.items[0].field, "linux.rootfsPropagation");
		snprintf(msg, sizeof(msg),
		         "removed \"%s\" (mounts made in the container must not propagate to the "
		         "host; the runtime's default applies)",
		         values[v]);
		assert_string_equal(t.report.items[0].msg, msg);
		rule_test_fini(&t);
	}

	{
		/* containerd for a Kubernetes Bidirectional volume: both go */
		struct rule_test t;
		yajl_val spec = rule_test_fixture("spec-containerd.json");
		yajl_val in = rule_test_with(spec, "linux.rootfsPropagation", "\"rshared\"");
		yajl_val want = pal_json_dup(spec);
		yajl_val opts =
		    pal_json_get(pal_json_get(in, "mounts")->u.array.values[6], "options");
		pal_error err = {0};

		assert_int_equal(pal_json_append(opts, pal_json_new_string("rshared"), &err), 0);
		for (size_t i = 6; i <= 8; i++)
			add_options(want, i, "nosuid", "nodev", NULL);
		rule_test_init(&t, PROFILE);
		rule_test_expect(&t, &pal_rule_mounts, in, want);
		assert_non_null(rule_test_finding(&t, "linux.rootfsPropagation", false));
		yajl_tree_free(spec);
		yajl_tree_free(in);
		yajl_tree_free(want);
		rule_test_fini(&t);
	}

	{
		/* audit: a note, no error (the engine runs it on a scratch copy) */
		struct rule_test t;
		yajl_val spec =
		    rule_test_parse("{\"linux\": {\"rootfsPropagation\": \"rshared\"}}");

		rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": [\"/etc\"]}}");
		t.ctx.mode = PAL_MODE_AUDIT;
		assert_int_equal(rule_test_apply(&t, &pal_rule_mounts, spec), 0);
		assert_int_equal(t.err.errnum, 0);
		assert_int_equal(t.report.n, 1);
		assert_non_null(rule_test_finding(&t, "linux.rootfsPropagation", false));
		yajl_tree_free(spec);
		rule_test_fini(&t);
	}
}

static void rootfs_propagation_kept(void **state)
{
	static const char *const values[] = {"rslave",  "slave",      "rprivate",
	                                     "private", "unbindable", "runbindable"};
	(void)state;

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
		struct rule_test t;
		char spec_json[256];
		yajl_val spec;

		snprintf(spec_json, sizeof(spec_json),
		         "{\"linux\": {\"rootfsPropagation\": \"%s\"}}", values[v]);
		spec = rule_test_parse(spec_json);
		rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": [\"/etc\"]}}");
		rule_test_unchanged(&t, &pal_rule_mounts, spec);
		rule_test_fini(&t);
		yajl_tree_free(spec);
	}

	/* only denyHostPaths asks for it */
	{
		static const char *const profiles[] = {
		    "{}", "{\"mounts\": {}}", "{\"mounts\": {\"forceOptions\": [\"nosuid\"]}}"};

		for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
			struct rule_test t;
			yajl_val spec =
			    rule_test_parse("{\"linux\": {\"rootfsPropagation\": \"rshared\"}}");

			rule_test_init(&t, profiles[p]);
			rule_test_unchanged(&t, &pal_rule_mounts, spec);
			rule_test_fini(&t);
			yajl_tree_free(spec);
		}
	}
}

static void absent_changes_nothing(void **state)
{
	static const char *const profiles[] = {"{}", "{\"mounts\": {}}"};
	static const char *const fixtures[] = {"spec-runc.json", "spec-podman.json",
	                                       "spec-containerd.json"};
	(void)state;

	for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
		for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
			struct rule_test t;
			yajl_val spec = rule_test_fixture(fixtures[f]);

			rule_test_init(&t, profiles[p]);
			rule_test_unchanged(&t, &pal_rule_mounts, spec);
			yajl_tree_free(spec);
			rule_test_fini(&t);
		}
		{
			struct rule_test t;
			yajl_val spec =
			    one_mount("bind", "/var/run/docker.sock", "[\"rbind\", \"rshared\"]");

			rule_test_init(&t, profiles[p]);
			rule_test_unchanged(&t, &pal_rule_mounts, spec);
			yajl_tree_free(spec);
			rule_test_fini(&t);
		}
	}
}

static void malformed(void **state)
{
	static const struct {
		const char *spec, *what;
	} cases[] = {
	    {"{\"mounts\": {}}", "config.json: mounts: must be an array"},
	    {"{\"mounts\": [\"/etc:/etc\"]}", "config.json: mounts[0]: must be an object"},
	    {"{\"mounts\": [{\"destination\": \"/a\", \"type\": 1}]}",
	     "config.json: mounts[0].type: must be a string"},
	    {"{\"mounts\": [{\"destination\": \"/a\", \"type\": \"tmpfs\", \"options\": \"rw\"}]}",
	     "config.json: mounts[0].options: must be an array of strings"},
	    {"{\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"options\": [\"rbind\", "
	     "null]}]}",
	     "config.json: mounts[0].options: must be an array of strings"},
	    {"{\"mounts\": [{\"destination\": \"/p\", \"type\": \"proc\", \"source\": \"proc\"}, "
	     "{\"destination\": \"/a\", \"options\": [\"rbind\"]}]}",
	     "config.json: mounts[1].source: must be a string"},
	    {"{\"mounts\": [{\"destination\": \"/a\", \"type\": \"bind\", \"source\": "
	     "[\"/srv\"]}]}",
	     "config.json: mounts[0].source: must be a string"},
	    {"{\"mounts\": [{\"destination\": \"/a\", \"type\": \"ext4\", \"source\": 8}]}",
	     "config.json: mounts[0].source: must be a string"},
	    {"{\"linux\": [], \"mounts\": []}", "config.json: linux: must be an object"},
	    {"{\"linux\": {\"rootfsPropagation\": true}}",
	     "config.json: linux.rootfsPropagation: must be a string"},
	    {"{\"root\": \"rootfs\", \"mounts\": []}", "config.json: root: must be an object"},
	    {"{\"root\": {\"path\": 1}, \"mounts\": []}",
	     "config.json: root.path: must be a string"},
	};
	struct rule_test t;
	(void)state;

	rule_test_init(&t, PROFILE);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		rule_test_error_str(&t, &pal_rule_mounts, cases[i].spec, cases[i].what);
	rule_test_fini(&t);

	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": \"/etc\"}}");
	rule_test_error_str(&t, &pal_rule_mounts, "{}",
	                    "profile \"test\": mounts.denyHostPaths: must be an array of strings");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"mounts\": {\"denyHostPaths\": [\"etc\"]}}");
	rule_test_error_str(&t, &pal_rule_mounts, "{\"mounts\": []}",
	                    "profile \"test\": mounts.denyHostPaths[0]: must be an absolute path");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"mounts\": {\"forceOptions\": [\"nosuid\", \"nosymfollow\"]}}");
	rule_test_error_str(
	    &t, &pal_rule_mounts, "{}",
	    "profile \"test\": mounts.forceOptions[1]: must be one of nosuid, nodev, "
	    "noexec, ro");
	rule_test_fini(&t);

	rule_test_init(&t, "{\"mounts\": [\"/etc\"]}");
	rule_test_error_str(&t, &pal_rule_mounts, "{}",
	                    "profile \"test\": mounts: must be an object");
	rule_test_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(runc_unchanged),
	    cmocka_unit_test(containerd_binds_hardened),
	    cmocka_unit_test(podman_bind_hardened),
	    cmocka_unit_test(denied_sources),
	    cmocka_unit_test(enforce_message),
	    cmocka_unit_test(allowed_sources),
	    cmocka_unit_test(host_symlink),
	    cmocka_unit_test(relative_to_bundle),
	    cmocka_unit_test(opposites_removed),
	    cmocka_unit_test(shared_propagation_removed),
	    cmocka_unit_test(audit_refusal),
	    cmocka_unit_test(device_sources),
	    cmocka_unit_test(device_sources_allowed),
	    cmocka_unit_test(real_block_device),
	    cmocka_unit_test(option_paths_denied),
	    cmocka_unit_test(option_paths_allowed),
	    cmocka_unit_test(option_paths_relative),
	    cmocka_unit_test(option_paths_audit),
	    cmocka_unit_test(rootfs_propagation_removed),
	    cmocka_unit_test(rootfs_propagation_kept),
	    cmocka_unit_test(absent_changes_nothing),
	    cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule "user": under "user": {"nonRoot": true}, refuse a container whose
 * process runs as root.
 *
 * Why: uid 0 in a container is uid 0 on the host unless a user namespace
 * maps it elsewhere, and it owns every file of the host it can reach; most
 * container escapes (CVE-2019-5736 overwriting runc through /proc/self/exe,
 * CVE-2024-21626's leaked fd) need it.  Pod Security Standard "restricted"
 * requires runAsNonRoot, which the kubelet checks as done here: against the
 * uid (and, with only a name, the image's user named "root").  Root cannot
 * be taken away by editing the spec (another uid changes file ownership and
 * breaks the image), so this rule refuses; it never rewrites.
 *
 * Refused:
 * - process.user.uid 0, or no uid at all (runc then runs as 0);
 * - process.user.username "root";
 * - a uid the image's /etc/passwd names "root" (kubelet's runAsNonRoot with
 *   a named user refuses it too, and software that trusts the name does).
 * Only the uid is checked, not the gid: runAsNonRoot is about the uid, and
 * gid 0 without uid 0 gives no capability (group-0 owned files are a
 * matter for the image).  Nor are user-namespace mappings considered: as in
 * Kubernetes, non-root means non-root inside the container.
 *
 * The passwd file comes from the image, i.e. from whoever built it, so it
 * is opened without ever leaving the rootfs: openat2(2) with RESOLVE_IN_ROOT
 * (absolute symlinks and ".." stay inside) and RESOLVE_NO_MAGICLINKS (no
 * /proc/self/root jump), O_PATH|O_NOFOLLOW so a symlinked passwd or a
 * device node planted there is never opened; it is then reopened through
 * /proc/self/fd only when it is a regular file.  Without openat2 (Linux
 * < 5.6, or filtered by seccomp) "etc" then "passwd" are opened with
 * O_NOFOLLOW, which ignores a passwd reached through any symlink.  A passwd
 * that is missing, a symlink, not a regular file or larger than 4 MiB is
 * ignored for names; the uid checks stand regardless.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"
#include "palisade/util.h"

#define RULE       "user"
#define PASSWD_MAX (4u << 20)

#define HINT                                                                                       \
	"set a non-root user (USER in the image, runAsUser and runAsNonRoot in the pod, "          \
	"--user for docker or podman)"

/* V as a uid: a plain integer up to 2^32-1, as runc's uint32 reads it. */
static bool get_uid(yajl_val v, uint32_t *out)
{
	uint64_t n;

	if (!pal_json_u64(v, &n) || n > UINT32_MAX)
		return false;
	*out = (uint32_t)n;
	return true;
}

/* An O_PATH fd on ROOTFD's etc/passwd, never resolved outside ROOTFD;
 * -1 with errno. */
static int open_passwd_path(int rootfd)
{
	_cleanup_close_ int etc = -1;
	int fd;

#ifdef SYS_openat2
	struct open_how how = {
	    .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	/* EAGAIN: a rename raced the in-root resolution; retry a little */
	for (int tries = 0; tries < 8; tries++) {
		fd = (int)syscall(SYS_openat2, rootfd, "etc/passwd", &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	/* ENOSYS: before Linux 5.6; EPERM: what the seccomp filters of older
	 * container engines answer for a system call they do not know */
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd;
#endif
	etc = openat(rootfd, "etc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (etc < 0)
		return -1;
	fd = openat(etc, "passwd", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

/* The image's passwd in *BUF, or *BUF NULL when there is none to trust. */
static int read_passwd(int rootfd, const char *rootpath, char **buf, pal_error *err)
{
	_cleanup_close_ int fd = open_passwd_path(rootfd);
	char proc[64];
	struct stat st;
	size_t len;

	*buf = NULL;
	if (fd < 0) {
		/* ELOOP, ENOTDIR: a symlink on the way (fallback walk) */
		if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)
			return 0;
		return pal_err(err, errno, "%s/etc/passwd", rootpath);
	}
	if (fstat(fd, &st) < 0)
		return pal_err(err, errno, "%s/etc/passwd", rootpath);
	if (!S_ISREG(st.st_mode) || (unsigned long long)st.st_size > PASSWD_MAX)
		return 0;
	/* reopen the very inode checked above for reading */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (pal_read_file(AT_FDCWD, proc, 0, PASSWD_MAX, buf, &len, NULL, err) < 0)
		return pal_err_prefix(err, "%s/etc/passwd", rootpath);
	return 0;
}

/* Does some line "NAME:PW:UID:..." of PASSWD name UID "root"? */
static bool named_root(const char *passwd, uint32_t uid)
{
	const char *line = passwd;

	while (*line) {
		const char *eol = strchr(line, '\n');
		const char *pw = memchr(line, ':', eol ? (size_t)(eol - line) : strlen(line));
		const char *u = pw ? strchr(pw + 1, ':') : NULL;

		if (pw && u && (!eol || u < eol) && pw - line == 4 && !strncmp(line, "root", 4) &&
		    u[1] >= '0' && u[1] <= '9') {
			char *end;
			unsigned long long n;

			errno = 0;
			n = strtoull(u + 1, &end, 10);
			if (!errno && *end == ':' && n == uid)
				return true;
		}
		if (!eol)
			break;
		line = eol + 1;
	}
	return false;
}

static int check_passwd(const struct pal_rewrite_ctx *ctx, yajl_val spec, uint32_t uid,
                        pal_error *err)
{
	yajl_val path = pal_json_getp(spec, "root", "path", NULL);
	_cleanup_close_ int rootfd = -1;
	_cleanup_free_ char *passwd = NULL;

	if (ctx->bundle_fd < 0 || !path || YAJL_IS_NULL(path))
		return 0;
	if (!YAJL_IS_STRING(path))
		return pal_err(err, EINVAL, "config.json: root.path: must be a string");
	/* root.path is the engine's choice and runc follows it the same way;
	 * only what lies inside it comes from the image */
	rootfd = openat(ctx->bundle_fd, path->u.string, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return pal_err(err, errno, "root.path %s", path->u.string);
	if (read_passwd(rootfd, path->u.string, &passwd, err) < 0)
		return -1;
	if (passwd && named_root(passwd, uid))
		return pal_rule_refuse(ctx, RULE, "process.user.uid", err,
		                       "uid %" PRIu32 " is named \"root\" in the image's "
		                       "/etc/passwd; " HINT,
		                       uid);
	return 0;
}

static int apply(const struct pal_rewrite_ctx *ctx, yajl_val spec, pal_error *err)
{
	yajl_val want = pal_profile_get(ctx->profile, "user", "nonRoot");
	yajl_val process, user, v;
	uint32_t uid = 0;

	if (!want || YAJL_IS_NULL(want))
		return 0;
	if (!YAJL_IS_TRUE(want) && !YAJL_IS_FALSE(want))
		return pal_err(err, EINVAL, "profile \"%s\": user.nonRoot: must be a boolean",
		               ctx->profile->name);
	if (YAJL_IS_FALSE(want))
		return 0;

	process = pal_json_get(spec, "process");
	if (process && !YAJL_IS_OBJECT(process))
		return pal_err(err, EINVAL, "config.json: process: must be an object");
	user = pal_json_get(process, "user");
	if (YAJL_IS_NULL(user))
		user = NULL;
	if (user && !YAJL_IS_OBJECT(user))
		return pal_err(err, EINVAL, "config.json: process.user: must be an object");
	v = pal_json_get(user, "uid");
	if (v && !YAJL_IS_NULL(v) && !get_uid(v, &uid))
		return pal_err(err, EINVAL,
		               "config.json: process.user.uid: must be an unsigned 32-bit integer");
	v = pal_json_get(user, "username");
	if (v && !YAJL_IS_NULL(v) && !YAJL_IS_STRING(v))
		return pal_err(err, EINVAL, "config.json: process.user.username: must be a string");

	if (YAJL_IS_STRING(v) && !strcmp(v->u.string, "root") &&
	    pal_rule_refuse(ctx, RULE, "process.user.username", err,
	                    "the user is \"root\"; " HINT) < 0)
		return -1;
	if (uid == 0) {
		v = pal_json_get(user, "uid");
		return pal_rule_refuse(ctx, RULE, "process.user.uid", err,
		                       "runs as root (uid 0%s); " HINT,
		                       v && !YAJL_IS_NULL(v) ? "" : ", no uid given");
	}
	return check_passwd(ctx, spec, uid, err);
}

const struct pal_rule pal_rule_user = {
    .name = RULE,
    .apply = apply,
};

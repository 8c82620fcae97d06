/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "palisade/cgroup.h"
#include "palisade/cleanup.h"
#include "palisade/util.h"

#define PROC_FILE_MAX (256u << 10)

/* mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int pal_cgroup2_mount(char **path, pal_error *err)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	size_t len;

	if (pal_read_file(AT_FDCWD, "/proc/self/mountinfo", 0, PROC_FILE_MAX, &buf, &len, NULL,
			  err) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sep = strstr(line, " - ");
		char *f = line, *mnt = NULL;

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		/* id parent major:minor root MOUNTPOINT ... */
		for (int i = 0; i < 4 && f; i++) {
			f = strchr(f, ' ');
			if (f)
				f++;
		}
		if (!f)
			continue;
		mnt = f;
		f = strchr(mnt, ' ');
		if (!f)
			continue;
		*f = '\0';
		unescape(mnt);
		*path = strdup(mnt);
		if (!*path)
			return pal_err(err, ENOMEM, "cgroup2 mount");
		return 0;
	}
	return pal_err(err, ENOENT, "no cgroup2 file system is mounted (cgroup v2 is needed for BPF "
				    "policy)");
}

int pal_cgroup_path_of(pid_t pid, char **path, pal_error *err)
{
	_cleanup_free_ char *buf = NULL;
	char file[64], *line, *save = NULL;
	size_t len;

	if (pid)
		snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(file, sizeof(file), "/proc/self/cgroup");
	if (pal_read_file(AT_FDCWD, file, 0, PROC_FILE_MAX, &buf, &len, NULL, err) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		if (line[3] != '/')
			break;
		*path = strdup(line + 3);
		if (!*path)
			return pal_err(err, ENOMEM, "%s", file);
		return 0;
	}
	return pal_err(err, ENOENT, "%s: the process is in no cgroup v2 cgroup", file);
}

int pal_cgroup_open(const char *mount, const char *path, int *fd, uint64_t *cgid,
		    pal_error *err)
{
	_cleanup_free_ char *full = NULL;
	_cleanup_close_ int d = -1;
	struct stat st;

	/* PATH comes from the kernel (/proc/PID/cgroup), not from the bundle */
	if (asprintf(&full, "%s%s", mount, path) < 0)
		return pal_err(err, ENOMEM, "cgroup %s", path);
	d = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (d < 0)
		return pal_err(err, errno, "cgroup %s", full);
	if (fstat(d, &st) < 0)
		return pal_err(err, errno, "cgroup %s", full);
	*cgid = (uint64_t)st.st_ino;
	*fd = steal_fd(&d);
	return 0;
}

int pal_cgroup_contains(const char *path, const char *other)
{
	size_t n = strlen(path);

	if (!strcmp(path, "/"))
		return 1;
	return !strncmp(path, other, n) && (other[n] == '\0' || other[n] == '/');
}

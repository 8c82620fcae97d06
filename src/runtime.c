/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "palisade/cleanup.h"
#include "palisade/runtime.h"

extern char **environ;

int pal_runtime_check(const struct pal_conf *conf, pal_error *err)
{
	struct stat st, self;

	if (!conf->runtime || conf->runtime[0] != '/')
		return pal_err(err, 0, "runtime \"%s\" is not an absolute path",
			       conf->runtime ? conf->runtime : "");
	if (stat(conf->runtime, &st) < 0)
		return pal_err(err, errno, "runtime %s", conf->runtime);
	if (!S_ISREG(st.st_mode) || access(conf->runtime, X_OK) < 0)
		return pal_err(err, EACCES, "runtime %s: not an executable file", conf->runtime);
	if (stat("/proc/self/exe", &self) == 0 && self.st_dev == st.st_dev &&
	    self.st_ino == st.st_ino)
		return pal_err(err, 0, "runtime %s is Palisade itself", conf->runtime);
	return 0;
}

int pal_runtime_exec(const struct pal_conf *conf, char **argv, pal_error *err)
{
	argv[0] = conf->runtime;
	execv(conf->runtime, argv);
	return pal_err(err, errno, "executing %s", conf->runtime);
}

int pal_runtime_output(const struct pal_conf *conf, char **argv, size_t max, char **out,
		       size_t *len, int *status, pal_error *err)
{
	posix_spawn_file_actions_t fa;
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int rd = -1;
	int pipefd[2];
	size_t got = 0;
	pid_t pid;
	int r, wst;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return pal_err(err, errno, "pipe");
	rd = pipefd[0];
	if ((r = posix_spawn_file_actions_init(&fa)) != 0) {
		close(pipefd[1]);
		return pal_err(err, r, "spawning %s", conf->runtime);
	}
	r = posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	argv[0] = conf->runtime;
	if (r == 0)
		r = posix_spawn(&pid, conf->runtime, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (r != 0)
		return pal_err(err, r, "executing %s", conf->runtime);

	buf = malloc(max + 2);
	bool full = false;
	for (;;) {
		ssize_t n;
		char sink[4096];
		if (!buf || full)
			n = read(rd, sink, sizeof(sink)); /* drain so the child never blocks */
		else
			n = read(rd, buf + got, max + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf && !full) {
			got += (size_t)n;
			full = got > max;
		}
	}
	while (waitpid(pid, &wst, 0) < 0) {
		if (errno != EINTR)
			return pal_err(err, errno, "waiting for %s", conf->runtime);
	}
	if (!buf)
		return pal_err(err, ENOMEM, "output of %s", conf->runtime);
	if (full)
		return pal_err(err, EFBIG, "output of %s: more than %zu bytes", conf->runtime, max);
	buf[got] = '\0';
	*status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	*out = steal_pointer(&buf);
	*len = got;
	return 0;
}

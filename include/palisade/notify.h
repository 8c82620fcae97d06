/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp user notification (src/notify.c): how the seccomp denials of a
 * container become visible when the backend cannot log them.
 *
 * Why.  A syscall a filter denies with SCMP_ACT_ERRNO leaves no trace: the
 * kernel audits it only under SECCOMP_FILTER_FLAG_LOG, which runc 1.1
 * refuses ("seccomp flags are not yet supported by runc").  So, in enforce
 * mode, the seccomp rule (src/rules/seccomp.c) turns the profile's denials
 * (denyErrno, EPERM) into SCMP_ACT_NOTIFY and names Palisade's listener:
 *   linux.seccomp.listenerPath      STATE_DIR/seccomp.sock
 *   linux.seccomp.listenerMetadata  {"palisade":1,"root":ROOT,"errno":N}
 * ROOT is the backend's --root (runc's message names the container, not
 * the root, and Palisade's records are keyed by both: state.h), N the
 * errno to answer with.  During `runc create`, runc connects to the
 * socket and sends one SCM_RIGHTS message: the filter's notify fd and the
 * runtime-spec "container process state"
 *   {"ociVersion":..,"fds":["seccompFd"],"pid":N,"metadata":"<the above>",
 *    "state":{"ociVersion":..,"id":"c1","status":"creating","pid":N,
 *             "bundle":"/b",...}}
 * then closes the connection.  The monitor keeps the fd; for each
 * notification it answers -N at once, then logs a violation (source
 * "seccomp-notify", detail {"syscall","nr","arch","args","errno"}).
 *
 * What stays SCMP_ACT_ERRNO: the default action and the profile's
 * "enosys" names (ENOSYS is a compatibility answer, libc falls back: not a
 * violation), and a filter whose spec brought its own listener (a filter
 * has one listener).  A denied call can never run: if the monitor is gone
 * (killed, no listener) the kernel fails the call with ENOSYS; if it does
 * not listen when runc connects, `runc create` fails (fail closed).
 */
#ifndef PALISADE_NOTIFY_H
#define PALISADE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "palisade/conf.h"
#include "palisade/error.h"
#include "palisade/violation.h"

#define PAL_NOTIFY_SOCKET   "seccomp.sock" /* in the state directory */
#define PAL_NOTIFY_MAX_FDS  4096           /* containers listened to at once */
#define PAL_NOTIFY_MAX_CONN 64             /* connections not yet done sending */
#define PAL_NOTIFY_MSG_MAX  (64u << 10)    /* bytes of runc's message */

/* ---------------------------------------------------------- rule side */

/* Palisade's listener socket, for a create under CONF with BACKEND (the
 * runtime's basename), or NULL (*path) when denials stay SCMP_ACT_ERRNO:
 * the monitor is off, or the backend logs them by itself.  Caller frees. */
int pal_notify_socket_for(const struct pal_conf *conf, const char *backend, char **path,
			  pal_error *err);

/* listenerMetadata: what the monitor needs that runc's message lacks. */
struct pal_notify_meta {
	char *root; /* the backend's state root */
	int errnum; /* answered as -errnum; 1..4095 */
};

int pal_notify_meta_format(const char *root, int errnum, char **out, pal_error *err);
/* err->errnum EINVAL when TEXT is not Palisade's metadata. */
int pal_notify_meta_parse(const char *text, struct pal_notify_meta *m, pal_error *err);
void pal_notify_meta_free(struct pal_notify_meta *m);

/* ------------------------------------------------------- monitor side */

/* runc's message (the container process state), parsed. */
struct pal_notify_hello {
	char *id, *bundle;
	pid_t pid;
	struct pal_notify_meta meta;
};

/* Exactly the shape above: fds ["seccompFd"], a state with a string id,
 * Palisade's metadata; anything else is refused (EINVAL). */
int pal_notify_hello_parse(const char *buf, size_t len, struct pal_notify_hello *h,
			   pal_error *err);
void pal_notify_hello_free(struct pal_notify_hello *h);

typedef void (*pal_notify_cb)(void *ctx, const struct pal_violation *v);
struct pal_notify;

/* Bind and listen on STATE_DIR/seccomp.sock (0600; a stale socket left by
 * a killed monitor is replaced).  Before the monitor drops capabilities. */
int pal_notify_open(const struct pal_conf *conf, pal_notify_cb cb, void *cbctx,
		    struct pal_notify **out, pal_error *err);
/* Put the listening socket in EPFD; later fds are added as they come.
 * Every fd is registered with data.fd = the fd. */
int pal_notify_attach(struct pal_notify *n, int epfd, pal_error *err);
/* An epoll event for FD: false when FD is not the notifier's.  Errors of
 * one container's fd are logged and that fd dropped, never fatal. */
bool pal_notify_handle(struct pal_notify *n, int fd, uint32_t events);
/* Containers listened to now (tests, status). */
size_t pal_notify_count(const struct pal_notify *n);
/* Closes every fd (their containers' denied calls then fail with ENOSYS)
 * and removes the socket. */
void pal_notify_close(struct pal_notify *n);

#endif

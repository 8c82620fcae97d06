/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scope-bound ownership.  Every resource has one owner: a variable declared
 * with one of these attributes and initialised at its declaration.  Ownership
 * leaves the scope only through steal_pointer()/steal_fd().
 */
#ifndef PALISADE_CLEANUP_H
#define PALISADE_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

static inline void pal_freep(void *p)
{
	free(*(void **)p);
}

static inline void pal_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void pal_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void pal_yajl_val_freep(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}

static inline void pal_yajl_gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

#define _cleanup_free_ __attribute__((cleanup(pal_freep)))
#define _cleanup_close_ __attribute__((cleanup(pal_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(pal_fclosep)))
#define _cleanup_yajl_val_ __attribute__((cleanup(pal_yajl_val_freep)))
#define _cleanup_yajl_gen_ __attribute__((cleanup(pal_yajl_gen_freep)))

static inline void *pal_steal_pointer(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}
#define steal_pointer(pp) pal_steal_pointer(pp)

static inline int steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#endif

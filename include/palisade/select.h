/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which profile, in which mode, a container gets.  In this order:
 *  1. the spec's annotations io.palisade.profile / io.palisade.mode (Podman
 *     --annotation, CRI pod annotations passed through by containerd and
 *     CRI-O all land there);
 *  2. the "selection" rules of palisade.conf, first match wins, keyed on the
 *     Kubernetes namespace (io.kubernetes.cri.sandbox-namespace, else
 *     io.kubernetes.pod.namespace), the image name (the first present of
 *     io.kubernetes.cri.image-name, io.kubernetes.cri-o.ImageName,
 *     org.opencontainers.image.ref.name) and other annotations;
 *  3. the configured default profile ("default_profile", default "default").
 * The mode is the annotation's, else the matching rule's, else the
 * profile's own.
 *
 * An annotation Palisade reads that is not a string, a malformed profile
 * name or an unknown mode is an error naming the annotation; so is a
 * selected profile that does not exist: the container is not created.
 * "image_not_prefix" also matches a container whose image is unknown, so
 * that a rule meant for images outside a trusted registry cannot be dodged
 * by leaving the image annotation out.
 */
#ifndef PALISADE_SELECT_H
#define PALISADE_SELECT_H

#include <stdbool.h>
#include <yajl/yajl_tree.h>

#include "palisade/conf.h"
#include "palisade/error.h"
#include "palisade/profile.h"

struct pal_selection {
	char *profile; /* name, well-formed */
	bool mode_set; /* mode given by annotation or rule */
	enum pal_mode mode;
	char source[64]; /* "annotation io.palisade.profile", "selection rule 2",
	                    "default_profile", "override" */
};

/* Steps 1-3 on SPEC (the config.json tree; NULL: no annotations). */
int pal_select(const struct pal_conf *conf, yajl_val spec, struct pal_selection *sel,
               pal_error *err);
void pal_selection_free(struct pal_selection *sel);

/* Selection and loading in one: OVERRIDE (e.g. `check --profile`), if not
 * NULL, replaces steps 1-3 and the mode is the profile's own.  *MODE is the
 * effective mode; P->mode stays the profile's own.  A load error names
 * where the profile name came from. */
int pal_select_profile(const struct pal_conf *conf, yajl_val spec, const char *override,
                       struct pal_profile *p, enum pal_mode *mode, pal_error *err);

#endif

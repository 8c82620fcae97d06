/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Profile selection (select.h).  The annotations read here come from
 * whoever wrote the pod or container spec, so every one is checked before
 * use: a non-string value or a malformed name is refused rather than
 * ignored, because ignoring it would silently fall back to another profile
 * than the one asked for.  Which annotations a workload may set at all is
 * for the engine to restrict (containerd's pod_annotations, CRI-O's
 * allowed_annotations); `palisade features` lists io.palisade. as unsafe.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "palisade/cleanup.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"
#include "palisade/select.h"
#include "palisade/util.h"

/* Kubernetes namespace, then image name: the keys CRI implementations set,
 * most specific first. */
static const char *const namespace_keys[] = {
    "io.kubernetes.cri.sandbox-namespace", /* containerd */
    "io.kubernetes.pod.namespace",         /* CRI-O, dockershim */
    NULL,
};

static const char *const image_keys[] = {
    "io.kubernetes.cri.image-name",      /* containerd */
    "io.kubernetes.cri-o.ImageName",     /* CRI-O */
    "org.opencontainers.image.ref.name", /* image-spec, Podman */
    NULL,
};

/* A refusal of what the spec says: errnum EINVAL, the message alone. */
#define invalid(err, ...) pal_err_code(err, EINVAL, __VA_ARGS__)

/* ANN[KEY] as a string; NULL when absent; a non-string is an error. */
static int annotation(yajl_val ann, const char *key, const char **out, pal_error *err)
{
	yajl_val v = pal_json_get(ann, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!YAJL_IS_STRING(v))
		return invalid(err, "annotation %s: must be a string", key);
	*out = v->u.string;
	return 0;
}

static int first_annotation(yajl_val ann, const char *const *keys, const char **out, pal_error *err)
{
	for (; *keys; keys++) {
		if (annotation(ann, *keys, out, err) < 0)
			return -1;
		if (*out)
			return 0;
	}
	return 0;
}

static int rule_matches(const struct pal_selection_rule *r, yajl_val ann, const char *ns,
                        const char *image, bool *match, pal_error *err)
{
	*match = false;
	if (r->kube_namespace && (!ns || strcmp(ns, r->kube_namespace) != 0))
		return 0;
	if (r->image_prefix &&
	    (!image || strncmp(image, r->image_prefix, strlen(r->image_prefix)) != 0))
		return 0;
	if (r->image_not_prefix && image &&
	    strncmp(image, r->image_not_prefix, strlen(r->image_not_prefix)) == 0)
		return 0;
	for (size_t i = 0; i < r->n_ann; i++) {
		const char *v;
		if (annotation(ann, r->ann_keys[i], &v, err) < 0)
			return -1;
		if (!v || strcmp(v, r->ann_values[i]) != 0)
			return 0;
	}
	*match = true;
	return 0;
}

static int set_profile(struct pal_selection *sel, const char *name, const char *source,
                       pal_error *err)
{
	sel->profile = strdup(name);
	if (!sel->profile)
		return pal_err(err, ENOMEM, "profile selection");
	snprintf(sel->source, sizeof(sel->source), "%s", source);
	return 0;
}

int pal_select(const struct pal_conf *conf, yajl_val spec, struct pal_selection *sel,
               pal_error *err)
{
	yajl_val ann = pal_json_get(spec, "annotations");
	const char *name, *mode, *ns, *image;

	*sel = (struct pal_selection){.mode = PAL_MODE_ENFORCE};
	if (ann && !YAJL_IS_OBJECT(ann))
		return invalid(err, "annotations: must be an object");

	if (annotation(ann, PAL_ANNOTATION_MODE, &mode, err) < 0)
		return -1;
	if (mode) {
		if (pal_mode_parse(mode, &sel->mode) < 0) {
			_cleanup_free_ char *e = pal_escape(mode, 64);
			return invalid(err,
			               "annotation " PAL_ANNOTATION_MODE
			               ": \"%s\" is not \"enforce\" or \"audit\"",
			               e ? e : "?");
		}
		sel->mode_set = true;
	}

	if (annotation(ann, PAL_ANNOTATION_PROFILE, &name, err) < 0)
		return -1;
	if (name) {
		if (!pal_profile_name_valid(name)) {
			_cleanup_free_ char *e = pal_escape(name, 64);
			return invalid(err,
			               "annotation " PAL_ANNOTATION_PROFILE
			               ": \"%s\" is not a valid profile name",
			               e ? e : "?");
		}
		return set_profile(sel, name, "annotation " PAL_ANNOTATION_PROFILE, err);
	}

	if (conf && conf->n_rules) {
		if (first_annotation(ann, namespace_keys, &ns, err) < 0 ||
		    first_annotation(ann, image_keys, &image, err) < 0)
			return -1;
		for (size_t i = 0; i < conf->n_rules; i++) {
			const struct pal_selection_rule *r = &conf->rules[i];
			char source[48];
			bool match;

			if (rule_matches(r, ann, ns, image, &match, err) < 0)
				return -1;
			if (!match)
				continue;
			if (r->mode && !sel->mode_set) {
				if (pal_mode_parse(r->mode, &sel->mode) < 0)
					return invalid(err, "selection rule %zu: mode \"%s\"",
					               i + 1, r->mode);
				sel->mode_set = true;
			}
			snprintf(source, sizeof(source), "selection rule %zu", i + 1);
			return set_profile(sel, r->profile, source, err);
		}
	}
	return set_profile(
	    sel, conf && conf->default_profile ? conf->default_profile : PAL_DEFAULT_PROFILE,
	    "default_profile", err);
}

void pal_selection_free(struct pal_selection *sel)
{
	free(sel->profile);
	*sel = (struct pal_selection){0};
}

int pal_select_profile(const struct pal_conf *conf, yajl_val spec, const char *override,
                       struct pal_profile *p, enum pal_mode *mode, pal_error *err)
{
	struct pal_selection sel = {0};
	int r;

	if (override) {
		if (set_profile(&sel, override, "override", err) < 0)
			return -1;
	} else if (pal_select(conf, spec, &sel, err) < 0) {
		return -1;
	}
	r = pal_profile_load(conf, sel.profile, p, err);
	if (r < 0) {
		/* where the name came from, so the fix is obvious */
		pal_err_prefix(err, "profile selected by %s", sel.source);
	} else {
		*mode = sel.mode_set ? sel.mode : p->mode;
	}
	pal_selection_free(&sel);
	return r;
}

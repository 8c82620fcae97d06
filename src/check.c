/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `palisade check` (check.h): the rewrite of create, run on copies of the
 * spec, reported instead of applied.
 *
 * Why two runs: in enforce mode the engine stops at the first refusal, so
 * one enforce run would hide every refusal after it; audit mode never
 * stops (pal_rule_refuse() records and goes on), so it lists them all.  The
 * verdict and the changes come from the mode asked for, which is what
 * create would do.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "palisade/check.h"
#include "palisade/cleanup.h"
#include "palisade/cli.h"
#include "palisade/diff.h"
#include "palisade/json.h"
#include "palisade/rewrite.h"
#include "palisade/select.h"
#include "palisade/spec.h"
#include "palisade/util.h"

#define USAGE "palisade check [--profile NAME] [--mode enforce|audit] [--json] BUNDLE|CONFIG.JSON"

enum verdict {
	COMPLIANT = 0,
	REWRITE = 1,
	REFUSE = 2,
};

static const char *const verdict_names[] = {"compliant", "rewrite", "refuse"};

struct opts {
	const char *profile; /* NULL: selected as create would */
	bool mode_set;
	enum pal_mode mode;
	bool json;
	bool help;
	const char *target;
};

struct refusal {
	bool policy; /* a profile's refusal (pal_rule_refuse), not a failure */
	char rule[32];
	char field[160];
	char msg[PAL_ERROR_MAX];
};

struct refusals {
	struct refusal *v;
	size_t n;
};

/* Everything one check owns, released in one place. */
struct check {
	char *bundle; /* directory, as named */
	int dirfd;
	yajl_val orig; /* config.json as read: never modified */
	struct pal_profile profile;
	enum pal_mode mode;
	yajl_val tree;            /* after the run in the mode asked for */
	yajl_val scratch;         /* after the audit run */
	struct pal_report report; /* of the run in the mode asked for */
	struct pal_report audit;  /* of the audit run */
	struct pal_diff diff;
	struct refusals refusals;
	bool refused;  /* the run in the mode asked for failed */
	pal_error why; /* ... with this error */
};

static void check_free(struct check *c)
{
	free(c->bundle);
	if (c->dirfd >= 0)
		(void)close(c->dirfd); /* a directory opened read-only */
	if (c->orig)
		yajl_tree_free(c->orig);
	if (c->tree)
		yajl_tree_free(c->tree);
	if (c->scratch)
		yajl_tree_free(c->scratch);
	pal_profile_free(&c->profile);
	pal_report_free(&c->report);
	pal_report_free(&c->audit);
	pal_diff_free(&c->diff);
	free(c->refusals.v);
}

/* ------------------------------------------------------------ arguments */

static int usage(pal_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage(pal_error *err, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return pal_err(err, 0, "check: %s; usage: " USAGE, why);
}


static int parse_args(int argc, char **argv, struct opts *o, pal_error *err)
{
	bool options = true;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing;

		if (options && !strcmp(a, "--")) {
			options = false;
			continue;
		}
		if (!options || a[0] != '-' || !a[1]) {
			if (o->target)
				return usage(err,
				             "one bundle or config.json only (\"%s\" is one too "
				             "many)",
				             a);
			o->target = a;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-help")) {
			o->help = true;
		} else if (!strcmp(a, "--json") || !strcmp(a, "-json")) {
			o->json = true;
		} else if ((v = pal_cli_option_value(argc, argv, &i, "profile", &missing)) || missing) {
			if (missing || !*v)
				return usage(err, "--profile needs a profile name");
			o->profile = v;
		} else if ((v = pal_cli_option_value(argc, argv, &i, "mode", &missing)) || missing) {
			if (missing || pal_mode_parse(v, &o->mode) < 0)
				return usage(err, "--mode needs \"enforce\" or \"audit\"");
			o->mode_set = true;
		} else {
			return usage(err, "unknown option \"%s\"", a);
		}
	}
	if (!o->target && !o->help)
		return usage(err, "which bundle or config.json?");
	return 0;
}

/* ------------------------------------------------------------ loading */

/* A bundle directory (its config.json, as create reads it) or a
 * config.json file anywhere (its directory is the bundle). */
static int load(struct check *c, const char *target, pal_error *err)
{
	struct stat st;

	if (stat(target, &st) < 0)
		return pal_err(err, errno, "check: %s", target);
	if (S_ISDIR(st.st_mode)) {
		_cleanup_spec_ struct pal_spec spec = PAL_SPEC_INIT;

		if (pal_spec_load(target, &spec, err) < 0)
			return pal_err_prefix(err, "check");
		c->bundle = steal_pointer(&spec.bundle);
		c->dirfd = steal_fd(&spec.dirfd);
		c->orig = steal_pointer(&spec.orig);
		return 0;
	}

	_cleanup_free_ char *buf = NULL;
	const char *slash = strrchr(target, '/');
	size_t len;

	if (slash == target)
		c->bundle = strdup("/");
	else if (slash)
		c->bundle = strndup(target, (size_t)(slash - target));
	else
		c->bundle = strdup(".");
	if (!c->bundle)
		return pal_err(err, ENOMEM, "check");
	c->dirfd = open(c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0)
		return pal_err(err, errno, "check: bundle %s", c->bundle);
	if (pal_read_file(AT_FDCWD, target, 0, PAL_SPEC_MAX_SIZE, &buf, &len, NULL, err) < 0 ||
	    pal_json_parse(buf, len, target, &c->orig, err) < 0)
		return pal_err_prefix(err, "check");
	return 0;
}

/* ------------------------------------------------------------ running */

/* The rewrite on a copy of the spec in MODE: *OUT is the copy as the
 * rules left it; a failure of the rules is returned as 1 with *WHY. */
static int run(const struct check *c, const struct pal_conf *conf, enum pal_mode mode,
               yajl_val *out, struct pal_report *report, pal_error *why, pal_error *err)
{
	const char *slash = strrchr(conf->runtime, '/');
	_cleanup_free_ char *self = realpath("/proc/self/exe", NULL);
	const struct pal_rewrite_ctx ctx = {
	    .cmd = PAL_CMD_NONE,
	    .id = NULL,
	    .bundle = c->bundle,
	    .bundle_fd = c->dirfd,
	    .profile = &c->profile,
	    .mode = mode,
	    .backend = slash ? slash + 1 : conf->runtime,
	    .report = report,
	    .self_exe = self, /* the hook create would write */
	};

	*out = pal_json_dup(c->orig);
	if (!*out)
		return pal_err(err, ENOMEM, "check");
	return pal_rewrite(&ctx, *out, why) < 0 ? 1 : 0;
}

/* Palisade's bookkeeping is not a change: put back in TREE what the
 * original had of the annotations the annotate rule writes. */
static int drop_bookkeeping(yajl_val orig, yajl_val tree, pal_error *err)
{
	static const char *const keys[] = {
	    PAL_ANNOTATION_VERSION,
	    PAL_ANNOTATION_APPLIED_PROFILE,
	    PAL_ANNOTATION_APPLIED_MODE,
	};
	yajl_val was = pal_json_get(orig, "annotations");
	yajl_val ann = pal_json_get(tree, "annotations");

	if (!YAJL_IS_OBJECT(ann))
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		yajl_val v = pal_json_get(was, keys[i]);
		if (!v) {
			pal_json_remove(ann, keys[i]);
			continue;
		}
		v = pal_json_dup(v);
		if (!v)
			return pal_err(err, ENOMEM, "check");
		if (pal_json_set(ann, keys[i], v, err) < 0)
			return -1;
	}
	if (!was && ann->u.object.len == 0)
		pal_json_remove(tree, "annotations");
	return 0;
}

static int add_refusal(struct refusals *r, bool policy, const char *rule, const char *field,
                       const char *msg, pal_error *err)
{
	struct refusal *v;

	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].rule, rule) && !strcmp(r->v[i].field, field) &&
		    !strcmp(r->v[i].msg, msg))
			return 0; /* audit_applies rules run twice in audit mode */
	v = realloc(r->v, (r->n + 1) * sizeof(*v));
	if (!v)
		return pal_err(err, ENOMEM, "check");
	r->v = v;
	v = &r->v[r->n++];
	v->policy = policy;
	snprintf(v->rule, sizeof(v->rule), "%s", rule);
	snprintf(v->field, sizeof(v->field), "%s", field);
	snprintf(v->msg, sizeof(v->msg), "%s", msg);
	return 0;
}

/* A rule that failed rather than refused through pal_rule_refuse()
 * (preflight, a malformed field): "rule NAME: [config.json: ]FIELD...". */
static int add_error(struct refusals *r, const char *text, pal_error *err)
{
	char rule[32] = "", field[160] = "";
	const char *p = text;
	size_t n;

	if (!strncmp(p, "rule ", 5) && (n = strcspn(p + 5, ": ")) < sizeof(rule) &&
	    !strncmp(p + 5 + n, ": ", 2)) {
		memcpy(rule, p + 5, n);
		rule[n] = '\0';
		p += 5 + n + 2;
	}
	if (!strncmp(p, PAL_SPEC_FILE ": ", strlen(PAL_SPEC_FILE) + 2))
		p += strlen(PAL_SPEC_FILE) + 2;
	/* a leading JSON path ("mounts[2].destination \"/x\": ...") is the field */
	n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]");
	if (n > 0 && n < sizeof(field) && (p[n] == ':' || p[n] == ' ')) {
		memcpy(field, p, n);
		field[n] = '\0';
	}
	return add_refusal(r, false, rule, field, p, err);
}

static int collect(struct check *c, const struct pal_conf *conf, pal_error *err)
{
	pal_error audit_why = {0};
	int r;

	r = run(c, conf, c->mode, &c->tree, &c->report, &c->why, err);
	if (r < 0)
		return -1;
	c->refused = r > 0;
	if (c->mode == PAL_MODE_ENFORCE) {
		r = run(c, conf, PAL_MODE_AUDIT, &c->scratch, &c->audit, &audit_why, err);
		if (r < 0)
			return -1;
	} else {
		audit_why = c->why;
	}
	const struct pal_report *all = c->mode == PAL_MODE_ENFORCE ? &c->audit : &c->report;
	for (size_t i = 0; i < all->n; i++) {
		const struct pal_finding *f = &all->items[i];
		if (f->refused &&
		    add_refusal(&c->refusals, true, f->rule, f->field, f->msg, err) < 0)
			return -1;
	}
	if (r > 0 && add_error(&c->refusals, audit_why.msg, err) < 0)
		return -1;
	/* an enforce failure that is neither a refusal the audit run saw nor
	 * its error (it cannot be, as the rules are the same: belt and braces) */
	if (c->refused && c->mode == PAL_MODE_ENFORCE) {
		bool seen = r > 0 && !strcmp(audit_why.msg, c->why.msg);
		for (size_t i = 0; i < c->report.n; i++)
			seen = seen || c->report.items[i].refused;
		if (!seen && add_error(&c->refusals, c->why.msg, err) < 0)
			return -1;
	}
	if (drop_bookkeeping(c->orig, c->tree, err) < 0)
		return -1;
	return pal_diff_trees(c->orig, c->tree, &c->diff, err);
}

static enum verdict verdict(const struct check *c)
{
	if (c->refused)
		return REFUSE;
	return c->diff.n > 0 ? REWRITE : COMPLIANT;
}

/* ------------------------------------------------------------ output */

/* Under HEADING the refusals that are POLICY ones or failures as asked;
 * "HEADING: nothing" when there are none and NOTHING is set. */
static void print_refusals(const struct check *c, FILE *f, const char *heading, bool policy,
                           bool nothing)
{
	bool audit = c->mode == PAL_MODE_AUDIT, first = true;

	for (size_t i = 0; i < c->refusals.n; i++) {
		const struct refusal *r = &c->refusals.v[i];
		if (audit && r->policy != policy)
			continue;
		if (first)
			fprintf(f, "%s:\n", heading);
		first = false;
		if (r->field[0])
			fprintf(f, "  %s (rule %s): %s\n", r->field, r->rule, r->msg);
		else if (r->rule[0])
			fprintf(f, "  (rule %s): %s\n", r->rule, r->msg);
		else
			fprintf(f, "  %s\n", r->msg);
	}
	if (first && nothing)
		fprintf(f, "%s: nothing\n", heading);
}

static int print_text(const struct check *c, FILE *f, pal_error *err)
{
	_cleanup_free_ char *diff = NULL, *bundle = pal_escape(c->bundle, 256);
	bool audit = c->mode == PAL_MODE_AUDIT;
	size_t len;

	if (!bundle)
		return pal_err(err, ENOMEM, "check");
	if (pal_diff_text(&c->diff, "  ", &diff, &len, err) < 0)
		return -1;
	fprintf(f, "bundle %s: profile \"%s\", mode %s\n", bundle, c->profile.name,
	        pal_mode_name(c->mode));
	if (c->diff.n == 0)
		fprintf(f, "would change: nothing\n");
	else
		fprintf(f, "would change%s:\n%s",
		        c->refused && !audit ? " (the rules before the refusal)" : "", diff);
	/* in audit mode a profile's refusals are only logged: apart */
	print_refusals(c, f, "would refuse", !audit, true);
	if (audit)
		print_refusals(c, f, "enforce mode would refuse (audit mode logs it)", true, false);
	fprintf(f, "verdict: %s\n", verdict_names[verdict(c)]);
	return 0;
}

static int gen_ok(yajl_gen_status s, pal_error *err)
{
	return s == yajl_gen_status_ok ? 0 : pal_err(err, 0, "check: generating JSON");
}

static int gen_str(yajl_gen g, const char *s, pal_error *err)
{
	return gen_ok(yajl_gen_string(g, (const unsigned char *)s, strlen(s)), err);
}

static int print_json(const struct check *c, FILE *f, pal_error *err)
{
	_cleanup_yajl_gen_ yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g || !yajl_gen_config(g, yajl_gen_validate_utf8, 1))
		return pal_err(err, ENOMEM, "check: JSON generator");
	if (gen_ok(yajl_gen_map_open(g), err) < 0 || gen_str(g, "profile", err) < 0 ||
	    gen_str(g, c->profile.name, err) < 0 || gen_str(g, "mode", err) < 0 ||
	    gen_str(g, pal_mode_name(c->mode), err) < 0 || gen_str(g, "verdict", err) < 0 ||
	    gen_str(g, verdict_names[verdict(c)], err) < 0 || gen_str(g, "changes", err) < 0 ||
	    pal_diff_gen(&c->diff, g, err) < 0 || gen_str(g, "refusals", err) < 0 ||
	    gen_ok(yajl_gen_array_open(g), err) < 0)
		return -1;
	for (size_t i = 0; i < c->refusals.n; i++) {
		const struct refusal *r = &c->refusals.v[i];
		if (gen_ok(yajl_gen_map_open(g), err) < 0 || gen_str(g, "rule", err) < 0 ||
		    gen_str(g, r->rule, err) < 0 || gen_str(g, "field", err) < 0 ||
		    gen_str(g, r->field, err) < 0 || gen_str(g, "message", err) < 0 ||
		    gen_str(g, r->msg, err) < 0 || gen_ok(yajl_gen_map_close(g), err) < 0)
			return -1;
	}
	if (gen_ok(yajl_gen_array_close(g), err) < 0 || gen_ok(yajl_gen_map_close(g), err) < 0 ||
	    gen_ok(yajl_gen_get_buf(g, &buf, &len), err) < 0)
		return -1;
	fwrite(buf, 1, len, f);
	fputc('\n', f);
	return 0;
}

/* ------------------------------------------------------------ main */

int pal_check_main(const struct pal_conf *conf, int argc, char **argv, pal_error *err)
{
	struct check c = {.dirfd = -1};
	struct opts o = {0};
	int r = -1;

	if (parse_args(argc, argv, &o, err) < 0)
		return -1;
	if (o.help) {
		if (printf("Usage: " USAGE "\n\n"
		           "Show what Palisade would change in a bundle's config.json and what it\n"
		           "would refuse, touching nothing.  Exit status: 0 compliant, 1 would\n"
		           "rewrite, 2 would refuse.\n") < 0 ||
		    fflush(stdout) != 0)
			return pal_err(err, errno, "check: writing the usage");
		return 0;
	}
	if (load(&c, o.target, err) < 0)
		goto out;
	if (pal_select_profile(conf, c.orig, o.profile, &c.profile, &c.mode, err) < 0) {
		pal_err_prefix(err, "check: bundle %s", c.bundle);
		goto out;
	}
	if (o.mode_set)
		c.mode = o.mode;
	if (collect(&c, conf, err) < 0 ||
	    (o.json ? print_json(&c, stdout, err) : print_text(&c, stdout, err)) < 0)
		goto out;
	if (ferror(stdout) || fflush(stdout) != 0) {
		pal_err(err, errno ? errno : EIO, "check: writing the report");
		goto out;
	}
	r = (int)verdict(&c);
out:
	check_free(&c);
	return r;
}

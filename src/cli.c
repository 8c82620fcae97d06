/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runc's command line, scanned the way runc 1.1.5 parses it.
 *
 * runc 1.1.5 is urfave/cli v1.22 on top of Go's flag package:
 *
 * 1. The global options are parsed by Go's flag package straight from
 *    argv[1]; the first word that is not an option (or the word after "--")
 *    is the command.  A global option placed after the command word is the
 *    command's business, and no command defines one ("runc create --root x"
 *    is "flag provided but not defined: -root").
 * 2. Global --help or --version ends it: runc prints help or its version and
 *    never parses the command's options ("runc --help create --bogus" exits 0).
 * 3. The command's words are reordered (urfave's reorderArgs, see
 *    reorder_next()) unless the command sets SkipArgReorder, which runc's exec
 *    and ps do; then Go's flag package parses the result and the words left
 *    over are the positional arguments.
 * 4. urfave's normalizeFlags then refuses both spellings of one option
 *    ("-b x --bundle y": "Cannot use two forms of the same flag: b bundle").
 *
 * Every behaviour noted "verified" was checked against /usr/sbin/runc 1.1.5
 * (Debian 12) with --root pointing at an empty directory.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "palisade/cli.h"

enum opt_kind {
	OPT_BOOL,  /* Go's flag.Bool: never takes the next word */
	OPT_VALUE, /* string, int, duration: "-x v" or "-x=v"; the last one wins */
	OPT_LIST,  /* StringSlice, Int64Slice: as OPT_VALUE, every occurrence counts */
};

struct opt_def {
	const char *name;  /* canonical long name */
	const char *alias; /* runc's second spelling ("b" for "bundle"), or NULL */
	enum opt_kind kind;
};

struct cmd_def {
	const char *name;
	const char *alias; /* "h" for help, the only command alias runc has */
	enum pal_cmd cmd;
	/* SkipArgReorder: options stop at the first positional word */
	bool no_reorder;
	const struct opt_def *opts;
	size_t n_opts;
};

/* One option a line: clang-format would indent these braced lists by four
 * spaces or pack them two a line. */
/* clang-format off */

/* urfave/cli appends its help flag to the app and to every command, after
 * the command's own options (the order matters for the two-forms check). */
#define OPT_HELP {"help", "h", OPT_BOOL}

static const struct opt_def global_opts[] = {
	{"debug", NULL, OPT_BOOL},
	{"log", NULL, OPT_VALUE},
	{"log-format", NULL, OPT_VALUE},
	{"root", NULL, OPT_VALUE},
	{"criu", NULL, OPT_VALUE},
	{"systemd-cgroup", NULL, OPT_BOOL},
	{"rootless", NULL, OPT_VALUE}, /* a string ("true", "false", "auto") */
	OPT_HELP,
	{"version", "v", OPT_BOOL},
};

static const struct opt_def checkpoint_opts[] = {
	{"image-path", NULL, OPT_VALUE},
	{"work-path", NULL, OPT_VALUE},
	{"parent-path", NULL, OPT_VALUE},
	{"leave-running", NULL, OPT_BOOL},
	{"tcp-established", NULL, OPT_BOOL},
	{"ext-unix-sk", NULL, OPT_BOOL},
	{"shell-job", NULL, OPT_BOOL},
	{"lazy-pages", NULL, OPT_BOOL},
	{"status-fd", NULL, OPT_VALUE},
	{"page-server", NULL, OPT_VALUE},
	{"file-locks", NULL, OPT_BOOL},
	{"pre-dump", NULL, OPT_BOOL},
	{"manage-cgroups-mode", NULL, OPT_VALUE},
	{"empty-ns", NULL, OPT_LIST},
	{"auto-dedup", NULL, OPT_BOOL},
	OPT_HELP,
};

static const struct opt_def create_opts[] = {
	{"bundle", "b", OPT_VALUE},
	{"console-socket", NULL, OPT_VALUE},
	{"pid-file", NULL, OPT_VALUE},
	{"no-pivot", NULL, OPT_BOOL},
	{"no-new-keyring", NULL, OPT_BOOL},
	{"preserve-fds", NULL, OPT_VALUE},
	OPT_HELP,
};

static const struct opt_def delete_opts[] = {
	{"force", "f", OPT_BOOL},
	OPT_HELP,
};

static const struct opt_def events_opts[] = {
	{"interval", NULL, OPT_VALUE},
	{"stats", NULL, OPT_BOOL},
	OPT_HELP,
};

static const struct opt_def exec_opts[] = {
	{"console-socket", NULL, OPT_VALUE},
	{"cwd", NULL, OPT_VALUE},
	{"env", "e", OPT_LIST},
	{"tty", "t", OPT_BOOL},
	{"user", "u", OPT_VALUE},
	{"additional-gids", "g", OPT_LIST},
	{"process", "p", OPT_VALUE},
	{"detach", "d", OPT_BOOL},
	{"pid-file", NULL, OPT_VALUE},
	{"process-label", NULL, OPT_VALUE},
	{"apparmor", NULL, OPT_VALUE},
	{"no-new-privs", NULL, OPT_BOOL},
	{"cap", "c", OPT_LIST},
	{"preserve-fds", NULL, OPT_VALUE},
	{"cgroup", NULL, OPT_LIST},
	{"ignore-paused", NULL, OPT_BOOL},
	OPT_HELP,
};

static const struct opt_def kill_opts[] = {
	{"all", "a", OPT_BOOL},
	OPT_HELP,
};

static const struct opt_def list_opts[] = {
	{"format", "f", OPT_VALUE},
	{"quiet", "q", OPT_BOOL},
	OPT_HELP,
};

static const struct opt_def ps_opts[] = {
	{"format", "f", OPT_VALUE},
	OPT_HELP,
};

static const struct opt_def restore_opts[] = {
	{"console-socket", NULL, OPT_VALUE},
	{"image-path", NULL, OPT_VALUE},
	{"work-path", NULL, OPT_VALUE},
	{"tcp-established", NULL, OPT_BOOL},
	{"ext-unix-sk", NULL, OPT_BOOL},
	{"shell-job", NULL, OPT_BOOL},
	{"file-locks", NULL, OPT_BOOL},
	{"manage-cgroups-mode", NULL, OPT_VALUE},
	{"bundle", "b", OPT_VALUE},
	{"detach", "d", OPT_BOOL},
	{"pid-file", NULL, OPT_VALUE},
	{"no-subreaper", NULL, OPT_BOOL},
	{"no-pivot", NULL, OPT_BOOL},
	{"empty-ns", NULL, OPT_LIST},
	{"auto-dedup", NULL, OPT_BOOL},
	{"lazy-pages", NULL, OPT_BOOL},
	{"lsm-profile", NULL, OPT_VALUE},
	{"lsm-mount-context", NULL, OPT_VALUE},
	OPT_HELP,
};

static const struct opt_def run_opts[] = {
	{"bundle", "b", OPT_VALUE},
	{"console-socket", NULL, OPT_VALUE},
	{"detach", "d", OPT_BOOL},
	{"keep", NULL, OPT_BOOL},
	{"pid-file", NULL, OPT_VALUE},
	{"no-subreaper", NULL, OPT_BOOL},
	{"no-pivot", NULL, OPT_BOOL},
	{"no-new-keyring", NULL, OPT_BOOL},
	{"preserve-fds", NULL, OPT_VALUE},
	OPT_HELP,
};

static const struct opt_def spec_opts[] = {
	{"bundle", "b", OPT_VALUE},
	{"rootless", NULL, OPT_BOOL}, /* unlike the global --rootless, a bool */
	OPT_HELP,
};

static const struct opt_def update_opts[] = {
	{"resources", "r", OPT_VALUE},
	{"blkio-weight", NULL, OPT_VALUE},
	{"cpu-period", NULL, OPT_VALUE},
	{"cpu-quota", NULL, OPT_VALUE},
	{"cpu-share", NULL, OPT_VALUE},
	{"cpu-rt-period", NULL, OPT_VALUE},
	{"cpu-rt-runtime", NULL, OPT_VALUE},
	{"cpuset-cpus", NULL, OPT_VALUE},
	{"cpuset-mems", NULL, OPT_VALUE},
	/* hidden (not in --help) but accepted: verified with
	 * "runc update --kernel-memory" -> "flag needs an argument" */
	{"kernel-memory", NULL, OPT_VALUE},
	{"kernel-memory-tcp", NULL, OPT_VALUE},
	{"memory", NULL, OPT_VALUE},
	{"memory-reservation", NULL, OPT_VALUE},
	{"memory-swap", NULL, OPT_VALUE},
	{"pids-limit", NULL, OPT_VALUE},
	{"l3-cache-schema", NULL, OPT_VALUE},
	{"mem-bw-schema", NULL, OPT_VALUE},
	OPT_HELP,
};

/* features, pause, resume, start, state and help take only --help */
static const struct opt_def help_only_opts[] = {
	OPT_HELP,
};

#define OPTS(a) (a), (sizeof(a) / sizeof((a)[0]))

static const struct cmd_def cmds[] = {
	{"checkpoint", NULL, PAL_CMD_CHECKPOINT, false, OPTS(checkpoint_opts)},
	{"create", NULL, PAL_CMD_CREATE, false, OPTS(create_opts)},
	{"delete", NULL, PAL_CMD_DELETE, false, OPTS(delete_opts)},
	{"events", NULL, PAL_CMD_EVENTS, false, OPTS(events_opts)},
	/* exec and ps set SkipArgReorder: the words after the container id are
	 * the command to run or ps(1)'s options.  Verified: "runc exec ID --help"
	 * and "runc ps ID --help" look the container up instead of helping,
	 * while every other command prints its help. */
	{"exec", NULL, PAL_CMD_EXEC, true, OPTS(exec_opts)},
	{"features", NULL, PAL_CMD_FEATURES, false, OPTS(help_only_opts)},
	{"kill", NULL, PAL_CMD_KILL, false, OPTS(kill_opts)},
	{"list", NULL, PAL_CMD_LIST, false, OPTS(list_opts)},
	{"pause", NULL, PAL_CMD_PAUSE, false, OPTS(help_only_opts)},
	{"ps", NULL, PAL_CMD_PS, true, OPTS(ps_opts)},
	{"restore", NULL, PAL_CMD_RESTORE, false, OPTS(restore_opts)},
	{"resume", NULL, PAL_CMD_RESUME, false, OPTS(help_only_opts)},
	{"run", NULL, PAL_CMD_RUN, false, OPTS(run_opts)},
	{"spec", NULL, PAL_CMD_SPEC, false, OPTS(spec_opts)},
	{"start", NULL, PAL_CMD_START, false, OPTS(help_only_opts)},
	{"state", NULL, PAL_CMD_STATE, false, OPTS(help_only_opts)},
	{"update", NULL, PAL_CMD_UPDATE, false, OPTS(update_opts)},
	{"help", "h", PAL_CMD_HELP, false, OPTS(help_only_opts)},
};

static const struct cmd_def global_def = {"", NULL, PAL_CMD_NONE, true, OPTS(global_opts)};
/* clang-format on */

/* ------------------------------------------------------------ messages */

/* Copy S (at most LEN bytes) into OUT for an error message: runc's messages
 * quote argv words, which are attacker-chosen and end up on a terminal and in
 * log files, so bytes outside printable ASCII become \xNN. */
static const char *esc(char *out, size_t outsz, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = c >= 0x20 && c < 0x7f && c != '\\' && c != '"';

		if (o + (plain ? 1 : 4) + 4 > outsz) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (plain) {
			out[o++] = (char)c;
		} else if (c == '\\' || c == '"') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	out[o] = '\0';
	return out;
}

#define ESC_MAX 256

/* ------------------------------------------------------------ tables */

static bool name_is(const char *want, const char *name, size_t len)
{
	return want && strlen(want) == len && memcmp(want, name, len) == 0;
}

static const struct opt_def *opt_lookup(const struct cmd_def *def, const char *name, size_t len)
{
	for (size_t i = 0; i < def->n_opts; i++)
		if (name_is(def->opts[i].name, name, len) || name_is(def->opts[i].alias, name, len))
			return &def->opts[i];
	return NULL;
}

static const struct cmd_def *cmd_lookup(const char *word)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, word) || (cmds[i].alias && !strcmp(cmds[i].alias, word)))
			return &cmds[i];
	return NULL;
}

/* ------------------------------------------------------------ word streams */

/*
 * The words Go's flag package sees, in the order it sees them, as argv
 * indexes.  Without reordering that is argv[start..end) as given.
 *
 * With reordering it is what urfave/cli v1.22's reorderArgs makes of them,
 * computed on the fly so that no buffer bounds the vector's length.
 * reorderArgs walks the words once and sorts each into "flags" (moved to
 * the front) or "rest":
 *
 *  - right after a flag word without "=", the next word is the flag's
 *    possible value and moves with it, whatever it is, unless it is itself
 *    one of the command's flags: even "--" ("runc create id -b --" uses the
 *    bundle "--"), even after a boolean ("runc kill ID --all 9" becomes
 *    "--all 9 ID", so the container is "9": verified, "runc kill a/b --all
 *    9" says "container does not exist", not "invalid container ID format");
 *  - "--" ends the walk; it goes to the head of the rest, and everything
 *    after it follows unchanged ("runc kill a/b -- b/c" has two positional
 *    arguments, verified: no "Incorrect Usage");
 *  - a word naming one of the command's flags (argIsFlag, below) is a flag;
 *  - anything else, unknown "-x" words included, is rest: so "runc create id
 *    --bogus" has the positional arguments "id --bogus" (runc: "Incorrect
 *    Usage." from its argument count check, not a flag error; verified).
 *
 * A dangling value option at the very end therefore takes the first
 * positional word as its value: "runc create id -b" is -b id with no
 * container id (verified: "Incorrect Usage.", not "flag needs an argument").
 */
struct stream {
	char **argv;
	const struct cmd_def *def;
	int start, end; /* argv[start..end) */
	bool reorder;
	int delim;      /* argv index of the "--" that ended reorderArgs' walk, or -1 */
	int phase;      /* reorder: 0 flags, 1 the "--", 2 rest, 3 after "--" */
	int pos;        /* next argv index to look at */
	bool may_value; /* reorderArgs' nextIndexMayContainValue, within a phase */
	int peeked;     /* argv index of the next word, -1 before peeking */
};

/* urfave/cli's argIsFlag: strip "--" and then one more "-" if present (so
 * "---bundle" counts, and then fails in Go's parser with "bad flag syntax";
 * verified), or a single "-"; cut at the first "="; compare with the
 * command's names.  A lone "-" is never a flag. */
static bool arg_is_flag(const struct cmd_def *def, const char *arg)
{
	size_t n = 0;

	if (arg[0] != '-')
		return false;
	if (arg[1] == '-')
		n = 2;
	if (arg[n] == '-')
		n++;
	return opt_lookup(def, arg + n, strcspn(arg + n, "=")) != NULL;
}

enum word_class { WORD_FLAG, WORD_REST, WORD_DELIM };

/* One step of reorderArgs' walk over argv[i]. */
static enum word_class classify(struct stream *st, int i)
{
	const char *arg = st->argv[i];

	if (st->may_value && !arg_is_flag(st->def, arg)) {
		st->may_value = false;
		return WORD_FLAG;
	}
	if (!strcmp(arg, "--"))
		return WORD_DELIM;
	if (arg_is_flag(st->def, arg)) {
		st->may_value = strchr(arg, '=') == NULL;
		return WORD_FLAG;
	}
	return WORD_REST;
}

static void stream_init(struct stream *st, char **argv, const struct cmd_def *def, int start,
                        int end, bool reorder)
{
	*st = (struct stream){.argv = argv,
	                      .def = def,
	                      .start = start,
	                      .end = end,
	                      .reorder = reorder,
	                      .delim = -1,
	                      .pos = start,
	                      .peeked = -1};
	if (!reorder)
		return;
	for (int i = start; i < end; i++) {
		if (classify(st, i) == WORD_DELIM) {
			st->delim = i;
			break;
		}
	}
	st->may_value = false;
}

static int reorder_next(struct stream *st)
{
	int stop = st->delim >= 0 ? st->delim : st->end;

	for (;;) {
		switch (st->phase) {
		case 0: /* the flags and their values, in argv order */
		case 2: /* then the rest, in argv order */
			while (st->pos < stop) {
				int i = st->pos++;
				enum word_class c = classify(st, i);

				if ((c == WORD_FLAG) == (st->phase == 0))
					return i;
			}
			st->phase++;
			st->pos = st->start;
			st->may_value = false;
			break;
		case 1:
			st->phase++;
			if (st->delim >= 0)
				return st->delim;
			break;
		case 3:
			if (st->delim >= 0 && st->pos <= st->delim)
				st->pos = st->delim + 1;
			if (st->delim >= 0 && st->pos < st->end)
				return st->pos++;
			return -1;
		default:
			return -1;
		}
	}
}

/* The argv index of the next word, without consuming it; -1 at the end. */
static int stream_peek(struct stream *st)
{
	if (st->peeked >= 0)
		return st->peeked;
	if (st->reorder)
		st->peeked = reorder_next(st);
	else
		st->peeked = st->pos < st->end ? st->pos++ : -1;
	return st->peeked;
}

static int stream_next(struct stream *st)
{
	int i = stream_peek(st);

	st->peeked = -1;
	return i;
}

/* ------------------------------------------------------------ options */

static int add_opt(struct pal_cli *cli, const struct opt_def *opt, const char *value, int argi,
                   int valuei, bool global, pal_error *err)
{
	struct pal_cli_opt *o;

	if (cli->n_opts >= PAL_CLI_MAX_OPTS)
		return pal_err(err, 0, "too many options: more than %d", PAL_CLI_MAX_OPTS);
	o = &cli->opts[cli->n_opts++];
	o->name = opt->name;
	o->value = value;
	o->argi = argi;
	o->valuei = valuei;
	o->global = global;
	return 0;
}

/* strconv.ParseBool, which Go's flag.Bool uses: exactly these spellings. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]))
			return 1;
		if (!strcmp(s, no[i]))
			return 0;
	}
	return -1;
}

/*
 * Go's FlagSet.Parse over the stream: options until the first word that is
 * not one ("-" alone is not) or until "--", which it consumes.  The messages
 * are Go's, always with one dash and the name as written: "flag needs an
 * argument: -bundle" for "--bundle" (verified).  Values of numeric and
 * duration options are not checked: runc refuses a bad one, and a vector we
 * accept that runc then refuses fails in runc.
 */
static int parse_opts(struct pal_cli *cli, struct stream *st, bool global, pal_error *err)
{
	char e1[ESC_MAX], e2[ESC_MAX];

	for (;;) {
		int argi = stream_peek(st);
		const char *s, *name, *eq;
		const struct opt_def *opt;
		size_t len;
		int rc;

		if (argi < 0)
			return 0;
		s = st->argv[argi];
		if (s[0] != '-' || s[1] == '\0')
			return 0;
		name = s + 1;
		if (name[0] == '-') {
			if (name[1] == '\0') {
				stream_next(st);
				return 0;
			}
			name++;
		}
		if (name[0] == '\0' || name[0] == '-' || name[0] == '=')
			return pal_err(err, 0, "bad flag syntax: %s",
			               esc(e1, sizeof(e1), s, strlen(s)));
		stream_next(st);

		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		opt = opt_lookup(st->def, name, len);
		if (!opt)
			return pal_err(err, 0, "flag provided but not defined: -%s",
			               esc(e1, sizeof(e1), name, len));

		if (opt->kind == OPT_BOOL) {
			int b = eq ? parse_bool(eq + 1) : 1;

			if (b < 0)
				return pal_err(err, 0,
				               "invalid boolean value \"%s\" for -%s: parse error",
				               esc(e1, sizeof(e1), eq + 1, strlen(eq + 1)),
				               esc(e2, sizeof(e2), name, len));
			rc = add_opt(cli, opt, b ? "true" : "false", argi, argi, global, err);
		} else if (eq) {
			rc = add_opt(cli, opt, eq + 1, argi, argi, global, err);
		} else {
			/* Go takes the next word whatever it looks like:
			 * "--bundle -x" is the bundle "-x" (verified). */
			int vi = stream_next(st);

			if (vi < 0)
				return pal_err(err, 0, "flag needs an argument: -%s",
				               esc(e1, sizeof(e1), name, len));
			rc = add_opt(cli, opt, st->argv[vi], argi, vi, global, err);
		}
		if (rc < 0)
			return -1;
	}
}

/* The spelling used at OPT: the word's name without its dashes, up to "=". */
static bool spelled(char **argv, const struct pal_cli_opt *o, const char *name)
{
	const char *s = argv[o->argi] + 1;

	if (*s == '-')
		s++;
	return name_is(name, s, strcspn(s, "="));
}

/* urfave's normalizeFlags: an option given under both of its names is an
 * error, reported for the first such option in declaration order with the
 * names in declaration order reversed ("b bundle", "h help"; verified). */
static int check_two_forms(const struct pal_cli *cli, char **argv, const struct cmd_def *def,
                           bool global, pal_error *err)
{
	for (size_t d = 0; d < def->n_opts; d++) {
		const struct opt_def *opt = &def->opts[d];
		bool seen_name = false, seen_alias = false;

		if (!opt->alias)
			continue;
		for (int i = 0; i < cli->n_opts; i++) {
			const struct pal_cli_opt *o = &cli->opts[i];

			if (o->global != global || o->name != opt->name)
				continue;
			if (spelled(argv, o, opt->alias))
				seen_alias = true;
			else
				seen_name = true;
		}
		if (seen_name && seen_alias)
			return pal_err(err, 0, "Cannot use two forms of the same flag: %s %s",
			               opt->alias, opt->name);
	}
	return 0;
}

/* ------------------------------------------------------------ the parse */

int pal_cli_parse(int argc, char **argv, struct pal_cli *cli, pal_error *err)
{
	const struct cmd_def *def = NULL;
	struct stream st;
	pal_error perr;
	int rc, ci;

	if (!cli)
		return pal_err(err, 0, "no command line");
	memset(cli, 0, sizeof(*cli));
	cli->cmd_index = -1;
	if (argc < 1 || !argv)
		return pal_err(err, 0, "empty argument vector");
	for (int i = 0; i < argc; i++)
		if (!argv[i])
			return pal_err(err, 0, "argument %d is NULL", i);

	/* Global options: no reordering, the command word stops them. */
	stream_init(&st, argv, &global_def, 1, argc, false);
	rc = parse_opts(cli, &st, true, &perr);
	/* App.Run normalizes even after a parse error and reports that first:
	 * "runc -h --help --bogus" says "Cannot use two forms" (verified). */
	if (check_two_forms(cli, argv, &global_def, true, err) < 0)
		return -1;
	if (rc < 0) {
		if (err)
			*err = perr;
		return -1;
	}

	ci = stream_next(&st);
	if (ci >= 0) {
		cli->cmd_index = ci;
		cli->cmd_word = argv[ci];
		def = cmd_lookup(argv[ci]);
		cli->cmd = def ? def->cmd : PAL_CMD_UNKNOWN;
	}
	cli->help = pal_cli_get_bool(cli, "help", true) == 1;
	cli->version = pal_cli_get_bool(cli, "version", true) == 1;

	/* runc never parses the command's words when it only prints help or
	 * its version, or when it does not know the command ("No help topic
	 * for 'x'"): nothing there can make it fail. */
	if (ci < 0 || cli->help || cli->version || cli->cmd == PAL_CMD_UNKNOWN)
		return 0;

	stream_init(&st, argv, def, ci + 1, argc, !def->no_reorder);
	if (parse_opts(cli, &st, false, err) < 0)
		return -1;
	if (check_two_forms(cli, argv, def, false, err) < 0)
		return -1;
	for (int i = stream_next(&st); i >= 0; i = stream_next(&st)) {
		if (cli->n_args >= PAL_CLI_MAX_ARGS)
			return pal_err(err, 0, "too many arguments: more than %d",
			               PAL_CLI_MAX_ARGS);
		cli->args[cli->n_args] = argv[i];
		cli->argi[cli->n_args] = i;
		cli->n_args++;
	}
	cli->help = cli->help || pal_cli_get_bool(cli, "help", false) == 1;
	return 0;
}

const char *pal_cli_get(const struct pal_cli *cli, const char *name, bool global)
{
	for (int i = cli->n_opts - 1; i >= 0; i--)
		if (cli->opts[i].global == global && !strcmp(cli->opts[i].name, name))
			return cli->opts[i].value;
	return NULL;
}

int pal_cli_get_bool(const struct pal_cli *cli, const char *name, bool global)
{
	const char *v = pal_cli_get(cli, name, global);

	/* parse_opts stores booleans as exactly "true" or "false" */
	if (!v)
		return -1;
	if (!strcmp(v, "true"))
		return 1;
	if (!strcmp(v, "false"))
		return 0;
	return -1;
}

const char *pal_cli_cmd_name(enum pal_cmd cmd)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].name;
	return "";
}

const char *pal_cli_option_value(int argc, char **argv, int *i, const char *name,
				 bool *missing)
{
	const char *a = argv[*i] + 1 + (argv[*i][1] == '-');
	size_t n = strlen(name);

	*missing = false;
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runc command-line scanner against the argv real callers send
 * (containerd's go-runc, conmon, runc's own documentation) and against the
 * corner cases of runc 1.1.5's parsing.  Every expectation that is not
 * obvious was checked against /usr/sbin/runc 1.1.5; the comment says what
 * runc printed.
 */
#include "config.h"

#include "pal_test.h"

#include "palisade/cli.h"

#define MAX_WORDS 40
#define MAX_OPTS  12
#define MAX_ARGS  8

struct want_opt {
	const char *name;
	const char *value;
	int argi, valuei;
	bool global;
};

struct cli_case {
	const char *what;
	const char *argv[MAX_WORDS]; /* NULL-terminated */
	const char *error;           /* expected message, NULL for success */
	enum pal_cmd cmd;
	int cmd_index;
	struct want_opt opts[MAX_OPTS]; /* every occurrence, in order */
	const char *args[MAX_ARGS];
	int argi[MAX_ARGS];
	bool help, version;
};

/* FMT must be a literal: the case's name is prepended to it */
#define CASE_FAIL(c, fmt, ...) fail_msg("case \"%s\": " fmt, (c)->what, ##__VA_ARGS__)

static int count_words(const char *const *v, int max)
{
	int n = 0;

	while (n < max && v[n])
		n++;
	return n;
}

static void check_case(const struct cli_case *c)
{
	struct pal_cli *cli = calloc(1, sizeof(*cli));
	pal_error err = {0};
	int argc = count_words(c->argv, MAX_WORDS);
	int n_opts = 0, n_args;
	int rc;

	assert_non_null(cli);
	rc = pal_cli_parse(argc, (char **)c->argv, cli, &err);
	if (c->error) {
		if (rc != -1)
			CASE_FAIL(c, "parse succeeded, expected \"%s\"", c->error);
		if (strcmp(err.msg, c->error))
			CASE_FAIL(c, "error \"%s\", expected \"%s\"", err.msg, c->error);
		free(cli);
		return;
	}
	if (rc != 0)
		CASE_FAIL(c, "parse failed: %s", err.msg);
	if (cli->cmd != c->cmd)
		CASE_FAIL(c, "cmd %d, expected %d", cli->cmd, c->cmd);
	if (cli->cmd_index != c->cmd_index)
		CASE_FAIL(c, "cmd_index %d, expected %d", cli->cmd_index, c->cmd_index);
	if (c->cmd_index >= 0 && cli->cmd_word != c->argv[c->cmd_index])
		CASE_FAIL(c, "cmd_word is not argv[%d]", c->cmd_index);
	if (cli->help != c->help || cli->version != c->version)
		CASE_FAIL(c, "help %d version %d", cli->help, cli->version);

	while (n_opts < MAX_OPTS && c->opts[n_opts].name)
		n_opts++;
	if (cli->n_opts != n_opts)
		CASE_FAIL(c, "%d options, expected %d", cli->n_opts, n_opts);
	for (int i = 0; i < n_opts; i++) {
		const struct want_opt *w = &c->opts[i];
		const struct pal_cli_opt *o = &cli->opts[i];

		if (strcmp(o->name, w->name) || strcmp(o->value, w->value) || o->argi != w->argi ||
		    o->valuei != w->valuei || o->global != w->global)
			CASE_FAIL(
			    c, "option %d is %s=\"%s\" @%d/%d %s, expected %s=\"%s\" @%d/%d %s", i,
			    o->name, o->value, o->argi, o->valuei, o->global ? "global" : "cmd",
			    w->name, w->value, w->argi, w->valuei, w->global ? "global" : "cmd");
		/* a value held in a word of its own IS that word */
		if (o->valuei != o->argi && o->value != c->argv[o->valuei])
			CASE_FAIL(c, "option %d value is not argv[%d]", i, o->valuei);
	}

	n_args = count_words(c->args, MAX_ARGS);
	if (cli->n_args != n_args)
		CASE_FAIL(c, "%d args, expected %d", cli->n_args, n_args);
	for (int i = 0; i < n_args; i++) {
		if (strcmp(cli->args[i], c->args[i]) || cli->argi[i] != c->argi[i])
			CASE_FAIL(c, "arg %d is \"%s\"@%d, expected \"%s\"@%d", i, cli->args[i],
			          cli->argi[i], c->args[i], c->argi[i]);
		if (cli->args[i] != c->argv[cli->argi[i]])
			CASE_FAIL(c, "arg %d is not argv[%d]", i, cli->argi[i]);
	}
	free(cli);
}

static void run_cases(const struct cli_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check_case(&cases[i]);
}

#define RUN_CASES(t) run_cases((t), sizeof(t) / sizeof((t)[0]))

/* ------------------------------------------------------------ containerd */

/* containerd's runc shim, through go-runc: the global options go first, then
 * the command and its options, then the id. */
#define CID     "3f2a9c0e5b7d41a8b6c2e9f0d1a3b5c7e9f1a2b3c4d5e6f708192a3b4c5d6e7f"
#define CROOT   "/run/containerd/runc/default"
#define CBUNDLE "/run/containerd/io.containerd.runtime.v2.task/default/" CID
#define CLOG    CBUNDLE "/log.json"
#define CPID    CBUNDLE "/init.pid"
#define CTRD    "palisade", "--root", CROOT, "--log", CLOG, "--log-format", "json"
/* clang-format off */
#define CTRD_OPTS \
	{"root", CROOT, 1, 2, true}, {"log", CLOG, 3, 4, true}, {"log-format", "json", 5, 6, true}
/* clang-format on */

/* clang-format off */
static const struct cli_case containerd_cases[] = {
	{
		.what = "containerd create",
		.argv = {CTRD, "create", "--bundle", CBUNDLE, "--pid-file", CPID, CID},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 7,
		.opts = {CTRD_OPTS, {"bundle", CBUNDLE, 8, 9, false}, {"pid-file", CPID, 10, 11, false}},
		.args = {CID},
		.argi = {12},
	},
	{
		.what = "containerd create with a terminal",
		.argv = {CTRD, "create", "--bundle", CBUNDLE, "--console-socket", "/tmp/pty.sock",
			 "--pid-file", CPID, CID},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 7,
		.opts = {CTRD_OPTS,
			 {"bundle", CBUNDLE, 8, 9, false},
			 {"console-socket", "/tmp/pty.sock", 10, 11, false},
			 {"pid-file", CPID, 12, 13, false}},
		.args = {CID},
		.argi = {14},
	},
	{
		.what = "containerd start",
		.argv = {CTRD, "start", CID},
		.cmd = PAL_CMD_START,
		.cmd_index = 7,
		.opts = {CTRD_OPTS},
		.args = {CID},
		.argi = {8},
	},
	{
		.what = "containerd delete",
		.argv = {CTRD, "delete", CID},
		.cmd = PAL_CMD_DELETE,
		.cmd_index = 7,
		.opts = {CTRD_OPTS},
		.args = {CID},
		.argi = {8},
	},
	{
		.what = "containerd delete --force",
		.argv = {CTRD, "delete", "--force", CID},
		.cmd = PAL_CMD_DELETE,
		.cmd_index = 7,
		.opts = {CTRD_OPTS, {"force", "true", 8, 8, false}},
		.args = {CID},
		.argi = {9},
	},
	{
		.what = "containerd exec",
		.argv = {CTRD, "exec", "--process", "/tmp/runc-process123", "--detach", "--pid-file",
			 "/run/exec.pid", CID},
		.cmd = PAL_CMD_EXEC,
		.cmd_index = 7,
		.opts = {CTRD_OPTS,
			 {"process", "/tmp/runc-process123", 8, 9, false},
			 {"detach", "true", 10, 10, false},
			 {"pid-file", "/run/exec.pid", 11, 12, false}},
		.args = {CID},
		.argi = {13},
	},
	{
		.what = "containerd kill",
		.argv = {CTRD, "kill", CID, "9"},
		.cmd = PAL_CMD_KILL,
		.cmd_index = 7,
		.opts = {CTRD_OPTS},
		.args = {CID, "9"},
		.argi = {8, 9},
	},
	{
		.what = "containerd kill --all",
		.argv = {CTRD, "kill", "--all", CID, "9"},
		.cmd = PAL_CMD_KILL,
		.cmd_index = 7,
		.opts = {CTRD_OPTS, {"all", "true", 8, 8, false}},
		.args = {CID, "9"},
		.argi = {9, 10},
	},
	{
		.what = "containerd state",
		.argv = {CTRD, "state", CID},
		.cmd = PAL_CMD_STATE,
		.cmd_index = 7,
		.opts = {CTRD_OPTS},
		.args = {CID},
		.argi = {8},
	},
	{
		.what = "containerd ps",
		.argv = {CTRD, "ps", "--format", "json", CID},
		.cmd = PAL_CMD_PS,
		.cmd_index = 7,
		.opts = {CTRD_OPTS, {"format", "json", 8, 9, false}},
		.args = {CID},
		.argi = {10},
	},
	{
		.what = "containerd update from stdin",
		.argv = {CTRD, "update", "--resources", "-", CID},
		.cmd = PAL_CMD_UPDATE,
		.cmd_index = 7,
		.opts = {CTRD_OPTS, {"resources", "-", 8, 9, false}},
		.args = {CID},
		.argi = {10},
	},
	{
		.what = "containerd pause",
		.argv = {CTRD, "pause", CID},
		.cmd = PAL_CMD_PAUSE,
		.cmd_index = 7,
		.opts = {CTRD_OPTS},
		.args = {CID},
		.argi = {8},
	},
	{
		.what = "containerd resume",
		.argv = {CTRD, "resume", CID},
		.cmd = PAL_CMD_RESUME,
		.cmd_index = 7,
		.opts = {CTRD_OPTS},
		.args = {CID},
		.argi = {8},
	},
	{
		.what = "containerd features",
		.argv = {CTRD, "features"},
		.cmd = PAL_CMD_FEATURES,
		.cmd_index = 7,
		.opts = {CTRD_OPTS},
	},
};
/* clang-format on */

static void test_containerd(void **state)
{
	(void)state;
	RUN_CASES(containerd_cases);
}

/* ------------------------------------------------------------ conmon */

#define PID     "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
#define PBUNDLE "/var/lib/containers/storage/overlay-containers/" PID "/userdata"
#define PPIDF   "/run/containers/storage/overlay-containers/" PID "/userdata/pidfile"
#define PLOG    "/var/lib/containers/storage/overlay-containers/" PID "/userdata/oci-log"
#define PSOCK   "/var/lib/containers/storage/overlay-containers/" PID "/userdata/attach"

/* clang-format off */
static const struct cli_case conmon_cases[] = {
	{
		.what = "conmon create",
		.argv = {"palisade", "--root", "/run/runc", "create", "--bundle", PBUNDLE,
			 "--pid-file", PPIDF, PID},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 3,
		.opts = {{"root", "/run/runc", 1, 2, true},
			 {"bundle", PBUNDLE, 4, 5, false},
			 {"pid-file", PPIDF, 6, 7, false}},
		.args = {PID},
		.argi = {8},
	},
	{
		.what = "conmon create, systemd cgroups and a json log",
		.argv = {"palisade", "--systemd-cgroup", "--root", "/run/runc", "--log-format",
			 "json", "--log", PLOG, "create", "--bundle", PBUNDLE, "--pid-file", PPIDF,
			 PID},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 8,
		.opts = {{"systemd-cgroup", "true", 1, 1, true},
			 {"root", "/run/runc", 2, 3, true},
			 {"log-format", "json", 4, 5, true},
			 {"log", PLOG, 6, 7, true},
			 {"bundle", PBUNDLE, 9, 10, false},
			 {"pid-file", PPIDF, 11, 12, false}},
		.args = {PID},
		.argi = {13},
	},
	{
		.what = "conmon create, = spellings, terminal, no-new-keyring",
		.argv = {"palisade", "--root=/run/runc", "--systemd-cgroup", "--log-format=json",
			 "--log", PLOG, "create", "--bundle", PBUNDLE, "--pid-file", PPIDF,
			 "--no-new-keyring", "--console-socket", "/tmp/conmon-term.sock", PID},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 6,
		.opts = {{"root", "/run/runc", 1, 1, true},
			 {"systemd-cgroup", "true", 2, 2, true},
			 {"log-format", "json", 3, 3, true},
			 {"log", PLOG, 4, 5, true},
			 {"bundle", PBUNDLE, 7, 8, false},
			 {"pid-file", PPIDF, 9, 10, false},
			 {"no-new-keyring", "true", 11, 11, false},
			 {"console-socket", "/tmp/conmon-term.sock", 12, 13, false}},
		.args = {PID},
		.argi = {14},
	},
	{
		.what = "conmon start",
		.argv = {"palisade", "--root", "/run/runc", "start", PID},
		.cmd = PAL_CMD_START,
		.cmd_index = 3,
		.opts = {{"root", "/run/runc", 1, 2, true}},
		.args = {PID},
		.argi = {4},
	},
	{
		.what = "conmon delete --force",
		.argv = {"palisade", "--root", "/run/runc", "delete", "--force", PID},
		.cmd = PAL_CMD_DELETE,
		.cmd_index = 3,
		.opts = {{"root", "/run/runc", 1, 2, true}, {"force", "true", 4, 4, false}},
		.args = {PID},
		.argi = {5},
	},
	{
		.what = "conmon exec",
		.argv = {"palisade", "--root", "/run/runc", "exec", "--pid-file", "/tmp/exec-pid",
			 "--process", "/tmp/exec-process-1", "--detach", "--tty", "--console-socket",
			 PSOCK, PID},
		.cmd = PAL_CMD_EXEC,
		.cmd_index = 3,
		.opts = {{"root", "/run/runc", 1, 2, true},
			 {"pid-file", "/tmp/exec-pid", 4, 5, false},
			 {"process", "/tmp/exec-process-1", 6, 7, false},
			 {"detach", "true", 8, 8, false},
			 {"tty", "true", 9, 9, false},
			 {"console-socket", PSOCK, 10, 11, false}},
		.args = {PID},
		.argi = {12},
	},
	{
		.what = "conmon kill by signal name",
		.argv = {"palisade", "--root", "/run/runc", "kill", PID, "KILL"},
		.cmd = PAL_CMD_KILL,
		.cmd_index = 3,
		.opts = {{"root", "/run/runc", 1, 2, true}},
		.args = {PID, "KILL"},
		.argi = {4, 5},
	},
	{
		.what = "conmon state",
		.argv = {"palisade", "--root", "/run/runc", "state", PID},
		.cmd = PAL_CMD_STATE,
		.cmd_index = 3,
		.opts = {{"root", "/run/runc", 1, 2, true}},
		.args = {PID},
		.argi = {4},
	},
	{
		.what = "conmon --version",
		.argv = {"palisade", "--version"},
		.cmd = PAL_CMD_NONE,
		.cmd_index = -1,
		.opts = {{"version", "true", 1, 1, true}},
		.version = true,
	},
};
/* clang-format on */

static void test_conmon(void **state)
{
	(void)state;
	RUN_CASES(conmon_cases);
}

/* ------------------------------------------------------------ runc's docs */

/* clang-format off */
static const struct cli_case docs_cases[] = {
	{
		.what = "run -b bundle",
		.argv = {"runc", "run", "-b", "bundle", "mycontainer"},
		.cmd = PAL_CMD_RUN,
		.cmd_index = 1,
		.opts = {{"bundle", "bundle", 2, 3, false}},
		.args = {"mycontainer"},
		.argi = {4},
	},
	{
		.what = "run --detach",
		.argv = {"runc", "run", "--detach", "mycontainer"},
		.cmd = PAL_CMD_RUN,
		.cmd_index = 1,
		.opts = {{"detach", "true", 2, 2, false}},
		.args = {"mycontainer"},
		.argi = {3},
	},
	{
		.what = "spec --rootless is spec's boolean, not the global string",
		.argv = {"runc", "spec", "--rootless"},
		.cmd = PAL_CMD_SPEC,
		.cmd_index = 1,
		.opts = {{"rootless", "true", 2, 2, false}},
	},
	{
		.what = "exec -t",
		.argv = {"runc", "exec", "-t", "id", "sh"},
		.cmd = PAL_CMD_EXEC,
		.cmd_index = 1,
		.opts = {{"tty", "true", 2, 2, false}},
		.args = {"id", "sh"},
		.argi = {3, 4},
	},
	{
		/* exec does not reorder: the words after the id are the command */
		.what = "exec id ls -l --all",
		.argv = {"runc", "exec", "id", "ls", "-l", "--all"},
		.cmd = PAL_CMD_EXEC,
		.cmd_index = 1,
		.args = {"id", "ls", "-l", "--all"},
		.argi = {2, 3, 4, 5},
	},
	{
		/* runc: "chdir /nonexistent: no such file or directory" */
		.what = "create id --bundle: option after the id",
		.argv = {"runc", "create", "id", "--bundle", "/b"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "/b", 3, 4, false}},
		.args = {"id"},
		.argi = {2},
	},
	{
		.what = "create --bundle=",
		.argv = {"runc", "create", "--bundle=/b", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "/b", 2, 2, false}},
		.args = {"id"},
		.argi = {3},
	},
	{
		.what = "create -b=",
		.argv = {"runc", "create", "-b=/b", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "/b", 2, 2, false}},
		.args = {"id"},
		.argi = {3},
	},
	{
		.what = "single-dash long options",
		.argv = {"runc", "-debug", "create", "-bundle", "/b", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 2,
		.opts = {{"debug", "true", 1, 1, true}, {"bundle", "/b", 3, 4, false}},
		.args = {"id"},
		.argi = {5},
	},
	{
		.what = "restore",
		.argv = {"runc", "restore", "--image-path", "/i", "--bundle", "/b", "id"},
		.cmd = PAL_CMD_RESTORE,
		.cmd_index = 1,
		.opts = {{"image-path", "/i", 2, 3, false}, {"bundle", "/b", 4, 5, false}},
		.args = {"id"},
		.argi = {6},
	},
	{
		.what = "checkpoint",
		.argv = {"runc", "checkpoint", "--image-path", "/i", "--leave-running", "id"},
		.cmd = PAL_CMD_CHECKPOINT,
		.cmd_index = 1,
		.opts = {{"image-path", "/i", 2, 3, false}, {"leave-running", "true", 4, 4, false}},
		.args = {"id"},
		.argi = {5},
	},
	{
		.what = "update --memory",
		.argv = {"runc", "update", "--memory", "100M", "id"},
		.cmd = PAL_CMD_UPDATE,
		.cmd_index = 1,
		.opts = {{"memory", "100M", 2, 3, false}},
		.args = {"id"},
		.argi = {4},
	},
	{
		/* hidden in --help; runc: "flag needs an argument: -kernel-memory" */
		.what = "update --kernel-memory (hidden)",
		.argv = {"runc", "update", "--kernel-memory", "1M", "id"},
		.cmd = PAL_CMD_UPDATE,
		.cmd_index = 1,
		.opts = {{"kernel-memory", "1M", 2, 3, false}},
		.args = {"id"},
		.argi = {4},
	},
	{
		.what = "list -q",
		.argv = {"runc", "list", "-q"},
		.cmd = PAL_CMD_LIST,
		.cmd_index = 1,
		.opts = {{"quiet", "true", 2, 2, false}},
	},
	{
		.what = "list --format=json",
		.argv = {"runc", "list", "--format=json"},
		.cmd = PAL_CMD_LIST,
		.cmd_index = 1,
		.opts = {{"format", "json", 2, 2, false}},
	},
	{
		.what = "list -f json",
		.argv = {"runc", "list", "-f", "json"},
		.cmd = PAL_CMD_LIST,
		.cmd_index = 1,
		.opts = {{"format", "json", 2, 3, false}},
	},
	{
		.what = "events --stats --interval",
		.argv = {"runc", "events", "--stats", "--interval", "5s", "id"},
		.cmd = PAL_CMD_EVENTS,
		.cmd_index = 1,
		.opts = {{"stats", "true", 2, 2, false}, {"interval", "5s", 3, 4, false}},
		.args = {"id"},
		.argi = {5},
	},
	{
		/* ps does not reorder: -ef is for ps(1) */
		.what = "ps id -ef",
		.argv = {"runc", "ps", "id", "-ef"},
		.cmd = PAL_CMD_PS,
		.cmd_index = 1,
		.args = {"id", "-ef"},
		.argi = {2, 3},
	},
	{
		/* not reordered either: ps(1) gets "-f json" */
		.what = "ps id -f json",
		.argv = {"runc", "ps", "id", "-f", "json"},
		.cmd = PAL_CMD_PS,
		.cmd_index = 1,
		.args = {"id", "-f", "json"},
		.argi = {2, 3, 4},
	},
	{
		.what = "kill with the default signal",
		.argv = {"runc", "kill", "id"},
		.cmd = PAL_CMD_KILL,
		.cmd_index = 1,
		.args = {"id"},
		.argi = {2},
	},
	{
		.what = "help create",
		.argv = {"runc", "help", "create"},
		.cmd = PAL_CMD_HELP,
		.cmd_index = 1,
		.args = {"create"},
		.argi = {2},
	},
	{
		.what = "h is help's alias",
		.argv = {"runc", "h"},
		.cmd = PAL_CMD_HELP,
		.cmd_index = 1,
	},
};
/* clang-format on */

static void test_docs(void **state)
{
	(void)state;
	RUN_CASES(docs_cases);
}

/* ------------------------------------------------------------ corner cases */

/* clang-format off */
static const struct cli_case quirk_cases[] = {
	{
		.what = "no command",
		.argv = {"palisade"},
		.cmd = PAL_CMD_NONE,
		.cmd_index = -1,
	},
	{
		/* runc: "No help topic for 'foo'"; its words are not parsed */
		.what = "unknown command",
		.argv = {"runc", "--root", "/r", "foo", "--bogus", "x"},
		.cmd = PAL_CMD_UNKNOWN,
		.cmd_index = 3,
		.opts = {{"root", "/r", 1, 2, true}},
	},
	{
		/* runc: "No help topic for '-x'" */
		.what = "the word after a global -- is the command",
		.argv = {"runc", "--", "-x"},
		.cmd = PAL_CMD_UNKNOWN,
		.cmd_index = 2,
	},
	{
		.what = "global --",
		.argv = {"runc", "--debug", "--", "list"},
		.cmd = PAL_CMD_LIST,
		.cmd_index = 3,
		.opts = {{"debug", "true", 1, 1, true}},
	},
	{
		/* runc lists containers */
		.what = "--debug=false",
		.argv = {"runc", "--debug=false", "list"},
		.cmd = PAL_CMD_LIST,
		.cmd_index = 2,
		.opts = {{"debug", "false", 1, 1, true}},
	},
	{
		.what = "-root single dash",
		.argv = {"runc", "-root", "/tmp/x", "list"},
		.cmd = PAL_CMD_LIST,
		.cmd_index = 3,
		.opts = {{"root", "/tmp/x", 1, 2, true}},
	},
	{
		/* runc prints its help: --rootless takes a value */
		.what = "--rootless eats the command word",
		.argv = {"runc", "--rootless", "list"},
		.cmd = PAL_CMD_NONE,
		.cmd_index = -1,
		.opts = {{"rootless", "list", 1, 2, true}},
	},
	{
		.what = "--rootless=auto",
		.argv = {"runc", "--rootless=auto", "list"},
		.cmd = PAL_CMD_LIST,
		.cmd_index = 2,
		.opts = {{"rootless", "auto", 1, 1, true}},
	},
	{
		/* runc prints its help and exits 0: create's words unparsed */
		.what = "global --help before a command",
		.argv = {"runc", "--help", "create", "--bogus"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 2,
		.opts = {{"help", "true", 1, 1, true}},
		.help = true,
	},
	{
		/* runc prints its version, not create's help */
		.what = "global --version before a command",
		.argv = {"runc", "--version", "create", "--help"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 2,
		.opts = {{"version", "true", 1, 1, true}},
		.version = true,
	},
	{
		/* runc lists containers */
		.what = "-h=false -v=false",
		.argv = {"runc", "-h=false", "-v=false", "list"},
		.cmd = PAL_CMD_LIST,
		.cmd_index = 3,
		.opts = {{"help", "false", 1, 1, true}, {"version", "false", 2, 2, true}},
	},
	{
		.what = "command --help after the id",
		.argv = {"runc", "create", "id", "--help"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"help", "true", 3, 3, false}},
		.args = {"id"},
		.argi = {2},
		.help = true,
	},
	{
		/* runc: "chdir /x: no such file or directory" */
		.what = "--help=false",
		.argv = {"runc", "create", "-b", "/x", "--help=false", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "/x", 2, 3, false}, {"help", "false", 4, 4, false}},
		.args = {"id"},
		.argi = {5},
	},
	{
		/* runc: "exec failed: container does not exist" */
		.what = "exec's --help after the id is the command's",
		.argv = {"runc", "exec", "id", "--help"},
		.cmd = PAL_CMD_EXEC,
		.cmd_index = 1,
		.args = {"id", "--help"},
		.argi = {2, 3},
	},
	{
		/* runc: "chdir /c: no such file or directory" */
		.what = "repeated -b: the last wins",
		.argv = {"runc", "create", "-b", "/a", "-b", "/c", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "/a", 2, 3, false}, {"bundle", "/c", 4, 5, false}},
		.args = {"id"},
		.argi = {6},
	},
	{
		/* runc: "chdir /b2" */
		.what = "repeated --bundle around the id",
		.argv = {"runc", "create", "--bundle", "/b1", "id", "--bundle", "/b2"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "/b1", 2, 3, false}, {"bundle", "/b2", 5, 6, false}},
		.args = {"id"},
		.argi = {4},
	},
	{
		/* runc: "chdir /a=b" */
		.what = "value with =",
		.argv = {"runc", "create", "--bundle=/a=b", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "/a=b", 2, 2, false}},
		.args = {"id"},
		.argi = {3},
	},
	{
		/* runc: "config.json not found", the bundle "" being "." */
		.what = "empty value",
		.argv = {"runc", "create", "--bundle=", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "", 2, 2, false}},
		.args = {"id"},
		.argi = {3},
	},
	{
		/* runc: "chdir -x" */
		.what = "a value may start with a dash",
		.argv = {"runc", "create", "id", "--bundle", "-x"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "-x", 3, 4, false}},
		.args = {"id"},
		.argi = {2},
	},
	{
		/* runc: "chdir --" */
		.what = "-- right after a value option is its value",
		.argv = {"runc", "create", "id", "-b", "--"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "--", 3, 4, false}},
		.args = {"id"},
		.argi = {2},
	},
	{
		/* runc: "chdir --" */
		.what = "-- as a value before the id",
		.argv = {"runc", "create", "-b", "--", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "--", 2, 3, false}},
		.args = {"id"},
		.argi = {4},
	},
	{
		/* runc: "Incorrect Usage." (no id), not "flag needs an argument" */
		.what = "dangling -b after the id takes the id",
		.argv = {"runc", "create", "id", "-b"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"bundle", "id", 3, 2, false}},
	},
	{
		/* runc: "JSON specification file config.json not found" */
		.what = "a boolean's moved value is a positional again",
		.argv = {"runc", "create", "id", "--no-pivot", "--"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"no-pivot", "true", 3, 3, false}},
		.args = {"id"},
		.argi = {2},
	},
	{
		/* runc: "container does not exist" for "kill a/b --all 9",
		 * so it looked up "9": the word after --all moved with it */
		.what = "kill id --all 9 swaps the positionals",
		.argv = {"runc", "kill", "id", "--all", "9"},
		.cmd = PAL_CMD_KILL,
		.cmd_index = 1,
		.opts = {{"all", "true", 3, 3, false}},
		.args = {"9", "id"},
		.argi = {4, 2},
	},
	{
		/* runc: "invalid container ID format" for "kill a/b -- b/c":
		 * two arguments, so the -- was consumed */
		.what = "-- after the id",
		.argv = {"runc", "kill", "id", "--", "KILL"},
		.cmd = PAL_CMD_KILL,
		.cmd_index = 1,
		.args = {"id", "KILL"},
		.argi = {2, 4},
	},
	{
		/* runc: "Incorrect Usage." (three arguments) */
		.what = "-- after the options and the id stays",
		.argv = {"runc", "kill", "-a", "id", "--", "KILL"},
		.cmd = PAL_CMD_KILL,
		.cmd_index = 1,
		.opts = {{"all", "true", 2, 2, false}},
		.args = {"id", "--", "KILL"},
		.argi = {3, 4, 5},
	},
	{
		.what = "-- before the id",
		.argv = {"runc", "create", "--", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.args = {"id"},
		.argi = {3},
	},
	{
		/* runc: "Incorrect Usage." (three arguments) */
		.what = "options after -- are arguments",
		.argv = {"runc", "create", "id", "--", "-b", "/x"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.args = {"id", "-b", "/x"},
		.argi = {2, 4, 5},
	},
	{
		/* runc: "Incorrect Usage." from the argument count, not a flag error */
		.what = "unknown option after the id is an argument",
		.argv = {"runc", "create", "id", "--foo"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.args = {"id", "--foo"},
		.argi = {2, 3},
	},
	{
		/* runc: "container does not exist": a lone - is an argument */
		.what = "a lone dash",
		.argv = {"runc", "kill", "-", "id"},
		.cmd = PAL_CMD_KILL,
		.cmd_index = 1,
		.args = {"-", "id"},
		.argi = {2, 3},
	},
	{
		/* runc: "exec failed: container does not exist" */
		.what = "exec id -- ls keeps the --",
		.argv = {"runc", "exec", "id", "--", "ls"},
		.cmd = PAL_CMD_EXEC,
		.cmd_index = 1,
		.args = {"id", "--", "ls"},
		.argi = {2, 3, 4},
	},
	{
		.what = "boolean spellings",
		.argv = {"runc", "create", "--no-pivot=1", "--no-pivot=t", "--no-pivot=TRUE",
			 "--no-pivot=True", "--no-new-keyring=0", "--no-new-keyring=f",
			 "--no-new-keyring=FALSE", "--no-new-keyring=False", "--no-new-keyring=F",
			 "--no-pivot=T", "id"},
		.cmd = PAL_CMD_CREATE,
		.cmd_index = 1,
		.opts = {{"no-pivot", "true", 2, 2, false},
			 {"no-pivot", "true", 3, 3, false},
			 {"no-pivot", "true", 4, 4, false},
			 {"no-pivot", "true", 5, 5, false},
			 {"no-new-keyring", "false", 6, 6, false},
			 {"no-new-keyring", "false", 7, 7, false},
			 {"no-new-keyring", "false", 8, 8, false},
			 {"no-new-keyring", "false", 9, 9, false},
			 {"no-new-keyring", "false", 10, 10, false},
			 {"no-pivot", "true", 11, 11, false}},
		.args = {"id"},
		.argi = {12},
	},
	{
		.what = "exec's repeatable options",
		.argv = {"runc", "exec", "--env", "A=1", "--env=B=2", "-c", "CAP_CHOWN", "-c",
			 "CAP_KILL", "-g", "10", "-g=20", "--cgroup", "a", "id", "true"},
		.cmd = PAL_CMD_EXEC,
		.cmd_index = 1,
		.opts = {{"env", "A=1", 2, 3, false},
			 {"env", "B=2", 4, 4, false},
			 {"cap", "CAP_CHOWN", 5, 6, false},
			 {"cap", "CAP_KILL", 7, 8, false},
			 {"additional-gids", "10", 9, 10, false},
			 {"additional-gids", "20", 11, 11, false},
			 {"cgroup", "a", 12, 13, false}},
		.args = {"id", "true"},
		.argi = {14, 15},
	},
};
/* clang-format on */

static void test_quirks(void **state)
{
	(void)state;
	RUN_CASES(quirk_cases);
}

/* ------------------------------------------------------------ errors */

/* clang-format off */
static const struct cli_case error_cases[] = {
	{
		.what = "dangling --bundle",
		.argv = {"runc", "create", "--bundle"},
		.error = "flag needs an argument: -bundle",
	},
	{
		.what = "dangling -b",
		.argv = {"runc", "create", "-b"},
		.error = "flag needs an argument: -b",
	},
	{
		.what = "dangling global --root",
		.argv = {"runc", "--root"},
		.error = "flag needs an argument: -root",
	},
	{
		.what = "unknown command option",
		.argv = {"runc", "create", "--foo", "id"},
		.error = "flag provided but not defined: -foo",
	},
	{
		.what = "a global option after the command",
		.argv = {"runc", "create", "--root", "/tmp/y", "id"},
		.error = "flag provided but not defined: -root",
	},
	{
		.what = "unknown global option",
		.argv = {"runc", "--foo", "list"},
		.error = "flag provided but not defined: -foo",
	},
	{
		/* no short option bundling in runc */
		.what = "-td",
		.argv = {"runc", "exec", "-td", "id", "sh"},
		.error = "flag provided but not defined: -td",
	},
	{
		.what = "bad global boolean",
		.argv = {"runc", "--debug=maybe", "list"},
		.error = "invalid boolean value \"maybe\" for -debug: parse error",
	},
	{
		.what = "booleans are case-sensitive",
		.argv = {"runc", "create", "--no-pivot=tRuE", "id"},
		.error = "invalid boolean value \"tRuE\" for -no-pivot: parse error",
	},
	{
		.what = "empty boolean",
		.argv = {"runc", "create", "--no-pivot=", "id"},
		.error = "invalid boolean value \"\" for -no-pivot: parse error",
	},
	{
		.what = "three dashes",
		.argv = {"runc", "---root", "x", "list"},
		.error = "bad flag syntax: ---root",
	},
	{
		/* reorderArgs counts ---bundle as a flag and moves it forward */
		.what = "three dashes after the id",
		.argv = {"runc", "create", "id", "---bundle", "x"},
		.error = "bad flag syntax: ---bundle",
	},
	{
		.what = "-=x",
		.argv = {"runc", "create", "-=x", "id"},
		.error = "bad flag syntax: -=x",
	},
	{
		.what = "--=x",
		.argv = {"runc", "create", "--=x", "id"},
		.error = "bad flag syntax: --=x",
	},
	{
		.what = "both spellings of --bundle",
		.argv = {"runc", "create", "-b", "/a", "--bundle", "/c", "id"},
		.error = "Cannot use two forms of the same flag: b bundle",
	},
	{
		.what = "both spellings, = forms around the id",
		.argv = {"runc", "create", "--bundle=/b1", "id", "-b=/b2"},
		.error = "Cannot use two forms of the same flag: b bundle",
	},
	{
		.what = "both spellings of --help",
		.argv = {"runc", "create", "-b", "/x", "-h", "--help", "id"},
		.error = "Cannot use two forms of the same flag: h help",
	},
	{
		.what = "exec -e and --env",
		.argv = {"runc", "exec", "-e", "A=1", "--env", "B=2", "id", "true"},
		.error = "Cannot use two forms of the same flag: e env",
	},
	{
		/* runc reports the global two-forms error before the parse error */
		.what = "global two forms beat a parse error",
		.argv = {"runc", "-h", "--help", "--foo", "list"},
		.error = "Cannot use two forms of the same flag: h help",
	},
	{
		.what = "a parse error stops before later options",
		.argv = {"runc", "--foo", "-h", "--help", "list"},
		.error = "flag provided but not defined: -foo",
	},
	{
		.what = "control characters are escaped",
		.argv = {"runc", "create", "--fo\x1b[2Jo\n", "id"},
		.error = "flag provided but not defined: -fo\\x1b[2Jo\\x0a",
	},
};
/* clang-format on */

static void test_errors(void **state)
{
	(void)state;
	RUN_CASES(error_cases);
}

static void test_empty_vector(void **state)
{
	(void)state;
	struct pal_cli *cli = calloc(1, sizeof(*cli));
	char *argv[] = {NULL};
	pal_error err = {0};

	assert_non_null(cli);
	assert_int_equal(pal_cli_parse(0, argv, cli, &err), -1);
	assert_string_equal(err.msg, "empty argument vector");
	assert_int_equal(pal_cli_parse(1, NULL, cli, &err), -1);
	free(cli);
}

/* ------------------------------------------------------------ bounds */

/* A vector of "runc" WORDS... with N copies of FILL after them. */
static char **make_argv(const char *const *words, int n_words, const char *fill, int n, int *argc)
{
	char **argv = calloc((size_t)(n_words + n + 1), sizeof(char *));

	assert_non_null(argv);
	for (int i = 0; i < n_words; i++)
		argv[i] = (char *)words[i];
	for (int i = 0; i < n; i++)
		argv[n_words + i] = (char *)fill;
	*argc = n_words + n;
	return argv;
}

static void test_max_args(void **state)
{
	(void)state;
	static const char *const words[] = {"runc", "exec", "id"};
	struct pal_cli *cli = calloc(1, sizeof(*cli));
	pal_error err = {0};
	char **argv;
	int argc;

	assert_non_null(cli);
	/* the id and 255 words of command: exactly the limit */
	argv = make_argv(words, 3, "x", PAL_CLI_MAX_ARGS - 1, &argc);
	assert_int_equal(pal_cli_parse(argc, argv, cli, &err), 0);
	assert_int_equal(cli->n_args, PAL_CLI_MAX_ARGS);
	assert_int_equal(cli->argi[PAL_CLI_MAX_ARGS - 1], argc - 1);
	free(argv);

	argv = make_argv(words, 3, "x", PAL_CLI_MAX_ARGS, &argc);
	assert_int_equal(pal_cli_parse(argc, argv, cli, &err), -1);
	assert_string_equal(err.msg, "too many arguments: more than 256");
	free(argv);

	/* an unknown command's words are not parsed, so never too many */
	argv = make_argv((const char *const[]){"runc", "frobnicate"}, 2, "x", 1000, &argc);
	assert_int_equal(pal_cli_parse(argc, argv, cli, &err), 0);
	assert_int_equal(cli->cmd, PAL_CMD_UNKNOWN);
	assert_int_equal(cli->n_args, 0);
	free(argv);
	free(cli);
}

static void test_max_opts(void **state)
{
	(void)state;
	static const char *const words[] = {"runc"};
	struct pal_cli *cli = calloc(1, sizeof(*cli));
	pal_error err = {0};
	char **argv;
	int argc;

	assert_non_null(cli);
	argv = make_argv(words, 1, "--debug", PAL_CLI_MAX_OPTS, &argc);
	assert_int_equal(pal_cli_parse(argc, argv, cli, &err), 0);
	assert_int_equal(cli->n_opts, PAL_CLI_MAX_OPTS);
	free(argv);

	argv = make_argv(words, 1, "--debug", PAL_CLI_MAX_OPTS + 1, &argc);
	assert_int_equal(pal_cli_parse(argc, argv, cli, &err), -1);
	assert_string_equal(err.msg, "too many options: more than 256");
	free(argv);

	/* reordered command options count too */
	argv = make_argv((const char *const[]){"runc", "create", "id"}, 3, "--no-pivot",
	                 PAL_CLI_MAX_OPTS + 1, &argc);
	assert_int_equal(pal_cli_parse(argc, argv, cli, &err), -1);
	assert_string_equal(err.msg, "too many options: more than 256");
	free(argv);
	free(cli);
}

/* ------------------------------------------------------------ accessors */

static void test_get(void **state)
{
	(void)state;
	const char *argv[] = {"runc",   "--root", "/g", "--debug", "create",           "-b",
	                      "/first", "id",     "-b", "/last",   "--no-pivot=false", "--pid-file",
	                      "/p",     NULL};
	struct pal_cli *cli = calloc(1, sizeof(*cli));
	pal_error err = {0};

	assert_non_null(cli);
	assert_int_equal(pal_cli_parse(13, (char **)argv, cli, &err), 0);
	assert_string_equal(pal_cli_get(cli, "root", true), "/g");
	assert_null(pal_cli_get(cli, "root", false));
	assert_string_equal(pal_cli_get(cli, "bundle", false), "/last");
	assert_null(pal_cli_get(cli, "bundle", true));
	/* only canonical names are looked up */
	assert_null(pal_cli_get(cli, "b", false));
	assert_string_equal(pal_cli_get(cli, "pid-file", false), "/p");
	assert_null(pal_cli_get(cli, "console-socket", false));

	assert_int_equal(pal_cli_get_bool(cli, "debug", true), 1);
	assert_int_equal(pal_cli_get_bool(cli, "debug", false), -1);
	assert_int_equal(pal_cli_get_bool(cli, "no-pivot", false), 0);
	assert_int_equal(pal_cli_get_bool(cli, "no-new-keyring", false), -1);
	assert_int_equal(pal_cli_get_bool(cli, "systemd-cgroup", true), -1);
	/* a value option is not a boolean */
	assert_int_equal(pal_cli_get_bool(cli, "bundle", false), -1);
	free(cli);
}

static void test_get_last_list_value(void **state)
{
	(void)state;
	const char *argv[] = {"runc", "exec",  "--cap", "CAP_A", "--cap=CAP_B",
	                      "-c",   "CAP_C", "id",    "sh",    NULL};
	struct pal_cli *cli = calloc(1, sizeof(*cli));
	pal_error err = {0};
	int n = 0;

	assert_non_null(cli);
	/* -c with --cap: runc refuses both spellings */
	assert_int_equal(pal_cli_parse(9, (char **)argv, cli, &err), -1);
	assert_string_equal(err.msg, "Cannot use two forms of the same flag: c cap");

	argv[5] = "--cap";
	assert_int_equal(pal_cli_parse(9, (char **)argv, cli, &err), 0);
	assert_string_equal(pal_cli_get(cli, "cap", false), "CAP_C");
	for (int i = 0; i < cli->n_opts; i++)
		if (!strcmp(cli->opts[i].name, "cap"))
			n++;
	assert_int_equal(n, 3);
	free(cli);
}

static void test_cmd_name(void **state)
{
	(void)state;
	/* clang-format off */
	static const struct {
		enum pal_cmd cmd;
		const char *name;
	} names[] = {
		{PAL_CMD_NONE, ""},
		{PAL_CMD_CHECKPOINT, "checkpoint"},
		{PAL_CMD_CREATE, "create"},
		{PAL_CMD_DELETE, "delete"},
		{PAL_CMD_EVENTS, "events"},
		{PAL_CMD_EXEC, "exec"},
		{PAL_CMD_FEATURES, "features"},
		{PAL_CMD_KILL, "kill"},
		{PAL_CMD_LIST, "list"},
		{PAL_CMD_PAUSE, "pause"},
		{PAL_CMD_PS, "ps"},
		{PAL_CMD_RESTORE, "restore"},
		{PAL_CMD_RESUME, "resume"},
		{PAL_CMD_RUN, "run"},
		{PAL_CMD_SPEC, "spec"},
		{PAL_CMD_START, "start"},
		{PAL_CMD_STATE, "state"},
		{PAL_CMD_UPDATE, "update"},
		{PAL_CMD_HELP, "help"},
		{PAL_CMD_UNKNOWN, ""},
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_string_equal(pal_cli_cmd_name(names[i].cmd), names[i].name);
		/* and every name parses back to its command */
		if (names[i].name[0]) {
			const char *argv[] = {"runc", names[i].name, NULL};
			struct pal_cli *cli = calloc(1, sizeof(*cli));
			pal_error err = {0};

			assert_non_null(cli);
			assert_int_equal(pal_cli_parse(2, (char **)argv, cli, &err), 0);
			assert_int_equal(cli->cmd, names[i].cmd);
			free(cli);
		}
	}
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_containerd),
		cmocka_unit_test(test_conmon),
		cmocka_unit_test(test_docs),
		cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_empty_vector),
		cmocka_unit_test(test_max_args),
		cmocka_unit_test(test_max_opts),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_get_last_list_value),
		cmocka_unit_test(test_cmd_name),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A scanner of runc's command line.  It parses argv exactly as runc 1.1
 * (urfave/cli v1 on Go's flag package) does, so that Palisade rewrites the
 * very bundle the backend will then use, and it never changes argv: commands
 * that need no rewrite are handed to the backend with the identical vector.
 *
 * Spellings accepted, as Go's flag package accepts them: -name, --name,
 * -name=value, --name=value, "-name value" for options that take a value,
 * -name=true|false for booleans.  Command options may follow positional
 * arguments (urfave/cli reorders them) except where runc turns reordering off
 * (exec and ps, whose trailing words are the command to run or ps(1)'s
 * options); "--" ends options.  src/cli.c spells out runc's rules.
 */
#ifndef PALISADE_CLI_H
#define PALISADE_CLI_H

#include <stdbool.h>

#include "palisade/error.h"

enum pal_cmd {
	PAL_CMD_NONE = 0, /* no command word: "palisade", "palisade --help" */
	PAL_CMD_CHECKPOINT,
	PAL_CMD_CREATE,
	PAL_CMD_DELETE,
	PAL_CMD_EVENTS,
	PAL_CMD_EXEC,
	PAL_CMD_FEATURES,
	PAL_CMD_KILL,
	PAL_CMD_LIST,
	PAL_CMD_PAUSE,
	PAL_CMD_PS,
	PAL_CMD_RESTORE,
	PAL_CMD_RESUME,
	PAL_CMD_RUN,
	PAL_CMD_SPEC,
	PAL_CMD_START,
	PAL_CMD_STATE,
	PAL_CMD_UPDATE,
	PAL_CMD_HELP,    /* "help" / "h" */
	PAL_CMD_UNKNOWN, /* a word runc does not know: passed through, runc errs */
};

#define PAL_CLI_MAX_OPTS 256
#define PAL_CLI_MAX_ARGS 256

/* One option occurrence, in argv order. */
struct pal_cli_opt {
	const char *name;  /* canonical long name from the table, e.g. "bundle" */
	const char *value; /* value as given ("true"/"false" for booleans) */
	int argi;          /* argv index of the option word */
	int valuei;        /* argv index holding the value: == argi for
	                      "--name=value" and booleans, argi + 1 otherwise,
	                      except that runc's reordering gives a value option
	                      dangling at the very end the first positional word:
	                      "create ID -b" is -b ID, valuei < argi */
	bool global;       /* a global option (before the command word) */
};

struct pal_cli {
	enum pal_cmd cmd;
	int cmd_index;  /* argv index of the command word, -1 if none */
	const char *cmd_word;
	struct pal_cli_opt opts[PAL_CLI_MAX_OPTS];
	int n_opts;
	/* Positional arguments of the command, after runc's reordering:
	 * args[0] is the container id for commands that take one. */
	const char *args[PAL_CLI_MAX_ARGS];
	int argi[PAL_CLI_MAX_ARGS]; /* their argv indexes */
	int n_args;
	/* -h/--help true (globally or to the command) where runc parses it as
	 * an option, so not "exec ID --help", whose --help is exec's argument */
	bool help;
	bool version; /* -v/--version given globally */
};

/* Parse argv (argv[0] is the program name).  Fails, with runc's wording where
 * runc has one ("flag provided but not defined: -x", "flag needs an argument:
 * -b"), for malformed vectors; the caller decides whether that matters
 * (a pass-through command lets the backend say it instead).
 *
 * Like runc, it leaves the command's words unparsed (no command options, no
 * args) when global --help or --version is true, and for PAL_CMD_UNKNOWN.
 * It does not check positional argument counts, nor the values of numeric
 * or duration options: runc does, and refuses such a vector itself. */
int pal_cli_parse(int argc, char **argv, struct pal_cli *cli, pal_error *err);

/* The last value of option NAME (Go's flag package keeps the last), global
 * or of the command as GLOBAL says; NULL when absent. */
const char *pal_cli_get(const struct pal_cli *cli, const char *name, bool global);

/* A boolean option's value: 1 true, 0 false, -1 not given. */
int pal_cli_get_bool(const struct pal_cli *cli, const char *name, bool global);

/* The command's name as runc spells it ("create", ...), "" for none. */
const char *pal_cli_cmd_name(enum pal_cmd cmd);

/* For Palisade's own commands (check, events): "--NAME VALUE",
 * "--NAME=VALUE" or "-NAME ..." at ARGV[*I] gives VALUE and advances *I
 * past it; NULL when ARGV[*I] is not that option, with *MISSING set when it
 * is but its value is not there. */
const char *pal_cli_option_value(int argc, char **argv, int *i, const char *name,
				 bool *missing);

#endif

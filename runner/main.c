/* runner/main.c -- the command table and the global options; nothing else.
 *
 *   coursectl [--version] [--help] [-q | -v] <command> [<args>]
 *
 * Design (git.c, libgit2's src/cli/main.c): main() parses only the options that apply to every
 * command, looks the command up in `commands[]` and hands it the rest of argv. Unknown commands
 * and options exit 64 (EX_USAGE) with the usage line, so a typo in CI never reads as success or
 * as "changes present"; an unknown command within edit distance 2 of a known one (or a prefix of
 * one) gets "did you mean" (rc_suggest, the recipe checker's rule for keys). Exit codes are
 * defined once in include/exitcode.h. The table is the one list of commands: `--help` prints it and
 * `help COMMAND` finds the command in it (command_help), so a new row is all a command needs to be
 * run, listed and given help.
 *
 * With CANVAS_API_TOKEN set, core dumps are off from the start (config_protect_process).
 *
 * At the end, stdout is flushed and checked (git's check of fflush/ferror/fclose): a plan written
 * to a full disk or a closed pipe must not exit 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "exitcode.h"
#include "msg.h"
#include "recipe.h"
#include "version.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* Keep in the order `coursectl help` shows them. */
static const struct command commands[] = {
	{ "validate", cmd_validate, "check recipes and report every problem as FILE:LINE:COL" },
	{ "plan", cmd_plan, "show the changes a recipe would make (reads only; --out saves the plan)" },
	{ "apply", cmd_apply, "make a recipe's or a saved plan's changes, journaled (--resume finishes a run)" },
	{ "rollback", cmd_rollback, "undo a journaled run, newest change first (--dry-run shows it)" },
	{ "snapshot", cmd_snapshot, "export courses as JSON (canvas-sim's seed format)" },
	{ "journal", cmd_journal, "summarise a run's journal (show) or list recent journals (list)" },
	{ "auth", cmd_auth, "check the Canvas URL and token: who the token belongs to (auth check)" },
	{ "help", cmd_help, "show help for coursectl or one of its commands" },
	{ "version", cmd_version, "print the version and the libraries in use" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

void usage_print(void *fpv)
{
	FILE *fp = fpv;
	size_t i;

	fprintf(fp, "usage: coursectl [--version] [--help] [-q | -v] <command> [<args>]\n");
	if (fp != stdout)
		return;
	fprintf(fp, "\ncoursectl changes Canvas LMS courses in bulk, safely: a YAML recipe is planned into\n"
		    "field-level changes, shown as a diff, applied, and journaled for rollback.\n\n"
		    "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "   %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\nGlobal options:\n"
		    "   -h, --help     show this help\n"
		    "   --version      print the version\n"
		    "   -q, --quiet    only errors on stderr\n"
		    "   -v, --verbose  log each request (never the token)\n"
		    "\nExit codes: 0 ok, 1 error, 2 changes present (plan --detailed-exitcode),\n"
		    "3 authentication failure, 64 usage, 130 interrupted (Ctrl-C or SIGTERM during apply or\n"
		    "rollback).\n");
}

int command_help(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			break;
	if (i == NCOMMANDS) {
		command_unknown(name);
		return EXIT_USAGE;
	}
	if (commands[i].fn == cmd_help) {   /* `help help`: the program's usage, as `help` alone */
		usage_print(stdout);
		return EXIT_OK;
	}
	return commands[i].fn(2, (char *[]){ (char *)commands[i].name, "--help", NULL });
}

const char *command_suggest(const char *s)
{
	const char *names[NCOMMANDS + 1];
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	names[NCOMMANDS] = NULL;
	return rc_suggest(s, names);
}

void command_unknown(const char *s)
{
	const char *sug = command_suggest(s);

	if (sug)
		errorf("'%s' is not a coursectl command; did you mean '%s'? (see 'coursectl --help')", s, sug);
	else
		errorf("'%s' is not a coursectl command; see 'coursectl --help'", s);
}

static int finish(int rc)
{
	if (fflush(stdout) || ferror(stdout)) {
		errorf("cannot write to standard output: %s", strerror(errno));
		/* an interrupted run stays "interrupted": the same Ctrl-C may have ended the reader (| tee) */
		return rc == EXIT_INTERRUPTED ? rc : EXIT_ERROR;
	}
	return rc;
}

int main(int argc, char **argv)
{
	int i;
	size_t c;

	/* a token in the environment is in our memory from exec on: no core dump, not dumpable (the
	 * other token sources are protected when config_resolve reads them) */
	if (getenv("CANVAS_API_TOKEN"))
		config_protect_process();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage_print(stdout);
			return finish(EXIT_OK);
		} else if (!strcmp(a, "--version")) {
			return finish(cmd_version(1, (char *[]){ "version", NULL }));
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			msg_set_level(MSG_QUIET);
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			msg_set_level(MSG_VERBOSE);
		} else {
			errorf("unknown option '%s'", a);
			usage_print(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage_print(stderr);
		return EXIT_USAGE;
	}
	for (c = 0; c < NCOMMANDS; c++)
		if (!strcmp(argv[i], commands[c].name))
			return finish(commands[c].fn(argc - i, argv + i));
	command_unknown(argv[i]);
	usage_print(stderr);
	return EXIT_USAGE;
}

/* runner/cmd_help.c -- `coursectl help [COMMAND]`.
 * With no argument prints the program's usage; with a command, that command's --help; with --help,
 * its own usage (so that every command in `coursectl help` has a --help, tests/e2e/t0020). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "exitcode.h"
#include "msg.h"

int cmd_help(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: coursectl help [<command>]\n\n"
		       "Shows the usage and the commands of coursectl, or a command's options.\n");
		return EXIT_OK;
	}
	if (argc > 2) {
		errorf("usage: coursectl help [<command>]");
		return EXIT_USAGE;
	}
	if (argc == 2) {
		if (!strcmp(argv[1], "version"))
			return cmd_version(2, (char *[]){ "version", "--help", NULL });
		if (!strcmp(argv[1], "validate"))
			return cmd_validate(2, (char *[]){ "validate", "--help", NULL });
		if (!strcmp(argv[1], "plan"))
			return cmd_plan(2, (char *[]){ "plan", "--help", NULL });
		if (!strcmp(argv[1], "snapshot"))
			return cmd_snapshot(2, (char *[]){ "snapshot", "--help", NULL });
		if (!strcmp(argv[1], "apply"))
			return cmd_apply(2, (char *[]){ "apply", "--help", NULL });
		if (!strcmp(argv[1], "rollback"))
			return cmd_rollback(2, (char *[]){ "rollback", "--help", NULL });
		if (!strcmp(argv[1], "journal"))
			return cmd_journal(2, (char *[]){ "journal", "--help", NULL });
		if (!strcmp(argv[1], "auth"))
			return cmd_auth(2, (char *[]){ "auth", "--help", NULL });
		if (strcmp(argv[1], "help")) {
			command_unknown(argv[1]);
			return EXIT_USAGE;
		}
	}
	usage_print(stdout);
	return EXIT_OK;
}

/* runner/cmd_help.c -- `coursectl help [COMMAND]`.
 * With no argument prints the program's usage; with a command, that command's --help; with --help,
 * its own usage (so that every command in `coursectl help` has a --help, tests/e2e/t0020). The
 * command is looked up in runner/main.c's table (command_help), the one list of commands. */
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
	if (argc == 2)
		return command_help(argv[1]);
	usage_print(stdout);
	return EXIT_OK;
}

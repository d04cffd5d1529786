/* include/cmd.h -- subcommands (git's builtin.h).
 *
 * Each subcommand is one file runner/cmd_<name>.c exporting
 *	int cmd_<name>(int argc, char **argv);
 * argv[0] is the subcommand name; the global options have already been removed. The return
 * value is the process exit code (exitcode.h). To add one: write the file, declare it here,
 * add a row to the table in runner/main.c, document it in docs/ and add tests (CONTRIBUTING.md).
 */
#ifndef COURSECTL_CMD_H
#define COURSECTL_CMD_H

int cmd_apply(int argc, char **argv);
int cmd_auth(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_journal(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_version(int argc, char **argv);

/* Print the usage line(s) of the whole program to `fp` (a FILE *). */
void usage_print(void *fp);

/* `coursectl help NAME`: run command NAME with --help and return its exit code; NAME "help" prints
 * the program's usage; an unknown NAME is reported (command_unknown) and EXIT_USAGE. */
int command_help(const char *name);

/* The command closest to `s` (edit distance <= 2, or a prefix), or NULL; a static string. */
const char *command_suggest(const char *s);

/* Report `s` as not a command, with "did you mean" when one is close (runner/main.c). */
void command_unknown(const char *s);

#endif

/* include/exitcode.h -- the process exit codes of coursectl, defined once.
 *
 * CI pipelines branch on these, so they never change meaning:
 *   0  ok
 *   1  error (some change failed, a file could not be read, ...; the message says which)
 *   2  changes present -- only with `plan --detailed-exitcode` (Terraform's convention)
 *   3  authentication failure: the token is invalid, expired or revoked, or there is none to use
 *      (missing, unreadable, empty, or a token file others can read)
 *  64  usage error (sysexits' EX_USAGE), so a mistyped flag never reads as "changes present"
 * 130  interrupted by SIGINT or SIGTERM (128 + SIGINT, the shell's convention for Ctrl-C): the run
 *      stopped submitting, journaled what came back, and said how to resume or undo it
 */
#ifndef COURSECTL_EXITCODE_H
#define COURSECTL_EXITCODE_H

enum exit_code {
	EXIT_OK = 0,
	EXIT_ERROR = 1,
	EXIT_CHANGES = 2,
	EXIT_AUTH = 3,
	EXIT_USAGE = 64,
	EXIT_INTERRUPTED = 130
};

#endif

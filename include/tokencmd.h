/* include/tokencmd.h -- a token from a command's output (a profile's token_command).
 *
 *   tokencmd_run(command, timeout_ms, what, &token, &err)
 *
 * Runs `/bin/sh -c command` with the user's stdin and stderr (a password manager may ask for a
 * passphrase; its messages reach the user) and its stdout on a pipe. The first line of the output,
 * spaces and tabs trimmed, is the token. The command line is the only thing passed to the child:
 * the token is never in any child's argv or environment. Errors (ERR_AUTH: there is no token) name
 * `what` ("token_command 'pass show canvas' of profile 'sandbox'"), never the output: a non-zero
 * exit or a signal, nothing printed, a first line that cannot be a token (spaces or control
 * characters in it), more than TOKENCMD_MAX_OUTPUT bytes, no exit within timeout_ms (the command
 * is killed: SIGTERM, then SIGKILL after a second).
 * *token is malloced; the caller wipes it (explicit_bzero) before freeing it. Every buffer that
 * held output is wiped here, and the pipe is read to its end, so nothing of the token is left
 * behind but *token.
 */
#ifndef COURSECTL_TOKENCMD_H
#define COURSECTL_TOKENCMD_H

#include "err.h"

#define TOKENCMD_MAX_OUTPUT (64 * 1024)

int tokencmd_run(const char *command, long timeout_ms, const char *what, char **token, struct err *err);

#endif

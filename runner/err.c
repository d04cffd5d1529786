/* runner/err.c -- struct err: a code and one sentence.
 *
 * Design: one error type for the whole program (libgit2's git_error, without the thread-local:
 * the caller owns the struct). err_set() never allocates, so it is safe on every path,
 * including out-of-memory paths. Messages longer than ERR_MSG_MAX are cut with "...".
 */
#include "err.h"

#include <stdio.h>
#include <string.h>

#include "exitcode.h"

int err_setv(struct err *err, int code, const char *fmt, va_list ap)
{
	int n;

	if (!err)
		return code;
	err->code = code;
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (n >= (int)sizeof(err->msg))
		memcpy(err->msg + sizeof(err->msg) - 4, "...", 4);
	return code;
}

int err_set(struct err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_setv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

void err_clear(struct err *err)
{
	if (!err)
		return;
	err->code = ERR_OK;
	err->msg[0] = '\0';
}

int err_exit_code(const struct err *err)
{
	switch (err->code) {
	case ERR_OK:
		return EXIT_OK;
	case ERR_AUTH:
		return EXIT_AUTH;
	case ERR_USAGE:
		return EXIT_USAGE;
	case ERR_INTERRUPTED:
		return EXIT_INTERRUPTED;
	default:
		return EXIT_ERROR;
	}
}

/* include/err.h -- the one error type.
 *
 * A callee that fails fills a caller-provided `struct err` and returns its (negative) code;
 * on success it returns 0 and leaves `err` untouched, so calls chain (git's callee-fills-err,
 * libgit2's code + message):
 *
 *	struct err err = ERR_INIT;
 *	if (plan_read(&p, path, &err) || plan_check_digest(p, path, &err))
 *		errorf("%s", err.msg);          (msg.h; runner/cmd_apply.c's shape)
 *	return err_exit_code(&err);         0 when err was never filled
 *
 * Codes are few: only what a caller branches on. The message is one complete sentence with
 * no trailing newline or period, naming the place (file:line:col, course/object/field).
 */
#ifndef COURSECTL_ERR_H
#define COURSECTL_ERR_H

#include <stdarg.h>

enum err_code {
	ERR_OK = 0,
	ERR_GENERIC = -1,
	ERR_NOTFOUND = -2,   /* Canvas 404, missing file */
	ERR_CONFLICT = -3,   /* remote changed since the plan */
	ERR_RATELIMIT = -4,  /* 403 "Rate Limit Exceeded" or 429, retries exhausted */
	ERR_RECIPE = -5,     /* message carries file:line:col */
	ERR_LOCKED = -6,     /* a lock file is held by another run */
	ERR_CORRUPT = -7,    /* a plan or journal is damaged */
	ERR_IO = -8,         /* a local file or socket failed */
	ERR_AUTH = -9,       /* token invalid, expired or revoked (exit code 3) */
	ERR_USAGE = -10,     /* bad command line (exit code 64) */
	ERR_INTERRUPTED = -11, /* SIGINT or SIGTERM stopped a run (exit code 130) */
	ERR_NOTSENT = -12    /* the engine stopped before the request ever left (http_run) */
};

#define ERR_MSG_MAX 512

struct err {
	int code;
	char msg[ERR_MSG_MAX];
};

#define ERR_INIT { ERR_OK, "" }

/* Fill `err` (which may be NULL) and return `code`. */
int err_set(struct err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int err_setv(struct err *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Reset to ERR_OK. */
void err_clear(struct err *err);

/* The exit code (exitcode.h) that a command ending with this error returns. */
int err_exit_code(const struct err *err);

#endif

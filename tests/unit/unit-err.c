/* tests/unit/unit-err.c -- the error type of runner/err.c (include/err.h).
 *
 * err_set fills code and message and returns the code, so calls chain; a NULL err is allowed;
 * a message longer than ERR_MSG_MAX is cut and ends with "..."; err_exit_code maps codes to the
 * process exit codes of include/exitcode.h (3 for auth, 64 for usage, 1 for everything else).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "exitcode.h"

static void test_init_and_set(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(e.code, ERR_OK);
	assert_string_equal(e.msg, "");
	assert_int_equal(err_set(&e, ERR_NOTFOUND, "course %d: %s", 4821, "not found"), ERR_NOTFOUND);
	assert_int_equal(e.code, ERR_NOTFOUND);
	assert_string_equal(e.msg, "course 4821: not found");
	/* a second set overwrites */
	err_set(&e, ERR_IO, "cannot open '%s'", "plan.json");
	assert_int_equal(e.code, ERR_IO);
	assert_string_equal(e.msg, "cannot open 'plan.json'");
	err_clear(&e);
	assert_int_equal(e.code, ERR_OK);
	assert_string_equal(e.msg, "");
	err_clear(NULL);
}

static void test_null_err(void **state)
{
	(void)state;
	/* callers that do not care pass NULL and still get the code */
	assert_int_equal(err_set(NULL, ERR_GENERIC, "x %s", "y"), ERR_GENERIC);
	assert_int_equal(err_set(NULL, ERR_AUTH, "token"), ERR_AUTH);
}

static int chained(struct err *e, int fail_at)
{
	if (fail_at == 1)
		return err_set(e, ERR_RECIPE, "recipe.yaml:%d:%d: unknown key", 3, 7);
	if (fail_at == 2)
		return err_set(e, ERR_CONFLICT, "assignment %d changed since the plan", 9);
	return 0;
}

static void test_chaining(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	/* success leaves err untouched */
	assert_int_equal(chained(&e, 0), 0);
	assert_int_equal(e.code, ERR_OK);
	assert_true(chained(&e, 0) || chained(&e, 2));
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.msg, "assignment 9 changed since the plan");
}

static void test_truncation(void **state)
{
	struct err e = ERR_INIT;
	char long_msg[2000];
	size_t n;

	(void)state;
	memset(long_msg, 'm', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	err_set(&e, ERR_GENERIC, "%s", long_msg);
	n = strlen(e.msg);
	assert_int_equal(n, ERR_MSG_MAX - 1);
	assert_string_equal(e.msg + n - 3, "...");
	assert_int_equal(e.msg[n - 4], 'm');

	/* exactly ERR_MSG_MAX - 1 characters fit without the ellipsis */
	long_msg[ERR_MSG_MAX - 1] = '\0';
	err_set(&e, ERR_GENERIC, "%s", long_msg);
	assert_int_equal(strlen(e.msg), ERR_MSG_MAX - 1);
	assert_int_equal(e.msg[ERR_MSG_MAX - 2], 'm');

	/* one more is cut */
	long_msg[ERR_MSG_MAX - 1] = 'm';
	long_msg[ERR_MSG_MAX] = '\0';
	err_set(&e, ERR_GENERIC, "%s", long_msg);
	assert_int_equal(strlen(e.msg), ERR_MSG_MAX - 1);
	assert_string_equal(e.msg + ERR_MSG_MAX - 4, "...");
}

static void test_exit_codes(void **state)
{
	static const struct {
		int code, want;
	} table[] = {
		{ ERR_OK, EXIT_OK },           { ERR_GENERIC, EXIT_ERROR },  { ERR_NOTFOUND, EXIT_ERROR },
		{ ERR_CONFLICT, EXIT_ERROR },  { ERR_RATELIMIT, EXIT_ERROR }, { ERR_RECIPE, EXIT_ERROR },
		{ ERR_LOCKED, EXIT_ERROR },    { ERR_CORRUPT, EXIT_ERROR },  { ERR_IO, EXIT_ERROR },
		{ ERR_AUTH, EXIT_AUTH },       { ERR_USAGE, EXIT_USAGE },    { -99, EXIT_ERROR },
	};
	size_t i;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(EXIT_OK, 0);
	assert_int_equal(EXIT_ERROR, 1);
	assert_int_equal(EXIT_AUTH, 3);
	assert_int_equal(EXIT_USAGE, 64);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		e.code = table[i].code;
		if (err_exit_code(&e) != table[i].want)
			fail_msg("code %d: exit %d, want %d", table[i].code, err_exit_code(&e), table[i].want);
	}
}

static int vwrap(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int vwrap(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = err_setv(e, code, fmt, ap);
	va_end(ap);
	return r;
}

static void test_setv(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(vwrap(&e, ERR_LOCKED, "lock '%s' held by pid %d", "x.lock", 77), ERR_LOCKED);
	assert_string_equal(e.msg, "lock 'x.lock' held by pid 77");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_set),
		cmocka_unit_test(test_null_err),
		cmocka_unit_test(test_chaining),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_setv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

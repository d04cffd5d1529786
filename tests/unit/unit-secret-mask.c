/* tests/unit/unit-secret-mask.c -- the token is masked as sent and percent-encoded, every copy, in
 * texts and in errors (runner/secret_mask.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "secret_mask.h"

static void test_mask(void **state)
{
	struct err err = ERR_INIT;
	char *m;

	(void)state;
	assert_null(secret_mask("nothing set yet 1~abc"));
	secret_mask_set("1~abcDEF");
	assert_null(secret_mask("no token here, only 1~abc"));
	m = secret_mask("bad 1~abcDEF and again 1~abcDEF, url-encoded 1%7EabcDEF.");
	assert_non_null(m);
	assert_string_equal(m, "bad [token] and again [token], url-encoded [token].");
	free(m);
	err_set(&err, ERR_GENERIC, "Canvas: invalid token 1~abcDEF");
	assert_int_equal(secret_mask_err(&err), 1);
	assert_string_equal(err.msg, "Canvas: invalid token [token]");
	assert_int_equal(secret_mask_err(&err), 0);
	secret_mask_set(NULL);
	assert_null(secret_mask("1~abcDEF"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

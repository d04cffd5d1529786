/* tests/unit/unit-intmap.c -- the integer map of include/intmap.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "intmap.h"
#include "xalloc.h"

/* put returns what it replaces; NULL stored is "none"; 0 and the largest keys are keys like any. */
static void test_put_get_replace(void **state)
{
	struct intmap m = INTMAP_INIT;
	int a = 1, b = 2;

	(void)state;
	assert_null(intmap_get(&m, 0));
	assert_null(intmap_put(&m, 0, NULL));   /* nothing stored, nothing allocated */
	assert_int_equal(m.cap, 0);
	assert_null(intmap_put(&m, 0, &a));
	assert_ptr_equal(intmap_get(&m, 0), &a);
	assert_null(intmap_get(&m, 1));
	assert_ptr_equal(intmap_put(&m, 0, &b), &a);
	assert_ptr_equal(intmap_get(&m, 0), &b);
	assert_int_equal(m.n, 1);
	assert_ptr_equal(intmap_put(&m, 0, NULL), &b);   /* back to none */
	assert_null(intmap_get(&m, 0));
	assert_null(intmap_put(&m, UINT64_MAX - 1, &a));
	assert_ptr_equal(intmap_get(&m, UINT64_MAX - 1), &a);
	assert_null(intmap_get(&m, UINT64_MAX - 2));
	intmap_release(&m, NULL);
	assert_int_equal(m.cap, 0);
	assert_null(intmap_get(&m, UINT64_MAX - 1));
}

/* Growth keeps every entry: consecutive numbers (course ids, change indexes) and aligned addresses,
 * each found, their neighbours not. */
static void test_many_keys(void **state)
{
	struct intmap m = INTMAP_INIT;
	const uint64_t base[2] = { 7000, (uint64_t)1 << 40 };
	const uint64_t step[2] = { 1, 16 };
	size_t i, n = 100000;
	int s;

	(void)state;
	for (s = 0; s < 2; s++) {
		for (i = 0; i < n; i++)
			assert_null(intmap_put(&m, base[s] + i * step[s], (void *)(uintptr_t)(i + 1)));
		assert_int_equal(m.n, n);
		assert_true(m.cap >= 2 * n);
		for (i = 0; i < n; i++) {
			assert_int_equal((uintptr_t)intmap_get(&m, base[s] + i * step[s]), i + 1);
			if (step[s] > 1)
				assert_null(intmap_get(&m, base[s] + i * step[s] + 1));
		}
		assert_null(intmap_get(&m, base[s] + n * step[s]));
		intmap_release(&m, NULL);
	}
}

/* release frees every value stored with the function given, and none put back to NULL (ASan and
 * valgrind see a leak or a double free). */
static void test_release_frees_values(void **state)
{
	struct intmap m = INTMAP_INIT;
	uint64_t k;

	(void)state;
	for (k = 0; k < 100; k++)
		intmap_put(&m, k * 3, xstrdup("value"));
	free(intmap_put(&m, 3, NULL));
	free(intmap_put(&m, 6, xstrdup("again")));
	assert_string_equal(intmap_get(&m, 6), "again");
	assert_null(intmap_get(&m, 3));
	intmap_release(&m, free);
	assert_int_equal(m.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_replace),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_release_frees_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

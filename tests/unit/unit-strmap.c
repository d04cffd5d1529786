/* tests/unit/unit-strmap.c -- the string map and hash of include/strmap.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strmap.h"
#include "xalloc.h"

static void test_hash_vectors(void **state)
{
	(void)state;
	/* FNV-1a 64-bit reference values */
	assert_true(strmap_hash("") == 0xcbf29ce484222325ull);
	assert_true(strmap_hash("a") == 0xaf63dc4c8601ec8cull);
	assert_true(strmap_hash("foobar") == 0x85944171f73967e8ull);
	assert_true(strmap_hash_n("foobarXYZ", 6) == strmap_hash("foobar"));
	assert_true(strmap_hash_n("a\0b", 3) != strmap_hash("a"));
}

static void test_put_get_replace_add(void **state)
{
	struct strmap m = STRMAP_INIT;
	int a = 1, b = 2, c = 3;

	(void)state;
	assert_null(strmap_get(&m, "x"));
	strmap_put(&m, "x", &a);
	assert_ptr_equal(strmap_get(&m, "x"), &a);
	strmap_put(&m, "x", &b);
	assert_ptr_equal(strmap_get(&m, "x"), &b);
	assert_int_equal(m.n, 1);
	assert_int_equal(strmap_add(&m, "x", &c), 0);
	assert_ptr_equal(strmap_get(&m, "x"), &b);
	assert_int_equal(strmap_add(&m, "y", &c), 1);
	assert_ptr_equal(strmap_get(&m, "y"), &c);
	strmap_put_take(&m, xstrdup("x"), &a);      /* the duplicate key is freed (ASan checks) */
	assert_ptr_equal(strmap_get(&m, "x"), &a);
	strmap_put_take(&m, xstrdup("z"), &c);
	assert_int_equal(m.n, 3);
	assert_null(strmap_get(&m, ""));
	assert_null(strmap_get(&m, "xx"));
	strmap_release(&m);
	assert_int_equal(m.cap, 0);
	assert_null(strmap_get(&m, "x"));
}

/* Growth keeps every entry; keys that differ only after a separator stay apart. */
static void test_many_keys(void **state)
{
	struct strmap m = STRMAP_INIT;
	char k[64];
	size_t i, n = 100000;

	(void)state;
	for (i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "4821\x1f%d\x1f%zu", (int)(i % 7), i);
		strmap_put(&m, k, (void *)(uintptr_t)(i + 1));
	}
	assert_int_equal(m.n, n);
	assert_true(m.cap >= 2 * n);
	for (i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "4821\x1f%d\x1f%zu", (int)(i % 7), i);
		assert_int_equal((uintptr_t)strmap_get(&m, k), i + 1);
		snprintf(k, sizeof(k), "4821\x1f%d\x1f%zu", (int)((i + 1) % 7), i);
		assert_null(strmap_get(&m, k));
	}
	strmap_release(&m);
}

/* strmap_clear empties the map and keeps its table: filled again, no key of before is found. */
static void test_clear_keeps_the_table(void **state)
{
	struct strmap m = STRMAP_INIT;
	char k[32];
	size_t cap, i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "a%zu", i);
		strmap_put(&m, k, (void *)(i + 1));
	}
	cap = m.cap;
	strmap_clear(&m);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.cap, cap);
	assert_null(strmap_get(&m, "a1"));
	for (i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "b%zu", i);
		strmap_put(&m, k, (void *)(i + 1));
	}
	assert_int_equal(m.cap, cap);
	assert_int_equal(m.n, 1000);
	assert_null(strmap_get(&m, "a999"));
	assert_ptr_equal(strmap_get(&m, "b999"), (void *)1000);
	strmap_clear(&m);
	strmap_release(&m);
	strmap_clear(&m);   /* an empty map: nothing to do */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_put_get_replace_add),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_clear_keeps_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

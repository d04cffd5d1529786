/* tests/unit/unit-snapindex.c -- a snapshot's courses and assignments by id (include/snapindex.h):
 * numeric and string ids, the first of a duplicated id, absent ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "snapindex.h"

static const char *name_of(const cJSON *o)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "name"));
}

static void test_lookups(void **state)
{
	cJSON *snap = cJSON_Parse("{\"courses\": ["
				  "{\"id\": 4821, \"name\": \"c1\", \"assignments\": ["
				  "  {\"id\": 7, \"name\": \"a7\"}, {\"id\": \"x9\", \"name\": \"ax\"},"
				  "  {\"id\": 7, \"name\": \"a7 again\"}, {\"name\": \"no id\"}]},"
				  "{\"id\": 4822, \"name\": \"c2\", \"assignments\": [{\"id\": 7, \"name\": \"b7\"}]},"
				  "{\"id\": 4821, \"name\": \"c1 again\"}]}");
	struct snapindex ix;

	(void)state;
	assert_non_null(snap);
	snapindex_build(&ix, snap);
	assert_string_equal(name_of(snapindex_course(&ix, "4821")), "c1");
	assert_string_equal(name_of(snapindex_course(&ix, "4822")), "c2");
	assert_null(snapindex_course(&ix, "4823"));
	assert_null(snapindex_course(&ix, NULL));
	assert_string_equal(name_of(snapindex_assignment(&ix, "4821", "7")), "a7");
	assert_string_equal(name_of(snapindex_assignment(&ix, "4822", "7")), "b7");
	assert_string_equal(name_of(snapindex_assignment(&ix, "4821", "x9")), "ax");
	assert_null(snapindex_assignment(&ix, "4822", "x9"));
	assert_null(snapindex_assignment(&ix, "4823", "7"));
	assert_null(snapindex_assignment(&ix, "4821", NULL));
	snapindex_release(&ix);
	cJSON_Delete(snap);
}

static void test_empty(void **state)
{
	struct snapindex ix;

	(void)state;
	snapindex_build(&ix, NULL);
	assert_null(snapindex_course(&ix, "1"));
	assert_null(snapindex_assignment(&ix, "1", "2"));
	snapindex_release(&ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

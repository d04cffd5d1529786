/* tests/unit/unit-sim-ids.c -- canvas-sim's ids: the stored form (a number below 2^53, a string of
 * digits at or above it) and each answer's form (tests/sim/sim_store.c, README 5.9).
 *
 * With Accept: application/json+canvas-string-ids, Canvas's StringifyIds turns every Integer under
 * a key matching /(^|_)id$/, and every Integer element of a list under /(^|_)ids$/, into its
 * decimal string, at any depth; without it ids are numbers, a big one printed with its exact digits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

static void rendered(const char *in, enum sim_ids how, const char *want)
{
	cJSON *j = cJSON_Parse(in);
	char *got;

	assert_non_null(j);
	sim_ids_render(j, how);
	got = cJSON_PrintUnformatted(j);
	if (strcmp(got, want))
		fail_msg("'%s': got '%s', want '%s'", in, got, want);
	free(got);
	cJSON_Delete(j);
}

static void test_strings(void **state)
{
	(void)state;
	rendered("[{\"id\":51002,\"course_id\":4821,\"position\":2,\"points_possible\":10.5,\"quiz_id\":null,"
		 "\"items\":[{\"content_id\":7,\"page_url\":\"a\"}],\"student_ids\":[1,\"10000000000000951\"],"
		 "\"sis_course_id\":\"12\",\"valid\":3,\"ids\":[4]}]",
		 SIM_IDS_STRINGS,
		 "[{\"id\":\"51002\",\"course_id\":\"4821\",\"position\":2,\"points_possible\":10.5,\"quiz_id\":null,"
		 "\"items\":[{\"content_id\":\"7\",\"page_url\":\"a\"}],\"student_ids\":[\"1\",\"10000000000000951\"],"
		 "\"sis_course_id\":\"12\",\"valid\":3,\"ids\":[\"4\"]}]");
}

static void test_numbers(void **state)
{
	(void)state;
	/* a stored big id is printed as a number with its exact digits; a small string id and a
	 * sis id stay strings; non-digit strings ("assignment_5", a calendar pseudo-event) too */
	rendered("{\"id\":\"10000000000000001\",\"module_id\":\"12\",\"prerequisite_module_ids\":[\"10000000000000301\"],"
		 "\"sis_course_id\":\"10000000000000001\",\"parent_id\":\"assignment_5\",\"x_id\":5}",
		 SIM_IDS_NUMBERS,
		 "{\"id\":10000000000000001,\"module_id\":\"12\",\"prerequisite_module_ids\":[10000000000000301],"
		 "\"sis_course_id\":\"10000000000000001\",\"parent_id\":\"assignment_5\",\"x_id\":5}");
	rendered("{\"id\":\"10000000000000001\"}", SIM_IDS_ASIS, "{\"id\":\"10000000000000001\"}");
}

static void test_items(void **state)
{
	cJSON *a = sim_id_item(9007199254740991LL), *b = sim_id_item(9007199254740992LL);

	(void)state;
	assert_true(cJSON_IsNumber(a));
	assert_true(cJSON_IsString(b));
	assert_string_equal(b->valuestring, "9007199254740992");
	assert_true(sim_value_id(a) == 9007199254740991LL);
	assert_true(sim_value_id(b) == 9007199254740992LL);
	cJSON_Delete(a);
	cJSON_Delete(b);
	a = cJSON_Parse("[\"12a\", \"\", 2.5, -1, null, \"0012\"]");
	assert_true(sim_value_id(cJSON_GetArrayItem(a, 0)) == -1);
	assert_true(sim_value_id(cJSON_GetArrayItem(a, 1)) == -1);
	assert_true(sim_value_id(cJSON_GetArrayItem(a, 2)) == -1);
	assert_true(sim_value_id(cJSON_GetArrayItem(a, 3)) == -1);
	assert_true(sim_value_id(cJSON_GetArrayItem(a, 4)) == -1);
	assert_true(sim_value_id(cJSON_GetArrayItem(a, 5)) == 12);
	cJSON_Delete(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

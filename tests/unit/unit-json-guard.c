/* tests/unit/unit-json-guard.c -- a NUL in Canvas text, an id a double cannot hold, an id twice in
 * a list and another course's answer are refused with a message naming the object
 * (runner/json_guard.c); Canvas's string ids back to numbers where a double holds them exactly,
 * and read as text or a 64-bit integer (runner/jsonid.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json_guard.h"
#include "jsonid.h"

static void text(const char *body, const char *want)
{
	struct err err = ERR_INIT;
	int rc = json_guard_text(body, strlen(body), "the pages of course 1", &err);

	if (!want) {
		if (rc)
			fail_msg("'%s' refused: %s", body, err.msg);
		return;
	}
	assert_int_equal(rc, ERR_CORRUPT);
	if (!strstr(err.msg, want))
		fail_msg("'%s': '%s' lacks '%s'", body, err.msg, want);
}

static void test_nul(void **state)
{
	(void)state;
	text("[{\"id\":1,\"title\":\"a\"}]", NULL);
	text("[{\"id\":1,\"title\":\"a\\\\u0000b\"}]", NULL);            /* \\u0000: a backslash, then text */
	text("[{\"id\":1,\"title\":\"a\\\\\\u0000b\"}]", "object id 1, field 'title'");   /* \\ then \u0000 */
	text("[{\"id\":1,\"t\":\"\\\"\"},{\"id\":7,\"body\":\"x\\u0000\"}]", "object id 7, field 'body'");
	text("{\"id\":3,\"a\":{\"b\":[\"\\u0000\"]}}", "(\\u0000) in a string (object id 3, field 'b')");
	text("{\"k\\u0000\":1}", "a field name");
	text("\"outside\" \\u0000", NULL);                               /* not inside a string */
	{
		const char raw[] = "{\"id\":1,\"t\":\"a\0b\"}";
		struct err err = ERR_INIT;

		assert_int_equal(json_guard_text(raw, sizeof(raw) - 1, "x", &err), ERR_CORRUPT);
		assert_non_null(strstr(err.msg, "a 0 byte"));
	}
}

static void test_utf8(void **state)
{
	(void)state;
	text("[{\"id\":1,\"title\":\"caf\xc3\xa9 \xe2\x80\xae \xf0\x9f\x98\x80\"}]", NULL);
	text("[{\"id\":1,\"title\":\"a\xff\"}]", "(0xff at byte 19, object id 1, field 'title')");
	text("[{\"id\":2,\"t\":\"\xc0\xaf\"}]", "object id 2, field 't'");          /* overlong '/' */
	text("[{\"id\":3,\"t\":\"\xed\xa0\x80\"}]", "object id 3, field 't'");      /* a surrogate */
	text("[{\"id\":4,\"t\":\"\xf4\x90\x80\x80\"}]", "object id 4");           /* above U+10FFFF */
	text("{\"k\xfe\":1}", "a field name");
	text("[]\xe2\x80", "outside a string");                                     /* cut short */
}

static void ids(const char *json, const char *want)
{
	struct err err = ERR_INIT;
	cJSON *j = cJSON_Parse(json);
	int rc;

	assert_non_null(j);
	rc = json_guard_ids(j, "the assignments of course 1", &err);
	cJSON_Delete(j);
	if (!want) {
		if (rc)
			fail_msg("'%s' refused: %s", json, err.msg);
		return;
	}
	assert_int_equal(rc, ERR_CORRUPT);
	if (!strstr(err.msg, want))
		fail_msg("'%s': '%s' lacks '%s'", json, err.msg, want);
}

static void test_ids(void **state)
{
	(void)state;
	ids("[{\"id\":51002,\"points\":2.5,\"quiz_id\":null,\"x_id\":\"12.5\"}]", NULL);
	ids("[{\"id\":9007199254740991}]", NULL);
	ids("[{\"id\":51002.5}]", "'id' 51002.5, which is not a whole number");
	ids("[{\"id\":1,\"overrides\":[{\"assignment_id\":1e300}]}]", "'assignment_id' 1.0000000000000001e+300");
	ids("[{\"id\":9007199254740993}]", "not an id a number can hold exactly");
	ids("[{\"id\":1,\"due_at\":null,\"lock_at\":\"2025-01-01T00:00:00Z\",\"at\":5}]", NULL);
	ids("[{\"id\":1,\"due_at\":1738990799}]", "'due_at' as a number, not a date or null");
	ids("[{\"id\":1,\"overrides\":[{\"unlock_at\":true}]}]", "'unlock_at' as true or false");
	ids("{\"errors\":{\"due_at\":[{\"message\":\"in a closed grading period\"}]}}", NULL);
}

static void unique(const char *json, const char *want)
{
	struct err err = ERR_INIT;
	cJSON *j = cJSON_Parse(json);
	int rc = json_guard_unique(j, "the modules of course 1", &err);

	cJSON_Delete(j);
	if (!want) {
		assert_int_equal(rc, 0);
		return;
	}
	assert_int_equal(rc, ERR_CORRUPT);
	if (!strstr(err.msg, want))
		fail_msg("'%s': '%s' lacks '%s'", json, err.msg, want);
}

static void test_unique(void **state)
{
	(void)state;
	unique("[{\"id\":1},{\"id\":2},{\"name\":\"no id\"},{\"name\":\"no id\"}]", NULL);
	unique("[{\"id\":1},{\"id\":2},{\"id\":1}]", "Canvas listed id 1 twice");
	unique("[{\"page_id\":5,\"url\":\"a\"},{\"page_id\":5,\"url\":\"b\"}]", "listed id 5 twice");
	unique("[{\"id\":\"7\"},{\"id\":\"7\"}]", "listed id 7 twice");
}

static void test_course(void **state)
{
	struct err err = ERR_INIT;
	cJSON *c = cJSON_Parse("{\"id\":4822,\"name\":\"x\"}");

	(void)state;
	assert_int_equal(json_guard_course("4822", c, &err), 0);
	assert_int_equal(json_guard_course("sis_course_id:A", c, &err), 0);
	assert_int_equal(json_guard_course("4821", c, &err), ERR_CORRUPT);
	assert_string_equal(err.msg, "course 4821: Canvas answered with course 4822 instead; refusing the answer "
			    "(a proxy or cache between coursectl and Canvas?)");
	cJSON_Delete(c);
}

/* jsonid_canon over `in` prints as `want`. */
static void canon(const char *in, const char *want)
{
	cJSON *j = cJSON_Parse(in);
	char *got;

	assert_non_null(j);
	jsonid_canon(j);
	got = cJSON_PrintUnformatted(j);
	if (strcmp(got, want))
		fail_msg("'%s': got '%s', want '%s'", in, got, want);
	cJSON_free(got);
	cJSON_Delete(j);
}

static void test_canon(void **state)
{
	(void)state;
	/* StringifyIds's keys: id, *_id, and the elements of ids / *_ids lists, at any depth */
	canon("[{\"id\":\"51002\",\"course_id\":\"4821\",\"items\":[{\"content_id\":\"7\"}]}]",
	      "[{\"id\":51002,\"course_id\":4821,\"items\":[{\"content_id\":7}]}]");
	canon("{\"prerequisite_module_ids\":[\"804\",\"10000000000000301\"],\"ids\":[\"1\"]}",
	      "{\"prerequisite_module_ids\":[804,\"10000000000000301\"],\"ids\":[1]}");
	/* 15 digits a number, 16 (2^53 - 1 too: cJSON would print it with 15 significant digits) text;
	 * leading zeros, signs, blanks and non-digits stay text */
	canon("{\"id\":\"999999999999999\",\"g_id\":\"9007199254740991\",\"a_id\":\"9007199254740992\","
	      "\"b_id\":\"0123\",\"c_id\":\"-1\",\"d_id\":\"\",\"e_id\":\"12a\",\"f_id\":\"0\"}",
	      "{\"id\":999999999999999,\"g_id\":\"9007199254740991\",\"a_id\":\"9007199254740992\","
	      "\"b_id\":\"0123\",\"c_id\":\"-1\",\"d_id\":\"\",\"e_id\":\"12a\",\"f_id\":0}");
	/* text ids Canvas sends as strings anyway, and keys that only look alike, are left alone */
	canon("{\"sis_course_id\":\"12345\",\"lti_context_id\":\"9\",\"integration_id\":\"5\","
	      "\"migration_id\":\"6\",\"login_id\":\"7\",\"uuid\":\"8\",\"valid\":\"9\",\"name\":\"10\","
	      "\"x_ids\":\"11\"}",
	      "{\"sis_course_id\":\"12345\",\"lti_context_id\":\"9\",\"integration_id\":\"5\","
	      "\"migration_id\":\"6\",\"login_id\":\"7\",\"uuid\":\"8\",\"valid\":\"9\",\"name\":\"10\","
	      "\"x_ids\":\"11\"}");
	/* numbers and nulls as they were */
	canon("{\"id\":5,\"quiz_id\":null,\"page_id\":3}", "{\"id\":5,\"quiz_id\":null,\"page_id\":3}");
	/* objects under any key, and in any list (an ids list's too), are walked; a string under a key
	 * ending in d or s that is no id stays (jsonid_canon tests the key only for a string or a list) */
	canon("{\"x_ids\":[{\"id\":\"3\"},\"4\"],\"course_id\":{\"id\":\"5\"},\"sis_ids\":[\"6\"],"
	      "\"status\":\"7\",\"grid\":\"8\",\"s\":[[{\"user_id\":\"9\"}]],\"tool_ids\":[\"10\"]}",
	      "{\"x_ids\":[{\"id\":3},4],\"course_id\":{\"id\":5},\"sis_ids\":[\"6\"],"
	      "\"status\":\"7\",\"grid\":\"8\",\"s\":[[{\"user_id\":9}]],\"tool_ids\":[10]}");
}

/* jsonid_text's digits of a number are %.0f's, whatever the number: the integer fast path (issue 18)
 * and printf agree on every edge -- 1, the largest below 1e15, 1e15 itself, fractions, negatives,
 * zero and -0, 2^53 and beyond. */
static void test_text_number_edges(void **state)
{
	static const double v[] = { 1, 9, 10, 51002, 999999999999999.0, 1e15, 1e15 + 1, 9007199254740992.0,
				    9007199254740993.0, 1e20, 0.5, 1.5, 2.5, 0.4, 0, -0.0, -1, -51002, 123456.7,
				    4294967296.0, 2147483648.0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cJSON *n = cJSON_CreateNumber(v[i]);
		char b[32], want[64];

		snprintf(want, sizeof(want), "%.0f", v[i]);
		assert_string_equal(jsonid_text(n, b), want);
		cJSON_Delete(n);
	}
}

static void test_text_ll(void **state)
{
	cJSON *j = cJSON_Parse("[51002, \"10000000000000001\", \"sis_course_id:A\", null, 2.5, -3,"
			       " \"99999999999999999999\"]");
	char b[32];
	long long v = 0;

	(void)state;
	assert_string_equal(jsonid_text(cJSON_GetArrayItem(j, 0), b), "51002");
	assert_string_equal(jsonid_text(cJSON_GetArrayItem(j, 1), b), "10000000000000001");
	assert_null(jsonid_text(cJSON_GetArrayItem(j, 3), b));
	assert_int_equal(jsonid_ll(cJSON_GetArrayItem(j, 0), &v), 0);
	assert_true(v == 51002);
	assert_int_equal(jsonid_ll(cJSON_GetArrayItem(j, 1), &v), 0);
	assert_true(v == 10000000000000001LL);
	assert_int_equal(jsonid_ll(cJSON_GetArrayItem(j, 2), &v), -1);
	assert_int_equal(jsonid_ll(cJSON_GetArrayItem(j, 3), &v), -1);
	assert_int_equal(jsonid_ll(cJSON_GetArrayItem(j, 4), &v), -1);
	assert_int_equal(jsonid_ll(cJSON_GetArrayItem(j, 5), &v), -1);
	assert_int_equal(jsonid_ll(cJSON_GetArrayItem(j, 6), &v), -1);   /* beyond 64 bits */
	/* the writing rule is unchanged: 15 digits a number, 17 a string */
	cJSON_Delete(j);
	j = jsonid("10000000000000001");
	assert_true(cJSON_IsString(j));
	cJSON_Delete(j);
	j = jsonid("999999999999999");
	assert_true(cJSON_IsNumber(j));
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_course),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_text_ll),
		cmocka_unit_test(test_text_number_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/unit-sim-form.c -- canvas-sim's form and query decoding (tests/sim/sim_form.c).
 *
 * What is pinned here is what a handler relies on: percent-decoding byte for byte (a '+' is a
 * space in a query but not in a path; a bad escape stays literal, never read past the end),
 * Rack's nesting of bracketed keys (API.md 9: form and JSON bodies must mean the same thing),
 * and Canvas::Plugin.value_to_boolean. Each case compares the whole decoded document, printed,
 * so that an extra or a missing key fails too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim_form.h"

/* ---------------------------------------------------------------- helpers */

static void check_decode(const char *in, const char *want)
{
	char *got = form_urldecode(in, strlen(in));

	assert_string_equal(got, want);
	free(got);
}

/* The decoded document of a query string, printed without spaces. */
static char *doc(const char *query)
{
	struct sim_kv *kv = NULL;
	size_t n = 0;
	cJSON *j;
	char *out;

	form_parse(query, strlen(query), &kv, &n);
	j = form_to_json(kv, n);
	out = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	form_free(kv, n);
	return out;
}

static void check_doc(const char *query, const char *want)
{
	char *got = doc(query);

	assert_string_equal(got, want);
	free(got);
}

/* ---------------------------------------------------------------- decoding */

static void test_urldecode_plain(void **state)
{
	(void)state;
	check_decode("", "");
	check_decode("abc", "abc");
	check_decode("a+b", "a b");
	check_decode("a%20b", "a b");
	check_decode("%2B", "+");
	check_decode("%2f%2F", "//");
	check_decode("%5B%5D", "[]");
	check_decode("caf%C3%A9", "caf\xc3\xa9");
}

static void test_urldecode_bad_escapes(void **state)
{
	(void)state;
	/* an escape that is not two hex digits stays as it is */
	check_decode("%", "%");
	check_decode("%4", "%4");
	check_decode("a%", "a%");
	check_decode("a%4", "a%4");
	check_decode("%zz", "%zz");
	check_decode("%4g", "%4g");
	check_decode("%g4", "%g4");
	check_decode("%%41", "%A");
	check_decode("100%", "100%");
}

static void test_urldecode_respects_length(void **state)
{
	/* the decoder reads n bytes, not up to a NUL: "%41" cut after "%4" stays "%4" */
	const char s[] = "%41rest";
	char *got;

	(void)state;
	got = form_urldecode(s, 2);
	assert_string_equal(got, "%4");
	free(got);
	got = form_urldecode(s, 3);
	assert_string_equal(got, "A");
	free(got);
	got = form_urldecode(s, 0);
	assert_string_equal(got, "");
	free(got);
}

static void test_urldecode_nul(void **state)
{
	/* %00 decodes to a NUL byte; the C string then ends there (a value is a C string) */
	char *got = form_urldecode("a%00b", 5);

	(void)state;
	assert_int_equal(got[0], 'a');
	assert_int_equal(got[1], '\0');
	assert_int_equal(got[2], 'b');
	assert_int_equal(got[3], '\0');
	assert_string_equal(got, "a");
	free(got);
}

static void test_pathdecode_keeps_plus(void **state)
{
	char *got;

	(void)state;
	got = form_pathdecode("a+b%2Fc", 7);
	assert_string_equal(got, "a+b/c");
	free(got);
	got = form_pathdecode("sis_course_id:PHYS101L%2F001", 28);
	assert_string_equal(got, "sis_course_id:PHYS101L/001");
	free(got);
	got = form_pathdecode("%", 1);
	assert_string_equal(got, "%");
	free(got);
	got = form_pathdecode("x%2", 3);
	assert_string_equal(got, "x%2");
	free(got);
}

static void test_urlencode(void **state)
{
	char *got;

	(void)state;
	got = form_urlencode("include[]");
	assert_string_equal(got, "include%5B%5D");
	free(got);
	got = form_urlencode("AZaz09-._~");
	assert_string_equal(got, "AZaz09-._~");
	free(got);
	got = form_urlencode("a b+c/d&e=f?");
	assert_string_equal(got, "a%20b%2Bc%2Fd%26e%3Df%3F");
	free(got);
	got = form_urlencode("caf\xc3\xa9");
	assert_string_equal(got, "caf%C3%A9");
	free(got);
	got = form_urlencode("");
	assert_string_equal(got, "");
	free(got);
}

static void test_urlencode_roundtrip(void **state)
{
	char all[256], *enc, *dec;
	int i;

	(void)state;
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	enc = form_urlencode(all);
	dec = form_urldecode(enc, strlen(enc));
	assert_memory_equal(dec, all, 256);
	free(enc);
	free(dec);
}

/* ---------------------------------------------------------------- form_parse */

static void test_parse_pairs(void **state)
{
	struct sim_kv *kv = NULL;
	size_t n = 0;
	const char *q = "a=1&b=&c&&d=x%3Dy=z&e+f=g+h;k=v&=empty";

	(void)state;
	form_parse(q, strlen(q), &kv, &n);
	assert_int_equal(n, 7);
	assert_string_equal(kv[0].key, "a");
	assert_string_equal(kv[0].val, "1");
	assert_string_equal(kv[1].key, "b");
	assert_string_equal(kv[1].val, "");
	assert_string_equal(kv[2].key, "c");   /* no '=' : an empty value */
	assert_string_equal(kv[2].val, "");
	assert_string_equal(kv[3].key, "d");   /* only the first '=' splits */
	assert_string_equal(kv[3].val, "x=y=z");
	assert_string_equal(kv[4].key, "e f");
	assert_string_equal(kv[4].val, "g h");
	assert_string_equal(kv[5].key, "k");   /* ';' separates too, as in Rack */
	assert_string_equal(kv[5].val, "v");
	assert_string_equal(kv[6].key, "");
	assert_string_equal(kv[6].val, "empty");
	form_free(kv, n);
}

static void test_parse_appends_and_bounds(void **state)
{
	struct sim_kv *kv = NULL;
	size_t n = 0;
	const char q[] = "x=1&y=2GARBAGE";

	(void)state;
	form_parse("", 0, &kv, &n);
	assert_int_equal(n, 0);
	form_parse("&&;", 3, &kv, &n);
	assert_int_equal(n, 0);
	/* only the first 7 bytes are the input */
	form_parse(q, 7, &kv, &n);
	assert_int_equal(n, 2);
	assert_string_equal(kv[1].val, "2");
	/* a second call appends */
	form_parse("z=3", 3, &kv, &n);
	assert_int_equal(n, 3);
	assert_string_equal(kv[2].key, "z");
	form_free(kv, n);
	form_free(NULL, 0);
}

/* ---------------------------------------------------------------- form_to_json (Rack nesting) */

static void test_json_flat_and_nested(void **state)
{
	(void)state;
	check_doc("", "{}");
	check_doc("a=1", "{\"a\":\"1\"}");
	check_doc("a[b]=1", "{\"a\":{\"b\":\"1\"}}");
	check_doc("a[b][c]=1&a[b][d]=2&a[e]=3", "{\"a\":{\"b\":{\"c\":\"1\",\"d\":\"2\"},\"e\":\"3\"}}");
	check_doc("assignment[due_at]=2025-01-01T00:00:00Z&assignment[published]=true",
		  "{\"assignment\":{\"due_at\":\"2025-01-01T00:00:00Z\",\"published\":\"true\"}}");
	/* escaped brackets are brackets once decoded */
	check_doc("a%5Bb%5D=1", "{\"a\":{\"b\":\"1\"}}");
	/* values stay strings, including numbers and empty */
	check_doc("n=5&e=", "{\"n\":\"5\",\"e\":\"\"}");
}

static void test_json_arrays(void **state)
{
	(void)state;
	check_doc("a[]=1", "{\"a\":[\"1\"]}");
	check_doc("a[c][]=2&a[c][]=3", "{\"a\":{\"c\":[\"2\",\"3\"]}}");
	check_doc("include[]=items&include[]=content_details&x=1",
		  "{\"include\":[\"items\",\"content_details\"],\"x\":\"1\"}");
	check_doc("module[prerequisite_module_ids][]=1&module[prerequisite_module_ids][]=2",
		  "{\"module\":{\"prerequisite_module_ids\":[\"1\",\"2\"]}}");
	/* an empty value is still an element */
	check_doc("a[]=&a[]=x", "{\"a\":[\"\",\"x\"]}");
}

static void test_json_array_of_objects(void **state)
{
	(void)state;
	/* a key already in the last object starts a new object */
	check_doc("assignment_overrides[][id]=1&assignment_overrides[][title]=x&assignment_overrides[][id]=2",
		  "{\"assignment_overrides\":[{\"id\":\"1\",\"title\":\"x\"},{\"id\":\"2\"}]}");
	check_doc("o[][id]=1&o[][due_at]=&o[][id]=2&o[][due_at]=2025-01-01",
		  "{\"o\":[{\"id\":\"1\",\"due_at\":\"\"},{\"id\":\"2\",\"due_at\":\"2025-01-01\"}]}");
	/* nested arrays inside the objects */
	check_doc("o[][student_ids][]=5&o[][student_ids][]=6&o[][id]=9",
		  "{\"o\":[{\"student_ids\":[\"5\",\"6\"],\"id\":\"9\"}]}");
	check_doc("o[][student_ids][]=5&o[][id]=9&o[][id]=10",
		  "{\"o\":[{\"student_ids\":[\"5\"],\"id\":\"9\"},{\"id\":\"10\"}]}");
	/* a nested key that repeats also starts a new object */
	check_doc("o[][a][b]=1&o[][a][b]=2", "{\"o\":[{\"a\":{\"b\":\"1\"}},{\"a\":{\"b\":\"2\"}}]}");
	check_doc("o[][a][b]=1&o[][a][c]=2", "{\"o\":[{\"a\":{\"b\":\"1\",\"c\":\"2\"}}]}");
}

static void test_json_repeat_and_conflicts(void **state)
{
	(void)state;
	/* a repeated scalar key: the last one wins (Rails params) */
	check_doc("a=1&a=2", "{\"a\":\"2\"}");
	check_doc("a[b]=1&a[b]=2", "{\"a\":{\"b\":\"2\"}}");
	/* a scalar and then a nested use of the same key: the later shape replaces the earlier */
	check_doc("a=1&a[b]=2", "{\"a\":{\"b\":\"2\"}}");
	check_doc("a=1&a[]=2", "{\"a\":[\"2\"]}");
	check_doc("a[]=1&a=2", "{\"a\":\"2\"}");
}

static void test_json_empty_keys(void **state)
{
	(void)state;
	/* pairs without a name are dropped */
	check_doc("=1", "{}");
	check_doc("=1&a=2", "{\"a\":\"2\"}");
	check_doc("[]=1", "{}");
	check_doc("&&a=1&&", "{\"a\":\"1\"}");
	/* malformed brackets, as Rack reads them */
	check_doc("a[=1", "{\"a[\":\"1\"}");
	check_doc("a]=1", "{\"a\":\"1\"}");
	check_doc("[a]=1", "{\"a\":\"1\"}");
	check_doc("a[b]c=1", "{\"a\":{\"b\":{\"c\":\"1\"}}}");
	check_doc("a[b=1", "{\"a\":{\"b\":\"1\"}}");
}

static void test_json_deep_nesting(void **state)
{
	/* a hostile key of thousands of brackets must not blow the stack */
	size_t depth = 200000, i;
	char *q = malloc(3 * depth + 8), *p = q, *got;

	(void)state;
	*p++ = 'a';
	for (i = 0; i < depth; i++) {
		*p++ = '[';
		*p++ = 'x';
		*p++ = ']';
	}
	memcpy(p, "=1", 3);
	got = doc(q);
	assert_non_null(got);
	free(got);
	free(q);
}

/* ---------------------------------------------------------------- value_to_boolean */

static void test_value_bool(void **state)
{
	static const char *const yes[] = { "yes", "y", "true", "t", "on", "1", "YES", "True", "T", "On", "Y",
					   "2", "-1", "10", "1abc", " 1" };
	static const char *const no[] = { "no", "n", "false", "f", "off", "0", "NO", "False", "F", "OFF",
					  "", "abc", "0x1", "truee", " ", "00", "-0" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (form_value_bool(yes[i]) != 1)
			fail_msg("'%s' should be true", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (form_value_bool(no[i]) != 0)
			fail_msg("'%s' should be false", no[i]);
	assert_int_equal(form_value_bool(NULL), 0);
	/* Ruby's to_i on a huge number is non-zero: true, without overflow */
	assert_int_equal(form_value_bool("99999999999999999999999999"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urldecode_plain),
		cmocka_unit_test(test_urldecode_bad_escapes),
		cmocka_unit_test(test_urldecode_respects_length),
		cmocka_unit_test(test_urldecode_nul),
		cmocka_unit_test(test_pathdecode_keeps_plus),
		cmocka_unit_test(test_urlencode),
		cmocka_unit_test(test_urlencode_roundtrip),
		cmocka_unit_test(test_parse_pairs),
		cmocka_unit_test(test_parse_appends_and_bounds),
		cmocka_unit_test(test_json_flat_and_nested),
		cmocka_unit_test(test_json_arrays),
		cmocka_unit_test(test_json_array_of_objects),
		cmocka_unit_test(test_json_repeat_and_conflicts),
		cmocka_unit_test(test_json_empty_keys),
		cmocka_unit_test(test_json_deep_nesting),
		cmocka_unit_test(test_value_bool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

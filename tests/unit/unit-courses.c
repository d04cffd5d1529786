/* tests/unit/unit-courses.c -- the courses of a run (runner/courses.c): --shard parsing, the shard
 * function, and courses_select (listings filtered by where, merged with the recipe's ids, narrowed
 * by --course, cut by a shard).
 *
 * What CI relies on: the N shards of a list are disjoint and together the whole list; a course's
 * shard does not change when other courses are added or the list is reordered; a listing's where
 * filters on course_code, name and published; the order is the recipe's ids, then listed courses by
 * id, each once; a --course outside the recipe's courses is a usage error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "courses.h"
#include "recipe.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- shards */

static void test_shard_parse(void **state)
{
	static const char *const bad[] = { "", "1", "1/", "/3", "0/3", "4/3", "1/0", "a/3", "1/3x", "-1/3", "1/-3",
					   " 1/3", "1/3 ", "1//3", "99999999999999999999/3" };
	struct shard sh;
	struct err err = ERR_INIT;
	size_t i;

	(void)state;
	assert_int_equal(shard_parse("2/4", &sh, &err), 0);
	assert_int_equal(sh.i, 2);
	assert_int_equal(sh.n, 4);
	assert_int_equal(shard_parse("1/1", &sh, &err), 0);
	assert_int_equal(shard_parse("7/7", &sh, &err), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&err);
		if (shard_parse(bad[i], &sh, &err) != ERR_USAGE)
			fail_msg("--shard '%s' was accepted", bad[i]);
		assert_non_null(strstr(err.msg, "--shard"));
	}
}

static void test_shards_partition_and_are_stable(void **state)
{
	char id[32];
	unsigned n, i, k, count[8];
	unsigned long first[2000];

	(void)state;
	for (n = 1; n <= 7; n++) {
		memset(count, 0, sizeof(count));
		for (k = 0; k < 2000; k++) {
			snprintf(id, sizeof(id), "%u", 6000 + k);
			i = shard_of(id, n);
			/* exactly one shard (disjoint and whole), always the same one */
			assert_true(i >= 1 && i <= n);
			assert_int_equal(shard_of(id, n), i);
			count[i - 1]++;
			if (n == 3)
				first[k] = i;
		}
		/* consecutive ids spread: no shard gets less than half its share */
		for (i = 0; i < n; i++)
			assert_true(count[i] * n * 2 >= 2000);
	}
	/* the shard is a function of the id alone: SIS ids too, and nothing else moves it */
	for (k = 0; k < 2000; k++) {
		snprintf(id, sizeof(id), "%u", 6000 + k);
		assert_int_equal(shard_of(id, 3), first[k]);
	}
	assert_int_equal(shard_of("sis_course_id:A", 1), 1);
	assert_int_equal(shard_of("", 5), shard_of("", 5));
}

/* ---------------------------------------------------------------- courses_select */

static struct recipe *load(const char *text)
{
	struct recipe *r = NULL;
	struct diags d = DIAGS_INIT;

	if (recipe_load_mem(&r, "t.yaml", text, strlen(text), NULL, &d)) {
		diag_print(&d, stderr);
		fail_msg("the recipe did not load");
	}
	diag_release(&d);
	return r;
}

static const char *listing_json =
	"[{\"id\": 6105, \"course_code\": \"ENGR 301\", \"name\": \"Thermodynamics\","
	"  \"workflow_state\": \"available\"},"
	" {\"id\": 6101, \"course_code\": \"ENGR 101\", \"name\": \"Intro\", \"workflow_state\": \"available\","
	"  \"sis_course_id\": \"ENGR101-S26\"},"
	" {\"id\": 6103, \"course_code\": \"ENGR 201\", \"name\": \"Dynamics\","
	"  \"workflow_state\": \"unpublished\"},"
	" {\"id\": 6104, \"course_code\": \"MATH 101\", \"name\": \"Calculus\", \"workflow_state\": \"available\"},"
	" {\"id\": 6102, \"name\": \"No code\", \"workflow_state\": \"available\"},"
	" {\"id\": \"x\", \"course_code\": \"ENGR 999\"}]";

/* The list as "a b c". */
static char *joined(const struct course_list *cl)
{
	static char b[512];
	size_t i, len = 0;

	b[0] = '\0';
	for (i = 0; i < cl->n; i++)
		len += (size_t)snprintf(b + len, sizeof(b) - len, "%s%s", i ? " " : "", cl->ids[i]);
	return b;
}

/* select with the listing above behind every query of `yaml`; returns the list joined, or the
 * error message prefixed "error: ". */
static char *sel(const char *yaml, char *const *only, size_t nonly, const struct shard *sh)
{
	static char out[600];
	struct recipe *r = load(yaml);
	struct course_list cl = COURSE_LIST_INIT;
	struct err err = ERR_INIT;
	cJSON *listing = cJSON_Parse(listing_json), *listed[4];
	size_t q;

	assert_true(r->nqueries <= 4);
	for (q = 0; q < r->nqueries; q++)
		listed[q] = listing;
	if (courses_select(&cl, r, listed, only, nonly, sh, &err))
		snprintf(out, sizeof(out), "error: %s", err.msg);
	else
		snprintf(out, sizeof(out), "%s", joined(&cl));
	course_list_release(&cl);
	cJSON_Delete(listing);
	recipe_free(r);
	return out;
}

#define STEPS "steps:\n  - shift_dates: {days: 7}\n"

static void test_where_filters(void **state)
{
	(void)state;
	assert_string_equal(sel("version: 1\ncourses: {account: 1, term: 2}\n" STEPS, NULL, 0, NULL),
			    "6101 6102 6103 6104 6105");
	assert_string_equal(sel("version: 1\ncourses: {account: 1, term: 2, where: {course_code: '^ENGR'}}\n" STEPS,
				NULL, 0, NULL), "6101 6103 6105");
	assert_string_equal(sel("version: 1\ncourses: {account: 1, term: 2, where: {course_code: '^ENGR',"
				" published: true}}\n" STEPS, NULL, 0, NULL), "6101 6105");
	assert_string_equal(sel("version: 1\ncourses: {account: 1, term: 2, where: {published: false}}\n" STEPS,
				NULL, 0, NULL), "6103");
	assert_string_equal(sel("version: 1\ncourses: {account: 1, term: 2, where: {name: '(?i)^(intro|calc)'}}\n"
				STEPS, NULL, 0, NULL), "6101 6104");
	assert_string_equal(sel("version: 1\ncourses: {account: 1, term: 2, where: {name: nothing}}\n" STEPS,
				NULL, 0, NULL), "");
}

static void test_merge_order_and_repeats(void **state)
{
	(void)state;
	/* the recipe's ids first, in its order; then listed courses by id; a course in both once */
	assert_string_equal(sel("version: 1\ncourses: [9, 6104, {account: 1, term: 2, where: {course_code: "
				"'^ENGR'}}, {account: 1, term: 3, where: {published: true}}]\n" STEPS, NULL, 0, NULL),
			    "9 6104 6101 6102 6103 6105");
}

static void test_narrowing(void **state)
{
	static char *const by_sis[] = { "sis_course_id:ENGR101-S26", "6105", "6105" };
	static char *const outside[] = { "6104" };
	static char *const given[] = { "77", "sis_course_id:X" };
	const char *listing = "version: 1\ncourses: {account: 1, term: 2, where: {course_code: '^ENGR'}}\n" STEPS;

	(void)state;
	assert_string_equal(sel(listing, by_sis, 3, NULL), "6101 6105");
	assert_non_null(strstr(sel(listing, outside, 1, NULL), "error: course 6104 is not among the courses"));
	assert_non_null(strstr(sel("version: 1\ncourses: [1, 2]\n" STEPS, outside, 1, NULL),
			       "error: course 6104 is not among the courses of t.yaml (t.yaml:2:11)"));
	/* no courses in the recipe: --course gives them; neither: a usage error */
	assert_string_equal(sel("version: 1\n" STEPS, given, 2, NULL), "77 sis_course_id:X");
	assert_non_null(strstr(sel("version: 1\n" STEPS, NULL, 0, NULL), "lists no courses: give --course ID"));
}

static void test_select_shards(void **state)
{
	const char *ids = "version: 1\ncourses: [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]\n" STEPS;
	const char *more = "version: 1\ncourses: [30, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 31]\n" STEPS;
	struct shard sh = { 0, 3 };
	char got[3][200], again[3][200];
	char all[600] = "", *tok, *save;
	int seen[40] = { 0 };

	(void)state;
	for (sh.i = 1; sh.i <= 3; sh.i++) {
		snprintf(got[sh.i - 1], sizeof(got[0]), "%s", sel(ids, NULL, 0, &sh));
		snprintf(again[sh.i - 1], sizeof(again[0]), "%s", sel(more, NULL, 0, &sh));
		strncat(all, got[sh.i - 1], sizeof(all) - strlen(all) - 2);
		strncat(all, " ", sizeof(all) - strlen(all) - 1);
	}
	/* union = the whole list, no course twice */
	for (tok = strtok_r(all, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		long v = strtol(tok, NULL, 10);

		assert_true(v >= 11 && v <= 22);
		assert_int_equal(seen[v], 0);
		seen[v] = 1;
	}
	for (long v = 11; v <= 22; v++)
		assert_int_equal(seen[v], 1);
	/* adding courses and reordering the list moves none of the others */
	for (sh.i = 1; sh.i <= 3; sh.i++) {
		char *a = got[sh.i - 1];

		for (tok = strtok_r(a, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			char pat[16];

			snprintf(pat, sizeof(pat), " %s ", tok);
			{
				char padded[220];

				snprintf(padded, sizeof(padded), " %s ", again[sh.i - 1]);
				if (!strstr(padded, pat))
					fail_msg("course %s moved out of shard %u when courses were added", tok, sh.i);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shard_parse),
		cmocka_unit_test(test_shards_partition_and_are_stable),
		cmocka_unit_test(test_where_filters),
		cmocka_unit_test(test_merge_order_and_repeats),
		cmocka_unit_test(test_narrowing),
		cmocka_unit_test(test_select_shards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

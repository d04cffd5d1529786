/* tests/unit/unit-render-conflicts.c -- apply's conflict report (runner/render_conflicts.c, issue 16).
 *
 * Plans built by hand; the report is asserted in full: grouped per course and object, a date field
 * on three aligned lines in the course's zone (UTC without one), a short field on one line, the
 * fields held back with their object and the objects gone from Canvas on a line each, the counts
 * (what --force writes over: changed fields and their objects only), the cap on objects shown,
 * and a hostile value neutralised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "plan.h"
#include "render.h"

static const char NY[] = "{\"id\": 4821, \"name\": \"Physics I\", \"course_code\": \"PHYS 101\","
			 " \"time_zone\": \"America/New_York\"}";
static const char NOZONE[] = "{\"id\": 6000, \"name\": \"Zoneless\"}";

static cJSON *parse(const char *json)
{
	cJSON *v = cJSON_Parse(json);

	assert_non_null(v);
	return v;
}

static void course(struct plan *p, const char *json)
{
	cJSON *c = parse(json);

	plan_add_course(p, c, NULL);
	cJSON_Delete(c);
}

static void add(struct plan *p, const char *cid, enum resource_kind kind, const char *id, const char *name,
		enum plan_op op, const char *field, const char *before, const char *after)
{
	plan_add(p, "Step", cid, kind, id, NULL, name, op, field, before ? parse(before) : NULL,
		 after ? parse(after) : NULL);
}

/* The index of the change of object id with field f (after plan_finish). */
static size_t at(const struct plan *p, const char *id, const char *f)
{
	size_t i;

	for (i = 0; i < p->nchanges; i++)
		if (!strcmp(p->changes[i].id, id) && (f ? p->changes[i].field && !strcmp(p->changes[i].field, f) :
						     !p->changes[i].field))
			return i;
	fail_msg("no change %s %s", id, f ? f : "(none)");
	return 0;
}

static struct plan *sample(void)
{
	struct plan *p = plan_new();

	course(p, NY);
	course(p, NOZONE);
	add(p, "4821", RES_ASSIGNMENT, "7101", "Lab 1", PLAN_UPDATE, "due_at", "\"2025-09-06T03:59:59Z\"",
	    "\"2025-09-13T03:59:59Z\"");
	add(p, "4821", RES_ASSIGNMENT, "7101", "Lab 1", PLAN_UPDATE, "points_possible", "10", "20");
	add(p, "4821", RES_ASSIGNMENT, "7101", "Lab 1", PLAN_UPDATE, "unlock_at", "null", "\"2025-09-01T04:00:00Z\"");
	add(p, "4821", RES_ASSIGNMENT, "7102", "Set 1", PLAN_UPDATE, "due_at", "null", "\"2025-09-20T03:59:59Z\"");
	add(p, "4821", RES_PAGE, "5", "Gone \x1b[31mpage", PLAN_UPDATE, "title", "\"Old\"", "\"New\"");
	add(p, "6000", RES_ASSIGNMENT, "9", "Essay", PLAN_UPDATE, "lock_at", "\"2025-09-06T03:59:59Z\"",
	    "\"2025-09-13T03:59:59Z\"");
	plan_finish(p);
	return p;
}

static void test_grouped_report(void **state)
{
	struct plan *p = sample();
	cJSON *now1 = parse("\"2025-09-09T16:00:00Z\""), *now2 = parse("15"), *now3 = parse("\"x\\u001b[2Jy\"");
	struct render_conflict v[] = {
		{ at(p, "7101", "due_at"), RENDER_CONFLICT_CHANGED, now1 },
		{ at(p, "7101", "points_possible"), RENDER_CONFLICT_CHANGED, now2 },
		{ at(p, "7101", "unlock_at"), RENDER_CONFLICT_WITH, NULL },
		{ at(p, "5", "title"), RENDER_CONFLICT_GONE, NULL },
		{ at(p, "9", "lock_at"), RENDER_CONFLICT_CHANGED, now3 },
	};
	struct render_conflict_counts cc;
	struct buf out = BUF_INIT;

	(void)state;
	render_conflicts(p, v, sizeof(v) / sizeof(v[0]), 0, &out, &cc);
	assert_string_equal(buf_str(&out),
		"Changed in Canvas since the plan, so not written: 3 fields of 2 objects; 1 object no longer in Canvas\n"
		"\n"
		"Course 4821  PHYS 101 -- Physics I   America/New_York\n"
		"  ~ assignment 7101 \"Lab 1\"\n"
		"      due_at\n"
		"        planned before  Fri 2025-09-05 23:59:59 EDT (2025-09-06T03:59:59Z)\n"
		"        Canvas now      Tue 2025-09-09 12:00:00 EDT (2025-09-09T16:00:00Z)\n"
		"        plan writes     Fri 2025-09-12 23:59:59 EDT (2025-09-13T03:59:59Z)\n"
		"      points_possible  planned before 10; Canvas now 15; plan writes 20\n"
		"      held back with it (unchanged in Canvas): unlock_at\n"
		"  ~ page 5 \"Gone \\x1b[31mpage\"\n"
		"      no longer in Canvas, so not written: title\n"
		"\n"
		"Course 6000  Zoneless   (no time zone: dates in UTC)\n"
		"  ~ assignment 9 \"Essay\"\n"
		"      lock_at\n"
		"        planned before  2025-09-06T03:59:59Z\n"
		"        Canvas now      \"x\\x1b[2Jy\"\n"
		"        plan writes     2025-09-13T03:59:59Z\n");
	assert_int_equal(cc.fields, 3);
	assert_int_equal(cc.objects, 2);
	assert_int_equal(cc.gone, 1);
	assert_int_equal(cc.objects_left_out, 0);
	assert_null(memchr(out.ptr, 0x1b, out.len));
	buf_release(&out);
	cJSON_Delete(now1);
	cJSON_Delete(now2);
	cJSON_Delete(now3);
	plan_free(p);
}

static void test_cap_and_nothing(void **state)
{
	struct plan *p = sample();
	cJSON *now = parse("\"2025-09-09T16:00:00Z\"");
	struct render_conflict v[] = {
		{ at(p, "7101", "due_at"), RENDER_CONFLICT_CHANGED, now },
		{ at(p, "7102", "due_at"), RENDER_CONFLICT_CHANGED, NULL },
		{ at(p, "9", "lock_at"), RENDER_CONFLICT_CHANGED, now },
	};
	struct render_conflict_counts cc;
	struct buf out = BUF_INIT;

	(void)state;
	render_conflicts(p, v, 3, 1, &out, &cc);
	/* counted in full, shown up to the cap */
	assert_int_equal(cc.fields, 3);
	assert_int_equal(cc.objects, 3);
	assert_int_equal(cc.objects_left_out, 2);
	assert_non_null(strstr(buf_str(&out), "assignment 7101"));
	assert_null(strstr(buf_str(&out), "assignment 7102"));
	assert_non_null(strstr(buf_str(&out), "\n  ... and 2 more objects with conflicts, not shown\n"));
	buf_release(&out);
	/* no conflicts: nothing at all */
	render_conflicts(p, v, 0, 0, &out, &cc);
	assert_int_equal(out.len, 0);
	assert_int_equal(cc.fields + cc.objects + cc.gone, 0);
	buf_release(&out);
	cJSON_Delete(now);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouped_report),
		cmocka_unit_test(test_cap_and_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

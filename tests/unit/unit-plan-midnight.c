/* tests/unit/unit-plan-midnight.c -- the plan predicts fancy midnight (runner/plan_midnight.c).
 *
 * Over a hand-made change list in a Sydney course: which kinds and fields are judged in the user's
 * zone (an override's due_at/lock_at, a created assignment's), which in the course's (a
 * discussion's or an announcement's lock_at), which never (an assignment's own dates as updated --
 * apply writes them through bulk_update, which does not infer times --, unlock_at, a quiz's own
 * dates, calendar events, pages); the note, appended to
 * a note already there; a create's fields; no user zone known (dates left as planned, but the
 * course-zone rule still applies); a prediction equal to `before` is no change once plan_finish
 * runs; and whether the profile must be read at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dates.h"
#include "plan.h"
#include "plan_midnight.h"
#include "xalloc.h"

/* 2026-03-10T06:00:00Z: 00:00 MDT in Denver, 17:00 AEDT in Sydney. 2026-03-10T13:00:00Z: 00:00
 * AEDT on 03-11 in Sydney, 07:00 MDT in Denver. */
#define DENVER_MIDNIGHT "2026-03-10T06:00:00Z"
#define DENVER_STORED   "2026-03-11T05:59:59Z"
#define SYDNEY_MIDNIGHT "2026-03-10T13:00:00Z"
#define SYDNEY_STORED   "2026-03-11T12:59:59Z"

static struct plan *sydney_plan(void)
{
	struct plan *p = plan_new();
	cJSON *c = cJSON_Parse("{\"id\": 960, \"name\": \"Writing\", \"course_code\": \"W\", "
			       "\"time_zone\": \"Australia/Sydney\"}");

	plan_add_course(p, c, NULL);
	cJSON_Delete(c);
	return p;
}

static struct plan_change *upd(struct plan *p, enum resource_kind k, const char *id, const char *field,
			       const char *before, const char *after)
{
	return plan_add(p, "s", "960", k, id, k == RES_ASSIGNMENT_OVERRIDE ? "1" : NULL, "N", PLAN_UPDATE, field,
			cJSON_CreateString(before), cJSON_CreateString(after));
}

static const char *after_of(const struct plan_change *c)
{
	return cJSON_GetStringValue(c->after);
}

static void test_kinds_fields_and_zones(void **state)
{
	struct plan *p = sydney_plan();
	struct plan_change *a_due, *a_unlock, *o_lock, *q_due, *t_lock, *t_lock_d, *an_lock, *ev, *pg;

	(void)state;
	a_due = upd(p, RES_ASSIGNMENT, "1", "due_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	a_unlock = upd(p, RES_ASSIGNMENT, "1", "unlock_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	o_lock = upd(p, RES_ASSIGNMENT_OVERRIDE, "2", "lock_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	q_due = upd(p, RES_QUIZ, "3", "due_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	t_lock = upd(p, RES_DISCUSSION_TOPIC, "4", "lock_at", "2026-02-24T13:00:00Z", SYDNEY_MIDNIGHT);
	t_lock_d = upd(p, RES_DISCUSSION_TOPIC, "5", "lock_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	an_lock = upd(p, RES_ANNOUNCEMENT, "6", "lock_at", "2026-02-24T13:00:00Z", SYDNEY_MIDNIGHT);
	ev = upd(p, RES_CALENDAR_EVENT, "7", "start_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	pg = upd(p, RES_PAGE, "8", "todo_date", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	assert_int_equal(plan_midnight_needs_user_zone(p), 1);
	assert_int_equal(plan_midnight_apply(p, "America/Denver"), 3);
	/* an assignment's own date, updated (bulk_update): stored as sent */
	assert_string_equal(after_of(a_due), DENVER_MIDNIGHT);
	assert_null(a_due->note);
	assert_string_equal(after_of(o_lock), DENVER_STORED);
	/* a quiz's own date-time: Quizzes::Quiz stores it as sent */
	assert_string_equal(after_of(q_due), DENVER_MIDNIGHT);
	assert_null(q_due->note);
	/* a topic's lock_at: the course's zone, not the user's */
	assert_string_equal(after_of(t_lock), SYDNEY_STORED);
	assert_string_equal(after_of(an_lock), SYDNEY_STORED);
	assert_string_equal(after_of(t_lock_d), DENVER_MIDNIGHT);
	/* never moved by Canvas */
	assert_string_equal(after_of(a_unlock), DENVER_MIDNIGHT);
	assert_string_equal(after_of(ev), DENVER_MIDNIGHT);
	assert_string_equal(after_of(pg), DENVER_MIDNIGHT);
	assert_null(a_unlock->note);
	assert_null(ev->note);
	assert_string_equal(o_lock->note,
			    "Canvas stores midnight as 23:59:59 in your profile's zone America/Denver: lock_at Tue "
			    "2026-03-10 00:00:00 MDT is stored as Tue 2026-03-10 23:59:59 MDT; set the time to 00:01 "
			    "or change the recipe to keep it");
	assert_string_equal(t_lock->note,
			    "Canvas stores midnight as 23:59:59 in the course's zone Australia/Sydney: lock_at Wed "
			    "2026-03-11 00:00:00 AEDT is stored as Wed 2026-03-11 23:59:59 AEDT; set the time to 00:01 "
			    "or change the recipe to keep it");
	plan_free(p);
	dates_reset();
}

static void test_notes_creates_and_unknown_zone(void **state)
{
	struct plan *p = sydney_plan();
	struct plan_change *a, *t, *cr;
	cJSON *obj = cJSON_CreateObject();

	(void)state;
	a = upd(p, RES_ASSIGNMENT_OVERRIDE, "1", "due_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	a->note = xstrdup("2 steps");
	t = upd(p, RES_DISCUSSION_TOPIC, "4", "lock_at", "2026-02-24T13:00:00Z", SYDNEY_MIDNIGHT);
	cJSON_AddStringToObject(obj, "name", "New");
	cJSON_AddStringToObject(obj, "due_at", DENVER_MIDNIGHT);
	cJSON_AddStringToObject(obj, "unlock_at", DENVER_MIDNIGHT);
	cJSON_AddNullToObject(obj, "lock_at");
	cr = plan_add(p, "s", "960", RES_ASSIGNMENT, "new:1", NULL, "New", PLAN_CREATE, NULL, cJSON_CreateNull(), obj);
	/* no user zone: the user's rule cannot be applied, the course's still is */
	assert_int_equal(plan_midnight_apply(p, NULL), 1);
	assert_string_equal(after_of(a), DENVER_MIDNIGHT);
	assert_string_equal(after_of(t), SYDNEY_STORED);
	/* with it: the note goes after the one there; a create's due_at moves, its unlock_at and null
	 * lock_at do not */
	assert_int_equal(plan_midnight_apply(p, "America/Denver"), 2);
	assert_string_equal(after_of(a), DENVER_STORED);
	assert_true(strncmp(a->note, "2 steps; Canvas stores midnight as 23:59:59 in your profile's zone", 66) == 0);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cr->after, "due_at")), DENVER_STORED);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cr->after, "unlock_at")), DENVER_MIDNIGHT);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cr->after, "lock_at")));
	assert_non_null(strstr(cr->note, "due_at Tue 2026-03-10 00:00:00 MDT"));
	/* applying again changes nothing: 23:59:59 is not midnight */
	assert_int_equal(plan_midnight_apply(p, "America/Denver"), 0);
	plan_free(p);
	dates_reset();
}

static void test_equal_to_before_is_no_change(void **state)
{
	struct plan *p = sydney_plan();

	(void)state;
	/* Canvas holds 23:59:59 already; the recipe says 00:00 of that day: nothing to write */
	upd(p, RES_ASSIGNMENT_OVERRIDE, "1", "due_at", DENVER_STORED, DENVER_MIDNIGHT);
	upd(p, RES_ASSIGNMENT_OVERRIDE, "2", "due_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	plan_midnight_apply(p, "America/Denver");
	plan_finish(p);
	assert_int_equal(p->nchanges, 1);
	assert_string_equal(p->changes[0].id, "2");
	plan_free(p);
	dates_reset();
}

static void test_needs_user_zone(void **state)
{
	struct plan *p = sydney_plan();
	cJSON *obj = cJSON_CreateObject();

	(void)state;
	assert_int_equal(plan_midnight_needs_user_zone(p), 0);
	upd(p, RES_ASSIGNMENT, "1", "unlock_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	upd(p, RES_ASSIGNMENT, "1", "due_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	upd(p, RES_DISCUSSION_TOPIC, "4", "lock_at", "2026-02-24T13:00:00Z", SYDNEY_MIDNIGHT);
	upd(p, RES_CALENDAR_EVENT, "7", "start_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	plan_add(p, "s", "960", RES_ASSIGNMENT, "3", NULL, "N", PLAN_UPDATE, "due_at", cJSON_CreateString("x"),
		 cJSON_CreateNull());   /* a date cleared: nothing to judge */
	assert_int_equal(plan_midnight_needs_user_zone(p), 0);
	upd(p, RES_QUIZ, "9", "due_at", "2026-02-24T06:00:00Z", DENVER_MIDNIGHT);
	assert_int_equal(plan_midnight_needs_user_zone(p), 0);
	cJSON_AddStringToObject(obj, "due_at", "2026-04-01T10:00:00Z");
	plan_add(p, "s", "960", RES_ASSIGNMENT, "new:2", NULL, "A", PLAN_CREATE, NULL, cJSON_CreateNull(), obj);
	assert_int_equal(plan_midnight_needs_user_zone(p), 1);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_fields_and_zones),
		cmocka_unit_test(test_notes_creates_and_unknown_zone),
		cmocka_unit_test(test_equal_to_before_is_no_change),
		cmocka_unit_test(test_needs_user_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

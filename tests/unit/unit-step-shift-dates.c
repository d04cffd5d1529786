/* tests/unit/unit-step-shift-dates.c -- the `shift_dates` step (runner/step_shift_dates.c) over a
 * hand-built course in America/New_York with dates in Fall 2025.
 *
 * Each test loads a real recipe (recipe_load_mem), runs its steps in order on a working copy of the
 * course through a plan, finishes the plan and checks every change in order (kind, id, field,
 * before, after, steps) and every skip (field, reason) exactly. The expected instants were derived
 * independently of the engine (Python's zoneinfo: the local date moves, the wall-clock time is
 * rebuilt in the zone, fold=0 for ambiguous and gap times), and the comments give the local times.
 *
 * Covered: every kind and field, null fields left alone, an unreadable date, a quiz and a graded
 * discussion shifted once with their assignments (only:, where: on either side, a problem on
 * either side), the problem rule (the assignment, its overrides and its quiz kept whole; an order
 * already broken kept as is), only:, where: (name, id incl. page_id, published, due_at / unlock_at
 * / lock_at / dates ranges as inclusive whole days on the dates before the step), course_dates,
 * seconds: drop, the from/to mapping with weekdays and a blackout, DST in America/New_York both
 * ways with gap and ambiguous times, the time_zone override, the missing / empty / unknown zone
 * errors, and two steps merging into one change (or none). text: true (issue 19): which objects'
 * names and bodies move (the quiz of a pair, not its assignment; the syllabus; a page's title only
 * listed), where:/only:, warnings naming the object as it was, and the year of a date without one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"
#include "recipe.h"
#include "recipe_shift_dates.h"
#include "step.h"
#include "xalloc.h"

static const char HEAD[] = "version: 1\ncourses: [4821]\nsteps:\n";

/* The course, in seed format, written with ' for " (none of its strings holds a quote). Local
 * times (America/New_York) in the comments; EDT until Sun 2025-11-02 02:00, EST after. */
static const char COURSE[] =
	"{'id': 4821, 'name': 'Writing I', 'course_code': 'WRIT 101', 'time_zone': 'America/New_York',"
	/* Mon 08-25 00:00 EDT, Fri 12-12 23:59:59 EST */
	" 'start_at': '2025-08-25T04:00:00Z', 'end_at': '2025-12-13T04:59:59Z',"
	" 'assignments': ["
	/* due Fri 10-17 23:59:59 EDT, unlock Mon 10-13 00:00 EDT, peer reviews Mon 10-20 23:59:59 EDT;
	 * overrides: due Sun 10-19 23:59:59 EDT; due Mon 11-03 23:59:59 EST, lock Wed 11-05 23:59:59 EST */
	"  {'id': 101, 'name': 'Essay 1', 'due_at': '2025-10-18T03:59:59Z', 'unlock_at': '2025-10-13T04:00:00Z',"
	"   'lock_at': null, 'peer_reviews_assign_at': '2025-10-21T03:59:59Z', 'published': true,"
	"   'submission_types': ['online_upload'],"
	"   'overrides': [{'id': 501, 'title': 'Section 2', 'due_at': '2025-10-20T03:59:59Z', 'course_section_id': 7},"
	"    {'id': 502, 'title': '1 student', 'due_at': '2025-11-04T04:59:59Z', 'unlock_at': null,"
	"     'lock_at': '2025-11-06T04:59:59Z', 'student_ids': [1]}]},"
	/* due Fri 10-31 23:59:59 EDT, lock Sun 11-02 23:59:59 EST (the day DST ends) */
	"  {'id': 102, 'name': 'Essay 2 (draft)', 'due_at': '2025-11-01T03:59:59Z', 'unlock_at': null,"
	"   'lock_at': '2025-11-03T04:59:59Z', 'published': false, 'submission_types': ['online_text_entry']},"
	/* a graded quiz: due Fri 09-12 23:59:59 EDT, unlock Mon 09-08 00:00 EDT; override due Sun 09-14 */
	"  {'id': 103, 'name': 'Quiz 1', 'quiz_id': 201, 'submission_types': ['online_quiz'],"
	"   'due_at': '2025-09-13T03:59:59Z', 'unlock_at': '2025-09-08T04:00:00Z', 'lock_at': null, 'published': true,"
	"   'overrides': [{'id': 503, 'title': 'Section 3', 'due_at': '2025-09-15T03:59:59Z'}]},"
	/* a graded discussion: due Fri 09-19 23:59:59 EDT, lock Sun 09-21 23:59:59 EDT */
	"  {'id': 104, 'name': 'Week 3 discussion', 'discussion_topic_id': 301,"
	"   'submission_types': ['discussion_topic'], 'due_at': '2025-09-20T03:59:59Z', 'unlock_at': null,"
	"   'lock_at': '2025-09-22T03:59:59Z', 'published': true},"
	/* unreadable due_at; unlock Mon 09-01 00:00 EDT */
	"  {'id': 105, 'name': 'Broken date', 'due_at': 'not a date', 'unlock_at': '2025-09-01T04:00:00Z',"
	"   'published': true},"
	"  {'id': 106, 'name': 'Undated', 'due_at': null, 'unlock_at': null, 'lock_at': null, 'published': true},"
	/* unlock Thu 10-30 10:00 EDT, due Fri 10-31 09:00 EDT; override due Sat 11-01 09:00 EDT */
	"  {'id': 107, 'name': 'Lab 1', 'unlock_at': '2025-10-30T14:00:00Z', 'due_at': '2025-10-31T13:00:00Z',"
	"   'published': true, 'overrides': [{'id': 504, 'title': 'Late section', 'due_at': '2025-11-01T13:00:00Z'}]},"
	/* due Fri 10-31 09:00 EDT; override unlock Thu 10-30 10:00, due Fri 10-31 09:00 EDT */
	"  {'id': 108, 'name': 'Lab 2', 'due_at': '2025-10-31T13:00:00Z', 'published': true,"
	"   'overrides': [{'id': 505, 'title': 'Early group', 'unlock_at': '2025-10-30T14:00:00Z',"
	"    'due_at': '2025-10-31T13:00:00Z'}]},"
	/* already out of order: unlock Sat 11-01 10:00 EDT after due Fri 10-31 09:00 EDT */
	"  {'id': 109, 'name': 'Lab 3', 'unlock_at': '2025-11-01T14:00:00Z', 'due_at': '2025-10-31T13:00:00Z',"
	"   'published': true}],"
	" 'quizzes': ["
	/* shows answers Sun 09-14 00:00 EDT; due/unlock are its assignment's */
	"  {'id': 201, 'title': 'Quiz 1', 'assignment_id': 103, 'due_at': '2025-09-13T03:59:59Z',"
	"   'unlock_at': '2025-09-08T04:00:00Z', 'lock_at': null, 'show_correct_answers_at': '2025-09-14T04:00:00Z',"
	"   'hide_correct_answers_at': null, 'published': true},"
	/* ungraded: due Fri 09-05 23:59:59 EDT */
	"  {'id': 202, 'title': 'Practice quiz', 'due_at': '2025-09-06T03:59:59Z', 'unlock_at': null,"
	"   'lock_at': null, 'show_correct_answers_at': null, 'hide_correct_answers_at': null, 'published': false}],"
	" 'discussion_topics': ["
	/* posts Mon 09-15 09:00 EDT; its own lock_at, equal to its assignment's here */
	"  {'id': 301, 'title': 'Week 3 discussion', 'assignment_id': 104, 'delayed_post_at': '2025-09-15T13:00:00Z',"
	"   'lock_at': '2025-09-22T03:59:59Z', 'todo_date': null, 'published': true},"
	/* lock Fri 08-29 23:59:59 EDT, to-do Wed 08-27 23:59 EDT */
	"  {'id': 302, 'title': 'Introductions', 'delayed_post_at': null, 'lock_at': '2025-08-30T03:59:59Z',"
	"   'todo_date': '2025-08-28T03:59:00Z', 'published': true}],"
	" 'announcements': ["
	/* posts Fri 08-22 09:00 EDT */
	"  {'id': 401, 'title': 'Welcome', 'delayed_post_at': '2025-08-22T13:00:00Z', 'lock_at': null,"
	"   'published': true}],"
	" 'modules': ["
	"  {'id': 601, 'name': 'Week 1', 'position': 1, 'unlock_at': null, 'published': false, 'items': []},"
	/* unlocks Mon 10-27 00:00 EDT */
	"  {'id': 602, 'name': 'Week 10', 'position': 2, 'unlock_at': '2025-10-27T04:00:00Z', 'published': true,"
	"   'items': []}],"
	" 'pages': ["
	/* to-do Thu 10-30 23:59 EDT, publish Mon 10-27 08:00 EDT */
	"  {'page_id': 701, 'url': 'week-10-notes', 'title': 'Week 10 notes', 'todo_date': '2025-10-31T03:59:00Z',"
	"   'publish_at': '2025-10-27T12:00:00Z', 'published': true},"
	"  {'page_id': 702, 'url': 'home', 'title': 'Home', 'todo_date': null, 'publish_at': null, 'published': false}],"
	" 'calendar_events': ["
	/* Wed 10-22 14:00-16:00 EDT */
	"  {'id': 801, 'title': 'Midterm', 'start_at': '2025-10-22T18:00:00Z', 'end_at': '2025-10-22T20:00:00Z',"
	"   'all_day': false},"
	/* all day Tue 11-11 (local midnight EST) */
	"  {'id': 802, 'title': 'No class', 'start_at': '2025-11-11T05:00:00Z', 'end_at': '2025-11-11T05:00:00Z',"
	"   'all_day': true, 'all_day_date': '2025-11-11'}]}";

struct fx {
	struct plan *p;
	cJSON *course;
	struct step_ctx cx;
	struct err err;
};

static cJSON *parse_quoted(const char *text)
{
	char *json = xstrdup(text), *c;
	cJSON *v;

	for (c = json; *c; c++)
		if (*c == '\'')
			*c = '"';
	v = cJSON_Parse(json);
	free(json);
	assert_non_null(v);
	return v;
}

/* Replace the fixture's course (before run()). */
static void use_course(struct fx *f, const char *text)
{
	cJSON_Delete(f->course);
	plan_free(f->p);
	f->course = parse_quoted(text);
	f->p = plan_new();
	plan_add_course(f->p, f->course, NULL);
	f->cx.plan = f->p;
	f->cx.course = f->course;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->cx.course_id = "4821";
	f->cx.time_zone = "America/New_York";
	use_course(f, COURSE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	plan_free(f->p);
	cJSON_Delete(f->course);
	free(f);
	return 0;
}

/* Load HEAD + steps and run every step in order; then finish the plan. Returns the first step's
 * error (non-zero, f->err set) or 0. */
static int run(struct fx *f, const char *steps)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;
	char *text = xasprintf("%s%s", HEAD, steps);
	size_t i;
	int rc = 0;

	if (recipe_load_mem(&r, "t.yaml", text, strlen(text), NULL, &d)) {
		diag_print(&d, stderr);
		fail_msg("the recipe does not load:\n%s", steps);
	}
	for (i = 0; i < r->nsteps && !rc; i++) {
		assert_string_equal(r->steps[i].action->name, "shift_dates");
		f->cx.step = r->steps[i].name;
		rc = step_shift_dates(&f->cx, r->steps[i].data, &f->err);
	}
	f->cx.step = NULL;
	plan_finish(f->p);
	recipe_free(r);
	diag_release(&d);
	free(text);
	return rc;
}

/* One expected change: kind, id, field, before and after (date strings; NULL: JSON null). */
struct want {
	enum resource_kind kind;
	const char *id, *field, *before, *after;
};

/* The notes expect_changes wants, one per change (NULL: none), or NULL: no change has a note. Set
 * by a test around EXPECT (a blackout's reason, issue 16). */
static const char *const *want_notes;

static void assert_value(const cJSON *v, const char *want, const struct want *w)
{
	if (!want) {
		if (!cJSON_IsNull(v))
			fail_msg("%s %s %s: expected null", resource_get(w->kind)->name, w->id, w->field);
		return;
	}
	if (!cJSON_IsString(v))
		fail_msg("%s %s %s: expected \"%s\", got a non-string", resource_get(w->kind)->name, w->id, w->field,
			 want);
	if (strcmp(v->valuestring, want))
		fail_msg("%s %s %s: expected \"%s\", got \"%s\"", resource_get(w->kind)->name, w->id, w->field, want,
			 v->valuestring);
}

/* The plan's changes are exactly w[0..n-1], in this order, each made by the step(s) `steps`
 * ("a" or "a|b"). */
static void expect_changes(struct fx *f, const struct want *w, size_t n, const char *steps)
{
	size_t i, k;

	for (i = 0; i < f->p->nchanges && i < n; i++) {
		const struct plan_change *c = &f->p->changes[i];
		char got[256];

		got[0] = 0;
		for (k = 0; k < c->nsteps; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? "|" : "", c->steps[k]);
		if (c->kind != w[i].kind || strcmp(c->id, w[i].id) || !c->field || strcmp(c->field, w[i].field))
			fail_msg("change %zu: expected %s %s %s, got %s %s %s", i + 1, resource_get(w[i].kind)->name,
				 w[i].id, w[i].field, resource_get(c->kind)->name, c->id, c->field ? c->field : "(none)");
		assert_int_equal(c->op, PLAN_UPDATE);
		assert_value(c->before, w[i].before, &w[i]);
		assert_value(c->after, w[i].after, &w[i]);
		assert_string_equal(got, steps);
		if ((want_notes && want_notes[i]) || c->note)
			assert_string_equal(c->note ? c->note : "(none)", want_notes && want_notes[i] ? want_notes[i] : "(none)");
	}
	if (f->p->nchanges != n) {
		for (i = n; i < f->p->nchanges; i++)
			fprintf(stderr, "extra change: %s %s %s\n", resource_get(f->p->changes[i].kind)->name,
				f->p->changes[i].id, f->p->changes[i].field);
		fail_msg("expected %zu changes, got %zu", n, f->p->nchanges);
	}
}

#define EXPECT(f, w, steps) expect_changes((f), (w), sizeof(w) / sizeof((w)[0]), (steps))

static void assert_skip(struct fx *f, size_t i, enum resource_kind kind, const char *id, const char *name,
			const char *field, const char *reason)
{
	const struct plan_skip *s;

	if (i >= f->p->nskipped)
		fail_msg("expected a skip #%zu, there are %zu", i + 1, f->p->nskipped);
	s = &f->p->skipped[i];
	assert_int_equal(s->kind, kind);
	assert_string_equal(s->id ? s->id : "(none)", id);
	assert_string_equal(s->name ? s->name : "(none)", name);
	if (field)
		assert_string_equal(s->field ? s->field : "(none)", field);
	else
		assert_null(s->field);
	assert_string_equal(s->reason, reason);
	assert_string_equal(s->step, "shift_dates #1");
}

/* The working copy's obj (found by id in the course's list `key`) field, as a string or NULL. */
static const char *copy_value(struct fx *f, const char *key, double id, const char *field)
{
	cJSON *o;

	cJSON_ArrayForEach(o, cJSON_GetObjectItem(f->course, key))
		if (cJSON_GetObjectItem(o, "id")->valuedouble == id)
			return cJSON_GetStringValue(cJSON_GetObjectItem(o, field));
	fail_msg("no %s %.0f", key, id);
	return NULL;
}

static const char UNREADABLE[] = "'not a date' is not a date coursectl can read";

/* ================================================================ coverage */

/* days: 7 over every kind: each date moves 7 local days, the wall-clock time kept across the end of
 * DST (Fri 10-31 23:59:59 EDT -> Fri 11-07 23:59:59 EST); null fields make no change. */
static const struct want WEEK_LATER[] = {
	{ RES_ASSIGNMENT, "101", "due_at", "2025-10-18T03:59:59Z", "2025-10-25T03:59:59Z" },
	{ RES_ASSIGNMENT, "101", "unlock_at", "2025-10-13T04:00:00Z", "2025-10-20T04:00:00Z" },
	{ RES_ASSIGNMENT, "101", "peer_reviews_assign_at", "2025-10-21T03:59:59Z", "2025-10-28T03:59:59Z" },
	{ RES_ASSIGNMENT_OVERRIDE, "501", "due_at", "2025-10-20T03:59:59Z", "2025-10-27T03:59:59Z" },
	{ RES_ASSIGNMENT_OVERRIDE, "502", "due_at", "2025-11-04T04:59:59Z", "2025-11-11T04:59:59Z" },
	{ RES_ASSIGNMENT_OVERRIDE, "502", "lock_at", "2025-11-06T04:59:59Z", "2025-11-13T04:59:59Z" },
	/* Fri 10-31 23:59:59 EDT -> Fri 11-07 23:59:59 EST; Sun 11-02 23:59:59 EST -> Sun 11-09 */
	{ RES_ASSIGNMENT, "102", "due_at", "2025-11-01T03:59:59Z", "2025-11-08T04:59:59Z" },
	{ RES_ASSIGNMENT, "102", "lock_at", "2025-11-03T04:59:59Z", "2025-11-10T04:59:59Z" },
	/* the quiz's assignment, then the quiz's own date, then the assignment's override */
	{ RES_ASSIGNMENT, "103", "due_at", "2025-09-13T03:59:59Z", "2025-09-20T03:59:59Z" },
	{ RES_ASSIGNMENT, "103", "unlock_at", "2025-09-08T04:00:00Z", "2025-09-15T04:00:00Z" },
	{ RES_QUIZ, "201", "show_correct_answers_at", "2025-09-14T04:00:00Z", "2025-09-21T04:00:00Z" },
	{ RES_ASSIGNMENT_OVERRIDE, "503", "due_at", "2025-09-15T03:59:59Z", "2025-09-22T03:59:59Z" },
	{ RES_ASSIGNMENT, "104", "due_at", "2025-09-20T03:59:59Z", "2025-09-27T03:59:59Z" },
	{ RES_ASSIGNMENT, "104", "lock_at", "2025-09-22T03:59:59Z", "2025-09-29T03:59:59Z" },
	{ RES_DISCUSSION_TOPIC, "301", "delayed_post_at", "2025-09-15T13:00:00Z", "2025-09-22T13:00:00Z" },
	/* a graded topic's own lock_at is a change of its own (update_submittable does not copy it) */
	{ RES_DISCUSSION_TOPIC, "301", "lock_at", "2025-09-22T03:59:59Z", "2025-09-29T03:59:59Z" },
	{ RES_ASSIGNMENT, "105", "unlock_at", "2025-09-01T04:00:00Z", "2025-09-08T04:00:00Z" },
	/* Thu 10-30 10:00 EDT -> Thu 11-06 10:00 EST */
	{ RES_ASSIGNMENT, "107", "due_at", "2025-10-31T13:00:00Z", "2025-11-07T14:00:00Z" },
	{ RES_ASSIGNMENT, "107", "unlock_at", "2025-10-30T14:00:00Z", "2025-11-06T15:00:00Z" },
	{ RES_ASSIGNMENT_OVERRIDE, "504", "due_at", "2025-11-01T13:00:00Z", "2025-11-08T14:00:00Z" },
	{ RES_ASSIGNMENT, "108", "due_at", "2025-10-31T13:00:00Z", "2025-11-07T14:00:00Z" },
	{ RES_ASSIGNMENT_OVERRIDE, "505", "due_at", "2025-10-31T13:00:00Z", "2025-11-07T14:00:00Z" },
	{ RES_ASSIGNMENT_OVERRIDE, "505", "unlock_at", "2025-10-30T14:00:00Z", "2025-11-06T15:00:00Z" },
	{ RES_ASSIGNMENT, "109", "due_at", "2025-10-31T13:00:00Z", "2025-11-07T14:00:00Z" },
	{ RES_ASSIGNMENT, "109", "unlock_at", "2025-11-01T14:00:00Z", "2025-11-08T15:00:00Z" },
	{ RES_QUIZ, "202", "due_at", "2025-09-06T03:59:59Z", "2025-09-13T03:59:59Z" },
	{ RES_DISCUSSION_TOPIC, "302", "lock_at", "2025-08-30T03:59:59Z", "2025-09-06T03:59:59Z" },
	{ RES_DISCUSSION_TOPIC, "302", "todo_date", "2025-08-28T03:59:00Z", "2025-09-04T03:59:00Z" },
	{ RES_ANNOUNCEMENT, "401", "delayed_post_at", "2025-08-22T13:00:00Z", "2025-08-29T13:00:00Z" },
	/* Mon 10-27 00:00 EDT -> Mon 11-03 00:00 EST */
	{ RES_MODULE, "602", "unlock_at", "2025-10-27T04:00:00Z", "2025-11-03T05:00:00Z" },
	{ RES_PAGE, "701", "todo_date", "2025-10-31T03:59:00Z", "2025-11-07T04:59:00Z" },
	{ RES_PAGE, "701", "publish_at", "2025-10-27T12:00:00Z", "2025-11-03T13:00:00Z" },
	{ RES_CALENDAR_EVENT, "801", "start_at", "2025-10-22T18:00:00Z", "2025-10-29T18:00:00Z" },
	{ RES_CALENDAR_EVENT, "801", "end_at", "2025-10-22T20:00:00Z", "2025-10-29T20:00:00Z" },
	{ RES_CALENDAR_EVENT, "802", "start_at", "2025-11-11T05:00:00Z", "2025-11-18T05:00:00Z" },
	{ RES_CALENDAR_EVENT, "802", "end_at", "2025-11-11T05:00:00Z", "2025-11-18T05:00:00Z" },
};

static void test_every_kind(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - shift_dates: {days: 7}\n"), 0);
	EXPECT(f, WEEK_LATER, "shift_dates #1");
	/* the unreadable date is a skip of that field; its assignment's other date moved */
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_ASSIGNMENT, "105", "Broken date", "due_at", UNREADABLE);
	assert_string_equal(copy_value(f, "assignments", 105, "due_at"), "not a date");
}

/* The quiz and the graded topic carry their assignment's dates in the working copy, without a
 * change of their own; the all-day event's date follows its start. */
static void test_mirrors_in_working_copy(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - shift_dates: {days: 7}\n"), 0);
	assert_string_equal(copy_value(f, "quizzes", 201, "due_at"), "2025-09-20T03:59:59Z");
	assert_string_equal(copy_value(f, "quizzes", 201, "unlock_at"), "2025-09-15T04:00:00Z");
	assert_null(copy_value(f, "quizzes", 201, "lock_at"));
	assert_string_equal(copy_value(f, "discussion_topics", 301, "lock_at"), "2025-09-29T03:59:59Z");
	assert_string_equal(copy_value(f, "calendar_events", 802, "all_day_date"), "2025-11-18");
	assert_null(copy_value(f, "calendar_events", 801, "all_day_date"));
}

static void test_course_dates(void **state)
{
	struct fx *f = *state;
	static const struct want w[] = {
		/* Mon 08-25 00:00 EDT -> Mon 09-01; Fri 12-12 23:59:59 EST -> Fri 12-19 */
		{ RES_COURSE, "4821", "start_at", "2025-08-25T04:00:00Z", "2025-09-01T04:00:00Z" },
		{ RES_COURSE, "4821", "end_at", "2025-12-13T04:59:59Z", "2025-12-20T04:59:59Z" },
	};

	/* only: leaves every kind out but the modules, which where: leaves out too */
	assert_int_equal(run(f, "  - shift_dates: {days: 7, course_dates: true, only: [modules], where: {id: 1}}\n"),
			 0);
	EXPECT(f, w, "shift_dates #1");
	assert_int_equal(f->p->nskipped, 0);
}

static void test_overrides_false(void **state)
{
	struct fx *f = *state;
	static const struct want w[] = {
		{ RES_ASSIGNMENT, "101", "due_at", "2025-10-18T03:59:59Z", "2025-10-25T03:59:59Z" },
		{ RES_ASSIGNMENT, "101", "unlock_at", "2025-10-13T04:00:00Z", "2025-10-20T04:00:00Z" },
		{ RES_ASSIGNMENT, "101", "peer_reviews_assign_at", "2025-10-21T03:59:59Z", "2025-10-28T03:59:59Z" },
	};

	assert_int_equal(run(f, "  - shift_dates: {days: 7, overrides: false, where: {id: 101}}\n"), 0);
	EXPECT(f, w, "shift_dates #1");
}

/* seconds: drop truncates to the minute, as Canvas's course copy does. */
static void test_seconds_drop(void **state)
{
	struct fx *f = *state;
	static const struct want w[] = {
		{ RES_ASSIGNMENT, "101", "due_at", "2025-10-18T03:59:59Z", "2025-10-25T03:59:00Z" },
		{ RES_ASSIGNMENT, "101", "unlock_at", "2025-10-13T04:00:00Z", "2025-10-20T04:00:00Z" },
		{ RES_ASSIGNMENT, "101", "peer_reviews_assign_at", "2025-10-21T03:59:59Z", "2025-10-28T03:59:00Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "501", "due_at", "2025-10-20T03:59:59Z", "2025-10-27T03:59:00Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "502", "due_at", "2025-11-04T04:59:59Z", "2025-11-11T04:59:00Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "502", "lock_at", "2025-11-06T04:59:59Z", "2025-11-13T04:59:00Z" },
	};

	assert_int_equal(run(f, "  - shift_dates: {days: 7, seconds: drop, where: {id: 101}}\n"), 0);
	EXPECT(f, w, "shift_dates #1");
}

/* ================================================================ from/to */

/* Fall 2025 (Mon 08-25 .. Fri 12-12, 109 days) onto Spring 2026 (Mon 01-12 .. Fri 05-08, 116 days),
 * Fridays to Thursdays, spring break 03-16..03-20 moving after.
 * Fri 10-17: offset 53, 53 * 116 / 109 = 56.40 -> 56 -> Mon 03-09; wanted Thu: forward to Thu
 * 03-12, back a week to Thu 03-05 (not before 01-12) -> Thu 2026-03-05 23:59:59 EST.
 * Fri 10-31: 67 * 116 / 109 = 71.30 -> 71 -> Mon 03-23; Thu 03-26, back to Thu 03-19, inside spring
 * break -> Sat 03-21 23:59:59 EDT. Sun 11-02: 69 -> 73.43 -> 73 -> Wed 03-25; Sun 03-29 -> Sun 03-22.
 * The course: Mon 08-25 -> Mon 01-12; Fri 12-12 (p = 1) -> Fri 05-08, snapped to Thu 05-07. */
static void test_term_mapping(void **state)
{
	struct fx *f = *state;
	static const struct want w[] = {
		{ RES_ASSIGNMENT, "101", "due_at", "2025-10-18T03:59:59Z", "2026-03-06T04:59:59Z" },
		{ RES_ASSIGNMENT, "101", "unlock_at", "2025-10-13T04:00:00Z", "2026-03-02T05:00:00Z" },
		{ RES_ASSIGNMENT, "101", "peer_reviews_assign_at", "2025-10-21T03:59:59Z", "2026-03-10T03:59:59Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "501", "due_at", "2025-10-20T03:59:59Z", "2026-03-09T03:59:59Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "502", "due_at", "2025-11-04T04:59:59Z", "2026-03-24T03:59:59Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "502", "lock_at", "2025-11-06T04:59:59Z", "2026-03-26T03:59:59Z" },
		{ RES_ASSIGNMENT, "102", "due_at", "2025-11-01T03:59:59Z", "2026-03-22T03:59:59Z" },
		{ RES_ASSIGNMENT, "102", "lock_at", "2025-11-03T04:59:59Z", "2026-03-23T03:59:59Z" },
		{ RES_COURSE, "4821", "start_at", "2025-08-25T04:00:00Z", "2026-01-12T05:00:00Z" },
		{ RES_COURSE, "4821", "end_at", "2025-12-13T04:59:59Z", "2026-05-08T03:59:59Z" },
	};
	static const char *const notes[] = {
		NULL, NULL, NULL, NULL, NULL, NULL,
		"moved out of the blackout 2026-03-16 to 2026-03-20: it would have landed on Thu 2026-03-19",
		NULL, NULL, NULL,
	};

	assert_int_equal(run(f, "  - shift_dates:\n"
			     "      from: {start: 2025-08-25, end: 2025-12-12}\n"
			     "      to: {start: 2026-01-12, end: 2026-05-08}\n"
			     "      weekdays: {fri: thu}\n"
			     "      blackouts: [{start: 2026-03-16, end: 2026-03-20}]\n"
			     "      course_dates: true\n"
			     "      where: {name: '^Essay'}\n"), 0);
	/* Fri 10-31 maps to Thu 03-19, in the blackout: the note says so (issue 16) */
	want_notes = notes;
	EXPECT(f, w, "shift_dates #1");
	want_notes = NULL;
}

/* ================================================================ problems */

/* A blackout on Thu 11-06 sends Lab 1's unlock (Thu 10:00 after a week) to Fri 11-07 10:00, after
 * its due date (Fri 09:00): the assignment and its override keep their dates. Lab 2's override
 * breaks the same way: Lab 2 keeps all its dates too. Lab 3 was out of order before: it moves. */
static void test_problem_keeps_the_assignment_whole(void **state)
{
	struct fx *f = *state;
	static const struct want w[] = {
		{ RES_ASSIGNMENT, "109", "due_at", "2025-10-31T13:00:00Z", "2025-11-07T14:00:00Z" },
		{ RES_ASSIGNMENT, "109", "unlock_at", "2025-11-01T14:00:00Z", "2025-11-08T15:00:00Z" },
	};

	assert_int_equal(run(f, "  - shift_dates: {days: 7, blackouts: [{start: 2025-11-06, end: 2025-11-06}],"
			     " where: {id: [107, 108, 109]}}\n"), 0);
	EXPECT(f, w, "shift_dates #1");
	assert_int_equal(f->p->nskipped, 2);
	assert_skip(f, 0, RES_ASSIGNMENT, "107", "Lab 1", NULL,
		    "after the shift unlock_at (Fri 2025-11-07 10:00:00 EST) would come after due_at "
		    "(Fri 2025-11-07 09:00:00 EST); the assignment and its overrides keep their dates");
	assert_skip(f, 1, RES_ASSIGNMENT_OVERRIDE, "505", "Early group", NULL,
		    "after the shift unlock_at (Fri 2025-11-07 10:00:00 EST) would come after due_at "
		    "(Fri 2025-11-07 09:00:00 EST); the assignment and its overrides keep their dates");
	/* the working copy keeps the old dates */
	assert_string_equal(copy_value(f, "assignments", 107, "unlock_at"), "2025-10-30T14:00:00Z");
	assert_string_equal(copy_value(f, "assignments", 108, "due_at"), "2025-10-31T13:00:00Z");
}

/* A problem in the quiz's own dates keeps its assignment too; a standalone object's problem
 * says so in its own words. */
static void test_problem_in_a_quiz(void **state)
{
	struct fx *f = *state;

	use_course(f, "{'id': 4821, 'name': 'Q', 'time_zone': 'America/New_York',"
		   " 'assignments': [{'id': 103, 'name': 'Quiz 1', 'quiz_id': 201, 'submission_types': ['online_quiz'],"
		   "   'due_at': '2025-10-18T03:59:59Z', 'published': true}],"
		   /* answers shown Thu 10-30 10:00 EDT, hidden Fri 10-31 09:00 EDT */
		   " 'quizzes': [{'id': 201, 'title': 'Quiz 1', 'assignment_id': 103, 'due_at': '2025-10-18T03:59:59Z',"
		   "   'show_correct_answers_at': '2025-10-30T14:00:00Z', 'hide_correct_answers_at': '2025-10-31T13:00:00Z'},"
		   "  {'id': 202, 'title': 'Survey', 'show_correct_answers_at': '2025-10-30T14:00:00Z',"
		   "   'hide_correct_answers_at': '2025-10-31T13:00:00Z'}]}");
	assert_int_equal(run(f, "  - shift_dates: {days: 7, blackouts: [{start: 2025-11-06, end: 2025-11-06}]}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 2);
	assert_skip(f, 0, RES_QUIZ, "201", "Quiz 1", NULL,
		    "after the shift show_correct_answers_at (Fri 2025-11-07 10:00:00 EST) would come after "
		    "hide_correct_answers_at (Fri 2025-11-07 09:00:00 EST); the assignment and its quiz keep their dates");
	assert_skip(f, 1, RES_QUIZ, "202", "Survey", NULL,
		    "after the shift show_correct_answers_at (Fri 2025-11-07 10:00:00 EST) would come after "
		    "hide_correct_answers_at (Fri 2025-11-07 09:00:00 EST); the object's dates are left as they are");
	assert_string_equal(copy_value(f, "quizzes", 201, "due_at"), "2025-10-18T03:59:59Z");
}

/* An event that would end before it starts. */
static void test_problem_in_an_event(void **state)
{
	struct fx *f = *state;

	use_course(f, "{'id': 4821, 'name': 'E', 'time_zone': 'America/New_York', 'calendar_events': ["
		   /* Thu 10-30 23:00 EDT to Fri 10-31 01:00 EDT */
		   "  {'id': 801, 'title': 'Night lab', 'start_at': '2025-10-31T03:00:00Z', 'end_at': '2025-10-31T05:00:00Z',"
		   "   'all_day': false}]}");
	assert_int_equal(run(f, "  - shift_dates: {days: 7, blackouts: [{start: 2025-11-06, end: 2025-11-06}]}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_CALENDAR_EVENT, "801", "Night lab", NULL,
		    "after the shift start_at (Fri 2025-11-07 23:00:00 EST) would come after end_at "
		    "(Fri 2025-11-07 01:00:00 EST); the object's dates are left as they are");
}

/* ================================================================ only */

static void test_only_quizzes(void **state)
{
	struct fx *f = *state;
	static const struct want w[] = {
		{ RES_ASSIGNMENT, "103", "due_at", "2025-09-13T03:59:59Z", "2025-09-20T03:59:59Z" },
		{ RES_ASSIGNMENT, "103", "unlock_at", "2025-09-08T04:00:00Z", "2025-09-15T04:00:00Z" },
		{ RES_QUIZ, "201", "show_correct_answers_at", "2025-09-14T04:00:00Z", "2025-09-21T04:00:00Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "503", "due_at", "2025-09-15T03:59:59Z", "2025-09-22T03:59:59Z" },
		{ RES_QUIZ, "202", "due_at", "2025-09-06T03:59:59Z", "2025-09-13T03:59:59Z" },
	};

	assert_int_equal(run(f, "  - shift_dates: {days: 7, only: [quizzes]}\n"), 0);
	EXPECT(f, w, "shift_dates #1");
	assert_int_equal(f->p->nskipped, 0);
}

static void test_only_discussions_and_pages(void **state)
{
	struct fx *f = *state;
	static const struct want w[] = {
		{ RES_ASSIGNMENT, "104", "due_at", "2025-09-20T03:59:59Z", "2025-09-27T03:59:59Z" },
		{ RES_ASSIGNMENT, "104", "lock_at", "2025-09-22T03:59:59Z", "2025-09-29T03:59:59Z" },
		{ RES_DISCUSSION_TOPIC, "301", "delayed_post_at", "2025-09-15T13:00:00Z", "2025-09-22T13:00:00Z" },
		{ RES_DISCUSSION_TOPIC, "301", "lock_at", "2025-09-22T03:59:59Z", "2025-09-29T03:59:59Z" },
		{ RES_DISCUSSION_TOPIC, "302", "lock_at", "2025-08-30T03:59:59Z", "2025-09-06T03:59:59Z" },
		{ RES_DISCUSSION_TOPIC, "302", "todo_date", "2025-08-28T03:59:00Z", "2025-09-04T03:59:00Z" },
		{ RES_PAGE, "701", "todo_date", "2025-10-31T03:59:00Z", "2025-11-07T04:59:00Z" },
		{ RES_PAGE, "701", "publish_at", "2025-10-27T12:00:00Z", "2025-11-03T13:00:00Z" },
	};

	assert_int_equal(run(f, "  - shift_dates: {days: 7, only: [pages, discussions]}\n"), 0);
	EXPECT(f, w, "shift_dates #1");
}

/* only: [assignments] leaves the quiz's and the topic's assignments out: they are the quiz and
 * the discussion. */
static void test_only_assignments(void **state)
{
	struct fx *f = *state;
	size_t i;

	assert_int_equal(run(f, "  - shift_dates: {days: 7, only: [assignments]}\n"), 0);
	assert_int_equal(f->p->nchanges, 17);
	for (i = 0; i < f->p->nchanges; i++) {
		const struct plan_change *c = &f->p->changes[i];

		assert_true(c->kind == RES_ASSIGNMENT || c->kind == RES_ASSIGNMENT_OVERRIDE);
		assert_string_not_equal(c->id, "103");
		assert_string_not_equal(c->id, "104");
		assert_string_not_equal(c->id, "503");
	}
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_ASSIGNMENT, "105", "Broken date", "due_at", UNREADABLE);
}

/* ================================================================ where */

/* The ids of the changed objects, in plan order, without repeats: "101 501 502". */
static void changed_ids(struct fx *f, char *out, size_t len)
{
	size_t i;
	const char *last = "";

	out[0] = 0;
	for (i = 0; i < f->p->nchanges; i++) {
		if (!strcmp(f->p->changes[i].id, last))
			continue;
		last = f->p->changes[i].id;
		snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? " " : "", last);
	}
}

struct where_case {
	const char *where;
	const char *ids;          /* the changed objects */
};

/* Ranges are inclusive whole local days (a date-time is exact; one without offset is local), on
 * the dates as they were before the step; an assignment's overrides go with it. */
static const struct where_case WHERE_CASES[] = {
	{ "{name: '^Essay'}", "101 501 502 102" },
	{ "{title: '^Week'}", "104 301 602 701" },
	{ "{published: false}", "102 202" },
	/* the quiz's id or its assignment's: the pair either way */
	{ "{id: 201}", "103 201 503" },
	{ "{id: 103}", "103 201 503" },
	{ "{id: [104, 701, 602, 999]}", "104 301 602 701" },
	/* an override is not an object of its own for where */
	{ "{id: 501}", "" },
	/* Fri 10-17 23:59:59 EDT is in 10-17 */
	{ "{due_at: {after: 2025-10-17, before: 2025-10-17}}", "101 501 502" },
	{ "{due_at: {after: 2025-10-18}}", "102 107 504 108 505 109" },
	{ "{due_at: {before: 2025-10-30}}", "101 501 502 103 201 503 104 301 202" },
	/* exact instants, both ends inclusive; a local time without offset */
	{ "{due_at: {after: '2025-10-31T09:00:00-04:00', before: '2025-10-31T13:00:00Z'}}", "107 504 108 505 109" },
	{ "{due_at: {after: '2025-10-31T09:00:01'}}", "102" },
	{ "{unlock_at: {before: 2025-10-13}}", "101 501 502 103 201 503 105" },
	{ "{lock_at: {after: 2025-11-02}}", "102" },
	/* any date: Essay 2 locks on 11-02, Lab 3 unlocks on Sat 11-01, the event is on 11-11 */
	{ "{dates: {after: 2025-11-01, before: 2025-11-30}}", "102 109 802" },
	/* the graded topic has no due_at of its own: its assignment's counts */
	{ "{due_at: {after: 2025-09-19, before: 2025-09-19}, published: true}", "104 301" },
	{ "{dates: {after: 2025-08-22, before: 2025-08-22}}", "401" },
	{ "{name: '^Quiz', due_at: {after: 2025-09-13}}", "" },
};

static void test_where(void **state)
{
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < sizeof(WHERE_CASES) / sizeof(WHERE_CASES[0]); i++) {
		char *steps = xasprintf("  - shift_dates: {days: 7, where: %s}\n", WHERE_CASES[i].where);
		char got[256];

		use_course(f, COURSE);
		if (run(f, steps))
			fail_msg("where: %s: %s", WHERE_CASES[i].where, f->err.msg);
		changed_ids(f, got, sizeof(got));
		if (strcmp(got, WHERE_CASES[i].ids))
			fail_msg("where: %s: expected \"%s\", got \"%s\"", WHERE_CASES[i].where, WHERE_CASES[i].ids, got);
		free(steps);
	}
}

/* A range on due_at sees the quiz's dates as they were: the quiz's own date moves with its
 * assignment even though its copy of the due date has left the range. */
static void test_where_range_is_on_the_original_dates(void **state)
{
	struct fx *f = *state;
	static const struct want w[] = {
		{ RES_ASSIGNMENT, "103", "due_at", "2025-09-13T03:59:59Z", "2025-10-11T03:59:59Z" },
		{ RES_ASSIGNMENT, "103", "unlock_at", "2025-09-08T04:00:00Z", "2025-10-06T04:00:00Z" },
		{ RES_QUIZ, "201", "show_correct_answers_at", "2025-09-14T04:00:00Z", "2025-10-12T04:00:00Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "503", "due_at", "2025-09-15T03:59:59Z", "2025-10-13T03:59:59Z" },
	};

	assert_int_equal(run(f, "  - shift_dates: {days: 28, only: [quizzes], where: {due_at: {before: 2025-09-30}, "
			     "name: 'Quiz 1'}}\n"), 0);
	EXPECT(f, w, "shift_dates #1");
}

/* ================================================================ DST */

struct dst_case {
	const char *zone;
	const char *start;        /* the event's start_at */
	int days;
	const char *want;
};

static const struct dst_case DST_CASES[] = {
	/* Fri 10-31 23:59:59 EDT -> Fri 11-07 23:59:59 EST */
	{ "America/New_York", "2025-11-01T03:59:59Z", 7, "2025-11-08T04:59:59Z" },
	/* Fri 11-07 23:59:59 EST -> Fri 10-31 23:59:59 EDT (back) */
	{ "America/New_York", "2025-11-08T04:59:59Z", -7, "2025-11-01T03:59:59Z" },
	/* Fri 2026-02-27 23:59:59 EST -> Fri 03-13 23:59:59 EDT */
	{ "America/New_York", "2026-02-28T04:59:59Z", 14, "2026-03-14T03:59:59Z" },
	/* Fri 2025-10-17 23:59:59 EDT -> Fri 2026-03-06 23:59:59 EST (20 weeks) */
	{ "America/New_York", "2025-10-18T03:59:59Z", 140, "2026-03-07T04:59:59Z" },
	/* Sun 03-01 02:30:15 EST -> Sun 03-08 02:30:15 does not exist: 03:30:15 EDT */
	{ "America/New_York", "2026-03-01T07:30:15Z", 7, "2026-03-08T07:30:15Z" },
	/* Sun 10-26 01:30 EDT -> Sun 11-02 01:30 happens twice: the first (EDT) */
	{ "America/New_York", "2025-10-26T05:30:00Z", 7, "2025-11-02T05:30:00Z" },
	/* the second 01:30 of 11-02 (EST) -> Sun 11-09 01:30 EST */
	{ "America/New_York", "2025-11-02T06:30:00Z", 7, "2025-11-09T06:30:00Z" },
	/* the same instant in London: Sat 11-01 03:59:59 GMT -> Sat 11-08 03:59:59 GMT */
	{ "Europe/London", "2025-11-01T03:59:59Z", 7, "2025-11-08T03:59:59Z" },
};

static void test_dst(void **state)
{
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < sizeof(DST_CASES) / sizeof(DST_CASES[0]); i++) {
		const struct dst_case *c = &DST_CASES[i];
		char *course = xasprintf("{'id': 4821, 'name': 'D', 'time_zone': '%s', 'calendar_events': [{'id': 1,"
					 " 'title': 'E', 'start_at': '%s', 'end_at': null, 'all_day': false}]}",
					 c->zone, c->start);
		char *steps = xasprintf("  - shift_dates: {days: %d}\n", c->days);

		f->cx.time_zone = c->zone;
		use_course(f, course);
		assert_int_equal(run(f, steps), 0);
		assert_int_equal(f->p->nchanges, 1);
		assert_string_equal(f->p->changes[0].field, "start_at");
		if (strcmp(f->p->changes[0].after->valuestring, c->want))
			fail_msg("%s %s %+d days: expected %s, got %s", c->zone, c->start, c->days, c->want,
				 f->p->changes[0].after->valuestring);
		free(course);
		free(steps);
	}
}

/* ================================================================ zones */

/* The step's time_zone wins over the course's: in UTC, 03:59:59 stays 03:59:59 three weeks later,
 * while in New York the instant moves an hour (EDT -> EST). */
static void test_time_zone_override(void **state)
{
	struct fx *f = *state;
	static const struct want utc[] = {
		{ RES_ASSIGNMENT, "102", "due_at", "2025-11-01T03:59:59Z", "2025-11-22T03:59:59Z" },
		{ RES_ASSIGNMENT, "102", "lock_at", "2025-11-03T04:59:59Z", "2025-11-24T04:59:59Z" },
	};
	static const struct want ny[] = {
		{ RES_ASSIGNMENT, "102", "due_at", "2025-11-01T03:59:59Z", "2025-11-22T04:59:59Z" },
		{ RES_ASSIGNMENT, "102", "lock_at", "2025-11-03T04:59:59Z", "2025-11-24T04:59:59Z" },
	};

	assert_int_equal(run(f, "  - shift_dates: {days: 21, time_zone: UTC, where: {id: 102}}\n"), 0);
	EXPECT(f, utc, "shift_dates #1");
	use_course(f, COURSE);
	assert_int_equal(run(f, "  - shift_dates: {days: 21, where: {id: 102}}\n"), 0);
	EXPECT(f, ny, "shift_dates #1");
	/* a course without a zone is fine with the step's */
	use_course(f, COURSE);
	f->cx.time_zone = NULL;
	assert_int_equal(run(f, "  - shift_dates: {days: 21, time_zone: UTC, where: {id: 102}}\n"), 0);
	EXPECT(f, utc, "shift_dates #1");
}

static void test_missing_zone(void **state)
{
	struct fx *f = *state;

	f->cx.time_zone = NULL;
	assert_int_not_equal(run(f, "  - shift_dates: {days: 7}\n"), 0);
	assert_int_equal(f->err.code, ERR_RECIPE);
	assert_string_equal(f->err.msg, "t.yaml:4:18: course 4821 has no time zone, so its dates have no local time "
				       "to keep; give the step a time_zone:");
	assert_int_equal(f->p->nchanges, 0);

	use_course(f, COURSE);
	err_clear(&f->err);
	f->cx.time_zone = "";
	assert_int_not_equal(run(f, "  - shift_dates: {days: 7}\n"), 0);
	assert_string_equal(f->err.msg, "t.yaml:4:18: course 4821 has no time zone, so its dates have no local time "
				       "to keep; give the step a time_zone:");

	use_course(f, COURSE);
	err_clear(&f->err);
	f->cx.time_zone = "Mars/Olympus_Mons";
	assert_int_not_equal(run(f, "  - shift_dates: {days: 7}\n"), 0);
	assert_string_equal(f->err.msg, "t.yaml:4:18: course 4821 has the time zone 'Mars/Olympus_Mons', which is not "
				       "in the system's zone database; give the step a time_zone:");
}

/* ================================================================ two steps */

/* Two steps on one field make one change from the value in Canvas to the final one, naming both;
 * the second step's where sees the first step's result. */
static void test_two_steps_merge(void **state)
{
	struct fx *f = *state;
	static const struct want w[] = {
		/* Fri 10-17 -> 10-24 -> 10-31, 23:59:59 EDT all along */
		{ RES_ASSIGNMENT, "101", "due_at", "2025-10-18T03:59:59Z", "2025-11-01T03:59:59Z" },
		{ RES_ASSIGNMENT, "101", "unlock_at", "2025-10-13T04:00:00Z", "2025-10-27T04:00:00Z" },
		/* Mon 10-20 23:59:59 EDT -> Mon 11-03 23:59:59 EST */
		{ RES_ASSIGNMENT, "101", "peer_reviews_assign_at", "2025-10-21T03:59:59Z", "2025-11-04T04:59:59Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "501", "due_at", "2025-10-20T03:59:59Z", "2025-11-03T04:59:59Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "502", "due_at", "2025-11-04T04:59:59Z", "2025-11-18T04:59:59Z" },
		{ RES_ASSIGNMENT_OVERRIDE, "502", "lock_at", "2025-11-06T04:59:59Z", "2025-11-20T04:59:59Z" },
	};

	assert_int_equal(run(f, "  - name: First week\n"
			     "    shift_dates: {days: 7, where: {id: 101}}\n"
			     "  - name: Second week\n"
			     "    shift_dates: {days: 7, where: {due_at: {after: 2025-10-24, before: 2025-10-24}}}\n"), 0);
	EXPECT(f, w, "First week|Second week");
}

static void test_two_steps_that_cancel(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - shift_dates: {days: 7}\n  - shift_dates: {days: -7}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	/* the unreadable date was reported by both steps */
	assert_int_equal(f->p->nskipped, 2);
}


/* ---------------------------------------------------------------- text: true */

/* Dates written in names and bodies (runner/textdates.c has the finder's own table). Local dates,
 * America/New_York, `days: 7`: Fri 09-12 -> Fri 09-19, Mon 09-08 -> Mon 09-15, 09-01..05 ->
 * 09-08..12, Mon 12-15 -> Mon 12-22. */
static const char TEXT_COURSE[] =
	"{'id': 4821, 'name': 'Writing I', 'time_zone': 'America/New_York',"
	" 'start_at': '2025-08-25T04:00:00Z', 'end_at': '2025-12-13T04:59:59Z',"
	" 'syllabus_body': '<p>Exam <b>Monday, Dec 15</b></p>',"
	" 'assignments': [{'id': 103, 'name': 'Quiz 1 (Sep 12)', 'quiz_id': 201, 'submission_types': ['online_quiz'],"
	"   'description': '<p>Due Fri, Sep 12.</p>', 'due_at': '2025-09-13T03:59:59Z', 'published': true},"
	"  {'id': 104, 'name': 'Essay (Sep 12)', 'description': '<p>Friday, Sep 11</p>', 'due_at': null}],"
	" 'quizzes': [{'id': 201, 'title': 'Quiz 1 (Sep 12)', 'assignment_id': 103, 'description': '<p>Due Fri, Sep 12.</p>',"
	"   'due_at': '2025-09-13T03:59:59Z', 'published': true}],"
	" 'discussion_topics': [], 'announcements': [], 'calendar_events': [{'id': 801, 'title': 'Sep 12 exam',"
	"   'start_at': null, 'end_at': null}],"
	" 'modules': [{'id': 601, 'name': 'Week 2 (Sep 1\u20135)', 'position': 1, 'unlock_at': null, 'items': ["
	"   {'id': 6011, 'module_id': 601, 'type': 'SubHeader', 'title': 'Quiz Sep 12'},"
	"   {'id': 6012, 'module_id': 601, 'type': 'Quiz', 'content_id': 201, 'title': 'Quiz 1 (Sep 12)'}]}],"
	" 'pages': [{'page_id': 701, 'url': 'notes-sep-8', 'title': 'Notes Sep 8', 'body': '<p>Read by Mon 9/8</p>'}]}";

/* "kind id field after" of each change noted as text, one a line. */
static void text_changes(struct fx *f, char *out, size_t n)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < f->p->nchanges; i++) {
		const struct plan_change *c = &f->p->changes[i];

		if (c->note && strstr(c->note, "written in the text"))
			snprintf(out + strlen(out), n - strlen(out), "%s %s %s %s\n", resource_get(c->kind)->name, c->id,
				 c->field, cJSON_GetStringValue(c->after));
	}
}

static void test_text(void **state)
{
	struct fx *f = *state;
	char got[2048];

	use_course(f, TEXT_COURSE);
	assert_int_equal(run(f, "  - name: t\n    shift_dates: {days: 7, text: true}\n"), 0);
	text_changes(f, got, sizeof(got));
	/* the quiz's title and description, not its assignment's (Canvas copies them); a standalone
	 * assignment's name; the module and its text header (not the item of the quiz: Canvas renames it
	 * with the quiz); the page body but not its title; the syllabus; no event */
	assert_string_equal(got, "quiz 201 title Quiz 1 (Sep 19)\n"
				 "quiz 201 description <p>Due Fri, Sep 19.</p>\n"
				 "assignment 104 name Essay (Sep 19)\n"
				 "module 601 name Week 2 (Sep 8\u201312)\n"
				 "module item 6011 title Quiz Sep 19\n"
				 "page 701 body <p>Read by Mon 9/15</p>\n"
				 "course 4821 syllabus_body <p>Exam <b>Monday, Dec 22</b></p>\n");
	assert_int_equal(f->p->nwarnings, 2);
	assert_string_equal(f->p->warnings[0].message,
			    "step 't' in course 4821: assignment 'Essay (Sep 12)' (104) description: 'Friday, Sep 11' is "
			    "left as written: written as a Friday, but September 11, 2025 is a Thursday");
	assert_non_null(strstr(f->p->warnings[1].message, "page 'Notes Sep 8' (701) title: 'Sep 8' is left as written"));
}

/* where: and only: choose the objects whose text moves; the syllabus needs neither a where: nor an
 * only: without it. */
static void test_text_where_and_only(void **state)
{
	struct fx *f = *state;
	char got[2048];

	use_course(f, TEXT_COURSE);
	assert_int_equal(run(f, "  - name: t\n    shift_dates: {days: 7, text: true, where: {name: '^Week'}}\n"), 0);
	text_changes(f, got, sizeof(got));
	assert_string_equal(got, "module 601 name Week 2 (Sep 8\u201312)\nmodule item 6011 title Quiz Sep 19\n");

	use_course(f, TEXT_COURSE);
	assert_int_equal(run(f, "  - name: t\n    shift_dates: {days: 7, text: true, only: [syllabus]}\n"), 0);
	text_changes(f, got, sizeof(got));
	assert_string_equal(got, "course 4821 syllabus_body <p>Exam <b>Monday, Dec 22</b></p>\n");
}

/* days: in a course without start and end dates: a date without a year has no term; listed. The
 * term of from:/to: is the step's own. */
static void test_text_year(void **state)
{
	struct fx *f = *state;
	char got[2048];

	use_course(f, "{'id': 4821, 'time_zone': 'America/New_York', 'modules': [{'id': 601, 'name': 'Week 2 (Sep 1)',"
		      " 'position': 1, 'items': []}, {'id': 602, 'name': 'Week 3 (Sep 8, 2025)', 'position': 2,"
		      " 'items': []}]}");
	assert_int_equal(run(f, "  - name: t\n    shift_dates: {days: 7, text: true}\n"), 0);
	text_changes(f, got, sizeof(got));
	assert_string_equal(got, "module 602 name Week 3 (Sep 15, 2025)\n");
	assert_int_equal(f->p->nwarnings, 1);
	assert_non_null(strstr(f->p->warnings[0].message, "'Sep 1' is left as written: no year is written and the term"));

	/* from: 2025-01-06..05-02 (spring): "Dec 15" is December 2024, 22 days before the term; the
	 * mapping (Canvas's, span kept: +140 days) takes 2024-12-15 to 2025-05-04, a Sunday */
	use_course(f, "{'id': 4821, 'time_zone': 'America/New_York', 'modules': [{'id': 601, 'name': 'Review Dec 15',"
		      " 'position': 1, 'items': []}]}");
	assert_int_equal(run(f, "  - name: t\n    shift_dates: {from: {start: 2025-01-06, end: 2025-05-02},"
			     " to: {start: 2025-05-26}, text: true}\n"), 0);
	text_changes(f, got, sizeof(got));
	assert_string_equal(got, "module 601 name Review May 4\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirrors_in_working_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_course_dates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overrides_false, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seconds_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_term_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_problem_keeps_the_assignment_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_problem_in_a_quiz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_problem_in_an_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_quizzes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_discussions_and_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_assignments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_where, setup, teardown),
		cmocka_unit_test_setup_teardown(test_where_range_is_on_the_original_dates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_zone_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_zone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_steps_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_steps_that_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_where_and_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_year, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/unit-step-schedule.c -- the `schedule` step (runner/step_schedule.c) over a hand-built
 * course in America/New_York: what each kind selects and where its dates go, breaks that move a
 * day before, a capture that is not a number, a relative field with an empty base, an override
 * with no offset to keep, a rule matching nothing, the time_zone option, a course without zone,
 * closed grading periods and a checkpointed discussion; text: an object whose own fields moved
 * apart on one old day (text.from decides, or it is listed).
 *
 * The term: Mon 2026-01-12 .. Fri 2026-05-01; a break Thu 01-22 .. Fri 01-23 with move: before
 * (week 2 keeps its number: Mon .. Wed still teach). Expected instants by hand: EST is UTC-5,
 * PST UTC-8 in January.
 *   week 1 Thu 01-15 23:59 EST = 01-16T04:59:00Z   (PST: 01-16T07:59:00Z)
 *   week 2 Thu 01-22 -> Wed 01-21: 23:59 EST = 01-22T04:59:00Z, 17:00 EST = 01-21T22:00:00Z
 *   week 2 Fri 01-23 -> Wed 01-21 (the break's day before)
 *   week 3 Fri 01-30 17:00 EST = 01-30T22:00:00Z
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
#include "step.h"
#include "xalloc.h"

static const char HEAD[] =
	"version: 1\ncourses: [4821]\nsteps:\n  - schedule:\n"
	"      term:\n        start: 2026-01-12\n        end: 2026-05-01\n"
	"        breaks: [{name: Break, start: 2026-01-22, end: 2026-01-23, move: before}]\n";

static const char COURSE[] =
	"{'id': 4821, 'time_zone': 'America/New_York',"
	" 'assignments': ["
	"  {'id': 1, 'name': 'Set 1', 'due_at': '2025-09-05T03:59:00Z', 'unlock_at': null, 'lock_at': null,"
	"   'submission_types': ['online_upload'], 'overrides': []},"
	"  {'id': 2, 'name': 'Set 2', 'due_at': null, 'unlock_at': null, 'lock_at': null,"
	"   'submission_types': ['online_upload'],"
	"   'overrides': [{'id': 61, 'title': 'Section 2', 'due_at': '2025-09-12T03:59:00Z'}]},"
	"  {'id': 3, 'name': 'Week 3 Check', 'due_at': null, 'unlock_at': null, 'lock_at': null,"
	"   'submission_types': ['external_tool'], 'is_quiz_lti_assignment': true, 'overrides': []},"
	"  {'id': 5, 'name': 'Set x', 'due_at': null, 'unlock_at': null, 'lock_at': null,"
	"   'submission_types': ['online_upload'], 'overrides': []}],"
	" 'quizzes': ["
	"  {'id': 21, 'title': 'Week 2 Survey', 'quiz_type': 'survey', 'assignment_id': null, 'due_at': null,"
	"   'unlock_at': null, 'lock_at': null}],"
	" 'discussion_topics': ["
	"  {'id': 41, 'title': 'Week 2 Talk', 'assignment_id': null, 'delayed_post_at': null, 'lock_at': null}]}";

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

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->course = parse_quoted(COURSE);
	f->p = plan_new();
	plan_add_course(f->p, f->course, NULL);
	f->cx.plan = f->p;
	f->cx.course = f->course;
	f->cx.course_id = "4821";
	f->cx.time_zone = "America/New_York";
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

/* HEAD + body (the schedule's keys after term) as the one step; the plan finished. */
static int run(struct fx *f, const char *body)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;
	char *text = xasprintf("%s%s", HEAD, body);
	int rc;

	if (recipe_load_mem(&r, "t.yaml", text, strlen(text), NULL, &d)) {
		diag_print(&d, stderr);
		fail_msg("the recipe does not load:\n%s", body);
	}
	f->cx.step = r->steps[0].name;
	rc = step_schedule(&f->cx, r->steps[0].data, &f->err);
	f->cx.step = NULL;
	plan_finish(f->p);
	recipe_free(r);
	diag_release(&d);
	free(text);
	return rc;
}

/* The plan's changes, one "kind id field after" a line, in plan order. */
static void changes(struct fx *f, char *out, size_t n)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < f->p->nchanges; i++) {
		const struct plan_change *c = &f->p->changes[i];

		snprintf(out + strlen(out), n - strlen(out), "%s %s %s %s\n", resource_get(c->kind)->name, c->id,
			 c->field, cJSON_IsString(c->after) ? c->after->valuestring : "null");
	}
}

static void test_kinds_and_breaks(void **state)
{
	struct fx *f = *state;
	char got[2048];

	assert_int_equal(run(f, "      rules:\n"
				"        - name: Quizzes\n"
				"          kind: quizzes\n"
				"          where: {title: '^Week (\\d+) (Survey|Check)$'}\n"
				"          week: $1\n"
				"          set: {due_at: fri 17:00}\n"
				"        - name: Talks\n"
				"          kind: discussions\n"
				"          where: {title: Talk}\n"
				"          week: 2\n"
				"          set: {due_at: fri 17:00}\n"), 0);
	changes(f, got, sizeof(got));
	/* the survey (no assignment) carries its own date; the New Quiz is its assignment */
	assert_string_equal(got, "quiz 21 due_at 2026-01-21T22:00:00Z\n"
				 "assignment 3 due_at 2026-01-30T22:00:00Z\n");
	assert_string_equal(f->p->changes[0].note, "rule 'Quizzes' (2 matched): week 2, Fri, moved out of 'Break'");
	/* an ungraded discussion is no discussion to a schedule: the rule matched nothing */
	assert_int_equal(f->p->nwarnings, 1);
	if (!strstr(f->p->warnings[0].message, "rule 'Talks' (line 15) matched nothing in course 4821: no discussions "
					      "with where: {title: 'Talk'}"))
		fail_msg("%s", f->p->warnings[0].message);
	/* the break is in the plan for the calendar */
	assert_int_equal(f->p->nblackouts, 1);
	assert_string_equal(f->p->blackouts[0].start, "2026-01-22");
}

static void test_capture_override_and_order(void **state)
{
	struct fx *f = *state;
	char got[2048];

	assert_int_equal(run(f, "      rules:\n"
				"        - name: Sets\n"
				"          kind: assignments\n"
				"          where: {name: '^Set (\\S+)$'}\n"
				"          week: $1\n"
				"          set: {due_at: thu 23:59, lock_at: unlock_at + 1 day}\n"), 0);
	changes(f, got, sizeof(got));
	assert_string_equal(got, "assignment 1 due_at 2026-01-16T04:59:00Z\n"
				 "assignment 2 due_at 2026-01-22T04:59:00Z\n");
	assert_int_equal(f->p->nskipped, 4);
	assert_string_equal(f->p->skipped[0].id, "1");
	assert_string_equal(f->p->skipped[0].field, "lock_at");
	assert_string_equal(f->p->skipped[0].reason, "rule 'Sets' sets lock_at relative to unlock_at, which is empty");
	assert_string_equal(f->p->skipped[2].id, "61");
	assert_string_equal(f->p->skipped[2].reason, "rule 'Sets' sets the assignment's due_at, which was empty, so this "
						     "override has no offset to keep");
	assert_string_equal(f->p->skipped[3].id, "5");
	assert_string_equal(f->p->skipped[3].reason, "rule 'Sets': capture group $1 of where.name is 'x', not a week "
						     "number; its dates are left as they are");
}

/* text: an object's own fields on one old day moved apart (unlock Mon, due Thu), so its written
 * date is decided by text.from (old week 2 Thu -> new week 2 Thu 01-22, in the break, moved before:
 * Wed 01-21); without from: it is listed, as is a date no field had. */
static const char TEXT_RULE[] =
	"      rules:\n"
	"        - {name: One, kind: assignments, where: {id: 1}, week: 1,"
	" set: {unlock_at: mon 06:00, due_at: thu 23:59}}\n";

static void set_text(struct fx *f)
{
	cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(f->course, "assignments"), 0);

	cJSON_ReplaceItemInObject(a, "unlock_at", cJSON_CreateString("2025-09-04T10:00:00Z"));
	cJSON_AddStringToObject(a, "description", "<p>Opens and is due Thu, Sep 4; quiz Fri, Sep 12.</p>");
}

static void test_text_own_fields_apart_and_old_term(void **state)
{
	struct fx *f = *state;
	char *body = xasprintf("      text: {syllabus: false, from: {start: 2025-08-25, end: 2025-12-12}}\n%s",
			       TEXT_RULE);
	size_t i;

	set_text(f);
	assert_int_equal(run(f, body), 0);
	free(body);
	for (i = 0; i < f->p->nchanges && strcmp(f->p->changes[i].field, "description"); i++)
		;
	assert_true(i < f->p->nchanges);
	assert_string_equal(f->p->changes[i].after->valuestring, "<p>Opens and is due Wed, Jan 21; quiz Fri, Jan 30.</p>");
	assert_string_equal(f->p->changes[i].note, "2 dates written in the text");
	assert_int_equal(f->p->nwarnings, 0);
}

static void test_text_without_old_term_lists(void **state)
{
	struct fx *f = *state;
	char *body = xasprintf("      text: true\n%s", TEXT_RULE);
	size_t i;

	set_text(f);
	assert_int_equal(run(f, body), 0);
	free(body);
	for (i = 0; i < f->p->nchanges; i++)
		assert_string_not_equal(f->p->changes[i].field, "description");
	assert_int_equal(f->p->nwarnings, 2);
	if (!strstr(f->p->warnings[0].message, "'Thu, Sep 4' is left as written: the dates on that day moved to "
					      "different days"))
		fail_msg("%s", f->p->warnings[0].message);
	if (!strstr(f->p->warnings[1].message, "'Fri, Sep 12' is left as written: it is no date of a field the "
					      "schedule moved, and the step gives no old term"))
		fail_msg("%s", f->p->warnings[1].message);
}

static void test_two_rules_one_object(void **state)
{
	struct fx *f = *state;

	assert_int_not_equal(run(f, "      rules:\n"
				    "        - {name: A, kind: assignments, week: 1, set: {due_at: thu 23:59}}\n"
				    "        - {name: B, kind: assignments, where: {id: 2}, week: 2, set: {due_at: thu 23:59}}\n"),
			     0);
	assert_string_equal(f->err.msg, "t.yaml:11:11: assignment 'Set 2' (id 2) in course 4821 is claimed by two rules: "
					 "'A' (line 10) and 'B' (line 11); narrow one rule's where: so that each object "
					 "has one rule");
	assert_int_equal(f->p->nchanges, 0);
}

static void test_zones(void **state)
{
	struct fx *f = *state;
	char got[512];

	assert_int_equal(run(f, "      time_zone: America/Los_Angeles\n"
				"      rules: [{kind: assignments, where: {id: 1}, week: 1, set: {due_at: thu 23:59}}]\n"), 0);
	changes(f, got, sizeof(got));
	assert_string_equal(got, "assignment 1 due_at 2026-01-16T07:59:00Z\n");
	f->cx.time_zone = NULL;
	assert_int_not_equal(run(f, "      rules: [{kind: assignments, week: 1, set: {due_at: thu 23:59}}]\n"), 0);
	if (!strstr(f->err.msg, "t.yaml:5:7: course 4821 has no time zone"))
		fail_msg("%s", f->err.msg);
}

/* A closed grading period (Q1, to 01-20) and an assignment due in one now; a checkpointed
 * discussion. Each keeps its dates with the reason; Set 5's week 3 date is outside Q1 and moves. */
static void test_closed_periods_and_checkpoints(void **state)
{
	struct fx *f = *state;
	cJSON *asgs = cJSON_GetObjectItemCaseSensitive(f->course, "assignments");
	char got[512];

	cJSON_AddItemToObject(f->course, "grading_periods", parse_quoted(
		"[{'id': 1, 'title': 'Q1', 'start_date': '2026-01-01T05:00:00Z', 'end_date': '2026-01-20T05:00:00Z',"
		"  'is_closed': true},"
		" {'id': 2, 'title': 'Q2', 'start_date': '2026-01-20T05:00:00Z', 'end_date': '2026-06-01T04:00:00Z',"
		"  'is_closed': false}]"));
	cJSON_AddItemToArray(asgs, parse_quoted("{'id': 7, 'name': 'Set 7', 'due_at': null, 'submission_types': "
						"['online_upload'], 'in_closed_grading_period': true}"));
	cJSON_AddItemToArray(asgs, parse_quoted("{'id': 8, 'name': 'Set 8', 'due_at': null, 'submission_types': "
						"['discussion_topic'], 'checkpoints': [{'tag': 'reply_to_topic'}]}"));
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(f->course, "discussion_topics"),
			     parse_quoted("{'id': 48, 'title': 'Set 8', 'assignment_id': 8}"));
	cJSON_AddItemToArray(asgs, parse_quoted("{'id': 9, 'name': 'Set 9', 'due_at': null, 'submission_types': "
						"['online_upload']}"));
	assert_int_equal(run(f, "      rules:\n"
				"        - name: Early\n"
				"          kind: assignments\n"
				"          where: {id: [1, 7]}\n"
				"          week: 1\n"
				"          set: {due_at: thu 23:59}\n"
				"        - name: Later\n"
				"          kind: [assignments, discussions]\n"
				"          where: {id: [8, 9]}\n"
				"          week: 3\n"
				"          set: {due_at: thu 23:59}\n"), 0);
	changes(f, got, sizeof(got));
	assert_string_equal(got, "assignment 9 due_at 2026-01-30T04:59:00Z\n");
	assert_int_equal(f->p->nskipped, 3);
	assert_string_equal(f->p->skipped[0].id, "1");
	assert_string_equal(f->p->skipped[0].reason, "rule 'Early' would put a due date into the closed grading period "
						     "'Q1': Canvas refuses that to a teacher (and would refuse the whole "
						     "bulk update), so the assignment keeps its dates");
	assert_string_equal(f->p->skipped[1].id, "7");
	assert_non_null(strstr(f->p->skipped[1].reason, "due in a closed grading period"));
	assert_string_equal(f->p->skipped[2].id, "8");
	assert_non_null(strstr(f->p->skipped[2].reason, "checkpointed discussion"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kinds_and_breaks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capture_override_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_rules_one_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_own_fields_apart_and_old_term, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_without_old_term_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_periods_and_checkpoints, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/unit-recipe-schedule.c -- the `schedule` parser (runner/recipe_schedule.c) into its model
 * (include/recipe_schedule.h).
 *
 * A good recipe whose every model field is compared (defaults included, and the computing order of
 * relative fields), and a table of bad ones that must each fail with exactly one error at the exact
 * line and column (recipe-cases.h). Every body sits under the same four-line head, so body line k
 * is recipe line 4 + k.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "recipe.h"
#include "recipe-cases.h"
#include "recipe_actions.h"
#include "recipe_schedule.h"
#include "recipe_where.h"

#define HEAD "version: 1\ncourses: [1]\nsteps:\n  - schedule:\n"

static const struct rschedule *load_ok(const char *body, struct recipe **r)
{
	struct diags d = DIAGS_INIT;
	char text[4096];
	int n = snprintf(text, sizeof(text), HEAD "%s", body);
	size_t i;

	assert_true(n > 0 && (size_t)n < sizeof(text));
	if (recipe_load_mem(r, "t.yaml", text, (size_t)n, NULL, &d)) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "  %d:%d: %s\n", d.v[i].pos.line, d.v[i].pos.col, d.v[i].msg);
		fail_msg("the recipe does not load");
	}
	diag_release(&d);
	assert_ptr_equal((*r)->steps[0].action, &recipe_action_schedule);
	return (*r)->steps[0].data;
}

static void test_full_model(void **state)
{
	static const char body[] =
		"      term:\n"
		"        start: 2026-01-12\n"
		"        end: 2026-05-01\n"
		"        weeks_start_on: sun\n"
		"        breaks:\n"
		"          - {name: Spring break, start: 2026-03-14, end: 2026-03-22}\n"
		"          - {start: 2026-11-26, end: 2026-11-27, move: before}\n"
		"      time_zone: America/Chicago\n"
		"      overrides: keep\n"
		"      rules:\n"
		"        - name: Sets\n"
		"          kind: [assignments, quizzes]\n"
		"          where: {name: '^Set (\\d+)-(\\d+)$', published: true}\n"
		"          week: $2 + 1\n"
		"          set:\n"
		"            lock_at: due_at + 90 minutes\n"
		"            due_at: unlock_at + 3 days\n"
		"            unlock_at: {week: $1 - 1, weekday: mon, time: '06:30:15'}\n"
		"        - kind: modules\n"
		"          week: 4\n"
		"          set: {unlock_at: Monday 6:00}\n";
	struct recipe *r = NULL;
	const struct rschedule *m = load_ok(body, &r);
	const struct rsched_rule *a, *b;

	(void)state;
	assert_true(m->has_term);
	assert_int_equal(m->start.y * 10000 + m->start.m * 100 + m->start.d, 20260112);
	assert_int_equal(m->end.y * 10000 + m->end.m * 100 + m->end.d, 20260501);
	assert_int_equal(m->weeks_start_on, 7);
	assert_int_equal(m->nbreaks, 2);
	assert_string_equal(m->breaks[0].name, "Spring break");
	assert_int_equal(m->breaks[0].before, 0);
	assert_null(m->breaks[1].name);
	assert_int_equal(m->breaks[1].before, 1);
	assert_string_equal(m->time_zone, "America/Chicago");
	assert_int_equal(m->overrides_follow, 0);
	assert_int_equal(m->nrules, 2);
	a = &m->rules[0];
	assert_string_equal(a->name, "Sets");
	assert_int_equal(a->kinds, RSCHED_ASSIGNMENTS | RSCHED_QUIZZES);
	assert_non_null(a->where);
	assert_int_equal(a->where->published, 1);
	assert_true(a->week.given);
	assert_int_equal(a->week.group, 2);
	assert_int_equal(a->week.add, 1);
	assert_int_equal(a->week.pos.line, 18);
	/* computing order: unlock_at, then due_at (relative to it), then lock_at */
	assert_int_equal(a->nfields, 3);
	assert_string_equal(a->fields[0].field, "unlock_at");
	assert_false(a->fields[0].relative);
	assert_int_equal(a->fields[0].week.group, 1);
	assert_int_equal(a->fields[0].week.add, -1);
	assert_int_equal(a->fields[0].weekday, 1);
	assert_int_equal(a->fields[0].hh * 10000 + a->fields[0].mm * 100 + a->fields[0].ss, 63015);
	assert_string_equal(a->fields[1].field, "due_at");
	assert_true(a->fields[1].relative);
	assert_string_equal(a->fields[1].base, "unlock_at");
	assert_int_equal(a->fields[1].amount, 3);
	assert_int_equal(a->fields[1].unit, RSCHED_DAYS);
	assert_string_equal(a->fields[2].field, "lock_at");
	assert_string_equal(a->fields[2].base, "due_at");
	assert_int_equal(a->fields[2].amount, 90);
	assert_int_equal(a->fields[2].unit, RSCHED_MINUTES);
	b = &m->rules[1];
	assert_string_equal(b->name, "rule #2");
	assert_int_equal(b->kinds, RSCHED_MODULES);
	assert_null(b->where);
	assert_int_equal(b->week.group, 0);
	assert_int_equal(b->week.add, 4);
	assert_int_equal(b->fields[0].weekday, 1);
	assert_int_equal(b->fields[0].hh, 6);
	recipe_free(r);
}

static void test_defaults(void **state)
{
	struct recipe *r = NULL;
	const struct rschedule *m = load_ok("      rules: [{kind: pages, week: 1, set: {todo_date: fri 17:00}}]\n", &r);

	(void)state;
	assert_false(m->has_term);
	assert_int_equal(m->weeks_start_on, 1);
	assert_int_equal(m->nbreaks, 0);
	assert_null(m->time_zone);
	assert_int_equal(m->overrides_follow, 1);
	assert_int_equal(m->rules[0].fields[0].weekday, 5);
	assert_int_equal(m->rules[0].fields[0].hh, 17);
	assert_null(m->text_locale);
	assert_false(m->text_syllabus);
	recipe_free(r);
}

static void test_text(void **state)
{
	struct recipe *r = NULL;
	const struct rschedule *m;

	(void)state;
	m = load_ok("      text: true\n      rules: [{kind: pages, week: 1, set: {todo_date: fri 17:00}}]\n", &r);
	assert_non_null(m->text_locale);
	assert_string_equal(m->text_locale->name, "en");
	assert_true(m->text_syllabus);
	assert_false(m->has_text_from);
	recipe_free(r);
	m = load_ok("      text: {locale: en-GB, syllabus: false, from: {start: 2025-08-25, end: 2025-12-12,\n"
		    "             breaks: [{start: 2025-11-26, end: 2025-11-28}]}}\n"
		    "      rules: [{kind: pages, week: 1, set: {todo_date: fri 17:00}}]\n", &r);
	assert_string_equal(m->text_locale->name, "en-GB");
	assert_false(m->text_syllabus);
	assert_true(m->has_text_from);
	assert_int_equal(m->text_from_start.y * 10000 + m->text_from_start.m * 100 + m->text_from_start.d, 20250825);
	assert_int_equal(m->text_from_end.y * 10000 + m->text_from_end.m * 100 + m->text_from_end.d, 20251212);
	assert_int_equal(m->ntext_from_breaks, 1);
	assert_int_equal(m->nbreaks, 0);
	recipe_free(r);
	m = load_ok("      text: false\n      rules: [{kind: pages, week: 1, set: {todo_date: fri 17:00}}]\n", &r);
	assert_null(m->text_locale);
	recipe_free(r);
}

static const struct bad_case BAD[] = {
	{ "      rules: []\n", 5, 14, "'rules' is empty" },
	{ "      term: {start: 2026-01-12, end: 2026-05-01}\n", 5, 7, "needs 'rules'" },
	{ "      term: {start: 2026-01-12, end: 2026-01-12}\n      rules: [{kind: pages, week: 1, set: {todo_date: "
	  "mon 09:00}}]\n", 5, 38, "must be after 'term.start'" },
	{ "      term: {start: 2026-01-12T08:00, end: 2026-05-01}\n      rules: [{kind: pages, week: 1, set: "
	  "{todo_date: mon 09:00}}]\n", 5, 21, "calendar date" },
	{ "      term: {start: 2026-01-12, end: 2026-05-01, breaks: [{start: 2026-03-20, end: 2026-03-16}]}\n"
	  "      rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}}]\n", 5, 84, "before its start" },
	{ "      term: {start: 2026-01-12, end: 2026-05-01, weeks_start_on: monday}\n      rules: [{kind: pages, "
	  "week: 1, set: {todo_date: mon 09:00}}]\n", 5, 66, "weeks_start_on" },
	{ "      overrides: always\n      rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}}]\n", 5, 18,
	  "'overrides'" },
	{ "      rules: [{kind: syllabus, week: 1, set: {todo_date: mon 09:00}}]\n", 5, 22, "'kind'" },
	{ "      rules: [{kind: [pages, pages], week: 1, set: {todo_date: mon 09:00}}]\n", 5, 30, "listed twice" },
	{ "      rules: [{kind: pages, week: 1}]\n", 5, 15, "'set'" },
	{ "      rules: [{kind: pages, week: 1, set: {}}]\n", 5, 43, "'set' is empty" },
	{ "      rules: [{kind: pages, week: 0, set: {todo_date: mon 09:00}}]\n", 5, 35, "is not a week" },
	{ "      rules: [{kind: pages, week: $1, set: {todo_date: mon 09:00}}]\n", 5, 35,
	  "no where.name to capture it" },
	{ "      rules: [{kind: pages, where: {title: 'W(\\d+)'}, week: $2, set: {todo_date: mon 09:00}}]\n", 5, 61,
	  "capture group $2, but where.name has 1" },
	{ "      rules: [{kind: pages, set: {todo_date: mon 09:00}}]\n", 5, 46, "has no week" },
	{ "      rules: [{kind: pages, week: 1, set: {due_at: mon 09:00}}]\n", 5, 44,
	  "pages have no date 'due_at'" },
	{ "      rules: [{kind: pages, week: 1, set: {todo_date: mon 24:00}}]\n", 5, 55, "local time" },
	{ "      rules: [{kind: pages, week: 1, set: {todo_date: soon}}]\n", 5, 55, "neither 'WEEKDAY HH:MM'" },
	{ "      rules: [{kind: pages, week: 1, set: {todo_date: todo_date + 1 day}}]\n", 5, 55,
	  "relative to itself" },
	{ "      rules: [{kind: pages, week: 1, set: {todo_date: due_at + 1 day}}]\n", 5, 55,
	  "relative to 'due_at', which pages do not have" },
	{ "      rules: [{kind: pages, week: 1, set: {todo_date: publish_at + 2 fortnights, publish_at: mon 09:00}}]\n",
	  5, 55, "neither" },
	{ "      rules: [{kind: pages, week: 1, set: {todo_date: {weekday: mon}}}]\n", 5, 55, "needs 'time'" },
	{ "      rules: [{kind: pages, week: 1, set: {todo_date: {weekday: mon, time: '9'}}}]\n", 5, 76,
	  "not a local time" },
	{ "      rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}, when: now}]\n", 5, 67, "unknown key 'when'" },
	{ "      rules: [{kind: pages, where: {url: x}, week: 1, set: {todo_date: mon 09:00}}]\n", 5, 37,
	  "unknown key 'url'" },
	{ "      text: {from: {start: 2025-12-12, end: 2025-08-25}}\n"
	  "      rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}}]\n",
	  5, 45, "'text.from.end' must be after 'text.from.start'" },
	{ "      text: {from: {start: 2025-08-25}}\n      rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}}]\n",
	  5, 20, "needs 'end'" },
	{ "      text: {locale: fr}\n      rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}}]\n", 5, 22,
	  "'text.locale'" },
	{ "      text: yes please\n      rules: [{kind: pages, week: 1, set: {todo_date: mon 09:00}}]\n", 5, 13,
	  "'text'" },
};

static void test_bad(void **state)
{
	(void)state;
	assert_int_equal(check_bad_cases(BAD, sizeof(BAD) / sizeof(BAD[0]), HEAD, "t.yaml"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_model),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

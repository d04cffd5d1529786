/* tests/unit/unit-recipe-shift-dates.c -- the `shift_dates` parser (runner/recipe_shift_dates.c)
 * into its model (include/recipe_shift_dates.h).
 *
 * Two tables. Good recipes: each body is loaded with recipe_load_mem and every field of the
 * model is compared with the expected one (defaults included, so a default that changes is a
 * failing test). Bad recipes: each must fail with exactly one error, at the exact line and column,
 * with a message containing the expected words. A few cases check that several errors in one step
 * are all reported, that variables reach the dates, and that the action's table row is real.
 *
 * Every body sits under the same four-line head, so body line k is recipe line 4 + k and the column
 * is the column in the body string as written.
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
#include "recipe_shift_dates.h"
#include "recipe_where.h"

#define HEAD "version: 1\ncourses: [1]\nsteps:\n  - shift_dates:\n"

static int load(const char *body, struct recipe **r, struct diags *d, const struct recipe_opts *o)
{
	char text[4096];
	int n = snprintf(text, sizeof(text), HEAD "%s", body);

	assert_true(n > 0 && (size_t)n < sizeof(text));
	return recipe_load_mem(r, "t.yaml", text, (size_t)n, o, d);
}

static void print_diags(const char *what, const struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "  [%s] %d:%d: %s\n", what, d->v[i].pos.line, d->v[i].pos.col, d->v[i].msg);
}

/* ---------------------------------------------------------------- good recipes */

struct ymd {
	int y, m, d;
};

struct want_blackout {
	struct ymd start, end;
	enum rshift_move move;
};

struct good {
	const char *name;
	const char *body;
	enum rshift_mode mode;
	long days;
	struct ymd from_start, from_end, to_start, to_end;
	int has_to_end;
	int weekdays[8];
	size_t nblackouts;
	struct want_blackout blackouts[3];
	const char *time_zone;
	enum rshift_seconds seconds;
	unsigned only;
	int course_dates, overrides;
	/* where: */
	int has_where;
	const char *where_name;       /* regex source, or NULL */
	size_t where_nids;
	long long where_id0;
	int where_published;          /* compared only with has_where: -1 any, 0, 1 */
	size_t where_nranges;
	const char *where_range0;     /* field of the first range */
	struct ymd where_after0, where_before0;
};

#define DEFAULTS .only = RSHIFT_KIND_ALL, .overrides = 1, .seconds = RSHIFT_SECONDS_KEEP

static const struct good goods[] = {
	{ "days only, every default",
	  "      days: 7\n",
	  .mode = RSHIFT_DAYS, .days = 7, DEFAULTS },
	{ "days at the lower bound",
	  "      days: -3650\n",
	  .mode = RSHIFT_DAYS, .days = -3650, DEFAULTS },
	{ "days at the upper bound, quoted",
	  "      days: \"3650\"\n",
	  .mode = RSHIFT_DAYS, .days = 3650, DEFAULTS },
	{ "term mapping with every key",
	  "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to:   {start: 2026-01-12, end: 2026-05-08}\n"
	  "      weekdays: {mon: tue, wed: thu, sun: sat}\n"
	  "      blackouts:\n"
	  "        - {start: 2026-03-16, end: 2026-03-20}\n"
	  "        - {start: 2026-04-03, end: 2026-04-03, move: before}\n"
	  "        - {start: 2026-02-16, end: 2026-02-16, move: after}\n"
	  "      time_zone: America/Denver\n"
	  "      seconds: drop\n"
	  "      only: [assignments, calendar_events, quizzes]\n"
	  "      course_dates: true\n"
	  "      overrides: false\n"
	  "      where:\n"
	  "        name: \"^Week \\\\d+\"\n"
	  "        id: [11, 12]\n"
	  "        published: true\n"
	  "        due_at: {after: 2025-09-01, before: 2025-12-20}\n",
	  .mode = RSHIFT_TERM,
	  .from_start = { 2025, 8, 25 }, .from_end = { 2025, 12, 12 },
	  .to_start = { 2026, 1, 12 }, .to_end = { 2026, 5, 8 }, .has_to_end = 1,
	  .weekdays = { 0, 2, 0, 4, 0, 0, 0, 6 },
	  .nblackouts = 3,
	  .blackouts = { { { 2026, 3, 16 }, { 2026, 3, 20 }, RSHIFT_MOVE_AFTER },
			 { { 2026, 4, 3 }, { 2026, 4, 3 }, RSHIFT_MOVE_BEFORE },
			 { { 2026, 2, 16 }, { 2026, 2, 16 }, RSHIFT_MOVE_AFTER } },
	  .time_zone = "America/Denver", .seconds = RSHIFT_SECONDS_DROP,
	  .only = RSHIFT_ASSIGNMENTS | RSHIFT_CALENDAR_EVENTS | RSHIFT_QUIZZES,
	  .course_dates = 1, .overrides = 0,
	  .has_where = 1, .where_name = "^Week \\d+", .where_nids = 2, .where_id0 = 11, .where_published = 1,
	  .where_nranges = 1, .where_range0 = "due_at", .where_after0 = { 2025, 9, 1 },
	  .where_before0 = { 2025, 12, 20 } },
	{ "to without end keeps the term length; keys in any order",
	  "      to: {start: 2026-01-12}\n"
	  "      from: {end: 2025-12-12, start: 2025-08-25}\n",
	  .mode = RSHIFT_TERM,
	  .from_start = { 2025, 8, 25 }, .from_end = { 2025, 12, 12 }, .to_start = { 2026, 1, 12 },
	  DEFAULTS },
	{ "a term mapping backwards in time, empty weekdays, empty blackouts",
	  "      from: {start: 2026-01-12, end: 2026-05-08}\n"
	  "      to: {start: 2025-01-13, end: 2025-05-09}\n"
	  "      weekdays: {}\n"
	  "      blackouts: []\n",
	  .mode = RSHIFT_TERM,
	  .from_start = { 2026, 1, 12 }, .from_end = { 2026, 5, 8 },
	  .to_start = { 2025, 1, 13 }, .to_end = { 2025, 5, 9 }, .has_to_end = 1, DEFAULTS },
	{ "every weekday substituted, in block style",
	  "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12}\n"
	  "      weekdays:\n"
	  "        mon: sun\n"
	  "        tue: sat\n"
	  "        wed: fri\n"
	  "        thu: thu\n"
	  "        fri: wed\n"
	  "        sat: tue\n"
	  "        sun: mon\n",
	  .mode = RSHIFT_TERM,
	  .from_start = { 2025, 8, 25 }, .from_end = { 2025, 12, 12 }, .to_start = { 2026, 1, 12 },
	  .weekdays = { 0, 7, 6, 5, 4, 3, 2, 1 }, DEFAULTS },
	{ "overlapping, unsorted blackouts are kept in recipe order",
	  "      days: 364\n"
	  "      blackouts:\n"
	  "        - {start: 2026-11-23, end: 2026-11-27, move: before}\n"
	  "        - {start: 2026-03-16, end: 2026-03-20}\n"
	  "        - {start: 2026-03-18, end: 2026-03-25}\n",
	  .mode = RSHIFT_DAYS, .days = 364, .nblackouts = 3,
	  .blackouts = { { { 2026, 11, 23 }, { 2026, 11, 27 }, RSHIFT_MOVE_BEFORE },
			 { { 2026, 3, 16 }, { 2026, 3, 20 }, RSHIFT_MOVE_AFTER },
			 { { 2026, 3, 18 }, { 2026, 3, 25 }, RSHIFT_MOVE_AFTER } },
	  DEFAULTS },
	{ "only: every kind is the same as no only:",
	  "      days: -1\n"
	  "      only: [assignments, quizzes, discussions, announcements, pages, modules, calendar_events]\n",
	  .mode = RSHIFT_DAYS, .days = -1, DEFAULTS },
	{ "only: one kind each of the rest; explicit defaults",
	  "      days: 14\n"
	  "      only: [discussions, announcements, pages, modules]\n"
	  "      seconds: keep\n"
	  "      course_dates: false\n"
	  "      overrides: true\n"
	  "      time_zone: UTC\n",
	  .mode = RSHIFT_DAYS, .days = 14, .overrides = 1, .seconds = RSHIFT_SECONDS_KEEP,
	  .only = RSHIFT_DISCUSSIONS | RSHIFT_ANNOUNCEMENTS | RSHIFT_PAGES | RSHIFT_MODULES,
	  .time_zone = "UTC" },
	{ "where: title, a single id, dates with only after",
	  "      days: 7\n"
	  "      where: {title: Midterm, id: 42, published: false, dates: {after: 2025-10-01}}\n",
	  .mode = RSHIFT_DAYS, .days = 7, DEFAULTS,
	  .has_where = 1, .where_name = "Midterm", .where_nids = 1, .where_id0 = 42, .where_published = 0,
	  .where_nranges = 1, .where_range0 = "dates", .where_after0 = { 2025, 10, 1 } },
	{ "where: unlock_at and lock_at ranges",
	  "      days: 7\n"
	  "      where:\n"
	  "        unlock_at: {before: 2025-09-30}\n"
	  "        lock_at: {after: 2025-09-01, before: 2025-09-01}\n",
	  .mode = RSHIFT_DAYS, .days = 7, DEFAULTS,
	  .has_where = 1, .where_published = -1, .where_nranges = 2, .where_range0 = "unlock_at",
	  .where_before0 = { 2025, 9, 30 } },
	{ "a leap day is a date",
	  "      from: {start: 2024-02-29, end: 2024-03-01}\n"
	  "      to: {start: 2028-02-29}\n",
	  .mode = RSHIFT_TERM,
	  .from_start = { 2024, 2, 29 }, .from_end = { 2024, 3, 1 }, .to_start = { 2028, 2, 29 }, DEFAULTS },
};

static void assert_ymd(const struct rdate *got, const struct ymd *want)
{
	assert_int_equal(got->y, want->y);
	assert_int_equal(got->m, want->m);
	assert_int_equal(got->d, want->d);
	assert_int_equal(got->has_time, 0);
}

static int ymd_zero(const struct ymd *w)
{
	return !w->y && !w->m && !w->d;
}

static void check_good(const struct good *g)
{
	struct recipe *r = NULL;
	struct diags d = DIAGS_INIT;
	const struct rshift_dates *m;
	size_t i;
	int rc = load(g->body, &r, &d, NULL);

	if (rc || d.nerrors) {
		fprintf(stderr, "good recipe failed: %s\n", g->name);
		print_diags(g->name, &d);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(d.nerrors, 0);
	assert_non_null(r);
	assert_int_equal(r->nsteps, 1);
	assert_string_equal(r->steps[0].action->name, "shift_dates");
	m = r->steps[0].data;
	assert_non_null(m);
	assert_int_equal(m->mode, g->mode);
	assert_int_equal(m->days, g->days);
	if (g->mode == RSHIFT_TERM) {
		assert_ymd(&m->from_start, &g->from_start);
		assert_ymd(&m->from_end, &g->from_end);
		assert_ymd(&m->to_start, &g->to_start);
	}
	assert_int_equal(m->has_to_end, g->has_to_end);
	if (g->has_to_end)
		assert_ymd(&m->to_end, &g->to_end);
	for (i = 0; i < 8; i++)
		assert_int_equal(m->weekdays[i], g->weekdays[i]);
	assert_int_equal(m->nblackouts, g->nblackouts);
	for (i = 0; i < g->nblackouts; i++) {
		assert_ymd(&m->blackouts[i].start, &g->blackouts[i].start);
		assert_ymd(&m->blackouts[i].end, &g->blackouts[i].end);
		assert_int_equal(m->blackouts[i].move, g->blackouts[i].move);
		assert_true(m->blackouts[i].pos.line > 4);
	}
	if (g->time_zone)
		assert_string_equal(m->time_zone, g->time_zone);
	else
		assert_null(m->time_zone);
	assert_int_equal(m->seconds, g->seconds);
	assert_int_equal(m->only, g->only);
	assert_int_equal(m->course_dates, g->course_dates);
	assert_int_equal(m->overrides, g->overrides);
	assert_int_equal(m->pos.line, 5);
	if (!g->has_where) {
		assert_null(m->where);
	} else {
		const struct rwhere *w = m->where;

		assert_non_null(w);
		if (g->where_name) {
			assert_non_null(w->name);
			assert_string_equal(w->name->src, g->where_name);
			assert_non_null(w->name->code);
		} else {
			assert_null(w->name);
		}
		assert_int_equal(w->nids, g->where_nids);
		if (g->where_nids)
			assert_int_equal(w->ids[0], g->where_id0);
		assert_int_equal(w->published, g->where_published);
		assert_int_equal(w->nranges, g->where_nranges);
		if (g->where_nranges) {
			assert_string_equal(w->ranges[0].field, g->where_range0);
			assert_int_equal(w->ranges[0].has_after, !ymd_zero(&g->where_after0));
			assert_int_equal(w->ranges[0].has_before, !ymd_zero(&g->where_before0));
			if (w->ranges[0].has_after)
				assert_ymd(&w->ranges[0].after, &g->where_after0);
			if (w->ranges[0].has_before)
				assert_ymd(&w->ranges[0].before, &g->where_before0);
		}
	}
	recipe_free(r);
	diag_release(&d);
}

static void test_good_recipes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++)
		check_good(&goods[i]);
}

/* ---------------------------------------------------------------- bad recipes */

static const struct bad_case bads[] = {
	/* the way to shift */
	{ "      days: 0\n", 5, 13, "'days' is 0, so nothing would move" },
	{ "      days: 3651\n", 5, 13, "'days' must be from -3650 to 3650, got 3651" },
	{ "      days: -4000\n", 5, 13, "'days' must be from -3650 to 3650, got -4000" },
	{ "      days: 1.5\n", 5, 13, "expected a whole number for 'days', got '1.5'" },
	{ "      days: [7]\n", 5, 13, "expected a whole number for 'days', got a list" },
	{ "      days: 7\n"
	  "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12}\n", 6, 7, "give 'days' or 'from'/'to', not both" },
	{ "      to: {start: 2026-01-12}\n"
	  "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      days: 7\n", 7, 7, "give 'days' or 'from'/'to', not both" },
	{ "      seconds: keep\n", 5, 7, "'shift_dates' needs 'days' (a plain offset) or 'from' and 'to'" },
	{ "      from: {start: 2025-08-25, end: 2025-12-12}\n", 5, 7, "'from' needs 'to'" },
	{ "      seconds: drop\n"
	  "      to: {start: 2026-01-12}\n", 6, 7, "'to' needs 'from'" },
	/* term dates */
	{ "      from: {start: 2025-08-25T08:00:00, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12}\n", 5, 21,
	  "'from.start' must be a calendar date (YYYY-MM-DD), got a date-time; "
	  "use a date such as 2025-08-25" },
	{ "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12, end: \"2026-05-08T23:59:59Z\"}\n", 6, 36,
	  "'to.end' must be a calendar date" },
	{ "      from: {start: 2025-08-25, end: 2025-08-25}\n"
	  "      to: {start: 2026-01-12}\n", 5, 38,
	  "'from.end' (2025-08-25) must be after 'from.start' (2025-08-25)" },
	{ "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12, end: 2026-01-11}\n", 6, 36,
	  "'to.end' (2026-01-11) must be after 'to.start' (2026-01-12)" },
	{ "      from: {start: 2025-08-25}\n"
	  "      to: {start: 2026-01-12}\n", 5, 13, "'from' needs 'end'" },
	{ "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {end: 2026-05-08}\n", 6, 11, "'to' needs 'start'" },
	{ "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12, ends: 2026-05-08}\n", 6, 31,
	  "unknown key 'ends' in 'to'; did you mean 'end'?" },
	{ "      from: {start: 2025-02-30, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12}\n", 5, 21, "'2025-02-30' is not a valid date for 'from.start'" },
	{ "      from: 2025-08-25\n"
	  "      to: {start: 2026-01-12}\n", 5, 13, "expected a mapping for 'from', got a value" },
	/* weekdays */
	{ "      days: 7\n"
	  "      weekdays: {mon: tue}\n", 6, 7, "'weekdays' only applies to a term mapping" },
	{ "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12}\n"
	  "      weekdays: {mon: tuesday}\n", 7, 23, "'tuesday' is not a valid 'weekdays.mon'" },
	{ "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12}\n"
	  "      weekdays: {fir: mon}\n", 7, 18, "unknown key 'fir' in 'weekdays'; did you mean 'fri'?" },
	{ "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12}\n"
	  "      weekdays: {mon: tue, mon: wed}\n", 7, 28, "duplicate key 'mon' (first at line 7)" },
	{ "      from: {start: 2025-08-25, end: 2025-12-12}\n"
	  "      to: {start: 2026-01-12}\n"
	  "      weekdays: [mon, tue]\n", 7, 17, "expected a mapping for 'weekdays', got a list" },
	/* blackouts */
	{ "      days: 7\n"
	  "      blackouts: [{start: 2026-03-20, end: 2026-03-16}]\n", 6, 44,
	  "'end' of blackout #1 (2026-03-16) is before its start (2026-03-20)" },
	{ "      days: 7\n"
	  "      blackouts:\n"
	  "        - {start: 2026-03-16, end: 2026-03-20}\n"
	  "        - {start: 2026-04-01}\n", 8, 11, "blackout #2 needs 'end'" },
	{ "      days: 7\n"
	  "      blackouts: [{start: 2026-03-16, end: 2026-03-20, move: sideways}]\n", 6, 62,
	  "'sideways' is not a valid 'move' of blackout #1 (one of after, before)" },
	{ "      days: 7\n"
	  "      blackouts: [{start: 2026-03-16T00:00:00Z, end: 2026-03-20}]\n", 6, 27,
	  "'start' of blackout #1 must be a calendar date" },
	{ "      days: 7\n"
	  "      blackouts: {start: 2026-03-16, end: 2026-03-20}\n", 6, 18,
	  "expected a list for 'blackouts', got a mapping" },
	{ "      days: 7\n"
	  "      blackouts: [{start: 2026-03-16, end: 2026-03-20, mvoe: before}]\n", 6, 56,
	  "unknown key 'mvoe' in blackout #1; did you mean 'move'?" },
	/* the rest */
	{ "      days: 7\n"
	  "      time_zone: America/Denvr\n", 6, 18, "'America/Denvr' is not a time zone" },
	{ "      days: 7\n"
	  "      seconds: truncate\n", 6, 16, "'truncate' is not a valid 'seconds' (one of keep, drop)" },
	{ "      days: 7\n"
	  "      only: []\n", 6, 13, "'only' is an empty list" },
	{ "      days: 7\n"
	  "      only: [pages, quizzes, pages]\n", 6, 30,
	  "'pages' is listed twice in 'only' (first at line 6, column 14)" },
	{ "      days: 7\n"
	  "      only: [course]\n", 6, 14, "set 'course_dates: true'" },
	{ "      days: 7\n"
	  "      only: [syllabus]\n", 6, 14, "the syllabus has no dates" },
	{ "      days: 7\n"
	  "      text: yes\n", 6, 13, "expected true or false for 'text', got 'yes'" },
	{ "      days: 7\n"
	  "      text: {locale: fr}\n", 6, 22, "'fr' is not a valid 'text.locale'; did you mean 'en'? (one of en, en-GB)" },
	{ "      days: 7\n"
	  "      text: {lang: en}\n", 6, 14, "unknown key 'lang' in 'text'" },
	{ "      days: 7\n"
	  "      only: [assignment]\n", 6, 14,
	  "'assignment' is not a valid kind in 'only'; did you mean 'assignments'?" },
	{ "      days: 7\n"
	  "      only: assignments\n", 6, 13, "expected a list for 'only', got a value" },
	{ "      days: 7\n"
	  "      course_dates: yes\n", 6, 21, "expected true or false for 'course_dates', got 'yes'" },
	{ "      days: 7\n"
	  "      overrides: 1\n", 6, 18, "expected true or false for 'overrides', got '1'" },
	{ "      days: 7\n"
	  "      where: {kind: pages}\n", 6, 15, "unknown key 'kind' in 'where'" },
	{ "      days: 7\n"
	  "      where: {due_at: {after: 2025-12-01, before: 2025-01-01}}\n", 6, 23,
	  "'after' is later than 'before'" },
	{ "      days: 7\n"
	  "      where: {url: syllabus}\n", 6, 15, "unknown key 'url' in 'where'" },
	{ "      days: 7\n"
	  "      blackout: []\n", 6, 7,
	  "unknown key 'blackout' in 'shift_dates'; did you mean 'blackouts'?" },
	{ "      days: 7\n"
	  "      timezone: UTC\n", 6, 7,
	  "unknown key 'timezone' in 'shift_dates'; did you mean 'time_zone'?" },
};

static void test_bad_recipes(void **state)
{
	(void)state;
	assert_int_equal(check_bad_cases(bads, sizeof(bads) / sizeof(bads[0]), HEAD, "t.yaml"), 0);
}

/* ---------------------------------------------------------------- the rest */

static void test_not_a_mapping(void **state)
{
	static const char text[] = "version: 1\ncourses: [1]\nsteps:\n  - shift_dates: 7\n";
	struct recipe *r = NULL;
	struct diags d = DIAGS_INIT;

	(void)state;
	assert_int_equal(recipe_load_mem(&r, "t.yaml", text, sizeof(text) - 1, NULL, &d), -1);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.v[0].pos.line, 4);
	assert_int_equal(d.v[0].pos.col, 18);
	assert_non_null(strstr(d.v[0].msg, "expected a mapping for 'shift_dates', got a value"));
	diag_release(&d);
}

static void test_every_error_reported(void **state)
{
	static const char body[] =
		"      days: 0\n"
		"      weekdays: {mon: tue}\n"
		"      blackouts: [{start: 2026-03-20, end: 2026-03-16, move: later}]\n"
		"      only: [pages, pages]\n"
		"      seconds: dorp\n"
		"      time_zone: Mars/Base\n"
		"      course_dates: maybe\n"
		"      overrides: perhaps\n";
	static const int lines[] = { 5, 6, 7, 7, 8, 9, 10, 11, 12 };
	struct recipe *r = NULL;
	struct diags d = DIAGS_INIT;
	int got[9];
	size_t i, j;

	(void)state;
	assert_int_equal(load(body, &r, &d, NULL), -1);
	if (d.nerrors != 9)
		print_diags("every", &d);
	assert_int_equal(d.nerrors, 9);
	/* diagnostics are kept in the order found; diag_print sorts them, so sort the lines here */
	for (i = 0; i < 9; i++) {
		int l = d.v[i].pos.line;

		for (j = i; j > 0 && got[j - 1] > l; j--)
			got[j] = got[j - 1];
		got[j] = l;
	}
	for (i = 0; i < 9; i++)
		assert_int_equal(got[i], lines[i]);
	diag_release(&d);
}

static void test_variables(void **state)
{
	static const char text[] =
		"version: 1\ncourses: [1]\n"
		"vars: {term_start: 2026-01-12, zone: Europe/London, offset: 3}\n"
		"steps:\n"
		"  - shift_dates:\n"
		"      from: {start: 2025-08-25, end: 2025-12-12}\n"
		"      to: {start: \"${term_start}\"}\n"
		"      time_zone: ${zone}\n"
		"  - shift_dates: {days: \"${offset}\"}\n";
	static const struct recipe_var vars[] = { { "term_start", "2026-01-19" } };
	struct recipe_opts o = { .vars = vars, .nvars = 1 };
	struct recipe *r = NULL;
	struct diags d = DIAGS_INIT;
	const struct rshift_dates *m;

	(void)state;
	assert_int_equal(recipe_load_mem(&r, "t.yaml", text, sizeof(text) - 1, &o, &d), 0);
	assert_int_equal(r->nsteps, 2);
	m = r->steps[0].data;
	/* --var wins over vars: */
	assert_int_equal(m->to_start.y, 2026);
	assert_int_equal(m->to_start.m, 1);
	assert_int_equal(m->to_start.d, 19);
	assert_int_equal(m->to_start.pos.line, 7);
	assert_string_equal(m->time_zone, "Europe/London");
	m = r->steps[1].data;
	assert_int_equal(m->mode, RSHIFT_DAYS);
	assert_int_equal(m->days, 3);
	recipe_free(r);
	diag_release(&d);
}

/* text: its locale, and whether the syllabus is read (only: and where: decide). */
static void test_text(void **state)
{
	static const struct {
		const char *body;
		const char *locale;   /* NULL: off */
		int syllabus;
	} t[] = {
		{ "      days: 7\n", NULL, 0 },
		{ "      days: 7\n      text: false\n", NULL, 0 },
		{ "      days: 7\n      text: true\n", "en", 1 },
		{ "      days: 7\n      text: {}\n", "en", 1 },
		{ "      days: 7\n      text: {locale: en-GB}\n", "en-GB", 1 },
		{ "      days: 7\n      text: true\n      only: [pages]\n", "en", 0 },
		{ "      days: 7\n      text: true\n      only: [pages, syllabus]\n", "en", 1 },
		{ "      days: 7\n      text: true\n      where: {name: x}\n", "en", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct recipe *r = NULL;
		struct diags d = DIAGS_INIT;
		const struct rshift_dates *m;

		assert_int_equal(load(t[i].body, &r, &d, NULL), 0);
		assert_int_equal(d.nerrors, 0);
		m = r->steps[0].data;
		if (t[i].locale) {
			assert_non_null(m->text_locale);
			assert_string_equal(m->text_locale->name, t[i].locale);
		} else {
			assert_null(m->text_locale);
		}
		assert_int_equal(m->text_syllabus, t[i].syllabus);
		recipe_free(r);
		diag_release(&d);
	}
}

static void test_action_row(void **state)
{
	const struct recipe_action *a = recipe_action_find("shift_dates");

	(void)state;
	assert_non_null(a);
	assert_non_null(a->summary);
	assert_null(strstr(a->summary, "being written"));
	assert_null(a->free);
	assert_string_equal(rshift_kind_names[0], "assignments");
	assert_string_equal(rshift_kind_names[6], "calendar_events");
	assert_null(rshift_kind_names[7]);
	assert_int_equal(RSHIFT_KIND_ALL, 0x7f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_recipes),
		cmocka_unit_test(test_bad_recipes),
		cmocka_unit_test(test_not_a_mapping),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_action_row),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

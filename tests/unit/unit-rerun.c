/* tests/unit/unit-rerun.c -- noticing a relative step applied already (runner/rerun.c, issue 16),
 * and where: as text (recipe_where.c).
 *
 * The pure parts: the term evidence (which local day a date falls on, the old and the new term's
 * ranges, a new term without an end keeping the old length, extrapolated dates counting for
 * neither); which journals count (same recipe digest and Canvas; finished with a done change of
 * the step in the course, or interrupted and covering it; undone by a finished rollback unless
 * that rollback was itself rolled back; an interrupted rollback does not undo; a new run journaled
 * to the file name of a run rolled back is not undone); a where: printed
 * as the recipe would write it. The journals are real ones (journal_create ...) in a temporary
 * directory.
 */
#define _XOPEN_SOURCE 700         /* nftw, to remove each case's directory */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "journal.h"
#include "plan.h"
#include "recipe.h"
#include "recipe_shift_dates.h"
#include "recipe_where.h"
#include "rerun.h"
#include "xalloc.h"

#define SHA "0f5c00000000000000000000000000000000000000000000000000000000abcd"
#define URL "https://canvas.test"

static const char *plan_text =
	"{\"format\": \"coursectl-plan\", \"version\": 1, \"recipe\": \"r.yaml\", \"recipe_sha256\": \"" SHA "\","
	" \"base_url\": \"" URL "\", \"created_at\": \"2026-01-01T00:00:00Z\","
	" \"recipe_steps\": [{\"name\": \"Structure\", \"action\": \"modules\"},"
	"   {\"name\": \"Rollover\", \"action\": \"shift_dates\"}],"
	" \"courses\": [{\"id\": 4821, \"name\": \"Physics I\", \"time_zone\": \"America/New_York\"}],"
	" \"changes\": ["
	"  {\"seq\": 1, \"step\": \"Structure\", \"course_id\": 4821, \"kind\": \"module\", \"id\": 5,"
	"   \"name\": \"Week 1\", \"op\": \"update\", \"field\": \"published\", \"before\": true, \"after\": false},"
	"  {\"seq\": 2, \"step\": \"Rollover\", \"course_id\": 4821, \"kind\": \"assignment\", \"id\": 90211,"
	"   \"name\": \"Lab 1\", \"op\": \"update\", \"field\": \"due_at\","
	"   \"before\": \"2025-10-18T03:59:59Z\", \"after\": \"2026-03-07T04:59:59Z\"}],"
	" \"skipped\": []}";

/* ---------------------------------------------------------------- the term evidence */

static void set_day(struct rdate *d, int y, int m, int dd)
{
	memset(d, 0, sizeof(*d));
	d->y = y;
	d->m = m;
	d->d = dd;
}

static void demo_mapping(struct rshift_dates *m, int has_to_end)
{
	memset(m, 0, sizeof(*m));
	m->mode = RSHIFT_TERM;
	set_day(&m->from_start, 2025, 9, 2);
	set_day(&m->from_end, 2025, 12, 12);
	set_day(&m->to_start, 2026, 1, 20);
	set_day(&m->to_end, 2026, 5, 8);
	m->has_to_end = has_to_end;
}

static void test_term_evidence(void **state)
{
	static const struct {
		const char *dates[4];
		size_t n, in_from, in_to;
		int applied;
	} cases[] = {
		/* a course copied from the old term: not applied */
		{ { "2025-09-05T03:59:59Z", "2025-12-13T04:59:59Z", NULL }, 2, 2, 0, 0 },
		/* every date in the new term: applied */
		{ { "2026-01-24T04:59:59Z", "2026-05-09T03:59:59Z", NULL }, 2, 0, 2, 1 },
		/* half shifted (an interrupted run elsewhere): not applied, the journal must tell */
		{ { "2025-10-01T03:59:59Z", "2026-02-01T04:59:59Z", NULL }, 2, 1, 1, 0 },
		/* an extrapolated date (the course starts a week before the term) counts for neither */
		{ { "2026-01-13T05:00:00Z", "2026-03-01T04:59:59Z", NULL }, 2, 0, 1, 1 },
		/* local days: 2025-09-02T03:59:59Z is Mon 09-01 23:59:59 EDT, before the old term; and
		 * 2025-12-13T04:59:59Z is Fri 12-12 23:59:59 EST, its last day */
		{ { "2025-09-02T03:59:59Z", NULL }, 1, 0, 0, 0 },
		{ { "2025-12-13T04:59:59Z", NULL }, 1, 1, 0, 0 },
		/* no dates at all, or none that can be read: nothing to say */
		{ { "not a date", NULL }, 0, 0, 0, 0 },
	};
	struct rshift_dates m;
	struct rerun_term t;
	size_t i, n;

	(void)state;
	demo_mapping(&m, 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (n = 0; cases[i].dates[n]; n++)
			;
		rerun_term_count(&m, "America/New_York", cases[i].dates, n, &t);
		if (t.n != cases[i].n || t.in_from != cases[i].in_from || t.in_to != cases[i].in_to ||
		    rerun_term_applied(&t) != cases[i].applied)
			fail_msg("case %zu: n %zu from %zu to %zu applied %d", i, t.n, t.in_from, t.in_to,
				 rerun_term_applied(&t));
	}
}

/* Without to.end the new term is as long as the old one (101 days): 2026-05-01 is in it, 05-02 not. */
static void test_term_without_end(void **state)
{
	const char *in[] = { "2026-05-01T15:00:00Z" }, *out[] = { "2026-05-02T15:00:00Z" };
	struct rshift_dates m;
	struct rerun_term t;

	(void)state;
	demo_mapping(&m, 0);
	rerun_term_count(&m, "America/New_York", in, 1, &t);
	assert_int_equal(t.in_to, 1);
	rerun_term_count(&m, "America/New_York", out, 1, &t);
	assert_int_equal(t.in_to, 0);
	assert_int_equal(rerun_term_applied(&t), 0);
}

/* ---------------------------------------------------------------- journals */

struct fx {
	char dir[64];
	struct plan *plan;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	cJSON *doc = cJSON_Parse(plan_text);
	struct err err = ERR_INIT;

	snprintf(f->dir, sizeof(f->dir), "/tmp/unit-rerun-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_non_null(doc);
	if (plan_from_json(&f->plan, doc, "t.json", &err))
		fail_msg("the test plan: %s", err.msg);
	cJSON_Delete(doc);
	*state = f;
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	plan_free(f->plan);
	free(f);
	return 0;
}

/* A journal `name` in the case's directory: run (apply or rollback) of f->plan, with change `done`
 * (a seq, 0 none) done, finished or not. Returns its path (malloced). */
static char *make_journal(struct fx *f, const char *name, const char *run, const char *of, long done, int finish)
{
	char *path = xasprintf("%s/%s", f->dir, name);
	struct journal *j = NULL;
	struct err err = ERR_INIT;

	if (journal_create(&j, path, run, f->plan, of, &err))
		fail_msg("journal_create %s: %s", name, err.msg);
	if (done && (journal_intents(j, &done, 1, &err) ||
		     journal_outcome(j, done, JOURNAL_DONE, NULL, NULL, NULL, &err)))
		fail_msg("records: %s", err.msg);
	if (finish) {
		if (journal_finish(j, NULL, &err))
			fail_msg("finish: %s", err.msg);
	} else {
		journal_close(j);
	}
	return path;
}

static struct rerun *load(struct fx *f, const char *url, const char *sha)
{
	struct rerun *rr = NULL;
	struct err err = ERR_INIT;

	assert_int_equal(rerun_load(&rr, f->dir, url, sha, &err), 0);
	assert_non_null(rr);
	return rr;
}

static void test_finished_run(void **state)
{
	struct fx *f = *state;
	char *a = make_journal(f, "a.jsonl", "apply", NULL, 2, 1);
	struct rerun *rr = load(f, URL "/", SHA);
	const struct rerun_run *r;

	assert_int_equal(rr->n, 1);
	r = rerun_find(rr, "4821", "Rollover");
	assert_non_null(r);
	assert_string_equal(r->log->path, a);
	/* the modules step changed nothing there; another course was not in the run */
	assert_null(rerun_find(rr, "4821", "Structure"));
	assert_null(rerun_find(rr, "4822", "Rollover"));
	rerun_free(rr);
	/* another recipe, another Canvas */
	rr = load(f, URL, "1111111111111111111111111111111111111111111111111111111111111111");
	assert_int_equal(rr->n, 0);
	rerun_free(rr);
	rr = load(f, "https://other.test", SHA);
	assert_int_equal(rr->n, 0);
	rerun_free(rr);
	free(a);
}

/* A finished run whose date change was never done (a conflict, say) does not count. */
static void test_nothing_done(void **state)
{
	struct fx *f = *state;
	char *a = make_journal(f, "a.jsonl", "apply", NULL, 1, 1);
	struct rerun *rr = load(f, URL, SHA);

	assert_null(rerun_find(rr, "4821", "Rollover"));
	rerun_free(rr);
	free(a);
}

static void test_interrupted_run(void **state)
{
	struct fx *f = *state;
	char *a = make_journal(f, "a.jsonl", "apply", NULL, 0, 0);
	struct rerun *rr = load(f, URL, SHA);
	const struct rerun_run *r = rerun_find(rr, "4821", "Rollover");

	assert_non_null(r);
	assert_false(r->log->finished);
	assert_null(rerun_find(rr, "4822", "Rollover"));
	rerun_free(rr);
	free(a);
}

static void test_rolled_back(void **state)
{
	struct fx *f = *state;
	char *a = make_journal(f, "a.jsonl", "apply", NULL, 2, 1), *b, *c;
	struct rerun *rr;

	/* an interrupted rollback does not undo the run, and is named */
	b = make_journal(f, "b.jsonl", "rollback", a, 0, 0);
	rr = load(f, URL, SHA);
	assert_int_equal(rr->n, 1);
	assert_non_null(rr->runs[0].rolled_back_by);
	assert_string_equal(rr->runs[0].rolled_back_by, b);
	rerun_free(rr);
	/* a finished one does */
	assert_int_equal(remove(b), 0);
	free(b);
	b = make_journal(f, "b.jsonl", "rollback", a, 2, 1);
	rr = load(f, URL, SHA);
	assert_int_equal(rr->n, 0);
	assert_null(rerun_find(rr, "4821", "Rollover"));
	rerun_free(rr);
	/* unless that rollback was itself rolled back */
	c = make_journal(f, "c.jsonl", "rollback", b, 2, 1);
	rr = load(f, URL, SHA);
	assert_int_equal(rr->n, 1);
	assert_non_null(rerun_find(rr, "4821", "Rollover"));
	rerun_free(rr);
	free(a);
	free(b);
	free(c);
}

/* A run rolled back, then a new run journaled to the same file name (`apply --journal j.jsonl`
 * again once the old file is gone, as t0931 does): the rollback names the old run (its run_id),
 * not the path, so the new run is not undone and the guard still sees it. */
static void test_new_run_same_path(void **state)
{
	struct fx *f = *state;
	char *a = make_journal(f, "a.jsonl", "apply", NULL, 2, 1), *b, *a2;
	struct rerun *rr;
	const struct rerun_run *r;

	b = make_journal(f, "b.jsonl", "rollback", a, 2, 1);
	rr = load(f, URL, SHA);
	assert_int_equal(rr->n, 0);
	rerun_free(rr);
	assert_int_equal(remove(a), 0);
	a2 = make_journal(f, "a.jsonl", "apply", NULL, 2, 1);
	rr = load(f, URL, SHA);
	assert_int_equal(rr->n, 1);
	assert_null(rr->runs[0].rolled_back_by);
	r = rerun_find(rr, "4821", "Rollover");
	assert_non_null(r);
	assert_string_equal(r->log->path, a2);
	rerun_free(rr);
	free(a);
	free(a2);
	free(b);
}

/* ---------------------------------------------------------------- where: as text */

static void test_where_text(void **state)
{
	struct rregex re = { (char *)"^Week (\\d+)'s", NULL, 0, { NULL, 0, 0 } };
	long long ids[] = { 1, 22 };
	char *urls[] = { (char *)"syllabus" };
	struct rwhere_range rg;
	struct rwhere w;
	struct buf b = BUF_INIT;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.published = -1;
	w.position = -1;
	rwhere_text(&w, &b);
	assert_string_equal(buf_str(&b), "{}");
	buf_reset(&b);
	w.name = &re;
	w.name_is_title = 1;
	w.ids = ids;
	w.nids = 2;
	w.urls = urls;
	w.nurls = 1;
	w.published = 1;
	memset(&rg, 0, sizeof(rg));
	rg.field = "due_at";
	set_day(&rg.after, 2025, 9, 1);
	rg.has_after = 1;
	w.ranges = &rg;
	w.nranges = 1;
	rwhere_text(&w, &b);
	assert_string_equal(buf_str(&b), "{title: '^Week (\\d+)''s', id: [1, 22], url: 'syllabus', published: true, "
			    "due_at: {after: 2025-09-01}}");
	buf_release(&b);
}

/* The skip's rerun and journal keys and the warnings survive the plan file, outside the digest. */
static void test_plan_file_round_trip(void **state)
{
	struct fx *f = *state;
	struct plan *back = NULL;
	struct err err = ERR_INIT;
	cJSON *doc;
	char hex[65];

	plan_add_skip(f->plan, "Rollover", "4821", RES_COURSE, "4821", "Physics I", NULL, "already applied");
	plan_mark_rerun(f->plan, "finished", "/j/a.jsonl");
	plan_add_warning(f->plan, "Structure", "4821", "{name: 'x'}", "step 'Structure' matched nothing");
	doc = plan_to_json(f->plan);
	plan_digest(doc, hex);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(doc, "changes_sha256")), hex);
	assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "summary"), "warnings")), 1);
	if (plan_from_json(&back, doc, "t.json", &err))
		fail_msg("read back: %s", err.msg);
	assert_int_equal(back->nskipped, 1);
	assert_string_equal(back->skipped[0].rerun, "finished");
	assert_string_equal(back->skipped[0].journal, "/j/a.jsonl");
	assert_int_equal(back->nwarnings, 1);
	assert_string_equal(back->warnings[0].where, "{name: 'x'}");
	assert_string_equal(back->warnings[0].course_id, "4821");
	assert_int_equal(plan_check_digest(back, "t.json", &err), 0);
	/* dropping the course drops its warnings */
	plan_drop_course(back, "4821");
	assert_int_equal(back->nwarnings, 0);
	plan_free(back);
	cJSON_Delete(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term_evidence),
		cmocka_unit_test(test_term_without_end),
		cmocka_unit_test_setup_teardown(test_finished_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_run_same_path, setup, teardown),
		cmocka_unit_test(test_where_text),
		cmocka_unit_test_setup_teardown(test_plan_file_round_trip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

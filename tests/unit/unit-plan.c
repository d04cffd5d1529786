/* tests/unit/unit-plan.c -- the change list (runner/plan.c), the step primitives (runner/step.c) and
 * the date helpers (runner/dates.c).
 *
 * What the rest of coursectl relies on: one change per field however many steps touch it, from the
 * value read to the final one, naming every step; a field that comes back to its value is no
 * change; Blueprint-locked columns become skips; creates fold later changes in; deletes carry the
 * object as Canvas has it; the plan file round-trips and is written private (0600); a damaged plan
 * is refused with the change at fault named; wall-clock times convert across DST as documented.
 * Integrity (issue 13): the digest a plan file carries (changes_sha256) is RFC 8785's canonical
 * form hashed, survives a write and a read and any re-layout, and changes when any part of any
 * change does; the table of what each action can change (step_fields.c) holds every change the
 * recipes of recipes/ and tests/fixtures plan over the fixture seeds, and refuses one they cannot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "dates.h"
#include "plan.h"
#include "recipe.h"
#include "render.h"
#include "step.h"
#include "xalloc.h"

static const char *course_json =
	"{\"id\": 4821, \"name\": \"Physics I\", \"course_code\": \"PHYS 101\", \"time_zone\": \"America/New_York\","
	" \"syllabus_body\": \"<p>Fall 2025</p>\","
	" \"pages\": [{\"page_id\": 73, \"url\": \"syllabus\", \"title\": \"Syllabus\", \"body\": \"<p>a</p>\","
	"   \"published\": true},"
	"  {\"page_id\": 74, \"url\": \"locked\", \"title\": \"Locked\", \"body\": \"x\", \"published\": true,"
	"   \"restricted_by_master_course\": true, \"master_course_restrictions\": {\"content\": true}}],"
	" \"modules\": [{\"id\": 9, \"name\": \"Week 1\", \"position\": 1, \"published\": false,"
	"   \"items\": [{\"id\": 301, \"module_id\": 9, \"title\": \"Read\", \"type\": \"Page\","
	"     \"page_url\": \"syllabus\"}]},"
	"  {\"id\": 10, \"name\": \"Week 2\", \"position\": 2, \"published\": false, \"items\": []}]}";

struct fx {
	struct plan *p;
	cJSON *course;
	struct step_ctx cx;
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->p = plan_new();
	f->course = cJSON_Parse(course_json);
	assert_non_null(f->course);
	plan_add_course(f->p, f->course, "4821");
	f->cx.plan = f->p;
	f->cx.step = "one";
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

static cJSON *page(struct fx *f, int i)
{
	return cJSON_GetArrayItem(step_list(&f->cx, RES_PAGE), i);
}

static char *json_of(const cJSON *v)
{
	return cJSON_PrintUnformatted(v);
}

static void assert_json(const cJSON *v, const char *want)
{
	char *s = json_of(v);

	assert_string_equal(s, want);
	free(s);
}

static void test_set_records_before_and_after(void **state)
{
	struct fx *f = *state;

	assert_int_equal(step_set_string(&f->cx, RES_PAGE, page(f, 0), "title", "Syllabus 2026", NULL), 1);
	assert_int_equal(step_set_string(&f->cx, RES_PAGE, page(f, 0), "title", "Syllabus 2026", NULL), 0);
	plan_finish(f->p);
	assert_int_equal(f->p->nchanges, 1);
	assert_int_equal(f->p->changes[0].seq, 1);
	assert_int_equal(f->p->changes[0].op, PLAN_UPDATE);
	assert_string_equal(f->p->changes[0].id, "73");
	assert_string_equal(f->p->changes[0].name, "Syllabus");
	assert_string_equal(f->p->changes[0].field, "title");
	assert_json(f->p->changes[0].before, "\"Syllabus\"");
	assert_json(f->p->changes[0].after, "\"Syllabus 2026\"");
	/* the working copy shows the new value to the next step */
	assert_string_equal(step_name(RES_PAGE, page(f, 0)), "Syllabus 2026");
}

static void test_two_steps_merge_and_name_both(void **state)
{
	struct fx *f = *state;

	step_set_string(&f->cx, RES_PAGE, page(f, 0), "body", "<p>b</p>", "1 match");
	f->cx.step = "two";
	step_set_string(&f->cx, RES_PAGE, page(f, 0), "body", "<p>c</p>", "2 matches");
	plan_finish(f->p);
	assert_int_equal(f->p->nchanges, 1);
	assert_json(f->p->changes[0].before, "\"<p>a</p>\"");
	assert_json(f->p->changes[0].after, "\"<p>c</p>\"");
	assert_int_equal(f->p->changes[0].nsteps, 2);
	assert_string_equal(f->p->changes[0].steps[0], "one");
	assert_string_equal(f->p->changes[0].steps[1], "two");
	assert_string_equal(f->p->changes[0].note, "1 match; 2 matches");
}

static void test_back_to_start_is_no_change(void **state)
{
	struct fx *f = *state;

	step_set_bool(&f->cx, RES_PAGE, page(f, 0), "published", 0, NULL);
	f->cx.step = "two";
	step_set_bool(&f->cx, RES_PAGE, page(f, 0), "published", 1, NULL);
	step_set_string(&f->cx, RES_COURSE, f->course, "syllabus_body", "<p>Spring 2026</p>", NULL);
	plan_finish(f->p);
	assert_int_equal(f->p->nchanges, 1);
	assert_int_equal(f->p->changes[0].kind, RES_COURSE);
	assert_string_equal(f->p->changes[0].id, "4821");
}

static void test_blueprint_lock_is_a_skip(void **state)
{
	struct fx *f = *state;

	assert_int_equal(step_set_string(&f->cx, RES_PAGE, page(f, 1), "body", "y", NULL), -1);
	/* published is the "state" category, not locked here */
	assert_int_equal(step_set_bool(&f->cx, RES_PAGE, page(f, 1), "published", 0, NULL), 1);
	plan_finish(f->p);
	assert_int_equal(f->p->nchanges, 1);
	assert_int_equal(f->p->nskipped, 1);
	assert_string_equal(f->p->skipped[0].id, "74");
	assert_string_equal(f->p->skipped[0].field, "body");
	assert_string_equal(f->p->skipped[0].reason, "locked by the Blueprint course (content)");
	/* the working copy keeps the value Canvas would keep */
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(page(f, 1), "body")), "x");
}

/* Today's restrict_columns (issue 15): workflow_state is "state" on assignments, quizzes and topics
 * too, not only pages; peer_reviews_due_at and a quiz's answer dates are "settings". */
static void test_blueprint_categories_of_today(void **state)
{
	(void)state;
	assert_string_equal(step_blueprint_category(RES_ASSIGNMENT, "published"), "state");
	assert_string_equal(step_blueprint_category(RES_QUIZ, "published"), "state");
	assert_string_equal(step_blueprint_category(RES_DISCUSSION_TOPIC, "published"), "state");
	assert_string_equal(step_blueprint_category(RES_PAGE, "published"), "state");
	assert_string_equal(step_blueprint_category(RES_ASSIGNMENT, "peer_reviews_assign_at"), "settings");
	assert_string_equal(step_blueprint_category(RES_QUIZ, "show_correct_answers_at"), "settings");
	assert_string_equal(step_blueprint_category(RES_QUIZ, "hide_correct_answers_at"), "settings");
	assert_null(step_blueprint_category(RES_MODULE, "published"));
	assert_null(step_blueprint_category(RES_CALENDAR_EVENT, "start_at"));
}

static void test_create_folds_later_changes(void **state)
{
	struct fx *f = *state;
	cJSON *m = step_create(&f->cx, RES_MODULE, step_list(&f->cx, RES_MODULE),
			       cJSON_Parse("{\"name\": \"Start Here\", \"position\": 3}"));

	assert_true(step_is_new(m));
	f->cx.step = "two";
	assert_int_equal(step_set_bool(&f->cx, RES_MODULE, m, "published", 1, NULL), 1);
	plan_finish(f->p);
	assert_int_equal(f->p->nchanges, 1);
	assert_int_equal(f->p->changes[0].op, PLAN_CREATE);
	assert_string_equal(f->p->changes[0].id, "new:1");
	assert_null(f->p->changes[0].field);
	assert_json(f->p->changes[0].after, "{\"name\":\"Start Here\",\"position\":3,\"published\":true}");
	assert_int_equal(f->p->changes[0].nsteps, 2);
}

static void test_delete_carries_original_object(void **state)
{
	struct fx *f = *state;
	cJSON *mods = step_list(&f->cx, RES_MODULE), *m = cJSON_GetArrayItem(mods, 0), *created;

	step_set_string(&f->cx, RES_MODULE, m, "name", "Renamed", NULL);
	assert_int_equal(step_delete(&f->cx, RES_MODULE, mods, m, NULL), 1);
	created = step_create(&f->cx, RES_MODULE, mods, cJSON_Parse("{\"name\": \"Tmp\"}"));
	step_delete(&f->cx, RES_MODULE, mods, created, NULL);
	plan_finish(f->p);
	assert_int_equal(f->p->nchanges, 1);
	assert_int_equal(f->p->changes[0].op, PLAN_DELETE);
	assert_string_equal(f->p->changes[0].name, "Week 1");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(f->p->changes[0].before, "name")), "Week 1");
	assert_non_null(cJSON_GetObjectItem(f->p->changes[0].before, "items"));
	assert_int_equal(cJSON_GetArraySize(mods), 1);
}

static void test_delete_module_takes_its_items(void **state)
{
	struct fx *f = *state;
	cJSON *mods = step_list(&f->cx, RES_MODULE), *w1 = cJSON_GetArrayItem(mods, 0), *w2 = cJSON_GetArrayItem(mods, 1);
	cJSON *items1 = cJSON_GetObjectItem(w1, "items"), *items2 = cJSON_GetObjectItem(w2, "items"), *item;

	/* item 301 retitled, then moved into Week 2; a new item made in Week 2; then Week 2 deleted */
	item = cJSON_GetArrayItem(items1, 0);
	step_set_string(&f->cx, RES_MODULE_ITEM, item, "title", "Read me", NULL);
	step_move_item(&f->cx, item, items1, w2);
	step_create(&f->cx, RES_MODULE_ITEM, items2, cJSON_Parse("{\"title\": \"New\", \"module_id\": 10}"));
	f->cx.step = "two";
	assert_int_equal(step_delete(&f->cx, RES_MODULE, mods, w2, NULL), 1);
	plan_finish(f->p);
	/* the moved-in item is deleted on its own, as Canvas has it (in Week 1, old title); the module's
	 * delete carries only what Canvas has in it; the created item is gone */
	assert_int_equal(f->p->nchanges, 2);
	assert_int_equal(f->p->changes[0].kind, RES_MODULE_ITEM);
	assert_int_equal(f->p->changes[0].op, PLAN_DELETE);
	assert_json(f->p->changes[0].before, "{\"id\":301,\"module_id\":9,\"title\":\"Read\",\"type\":\"Page\","
		    "\"page_url\":\"syllabus\"}");
	assert_string_equal(f->p->changes[0].note, "it was moved into a module this plan deletes");
	assert_int_equal(f->p->changes[1].kind, RES_MODULE);
	assert_int_equal(f->p->changes[1].op, PLAN_DELETE);
	assert_json(cJSON_GetObjectItem(f->p->changes[1].before, "items"), "[]");
}

static void test_move_item(void **state)
{
	struct fx *f = *state;
	cJSON *mods = step_list(&f->cx, RES_MODULE), *from = cJSON_GetObjectItem(cJSON_GetArrayItem(mods, 0), "items");

	step_move_item(&f->cx, cJSON_GetArrayItem(from, 0), from, cJSON_GetArrayItem(mods, 1));
	plan_finish(f->p);
	assert_int_equal(f->p->nchanges, 1);
	assert_int_equal(f->p->changes[0].op, PLAN_MOVE);
	assert_string_equal(f->p->changes[0].parent, "9");
	assert_json(f->p->changes[0].before, "9");
	assert_json(f->p->changes[0].after, "10");
	assert_int_equal(cJSON_GetArraySize(from), 0);
}

static void test_order_is_course_then_object(void **state)
{
	struct fx *f = *state;
	static const char *const want[][2] = { { "73", "title" }, { "73", "body" }, { "4821", "syllabus_body" } };
	size_t i;

	step_set_string(&f->cx, RES_PAGE, page(f, 0), "title", "T", NULL);
	step_set_string(&f->cx, RES_COURSE, f->course, "syllabus_body", "S", NULL);
	step_set_string(&f->cx, RES_PAGE, page(f, 0), "body", "B", NULL);
	plan_finish(f->p);
	assert_int_equal(f->p->nchanges, 3);
	for (i = 0; i < 3; i++) {
		assert_string_equal(f->p->changes[i].id, want[i][0]);
		assert_string_equal(f->p->changes[i].field, want[i][1]);
		assert_int_equal(f->p->changes[i].seq, (long)i + 1);
	}
}

static void test_file_round_trip_and_mode(void **state)
{
	struct fx *f = *state;
	char path[] = "/tmp/coursectl-plan-XXXXXX";
	struct plan *q = NULL;
	struct err err = ERR_INIT;
	struct stat st;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	fchmod(fd, 0644);
	close(fd);
	f->p->base_url = xstrdup("http://127.0.0.1:1");
	step_set_string(&f->cx, RES_PAGE, page(f, 0), "body", "<p>\xe4\xb8\xad</p>", "1 match");
	step_skip(&f->cx, RES_PAGE, page(f, 1), "body", "why");
	plan_finish(f->p);
	f->p->changes[0].notifies = xstrdup("Assignment Due Date Changed");   /* plan_notify.c's mark */
	assert_int_equal(plan_write(f->p, path, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(plan_read(&q, path, &err), 0);
	assert_int_equal(q->nchanges, 1);
	assert_string_equal(q->changes[0].course_id, "4821");
	assert_string_equal(q->changes[0].note, "1 match");
	assert_string_equal(q->changes[0].notifies, "Assignment Due Date Changed");
	{
		struct plan_summary sum;

		plan_summarize(q, &sum);
		assert_int_equal(sum.notifications, 1);
	}
	assert_json(q->changes[0].after, "\"<p>\xe4\xb8\xad</p>\"");
	assert_int_equal(q->nskipped, 1);
	assert_string_equal(q->base_url, "http://127.0.0.1:1");
	assert_string_equal(q->courses[0].time_zone, "America/New_York");
	plan_free(q);
	unlink(path);
}

static void test_damaged_plan_is_refused(void **state)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{ "{\"format\": \"x\"}", "t.json is not a coursectl plan" },
		{ "{\"format\": \"coursectl-plan\", \"version\": 2, \"changes\": []}", "a plan of version 2" },
		{ "{\"format\": \"coursectl-plan\", \"version\": 1}", "has no \"changes\" list" },
		{ "{\"format\": \"coursectl-plan\", \"version\": 1, \"changes\": [{\"step\": \"s\", \"course_id\": 1,"
		  " \"kind\": \"page\", \"id\": 2, \"op\": \"update\", \"before\": 1, \"after\": 2}]}",
		  "t.json: change 1 has no field" },
		{ "{\"format\": \"coursectl-plan\", \"version\": 1, \"changes\": [{\"step\": \"s\", \"course_id\": 1,"
		  " \"kind\": \"widget\", \"id\": 2, \"op\": \"update\", \"field\": \"x\", \"before\": 1, \"after\": 2}]}",
		  "change 1 has no known kind" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct plan *q = NULL;
		struct err err = ERR_INIT;
		cJSON *doc = cJSON_Parse(cases[i].json);

		assert_int_equal(plan_from_json(&q, doc, "t.json", &err), ERR_CORRUPT);
		assert_non_null(strstr(err.msg, cases[i].msg));
		assert_null(q);
		cJSON_Delete(doc);
	}
}

static void test_blackouts_round_trip(void **state)
{
	static const char *const bad[] = {
		"[{\"start\": \"2026-03-16\"}]",
		"[{\"start\": \"2026-03-20\", \"end\": \"2026-03-16\"}]",
		"[{\"start\": \"2026-13-16\", \"end\": \"2026-13-20\"}]",
		"[{\"start\": \"2026-03-16\", \"end\": \"2026-03-20\", \"step\": 3}]",
		"{\"start\": \"2026-03-16\"}",
	};
	struct plan *p = plan_new(), *q = NULL;
	struct err err = ERR_INIT;
	cJSON *doc;
	size_t i;

	(void)state;
	/* no blackouts: no key (plans without shift_dates are unchanged) */
	doc = plan_to_json(p);
	assert_null(cJSON_GetObjectItem(doc, "blackouts"));
	cJSON_Delete(doc);
	plan_add_blackout(p, "Spring", NULL, "2026-03-16", "2026-03-20");
	plan_add_blackout(p, "Spring", NULL, "2026-03-16", "2026-03-20");     /* the next course: not again */
	plan_add_blackout(p, "Spring", "4821", "2026-04-03", "2026-04-03");
	plan_add_blackout(p, "Later", NULL, "2026-03-16", "2026-03-20");
	assert_int_equal(p->nblackouts, 3);
	doc = plan_to_json(p);
	assert_json(cJSON_GetObjectItem(doc, "blackouts"),
		    "[{\"start\":\"2026-03-16\",\"end\":\"2026-03-20\",\"step\":\"Spring\"},"
		    "{\"course_id\":4821,\"start\":\"2026-04-03\",\"end\":\"2026-04-03\",\"step\":\"Spring\"},"
		    "{\"start\":\"2026-03-16\",\"end\":\"2026-03-20\",\"step\":\"Later\"}]");
	assert_int_equal(plan_from_json(&q, doc, "t.json", &err), 0);
	cJSON_Delete(doc);
	assert_int_equal(q->nblackouts, 3);
	assert_null(q->blackouts[0].course_id);
	assert_string_equal(q->blackouts[0].step, "Spring");
	assert_string_equal(q->blackouts[1].course_id, "4821");
	assert_string_equal(q->blackouts[1].start, "2026-04-03");
	assert_string_equal(q->blackouts[2].end, "2026-03-20");
	plan_free(q);
	plan_free(p);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = xasprintf("{\"format\": \"coursectl-plan\", \"version\": 1, \"changes\": [],"
				       " \"blackouts\": %s}", bad[i]);

		q = NULL;
		err = (struct err)ERR_INIT;
		doc = cJSON_Parse(text);
		assert_non_null(doc);
		assert_int_equal(plan_from_json(&q, doc, "t.json", &err), ERR_CORRUPT);
		assert_non_null(strstr(err.msg, "t.json: "));
		assert_non_null(strstr(err.msg, "blackout"));
		assert_null(q);
		cJSON_Delete(doc);
		free(text);
	}
}

/* ---------------------------------------------------------------- dates */

static void test_dates_parse(void **state)
{
	int64_t t;
	char out[32];

	(void)state;
	assert_int_equal(dates_parse("2025-10-18T03:59:59Z", &t), 0);
	dates_format_utc(t, out);
	assert_string_equal(out, "2025-10-18T03:59:59Z");
	assert_int_equal(dates_parse("2025-10-17T23:59:59.250-04:00", &t), 0);
	dates_format_utc(t, out);
	assert_string_equal(out, "2025-10-18T03:59:59Z");
	assert_int_equal(dates_parse("2025-02-29T00:00:00Z", &t), -1);
	assert_int_equal(dates_parse("2025-10-18T03:59:59", &t), -1);
	assert_int_equal(dates_parse("2025-10-18T03:59:59Zx", &t), -1);
	assert_int_equal(dates_parse("2025-10-18", &t), -1);
}

static void test_dates_local_across_dst(void **state)
{
	struct dates_local l;
	char out[48];
	int64_t t;

	(void)state;
	dates_parse("2025-10-18T03:59:59Z", &t);
	assert_int_equal(dates_to_local(t, "America/New_York", &l), 0);
	dates_format_local(&l, out);
	assert_string_equal(out, "Fri 2025-10-17 23:59:59 EDT");
	dates_parse("2026-03-07T04:59:59Z", &t);
	dates_to_local(t, "America/New_York", &l);
	dates_format_local(&l, out);
	assert_string_equal(out, "Fri 2026-03-06 23:59:59 EST");
	assert_int_equal(dates_to_local(t, "Not/AZone", &l), -1);
	dates_reset();
	assert_null(getenv("TZ"));   /* put back as it was */
}

static void test_dates_from_local_gap_and_overlap(void **state)
{
	char out[32];
	int64_t t;

	(void)state;
	/* ordinary */
	assert_int_equal(dates_from_local(2026, 1, 12, 8, 0, 0, "America/Denver", &t), 0);
	dates_format_utc(t, out);
	assert_string_equal(out, "2026-01-12T15:00:00Z");
	/* 2026-03-08 02:30 does not exist in New York: forward by the gap, 03:30 EDT */
	dates_from_local(2026, 3, 8, 2, 30, 0, "America/New_York", &t);
	dates_format_utc(t, out);
	assert_string_equal(out, "2026-03-08T07:30:00Z");
	/* 2025-11-02 01:30 happens twice: the first, EDT */
	dates_from_local(2025, 11, 2, 1, 30, 0, "America/New_York", &t);
	dates_format_utc(t, out);
	assert_string_equal(out, "2025-11-02T05:30:00Z");
	assert_int_equal(dates_from_local(2025, 2, 29, 0, 0, 0, "UTC", &t), -1);
}

static void test_step_date_utc(void **state)
{
	struct rdate d = { 2026, 1, 12, 0, 0, 0, 0, 0, 0, { "t.yaml", 3, 4 } };
	struct err err = ERR_INIT;
	char out[32];

	(void)state;
	assert_int_equal(step_date_utc(&d, "America/New_York", out, &err), 0);
	assert_string_equal(out, "2026-01-12T05:00:00Z");
	d.has_time = 1;
	d.hh = 8;
	d.has_offset = 1;
	d.offset_min = -360;
	assert_int_equal(step_date_utc(&d, NULL, out, &err), 0);
	assert_string_equal(out, "2026-01-12T14:00:00Z");
	d.has_offset = 0;
	assert_int_equal(step_date_utc(&d, NULL, out, &err), ERR_RECIPE);
	assert_non_null(strstr(err.msg, "t.yaml:3:4: the course has no time zone"));
}

/* issue 8: a course whose step failed is taken out whole; failed courses survive the plan file */
static void test_drop_course_and_failed_courses(void **state)
{
	struct plan *p = plan_new(), *back = NULL;
	cJSON *a = cJSON_Parse("{\"id\": 4821, \"name\": \"A\"}");
	cJSON *b = cJSON_Parse("{\"id\": 4822, \"name\": \"B\"}");
	cJSON *doc;
	struct err err = ERR_INIT;

	(void)state;
	plan_add_course(p, a, NULL);
	plan_add_course(p, b, "sis_course_id:B");
	plan_add(p, "s", "4821", RES_PAGE, "1", NULL, "P", PLAN_UPDATE, "body", cJSON_CreateString("x"),
		 cJSON_CreateString("y"));
	plan_add(p, "s", "4822", RES_PAGE, "2", NULL, "Q", PLAN_UPDATE, "body", cJSON_CreateString("x"),
		 cJSON_CreateString("y"));
	plan_add_skip(p, "s", "4821", RES_PAGE, "3", "R", NULL, "locked");
	plan_add_skip(p, "s", "4822", RES_PAGE, "4", "S", NULL, "locked");
	plan_add_blackout(p, "s", "4821", "2026-03-16", "2026-03-20");
	plan_drop_course(p, "4821");
	plan_add_failure(p, "4821", "step 's' failed in course 4821");
	plan_finish(p);
	assert_int_equal(p->nchanges, 1);
	assert_string_equal(p->changes[0].course_id, "4822");
	assert_int_equal(p->ncourses, 1);
	assert_string_equal(p->courses[0].id, "4822");
	assert_int_equal(p->nskipped, 1);
	assert_string_equal(p->skipped[0].course_id, "4822");
	assert_int_equal(p->nblackouts, 0);
	doc = plan_to_json(p);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "failed_courses")), 1);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "summary"), "failed_courses")->valueint, 1);
	assert_int_equal(plan_from_json(&back, doc, "t.json", &err), 0);
	assert_int_equal(back->nfailed, 1);
	assert_string_equal(back->failed[0].course, "4821");
	assert_string_equal(back->failed[0].error, "step 's' failed in course 4821");
	/* a plan without failures writes no such key (older readers and expected files stay as they were) */
	plan_free(back);
	cJSON_Delete(doc);
	back = plan_new();
	doc = plan_to_json(back);
	assert_null(cJSON_GetObjectItem(doc, "failed_courses"));
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "summary"), "failed_courses"));
	cJSON_Delete(doc);
	plan_free(back);
	plan_free(p);
	cJSON_Delete(a);
	cJSON_Delete(b);
}


/* issue 18: plan_course finds a course through the plan's index (a scan per lookup was quadratic in
 * the courses); the index follows a dropped course's shift of the others and a re-made index, and
 * its growth (it keeps no copy of the ids: plan.c, struct course_table). */
static void test_course_lookup(void **state)
{
	struct plan *p = plan_new();
	cJSON *c[3];
	const char *ids[3] = { "4821", "4822", "4823" };
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		c[i] = cJSON_CreateObject();
		cJSON_AddNumberToObject(c[i], "id", atof(ids[i]));
		cJSON_AddStringToObject(c[i], "name", ids[i]);
		plan_add_course(p, c[i], NULL);
	}
	plan_add_course(p, c[2], "again");   /* listed twice: the first one */
	for (i = 0; i < 3; i++)
		assert_ptr_equal(plan_course(p, ids[i]), &p->courses[i]);
	assert_null(plan_course(p, "482"));
	assert_null(plan_course(p, "48210"));
	plan_drop_course(p, "4821");
	assert_int_equal(p->ncourses, 3);
	assert_null(plan_course(p, "4821"));
	assert_ptr_equal(plan_course(p, "4822"), &p->courses[0]);
	assert_ptr_equal(plan_course(p, "4823"), &p->courses[1]);
	plan_add(p, "s", "4822", RES_PAGE, "1", NULL, "P", PLAN_UPDATE, "body", cJSON_CreateString("x"),
		 cJSON_CreateString("y"));
	plan_finish(p);   /* the index is gone: still found */
	assert_string_equal(plan_course(p, "4823")->name, "4823");
	assert_null(plan_course(p, "4821"));
	plan_add(p, "s", "4823", RES_PAGE, "2", NULL, "Q", PLAN_UPDATE, "body", cJSON_CreateString("x"),
		 cJSON_CreateString("y"));   /* a new index holds the courses already there */
	assert_ptr_equal(plan_course(p, "4822"), &p->courses[0]);
	assert_ptr_equal(plan_course(p, "4823"), &p->courses[1]);
	plan_free(p);
	for (i = 0; i < 3; i++)
		cJSON_Delete(c[i]);
	/* past the table's first size (64 slots, grown at half full): every course still at its place,
	 * and after a drop at the front every one moved */
	p = plan_new();
	for (i = 0; i < 1000; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "id", 7000 + i);
		plan_add_course(p, o, NULL);
		cJSON_Delete(o);
	}
	for (i = 0; i < 1000; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%d", 7000 + i);
		assert_ptr_equal(plan_course(p, id), &p->courses[i]);
	}
	assert_null(plan_course(p, "8000"));
	plan_drop_course(p, "7000");
	for (i = 1; i < 1000; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%d", 7000 + i);
		assert_ptr_equal(plan_course(p, id), &p->courses[i - 1]);
	}
	assert_null(plan_course(p, "7000"));
	plan_free(p);
}


/* ---------------------------------------------------------------- integrity (issue 13) */

static char *canon(const char *json)
{
	cJSON *v = cJSON_Parse(json);
	struct buf b = BUF_INIT;

	assert_non_null(v);
	plan_canonical_json(v, &b);
	cJSON_Delete(v);
	return buf_detach(&b, NULL);
}

/* RFC 8785's own examples (sections 3.2.2, 3.2.3 and appendix B) and our escapes. */
static void test_canonical_json(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "[1e21, 1e-7, 0.000001, 1.5, -0, 0, 333333333.3333333, 1e23, 5e-324, 1.7976931348623157e308]",
		  "[1e+21,1e-7,0.000001,1.5,0,0,333333333.3333333,1e+23,5e-324,1.7976931348623157e+308]" },
		{ "[123456789012345680000, 9007199254740992, 4821, -12, 0.1, 100, 1e20, 4.5e15]",
		  "[123456789012345680000,9007199254740992,4821,-12,0.1,100,100000000000000000000,4500000000000000]" },
		{ "{\"b\": 1, \"a\": {\"d\": true, \"c\": null}, \"\": false}",
		  "{\"\":false,\"a\":{\"c\":null,\"d\":true},\"b\":1}" },
		/* keys by UTF-16 code units: \r < 1 < \u0080 < \u00f6 < \u20ac < \ud83d\ude00 < \ufb33 (UTF-8
		 * byte order would put U+FB33 before the emoji) */
		{ "{\"\\u20ac\": 1, \"\\ud83d\\ude00\": 2, \"\\ufb33\": 3, \"\\u00f6\": 4, \"\\u0080\": 5, \"1\": 6,"
		  " \"\\r\": 7}",
		  "{\"\\r\":7,\"1\":6,\"\xc2\x80\":5,\"\xc3\xb6\":4,\"\xe2\x82\xac\":1,\"\xf0\x9f\x98\x80\":2,"
		  "\"\xef\xac\xb3\":3}" },
		/* integers printed without printf (issue 18): the largest below 1e15, 1e15, negatives */
		{ "[999999999999999, 1000000000000000, 100056, -100056, 1, -1, 7.0, 2147483648, 4294967296]",
		  "[999999999999999,1000000000000000,100056,-100056,1,-1,7,2147483648,4294967296]" },
		/* keys whose first difference is ASCII in one and not in the other, after a shared prefix
		 * (the byte comparison's fast path stops there), and a damaged character before an ASCII
		 * difference (\xe2\x82 then A or B: units e2, 82, A/B) */
		{ "{\"ab\": 1, \"a\\u00e9\": 2, \"a\\ud83d\\ude00\": 3, \"a\\uffff\": 4, \"aa\": 5, \"a\": 6}",
		  "{\"a\":6,\"aa\":5,\"ab\":1,\"a\xc3\xa9\":2,\"a\xf0\x9f\x98\x80\":3,\"a\xef\xbf\xbf\":4}" },
		{ "{\"\xe2\x82" "B\": 1, \"\xe2\x82\": 2, \"\xe2\x82" "A\": 3, \"\xe2\x82\xac\": 4}",
		  "{\"\xe2\x82\":2,\"\xe2\x82" "A\":3,\"\xe2\x82" "B\":1,\"\xe2\x82\xac\":4}" },
		{ "[\"\\u0001\\b\\t\\n\\f\\r\\\"\\\\/\\u007f\\u00e9\\u001f\"]",
		  "[\"\\u0001\\b\\t\\n\\f\\r\\\"\\\\/\x7f\xc3\xa9\\u001f\"]" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = canon(cases[i].in);

		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: got %s, want %s", i, got, cases[i].want);
		free(got);
	}
}

/* A plan of a few changes of every op, finished; the caller frees it. */
static struct plan *digest_plan(struct fx *f)
{
	cJSON *mods = step_list(&f->cx, RES_MODULE), *fields = cJSON_CreateObject();

	plan_add_recipe_step(f->p, "one", "modules");
	step_set_string(&f->cx, RES_PAGE, page(f, 0), "body", "<p>\xe4\xb8\xad \"q\"</p>", "1 match");
	step_set_number(&f->cx, RES_MODULE, cJSON_GetArrayItem(mods, 0), "position", 2, NULL);
	cJSON_AddStringToObject(fields, "name", "Start Here");
	cJSON_AddNumberToObject(fields, "position", 1);
	step_create(&f->cx, RES_MODULE, mods, fields);
	step_delete(&f->cx, RES_MODULE, mods, cJSON_GetArrayItem(mods, 1), NULL);
	plan_finish(f->p);
	return f->p;
}

/* The bytes of a file (malloced, NUL-terminated) and their count. */
static char *read_file_text(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t k;

	if (!fp)
		return NULL;
	while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, k);
	fclose(fp);
	return buf_detach(&b, n);
}

static int buf_sink(void *ud, const char *s, size_t n)
{
	buf_add(ud, s, n);
	return 0;
}

static int stop_sink(void *ud, const char *s, size_t n)
{
	(void)s;
	(void)n;
	return ++*(int *)ud >= 3 ? 7 : 0;
}

/* Issue 18: the plan file and the journal's copy of the plan are printed change by change
 * (plan_print), never built whole; the bytes must be those of printing the whole document, and the
 * digest computed change by change that of plan_digest over the document. */
static void test_print_change_by_change_is_the_documents_bytes(void **state)
{
	struct fx *f = *state;
	char path[] = "/tmp/coursectl-plan-XXXXXX", hex[65], *want, *got;
	struct err err = ERR_INIT;
	struct buf b = BUF_INIT;
	cJSON *doc;
	size_t n;
	int fd = mkstemp(path), formatted, calls = 0;

	assert_true(fd >= 0);
	close(fd);
	digest_plan(f);
	plan_add_blackout(f->p, "Spring", NULL, "2026-03-16", "2026-03-20");
	step_skip(&f->cx, RES_PAGE, page(f, 1), "body", "why");
	f->p->changes[0].notifies = xstrdup("Assignment Due Date Changed");
	doc = plan_to_json(f->p);
	plan_digest(doc, hex);
	assert_string_equal(cJSON_GetObjectItem(doc, "changes_sha256")->valuestring, hex);
	{
		char again[65];

		plan_changes_digest(f->p, again);
		assert_string_equal(again, hex);
		/* given the digest, the same bytes */
		want = cJSON_PrintUnformatted(doc);
		buf_reset(&b);
		assert_int_equal(plan_print(f->p, 0, again, buf_sink, &b), 0);
		assert_string_equal(buf_str(&b), want);
		free(want);
	}
	for (formatted = 0; formatted < 2; formatted++) {
		want = formatted ? cJSON_Print(doc) : cJSON_PrintUnformatted(doc);
		buf_reset(&b);
		assert_int_equal(plan_print(f->p, formatted, NULL, buf_sink, &b), 0);
		assert_string_equal(buf_str(&b), want);
		free(want);
	}
	/* the sink's answer stops the print */
	assert_int_equal(plan_print(f->p, 1, NULL, stop_sink, &calls), 7);
	assert_int_equal(calls, 3);
	/* the file: the formatted document and a newline */
	assert_int_equal(plan_write(f->p, path, &err), 0);
	want = cJSON_Print(doc);
	got = read_file_text(path, &n);
	assert_non_null(got);
	assert_int_equal(n, strlen(want) + 1);
	assert_memory_equal(got, want, strlen(want));
	assert_int_equal(got[n - 1], '\n');
	free(want);
	free(got);
	cJSON_Delete(doc);
	/* no changes at all */
	plan_free(f->p);
	f->p = plan_new();
	doc = plan_to_json(f->p);
	want = cJSON_Print(doc);
	buf_reset(&b);
	assert_int_equal(plan_print(f->p, 1, NULL, buf_sink, &b), 0);
	assert_string_equal(buf_str(&b), want);
	free(want);
	cJSON_Delete(doc);
	buf_release(&b);
	unlink(path);
}

/* Course k (1..3) of the spill test: an update of two fields of one assignment, a create and a
 * change that comes back to its start (dropped); course 2 a note and a notification. The name has
 * what the compact copy of the spill file must keep (spill_stream): spaces inside a string, after
 * an escaped quote and after an escaped backslash, and a tab and a line break (escaped). */
static void spill_course(struct plan *p, int k)
{
	char id[16], aid[16], doc[160];
	cJSON *course, *fields = cJSON_CreateObject();
	struct plan_change *c;

	snprintf(id, sizeof(id), "%d", k);
	snprintf(aid, sizeof(aid), "%d", 100 + k);
	snprintf(doc, sizeof(doc), "{\"id\": %d, \"name\": \"Course %d\", \"time_zone\": \"UTC\"}", k, k);
	course = cJSON_Parse(doc);
	plan_add_course(p, course, id);
	cJSON_Delete(course);
	c = plan_add(p, "one", id, RES_ASSIGNMENT, aid, NULL, "Lab \" 1 \" \\ \t\n  end ", PLAN_UPDATE, "due_at",
		     cJSON_CreateString("2025-09-01T05:00:00Z"), cJSON_CreateString("2026-01-12T05:00:00Z"));
	if (k == 2) {
		c->note = xstrdup("a note");
		c->notifies = xstrdup("Assignment Due Date Changed");
	}
	plan_add(p, "one", id, RES_ASSIGNMENT, aid, NULL, "Lab", PLAN_UPDATE, "lock_at", cJSON_CreateNull(),
		 cJSON_CreateString("2026-01-13T05:00:00Z"));
	plan_add(p, "one", id, RES_PAGE, "7", NULL, "P", PLAN_UPDATE, "body", cJSON_CreateString("x"),
		 cJSON_CreateString("x"));
	cJSON_AddStringToObject(fields, "name", "Start");
	plan_add(p, "two", id, RES_MODULE, "new:1", NULL, "Start", PLAN_CREATE, NULL, cJSON_CreateNull(), fields);
}

/* A course of the spill test without changes. */
static void spill_empty_course(struct plan *p, int k)
{
	cJSON *course = cJSON_CreateObject();
	char id[16];

	snprintf(id, sizeof(id), "%d", k);
	cJSON_AddNumberToObject(course, "id", k);
	plan_add_course(p, course, id);
	cJSON_Delete(course);
}

/* Courses without changes between, before and after spilled ones: the spill keeps per course only
 * where its text starts and its count (plan.c, struct spill_course), so each course's end and first
 * change come from its neighbours; every window, empty or not, loads what the plan in memory holds,
 * at its plan-wide place, and the printed plans are the same. */
static void test_spilled_plan_with_empty_courses(void **state)
{
	/* courses 1..6, windows [1 2] [3 4] [5 6]: 1, 4 and 6 without changes */
	static const int changes[6] = { 0, 3, 3, 0, 3, 0 };
	struct plan *mem = plan_new(), *sp = plan_new();
	struct err err = ERR_INIT;
	struct buf x = BUF_INIT, y = BUF_INIT;
	size_t lo, hi, first = 0, k;
	int i;

	(void)state;
	for (i = 1; i <= 6; i++) {
		if (changes[i - 1])
			spill_course(mem, i);
		else
			spill_empty_course(mem, i);
	}
	plan_finish(mem);
	for (i = 1; i <= 6; i++) {
		if (changes[i - 1])
			spill_course(sp, i);
		else
			spill_empty_course(sp, i);
		if (i % 2 == 0) {
			plan_finish(sp);
			assert_int_equal(plan_spill(sp, 1, &err), 0);
		}
	}
	assert_int_equal(plan_total(sp), 9);
	assert_int_equal(plan_print(mem, 1, NULL, buf_sink, &x), 0);
	assert_int_equal(plan_print(sp, 1, NULL, buf_sink, &y), 0);
	assert_string_equal(buf_str(&y), buf_str(&x));
	for (lo = 0; lo < 6; lo++) {
		size_t n = 0;

		assert_int_equal(plan_course_changes(sp, lo), changes[lo]);
		for (hi = lo; hi <= 6; hi++) {
			assert_int_equal(plan_window(sp, lo, hi, &err), 0);
			assert_int_equal(sp->first, first);
			assert_int_equal(sp->nchanges, n);
			for (k = 0; k < sp->nchanges; k++) {
				assert_int_equal(sp->changes[k].seq, mem->changes[first + k].seq);
				assert_string_equal(sp->changes[k].course_id, mem->changes[first + k].course_id);
				assert_true(cJSON_Compare(sp->changes[k].after, mem->changes[first + k].after, 1));
			}
			if (hi < 6)
				n += (size_t)changes[hi];
		}
		first += (size_t)changes[lo];
	}
	buf_release(&x);
	buf_release(&y);
	plan_free(mem);
	plan_free(sp);
}

/* Issue 18: a plan built a window at a time and spilled (plan_spill) is the same plan: its
 * summary, digest and printed bytes are those of the plan built in memory, plan_window makes a
 * course range resident with p->first its first change's plan-wide index, and a plan of one
 * window is one pass. */
static void test_spilled_plan_is_the_same_plan(void **state)
{
	struct plan *mem = plan_new(), *sp = plan_new();
	struct plan_summary a, b;
	struct err err = ERR_INIT;
	struct buf x = BUF_INIT, y = BUF_INIT;
	char ha[65], hb[65];
	int k, formatted;

	(void)state;
	for (k = 1; k <= 3; k++)
		spill_course(mem, k);
	plan_finish(mem);
	/* windows of one course: courses 1 and 2 finished and spilled, then course 3 */
	spill_course(sp, 1);
	spill_course(sp, 2);
	plan_finish(sp);
	assert_int_equal(plan_spill(sp, 1, &err), 0);
	assert_int_equal(sp->nchanges, 0);
	assert_int_equal(sp->first, 6);
	spill_course(sp, 3);
	plan_finish(sp);
	assert_int_equal(sp->changes[0].seq, 7);
	assert_int_equal(plan_spill(sp, 1, &err), 0);

	assert_int_equal(plan_total(mem), 9);
	assert_int_equal(plan_total(sp), 9);
	assert_int_equal(plan_window_courses(mem), 3);
	assert_int_equal(plan_window_courses(sp), 1);
	assert_int_equal(plan_course_changes(sp, 1), 3);
	assert_int_equal(plan_course_changes(mem, 1), 3);
	plan_summarize(mem, &a);
	plan_summarize(sp, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(b.notifications, 1);
	plan_changes_digest(mem, ha);
	plan_changes_digest(sp, hb);
	assert_string_equal(ha, hb);
	for (formatted = 0; formatted < 2; formatted++) {
		buf_reset(&x);
		buf_reset(&y);
		assert_int_equal(plan_print(mem, formatted, NULL, buf_sink, &x), 0);
		assert_int_equal(plan_print(sp, formatted, NULL, buf_sink, &y), 0);
		assert_string_equal(buf_str(&y), buf_str(&x));
	}
	/* course 2 alone: its three changes, plan-wide 4..6 */
	assert_int_equal(plan_window(sp, 1, 2, &err), 0);
	assert_int_equal(sp->first, 3);
	assert_int_equal(sp->nchanges, 3);
	assert_int_equal(sp->changes[0].seq, 4);
	assert_string_equal(sp->changes[0].course_id, "2");
	assert_string_equal(sp->changes[0].note, "a note");
	assert_string_equal(sp->changes[2].id, "new:1");
	assert_int_equal(sp->changes[2].op, PLAN_CREATE);
	assert_int_equal(plan_window_courses(sp), 1);
	/* the whole plan resident: one window, as a plan in memory */
	assert_int_equal(plan_window(sp, 0, 3, &err), 0);
	assert_int_equal(sp->first, 0);
	assert_int_equal(sp->nchanges, 9);
	assert_int_equal(plan_window_courses(sp), 3);
	for (k = 0; k < 9; k++) {
		assert_int_equal(sp->changes[k].seq, mem->changes[k].seq);
		assert_string_equal(sp->changes[k].course_id, mem->changes[k].course_id);
		assert_true(cJSON_Compare(sp->changes[k].after, mem->changes[k].after, 1));
	}
	/* an empty range */
	assert_int_equal(plan_window(sp, 3, 3, &err), 0);
	assert_int_equal(sp->nchanges, 0);
	assert_int_equal(sp->first, 9);
	/* a plan never spilled: plan_window changes nothing */
	assert_int_equal(plan_window(mem, 1, 2, &err), 0);
	assert_int_equal(mem->nchanges, 9);
	assert_int_equal(mem->first, 0);
	buf_release(&x);
	buf_release(&y);
	plan_free(mem);
	plan_free(sp);
}

/* Issue 18: a spilled plan's text rendered window by window while each is resident
 * (render_pre_window, as plan_make does before plan_spill) is the text of the plan built in
 * memory, with colour, a skip, and a skip of a course the plan does not describe (shown last, after
 * every window); render_text then reads nothing back (no window resident after),
 * and a collector made for other options, or one that missed a window, is passed over. */
static void test_spilled_plan_text_rendered_as_made(void **state)
{
	struct plan *mem = plan_new(), *sp = plan_new();
	struct render_opts ro = RENDER_OPTS_INIT, plain = RENDER_OPTS_INIT;
	struct render_pre *pre, *other, *partial;
	struct err err = ERR_INIT;
	struct buf x = BUF_INIT, y = BUF_INIT;
	int k;

	(void)state;
	ro.color = 1;
	pre = render_pre_new(&ro);
	other = render_pre_new(&plain);
	partial = render_pre_new(&ro);
	for (k = 1; k <= 3; k++)
		spill_course(mem, k);
	plan_add_skip(mem, "one", "2", RES_PAGE, "8", "Home", "published", "the front page cannot be unpublished");
	plan_add_skip(mem, "one", "9", RES_PAGE, "1", "Gone", "published", "a course no window has");
	plan_finish(mem);
	spill_course(sp, 1);
	spill_course(sp, 2);
	plan_add_skip(sp, "one", "2", RES_PAGE, "8", "Home", "published", "the front page cannot be unpublished");
	plan_add_skip(sp, "one", "9", RES_PAGE, "1", "Gone", "published", "a course no window has");
	plan_finish(sp);
	assert_int_equal(render_pre_window(pre, sp, 0, 2), 0);
	assert_int_equal(render_pre_window(other, sp, 0, 2), 0);
	assert_int_equal(plan_spill(sp, 1, &err), 0);
	spill_course(sp, 3);
	plan_finish(sp);
	assert_int_equal(render_pre_window(pre, sp, 2, 3), 0);
	assert_int_equal(render_pre_window(other, sp, 2, 3), 0);
	assert_int_equal(render_pre_window(partial, sp, 1, 3), -1);   /* not where the last one ended */
	assert_int_equal(plan_spill(sp, 1, &err), 0);

	assert_int_equal(render_text(mem, &x, &ro), 0);
	ro.pre = pre;
	assert_int_equal(render_text(sp, &y, &ro), 0);
	assert_string_equal(buf_str(&y), buf_str(&x));
	assert_non_null(strstr(buf_str(&y), "front page"));
	assert_true(strstr(buf_str(&y), "no window has") > strstr(buf_str(&y), "Course 3"));
	assert_int_equal(sp->nchanges, 0);   /* copied: no window read back */
	/* again: the collected text is read from its start each time */
	buf_reset(&y);
	assert_int_equal(render_text(sp, &y, &ro), 0);
	assert_string_equal(buf_str(&y), buf_str(&x));
	/* other options, or a window missed: the windows are walked */
	ro.pre = other;
	buf_reset(&y);
	assert_int_equal(render_text(sp, &y, &ro), 0);
	assert_string_equal(buf_str(&y), buf_str(&x));
	assert_int_equal(sp->nchanges, 3);   /* the last window, read back */
	ro.pre = partial;
	buf_reset(&y);
	assert_int_equal(plan_window(sp, 3, 3, &err), 0);
	assert_int_equal(render_text(sp, &y, &ro), 0);
	assert_string_equal(buf_str(&y), buf_str(&x));
	assert_int_equal(sp->nchanges, 3);
	render_pre_free(pre);
	render_pre_free(other);
	render_pre_free(partial);
	buf_release(&x);
	buf_release(&y);
	plan_free(mem);
	plan_free(sp);
}

static enum plan_digest_state digest_of(const cJSON *doc)
{
	struct plan *q = NULL;
	struct err err = ERR_INIT;
	enum plan_digest_state d;

	if (plan_from_json(&q, doc, "t.json", &err))
		fail_msg("%s", err.msg);
	d = q->digest;
	plan_free(q);
	return d;
}

/* The digest is written, read back and matches; re-laying the file out (formatted, keys in another
 * order) keeps it; any change to any member of any change, an appended change, a removed one, the
 * recipe's hash or its steps breaks it; a plan without one is refused as 0.3.0's. */
static void test_digest_stable_and_sensitive(void **state)
{
	static const char *const members[] = { "seq", "step", "steps", "course_id", "kind", "id", "name", "op",
					       "field", "before", "after", "note" };
	struct fx *f = *state;
	char path[] = "/tmp/coursectl-plan-XXXXXX", *text;
	struct plan *q = NULL;
	struct err err = ERR_INIT;
	cJSON *doc, *again, *c, *m;
	size_t i, k, n;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	digest_plan(f);
	assert_int_equal(f->p->nchanges, 4);
	assert_int_equal(plan_write(f->p, path, &err), 0);
	assert_int_equal(plan_read(&q, path, &err), 0);
	assert_int_equal(q->digest, PLAN_DIGEST_OK);
	assert_int_equal(plan_check_digest(q, path, &err), 0);
	assert_int_equal(q->nrsteps, 1);
	assert_string_equal(q->rsteps[0].action, "modules");
	/* written again from what was read: the same digest */
	doc = plan_to_json(q);
	again = plan_to_json(f->p);
	assert_string_equal(cJSON_GetObjectItem(doc, "changes_sha256")->valuestring,
			    cJSON_GetObjectItem(again, "changes_sha256")->valuestring);
	cJSON_Delete(again);
	plan_free(q);
	unlink(path);

	/* layout: printed formatted and parsed again; the members of each change in reverse order */
	text = cJSON_Print(doc);
	again = cJSON_Parse(text);
	free(text);
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(again, "changes")) {
		cJSON *rev = cJSON_CreateObject();

		while (c->child) {
			cJSON *last = c->child;

			while (last->next)
				last = last->next;
			cJSON_AddItemToObject(rev, last->string, cJSON_DetachItemViaPointer(c, last));
		}
		while (rev->child) {
			cJSON *first = cJSON_DetachItemViaPointer(rev, rev->child);

			cJSON_AddItemToObject(c, first->string, first);
		}
		cJSON_Delete(rev);
	}
	assert_int_equal(digest_of(again), PLAN_DIGEST_OK);
	cJSON_Delete(again);

	/* every member of every change, changed one at a time */
	n = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(doc, "changes"));
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(members) / sizeof(members[0]); k++) {
			again = cJSON_Duplicate(doc, 1);
			c = cJSON_GetArrayItem(cJSON_GetObjectItem(again, "changes"), (int)i);
			m = cJSON_GetObjectItem(c, members[k]);
			if (!m) {
				cJSON_Delete(again);
				continue;
			}
			if (!strcmp(members[k], "seq") || !strcmp(members[k], "course_id"))
				cJSON_ReplaceItemInObject(c, members[k], cJSON_CreateNumber(m->valuedouble + 1));
			else if (!strcmp(members[k], "kind"))
				cJSON_ReplaceItemInObject(c, members[k], cJSON_CreateString("assignment"));
			else if (!strcmp(members[k], "op"))
				cJSON_ReplaceItemInObject(c, members[k], cJSON_CreateString(
					!strcmp(m->valuestring, "update") ? "move" : !strcmp(m->valuestring, "move")
					? "update" : !strcmp(m->valuestring, "create") ? "delete" : "create"));
			else if (cJSON_IsObject(m))
				cJSON_AddNumberToObject(m, "points_possible", 100);
			else if (cJSON_IsArray(m))
				cJSON_AddItemToArray(m, cJSON_CreateString("x"));
			else
				cJSON_ReplaceItemInObject(c, members[k], cJSON_CreateString("edited"));
			if (digest_of(again) != PLAN_DIGEST_BAD)
				fail_msg("change %zu: editing '%s' kept the digest", i + 1, members[k]);
			cJSON_Delete(again);
		}
	}
	/* an appended change, a removed one, the recipe's hash, its steps */
	again = cJSON_Duplicate(doc, 1);
	c = cJSON_Duplicate(cJSON_GetArrayItem(cJSON_GetObjectItem(again, "changes"), 0), 1);
	cJSON_ReplaceItemInObject(c, "field", cJSON_CreateString("points_possible"));
	cJSON_AddItemToArray(cJSON_GetObjectItem(again, "changes"), c);
	assert_int_equal(digest_of(again), PLAN_DIGEST_BAD);
	cJSON_DeleteItemFromArray(cJSON_GetObjectItem(again, "changes"), 0);
	cJSON_DeleteItemFromArray(cJSON_GetObjectItem(again, "changes"), (int)n - 1);
	assert_int_equal(digest_of(again), PLAN_DIGEST_BAD);
	cJSON_Delete(again);
	again = cJSON_Duplicate(doc, 1);
	cJSON_ReplaceItemInObject(again, "recipe_sha256", cJSON_CreateString("0f"));
	assert_int_equal(digest_of(again), PLAN_DIGEST_BAD);
	cJSON_Delete(again);
	again = cJSON_Duplicate(doc, 1);
	cJSON_ReplaceItemInObject(cJSON_GetArrayItem(cJSON_GetObjectItem(again, "recipe_steps"), 0), "action",
				  cJSON_CreateString("shift_dates"));
	assert_int_equal(digest_of(again), PLAN_DIGEST_BAD);
	cJSON_Delete(again);
	/* what is not in the digest: when and where it was made (apply checks base_url itself) */
	again = cJSON_Duplicate(doc, 1);
	cJSON_ReplaceItemInObject(again, "created_at", cJSON_CreateString("2030-01-01T00:00:00Z"));
	cJSON_ReplaceItemInObject(again, "base_url", cJSON_CreateString("https://elsewhere.test"));
	assert_int_equal(digest_of(again), PLAN_DIGEST_OK);
	cJSON_Delete(again);
	/* a plan of 0.3.0: no digest, no recipe_steps */
	cJSON_DeleteItemFromObject(doc, "changes_sha256");
	cJSON_DeleteItemFromObject(doc, "recipe_steps");
	assert_int_equal(plan_from_json(&q, doc, "old.json", &err), 0);
	assert_int_equal(q->digest, PLAN_DIGEST_NONE);
	assert_int_equal(plan_check_digest(q, "old.json", &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "old.json carries no digest"));
	assert_non_null(strstr(err.msg, "coursectl plan"));
	err_clear(&err);
	assert_int_equal(plan_check_fields(q, "old.json", &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "recipe_steps"));
	plan_free(q);
	cJSON_Delete(doc);
}

/* The plan of every recipe of recipes/ and tests/fixtures (and one that uses every field the
 * actions know) over every fixture seed: each change passes plan_check_fields. */
static const char everything_yaml[] =
	"version: 1\n"
	"steps:\n"
	"  - name: All text\n"
	"    replace_text:\n"
	"      in: [pages, assignments, syllabus, discussions, announcements, quizzes]\n"
	"      pattern: '([aeiou])'\n"
	"      with: '$1$1'\n"
	"      fields: [body, title]\n"
	"  - name: A new page\n"
	"    pages:\n"
	"      where: {url: a-new-page}\n"
	"      create: true\n"
	"      set: {title: A new page, published: true, front_page: true, editing_roles: teachers,\n"
	"            todo_date: 2026-01-16T17:00:00-07:00, publish_at: 2026-01-10T08:00:00-07:00}\n"
	"  - name: Page fields\n"
	"    pages:\n"
	"      replace: [{pattern: 'a', with: 'b'}]\n"
	"      set: {title: Same title, editing_roles: 'teachers,students', todo_date: 2026-02-16T17:00:00-07:00,\n"
	"            publish_at: null, published: false}\n"
	"  - name: Module fields\n"
	"    modules:\n"
	"      where: {name: '.'}\n"
	"      set: {published: true, require_sequential_progress: true, unlock_at: 2026-06-01T08:00:00-06:00,\n"
	"            position: 2}\n"
	"      rename: {pattern: '^(.*)$', with: 'M $1'}\n"
	"      items: {set: {indent: 2, title: Renamed item, published: false, completion: {type: must_view}}}\n"
	"  - name: Module structure\n"
	"    modules:\n"
	"      ensure:\n"
	"        - name: Brand new\n"
	"          position: 1\n"
	"          published: true\n"
	"          items: [{header: Hello}, {url: 'https://x.example.edu', title: X}, {page: a-new-page}]\n"
	"        - name: Second\n"
	"          items: [{header: Hello again}]\n"
	"  - name: Prerequisites\n"
	"    modules:\n"
	"      where: {name: '^Second$'}\n"
	"      set: {prerequisites: [Brand new], name: Second one}\n"
	"  - name: Sandbox away\n"
	"    modules:\n"
	"      absent: [M Sandbox, Sandbox]\n"
	"  - name: Every date\n"
	"    shift_dates: {days: 7}\n"
	"  - name: Written dates\n"
	"    shift_dates: {days: 7, text: true}\n";

static void check_recipe_over_seeds(struct recipe *r, const char *what, size_t *nchanges, unsigned *actions)
{
	static const char *const seeds[] = {
		"tests/fixtures/plan-seed.json", "tests/fixtures/small-seed.json", "tests/fixtures/rollover-seed.json",
		"tests/fixtures/calendar-seed.json", "tests/fixtures/ci-seed.json", "tests/fixtures/example-seed.json",
		"tests/fixtures/many-courses-seed.json", "recipes/demo/seed.json", "recipes/semester-schedule/seed.json",
	};
	static const char *const names[] = { "shift_dates", "replace_text", "pages", "modules", "schedule" };
	size_t i, k, j;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		FILE *fp = fopen(seeds[i], "rb");
		struct buf b = BUF_INIT;
		char chunk[8192];
		size_t n;
		cJSON *snap;
		struct plan *p = plan_new();
		struct err err = ERR_INIT;
		char *name;

		assert_non_null(fp);
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_add(&b, chunk, n);
		fclose(fp);
		snap = cJSON_Parse(b.ptr);
		buf_release(&b);
		assert_non_null(snap);
		if (plan_run(p, r, snap, NULL, &err))
			fail_msg("%s over %s: %s", what, seeds[i], err.msg);
		plan_finish(p);
		p->has_rsteps = 1;
		name = xasprintf("%s over %s", what, seeds[i]);
		if (plan_check_fields(p, name, &err))
			fail_msg("%s", err.msg);
		free(name);
		*nchanges += p->nchanges;
		for (k = 0; k < p->nchanges; k++)
			for (j = 0; j < p->nrsteps; j++)
				if (!strcmp(p->rsteps[j].name, p->changes[k].steps[0])) {
					size_t a;

					for (a = 0; a < 5; a++)
						if (!strcmp(names[a], p->rsteps[j].action))
							*actions |= 1u << a;
				}
		plan_free(p);
		cJSON_Delete(snap);
	}
}

static void test_field_table_holds_what_steps_make(void **state)
{
	static const char *const files[] = {
		"recipes/term-rollover.yaml", "recipes/fix-links.yaml", "recipes/modules-publish-weekly.yaml",
		"recipes/preview-only.yaml", "recipes/ci-template/recipe.yaml", "recipes/demo/term-rollover.yaml",
		"tests/fixtures/calendar-rollover.yaml", "tests/fixtures/recipes/rollover-e2e.yaml",
		"recipes/semester-schedule.yaml",
	};
	static const struct recipe_var vars[] = { { "course", "4821" } };
	struct recipe_opts o = { .vars = vars, .nvars = 1 };
	size_t i, nchanges = 0;
	unsigned actions = 0;

	(void)state;
	for (i = 0; i <= sizeof(files) / sizeof(files[0]); i++) {
		struct diags d = DIAGS_INIT;
		struct recipe *r = NULL;
		int rc = i < sizeof(files) / sizeof(files[0])
				 ? recipe_load(&r, files[i], &o, &d)
				 : recipe_load_mem(&r, "everything.yaml", everything_yaml, strlen(everything_yaml), &o, &d);

		if (rc || !r) {
			diag_print(&d, stderr);
			fail_msg("cannot load %s", i < sizeof(files) / sizeof(files[0]) ? files[i] : "everything.yaml");
		}
		check_recipe_over_seeds(r, i < sizeof(files) / sizeof(files[0]) ? files[i] : "everything.yaml",
					&nchanges, &actions);
		recipe_free(r);
		diag_release(&d);
	}
	/* the run covered something of every action, and a good number of changes */
	assert_int_equal(actions, 0x1f);
	assert_true(nchanges > 500);
}

/* What no step makes is refused, naming course, object and field; the table's own edges. */
static void test_field_table_refuses(void **state)
{
	struct plan *p = plan_new();
	struct err err = ERR_INIT;
	struct plan_change *c;

	(void)state;
	assert_false(step_field_allowed("shift_dates", RES_ASSIGNMENT, PLAN_UPDATE, "points_possible"));
	assert_true(step_field_allowed("shift_dates", RES_ASSIGNMENT, PLAN_UPDATE, "due_at"));
	assert_true(step_field_allowed("shift_dates", RES_CALENDAR_EVENT, PLAN_UPDATE, "end_at"));
	assert_false(step_field_allowed("shift_dates", RES_PAGE, PLAN_UPDATE, "title"));
	assert_true(step_field_allowed("shift_dates", RES_PAGE, PLAN_UPDATE, "body"));   /* text: true */
	assert_true(step_field_allowed("shift_dates", RES_MODULE, PLAN_UPDATE, "name"));
	assert_true(step_field_allowed("shift_dates", RES_COURSE, PLAN_UPDATE, "syllabus_body"));
	assert_false(step_field_allowed("shift_dates", RES_MODULE, PLAN_UPDATE, "published"));
	assert_true(step_field_allowed("shift_dates", RES_MODULE_ITEM, PLAN_UPDATE, "title"));
	assert_false(step_field_allowed("replace_text", RES_PAGE, PLAN_UPDATE, "published"));
	assert_false(step_field_allowed("replace_text", RES_CALENDAR_EVENT, PLAN_UPDATE, "description"));
	assert_true(step_field_allowed("pages", RES_PAGE, PLAN_CREATE, NULL));
	assert_false(step_field_allowed("pages", RES_MODULE, PLAN_CREATE, NULL));
	assert_false(step_field_allowed("pages", RES_PAGE, PLAN_DELETE, NULL));
	assert_true(step_field_allowed("modules", RES_MODULE_ITEM, PLAN_MOVE, "module_id"));
	assert_true(step_field_allowed("modules", RES_MODULE, PLAN_DELETE, NULL));
	assert_false(step_field_allowed("modules", RES_ASSIGNMENT, PLAN_UPDATE, "points_possible"));
	assert_false(step_field_allowed("nonesuch", RES_PAGE, PLAN_UPDATE, "body"));

	plan_add_recipe_step(p, "Dates", "shift_dates");
	plan_add_recipe_step(p, "Text", "replace_text");
	p->has_rsteps = 1;
	plan_add(p, "Dates", "4821", RES_ASSIGNMENT, "7101", NULL, "Lab 1", PLAN_UPDATE, "due_at",
		 cJSON_CreateString("2025-09-06T03:59:59Z"), cJSON_CreateString("2026-01-24T04:59:59Z"));
	c = plan_add(p, "Dates", "4821", RES_PAGE, "73", NULL, "Syllabus", PLAN_UPDATE, "title", cJSON_CreateString("a"),
		     cJSON_CreateString("b"));
	plan_change_add_step(c, "Text");
	plan_finish(p);
	assert_int_equal(plan_check_fields(p, "p.json", &err), ERR_CORRUPT);
	assert_string_equal(err.msg, "p.json: change 2 (course 4821, page 73, title): step 'Dates' is a shift_dates "
			    "step, which cannot change title; nothing was changed");
	plan_free(p);

	p = plan_new();
	plan_add_recipe_step(p, "Dates", "shift_dates");
	p->has_rsteps = 1;
	plan_add(p, "Dates", "4821", RES_ASSIGNMENT, "7101", NULL, "Lab 1", PLAN_UPDATE, "points_possible",
		 cJSON_CreateNumber(10), cJSON_CreateNumber(100));
	plan_finish(p);
	err_clear(&err);
	assert_int_equal(plan_check_fields(p, "p.json", &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "course 4821, assignment 7101, points_possible"));
	plan_free(p);

	/* a step the recipe does not have; a create with a field no step gives */
	p = plan_new();
	plan_add_recipe_step(p, "Pages", "pages");
	p->has_rsteps = 1;
	plan_add(p, "Other", "4821", RES_PAGE, "73", NULL, "Syllabus", PLAN_UPDATE, "title", cJSON_CreateString("a"),
		 cJSON_CreateString("b"));
	plan_finish(p);
	err_clear(&err);
	assert_int_equal(plan_check_fields(p, "p.json", &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "names step 'Other', which is not a step of the plan's recipe"));
	plan_free(p);
	p = plan_new();
	plan_add_recipe_step(p, "Pages", "pages");
	p->has_rsteps = 1;
	plan_add(p, "Pages", "4821", RES_PAGE, "new:1", NULL, "P", PLAN_CREATE, NULL, cJSON_CreateNull(),
		 cJSON_Parse("{\"url\": \"p\", \"title\": \"P\", \"body\": \"\", \"lock_at\": \"2026-01-01T00:00:00Z\"}"));
	plan_finish(p);
	err_clear(&err);
	assert_int_equal(plan_check_fields(p, "p.json", &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "course 4821, page new:1, lock_at"));
	plan_free(p);
}

/* recipe.c's actions[] is the one table of actions: every row can be planned (its step and the kinds
 * it reads) and is found by its name. */
static void test_every_action_has_a_step(void **state)
{
	const struct recipe_action *const *a;
	size_t n, i;

	(void)state;
	a = recipe_actions(&n);
	assert_true(n >= 4);
	for (i = 0; i < n; i++) {
		assert_non_null(a[i]->parse);
		if (!a[i]->plan || !a[i]->needs)
			fail_msg("action '%s' has no step", a[i]->name);
		assert_ptr_equal(recipe_action_find(a[i]->name), a[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_records_before_and_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_steps_merge_and_name_both, setup, teardown),
		cmocka_unit_test_setup_teardown(test_back_to_start_is_no_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blueprint_lock_is_a_skip, setup, teardown),
		cmocka_unit_test(test_blueprint_categories_of_today),
		cmocka_unit_test_setup_teardown(test_create_folds_later_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_carries_original_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_item, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_module_takes_its_items, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_is_course_then_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_round_trip_and_mode, setup, teardown),
		cmocka_unit_test(test_damaged_plan_is_refused),
		cmocka_unit_test(test_blackouts_round_trip),
		cmocka_unit_test(test_dates_parse),
		cmocka_unit_test(test_dates_local_across_dst),
		cmocka_unit_test(test_dates_from_local_gap_and_overlap),
		cmocka_unit_test(test_step_date_utc),
		cmocka_unit_test(test_drop_course_and_failed_courses),
		cmocka_unit_test(test_course_lookup),
		cmocka_unit_test(test_canonical_json),
		cmocka_unit_test_setup_teardown(test_digest_stable_and_sensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_print_change_by_change_is_the_documents_bytes, setup, teardown),
		cmocka_unit_test(test_spilled_plan_is_the_same_plan),
		cmocka_unit_test(test_spilled_plan_text_rendered_as_made),
		cmocka_unit_test(test_spilled_plan_with_empty_courses),
		cmocka_unit_test(test_field_table_holds_what_steps_make),
		cmocka_unit_test(test_field_table_refuses),
		cmocka_unit_test(test_every_action_has_a_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/unit-step-pages.c -- the `pages` and `replace_text` steps (runner/step_pages.c,
 * runner/step_replace_text.c) over a hand-built course.
 *
 * Each test loads a real recipe (recipe_load_mem, named DIR/t.yaml so that body_file: resolves in a
 * temporary directory holding the files), runs its steps in order on a working copy of the course
 * through a plan, finishes the plan and checks the changes (op, field, before, after, steps, notes)
 * and the skips (field, reason) exactly.
 *
 * pages: every where key, every set key, replace, body_file (HTML, Markdown rendered, a body that
 * already shows the file after Canvas's rewrites), create (also from Markdown), the front
 * page rules, Blueprint locks, missing slugs, two steps on one body merging into one change.
 * replace_text: every kind of `in`, fields [body, title], where per kind (and the syllabus left out
 * by any condition), notes with counts, null fields, a title emptied, and the quiz/discussion and
 * assignment mirroring rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "plan.h"
#include "recipe.h"
#include "recipe_pages.h"
#include "recipe_replace_text.h"
#include "step.h"
#include "xalloc.h"

static const char HEAD[] = "version: 1\ncourses: [4821]\nsteps:\n";

/* The course, in seed format, written with ' for " (none of its strings holds a quote). */
static const char COURSE[] =
	"{'id': 4821, 'name': 'Physics I', 'course_code': 'PHYS 101', 'time_zone': 'America/New_York',"
	" 'syllabus_body': '<p>Zoom: https://zoom.us/j/123456</p>',"
	" 'pages': ["
	"  {'page_id': 33001, 'url': 'home', 'title': 'Home', 'body': '<h1>PHYS 101</h1><p>Welcome to Fall 2025.</p>',"
	"   'published': true, 'front_page': true, 'editing_roles': 'teachers', 'todo_date': null,"
	"   'publish_at': null},"
	"  {'page_id': 33017, 'url': 'syllabus-policies', 'title': 'Syllabus and policies',"
	"   'body': '<p>Fall 2025 rules. Late in Fall 2025 loses 10%.</p><p>Zoom: https://zoom.us/j/123456</p>',"
	"   'published': true, 'front_page': false, 'editing_roles': 'teachers',"
	"   'todo_date': '2026-01-17T00:00:00.000Z', 'publish_at': null},"
	"  {'page_id': 33018, 'url': 'week-1-notes', 'title': 'Week 1 notes', 'body': null, 'published': true,"
	"   'front_page': false, 'editing_roles': 'teachers', 'todo_date': null,"
	"   'publish_at': '2025-09-01T04:00:00Z'},"
	"  {'page_id': 33019, 'url': 'draft-notes', 'title': 'Draft notes', 'body': '<p>Fall 2025 draft</p>',"
	"   'published': false, 'front_page': false, 'editing_roles': 'teachers', 'todo_date': null,"
	"   'publish_at': null},"
	"  {'page_id': 33020, 'url': 'blueprint-page', 'title': 'Blueprint page', 'body': '<p>Fall 2025</p>',"
	"   'published': true, 'front_page': false, 'editing_roles': 'teachers',"
	"   'restricted_by_master_course': true, 'master_course_restrictions': {'content': true}}],"
	" 'assignments': ["
	"  {'id': 90212, 'name': 'Problem Set 1', 'description': '<p>Zoom help: https://zoom.us/j/123456</p>',"
	"   'published': true},"
	"  {'id': 90213, 'name': 'Problem Set 2', 'description': null, 'published': false},"
	"  {'id': 90240, 'name': 'Quiz 2', 'description': '<p>Chapters 2-3. Zoom: https://zoom.us/j/123456</p>',"
	"   'quiz_id': 1502, 'published': true},"
	"  {'id': 90230, 'name': 'Week 4 discussion', 'description': '<p>Zoom: https://zoom.us/j/123456</p>',"
	"   'discussion_topic_id': 61007, 'published': true}],"
	" 'discussion_topics': ["
	"  {'id': 61007, 'title': 'Week 4 discussion', 'message': '<p>Zoom: https://zoom.us/j/123456</p>',"
	"   'assignment_id': 90230, 'published': true},"
	"  {'id': 61008, 'title': 'Introduce yourself',"
	"   'message': '<p>Zoom: https://zoom.us/j/123456 or https://zoom.us/j/123456</p>', 'published': true}],"
	" 'announcements': ["
	"  {'id': 61090, 'title': 'Welcome', 'message': '<p>Zoom: https://zoom.us/j/123456</p>', 'published': true}],"
	" 'quizzes': ["
	"  {'id': 1502, 'title': 'Quiz 2', 'description': '<p>Chapters 2-3. Zoom: https://zoom.us/j/123456</p>',"
	"   'assignment_id': 90240, 'published': true},"
	"  {'id': 1503, 'title': 'Practice quiz', 'description': '<p>Warm-up. Zoom: https://zoom.us/j/123456</p>',"
	"   'published': false}]}";

static char dir[64];

struct fx {
	struct plan *p;
	cJSON *course;
	struct step_ctx cx;
	struct err err;
};

static void write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/unit-step-pages-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	write_file("welcome.html", "<h1>Welcome</h1>\n<p>caf\xc3\xa9 &amp; more</p>");
	write_file("notes.md", "# Notes\n\n*hello*\n");
	write_file("links.md", "# Links\n\nSee [the syllabus](/courses/4821/pages/syllabus).\n");
	return 0;
}

static int group_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *json = xstrdup(COURSE), *c;

	for (c = json; *c; c++)
		if (*c == '\'')
			*c = '"';
	f->course = cJSON_Parse(json);
	free(json);
	assert_non_null(f->course);
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

/* Load HEAD + steps and run every step in order; then finish the plan. Returns the first step's
 * error (-1, f->err set) or 0. */
static int run(struct fx *f, const char *steps)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;
	char *text = xasprintf("%s%s", HEAD, steps), *name = xasprintf("%s/t.yaml", dir);
	size_t i;
	int rc = 0;

	if (recipe_load_mem(&r, name, text, strlen(text), NULL, &d)) {
		diag_print(&d, stderr);
		fail_msg("the recipe does not load:\n%s", steps);
	}
	for (i = 0; i < r->nsteps && !rc; i++) {
		f->cx.step = r->steps[i].name;
		if (!strcmp(r->steps[i].action->name, "pages"))
			rc = step_pages(&f->cx, r->steps[i].data, &f->err);
		else if (!strcmp(r->steps[i].action->name, "replace_text"))
			rc = step_replace_text(&f->cx, r->steps[i].data, &f->err);
		else
			fail_msg("unexpected action %s", r->steps[i].action->name);
	}
	f->cx.step = NULL;
	plan_finish(f->p);
	recipe_free(r);
	diag_release(&d);
	free(text);
	free(name);
	return rc;
}

/* The change of (kind, id, field) (field NULL: a create), or NULL. */
static const struct plan_change *chg(struct fx *f, enum resource_kind kind, const char *id, const char *field)
{
	size_t i;

	for (i = 0; i < f->p->nchanges; i++) {
		const struct plan_change *c = &f->p->changes[i];

		if (c->kind == kind && !strcmp(c->id, id) &&
		    (field ? c->field && !strcmp(c->field, field) : !c->field))
			return c;
	}
	return NULL;
}

static void assert_json(const cJSON *v, const char *want)
{
	char *s = cJSON_PrintUnformatted(v);

	assert_string_equal(s, want);
	free(s);
}

/* The change exists, with these before/after (JSON text) and note (NULL: none). */
static void assert_change(struct fx *f, enum resource_kind kind, const char *id, const char *field,
			  const char *before, const char *after, const char *note)
{
	const struct plan_change *c = chg(f, kind, id, field);

	if (!c)
		fail_msg("no change of %s %s %s", resource_get(kind)->name, id, field ? field : "(create)");
	assert_json(c->before, before);
	assert_json(c->after, after);
	if (note)
		assert_string_equal(c->note ? c->note : "(none)", note);
	else
		assert_null(c->note);
}

static void assert_skip(struct fx *f, size_t i, enum resource_kind kind, const char *id, const char *name,
			const char *field, const char *reason)
{
	const struct plan_skip *s;

	assert_true(i < f->p->nskipped);
	s = &f->p->skipped[i];
	assert_int_equal(s->kind, kind);
	if (id)
		assert_string_equal(s->id ? s->id : "(none)", id);
	else
		assert_null(s->id);
	assert_string_equal(s->name ? s->name : "(none)", name);
	if (field)
		assert_string_equal(s->field ? s->field : "(none)", field);
	else
		assert_null(s->field);
	assert_string_equal(s->reason, reason);
}

static cJSON *page_by_url(struct fx *f, const char *url)
{
	cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(f->course, "pages"))
		if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "url")), url))
			return p;
	return NULL;
}

/* ================================================================ pages: where */

static void test_where_url(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: [draft-notes, home]}, set: {editing_roles: members}}\n"), 0);
	assert_int_equal(f->p->nchanges, 2);
	assert_change(f, RES_PAGE, "33001", "editing_roles", "\"teachers\"", "\"members\"", NULL);
	assert_change(f, RES_PAGE, "33019", "editing_roles", "\"teachers\"", "\"members\"", NULL);
	/* the order of the plan is the order of the course */
	assert_string_equal(f->p->changes[0].id, "33001");
	assert_int_equal(f->p->nskipped, 0);
}

static void test_where_url_is_exact(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: syllabus}, set: {published: false}}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_PAGE, NULL, "syllabus", NULL, "page 'syllabus' does not exist");
}

static void test_where_title(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {title: 'notes$'}, set: {editing_roles: [teachers, students]}}\n"),
			 0);
	assert_int_equal(f->p->nchanges, 2);
	assert_change(f, RES_PAGE, "33018", "editing_roles", "\"teachers\"", "\"teachers,students\"", NULL);
	assert_change(f, RES_PAGE, "33019", "editing_roles", "\"teachers\"", "\"teachers,students\"", NULL);
}

static void test_where_id(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {id: [33019, 33017, 99]}, set: {editing_roles: public}}\n"), 0);
	assert_int_equal(f->p->nchanges, 2);
	assert_non_null(chg(f, RES_PAGE, "33017", "editing_roles"));
	assert_non_null(chg(f, RES_PAGE, "33019", "editing_roles"));
	/* an id that no page has is not a missing slug */
	assert_int_equal(f->p->nskipped, 0);
}

static void test_where_published(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {published: false}, set: {editing_roles: public}}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_non_null(chg(f, RES_PAGE, "33019", "editing_roles"));
}

static void test_where_conditions_all_hold(void **state)
{
	struct fx *f = *state;

	/* title matches three pages; published: true leaves two; url one of them */
	assert_int_equal(run(f, "  - pages: {where: {title: '^(Home|Draft|Week)', published: true, "
			     "url: [week-1-notes, draft-notes]}, set: {editing_roles: public}}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_non_null(chg(f, RES_PAGE, "33018", "editing_roles"));
	/* draft-notes exists (only the other conditions leave it out): not missing */
	assert_int_equal(f->p->nskipped, 0);
}

static void test_no_where_is_every_page(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {set: {editing_roles: members}}\n"), 0);
	assert_int_equal(f->p->nchanges, 5);
	assert_non_null(chg(f, RES_PAGE, "33001", "editing_roles"));
	/* the Blueprint page's settings column is not locked (only content is) */
	assert_non_null(chg(f, RES_PAGE, "33020", "editing_roles"));
}

/* ================================================================ pages: set */

static void test_set_title_notes_the_url(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: syllabus-policies}, set: {title: Course Policies}}\n"), 0);
	assert_int_equal(f->p->nchanges, 2);
	assert_change(f, RES_PAGE, "33017", "title", "\"Syllabus and policies\"", "\"Course Policies\"", NULL);
	/* Canvas makes the url from the title; this page's url was not its title's, so a rollback
	 * cannot bring it back, and the note says so */
	assert_change(f, RES_PAGE, "33017", "url", "\"syllabus-policies\"", "\"course-policies\"",
		      "Canvas makes the url from the title; a rollback restores the title, and Canvas will then "
		      "make 'syllabus-and-policies', not 'syllabus-policies'");
	/* the working copy moves to the new url: later steps find the page where Canvas will have it */
	assert_non_null(page_by_url(f, "course-policies"));
	assert_null(page_by_url(f, "syllabus-policies"));
}

static void test_set_title_url_collision(void **state)
{
	struct fx *f = *state;

	/* "Syllabus Policies" makes syllabus-policies, which page 33017 has: Canvas adds -2 */
	assert_int_equal(run(f, "  - pages: {where: {url: draft-notes}, set: {title: Syllabus Policies}}\n"), 0);
	assert_change(f, RES_PAGE, "33019", "url", "\"draft-notes\"", "\"syllabus-policies-2\"",
		      "Canvas makes the url from the title");
}

/* step_set plans no field Canvas's API does not write: a skip with the reason (issue 15). */
static void test_unwritable_field_is_skipped(void **state)
{
	struct fx *f = *state;
	struct step_ctx cx = { f->p, "direct", NULL, "4821", NULL, 0 };
	cJSON *course = cJSON_Parse("{\"discussion_topics\": [{\"id\": 7, \"title\": \"T\", \"unlock_at\": null}]}");
	cJSON *t;

	cx.course = course;
	t = cJSON_GetArrayItem(step_list(&cx, RES_DISCUSSION_TOPIC), 0);
	assert_int_equal(step_set_string(&cx, RES_DISCUSSION_TOPIC, t, "unlock_at", "2026-01-10T05:00:00Z", NULL), -1);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 1);
	assert_string_equal(f->p->skipped[0].field, "unlock_at");
	assert_string_equal(f->p->skipped[0].reason, "Canvas's API does not write a discussion topic's unlock_at");
	/* a writable one is planned */
	assert_int_equal(step_set_string(&cx, RES_DISCUSSION_TOPIC, t, "lock_at", "2026-01-10T05:00:00Z", NULL), 1);
	assert_int_equal(f->p->nchanges, 1);
	cJSON_Delete(course);
}

static void test_set_title_unpredictable_url(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: draft-notes}, set: {title: \"\xce\x9d\xce\xad\xce\xb1\"}}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_int_equal(f->p->nskipped, 1);
	assert_string_equal(f->p->skipped[0].field, "url");
}

static void test_set_published(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: draft-notes}, set: {published: true}}\n"
			     "  - pages: {where: {url: [syllabus-policies, home]}, set: {published: false}}\n"), 0);
	assert_int_equal(f->p->nchanges, 2);
	assert_change(f, RES_PAGE, "33019", "published", "false", "true", NULL);
	assert_change(f, RES_PAGE, "33017", "published", "true", "false", NULL);
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_PAGE, "33001", "Home", "published", "the front page cannot be unpublished");
}

static void test_set_front_page_moves_it(void **state)
{
	struct fx *f = *state;
	const struct plan_change *c;

	assert_int_equal(run(f, "  - name: new front\n"
			     "    pages: {where: {url: syllabus-policies}, set: {front_page: true}}\n"), 0);
	assert_int_equal(f->p->nchanges, 2);
	assert_change(f, RES_PAGE, "33017", "front_page", "false", "true", NULL);
	assert_change(f, RES_PAGE, "33001", "front_page", "true", "false",
		      "Canvas moves the front page to 'syllabus-policies'");
	c = chg(f, RES_PAGE, "33001", "front_page");
	assert_int_equal(c->nsteps, 1);
	assert_string_equal(c->steps[0], "new front");
	/* and the old front page may now be unpublished by a later step */
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(page_by_url(f, "home"), "front_page")));
}

static void test_front_page_already(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: home}, set: {front_page: true}}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 0);
}

static void test_front_page_must_be_published(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: draft-notes}, set: {front_page: true}}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_PAGE, "33019", "Draft notes", "front_page",
		    "an unpublished page cannot be the front page; add published: true to make it the front page");
}

static void test_front_page_published_by_the_same_step(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: draft-notes}, set: {published: true, front_page: true}}\n"),
			 0);
	assert_int_equal(f->p->nchanges, 3);
	assert_change(f, RES_PAGE, "33019", "published", "false", "true", NULL);
	assert_change(f, RES_PAGE, "33019", "front_page", "false", "true", NULL);
	assert_change(f, RES_PAGE, "33001", "front_page", "true", "false", "Canvas moves the front page to 'draft-notes'");
}

static void test_front_page_on_several_pages(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {title: '^(Syllabus|Week)'}, set: {front_page: true}}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 2);
	assert_skip(f, 0, RES_PAGE, "33017", "Syllabus and policies", "front_page",
		    "'front_page: true' selects 2 pages and only one can be the front page; narrow 'where' to one page");
	assert_skip(f, 1, RES_PAGE, "33018", "Week 1 notes", "front_page",
		    "'front_page: true' selects 2 pages and only one can be the front page; narrow 'where' to one page");
}

static void test_set_dates(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages:\n"
			     "      where: {url: home}\n"
			     "      set: {todo_date: 2026-01-16T17:00:00-07:00, publish_at: 2026-01-12}\n"
			     "  - pages:\n"
			     "      where: {url: week-1-notes}\n"
			     "      set: {todo_date: '2026-07-01T09:30:00', publish_at: null}\n"
			     "  - pages:\n"
			     "      where: {url: syllabus-policies}\n"
			     "      set: {todo_date: 2026-01-17T00:00:00Z, publish_at: null}\n"), 0);
	assert_int_equal(f->p->nchanges, 4);
	assert_change(f, RES_PAGE, "33001", "todo_date", "null", "\"2026-01-17T00:00:00Z\"", NULL);
	/* a date alone is local midnight in the course zone (EST in January) */
	assert_change(f, RES_PAGE, "33001", "publish_at", "null", "\"2026-01-12T05:00:00Z\"", NULL);
	/* a date-time without offset is local time (EDT in July) */
	assert_change(f, RES_PAGE, "33018", "todo_date", "null", "\"2026-07-01T13:30:00Z\"", NULL);
	assert_change(f, RES_PAGE, "33018", "publish_at", "\"2025-09-01T04:00:00Z\"", "null", NULL);
	/* the same instant written with a fraction, and null on null: no change */
	assert_null(chg(f, RES_PAGE, "33017", "todo_date"));
	assert_null(chg(f, RES_PAGE, "33017", "publish_at"));
}

static void test_local_date_without_zone_is_an_error(void **state)
{
	struct fx *f = *state;

	f->cx.time_zone = NULL;
	assert_int_equal(run(f, "  - pages: {where: {url: home}, set: {todo_date: 2026-01-16}}\n"), -1);
	assert_non_null(strstr(f->err.msg, "t.yaml:4:"));
	assert_non_null(strstr(f->err.msg, "the course has no time zone"));
	assert_non_null(strstr(f->err.msg, "(course 4821, pages.set.todo_date)"));
}

static void test_set_every_key_at_once(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages:\n"
			     "      where: {url: draft-notes}\n"
			     "      set: {title: Notes, published: true, front_page: true, editing_roles: 'students, teachers',"
			     " todo_date: 2026-01-16T12:00:00Z, publish_at: 2026-01-10T12:00:00Z}\n"), 0);
	assert_int_equal(f->p->nchanges, 8);
	assert_change(f, RES_PAGE, "33019", "title", "\"Draft notes\"", "\"Notes\"", NULL);
	assert_change(f, RES_PAGE, "33019", "url", "\"draft-notes\"", "\"notes\"", "Canvas makes the url from the title");
	assert_change(f, RES_PAGE, "33019", "published", "false", "true", NULL);
	assert_change(f, RES_PAGE, "33019", "front_page", "false", "true", NULL);
	assert_change(f, RES_PAGE, "33019", "editing_roles", "\"teachers\"", "\"teachers,students\"", NULL);
	assert_change(f, RES_PAGE, "33019", "todo_date", "null", "\"2026-01-16T12:00:00Z\"", NULL);
	assert_change(f, RES_PAGE, "33019", "publish_at", "null", "\"2026-01-10T12:00:00Z\"", NULL);
	assert_change(f, RES_PAGE, "33001", "front_page", "true", "false", "Canvas moves the front page to 'notes'");
}

/* ================================================================ pages: bodies */

static void test_replace_counts_matches(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages:\n"
			     "      replace: [{pattern: 'Fall (\\d+)', with: 'Spring $1'}]\n"), 0);
	assert_int_equal(f->p->nchanges, 3);
	assert_change(f, RES_PAGE, "33001", "body", "\"<h1>PHYS 101</h1><p>Welcome to Fall 2025.</p>\"",
		      "\"<h1>PHYS 101</h1><p>Welcome to Spring 2025.</p>\"", "1 match");
	assert_change(f, RES_PAGE, "33017", "body",
		      "\"<p>Fall 2025 rules. Late in Fall 2025 loses 10%.</p><p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Spring 2025 rules. Late in Spring 2025 loses 10%.</p><p>Zoom: https://zoom.us/j/123456</p>\"",
		      "2 matches");
	assert_change(f, RES_PAGE, "33019", "body", "\"<p>Fall 2025 draft</p>\"", "\"<p>Spring 2025 draft</p>\"",
		      "1 match");
	/* the null body has nothing to replace; the Blueprint page's body is locked */
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_PAGE, "33020", "Blueprint page", "body", "locked by the Blueprint course (content)");
}

static void test_replace_no_match(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: home}, replace: [{pattern: Winter, with: Summer}]}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 0);
}

static void test_two_steps_on_one_body_merge(void **state)
{
	struct fx *f = *state;
	const struct plan_change *c;

	assert_int_equal(run(f, "  - name: term\n"
			     "    pages: {where: {url: home}, replace: [{pattern: Fall, with: Spring}]}\n"
			     "  - name: year\n"
			     "    pages: {where: {url: home}, replace: [{pattern: '20(\\d\\d)', with: '20$1 (was $1)'}, "
			     "{pattern: '2025 \\(was', with: '2026 (was'}]}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_change(f, RES_PAGE, "33001", "body", "\"<h1>PHYS 101</h1><p>Welcome to Fall 2025.</p>\"",
		      "\"<h1>PHYS 101</h1><p>Welcome to Spring 2026 (was 25).</p>\"", "1 match; 2 matches");
	c = chg(f, RES_PAGE, "33001", "body");
	assert_int_equal(c->nsteps, 2);
	assert_string_equal(c->steps[0], "term");
	assert_string_equal(c->steps[1], "year");
}

static void test_replace_error_names_the_page(void **state)
{
	struct fx *f = *state;
	char *body = xmalloc(30003);
	cJSON *home;

	memset(body, 'a', 30000);
	memcpy(body + 30000, "b!", 3);
	home = page_by_url(f, "home");
	cJSON_ReplaceItemInObject(home, "body", cJSON_CreateString(body));
	free(body);
	assert_int_equal(run(f, "  - pages: {replace: [{pattern: '(a+)+b$', with: x}]}\n"), -1);
	assert_int_equal(f->err.code, ERR_RECIPE);
	assert_non_null(strstr(f->err.msg, "failed on page 'home' body in course 4821: it backtracks"));
}

static void test_body_file(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: [home, blueprint-page]}, body_file: welcome.html}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_change(f, RES_PAGE, "33001", "body", "\"<h1>PHYS 101</h1><p>Welcome to Fall 2025.</p>\"",
		      "\"<h1>Welcome</h1>\\n<p>caf\xc3\xa9 &amp; more</p>\"", "the whole body from 'welcome.html'");
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_PAGE, "33020", "Blueprint page", "body", "locked by the Blueprint course (content)");
}

static void test_body_file_markdown(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: home}, body_file: notes.md, set: {editing_roles: members}}\n"),
			 0);
	assert_int_equal(f->p->nchanges, 2);
	assert_change(f, RES_PAGE, "33001", "body", "\"<h1>PHYS 101</h1><p>Welcome to Fall 2025.</p>\"",
		      "\"<h1>Notes</h1>\\n<p><em>hello</em></p>\\n\"",
		      "the whole body from 'notes.md', Markdown rendered to HTML");
	assert_non_null(chg(f, RES_PAGE, "33001", "editing_roles"));
	assert_int_equal(f->p->nskipped, 0);
}

/* A body that already shows the file, as Canvas gives it back (root-relative links made absolute,
 * white space re-flowed), is no change; a real difference still is. */
static void test_body_file_same_after_canvas_rewrites(void **state)
{
	struct fx *f = *state;
	cJSON *home = page_by_url(f, "home");

	f->p->base_url = xstrdup("https://canvas.example.edu");
	cJSON_ReplaceItemInObject(home, "body", cJSON_CreateString(
		"<h1>Links</h1>\n<p>See <a href=\"https://canvas.example.edu/courses/4821/pages/syllabus\">the\n"
		"syllabus</a>.</p>\n"));
	assert_int_equal(run(f, "  - pages: {where: {url: home}, body_file: links.md}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 0);

	/* another origin is not Canvas's rewrite: the body is planned */
	cJSON_ReplaceItemInObject(home, "body", cJSON_CreateString(
		"<h1>Links</h1>\n<p>See <a href=\"https://other.example.edu/courses/4821/pages/syllabus\">the "
		"syllabus</a>.</p>\n"));
	assert_int_equal(run(f, "  - pages: {where: {url: home}, body_file: links.md}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_non_null(chg(f, RES_PAGE, "33001", "body"));
}

/* ================================================================ pages: create */

static void test_create(void **state)
{
	struct fx *f = *state;
	const struct plan_change *c;

	assert_int_equal(run(f, "  - name: welcome\n"
			     "    pages:\n"
			     "      where: {url: welcome-to-spring-2026}\n"
			     "      create: true\n"
			     "      body_file: welcome.html\n"
			     "      set: {title: Welcome to Spring 2026, published: true, front_page: true,"
			     " editing_roles: teachers, todo_date: 2026-01-20}\n"
			     "  - name: then\n"
			     "    pages: {where: {url: welcome-to-spring-2026}, replace: [{pattern: Welcome, with: Hello}]}\n"),
			 0);
	assert_int_equal(f->p->nchanges, 2);
	c = chg(f, RES_PAGE, "new:1", NULL);
	assert_non_null(c);
	assert_int_equal(c->op, PLAN_CREATE);
	assert_string_equal(c->name, "Welcome to Spring 2026");
	assert_json(c->before, "null");
	/* the later step's replacement is folded into the create */
	assert_json(c->after, "{\"url\":\"welcome-to-spring-2026\",\"title\":\"Welcome to Spring 2026\","
		    "\"body\":\"<h1>Hello</h1>\\n<p>caf\xc3\xa9 &amp; more</p>\",\"published\":true,\"front_page\":true,"
		    "\"editing_roles\":\"teachers\",\"todo_date\":\"2026-01-20T05:00:00Z\"}");
	assert_int_equal(c->nsteps, 2);
	assert_change(f, RES_PAGE, "33001", "front_page", "true", "false",
		      "Canvas moves the front page to 'welcome-to-spring-2026'");
	assert_int_equal(f->p->nskipped, 0);
}

static void test_create_defaults(void **state)
{
	struct fx *f = *state;
	const struct plan_change *c;

	/* no title: the slug read as words; no published: false, so it cannot be the front page */
	assert_int_equal(run(f, "  - pages: {where: {url: office-hours-2026}, create: true, body_file: welcome.html,"
			     " set: {front_page: true}}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	c = chg(f, RES_PAGE, "new:1", NULL);
	assert_non_null(c);
	assert_json(c->after, "{\"url\":\"office-hours-2026\",\"title\":\"Office Hours 2026\","
		    "\"body\":\"<h1>Welcome</h1>\\n<p>caf\xc3\xa9 &amp; more</p>\",\"published\":false}");
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_PAGE, "new:1", "Office Hours 2026", "front_page",
		    "an unpublished page cannot be the front page; add published: true to make it the front page");
}

static void test_create_title_only(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: faq}, create: true, set: {title: FAQ}}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_json(chg(f, RES_PAGE, "new:1", NULL)->after,
		    "{\"url\":\"faq\",\"title\":\"FAQ\",\"body\":\"\",\"published\":false}");
}

static void test_create_existing_page_is_edited(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: draft-notes}, create: true, set: {title: Draft Notes}}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_change(f, RES_PAGE, "33019", "title", "\"Draft notes\"", "\"Draft Notes\"", NULL);
}

static void test_create_from_markdown(void **state)
{
	struct fx *f = *state;
	const struct plan_change *c;

	assert_int_equal(run(f, "  - pages: {where: {url: notes}, create: true, body_file: notes.md}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_int_equal(f->p->nskipped, 0);
	c = chg(f, RES_PAGE, "new:1", NULL);
	assert_non_null(c);
	assert_json(c->after, "{\"url\":\"notes\",\"title\":\"Notes\","
		    "\"body\":\"<h1>Notes</h1>\\n<p><em>hello</em></p>\\n\",\"published\":false}");
	assert_non_null(page_by_url(f, "notes"));
}

static void test_missing_slugs_in_recipe_order(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - pages: {where: {url: [zeta, home, alpha, zeta]}, set: {published: true}}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 2);
	assert_skip(f, 0, RES_PAGE, NULL, "zeta", NULL, "page 'zeta' does not exist");
	assert_skip(f, 1, RES_PAGE, NULL, "alpha", NULL, "page 'alpha' does not exist");
}

static void test_pages_needs(void **state)
{
	(void)state;
	assert_int_equal(step_pages_needs(NULL), 1u << RES_PAGE);
}

/* ================================================================ replace_text */

#define ZOOM "  - replace_text: {pattern: 'zoom\\.us/j/123456', with: zoom.us/j/999, "

static void test_text_every_kind(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, ZOOM "in: [pages, assignments, syllabus, discussions, announcements, quizzes]}\n"),
			 0);
	/* the quiz's and the discussion's assignments are skipped: see the mirroring test */
	assert_int_equal(f->p->nchanges, 8);
	assert_change(f, RES_PAGE, "33017", "body",
		      "\"<p>Fall 2025 rules. Late in Fall 2025 loses 10%.</p><p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Fall 2025 rules. Late in Fall 2025 loses 10%.</p><p>Zoom: https://zoom.us/j/999</p>\"",
		      "1 match");
	assert_change(f, RES_ASSIGNMENT, "90212", "description", "\"<p>Zoom help: https://zoom.us/j/123456</p>\"",
		      "\"<p>Zoom help: https://zoom.us/j/999</p>\"", "1 match");
	assert_change(f, RES_COURSE, "4821", "syllabus_body", "\"<p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_change(f, RES_DISCUSSION_TOPIC, "61007", "message", "\"<p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_change(f, RES_DISCUSSION_TOPIC, "61008", "message",
		      "\"<p>Zoom: https://zoom.us/j/123456 or https://zoom.us/j/123456</p>\"",
		      "\"<p>Zoom: https://zoom.us/j/999 or https://zoom.us/j/999</p>\"", "2 matches");
	assert_change(f, RES_ANNOUNCEMENT, "61090", "message", "\"<p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_change(f, RES_QUIZ, "1502", "description", "\"<p>Chapters 2-3. Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Chapters 2-3. Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_change(f, RES_QUIZ, "1503", "description", "\"<p>Warm-up. Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Warm-up. Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_int_equal(f->p->nskipped, 2);
	/* the plan lists objects in the order of `in`'s kinds: pages, assignments, syllabus, ... */
	assert_int_equal(f->p->changes[0].kind, RES_PAGE);
	assert_int_equal(f->p->changes[1].kind, RES_ASSIGNMENT);
	assert_int_equal(f->p->changes[2].kind, RES_COURSE);
	assert_int_equal(f->p->changes[3].kind, RES_DISCUSSION_TOPIC);
	assert_int_equal(f->p->changes[5].kind, RES_ANNOUNCEMENT);
	assert_int_equal(f->p->changes[7].kind, RES_QUIZ);
}

static void test_text_one_kind(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, ZOOM "in: [announcements]}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	assert_change(f, RES_ANNOUNCEMENT, "61090", "message", "\"<p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_int_equal(f->p->nskipped, 0);
}

static void test_text_needs(void **state)
{
	struct rreplace_text t = { .in = RTEXT_PAGES | RTEXT_QUIZZES };

	(void)state;
	assert_int_equal(step_replace_text_needs(&t), (1u << RES_COURSE) | (1u << RES_PAGE) | (1u << RES_QUIZ));
	t.in = RTEXT_SYLLABUS;
	assert_int_equal(step_replace_text_needs(&t), 1u << RES_COURSE);
	t.in = RTEXT_ASSIGNMENTS | RTEXT_DISCUSSIONS | RTEXT_ANNOUNCEMENTS;
	assert_int_equal(step_replace_text_needs(&t), (1u << RES_COURSE) | (1u << RES_ASSIGNMENT) |
			 (1u << RES_DISCUSSION_TOPIC) | (1u << RES_ANNOUNCEMENT));
}

static void test_text_fields_body_and_title(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - replace_text: {in: [pages, assignments, syllabus, announcements], "
			     "pattern: '(?i)problem set|welcome|zoom', with: X, fields: [body, title]}\n"), 0);
	assert_change(f, RES_PAGE, "33001", "body", "\"<h1>PHYS 101</h1><p>Welcome to Fall 2025.</p>\"",
		      "\"<h1>PHYS 101</h1><p>X to Fall 2025.</p>\"", "1 match");
	assert_change(f, RES_ASSIGNMENT, "90212", "name", "\"Problem Set 1\"", "\"X 1\"", "1 match");
	assert_change(f, RES_ASSIGNMENT, "90212", "description", "\"<p>Zoom help: https://zoom.us/j/123456</p>\"",
		      "\"<p>X help: https://X.us/j/123456</p>\"", "2 matches");
	/* a null description is passed over; the name still changes */
	assert_change(f, RES_ASSIGNMENT, "90213", "name", "\"Problem Set 2\"", "\"X 2\"", "1 match");
	assert_null(chg(f, RES_ASSIGNMENT, "90213", "description"));
	assert_change(f, RES_COURSE, "4821", "syllabus_body", "\"<p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>X: https://X.us/j/123456</p>\"", "2 matches");
	assert_change(f, RES_ANNOUNCEMENT, "61090", "message", "\"<p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>X: https://X.us/j/123456</p>\"", "2 matches");
	assert_change(f, RES_ANNOUNCEMENT, "61090", "title", "\"Welcome\"", "\"X\"", "1 match");
	/* no quizzes in `in`: the quiz's assignment is an ordinary one */
	assert_change(f, RES_ASSIGNMENT, "90240", "description",
		      "\"<p>Chapters 2-3. Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Chapters 2-3. X: https://X.us/j/123456</p>\"", "2 matches");
	assert_int_equal(f->p->nchanges, 10);
	assert_int_equal(f->p->nskipped, 0);
}

static void test_text_title_only(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - replace_text: {in: [pages, syllabus, quizzes], pattern: notes, with: Notes, "
			     "flags: i, fields: [title]}\n"), 0);
	assert_int_equal(f->p->nchanges, 2);
	assert_change(f, RES_PAGE, "33018", "title", "\"Week 1 notes\"", "\"Week 1 Notes\"", "1 match");
	assert_change(f, RES_PAGE, "33019", "title", "\"Draft notes\"", "\"Draft Notes\"", "1 match");
}

static void test_text_title_emptied_is_skipped(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "  - replace_text: {in: [announcements], pattern: '^Welcome$', with: '', "
			     "fields: [title]}\n"), 0);
	assert_int_equal(f->p->nchanges, 0);
	assert_int_equal(f->p->nskipped, 1);
	assert_skip(f, 0, RES_ANNOUNCEMENT, "61090", "Welcome", "title",
		    "the replacements would leave the title empty, and Canvas requires one");
}

static void test_text_where(void **state)
{
	struct fx *f = *state;

	/* name regex on every kind's name field; the syllabus has no title and is left out */
	assert_int_equal(run(f, ZOOM "in: [pages, assignments, syllabus, discussions, quizzes], "
			     "where: {title: '^(Syllabus|Problem|Practice|Introduce)'}}\n"), 0);
	assert_int_equal(f->p->nchanges, 4);
	assert_non_null(chg(f, RES_PAGE, "33017", "body"));
	assert_non_null(chg(f, RES_ASSIGNMENT, "90212", "description"));
	assert_non_null(chg(f, RES_DISCUSSION_TOPIC, "61008", "message"));
	assert_non_null(chg(f, RES_QUIZ, "1503", "description"));
}

static void test_text_where_id_published_url(void **state)
{
	struct fx *f = *state;

	/* id: page_id for pages, id for the others */
	assert_int_equal(run(f, ZOOM "in: [pages, assignments, quizzes, syllabus], where: {id: [33017, 1503]}}\n"
			     ZOOM "in: [quizzes, announcements], where: {published: false}}\n"
			     ZOOM "in: [pages, assignments, discussions], where: {url: syllabus-policies}}\n"), 0);
	assert_int_equal(f->p->nchanges, 2);
	assert_change(f, RES_PAGE, "33017", "body",
		      "\"<p>Fall 2025 rules. Late in Fall 2025 loses 10%.</p><p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Fall 2025 rules. Late in Fall 2025 loses 10%.</p><p>Zoom: https://zoom.us/j/999</p>\"",
		      "1 match");
	/* the unpublished quiz, selected by id then by published: false; the second step finds nothing left */
	assert_change(f, RES_QUIZ, "1503", "description", "\"<p>Warm-up. Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Warm-up. Zoom: https://zoom.us/j/999</p>\"", "1 match");
	/* url leaves out every kind but pages */
	assert_null(chg(f, RES_ASSIGNMENT, "90212", "description"));
	assert_null(chg(f, RES_DISCUSSION_TOPIC, "61008", "message"));
	assert_null(chg(f, RES_COURSE, "4821", "syllabus_body"));
}

static void test_text_where_published_keeps_syllabus_out(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, ZOOM "in: [syllabus, assignments], where: {published: true}}\n"), 0);
	assert_null(chg(f, RES_COURSE, "4821", "syllabus_body"));
	assert_non_null(chg(f, RES_ASSIGNMENT, "90212", "description"));
}

static void test_text_quiz_wins_over_its_assignment(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, ZOOM "in: [assignments, quizzes, discussions], fields: [body, title]}\n"
			     "  - replace_text: {in: [quizzes, assignments], pattern: 'Quiz 2', with: 'Quiz 3', "
			     "fields: [title]}\n"), 0);
	assert_change(f, RES_QUIZ, "1502", "description", "\"<p>Chapters 2-3. Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Chapters 2-3. Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_change(f, RES_QUIZ, "1502", "title", "\"Quiz 2\"", "\"Quiz 3\"", "1 match");
	assert_change(f, RES_DISCUSSION_TOPIC, "61007", "message", "\"<p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_null(chg(f, RES_ASSIGNMENT, "90240", "description"));
	assert_null(chg(f, RES_ASSIGNMENT, "90240", "name"));
	assert_null(chg(f, RES_ASSIGNMENT, "90230", "description"));
	/* an ordinary assignment is edited */
	assert_non_null(chg(f, RES_ASSIGNMENT, "90212", "description"));
	assert_int_equal(f->p->nskipped, 3);
	assert_skip(f, 0, RES_ASSIGNMENT, "90240", "Quiz 2", "description",
		    "Canvas keeps this the same as quiz 'Quiz 2' (1502), which this step edits instead");
	assert_skip(f, 1, RES_ASSIGNMENT, "90230", "Week 4 discussion", "description",
		    "Canvas keeps this the same as discussion topic 'Week 4 discussion' (61007), which this step edits "
		    "instead");
	assert_skip(f, 2, RES_ASSIGNMENT, "90240", "Quiz 2", "name",
		    "Canvas keeps this the same as quiz 'Quiz 2' (1502), which this step edits instead");
}

static void test_text_assignment_alone_is_edited(void **state)
{
	struct fx *f = *state;

	/* in: [assignments] alone, or a where that leaves the quiz out: the assignment is the one edited */
	assert_int_equal(run(f, ZOOM "in: [assignments]}\n"
			     "  - replace_text: {in: [assignments, quizzes], pattern: 'Quiz 2', with: 'Quiz 3', "
			     "fields: [title], where: {id: 90240}}\n"), 0);
	assert_change(f, RES_ASSIGNMENT, "90240", "description",
		      "\"<p>Chapters 2-3. Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Chapters 2-3. Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_change(f, RES_ASSIGNMENT, "90230", "description", "\"<p>Zoom: https://zoom.us/j/123456</p>\"",
		      "\"<p>Zoom: https://zoom.us/j/999</p>\"", "1 match");
	assert_change(f, RES_ASSIGNMENT, "90240", "name", "\"Quiz 2\"", "\"Quiz 3\"", "1 match");
	assert_null(chg(f, RES_QUIZ, "1502", "title"));
	assert_int_equal(f->p->nskipped, 0);
}

static void test_text_merges_with_pages_step(void **state)
{
	struct fx *f = *state;
	const struct plan_change *c;

	assert_int_equal(run(f, "  - name: pages\n"
			     "    pages: {where: {url: syllabus-policies}, replace: [{pattern: Fall, with: Spring}]}\n"
			     "  - name: text\n"
			     "    replace_text: {pattern: 'zoom\\.us/j/123456', with: zoom.us/j/999, in: [pages], "
			     "where: {url: syllabus-policies}}\n"), 0);
	assert_int_equal(f->p->nchanges, 1);
	c = chg(f, RES_PAGE, "33017", "body");
	assert_json(c->after,
		    "\"<p>Spring 2025 rules. Late in Spring 2025 loses 10%.</p><p>Zoom: https://zoom.us/j/999</p>\"");
	assert_string_equal(c->note, "2 matches; 1 match");
	assert_int_equal(c->nsteps, 2);
	assert_string_equal(c->steps[0], "pages");
	assert_string_equal(c->steps[1], "text");
}

static void test_text_error_names_the_object(void **state)
{
	struct fx *f = *state;
	char *desc = xmalloc(30003);
	cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(f->course, "assignments"), 0);

	memset(desc, 'a', 30000);
	memcpy(desc + 30000, "b!", 3);
	cJSON_ReplaceItemInObject(a, "description", cJSON_CreateString(desc));
	free(desc);
	assert_int_equal(run(f, "  - replace_text: {in: [assignments], pattern: '(a+)+b$', with: x}\n"), -1);
	assert_non_null(strstr(f->err.msg, "failed on assignment 'Problem Set 1' (90212) description in course 4821"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_where_url),
		T(test_where_url_is_exact),
		T(test_where_title),
		T(test_where_id),
		T(test_where_published),
		T(test_where_conditions_all_hold),
		T(test_no_where_is_every_page),
		T(test_set_title_notes_the_url),
		T(test_set_title_url_collision),
		T(test_set_title_unpredictable_url),
		T(test_unwritable_field_is_skipped),
		T(test_set_published),
		T(test_set_front_page_moves_it),
		T(test_front_page_already),
		T(test_front_page_must_be_published),
		T(test_front_page_published_by_the_same_step),
		T(test_front_page_on_several_pages),
		T(test_set_dates),
		T(test_local_date_without_zone_is_an_error),
		T(test_set_every_key_at_once),
		T(test_replace_counts_matches),
		T(test_replace_no_match),
		T(test_two_steps_on_one_body_merge),
		T(test_replace_error_names_the_page),
		T(test_body_file),
		T(test_body_file_markdown),
		T(test_body_file_same_after_canvas_rewrites),
		T(test_create),
		T(test_create_defaults),
		T(test_create_title_only),
		T(test_create_existing_page_is_edited),
		T(test_create_from_markdown),
		T(test_missing_slugs_in_recipe_order),
		T(test_pages_needs),
		T(test_text_every_kind),
		T(test_text_one_kind),
		T(test_text_needs),
		T(test_text_fields_body_and_title),
		T(test_text_title_only),
		T(test_text_title_emptied_is_skipped),
		T(test_text_where),
		T(test_text_where_id_published_url),
		T(test_text_where_published_keeps_syllabus_out),
		T(test_text_quiz_wins_over_its_assignment),
		T(test_text_assignment_alone_is_edited),
		T(test_text_merges_with_pages_step),
		T(test_text_error_names_the_object),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

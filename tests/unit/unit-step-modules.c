/* tests/unit/unit-step-modules.c -- the `modules` step (runner/step_modules.c) on a hand-built course.
 *
 * Each test loads a recipe (the real parser, so the model is what users get), runs its steps in
 * order on one working copy and one plan, finishes the plan and asserts the exact changes: op,
 * object, field, before and after (as compact JSON), notes where they tell the user something,
 * the steps named, and the skips. The course below has four modules whose items link to
 * assignments, quizzes, discussions and pages, including two items of one assignment (Canvas keeps
 * them in step), an assignment with submissions (cannot be unpublished) and a Blueprint-locked one.
 * The last test runs a large course (2,000 modules x 5 items) through every phase, to keep the
 * step's lookups from growing quadratic (it reports the CPU time; it asserts no timing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "buf.h"
#include "plan.h"
#include "recipe.h"
#include "recipe_modules.h"
#include "step.h"
#include "xalloc.h"

/* JSON written with ' for " (no name below holds an apostrophe). */
static const char *course_text =
	"{'id': 4821, 'name': 'Physics', 'course_code': 'PHYS', 'time_zone': 'America/New_York',"
	" 'modules': ["
	"  {'id': 801, 'name': 'Start Here', 'position': 1, 'published': true, 'unlock_at': null,"
	"   'require_sequential_progress': false, 'prerequisite_module_ids': [], 'items': ["
	"    {'id': 1001, 'module_id': 801, 'title': 'Welcome', 'type': 'SubHeader',"
	"     'position': 1, 'indent': 0, 'published': true},"
	"    {'id': 1002, 'module_id': 801, 'title': 'Syllabus', 'type': 'Page', 'page_url': 'syllabus',"
	"     'position': 2, 'indent': 0, 'published': true,"
	"     'completion_requirement': {'type': 'must_view', 'completed': false}}]},"
	"  {'id': 802, 'name': 'Week 1', 'position': 2, 'published': false, 'unlock_at': null,"
	"   'require_sequential_progress': false, 'prerequisite_module_ids': [801], 'items': ["
	"    {'id': 1011, 'module_id': 802, 'title': 'Week 1 notes', 'type': 'Page',"
	"     'page_url': 'week-1-notes', 'position': 1, 'indent': 0, 'published': false},"
	"    {'id': 1012, 'module_id': 802, 'title': 'Essay 1', 'type': 'Assignment', 'content_id': 501,"
	"     'position': 2, 'indent': 0, 'published': false,"
	"     'completion_requirement': {'type': 'must_submit'}},"
	"    {'id': 1013, 'module_id': 802, 'title': 'Quiz 1', 'type': 'Quiz', 'content_id': 601,"
	"     'position': 3, 'indent': 0, 'published': false},"
	"    {'id': 1014, 'module_id': 802, 'title': 'Library', 'type': 'ExternalUrl',"
	"     'external_url': 'https://library.example.edu', 'position': 4, 'indent': 1,"
	"     'published': false}]},"
	"  {'id': 803, 'name': 'Week 2', 'position': 3, 'published': false,"
	"   'unlock_at': '2025-01-27T05:00:00Z', 'require_sequential_progress': false,"
	"   'prerequisite_module_ids': [802], 'items': ["
	"    {'id': 1021, 'module_id': 803, 'title': 'Introductions', 'type': 'Discussion',"
	"     'content_id': 701, 'position': 1, 'indent': 0, 'published': false},"
	"    {'id': 1022, 'module_id': 803, 'title': 'Essay 1', 'type': 'Assignment', 'content_id': 501,"
	"     'position': 2, 'indent': 0, 'published': false},"
	"    {'id': 1023, 'module_id': 803, 'title': 'handout.pdf', 'type': 'File', 'content_id': 901,"
	"     'position': 3, 'indent': 0, 'published': true},"
	"    {'id': 1024, 'module_id': 803, 'title': 'Essay 2', 'type': 'Assignment', 'content_id': 502,"
	"     'position': 4, 'indent': 0, 'published': true},"
	"    {'id': 1025, 'module_id': 803, 'title': 'Locked essay', 'type': 'Assignment',"
	"     'content_id': 503, 'position': 5, 'indent': 0, 'published': true}]},"
	"  {'id': 804, 'name': 'Sandbox', 'position': 4, 'published': false, 'unlock_at': null,"
	"   'require_sequential_progress': false, 'prerequisite_module_ids': [], 'items': ["
	"    {'id': 1031, 'module_id': 804, 'title': 'Scratch', 'type': 'SubHeader',"
	"     'position': 1, 'indent': 0, 'published': false}]}],"
	" 'assignments': ["
	"  {'id': 501, 'name': 'Essay 1', 'published': false, 'unpublishable': true},"
	"  {'id': 502, 'name': 'Essay 2', 'published': true, 'unpublishable': false},"
	"  {'id': 503, 'name': 'Locked essay', 'published': true, 'restricted_by_master_course': true,"
	"   'master_course_restrictions': {'content': true}}],"
	" 'quizzes': [{'id': 601, 'title': 'Quiz 1', 'published': false},"
	"  {'id': 602, 'title': 'Quiz 2', 'published': true}],"
	" 'discussion_topics': ["
	"  {'id': 701, 'title': 'Introductions', 'assignment_id': null, 'published': false},"
	"  {'id': 702, 'title': 'Graded talk', 'assignment_id': 555, 'published': true}],"
	" 'pages': ["
	"  {'page_id': 33001, 'url': 'home', 'title': 'Home', 'published': true, 'front_page': true},"
	"  {'page_id': 33002, 'url': 'syllabus', 'title': 'Syllabus', 'published': true,"
	"   'front_page': false},"
	"  {'page_id': 33003, 'url': 'week-1-notes', 'title': 'Week 1 notes', 'published': false,"
	"   'front_page': false},"
	"  {'page_id': 33004, 'url': 'week-2-notes', 'title': 'Week 2 notes', 'published': true,"
	"   'front_page': false}]}";

/* ---------------------------------------------------------------- harness */

#define MOD  RES_MODULE
#define ITEM RES_MODULE_ITEM

struct run {
	struct plan *p;
	cJSON *course;
	struct recipe *r;
	int rc;
	struct err err;
};

static cJSON *course_new(void)
{
	char *s = xstrdup(course_text), *c;
	cJSON *j;

	for (c = s; *c; c++)
		if (*c == '\'')
			*c = '"';
	j = cJSON_Parse(s);
	free(s);
	assert_non_null(j);
	return j;
}

/* Run the steps (YAML under `steps:`) on `course` (taken; NULL: the course above). */
static struct run *run_on(cJSON *course, const char *tz, const char *steps)
{
	struct run *x = xcalloc(1, sizeof(*x));
	struct diags d = DIAGS_INIT;
	char *text = xasprintf("version: 1\ncourses: [4821]\nsteps:\n%s", steps);
	struct step_ctx cx;
	size_t i;

	recipe_load_mem(&x->r, "t.yaml", text, strlen(text), NULL, &d);
	if (d.nerrors)
		diag_print(&d, stderr);
	assert_int_equal(d.nerrors, 0);
	diag_release(&d);
	free(text);
	x->course = course ? course : course_new();
	x->p = plan_new();
	plan_add_course(x->p, x->course, "4821");
	memset(&cx, 0, sizeof(cx));
	cx.plan = x->p;
	cx.course = x->course;
	cx.course_id = "4821";
	cx.time_zone = tz;
	for (i = 0; i < x->r->nsteps && !x->rc; i++) {
		assert_string_equal(x->r->steps[i].action->name, "modules");
		cx.step = x->r->steps[i].name;
		x->rc = step_modules(&cx, x->r->steps[i].data, &x->err);
	}
	plan_finish(x->p);
	return x;
}

static struct run *run(const char *steps)
{
	struct run *x = run_on(NULL, "America/New_York", steps);

	if (x->rc)
		fprintf(stderr, "step failed: %s\n", x->err.msg);
	assert_int_equal(x->rc, 0);
	return x;
}

static void run_free(struct run *x)
{
	plan_free(x->p);
	cJSON_Delete(x->course);
	recipe_free(x->r);
	free(x);
}

static const char *kind_str(enum resource_kind k)
{
	return resource_get(k)->name;
}

/* The change of (kind, id, field); field NULL: the create or delete. Fails the test when absent. */
static const struct plan_change *chg(const struct run *x, enum resource_kind kind, const char *id,
				     const char *field)
{
	size_t i;

	for (i = 0; i < x->p->nchanges; i++) {
		const struct plan_change *c = &x->p->changes[i];

		if (c->kind == kind && !strcmp(c->id, id) &&
		    (field ? c->field && !strcmp(c->field, field) : !c->field))
			return c;
	}
	fail_msg("no change of %s %s %s", kind_str(kind), id, field ? field : "(object)");
	return NULL;
}

static int has_chg(const struct run *x, enum resource_kind kind, const char *id, const char *field)
{
	size_t i;

	for (i = 0; i < x->p->nchanges; i++) {
		const struct plan_change *c = &x->p->changes[i];

		if (c->kind == kind && !strcmp(c->id, id) &&
		    (field ? c->field && !strcmp(c->field, field) : !c->field))
			return 1;
	}
	return 0;
}

/* want: compact JSON written with ' for " */
static void expect_json(const cJSON *v, const char *want)
{
	char *s = cJSON_PrintUnformatted(v), *w = xstrdup(want), *c;

	for (c = w; *c; c++)
		if (*c == '\'')
			*c = '"';
	if (strcmp(s, w))
		fail_msg("got %s, want %s", s, w);
	free(s);
	free(w);
}

#define ANY_NOTE ((const char *)1)

/* An update (or move) from `before` to `after` (compact JSON, ' for "); note: NULL for none, ANY_NOTE for
 * whatever, else a substring of it. */
static const struct plan_change *expect_update(const struct run *x, enum resource_kind kind, const char *id,
					       const char *field, const char *before, const char *after,
					       const char *note)
{
	const struct plan_change *c = chg(x, kind, id, field);

	assert_true(c->op == PLAN_UPDATE || c->op == PLAN_MOVE);
	expect_json(c->before, before);
	expect_json(c->after, after);
	if (note == ANY_NOTE)
		;
	else if (!note)
		assert_null(c->note);
	else if (!c->note || !strstr(c->note, note))
		fail_msg("%s %s %s: note '%s', want "
			"'%s'", kind_str(kind), id, field, c->note ? c->note : "(none)", note);
	return c;
}

static void expect_position(const struct run *x, enum resource_kind kind, const char *id, int before,
			    int after)
{
	char b[16], a[16];

	snprintf(b, sizeof(b), "%d", before);
	snprintf(a, sizeof(a), "%d", after);
	expect_update(x, kind, id, "position", b, a, ANY_NOTE);
}

static void expect_nchanges(const struct run *x, size_t n)
{
	size_t i;

	if (x->p->nchanges == n)
		return;
	for (i = 0; i < x->p->nchanges; i++) {
		const struct plan_change *c = &x->p->changes[i];
		char *b = cJSON_PrintUnformatted(c->before), *a = cJSON_PrintUnformatted(c->after);

		fprintf(stderr, "  %s %s %s %s: %s -> %s "
			"[%s]\n", plan_op_name(c->op), kind_str(c->kind), c->id,
			c->field ? c->field : "-", b, a, c->note ? c->note : "");
		free(b);
		free(a);
	}
	fail_msg("%zu changes, want %zu", x->p->nchanges, n);
}

static void expect_skip(const struct run *x, size_t i, enum resource_kind kind, const char *name,
			const char *field, const char *reason)
{
	const struct plan_skip *s;

	assert_true(i < x->p->nskipped);
	s = &x->p->skipped[i];
	assert_int_equal(s->kind, kind);
	assert_string_equal(s->name, name);
	if (field)
		assert_string_equal(s->field, field);
	else
		assert_null(s->field);
	if (!strstr(s->reason, reason))
		fail_msg("skip reason '%s' lacks '%s'", s->reason, reason);
}

/* The modules of the working copy in array order, as "id:position,..." */
static void expect_module_order(const struct run *x, const char *want)
{
	struct buf b = BUF_INIT;
	cJSON *m;
	char idb[32];

	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(x->course, "modules"))
		buf_printf(&b, "%s%s:%d", b.len ? "," : "", step_id(RES_MODULE, m, idb),
			   cJSON_GetObjectItemCaseSensitive(m, "position")->valueint);
	assert_string_equal(buf_str(&b), want);
	buf_release(&b);
}

static void expect_item_order(const struct run *x, const char *module_id, const char *want)
{
	struct buf b = BUF_INIT;
	cJSON *m, *it;
	char idb[32];

	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(x->course, "modules")) {
		if (strcmp(step_id(RES_MODULE, m, idb), module_id))
			continue;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(m, "items"))
			buf_printf(&b, "%s%s:%d", b.len ? "," : "", step_id(RES_MODULE_ITEM, it, idb),
				   cJSON_GetObjectItemCaseSensitive(it, "position")->valueint);
	}
	assert_string_equal(buf_str(&b), want);
	buf_release(&b);
}

/* ---------------------------------------------------------------- where: */

static void test_where_each_key(void **state)
{
	static const struct {
		const char *where;
		const char *ids;       /* the modules whose require_sequential_progress changes */
	} cases[] = {
		{ "{name: '^Week \\d+$'}", "802 803" },
		{ "{name: 'week', }", "" },                     /* case-sensitive without flags */
		{ "{id: [803, 9999]}", "803" },
		{ "{id: 801}", "801" },
		{ "{position: 1}", "801" },
		{ "{position: 4}", "804" },
		{ "{published: true}", "801" },
		{ "{published: false}", "802 803 804" },
		{ "{name: '^Week', published: false, position: 3}", "803" },
		{ "{name: 'S', id: [801, 804]}", "801 804" },
		{ "{name: 'S', id: [801, 802]}", "801" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *steps = xasprintf("  - modules:\n      where: %s\n"
					"      set: {require_sequential_progress: true}\n", cases[i].where);
		struct run *x = run(steps);
		struct buf got = BUF_INIT;
		size_t j;

		for (j = 0; j < x->p->nchanges; j++) {
			const struct plan_change *c = &x->p->changes[j];

			assert_int_equal(c->kind, MOD);
			assert_string_equal(c->field, "require_sequential_progress");
			expect_json(c->before, "false");
			expect_json(c->after, "true");
			buf_printf(&got, "%s%s", j ? " " : "", c->id);
		}
		if (strcmp(buf_str(&got), cases[i].ids))
			fail_msg("where %s: changed [%s], want [%s]", cases[i].where, buf_str(&got),
				 cases[i].ids);
		buf_release(&got);
		run_free(x);
		free(steps);
	}
}

/* ---------------------------------------------------------------- set: */

static void test_set_name_and_flags(void **state)
{
	struct run *x;

	(void)state;
	x = run("  - modules:\n"
		"      where: {id: 804}\n"
		"      set: {name: Playground, require_sequential_progress: true, published: false}\n");
	expect_nchanges(x, 2);
	expect_update(x, MOD, "804", "name", "'Sandbox'", "'Playground'", NULL);
	expect_update(x, MOD, "804", "require_sequential_progress", "false", "true", NULL);
	assert_string_equal(chg(x, MOD, "804", "name")->steps[0], "modules #1");
	assert_string_equal(chg(x, MOD, "804", "name")->name, "Sandbox");
	run_free(x);
}

static void test_set_unlock_at(void **state)
{
	struct run *x;

	(void)state;
	x = run("  - modules:\n      where: {id: 802}\n      set: {unlock_at: 2026-01-12}\n"
		"  - modules:\n      where: {id: 803}\n      set: {unlock_at: null}\n"
		"  - modules:\n      where: {id: 804}\n      set: {unlock_at: '2026-06-01T08:00:00-06:00'}\n"
		"  - modules:\n      where: {id: 801}\n      set: {unlock_at: '2026-07-01T08:30:00'}\n");
	expect_nchanges(x, 4);
	expect_update(x, MOD, "802", "unlock_at", "null", "'2026-01-12T05:00:00Z'", NULL);
	expect_update(x, MOD, "803", "unlock_at", "'2025-01-27T05:00:00Z'", "null", NULL);
	expect_update(x, MOD, "804", "unlock_at", "null", "'2026-06-01T14:00:00Z'", NULL);
	expect_update(x, MOD, "801", "unlock_at", "null", "'2026-07-01T12:30:00Z'", NULL);
	run_free(x);
}

static void test_set_unlock_at_needs_zone(void **state)
{
	struct run *x;

	(void)state;
	x = run_on(NULL, NULL, "  - modules:\n      where: {id: 802}\n      set: {unlock_at: 2026-01-12}\n");
	assert_int_equal(x->rc, -1);
	assert_int_equal(x->err.code, ERR_RECIPE);
	assert_non_null(strstr(x->err.msg, "course 4821, module 802 ('Week 1'), unlock_at: "));
	assert_non_null(strstr(x->err.msg, "time zone"));
	run_free(x);
	/* no module selected: nothing to convert, no error */
	x = run_on(NULL, NULL, "  - modules:\n      where: {id: 9}\n      set: {unlock_at: 2026-01-12}\n");
	assert_int_equal(x->rc, 0);
	expect_nchanges(x, 0);
	run_free(x);
}

static void test_set_published_publishes_items_and_content(void **state)
{
	struct run *x;
	const char *item_note = "Canvas publishes a module's items with it";

	(void)state;
	/* module only (the default): the module alone, sent with skip_content_tags */
	x = run("  - modules:\n      where: {id: 802}\n      set: {published: true}\n");
	expect_nchanges(x, 1);
	expect_update(x, MOD, "802", "published", "false", "true", NULL);
	run_free(x);

	x = run("  - modules:\n      where: {id: 802}\n      set: {published: true, cascade: with items}\n");
	expect_nchanges(x, 9);
	expect_update(x, MOD, "802", "published", "false", "true", "with its items");
	expect_update(x, ITEM, "1011", "published", "false", "true", item_note);
	expect_update(x, ITEM, "1012", "published", "false", "true", item_note);
	expect_update(x, ITEM, "1013", "published", "false", "true", item_note);
	expect_update(x, ITEM, "1014", "published", "false", "true", item_note);
	expect_update(x, RES_PAGE, "33003", "published", "false", "true",
		      "Canvas publishes the linked page with its module item");
	expect_update(x, RES_ASSIGNMENT, "501", "published", "false", "true",
		      "Canvas publishes the linked assignment with its module item");
	expect_update(x, RES_QUIZ, "601", "published", "false", "true", "Canvas publishes the linked quiz");
	/* the other item of assignment 501, in another module, follows its assignment */
	expect_update(x, ITEM, "1022", "published", "false", "true",
		      "Canvas publishes every module item of the assignment with it");
	assert_string_equal(chg(x, ITEM, "1022", "published")->parent, "803");
	run_free(x);

	/* unpublishing a module only leaves its items alone */
	x = run("  - modules:\n      where: {id: 801}\n      set: {published: false}\n");
	expect_nchanges(x, 1);
	expect_update(x, MOD, "801", "published", "true", "false", NULL);
	run_free(x);

	/* with items: the items and their content (unpublish_items!, trigger_unpublish!) */
	x = run("  - modules:\n      where: {id: 801}\n      set: {published: false, cascade: with items}\n");
	expect_nchanges(x, 4);
	expect_update(x, MOD, "801", "published", "true", "false", "with its items");
	expect_update(x, ITEM, "1001", "published", "true", "false", "Canvas unpublishes a module's items");
	expect_update(x, ITEM, "1002", "published", "true", "false", "Canvas unpublishes a module's items");
	expect_update(x, RES_PAGE, "33002", "published", "true", "false",
		      "Canvas unpublishes the linked page with its module item");
	run_free(x);
}

static void test_set_position(void **state)
{
	struct run *x;

	(void)state;
	/* to the front: the others shift down */
	x = run("  - modules:\n      where: {id: 804}\n      set: {position: 1}\n");
	expect_nchanges(x, 4);
	expect_update(x, MOD, "804", "position", "4", "1", NULL);
	expect_update(x, MOD, "801", "position", "1", "2", "Canvas shifts the other modules");
	expect_update(x, MOD, "802", "position", "2", "3", "Canvas shifts the other modules");
	expect_update(x, MOD, "803", "position", "3", "4", "Canvas shifts the other modules");
	expect_module_order(x, "804:1,801:2,802:3,803:4");
	run_free(x);

	/* to the end; Week 1 now comes before its prerequisite, which Canvas drops when it saves it */
	x = run("  - modules:\n      where: {id: 801}\n      set: {position: 4}\n");
	expect_nchanges(x, 5);
	expect_position(x, MOD, "801", 1, 4);
	expect_position(x, MOD, "802", 2, 1);
	expect_position(x, MOD, "803", 3, 2);
	expect_position(x, MOD, "804", 4, 3);
	expect_update(x, MOD, "802", "prerequisite_module_ids", "[801]", "[]",
		      "Canvas drops prerequisites that no longer come before the module");
	expect_module_order(x, "802:1,803:2,804:3,801:4");
	run_free(x);

	/* past the end: last */
	x = run("  - modules:\n      where: {id: 802}\n      set: {position: 99}\n");
	expect_nchanges(x, 4);
	expect_position(x, MOD, "802", 2, 4);
	expect_position(x, MOD, "803", 3, 2);
	expect_position(x, MOD, "804", 4, 3);
	expect_update(x, MOD, "803", "prerequisite_module_ids", "[802]", "[]", "no longer come before");
	run_free(x);

	/* several modules: one block, in their order */
	x = run("  - modules:\n      where: {name: '^Week'}\n      set: {position: 1}\n");
	expect_nchanges(x, 4);
	expect_position(x, MOD, "802", 2, 1);
	expect_position(x, MOD, "803", 3, 2);
	expect_position(x, MOD, "801", 1, 3);
	expect_update(x, MOD, "802", "prerequisite_module_ids", "[801]", "[]", "drops");
	expect_module_order(x, "802:1,803:2,801:3,804:4");
	run_free(x);

	/* already there: nothing */
	x = run("  - modules:\n      where: {id: 803}\n      set: {position: 3}\n");
	expect_nchanges(x, 0);
	run_free(x);
}

static void test_set_prerequisites(void **state)
{
	struct run *x;

	(void)state;
	/* by name, written in module order whatever the recipe's order */
	x = run("  - modules:\n      where: {id: 804}\n      set: {prerequisites: [Week 1, Start Here]}\n");
	expect_nchanges(x, 1);
	expect_update(x, MOD, "804", "prerequisite_module_ids", "[]", "[801,802]", NULL);
	run_free(x);

	/* the same set is no change; [] clears */
	x = run("  - modules:\n      where: {id: 803}\n      set: {prerequisites: [Week 1]}\n"
		"  - modules:\n      where: {id: 802}\n      set: {prerequisites: []}\n");
	expect_nchanges(x, 1);
	expect_update(x, MOD, "802", "prerequisite_module_ids", "[801]", "[]", NULL);
	run_free(x);

	/* an unknown name: a skip, and the field is left alone */
	x = run("  - modules:\n      where: {id: 804}\n      set: {prerequisites: [Start Here, Nope]}\n");
	expect_nchanges(x, 0);
	assert_int_equal(x->p->nskipped, 1);
	expect_skip(x, 0, MOD, "Nope", NULL, "no module is named 'Nope' in this course");
	run_free(x);

	/* not before the module, or the module itself: skips naming the field */
	x = run("  - modules:\n      where: {id: 802}\n      set: {prerequisites: [Week 2]}\n"
		"  - modules:\n      where: {id: 802}\n      set: {prerequisites: [Week 1]}\n");
	expect_nchanges(x, 0);
	assert_int_equal(x->p->nskipped, 2);
	expect_skip(x, 0, MOD, "Week 1", "prerequisite_module_ids",
		    "'Week 2' does not come before this module");
	expect_skip(x, 1, MOD, "Week 1", "prerequisite_module_ids", "cannot be its own prerequisite");
	run_free(x);
}

static void test_prerequisite_created_by_earlier_ensure(void **state)
{
	struct run *x;

	(void)state;
	x = run("  - name: add\n    modules:\n      ensure: [{name: Orientation, position: 1}]\n"
		"  - name: gate\n    modules:\n      where: {id: 802}\n"
		"      set: {prerequisites: [Start Here, Orientation]}\n");
	expect_nchanges(x, 6);
	expect_json(chg(x, MOD, "new:1", NULL)->after, "{'name':'Orientation','position':1}");
	expect_update(x, MOD, "802", "prerequisite_module_ids", "[801]", "['new:1',801]", NULL);
	assert_string_equal(chg(x, MOD, "802", "prerequisite_module_ids")->steps[0], "gate");
	expect_position(x, MOD, "801", 1, 2);
	expect_position(x, MOD, "802", 2, 3);
	expect_position(x, MOD, "803", 3, 4);
	expect_position(x, MOD, "804", 4, 5);
	run_free(x);
}

/* ---------------------------------------------------------------- rename: */

static void test_rename(void **state)
{
	static const struct {
		const char *where, *rename;
		const char *id, *before, *after;   /* id NULL: no change */
	} cases[] = {
		{ "{id: 802}", "{pattern: '^Week (\\d+)$', with: 'Unit $1'}", "802", "Week 1", "Unit 1" },
		{ "{id: 802}", "{pattern: '^week (\\d)', with: 'W$1', flags: i}", "802", "Week 1", "W1" },
		/* an unset group is empty */
		{ "{id: 802}", "{pattern: '^Week (\\d+)( x)?', with: 'W$1$2'}", "802", "Week 1", "W1" },
		{ "{id: 802}", "{pattern: '(\\d+)', with: '$$$1'}", "802", "Week 1", "Week $1" },
		/* the first match only */
		{ "{id: 801}", "{pattern: 'e', with: 'E'}", "801", "Start Here", "Start HEre" },
		/* an empty match inserts once: a prefix */
		{ "{id: 801}", "{pattern: '^', with: 'Old - '}", "801", "Start Here", "Old - Start Here" },
		{ "{id: 801}", "{pattern: 'Here', with: '$0 now'}", "801", "Start Here", "Start Here now" },
		/* no match, or the same name: no change */
		{ "{id: 801}", "{pattern: 'zzz', with: 'y'}", NULL, NULL, NULL },
		{ "{id: 801}", "{pattern: 'Start Here', with: 'Start Here'}", NULL, NULL, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *steps = xasprintf("  - modules:\n      where: %s\n      rename: %s\n", cases[i].where,
					cases[i].rename);
		struct run *x = run(steps);

		if (!cases[i].id) {
			expect_nchanges(x, 0);
		} else {
			char *b = xasprintf("\"%s\"", cases[i].before);
			char *a = xasprintf("\"%s\"", cases[i].after);

			expect_nchanges(x, 1);
			expect_update(x, MOD, cases[i].id, "name", b, a, NULL);
			free(b);
			free(a);
		}
		assert_int_equal(x->p->nskipped, 0);
		run_free(x);
		free(steps);
	}
}

static void test_rename_all_and_empty(void **state)
{
	struct run *x;

	(void)state;
	/* no where: every module; only the matching ones change */
	x = run("  - modules:\n      rename: {pattern: '^Week (\\d+)$', with: 'Unit $1'}\n");
	expect_nchanges(x, 2);
	expect_update(x, MOD, "802", "name", "'Week 1'", "'Unit 1'", NULL);
	expect_update(x, MOD, "803", "name", "'Week 2'", "'Unit 2'", NULL);
	run_free(x);

	x = run("  - modules:\n      where: {id: 804}\n      rename: {pattern: '^.*$', with: ''}\n");
	expect_nchanges(x, 0);
	assert_int_equal(x->p->nskipped, 1);
	expect_skip(x, 0, MOD, "Sandbox", "name", "without a name");
	run_free(x);
}

/* A catastrophic pattern (where: name, rename:, items: title) on a module's name fails the step
 * with the reason and what to do, within PCRE2's match limit (step_match_context), not a hang. */
static void test_catastrophic_pattern_is_an_error(void **state)
{
	static const char *const steps[] = {
		"  - modules:\n      where: {name: '(a+)+$'}\n      set: {published: true}\n",
		"  - modules:\n      where: {id: 802}\n      rename: {pattern: '(a+)+$', with: x}\n",
		"  - modules:\n      where: {id: 802}\n      items: {where: {title: '(a+)+$'}, set: {indent: 1}}\n",
	};
	char name[64];
	size_t i;

	(void)state;
	memset(name, 'a', 40);
	memcpy(name + 40, "!", 2);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		cJSON *course = course_new(), *mod, *item;
		struct run *x;

		cJSON_ArrayForEach(mod, cJSON_GetObjectItemCaseSensitive(course, "modules")) {
			cJSON_ReplaceItemInObject(mod, "name", cJSON_CreateString(name));
			cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(mod, "items"))
				cJSON_ReplaceItemInObject(item, "title", cJSON_CreateString(name));
		}
		x = run_on(course, "America/New_York", steps[i]);
		assert_int_equal(x->rc, -1);
		assert_non_null(strstr(x->err.msg, "the pattern '(a+)+$' failed: it backtracks past PCRE2's match limit"));
		assert_non_null(strstr(x->err.msg, "make it more specific"));
		run_free(x);
	}
}

/* ---------------------------------------------------------------- items: */

static void test_items_where_and_set(void **state)
{
	struct run *x;

	(void)state;
	/* title regex and type, across every module */
	x = run("  - modules:\n"
		"      items: {where: {title: '^Essay', type: Assignment}, set: {indent: 2}}\n");
	expect_nchanges(x, 3);
	expect_update(x, ITEM, "1012", "indent", "0", "2", NULL);
	expect_update(x, ITEM, "1022", "indent", "0", "2", NULL);
	expect_update(x, ITEM, "1024", "indent", "0", "2", NULL);
	run_free(x);

	/* module where narrows the items; several types */
	x = run("  - modules:\n      where: {id: 802}\n"
		"      items: {where: {type: [Quiz, ExternalUrl]}, set: {indent: 3}}\n");
	expect_nchanges(x, 2);
	expect_update(x, ITEM, "1013", "indent", "0", "3", NULL);
	expect_update(x, ITEM, "1014", "indent", "1", "3", NULL);
	run_free(x);

	/* content: a page url, an assignment name, an external url */
	x = run("  - modules:\n      items: {where: {content: week-1-notes}, set: {indent: 5}}\n"
		"  - modules:\n      items: {where: {content: Essay 2}, set: {indent: 5}}\n"
		"  - modules:\n"
		"      items: {where: {content: 'https://library.example.edu'}, set: {indent: 5}}\n"
		"  - modules:\n      items: {where: {content: Welcome}, set: {indent: 5}}\n");
	expect_nchanges(x, 3);
	expect_update(x, ITEM, "1011", "indent", "0", "5", NULL);
	expect_update(x, ITEM, "1024", "indent", "0", "5", NULL);
	expect_update(x, ITEM, "1014", "indent", "1", "5", NULL);
	run_free(x);
}

static void test_items_published(void **state)
{
	struct run *x;

	(void)state;
	/* publishing an item publishes its page */
	x = run("  - modules:\n      items: {where: {content: week-1-notes}, set: {published: true}}\n");
	expect_nchanges(x, 2);
	expect_update(x, ITEM, "1011", "published", "false", "true", NULL);
	expect_update(x, RES_PAGE, "33003", "published", "false", "true", "Canvas publishes the linked page");
	run_free(x);

	/* unpublishing one unpublishes the page */
	x = run("  - modules:\n      where: {id: 801}\n"
		"      items: {where: {type: Page}, set: {published: false}}\n");
	expect_nchanges(x, 2);
	expect_update(x, ITEM, "1002", "published", "true", "false", NULL);
	expect_update(x, RES_PAGE, "33002", "published", "true", "false",
		      "Canvas unpublishes the linked page");
	run_free(x);

	/* an assignment with submissions: Canvas answers 403 "item can't be unpublished", a skip */
	x = run("  - modules:\n      items: {where: {content: Essay 2}, set: {published: false}}\n");
	expect_nchanges(x, 0);
	expect_skip(x, 0, ITEM, "Essay 2", "published",
		    "Canvas cannot unpublish this item: its assignment has student submissions");
	run_free(x);
}

static void test_items_title_renames_content(void **state)
{
	struct run *x;
	cJSON *course;

	(void)state;
	x = run("  - modules:\n      where: {id: 802}\n"
		"      items: {where: {content: Essay 1}, set: {title: Essay One}}\n");
	expect_nchanges(x, 3);
	expect_update(x, ITEM, "1012", "title", "'Essay 1'", "'Essay One'", NULL);
	expect_update(x, RES_ASSIGNMENT, "501", "name", "'Essay 1'", "'Essay One'",
		      "Canvas renames the linked assignment with its module item");
	expect_update(x, ITEM, "1022", "title", "'Essay 1'", "'Essay One'",
		      "Canvas renames every module item of the assignment with it");
	run_free(x);

	/* a page: its title, and the note says the url follows */
	x = run("  - modules:\n      items: {where: {content: week-1-notes}, set: {title: Notes}}\n");
	expect_nchanges(x, 2);
	expect_update(x, RES_PAGE, "33003", "title", "'Week 1 notes'", "'Notes'",
		      "url follows the new title");
	run_free(x);

	/* Blueprint-locked content: the item changes, the assignment is a skip (Canvas's save fails) */
	x = run("  - modules:\n      items: {where: {content: Locked essay}, set: {title: Free essay}}\n");
	expect_nchanges(x, 1);
	expect_update(x, ITEM, "1025", "title", "'Locked essay'", "'Free essay'", NULL);
	assert_int_equal(x->p->nskipped, 1);
	expect_skip(x, 0, RES_ASSIGNMENT, "Locked essay", "name", "locked by the Blueprint course (content)");
	run_free(x);

	/* the content's kind was not fetched: the note says what Canvas will also do */
	course = course_new();
	cJSON_DeleteItemFromObjectCaseSensitive(course, "assignments");
	x = run_on(course, "America/New_York",
		   "  - modules:\n      where: {id: 802}\n"
		   "      items: {where: {content: Essay 1}, set: {title: Essay One, published: true}}\n");
	assert_int_equal(x->rc, 0);
	expect_nchanges(x, 3);
	expect_update(x, ITEM, "1012", "title", "'Essay 1'", "'Essay One'",
		      "Canvas also renames the linked assignment and its other module items");
	expect_update(x, ITEM, "1012", "published", "false", "true",
		      "Canvas also publishes the linked assignment");
	expect_update(x, ITEM, "1022", "title", "'Essay 1'", "'Essay One'", "every module item");
	/* whether Canvas publishes the assignment (and so its other items) depends on its state, unknown */
	assert_false(has_chg(x, ITEM, "1022", "published"));
	run_free(x);
}

static void test_items_completion(void **state)
{
	struct run *x;

	(void)state;
	x = run("  - modules:\n"
		"      items: {where: {type: Quiz}, set: {completion: {type: min_score, min_score: 7.5}}}\n"
		"  - modules:\n      items: {where: {content: syllabus}, set: {completion: none}}\n"
		"  - modules:\n      items: {where: {content: week-1-notes}, set: {completion: none}}\n"
		"  - modules:\n"
		"      items: {where: {content: Essay 1}, set: {completion: {type: must_submit}}}\n"
		"  - modules:\n"
		"      items: {where: {type: Page}, set: {completion: {type: min_score, min_score: 1}}}\n"
		"  - modules:\n"
		"      items: {where: {type: Discussion}, set: {completion: {type: must_submit}}}\n"
		"  - modules:\n"
		"      items: {where: {type: SubHeader}, set: {completion: {type: must_view}}}\n");
	expect_nchanges(x, 3);
	expect_update(x, ITEM, "1013", "completion_requirement", "null",
		      "{'type':'min_score','min_score':7.5}", NULL);
	expect_update(x, ITEM, "1002", "completion_requirement",
		      "{'type':'must_view','completed':false}", "null", NULL);
	/* 1012 already has must_submit: no change; 1022 gets it */
	expect_update(x, ITEM, "1022", "completion_requirement", "null", "{'type':'must_submit'}",
		      NULL);
	assert_int_equal(x->p->nskipped, 5);
	expect_skip(x, 0, ITEM, "Syllabus", "completion_requirement",
		    "Canvas keeps 'min_score' only on graded items");
	expect_skip(x, 1, ITEM, "Week 1 notes", "completion_requirement", "only on graded items");
	expect_skip(x, 2, ITEM, "Introductions", "completion_requirement",
		    "Canvas keeps 'must_submit' only on graded items");
	expect_skip(x, 3, ITEM, "Welcome", "completion_requirement", "a text header cannot");
	expect_skip(x, 4, ITEM, "Scratch", "completion_requirement", "a text header cannot");
	run_free(x);

	/* the same requirement with Canvas's "completed" beside it is no change */
	x = run("  - modules:\n      where: {id: 801}\n"
		"      items: {where: {type: Page}, set: {completion: {type: must_view}}}\n");
	expect_nchanges(x, 0);
	run_free(x);
}

/* ---------------------------------------------------------------- ensure: */

static void test_ensure_creates_module_with_items(void **state)
{
	struct run *x;
	const struct plan_change *c;

	(void)state;
	x = run("  - modules:\n"
		"      ensure:\n"
		"        - name: Orientation\n"
		"          position: 1\n"
		"          published: true\n"
		"          items:\n"
		"            - header: Hello\n"
		"            - page: week-2-notes\n"
		"            - assignment: Essay 2\n"
		"            - quiz: Quiz 2\n"
		"            - discussion: Graded talk\n"
		"            - {url: 'https://x.example/', title: X}\n");
	expect_nchanges(x, 13);
	c = chg(x, MOD, "new:1", NULL);
	assert_int_equal(c->op, PLAN_CREATE);
	expect_json(c->after, "{'name':'Orientation','position':1,'published':true}");
	expect_update(x, MOD, "801", "position", "1", "2", "Canvas shifts the other modules");
	expect_position(x, MOD, "802", 2, 3);
	expect_position(x, MOD, "803", 3, 4);
	expect_position(x, MOD, "804", 4, 5);
	expect_json(chg(x, ITEM, "new:2", NULL)->after,
		    "{'module_id':'new:1','type':'SubHeader','title':'Hello','position':1,'published':true}");
	expect_json(chg(x, ITEM, "new:3", NULL)->after,
		    "{'module_id':'new:1','type':'Page','title':'Week 2 notes','page_url':'week-2-notes',"
		    "'position':2,'published':true}");
	/* Essay 2 has an item in Week 2: moved, not recreated */
	c = expect_update(x, ITEM, "1024", "module_id", "803", "'new:1'", NULL);
	assert_int_equal(c->op, PLAN_MOVE);
	expect_position(x, ITEM, "1024", 4, 3);
	expect_position(x, ITEM, "1025", 5, 4);   /* Week 2 closes the gap */
	expect_json(chg(x, ITEM, "new:4", NULL)->after,
		    "{'module_id':'new:1','type':'Quiz','title':'Quiz 2','content_id':602,'position':4,"
		    "'published':true}");
	expect_json(chg(x, ITEM, "new:5", NULL)->after,
		    "{'module_id':'new:1','type':'Discussion','title':'Graded talk','content_id':702,"
		    "'position':5,'published':true}");
	expect_json(chg(x, ITEM, "new:6", NULL)->after,
		    "{'module_id':'new:1','type':'ExternalUrl','title':'X',"
		    "'external_url':'https://x.example/','position':6,'published':true}");
	expect_module_order(x, "new:1:1,801:2,802:3,803:4,804:5");
	expect_item_order(x, "new:1", "new:2:1,new:3:2,1024:3,new:4:4,new:5:5,new:6:6");
	expect_item_order(x, "803", "1021:1,1022:2,1023:3,1025:4");
	assert_int_equal(x->p->nskipped, 0);
	run_free(x);

	/* unpublished by default; a url item is titled with its url */
	x = run("  - modules:\n      ensure: [{name: Extra, items: [{url: 'https://a.example/'}]}]\n");
	expect_nchanges(x, 2);
	expect_json(chg(x, MOD, "new:1", NULL)->after, "{'name':'Extra','position':5}");
	expect_json(chg(x, ITEM, "new:2", NULL)->after,
		    "{'module_id':'new:1','type':'ExternalUrl','title':'https://a.example/',"
		    "'external_url':'https://a.example/','position':1}");
	run_free(x);
}

static void test_ensure_created_item_publishes_content(void **state)
{
	struct run *x;

	(void)state;
	/* Quiz 1's only item goes with Week 1; the new one in Start Here is published with its module,
	 * which publishes the (unpublished) quiz */
	x = run("  - modules:\n      absent: [Week 1]\n"
		"  - modules:\n      ensure: [{name: Start Here, items: [{header: Welcome}, {page: syllabus},"
		" {quiz: Quiz 1}]}]\n");
	expect_nchanges(x, 6);   /* the delete, 803 and 804 shift, 803's prerequisite, the item, the quiz */
	expect_json(chg(x, ITEM, "new:1", NULL)->after,
		    "{'module_id':801,'type':'Quiz','title':'Quiz 1','content_id':601,'position':3,"
		    "'published':true}");
	expect_update(x, RES_QUIZ, "601", "published", "false", "true", "Canvas publishes the linked quiz");
	assert_int_equal(chg(x, MOD, "802", NULL)->op, PLAN_DELETE);
	run_free(x);
}

static void test_ensure_reorders_and_deletes_items(void **state)
{
	struct run *x;

	(void)state;
	x = run("  - modules:\n      ensure:\n        - name: Week 1\n"
		"          items: [{quiz: Quiz 1}, {page: week-1-notes},\n"
		"                  {url: 'https://library.example.edu'}]\n");
	expect_nchanges(x, 4);
	assert_int_equal(chg(x, ITEM, "1012", NULL)->op, PLAN_DELETE);
	expect_json(chg(x, ITEM, "1012", NULL)->after, "null");
	assert_string_equal(chg(x, ITEM, "1012", NULL)->parent, "802");
	expect_position(x, ITEM, "1013", 3, 1);
	expect_position(x, ITEM, "1011", 1, 2);
	expect_position(x, ITEM, "1014", 4, 3);
	expect_item_order(x, "802", "1013:1,1011:2,1014:3");
	run_free(x);

	/* a File item (which ensure cannot name) is kept, after the listed ones */
	x = run("  - modules:\n      ensure:\n        - name: Week 2\n"
		"          items: [{assignment: Essay 1}, {discussion: Introductions}]\n");
	expect_nchanges(x, 4);
	expect_position(x, ITEM, "1022", 2, 1);
	expect_position(x, ITEM, "1021", 1, 2);
	assert_int_equal(chg(x, ITEM, "1024", NULL)->op, PLAN_DELETE);
	assert_int_equal(chg(x, ITEM, "1025", NULL)->op, PLAN_DELETE);
	expect_item_order(x, "803", "1022:1,1021:2,1023:3");
	assert_false(has_chg(x, ITEM, "1023", "position"));
	/* items: [] empties the module but for what it cannot name */
	run_free(x);
	x = run("  - modules:\n      ensure: [{name: Sandbox, items: []}]\n");
	expect_nchanges(x, 1);
	assert_int_equal(chg(x, ITEM, "1031", NULL)->op, PLAN_DELETE);
	run_free(x);
}

static void test_ensure_moves_item_between_modules(void **state)
{
	struct run *x;
	const struct plan_change *c;

	(void)state;
	x = run("  - modules:\n      ensure:\n        - name: Start Here\n"
		"          items: [{header: Welcome}, {page: syllabus}, {assignment: Essay 1}]\n");
	expect_nchanges(x, 4);
	c = expect_update(x, ITEM, "1012", "module_id", "802", "801", NULL);
	assert_int_equal(c->op, PLAN_MOVE);
	assert_string_equal(c->parent, "802");
	expect_position(x, ITEM, "1012", 2, 3);
	expect_position(x, ITEM, "1013", 3, 2);
	expect_position(x, ITEM, "1014", 4, 3);
	expect_item_order(x, "801", "1001:1,1002:2,1012:3");
	expect_item_order(x, "802", "1011:1,1013:2,1014:3");
	run_free(x);

	/* two ensured modules: the item listed in both lists stays where it is, the other is moved in */
	x = run("  - modules:\n      ensure:\n"
		"        - {name: Week 1, items: [{assignment: Essay 1}]}\n"
		"        - {name: Week 2, items: [{assignment: Essay 1}, {assignment: Essay 1}]}\n");
	assert_false(has_chg(x, ITEM, "1012", "module_id"));
	assert_int_equal(chg(x, ITEM, "new:1", NULL)->op, PLAN_CREATE);
	expect_item_order(x, "802", "1012:1");
	expect_item_order(x, "803", "1022:1,new:1:2,1023:3");
	run_free(x);
}

/* issue 13: a move carries its place in the new module even when the number is the same (Canvas puts
 * an item moved without a position last), and nothing is left of it when a later step moves it back */
static void test_ensure_move_keeps_same_position(void **state)
{
	struct run *x;
	const struct plan_change *c;

	(void)state;
	/* Essay 1 is second in Week 1 and becomes second in Start Here */
	x = run("  - modules:\n      ensure:\n        - name: Start Here\n"
		"          items: [{header: Welcome}, {assignment: Essay 1}, {page: syllabus}]\n");
	expect_nchanges(x, 5);
	c = expect_update(x, ITEM, "1012", "module_id", "802", "801", NULL);
	assert_int_equal(c->op, PLAN_MOVE);
	c = expect_update(x, ITEM, "1012", "position", "2", "2", "its place in the new module");
	assert_int_equal(c->op, PLAN_UPDATE);
	expect_position(x, ITEM, "1002", 2, 3);
	expect_position(x, ITEM, "1013", 3, 2);
	expect_position(x, ITEM, "1014", 4, 3);
	expect_item_order(x, "801", "1001:1,1012:2,1002:3");
	expect_item_order(x, "802", "1011:1,1013:2,1014:3");
	run_free(x);

	/* to the front, from the front of another module: 1 -> 1 */
	x = run("  - modules:\n      ensure:\n        - name: Start Here\n"
		"          items: [{page: week-1-notes}, {header: Welcome}, {page: syllabus}]\n");
	expect_update(x, ITEM, "1011", "module_id", "802", "801", NULL);
	expect_update(x, ITEM, "1011", "position", "1", "1", ANY_NOTE);
	expect_item_order(x, "801", "1011:1,1001:2,1002:3");
	run_free(x);

	/* moved there by one step and back to the same place by the next: no change at all */
	x = run("  - modules:\n      ensure:\n        - name: Start Here\n"
		"          items: [{header: Welcome}, {assignment: Essay 1}, {page: syllabus}]\n"
		"  - modules:\n      ensure:\n        - name: Start Here\n"
		"          items: [{header: Welcome}, {page: syllabus}]\n"
		"        - name: Week 1\n"
		"          items: [{page: week-1-notes}, {assignment: Essay 1}, {quiz: Quiz 1},\n"
		"                  {url: 'https://library.example.edu'}]\n");
	expect_nchanges(x, 0);
	run_free(x);
}

static void test_ensure_unknown_reference(void **state)
{
	struct run *x;

	(void)state;
	x = run("  - modules:\n      ensure:\n        - name: Week 1\n"
		"          items: [{assignment: Nope}, {page: week-1-notes}, {page: no-such-page}]\n");
	expect_nchanges(x, 0);
	assert_int_equal(x->p->nskipped, 2);
	expect_skip(x, 0, RES_ASSIGNMENT, "Nope", NULL,
		    "assignment 'Nope' (an item of module 'Week 1') does not exist in this course, so it is "
		    "not added and the module's other items are kept");
	expect_skip(x, 1, RES_PAGE, "no-such-page", NULL, "page 'no-such-page'");
	expect_item_order(x, "802", "1011:1,1012:2,1013:3,1014:4");
	run_free(x);
}

static void test_ensure_module_order(void **state)
{
	struct run *x;

	(void)state;
	/* the first keeps its place, the next goes right after it */
	x = run("  - modules:\n      ensure: [{name: Week 2}, {name: Start Here}]\n");
	expect_nchanges(x, 4);
	expect_update(x, MOD, "802", "position", "2", "1", "Canvas shifts the other modules");
	expect_update(x, MOD, "803", "position", "3", "2", NULL);
	expect_update(x, MOD, "801", "position", "1", "3", NULL);
	expect_update(x, MOD, "802", "prerequisite_module_ids", "[801]", "[]", "no longer come before");
	expect_module_order(x, "802:1,803:2,801:3,804:4");
	run_free(x);

	/* positions given; an entry without one follows the previous */
	x = run("  - modules:\n"
		"      ensure: [{name: Sandbox, position: 2}, {name: New}, {name: Week 1, position: 5}]\n");
	expect_json(chg(x, MOD, "new:1", NULL)->after, "{'name':'New','position':3}");
	expect_module_order(x, "801:1,804:2,new:1:3,803:4,802:5");
	expect_position(x, MOD, "804", 4, 2);
	expect_position(x, MOD, "803", 3, 4);
	expect_position(x, MOD, "802", 2, 5);
	/* 802 moved after 803, whose prerequisite it is */
	expect_update(x, MOD, "803", "prerequisite_module_ids", "[802]", "[]", "no longer come before");
	expect_nchanges(x, 5);
	run_free(x);

	/* already so: nothing at all */
	x = run("  - modules:\n      ensure:\n"
		"        - {name: Start Here, position: 1, published: true,\n"
		"           items: [{header: Welcome}, {page: syllabus}]}\n"
		"        - {name: Week 1}\n");
	expect_nchanges(x, 0);
	assert_int_equal(x->p->nskipped, 0);
	run_free(x);
}

static void test_ensure_published_existing(void **state)
{
	struct run *x;

	(void)state;
	x = run("  - modules:\n"
		"      ensure: [{name: Week 1, published: true, cascade: with items},\n"
		"               {name: Start Here, published: false}]\n");
	expect_update(x, MOD, "802", "published", "false", "true", NULL);
	expect_update(x, ITEM, "1013", "published", "false", "true", "Canvas publishes a module's items");
	expect_update(x, RES_QUIZ, "601", "published", "false", "true", "linked quiz");
	expect_update(x, MOD, "801", "published", "true", "false", NULL);
	/* Start Here moves after Week 1 */
	expect_position(x, MOD, "801", 1, 2);
	expect_position(x, MOD, "802", 2, 1);
	expect_update(x, MOD, "802", "prerequisite_module_ids", "[801]", "[]", "drops");
	expect_nchanges(x, 13);
	run_free(x);
}

/* ---------------------------------------------------------------- absent: */

static void test_absent(void **state)
{
	struct run *x;
	const struct plan_change *c;

	(void)state;
	x = run("  - modules:\n      absent: [Sandbox, Nothing like it]\n");
	expect_nchanges(x, 1);
	c = chg(x, MOD, "804", NULL);
	assert_int_equal(c->op, PLAN_DELETE);
	assert_string_equal(c->note, "its 1 item goes with it");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c->before, "name")->valuestring, "Sandbox");
	assert_int_equal(x->p->nskipped, 0);
	run_free(x);

	x = run("  - modules:\n      absent: [Week 1]\n");
	expect_nchanges(x, 4);
	assert_string_equal(chg(x, MOD, "802", NULL)->note, "its 4 items go with it");
	expect_update(x, MOD, "803", "position", "3", "2", "Canvas shifts the other modules");
	expect_position(x, MOD, "804", 4, 3);
	expect_update(x, MOD, "803", "prerequisite_module_ids", "[802]", "[]",
		      "Canvas drops a deleted module from prerequisites");
	expect_module_order(x, "801:1,803:2,804:3");
	run_free(x);

	/* a module an earlier step created (with an item): both creates disappear */
	x = run("  - modules:\n      ensure: [{name: Tmp, items: [{url: 'https://a.example/'}]}]\n"
		"  - modules:\n      absent: [Tmp]\n");
	expect_nchanges(x, 0);
	run_free(x);
}

/* ---------------------------------------------------------------- steps together */

static void test_steps_merge(void **state)
{
	struct run *x;
	const struct plan_change *c;

	(void)state;
	x = run("  - name: first\n    modules: {where: {id: 802}, set: {name: Week One}}\n"
		"  - name: second\n"
		"    modules: {where: {name: '^Week One$'}, rename: {pattern: One, with: 1b}}\n");
	expect_nchanges(x, 1);
	c = expect_update(x, MOD, "802", "name", "'Week 1'", "'Week 1b'", NULL);
	assert_int_equal(c->nsteps, 2);
	assert_string_equal(c->steps[0], "first");
	assert_string_equal(c->steps[1], "second");
	run_free(x);

	/* back to where it was: no change */
	x = run("  - name: on\n    modules: {where: {id: 802}, set: {require_sequential_progress: true}}\n"
		"  - name: off\n"
		"    modules: {where: {id: 802}, set: {require_sequential_progress: false}}\n");
	expect_nchanges(x, 0);
	run_free(x);

	/* ensure finds a module by the name an earlier step gave it */
	x = run("  - name: a\n    modules: {where: {id: 803}, set: {name: Unit 2}}\n"
		"  - name: b\n    modules: {ensure: [{name: Unit 2, position: 1}]}\n");
	assert_false(has_chg(x, MOD, "new:1", NULL));
	expect_position(x, MOD, "803", 3, 1);
	expect_module_order(x, "803:1,801:2,802:3,804:4");
	run_free(x);
}

/* The working copy lists modules and items in any order: positions are what count. */
static void test_unsorted_working_copy(void **state)
{
	cJSON *course = course_new(), *mods, *items, *o;
	struct run *x;

	(void)state;
	/* reverse the modules, and Week 1's items */
	mods = cJSON_DetachItemFromObjectCaseSensitive(course, "modules");
	cJSON_AddArrayToObject(course, "modules");
	while ((o = cJSON_DetachItemFromArray(mods, 0))) {
		if (cJSON_GetObjectItemCaseSensitive(o, "id")->valueint == 802) {
			cJSON *rev = cJSON_CreateArray(), *it;

			items = cJSON_DetachItemFromObjectCaseSensitive(o, "items");
			while ((it = cJSON_DetachItemFromArray(items, 0)))
				cJSON_InsertItemInArray(rev, 0, it);
			cJSON_AddItemToObject(o, "items", rev);
			cJSON_Delete(items);
		}
		cJSON_InsertItemInArray(cJSON_GetObjectItemCaseSensitive(course, "modules"), 0, o);
	}
	cJSON_Delete(mods);
	x = run_on(course, "America/New_York",
		   "  - modules:\n      where: {id: 804}\n      set: {position: 2}\n"
		   "  - modules:\n"
		   "      ensure: [{name: Week 1, items: [{page: week-1-notes}, {quiz: Quiz 1}]}]\n");
	assert_int_equal(x->rc, 0);
	expect_module_order(x, "801:1,804:2,802:3,803:4");
	expect_position(x, MOD, "804", 4, 2);
	expect_position(x, MOD, "802", 2, 3);
	expect_position(x, MOD, "803", 3, 4);
	/* the unlisted Essay 1 and Library items are deleted; the rest keep their order */
	expect_item_order(x, "802", "1011:1,1013:2");
	expect_position(x, ITEM, "1013", 3, 2);
	expect_nchanges(x, 6);
	run_free(x);
}

/* ---------------------------------------------------------------- what it fetches */

static void test_needs(void **state)
{
	enum {
		A = 1u << RES_ASSIGNMENT, Q = 1u << RES_QUIZ, D = 1u << RES_DISCUSSION_TOPIC,
		P = 1u << RES_PAGE,
	};
	static const struct {
		const char *body;
		unsigned want;      /* besides modules */
	} cases[] = {
		{ "      where: {id: 1}\n      set: {name: X}\n", 0 },
		{ "      set: {published: false}\n", 0 },
		{ "      set: {published: true}\n", 0 },
		{ "      set: {published: false, cascade: with items}\n", A | Q | D | P },
		{ "      items: {set: {indent: 1}}\n", 0 },
		{ "      items: {where: {type: Page}, set: {title: T}}\n", P },
		{ "      items: {where: {type: [Quiz, SubHeader]}, set: {published: true}}\n", Q },
		{ "      items: {set: {completion: {type: must_submit}}}\n", D },
		{ "      ensure: [{name: A, items: [{page: p}, {url: 'https://a.b/'}, {header: h}]}]\n", P },
		{ "      ensure: [{name: A, items: [{assignment: a}, {discussion: d}]}]\n", A | D },
		{ "      ensure: [{name: A, published: true}]\n", 0 },
		{ "      ensure: [{name: A, published: true, cascade: with items}]\n", A | Q | D | P },
		{ "      absent: [A]\n", 0 },
	};
	size_t i;

	(void)state;
	assert_int_equal(step_modules_needs(NULL), 1u << MOD);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = xasprintf("version: 1\ncourses: [1]\nsteps:\n  - modules:\n%s", cases[i].body);
		struct diags d = DIAGS_INIT;
		struct recipe *r = NULL;

		recipe_load_mem(&r, "t.yaml", text, strlen(text), NULL, &d);
		if (d.nerrors)
			diag_print(&d, stderr);
		assert_int_equal(d.nerrors, 0);
		if (step_modules_needs(r->steps[0].data) != ((1u << MOD) | cases[i].want))
			fail_msg("case %zu: needs %#x, want %#x", i, step_modules_needs(r->steps[0].data),
				 (1u << MOD) | cases[i].want);
		recipe_free(r);
		diag_release(&d);
		free(text);
	}
}

/* ---------------------------------------------------------------- a large course */

#define BIG_MODULES 2000

static void test_large_course(void **state)
{
	cJSON *course = cJSON_CreateObject(), *mods, *pages;
	struct buf y = BUF_INIT;
	struct run *x;
	clock_t t0;
	int i, j;

	(void)state;
	cJSON_AddNumberToObject(course, "id", 4821);
	cJSON_AddStringToObject(course, "time_zone", "UTC");
	mods = cJSON_AddArrayToObject(course, "modules");
	pages = cJSON_AddArrayToObject(course, "pages");
	for (i = 0; i < BIG_MODULES; i++) {
		cJSON *m = cJSON_CreateObject(), *items, *pg = cJSON_CreateObject();
		char name[32], url[32];

		snprintf(name, sizeof(name), "M%d", i);
		snprintf(url, sizeof(url), "page-%d", i);
		cJSON_AddNumberToObject(m, "id", 100000 + i);
		cJSON_AddStringToObject(m, "name", name);
		cJSON_AddNumberToObject(m, "position", i + 1);
		cJSON_AddBoolToObject(m, "published", 0);
		cJSON_AddItemToObject(m, "prerequisite_module_ids", cJSON_CreateArray());
		items = cJSON_AddArrayToObject(m, "items");
		for (j = 0; j < 5; j++) {
			cJSON *it = cJSON_CreateObject();
			char t[48];

			cJSON_AddNumberToObject(it, "id", 1000000 + i * 10 + j);
			cJSON_AddNumberToObject(it, "module_id", 100000 + i);
			cJSON_AddNumberToObject(it, "position", j + 1);
			cJSON_AddNumberToObject(it, "indent", 0);
			cJSON_AddBoolToObject(it, "published", 0);
			if (j == 0) {
				cJSON_AddStringToObject(it, "type", "Page");
				cJSON_AddStringToObject(it, "title", name);
				cJSON_AddStringToObject(it, "page_url", url);
			} else if (j % 2) {
				snprintf(t, sizeof(t), "H%d.%d", i, j);
				cJSON_AddStringToObject(it, "type", "SubHeader");
				cJSON_AddStringToObject(it, "title", t);
			} else {
				snprintf(t, sizeof(t), "https://e.example/%d/%d", i, j);
				cJSON_AddStringToObject(it, "type", "ExternalUrl");
				cJSON_AddStringToObject(it, "title", t);
				cJSON_AddStringToObject(it, "external_url", t);
			}
			cJSON_AddItemToArray(items, it);
		}
		cJSON_AddItemToArray(mods, m);
		cJSON_AddNumberToObject(pg, "page_id", 500000 + i);
		cJSON_AddStringToObject(pg, "url", url);
		cJSON_AddStringToObject(pg, "title", name);
		cJSON_AddBoolToObject(pg, "published", 1);
		cJSON_AddItemToArray(pages, pg);
	}
	buf_puts(&y, "  - modules:\n      where: {name: '^M'}\n"
		     "      set: {require_sequential_progress: true}\n"
		     "      rename: {pattern: '^M(\\d+)$', with: 'Module $1'}\n"
		     "      items: {where: {type: Page}, set: {indent: 1}}\n"
		     "  - modules:\n      ensure:\n");
	/* every module, in reverse order, each with its items reversed and the page item of the next */
	for (i = BIG_MODULES - 1; i >= 0; i--)
		buf_printf(&y, "        - {name: Module %d, items: [{url: 'https://e.example/%d/4'},"
			   " {header: H%d.3}, {url: 'https://e.example/%d/2'}, {header: H%d.1},"
			   " {page: page-%d}]}\n", i, i, i, i, i, (i + 1) % BIG_MODULES);
	buf_puts(&y, "  - modules:\n      where: {name: '^Module'}\n"
		     "      set: {prerequisites: [Module 1999]}\n");
	t0 = clock();
	x = run_on(course, "UTC", buf_str(&y));
	fprintf(stderr, "    %d modules x 5 items: %.3f s CPU, %zu changes\n", BIG_MODULES,
		(double)(clock() - t0) / CLOCKS_PER_SEC, x->p->nchanges);
	assert_int_equal(x->rc, 0);
	/* Module 1999 cannot be its own prerequisite; it is last, so it comes before every other one */
	assert_int_equal(x->p->nskipped, 1);
	expect_update(x, MOD, "100001", "prerequisite_module_ids", "[]", "[101999]", NULL);
	expect_update(x, MOD, "100007", "name", "'M7'", "'Module 7'", NULL);
	/* reversed: module 1999 first; 0 last */
	expect_position(x, MOD, "101999", 2000, 1);
	expect_position(x, MOD, "100000", 1, 2000);
	/* module 7 now holds the page item of module 8, moved in last */
	expect_update(x, ITEM, "1000080", "module_id", "100008", "100007", NULL);
	expect_item_order(x, "100007", "1000074:1,1000073:2,1000072:3,1000071:4,1000080:5");
	run_free(x);
	buf_release(&y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_where_each_key),
		cmocka_unit_test(test_set_name_and_flags),
		cmocka_unit_test(test_set_unlock_at),
		cmocka_unit_test(test_set_unlock_at_needs_zone),
		cmocka_unit_test(test_set_published_publishes_items_and_content),
		cmocka_unit_test(test_set_position),
		cmocka_unit_test(test_set_prerequisites),
		cmocka_unit_test(test_prerequisite_created_by_earlier_ensure),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_rename_all_and_empty),
		cmocka_unit_test(test_catastrophic_pattern_is_an_error),
		cmocka_unit_test(test_items_where_and_set),
		cmocka_unit_test(test_items_published),
		cmocka_unit_test(test_items_title_renames_content),
		cmocka_unit_test(test_items_completion),
		cmocka_unit_test(test_ensure_creates_module_with_items),
		cmocka_unit_test(test_ensure_created_item_publishes_content),
		cmocka_unit_test(test_ensure_reorders_and_deletes_items),
		cmocka_unit_test(test_ensure_moves_item_between_modules),
		cmocka_unit_test(test_ensure_move_keeps_same_position),
		cmocka_unit_test(test_ensure_unknown_reference),
		cmocka_unit_test(test_ensure_module_order),
		cmocka_unit_test(test_ensure_published_existing),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_steps_merge),
		cmocka_unit_test(test_unsorted_working_copy),
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_large_course),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

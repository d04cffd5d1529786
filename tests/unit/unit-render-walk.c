/* tests/unit/unit-render-walk.c -- the plan walker the renderers share (runner/render_walk.c) and what
 * they ask about a kind (runner/render_kind.c).
 *
 * A recording walker writes one line per callback, so each case asserts the whole walk: courses in
 * p->courses order then the ones only the changes name, an object per run of changes with the same
 * kind and id (in plan order, as a hand-edited plan may have it), each object's op, marker, shared
 * step and `whole` change, the skips after the objects, and how callbacks steer the walk (leave a
 * course, leave the rest of one, stop).
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
#include "xalloc.h"
#include "../../runner/render_internal.h"

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

static struct plan_change *add(struct plan *p, const char *step, const char *cid, enum resource_kind kind,
			       const char *id, enum plan_op op, const char *field)
{
	return plan_add(p, step, cid, kind, id, NULL, id, op, field, parse(op == PLAN_CREATE ? "null" : "1"),
			parse(op == PLAN_DELETE ? "null" : "2"));
}

/* Changes added in this order, no plan_finish: the walker keeps the order it is given. */
static struct plan *sample(void)
{
	struct plan *p = plan_new();

	course(p, "{\"id\": 1, \"name\": \"One\", \"time_zone\": \"America/New_York\"}");
	course(p, "{\"id\": 2, \"name\": \"Two\"}");
	course(p, "{\"id\": 3, \"name\": \"Nothing to do\"}");
	add(p, "B", "2", RES_PAGE, "p1", PLAN_UPDATE, "title");
	add(p, "A", "1", RES_ASSIGNMENT, "7", PLAN_UPDATE, "due_at");
	add(p, "A", "1", RES_ASSIGNMENT, "7", PLAN_UPDATE, "lock_at");
	add(p, "A", "1", RES_MODULE, "new:1", PLAN_UPDATE, "name");
	add(p, "S", "1", RES_MODULE, "new:1", PLAN_CREATE, NULL);
	add(p, "A", "1", RES_MODULE_ITEM, "9", PLAN_UPDATE, "position");
	add(p, "A", "1", RES_MODULE_ITEM, "9", PLAN_MOVE, "module_id");
	add(p, "A", "1", RES_MODULE, "4", PLAN_DELETE, NULL);
	plan_change_add_step(add(p, "A", "1", RES_PAGE, "p2", PLAN_UPDATE, "body"), "B");
	add(p, "A", "1", RES_PAGE, "p2", PLAN_UPDATE, "title");
	add(p, "A", "9", RES_PAGE, "p3", PLAN_UPDATE, "title");   /* a course the plan does not describe */
	plan_add_skip(p, "A", "1", RES_PAGE, "p4", "Home", "published", "the front page");
	plan_add_skip(p, "A", "2", RES_PAGE, "p5", "Away", NULL, "gone");
	return p;
}

struct rec {
	const struct plan *p;
	struct buf out;
	int next_course;          /* course_start returns RENDER_WALK_NEXT for this course id */
	int stop_course;          /* ... RENDER_WALK_STOP */
	int object_next;          /* object_end returns RENDER_WALK_NEXT after this many objects */
	size_t objects;
};

static int r_course(void *ctx, const struct render_group *g)
{
	struct rec *r = ctx;
	int id = (int)strtol(g->course_id, NULL, 10);

	buf_printf(&r->out, "course %s (%s) %zu changes %zu objects %zu skips zone %s\n", g->course_id,
		   g->course ? g->course->name : "-", g->nchanges, g->nobjects, g->nskips,
		   render_zone(g) ? render_zone(g) : "-");
	if (id == r->stop_course)
		return RENDER_WALK_STOP;
	return id == r->next_course ? RENDER_WALK_NEXT : RENDER_WALK_ON;
}

static void r_object(void *ctx, const struct render_object *o)
{
	struct rec *r = ctx;

	buf_printf(&r->out, "  %c %s %s %s step %s whole %s\n", o->marker, render_kind_class(o->first->kind),
		   o->first->id, plan_op_name(o->op), o->step ? o->step : "-",
		   o->whole ? plan_op_name(o->whole->op) : "-");
}

static void r_change(void *ctx, const struct render_object *o, const struct plan_change *c)
{
	struct rec *r = ctx;

	(void)o;
	buf_printf(&r->out, "    %s %s\n", plan_op_name(c->op), c->field ? c->field : "-");
}

static int r_object_end(void *ctx, const struct render_object *o)
{
	struct rec *r = ctx;

	(void)o;
	return r->object_next && ++r->objects == (size_t)r->object_next ? RENDER_WALK_NEXT : RENDER_WALK_ON;
}

static int r_skip(void *ctx, const struct render_group *g, const struct plan_skip *s, size_t k)
{
	struct rec *r = ctx;

	(void)g;
	buf_printf(&r->out, "  skip %zu %s\n", k, s->id);
	return RENDER_WALK_ON;
}

static void r_course_end(void *ctx, const struct render_group *g)
{
	struct rec *r = ctx;

	buf_printf(&r->out, "end %s\n", g->course_id);
}

static const struct render_walk rec_walk = { r_course, r_object, r_change, r_object_end, r_skip, r_course_end };

static int walk(struct rec *r, struct plan *p)
{
	struct render_groups g;
	int rc;

	r->p = p;
	render_groups_init(&g, p);
	rc = render_walk(p, &g, &rec_walk, r);
	render_groups_release(&g);
	return rc;
}

static void test_walk_groups_objects(void **state)
{
	struct plan *p = sample();
	struct rec r = { NULL, BUF_INIT, 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(walk(&r, p), RENDER_WALK_ON);
	assert_string_equal(buf_str(&r.out),
		"course 1 (One) 9 changes 5 objects 1 skips zone America/New_York\n"
		"  ~ assignment 7 update step A whole -\n"
		"    update due_at\n"
		"    update lock_at\n"
		"  + module new:1 create step - whole create\n"
		"    update name\n"
		"    create -\n"
		"  ~ module_item 9 move step A whole -\n"
		"    update position\n"
		"    move module_id\n"
		"  - module 4 delete step A whole delete\n"
		"    delete -\n"
		"  ~ page p2 update step - whole -\n"
		"    update body\n"
		"    update title\n"
		"  skip 0 p4\n"
		"end 1\n"
		"course 2 (Two) 1 changes 1 objects 1 skips zone -\n"
		"  ~ page p1 update step B whole -\n"
		"    update title\n"
		"  skip 0 p5\n"
		"end 2\n"
		"course 3 (Nothing to do) 0 changes 0 objects 0 skips zone -\n"
		"end 3\n"
		"course 9 (-) 1 changes 1 objects 0 skips zone -\n"
		"  ~ page p3 update step A whole -\n"
		"    update title\n"
		"end 9\n");
	buf_release(&r.out);
	plan_free(p);
}

static void test_walk_steering(void **state)
{
	struct plan *p = sample();
	struct rec r = { NULL, BUF_INIT, 2, 0, 1, 0 };

	(void)state;
	/* object_end leaves the rest of course 1 (no more objects, no skips, but its end); course_start
	 * leaves course 2 whole (no end) */
	assert_int_equal(walk(&r, p), RENDER_WALK_ON);
	assert_string_equal(buf_str(&r.out),
		"course 1 (One) 9 changes 5 objects 1 skips zone America/New_York\n"
		"  ~ assignment 7 update step A whole -\n"
		"    update due_at\n"
		"    update lock_at\n"
		"end 1\n"
		"course 2 (Two) 1 changes 1 objects 1 skips zone -\n"
		"course 3 (Nothing to do) 0 changes 0 objects 0 skips zone -\n"
		"end 3\n"
		"course 9 (-) 1 changes 1 objects 0 skips zone -\n"
		"  ~ page p3 update step A whole -\n"
		"    update title\n"
		"end 9\n");
	buf_reset(&r.out);
	r.next_course = 0;
	r.object_next = 0;
	r.stop_course = 2;
	assert_int_equal(walk(&r, p), RENDER_WALK_STOP);
	assert_non_null(strstr(buf_str(&r.out), "end 1\ncourse 2 (Two)"));
	assert_null(strstr(buf_str(&r.out), "course 3"));
	buf_release(&r.out);
	plan_free(p);
}

static void test_kinds(void **state)
{
	struct plan *p = plan_new();
	struct plan_change *c;

	(void)state;
	assert_string_equal(render_kind_name(RES_MODULE_ITEM), "module item");
	assert_string_equal(render_kind_class(RES_MODULE_ITEM), "module_item");
	assert_string_equal(render_kind_name((enum resource_kind)RES_NKINDS), "object");
	assert_string_equal(render_kind_class((enum resource_kind)-1), "object");
	assert_true(render_kind_known(0) && render_kind_known(RES_NKINDS - 1));
	assert_false(render_kind_known(RES_NKINDS) || render_kind_known(-1));
	assert_string_equal(render_parent_kind(RES_MODULE_ITEM), "module");
	assert_string_equal(render_parent_kind(RES_ASSIGNMENT_OVERRIDE), "assignment");
	assert_string_equal(render_parent_kind(RES_DATE_OVERRIDE), "discussion topic");
	assert_null(render_parent_kind(RES_PAGE));
	assert_null(render_parent_kind((enum resource_kind)RES_NKINDS));
	assert_string_equal(render_parent_field(RES_MODULE_ITEM), "module_id");
	assert_string_equal(render_parent_field(RES_ASSIGNMENT_OVERRIDE), "assignment_id");
	/* the row's parent_field: hidden from a created override's fields like any parent field */
	assert_string_equal(render_parent_field(RES_DATE_OVERRIDE), "discussion_topic_id");
	assert_true(render_is_date_field(RES_ASSIGNMENT, "due_at"));
	assert_false(render_is_date_field(RES_ASSIGNMENT, "name"));
	assert_false(render_is_date_field((enum resource_kind)RES_NKINDS, "due_at"));
	assert_true(render_is_html_field(RES_PAGE, "body"));
	assert_false(render_is_html_field(RES_PAGE, NULL));

	c = add(p, "A", "1", RES_ASSIGNMENT, "7", PLAN_UPDATE, "due_at");
	assert_int_equal(render_shown_kind(c), RES_ASSIGNMENT);
	assert_null(render_shown_label(c));
	c->shows_as = xstrdup("quiz");
	assert_int_equal(render_shown_kind(c), RES_QUIZ);
	assert_string_equal(render_shown_label(c), "New Quiz");
	free(c->shows_as);
	c->shows_as = xstrdup("discussion_topic");
	assert_int_equal(render_shown_kind(c), RES_DISCUSSION_TOPIC);
	assert_string_equal(render_shown_label(c), "checkpointed discussion");
	free(c->shows_as);
	c->shows_as = xstrdup("page");      /* not a kind anything shows as: its own */
	assert_int_equal(render_shown_kind(c), RES_ASSIGNMENT);
	assert_null(render_shown_label(c));
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_groups_objects),
		cmocka_unit_test(test_walk_steering),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* runner/render_conflicts.c -- apply's report of what it did not write because Canvas changed since
 * the plan (include/render.h render_conflicts; issue 16).
 *
 *   Changed in Canvas since the plan, so not written: 3 fields of 2 objects
 *
 *   Course 4821  PHYS 101 -- Physics I   America/New_York
 *     ~ assignment 7101 "Lab 1"
 *         due_at
 *           planned before  Fri 2025-10-17 23:59:59 EDT (2025-10-18T03:59:59Z)
 *           Canvas now      Mon 2025-10-20 12:00:00 EDT (2025-10-20T16:00:00Z)
 *           plan writes     Fri 2026-03-06 23:59:59 EST (2026-03-07T04:59:59Z)
 *         points_possible  planned before 10; Canvas now 15; plan writes 20
 *         held back with it (unchanged in Canvas): lock_at
 *
 * Why: one warning per change ("changed in Canvas since the plan: it is ..., the plan expected
 * ...", in UTC, 185 of them when a course was edited) told the person neither which objects were
 * touched nor what to do. Grouped like the plan (the plan walker, render_walk.c; the same course
 * line, object names and values: render_text.c's helpers, dates in the course's zone), a person
 * compares three values per field and decides between a new plan and --force; the counts are what
 * apply's closing line says --force would write over. A field is on one line when that fits in
 * WRAP columns, else its three values are on lines of their own, aligned (two dates never fit).
 * Values are capped at VALUE_CAP bytes (an HTML body: the journal has it whole). Everything from
 * the server or the plan is neutralised as in the text plan.
 *
 * Creates that met an object (exec.c) are not here: their own message says what to do.
 * Rejected: a diff of before and now (three short values read better side by side; bodies are cut
 * anyway); listing every conflict of a course that was changed wholesale (max_objects, then how many
 * were left out).
 */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "xalloc.h"

#define WRAP 100
#define VALUE_CAP 80

static void put_value(struct buf *out, struct buf *tmp, const struct plan_change *c, const cJSON *v,
		      const char *zone)
{
	buf_reset(tmp);
	render_value(tmp, c->kind, c->field, v, zone, VALUE_CAP);
	render_put_inline(out, buf_str(tmp), tmp->len);
}

/* One field that changed in Canvas: on one line when it fits, else three aligned lines. */
static void put_changed(struct buf *out, struct buf *tmp, const struct plan_change *c, const cJSON *live,
			const char *zone)
{
	struct buf line = BUF_INIT, b = BUF_INIT, n = BUF_INIT, a = BUF_INIT;

	if (!c->field) {
		buf_puts(out, "      (");
		buf_puts(out, plan_op_name(c->op));
		buf_puts(out, ") changed in Canvas since the plan\n");
		return;
	}
	put_value(&b, tmp, c, c->before, zone);
	put_value(&n, tmp, c, live, zone);
	put_value(&a, tmp, c, c->after, zone);
	buf_puts(&line, "      ");
	render_put_inline(&line, c->field, strlen(c->field));
	buf_printf(&line, "  planned before %s; Canvas now %s; plan writes %s", buf_str(&b), buf_str(&n), buf_str(&a));
	if (line.len <= WRAP) {
		buf_add(out, line.ptr, line.len);
		buf_putc(out, '\n');
	} else {
		buf_puts(out, "      ");
		render_put_inline(out, c->field, strlen(c->field));
		buf_printf(out, "\n        planned before  %s\n        Canvas now      %s\n        plan writes     %s\n",
			   buf_str(&b), buf_str(&n), buf_str(&a));
	}
	buf_release(&line);
	buf_release(&b);
	buf_release(&n);
	buf_release(&a);
}

/* The fields of changes [i, end) of g that are `why`, as ": f1, f2" lines, after `label`. */
static void put_list(struct buf *out, const struct plan *p, const struct render_group *g, size_t i, size_t end,
		     const struct render_conflict *const *at, enum render_conflict_why why, const char *label)
{
	size_t k, shown = 0;

	for (k = i; k < end; k++) {
		const struct plan_change *c = &p->changes[g->changes[k]];
		const struct render_conflict *rc = at[g->changes[k]];
		const char *f = c->field ? c->field : plan_op_name(c->op);

		if (!rc || rc->why != why)
			continue;
		buf_puts(out, shown++ ? ", " : label);
		render_put_inline(out, f, strlen(f));
	}
	if (shown)
		buf_putc(out, '\n');
}

struct cctx {
	const struct plan *p;
	const struct render_conflict **at;    /* by change index; NULL: no conflict */
	size_t max_objects, shown;
	struct render_conflict_counts *counts;
	struct buf body, tmp;
	int course_shown;
};

static int conflicts_course(void *ctx, const struct render_group *g)
{
	struct cctx *x = ctx;

	(void)g;
	x->course_shown = 0;
	return RENDER_WALK_ON;
}

/* One object: counted; shown (its course line first) when it has conflicts, up to max_objects. */
static void conflicts_object(void *ctx, const struct render_object *o)
{
	struct cctx *x = ctx;
	const struct render_group *grp = o->g;
	size_t k, changed = 0, gone = 0, any = 0;

	for (k = o->i; k < o->end; k++) {
		const struct render_conflict *rc = x->at[grp->changes[k]];

		any += rc != NULL;
		changed += rc && rc->why == RENDER_CONFLICT_CHANGED;
		gone += rc && rc->why == RENDER_CONFLICT_GONE;
	}
	x->counts->fields += changed;
	x->counts->objects += changed > 0;
	x->counts->gone += gone > 0;
	if (!any)
		return;
	if (x->max_objects && x->shown >= x->max_objects) {
		x->counts->objects_left_out++;
		return;
	}
	x->shown++;
	if (!x->course_shown) {
		buf_putc(&x->body, '\n');
		render_course_line(&x->body, grp);
		x->course_shown = 1;
	}
	buf_puts(&x->body, o->first->op == PLAN_DELETE ? "  - " : "  ~ ");
	render_object_name(&x->body, o->first);
	buf_putc(&x->body, '\n');
	for (k = o->i; k < o->end; k++) {
		const struct render_conflict *rc = x->at[grp->changes[k]];

		if (rc && rc->why == RENDER_CONFLICT_CHANGED)
			put_changed(&x->body, &x->tmp, &x->p->changes[grp->changes[k]], rc->live, o->zone);
	}
	put_list(&x->body, x->p, grp, o->i, o->end, x->at, RENDER_CONFLICT_GONE,
		 "      no longer in Canvas, so not written: ");
	put_list(&x->body, x->p, grp, o->i, o->end, x->at, RENDER_CONFLICT_WITH,
		 "      held back with it (unchanged in Canvas): ");
}

void render_conflicts(const struct plan *p, const struct render_conflict *v, size_t n, size_t max_objects,
		      struct buf *out, struct render_conflict_counts *counts)
{
	static const struct render_walk walk = { conflicts_course, conflicts_object, NULL, NULL, NULL, NULL };
	struct cctx x = { p, NULL, max_objects, 0, counts, BUF_INIT, BUF_INIT, 0 };
	struct render_groups g;
	size_t k;

	size_t w = plan_window_courses(p), lo = 0, hi;
	struct err e = ERR_INIT;

	memset(counts, 0, sizeof(*counts));
	/* window by window (include/plan.h "Windows"); without conflicts nothing is shown or counted,
	 * and a spilled plan is not read again */
	do {
		hi = lo + w < p->ncourses ? lo + w : p->ncourses;
		if (!n || plan_window(p, lo, hi, &e))
			break;
		x.at = xcalloc(p->nchanges ? p->nchanges : 1, sizeof(*x.at));
		for (k = 0; k < n; k++)   /* v[k].change is plan-wide: p->first is the window's first */
			if (v[k].change >= p->first && v[k].change - p->first < p->nchanges)
				x.at[v[k].change - p->first] = &v[k];
		render_groups_window(&g, p, lo, hi);
		render_walk(p, &g, &walk, &x);
		render_groups_release(&g);
		free(x.at);
		lo = hi;
	} while (lo < p->ncourses);
	if (counts->fields || counts->gone) {
		buf_puts(out, "Changed in Canvas since the plan, so not written:");
		if (counts->fields)
			buf_printf(out, " %zu field%s of %zu object%s", counts->fields, counts->fields == 1 ? "" : "s",
				   counts->objects, counts->objects == 1 ? "" : "s");
		if (counts->gone)
			buf_printf(out, "%s%zu object%s no longer in Canvas", counts->fields ? "; " : " ", counts->gone,
				   counts->gone == 1 ? "" : "s");
		buf_putc(out, '\n');
	}
	buf_add(out, x.body.ptr, x.body.len);
	if (counts->objects_left_out)
		buf_printf(out, "\n  ... and %zu more object%s with conflicts, not shown\n", counts->objects_left_out,
			   counts->objects_left_out == 1 ? "" : "s");
	buf_release(&x.body);
	buf_release(&x.tmp);
}

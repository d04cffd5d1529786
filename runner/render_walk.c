/* runner/render_walk.c -- the one walk over a plan that the text, HTML and Markdown renderers and the
 * conflict report share (runner/render_internal.h).
 *
 * What it is for: every format shows the same structure -- courses, in each the objects, in each
 * their changes, then the course's skipped entries -- and each used to walk the plan with its own
 * loops, its own "is this object a create or a delete" and its own step-in-brackets rule. Here
 * the structure is found once; a format is a set of callbacks that write what is its own (a text
 * line, a table row, a Markdown list item) and nothing about how the plan is grouped.
 *
 * Types: struct render_groups (the plan by course), struct render_object (one object's run of
 * changes, with what every format asks of it: the change that names it, the change that is the
 * whole object, its op and marker, the step shared by all of its changes, the course's zone),
 * struct render_walk (the callbacks).
 *
 * Rules: plan order is kept. plan_finish() orders changes by course then object, but a plan read
 * from a file need not be; the groups are built in one pass with a map from course id to group,
 * looked up only where the id differs from the entry before (the plan's own order comes course by
 * course), rather than scanning the change list per course or sorting the course ids (a strcmp
 * of two cold strings per comparison, 25% of the 2,000-course plan's cache misses: issue 18).
 * A spilled plan (include/plan.h "Windows") is grouped a window of courses at a time
 * (render_groups_window): the window's courses, its resident changes and its courses' skips; a
 * window never splits a course, so the groups, and what the formats print, are those of the
 * whole plan.
 * An object is a run of consecutive changes with the same kind and id, as the plan orders them.
 * An object's op is create when one of its changes creates it, else delete, else move, else
 * update; `whole` is its last create, else its first delete. A callback steers the walk by what it
 * returns (render_internal.h): the Markdown comment leaves out what does not fit its budget, and
 * stops a trial rendering as soon as it is too big.
 *
 * Rejected: an iterator the formats drive themselves (each would repeat the course / object /
 * skip loops this file exists to hold once); building a tree of courses and objects (an
 * allocation per object, for a structure the plan's order already gives); visitor callbacks per
 * op (the HTML table shows every change as a row and would need all of them, the text and the
 * Markdown skip the change that is the whole object: `whole` says which that is).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "strmap.h"
#include "xalloc.h"

static const char *str0(const char *s)
{
	return s ? s : "";
}

/* ---------------------------------------------------------------- grouping */

/* The entries of a window's grouping: its courses, the resident changes, then the skips it shows
 * (indices into p->skipped). */
struct entries {
	const struct plan *p;
	size_t lo, nc;            /* courses p->courses[lo .. lo + nc) */
	const size_t *skips;
	size_t nskips;
};

/* The course id of the k-th entry: its courses, then its changes, then its skips (the order of
 * first appearance). */
static const char *entry_course(const struct entries *e, size_t k)
{
	const struct plan *p = e->p;

	if (k < e->nc)
		return str0(p->courses[e->lo + k].id);
	k -= e->nc;
	if (k < p->nchanges)
		return str0(p->changes[k].course_id);
	return str0(p->skipped[e->skips[k - p->nchanges]].course_id);
}

/* The object block starting at g->changes[i]: consecutive changes with the same kind and id.
 * Returns the position just past it. */
static size_t block_end(const struct plan *p, const struct render_group *g, size_t i)
{
	const struct plan_change *a = &p->changes[g->changes[i]];
	size_t j;

	for (j = i + 1; j < g->nchanges; j++) {
		const struct plan_change *b = &p->changes[g->changes[j]];

		if (b->kind != a->kind || strcmp(str0(b->id), str0(a->id)))
			break;
	}
	return j;
}

/* Allocates g->v and g->store (render_groups_release frees them); the rest is freed here. */
void render_groups_range(struct render_groups *g, const struct plan *p, size_t lo, size_t hi, int orphans)
{
	struct entries e;
	size_t nk, nd = 0, cap = 0, i, k, pos, last_group = 0, *skips = NULL, ns = 0;
	size_t *group, *fill;
	struct strmap ix = STRMAP_INIT;   /* course id -> its group + 1 */
	const char *last = NULL;
	int whole = orphans && lo == 0 && hi >= p->ncourses;

	/* the skips of the window's courses; a plan's whole (one window) shows every skip, a later
	 * window's last also those of courses the plan does not describe (a hand-edited file) */
	if (hi > p->ncourses)
		hi = p->ncourses;
	if (lo > hi)
		lo = hi;
	if (whole || p->nskipped) {
		skips = xmalloc((p->nskipped ? p->nskipped : 1) * sizeof(*skips));
		for (i = lo; !whole && i < hi; i++)
			strmap_put(&ix, str0(p->courses[i].id), (void *)1);
		for (i = 0; i < p->nskipped; i++) {
			const char *id = str0(p->skipped[i].course_id);

			if (whole || strmap_get(&ix, id) || (orphans && hi == p->ncourses && !plan_course(p, id)))
				skips[ns++] = i;
		}
		strmap_release(&ix);
	}
	e.p = p;
	e.lo = lo;
	e.nc = hi - lo;
	e.skips = skips;
	e.nskips = ns;
	nk = e.nc + p->nchanges + ns;
	group = xmalloc((nk ? nk : 1) * sizeof(*group));   /* each entry's group */
	/* groups in order of first appearance; entries come course by course, so an id is looked up
	 * only where it differs from the one before */
	g->v = NULL;
	for (k = 0; k < nk; k++) {
		const char *id = entry_course(&e, k);

		if (!last || strcmp(last, id)) {
			void *hit = strmap_get(&ix, id);

			if (hit) {
				last_group = (size_t)(uintptr_t)hit - 1;
			} else {
				if (nd == cap) {
					cap = cap ? 2 * cap : 16;
					g->v = xrealloc(g->v, cap * sizeof(*g->v));
				}
				memset(&g->v[nd], 0, sizeof(g->v[nd]));
				g->v[nd].course_id = id;
				g->v[nd].course = k < e.nc ? &p->courses[lo + k] : NULL;
				strmap_put(&ix, id, (void *)(uintptr_t)(nd + 1));
				last_group = nd++;
			}
			last = id;
		}
		group[k] = last_group;
	}
	strmap_release(&ix);
	if (!g->v)
		g->v = xcalloc(1, sizeof(*g->v));
	g->n = nd;
	/* counting sort of changes and skips into their groups, stable */
	for (i = 0; i < p->nchanges; i++)
		g->v[group[e.nc + i]].nchanges++;
	for (i = 0; i < ns; i++)
		g->v[group[e.nc + p->nchanges + i]].nskips++;
	g->store = xmalloc((p->nchanges + ns + 1) * sizeof(*g->store));
	for (i = 0, pos = 0; i < nd; i++) {
		g->v[i].changes = g->store + pos;
		pos += g->v[i].nchanges;
		g->v[i].skips = g->store + pos;
		pos += g->v[i].nskips;
	}
	fill = xcalloc(2 * (nd ? nd : 1), sizeof(*fill));
	for (i = 0; i < p->nchanges; i++) {
		size_t gi = group[e.nc + i];

		g->v[gi].changes[fill[2 * gi]++] = i;
	}
	for (i = 0; i < ns; i++) {
		size_t gi = group[e.nc + p->nchanges + i];

		g->v[gi].skips[fill[2 * gi + 1]++] = skips[i];
	}
	for (i = 0; i < nd; i++)
		for (pos = 0; pos < g->v[i].nchanges; g->v[i].nobjects++)
			pos = block_end(p, &g->v[i], pos);
	free(fill);
	free(group);
	free(skips);
}

void render_groups_window(struct render_groups *g, const struct plan *p, size_t lo, size_t hi)
{
	render_groups_range(g, p, lo, hi, 1);
}

void render_groups_init(struct render_groups *g, const struct plan *p)
{
	render_groups_window(g, p, 0, p->ncourses);
}

void render_groups_release(struct render_groups *g)
{
	free(g->v);
	free(g->store);
	g->v = NULL;
	g->store = NULL;
	g->n = 0;
}

/* ---------------------------------------------------------------- objects */

/* The step that made every change of the block [i, end), when each change has that one step only;
 * else NULL. */
static const char *block_step(const struct plan *p, const struct render_group *g, size_t i, size_t end)
{
	const char *step = NULL;

	for (; i < end; i++) {
		const struct plan_change *c = &p->changes[g->changes[i]];

		if (c->nsteps != 1 || !c->steps[0] || (step && strcmp(step, c->steps[0])))
			return NULL;
		step = c->steps[0];
	}
	return step;
}

static void object_at(struct render_object *o, const struct plan *p, const struct render_group *g, size_t i)
{
	size_t j;

	memset(o, 0, sizeof(*o));
	o->g = g;
	o->i = i;
	o->end = block_end(p, g, i);
	o->first = &p->changes[g->changes[i]];
	o->op = PLAN_UPDATE;
	o->step = block_step(p, g, i, o->end);
	o->zone = render_zone(g);
	for (j = i; j < o->end; j++) {
		const struct plan_change *c = &p->changes[g->changes[j]];

		if (c->op == PLAN_CREATE) {
			o->op = PLAN_CREATE;
			o->whole = c;
		} else if (c->op == PLAN_DELETE && o->op != PLAN_CREATE) {
			if (!o->whole)
				o->whole = c;
			o->op = PLAN_DELETE;
		} else if (c->op == PLAN_MOVE && o->op == PLAN_UPDATE) {
			o->op = PLAN_MOVE;
		}
	}
	o->marker = o->op == PLAN_CREATE ? '+' : o->op == PLAN_DELETE ? '-' : '~';
}

/* ---------------------------------------------------------------- the walk */

/* The objects of g; RENDER_WALK_NEXT when a callback left the rest of the course. */
static int walk_objects(const struct plan *p, const struct render_group *g, const struct render_walk *w,
			void *ctx)
{
	struct render_object o;
	size_t i, j;
	int rc;

	for (i = 0; i < g->nchanges; i = o.end) {
		object_at(&o, p, g, i);
		if (w->object_start)
			w->object_start(ctx, &o);
		for (j = o.i; w->change && j < o.end; j++)
			w->change(ctx, &o, &p->changes[g->changes[j]]);
		rc = w->object_end ? w->object_end(ctx, &o) : RENDER_WALK_ON;
		if (rc != RENDER_WALK_ON)
			return rc;
	}
	return RENDER_WALK_ON;
}

int render_walk(const struct plan *p, const struct render_groups *gs, const struct render_walk *w, void *ctx)
{
	size_t gi, k;
	int rc;

	for (gi = 0; gi < gs->n; gi++) {
		const struct render_group *g = &gs->v[gi];

		rc = w->course_start ? w->course_start(ctx, g) : RENDER_WALK_ON;
		if (rc == RENDER_WALK_STOP)
			return rc;
		if (rc == RENDER_WALK_NEXT)
			continue;
		rc = walk_objects(p, g, w, ctx);
		for (k = 0; rc == RENDER_WALK_ON && w->skip && k < g->nskips; k++)
			rc = w->skip(ctx, g, &p->skipped[g->skips[k]], k);
		if (rc == RENDER_WALK_STOP)
			return rc;
		if (w->course_end)
			w->course_end(ctx, g);
	}
	return RENDER_WALK_ON;
}

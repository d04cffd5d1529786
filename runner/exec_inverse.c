/* runner/exec_inverse.c -- the plan that undoes a journal (include/exec.h exec_inverse_plan).
 *
 * ARCHITECTURE.md "Durability": rollback takes every change of a journal that was done, or may
 * have been (an intent without an outcome: the request may have reached Canvas), newest first,
 * and writes `before` back after checking that the live value still equals `after`. A change that
 * failed although Canvas stored something -- a value that is neither `before` nor `after`, kept
 * in its outcome's "live" (an override's due date at 00:00 in the token user's zone stored as
 * 23:59:59 of that day: CanvasTime.fancy_midnight via AssignmentOverride#due_at=, CURRENT.md 1,
 * when the plan judged midnight in another zone than Canvas did; runner/plan_midnight.c) -- is
 * undone too, with that stored value as the one the stale check expects: leaving it out would leave the date
 * shifted and, worse, restore its siblings around it (lock_at back before a due_at still moved),
 * an order Canvas refuses for the whole object. Building that
 * as a plan means the rollback runs through exec_run like any apply -- the same stale check (a
 * value someone changed since is a conflict, skipped unless --force), the same journal (so a
 * rollback can itself be rolled back), the same read-back -- and `rollback --dry-run` is just the
 * plan rendered. Per op:
 *   update  before and after swapped;
 *   create  a delete of the object Canvas made, by the id the journal recorded for it; its
 *           `before` is the create's `after` plus that id, which the stale check compares. A
 *           create that took the row's sole_flag (a page made the front page) cannot be deleted
 *           while it holds it: WikiPagesApiController#destroy answers 400 "The front page cannot
 *           be deleted" when #was_front_page (app/controllers/wiki_pages_api_controller.rb). When
 *           the course had a front page, the plan recorded it losing the flag ("Canvas moves the
 *           front page", step_pages.c) and its undo sets it again (#update -> #process_front_page
 *           -> WikiPage#set_as_front_page!, which moves Wiki#front_page_url off the created page);
 *           when it had none, an update front_page true -> false on the created page comes first
 *           (#process_front_page -> Wiki#unset_front_page!: no front page, as before). exec_order.c
 *           sends both before the delete;
 *   delete  a create made of the deleted object's `before` minus what a create cannot send (ids,
 *           timestamps, derived and read-only fields: exec_strip_for_create). A deleted module
 *           comes back with its items: Canvas deleted them with it (the plan recorded them in the
 *           module's `before`, not as changes), so each becomes a create of its own in the new
 *           module ("new:N"), which exec runs after the module's;
 *   move    the item back to the module it came from.
 * References are rewritten as the objects now are: a "new:N" the original plan created is the id
 * the journal recorded; a module the original plan deleted is the "new:N" of its re-creation, in
 * prerequisite lists and item module ids alike.
 *
 * Order: objects by their newest change, newest first, each object's changes newest first (one
 * block per object, as render_text shows them); exec_run then orders the writes that depend on
 * each other (a module before its items, positions ascending).
 *
 * What a rollback cannot restore exactly (say so to users; docs follow this list):
 *   - a re-created object is a new object: a new id, so links to the old one (in HTML, bookmarks,
 *     other courses) and everything Canvas keeps by id -- students' module progress and
 *     completion, a page's revision history, discussion replies, submissions -- stay with the
 *     deleted one; Canvas soft-deletes, so an administrator can still undelete the original;
 *   - a create whose outcome was never recorded and whose id is unknown (a crash between the POST
 *     and its answer): cmd_rollback looks for it first (exec_find_lost_creates) and, found, its id
 *     is in the log and it is deleted like any create; what that look-up cannot tell is listed as
 *     skipped here, and the rollback names it as left and exits non-zero;
 *   - history: page revisions, updated_at, last_edited_by and the notifications Canvas sent (a due
 *     date change on a published assignment notifies students, and so does the change back);
 *   - what Canvas did by itself and the plan did not record: publishing a module publishes its
 *     items and their content (the modules step records those as changes, so they are undone too,
 *     but changes made by hand since are not coursectl's to know).
 */
#include "exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec_internal.h"
#include "jsonid.h"
#include "xalloc.h"

#define STEP "rollback"

/* "new:N" ids and deleted module ids, per course, mapped to what the rollback should name. */
struct idmap {
	char **course, **from, **to;
	size_t n, alloc;
};

static void map_put(struct idmap *m, const char *course, const char *from, const char *to)
{
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? m->alloc * 2 : 16;
		m->course = xrealloc(m->course, m->alloc * sizeof(*m->course));
		m->from = xrealloc(m->from, m->alloc * sizeof(*m->from));
		m->to = xrealloc(m->to, m->alloc * sizeof(*m->to));
	}
	m->course[m->n] = xstrdup(course);
	m->from[m->n] = xstrdup(from);
	m->to[m->n] = xstrdup(to);
	m->n++;
}

/* Mappings are few (creates and deleted modules of one plan): a linear search. */
static const char *map_get(const struct idmap *m, const char *course, const char *from)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->from[i], from) && !strcmp(m->course[i], course))
			return m->to[i];
	return NULL;
}

static void map_release(struct idmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->course[i]);
		free(m->from[i]);
		free(m->to[i]);
	}
	free(m->course);
	free(m->from);
	free(m->to);
}


static const char *map_id_text(const struct idmap *m, const char *course, const char *id)
{
	const char *t = id ? map_get(m, course, id) : NULL;

	return t ? t : id;
}

/* A copy of the array of ids with every mapped id replaced. */
static cJSON *remap_ids(const struct idmap *m, const char *course, const cJSON *arr)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *it;
	const char *t, *to;
	char b[32];

	cJSON_ArrayForEach(it, arr) {
		t = jsonid_text(it, b);
		to = t ? map_get(m, course, t) : NULL;
		cJSON_AddItemToArray(out, to ? jsonid(to) : cJSON_Duplicate(it, 1));
	}
	return out;
}

/* Rewrite the references of a value in place (the row's id_refs: an item's module_id, a module's
 * prerequisite ids); field NULL: v is a whole object (a create's fields) whose own references are
 * rewritten. */
static void remap_value(const struct idmap *m, const char *course, enum resource_kind kind, const char *field,
			cJSON **v)
{
	const char *refs = resource_get(kind)->id_refs;
	char b[32];
	const char *t, *to;
	cJSON *nv;

	if (!field && cJSON_IsObject(*v)) {
		const char *f = refs;
		cJSON *val = f ? cJSON_GetObjectItemCaseSensitive(*v, f) : NULL;

		if (!val)
			return;
		nv = cJSON_Duplicate(val, 1);
		remap_value(m, course, kind, f, &nv);
		cJSON_ReplaceItemInObjectCaseSensitive(*v, f, nv);
		return;
	}
	if (!refs || !field || strcmp(field, refs))
		return;
	if (cJSON_IsArray(*v)) {
		nv = remap_ids(m, course, *v);
		cJSON_Delete(*v);
		*v = nv;
	} else if ((t = jsonid_text(*v, b)) && (to = map_get(m, course, t))) {
		cJSON_Delete(*v);
		*v = jsonid(to);
	}
}

/* 1 when change i failed but Canvas stored a value for it, neither its `before` nor its `after`
 * (its outcome's "live": fancy midnight turning 00:00 into 23:59:59, a value Canvas rewrote): the
 * write reached Canvas in a form the plan did not expect, and is undone like a done one. A failed
 * change whose live value is its `before` changed nothing and has nothing to undo. */
static int stored_otherwise(const struct journal_log *l, size_t i)
{
	const struct plan_change *c = &l->plan->changes[i];

	if (l->state[i] != JOURNAL_FAILED || !l->live || !l->live[i] || !c->field ||
	    (c->op != PLAN_UPDATE && c->op != PLAN_MOVE))
		return 0;
	return !exec_value_matches(c->kind, c->field, c->before, l->live[i], l->plan->base_url) &&
	       !exec_value_matches(c->kind, c->field, c->after, l->live[i], l->plan->base_url);
}

struct ord {
	size_t i;                 /* change index */
	size_t obj_newest;        /* the newest change index of its object */
};

static const struct plan *sort_plan;   /* for cmp_obj (qsort has no context argument) */

static int cmp_obj(const void *a, const void *b)
{
	const struct plan_change *x = &sort_plan->changes[((const struct ord *)a)->i];
	const struct plan_change *y = &sort_plan->changes[((const struct ord *)b)->i];
	int r = strcmp(x->course_id, y->course_id);

	if (!r)
		r = (int)x->kind - (int)y->kind;
	if (!r)
		r = strcmp(x->id, y->id);
	return r;
}

static int cmp_ord(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	if (x->obj_newest != y->obj_newest)
		return x->obj_newest > y->obj_newest ? -1 : 1;
	return x->i > y->i ? -1 : x->i < y->i;
}

/* 1 when the undone changes (ord[0..n)) give the row's sole_flag back to another object of the
 * course than `id`: an update that cleared it on that object (its inverse sets it again). */
static int flag_given_back(const struct plan *src, const struct ord *ord, size_t n, const struct plan_change *cr,
			   const char *flag)
{
	size_t k;

	for (k = 0; k < n; k++) {
		const struct plan_change *c = &src->changes[ord[k].i];

		if (c->op == PLAN_UPDATE && c->kind == cr->kind && c->field && !strcmp(c->field, flag) &&
		    cJSON_IsTrue(c->before) && strcmp(c->id, cr->id) && !strcmp(c->course_id, cr->course_id))
			return 1;
	}
	return 0;
}

static void add_courses(struct plan *p, const struct plan *src)
{
	size_t i;

	for (i = 0; i < src->ncourses; i++) {
		const struct plan_course *c = &src->courses[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddItemToObject(o, "id", jsonid(c->id));
		if (c->name)
			cJSON_AddStringToObject(o, "name", c->name);
		if (c->course_code)
			cJSON_AddStringToObject(o, "course_code", c->course_code);
		if (c->time_zone)
			cJSON_AddStringToObject(o, "time_zone", c->time_zone);
		plan_add_course(p, o, c->given);
		cJSON_Delete(o);
	}
}

/* The create that brings back a deleted object (as "new:N", nid), and the children Canvas deleted
 * with it (a module's items: the row's children_recreate_note). */
static void recreate(struct plan *p, const struct plan_change *c, const char *nid, const struct idmap *deleted)
{
	const struct resource *res = resource_get(c->kind);
	cJSON *after = cJSON_Duplicate(c->before, 1), *items, *it;
	const char *parent = c->parent;
	struct plan_change *nc;
	char b[32];

	items = res->children_recreate_note ? cJSON_DetachItemFromObjectCaseSensitive(after, res->children_key) : NULL;
	exec_strip_for_create(c->kind, after);
	if (res->parent_field && res->id_refs && !strcmp(res->parent_field, res->id_refs)) {
		/* its parent may be a re-created one: named in the fields, as it moves there */
		parent = map_id_text(deleted, c->course_id, c->parent);
		if (parent)
			cJSON_AddItemToObject(after, res->parent_field, jsonid(parent));
	}
	remap_value(deleted, c->course_id, c->kind, NULL, &after);
	nc = plan_add(p, STEP, c->course_id, c->kind, nid, parent, c->name, PLAN_CREATE, NULL, cJSON_CreateNull(),
		      after);
	nc->note = xasprintf("re-creates %s %s, deleted by change %ld of the journal (with a new id)",
			     plan_kind_name(c->kind), c->id, c->seq);
	if (res->children_recreate_note) {
		enum resource_kind ck = res->child_kind;

		cJSON_ArrayForEach(it, items) {
			cJSON *ia = cJSON_Duplicate(it, 1);
			const char *iid = object_id(ck, it, b);
			const char *title = object_name(ck, it);
			char *inid = xasprintf("new:%ld", p->next_new++);

			exec_strip_for_create(ck, ia);
			cJSON_AddItemToObject(ia, resource_get(ck)->parent_field, cJSON_CreateString(nid));
			nc = plan_add(p, STEP, c->course_id, ck, inid, nid, title, PLAN_CREATE, NULL, cJSON_CreateNull(),
				      ia);
			nc->note = xasprintf(res->children_recreate_note, iid ? iid : "?", c->id);
			free(inid);
		}
	}
	cJSON_Delete(items);
}

int exec_inverse_plan(struct plan **out, const struct journal_log *l, struct err *err)
{
	const struct plan *src = l->plan;
	struct plan *p;
	struct idmap created = { 0 }, deleted = { 0 };
	struct ord *ord;
	size_t i, k, n = 0;

	if (!src)
		return err_set(err, ERR_CORRUPT, "journal '%s' holds no plan", l->path ? l->path : "?");
	p = plan_new();
	p->recipe_path = src->recipe_path ? xstrdup(src->recipe_path) : NULL;
	p->recipe_sha256 = src->recipe_sha256 ? xstrdup(src->recipe_sha256) : NULL;
	p->description = xasprintf("Rollback of %s", l->path ? l->path : "a journal");
	p->base_url = src->base_url ? xstrdup(src->base_url) : NULL;
	{
		/* made now, from the journal: its own date, not the undone plan's */
		time_t t = time(NULL);
		struct tm tm;
		char b[32];

		gmtime_r(&t, &tm);
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
		p->created_at = xstrdup(b);
	}
	add_courses(p, src);

	/* what the original creates became in Canvas */
	for (i = 0; i < src->nchanges; i++)
		if (src->changes[i].op == PLAN_CREATE && l->new_id && l->new_id[i])
			map_put(&created, src->changes[i].course_id, src->changes[i].id, l->new_id[i]);

	/* the changes to undo, grouped by object, objects by their newest change, newest first */
	ord = xcalloc(src->nchanges ? src->nchanges : 1, sizeof(*ord));
	for (i = 0; i < src->nchanges; i++)
		if (l->state[i] == JOURNAL_DONE || l->state[i] == JOURNAL_INTENT || stored_otherwise(l, i))
			ord[n++].i = i;
	sort_plan = src;
	qsort(ord, n, sizeof(*ord), cmp_obj);
	for (k = 0; k < n; k = i) {
		size_t newest = ord[k].i;

		for (i = k; i < n && !cmp_obj(&ord[k], &ord[i]); i++)
			if (ord[i].i > newest)
				newest = ord[i].i;
		for (i = k; i < n && !cmp_obj(&ord[k], &ord[i]); i++)
			ord[i].obj_newest = newest;
	}
	qsort(ord, n, sizeof(*ord), cmp_ord);

	/* a deleted module's re-creation gets its "new:N" first, so that references to it (items,
	 * prerequisites) can be rewritten whatever order the changes come in */
	for (k = 0; k < n; k++) {
		const struct plan_change *c = &src->changes[ord[k].i];

		if (c->op == PLAN_DELETE && resource_get(c->kind)->referenced) {
			char *nid = xasprintf("new:%ld", p->next_new++);

			map_put(&deleted, c->course_id, c->id, nid);
			free(nid);
		}
	}

	for (k = 0; k < n; k++) {
		const struct plan_change *c = &src->changes[ord[k].i];
		const char *nid = l->new_id ? l->new_id[ord[k].i] : NULL;
		const char *parent = map_id_text(&created, c->course_id, c->parent);
		struct plan_change *nc;
		cJSON *before, *after;
		const char *flag;
		char *rid;

		parent = map_id_text(&deleted, c->course_id, parent);
		switch (c->op) {
		case PLAN_UPDATE:
		case PLAN_MOVE:
			if (l->state[ord[k].i] == JOURNAL_FAILED) {
				/* Canvas stored another value than the plan's: that is what the stale check must
				 * find, and `before` is written back over it like any other */
				before = cJSON_Duplicate(l->live[ord[k].i], 1);
			} else {
				before = cJSON_Duplicate(c->after, 1);
			}
			after = cJSON_Duplicate(c->before, 1);
			remap_value(&created, c->course_id, c->kind, c->field, &before);
			remap_value(&deleted, c->course_id, c->kind, c->field, &after);
			nc = plan_add(p, STEP, c->course_id, c->kind, c->id, parent, c->name, c->op, c->field, before,
				      after);
			if (l->state[ord[k].i] == JOURNAL_FAILED)
				nc->note = xasprintf("change %ld of the journal failed, but Canvas stored this value "
						     "instead of the planned one", c->seq);
			break;
		case PLAN_CREATE:
			if (!nid) {
				plan_add_skip(p, STEP, c->course_id, c->kind, NULL, c->name, NULL,
					      "the journal does not say which id Canvas gave this object (the run "
					      "stopped before the answer came); when it runs, rollback looks for it in "
					      "Canvas first and deletes it when found, else names it as left");
				continue;
			}
			before = cJSON_Duplicate(c->after, 1);
			remap_value(&created, c->course_id, c->kind, NULL, &before);
			if (l->state[ord[k].i] == JOURNAL_INTENT) {
				/* a lost create (found by cmd_rollback's look-up): Canvas takes a module's and
				 * an item's published flag only in the PUT after the POST (API.md 6.1), which
				 * the run may not have reached (the row's put_after_create) */
				const char *const *f;

				for (f = resource_get(c->kind)->put_after_create; f && *f; f++)
					cJSON_DeleteItemFromObjectCaseSensitive(before, *f);
			}
			cJSON_DeleteItemFromObjectCaseSensitive(before, resource_get(c->kind)->id_field);
			cJSON_AddItemToObject(before, resource_get(c->kind)->id_field, jsonid(nid));
			flag = resource_get(c->kind)->sole_flag;
			if (flag && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(before, flag)) &&
			    !flag_given_back(src, ord, n, c, flag)) {
				/* Canvas refuses to delete the front page and the course had none before */
				nc = plan_add(p, STEP, c->course_id, c->kind, nid, parent, c->name, PLAN_UPDATE, flag,
					      cJSON_CreateTrue(), cJSON_CreateFalse());
				nc->note = xasprintf("before the delete: no other %s had %s", plan_kind_name(c->kind),
						     flag);
			}
			nc = plan_add(p, STEP, c->course_id, c->kind, nid, parent, c->name, PLAN_DELETE, NULL, before,
				      cJSON_CreateNull());
			nc->note = xasprintf("deletes what change %ld of the journal created", c->seq);
			break;
		case PLAN_DELETE:
			if (resource_get(c->kind)->referenced)
				rid = xstrdup(map_get(&deleted, c->course_id, c->id));
			else
				rid = xasprintf("new:%ld", p->next_new++);
			recreate(p, c, rid, &deleted);
			free(rid);
			break;
		}
	}
	free(ord);
	map_release(&created);
	map_release(&deleted);
	for (i = 0; i < p->nchanges; i++)
		p->changes[i].seq = (long)i + 1;
	*out = p;
	return 0;
}

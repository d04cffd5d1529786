/* runner/exec_order.c -- apply's units and their order (exec.c's step 5): which request each change
 * to write goes in, and when each request leaves.
 *
 * Units (exec_plan_units, after the stale check of each object, exec_stale.c): an object's changed
 * fields go in one PUT unit; the fields its row writes elsewhere (a checkpointed discussion's dates,
 * its overrides' too) in one PUT there; a create in
 * a POST unit (a PUT when the stale check adopted the object), a delete in a DELETE unit; the
 * assignment and override dates of a course in bulk units of BULK_BATCH assignments (the limit of
 * assignment_ids[]), an assignment's overrides with it. A field Canvas cannot write, or a create of
 * a kind Canvas cannot make, fails here.
 *
 * Order and concurrency. Independent units are all submitted at once and the engine's window
 * (http.c, AIMD on X-Rate-Limit-Remaining) decides how many fly; their intents go in one fsync'ed
 * batch (thousands of PUTs must not cost thousands of fsyncs). The bulk units are submitted first:
 * each is a chain (the PUT, a Progress poll 0.3 s after its answer, the re-read), and their polls
 * are HTTP_URGENT, so the chains run out while the other writes fill the window; sent last, the
 * run ended on those chains with the window half empty (issue 18; before the polls were urgent,
 * bulk units first only moved the wait: the polls queued behind every PUT). What depends on order runs as one
 * chain per course, one request after the other: creates of pages (a module item may name one),
 * then modules (creates and position changes, by target position ascending -- each insert_at then
 * lands where the plan wants it), module prerequisites (Canvas drops prerequisites not placed
 * before the module), module items (creates, moves and position changes by target position
 * ascending across all the course's modules, then by module), item deletes, module deletes last
 * (so an item moved out of a deleted module is moved first), one topic's date overrides one
 * after the other (stage 6, exec_date_details.c), and the writes elsewhere of an object whose row
 * says they name a whole set (elsewhere_chained: a checkpointed discussion with checkpoint
 * overrides, whose date_details writes each name every override; stage 7), one after the other
 * per owner.
 * A flag only one object of a course holds (the row's sole_flag: a page's front_page) is set
 * before it is cleared, and its holder is deleted after both. Canvas moves the front page to the
 * page set front (WikiPagesApiController#process_front_page -> WikiPage#set_as_front_page!), so
 * the old front page's planned front_page=false, sent after, changes nothing there; sent first,
 * it would leave the course without a front page for a moment, and Wiki#unset_front_page!
 * (app/models/wiki.rb) turns a "wiki" home page view into the default for good. And
 * WikiPagesApiController#destroy refuses to delete the front page (400), so a rollback's DELETE
 * of a page it made front waits for the PUTs that give the flag back (exec_inverse.c).
 * Items in one order across modules, not module after module: a move takes an item out of one
 * module and into another, and the item that leaves must not still sit in front of the places the
 * writes into its old module fill. Lowest target position first, the writes fill every module
 * front to back, so an item still to leave a module sits behind the places already filled and its
 * leaving shifts none of them; module by module, items moved each way around an item that keeps
 * its place left a module one place off (t0933-item-moves.sh).
 * A create that refers to another ("new:N" in module_id or prerequisites) gets the real id when
 * its turn comes (unit_prepare); if the other create failed, it is skipped with the reason.
 * Known limit: ascending target positions give the planned order whenever the objects that keep
 * their position are not displaced by the moves around them; a reorder that needs an unchanged
 * sibling moved and back is not planned that way, nor is an item that leaves its module (moved to
 * a place in another module that comes later, or deleted) while it still sits in front of an
 * unchanged sibling that a write behind it relies on. Read-back reports each object's own position
 * only; since objects not written keep their order among themselves, a displaced one always leaves
 * a written one off its place, which fails.
 *
 * How it talks to the others: exec_run (exec.c) calls exec_plan_units, then exec_start_units. A
 * unit is sent by exec_send_object or exec_on_delete (exec_object.c) or exec_send_bulk
 * (exec_bulk.c); when a chained unit ends (exec_unit_finish_async, exec.c) the next one of its
 * course starts (exec_chain_run).
 */
#include "exec_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_internal.h"
#include "http.h"
#include "journal.h"
#include "jsonid.h"
#include "resource.h"
#include "strmap.h"
#include "xalloc.h"

#define BULK_BATCH 100        /* assignments per bulk_update */
#define POS_LAST 1e15         /* sort key of a create without a position: last */

static int refers_new(const cJSON *v)
{
	const cJSON *it;

	if (cJSON_IsString(v))
		return !strncmp(v->valuestring, "new:", 4);
	cJSON_ArrayForEach(it, v)
		if (refers_new(it))
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- submitting */

/* Get u ready to send: the fields with the ids of objects created earlier in this run. Returns 1
 * when u ended at once (the run stopped, or it refers to a create that failed), else 0. */
static int unit_prepare(struct unit *u)
{
	struct exec *x = u->x;
	struct xobj *ob = u->obj;
	const char *missing = NULL;
	cJSON *sent, *f;
	size_t i;

	if (x->stopped || http_stopped(canvas_http(x->cv))) {
		exec_unit_done(u);
		return 1;
	}
	if (u->type == U_BULK)
		return 0;
	/* the fields to send, with the ids of objects created earlier in this run */
	sent = cJSON_CreateObject();
	for (i = 0; i < u->nch && !missing; i++) {
		const struct plan_change *c = exec_chg(x, u->ch[i]);

		if (c->op == PLAN_CREATE) {
			const cJSON *src = ob->adopt_fix ? ob->adopt_fix : c->after;

			cJSON_ArrayForEach(f, src) {
				cJSON *v;

				if (exec_is_derived_field(c->kind, f->string))
					continue;   /* Canvas makes it (a page's slug from its title, API.md 7.1) */
				v = exec_resolve_value(x, c->course_id, f, &missing);
				if (!v)
					break;
				cJSON_AddItemToObject(sent, f->string, v);
			}
		} else if ((c->op == PLAN_UPDATE || c->op == PLAN_MOVE) && !exec_is_derived_field(c->kind, c->field)) {
			cJSON *v = exec_resolve_value(x, c->course_id, c->after, &missing);

			if (v)
				cJSON_AddItemToObject(sent, c->field, v);
		}
	}
	exec_keep_locked(u, sent);
	if (!missing && resource_get(ob->c0->kind)->moves && !exec_item_parent(u)) {
		/* its parent is a create that failed */
		static char its[64];

		snprintf(its, sizeof(its), "its %s", resource_get(resource_get(ob->c0->kind)->parent_kind)->name);
		missing = ob->c0->parent ? ob->c0->parent : its;
	}
	if (missing) {
		char *r = xasprintf("not written: it refers to %s, which this run did not create", missing);

		for (i = 0; i < u->nch; i++)
			exec_outcome(x, u->ch[i], JOURNAL_SKIPPED, r, NULL, NULL);
		free(r);
		cJSON_Delete(sent);
		exec_unit_done(u);
		return 1;
	}
	u->sent = sent;
	return 0;
}

/* Send a prepared unit whose intents are journaled. */
static void unit_send(struct unit *u)
{
	struct exec *x = u->x;
	struct xobj *ob = u->obj;

	if (u->type == U_BULK) {
		exec_send_bulk(u);
		return;
	}
	if (u->type == U_DELETE) {
		char *path = exec_object_path(ob->c0->kind, ob->c0->course_id, ob->c0->id, exec_item_parent(u), 0);
		char *what = xasprintf("%s %s of course %s", plan_kind_name(ob->c0->kind), ob->c0->id, ob->c0->course_id);

		canvas_send(x->cv, "DELETE", path, NULL, 0, what, exec_on_delete, u);
		free(path);
		free(what);
		return;
	}
	if (ob->adopted)
		u->new_id = xstrdup(ob->adopted);
	exec_send_object(u, u->type == U_CREATE && !ob->adopted);
}

/* Start u. Returns 1 when u ended at once (nothing sent), 0 when a request is in flight. */
static int unit_submit(struct unit *u)
{
	if (unit_prepare(u))
		return 1;
	if (exec_journal_batch(u->x, &u, 1)) {
		exec_unit_done(u);
		return 1;
	}
	unit_send(u);
	return 0;
}

void exec_chain_run(struct unit *u)
{
	for (; u; u = u->next)
		if (!unit_submit(u))
			return;
}

/* Which chain stage a unit of the object belongs to, or -1 when it runs free. */
static int chain_stage(const struct exec *x, struct unit *u)
{
	const struct plan_change *c0 = u->obj->c0;
	const struct resource *res = resource_get(c0->kind);
	int has_pos = 0, has_pre = 0, moves = 0, news = 0, flag_on = 0, flag_off = 0, holder = 0;
	const cJSON *pos = NULL, *mod = NULL;
	size_t i;
	char b[32];

	for (i = 0; i < u->nch; i++) {
		const struct plan_change *c = exec_chg(x, u->ch[i]);

		if (res->sole_flag && c->op == PLAN_DELETE)
			holder = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c->before, res->sole_flag));
		else if (res->sole_flag && c->op == PLAN_UPDATE && c->field && !strcmp(c->field, res->sole_flag))
			*(cJSON_IsTrue(c->after) ? &flag_on : &flag_off) = 1;
		if (c->op == PLAN_CREATE) {
			pos = cJSON_GetObjectItemCaseSensitive(u->obj->adopt_fix ? u->obj->adopt_fix : c->after, "position");
			mod = res->moves ? cJSON_GetObjectItemCaseSensitive(c->after, res->parent_field) : NULL;
			news |= refers_new(c->after);
		} else if (c->field && !strcmp(c->field, "position")) {
			has_pos = 1;
			pos = c->after;
		} else if (c->field && res->referenced && res->id_refs && !strcmp(c->field, res->id_refs)) {
			has_pre = 1;
			news |= refers_new(c->after);
		} else if (c->op == PLAN_MOVE) {
			moves = 1;
			mod = c->after;
			news |= refers_new(c->after);
		}
	}
	u->key1 = pos && cJSON_IsNumber(pos) ? pos->valuedouble : POS_LAST + (double)u->order;
	if (res->moves) {
		const char *m = mod ? jsonid_text(mod, b) : (u->obj->live_parent[0] ? u->obj->live_parent : c0->parent);

		snprintf(u->key2, sizeof(u->key2), "%s", m ? m : "");
	}
	/* stages: 0 creates others may name (pages), 1 referenced objects (modules), 2 their references
	 * (prerequisites) and objects naming a new one, 3 moving children (items), 4 their deletes,
	 * 5 referenced deletes, 6 sets written one after the other (a topic's date overrides), 7 writes
	 * elsewhere that name a set (a checkpointed discussion's date_details). The row's sole_flag (a
	 * page's front_page): taken with the creates (0), cleared with the item deletes (4), its holder
	 * deleted with the referenced deletes (5) -- see the design comment */
	if (u->type == U_CREATE && !res->referenced && !res->moves)
		return 0;
	if (res->referenced) {
		if (u->type == U_DELETE)
			return 5;
		if (u->type == U_CREATE || has_pos)
			return 1;
		if (has_pre || news)
			return 2;
		return -1;
	}
	if (res->moves) {
		if (u->type == U_DELETE)
			return 4;
		if (u->type == U_CREATE || has_pos || moves || news)
			return 3;
		return -1;
	}
	if (res->sole_flag && !u->checkpoint && (flag_on || flag_off || holder))
		return flag_on ? 0 : flag_off ? 4 : 5;
	if (u->checkpoint && exec_checkpoint_chained(c0->kind, exec_checkpoint_owner(u))) {
		/* one discussion's writes elsewhere one after the other, each naming the whole set as the
		 * one before left it (the row's elsewhere_chained: runner/resource_assignment.c) */
		const char *owner = exec_checkpoint_owner_id(u);

		snprintf(u->key2, sizeof(u->key2), "%s", owner ? owner : "");
		u->key1 = (double)u->order;
		return 7;
	}
	if (res->written_as_set) {   /* one topic's overrides one after the other (exec_date_details.c) */
		snprintf(u->key2, sizeof(u->key2), "%s", u->obj->live_parent[0] ? u->obj->live_parent :
			 c0->parent ? c0->parent : "");
		u->key1 = (double)u->order;
		return 6;
	}
	return news ? 2 : -1;
}

static int cmp_chain(const void *a, const void *b)
{
	const struct unit *x = *(struct unit *const *)a, *y = *(struct unit *const *)b;
	int r = strcmp(x->course_id, y->course_id);

	if (r)
		return r;
	if (x->stage != y->stage)
		return x->stage < y->stage ? -1 : 1;
	/* module items: by target position across the course's modules, then module (a move takes an
	 * item out of one module and into another, so the modules are not independent: see the
	 * design comment) */
	if (x->stage == 3 && x->key1 != y->key1)
		return x->key1 < y->key1 ? -1 : 1;
	if ((r = strcmp(x->key2, y->key2)))
		return r;
	if (x->key1 != y->key1)
		return x->key1 < y->key1 ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The bulk units of the course: its bulk changes (in plan order), BULK_BATCH assignments a unit. */
static void make_bulk_units(struct exec *x, const size_t *bulk, size_t n)
{
	struct unit *u = NULL;
	const char *course = NULL;
	size_t i, nassign = 0;
	struct strmap seen = STRMAP_INIT;

	for (i = 0; i < n; i++) {
		const struct plan_change *c = exec_chg(x, bulk[i]);
		const char *a = exec_bulk_assignment(c);
		char *k = exec_nkey(c->course_id, a);
		int is_new = !strmap_get(&seen, k);

		if (!u || strcmp(course, c->course_id) || (is_new && nassign >= BULK_BATCH)) {
			u = exec_unit_new(x, U_BULK, NULL);
			u->course_id = c->course_id;
			course = c->course_id;
			nassign = 0;
		}
		if (is_new) {
			nassign++;
			strmap_put_take(&seen, k, (void *)1);
		} else {
			free(k);
		}
		exec_unit_add(u, bulk[i]);
	}
	strmap_release(&seen);
}

static int cmp_bulk(const void *a, const void *b, const struct exec *x)
{
	const struct plan_change *p = exec_chg(x, *(const size_t *)a), *q = exec_chg(x, *(const size_t *)b);
	int r = strcmp(p->course_id, q->course_id);

	if (!r)
		r = strcmp(exec_bulk_assignment(p), exec_bulk_assignment(q));
	if (!r)
		r = (int)p->kind - (int)q->kind;
	if (!r)
		r = strcmp(p->id, q->id);
	if (!r)
		r = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return r;
}

static const struct exec *bulk_sort_exec;

static int cmp_bulk_q(const void *a, const void *b)
{
	return cmp_bulk(a, b, bulk_sort_exec);
}

static int can_create(enum resource_kind kind)
{
	char *p = exec_create_path(kind, "0", "0");
	int ok = p != NULL;

	free(p);
	return ok;
}

/* Stale-check every object, journal the outcomes known now, and make the units. */
void exec_plan_units(struct exec *x)
{
	size_t oi, k, *bulk = NULL, nbulk = 0;
	struct strmap taken = STRMAP_INIT;

	for (oi = 0; oi < x->nobjs; oi++)   /* the window's changes */
		nbulk += x->objs[oi]->nch;
	bulk = xcalloc(nbulk ? nbulk : 1, sizeof(*bulk));
	nbulk = 0;
	for (oi = 0; oi < x->nobjs; oi++) {
		struct xobj *ob = x->objs[oi];
		const struct plan_change *c0 = ob->c0;
		const char *unread = strmap_get(&x->unread, c0->course_id);
		enum verdict *v;
		char **why;
		struct unit *put = NULL, *cput = NULL;
		const char *conflict_field = NULL;
		char *lk;

		if (unread) {   /* no stale check is possible: nothing of this course is written */
			char *r = xasprintf("not written: the course could not be read before writing (%s)", unread);

			for (k = 0; k < ob->nch; k++)
				exec_outcome(x, ob->ch[k], JOURNAL_FAILED, r, NULL, NULL);
			free(r);
			continue;
		}
		v = xcalloc(ob->nch, sizeof(*v));
		why = xcalloc(ob->nch, sizeof(*why));

		lk = exec_okey(c0->course_id, c0->kind, c0->id);
		ob->live = c0->op == PLAN_CREATE ? NULL : strmap_get(&x->live, lk);
		free(lk);
		exec_live_parent(x, ob);
		for (k = 0; k < ob->nch; k++) {
			v[k] = exec_check_change(x, ob, ob->ch[k], &why[k], &taken);
			if (v[k] == V_CONFLICT && !conflict_field) {
				const struct plan_change *c = exec_chg(x, ob->ch[k]);

				conflict_field = c->field ? c->field : plan_op_name(c->op);
				if (!x->o->force || !ob->live)
					ob->conflict = 1;
			}
		}
		for (k = 0; k < ob->nch; k++) {
			size_t i = ob->ch[k];
			const struct plan_change *c = exec_chg(x, i);
			cJSON *tmp = NULL;

			if (v[k] == V_DONE) {
				exec_outcome(x, i, JOURNAL_DONE, NULL, intmap_get(&x->res->new_id, i), NULL);
			} else if (v[k] == V_CONFLICT && ob->conflict) {
				const cJSON *live = c->field && ob->live ? exec_live_field(ob, c->field, &tmp) : ob->clash;

				exec_outcome(x, i, JOURNAL_CONFLICT, why[k], NULL, live);
				/* for apply's grouped report (cmd_apply.c, render_conflicts.c) */
				intmap_put(&x->res->why, i, (void *)(uintptr_t)(c->op == PLAN_CREATE ? EXEC_CONFLICT_OTHER :
					!ob->live ? EXEC_CONFLICT_GONE : EXEC_CONFLICT_CHANGED));
				if (c->field && ob->live && live)
					cJSON_Delete(intmap_put(&x->res->live, i, cJSON_Duplicate(live, 1)));
			} else if (ob->conflict) {
				char *r = xasprintf("not written: %s of this object is a conflict", conflict_field);

				exec_outcome(x, i, JOURNAL_CONFLICT, r, NULL, NULL);
				intmap_put(&x->res->why, i, (void *)(uintptr_t)EXEC_CONFLICT_WITH);
				free(r);
			} else if (c->op == PLAN_UPDATE &&
				   exec_checkpoint_field(c->kind, ob->live, c->field)) {
				if (!cput) {
					cput = exec_unit_new(x, U_PUT, ob);
					cput->checkpoint = 1;
				}
				exec_unit_add(cput, i);
			} else if ((c->op == PLAN_UPDATE || c->op == PLAN_MOVE) && exec_is_bulk_field(c->kind, c->field)) {
				bulk[nbulk++] = i;
			} else if ((c->op == PLAN_UPDATE || c->op == PLAN_MOVE) && !exec_param_name(c->kind, c->field, 0) &&
				   !exec_is_derived_field(c->kind, c->field)) {
				char *r = xasprintf("coursectl has no way to write it: Canvas's API takes no parameter for "
						    "%s field %s (a read-only or unknown field, API.md 12)",
						    plan_kind_name(c->kind), c->field);

				exec_outcome(x, i, JOURNAL_FAILED, r, NULL, NULL);
				free(r);
			} else if (c->op == PLAN_CREATE && !can_create(c->kind)) {
				exec_outcome(x, i, JOURNAL_FAILED, "Canvas's API cannot create this kind of object", NULL, NULL);
			} else if (c->op == PLAN_CREATE) {
				struct unit *u = exec_unit_new(x, ob->adopted ? U_PUT : U_CREATE, ob);

				exec_unit_add(u, i);
			} else if (c->op == PLAN_DELETE) {
				exec_unit_add(exec_unit_new(x, U_DELETE, ob), i);
			} else {
				if (!put)
					put = exec_unit_new(x, U_PUT, ob);
				exec_unit_add(put, i);
			}
			cJSON_Delete(tmp);
			free(why[k]);
		}
		free(v);
		free(why);
	}
	/* bulk units: grouped by course, then assignment, its overrides with it */
	bulk_sort_exec = x;
	qsort(bulk, nbulk, sizeof(*bulk), cmp_bulk_q);
	for (k = 0; k < nbulk; k++) {
		struct xobj *ob = exec_obj_of(x, bulk[k]);

		if (ob && (k == 0 || exec_obj_of(x, bulk[k - 1]) != ob))
			ob->units++;
	}
	make_bulk_units(x, bulk, nbulk);
	free(bulk);
	strmap_release(&taken);
}

void exec_start_units(struct exec *x)
{
	struct unit **chained = xcalloc(x->nunits ? x->nunits : 1, sizeof(*chained));
	size_t i, n = 0, nunits = x->nunits;

	for (i = 0; i < nunits; i++) {
		struct unit *u = x->units[i];

		if (u->type == U_BULK)
			continue;
		u->stage = chain_stage(x, u);
		if (u->stage >= 0) {
			u->chained = 1;
			chained[n++] = u;
		}
	}
	qsort(chained, n, sizeof(*chained), cmp_chain);
	for (i = 0; i + 1 < n; i++)
		if (!strcmp(chained[i]->course_id, chained[i + 1]->course_id))
			chained[i]->next = chained[i + 1];
	/* free units and bulk units all at once, their intents in one fsync'ed batch (thousands of
	 * PUTs must not cost thousands of fsyncs), the bulk units sent first (their Progress waits
	 * overlap the other writes); then each course's chain from its head */
	{
		struct unit **ready = xcalloc(nunits ? nunits : 1, sizeof(*ready));
		size_t nr = 0, k;
		int bulk;

		for (i = 0; i < nunits; i++)
			if (!x->units[i]->chained && !unit_prepare(x->units[i]))
				ready[nr++] = x->units[i];
		if (nr && exec_journal_batch(x, ready, nr)) {
			for (k = 0; k < nr; k++)
				exec_unit_done(ready[k]);
		} else {
			for (bulk = 1; bulk >= 0; bulk--)
				for (k = 0; k < nr; k++)
					if ((ready[k]->type == U_BULK) == bulk)
						unit_send(ready[k]);
		}
		free(ready);
	}
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(chained[i - 1]->course_id, chained[i]->course_id))
			exec_chain_run(chained[i]);
	free(chained);
}

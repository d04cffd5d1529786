/* runner/exec_verify.c -- apply's read-back (exec.c's step 4): a write is done only when Canvas
 * shows the value the plan wanted: in its answer, and again after the writes where a later write
 * of the run can move it.
 *
 * First the answer (a PUT returns the object) must show every new value (exec_value_matches:
 * dates as instants, HTML normalised). A 2xx that does not show it is a failure: "Canvas answered
 * 200 but did not change due_at" (USERS.md item 6: a missing wrapper, a dropped parameter, a
 * permission that silently ignores). A field the answer does not carry (a course's syllabus_body)
 * is re-read with one GET (exec_submit_reread); a date_details write, answered 204, is re-read
 * with GET date_details. Bulk dates are read back by exec_bulk.c.
 * Then, when every write is answered, the final re-read (exec_verify): the stale check's list
 * calls run once more, for the objects whose values no answer proves, and every value this run
 * wrote there must be there. A failure found there is journaled as a second outcome, which
 * supersedes the first. A failed field's outcome records the value Canvas shows ("live": stored in
 * another form, e.g. fancy midnight), which rollback restores from. A field of an object the plan
 * deletes after writing it (a rollback unsets a page's front_page, then deletes the page:
 * exec_inverse.c) is judged by its answer alone: the re-read cannot find it. The final re-read also
 * counts the objects that match a create sent again after a lost answer (exec_report_duplicates,
 * exec_lost.c).
 * What an answer proves (issue 18: the re-read of every list after every run cost a third of
 * apply's requests). Canvas answers a PUT or POST with the object as it saved it, in the same
 * request: AssignmentsApiController#update -> render_create_or_update_result renders
 * assignment_json of the saved record, and the wiki page, topic, quiz, module, item, event and
 * course controllers do the same. Such an answer proves its values unless something this run
 * does later can move them, which is what the re-read is kept for (mark_unproven):
 *   - positions: ContextModulesApiController#set_position and
 *     ContextModuleItemsApiController#set_position call insert_at (acts_as_list), which renumbers
 *     the siblings, so a position set early is moved by a later sibling's move, create or delete
 *     (the order exec_order.c writes in relies on the re-read: "a displaced one leaves a written
 *     one off its place"); an item's module (a move) and a create among positioned siblings too;
 *   - an object, or the object holding it (an item's module, an override's assignment, a topic's
 *     date override's topic), written by more than one request of this run: a later one may move
 *     what an earlier answer showed (a module's prerequisites after its create, a topic's date
 *     overrides one after the other, an assignment's PUT and its dates' bulk_update);
 *   - an object whose save moves another, and that other (the row's moves_field: a section
 *     event's parent_event_id; CalendarEvent#sync_parent_event, cache_child_event_ranges! in
 *     calendar_event.rb, moves the parent whenever a child is saved: plan_sections.c);
 *   - a field that cascades (the row's cascade_field: a module's `published`,
 *     ContextModulesApiController#update carries it to the items and their content,
 *     t0942-module-cascade.sh): every value of it written in a course where one is;
 *   - a create sent again after a lost answer: its twin is looked for in the re-read.
 * What no answer shows is read back at once, per unit, not here: a bulk_update's Progress names
 * no values (AssignmentsApiController#bulk_update runs Assignment::BulkUpdate in a job), so
 * exec_bulk.c re-reads the job's assignments once it completed; a date_details write answers 204
 * (re-read with GET date_details); a field missing from the answer, with one GET. An answer that
 * showed the new value and did not last with nothing of this run to explain it (canvas-sim's
 * `ignore` script on a lone PUT) is someone else's later change, like a teacher's edit a second
 * after any re-read: no read of ours can rule that out, and none is spent on it. A lone PUT whose
 * 200 changed nothing, as Canvas gives one (a dropped parameter, a permission that silently
 * ignores), shows the old value in its answer and fails there (t0910-apply.sh).
 * How it talks to the others: exec_object.c hands each answer to exec_read_back; exec_run
 * (exec.c) calls exec_verify and exec_report_duplicates after the event loop has drained, using
 * exec_fetch_live and exec_index_live for the re-read; both run once per window of courses and look
 * only at the window's changes (X_INWIN in x->flags). Verdicts become outcomes through exec_outcome.
 */
#include "exec_run.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exec_internal.h"
#include "jsonid.h"
#include "msg.h"
#include "resource.h"
#include "strmap.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- read-back of one object */

/* Compare the answer with what was sent; set outcomes. Returns 1 when a field is missing from the
 * answer and a re-read is needed (only in phases 0 and 1). */
int exec_read_back(struct unit *u, const cJSON *got, int final)
{
	struct exec *x = u->x;
	const struct xobj *ob = u->obj;
	enum resource_kind kind = ob->c0->kind;
	const cJSON *f;
	size_t i;
	int missing = 0;
	struct buf bad = BUF_INIT;

	cJSON_ArrayForEach(f, u->sent) {
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, f->string);

		if (!g && !cJSON_IsNull(f) && !final) {
			missing = 1;
			continue;
		}
		if (!g && !cJSON_IsNull(f)) {
			buf_printf(&bad, "%sCanvas's answer does not show %s, so coursectl cannot tell whether it was "
				   "written", bad.len ? "; " : "", f->string);
			continue;
		}
		if (!exec_same(x, kind, f->string, f, g)) {
			char *gw = exec_brief(g), *ww = exec_brief(f);

			buf_printf(&bad, "%sCanvas answered %s but %s is %s, not %s", bad.len ? "; " : "",
				   "2xx", f->string, gw, ww);
			free(gw);
			free(ww);
		}
	}
	if (missing) {
		buf_release(&bad);
		return 1;
	}
	for (i = 0; i < u->nch; i++) {
		size_t ci = u->ch[i];
		const struct plan_change *c = exec_chg(x, ci);

		if (c->op == PLAN_CREATE) {
			exec_outcome(x, ci, bad.len ? JOURNAL_FAILED : JOURNAL_DONE, bad.len ? bad.ptr : NULL, u->new_id, NULL);
			continue;
		}
		/* one change per field: find its verdict */
		{
			const cJSON *want = cJSON_GetObjectItemCaseSensitive(u->sent, c->field);
			const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, c->field);

			if (!want && exec_is_derived_field(kind, c->field)) {
				/* Canvas made it from what was sent: the plan's prediction is checked */
				if (g && exec_same(x, kind, c->field, c->after, g)) {
					exec_outcome(x, ci, JOURNAL_DONE, NULL, NULL, NULL);
				} else {
					char *gw = exec_brief(g), *ww = exec_brief(c->after);
					char *r = xasprintf("Canvas made %s %s, not %s as planned", c->field, gw, ww);

					exec_outcome(x, ci, JOURNAL_FAILED, r, NULL, g);
					free(r);
					free(gw);
					free(ww);
				}
			} else if (!want) {
				exec_outcome(x, ci, JOURNAL_DONE, NULL, NULL, NULL);
			} else if (!g && !cJSON_IsNull(want)) {
				char *r = xasprintf("Canvas's answer does not show %s, so coursectl cannot tell whether it "
						    "was written", c->field);

				exec_outcome(x, ci, JOURNAL_FAILED, r, NULL, NULL);
				free(r);
			} else if (exec_same(x, kind, c->field, want, g)) {
				exec_outcome(x, ci, JOURNAL_DONE, NULL, NULL, NULL);
			} else if (exec_same(x, kind, c->field, c->before, g)) {
				char *r = xasprintf("Canvas answered %s but did not change %s", "200", c->field);

				exec_outcome(x, ci, JOURNAL_FAILED, r, NULL, g);
				free(r);
			} else {
				char *gw = exec_brief(g), *ww = exec_brief(want);
				char *r = xasprintf("Canvas answered 200 but stored %s instead of %s", gw, ww);

				exec_outcome(x, ci, JOURNAL_FAILED, r, NULL, g);
				free(r);
				free(gw);
				free(ww);
			}
		}
	}
	buf_release(&bad);
	return 0;
}

/* A re-read of date_details: the override u wrote (NULL when gone). Every override of the topic
 * in the live copy takes the dates Canvas now holds, so the next write of the topic (chained after
 * this one) starts from them. */
static const cJSON *date_details_reread(const struct unit *u, const cJSON *json)
{
	const cJSON *o, *mine = NULL;
	cJSON *live = exec_date_siblings(u), *l;
	char b[32], lb[32];

	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(json, "overrides")) {
		const char *oid = jsonid_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b);

		if (!oid)
			continue;
		if (!strcmp(oid, exec_obj_id(u)))
			mine = o;
		cJSON_ArrayForEach(l, live) {
			const char *lid = jsonid_text(cJSON_GetObjectItemCaseSensitive(l, "id"), lb);
			const char *const dates[] = { "unlock_at", "lock_at" };
			size_t d;

			if (!lid || strcmp(lid, oid))
				continue;
			for (d = 0; d < 2; d++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, dates[d]);

				cJSON_DeleteItemFromObjectCaseSensitive(l, dates[d]);
				cJSON_AddItemToObject(l, dates[d], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
			}
		}
	}
	return mine;
}

static void on_reread(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;

	(void)cv;
	if (err->code == ERR_AUTH || (u->x->stopped && err->code)) {
		/* the write got its answer: the changes stay intent, resume re-reads them */
	} else if (err->code) {
		exec_fail_all(u, "written, but the re-read to check it failed: %s", err->msg);
	} else if (resource_get(u->obj->c0->kind)->written_as_set) {
		const cJSON *mine = date_details_reread(u, json);
		cJSON *none = mine ? NULL : cJSON_CreateObject();

		exec_read_back(u, mine ? mine : none, 1);
		cJSON_Delete(none);
	} else if (u->checkpoint) {
		/* the object written through (its own, or its parent's: elsewhere_via_parent), normalized
		 * (checkpoints' dates by their names), carried into the live copy for the next write of a
		 * chain (elsewhere_refresh), then the unit's object read back from it */
		const struct resource *res = resource_get(u->obj->c0->kind);
		const struct resource *own = exec_checkpoint_row(u->obj->c0->kind);
		const cJSON *mine = json, *o;
		cJSON *none = NULL;
		char b[32];

		if (own->normalize)
			own->normalize(json);
		exec_checkpoint_refresh(u->obj->c0->kind, exec_checkpoint_owner(u), json);
		if (res->elsewhere_via_parent) {
			mine = NULL;
			cJSON_ArrayForEach(o, object_children(own->kind, json)) {
				const char *id = object_id(res->kind, o, b);

				if (id && !strcmp(id, exec_obj_id(u)))
					mine = o;
			}
		}
		if (!mine)
			none = cJSON_CreateObject();
		exec_read_back(u, mine ? mine : none, 1);
		cJSON_Delete(none);
	} else {
		if (resource_get(u->obj->c0->kind)->normalize)   /* checkpoints' dates by their names */
			resource_get(u->obj->c0->kind)->normalize(json);
		exec_read_back(u, json, 1);
	}
	cJSON_Delete(json);
	exec_unit_finish_async(u);
}

void exec_submit_reread(struct unit *u)
{
	const struct xobj *ob = u->obj;
	const struct resource *res = resource_get(ob->c0->kind);
	/* a write through the parent (elsewhere_via_parent) is read back from the parent */
	int via = u->checkpoint && res->elsewhere_via_parent;
	/* ... and one the row reads back where it was written (a page's date_details) from there */
	char *path = via ? exec_object_path(res->parent_kind, ob->c0->course_id, exec_item_parent(u), NULL, 1)
		     : u->checkpoint && res->reread_elsewhere ?
			exec_checkpoint_path(ob->c0->kind, ob->c0->course_id, exec_checkpoint_owner(u))
		     : exec_object_path(ob->c0->kind, ob->c0->course_id, exec_obj_id(u), exec_item_parent(u), 1);
	char *what = xasprintf("%s %s of course %s", plan_kind_name(ob->c0->kind), exec_obj_id(u), ob->c0->course_id);

	u->phase = 2;
	canvas_get(u->x->cv, path, what, on_reread, u);
	free(path);
	free(what);
}

/* ---------------------------------------------------------------- the final re-read */

/* The live object of change i now (creates: by the id they got), or NULL. */
static cJSON *live_now(const struct exec *x, size_t i)
{
	const struct plan_change *c = exec_chg(x, i);
	const char *id = c->op == PLAN_CREATE ? (const char *)intmap_get(&x->res->new_id, i) : c->id;
	char *k;
	cJSON *o;

	if (!id)
		return NULL;
	k = exec_okey(c->course_id, c->kind, id);
	o = strmap_get(&x->live, k);
	free(k);
	return o;
}

/* 1 when the object of change i is deleted by this plan too: a rollback clears a page's front_page
 * before it deletes it (exec_inverse.c), and the re-read cannot show that value any more. */
static int deleted_after(struct exec *x, size_t i)
{
	const struct xobj *ob = exec_obj_of(x, i);
	size_t k;

	for (k = 0; ob && k < ob->nch; k++)
		if (exec_chg(x, ob->ch[k])->op == PLAN_DELETE)
			return 1;
	return 0;
}

/* What a re-read shows for a done change written in this run: NULL when the value is there, else
 * a reason (malloced) and, for a field that shows another value, that value in *live (a copy for
 * the journal, cJSON_Delete; else NULL). */
static char *verify_change(struct exec *x, size_t i, cJSON **live)
{
	const struct plan_change *c = exec_chg(x, i);
	cJSON *o = live_now(x, i), *want, *tmp = NULL;
	const cJSON *got, *f;
	const char *miss = NULL;
	struct xobj probe;
	char *r = NULL;

	*live = NULL;
	switch (c->op) {
	case PLAN_DELETE:
		return o ? xstrdup("Canvas answered the DELETE, but a re-read still finds the object") : NULL;
	case PLAN_CREATE:
		if (!o)
			return xstrdup("Canvas answered the POST, but a re-read does not find the new object");
		cJSON_ArrayForEach(f, c->after) {
			want = exec_resolve_value(x, c->course_id, f, &miss);
			got = cJSON_GetObjectItemCaseSensitive(o, f->string);
			if (want && got && !exec_same(x, c->kind, f->string, want, got)) {
				char *g = exec_brief(got), *w = exec_brief(want);

				/* a page's url is Canvas's, made from the title: the plan predicted it */
				if (exec_is_derived_field(c->kind, f->string))
					r = xasprintf("Canvas made %s %s, not %s as planned", f->string, g, w);
				else
					r = xasprintf("Canvas answered the POST, but a re-read shows %s %s", f->string, g);
				free(g);
				free(w);
			}
			cJSON_Delete(want);
			if (r)
				return r;
		}
		return NULL;
	default:
		if (!o && deleted_after(x, i))
			return NULL;   /* its answer showed the value; the object's delete came after */
		if (!o)
			return xstrdup("Canvas answered 200, but a re-read does not find the object any more");
		memset(&probe, 0, sizeof(probe));
		probe.x = x;
		probe.c0 = c;
		probe.live = o;
		exec_live_parent(x, &probe);
		got = exec_live_field(&probe, c->field, &tmp);
		want = exec_resolve_value(x, c->course_id, c->after, &miss);
		if (want && !exec_same(x, c->kind, c->field, want, got)) {
			if (exec_same(x, c->kind, c->field, c->before, got)) {
				r = xasprintf("Canvas answered 200 but did not change %s (its answer showed the new value; "
					      "a re-read shows the old one)", c->field);
			} else {
				char *g = exec_brief(got);

				r = xasprintf("Canvas answered 200, but a re-read shows %s %s", c->field, g);
				free(g);
			}
			*live = got ? cJSON_Duplicate(got, 1) : cJSON_CreateNull();
		}
		cJSON_Delete(want);
		cJSON_Delete(tmp);
		return r;
	}
}

/* The object that holds change i's object in its list: its parent for a child (an item's module,
 * an override's assignment, a topic's date override's topic), else the object itself. Malloced
 * (exec_okey). */
static char *holder_key(const struct exec *x, size_t i)
{
	const struct plan_change *c = exec_chg(x, i);
	const char *id = c->id;
	const struct resource *h = resource_get(c->kind);

	if (h->parent_field && c->parent)
		h = resource_parent_row(c->kind, c->parent, &id);
	return exec_okey(c->course_id, h->kind, id ? id : c->id);
}

/* 1 when the answer to change i's write cannot prove its value for good, by the change alone (the
 * design comment): a position (acts_as_list: a later sibling's insert_at, create or delete moves it),
 * an item's module (a move), a create placed among siblings, a create sent again after a lost answer
 * (exec_report_duplicates looks for its twin in the re-read), an object whose save moves another
 * (its row's moves_field: a section event, CalendarEvent#cache_child_event_ranges!). */
static int unproven(const struct exec *x, size_t i)
{
	const struct plan_change *c = exec_chg(x, i);
	const struct resource *res = resource_get(c->kind);
	const struct xobj *ob = exec_obj_of(x, i);

	if ((x->flags[i] & X_DUP_RISK) || c->op == PLAN_MOVE)
		return 1;
	if (c->field && (!strcmp(c->field, "position") || (res->moves && res->parent_field &&
							    !strcmp(c->field, res->parent_field))))
		return 1;
	if (c->op == PLAN_CREATE && cJSON_HasObjectItem(c->after, "position"))
		return 1;
	if (res->moves_field && ob && ob->live) {
		const cJSON *pe = cJSON_GetObjectItemCaseSensitive(ob->live, res->moves_field);

		return pe && !cJSON_IsNull(pe);
	}
	return 0;
}

/* Mark the objects whose values this run wrote and no answer proves (ob->reread): by the change
 * (unproven()); an object (or its holder) written by more than one request of this run -- a later
 * one may move what an earlier one's answer showed (a module's prerequisites after its create, a
 * topic's date overrides one after the other, an assignment PUT and its dates' bulk_update); the
 * object a moves_field names (a section event's parent) when its child is written; and, in a course
 * where a row's cascade_field is written (a module's `published`: ContextModulesApiController#update
 * carries it to the items and their content), every value of that field written there. Returns how
 * many changes are to be checked. */
static size_t mark_unproven(struct exec *x)
{
	struct strmap by = STRMAP_INIT, cascade = STRMAP_INIT;   /* cascade: "course\x1ffield" */
	static char many;
	size_t i, k, n = 0;

	for (k = 0; k < x->nunits; k++) {
		const struct unit *u = x->units[k];

		for (i = 0; i < u->nch; i++) {
			char *key = holder_key(x, u->ch[i]);
			void *prev = strmap_get(&by, key);

			if (!prev)
				strmap_put_take(&by, key, (void *)u);
			else if (prev != (void *)u)
				strmap_put_take(&by, key, &many);
			else
				free(key);
		}
	}
	for (i = x->p->first; i < x->p->first + x->p->nchanges; i++) {   /* the resident window */
		const struct plan_change *c = exec_chg(x, i);
		const char *cf = resource_get(c->kind)->cascade_field;

		if (!(x->flags[i] & X_INWIN))
			continue;   /* another window's (exec.c) */

		if ((x->flags[i] & X_WRITTEN) && x->res->state[i] == JOURNAL_DONE && cf && c->field && !strcmp(c->field, cf)) {
			char *key = xasprintf("%s\x1f%s", c->course_id, cf);

			if (strmap_get(&cascade, key))
				free(key);
			else
				strmap_put_take(&cascade, key, (void *)1);
		}
	}
	for (i = x->p->first; i < x->p->first + x->p->nchanges; i++) {   /* the resident window */
		const struct plan_change *c = exec_chg(x, i);
		struct xobj *ob;
		char *key;
		int un;

		if ((x->flags[i] & (X_INWIN | X_WRITTEN)) != (X_INWIN | X_WRITTEN) || x->res->state[i] != JOURNAL_DONE ||
		    !(ob = exec_obj_of(x, i)))
			continue;
		key = holder_key(x, i);
		un = unproven(x, i) || strmap_get(&by, key) == &many;
		free(key);
		if (!un && c->field && cascade.n) {
			key = xasprintf("%s\x1f%s", c->course_id, c->field);
			un = strmap_get(&cascade, key) != NULL;
			free(key);
		}
		if (!un)
			continue;
		ob->reread = 1;
		n++;
		if (resource_get(c->kind)->moves_field && ob->live) {
			/* the object its save moves (a section event's parent: CalendarEvent#sync_parent_event) */
			char pb[32];
			const char *pid = jsonid_text(cJSON_GetObjectItemCaseSensitive(ob->live,
							   resource_get(c->kind)->moves_field), pb);
			char *pk = pid ? exec_okey(c->course_id, c->kind, pid) : NULL;
			struct xobj *parent = pk ? strmap_get(&x->objmap, pk) : NULL;

			if (parent)
				parent->reread = 1;
			free(pk);
		}
	}
	strmap_release(&by);
	strmap_release(&cascade);
	return n;
}

/* After the writes: the same list calls as the stale check once more, for the objects whose
 * values no answer proves (mark_unproven), and every value this run wrote there must be there:
 * a position set early can be moved by a later sibling's write, an item's module by a later move,
 * a section event's parent by its children's saves, a value by a later request of this run to the
 * same object. Both are failures, journaled as a second outcome that supersedes done. A value whose
 * own answer showed it, with no later write of this run that can move it, is proven by that answer
 * and not read again (issue 18: the lists were read three times). */
int exec_verify(struct exec *x, struct err *err)
{
	size_t i;
	int rc;

	if (!mark_unproven(x))
		return 0;
	strmap_clear(&x->live);
	cJSON_Delete(x->snap);
	x->snap = NULL;
	x->snap_reread = 1;
	if ((rc = exec_fetch_live(x, 1, err))) {
		if (rc == ERR_AUTH)
			return rc;
		warnf("the re-read after the writes failed (%s); the answers to the writes showed every value",
		      err->msg);
		err_clear(err);
		return 0;
	}
	exec_index_live(x);
	for (i = x->p->first; i < x->p->first + x->p->nchanges; i++) {   /* the resident window */
		const struct xobj *ob;
		cJSON *live;
		char *r;

		if (!(x->flags[i] & X_INWIN))
			continue;   /* another window's (exec.c) */
		if (!(x->flags[i] & X_WRITTEN) || x->res->state[i] != JOURNAL_DONE || !(ob = exec_obj_of(x, i)) || !ob->reread ||
		    strmap_get(&x->unread, exec_chg(x, i)->course_id))
			continue;
		r = verify_change(x, i, &live);
		if (r) {
			exec_outcome(x, i, JOURNAL_FAILED, r, NULL, live);
			free(r);
		}
		cJSON_Delete(live);
	}
	return 0;
}

/* Creates sent again after a lost answer (exec_lost.c): an earlier POST may have landed after the
 * look-up window, or may still land. Say so, naming what the re-read shows, and count it in
 * res->doubts (apply then exits non-zero); the change stays done with the id this run recorded,
 * which is what rollback deletes. */
void exec_report_duplicates(struct exec *x)
{
	size_t i;

	for (i = x->p->first; i < x->p->first + x->p->nchanges; i++) {   /* the resident window */
		struct xobj *ob;
		struct strmap none = STRMAP_INIT;
		struct buf ids = BUF_INIT;
		const char *new_id;
		char *r;
		int n = 0;

		if (!(x->flags[i] & X_INWIN) || !(x->flags[i] & X_DUP_RISK) || x->res->state[i] != JOURNAL_DONE)
			continue;
		ob = exec_obj_of(x, i);
		new_id = intmap_get(&x->res->new_id, i);
		if (x->snap_reread && ob)
			exec_find_existing(x, ob, &none, &n, &ids);
		if (n > 1)
			r = xasprintf("a duplicate: Canvas holds %d objects that match it (ids %s); a POST whose answer "
				      "was lost landed after coursectl sent it again. This run's is id %s (rollback "
				      "deletes that one only): delete the other by hand", n, ids.ptr,
				      new_id ? new_id : "?");
		else
			r = xasprintf("a duplicate may still appear: a POST of it got no answer and was sent "
				      "again, and Canvas may still carry the first one out. This run's is id %s; look for "
				      "a second one in a few minutes and delete it by hand",
				      new_id ? new_id : "?");
		exec_outcome(x, i, JOURNAL_DONE, r, NULL, NULL);
		x->res->doubts++;
		free(r);
		buf_release(&ids);
		strmap_release(&none);
	}
}

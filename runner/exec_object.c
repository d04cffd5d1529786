/* runner/exec_object.c -- apply's writes of one object (exec.c's step 3): its PUT, POST or DELETE,
 * and what the answer leads to.
 *
 *   - one PUT per object with every changed field in its wrapper (a move is module_item
 *     [module_id] in the same PUT, with module_item[position]: the plan gives every move its
 *     place in the new module, since Canvas puts an item moved without one last --
 *     context_module_items_api_controller.rb `update` runs insert_at only for a position);
 *   - a checkpointed discussion's dates (its assignment's reply_to_topic_due_at,
 *     required_replies_due_at, unlock_at, lock_at: runner/resource.c) go in one PUT
 *     .../discussion_topics/:id/date_details (exec_checkpoint_field; issue 15, canvas-lms
 *     LearningObjectDatesController#update_checkpointed_assignment), never bulk_update, which
 *     would move the parent's dates and not its checkpoints'; it answers 204, so the unit
 *     re-reads the assignment with include[]=checkpoints; its overrides' checkpoint dates go the
 *     same way (the override row's writes_elsewhere, written through its parent:
 *     elsewhere_via_parent), every write naming all of them (elsewhere_body), chained per
 *     discussion when it has such overrides (elsewhere_chained; exec_order.c, stage 7), each
 *     starting from what the re-read before left (elsewhere_refresh; runner/resource_assignment.c);
 *   - a discussion or announcement PUT carries `locked` as the object has it unless the plan
 *     changes it (exec_keep_locked; an announcement PUT without it reopens comments, issue 15),
 *     and comments closed by hand that a date change reopened are closed again with one more
 *     PUT (keep_comments_closed); a derived field (a page's url, exec_is_derived_field) is
 *     never sent, only read back against the plan;
 *   - a module PUT that changes `published` carries skip_content_tags (exec_body): Canvas
 *     would otherwise (un)publish the module's items and their content (issue 15,
 *     ContextModulesApiController#update); what a recipe wants of them (`cascade: with
 *     items`) is in the plan as changes of their own, each journaled and written by its PUT;
 *   - an ungraded discussion's Assign To override (kind date_override, issue 15): one PUT
 *     .../discussion_topics/:id/date_details naming the topic's whole override set (Canvas
 *     replaces it; exec_date_details.c), answered 204, so read back with GET date_details;
 *     one topic's overrides are chained (exec_order.c, stage 6), each write starting from the set
 *     the previous re-read showed; a page's the same way at .../pages/page_id:N/date_details (the
 *     date override row's alt_parent: parent "page_id:N"), and a page's own unlock_at / lock_at by
 *     one PUT date_details of those two alone (the page row's writes_elsewhere), re-read there
 *     (reread_elsewhere); the live copy of those pages comes from one GET date_details each (the
 *     row's live_more, exec_fetch_live: their list does not show it);
 *   - a create is a POST; fields Canvas does not take on create (a module's published flag,
 *     API.md 6.1) follow in one PUT; a delete is a DELETE (404: already gone, done).
 *
 * How it talks to the others: exec_order.c sends a prepared unit (its intents journaled) with
 * exec_send_object or, a delete, with exec_on_delete as the callback. An answer goes to read-back
 * (exec_read_back, and exec_submit_reread when it lacks a field: exec_verify.c); a POST answered
 * 5xx or not at all goes to exec_check_post (exec_lost.c), which comes back through exec_created
 * (found) or exec_send_object (sent again). A unit ends with exec_unit_finish_async (exec.c).
 */
#include "exec_run.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "exec_internal.h"
#include "msg.h"
#include "resource.h"
#include "xalloc.h"

const char *exec_obj_id(const struct unit *u)
{
	return u->new_id ? u->new_id : u->obj->adopted ? u->obj->adopted : u->obj->c0->id;
}

/* The module an item is addressed under: where Canvas has it now. */
const char *exec_item_parent(const struct unit *u)
{
	const struct xobj *ob = u->obj;

	if (ob->live_parent[0])
		return ob->live_parent;
	if (u->type == U_CREATE || u->new_id) {
		/* a create names its parent in its fields when it can move (an item's module_id) */
		static char b[32];
		const char *m = resource_get(ob->c0->kind)->moves ? object_parent(ob->c0->kind, ob->c0->after, b) : NULL;

		return m ? exec_resolve(u->x, ob->c0->course_id, m) : NULL;
	}
	return exec_resolve(u->x, ob->c0->course_id, ob->c0->parent);
}

/* ---------------------------------------------------------------- selective release */

/* The live overrides of the topic holding date override u (exec_date_details.c), or NULL. */
cJSON *exec_date_siblings(const struct unit *u)
{
	const struct plan_change *c0 = u->obj->c0;
	const char *topic = exec_item_parent(u), *id;
	const struct resource *holder;
	char *k;
	cJSON *t;

	if (!topic)
		return NULL;
	holder = resource_parent_row(c0->kind, topic, &id);   /* a topic, or a page ("page_id:N") */
	k = exec_okey(c0->course_id, holder->kind, id);
	t = strmap_get(&u->x->live, k);
	free(k);
	return t ? object_children(holder->kind, t) : NULL;
}

/* ---------------------------------------------------------------- writes elsewhere */

const char *exec_checkpoint_owner_id(const struct unit *u)
{
	return resource_get(u->obj->c0->kind)->elsewhere_via_parent ? exec_item_parent(u) : exec_obj_id(u);
}

cJSON *exec_checkpoint_owner(const struct unit *u)
{
	const struct plan_change *c0 = u->obj->c0;
	const struct resource *res = resource_get(c0->kind);
	const char *id;
	char *k;
	cJSON *o;

	if (!res->elsewhere_via_parent)
		return u->obj->live;
	if (!(id = exec_item_parent(u)))
		return NULL;
	k = exec_okey(c0->course_id, res->parent_kind, id);
	o = strmap_get(&u->x->live, k);
	free(k);
	return o;
}

static cJSON *date_details_body(const struct unit *u)
{
	return exec_date_details_body(exec_date_siblings(u), exec_obj_id(u), u->sent);
}

/* ---------------------------------------------------------------- PUT and POST of one object */

static void on_write(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud);

/* Send u->sent as a PUT (or, phase 0 of a create, a POST). */
void exec_send_object(struct unit *u, int create)
{
	struct exec *x = u->x;
	const struct xobj *ob = u->obj;
	cJSON *body = resource_get(ob->c0->kind)->written_as_set ? date_details_body(u)
								   : exec_body(ob->c0->kind, u->sent, create);
	char *path, *what;

	if (create) {
		path = exec_create_path(ob->c0->kind, ob->c0->course_id, exec_item_parent(u));
	} else if (u->checkpoint) {
		/* the Learning Object Dates API of the assignment's topic (exec_checkpoint_field), naming
		 * every checkpoint override (the row's elsewhere_body, runner/resource_assignment.c) */
		const cJSON *owner = exec_checkpoint_owner(u);

		cJSON_Delete(body);
		body = exec_checkpoint_body(ob->c0->kind, owner,
					    resource_get(ob->c0->kind)->elsewhere_via_parent ? exec_obj_id(u) : NULL, u->sent);
		path = exec_checkpoint_path(ob->c0->kind, ob->c0->course_id, owner);
	} else {
		path = exec_object_path(ob->c0->kind, ob->c0->course_id, exec_obj_id(u), exec_item_parent(u), 0);
	}
	what = xasprintf("%s %s of course %s", plan_kind_name(ob->c0->kind), create ? "(new)" : exec_obj_id(u),
			 ob->c0->course_id);
	if (create) {
		u->sent_at = exec_now();
		u->posts++;
	}
	canvas_send(x->cv, create ? "POST" : "PUT", path, body, 0, what, on_write, u);
	cJSON_Delete(body);
	free(path);
	free(what);
}

/* Comments (issue 15; canvas-lms DiscussionTopicsController#process_discussion_topic_runner and
 * #process_lock_parameters): an announcement PUT without `locked` is read as locked=false, which
 * reopens closed comments and drops lock_at. Every topic and announcement PUT therefore sends
 * `locked` as the object has it now (live), unless the plan changes it; a rollback's PUT does the
 * same, so comments end as they were. Which fields and kinds: the rows' keep_fields. */
void exec_keep_locked(struct unit *u, cJSON *sent)
{
	const struct xobj *ob = u->obj;
	const char *const *f;
	const cJSON *l;

	if (u->type != U_PUT || !ob->live || !sent->child)
		return;
	for (f = resource_get(ob->c0->kind)->keep_fields; f && *f; f++) {
		if (cJSON_HasObjectItem(sent, *f))
			continue;
		l = cJSON_GetObjectItemCaseSensitive(ob->live, *f);
		if (cJSON_IsBool(l))
			cJSON_AddBoolToObject(sent, *f, cJSON_IsTrue(l));
	}
}

static void on_relock(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	(void)cv;
	(void)status;
	if (err->code)
		warnf("%s had its comments reopened by Canvas and could not close them again: %s", (const char *)ud,
		      err->msg);
	cJSON_Delete(json);
	free(ud);
}

/* A changed delayed_post_at or lock_at makes Canvas recompute `locked` from lock_at and ignore the
 * parameter (process_future_date_parameters), so a topic whose comments were closed by hand opens
 * them with a date shift. A second PUT of locked=true alone (lock_at then unchanged) closes them
 * again. This only keeps a value, so it is not journaled. */
static void keep_comments_closed(struct unit *u, const cJSON *got)
{
	struct exec *x = u->x;
	const struct xobj *ob = u->obj;
	cJSON *sent, *body;
	char *path, *what;

	const char *la;
	int64_t t;

	if (u->type != U_PUT || !resource_in_list(resource_get(ob->c0->kind)->keep_fields, "locked") ||
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u->sent, "locked")) ||
	    !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(got, "locked")) || !ob->live)
		return;
	/* closed by hand only: a topic closed because its lock_at had passed opens with a later one */
	la = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ob->live, "lock_at"));
	if (la && !dates_parse(la, &t) && t <= (int64_t)time(NULL))
		return;
	sent = cJSON_CreateObject();
	cJSON_AddTrueToObject(sent, "locked");
	body = exec_body(ob->c0->kind, sent, 0);
	path = exec_object_path(ob->c0->kind, ob->c0->course_id, exec_obj_id(u), NULL, 0);
	what = xasprintf("%s %s of course %s", plan_kind_name(ob->c0->kind), exec_obj_id(u), ob->c0->course_id);
	canvas_send(x->cv, "PUT", path, body, 0, what, on_relock, xstrdup(what));
	cJSON_Delete(sent);
	cJSON_Delete(body);
	free(path);
	free(what);
}

/* The answer to a PUT (or the object a POST made, all fields taken): read-back, and a re-read when
 * the answer does not carry a field. Takes json. */
static void answered(struct unit *u, cJSON *json)
{
	keep_comments_closed(u, json);
	if (exec_read_back(u, json, 0)) {
		cJSON_Delete(json);
		exec_submit_reread(u);
		return;
	}
	cJSON_Delete(json);
	exec_unit_finish_async(u);
}

/* The object a POST made (its answer, or found by exec_check_post): record its id, then one PUT for
 * what Canvas did not take on create (a module's published flag), or straight to read-back.
 * Takes json. */
void exec_created(struct unit *u, cJSON *json)
{
	struct exec *x = u->x;
	char b[32];
	const char *id = object_id(u->obj->c0->kind, json, b);
	cJSON *fix, *all;
	const cJSON *f;

	if (!id) {
		exec_fail_all(u, "Canvas answered %s but gave no id for the new object", "2xx");
		cJSON_Delete(json);
		exec_unit_finish_async(u);
		return;
	}
	u->new_id = xstrdup(id);
	free(intmap_put(&x->res->new_id, u->ch[0], xstrdup(id)));
	fix = cJSON_CreateObject();
	cJSON_ArrayForEach(f, u->sent) {
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(json, f->string);

		if (g && !exec_same(x, u->obj->c0->kind, f->string, f, g) && exec_param_name(u->obj->c0->kind, f->string, 0))
			cJSON_AddItemToObject(fix, f->string, cJSON_Duplicate(f, 1));
	}
	if (fix->child) {
		/* u->sent keeps every field: read-back checks them all after the PUT */
		cJSON_Delete(json);
		u->phase = 1;
		all = u->sent;
		u->sent = fix;
		exec_send_object(u, 0);
		u->sent = all;
		cJSON_Delete(fix);
		return;
	}
	cJSON_Delete(fix);
	u->phase = 1;
	answered(u, json);
}

static void on_write(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;
	struct exec *x = u->x;
	int create = u->type == U_CREATE && u->phase == 0;
	size_t i;

	(void)cv;
	if (exec_unsent(u, err) || exec_stopped_answer(x, status, err)) {
		cJSON_Delete(json);
		exec_unit_finish_async(u);
		return;
	}
	if (err->code) {
		cJSON_Delete(json);
		if (create && (status == 0 || status >= 500)) {
			/* no answer, or a gateway that gave up waiting: Canvas may still be making it */
			u->window = 0;
			if (status == 0 || status == 504) {
				u->lost++;
				u->window = exec_lost_window(exec_now() - u->sent_at);
			}
			u->looked = 0;
			u->looks = 0;
			u->post_err = *err;
			exec_check_post(u, err);
			return;
		}
		for (i = 0; i < u->nch; i++)
			exec_outcome(x, u->ch[i], JOURNAL_FAILED, err->msg, u->new_id, NULL);
		exec_unit_finish_async(u);
		return;
	}
	if (create) {
		if (u->lost)
			x->flags[u->ch[0]] |= X_DUP_RISK;   /* answered; an earlier lost POST may still land */
		exec_created(u, json);
	} else {
		answered(u, json);
	}
}

/* ---------------------------------------------------------------- DELETE */

void exec_on_delete(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;
	struct exec *x = u->x;
	size_t i;

	(void)cv;
	cJSON_Delete(json);
	if (!exec_unsent(u, err) && !exec_stopped_answer(x, status, err)) {
		for (i = 0; i < u->nch; i++) {
			if (!err->code || err->code == ERR_NOTFOUND)
				exec_outcome(x, u->ch[i], JOURNAL_DONE, NULL, NULL, NULL);
			else
				exec_outcome(x, u->ch[i], JOURNAL_FAILED, err->msg, NULL, NULL);
		}
	}
	exec_unit_finish_async(u);
}

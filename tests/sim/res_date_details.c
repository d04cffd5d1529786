/* tests/sim/res_date_details.c -- the Learning Object Dates API for ungraded discussions, pages and
 * modules: selective release ("Assign To") dates (issue 15, CURRENT.md 13).
 *
 * Endpoints (all under /api/v1/courses/:course_id):
 *   GET|PUT discussion_topics/:id/date_details
 *   GET|PUT pages/:url_or_id/date_details     (:url_or_id: a url, an id, or page_id:N: #asset finds
 *                                              the page with @context.wiki.find_page, which takes
 *                                              page_id:N by id only -- coursectl's form)
 *   GET|PUT modules/:id/date_details
 *
 * Modelled from canvas-lms master (aaronshaf/canvas-lms):
 * - app/controllers/learning_object_dates_controller.rb #show renders
 *   learning_object_dates_json + blueprint_date_locks_json + overrides (the object's active
 *   assignment overrides, assignment_overrides_json with names). lib/api/v1/learning_object_dates.rb
 *   #learning_object_dates_json: id, then due_at/unlock_at/lock_at/only_visible_to_overrides/
 *   visible_to_everyone/group_category_id for those the object responds to, and graded.
 *   So a page answers unlock_at and lock_at, an ungraded topic also group_category_id, and a
 *   module only unlock_at (ContextModule has no lock_at, no due_at). blueprint_date_locks appears
 *   only on Blueprint child content (#blueprint_date_locks_json): the seed's
 *   master_course_restrictions keys due_dates / availability_dates that are true.
 * - #update for a DiscussionTopic without an assignment and for a WikiPage without one goes to
 *   #update_ungraded_object: object_update_params permits unlock_at, lock_at,
 *   only_visible_to_overrides and assignment_overrides (due_at only when #allow_due_at?, i.e. never
 *   here: it is dropped silently); the object takes the dates, and assignment_overrides, when sent,
 *   REPLACES the override set (prepare_assignment_overrides_for_batch_update: an entry with an id
 *   updates that override with the keys it carries, one without an id creates one, overrides left
 *   out are deleted; an empty list deletes all). Answer: 204 No Content. An override's lock_at
 *   goes through AssignmentOverride#lock_at=, which applies fancy midnight in the token user's
 *   zone (lib/canvas_time.rb, CURRENT.md 1), as for assignment overrides.
 *   Blueprint child content with the matching lock refuses a change of those dates: 401/403
 *   (#update's blueprint_date_changes check, render_unauthorized_action).
 * - #update's case has no branch for ContextModule: a PUT on a module's date_details changes
 *   nothing and answers 204 (Rails' implicit no-content render). Module overrides carry no dates
 *   (they only say who sees the module), so coursectl never needs to write them.
 * - Graded topics: the overridable is the assignment (#overridable); that is the assignments path
 *   of res_assignments.c and is not served here (404).
 *
 * State: the object's "assignment_overrides" array (seeded; each {id, title?, course_section_id |
 * student_ids | group_id, unlock_at?, lock_at?}) and "only_visible_to_overrides". A page keeps
 * unlock_at/lock_at as stored keys (not part of the page JSON, as in Canvas's wiki_page_json); an
 * ungraded topic's unlock date is its delayed_post_at (what the sim's topic and module item JSON
 * already read as its unlock date). The topic JSON of an ungraded topic lists its overrides as
 * ungraded_discussion_overrides (lib/api/v1/discussion_topics.rb
 * #serialize_additional_topic_fields, "unless topic.assignment_id"), rendered in res_discussions.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "xalloc.h"

enum lo_kind { LO_TOPIC, LO_PAGE, LO_MODULE };

static const cJSON *get(const cJSON *o, const char *k)
{
	return sim_get(o, k);
}

/* The object of the request, or NULL (404). */
static cJSON *find_object(struct sim_req *rq, enum lo_kind kind)
{
	cJSON *o;

	if (kind == LO_TOPIC) {
		o = sim_find_id(sim_course_kind(rq->course, "discussion_topics"), sim_param(rq, "id"));
		/* a graded topic's dates are its assignment's (#overridable) */
		return o && !sim_is_deleted(o) && !cJSON_IsNumber(get(o, "assignment_id")) ? o : NULL;
	}
	if (kind == LO_MODULE) {
		o = sim_find_id(sim_course_kind(rq->course, "modules"), sim_param(rq, "id"));
		return o && !sim_is_deleted(o) ? o : NULL;
	}
	{
		const char *p = sim_param(rq, "url_or_id");
		char *slug;

		if (!p)
			return NULL;
		/* Wiki#find_page: "page_id:N" names the page by its id only (the Pages API's explicit form) */
		if (!strncmp(p, "page_id:", 8) && p[8] && strspn(p + 8, "0123456789") == strlen(p + 8)) {
			cJSON *pages = sim_course_kind(rq->course, "pages");
			int64_t want = strtoll(p + 8, NULL, 10);

			/* the first page of that id through the index (sim_store.c; issue 18: this scan,
			 * one per page of a 4,000-page course, was half of canvas-sim's CPU serving
			 * tests/bench/plan.sh); when that one is deleted, the scan for a later live one */
			o = sim_find_page_id(rq->sim, pages, want);
			if (o && !sim_is_deleted(o))
				return o;
			if (!o)
				return NULL;
			cJSON_ArrayForEach(o, pages)
				if (sim_value_id(get(o, "page_id")) == want && !sim_is_deleted(o))
					return o;
			return NULL;
		}
		/* the first page whose url is p, or whose page_id is p when p is a number (indexes,
		 * sim_store.c; when both match two pages, the earlier in the list, as a scan finds) */
		{
			cJSON *pages = sim_course_kind(rq->course, "pages");
			cJSON *by_url = sim_find_page_url(rq->sim, pages, p), *by_id = NULL;

			if (*p && strspn(p, "0123456789") == strlen(p))
				by_id = sim_find_page_id(rq->sim, pages, strtoll(p, NULL, 10));
			if (by_url && by_id && by_url != by_id)
				cJSON_ArrayForEach(o, pages)
					if (o == by_url || o == by_id)
						return o;
			if (by_url || by_id)
				return by_url ? by_url : by_id;
		}
		slug = sim_slug(p);
		o = sim_find_page_url(rq->sim, sim_course_kind(rq->course, "pages"), slug);
		free(slug);
		return o;
	}
}

/* The key holding the object's unlock date in the sim's state. */
static const char *unlock_key(enum lo_kind kind)
{
	return kind == LO_TOPIC ? "delayed_post_at" : "unlock_at";
}

static int64_t object_id(const cJSON *o, enum lo_kind kind)
{
	const cJSON *v = get(o, kind == LO_PAGE ? "page_id" : "id");

	return sim_value_id(v);
}

/* assignment_override_json (lib/api/v1/assignment_override.rb): id, the owner's id, title, the
 * target, and the dates the override overrides. */
static cJSON *override_json(const cJSON *ov, enum lo_kind kind, int64_t owner)
{
	static const char *const owner_key[] = { "discussion_topic_id", "wiki_page_id", "context_module_id" };
	static const char *const targets[] = { "course_section_id", "student_ids", "group_id" };
	cJSON *o = cJSON_CreateObject();
	size_t i;

	/* the keys are literals, added without a copy (cJSON_AddItemToObjectCS): an answer's tree
	 * only, printed and freed (i18/simrender) */
	cJSON_AddItemToObjectCS(o, "id", sim_id_item(sim_id(ov)));
	cJSON_AddItemToObjectCS(o, owner_key[kind], cJSON_CreateNumber((double)owner));
	cJSON_AddItemToObjectCS(o, "title", sim_dup_or_null(ov, "title"));
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (get(ov, targets[i]) && !cJSON_IsNull(get(ov, targets[i])))
			cJSON_AddItemToObjectCS(o, targets[i], cJSON_Duplicate(get(ov, targets[i]), 1));
	if (kind != LO_MODULE) {
		cJSON_AddItemToObjectCS(o, "unlock_at", sim_dup_or_null(ov, "unlock_at"));
		cJSON_AddItemToObjectCS(o, "lock_at", sim_dup_or_null(ov, "lock_at"));
	}
	return o;
}

/* The overrides as the topic JSON's ungraded_discussion_overrides lists them. */
cJSON *sim_date_overrides_json(const cJSON *obj, int64_t owner)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *ov;

	cJSON_ArrayForEach(ov, get(obj, "assignment_overrides"))
		cJSON_AddItemToArray(arr, override_json(ov, LO_TOPIC, owner));
	return arr;
}

static void show(struct sim_req *rq, struct sim_resp *rs, enum lo_kind kind)
{
	cJSON *obj = find_object(rq, kind), *o, *ovs;
	const cJSON *ov, *mcr;
	int64_t id;

	if (!obj) {
		sim_reply_not_found(rs);
		return;
	}
	id = object_id(obj, kind);
	/* the keys are literals, added without a copy (cJSON_AddItemToObjectCS): one of these per page
	 * of a course is coursectl's read of its pages' dates (i18/simrender) */
	o = cJSON_CreateObject();
	cJSON_AddItemToObjectCS(o, "id", sim_id_item(id));
	cJSON_AddItemToObjectCS(o, "unlock_at", sim_dup_or_null(obj, unlock_key(kind)));
	if (kind != LO_MODULE) {
		int only = sim_bool(obj, "only_visible_to_overrides", 0);

		cJSON_AddItemToObjectCS(o, "lock_at", sim_dup_or_null(obj, "lock_at"));
		cJSON_AddItemToObjectCS(o, "only_visible_to_overrides", cJSON_CreateBool(only));
		cJSON_AddItemToObjectCS(o, "visible_to_everyone", cJSON_CreateBool(!only));
	}
	if (kind == LO_TOPIC)
		cJSON_AddItemToObjectCS(o, "group_category_id", sim_dup_or_null(obj, "group_category_id"));
	cJSON_AddItemToObjectCS(o, "graded", cJSON_CreateFalse());
	mcr = get(obj, "master_course_restrictions");
	if (sim_bool(obj, "is_master_course_child_content", 0)) {
		cJSON *locks = cJSON_CreateArray();

		cJSON_AddItemToObjectCS(o, "blueprint_date_locks", locks);
		if (sim_bool(mcr, "due_dates", 0))
			cJSON_AddItemToArray(locks, cJSON_CreateString("due_dates"));
		if (sim_bool(mcr, "availability_dates", 0))
			cJSON_AddItemToArray(locks, cJSON_CreateString("availability_dates"));
	}
	ovs = cJSON_CreateArray();
	cJSON_AddItemToObjectCS(o, "overrides", ovs);
	cJSON_ArrayForEach(ov, get(obj, "assignment_overrides"))
		cJSON_AddItemToArray(ovs, override_json(ov, kind, id));
	sim_reply_json(rs, 200, o);
}

/* Apply one override entry's keys to `ov` (a stored override). Returns 0, or -1 for a bad date. */
static int override_take(struct sim *s, cJSON *ov, const cJSON *in)
{
	static const char *const targets[] = { "course_section_id", "student_ids", "group_id", "title" };
	static const char *const dates[] = { "unlock_at", "lock_at" };
	size_t i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (get(in, targets[i]))
			sim_set(ov, targets[i], cJSON_Duplicate(get(in, targets[i]), 1));
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		cJSON *v;

		if (!get(in, dates[i]))
			continue;
		if (sim_time_input(s, get(in, dates[i]), 0, &v))
			return -1;
		/* AssignmentOverride#lock_at= applies fancy midnight in the user's zone (CURRENT.md 1) */
		if (!strcmp(dates[i], "lock_at") && cJSON_IsString(v)) {
			time_t t;
			char out[21];

			if (sim_time_read(v->valuestring, &t)) {
				sim_time_format(sim_time_fancy_midnight(t, sim_user_zone(s)), out);
				cJSON_SetValuestring(v, out);
			}
		}
		sim_set(ov, dates[i], v);
	}
	return 0;
}

static int date_changes(const cJSON *obj, const cJSON *body, enum lo_kind kind)
{
	return (get(body, "unlock_at") && !sim_same_value(get(body, "unlock_at"), get(obj, unlock_key(kind)))) ||
	       (get(body, "lock_at") && !sim_same_value(get(body, "lock_at"), get(obj, "lock_at"))) ||
	       get(body, "assignment_overrides");
}

static void update(struct sim_req *rq, struct sim_resp *rs, enum lo_kind kind)
{
	cJSON *obj = find_object(rq, kind), *work, *newset, *v;
	const cJSON *in, *ins = get(rq->body, "assignment_overrides");

	if (!obj) {
		sim_reply_not_found(rs);
		return;
	}
	if (kind == LO_MODULE) {   /* no ContextModule branch in #update */
		sim_reply_text(rs, 204, "", "");
		return;
	}
	if (sim_bool(obj, "is_master_course_child_content", 0) &&
	    sim_bool(get(obj, "master_course_restrictions"), "availability_dates", 0) &&
	    date_changes(obj, rq->body, kind)) {
		sim_reply_unauthorized(rq, rs);
		return;
	}
	/* validate into a copy, then commit (object.transaction) */
	work = cJSON_Duplicate(obj, 1);
	if (get(rq->body, "unlock_at")) {
		if (sim_time_input(rq->sim, get(rq->body, "unlock_at"), 0, &v))
			goto bad;
		sim_set(work, unlock_key(kind), v);
	}
	if (get(rq->body, "lock_at")) {
		if (sim_time_input(rq->sim, get(rq->body, "lock_at"), 0, &v))
			goto bad;
		sim_set(work, "lock_at", v);
	}
	if (get(rq->body, "only_visible_to_overrides"))
		sim_set(work, "only_visible_to_overrides",
			cJSON_CreateBool(sim_value_bool(get(rq->body, "only_visible_to_overrides"))));
	if (ins) {
		newset = cJSON_CreateArray();
		cJSON_ArrayForEach(in, ins) {
			const cJSON *idv = get(in, "id");
			cJSON *ov = NULL;

			if (idv && !cJSON_IsNull(idv)) {
				char idbuf[32];

				if (cJSON_IsNumber(idv))
					snprintf(idbuf, sizeof(idbuf), "%" PRId64, sim_i64(idv->valuedouble));
				else
					snprintf(idbuf, sizeof(idbuf), "%s", cJSON_IsString(idv) ? idv->valuestring : "");
				ov = sim_find_id((cJSON *)get(work, "assignment_overrides"), idbuf);
				if (!ov) {
					cJSON_Delete(newset);
					cJSON_Delete(work);
					sim_reply_not_found(rs);
					return;
				}
				ov = cJSON_Duplicate(ov, 1);
			} else {
				ov = cJSON_CreateObject();
				sim_add_id(ov, "id", sim_new_id(rq->sim));
			}
			if (override_take(rq->sim, ov, in)) {
				cJSON_Delete(ov);
				cJSON_Delete(newset);
				goto bad;
			}
			cJSON_AddItemToArray(newset, ov);
		}
		sim_set(work, "assignment_overrides", newset);
	}
	/* commit: replace the stored object's contents with the work copy */
	while (obj->child) {
		cJSON *c = cJSON_DetachItemViaPointer(obj, obj->child);

		cJSON_Delete(c);
	}
	while (work->child) {
		cJSON *c = cJSON_DetachItemViaPointer(work, work->child);

		cJSON_AddItemToObject(obj, c->string, c);
	}
	cJSON_Delete(work);
	sim_reply_text(rs, 204, "", "");
	return;
bad:
	cJSON_Delete(work);
	sim_reply_invalid(rs, 400, "unlock_at", "invalid", "is not a valid date");
}

static void topic_show(struct sim_req *rq, struct sim_resp *rs) { show(rq, rs, LO_TOPIC); }
static void page_show(struct sim_req *rq, struct sim_resp *rs) { show(rq, rs, LO_PAGE); }
static void module_show(struct sim_req *rq, struct sim_resp *rs) { show(rq, rs, LO_MODULE); }
/* A checkpointed discussion's dates live on its sub-assignments: Canvas's #update sends it to
 * #update_checkpointed_assignment (res_assignments.c models that branch). */
static void topic_update(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *topic = sim_find_id(sim_course_kind(rq->course, "discussion_topics"), sim_param(rq, "id"));

	if (topic && !sim_is_deleted(topic) && sim_topic_checkpointed(rq->course, topic))
		sim_checkpoint_dates_put(rq, rs, topic);
	else
		update(rq, rs, LO_TOPIC);
}
static void page_update(struct sim_req *rq, struct sim_resp *rs) { update(rq, rs, LO_PAGE); }
static void module_update(struct sim_req *rq, struct sim_resp *rs) { update(rq, rs, LO_MODULE); }

const struct sim_route sim_routes_date_details[] = {
	{ "GET", "/api/v1/courses/:course_id/discussion_topics/:id/date_details", topic_show, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/discussion_topics/:id/date_details", topic_update, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/pages/:url_or_id/date_details", page_show, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/pages/:url_or_id/date_details", page_update, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/modules/:id/date_details", module_show, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/modules/:id/date_details", module_update, ROUTE_COURSE },
	{ NULL, NULL, NULL, 0 },
};

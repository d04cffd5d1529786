/* tests/sim/res_discussions.c -- discussion topics and announcements (API.md 8.1, 5.1, 5.4, 9, 12).
 *
 *   GET    /api/v1/courses/:course_id/discussion_topics             list (numbered pages)
 *   POST   /api/v1/courses/:course_id/discussion_topics             create (is_announcement=true)
 *   GET    /api/v1/courses/:course_id/discussion_topics/:topic_id   one topic or announcement
 *   PUT    /api/v1/courses/:course_id/discussion_topics/:topic_id   update, FLAT params
 *   DELETE /api/v1/courses/:course_id/discussion_topics/:topic_id   204; a graded topic's assignment goes too
 *   GET    /api/v1/announcements?context_codes[]=course_N           cross-course, default date window
 *
 * Storage: a course keeps topics in "discussion_topics" and announcements in "announcements"; both
 * are DiscussionTopic rows in Canvas and share the id space, so every :topic_id route looks in both.
 * Stored objects stay as sparse as the seed made them; the render fills Canvas's defaults and the
 * derived fields (html_url, url, locked, posted_at, the nested assignment of a graded topic).
 *
 * Canvas rules reproduced, and why they matter to a client:
 * - Parameters are flat (title, message, lock_at ...). A wrapped discussion_topic[title] is an
 *   unknown parameter and is silently dropped (API.md 9, 12), so a client that wraps gets a 200
 *   that changed nothing -- exactly what happens against Canvas.
 * - Dates go through Rails type casting, not the assignment regex (API.md 9): an unparseable
 *   value silently becomes null and CLEARS the date.
 * - lock_at at 00:00 local becomes 23:59:59 (fancy midnight), judged in the COURSE time zone,
 *   unlike every other fancy midnight, which uses the user's zone (API.md 5.4, 11).
 * - A delayed_post_at in the future keeps "published" but leaves posted_at null until then.
 * - Comments (issue 15, canvas-lms master DiscussionTopicsController#process_discussion_topic_runner,
 *   #process_future_date_parameters, #process_lock_parameters): `locked` and `lock_comment` are
 *   taken; an announcement PUT that sends neither is read as locked=false, which reopens closed
 *   comments and clears lock_at; a changed delayed_post_at or lock_at recomputes locked from
 *   lock_at instead (see lock_params). unlock_at is not a permitted parameter
 *   (API_ALLOWED_TOPIC_FIELDS) and is dropped. A graded topic's own lock_at is never copied from
 *   its assignment (Assignment#update_submittable copies title, message and state only).
 * - A graded topic (assignment_id set) carries a nested "assignment" built from the course's
 *   assignment; title and message changes are mirrored to its name and description, and an
 *   assignment[...] sub-object edits its dates with the assignment API's strict date rule (5.1).
 * - A PUT that renames or (un)publishes a topic gives the module items of the topic and of its
 *   assignment the new title and state (ContentTag.update_for, sim_module_items_sync).
 * - List: announcements are excluded unless only_announcements=true (then only they are listed);
 *   scope=locked|unlocked|pinned|unpinned is applied AFTER pagination, as Canvas does, so a page
 *   can be shorter than per_page while a next link still follows. Default order is Canvas's
 *   by_position_legacy (position DESC with Postgres's NULLS FIRST, created_at DESC, id DESC);
 *   announcements default to newest COALESCE(delayed_post_at, posted_at, created_at) first.
 * - /api/v1/announcements (announcements_api_controller.rb): context_codes[] required (400
 *   {"message":"Missing context_codes"}); only course codes; start_date/end_date as yyyy-mm-dd
 *   (start of day / end of day in the user zone) or ISO 8601 with seconds, else 400; the default
 *   window is start = 14 days ago at the start of the day, end = start + 28 days (the source's
 *   "28 days from start_date", so it ends 14 days from now), matched on COALESCE(delayed_post_at,
 *   posted_at, created_at). active_only drops unpublished and not-yet-posted announcements.
 *
 * - Blueprint (issue 15, API.md 12; MasterCourses::Restrictor, DiscussionTopic's restrict_columns):
 *   locked columns of child content refuse changes with a 400 base error; see "Blueprint locks".
 *
 * Decisions:
 * - DELETE removes the row instead of keeping workflow_state "deleted": nothing lists deleted
 *   topics, and the state dump stays readable. Module items pointing at the topic (and at its
 *   assignment) are removed with it, as Canvas deletes their content tags.
 * - A new topic is published unless published=false is sent; announcements are always published.
 * - The caller is always a teacher: permissions all true, locked_for_user false, unpublished and
 *   delayed announcements visible. Student-only behaviour (message replaced by the lock
 *   explanation) is not simulated.
 * - The small helpers this file shares with res_quizzes.c and res_calendar.c (lenient dates, the
 *   linked assignment, module-item cleanup, render defaults) live in sim_store.c, sim_time.c and
 *   res_modules.c (sim.h), so that a fix reaches every resource at once.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- small helpers */

/* a graded topic's submission_types */
static const char *const DISCUSSION_TYPES[] = { "discussion_topic" };

static const char *course_zone(const cJSON *course)
{
	const char *z = sim_str(course, "time_zone");

	return z && *z ? z : "UTC";
}

/* Fancy midnight of a stored date value (a string or null), in `zone`; returns a new item. */
static cJSON *fancy(const cJSON *v, const char *zone)
{
	time_t t;
	char buf[21];

	if (!cJSON_IsString(v) || !sim_time_read(v->valuestring, &t))
		return cJSON_Duplicate(v, 1);
	sim_time_format(sim_time_fancy_midnight(t, zone), buf);
	return cJSON_CreateString(buf);
}

/* ---------------------------------------------------------------- lookups */

/* The topic with `id` in either array; *is_ann tells which, *arr the array it is in. */
static cJSON *find_topic(cJSON *course, const char *id, int *is_ann, cJSON **arr)
{
	cJSON *a = sim_course_kind(course, "discussion_topics"), *t = sim_find_id(a, id);

	*is_ann = 0;
	if (!t) {
		a = sim_course_kind(course, "announcements");
		t = sim_find_id(a, id);
		*is_ann = 1;
	}
	if (arr)
		*arr = a;
	return t;
}

/* ---------------------------------------------------------------- rendering */

/* The nested assignment of a graded topic (Canvas nests a full Assignment without its
 * discussion_topic; these are the fields a client reads). */
static cJSON *assignment_brief(const struct sim_req *rq, const cJSON *course, const cJSON *a)
{
	cJSON *o = cJSON_CreateObject();
	char *url;
	int pub = sim_bool(a, "published", 1);

	sim_add_id(o, "id", sim_id(a));
	cJSON_AddItemToObject(o, "name", sim_dup_or_null(a, "name"));
	cJSON_AddItemToObject(o, "description", sim_dup_or_null(a, "description"));
	sim_add_id(o, "course_id", sim_id(course));
	cJSON_AddItemToObject(o, "due_at", sim_dup_or_null(a, "due_at"));
	cJSON_AddItemToObject(o, "unlock_at", sim_dup_or_null(a, "unlock_at"));
	cJSON_AddItemToObject(o, "lock_at", sim_dup_or_null(a, "lock_at"));
	cJSON_AddItemToObject(o, "points_possible", sim_dup_or_null(a, "points_possible"));
	cJSON_AddItemToObject(o, "grading_type", sim_dup_or_null(a, "grading_type"));
	cJSON_AddItemToObject(o, "assignment_group_id", sim_dup_or_null(a, "assignment_group_id"));
	if (sim_get(a, "submission_types"))
		cJSON_AddItemToObject(o, "submission_types", sim_dup_or_null(a, "submission_types"));
	else
		cJSON_AddItemToObject(o, "submission_types", cJSON_CreateStringArray(DISCUSSION_TYPES, 1));
	cJSON_AddBoolToObject(o, "published", pub);
	cJSON_AddStringToObject(o, "workflow_state", pub ? "published" : "unpublished");
	url = sim_object_url(rq->base, sim_id(course), "assignments", sim_id(a), NULL);
	cJSON_AddStringToObject(o, "html_url", url);
	free(url);
	return o;
}

static int topic_locked(const cJSON *t, time_t now)
{
	time_t lk;

	if (sim_bool(t, "locked", 0))
		return 1;
	return sim_time_read(sim_str(t, "lock_at"), &lk) && lk <= now;
}

/* posted_at as Canvas reports it: null while a delayed post is pending. */
static cJSON *rendered_posted_at(const cJSON *t, time_t now)
{
	const char *delayed = sim_str(t, "delayed_post_at"), *posted = sim_str(t, "posted_at");
	time_t d;

	if (sim_time_read(delayed, &d) && d > now)
		return cJSON_CreateNull();
	if (posted)
		return cJSON_CreateString(posted);
	if (!sim_bool(t, "published", 1))
		return cJSON_CreateNull();
	if (delayed)
		return cJSON_CreateString(delayed);
	return sim_dup_or_null(t, "created_at");
}

enum { WITH_ASSIGNMENT = 1, WITH_CONTEXT_CODE = 2 };

static cJSON *topic_render(const struct sim_req *rq, cJSON *course, const cJSON *t, int is_ann,
			   unsigned flags)
{
	cJSON *o = sim_dup_render(rq, t), *perm, *a;
	time_t now = sim_now();
	int64_t cid = sim_id(course), id = sim_id(t);
	char *url;
	int entries;

	/* derived: always computed */
	url = sim_object_url(rq->base, cid, "discussion_topics", id, NULL);
	sim_set_str(o, "html_url", url);
	sim_set_str(o, "url", url);
	free(url);
	sim_set(o, "is_announcement", cJSON_CreateBool(is_ann));
	sim_set(o, "locked", cJSON_CreateBool(topic_locked(t, now)));
	sim_set(o, "posted_at", rendered_posted_at(t, now));
	sim_set(o, "locked_for_user", cJSON_CreateFalse());
	if (flags & WITH_CONTEXT_CODE) {
		char code[40];

		snprintf(code, sizeof(code), "course_%" PRId64, cid);
		sim_set_str(o, "context_code", code);
	}
	a = sim_linked_assignment(course, t);
	if ((flags & WITH_ASSIGNMENT) && a)
		sim_set(o, "assignment", assignment_brief(rq, course, a));
	/* selective release (res_date_details.c): stored overrides are not topic fields; an ungraded
	 * topic lists them as ungraded_discussion_overrides */
	if (sim_get(t, "assignment_overrides"))
		cJSON_DeleteItemFromObjectCaseSensitive(o, "assignment_overrides");
	if (sim_get(t, "only_visible_to_overrides"))
		cJSON_DeleteItemFromObjectCaseSensitive(o, "only_visible_to_overrides");
	if (!cJSON_IsNumber(sim_get(t, "assignment_id")))
		sim_set(o, "ungraded_discussion_overrides", sim_date_overrides_json(t, id));

	/* Canvas defaults for whatever the stored object leaves out. None of these keys is one that
	 * the steps above set or delete, so a key is absent from o exactly when t lacks it: looked up
	 * in t (a dozen keys), not in o (60: issue 18, i18/simrender) */
	sim_default_src(o, t, "title", cJSON_CreateString("No Title"));
	sim_default_src(o, t, "message", cJSON_CreateString(""));
	sim_default_src(o, t, "created_at", cJSON_CreateNull());
	if (!sim_get(t, "last_reply_at"))
		cJSON_AddItemToObjectCS(o, "last_reply_at", sim_dup_or_null(t, "created_at"));
	sim_default_src(o, t, "delayed_post_at", cJSON_CreateNull());
	sim_default_src(o, t, "lock_at", cJSON_CreateNull());
	sim_default_src(o, t, "todo_date", cJSON_CreateNull());
	sim_default_src(o, t, "assignment_id", cJSON_CreateNull());
	sim_default_src(o, t, "root_topic_id", cJSON_CreateNull());
	sim_default_src(o, t, "position", cJSON_CreateNull());
	sim_default_src(o, t, "podcast_has_student_posts", cJSON_CreateBool(0));
	sim_default_src(o, t, "podcast_url", cJSON_CreateNull());
	sim_default_src(o, t, "discussion_type", cJSON_CreateString("side_comment"));
	sim_default_src(o, t, "allow_rating", cJSON_CreateBool(0));
	sim_default_src(o, t, "only_graders_can_rate", cJSON_CreateBool(0));
	sim_default_src(o, t, "sort_by_rating", cJSON_CreateBool(0));
	sim_default_src(o, t, "is_section_specific", cJSON_CreateBool(0));
	sim_default_src(o, t, "anonymous_state", cJSON_CreateNull());
	sim_default_src(o, t, "user_name", cJSON_CreateNull());
	sim_default_src(o, t, "discussion_subentry_count", cJSON_CreateNumber(0));
	entries = sim_get(t, "discussion_subentry_count")
			  ? (int)cJSON_GetNumberValue(sim_get(t, "discussion_subentry_count")) : 0;
	if (!sim_get(t, "permissions")) {
		perm = cJSON_CreateObject();
		cJSON_AddItemToObjectCS(o, "permissions", perm);
		cJSON_AddBoolToObject(perm, "attach", 1);
		cJSON_AddBoolToObject(perm, "update", 1);
		cJSON_AddBoolToObject(perm, "reply", 1);
		cJSON_AddBoolToObject(perm, "delete", 1);
	}
	sim_default_src(o, t, "require_initial_post", cJSON_CreateBool(0));
	sim_default_src(o, t, "user_can_see_posts", cJSON_CreateBool(1));
	sim_default_src(o, t, "read_state", cJSON_CreateString("read"));
	sim_default_src(o, t, "unread_count", cJSON_CreateNumber(0));
	sim_default_src(o, t, "subscribed", cJSON_CreateBool(!is_ann));
	sim_default_src(o, t, "attachments", cJSON_CreateArray());
	sim_default_src(o, t, "published", cJSON_CreateBool(1));
	sim_default_src(o, t, "can_unpublish",
			cJSON_CreateBool(!is_ann && entries == 0 && !sim_bool(t, "has_submissions", 0)));
	sim_default_src(o, t, "can_lock", cJSON_CreateBool(1));
	sim_default_src(o, t, "comments_disabled", cJSON_CreateBool(is_ann));
	sim_default_src(o, t, "author", cJSON_CreateNull());
	sim_default_src(o, t, "pinned", cJSON_CreateBool(0));
	sim_default_src(o, t, "group_category_id", cJSON_CreateNull());
	sim_default_src(o, t, "can_group", cJSON_CreateBool(!is_ann && entries == 0));
	sim_default_src(o, t, "topic_children", cJSON_CreateArray());
	sim_default_src(o, t, "group_topic_children", cJSON_CreateArray());
	return o;
}

/* ---------------------------------------------------------------- ordering */

enum order_mode { ORDER_POSITION, ORDER_RECENT, ORDER_TITLE, ORDER_POSTED };

struct row {
	cJSON *t;
	cJSON *course;           /* the announcements endpoint lists several courses */
	int64_t id;
	time_t created, key;     /* key: last_reply_at (recent) or posted key (announcements) */
	int has_created, has_key, has_pos;
	double pos;
	const char *title;
};

static enum order_mode sort_mode;   /* qsort has no context argument; callers hold the global lock */

static time_t posted_key(const cJSON *t, int *has)
{
	static const char *const keys[] = { "delayed_post_at", "posted_at", "created_at" };
	size_t i;
	time_t v;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (sim_time_read(sim_str(t, keys[i]), &v)) {
			*has = 1;
			return v;
		}
	}
	*has = 0;
	return 0;
}

/* DESC with Postgres's NULLS FIRST. */
static int desc_nulls_first(int ha, time_t a, int hb, time_t b)
{
	if (ha != hb)
		return ha ? 1 : -1;
	if (!ha || a == b)
		return 0;
	return a > b ? -1 : 1;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int c = 0;

	switch (sort_mode) {
	case ORDER_TITLE:
		c = strcasecmp(a->title ? a->title : "", b->title ? b->title : "");
		if (c)
			return c;
		return a->id < b->id ? -1 : a->id > b->id;
	case ORDER_POSTED:
		c = desc_nulls_first(a->has_key, a->key, b->has_key, b->key);
		break;
	case ORDER_RECENT:
		c = desc_nulls_first(a->has_key, a->key, b->has_key, b->key);
		if (!c)
			c = desc_nulls_first(a->has_created, a->created, b->has_created, b->created);
		break;
	case ORDER_POSITION:
		if (a->has_pos != b->has_pos)
			c = a->has_pos ? 1 : -1;
		else if (a->has_pos && a->pos != b->pos)
			c = a->pos > b->pos ? -1 : 1;
		if (!c)
			c = desc_nulls_first(a->has_created, a->created, b->has_created, b->created);
		break;
	}
	if (c)
		return c;
	return a->id > b->id ? -1 : a->id < b->id;
}

/* Fill rows[] from the topics of `arr` that pass `search` (case-insensitive title substring). */
static size_t collect_rows(cJSON *arr, const char *search, struct row **out)
{
	size_t n = 0, cap = (size_t)cJSON_GetArraySize(arr) + 1;
	struct row *rows = xcalloc(cap, sizeof(*rows));
	cJSON *t;

	cJSON_ArrayForEach(t, arr) {
		struct row *r;
		const cJSON *pos = sim_get(t, "position");
		const char *title = sim_str(t, "title");

		if (search && *search && !sim_icontains(title, search))
			continue;
		r = &rows[n++];
		r->t = t;
		r->id = sim_id(t);
		r->title = title;
		r->has_created = sim_time_read(sim_str(t, "created_at"), &r->created);
		r->has_pos = cJSON_IsNumber(pos);
		r->pos = r->has_pos ? pos->valuedouble : 0;
		if (sort_mode == ORDER_RECENT)
			r->has_key = sim_time_read(sim_str(t, "last_reply_at"), &r->key) ||
				     sim_time_read(sim_str(t, "created_at"), &r->key);
		else
			r->key = posted_key(t, &r->has_key);
	}
	*out = rows;
	return n;
}

/* ---------------------------------------------------------------- list */

/* scope=locked,unlocked,pinned,unpinned (comma list). Returns 1 to keep the rendered topic. */
static int scope_keeps(const char *scope, const cJSON *o)
{
	int locked = sim_bool(o, "locked", 0), pinned = sim_bool(o, "pinned", 0);
	int want_l = 0, want_u = 0, want_p = 0, want_np = 0;
	char *copy, *tok, *save = NULL;

	copy = xstrdup(scope);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		want_l |= !strcmp(tok, "locked");
		want_u |= !strcmp(tok, "unlocked");
		want_p |= !strcmp(tok, "pinned");
		want_np |= !strcmp(tok, "unpinned");
	}
	free(copy);
	if (want_l != want_u && locked != want_l)
		return 0;
	if (want_p != want_np && pinned != want_p)
		return 0;
	return 1;
}

struct list_ctx {
	const struct sim_req *rq;
	int only_ann;
};

static cJSON *render_listed(void *ctx, const cJSON *t)
{
	const struct list_ctx *lc = ctx;

	return topic_render(lc->rq, lc->rq->course, t, lc->only_ann, WITH_ASSIGNMENT);
}

static void list_topics(struct sim_req *rq, struct sim_resp *rs)
{
	int only_ann = sim_query_bool(rq, "only_announcements", 0);
	const char *order = sim_query(rq, "order_by"), *scope = sim_query(rq, "scope");
	cJSON *arr = sim_course_kind(rq->course, only_ann ? "announcements" : "discussion_topics");
	const cJSON **list;
	struct sim_list *kept;
	struct list_ctx lc;
	struct row *rows;
	size_t n, i;

	if (order && !strcmp(order, "recent_activity"))
		sort_mode = ORDER_RECENT;
	else if (order && !strcmp(order, "title"))
		sort_mode = ORDER_TITLE;
	else if (only_ann)
		sort_mode = ORDER_POSTED;
	else
		sort_mode = ORDER_POSITION;
	lc.rq = rq;
	lc.only_ann = only_ann;
	/* the next page of a listing: its topics as collected and sorted for an earlier page (the
	 * order follows from stored dates, never from the clock) */
	kept = sim_list_cached(rq);
	if (!kept) {
		n = collect_rows(arr, sim_query(rq, "search_term"), &rows);
		qsort(rows, n, sizeof(*rows), row_cmp);
		list = xmalloc((n + 1) * sizeof(*list));
		for (i = 0; i < n; i++)
			list[i] = rows[i].t;
		free(rows);
		kept = sim_list_keep(rq, list, (int)n);
	}
	sim_reply_list_kept(rq, rs, kept, render_listed, &lc, PAGING_NUMBERED);
	if (scope && *scope && rs->status == 200 && rs->body) {
		/* Canvas filters the page it already cut (Api.paginate, then select), so a filtered
		 * page may be short or empty while the Link header still points at the next one.
		 * Re-read the page we just answered and drop what the scope excludes. */
		cJSON *page = cJSON_Parse(rs->body), *out = cJSON_CreateArray(), *it;

		cJSON_ArrayForEach(it, page)
			if (scope_keeps(scope, it))
				cJSON_AddItemToArray(out, cJSON_Duplicate(it, 1));
		cJSON_Delete(page);
		sim_reply_json(rs, 200, out);
	}
}

static void get_topic(struct sim_req *rq, struct sim_resp *rs)
{
	int is_ann;
	cJSON *t = find_topic(rq->course, sim_param(rq, "topic_id"), &is_ann, NULL);

	if (!t) {
		sim_reply_not_found(rs);
		return;
	}
	sim_reply_json(rs, 200, topic_render(rq, rq->course, t, is_ann, WITH_ASSIGNMENT));
}

/* ---------------------------------------------------------------- writes */

static const char *const flat_strings[] = { "title", "message", "discussion_type" };
static const char *const flat_bools[] = {
	"require_initial_post", "pinned", "allow_rating", "only_graders_can_rate", "sort_by_rating",
	"podcast_enabled", "podcast_has_student_posts",
};

static int valid_discussion_type(const char *v)
{
	static const char *const ok[] = { "side_comment", "threaded", "not_threaded", "flat" };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(v, ok[i]))
			return 1;
	return 0;
}

/* Parse the assignment[...] dates strictly (update_api_assignment's regex, API.md 5.4) into
 * `dates` (key -> string or null). Returns 0, or -1 after answering 400. */
static int assignment_dates(struct sim_req *rq, struct sim_resp *rs, const cJSON *w, cJSON *dates)
{
	static const char *const keys[] = { "due_at", "unlock_at", "lock_at" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *v = sim_get(w, keys[i]);
		cJSON *out = NULL;
		char field[40], msg[48];

		if (!v)
			continue;
		if (sim_time_input(rq->sim, v, 1, &out)) {
			snprintf(field, sizeof(field), "assignment[%s]", keys[i]);
			snprintf(msg, sizeof(msg), "Invalid datetime for %s", keys[i]);
			sim_reply_invalid(rs, 400, field, msg, msg);
			return -1;
		}
		if (strcmp(keys[i], "unlock_at")) {
			/* due_at and lock_at: fancy midnight in the user zone, as on assignments */
			cJSON *f = fancy(out, sim_user_zone(rq->sim));

			cJSON_Delete(out);
			out = f;
		}
		cJSON_AddItemToObject(dates, keys[i], out);
	}
	return 0;
}

/* Apply an assignment[...] sub-object to the topic's assignment, creating it for an ungraded
 * topic; assignment[set_assignment]=false ungrades the topic instead. */
static void apply_assignment(struct sim_req *rq, cJSON *t, const cJSON *w, cJSON *dates, const char *now)
{
	cJSON *course = rq->course, *a = sim_linked_assignment(course, t), *d;
	const cJSON *sa = sim_get(w, "set_assignment"), *pp;

	if (sa && !sim_value_bool(sa)) {
		if (a) {
			sim_module_items_drop(course, "Assignment", sim_id(a));
			cJSON_Delete(cJSON_DetachItemViaPointer(sim_course_kind(course, "assignments"), a));
		}
		sim_set(t, "assignment_id", cJSON_CreateNull());
		return;
	}
	if (!a) {
		a = cJSON_CreateObject();
		sim_add_id(a, "id", sim_new_id(rq->sim));
		sim_add_id(a, "course_id", sim_id(course));
		cJSON_AddItemToObject(a, "name", sim_dup_or_null(t, "title"));
		cJSON_AddItemToObject(a, "description", sim_dup_or_null(t, "message"));
		cJSON_AddNullToObject(a, "due_at");
		cJSON_AddNullToObject(a, "unlock_at");
		cJSON_AddNullToObject(a, "lock_at");
		cJSON_AddNumberToObject(a, "points_possible", 0);
		cJSON_AddStringToObject(a, "grading_type", "points");
		cJSON_AddItemToObject(a, "submission_types",
				      cJSON_CreateStringArray(DISCUSSION_TYPES, 1));
		sim_add_id(a, "discussion_topic_id", sim_id(t));
		cJSON_AddBoolToObject(a, "published", sim_bool(t, "published", 1));
		cJSON_AddStringToObject(a, "created_at", now);
		cJSON_AddItemToArray(sim_course_kind(course, "assignments"), a);
		sim_set(t, "assignment_id", sim_id_item(sim_id(a)));
	}
	cJSON_ArrayForEach(d, dates)
		sim_set(a, d->string, cJSON_Duplicate(d, 1));
	pp = sim_get(w, "points_possible");
	if (cJSON_IsNumber(pp))
		sim_set(a, "points_possible", cJSON_CreateNumber(pp->valuedouble));
	else if (cJSON_IsString(pp) && *pp->valuestring)
		sim_set(a, "points_possible", cJSON_CreateNumber(strtod(pp->valuestring, NULL)));
	else if (pp)
		sim_set(a, "points_possible", cJSON_CreateNull());
	sim_set_str(a, "updated_at", now);
}

/* Title, message and published of a graded topic are the assignment's too (5.1). */
static void mirror_to_assignment(cJSON *course, const cJSON *t, const char *now)
{
	cJSON *a = sim_linked_assignment(course, t);

	if (!a)
		return;
	sim_set(a, "name", sim_dup_or_null(t, "title"));
	sim_set(a, "description", sim_dup_or_null(t, "message"));
	sim_set(a, "published", cJSON_CreateBool(sim_bool(t, "published", 1)));
	sim_set_str(a, "updated_at", now);
}

/* Same instant (or both null/absent): Canvas compares dates as times, not as strings. */
static int same_date(const cJSON *a, const cJSON *b)
{
	time_t x, y;
	int ha = cJSON_IsString(a) && sim_time_read(a->valuestring, &x);
	int hb = cJSON_IsString(b) && sim_time_read(b->valuestring, &y);

	if (ha != hb)
		return 0;
	return !ha || x == y;
}

/* The stored "locked" (closed by hand): absent reads as false, and stays absent when false, so a
 * write that keeps comments open leaves a seed's topic as it was. */
static void set_manual_lock(cJSON *t, int on)
{
	if (on || cJSON_HasObjectItem(t, "locked"))
		sim_set(t, "locked", cJSON_CreateBool(on));
}

/* Comments open or closed after a write (DiscussionTopicsController#process_discussion_topic_runner,
 * #process_future_date_parameters, #process_lock_parameters, canvas-lms master):
 *   - an announcement's `locked` is lock_comment when sent, else locked when sent, else FALSE:
 *     a PUT that sends neither reopens closed comments;
 *   - when delayed_post_at or lock_at changed, locked becomes "lock_at has passed"
 *     (should_lock_yet) and the locked parameter is not looked at;
 *   - else a locked parameter (always present for an announcement, see above) that differs from
 *     the topic's state locks it, or unlocks it AND clears lock_at ("available until" dropped).
 * `t` already holds the new dates; `old` the delayed_post_at and lock_at before the write. */
static void lock_params(const cJSON *b, cJSON *t, int is_ann, int was_locked, const cJSON *old)
{
	const cJSON *lc = sim_get(b, "lock_comment");
	const cJSON *lk = sim_get(b, "locked");
	int has = 0, want = 0;

	if (lk && cJSON_IsObject(lk))
		lk = NULL;   /* the old hash form is ignored */
	if (is_ann) {
		has = 1;
		if (lc && !(cJSON_IsString(lc) && !*lc->valuestring))
			want = sim_value_bool(lc);
		else if (lk && !(cJSON_IsString(lk) && !*lk->valuestring))
			want = sim_value_bool(lk);
	} else if (lk) {
		has = 1;
		want = sim_value_bool(lk);
	}
	if (!same_date(sim_get(old, "delayed_post_at"),
		       sim_get(t, "delayed_post_at")) ||
	    !same_date(sim_get(old, "lock_at"), sim_get(t, "lock_at"))) {
		/* the stored flag is the lock by hand; the render adds "lock_at has passed" */
		set_manual_lock(t, 0);
		return;
	}
	if (!has || want == was_locked)
		return;
	set_manual_lock(t, want);
	if (!want)
		sim_set(t, "lock_at", cJSON_CreateNull());
}

/* The shared part of create and update: validate first (nothing changes on a 400), then apply
 * the flat params to `t`. Returns 0, or -1 after answering. */
static int apply_params(struct sim_req *rq, struct sim_resp *rs, cJSON *t, int is_ann, int is_new)
{
	const cJSON *b = rq->body, *v, *w;
	cJSON *dates = cJSON_CreateObject();
	char now[21];
	size_t i;
	int rc = -1, was_locked;
	time_t dp;
	cJSON *old_dates;

	sim_time_now(now);
	v = sim_get(b, "discussion_type");
	if (cJSON_IsString(v) && !valid_discussion_type(v->valuestring)) {
		sim_reply_invalid(rs, 400, "discussion_type", "inclusion", "is not included in the list");
		goto done;
	}
	v = sim_get(b, "published");
	if (v && !is_new && !sim_value_bool(v) && sim_bool(t, "published", 1)) {
		/* Canvas: an announcement has no draft state; a topic with posts cannot go back to it */
		const cJSON *entries = sim_get(t, "discussion_subentry_count");

		if (is_ann) {
			sim_reply_invalid(rs, 400, "workflow_state", "invalid", "This topic cannot be set to "
					  "draft state because it is an announcement.");
			goto done;
		}
		if (cJSON_GetNumberValue(entries) > 0 || sim_bool(t, "has_submissions", 0)) {
			sim_reply_invalid(rs, 400, "published", "invalid", "This topic cannot be set to "
					  "draft state because it contains posts.");
			goto done;
		}
	}
	w = sim_get(b, "assignment");
	if (!cJSON_IsObject(w) || is_ann)
		w = NULL;   /* announcements cannot be graded; the sub-object is ignored */
	if (w && assignment_dates(rq, rs, w, dates))
		goto done;

	for (i = 0; i < sizeof(flat_strings) / sizeof(flat_strings[0]); i++) {
		v = sim_get(b, flat_strings[i]);
		if (cJSON_IsString(v))
			sim_set_str(t, flat_strings[i], v->valuestring);
		else if (cJSON_IsNull(v))
			sim_set_str(t, flat_strings[i], NULL);
	}
	if (!sim_str(t, "title") || !*sim_str(t, "title"))
		sim_set_str(t, "title", "No Title");
	for (i = 0; i < sizeof(flat_bools) / sizeof(flat_bools[0]); i++) {
		v = sim_get(b, flat_bools[i]);
		if (v)
			sim_set(t, flat_bools[i], cJSON_CreateBool(sim_value_bool(v)));
	}
	was_locked = topic_locked(t, sim_now());
	old_dates = cJSON_CreateObject();
	cJSON_AddItemToObject(old_dates, "delayed_post_at", sim_dup_or_null(t, "delayed_post_at"));
	cJSON_AddItemToObject(old_dates, "lock_at", sim_dup_or_null(t, "lock_at"));
	if ((v = sim_get(b, "delayed_post_at")))
		sim_set(t, "delayed_post_at", sim_time_lenient(rq->sim, v));
	if ((v = sim_get(b, "todo_date")))
		sim_set(t, "todo_date", sim_time_lenient(rq->sim, v));
	/* unlock_at is not in API_ALLOWED_TOPIC_FIELDS: strong parameters drop it without a word */
	if ((v = sim_get(b, "lock_at"))) {
		cJSON *d = sim_time_lenient(rq->sim, v);

		/* discussion lock_at: fancy midnight in the course zone, not the user zone (5.4) */
		sim_set(t, "lock_at", fancy(d, course_zone(rq->course)));
		cJSON_Delete(d);
	}
	lock_params(b, t, is_ann, was_locked, old_dates);
	cJSON_Delete(old_dates);
	if (is_ann)
		sim_set(t, "published", cJSON_CreateTrue());
	else if ((v = sim_get(b, "published")))
		sim_set(t, "published", cJSON_CreateBool(sim_value_bool(v)));
	else if (is_new)
		sim_set(t, "published", cJSON_CreateTrue());

	/* posted_at follows the schedule: a pending delayed post is not posted yet */
	if (sim_time_read(sim_str(t, "delayed_post_at"), &dp) && dp > sim_now())
		sim_set(t, "posted_at", cJSON_CreateNull());
	else if (!sim_str(t, "posted_at") && sim_bool(t, "published", 1))
		sim_set_str(t, "posted_at", now);

	if (w)
		apply_assignment(rq, t, w, dates, now);
	mirror_to_assignment(rq->course, t, now);
	sim_set_str(t, "updated_at", now);
	rc = 0;
done:
	cJSON_Delete(dates);
	return rc;
}

/* ---------------------------------------------------------------- Blueprint locks
 *
 * MasterCourses::Restrictor (app/models/master_courses/restrictor.rb, #check_for_restricted_column_
 * changes) with DiscussionTopic's restrict_columns (app/models/discussion_topic.rb, canvas-lms
 * master): a topic stored with "restricted_by_master_course": true and "master_course_restrictions"
 * {category: true} (or "all") refuses a change to a column of a locked category with the base error
 * "cannot change column(s): a, b - locked by Master Course" (400, model errors), and its deletion
 * (401/403). The list renders the stored keys, as DiscussionTopicsController#index adds them. */
static const struct {
	const char *category, *column;
} topic_locked_columns[] = {
	{ "content", "title" }, { "content", "message" },
	{ "settings", "require_initial_post" }, { "settings", "discussion_type" }, { "settings", "assignment_id" },
	{ "settings", "pinned" }, { "settings", "locked" }, { "settings", "allow_rating" },
	{ "settings", "only_graders_can_rate" }, { "settings", "sort_by_rating" },
	{ "settings", "group_category_id" },
	{ "state", "workflow_state" },
	{ "availability_dates", "unlock_at" }, { "availability_dates", "delayed_post_at" },
	{ "availability_dates", "lock_at" },
};

static int topic_category_locked(const cJSON *t, const char *category)
{
	const cJSON *r = sim_get(t, "master_course_restrictions");

	if (!sim_bool(t, "restricted_by_master_course", 0) || !cJSON_IsObject(r))
		return 0;
	return sim_bool(r, category, 0) || sim_bool(r, "all", 0);
}

/* The stored value of a restricted column ("workflow_state" is the published flag). */
static int column_same(const cJSON *before, const cJSON *after, const char *column)
{
	if (!strcmp(column, "workflow_state"))
		return sim_bool(before, "published", 1) == sim_bool(after, "published", 1);
	return sim_same_value(sim_get(before, column),
			      sim_get(after, column));
}

/* The base error for locked columns changed between before and after, into errs; 0 when none. */
static int topic_check_blueprint(const cJSON *before, const cJSON *after, cJSON *errs)
{
	char msg[512] = "cannot change column(s): ";
	size_t i, len = strlen(msg), n = 0;

	for (i = 0; i < sizeof(topic_locked_columns) / sizeof(topic_locked_columns[0]); i++) {
		if (!topic_category_locked(before, topic_locked_columns[i].category) ||
		    column_same(before, after, topic_locked_columns[i].column))
			continue;
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s", n ? ", " : "",
					topic_locked_columns[i].column);
		n++;
	}
	if (!n)
		return 0;
	snprintf(msg + len, sizeof(msg) - len, " - locked by Master Course");
	sim_errors_add(errs, "base", msg);
	return 1;
}

static int topic_any_locked(const cJSON *t)
{
	size_t i;

	for (i = 0; i < sizeof(topic_locked_columns) / sizeof(topic_locked_columns[0]); i++)
		if (topic_category_locked(t, topic_locked_columns[i].category))
			return 1;
	return 0;
}

/* Put `saved` (a copy taken before the update) back in place of `cur` in arr; frees cur. */
static void put_back(cJSON *arr, cJSON *cur, cJSON *saved)
{
	if (saved && (!cur || !cJSON_ReplaceItemViaPointer(arr, cur, saved)))
		cJSON_Delete(saved);
}

static void update_topic(struct sim_req *rq, struct sim_resp *rs)
{
	int is_ann, old_pub, items;
	cJSON *arr, *t = find_topic(rq->course, sim_param(rq, "topic_id"), &is_ann, &arr), *old_title, *a;
	cJSON *saved = NULL, *saved_a = NULL, *errs;

	if (!t) {
		sim_reply_not_found(rs);
		return;
	}
	old_title = sim_dup_or_null(t, "title");
	old_pub = sim_bool(t, "published", 1);
	a = sim_linked_assignment(rq->course, t);
	if (topic_any_locked(t)) {
		/* the save is refused whole: keep copies to put back */
		saved = cJSON_Duplicate(t, 1);
		saved_a = a ? cJSON_Duplicate(a, 1) : NULL;
	}
	if (apply_params(rq, rs, t, is_ann, 0)) {
		cJSON_Delete(old_title);
		cJSON_Delete(saved);
		cJSON_Delete(saved_a);
		return;
	}
	if (saved) {
		errs = cJSON_CreateObject();
		if (topic_check_blueprint(saved, t, errs)) {
			put_back(arr, t, saved);
			if (saved_a)
				put_back(sim_course_kind(rq->course, "assignments"),
					 sim_find_id_num(sim_course_kind(rq->course, "assignments"), sim_id(saved_a)),
					 saved_a);
			cJSON_Delete(old_title);
			sim_reply_errors(rs, 400, errs);
			return;
		}
		cJSON_Delete(errs);
		cJSON_Delete(saved);
		cJSON_Delete(saved_a);
	}
	items = !sim_same_value(old_title, sim_get(t, "title")) ||
		old_pub != sim_bool(t, "published", 1);
	cJSON_Delete(old_title);
	if (items && !is_ann) {
		/* a renamed or (un)published topic takes its module items along, and so does its
		 * assignment, which mirror_to_assignment has just changed too (ContentTag.update_for);
		 * announcements are never module items */
		sim_module_items_sync(rq->course, "discussion_topics", t, NULL);
		a = sim_linked_assignment(rq->course, t);
		if (a)
			sim_module_items_sync(rq->course, "assignments", a, NULL);
	}
	sim_reply_json(rs, 200, topic_render(rq, rq->course, t, is_ann, WITH_ASSIGNMENT));
}

static void create_topic(struct sim_req *rq, struct sim_resp *rs)
{
	int is_ann = sim_bool(rq->body, "is_announcement", 0);
	const char *msg = sim_str(rq->body, "message");
	cJSON *t;
	char now[21];

	if (is_ann && (!msg || !*msg)) {
		/* Announcement validates the presence of message */
		sim_reply_invalid(rs, 400, "message", "blank", "can't be blank");
		return;
	}
	sim_time_now(now);
	t = cJSON_CreateObject();
	sim_add_id(t, "id", sim_new_id(rq->sim));
	cJSON_AddStringToObject(t, "title", "No Title");
	cJSON_AddStringToObject(t, "message", "");
	cJSON_AddStringToObject(t, "discussion_type", "side_comment");
	cJSON_AddNullToObject(t, "delayed_post_at");
	cJSON_AddNullToObject(t, "lock_at");
	cJSON_AddNullToObject(t, "todo_date");
	cJSON_AddBoolToObject(t, "pinned", 0);
	cJSON_AddBoolToObject(t, "require_initial_post", 0);
	cJSON_AddNullToObject(t, "assignment_id");
	cJSON_AddNullToObject(t, "posted_at");
	cJSON_AddStringToObject(t, "created_at", now);
	cJSON_AddStringToObject(t, "last_reply_at", now);
	if (is_ann)
		cJSON_AddBoolToObject(t, "is_announcement", 1);
	if (apply_params(rq, rs, t, is_ann, 1)) {
		/* apply_params validates before it changes anything, so no assignment was made yet */
		cJSON_Delete(t);
		return;
	}
	cJSON_AddItemToArray(sim_course_kind(rq->course, is_ann ? "announcements" : "discussion_topics"), t);
	sim_reply_json(rs, 200, topic_render(rq, rq->course, t, is_ann, WITH_ASSIGNMENT));
}

static void delete_topic(struct sim_req *rq, struct sim_resp *rs)
{
	int is_ann;
	cJSON *arr, *t = find_topic(rq->course, sim_param(rq, "topic_id"), &is_ann, &arr), *a;

	if (!t) {
		sim_reply_not_found(rs);
		return;
	}
	if (topic_any_locked(t)) {
		/* Blueprint-locked content cannot be deleted in the child course */
		sim_reply_unauthorized(rq, rs);
		return;
	}
	a = sim_linked_assignment(rq->course, t);
	if (a) {
		sim_module_items_drop(rq->course, "Assignment", sim_id(a));
		cJSON_Delete(cJSON_DetachItemViaPointer(sim_course_kind(rq->course, "assignments"), a));
	}
	sim_module_items_drop(rq->course, "Discussion", sim_id(t));
	cJSON_Delete(cJSON_DetachItemViaPointer(arr, t));
	/* discussion_topics_controller#destroy answers JSON requests with 204 and no body */
	sim_reply_text(rs, 204, "", "");
}

/* ---------------------------------------------------------------- /api/v1/announcements */

static void list_announcements(struct sim_req *rq, struct sim_resp *rs)
{
	const cJSON *codes = sim_get(rq->q, "context_codes"), *c;
	const char *zone = sim_user_zone(rq->sim);
	const char *sd = sim_query(rq, "start_date"), *ed = sim_query(rq, "end_date");
	int active_only = sim_query_bool(rq, "active_only", 0);
	time_t start, end, now = sim_now();
	cJSON *courses = cJSON_CreateArray(), *all;
	struct row *rows = NULL;
	size_t n = 0, cap = 0, i;

	if (cJSON_IsString(codes) && *codes->valuestring) {
		cJSON_AddItemToArray(courses, cJSON_CreateString(codes->valuestring));
	} else {
		cJSON_ArrayForEach(c, codes)
			if (cJSON_IsString(c) && *c->valuestring)
				cJSON_AddItemToArray(courses, cJSON_CreateString(c->valuestring));
	}
	if (!cJSON_GetArraySize(courses)) {
		sim_reply_message(rs, 400, "Missing context_codes");
		goto done;
	}
	cJSON_ArrayForEach(c, courses) {
		if (strncmp(c->valuestring, "course_", 7)) {
			sim_reply_message(rs, 400,
					  "Invalid context_codes; only `course` codes are supported");
			goto done;
		}
	}
	if (sd && *sd && sim_time_day_param(sd, zone, 0, &start)) {
		sim_reply_message(rs, 400, "Invalid start_date");
		goto done;
	}
	if (ed && *ed && sim_time_day_param(ed, zone, 1, &end)) {
		sim_reply_message(rs, 400, "Invalid end_date");
		goto done;
	}
	if (!sd || !*sd) {
		struct tm tm;

		/* 14.days.ago.beginning_of_day in the user's zone */
		sim_time_local(now - 14 * 86400, zone, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		start = sim_time_from_local(&tm, zone);
	}
	if (!ed || !*ed)
		end = start + 28 * 86400;

	sort_mode = ORDER_POSTED;
	cJSON_ArrayForEach(c, courses) {
		/* api_find_all: unknown courses are skipped, not an error */
		cJSON *course = sim_find_course(rq->sim, c->valuestring + 7), *t;

		if (!course)
			continue;
		cJSON_ArrayForEach(t, sim_course_kind(course, "announcements")) {
			struct row *r;
			int has;
			time_t k = posted_key(t, &has), dp;

			if (!has || k < start || k > end)
				continue;
			if (active_only && (!sim_bool(t, "published", 1) ||
					    (sim_time_read(sim_str(t, "delayed_post_at"), &dp) && dp >= now)))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				rows = xrealloc(rows, cap * sizeof(*rows));
			}
			r = &rows[n++];
			memset(r, 0, sizeof(*r));
			r->t = t;
			r->id = sim_id(t);
			r->key = k;
			r->has_key = 1;
			r->course = course;
		}
	}
	if (n)
		qsort(rows, n, sizeof(*rows), row_cmp);
	all = cJSON_CreateArray();
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(all, topic_render(rq, rows[i].course, rows[i].t, 1, WITH_CONTEXT_CODE));
	sim_reply_list(rq, rs, all, PAGING_NUMBERED);
done:
	free(rows);
	cJSON_Delete(courses);
}

const struct sim_route sim_routes_discussions[] = {
	{ "GET", "/api/v1/courses/:course_id/discussion_topics", list_topics, ROUTE_COURSE },
	{ "POST", "/api/v1/courses/:course_id/discussion_topics", create_topic, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/discussion_topics/:topic_id", get_topic, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/discussion_topics/:topic_id", update_topic, ROUTE_COURSE },
	{ "DELETE", "/api/v1/courses/:course_id/discussion_topics/:topic_id", delete_topic, ROUTE_COURSE },
	{ "GET", "/api/v1/announcements", list_announcements, 0 },
	{ NULL, NULL, NULL, 0 },
};

/* tests/sim/res_quizzes.c -- classic quizzes (API.md 8.2, 5.1, 5.4, 9, 12).
 *
 *   GET    /api/v1/courses/:course_id/quizzes        list (numbered pages), search_term
 *   POST   /api/v1/courses/:course_id/quizzes        create (quiz[title] ...)
 *   GET    /api/v1/courses/:course_id/quizzes/:id    one quiz
 *   PUT    /api/v1/courses/:course_id/quizzes/:id    update quiz[...]
 *   DELETE /api/v1/courses/:course_id/quizzes/:id    the deleted quiz; its assignment goes too
 *
 * Stored quizzes (course "quizzes") keep the seed's fields; the render adds Quizzes::QuizSerializer's
 * defaults and derived fields: html_url, mobile_url, the *_url family, speed_grader_url,
 * permissions, can_update, and all_dates for editors (the base dates plus one entry per override of
 * the linked assignment -- quiz overrides ARE assignment overrides -- or of the quiz's own
 * "overrides" for an ungraded quiz).
 *
 * Canvas rules reproduced, and why they matter to a client:
 * - The wrapper is required: no quiz[...] at all answers 400 {"errors":[{"message":"quiz is missing"}]}.
 * - quiz[notify_of_update] DEFAULTS TO TRUE (API.md 8.2, 12): every successful PUT "notifies the
 *   students" -- recorded with sim_notify(..., "quiz_updated", ...) and visible at
 *   /__sim/notifications -- unless the client sends notify_of_update=false. A bulk date shift that
 *   forgets it spams a whole class; tests can now see that.
 * - Dates go through Rails casting (API.md 9): Z, offsets, fractions, no seconds and bare dates
 *   parse (offset-less ones in the user zone); anything else silently becomes null, clearing it.
 * - Fancy midnight (5.4) as today's Canvas does it on a quiz (app/models/quizzes/quiz.rb): the
 *   quiz's own due_at and lock_at become 23:59:59 of their day only when given as a bare DATE
 *   ("2025-03-01": Quiz#due_at= and #lock_at= call infer_times / fancy_midnight only for a string
 *   without ':'; Quiz has no before_save :infer_times any more). A date-time at 00:00 is stored as
 *   sent, and so is the copy its save makes on its assignment (Quiz#update_assignment assigns and
 *   saves; Assignment#infer_times is no save callback).
 * - A graded quiz (assignment_id) and its assignment are one entity (5.1): each save copies title
 *   (as name), description, due_at, unlock_at, lock_at and the published state to the assignment.
 *   The assignments resource mirrors the other direction.
 * - A PUT that renames or (un)publishes the quiz gives the module items of the quiz and of its
 *   assignment the new title and state (ContentTag.update_for, sim_module_items_sync).
 * - Unpublishing a quiz with submissions ("has_submissions": true in the state) is refused with
 *   400 {"errors":{"published":[...]}}; unpublishable/can_unpublish report it beforehand.
 *
 * Left out: the JSON-API variant (Accept: application/vnd.api+json answers 204 with no body) needs
 * the request's headers, which struct sim_req does not carry; changing quiz_type between graded and
 * ungraded does not create or delete the assignment; question-derived fields are stored values.
 *
 * Decisions: a new quiz is unpublished (as Canvas creates them) and, for the graded types
 * ("assignment", "graded_survey"; the default is "assignment"), gets its assignment at once, so
 * the pair exists in the state from the start. DELETE answers 200 with the quiz as it was and
 * removes the row, its assignment and the module items pointing at either.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- small helpers */

static const char *const QUIZ_TYPES[] = { "online_quiz" };   /* a quiz assignment's submission_types */

static void set_url(cJSON *o, const char *key, const char *fmt_base, const struct sim_req *rq, int64_t cid,
		    int64_t id, const char *tail)
{
	char cb[24], ib[24];
	const char *parts[] = { rq->base, fmt_base, "/courses/", sim_i64_str(cb, cid), "/quizzes/", sim_i64_str(ib, id),
				tail };
	char *url = sim_join(parts, sizeof(parts) / sizeof(parts[0]));

	sim_set_str(o, key, url);
	free(url);
}

/* A date param through Rails casting (null when unparseable), fancy-midnighted when asked and
 * given as a bare date (no ':'), as Quiz#due_at= and #lock_at= do. */
static cJSON *quiz_date(struct sim *s, const cJSON *v, int fancy)
{
	cJSON *out = sim_time_lenient(s, v);
	time_t t;
	char buf[21];

	if (fancy && cJSON_IsString(v) && !strchr(v->valuestring, ':') && cJSON_IsString(out) &&
	    sim_time_read(out->valuestring, &t)) {
		sim_time_format(sim_time_fancy_midnight(t, sim_user_zone(s)), buf);
		cJSON_Delete(out);
		out = cJSON_CreateString(buf);
	}
	return out;
}

/* An integer-ish param: JSON number, or a form string ("" and null -> null). */
static cJSON *int_param(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return cJSON_CreateNumber((double)sim_i64(v->valuedouble));
	if (cJSON_IsString(v) && *v->valuestring)
		return sim_id_item(strtoll(v->valuestring, NULL, 10));
	return cJSON_CreateNull();
}

/* ---------------------------------------------------------------- rendering */

/* One all_dates entry of an override: its overridden dates, the base date where it has none. */
static cJSON *override_date(const cJSON *ov, const cJSON *base)
{
	static const char *const keys[] = { "due_at", "unlock_at", "lock_at" };
	cJSON *e = cJSON_CreateObject();
	size_t i;

	sim_add_id(e, "id", sim_id(ov));
	cJSON_AddItemToObject(e, "title", sim_dup_or_null(ov, "title"));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *from = sim_get(ov, keys[i]) ? ov : base;

		cJSON_AddItemToObject(e, keys[i], sim_dup_or_null(from, keys[i]));
	}
	return e;
}

static cJSON *all_dates(cJSON *course, const cJSON *q)
{
	cJSON *out = cJSON_CreateArray(), *a = sim_linked_assignment(course, q), *ov;
	const cJSON *ovs = sim_get(a ? a : q, "overrides");
	int n = cJSON_GetArraySize(ovs);

	if (!sim_bool(a ? a : q, "only_visible_to_overrides", 0)) {
		cJSON *b = cJSON_CreateObject();

		cJSON_AddBoolToObject(b, "base", 1);
		cJSON_AddStringToObject(b, "title", n ? "Everyone else" : "Everyone");
		cJSON_AddItemToObject(b, "due_at", sim_dup_or_null(q, "due_at"));
		cJSON_AddItemToObject(b, "unlock_at", sim_dup_or_null(q, "unlock_at"));
		cJSON_AddItemToObject(b, "lock_at", sim_dup_or_null(q, "lock_at"));
		cJSON_AddItemToArray(out, b);
	}
	cJSON_ArrayForEach(ov, ovs)
		cJSON_AddItemToArray(out, override_date(ov, q));
	return out;
}

static cJSON *quiz_render(const struct sim_req *rq, cJSON *course, const cJSON *q)
{
	cJSON *o = sim_dup_render(rq, q), *perm;
	int64_t cid = sim_id(course), id = sim_id(q);
	const cJSON *aid = sim_get(q, "assignment_id");
	int subs = sim_bool(q, "has_submissions", 0);
	const char *code = sim_str(q, "access_code");

	cJSON_DeleteItemFromObjectCaseSensitive(o, "overrides");
	cJSON_DeleteItemFromObjectCaseSensitive(o, "has_submissions");
	set_url(o, "html_url", "", rq, cid, id, "");
	set_url(o, "mobile_url", "", rq, cid, id, "?force_user=1&persist_headless=1");
	set_url(o, "quiz_reports_url", "/api/v1", rq, cid, id, "/reports");
	set_url(o, "quiz_statistics_url", "/api/v1", rq, cid, id, "/statistics");
	set_url(o, "message_students_url", "/api/v1", rq, cid, id, "/submission_users/message");
	set_url(o, "quiz_submission_html_url", "", rq, cid, id, "/submission_html");
	set_url(o, "quiz_submissions_zip_url", "", rq, cid, id, "/submissions?zip=1");
	set_url(o, "preview_url", "", rq, cid, id, "/take?preview=1");
	set_url(o, "quiz_extensions_url", "/api/v1", rq, cid, id, "/extensions");
	if (sim_value_id(aid) >= 0) {
		char cb[24], ab[24];
		const char *parts[] = { rq->base, "/courses/", sim_i64_str(cb, cid), "/gradebook/speed_grader?assignment_id=",
					sim_i64_str(ab, sim_value_id(aid)) };
		char *url = sim_join(parts, sizeof(parts) / sizeof(parts[0]));

		sim_set_str(o, "speed_grader_url", url);
		free(url);
	} else {
		sim_set(o, "speed_grader_url", cJSON_CreateNull());
	}
	sim_set(o, "all_dates", all_dates(course, q));
	sim_set(o, "unpublishable", cJSON_CreateBool(!subs));
	sim_set(o, "can_unpublish", cJSON_CreateBool(!subs));
	sim_set(o, "can_update", cJSON_CreateTrue());
	sim_set(o, "locked_for_user", cJSON_CreateFalse());
	sim_set(o, "has_access_code", cJSON_CreateBool(code && *code));
	if (!sim_get(o, "permissions")) {
		perm = cJSON_AddObjectToObject(o, "permissions");
		cJSON_AddBoolToObject(perm, "read", 1);
		cJSON_AddBoolToObject(perm, "submit", 0);
		cJSON_AddBoolToObject(perm, "create", 1);
		cJSON_AddBoolToObject(perm, "manage", 1);
		cJSON_AddBoolToObject(perm, "read_statistics", 1);
		cJSON_AddBoolToObject(perm, "review_grades", 1);
		cJSON_AddBoolToObject(perm, "update", 1);
	}
	sim_default_str(o, "title", "Unnamed Quiz");
	sim_default_null(o, "description");
	sim_default_str(o, "quiz_type", "assignment");
	sim_default_null(o, "time_limit");
	sim_default_bool(o, "timer_autosubmit_disabled", 0);
	sim_default_bool(o, "shuffle_answers", 0);
	sim_default_bool(o, "show_correct_answers", 1);
	sim_default_str(o, "scoring_policy", "keep_highest");
	sim_default_num(o, "allowed_attempts", 1);
	sim_default_bool(o, "one_question_at_a_time", 0);
	sim_default_num(o, "question_count", 0);
	sim_default_null(o, "points_possible");
	sim_default_bool(o, "cant_go_back", 0);
	sim_default_null(o, "access_code");
	sim_default_null(o, "ip_filter");
	sim_default_null(o, "due_at");
	sim_default_null(o, "lock_at");
	sim_default_null(o, "unlock_at");
	sim_default_bool(o, "published", 0);
	sim_default_null(o, "hide_results");
	sim_default_null(o, "show_correct_answers_at");
	sim_default_null(o, "hide_correct_answers_at");
	sim_default_bool(o, "require_lockdown_browser", 0);
	sim_default_bool(o, "require_lockdown_browser_for_results", 0);
	sim_default_bool(o, "require_lockdown_browser_monitor", 0);
	sim_default_null(o, "lockdown_browser_monitor_data");
	sim_default_null(o, "assignment_group_id");
	sim_default_null(o, "assignment_id");
	sim_default_bool(o, "show_correct_answers_last_attempt", 0);
	sim_default_bool(o, "one_time_results", 0);
	sim_default_bool(o, "only_visible_to_overrides", 0);
	sim_default_num(o, "version_number", 1);
	sim_default_item(o, "question_types", cJSON_CreateArray());
	sim_default_bool(o, "post_to_sis", 0);
	sim_default_null(o, "migration_id");
	sim_default_bool(o, "in_paced_course", 0);
	return o;
}

/* ---------------------------------------------------------------- reads */

static cJSON *render_listed(void *ctx, const cJSON *q)
{
	struct sim_req *rq = ctx;

	return quiz_render(rq, rq->course, q);
}

static void list_quizzes(struct sim_req *rq, struct sim_resp *rs)
{
	const char *search = sim_query(rq, "search_term");
	cJSON *arr = sim_course_kind(rq->course, "quizzes"), *q;
	const cJSON **items = xmalloc(((size_t)cJSON_GetArraySize(arr) + 1) * sizeof(*items));
	int n = 0;

	/* only the page's quizzes are rendered (sim_reply_list_lazy): all of them, for each page of
	 * 100, were a third of the time serving tests/bench/plan.sh's 300 (issue 18) */
	cJSON_ArrayForEach(q, arr) {
		if (search && *search && !sim_icontains(sim_str(q, "title"), search))
			continue;
		items[n++] = q;
		/* rendering a graded quiz makes the course's assignments list when it has none
		 * (sim_linked_assignment); every listed quiz was rendered before, so do it for all */
		if (sim_value_id(sim_get(q, "assignment_id")) >= 0)
			sim_course_kind(rq->course, "assignments");
	}
	sim_reply_list_lazy(rq, rs, items, n, render_listed, rq, PAGING_NUMBERED);
	free(items);
}

static void get_quiz(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *q = sim_find_id(sim_course_kind(rq->course, "quizzes"), sim_param(rq, "id"));

	if (!q) {
		sim_reply_not_found(rs);
		return;
	}
	sim_reply_json(rs, 200, quiz_render(rq, rq->course, q));
}

/* ---------------------------------------------------------------- writes */

static const char *const string_keys[] = {
	"title", "description", "quiz_type", "scoring_policy", "hide_results", "access_code", "ip_filter",
};
static const char *const bool_keys[] = {
	"shuffle_answers", "show_correct_answers", "show_correct_answers_last_attempt",
	"one_question_at_a_time", "cant_go_back", "one_time_results", "only_visible_to_overrides",
	"require_lockdown_browser", "require_lockdown_browser_for_results",
	"require_lockdown_browser_monitor",
};
static const char *const int_keys[] = { "time_limit", "allowed_attempts", "assignment_group_id" };
/* dates, and whether fancy midnight applies (due_at and lock_at only, 5.4) */
static const struct {
	const char *key;
	int fancy;
} date_keys[] = {
	{ "due_at", 1 }, { "lock_at", 1 }, { "unlock_at", 0 },
	{ "show_correct_answers_at", 0 }, { "hide_correct_answers_at", 0 },
};

/* Copy quiz fields to its assignment (Quiz#update_assignment; 5.1). */
static void mirror_to_assignment(cJSON *course, const cJSON *q, const char *now)
{
	cJSON *a = sim_linked_assignment(course, q);

	if (!a)
		return;
	sim_set(a, "name", sim_dup_or_null(q, "title"));
	sim_set(a, "description", sim_dup_or_null(q, "description"));
	sim_set(a, "due_at", sim_dup_or_null(q, "due_at"));
	sim_set(a, "unlock_at", sim_dup_or_null(q, "unlock_at"));
	sim_set(a, "lock_at", sim_dup_or_null(q, "lock_at"));
	sim_set(a, "published", cJSON_CreateBool(sim_bool(q, "published", 0)));
	sim_set_str(a, "updated_at", now);
}

/* A renamed or (un)published quiz takes its module items along, and so does its assignment, which
 * mirror_to_assignment has just renamed or (un)published too (ContentTag.update_for). */
static void sync_module_items(cJSON *course, cJSON *q)
{
	cJSON *a = sim_linked_assignment(course, q);

	/* the sync reads "published" with default true; a quiz without the flag renders unpublished */
	sim_set(q, "published", cJSON_CreateBool(sim_bool(q, "published", 0)));
	sim_module_items_sync(course, "quizzes", q, NULL);
	if (a)
		sim_module_items_sync(course, "assignments", a, NULL);
}

/* Append ",key" to the list in buf (truncated quietly at cap). */
static void note(char *buf, size_t cap, const char *key)
{
	size_t used = strlen(buf);

	snprintf(buf + used, cap - used, "%s%s", used ? "," : "", key);
}

/* Apply quiz[...] to q. Writes `changed` (comma list of the keys applied) for the notification. */
static void apply_params(struct sim_req *rq, cJSON *q, const cJSON *w, char *changed, size_t cap)
{
	const cJSON *v;
	size_t i;

	changed[0] = '\0';
	for (i = 0; i < sizeof(string_keys) / sizeof(string_keys[0]); i++) {
		v = sim_get(w, string_keys[i]);
		if (!v)
			continue;
		sim_set_str(q, string_keys[i], cJSON_IsString(v) ? v->valuestring : NULL);
		note(changed, cap, string_keys[i]);
	}
	for (i = 0; i < sizeof(bool_keys) / sizeof(bool_keys[0]); i++) {
		v = sim_get(w, bool_keys[i]);
		if (!v)
			continue;
		sim_set(q, bool_keys[i], cJSON_CreateBool(sim_value_bool(v)));
		note(changed, cap, bool_keys[i]);
	}
	for (i = 0; i < sizeof(int_keys) / sizeof(int_keys[0]); i++) {
		v = sim_get(w, int_keys[i]);
		if (!v)
			continue;
		sim_set(q, int_keys[i], int_param(v));
		note(changed, cap, int_keys[i]);
	}
	for (i = 0; i < sizeof(date_keys) / sizeof(date_keys[0]); i++) {
		v = sim_get(w, date_keys[i].key);
		if (!v)
			continue;
		sim_set(q, date_keys[i].key, quiz_date(rq->sim, v, date_keys[i].fancy));
		note(changed, cap, date_keys[i].key);
	}
	if ((v = sim_get(w, "published"))) {
		sim_set(q, "published", cJSON_CreateBool(sim_value_bool(v)));
		note(changed, cap, "published");
	}
	if (!sim_str(q, "title") || !*sim_str(q, "title"))
		sim_set_str(q, "title", "Unnamed Quiz");
}

static void update_quiz(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *q = sim_find_id(sim_course_kind(rq->course, "quizzes"), sim_param(rq, "id")), *old_title;
	const cJSON *w = sim_body_wrapper(rq, "quiz"), *v;
	char now[21], changed[512];
	int old_pub;

	if (!q) {
		sim_reply_not_found(rs);
		return;
	}
	if (!w) {
		sim_reply_missing(rs, "quiz");
		return;
	}
	v = sim_get(w, "published");
	if (v && !sim_value_bool(v) && sim_bool(q, "published", 0) && sim_bool(q, "has_submissions", 0)) {
		/* Quizzes::Quiz: cannot go back to unpublished once students have submitted */
		sim_reply_invalid(rs, 400, "published", "invalid",
				  "Can't unpublish if there are student submissions");
		return;
	}
	old_title = sim_dup_or_null(q, "title");
	old_pub = sim_bool(q, "published", 0);
	apply_params(rq, q, w, changed, sizeof(changed));
	sim_time_now(now);
	sim_set_str(q, "updated_at", now);
	mirror_to_assignment(rq->course, q, now);
	if (!sim_same_value(old_title, sim_get(q, "title")) ||
	    old_pub != sim_bool(q, "published", 0))
		sync_module_items(rq->course, q);
	cJSON_Delete(old_title);
	/* quiz[notify_of_update] defaults to true (API.md 8.2): absent means "notify" */
	v = sim_get(w, "notify_of_update");
	if (!v || cJSON_IsNull(v) || sim_value_bool(v))
		sim_notify(rq->sim, "quiz_updated", rq->course, "quiz", sim_id(q), changed);
	sim_reply_json(rs, 200, quiz_render(rq, rq->course, q));
}

static int graded_type(const char *type)
{
	return !type || !strcmp(type, "assignment") || !strcmp(type, "graded_survey");
}

static void create_quiz(struct sim_req *rq, struct sim_resp *rs)
{
	const cJSON *w = sim_body_wrapper(rq, "quiz");
	cJSON *q, *a;
	char now[21], changed[512];

	if (!w) {
		sim_reply_missing(rs, "quiz");
		return;
	}
	sim_time_now(now);
	q = cJSON_CreateObject();
	sim_add_id(q, "id", sim_new_id(rq->sim));
	cJSON_AddStringToObject(q, "title", "Unnamed Quiz");
	cJSON_AddNullToObject(q, "description");
	cJSON_AddStringToObject(q, "quiz_type", "assignment");
	cJSON_AddNullToObject(q, "due_at");
	cJSON_AddNullToObject(q, "unlock_at");
	cJSON_AddNullToObject(q, "lock_at");
	cJSON_AddBoolToObject(q, "published", 0);
	cJSON_AddNumberToObject(q, "question_count", 0);
	cJSON_AddNumberToObject(q, "points_possible", 0);
	cJSON_AddStringToObject(q, "created_at", now);
	cJSON_AddStringToObject(q, "updated_at", now);
	apply_params(rq, q, w, changed, sizeof(changed));
	if (graded_type(sim_str(q, "quiz_type"))) {
		a = cJSON_CreateObject();
		sim_add_id(a, "id", sim_new_id(rq->sim));
		sim_add_id(a, "course_id", sim_id(rq->course));
		sim_add_id(a, "quiz_id", sim_id(q));
		cJSON_AddItemToObject(a, "submission_types", cJSON_CreateStringArray(QUIZ_TYPES, 1));
		cJSON_AddBoolToObject(a, "is_quiz_assignment", 1);
		cJSON_AddNumberToObject(a, "points_possible", 0);
		cJSON_AddStringToObject(a, "grading_type", "points");
		cJSON_AddStringToObject(a, "created_at", now);
		cJSON_AddItemToArray(sim_course_kind(rq->course, "assignments"), a);
		sim_set(q, "assignment_id", sim_id_item(sim_id(a)));
		mirror_to_assignment(rq->course, q, now);
	}
	cJSON_AddItemToArray(sim_course_kind(rq->course, "quizzes"), q);
	sim_reply_json(rs, 200, quiz_render(rq, rq->course, q));
}

static void delete_quiz(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *arr = sim_course_kind(rq->course, "quizzes"), *a, *out;
	cJSON *q = sim_find_id(arr, sim_param(rq, "id"));

	if (!q) {
		sim_reply_not_found(rs);
		return;
	}
	out = quiz_render(rq, rq->course, q);
	a = sim_linked_assignment(rq->course, q);
	if (a) {
		sim_module_items_drop(rq->course, "Assignment", sim_id(a));
		cJSON_Delete(cJSON_DetachItemViaPointer(sim_course_kind(rq->course, "assignments"), a));
	}
	sim_module_items_drop(rq->course, "Quiz", sim_id(q));
	cJSON_Delete(cJSON_DetachItemViaPointer(arr, q));
	sim_reply_json(rs, 200, out);
}

const struct sim_route sim_routes_quizzes[] = {
	{ "GET", "/api/v1/courses/:course_id/quizzes", list_quizzes, ROUTE_COURSE },
	{ "POST", "/api/v1/courses/:course_id/quizzes", create_quiz, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/quizzes/:id", get_quiz, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/quizzes/:id", update_quiz, ROUTE_COURSE },
	{ "DELETE", "/api/v1/courses/:course_id/quizzes/:id", delete_quiz, ROUTE_COURSE },
	{ NULL, NULL, NULL, 0 },
};

/* tests/sim/res_courses.c -- courses, the account course list, and users/self (API.md 0, 4).
 *
 *   GET /api/v1/users/self                       the token's user (a token check)
 *   GET /api/v1/users/self/profile               the user's profile: time_zone is the zone Canvas
 *                                                judges fancy midnight in (user_profile_json)
 *   GET /api/v1/users/self/tokens/:id            one of the user's tokens by token_hint or id: its
 *                                                purpose and expires_at (TokensController#show)
 *   GET /api/v1/courses                          the caller's courses (every course in the state)
 *   GET /api/v1/courses/:course_id               include[]=syllabus_body, include[]=term,
 *                                                include[]=total_students (the seed's "total_students",
 *                                                else the size of its "students"; absent when it has
 *                                                neither; Api::V1::Course#course_json)
 *   PUT /api/v1/courses/:course_id               course[name|course_code|start_at|end_at|time_zone|
 *                                                syllabus_body|default_view|term_id|
 *                                                restrict_enrollments_to_course_dates|event]
 *   GET /api/v1/accounts/:account_id/courses     enrollment_term_id (id, sis_term_id:X, default,
 *                                                current), state[], search_term, published, include[]=term
 *
 * Canvas rules reproduced: :course_id may be "sis_course_id:X" or "uuid:X" (URL-escaped; resolved by
 * the core); the course JSON never carries its content arrays and carries syllabus_body only with
 * the include; `end_at` is the model's conclude_at under another name; the course time zone is an
 * IANA name, and course[time_zone] accepts IANA names only here (Canvas also takes Rails names);
 * workflow_state changes only through course[event] (offer -> available, claim -> unpublished,
 * conclude -> completed, delete -> deleted, undelete -> unpublished); an unknown term in the account
 * list is 404. A syllabus PUT without course[...] changes nothing and still answers 200 (the wrapper
 * trap of USERS.md item 6). Courses whose workflow_state is "deleted" are not listed by default.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "xalloc.h"

/* The keys of a stored course that are content, not course fields. */
static const char *const content_keys[] = {
	"assignments", "quizzes", "discussion_topics", "announcements", "modules", "pages", "calendar_events",
	"grading_periods",   /* GET .../grading_periods (res_assignments.c), not a course field */
};

static int is_content_key(const char *k)
{
	size_t i;

	for (i = 0; i < sizeof(content_keys) / sizeof(content_keys[0]); i++)
		if (!strcmp(k, content_keys[i]))
			return 1;
	return 0;
}

static cJSON *find_term(struct sim *s, const char *id)
{
	cJSON *terms = cJSON_GetObjectItemCaseSensitive(s->state, "terms"), *t;

	if (!id)
		return NULL;
	if (!strncmp(id, "sis_term_id:", 12)) {
		cJSON_ArrayForEach(t, terms)
			if (sim_str(t, "sis_term_id") && !strcmp(sim_str(t, "sis_term_id"), id + 12))
				return t;
		return NULL;
	}
	return sim_find_id(terms, id);
}

/* The course as the API renders it: a new object. */
static cJSON *render_course(struct sim_req *rq, cJSON *c)
{
	cJSON *out = cJSON_CreateObject(), *it;
	char *ics;

	cJSON_ArrayForEach(it, c) {
		if (is_content_key(it->string) || !strcmp(it->string, "syllabus_body") ||
		    !strcmp(it->string, "total_students"))
			continue;
		cJSON_AddItemToObject(out, it->string, cJSON_Duplicate(it, 1));
	}
	if (!cJSON_HasObjectItem(out, "workflow_state"))
		cJSON_AddStringToObject(out, "workflow_state", "unpublished");
	if (!cJSON_HasObjectItem(out, "blueprint"))
		cJSON_AddBoolToObject(out, "blueprint", 0);
	if (!cJSON_HasObjectItem(out, "time_zone"))
		cJSON_AddStringToObject(out, "time_zone", sim_user_zone(rq->sim));
	if (!cJSON_HasObjectItem(out, "start_at"))
		cJSON_AddNullToObject(out, "start_at");
	if (!cJSON_HasObjectItem(out, "end_at"))
		cJSON_AddNullToObject(out, "end_at");
	if (!cJSON_HasObjectItem(out, "restrict_enrollments_to_course_dates"))
		cJSON_AddBoolToObject(out, "restrict_enrollments_to_course_dates", 0);
	if (!cJSON_HasObjectItem(out, "calendar") && sim_str(c, "uuid")) {
		cJSON *cal = cJSON_AddObjectToObject(out, "calendar");

		ics = xasprintf("%s/feeds/calendars/course_%s.ics", rq->base, sim_str(c, "uuid"));
		cJSON_AddStringToObject(cal, "ics", ics);
		free(ics);
	}
	if (sim_query_has(rq, "include", "syllabus_body")) {
		const cJSON *sb = cJSON_GetObjectItemCaseSensitive(c, "syllabus_body");

		cJSON_AddItemToObject(out, "syllabus_body", sb ? cJSON_Duplicate(sb, 1) : cJSON_CreateNull());
	}
	if (sim_query_has(rq, "include", "total_students")) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(c, "total_students");
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(c, "students");

		if (cJSON_IsNumber(n))
			cJSON_AddNumberToObject(out, "total_students", n->valuedouble);
		else if (cJSON_IsArray(l))
			cJSON_AddNumberToObject(out, "total_students", cJSON_GetArraySize(l));
	}
	if (sim_query_has(rq, "include", "term")) {
		const cJSON *et = cJSON_GetObjectItemCaseSensitive(c, "enrollment_term_id");
		char id[32];
		cJSON *t = NULL;

		/* a course without a term has no "term" (casting the NaN of a missing number is UB) */
		if (sim_value_id(et) >= 0) {
			snprintf(id, sizeof(id), "%lld", (long long)sim_value_id(et));
			t = find_term(rq->sim, id);
		}
		if (t)
			cJSON_AddItemToObject(out, "term", cJSON_Duplicate(t, 1));
	}
	return out;
}

static void get_user_self(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *u = cJSON_CreateObject();

	(void)rq;
	cJSON_AddNumberToObject(u, "id", 9001);
	cJSON_AddStringToObject(u, "name", "Dr. A. Rivera");
	cJSON_AddStringToObject(u, "sortable_name", "Rivera, A.");
	cJSON_AddStringToObject(u, "short_name", "Dr. A. Rivera");
	cJSON_AddStringToObject(u, "login_id", "arivera");
	cJSON_AddStringToObject(u, "time_zone", sim_user_zone(rq->sim));
	sim_reply_json(rs, 200, u);
}

/* GET /api/v1/users/self/tokens/:id -- TokensController#show (canvas-lms
 * app/controllers/tokens_controller.rb): find_token takes :id as a token_hint when
 * AccessToken.token_hint? says so (a string of HINT_LENGTH = 5 characters; app/models/access_token.rb,
 * where token= stores the token's first 5 characters as its hint), else as the database id; the
 * user's own tokens only. The body is Api::V1::Token#token_json (lib/api/v1/token.rb): id,
 * created_at, expires_at (the model's permanent_expires_at, null when it never expires), purpose,
 * workflow_state, user_id, scopes, app_name, visible_token ("HINT...") and can_manually_regenerate.
 * Here: every seed token is the user 9001's; the id is the token's place in the seed's list (1-based);
 * a token object may carry "purpose" and "created_at"; a plain string token has purpose
 * "canvas-sim token" and no expiry. The first token with the hint wins (find_by). */
static void get_user_token(struct sim_req *rq, struct sim_resp *rs)
{
	const char *id = sim_param(rq, "id");
	cJSON *tokens = cJSON_GetObjectItemCaseSensitive(rq->sim->state, "tokens"), *it, *found = NULL, *o;
	int n = 0, at = 0;
	const char *tok = NULL;
	char hint[16];

	cJSON_ArrayForEach(it, tokens) {
		const char *t = cJSON_IsString(it) ? it->valuestring : sim_str(it, "token");

		n++;
		if (t && strlen(id) == 5 && !strncmp(t, id, 5)) {
			found = it;
			tok = t;
			at = n;
			break;
		}
	}
	if (!found) {
		char *end;
		long want = strtol(id, &end, 10);

		n = 0;
		cJSON_ArrayForEach(it, tokens) {
			if (++n == want && !*end) {
				found = it;
				tok = cJSON_IsString(it) ? it->valuestring : sim_str(it, "token");
				at = n;
			}
		}
	}
	if (!found || !tok) {
		sim_reply_not_found(rs);
		return;
	}
	snprintf(hint, sizeof(hint), "%.5s...", tok);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", at);
	cJSON_AddStringToObject(o, "created_at", cJSON_IsObject(found) && sim_str(found, "created_at") ?
				sim_str(found, "created_at") : "2026-01-05T14:00:00Z");
	cJSON_AddStringToObject(o, "purpose", cJSON_IsObject(found) && sim_str(found, "purpose") ?
				sim_str(found, "purpose") : "canvas-sim token");
	cJSON_AddNullToObject(o, "real_user_id");
	cJSON_AddNullToObject(o, "remember_access");
	cJSON_AddItemToObject(o, "scopes", cJSON_CreateArray());
	cJSON_AddStringToObject(o, "updated_at", "2026-01-05T14:00:00Z");
	cJSON_AddNumberToObject(o, "user_id", 9001);
	cJSON_AddStringToObject(o, "workflow_state", "active");
	cJSON_AddStringToObject(o, "app_name", "User-Generated");
	cJSON_AddStringToObject(o, "visible_token", hint);
	if (cJSON_IsObject(found) && sim_str(found, "expires_at"))
		cJSON_AddStringToObject(o, "expires_at", sim_str(found, "expires_at"));
	else
		cJSON_AddNullToObject(o, "expires_at");
	cJSON_AddBoolToObject(o, "can_manually_regenerate", 1);
	sim_reply_json(rs, 200, o);
}

/* Api::V1::UserProfile#user_profile_json (lib/api/v1/user_profile.rb): `time_zone` is the user's
 * zone, else the domain root account's default, as its IANA (tzinfo) name -- the zone Canvas's
 * ApplicationController#set_time_zone makes Time.zone for the user's requests (sim_user_zone). */
static void get_user_profile(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *u = cJSON_CreateObject();

	cJSON_AddNumberToObject(u, "id", 9001);
	cJSON_AddStringToObject(u, "name", "Dr. A. Rivera");
	cJSON_AddStringToObject(u, "short_name", "Dr. A. Rivera");
	cJSON_AddStringToObject(u, "sortable_name", "Rivera, A.");
	cJSON_AddNullToObject(u, "title");
	cJSON_AddNullToObject(u, "bio");
	cJSON_AddStringToObject(u, "primary_email", "arivera@example.edu");
	cJSON_AddStringToObject(u, "login_id", "arivera");
	cJSON_AddStringToObject(u, "avatar_url", "https://canvas.instructure.com/images/messages/avatar-50.png");
	cJSON_AddStringToObject(u, "time_zone", sim_user_zone(rq->sim));
	cJSON_AddNullToObject(u, "locale");
	sim_reply_json(rs, 200, u);
}

static void get_course(struct sim_req *rq, struct sim_resp *rs)
{
	if (!strcmp(sim_str(rq->course, "workflow_state") ? sim_str(rq->course, "workflow_state") : "", "deleted")) {
		sim_reply_not_found(rs);
		return;
	}
	sim_reply_json(rs, 200, render_course(rq, rq->course));
}

static int course_listed(cJSON *c, struct sim_req *rq)
{
	const char *ws = sim_str(c, "workflow_state");
	const cJSON *states = cJSON_GetObjectItemCaseSensitive(rq->q, "state"), *st;
	const char *search = sim_query(rq, "search_term");

	if (!ws)
		ws = "unpublished";
	if (cJSON_IsArray(states) && cJSON_GetArraySize(states)) {
		int ok = 0;

		cJSON_ArrayForEach(st, states) {
			const char *v = cJSON_IsString(st) ? st->valuestring : "";

			/* the API names: created and claimed are both "unpublished" */
			if (!strcmp(v, "all") || !strcmp(v, ws) ||
			    (!strcmp(ws, "unpublished") && (!strcmp(v, "created") || !strcmp(v, "claimed"))))
				ok = 1;
		}
		if (!ok)
			return 0;
	} else if (!strcmp(ws, "deleted")) {
		return 0;
	}
	if (sim_query(rq, "published")) {
		int want = sim_query_bool(rq, "published", 1);

		if (want != !strcmp(ws, "available"))
			return 0;
	}
	if (search) {
		const char *name = sim_str(c, "name"), *code = sim_str(c, "course_code");

		if (!(name && sim_icontains(name, search)) && !(code && sim_icontains(code, search)))
			return 0;
	}
	return 1;
}

static void list_courses(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *all = cJSON_CreateArray(), *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(rq->sim->state, "courses"))
		if (course_listed(c, rq))
			cJSON_AddItemToArray(all, render_course(rq, c));
	sim_reply_list(rq, rs, all, PAGING_NUMBERED);
}

static void list_account_courses(struct sim_req *rq, struct sim_resp *rs)
{
	struct sim *s = rq->sim;
	const char *acct = sim_param(rq, "account_id"), *term = sim_query(rq, "enrollment_term_id");
	cJSON *accounts = cJSON_GetObjectItemCaseSensitive(s->state, "accounts"), *all, *c, *t = NULL;
	int64_t acct_id = -1;

	if (strcmp(acct, "self") && strcmp(acct, "default") && strcmp(acct, "site_admin")) {
		if (cJSON_GetArraySize(accounts) && !sim_find_id(accounts, acct)) {
			sim_reply_not_found(rs);
			return;
		}
		acct_id = strtoll(acct, NULL, 10);
	}
	if (term && strcmp(term, "default") && strcmp(term, "current")) {
		t = find_term(s, term);
		if (!t) {
			sim_reply_not_found(rs);
			return;
		}
	}
	if (sim_query(rq, "search_term") && strlen(sim_query(rq, "search_term")) < 3) {
		sim_reply_invalid(rs, 400, "search_term", "invalid", "search_term must be at least 3 characters");
		return;
	}
	all = cJSON_CreateArray();
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(s->state, "courses")) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(c, "account_id");
		const cJSON *et = cJSON_GetObjectItemCaseSensitive(c, "enrollment_term_id");

		if (acct_id >= 0 && sim_value_id(a) != acct_id)
			continue;
		if (t && sim_value_id(et) != sim_id(t))
			continue;
		if (course_listed(c, rq))
			cJSON_AddItemToArray(all, render_course(rq, c));
	}
	sim_reply_list(rq, rs, all, PAGING_NUMBERED);
}

/* course[...] keys that are plain values, stored as given (strings stay strings). */
static const char *const text_fields[] = { "name", "course_code", "default_view", "syllabus_body", "license" };
static const char *const date_fields[] = { "start_at", "end_at" };

static int valid_zone(const char *z)
{
	char path[512];
	FILE *f;

	if (!z || !*z || strstr(z, "..") || z[0] == '/')
		return 0;
	if (!strcmp(z, "UTC") || !strcmp(z, "Etc/UTC"))
		return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", z);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	fclose(f);
	return 1;
}

static void put_course(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *w = sim_body_wrapper(rq, "course"), *c = rq->course, *v, *changes;
	const char *ev;
	size_t i;

	if (!w) {
		/* nothing to update: Canvas answers with the course as it is */
		sim_reply_json(rs, 200, render_course(rq, c));
		return;
	}
	/* validate everything first so that a 400 changes nothing */
	changes = cJSON_CreateObject();
	for (i = 0; i < sizeof(date_fields) / sizeof(date_fields[0]); i++) {
		cJSON *d;

		v = cJSON_GetObjectItemCaseSensitive(w, date_fields[i]);
		if (!v)
			continue;
		if (sim_time_input(rq->sim, v, 0, &d)) {
			/* Rails casting: an unparseable date silently becomes nil (API.md 9) */
			d = cJSON_CreateNull();
		}
		cJSON_AddItemToObject(changes, date_fields[i], d);
	}
	v = cJSON_GetObjectItemCaseSensitive(w, "time_zone");
	if (v) {
		if (!cJSON_IsString(v) || !valid_zone(v->valuestring)) {
			cJSON_Delete(changes);
			sim_reply_invalid(rs, 400, "time_zone", "invalid", "'time_zone' is not a valid time zone");
			return;
		}
		cJSON_AddItemToObject(changes, "time_zone", cJSON_Duplicate(v, 1));
	}
	{
		const cJSON *sa = cJSON_GetObjectItemCaseSensitive(changes, "start_at");
		const cJSON *ea = cJSON_GetObjectItemCaseSensitive(changes, "end_at");
		const char *s1 = cJSON_IsString(sa) ? sa->valuestring : sa ? NULL : sim_str(c, "start_at");
		const char *e1 = cJSON_IsString(ea) ? ea->valuestring : ea ? NULL : sim_str(c, "end_at");

		if (s1 && e1 && strcmp(e1, s1) < 0) {
			cJSON_Delete(changes);
			sim_reply_invalid(rs, 400, "conclude_at", "end date cannot be before start date",
					  "End date cannot be before start date");
			return;
		}
	}
	for (i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(w, text_fields[i]);
		if (!v)
			continue;
		if (!strcmp(text_fields[i], "name") && (!cJSON_IsString(v) || !v->valuestring[0])) {
			cJSON_Delete(changes);
			sim_reply_invalid(rs, 400, "name", "blank", "can't be blank");
			return;
		}
		cJSON_AddItemToObject(changes, text_fields[i], cJSON_IsNull(v) ? cJSON_CreateNull() : cJSON_Duplicate(v, 1));
	}
	v = cJSON_GetObjectItemCaseSensitive(w, "restrict_enrollments_to_course_dates");
	if (v)
		cJSON_AddBoolToObject(changes, "restrict_enrollments_to_course_dates", sim_value_bool(v));
	v = cJSON_GetObjectItemCaseSensitive(w, "term_id");
	if (v) {
		char id[64];
		cJSON *t;

		snprintf(id, sizeof(id), "%s", cJSON_IsString(v) ? v->valuestring : "");
		if (cJSON_IsNumber(v))
			snprintf(id, sizeof(id), "%lld", (long long)sim_i64(v->valuedouble));
		t = find_term(rq->sim, id);
		if (!t) {
			cJSON_Delete(changes);
			sim_reply_not_found(rs);
			return;
		}
		sim_add_id(changes, "enrollment_term_id", sim_id(t));
	}
	ev = sim_str(w, "event");
	if (ev) {
		static const char *const map[][2] = {
			{ "offer", "available" }, { "claim", "unpublished" }, { "conclude", "completed" },
			{ "delete", "deleted" }, { "undelete", "unpublished" },
		};
		int found = 0;

		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if (!strcmp(ev, map[i][0])) {
				cJSON_AddStringToObject(changes, "workflow_state", map[i][1]);
				found = 1;
			}
		}
		if (!found) {
			cJSON_Delete(changes);
			sim_reply_invalid(rs, 400, "event", "invalid", "invalid event");
			return;
		}
	}
	/* apply */
	cJSON_ArrayForEach(v, changes)
		sim_set(c, v->string, cJSON_Duplicate(v, 1));
	cJSON_Delete(changes);
	sim_touch(c);
	sim_reply_json(rs, 200, render_course(rq, c));
}

const struct sim_route sim_routes_courses[] = {
	{ "GET", "/api/v1/users/self", get_user_self, 0 },
	{ "GET", "/api/v1/users/self/profile", get_user_profile, 0 },
	{ "GET", "/api/v1/users/self/tokens/:id", get_user_token, 0 },
	{ "GET", "/api/v1/courses", list_courses, 0 },
	{ "GET", "/api/v1/courses/:course_id", get_course, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id", put_course, ROUTE_COURSE },
	{ "GET", "/api/v1/accounts/:account_id/courses", list_account_courses, 0 },
	{ NULL, NULL, NULL, 0 },
};

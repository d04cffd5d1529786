/* tests/sim/res_calendar.c -- calendar events and assignment pseudo-events (API.md 8.3, 5.4, 9, 11).
 *
 *   GET    /api/v1/calendar_events        list: context_codes[], type, all_events, start_date,
 *                                          end_date, undated (numbered pages)
 *   POST   /api/v1/calendar_events        create in calendar_event[context_code]'s course (201)
 *   GET    /api/v1/calendar_events/:id    an event, or "assignment_N" (the pseudo-event)
 *   PUT    /api/v1/calendar_events/:id    calendar_event[...]; "assignment_N" sets the due date
 *   DELETE /api/v1/calendar_events/:id    workflow_state "deleted"; answers the event
 *
 * Events live in each course's "calendar_events"; ids are global, so :id routes search every
 * course. Assignment pseudo-events are not stored: they are rendered from "assignments".
 *
 * Canvas rules reproduced (calendar_events_api_controller.rb, calendar_event.rb), and why:
 * - THE DEFAULT LIST IS TODAY ONLY. Without all_events=true or undated=true, start_date defaults
 *   to the start of today and end_date to the end of today, both in the user's zone, so a client
 *   that forgets all_events sees almost nothing. yyyy-mm-dd dates mean the start (start_date) or
 *   the end (end_date) of that day; ISO 8601 needs seconds; anything else is 400
 *   {"errors":{"start_date":"Invalid date or invalid datetime for start_date"}}. An end before the
 *   start becomes the end of the start day. Events match on start_at within the range.
 * - context_codes[]: only the first 10 are used and the REST ARE SILENTLY IGNORED (the
 *   calendar_contexts_limit slice in require_authorization), so a client asking for 11 courses
 *   quietly loses one. A course code for an unknown course is "unauthorized" (401/403 as configured);
 *   other kinds of codes (user_, group_) select nothing here.
 * - type=assignment lists the courses' assignments as pseudo-events: id is the STRING
 *   "assignment_<id>", start_at = end_at = due_at, a nested "assignment", type "assignment". The
 *   page is cut from the assignments first (ordered by due_at, id) and only then expanded into one
 *   event per date -- the base date and one per override, each override carrying
 *   "assignment_overrides" -- and dates outside the range are dropped, as Canvas does; so a page
 *   can hold more or fewer entries than per_page, and ids repeat.
 * - PUT to "assignment_N" sets due_at from calendar_event[start_at] and nothing else; a PUT
 *   without start_at therefore CLEARS the due date (Canvas builds {due_at: params[..][:start_at]}).
 *   Rails casting: an unparseable value also clears it. Fancy midnight (user zone) applies, as
 *   for any assignment due_at, and a linked quiz gets the new due_at (5.1).
 * - Dates on events are cast leniently: unparseable becomes null (API.md 9). Then Canvas's
 *   populate_missing_dates: a missing end is the start, a missing start is the end, and an END
 *   BEFORE THE START IS SILENTLY MOVED TO THE START (no 400). populate_all_day_flag: all_day set to
 *   true puts start and end at local midnight of the start date; otherwise a changed start or end
 *   makes the event all-day exactly when start == end at 00:00 local. "Local" is
 *   calendar_event[time_zone_edited] when given, else the user's zone (Time.zone), not the
 *   course's. all_day_date is the local date of start_at.
 * - DELETE soft-deletes (workflow_state "deleted", deleted_at) and answers the event; deleted
 *   events are not listed, but GET still finds them. PUT or DELETE on a deleted event is refused
 *   as unauthorized (the policy grants update/delete only to non-deleted events). DELETE of an
 *   assignment pseudo-event is 404 (get_event without assignments).
 * - Create: calendar_event[context_code] must name an existing course, else 404 (the controller's
 *   get_calendar_context raises RecordNotFound); the title defaults to "Course Event"; 201.
 *
 * - Section events (CURRENT.md 14): a seed event with "parent_event_id" and a "course_section_N"
 *   context_code is a section's child of that parent, stored in the course's list and listed with
 *   it (the course's calendar shows both); the parent renders child_events_count. Saving a child's
 *   start_at or end_at resets the parent's range to its children's (CalendarEvent#sync_parent_event,
 *   #cache_child_event_ranges!); changing the parent's dates does not reach the children (section
 *   children are unlocked: #sync_child_events cascades only title, description and location to
 *   them -- not modelled here).
 *
 * Deliberate differences from Canvas: Canvas pages calendar lists with bookmarks; numbered pages
 * are used here (sim_page's bookmarks assume ascending ids, and these lists are ordered by date).
 * which=one|all|following is accepted and ignored (no recurring series are simulated);
 * child_event_data (section times) and rrule are ignored.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "xalloc.h"

#define CONTEXT_LIMIT 10   /* calendar_contexts_limit default */

/* ---------------------------------------------------------------- small helpers */

static void set_time(cJSON *o, const char *key, time_t t)
{
	char buf[21];

	sim_time_format(t, buf);
	sim_set_str(o, key, buf);
}

/* "YYYY-MM-DD" of t in zone. */
static void local_date(time_t t, const char *zone, char out[11])
{
	struct tm tm;

	sim_time_local(t, zone, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The zone an event's local times are judged in: time_zone_edited, else the user's. */
static const char *event_zone(struct sim *s, const cJSON *e)
{
	const char *z = sim_str(e, "time_zone_edited");

	return z && *z ? z : sim_user_zone(s);
}

static char *course_code(const cJSON *course)
{
	return xasprintf("course_%" PRId64, sim_id(course));
}

/* ---------------------------------------------------------------- lookups */

static cJSON *find_event(struct sim *s, const char *id, cJSON **course)
{
	cJSON *c, *e;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(s->state, "courses")) {
		e = sim_find_id(sim_course_kind(c, "calendar_events"), id);
		if (e) {
			*course = c;
			return e;
		}
	}
	return NULL;
}

/* "assignment_N": the assignment and its course, or NULL. */
static cJSON *find_assignment(struct sim *s, const char *id, cJSON **course)
{
	cJSON *c, *a;

	if (strncmp(id, "assignment_", 11))
		return NULL;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(s->state, "courses")) {
		a = sim_find_id(sim_course_kind(c, "assignments"), id + 11);
		if (a) {
			*course = c;
			return a;
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------- rendering */

static cJSON *event_render(const struct sim_req *rq, const cJSON *course, const cJSON *e)
{
	cJSON *o = cJSON_Duplicate(e, 1);
	char *code = course_code(course), *url;
	const char *ctx = sim_str(e, "context_code") ? sim_str(e, "context_code") : code;
	int64_t id = sim_id(e);
	time_t st;

	cJSON_DeleteItemFromObjectCaseSensitive(o, "time_zone_edited");
	sim_set_str(o, "context_code", ctx);
	sim_set_str(o, "all_context_codes", ctx);
	sim_set(o, "context_name", sim_dup_or_null(course, "name"));
	url = xasprintf("%s/api/v1/calendar_events/%" PRId64, rq->base, id);
	sim_set_str(o, "url", url);
	free(url);
	url = xasprintf("%s/calendar?event_id=%" PRId64 "&include_contexts=%s", rq->base, id, ctx);
	sim_set_str(o, "html_url", url);
	free(url);
	sim_set_str(o, "type", "event");
	if (!sim_str(e, "all_day_date")) {
		char d[11];

		if (sim_time_read(sim_str(e, "start_at"), &st)) {
			local_date(st, event_zone(rq->sim, e), d);
			sim_set_str(o, "all_day_date", d);
		} else {
			sim_set(o, "all_day_date", cJSON_CreateNull());
		}
	}
	sim_default_str(o, "title", "Course Event");
	sim_default_null(o, "start_at");
	sim_default_null(o, "end_at");
	sim_default_str(o, "workflow_state", "active");
	sim_default_null(o, "created_at");
	sim_default_null(o, "updated_at");
	sim_default_bool(o, "all_day", 0);
	sim_default_null(o, "comments");
	sim_default_null(o, "location_address");
	sim_default_null(o, "location_name");
	sim_default_null(o, "description");
	if (!cJSON_GetObjectItemCaseSensitive(e, "child_events_count")) {
		const cJSON *it;
		int n = 0;

		cJSON_ArrayForEach(it, sim_course_kind((cJSON *)course, "calendar_events")) {
			const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "parent_event_id");

			n += !sim_is_deleted(it) && sim_value_id(p) == id;
		}
		sim_set(o, "child_events_count", cJSON_CreateNumber(n));
	}
	sim_default_null(o, "effective_context_code");
	sim_default_null(o, "context_color");
	sim_default_null(o, "parent_event_id");
	sim_default_bool(o, "hidden", 0);
	sim_default_item(o, "child_events", cJSON_CreateArray());
	sim_default_item(o, "duplicates", cJSON_CreateArray());
	sim_default_bool(o, "important_dates", 0);
	sim_default_null(o, "series_uuid");
	sim_default_null(o, "rrule");
	sim_default_null(o, "series_natural_language");
	sim_default_bool(o, "blackout_date", 0);
	free(code);
	return o;
}

/* The assignment's due date for this pseudo-event: the override's when it overrides it. */
static const cJSON *event_due(const cJSON *a, const cJSON *ov)
{
	const cJSON *d = ov ? cJSON_GetObjectItemCaseSensitive(ov, "due_at") : NULL;

	return d ? d : cJSON_GetObjectItemCaseSensitive(a, "due_at");
}

/* assignment_event_json: one date of an assignment (`ov` NULL for the base date). */
static cJSON *assignment_event(const struct sim_req *rq, const cJSON *course, const cJSON *a, const cJSON *ov)
{
	cJSON *o = cJSON_CreateObject(), *n;
	const cJSON *due = event_due(a, ov);
	char *code = course_code(course), *url, d[11];
	int64_t cid = sim_id(course), aid = sim_id(a);
	int pub = sim_bool(a, "published", 1), all_day = 0;
	const char *zone = sim_user_zone(rq->sim);
	time_t t;
	struct tm tm;

	cJSON_AddItemToObject(o, "title", sim_dup_or_null(a, "name"));
	cJSON_AddStringToObject(o, "workflow_state", pub ? "published" : "unpublished");
	cJSON_AddItemToObject(o, "created_at", sim_dup_or_null(a, "created_at"));
	cJSON_AddItemToObject(o, "updated_at", sim_dup_or_null(a, "updated_at"));
	if (cJSON_IsString(due) && sim_time_read(due->valuestring, &t)) {
		/* Assignment#infer_all_day: due at 23:59 local counts as an all-day date */
		sim_time_local(t, zone, &tm);
		all_day = tm.tm_hour == 23 && tm.tm_min == 59;
		local_date(t, zone, d);
		cJSON_AddBoolToObject(o, "all_day", all_day);
		cJSON_AddStringToObject(o, "all_day_date", d);
	} else {
		cJSON_AddBoolToObject(o, "all_day", 0);
		cJSON_AddNullToObject(o, "all_day_date");
	}
	cJSON_AddItemToObject(o, "description", sim_dup_or_null(a, "description"));
	url = xasprintf("assignment_%" PRId64, aid);
	cJSON_AddStringToObject(o, "id", url);
	free(url);
	cJSON_AddStringToObject(o, "type", "assignment");
	n = cJSON_AddObjectToObject(o, "assignment");
	sim_add_id(n, "id", aid);
	cJSON_AddItemToObject(n, "name", sim_dup_or_null(a, "name"));
	cJSON_AddItemToObject(n, "description", sim_dup_or_null(a, "description"));
	cJSON_AddItemToObject(n, "due_at", due ? cJSON_Duplicate(due, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(n, "unlock_at", sim_dup_or_null(a, "unlock_at"));
	cJSON_AddItemToObject(n, "lock_at", sim_dup_or_null(a, "lock_at"));
	cJSON_AddItemToObject(n, "points_possible", sim_dup_or_null(a, "points_possible"));
	sim_add_id(n, "course_id", cid);
	cJSON_AddItemToObject(n, "submission_types", sim_dup_or_null(a, "submission_types"));
	cJSON_AddBoolToObject(n, "published", pub);
	cJSON_AddStringToObject(n, "workflow_state", pub ? "published" : "unpublished");
	url = sim_object_url(rq->base, cid, "assignments", aid, NULL);
	cJSON_AddStringToObject(n, "html_url", url);
	cJSON_AddStringToObject(o, "html_url", url);
	free(url);
	cJSON_AddStringToObject(o, "context_code", code);
	cJSON_AddItemToObject(o, "context_name", sim_dup_or_null(course, "name"));
	cJSON_AddNullToObject(o, "context_color");
	cJSON_AddItemToObject(o, "start_at", due ? cJSON_Duplicate(due, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "end_at", due ? cJSON_Duplicate(due, 1) : cJSON_CreateNull());
	url = xasprintf("%s/api/v1/calendar_events/assignment_%" PRId64, rq->base, aid);
	cJSON_AddStringToObject(o, "url", url);
	free(url);
	cJSON_AddBoolToObject(o, "important_dates", sim_bool(a, "important_dates", 0));
	if (ov) {
		cJSON *arr = cJSON_AddArrayToObject(o, "assignment_overrides"), *oo = cJSON_Duplicate(ov, 1);

		sim_set(oo, "assignment_id", sim_id_item(aid));
		cJSON_AddItemToArray(arr, oo);
	}
	free(code);
	return o;
}

/* ---------------------------------------------------------------- list */

struct window {
	int all_events, undated;
	time_t start, end;
};

static time_t day_edge(time_t t, const char *zone, int end)
{
	struct tm tm;

	sim_time_local(t, zone, &tm);
	tm.tm_hour = end ? 23 : 0;
	tm.tm_min = end ? 59 : 0;
	tm.tm_sec = end ? 59 : 0;
	return sim_time_from_local(&tm, zone);
}

/* get_options + validate_dates. Returns 0, or -1 after answering 400. */
static int read_window(struct sim_req *rq, struct sim_resp *rs, struct window *w)
{
	const char *zone = sim_user_zone(rq->sim);
	const char *sd = sim_query(rq, "start_date"), *ed = sim_query(rq, "end_date");
	int have_s = 0, have_e = 0;
	cJSON *errs;

	w->all_events = sim_query_bool(rq, "all_events", 0);
	w->undated = sim_query_bool(rq, "undated", 0);
	if (w->all_events || w->undated)
		return 0;
	errs = cJSON_CreateObject();
	if (sd && *sd) {
		if (sim_time_day_param(sd, zone, 0, &w->start))
			cJSON_AddStringToObject(errs, "start_date",
						"Invalid date or invalid datetime for start_date");
		else
			have_s = 1;
	}
	if (ed && *ed) {
		if (sim_time_day_param(ed, zone, 1, &w->end))
			cJSON_AddStringToObject(errs, "end_date",
						"Invalid date or invalid datetime for end_date");
		else
			have_e = 1;
	}
	if (cJSON_GetArraySize(errs)) {
		cJSON *root = cJSON_CreateObject();

		cJSON_AddItemToObject(root, "errors", errs);
		sim_reply_json(rs, 400, root);
		return -1;
	}
	cJSON_Delete(errs);
	if (!have_s)
		w->start = day_edge(sim_now(), zone, 0);
	if (!have_e)
		w->end = day_edge(sim_now(), zone, 1);
	if (w->end < w->start)
		w->end = day_edge(w->start, zone, 1);
	return 0;
}

/* A date (string or null) passes the window? For undated, only null passes. */
static int in_window(const struct window *w, const char *v)
{
	time_t t;

	if (w->all_events)
		return 1;
	if (w->undated)
		return !v;
	return sim_time_read(v, &t) && t >= w->start && t <= w->end;
}

struct ev_row {
	const cJSON *course, *obj;
	int has;
	time_t key;
	int64_t id;
};

static int ev_cmp(const void *pa, const void *pb)
{
	const struct ev_row *a = pa, *b = pb;

	/* ORDER BY start_at / due_at, id -- ASC, so Postgres puts NULLs last */
	if (a->has != b->has)
		return a->has ? -1 : 1;
	if (a->has && a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* A "course_<digits>" asset string: the course id part, else NULL. */
static const char *course_code_id(const char *code)
{
	const char *p = code + 7;

	if (strncmp(code, "course_", 7) || !*p || strspn(p, "0123456789") != strlen(p))
		return NULL;
	return p;
}

/* The selected courses (borrowed) into out[CONTEXT_LIMIT]. Returns the count, or -1 after
 * answering (a course code the caller cannot see). */
static int selected_courses(struct sim_req *rq, struct sim_resp *rs, cJSON **out)
{
	const cJSON *codes = cJSON_GetObjectItemCaseSensitive(rq->q, "context_codes"), *c;
	const char *list[CONTEXT_LIMIT];
	int n = 0, seen = 0, i;

	if (cJSON_IsString(codes)) {
		list[seen++] = codes->valuestring;
	} else {
		cJSON_ArrayForEach(c, codes) {
			/* require_authorization slices context_codes[0, limit]: the rest are ignored */
			if (seen == CONTEXT_LIMIT)
				break;
			if (cJSON_IsString(c))
				list[seen++] = c->valuestring;
		}
	}
	for (i = 0; i < seen; i++) {
		const char *id = course_code_id(list[i]);
		cJSON *course;

		if (strncmp(list[i], "course_", 7))
			continue;   /* user_, group_ ...: no course events */
		course = id ? sim_find_course(rq->sim, id) : NULL;
		if (!course) {
			sim_reply_unauthorized(rq, rs);
			return -1;
		}
		out[n++] = course;
	}
	return n;
}

/* Does a stored event or assignment fall in the window? */
static int row_matches(const struct window *w, const cJSON *it, int assignments)
{
	const cJSON *ov;
	int keep;

	if (!assignments) {
		const char *st = sim_str(it, "start_at");

		return w->undated ? !st && !sim_str(it, "end_at") : in_window(w, st);
	}
	/* due_between_with_overrides: the base date or any override date */
	keep = in_window(w, sim_str(it, "due_at"));
	if (!w->all_events && !w->undated)
		cJSON_ArrayForEach(ov, cJSON_GetObjectItemCaseSensitive(it, "overrides"))
			keep |= in_window(w, sim_str(ov, "due_at"));
	return keep;
}

/* apply_assignment_overrides keeps a date unless it is set and outside the range. */
static int keep_date(const struct window *w, const cJSON *d)
{
	return w->all_events || w->undated || !cJSON_IsString(d) || in_window(w, d->valuestring);
}

/* The pseudo-events of one assignment: its base date and one per override. */
static void expand_assignment(const struct sim_req *rq, const struct window *w, const cJSON *course,
			      const cJSON *a, cJSON *out)
{
	const cJSON *ov, *due = cJSON_GetObjectItemCaseSensitive(a, "due_at");

	if (!sim_bool(a, "only_visible_to_overrides", 0) && keep_date(w, due))
		cJSON_AddItemToArray(out, assignment_event(rq, course, a, NULL));
	cJSON_ArrayForEach(ov, cJSON_GetObjectItemCaseSensitive(a, "overrides"))
		if (keep_date(w, event_due(a, ov)))
			cJSON_AddItemToArray(out, assignment_event(rq, course, a, ov));
}

/* Replace the page of placeholders just answered with the expanded pseudo-events. */
static void expand_page(struct sim_req *rq, struct sim_resp *rs, const struct window *w)
{
	cJSON *page = cJSON_Parse(rs->body), *out = cJSON_CreateArray(), *p;
	cJSON *courses = cJSON_GetObjectItemCaseSensitive(rq->sim->state, "courses");

	cJSON_ArrayForEach(p, page) {
		const cJSON *cid = cJSON_GetObjectItemCaseSensitive(p, "course_id");
		cJSON *course = sim_find_id_num(courses, sim_i64(cJSON_GetNumberValue(cid))), *a;

		a = course ? sim_find_id_num(sim_course_kind(course, "assignments"), sim_id(p)) : NULL;
		if (a)
			expand_assignment(rq, w, course, a, out);
	}
	cJSON_Delete(page);
	sim_reply_json(rs, 200, out);
}

static void list_events(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *courses[CONTEXT_LIMIT], *all, *it;
	struct window w;
	struct ev_row *rows = NULL;
	size_t nrows = 0, cap = 0, i;
	const char *type = sim_query(rq, "type");
	int assignments = type && !strcmp(type, "assignment"), nc, k;

	if (read_window(rq, rs, &w))
		return;
	nc = selected_courses(rq, rs, courses);
	if (nc < 0)
		return;
	for (k = 0; k < nc; k++) {
		cJSON *arr = sim_course_kind(courses[k], assignments ? "assignments" : "calendar_events");

		cJSON_ArrayForEach(it, arr) {
			if (sim_is_deleted(it) || !row_matches(&w, it, assignments))
				continue;
			if (nrows == cap) {
				cap = cap ? cap * 2 : 32;
				rows = xrealloc(rows, cap * sizeof(*rows));
			}
			rows[nrows].course = courses[k];
			rows[nrows].obj = it;
			rows[nrows].id = sim_id(it);
			rows[nrows].has = sim_time_read(sim_str(it, assignments ? "due_at" : "start_at"),
						     &rows[nrows].key);
			nrows++;
		}
	}
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), ev_cmp);
	all = cJSON_CreateArray();
	for (i = 0; i < nrows; i++) {
		if (!assignments) {
			cJSON_AddItemToArray(all, event_render(rq, rows[i].course, rows[i].obj));
		} else {
			/* a placeholder per assignment: the page is cut from assignments, then expanded */
			cJSON *p = cJSON_CreateObject();

			sim_add_id(p, "id", rows[i].id);
			sim_add_id(p, "course_id", sim_id(rows[i].course));
			cJSON_AddItemToArray(all, p);
		}
	}
	free(rows);
	sim_reply_list(rq, rs, all, PAGING_NUMBERED);
	if (assignments && rs->status == 200 && rs->body)
		expand_page(rq, rs, &w);
}

/* ---------------------------------------------------------------- one event */

static void get_event(struct sim_req *rq, struct sim_resp *rs)
{
	const char *id = sim_param(rq, "id");
	cJSON *course = NULL, *e = find_event(rq->sim, id, &course);

	if (e) {
		sim_reply_json(rs, 200, event_render(rq, course, e));
		return;
	}
	e = find_assignment(rq->sim, id, &course);
	if (e && !sim_is_deleted(e)) {
		sim_reply_json(rs, 200, assignment_event(rq, course, e, NULL));
		return;
	}
	sim_reply_not_found(rs);
}

/* PUT to "assignment_N": params_for_update = {due_at: calendar_event[start_at]}. */
static void update_assignment_event(struct sim_req *rq, struct sim_resp *rs, cJSON *course, cJSON *a,
				    const cJSON *w)
{
	cJSON *due = sim_time_lenient(rq->sim, cJSON_GetObjectItemCaseSensitive(w, "start_at")), *q;
	const cJSON *qid = cJSON_GetObjectItemCaseSensitive(a, "quiz_id");
	time_t t;

	if (cJSON_IsString(due) && sim_time_read(due->valuestring, &t)) {
		/* Assignment#due_at= infers times: fancy midnight in the user's zone (5.4) */
		set_time(a, "due_at", sim_time_fancy_midnight(t, sim_user_zone(rq->sim)));
		cJSON_Delete(due);
	} else {
		sim_set(a, "due_at", due);
	}
	set_time(a, "updated_at", sim_now());
	if (sim_value_id(qid) >= 0) {
		/* Assignment#update_quiz_or_discussion_topic copies the dates to the quiz (5.1) */
		q = sim_find_id_num(sim_course_kind(course, "quizzes"), sim_value_id(qid));
		if (q)
			sim_set(q, "due_at", sim_dup_or_null(a, "due_at"));
	}
	sim_reply_json(rs, 200, assignment_event(rq, course, a, NULL));
}

static const char *const string_keys[] = { "title", "description", "location_name", "location_address" };

/* Canvas's populate_missing_dates + populate_all_day_flag, after the params were assigned.
 * start_changed/end_changed: the times differ from before; all_day_set: calendar_event[all_day]
 * turned all_day on (then both times go to local midnight of the start date). */
static void settle_dates(struct sim *s, cJSON *e, int start_changed, int end_changed, int all_day_set)
{
	const char *zone = event_zone(s, e);
	time_t st, en;
	int has_s = sim_time_read(sim_str(e, "start_at"), &st);
	int has_e = sim_time_read(sim_str(e, "end_at"), &en);
	struct tm tm;
	char d[11];

	if (!has_e && has_s) {
		en = st;
		has_e = 1;
		set_time(e, "end_at", en);
	}
	if (!has_s && has_e) {
		st = en;
		has_s = 1;
		set_time(e, "start_at", st);
	}
	if (has_s && has_e && en < st) {
		/* Canvas moves the end to the start silently: no validation error */
		en = st;
		set_time(e, "end_at", en);
	}
	if (all_day_set && has_s) {
		st = en = day_edge(st, zone, 0);
	} else if (start_changed || end_changed) {
		int midnight = 0;

		if (has_s) {
			sim_time_local(st, zone, &tm);
			midnight = !tm.tm_hour && !tm.tm_min;
		}
		sim_set(e, "all_day", cJSON_CreateBool(has_s && st == en && midnight));
	}
	if (sim_bool(e, "all_day", 0) && has_s &&
	    (start_changed || all_day_set || !sim_str(e, "all_day_date")))
		st = en = day_edge(st, zone, 0);
	if (has_s) {
		set_time(e, "start_at", st);
		set_time(e, "end_at", en);
	}
	if (has_s && (start_changed || all_day_set || !sim_str(e, "all_day_date"))) {
		local_date(st, zone, d);
		sim_set_str(e, "all_day_date", d);
	} else if (!has_s) {
		sim_set(e, "all_day_date", cJSON_CreateNull());
	}
}

/* Two optional strings differ. */
static int changed(const char *before, const char *after)
{
	if (!before || !after)
		return !before != !after;
	return strcmp(before, after) != 0;
}

/* Assign calendar_event[...] to e and settle the dates. */
static void apply_event_params(struct sim *s, cJSON *e, const cJSON *w)
{
	const cJSON *v;
	char *before_s = sim_str(e, "start_at") ? xstrdup(sim_str(e, "start_at")) : NULL;
	char *before_e = sim_str(e, "end_at") ? xstrdup(sim_str(e, "end_at")) : NULL;
	int all_day_set = 0, sc, ec;
	size_t i;

	for (i = 0; i < sizeof(string_keys) / sizeof(string_keys[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(w, string_keys[i]);
		if (cJSON_IsString(v))
			sim_set_str(e, string_keys[i], v->valuestring);
		else if (v)
			sim_set(e, string_keys[i], cJSON_CreateNull());
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(w, "time_zone_edited")) && cJSON_IsString(v))
		sim_set_str(e, "time_zone_edited", v->valuestring);
	if ((v = cJSON_GetObjectItemCaseSensitive(w, "start_at")))
		sim_set(e, "start_at", sim_time_lenient(s, v));
	if ((v = cJSON_GetObjectItemCaseSensitive(w, "end_at")))
		sim_set(e, "end_at", sim_time_lenient(s, v));
	if ((v = cJSON_GetObjectItemCaseSensitive(w, "all_day"))) {
		int on = sim_value_bool(v);

		all_day_set = on && !sim_bool(e, "all_day", 0);
		sim_set(e, "all_day", cJSON_CreateBool(on));
	}
	sc = changed(before_s, sim_str(e, "start_at"));
	ec = changed(before_e, sim_str(e, "end_at"));
	settle_dates(s, e, sc, ec, all_day_set);
	free(before_s);
	free(before_e);
}

/* CalendarEvent#sync_parent_event -> #cache_child_event_ranges! (app/models/calendar_event.rb): a
 * section event whose start or end was saved sets its parent's start_at to the earliest of the
 * parent's (not deleted) children's and its end_at to the latest. Written with update_all: the
 * parent's updated_at and all_day are left alone. */
static void sync_parent_event(cJSON *course, const cJSON *child)
{
	int64_t pid = sim_value_id(cJSON_GetObjectItemCaseSensitive(child, "parent_event_id"));
	cJSON *parent = pid >= 0 ? sim_find_id_num(sim_course_kind(course, "calendar_events"), pid) : NULL, *it;
	const char *lo = NULL, *hi = NULL;
	time_t tlo = 0, thi = 0, t;
	char *slo, *shi;

	if (!parent)
		return;
	cJSON_ArrayForEach(it, sim_course_kind(course, "calendar_events")) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "parent_event_id");

		if (sim_is_deleted(it) || sim_value_id(p) != pid)
			continue;
		if (sim_time_read(sim_str(it, "start_at"), &t) && (!lo || t < tlo)) {
			lo = sim_str(it, "start_at");
			tlo = t;
		}
		if (sim_time_read(sim_str(it, "end_at"), &t) && (!hi || t > thi)) {
			hi = sim_str(it, "end_at");
			thi = t;
		}
	}
	slo = lo ? xstrdup(lo) : NULL;
	shi = hi ? xstrdup(hi) : NULL;
	sim_set(parent, "start_at", slo ? cJSON_CreateString(slo) : cJSON_CreateNull());
	sim_set(parent, "end_at", shi ? cJSON_CreateString(shi) : cJSON_CreateNull());
	free(slo);
	free(shi);
}

static void update_event(struct sim_req *rq, struct sim_resp *rs)
{
	const char *id = sim_param(rq, "id");
	const cJSON *w = sim_body_wrapper(rq, "calendar_event"), *cc;
	cJSON *course = NULL, *e, *a;
	char *before_s, *before_e;

	e = find_event(rq->sim, id, &course);
	a = e ? NULL : find_assignment(rq->sim, id, &course);
	if (!e && (!a || sim_is_deleted(a))) {
		sim_reply_not_found(rs);
		return;
	}
	if (!w) {
		sim_reply_missing(rs, "calendar_event");
		return;
	}
	if (a) {
		update_assignment_event(rq, rs, course, a, w);
		return;
	}
	if (sim_is_deleted(e)) {
		/* the policy grants :update only to events that are not deleted */
		sim_reply_unauthorized(rq, rs);
		return;
	}
	cc = cJSON_GetObjectItemCaseSensitive(w, "context_code");
	if (cJSON_IsString(cc)) {
		const char *cid = course_code_id(cc->valuestring);
		cJSON *to = cid ? sim_find_course(rq->sim, cid) : NULL;

		if (!to) {
			sim_reply_not_found(rs);
			return;
		}
		if (to != course) {
			cJSON_DetachItemViaPointer(sim_course_kind(course, "calendar_events"), e);
			cJSON_AddItemToArray(sim_course_kind(to, "calendar_events"), e);
			course = to;
		}
		sim_set_str(e, "context_code", cc->valuestring);
	}
	before_s = sim_str(e, "start_at") ? xstrdup(sim_str(e, "start_at")) : NULL;
	before_e = sim_str(e, "end_at") ? xstrdup(sim_str(e, "end_at")) : NULL;
	apply_event_params(rq->sim, e, w);
	set_time(e, "updated_at", sim_now());
	if (changed(before_s, sim_str(e, "start_at")) || changed(before_e, sim_str(e, "end_at")))
		sync_parent_event(course, e);
	free(before_s);
	free(before_e);
	sim_reply_json(rs, 200, event_render(rq, course, e));
}

static void create_event(struct sim_req *rq, struct sim_resp *rs)
{
	const cJSON *w = sim_body_wrapper(rq, "calendar_event");
	const char *cc = sim_str(w, "context_code"), *cid = cc ? course_code_id(cc) : NULL;
	cJSON *course = cid ? sim_find_course(rq->sim, cid) : NULL, *e;
	char *code;

	if (!course) {
		/* get_calendar_context raises RecordNotFound when the code is missing or unknown */
		sim_reply_not_found(rs);
		return;
	}
	e = cJSON_CreateObject();
	sim_add_id(e, "id", sim_new_id(rq->sim));
	cJSON_AddStringToObject(e, "title", "Course Event");
	cJSON_AddNullToObject(e, "start_at");
	cJSON_AddNullToObject(e, "end_at");
	cJSON_AddBoolToObject(e, "all_day", 0);
	cJSON_AddStringToObject(e, "workflow_state", "active");
	code = course_code(course);
	cJSON_AddStringToObject(e, "context_code", code);
	free(code);
	set_time(e, "created_at", sim_now());
	set_time(e, "updated_at", sim_now());
	apply_event_params(rq->sim, e, w);
	if (!sim_str(e, "title"))
		sim_set_str(e, "title", "Course Event");
	cJSON_AddItemToArray(sim_course_kind(course, "calendar_events"), e);
	sim_reply_json(rs, 201, event_render(rq, course, e));
}

static void delete_event(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *course = NULL, *e = find_event(rq->sim, sim_param(rq, "id"), &course);

	/* assignment_N is not looked up here: get_event(false) raises RecordNotFound for it */
	if (!e) {
		sim_reply_not_found(rs);
		return;
	}
	if (sim_is_deleted(e)) {
		sim_reply_unauthorized(rq, rs);
		return;
	}
	sim_set_str(e, "workflow_state", "deleted");
	set_time(e, "deleted_at", sim_now());
	set_time(e, "updated_at", sim_now());
	sim_reply_json(rs, 200, event_render(rq, course, e));
}

const struct sim_route sim_routes_calendar[] = {
	{ "GET", "/api/v1/calendar_events", list_events, 0 },
	{ "POST", "/api/v1/calendar_events", create_event, 0 },
	{ "GET", "/api/v1/calendar_events/:id", get_event, 0 },
	{ "PUT", "/api/v1/calendar_events/:id", update_event, 0 },
	{ "DELETE", "/api/v1/calendar_events/:id", delete_event, 0 },
	{ NULL, NULL, NULL, 0 },
};

/* runner/snapshot.c -- whole courses in seed format, with the fewest requests Canvas allows.
 *
 * Requests per course (the minimum for its data; every list at per_page=100):
 *   1 course (include[]=syllabus_body, include[]=total_students: whom a date change notifies)
 *   + the pages of 7 lists: assignments (include[]=overrides, all_dates, override_assignment_dates
 *     =false), quizzes, discussion topics, announcements (only_announcements=true), modules
 *     (include[]=items), pages (include[]=body), calendar events (context_codes[], all_events)
 *   + 1 GET date_details per ungraded discussion whose list entry has ungraded_discussion_overrides
 *     (selective release, issue 15: a course without it costs nothing more; the overrides are kept
 *     as the topic's "date_overrides")
 *   + 1 list per assignment with 25 or more overrides (Canvas caps all_dates there and reports
 *     all_dates_count instead, API.md 5.1), per module with more than 100 items (items are not
 *     inlined then, API.md 2), and 1 GET per page whose body the list did not carry (locked pages)
 * All lists of all courses are in flight together, within the engine's window; only the calendar
 * list waits for the course (it needs the numeric id for context_codes[]).
 * Rejected: GET per object (N+1) -- a 40-assignment course would cost 40 requests instead of 1.
 * Which lists, their paths, the follow-ups and which children a course holds are the resource
 * table's (include/resource.h: listed, path.list, snapshot_more, children_key); this file names no
 * kind.
 * `kinds` limits the lists to what the caller needs (`plan` of a pages recipe lists no quizzes); a
 * list not fetched is absent from the course object, never an empty array.
 *
 * Failures are kept per course (issue 8: one course failing must not stop a run over hundreds):
 * snapshot_fetch_each returns the courses that came back whole and one error per course that did
 * not; snapshot_fetch, for callers that need every course (`snapshot`, apply's stale check), turns
 * the first failed course, in the order given, into its error. A 401 stops the run either way.
 * With fail_fast the first failed course stops the engine (http_stop): the requests not yet sent
 * are dropped, and only that course's error is reported, not the "not sent" of the others.
 */
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_guard.h"
#include "jsonid.h"
#include "msg.h"
#include "resource.h"
#include "xalloc.h"

/* The lists of a course, in the order they appear in the output: the table's rows with `listed`,
 * in table order (lists_init). */
#define MAXLISTS 32
static enum resource_kind lists[MAXLISTS];
static int NLISTS;

static void lists_init(void)
{
	int k;

	if (NLISTS)
		return;
	for (k = 0; k < resource_count() && NLISTS < MAXLISTS; k++)
		if (resource_get((enum resource_kind)k)->listed)
			lists[NLISTS++] = (enum resource_kind)k;
}

struct snap;

struct cjob {
	struct snap *sn;
	char *pid;                /* the id as given, escaped for a path */
	char *given;              /* the id as given, for messages */
	cJSON *course;
	cJSON *list[MAXLISTS];
	int pending;              /* requests of this course not yet answered */
	struct err err;           /* the first failure of this course */
};

struct snap {
	struct canvas *cv;
	unsigned kinds;           /* 1u << kind of the lists to fetch */
	struct cjob *jobs;
	int n, done;
	int fail_fast;
	int stopped;              /* fail_fast fired: later failures are "not sent", not news */
};

struct sub {                  /* a follow-up request about one object */
	struct cjob *job;
	cJSON *obj;               /* borrowed from job->list[...] */
	void (*take)(cJSON *obj, cJSON *answer);   /* the row's (struct resource_fetch) */
};

/* obj.id as an integer; -1 when absent or not a whole number in range (pages have no "id"). */
static long long json_id(const cJSON *obj)
{
	long long v;

	/* a number, or a string above 2^53 (jsonid.h): never through a double */
	return jsonid_ll(cJSON_GetObjectItemCaseSensitive(obj, "id"), &v) ? -1 : v;
}

static void fail(struct cjob *j, const struct err *err)
{
	struct snap *sn = j->sn;

	if (j->err.code || sn->stopped)
		return;
	j->err = *err;
	if (sn->fail_fast) {
		sn->stopped = 1;
		http_stop(canvas_http(sn->cv));
	}
}

static void progress(struct snap *sn)
{
	const struct http_stats *st = http_get_stats(canvas_http(sn->cv));

	progressf("reading: %d/%d courses, %ld requests", sn->done, sn->n, st->requests);
}

static void job_step_done(struct cjob *j)
{
	if (--j->pending == 0) {
		j->sn->done++;
		progress(j->sn);
	}
}

static char *what(struct cjob *j, const char *kind)
{
	return xasprintf("the %s of course %s", kind, j->given);
}

/* ---------------------------------------------------------------- follow-ups */

/* The answer to a follow-up, put in its object by the row's hook. */
static void on_sub(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct sub *s = ud;

	(void)cv;
	if (err->code)
		fail(s->job, err);
	else
		s->take(s->obj, json);
	job_step_done(s->job);
	free(s);
}

/* The follow-ups the objects of list `which` need (the row's snapshot_more: children a list did
 * not inline, a body it left out). */
static void follow_ups(struct cjob *j, int which)
{
	const struct resource *res = resource_get(lists[which]);
	struct resource_fetch f;
	cJSON *it;

	if (!res->snapshot_more)
		return;
	cJSON_ArrayForEach(it, j->list[which]) {
		struct sub *s;

		memset(&f, 0, sizeof(f));
		if (!res->snapshot_more(it, j->pid, j->given, &f))
			continue;
		s = xcalloc(1, sizeof(*s));
		s->job = j;
		s->obj = it;
		s->take = f.take;
		j->pending++;
		if (f.list)
			canvas_list(j->sn->cv, f.path, f.what, on_sub, s);
		else
			canvas_get(j->sn->cv, f.path, f.what, on_sub, s);
		free(f.path);
		free(f.what);
	}
}

/* ---------------------------------------------------------------- lists and the course */

struct list_ud {
	struct cjob *job;
	int which;
};

static void on_list(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct list_ud *l = ud;
	struct cjob *j = l->job;

	(void)cv;
	if (err->code) {
		fail(j, err);
	} else {
		j->list[l->which] = json;
		follow_ups(j, l->which);
	}
	job_step_done(j);
	free(l);
}

static void submit_list(struct cjob *j, int which, const char *course_id)
{
	const struct resource *res = resource_get(lists[which]);
	struct list_ud *l = xcalloc(1, sizeof(*l));
	char *path = resource_path(res->path.list, course_id, NULL, NULL), *w = what(j, res->seed_key);

	l->job = j;
	l->which = which;
	j->pending++;
	canvas_list(j->sn->cv, path, w, on_list, l);
	free(path);
	free(w);
}

static void on_course(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct cjob *j = ud;
	char id[32];
	int i;

	struct err e = ERR_INIT;

	(void)cv;
	if (err->code) {
		fail(j, err);
	} else if (json_guard_course(j->pid, json, &e)) {   /* another course's answer: json_guard.c */
		cJSON_Delete(json);
		fail(j, &e);
	} else {
		j->course = json;
		snprintf(id, sizeof(id), "%lld", json_id(json));
		for (i = 0; i < NLISTS; i++)
			if (resource_get(lists[i])->list_after_course && (j->sn->kinds & (1u << lists[i])))
				submit_list(j, i, id);
	}
	job_step_done(j);
}

/* ---------------------------------------------------------------- assembling */

static void strip_all(enum resource_kind kind, cJSON *arr)
{
	const struct resource *res = resource_get(kind);
	cJSON *it, *sub;

	cJSON_ArrayForEach(it, arr) {
		resource_strip_derived(res, it);
		cJSON_ArrayForEach(sub, object_children(kind, it))
			resource_strip_derived(resource_get(res->child_kind), sub);
	}
}

static cJSON *assemble(struct cjob *j, long *objects)
{
	cJSON *c = j->course, *it;
	int i;

	j->course = NULL;
	resource_strip_derived(resource_course(), c);
	if (!cJSON_HasObjectItem(c, "syllabus_body"))
		cJSON_AddNullToObject(c, "syllabus_body");
	for (i = 0; i < NLISTS; i++) {
		const struct resource *res = resource_get(lists[i]);

		if (!j->list[i])
			continue;   /* not fetched: absent, not empty (an empty list would claim "none") */
		strip_all(lists[i], j->list[i]);
		cJSON_ArrayForEach(it, j->list[i]) {
			(*objects)++;
			if (res->children_counted)
				*objects += cJSON_GetArraySize(object_children(lists[i], it));
		}
		cJSON_DeleteItemFromObjectCaseSensitive(c, res->seed_key);
		cJSON_AddItemToObject(c, res->seed_key, j->list[i]);
		j->list[i] = NULL;
	}
	return c;
}

struct snapshot_fetch {
	struct snap sn;
};

struct snapshot_fetch *snapshot_fetch_begin(struct canvas *cv, char *const *ids, int n, unsigned kinds,
					    int fail_fast)
{
	struct snapshot_fetch *f = xcalloc(1, sizeof(*f));
	struct snap *sn = &f->sn;
	int i, k;

	lists_init();
	sn->cv = cv;
	sn->kinds = kinds;
	sn->n = n;
	sn->fail_fast = fail_fast;
	sn->jobs = xcalloc((size_t)(n ? n : 1), sizeof(*sn->jobs));
	for (i = 0; i < n; i++) {
		struct cjob *j = &sn->jobs[i];
		char *path, *w;

		j->sn = sn;
		j->given = xstrdup(ids[i]);
		j->pid = canvas_path_id(ids[i]);
		path = resource_path(resource_course()->path.list, j->pid, NULL, NULL);
		w = xasprintf("course %s", ids[i]);
		j->pending++;
		canvas_get(cv, path, w, on_course, j);
		free(path);
		free(w);
		for (k = 0; k < NLISTS; k++)
			if (!resource_get(lists[k])->list_after_course && (kinds & (1u << lists[k])))
				submit_list(j, k, j->pid);
	}
	return f;
}

int snapshot_fetch_end(struct snapshot_fetch *f, cJSON **out, struct err *errs, struct snapshot_stats *st,
		       struct err *err)
{
	struct snap *sn = &f->sn;
	int i, k, rc;
	cJSON *doc = NULL, *courses;

	progress(sn);
	rc = canvas_run(sn->cv, err);
	progress_end();
	if (!rc) {
		doc = cJSON_CreateObject();
		courses = cJSON_AddArrayToObject(doc, "courses");
		memset(st, 0, sizeof(*st));
		for (i = 0; i < sn->n; i++) {
			errs[i] = sn->jobs[i].err;
			if (errs[i].code)
				continue;
			if (sn->stopped) {
				/* fail_fast: the courses left unfinished are not failures of their own */
				err_set(&errs[i], ERR_GENERIC, "course %s was not read: an earlier course failed "
					"(--fail-fast)", sn->jobs[i].given);
				continue;
			}
			cJSON_AddItemToArray(courses, assemble(&sn->jobs[i], &st->objects));
			st->courses++;
		}
		*out = doc;
	}
	for (i = 0; i < sn->n; i++) {
		cJSON_Delete(sn->jobs[i].course);
		for (k = 0; k < NLISTS; k++)
			cJSON_Delete(sn->jobs[i].list[k]);
		free(sn->jobs[i].pid);
		free(sn->jobs[i].given);
	}
	free(sn->jobs);
	free(f);
	return rc;
}

int snapshot_fetch_each(cJSON **out, struct canvas *cv, char *const *ids, int n, unsigned kinds,
			int fail_fast, struct err *errs, struct snapshot_stats *st, struct err *err)
{
	return snapshot_fetch_end(snapshot_fetch_begin(cv, ids, n, kinds, fail_fast), out, errs, st, err);
}

int snapshot_fetch(cJSON **out, struct canvas *cv, char *const *ids, int n, unsigned kinds,
		   struct snapshot_stats *st, struct err *err)
{
	struct err *errs = xcalloc((size_t)(n ? n : 1), sizeof(*errs));
	cJSON *doc = NULL;
	int i, rc;

	rc = snapshot_fetch_each(&doc, cv, ids, n, kinds, 0, errs, st, err);
	for (i = 0; !rc && i < n; i++) {
		if (errs[i].code) {
			*err = errs[i];
			rc = err->code;
		}
	}
	free(errs);
	if (rc)
		cJSON_Delete(doc);
	else
		*out = doc;
	return rc;
}

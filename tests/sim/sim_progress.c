/* tests/sim/sim_progress.c -- Progress objects and the background jobs behind them (API.md 5.3).
 *
 * Canvas runs bulk_update in a background job and reports through GET /api/v1/progress/:id:
 * queued -> running -> completed | failed, completion 0..100, results when finished. Here a job
 * is a function and its payload; it runs lazily -- before any request once cfg.progress_delay_ms
 * have passed since it was queued (it shows "running" for the second half of that time) -- so
 * its effects appear "eventually", whether or not the client polls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "xalloc.h"

struct sim_job {
	struct sim_job *next;
	int64_t progress_id;
	sim_job_fn fn;
	cJSON *payload;       /* owned */
	double queued_at;     /* monotonic seconds */
	int done;
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

cJSON *sim_progress_new(struct sim_req *rq, const char *tag, cJSON *payload, sim_job_fn fn)
{
	struct sim *s = rq->sim;
	cJSON *p = cJSON_CreateObject();
	struct sim_job *j = xcalloc(1, sizeof(*j)), **tail;
	int64_t id = sim_new_id(s);
	char when[21], *url;

	sim_add_id(p, "id", id);
	sim_add_id(p, "context_id", rq->course ? sim_id(rq->course) : 0);
	cJSON_AddStringToObject(p, "context_type", "Course");
	cJSON_AddNumberToObject(p, "user_id", 1);
	cJSON_AddStringToObject(p, "tag", tag);
	cJSON_AddNumberToObject(p, "completion", 0);
	cJSON_AddStringToObject(p, "workflow_state", "queued");
	sim_time_format(sim_now(), when);
	cJSON_AddStringToObject(p, "created_at", when);
	cJSON_AddStringToObject(p, "updated_at", when);
	cJSON_AddNullToObject(p, "message");
	url = xasprintf("%s/api/v1/progress/%lld", rq->base, (long long)id);
	cJSON_AddStringToObject(p, "url", url);
	free(url);
	cJSON_AddItemToArray(s->progress, p);
	sim_progress_indexed(s, p);
	j->progress_id = id;
	j->fn = fn;
	j->payload = payload;
	j->queued_at = mono();
	for (tail = &s->jobs; *tail; tail = &(*tail)->next)
		;
	*tail = j;
	return cJSON_Duplicate(p, 1);
}

void sim_progress_finish(cJSON *p, int ok, cJSON *results)
{
	sim_set_str(p, "workflow_state", ok ? "completed" : "failed");
	sim_set(p, "completion", cJSON_CreateNumber(100));
	sim_set(p, "results", results ? results : cJSON_CreateNull());
	sim_touch(p);
}

/* A job is dropped from the list once done (issue 18): every request runs this, and walking
 * 10,000 finished bulk_update jobs per request made canvas-sim slower than coursectl. Its
 * Progress stays in s->progress, which is what a poll reads. */
void sim_jobs_run(struct sim *s)
{
	struct sim_job *j, **pp;
	double now = mono(), delay = s->cfg.progress_delay_ms / 1000.0;

	for (pp = &s->jobs; (j = *pp);) {
		cJSON *p = sim_progress_find(s, j->progress_id);

		if (!p) {
			j->done = 1;
		} else if (strcmp(sim_str(p, "workflow_state"), "queued") &&
			   strcmp(sim_str(p, "workflow_state"), "running")) {
			j->done = 1;   /* cancelled */
		} else if (now - j->queued_at >= delay) {
			sim_set_str(p, "workflow_state", "running");
			s->write_gen++;   /* the job changes the state: caches of it are stale */
			j->fn(s, p, j->payload);
			j->done = 1;
		} else if (now - j->queued_at >= delay / 2 && !strcmp(sim_str(p, "workflow_state"), "queued")) {
			sim_set_str(p, "workflow_state", "running");
			sim_set(p, "completion", cJSON_CreateNumber(50));
			sim_touch(p);
		}
		if (j->done) {
			*pp = j->next;
			cJSON_Delete(j->payload);
			free(j);
		} else {
			pp = &j->next;
		}
	}
}

void sim_jobs_clear(struct sim *s)
{
	while (s->jobs) {
		struct sim_job *n = s->jobs->next;

		cJSON_Delete(s->jobs->payload);
		free(s->jobs);
		s->jobs = n;
	}
}

/* The Progress the path's :id names (a number, as sim_find_id reads it), or NULL. */
static cJSON *find_progress(struct sim_req *rq)
{
	long long v;

	return sim_path_id(sim_param(rq, "id"), &v) ? NULL : sim_progress_find(rq->sim, v);
}

static void get_progress(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *p;

	sim_jobs_run(rq->sim);
	p = find_progress(rq);
	if (!p) {
		sim_reply_not_found(rs);
		return;
	}
	sim_reply_json(rs, 200, cJSON_Duplicate(p, 1));
}

static void cancel_progress(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *p = find_progress(rq);
	const char *msg = sim_str(rq->body, "message");

	if (!p) {
		sim_reply_not_found(rs);
		return;
	}
	if (!strcmp(sim_str(p, "workflow_state"), "queued") || !strcmp(sim_str(p, "workflow_state"), "running")) {
		sim_set_str(p, "workflow_state", "failed");
		sim_set_str(p, "message", msg ? msg : "canceled");
		sim_touch(p);
	}
	sim_reply_json(rs, 200, cJSON_Duplicate(p, 1));
}

const struct sim_route sim_routes_progress[] = {
	{ "GET", "/api/v1/progress/:id", get_progress, 0 },
	{ "POST", "/api/v1/progress/:id/cancel", cancel_progress, 0 },
	{ NULL, NULL, NULL, 0 },
};

/* runner/exec_jobs.c -- before a resume or a rollback reads Canvas: wait for the background jobs an
 * interrupted run left behind (include/exec.h, exec_wait_jobs).
 *
 * Why: assignment and override dates are written with PUT .../assignments/bulk_update, which Canvas
 * answers at once with a Progress and carries out later in a job (API.md 5.3). A run killed after
 * that answer leaves changes "in doubt" (intent, no outcome) whose job may still be queued. A resume
 * or a rollback decides from the live values -- a rollback that reads the old dates takes those
 * changes as never written and does nothing, and then the job writes them: the course ends up
 * rolled forward after a "successful" rollback. So exec_bulk.c journals the Progress path as soon as
 * the bulk_update is answered (journal_job, fsync'ed before polling), and here every such job of
 * an in-doubt change is polled until it is completed, failed, or gone (404: Canvas deletes old
 * Progress rows) before anything is read.
 *
 * Polling: the first GET at once, then 0.3 s growing by half to 2 s, as exec_bulk.c polls; all jobs
 * at once (they are independent). A job still queued or running after WAIT_S is an error: reading
 * now would race it, and the user can run the command again later.
 *
 * What cannot be waited for: a run that died after the bulk_update left but before its answer has
 * no Progress path in the journal. Canvas gives no way to find a context's jobs, so those changes
 * get a warning that says how long to wait; the stale check still sees whatever has landed.
 *
 * Rejected: a fixed sleep before every resume (slow for everyone, and still a guess); re-reading the
 * dates until they stop changing (a queued job shows no change until it runs).
 */
#include "exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_internal.h"
#include "msg.h"
#include "xalloc.h"

#define WAIT_S 600.0              /* give up on one job after this long */

struct job {
	struct canvas *cv;
	const char *path;             /* "/api/v1/progress/ID", borrowed from the journal */
	size_t nchanges;              /* in-doubt changes it carries */
	double waited;
	int polls;
	const char *end;              /* "completed", "failed", "gone", or NULL while running */
	struct err err;               /* a failure to read it */
};

static void on_job(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud);

static void poll_job(struct job *jb)
{
	double delay = 0.0;
	int i;

	if (jb->polls) {
		delay = 0.3;
		for (i = 1; i < jb->polls && delay < 2.0; i++)
			delay *= 1.5;
		if (delay > 2.0)
			delay = 2.0;
	}
	jb->waited += delay;
	jb->polls++;
	canvas_send_later(jb->cv, delay, "GET", jb->path, NULL, 0, "the bulk date update of the interrupted run",
			  on_job, jb);
}

static void on_job(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	struct job *jb = ud;
	const cJSON *ws;

	(void)cv;
	(void)status;
	if (err->code == ERR_NOTFOUND) {
		jb->end = "gone";
	} else if (err->code) {
		jb->err = *err;
	} else {
		ws = cJSON_GetObjectItemCaseSensitive(json, "workflow_state");
		if (cJSON_IsString(ws) && !strcmp(ws->valuestring, "completed"))
			jb->end = "completed";
		else if (cJSON_IsString(ws) && !strcmp(ws->valuestring, "failed"))
			jb->end = "failed";
		else if (jb->waited < WAIT_S)
			poll_job(jb);
	}
	cJSON_Delete(json);
}

int exec_wait_jobs(struct canvas *cv, const struct journal_log *l, struct err *err)
{
	const struct plan *p = l->plan;
	struct job *jobs = NULL;
	size_t njobs = 0, unrecorded = 0, waiting = 0, i, k;
	int rc = 0;

	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change *c = &p->changes[i];

		if (l->state[i] != JOURNAL_INTENT)
			continue;
		if (!l->job[i]) {
			unrecorded += exec_is_bulk_field(c->kind, c->field);
			continue;
		}
		for (k = 0; k < njobs && strcmp(jobs[k].path, l->job[i]); k++)
			;
		if (k == njobs) {
			jobs = xrealloc(jobs, (njobs + 1) * sizeof(*jobs));
			memset(&jobs[k], 0, sizeof(jobs[k]));
			jobs[k].cv = cv;
			jobs[k].path = l->job[i];
			njobs++;
		}
		jobs[k].nchanges++;
		waiting++;
	}
	if (unrecorded)
		warnf("%zu date change%s went to Canvas's bulk update, but the run stopped before Canvas answered: "
		      "if Canvas took %s, its job may still be queued and would write %s after this check. If the "
		      "run stopped less than a minute ago, wait a minute and run this again", unrecorded,
		      unrecorded == 1 ? "" : "s", unrecorded == 1 ? "it" : "them", unrecorded == 1 ? "it" : "them");
	if (!njobs)
		return 0;
	notef("waiting for Canvas to finish %zu bulk date update%s of the interrupted run (%zu change%s)", njobs,
	      njobs == 1 ? "" : "s", waiting, waiting == 1 ? "" : "s");
	for (k = 0; k < njobs; k++)
		poll_job(&jobs[k]);
	rc = canvas_run(cv, err);
	for (k = 0; !rc && k < njobs; k++) {
		struct job *jb = &jobs[k];

		if (jb->err.code) {
			rc = err_set(err, jb->err.code == ERR_AUTH ? ERR_AUTH : ERR_GENERIC,
				     "cannot tell whether Canvas has finished the bulk date update of the interrupted "
				     "run (%s): %s; nothing was changed, try again", jb->path, jb->err.msg);
		} else if (!jb->end) {
			rc = err_set(err, ERR_GENERIC, "Canvas has not finished the bulk date update of the interrupted "
				     "run (%s) after %.0f minutes; nothing was changed: reading the dates now would race "
				     "it, so try again later", jb->path, WAIT_S / 60);
		} else {
			verbosef("%s: %s after %d poll%s", jb->path, jb->end, jb->polls, jb->polls == 1 ? "" : "s");
		}
	}
	free(jobs);
	return rc;
}

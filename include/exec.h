/* include/exec.h -- running a plan against Canvas: stale check, journal, writes, read-back.
 *
 *   struct exec_opts o = EXEC_OPTS_INIT;  o.journal = j;  o.force = ...;
 *   exec_run(cv, plan, &o, &res, &err)     res.state[i] for change i (index = seq - 1)
 *
 * For every object of the plan, in plan order (creates before what refers to them):
 *   1. stale check: the live value of every field the plan changes must equal the plan's `before`
 *      (re-read with the same list calls as `plan`: snapshot_fetch of the plan's kinds, not one GET
 *      per object; for apply RECIPE, the courses its plan read when that was moments ago,
 *      o->reads, exec_stale.c). A field already equal to `after` is done without writing (this is
 *      what makes resume and a re-run harmless). Anything else is a conflict: the object is skipped
 *      unless o->force.
 *   2. journal intents for the object's changes (fsync) -- only then does the request leave;
 *   3. the write, with the fewest requests: one PUT per object carrying all its changed fields
 *      (resource.h wrapper: {"assignment": {...}}, pages by page_id:N, todo_date sent as
 *      student_todo_at); assignment and override dates of a course through one
 *      PUT .../assignments/bulk_update (all three override dates always sent) with Progress polling;
 *      creates by POST (ids "new:N" resolved to the real ids as they come back); deletes by DELETE;
 *      moves by PUT module_item[module_id];
 *   4. read-back: the response (or a re-read) must show every new value; a 200 that changed
 *      nothing is a failure of that change. HTML fields compare after normalisation
 *      (runner/html_norm.c documents it) because Canvas rewrites bodies;
 *   5. journal outcomes.
 * Requests run concurrently within the engine's window. A 401 token failure stops the run
 * (ERR_AUTH): changes in flight stay as intents, which resume checks against the live value.
 *
 * Resume: pass the journal's states (o->prior, o->prior_ids): done changes are skipped, created
 * objects keep their ids; an intent without outcome is checked like any other change (live ==
 * after: done; live == before: written; else conflict) -- creates look the object up first, since
 * POST is not idempotent. A live value that our own failed write left (o->prior_stored: Canvas
 * stored it in another form) is not someone's edit either: it is written again.
 */
#ifndef COURSECTL_EXEC_H
#define COURSECTL_EXEC_H

#include <stddef.h>

#include "canvas.h"
#include "err.h"
#include "intmap.h"
#include "journal.h"
#include "plan.h"
#include "plan_reads.h"

/* The reason journaled with a change skipped because the run stopped (an interrupt, a 401) before
 * its request ever left: nothing of it reached Canvas; resume writes it (journal show counts it
 * "not sent"). */
#define EXEC_NOT_SENT "not sent: the run stopped before its request left"

struct exec_opts {
	struct journal *journal;               /* required: every write is journaled */
	int force;                             /* write over conflicts */
	const enum journal_state *prior;       /* resume: per change state from the journal, or NULL */
	char *const *prior_ids;                /* resume: per change id a create got, or NULL */
	void (*progress)(void *ud, size_t done, size_t total, size_t failed);   /* or NULL */
	void *progress_ud;
	cJSON *const *prior_stored;            /* resume: per change, the value a failed write of it left
						  in Canvas (a failed outcome's "live"), or NULL */
	struct plan_reads *reads;              /* apply RECIPE: the courses as the plan read them; the stale
						  check takes the fresh ones instead of reading them again
						  (exec_stale.c, include/plan_reads.h), or NULL */
};

#define EXEC_OPTS_INIT { NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL }

/* Why a change is a conflict (exec_stale.c's design comment). */
enum exec_conflict {
	EXEC_CONFLICT_NONE,
	EXEC_CONFLICT_CHANGED,                 /* changed in Canvas since the plan: --force writes over it */
	EXEC_CONFLICT_WITH,                    /* not written: another change of its object is a conflict */
	EXEC_CONFLICT_GONE,                    /* the object is no longer in Canvas */
	EXEC_CONFLICT_OTHER                    /* a create that met an object, or two that match a resume */
};

struct exec_result {
	enum journal_state *state;             /* per change (index seq - 1) */
	/* Values per change that most changes do not have, keyed by the change's index (seq - 1): a map
	 * of the changes that have one keeps nothing for the others. Three arrays of a pointer a change
	 * were 24 bytes a change, about 530 bytes a course of the scale benchmark's rollover, kept to
	 * the end of the run (issue 18, flat memory). */
	struct intmap error;                   /* char *: why it failed / the conflict */
	struct intmap new_id;                  /* char *: the id a create got */
	size_t n;
	size_t done, failed, conflicts, skipped;
	size_t conflict_creates;               /* of the conflicts, creates that met an object this run
						  did not make (--force does not take them over) */
	size_t in_doubt;                       /* changes left "intent": sent, the outcome unknown
						  (also counted in failed when a reason is known) */
	size_t not_started;                    /* changes never sent (the run stopped first) */
	size_t doubts;                         /* done creates that may have (or have) a duplicate: their
						  error[] says which; apply exits non-zero */
	size_t objects_done;
	long requests;
	size_t written, objects_written;       /* done by a write of this run (of done, objects_done) */
	size_t already;                        /* done with no write in this run: found at `after` by the
						  stale check, or done before a resume (done - written) */
	struct intmap why;                     /* per change, for a JOURNAL_CONFLICT: which kind, stored as
						  (void *)(uintptr_t) an enum exec_conflict; none:
						  EXEC_CONFLICT_NONE (exec_result_why) */
	struct intmap live;                    /* cJSON *, per change, for EXEC_CONFLICT_CHANGED: the
						  value Canvas has now (none: null or absent; deletes:
						  none) */
};

/* Run p. Returns 0 when the run went through (individual failures and conflicts are in res), or
 * an error that stopped it (ERR_AUTH, a journal write error, ...); res is filled in both cases
 * and released with exec_result_release. */
int exec_run(struct canvas *cv, const struct plan *p, const struct exec_opts *o, struct exec_result *res,
	     struct err *err);
void exec_result_release(struct exec_result *res);
/* Why change i is a conflict (res->why), EXEC_CONFLICT_NONE when it is none. */
enum exec_conflict exec_result_why(const struct exec_result *res, size_t i);

/* Before a resume or a rollback of journal l reads Canvas: wait until every background job (a
 * bulk_update's Progress) that carries one of l's in-doubt changes has completed, failed or gone,
 * so that the live values are final (runner/exec_jobs.c says why). In-doubt bulk changes whose
 * job was never journaled (the run died before Canvas answered) get a warning. Returns 0; ERR_AUTH;
 * or ERR_GENERIC when a job could not be read or is still running after 10 minutes (nothing was
 * written then). */
int exec_wait_jobs(struct canvas *cv, const struct journal_log *l, struct err *err);
/* The plan that undoes a journal's done and maybe-done changes, newest first: updates back to
 * before, creates deleted, deletes recreated from their `before`, moves reversed. Its `before`
 * values are the original changes' `after`, so the stale check finds what someone changed since.
 * The caller owns the plan. */
int exec_inverse_plan(struct plan **out, const struct journal_log *l, struct err *err);
/* Before a resume or a rollback of journal l plans: every create of l in doubt without an id (an
 * intent and no outcome: the run died between the POST and its answer) is looked for in its list
 * (runner/exec_lost.c). One match: its id goes into l->new_id (resume finishes it, rollback deletes
 * it). None, and the intent is older than the look-up window for timeout_s: its state becomes
 * JOURNAL_NONE (the POST made nothing). None while younger: looked for again until it is not. Else
 * (several match, a list cannot be read) the change is left as it is and one sentence naming it
 * goes into *unresolved (malloced array of malloced strings, *nunresolved of them). Returns 0, or
 * an error that stopped the look-up (ERR_AUTH). */
int exec_find_lost_creates(struct canvas *cv, struct journal_log *l, double timeout_s, char ***unresolved,
			   size_t *nunresolved, struct err *err);
/* 1 when apply has a way to write `field` of `obj` (an object of `kind` as read): a Canvas parameter
 * takes it, Canvas derives it from what is written (a page's url), or it is a checkpointed
 * discussion's date, written through date_details (runner/exec_write.c). The steps plan no change
 * apply could not make (step.c). */
int exec_writable(enum resource_kind kind, const cJSON *obj, const char *field);

#endif

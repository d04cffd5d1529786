/* include/apply.h -- what `apply` and `rollback` share once they have a plan: confirmation, the
 * journal, the run (exec.h), the report and the exit code (runner/cmd_apply.c).
 *
 *   struct apply_opts o = APPLY_OPTS_INIT;  o.run = "rollback"; o.rollback_of = path; ...
 *   rc = apply_plan(cv, plan, &o);          an exit code (exitcode.h); messages already printed
 */
#ifndef COURSECTL_APPLY_H
#define COURSECTL_APPLY_H

#include "canvas.h"
#include "courselock.h"
#include "journal.h"
#include "plan.h"
#include "plan_reads.h"

struct apply_opts {
	int yes;                       /* --yes: no confirmation */
	int force;                     /* --force: write over conflicts */
	int json;                      /* --format json: the result document on stdout */
	const char *journal;           /* --journal FILE, or NULL for the default directory */
	const char *run;               /* "apply" or "rollback" */
	const char *rollback_of;       /* rollback: the journal undone */
	const struct journal_log *resume;   /* apply --resume: the journal to go on with */
	struct plan_reads *reads;      /* apply RECIPE: the plan's reads, for the stale check (exec.h) */
	struct courselock *lock;       /* the courses locked so far (apply_lock_courses), or NULL */
};

#define APPLY_OPTS_INIT { 0, 0, 0, NULL, "apply", NULL, NULL, NULL, NULL }

/* Locks every course of p for this run (include/courselock.h), opening *lk for p's Canvas when it
 * is NULL (the caller frees it: courselock_free). A course that was not locked yet has its plan
 * reads dropped (reads may be NULL): they were made before the lock, so another run may have
 * written since. ERR_LOCKED naming the course and the process that has it. Callers lock before
 * they read or write anything for the run: apply_plan does it itself when o->lock is NULL. */
int apply_lock_courses(struct courselock **lk, const struct plan *p, struct plan_reads *reads, struct err *err);

/* Confirm (unless o->yes; refused when stdin is not a terminal), open the journal (a new one, or
 * the resumed one), run p, print one line per failure and conflict and the summary (or the JSON
 * result, and when anything is left a last line saying what and the command that goes on), close
 * the journal. Returns the exit code: 0 when nothing is left (every change done, and for a
 * rollback no undo step skipped), 1 otherwise, 3 when the token was refused mid-run (the journal
 * is complete; the message says how to resume). */
int apply_plan(struct canvas *cv, const struct plan *p, const struct apply_opts *o);

/* 0 when the plan was made against cv's Canvas; else an error naming both URLs. */
int apply_check_base(const struct canvas *cv, const struct plan *p, const char *what, struct err *err);

#endif

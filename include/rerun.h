/* include/rerun.h -- a relative step is never applied to a course twice by accident (issue 16).
 *
 *   struct rerun *rr = NULL;
 *   rerun_load(&rr, dir, base_url, recipe_sha256, &err)   the applies of this recipe on this Canvas
 *                                                          that this machine's journals record
 *   ... per course and shift_dates step: rerun_guard(rr, cx, step, &err) ...
 *   rerun_free(rr);
 *
 * The rule (docs/apply.md "Running a recipe twice"): a shift_dates step (a shift by days, a term
 * mapping: relative, so applying it twice moves every date twice) is left out of a course's plan,
 * with a skip that says why and what to run, when
 *   (a) a journal in the journal directory records a run of the same recipe (recipe_sha256) against
 *       the same Canvas (base_url) on that course, not rolled back, that is interrupted (no
 *       footer: the skip names `apply --resume J`) or finished with a change of that step in that
 *       course done or in doubt (the skip names `rollback J`); or
 *   (b) for a term mapping, Canvas itself shows it: of the dates the step would move, none lies in
 *       the old term (from.start..from.end) and at least one lies in the new one (to.start..to.end,
 *       or the old term's length from to.start), as local calendar days in the step's zone.
 * `--again` (plan, apply) turns the guard off.
 */
#ifndef COURSECTL_RERUN_H
#define COURSECTL_RERUN_H

#include <stddef.h>

#include "err.h"

struct journal_log;
struct step;
struct step_ctx;
struct rshift_dates;

/* An apply journal of the recipe whose run is not undone. */
struct rerun_run {
	struct journal_log *log;
	char *rolled_back_by;     /* an interrupted rollback of it, or NULL */
};

struct rerun {
	struct rerun_run *runs;   /* newest first (created_at) */
	size_t n;
};

/* The apply journals in dir (the default directory when NULL) of recipe_sha256 against base_url
 * that no finished rollback (itself not rolled back) undid (rollbacks_undone, rollbacks.c). A
 * directory that cannot be read gives an empty list (a note on stderr), never an error: the
 * journals are evidence, not a requirement.
 * *out is the caller's (rerun_free). */
int rerun_load(struct rerun **out, const char *dir, const char *base_url, const char *recipe_sha256,
	       struct err *err);
void rerun_free(struct rerun *rr);

/* The run that makes `step` in course_id a re-run, or NULL: an interrupted run covering the course
 * first (newest), else the newest finished run with a change of that step in that course done or
 * in doubt (or failed with a value left in Canvas). */
const struct rerun_run *rerun_find(const struct rerun *rr, const char *course_id, const char *step);

/* Dates a term mapping would move, counted by where their local day falls. */
struct rerun_term {
	size_t n;                 /* dates looked at */
	size_t in_from;           /* in the old term */
	size_t in_to;             /* in the new term */
};

/* Count dates[0..n-1] (UTC, Canvas's format; others ignored) against m's terms in `zone`. */
void rerun_term_count(const struct rshift_dates *m, const char *zone, const char *const *dates, size_t n,
		      struct rerun_term *out);
/* 1 when the counts say the mapping is already applied: none in the old term, some in the new. */
int rerun_term_applied(const struct rerun_term *t);

/* Before a step runs on a course (plan_build.c): 1 when it must not run there -- a skip naming the
 * evidence and the command to run is recorded in cx->plan (plan_skip.rerun) --, 2 when its fields
 * must not move but its text may (the same skip; a term mapping with text: on, evidence other than
 * an interrupted run: run step_shift_dates_text), 0 to run it, -1 with err set. rr NULL: the guard
 * is off (--again). Only shift_dates steps are ever skipped. */
int rerun_guard(const struct rerun *rr, struct step_ctx *cx, const struct step *st, struct err *err);

#endif

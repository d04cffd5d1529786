/* runner/rerun.c -- noticing that a relative step was already applied (include/rerun.h, issue 16).
 *
 * Why: a plan holds absolute values, but a shift_dates step computes them from what Canvas holds
 * now, so `coursectl apply RECIPE` run twice moves every date twice, and after an interrupted run
 * the same command moves the written half a second time. Updates by every other step are absolute
 * (a rename, a published flag, a replacement whose pattern no longer matches) and a second run
 * plans nothing for them; only the relative step needs a guard, and it acts before anything is
 * planned, so nothing is written.
 *
 * Two kinds of evidence:
 *   - The journals of this machine (journal_default_dir; a --journal file elsewhere is linked
 *     there when it is created, journal.c link_default, and read by its real path): an apply of
 *     the same recipe file (recipe_sha256) against the same Canvas (base_url) on the course.
 *     Interrupted (no footer): the course's shift steps are skipped and the skip names
 *     `apply --resume J` (which finishes exactly that run); finished with a change of the step in
 *     the course done, in doubt, or failed with a value left in Canvas: skipped, naming `rollback
 *     J`. A run is undone when a finished rollback of it exists, unless that rollback was itself
 *     rolled back: rollbacks_undone (rollbacks.c) answers that, finding the rollbacks as
 *     `rollback` and `journal show` do (by run_id: a path is no identity, a new run may be
 *     journaled to the file name of one rolled back), so all three see the same rollbacks. A first line
 *     prefilter (the header holds run and recipe_sha256 as text) keeps journals of other recipes
 *     from being parsed at all: a journal's plan may hold megabytes of page bodies.
 *   - Canvas itself, for a term mapping only: the step is run on a scratch copy of the course and
 *     a scratch plan, and the `before` of each date it would move is placed on a local calendar
 *     day in the step's zone. None in the old term and at least one in the new term means the
 *     mapping was applied already (by another machine, by hand, by a course copy that shifted
 *     dates). Extrapolated dates (before or after the old term) land outside both terms and count
 *     for neither, so a course whose start date lies a week before the term still passes. When
 *     the terms overlap a date in the overlap is in both, and the rule never fires: conservative.
 *     For `days: N` Canvas shows nothing reliable (any date is a plausible date), so only the
 *     journals count.
 * Text (issue 19): a course rolled over without `text:` and planned again with it (a new recipe
 * file, so only Canvas's evidence can fire) would have its step left out whole, the text never
 * moved, and --again would move the fields twice. So for a term mapping with text: on and a
 * finished or Canvas evidence the guard answers 2: the fields stay, and plan_build runs the step
 * on the text only (step_shift_dates_text): a date written in the old term moves, one outside it
 * (moved by the earlier run, or never the term's) stays as written -- so running it again moves
 * nothing, and after a run of the same recipe with text: on it finds nothing to move. Not for
 * `days: N` (no old term tells a moved date from one to move) nor an interrupted run (resume it).
 * Rejected: a diff of the recipe against the journaled one (a journal of another machine, or none,
 * is common; Canvas's dates are what is true).
 * Rejected: deciding per date (a term date in the new term may be one the teacher set on
 * purpose); leaving --journal files out (an earlier decision: a run that chose its own file keeps
 * its own records; but a user who keeps journals beside the recipe, as a CI job does, then moved
 * every date twice on a second apply -- so such a file is linked into the journal directory);
 * refusing the whole plan (the other steps are absolute and still wanted) -- except
 * that `apply RECIPE` refuses to write anything while an interrupted run of the recipe covers one
 * of its courses (cmd_apply.c): finishing that run is the one right next step.
 */
#include "rerun.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "canvas.h"
#include "dates.h"
#include "dateshift.h"
#include "journal.h"
#include "msg.h"
#include "plan.h"
#include "recipe.h"
#include "recipe_actions.h"
#include "recipe_shift_dates.h"
#include "rollbacks.h"
#include "step.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- journals */

/* The header field k of a journal_head or a journal's header, or NULL. */
static const char *head_str(const cJSON *head, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(head, k));
}

static const char *hdr(const struct journal_log *l, const char *k)
{
	return head_str(l->header, k);
}

static int newest_first(const void *a, const void *b)
{
	const struct rerun_run *x = a, *y = b;
	const char *tx = hdr(x->log, "created_at"), *ty = hdr(y->log, "created_at");
	int c = strcmp(ty ? ty : "", tx ? tx : "");

	return c ? c : strcmp(y->log->path, x->log->path);
}

int rerun_load(struct rerun **out, const char *dir, const char *base_url, const char *recipe_sha256,
	       struct err *err)
{
	struct rerun *rr = xcalloc(1, sizeof(*rr));
	char *owned = NULL;
	struct dirent *de;
	size_t alloc = 0;
	DIR *d;

	(void)err;
	*out = rr;
	if (!recipe_sha256 || !base_url)
		return 0;
	if (!dir) {
		struct err de_err = ERR_INIT;

		if (journal_default_dir(&owned, &de_err)) {
			notef("journals not checked for an earlier run of this recipe: %s", de_err.msg);
			return 0;
		}
		dir = owned;
	}
	if (!(d = opendir(dir))) {
		free(owned);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		struct journal_log *l = NULL;
		struct err rerr = ERR_INIT;
		char *path, *rb = NULL;
		cJSON *head;
		int ours;

		if (de->d_name[0] == '.' || len <= 6 || strcmp(de->d_name + len - 6, ".jsonl"))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		{   /* a journal kept elsewhere is linked here (journal.c, link_default): its real path */
			char *real = realpath(path, NULL);

			if (real) {
				free(path);
				path = real;
			}
		}
		/* the header's fields first: another recipe's or another Canvas's journal is never read
		 * whole (a CI machine keeps hundreds, each with its whole plan) */
		head = journal_head(path);
		ours = head && head_str(head, "run") && !strcmp(head_str(head, "run"), "apply") &&
		       head_str(head, "recipe_sha256") && !strcmp(head_str(head, "recipe_sha256"), recipe_sha256) &&
		       canvas_same_base_url(head_str(head, "base_url"), base_url);
		cJSON_Delete(head);
		if (!ours || journal_read(&l, path, &rerr)) {
			free(path);
			continue;   /* another recipe's, or damaged: `journal list` names damage */
		}
		free(path);
		if (rollbacks_undone(l->path, &rb)) {   /* its run, recipe and Canvas: checked on its head */
			journal_log_free(l);
			continue;
		}
		if (rr->n == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			rr->runs = xrealloc(rr->runs, alloc * sizeof(*rr->runs));
		}
		rr->runs[rr->n].rolled_back_by = rb;
		rr->runs[rr->n++].log = l;
	}
	closedir(d);
	if (rr->n > 1)
		qsort(rr->runs, rr->n, sizeof(*rr->runs), newest_first);
	free(owned);
	return 0;
}

void rerun_free(struct rerun *rr)
{
	size_t i;

	if (!rr)
		return;
	for (i = 0; i < rr->n; i++) {
		journal_log_free(rr->runs[i].log);
		free(rr->runs[i].rolled_back_by);
	}
	free(rr->runs);
	free(rr);
}

static int covers(const struct plan *p, const char *course_id)
{
	size_t i;

	for (i = 0; i < p->ncourses; i++)
		if (!strcmp(p->courses[i].id, course_id))
			return 1;
	return 0;
}

static int by_step(const struct plan_change *c, const char *step)
{
	size_t i;

	for (i = 0; i < c->nsteps; i++)
		if (!strcmp(c->steps[i], step))
			return 1;
	return 0;
}

const struct rerun_run *rerun_find(const struct rerun *rr, const char *course_id, const char *step)
{
	size_t i, k;

	if (!rr)
		return NULL;
	for (i = 0; i < rr->n; i++)
		if (!rr->runs[i].log->finished && covers(rr->runs[i].log->plan, course_id))
			return &rr->runs[i];
	for (i = 0; i < rr->n; i++) {
		const struct journal_log *l = rr->runs[i].log;

		if (!l->finished)
			continue;
		for (k = 0; k < l->plan->nchanges; k++) {
			const struct plan_change *c = &l->plan->changes[k];
			enum journal_state s = l->state[k];

			if (!strcmp(c->course_id, course_id) && by_step(c, step) &&
			    (s == JOURNAL_DONE || s == JOURNAL_INTENT || (s == JOURNAL_FAILED && l->live[k])))
				return &rr->runs[i];
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------- Canvas: a term mapping */

static int64_t rday(const struct rdate *d)
{
	return dateshift_days_from_civil(d->y, d->m, d->d);
}

void rerun_term_count(const struct rshift_dates *m, const char *zone, const char *const *dates, size_t n,
		      struct rerun_term *out)
{
	int64_t fa = rday(&m->from_start), fb = rday(&m->from_end), ta = rday(&m->to_start);
	int64_t tb = m->has_to_end ? rday(&m->to_end) : ta + (fb - fa);
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		struct dates_local l;
		int64_t t, day;

		if (!dates[i] || dates_parse(dates[i], &t) || dates_to_local(t, zone, &l))
			continue;
		day = dateshift_days_from_civil(l.y, l.m, l.d);
		out->n++;
		out->in_from += day >= fa && day <= fb;
		out->in_to += day >= ta && day <= tb;
	}
}

int rerun_term_applied(const struct rerun_term *t)
{
	return t->in_from == 0 && t->in_to > 0;
}

/* The term evidence for step m in cx's course: 1 applied (counts in *t), 0 not, or when the step
 * cannot tell (its own run will report the problem; *t is then all zero). */
static int term_applied(struct step_ctx *cx, const struct rshift_dates *m, struct rerun_term *t)
{
	const char *zone = m->time_zone ? m->time_zone : cx->time_zone;
	struct step_ctx scx = *cx;
	struct err e = ERR_INIT;
	const char **dates;
	size_t i, n = 0;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (m->mode != RSHIFT_TERM || !zone || !*zone)
		return 0;
	scx.plan = plan_new();
	scx.course = cJSON_Duplicate(cx->course, 1);
	if (!step_shift_dates(&scx, m, &e)) {
		dates = xcalloc(scx.plan->nchanges + 1, sizeof(*dates));
		for (i = 0; i < scx.plan->nchanges; i++)
			if (cJSON_IsString(scx.plan->changes[i].before))
				dates[n++] = scx.plan->changes[i].before->valuestring;
		rerun_term_count(m, zone, dates, n, t);
		rc = rerun_term_applied(t);
		free(dates);
	}
	cJSON_Delete(scx.course);
	plan_free(scx.plan);
	return rc;
}

/* ---------------------------------------------------------------- the guard */

static void fmt_day(const struct rdate *d, char out[16])
{
	snprintf(out, 16, "%04d-%02d-%02d", d->y % 10000, d->m % 100, d->d % 100);
}

/* Dates in both terms: the course may be half shifted (a run interrupted on a machine whose journal
 * we cannot see), or it has dates in the new term on purpose. The plan moves them all, as asked;
 * a warning says so, so that nobody applies it without looking. */
static void warn_half(struct step_ctx *cx, const struct step *st, const struct rshift_dates *m,
		      const struct rerun_term *t)
{
	char ta[16];
	char *msg;

	fmt_day(&m->to_start, ta);
	msg = xasprintf("step '%s' in course %s: %zu of the %zu dates it would move are already in the new term "
			"(from %s) and %zu still in the old one: the course may be half shifted by a run this "
			"machine has no journal of; the plan moves them all (check the dates, or narrow the step "
			"with where:)", st->name, cx->course_id, t->in_to, t->n, ta, t->in_from);
	plan_add_warning(cx->plan, st->name, cx->course_id, NULL, msg);
	free(msg);
}

int rerun_guard(const struct rerun *rr, struct step_ctx *cx, const struct step *st, struct err *err)
{
	const struct rshift_dates *m = st->data;
	const struct plan_course *pc;
	const struct rerun_run *run;
	struct rerun_term t;
	struct buf why = BUF_INIT;
	const char *kind;
	int text;

	(void)err;
	if (!rr || st->action != &recipe_action_shift_dates)
		return 0;
	if ((run = rerun_find(rr, cx->course_id, st->name)) != NULL) {
		const char *j = run->log->path, *when = hdr(run->log, "created_at");

		if (run->log->finished) {
			kind = "finished";
			buf_printf(&why, "already applied to this course by the run of %s (journal %s), so no date "
				   "is moved again; undo that run with `coursectl rollback %s`, or shift once more with "
				   "--again", when ? when : "?", j, j);
		} else if (journal_running(j)) {
			/* not interrupted: another coursectl is writing it now (its lock is held) */
			kind = "running";
			buf_printf(&why, "a run of this recipe is in progress (started %s, journal %s), so none of "
				   "these dates is moved now; plan again when it has finished", when ? when : "?", j);
		} else {
			kind = "interrupted";
			buf_printf(&why, "an interrupted run of this recipe (%s, journal %s) may have moved some of "
				   "these dates, so none is moved now; finish it with `coursectl apply --resume %s`, "
				   "or undo it with `coursectl rollback %s`", when ? when : "?", j, j, j);
		}
		if (run->rolled_back_by)
			buf_printf(&why, " (its rollback %s was interrupted: finish that with `coursectl apply "
				   "--resume %s`)", run->rolled_back_by, run->rolled_back_by);
	} else if (term_applied(cx, m, &t)) {
		char fa[16], fb[16], ta[16];

		kind = "in_canvas";
		fmt_day(&m->from_start, fa);
		fmt_day(&m->from_end, fb);
		fmt_day(&m->to_start, ta);
		buf_printf(&why, "the dates already sit in the new term: of the %zu dates this step would move, "
			   "none is in the old term (%s to %s) and %zu %s in the new one (from %s), so it looks "
			   "applied already and no date is moved; --again shifts them anyway", t.n, fa, fb, t.in_to,
			   t.in_to == 1 ? "is" : "are", ta);
	} else {
		if (t.in_from && t.in_to)
			warn_half(cx, st, m, &t);
		return 0;
	}
	text = m->text_locale && m->mode == RSHIFT_TERM && strcmp(kind, "interrupted") && strcmp(kind, "running");
	if (text) {
		char fa[16], fb[16];

		fmt_day(&m->from_start, fa);
		fmt_day(&m->from_end, fb);
		buf_printf(&why, "; the dates written in the text (text:) that are still in the old term (%s to %s) "
			   "are moved, the others stay as written", fa, fb);
	}
	pc = plan_course(cx->plan, cx->course_id);
	plan_add_skip(cx->plan, st->name, cx->course_id, RES_COURSE, cx->course_id, pc ? pc->name : NULL, NULL,
		      buf_str(&why));
	plan_mark_rerun(cx->plan, kind, run ? run->log->path : NULL);
	buf_release(&why);
	return text ? 2 : 1;
}

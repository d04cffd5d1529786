/* runner/cmd_apply.c -- `coursectl apply RECIPE | PLAN.json | --resume JOURNAL`, and the part of a
 * run that `rollback` shares (include/apply.h).
 *
 *   coursectl apply RECIPE|PLAN.json [--yes] [--force] [--journal FILE] [--format text|json]
 *                   [--course ID]... [--var NAME=VALUE]... [--color WHEN] [--shard I/N] [--fail-fast]
 *                   [options]
 *   coursectl apply --resume JOURNAL [--yes] [--force] [--format text|json] [options]
 *
 * What it promises (issue 7): nothing changes in Canvas before the person has seen the plan and
 * said yes (on a terminal; without one, --yes is required, as git clean's requireForce: a CI job
 * must say it means it); every write is journaled first (exec.c, journal.c), and the journal's path
 * is printed before the first write, so a run that dies leaves a file the person knows about; the
 * end says exactly what happened -- one line per failure, the conflicts grouped like the plan
 * ("conflicts" below), then
 *   Applied N changes to M objects; A already in place; F failed; C conflicts
 * (N, M: written by this run; A: found already at their `after`, issue 16) -- then, when anything
 * is left, a last line naming it and the command that goes on -- and the
 * exit code is 0 only when nothing is left (1 otherwise, 3 when the token was refused mid-run, 64
 * usage, 130 when SIGINT or SIGTERM stopped the run; "what is left" below).
 * Signals (issue 16): apply_plan catches SIGINT and SIGTERM from the journal's creation to the end
 * of the writes (interrupt.h); the engine stops sending, exec_run returns ERR_INTERRUPTED with
 * every answer journaled, and the last line is "interrupted (SIGINT): N done, M in doubt[, K not
 * sent] — resume with `coursectl apply --resume J` or undo with `coursectl rollback J`".
 *
 * Inputs. A recipe is planned first, exactly as `plan` does (plan_recipe), and the plan is shown. A
 * saved plan (a JSON file whose "format" is coursectl-plan) is applied exactly as saved, and only
 * to the Canvas it was made against: a plan made on a test instance must not land in production
 * because CANVAS_BASE_URL says so; its URL is also the default when neither --url nor
 * CANVAS_BASE_URL is set. Before anything else a saved plan must be the one `plan` wrote (its
 * changes_sha256, plan_digest.c) and hold only changes its recipe's steps can make
 * (plan_check_fields, step_fields.c); a journal to resume must match its plan_sha256
 * (journal_check). Either refusal is exit 1, before Canvas is contacted. --course and --var apply
 * to recipes only (a saved plan's values are already worked out). --resume finishes an interrupted
 * run with its own journal: done changes are left alone, the rest are checked against Canvas
 * (exec.h "Resume") and written.
 *
 * Output: the plan (text) and the summary on stdout; progress, the journal's path and the
 * failures on stderr. --format json prints one result document instead of both: the summary and
 * every change's outcome (state, error, the id a create got), for CI.
 * Many courses (issue 8): planning a recipe leaves out a course that cannot be read or planned
 * (plan_recipe), so it is not applied and the others are; a saved plan carries such courses in
 * "failed_courses". Either way each is named on stderr, the summary ends with a line naming them,
 * and the exit code is 1: the recipe is not applied in full. --fail-fast stops before anything is
 * written. --course, --var, --color, --shard and --fail-fast are parsed by plan_opts.c, shared
 * with `plan`.
 * Running a recipe twice (issue 16): planning leaves out a shift_dates step already applied to a
 * course (rerun.c: this machine's journals, or the dates already in the new term), so a second
 * `apply RECIPE` moves no date; --again moves them once more. While an interrupted run of the
 * recipe covers one of the courses, apply RECIPE writes nothing: its first error names `apply
 * --resume J` (refuse_interrupted).
 * Rejected: applying without showing the plan (the whole point of a plan is that it is read);
 * asking per object (hundreds of prompts get answered "y" blindly).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "buf.h"
#include "canvas.h"
#include "cmd.h"
#include "config.h"
#include "courselock.h"
#include "dates.h"
#include "exec.h"
#include "exitcode.h"
#include "interrupt.h"
#include "journal.h"
#include "jsonid.h"
#include "msg.h"
#include "plan.h"
#include "plan_opts.h"
#include "recipe.h"
#include "render.h"
#include "token_info.h"
#include "version.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- shared with rollback */

int apply_check_base(const struct canvas *cv, const struct plan *p, const char *what, struct err *err)
{
	const char *a = canvas_base_url(cv), *b = p->base_url;

	if (!b)
		return err_set(err, ERR_USAGE, "%s names no Canvas (no base_url); refusing to guess", what);
	if (!canvas_same_base_url(a, b))
		return err_set(err, ERR_USAGE, "%s was made against %s, but the configured Canvas is %s; refusing to "
			       "apply it elsewhere (make a new plan there, or use --url %s)", what, b, a, b);
	return 0;
}

/* apply --resume: the creates the interrupted run lost the answer of (exec_find_lost_creates); what
 * cannot be told is a warning, and the stale check makes such a create a conflict. */
static int apply_find_lost(struct canvas *cv, struct journal_log *l, const struct config *cfg, struct err *err)
{
	char **why = NULL;
	size_t n = 0, i;
	int rc = exec_find_lost_creates(cv, l, (cfg->timeout_ms > 0 ? (double)cfg->timeout_ms : 120000.0) / 1000.0,
					&why, &n, err);

	for (i = 0; i < n; i++) {
		warnf("%s", why[i]);
		free(why[i]);
	}
	free(why);
	return rc;
}

struct progress {
	struct canvas *cv;
	const char *run;
};

static void on_progress(void *ud, size_t done, size_t total, size_t failed)
{
	const struct progress *pr = ud;
	const struct http_stats *st = http_get_stats(canvas_http(pr->cv));

	/* the throttle wait only when there was one: the ", " and the figure go together */
	if (st->pause_seconds > 0)
		progressf("%s: %zu/%zu objects, %zu failed, %ld requests, %.0f s throttle wait", pr->run, done, total,
			  failed, st->requests, st->pause_seconds);
	else
		progressf("%s: %zu/%zu objects, %zu failed, %ld requests", pr->run, done, total, failed, st->requests);
}

static cJSON *summary_json(const struct exec_result *r, size_t changes)
{
	cJSON *s = cJSON_CreateObject();

	cJSON_AddNumberToObject(s, "changes", (double)changes);
	cJSON_AddNumberToObject(s, "done", (double)r->done);
	cJSON_AddNumberToObject(s, "objects", (double)r->objects_done);
	cJSON_AddNumberToObject(s, "failed", (double)r->failed);
	cJSON_AddNumberToObject(s, "conflicts", (double)r->conflicts);
	cJSON_AddNumberToObject(s, "skipped", (double)r->skipped);
	cJSON_AddNumberToObject(s, "in_doubt", (double)r->in_doubt);
	cJSON_AddNumberToObject(s, "requests", (double)r->requests);
	cJSON_AddNumberToObject(s, "written", (double)r->written);
	cJSON_AddNumberToObject(s, "objects_written", (double)r->objects_written);
	cJSON_AddNumberToObject(s, "already_in_place", (double)r->already);
	if (r->doubts)
		cJSON_AddNumberToObject(s, "possible_duplicates", (double)r->doubts);
	return s;
}

/* ---------------------------------------------------------------- what is left
 *
 * Issue 13: a run may exit 0 only when nothing is left -- no change failed, conflicted, was
 * skipped, is in doubt (sent, answer unknown) or was never sent, and, for a rollback, no undo step
 * of the plan was skipped (a create whose id the journal does not know). Anything else exits 1 (3
 * after a refused token) and the last line says what is left and the command that goes on from
 * there: `apply --resume` of the run's own journal -- a rollback's too: it retries what failed,
 * checks what is in doubt against Canvas with the journal's intents as evidence, and writes what
 * was never sent; and for a skipped undo step `apply --resume` of the undone journal (which finds
 * the id) and then `rollback` of it again (what is restored already is found so and not written
 * twice). The rule is the result's counts, not their causes, so a new way of leaving something
 * behind cannot slip past it. */

/* The undo steps of a rollback plan that were skipped (not changes: exec never saw them). */
static size_t undo_skipped(const struct plan *p, const struct apply_opts *o)
{
	return o->rollback_of ? p->nskipped : 0;
}

/* Changes left (not done) plus skipped undo steps. */
static size_t left_count(const struct plan *p, const struct exec_result *r, const struct apply_opts *o)
{
	return r->n - r->done + undo_skipped(p, o);
}

/* ", N what" (" N what" first) into b, after "Left:"; nothing when n is 0. */
static void left_part(struct buf *b, size_t n, const char *what)
{
	if (n)
		buf_printf(b, "%s %zu %s", b->len > strlen("Left:") ? "," : "", n, what);
}

/* The last line of a run that left something: "Left: 1 failed, 2 conflicts (3 of 40 changes not
 * applied); next: coursectl apply --resume J ...". stopped: the run was stopped (token, journal).
 * Malloced. */
static char *left_line(const struct plan *p, const struct exec_result *r, const struct apply_opts *o,
		       const char *jpath, int stopped, const struct render_conflict_counts *cc)
{
	struct buf b = BUF_INIT;
	size_t failed = 0, taken = 0, i, all = r->n + undo_skipped(p, o);
	int rb = o->rollback_of != NULL;

	for (i = 0; i < r->n; i++)
		failed += r->state[i] == JOURNAL_FAILED;
	taken = r->conflict_creates;   /* creates that met an object they did not make (exec.c) */
	buf_puts(&b, "Left:");
	left_part(&b, failed, "failed");
	left_part(&b, r->conflicts, r->conflicts == 1 ? "conflict" : "conflicts");
	left_part(&b, r->skipped + undo_skipped(p, o), "skipped");
	left_part(&b, r->in_doubt, "in doubt");
	left_part(&b, r->not_started, "not started");
	if (b.len == strlen("Left:"))
		buf_puts(&b, " the end of the run");   /* every change done, the journal not finished */
	buf_printf(&b, " (%zu of %zu %s not %s); next: ", left_count(p, r, o), all, all == 1 ? "change" : "changes",
		   rb ? "rolled back" : "applied");
	if (stopped || r->done < r->n || !undo_skipped(p, o)) {
		if (!stopped && !rb && (cc->fields || cc->gone)) {
			/* Canvas changed since the plan (issue 16): a new plan starts from what it has now */
			buf_printf(&b, "coursectl plan %s to plan again from what Canvas has now",
				   p->recipe_path ? p->recipe_path : "RECIPE");
			if (cc->fields)
				buf_printf(&b, ", or coursectl apply --resume %s --force to write over the %zu field%s of "
					   "%zu object%s changed in Canvas", jpath, cc->fields, cc->fields == 1 ? "" : "s",
					   cc->objects, cc->objects == 1 ? "" : "s");
			else if (left_count(p, r, o) > r->conflicts)
				buf_printf(&b, ", or coursectl apply --resume %s for the rest", jpath);
		} else {
			buf_printf(&b, "coursectl apply --resume %s", jpath);
			if (!stopped && cc->fields)
				buf_printf(&b, " (--force writes over the %zu field%s of %zu object%s changed in Canvas)",
					   cc->fields, cc->fields == 1 ? "" : "s", cc->objects, cc->objects == 1 ? "" : "s");
			else if (!stopped && r->conflicts > taken)
				buf_puts(&b, " (--force writes over the conflicts)");
		}
		if (!stopped && taken)
			buf_printf(&b, "; for the %zu create%s that met an object this run did not make, a new plan "
				   "(coursectl plan %s), which updates it instead", taken, taken == 1 ? "" : "s",
				   p->recipe_path && !rb ? p->recipe_path : "RECIPE");
		if (!rb)
			buf_printf(&b, ", or coursectl rollback %s to undo the run", jpath);
		else if (undo_skipped(p, o))
			buf_puts(&b, "; then ");
	}
	if (undo_skipped(p, o))
		buf_printf(&b, "coursectl apply --resume %s, then coursectl rollback %s", o->rollback_of,
			   o->rollback_of);
	return buf_detach(&b, NULL);
}

/* The last line of an interrupted run (issue 16): "interrupted: 40 done, 8 in doubt, 120 not sent —
 * resume with `coursectl apply --resume J` or undo with `coursectl rollback J`". The counts are
 * the whole run's (a resume's earlier done changes included); "not sent" are changes whose request
 * never left (not started), failed, conflicts and skips follow when there are any. Malloced. */
static char *interrupted_line(const struct plan *p, const struct exec_result *r, const struct apply_opts *o,
			      const char *jpath, const struct err *err)
{
	struct buf b = BUF_INIT;
	size_t failed = 0, i;

	(void)p;
	(void)o;
	for (i = 0; i < r->n; i++)
		failed += r->state[i] == JOURNAL_FAILED;
	buf_printf(&b, "interrupted (%s): %zu done, %zu in doubt", err->msg + strlen("interrupted by "), r->done,
		   r->in_doubt);
	if (r->not_started)
		buf_printf(&b, ", %zu not sent", r->not_started);
	if (failed)
		buf_printf(&b, ", %zu failed", failed);
	if (r->conflicts)
		buf_printf(&b, ", %zu conflict%s", r->conflicts, r->conflicts == 1 ? "" : "s");
	if (r->skipped)
		buf_printf(&b, ", %zu skipped", r->skipped);
	buf_printf(&b, " \xe2\x80\x94 resume with `coursectl apply --resume %s` or undo with `coursectl rollback %s`",
		   jpath, jpath);
	return buf_detach(&b, NULL);
}

/* ---------------------------------------------------------------- conflicts
 *
 * Issue 16: the conflicts that a new plan or --force resolve (a field changed in Canvas since the
 * plan, what was held back with it, an object gone) are one report on stdout, grouped like the
 * plan (render_conflicts), instead of a warning per change; the closing line (left_line) says what
 * to do, with what --force would write over. A create that met an object keeps its own warning,
 * which says what to do about it. --format json keeps every change's warning (the document has
 * each change's state and error). */

#define CONFLICT_OBJECTS 20      /* objects the report shows; the journal has every change */

static int grouped_conflict(const struct exec_result *r, size_t i)
{
	enum exec_conflict why;

	if (r->state[i] != JOURNAL_CONFLICT)
		return 0;
	why = exec_result_why(r, i);
	return why != EXEC_CONFLICT_NONE && why != EXEC_CONFLICT_OTHER;
}

/* The report into out, and its counts. */
static void conflict_report(const struct plan *p, const struct exec_result *r, struct buf *out,
			    struct render_conflict_counts *cc)
{
	struct render_conflict *v = xcalloc(r->n ? r->n : 1, sizeof(*v));
	size_t i, n = 0;

	for (i = 0; i < r->n; i++) {
		enum exec_conflict why;

		if (!grouped_conflict(r, i))
			continue;
		why = exec_result_why(r, i);
		v[n].change = i;
		v[n].why = why == EXEC_CONFLICT_CHANGED ? RENDER_CONFLICT_CHANGED :
			   why == EXEC_CONFLICT_GONE ? RENDER_CONFLICT_GONE : RENDER_CONFLICT_WITH;
		v[n].live = intmap_get(&r->live, i);
		n++;
	}
	render_conflicts(p, v, n, CONFLICT_OBJECTS, out, cc);
	free(v);
}

static cJSON *change_result(const struct plan_change *c, const struct exec_result *r, size_t i);

/* The --format json result document. Malloced (cJSON_Delete). */
static cJSON *result_json(const struct plan *p, const struct exec_result *r, const char *journal, const char *run)
{
	cJSON *doc = cJSON_CreateObject(), *arr;
	struct err e = ERR_INIT;
	size_t i, k, w = plan_window_courses(p), lo = 0, hi;

	cJSON_AddStringToObject(doc, "format", "coursectl-apply-result");
	cJSON_AddNumberToObject(doc, "version", 1);
	cJSON_AddStringToObject(doc, "tool", "coursectl " COURSECTL_VERSION);
	cJSON_AddStringToObject(doc, "run", run);
	if (journal)
		cJSON_AddStringToObject(doc, "journal", journal);
	else
		cJSON_AddNullToObject(doc, "journal");
	cJSON_AddItemToObject(doc, "summary", summary_json(r, plan_total(p)));
	if (p->nfailed) {
		arr = cJSON_AddArrayToObject(doc, "failed_courses");
		for (i = 0; i < p->nfailed; i++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddItemToObject(o, "course", jsonid(p->failed[i].course));
			cJSON_AddStringToObject(o, "error", p->failed[i].error);
			cJSON_AddItemToArray(arr, o);
		}
	}
	arr = cJSON_AddArrayToObject(doc, "changes");
	do {   /* window by window (include/plan.h "Windows") */
		hi = lo + w < p->ncourses ? lo + w : p->ncourses;
		if (plan_window(p, lo, hi, &e)) {
			cJSON_AddStringToObject(doc, "error", e.msg);
			break;
		}
		for (k = 0; k < p->nchanges && p->first + k < r->n; k++)
			cJSON_AddItemToArray(arr, change_result(&p->changes[k], r, p->first + k));
		lo = hi;
	} while (lo < p->ncourses);
	return doc;
}

/* One change's entry of the result document. Malloced. */
static cJSON *change_result(const struct plan_change *c, const struct exec_result *r, size_t i)
{
	cJSON *o = cJSON_CreateObject();
	const char *error = intmap_get(&r->error, i), *new_id = intmap_get(&r->new_id, i);

	cJSON_AddNumberToObject(o, "seq", (double)c->seq);
	cJSON_AddItemToObject(o, "course_id", jsonid(c->course_id));
	cJSON_AddStringToObject(o, "kind", plan_kind_name(c->kind));
	cJSON_AddItemToObject(o, "id", jsonid(c->id));
	cJSON_AddStringToObject(o, "op", plan_op_name(c->op));
	if (c->field)
		cJSON_AddStringToObject(o, "field", c->field);
	else
		cJSON_AddNullToObject(o, "field");
	cJSON_AddStringToObject(o, "state", journal_state_name(r->state[i]));
	if (error)
		cJSON_AddStringToObject(o, "error", error);
	if (new_id)
		cJSON_AddItemToObject(o, "new_id", jsonid(new_id));
	return o;
}

static int print_doc(cJSON *doc)
{
	char *s = cJSON_Print(doc);
	int rc = 0;

	if (!s || fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
		rc = -1;
	free(s);
	return rc;
}

static int apply_locked(struct canvas *cv, const struct plan *p, const struct apply_opts *o)
{
	struct journal *j = NULL;
	struct exec_opts eo = EXEC_OPTS_INIT;
	struct exec_result res;
	struct err err = ERR_INIT;
	struct plan_summary sum;
	struct progress pr = { cv, o->run };
	const char *jpath;
	char *jpath_copy = NULL, *left;
	struct buf conflicts = BUF_INIT;
	struct render_conflict_counts cc;
	cJSON **stored = NULL;
	size_t i;
	int rc, asked = 0;   /* a person read the plan at a prompt: Canvas is read again after it */

	memset(&res, 0, sizeof(res));
	plan_summarize(p, &sum);
	/* before anyone confirms: a token that expires mid-run stops it half-way */
	token_info_warn_expiry(cv, sum.objects, o->run);
	if (!o->yes) {
		if (!isatty(STDIN_FILENO)) {
			errorf("refusing to %s without --yes: standard input is not a terminal, so nobody can confirm",
			       o->run);
			return EXIT_USAGE;
		}
		if (!confirmf("%s %zu change%s to %zu object%s in %zu course%s%s?", !strcmp(o->run, "rollback") ?
			      "Roll back with" : o->resume ? "Resume: check and write the rest of" : "Apply",
			      sum.changes, sum.changes == 1 ? "" : "s", sum.objects, sum.objects == 1 ? "" : "s",
			      sum.courses, sum.courses == 1 ? "" : "s", o->force ? ", writing over conflicts" : "")) {
			notef("nothing was changed");
			return EXIT_ERROR;
		}
		asked = 1;
	}
	interrupt_install();   /* from here Ctrl-C stops the run in order (interrupt.h) */
	if (o->resume)
		rc = journal_reopen(&j, o->resume->path, &err);
	else
		rc = journal_create(&j, o->journal, o->run, p, o->rollback_of, &err);
	if (rc) {
		interrupt_restore();
		errorf("%s", err.msg);
		return err_exit_code(&err);
	}
	jpath_copy = xstrdup(journal_path(j));
	jpath = jpath_copy;
	notef("journal: %s", jpath);
	eo.journal = j;
	eo.force = o->force;
	eo.progress = on_progress;
	eo.progress_ud = &pr;
	/* the plan's reads stand in for the stale check only when nobody was asked (--yes): while a
	 * person reads the plan at the prompt, a teacher may edit, however quick the answer */
	eo.reads = asked ? NULL : o->reads;
	if (o->resume) {
		eo.prior = o->resume->state;
		eo.prior_ids = o->resume->new_id;
		/* what failed writes left in Canvas (not a conflict's live: that value is someone's) */
		stored = xcalloc(plan_total(p) ? plan_total(p) : 1, sizeof(*stored));
		for (i = 0; i < plan_total(p); i++)
			if (o->resume->state[i] == JOURNAL_FAILED && o->resume->live)
				stored[i] = o->resume->live[i];
		eo.prior_stored = stored;
	}
	rc = exec_run(cv, p, &eo, &res, &err);
	interrupt_restore();
	progress_end();
	conflict_report(p, &res, &conflicts, &cc);
	for (i = 0; i < res.n; i++) {
		const char *e = intmap_get(&res.error, i);

		if (!e || (!o->json && grouped_conflict(&res, i)))
			continue;
		if (res.state[i] == JOURNAL_CONFLICT)
			warnf("conflict: %s", e);
		else
			errorf("%s", e);
	}
	for (i = 0; i < undo_skipped(p, o); i++) {
		const struct plan_skip *s = &p->skipped[i];

		errorf("not rolled back: course %s, %s%s%s%s%s%s: %s", s->course_id, plan_kind_name(s->kind),
		       s->id ? " " : "", s->id ? s->id : "", s->name ? " '" : "", s->name ? s->name : "",
		       s->name ? "'" : "", s->reason);
	}
	if (rc) {
		journal_close(j);
		if (err.code == ERR_INTERRUPTED) {
			/* the line that says it all comes last (interrupted_line) */
		} else if (err.code == ERR_AUTH) {
			errorf("%s", err.msg);
			errorf("the run stopped; the journal %s is complete. With a new token, run `coursectl apply "
			       "--resume %s` to finish (done changes are not written again)", jpath, jpath);
		} else {
			errorf("%s", err.msg);
			errorf("the run stopped; run `coursectl apply --resume %s` to finish", jpath);
		}
	} else {
		cJSON *s = summary_json(&res, plan_total(p));

		if (journal_finish(j, s, &err)) {
			errorf("%s", err.msg);
			rc = err.code;
		}
		cJSON_Delete(s);
	}
	if (rc && err.code == ERR_INTERRUPTED)
		left = interrupted_line(p, &res, o, jpath, &err);
	else
		left = rc || left_count(p, &res, o) ? left_line(p, &res, o, jpath, rc != 0, &cc) : NULL;
	if (o->json) {
		cJSON *doc = result_json(p, &res, jpath, o->run);
		cJSON *js = cJSON_GetObjectItemCaseSensitive(doc, "summary");

		cJSON_AddNumberToObject(js, "left", (double)left_count(p, &res, o));
		if (undo_skipped(p, o))
			cJSON_AddNumberToObject(js, "undo_skipped", (double)undo_skipped(p, o));
		if (left)
			cJSON_AddStringToObject(doc, "left_line", left);
		if (rc && err.code == ERR_INTERRUPTED)
			errorf("%s", left);
		if (print_doc(doc))
			errorf("cannot write the result to standard output");
		cJSON_Delete(doc);
	} else if (rc && err.code == ERR_INTERRUPTED) {
		/* stdout may be a pipe whose reader the same Ctrl-C ended (| tee): say it on stderr first */
		if (!isatty(STDOUT_FILENO))
			errorf("%s", left);
		printf("%s\n", left);
	} else {
		if (conflicts.len)
			printf("%s\n", buf_str(&conflicts));
		/* changes written in this run only; those found already at their `after` apart (issue 16) */
		printf("%s %zu change%s to %zu object%s", !strcmp(o->run, "rollback") ? "Rolled back with" : "Applied",
		       res.written, res.written == 1 ? "" : "s", res.objects_written, res.objects_written == 1 ? "" : "s");
		if (res.already)
			printf("; %zu already in place", res.already);
		printf("; %zu failed; %zu conflict%s\n", res.failed + res.skipped, res.conflicts,
		       res.conflicts == 1 ? "" : "s");
		if (res.doubts)
			printf("Possible duplicates: %zu created object%s may be in Canvas twice (named above); delete "
			       "the extra one%s by hand\n", res.doubts, res.doubts == 1 ? "" : "s",
			       res.doubts == 1 ? "" : "s");
		if (left)
			printf("%s\n", left);
	}
	if (rc)
		rc = err.code == ERR_AUTH ? EXIT_AUTH : err.code == ERR_INTERRUPTED ? EXIT_INTERRUPTED : EXIT_ERROR;
	else
		rc = left || res.doubts ? EXIT_ERROR : EXIT_OK;
	free(left);
	buf_release(&conflicts);
	free(stored);
	exec_result_release(&res);
	free(jpath_copy);
	return rc;
}

int apply_lock_courses(struct courselock **lk, const struct plan *p, struct plan_reads *reads, struct err *err)
{
	const char **ids;
	size_t i, n = 0;
	int rc;

	if (!*lk && courselock_open(lk, p->base_url, err))
		return err->code;
	ids = xcalloc(p->ncourses + 1, sizeof(*ids));
	for (i = 0; i < p->ncourses; i++)
		if (!courselock_held(*lk, p->courses[i].id))
			ids[n++] = p->courses[i].id;
	rc = courselock_take(*lk, ids, n, err);
	/* taken only now: the plan read them unheld, so another run may have written since */
	for (i = 0; !rc && i < n; i++)
		plan_reads_forget(reads, p, ids[i]);
	free(ids);
	return rc;
}

int apply_plan(struct canvas *cv, const struct plan *p, const struct apply_opts *o)
{
	struct apply_opts lo = *o;
	struct err err = ERR_INIT;
	int rc;

	/* every course of the run is held from here to the end: another coursectl run on this machine
	 * that wants one stops before it reads or writes (courselock.h); a caller that read or wrote
	 * for the run before this point (apply RECIPE's plan, a resume's lost creates) locked first.
	 * Without o->lock the claims are this call's own, opened here and let go at its end. */
	if (apply_lock_courses(&lo.lock, p, lo.reads, &err)) {
		errorf("%s", err.msg);
		rc = err_exit_code(&err);
	} else {
		rc = apply_locked(cv, p, &lo);
	}
	if (!o->lock)
		courselock_free(lo.lock);
	return rc;
}

/* ---------------------------------------------------------------- apply */

struct opts {
	const char *input, *resume, *journal;
	int yes, force, json;
	struct plan_opts po;      /* --course, --var, --color, --shard, --fail-fast */
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: coursectl apply RECIPE|PLAN.json [--yes] [--force] [--journal FILE] [--format text|json]\n"
		    "                       [--course ID]... [--var NAME=VALUE]... [--shard I/N] [--fail-fast] [options]\n"
		    "       coursectl apply --resume JOURNAL [--yes] [--force] [--format text|json] [options]\n");
	if (fp != stdout)
		return;
	fprintf(fp, "\nMakes the changes of a recipe (planned first and shown, as `coursectl plan` does) or of a\n"
		    "saved plan (applied exactly, and only to the Canvas it was made against). Every write is\n"
		    "journaled before it is sent; `coursectl rollback JOURNAL` undoes the run.\n\n"
		    "   --yes                  do not ask (required when standard input is not a terminal)\n"
		    "   --force                write over values changed in Canvas since the plan (conflicts)\n"
		    "   --journal FILE         write the journal there (default: $XDG_STATE_HOME/coursectl/journals)\n"
		    "   --resume JOURNAL       finish an interrupted run: check what is in doubt, write the rest\n"
		    "   --format FORMAT        text (default) or json (a result document with every change's outcome)\n"
		    "   --course ID            apply the recipe to this course of its list only (repeatable)\n"
		    "   --var NAME=VALUE       set a recipe variable\n"
		    "   --color WHEN           auto (default), always, never: colour in the plan shown\n"
		    PLAN_OPTS_HELP		    "\nExit codes: 0 every change applied, 1 something failed or conflicted (or an error),\n"
		    "3 the token was refused (resume with a new token), 64 usage, 130 interrupted (Ctrl-C or\n"
		    "SIGTERM: the run stops sending, journals the answers in flight and says how to resume).\n"
		    CONFIG_OPTIONS_HELP);
}

static int parse_args(struct opts *o, struct config *cfg, int argc, char **argv, struct err *err)
{
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--yes") || !strcmp(a, "-y")) {
			o->yes = 1;
		} else if (!strcmp(a, "--force")) {
			o->force = 1;
		} else if ((rc = plan_opts_parse(&o->po, argc, argv, &i, err))) {
			if (rc < 0)
				return rc;
		} else if (!strcmp(a, "--journal") || !strcmp(a, "--resume") || !strcmp(a, "--format")) {
			if (i + 1 >= argc)
				return err_set(err, ERR_USAGE, "option '%s' needs a value", a);
			v = argv[++i];
			if (!strcmp(a, "--journal")) {
				o->journal = v;
			} else if (!strcmp(a, "--resume")) {
				o->resume = v;
			} else if (!strcmp(v, "json")) {
				o->json = 1;
			} else if (strcmp(v, "text")) {
				return err_set(err, ERR_USAGE, "--format takes text or json, not '%s'", v);
			}
		} else if (a[0] == '-' && a[1]) {
			rc = config_parse_option(cfg, argc, argv, &i, err);
			if (rc < 0)
				return rc;
			if (rc == 0)
				return err_set(err, ERR_USAGE, "unknown option '%s' for apply", a);
		} else if (!o->input) {
			o->input = a;
		} else {
			return err_set(err, ERR_USAGE, "apply takes one recipe or plan; '%s' is a second", a);
		}
	}
	if (o->resume && o->input)
		return err_set(err, ERR_USAGE, "--resume goes on with the journal's own plan: give no recipe or plan");
	if (o->resume && o->journal)
		return err_set(err, ERR_USAGE, "--resume writes to the journal it resumes: --journal does not apply");
	if (o->resume && (o->po.ncourses || o->po.nvars || o->po.shard.n || o->po.fail_fast || o->po.again))
		return err_set(err, ERR_USAGE, "--resume goes on with the journal's own plan and courses: --course, "
			       "--var, --shard, --fail-fast and --again do not apply");
	if (!o->resume && !o->input)
		return err_set(err, ERR_USAGE, "apply needs a recipe, a saved plan, or --resume JOURNAL");
	return 0;
}

/* The last line of a run that left courses out: "Not applied: 2 courses failed: 4823, 4825". */
static int report_failed_courses(const struct plan *p)
{
	size_t i;

	printf("Not applied: %zu course%s failed:", p->nfailed, p->nfailed == 1 ? "" : "s");
	for (i = 0; i < p->nfailed; i++)
		printf("%s %s", i ? "," : "", p->failed[i].course);
	return putchar('\n') == EOF ? -1 : 0;
}

/* Issue 16: while an interrupted run of this recipe covers one of the plan's courses, the one right
 * next step is to finish it (or undo it): a new run would write the recipe's other steps into a
 * second journal and leave the first one's in-doubt changes behind. The plan already leaves that
 * course's dates alone (rerun.c); apply writes nothing at all, and says so first. */
static int pending(const struct plan_skip *s)
{
	return s->rerun && s->journal && (!strcmp(s->rerun, "interrupted") || !strcmp(s->rerun, "running"));
}

static int refuse_interrupted(const struct plan *p, const char *recipe, struct err *err)
{
	const struct plan_skip *first = NULL;
	size_t i, k, n = 0;
	struct buf courses = BUF_INIT;
	int rc;

	for (i = 0; i < p->nskipped; i++) {
		const struct plan_skip *s = &p->skipped[i];

		if (!pending(s))
			continue;
		if (first && strcmp(first->journal, s->journal))
			continue;   /* one journal at a time: the newest interrupted (or running) one */
		if (!first)
			first = s;
		for (k = 0; k < i; k++)   /* a course once, however many of its steps were left out */
			if (pending(&p->skipped[k]) && !strcmp(p->skipped[k].journal, first->journal) &&
			    !strcmp(p->skipped[k].course_id, s->course_id))
				break;
		if (k == i)
			buf_printf(&courses, "%s%s", n++ ? ", " : "", s->course_id);
	}
	if (!first)
		return 0;
	if (!strcmp(first->rerun, "running"))
		rc = err_set(err, ERR_GENERIC, "a run of %s is in progress (course%s %s, journal %s): nothing was "
			     "changed; run this again when it has finished", recipe, n == 1 ? "" : "s",
			     buf_str(&courses), first->journal);
	else
		rc = err_set(err, ERR_GENERIC, "an earlier run of %s was interrupted (course%s %s): finish it first "
			     "with `coursectl apply --resume %s`, or undo it with `coursectl rollback %s`; nothing was "
			     "changed", recipe, n == 1 ? "" : "s", buf_str(&courses), first->journal, first->journal);
	buf_release(&courses);
	return rc;
}

/* 1 when the file looks like a saved plan (a JSON document) rather than a YAML recipe. */
static int is_plan_file(const char *path)
{
	FILE *f = fopen(path, "r");
	int c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	fclose(f);
	return c == '{';
}

/* The plan as `plan` prints it, written as it is rendered (window by window: issue 18; a recipe's
 * windows rendered as they were planned: `pre`, include/render.h). */
static int show_plan(const struct plan *p, int color, struct render_pre *pre)
{
	struct buf out = BUF_INIT;
	struct render_opts ro = RENDER_OPTS_INIT;
	int rc;

	ro.color = color;
	ro.stream = stdout;
	ro.pre = pre;
	rc = render_text(p, &out, &ro);
	fflush(stdout);
	buf_release(&out);
	return rc;
}

int cmd_apply(int argc, char **argv)
{
	struct opts o;
	struct config cfg = CONFIG_INIT;
	struct err err = ERR_INIT;
	struct canvas *cv = NULL;
	struct plan *owned = NULL;
	const struct plan *p = NULL;
	struct journal_log *log = NULL;
	struct apply_opts ao = APPLY_OPTS_INIT;
	struct plan_reads *reads = NULL;   /* the plan's reads, for the stale check (plan_reads.h) */
	struct courselock *lock = NULL;    /* the run's courses (courselock.h) */
	int is_saved = 0;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	plan_opts_init(&o.po, argc);
	rc = parse_args(&o, &cfg, argc, argv, &err);
	if (rc)
		goto done;
	if (o.resume) {
		size_t left = 0;

		if (journal_read(&log, o.resume, &err) || journal_check(log, &err))
			goto done;
		p = log->plan;
		if (config_resolve(&cfg, p->base_url, NULL, &err) || canvas_new(&cv, &cfg, &err) ||
		    apply_check_base(cv, p, o.resume, &err) || apply_lock_courses(&lock, p, NULL, &err) ||
		    exec_wait_jobs(cv, log, &err) || apply_find_lost(cv, log, &cfg, &err))
			goto done;
		for (i = 0; i < p->nchanges; i++)
			left += log->state[i] != JOURNAL_DONE;
		notef("resuming %s: %zu of %zu changes are done; the other %zu are checked against Canvas and "
		      "written where needed", o.resume, p->nchanges - left, p->nchanges, left);
		if (!left && log->finished) {
			notef("nothing to resume: the run finished and every change is done");
			goto done;
		}
	} else if ((is_saved = is_plan_file(o.input))) {
		if (o.po.ncourses || o.po.nvars || o.po.shard.n || o.po.fail_fast || o.po.again) {
			err_set(&err, ERR_USAGE, "--course, --var, --shard, --fail-fast and --again apply to recipes; %s is "
				"a saved plan, applied as saved", o.input);
			goto done;
		}
		if (plan_read(&owned, o.input, &err) || plan_check_digest(owned, o.input, &err) ||
		    plan_check_fields(owned, o.input, &err))
			goto done;
		p = owned;
		if (config_resolve(&cfg, p->base_url, NULL, &err) || canvas_new(&cv, &cfg, &err) ||
		    apply_check_base(cv, p, o.input, &err) || apply_lock_courses(&lock, p, NULL, &err))
			goto done;
	} else {
		o.po.reads = &reads;
		o.po.lock = &lock;
		if (!o.resume && !o.json) {   /* shown below: each window rendered as it is planned */
			struct render_opts ro = RENDER_OPTS_INIT;

			ro.color = plan_opts_color(&o.po);
			o.po.text = render_pre_new(&ro);
		}
		if (plan_recipe(&owned, &cv, &cfg, &o.po, o.input, "changed", &err))
			goto done;
		p = owned;
		if (refuse_interrupted(p, o.input, &err))
			goto done;
	}
	if (is_saved)
		for (i = 0; i < p->nfailed; i++)
			errorf("%s was left out of %s when it was planned: %s", p->failed[i].course, o.input,
			       p->failed[i].error);
	if (!o.resume && !o.json && show_plan(p, plan_opts_color(&o.po), o.po.text)) {
		err_set(&err, ERR_IO, "cannot write the plan to standard output");
		goto done;
	}
	if (!plan_total(p)) {
		size_t reruns = 0;

		for (i = 0; i < p->nskipped; i++)
			reruns += p->skipped[i].rerun != NULL;
		if (reruns)
			notef("nothing to apply: the plan has no changes (%zu shift_dates step%s left out because the "
			      "course already has %s: see the skipped lines; --again moves the dates once more)", reruns,
			      reruns == 1 ? " was" : "s were", reruns == 1 ? "it" : "them");
		else
			notef("nothing to apply: the plan has no changes");
		if (o.json) {
			struct exec_result none;
			cJSON *doc;

			memset(&none, 0, sizeof(none));
			doc = result_json(p, &none, NULL, "apply");
			print_doc(doc);
			cJSON_Delete(doc);
		}
		goto done;
	}
	ao.yes = o.yes;
	ao.force = o.force;
	ao.json = o.json;
	ao.journal = o.journal;
	ao.resume = log;
	ao.reads = reads;
	ao.lock = lock;
	rc = apply_plan(cv, p, &ao);
	goto out;
done:
	rc = err_exit_code(&err);
	if (err.code) {
		errorf("%s", err.msg);
		if (err.code == ERR_USAGE && !o.input && !o.resume)
			usage(stderr);
	}
out:
	if (p && p->nfailed && rc != EXIT_AUTH && rc != EXIT_USAGE) {
		if (!o.json && report_failed_courses(p))
			rc = EXIT_ERROR;
		rc = rc == EXIT_OK ? EXIT_ERROR : rc;
	}
	dates_reset();
	plan_reads_free(reads);
	courselock_free(lock);
	plan_free(owned);
	journal_log_free(log);
	canvas_free(cv);
	config_release(&cfg);
	render_pre_free(o.po.text);
	plan_opts_release(&o.po);
	return rc;
}

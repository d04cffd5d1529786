/* runner/plan_build.c -- a recipe run over the courses' snapshot: the steps, in order, per course.
 *
 * Each recipe action's row (struct recipe_action, recipe.c's `actions[]`, the one table of actions)
 * carries its step function (runner/step_<action>.c) and the kinds it reads; the recipe module only
 * carries them, this file calls them. An action whose row has no step is checked by `validate` but
 * refused by `plan` with a message naming the step. A step's where: (st->where) is what the
 * "matched nothing" warning names.
 *
 * Courses are planned one after the other, each step seeing the working copy the steps before it
 * left (step.h). In plan_run a step that fails stops the plan: a half plan shown as whole would
 * mislead. plan_make, which runs over many courses, isolates them instead (issue 8): a course that
 * cannot be read, or whose step fails, is taken out of the plan whole (plan_drop_course) and
 * listed in p->failed, and the other courses are planned; --fail-fast makes the first one the
 * error. A course named twice in different ways (sis_course_id:X and its number) is planned once.
 * plan_make reads and plans PLAN_BATCH courses at a time and frees each batch's snapshot when its
 * courses are planned (issue 18: 2,000 courses held 309 MB, 142 MB batched), keeping only what the
 * passes after plan_finish read (keep_for_marks). The plan is the same: plan_finish sorts changes
 * by course, and a section event's parent is planned from its own course's events. The next batch
 * is read while one is planned (issue 18, the throttle's full width): once a batch's reads are in,
 * the next batch's are submitted (snapshot_fetch_begin) and the planning loop pumps the engine
 * between courses (canvas_pump), so its requests go out and come back while the CPU plans; it is
 * collected at the top of the next pass (snapshot_fetch_end). Before, nothing was in flight while a
 * batch was planned: 0.1-0.5 s per 50 courses on the throttled bench (tests/bench/throttle.sh).
 * Not with --fail-fast: its first failure must stop the run before another course is read. The
 * requests and their order within a batch are the same; a run of one batch is unchanged. Likewise
 * the token user's zone (fancy midnight): when the changes of a planned batch already need it, its
 * read goes out with the next batch's (plan_midnight_user_zone_begin) and finish_window collects
 * it, instead of one request alone after the last batch (a round trip with 7 of 8 slots idle); it
 * is still read once, and only when the window needs it.
 * Windows (issue 18, "flat memory"): once a window of courses (PLAN_WINDOW, 200;
 * COURSECTL_PLAN_WINDOW for tests) is planned and more are to come, the window is finished on its
 * own (finish_window): fancy midnight -- the token user's zone read the first time a window needs
 * it --, plan_finish (which orders and numbers only what came since the last window), the notify
 * and shows marks from the window's own slim snapshot (emptied after), and the finished changes
 * spilled to the plan's temporary file (plan_spill, include/plan.h "Windows"). The section events'
 * pass and the reads kept for apply already ran per batch. A plan of more than one window is
 * spilled whole at the end; one of at most a window is finished once after the last batch, as
 * before: its requests, their order and every output are unchanged (t0926 compares every output of
 * windows of 1 and 2 courses with the default's). Finishing per window rather than per batch keeps
 * the profile's request where it was for every plan of one window. For apply
 * RECIPE (plan_opts.reads) each batch's courses are also copied as read, before the steps change
 * them in place, and of each course with changes the lists those changes touch are kept
 * (keep_reads), as compact text in an unlinked temporary file so that memory stays flat: apply's
 * stale check uses them instead of reading again (include/plan_reads.h,
 * exec_stale.c); `plan` keeps nothing.
 *
 * Issue 16: before a step runs in a course, rerun_guard (runner/rerun.c) may leave it out -- a
 * shift_dates step the course already has, by this machine's journals or by its dates sitting in
 * the new term -- with a skip saying why (or runs it on the dates written in the text only, when
 * its text: is on and the fields alone were done: rerun.c); plan_make loads the journals once, only for a recipe with
 * a shift_dates step, and not with --again. After a step with a where:, a course where it selected
 * nothing (step_ctx.matched, counted by each step's selection) and recorded no skip gets a warning
 * naming the step and the where:, so no step is silent about doing nothing.
 *
 * plan_recipe() is the whole of planning a recipe against Canvas, in one function -- the recipe
 * loaded, the courses chosen (courses.c, with --course and --shard: plan_opts.c), the lists read,
 * the steps run, the plan finished (plan_make) -- shared by `plan` and `apply RECIPE` (cmd_plan.c,
 * cmd_apply.c), so that apply shows and runs exactly the plan that `plan` would have printed.
 * After the last step and before plan_finish, the dates Canvas will store otherwise (fancy
 * midnight) are predicted
 * (runner/plan_midnight.c), reading the token user's zone once when the plan needs it (and, before
 * that, a section event's parent is planned at its children's range, runner/plan_sections.c); after it,
 * the changes Canvas will notify students of are marked (runner/plan_notify.c). Before the steps, a
 * recipe that shifts or schedules assignment dates reads each course's grading periods
 * (plan_grading.c), so that a due date Canvas refuses to move is a skip, not a change; one that
 * shifts page dates with their overrides reads each page's Assign To dates, one request a page
 * (runner/page_dates.c).
 */
#include "plan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "canvas.h"
#include "config.h"
#include "courselock.h"
#include "courses.h"
#include "jsonid.h"
#include "msg.h"
#include "page_dates.h"
#include "plan_grading.h"
#include "plan_midnight.h"
#include "plan_opts.h"
#include "plan_reads.h"
#include "recipe.h"
#include "recipe_actions.h"
#include "recipe_where.h"
#include "render.h"
#include "rerun.h"
#include "snapshot.h"
#include "step.h"
#include "strmap.h"
#include "xalloc.h"

int plan_needs(const struct recipe *r, unsigned *kinds, struct err *err)
{
	size_t i;

	*kinds = 1u << RES_COURSE;
	for (i = 0; i < r->nsteps; i++) {
		const struct step *st = &r->steps[i];

		if (!st->action->plan)
			return err_set(err, ERR_RECIPE,
				       "%s:%d:%d: step '%s': this version of coursectl cannot plan '%s' steps yet "
				       "(validate checks them; planning them comes with the date engine)",
				       st->pos.file, st->pos.line, st->pos.col, st->name, st->action->name);
		*kinds |= st->action->needs(st->data);
	}
	return 0;
}

/* Every step accounts for itself (issue 16): a step with a where: that selected nothing in the
 * course is a warning naming the step, the course and the where:, kept in the plan. */
static void warn_unmatched(struct plan *p, const struct step *st, const struct rwhere *w, const char *course_id)
{
	struct buf wt = BUF_INIT, msg = BUF_INIT;

	rwhere_text(w, &wt);
	buf_printf(&msg, "step '%s' matched nothing in course %s: where: %s selects no object", st->name, course_id,
		   buf_str(&wt));
	plan_add_warning(p, st->name, course_id, buf_str(&wt), buf_str(&msg));
	buf_release(&wt);
	buf_release(&msg);
}

/* The steps of r over one course of the working copy; on failure err says why, naming the course.
 * rr: what the journals say was applied already (rerun.c), or NULL (--again, plan_run). */
static int run_course(struct plan *p, const struct recipe *r, cJSON *course, const char *given,
		      const char *idb, const struct rerun *rr, struct err *err)
{
	struct step_ctx cx;
	size_t i, nskipped;
	int g;

	plan_add_course(p, course, given);
	memset(&cx, 0, sizeof(cx));
	cx.plan = p;
	cx.course = course;
	cx.course_id = idb;
	cx.time_zone = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(course, "time_zone"));
	for (i = 0; i < r->nsteps; i++) {
		const struct step *st = &r->steps[i];

		cx.step = st->name;
		cx.matched = 0;
		if (!st->action->plan)
			return err_set(err, ERR_RECIPE, "step '%s' cannot be planned", st->name);
		if ((g = rerun_guard(rr, &cx, st, err)) < 0)
			return err->code ? err->code : -1;
		if (g == 2 && step_shift_dates_text(&cx, st->data, err))
			return err->code ? err->code : -1;
		if (g)
			continue;
		nskipped = p->nskipped;
		if (st->action->plan(&cx, st->data, err))
			return err->code ? err->code : err_set(err, ERR_GENERIC, "step '%s' failed in course %s",
								  st->name, idb);
		/* a step that said why it did nothing (a skip: "page 'x' does not exist") has accounted
		 * for itself already */
		if (st->where && !cx.matched && p->nskipped == nskipped)
			warn_unmatched(p, st, st->where, idb);
	}
	return 0;
}

/* The recipe's steps, names and actions, in the plan (once): what apply checks each change
 * against (plan_check_fields). */
static void record_steps(struct plan *p, const struct recipe *r)
{
	size_t i;

	if (p->nrsteps)
		return;
	for (i = 0; i < r->nsteps; i++)
		plan_add_recipe_step(p, r->steps[i].name, r->steps[i].action->name);
}

int plan_run(struct plan *p, const struct recipe *r, cJSON *snapshot, char *const *given, struct err *err)
{
	cJSON *course;
	size_t k = 0;
	char idb[32];
	int rc;

	record_steps(p, r);
	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(snapshot, "courses")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(course, "id");

		long long n;
		/* a number, or Canvas's string id above 2^53 (jsonid.h) */
		const char *idt = jsonid_ll(id, &n) ? NULL : jsonid_text(id, idb);

		if (!idt)
			return err_set(err, ERR_GENERIC, "course %s came back without a numeric id",
				       given ? given[k] : "?");
		if ((rc = run_course(p, r, course, given ? given[k] : NULL, idt, NULL, err)))
			return rc;
		k++;
	}
	return 0;
}

static double clock_s(clockid_t which)
{
	struct timespec ts;

	clock_gettime(which, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The current time in UTC as Canvas writes it; malloced. */
static char *utc_now(void)
{
	time_t t = time(NULL);
	struct tm tm;
	char b[32];

	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(b);
}

/* The lists `kinds` of courses ids[0..n-1] read, r run over them, the plan finished (plan_recipe,
 * include/plan.h, says the rules). */
/* The courses read and planned at a time (issue 18): the snapshot of a batch is freed when its
 * courses are planned, so plan's memory no longer holds every course an account has. A run of
 * fewer courses is one batch, and sends the same requests in the same order as before. */
#define PLAN_BATCH 50

/* What plan_notify_mark and plan_shows_mark read of a course after plan_finish, copied out of a
 * batch's snapshot before it is freed (plan_notify.c, plan_shows.c: the course's workflow_state and
 * total_students; each assignment's published, created_at, has_sub_assignments,
 * is_quiz_lti_assignment and checkpoints). */
static void keep_for_marks(cJSON *slim, const cJSON *snap)
{
	static const char *const ck[] = { "id", "workflow_state", "total_students" };
	static const char *const ak[] = { "id", "published", "created_at", "has_sub_assignments",
					  "is_quiz_lti_assignment", "checkpoints" };
	cJSON *courses = cJSON_GetObjectItemCaseSensitive(slim, "courses");
	const cJSON *c, *a;
	size_t k;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(snap, "courses")) {
		cJSON *sc = cJSON_CreateObject(), *sa = cJSON_AddArrayToObject(sc, "assignments");

		for (k = 0; k < sizeof(ck) / sizeof(*ck); k++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, ck[k]);

			if (v)
				cJSON_AddItemToObject(sc, ck[k], cJSON_Duplicate(v, 1));
		}
		cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(c, "assignments")) {
			cJSON *o = cJSON_CreateObject();

			for (k = 0; k < sizeof(ak) / sizeof(*ak); k++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, ak[k]);

				if (v)
					cJSON_AddItemToObject(o, ak[k], cJSON_Duplicate(v, 1));
			}
			cJSON_AddItemToArray(sa, o);
		}
		cJSON_AddItemToArray(courses, sc);
	}
}

double plan_reads_now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

void plan_reads_free(struct plan_reads *r)
{
	if (!r)
		return;
	free(r->v);
	if (r->spill)
		fclose(r->spill);
	free(r);
}

/* The entry of course id (kept or not), or NULL when the plan has no such course or r none for it. */
static struct plan_read *reads_entry(const struct plan_reads *r, const struct plan *p, const char *id)
{
	const struct plan_course *c = r ? plan_course(p, id) : NULL;
	size_t k = c ? (size_t)(c - p->courses) : 0;

	return c && k < r->n ? &r->v[k] : NULL;
}

const struct plan_read *plan_reads_get(const struct plan_reads *r, const struct plan *p, const char *id)
{
	const struct plan_read *pr = reads_entry(r, p, id);

	return pr && pr->kept ? pr : NULL;
}

cJSON *plan_reads_take(struct plan_reads *r, const struct plan *p, const char *id)
{
	struct plan_read *pr = reads_entry(r, p, id);
	char *text;
	cJSON *course = NULL;

	if (!pr || !pr->kept || pr->taken || !r->spill)
		return NULL;
	pr->taken = 1;
	text = xmalloc(pr->len + 1);
	if (!fseek(r->spill, pr->off, SEEK_SET) && fread(text, 1, pr->len, r->spill) == pr->len) {
		text[pr->len] = '\0';
		course = cJSON_Parse(text);
	}
	free(text);
	return course;
}

void plan_reads_forget(struct plan_reads *r, const struct plan *p, const char *id)
{
	struct plan_read *pr = reads_entry(r, p, id);

	if (pr)
		pr->taken = 1;
}

/* Appends course's compact text to rd's spill file; 0, or -1 when it could not be written (the
 * course is then not kept). */
static int spill(struct plan_reads *rd, const cJSON *course, struct plan_read *pr)
{
	char *text;
	int rc = -1;

	if (!rd->spill && !(rd->spill = tmpfile()))
		return -1;
	if (!(text = cJSON_PrintUnformatted(course)))
		return -1;
	pr->len = strlen(text);
	if (!fseek(rd->spill, 0, SEEK_END) && (pr->off = ftell(rd->spill)) >= 0 &&
	    fwrite(text, 1, pr->len, rd->spill) == pr->len && !fflush(rd->spill))
		rc = 0;
	free(text);
	return rc;
}

/* Keep of a batch's courses as read (`copy`, taken before the steps changed the snapshot) those the
 * batch's changes p->changes[n0..] name, each with only the lists those changes touch (a child's
 * with its holder's list: the stale check reads the same, exec_fetch_live); for apply RECIPE's
 * stale check (include/plan_reads.h). Frees the rest of copy. */
static void keep_reads(struct plan_reads *rd, const struct plan *p, size_t n0, cJSON *copy, double read_at,
		       int page_dates)
{
	struct strmap mask = STRMAP_INIT;   /* course id -> 1 + the kinds its changes touch */
	cJSON *course, *next;
	size_t i;
	int k;

	for (i = n0; i < p->nchanges; i++) {
		const struct plan_change *c = &p->changes[i];
		enum resource_kind kind = c->kind;
		uintptr_t m = (uintptr_t)strmap_get(&mask, c->course_id);

		if (resource_get(kind)->parent_field)
			kind = resource_parent_row(kind, c->parent, NULL)->kind;
		strmap_put(&mask, c->course_id, (void *)(m | 1u | (2u << kind)));
	}
	if (rd->n < p->ncourses) {   /* one entry per course of the plan, in its order (plan_reads.h) */
		rd->v = xrealloc(rd->v, p->ncourses * sizeof(*rd->v));
		memset(rd->v + rd->n, 0, (p->ncourses - rd->n) * sizeof(*rd->v));
		rd->n = p->ncourses;
	}
	for (course = copy->child; course; course = next) {
		char cb[32];
		const char *cid = jsonid_text(cJSON_GetObjectItemCaseSensitive(course, "id"), cb);
		uintptr_t m = cid ? (uintptr_t)strmap_get(&mask, cid) : 0;
		const struct plan_course *pc = m ? plan_course(p, cid) : NULL;
		struct plan_read *pr;

		next = course->next;
		/* not in the plan (its step failed: plan_drop_course), or kept already (named twice) */
		if (!pc || (size_t)(pc - p->courses) >= rd->n || rd->v[pc - p->courses].kept)
			continue;
		for (k = 0; k < resource_count(); k++) {
			const struct resource *res = resource_get((enum resource_kind)k);

			if (res->listed && !(m & (2u << k)))
				cJSON_DeleteItemFromObjectCaseSensitive(course, res->seed_key);
		}
		pr = &rd->v[pc - p->courses];
		pr->read_at = read_at;
		pr->page_dates = (unsigned char)(page_dates != 0);
		pr->kept = !spill(rd, course, pr);   /* not kept: the stale check reads it */
	}
	strmap_release(&mask);
	cJSON_Delete(copy);
}

/* Finish the courses planned since the last window (plan_make, issue 18): fancy midnight predicted
 * (the token user's zone read the first time a window needs it: *zone, *asked; *pending when
 * plan_make already sent that read with the next batch's), the window's
 * changes dropped, ordered and numbered (plan_finish: only those), the notify and shows marks from
 * the window's own slim snapshot (`slim`, emptied after), and, when the run has more courses than a
 * window (`spill`), the window's courses [lo, p->ncourses) rendered as text when the caller will
 * print it (`text`, include/render.h) and the finished changes spilled (plan_spill). */
static int finish_window(struct plan *p, struct canvas *cv, char **zone, int *asked, struct plan_zone_read **pending,
			 cJSON *slim, int spill, size_t window, size_t lo, struct render_pre *text, struct err *err)
{
	struct plan part;
	size_t f0 = p->nfinished;
	int rc = 0;

	/* the window's changes alone, seen as a plan: the passes below read and mark only them */
	part = *p;
	part.changes = p->changes + f0;
	part.nchanges = p->nchanges - f0;
	if (!*asked && (*pending || plan_midnight_needs_user_zone(&part))) {
		*asked = 1;   /* once per run (plan_midnight.c) */
		if (!*pending)
			*pending = plan_midnight_user_zone_begin(cv);
		rc = plan_midnight_user_zone_end(cv, *pending, zone, err);
		*pending = NULL;
		if (rc)
			return rc;
	}
	plan_midnight_apply(&part, *zone);
	plan_finish(p);
	part = *p;
	part.changes = p->changes + f0;
	part.nchanges = p->nchanges - f0;
	plan_notify_mark(&part, slim);   /* what students will be told (plan_notify.c) */
	plan_shows_mark(&part, slim);    /* a New Quiz's dates show as a quiz's (plan_shows.c) */
	cJSON_DeleteItemFromObjectCaseSensitive(slim, "courses");
	cJSON_AddArrayToObject(slim, "courses");
	if (spill) {
		/* the window's text while its changes are in memory (render_pre_window: no parse back) */
		if (text)
			render_pre_window(text, p, lo, p->ncourses);   /* on failure render_text walks */
		rc = plan_spill(p, window, err);
	}
	return rc;
}

/* Ownership: *out gets a plan the caller frees (plan_free); *reads (when reads is not NULL) the
 * courses as read, for apply's stale check (plan_reads_free). ids[i] (malloced) are freed and set
 * to NULL as their batch is planned: the plan keeps what it needs of each (plan_add_course,
 * plan_add_failure), and a list of N ids held to the end of the run was one more copy of every
 * course (issue 18, flat memory); the caller frees the array and whatever is left. */
static int plan_make(struct plan **out, struct canvas *cv, const struct recipe *r, unsigned kinds,
		     char **ids, size_t n, int fail_fast, int again, struct plan_reads **reads,
		     struct render_pre *text, struct err *err)
{
	struct rerun *rr = NULL;
	struct snapshot_stats st = { 0, 0 };
	const struct http_stats *hs;
	struct plan *p = NULL;
	struct err *errs;         /* the batch's courses' read errors (a batch's, not the run's: issue 18) */
	struct strmap dropped = STRMAP_INIT;   /* courses planned and dropped (run_course failed) */
	cJSON *snap = NULL, *course, *slim = cJSON_CreateObject(), *copy = NULL;
	struct snapshot_fetch *next = NULL;   /* the batch being read (snapshot_fetch_begin) */
	struct plan_zone_read *zone_read = NULL;   /* the profile's read, sent with the next batch */
	double t0, next_t0 = 0, fetch_s = 0, plan_s = 0, plan_cpu = 0;
	size_t i, b, n0, window = plan_window_default(), done = 0;   /* done: courses finished */
	char idb[32], *zone = NULL;
	long long idn;
	long npd = 0;             /* pages whose Assign To dates were read */
	int rc = 0, grading = 0, page_dates, asked = 0;

	cJSON_AddArrayToObject(slim, "courses");
	/* a recipe that shifts or schedules assignment dates needs the closed grading periods
	 * (plan_grading.c) */
	for (i = 0; i < r->nsteps && (kinds & (1u << RES_ASSIGNMENT)); i++)
		if (r->steps[i].action == &recipe_action_shift_dates || r->steps[i].action == &recipe_action_schedule)
			grading = 1;
	/* a recipe that shifts page dates needs each page's Assign To dates: one GET a page (page_dates.c) */
	page_dates = (kinds & (1u << RES_PAGE)) && page_dates_wanted(r);
	errs = xcalloc(PLAN_BATCH, sizeof(*errs));
	for (b = 0; b < n || (!n && !p); b += PLAN_BATCH) {
		size_t m = n - b < PLAN_BATCH ? n - b : PLAN_BATCH;
		struct snapshot_stats bst;
		double t1, c1;
		long bpd = 0;

		if (!next) {
			t0 = clock_s(CLOCK_MONOTONIC);
			next = snapshot_fetch_begin(cv, ids + b, (int)m, kinds, fail_fast);
		} else {
			t0 = next_t0;   /* read while the batch before was planned */
		}
		rc = snapshot_fetch_end(next, &snap, errs, &bst, err);
		next = NULL;
		if (rc)
			break;
		st.courses += bst.courses;
		st.objects += bst.objects;
		/* the grading periods and the pages' dates in one run of the engine: no barrier between
		 * them (issue 18, the throttle's full width) */
		{
			struct err fatal = ERR_INIT, e = ERR_INIT;
			long ng = grading ? plan_grading_submit(cv, snap, &fatal) : 0;

			bpd = page_dates ? page_dates_submit(cv, snap, &fatal) : 0;
			if ((ng || bpd) && (canvas_run(cv, &e) || fatal.code)) {
				*err = fatal.code ? fatal : e;
				rc = err->code;
				cJSON_Delete(snap);
				break;
			}
		}
		npd += bpd;
		/* apply RECIPE: the courses as read, before the steps change them (keep_reads) */
		copy = reads ? cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(snap, "courses"), 1) : NULL;
		t1 = clock_s(CLOCK_MONOTONIC);
		c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		fetch_s += t1 - t0;
		/* the next batch's reads go out while this one is planned (issue 18, the throttle's full
		 * width): the loop below pumps the engine between courses. Not with --fail-fast, whose
		 * first failure must stop the run before another course is read. */
		if (!fail_fast && b + m < n) {
			next_t0 = clock_s(CLOCK_MONOTONIC);
			next = snapshot_fetch_begin(cv, ids + b + m, (int)(n - b - m < PLAN_BATCH ? n - b - m : PLAN_BATCH),
						    kinds, 0);
			canvas_pump(cv);
		}
		if (!p) {
			p = plan_new();
			p->recipe_path = xstrdup(r->path);
			p->recipe_sha256 = xstrdup(r->sha256);
			record_steps(p, r);
			p->description = r->description ? xstrdup(r->description) : NULL;
			p->base_url = xstrdup(canvas_base_url(cv));
			p->created_at = utc_now();
			for (i = 0; i < r->nsteps && !again; i++)   /* only a relative step needs the journals read */
				if (r->steps[i].action == &recipe_action_shift_dates) {
					rerun_load(&rr, NULL, p->base_url, p->recipe_sha256, err);
					break;
				}
		}
		n0 = p->nchanges;
		course = cJSON_GetObjectItemCaseSensitive(snap, "courses")->child;
		for (i = b; i < b + m && !rc; i++) {
			struct err ce = ERR_INIT;
			const cJSON *id;

			if (errs[i - b].code) {
				if (fail_fast) {
					*err = errs[i - b];
					rc = err->code;
					break;
				}
				errorf("%s", errs[i - b].msg);
				plan_add_failure(p, ids[i], errs[i - b].msg);
				continue;
			}
			id = cJSON_GetObjectItemCaseSensitive(course, "id");
			if (jsonid_ll(id, &idn)) {
				err_set(&ce, ERR_GENERIC, "course %s came back without a numeric id", ids[i]);
			} else {
				char t[32];

				snprintf(idb, sizeof(idb), "%s", jsonid_text(id, t));   /* above 2^53 a string */
				/* a course named twice (by id and by SIS id) is planned once: the plan's own
				 * course map says which were planned, and `dropped` the few whose planning
				 * failed (a set of every id read was about 70 bytes a course, kept to the end of
				 * the run: issue 18, flat memory) */
				if (plan_course(p, idb) || strmap_get(&dropped, idb)) {
					notef("course %s is course %s, which is already in the plan: planned once", ids[i], idb);
					course = course->next;
					continue;
				}
				if (run_course(p, r, course, ids[i], idb, rr, &ce)) {
					plan_drop_course(p, idb);
					strmap_put(&dropped, idb, (void *)1);
				}
			}
			course = course->next;
			if (next)
				canvas_pump(cv);
			if (!ce.code)
				continue;
			if (fail_fast || ce.code == ERR_AUTH) {
				*err = ce;
				rc = err->code;
			} else {
				errorf("%s", ce.msg);
				plan_add_failure(p, ids[i], ce.msg);
			}
		}
		for (i = b; i < b + m; i++) {   /* the batch's given ids: what the plan keeps of them is copied */
			free(ids[i]);
			ids[i] = NULL;
		}
		plan_section_events(p, snap);   /* a section event's parent spans its children (plan_sections.c) */
		/* the window already needs the token user's zone (finish_window reads it once): the read
		 * goes out with the next batch's instead of alone after the last one */
		if (next && !asked && !zone_read && !rc) {
			struct plan part = *p;

			part.changes = p->changes + p->nfinished;
			part.nchanges = p->nchanges - p->nfinished;
			if (plan_midnight_needs_user_zone(&part))
				zone_read = plan_midnight_user_zone_begin(cv);
		}
		if (copy) {
			if (!*reads)
				*reads = xcalloc(1, sizeof(**reads));
			keep_reads(*reads, p, n0, copy, t0, page_dates);
			copy = NULL;
		}
		keep_for_marks(slim, snap);
		cJSON_Delete(snap);
		snap = NULL;
		/* a window of courses planned, and more to come: finished, and spilled (issue 18) */
		if (!rc && b + m < n && p->ncourses - done >= window) {
			rc = finish_window(p, cv, &zone, &asked, &zone_read, slim, 1, window, done, text, err);
			done = p->ncourses;
		}
		plan_s += clock_s(CLOCK_MONOTONIC) - t1;
		plan_cpu += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c1;
		if (rc || !n)
			break;
	}
	if (next) {
		/* given up with the next batch under way: nothing more is sent, and it is freed */
		cJSON *drop = NULL;
		struct snapshot_stats ds;
		struct err de = ERR_INIT;

		http_stop(canvas_http(cv));
		snapshot_fetch_end(next, &drop, errs, &ds, &de);
		cJSON_Delete(drop);
	}
	if (zone_read && rc) {   /* sent, and the run stopped before a window used it */
		char *z = NULL;
		struct err ze = ERR_INIT;

		http_stop(canvas_http(cv));
		plan_midnight_user_zone_end(cv, zone_read, &z, &ze);
		free(z);
	}
	strmap_release(&dropped);
	free(errs);
	rerun_free(rr);
	if (!p) {   /* the loop's first pass makes the plan or sets rc; said for the analyzer */
		free(zone);
		cJSON_Delete(slim);
		return rc ? rc : err_set(err, ERR_GENERIC, "plan: no course was read");
	}
	if (npd)
		notef("plan: read the Assign To dates of %ld page%s, one request each (Canvas's page list does "
		      "not show them; `overrides: false` or an `only:` without pages saves them)",
		      npd, npd == 1 ? "" : "s");
	t0 = clock_s(CLOCK_MONOTONIC);
	{
		double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);

		/* the last window; a plan of more than one window is spilled whole */
		if (!rc)
			rc = finish_window(p, cv, &zone, &asked, &zone_read, slim, p->spill || p->ncourses > window, window,
					   done, text, err);
		free(zone);
		cJSON_Delete(slim);
		if (rc) {
			plan_free(p);
			return rc;
		}
		if (p->spill)
			verbosef("plan: the %zu changes of %zu courses are kept in a temporary file and read back %zu "
				 "course%s at a time", plan_total(p), p->ncourses, plan_window_courses(p),
				 plan_window_courses(p) == 1 ? "" : "s");
		plan_cpu += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	}
	plan_s += clock_s(CLOCK_MONOTONIC) - t0;
	hs = http_get_stats(canvas_http(cv));
	notef("plan: read %d course%s, %ld objects in %ld requests (%.1f s); planned in %.2f s (%.2f s CPU)%s",
	      st.courses, st.courses == 1 ? "" : "s", st.objects, hs->requests, fetch_s,
	      plan_s, plan_cpu, p->nfailed ? "; some courses failed" : "");
	*out = p;
	return 0;
}

/* apply RECIPE: lock the courses named by number before their lists are read (courselock.h), so the
 * reads that may stand in for apply's stale check cannot predate another run's writes. */
static int lock_courses(struct courselock **lk, struct canvas *cv, const struct course_list *cl,
			struct err *err)
{
	if (!*lk && courselock_open(lk, canvas_base_url(cv), err))
		return err->code;
	return courselock_take(*lk, (const char *const *)cl->ids, cl->n, err);
}

int plan_recipe(struct plan **out, struct canvas **cv, struct config *cfg, const struct plan_opts *o,
		const char *path, const char *undone, struct err *err)
{
	struct recipe_opts ro = { o->vars, o->nvars, o->allow, o->nallow };
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;
	struct course_list cl = COURSE_LIST_INIT;
	unsigned kinds;           /* checked early: a step that cannot be planned needs no token */
	int rc;

	*out = NULL;
	if (recipe_load(&r, path, &ro, &d)) {
		diag_print(&d, stderr);
		rc = err_set(err, ERR_RECIPE, "%s has %d error%s; nothing was %s", path, d.nerrors,
			     d.nerrors == 1 ? "" : "s", undone);
		goto done;
	}
	if ((rc = plan_needs(r, &kinds, err)) ||
	    (!r->nqueries && (rc = plan_opts_courses(o, NULL, r, &cl, err))))
		goto done;
	/* the token is known from here: a recipe whose files hold it stops before Canvas is asked */
	if ((rc = config_resolve(cfg, r->canvas_url, path, err)) || (rc = recipe_check_secret(r, cfg->token, err)) ||
	    (rc = canvas_new(cv, cfg, err)))
		goto done;
	if (r->nqueries && (rc = plan_opts_courses(o, *cv, r, &cl, err)))
		goto done;
	recipe_drop_courses(r);   /* resolved: cl holds the ids from here */
	if (o->lock && (rc = lock_courses(o->lock, *cv, &cl, err)))
		goto done;
	rc = plan_make(out, *cv, r, kinds, cl.ids, cl.n, o->fail_fast, o->again, o->reads, o->text, err);
done:
	recipe_free(r);
	diag_release(&d);
	course_list_release(&cl);
	return rc;
}

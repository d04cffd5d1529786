/* runner/step_shift_dates.c -- the `shift_dates` step: every date of the selected objects, moved by
 * the date engine (include/dateshift.h) in the course's local time.
 *
 * Coverage (issue 6, API.md 10.2), each field only when it holds a date:
 *   assignments        due_at, unlock_at, lock_at, peer_reviews_assign_at, and every override's
 *                      due_at, unlock_at, lock_at (overrides: true, the default)
 *   quizzes            show_correct_answers_at, hide_correct_answers_at; due/unlock/lock_at too
 *                      when the quiz has no assignment in the course (ungraded surveys)
 *   discussions        delayed_post_at, lock_at, todo_date (a graded one's own lock_at too); an
 *                      ungraded one's Assign To overrides' unlock_at, lock_at (selective release)
 *   announcements      delayed_post_at, lock_at, todo_date (never set by Canvas on an announcement;
 *                      shifted if present, as API.md 10.2 lists it for both)
 *   modules            unlock_at
 *   pages              todo_date (Canvas writes it as student_todo_at), publish_at; with
 *                      overrides: on, its own unlock_at, lock_at and its Assign To overrides'
 *                      (read one request a page, runner/page_dates.c)
 *   calendar_events    start_at, end_at (all-day events keep local midnight; all_day_date follows)
 *   the course         start_at, end_at with course_dates: true
 *
 * The assignment's peer review date is the model's peer_reviews_due_at (API.md 10.2), which the
 * API reads and writes as peer_reviews_assign_at (present only with automatic peer reviews; apply's
 * parameter too, exec_write.c): a snapshot holds the API's name, so that is the field shifted.
 *
 * One object, one shift. A classic quiz or a graded discussion and its assignment are one object
 * in Canvas, which keeps their dates equal (API.md 5.1). Shifting both would write the same dates
 * twice, and the second write's stale check would fail on the first's mirror. So the dates live on
 * the assignment (which carries the overrides, and which apply can write in bulk): the assignment
 * of a quiz counts as a quiz for `only:`, the quiz's own copies are updated in the working copy
 * without a change of their own (step_mirror). A graded topic's own lock_at is NOT Canvas's copy
 * of the assignment's: Assignment#update_submittable copies title, message and workflow state only
 * (canvas-lms app/models/assignment.rb), so the topic's lock_at is shifted and written as a change
 * of its own, like an ungraded topic's (issue 15). The pair (quiz.assignment_id or
 * topic.assignment_id names the assignment) is also ONE object for `where:`: each condition
 * holds when it holds on either side (the name, the quiz's id or the assignment's, a date of
 * either), and the pair is shifted whole or not at all.
 * Matching each side on its own was rejected: `where: {id: QUIZ}` would move the quiz's answer
 * dates but not its due date, and a range on due_at would see the quiz's copy already shifted.
 *
 * New Quizzes (issue 15, CURRENT.md 11) are assignments: Api::V1::Assignment#assignment_json
 * (canvas-lms lib/api/v1/assignment.rb) marks one with is_quiz_lti_assignment: true when
 * Assignment#quiz_lti? (submission type external_tool, the quiz LTI tool); it has no classic quiz
 * and no dates of its own elsewhere. So it is shifted as the assignment it is (overrides included,
 * written by bulk_update) and counts as a quiz for `only:`: `only: [quizzes]` moves it,
 * `only: [assignments]` does not. Counting it as both was rejected: `only:` would then select
 * it twice over, and a user who lists quizzes means the things Canvas shows as quizzes.
 *
 * Checkpointed discussions (issue 15, CURRENT.md 12) keep their due dates on two sub-assignments,
 * tagged reply_to_topic and reply_to_entry (canvas-lms app/models/sub_assignment.rb), each with its
 * own due date and the same unlock and lock dates, which SubAssignment#sync_with_parent copies to
 * the parent assignment. Snapshots read them with include[]=checkpoints as the assignment's
 * reply_to_topic_due_at and required_replies_due_at (runner/resource.c), the names of the
 * Learning Object Dates API that writes them (LearningObjectDatesController
 * #update_checkpointed_assignment -> Checkpoints::DiscussionCheckpointUpdaterService; apply,
 * the assignment row's writes_elsewhere). So such an assignment shifts those two and its unlock_at and lock_at,
 * as one object with its topic's own dates, and (with `overrides:` on) the same four dates of its
 * checkpoint overrides, which each of the assignment's shell overrides carries under those names
 * (runner/resource_assignment.c: the date_details write names every one). Skipped whole, with the
 * reason: a topic with its own post or lock date
 * next to the assignment's availability dates (the write clears them:
 * #prefer_assignment_availability_dates). Closed grading periods are not checked for them.
 *
 * Problems. Shifting can turn a valid order into an invalid one (weekday snapping and blackouts
 * move dates by different amounts): an unlock after the due date, a lock before it, an event
 * ending before it starts. Such an object is not changed at all, and the plan lists it as skipped
 * with the dates it would have had, so the user sees it and fixes the recipe (an order that was
 * already invalid before the shift is kept as Canvas has it). Silently writing half an object's
 * dates was rejected: it would leave the object inconsistent in a new way. For an assignment the
 * object is the assignment with its overrides and its quiz or topic (Canvas's bulk update writes
 * them together): a problem in any of them leaves all of them as they are, each problem listed.
 *
 * Closed grading periods (issue 15, runner/plan_grading.c): an assignment Canvas would refuse to
 * move -- due in a closed period now, or a shift that moves its due date or an override's into
 * one -- is skipped whole with the reason, like a broken order, so it never fails the bulk update
 * of the others (SubmittablesGradingPeriodProtection, Assignment::BulkUpdate#run).
 *
 * where: is matched against the dates as they were before this step (recipe_shift_dates.h); the
 * range ends are turned into instants once per course (a date alone is a whole local day), and the
 * ids are sorted once, so matching an object costs a few comparisons. where: id is a page's
 * page_id, as in the other steps.
 *
 * A date a blackout moved says so in its change's note (blackout_note: the blackout's dates, the
 * recipe gives it no name, and the day the mapping gave; issue 16): a date that lands days away
 * from its neighbours is otherwise a puzzle in the plan. Notes added later (fancy midnight,
 * plan_midnight.c) are appended to it.
 *
 * Dates written as text (text: true, issue 19; the finder is runner/textdates.c). After the fields,
 * each object the step selected (in the order it selected them; of a quiz or graded topic and its
 * assignment, the quiz or topic: Canvas copies their title and description to the assignment) has
 * the dates in its name and HTML body (step_text_fields(); a module's text headers too, its SubHeader
 * items: an item linked to content carries the content's title, which Canvas copies to it on every
 * save of the content, ContentTag.update_for in canvas-lms app/models/content_tag.rb) moved by the
 * same day mapping as its fields
 * (dateshift_map_day: the term mapping, weekday substitution and blackouts; a calendar date has no
 * time to keep), then the syllabus when the step reads it (recipe_shift_dates.h text_syllabus).
 * Each field with moved dates is one change noted "N dates written in the text", shown in the
 * plan's word diff like replace_text's. What the finder will not guess (a weekday that does not
 * fit, no year and no term) is a plan warning naming the step, course, object, field and the text,
 * never a change. A date without a year takes the year nearest the `from:` term, else the course's
 * own start and end (read before course_dates: moves them). Text is moved whether or not the
 * object's own dates were skipped (an order problem, a closed grading period): the text says what
 * the user meant, and the skip already tells them to look at the object. A page's title is read but
 * not changed: Canvas derives the page's url from it (its dates are listed). Rejected: a separate
 * pass with its own selection (where: ranges are matched against the dates before the step, which
 * the field pass has already moved by then), and rewriting the assignment of a quiz as well (the
 * same text twice, and a stale check failing on Canvas's mirror of the first write).
 *
 * Text only (step_shift_dates_text, issue 19): when rerun_guard (runner/rerun.c) finds the fields
 * of a term mapping moved already but the step has text: on, the step runs with compute() moving
 * nothing and text_map moving a written date only when it lies in the old term and not the new
 * (in the new term only: kept; in both or neither: a problem, listed), so the text catches up
 * once and a later run moves nothing.
 *
 * Blackouts are also recorded in the plan (plan_add_blackout, course-less: they are the recipe's,
 * the same for every course; the plan keeps one copy however many courses the step runs on), so
 * the HTML calendar can shade them and flag a date that still lands in one (a later step moved it
 * there, or the dates came from elsewhere).
 */
#include "step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "dateshift.h"
#include "jsonid.h"
#include "plan_grading.h"
#include "recipe_shift_dates.h"
#include "textdates.h"
#include "xalloc.h"

#define MAXF 6

static const char *const asg_fields[] = { "due_at", "unlock_at", "lock_at", "peer_reviews_assign_at", NULL };
static const char *const ovr_fields[] = { "due_at", "unlock_at", "lock_at", NULL };
static const char *const quiz_own_fields[] = { "show_correct_answers_at", "hide_correct_answers_at", NULL };
static const char *const quiz_fields[] = { "due_at", "unlock_at", "lock_at", "show_correct_answers_at",
					   "hide_correct_answers_at", NULL };
static const char *const topic_fields[] = { "delayed_post_at", "lock_at", "todo_date", NULL };
static const char *const graded_topic_fields[] = { "delayed_post_at", "lock_at", "todo_date", NULL };
static const char *const topic_mirrored[] = { NULL };
static const char *const ann_fields[] = { "delayed_post_at", "lock_at", "todo_date", NULL };
static const char *const module_fields[] = { "unlock_at", NULL };
static const char *const page_fields[] = { "todo_date", "publish_at", "unlock_at", "lock_at", NULL };
static const char *const event_fields[] = { "start_at", "end_at", NULL };
static const char *const dov_fields[] = { "unlock_at", "lock_at", NULL };
static const char *const course_fields[] = { "start_at", "end_at", NULL };

/* Pairs that must stay in order (first <= second) when both are set. */
static const char *const order_pairs[][2] = {
	{ "unlock_at", "due_at" }, { "due_at", "lock_at" }, { "unlock_at", "lock_at" },
	{ "start_at", "end_at" }, { "show_correct_answers_at", "hide_correct_answers_at" },
	{ "delayed_post_at", "lock_at" },
	{ "unlock_at", "reply_to_topic_due_at" }, { "reply_to_topic_due_at", "lock_at" },
	{ "unlock_at", "required_replies_due_at" }, { "required_replies_due_at", "lock_at" },
};

/* A where: range as instants (inclusive). */
struct range {
	const char *field;        /* a date field, or "dates" for any */
	int64_t after, before;
	int has_after, has_before;
};

/* An object whose written dates move (text: true), in the order the step selected them. */
struct picked {
	enum resource_kind kind;
	cJSON *obj;
};

struct shift {
	struct step_ctx *cx;
	const struct rshift_dates *m;
	struct dateshift ds;
	const char *zone;
	struct range *ranges;     /* where's ranges, malloced */
	long long *ids;           /* where's ids, sorted, malloced */
	struct picked *picked;    /* text: the selected objects (malloced) */
	size_t npicked, apicked;
	int text_only;            /* the fields were moved already (rerun.c): the text's old-term dates only */
	struct err *err;
};

/* ---------------------------------------------------------------- where */

/* The instant of a range end: a date-time as given; a date alone is its first second (after) or
 * its last (before) in the zone, so both ends are inclusive whole days. */
static int range_end(const struct rdate *d, const char *zone, int last, int64_t *t, struct err *err)
{
	char buf[32];
	struct rdate x = *d;

	if (!x.has_time && last) {
		x.has_time = 1;
		x.hh = 23;
		x.mm = 59;
		x.ss = 59;
	}
	if (step_date_utc(&x, zone, buf, err))
		return -1;
	if (dates_parse(buf, t))
		return err_set(err, ERR_RECIPE, "%s:%d:%d: the date is out of range", d->pos.file ? d->pos.file : "recipe",
			       d->pos.line, d->pos.col);
	return 0;
}

/* Resolve where's ranges and ids once (sh->ranges, sh->ids; both malloced, freed by the caller). */
static int where_prepare(struct shift *sh)
{
	const struct rwhere *w = sh->m->where;
	size_t i;

	if (!w)
		return 0;
	if (w->nids) {
		sh->ids = xmalloc(w->nids * sizeof(*sh->ids));
		memcpy(sh->ids, w->ids, w->nids * sizeof(*sh->ids));
		qsort(sh->ids, w->nids, sizeof(*sh->ids), step_cmp_ll);
	}
	if (w->nranges)
		sh->ranges = xcalloc(w->nranges, sizeof(*sh->ranges));
	for (i = 0; i < w->nranges; i++) {
		const struct rwhere_range *r = &w->ranges[i];
		struct range *g = &sh->ranges[i];

		g->field = r->field;
		g->has_after = r->has_after;
		g->has_before = r->has_before;
		if ((r->has_after && range_end(&r->after, sh->zone, 0, &g->after, sh->err)) ||
		    (r->has_before && range_end(&r->before, sh->zone, 1, &g->before, sh->err)))
			return -1;
	}
	return 0;
}

/* One side of an object for where: a standalone object has one, a quiz or graded topic with its
 * assignment two. */
struct side {
	enum resource_kind kind;
	const cJSON *obj;
	const char *const *fields;
};

static int id_listed(const struct shift *sh, const struct side *s)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->obj, s->kind == RES_PAGE ? "page_id" : "id");
	long long id;

	if (jsonid_ll(v, &id))
		return 0;   /* an object this plan creates ("new:N") has no id to name */
	return bsearch(&id, sh->ids, sh->m->where->nids, sizeof(*sh->ids), step_cmp_ll) != NULL;
}

static int in_range(const struct range *g, const struct side *s)
{
	const char *const *f;
	int64_t t;

	for (f = s->fields; *f; f++) {
		const char *iso;

		if (strcmp(g->field, "dates") && strcmp(g->field, *f))
			continue;
		iso = step_str(s->obj, *f);
		if (iso && !dates_parse(iso, &t) && (!g->has_after || t >= g->after) &&
		    (!g->has_before || t <= g->before))
			return 1;
	}
	return 0;
}

/* 1 when the object (its ns sides) passes where, 0 when not, -1 on error. Each condition must hold
 * on at least one side. */
static int selected_where(struct shift *sh, const struct side *s, int ns)
{
	const struct rwhere *w = sh->m->where;
	size_t i;
	int k, yes;

	if (!w)
		return 1;
	if (w->name) {
		for (k = 0, yes = 0; k < ns && !yes; k++) {
			const char *name = step_name(s[k].kind, s[k].obj);
			char what[160];

			snprintf(what, sizeof(what), "%s '%.100s' name", resource_get(s[k].kind)->name, name);
			yes = step_regex_match(w->name, name, strlen(name), what, sh->err);
			if (yes < 0)
				return -1;
		}
		if (!yes)
			return 0;
	}
	if (w->nids) {
		for (k = 0, yes = 0; k < ns && !yes; k++)
			yes = id_listed(sh, &s[k]);
		if (!yes)
			return 0;
	}
	if (w->published >= 0) {
		for (k = 0, yes = 0; k < ns && !yes; k++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(s[k].obj, "published");

			yes = cJSON_IsBool(v) && cJSON_IsTrue(v) == w->published;
		}
		if (!yes)
			return 0;
	}
	for (i = 0; i < w->nranges; i++) {
		for (k = 0, yes = 0; k < ns && !yes; k++)
			yes = in_range(&sh->ranges[i], &s[k]);
		if (!yes)
			return 0;
	}
	sh->cx->matched++;
	return 1;
}

/* Remember a selected object for the text pass: the quiz or topic of a pair (Canvas copies its
 * title and description to the assignment, API.md 5.1; step_replace_text.c edits that side too). */
static void pick(struct shift *sh, const struct side *s, int ns)
{
	const struct side *x = ns > 1 && s[1].obj ? &s[1] : &s[0];

	if (!sh->m->text_locale)
		return;
	if (sh->npicked == sh->apicked) {
		sh->apicked = sh->apicked ? 2 * sh->apicked : 32;
		sh->picked = xrealloc(sh->picked, sh->apicked * sizeof(*sh->picked));
	}
	sh->picked[sh->npicked].kind = x->kind;
	sh->picked[sh->npicked++].obj = (cJSON *)x->obj;
}

static int selected(struct shift *sh, const struct side *s, int ns)
{
	int r = selected_where(sh, s, ns);

	if (r > 0)
		pick(sh, s, ns);
	return r;
}

static int selected1(struct shift *sh, enum resource_kind kind, const cJSON *obj, const char *const *fields)
{
	struct side s = { kind, obj, fields };

	return selected(sh, &s, 1);
}

/* ---------------------------------------------------------------- one object's new dates */

/* The new values of an object's dates. The first nfixed entries are not the object's own: they
 * are the values Canvas will copy to it from its assignment (for the order check only). */
struct newdates {
	const char *field[MAXF];
	char value[MAXF][32];     /* "" for null */
	char note[MAXF][128];     /* why a blackout moved it, or "" (blackout_note) */
	int n, nfixed;
};

static void fmt_local(const struct shift *sh, const char *iso, char out[48])
{
	struct dates_local l;
	int64_t t;

	if (!dates_parse(iso, &t) && !dates_to_local(t, sh->zone, &l))
		dates_format_local(&l, out);
	else
		snprintf(out, 48, "%.40s", iso);
}

/* The value of field after the shift (new if computed, else the current one), or NULL. */
static const char *after_value(const cJSON *obj, const struct newdates *nd, const char *field)
{
	int i;

	for (i = 0; i < nd->n; i++)
		if (!strcmp(nd->field[i], field))
			return nd->value[i][0] ? nd->value[i] : NULL;
	return step_str(obj, field);
}

/* 1 when a and b are both dates and a is after b. */
static int after(const char *a, const char *b)
{
	int64_t x, y;

	return a && b && !dates_parse(a, &x) && !dates_parse(b, &y) && x > y;
}

/* The plan's note on a date that a blackout moved (issue 16: the reason was nowhere): which blackout
 * (the recipe's blackouts have no names, so their dates) and the day the mapping gave, both in the
 * step's zone; "" when no blackout moved t. */
static void blackout_note(const struct shift *sh, int64_t t, char note[128])
{
	const struct dateshift_blackout *b;
	struct dates_local l;
	int64_t landed;
	long bi;
	int y1, m1, d1, y2, m2, d2, y, m, d;
	static const char *const wd[] = { "", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

	note[0] = '\0';
	if (!sh->ds.nblackouts || dates_to_local(t, sh->ds.zone, &l))
		return;
	dateshift_map_day_why(&sh->ds, dateshift_days_from_civil(l.y, l.m, l.d), &landed, &bi);
	if (bi < 0)
		return;
	b = &sh->ds.blackouts[bi];
	dateshift_civil_from_days(b->start, &y1, &m1, &d1);
	dateshift_civil_from_days(b->end, &y2, &m2, &d2);
	dateshift_civil_from_days(landed, &y, &m, &d);
	if (b->start == b->end)
		snprintf(note, 128, "moved out of the blackout %04d-%02d-%02d: it would have landed on %s %04d-%02d-%02d",
			 y1, m1, d1, wd[dateshift_iso_weekday(landed)], y, m, d);
	else
		snprintf(note, 128, "moved out of the blackout %04d-%02d-%02d to %04d-%02d-%02d: it would have landed "
			 "on %s %04d-%02d-%02d", y1, m1, d1, y2, m2, d2, wd[dateshift_iso_weekday(landed)], y, m, d);
}

/* Compute the new values of `fields` of obj into nd (after its fixed entries). A date that cannot
 * be read or shifted is a skip of that field; the others still move. */
static void compute(struct shift *sh, enum resource_kind kind, const cJSON *obj, const char *const *fields,
		    struct newdates *nd)
{
	const char *const *f;

	for (f = fields; *f && nd->n < MAXF && !sh->text_only; f++) {
		const char *iso = step_str(obj, *f);
		int64_t t, out;

		if (!iso)
			continue;   /* null or absent: nothing to shift */
		if (dates_parse(iso, &t)) {
			step_skip(sh->cx, kind, obj, *f, "'%.40s' is not a date coursectl can read", iso);
			continue;
		}
		if (dateshift_instant(&sh->ds, t, &out)) {
			step_skip(sh->cx, kind, obj, *f, "the shifted date of %s is out of range", iso);
			continue;
		}
		nd->field[nd->n] = *f;
		dates_format_utc(out, nd->value[nd->n]);
		blackout_note(sh, t, nd->note[nd->n]);
		nd->n++;
	}
}

/* An order the shift would break: records a skip of obj ending with `kept` and returns 1. */
static int broken_order(struct shift *sh, enum resource_kind kind, const cJSON *obj, const struct newdates *nd,
			const char *kept)
{
	size_t i;
	char la[48], lb[48];

	if (nd->n == nd->nfixed)
		return 0;   /* nothing of its own moves */
	for (i = 0; i < sizeof(order_pairs) / sizeof(order_pairs[0]); i++) {
		const char *f1 = order_pairs[i][0], *f2 = order_pairs[i][1];
		const char *a = after_value(obj, nd, f1), *b = after_value(obj, nd, f2);

		if (!after(a, b) || after(step_str(obj, f1), step_str(obj, f2)))
			continue;
		fmt_local(sh, a, la);
		fmt_local(sh, b, lb);
		step_skip(sh->cx, kind, obj, NULL, "after the shift %s (%s) would come after %s (%s); %s", f1, la, f2, lb,
			  kept);
		return 1;
	}
	return 0;
}

static void write_dates(struct shift *sh, enum resource_kind kind, cJSON *obj, const struct newdates *nd)
{
	int i;

	for (i = nd->nfixed; i < nd->n; i++)
		step_set_string(sh->cx, kind, obj, nd->field[i], nd->value[i], nd->note[i][0] ? nd->note[i] : NULL);
}

/* Shift `fields` of a standalone object. 1 when it was shifted (or had nothing to shift), 0 when
 * a problem left it alone. */
static int shift_object(struct shift *sh, enum resource_kind kind, cJSON *obj, const char *const *fields)
{
	struct newdates nd;

	memset(&nd, 0, sizeof(nd));
	compute(sh, kind, obj, fields, &nd);
	if (broken_order(sh, kind, obj, &nd, "the object's dates are left as they are"))
		return 0;
	write_dates(sh, kind, obj, &nd);
	return 1;
}

/* ---------------------------------------------------------------- assignments, quizzes, topics */

/* Copy the assignment's dates to the quiz or topic that mirrors them, in the working copy only. */
static void mirror(cJSON *to, const cJSON *from, const char *const *fields)
{
	const char *const *f;
	const cJSON *v;

	for (f = fields; *f; f++)
		if ((v = cJSON_GetObjectItemCaseSensitive(from, *f)) && cJSON_HasObjectItem(to, *f))
			step_mirror(to, *f, cJSON_Duplicate(v, 1));
}

/* Closed grading periods (runner/plan_grading.c): 1 with a skip when Canvas would refuse the
 * assignment's new dates -- it is due in a closed period now (in_closed_grading_period), or its
 * new due date, or a changed override's, falls in one. The whole object keeps its dates. */
/* 1 when one of the overrides' dates moves. */
static int nov_changes(const struct newdates *ov, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (ov[i].n > ov[i].nfixed)
			return 1;
	return 0;
}

/* Canvas's Assignment#graded?: not "not_graded" (nor a page's "wiki_page"). */
static int graded(const cJSON *a)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(a, "submission_types"))
		if (cJSON_IsString(t) && (!strcmp(t->valuestring, "not_graded") || !strcmp(t->valuestring, "wiki_page")))
			return 0;
	return 1;
}

/* 1 when nd gives `field` a new value. */
static int moved(const struct newdates *nd, const char *field)
{
	int i;

	for (i = nd->nfixed; i < nd->n; i++)
		if (!strcmp(nd->field[i], field))
			return 1;
	return 0;
}

static int closed_period(struct shift *sh, const cJSON *a, const struct newdates *base, const cJSON *ovs,
			 const struct newdates *ov)
{
	const cJSON *o, *gp = NULL, *course = sh->cx->course;
	const char *due = NULL, *what = "its due date", *title;
	char la[48];
	int i = 0, out = 0;

	if (base->n == base->nfixed && !nov_changes(ov, cJSON_GetArraySize(ovs)))
		return 0;   /* nothing moves */
	/* out of: due in a closed period now (Canvas's flag, or the periods) */
	out = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "in_closed_grading_period"));
	if (!out && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(course, "grading_periods"))) {
		if (graded(a) && moved(base, "due_at") &&
		    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "only_visible_to_overrides")))
			gp = plan_grading_closed(course, step_str(a, "due_at"));
		cJSON_ArrayForEach(o, ovs) {
			if (!gp && ov[i].n > ov[i].nfixed)
				gp = plan_grading_closed(course, step_str(o, "due_at"));
			i++;
		}
		out = gp != NULL;
	}
	if (out) {
		title = gp ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(gp, "title")) : NULL;
		step_skip(sh->cx, RES_ASSIGNMENT, a, NULL, "due in a closed grading period%s%s%s: Canvas refuses a "
			  "teacher's change to its due dates (and would refuse the whole bulk update), so the "
			  "assignment keeps its dates", gp ? " ('" : "", gp ? (title ? title : "?") : "",
			  gp ? "')" : "");
		return 1;
	}
	if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(course, "grading_periods")))
		return 0;
	/* into: the new due date falls in a closed period */
	if (graded(a) && moved(base, "due_at")) {
		due = after_value(a, base, "due_at");
		gp = plan_grading_closed(course, due);
	}
	i = 0;
	cJSON_ArrayForEach(o, ovs) {
		if (!gp && ov[i].n > ov[i].nfixed) {
			due = after_value(o, &ov[i], "due_at");
			gp = plan_grading_closed(course, due);
			what = "an override's due date";
		}
		i++;
	}
	if (!gp)
		return 0;
	if (due)
		fmt_local(sh, due, la);
	title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(gp, "title"));
	step_skip(sh->cx, RES_ASSIGNMENT, a, NULL, "the shift would move %s%s%s into the closed grading period "
		  "'%s': Canvas refuses that to a teacher (and would refuse the whole bulk update), so the "
		  "assignment keeps its dates", what, due ? " to " : " (none, which Canvas counts as the last period)",
		  due ? la : "", title ? title : "?");
	return 1;
}

/* An assignment, its overrides and its quiz or graded topic (p, of kind pk; or NULL): selected as
 * one object, shifted whole or not at all. Returns 0, or -1 with sh->err set. */
/* A checkpointed discussion's assignment: its dates are its checkpoints' (see the design comment). */
static const char *const ckpt_fields[] = { "reply_to_topic_due_at", "required_replies_due_at", "unlock_at",
					   "lock_at", NULL };

static int checkpointed(const cJSON *a)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "checkpoints")) > 0;
}

static int shift_checkpointed(struct shift *sh, cJSON *a, cJSON *p)
{
	struct side sides[2] = { { RES_ASSIGNMENT, a, ckpt_fields },
				 { RES_DISCUSSION_TOPIC, p, topic_fields } };
	static const char kept[] = "the discussion, its checkpoints and their overrides keep their dates";
	struct newdates base, part, *ov = NULL;
	cJSON *ovs = sh->m->overrides ? cJSON_GetObjectItemCaseSensitive(a, "overrides") : NULL, *o;
	int r = selected(sh, sides, p ? 2 : 1), bad = 0, nov = cJSON_GetArraySize(ovs), i;

	if (r <= 0)
		return r;
	memset(&base, 0, sizeof(base));
	memset(&part, 0, sizeof(part));
	compute(sh, RES_ASSIGNMENT, a, ckpt_fields, &base);
	if (p)
		compute(sh, RES_DISCUSSION_TOPIC, p, graded_topic_fields, &part);
	/* LearningObjectDatesController#prefer_assignment_availability_dates: the write clears the
	 * topic's own post and lock dates when the assignment has availability dates */
	if (p && base.n && ((after_value(a, &base, "unlock_at") && step_str(p, "delayed_post_at")) ||
			    (after_value(a, &base, "lock_at") && step_str(p, "lock_at")))) {
		step_skip(sh->cx, RES_ASSIGNMENT, a, NULL,
			  "Canvas would clear the discussion's own post or lock date when it writes the checkpoints' "
			  "dates, as the assignment has availability dates (prefer_assignment_availability_dates); %s",
			  kept);
		return 0;
	}
	/* its checkpoint overrides, as their shells carry them (runner/resource_assignment.c) */
	if (nov)
		ov = xcalloc((size_t)nov, sizeof(*ov));
	i = 0;
	cJSON_ArrayForEach(o, ovs) {
		if (!cJSON_HasObjectItem(o, "assignment_id"))
			cJSON_AddItemToObject(o, "assignment_id", cJSON_Duplicate(cJSON_GetObjectItem(a, "id"), 1));
		if (resource_checkpoint_override(o))
			compute(sh, RES_ASSIGNMENT_OVERRIDE, o, ckpt_fields, &ov[i]);
		i++;
	}
	bad |= broken_order(sh, RES_ASSIGNMENT, a, &base, kept);
	if (p)
		bad |= broken_order(sh, RES_DISCUSSION_TOPIC, p, &part, kept);
	i = 0;
	cJSON_ArrayForEach(o, ovs)
		bad |= broken_order(sh, RES_ASSIGNMENT_OVERRIDE, o, &ov[i++], kept);
	if (!bad) {
		write_dates(sh, RES_ASSIGNMENT, a, &base);
		if (p)
			write_dates(sh, RES_DISCUSSION_TOPIC, p, &part);
		i = 0;
		cJSON_ArrayForEach(o, ovs)
			write_dates(sh, RES_ASSIGNMENT_OVERRIDE, o, &ov[i++]);
	}
	free(ov);
	return sh->err->code ? -1 : 0;
}

static int shift_assignment(struct shift *sh, cJSON *a, enum resource_kind pk, cJSON *p)
{
	const char *const *mirrored = pk == RES_QUIZ ? ovr_fields : topic_mirrored;
	struct side sides[2] = { { RES_ASSIGNMENT, a, asg_fields },
				 { pk, p, pk == RES_QUIZ ? quiz_fields : topic_fields } };
	struct newdates base, part, *ov = NULL;
	cJSON *ovs = sh->m->overrides ? cJSON_GetObjectItemCaseSensitive(a, "overrides") : NULL, *o;
	const char *const *f;
	char kept[128];
	int r, bad = 0, nov = cJSON_GetArraySize(ovs), i;

	if (checkpointed(a))
		return shift_checkpointed(sh, a, pk == RES_DISCUSSION_TOPIC ? p : NULL);
	r = selected(sh, sides, p ? 2 : 1);
	if (r <= 0)
		return r;
	memset(&base, 0, sizeof(base));
	memset(&part, 0, sizeof(part));
	compute(sh, RES_ASSIGNMENT, a, asg_fields, &base);
	if (p) {
		for (f = mirrored; *f; f++) {
			const char *v = after_value(a, &base, *f);

			if (!cJSON_HasObjectItem(p, *f))
				continue;
			part.field[part.n] = *f;
			snprintf(part.value[part.n], sizeof(part.value[0]), "%s", v ? v : "");
			part.n++;
		}
		part.nfixed = part.n;
		compute(sh, pk, p, pk == RES_QUIZ ? quiz_own_fields : graded_topic_fields, &part);
	}
	if (nov)
		ov = xcalloc((size_t)nov, sizeof(*ov));
	i = 0;
	cJSON_ArrayForEach(o, ovs) {
		if (!cJSON_HasObjectItem(o, "assignment_id"))
			cJSON_AddItemToObject(o, "assignment_id", cJSON_Duplicate(cJSON_GetObjectItem(a, "id"), 1));
		compute(sh, RES_ASSIGNMENT_OVERRIDE, o, ovr_fields, &ov[i++]);
	}

	bad = closed_period(sh, a, &base, ovs, ov);
	if (!nov && !p)
		snprintf(kept, sizeof(kept), "the object's dates are left as they are");
	else
		snprintf(kept, sizeof(kept), "the assignment%s%s keep their dates",
			 !nov ? "" : p ? ", its overrides" : " and its overrides",
			 !p ? "" : pk == RES_QUIZ ? " and its quiz" : " and its discussion");
	if (!bad) {   /* a closed grading period says it all */
		bad |= broken_order(sh, RES_ASSIGNMENT, a, &base, kept);
		if (p)
			bad |= broken_order(sh, pk, p, &part, kept);
		i = 0;
		cJSON_ArrayForEach(o, ovs)
			bad |= broken_order(sh, RES_ASSIGNMENT_OVERRIDE, o, &ov[i++], kept);
	}
	if (!bad) {
		write_dates(sh, RES_ASSIGNMENT, a, &base);
		if (p) {
			mirror(p, a, mirrored);
			write_dates(sh, pk, p, &part);
		}
		i = 0;
		cJSON_ArrayForEach(o, ovs)
			write_dates(sh, RES_ASSIGNMENT_OVERRIDE, o, &ov[i++]);
	}
	free(ov);
	return sh->err->code ? -1 : 0;
}

static void shift_date_overrides(struct shift *sh, cJSON *topic);

static int shift_list(struct shift *sh, enum resource_kind kind, const char *const *fields)
{
	cJSON *it;

	cJSON_ArrayForEach(it, step_list(sh->cx, kind)) {
		int r = selected1(sh, kind, it, fields);

		if (r < 0)
			return -1;
		if (r && shift_object(sh, kind, it, fields) && kind == RES_PAGE)
			shift_date_overrides(sh, it);   /* read for a page only when wanted (page_dates.c) */
	}
	return 0;
}

/* Whose dates an assignment without a quiz or topic in view carries: RSHIFT_QUIZZES for a classic
 * quiz's, RSHIFT_DISCUSSIONS for a graded topic's (their submission_types say so, API.md 5.1),
 * else RSHIFT_ASSIGNMENTS. */
static unsigned owner_of(const cJSON *a)
{
	const cJSON *t;

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "is_quiz_lti_assignment")))
		return RSHIFT_QUIZZES;   /* a New Quiz (issue 15): see the design comment */
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(a, "submission_types")) {
		const char *s = cJSON_GetStringValue(t);

		if (s && !strcmp(s, "online_quiz"))
			return RSHIFT_QUIZZES;
		if (s && !strcmp(s, "discussion_topic"))
			return RSHIFT_DISCUSSIONS;
	}
	return RSHIFT_ASSIGNMENTS;
}

/* An assignment by id, with the quiz or topic that names it. */
struct link {
	long long id;             /* a number, or a string id above 2^53 (jsonid.h) */
	cJSON *asg;
	cJSON *partner;           /* or NULL */
	enum resource_kind pkind;
};

static int cmp_link(const void *a, const void *b)
{
	const struct link *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The assignments by id, sorted (one lookup each, not a scan). Malloced. */
static struct link *index_ids(cJSON *arr, size_t *n)
{
	struct link *v = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*v));
	cJSON *it;

	*n = 0;
	cJSON_ArrayForEach(it, arr) {
		long long id;

		if (!jsonid_ll(cJSON_GetObjectItemCaseSensitive(it, "id"), &id)) {   /* above 2^53 a string */
			v[*n].id = id;
			v[(*n)++].asg = it;
		}
	}
	qsort(v, *n, sizeof(*v), cmp_link);
	return v;
}

static struct link *find_id(struct link *v, size_t n, const cJSON *id)
{
	struct link key = { 0 };

	if (!n || jsonid_ll(id, &key.id))
		return NULL;
	return bsearch(&key, v, n, sizeof(*v), cmp_link);
}

/* Pair each quiz or topic of `list` with the assignment it names (the first one to name it). */
static void link_partners(struct link *ix, size_t n, cJSON *list, enum resource_kind kind)
{
	cJSON *it;

	cJSON_ArrayForEach(it, list) {
		struct link *l = find_id(ix, n, cJSON_GetObjectItemCaseSensitive(it, "assignment_id"));

		if (l && !l->partner) {
			l->partner = it;
			l->pkind = kind;
		}
	}
}

/* The quizzes or topics of `list` that are not some assignment's partner, shifted on their own. */
/* Selective release (issue 15, CURRENT.md 13): an ungraded topic with "Assign To" overrides keeps
 * their dates only behind the Learning Object Dates API (learning_object_dates_controller.rb). The
 * topic list says which topics have them for free (ungraded_discussion_overrides, lib/api/v1/
 * discussion_topics.rb #serialize_additional_topic_fields), and only those cost a GET date_details
 * (snapshot.c); their overrides are the topic's "date_overrides", each a change of kind
 * date_override (parent: the topic) that apply writes with PUT .../date_details
 * (exec_date_details.c). They move with the topic, by the same rule, when the topic moves and
 * `overrides:` is on; an override whose own order the shift would break keeps its dates, with a
 * skip. Pages carry no such sign in their list JSON (wiki_page_json): plan_make reads every
 * page's date_details only for a recipe that shifts pages with `overrides:` on (page_dates.c, one
 * request a page); their overrides (wiki_page_id, parent "page_id:N") move with the page the same
 * way. A module's overrides have no dates. */
static void shift_date_overrides(struct shift *sh, cJSON *topic)
{
	cJSON *o;

	if (!sh->m->overrides)
		return;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(topic, "date_overrides")) {
		struct newdates nd;

		if (!cJSON_HasObjectItem(o, "discussion_topic_id") && !cJSON_HasObjectItem(o, "wiki_page_id"))
			cJSON_AddItemToObject(o, "discussion_topic_id",
					      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(topic, "id"), 1));
		memset(&nd, 0, sizeof(nd));
		compute(sh, RES_DATE_OVERRIDE, o, dov_fields, &nd);
		if (!broken_order(sh, RES_DATE_OVERRIDE, o, &nd, "the override's dates are left as they are"))
			write_dates(sh, RES_DATE_OVERRIDE, o, &nd);
	}
}

static int shift_unlinked(struct shift *sh, struct link *ix, size_t n, cJSON *list, enum resource_kind kind,
			  const char *const *fields)
{
	cJSON *it;

	cJSON_ArrayForEach(it, list) {
		struct link *l = find_id(ix, n, cJSON_GetObjectItemCaseSensitive(it, "assignment_id"));
		int r;

		if (l && l->partner == it)
			continue;   /* shifted with its assignment */
		r = selected1(sh, kind, it, fields);
		if (r < 0)
			return -1;
		if (r && shift_object(sh, kind, it, fields) && kind == RES_DISCUSSION_TOPIC)
			shift_date_overrides(sh, it);
	}
	return 0;
}

static int run_linked(struct shift *sh, cJSON *asgs)
{
	unsigned only = sh->m->only;
	cJSON *quizzes = (only & RSHIFT_QUIZZES) ? step_list(sh->cx, RES_QUIZ) : NULL;
	cJSON *topics = (only & RSHIFT_DISCUSSIONS) ? step_list(sh->cx, RES_DISCUSSION_TOPIC) : NULL;
	cJSON *it;
	size_t n;
	struct link *ix = index_ids(asgs, &n), *l;
	int rc = -1;

	link_partners(ix, n, quizzes, RES_QUIZ);
	link_partners(ix, n, topics, RES_DISCUSSION_TOPIC);
	cJSON_ArrayForEach(it, asgs) {
		unsigned owner;

		l = find_id(ix, n, cJSON_GetObjectItemCaseSensitive(it, "id"));
		if (l && l->partner)
			owner = l->pkind == RES_QUIZ ? RSHIFT_QUIZZES : RSHIFT_DISCUSSIONS;
		else
			owner = owner_of(it);
		if ((only & owner) &&
		    shift_assignment(sh, it, l && l->partner ? l->pkind : RES_QUIZ, l ? l->partner : NULL))
			goto done;
	}
	if (shift_unlinked(sh, ix, n, quizzes, RES_QUIZ, quiz_fields) ||
	    shift_unlinked(sh, ix, n, topics, RES_DISCUSSION_TOPIC, topic_fields))
		goto done;
	rc = sh->err->code ? -1 : 0;
done:
	free(ix);
	return rc;
}

/* ---------------------------------------------------------------- calendar events and the rest */

/* An all-day event keeps local midnight; its all_day_date (Canvas derives it) follows start_at. */
static void follow_all_day(struct shift *sh, cJSON *ev)
{
	const char *start = step_str(ev, "start_at");
	struct dates_local l;
	char day[16];
	int64_t t;

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ev, "all_day")) || !cJSON_HasObjectItem(ev, "all_day_date") ||
	    !start || dates_parse(start, &t) || dates_to_local(t, sh->zone, &l))
		return;
	snprintf(day, sizeof(day), "%04d-%02d-%02d", l.y % 10000, l.m % 13, l.d % 32);
	step_mirror(ev, "all_day_date", cJSON_CreateString(day));
}

static int run_events(struct shift *sh)
{
	cJSON *it;

	cJSON_ArrayForEach(it, step_list(sh->cx, RES_CALENDAR_EVENT)) {
		int r = selected1(sh, RES_CALENDAR_EVENT, it, event_fields);

		if (r < 0)
			return -1;
		if (r && shift_object(sh, RES_CALENDAR_EVENT, it, event_fields))
			follow_all_day(sh, it);
	}
	return 0;
}

/* ---------------------------------------------------------------- dates written as text */

static int text_map(void *ud, int64_t day, int64_t *out)
{
	struct shift *sh = ud;

	if (sh->text_only) {
		/* the fields were moved by an earlier run (rerun.c): a date in the old term moves, one in
		 * the new term was moved with them, one in both or neither cannot be told (listed) */
		int in_old = day >= sh->ds.from_start && day <= sh->ds.from_end;
		int in_new = day >= sh->ds.to_start && day <= sh->ds.to_end;

		if (in_old == in_new)
			return -1;
		if (in_new) {
			*out = day;
			return 0;
		}
	}
	*out = dateshift_map_day(&sh->ds, day);
	return 0;
}

/* A local calendar day of an ISO instant in zone: 0 with *day set, or -1. */
static int local_day(const char *iso, const char *zone, int64_t *day)
{
	struct dates_local l;
	int64_t t;

	if (!iso || dates_parse(iso, &t) || dates_to_local(t, zone, &l))
		return -1;
	*day = dateshift_days_from_civil(l.y, l.m, l.d);
	return 0;
}

/* The term a date written without a year belongs to (textdates.c's rule): the step's `from:` term,
 * else the course's start and end dates as they were before this step, else none. */
static void text_term(struct shift *sh, struct td_opts *o)
{
	o->loc = sh->m->text_locale;
	if (sh->m->mode == RSHIFT_TERM) {
		o->ref_first = sh->ds.from_start;
		o->ref_last = sh->ds.from_end;
		o->has_ref = 1;
	} else if (!local_day(step_str(sh->cx->course, "start_at"), sh->zone, &o->ref_first) &&
		   !local_day(step_str(sh->cx->course, "end_at"), sh->zone, &o->ref_last) &&
		   o->ref_first <= o->ref_last) {
		o->has_ref = 1;
	}
}

/* One field: every mention moved (one change, noted "N dates"), every problem a warning. */
static void text_field(struct shift *sh, const struct td_opts *base, const struct step_text_field *f, cJSON *obj,
		       const char *name)
{
	const char *text = step_str(obj, f->field);
	struct td_opts o = *base;
	struct td_mention *v = NULL;
	size_t n = 0, moved = 0, outlen, i, nblack = 0;
	char note[96];
	char *out;

	if (!text)
		return;
	o.html = f->html;
	out = td_rewrite(text, strlen(text), &o, text_map, sh, &outlen, &v, &n, &moved);
	for (i = 0; sh->text_only && i < n; i++)
		if (!strncmp(v[i].problem, "the date cannot be moved", 24))
			snprintf(v[i].problem, sizeof(v[i].problem), "the dates were moved by an earlier run and this "
				 "one is in %s term, so whether it moved with them cannot be told",
				 v[i].day >= sh->ds.from_start && v[i].day <= sh->ds.from_end ? "both the old and the new"
											      : "neither the old nor the new");
	if (out && !f->write) {
		/* a page title: list what would have moved */
		for (i = 0; i < n; i++)
			if (!v[i].problem[0] && (v[i].to != v[i].day || v[i].to2 != v[i].day2))
				snprintf(v[i].problem, sizeof(v[i].problem), "a page's title is not changed: Canvas would "
					 "change the page's url with it, and every link to the page");
		free(out);
		out = NULL;
	}
	for (i = 0; i < n; i++) {
		char *msg;

		if (!v[i].problem[0])
			continue;
		msg = step_text_left(sh->cx, f, obj, name, text, v[i].start, v[i].end, v[i].problem);
		plan_add_warning(sh->cx->plan, sh->cx->step, sh->cx->course_id, NULL, msg);
		free(msg);
	}
	for (i = 0; out && i < n; i++) {
		long bi = -1, bi2 = -1;

		if (v[i].problem[0] || (v[i].to == v[i].day && v[i].to2 == v[i].day2))
			continue;
		dateshift_map_day_why(&sh->ds, v[i].day, NULL, &bi);
		dateshift_map_day_why(&sh->ds, v[i].day2, NULL, &bi2);
		nblack += bi >= 0 || bi2 >= 0;
	}
	free(v);
	if (!out)
		return;
	if (nblack)
		snprintf(note, sizeof(note), "%zu date%s written in the text (%zu moved out of a blackout)", moved,
			 moved == 1 ? "" : "s", nblack);
	else
		snprintf(note, sizeof(note), "%zu date%s written in the text", moved, moved == 1 ? "" : "s");
	step_set(sh->cx, f->kind, obj, f->field, step_string_take(out), note);
}

struct text_ud {
	struct shift *sh;
	const struct td_opts *o;
};

static void text_one(const struct step_text_field *f, cJSON *obj, const char *name, void *ud)
{
	const struct text_ud *t = ud;

	text_field(t->sh, t->o, f, obj, name);
}

/* The object's fields (and a module's text headers); warnings name it as it was before this pass
 * renamed it. */
static void text_object(struct shift *sh, const struct td_opts *o, enum resource_kind kind, cJSON *obj)
{
	struct text_ud t = { sh, o };

	step_text_object(kind, obj, text_one, &t);
}

static void run_text(struct shift *sh, const struct td_opts *o)
{
	size_t i;

	for (i = 0; i < sh->npicked; i++)
		text_object(sh, o, sh->picked[i].kind, sh->picked[i].obj);
	if (sh->m->text_syllabus)
		text_object(sh, o, RES_COURSE, sh->cx->course);
}

static int run(struct shift *sh)
{
	unsigned only = sh->m->only;
	struct td_opts text;

	memset(&text, 0, sizeof(text));
	if (sh->m->text_locale)
		text_term(sh, &text);   /* before course_dates moves the course's own */

	if ((only & (RSHIFT_ASSIGNMENTS | RSHIFT_QUIZZES | RSHIFT_DISCUSSIONS)) &&
	    run_linked(sh, step_list(sh->cx, RES_ASSIGNMENT)))
		return -1;
	if ((only & RSHIFT_ANNOUNCEMENTS) && shift_list(sh, RES_ANNOUNCEMENT, ann_fields))
		return -1;
	if ((only & RSHIFT_MODULES) && shift_list(sh, RES_MODULE, module_fields))
		return -1;
	if ((only & RSHIFT_PAGES) && shift_list(sh, RES_PAGE, page_fields))
		return -1;
	if ((only & RSHIFT_CALENDAR_EVENTS) && run_events(sh))
		return -1;
	if (sh->m->text_locale)
		run_text(sh, &text);
	if (sh->m->course_dates)
		shift_object(sh, RES_COURSE, sh->cx->course, course_fields);
	return sh->err->code ? -1 : 0;
}

static void add_blackouts(struct step_ctx *cx, const struct rshift_dates *m)
{
	size_t i;

	for (i = 0; i < m->nblackouts; i++) {
		const struct rdate *a = &m->blackouts[i].start, *b = &m->blackouts[i].end;
		char start[16], end[16];

		snprintf(start, sizeof(start), "%04d-%02d-%02d", a->y % 10000, a->m % 100, a->d % 100);
		snprintf(end, sizeof(end), "%04d-%02d-%02d", b->y % 10000, b->m % 100, b->d % 100);
		plan_add_blackout(cx->plan, cx->step, NULL, start, end);
	}
}

static int shift_dates(struct step_ctx *cx, const struct rshift_dates *m, int text_only, struct err *err)
{
	struct shift sh;
	int rc;

	memset(&sh, 0, sizeof(sh));
	sh.text_only = text_only;
	sh.cx = cx;
	sh.m = m;
	sh.err = err;
	sh.zone = m->time_zone ? m->time_zone : cx->time_zone;
	if (!sh.zone || !*sh.zone)
		return err_set(err, ERR_RECIPE,
			       "%s:%d:%d: course %s has no time zone, so its dates have no local time to keep; give "
			       "the step a time_zone:", m->pos.file, m->pos.line, m->pos.col, cx->course_id);
	if (!m->time_zone && !dates_zone_valid(sh.zone))
		return err_set(err, ERR_RECIPE,
			       "%s:%d:%d: course %s has the time zone '%.100s', which is not in the system's zone "
			       "database; give the step a time_zone:", m->pos.file, m->pos.line, m->pos.col,
			       cx->course_id, sh.zone);
	if (dateshift_init(&sh.ds, m, sh.zone, err))
		return -1;
	add_blackouts(cx, m);
	rc = where_prepare(&sh) ? -1 : run(&sh);
	free(sh.ranges);
	free(sh.ids);
	free(sh.picked);
	dateshift_release(&sh.ds);
	return rc;
}

int step_shift_dates(struct step_ctx *cx, const void *model, struct err *err)
{
	return shift_dates(cx, model, 0, err);
}

int step_shift_dates_text(struct step_ctx *cx, const void *model, struct err *err)
{
	const struct rshift_dates *m = model;

	if (!m->text_locale || m->mode != RSHIFT_TERM)
		return 0;
	return shift_dates(cx, m, 1, err);
}

unsigned step_shift_dates_needs(const void *model)
{
	const struct rshift_dates *m = model;
	unsigned k = 0;

	if (m->only & (RSHIFT_ASSIGNMENTS | RSHIFT_QUIZZES | RSHIFT_DISCUSSIONS))
		k |= 1u << RES_ASSIGNMENT;
	if (m->only & RSHIFT_QUIZZES)
		k |= 1u << RES_QUIZ;
	if (m->only & RSHIFT_DISCUSSIONS)
		k |= 1u << RES_DISCUSSION_TOPIC;
	if (m->only & RSHIFT_ANNOUNCEMENTS)
		k |= 1u << RES_ANNOUNCEMENT;
	if (m->only & RSHIFT_MODULES)
		k |= 1u << RES_MODULE;
	if (m->only & RSHIFT_PAGES)
		k |= 1u << RES_PAGE;
	if (m->only & RSHIFT_CALENDAR_EVENTS)
		k |= 1u << RES_CALENDAR_EVENT;
	if (m->text_syllabus)
		k |= 1u << RES_COURSE;
	return k;
}

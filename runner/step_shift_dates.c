/* runner/step_shift_dates.c -- the `shift_dates` step: every date of the selected objects, moved by
 * the date engine (include/dateshift.h) in the course's local time.
 *
 * Coverage (issue 6, API.md 10.2), each field only when it holds a date:
 *   assignments        due_at, unlock_at, lock_at, peer_reviews_due_at, and every override's
 *                      due_at, unlock_at, lock_at (overrides: true, the default)
 *   quizzes            show_correct_answers_at, hide_correct_answers_at; due/unlock/lock_at too
 *                      when the quiz has no assignment in the course (ungraded surveys)
 *   discussions        delayed_post_at, todo_date, and lock_at unless graded
 *   announcements      delayed_post_at, lock_at
 *   modules            unlock_at
 *   pages              todo_date (Canvas writes it as student_todo_at), publish_at
 *   calendar_events    start_at, end_at (all-day events keep local midnight; all_day_date follows)
 *   the course         start_at, end_at with course_dates: true
 *
 * One object, one shift. A classic quiz or a graded discussion and its assignment are one object
 * in Canvas, which keeps their dates equal (API.md 5.1). Shifting both would write the same dates
 * twice, and the second write's stale check would fail on the first's mirror. So the dates live on
 * the assignment (which carries the overrides, and which apply can write in bulk): the assignment
 * of a quiz counts as a quiz for `only:` and `where:`, the quiz's own copies are updated in the
 * working copy without a change of their own (step_mirror), and a graded topic's lock_at is left
 * to Canvas's sync the same way.
 *
 * Problems. Shifting can turn a valid order into an invalid one (weekday snapping and blackouts
 * move dates by different amounts): an unlock after the due date, a lock before it, an event
 * ending before it starts. Such an object is not changed at all, and the plan lists it as skipped
 * with the dates it would have had, so the user sees it and fixes the recipe (an order that was
 * already invalid before the shift is kept as Canvas has it). Silently writing half an object's
 * dates was rejected: it would leave the object inconsistent in a new way.
 *
 * where: is matched against the dates as they were before this step (recipe_shift_dates.h).
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
#include "recipe_shift_dates.h"
#include "xalloc.h"

#define MAXF 6

static const char *const asg_fields[] = { "due_at", "unlock_at", "lock_at", "peer_reviews_due_at", NULL };
static const char *const ovr_fields[] = { "due_at", "unlock_at", "lock_at", NULL };
static const char *const quiz_own_fields[] = { "show_correct_answers_at", "hide_correct_answers_at", NULL };
static const char *const quiz_fields[] = { "due_at", "unlock_at", "lock_at", "show_correct_answers_at",
					   "hide_correct_answers_at", NULL };
static const char *const topic_fields[] = { "delayed_post_at", "lock_at", "todo_date", NULL };
static const char *const graded_topic_fields[] = { "delayed_post_at", "todo_date", NULL };
static const char *const ann_fields[] = { "delayed_post_at", "lock_at", NULL };
static const char *const module_fields[] = { "unlock_at", NULL };
static const char *const page_fields[] = { "todo_date", "publish_at", NULL };
static const char *const event_fields[] = { "start_at", "end_at", NULL };
static const char *const course_fields[] = { "start_at", "end_at", NULL };

/* Pairs that must stay in order (first <= second) when both are set. */
static const char *const order_pairs[][2] = {
	{ "unlock_at", "due_at" }, { "due_at", "lock_at" }, { "unlock_at", "lock_at" },
	{ "start_at", "end_at" }, { "show_correct_answers_at", "hide_correct_answers_at" },
	{ "delayed_post_at", "lock_at" },
};

struct shift {
	struct step_ctx *cx;
	const struct rshift_dates *m;
	struct dateshift ds;
	const char *zone;
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
	if (step_date_utc(&x, zone, buf, err) || dates_parse(buf, t))
		return -1;
	return 0;
}

static int in_range(const struct shift *sh, const struct rwhere_range *r, const char *iso, int *yes)
{
	int64_t t, a, b;

	*yes = 0;
	if (!iso || dates_parse(iso, &t))
		return 0;
	if (r->has_after && (range_end(&r->after, sh->zone, 0, &a, sh->err)))
		return -1;
	if (r->has_before && (range_end(&r->before, sh->zone, 1, &b, sh->err)))
		return -1;
	*yes = (!r->has_after || t >= a) && (!r->has_before || t <= b);
	return 0;
}

/* 1 when obj (of kind, with date fields `fields`) passes where, 0 when not, -1 on error. */
static int selected(struct shift *sh, enum resource_kind kind, const cJSON *obj, const char *const *fields)
{
	const struct rwhere *w = sh->m->where;
	const cJSON *v;
	size_t i;
	int yes, any;

	if (!w)
		return 1;
	if (w->name) {
		const char *name = step_name(kind, obj);
		char what[160];
		int r;

		snprintf(what, sizeof(what), "%s '%.100s' name", resource_get(kind)->name, name);
		r = step_regex_match(w->name, name, strlen(name), what, sh->err);
		if (r <= 0)
			return r;
	}
	if (w->nids) {
		v = cJSON_GetObjectItemCaseSensitive(obj, "id");
		for (i = 0; i < w->nids && !(cJSON_IsNumber(v) && v->valuedouble == (double)w->ids[i]); i++)
			;
		if (i == w->nids)
			return 0;
	}
	if (w->published >= 0) {
		v = cJSON_GetObjectItemCaseSensitive(obj, "published");
		if (!cJSON_IsBool(v) || cJSON_IsTrue(v) != w->published)
			return 0;
	}
	for (i = 0; i < w->nranges; i++) {
		const struct rwhere_range *r = &w->ranges[i];
		const char *const *f;

		any = 0;
		for (f = fields; *f && !any; f++) {
			if (strcmp(r->field, "dates") && strcmp(r->field, *f))
				continue;
			if (in_range(sh, r, step_str(obj, *f), &yes))
				return -1;
			any = yes;
		}
		if (!any)
			return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- one object */

struct newdates {
	const char *field[MAXF];
	char value[MAXF][32];
	int n;
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
			return nd->value[i];
	return step_str(obj, field);
}

/* 1 when a and b are both dates and a is after b. */
static int after(const char *a, const char *b)
{
	int64_t x, y;

	return a && b && !dates_parse(a, &x) && !dates_parse(b, &y) && x > y;
}

/* An order the shift would break: writes the reason and returns 1. */
static int broken_order(const struct shift *sh, const cJSON *obj, const struct newdates *nd, char *why, size_t len)
{
	size_t i;
	char la[48], lb[48];

	for (i = 0; i < sizeof(order_pairs) / sizeof(order_pairs[0]); i++) {
		const char *f1 = order_pairs[i][0], *f2 = order_pairs[i][1];
		const char *a = after_value(obj, nd, f1), *b = after_value(obj, nd, f2);

		if (!after(a, b) || after(step_str(obj, f1), step_str(obj, f2)))
			continue;
		fmt_local(sh, a, la);
		fmt_local(sh, b, lb);
		snprintf(why, len, "after the shift %s (%s) would come after %s (%s); the object's dates are left "
			 "as they are", f1, la, f2, lb);
		return 1;
	}
	return 0;
}

/* Shift `fields` of obj. Returns 0, or -1 with sh->err set. */
static int shift_object(struct shift *sh, enum resource_kind kind, cJSON *obj, const char *const *fields)
{
	struct newdates nd;
	const char *const *f;
	char why[400];
	int i;

	memset(&nd, 0, sizeof(nd));
	for (f = fields; *f && nd.n < MAXF; f++) {
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
		nd.field[nd.n] = *f;
		dates_format_utc(out, nd.value[nd.n]);
		nd.n++;
	}
	if (!nd.n)
		return 0;
	if (broken_order(sh, obj, &nd, why, sizeof(why))) {
		step_skip(sh->cx, kind, obj, NULL, "%s", why);
		return 0;
	}
	for (i = 0; i < nd.n; i++)
		step_set_string(sh->cx, kind, obj, nd.field[i], nd.value[i], NULL);
	return 0;
}

/* ---------------------------------------------------------------- kinds */

/* An assignment and its overrides. */
static int shift_assignment(struct shift *sh, cJSON *a)
{
	cJSON *ov;
	const cJSON *ovs;
	int r = selected(sh, RES_ASSIGNMENT, a, asg_fields);

	if (r <= 0)
		return r;
	if (shift_object(sh, RES_ASSIGNMENT, a, asg_fields))
		return -1;
	if (!sh->m->overrides)
		return 0;
	ovs = cJSON_GetObjectItemCaseSensitive(a, "overrides");
	cJSON_ArrayForEach(ov, ovs) {
		if (!cJSON_HasObjectItem(ov, "assignment_id"))
			cJSON_AddItemToObject(ov, "assignment_id", cJSON_Duplicate(cJSON_GetObjectItem(a, "id"), 1));
		if (shift_object(sh, RES_ASSIGNMENT_OVERRIDE, ov, ovr_fields))
			return -1;
	}
	return 0;
}

/* Copy the assignment's dates to the quiz or topic that mirrors them, in the working copy only. */
static void mirror(cJSON *to, const cJSON *from, const char *const *fields)
{
	const char *const *f;
	const cJSON *v;

	for (f = fields; *f; f++)
		if ((v = cJSON_GetObjectItemCaseSensitive(from, *f)) && cJSON_HasObjectItem(to, *f))
			step_mirror(to, *f, cJSON_Duplicate(v, 1));
}

static int shift_list(struct shift *sh, enum resource_kind kind, const char *const *fields)
{
	cJSON *it, *list = step_list(sh->cx, kind);

	cJSON_ArrayForEach(it, list) {
		int r = selected(sh, kind, it, fields);

		if (r < 0 || (r && shift_object(sh, kind, it, fields)))
			return -1;
	}
	return 0;
}

/* Whose dates an assignment carries: RSHIFT_QUIZZES for a classic quiz's, RSHIFT_DISCUSSIONS for
 * a graded topic's (their submission_types say so, API.md 5.1), else RSHIFT_ASSIGNMENTS. */
static unsigned owner_of(const cJSON *a)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(a, "submission_types")) {
		const char *s = cJSON_GetStringValue(t);

		if (s && !strcmp(s, "online_quiz"))
			return RSHIFT_QUIZZES;
		if (s && !strcmp(s, "discussion_topic"))
			return RSHIFT_DISCUSSIONS;
	}
	return RSHIFT_ASSIGNMENTS;
}

struct idpos {
	double id;
	cJSON *obj;
};

static int cmp_idpos(const void *a, const void *b)
{
	const struct idpos *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The assignments by id, sorted, for the quiz and topic links (one lookup each, not a scan). */
static struct idpos *index_ids(cJSON *arr, size_t *n)
{
	struct idpos *v = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*v));
	cJSON *it;

	*n = 0;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");

		if (cJSON_IsNumber(id)) {
			v[*n].id = id->valuedouble;
			v[(*n)++].obj = it;
		}
	}
	qsort(v, *n, sizeof(*v), cmp_idpos);
	return v;
}

static cJSON *find_id(const struct idpos *v, size_t n, const cJSON *id)
{
	struct idpos key, *hit;

	if (!cJSON_IsNumber(id) || !n)
		return NULL;
	key.id = id->valuedouble;
	hit = bsearch(&key, v, n, sizeof(*v), cmp_idpos);
	return hit ? hit->obj : NULL;
}

static int run_linked(struct shift *sh, cJSON *asgs)
{
	unsigned only = sh->m->only;
	cJSON *quizzes = (only & RSHIFT_QUIZZES) ? step_list(sh->cx, RES_QUIZ) : NULL;
	cJSON *topics = (only & RSHIFT_DISCUSSIONS) ? step_list(sh->cx, RES_DISCUSSION_TOPIC) : NULL;
	cJSON *it, *a;
	size_t n;
	struct idpos *ix = index_ids(asgs, &n);
	int rc = -1;

	cJSON_ArrayForEach(it, asgs) {
		if ((only & owner_of(it)) && shift_assignment(sh, it))
			goto done;
	}
	cJSON_ArrayForEach(it, quizzes) {
		a = find_id(ix, n, cJSON_GetObjectItemCaseSensitive(it, "assignment_id"));
		if (a)
			mirror(it, a, ovr_fields);
		if (selected(sh, RES_QUIZ, it, quiz_fields) > 0 &&
		    shift_object(sh, RES_QUIZ, it, a ? quiz_own_fields : quiz_fields))
			goto done;
	}
	cJSON_ArrayForEach(it, topics) {
		a = find_id(ix, n, cJSON_GetObjectItemCaseSensitive(it, "assignment_id"));
		if (a)
			mirror(it, a, (const char *const[]){ "lock_at", NULL });
		if (selected(sh, RES_DISCUSSION_TOPIC, it, topic_fields) > 0 &&
		    shift_object(sh, RES_DISCUSSION_TOPIC, it, a ? graded_topic_fields : topic_fields))
			goto done;
	}
	rc = sh->err->code ? -1 : 0;
done:
	free(ix);
	return rc;
}

static int run(struct shift *sh)
{
	unsigned only = sh->m->only;
	cJSON *it;

	if ((only & (RSHIFT_ASSIGNMENTS | RSHIFT_QUIZZES | RSHIFT_DISCUSSIONS)) &&
	    run_linked(sh, step_list(sh->cx, RES_ASSIGNMENT)))
		return -1;
	if ((only & RSHIFT_ANNOUNCEMENTS) && shift_list(sh, RES_ANNOUNCEMENT, ann_fields))
		return -1;
	if ((only & RSHIFT_MODULES) && shift_list(sh, RES_MODULE, module_fields))
		return -1;
	if ((only & RSHIFT_PAGES) && shift_list(sh, RES_PAGE, page_fields))
		return -1;
	if ((only & RSHIFT_CALENDAR_EVENTS)) {
		if (shift_list(sh, RES_CALENDAR_EVENT, event_fields))
			return -1;
		cJSON_ArrayForEach(it, step_list(sh->cx, RES_CALENDAR_EVENT)) {
			const char *start = step_str(it, "start_at");
			int64_t t;
			struct dates_local l;
			char day[16];

			if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "all_day")) || !start ||
			    dates_parse(start, &t) || dates_to_local(t, sh->zone, &l))
				continue;
			snprintf(day, sizeof(day), "%04d-%02d-%02d", l.y % 10000, l.m % 13, l.d % 32);
			if (cJSON_HasObjectItem(it, "all_day_date"))
				step_mirror(it, "all_day_date", cJSON_CreateString(day));
		}
	}
	if (sh->m->course_dates && shift_object(sh, RES_COURSE, sh->cx->course, course_fields))
		return -1;
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

int step_shift_dates(struct step_ctx *cx, const struct rshift_dates *m, struct err *err)
{
	struct shift sh;
	int rc;

	memset(&sh, 0, sizeof(sh));
	sh.cx = cx;
	sh.m = m;
	sh.err = err;
	sh.zone = m->time_zone ? m->time_zone : cx->time_zone;
	if (!sh.zone)
		return err_set(err, ERR_RECIPE,
			       "%s:%d:%d: course %s has no time zone, so its dates have no local time to keep; give "
			       "the step a time_zone:", m->pos.file, m->pos.line, m->pos.col, cx->course_id);
	if (dateshift_init(&sh.ds, m, sh.zone, err))
		return -1;
	add_blackouts(cx, m);
	rc = run(&sh);
	dateshift_release(&sh.ds);
	return rc;
}

unsigned step_shift_dates_needs(const struct rshift_dates *m)
{
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
	return k;
}

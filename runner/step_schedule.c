/* runner/step_schedule.c -- the `schedule` step (issue 19): dates stated against a term calendar
 * ("Problem Set N is due Thursday of week N at 23:59"), compiled into ordinary absolute changes,
 * so dry-run, apply, resume and rollback treat them as any other step's.
 *
 * In a course, in this order:
 *   1. The calendar (include/termcal.h): the recipe's term, or the course's start_at and end_at as
 *      local days in the zone (the step's time_zone, else the course's). Breaks go into the plan as
 *      blackouts (plan_add_blackout), so the HTML calendar stripes them, and the term with its
 *      teaching weeks as a term (plan_add_term), so it numbers the weeks.
 *   2. Claims: every rule selects objects of its kinds by where: (name/title regex, id, published);
 *      the name regex's capture groups are kept for the weeks ($1). Which object a kind means:
 *        assignments  an assignment that is neither a quiz's nor a discussion's (API.md 5.1)
 *        quizzes      a classic quiz (its dates on its assignment when it has one, else its own:
 *                     an ungraded survey), and a New Quiz (is_quiz_lti_assignment, issue 15)
 *        discussions  a graded discussion: its dates are its assignment's (an ungraded topic has
 *                     no due date and is not selected)
 *        modules, pages   the object itself (modules: unlock_at; pages: todo_date, publish_at)
 *      The dates of a quiz or a graded topic live on the assignment (one object in Canvas, as in
 *      step_shift_dates.c): that is what is claimed and written; the quiz's copies follow in the
 *      working copy (step_mirror). An object claimed by two rules stops the plan with an error
 *      naming both rules (file:line:col) and the object: which rule should win is the user's call,
 *      and "the first" or "the last" would silently depend on the order of the list.
 *   3. Each claim's dates, in the rule's field order (bases first): a week's weekday at a local
 *      time (termcal_day, then termcal_settle out of breaks, then termcal_instant: "23:59" stays
 *      23:59 across DST), or another field of the same object plus N local days (the wall-clock
 *      time kept, dates_from_local) or hours/minutes (exact). A relative field whose base is empty
 *      is skipped with the reason; a week the term does not have, or a capture that is not a
 *      number, skips the object.
 *   4. Order: unlock_at <= due_at <= lock_at on the dates the object would have. A rule that would
 *      break it leaves the object (with its overrides and quiz) as it is and the plan lists it as
 *      skipped, with both dates and the rule: Canvas refuses a due date outside the availability
 *      dates ("must be between availability dates": AbstractAssignment's `validate :due_date_ok?`,
 *      canvas-lms app/models/abstract_assignment.rb, skipped only when the assignment has active
 *      overrides), so the bulk update would fail, and half an object's dates would be a new inconsistency.
 *   5. Overrides (assignments): with `overrides: follow` (the default) each override date of a field
 *      the rule changed keeps its offset in LOCAL DAYS from the base's date and its own local time
 *      (a section due a day later stays a day later, at its own hour). An override date whose base
 *      was empty has no offset and is skipped with the reason.
 *   6. Closed grading periods (runner/plan_grading.c, read for a recipe with a schedule too): an
 *      assignment due in one now, or whose new due date or an override's falls in one, keeps its
 *      dates with the reason, as in step_shift_dates.c: Canvas refuses the change to a teacher and
 *      would refuse the whole bulk update with it.
 * Every change's note names its rule, how many objects that rule matched in the course and the
 * week and day it computed ("rule 'Problem sets' (12 matched): week 4, Thu"); a rule that matches
 * nothing in a course is a plan warning, like a where: that selects nothing (plan_build.c).
 *
 * A checkpointed discussion (its due dates are its two checkpoints', step_shift_dates.c) is skipped
 * with the reason: a rule's one due_at does not say which checkpoint it means.
 * Dates written as text (text:, the finder is runner/textdates.c as in step_shift_dates.c). A
 * schedule has no single day mapping: each object's fields move by their own rule. So after every
 * claim is placed, the text of each claimed object (the quiz or topic of an assignment: Canvas
 * copies their title and description to it; a module's text headers; a page's title listed only),
 * then the syllabus, has each written date resolved by the first of (resolve()):
 *   1. the object's own moves: the old local day of a field its rule wrote -> that field's new day
 *      (record_pairs, before the write); fields on one day that went apart are no answer;
 *   2. the course's table: every claim's moves, sorted (build_pairs); a day all of whose moves
 *      agree goes there -- what lets a syllabus row follow the object it names;
 *   3. text.from, the old term as a termcal: old teaching week N, weekday W -> the new term's
 *      week N, weekday W, settled out of the breaks like a rule's date (the schedule's own notion
 *      of "the same point of the term");
 *   4. a day inside the new term already stays (a second plan after the apply plans nothing);
 * else the mention is a plan warning with the reason (no guess). Rejected: a single course-wide
 * mapping (which would move "due Sep 11" on Problem Set 3 to wherever the term mapping says,
 * not to where its due date went), and moving an object's text by its own fields only (a
 * syllabus has no fields). A date without a year belongs to text.from, else to the span of the
 * days moved from, else to the course's dates. td_rewrite's generic "cannot be moved" problem is
 * replaced by resolve()'s reason. The text pass reads the claims' moves, so it runs after them.
 * Left to later: announcements, ungraded discussions, calendar events, checkpoint due dates.
 */
#include "step.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dates.h"
#include "dateshift.h"
#include "jsonid.h"
#include "plan_grading.h"
#include "recipe_schedule.h"
#include "termcal.h"
#include "textdates.h"
#include "xalloc.h"

#define MAXF 4
#define NGROUPS 10

static const char *const wdname[] = { "", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const order_pairs[][2] = {
	{ "unlock_at", "due_at" }, { "due_at", "lock_at" }, { "unlock_at", "lock_at" },
};
static const char *const ovr_fields[] = { "due_at", "unlock_at", "lock_at", NULL };

struct claim {
	cJSON *obj;               /* what is written: an assignment, quiz, module or page */
	enum resource_kind kind;
	cJSON *quiz;              /* a classic quiz mirroring obj's dates, or NULL */
	cJSON *tobj;              /* text: whose name and body hold its written dates (the quiz or topic
				   * of an assignment: Canvas copies them to it), kind tkind */
	enum resource_kind tkind;
	int64_t oldd[MAXF], newd[MAXF];   /* text: the local days its written fields moved from, to */
	int npairs;
	size_t rule;
	size_t seq;               /* the order it was claimed in (rules in order, each kind's list) */
	long cap[NGROUPS];        /* capture groups as numbers */
	unsigned char has[NGROUPS];   /* 1: matched, 2: matched but not a number */
	char text[NGROUPS][24];   /* what a group captured (for messages) */
};

/* One date field's move, as local days (text: the course's table). */
struct pair {
	int64_t from, to;
};

struct sched {
	struct step_ctx *cx;
	const struct rschedule *m;
	struct termcal cal;
	const char *zone;
	struct claim *claims;
	size_t nclaims, alloc;
	size_t *count;            /* per rule */
	struct err *err;
	/* text: */
	struct pair *pairs;       /* every claim's (old day, new day), sorted by old day */
	size_t npairs;
	struct termcal oldcal;    /* text.from, when given */
	int has_oldcal;
};


/* ---------------------------------------------------------------- the calendar */

static int64_t rdate_day(const struct rdate *d)
{
	return dateshift_days_from_civil(d->y, d->m, d->d);
}

/* The local day of an ISO instant in zone into *day. 0 or -1. */
static int local_day(const char *iso, const char *zone, int64_t *day)
{
	struct dates_local l;
	int64_t t;

	if (!iso || dates_parse(iso, &t) || dates_to_local(t, zone, &l))
		return -1;
	*day = dateshift_days_from_civil(l.y, l.m, l.d);
	return 0;
}

static void day_text(int64_t day, char out[16])
{
	int y, m, d;

	dateshift_civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
}

/* The course's term and its teaching weeks into the plan, for the HTML calendar's week numbers. */
static void record_term(struct sched *sh)
{
	char **weeks = xcalloc((size_t)sh->cal.nweeks + 1, sizeof(*weeks)), start[16], end[16];
	int i;

	for (i = 0; i < sh->cal.nweeks; i++) {
		weeks[i] = xmalloc(16);
		day_text(sh->cal.week[i], weeks[i]);
	}
	day_text(sh->cal.start, start);
	day_text(sh->cal.end, end);
	plan_add_term(sh->cx->plan, sh->cx->step, sh->cx->course_id, start, end, weeks, (size_t)sh->cal.nweeks);
	for (i = 0; i < sh->cal.nweeks; i++)
		free(weeks[i]);
	free(weeks);
}

static int calendar(struct sched *sh)
{
	const struct rschedule *m = sh->m;
	struct termcal_break *b = xcalloc(m->nbreaks + 1, sizeof(*b));
	struct err e = ERR_INIT;
	int64_t start, end;
	size_t i;
	int rc;

	for (i = 0; i < m->nbreaks; i++) {
		char s[16], en[16];

		b[i].start = rdate_day(&m->breaks[i].start);
		b[i].end = rdate_day(&m->breaks[i].end);
		b[i].before = m->breaks[i].before;
		snprintf(s, sizeof(s), "%04d-%02d-%02d", m->breaks[i].start.y % 10000, m->breaks[i].start.m % 100,
			 m->breaks[i].start.d % 100);
		snprintf(en, sizeof(en), "%04d-%02d-%02d", m->breaks[i].end.y % 10000, m->breaks[i].end.m % 100,
			 m->breaks[i].end.d % 100);
		plan_add_blackout(sh->cx->plan, sh->cx->step, NULL, s, en);
	}
	if (m->has_term) {
		start = rdate_day(&m->start);
		end = rdate_day(&m->end);
	} else if (local_day(step_str(sh->cx->course, "start_at"), sh->zone, &start) ||
		   local_day(step_str(sh->cx->course, "end_at"), sh->zone, &end)) {
		free(b);
		return err_set(sh->err, ERR_RECIPE, "%s:%d:%d: course %s has no start and end dates to number the "
			       "weeks from; give the schedule a term: {start: DATE, end: DATE}", m->pos.file,
			       m->pos.line, m->pos.col, sh->cx->course_id);
	}
	rc = termcal_init(&sh->cal, start, end, m->weeks_start_on, b, m->nbreaks, &e);
	free(b);
	if (rc)
		return err_set(sh->err, ERR_RECIPE, "%s:%d:%d: course %s: %.300s", m->pos.file, m->pos.line,
			       m->pos.col, sh->cx->course_id, e.msg);
	record_term(sh);
	return 0;
}

/* ---------------------------------------------------------------- selecting */

static int where_ok(const struct rwhere *w, enum resource_kind kind, const cJSON *obj, const cJSON *alt)
{
	size_t i;
	int yes = 0;

	if (!w)
		return 1;
	if (w->nids) {
		const char *idf = kind == RES_PAGE ? "page_id" : "id";
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, idf);
		const cJSON *b = alt ? cJSON_GetObjectItemCaseSensitive(alt, "id") : NULL;

		long long av = -1, bv = -1;

		if (jsonid_ll(a, &av))   /* a number, or a string id above 2^53 (jsonid.h) */
			av = -1;
		if (jsonid_ll(b, &bv))
			bv = -1;
		for (i = 0; i < w->nids && !yes; i++)
			yes = (av >= 0 && av == w->ids[i]) || (bv >= 0 && bv == w->ids[i]);
		if (!yes)
			return 0;
	}
	if (w->published >= 0) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "published");

		if (!cJSON_IsBool(v) || cJSON_IsTrue(v) != w->published)
			return 0;
	}
	return 1;
}

/* Claim obj for rule r when its where: holds on `name`. 0, or -1 with err set. */
static int consider(struct sched *sh, size_t r, enum resource_kind kind, cJSON *obj, cJSON *quiz,
		    enum resource_kind nkind, cJSON *nobj)
{
	const struct rsched_rule *ru = &sh->m->rules[r];
	const char *name = step_name(nkind, nobj);
	size_t ov[20];
	struct claim *c;
	int g;

	if (!where_ok(ru->where, kind, obj, quiz))
		return 0;
	if (ru->where && ru->where->name) {
		char what[160];
		int yes;

		snprintf(what, sizeof(what), "%s '%.100s' name", resource_get(nkind)->name, name);
		yes = step_regex_capture(ru->where->name, name, strlen(name), ov, what, sh->err);
		if (yes <= 0)
			return yes;
	} else {
		for (g = 0; g < 20; g++)
			ov[g] = SIZE_MAX;
	}
	if (sh->nclaims == sh->alloc) {
		sh->alloc = sh->alloc ? 2 * sh->alloc : 32;
		sh->claims = xrealloc(sh->claims, sh->alloc * sizeof(*sh->claims));
	}
	c = &sh->claims[sh->nclaims++];
	memset(c, 0, sizeof(*c));
	c->obj = obj;
	c->kind = kind;
	c->quiz = quiz;
	c->tobj = nobj;
	c->tkind = nkind;
	c->rule = r;
	c->seq = sh->nclaims - 1;
	for (g = 0; g < NGROUPS; g++) {
		char *end;
		size_t n;

		if (ov[2 * g] == SIZE_MAX)
			continue;
		n = ov[2 * g + 1] - ov[2 * g];
		snprintf(c->text[g], sizeof(c->text[g]), "%.*s", (int)(n < 20 ? n : 20), name + ov[2 * g]);
		c->cap[g] = strtol(c->text[g], &end, 10);
		c->has[g] = (n && n < 10 && !*end && end != c->text[g]) ? 1 : 2;
	}
	sh->count[r]++;
	sh->cx->matched++;
	return 0;
}

static int has_type(const cJSON *a, const char *type)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(a, "submission_types"))
		if (cJSON_IsString(t) && !strcmp(t->valuestring, type))
			return 1;
	return 0;
}

static cJSON *find_by_id(cJSON *list, const cJSON *id)
{
	cJSON *it;
	long long want, v;

	if (jsonid_ll(id, &want))
		return NULL;
	cJSON_ArrayForEach(it, list)
		if (!jsonid_ll(cJSON_GetObjectItemCaseSensitive(it, "id"), &v) && v == want)
			return it;
	return NULL;
}

/* 1 when some object of list names assignment a (assignment_id). */
static int named_by(cJSON *list, const cJSON *a)
{
	long long id, v;
	cJSON *it;

	if (jsonid_ll(cJSON_GetObjectItemCaseSensitive(a, "id"), &id))
		return 0;
	cJSON_ArrayForEach(it, list)
		if (!jsonid_ll(cJSON_GetObjectItemCaseSensitive(it, "assignment_id"), &v) && v == id)
			return 1;
	return 0;
}

static int select_rule(struct sched *sh, size_t r)
{
	const struct rsched_rule *ru = &sh->m->rules[r];
	struct step_ctx *cx = sh->cx;
	cJSON *asgs = step_list(cx, RES_ASSIGNMENT), *it;
	cJSON *quizzes = NULL, *topics = NULL;

	if (ru->kinds & (RSCHED_ASSIGNMENTS | RSCHED_QUIZZES | RSCHED_DISCUSSIONS)) {
		quizzes = step_list(cx, RES_QUIZ);
		topics = step_list(cx, RES_DISCUSSION_TOPIC);
	}
	if (ru->kinds & RSCHED_ASSIGNMENTS)
		cJSON_ArrayForEach(it, asgs) {
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "is_quiz_lti_assignment")) ||
			    has_type(it, "online_quiz") || has_type(it, "discussion_topic") || named_by(quizzes, it) ||
			    named_by(topics, it))
				continue;
			if (consider(sh, r, RES_ASSIGNMENT, it, NULL, RES_ASSIGNMENT, it))
				return -1;
		}
	if (ru->kinds & RSCHED_QUIZZES) {
		cJSON_ArrayForEach(it, quizzes) {
			cJSON *a = find_by_id(asgs, cJSON_GetObjectItemCaseSensitive(it, "assignment_id"));

			if (a ? consider(sh, r, RES_ASSIGNMENT, a, it, RES_QUIZ, it)
			      : consider(sh, r, RES_QUIZ, it, NULL, RES_QUIZ, it))
				return -1;
		}
		cJSON_ArrayForEach(it, asgs)
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "is_quiz_lti_assignment")) &&
			    consider(sh, r, RES_ASSIGNMENT, it, NULL, RES_ASSIGNMENT, it))
				return -1;
	}
	if (ru->kinds & RSCHED_DISCUSSIONS)
		cJSON_ArrayForEach(it, topics) {
			cJSON *a = find_by_id(asgs, cJSON_GetObjectItemCaseSensitive(it, "assignment_id"));

			if (a && consider(sh, r, RES_ASSIGNMENT, a, NULL, RES_DISCUSSION_TOPIC, it))
				return -1;
		}
	if (ru->kinds & RSCHED_MODULES)
		cJSON_ArrayForEach(it, step_list(cx, RES_MODULE))
			if (consider(sh, r, RES_MODULE, it, NULL, RES_MODULE, it))
				return -1;
	if (ru->kinds & RSCHED_PAGES)
		cJSON_ArrayForEach(it, step_list(cx, RES_PAGE))
			if (consider(sh, r, RES_PAGE, it, NULL, RES_PAGE, it))
				return -1;
	return 0;
}

static int cmp_claim(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	uintptr_t p = (uintptr_t)x->obj, q = (uintptr_t)y->obj;

	if (p != q)
		return p < q ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorted by object to find an object claimed twice, then back in claiming order, so the plan's
 * changes and skips come out in the same order on every run. */
static int check_conflicts(struct sched *sh)
{
	size_t i;

	if (!sh->nclaims)
		return 0;
	qsort(sh->claims, sh->nclaims, sizeof(*sh->claims), cmp_claim);
	for (i = 1; i < sh->nclaims; i++) {
		const struct claim *a = &sh->claims[i - 1], *b = &sh->claims[i];
		const struct rsched_rule *ra, *rb;
		char idb[32];

		if (a->obj != b->obj)
			continue;
		ra = &sh->m->rules[a->rule];
		rb = &sh->m->rules[b->rule];
		return err_set(sh->err, ERR_RECIPE, "%s:%d:%d: %s '%.100s' (id %s) in course %s is claimed by two "
			       "rules: '%.60s' (line %d) and '%.60s' (line %d); narrow one rule's where: so that "
			       "each object has one rule", rb->pos.file, rb->pos.line, rb->pos.col,
			       resource_get(a->kind)->name, step_name(a->kind, a->obj), step_id(a->kind, a->obj, idb),
			       sh->cx->course_id, ra->name, ra->pos.line, rb->name, rb->pos.line);
	}
	qsort(sh->claims, sh->nclaims, sizeof(*sh->claims), cmp_seq);
	return 0;
}

/* ---------------------------------------------------------------- computing */

struct newdates {
	const char *field[MAXF];
	char value[MAXF][32];
	char note[MAXF][160];
	int n;
};

static const char *after_value(const cJSON *obj, const struct newdates *nd, const char *field)
{
	int i;

	for (i = 0; i < nd->n; i++)
		if (!strcmp(nd->field[i], field))
			return nd->value[i];
	return step_str(obj, field);
}

static void fmt_local(const char *zone, const char *iso, char out[48])
{
	struct dates_local l;
	int64_t t;

	if (iso && !dates_parse(iso, &t) && !dates_to_local(t, zone, &l))
		dates_format_local(&l, out);
	else
		snprintf(out, 48, "%.40s", iso ? iso : "none");
}

/* t plus `days` local calendar days, the wall-clock time kept. 0 or -1. */
static int add_local_days(int64_t t, long days, const char *zone, int64_t *out)
{
	struct dates_local l;
	int y, m, d;

	if (dates_to_local(t, zone, &l))
		return -1;
	dateshift_civil_from_days(dateshift_days_from_civil(l.y, l.m, l.d) + days, &y, &m, &d);
	return dates_from_local(y, m, d, l.hh, l.mm, l.ss, zone, out);
}

/* The week of field f of claim c into *week; 0, or 1 with *why set when it has none. */
static int week_of(const struct sched *sh, const struct claim *c, const struct rsched_field *f, long *week,
		   char *why, size_t n)
{
	const struct rsched_rule *ru = &sh->m->rules[c->rule];
	const struct rsched_week *w = f->week.given ? &f->week : &ru->week;

	*week = w->add;
	if (!w->group)
		return 0;
	if (!c->has[w->group]) {
		snprintf(why, n, "capture group $%d of where.name took no part in the match, so there is no week",
			 w->group);
		return 1;
	}
	if (c->has[w->group] == 2) {
		snprintf(why, n, "capture group $%d of where.name is '%s', not a week number", w->group,
			 c->text[w->group]);
		return 1;
	}
	*week += c->cap[w->group];
	return 0;
}

/* Compute the rule's fields for claim c into nd. 0, or 1 when the object is skipped (recorded). */
static int compute(struct sched *sh, const struct claim *c, struct newdates *nd)
{
	const struct rsched_rule *ru = &sh->m->rules[c->rule];
	size_t i;

	for (i = 0; i < ru->nfields && nd->n < MAXF; i++) {
		const struct rsched_field *f = &ru->fields[i];
		char why[200], *note = nd->note[nd->n];
		int64_t t, day, settled;
		long week, brk;

		if (f->relative) {
			const char *base = after_value(c->obj, nd, f->base);

			if (!base || dates_parse(base, &t)) {
				step_skip(sh->cx, c->kind, c->obj, f->field, "rule '%s' sets %s relative to %s, which is "
					  "empty", ru->name, f->field, f->base);
				continue;
			}
			if (f->unit == RSCHED_DAYS ? add_local_days(t, f->amount, sh->zone, &t)
						   : (t += f->amount * (f->unit == RSCHED_HOURS ? 3600 : 60), 0)) {
				step_skip(sh->cx, c->kind, c->obj, f->field, "rule '%s': %s is out of range", ru->name,
					  f->field);
				continue;
			}
			snprintf(note, 160, "rule '%.60s' (%zu matched): %s %+ld %s%s", ru->name, sh->count[c->rule],
				 f->base, f->amount, f->unit == RSCHED_DAYS ? "day" : f->unit == RSCHED_HOURS ?
				 "hour" : "minute", f->amount == 1 || f->amount == -1 ? "" : "s");
		} else {
			if (week_of(sh, c, f, &week, why, sizeof(why))) {
				step_skip(sh->cx, c->kind, c->obj, NULL, "rule '%s': %s; its dates are left as they are",
					  ru->name, why);
				return 1;
			}
			if (week > 0x7fff || termcal_day(&sh->cal, (int)week, f->weekday, &day)) {
				step_skip(sh->cx, c->kind, c->obj, NULL, "rule '%s' puts %s in week %ld, but the term has "
					  "%d teaching week%s; its dates are left as they are", ru->name, f->field, week,
					  sh->cal.nweeks, sh->cal.nweeks == 1 ? "" : "s");
				return 1;
			}
			if (termcal_settle(&sh->cal, day, &settled, &brk)) {
				step_skip(sh->cx, c->kind, c->obj, NULL, "rule '%s': %s lands in breaks that move it "
					  "back and forth; its dates are left as they are", ru->name, f->field);
				return 1;
			}
			if (termcal_instant(settled, f->hh, f->mm, f->ss, sh->zone, &t)) {
				step_skip(sh->cx, c->kind, c->obj, f->field, "rule '%s': the date is out of range",
					  ru->name);
				continue;
			}
			if (brk >= 0) {
				const struct rsched_break *b = &sh->m->breaks[brk];

				snprintf(note, 160, "rule '%.60s' (%zu matched): week %ld, %s, moved out of %s%.40s%s",
					 ru->name, sh->count[c->rule], week, wdname[f->weekday], b->name ? "'" : "the break",
					 b->name ? b->name : "", b->name ? "'" : "");
			} else {
				snprintf(note, 160, "rule '%.60s' (%zu matched): week %ld, %s", ru->name,
					 sh->count[c->rule], week, wdname[f->weekday]);
			}
		}
		nd->field[nd->n] = f->field;
		dates_format_utc(t, nd->value[nd->n]);
		nd->n++;
	}
	return 0;
}

/* 1 with a skip when the dates would be out of order. */
static int broken_order(struct sched *sh, const struct claim *c, enum resource_kind kind, const cJSON *obj,
			const struct newdates *nd, const char *kept)
{
	const struct rsched_rule *ru = &sh->m->rules[c->rule];
	size_t i;

	for (i = 0; i < sizeof(order_pairs) / sizeof(order_pairs[0]); i++) {
		const char *a = after_value(obj, nd, order_pairs[i][0]), *b = after_value(obj, nd, order_pairs[i][1]);
		int64_t x, y;
		char la[48], lb[48];

		if (!a || !b || dates_parse(a, &x) || dates_parse(b, &y) || x <= y)
			continue;
		fmt_local(sh->zone, a, la);
		fmt_local(sh->zone, b, lb);
		step_skip(sh->cx, kind, obj, NULL, "rule '%s' would put %s (%s) after %s (%s)%s; %s", ru->name,
			  order_pairs[i][0], la, order_pairs[i][1], lb,
			  (after_value(obj, nd, order_pairs[i][0]) != step_str(obj, order_pairs[i][0]) &&
			   after_value(obj, nd, order_pairs[i][1]) != step_str(obj, order_pairs[i][1]))
				  ? ""
				  : " (the rule sets one of them; set the other too, or clear it)",
			  kept);
		return 1;
	}
	return 0;
}

/* An override's dates following its base: same local-day offset, its own wall-clock time. */
static void follow(struct sched *sh, const struct claim *c, const struct newdates *base, cJSON *o,
		   struct newdates *nd)
{
	const struct rsched_rule *ru = &sh->m->rules[c->rule];
	int i;

	for (i = 0; i < base->n && nd->n < MAXF; i++) {
		const char *f = base->field[i], *ov = step_str(o, f), *old = step_str(c->obj, f);
		struct dates_local lo;
		int64_t t, d_old, d_ov, d_new, out;
		int y, m, d;

		if (!ov)
			continue;   /* the override does not set it: it follows Canvas's own base */
		if (local_day(old, sh->zone, &d_old)) {
			step_skip(sh->cx, RES_ASSIGNMENT_OVERRIDE, o, f, "rule '%s' sets the assignment's %s, which was "
				  "empty, so this override has no offset to keep", ru->name, f);
			continue;
		}
		if (dates_parse(ov, &t) || dates_to_local(t, sh->zone, &lo) || local_day(base->value[i], sh->zone, &d_new))
			continue;
		d_ov = dateshift_days_from_civil(lo.y, lo.m, lo.d);
		dateshift_civil_from_days(d_new + (d_ov - d_old), &y, &m, &d);
		if (dates_from_local(y, m, d, lo.hh, lo.mm, lo.ss, sh->zone, &out))
			continue;
		nd->field[nd->n] = f;
		dates_format_utc(out, nd->value[nd->n]);
		snprintf(nd->note[nd->n], sizeof(nd->note[0]), "follows the assignment's %s (rule '%.60s'), %+lld "
			 "day%s from it", f, ru->name, (long long)(d_ov - d_old), d_ov - d_old == 1 || d_ov - d_old == -1
			 ? "" : "s");
		nd->n++;
	}
}

static void write_dates(struct sched *sh, enum resource_kind kind, cJSON *obj, const struct newdates *nd)
{
	int i;

	for (i = 0; i < nd->n; i++)
		step_set_string(sh->cx, kind, obj, nd->field[i], nd->value[i], nd->note[i][0] ? nd->note[i] : NULL);
}

static void mirror(cJSON *quiz, const cJSON *a)
{
	const char *const *f;
	const cJSON *v;

	for (f = ovr_fields; *f; f++)
		if ((v = cJSON_GetObjectItemCaseSensitive(a, *f)) && cJSON_HasObjectItem(quiz, *f))
			step_mirror(quiz, *f, cJSON_Duplicate(v, 1));
}

/* Canvas's Assignment#graded?: not "not_graded" (nor a page's "wiki_page"). */
static int graded(const cJSON *a)
{
	return !has_type(a, "not_graded") && !has_type(a, "wiki_page");
}

/* Closed grading periods (runner/plan_grading.c, as step_shift_dates.c's closed_period): 1 with a
 * skip when Canvas would refuse the assignment's new dates -- it is due in a closed period now, or
 * the rule moves its due date, or an override's, into one. */
static int closed_period(struct sched *sh, const struct claim *c, const struct newdates *nd, const cJSON *ovs,
			 const struct newdates *ov)
{
	const struct rsched_rule *ru = &sh->m->rules[c->rule];
	const cJSON *course = sh->cx->course, *gp = NULL, *o;
	const char *title;
	int i = 0, moved = 0;

	for (i = 0; i < nd->n; i++)
		moved |= !strcmp(nd->field[i], "due_at");
	if (!nd->n)
		return 0;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c->obj, "in_closed_grading_period"))) {
		step_skip(sh->cx, RES_ASSIGNMENT, c->obj, NULL, "due in a closed grading period: Canvas refuses a "
			  "teacher's change to its dates (and would refuse the whole bulk update), so rule '%s' leaves "
			  "the assignment as it is", ru->name);
		return 1;
	}
	if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(course, "grading_periods")) || !graded(c->obj))
		return 0;
	if (moved && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c->obj, "only_visible_to_overrides")))
		gp = plan_grading_closed(course, after_value(c->obj, nd, "due_at"));
	i = 0;
	cJSON_ArrayForEach(o, ovs) {
		int k;

		for (k = 0; !gp && k < ov[i].n; k++)
			if (!strcmp(ov[i].field[k], "due_at"))
				gp = plan_grading_closed(course, ov[i].value[k]);
		i++;
	}
	if (!gp)
		return 0;
	title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(gp, "title"));
	step_skip(sh->cx, RES_ASSIGNMENT, c->obj, NULL, "rule '%s' would put a due date into the closed grading "
		  "period '%s': Canvas refuses that to a teacher (and would refuse the whole bulk update), so the "
		  "assignment keeps its dates", ru->name, title ? title : "?");
	return 1;
}

/* text: the claim's own moves as local days, before its fields are written. */
static void record_pairs(struct sched *sh, struct claim *c, const struct newdates *nd)
{
	int i;

	for (i = 0; i < nd->n && c->npairs < MAXF; i++)
		if (!local_day(step_str(c->obj, nd->field[i]), sh->zone, &c->oldd[c->npairs]) &&
		    !local_day(nd->value[i], sh->zone, &c->newd[c->npairs]))
			c->npairs++;
}

static int apply_claim(struct sched *sh, struct claim *c)
{
	struct newdates nd, *ov = NULL;
	cJSON *ovs = NULL, *o;
	int nov = 0, i, bad;
	const char *kept;

	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c->obj, "checkpoints")) > 0) {
		step_skip(sh->cx, c->kind, c->obj, NULL, "rule '%s': a checkpointed discussion's due dates are its "
			  "checkpoints', which a schedule does not set yet; its dates are left as they are",
			  sh->m->rules[c->rule].name);
		return 0;
	}
	memset(&nd, 0, sizeof(nd));
	if (compute(sh, c, &nd))
		return 0;
	if (c->kind == RES_ASSIGNMENT && sh->m->overrides_follow)
		ovs = cJSON_GetObjectItemCaseSensitive(c->obj, "overrides");
	nov = cJSON_GetArraySize(ovs);
	kept = nov ? "the assignment and its overrides keep their dates" : "its dates are left as they are";
	if (nov)
		ov = xcalloc((size_t)nov, sizeof(*ov));
	i = 0;
	cJSON_ArrayForEach(o, ovs) {
		if (!cJSON_HasObjectItem(o, "assignment_id"))
			cJSON_AddItemToObject(o, "assignment_id",
					      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c->obj, "id"), 1));
		follow(sh, c, &nd, o, &ov[i++]);
	}
	bad = c->kind == RES_ASSIGNMENT && closed_period(sh, c, &nd, ovs, ov);
	bad = bad || broken_order(sh, c, c->kind, c->obj, &nd, kept);
	i = 0;
	cJSON_ArrayForEach(o, ovs)
		bad |= !bad && broken_order(sh, c, RES_ASSIGNMENT_OVERRIDE, o, &ov[i++], kept);
	if (!bad) {
		if (sh->m->text_locale)
			record_pairs(sh, c, &nd);
		write_dates(sh, c->kind, c->obj, &nd);
		if (c->quiz)
			mirror(c->quiz, c->obj);
		i = 0;
		cJSON_ArrayForEach(o, ovs)
			write_dates(sh, RES_ASSIGNMENT_OVERRIDE, o, &ov[i++]);
	}
	free(ov);
	return sh->err->code ? -1 : 0;
}

static void warn_empty(struct sched *sh, size_t r)
{
	const struct rsched_rule *ru = &sh->m->rules[r];
	struct buf wt = BUF_INIT, msg = BUF_INIT;
	unsigned b;

	if (ru->where)
		rwhere_text(ru->where, &wt);
	else
		buf_puts(&wt, "{}");
	buf_printf(&msg, "step '%s' rule '%s' (line %d) matched nothing in course %s: no ", sh->cx->step, ru->name,
		   ru->pos.line, sh->cx->course_id);
	for (b = 0; b < RSCHED_NKINDS; b++)
		if (ru->kinds & (1u << b))
			buf_printf(&msg, "%s%s", rsched_kind_names[b], ru->kinds >> (b + 1) ? " or " : "");
	buf_printf(&msg, " with where: %s", buf_str(&wt));
	plan_add_warning(sh->cx->plan, sh->cx->step, sh->cx->course_id, buf_str(&wt), buf_str(&msg));
	buf_release(&wt);
	buf_release(&msg);
}

/* ---------------------------------------------------------------- dates written as text */

/* Whose text is being read: a claim (its own moves first), or NULL for the syllabus. */
struct textmap {
	struct sched *sh;
	const struct claim *c;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

/* The course's table: every claim's moves, sorted; a day two objects moved apart is ambiguous. */
static void build_pairs(struct sched *sh)
{
	size_t i;
	int k;

	for (i = 0; i < sh->nclaims; i++)
		sh->npairs += (size_t)sh->claims[i].npairs;
	if (!sh->npairs)
		return;
	sh->pairs = xcalloc(sh->npairs, sizeof(*sh->pairs));
	sh->npairs = 0;
	for (i = 0; i < sh->nclaims; i++)
		for (k = 0; k < sh->claims[i].npairs; k++) {
			sh->pairs[sh->npairs].from = sh->claims[i].oldd[k];
			sh->pairs[sh->npairs++].to = sh->claims[i].newd[k];
		}
	qsort(sh->pairs, sh->npairs, sizeof(*sh->pairs), cmp_pair);
}

/* ISO weekday of a day number (1970-01-01 was a Thursday). */
static int iso_weekday(int64_t day)
{
	return (int)(((day + 3) % 7 + 7) % 7) + 1;
}

/* Where a written day goes (the rule in the design comment): 0 with *out, or -1 with *why. */
static int resolve(const struct textmap *tm, int64_t day, int64_t *out, const char **why)
{
	const struct sched *sh = tm->sh;
	size_t lo = 0, hi = sh->npairs;
	int k, found = 0, apart = 0;
	int64_t d;
	long brk;
	int week;

	for (k = 0; tm->c && k < tm->c->npairs; k++)
		if (tm->c->oldd[k] == day) {
			apart |= found && *out != tm->c->newd[k];
			*out = tm->c->newd[k];
			found = 1;
		}
	if (found && !apart)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sh->pairs[mid].from < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sh->npairs && sh->pairs[lo].from == day) {
		size_t j = lo;

		while (j + 1 < sh->npairs && sh->pairs[j + 1].from == day)
			j++;
		if (sh->pairs[j].to == sh->pairs[lo].to) {   /* sorted by to: all agree */
			*out = sh->pairs[lo].to;
			return 0;
		}
		apart = 1;
	}
	if (sh->has_oldcal && (week = termcal_week_of(&sh->oldcal, day)) > 0) {
		if (termcal_day(&sh->cal, week, iso_weekday(day), &d) || termcal_settle(&sh->cal, d, out, &brk)) {
			*why = "its week in the old term (text.from) is past the new term's last teaching week";
			return -1;
		}
		return 0;
	}
	if (day >= sh->cal.start && day <= sh->cal.end && !apart) {
		*out = day;   /* in the new term already: placed (a second run) */
		return 0;
	}
	if (apart)
		*why = "the dates on that day moved to different days, so which one it means is not clear";
	else if (sh->has_oldcal)
		*why = "it is no date of a field the schedule moved, and not in a teaching week of the old term "
		       "(text.from)";
	else
		*why = "it is no date of a field the schedule moved, and the step gives no old term to map it "
		       "by week (text: {from: {start, end}})";
	return -1;
}

static int text_map(void *ud, int64_t day, int64_t *out)
{
	const char *why;

	return resolve(ud, day, out, &why);
}

/* One field: every mention moved (one change, noted "N dates"), every problem a warning. */
static void text_field(const struct textmap *tm, const struct td_opts *base, const struct step_text_field *f,
		       cJSON *obj, const char *name)
{
	struct sched *sh = tm->sh;
	const char *text = step_str(obj, f->field);
	struct td_opts o = *base;
	struct td_mention *v = NULL;
	size_t n = 0, moved = 0, outlen, i;
	char note[96];
	char *out;

	if (!text)
		return;
	o.html = f->html;
	out = td_rewrite(text, strlen(text), &o, text_map, (void *)tm, &outlen, &v, &n, &moved);
	for (i = 0; i < n; i++) {
		const char *why = NULL;
		int64_t x;

		if (!strncmp(v[i].problem, "the date cannot be moved", 24) &&
		    (resolve(tm, v[i].day, &x, &why) || resolve(tm, v[i].day2, &x, &why)))
			snprintf(v[i].problem, sizeof(v[i].problem), "%s", why);
		else if (!v[i].problem[0] && !f->write && (v[i].to != v[i].day || v[i].to2 != v[i].day2))
			snprintf(v[i].problem, sizeof(v[i].problem), "a page's title is not changed: Canvas would "
				 "change the page's url with it, and every link to the page");
	}
	if (!f->write) {
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
	free(v);
	if (!out)
		return;
	snprintf(note, sizeof(note), "%zu date%s written in the text", moved, moved == 1 ? "" : "s");
	step_set(sh->cx, f->kind, obj, f->field, step_string_take(out), note);
}

struct text_ud {
	const struct textmap *tm;
	const struct td_opts *o;
};

static void text_one(const struct step_text_field *f, cJSON *obj, const char *name, void *ud)
{
	const struct text_ud *t = ud;

	text_field(t->tm, t->o, f, obj, name);
}

/* An object's text fields (and a module's text headers); warnings name it as it was. */
static void text_object(const struct textmap *tm, const struct td_opts *o, enum resource_kind kind, cJSON *obj)
{
	struct text_ud t = { tm, o };

	step_text_object(kind, obj, text_one, &t);
}

/* The old term the written dates belong to, for a date written without a year: text.from, else
 * the span of the days the schedule moved dates from, else the course's start and end. */
static void text_term(struct sched *sh, struct td_opts *o)
{
	o->loc = sh->m->text_locale;
	if (sh->has_oldcal) {
		o->ref_first = sh->oldcal.start;
		o->ref_last = sh->oldcal.end;
		o->has_ref = 1;
	} else if (sh->npairs) {
		o->ref_first = sh->pairs[0].from;
		o->ref_last = sh->pairs[sh->npairs - 1].from;
		o->has_ref = 1;
	} else if (!local_day(step_str(sh->cx->course, "start_at"), sh->zone, &o->ref_first) &&
		   !local_day(step_str(sh->cx->course, "end_at"), sh->zone, &o->ref_last) &&
		   o->ref_first <= o->ref_last) {
		o->has_ref = 1;
	}
}

static int run_text(struct sched *sh)
{
	const struct rschedule *m = sh->m;
	struct textmap tm;
	struct td_opts o;
	size_t i;

	if (m->has_text_from) {
		struct termcal_break *b = xcalloc(m->ntext_from_breaks + 1, sizeof(*b));
		struct err e = ERR_INIT;
		int rc;

		for (i = 0; i < m->ntext_from_breaks; i++) {
			b[i].start = rdate_day(&m->text_from_breaks[i].start);
			b[i].end = rdate_day(&m->text_from_breaks[i].end);
			b[i].before = m->text_from_breaks[i].before;
		}
		rc = termcal_init(&sh->oldcal, rdate_day(&m->text_from_start), rdate_day(&m->text_from_end),
				  m->weeks_start_on, b, m->ntext_from_breaks, &e);
		free(b);
		sh->has_oldcal = 1;
		if (rc)
			return err_set(sh->err, ERR_RECIPE, "%s:%d:%d: text.from: %.300s", m->pos.file, m->pos.line,
				       m->pos.col, e.msg);
	}
	build_pairs(sh);
	memset(&o, 0, sizeof(o));
	text_term(sh, &o);
	tm.sh = sh;
	for (i = 0; i < sh->nclaims; i++) {
		tm.c = &sh->claims[i];
		text_object(&tm, &o, tm.c->tkind, tm.c->tobj);
	}
	tm.c = NULL;
	if (m->text_syllabus)
		text_object(&tm, &o, RES_COURSE, sh->cx->course);
	return sh->err->code ? -1 : 0;
}

int step_schedule(struct step_ctx *cx, const void *model, struct err *err)
{
	const struct rschedule *m = model;
	struct sched sh;
	size_t i;
	int rc = -1;

	memset(&sh, 0, sizeof(sh));
	sh.cx = cx;
	sh.m = m;
	sh.err = err;
	sh.zone = m->time_zone ? m->time_zone : cx->time_zone;
	if (!sh.zone || !*sh.zone || (!m->time_zone && !dates_zone_valid(sh.zone)))
		return err_set(err, ERR_RECIPE, "%s:%d:%d: course %s has no time zone coursectl knows ('%.60s'), so "
			       "'Thursday 23:59' has no meaning; give the schedule a time_zone:", m->pos.file,
			       m->pos.line, m->pos.col, cx->course_id, sh.zone ? sh.zone : "");
	if (calendar(&sh))
		goto done;
	sh.count = xcalloc(m->nrules + 1, sizeof(*sh.count));
	for (i = 0; i < m->nrules; i++)
		if (select_rule(&sh, i))
			goto done;
	if (check_conflicts(&sh))
		goto done;
	for (i = 0; i < m->nrules; i++)
		if (!sh.count[i])
			warn_empty(&sh, i);
	for (i = 0; i < sh.nclaims; i++)
		if (apply_claim(&sh, &sh.claims[i]))
			goto done;
	if (m->text_locale && run_text(&sh))
		goto done;
	rc = err->code ? -1 : 0;
done:
	free(sh.claims);
	free(sh.pairs);
	if (sh.has_oldcal)
		termcal_release(&sh.oldcal);
	free(sh.count);
	termcal_release(&sh.cal);
	return rc;
}

unsigned step_schedule_needs(const void *model)
{
	const struct rschedule *m = model;
	unsigned k = 0;
	size_t i;

	for (i = 0; i < m->nrules; i++) {
		if (m->rules[i].kinds & (RSCHED_ASSIGNMENTS | RSCHED_QUIZZES | RSCHED_DISCUSSIONS))
			k |= 1u << RES_ASSIGNMENT | 1u << RES_QUIZ | 1u << RES_DISCUSSION_TOPIC;
		if (m->rules[i].kinds & RSCHED_MODULES)
			k |= 1u << RES_MODULE;
		if (m->rules[i].kinds & RSCHED_PAGES)
			k |= 1u << RES_PAGE;
	}
	if (m->text_syllabus)
		k |= 1u << RES_COURSE;
	return k;
}

/* runner/recipe_schedule.c -- checking a `schedule` step into struct rschedule
 * (include/recipe_schedule.h; the semantics are the term calendar's, include/termcal.h, and the
 * step's, runner/step_schedule.c).
 *
 * Rules:
 *   - every key, type and range is checked with the rc_*() helpers and checking goes on after an
 *     error, each error at the node it is about (as recipe_shift_dates.c);
 *   - term dates and breaks are calendar dates (a date-time is refused: weeks are days);
 *     term.end after term.start; a break may be one day, never reversed;
 *   - a rule needs `kind` and `set`; every field of set: must be a date field that each of the
 *     rule's kinds has (rsched_kind_fields), so "set: {due_at: ...}" on modules is an error here,
 *     not a skip in every course;
 *   - a week that uses a capture group ($2) needs where.name with at least that many groups, and a
 *     field without a week of its own needs the rule's week: both are found here, at the value;
 *   - `lock_at: due_at + 2 days` names another field of the same kinds; a field relative to itself
 *     or a circle of them is an error; fields are stored in computing order (bases first).
 *   - `text:` is a boolean or a map {locale, syllabus, from} (the map form turns it on; the
 *     syllabus is read unless syllabus: false); text.from is a term without weeks_start_on (the
 *     schedule's is used, so week N means the same in both) whose dates follow term's rules.
 * Value forms, kept few on purpose: "thu 23:59[:59]" or {week?, weekday, time} for a point in a
 * week, "FIELD (+|-) N days|hours|minutes" (or "FIELD" alone) for a relative one. Rejected: free
 * English ("the Thursday of week 4 at noon"): every extra phrasing is one more thing a reviewer of
 * a recipe must know the meaning of.
 */
#include "recipe_schedule.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "recipe_actions.h"
#include "scanfields.h"
#include "step.h"

const char *const rsched_kind_names[] = { "assignments", "quizzes", "discussions", "modules", "pages", NULL };

static const char *const top_keys[] = { "term", "time_zone", "overrides", "rules", "text", NULL };
static const char *const rule_keys[] = { "name", "kind", "where", "week", "set", NULL };
static const char *const where_keys[] = { "name", "title", "id", "published", NULL };
static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };
static const char *const day_long[] = { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
					"sunday", NULL };

/* Assignments, quizzes and graded discussions keep their dates on the assignment (API.md 5.1). */
static const char *const asg_fields[] = { "due_at", "unlock_at", "lock_at", NULL };
static const char *const module_fields[] = { "unlock_at", NULL };
static const char *const page_fields[] = { "todo_date", "publish_at", NULL };

const char *const *rsched_kind_fields(unsigned kind_bit)
{
	switch (kind_bit) {
	case RSCHED_MODULES: return module_fields;
	case RSCHED_PAGES: return page_fields;
	default: return asg_fields;
	}
}

static int listed(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

static long day_number(const struct rdate *d)
{
	return (long)d->y * 10000 + d->m * 100 + d->d;
}

static void breaks(struct rctx *cx, const struct ynode *n, struct rsched_break **out, size_t *nout)
{
	static const char *const keys[] = { "name", "start", "end", "move", NULL };
	static const char *const req[] = { "start", "end", NULL };
	static const char *const moves[] = { "after", "before", NULL };
	size_t i;

	if (rc_seq(cx, n, "'term.breaks'"))
		return;
	*out = rc_alloc(cx, (n->nkids + 1) * sizeof(**out));
	for (i = 0; i < n->nkids; i++) {
		const struct ynode *b = n->kids[i], *v;
		struct rsched_break *o = &(*out)[*nout];
		char what[64];
		int sok, eok, mv;

		snprintf(what, sizeof(what), "break #%zu", i + 1);
		rc_map(cx, b, what, keys, req);
		if (b->type != YN_MAP)
			continue;
		memset(o, 0, sizeof(*o));
		snprintf(what, sizeof(what), "'start' of break #%zu", i + 1);
		sok = (v = rc_get(b, "start")) && !rc_calendar_date(cx, v, what, &o->start);
		snprintf(what, sizeof(what), "'end' of break #%zu", i + 1);
		eok = (v = rc_get(b, "end")) && !rc_calendar_date(cx, v, what, &o->end);
		if (sok && eok && day_number(&o->end) < day_number(&o->start))
			rc_error(cx, &v->pos, "the end of break #%zu is before its start; a one-day break has end "
				 "equal to start", i + 1);
		if ((v = rc_get(b, "name")))
			rc_string(cx, v, "'name' of a break", &o->name);
		if ((v = rc_get(b, "move")) && !rc_enum(cx, v, "'move' of a break", moves, &mv))
			o->before = mv;
		(*nout)++;
	}
}

static void term(struct rctx *cx, const struct ynode *n, struct rschedule *m)
{
	static const char *const keys[] = { "start", "end", "weeks_start_on", "breaks", NULL };
	static const char *const req[] = { "start", "end", NULL };
	const struct ynode *s, *e, *v;
	int sok, eok;

	rc_map(cx, n, "'term'", keys, req);
	if (n->type != YN_MAP)
		return;
	m->has_term = 1;
	sok = (s = rc_get(n, "start")) && !rc_calendar_date(cx, s, "'term.start'", &m->start);
	eok = (e = rc_get(n, "end")) && !rc_calendar_date(cx, e, "'term.end'", &m->end);
	if (sok && eok && day_number(&m->end) <= day_number(&m->start))
		rc_error(cx, &e->pos, "'term.end' (%04d-%02d-%02d) must be after 'term.start' (%04d-%02d-%02d)",
			 m->end.y, m->end.m, m->end.d, m->start.y, m->start.m, m->start.d);
	if ((v = rc_get(n, "weeks_start_on")))
		rc_weekday(cx, v, "'term.weeks_start_on'", &m->weeks_start_on);
	if ((v = rc_get(n, "breaks")))
		breaks(cx, v, &m->breaks, &m->nbreaks);
}

/* `text: true | false | {locale: NAME, syllabus: BOOL, from: {start, end, breaks}}`. */
static void text(struct rctx *cx, const struct ynode *n, struct rschedule *m)
{
	static const char *const keys[] = { "locale", "syllabus", "from", NULL };
	static const char *const from_keys[] = { "start", "end", "breaks", NULL };
	static const char *const from_req[] = { "start", "end", NULL };
	const struct ynode *v, *s, *e, *f;
	int on, i, sok, eok;

	if (n->type == YN_SCALAR) {
		if (!rc_bool(cx, n, "'text'", &on) && on)
			m->text_locale = td_locale_find("en");
		m->text_syllabus = m->text_locale != NULL;
		return;
	}
	rc_map(cx, n, "'text'", keys, NULL);   /* an unknown key is reported; the others are checked */
	if (n->type != YN_MAP)
		return;
	m->text_locale = td_locale_find("en");
	m->text_syllabus = 1;
	if ((v = rc_get(n, "locale")) && !rc_enum(cx, v, "'text.locale'", td_locale_names, &i))
		m->text_locale = td_locale_find(td_locale_names[i]);
	if ((v = rc_get(n, "syllabus")))
		rc_bool(cx, v, "'text.syllabus'", &m->text_syllabus);
	if (!(f = rc_get(n, "from")))
		return;
	rc_map(cx, f, "'text.from'", from_keys, from_req);
	if (f->type != YN_MAP)
		return;
	sok = (s = rc_get(f, "start")) && !rc_calendar_date(cx, s, "'text.from.start'", &m->text_from_start);
	eok = (e = rc_get(f, "end")) && !rc_calendar_date(cx, e, "'text.from.end'", &m->text_from_end);
	if (sok && eok && day_number(&m->text_from_end) <= day_number(&m->text_from_start))
		rc_error(cx, &e->pos, "'text.from.end' must be after 'text.from.start'");
	m->has_text_from = sok && eok;
	if ((v = rc_get(f, "breaks")))
		breaks(cx, v, &m->text_from_breaks, &m->ntext_from_breaks);
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "N", "$G", "$G + N", "$G - N" (spaces optional). 0 or -1 (not that shape). */
static int parse_week_text(const char *s, struct rsched_week *w)
{
	char *end;
	long v;

	s = skip_ws(s);
	w->group = 0;
	w->add = 0;
	if (*s == '$') {
		v = strtol(s + 1, &end, 10);
		if (end == s + 1 || v < 1 || v > 9)
			return -1;
		w->group = (int)v;
		s = skip_ws(end);
		if (*s == '+' || *s == '-') {
			int neg = *s == '-';

			s = skip_ws(s + 1);
			if (!isdigit((unsigned char)*s))
				return -1;
			v = strtol(s, &end, 10);
			if (v > 1000)
				return -1;
			w->add = neg ? -v : v;
			s = end;
		}
	} else {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = strtol(s, &end, 10);
		if (v < 1 || v > 1000)
			return -1;
		w->add = v;
		s = end;
	}
	return *skip_ws(s) ? -1 : 0;
}

static int week(struct rctx *cx, const struct ynode *n, const char *what, struct rsched_week *w)
{
	char *s;

	if (rc_string(cx, n, what, &s))
		return -1;
	if (parse_week_text(s, w)) {
		rc_error(cx, &n->pos, "%s '%.60s' is not a week: give a number (4), a capture group of "
			 "where.name ($1), or a group plus or minus a number ($1 + 1)", what, s);
		return -1;
	}
	w->given = 1;
	w->pos = n->pos;
	return 0;
}

/* A weekday name, short or long, case-insensitive, of exactly n bytes: ISO 1..7, or 0. */
static int weekday_of(const char *s, size_t n)
{
	char low[16];
	size_t i;
	int d;

	if (n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[n] = '\0';
	for (d = 0; day_names[d]; d++)
		if (!strcmp(low, day_names[d]) || !strcmp(low, day_long[d]))
			return d + 1;
	return 0;
}

/* "HH:MM" or "HH:MM:SS" -> f. 0 or -1. */
static int parse_time(const char *s, struct rsched_field *f)
{
	int hh = 0, mm = 0, ss = 0, n;   /* = 0: the analyzer cannot see scan_fields set them */
	int *const fld[] = { &hh, &mm, &ss };

	s = skip_ws(s);   /* sscanf's %d skipped leading blanks; scan_fields does not */
	if ((n = scan_fields(s, "2:2", fld, 2)) < 0)
		return -1;
	if (s[n] == ':') {
		int k = scan_fields(s + n + 1, "2", fld + 2, 1);

		if (k < 0)
			return -1;
		n += 1 + k;
	}
	if (*skip_ws(s + n) || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
		return -1;
	f->hh = hh;
	f->mm = mm;
	f->ss = ss;
	return 0;
}

/* "FIELD", "FIELD + N unit", "FIELD - N unit". 0 or -1; *base points into s (NUL-cut copy). */
static int parse_relative(struct rctx *cx, const char *s, struct rsched_field *f)
{
	static const char *const units[][2] = { { "day", "days" }, { "hour", "hours" }, { "minute", "minutes" } };
	const char *p = skip_ws(s), *q;
	char *end, unit[16];
	size_t n, i;
	long v;
	int neg;

	for (q = p; *q && (isalnum((unsigned char)*q) || *q == '_'); q++)
		;
	if (q == p)
		return -1;
	f->base = rc_strdup(cx, p);
	((char *)f->base)[q - p] = '\0';
	f->relative = 1;
	f->amount = 0;
	f->unit = RSCHED_DAYS;
	p = skip_ws(q);
	if (!*p)
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	neg = *p == '-';
	p = skip_ws(p + 1);
	if (!isdigit((unsigned char)*p))
		return -1;
	v = strtol(p, &end, 10);
	if (v > 100000)
		return -1;
	p = skip_ws(end);
	for (n = 0; p[n] && isalpha((unsigned char)p[n]) && n + 1 < sizeof(unit); n++)
		unit[n] = (char)tolower((unsigned char)p[n]);
	unit[n] = '\0';
	if (*skip_ws(p + n))
		return -1;
	for (i = 0; i < 3; i++)
		if (!strcmp(unit, units[i][0]) || !strcmp(unit, units[i][1]))
			break;
	if (i == 3)
		return -1;
	f->unit = (enum rsched_unit)i;
	f->amount = neg ? -v : v;
	return 0;
}

/* 1 when s is a date field of some kind (else "soon" would read as a field name). */
static int known_field(const char *s)
{
	return listed(asg_fields, s) || listed(module_fields, s) || listed(page_fields, s);
}

/* One set: value into f. 0 or -1 (reported). */
static int field_value(struct rctx *cx, const struct ynode *v, const char *what, struct rsched_field *f)
{
	static const char *const keys[] = { "week", "weekday", "time", NULL };
	static const char *const req[] = { "weekday", "time", NULL };
	const struct ynode *x;
	char *s;
	size_t n;
	int bad = 0;

	f->pos = v->pos;
	if (v->type == YN_MAP) {
		if (rc_map(cx, v, what, keys, req))
			bad = 1;
		if ((x = rc_get(v, "week")) && week(cx, x, "'week'", &f->week))
			bad = 1;
		if ((x = rc_get(v, "weekday")) && rc_weekday(cx, x, "'weekday'", &f->weekday))
			bad = 1;
		if ((x = rc_get(v, "time")) && !rc_string(cx, x, "'time'", &s) && parse_time(s, f)) {
			rc_error(cx, &x->pos, "'time' '%.40s' is not a local time: use HH:MM or HH:MM:SS (23:59)", s);
			bad = 1;
		}
		return bad ? -1 : 0;
	}
	if (rc_string(cx, v, what, &s))
		return -1;
	s = (char *)skip_ws(s);
	for (n = 0; isalpha((unsigned char)s[n]); n++)
		;
	if ((f->weekday = weekday_of(s, n))) {
		if (parse_time(skip_ws(s + n), f)) {
			rc_error(cx, &v->pos, "%s '%.60s': after the weekday give a local time, HH:MM or HH:MM:SS "
				 "(thu 23:59)", what, s);
			return -1;
		}
		return 0;
	}
	if (parse_relative(cx, s, f) || !known_field(f->base)) {
		rc_error(cx, &v->pos, "%s '%.60s' is neither 'WEEKDAY HH:MM' (thu 23:59) nor 'FIELD +/- N "
			 "days|hours|minutes' (due_at + 2 days)", what, s);
		return -1;
	}
	return 0;
}

/* kind: one or a list, into bits. */
static unsigned kinds(struct rctx *cx, const struct ynode *n)
{
	unsigned bits = 0;
	size_t i, cnt = n->type == YN_SEQ ? n->nkids : 1;

	if (n->type == YN_MAP || !cnt) {
		rc_error(cx, &n->pos, "'kind' is a kind or a non-empty list of them: %s, %s, %s, %s or %s",
			 rsched_kind_names[0], rsched_kind_names[1], rsched_kind_names[2], rsched_kind_names[3],
			 rsched_kind_names[4]);
		return 0;
	}
	for (i = 0; i < cnt; i++) {
		const struct ynode *k = n->type == YN_SEQ ? n->kids[i] : n;
		int idx;

		if (rc_enum(cx, k, "'kind'", rsched_kind_names, &idx))
			continue;
		if (bits & (1u << idx))
			rc_error(cx, &k->pos, "'%s' is listed twice in 'kind'", rsched_kind_names[idx]);
		bits |= 1u << idx;
	}
	return bits;
}

/* The fields of set: in computing order; relative bases must come first. -1 on a circle. */
static int order_fields(struct rctx *cx, struct rsched_rule *r, struct rsched_field *in, size_t n)
{
	char *done = rc_alloc(cx, n + 1);
	size_t k, i, j;

	memset(done, 0, n + 1);
	for (k = 0; k < n; k++) {
		for (i = 0; i < n; i++) {
			int ready = 1;

			if (done[i])
				continue;
			for (j = 0; in[i].relative && j < n; j++)
				if (!done[j] && j != i && !strcmp(in[j].field, in[i].base))
					ready = 0;
			if (ready)
				break;
		}
		if (i == n) {
			for (i = 0; done[i]; i++)
				;
			rc_error(cx, &in[i].pos, "'%s' is relative to '%s', which is relative to it in turn: "
				 "one of them needs a weekday and time", in[i].field, in[i].base);
			return -1;
		}
		done[i] = 1;
		r->fields[r->nfields++] = in[i];
	}
	return 0;
}

/* 1 (reported) when week w names a capture group where.name does not have. */
static int group_ok(struct rctx *cx, const struct rsched_rule *r, const struct rsched_week *w, uint32_t groups)
{
	if (!w->group || (uint32_t)w->group <= groups)
		return 0;
	if (r->where && r->where->name)
		rc_error(cx, &w->pos, "the week uses capture group $%d, but where.name has %u", w->group,
			 (unsigned)groups);
	else
		rc_error(cx, &w->pos, "the week uses capture group $%d, but the rule has no where.name to "
			 "capture it", w->group);
	return 1;
}

static void rule(struct rctx *cx, const struct ynode *n, size_t idx, struct rsched_rule *r)
{
	static const char *const req[] = { "kind", "set", NULL };
	const struct ynode *v, *set;
	struct rsched_field *tmp;
	uint32_t groups = 0;
	size_t i, nf = 0;
	char what[96];
	int bad = 0, b;

	memset(r, 0, sizeof(*r));
	r->pos = n->pos;
	snprintf(what, sizeof(what), "rule #%zu", idx + 1);
	rc_map(cx, n, what, rule_keys, req);
	if (n->type != YN_MAP)
		return;
	if (!(v = rc_get(n, "name")) || rc_string(cx, v, "'name' of a rule", &r->name))
		r->name = rc_strdup(cx, what);
	if ((v = rc_get(n, "kind")))
		r->kinds = kinds(cx, v);
	if ((v = rc_get(n, "where")) && !rc_where(cx, v, "'where'", where_keys, NULL, &r->where) && r->where &&
	    r->where->name)
		pcre2_pattern_info(r->where->name->code, PCRE2_INFO_CAPTURECOUNT, &groups);
	if ((v = rc_get(n, "week")) && !week(cx, v, "'week'", &r->week))
		bad |= group_ok(cx, r, &r->week, groups);
	set = rc_get(n, "set");
	if (!set)
		return;
	if (set->type != YN_MAP) {
		rc_error(cx, &set->pos, "expected a mapping for 'set' (field: value), such as {due_at: thu 23:59}");
		return;
	}
	if (!set->nkids) {
		rc_error(cx, &set->pos, "'set' is empty: give the date fields the rule sets");
		return;
	}
	tmp = rc_alloc(cx, (set->nkids / 2 + 1) * sizeof(*tmp));
	r->fields = rc_alloc(cx, (set->nkids / 2 + 1) * sizeof(*r->fields));
	for (i = 0; i + 1 < set->nkids; i += 2) {
		const struct ynode *k = set->kids[i];
		struct rsched_field *f = &tmp[nf];
		char fwhat[96];

		if (k->type != YN_SCALAR)
			continue;
		memset(f, 0, sizeof(*f));
		f->field = k->str;
		for (b = 0; b < RSCHED_NKINDS; b++)
			if ((r->kinds & (1u << b)) && !listed(rsched_kind_fields(1u << b), k->str)) {
				const char *const *fl = rsched_kind_fields(1u << b);

				rc_error(cx, &k->pos, "%s have no date '%s' a schedule sets: %s%s%s%s%s",
					 rsched_kind_names[b], k->str, fl[0], fl[1] ? ", " : "", fl[1] ? fl[1] : "",
					 fl[1] && fl[2] ? ", " : "", fl[1] && fl[2] ? fl[2] : "");
				bad = 1;
				break;
			}
		snprintf(fwhat, sizeof(fwhat), "'set.%s'", k->str);
		if (field_value(cx, set->kids[i + 1], fwhat, f)) {
			bad = 1;
			continue;
		}
		if (f->relative) {
			if (!strcmp(f->base, f->field)) {
				rc_error(cx, &f->pos, "%s is relative to itself", fwhat);
				bad = 1;
				continue;
			}
			for (b = 0; b < RSCHED_NKINDS; b++)
				if ((r->kinds & (1u << b)) && !listed(rsched_kind_fields(1u << b), f->base)) {
					rc_error(cx, &f->pos, "%s is relative to '%s', which %s do not have",
						 fwhat, f->base, rsched_kind_names[b]);
					bad = 1;
					break;
				}
		} else if (f->week.given) {
			bad |= group_ok(cx, r, &f->week, groups);
		} else if (!r->week.given && !rc_get(n, "week")) {   /* a bad week: reported already */
			rc_error(cx, &f->pos, "%s has no week: give the rule a 'week:' or the field "
				 "{week: ..., weekday: ..., time: ...}", fwhat);
			bad = 1;
		}
		nf++;
	}
	if (!bad)
		order_fields(cx, r, tmp, nf);
	/* a rule with errors keeps no fields: the recipe is refused anyway */
}

static int parse(struct rctx *cx, struct step *st, const struct ynode *n)
{
	static const char *const ovr[] = { "follow", "keep", NULL };
	const struct ynode *v;
	struct rschedule *m;
	size_t i;
	int k;

	rc_map(cx, n, "'schedule'", top_keys, (const char *const[]){ "rules", NULL });
	if (n->type != YN_MAP)
		return 0;
	m = rc_alloc(cx, sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->pos = n->pos;
	m->weeks_start_on = 1;
	m->overrides_follow = 1;
	st->data = m;
	if ((v = rc_get(n, "term")))
		term(cx, v, m);
	if ((v = rc_get(n, "time_zone")))
		rc_zone(cx, v, "'time_zone'", &m->time_zone);
	if ((v = rc_get(n, "overrides")) && !rc_enum(cx, v, "'overrides'", ovr, &k))
		m->overrides_follow = !k;
	if ((v = rc_get(n, "text")))
		text(cx, v, m);
	if ((v = rc_get(n, "rules")) && !rc_seq(cx, v, "'rules'")) {
		if (!v->nkids)
			rc_error(cx, &v->pos, "'rules' is empty: a schedule needs at least one rule");
		m->rules = rc_alloc(cx, (v->nkids + 1) * sizeof(*m->rules));
		for (i = 0; i < v->nkids; i++)
			rule(cx, v->kids[i], i, &m->rules[m->nrules++]);
	}
	return 0;
}

const struct recipe_action recipe_action_schedule = {
	.name = "schedule",
	.summary = "set dates from a term calendar: 'week N, Thursday 23:59' rules that skip breaks",
	.parse = parse,
	.plan = step_schedule,
	.needs = step_schedule_needs,
};

/* runner/textdates.c -- dates written as text, found and rewritten through a day mapping
 * (include/textdates.h; used by `shift_dates: {text: true}`, runner/step_shift_dates.c, and meant
 * for any step that moves dates: the finder knows nothing of recipes or Canvas).
 *
 * What is a mention. The forms people write in course names, pages and syllabus tables:
 *   month-day    "September 5", "Sep 5", "Sept. 5th", "Sep 5, 2025", "SEP 5"
 *   day-month    "5 Sep", "5th of September 2025"
 *   numeric      "9/5", "09/05/2025", "9/5/25" (en-GB: day first)
 *   ISO          "2025-09-05"
 * with a weekday before it ("Fri, Sep 5", "Friday, September 5, 2025", "Fri 9/5") or after it in
 * parentheses ("9/5 (Fri)"), and a range of days in one month ("Sep 8-12", "Sep 8–12", "8–12
 * Sep"; the dash may be -, en or em dash, or their HTML entities). "Sep 29 – Oct 3" is two
 * mentions. Spaces may be "&nbsp;" (Canvas's editor writes them between a month and its day).
 * Month and weekday words must start with a capital ("may" is a verb, "May" a month unless "3 May
 * be" shows it is not: struct td_locale common).
 *
 * What is not. Numbers that only look like dates are not mentions at all and are not listed:
 * a bare numeric "9/5" is a fraction or a score ("3/4 of the class", "8/10") unless a year is
 * written with it, a weekday stands before it, a context word of the locale precedes it ("due
 * 9/5", "Due: 9/5"), it stands next to another across a dash ("9/8–9/12"), or it is alone in an
 * HTML table cell (a syllabus schedule); "of" after it ("3/4 of") is always a fraction. A number
 * next to ':', '.', '/' or a letter is a time, a version, a decimal or a code ("10:30", "v2.3.1",
 * "Chapter 9.5", "5pm"); a year alone is a year. URLs in the text ("https://.../2025/9/5") and,
 * in HTML, everything inside tags, comments, <script> and <style> are passed over: only text nodes
 * are read, so attributes and links never change.
 *
 * Problems: a mention the finder recognises but will not move is listed with its reason, never
 * guessed: a weekday that does not fit the date ("Friday, September 4" when the 4th is a
 * Thursday), a day the month does not have, a range whose end is before its start, a month and
 * year without a day ("September 2025"), a date without a year when no term is known or two years
 * are equally near, a day the mapping refuses.
 *
 * The year of a date written without one. It takes, among the years from the year before the
 * term's first day to the year after its last, the one that puts it nearest the term: inside the
 * term (distance 0), or the fewest days before its first day or after its last. A fall term
 * (2025-08-25..2025-12-12) reads "Sep 5" as 2025-09-05 and "Jan 5" (an exam after the break) as
 * 2026-01-05, 24 days after the term rather than 232 before it; a spring term reads "Dec 15" as
 * the December before it. Two years at the same distance (a term of a single day, half a year from
 * the date) make the mention a problem. The caller chooses the term (shift_dates: the `from:`
 * term, else the course's start and end). Rejected: the year of the object's due date (pages
 * and modules have none, and a syllabus names the whole term); the current year (a step is pure:
 * no clock, and a plan made in December for January would read it wrong).
 *
 * Rewriting keeps the form: each part of a mention (weekday, month, day, ordinal, range end, year)
 * is a byte span, replaced by the new value in the same spelling (full name or the usual
 * abbreviation; the case of capitals), padding and digits; everything between the parts is
 * copied as written. A written weekday is replaced by the new date's weekday, so it stays true. A
 * range that the mapping carries across a month end names both months ("Jan 29–Feb 2"). Unmoved
 * text is copied byte for byte.
 *
 * Locales are rows of locales[] (the month and weekday spellings, day-first numeric dates, context
 * words, common words, ordinals); "en" (also "en-US") and "en-GB" are there. Rejected: the C
 * library's locale (strptime/nl_langinfo need the locale installed on the machine, and it is
 * process-wide state) and a regular expression per form (the weekday check, the context rules and
 * the token spans need code around every match anyway).
 */
#include "textdates.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dateshift.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- locales */

static const char *en_ordinal(int d)
{
	if (d % 100 >= 11 && d % 100 <= 13)
		return "th";
	return d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" : "th";
}

#define EN_MONTHS                                                                                                 \
	{ { "January", "Jan" }, { "February", "Feb" }, { "March", "Mar" }, { "April", "Apr" }, { "May", "May" },   \
	  { "June", "Jun" }, { "July", "Jul" }, { "August", "Aug" }, { "September", "Sep", "Sept" },                 \
	  { "October", "Oct" }, { "November", "Nov" }, { "December", "Dec" } }
#define EN_DAYS                                                                                                   \
	{ { "Monday", "Mon" }, { "Tuesday", "Tue", "Tues" }, { "Wednesday", "Wed" }, { "Thursday", "Thu", "Thurs" }, \
	  { "Friday", "Fri" }, { "Saturday", "Sat" }, { "Sunday", "Sun" } }
#define EN_CONTEXT                                                                                                \
	{ "due", "on", "by", "until", "till", "through", "thru", "before", "after", "from", "starting", "begins",  \
	  "opens", "closes", "ends", "date", "deadline", "submit", "available", "week", "of", NULL }

static const struct td_locale locales[] = {
	{ "en", EN_MONTHS, EN_DAYS, 0, EN_CONTEXT, { "May", "March", NULL }, en_ordinal },
	{ "en-GB", EN_MONTHS, EN_DAYS, 1, EN_CONTEXT, { "May", "March", NULL }, en_ordinal },
};

const char *const td_locale_names[] = { "en", "en-GB", NULL };

const struct td_locale *td_locale_find(const char *name)
{
	size_t i;

	if (name && !strcmp(name, "en-US"))
		name = "en";
	for (i = 0; name && i < sizeof(locales) / sizeof(locales[0]); i++)
		if (!strcmp(locales[i].name, name))
			return &locales[i];
	return NULL;
}

/* ---------------------------------------------------------------- bytes */

struct scan {
	const char *s;
	size_t len;
	const struct td_opts *o;
	struct td_mention *v;
	size_t n, alloc;
};

static int at(const struct scan *sc, size_t i)
{
	return i < sc->len ? (unsigned char)sc->s[i] : 0;
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* 1 when text at i starts with lit (case-insensitive ASCII). */
static int has(const struct scan *sc, size_t i, const char *lit)
{
	size_t k = strlen(lit);

	return i + k <= sc->len && !strncasecmp(sc->s + i, lit, k);
}

/* Length of one space at i: ' ', tab, newline, U+00A0, and in HTML &nbsp; / &#160;. 0 when none. */
static size_t space1(const struct scan *sc, size_t i)
{
	int c = at(sc, i);

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return 1;
	if (c == 0xC2 && at(sc, i + 1) == 0xA0)
		return 2;
	if (sc->o->html && has(sc, i, "&nbsp;"))
		return 6;
	if (sc->o->html && has(sc, i, "&#160;"))
		return 6;
	return 0;
}

static size_t spaces(const struct scan *sc, size_t i)
{
	size_t k = i, w;

	while ((w = space1(sc, k)))
		k += w;
	return k - i;
}

/* Length of a range dash at i with the spaces around it, or 0. */
static size_t dash(const struct scan *sc, size_t i)
{
	static const char *const ents[] = { "&ndash;", "&mdash;", "&#8211;", "&#8212;", NULL };
	size_t k = i + spaces(sc, i), w = 0;
	int e;

	if (at(sc, k) == '-')
		w = 1;
	else if (at(sc, k) == 0xE2 && at(sc, k + 1) == 0x80 && (at(sc, k + 2) == 0x93 || at(sc, k + 2) == 0x94))
		w = 3;
	else if (sc->o->html)
		for (e = 0; ents[e]; e++)
			if (has(sc, k, ents[e]))
				w = strlen(ents[e]);
	if (!w)
		return 0;
	k += w;
	return k + spaces(sc, k) - i;
}

/* A word of the spelling table at i: the longest spelling (case-insensitive; the first letter a
 * capital) not followed by a letter. Returns its length and fills *which, *spell, *upper; 0 if none. */
static size_t word(const struct scan *sc, size_t i, const char *const (*tab)[TD_SPELL], int n, int *which,
		   int *spell, int *upper)
{
	size_t best = 0, k;
	int w, s;

	if (!isupper(at(sc, i)))
		return 0;
	for (w = 0; w < n; w++)
		for (s = 0; s < TD_SPELL && tab[w][s]; s++) {
			k = strlen(tab[w][s]);
			if (k > best && has(sc, i, tab[w][s]) && !is_alpha(at(sc, i + k))) {
				best = k;
				*which = w;
				*spell = s;
			}
		}
	if (best) {
		*upper = best > 1;
		for (k = 0; k < best; k++)
			if (!isupper(at(sc, i + k)))
				*upper = 0;
	}
	return best;
}

/* An unsigned number of 1..maxd digits at i, not followed by a digit. Returns its length. */
static size_t number(const struct scan *sc, size_t i, size_t maxd, int *val)
{
	size_t k = 0;

	*val = 0;
	while (k < maxd && is_digit(at(sc, i + k)))
		*val = *val * 10 + at(sc, i + k++) - '0';
	if (!k || is_digit(at(sc, i + k)))
		return 0;
	return k;
}

/* 1 when what follows a number at i ends it as a day or date: not a time, decimal, fraction,
 * percentage or a word glued to it. */
static int number_ends(const struct scan *sc, size_t i)
{
	int c = at(sc, i);

	if (is_alpha(c) || is_digit(c) || c == '%' || c == '_')
		return 0;
	if ((c == '.' || c == ',' || c == ':' || c == '/') && is_digit(at(sc, i + 1)))
		return 0;
	return 1;
}

/* A day (1..31) at i with an optional ordinal suffix: fills the day and ordinal spans. */
static size_t day_at(const struct scan *sc, size_t i, int *d, size_t tday[2], size_t tord[2])
{
	size_t k = number(sc, i, 2, d), e;

	if (!k || *d < 1 || *d > 31)
		return 0;
	e = i + k;
	tday[0] = i;
	tday[1] = e;
	tord[0] = tord[1] = e;
	if ((has(sc, e, "st") || has(sc, e, "nd") || has(sc, e, "rd") || has(sc, e, "th")) && islower(at(sc, e)) &&
	    !is_alpha(at(sc, e + 2))) {
		tord[1] = e + 2;
		e += 2;
		return number_ends(sc, e) ? e - i : 0;
	}
	return number_ends(sc, e) ? k : 0;
}

/* A year (1900..2099, four digits) at i after ", " or " ". Returns the length from i. */
static size_t year_after(const struct scan *sc, size_t i, struct td_mention *m)
{
	size_t k = i, w;
	int y;

	if (at(sc, k) == ',')
		k++;
	w = spaces(sc, k);
	if (!w)
		return 0;
	k += w;
	w = number(sc, k, 4, &y);
	if (w != 4 || y < 1900 || y > 2099 || !number_ends(sc, k + 4) || at(sc, k + 4) == '-')
		return 0;
	m->tok[TD_T_YEAR][0] = k;
	m->tok[TD_T_YEAR][1] = k + 4;
	m->y = y;
	m->has_year = 1;
	return k + 4 - i;
}

/* ---------------------------------------------------------------- the forms */

static int weekday_word(const struct scan *sc, size_t i, size_t *len, int *wd, int *spell, int *upper)
{
	*len = word(sc, i, sc->o->loc->days, 7, wd, spell, upper);
	(*wd)++;
	return *len > 0;
}

static size_t month_word(const struct scan *sc, size_t i, struct td_mention *m)
{
	int mo = 0, spell = 0, up = 0;
	size_t k = word(sc, i, sc->o->loc->months, 12, &mo, &spell, &up);

	if (!k)
		return 0;
	m->m = mo + 1;
	m->mspell = spell;
	m->mupper = up;
	m->named = 1;
	m->tok[TD_T_MON][0] = i;
	m->tok[TD_T_MON][1] = i + k;
	if (spell > 0 && at(sc, i + k) == '.')
		k++;
	return k;
}

static int common_word(const struct scan *sc, const struct td_mention *m)
{
	size_t n = m->tok[TD_T_MON][1] - m->tok[TD_T_MON][0];
	int i;

	for (i = 0; i < 4 && sc->o->loc->common[i]; i++)
		if (strlen(sc->o->loc->common[i]) == n && !strncmp(sc->o->loc->common[i], sc->s + m->tok[TD_T_MON][0], n))
			return 1;
	return 0;
}

/* The range end of a day at i (after the first day): dash, a day, not a month word or a number
 * that goes on ("9/8-9/12" is two dates). */
static size_t range_end(const struct scan *sc, size_t i, struct td_mention *m)
{
	size_t w = dash(sc, i), k;
	int d2;

	if (!w || !(k = day_at(sc, i + w, &d2, m->tok[TD_T_DAY2], m->tok[TD_T_ORD2]))) {
		memset(m->tok[TD_T_DAY2], 0, sizeof(m->tok[TD_T_DAY2]));
		memset(m->tok[TD_T_ORD2], 0, sizeof(m->tok[TD_T_ORD2]));
		return 0;
	}
	m->d2 = d2;
	return w + k;
}

/* "Sep 5", "September 5th, 2025", "Sep 8–12", and "September 2025" (a problem). */
static size_t month_day(const struct scan *sc, size_t i, struct td_mention *m)
{
	size_t k = month_word(sc, i, m), w, e;
	int d;

	if (!k)
		return 0;
	w = spaces(sc, i + k);
	if (!w && at(sc, i + k - 1) != '.')
		return 0;
	e = i + k + w;
	if (!(k = day_at(sc, e, &d, m->tok[TD_T_DAY], m->tok[TD_T_ORD]))) {
		int y;

		if (w && number(sc, e, 4, &y) == 4 && y >= 1900 && y <= 2099 && number_ends(sc, e + 4)) {
			snprintf(m->problem, sizeof(m->problem), "a month and year without a day");
			return e + 4 - i;
		}
		return 0;
	}
	m->d = m->d2 = d;
	e += k;
	e += range_end(sc, e, m);
	e += year_after(sc, e, m);
	return e - i;
}

/* "5 Sep", "5th of September 2025", "8–12 Sep". */
static size_t day_month(const struct scan *sc, size_t i, struct td_mention *m)
{
	size_t k, e, w;
	int d, x;

	if (!(k = day_at(sc, i, &d, m->tok[TD_T_DAY], m->tok[TD_T_ORD])))
		return 0;
	m->d = m->d2 = d;
	e = i + k;
	e += range_end(sc, e, m);
	if (!(w = spaces(sc, e)))
		return 0;
	e += w;
	if (has(sc, e, "of") && (w = spaces(sc, e + 2)))
		e += 2 + w;
	if (!(k = month_word(sc, e, m)))
		return 0;
	e += k;
	k = year_after(sc, e, m);
	if (!k) {
		size_t s = spaces(sc, e);

		/* "5 Sep 8": the number belongs to the month ("Sep 8") */
		if (s && number(sc, e + s, 2, &x))
			return 0;
		if (common_word(sc, m) && s && islower(at(sc, e + s)))
			return 0;   /* "3 May be" */
	}
	m->day_first = 1;
	return e + k - i;
}

/* The word before i (skipping spaces, ':' and '('), lowercased into w. */
static void word_before(const struct scan *sc, size_t i, char *w, size_t n)
{
	size_t e = i, b;

	while (e > 0 && (sc->s[e - 1] == ' ' || sc->s[e - 1] == ':' || sc->s[e - 1] == '(' || sc->s[e - 1] == '\t'))
		e--;
	if (e >= 6 && !strncmp(sc->s + e - 6, "&nbsp;", 6))
		e -= 6;
	for (b = e; b > 0 && is_alpha((unsigned char)sc->s[b - 1]); b--)
		;
	w[0] = '\0';
	if (e - b && e - b < n) {
		for (size_t k = 0; k < e - b; k++)
			w[k] = (char)tolower((unsigned char)sc->s[b + k]);
		w[e - b] = '\0';
	}
}

/* 1 when [i, e) is all a table cell holds: <td ...> or <th ...> before, </td or </th after. */
static int table_cell(const struct scan *sc, size_t i, size_t e)
{
	size_t b = i, k;

	if (!sc->o->html)
		return 0;
	while (b > 0 && (sc->s[b - 1] == ' ' || sc->s[b - 1] == '\n' || sc->s[b - 1] == '\t'))
		b--;
	if (b == 0 || sc->s[b - 1] != '>')
		return 0;
	for (k = b - 1; k > 0 && sc->s[k] != '<'; k--)
		;
	if (!(has(sc, k, "<td") || has(sc, k, "<th")) || is_alpha(at(sc, k + 3)))
		return 0;
	e += spaces(sc, e);
	return has(sc, e, "</td") || has(sc, e, "</th");
}

/* 1 when a numeric date at [i, e) stands where a date is expected (see the design comment). */
static int numeric_context(const struct scan *sc, size_t i, size_t e)
{
	char w[24];
	int k, x;
	size_t d = dash(sc, e), a;

	/* "9/15 - 9/19": a pair across a dash */
	if (d && (a = number(sc, e + d, 2, &x)) && at(sc, e + d + a) == '/' && number(sc, e + d + a + 1, 2, &x))
		return 1;
	if (sc->n) {
		const struct td_mention *p = &sc->v[sc->n - 1];
		size_t pd = dash(sc, p->end);

		if (pd && p->end + pd == i)
			return 1;
	}
	word_before(sc, i, w, sizeof(w));
	for (k = 0; sc->o->loc->context[k]; k++)
		if (!strcmp(w, sc->o->loc->context[k]))
			return 1;
	return table_cell(sc, i, e);
}

/* "9/5", "09/05/2025", "9/5/25"; context: 1 when a weekday stands before it. */
static size_t numeric(const struct scan *sc, size_t i, struct td_mention *m, int context)
{
	size_t a, b, c = 0, e;
	int x, y, yr = 0;

	if (!(a = number(sc, i, 2, &x)) || at(sc, i + a) != '/' || !(b = number(sc, i + a + 1, 2, &y)))
		return 0;
	e = i + a + 1 + b;
	if (at(sc, e) == '/') {
		c = number(sc, e + 1, 4, &yr);
		if (c != 2 && c != 4)
			return 0;
		e += 1 + c;
	}
	if (!number_ends(sc, e) || at(sc, e) == '/')
		return 0;
	if (has(sc, e + spaces(sc, e), "of") && spaces(sc, e) && !is_alpha(at(sc, e + spaces(sc, e) + 2)))
		return 0;   /* "3/4 of the class" */
	m->day_first = sc->o->loc->day_first;
	m->m = m->day_first ? y : x;
	m->d = m->d2 = m->day_first ? x : y;
	if (m->m < 1 || m->m > 12 || m->d < 1 || m->d > 31)
		return 0;
	if (!c && !context && !numeric_context(sc, i, e))
		return 0;
	m->tok[m->day_first ? TD_T_DAY : TD_T_MON][0] = i;
	m->tok[m->day_first ? TD_T_DAY : TD_T_MON][1] = i + a;
	m->tok[m->day_first ? TD_T_MON : TD_T_DAY][0] = i + a + 1;
	m->tok[m->day_first ? TD_T_MON : TD_T_DAY][1] = i + a + 1 + b;
	m->pad_m = sc->s[m->tok[TD_T_MON][0]] == '0';
	m->pad_d = sc->s[m->tok[TD_T_DAY][0]] == '0';
	m->tok[TD_T_ORD][0] = m->tok[TD_T_ORD][1] = m->tok[TD_T_DAY][1];
	if (c) {
		m->tok[TD_T_YEAR][0] = e - c;
		m->tok[TD_T_YEAR][1] = e;
		m->y = c == 2 ? 2000 + yr : yr;
		m->has_year = 1;
	}
	return e - i;
}

/* "2025-09-05" (not a date-time: "2025-09-05T10:00" is passed over). */
static size_t iso(const struct scan *sc, size_t i, struct td_mention *m)
{
	int y, mo, d;

	if (number(sc, i, 4, &y) != 4 || at(sc, i + 4) != '-' || number(sc, i + 5, 2, &mo) != 2 ||
	    at(sc, i + 7) != '-' || number(sc, i + 8, 2, &d) != 2)
		return 0;
	if (at(sc, i + 10) == 'T' || !number_ends(sc, i + 10) || at(sc, i + 10) == '-' || mo < 1 || mo > 12 ||
	    d < 1 || d > 31)
		return 0;
	m->y = y;
	m->m = mo;
	m->d = m->d2 = d;
	m->has_year = 1;
	m->pad_m = m->pad_d = 1;
	m->tok[TD_T_YEAR][0] = i;
	m->tok[TD_T_YEAR][1] = i + 4;
	m->tok[TD_T_MON][0] = i + 5;
	m->tok[TD_T_MON][1] = i + 7;
	m->tok[TD_T_DAY][0] = i + 8;
	m->tok[TD_T_DAY][1] = i + 10;
	m->tok[TD_T_ORD][0] = m->tok[TD_T_ORD][1] = i + 10;
	return 10;
}

static size_t a_date(const struct scan *sc, size_t i, struct td_mention *m, int weekday_before)
{
	size_t k;

	if (is_digit(at(sc, i))) {
		if ((k = iso(sc, i, m)) || (k = numeric(sc, i, m, weekday_before)))
			return k;
		memset(m->tok, 0, sizeof(m->tok));
		m->d2 = 0;
		return day_month(sc, i, m);
	}
	return month_day(sc, i, m);
}

/* ---------------------------------------------------------------- checking a mention */

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : n[m - 1];
}

static const char *month_name(const struct td_locale *l, int m)
{
	return l->months[m - 1][0];
}

/* The year of a date without one (the design comment's rule). 0, or -1 with a problem. */
static int pick_year(const struct td_opts *o, struct td_mention *m)
{
	int y0, y1, y, best = 0, tie = 0;
	int64_t bestd = -1;

	if (!o->has_ref) {
		snprintf(m->problem, sizeof(m->problem), "no year is written and the term it belongs to is not known");
		return -1;
	}
	dateshift_civil_from_days(o->ref_first, &y0, &y, &y);
	dateshift_civil_from_days(o->ref_last, &y1, &y, &y);
	for (y = y0 - 1; y <= y1 + 1; y++) {
		int64_t day, dist;

		if (m->d > mdays(y, m->m))
			continue;
		day = dateshift_days_from_civil(y, m->m, m->d);
		dist = day < o->ref_first ? o->ref_first - day : day > o->ref_last ? day - o->ref_last : 0;
		if (bestd < 0 || dist < bestd) {
			bestd = dist;
			best = y;
			tie = 0;
		} else if (dist == bestd) {
			tie = y;
		}
	}
	if (!best) {
		snprintf(m->problem, sizeof(m->problem), "%s has no day %d", month_name(o->loc, m->m), m->d);
		return -1;
	}
	if (tie) {
		snprintf(m->problem, sizeof(m->problem), "no year is written, and %d and %d are equally near the term",
			 best, tie);
		return -1;
	}
	m->y = best;
	return 0;
}

static void check(const struct td_opts *o, struct td_mention *m)
{
	if (m->problem[0])
		return;
	if (!m->has_year && pick_year(o, m))
		return;
	if (m->d > mdays(m->y, m->m) || m->d2 > mdays(m->y, m->m)) {
		snprintf(m->problem, sizeof(m->problem), "%s %d has no day %d", month_name(o->loc, m->m), m->y,
			 m->d > mdays(m->y, m->m) ? m->d : m->d2);
		return;
	}
	if (m->d2 < m->d) {
		snprintf(m->problem, sizeof(m->problem), "the range ends (%d) before it starts (%d)", m->d2, m->d);
		return;
	}
	m->day = dateshift_days_from_civil(m->y, m->m, m->d);
	m->day2 = dateshift_days_from_civil(m->y, m->m, m->d2);
	if (m->wday && dateshift_iso_weekday(m->day) != m->wday)
		snprintf(m->problem, sizeof(m->problem), "written as a %s, but %s %d, %d is a %s",
			 o->loc->days[m->wday - 1][0], month_name(o->loc, m->m), m->d, m->y,
			 o->loc->days[dateshift_iso_weekday(m->day) - 1][0]);
}

/* ---------------------------------------------------------------- the scan */

static void add(struct scan *sc, const struct td_mention *m)
{
	if (sc->n == sc->alloc) {
		sc->alloc = sc->alloc ? 2 * sc->alloc : 8;
		sc->v = xrealloc(sc->v, sc->alloc * sizeof(*sc->v));
	}
	sc->v[sc->n++] = *m;
}

/* A mention starting at i (a word start): its end, or i when there is none. */
static size_t mention_at(struct scan *sc, size_t i)
{
	struct td_mention m;
	size_t k, w, e, wk;
	int wd = 0, sp = -1, up = 0;

	memset(&m, 0, sizeof(m));
	m.mspell = m.wspell = -1;
	m.start = i;
	if (weekday_word(sc, i, &wk, &wd, &sp, &up)) {
		e = i + wk;
		if (sp > 0 && at(sc, e) == '.')
			e++;
		if (at(sc, e) == ',')
			e++;
		if (!(w = spaces(sc, e)))
			return i;
		e += w;
		if (!(k = a_date(sc, e, &m, 1)))
			return i;
		m.wday = wd;
		m.wspell = sp;
		m.wupper = up;
		m.tok[TD_T_WDAY][0] = i;
		m.tok[TD_T_WDAY][1] = i + wk;
		m.end = e + k;
	} else {
		if (!(k = a_date(sc, i, &m, 0)))
			return i;
		m.end = i + k;
		/* "9/5 (Fri)" */
		w = spaces(sc, m.end);
		if (!m.problem[0] && at(sc, m.end + w) == '(' &&
		    weekday_word(sc, m.end + w + 1, &k, &wd, &sp, &up)) {
			e = m.end + w + 1 + k;
			if (sp > 0 && at(sc, e) == '.')
				e++;
			if (at(sc, e) == ')') {
				m.wday = wd;
				m.wspell = sp;
				m.wupper = up;
				m.tok[TD_T_WDAY][0] = m.end + w + 1;
				m.tok[TD_T_WDAY][1] = m.end + w + 1 + k;
				m.end = e + 1;
			}
		}
	}
	check(sc->o, &m);
	add(sc, &m);
	return m.end;
}

/* Past an HTML tag, comment, or script/style element starting at i ('<'). */
static size_t skip_markup(const struct scan *sc, size_t i)
{
	const char *p, *end = sc->s + sc->len;
	char q = 0;

	if (has(sc, i, "<!--")) {
		for (p = sc->s + i + 4; p + 2 < end && strncmp(p, "-->", 3); p++)
			;
		return p + 3 <= end ? (size_t)(p + 3 - sc->s) : sc->len;
	}
	if ((has(sc, i, "<script") && !is_alpha(at(sc, i + 7))) || (has(sc, i, "<style") && !is_alpha(at(sc, i + 6)))) {
		const char *close = sc->s[i + 2] == 'c' || sc->s[i + 2] == 'C' ? "</script" : "</style";
		size_t k;

		for (k = i + 1; k < sc->len && !has(sc, k, close); k++)
			;
		i = k;
	}
	for (i++; i < sc->len; i++) {
		char c = sc->s[i];

		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'') {
			q = c;
		} else if (c == '>') {
			return i + 1;
		}
	}
	return sc->len;
}

/* Past a URL at i ("http://", "https://", "www."), or i. */
static size_t skip_url(const struct scan *sc, size_t i)
{
	size_t k = i;

	if (!has(sc, i, "http://") && !has(sc, i, "https://") && !has(sc, i, "www."))
		return i;
	while (k < sc->len && !space1(sc, k) && sc->s[k] != '<' && sc->s[k] != '"')
		k++;
	return k;
}

static int word_start(const struct scan *sc, size_t i)
{
	int p = i ? (unsigned char)sc->s[i - 1] : ' ', c = at(sc, i);

	if (!is_alpha(c) && !is_digit(c))
		return 0;
	if (is_alpha(p) || is_digit(p) || p == '_')
		return 0;
	if (is_digit(c) && (p == '.' || p == '/' || p == ':' || p == '#' || p == '$' || p == ','))
		return 0;
	return 1;
}

size_t td_find(const char *text, size_t len, const struct td_opts *o, struct td_mention **out, size_t *n)
{
	struct scan sc = { text, len, o, NULL, 0, 0 };
	size_t i = 0, e;

	while (i < len) {
		if (o->html && text[i] == '<' && (is_alpha(at(&sc, i + 1)) || at(&sc, i + 1) == '/' || at(&sc, i + 1) == '!')) {
			i = skip_markup(&sc, i);
			continue;
		}
		if ((e = skip_url(&sc, i)) > i) {
			i = e;
			continue;
		}
		if (!word_start(&sc, i)) {
			i++;
			continue;
		}
		if ((e = mention_at(&sc, i)) > i) {
			i = e;
			continue;
		}
		while (i < len && (is_alpha(at(&sc, i)) || is_digit(at(&sc, i))))
			i++;
	}
	*out = sc.v;
	*n = sc.n;
	return sc.n;
}

/* ---------------------------------------------------------------- the rewrite */

/* A word in the written spelling (index clamped to the usual abbreviation) and case. */
static void put_word(struct buf *b, const char *const *spells, int spell, int upper)
{
	const char *w = spells[spell > 1 ? 1 : spell < 0 ? 0 : spell];
	size_t k;

	for (k = 0; w[k]; k++)
		buf_putc(b, upper ? (char)toupper((unsigned char)w[k]) : w[k]);
}

static void put_num(struct buf *b, int v, int pad)
{
	buf_printf(b, pad ? "%02d" : "%d", v);
}

/* The new text of part t of m (new date y/mo/d, range end y2/mo2/d2). */
static void put_tok(struct buf *b, const struct td_opts *o, const struct td_mention *m, int t, int y, int mo,
		    int d, int y2, int mo2, int d2)
{
	const struct td_locale *l = o->loc;
	int cross = mo2 != mo || y2 != y;

	switch (t) {
	case TD_T_WDAY:
		put_word(b, l->days[dateshift_iso_weekday(dateshift_days_from_civil(y, mo, d)) - 1], m->wspell,
			 m->wupper);
		break;
	case TD_T_MON:
		if (!m->named)
			put_num(b, mo, m->pad_m);
		else
			put_word(b, l->months[(m->day_first && m->tok[TD_T_DAY2][1] ? mo2 : mo) - 1], m->mspell,
				 m->mupper);
		break;
	case TD_T_DAY:
		put_num(b, d, m->pad_d);
		if (m->day_first && m->named && m->tok[TD_T_DAY2][1] && cross) {
			if (m->tok[TD_T_ORD][1] > m->tok[TD_T_ORD][0] && l->ordinal)
				buf_puts(b, l->ordinal(d));
			buf_putc(b, ' ');
			put_word(b, l->months[mo - 1], m->mspell, m->mupper);
		}
		break;
	case TD_T_ORD:
		if (l->ordinal && !(m->day_first && m->named && m->tok[TD_T_DAY2][1] && cross))
			buf_puts(b, l->ordinal(d));
		break;
	case TD_T_DAY2:
		if (!m->day_first && cross) {
			put_word(b, l->months[mo2 - 1], m->mspell, m->mupper);
			buf_putc(b, ' ');
		}
		put_num(b, d2, 0);
		break;
	case TD_T_ORD2:
		if (l->ordinal)
			buf_puts(b, l->ordinal(d2));
		break;
	case TD_T_YEAR:
		if (m->tok[TD_T_YEAR][1] - m->tok[TD_T_YEAR][0] == 2)
			buf_printf(b, "%02d", y2 % 100);
		else
			buf_printf(b, "%04d", y2);
		break;
	}
}

/* Map m; 1 when it moves (m->to, m->to2 set), 0 when it stays (or became a problem). */
static int map_mention(struct td_mention *m, td_map_fn map, void *ud)
{
	if (m->problem[0])
		return 0;
	if (map(ud, m->day, &m->to) || map(ud, m->day2, &m->to2)) {
		snprintf(m->problem, sizeof(m->problem), "the date cannot be moved (out of range)");
		return 0;
	}
	if (m->to2 < m->to) {
		int y, mo, d, y2, mo2, d2;

		dateshift_civil_from_days(m->to, &y, &mo, &d);
		dateshift_civil_from_days(m->to2, &y2, &mo2, &d2);
		snprintf(m->problem, sizeof(m->problem),
			 "the range would end (%04d-%02d-%02d) before it starts (%04d-%02d-%02d)", y2, mo2, d2, y, mo, d);
		return 0;
	}
	return m->to != m->day || m->to2 != m->day2;
}

char *td_rewrite(const char *text, size_t len, const struct td_opts *o, td_map_fn map, void *ud, size_t *outlen,
		 struct td_mention **mentions, size_t *nmentions, size_t *moved)
{
	struct td_mention *v;
	struct buf b = BUF_INIT;
	size_t n, i, pos = 0, nm = 0;

	td_find(text, len, o, &v, &n);
	for (i = 0; i < n; i++) {
		struct td_mention *m = &v[i];
		size_t at_ = m->start;
		int y, mo, d, y2, mo2, d2;

		if (!map_mention(m, map, ud))
			continue;
		dateshift_civil_from_days(m->to, &y, &mo, &d);
		dateshift_civil_from_days(m->to2, &y2, &mo2, &d2);
		buf_add(&b, text + pos, m->start - pos);
		/* the parts in text order */
		for (;;) {
			int t, best = -1;

			for (t = 0; t < TD_NTOK; t++)
				if (m->tok[t][1] > m->tok[t][0] && m->tok[t][0] >= at_ &&
				    (best < 0 || m->tok[t][0] < m->tok[best][0]))
					best = t;
			if (best < 0)
				break;
			buf_add(&b, text + at_, m->tok[best][0] - at_);
			put_tok(&b, o, m, best, y, mo, d, y2, mo2, d2);
			at_ = m->tok[best][1];
		}
		buf_add(&b, text + at_, m->end - at_);
		pos = m->end;
		nm++;
	}
	if (mentions)
		*mentions = v;
	else
		free(v);
	if (nmentions)
		*nmentions = n;
	if (moved)
		*moved = nm;
	if (!nm) {
		buf_release(&b);
		if (outlen)
			*outlen = len;
		return NULL;
	}
	buf_add(&b, text + pos, len - pos);
	return buf_detach(&b, outlen);
}

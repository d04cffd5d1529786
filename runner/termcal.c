/* runner/termcal.c -- the term calendar of the `schedule` step (include/termcal.h has the rules).
 *
 * The teaching weeks are worked out once, in termcal_init, as the first day of each: a schedule
 * asks for "week N" once per date it sets, so a lookup is an index, not a walk over the term.
 * A week is kept when one of its Monday..Friday days is inside the term and in no break: this is
 * the definition people use when they count "week 9 after spring break" (a break that covers the
 * school days of a week takes the week with it, its weekend does not keep it alive), and it makes
 * a term that starts on a Saturday begin its week 1 on the Monday after. Counting calendar weeks
 * and letting the break shift dates after the fact (shift_dates' blackouts) was rejected: "week 9"
 * would then mean a different week before and after the break.
 *
 * Moving a day out of breaks follows shift_dates' blackouts (runner/dateshift.c): the first break
 * holding the day decides, again until the day is clear; a chain is bounded by the number of
 * breaks plus one, beyond which it is a circle.
 *
 * Local time is dates.h's (dates_from_local): a wall-clock time that does not exist (the
 * spring-forward gap) moves forward by the gap, an ambiguous one takes its first occurrence.
 */
#include "termcal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "dateshift.h"
#include "xalloc.h"

#define MAX_TERM_DAYS (10 * 366)

/* err_set that returns -1 (termcal.h's convention). */
static int fail(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_setv(err, ERR_RECIPE, fmt, ap);
	va_end(ap);
	return -1;
}

static int weekday_is_school(int64_t day)
{
	return dateshift_iso_weekday(day) <= 5;
}

long termcal_break_at(const struct termcal *c, int64_t day)
{
	size_t i;

	for (i = 0; i < c->nbreaks; i++)
		if (day >= c->breaks[i].start && day <= c->breaks[i].end)
			return (long)i;
	return -1;
}

/* 1 when the calendar week starting on `first` has a school day in the term outside the breaks. */
static int teaching(const struct termcal *c, int64_t first)
{
	int64_t d;

	for (d = first; d < first + 7; d++)
		if (d >= c->start && d <= c->end && weekday_is_school(d) && termcal_break_at(c, d) < 0)
			return 1;
	return 0;
}

int termcal_init(struct termcal *c, int64_t start, int64_t end, int weeks_start_on,
		 const struct termcal_break *breaks, size_t nbreaks, struct err *err)
{
	int64_t first;
	size_t i, cap;

	memset(c, 0, sizeof(*c));
	if (weeks_start_on < 1 || weeks_start_on > 7)
		return fail(err, "the week start %d is not a weekday (1 Monday .. 7 Sunday)",
			       weeks_start_on);
	if (end < start)
		return fail(err, "the term ends before it starts");
	if (end - start > MAX_TERM_DAYS)
		return fail(err, "the term is longer than ten years");
	for (i = 0; i < nbreaks; i++)
		if (breaks[i].end < breaks[i].start)
			return fail(err, "break #%zu ends before it starts", i + 1);
	c->start = start;
	c->end = end;
	c->weeks_start_on = weeks_start_on;
	if (nbreaks) {
		c->breaks = xmalloc(nbreaks * sizeof(*c->breaks));
		memcpy(c->breaks, breaks, nbreaks * sizeof(*c->breaks));
		c->nbreaks = nbreaks;
	}
	first = start - (dateshift_iso_weekday(start) - weeks_start_on + 7) % 7;
	cap = (size_t)((end - first) / 7 + 1);
	c->week = xmalloc(cap * sizeof(*c->week));
	for (; first <= end; first += 7)
		if (teaching(c, first))
			c->week[c->nweeks++] = first;
	return 0;
}

void termcal_release(struct termcal *c)
{
	free(c->breaks);
	free(c->week);
	memset(c, 0, sizeof(*c));
}

int termcal_day(const struct termcal *c, int week, int weekday, int64_t *day)
{
	if (week < 1 || week > c->nweeks || weekday < 1 || weekday > 7)
		return -1;
	*day = c->week[week - 1] + (weekday - c->weeks_start_on + 7) % 7;
	return 0;
}

int termcal_week_of(const struct termcal *c, int64_t day)
{
	int lo = 0, hi = c->nweeks;

	/* the last week starting on or before day */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (c->week[mid] <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || day >= c->week[lo - 1] + 7)
		return 0;
	return lo;
}

int termcal_settle(const struct termcal *c, int64_t day, int64_t *out, long *brk)
{
	size_t steps;
	long b;

	if (brk)
		*brk = termcal_break_at(c, day);
	for (steps = 0; (b = termcal_break_at(c, day)) >= 0; steps++) {
		if (steps > c->nbreaks)
			return -1;
		day = c->breaks[b].before ? c->breaks[b].start - 1 : c->breaks[b].end + 1;
	}
	*out = day;
	return 0;
}

int termcal_instant(int64_t day, int hh, int mm, int ss, const char *zone, int64_t *t)
{
	int y, m, d;

	dateshift_civil_from_days(day, &y, &m, &d);
	return dates_from_local(y, m, d, hh, mm, ss, zone, t);
}

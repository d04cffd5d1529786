/* include/termcal.h -- a term calendar: teaching weeks numbered 1, 2, ... that skip breaks; pure (no
 * Canvas, no recipe), for the `schedule` step (runner/step_schedule.c) and its tests.
 *
 *   struct termcal c;
 *   termcal_init(&c, start, end, weeks_start_on, breaks, nbreaks, &err)   day numbers (dateshift.h)
 *   termcal_day(&c, week, weekday, &day)         the day of a weekday in teaching week `week`
 *   termcal_settle(&c, day, &out, &brk)          a day moved out of the breaks (each break's move)
 *   termcal_instant(&c, day, hh, mm, ss, zone, &t)   local wall-clock time on that day -> instant
 *   termcal_week_of(&c, day)                     the teaching week a day belongs to, or 0
 *   termcal_release(&c)
 *
 * The rules (docs/recipes.md "schedule" is the user's reference):
 *   - Calendar weeks begin on `weeks_start_on` (ISO 1 Monday .. 7 Sunday). The first calendar
 *     week is the one holding the term's start (a term starting on a Wednesday has a first week
 *     whose Monday is two days before the start); the last is the one holding its end.
 *   - A calendar week is a TEACHING week when at least one of its Monday..Friday days lies inside
 *     the term and outside every break. Teaching weeks are numbered from 1 in order; other weeks
 *     (a spring break Monday to Friday, a term starting on a Saturday) have no number, so "week 9"
 *     after a break is the ninth week with classes.
 *   - A weekday of a teaching week is the day of that calendar week, even when it falls outside
 *     the term (week 1's Monday before a Wednesday start) or in a break (a one-day holiday inside
 *     a teaching week): termcal_settle then moves a day that is in a break to the day after it
 *     (move after, the default) or before it (move before), again while it lands in another.
 *   - Breaks are calendar dates, inclusive, in any order, overlapping allowed; outside the term
 *     they are allowed and only matter to termcal_settle.
 *   - Local time: termcal_instant puts a wall-clock time on a local day with dates_from_local, so
 *     "Thursday 23:59" is 23:59 on both sides of a DST change (the UTC instant moves by the hour).
 * Day numbers are days since 1970-01-01 (dateshift_days_from_civil).
 */
#ifndef COURSECTL_TERMCAL_H
#define COURSECTL_TERMCAL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct termcal_break {
	int64_t start, end;       /* day numbers, inclusive, start <= end */
	int before;               /* 0: a day in it moves to the day after, 1: to the day before */
};

struct termcal {
	int64_t start, end;       /* the term, day numbers, inclusive */
	int weeks_start_on;       /* ISO weekday 1..7 */
	struct termcal_break *breaks;   /* malloced copy */
	size_t nbreaks;
	int64_t *week;            /* malloced: week[k] is the first day of teaching week k + 1 */
	int nweeks;
};

/* Build the calendar. -1 with err set: end before start, a weekday out of 1..7, a term longer than
 * ten years, a break ending before it starts. Release with termcal_release (also after an error). */
int termcal_init(struct termcal *c, int64_t start, int64_t end, int weeks_start_on,
		 const struct termcal_break *breaks, size_t nbreaks, struct err *err);
void termcal_release(struct termcal *c);

/* The day of ISO `weekday` in teaching week `week` (1-based) into *day. 0, or -1 when the term has
 * no such week (0, negative, or past its last). */
int termcal_day(const struct termcal *c, int week, int weekday, int64_t *day);
/* The teaching week holding `day`, or 0 (a break week, before or after the term). */
int termcal_week_of(const struct termcal *c, int64_t day);
/* The first break (in the order given) holding day, or -1. */
long termcal_break_at(const struct termcal *c, int64_t day);
/* `day` moved out of the breaks into *out; *brk (may be NULL) gets the first break that moved it,
 * or -1. 0, or -1 when the moves go round in a circle (a move-after break ending where a
 * move-before break begins). */
int termcal_settle(const struct termcal *c, int64_t day, int64_t *out, long *brk);
/* The instant of hh:mm:ss local time on `day` in `zone`. 0, or -1 (unknown zone, out of range). */
int termcal_instant(int64_t day, int hh, int mm, int ss, const char *zone, int64_t *t);

#endif

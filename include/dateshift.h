/* include/dateshift.h -- the date engine of `shift_dates`: where one date lands; pure, no Canvas.
 *
 *   struct dateshift ds;
 *   dateshift_init(&ds, model, zone, &err)     model: the step (include/recipe_shift_dates.h); zone:
 *                                              the step's time_zone, else the course's (IANA)
 *   dateshift_instant(&ds, t, &out)            an instant (due_at, ...): shifted in local time
 *   dateshift_map_day(&ds, day)                a calendar date, as a day number -> its new day
 *
 * Semantics (docs/recipes.md "shift_dates" is the user's reference; API.md 10 is Canvas's):
 *   - The LOCAL calendar date in `zone` moves; the local wall-clock time, seconds included, stays
 *     (23:59:59 EDT becomes 23:59:59 EST after a DST change). A local time that does not exist on
 *     the new date moves forward by the gap; an ambiguous one takes the first occurrence
 *     (dates_from_local). `seconds: drop` sets the seconds to 0, as Canvas's course copy does.
 *   - days: N -- the local date plus N days.
 *   - from/to -- Canvas's mapping: p = (d - from.start) / (from.end - from.start), not clamped;
 *     t = to.start + round_half_away_from_zero(p * (to.end - to.start)) (to.end absent: the old
 *     span is kept); then the weekday: w = weekdays[weekday(d)] or weekday(d); if weekday(t) != w,
 *     move forward to the next w, then back one week unless that is before to.start.
 *   - blackouts (both modes, after the mapping): a date inside one (inclusive) moves to the day
 *     after it (move: after) or before it (move: before), again while it lands in another; a chain
 *     that would go round forever is an error from dateshift_init (checked up front).
 * Day numbers are days since 1970-01-01 in the proleptic Gregorian calendar.
 */
#ifndef COURSECTL_DATESHIFT_H
#define COURSECTL_DATESHIFT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "recipe_shift_dates.h"

struct dateshift_blackout {
	int64_t start, end;       /* day numbers, inclusive */
	int after;                /* 1: move after, 0: move before */
};

struct dateshift {
	int term;                 /* 0: days mode, 1: from/to mapping */
	int64_t days;
	int64_t from_start, from_end, to_start, to_end;   /* day numbers (to_end filled when absent) */
	int weekdays[8];          /* ISO 1..7 -> substitute weekday, 0: keep */
	struct dateshift_blackout *blackouts;             /* malloced; dateshift_release */
	size_t nblackouts;
	char zone[64];
	int drop_seconds;
};

/* Fill ds from the model for one zone. -1 with err set: unknown zone, or blackouts that send a
 * date round in a circle. Release with dateshift_release. */
int dateshift_init(struct dateshift *ds, const struct rshift_dates *m, const char *zone, struct err *err);
void dateshift_release(struct dateshift *ds);

/* The day a calendar day lands on (mapping + weekday + blackouts). */
int64_t dateshift_map_day(const struct dateshift *ds, int64_t day);
/* The same, and why: *landed (or NULL) gets the day the mapping gave before the blackouts,
 * *blackout (or NULL) the index of the blackout that moved it out (the first containing *landed,
 * recipe order), or -1 when none did. For the plan's note on a moved date (issue 16). */
int64_t dateshift_map_day_why(const struct dateshift *ds, int64_t day, int64_t *landed, long *blackout);

/* An instant shifted in local time in ds->zone. 0, or -1 when the result is out of range. */
int dateshift_instant(const struct dateshift *ds, int64_t t, int64_t *out);

/* Calendar helpers, exposed for the engine's users and tests. */
int64_t dateshift_days_from_civil(int y, int m, int d);
void dateshift_civil_from_days(int64_t day, int *y, int *m, int *d);
/* ISO weekday of a day number: 1 Monday .. 7 Sunday. */
int dateshift_iso_weekday(int64_t day);

#endif

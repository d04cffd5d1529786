/* include/dates.h -- instants, ISO 8601 text and wall-clock time in an IANA zone; knows nothing of Canvas.
 *
 * An instant is seconds since the epoch (int64_t, UTC). Canvas writes instants as
 * "YYYY-MM-DDTHH:MM:SSZ" (API.md 11); dates_parse() also accepts a fraction and a +-HH:MM offset.
 * Zones come from the system zone database (tzdata) through the C library: a conversion sets TZ to
 * the zone and LEAVES it there (switching zones reloads the rules, which is slow; a run of
 * conversions in one zone is cheap). dates_reset() puts TZ back as it was before the first
 * conversion: call it before anything that wants the process's own zone (localtime(), mktime()).
 * Not thread-safe (coursectl has one thread).
 */
#ifndef COURSECTL_DATES_H
#define COURSECTL_DATES_H

#include <stddef.h>
#include <stdint.h>

/* Wall-clock time in a zone. */
struct dates_local {
	int y, m, d;              /* 1-based month and day */
	int hh, mm, ss;
	int wday;                 /* 0 Sunday .. 6 Saturday */
	int offset_s;             /* seconds east of UTC */
	char abbr[16];            /* "PDT", "CET", "+0530" */
};

/* The fields of an ISO 8601 date or date-time as written: the one parser of such text (Canvas's
 * instants in dates_parse, a recipe's dates in recipe_check.c), each caller deciding which of the
 * optional parts it requires. */
struct dates_iso {
	int y, m, d;
	int has_time;             /* T (or t, or a space) and HH:MM */
	int hh, mm;
	int has_seconds;          /* :SS, perhaps with a fraction (.123, dropped) */
	int ss;                   /* 0..60 (a leap second) */
	int has_offset;           /* Z, z or +-HH:MM */
	int offset_min;           /* minutes east of UTC */
	char sep;                 /* 'T', 't' or ' ' when has_time */
	char zulu;                /* 'Z' or 'z' when the offset was written so, else 0 */
};

/* "YYYY-MM-DD[(T|t| )HH:MM[:SS[.frac]][Z|z|+-HH:MM]]" -> *o. 0, or -1 when s is not that (a trailing
 * byte, a month 13, a 31 April, a 25th hour, an offset without a time). */
int dates_parse_iso(const char *s, struct dates_iso *o);

/* "2025-10-18T06:59:59Z", "...T06:59:59.123Z", "...T01:59:59-05:00" -> *t. 0, or -1 when s is not
 * such a date-time (a trailing byte, a month 13, a 25th hour; seconds and the offset are required,
 * the separator is T or a space and the zone Z or +-HH:MM, as Canvas writes them). */
int dates_parse(const char *s, int64_t *t);
/* "YYYY-MM-DDTHH:MM:SSZ" */
void dates_format_utc(int64_t t, char out[32]);

/* 1 when `zone` names a zone of the system database ("America/New_York", "UTC"). */
int dates_zone_valid(const char *zone);
/* The wall-clock time of t in zone. 0, or -1 when the zone is unknown or t is beyond the C library's
 * range. */
int dates_to_local(int64_t t, const char *zone, struct dates_local *out);
/* The instant of a wall-clock time in zone. A time that does not exist (the spring-forward gap) is
 * moved forward by the gap (02:30 on a 02:00->03:00 day is 03:30); an ambiguous one (fall-back)
 * takes the first occurrence. 0, or -1 when the zone is unknown or the fields are out of range. */
int dates_from_local(int y, int m, int d, int hh, int mm, int ss, const char *zone, int64_t *t);

/* Canvas's "fancy midnight" (CanvasTime.fancy_midnight): an instant that is the first second of its
 * local day in `zone` is stored as the last second (23:59:59) of that same local day; any other
 * instant is stored as it is. *stored gets the instant Canvas keeps. The first second of a day is
 * its 00:00:00, or, on a day whose midnight falls in a spring-forward gap (Santiago, Havana), the
 * first time that exists (01:00), as ActiveSupport's beginning_of_day finds it. Returns 1 when the
 * instant moves, 0 when not, -1 when the zone is unknown or t out of range. */
int dates_fancy_midnight(int64_t t, const char *zone, int64_t *stored);

/* Put TZ back as it was before the first conversion (a no-op when no conversion ran since). */
void dates_reset(void);

/* "Fri 2025-10-17 23:59:59 PDT" */
void dates_format_local(const struct dates_local *l, char out[48]);

#endif

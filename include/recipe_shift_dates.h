/* include/recipe_shift_dates.h -- the model of a `shift_dates` step, as checked by
 * runner/recipe_shift_dates.c and consumed by the date engine (issue 6).
 *
 *   shift_dates:
 *     days: 7                                   one of: a plain offset in local calendar days
 *     from: {start: 2025-08-25, end: 2025-12-12}        or a term mapping (to.end optional:
 *     to:   {start: 2026-01-12, end: 2026-05-08}        the term length is kept)
 *     weekdays: {mon: tue, wed: thu}            term mapping only: snap to a substitute weekday
 *     blackouts: [{start: 2026-03-16, end: 2026-03-20, move: after}]
 *     time_zone: America/Denver                 default: each course's time_zone
 *     seconds: keep | drop                      default keep
 *     only: [assignments, quizzes, ...]         default: every kind
 *     course_dates: false                       also shift the course's start_at/end_at
 *     overrides: true                           include assignment overrides
 *     where: {name: ..., due_at: {after: ..., before: ...}, ...}
 *     text: true | {locale: en-GB}              also the dates written in names, titles and
 *                                               HTML bodies (runner/textdates.c); default false
 *
 * Every value below is resolved: defaults are filled in, so the engine never sees an "unset"
 * state. All memory (the struct, blackouts, time_zone, where) is the recipe's arena: it lives as
 * long as the recipe and is never freed on its own. Dates in from/to/blackouts are calendar dates
 * (has_time is always 0); their `pos` points at the value in the recipe for later diagnostics.
 */
#ifndef COURSECTL_RECIPE_SHIFT_DATES_H
#define COURSECTL_RECIPE_SHIFT_DATES_H

#include "recipe.h"
#include "recipe_where.h"
#include "textdates.h"

enum rshift_mode {
	RSHIFT_DAYS,              /* `days: N` */
	RSHIFT_TERM               /* `from:` + `to:` */
};

enum rshift_move {
	RSHIFT_MOVE_AFTER,        /* to the first day after the blackout (the default) */
	RSHIFT_MOVE_BEFORE        /* to the last day before it */
};

enum rshift_seconds {
	RSHIFT_SECONDS_KEEP,      /* the default: the wall-clock time is kept to the second */
	RSHIFT_SECONDS_DROP       /* Canvas's course-copy truncation */
};

/* The kinds `only:` accepts, as bits of rshift_dates.only. The order is the order of the names in
 * rshift_kind_names[]: bit (1 << i) is rshift_kind_names[i]. */
enum rshift_kind {
	RSHIFT_ASSIGNMENTS     = 1 << 0,
	RSHIFT_QUIZZES         = 1 << 1,
	RSHIFT_DISCUSSIONS     = 1 << 2,
	RSHIFT_ANNOUNCEMENTS   = 1 << 3,
	RSHIFT_PAGES           = 1 << 4,
	RSHIFT_MODULES         = 1 << 5,
	RSHIFT_CALENDAR_EVENTS = 1 << 6
};
#define RSHIFT_KIND_ALL ((unsigned)((1 << 7) - 1))

/* "assignments", "quizzes", ..., "calendar_events", NULL (the YAML spelling of each bit). */
extern const char *const rshift_kind_names[];

struct rshift_blackout {
	struct rdate start, end;  /* calendar dates, end >= start (inclusive range) */
	enum rshift_move move;
	struct rpos pos;          /* the blackout's mapping */
};

struct rshift_dates {
	enum rshift_mode mode;
	long days;                /* RSHIFT_DAYS: -3650..3650, never 0 */
	/* RSHIFT_TERM: from_end > from_start; to_end > to_start when has_to_end, otherwise the engine
	 * keeps the old term's length. */
	struct rdate from_start, from_end, to_start, to_end;
	int has_to_end;
	/* weekdays[w] (w = 1 Monday .. 7 Sunday, ISO) is the weekday a date falling on w snaps to; 0 means
	 * no substitute (keep w). weekdays[0] is unused. All zero in RSHIFT_DAYS mode. */
	int weekdays[8];
	struct rshift_blackout *blackouts;   /* in recipe order (overlaps and any order allowed) */
	size_t nblackouts;
	char *time_zone;          /* IANA name, or NULL: each course's own time_zone */
	enum rshift_seconds seconds;
	unsigned only;            /* bits of enum rshift_kind; RSHIFT_KIND_ALL when `only:` is absent */
	int course_dates;         /* 0 or 1; default 0 */
	int overrides;            /* 0 or 1; default 1 */
	struct rwhere *where;     /* NULL: every object; date ranges apply to the ORIGINAL dates */
	/* text: the dates written as text move too, read in text_locale (include/textdates.h; "en"
	 * unless `text: {locale: ...}` names another); NULL when off. text_syllabus: the course's
	 * syllabus body is read as well (`only:` absent or listing `syllabus`, and no where:). */
	const struct td_locale *text_locale;
	int text_syllabus;
	struct rpos pos;          /* the shift_dates mapping */
};

#endif

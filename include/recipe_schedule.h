/* include/recipe_schedule.h -- the model of a `schedule` step (issue 19), as checked by
 * runner/recipe_schedule.c and planned by runner/step_schedule.c.
 *
 *   schedule:
 *     term:                                 optional; absent: each course's own start_at/end_at
 *       start: 2026-01-12                   calendar dates
 *       end: 2026-05-01
 *       weeks_start_on: mon                 default mon
 *       breaks:
 *         - {name: Spring break, start: 2026-03-16, end: 2026-03-20, move: after}
 *     time_zone: America/New_York           default: each course's time_zone
 *     overrides: follow                     follow (default): an override keeps its offset in
 *                                           local days from its base; keep: left alone
 *     rules:
 *       - name: Problem sets                optional; default "rule #N"
 *         kind: assignments                 or a list: assignments quizzes discussions modules pages
 *         where: {name: 'Problem Set (\d+)'}    the shared where: (name/title, id, published)
 *         week: $1                          N, $G (a capture group), $G + N, $G - N
 *         set:
 *           due_at: thu 23:59               WEEKDAY HH:MM[:SS] in the rule's week
 *           unlock_at: {week: $1 - 1, weekday: mon, time: "06:00"}
 *           lock_at: due_at + 2 days        FIELD (+|-) N day(s)|hour(s)|minute(s)
 *     text: true                            or {locale: en-GB, syllabus: false,
 *                                             from: {start: 2025-08-25, end: 2025-12-12,
 *                                                    breaks: [...]}}: the dates written in the
 *                                           text of the objects the rules claim (and the
 *                                           syllabus) move with them; default false
 *                                           (runner/step_schedule.c says by which mapping)
 *
 * All memory is the recipe's arena. The set: fields of a rule are stored in the order they are
 * computed (a field another one is relative to comes first), so the step walks them once.
 */
#ifndef COURSECTL_RECIPE_SCHEDULE_H
#define COURSECTL_RECIPE_SCHEDULE_H

#include "recipe.h"
#include "recipe_where.h"
#include "textdates.h"

/* The kinds a rule selects, as bits (the YAML spelling: rsched_kind_names[]). */
enum rsched_kind {
	RSCHED_ASSIGNMENTS = 1 << 0,
	RSCHED_QUIZZES     = 1 << 1,
	RSCHED_DISCUSSIONS = 1 << 2,
	RSCHED_MODULES     = 1 << 3,
	RSCHED_PAGES       = 1 << 4
};
#define RSCHED_NKINDS 5
extern const char *const rsched_kind_names[];

/* A week: (group ? the number captured by where.name's group `group` : 0) + add. */
struct rsched_week {
	int given;                /* 0: not written (a field then uses its rule's week) */
	int group;                /* 0: no capture group */
	long add;
	struct rpos pos;
};

enum rsched_unit { RSCHED_DAYS, RSCHED_HOURS, RSCHED_MINUTES };

struct rsched_field {
	const char *field;        /* "due_at", ... */
	int relative;             /* 1: base + amount unit; 0: weekday and time in a week */
	const char *base;         /* relative: the other field of the same object */
	long amount;              /* relative: signed */
	enum rsched_unit unit;    /* relative: days are local calendar days (the wall-clock time stays) */
	struct rsched_week week;  /* absolute: given, or the rule's */
	int weekday;              /* absolute: ISO 1..7 */
	int hh, mm, ss;           /* absolute: local time */
	struct rpos pos;          /* the value in the recipe */
};

struct rsched_rule {
	char *name;
	unsigned kinds;           /* bits of enum rsched_kind, never 0 */
	struct rwhere *where;     /* NULL: every object of the kinds */
	struct rsched_week week;
	struct rsched_field *fields;   /* in computing order */
	size_t nfields;
	struct rpos pos;          /* the rule's mapping */
};

struct rsched_break {
	char *name;               /* or NULL */
	struct rdate start, end;  /* calendar dates, end >= start */
	int before;               /* move: before */
};

struct rschedule {
	int has_term;             /* 0: each course's start_at/end_at */
	struct rdate start, end;
	int weeks_start_on;       /* ISO 1..7, default 1 */
	struct rsched_break *breaks;
	size_t nbreaks;
	char *time_zone;          /* or NULL: the course's */
	int overrides_follow;     /* 1 (default) or 0 (overrides: keep) */
	struct rsched_rule *rules;
	size_t nrules;
	/* text: the dates written in names and bodies move too, read in text_locale ("en" unless
	 * text: {locale: ...}); NULL when off. text_syllabus: the syllabus is read as well (default
	 * with text on). text.from: the old term the written dates belong to (weeks numbered as the
	 * new term's, weeks_start_on), whose week N, weekday W maps to the new term's. */
	const struct td_locale *text_locale;
	int text_syllabus;
	int has_text_from;
	struct rdate text_from_start, text_from_end;
	struct rsched_break *text_from_breaks;
	size_t ntext_from_breaks;
	struct rpos pos;          /* the schedule mapping */
};

/* The fields a rule may set on a kind (NULL-terminated), by bit. */
const char *const *rsched_kind_fields(unsigned kind_bit);

#endif

/* tests/unit/unit-dateshift.c -- the date engine of `shift_dates` (runner/dateshift.c,
 * include/dateshift.h).
 *
 * 1. A table of vectors: a shift (a small spec string, parsed below into the recipe model), a zone,
 *    an input instant and the expected one. Every expected value was worked out by hand from the
 *    rules (API.md 10.4 for Canvas's own vectors, docs/recipes.md "shift_dates" for ours) and the
 *    zones' published transitions; the comments carry the local-time reasoning. They were never
 *    produced by running the engine.
 * 2. A property test: `days: 7k` (k = 1, 2, 52, -1) on every hour of 2025 in six zones keeps the
 *    local wall-clock time and the weekday, except a wall-clock time that does not exist on the
 *    target date (it moves forward by the gap), and an ambiguous one takes its first occurrence.
 *    The expected local date comes from the C library (timegm), not from the engine's calendar.
 * 3. dateshift_init's errors (zone, blackouts that go round), the calendar helpers, the day
 *    mapping on its own (all-day events) and the range limits.
 *
 * Spec strings: "days=N" | "from=A..B to=C[..D]"; then any of "wd=mon:tue,wed:thu",
 * "bo=A..B:after" (repeatable; blackout i sits at t.yaml line 10+i, column 9) and "drop".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dates.h"
#include "dateshift.h"

/* ---------------------------------------------------------------- building a model */

struct spec {
	struct rshift_dates m;
	struct rshift_blackout bl[4];
};

static void parse_date(const char *s, struct rdate *d)
{
	memset(d, 0, sizeof(*d));
	assert_int_equal(sscanf(s, "%4d-%2d-%2d", &d->y, &d->m, &d->d), 3);
	d->pos.file = "t.yaml";
}

static int weekday_num(const char *s)
{
	static const char *const names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	int i;

	for (i = 0; i < 7; i++)
		if (!strncmp(s, names[i], 3))
			return i + 1;
	fail_msg("bad weekday in spec: %s", s);
	return 0;
}

/* Parse a spec string (see the top comment) into sp->m. */
static void build(struct spec *sp, const char *spec)
{
	char buf[512], *tok, *save = NULL;

	memset(sp, 0, sizeof(*sp));
	sp->m.blackouts = sp->bl;
	sp->m.only = RSHIFT_KIND_ALL;
	sp->m.overrides = 1;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strncmp(tok, "days=", 5)) {
			sp->m.mode = RSHIFT_DAYS;
			sp->m.days = strtol(tok + 5, NULL, 10);
		} else if (!strncmp(tok, "from=", 5)) {
			sp->m.mode = RSHIFT_TERM;
			parse_date(tok + 5, &sp->m.from_start);
			parse_date(tok + 17, &sp->m.from_end);
		} else if (!strncmp(tok, "to=", 3)) {
			parse_date(tok + 3, &sp->m.to_start);
			if (strlen(tok) > 13) {
				parse_date(tok + 15, &sp->m.to_end);
				sp->m.has_to_end = 1;
			}
		} else if (!strncmp(tok, "wd=", 3)) {
			const char *p = tok + 3;

			while (*p) {
				sp->m.weekdays[weekday_num(p)] = weekday_num(p + 4);
				p += 7;
				if (*p == ',')
					p++;
			}
		} else if (!strncmp(tok, "bo=", 3)) {
			struct rshift_blackout *b = &sp->bl[sp->m.nblackouts];

			assert_true(sp->m.nblackouts < 4);
			parse_date(tok + 3, &b->start);
			parse_date(tok + 15, &b->end);
			b->move = !strcmp(tok + 26, "before") ? RSHIFT_MOVE_BEFORE : RSHIFT_MOVE_AFTER;
			b->pos.file = "t.yaml";
			b->pos.line = 10 + (int)sp->m.nblackouts;
			b->pos.col = 9;
			sp->m.nblackouts++;
		} else if (!strcmp(tok, "drop")) {
			sp->m.seconds = RSHIFT_SECONDS_DROP;
		} else {
			fail_msg("bad spec token: %s", tok);
		}
	}
}

/* ---------------------------------------------------------------- the vectors */

struct vec {
	const char *name;
	const char *spec;
	const char *zone;
	const char *in;
	const char *want;         /* NULL: dateshift_instant returns -1 */
};

#define CANVAS "from=2014-03-02..2014-04-26 to=2014-05-11..2014-07-05 drop"
#define UNEQUAL "from=2024-08-26..2024-12-13 to=2025-01-13..2025-05-09"
/* old Mon 2025-01-06 .. Wed 01-08 (2 days), new Mon 2025-03-03 .. Sun 03-16 (13 days): off 1 scales to
 * 6.5, off -1 to -6.5. With tue:mon and sun:mon the rounded day is already the wanted weekday, so
 * rounding the wrong way shows (the snap would go to another week). */
#define HALF "from=2025-01-06..2025-01-08 to=2025-03-03..2025-03-16 wd=tue:mon,sun:mon"
/* docs/recipes.md's "Fall into spring": old Mon 2025-08-25 .. Fri 12-12 (109 days), new from Mon
 * 2026-01-12, length kept (to Fri 2026-05-01); same weekday start, so the mapping is +140 days. */
#define FALL "from=2025-08-25..2025-12-12 to=2026-01-12"
#define BO "bo=2026-03-16..2026-03-20"

static const struct vec vecs[] = {
	/* ---- Canvas's own spec vectors (API.md 10.4), zone UTC, seconds dropped: both ranges 55 days,
	 * offset 70 days (10 weeks), so every date moves by exactly 70 days. */
	{ "canvas 03-23 00:00", CANVAS, "UTC", "2014-03-23T00:00:00Z", "2014-06-01T00:00:00Z" },
	{ "canvas 03-29 23:59", CANVAS, "UTC", "2014-03-29T23:59:00Z", "2014-06-07T23:59:00Z" },
	{ "canvas 04-01 23:59", CANVAS, "UTC", "2014-04-01T23:59:00Z", "2014-06-10T23:59:00Z" },
	/* the same with :59 seconds: dropped, as Canvas does */
	{ "canvas drops seconds", CANVAS, "UTC", "2014-03-29T23:59:59Z", "2014-06-07T23:59:00Z" },
	{ "canvas mapping, seconds kept", "from=2014-03-02..2014-04-26 to=2014-05-11..2014-07-05", "UTC",
	  "2014-04-01T23:59:59Z", "2014-06-10T23:59:59Z" },

	/* ---- unequal lengths (API.md 10.4): old 109 days, new 116, America/New_York */
	/* Fri 2024-10-18 23:59:59 EDT: off 53, 53*116/109 = 56.40 -> 56 -> Mon 2025-03-10; wanted Fri:
	 * forward to 03-14, back a week to Fri 03-07 (>= 01-13); 23:59 EST = 04:59Z next day */
	{ "unequal: fri mid-term", UNEQUAL " drop", "America/New_York", "2024-10-19T03:59:59Z",
	  "2025-03-08T04:59:00Z" },
	{ "unequal: fri mid-term, seconds kept", UNEQUAL, "America/New_York", "2024-10-19T03:59:59Z",
	  "2025-03-08T04:59:59Z" },
	/* Fri 2024-12-13 23:59:59 EST: p = 1 -> +116 -> Fri 2025-05-09, 23:59 EDT = 03:59Z next day */
	{ "unequal: last day", UNEQUAL " drop", "America/New_York", "2024-12-14T04:59:59Z",
	  "2025-05-10T03:59:00Z" },
	/* Mon 2024-09-02 23:59:59 EDT: off 7 -> 7.45 -> 7 -> Mon 2025-01-20, 23:59 EST */
	{ "unequal: first monday", UNEQUAL " drop", "America/New_York", "2024-09-03T03:59:59Z",
	  "2025-01-21T04:59:00Z" },
	/* before the old term: Mon 2024-08-19 10:00:30 EDT, off -7 -> -7.45 -> -7 (away from zero) ->
	 * Mon 2025-01-06, already a Monday; 10:00:30 EST */
	{ "unequal: a week before the term", UNEQUAL, "America/New_York", "2024-08-19T14:00:30Z",
	  "2025-01-06T15:00:30Z" },
	/* after it: Fri 2024-12-20 23:59:59 EST, off 116 -> 13456/109 = 123.45 -> 123 -> 01-13 + 123 =
	 * Fri 2025-05-16 (05-09 is +116); 23:59:59 EDT */
	{ "unequal: a week after the term", UNEQUAL, "America/New_York", "2024-12-21T04:59:59Z",
	  "2025-05-17T03:59:59Z" },

	/* ---- rounding half away from zero, exactly (HALF above), UTC */
	/* Tue 01-07: off 1 -> 6.5 -> 7 -> Mon 03-10 = the wanted Monday (tue:mon). Rounding to 6 would
	 * give Sun 03-09 -> forward to Mon 03-10, back to Mon 03-03. */
	{ "round +6.5 up", HALF, "UTC", "2025-01-07T12:00:00Z", "2025-03-10T12:00:00Z" },
	/* Sun 01-05: off -1 -> -6.5 -> -7 -> Mon 02-24 = the wanted Monday (sun:mon). Rounding half up
	 * (-6) would give Tue 02-25 -> forward to Mon 03-03, back to 02-24 < to.start: 03-03. */
	{ "round -6.5 away from zero", HALF, "UTC", "2025-01-05T12:00:00Z", "2025-02-24T12:00:00Z" },
	/* Wed 01-08: p = 1 -> +13 -> Sun 03-16; wanted Wed: forward to 03-19, back to 03-12 */
	{ "half: last day snaps back", HALF, "UTC", "2025-01-08T12:00:00Z", "2025-03-12T12:00:00Z" },
	/* Fri 01-03: off -3 -> -19.5 -> -20 -> Tue 02-11; wanted Fri: forward to 02-14, back to 02-07 <
	 * 03-03, so it stays 02-14 (extrapolated before the new term) */
	{ "half: before both terms", HALF, "UTC", "2025-01-03T12:00:00Z", "2025-02-14T12:00:00Z" },

	/* ---- weekday substitution, FALL (+140 days), America/Denver (MDT -6 until 2025-11-02, MST -7,
	 * MDT again from 2026-03-08) */
	/* Mon 2025-09-01 09:00 MDT: off 7 -> Mon 2026-01-19; wanted Tue (mon:tue): forward to 01-20,
	 * back to Tue 01-13 (>= 01-12); 09:00 MST */
	{ "weekdays: mon->tue, back a week", FALL " wd=mon:tue,wed:thu", "America/Denver",
	  "2025-09-01T15:00:00Z", "2026-01-13T16:00:00Z" },
	/* Mon 2025-08-25 (first day): -> Mon 01-12 -> forward to Tue 01-13; back would be 01-06 < 01-12 */
	{ "weekdays: first day stays forward", FALL " wd=mon:tue,wed:thu", "America/Denver",
	  "2025-08-25T15:00:00Z", "2026-01-13T16:00:00Z" },
	/* Wed 2025-10-15 23:59:59 MDT: off 51 -> Wed 2026-03-04 -> Thu 03-05 -> back to Thu 02-26;
	 * 23:59:59 MST = 06:59:59Z next day */
	{ "weekdays: wed->thu", FALL " wd=mon:tue,wed:thu", "America/Denver", "2025-10-16T05:59:59Z",
	  "2026-02-27T06:59:59Z" },
	/* Fri 2025-12-12 17:00 MST: p = 1 -> Fri 2026-05-01; wanted Mon: forward to 05-04, back to Mon
	 * 04-27; 17:00 MDT */
	{ "weekdays: fri->mon", FALL " wd=fri:mon", "America/Denver", "2025-12-13T00:00:00Z",
	  "2026-04-27T23:00:00Z" },
	/* Tue 2025-08-26 09:00 MDT: off 1 -> Tue 2026-01-13; wanted Mon (tue:mon): forward to 01-19,
	 * back to Mon 01-12, which IS to.start (only a day before it is refused); 09:00 MST */
	{ "weekdays: back onto to.start", FALL " wd=tue:mon", "America/Denver", "2025-08-26T15:00:00Z",
	  "2026-01-12T16:00:00Z" },
	/* the example: Fri 2025-10-17 23:59:59 PDT, off 53 -> Fri 2026-03-06, 23:59:59 PST */
	{ "fall into spring, LA", FALL, "America/Los_Angeles", "2025-10-18T06:59:59Z",
	  "2026-03-07T07:59:59Z" },

	/* ---- days: plain offsets */
	{ "days +7", "days=7", "UTC", "2025-06-30T12:34:56Z", "2025-07-07T12:34:56Z" },
	{ "days -1 across a month", "days=-1", "UTC", "2025-03-01T00:00:00Z", "2025-02-28T00:00:00Z" },
	/* 2025-06-30T20:00Z is Tue 07-01 01:30 IST: +1 -> 07-02 01:30 IST */
	{ "days +1 on the local date", "days=1", "Asia/Kolkata", "2025-06-30T20:00:00Z", "2025-07-01T20:00:00Z" },
	{ "days +1, seconds dropped", "days=1 drop", "Asia/Kolkata", "2025-06-30T20:00:45Z",
	  "2025-07-01T20:00:00Z" },
	{ "days +3650", "days=3650", "UTC", "2025-01-01T00:00:00Z", "2034-12-30T00:00:00Z" },

	/* ---- America/New_York: EST -5, EDT -4; 2025-03-09 02:00->03:00, 2025-11-02 02:00->01:00 */
	/* Fri 10-31 23:59:59 EDT -> Fri 11-07 23:59:59 EST: one hour later in UTC */
	{ "NY fall back +7", "days=7", "America/New_York", "2025-11-01T03:59:59Z", "2025-11-08T04:59:59Z" },
	/* Fri 03-07 23:59:59 EST -> Fri 03-14 23:59:59 EDT: one hour earlier in UTC */
	{ "NY spring forward +7", "days=7", "America/New_York", "2025-03-08T04:59:59Z", "2025-03-15T03:59:59Z" },
	/* Fri 2025-10-17 23:59:59 EDT + 140 days -> Fri 2026-03-06 23:59:59 EST */
	{ "NY +140 into winter", "days=140", "America/New_York", "2025-10-18T03:59:59Z", "2026-03-07T04:59:59Z" },
	/* Sun 03-02 02:30 EST -> Sun 03-09 02:30 does not exist -> 03:30 EDT = 07:30Z */
	{ "NY into the gap", "days=7", "America/New_York", "2025-03-02T07:30:00Z", "2025-03-09T07:30:00Z" },
	/* Sun 03-02 02:59:59 EST -> 03-09 02:59:59 (gap) -> 03:59:59 EDT */
	{ "NY into the gap, last second", "days=7", "America/New_York", "2025-03-02T07:59:59Z",
	  "2025-03-09T07:59:59Z" },
	/* Sun 03-02 02:30:45 EST, seconds dropped -> 03-09 02:30:00 (gap) -> 03:30:00 EDT */
	{ "NY into the gap, seconds dropped", "days=7 drop", "America/New_York", "2025-03-02T07:30:45Z",
	  "2025-03-09T07:30:00Z" },
	/* Sun 03-09 03:30 EDT (07:30Z) - 7 -> Sun 03-02 03:30 EST = 08:30Z */
	{ "NY out of the spring day", "days=-7", "America/New_York", "2025-03-09T07:30:00Z",
	  "2025-03-02T08:30:00Z" },
	/* Sun 10-26 01:30 EDT -> Sun 11-02 01:30 happens twice: the first, EDT = 05:30Z */
	{ "NY ambiguous: first occurrence", "days=7", "America/New_York", "2025-10-26T05:30:00Z",
	  "2025-11-02T05:30:00Z" },
	/* 11-02 06:30Z is the second 01:30 (EST) -> Sun 11-09 01:30 EST = 06:30Z */
	{ "NY from the second 01:30", "days=7", "America/New_York", "2025-11-02T06:30:00Z", "2025-11-09T06:30:00Z" },
	/* the same back a week -> Sun 10-26 01:30 EDT = 05:30Z */
	{ "NY from the second 01:30, back", "days=-7", "America/New_York", "2025-11-02T06:30:00Z",
	  "2025-10-26T05:30:00Z" },
	/* Canvas's DST artefact (API.md 10.4): Sun 2024-03-03 05:00 EST onto Sun 2025-03-09 (p = 0).
	 * Canvas gives 10:00Z = 06:00 EDT; we keep 05:00 local: 05:00 EDT = 09:00Z. */
	{ "NY no DST artefact (spring)", "from=2024-03-03..2024-03-09 to=2025-03-09 drop", "America/New_York",
	  "2024-03-03T10:00:00Z", "2025-03-09T09:00:00Z" },
	/* the fall-back side (Canvas: 02:00-05:59 local come out an hour early): Sun 2024-10-27 03:00
	 * EDT (07:00Z) -> Sun 2024-11-03 03:00 EST = 08:00Z */
	{ "NY no DST artefact (fall)", "days=7 drop", "America/New_York", "2024-10-27T07:00:00Z",
	  "2024-11-03T08:00:00Z" },

	/* ---- Europe/London: GMT +0, BST +1; 2025-03-30 01:00->02:00, 2025-10-26 02:00->01:00 */
	/* Fri 10-24 23:59:59 BST (22:59:59Z) -> Fri 10-31 23:59:59 GMT */
	{ "London fall back", "days=7", "Europe/London", "2025-10-24T22:59:59Z", "2025-10-31T23:59:59Z" },
	/* Fri 03-28 23:59:59 GMT -> Fri 04-04 23:59:59 BST = 22:59:59Z */
	{ "London spring forward", "days=7", "Europe/London", "2025-03-28T23:59:59Z", "2025-04-04T22:59:59Z" },
	/* Sun 03-23 01:30 GMT -> Sun 03-30 01:30 (gap) -> 02:30 BST = 01:30Z */
	{ "London into the gap", "days=7", "Europe/London", "2025-03-23T01:30:00Z", "2025-03-30T01:30:00Z" },
	/* Sun 10-19 01:30 BST (00:30Z) -> Sun 10-26 01:30 twice: the first, BST = 00:30Z */
	{ "London ambiguous", "days=7", "Europe/London", "2025-10-19T00:30:00Z", "2025-10-26T00:30:00Z" },
	/* 2025-06-01T23:30Z is Mon 06-02 00:30 BST: the LOCAL date (a Monday, off 0) maps to Mon 09-01,
	 * 00:30 BST = 08-31 23:30Z. The UTC date (Sunday, off -1) would land elsewhere. */
	{ "London local date, not UTC's", "from=2025-06-02..2025-06-30 to=2025-09-01", "Europe/London",
	  "2025-06-01T23:30:00Z", "2025-08-31T23:30:00Z" },

	/* ---- Australia/Sydney: AEST +10, AEDT +11; 2025-04-06 03:00->02:00, 2025-10-05 02:00->03:00 */
	/* Fri 03-28 23:59:59 AEDT (12:59:59Z) + 14 -> Fri 04-11 23:59:59 AEST = 13:59:59Z */
	{ "Sydney DST ends (April)", "days=14", "Australia/Sydney", "2025-03-28T12:59:59Z", "2025-04-11T13:59:59Z" },
	/* Fri 10-03 23:59:59 AEST (13:59:59Z) -> Fri 10-10 23:59:59 AEDT = 12:59:59Z */
	{ "Sydney DST starts (October)", "days=7", "Australia/Sydney", "2025-10-03T13:59:59Z",
	  "2025-10-10T12:59:59Z" },
	/* Sun 09-28 02:30 AEST (09-27 16:30Z) -> Sun 10-05 02:30 (gap) -> 03:30 AEDT = 10-04 16:30Z */
	{ "Sydney into the gap", "days=7", "Australia/Sydney", "2025-09-27T16:30:00Z", "2025-10-04T16:30:00Z" },
	/* Sun 03-30 02:30 AEDT (03-29 15:30Z) -> Sun 04-06 02:30 twice: the first, AEDT = 04-05 15:30Z */
	{ "Sydney ambiguous", "days=7", "Australia/Sydney", "2025-03-29T15:30:00Z", "2025-04-05T15:30:00Z" },
	/* 2025-07-13T22:00Z is Mon 07-14 08:00 AEST: off 7 -> Mon 2026-02-09 08:00 AEDT = 02-08 21:00Z */
	{ "Sydney term, local monday", "from=2025-07-07..2025-07-28 to=2026-02-02", "Australia/Sydney",
	  "2025-07-13T22:00:00Z", "2026-02-08T21:00:00Z" },

	/* ---- America/St_Johns: NST -3:30, NDT -2:30; 2025-03-09 02:00->03:00, 2025-11-02 02:00->01:00 */
	/* Fri 10-31 23:59:59 NDT (11-01 02:29:59Z) -> Fri 11-07 23:59:59 NST = 11-08 03:29:59Z */
	{ "St Johns fall back", "days=7", "America/St_Johns", "2025-11-01T02:29:59Z", "2025-11-08T03:29:59Z" },
	/* Fri 03-07 23:59:59 NST (03-08 03:29:59Z) -> Fri 03-14 23:59:59 NDT = 03-15 02:29:59Z */
	{ "St Johns spring forward", "days=7", "America/St_Johns", "2025-03-08T03:29:59Z", "2025-03-15T02:29:59Z" },
	/* Sun 03-02 02:15 NST (05:45Z) -> Sun 03-09 02:15 (gap) -> 03:15 NDT = 05:45Z */
	{ "St Johns into the gap", "days=7", "America/St_Johns", "2025-03-02T05:45:00Z", "2025-03-09T05:45:00Z" },
	/* Sun 10-26 01:45 NDT (04:15Z) -> Sun 11-02 01:45 twice: the first, NDT = 04:15Z */
	{ "St Johns ambiguous", "days=7", "America/St_Johns", "2025-10-26T04:15:00Z", "2025-11-02T04:15:00Z" },
	/* 2025-01-11T01:30Z is Fri 01-10 22:00 NST: off 4 -> Fri 09-12 22:00 NDT = 09-13 00:30Z */
	{ "St Johns term, local friday", "from=2025-01-06..2025-04-25 to=2025-09-08", "America/St_Johns",
	  "2025-01-11T01:30:00Z", "2025-09-13T00:30:00Z" },

	/* ---- Asia/Kolkata: IST +5:30 all year */
	{ "Kolkata +7", "days=7", "Asia/Kolkata", "2025-10-17T18:29:59Z", "2025-10-24T18:29:59Z" },
	/* 2025-03-10T00:00Z is 05:30 IST; New York's change that weekend is nothing here */
	{ "Kolkata -7, no DST", "days=-7", "Asia/Kolkata", "2025-03-10T00:00:00Z", "2025-03-03T00:00:00Z" },
	/* 2025-02-28T20:30Z is Sat 03-01 02:00 IST: off 26 -> Sat 08-30 02:00 IST = 08-29 20:30Z */
	{ "Kolkata term, local saturday", "from=2025-02-03..2025-05-02 to=2025-08-04", "Asia/Kolkata",
	  "2025-02-28T20:30:00Z", "2025-08-29T20:30:00Z" },

	/* ---- Pacific/Chatham: +12:45, +13:45 in summer; 2025-04-06 03:45->02:45, 2025-09-28 02:45->03:45 */
	/* Fri 09-26 23:59:59 +1245 (11:14:59Z) -> Fri 10-03 23:59:59 +1345 = 10:14:59Z */
	{ "Chatham DST starts", "days=7", "Pacific/Chatham", "2025-09-26T11:14:59Z", "2025-10-03T10:14:59Z" },
	/* Fri 04-04 23:59:59 +1345 (10:14:59Z) -> Fri 04-11 23:59:59 +1245 = 11:14:59Z */
	{ "Chatham DST ends", "days=7", "Pacific/Chatham", "2025-04-04T10:14:59Z", "2025-04-11T11:14:59Z" },
	/* Sun 09-21 03:00 +1245 (09-20 14:15Z) -> Sun 09-28 03:00 (gap 02:45-03:45) -> 04:00 +1345 = 09-27 14:15Z */
	{ "Chatham into the gap", "days=7", "Pacific/Chatham", "2025-09-20T14:15:00Z", "2025-09-27T14:15:00Z" },
	/* Sun 03-30 03:00 +1345 (03-29 13:15Z) -> Sun 04-06 03:00 twice: the first, +1345 = 04-05 13:15Z */
	{ "Chatham ambiguous", "days=7", "Pacific/Chatham", "2025-03-29T13:15:00Z", "2025-04-05T13:15:00Z" },
	/* 2025-06-01T20:15Z is Mon 06-02 09:00 +1245: off 0 -> Mon 11-03 09:00 +1345 = 11-02 19:15Z */
	{ "Chatham term, local monday", "from=2025-06-02..2025-06-27 to=2025-11-03", "Pacific/Chatham",
	  "2025-06-01T20:15:00Z", "2025-11-02T19:15:00Z" },

	/* ---- leap days */
	/* 2024-02-29 + 366 = 2025-03-01, so + 365 = 2025-02-28 */
	{ "leap: feb 29 + 365", "days=365", "UTC", "2024-02-29T12:00:00Z", "2025-02-28T12:00:00Z" },
	/* 2024-02-28 -> 2025-02-28 is 366 days (it crosses 2024-02-29) */
	{ "leap: feb 28 + 366", "days=366", "UTC", "2024-02-28T12:00:00Z", "2025-02-28T12:00:00Z" },
	{ "leap: into feb 29", "days=1", "UTC", "2028-02-28T23:00:00Z", "2028-02-29T23:00:00Z" },
	/* 2024-02-29T01:00Z is Wed 02-28 20:00 EST: the local date + 1 is Thu 02-29 */
	{ "leap: local feb 28 + 1", "days=1", "America/New_York", "2024-02-29T01:00:00Z", "2024-03-01T01:00:00Z" },
	{ "leap: back 366 onto feb 29", "days=-366", "UTC", "2025-03-01T00:00:00Z", "2024-02-29T00:00:00Z" },
	{ "leap: back 365", "days=-365", "UTC", "2025-03-01T00:00:00Z", "2024-03-01T00:00:00Z" },
	{ "leap: 2100 is not leap", "days=1", "UTC", "2100-02-28T12:00:00Z", "2100-03-01T12:00:00Z" },
	{ "leap: 2000 is leap", "days=1", "UTC", "2000-02-28T12:00:00Z", "2000-02-29T12:00:00Z" },
	/* Thu 2024-02-29 23:59:59 EST + 364 -> Thu 2025-02-27 23:59:59 EST */
	{ "leap: 52 weeks from feb 29", "days=364", "America/New_York", "2024-03-01T04:59:59Z",
	  "2025-02-28T04:59:59Z" },
	/* term 2024 (365 days) onto one from Mon 2025-01-06: Thu 02-29 is off 59 -> Thu 2025-03-06 */
	{ "leap: feb 29 through a term", "from=2024-01-01..2024-12-31 to=2025-01-06", "UTC",
	  "2024-02-29T12:00:00Z", "2025-03-06T12:00:00Z" },

	/* ---- blackouts (days: 7, UTC, 10:00 unless said) */
	/* Tue 03-10 -> 03-17, inside 03-16..03-20 -> the day after, 03-21 */
	{ "blackout after", "days=7 " BO ":after", "UTC", "2026-03-10T10:00:00Z", "2026-03-21T10:00:00Z" },
	{ "blackout before", "days=7 " BO ":before", "UTC", "2026-03-10T10:00:00Z", "2026-03-15T10:00:00Z" },
	{ "blackout: first day is inside", "days=7 " BO ":after", "UTC", "2026-03-09T10:00:00Z",
	  "2026-03-21T10:00:00Z" },
	{ "blackout: last day is inside", "days=7 " BO ":before", "UTC", "2026-03-13T10:00:00Z",
	  "2026-03-15T10:00:00Z" },
	{ "blackout: the day after is outside", "days=7 " BO ":before", "UTC", "2026-03-14T10:00:00Z",
	  "2026-03-21T10:00:00Z" },
	{ "blackout: the day before is outside", "days=7 " BO ":after", "UTC", "2026-03-08T10:00:00Z",
	  "2026-03-15T10:00:00Z" },
	/* applied after the shift: 03-17 is in the blackout, but it moves to 03-24, outside */
	{ "blackout: after the mapping only", "days=7 " BO ":after", "UTC", "2026-03-17T10:00:00Z",
	  "2026-03-24T10:00:00Z" },
	/* 03-17 -> 03-21, inside 03-21..03-22 -> 03-23 */
	{ "blackouts chained after", "days=7 " BO ":after bo=2026-03-21..2026-03-22:after", "UTC",
	  "2026-03-10T10:00:00Z", "2026-03-23T10:00:00Z" },
	/* 03-17 -> 03-15, inside 03-14..03-15 -> 03-13 */
	{ "blackouts chained before", "days=7 " BO ":before bo=2026-03-14..2026-03-15:before", "UTC",
	  "2026-03-10T10:00:00Z", "2026-03-13T10:00:00Z" },
	/* 03-17 -> (first blackout) 03-21, inside 03-10..03-21 -> before it, 03-09 */
	{ "blackouts chained both ways", "days=7 " BO ":after bo=2026-03-10..2026-03-21:before", "UTC",
	  "2026-03-10T10:00:00Z", "2026-03-09T10:00:00Z" },
	/* overlapping, opposite moves: 03-19 is in both; the first in recipe order decides */
	{ "blackouts overlap: first wins (before)", "days=7 " BO ":before bo=2026-03-18..2026-03-25:after", "UTC",
	  "2026-03-12T10:00:00Z", "2026-03-15T10:00:00Z" },
	{ "blackouts overlap: first wins (after)", "days=7 bo=2026-03-18..2026-03-25:after " BO ":before", "UTC",
	  "2026-03-12T10:00:00Z", "2026-03-26T10:00:00Z" },
	/* FALL with weekdays and blackouts, Denver: Tue 2025-10-28 09:00 MDT, off 64 -> Tue 2026-03-17
	 * (no substitute for Tuesday) -> in spring break -> Sat 03-21 09:00 MDT */
	{ "term + blackout", FALL " wd=mon:tue,wed:thu " BO ":after bo=2026-01-19..2026-01-19:before",
	  "America/Denver", "2025-10-28T15:00:00Z", "2026-03-21T15:00:00Z" },
	/* Mon 2025-10-27, off 63 -> Mon 03-16 -> Tue 03-17 -> back to Tue 03-10: not in the blackout */
	{ "term: the snap steps out of a blackout", FALL " wd=mon:tue,wed:thu " BO ":after", "America/Denver",
	  "2025-10-27T15:00:00Z", "2026-03-10T15:00:00Z" },
	/* Mon 2026-01-12 23:59:59 MST -> Mon 01-19, a one-day blackout moving before -> Sun 01-18 */
	{ "one-day blackout before", "days=7 bo=2026-01-19..2026-01-19:before", "America/Denver",
	  "2026-01-13T06:59:59Z", "2026-01-19T06:59:59Z" },
	/* Mon 2025-03-03 23:59:59 EST -> Mon 03-10 -> blackout 03-10..03-14 before -> Sun 03-09, which
	 * is the spring-forward day: 23:59:59 EDT = 03:59:59Z */
	{ "blackout onto the DST day", "days=7 bo=2025-03-10..2025-03-14:before", "America/New_York",
	  "2025-03-04T04:59:59Z", "2025-03-10T03:59:59Z" },

	/* ---- out of range: 9999-06-01 + 3650 days is past 9999-12-31 */
	{ "out of range", "days=3650", "UTC", "9999-06-01T00:00:00Z", NULL },
	{ "last representable day", "days=1", "UTC", "9999-12-30T23:59:59Z", "9999-12-31T23:59:59Z" },
};

static void test_vectors(void **state)
{
	size_t i, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		struct err err = ERR_INIT;
		struct dateshift ds;
		struct spec sp;
		int64_t in, out;
		char got[32];
		int rc;

		build(&sp, v->spec);
		assert_int_equal(dates_parse(v->in, &in), 0);
		if (dateshift_init(&ds, &sp.m, v->zone, &err)) {
			fprintf(stderr, "  [%s] init: %s\n", v->name, err.msg);
			nfail++;
			continue;
		}
		rc = dateshift_instant(&ds, in, &out);
		dateshift_release(&ds);
		if (!v->want) {
			if (rc != -1) {
				dates_format_utc(out, got);
				fprintf(stderr, "  [%s] want out of range, got %s\n", v->name, got);
				nfail++;
			}
			continue;
		}
		if (rc) {
			fprintf(stderr, "  [%s] %s: out of range, want %s\n", v->name, v->in, v->want);
			nfail++;
			continue;
		}
		dates_format_utc(out, got);
		if (strcmp(got, v->want)) {
			fprintf(stderr, "  [%s] %s in %s: got %s, want %s\n", v->name, v->in, v->zone, got, v->want);
			nfail++;
		}
	}
	dates_reset();
	assert_true(sizeof(vecs) / sizeof(vecs[0]) >= 60);
	assert_int_equal(nfail, 0);
}

/* ---------------------------------------------------------------- the property */

struct zone_case {
	const char *zone;
	int has_dst;
};

static const struct zone_case prop_zones[] = {
	{ "America/New_York", 1 }, { "Europe/London", 1 }, { "Australia/Sydney", 1 },
	{ "America/St_Johns", 1 }, { "Asia/Kolkata", 0 }, { "Pacific/Chatham", 1 },
};

static int sod(const struct dates_local *l)
{
	return l->hh * 3600 + l->mm * 60 + l->ss;
}

/* days: 7k on every hour of 2025 (plus a varying mm:ss). For each input: the output's local date
 * is the input's + 7k (by timegm, the C library's calendar), its weekday the same, and its
 * wall-clock time the same -- unless that time does not exist on the target date: then the output
 * is exactly the gap (3600 s in all these zones) later on the same date, and one gap earlier the
 * zone showed the wanted time minus the gap at the offset before the change (so the wanted time
 * really was inside the gap). An output is never the second of two occurrences of its wall time.
 * Counts, worked out from the zones' 2025/2026 transitions: each spring-forward target day gets
 * exactly one sample in its gap and each fall-back target day one sample in its doubled hour
 * (k = 1, 2, -1); for k = 52 the source day of each such target day is the same transition one
 * year earlier (2025-03-09 + 364 = 2026-03-08, and so on), whose samples skip the gap hour (0 in
 * the gap) and cover the doubled hour twice (2 ambiguous). Kolkata has none. */
static void test_property_weeks_keep_wall_time(void **state)
{
	static const int ks[] = { 1, 2, 52, -1 };
	int64_t base;
	size_t z, ki;

	(void)state;
	assert_int_equal(dates_parse("2025-01-01T00:00:00Z", &base), 0);
	for (z = 0; z < sizeof(prop_zones) / sizeof(prop_zones[0]); z++) {
		for (ki = 0; ki < 4; ki++) {
			char spec[32];
			struct err err = ERR_INIT;
			struct dateshift ds;
			struct spec sp;
			int h, ngap = 0, namb = 0, want_gap, want_amb;

			snprintf(spec, sizeof(spec), "days=%d", 7 * ks[ki]);
			build(&sp, spec);
			assert_int_equal(dateshift_init(&ds, &sp.m, prop_zones[z].zone, &err), 0);
			for (h = 0; h < 8760; h++) {
				int64_t t = base + (int64_t)h * 3600 + (h * 37) % 3600, out;
				struct dates_local in, got, prev, later;
				struct tm tm;
				time_t tt;

				assert_int_equal(dates_to_local(t, ds.zone, &in), 0);
				assert_int_equal(dateshift_instant(&ds, t, &out), 0);
				assert_int_equal(dates_to_local(out, ds.zone, &got), 0);
				memset(&tm, 0, sizeof(tm));
				tm.tm_year = in.y - 1900;
				tm.tm_mon = in.m - 1;
				tm.tm_mday = in.d + 7 * ks[ki];
				tm.tm_hour = 12;
				tt = timegm(&tm);
				assert_non_null(gmtime_r(&tt, &tm));
				if (got.y != tm.tm_year + 1900 || got.m != tm.tm_mon + 1 || got.d != tm.tm_mday ||
				    got.wday != in.wday)
					fail_msg("%s days=%d, t=%lld: local date %04d-%02d-%02d (wday %d), want "
						 "%04d-%02d-%02d (wday %d)", ds.zone, 7 * ks[ki], (long long)t, got.y,
						 got.m, got.d, got.wday, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
						 in.wday);
				if (sod(&got) != sod(&in)) {
					/* only in a gap, exactly as described above */
					assert_int_equal(sod(&got), sod(&in) + 3600);
					assert_int_equal(dates_to_local(out - 3600, ds.zone, &prev), 0);
					assert_int_equal(prev.d, got.d);
					assert_int_equal(sod(&prev), sod(&in) - 3600);
					assert_int_equal(prev.offset_s, got.offset_s - 3600);
					ngap++;
				}
				/* never the second occurrence; count the first ones */
				assert_int_equal(dates_to_local(out - 3600, ds.zone, &prev), 0);
				assert_false(prev.d == got.d && sod(&prev) == sod(&got));
				assert_int_equal(dates_to_local(out + 3600, ds.zone, &later), 0);
				if (later.d == got.d && sod(&later) == sod(&got))
					namb++;
			}
			dateshift_release(&ds);
			want_gap = prop_zones[z].has_dst && ks[ki] != 52 ? 1 : 0;
			want_amb = !prop_zones[z].has_dst ? 0 : ks[ki] == 52 ? 2 : 1;
			if (ngap != want_gap || namb != want_amb)
				fail_msg("%s days=%d: %d times in a gap (want %d), %d ambiguous (want %d)",
					 prop_zones[z].zone, 7 * ks[ki], ngap, want_gap, namb, want_amb);
		}
	}
	dates_reset();
}

/* ---------------------------------------------------------------- init errors */

static void test_init_unknown_zone(void **state)
{
	struct err err = ERR_INIT;
	struct dateshift ds;
	struct spec sp;
	char longzone[80];

	(void)state;
	build(&sp, "days=7");
	assert_int_equal(dateshift_init(&ds, &sp.m, "Mars/Olympus_Mons", &err), ERR_GENERIC);
	assert_string_equal(err.msg,
			    "unknown time zone 'Mars/Olympus_Mons': it is not in the system's zone database");
	assert_null(ds.blackouts);
	err_clear(&err);
	assert_int_equal(dateshift_init(&ds, &sp.m, "../../etc/passwd", &err), ERR_GENERIC);
	assert_non_null(strstr(err.msg, "unknown time zone '../../etc/passwd'"));
	err_clear(&err);
	assert_int_equal(dateshift_init(&ds, &sp.m, NULL, &err), ERR_GENERIC);
	assert_string_equal(err.msg, "no time zone to shift the dates in");
	err_clear(&err);
	assert_int_equal(dateshift_init(&ds, &sp.m, "", &err), ERR_GENERIC);
	/* longer than ds.zone holds */
	memset(longzone, 'A', sizeof(longzone) - 1);
	longzone[sizeof(longzone) - 1] = 0;
	assert_int_equal(dateshift_init(&ds, &sp.m, longzone, &err), ERR_GENERIC);
	/* a NULL err is allowed */
	assert_int_equal(dateshift_init(&ds, &sp.m, "Nowhere/Else", NULL), ERR_GENERIC);
	/* and a good one fills the struct */
	assert_int_equal(dateshift_init(&ds, &sp.m, "America/St_Johns", &err), 0);
	assert_string_equal(ds.zone, "America/St_Johns");
	assert_int_equal(ds.term, 0);
	assert_int_equal(ds.days, 7);
	dateshift_release(&ds);
}

struct cycle_case {
	const char *name;
	const char *spec;
	const char *msg;          /* NULL: no error */
};

static const struct cycle_case cycles[] = {
	/* A moves after and ends right before B, which moves before: 03-20 -> 03-21 -> 03-20 ... */
	{ "after into before", "days=7 bo=2026-03-16..2026-03-20:after bo=2026-03-21..2026-03-25:before",
	  "t.yaml:10:9: the blackouts at 10:9 and 11:9 send dates back and forth: a date moved out of one "
	  "lands in the next, for ever" },
	/* the same listed the other way round */
	{ "before into after", "days=7 bo=2026-03-21..2026-03-25:before bo=2026-03-16..2026-03-20:after",
	  "t.yaml:10:9: the blackouts at 10:9 and 11:9 send dates back and forth: a date moved out of one "
	  "lands in the next, for ever" },
	/* three: A (10..20, after) -> 21 in B (21..22, after) -> 23 in C (12..23, before) -> 11 in A */
	{ "a cycle of three", "days=7 bo=2026-03-10..2026-03-20:after bo=2026-03-21..2026-03-22:after "
	  "bo=2026-03-12..2026-03-23:before",
	  "t.yaml:10:9: the blackouts at 10:9, 11:9 and 12:9 send dates back and forth: a date moved out of "
	  "one lands in the next, for ever" },
	/* a blackout outside the cycle is not named, and the message points at the cycle's first */
	{ "cycle after a harmless one", "days=7 bo=2026-01-05..2026-01-09:after bo=2026-03-16..2026-03-20:after "
	  "bo=2026-03-21..2026-03-25:before",
	  "t.yaml:11:9: the blackouts at 11:9 and 12:9 send dates back and forth: a date moved out of one "
	  "lands in the next, for ever" },
	/* overlapping, opposite: 03-19 -> A -> 03-21 in B -> 03-17 in A ... */
	{ "overlapping opposite moves", "days=7 bo=2026-03-10..2026-03-20:after bo=2026-03-18..2026-03-25:before",
	  "t.yaml:10:9: the blackouts at 10:9 and 11:9 send dates back and forth: a date moved out of one "
	  "lands in the next, for ever" },
	/* in term mode too */
	{ "term mode", FALL " bo=2026-03-16..2026-03-20:after bo=2026-03-21..2026-03-25:before",
	  "t.yaml:10:9: the blackouts at 10:9 and 11:9 send dates back and forth: a date moved out of one "
	  "lands in the next, for ever" },
	/* fine: chains that end */
	{ "adjacent, same way", "days=7 bo=2026-03-16..2026-03-20:after bo=2026-03-21..2026-03-25:after", NULL },
	{ "adjacent, facing away", "days=7 bo=2026-03-16..2026-03-20:before bo=2026-03-21..2026-03-25:after", NULL },
	{ "before out of after's reach", "days=7 " BO ":after bo=2026-03-10..2026-03-21:before", NULL },
	{ "a gap of one day between", "days=7 bo=2026-03-16..2026-03-20:after bo=2026-03-22..2026-03-25:before",
	  NULL },
	{ "one blackout", "days=7 " BO ":after", NULL },
};

static void test_init_blackout_cycles(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cycles) / sizeof(cycles[0]); i++) {
		struct err err = ERR_INIT;
		struct dateshift ds;
		struct spec sp;
		int rc;

		build(&sp, cycles[i].spec);
		rc = dateshift_init(&ds, &sp.m, "UTC", &err);
		if (!cycles[i].msg) {
			if (rc)
				fail_msg("[%s] unexpected error: %s", cycles[i].name, err.msg);
			dateshift_release(&ds);
			continue;
		}
		if (rc != ERR_RECIPE)
			fail_msg("[%s] want ERR_RECIPE, got %d", cycles[i].name, rc);
		if (strcmp(err.msg, cycles[i].msg))
			fail_msg("[%s] got \"%s\"", cycles[i].name, err.msg);
		assert_null(ds.blackouts);
		dateshift_release(&ds);   /* harmless after a failed init */
	}
}

/* ---------------------------------------------------------------- the rest of the interface */

static void test_init_fills_term(void **state)
{
	struct err err = ERR_INIT;
	struct dateshift ds;
	struct spec sp;

	(void)state;
	build(&sp, FALL " wd=mon:tue,wed:thu " BO ":before drop");
	assert_int_equal(dateshift_init(&ds, &sp.m, "America/Denver", &err), 0);
	assert_int_equal(ds.term, 1);
	assert_int_equal(ds.from_start, dateshift_days_from_civil(2025, 8, 25));
	assert_int_equal(ds.from_end, dateshift_days_from_civil(2025, 12, 12));
	assert_int_equal(ds.to_start, dateshift_days_from_civil(2026, 1, 12));
	/* to.end absent: the old length (109 days) is kept: Fri 2026-05-01 */
	assert_int_equal(ds.to_end, dateshift_days_from_civil(2026, 5, 1));
	assert_int_equal(ds.weekdays[1], 2);
	assert_int_equal(ds.weekdays[2], 0);
	assert_int_equal(ds.weekdays[3], 4);
	assert_int_equal(ds.nblackouts, 1);
	assert_int_equal(ds.blackouts[0].start, dateshift_days_from_civil(2026, 3, 16));
	assert_int_equal(ds.blackouts[0].end, dateshift_days_from_civil(2026, 3, 20));
	assert_int_equal(ds.blackouts[0].after, 0);
	assert_int_equal(ds.drop_seconds, 1);
	dateshift_release(&ds);
	assert_null(ds.blackouts);
	dateshift_release(&ds);
}

static void test_calendar_helpers(void **state)
{
	int64_t day;

	(void)state;
	assert_int_equal(dateshift_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(dateshift_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(dateshift_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(dateshift_iso_weekday(0), 4);          /* 1970-01-01: Thursday */
	assert_int_equal(dateshift_iso_weekday(-1), 3);
	assert_int_equal(dateshift_iso_weekday(dateshift_days_from_civil(2026, 1, 12)), 1);
	assert_int_equal(dateshift_iso_weekday(dateshift_days_from_civil(2025, 3, 9)), 7);
	/* every day from 0001-01-01 to 9999-12-31 against the C library's calendar, a prime step apart */
	for (day = dateshift_days_from_civil(1, 1, 1); day <= dateshift_days_from_civil(9999, 12, 31); day += 97) {
		time_t tt = (time_t)(day * 86400);
		struct tm tm;
		int y, m, d;

		assert_non_null(gmtime_r(&tt, &tm));
		dateshift_civil_from_days(day, &y, &m, &d);
		if (y != tm.tm_year + 1900 || m != tm.tm_mon + 1 || d != tm.tm_mday ||
		    dateshift_iso_weekday(day) != (tm.tm_wday ? tm.tm_wday : 7))
			fail_msg("day %lld: %d-%d-%d, libc %d-%d-%d", (long long)day, y, m, d, tm.tm_year + 1900,
				 tm.tm_mon + 1, tm.tm_mday);
		assert_int_equal(dateshift_days_from_civil(y, m, d), day);
	}
}

/* All-day events are shifted as calendar dates. */
static void test_map_day(void **state)
{
	struct err err = ERR_INIT;
	struct dateshift ds;
	struct spec sp;

	(void)state;
	build(&sp, FALL " wd=mon:tue " BO ":after");
	assert_int_equal(dateshift_init(&ds, &sp.m, "America/Denver", &err), 0);
	/* Tue 2025-10-28 -> Tue 2026-03-17 -> spring break -> Sat 03-21 */
	assert_int_equal(dateshift_map_day(&ds, dateshift_days_from_civil(2025, 10, 28)),
			 dateshift_days_from_civil(2026, 3, 21));
	/* Mon 2025-08-25 -> Mon 2026-01-12 -> Tue 01-13 (not back: 01-06 is before the term) */
	assert_int_equal(dateshift_map_day(&ds, dateshift_days_from_civil(2025, 8, 25)),
			 dateshift_days_from_civil(2026, 1, 13));
	/* Sat 2025-08-23, two days before the old term: off -2 -> Sat 2026-01-10 */
	assert_int_equal(dateshift_map_day(&ds, dateshift_days_from_civil(2025, 8, 23)),
			 dateshift_days_from_civil(2026, 1, 10));
	dateshift_release(&ds);
}

static void test_out_of_range(void **state)
{
	struct err err = ERR_INIT;
	struct dateshift ds;
	struct spec sp;
	int64_t out;

	(void)state;
	build(&sp, "days=-7");
	assert_int_equal(dateshift_init(&ds, &sp.m, "America/New_York", &err), 0);
	assert_int_equal(dateshift_instant(&ds, INT64_MAX, &out), -1);
	assert_int_equal(dateshift_instant(&ds, INT64_MIN, &out), -1);
	/* 0001-01-03 (local 01-02 in New York) - 7 days is before year 1 */
	assert_int_equal(dateshift_instant(&ds, -62135424000LL, &out), -1);
	dateshift_release(&ds);
	dates_reset();
}

/* dateshift_map_day_why: the day the mapping gave and the blackout that moved it (issue 16: the
 * plan's note names them); chained blackouts name the first. */
static void test_map_day_why(void **state)
{
	static const struct {
		const char *spec, *day, *landed, *want;
		long blackout;
	} t[] = {
		{ "days=7 " BO ":after", "2026-03-10", "2026-03-17", "2026-03-21", 0 },
		{ "days=7 " BO ":after", "2026-03-02", "2026-03-09", "2026-03-09", -1 },
		{ "days=7 bo=2026-01-01..2026-01-02:after " BO ":before", "2026-03-11", "2026-03-18", "2026-03-15", 1 },
		/* 03-17 -> first blackout, to 03-21; inside the second -> before it, 03-09 */
		{ "days=7 " BO ":after bo=2026-03-10..2026-03-21:before", "2026-03-10", "2026-03-17", "2026-03-09", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct err err = ERR_INIT;
		struct dateshift ds;
		struct spec sp;
		int y, m, d;
		int64_t landed = 0, got;
		long b = 99;
		char s1[16], s2[16];

		build(&sp, t[i].spec);
		assert_int_equal(dateshift_init(&ds, &sp.m, "UTC", &err), 0);
		assert_int_equal(sscanf(t[i].day, "%4d-%2d-%2d", &y, &m, &d), 3);
		got = dateshift_map_day_why(&ds, dateshift_days_from_civil(y, m, d), &landed, &b);
		assert_int_equal(got, dateshift_map_day(&ds, dateshift_days_from_civil(y, m, d)));
		dateshift_civil_from_days(got, &y, &m, &d);
		snprintf(s1, sizeof(s1), "%04d-%02d-%02d", y, m, d);
		dateshift_civil_from_days(landed, &y, &m, &d);
		snprintf(s2, sizeof(s2), "%04d-%02d-%02d", y, m, d);
		assert_string_equal(s1, t[i].want);
		assert_string_equal(s2, t[i].landed);
		assert_int_equal(b, t[i].blackout);
		dateshift_release(&ds);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_property_weeks_keep_wall_time),
		cmocka_unit_test(test_init_unknown_zone),
		cmocka_unit_test(test_init_blackout_cycles),
		cmocka_unit_test(test_init_fills_term),
		cmocka_unit_test(test_calendar_helpers),
		cmocka_unit_test(test_map_day),
		cmocka_unit_test(test_map_day_why),
		cmocka_unit_test(test_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

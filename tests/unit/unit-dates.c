/* tests/unit/unit-dates.c -- how runner/dates.c holds the C library's zone (include/dates.h).
 *
 * The conversions leave TZ at the last zone used and dates_reset() puts it back (the cache that
 * makes a run of conversions in one zone cheap). These tests pin that contract: TZ after a
 * conversion, TZ after dates_reset() whether it was unset or set before, conversions that alternate
 * between zones (each answer in its own zone, none in the previous one's), a TZ changed behind the
 * cache's back (noticed, not trusted), an unknown zone in the middle of a run (refused, the zone in
 * use kept), and an instant beyond the C library's range (-1, not garbage). The conversions
 * themselves (gap, overlap, parsing) are tested in unit-plan.c, where they landed.
 *
 * dates_fancy_midnight() (Canvas storing 00:00:00 as 23:59:59 of the same day, in the token user's
 * zone) is pinned here: zones west and east of UTC and a half-hour one, both sides of a DST change
 * (a 23-hour and a 25-hour day), a day whose midnight falls in the spring-forward gap (its first
 * second is 01:00), a second after midnight and the second before it (not moved), and the case
 * the planner exists for: an instant that is midnight in the user's zone but not in the course's,
 * stored on the NEXT calendar day of the course.
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

static int64_t instant(const char *s)
{
	int64_t t;

	assert_int_equal(dates_parse(s, &t), 0);
	return t;
}

static void assert_local(int64_t t, const char *zone, const char *want)
{
	struct dates_local l;
	char out[48];

	assert_int_equal(dates_to_local(t, zone, &l), 0);
	dates_format_local(&l, out);
	assert_string_equal(out, want);
}

static void assert_from_local(int y, int m, int d, int hh, const char *zone, const char *want)
{
	char out[32];
	int64_t t;

	assert_int_equal(dates_from_local(y, m, d, hh, 0, 0, zone, &t), 0);
	dates_format_utc(t, out);
	assert_string_equal(out, want);
}

static void test_tz_left_then_reset_when_unset(void **state)
{
	(void)state;
	unsetenv("TZ");
	tzset();
	assert_local(instant("2025-10-18T03:59:59Z"), "America/New_York", "Fri 2025-10-17 23:59:59 EDT");
	assert_string_equal(getenv("TZ"), ":America/New_York");   /* left in place */
	assert_local(instant("2025-10-18T03:59:59Z"), "Europe/London", "Sat 2025-10-18 04:59:59 BST");
	assert_string_equal(getenv("TZ"), ":Europe/London");
	dates_reset();
	assert_null(getenv("TZ"));
	dates_reset();                                            /* a second reset does nothing */
	assert_null(getenv("TZ"));
}

static void test_reset_restores_a_set_tz(void **state)
{
	struct tm tm;
	time_t t = 0;

	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	assert_from_local(2025, 7, 1, 9, "Asia/Kolkata", "2025-07-01T03:30:00Z");
	assert_string_equal(getenv("TZ"), ":Asia/Kolkata");
	dates_reset();
	assert_string_equal(getenv("TZ"), "Asia/Tokyo");
	/* and the C library follows: the epoch is 09:00 in Tokyo */
	assert_non_null(localtime_r(&t, &tm));
	assert_int_equal(tm.tm_hour, 9);
	unsetenv("TZ");
	tzset();
}

static void test_alternating_zones(void **state)
{
	int64_t t = instant("2025-03-09T07:30:00Z");
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_local(t, "America/New_York", "Sun 2025-03-09 03:30:00 EDT");
		assert_local(t, "Australia/Sydney", "Sun 2025-03-09 18:30:00 AEDT");
		assert_from_local(2025, 3, 9, 2, "America/New_York", "2025-03-09T07:00:00Z");   /* the gap */
		assert_from_local(2025, 4, 6, 2, "Australia/Sydney", "2025-04-05T15:00:00Z");   /* first 02:00 */
		assert_local(t, "Pacific/Chatham", "Sun 2025-03-09 21:15:00 +1345");
	}
	dates_reset();
}

static void test_tz_changed_behind_the_cache(void **state)
{
	int64_t t = instant("2025-01-15T12:00:00Z");

	(void)state;
	assert_local(t, "America/New_York", "Wed 2025-01-15 07:00:00 EST");
	/* someone else sets TZ (and the C library's rules) to another zone ... */
	setenv("TZ", ":Europe/London", 1);
	tzset();
	/* ... the next conversion in New York is still in New York */
	assert_local(t, "America/New_York", "Wed 2025-01-15 07:00:00 EST");
	setenv("TZ", "Asia/Tokyo", 1);   /* the same, without tzset() */
	assert_local(t, "America/New_York", "Wed 2025-01-15 07:00:00 EST");
	dates_reset();
	assert_null(getenv("TZ"));       /* back to the value before the first conversion */
}

static void test_unknown_zone_and_range(void **state)
{
	struct dates_local l;
	int64_t t = instant("2025-01-15T12:00:00Z"), out;

	(void)state;
	assert_local(t, "Asia/Kolkata", "Wed 2025-01-15 17:30:00 IST");
	assert_int_equal(dates_to_local(t, "Not/AZone", &l), -1);
	assert_int_equal(dates_from_local(2025, 1, 15, 0, 0, 0, "../etc/passwd", &out), -1);
	assert_string_equal(getenv("TZ"), ":Asia/Kolkata");      /* the zone in use is kept */
	assert_local(t, "Asia/Kolkata", "Wed 2025-01-15 17:30:00 IST");
	/* beyond what struct tm holds: an error, not uninitialised fields */
	assert_int_equal(dates_to_local(INT64_MAX, "UTC", &l), -1);
	assert_int_equal(dates_to_local(INT64_MIN, "Asia/Kolkata", &l), -1);
	/* the far but representable end still works */
	assert_local(instant("9999-12-31T23:59:59Z"), "UTC", "Fri 9999-12-31 23:59:59 UTC");
	dates_reset();
}

/* fancy(ISO, zone) -> the stored instant as ISO, asserting whether it moved */
static void assert_fancy(const char *iso, const char *zone, int moved, const char *want)
{
	int64_t out = 0;
	char buf[32];

	assert_int_equal(dates_fancy_midnight(instant(iso), zone, &out), moved);
	dates_format_utc(out, buf);
	assert_string_equal(buf, want);
}

static void test_fancy_midnight(void **state)
{
	int64_t out;

	(void)state;
	/* west of UTC, standard and daylight time */
	assert_fancy("2026-01-15T07:00:00Z", "America/Denver", 1, "2026-01-16T06:59:59Z");
	assert_fancy("2026-03-10T06:00:00Z", "America/Denver", 1, "2026-03-11T05:59:59Z");
	/* a second either side of midnight is not midnight */
	assert_fancy("2026-01-15T07:00:01Z", "America/Denver", 0, "2026-01-15T07:00:01Z");
	assert_fancy("2026-01-15T06:59:59Z", "America/Denver", 0, "2026-01-15T06:59:59Z");
	/* 00:00 UTC is not midnight in Denver; it is in UTC */
	assert_fancy("2026-01-15T00:00:00Z", "America/Denver", 0, "2026-01-15T00:00:00Z");
	assert_fancy("2026-01-15T00:00:00Z", "UTC", 1, "2026-01-15T23:59:59Z");
	/* east of UTC, and a half-hour offset */
	assert_fancy("2026-03-01T13:00:00Z", "Australia/Sydney", 1, "2026-03-02T12:59:59Z");
	assert_fancy("2026-01-14T18:30:00Z", "Asia/Kolkata", 1, "2026-01-15T18:29:59Z");
	/* DST days: the spring-forward day has 23 hours, the fall-back day 25; 23:59:59 is in the
	 * offset of the evening, not of the midnight */
	assert_fancy("2026-03-08T07:00:00Z", "America/Denver", 1, "2026-03-09T05:59:59Z");
	assert_fancy("2026-11-01T06:00:00Z", "America/Denver", 1, "2026-11-02T06:59:59Z");
	assert_fancy("2026-04-04T13:00:00Z", "Australia/Sydney", 1, "2026-04-05T13:59:59Z");
	/* midnight in the gap (Santiago springs 00:00 -> 01:00): the day begins at 01:00 -03 */
	assert_fancy("2026-09-06T04:00:00Z", "America/Santiago", 1, "2026-09-07T02:59:59Z");
	assert_fancy("2026-03-08T05:00:00Z", "America/Havana", 1, "2026-03-09T03:59:59Z");
	/* Santiago's fall-back repeats 23:00 of Apr 4; the next midnight is once, at -04 */
	assert_fancy("2026-04-05T04:00:00Z", "America/Santiago", 1, "2026-04-06T03:59:59Z");
	/* a Sydney course, a Denver user: 00:00 Tue in Denver is 17:00 Tue in Sydney -- not midnight
	 * there -- and is stored as 23:59:59 Tue Denver, which is 16:59:59 WEDNESDAY in Sydney */
	assert_fancy("2026-03-10T06:00:00Z", "Australia/Sydney", 0, "2026-03-10T06:00:00Z");
	assert_fancy("2026-03-10T06:00:00Z", "America/Denver", 1, "2026-03-11T05:59:59Z");
	assert_local(instant("2026-03-11T05:59:59Z"), "Australia/Sydney", "Wed 2026-03-11 16:59:59 AEDT");
	/* and the reverse: midnight in Sydney is an ordinary time for a Denver user */
	assert_fancy("2026-03-01T13:00:00Z", "America/Denver", 0, "2026-03-01T13:00:00Z");
	/* an unknown zone, an instant beyond the C library */
	assert_int_equal(dates_fancy_midnight(instant("2026-01-15T07:00:00Z"), "Not/AZone", &out), -1);
	assert_int_equal(dates_fancy_midnight(INT64_MAX, "UTC", &out), -1);
	dates_reset();
}

/* The one ISO 8601 parser: which parts each form has, and what dates_parse (Canvas's form) adds. */
static void test_parse_iso(void **state)
{
	static const struct {
		const char *s;
		int rc, has_time, has_seconds, has_offset, offset_min, canvas;
	} cases[] = {
		{ "2026-01-12", 0, 0, 0, 0, 0, 0 },
		{ "2026-01-12T08:00", 0, 1, 0, 0, 0, 0 },
		{ "2026-01-12t08:00:00z", 0, 1, 1, 1, 0, 0 },
		{ "2026-01-12 08:00:00.250-07:00", 0, 1, 1, 1, -420, 1 },
		{ "2026-01-12T08:00:00Z", 0, 1, 1, 1, 0, 1 },
		{ "2016-12-31T23:59:60+05:30", 0, 1, 1, 1, 330, 1 },
		{ "2026-02-29", -1, 0, 0, 0, 0, 0 },
		{ "2026-01-12Z", -1, 0, 0, 0, 0, 0 },
		{ "2026-01-12T24:00", -1, 0, 0, 0, 0, 0 },
		{ "2026-01-12T08:00:00.", -1, 0, 0, 0, 0, 0 },
		{ "2026-01-12T08:00:00+7", -1, 0, 0, 0, 0, 0 },
		{ "2026-01-12T08:00:00Zx", -1, 0, 0, 0, 0, 0 },
	};
	struct dates_iso o;
	int64_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = dates_parse_iso(cases[i].s, &o);

		if (rc != cases[i].rc)
			fail_msg("'%s': %d, expected %d", cases[i].s, rc, cases[i].rc);
		if (!rc && (o.has_time != cases[i].has_time || o.has_seconds != cases[i].has_seconds ||
			    o.has_offset != cases[i].has_offset || o.offset_min != cases[i].offset_min))
			fail_msg("'%s': parts %d %d %d %d", cases[i].s, o.has_time, o.has_seconds, o.has_offset,
				 o.offset_min);
		assert_int_equal(dates_parse(cases[i].s, &t), cases[i].canvas ? 0 : -1);
	}
	assert_int_equal(dates_parse("2026-01-12 08:00:00.250-07:00", &t), 0);
	assert_int_equal(t, 1768230000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tz_left_then_reset_when_unset),
		cmocka_unit_test(test_reset_restores_a_set_tz),
		cmocka_unit_test(test_alternating_zones),
		cmocka_unit_test(test_tz_changed_behind_the_cache),
		cmocka_unit_test(test_unknown_zone_and_range),
		cmocka_unit_test(test_fancy_midnight),
		cmocka_unit_test(test_parse_iso),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

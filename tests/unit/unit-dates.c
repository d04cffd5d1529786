/* tests/unit/unit-dates.c -- how runner/dates.c holds the C library's zone (include/dates.h).
 *
 * The conversions leave TZ at the last zone used and dates_reset() puts it back (the cache that
 * makes a run of conversions in one zone cheap). These tests pin that contract: TZ after a
 * conversion, TZ after dates_reset() whether it was unset or set before, conversions that alternate
 * between zones (each answer in its own zone, none in the previous one's), a TZ changed behind the
 * cache's back (noticed, not trusted), an unknown zone in the middle of a run (refused, the zone in
 * use kept), and an instant beyond the C library's range (-1, not garbage). The conversions
 * themselves (gap, overlap, parsing) are tested in unit-plan.c, where they landed.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tz_left_then_reset_when_unset),
		cmocka_unit_test(test_reset_restores_a_set_tz),
		cmocka_unit_test(test_alternating_zones),
		cmocka_unit_test(test_tz_changed_behind_the_cache),
		cmocka_unit_test(test_unknown_zone_and_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

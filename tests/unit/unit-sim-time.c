/* tests/unit/unit-sim-time.c -- Canvas's time rules in canvas-sim (tests/sim/sim_time.c).
 *
 * API.md 5.4 and 11: output is always "YYYY-MM-DDTHH:MM:SSZ"; input takes Z, +-HH:MM and
 * fractions; the assignment APIs require seconds, a 'T' and a colon in the offset (lib/api.rb
 * ISO8601_REGEX); an input without an offset is wall-clock time in the user's zone, with
 * ActiveSupport's DST rules (a time in the spring-forward gap moves forward an hour, an ambiguous
 * fall-back time is the first, daylight, occurrence); "fancy midnight" turns 00:00:00 local into
 * 23:59:59 of the same local day. America/New_York is the zone of the fixtures; 2025 has DST
 * from 2025-03-09 02:00 EST to 2025-11-02 02:00 EDT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

#define NY "America/New_York"

/* ---------------------------------------------------------------- helpers */

/* Parse and print back in UTC; "ERR" when the parse fails. */
static const char *parsed(const char *in, const char *zone, int strict)
{
	static char out[32];
	time_t t;

	if (sim_time_parse(in, zone, strict, &t))
		return "ERR";
	sim_time_format(t, out);
	return out;
}

#define CHECK(in, zone, strict, want)                                                           \
	do {                                                                                    \
		const char *z_ = (zone), *got_ = parsed((in), z_, (strict));                   \
		if (strcmp(got_, (want)))                                                       \
			fail_msg("parse('%s', %s, strict=%d): got %s, want %s", (in),           \
				 z_ ? z_ : "(null)", (strict), got_, (want));                   \
	} while (0)

static const char *fmt(time_t t)
{
	static char out[32];

	sim_time_format(t, out);
	return out;
}

/* ---------------------------------------------------------------- format */

static void test_format(void **state)
{
	(void)state;
	assert_string_equal(fmt(0), "1970-01-01T00:00:00Z");
	assert_string_equal(fmt(1736942400), "2025-01-15T12:00:00Z");
	assert_string_equal(fmt(1741503599), "2025-03-09T06:59:59Z");
	assert_string_equal(fmt(4102444799), "2099-12-31T23:59:59Z");
	assert_int_equal(strlen(fmt(1736942400)), 20);
}

/* ---------------------------------------------------------------- parse with offsets */

static void test_parse_offsets(void **state)
{
	(void)state;
	CHECK("2025-01-15T12:00:00Z", NY, 1, "2025-01-15T12:00:00Z");
	CHECK("2025-01-15T12:00:00+00:00", NY, 1, "2025-01-15T12:00:00Z");
	CHECK("2025-01-15T07:00:00-05:00", NY, 1, "2025-01-15T12:00:00Z");
	CHECK("2025-01-15T17:30:00+05:30", NY, 1, "2025-01-15T12:00:00Z");
	CHECK("2025-01-15T00:00:00-12:00", "UTC", 1, "2025-01-15T12:00:00Z");
	/* an offset crossing a date or year boundary */
	CHECK("2024-12-31T23:00:00-02:00", "UTC", 1, "2025-01-01T01:00:00Z");
	/* an explicit offset ignores the zone argument */
	CHECK("2025-07-04T12:00:00Z", "Asia/Tokyo", 1, "2025-07-04T12:00:00Z");
}

static void test_parse_fractions(void **state)
{
	(void)state;
	/* JSON precision is 0: fractions are dropped, not rounded */
	CHECK("2025-01-15T12:00:00.123Z", NY, 1, "2025-01-15T12:00:00Z");
	CHECK("2025-01-15T12:00:00.999999-05:00", NY, 1, "2025-01-15T17:00:00Z");
	CHECK("2025-01-15T12:00:00.5", "UTC", 1, "2025-01-15T12:00:00Z");
	CHECK("2025-01-15T12:00:00.Z", NY, 0, "ERR");
	CHECK("2025-01-15T12:00:00.", NY, 0, "ERR");
}

static void test_parse_strict(void **state)
{
	(void)state;
	/* seconds are required by the assignment rule */
	CHECK("2025-01-15T12:00Z", NY, 1, "ERR");
	CHECK("2025-01-15T12:00Z", NY, 0, "2025-01-15T12:00:00Z");
	CHECK("2025-01-15T12:00", "UTC", 0, "2025-01-15T12:00:00Z");
	/* a bare date */
	CHECK("2025-01-15", NY, 1, "ERR");
	CHECK("2025-01-15", NY, 0, "2025-01-15T05:00:00Z");
	/* an offset without its colon */
	CHECK("2025-01-15T12:00:00+0000", NY, 1, "ERR");
	CHECK("2025-01-15T12:00:00-0500", NY, 0, "2025-01-15T17:00:00Z");
	/* the regex wants a 'T'; Time.zone.parse also takes a space */
	CHECK("2025-01-15 12:00:00Z", NY, 1, "ERR");
	CHECK("2025-01-15 12:00:00Z", NY, 0, "2025-01-15T12:00:00Z");
}

static void test_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "2025", "2025-01", "2025-1-15T12:00:00Z", "2025-01-5T12:00:00Z", "25-01-15T12:00:00Z",
		"2025/01/15T12:00:00Z", "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z", "2025-01-00T00:00:00Z",
		"2025-01-32T00:00:00Z", "2025-01-15T24:00:00Z", "2025-01-15T12:60:00Z", "2025-01-15T12:00:61Z",
		"2025-01-15T1:00:00Z", "2025-01-15T12:0:00Z", "2025-01-15T12:00:0Z", "2025-01-15T12:00:00ZZ",
		"2025-01-15T12:00:00 ", " 2025-01-15T12:00:00Z", "2025-01-15T12:00:00+5", "2025-01-15T12:00:00+05:",
		"2025-01-15T12:00:00+05:3", "2025-01-15T12:00:00+24:00", "2025-01-15T12:00:00+05:60",
		"2025-01-15T12:00:00X", "2025-01-15X12:00:00Z", "2025-01-15T", "2025-01-15T12",
		"2025-01-15T12:", "2025-01-15T12:00:", "2025-01-15T12:00:00Z trailing", "2025-01-15T12:00:00Z\x01",
	};
	size_t i;
	time_t t = 12345;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!sim_time_parse(bad[i], NY, 0, &t))
			fail_msg("'%s' parsed (non-strict) as %s", bad[i], fmt(t));
		if (!sim_time_parse(bad[i], NY, 1, &t))
			fail_msg("'%s' parsed (strict) as %s", bad[i], fmt(t));
	}
	assert_int_equal(sim_time_parse(NULL, NY, 0, &t), -1);
}

static void test_parse_calendar_overflow(void **state)
{
	(void)state;
	/* the regex allows days up to 31 in any month, and Ruby's Time.new rolls them over */
	CHECK("2025-02-30T00:00:00Z", NY, 1, "2025-03-02T00:00:00Z");
	CHECK("2024-02-29T12:00:00Z", NY, 1, "2024-02-29T12:00:00Z");
	/* second 60 (leap second syntax) is the next minute */
	CHECK("2025-01-15T12:00:60Z", NY, 1, "2025-01-15T12:01:00Z");
}

/* ---------------------------------------------------------------- parse without an offset */

static void test_parse_local(void **state)
{
	(void)state;
	CHECK("2025-01-15T07:00:00", NY, 1, "2025-01-15T12:00:00Z");    /* EST, -5 */
	CHECK("2025-07-04T08:00:00", NY, 1, "2025-07-04T12:00:00Z");    /* EDT, -4 */
	CHECK("2025-01-15T12:00:00", "UTC", 1, "2025-01-15T12:00:00Z");
	CHECK("2025-01-15T21:00:00", "Asia/Tokyo", 1, "2025-01-15T12:00:00Z");
	CHECK("2025-01-15T07:00:00", NULL, 1, "2025-01-15T07:00:00Z");  /* no zone: UTC */
	CHECK("2025-01-15T07:00:00", "", 1, "2025-01-15T07:00:00Z");
}

static void test_parse_local_dst_days(void **state)
{
	(void)state;
	/* spring forward, 2025-03-09: 01:59:59 EST is followed by 03:00:00 EDT */
	CHECK("2025-03-09T01:59:59", NY, 1, "2025-03-09T06:59:59Z");
	CHECK("2025-03-09T03:00:00", NY, 1, "2025-03-09T07:00:00Z");
	/* 02:30 does not exist: ActiveSupport moves it forward an hour, to 03:30 EDT */
	CHECK("2025-03-09T02:30:00", NY, 1, "2025-03-09T07:30:00Z");
	CHECK("2025-03-09T02:00:00", NY, 1, "2025-03-09T07:00:00Z");
	/* fall back, 2025-11-02: 01:00-01:59 happens twice; the first (EDT) is taken */
	CHECK("2025-11-02T00:30:00", NY, 1, "2025-11-02T04:30:00Z");
	CHECK("2025-11-02T01:30:00", NY, 1, "2025-11-02T05:30:00Z");
	CHECK("2025-11-02T01:59:59", NY, 1, "2025-11-02T05:59:59Z");
	CHECK("2025-11-02T02:00:00", NY, 1, "2025-11-02T07:00:00Z");
	CHECK("2025-11-02T02:30:00", NY, 1, "2025-11-02T07:30:00Z");
	/* date-only on a DST day is local midnight */
	CHECK("2025-03-09", NY, 0, "2025-03-09T05:00:00Z");
	CHECK("2025-11-02", NY, 0, "2025-11-02T04:00:00Z");
}

/* ---------------------------------------------------------------- local time conversions */

static void test_from_local(void **state)
{
	struct tm tm;

	(void)state;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2025 - 1900;
	tm.tm_mon = 2;
	tm.tm_mday = 9;
	tm.tm_hour = 2;
	tm.tm_min = 30;
	assert_string_equal(fmt(sim_time_from_local(&tm, NY)), "2025-03-09T07:30:00Z");   /* gap */
	tm.tm_mon = 10;
	tm.tm_mday = 2;
	tm.tm_hour = 1;
	assert_string_equal(fmt(sim_time_from_local(&tm, NY)), "2025-11-02T05:30:00Z");   /* first of two */
	tm.tm_isdst = 0;   /* the caller's tm_isdst does not matter */
	assert_string_equal(fmt(sim_time_from_local(&tm, NY)), "2025-11-02T05:30:00Z");
	tm.tm_mon = 0;
	tm.tm_mday = 15;
	tm.tm_hour = 7;
	tm.tm_min = 0;
	tm.tm_isdst = 1;
	assert_string_equal(fmt(sim_time_from_local(&tm, NY)), "2025-01-15T12:00:00Z");
	assert_string_equal(fmt(sim_time_from_local(&tm, "UTC")), "2025-01-15T07:00:00Z");
}

static void test_local(void **state)
{
	struct tm tm;

	(void)state;
	sim_time_local(1736942400, NY, &tm);   /* 2025-01-15T12:00:00Z */
	assert_int_equal(tm.tm_year, 125);
	assert_int_equal(tm.tm_mon, 0);
	assert_int_equal(tm.tm_mday, 15);
	assert_int_equal(tm.tm_hour, 7);
	assert_int_equal(tm.tm_isdst, 0);
	sim_time_local(1751630400, NY, &tm);   /* 2025-07-04T12:00:00Z */
	assert_int_equal(tm.tm_hour, 8);
	assert_int_equal(tm.tm_isdst, 1);
	sim_time_local(1736942400, "UTC", &tm);
	assert_int_equal(tm.tm_hour, 12);
}

static void test_tz_restored(void **state)
{
	/* the zone switch is undone: the process TZ is what it was before */
	char *before = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	struct tm tm;

	(void)state;
	sim_time_local(0, "Asia/Tokyo", &tm);
	if (before)
		assert_string_equal(getenv("TZ"), before);
	else
		assert_null(getenv("TZ"));
	setenv("TZ", "Europe/Paris", 1);
	sim_time_local(0, NY, &tm);
	assert_string_equal(getenv("TZ"), "Europe/Paris");
	if (before)
		setenv("TZ", before, 1);
	else
		unsetenv("TZ");
	free(before);
}

/* ---------------------------------------------------------------- fancy midnight */

static void test_fancy_midnight(void **state)
{
	time_t t;

	(void)state;
	/* 2025-02-08 00:00 EST -> 23:59:59 EST the same day */
	sim_time_parse("2025-02-08T05:00:00Z", NY, 1, &t);
	assert_string_equal(fmt(sim_time_fancy_midnight(t, NY)), "2025-02-09T04:59:59Z");
	/* one second later is not midnight */
	assert_string_equal(fmt(sim_time_fancy_midnight(t + 1, NY)), "2025-02-08T05:00:01Z");
	assert_string_equal(fmt(sim_time_fancy_midnight(t - 1, NY)), "2025-02-08T04:59:59Z");
	/* midnight UTC is not midnight in New York */
	sim_time_parse("2025-02-08T00:00:00Z", NY, 1, &t);
	assert_string_equal(fmt(sim_time_fancy_midnight(t, NY)), "2025-02-08T00:00:00Z");
	assert_string_equal(fmt(sim_time_fancy_midnight(t, "UTC")), "2025-02-08T23:59:59Z");
	/* a DST day: 23:59:59 is in the other offset than the midnight */
	sim_time_parse("2025-03-09T05:00:00Z", NY, 1, &t);   /* 00:00 EST */
	assert_string_equal(fmt(sim_time_fancy_midnight(t, NY)), "2025-03-10T03:59:59Z");
	sim_time_parse("2025-11-02T04:00:00Z", NY, 1, &t);   /* 00:00 EDT */
	assert_string_equal(fmt(sim_time_fancy_midnight(t, NY)), "2025-11-03T04:59:59Z");
	/* 23:59:59 itself stays */
	sim_time_parse("2025-02-09T04:59:59Z", NY, 1, &t);
	assert_string_equal(fmt(sim_time_fancy_midnight(t, NY)), "2025-02-09T04:59:59Z");
	/* Santiago springs 00:00 -> 01:00 on 2026-09-06: the day begins at 01:00 -03, which Canvas
	 * (beginning_of_day) treats as its midnight */
	sim_time_parse("2026-09-06T04:00:00Z", NY, 1, &t);
	assert_string_equal(fmt(sim_time_fancy_midnight(t, "America/Santiago")), "2026-09-07T02:59:59Z");
	assert_string_equal(fmt(sim_time_fancy_midnight(t + 3600, "America/Santiago")), "2026-09-06T05:00:00Z");
	/* east of UTC */
	sim_time_parse("2026-03-01T13:00:00Z", NY, 1, &t);
	assert_string_equal(fmt(sim_time_fancy_midnight(t, "Australia/Sydney")), "2026-03-02T12:59:59Z");
}

/* ---------------------------------------------------------------- sim_time_input and the user zone */

static void test_input(void **state)
{
	struct sim s;
	cJSON *v, *out = NULL;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.state = cJSON_Parse("{\"user_time_zone\":\"America/New_York\"}");
	assert_string_equal(sim_user_zone(&s), NY);

	/* absent, null and "" clear */
	assert_int_equal(sim_time_input(&s, NULL, 1, &out), 0);
	assert_true(cJSON_IsNull(out));
	cJSON_Delete(out);
	v = cJSON_CreateNull();
	assert_int_equal(sim_time_input(&s, v, 1, &out), 0);
	assert_true(cJSON_IsNull(out));
	cJSON_Delete(out);
	cJSON_Delete(v);
	v = cJSON_CreateString("");
	assert_int_equal(sim_time_input(&s, v, 1, &out), 0);
	assert_true(cJSON_IsNull(out));
	cJSON_Delete(out);
	cJSON_Delete(v);

	/* offset-less input is the user's zone; output is UTC with Z */
	v = cJSON_CreateString("2025-01-15T07:00:00");
	assert_int_equal(sim_time_input(&s, v, 1, &out), 0);
	assert_string_equal(out->valuestring, "2025-01-15T12:00:00Z");
	cJSON_Delete(out);
	cJSON_Delete(v);
	v = cJSON_CreateString("2025-01-15T12:00:00.250+01:00");
	assert_int_equal(sim_time_input(&s, v, 1, &out), 0);
	assert_string_equal(out->valuestring, "2025-01-15T11:00:00Z");
	cJSON_Delete(out);
	cJSON_Delete(v);

	/* strict refuses what non-strict takes */
	out = NULL;
	v = cJSON_CreateString("2025-01-15T07:00");
	assert_int_equal(sim_time_input(&s, v, 1, &out), -1);
	assert_null(out);
	assert_int_equal(sim_time_input(&s, v, 0, &out), 0);
	assert_string_equal(out->valuestring, "2025-01-15T12:00:00Z");
	cJSON_Delete(out);
	cJSON_Delete(v);

	/* not a string, or garbage */
	out = NULL;
	v = cJSON_CreateNumber(1736942400);
	assert_int_equal(sim_time_input(&s, v, 0, &out), -1);
	cJSON_Delete(v);
	v = cJSON_CreateTrue();
	assert_int_equal(sim_time_input(&s, v, 0, &out), -1);
	cJSON_Delete(v);
	v = cJSON_CreateString("next tuesday");
	assert_int_equal(sim_time_input(&s, v, 0, &out), -1);
	cJSON_Delete(v);
	assert_null(out);

	/* no user_time_zone in the state: UTC */
	cJSON_Delete(s.state);
	s.state = cJSON_Parse("{}");
	assert_string_equal(sim_user_zone(&s), "UTC");
	v = cJSON_CreateString("2025-01-15T07:00:00");
	assert_int_equal(sim_time_input(&s, v, 1, &out), 0);
	assert_string_equal(out->valuestring, "2025-01-15T07:00:00Z");
	cJSON_Delete(out);
	cJSON_Delete(v);
	cJSON_Delete(s.state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse_offsets),
		cmocka_unit_test(test_parse_fractions),
		cmocka_unit_test(test_parse_strict),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_parse_calendar_overflow),
		cmocka_unit_test(test_parse_local),
		cmocka_unit_test(test_parse_local_dst_days),
		cmocka_unit_test(test_from_local),
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_tz_restored),
		cmocka_unit_test(test_fancy_midnight),
		cmocka_unit_test(test_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/unit-termcal.c -- the term calendar (runner/termcal.c, include/termcal.h).
 *
 * Every expected date was counted by hand on a printed calendar, never produced by the code:
 *   - Spring 2026, Mon 2026-01-12 .. Fri 2026-05-01, spring break Mon 03-16 .. Fri 03-20: weeks
 *     begin 01-12, 01-19, 01-26, 02-02, 02-09, 02-16, 02-23, 03-02, 03-09, (break), 03-23, 03-30,
 *     04-06, 04-13, 04-20, 04-27: fifteen teaching weeks, week 10 the one after the break.
 *   - Fall 2025 starting on Wednesday 08-27 with Labor Day (Mon 09-01) off: week 1 is the week of
 *     Mon 08-25; week 2's Monday is the holiday and moves to Tue 09-02.
 *   - A term starting on Saturday 2025-08-23: its first weekend is no week; week 1 is Mon 08-25.
 *   - Weeks starting on Sunday (Sun 2026-01-11 start): week 1 runs Sun 01-11 .. Sat 01-17.
 *   - DST (America/New_York, clocks forward Sun 2026-03-08 02:00): Thursday 23:59 of week 8 (Thu
 *     03-05, EST, -5) is 03-06T04:59:00Z, of week 9 (Thu 03-12, EDT, -4) 03-13T03:59:00Z; 02:30 on
 *     Sun 03-08 does not exist and is 03:30 EDT = 07:30Z.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dates.h"
#include "dateshift.h"
#include "termcal.h"

static int64_t D(const char *s)
{
	int y, m, d;

	assert_int_equal(sscanf(s, "%4d-%2d-%2d", &y, &m, &d), 3);
	return dateshift_days_from_civil(y, m, d);
}

static const char *S(int64_t day, char buf[16])
{
	int y, m, d;

	dateshift_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
	return buf;
}

static void spring(struct termcal *c)
{
	struct termcal_break b[1] = { { 0, 0, 0 } };
	struct err err = ERR_INIT;

	b[0].start = D("2026-03-16");
	b[0].end = D("2026-03-20");
	assert_int_equal(termcal_init(c, D("2026-01-12"), D("2026-05-01"), 1, b, 1, &err), 0);
}

static void test_weeks_across_break(void **state)
{
	static const struct {
		int week, wday;
		const char *want;
	} t[] = {
		{ 1, 1, "2026-01-12" }, { 1, 4, "2026-01-15" }, { 1, 7, "2026-01-18" }, { 4, 4, "2026-02-05" },
		{ 8, 5, "2026-03-06" }, { 9, 4, "2026-03-12" }, { 9, 7, "2026-03-15" }, { 10, 1, "2026-03-23" },
		{ 10, 4, "2026-03-26" }, { 15, 4, "2026-04-30" }, { 15, 5, "2026-05-01" },
	};
	struct termcal c;
	size_t i;
	int64_t day;
	char b[16];

	(void)state;
	spring(&c);
	assert_int_equal(c.nweeks, 15);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(termcal_day(&c, t[i].week, t[i].wday, &day), 0);
		assert_string_equal(S(day, b), t[i].want);
	}
	assert_int_equal(termcal_day(&c, 16, 1, &day), -1);
	assert_int_equal(termcal_day(&c, 0, 1, &day), -1);
	assert_int_equal(termcal_day(&c, -3, 1, &day), -1);
	assert_int_equal(termcal_week_of(&c, D("2026-03-18")), 0);     /* in the break */
	assert_int_equal(termcal_week_of(&c, D("2026-03-22")), 0);     /* its weekend */
	assert_int_equal(termcal_week_of(&c, D("2026-03-25")), 10);
	assert_int_equal(termcal_week_of(&c, D("2026-03-15")), 9);
	assert_int_equal(termcal_week_of(&c, D("2026-01-11")), 0);     /* before the term */
	assert_int_equal(termcal_week_of(&c, D("2026-05-04")), 0);     /* after it */
	assert_int_equal(termcal_break_at(&c, D("2026-03-20")), 0);
	assert_int_equal(termcal_break_at(&c, D("2026-03-21")), -1);
	termcal_release(&c);
}

static void test_starts_mid_week(void **state)
{
	struct termcal_break b[1] = { { 0, 0, 0 } };
	struct err err = ERR_INIT;
	struct termcal c;
	int64_t day, out;
	long brk;
	char s[16];

	(void)state;
	b[0].start = b[0].end = D("2025-09-01");   /* Labor Day */
	assert_int_equal(termcal_init(&c, D("2025-08-27"), D("2025-12-12"), 1, b, 1, &err), 0);
	assert_int_equal(termcal_day(&c, 1, 1, &day), 0);
	assert_string_equal(S(day, s), "2025-08-25");      /* before the start: the calendar's Monday */
	assert_int_equal(termcal_day(&c, 1, 4, &day), 0);
	assert_string_equal(S(day, s), "2025-08-28");
	assert_int_equal(termcal_day(&c, 2, 1, &day), 0);
	assert_string_equal(S(day, s), "2025-09-01");
	assert_int_equal(termcal_settle(&c, day, &out, &brk), 0);
	assert_string_equal(S(out, s), "2025-09-02");
	assert_int_equal(brk, 0);
	assert_int_equal(termcal_settle(&c, D("2025-09-03"), &out, &brk), 0);
	assert_string_equal(S(out, s), "2025-09-03");
	assert_int_equal(brk, -1);
	assert_int_equal(c.nweeks, 16);                    /* 08-25 .. 12-08 */
	termcal_release(&c);

	/* a Saturday start: the weekend is no week */
	assert_int_equal(termcal_init(&c, D("2025-08-23"), D("2025-12-12"), 1, NULL, 0, &err), 0);
	assert_int_equal(termcal_day(&c, 1, 2, &day), 0);
	assert_string_equal(S(day, s), "2025-08-26");
	termcal_release(&c);

	/* weeks starting on Sunday */
	assert_int_equal(termcal_init(&c, D("2026-01-11"), D("2026-05-01"), 7, NULL, 0, &err), 0);
	assert_int_equal(termcal_day(&c, 1, 7, &day), 0);
	assert_string_equal(S(day, s), "2026-01-11");
	assert_int_equal(termcal_day(&c, 1, 6, &day), 0);
	assert_string_equal(S(day, s), "2026-01-17");
	assert_int_equal(termcal_day(&c, 2, 1, &day), 0);
	assert_string_equal(S(day, s), "2026-01-19");
	termcal_release(&c);
}

static void test_dst_weeks(void **state)
{
	struct termcal c;
	int64_t day, t;
	char buf[32];

	(void)state;
	spring(&c);
	assert_int_equal(termcal_day(&c, 8, 4, &day), 0);
	assert_int_equal(termcal_instant(day, 23, 59, 0, "America/New_York", &t), 0);
	dates_format_utc(t, buf);
	assert_string_equal(buf, "2026-03-06T04:59:00Z");
	assert_int_equal(termcal_day(&c, 9, 4, &day), 0);
	assert_int_equal(termcal_instant(day, 23, 59, 0, "America/New_York", &t), 0);
	dates_format_utc(t, buf);
	assert_string_equal(buf, "2026-03-13T03:59:00Z");
	assert_int_equal(termcal_day(&c, 8, 7, &day), 0);   /* Sunday 03-08, the gap */
	assert_int_equal(termcal_instant(day, 2, 30, 0, "America/New_York", &t), 0);
	dates_format_utc(t, buf);
	assert_string_equal(buf, "2026-03-08T07:30:00Z");
	/* southern hemisphere: Sydney leaves DST on Sun 2026-04-05 (+11 -> +10) */
	assert_int_equal(termcal_day(&c, 12, 1, &day), 0);  /* Mon 04-06 */
	assert_int_equal(termcal_instant(day, 9, 0, 0, "Australia/Sydney", &t), 0);
	dates_format_utc(t, buf);
	assert_string_equal(buf, "2026-04-05T23:00:00Z");
	assert_int_equal(termcal_instant(day, 9, 0, 0, "No/Such_Zone", &t), -1);
	termcal_release(&c);
}

static void test_settle_and_errors(void **state)
{
	struct termcal_break b[2] = { { 0, 0, 0 }, { 0, 0, 1 } };
	struct err err = ERR_INIT;
	struct termcal c;
	int64_t out;
	long brk;
	char s[16];

	(void)state;
	/* a Thanksgiving that moves before: Thu 11-27 and Fri 11-28 -> Wed 11-26 */
	b[0].start = D("2025-11-27");
	b[0].end = D("2025-11-28");
	b[0].before = 1;
	assert_int_equal(termcal_init(&c, D("2025-08-25"), D("2025-12-12"), 1, b, 1, &err), 0);
	assert_int_equal(termcal_settle(&c, D("2025-11-28"), &out, &brk), 0);
	assert_string_equal(S(out, s), "2025-11-26");
	assert_int_equal(termcal_week_of(&c, D("2025-11-27")), 14);   /* Mon-Wed still teach */
	termcal_release(&c);

	/* after into a before-break that sends it back: a circle */
	b[0].start = D("2026-03-16");
	b[0].end = D("2026-03-20");
	b[0].before = 0;
	b[1].start = D("2026-03-21");
	b[1].end = D("2026-03-22");
	assert_int_equal(termcal_init(&c, D("2026-01-12"), D("2026-05-01"), 1, b, 2, &err), 0);
	assert_int_equal(termcal_settle(&c, D("2026-03-18"), &out, &brk), -1);
	termcal_release(&c);

	assert_int_equal(termcal_init(&c, D("2026-05-01"), D("2026-01-12"), 1, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "ends before it starts"));
	termcal_release(&c);
	err_clear(&err);
	assert_int_equal(termcal_init(&c, D("2026-01-12"), D("2026-05-01"), 8, NULL, 0, &err), -1);
	termcal_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weeks_across_break),
		cmocka_unit_test(test_starts_mid_week),
		cmocka_unit_test(test_dst_weeks),
		cmocka_unit_test(test_settle_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

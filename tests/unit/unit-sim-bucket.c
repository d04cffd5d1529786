/* tests/unit/unit-sim-bucket.c -- the leaky bucket of API.md 3.2 (tests/sim/sim_bucket.c).
 *
 * The numbers a client's throttle handling depends on: with hwm 600 and up_front 50, eleven
 * concurrent requests from one token run and the twelfth is refused (a leaked level of 550 or
 * more before a request means throttled); the level leaks 10 units a second, only while
 * positive; it is clamped to [0, 800], so X-Rate-Limit-Remaining = hwm - level goes down to
 * -200; settling adds cost - up_front; a refused request is credited back at once.
 * Times are passed in explicitly, so every case is exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim_bucket.h"

static const struct bucket_config defaults = BUCKET_DEFAULTS;

#define EPS 1e-9

static void assert_level(const struct bucket *b, double want)
{
	if (b->level < want - EPS || b->level > want + EPS)
		fail_msg("level %.9f, want %.9f", b->level, want);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_true(defaults.hwm == 600.0);
	assert_true(defaults.outflow == 10.0);
	assert_true(defaults.up_front == 50.0);
	assert_true(defaults.maximum == 800.0);
}

static void test_eleven_pass_twelfth_refused(void **state)
{
	struct bucket b = { 0, 100.0 };
	int i;

	(void)state;
	/* eleven requests arrive at the same instant and are all in flight */
	for (i = 0; i < 11; i++)
		assert_int_equal(bucket_reserve(&b, &defaults, 100.0), 0);
	assert_level(&b, 550.0);
	assert_true(bucket_remaining(&b, &defaults) == 50.0);
	/* level 550 before the request: 600 after reserving, which is refused */
	assert_int_equal(bucket_reserve(&b, &defaults, 100.0), -1);
	assert_level(&b, 600.0);
	/* a refused request is settled with cost 0: its up-front charge is credited back */
	bucket_settle(&b, &defaults, 100.0, 0);
	assert_level(&b, 550.0);
}

static void test_just_below_threshold(void **state)
{
	struct bucket b = { 549.999, 0.0 };

	(void)state;
	assert_int_equal(bucket_reserve(&b, &defaults, 0.0), 0);
	b.level = 550.0;
	assert_int_equal(bucket_reserve(&b, &defaults, 0.0), -1);
}

static void test_leak_over_time(void **state)
{
	struct bucket b = { 300.0, 10.0 };

	(void)state;
	bucket_leak(&b, &defaults, 15.0);   /* 5 s at 10/s */
	assert_level(&b, 250.0);
	assert_true(b.last == 15.0);
	bucket_leak(&b, &defaults, 15.5);
	assert_level(&b, 245.0);
	/* time going backwards (or standing still) leaks nothing and keeps `last` */
	bucket_leak(&b, &defaults, 14.0);
	assert_level(&b, 245.0);
	assert_true(b.last == 15.5);
	/* a long idle empties it, never below 0 */
	bucket_leak(&b, &defaults, 1000.0);
	assert_level(&b, 0.0);
}

static void test_leak_only_while_positive(void **state)
{
	/* an empty bucket does not bank leak for later: idle time while empty is lost */
	struct bucket b = { 0.0, 0.0 };

	(void)state;
	bucket_leak(&b, &defaults, 100.0);
	assert_level(&b, 0.0);
	assert_int_equal(bucket_reserve(&b, &defaults, 100.0), 0);
	assert_level(&b, 50.0);
	bucket_leak(&b, &defaults, 102.0);
	assert_level(&b, 30.0);
}

static void test_burst_recovery(void **state)
{
	/* API.md 3.2: a burst left at level L needs (L - 550)/10 s before the next one passes */
	struct bucket b = { 700.0, 0.0 };

	(void)state;
	assert_int_equal(bucket_reserve(&b, &defaults, 0.0), -1);
	bucket_settle(&b, &defaults, 0.0, 0);
	assert_level(&b, 700.0);
	assert_int_equal(bucket_reserve(&b, &defaults, 14.9), -1);
	bucket_settle(&b, &defaults, 14.9, 0);
	assert_int_equal(bucket_reserve(&b, &defaults, 15.01), 0);
}

static void test_clamp(void **state)
{
	struct bucket b = { 790.0, 0.0 };

	(void)state;
	assert_int_equal(bucket_reserve(&b, &defaults, 0.0), -1);
	assert_level(&b, 800.0);   /* 840 clamped to the maximum */
	assert_true(bucket_remaining(&b, &defaults) == -200.0);
	/* an expensive request cannot push it past the maximum either */
	b.level = 500.0;
	bucket_settle(&b, &defaults, 0.0, 10000.0);
	assert_level(&b, 800.0);
	/* nor a credit below zero */
	b.level = 10.0;
	bucket_settle(&b, &defaults, 0.0, 0.0);
	assert_level(&b, 0.0);
	assert_true(bucket_remaining(&b, &defaults) == 600.0);
}

static void test_settle_cost(void **state)
{
	struct bucket b = { 0.0, 0.0 };

	(void)state;
	assert_int_equal(bucket_reserve(&b, &defaults, 0.0), 0);
	assert_level(&b, 50.0);
	bucket_settle(&b, &defaults, 0.0, 0.3);   /* cost - up_front */
	assert_level(&b, 0.3);
	assert_true(bucket_remaining(&b, &defaults) > 599.69 && bucket_remaining(&b, &defaults) < 599.71);
	/* with leak between reserve and settle */
	b.level = 100.0;
	b.last = 0.0;
	assert_int_equal(bucket_reserve(&b, &defaults, 1.0), 0);   /* 90 + 50 */
	assert_level(&b, 140.0);
	bucket_settle(&b, &defaults, 2.0, 5.0);                     /* 130 - 45 */
	assert_level(&b, 85.0);
}

static void test_sequential_never_throttles(void **state)
{
	/* one request at a time, 10 ms apart, cost 0.05: the bucket stays near empty */
	struct bucket b = { 0.0, 0.0 };
	double t = 0.0;
	int i;

	(void)state;
	for (i = 0; i < 10000; i++) {
		assert_int_equal(bucket_reserve(&b, &defaults, t), 0);
		bucket_settle(&b, &defaults, t + 0.005, 0.05);
		t += 0.01;
	}
	assert_true(bucket_remaining(&b, &defaults) > 599.0);
}

static void test_custom_config(void **state)
{
	/* --hwm 700 --up-front 100: six concurrent pass, the seventh is refused */
	const struct bucket_config cfg = { 700.0, 10.0, 100.0, 800.0 };
	struct bucket b = { 0.0, 0.0 };
	int i;

	(void)state;
	for (i = 0; i < 6; i++)
		assert_int_equal(bucket_reserve(&b, &cfg, 0.0), 0);
	assert_int_equal(bucket_reserve(&b, &cfg, 0.0), -1);
	assert_true(bucket_remaining(&b, &cfg) == 0.0);
}

static void test_table(void **state)
{
	struct bucket_table t = { NULL, 0, 0 };
	struct bucket *a, *b;
	char name[32];
	int i;

	(void)state;
	a = bucket_get(&t, "tok-a", 5.0);
	assert_non_null(a);
	assert_level(a, 0.0);
	assert_true(a->last == 5.0);
	a->level = 42.0;
	b = bucket_get(&t, "tok-b", 6.0);
	assert_level(b, 0.0);
	assert_int_equal(t.n, 2);
	/* the same token is the same bucket */
	assert_level(bucket_get(&t, "tok-a", 7.0), 42.0);
	assert_int_equal(t.n, 2);
	/* growth keeps the entries */
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		bucket_get(&t, name, 0.0)->level = i;
	}
	assert_int_equal(t.n, 102);
	assert_level(bucket_get(&t, "tok-a", 8.0), 42.0);
	assert_level(bucket_get(&t, "t77", 8.0), 77.0);
	bucket_table_clear(&t);
	assert_int_equal(t.n, 0);
	assert_null(t.v);
	bucket_table_clear(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_eleven_pass_twelfth_refused),
		cmocka_unit_test(test_just_below_threshold),
		cmocka_unit_test(test_leak_over_time),
		cmocka_unit_test(test_leak_only_while_positive),
		cmocka_unit_test(test_burst_recovery),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_settle_cost),
		cmocka_unit_test(test_sequential_never_throttles),
		cmocka_unit_test(test_custom_config),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/unit-sim-fixed.c -- sim_fixed (tests/sim/sim_fixed.c) writes what snprintf's "%.Nf"
 * writes: the headers X-Request-Cost and X-Rate-Limit-Remaining of every answer.
 *
 * Compared with snprintf on edge cases (zero and minus zero, ties in decimal that are not ties in
 * binary, carries into a new digit, negatives down to the bucket's -200, big values and
 * non-finite ones that go to snprintf) and on 600,000 values drawn the way the simulator
 * draws them (costs around 1 to 100, remainders from -200 to 600) and at random scales.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim_fixed.h"

static void check(double v, int decimals)
{
	char want[400], got[400];
	int wn, gn;

	wn = snprintf(want, sizeof(want), "%.*f", decimals, v);
	gn = sim_fixed(got, sizeof(got), v, decimals);
	if (wn != gn || strcmp(want, got))
		fail_msg("%%.%df of %.17g: snprintf \"%s\" (%d), sim_fixed \"%s\" (%d)", decimals, v, want, wn, got, gn);
}

static void test_edges(void **state)
{
	static const double vs[] = {
		0.0, -0.0, 0.5, 1.5, 2.5, 0.0005, 0.0015, 0.0025, 0.1235, 0.9995, 0.99949999, 9.9999995,
		1.0000005, 600.0, 599.9995, -200.0, -0.0001, -0.0004999, -0.0005, -199.9996, 1e-300,
		123456.7890125, 1099511.6277760, 1e12, 1e15, 1e300, -1e300, 4503599627370496.0,
		0.30000000000000004, 2.675, 1.005, 1.0049999999999999,
	};
	size_t i;
	int d;

	(void)state;
	for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++)
		for (d = 0; d <= 9; d++)
			check(vs[i], d);
	check(NAN, 3);
	check(-NAN, 3);
	check(INFINITY, 6);
	check(-INFINITY, 6);
	check(1.5, 12);   /* beyond 9 decimals: snprintf's */
}

static void test_simulator_values(void **state)
{
	unsigned seed = 18;
	int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		double cost = (1.0 + 99.0 * rand_r(&seed) / RAND_MAX) * (0.8 + 0.4 * rand_r(&seed) / RAND_MAX);
		double rem = -200.0 + 800.0 * rand_r(&seed) / RAND_MAX;

		check(cost, 6);
		check(rem, 3);
	}
}

static void test_random_scales(void **state)
{
	unsigned seed = 1812;
	int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		double m = (double)rand_r(&seed) / RAND_MAX, e = rand_r(&seed) % 30 - 15;
		double v = (rand_r(&seed) & 1 ? -1 : 1) * m * pow(10.0, e);

		check(v, rand_r(&seed) % 10);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_simulator_values),
		cmocka_unit_test(test_random_scales),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/bench/dateshift-bench.c -- CPU cost of the date engine (runner/dateshift.c): 100,000 shifts.
 *
 * Build and run by hand (not part of make test; after `make build-all`):
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Iinclude -o build/dateshift-bench \
 *      tests/bench/dateshift-bench.c runner/dateshift.c runner/dates.c runner/err.c runner/xalloc.c
 *   build/dateshift-bench [N]
 *
 * Issue 6 asks for the figure of "shifting 100,000 dates (CPU, excluding fetch)", target well under a
 * second. The instants are spread over a year (one every 5 minutes and 17 seconds, so every hour
 * and both DST changes are crossed) in America/New_York, the common case of one course in one
 * zone. Three runs: `days: 7`; a term mapping with weekday substitutions and two blackouts (the
 * heaviest per-date path); and the term mapping alternating between two zones at every date (the
 * worst case for a zone cache: every call switches zone). It prints the CPU seconds of each run
 * (clock()) and a checksum of the results so the work cannot be optimised away; it judges nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dateshift.h"
#include "dates.h"

static struct rdate day(int y, int m, int d)
{
	struct rdate r;

	memset(&r, 0, sizeof(r));
	r.y = y;
	r.m = m;
	r.d = d;
	r.pos.file = "bench.yaml";
	r.pos.line = 1;
	r.pos.col = 1;
	return r;
}

static double run(const char *what, const struct rshift_dates *m, const char *zone, const char *zone2, long n)
{
	struct dateshift ds, ds2;
	struct err err = ERR_INIT;
	int64_t t0, t, out, sum = 0;
	clock_t c0;
	double s;
	long i, fails = 0;

	if (dateshift_init(&ds, m, zone, &err) || dateshift_init(&ds2, m, zone2, &err)) {
		fprintf(stderr, "dateshift-bench: %s\n", err.msg);
		exit(1);
	}
	dates_parse("2025-01-01T00:00:00Z", &t0);
	c0 = clock();
	for (i = 0; i < n; i++) {
		t = t0 + i * 317;
		if (dateshift_instant(i % 2 ? &ds2 : &ds, t, &out))
			fails++;
		sum += out - t;
	}
	s = (double)(clock() - c0) / CLOCKS_PER_SEC;
	printf("%-44s %ld shifts  %.3f s CPU  %.2f us/shift  (checksum %lld, %ld out of range)\n", what, n, s,
	       s * 1e6 / (double)n, (long long)sum, fails);
	dateshift_release(&ds);
	dateshift_release(&ds2);
	return s;
}

int main(int argc, char **argv)
{
	struct rshift_blackout bl[2];
	struct rshift_dates m;
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;

	if (n <= 0)
		n = 100000;
	memset(&m, 0, sizeof(m));
	m.mode = RSHIFT_DAYS;
	m.days = 7;
	run("days: 7, America/New_York", &m, "America/New_York", "America/New_York", n);

	memset(bl, 0, sizeof(bl));
	bl[0].start = day(2026, 3, 16);
	bl[0].end = day(2026, 3, 20);
	bl[0].move = RSHIFT_MOVE_AFTER;
	bl[1].start = day(2026, 1, 19);
	bl[1].end = day(2026, 1, 19);
	bl[1].move = RSHIFT_MOVE_BEFORE;
	m.mode = RSHIFT_TERM;
	m.days = 0;
	m.from_start = day(2025, 1, 1);
	m.from_end = day(2025, 12, 31);
	m.to_start = day(2026, 1, 12);
	m.to_end = day(2027, 1, 20);
	m.has_to_end = 1;
	m.weekdays[1] = 2;
	m.weekdays[3] = 4;
	m.blackouts = bl;
	m.nblackouts = 2;
	m.seconds = RSHIFT_SECONDS_DROP;
	run("from/to + weekdays + 2 blackouts, New_York", &m, "America/New_York", "America/New_York", n);
	run("the same, alternating New_York/Sydney", &m, "America/New_York", "Australia/Sydney", n);
	return 0;
}

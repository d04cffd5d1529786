/* tests/sim/sim_fixed.c -- "%.Nf" of a double, fast, with the bytes snprintf would write.
 *
 * Every API answer of canvas-sim carries X-Request-Cost ("%.6f") and X-Rate-Limit-Remaining
 * ("%.3f"); snprintf's floating-point path was 1.5% of the simulator's CPU serving
 * tests/bench/plan.sh's 4,092 GETs (issue 18). Here |v| * 10^N is rounded to an integer and its
 * digits written out. That is exact when the product is below 2^40 (its rounding error then stays
 * under 2^-13, far from the .5 at which the two roundings could differ) and the fraction is not
 * within 2^-10 of one half: glibc rounds the exact binary value, half to even. Anything else (a
 * near tie, a big or non-finite value, more than 9 decimals) goes to snprintf, so the output is
 * byte for byte snprintf's (tests/unit/unit-sim-fixed.c compares 600,000 values and the edge cases).
 */
#include "sim_fixed.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const double pow10s[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };

int sim_fixed(char *out, size_t n, double v, int decimals)
{
	char digits[32], *d = digits + sizeof(digits);
	double a, p, whole, frac;
	uint64_t r;
	int len, i;

	if (decimals < 0 || decimals > 9 || !isfinite(v))
		return snprintf(out, n, "%.*f", decimals, v);
	a = fabs(v);
	p = a * pow10s[decimals];
	if (p >= 1099511627776.0)   /* 2^40 */
		return snprintf(out, n, "%.*f", decimals, v);
	whole = floor(p);
	frac = p - whole;
	if (fabs(frac - 0.5) < 1.0 / 1024)
		return snprintf(out, n, "%.*f", decimals, v);
	r = (uint64_t)whole + (frac > 0.5);
	/* the digits, last first: the decimals (zero-padded), the point, the integer part */
	for (i = 0; i < decimals; i++, r /= 10)
		*--d = (char)('0' + r % 10);
	if (decimals)
		*--d = '.';
	do {
		*--d = (char)('0' + r % 10);
		r /= 10;
	} while (r);
	if (signbit(v))
		*--d = '-';
	len = (int)(digits + sizeof(digits) - d);
	if (n) {
		size_t k = (size_t)len < n ? (size_t)len : n - 1;

		memcpy(out, d, k);
		out[k] = '\0';
	}
	return len;
}

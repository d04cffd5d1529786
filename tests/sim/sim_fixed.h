/* tests/sim/sim_fixed.h -- "%.Nf" of a double without stdio (sim_fixed.c). */
#ifndef SIM_FIXED_H
#define SIM_FIXED_H

#include <stddef.h>

/* Writes exactly what snprintf(out, n, "%.*f", decimals, v) writes (0 <= decimals <= 9) and
 * returns its length. */
int sim_fixed(char *out, size_t n, double v, int decimals);

#endif

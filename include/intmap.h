/* include/intmap.h -- a map from 64-bit integers to pointers: strmap's twin for keys that are numbers.
 *
 *   struct intmap m = INTMAP_INIT;
 *   old = intmap_put(&m, 4821, v);     stores v (NULL: none) and returns the value it replaces
 *   v = intmap_get(&m, 4821);          NULL when absent or stored as NULL
 *   intmap_release(&m, free);          frees every value with the function given (NULL: none)
 *
 * Who: apply's per-change values that few changes have (exec.h's exec_result: a change's index), the
 * courses a run has claimed (courselock.c: a course number), and the modules step's pointer sets
 * (step_modules.c: an address). Each kept a table of its own, written three times over (issue 18).
 * Open addressing with linear probing over a power-of-two table, grown at half full, as strmap; the
 * key is mixed with MurmurHash3's fmix64, so consecutive numbers and aligned addresses spread. Any
 * key but UINT64_MAX: a slot holds key + 1, 0 being empty. No per-entry allocation, and no delete
 * (a value can be put back to NULL): every user builds its map and drops it whole.
 */
#ifndef COURSECTL_INTMAP_H
#define COURSECTL_INTMAP_H

#include <stddef.h>
#include <stdint.h>

struct intmap {
	uint64_t *keys;           /* cap slots: key + 1, 0 = empty */
	void **vals;
	size_t cap, n;            /* cap: a power of two, or 0 */
};

#define INTMAP_INIT { NULL, NULL, 0, 0 }

void *intmap_get(const struct intmap *m, uint64_t k);
/* Store v as k's value (NULL: none) and return the value it replaces (NULL when none), which the
 * caller now owns. k must not be UINT64_MAX. */
void *intmap_put(struct intmap *m, uint64_t k, void *v);
/* Free every value stored (not NULL) with free_val, when not NULL; then the tables; m is empty. */
void intmap_release(struct intmap *m, void (*free_val)(void *));

#endif

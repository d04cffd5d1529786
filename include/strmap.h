/* include/strmap.h -- a map from strings to pointers, and the string hash behind it.
 *
 *   struct strmap m = STRMAP_INIT;
 *   strmap_put(&m, "4821\x1f3\x1f7101", obj);      copies the key; replaces an existing value
 *   strmap_add(&m, key, v);                          only when absent (the first one wins)
 *   strmap_put_take(&m, malloced_key, v);            takes the key
 *   v = strmap_get(&m, key);                         NULL when absent (so never store NULL)
 *   strmap_release(&m);                              frees the keys, not the values
 *
 * The plan's indexes (plan.c) and apply's object maps (exec.c) look up hundreds of thousands of
 * composite keys per run. Open addressing with linear probing over power-of-two tables, grown at
 * half full, FNV-1a hashes: no per-entry allocation besides the key, and a miss ends at the first
 * empty slot. There is no delete: every user builds its map and drops it whole.
 *
 * Rejected: hsearch(3) (one global table, no growth); a balanced tree (a pointer chase per level,
 * and these maps are never iterated in order).
 */
#ifndef COURSECTL_STRMAP_H
#define COURSECTL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a over a NUL-terminated string, or over n bytes. */
uint64_t strmap_hash(const char *s);
uint64_t strmap_hash_n(const char *s, size_t n);

struct strmap {
	char **keys;              /* cap slots; NULL = empty */
	void **vals;
	size_t cap, n;            /* cap: a power of two, or 0 */
};

#define STRMAP_INIT { NULL, NULL, 0, 0 }

void *strmap_get(const struct strmap *m, const char *k);
/* Store v (not NULL) under a copy of k; an existing value is replaced. */
void strmap_put(struct strmap *m, const char *k, void *v);
/* The same, taking k (malloced; freed at once when the key was there already). */
void strmap_put_take(struct strmap *m, char *k, void *v);
/* Store v under a copy of k unless k is there already: 1 stored, 0 kept the old value. */
int strmap_add(struct strmap *m, const char *k, void *v);
/* Free the keys and the tables (not the values) and reset m to empty. */
void strmap_release(struct strmap *m);
/* Empty it (keys freed) but keep its table, for a map filled again and again to about the same size
 * (exec.c's windows): no regrowth, no large allocation each time. */
void strmap_clear(struct strmap *m);

#endif

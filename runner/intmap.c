/* runner/intmap.c -- the integer map of include/intmap.h (design there). */
#include "intmap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* The slot of k (stored as k + 1), or the empty slot where it would go. m->cap must not be 0. */
static size_t slot_of(const struct intmap *m, uint64_t k)
{
	uint64_t h = k + 1;
	size_t j;

	h ^= h >> 33;   /* MurmurHash3's fmix64 */
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	j = (size_t)h & (m->cap - 1);
	while (m->keys[j] && m->keys[j] != k + 1)
		j = (j + 1) & (m->cap - 1);
	return j;
}

void *intmap_get(const struct intmap *m, uint64_t k)
{
	size_t j;

	if (!m->cap)
		return NULL;
	j = slot_of(m, k);
	return m->keys[j] ? m->vals[j] : NULL;
}

/* Double the table (16 slots at first), every entry at its new place. */
static void grow(struct intmap *m)
{
	struct intmap g = { NULL, NULL, m->cap ? 2 * m->cap : 16, m->n };
	size_t i, j;

	g.keys = xcalloc(g.cap, sizeof(*g.keys));
	g.vals = xcalloc(g.cap, sizeof(*g.vals));
	for (i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			j = slot_of(&g, m->keys[i] - 1);
			g.keys[j] = m->keys[i];
			g.vals[j] = m->vals[i];
		}
	free(m->keys);
	free(m->vals);
	m->keys = g.keys;   /* field by field: clang's analyzer loses the new tables through *m = g */
	m->vals = g.vals;
	m->cap = g.cap;
}

void *intmap_put(struct intmap *m, uint64_t k, void *v)
{
	size_t j;
	void *old;

	if (m->cap) {
		j = slot_of(m, k);
		if (m->keys[j]) {
			old = m->vals[j];
			m->vals[j] = v;
			return old;
		}
	}
	if (!v)
		return NULL;   /* nothing was there, nothing to keep */
	if (2 * (m->n + 1) > m->cap)
		grow(m);
	j = slot_of(m, k);
	m->keys[j] = k + 1;
	m->vals[j] = v;
	m->n++;
	return NULL;
}

void intmap_release(struct intmap *m, void (*free_val)(void *))
{
	size_t j;

	for (j = 0; free_val && j < m->cap; j++)
		if (m->keys[j] && m->vals[j])
			free_val(m->vals[j]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

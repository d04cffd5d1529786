/* runner/strmap.c -- the string map of include/strmap.h (design there). */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

uint64_t strmap_hash_n(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

uint64_t strmap_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* The slot of k, or the empty slot where it would go. m->cap must not be 0. */
static size_t slot_of(const struct strmap *m, const char *k)
{
	size_t j = strmap_hash(k) & (m->cap - 1);

	while (m->keys[j] && strcmp(m->keys[j], k))
		j = (j + 1) & (m->cap - 1);
	return j;
}

void *strmap_get(const struct strmap *m, const char *k)
{
	size_t j;

	if (!m->cap)
		return NULL;
	j = slot_of(m, k);
	return m->keys[j] ? m->vals[j] : NULL;
}

/* Room for one more entry: grow at half full. */
static void reserve_one(struct strmap *m)
{
	struct strmap g = STRMAP_INIT;
	size_t i, j;

	if ((m->n + 1) * 2 <= m->cap)
		return;
	g.cap = m->cap ? m->cap * 2 : 64;
	g.keys = xcalloc(g.cap, sizeof(*g.keys));
	g.vals = xcalloc(g.cap, sizeof(*g.vals));
	for (i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			j = slot_of(&g, m->keys[i]);
			g.keys[j] = m->keys[i];
			g.vals[j] = m->vals[i];
			g.n++;
		}
	free(m->keys);
	free(m->vals);
	m->keys = g.keys;   /* field by field: the analyzer loses track of a struct copy after free */
	m->vals = g.vals;
	m->cap = g.cap;
	m->n = g.n;
}

void strmap_put_take(struct strmap *m, char *k, void *v)
{
	size_t j;

	reserve_one(m);
	j = slot_of(m, k);
	if (m->keys[j]) {
		free(k);
	} else {
		m->keys[j] = k;
		m->n++;
	}
	m->vals[j] = v;
}

void strmap_put(struct strmap *m, const char *k, void *v)
{
	size_t j;

	reserve_one(m);
	j = slot_of(m, k);
	if (!m->keys[j]) {
		m->keys[j] = xstrdup(k);
		m->n++;
	}
	m->vals[j] = v;
}

int strmap_add(struct strmap *m, const char *k, void *v)
{
	size_t j;

	reserve_one(m);
	j = slot_of(m, k);
	if (m->keys[j])
		return 0;
	m->keys[j] = xstrdup(k);
	m->vals[j] = v;
	m->n++;
	return 1;
}

void strmap_clear(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	if (m->cap) {
		memset(m->keys, 0, m->cap * sizeof(*m->keys));
		memset(m->vals, 0, m->cap * sizeof(*m->vals));
	}
	m->n = 0;
}

void strmap_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

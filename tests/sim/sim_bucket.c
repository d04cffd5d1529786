/* tests/sim/sim_bucket.c -- leaky bucket arithmetic (see sim_bucket.h).
 *
 * From app/middleware/request_throttle.rb as summarised in API.md 3.2: the level leaks
 * `outflow` units a second (only while positive), a request reserves `up_front` on arrival and is
 * refused when the level then reaches `hwm`; when it ends it settles `cost - up_front`. The level
 * is clamped to [0, maximum] after every change, which is why X-Rate-Limit-Remaining can go as
 * low as hwm - maximum (-200 with the defaults).
 */
#include "sim_bucket.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void clamp(struct bucket *b, const struct bucket_config *cfg)
{
	if (b->level < 0)
		b->level = 0;
	if (b->level > cfg->maximum)
		b->level = cfg->maximum;
}

void bucket_leak(struct bucket *b, const struct bucket_config *cfg, double now)
{
	double dt = now - b->last;

	if (dt > 0 && b->level > 0)
		b->level -= dt * cfg->outflow;
	if (now > b->last)
		b->last = now;
	clamp(b, cfg);
}

int bucket_reserve(struct bucket *b, const struct bucket_config *cfg, double now)
{
	bucket_leak(b, cfg, now);
	b->level += cfg->up_front;
	clamp(b, cfg);
	return b->level >= cfg->hwm ? -1 : 0;
}

void bucket_settle(struct bucket *b, const struct bucket_config *cfg, double now, double cost)
{
	bucket_leak(b, cfg, now);
	b->level += cost - cfg->up_front;
	clamp(b, cfg);
}

double bucket_remaining(const struct bucket *b, const struct bucket_config *cfg)
{
	return cfg->hwm - b->level;
}

struct bucket *bucket_get(struct bucket_table *t, const char *token, double now)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].token, token))
			return &t->v[i].b;
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 8;
		t->v = xrealloc(t->v, (size_t)t->alloc * sizeof(*t->v));
	}
	t->v[t->n].token = xstrdup(token);
	t->v[t->n].b.level = 0;
	t->v[t->n].b.last = now;
	return &t->v[t->n++].b;
}

void bucket_table_clear(struct bucket_table *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].token);
	free(t->v);
	t->v = NULL;
	t->n = t->alloc = 0;
}

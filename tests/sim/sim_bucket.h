/* tests/sim/sim_bucket.h -- Canvas's token-keyed leaky bucket (API.md section 3), pure arithmetic.
 *
 * Calling sequence, per request, with `now` in seconds (monotonic):
 *   bucket_reserve(b, cfg, now)     leak, add up_front, clamp to [0, maximum];
 *                                   returns 0 when the request may run, -1 when throttled
 *                                   (level >= hwm after adding up_front)
 *   ... the request runs ...
 *   bucket_settle(b, cfg, now, cost) leak, add cost - up_front, clamp
 *   bucket_remaining(b, cfg)        hwm - level: the X-Rate-Limit-Remaining header
 * A throttled request is settled with cost 0: its up-front charge is credited back at once.
 */
#ifndef CANVAS_SIM_BUCKET_H
#define CANVAS_SIM_BUCKET_H

struct bucket_config {
	double hwm;       /* 600: rejected at level >= hwm */
	double outflow;   /* 10 units per second leak */
	double up_front;  /* 50 charged while a request runs */
	double maximum;   /* 800: cap of the level */
};

struct bucket {
	double level;
	double last;      /* time of the last leak, seconds */
};

#define BUCKET_DEFAULTS { 600.0, 10.0, 50.0, 800.0 }

void bucket_leak(struct bucket *b, const struct bucket_config *cfg, double now);
int bucket_reserve(struct bucket *b, const struct bucket_config *cfg, double now);
void bucket_settle(struct bucket *b, const struct bucket_config *cfg, double now, double cost);
double bucket_remaining(const struct bucket *b, const struct bucket_config *cfg);

/* A small table of buckets keyed by token (a few tokens per simulator). */
struct bucket_entry {
	char *token;
	struct bucket b;
};

struct bucket_table {
	struct bucket_entry *v;
	int n, alloc;
};

/* The bucket of `token`, created empty; borrowed from the table. */
struct bucket *bucket_get(struct bucket_table *t, const char *token, double now);
void bucket_table_clear(struct bucket_table *t);

#endif

/* include/plan_reads.h -- the courses as `apply RECIPE` planned them, kept for its stale check
 * (issue 18: the lists were read three times, by the plan, the stale check and the final re-read).
 *
 *   struct plan_reads *r = NULL;   po.reads = &r;   plan_recipe(...);     (cmd_apply.c)
 *   eo.reads = r;   exec_run(...);   plan_reads_free(r);
 *
 * apply of a recipe plans and then writes in one run, so the lists the plan read are what the
 * stale check would read again moments later. plan_make (plan_build.c) copies each batch's courses
 * as read, before the steps change them in place, and keeps of each course with changes the lists
 * those changes touch; the stale check (exec_fetch_live, exec.c; exec_stale_reuse, exec_stale.c)
 * takes a course from here instead of reading it when its reads are fresh (EXEC_FRESH_S), and
 * reads it again when they are not (a long prompt). `plan` and a saved plan keep nothing.
 */
#ifndef COURSECTL_PLAN_READS_H
#define COURSECTL_PLAN_READS_H

#include <stdio.h>

#include <cjson/cJSON.h>

struct plan;

struct plan_read {
	long off;                 /* where its compact JSON text starts in the spill file */
	size_t len;               /* and how long it is */
	double read_at;           /* plan_reads_now() when its batch's reads began */
	unsigned char kept;       /* 1: the course is kept (the rest means something); 0: not */
	unsigned char page_dates; /* its pages carry their Assign To dates (page_dates.c) */
	unsigned char taken;      /* the stale check took it */
};

/* The courses are kept as compact JSON text in an unlinked temporary file (tmpfile(3): mode 0600,
 * gone with the process), not in memory: apply's memory stays flat however many courses it plans
 * (issue 18). A course that cannot be spilled (disk full) is simply not kept: it is read again.
 * What stays in memory is one struct plan_read per course of the plan, in the plan's course order
 * (v[k] for p->courses[k]), found through the plan's own course index (plan_course): a map of its
 * own kept a copy of every id, a malloc per course and its slots, about 100 bytes a course to the
 * end of apply against 32 now. Every function below takes the plan the reads were kept for. */
struct plan_reads {
	struct plan_read *v;      /* v[0..n): n <= p->ncourses; v[k].kept 0 when nothing is kept */
	size_t n;
	FILE *spill;              /* the texts, or NULL before the first */
};

/* What is kept of course `id` of plan p (taken or not), or NULL when nothing is. */
const struct plan_read *plan_reads_get(const struct plan_reads *r, const struct plan *p, const char *id);

/* The course kept under id, as read, or NULL (not kept, taken already, or its text could not be
 * read back: the caller reads it again). Marks it taken. The caller owns the result. */
cJSON *plan_reads_take(struct plan_reads *r, const struct plan *p, const char *id);

/* Drops the course kept under id, so the stale check reads it again: its reads were made before
 * this run held the course's lock (courselock.h), so another run may have written since. */
void plan_reads_forget(struct plan_reads *r, const struct plan *p, const char *id);

/* Seconds on the monotonic clock: what read_at is measured in. */
double plan_reads_now(void);
/* Frees r and what it still holds; NULL is fine. */
void plan_reads_free(struct plan_reads *r);

#endif

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

#include <cjson/cJSON.h>

#include "strmap.h"

struct plan_read {
	cJSON *course;            /* the course as read, with the lists its changes touch (owned; NULL
				     once the stale check took it) */
	double read_at;           /* plan_reads_now() when its batch's reads began */
	int page_dates;           /* its pages carry their Assign To dates (page_dates.c) */
};

struct plan_reads {
	struct strmap courses;    /* course id ("%.0f") -> struct plan_read * */
};

/* Seconds on the monotonic clock: what read_at is measured in. */
double plan_reads_now(void);
/* Frees r and what it still holds; NULL is fine. */
void plan_reads_free(struct plan_reads *r);

#endif

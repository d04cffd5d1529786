/* include/courselock.h -- one coursectl run at a time changes a course (per user and machine).
 *
 *   struct courselock *l = NULL;
 *   courselock_open(&l, base_url, &err)          the lock file of that Canvas (NULL l: no lock dir)
 *   courselock_take(l, "4821", &taken_now, &err) ERR_LOCKED while another run holds course 4821
 *   ... plan, journal, writes, read-back ...
 *   courselock_free(l)                           releases every course (so does the process's end)
 *
 * Two runs that change the same course at once each create what they planned to create: the pages,
 * modules and items of a template applied twice (a CI job started twice, a second terminal, a cron
 * run overlapping the last). Each run's stale check sees nothing of the other's creates, so both
 * land and the course holds every object twice. apply, apply --resume and rollback therefore hold
 * a lock on each course of their plan from before they read it (apply RECIPE: before the plan's
 * reads, plan_recipe) to their end; a second run that wants one of those courses stops before it
 * reads or writes anything, naming the course and the process that holds it.
 */
#ifndef COURSECTL_COURSELOCK_H
#define COURSECTL_COURSELOCK_H

#include "err.h"

struct courselock;

/* Opens (creating, mode 0600) the lock file of the Canvas at base_url in the journal directory's
 * parent: $XDG_STATE_HOME/coursectl/locks/canvas-HASH.lock (HASH: of the URL without trailing
 * slashes, lower-cased). When there is no such directory (no HOME), *out is NULL and 0 is returned:
 * the run goes on unlocked, as before. The caller owns *out: courselock_free. */
int courselock_open(struct courselock **out, const char *base_url, struct err *err);

/* Locks course `id` (a Canvas course id: digits) for this process; *taken_now (may be NULL) is 1
 * when this call took it, 0 when it was held already or id is not a number (a "sis_course_id:X"
 * form: courses are locked by number, once they are known). ERR_LOCKED naming the course and
 * the process holding it, and saying nothing was changed, when another run has it; ERR_IO when
 * the lock cannot be asked for. l may be NULL (no lock directory): 0, nothing taken. */
int courselock_take(struct courselock *l, const char *id, int *taken_now, struct err *err);

/* Whether this process holds course id (0 for NULL l or an id not a number). */
int courselock_held(const struct courselock *l, const char *id);

/* Releases every course and frees l; NULL is fine. */
void courselock_free(struct courselock *l);

#endif

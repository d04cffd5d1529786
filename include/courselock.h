/* include/courselock.h -- one coursectl run at a time changes a course (per user and machine).
 *
 *   struct courselock *l = NULL;
 *   courselock_open(&l, base_url, &err)          this Canvas's claims (NULL l: no state directory)
 *   courselock_take(l, ids, n, &err)             ERR_LOCKED while another run holds one of them
 *   ... plan, journal, writes, read-back ...
 *   courselock_free(l)                           lets them all go (so does the process's end)
 *
 * Two runs that change the same course at once each create what they planned to create: the pages,
 * modules and items of a template applied twice (a CI job started twice, a second terminal, a cron
 * run overlapping the last). Each run's stale check sees nothing of the other's creates, so both
 * land and the course holds every object twice. apply, apply --resume and rollback therefore hold
 * each course of their plan from before they read it (apply RECIPE: before the plan's reads,
 * plan_recipe) to their end; a second run that wants one of those courses stops before it reads or
 * writes anything, naming the course and the process that holds it (runner/courselock.c).
 */
#ifndef COURSECTL_COURSELOCK_H
#define COURSECTL_COURSELOCK_H

#include <stddef.h>

#include "err.h"

struct courselock;

/* Prepares the claims of the Canvas at base_url, in the journal directory's sibling
 * $XDG_STATE_HOME/coursectl/locks/ (made, mode 0700): canvas-HASH.lock and canvas-HASH.PID.run
 * (HASH: of the URL without trailing slashes, lower-cased). When there is no state directory (no
 * HOME), *out is NULL and 0 is returned: the run goes on unclaimed, as before. The caller owns *out:
 * courselock_free. */
int courselock_open(struct courselock **out, const char *base_url, struct err *err);

/* Takes the courses ids[0..n) for this run, all or none: those that are Canvas course numbers
 * (digits) and not held yet ("sis_course_id:X" forms are taken by number, once it is known).
 * ERR_LOCKED naming a course and the process holding it, and saying nothing was changed, when
 * another run has one; ERR_IO when the claim cannot be made. l may be NULL (no state directory):
 * 0, nothing taken. */
int courselock_take(struct courselock *l, const char *const *ids, size_t n, struct err *err);

/* Whether this process holds course id (0 for NULL l or an id not a number). */
int courselock_held(const struct courselock *l, const char *id);

/* Releases every course and frees l; NULL is fine. */
void courselock_free(struct courselock *l);

#endif

/* include/plan_midnight.h -- the plan predicts Canvas's "fancy midnight" (issue 15, CURRENT.md 1).
 *
 * Calling sequence (plan_make in runner/plan_build.c, after the last step, before plan_finish):
 *   if (plan_midnight_needs_user_zone(p))         a planned due_at/lock_at Canvas judges in the
 *           read GET /api/v1/users/self/profile   token user's zone: read that zone once
 *   plan_midnight_apply(p, user_zone)             every such `after` at 00:00:00 becomes 23:59:59
 *                                                 of that day, with a note saying why
 * The rule and where Canvas applies it are in the design comment of runner/plan_midnight.c.
 */
#ifndef COURSECTL_PLAN_MIDNIGHT_H
#define COURSECTL_PLAN_MIDNIGHT_H

#include "err.h"
#include "plan.h"

struct canvas;

/* 1 when some change of p plans a date Canvas judges in the token user's zone (an override's
 * due_at or lock_at, or a created assignment's), so the zone must be read; else 0. */
int plan_midnight_needs_user_zone(const struct plan *p);

/* Rewrite every planned date Canvas would store otherwise (see plan_midnight.c) to the value
 * Canvas will hold, and add a note to its change. user_zone: the token user's IANA zone, or NULL
 * when it is not known (those dates are then left as planned). Returns how many dates moved. */
size_t plan_midnight_apply(struct plan *p, const char *user_zone);

/* Read the token user's zone from GET /api/v1/users/self/profile (`time_zone`, which Canvas fills
 * with the account's default when the user has none). *zone is malloced (free), or NULL with a
 * warning when the answer names no zone this machine knows. A failed request is an error. */
int plan_midnight_user_zone(struct canvas *cv, char **zone, struct err *err);

/* The same in two halves, so that the request goes out with others (plan_make: with the next
 * batch's reads, once a batch already needs the zone). Ownership: begin submits the request and
 * returns a read that only end frees; end runs the engine until it is idle (canvas_run) and then
 * does what plan_midnight_user_zone does. */
struct plan_zone_read;
struct plan_zone_read *plan_midnight_user_zone_begin(struct canvas *cv);
int plan_midnight_user_zone_end(struct canvas *cv, struct plan_zone_read *zr, char **zone, struct err *err);

#endif

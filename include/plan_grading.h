/* include/plan_grading.h -- the plan knows Canvas's closed grading periods (issue 15, CURRENT.md 8).
 *
 * Calling sequence (plan_make in runner/plan_build.c, after the snapshot, before the steps):
 *   plan_grading_fetch(cv, snap, err)        GET /api/v1/courses/:id/grading_periods of each course
 *                                            with assignments; stored as the course's
 *                                            "grading_periods" (with is_closed)
 *   plan_grading_closed(course, iso)         in the steps: the closed period a due date falls in
 * The rule is in the design comment of runner/plan_grading.c.
 */
#ifndef COURSECTL_PLAN_GRADING_H
#define COURSECTL_PLAN_GRADING_H

#include <cjson/cJSON.h>

#include "err.h"

struct canvas;

/* Read the grading periods of every course of snap (snapshot format) that has an "assignments"
 * array, all requests in flight together, and store each answer's list in the course as
 * "grading_periods". A course whose periods cannot be read (no permission, an older Canvas) gets
 * none, with a warning; a 401 is the error. */
int plan_grading_fetch(struct canvas *cv, cJSON *snap, struct err *err);
/* The same requests, queued but not run: the caller runs the engine (canvas_run), with other reads
 * in flight together (plan_make runs them with page_dates_submit's), and then a 401 is in *fatal
 * (ERR_INIT before; it must outlive the run). Returns the number of requests queued. */
long plan_grading_submit(struct canvas *cv, cJSON *snap, struct err *fatal);

/* The closed grading period of course (as plan_grading_fetch left it) that a due date `iso` falls
 * in, or NULL. iso NULL (no due date) means the period that ends last, as Canvas counts it. */
const cJSON *plan_grading_closed(const cJSON *course, const char *iso);

#endif

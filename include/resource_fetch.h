/* include/resource_fetch.h -- the answer to one row's follow-up read (struct resource_fetch,
 * include/resource.h), shared by the planner (runner/page_dates.c) and apply's live copy
 * (runner/exec.c's live_more reads). */
#ifndef COURSECTL_RESOURCE_FETCH_H
#define COURSECTL_RESOURCE_FETCH_H

#include <cjson/cJSON.h>

#include "canvas.h"
#include "err.h"
#include "resource.h"

/* One follow-up read in flight: the object its answer goes into, the request, and where a 401
 * goes (the run's first fatal error; other failures are warnings). */
struct resource_fetch_req {
	cJSON *obj;                /* borrowed: the listed object */
	struct resource_fetch f;   /* owned: f.path and f.what are freed with the request */
	struct err *fatal;         /* borrowed */
};

/* A canvas_get callback for a struct resource_fetch_req (ud, malloced: freed here, with f.path
 * and f.what). The answer is taken into obj by f.take; a 404 is left to the object's own changes
 * (it went since the list was read); a 401 becomes *fatal unless one is there already; any other
 * failure is a warning naming f.what, and the object stays as listed. */
void resource_fetch_answer(struct canvas *cv, cJSON *json, const struct err *err, void *ud);

#endif

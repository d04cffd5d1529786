/* include/page_dates.h -- the Assign To (selective release) dates of pages, read through the
 * Learning Object Dates API (issue 15, CURRENT.md 13; the design is in runner/page_dates.c).
 *
 * Calling sequence: plan_make (runner/plan_build.c), after the snapshot, for a recipe
 * page_dates_wanted() says needs them: page_dates_fetch(cv, snap, &n, err). Each page read gets
 * "date_overrides" (its overrides, each with wiki_page_id) and its own "unlock_at" / "lock_at" as
 * date_details reports them (the page row's live_more hook, runner/resource_page.c, which apply
 * uses for the pages its changes name).
 */
#ifndef COURSECTL_PAGE_DATES_H
#define COURSECTL_PAGE_DATES_H

#include <cjson/cJSON.h>

#include "err.h"

struct canvas;
struct recipe;

/* 1 when a step of r shifts dates of pages with their overrides (a shift_dates step whose `only:`
 * has pages and whose `overrides:` is on), else 0. */
int page_dates_wanted(const struct recipe *r);

/* GET .../pages/page_id:N/date_details for every page of every course of snap (snapshot format),
 * all in flight together, and store the answer in the page (see above). A page gone meanwhile
 * (404) is left as it is; a page whose dates cannot be read otherwise is left without
 * "date_overrides", with a warning; a 401 is the error. The number of requests made in *nreq (may
 * be NULL). */
int page_dates_fetch(struct canvas *cv, cJSON *snap, long *nreq, struct err *err);
/* The same requests, queued but not run (plan_grading_submit says how): returns their number. */
long page_dates_submit(struct canvas *cv, cJSON *snap, struct err *fatal);

#endif

/* include/snapshot.h -- read whole courses into canvas-sim's seed format.
 *
 *   snapshot_fetch(&doc, cv, ids, n, &st, &err)   doc = {"courses": [ ... ]}, one per id, in order
 *
 * Per course: the course (with syllabus_body), assignments with their overrides, quizzes,
 * discussion topics, announcements, modules with all their items, pages with bodies, calendar
 * events -- each object as Canvas returns it minus the fields Canvas derives (resource.h), so the
 * document seeds canvas-sim as it is. `doc` is owned by the caller (cJSON_Delete). On error nothing
 * is returned: a partial backup that looks whole is worse than none.
 */
#ifndef COURSECTL_SNAPSHOT_H
#define COURSECTL_SNAPSHOT_H

#include <cjson/cJSON.h>

#include "canvas.h"
#include "err.h"

struct snapshot_stats {
	int courses;
	long objects;
};

/* Every list a course has (kinds for snapshot_fetch). */
#define SNAPSHOT_ALL 0xffffffffu

/* kinds: 1u << kind of the lists to fetch (the course itself always is); SNAPSHOT_ALL for all. */
int snapshot_fetch(cJSON **out, struct canvas *cv, char *const *ids, int n, unsigned kinds,
		   struct snapshot_stats *st, struct err *err);

/* The same, course by course: errs[0..n-1] (the caller's, initialised to ERR_INIT) gets each
 * course's failure (a 404, a 403, a list that failed after the engine's retries); *out holds the
 * courses that came back whole, in the order given. Returns an error only when the run as a whole
 * stopped (ERR_AUTH: a token failure); then *out is not set. fail_fast: the first failed course
 * stops the run; the courses left unread get an error saying so. */
int snapshot_fetch_each(cJSON **out, struct canvas *cv, char *const *ids, int n, unsigned kinds,
			int fail_fast, struct err *errs, struct snapshot_stats *st, struct err *err);

/* snapshot_fetch_each in two halves, so that the requests can be under way while the caller does
 * something else (plan_make plans a batch while the next one is read, calling canvas_pump).
 * Ownership: begin submits the requests (they start when the engine runs: canvas_run,
 * canvas_pump) and returns a fetch that only snapshot_fetch_end frees; end runs the engine until it
 * is idle and returns what snapshot_fetch_each does. Every begun fetch must be ended, also when
 * the caller gives up (then with a stopped engine nothing more is sent). */
struct snapshot_fetch;
struct snapshot_fetch *snapshot_fetch_begin(struct canvas *cv, char *const *ids, int n, unsigned kinds,
					    int fail_fast);
int snapshot_fetch_end(struct snapshot_fetch *f, cJSON **out, struct err *errs, struct snapshot_stats *st,
		       struct err *err);

#endif

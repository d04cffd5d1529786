/* include/snapindex.h -- a snapshot's courses and assignments found by id in constant time.
 *
 *   struct snapindex ix;
 *   snapindex_build(&ix, snapshot);          the snapshot must outlive ix and stay unchanged
 *   course = snapindex_course(&ix, "4821");
 *   a = snapindex_assignment(&ix, "4821", "90211");
 *   snapindex_release(&ix);
 *
 * The plan's passes over all its changes (plan_notify.c, plan_shows.c) looked each change's course
 * and assignment up by scanning the snapshot: courses x changes, minutes at 2,000 courses (issue
 * 18). An id matches as a number (the snapshot's numeric id equals strtoll of the key) or as a
 * string; the first object with an id wins, as the scans did.
 */
#ifndef COURSECTL_SNAPINDEX_H
#define COURSECTL_SNAPINDEX_H

#include <cjson/cJSON.h>

#include "strmap.h"

struct snapindex {
	struct strmap courses;   /* "n<id>" or "s<id>" -> course */
	struct strmap asgs;      /* course's key, 0x1f, assignment's key -> assignment */
};

void snapindex_build(struct snapindex *ix, const cJSON *snapshot);
/* NULL when absent; course_id NULL gives NULL. */
const cJSON *snapindex_course(const struct snapindex *ix, const char *course_id);
const cJSON *snapindex_assignment(const struct snapindex *ix, const char *course_id, const char *id);
void snapindex_release(struct snapindex *ix);

#endif

/* include/resource.h -- the table of Canvas kinds (ARCHITECTURE.md "Resource table, not a struct
 * per kind").
 *
 * Kinds differ mostly in data: where they are listed, how they are wrapped in a PUT, which fields
 * are dates or HTML, which fields Canvas computes and ignores on input. One row per kind drives
 * fetching, snapshotting (and, in later issues, updating, rendering and rolling back). Adding a kind
 * is adding a row and its tests. The table is written from ../shared/canvas/API.md; canvas-sim
 * shares none of it on purpose.
 */
#ifndef COURSECTL_RESOURCE_H
#define COURSECTL_RESOURCE_H

#include <cjson/cJSON.h>

enum resource_kind {
	RES_COURSE,
	RES_ASSIGNMENT,
	RES_ASSIGNMENT_OVERRIDE,
	RES_QUIZ,
	RES_DISCUSSION_TOPIC,
	RES_ANNOUNCEMENT,
	RES_MODULE,
	RES_MODULE_ITEM,
	RES_PAGE,
	RES_CALENDAR_EVENT,
	RES_DATE_OVERRIDE,   /* an ungraded topic's "Assign To" override, read and written via date_details */
	RES_NKINDS
};

struct resource {
	enum resource_kind kind;
	const char *name;          /* "assignment" -- in messages and plans */
	const char *seed_key;      /* "assignments" -- the array in a snapshot / seed course */
	const char *list_path;     /* printf format with the course id (%s), query included; NULL if none */
	const char *wrapper;       /* PUT parameter wrapper, "assignment"; NULL for flat (discussions) */
	const char *id_field;      /* "id", or "page_id" / "url" for pages */
	const char *name_field;    /* "name" or "title" */
	const char *const *date_fields;   /* NULL-terminated */
	const char *const *html_fields;   /* NULL-terminated */
	const char *const *derived_fields;/* computed by Canvas, ignored on input: dropped from snapshots */
};

/* The row of a kind; never NULL for a valid kind. */
const struct resource *resource_get(enum resource_kind kind);
/* The row whose name or seed_key is `name`, or NULL. */
const struct resource *resource_find(const char *name);

/* A checkpointed discussion's assignment as read with include[]=checkpoints: its checkpoints' due
 * dates as reply_to_topic_due_at / required_replies_due_at, its topic's id as discussion_topic_id;
 * without checkpoints, the empty list and has_sub_assignments: false removed (runner/resource.c). */
void resource_flatten_checkpoints(cJSON *assignment);
/* ... and its overrides: each shell override of the assignment takes its checkpoint overrides'
 * dates under the same names, unlock_at and lock_at (runner/checkpoint_overrides.c). Called by
 * resource_flatten_checkpoints. */
void resource_flatten_checkpoint_overrides(cJSON *assignment);
/* Remove the kind's derived fields from a fetched object, in place (an assignment is flattened
 * first: resource_flatten_checkpoints). */
void resource_strip_derived(const struct resource *res, cJSON *obj);

#endif

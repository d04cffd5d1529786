/* runner/exec_internal.h -- the pure parts of apply (exec_write.c), shared by exec.c,
 * exec_inverse.c and the unit tests, and seen by nothing else: where a kind is written, how a
 * plan field becomes a Canvas parameter, the request bodies, and when a value read back from Canvas
 * shows the value the plan wanted. No I/O here.
 */
#ifndef COURSECTL_EXEC_INTERNAL_H
#define COURSECTL_EXEC_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "jsonid.h"      /* jsonid(): an id as JSON */
#include "resource.h"

/* The Canvas parameter that writes plan field `field` of `kind` (inside the kind's wrapper, or
 * top-level for discussion topics and announcements), or NULL when Canvas has none: a read-only
 * field (API.md 12) or one this version does not know how to write. create: the parameter on
 * POST (module items also take type, content_id and page_url there). Pages: todo_date is written
 * as student_todo_at (API.md 7.3). Static strings. */
const char *exec_param_name(enum resource_kind kind, const char *field, int create);

/* 1 when `field` of `kind` is one Canvas derives by itself from what is written, so the plan
 * names the value Canvas will make but apply never sends it and only reads it back: a page's url,
 * made from its title (runner/pageurl.c). */
int exec_is_derived_field(enum resource_kind kind, const char *field);

/* 1 when `field` of `kind` goes through PUT .../assignments/bulk_update (assignment and override
 * due_at, unlock_at, lock_at: API.md 5.3). */
int exec_is_bulk_field(enum resource_kind kind, const char *field);
/* 1 when `field` of `kind` (live: as read, through the row's normalize hook) is written elsewhere
 * than the object's own PUT: the row's writes_elsewhere hook (a checkpointed discussion's
 * assignment and its checkpoint overrides: reply_to_topic_due_at, required_replies_due_at,
 * unlock_at, lock_at, through PUT .../discussion_topics/:id/date_details; issue 15, CURRENT.md 12,
 * runner/resource_assignment.c). Such a write is a JSON body answered 204 and read back with a GET. */
int exec_checkpoint_field(enum resource_kind kind, const cJSON *live, const char *field);
/* The row whose elsewhere hooks write `kind`'s such fields: its own, or its parent's
 * (elsewhere_via_parent). `owner` below is the live object of that row (the object itself, or its
 * parent). */
const struct resource *exec_checkpoint_row(enum resource_kind kind);
/* Where such a field is written (elsewhere_path of owner). Malloced. */
char *exec_checkpoint_path(enum resource_kind kind, const char *course_id, const cJSON *owner);
/* The body writing `fields` ({plan field: value}) of the owner (child NULL) or of its child
 * `child` (elsewhere_body; without the hook, `fields` as they are). Malloced. */
cJSON *exec_checkpoint_body(enum resource_kind kind, const cJSON *owner, const char *child, const cJSON *fields);
/* 1 when the owner's such writes go one after the other (elsewhere_chained). */
int exec_checkpoint_chained(enum resource_kind kind, const cJSON *owner);
/* Carry a re-read of the owner (normalized) into its live copy and its children's
 * (elsewhere_refresh), so the next chained write starts from them. */
void exec_checkpoint_refresh(enum resource_kind kind, cJSON *owner, const cJSON *reread);

/* The path of one object ("/api/v1/..."), for PUT, DELETE and GET: pages as page_id:N (API.md
 * 7.1), module items under `parent` (their module), overrides under `parent` (their assignment),
 * calendar events outside the course. read: the GET variant (a course with its syllabus_body).
 * Malloced (free). */
char *exec_object_path(enum resource_kind kind, const char *course_id, const char *id, const char *parent,
		       int read);
/* The path a new object of `kind` is POSTed to, or NULL when Canvas cannot create one there (a
 * course). Malloced. */
char *exec_create_path(enum resource_kind kind, const char *course_id, const char *parent);

/* The JSON body of a PUT or POST of `fields` ({plan field: value}, values as they will be sent):
 * {"wrapper": {param: value, ...}}, or the parameters at the top level for discussion topics and
 * announcements (API.md 8.1, 9). Fields without a parameter are left out (the caller fails them
 * first). Malloced (cJSON_Delete). */
cJSON *exec_body(enum resource_kind kind, const cJSON *fields, int create);

/* The body of PUT .../discussion_topics/:id/date_details that writes `fields` ({plan field: value})
 * of override `id`: {"assignment_overrides": [...]} naming every override of the topic
 * (`overrides`, as Canvas holds them now) with its id, target and dates, those of `id` replaced by
 * `fields` (runner/exec_date_details.c). Malloced (cJSON_Delete). */
cJSON *exec_date_details_body(const cJSON *overrides, const char *id, const cJSON *fields);

/* Add one date change to a bulk_update body (`body`: a JSON array, API.md 5.3): the entry of
 * assignment `assignment_id` (made when missing) gets a base date entry (override_id NULL) holding
 * only the changed keys, or the override's entry. An override entry starts from every date the
 * override has now (`live_override`: its keys due_at/unlock_at/lock_at, present = overridden),
 * because an entry without a key un-overrides that date; then the changed key is set. */
void exec_bulk_add(cJSON *body, const char *assignment_id, const char *override_id, const cJSON *live_override,
		   const char *field, const cJSON *value);

/* 1 when `got` (a value read from Canvas; NULL = absent) shows `want` (the plan's value) for field
 * `field` of `kind`: absent and null are the same; dates compare as instants; HTML fields after
 * html_normalize (include/html_norm.h; origin: the Canvas base URL); numbers and id strings by their text
 * ("8401" = 8401); objects by want's keys only (Canvas adds keys such as "completed" to a
 * completion requirement); arrays element by element. */
int exec_value_matches(enum resource_kind kind, const char *field, const cJSON *want, const cJSON *got,
		       const char *origin);

/* Fields of a deleted object that a create cannot send back: ids, timestamps, Canvas's derived and
 * read-only fields (resource.h, API.md 12), a module's items (recreated one by one). Removes them
 * from obj in place. */
void exec_strip_for_create(enum resource_kind kind, cJSON *obj);

/* Creates whose answer was lost (exec_lost.c). exec_lost_window: how long to keep looking for the
 * object after a POST that was outstanding for outstanding_s got no answer (1.5 x that + 1 s);
 * exec_lost_delay: the pause before look number `looks` (0: none; then 0.25 s doubling to 4 s);
 * exec_now: a monotonic clock in seconds. */
double exec_lost_window(double outstanding_s);
double exec_lost_delay(int looks);
double exec_now(void);
/* 1 when live object o is the object a create of `kind` with fields `after` makes: the same name
 * (a calendar event: and start_at); a module item: the same type and content (content_id, page_url,
 * or external_url and title), or title for a header. */
int exec_create_matches(enum resource_kind kind, const cJSON *after, const cJSON *o);

#endif

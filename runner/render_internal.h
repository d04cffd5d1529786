/* runner/render_internal.h -- what render_text.c, render_html.c, render_markdown.c and
 * render_conflicts.c share and nothing else sees:
 *   - the plan walker (render_walk.c): the plan grouped by course and object, in plan order, handed
 *     to a format's callbacks;
 *   - values as a person reads them, the local/UTC date block among them (render_value.c);
 *   - what a renderer asks about a Canvas kind (render_kind.c), so no renderer names a kind;
 *   - the text plan's course line and object name, which the conflict report reuses (render_text.c).
 */
#ifndef COURSECTL_RENDER_INTERNAL_H
#define COURSECTL_RENDER_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "plan.h"

/* ---------------------------------------------------------------- the walker (render_walk.c) */

/* One course of the plan: its changes and skips, as indices into p->changes / p->skipped, in plan
 * order. Courses come in p->courses order, then courses the plan names but does not describe
 * (a hand-edited plan file), in order of first appearance. */
struct render_group {
	const char *course_id;
	const struct plan_course *course;   /* NULL when p->courses does not have it */
	size_t *changes, nchanges;          /* borrowed from render_groups.store */
	size_t *skips, nskips;
	size_t nobjects;                    /* object blocks among the changes */
};

struct render_groups {
	struct render_group *v;
	size_t n;
	size_t *store;
};

/* Groups p (one pass, O(n)); release with render_groups_release. The whole plan: every course,
 * change and skip (its changes all resident). */
void render_groups_init(struct render_groups *g, const struct plan *p);
/* The same for the window of courses [lo, hi) of a plan walked window by window ("Windows",
 * include/plan.h): those courses, the resident changes (the window's own) and the skips of those
 * courses; the last window (hi == p->ncourses) also those of courses p->courses does not describe.
 * [0, p->ncourses) is render_groups_init. */
void render_groups_window(struct render_groups *g, const struct plan *p, size_t lo, size_t hi);
/* render_groups_window with `orphans` 0: only the courses [lo, hi) and their skips, never the skips
 * of courses p->courses does not describe, even when hi == p->ncourses or lo == 0 (render_pre_window:
 * a window rendered while the plan is still being made, when the last course is not known yet);
 * with 1 it is render_groups_window. */
void render_groups_range(struct render_groups *g, const struct plan *p, size_t lo, size_t hi, int orphans);
void render_groups_release(struct render_groups *g);

/* One object of a course: a run of consecutive changes with the same kind and id, as the plan
 * orders them. */
struct render_object {
	const struct render_group *g;
	size_t i, end;                      /* its changes: g->changes[i .. end) */
	const struct plan_change *first;    /* names the object (kind, id, name, parent) */
	const struct plan_change *whole;    /* the change that is the whole object: its (last) create,
					     * else its first delete, else NULL */
	enum plan_op op;                    /* the object's op: create, else delete, else move, else update */
	char marker;                        /* '+' create, '-' delete, '~' update or move */
	const char *step;                   /* the one step that made each of its changes, or NULL */
	const char *zone;                   /* render_zone(g) */
};

/* What a callback returns: go on; leave the rest of this course (from course_start: the course
 * is not walked, course_end is not called; from object_end or skip: its remaining objects and
 * skips are not walked, course_end is called); stop the walk (render_walk returns it). */
enum { RENDER_WALK_ON = 0, RENDER_WALK_NEXT = 1, RENDER_WALK_STOP = -1 };

/* A format's callbacks; any may be NULL. Per course: course_start; per object: object_start,
 * change for each of its changes, object_end; then skip for each skipped entry (k counts from 0);
 * course_end. */
struct render_walk {
	int (*course_start)(void *ctx, const struct render_group *g);
	void (*object_start)(void *ctx, const struct render_object *o);
	void (*change)(void *ctx, const struct render_object *o, const struct plan_change *c);
	int (*object_end)(void *ctx, const struct render_object *o);
	int (*skip)(void *ctx, const struct render_group *g, const struct plan_skip *s, size_t k);
	void (*course_end)(void *ctx, const struct render_group *g);
};

/* Walks the groups of p (render_groups_init) in order. RENDER_WALK_STOP when a callback stopped
 * it, else RENDER_WALK_ON. */
int render_walk(const struct plan *p, const struct render_groups *gs, const struct render_walk *w, void *ctx);

/* ---------------------------------------------------------------- kinds (render_kind.c) */

/* "page", "module item"; "object" for a kind out of range (a damaged plan file). */
const char *render_kind_name(enum resource_kind kind);
/* The kind's plan-file name ("discussion_topic", a CSS class suffix), or "object". */
const char *render_kind_class(enum resource_kind kind);
/* 1 for a kind of the table; kinds are 0, 1, ... up to the first that is not. */
int render_kind_known(int kind);
/* The kind of a change's `parent`: "module" for module items, "assignment" for overrides, else NULL. */
const char *render_parent_kind(enum resource_kind kind);
/* render_parent_kind, for a change whose parent is *parent: a child held by its row's alt_parent
 * (a page's date override, parent "page_id:N") is "in page N" (*parent moved past the prefix). */
const char *render_parent(enum resource_kind kind, const char **parent);
/* The field of a created object that names its parent ("module_id"), or NULL. */
const char *render_parent_field(enum resource_kind kind);
int render_is_date_field(enum resource_kind kind, const char *field);
int render_is_html_field(enum resource_kind kind, const char *field);
/* The kind a change shows as (plan_change.shows_as: a New Quiz's assignment as a quiz), else its
 * own; and what such a change is called ("New Quiz"), NULL when it shows as its own kind. */
enum resource_kind render_shown_kind(const struct plan_change *c);
const char *render_shown_label(const struct plan_change *c);

/* ---------------------------------------------------------------- values (render_value.c) */

/* 1 when an update is shown as a token diff: both sides strings (or null), and an HTML field, or
 * text longer than RENDER_LONG_TEXT bytes or with a line break. */
int render_wants_diff(const struct plan_change *c);
#define RENDER_LONG_TEXT 60

/* The course's zone for showing dates, or NULL (dates in UTC). */
const char *render_zone(const struct render_group *g);

/* Appends v as a person reads it, NOT yet neutralised or escaped: strings quoted; a date field's
 * string as "Fri 2025-10-17 23:59:59 EDT (2025-10-18T03:59:59Z)" in `zone` (UTC only without a
 * zone, the string itself when it is no date); other JSON compact. With cap > 0, a string or JSON
 * text longer than cap bytes is cut (on a UTF-8 boundary) and ends in "…". */
void render_value(struct buf *out, enum resource_kind kind, const char *field, const cJSON *v, const char *zone,
		  size_t cap);
/* The same for a value of no field: never a date. */
void render_plain_value(struct buf *out, const cJSON *v, size_t cap);
/* One field of a created object, NOT yet neutralised: HTML fields as "(1234 bytes)", the rest as
 * render_value with `cap`. */
void render_create_value(struct buf *out, enum resource_kind kind, const char *field, const cJSON *v,
			 const char *zone, size_t cap);
/* 1 when a created object's field only repeats the object line (its id, or its parent's). */
int render_create_field_hidden(const struct plan_change *c, const cJSON *item);

/* The change's steps joined by ", ", NOT yet neutralised. */
void render_steps(struct buf *out, const struct plan_change *c);

/* The date block: a date string s as its UTC instant (utc) and, when zone is known, its local
 * time with weekday and zone abbreviation (loc; "" without). -1 when s is no date. */
int render_date_split(const char *s, const char *zone, char loc[48], char utc[32]);
/* A date value as local time in `zone` and UTC, or "null" for both. 0, or -1 when v is neither
 * null nor a date this zone can show. */
int render_date_parts(const cJSON *v, const char *zone, char loc[48], char utc[32]);
/* An update of a date field from a date (or null) to a date (or null), both shown in the course's
 * zone: its two local times and two UTC instants. 0, or -1 when it is not one (no zone, another
 * field, a value that is no date). */
struct render_date_update {
	char before_loc[48], after_loc[48], before_utc[32], after_utc[32];
};
int render_date_update(const struct plan_change *c, const char *zone, struct render_date_update *d);

/* ---------------------------------------------------------------- text pieces (render_text.c) */

/* The text plan's course line ("Course 4821  PHYS 101 -- Physics I   America/New_York") and
 * object name (`assignment 7101 "Lab 1" (in module 9)`), neutralised, without colour; a value on
 * one line, neutralised, a line break shown as \n. */
void render_course_line(struct buf *out, const struct render_group *g);
void render_object_name(struct buf *out, const struct plan_change *c);
void render_put_inline(struct buf *out, const char *s, size_t len);

#endif

/* runner/render_internal.h -- what render_text.c, render_html.c, render_markdown.c and
 * render_conflicts.c share and nothing else sees:
 * the grouping of a plan by course and object, and values as a person reads them (implemented in
 * render_text.c). */
#ifndef COURSECTL_RENDER_INTERNAL_H
#define COURSECTL_RENDER_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "plan.h"

/* One course of the plan: its changes and skips, as indices into p->changes / p->skipped, in plan
 * order. Courses come in p->courses order, then courses the plan names but does not describe
 * (a hand-edited plan file), in order of first appearance. */
struct render_group {
	const char *course_id;
	const struct plan_course *course;   /* NULL when p->courses does not have it */
	size_t *changes, nchanges;          /* borrowed from render_groups.store */
	size_t *skips, nskips;
};

struct render_groups {
	struct render_group *v;
	size_t n;
	size_t *store;
};

/* Groups p (sorting, O(n log n)); release with render_groups_release. */
void render_groups_init(struct render_groups *g, const struct plan *p);
void render_groups_release(struct render_groups *g);

/* The object block starting at g->changes[i]: consecutive changes with the same kind and id.
 * Returns the position just past it. */
size_t render_block_end(const struct plan *p, const struct render_group *g, size_t i);
/* The step that made every change of the block [i, end), when each change has that one step only;
 * else NULL. */
const char *render_block_step(const struct plan *p, const struct render_group *g, size_t i, size_t end);

/* "page", "module item"; "object" for a kind out of range (a damaged plan file). */
const char *render_kind_name(enum resource_kind kind);
/* The kind of a change's `parent`: "module" for module items, "assignment" for overrides, else NULL. */
const char *render_parent_kind(enum resource_kind kind);
/* render_parent_kind, for a change whose parent is *parent: a page's date override names its page
 * "page_id:N" (runner/page_dates.c), shown as page N (*parent moved past "page_id:"). */
const char *render_parent(enum resource_kind kind, const char **parent);
int render_is_date_field(enum resource_kind kind, const char *field);
int render_is_html_field(enum resource_kind kind, const char *field);
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
/* One field of a created object, NOT yet neutralised: HTML fields as "(1234 bytes)", the rest as
 * render_value with `cap`. */
void render_create_value(struct buf *out, enum resource_kind kind, const char *field, const cJSON *v,
			 const char *zone, size_t cap);
/* 1 when a created object's field only repeats the object line (its id, or the parent for
 * module_id / assignment_id). */
int render_create_field_hidden(const struct plan_change *c, const cJSON *item);

/* The change's steps joined by ", ", NOT yet neutralised. */
void render_steps(struct buf *out, const struct plan_change *c);
/* A date value as local time in `zone` (loc, with weekday and zone abbreviation) and UTC (utc), or
 * "null" for both. 0, or -1 when v is neither null nor a date this zone can show. */
int render_date_parts(const cJSON *v, const char *zone, char loc[48], char utc[32]);

/* The text plan's course line ("Course 4821  PHYS 101 -- Physics I   America/New_York") and
 * object name (`assignment 7101 "Lab 1" (in module 9)`), neutralised, without colour; a value on
 * one line, neutralised, a line break shown as \n. */
void render_course_line(struct buf *out, const struct render_group *g);
void render_object_name(struct buf *out, const struct plan_change *c);
void render_put_inline(struct buf *out, const char *s, size_t len);

#endif

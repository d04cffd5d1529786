/* include/render.h -- plans as text for people, as a self-contained HTML page and as a pull-request
 * comment in Markdown; no network, no Canvas.
 *
 *   struct render_opts o = RENDER_OPTS_INIT;  o.color = isatty(1) && !getenv("NO_COLOR");
 *   render_text(plan, &out, &o);              appends to a struct buf
 *   render_html(plan, &out, NULL);          or a FILE * to write it to as it grows
 *   render_markdown(plan, &out, 0);           a pull-request comment within 60,000 bytes
 *
 * Text layout (grouped course -> object -> field; the step in brackets on the object line when one
 * step made all of the object's changes, else on each field line):
 *
 *   Course 4821  PHYS 101 -- Physics I (Mon/Wed)   America/New_York
 *
 *     ~ page 73 "Syllabus policies"  [Update the syllabus policies page]
 *         body  2 matches
 *           …Policies for [-Fall 2025-]{+Spring 2026+}. Office hours:…
 *         published  false → true
 *     + module new:1 "Start Here"  [Structure]
 *         name "Start Here", position 1, published true
 *     - module 9 "Sandbox"  [Structure]
 *     ~ assignment 90211 "Lab 1"  [Rollover]
 *         due_at  Fri 2025-10-17 23:59:59 EDT → Fri 2026-03-06 23:59:59 EST
 *                 (UTC 2025-10-18T03:59:59Z → 2026-03-07T04:59:59Z)
 *
 *     skipped: page 12 "Home" published: the front page cannot be unpublished  [Tidy]
 *
 *   Plan: 5 changes to 4 objects in 1 course (1 skipped).
 *
 * A course with nothing to do says "no changes"; a plan with none ends "Plan: no changes.".
 * Values: strings quoted, other JSON as JSON; date fields (resource.h date_fields) also as local time
 * with weekday in the course's zone; HTML fields and long or multi-line text as a token diff
 * (textdiff.h). Every string from the server (names, titles, bodies, reasons) is neutralised: control
 * characters and escape sequences are shown as \xNN / \uNNNN, never sent raw to the terminal.
 */
#ifndef COURSECTL_RENDER_H
#define COURSECTL_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "plan.h"

struct render_pre;   /* below */

struct render_opts {
	int color;                /* ANSI colours (a terminal without NO_COLOR) */
	int context;              /* tokens of context around a text change; < 0: default */
	size_t max_diff_bytes;    /* per field; 0: default (about 4 KiB), beyond it "… (N more changes)" */
	FILE *stream;             /* render_text: when set, `out` is written to it and emptied as the text
				   * grows, so a plan of thousands of courses is never one text (issue 18) */
	struct render_pre *pre;   /* render_text: the courses' text as rendered while the plan was made
				   * (below); used when it covers every course with these options */
};

#define RENDER_OPTS_INIT { 0, -1, 0, NULL, NULL }

/* A spilled plan's text rendered window by window while each window is still in memory (issue 18).
 * A plan of more than one window keeps its changes in a temporary file ("Windows", include/plan.h),
 * and render_text read each window back from it: a JSON parse of every change, about 6% of a
 * 2,000-course plan's instructions, which a plan of one window never pays. A caller that will
 * print the text asks plan_recipe for it (plan_opts.text): plan_make calls render_pre_window for
 * each window just before it is spilled, the courses' text goes to an unlinked temporary file, and
 * render_text copies that file instead of walking the windows, then prints the warnings, the notify
 * line and the summary as always. The bytes are render_text's own: the same walk and callbacks over
 * the same changes (those of a window as plan_finish left them, before the spill), and a course's
 * text never depends on a later window. Anything short of every course (a window not rendered, a
 * write error, other options) and render_text walks the windows as before.
 * Rejected: rendering into memory (the text of 2,000 courses is about 8 MB: issue 18's flat memory);
 * printing to stdout as the plan is made (plan prints the plan file first, and a plan that fails
 * later must print nothing). */

/* A collector for render_text with options o (its color, context and max_diff_bytes; o->stream and
 * o->pre are not used). Ownership: the caller frees it with render_pre_free. */
struct render_pre *render_pre_new(const struct render_opts *o);
/* The courses [lo, hi) of p, resident ("Windows", include/plan.h), rendered onto the collected
 * text; lo must be where the last call ended (0 first). 0, or -1 (the collector then stays unused:
 * render_text walks the windows). */
int render_pre_window(struct render_pre *pre, const struct plan *p, size_t lo, size_t hi);
void render_pre_free(struct render_pre *pre);

/* The plan for a person (layout above). Walks a spilled plan window by window (include/plan.h);
 * returns 0, or -1 when a window cannot be read back or o->stream cannot be written. */
int render_text(const struct plan *p, struct buf *out, const struct render_opts *o);

/* The plan as one HTML document with no external resources (inline CSS, no script): a summary (with
 * "N items land on a weekend, M in a blackout" when there are dated items), then per course a
 * calendar of the new dates (month grids, each item on its new local day, weekends and the plan's
 * blackouts shaded), a table of every change (object, field, before, after, steps) and the
 * skipped list. Every string is HTML-escaped. Converts dates with dates.h (TZ is left set).
 * Walks a spilled plan window by window (include/plan.h), twice: the header counts every course's
 * calendar. With `stream`, `out` is written to it and emptied as the page grows (the page of a
 * 2,000-course plan is 67 MB). Returns 0, or -1 when a window cannot be read back or the stream
 * cannot be written. */
int render_html(const struct plan *p, struct buf *out, FILE *stream);

/* The plan as a pull-request comment (GitHub and GitLab flavoured Markdown): a title, the summary
 * line, a table with one row per course (changes, objects, creates / updates / deletes / moves,
 * skipped), then per course a collapsed <details> block with the changes grouped by object (dates
 * in the course's zone, scalars inline, HTML and long text as ```diff blocks) and the skipped
 * entries. Every string is neutralised and escaped for Markdown and HTML. The comment stays within
 * `budget` bytes (0: RENDER_MARKDOWN_BUDGET; GitHub's limit is 65,536 characters) whatever the
 * number of courses: diff blocks are shortened first, then the details that do not fit are left
 * out with a line saying how many changes that is; a table with more rows than fit keeps those
 * with deletes, then skipped entries, then the first in recipe order, and totals the rest in its
 * last row. Only the title, summary, recipe and warnings are always whole (a budget smaller than
 * they are, with the table's head and last row, is passed). Never ends inside a fence, a <details>
 * or a UTF-8 sequence. Walks a spilled plan window by window (include/plan.h), twice; returns 0,
 * or -1 when a window cannot be read back. Converts dates with dates.h (TZ is left set). */
#define RENDER_MARKDOWN_BUDGET 60000
int render_markdown(const struct plan *p, struct buf *out, size_t budget);

/* The one-line summary "Plan: N changes to M objects in K courses" (+ " (S skipped)"), no newline. */
void render_summary_line(const struct plan *p, struct buf *out);

/* What students will notice (runner/plan_notify.c): "Canvas will send students N \"Assignment Due
 * Date Changed\" notifications ..." with course copy's advice, no newline; nothing when the plan
 * sends none. Returns the count. */
size_t render_notify_line(const struct plan *p, struct buf *out);

/* Apply's report of the changes it did not write because Canvas changed since the plan
 * (runner/render_conflicts.c): grouped per course and object, each conflicting field with what the
 * plan found before, what Canvas has now and what the plan would write, values as render_text
 * shows them (dates in the course's zone). At most max_objects objects (0: all); counts says what
 * the report holds and how much it left out. */
enum render_conflict_why {
	RENDER_CONFLICT_CHANGED,  /* the field (or the object to delete) changed in Canvas */
	RENDER_CONFLICT_WITH,     /* unchanged, held back with its object's conflict */
	RENDER_CONFLICT_GONE      /* the object is no longer in Canvas */
};
struct render_conflict {
	size_t change;            /* the change's plan-wide index (p->first + its place among the resident
				   * changes of a spilled plan: include/plan.h "Windows") */
	enum render_conflict_why why;
	const cJSON *live;        /* CHANGED: what Canvas has now (NULL: null or absent) */
};
struct render_conflict_counts {
	size_t fields, objects;   /* CHANGED changes, and the objects that hold them (what --force writes over) */
	size_t gone;              /* objects no longer in Canvas */
	size_t objects_left_out;  /* objects past max_objects */
};
void render_conflicts(const struct plan *p, const struct render_conflict *v, size_t n, size_t max_objects,
		      struct buf *out, struct render_conflict_counts *counts);

/* Append s (len bytes, from the server) with control characters, escape sequences and invalid
 * UTF-8 neutralised (textdiff.h's rules). */
void render_put_safe(struct buf *out, const char *s, size_t len);

#endif

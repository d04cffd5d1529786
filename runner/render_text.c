/* runner/render_text.c -- a plan as text for a person (include/render.h), plus the course line and
 * object name that render_conflicts.c reuses (runner/render_internal.h).
 *
 * Layout (render.h has the picture): a course line, then one block per object -- a marker line
 * (`~` update or move, `+` create, `-` delete; kind, id, quoted name, the parent for module items
 * and overrides) and one line per changed field, indented -- then the course's skipped entries,
 * and after all courses the summary line. Indents are 0 / 2 / 6 / 8 columns: course, object,
 * field, diff text. A course with nothing to do still gets its line and "no changes", so a reader
 * sees that it was looked at.
 *
 * Values (render_value.c, the same in every format): strings quoted, other JSON compact; date
 * fields of the kind as the local time with weekday and zone abbreviation in the course's zone,
 * then the UTC instant in parentheses; UTC only when the course has no zone; a string that is no
 * date as the string. HTML fields, and text over 60 bytes
 * or with a line break, are a token diff (textdiff.h) under the field line: one-line HTML bodies
 * are the common case and a line diff would show the whole body twice. An update line wider than
 * WRAP columns (two dates in a zone, typically) puts before and after on two lines of their own,
 * aligned, so the two dates can be compared digit by digit. Created objects list their fields on
 * wrapped lines, HTML bodies as their size there and then in full under the list (up to the diff
 * cap, with how much was cut: the body is what `apply` asks about); deleted objects are their
 * line only. The summary says "Plan: no changes." rather than "0 changes to 0 objects in 0 courses".
 *
 * Steps: when every change of an object was made by the same single step, the object line ends in
 * `[step]`; otherwise each field line carries its own steps (so a field two steps changed always
 * shows `[first, second]` on its own line). Notes ("2 matches") follow the field name, or the
 * object line for creates and deletes.
 *
 * Safety: everything that came from the server or the recipe (names, values, bodies, notes,
 * reasons, step names) goes through textdiff's neutralisation (C0/C1 controls, DEL, bidi
 * overrides, invalid UTF-8 shown as escapes); inline values also show a line break as `\n` so a
 * value cannot break the layout. With colour off the output holds no ESC byte at all.
 *
 * Grouping: the plan walker (render_walk.c) finds the courses and objects and calls this file's
 * callbacks (text_course, text_object, text_change, text_skip); what is here is the layout only.
 *
 * A spilled plan (include/plan.h "Windows") is walked window by window, each read back from the
 * spill file -- unless `plan` or `apply RECIPE` had plan_make render each window just before it was
 * spilled (render_pre_window, include/render.h: the same walk and callbacks over the same changes,
 * into a temporary file), in which case that text is copied and only the tail (skips of courses no
 * window has, warnings, notify line, summary) is rendered here (issue 18: a 2,000-course plan's
 * instructions grew 10.4x for 10x the courses, the text's read-back being the excess).
 *
 * Rejected: printing whole before/after bodies (a 100 KB page twice for one word); a column layout
 * (names and dates have no useful fixed width); colouring the whole object line by op (harder to
 * read than a coloured marker).
 */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "textdiff.h"
#include "xalloc.h"

#define BOLD   "\x1b[1m"
#define DIM    "\x1b[2m"
#define RED    "\x1b[31m"
#define GREEN  "\x1b[32m"
#define YELLOW "\x1b[33m"
#define RESET  "\x1b[m"

#define ARROW    "\xe2\x86\x92"   /* → */
#define ELLIPSIS "\xe2\x80\xa6"   /* … */

#define DEFAULT_MAX_DIFF 4096   /* bytes of diff per field */
#define SCALAR_CAP 400          /* an array or object on an update line */
#define CREATE_CAP 100          /* a value in a created object's field list */
#define WRAP 100                /* columns for a created object's field list */

/* ---------------------------------------------------------------- text */

void render_put_safe(struct buf *out, const char *s, size_t len)
{
	textdiff_put_escaped(out, s, len);
}

struct tctx {
	struct buf *out;
	int color;
	struct textdiff_style st;
	struct buf tmp, tmp2, raw;    /* scratch, reused for every value */
	size_t courses;               /* course lines written */
};

/* Neutralised, with a line break shown as "\n" (a value on one line). */
static void put_inline(struct buf *out, const char *s, size_t len)
{
	const char *nl;

	while ((nl = memchr(s, '\n', len)) != NULL) {
		textdiff_put_escaped(out, s, (size_t)(nl - s));
		buf_puts(out, "\\n");
		len -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
	if (len)
		textdiff_put_escaped(out, s, len);
}

static void put_str(struct buf *out, const char *s)
{
	if (s)
		put_inline(out, s, strlen(s));
}

static void on(struct tctx *t, const char *code)
{
	if (t->color)
		buf_puts(t->out, code);
}

static void off(struct tctx *t)
{
	if (t->color)
		buf_puts(t->out, RESET);
}

/* "  note" dim, when there is one */
static void put_note(struct tctx *t, const char *note)
{
	if (!note || !*note)
		return;
	buf_puts(t->out, "  ");
	on(t, DIM);
	put_str(t->out, note);
	off(t);
}

static void put_steps(struct tctx *t, const struct plan_change *c)
{
	if (!c->nsteps)
		return;
	buf_reset(&t->tmp);
	render_steps(&t->tmp, c);
	buf_puts(t->out, "  ");
	on(t, DIM);
	buf_putc(t->out, '[');
	put_inline(t->out, buf_str(&t->tmp), t->tmp.len);
	buf_putc(t->out, ']');
	off(t);
}

static void put_course_line(struct tctx *t, const struct render_group *g)
{
	const struct plan_course *pc = g->course;
	const char *zone = render_zone(g);

	on(t, BOLD);
	buf_puts(t->out, "Course ");
	put_str(t->out, g->course_id);
	if (pc && ((pc->course_code && *pc->course_code) || (pc->name && *pc->name))) {
		buf_puts(t->out, "  ");
		if (pc->course_code && *pc->course_code) {
			put_str(t->out, pc->course_code);
			if (pc->name && *pc->name)
				buf_puts(t->out, " -- ");
		}
		put_str(t->out, pc->name);
	}
	off(t);
	buf_puts(t->out, "   ");
	if (zone) {
		put_str(t->out, zone);
	} else {
		on(t, DIM);
		buf_puts(t->out, "(no time zone: dates in UTC)");
		off(t);
	}
	buf_putc(t->out, '\n');
}

/* `kind id "name"` (plus the parent), neutralised */
static void put_object_name(struct buf *out, enum resource_kind kind, const char *id, const char *name,
			    const char *parent)
{
	const char *pk = render_parent(kind, &parent);

	buf_puts(out, render_kind_name(kind));
	buf_putc(out, ' ');
	put_str(out, id);
	if (name && *name) {
		buf_puts(out, " \"");
		put_str(out, name);
		buf_putc(out, '"');
	}
	if (pk && parent && *parent) {
		buf_printf(out, " (in %s ", pk);
		put_str(out, parent);
		buf_putc(out, ')');
	}
}

static void put_object_line(struct tctx *t, const struct plan_change *first, const struct plan_change *whole,
			    char marker, const char *shared_step)
{
	buf_puts(t->out, "  ");
	on(t, marker == '+' ? GREEN : marker == '-' ? RED : YELLOW);
	buf_putc(t->out, marker);
	off(t);
	buf_putc(t->out, ' ');
	on(t, BOLD);
	put_object_name(t->out, first->kind, first->id, first->name, first->parent);
	off(t);
	if (whole)
		put_note(t, whole->note);
	if (shared_step) {
		buf_puts(t->out, "  ");
		on(t, DIM);
		buf_putc(t->out, '[');
		put_str(t->out, shared_step);
		buf_putc(t->out, ']');
		off(t);
	} else if (whole) {
		put_steps(t, whole);
	}
	buf_putc(t->out, '\n');
}

/* Appends src with `indent` spaces before each line; ends with a newline. */
static void put_indented(struct buf *out, const char *src, size_t len, const char *indent)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(src + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - src) : len;

		buf_puts(out, indent);
		buf_add(out, src + i, end - i);
		buf_putc(out, '\n');
		i = end + 1;
	}
}

/* The token diff of an update under its field line (which the caller has started). 0 when shown,
 * -1 when the texts are equal (null against "": the caller shows the scalars). */
static int put_diff(struct tctx *t, const struct plan_change *c)
{
	const char *a = cJSON_IsString(c->before) ? c->before->valuestring : "";
	const char *b = cJSON_IsString(c->after) ? c->after->valuestring : "";
	struct textdiff *d;

	if (textdiff(&d, a, strlen(a), b, strlen(b)) == 0) {
		textdiff_free(d);
		return -1;
	}
	if (cJSON_IsNull(c->before))
		put_note(t, "(was null)");
	else if (cJSON_IsNull(c->after))
		put_note(t, "(becomes null)");
	buf_putc(t->out, '\n');
	buf_reset(&t->tmp);
	textdiff_render(d, &t->tmp, &t->st);
	put_indented(t->out, buf_str(&t->tmp), t->tmp.len, "        ");
	textdiff_free(d);
	return 0;
}

/* v as shown on an update line, neutralised, into dst (t->raw is the scratch). */
static void format_scalar(struct tctx *t, const struct plan_change *c, const cJSON *v, const char *zone,
			  struct buf *dst)
{
	buf_reset(&t->raw);
	render_value(&t->raw, c->kind, c->field, v, zone, SCALAR_CAP);
	buf_reset(dst);
	put_inline(dst, buf_str(&t->raw), t->raw.len);
}

/* Terminal columns of s[0..n), roughly: UTF-8 characters, our colour sequences left out. */
static size_t width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\x1b') {
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	}
	return w;
}

static void put_colored(struct tctx *t, const struct buf *b, const char *color)
{
	on(t, color);
	buf_add(t->out, buf_str(b), b->len);
	off(t);
}

/* A date change reads in the course's local time, with the UTC instants under it:
 *       due_at  Fri 2025-10-17 23:59:59 EDT → Fri 2026-03-06 23:59:59 EST
 *               (UTC 2025-10-18T03:59:59Z → 2026-03-07T04:59:59Z)
 * 0 when shown, -1 when the values are not two dates (or null) in a known zone. */
static int put_date_update(struct tctx *t, const struct plan_change *c, const char *zone)
{
	struct render_date_update d;

	if (render_date_update(c, zone, &d))
		return -1;
	buf_puts(t->out, "  ");
	on(t, RED);
	buf_puts(t->out, d.before_loc);
	off(t);
	buf_puts(t->out, " " ARROW " ");
	on(t, GREEN);
	buf_puts(t->out, d.after_loc);
	off(t);
	buf_puts(t->out, "\n              ");
	on(t, DIM);
	buf_printf(t->out, "(UTC %s " ARROW " %s)", d.before_utc, d.after_utc);
	off(t);
	buf_putc(t->out, '\n');
	return 0;
}

/* `field  note  [steps]  before → after`; when that is wider than WRAP, before and after go on two
 * lines of their own, aligned. Dates: put_date_update. */
static void put_update(struct tctx *t, const struct plan_change *c, const char *zone, int show_steps)
{
	size_t line = t->out->len, w;

	buf_puts(t->out, "      ");
	put_str(t->out, c->field ? c->field : "(object)");
	put_note(t, c->note);
	if (show_steps)
		put_steps(t, c);
	if (render_wants_diff(c) && put_diff(t, c) == 0)
		return;
	if (put_date_update(t, c, zone) == 0)
		return;
	format_scalar(t, c, c->before, zone, &t->tmp);
	format_scalar(t, c, c->after, zone, &t->tmp2);
	w = width(t->out->ptr + line, t->out->len - line) + 2 + width(buf_str(&t->tmp), t->tmp.len) + 3 +
	    width(buf_str(&t->tmp2), t->tmp2.len);
	if (w <= WRAP) {
		buf_puts(t->out, "  ");
		put_colored(t, &t->tmp, RED);
		buf_puts(t->out, " " ARROW " ");
		put_colored(t, &t->tmp2, GREEN);
	} else {
		buf_puts(t->out, "\n          ");
		put_colored(t, &t->tmp, RED);
		buf_puts(t->out, "\n        " ARROW " ");
		put_colored(t, &t->tmp2, GREEN);
	}
	buf_putc(t->out, '\n');
}

/* A created object's fields, `key value, key value`, wrapped at WRAP columns (counted in bytes: a
 * guide, not a promise, for non-ASCII text). */
static void put_create_fields(struct tctx *t, const struct plan_change *c, const char *zone)
{
	const cJSON *item;
	size_t col = 0;

	if (!cJSON_IsObject(c->after)) {
		if (cJSON_IsNull(c->after))
			return;
		format_scalar(t, c, c->after, zone, &t->tmp);
		buf_puts(t->out, "      ");
		put_colored(t, &t->tmp, GREEN);
		buf_putc(t->out, '\n');
		return;
	}
	cJSON_ArrayForEach(item, c->after) {
		size_t len;

		if (render_create_field_hidden(c, item))
			continue;
		buf_reset(&t->tmp);
		put_str(&t->tmp, item->string);
		buf_reset(&t->raw);
		render_create_value(&t->raw, c->kind, item->string, item, zone, CREATE_CAP);
		buf_reset(&t->tmp2);
		put_inline(&t->tmp2, buf_str(&t->raw), t->raw.len);
		len = t->tmp.len + 1 + t->tmp2.len;
		if (col == 0) {
			buf_puts(t->out, "      ");
			col = 6;
		} else if (col + 2 + len > WRAP) {
			buf_puts(t->out, ",\n      ");
			col = 6;
		} else {
			buf_puts(t->out, ", ");
			col += 2;
		}
		buf_add(t->out, buf_str(&t->tmp), t->tmp.len);
		buf_putc(t->out, ' ');
		on(t, GREEN);
		buf_add(t->out, buf_str(&t->tmp2), t->tmp2.len);
		off(t);
		col += len;
	}
	if (col)
		buf_putc(t->out, '\n');
}

/* A created object's HTML fields (a page's body, rendered Markdown included: the plan holds the HTML
 * that will be sent), under its field list, so that what `apply` asks about is what it writes. Up
 * to the diff cap (max_diff_bytes, cut on a UTF-8 boundary, at a line end when one is near), then
 * how much was cut; each line of
 * the text neutralised and indented like a diff. */
static void put_create_html(struct tctx *t, const struct plan_change *c)
{
	const cJSON *item;

	if (!cJSON_IsObject(c->after))
		return;
	cJSON_ArrayForEach(item, c->after) {
		const char *s;
		size_t n, cut, i = 0;

		if (!cJSON_IsString(item) || !render_is_html_field(c->kind, item->string) || !*item->valuestring)
			continue;
		s = item->valuestring;
		n = strlen(s);
		cut = n;
		if (n > t->st.max_bytes) {
			size_t back;

			cut = t->st.max_bytes;
			while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
				cut--;
			/* at the end of a line when one ends near the cap: no half tag on the last line */
			for (back = cut; back > 0 && cut - back < 256; back--)
				if (s[back - 1] == '\n') {
					cut = back;
					break;
				}
		}
		buf_puts(t->out, "      ");
		put_str(t->out, item->string);
		buf_puts(t->out, ":\n");
		while (i < cut) {
			const char *nl = memchr(s + i, '\n', cut - i);
			size_t end = nl ? (size_t)(nl - s) : cut;

			buf_reset(&t->tmp);
			textdiff_put_escaped(&t->tmp, s + i, end - i);
			buf_puts(t->out, "        ");
			put_colored(t, &t->tmp, GREEN);
			buf_putc(t->out, '\n');
			i = end + 1;
		}
		if (cut < n) {
			buf_puts(t->out, "        ");
			on(t, DIM);
			buf_printf(t->out, ELLIPSIS " (%zu more bytes not shown; the saved plan, plan --out FILE, has "
				   "them all)", n - cut);
			off(t);
			buf_putc(t->out, '\n');
		}
	}
}

/* ---------------------------------------------------------------- the walk's callbacks */

static int text_course(void *ctx, const struct render_group *g)
{
	struct tctx *t = ctx;

	if (t->courses++)
		buf_putc(t->out, '\n');
	put_course_line(t, g);
	if (!g->nchanges && !g->nskips) {
		on(t, DIM);
		buf_puts(t->out, "  no changes");
		off(t);
		buf_putc(t->out, '\n');
		return RENDER_WALK_NEXT;
	}
	if (g->nchanges)
		buf_putc(t->out, '\n');
	return RENDER_WALK_ON;
}

static void text_object(void *ctx, const struct render_object *o)
{
	put_object_line(ctx, o->first, o->whole, o->marker, o->step);
}

/* A create lists its fields; every other change but the object's own delete is a field line (a
 * second delete of one object, in a damaged plan, shows too). */
static void text_change(void *ctx, const struct render_object *o, const struct plan_change *c)
{
	struct tctx *t = ctx;

	if (c->op == PLAN_CREATE) {
		put_create_fields(t, c, o->zone);
		put_create_html(t, c);
	} else if (c != o->whole) {
		put_update(t, c, o->zone, o->step == NULL);
	}
}

static int text_skip(void *ctx, const struct render_group *g, const struct plan_skip *s, size_t k)
{
	struct tctx *t = ctx;

	(void)g;
	if (k == 0)
		buf_putc(t->out, '\n');
	buf_puts(t->out, "  ");
	on(t, YELLOW);
	buf_puts(t->out, "skipped:");
	off(t);
	buf_putc(t->out, ' ');
	put_object_name(t->out, s->kind, s->id, s->name, NULL);
	if (s->field && *s->field) {
		buf_putc(t->out, ' ');
		put_str(t->out, s->field);
	}
	buf_puts(t->out, ": ");
	put_str(t->out, s->reason);
	if (s->step && *s->step) {
		buf_puts(t->out, "  ");
		on(t, DIM);
		buf_putc(t->out, '[');
		put_str(t->out, s->step);
		buf_putc(t->out, ']');
		off(t);
	}
	buf_putc(t->out, '\n');
	return RENDER_WALK_ON;
}

size_t render_notify_line(const struct plan *p, struct buf *out)
{
	struct plan_summary s;

	plan_summarize(p, &s);
	if (!s.notifications)
		return 0;
	buf_printf(out, "notice: Canvas will send students %zu \"Assignment Due Date Changed\" notification%s: "
		   "%s the due date of a published assignment in a published course with students. To avoid "
		   "them, shift dates before students are enrolled, or while the course is unpublished (as "
		   "course copy advises).", s.notifications, s.notifications == 1 ? "" : "s",
		   s.notifications == 1 ? "this plan changes" : "each is a change to");
	return s.notifications;
}

void render_summary_line(const struct plan *p, struct buf *out)
{
	struct plan_summary s;

	plan_summarize(p, &s);
	if (!s.changes)
		buf_puts(out, "Plan: no changes");
	else
		buf_printf(out, "Plan: %zu change%s to %zu object%s in %zu course%s", s.changes,
			   s.changes == 1 ? "" : "s", s.objects, s.objects == 1 ? "" : "s", s.courses,
			   s.courses == 1 ? "" : "s");
	if (s.skipped && p->nwarnings)
		buf_printf(out, " (%zu skipped, %zu warning%s)", s.skipped, p->nwarnings, p->nwarnings == 1 ? "" : "s");
	else if (s.skipped)
		buf_printf(out, " (%zu skipped)", s.skipped);
	else if (p->nwarnings)
		buf_printf(out, " (%zu warning%s)", p->nwarnings, p->nwarnings == 1 ? "" : "s");
	if (p->nfailed) {   /* courses left out (plan_make): the plan is not the whole recipe */
		size_t i;

		buf_printf(out, "; %zu course%s failed:", p->nfailed, p->nfailed == 1 ? "" : "s");
		for (i = 0; i < p->nfailed; i++) {
			buf_puts(out, i ? ", " : " ");
			render_put_safe(out, p->failed[i].course, strlen(p->failed[i].course));
		}
	}
	buf_putc(out, '.');
}

/* Write what out holds to o->stream and empty it, once it holds enough (or `force`); 0, or -1 when
 * it cannot be written. */
static int drain(struct buf *out, const struct render_opts *o, int force)
{
	int rc = 0;

	if (!o->stream || (!force && out->len < 65536))
		return 0;
	if (out->len && fwrite(out->ptr, 1, out->len, o->stream) != out->len)
		rc = -1;
	buf_reset(out);
	return rc;
}

static const struct render_walk text_walk = { text_course, text_object, text_change, NULL, text_skip, NULL };

static void tctx_init(struct tctx *t, struct buf *out, const struct render_opts *o)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->color = o->color;
	t->st.color = o->color;
	t->st.context = o->context;
	t->st.max_bytes = o->max_diff_bytes ? o->max_diff_bytes : DEFAULT_MAX_DIFF;
}

static void tctx_release(struct tctx *t)
{
	buf_release(&t->tmp);
	buf_release(&t->tmp2);
	buf_release(&t->raw);
}

/* ---------------------------------------------------------------- windows rendered as made (render.h) */

struct render_pre {
	struct render_opts o;     /* color, context, max_diff_bytes */
	FILE *f;                  /* tmpfile(3): the text of courses [0, hi); NULL until the first window */
	size_t hi;                /* courses rendered */
	size_t groups;            /* the walk's groups so far */
	size_t courses;           /* course lines written (tctx.courses) */
	int failed;               /* a window could not be rendered or written: unused */
};

struct render_pre *render_pre_new(const struct render_opts *o)
{
	struct render_pre *pre = xcalloc(1, sizeof(*pre));

	pre->o = *o;
	pre->o.stream = NULL;
	pre->o.pre = NULL;
	return pre;
}

void render_pre_free(struct render_pre *pre)
{
	if (!pre)
		return;
	if (pre->f)
		fclose(pre->f);
	free(pre);
}

int render_pre_window(struct render_pre *pre, const struct plan *p, size_t lo, size_t hi)
{
	struct render_groups g;
	struct buf out = BUF_INIT;
	struct tctx t;

	if (pre->failed || lo != pre->hi || hi < lo || hi > p->ncourses || (!pre->f && !(pre->f = tmpfile()))) {
		pre->failed = 1;
		return -1;
	}
	tctx_init(&t, &out, &pre->o);
	t.courses = pre->courses;
	render_groups_range(&g, p, lo, hi, 0);   /* the skips of courses no window has are render_text's */
	render_walk(p, &g, &text_walk, &t);
	pre->groups += g.n;
	render_groups_release(&g);
	if (out.len && fwrite(out.ptr, 1, out.len, pre->f) != out.len)
		pre->failed = 1;
	pre->courses = t.courses;
	pre->hi = hi;
	buf_release(&out);
	tctx_release(&t);
	return pre->failed ? -1 : 0;
}

/* The collected text usable for p under options o: every course rendered, with the same options. */
static int pre_covers(const struct render_pre *pre, const struct plan *p, const struct render_opts *o)
{
	return pre && !pre->failed && pre->f && pre->hi == p->ncourses && p->ncourses &&
	       pre->o.color == o->color && pre->o.context == o->context &&
	       pre->o.max_diff_bytes == o->max_diff_bytes;
}

/* The collected text to out (drained to o->stream as it grows); 0 or -1. */
static int pre_copy(struct render_pre *pre, struct buf *out, const struct render_opts *o)
{
	char chunk[65536];
	size_t n;

	if (fflush(pre->f) || fseek(pre->f, 0, SEEK_SET))
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), pre->f)) > 0) {
		buf_add(out, chunk, n);
		if (drain(out, o, 0))
			return -1;
	}
	return ferror(pre->f) ? -1 : 0;
}

int render_text(const struct plan *p, struct buf *out, const struct render_opts *o)
{
	static const struct render_opts defaults = RENDER_OPTS_INIT;
	struct render_groups g;
	struct tctx t;
	struct err e = ERR_INIT;
	size_t i, w = plan_window_courses(p), lo = 0, hi, groups = 0;
	int rc = 0, walk = 1;     /* walk: the windows are still to walk (at least once: a plan of no courses) */

	if (!o)
		o = &defaults;
	tctx_init(&t, out, o);
	/* every course's text as plan_make rendered it (render_pre_window), for a spilled plan (nothing
	 * resident once its windows are put away); then only the skips of courses the plan does not
	 * describe, which the last window shows (render_groups_window) */
	if (pre_covers(o->pre, p, o) && !plan_window(p, p->ncourses, p->ncourses, &e) && !p->nchanges) {
		if (pre_copy(o->pre, out, o))
			rc = -1;
		groups = o->pre->groups;
		t.courses = o->pre->courses;
		if (!rc) {
			render_groups_window(&g, p, p->ncourses, p->ncourses);
			render_walk(p, &g, &text_walk, &t);
			groups += g.n;
			render_groups_release(&g);
			if (drain(out, o, 0))
				rc = -1;
		}
		walk = 0;
	}
	while (!rc && walk) {   /* window by window ("Windows", include/plan.h): one pass for a plan in memory */
		hi = lo + w < p->ncourses ? lo + w : p->ncourses;
		if (plan_window(p, lo, hi, &e)) {
			rc = -1;
			break;
		}
		render_groups_window(&g, p, lo, hi);
		render_walk(p, &g, &text_walk, &t);
		groups += g.n;
		render_groups_release(&g);
		if (drain(out, o, 0))
			rc = -1;
		lo = hi;
		walk = lo < p->ncourses;
	}
	if (groups)
		buf_putc(out, '\n');
	for (i = 0; i < p->nwarnings; i++) {   /* steps that selected nothing (issue 16) */
		on(&t, YELLOW);
		buf_puts(out, "warning:");
		off(&t);
		buf_putc(out, ' ');
		put_str(out, p->warnings[i].message);
		buf_putc(out, '\n');
	}
	if (p->nwarnings)
		buf_putc(out, '\n');
	if (render_notify_line(p, out))   /* what students will notice (plan_notify.c) */
		buf_puts(out, "\n\n");
	render_summary_line(p, out);
	buf_putc(out, '\n');
	if (drain(out, o, 1))
		rc = -1;
	tctx_release(&t);
	return rc;
}

/* ---------------------------------------------------------------- shared with render_conflicts.c */

void render_course_line(struct buf *out, const struct render_group *g)
{
	struct tctx t;

	memset(&t, 0, sizeof(t));
	t.out = out;
	put_course_line(&t, g);
}

void render_object_name(struct buf *out, const struct plan_change *c)
{
	put_object_name(out, c->kind, c->id, c->name, c->parent);
}

void render_put_inline(struct buf *out, const char *s, size_t len)
{
	put_inline(out, s, len);
}

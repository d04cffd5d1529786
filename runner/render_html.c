/* runner/render_html.c -- a plan as one self-contained HTML5 page (include/render.h, render_html).
 *
 * What it is for: the artifact a CI job attaches to a pull request, opened by someone who never
 * runs coursectl. So the page stands alone: inline CSS (light and dark), no script, no font, no
 * image, no link to anything -- it may be opened offline or from a mail attachment, and loads
 * nothing from anywhere.
 *
 * Layout: a header (recipe, description, Canvas, created; the summary line, the counts by op and,
 * when there are dated items, "N items move onto a weekend, M land in a blackout"), then one section per
 * course (the plan walker, render_walk.c, as for the text): its calendar when it has date
 * changes, then a table -- object, field, before, after, steps, note -- where an object's cell
 * spans its fields' rows, then the course's skipped entries. Values read as in the text (quoted
 * strings; dates in the course's zone, with the UTC instant on a line under them so a narrow column
 * never breaks a date). HTML fields and long text are a token diff (textdiff.h) drawn with
 * <del>/<ins> in one cell across before and after, with about CONTEXT bytes of unchanged text
 * around each change and "…" for the rest, then a <details> with both full texts when each is
 * under FULL_MAX and the page has embedded less than FULL_TOTAL of them (a plan over 20 MB of
 * bodies would otherwise make a 40 MB page: the JSON plan has them all).
 * Created objects list their fields; HTML fields as their size with the text in a <details>.
 *
 * The calendar (issue 6, "Showing it": an instructor sees at a glance that nothing lands in spring
 * break or on a Sunday). Every update of a date field (resource.h date_fields) whose new value is
 * a date is an item, placed on its NEW LOCAL day in the course's time_zone (UTC when it has none or
 * the zone is unknown): 23:59:59 EDT on a Friday is a Friday although it is Saturday in UTC. Month
 * grids, Monday first, cover every month from the first item's to the last's (only the months with
 * items beyond MAX_MONTHS). An item is a chip coloured by kind (legend above the grid) with the
 * object's name and the field ("due", "unlock"), and a hover title with the object, the old and
 * the new local time. The colour is the kind the change shows as (plan_change.shows_as): a New
 * Quiz's assignment and overrides are quizzes, a checkpointed discussion's assignment a discussion,
 * as Canvas shows them (runner/plan_shows.c). Weekends are tinted; blackout days (the plan's
 * `blackouts`, from shift_dates, those of every course plus the course's own) are striped; a day
 * holding an item newly on a weekend or in a blackout is outlined with a warning sign, and such
 * items are counted per course
 * and in the header. "Newly": the old date, in the same zone, was on a weekday (or there was none)
 * -- a lab due every Sunday that stays on Sundays is what the instructor chose, and counting it
 * made "17 items land on a weekend" a warning about nothing new. Rows carry data-week (their
 * Monday) and data-count, days data-day and data-count, so tests and scripts can read the page.
 * A course whose plan holds a term (a schedule step's calendar, plan_term) gets a line naming it and a
 * first column numbering the teaching weeks (data-term-week), empty for a break week: "week 9"
 * in a rule is then found at a glance.
 * Items are sorted once (O(n log n)); a day finds its items and its blackout by binary search, so a
 * 10,000-item plan costs no more per day than a small one.
 * An ungraded discussion's Assign To override (kind date_override, issue 15) is an item like an
 * assignment override: its unlock and lock dates, in a lighter green than its discussion's.
 * A day shows CHIPS_SHOWN chips and the rest in a <details> (no script needed). Date changes to
 * null are not placed; the calendar says how many there are.
 *
 * Windows (issue 18, "flat memory"; include/plan.h): the layout needs nothing across courses but
 * the header's counts of dated items, weekends and blackouts, and a course's calendar is its own
 * (its changes, the plan's blackouts and its term). So a first pass over the windows builds each
 * course's calendar for the counts only (a plan of one window keeps them for the page), and the
 * page is then rendered window by window and written to the caller's stream after each course.
 * The full texts' FULL_TOTAL is a running count, the same in either walk. Measured (2,000
 * generated courses, tests/bench/scale.sh's recipe, a 67 MB page): peak RSS 110 MB -> 26 MB, the
 * 200-course page 30.7 -> 23.9 MB; the second pass (the windows read back, the calendars built
 * again) costs 6% more instructions for the whole run (callgrind, 200 courses in windows of 20).
 * Rejected: keeping the whole plan for the page (memory that grows with the course count, for a
 * layout that has no cross-course part but three counts); the counts at the foot of the page
 * (the header is where a reader looks first).
 *
  * Escaping: every string is first neutralised by textdiff's rules (control characters, bidi
 * overrides and invalid UTF-8 as visible escapes -- a raw C0 byte is not valid HTML either), then
 * HTML-escaped: & < > " ' (so the same routine is safe in text and in attribute values). Nothing
 * from the plan is ever written unescaped.
 *
 * Rejected: embedding the JSON plan and rendering it with a script (a page that shows nothing
 * without JavaScript, and a second renderer to keep in step); a side-by-side before/after of whole
 * bodies (unreadable for a one-word change in a long one-line body). For the calendar: one
 * continuous list of weeks (no month to find a date by; the grids are what people know from
 * Canvas's own calendar); placing items by their UTC day (wrong for every evening deadline west of
 * Greenwich); drawing out-of-month days in a grid (a week's items would show twice).
 */
#include "render.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "dateshift.h"
#include "render_internal.h"
#include "scanfields.h"
#include "textdiff.h"
#include "xalloc.h"

#define CONTEXT 80              /* bytes of unchanged text kept either side of a change */
#define PART_MAX 2000           /* bytes of one deleted or inserted part shown */
#define DIFF_MAX 16384          /* bytes of source text shown per diff, then "… (N more changes)" */
#define FULL_MAX 65536          /* full texts in a <details> up to this size each, ... */
#define FULL_TOTAL (4u << 20)   /* ... and this much in the whole page */
#define VALUE_CAP 2000          /* a scalar, array or object value */
#define CREATE_CAP 200
#define CHIPS_SHOWN 12          /* chips in a day cell; the rest in a <details> */
#define MAX_MONTHS 24           /* a calendar wider than this draws only the months with items */
#define SPAN_NAMES 16           /* blackouts looked at for a day's hover */
#define BLACKOUTS_LISTED 50     /* blackouts listed above a calendar */

#define ELLIPSIS "\xe2\x80\xa6"

static const char STYLE[] =
	":root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;"
	"--del-bg:#ffebe9;--del-fg:#a40e26;--ins-bg:#dafbe1;--ins-fg:#116329;--mod:#9a6700}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;"
	"--head:#151b23;--del-bg:#4c1d23;--del-fg:#ffc1ba;--ins-bg:#1a3d24;--ins-fg:#aff5b4;--mod:#e3b341}}\n"
	"body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:var(--fg);"
	"background:var(--bg);margin:1.5em auto;max-width:1280px;padding:0 1em}\n"
	"h1{font-size:1.5em;margin:0 0 .4em}h2{font-size:1.2em;margin:2em 0 .4em;padding-bottom:.3em;"
	"border-bottom:1px solid var(--line)}h3{font-size:1em;margin:1.2em 0 .3em}\n"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:0 0 1em}"
	"dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}\n"
	".summary{font-weight:600;font-size:1.05em}.counts span{margin-right:1.2em}\n"
	"table{border-collapse:collapse;width:100%;margin:.4em 0}\n"
	"th,td{border:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top}\n"
	"th{background:var(--head);font-weight:600}\n"
	"td.obj{min-width:12em}td.field{white-space:nowrap}\n"
	".val,.diff,pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}\n"
	".val,.diff,pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}\n"
	".before{color:var(--del-fg)}.after{color:var(--ins-fg)}\n"
	"del{background:var(--del-bg);color:var(--del-fg)}ins{background:var(--ins-bg);color:var(--ins-fg);"
	"text-decoration:none}\n"
	".op{font-family:ui-monospace,monospace;font-weight:700;margin-right:.3em}.op-create{color:var(--ins-fg)}"
	".op-delete{color:var(--del-fg)}.op-update,.op-move{color:var(--mod)}\n"
	".dim,.note,.steps,.tz{color:var(--muted)}.name{font-weight:600}\n"
	"ul.fields{list-style:none;margin:0;padding:0}\n"
	"details{margin-top:.4em}summary{cursor:pointer;color:var(--muted)}\n"
	".full{display:grid;grid-template-columns:1fr 1fr;gap:.5em;margin-top:.3em}"
	".full pre{border:1px solid var(--line);padding:.4em;max-height:30em;overflow:auto}\n"
	".none{color:var(--muted);font-style:italic}.loc{white-space:nowrap}.utc{color:var(--muted);font-size:11.5px}\n"
	/* the calendar: one colour per kind (--k), weekends tinted, blackouts striped */
	":root{--we:#f3f4f6;--bo1:#fff1e5;--bo2:#ffe2cc;--warn:#cf222e;--out:#fafbfc}\n"
	"@media (prefers-color-scheme:dark){:root{--we:#1c2129;--bo1:#3a2410;--bo2:#2a1a0c;--warn:#ff7b72;"
	"--out:#0a0d12}}\n"
	".k-course{--k:#6e7781}.k-assignment{--k:#0969da}.k-assignment_override{--k:#54aeff}.k-quiz{--k:#8250df}"
	".k-discussion_topic{--k:#1a7f37}.k-announcement{--k:#bf8700}.k-module{--k:#bc4c00}"
	".k-module_item{--k:#fb8f44}.k-page{--k:#0e8a86}.k-calendar_event{--k:#bf3989}.k-date_override{--k:#4ac26b}"
	".k-object{--k:#6e7781}\n"
	".calsum{font-weight:600}.calsum.bad{color:var(--warn)}\n"
	".legend{display:flex;flex-wrap:wrap;align-items:center;gap:.3em .5em;margin:.3em 0}"
	".legend .chip{display:inline-block}\n"
	".sw{display:inline-block;width:1.6em;height:1em;border:1px solid var(--line);margin-left:.6em;"
	"vertical-align:middle}\n"
	".sw.we,td.we,th.we{background:var(--we)}\n"
	".sw.bo,td.bo{background:repeating-linear-gradient(135deg,var(--bo1) 0 6px,var(--bo2) 6px 12px)}\n"
	".blackouts{color:var(--muted)}\n"
	"table.month{table-layout:fixed;margin:.8em 0 1.2em}"
	"table.month caption{text-align:left;font-weight:600;padding:.2em 0}\n"
	"table.month th{text-align:center;padding:.2em}\n"
	"table.month td{height:4.2em;padding:.15em .25em}td.out{background:var(--out)}\n"
	".dh{display:flex;justify-content:space-between;color:var(--muted);font-size:12px}\n"
	"td.warn{box-shadow:inset 0 0 0 2px var(--warn)}\n"
	".flag{color:var(--warn);font-weight:700}\n"
	"ul.chips{list-style:none;margin:.1em 0 0;padding:0}\n"
	".chip{font-size:12px;line-height:1.35;border-left:4px solid var(--k);background:var(--head);"
	"background:color-mix(in srgb,var(--k) 14%,var(--bg));border-radius:3px;padding:0 .3em;margin:1px 0;"
	"white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n"
	".chip .cf{color:var(--muted)}.chip.warn{outline:1px solid var(--warn)}\n"
	"td.day details{margin-top:0}td.day summary{font-size:12px}\n";

struct cal;

struct hctx {
	const struct plan *p;
	struct buf *out;
	struct buf tmp, raw;      /* scratch: neutralised text, raw values */
	size_t full_used;         /* bytes of full texts embedded so far */
	const struct render_groups *groups;
	struct cal *cals;         /* one per group */
	FILE *stream;             /* where `out` goes as it grows (render_html), or NULL */
	int failed;               /* the stream could not be written */
};

/* 1 when n more bytes of full text fit in the page (and counts them). */
static int full_fits(struct hctx *h, size_t n)
{
	if (n > FULL_MAX || h->full_used + n > FULL_TOTAL)
		return 0;
	h->full_used += n;
	return 1;
}

/* ---------------------------------------------------------------- escaping */

/* s (already neutralised) HTML-escaped */
static void put_escaped(struct buf *out, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		const char *e;

		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		buf_add(out, s + run, i - run);
		buf_puts(out, e);
		run = i + 1;
	}
	buf_add(out, s + run, n - run);
}

/* Server text: neutralised, then HTML-escaped. */
static void esc(struct hctx *h, const char *s, size_t n)
{
	if (!n)
		return;
	buf_reset(&h->tmp);
	textdiff_put_escaped(&h->tmp, s, n);
	put_escaped(h->out, buf_str(&h->tmp), h->tmp.len);
}

static void escs(struct hctx *h, const char *s)
{
	if (s)
		esc(h, s, strlen(s));
}

/* h->raw, escaped */
static void esc_raw(struct hctx *h)
{
	esc(h, buf_str(&h->raw), h->raw.len);
}

/* ---------------------------------------------------------------- diffs */

/* The token boundary at or after `want` bytes; a byte cut (on a UTF-8 boundary) when one token is
 * much longer (a data: URL in a tag). */
static size_t head_cut(const char *s, size_t n, size_t want)
{
	size_t off = 0;

	if (n <= want)
		return n;
	while (off < want)
		off += textdiff_token_len(s + off, n - off);
	if (off > 4 * want) {
		off = want;
		while (off > 0 && ((unsigned char)s[off] & 0xc0) == 0x80)
			off--;
	}
	return off;
}

/* The token boundary that leaves at least `want` bytes after it, as late as possible. */
static size_t tail_start(const char *s, size_t n, size_t want)
{
	size_t off = 0, best = 0;

	if (n <= want)
		return 0;
	while (off < n && n - off >= want) {
		best = off;
		off += textdiff_token_len(s + off, n - off);
	}
	if (n - best > 4 * want) {
		best = n - want;
		while (best < n && ((unsigned char)s[best] & 0xc0) == 0x80)
			best++;
	}
	return best;
}

static void put_part(struct hctx *h, const char *tag, const char *s, size_t n)
{
	size_t cut = n;

	if (cut > PART_MAX) {
		cut = PART_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	buf_printf(h->out, "<%s>", tag);
	esc(h, s, cut);
	if (cut < n)
		buf_printf(h->out, ELLIPSIS "(%zu more bytes)", n - cut);
	buf_printf(h->out, "</%s>", tag);
}

static void put_context(struct hctx *h, const char *s, size_t n, int first, int last)
{
	size_t head, tail;

	if (first && last) {
		esc(h, s, n);
	} else if (first) {
		tail = tail_start(s, n, CONTEXT);
		if (tail)
			buf_puts(h->out, ELLIPSIS);
		esc(h, s + tail, n - tail);
	} else if (last) {
		head = head_cut(s, n, CONTEXT);
		esc(h, s, head);
		if (head < n)
			buf_puts(h->out, ELLIPSIS);
	} else if (n <= 2 * CONTEXT + 40) {
		esc(h, s, n);
	} else {
		head = head_cut(s, n, CONTEXT);
		tail = tail_start(s, n, CONTEXT);
		if (tail <= head) {
			esc(h, s, n);
			return;
		}
		esc(h, s, head);
		buf_puts(h->out, " " ELLIPSIS " ");
		esc(h, s + tail, n - tail);
	}
}

static void put_full(struct hctx *h, const cJSON *before, const cJSON *after, size_t alen, size_t blen)
{
	if (alen > FULL_MAX || blen > FULL_MAX || !full_fits(h, alen + blen)) {
		buf_printf(h->out, "<div class=\"dim\">%zu &#8594; %zu bytes; "
			   "the full texts are in the JSON plan</div>", alen, blen);
		return;
	}
	buf_printf(h->out, "<details><summary>Full texts (%zu &#8594; %zu bytes)</summary><div class=\"full\">"
		   "<pre class=\"before\">", alen, blen);
	if (cJSON_IsString(before))
		escs(h, before->valuestring);
	else
		buf_puts(h->out, "<span class=\"none\">null</span>");
	buf_puts(h->out, "</pre><pre class=\"after\">");
	if (cJSON_IsString(after))
		escs(h, after->valuestring);
	else
		buf_puts(h->out, "<span class=\"none\">null</span>");
	buf_puts(h->out, "</pre></div></details>");
}

/* The diff of an update into one cell; -1 when the texts are equal (the caller shows scalars). */
static int put_diff(struct hctx *h, const struct plan_change *c)
{
	const char *a = cJSON_IsString(c->before) ? c->before->valuestring : "";
	const char *b = cJSON_IsString(c->after) ? c->after->valuestring : "";
	size_t alen = strlen(a), blen = strlen(b), i, base, shown = 0;
	struct textdiff *d;

	if (textdiff(&d, a, alen, b, blen) == 0) {
		textdiff_free(d);
		return -1;
	}
	buf_puts(h->out, "<td colspan=\"2\"><div class=\"diff\">");
	base = h->out->len;
	for (i = 0; i < d->nops; i++) {
		const struct textdiff_op *op = &d->ops[i];

		if (op->kind == TEXTDIFF_EQUAL) {
			put_context(h, d->a + op->a_off, op->a_len, i == 0, i + 1 == d->nops);
			continue;
		}
		if ((op->kind == TEXTDIFF_DELETE || i == 0 || d->ops[i - 1].kind != TEXTDIFF_DELETE) &&
		    h->out->len - base > DIFF_MAX) {
			buf_printf(h->out, " " ELLIPSIS " <span class=\"dim\">(%zu more change%s)</span>",
				   d->stats.changes - shown, d->stats.changes - shown == 1 ? "" : "s");
			break;
		}
		if (op->kind == TEXTDIFF_DELETE) {
			put_part(h, "del", d->a + op->a_off, op->a_len);
			if (i + 1 < d->nops && d->ops[i + 1].kind == TEXTDIFF_INSERT)
				continue;
		} else {
			put_part(h, "ins", d->b + op->b_off, op->b_len);
		}
		shown++;
	}
	buf_puts(h->out, "</div>");
	put_full(h, c->before, c->after, alen, blen);
	buf_puts(h->out, "</td>");
	textdiff_free(d);
	return 0;
}

/* ---------------------------------------------------------------- rows */

/* A date as a table cell: the local time on one line, the UTC instant under it (dimmed), so a
 * narrow column never breaks a date in the middle. -1 when v is no date (the caller shows it). */
static int put_date_cell(struct hctx *h, const cJSON *v, const char *zone, const char *cls)
{
	char loc[48], utc[32];

	if (!cJSON_IsString(v) || render_date_split(v->valuestring, zone, loc, utc))
		return -1;
	buf_printf(h->out, "<td class=\"val %s\">", cls);
	if (loc[0]) {
		buf_puts(h->out, "<span class=\"loc\">");
		escs(h, loc);
		buf_puts(h->out, "</span><br><span class=\"utc\">");
		escs(h, utc);
		buf_puts(h->out, "</span>");
	} else {
		escs(h, utc);
	}
	buf_puts(h->out, "</td>");
	return 0;
}

static void put_value_cell(struct hctx *h, const struct plan_change *c, const cJSON *v, const char *zone,
			   const char *cls)
{
	if (render_is_date_field(c->kind, c->field) && put_date_cell(h, v, zone, cls) == 0)
		return;
	buf_reset(&h->raw);
	render_value(&h->raw, c->kind, c->field, v, zone, VALUE_CAP);
	buf_printf(h->out, "<td class=\"val %s\">", cls);
	esc_raw(h);
	buf_puts(h->out, "</td>");
}

static void put_create_cell(struct hctx *h, const struct plan_change *c, const char *zone)
{
	const cJSON *item;

	buf_puts(h->out, "<td class=\"val after\">");
	if (!cJSON_IsObject(c->after)) {
		buf_reset(&h->raw);
		render_value(&h->raw, c->kind, NULL, c->after, zone, VALUE_CAP);
		esc_raw(h);
		buf_puts(h->out, "</td>");
		return;
	}
	buf_puts(h->out, "<ul class=\"fields\">");
	cJSON_ArrayForEach(item, c->after) {
		if (render_create_field_hidden(c, item))
			continue;
		buf_puts(h->out, "<li><code>");
		escs(h, item->string);
		buf_puts(h->out, "</code> ");
		buf_reset(&h->raw);
		render_create_value(&h->raw, c->kind, item->string, item, zone, CREATE_CAP);
		esc_raw(h);
		if (cJSON_IsString(item) && render_is_html_field(c->kind, item->string) &&
		    full_fits(h, strlen(item->valuestring))) {
			buf_puts(h->out, "<details><summary>text</summary><pre>");
			escs(h, item->valuestring);
			buf_puts(h->out, "</pre></details>");
		}
		buf_puts(h->out, "</li>");
	}
	buf_puts(h->out, "</ul></td>");
}

static void put_object_cell(struct hctx *h, const struct render_object *o)
{
	const struct plan_change *first = o->first;
	const char *par = first->parent, *pk = render_parent(first->kind, &par);

	buf_printf(h->out, "<td class=\"obj\" rowspan=\"%zu\"><span class=\"op op-%s\">%c</span>",
		   o->end - o->i, plan_op_name(o->op), o->marker);
	escs(h, render_kind_name(first->kind));
	buf_putc(h->out, ' ');
	escs(h, first->id);
	if (first->name && *first->name) {
		buf_puts(h->out, "<br><span class=\"name\">");
		escs(h, first->name);
		buf_puts(h->out, "</span>");
	}
	if (pk && par && *par) {
		buf_puts(h->out, "<br><span class=\"dim\">in ");
		escs(h, pk);
		buf_putc(h->out, ' ');
		escs(h, par);
		buf_puts(h->out, "</span>");
	}
	buf_puts(h->out, "</td>");
}

static void put_change_row(struct hctx *h, const struct plan_change *c, const char *zone)
{
	if (c->op == PLAN_CREATE) {
		buf_puts(h->out, "<td class=\"field dim\">new object</td><td class=\"none\">none</td>");
		put_create_cell(h, c, zone);
	} else if (c->op == PLAN_DELETE) {
		buf_puts(h->out, "<td class=\"field dim\">whole object</td><td class=\"val\">exists</td>"
			 "<td class=\"val before\">deleted</td>");
	} else {
		buf_puts(h->out, "<td class=\"field\"><code>");
		escs(h, c->field ? c->field : "(object)");
		buf_puts(h->out, "</code></td>");
		if (!render_wants_diff(c) || put_diff(h, c) != 0) {
			put_value_cell(h, c, c->before, zone, "before");
			put_value_cell(h, c, c->after, zone, "after");
		}
	}
	buf_puts(h->out, "<td class=\"steps\">");
	buf_reset(&h->raw);
	render_steps(&h->raw, c);
	esc_raw(h);
	buf_puts(h->out, "</td><td class=\"note\">");
	escs(h, c->note);
	buf_puts(h->out, "</td></tr>\n");
}

/* One row per change; the object's cell spans its rows. */
static void html_change(void *ctx, const struct render_object *o, const struct plan_change *c)
{
	struct hctx *h = ctx;

	buf_printf(h->out, "<tr class=\"%s\">", plan_op_name(c->op));
	if (c == o->first)
		put_object_cell(h, o);
	put_change_row(h, c, o->zone);
}

/* The end of the course's table of changes after its last object. */
static int html_object_end(void *ctx, const struct render_object *o)
{
	struct hctx *h = ctx;

	if (o->end == o->g->nchanges)
		buf_puts(h->out, "</tbody>\n</table>\n");
	return RENDER_WALK_ON;
}

/* The course's skipped entries: a table of their own after the changes. */
static int html_skip(void *ctx, const struct render_group *g, const struct plan_skip *s, size_t k)
{
	struct hctx *h = ctx;

	if (k == 0)
		buf_puts(h->out, "<h3>Skipped</h3>\n<table class=\"skipped\">\n<thead><tr><th>Object</th>"
			 "<th>Field</th><th>Reason</th><th>Step</th></tr></thead>\n<tbody>\n");
	buf_puts(h->out, "<tr><td class=\"obj\">");
	escs(h, render_kind_name(s->kind));
	buf_putc(h->out, ' ');
	escs(h, s->id);
	if (s->name && *s->name) {
		buf_puts(h->out, "<br><span class=\"name\">");
		escs(h, s->name);
		buf_puts(h->out, "</span>");
	}
	buf_puts(h->out, "</td><td class=\"field\"><code>");
	escs(h, s->field);
	buf_puts(h->out, "</code></td><td>");
	escs(h, s->reason);
	buf_puts(h->out, "</td><td class=\"steps\">");
	escs(h, s->step);
	buf_puts(h->out, "</td></tr>\n");
	if (k + 1 == g->nskips)
		buf_puts(h->out, "</tbody>\n</table>\n");
	return RENDER_WALK_ON;
}

/* ---------------------------------------------------------------- the calendar */

/* One dated item: a date change placed on its new local day. */
struct cal_item {
	int64_t day;              /* local day number (dateshift.h: days since 1970-01-01) */
	long secs;                /* local time of day, for the order within a day */
	size_t change;            /* index into p->changes */
	unsigned flags;           /* CAL_WEEKEND, CAL_BLACKOUT, CAL_WAS_WEEKEND */
};

#define CAL_WEEKEND  1u           /* newly on a weekend: the old date was not */
#define CAL_BLACKOUT 2u
#define CAL_WAS_WEEKEND 4u        /* the old date was on a weekend, in the same zone */

/* A blackout that applies to the course (c->bos), or a run of days merged from overlapping ones
 * (c->spans, which name their blackouts as bos[lo..hi)). */
struct cal_span {
	int64_t first, last;      /* inclusive day numbers */
	const char *step;         /* bos: the step that declared it, or NULL */
	size_t lo, hi;            /* spans: the blackouts merged into it */
};

struct cal {
	const char *zone;         /* the zone the days are in: the course's, or "UTC" */
	int zone_fallback;        /* 1 when the course's zone is unknown or absent */
	struct cal_item *items;
	size_t n;
	struct cal_span *bos, *spans;   /* sorted by first day; spans disjoint */
	size_t nbos, nspans;
	size_t weekend, blackout; /* items newly on a Saturday or Sunday; in a blackout */
	size_t cleared;           /* date changes to null (not on the calendar) */
	const struct plan_term *term;   /* the course's term (a schedule step), or NULL */
	int64_t *weeks;           /* its teaching weeks' first days, parsed (nweeks) */
	size_t nweeks;
};

static const char *const WDAY[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const WDAY_LONG[7] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
					  "Sunday" };
static const char *const MONTH[12] = { "January", "February", "March", "April", "May", "June", "July",
				       "August", "September", "October", "November", "December" };

static int cmp_item(const void *a, const void *b)
{
	const struct cal_item *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->secs != y->secs)
		return x->secs < y->secs ? -1 : 1;
	return x->change < y->change ? -1 : x->change > y->change;
}

static int cmp_span(const void *a, const void *b)
{
	const struct cal_span *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->last < y->last ? -1 : x->last > y->last;
}

/* "YYYY-MM-DD" as a day number; -1 when it is not one (the plan reader checked the form). */
static int parse_day(const char *s, int64_t *day)
{
	int y = 0, m = 0, d = 0, n;   /* = 0: the analyzer cannot see scan_fields set them */
	int *const f[] = { &y, &m, &d };

	if (!s || (n = scan_fields(s, "4-2-2", f, 3)) < 0 || s[n] || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = dateshift_days_from_civil(y, m, d);
	return 0;
}

/* The span holding day, or NULL (spans are sorted and disjoint). */
static const struct cal_span *span_at(const struct cal *c, int64_t day)
{
	size_t lo = 0, hi = c->nspans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->spans[mid].last < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nspans && c->spans[lo].first <= day ? &c->spans[lo] : NULL;
}

/* The first item on or after day. */
static size_t item_at(const struct cal *c, int64_t day)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->items[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_weekend(int64_t day)
{
	return dateshift_iso_weekday(day) >= 6;
}

/* The blackouts of p that apply to course `id` (course-less ones and its own) into c->bos, sorted,
 * and merged into c->spans (both allocated; cal_release). */
static void cal_spans(struct cal *c, const struct plan *p, const char *id)
{
	size_t i;

	c->bos = xmalloc((p->nblackouts + 1) * sizeof(*c->bos));
	c->spans = xmalloc((p->nblackouts + 1) * sizeof(*c->spans));
	for (i = 0; i < p->nblackouts; i++) {
		const struct plan_blackout *b = &p->blackouts[i];
		struct cal_span s;

		if (b->course_id && strcmp(b->course_id, id))
			continue;
		if (parse_day(b->start, &s.first) || parse_day(b->end, &s.last) || s.last < s.first)
			continue;
		s.step = b->step;
		s.lo = s.hi = 0;
		c->bos[c->nbos++] = s;
	}
	qsort(c->bos, c->nbos, sizeof(*c->bos), cmp_span);
	for (i = 0; i < c->nbos; i++) {
		if (c->nspans && c->bos[i].first <= c->spans[c->nspans - 1].last + 1) {
			struct cal_span *last = &c->spans[c->nspans - 1];

			if (c->bos[i].last > last->last)
				last->last = c->bos[i].last;
			last->hi = i + 1;
		} else {
			c->spans[c->nspans] = c->bos[i];
			c->spans[c->nspans].lo = i;
			c->spans[c->nspans++].hi = i + 1;
		}
	}
}

/* The steps of the blackouts of span sp that hold day, ", "-separated, escaped (at most
 * SPAN_NAMES of them are looked at: a damaged plan with 100,000 overlapping blackouts must not cost
 * that much per day). */
static void put_span_steps(struct hctx *h, const struct cal *c, const struct cal_span *sp, int64_t day)
{
	const char *prev = NULL;
	size_t i;

	for (i = sp->lo; i < sp->hi && i < sp->lo + SPAN_NAMES; i++) {
		const struct cal_span *b = &c->bos[i];

		if (b->first > day || b->last < day || !b->step || !*b->step || (prev && !strcmp(prev, b->step)))
			continue;
		buf_puts(h->out, prev ? ", " : ": ");
		escs(h, b->step);
		prev = b->step;
	}
}

/* The course's dated items, placed and flagged (allocates; cal_release). */
/* The course's term (the last schedule step's) into c->term and c->weeks (allocated; cal_release). */
static void cal_term(struct cal *c, const struct plan *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->nterms; i++)
		if (!strcmp(p->terms[i].course_id, id))
			c->term = &p->terms[i];
	if (!c->term)
		return;
	c->weeks = xcalloc(c->term->nweeks + 1, sizeof(*c->weeks));
	for (i = 0; i < c->term->nweeks; i++)
		if (!parse_day(c->term->weeks[i], &c->weeks[c->nweeks]))
			c->nweeks++;
}

/* The teaching week (1-based) holding day, or 0. */
static size_t term_week(const struct cal *c, int64_t day)
{
	size_t i;

	for (i = 0; i < c->nweeks; i++)
		if (day >= c->weeks[i] && day < c->weeks[i] + 7)
			return i + 1;
	return 0;
}

static void cal_build(struct cal *c, const struct plan *p, const struct render_group *g)
{
	const char *zone = render_zone(g);
	size_t i;

	memset(c, 0, sizeof(*c));
	c->zone = zone && dates_zone_valid(zone) ? zone : "UTC";
	c->zone_fallback = c->zone != zone;
	for (i = 0; i < g->nchanges; i++) {
		const struct plan_change *ch = &p->changes[g->changes[i]];
		struct dates_local l;
		int64_t t;

		if (ch->op != PLAN_UPDATE || !render_is_date_field(ch->kind, ch->field))
			continue;
		if (cJSON_IsNull(ch->after)) {
			c->cleared++;
			continue;
		}
		if (!cJSON_IsString(ch->after) || dates_parse(ch->after->valuestring, &t) ||
		    dates_to_local(t, c->zone, &l))
			continue;
		if (!c->items)
			c->items = xmalloc(g->nchanges * sizeof(*c->items));
		c->items[c->n].day = dateshift_days_from_civil(l.y, l.m, l.d);
		c->items[c->n].secs = l.hh * 3600L + l.mm * 60L + l.ss;
		c->items[c->n].change = g->changes[i];
		c->items[c->n].flags = 0;
		if (cJSON_IsString(ch->before) && !dates_parse(ch->before->valuestring, &t) &&
		    !dates_to_local(t, c->zone, &l) && is_weekend(dateshift_days_from_civil(l.y, l.m, l.d)))
			c->items[c->n].flags = CAL_WAS_WEEKEND;
		c->n++;
	}
	if (!c->n)
		return;
	qsort(c->items, c->n, sizeof(*c->items), cmp_item);
	cal_spans(c, p, g->course_id);
	cal_term(c, p, g->course_id);
	for (i = 0; i < c->n; i++) {
		struct cal_item *it = &c->items[i];

		if (is_weekend(it->day) && !(it->flags & CAL_WAS_WEEKEND)) {
			it->flags |= CAL_WEEKEND;
			c->weekend++;
		}
		if (span_at(c, it->day)) {
			it->flags |= CAL_BLACKOUT;
			c->blackout++;
		}
	}
}

static void cal_release(struct cal *c)
{
	free(c->items);
	free(c->bos);
	free(c->spans);
	free(c->weeks);
}

/* "Fri 2025-10-17 23:59 EDT" (seconds only when not zero), for hovers. */
static void put_local_short(struct buf *out, const struct dates_local *l)
{
	buf_printf(out, "%s %04d-%02d-%02d %02d:%02d", WDAY[(l->wday + 6) % 7], l->y, l->m, l->d, l->hh, l->mm);
	if (l->ss)
		buf_printf(out, ":%02d", l->ss);
	buf_printf(out, " %s", l->abbr);
}

/* A date value as a person reads it in the hover: local time, "not set" for null, else the text. */
static void put_hover_date(struct buf *out, const cJSON *v, const char *zone)
{
	struct dates_local l;
	int64_t t;

	if (cJSON_IsNull(v))
		buf_puts(out, "not set");
	else if (cJSON_IsString(v) && !dates_parse(v->valuestring, &t) && !dates_to_local(t, zone, &l))
		put_local_short(out, &l);
	else
		render_plain_value(out, v, 80);
}

/* "due_at" -> "due", "show_correct_answers_at" -> "show answers", "todo_date" -> "to-do". */
static void put_field_label(struct buf *out, const char *field)
{
	static const char *const special[][2] = {
		{ "delayed_post_at", "post" }, { "todo_date", "to-do" }, { "student_todo_at", "to-do" },
		{ "show_correct_answers_at", "show answers" }, { "hide_correct_answers_at", "hide answers" },
		{ "peer_reviews_due_at", "peer reviews due" }, { "peer_reviews_assign_at", "peer reviews" },
	};
	size_t i, n = strlen(field);

	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (!strcmp(field, special[i][0])) {
			buf_puts(out, special[i][1]);
			return;
		}
	if (n > 3 && !strcmp(field + n - 3, "_at"))
		n -= 3;
	else if (n > 5 && !strcmp(field + n - 5, "_date"))
		n -= 5;
	for (i = 0; i < n; i++)
		buf_putc(out, field[i] == '_' ? ' ' : field[i]);
}

static void put_chip(struct hctx *h, const struct cal *c, const struct cal_item *it)
{
	const struct plan_change *ch = &h->p->changes[it->change];
	const char *par = ch->parent, *pk = render_parent(ch->kind, &par);
	enum resource_kind sk = render_shown_kind(ch);
	const char *label = render_shown_label(ch);

	buf_printf(h->out, "<li class=\"chip k-%s%s\" data-kind=\"%s\" title=\"", render_kind_class(sk),
		   it->flags & (CAL_WEEKEND | CAL_BLACKOUT) ? " warn" : "", render_kind_class(sk));
	buf_reset(&h->raw);
	if (label)
		buf_printf(&h->raw, "%s, %s ", label, render_kind_name(ch->kind));
	else
		buf_printf(&h->raw, "%s ", render_kind_name(ch->kind));
	buf_puts(&h->raw, ch->id ? ch->id : "");
	if (ch->name && *ch->name)
		buf_printf(&h->raw, " \xe2\x80\x9c%s\xe2\x80\x9d", ch->name);
	if (pk && par && *par)
		buf_printf(&h->raw, " (in %s %s)", pk, par);
	buf_printf(&h->raw, ", %s\nwas ", ch->field);
	put_hover_date(&h->raw, ch->before, c->zone);
	buf_puts(&h->raw, "\nnow ");
	put_hover_date(&h->raw, ch->after, c->zone);
	if (it->flags & CAL_WEEKEND)
		buf_printf(&h->raw, "\non a %s", WDAY_LONG[dateshift_iso_weekday(it->day) - 1]);
	if (it->flags & CAL_BLACKOUT)
		buf_puts(&h->raw, "\nin a blackout");
	esc_raw(h);
	buf_puts(h->out, "\"><span class=\"cn\">");
	escs(h, ch->name && *ch->name ? ch->name : ch->id);
	buf_puts(h->out, "</span> <span class=\"cf\">");
	buf_reset(&h->raw);
	put_field_label(&h->raw, ch->field);
	esc_raw(h);
	buf_puts(h->out, "</span></li>");
}

/* One day of a month grid: its number, the warning marker, its chips (CHIPS_SHOWN, the rest in a
 * <details>, so a day with 200 items does not make a row a screen high). */
static void put_day(struct hctx *h, const struct cal *c, int64_t day)
{
	size_t a = item_at(c, day), b = item_at(c, day + 1), i, nw = 0, nwe = 0, nbo = 0;
	const struct cal_span *sp = span_at(c, day);
	int wd = dateshift_iso_weekday(day), we = wd >= 6, y, m, d;

	/* the items flagged (newly on a weekend, or in a blackout): an item that was on a weekend
	 * already does not make its day a warning */
	for (i = a; i < b; i++) {
		nw += (c->items[i].flags & (CAL_WEEKEND | CAL_BLACKOUT)) != 0;
		nwe += (c->items[i].flags & CAL_WEEKEND) != 0;
		nbo += (c->items[i].flags & CAL_BLACKOUT) != 0;
	}
	dateshift_civil_from_days(day, &y, &m, &d);
	buf_printf(h->out, "<td class=\"day%s%s%s\" data-day=\"%04d-%02d-%02d\" data-count=\"%zu\"",
		   we ? " we" : "", sp ? " bo" : "", nw ? " warn" : "", y, m, d, b - a);
	if (sp) {
		buf_puts(h->out, " title=\"blackout");
		put_span_steps(h, c, sp, day);
		buf_putc(h->out, '"');
	}
	buf_printf(h->out, "><div class=\"dh\"><span class=\"dn\">%d</span>", d);
	if (nw) {
		buf_puts(h->out, "<span class=\"flag\" title=\"");
		if (nwe)
			buf_printf(h->out, "%zu item%s moved onto a %s%s", nwe, nwe == 1 ? "" : "s", WDAY_LONG[wd - 1],
				   nbo ? "; " : "");
		if (nbo)
			buf_printf(h->out, "%zu item%s in a blackout", nbo, nbo == 1 ? "" : "s");
		buf_puts(h->out, "\">&#9888;</span>");
	}
	buf_puts(h->out, "</div>");
	if (b > a) {
		buf_puts(h->out, "<ul class=\"chips\">");
		for (i = a; i < b && i < a + CHIPS_SHOWN; i++)
			put_chip(h, c, &c->items[i]);
		buf_puts(h->out, "</ul>");
		if (b - a > CHIPS_SHOWN) {
			buf_printf(h->out, "<details><summary>%zu more</summary><ul class=\"chips\">",
				   b - a - CHIPS_SHOWN);
			for (; i < b; i++)
				put_chip(h, c, &c->items[i]);
			buf_puts(h->out, "</ul></details>");
		}
	}
	buf_puts(h->out, "</td>");
}

/* The grid of month (y, m): Mon..Sun rows, each week with its Monday and its item count. */
static void put_month(struct hctx *h, const struct cal *c, int y, int m)
{
	int64_t first = dateshift_days_from_civil(y, m, 1);
	int64_t next = m == 12 ? dateshift_days_from_civil(y + 1, 1, 1) : dateshift_days_from_civil(y, m + 1, 1);
	int64_t week, day;
	int wy, wm, wd, k;

	buf_printf(h->out, "<table class=\"month\" data-month=\"%04d-%02d\">\n<caption>%s %d</caption>\n"
		   "<thead><tr>", y, m, MONTH[m - 1], y);
	if (c->term)
		buf_puts(h->out, "<th class=\"wk\" title=\"teaching week\">wk</th>");
	for (k = 0; k < 7; k++)
		buf_printf(h->out, "<th%s>%s</th>", k >= 5 ? " class=\"we\"" : "", WDAY[k]);
	buf_puts(h->out, "</tr></thead>\n<tbody>\n");
	for (week = first - (dateshift_iso_weekday(first) - 1); week < next; week += 7) {
		int64_t lo = week < first ? first : week, hi = week + 7 > next ? next : week + 7;

		dateshift_civil_from_days(week, &wy, &wm, &wd);
		buf_printf(h->out, "<tr data-week=\"%04d-%02d-%02d\" data-count=\"%zu\">", wy, wm, wd,
			   item_at(c, hi) - item_at(c, lo));
		if (c->term) {
			size_t n = term_week(c, week);

			if (n)
				buf_printf(h->out, "<th class=\"wk\" data-term-week=\"%zu\">%zu</th>", n, n);
			else
				buf_puts(h->out, "<th class=\"wk\"></th>");
		}
		for (day = week; day < week + 7; day++) {
			if (day < first || day >= next)
				buf_puts(h->out, "<td class=\"out\"></td>");
			else
				put_day(h, c, day);
		}
		buf_puts(h->out, "</tr>\n");
	}
	buf_puts(h->out, "</tbody>\n</table>\n");
}

static void put_count(struct buf *out, size_t n, const char *one, const char *many)
{
	buf_printf(out, "%zu %s", n, n == 1 ? one : many);
}

/* "2 items move onto a weekend (from a weekday), 1 lands in a blackout." */
static void put_warn_counts(struct buf *out, size_t weekend, size_t blackout)
{
	put_count(out, weekend, "item moves", "items move");
	buf_puts(out, " onto a weekend (from a weekday), ");
	put_count(out, blackout, "lands", "land");
	buf_puts(out, " in a blackout.");
}

static void put_legend(struct hctx *h, const struct cal *c)
{
	unsigned seen = 0;
	size_t i;
	int k;

	for (i = 0; i < c->n; i++) {
		int kind = (int)render_shown_kind(&h->p->changes[c->items[i].change]);

		if (render_kind_known(kind))
			seen |= 1u << kind;
	}
	buf_puts(h->out, "<p class=\"legend\">");
	for (k = 0; render_kind_known(k); k++)
		if (seen & (1u << k))
			buf_printf(h->out, "<span class=\"chip k-%s\">%s</span>", render_kind_class((enum resource_kind)k),
				   render_kind_name((enum resource_kind)k));
	buf_puts(h->out, "<span class=\"sw we\"></span>weekend<span class=\"sw bo\"></span>blackout"
		 "<span class=\"flag\">&#9888;</span>an item moved onto a weekend or into a blackout</p>\n");
}

/* The course's calendar: a summary line, the legend, the blackouts, and one grid per month from
 * the first item's to the last's (only the months with items when that is more than MAX_MONTHS:
 * one date moved to 2031 by mistake must not draw five years of empty grids). */
static void put_calendar(struct hctx *h, const struct cal *c)
{
	int fy, fm, ly, lm, d, y, m, months, k;
	size_t i;

	if (!c->n)
		return;
	dateshift_civil_from_days(c->items[0].day, &fy, &fm, &d);
	dateshift_civil_from_days(c->items[c->n - 1].day, &ly, &lm, &d);
	months = (ly - fy) * 12 + (lm - fm) + 1;
	buf_puts(h->out, "<section class=\"calendar\">\n<h3>Calendar of the new dates</h3>\n<p class=\"calsum");
	if (c->weekend || c->blackout)
		buf_puts(h->out, " bad");
	buf_printf(h->out, "\" data-items=\"%zu\" data-weekend=\"%zu\" data-blackout=\"%zu\">", c->n, c->weekend,
		   c->blackout);
	buf_reset(&h->raw);
	put_count(&h->raw, c->n, "dated item", "dated items");
	buf_puts(&h->raw, " on their new day in ");
	buf_puts(&h->raw, c->zone);
	if (c->zone_fallback)
		buf_puts(&h->raw, " (the course has no time zone coursectl knows)");
	buf_puts(&h->raw, ": ");
	put_warn_counts(&h->raw, c->weekend, c->blackout);
	if (c->cleared) {
		buf_putc(&h->raw, ' ');
		put_count(&h->raw, c->cleared, "date is", "dates are");
		buf_puts(&h->raw, " cleared (see the table).");
	}
	esc_raw(h);
	buf_puts(h->out, "</p>\n");
	put_legend(h, c);
	if (c->nbos) {
		buf_puts(h->out, "<p class=\"blackouts\">Blackouts: ");
		for (i = 0; i < c->nbos && i < BLACKOUTS_LISTED; i++) {
			const struct cal_span *b = &c->bos[i];
			int ay, am, ad, by, bm, bd;

			dateshift_civil_from_days(b->first, &ay, &am, &ad);
			dateshift_civil_from_days(b->last, &by, &bm, &bd);
			buf_printf(h->out, "%s<span>%s %04d-%02d-%02d &#8211; %s %04d-%02d-%02d", i ? "; " : "",
				   WDAY[dateshift_iso_weekday(b->first) - 1], ay, am, ad,
				   WDAY[dateshift_iso_weekday(b->last) - 1], by, bm, bd);
			if (b->step && *b->step) {
				buf_puts(h->out, " (");
				escs(h, b->step);
				buf_putc(h->out, ')');
			}
			buf_puts(h->out, "</span>");
		}
		if (c->nbos > BLACKOUTS_LISTED)
			buf_printf(h->out, "; and %zu more", c->nbos - BLACKOUTS_LISTED);
		buf_puts(h->out, "</p>\n");
	}
	if (c->term) {
		int64_t a, b;
		int ay, am, ad, by, bm, bd;

		if (!parse_day(c->term->start, &a) && !parse_day(c->term->end, &b)) {
			dateshift_civil_from_days(a, &ay, &am, &ad);
			dateshift_civil_from_days(b, &by, &bm, &bd);
			buf_printf(h->out, "<p class=\"term\" data-weeks=\"%zu\">Term: %s %04d-%02d-%02d &#8211; %s "
				   "%04d-%02d-%02d, %zu teaching week%s (numbered in the first column; breaks have "
				   "none)", c->nweeks, WDAY[dateshift_iso_weekday(a) - 1], ay, am, ad,
				   WDAY[dateshift_iso_weekday(b) - 1], by, bm, bd, c->nweeks, c->nweeks == 1 ? "" : "s");
			if (c->term->step && *c->term->step) {
				buf_puts(h->out, " (");
				escs(h, c->term->step);
				buf_putc(h->out, ')');
			}
			buf_puts(h->out, "</p>\n");
		}
	}
	buf_puts(h->out, "<div class=\"months\">\n");
	if (months <= MAX_MONTHS) {
		for (k = 0, y = fy, m = fm; k < months; k++) {
			put_month(h, c, y, m);
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	} else {
		buf_printf(h->out, "<p class=\"dim\">The dates span %d months: only the months with items are drawn."
			   "</p>\n", months);
		for (i = 0; i < c->n;) {
			dateshift_civil_from_days(c->items[i].day, &y, &m, &d);
			put_month(h, c, y, m);
			i = item_at(c, m == 12 ? dateshift_days_from_civil(y + 1, 1, 1) : dateshift_days_from_civil(y, m + 1, 1));
		}
	}
	buf_puts(h->out, "</div>\n</section>\n");
}

/* ---------------------------------------------------------------- the page */

/* out to stream once it holds 64 KiB (all of it with `force`); nothing without a stream. */
static int drain(struct buf *out, FILE *stream, int force)
{
	int rc = 0;

	if (!stream || (!force && out->len < 65536))
		return 0;
	if (out->len && fwrite(out->ptr, 1, out->len, stream) != out->len)
		rc = -1;
	buf_reset(out);
	return rc;
}


/* The course's heading, its calendar, and the head of its table of changes. */
static int html_course(void *ctx, const struct render_group *g)
{
	struct hctx *h = ctx;
	const struct plan_course *pc = g->course;
	const struct cal *c = &h->cals[g - h->groups->v];
	const char *zone = render_zone(g);

	buf_puts(h->out, "<section class=\"course\">\n<h2>Course ");
	escs(h, g->course_id);
	if (pc && pc->course_code && *pc->course_code) {
		buf_puts(h->out, " &#8212; ");
		escs(h, pc->course_code);
	}
	if (pc && pc->name && *pc->name) {
		buf_puts(h->out, " &#8212; ");
		escs(h, pc->name);
	}
	buf_puts(h->out, " <span class=\"tz\">");
	if (zone)
		escs(h, zone);
	else
		buf_puts(h->out, "(no time zone: dates in UTC)");
	buf_puts(h->out, "</span></h2>\n");
	if (!g->nchanges && !g->nskips)
		buf_puts(h->out, "<p class=\"dim\">No changes.</p>\n");
	put_calendar(h, c);
	if (g->nchanges && c->n)
		buf_puts(h->out, "<h3>Changes</h3>\n");
	if (g->nchanges)
		buf_puts(h->out, "<table class=\"changes\">\n<thead><tr><th>Object</th><th>Field</th><th>Before</th>"
			 "<th>After</th><th>Steps</th><th>Note</th></tr></thead>\n<tbody>\n");
	return RENDER_WALK_ON;
}

static void html_course_end(void *ctx, const struct render_group *g)
{
	struct hctx *h = ctx;

	(void)g;
	buf_puts(h->out, "</section>\n");
	if (drain(h->out, h->stream, 0))   /* course by course: a window of 200 courses is 7 MB of page */
		h->failed = 1;
}

static void put_meta(struct hctx *h, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	buf_printf(h->out, "<dt>%s</dt><dd>", label);
	escs(h, value);
	buf_puts(h->out, "</dd>");
}

/* The calendars of the window's groups (g->n of them; cals_release). */
static struct cal *cals_build(const struct plan *p, const struct render_groups *g)
{
	struct cal *cals = xcalloc(g->n ? g->n : 1, sizeof(*cals));
	size_t i;

	for (i = 0; i < g->n; i++)
		cal_build(&cals[i], p, &g->v[i]);
	return cals;
}

static void cals_release(struct cal *cals, size_t n)
{
	size_t i;

	for (i = 0; i < n && cals; i++)
		cal_release(&cals[i]);
	free(cals);
}

int render_html(const struct plan *p, struct buf *out, FILE *stream)
{
	static const struct render_walk walk = { html_course, NULL, html_change, html_object_end, html_skip,
						 html_course_end };
	struct hctx h = { p, out, BUF_INIT, BUF_INIT, 0, NULL, NULL, stream, 0 };
	struct render_groups g;
	struct plan_summary s;
	struct err e = ERR_INIT;
	struct cal *cals = NULL;
	size_t i, dated = 0, weekend = 0, blackout = 0, w = plan_window_courses(p), lo = 0, hi;
	int rc = 0, kept = 0;

	plan_summarize(p, &s);
	/* the calendars first: the header counts what lands on a weekend or in a blackout. A pass over
	 * the windows (include/plan.h) that keeps only the counts; a plan of one window keeps its
	 * calendars for the page */
	memset(&g, 0, sizeof(g));
	do {
		hi = lo + w < p->ncourses ? lo + w : p->ncourses;
		if (plan_window(p, lo, hi, &e))
			return -1;
		render_groups_window(&g, p, lo, hi);
		cals = cals_build(p, &g);
		for (i = 0; i < g.n; i++) {
			dated += cals[i].n;
			weekend += cals[i].weekend;
			blackout += cals[i].blackout;
		}
		kept = lo == 0 && hi == p->ncourses;
		if (!kept) {
			cals_release(cals, g.n);
			cals = NULL;
			render_groups_release(&g);
		}
		lo = hi;
	} while (lo < p->ncourses);
	buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>coursectl plan");
	if (p->recipe_path && *p->recipe_path) {
		buf_puts(out, ": ");
		escs(&h, p->recipe_path);
	}
	buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>coursectl plan</h1>\n"
		   "<dl class=\"meta\">", STYLE);
	put_meta(&h, "Recipe", p->recipe_path);
	put_meta(&h, "Recipe SHA-256", p->recipe_sha256);
	put_meta(&h, "Description", p->description);
	put_meta(&h, "Canvas", p->base_url);
	put_meta(&h, "Created", p->created_at);
	buf_puts(out, "</dl>\n<p class=\"summary\">");
	buf_reset(&h.raw);
	render_summary_line(p, &h.raw);
	esc_raw(&h);
	buf_printf(out, "</p>\n<p class=\"counts\"><span>%zu to create</span><span>%zu to update</span>"
		   "<span>%zu to delete</span><span>%zu to move</span><span>%zu skipped</span></p>\n",
		   s.creates, s.updates, s.deletes, s.moves, s.skipped);
	if (dated) {
		buf_printf(out, "<p class=\"calsum%s\" id=\"calendar-summary\" data-items=\"%zu\" data-weekend=\"%zu\" "
			   "data-blackout=\"%zu\">%s", weekend || blackout ? " bad" : "", dated, weekend, blackout,
			   weekend || blackout ? "&#9888; " : "");
		buf_reset(&h.raw);
		put_warn_counts(&h.raw, weekend, blackout);
		esc_raw(&h);
		buf_puts(out, "</p>\n");
	}
	buf_puts(out, "</header>\n<main>\n");
	lo = 0;
	do {   /* the page, window by window */
		hi = lo + w < p->ncourses ? lo + w : p->ncourses;
		if (!kept) {
			if (plan_window(p, lo, hi, &e)) {
				rc = -1;
				break;
			}
			render_groups_window(&g, p, lo, hi);
			cals = cals_build(p, &g);
		}
		h.groups = &g;
		h.cals = cals;
		render_walk(p, &g, &walk, &h);
		cals_release(cals, g.n);
		cals = NULL;
		render_groups_release(&g);
		if (h.failed)
			rc = -1;
		kept = 0;
		lo = hi;
	} while (!rc && lo < p->ncourses);
	buf_puts(out, "</main>\n</body>\n</html>\n");
	if (drain(out, stream, 1))
		rc = -1;
	buf_release(&h.tmp);
	buf_release(&h.raw);
	return rc;
}

/* runner/render_html.c -- a plan as one self-contained HTML5 page (include/render.h, render_html).
 *
 * What it is for: the artifact a CI job attaches to a pull request, opened by someone who never
 * runs coursectl. So the page stands alone: inline CSS (light and dark), no script, no font, no
 * image, no link to anything -- it may be opened offline or from a mail attachment, and loads
 * nothing from anywhere.
 *
 * Layout: a header (recipe, description, Canvas, created; the summary line and the counts by
 * op), then one section per course (the same grouping as the text, render_internal.h) with a
 * table -- object, field, before, after, steps, note -- where an object's cell spans its fields'
 * rows, then the course's skipped entries. Values read as in the text (quoted strings, dates in the
 * course's zone beside UTC). HTML fields and long text are a token diff (textdiff.h) drawn with
 * <del>/<ins> in one cell across before and after, with about CONTEXT bytes of unchanged text
 * around each change and "…" for the rest, then a <details> with both full texts when each is
 * under FULL_MAX and the page has embedded less than FULL_TOTAL of them (a plan over 20 MB of
 * bodies would otherwise make a 40 MB page: the JSON plan has them all).
 * Created objects list their fields; HTML fields as their size with the text in a <details>.
 *
 * Escaping: every string is first neutralised by textdiff's rules (control characters, bidi
 * overrides and invalid UTF-8 as visible escapes -- a raw C0 byte is not valid HTML either), then
 * HTML-escaped: & < > " ' (so the same routine is safe in text and in attribute values). Nothing
 * from the plan is ever written unescaped.
 *
 * Rejected: embedding the JSON plan and rendering it with a script (a page that shows nothing
 * without JavaScript, and a second renderer to keep in step); a side-by-side before/after of whole
 * bodies (unreadable for a one-word change in a long one-line body).
 */
#include "render.h"

#include <string.h>

#include "render_internal.h"
#include "resource.h"
#include "textdiff.h"

#define CONTEXT 80              /* bytes of unchanged text kept either side of a change */
#define PART_MAX 2000           /* bytes of one deleted or inserted part shown */
#define DIFF_MAX 16384          /* bytes of source text shown per diff, then "… (N more changes)" */
#define FULL_MAX 65536          /* full texts in a <details> up to this size each, ... */
#define FULL_TOTAL (4u << 20)   /* ... and this much in the whole page */
#define VALUE_CAP 2000          /* a scalar, array or object value */
#define CREATE_CAP 200

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
	".none{color:var(--muted);font-style:italic}\n";

struct hctx {
	const struct plan *p;
	struct buf *out;
	struct buf tmp, raw;      /* scratch: neutralised text, raw values */
	size_t full_used;         /* bytes of full texts embedded so far */
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
			buf_printf(h->out, " " ELLIPSIS " <span class=\"dim\">(%zu more changes)</span>",
				   d->stats.changes - shown);
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

static void put_value_cell(struct hctx *h, const struct plan_change *c, const cJSON *v, const char *zone,
			   const char *cls)
{
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

static void put_object_cell(struct hctx *h, const struct plan_change *first, const char *op, size_t rows)
{
	const char *pk = render_parent_kind(first->kind);
	const char *mark = !strcmp(op, "create") ? "+" : !strcmp(op, "delete") ? "-" : "~";

	buf_printf(h->out, "<td class=\"obj\" rowspan=\"%zu\"><span class=\"op op-%s\">%s</span>",
		   rows, op, mark);
	escs(h, render_kind_name(first->kind));
	buf_putc(h->out, ' ');
	escs(h, first->id);
	if (first->name && *first->name) {
		buf_puts(h->out, "<br><span class=\"name\">");
		escs(h, first->name);
		buf_puts(h->out, "</span>");
	}
	if (pk && first->parent && *first->parent) {
		buf_puts(h->out, "<br><span class=\"dim\">in ");
		escs(h, pk);
		buf_putc(h->out, ' ');
		escs(h, first->parent);
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

static void put_changes(struct hctx *h, const struct render_group *g)
{
	const struct plan *p = h->p;
	const char *zone = render_zone(g);
	size_t i, j;

	buf_puts(h->out, "<table class=\"changes\">\n<thead><tr><th>Object</th><th>Field</th><th>Before</th>"
		 "<th>After</th><th>Steps</th><th>Note</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < g->nchanges;) {
		size_t end = render_block_end(p, g, i);
		const char *op = "update";

		for (j = i; j < end; j++) {
			enum plan_op o = p->changes[g->changes[j]].op;

			if (o == PLAN_CREATE)
				op = "create";
			else if (o == PLAN_DELETE && strcmp(op, "create"))
				op = "delete";
			else if (o == PLAN_MOVE && !strcmp(op, "update"))
				op = "move";
		}
		for (j = i; j < end; j++) {
			buf_printf(h->out, "<tr class=\"%s\">", plan_op_name(p->changes[g->changes[j]].op));
			if (j == i)
				put_object_cell(h, &p->changes[g->changes[i]], op, end - i);
			put_change_row(h, &p->changes[g->changes[j]], zone);
		}
		i = end;
	}
	buf_puts(h->out, "</tbody>\n</table>\n");
}

static void put_skips(struct hctx *h, const struct render_group *g)
{
	size_t i;

	buf_puts(h->out, "<h3>Skipped</h3>\n<table class=\"skipped\">\n<thead><tr><th>Object</th><th>Field</th>"
		 "<th>Reason</th><th>Step</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < g->nskips; i++) {
		const struct plan_skip *s = &h->p->skipped[g->skips[i]];

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
	}
	buf_puts(h->out, "</tbody>\n</table>\n");
}

static void put_course(struct hctx *h, const struct render_group *g)
{
	const struct plan_course *pc = g->course;
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
	if (g->nchanges)
		put_changes(h, g);
	if (g->nskips)
		put_skips(h, g);
	buf_puts(h->out, "</section>\n");
}

static void put_meta(struct hctx *h, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	buf_printf(h->out, "<dt>%s</dt><dd>", label);
	escs(h, value);
	buf_puts(h->out, "</dd>");
}

void render_html(const struct plan *p, struct buf *out)
{
	struct hctx h = { p, out, BUF_INIT, BUF_INIT, 0 };
	struct render_groups g;
	struct plan_summary s;
	size_t i;

	plan_summarize(p, &s);
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
		   "<span>%zu to delete</span><span>%zu to move</span><span>%zu skipped</span></p>\n"
		   "</header>\n<main>\n", s.creates, s.updates, s.deletes, s.moves, s.skipped);
	render_groups_init(&g, p);
	for (i = 0; i < g.n; i++)
		put_course(&h, &g.v[i]);
	render_groups_release(&g);
	buf_puts(out, "</main>\n</body>\n</html>\n");
	buf_release(&h.tmp);
	buf_release(&h.raw);
}

/* runner/render_markdown.c -- a plan as a pull-request comment: GitHub and GitLab flavoured Markdown
 * (include/render.h, render_markdown).
 *
 * What it is for: the comment a CI job posts on a pull request of a course repository, read by
 * someone who reviews the change and may never run coursectl. So it leads with what a reviewer
 * decides on -- the summary line (the same words as the text's) and a table with one row per
 * course (changes, objects, creates / updates / deletes / moves, skipped: the ops are what a
 * reviewer weighs, a delete above all) -- and puts the detail of each course in a collapsed
 * <details> block (open when the plan has one course), grouped by object as in the text (the plan
 * walker, render_walk.c). Dates read as in the text: local time with weekday in the course's zone,
 * before → after, then the UTC instants. Scalars sit inline; HTML fields and long or multi-line
 * text are a fenced ```diff block, so both forges colour the removed and added lines.
 *
 * The diff blocks: the token diff (textdiff.h) is turned into a line diff. Walking its ops, each side
 * builds its current line; a line untouched on both sides is context, the others become -/+ lines,
 * all the - lines of a run before its + lines, as in a unified diff; a lone insert or delete that
 * holds a line break is first slid to a line start when the same edit can start there (slide()),
 * so an added line reads as one + line, not as a changed pair. Hunks keep CONTEXT_LINES lines
 * of context and get "@@ -a,b +c,d @@" headers when a text has more than one line. A long line
 * (one-line HTML bodies are the common case) shows only LINE_CONTEXT bytes around each changed span
 * of it, "…" for the rest, so a one-word change in a 5 KB paragraph is one short - and + line --
 * better than either a plain line diff (the body twice) or the text's [-x-]{+y+} markers (which
 * neither forge colours). Created objects show their HTML fields the same way (all + lines): the
 * new page's text is what a template repository's reviewer wants to read.
 *
 * Escaping (every string of the plan is server or recipe data): first neutralised by textdiff's
 * rules (control characters, bidi overrides and invalid UTF-8 as visible escapes; a line break as
 * "\n" in inline text). Then, in Markdown text and table cells, the ASCII punctuation that starts an
 * inline construct in CommonMark, GFM or GitLab's extensions is backslash-escaped (\ ` * _ [ ] ~ | $
 * { }: emphasis, code, links, strikethrough, cells, math, GitLab's {+ +} diffs) and < > & become
 * entities, so no raw HTML from Canvas reaches the page ("</details>" and "<script>" are text).
 * Inside <summary>, an HTML block where Markdown is not parsed, the HTML escapes alone. An "@"
 * before a name gets a WORD JOINER (U+2060) after it: a Canvas title "@all" or "@org/team" must
 * not notify anyone from a bot's comment. Server text never starts a line (a fixed prefix comes
 * first), so the line-start constructs (#, -, +, 1., >, ===) need no escape. A fenced block uses a
 * fence one backtick longer than the longest run of backticks in it (at least three), so no line
 * of it can close it; its content is neutralised too.
 *
 * Size: GitHub refuses a comment over 65,536 characters (a CI job's post fails); the caller gives a
 * byte budget (default RENDER_MARKDOWN_BUDGET) for the whole comment, and it holds at any number of
 * courses. The head (title, summary line, what students will notice, recipe, warnings) is always
 * whole: it does not grow with the plan. The table is whole when it fits in the room the head
 * leaves less DETAILS_ROOM (about 500 courses at the default budget): it is the review, and a
 * handful of courses gives the same bytes as always. Past that (issue 18: at 2,000 courses the
 * table alone was 181 KB) it keeps, while they fit, the courses with deletes (the most first),
 * then those with skipped entries, then the first in recipe order -- what a reviewer must not
 * miss, then a sample they can check against the details, which come in recipe order -- shows
 * them in recipe order, and ends with one row "… | N more courses" holding the totals of the rest
 * and a line that names `--format text` and the plan file; the summary line above still counts
 * everything. DETAILS_ROOM keeps room for the first courses' details, so the reviewer sees what a
 * change looks like. The details are rendered at level 0 (diff blocks whole), then, when they do
 * not fit, at level 1 and 2 (each diff block's first 40, then 12 lines, and "… N more lines"), and
 * at level 2 they are filled object by object while they fit, minus RESERVE bytes kept for the
 * closing lines: the course where the room ends says how many of its changes are not shown and
 * closes its <details>; the courses after it are one line with their counts, pointing to the plan
 * file and `--format text`. Pieces are appended whole, so the output never ends inside a UTF-8
 * sequence, a fence or a <details> block: the walker's callbacks (md_course, md_object, md_change,
 * md_object_end, md_skip, md_course_end) make each piece and say when the rest of a course is
 * left out or the trial is over. Rendering up to three times costs little next to the
 * network time of a plan, and is simpler than predicting the size of each level.
 *
 * Windows (issue 18, "flat memory"; include/plan.h): a plan of thousands of courses is spilled and
 * never resident at once, so the comment walks its windows like the text. A first pass
 * (collect_rows) keeps per course only its counts and its row's length (struct row, about 100
 * bytes): the table is chosen from them and its rows printed from them. Each level's details walk
 * the windows again from the first; a trial stops at the first piece past its room, so at
 * thousands of courses it reads a window or two, and once the last level's room runs out the
 * courses left are counted from the rows, not read back. Memory: a window, the rows and the
 * comment (at most the budget).
 *
 * Rejected: a table row per change (a diff does not fit in a cell; dates and names make rows too
 * wide); nested lists with indented fences (one wrong indent turns the rest into a code block);
 * code spans for server strings (GFM tables still split them at "|", and a backtick inside needs
 * the same care as a fence); a per-course line for each omitted course (for a 10,000-course plan
 * that is itself over the budget). For a long table: cutting it at the budget with the details
 * dropped (a reviewer sees 600 rows of the same counts and no change); sorting every row by
 * importance (the table no longer reads in the recipe's order, the details' order); a second
 * comment for the rest (CI posts one comment and updates it; several would need their own
 * bookkeeping); the whole plan of one window at a time held as rendered text (the comment's own
 * size is the bound, and the rows are all that the choice needs).
 */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "textdiff.h"
#include "xalloc.h"

#define ARROW    "\xe2\x86\x92"   /* → */
#define ELLIPSIS "\xe2\x80\xa6"   /* … */
#define MDASH    "\xe2\x80\x94"   /* — */
#define MIDDOT   "\xc2\xb7"       /* · */
#define WJ       "\xe2\x81\xa0"   /* U+2060 WORD JOINER */

#define SCALAR_CAP 200          /* bytes of a value on an update line */
#define CONTEXT_LINES 3         /* lines of context around a change in a diff block */
#define LINE_WIDE 160           /* a diff line longer than this is trimmed ... */
#define LINE_CONTEXT 40         /* ... to this many bytes around each changed span */
#define RESERVE 1024            /* room kept for the lines that close a shortened comment */
#define DETAILS_ROOM 12000      /* room a shortened table leaves for the details */
#define LEVELS 3

static const size_t level_lines[LEVELS] = { 0, 40, 12 };      /* lines of a diff block; 0: all */
static const size_t level_line_max[LEVELS] = { 2000, 600, 300 };  /* bytes of one diff line */

struct mctx {
	const struct plan *p;
	struct buf raw;           /* scratch: a value before escaping */
	size_t diff_lines;        /* this level's */
	size_t line_max;
	/* put_details' walk over the courses */
	const struct rows *rows;  /* every course's counts (the first pass) */
	struct buf *out, piece;   /* the details so far; the piece being made, appended when it fits */
	size_t base, limit;       /* out's length before the details; their room */
	int fill, full;           /* leave out what does not fit (else stop); the room has run out */
	size_t om_courses, om_changes, om_skips;          /* courses left out whole */
	size_t shown_changes, shown_objects, shown_skips; /* of the course being written */
};

static int is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* ---------------------------------------------------------------- escaping */

enum esc { ESC_MD, ESC_HTML };

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

/* s[0..len) from the server, neutralised (line breaks as "\n") and escaped for `how`. */
static void put_esc(struct buf *out, const char *s, size_t len, enum esc how)
{
	struct buf n = BUF_INIT;
	const char *nl;
	char two[3] = { '\\', 0, 0 };
	size_t i, run = 0;

	while ((nl = memchr(s, '\n', len)) != NULL) {
		textdiff_put_escaped(&n, s, (size_t)(nl - s));
		buf_puts(&n, "\\n");
		len -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
	textdiff_put_escaped(&n, s, len);
	for (i = 0; i < n.len; i++) {
		const char *rep = NULL;
		char c = n.ptr[i];

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = how == ESC_HTML ? "&quot;" : NULL; break;
		case '\'': rep = how == ESC_HTML ? "&#39;" : NULL; break;
		case '@': rep = name_char(n.ptr[i + 1]) ? "@" WJ : NULL; break;
		case '\\': case '`': case '*': case '_': case '[': case ']': case '~': case '|': case '$':
		case '{': case '}':
			if (how == ESC_MD) {
				two[1] = c;
				rep = two;
			}
			break;
		default: break;
		}
		if (!rep)
			continue;
		buf_add(out, n.ptr + run, i - run);
		buf_puts(out, rep);
		run = i + 1;
	}
	buf_add(out, n.ptr + run, n.len - run);
	buf_release(&n);
}

static void put_md(struct buf *out, const char *s)
{
	if (s)
		put_esc(out, s, strlen(s), ESC_MD);
}

static void put_html(struct buf *out, const char *s)
{
	if (s)
		put_esc(out, s, strlen(s), ESC_HTML);
}

/* ---------------------------------------------------------------- line diff from the token diff */

enum lkind { L_CTX, L_DEL, L_INS };

struct span {
	size_t start, end;        /* changed bytes of a line */
};

struct dline {
	enum lkind kind;
	size_t off, len;          /* in ldiff.text */
	size_t sp, nsp;           /* in ldiff.spans */
	size_t oldno, newno;      /* lines of each side before this one */
};

struct lines {
	struct dline *v;
	size_t n, alloc;
};

struct side {                     /* the line a side is building */
	struct buf text;
	struct span *sp;
	size_t nsp, asp;
	int touched;              /* an edit is in it (or, for the other side, at a point inside it) */
};

struct ldiff {
	struct buf text;
	struct lines out, pend[2];        /* pend: - and + lines waiting for the end of their run */
	struct span *spans;
	size_t nspans, aspans;
	struct side s[2];                 /* 0 old, 1 new */
	size_t nold, nnew;
};

static void lines_push(struct lines *l, const struct dline *d)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 16;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = *d;
}

static void side_add(struct side *s, const char *p, size_t n, int changed)
{
	if (!n)
		return;
	if (changed) {
		if (s->nsp && s->sp[s->nsp - 1].end == s->text.len) {
			s->sp[s->nsp - 1].end += n;
		} else {
			if (s->nsp == s->asp) {
				s->asp = s->asp ? 2 * s->asp : 4;
				s->sp = xrealloc(s->sp, s->asp * sizeof(*s->sp));
			}
			s->sp[s->nsp].start = s->text.len;
			s->sp[s->nsp++].end = s->text.len + n;
		}
	}
	buf_add(&s->text, p, n);
}

/* The side's line as a finished line of `kind` (its spans copied); the side starts a new line. */
static struct dline take_line(struct ldiff *ld, int k, enum lkind kind)
{
	struct side *s = &ld->s[k];
	struct dline d;

	memset(&d, 0, sizeof(d));
	d.kind = kind;
	d.off = ld->text.len;
	d.len = s->text.len;
	buf_add(&ld->text, buf_str(&s->text), s->text.len);
	d.sp = ld->nspans;
	d.nsp = kind == L_CTX ? 0 : s->nsp;
	if (ld->nspans + d.nsp > ld->aspans) {
		ld->aspans = 2 * (ld->nspans + d.nsp) + 8;
		ld->spans = xrealloc(ld->spans, ld->aspans * sizeof(*ld->spans));
	}
	if (d.nsp)
		memcpy(ld->spans + ld->nspans, s->sp, d.nsp * sizeof(*s->sp));
	ld->nspans += d.nsp;
	buf_reset(&s->text);
	s->nsp = 0;
	s->touched = 0;
	return d;
}

static void add_line(struct ldiff *ld, struct dline d)
{
	d.oldno = ld->nold;
	d.newno = ld->nnew;
	ld->nold += d.kind != L_INS;
	ld->nnew += d.kind != L_DEL;
	lines_push(&ld->out, &d);
}

/* The - lines of the run, then its + lines. */
static void flush(struct ldiff *ld)
{
	size_t k, i;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < ld->pend[k].n; i++)
			add_line(ld, ld->pend[k].v[i]);
		ld->pend[k].n = 0;
	}
}

static void end_one(struct ldiff *ld, int k)
{
	struct dline d = take_line(ld, k, k ? L_INS : L_DEL);

	lines_push(&ld->pend[k], &d);
}

/* A line break both sides share. */
static void end_both(struct ldiff *ld)
{
	if (!ld->s[0].touched && !ld->s[1].touched) {
		flush(ld);
		add_line(ld, take_line(ld, 0, L_CTX));
		buf_reset(&ld->s[1].text);
		ld->s[1].nsp = 0;
	} else {
		end_one(ld, 0);
		end_one(ld, 1);
	}
}

static void feed_equal(struct ldiff *ld, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t piece = nl ? (size_t)(nl - s) : n;

		side_add(&ld->s[0], s, piece, 0);
		side_add(&ld->s[1], s, piece, 0);
		if (!nl)
			break;
		end_both(ld);
		s += piece + 1;
		n -= piece + 1;
	}
}

/* Deleted (k 0) or inserted (k 1) text. Whole lines between two line starts leave the other side's
 * line alone; anything else is an edit inside it. */
static void feed_edit(struct ldiff *ld, int k, const char *s, size_t n)
{
	int pure = n && s[n - 1] == '\n' && !ld->s[0].text.len && !ld->s[1].text.len && !ld->s[0].touched &&
		   !ld->s[1].touched;

	if (!pure)
		ld->s[1 - k].touched = 1;
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t piece = nl ? (size_t)(nl - s) : n;

		side_add(&ld->s[k], s, piece, 1);
		ld->s[k].touched = 1;
		if (!nl)
			break;
		end_one(ld, k);
		s += piece + 1;
		n -= piece + 1;
	}
}

/* Moves ops[i], a lone insert or delete between two equal runs, to start at a line start when the
 * same edit can start there: the token diff puts "two\nline " after "line " where a reader wants
 * "line two\n" before "line 3". Left: the text before it on its line is also the end of the edit;
 * right: the edit's first line (with its break) also starts the equal run after it. */
static void slide(struct textdiff_op *ops, size_t n, size_t i, const char *a, const char *b)
{
	struct textdiff_op *e = &ops[i - 1], *x = &ops[i], *f = i + 1 < n ? &ops[i + 1] : NULL;
	int del = x->kind == TEXTDIFF_DELETE;
	const char *t = del ? a : b, *nl;
	size_t off = del ? x->a_off : x->b_off, len = del ? x->a_len : x->b_len, k;

	if (!f || f->kind != TEXTDIFF_EQUAL || !memchr(t + off, '\n', len) || !off || t[off - 1] == '\n')
		return;
	for (k = 0; k < e->a_len && t[off - k - 1] != '\n'; k++)
		;
	if (k < e->a_len || i == 1) {
		if (k && k <= len && !memcmp(t + off + len - k, t + off - k, k)) {
			e->a_len -= k;
			e->b_len -= k;
			x->a_off -= k;
			x->b_off -= k;
			f->a_off -= k;
			f->b_off -= k;
			f->a_len += k;
			f->b_len += k;
			return;
		}
	}
	nl = memchr(t + off, '\n', len);
	k = (size_t)(nl - (t + off)) + 1;
	if (k <= f->a_len && !memcmp(t + off, t + off + len, k)) {
		e->a_len += k;
		e->b_len += k;
		x->a_off += k;
		x->b_off += k;
		f->a_off += k;
		f->b_off += k;
		f->a_len -= k;
		f->b_len -= k;
	}
}

static void ldiff_build(struct ldiff *ld, const struct textdiff *d)
{
	struct textdiff_op *ops = xmalloc((d->nops + 1) * sizeof(*ops));
	size_t i;

	memset(ld, 0, sizeof(*ld));
	if (d->nops)
		memcpy(ops, d->ops, d->nops * sizeof(*ops));
	for (i = 1; i < d->nops; i++)
		if (ops[i].kind != TEXTDIFF_EQUAL && ops[i - 1].kind == TEXTDIFF_EQUAL)
			slide(ops, d->nops, i, d->a, d->b);
	for (i = 0; i < d->nops; i++) {
		const struct textdiff_op *op = &ops[i];

		if (op->kind == TEXTDIFF_EQUAL)
			feed_equal(ld, d->a + op->a_off, op->a_len);
		else if (op->kind == TEXTDIFF_DELETE)
			feed_edit(ld, 0, d->a + op->a_off, op->a_len);
		else
			feed_edit(ld, 1, d->b + op->b_off, op->b_len);
	}
	if (ld->s[0].text.len || ld->s[1].text.len || ld->s[0].touched || ld->s[1].touched) {
		if (!ld->s[0].touched && !ld->s[1].touched) {
			end_both(ld);
		} else {
			if (ld->s[0].text.len)
				end_one(ld, 0);
			if (ld->s[1].text.len)
				end_one(ld, 1);
		}
	}
	flush(ld);
	free(ops);
}

static void ldiff_release(struct ldiff *ld)
{
	int k;

	buf_release(&ld->text);
	free(ld->out.v);
	free(ld->spans);
	for (k = 0; k < 2; k++) {
		free(ld->pend[k].v);
		buf_release(&ld->s[k].text);
		free(ld->s[k].sp);
	}
}

/* ---------------------------------------------------------------- diff blocks */

static size_t snap_back(const char *s, size_t i)
{
	while (i > 0 && is_cont((unsigned char)s[i]))
		i--;
	return i;
}

static size_t snap_fwd(const char *s, size_t n, size_t i)
{
	while (i < n && is_cont((unsigned char)s[i]))
		i++;
	return i;
}

static int is_break(char c)
{
	return c == ' ' || c == '\t' || c == '>' || c == '<';
}

/* A piece's start moved to the next word when one starts within SNAP bytes (not past `limit`), so
 * a piece does not open in the middle of a word; else on a UTF-8 boundary. */
#define SNAP 16
static size_t word_start(const char *s, size_t rs, size_t limit)
{
	size_t j;

	if (rs == 0 || is_break(s[rs - 1]))
		return rs;
	for (j = rs; j < limit && j < rs + SNAP; j++)
		if (is_break(s[j]))
			return s[j] == '<' ? j : j + 1;
	return snap_back(s, rs);
}

/* The same for a piece's end: back to the end of a word, not before `limit`. */
static size_t word_end(const char *s, size_t n, size_t re, size_t limit)
{
	size_t j;

	if (re >= n || is_break(s[re]))
		return re;
	for (j = re; j > limit && j + SNAP > re; j--)
		if (is_break(s[j - 1]))
			return s[j - 1] == '>' ? j : j - 1;
	return snap_fwd(s, n, re);
}

/* s[0..n) neutralised, at most `room` bytes of it (cut on a UTF-8 boundary, "…" after). Returns the
 * bytes of s used. */
static size_t put_piece(struct buf *out, const char *s, size_t n, size_t room)
{
	size_t cut = n;

	if (cut > room)
		cut = snap_back(s, room);
	textdiff_put_escaped(out, s, cut);
	if (cut < n)
		buf_puts(out, ELLIPSIS);
	return cut;
}

/* One diff line's text: whole when short; else the head (no spans) or LINE_CONTEXT bytes around each
 * changed span, "…" for the rest; at most m->line_max bytes of it in all. */
static void put_line_text(const struct mctx *m, struct buf *out, const struct ldiff *ld, const struct dline *d)
{
	const char *s = ld->text.ptr ? ld->text.ptr + d->off : "";
	size_t n = d->len, i, room = m->line_max, rs = 0, re = 0, used;

	if (n <= LINE_WIDE) {
		textdiff_put_escaped(out, s, n);
		return;
	}
	if (!d->nsp) {
		put_piece(out, s, n, LINE_WIDE);
		return;
	}
	for (i = 0; i < d->nsp && room;) {
		const struct span *sp = &ld->spans[d->sp + i];

		rs = snap_back(s, sp->start > LINE_CONTEXT ? sp->start - LINE_CONTEXT : 0);
		re = sp->end + LINE_CONTEXT < n ? sp->end + LINE_CONTEXT : n;
		/* spans close together share one piece */
		while (i + 1 < d->nsp && ld->spans[d->sp + i + 1].start <= re + LINE_CONTEXT) {
			i++;
			re = ld->spans[d->sp + i].end + LINE_CONTEXT < n ? ld->spans[d->sp + i].end + LINE_CONTEXT : n;
		}
		rs = word_start(s, rs, sp->start);
		re = word_end(s, n, re, ld->spans[d->sp + i].end);
		if (rs > 0)
			buf_puts(out, ELLIPSIS);
		used = put_piece(out, s + rs, re - rs, room);
		room -= used;
		if (used < re - rs)
			return;          /* put_piece wrote the "…" */
		i++;
	}
	if (i < d->nsp || re < n)
		buf_puts(out, ELLIPSIS);
}

struct hunk {
	size_t start, end;
};

static int changed(const struct ldiff *ld, size_t i)
{
	return ld->out.v[i].kind != L_CTX;
}

/* The hunks of ld (malloced, the caller frees) and their number. */
static struct hunk *hunks_of(const struct ldiff *ld, size_t *nh)
{
	struct hunk *h = NULL;
	size_t n = ld->out.n, i = 0, ah = 0, c, last, k;

	*nh = 0;
	while (i < n) {
		for (c = i; c < n && !changed(ld, c); c++)
			;
		if (c == n)
			break;
		last = c;
		for (k = c + 1; k < n && k - last <= 2 * CONTEXT_LINES; k++)
			if (changed(ld, k))
				last = k;
		if (*nh == ah) {
			ah = ah ? 2 * ah : 4;
			h = xrealloc(h, ah * sizeof(*h));
		}
		h[*nh].start = c >= i + CONTEXT_LINES ? c - CONTEXT_LINES : i;
		h[*nh].end = last + 1 + CONTEXT_LINES < n ? last + 1 + CONTEXT_LINES : n;
		i = h[(*nh)++].end;
	}
	return h;
}

/* The diff of a against b as the lines of a ```diff block (no fence), at most m->diff_lines of them.
 * Returns the number of changes (0: equal texts, nothing written). */
static int diff_lines(const struct mctx *m, struct buf *out, const char *a, const char *b)
{
	struct textdiff *d;
	struct ldiff ld;
	struct hunk *h;
	size_t nh, k, i, total = 0, shown = 0;
	int headers, nchanges;

	nchanges = textdiff(&d, a, strlen(a), b, strlen(b));
	if (!nchanges) {
		textdiff_free(d);
		return 0;
	}
	ldiff_build(&ld, d);
	textdiff_free(d);
	h = hunks_of(&ld, &nh);
	headers = ld.nold > 1 || ld.nnew > 1;
	for (k = 0; k < nh; k++)
		total += (size_t)headers + h[k].end - h[k].start;
	for (k = 0; k < nh; k++) {
		size_t oc = 0, nc = 0;

		for (i = h[k].start; i < h[k].end; i++) {
			oc += ld.out.v[i].kind != L_INS;
			nc += ld.out.v[i].kind != L_DEL;
		}
		if (headers) {
			if (m->diff_lines && shown == m->diff_lines)
				break;
			buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ld.out.v[h[k].start].oldno + (oc > 0), oc,
				   ld.out.v[h[k].start].newno + (nc > 0), nc);
			shown++;
		}
		for (i = h[k].start; i < h[k].end; i++) {
			const struct dline *dl = &ld.out.v[i];

			if (m->diff_lines && shown == m->diff_lines)
				break;
			buf_putc(out, dl->kind == L_DEL ? '-' : dl->kind == L_INS ? '+' : ' ');
			put_line_text(m, out, &ld, dl);
			buf_putc(out, '\n');
			shown++;
		}
	}
	if (shown < total)
		buf_printf(out, ELLIPSIS " %zu more line%s\n", total - shown, total - shown == 1 ? "" : "s");
	free(h);
	ldiff_release(&ld);
	return nchanges;
}

/* body as a fenced ```diff block, blank lines around it; the fence is longer than any backtick
 * run of the body. */
static void put_fenced(struct buf *out, const struct buf *body)
{
	size_t i, run = 0, longest = 0, k;

	for (i = 0; i < body->len; i++) {
		run = body->ptr[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	longest = longest < 3 ? 3 : longest + 1;
	buf_putc(out, '\n');
	for (k = 0; k < longest; k++)
		buf_putc(out, '`');
	buf_puts(out, "diff\n");
	buf_add(out, buf_str(body), body->len);
	for (k = 0; k < longest; k++)
		buf_putc(out, '`');
	buf_puts(out, "\n\n");
}

/* ---------------------------------------------------------------- changes */

/* v as on an update line: render_value, escaped. */
static void put_value(struct mctx *m, struct buf *out, const struct plan_change *c, const char *field,
		      const cJSON *v, const char *zone)
{
	buf_reset(&m->raw);
	render_value(&m->raw, c->kind, field, v, zone, SCALAR_CAP);
	put_esc(out, buf_str(&m->raw), m->raw.len, ESC_MD);
}

static void put_steps(struct buf *out, const struct plan_change *c)
{
	struct buf s = BUF_INIT;

	if (!c->nsteps)
		return;
	render_steps(&s, c);
	buf_puts(out, " \\[");
	put_esc(out, buf_str(&s), s.len, ESC_MD);
	buf_puts(out, "\\]");
	buf_release(&s);
}

static void put_note(struct buf *out, const char *note)
{
	if (!note || !*note)
		return;
	buf_puts(out, " (");
	put_md(out, note);
	buf_putc(out, ')');
}

/* A diff block for a -> b under the line begun by the caller; 0, or -1 when the texts are equal. */
static int put_diff(struct mctx *m, struct buf *out, const char *a, const char *b)
{
	struct buf body = BUF_INIT;
	int rc = -1;

	if (diff_lines(m, &body, a, b)) {
		buf_putc(out, '\n');
		put_fenced(out, &body);
		rc = 0;
	}
	buf_release(&body);
	return rc;
}

static void put_update(struct mctx *m, struct buf *out, const struct plan_change *c, const char *zone,
		       int show_steps)
{
	struct render_date_update d;

	buf_puts(out, "- **");
	put_md(out, c->field ? c->field : "(object)");
	buf_puts(out, "**");
	put_note(out, c->note);
	if (render_wants_diff(c)) {
		size_t mark = out->len;

		if (cJSON_IsNull(c->before))
			buf_puts(out, " (was null)");
		else if (cJSON_IsNull(c->after))
			buf_puts(out, " (becomes null)");
		if (show_steps)
			put_steps(out, c);
		if (put_diff(m, out, cJSON_IsString(c->before) ? c->before->valuestring : "",
			     cJSON_IsString(c->after) ? c->after->valuestring : "") == 0)
			return;
		out->len = mark;          /* equal texts (null against ""): the values, steps last */
		out->ptr[mark] = '\0';
	}
	if (render_date_update(c, zone, &d) == 0) {
		buf_printf(out, " %s " ARROW " %s (UTC %s " ARROW " %s)", d.before_loc, d.after_loc, d.before_utc,
			   d.after_utc);
	} else {
		buf_putc(out, ' ');
		put_value(m, out, c, c->field, c->before, zone);
		buf_puts(out, " " ARROW " ");
		put_value(m, out, c, c->field, c->after, zone);
	}
	if (show_steps)
		put_steps(out, c);
	buf_putc(out, '\n');
}

static void put_create(struct mctx *m, struct buf *out, const struct plan_change *c, const char *zone)
{
	const cJSON *item;

	if (!cJSON_IsObject(c->after)) {
		if (!cJSON_IsNull(c->after)) {
			buf_puts(out, "- ");
			put_value(m, out, c, NULL, c->after, zone);
			buf_putc(out, '\n');
		}
		return;
	}
	cJSON_ArrayForEach(item, c->after) {
		if (render_create_field_hidden(c, item))
			continue;
		buf_puts(out, "- **");
		put_md(out, item->string);
		buf_puts(out, "** ");
		buf_reset(&m->raw);
		render_create_value(&m->raw, c->kind, item->string, item, zone, SCALAR_CAP);
		put_esc(out, buf_str(&m->raw), m->raw.len, ESC_MD);
		if (cJSON_IsString(item) && render_is_html_field(c->kind, item->string) &&
		    put_diff(m, out, "", item->valuestring) == 0)
			continue;
		buf_putc(out, '\n');
	}
}

/* `kind id` bold, then "name" and the parent */
static void put_object_name(struct buf *out, enum resource_kind kind, const char *id, const char *name,
			    const char *parent)
{
	const char *pk = render_parent(kind, &parent);

	buf_puts(out, "**");
	put_md(out, render_kind_name(kind));
	if (id && *id) {
		buf_putc(out, ' ');
		put_md(out, id);
	}
	buf_puts(out, "**");
	if (name && *name) {
		buf_puts(out, " \"");
		put_md(out, name);
		buf_putc(out, '"');
	}
	if (pk && parent && *parent) {
		buf_printf(out, " (in %s ", pk);
		put_md(out, parent);
		buf_putc(out, ')');
	}
}

/* One object: its line (a paragraph), its fields (a list), a blank line; made in m->piece. */
static void md_object(void *ctx, const struct render_object *o)
{
	struct mctx *m = ctx;
	struct buf *out = &m->piece;
	const struct plan_change *first = o->first;

	buf_reset(out);
	buf_printf(out, "`%c` ", o->marker);
	put_object_name(out, first->kind, first->id, first->name, first->parent);
	if (o->marker == '-')
		buf_puts(out, " " MDASH " deleted");
	if (o->whole)
		put_note(out, o->whole->note);
	if (o->step) {
		buf_puts(out, " \\[");
		put_md(out, o->step);
		buf_puts(out, "\\]");
	} else if (o->whole) {
		put_steps(out, o->whole);
	}
	buf_puts(out, "\n\n");
}

static void md_change(void *ctx, const struct render_object *o, const struct plan_change *c)
{
	struct mctx *m = ctx;

	if (c->op == PLAN_CREATE)
		put_create(m, &m->piece, c, o->zone);
	else if (c != o->whole)
		put_update(m, &m->piece, c, o->zone, o->step == NULL);
}

static void put_skip(struct buf *out, const struct plan_skip *s)
{
	buf_puts(out, "- ");
	put_object_name(out, s->kind, s->id, s->name, NULL);
	if (s->field && *s->field) {
		buf_puts(out, " **");
		put_md(out, s->field);
		buf_puts(out, "**");
	}
	buf_puts(out, ": ");
	put_md(out, s->reason);
	if (s->step && *s->step) {
		buf_puts(out, " \\[");
		put_md(out, s->step);
		buf_puts(out, "\\]");
	}
	buf_putc(out, '\n');
}

/* ---------------------------------------------------------------- courses */

struct counts {
	size_t changes, objects, creates, updates, deletes, moves, skipped;
};

static void count_group(const struct plan *p, const struct render_group *g, struct counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->changes = g->nchanges;
	c->skipped = g->nskips;
	c->objects = g->nobjects;
	for (i = 0; i < g->nchanges; i++) {
		switch (p->changes[g->changes[i]].op) {
		case PLAN_CREATE: c->creates++; break;
		case PLAN_DELETE: c->deletes++; break;
		case PLAN_MOVE: c->moves++; break;
		default: c->updates++; break;
		}
	}
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* "PHYS 101 — Physics I" with `put` (Markdown or HTML escaping) */
static void put_course_name(struct buf *out, const struct plan_course *pc, void (*put)(struct buf *, const char *))
{
	int code = pc && pc->course_code && *pc->course_code, name = pc && pc->name && *pc->name;

	if (code)
		put(out, pc->course_code);
	if (code && name)
		buf_puts(out, " " MDASH " ");
	if (name)
		put(out, pc->name);
}

/* ---------------------------------------------------------------- the table */

/* A course of the table, kept for the whole plan while its windows come and go (include/plan.h
 * "Windows"): its counts and the length of its row, about 100 bytes a course. */
struct row {
	const struct plan_course *course;   /* NULL: a course the plan names but does not describe */
	char *id;                 /* owned: a window's groups borrow it from changes that go */
	struct counts c;
	size_t len;               /* bytes of its table row */
	int shown;                /* in a shortened table */
};

struct rows {
	struct row *v;
	size_t n, alloc;
};

static void rows_release(struct rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].id);
	free(r->v);
}

static void put_row(struct buf *out, const char *id, const struct plan_course *pc, const struct counts *c)
{
	buf_puts(out, "| ");
	put_md(out, id);
	buf_puts(out, " | ");
	put_course_name(out, pc, put_md);
	buf_printf(out, " | %zu | %zu | %zu | %zu | %zu | %zu | %zu |\n", c->changes, c->objects, c->creates,
		   c->updates, c->deletes, c->moves, c->skipped);
}

/* The first pass over the windows: every course's counts and the length of its row (scratch: a
 * buffer to measure it in). 0, or -1 when a window cannot be read back. */
static int collect_rows(const struct plan *p, struct rows *r, struct buf *scratch)
{
	struct render_groups g;
	struct err e = ERR_INIT;
	size_t w = plan_window_courses(p), lo = 0, hi, i;

	do {
		hi = lo + w < p->ncourses ? lo + w : p->ncourses;
		if (plan_window(p, lo, hi, &e))
			return -1;
		render_groups_window(&g, p, lo, hi);
		if (r->n + g.n > r->alloc) {
			r->alloc = 2 * (r->n + g.n) + 16;
			r->v = xrealloc(r->v, r->alloc * sizeof(*r->v));
		}
		for (i = 0; i < g.n; i++) {
			struct row *row = &r->v[r->n++];

			row->course = g.v[i].course;
			row->id = xstrdup(g.v[i].course_id);
			count_group(p, &g.v[i], &row->c);
			buf_reset(scratch);
			put_row(scratch, row->id, row->course, &row->c);
			row->len = scratch->len;
			row->shown = 0;
		}
		render_groups_release(&g);
		lo = hi;
	} while (lo < p->ncourses);
	return 0;
}

static void add_counts(struct counts *to, const struct counts *c)
{
	to->changes += c->changes;
	to->objects += c->objects;
	to->creates += c->creates;
	to->updates += c->updates;
	to->deletes += c->deletes;
	to->moves += c->moves;
	to->skipped += c->skipped;
}

/* The last row of a shortened table, the `left` courses it leaves out, and the paragraph under it. */
static void put_rest(struct buf *out, size_t shown, size_t left, size_t total, const struct counts *rest)
{
	buf_printf(out, "| " ELLIPSIS " | *%zu more course%s* | %zu | %zu | %zu | %zu | %zu | %zu | %zu |\n\n",
		   left, plural(left), rest->changes, rest->objects, rest->creates, rest->updates, rest->deletes,
		   rest->moves, rest->skipped);
	buf_printf(out, "*The table shows %zu of the %zu courses (the comment's size limit): those with deletes "
		   "first, then those with skipped entries, then the first in recipe order; its last row totals "
		   "the other %zu. Every course: `coursectl plan --format text`, or the plan file saved with "
		   "`--out`.*\n\n", shown, total, left);
}

/* The order a shortened table keeps its rows in: the most deletes first, then skipped entries,
 * then recipe order. */
struct pick {
	size_t deletes, i;
	int skipped;
};

static int cmp_pick(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->deletes != y->deletes)
		return x->deletes > y->deletes ? -1 : 1;
	if (x->skipped != y->skipped)
		return y->skipped - x->skipped;
	return x->i < y->i ? -1 : x->i > y->i;
}

#define TABLE_HEAD "| Course | Name | Changes | Objects | Create | Update | Delete | Move | Skipped |\n" \
		   "|---|---|--:|--:|--:|--:|--:|--:|--:|\n"

/* The table in at most `limit` bytes (when the head and its last row fit at all): every row when
 * they fit, else the rows that matter most (struct pick's order) while they fit, shown in recipe
 * order, and a last row with the totals of the rest (put_rest). */
static void put_table(struct rows *r, struct buf *out, size_t limit)
{
	struct buf tail = BUF_INIT;
	struct counts all, rest;
	struct pick *order;
	size_t i, whole = sizeof(TABLE_HEAD) - 1 + 1, fixed, used = 0, shown = 0;

	memset(&all, 0, sizeof(all));
	for (i = 0; i < r->n; i++) {
		whole += r->v[i].len;
		add_counts(&all, &r->v[i].c);
	}
	buf_puts(out, TABLE_HEAD);
	if (whole <= limit) {
		for (i = 0; i < r->n; i++)
			put_row(out, r->v[i].id, r->v[i].course, &r->v[i].c);
		buf_putc(out, '\n');
		return;
	}
	/* the room for rows: what the head and the longest last row and paragraph leave (no count is
	 * longer than the plan's) */
	put_rest(&tail, r->n, r->n, r->n, &all);
	fixed = sizeof(TABLE_HEAD) - 1 + tail.len;
	buf_release(&tail);
	order = xmalloc(r->n * sizeof(*order));
	for (i = 0; i < r->n; i++) {
		order[i].deletes = r->v[i].c.deletes;
		order[i].skipped = r->v[i].c.skipped > 0;
		order[i].i = i;
	}
	qsort(order, r->n, sizeof(*order), cmp_pick);
	for (i = 0; i < r->n && fixed + used + r->v[order[i].i].len <= limit; i++) {
		r->v[order[i].i].shown = 1;
		used += r->v[order[i].i].len;
		shown++;
	}
	free(order);
	memset(&rest, 0, sizeof(rest));
	for (i = 0; i < r->n; i++) {
		if (r->v[i].shown)
			put_row(out, r->v[i].id, r->v[i].course, &r->v[i].c);
		else
			add_counts(&rest, &r->v[i].c);
	}
	put_rest(out, shown, r->n - shown, r->n, &rest);
}

/* The bytes the table may take of `room` (what the head and the warnings leave): all of it but
 * DETAILS_ROOM for the details, half of a room under twice that. */
static size_t table_limit(size_t room)
{
	return room > 2 * DETAILS_ROOM ? room - DETAILS_ROOM : room / 2;
}

/* The title, the summary line, what students will notice and the recipe. */
static void put_head(const struct plan *p, struct buf *out)
{
	buf_puts(out, "<!-- coursectl plan -->\n## coursectl plan\n\n**");
	render_summary_line(p, out);
	buf_puts(out, "**\n\n");
	if (render_notify_line(p, out))   /* plain text: quotes and a colon, nothing Markdown reads */
		buf_puts(out, "\n\n");
	if ((p->recipe_path && *p->recipe_path) || (p->description && *p->description)) {
		buf_puts(out, "Recipe");
		if (p->recipe_path && *p->recipe_path) {
			buf_puts(out, " **");
			put_md(out, p->recipe_path);
			buf_puts(out, "**");
		}
		if (p->description && *p->description) {
			buf_puts(out, ": ");
			put_md(out, p->description);
		}
		buf_puts(out, "\n\n");
	}
}

/* Steps that selected nothing (issue 16), at most MAX_WARNINGS lines: part of the head, so always
 * shown whatever the budget. */
#define MAX_WARNINGS 20
static void put_warnings(const struct plan *p, struct buf *out)
{
	size_t i;

	if (!p->nwarnings)
		return;
	buf_puts(out, "**Warnings**\n\n");
	for (i = 0; i < p->nwarnings && i < MAX_WARNINGS; i++) {
		buf_puts(out, "- **warning:** ");
		put_md(out, p->warnings[i].message);
		buf_putc(out, '\n');
	}
	if (p->nwarnings > MAX_WARNINGS)
		buf_printf(out, "- … %zu more (see `--format json`)\n", p->nwarnings - MAX_WARNINGS);
	buf_putc(out, '\n');
}

/* ---------------------------------------------------------------- the details */

static void put_course_open(const struct plan *p, struct buf *out, const struct render_group *g, int open)
{
	struct counts c;
	const char *zone = render_zone(g);

	count_group(p, g, &c);
	buf_puts(out, open ? "<details open>" : "<details>");
	buf_puts(out, "<summary><b>Course ");
	put_html(out, g->course_id);
	buf_puts(out, "</b>");
	if (g->course && ((g->course->course_code && *g->course->course_code) ||
			  (g->course->name && *g->course->name))) {
		buf_putc(out, ' ');
		put_course_name(out, g->course, put_html);
	}
	buf_printf(out, " " MIDDOT " %zu change%s to %zu object%s", c.changes, plural(c.changes), c.objects,
		   plural(c.objects));
	if (c.skipped)
		buf_printf(out, ", %zu skipped", c.skipped);
	buf_puts(out, "</summary>\n\n");
	if (zone) {
		buf_puts(out, "Dates in ");
		put_md(out, zone);
		buf_puts(out, ".\n\n");
	} else {
		buf_puts(out, "No time zone: dates in UTC.\n\n");
	}
}

static int fits(const struct buf *out, size_t base, size_t n, size_t limit)
{
	return out->len - base + n <= limit;
}

/* The walk of put_details. A piece (a course's opening, an object, a skipped entry) is made in
 * m->piece and appended when it fits; when it does not, the walk stops (no `fill`) or leaves the
 * rest of the course out. */
static int md_course(void *ctx, const struct render_group *g)
{
	struct mctx *m = ctx;

	if (!g->nchanges && !g->nskips)
		return RENDER_WALK_NEXT;
	buf_reset(&m->piece);
	if (!m->full)
		put_course_open(m->p, &m->piece, g, m->rows->n == 1);
	if (m->full || !fits(m->out, m->base, m->piece.len, m->limit)) {
		if (!m->fill)
			return RENDER_WALK_STOP;
		m->full = 1;
		m->om_courses++;
		m->om_changes += g->nchanges;
		m->om_skips += g->nskips;
		return RENDER_WALK_NEXT;
	}
	buf_add(m->out, m->piece.ptr, m->piece.len);
	m->shown_changes = m->shown_objects = m->shown_skips = 0;
	return RENDER_WALK_ON;
}

/* m->piece, appended when it fits: RENDER_WALK_ON; else the rest of the course is left out (fill)
 * or the walk stops. */
static int md_piece(struct mctx *m)
{
	if (!fits(m->out, m->base, m->piece.len, m->limit)) {
		if (!m->fill)
			return RENDER_WALK_STOP;
		m->full = 1;
		return RENDER_WALK_NEXT;
	}
	buf_add(m->out, m->piece.ptr, m->piece.len);
	return RENDER_WALK_ON;
}

static int md_object_end(void *ctx, const struct render_object *o)
{
	struct mctx *m = ctx;
	int rc;

	if (m->piece.len >= 2 && memcmp(m->piece.ptr + m->piece.len - 2, "\n\n", 2))
		buf_putc(&m->piece, '\n');
	rc = md_piece(m);
	if (rc == RENDER_WALK_ON) {
		m->shown_changes += o->end - o->i;
		m->shown_objects++;
	}
	return rc;
}

static int md_skip(void *ctx, const struct render_group *g, const struct plan_skip *s, size_t k)
{
	struct mctx *m = ctx;
	int rc;

	(void)g;
	buf_reset(&m->piece);
	if (k == 0)
		buf_puts(&m->piece, "**Skipped**\n\n");
	put_skip(&m->piece, s);
	rc = md_piece(m);
	m->shown_skips += rc == RENDER_WALK_ON;
	return rc;
}

/* What of the course was left out, and the end of its <details>. */
static void md_course_end(void *ctx, const struct render_group *g)
{
	struct mctx *m = ctx;
	struct buf *out = m->out;

	if (m->shown_skips)
		buf_putc(out, '\n');
	if (m->shown_changes < g->nchanges || m->shown_skips < g->nskips) {
		size_t rest = g->nchanges - m->shown_changes, objs = g->nobjects - m->shown_objects;
		size_t sk = g->nskips - m->shown_skips;

		buf_puts(out, "*" ELLIPSIS " not shown here (the comment's size limit): ");
		if (rest)
			buf_printf(out, "%zu more change%s to %zu object%s", rest, plural(rest), objs, plural(objs));
		if (rest && sk)
			buf_puts(out, " and ");
		if (sk)
			buf_printf(out, "%zu more skipped entr%s", sk, sk == 1 ? "y" : "ies");
		buf_puts(out, " of this course.*\n\n");
	}
	buf_puts(out, "</details>\n\n");
}

/* Appends the courses' details to out, walking the plan's windows (include/plan.h). Without
 * `fill`, returns -1 as soon as they grow past `room`; with it, leaves out what does not fit in
 * room - RESERVE (and says so), returning 1 when it did; once the room has run out, the courses
 * left are counted from m->rows, not read back. -2 when a window cannot be read back. */
static int put_details(struct mctx *m, struct buf *out, size_t room, int fill)
{
	static const struct render_walk walk = { md_course, md_object, md_change, md_object_end, md_skip,
						 md_course_end };
	const struct plan *p = m->p;
	struct render_groups g;
	struct err e = ERR_INIT;
	size_t w = plan_window_courses(p), lo = 0, hi, next = 0;
	int rc;

	m->out = out;
	m->base = out->len;
	m->limit = fill ? (room > RESERVE ? room - RESERVE : 0) : room;
	m->fill = fill;
	m->full = 0;
	m->om_courses = m->om_changes = m->om_skips = 0;
	do {
		hi = lo + w < p->ncourses ? lo + w : p->ncourses;
		if (plan_window(p, lo, hi, &e))
			return -2;
		render_groups_window(&g, p, lo, hi);
		rc = render_walk(p, &g, &walk, m);
		next += g.n;
		render_groups_release(&g);
		if (rc == RENDER_WALK_STOP)
			return -1;
		lo = hi;
	} while (!m->full && lo < p->ncourses);
	for (; m->full && next < m->rows->n; next++) {   /* what md_course would count */
		const struct counts *c = &m->rows->v[next].c;

		if (c->changes || c->skipped) {
			m->om_courses++;
			m->om_changes += c->changes;
			m->om_skips += c->skipped;
		}
	}
	if (m->full) {
		if (m->om_courses)
			buf_printf(out, "*The details of %zu more course%s (%zu change%s, %zu skipped) are not shown "
				   "here (the comment's size limit).*\n\n", m->om_courses, plural(m->om_courses),
				   m->om_changes, plural(m->om_changes), m->om_skips);
		buf_puts(out, "*The full plan: `coursectl plan --format text`, or the plan file saved with "
			      "`--out`.*\n");
	}
	if (!fill && out->len - m->base > room)
		return -1;        /* the closing lines took the last bytes */
	return m->full;
}

int render_markdown(const struct plan *p, struct buf *out, size_t budget)
{
	struct rows rows;
	struct mctx m;
	struct buf body = BUF_INIT, warn = BUF_INIT;
	size_t base = out->len, used, room;
	int level, rc = 0;

	if (!budget)
		budget = RENDER_MARKDOWN_BUDGET;
	memset(&m, 0, sizeof(m));
	memset(&rows, 0, sizeof(rows));
	m.p = p;
	m.rows = &rows;
	if (collect_rows(p, &rows, &m.raw)) {
		rc = -1;
		goto done;
	}
	put_head(p, out);
	put_warnings(p, &warn);
	used = out->len - base + warn.len;
	if (rows.n)
		put_table(&rows, out, table_limit(budget > used ? budget - used : 0));
	buf_add(out, buf_str(&warn), warn.len);
	used = out->len - base;
	room = budget > used ? budget - used : 0;
	for (level = 0; level < LEVELS; level++) {
		m.diff_lines = level_lines[level];
		m.line_max = level_line_max[level];
		buf_reset(&body);
		rc = put_details(&m, &body, room, level == LEVELS - 1);
		if (rc >= 0 || rc == -2)
			break;
	}
	if (rc == -2)
		rc = -1;
	else
		rc = 0;
	buf_add(out, buf_str(&body), body.len);
done:
	rows_release(&rows);
	buf_release(&body);
	buf_release(&warn);
	buf_release(&m.raw);
	buf_release(&m.piece);
	return rc;
}

/* runner/textdiff.c -- token-level diff of HTML/text and its rendering (include/textdiff.h).
 *
 * Why tokens: Canvas bodies are mostly one-line HTML, so a line diff shows the whole body as
 * changed. Words, whitespace runs, whole tags and entities are the units a person reads; a tag is
 * one token, so an attribute change shows the old and new tag side by side.
 *
 * Algorithm: tokenize both texts (each token with a 64-bit FNV-1a hash, so comparisons are one
 * integer compare in the common case), trim the common prefix and suffix, then Myers' O(ND) greedy
 * algorithm on what is left, keeping the V array of every step d for the backtrack. Small edits in
 * a large body cost O(N + D^2) in practice: a 1 MB body with 10 edits is a few milliseconds.
 *
 * Bounds: D is capped at DCAP steps per round. When a round reaches the cap, the furthest-reaching
 * path found so far is kept (a valid edit script for a prefix of both sides) and the diff goes on
 * from its end: the result stays exact as a patch but may not be minimal. A global work budget
 * (proportional to the input) stops that too: what is left becomes one whole replacement. Memory
 * is O(N + DCAP^2) and time O(N * budget factor), whatever the input.
 *
 * Rejected: Myers' linear-space divide and conquer (no cap on memory is needed with DCAP, and the
 * greedy forward pass is half the code); patience/histogram diff (better on source code with
 * unique lines, no gain on prose tokens); a character diff (unreadable, and cuts words and UTF-8).
 */
#include "textdiff.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

#define DCAP 1024                     /* edit steps per Myers round */
#define WORK_PER_TOKEN 64             /* global budget: this many snake steps per token, ... */
#define WORK_MIN 4000000              /* ... and at least this many */
#define ENTITY_MAX 32

/* 16 bytes: the token arrays are most of the memory used (texts over 4 GB are not diffed) */
struct tok {
	uint32_t off, len;
	uint64_t hash;
};

struct toks {
	struct tok *v;
	size_t n;
};

/* ---- tokenizer ---- */

static int is_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int is_space_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t textdiff_token_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	if (n == 0)
		return 0;
	if (p[0] == '<') {
		const void *gt = memchr(p + 1, '>', n - 1);
		/* "a < b" is not a tag: a tag name or '/', '!' or '?' must follow */
		if (gt && n > 1 && (is_word_byte(p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?'))
			return (size_t)((const unsigned char *)gt - p) + 1;
		return 1;
	}
	if (p[0] == '&') {
		for (i = 1; i < n && i <= ENTITY_MAX && (is_word_byte(p[i]) || p[i] == '#'); i++)
			;
		if (i > 1 && i < n && p[i] == ';')
			return i + 1;
		return 1;
	}
	if (is_space_byte(p[0])) {
		for (i = 1; i < n && is_space_byte(p[i]); i++)
			;
		return i;
	}
	if (is_word_byte(p[0])) {
		for (i = 1; i < n && is_word_byte(p[i]); i++)
			;
		return i;
	}
	return 1;
}

static void tokenize(struct toks *t, const char *s, size_t n)
{
	/* HTML averages 3-5 bytes a token: n / 2 entries rarely need a realloc (a copy of the whole
	 * array), and the pages never written are never touched */
	size_t off = 0, alloc = n / 2 + 16;

	t->v = xmalloc(alloc * sizeof(*t->v));
	t->n = 0;
	while (off < n) {
		size_t len = textdiff_token_len(s + off, n - off);
		if (t->n == alloc) {
			alloc *= 2;
			t->v = xrealloc(t->v, alloc * sizeof(*t->v));
		}
		t->v[t->n].off = (uint32_t)off;
		t->v[t->n].len = (uint32_t)len;
		t->v[t->n].hash = strmap_hash_n(s + off, len);
		t->n++;
		off += len;
	}
}

/* ---- op list ---- */

struct builder {
	struct textdiff *d;
	const struct toks *ta, *tb;
	size_t alloc;
	/* the change being collected: tokens [da, da+nda) of a and [ib, ib+nib) of b */
	size_t da, nda, ib, nib;
	size_t work, budget;
};

static size_t tok_off(const struct toks *t, size_t i, size_t textlen)
{
	return i < t->n ? t->v[i].off : textlen;
}

static void push_op(struct builder *bd, enum textdiff_kind kind, size_t ai, size_t na, size_t bi, size_t nb)
{
	struct textdiff *d = bd->d;
	struct textdiff_op *op;
	size_t aoff = tok_off(bd->ta, ai, d->alen), aend = tok_off(bd->ta, ai + na, d->alen);
	size_t boff = tok_off(bd->tb, bi, d->blen), bend = tok_off(bd->tb, bi + nb, d->blen);

	if (d->nops && d->ops[d->nops - 1].kind == kind) {
		op = &d->ops[d->nops - 1];
		op->a_len += aend - aoff;
		op->b_len += bend - boff;
		op->a_ntok += na;
		op->b_ntok += nb;
		return;
	}
	if (d->nops == bd->alloc) {
		bd->alloc = bd->alloc ? 2 * bd->alloc : 16;
		d->ops = xrealloc(d->ops, bd->alloc * sizeof(*d->ops));
	}
	op = &d->ops[d->nops++];
	op->kind = kind;
	op->a_off = aoff;
	op->a_len = aend - aoff;
	op->b_off = boff;
	op->b_len = bend - boff;
	op->a_ntok = na;
	op->b_ntok = nb;
}

/* Flushes the pending change as DELETE then INSERT: Myers interleaves them, a reader wants the old
 * text, then the new. */
static void flush_change(struct builder *bd)
{
	struct textdiff_stats *s = &bd->d->stats;

	if (!bd->nda && !bd->nib)
		return;
	s->changes++;
	if (bd->nda) {
		push_op(bd, TEXTDIFF_DELETE, bd->da, bd->nda, bd->ib, 0);
		s->tokens_deleted += bd->nda;
		s->bytes_deleted += bd->d->ops[bd->d->nops - 1].a_len;
	}
	if (bd->nib) {
		push_op(bd, TEXTDIFF_INSERT, bd->da + bd->nda, 0, bd->ib, bd->nib);
		s->tokens_inserted += bd->nib;
		s->bytes_inserted += bd->d->ops[bd->d->nops - 1].b_len;
	}
	bd->nda = bd->nib = 0;
}

/* Ops arrive in order: equal runs, single deleted tokens, single inserted tokens. */
static void emit_equal(struct builder *bd, size_t ai, size_t bi, size_t n)
{
	if (!n)
		return;
	flush_change(bd);
	push_op(bd, TEXTDIFF_EQUAL, ai, n, bi, n);
}

static void emit_edit(struct builder *bd, size_t ai, size_t na, size_t bi, size_t nb)
{
	if (!bd->nda && !bd->nib) {
		bd->da = ai;
		bd->ib = bi;
	}
	bd->nda += na;
	bd->nib += nb;
}

/* ---- Myers ---- */

static int tok_eq(const struct builder *bd, size_t x, size_t y)
{
	const struct tok *p = &bd->ta->v[x], *q = &bd->tb->v[y];

	return p->hash == q->hash && p->len == q->len &&
	       memcmp(bd->d->a + p->off, bd->d->b + q->off, p->len) == 0;
}

/* A step of the backtrack, collected in reverse and then replayed forward. */
struct step {
	int32_t x, y;      /* start of the edit (relative to the round's origin) */
	int32_t snake;     /* equal tokens after the edit */
	int8_t down;       /* 1: insertion, 0: deletion, -1: none (d = 0) */
};

/* Chooses how diagonal k was reached at step d from the V of step d-1 (vp, indexed k + d - 1).
 * Returns the x reached before the snake, or -1 when no valid move exists; *down says which. */
static int32_t choose(const int32_t *vp, int d, int k, int32_t n, int32_t m, int *down)
{
	int32_t xd = -1, xr = -1;

	if (k + 1 <= d - 1 && vp[k + 1 + d - 1] >= 0) {
		xd = vp[k + 1 + d - 1];
		if (xd - k > m)
			xd = -1;
	}
	if (k - 1 >= -(d - 1) && vp[k - 1 + d - 1] >= 0) {
		xr = vp[k - 1 + d - 1] + 1;
		if (xr > n)
			xr = -1;
	}
	if (xd < 0 && xr < 0)
		return -1;
	*down = xd >= xr;
	return *down ? xd : xr;
}

/* Diffs tokens [a0, a0+n) against [b0, b0+m), n, m > 0, first tokens different. Emits ops for a
 * prefix of both and returns how far it got in *xa, *yb; (n, m) when it finished. */
static void myers_round(struct builder *bd, size_t a0, int32_t n, size_t b0, int32_t m,
                        int32_t *xa, int32_t *yb)
{
	int dmax = n + m < DCAP ? n + m : DCAP;
	int32_t *trace = xmalloc((size_t)(dmax + 1) * (size_t)(dmax + 1) * sizeof(*trace));
	size_t *base = xmalloc((size_t)(dmax + 1) * sizeof(*base));
	struct step *steps;
	int d, k, dend = -1, kend = 0, down;
	int32_t x, y, x0;

	for (d = 0; d <= dmax && dend < 0; d++) {
		int32_t *v = trace + (size_t)d * (size_t)d;   /* sum of 2i+1 for i < d */
		const int32_t *vp = d ? trace + (size_t)(d - 1) * (size_t)(d - 1) : NULL;

		base[d] = (size_t)d * (size_t)d;
		for (k = -d; k <= d; k += 2) {
			x = d == 0 ? 0 : choose(vp, d, k, n, m, &down);
			if (x < 0) {
				v[k + d] = -1;
				continue;
			}
			y = x - k;
			x0 = x;
			while (x < n && y < m && tok_eq(bd, a0 + (size_t)x, b0 + (size_t)y)) {
				x++;
				y++;
			}
			bd->work += (size_t)(x - x0) + 1;
			v[k + d] = x;
			if (x >= n && y >= m) {
				dend = d;
				kend = k;
				break;
			}
		}
		if (dend < 0 && d == dmax)
			break;
	}
	if (dend < 0) {
		/* cap reached at d = dmax: take the furthest-reaching valid point */
		int32_t best = -1;
		int32_t *v = trace + (size_t)dmax * (size_t)dmax;

		for (k = -dmax; k <= dmax; k += 2) {
			if (v[k + dmax] >= 0 && v[k + dmax] - k <= m && 2 * v[k + dmax] - k > best) {
				best = 2 * v[k + dmax] - k;
				kend = k;
			}
		}
		dend = dmax;
		bd->d->stats.approximate = 1;
	}
	/* backtrack */
	steps = xmalloc((size_t)(dend + 1) * sizeof(*steps));
	x = trace[base[dend] + (size_t)(kend + dend)];
	y = x - kend;
	*xa = x;
	*yb = y;
	for (d = dend, k = kend; d > 0; d--) {
		const int32_t *vp = trace + base[d - 1];
		int32_t xs = choose(vp, d, k, n, m, &down);     /* x after the edit, before the snake */
		int32_t ys = xs - k;

		steps[d].snake = x - xs;
		steps[d].down = (int8_t)down;
		if (down) {
			k++;
			steps[d].x = xs;
			steps[d].y = ys - 1;
		} else {
			k--;
			steps[d].x = xs - 1;
			steps[d].y = ys;
		}
		x = steps[d].x;
	}
	steps[0].snake = x;     /* the d = 0 snake from (0, 0) */
	emit_equal(bd, a0, b0, (size_t)steps[0].snake);
	for (d = 1; d <= dend; d++) {
		struct step *s = &steps[d];
		if (s->down) {
			emit_edit(bd, a0 + (size_t)s->x, 0, b0 + (size_t)s->y, 1);
			emit_equal(bd, a0 + (size_t)s->x, b0 + (size_t)s->y + 1, (size_t)s->snake);
		} else {
			emit_edit(bd, a0 + (size_t)s->x, 1, b0 + (size_t)s->y, 0);
			emit_equal(bd, a0 + (size_t)s->x + 1, b0 + (size_t)s->y, (size_t)s->snake);
		}
	}
	free(steps);
	free(base);
	free(trace);
}

static void diff_tokens(struct builder *bd)
{
	size_t na = bd->ta->n, nb = bd->tb->n, pre = 0, suf = 0, ai, bi;

	while (pre < na && pre < nb && tok_eq(bd, pre, pre))
		pre++;
	while (suf < na - pre && suf < nb - pre && tok_eq(bd, na - 1 - suf, nb - 1 - suf))
		suf++;
	emit_equal(bd, 0, 0, pre);
	ai = pre;
	bi = pre;
	while (ai < na - suf && bi < nb - suf) {
		size_t n = na - suf - ai, m = nb - suf - bi, p = 0;
		int32_t x, y;

		while (p < n && p < m && tok_eq(bd, ai + p, bi + p))
			p++;
		emit_equal(bd, ai, bi, p);
		ai += p;
		bi += p;
		n -= p;
		m -= p;
		if (!n || !m)
			break;
		if (bd->work > bd->budget || n > INT32_MAX / 4 || m > INT32_MAX / 4) {
			bd->d->stats.approximate = 1;
			break;
		}
		myers_round(bd, ai, (int32_t)n, bi, (int32_t)m, &x, &y);
		ai += (size_t)x;
		bi += (size_t)y;
	}
	emit_edit(bd, ai, na - suf - ai, bi, nb - suf - bi);
	emit_equal(bd, na - suf, nb - suf, suf);
	flush_change(bd);
}

static size_t count_tokens(const char *s, size_t n)
{
	size_t off = 0, k = 0;

	for (; off < n; k++)
		off += textdiff_token_len(s + off, n - off);
	return k;
}

static char *copy_text(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int textdiff(struct textdiff **out, const char *a, size_t alen, const char *b, size_t blen)
{
	struct textdiff *d = xcalloc(1, sizeof(*d));
	struct toks ta, tb;
	struct builder bd;

	d->a = copy_text(a, alen);
	d->b = copy_text(b, blen);
	d->alen = alen;
	d->blen = blen;
	if (alen > UINT32_MAX || blen > UINT32_MAX) {
		/* not a text anyone reads: one whole replacement */
		d->ops = xcalloc(2, sizeof(*d->ops));
		d->ops[0].kind = TEXTDIFF_DELETE;
		d->ops[0].a_len = alen;
		d->ops[1].kind = TEXTDIFF_INSERT;
		d->ops[1].b_len = blen;
		d->nops = 2;
		d->stats.changes = 1;
		d->stats.approximate = 1;
		d->stats.bytes_deleted = alen;
		d->stats.bytes_inserted = blen;
		*out = d;
		return 1;
	}
	if (alen == blen && memcmp(d->a, d->b, alen) == 0) {
		/* the common case for most fields of a plan: no tokens needed */
		if (alen) {
			d->ops = xcalloc(1, sizeof(*d->ops));
			d->ops[0].kind = TEXTDIFF_EQUAL;
			d->ops[0].a_len = d->ops[0].b_len = alen;
			d->ops[0].a_ntok = d->ops[0].b_ntok = count_tokens(d->a, alen);
			d->nops = 1;
		}
		*out = d;
		return 0;
	}
	tokenize(&ta, d->a, alen);
	tokenize(&tb, d->b, blen);
	memset(&bd, 0, sizeof(bd));
	bd.d = d;
	bd.ta = &ta;
	bd.tb = &tb;
	bd.budget = (ta.n + tb.n) * WORK_PER_TOKEN;
	if (bd.budget < WORK_MIN)
		bd.budget = WORK_MIN;
	diff_tokens(&bd);
	free(ta.v);
	free(tb.v);
	*out = d;
	return d->stats.changes > INT32_MAX ? INT32_MAX : (int)d->stats.changes;
}

void textdiff_free(struct textdiff *d)
{
	if (!d)
		return;
	free(d->ops);
	free(d->a);
	free(d->b);
	free(d);
}

/* ---- rendering ---- */

#define COL_DEL "\x1b[31m"
#define COL_INS "\x1b[32m"
#define COL_OFF "\x1b[m"

enum part { PART_CONTEXT, PART_DEL, PART_INS };

/* Length of a valid UTF-8 sequence at p (and its code point), 0 when invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static int is_bidi_control(uint32_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f;
}

/* Appends s[0..n) with control characters neutralised (see the header). */
static void put_text(struct buf *out, const char *s, size_t n, enum part part, int color)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	while (i < n) {
		uint32_t c;
		size_t len = utf8_seq(p + i, n - i, &c);
		int plain = len > 0 && ((c >= 0x20 && c != 0x7f && c < 0x80) || c == '\t' ||
		                        (c >= 0xa0 && !is_bidi_control(c)));

		if (plain) {
			i += len;
			continue;
		}
		buf_add(out, s + run, i - run);
		if (len == 0) {
			buf_printf(out, "\\x%02x", p[i]);
			len = 1;
		} else if (c == '\n') {
			if (part == PART_CONTEXT) {
				buf_putc(out, '\n');
			} else {
				buf_puts(out, "\xe2\x8f\x8e");        /* ⏎ */
				if (color)
					buf_puts(out, COL_OFF "\n");
				else
					buf_putc(out, '\n');
				if (color)
					buf_puts(out, part == PART_DEL ? COL_DEL : COL_INS);
			}
		} else if (c == '\r') {
			buf_puts(out, "\\r");
		} else if (c < 0x80) {
			buf_printf(out, "\\x%02x", (unsigned)c);
		} else {
			buf_printf(out, "\\u%04x", (unsigned)c);
		}
		i += len;
		run = i;
	}
	buf_add(out, s + run, n - run);
}

void textdiff_put_escaped(struct buf *out, const char *s, size_t len)
{
	put_text(out, s, len, PART_CONTEXT, 0);
}

/* Context is counted in words: tokens other than whitespace (whitespace rides along). */
static size_t count_words(const char *s, size_t n)
{
	size_t off = 0, w = 0;

	while (off < n) {
		w += !is_space_byte((unsigned char)s[off]);
		off += textdiff_token_len(s + off, n - off);
	}
	return w;
}

/* Offset just after the k-th word of s[0..n) (0 for k = 0); with skip_space, also past the
 * whitespace that follows it. */
static size_t skip_words(const char *s, size_t n, size_t k, int skip_space)
{
	size_t off = 0;

	while (k && off < n) {
		k -= !is_space_byte((unsigned char)s[off]);
		off += textdiff_token_len(s + off, n - off);
	}
	while (skip_space && off < n && is_space_byte((unsigned char)s[off]))
		off++;
	return off;
}

struct render {
	const struct textdiff *d;
	struct buf *out;
	size_t base, max, shown, ctx;
	int color;
};

static void put_change(struct render *r, const char *s, size_t n, enum part part)
{
	size_t cut = n;

	if (r->max && cut > r->max) {
		cut = r->max;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	/* the markers stay with colour on: red and green alone are one reading for a colour-blind
	 * reader, a monochrome terminal or a pasted transcript (WCAG 1.4.1, use of colour) */
	if (r->color)
		buf_puts(r->out, part == PART_DEL ? COL_DEL : COL_INS);
	buf_puts(r->out, part == PART_DEL ? "[-" : "{+");
	put_text(r->out, s, cut, part, r->color);
	if (cut < n)
		buf_printf(r->out, "\xe2\x80\xa6(%zu more bytes)", n - cut);
	buf_puts(r->out, part == PART_DEL ? "-]" : "+}");
	if (r->color)
		buf_puts(r->out, COL_OFF);
}

static int over_budget(const struct render *r)
{
	return r->max && r->out->len - r->base >= r->max;
}

#define ELLIPSIS "\xe2\x80\xa6"

void textdiff_render(const struct textdiff *d, struct buf *out, const struct textdiff_style *st)
{
	struct textdiff_style defstyle = TEXTDIFF_STYLE_INIT;
	struct render r;
	size_t i;
	int in_hunk = 0;

	if (!st)
		st = &defstyle;
	if (d->stats.changes == 0)
		return;
	r.d = d;
	r.out = out;
	r.base = out->len;
	r.max = st->max_bytes;
	r.shown = 0;
	r.ctx = st->context < 0 ? 3 : (size_t)st->context;
	r.color = st->color;
	for (i = 0; i < d->nops; i++) {
		const struct textdiff_op *op = &d->ops[i];
		const char *s = d->a + op->a_off;

		if (op->kind == TEXTDIFF_EQUAL) {
			size_t w = count_words(s, op->a_len), head, tail;
			int first = i == 0, last = i + 1 == d->nops;

			if (!first) {
				/* trailing context of the hunk before */
				if (!last && w <= 2 * r.ctx) {
					put_text(out, s, op->a_len, PART_CONTEXT, r.color);
					continue;
				}
				/* whitespace at the very end is left out, not marked */
				head = skip_words(s, op->a_len, w < r.ctx ? w : r.ctx, 0);
				put_text(out, s, head, PART_CONTEXT, r.color);
				buf_puts(out, w > r.ctx ? ELLIPSIS "\n" : "\n");
				in_hunk = 0;
				if (last)
					break;
			}
			/* leading context of the next hunk */
			if (over_budget(&r))
				break;
			tail = skip_words(s, op->a_len, w > r.ctx ? w - r.ctx : 0, 1);
			if (w > r.ctx)
				buf_puts(out, ELLIPSIS);
			put_text(out, s + tail, op->a_len - tail, PART_CONTEXT, r.color);
			in_hunk = 1;
			continue;
		}
		/* a new change (not the INSERT half of a pair): stop here when the output is full */
		if ((op->kind == TEXTDIFF_DELETE || i == 0 || d->ops[i - 1].kind != TEXTDIFF_DELETE) &&
		    over_budget(&r)) {
			if (in_hunk)
				buf_puts(out, ELLIPSIS "\n");
			in_hunk = 0;
			break;
		}
		in_hunk = 1;
		if (op->kind == TEXTDIFF_DELETE) {
			put_change(&r, s, op->a_len, PART_DEL);
			if (i + 1 < d->nops && d->ops[i + 1].kind == TEXTDIFF_INSERT)
				continue;       /* the pair counts once */
		} else {
			put_change(&r, d->b + op->b_off, op->b_len, PART_INS);
		}
		r.shown++;
	}
	if (in_hunk)
		buf_putc(out, '\n');
	if (r.shown < d->stats.changes)
		buf_printf(out, "... (%zu more change%s)\n", d->stats.changes - r.shown,
			   d->stats.changes - r.shown == 1 ? "" : "s");
}

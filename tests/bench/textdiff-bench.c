/* tests/bench/textdiff-bench.c -- cost of the token diff (runner/textdiff.c) on a large body.
 *
 * Build and run by hand (not part of make test; after `make build-all`):
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Iinclude -o build/textdiff-bench \
 *      tests/bench/textdiff-bench.c runner/textdiff.c runner/buf.c runner/xalloc.c
 *   build/textdiff-bench
 *
 * Cases: a 1 MB body against an identical copy (the memcmp fast path); a 1 MB one-line HTML body
 * with 10 one-word edits spread through it (the plan engine's common case: a replace_text step on
 * a long page); the same with 1,000 edits; and two unrelated 1 MB bodies (the pathological case the
 * edit-distance cap and work budget exist for). For each: wall time of textdiff() and of
 * textdiff_render() (capped at 64 KiB of output), the number of changes, whether the diff was
 * approximate, and the process's peak RSS (getrusage: it only grows, so a case's figure includes
 * the ones before it). It reports figures and judges nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "buf.h"
#include "textdiff.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static uint64_t seed = 88172645463325252ULL;

static uint32_t rnd(uint32_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (uint32_t)(seed % n);
}

/* About `size` bytes of one-line HTML: paragraphs of words, links, entities. */
static void make_body(struct buf *b, size_t size)
{
	static const char *words[] = { "the", "student", "assignment", "module", "week", "reading", "quiz",
	                               "submit", "before", "Monday", "caf\xc3\xa9", "chapter", "lecture" };
	size_t nw = sizeof(words) / sizeof(words[0]);

	while (b->len < size) {
		int i, n = 20 + (int)rnd(40);

		buf_puts(b, "<p class=\"body\">");
		for (i = 0; i < n; i++) {
			/* one call to rnd() per statement: the order of arguments is unspecified */
			unsigned page = rnd(1000);
			const char *w = words[rnd(nw)];

			if (rnd(15) == 0)
				buf_printf(b, "<a href=\"/courses/4821/pages/p%u\">%s</a> ", page, w);
			else if (rnd(30) == 0)
				buf_puts(b, "&ndash; ");
			else
				buf_printf(b, "%s%s", w, i + 1 < n ? " " : ".");
		}
		buf_puts(b, "</p>");
	}
}

/* b = a with `edits` words replaced at evenly spread places. */
static void make_edited(struct buf *out, const struct buf *a, int edits)
{
	size_t pos = 0, step = a->len / (size_t)(edits + 1);
	int i;

	for (i = 1; i <= edits; i++) {
		size_t at = step * (size_t)i;
		while (at < a->len && a->ptr[at] != ' ')
			at++;
		buf_add(out, a->ptr + pos, at + 1 - pos);
		buf_printf(out, "EDITED%d", i);
		pos = at + 1;
		while (pos < a->len && a->ptr[pos] != ' ' && a->ptr[pos] != '<')
			pos++;
	}
	buf_add(out, a->ptr + pos, a->len - pos);
}

static void run(const char *name, const struct buf *a, const struct buf *b)
{
	struct textdiff *d;
	struct buf out = BUF_INIT;
	struct textdiff_style st = TEXTDIFF_STYLE_INIT;
	double t0, t1, t2;
	int n;

	st.max_bytes = 64 * 1024;
	t0 = now();
	n = textdiff(&d, a->ptr, a->len, b->ptr, b->len);
	t1 = now();
	textdiff_render(d, &out, &st);
	t2 = now();
	printf("%-28s a=%zu b=%zu changes=%d approx=%d diff=%.1f ms render=%.1f ms out=%zu B "
	       "peak_rss=%ld KiB\n",
	       name, a->len, b->len, n, d->stats.approximate, (t1 - t0) * 1e3, (t2 - t1) * 1e3, out.len,
	       peak_rss_kb());
	textdiff_free(d);
	buf_release(&out);
}

int main(void)
{
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT, u = BUF_INIT;

	printf("baseline peak_rss=%ld KiB\n", peak_rss_kb());
	make_body(&a, 1 << 20);
	make_edited(&b, &a, 10);
	make_edited(&c, &a, 1000);
	make_body(&u, 1 << 20);
	printf("inputs built peak_rss=%ld KiB\n", peak_rss_kb());
	run("1 MB identical (fast path)", &a, &a);
	run("1 MB, 10 edits", &a, &b);
	run("1 MB, 1000 edits", &a, &c);
	run("1 MB vs unrelated 1 MB", &a, &u);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	buf_release(&u);
	return 0;
}

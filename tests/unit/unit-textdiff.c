/* tests/unit/unit-textdiff.c -- the token diff of runner/textdiff.c (include/textdiff.h).
 *
 * What the plan preview relies on: tokens concatenate back to the input; the ops are a correct
 * patch (checked by applying them, on hand-written cases and on 200 pseudo-random ones); the
 * rendering shows one-line HTML as word/tag changes with a few tokens of context, "…" where
 * context was left out, a cap on its size, and never a raw control character or escape sequence
 * from the data. Expected renderings are written out in full so a change of format shows here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "textdiff.h"
#include "xalloc.h"

#define ELL "\xe2\x80\xa6"   /* … */
#define RET "\xe2\x8f\x8e"   /* ⏎ */

static const struct textdiff_style plain = TEXTDIFF_STYLE_INIT;

/* Checks that d's ops cover a and b in order, that EQUAL ranges agree, and that applying the ops
 * to a rebuilds b (EQUAL copies from a, INSERT takes the inserted bytes, DELETE drops). */
static void check_apply(const struct textdiff *d, const char *a, size_t alen, const char *b, size_t blen)
{
	struct buf out = BUF_INIT, back = BUF_INIT;
	size_t i, apos = 0, bpos = 0, changes = 0;

	for (i = 0; i < d->nops; i++) {
		const struct textdiff_op *op = &d->ops[i];

		assert_int_equal(op->a_off, apos);
		assert_int_equal(op->b_off, bpos);
		switch (op->kind) {
		case TEXTDIFF_EQUAL:
			assert_int_equal(op->a_len, op->b_len);
			assert_true(op->a_len > 0);
			assert_memory_equal(a + op->a_off, b + op->b_off, op->a_len);
			buf_add(&out, a + op->a_off, op->a_len);
			buf_add(&back, b + op->b_off, op->b_len);
			if (i > 0)
				assert_int_not_equal(d->ops[i - 1].kind, TEXTDIFF_EQUAL);
			break;
		case TEXTDIFF_DELETE:
			assert_int_equal(op->b_len, 0);
			assert_true(op->a_len > 0);
			buf_add(&back, a + op->a_off, op->a_len);
			changes++;
			break;
		case TEXTDIFF_INSERT:
			assert_int_equal(op->a_len, 0);
			assert_true(op->b_len > 0);
			buf_add(&out, b + op->b_off, op->b_len);
			if (i == 0 || d->ops[i - 1].kind != TEXTDIFF_DELETE)
				changes++;
			break;
		}
		apos += op->a_len;
		bpos += op->b_len;
	}
	assert_int_equal(apos, alen);
	assert_int_equal(bpos, blen);
	assert_int_equal(out.len, blen);
	assert_int_equal(back.len, alen);
	if (blen)
		assert_memory_equal(out.ptr, b, blen);
	if (alen)
		assert_memory_equal(back.ptr, a, alen);
	assert_int_equal(changes, d->stats.changes);
	buf_release(&out);
	buf_release(&back);
}

/* Diffs, checks the patch, renders with st; the caller frees the returned string. */
static char *diff_render(const char *a, const char *b, const struct textdiff_style *st,
                         struct textdiff_stats *stats)
{
	struct textdiff *d;
	struct buf out = BUF_INIT;

	textdiff(&d, a, strlen(a), b, strlen(b));
	check_apply(d, a, strlen(a), b, strlen(b));
	if (stats)
		*stats = d->stats;
	textdiff_render(d, &out, st);
	textdiff_free(d);
	return buf_detach(&out, NULL);
}

static void expect_render(const char *a, const char *b, const struct textdiff_style *st, const char *want)
{
	char *got = diff_render(a, b, st, NULL);

	assert_string_equal(got, want);
	free(got);
}

static void test_tokens(void **state)
{
	static const struct {
		const char *in;
		const char *toks[12];
	} cases[] = {
		{ "<p class=\"x\">Hello,  world</p>",
		  { "<p class=\"x\">", "Hello", ",", "  ", "world", "</p>" } },
		{ "a &ndash; b&amp;c &x", { "a", " ", "&ndash;", " ", "b", "&amp;", "c", " ", "&", "x" } },
		{ "1 < 2 <br/>", { "1", " ", "<", " ", "2", " ", "<br/>" } },
		{ "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87!",
		  { "caf\xc3\xa9", " ", "\xe4\xb8\xad\xe6\x96\x87", "!" } },
		{ "x\n\n\ty", { "x", "\n\n\t", "y" } },
		{ "<unclosed", { "<", "unclosed" } },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = cases[i].in;
		size_t n = strlen(s), off = 0;

		for (j = 0; off < n; j++) {
			size_t len = textdiff_token_len(s + off, n - off);
			assert_non_null(cases[i].toks[j]);
			assert_int_equal(len, strlen(cases[i].toks[j]));
			assert_memory_equal(s + off, cases[i].toks[j], len);
			off += len;
		}
		assert_null(cases[i].toks[j]);
	}
}

static void test_one_line_html_word(void **state)
{
	struct textdiff_stats st;
	char *got;

	(void)state;
	got = diff_render("<div><p>Read chapter 3 before the <strong>Monday</strong> lecture.</p></div>",
	                  "<div><p>Read chapter 4 before the <strong>Monday</strong> lecture.</p></div>",
	                  &plain, &st);
	assert_string_equal(got, ELL "<p>Read chapter [-3-]{+4+} before the <strong>" ELL "\n");
	assert_int_equal(st.changes, 1);
	assert_int_equal(st.tokens_deleted, 1);
	assert_int_equal(st.tokens_inserted, 1);
	assert_int_equal(st.bytes_deleted, 1);
	assert_int_equal(st.approximate, 0);
	free(got);
}

static void test_attribute_change(void **state)
{
	(void)state;
	expect_render("<p>See <a href=\"http://old.example/x\">the notes</a>.</p>",
	              "<p>See <a href=\"https://new.example/x\">the notes</a>.</p>", &plain,
	              "<p>See [-<a href=\"http://old.example/x\">-]"
	              "{+<a href=\"https://new.example/x\">+}the notes</a>"
	              ELL "\n");
}

static void test_multi_line(void **state)
{
	(void)state;
	/* context newlines stay real; a removed line break inside a change is marked with ⏎ */
	expect_render("line one\nline two\nline three\n", "line one\nline 2\nline three\n", &plain,
	              "line one\nline [-two-]{+2+}\nline three\n");
	expect_render("alpha\nbeta", "alpha beta", &plain, "alpha[-" RET "\n-]{+ +}beta\n");
}

static void test_empty_and_identical(void **state)
{
	struct textdiff *d;
	struct buf out = BUF_INIT;

	(void)state;
	expect_render("", "new text", &plain, "{+new text+}\n");
	expect_render("old text", "", &plain, "[-old text-]\n");
	assert_int_equal(textdiff(&d, "same <b>text</b>", 16, "same <b>text</b>", 16), 0);
	assert_int_equal(d->nops, 1);
	textdiff_render(d, &out, NULL);
	assert_int_equal(out.len, 0);
	textdiff_free(d);
	assert_int_equal(textdiff(&d, "", 0, "", 0), 0);
	assert_int_equal(d->nops, 0);
	textdiff_render(d, &out, NULL);
	assert_int_equal(out.len, 0);
	textdiff_free(d);
	buf_release(&out);
}

static void test_unicode(void **state)
{
	(void)state;
	expect_render("<p>Caf\xc3\xa9 du matin</p>", "<p>Caf\xc3\xa9 du soir</p>", &plain,
	              "<p>Caf\xc3\xa9 du [-matin-]{+soir+}</p>\n");
	expect_render("\xe4\xb8\xad\xe6\x96\x87 text", "\xe6\x97\xa5\xe6\x9c\xac text", &plain,
	              "[-\xe4\xb8\xad\xe6\x96\x87-]{+\xe6\x97\xa5\xe6\x9c\xac+} text\n");
}

static void test_color(void **state)
{
	struct textdiff_style st = TEXTDIFF_STYLE_INIT;

	(void)state;
	st.color = 1;
	/* the markers stay with the colour: deleted and inserted never differ by colour alone */
	expect_render("a b c", "a x c", &st, "a \x1b[31m[-b-]\x1b[m\x1b[32m{+x+}\x1b[m c\n");
	/* a line break inside a change: the colour ends at the line end and starts again after it */
	expect_render("a\nb", "a\nc\nd", &st, "a\n\x1b[31m[-b-]\x1b[m\x1b[32m{+c\xe2\x8f\x8e\x1b[m\n\x1b[32md+}\x1b[m\n");
}

static void test_escapes_neutralised(void **state)
{
	struct textdiff_style st = TEXTDIFF_STYLE_INIT;
	const char *a = "<p>title \x1b[31mred\x1b[0m and \x07 bell\r</p>";
	const char *b = "<p>title \x1b]0;pwned\x07 now \xc2\x9b" "2J \xe2\x80\xae" "evil \xff</p>";
	char *got;
	int color;

	(void)state;
	for (color = 0; color <= 1; color++) {
		const char *p;

		st.color = color;
		got = diff_render(a, b, &st, NULL);
		/* the only ESC bytes are our own colour sequences */
		for (p = strchr(got, '\x1b'); p; p = strchr(p + 1, '\x1b'))
			assert_true(strncmp(p, "\x1b[31m", 5) == 0 || strncmp(p, "\x1b[32m", 5) == 0 ||
			            strncmp(p, "\x1b[m", 3) == 0);
		assert_null(strchr(got, '\x07'));
		assert_null(strchr(got, '\r'));
		assert_null(strstr(got, "\xc2\x9b"));
		assert_null(strstr(got, "\xe2\x80\xae"));
		assert_null(strchr(got, '\xff'));
		assert_non_null(strstr(got, "\\x1b"));
		assert_non_null(strstr(got, "\\u009b"));
		assert_non_null(strstr(got, "\\u202e"));
		assert_non_null(strstr(got, "\\xff"));
		assert_non_null(strstr(got, "\\r"));
		free(got);
	}
	st.color = 0;
	expect_render("x \x1b[2J y", "x \x1b[2J z", &st, ELL "\\x1b[2J [-y-]{+z+}\n");
}

static void test_context_and_separators(void **state)
{
	struct textdiff_style st = TEXTDIFF_STYLE_INIT;
	const char *a = "one two three four five six seven eight nine ten eleven twelve";
	const char *b = "one TWO three four five six seven eight nine ten ELEVEN twelve";

	(void)state;
	expect_render(a, b, &st,
	              "one [-two-]{+TWO+} three four five" ELL "\n"
	              ELL "eight nine ten [-eleven-]{+ELEVEN+} twelve\n");
	st.context = 1;
	expect_render(a, b, &st,
	              "one [-two-]{+TWO+} three" ELL "\n"
	              ELL "ten [-eleven-]{+ELEVEN+} twelve\n");
	st.context = 0;
	expect_render("a b c d e", "a B c D e", &st,
	              ELL "[-b-]{+B+}" ELL "\n" ELL "[-d-]{+D+}" ELL "\n");
	/* close changes share one hunk: the 2*context tokens between them are all shown */
	st.context = 3;
	expect_render("a b c d e f g h", "a B c d E f g h", &st, "a [-b-]{+B+} c d [-e-]{+E+} f g h\n");
}

static void test_output_cap(void **state)
{
	struct textdiff_style st = TEXTDIFF_STYLE_INIT;
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct textdiff *d;
	struct buf out = BUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		buf_printf(&a, "<p>paragraph %d says old</p>\n", i);
		buf_printf(&b, "<p>paragraph %d says new</p>\n", i);
	}
	assert_int_equal(textdiff(&d, a.ptr, a.len, b.ptr, b.len), 100);
	check_apply(d, a.ptr, a.len, b.ptr, b.len);
	st.max_bytes = 200;
	textdiff_render(d, &out, &st);
	assert_true(out.len < 400);
	assert_non_null(strstr(out.ptr, " more change"));
	assert_non_null(strstr(out.ptr, "... ("));
	buf_reset(&out);
	st.max_bytes = 0;
	textdiff_render(d, &out, &st);
	assert_null(strstr(out.ptr, "more change"));
	textdiff_free(d);

	/* one huge insertion is cut too */
	buf_reset(&b);
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "word ");
	textdiff(&d, "", 0, b.ptr, b.len);
	buf_reset(&out);
	st.max_bytes = 100;
	textdiff_render(d, &out, &st);
	assert_true(out.len < 200);
	assert_non_null(strstr(out.ptr, "more bytes)"));
	textdiff_free(d);
	buf_release(&out);
	buf_release(&a);
	buf_release(&b);
}

/* xorshift64*: deterministic, no libc rand() state */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32) % n;
}

static void random_text(struct buf *b, size_t ntok)
{
	static const char *pieces[] = {
		"the", "cat", "dog", " ", "  ", "\n", "<p>", "</p>", "<a href=\"x\">", "</a>", ",", ".",
		"&amp;", "&ndash;", "caf\xc3\xa9", "\xe4\xb8\xad", "\x1b", "1", "42", "<", ">", "\t",
	};
	size_t i;

	for (i = 0; i < ntok; i++)
		buf_puts(b, pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))]);
}

static void test_round_trip_random(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT, out = BUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 200; i++) {
		struct textdiff *d;
		size_t pos = 0;

		buf_reset(&a);
		buf_reset(&b);
		random_text(&a, rnd(60));
		/* b: a with random edits (mostly similar), or unrelated text every 5th case */
		if (i % 5 == 4) {
			random_text(&b, rnd(60));
		} else {
			while (pos < a.len) {
				size_t n = 1 + rnd(12);
				if (n > a.len - pos)
					n = a.len - pos;
				switch (rnd(4)) {
				case 0:
					break;                          /* drop */
				case 1:
					random_text(&b, 1 + rnd(3));   /* replace */
					break;
				default:
					buf_add(&b, a.ptr + pos, n);    /* keep */
				}
				pos += n;
			}
		}
		textdiff(&d, buf_str(&a), a.len, buf_str(&b), b.len);
		check_apply(d, buf_str(&a), a.len, buf_str(&b), b.len);
		buf_reset(&out);
		textdiff_render(d, &out, NULL);
		assert_true((out.len == 0) == (d->stats.changes == 0));
		textdiff_free(d);
	}
	buf_release(&a);
	buf_release(&b);
	buf_release(&out);
}

/* Past the edit-distance cap the diff is approximate but still a correct patch. */
static void test_cap_fallback(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct textdiff *d;
	int i;

	(void)state;
	for (i = 0; i < 6000; i++) {
		buf_printf(&a, "a%d ", rnd(50));
		buf_printf(&b, "a%d ", rnd(50));
	}
	textdiff(&d, a.ptr, a.len, b.ptr, b.len);
	check_apply(d, a.ptr, a.len, b.ptr, b.len);
	assert_int_equal(d->stats.approximate, 1);
	textdiff_free(d);
	buf_release(&a);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_one_line_html_word),
		cmocka_unit_test(test_attribute_change),
		cmocka_unit_test(test_multi_line),
		cmocka_unit_test(test_empty_and_identical),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_escapes_neutralised),
		cmocka_unit_test(test_context_and_separators),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_round_trip_random),
		cmocka_unit_test(test_cap_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

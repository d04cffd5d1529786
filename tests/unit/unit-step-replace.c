/* tests/unit/unit-step-replace.c -- text substitution for the plan (runner/step_replace.c).
 *
 * Replacements come from real recipes (recipe_load_mem of a `pages: {replace: [...]}` step), so
 * patterns are compiled exactly as a user's are (UTF, invalid UTF allowed, JIT). What is checked:
 * captures, each flag, literal mode, no match giving NULL, replacements chained in order, the
 * bytes outside the matches kept exactly (HTML entities, UTF-8, a stray Latin-1 byte), a 1 MB
 * body, the output buffer retry, match counts, and a catastrophic pattern failing with an error
 * that names the object instead of hanging; case: preserve (each match's case pattern onto its
 * replacement, tags and entities untouched, across the retry).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "recipe.h"
#include "recipe_pages.h"
#include "step.h"
#include "xalloc.h"

static const char HEAD[] = "version: 1\ncourses: [1]\nsteps:\n";

/* A recipe of one `pages` step whose replace: list is `list` (a YAML flow sequence). */
static struct recipe *load_opts(const char *list, const struct recipe_opts *o)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;
	char *text = xasprintf("%s  - pages:\n      replace: %s\n", HEAD, list);

	if (recipe_load_mem(&r, "t.yaml", text, strlen(text), o, &d)) {
		diag_print(&d, stderr);
		fail_msg("the recipe does not load: %s", list);
	}
	diag_release(&d);
	free(text);
	return r;
}

static struct recipe *load(const char *list)
{
	return load_opts(list, NULL);
}

static struct rpages *model(struct recipe *r)
{
	return r->steps[0].data;
}

/* Run the recipe's replacements on text; returns step_substitute's value. */
static int run(struct recipe *r, const char *text, size_t len, char **out, size_t *outlen, long *n, struct err *err)
{
	struct rpages *pg = model(r);

	return step_substitute(pg->replace, pg->nreplace, text, len, out, outlen, n, "page 'p' body in course 1",
			       err);
}

/* ---------------------------------------------------------------- table: one text in, one out */

struct sub_case {
	const char *list;     /* the replace: list */
	const char *in;
	const char *want;     /* NULL: nothing matches */
	long matches;
};

static const struct sub_case cases[] = {
	/* captures */
	{ "[{pattern: '(\\w+)@(\\w+)\\.edu', with: '$2 at $1'}]", "mail ann@x.edu, bob@y.edu.",
	  "mail x at ann, y at bob.", 2 },
	{ "[{pattern: '(Office hours:\\s*)Mon', with: '$1Tue'}]", "<p>Office hours:  Mon 10:00</p>",
	  "<p>Office hours:  Tue 10:00</p>", 1 },
	{ "[{pattern: '(a)|(b)', with: '[$1$2]'}]", "ab", "[a][b]", 2 },   /* unset group: empty */
	{ "[{pattern: '(x)', with: '$0$1$$'}]", "x", "xx$", 1 },
	/* flags */
	{ "[{pattern: fall, with: Spring, flags: i}]", "Fall FALL fall", "Spring Spring Spring", 3 },
	{ "[{pattern: fall, with: Spring}]", "Fall FALL fall", "Fall FALL Spring", 1 },
	{ "[{pattern: '^x', with: y, flags: m}]", "x\nx\n", "y\ny\n", 2 },
	{ "[{pattern: '^x', with: y}]", "x\nx\n", "y\nx\n", 1 },
	{ "[{pattern: 'a.b', with: X, flags: s}]", "a\nb", "X", 1 },
	{ "[{pattern: 'a.b', with: X}]", "a\nb", NULL, 0 },
	{ "[{pattern: 'F a l l  # the term', with: Spring, flags: x}]", "Fall 2025", "Spring 2025", 1 },
	{ "[{pattern: 'F a l l', with: Spring}]", "Fall 2025", NULL, 0 },
	{ "[{pattern: 'week\\s+(\\d)', with: 'Week $1', flags: imsx}]", "WEEK\n3", "Week 3", 1 },
	/* literal: no metacharacter in the pattern, no $ in with */
	{ "[{pattern: 'a.b(c)$', with: '$1 $$ \\1', literal: true}]", "xa.b(c)$y aXb(c)$",
	  "x$1 $$ \\1y aXb(c)$", 1 },
	{ "[{pattern: 'C:\\Program Files', with: 'D:\\Apps', literal: true}]", "in C:\\Program Files\\x",
	  "in D:\\Apps\\x", 1 },
	{ "[{pattern: '$20 lab fee', with: '$25', literal: true, flags: i}]", "A $20 LAB FEE", "A $25", 1 },
	{ "[{pattern: '\\$20 lab fee', with: '$$25 lab fee'}]", "A $20 lab fee", "A $25 lab fee", 1 },
	/* no match */
	{ "[{pattern: 'Fall 2025', with: Spring}]", "<p>Spring 2026</p>", NULL, 0 },
	{ "[{pattern: 'x', with: y}]", "", NULL, 0 },
	/* several, in order: the second sees the first's output */
	{ "[{pattern: Fall, with: Spring}, {pattern: 'Spring 2025', with: 'Summer 2025'}]", "Fall 2025, Spring 2024",
	  "Summer 2025, Spring 2024", 2 },
	{ "[{pattern: nothing, with: x}, {pattern: a, with: b}, {pattern: zzz, with: y}]", "aaa", "bbb", 3 },
	{ "[{pattern: a, with: b}, {pattern: b, with: a}]", "ab", "aa", 3 },
	/* deleting */
	{ "[{pattern: '<span class=\"old\">[^<]*</span>', with: ''}]", "<p>a<span class=\"old\">x</span>b</p>",
	  "<p>ab</p>", 1 },
	/* an empty match in context does not count (PCRE2_NOTEMPTY): the lookahead alone matches "" */
	{ "[{pattern: '(?=b)', with: X}]", "abab", NULL, 0 },
	/* byte-exact outside the matches: one-line HTML, entities, UTF-8 */
	{ "[{pattern: 'Fall(&nbsp;| )2025', with: 'Spring$${1}2026'}]",
	  "<p class=\"t\" data-x='1'>caf\xc3\xa9 &eacute; \xe4\xb8\xad\xe6\x96\x87 &amp;&lt;Fall&nbsp;2025&gt;  "
	  "\xf0\x9f\x98\x80\tFall 2025\r\n</p>",
	  "<p class=\"t\" data-x='1'>caf\xc3\xa9 &eacute; \xe4\xb8\xad\xe6\x96\x87 &amp;&lt;Spring&nbsp;2026&gt;  "
	  "\xf0\x9f\x98\x80\tSpring 2026\r\n</p>", 2 },
	/* UTF-8 in pattern and text: a character is one '.' */
	{ "[{pattern: 'caf.', with: cafe}, {pattern: '\xe4\xb8\xad.', with: 'zh'}]",
	  "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87!", "cafe zh!", 2 },
	{ "[{pattern: '\xc3\xa9', with: E, flags: i}]", "\xc3\x89t\xc3\xa9", "EtE", 2 },
	/* invalid UTF-8 in the body: the bad byte never matches and is copied as it is */
	{ "[{pattern: Fall, with: Spring}]", "caf\xe9 Fall \xff\xfe", "caf\xe9 Spring \xff\xfe", 1 },
	{ "[{pattern: 'caf.', with: X}]", "caf\xe9 caf\xc3\xa9", "caf\xe9 X", 1 },
	/* case: preserve -- capitalised, all upper, all lower, each match on its own */
	{ "[{pattern: office hours, with: student hours, flags: i, case: preserve}]",
	  "Office hours. OFFICE HOURS! office hours, Office Hours", "Student hours. STUDENT HOURS! student hours, "
	  "Student hours", 4 },
	{ "[{pattern: office hours, with: student hours, flags: i}]", "Office hours.", "student hours.", 1 },
	{ "[{pattern: office hours, with: student hours, flags: i, case: as_written}]", "Office hours.",
	  "student hours.", 1 },
	/* all lower: the replacement is lowered; mixed ("oFFice"): as written; one capital: capitalised */
	{ "[{pattern: piazza, with: Ed Discussion, flags: i, case: preserve}]", "piazza Piazza PIAZZA pIAZZA",
	  "ed discussion Ed Discussion ED DISCUSSION Ed Discussion", 4 },
	{ "[{pattern: 'a', with: 'the', flags: i, case: preserve}]", "A a", "The the", 2 },
	/* letters in tags and entities are neither read nor changed; the text around them is */
	{ "[{pattern: 'tutoring center', with: '<a href=\"https://x.edu/Learn\">learning &Amp; commons</a>', "
	  "flags: i, case: preserve}]", "TUTORING CENTER, Tutoring center",
	  "<a href=\"https://x.edu/Learn\">LEARNING &Amp; COMMONS</a>, <a href=\"https://x.edu/Learn\">Learning "
	  "&Amp; commons</a>", 2 },
	{ "[{pattern: '<b>fall</b>', with: '<i>spring</i>', flags: i, case: preserve}]", "<B>FALL</B> <b>Fall</b>",
	  "<i>SPRING</i> <i>Spring</i>", 2 },
	/* captures are recased with the rest; literal mode too; non-ASCII letters as written */
	{ "[{pattern: '(week) (\\d+)', with: '$1 $2 (online)', flags: i, case: preserve}]", "WEEK 3",
	  "WEEK 3 (ONLINE)", 1 },
	{ "[{pattern: 'fee', with: 'cost', literal: true, flags: i, case: preserve}]", "Fee FEE", "Cost COST", 2 },
	{ "[{pattern: cafe, with: '\xc3\xa9" "cole', flags: i, case: preserve}]", "CAFE Cafe",
	  "\xc3\xa9" "COLE \xc3\xa9" "cole", 2 },
	{ "[{pattern: '\xc3\xa9" "cole', with: school, flags: i, case: preserve}]", "\xc3\x89" "cole \xc3\x89" "COLE",
	  "school SCHOOL", 2 },
	{ "[{pattern: '2025', with: '2026', case: preserve}]", "Fall 2025", "Fall 2026", 1 },
};

static void test_cases(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sub_case *c = &cases[i];
		struct recipe *r = load(c->list);
		struct err err = ERR_INIT;
		char *out = (char *)"x";
		size_t outlen = 12345;
		long n = -1;
		int rc = run(r, c->in, strlen(c->in), &out, &outlen, &n, &err);
		int ok = rc == 0 && n == c->matches &&
			 (c->want ? out && outlen == strlen(c->want) && !memcmp(out, c->want, outlen) && !out[outlen]
				  : !out && outlen == strlen(c->in));

		if (!ok) {
			fprintf(stderr, "case %zu %s on '%s': rc %d (%s), %ld matches, out '%s'\n", i, c->list, c->in, rc,
				err.msg, n, out ? out : "(null)");
			failed++;
		}
		free(out);
		recipe_free(r);
	}
	assert_int_equal(failed, 0);
}

/* ---------------------------------------------------------------- large bodies */

#define MB (1024 * 1024)

static const char filler[] = "<p>lorem ipsum &amp; \xc3\xa9t\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87</p>";

static void test_one_megabyte_ten_matches(void **state)
{
	struct recipe *r = load("[{pattern: 'Fall (\\d{4})', with: 'Spring $1'}]");
	struct err err = ERR_INIT;
	char *in = xmalloc(MB + 1), *want = xmalloc(MB + 64), *out;
	size_t i, k, outlen, wlen = 0;
	long n;

	(void)state;
	for (i = 0; i < MB; i++)
		in[i] = filler[i % (sizeof(filler) - 1)];
	in[MB] = 0;
	for (k = 0; k < 10; k++)
		memcpy(in + k * (MB / 10) + 7, "Fall 2025", 9);
	for (i = 0; i < MB; i++) {
		if (i >= 7 && (i - 7) % (MB / 10) == 0 && (i - 7) / (MB / 10) < 10) {
			memcpy(want + wlen, "Spring 2025", 11);
			wlen += 11;
			i += 8;
		} else {
			want[wlen++] = in[i];
		}
	}
	assert_int_equal(run(r, in, MB, &out, &outlen, &n, &err), 0);
	assert_int_equal(n, 10);
	assert_int_equal(outlen, MB + 20);
	assert_int_equal(outlen, wlen);
	assert_memory_equal(out, want, wlen);
	assert_int_equal(out[outlen], 0);
	free(out);
	/* and no match in a megabyte: NULL, nothing allocated for the caller */
	in[7] = 'f';
	for (k = 1; k < 10; k++)
		in[k * (MB / 10) + 7] = 'f';
	assert_int_equal(run(r, in, MB, &out, &outlen, &n, &err), 0);
	assert_null(out);
	assert_int_equal(n, 0);
	free(in);
	free(want);
	recipe_free(r);
}

/* Output far larger than the input: the first buffer is too small, one retry at the exact size. */
static void test_output_growth_retries_once(void **state)
{
	struct recipe *r = load("[{pattern: '(a)', with: '<b>$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1</b>'}, "
				"{pattern: '</b>', with: '</strong>'}]");
	struct err err = ERR_INIT;
	size_t len = 100000, i, outlen;
	char *in = xmalloc(len + 1), *out;
	long n;

	(void)state;
	memset(in, 'a', len);
	in[len] = 0;
	assert_int_equal(run(r, in, len, &out, &outlen, &n, &err), 0);
	assert_int_equal(n, 2 * (long)len);
	assert_int_equal(outlen, len * (3 + 20 + 9));
	for (i = 0; i < len; i++)
		assert_memory_equal(out + i * 32, "<b>aaaaaaaaaaaaaaaaaaaa</strong>", 32);
	assert_int_equal(out[outlen], 0);
	free(out);
	free(in);
	recipe_free(r);
}

/* case: preserve across the retry at the exact size: the record of the first, too small, run is
 * dropped, and every match (the last ones, past the first buffer, too) is recased. */
static void test_case_preserve_after_retry(void **state)
{
	struct recipe *r = load("[{pattern: 'ab', with: 'xyzxyzxyzxyzxyzxyzxyz', flags: i, case: preserve}]");
	struct err err = ERR_INIT;
	size_t len = 20000, i, outlen;
	char *in = xmalloc(len + 1), *out;
	long n;

	(void)state;
	for (i = 0; i < len; i += 2)
		memcpy(in + i, (i / 2) % 3 == 0 ? "AB" : (i / 2) % 3 == 1 ? "Ab" : "ab", 2);
	in[len] = 0;
	assert_int_equal(run(r, in, len, &out, &outlen, &n, &err), 0);
	assert_int_equal(n, (long)len / 2);
	assert_int_equal(outlen, len / 2 * 21);
	for (i = 0; i < len / 2; i++)
		assert_memory_equal(out + i * 21, i % 3 == 0 ? "XYZXYZXYZXYZXYZXYZXYZ" : i % 3 == 1 ?
				    "Xyzxyzxyzxyzxyzxyzxyz" : "xyzxyzxyzxyzxyzxyzxyz", 21);
	free(out);
	free(in);
	recipe_free(r);
}

/* ---------------------------------------------------------------- failures */

static void test_catastrophic_pattern_is_an_error(void **state)
{
	struct recipe *r = load("[{pattern: '(a+)+$', with: x}]");
	struct err err = ERR_INIT;
	size_t len = 100000, outlen;
	char *in = xmalloc(len + 2), *out = (char *)"x";
	long n;

	(void)state;
	memset(in, 'a', len);
	in[len] = 'b';
	in[len + 1] = 0;
	assert_int_equal(run(r, in, len + 1, &out, &outlen, &n, &err), -1);
	assert_null(out);
	assert_int_equal(err.code, ERR_RECIPE);
	/* names the recipe place, the pattern, the object and what to do */
	assert_non_null(strstr(err.msg, "t.yaml:5:"));
	assert_non_null(strstr(err.msg, "the pattern '(a+)+$' failed on page 'p' body in course 1"));
	assert_non_null(strstr(err.msg, "match limit"));
	free(in);
	recipe_free(r);
}

/* An earlier replacement's output is freed when a later one fails. */
static void test_failure_after_a_match_frees(void **state)
{
	struct recipe *r = load("[{pattern: c, with: a}, {pattern: '(a+)+$', with: x}]");
	struct err err = ERR_INIT;
	size_t len = 50000, outlen;
	char *in = xmalloc(len + 2), *out;
	long n;

	(void)state;
	memset(in, 'c', len);
	in[len] = 'b';
	in[len + 1] = 0;
	assert_int_equal(run(r, in, len + 1, &out, &outlen, &n, &err), -1);
	assert_null(out);
	free(in);
	recipe_free(r);
}

/* A replacement text that is not UTF-8 (a --var can bring any bytes) is PCRE2's error, named. */
static void test_bad_utf8_in_with_is_an_error(void **state)
{
	struct recipe_var v = { "bad", "\xff" };
	struct recipe_opts o = { .vars = &v, .nvars = 1 };
	struct recipe *r = load_opts("[{pattern: a, with: '${bad}'}]", &o);
	struct err err = ERR_INIT;
	char *out;
	size_t outlen;
	long n;

	(void)state;
	assert_int_equal(run(r, "a", 1, &out, &outlen, &n, &err), -1);
	assert_null(out);
	assert_non_null(strstr(err.msg, "failed on page 'p' body in course 1: UTF-8 error"));
	recipe_free(r);
}

/* ---------------------------------------------------------------- where: regexes */

static void test_regex_match(void **state)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;
	static const char text[] = "version: 1\ncourses: [1]\nsteps:\n"
				   "  - pages: {where: {title: '^Week \\d+$'}, set: {published: true}}\n"
				   "  - pages: {where: {title: '(x+x+)+y'}, set: {published: true}}\n";
	const struct rwhere *w1, *w2;
	struct err err = ERR_INIT;
	char *big = xmalloc(20001);

	(void)state;
	assert_int_equal(recipe_load_mem(&r, "t.yaml", text, strlen(text), NULL, &d), 0);
	w1 = ((struct rpages *)r->steps[0].data)->where;
	w2 = ((struct rpages *)r->steps[1].data)->where;
	assert_int_equal(step_regex_match(w1->name, "Week 12", 7, "x", &err), 1);
	assert_int_equal(step_regex_match(w1->name, "Week 12 notes", 13, "x", &err), 0);
	assert_int_equal(step_regex_match(w1->name, "Week \xff", 6, "x", &err), 0);
	/* a 'y' after the run, so PCRE2's required-character check does not end it early */
	memset(big, 'x', 20000);
	memcpy(big + 19998, " y", 3);
	assert_int_equal(step_regex_match(w2->name, big, 20000, "page 'p' title in course 1", &err), -1);
	assert_non_null(strstr(err.msg, "failed on page 'p' title in course 1"));
	free(big);
	recipe_free(r);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_one_megabyte_ten_matches),
		cmocka_unit_test(test_output_growth_retries_once),
		cmocka_unit_test(test_case_preserve_after_retry),
		cmocka_unit_test(test_catastrophic_pattern_is_an_error),
		cmocka_unit_test(test_failure_after_a_match_frees),
		cmocka_unit_test(test_bad_utf8_in_with_is_an_error),
		cmocka_unit_test(test_regex_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

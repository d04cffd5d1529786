/* tests/unit/unit-recipe-replace.c -- replacements (runner/recipe_replace.c) and the replace_text
 * action (runner/recipe_replace_text.c).
 *
 * Recipes are loaded from memory; the model is checked key by key; bad recipes are a table of
 * (steps, line, column, message part) where each must give exactly that one error. A last table
 * runs the accepted `with` through pcre2_substitute with RREPLACE_SUBSTITUTE_OPTIONS, the call the
 * plan engine makes, so the syntax the checker accepts is the syntax PCRE2 applies.
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
#include "recipe-cases.h"
#include "recipe_replace.h"
#include "recipe_replace_text.h"

/* Steps start at line 5. */
static const char HEAD[] = "version: 1\ncourses: [1]\nvars: {term: Spring}\nsteps:\n";

static struct recipe *load(const char *steps, struct diags *d)
{
	struct recipe *r = NULL;
	struct recipe_opts o = { .vars = NULL, .nvars = 0 };
	size_t n = strlen(HEAD) + strlen(steps);
	char *text = malloc(n + 1);

	snprintf(text, n + 1, "%s%s", HEAD, steps);
	recipe_load_mem(&r, "t.yaml", text, n, &o, d);
	free(text);
	return r;
}

static void dump(const struct diags *d)
{
	diag_print(d, stderr);
}

static struct recipe *load_ok(const char *steps)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = load(steps, &d);

	if (d.nerrors)
		dump(&d);
	assert_int_equal(d.nerrors, 0);
	assert_non_null(r);
	diag_release(&d);
	return r;
}

/* ---------------------------------------------------------------- the model */

static void test_replace_text_inline(void **state)
{
	struct recipe *r;
	struct rreplace_text *rt;
	struct rreplace *rp;

	(void)state;
	r = load_ok("  - replace_text:\n"
		    "      in: [pages, assignments, syllabus, discussions, announcements, quizzes]\n"
		    "      pattern: 'https://zoom\\.us/j/(\\d+)'\n"
		    "      with: 'https://zoom.us/j/999?old=$1'\n"
		    "      flags: xi\n"
		    "      literal: false\n"
		    "      fields: [title, body]\n"
		    "      where: {title: '^Week', id: [3, 4], published: true, url: [a, b]}\n");
	assert_int_equal(r->nsteps, 1);
	assert_string_equal(r->steps[0].action->name, "replace_text");
	rt = r->steps[0].data;
	assert_int_equal(rt->in, RTEXT_PAGES | RTEXT_ASSIGNMENTS | RTEXT_SYLLABUS | RTEXT_DISCUSSIONS |
			 RTEXT_ANNOUNCEMENTS | RTEXT_QUIZZES);
	assert_int_equal(rt->fields, RTEXT_FIELD_BODY | RTEXT_FIELD_TITLE);
	assert_int_equal(rt->nreplace, 1);
	rp = rt->replace[0];
	assert_string_equal(rp->re->src, "https://zoom\\.us/j/(\\d+)");
	assert_non_null(rp->re->code);
	assert_string_equal(rp->with, "https://zoom.us/j/999?old=$1");
	assert_string_equal(rp->subst, rp->with);
	assert_int_equal(rp->flags, RREPLACE_CASELESS | RREPLACE_EXTENDED);
	assert_string_equal(rp->flag_str, "ix");
	assert_int_equal(rp->literal, 0);
	assert_int_equal(rp->case_preserve, 0);   /* the default: as written */
	assert_int_equal(rp->max_group, 1);
	assert_int_equal(rp->with_pos.line, 8);
	assert_int_equal(rp->with_pos.col, 13);
	assert_non_null(rt->where);
	assert_non_null(rt->where->name);
	assert_int_equal(rt->where->nids, 2);
	assert_int_equal(rt->where->published, 1);
	assert_int_equal(rt->where->nurls, 2);
	recipe_free(r);
}

static void test_replace_text_list(void **state)
{
	struct recipe *r;
	struct rreplace_text *rt;

	(void)state;
	r = load_ok("  - replace_text:\n"
		    "      in: [syllabus]\n"
		    "      replace:\n"
		    "        - {pattern: 'Fall (\\d{4})', with: '${term} $1', flags: i}\n"
		    "        - {pattern: 'a.c', with: 'cost: $5 ${term}', literal: true, flags: i}\n"
		    "        - {pattern: x, with: '', case: preserve}\n");
	rt = r->steps[0].data;
	assert_int_equal(rt->in, RTEXT_SYLLABUS);
	assert_int_equal(rt->fields, RTEXT_FIELD_BODY);   /* the default */
	assert_null(rt->where);
	assert_int_equal(rt->nreplace, 3);
	assert_string_equal(rt->replace[0]->with, "Spring $1");   /* the variable is expanded */
	assert_int_equal(rt->replace[0]->flags, RREPLACE_CASELESS);
	assert_int_equal(rt->replace[1]->literal, 1);
	assert_int_equal(rt->replace[1]->re->literal, 1);
	assert_string_equal(rt->replace[1]->with, "cost: $5 Spring");
	assert_string_equal(rt->replace[1]->subst, "cost: $$5 Spring");
	assert_int_equal(rt->replace[1]->max_group, 0);
	assert_string_equal(rt->replace[2]->with, "");
	assert_string_equal(rt->replace[2]->flag_str, "");
	assert_int_equal(rt->replace[2]->flags, 0);
	assert_int_equal(rt->replace[2]->case_preserve, 1);
	assert_int_equal(rt->replace[0]->case_preserve, 0);
	assert_int_equal(rt->replace[0]->pos.line, 8);
	recipe_free(r);
}

static void test_flags_all(void **state)
{
	struct recipe *r;
	struct rreplace *rp;
	uint32_t opts = 0;

	(void)state;
	r = load_ok("  - replace_text: {in: [pages], pattern: '(a) (b) # two', with: '$2$1$$', flags: smxi}\n");
	rp = ((struct rreplace_text *)r->steps[0].data)->replace[0];
	assert_int_equal(rp->flags, RREPLACE_CASELESS | RREPLACE_MULTILINE | RREPLACE_DOTALL | RREPLACE_EXTENDED);
	assert_string_equal(rp->flag_str, "imsx");
	assert_int_equal(rp->max_group, 2);
	pcre2_pattern_info(rp->re->code, PCRE2_INFO_ARGOPTIONS, &opts);
	assert_true(opts & PCRE2_CASELESS);
	assert_true(opts & PCRE2_MULTILINE);
	assert_true(opts & PCRE2_DOTALL);
	assert_true(opts & PCRE2_EXTENDED);
	recipe_free(r);
}

/* ---------------------------------------------------------------- bad recipes */

static const struct bad_case bad[] = {
	/* a PCRE2 syntax error points at the character: the 'a' that ends the range z-a (offset 5,
	 * plus one column for the quote) */
	{ "  - replace_text: {in: [pages], pattern: 'ab[z-a]', with: x}\n", 5, 48,
	  "bad regular expression for 'replace_text.pattern': range out of order" },
	{ "  - replace_text: {in: [pages], pattern: 'a(\\d)', with: '${1}x'}\n", 5, 58,
	  "write $1 for a capture group; ${...} is a recipe variable" },
	{ "  - replace_text: {in: [pages], pattern: 'x*', with: y}\n", 5, 42,
	  "'replace_text.pattern' matches the empty string; it would insert at every position" },
	{ "  - replace_text: {in: [pages], pattern: '^', with: y}\n", 5, 42, "matches the empty string" },
	{ "  - replace_text: {in: [pages], pattern: 'a|', with: y}\n", 5, 42, "matches the empty string" },
	{ "  - replace_text: {in: [pages], pattern: '\\b', with: y}\n", 5, 42,
	  "can match the empty string (at an anchor or a boundary)" },
	{ "  - replace_text: {in: [pages], pattern: 'a', with: y, flags: iq}\n", 5, 64,
	  "unknown flag 'q' in 'replace_text.flags' (use i, m, s, x)" },
	{ "  - replace_text: {in: [pages], pattern: 'a', with: y, flags: mim}\n", 5, 65,
	  "flag 'm' is given twice in 'replace_text.flags'" },
	{ "  - replace_text: {in: [pages], pattern: 'a.b', with: y, literal: true, flags: ix}\n", 5, 81,
	  "flag 'x' in 'replace_text.flags' does not apply to a literal pattern (only i does)" },
	{ "  - replace_text: {in: [pages], pattern: '(a)(b)', with: 'x $3 y'}\n", 5, 61,
	  "'replace_text.with' refers to group $3 but the pattern has 2 capture groups" },
	{ "  - replace_text: {in: [pages], pattern: 'ab', with: 'x $1'}\n", 5, 57,
	  "refers to group $1 but the pattern has no capture groups" },
	{ "  - replace_text: {in: [pages], pattern: 'ab', with: 'cost $x'}\n", 5, 60,
	  "has a '$' that is not followed by a group number (write $$ for a literal $)" },
	{ "  - replace_text: {in: [pages], pattern: 'ab', with: 'end $'}\n", 5, 59,
	  "not followed by a group number" },
	{ "  - replace_text: {in: [pages], pattern: '(a)', with: $100}\n", 5, 55,
	  "refers to group $100; groups go up to $99" },
	{ "  - replace_text: {in: [pages], pattern: 'ab'}\n", 5, 19, "'replace_text' needs 'with'" },
	{ "  - replace_text: {in: [pages], with: x, flags: i}\n", 5, 19, "'replace_text' needs 'pattern'" },
	{ "  - replace_text: {in: [pages], replace: [{pattern: a, with: b, flgas: i}]}\n", 5, 65,
	  "unknown key 'flgas' in 'replace_text.replace[0]'; did you mean 'flags'?" },
	{ "  - replace_text: {in: [pages], replace: [x]}\n", 5, 43,
	  "expected a mapping {pattern: REGEX, with: TEXT} for 'replace_text.replace[0]', got a value" },
	{ "  - replace_text: {in: [pages], replace: []}\n", 5, 42, "'replace_text.replace' is an empty list" },
	{ "  - replace_text: {pattern: a, with: b}\n", 5, 19, "'replace_text' needs 'in'" },
	{ "  - replace_text: {in: [], pattern: a, with: b}\n", 5, 24, "'replace_text.in' is an empty list" },
	{ "  - replace_text: {in: pages, pattern: a, with: b}\n", 5, 24,
	  "expected a list for 'replace_text.in', got a value" },
	{ "  - replace_text: {in: [pages, quizzes, pages], pattern: a, with: b}\n", 5, 41,
	  "'pages' is listed twice in 'replace_text.in'" },
	{ "  - replace_text: {in: [page], pattern: a, with: b}\n", 5, 25,
	  "'page' is not a valid 'replace_text.in'; did you mean 'pages'?" },
	{ "  - replace_text: {in: [pages], pattern: a, with: b, replace: [{pattern: c, with: d}]}\n", 5, 33,
	  "takes 'pattern' and 'with' for one replacement or 'replace' for several, not both" },
	{ "  - replace_text: {in: [pages]}\n", 5, 19,
	  "'replace_text' needs 'pattern' and 'with' (one replacement) or 'replace'" },
	{ "  - replace_text: {in: [pages], pattern: a, with: b, fields: [titel]}\n", 5, 63,
	  "'titel' is not a valid 'replace_text.fields'; did you mean 'title'?" },
	{ "  - replace_text: {in: [pages], pattern: a, with: b, fields: [body, body]}\n", 5, 69,
	  "'body' is listed twice in 'replace_text.fields'" },
	{ "  - replace_text: {in: [pages], pattern: a, with: b, where: {position: 3}}\n", 5, 62,
	  "unknown key 'position' in 'replace_text.where'" },
	{ "  - replace_text: {in: [pages], pattern: a, with: b, literal: maybe}\n", 5, 63,
	  "expected true or false for 'replace_text.literal', got 'maybe'" },
	{ "  - replace_text: {in: [pages], pattern: a, with: [b]}\n", 5, 51,
	  "expected a string for 'replace_text.with', got a list" },
	{ "  - replace_text: {in: [pages], pattern: a, with: '${nope}'}\n", 5, 51, "undefined variable 'nope'" },
	{ "  - replace_text: {in: [pages], pattern: a, with: b, frobnicate: 1}\n", 5, 54,
	  "unknown key 'frobnicate' in 'replace_text'" },
	{ "  - replace_text: [pages]\n", 5, 19, "expected a mapping for 'replace_text', got a list" },
	{ "  - replace_text: {in: [pages], pattern: a, with: b, case: presrve}\n", 5, 60,
	  "'presrve' is not a valid 'replace_text.case'; did you mean 'preserve'? (one of as_written, preserve)" },
	{ "  - replace_text: {in: [pages], replace: [{pattern: a, with: b, case: upper}]}\n", 5, 71,
	  "'upper' is not a valid 'replace_text.replace[0].case' (one of as_written, preserve)" },
	{ "  - replace_text: {in: [pages], replace: [{pattern: a, with: b}], case: preserve}\n", 5, 67,
	  "'replace_text' takes 'pattern' and 'with' for one replacement or 'replace' for several, not both" },
};

static void test_bad_recipes(void **state)
{
	(void)state;
	assert_int_equal(check_bad_cases(bad, sizeof(bad) / sizeof(bad[0]), HEAD, "t.yaml"), 0);
}

/* Several problems in one replacement are all reported. */
static void test_all_errors(void **state)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r;

	(void)state;
	r = load("  - replace_text:\n"
		 "      in: [pages]\n"
		 "      replace:\n"
		 "        - {pattern: 'x*', with: '$7', flags: q}\n"
		 "        - {pattern: '(', with: '${2}'}\n", &d);
	assert_null(r);
	assert_int_equal(d.nerrors, 5);
	diag_release(&d);
}

/* ---------------------------------------------------------------- the substitution */

struct sub {
	const char *pattern, *flags;
	int literal;
	const char *with, *subject, *expected;
};

static const struct sub subs[] = {
	{ "Fall (\\d+)", "", 0, "${term} $1", "Fall 2025, Fall 2024", "Spring 2025, Spring 2024" },
	{ "(\\w+)@(\\w+)", "", 0, "$2 at $1, $$5", "mail a@b now", "mail b at a, $5 now" },
	{ "(\\d)", "", 0, "$${1}0", "a1b2", "a10b20" },            /* a digit right after a group */
	{ "(x)?y", "", 0, "[$1]", "y xy", "[] [x]" },              /* an unset group is empty */
	{ "b+", "", 0, "<$0>", "abbbc", "a<bbb>c" },
	{ "fall", "i", 0, "spring", "FALL Fall", "spring spring" },
	{ "^a", "m", 0, "b", "a\na", "b\nb" },
	{ "a.c", "s", 0, "X", "a\nc", "X" },
	{ "a b  # spaced", "x", 0, "X", "ab a b", "X a b" },
	{ "é", "i", 0, "e", "É é", "e e" },
	{ "a.c", "", 1, "$1 $$ ${term}", "abc a.c", "abc $1 $$ Spring" },  /* literal: nothing special */
	{ "A.C", "i", 1, "x", "a.c abc", "x abc" },
	{ "(?=na)", "", 0, "-", "banana", "banana" },              /* an empty match never counts */
	{ "https://zoom\\.us/j/\\d+", "", 0, "https://zoom.us/j/999",
	  "<a href=\"https://zoom.us/j/123\">x</a>", "<a href=\"https://zoom.us/j/999\">x</a>" },
};

static void test_substitute(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		char steps[512];
		struct recipe *r;
		struct rreplace *rp;
		PCRE2_UCHAR out[256];
		PCRE2_SIZE outlen = sizeof(out);
		int rc;

		/* the texts are written into single-quoted YAML scalars: no quote in them */
		snprintf(steps, sizeof(steps),
			 "  - replace_text:\n      in: [pages]\n      pattern: '%s'\n      with: '%s'\n"
			 "      flags: '%s'\n      literal: %s\n",
			 subs[i].pattern, subs[i].with, subs[i].flags, subs[i].literal ? "true" : "false");
		r = load_ok(steps);
		rp = ((struct rreplace_text *)r->steps[0].data)->replace[0];
		rc = pcre2_substitute(rp->re->code, (PCRE2_SPTR)subs[i].subject, PCRE2_ZERO_TERMINATED, 0,
				      RREPLACE_SUBSTITUTE_OPTIONS, NULL, NULL, (PCRE2_SPTR)rp->subst,
				      PCRE2_ZERO_TERMINATED, out, &outlen);
		if (rc < 0) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(rc, msg, sizeof(msg));
			fail_msg("case %zu: pcre2_substitute: %s", i, (char *)msg);
		}
		if (strcmp((char *)out, subs[i].expected))
			fail_msg("case %zu: got '%s', want '%s'", i, (char *)out, subs[i].expected);
		recipe_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_text_inline),
		cmocka_unit_test(test_replace_text_list),
		cmocka_unit_test(test_flags_all),
		cmocka_unit_test(test_bad_recipes),
		cmocka_unit_test(test_all_errors),
		cmocka_unit_test(test_substitute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

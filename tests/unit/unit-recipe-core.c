/* tests/unit/unit-recipe-core.c -- the recipe core (runner/recipe.c, recipe_yaml.c, recipe_vars.c,
 * recipe_check.c) on bad recipes, and SHA-256 (runner/sha256.c).
 *
 * Table-driven: each row is a recipe text, the --var options to load it with, and the error that
 * must be among the diagnostics: its exact line and column and a substring of its message (and,
 * where it matters, the exact number of errors). The rows stay away from the actions' own
 * parsers (their models are tested with each action): a step is given an unknown action key or
 * none, so the errors checked here come from the core alone. Inputs that need size (the byte,
 * string, node and depth limits, the alias bomb, the error cap) are built in code. SHA-256 is
 * checked against the FIPS 180-4 example vectors; diag_print against its contract (file order,
 * ties in the order reported, the truncation line).
 *
 * Rejected: comparing the whole printed diagnostic output per row. A row would then fail whenever
 * an unrelated follow-on message changes, and what a row means ("this error, here") would be lost
 * in the noise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "asan.h"
#include "recipe.h"
#include "sha256.h"
#include "xalloc.h"
#if CTL_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* ---------------------------------------------------------------- helpers */

struct bad {
	const char *name;          /* what the row is about */
	const char *text;
	int line, col;             /* where the error must be */
	const char *msg;           /* a substring of its message */
	int nerrors;               /* the exact number of errors, or -1: not checked */
	const char *var;           /* one --var "NAME=VALUE", or NULL */
};

/* Dump the diagnostics, so that a failing row says what was reported instead. */
static void dump(const char *name, const struct diags *d)
{
	size_t i;

	fprintf(stderr, "row '%s': %d error(s):\n", name, d->nerrors);
	for (i = 0; i < d->n; i++)
		fprintf(stderr, "  %d:%d: %s\n", d->v[i].pos.line, d->v[i].pos.col, d->v[i].msg);
}

/* Load text (len bytes) with at most one --var; the recipe must be refused. */
static int load_bad(const char *text, size_t len, const char *var, struct diags *d)
{
	struct recipe_var v[1];
	struct recipe_opts o = { .vars = v, .nvars = 0 };
	struct recipe *r = (struct recipe *)1;
	char *name = NULL;
	int rc;

	if (var) {
		assert_int_equal(recipe_parse_var_option(var, &v[0], &name), 0);
		o.nvars = 1;
	}
	rc = recipe_load_mem(&r, "t.yaml", text, len, &o, d);
	free(name);
	assert_null(r);
	return rc;
}

/* The diagnostic whose message holds `msg`, or NULL. */
static const struct diag *find(const struct diags *d, const char *msg)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, msg))
			return &d->v[i];
	return NULL;
}

static void expect(const char *name, const struct diags *d, int line, int col, const char *msg)
{
	const struct diag *g = find(d, msg);

	if (!g || g->pos.line != line || g->pos.col != col) {
		dump(name, d);
		fprintf(stderr, "  wanted %d:%d: ...%s...\n", line, col, msg);
		fail_msg("row '%s'", name);
	}
	assert_string_equal(g->pos.file, "t.yaml");
}

/* ---------------------------------------------------------------- the table */

#define STEPS "steps:\n  - name: x\n"   /* a step without an action (one error, at 4:5) */

static const struct bad bad[] = {
	/* the top level */
	{ "unknown top-level key, did you mean", "version: 1\ncoures: [1]\n" STEPS, 2, 1,
	  "unknown key 'coures' in the recipe; did you mean 'courses'?", 2, NULL },
	{ "unknown top-level key, no suggestion", "version: 1\nzzzzzzzz: 1\n" STEPS, 2, 1,
	  "unknown key 'zzzzzzzz' in the recipe", 2, NULL },
	{ "version 2", "version: 2\n" STEPS, 1, 10, "reads recipe version 1; the recipe is version 2", 2,
	  NULL },
	{ "version missing", "courses: [1]\n" STEPS, 1, 1, "the recipe needs 'version: 1' at the top", 2,
	  NULL },
	{ "version not a number", "version: one\n" STEPS, 1, 10,
	  "expected a whole number for 'version', got 'one'",
	  2, NULL },
	{ "version quoted list", "version: [1]\n" STEPS, 1, 10,
	  "expected a whole number for 'version', got a list",
	  2, NULL },
	{ "not a mapping", "- version\n- 1\n", 1, 1, "a recipe is a mapping", 1, NULL },
	{ "empty file", "", 1, 1, "the recipe is empty", 1, NULL },
	{ "only a comment", "# nothing\n", 1, 1, "the recipe is empty", 1, NULL },
	{ "description null", "version: 1\ndescription:\n" STEPS, 2, 13,
	  "expected a string for 'description', got nothing (null)", 2, NULL },
	{ "NUL in a string", "version: 1\ndescription: \"a\\0b\"\n" STEPS, 2, 14,
	  "'description' holds a NUL character",
	  2, NULL },
	{ "canvas.url not a URL", "version: 1\ncanvas: {url: canvas.example.edu}\n" STEPS, 2, 15,
	  "'canvas.url' must be a URL such as https://canvas.example.edu, got 'canvas.example.edu'", 2,
	  NULL },
	{ "canvas key typo", "version: 1\ncanvas:\n  ulr: https://x\n" STEPS, 3, 3,
	  "unknown key 'ulr' in 'canvas'; did you mean 'url'?", 2, NULL },
	/* steps */
	{ "steps missing", "version: 1\ncourses: [1]\n", 1, 1,
	  "the recipe needs 'steps:', a list of what to change",
	  1, NULL },
	{ "steps empty", "version: 1\nsteps: []\n", 2, 8, "'steps' is an empty list", 1, NULL },
	{ "steps a mapping", "version: 1\nsteps:\n  a: 1\n", 3, 3,
	  "expected a list for 'steps', got a mapping", 1, NULL },
	{ "step without an action", "version: 1\n" STEPS, 3, 5,
	  "step 1 has no action (one of shift_dates, modules, pages, replace_text, schedule)", 1, NULL },
	{ "step a value", "version: 1\nsteps:\n  - hello\n", 3, 5, "expected a step (a mapping such as", 1,
	  NULL },
	{ "unknown action, did you mean", "version: 1\nsteps:\n  - name: a\n    shfit_dates: {days: 1}\n", 4,
	  5,
	  "unknown key 'shfit_dates' in a step; did you mean 'shift_dates'?", 1, NULL },
	{ "unknown action, prefix", "version: 1\nsteps:\n  - replace: {}\n", 3, 5,
	  "unknown key 'replace' in a step; did you mean 'replace_text'?", 1, NULL },
	{ "step with two actions", "version: 1\nsteps:\n  - shift_dates: {}\n    modules: {}\n", 4, 5,
	  "a step has one action; 'shift_dates' and 'modules' must be two steps", -1, NULL },
	{ "step name a list", "version: 1\nsteps:\n  - name: [a]\n    bogus: 1\n", 4, 5,
	  "unknown key 'bogus' in a step",
	  1, NULL },
	/* courses */
	{ "course with a leading zero", "version: 1\ncourses: [0012]\n" STEPS, 2, 11,
	  "'0012' is not a course id", 2,
	  NULL },
	{ "course listed twice", "version: 1\ncourses:\n  - 1234\n  - 77\n  - 1234\n" STEPS, 5, 5,
	  "course '1234' is listed twice (first at line 3)", 2, NULL },
	{ "course three times: each repeat once, against the first",
	  "version: 1\ncourses: [5, 6, 5, 5]\n" STEPS, 2, 17, "course '5' is listed twice (first at line 2)", 3, NULL },
	{ "bad SIS prefix", "version: 1\ncourses: [\"sis:BIO-101\"]\n" STEPS, 2, 11,
	  "'sis:BIO-101' is not a course id",
	  2, NULL },
	{ "SIS prefix without an id", "version: 1\ncourses: [1, \"sis_course_id:\"]\n" STEPS, 2, 14,
	  "'sis_course_id:' is not a course id", 2, NULL },
	{ "courses empty", "version: 1\ncourses: []\n" STEPS, 2, 10, "'courses' is an empty list", 2, NULL },
	{ "courses a value", "version: 1\ncourses: 1234\n" STEPS, 2, 10,
	  "expected a list of course ids, {from_file: FILE} or {account: ID, term: ID} for 'courses'", 2, NULL },
	{ "courses from_file missing", "version: 1\ncourses: {}\n" STEPS, 2, 10,
	  "'courses' needs 'from_file', or 'account' and 'term'", 2, NULL },
	{ "courses mapping typo", "version: 1\ncourses: {from_fil: x}\n" STEPS, 2, 11,
	  "unknown key 'from_fil' in 'courses'; did you mean 'from_file'?", -1, NULL },
	/* vars */
	{ "var holding a list", "version: 1\nvars:\n  terms: [fall, spring]\n" STEPS, 3, 10,
	  "variable 'terms' must be a single value, not a list", 2, NULL },
	{ "var holding a mapping", "version: 1\nvars:\n  t: {a: 1}\n" STEPS, 3, 6,
	  "variable 't' must be a single value, not a mapping", 2, NULL },
	{ "var name with a dash", "version: 1\nvars:\n  my-var: 1\n" STEPS, 3, 3,
	  "variable name 'my-var' must be letters, digits and _", 2, NULL },
	{ "vars.env is a list, not a variable", "version: 1\nvars: {env: x}\n" STEPS, 2, 13,
	  "'vars.env' is the list of environment variables ${env.NAME} may read", 2, NULL },
	{ "vars.env names variables", "version: 1\nvars: {env: [HOME, a-b]}\n" STEPS, 2, 20,
	  "'vars.env' lists environment variable names (letters, digits and _), not 'a-b'", 2, NULL },
	{ "vars.env cannot list the token", "version: 1\nvars: {env: [CANVAS_API_TOKEN]}\n" STEPS, 2, 14,
	  "'vars.env' cannot list CANVAS_API_TOKEN", 2, NULL },
	{ "an environment variable the recipe does not list", "version: 1\nvars: {env: [HOME]}\n"
	  "description: at ${env.PATH}\n" STEPS, 3, 17,
	  "${env.PATH} is not allowed: a recipe reads only the environment variables it lists under vars: "
	  "(env: [PATH])", 2, NULL },
	{ "no allow-list, no environment", "version: 1\ndescription: ${env.HOME}\n" STEPS, 2, 14,
	  "${env.HOME} is not allowed", 2, NULL },
	{ "vars a list", "version: 1\nvars: [a]\n" STEPS, 2, 7,
	  "expected a mapping of names to values for 'vars'", 2,
	  NULL },
	{ "undefined variable: the column of the ${", "version: 1\ndescription: moving ${term} on\n" STEPS, 2,
	  21,
	  "undefined variable 'term' (define it under vars: or pass --var term=VALUE)", 2, NULL },
	{ "undefined variable in a quoted string: the string's start",
	  "version: 1\ndescription: \"x ${term}\"\n" STEPS,
	  2, 14, "undefined variable 'term'", 2, NULL },
	{ "the token is refused", "version: 1\ndescription: t ${env.CANVAS_API_TOKEN}\n" STEPS, 2, 16,
	  "${env.CANVAS_API_TOKEN} is refused", 2, NULL },
	{ "unset environment variable", "version: 1\nvars: {env: [RECIPE_CORE_UNSET_VAR]}\n"
	  "description: ${env.RECIPE_CORE_UNSET_VAR}\n" STEPS, 3, 14,
	  "environment variable 'RECIPE_CORE_UNSET_VAR' is not set", 2, NULL },
	{ "unterminated ${", "version: 1\ndescription: ab ${term\n" STEPS, 2, 17,
	  "unterminated or empty variable reference (write $${ for a literal ${)", 2, NULL },
	{ "empty ${}", "version: 1\ndescription: ${}\n" STEPS, 2, 14,
	  "unterminated or empty variable reference", 2, NULL },
	{ "a list variable used in a string", "version: 1\nvars:\n  l: [1]\ndescription: ${l}\n" STEPS, 4, 14,
	  "variable 'l' is not a single value (defined at line 3)", 3, NULL },
	{ "--var beats vars:", "version: 1\nvars: {c: 1234}\ncourses: [\"${c}\"]\n" STEPS, 3, 11,
	  "'0099' is not a course id", 2, "c=0099" },
	{ "$${ is a literal ${", "version: 1\ncourses: [\"$${c}\"]\n" STEPS, 2, 11,
	  "'${c}' is not a course id", 2, NULL },
	/* YAML */
	{ "duplicate mapping key", "version: 1\nsteps: []\nversion: 1\n", 3, 1,
	  "duplicate key 'version' (first at line 1)",
	  -1, NULL },
	{ "a key three times: each repeat once, against the first",
	  "version: 1\nvars:\n  x: 1\n  x: 2\n  x: 3\n" STEPS,
	  4, 3, "duplicate key 'x' (first at line 3)", 3, NULL },
	{ "merge key", "version: 1\nbase: &b {x: 1}\nvars:\n  <<: *b\n" STEPS, 4, 3,
	  "merge keys (<<) are not supported in recipes", -1, NULL },
	{ "unknown alias", "version: 1\nvars: {a: *nope}\n" STEPS, 2, 11, "unknown alias '*nope'", 1, NULL },
	{ "alias of itself", "version: 1\nx: &a [1, *a]\n" STEPS, 2, 11, "unknown alias '*a'", 1, NULL },
	{ "a second document", "version: 1\n" STEPS "---\nversion: 1\n", 4, 1,
	  "a recipe is one YAML document; this is a second one", 1, NULL },
	{ "a key that is not a string", "version: 1\n? [a]\n: b\n" STEPS, 2, 3,
	  "a mapping key must be a plain string",
	  -1, NULL },
	/* libyaml reads "2 steps" as one scalar and stops at the ':' after it */
	{ "flow syntax error", "version: 1\ncourses: [1, 2\n" STEPS, 3, 6,
	  "YAML: did not find expected ',' or ']' while parsing a flow sequence", 1, NULL },
	{ "invalid UTF-8 in the middle of line 3",
	  "version: 1\ncourses: [1]\ndescription: ab\xff" "cd\n" STEPS, 3, 16,
	  "YAML: invalid leading UTF-8 octet", 1, NULL },
	{ "a tab in the indentation", "version: 1\nsteps:\n\t- name: x\n", 3, 1,
	  "YAML: found character that cannot start any token", 1, NULL },
	{ "an unclosed quote", "version: 1\ndescription: \"abc\n" STEPS, 5, 1,
	  "YAML: found unexpected end of stream while scanning a quoted scalar", 1, NULL },
};

static void test_bad_recipes(void **state)
{
	size_t i;

	(void)state;
	setenv("CANVAS_API_TOKEN", "secret-token-that-must-not-leak", 1);
	unsetenv("RECIPE_CORE_UNSET_VAR");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad *b = &bad[i];
		struct diags d = DIAGS_INIT;

		assert_int_equal(load_bad(b->text, strlen(b->text), b->var, &d), -1);
		expect(b->name, &d, b->line, b->col, b->msg);
		if (b->nerrors >= 0 && d.nerrors != b->nerrors) {
			dump(b->name, &d);
			fail_msg("row '%s': %d errors, wanted %d", b->name, d.nerrors, b->nerrors);
		}
		/* no message may carry the token's value */
		assert_null(find(&d, "secret-token"));
		diag_release(&d);
	}
	unsetenv("CANVAS_API_TOKEN");
}

/* ---------------------------------------------------------------- limits */

/* 1 MiB + 1 byte is refused before parsing: the error is at 1:1 and it is the only one. */
static void test_byte_limit(void **state)
{
	size_t len = RECIPE_MAX_BYTES + 1;
	char *text = xmalloc(len);
	struct diags d = DIAGS_INIT;

	(void)state;
	memset(text, '#', len);   /* one long comment: fine YAML, so only the size can be the problem */
	load_bad(text, len, NULL, &d);
	assert_int_equal(d.nerrors, 1);
	expect("1 MiB + 1", &d, 1, 1, "the recipe is 1048577 bytes; the limit is 1048576");
	diag_release(&d);
	/* exactly the limit is read (and is empty: a comment) */
	load_bad(text, len - 1, NULL, &d);
	expect("1 MiB", &d, 1, 1, "the recipe is empty");
	diag_release(&d);
	free(text);
}

/* "x: " and then `levels` nested flow lists; the root mapping is level 1. */
static char *nested(int levels)
{
	char *s = xmalloc(3 + 2 * (size_t)levels + 2);
	int i;

	memcpy(s, "x: ", 3);
	for (i = 0; i < levels - 1; i++) {
		s[3 + i] = '[';
		s[3 + levels - 1 + i] = ']';
	}
	s[3 + 2 * (levels - 1)] = '\n';
	s[3 + 2 * (levels - 1) + 1] = '\0';
	return s;
}

static void test_depth_limit(void **state)
{
	struct diags d = DIAGS_INIT;
	char *s;

	(void)state;
	/* 65 levels: the 64th '[' is the node too deep (column 4 + 63) */
	s = nested(RECIPE_MAX_DEPTH + 1);
	load_bad(s, strlen(s), NULL, &d);
	assert_int_equal(d.nerrors, 1);
	expect("depth 65", &d, 1, 4 + RECIPE_MAX_DEPTH - 1, "nesting deeper than 64 levels");
	diag_release(&d);
	free(s);
	/* 64 levels are fine YAML: the errors are the recipe's (no version, no steps, unknown key x) */
	s = nested(RECIPE_MAX_DEPTH);
	load_bad(s, strlen(s), NULL, &d);
	assert_null(find(&d, "nesting"));
	expect("depth 64", &d, 1, 1, "unknown key 'x' in the recipe");
	diag_release(&d);
	free(s);
}

/* The time limits below, times COURSECTL_TEST_TIME_SCALE when set (make check runs the unit
 * tests under valgrind, some 20 to 50 times slower). */
static double time_limit(double secs)
{
	const char *e = getenv("COURSECTL_TEST_TIME_SCALE");
	double k = e ? strtod(e, NULL) : 1;

	return secs * (k > 1 ? k : 1);
}

/* A "billion laughs": 10 levels of 10 aliases each would be 10^10 nodes. */
static void test_alias_bomb(void **state)
{
	struct buf_like {
		char s[4096];
		size_t n;
	} b;
	struct diags d = DIAGS_INIT;
	clock_t t0;
	double secs;
	int lvl, i;

	(void)state;
	b.n = (size_t)snprintf(b.s, sizeof(b.s),
			       "version: 1\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (lvl = 1; lvl < 10; lvl++) {
		b.n += (size_t)snprintf(b.s + b.n, sizeof(b.s) - b.n, "l%d: &l%d [", lvl, lvl);
		for (i = 0; i < 10; i++)
			b.n += (size_t)snprintf(b.s + b.n, sizeof(b.s) - b.n, "%s*l%d", i ? ", " : "",
						lvl - 1);
		b.n += (size_t)snprintf(b.s + b.n, sizeof(b.s) - b.n, "]\n");
	}
	assert_true(b.n < sizeof(b.s) - 1);
	t0 = clock();
	load_bad(b.s, b.n, NULL, &d);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(d.nerrors, 1);
	/* a copy of l3 is 11111 nodes; with the 12351 nodes before them, the 8th alias on l4's line
	 * (column 45) goes past 100000, long before anything is expanded */
	expect("alias bomb", &d, 6, 45, "aliases expand the recipe past 100000 nodes; refusing it");
	assert_true(secs < time_limit(1.0));
	diag_release(&d);
}

static void test_node_limit(void **state)
{
	size_t n = RECIPE_MAX_NODES, len = 0, i;
	char *s = xmalloc(16 + 2 * n + 8);
	struct diags d = DIAGS_INIT;

	(void)state;
	/* a list of 100000 items; nodes are counted as they end (the list and the root last), so the
	 * one past the limit is the last item, after the key x and 99999 items */
	memcpy(s, "x: [", 4);
	len = 4;
	for (i = 0; i < n; i++) {
		s[len++] = '1';
		s[len++] = ',';
	}
	s[len - 1] = ']';
	s[len++] = '\n';
	load_bad(s, len, NULL, &d);
	assert_int_equal(d.nerrors, 1);
	expect("node limit", &d, 1, 5 + 2 * 99999, "the recipe has more than 100000 nodes; refusing it");
	diag_release(&d);
	free(s);
}

static void test_scalar_limit(void **state)
{
	size_t n = RECIPE_MAX_SCALAR + 1;
	char *s = xmalloc(32 + n);
	struct diags d = DIAGS_INIT;
	size_t len;

	(void)state;
	len = (size_t)snprintf(s, 32, "version: 1\ndescription: ");
	memset(s + len, 'a', n);
	len += n;
	s[len++] = '\n';
	load_bad(s, len, NULL, &d);
	assert_int_equal(d.nerrors, 1);
	expect("256 KiB + 1", &d, 2, 14, "a string of 262145 bytes; the limit is 262144");
	diag_release(&d);
	/* exactly the limit is a string: the errors are then about the recipe (no steps) */
	len = (size_t)snprintf(s, 32, "version: 1\ndescription: ");
	memset(s + len, 'a', n - 1);
	len += n - 1;
	s[len++] = '\n';
	load_bad(s, len, NULL, &d);
	assert_null(find(&d, "a string of"));
	expect("256 KiB", &d, 1, 1, "the recipe needs 'steps:'");
	diag_release(&d);
	free(s);
}

/* The time a big input takes. */
static double seconds_to_load(const char *text, size_t len, struct diags *d)
{
	clock_t t0 = clock();

	load_bad(text, len, NULL, d);
	return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

/* The biggest mapping a recipe can hold (about 50000 keys under the node limit), with two keys
 * repeated: found, and in well under a second (pairwise comparing took seconds). */
static void test_big_mapping(void **state)
{
	size_t n = 49990, len = 0, i, cap = 16 * n + 64;
	char *s = xmalloc(cap);
	struct diags d = DIAGS_INIT;
	double secs;

	(void)state;
	len = (size_t)snprintf(s, cap, "version: 1\nsteps: []\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "k%zu: 1\n", i == n - 1 ? (size_t)7 : i);
	secs = seconds_to_load(s, len, &d);
	expect("repeated key", &d, 3 + (int)n - 1, 1, "duplicate key 'k7' (first at line 10)");
	assert_true(secs < time_limit(1.0));
	diag_release(&d);
	free(s);
}

/* 99990 courses, the last a repeat of the 8th: found, dropped, in well under a second. */
static void test_many_courses(void **state)
{
	size_t n = 99990, len = 0, i, cap = 8 * n + 64;
	char *s = xmalloc(cap);
	struct diags d = DIAGS_INIT;
	double secs;

	(void)state;
	len = (size_t)snprintf(s, cap, "version: 1\nsteps: []\ncourses:\n");
	for (i = 1; i <= n; i++)
		len += (size_t)snprintf(s + len, cap - len, "- %zu\n", i == n ? (size_t)8 : i);
	secs = seconds_to_load(s, len, &d);
	assert_int_equal(d.nerrors, 2);   /* and 'steps' is an empty list */
	expect("repeated course", &d, 3 + (int)n, 3, "course '8' is listed twice (first at line 11)");
	assert_true(secs < time_limit(1.0));
	diag_release(&d);
	free(s);
}

/* A recipe's `courses:` list: its nodes are freed once the courses are checked (issue 18, flat
 * memory), so the root no longer has the pair and no arena of them is left; the ids are kept, and
 * recipe_drop_courses forgets them. The other keys are untouched. */
static void test_courses_nodes_dropped(void **state)
{
	static const char text[] = "version: 1\ndescription: d\ncourses: [1, 'sis_course_id:X', 3]\n"
				   "steps:\n  - shift_dates: {days: 7}\n";
	struct recipe_opts o = { 0 };
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;

	(void)state;
	assert_int_equal(recipe_load_mem(&r, "t.yaml", text, strlen(text), &o, &d), 0);
	assert_null(r->courses_arena);
	assert_int_equal(r->root->nkids, 6);   /* version, description, steps */
	assert_string_equal(r->root->kids[0]->str, "version");
	assert_string_equal(r->root->kids[2]->str, "description");
	assert_string_equal(r->root->kids[4]->str, "steps");
	assert_string_equal(r->description, "d");
	assert_int_equal(r->ncourses, 3);
	assert_string_equal(r->courses[0].id, "1");
	assert_string_equal(r->courses[1].id, "sis_course_id:X");
	assert_int_equal(r->courses[1].pos.line, 3);
	assert_string_equal(r->courses[2].id, "3");
	recipe_drop_courses(r);
	assert_int_equal(r->ncourses, 0);
	assert_null(r->courses);
	recipe_free(r);
	diag_release(&d);
}

/* The nodes of `courses:` stay when something else still points into them: an alias outside the
 * list naming an anchor in it (the description here), or an account listing (r->queries' strings
 * and regexes are its scalars). */
static void test_courses_nodes_kept(void **state)
{
	static const char *const texts[] = {
		"version: 1\ncourses: [1, &c '2']\ndescription: *c\nsteps:\n  - shift_dates: {days: 7}\n",
		"version: 1\ncourses: [1, {account: '112', term: '87', where: {name: '^Bio'}}]\n"
		"steps:\n  - shift_dates: {days: 7}\n",
	};
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(texts) / sizeof(*texts); t++) {
		struct recipe_opts o = { 0 };
		struct diags d = DIAGS_INIT;
		struct recipe *r = NULL;

		assert_int_equal(recipe_load_mem(&r, "t.yaml", texts[t], strlen(texts[t]), &o, &d), 0);
		assert_null(r->courses_arena);              /* joined the recipe's arena */
		assert_int_equal(r->root->nkids, t ? 6 : 8);   /* `courses:` still in the tree */
		assert_string_equal(r->root->kids[2]->str, "courses");
		if (t) {
			assert_int_equal(r->nqueries, 1);
			assert_string_equal(r->queries[0].account, "112");
			assert_string_equal(r->queries[0].term, "87");
			assert_string_equal(r->queries[0].name->src, "^Bio");
		} else {
			assert_string_equal(r->description, "2");
		}
		recipe_free(r);
		diag_release(&d);
	}
}

/* 150 unknown keys: 100 are kept, all are counted, and diag_print says it stopped. */
static void test_error_cap(void **state)
{
	char s[8192];
	size_t len = 0;
	int i;
	struct diags d = DIAGS_INIT;
	char *out = NULL;
	size_t outlen = 0;
	FILE *fp;

	(void)state;
	len = (size_t)snprintf(s, sizeof(s), "version: 1\n");
	for (i = 0; i < 150; i++)
		len += (size_t)snprintf(s + len, sizeof(s) - len, "k%d: 1\n", i);
	len += (size_t)snprintf(s + len, sizeof(s) - len, STEPS);
	assert_true(len < sizeof(s) - 1);
	load_bad(s, len, NULL, &d);
	assert_int_equal(d.nerrors, 151);
	assert_int_equal(d.n, RECIPE_MAX_ERRORS);
	assert_int_equal(d.truncated, 1);
	expect("first of many", &d, 2, 1, "unknown key 'k0' in the recipe");
	expect("100th of many", &d, 101, 1, "unknown key 'k99' in the recipe");
	assert_null(find(&d, "'k100'"));
	fp = open_memstream(&out, &outlen);
	assert_non_null(fp);
	diag_print(&d, fp);
	fclose(fp);
	assert_non_null(strstr(out, "t.yaml: error: too many errors (151); stopped reporting after 100\n"));
	free(out);
	diag_release(&d);
}

/* Several problems in one recipe: every one is reported, not only the first. */
static void test_all_errors_reported(void **state)
{
	static const char text[] = "version: 2\ncousres: [1]\ncourses: [0012]\nvars: {l: [1]}\n"
				   "steps:\n  - shfit_dates: {}\n";
	struct diags d = DIAGS_INIT;

	(void)state;
	load_bad(text, strlen(text), NULL, &d);
	assert_int_equal(d.nerrors, 5);
	expect("many: version", &d, 1, 10, "version 2");
	expect("many: key", &d, 2, 1, "did you mean 'courses'?");
	expect("many: course", &d, 3, 11, "'0012' is not a course id");
	expect("many: var", &d, 4, 11, "variable 'l' must be a single value");
	expect("many: action", &d, 6, 5, "did you mean 'shift_dates'?");
	diag_release(&d);
}

/* The last --var of a name wins over an earlier one and over vars:. */
static void test_var_order(void **state)
{
	static const char text[] = "version: 1\nvars: {c: 1}\ncourses: [\"${c}\"]\n" STEPS;
	struct recipe_var v[2] = { { "c", "0001" }, { "c", "0002" } };
	struct recipe_opts o = { .vars = v, .nvars = 2 };
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;

	(void)state;
	assert_int_equal(recipe_load_mem(&r, "t.yaml", text, strlen(text), &o, &d), -1);
	expect("last --var", &d, 3, 11, "'0002' is not a course id");
	assert_null(find(&d, "'0001'"));
	diag_release(&d);
}

/* ---------------------------------------------------------------- diag_print */

static void test_diag_print_order(void **state)
{
	struct diags d = DIAGS_INIT;
	struct rpos a3 = { "a.yaml", 3, 1 }, a1c9 = { "a.yaml", 1, 9 }, a1c2 = { "a.yaml", 1, 2 };
	struct rpos b1 = { "b.yaml", 1, 1 };
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	diag_add(&d, &b1, "in b");
	diag_add(&d, &a3, "line three, first");
	diag_add(&d, &a1c9, "col nine");
	diag_add(&d, &a3, "line three, second");
	diag_add(&d, &a1c2, "col %d", 2);
	assert_int_equal(d.nerrors, 5);
	fp = open_memstream(&out, &len);
	assert_non_null(fp);
	diag_print(&d, fp);
	fclose(fp);
	assert_string_equal(out, "a.yaml:1:2: error: col 2\n"
				 "a.yaml:1:9: error: col nine\n"
				 "a.yaml:3:1: error: line three, first\n"
				 "a.yaml:3:1: error: line three, second\n"
				 "b.yaml:1:1: error: in b\n");
	/* printing does not reorder what was collected */
	assert_string_equal(d.v[0].msg, "in b");
	free(out);
	diag_release(&d);
	assert_int_equal(d.n, 0);
	assert_null(d.v);
}

/* ---------------------------------------------------------------- SHA-256 (FIPS 180-4 examples) */

static void test_sha256_vectors(void **state)
{
	static const struct {
		const char *in, *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopq"
		  "rlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char hex[65];
	char *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256_hex(v[i].in, strlen(v[i].in), hex);
		assert_string_equal(hex, v[i].hex);
	}
	a = xmalloc(1000000);
	memset(a, 'a', 1000000);
	sha256_hex(a, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* the padding boundaries: 55 bytes fit one block, 56 need two */
	sha256_hex(a, 55, hex);
	assert_string_equal(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	sha256_hex(a, 56, hex);
	assert_string_equal(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	free(a);
}

/* Issue 18: a plan is hashed as it is printed, a piece at a time; any cut of the bytes gives the
 * digest of the whole. */
static void test_sha256_in_pieces(void **state)
{
	static const size_t cuts[] = { 1, 3, 55, 56, 63, 64, 65, 127, 128, 1000 };
	char *a = xmalloc(5000), whole[65], got[65];
	size_t n, k, off, step;
	struct sha256 c;

	(void)state;
	for (k = 0; k < 5000; k++)
		a[k] = (char)('a' + k * 7 % 26);
	for (n = 0; n <= 5000; n += n < 130 ? 1 : 487) {
		sha256_hex(a, n, whole);
		for (k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
			sha256_init(&c);
			for (off = 0; off < n; off += step) {
				step = cuts[k] < n - off ? cuts[k] : n - off;
				sha256_update(&c, a + off, step);
			}
			sha256_final_hex(&c, got);
			assert_string_equal(got, whole);
		}
	}
	free(a);
}

/* A buffer of one byte (no NUL after it): libyaml reads exactly what it is given. */
static void test_one_byte_buffer(void **state)
{
	struct diags d = DIAGS_INIT;
	char *one = xmalloc(1);

	(void)state;
	one[0] = '{';
	load_bad(one, 1, NULL, &d);
	expect("one byte", &d, 2, 1, "YAML: did not find expected node content");
	diag_release(&d);
	free(one);
}

/* ---------------------------------------------------------------- the arena under ASan */

/* Under AddressSanitizer every arena piece is its own block (runner/recipe_check.c, rc_alloc), so
 * the byte after a piece (its size rounded up to max_align_t) is poisoned: an overrun of a scalar's
 * text is caught there, not silently written into the next piece of a shared block. Skipped in a
 * build without ASan, where the pieces share blocks by design. tests/fuzz/fuzz-recipe.c checks the
 * same in the clang build, whose missing __SANITIZE_ADDRESS__ once turned it off there. */
static void test_arena_pieces_poisoned(void **state)
{
	static const char text[] = "version: 1\ncourses: [1]\nsteps:\n  - shift_dates: {days: 7}\n";
	struct recipe_opts o = { 0 };
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;

	(void)state;
	assert_int_equal(recipe_load_mem(&r, "t.yaml", text, strlen(text), &o, &d), 0);
	assert_non_null(r);
	assert_string_equal(r->root->kids[0]->str, "version");
#if CTL_ASAN
	{
		const size_t align = _Alignof(max_align_t);
		size_t i;

		for (i = 0; i < r->root->nkids; i += 2) {   /* the keys: version, steps (courses: is dropped) */
			const struct ynode *k = r->root->kids[i];
			size_t piece = (k->len + 1 + align - 1) / align * align;

			assert_false(__asan_address_is_poisoned(k->str + k->len));
			assert_true(__asan_address_is_poisoned(k->str + piece));
		}
	}
	recipe_free(r);
	diag_release(&d);
#else
	recipe_free(r);
	diag_release(&d);
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_recipes),
		cmocka_unit_test(test_byte_limit),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_scalar_limit),
		cmocka_unit_test(test_big_mapping),
		cmocka_unit_test(test_many_courses),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_var_order),
		cmocka_unit_test(test_diag_print_order),
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_in_pieces),
		cmocka_unit_test(test_one_byte_buffer),
		cmocka_unit_test(test_arena_pieces_poisoned),
		cmocka_unit_test(test_courses_nodes_dropped),
		cmocka_unit_test(test_courses_nodes_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

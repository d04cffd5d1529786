/* tests/unit/unit-recipe-modules.c -- the `modules` action's parser (runner/recipe_modules.c).
 *
 * Good recipes: every key lands in the typed model (include/recipe_modules.h) with the expected
 * value, given flags set exactly for the keys written. Bad recipes: a table, each with the one
 * error expected at its exact line and column and a substring of its message; the recipe text is
 * the common head below plus the step's body, so line 5 is the first line inside `modules:`
 * (keys at column 7). One more test checks that several errors in a step are all reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "recipe.h"
#include "recipe_actions.h"
#include "recipe-cases.h"
#include "recipe_modules.h"

#define HEAD "version: 1\ncourses: [1]\nsteps:\n  - modules:\n"

static struct recipe *load_ok(const char *text)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;
	int rc = recipe_load_mem(&r, "t.yaml", text, strlen(text), NULL, &d);

	if (d.nerrors)
		diag_print(&d, stderr);
	assert_int_equal(rc, 0);
	assert_int_equal(d.nerrors, 0);
	diag_release(&d);
	assert_non_null(r);
	return r;
}

static const struct rmodules *step(const struct recipe *r, size_t i)
{
	assert_true(i < r->nsteps);
	assert_ptr_equal(r->steps[i].action, &recipe_action_modules);
	assert_non_null(r->steps[i].data);
	return r->steps[i].data;
}

/* ---------------------------------------------------------------- good recipes */

static void test_where_and_set(void **state)
{
	struct recipe *r;
	const struct rmodules *m;
	const struct rmodules_set *s;

	(void)state;
	r = load_ok(HEAD
		    "      where: {name: \"^Week (\\\\d+)\", id: [11, 12], position: 3, published: false}\n"
		    "      set:\n"
		    "        name: Week 1\n"
		    "        published: true\n"
		    "        unlock_at: 2026-01-12\n"
		    "        require_sequential_progress: false\n"
		    "        position: 10000\n"
		    "        prerequisites: [Start here, \"Week 0\"]\n");
	m = step(r, 0);
	assert_non_null(m->where);
	assert_string_equal(m->where->name->src, "^Week (\\d+)");
	assert_int_equal(m->where->nids, 2);
	assert_int_equal(m->where->ids[0], 11);
	assert_int_equal(m->where->ids[1], 12);
	assert_int_equal(m->where->position, 3);
	assert_int_equal(m->where->published, 0);
	assert_null(m->rename);
	assert_null(m->items);
	assert_int_equal(m->has_ensure, 0);
	assert_int_equal(m->nabsent, 0);
	s = m->set;
	assert_non_null(s);
	assert_int_equal(s->pos.line, 7);
	assert_true(s->has_name);
	assert_string_equal(s->name, "Week 1");
	assert_true(s->has_published);
	assert_int_equal(s->published, 1);
	assert_true(s->has_unlock_at);
	assert_false(s->unlock_at_null);
	assert_int_equal(s->unlock_at.y, 2026);
	assert_int_equal(s->unlock_at.m, 1);
	assert_int_equal(s->unlock_at.d, 12);
	assert_false(s->unlock_at.has_time);
	assert_true(s->has_require_sequential_progress);
	assert_int_equal(s->require_sequential_progress, 0);
	assert_true(s->has_position);
	assert_int_equal(s->position, 10000);
	assert_true(s->has_prerequisites);
	assert_int_equal(s->nprerequisites, 2);
	assert_string_equal(s->prerequisites[0], "Start here");
	assert_string_equal(s->prerequisites[1], "Week 0");
	recipe_free(r);
}

static void test_set_clears_and_unset(void **state)
{
	struct recipe *r;
	const struct rmodules_set *s;

	(void)state;
	/* null clears unlock_at, [] clears the prerequisites; keys not written stay unset */
	r = load_ok(HEAD
		    "      set: {unlock_at: null, prerequisites: []}\n"
		    "  - modules:\n"
		    "      set: {unlock_at: \"2026-01-12T08:30:00-07:00\", published: false}\n"
		    "  - modules:\n"
		    "      set: {unlock_at: ~}\n");
	assert_int_equal(r->nsteps, 3);
	s = step(r, 0)->set;
	assert_true(s->has_unlock_at);
	assert_true(s->unlock_at_null);
	assert_true(s->has_prerequisites);
	assert_int_equal(s->nprerequisites, 0);
	assert_false(s->has_name);
	assert_false(s->has_published);
	assert_false(s->has_require_sequential_progress);
	assert_false(s->has_position);
	assert_null(step(r, 0)->where);
	s = step(r, 1)->set;
	assert_true(s->has_unlock_at);
	assert_false(s->unlock_at_null);
	assert_true(s->unlock_at.has_time);
	assert_int_equal(s->unlock_at.hh, 8);
	assert_int_equal(s->unlock_at.mm, 30);
	assert_int_equal(s->unlock_at.offset_min, -7 * 60);
	assert_true(s->has_published);
	assert_int_equal(s->published, 0);
	assert_false(s->has_prerequisites);
	s = step(r, 2)->set;
	assert_true(s->has_unlock_at);
	assert_true(s->unlock_at_null);
	recipe_free(r);
}

static void test_rename(void **state)
{
	struct recipe *r;
	const struct rmodules_rename *rn;
	PCRE2_UCHAR out[128];
	PCRE2_SIZE outlen = sizeof(out) / sizeof(out[0]);
	pcre2_match_data *md;
	int rc;

	(void)state;
	r = load_ok("version: 1\ncourses: [1]\nvars: {word: Unit}\nsteps:\n  - modules:\n"
		    "      rename: {pattern: \"^week (\\\\d+)(?::\\\\s*(.*))?\",\n"
		    "               with: \"${word} $1 - $2 $$ ($0)\", flags: ix}\n"
		    "  - modules:\n"
		    "      rename: {pattern: \"^\", with: \"Old $$1: \"}\n");
	rn = step(r, 0)->rename;
	assert_non_null(rn);
	assert_non_null(rn->pattern);
	assert_string_equal(rn->pattern->src, "^week (\\d+)(?::\\s*(.*))?");
	/* recipe variables are expanded; capture references are left for pcre2_substitute */
	assert_string_equal(rn->with, "Unit $1 - $2 $$ ($0)");
	assert_string_equal(rn->flags, "ix");
	assert_int_equal(rn->ncaptures, 2);
	assert_int_equal(rn->max_ref, 2);
	assert_int_equal(rn->pos.line, 6);
	/* the compiled pattern honours the flags (i: caseless; x: the space is ignored, so no match on
	 * "Week 3") and the model substitutes as documented */
	md = pcre2_match_data_create_from_pattern(rn->pattern->code, NULL);
	rc = pcre2_substitute(rn->pattern->code, (PCRE2_SPTR) "WEEK3: Intro", PCRE2_ZERO_TERMINATED, 0, 0, md, NULL,
			      (PCRE2_SPTR)rn->with, PCRE2_ZERO_TERMINATED, out, &outlen);
	assert_int_equal(rc, 1);
	assert_string_equal((char *)out, "Unit 3 - Intro $ (WEEK3: Intro)");
	pcre2_match_data_free(md);
	rn = step(r, 1)->rename;
	/* $$ is a literal dollar, so "$$1" refers to no group */
	assert_string_equal(rn->with, "Old $$1: ");
	assert_string_equal(rn->flags, "");
	assert_int_equal(rn->ncaptures, 0);
	assert_int_equal(rn->max_ref, -1);
	recipe_free(r);
}

static void test_items(void **state)
{
	struct recipe *r;
	const struct rmodules_items *it;

	(void)state;
	r = load_ok(HEAD
		    "      where: {published: true}\n"
		    "      items:\n"
		    "        where: {title: \"^Quiz \", type: [Quiz, ExternalUrl, SubHeader], content: syllabus}\n"
		    "        set:\n"
		    "          published: false\n"
		    "          indent: 5\n"
		    "          title: Quiz one\n"
		    "          completion: {type: min_score, min_score: 7.5}\n"
		    "  - modules:\n"
		    "      items: {where: {type: File}, set: {completion: none, indent: 0}}\n"
		    "  - modules:\n"
		    "      items: {set: {completion: {type: must_mark_done}}}\n");
	it = step(r, 0)->items;
	assert_non_null(it);
	assert_int_equal(it->pos.line, 7);
	assert_string_equal(it->match_title->src, "^Quiz ");
	assert_int_equal(it->match_types, RMOD_ITEM_BIT(RMOD_ITEM_QUIZ) | RMOD_ITEM_BIT(RMOD_ITEM_EXTERNAL_URL) |
			 RMOD_ITEM_BIT(RMOD_ITEM_SUBHEADER));
	assert_string_equal(it->match_content, "syllabus");
	assert_true(it->has_published);
	assert_int_equal(it->published, 0);
	assert_true(it->has_indent);
	assert_int_equal(it->indent, 5);
	assert_true(it->has_title);
	assert_string_equal(it->title, "Quiz one");
	assert_true(it->has_completion);
	assert_int_equal(it->completion, RMOD_COMPLETION_MIN_SCORE);
	assert_true(it->min_score == 7.5);
	assert_int_equal(step(r, 0)->where->published, 1);

	it = step(r, 1)->items;
	assert_null(it->match_title);
	assert_null(it->match_content);
	assert_int_equal(it->match_types, RMOD_ITEM_BIT(RMOD_ITEM_FILE));
	assert_true(it->has_completion);
	assert_int_equal(it->completion, RMOD_COMPLETION_NONE);
	assert_true(it->has_indent);
	assert_int_equal(it->indent, 0);
	assert_false(it->has_published);
	assert_false(it->has_title);

	it = step(r, 2)->items;
	assert_int_equal(it->match_types, 0);
	assert_true(it->has_completion);
	assert_int_equal(it->completion, RMOD_COMPLETION_MUST_MARK_DONE);
	assert_true(it->min_score == 0);
	recipe_free(r);
}

static void test_item_type_names(void **state)
{
	struct recipe *r;
	const char *const *t;
	char text[512];
	int i = 0;

	(void)state;
	/* every Canvas item type is accepted, alone, and maps to its own bit */
	for (t = rmodules_item_type_names; *t; t++, i++) {
		snprintf(text, sizeof(text), HEAD "      items: {where: {type: %s}, set: {published: true}}\n", *t);
		r = load_ok(text);
		assert_int_equal(step(r, 0)->items->match_types, RMOD_ITEM_BIT(i));
		recipe_free(r);
	}
	assert_int_equal(i, RMOD_ITEM_NTYPES);
	/* and every completion type */
	for (i = 1; rmodules_completion_names[i]; i++) {
		snprintf(text, sizeof(text), HEAD "      items: {set: {completion: {type: %s%s}}}\n",
			 rmodules_completion_names[i], i == RMOD_COMPLETION_MIN_SCORE ? ", min_score: 0" : "");
		r = load_ok(text);
		assert_int_equal(step(r, 0)->items->completion, i);
		recipe_free(r);
	}
}

static void test_ensure_and_absent(void **state)
{
	struct recipe *r;
	const struct rmodules *m;
	const struct rmodules_ensure *e;

	(void)state;
	r = load_ok(HEAD
		    "      where: {name: Week}\n"
		    "      ensure:\n"
		    "        - name: Start here\n"
		    "          position: 1\n"
		    "          published: true\n"
		    "          items:\n"
		    "            - header: Readings\n"
		    "            - page: week-1-notes\n"
		    "            - assignment: Essay 1\n"
		    "            - quiz: Quiz 1\n"
		    "            - discussion: Introductions\n"
		    "            - {url: \"https://example.edu/a\", title: Example}\n"
		    "            - url: http://example.edu/b\n"
		    "        - name: Week 1\n"
		    "        - name: Empty\n"
		    "          position: 5\n"
		    "          items: []\n"
		    "      absent: [Old stuff, \"Week 0\"]\n");
	m = step(r, 0);
	assert_non_null(m->where);
	assert_null(m->set);
	assert_true(m->has_ensure);
	assert_int_equal(m->nensure, 3);
	e = &m->ensure[0];
	assert_string_equal(e->name, "Start here");
	assert_int_equal(e->pos.line, 7);
	assert_true(e->has_position);
	assert_int_equal(e->position, 1);
	assert_true(e->has_published);
	assert_int_equal(e->published, 1);
	assert_true(e->has_items);
	assert_int_equal(e->nitems, 7);
	assert_int_equal(e->items[0].kind, RMOD_ENSURE_HEADER);
	assert_string_equal(e->items[0].ref, "Readings");
	assert_int_equal(e->items[0].pos.line, 11);
	assert_int_equal(e->items[1].kind, RMOD_ENSURE_PAGE);
	assert_string_equal(e->items[1].ref, "week-1-notes");
	assert_int_equal(e->items[2].kind, RMOD_ENSURE_ASSIGNMENT);
	assert_string_equal(e->items[2].ref, "Essay 1");
	assert_int_equal(e->items[3].kind, RMOD_ENSURE_QUIZ);
	assert_string_equal(e->items[3].ref, "Quiz 1");
	assert_int_equal(e->items[4].kind, RMOD_ENSURE_DISCUSSION);
	assert_string_equal(e->items[4].ref, "Introductions");
	assert_int_equal(e->items[5].kind, RMOD_ENSURE_URL);
	assert_string_equal(e->items[5].ref, "https://example.edu/a");
	assert_string_equal(e->items[5].title, "Example");
	assert_int_equal(e->items[6].kind, RMOD_ENSURE_URL);
	assert_string_equal(e->items[6].ref, "http://example.edu/b");
	assert_null(e->items[6].title);
	assert_null(e->items[0].title);
	e = &m->ensure[1];
	assert_string_equal(e->name, "Week 1");
	assert_false(e->has_position);
	assert_false(e->has_published);
	assert_false(e->has_items);
	assert_int_equal(e->nitems, 0);
	e = &m->ensure[2];
	assert_string_equal(e->name, "Empty");
	assert_int_equal(e->position, 5);
	assert_true(e->has_items);
	assert_int_equal(e->nitems, 0);
	assert_int_equal(m->nabsent, 2);
	assert_string_equal(m->absent[0], "Old stuff");
	assert_string_equal(m->absent[1], "Week 0");
	assert_int_equal(m->absent_pos[1].line, 22);
	recipe_free(r);

	/* absent alone is a complete step */
	r = load_ok(HEAD "      absent: [X]\n");
	m = step(r, 0);
	assert_int_equal(m->nabsent, 1);
	assert_false(m->has_ensure);
	assert_null(m->where);
	recipe_free(r);
}

static void test_summary(void **state)
{
	(void)state;
	assert_string_equal(recipe_action_modules.name, "modules");
	assert_null(strstr(recipe_action_modules.summary, "being written"));
	assert_null(strchr(recipe_action_modules.summary, '\n'));
	assert_null(recipe_action_modules.free);
}

/* ---------------------------------------------------------------- bad recipes */

static const struct bad_case bad[] = {
	/* the step as a whole */
	{ "      where: {name: x}\n", 5, 7,
	  "'modules' needs one of 'set', 'rename', 'items', 'ensure' or 'absent'" },
	{ "      sett: {published: true}\n      absent: [x]\n", 5, 7,
	  "unknown key 'sett' in 'modules'; did you mean 'set'?" },
	{ "      [set]\n", 5, 7, "expected a mapping for 'modules', got a list" },
	{ "      where: {nme: x}\n      absent: [x]\n", 5, 15,
	  "unknown key 'nme' in 'modules.where'; did you mean 'name'?" },
	{ "      where: {position: 0}\n      absent: [x]\n", 5, 25,
	  "'where.position' must be from 1 to 100000" },
	/* set */
	{ "      set: {position: 0}\n", 5, 23, "'modules.set.position' must be from 1 to 10000, got 0" },
	{ "      set: {position: 10001}\n", 5, 23,
	  "'modules.set.position' must be from 1 to 10000, got 10001" },
	{ "      set: {}\n", 5, 12, "'modules.set' is empty" },
	{ "      set: {unlock_at: 2026-13-01}\n", 5, 24,
	  "'2026-13-01' is not a valid date for 'modules.set.unlock_at'" },
	{ "      set: {published: yes}\n", 5, 24,
	  "expected true or false for 'modules.set.published', got 'yes'" },
	{ "      set: {published: false, cascade: with item}\n", 5, 40,
	  "'with item' is not a valid 'modules.set.cascade'; did you mean 'with items'?" },
	{ "      set: {name: X, cascade: with items}\n", 5, 31,
	  "'modules.set.cascade' says what publishing or unpublishing the module does to its items; "
	  "give 'published' with it" },
	{ "      set: {require_sequential_progres: true}\n", 5, 13,
	  "did you mean 'require_sequential_progress'?" },
	{ "      set: {name: \"\"}\n", 5, 19, "'modules.set.name' must not be empty" },
	{ "      set: {prerequisites: [A, B, A]}\n", 5, 35,
	  "'A' is listed twice in 'modules.set.prerequisites' (first at line 5)" },
	{ "      set: {prerequisites: A}\n", 5, 28,
	  "expected a list for 'modules.set.prerequisites', got a value" },
	{ "      set: {name: X}\n      rename: {pattern: a, with: b}\n", 6, 15,
	  "give 'set.name' or 'rename', not both" },
	/* rename */
	{ "      rename: {pattern: \"^Week (\\\\d+)\", with: \"Unit $2\"}\n", 5, 47,
	  "'modules.rename.with' uses $2, but 'modules.rename.pattern' has only 1 capture group" },
	{ "      rename: {pattern: Week, with: \"Unit $1\"}\n", 5, 37,
	  "'modules.rename.with' uses $1, but 'modules.rename.pattern' has no capture groups" },
	{ "      rename: {pattern: \"(a)(b)\", with: \"$1$3$2\"}\n", 5, 41,
	  "uses $3, but 'modules.rename.pattern' has only 2 capture groups" },
	{ "      rename: {pattern: \"(a)\", with: \"x${1}\"}\n", 5, 38,
	  "write $1 for a capture group in 'modules.rename.with'; ${...} is a recipe variable" },
	{ "      rename: {pattern: \"(a)\", with: \"5 $ off\"}\n", 5, 38,
	  "a '$' in 'modules.rename.with' must start a capture group reference ($1 to $99); write $$ for a dollar" },
	{ "      rename: {pattern: \"(a)\", with: \"$100\"}\n", 5, 38,
	  "capture group reference $100 in 'modules.rename.with' is out of range" },
	{ "      rename: {pattern: \"(a)\", with: \"${nope}\"}\n", 5, 38, "undefined variable 'nope'" },
	{ "      rename: {pattern: a, with: b, flags: iq}\n", 5, 44,
	  "unknown flag 'q' in 'modules.rename.flags'" },
	{ "      rename: {pattern: a, with: b, flags: imi}\n", 5, 44,
	  "flag 'i' is given twice in 'modules.rename.flags'" },
	{ "      rename: {pattern: \"ab(c\", with: b}\n", 5, 30,
	  "bad regular expression for 'modules.rename.pattern'" },
	{ "      rename: {pattern: a}\n", 5, 15, "'modules.rename' needs 'with'" },
	{ "      rename: {pattern: a, with: b, global: true}\n", 5, 37,
	  "unknown key 'global' in 'modules.rename'" },
	/* items */
	{ "      items: {where: {title: x}}\n", 5, 14, "'modules.items' needs 'set'" },
	{ "      items: {set: {}}\n", 5, 20, "'modules.items.set' is empty" },
	{ "      items: {where: {type: Quizz}, set: {indent: 1}}\n", 5, 29,
	  "'Quizz' is not a valid 'modules.items.where.type'; did you mean 'Quiz'?" },
	{ "      items: {where: {type: [Page, Quiz, Page]}, set: {indent: 1}}\n", 5, 42,
	  "'Page' is listed twice in 'modules.items.where.type'" },
	{ "      items: {where: {type: []}, set: {indent: 1}}\n", 5, 29,
	  "'modules.items.where.type' is an empty list" },
	{ "      items: {where: {name: x}, set: {indent: 1}}\n", 5, 23,
	  "unknown key 'name' in 'modules.items.where'" },
	{ "      items: {where: {content: \"\"}, set: {indent: 1}}\n", 5, 32,
	  "'modules.items.where.content' must not be empty" },
	{ "      items: {set: {indent: 6}}\n", 5, 29,
	  "'modules.items.set.indent' must be from 0 to 5, got 6" },
	{ "      items: {set: {completion: {type: min_score}}}\n", 5, 33,
	  "'modules.items.set.completion' of type min_score needs 'min_score'" },
	{ "      items: {set: {completion: {type: must_view, min_score: 3}}}\n", 5, 51,
	  "'min_score' goes only with completion type min_score, not must_view" },
	{ "      items: {set: {completion: {type: min_score, min_score: -1}}}\n", 5, 62,
	  "'modules.items.set.completion.min_score' must be 0 or more, got -1" },
	{ "      items: {set: {completion: {type: min_score, min_score: lots}}}\n", 5, 62,
	  "expected a number for 'modules.items.set.completion.min_score', got 'lots'" },
	{ "      items: {set: {completion: {type: min_score, min_score: .nan}}}\n", 5, 62,
	  "expected a number" },
	{ "      items: {set: {completion: nope}}\n", 5, 33,
	  "expected 'none' or a mapping {type, min_score} for 'modules.items.set.completion', got 'nope'" },
	{ "      items: {set: {completion: {type: must_veiw}}}\n", 5, 40,
	  "'must_veiw' is not a valid 'modules.items.set.completion.type'; did you mean 'must_view'?" },
	/* ensure */
	{ "      ensure: []\n", 5, 15, "'modules.ensure' is an empty list" },
	{ "      ensure: {name: A}\n", 5, 15, "expected a list for 'modules.ensure', got a mapping" },
	{ "      ensure: [{position: 1}]\n", 5, 16, "an entry of 'modules.ensure' needs 'name'" },
	{ "      ensure: [{name: A}, {name: B}, {name: A}]\n", 5, 45,
	  "module 'A' is in 'modules.ensure' twice (first at line 5)" },
	{ "      ensure: [{name: A, position: 3}, {name: B}, {name: C, position: 2}]\n", 5, 71,
	  "'modules.ensure' positions must increase down the list (the list order is the module order): 2 after 3" },
	{ "      ensure: [{name: A, position: 0}]\n", 5, 36,
	  "'modules.ensure.position' must be from 1 to 10000, got 0" },
	{ "      ensure: [{name: A, items: [{page: a, quiz: b}]}]\n", 5, 44,
	  "an item has one kind; 'page' and 'quiz' must be two items" },
	{ "      ensure: [{name: A, items: [{title: T}]}]\n", 5, 34,
	  "an item of 'modules.ensure.items' needs one of page, assignment, quiz, discussion, url, header" },
	{ "      ensure: [{name: A, items: [{page: a, title: T}]}]\n", 5, 44,
	  "'title' goes only with 'url' in 'modules.ensure.items'" },
	{ "      ensure: [{name: A, items: [{url: \"ftp://x\"}]}]\n", 5, 40,
	  "'modules.ensure.items.url' must be an http:// or https:// URL, got 'ftp://x'" },
	{ "      ensure: [{name: A, items: [{pgae: a}]}]\n", 5, 35,
	  "unknown key 'pgae' in an item of 'modules.ensure.items'; did you mean 'page'?" },
	{ "      ensure: [{name: A, items: [page]}]\n", 5, 34,
	  "expected a mapping for an item of 'modules.ensure.items', got a value" },
	{ "      ensure: [{name: A, items: [{header: \"\"}]}]\n", 5, 43,
	  "'modules.ensure.items.header' must not be empty" },
	{ "      ensure: [{name: \"\"}]\n", 5, 23, "'modules.ensure.name' must not be empty" },
	/* absent */
	{ "      absent: []\n", 5, 15, "'modules.absent' is an empty list" },
	{ "      absent: [A, B, A]\n", 5, 22, "'A' is listed twice in 'modules.absent' (first at line 5)" },
	{ "      absent: [[A]]\n", 5, 16, "expected a string for 'modules.absent', got a list" },
	{ "      ensure: [{name: A}, {name: B}]\n      absent: [C, B]\n", 6, 19,
	  "module 'B' is both in 'modules.ensure' (line 5) and in 'modules.absent'" },
};

static void test_bad(void **state)
{
	(void)state;
	assert_int_equal(check_bad_cases(bad, sizeof(bad) / sizeof(bad[0]), HEAD, "t.yaml"), 0);
	assert_true(sizeof(bad) / sizeof(bad[0]) >= 15);
}

/* Checking goes on after an error: every problem of a step is reported, in one run. */
static void test_all_errors_reported(void **state)
{
	static const char text[] = HEAD
		"      set: {position: 0, published: maybe}\n"
		"      rename: {pattern: \"(x)\", with: \"$2\", flags: q}\n"
		"      items: {set: {indent: 9}}\n"
		"      ensure: [{name: A}, {name: A}]\n"
		"      absent: [A]\n";
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;

	(void)state;
	assert_int_equal(recipe_load_mem(&r, "t.yaml", text, sizeof(text) - 1, NULL, &d), -1);
	/* position, published, flags, indent, duplicate A, A both ensured and absent; the $2 is not
	 * judged because the pattern's flags are wrong */
	if (d.nerrors != 6)
		diag_print(&d, stderr);
	assert_int_equal(d.nerrors, 6);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_where_and_set),
		cmocka_unit_test(test_set_clears_and_unset),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_item_type_names),
		cmocka_unit_test(test_ensure_and_absent),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_all_errors_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

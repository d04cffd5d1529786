/* tests/unit/unit-recipe-pages.c -- the `pages` action (runner/recipe_pages.c).
 *
 * The recipe is loaded from memory under the name DIR/t.yaml, DIR being a temporary directory that
 * holds the body files (good, Markdown -- rendered at check time --, with a BOM, invalid UTF-8 of
 * several kinds, NUL, over the 8 MiB limit), so body_file: resolves there. Every key is checked
 * in the model; bad recipes are a table of (steps, line, column, message part), each giving
 * exactly that one error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "recipe.h"
#include "recipe-cases.h"
#include "recipe_pages.h"

/* Steps start at line 5. */
static const char HEAD[] = "version: 1\ncourses: [1]\nvars: {term: Spring}\nsteps:\n";

static char dir[64];

struct file {
	const char *name, *bytes;
	size_t len;
};

#define F(name, lit) { name, lit, sizeof(lit) - 1 }

static const struct file files[] = {
	F("body.html", "<h1>Hi</h1>\n<p>caf\xc3\xa9 \xf0\x9f\x98\x80</p>\n"),
	F("notes.md", "# Notes\n\n*hello*\n"),
	F("bom.Markdown", "\xef\xbb\xbf| a |\n|---|\n| caf\xc3\xa9 |\n"),
	F("notes.md.html", "# not Markdown"),
	F("bom.html", "\xef\xbb\xbf<p>x</p>"),
	F("latin1.html", "<p>ok</p>\n<p>caf\xe9</p>\n"),
	F("overlong.html", "a\xc0\xaf"),
	F("surrogate.html", "ab\xed\xa0\x80"),
	F("toobig.html", "x\xf4\x90\x80\x80"),
	F("cut.html", "abc\xe2\x82"),
	F("nul.html", "a\nb\0c"),
	F("empty.html", ""),
};

static void write_file(const char *name, const char *bytes, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	char path[128];
	char *big;
	size_t i;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/unit-recipe-pages-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		write_file(files[i].name, files[i].bytes, files[i].len);
	/* exactly the limit is fine; one byte more is not */
	big = malloc(RPAGES_BODY_MAX + 1);
	memset(big, 'a', RPAGES_BODY_MAX + 1);
	write_file("limit.html", big, RPAGES_BODY_MAX);
	write_file("huge.html", big, RPAGES_BODY_MAX + 1);
	free(big);
	snprintf(path, sizeof(path), "%s/sub.html", dir);
	return mkdir(path, 0700);
}

static int teardown(void **state)
{
	static const char *const extra[] = { "limit.html", "huge.html", NULL };
	char path[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		unlink(path);
	}
	for (i = 0; extra[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, extra[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/sub.html", dir);
	rmdir(path);
	return rmdir(dir);
}

static struct recipe *load(const char *steps, struct diags *d)
{
	struct recipe *r = NULL;
	struct recipe_opts o = { .vars = NULL, .nvars = 0 };
	size_t n = strlen(HEAD) + strlen(steps);
	char *text = malloc(n + 1);
	char name[128];

	snprintf(text, n + 1, "%s%s", HEAD, steps);
	snprintf(name, sizeof(name), "%s/t.yaml", dir);
	recipe_load_mem(&r, name, text, n, &o, d);
	free(text);
	return r;
}

static struct recipe *load_ok(const char *steps)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = load(steps, &d);

	if (d.nerrors)
		diag_print(&d, stderr);
	assert_int_equal(d.nerrors, 0);
	assert_non_null(r);
	diag_release(&d);
	return r;
}

/* ---------------------------------------------------------------- the model */

static void test_every_key(void **state)
{
	struct recipe *r;
	struct rpages *pg;

	(void)state;
	r = load_ok("  - pages:\n"
		    "      where: {url: syllabus, title: '^Syl', id: 7, published: false}\n"
		    "      replace:\n"
		    "        - {pattern: 'Fall\\s+(\\d+)', with: '${term} $1', flags: im}\n"
		    "        - {pattern: 'a.b', with: 'c$d', literal: true}\n"
		    "      set:\n"
		    "        title: Syllabus\n"
		    "        published: true\n"
		    "        front_page: true\n"
		    "        editing_roles: 'students, teachers'\n"
		    "        todo_date: 2026-01-12\n"
		    "        publish_at: null\n"
		    "      create: false\n");
	assert_int_equal(r->nsteps, 1);
	assert_string_equal(r->steps[0].action->name, "pages");
	pg = r->steps[0].data;
	assert_non_null(pg->where);
	assert_int_equal(pg->where->nurls, 1);
	assert_string_equal(pg->where->urls[0], "syllabus");
	assert_non_null(pg->where->name);
	assert_string_equal(pg->where->name->src, "^Syl");
	assert_int_equal(pg->where->nids, 1);
	assert_int_equal(pg->where->ids[0], 7);
	assert_int_equal(pg->where->published, 0);
	assert_int_equal(pg->nreplace, 2);
	assert_string_equal(pg->replace[0]->with, "Spring $1");
	assert_int_equal(pg->replace[0]->flags, RREPLACE_CASELESS | RREPLACE_MULTILINE);
	assert_int_equal(pg->replace[0]->max_group, 1);
	assert_int_equal(pg->replace[1]->literal, 1);
	assert_string_equal(pg->replace[1]->subst, "c$$d");
	assert_int_equal(pg->has_set, 1);
	assert_string_equal(pg->set.title, "Syllabus");
	assert_int_equal(pg->set.published, 1);
	assert_int_equal(pg->set.front_page, 1);
	assert_int_equal(pg->set.editing_roles, RPAGE_ROLE_TEACHERS | RPAGE_ROLE_STUDENTS);
	assert_string_equal(pg->set.editing_roles_str, "teachers,students");
	assert_int_equal(pg->set.todo_date.op, RPAGE_DATE_SET);
	assert_int_equal(pg->set.todo_date.date.y, 2026);
	assert_int_equal(pg->set.todo_date.date.m, 1);
	assert_int_equal(pg->set.todo_date.date.d, 12);
	assert_int_equal(pg->set.todo_date.date.has_time, 0);
	assert_int_equal(pg->set.publish_at.op, RPAGE_DATE_CLEAR);
	assert_int_equal(pg->set.publish_at.pos.line, 16);
	assert_null(pg->body_file);
	assert_null(pg->body);
	assert_int_equal(pg->create, 0);
	recipe_free(r);
}

static void test_body_file_and_create(void **state)
{
	struct recipe *r;
	struct rpages *pg;

	(void)state;
	r = load_ok("  - pages:\n"
		    "      where: {url: [welcome]}\n"
		    "      body_file: body.html\n"
		    "      set: {editing_roles: [public, members], todo_date: ~, publish_at: '2026-02-01T08:00:00-07:00'}\n"
		    "      create: true\n");
	pg = r->steps[0].data;
	assert_string_equal(pg->body_file, "body.html");
	assert_int_equal(pg->body_len, files[0].len);
	assert_memory_equal(pg->body, files[0].bytes, files[0].len);
	assert_int_equal(pg->body[pg->body_len], '\0');
	assert_int_equal(pg->markdown, 0);
	assert_int_equal(pg->body_pos.line, 7);
	assert_int_equal(pg->create, 1);
	assert_null(pg->set.title);
	assert_int_equal(pg->set.published, -1);
	assert_int_equal(pg->set.front_page, 0);
	assert_int_equal(pg->set.editing_roles, RPAGE_ROLE_MEMBERS | RPAGE_ROLE_PUBLIC);
	assert_string_equal(pg->set.editing_roles_str, "members,public");
	assert_int_equal(pg->set.todo_date.op, RPAGE_DATE_CLEAR);
	assert_int_equal(pg->set.publish_at.op, RPAGE_DATE_SET);
	assert_int_equal(pg->set.publish_at.date.has_time, 1);
	assert_int_equal(pg->set.publish_at.date.hh, 8);
	assert_int_equal(pg->set.publish_at.date.offset_min, -420);
	assert_int_equal(pg->nreplace, 0);
	recipe_free(r);
}

static void test_markdown_bom_empty_limit(void **state)
{
	struct recipe *r;
	struct rpages *pg;

	(void)state;
	r = load_ok("  - pages: {where: {url: a}, body_file: notes.md}\n"
		    "  - pages: {where: {url: b}, body_file: bom.html}\n"
		    "  - pages: {where: {url: c}, body_file: empty.html}\n"
		    "  - pages: {where: {url: d}, body_file: limit.html}\n"
		    "  - pages: {set: {title: x, front_page: true}, create: false}\n"
		    "  - pages: {where: {url: e}, body_file: bom.Markdown}\n"
		    "  - pages: {where: {url: f}, body_file: notes.md.html}\n");
	assert_int_equal(r->nsteps, 7);
	pg = r->steps[0].data;
	assert_int_equal(pg->markdown, 1);                   /* rendered at check time */
	assert_string_equal(pg->body, "<h1>Notes</h1>\n<p><em>hello</em></p>\n");
	assert_int_equal(pg->body_len, strlen(pg->body));
	assert_string_equal(pg->body_file, "notes.md");
	pg = r->steps[5].data;                               /* .markdown in any case; BOM dropped first */
	assert_int_equal(pg->markdown, 1);
	assert_string_equal(pg->body, "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
			    "<td>caf\xc3\xa9</td>\n</tr>\n</tbody>\n</table>\n");
	pg = r->steps[6].data;
	assert_int_equal(pg->markdown, 0);
	assert_string_equal(pg->body, "# not Markdown");
	pg = r->steps[1].data;
	assert_int_equal(pg->markdown, 0);
	assert_string_equal(pg->body, "<p>x</p>");           /* the byte order mark is dropped */
	pg = r->steps[2].data;
	assert_int_equal(pg->body_len, 0);
	assert_string_equal(pg->body, "");
	pg = r->steps[3].data;
	assert_int_equal(pg->body_len, RPAGES_BODY_MAX);
	pg = r->steps[4].data;
	assert_null(pg->where);
	assert_int_equal(pg->set.front_page, 1);
	assert_int_equal(pg->create, 0);
	recipe_free(r);
}

/* ---------------------------------------------------------------- bad recipes */

static const struct bad_case bad[] = {
	{ "  - pages: {where: {url: a}, body_file: missing.html}\n", 5, 41,
	  "cannot read 'pages.body_file' '" },
	{ "  - pages: {where: {url: a}, body_file: missing.md}\n", 5, 41,
	  "cannot read 'pages.body_file' '" },
	{ "  - pages: {where: {url: a}, body_file: latin1.html}\n", 5, 41,
	  "'pages.body_file' 'latin1.html' is not valid UTF-8: byte 0xe9 at line 2, column 7 (byte 16)" },
	{ "  - pages: {where: {url: a}, body_file: overlong.html}\n", 5, 41,
	  "is not valid UTF-8: byte 0xc0 at line 1, column 2 (byte 1)" },
	{ "  - pages: {where: {url: a}, body_file: surrogate.html}\n", 5, 41,
	  "is not valid UTF-8: byte 0xed at line 1, column 3 (byte 2)" },
	{ "  - pages: {where: {url: a}, body_file: toobig.html}\n", 5, 41,
	  "is not valid UTF-8: byte 0xf4 at line 1, column 2 (byte 1)" },
	{ "  - pages: {where: {url: a}, body_file: cut.html}\n", 5, 41,
	  "is not valid UTF-8: byte 0xe2 at line 1, column 4 (byte 3)" },
	{ "  - pages: {where: {url: a}, body_file: nul.html}\n", 5, 41,
	  "'pages.body_file' 'nul.html' holds a NUL byte at line 2, column 2 (byte 3)" },
	{ "  - pages: {where: {url: a}, body_file: huge.html}\n", 5, 41,
	  "huge.html' is 8388609 bytes; the limit is 8388608" },
	{ "  - pages: {where: {url: a}, body_file: sub.html}\n", 5, 41, "sub.html' is not a regular file" },
	{ "  - pages: {where: {url: a}, body_file: ''}\n", 5, 41, "'pages.body_file' is empty" },
	{ "  - pages: {set: {front_page: false}}\n", 5, 31,
	  "to change the front page set front_page: true on another page" },
	{ "  - pages: {set: {front_page: true, published: false}}\n", 5, 48,
	  "the front page cannot be unpublished" },
	{ "  - pages: {where: {url: [a, b]}, set: {front_page: true}}\n", 5, 40,
	  "'pages.set.front_page: true' needs a single page, but 'where.url' lists 2" },
	{ "  - pages: {set: {editing_roles: 'teachers,studnets'}}\n", 5, 44,
	  "'studnets' is not a role for 'pages.set.editing_roles'; did you mean 'students'?" },
	{ "  - pages: {set: {editing_roles: [teachers, teachers]}}\n", 5, 45,
	  "role 'teachers' is given twice in 'pages.set.editing_roles'" },
	{ "  - pages: {set: {editing_roles: 'teachers,,students'}}\n", 5, 44, "has an empty role" },
	{ "  - pages: {set: {editing_roles: []}}\n", 5, 34, "'pages.set.editing_roles' is an empty list" },
	{ "  - pages: {set: {todo_date: 2026-02-30}}\n", 5, 30,
	  "'2026-02-30' is not a valid date for 'pages.set.todo_date'" },
	{ "  - pages: {set: {publish_at: soon}}\n", 5, 31, "'soon' is not a valid date for 'pages.set.publish_at'" },
	{ "  - pages: {set: {titel: x}}\n", 5, 19, "unknown key 'titel' in 'pages.set'; did you mean 'title'?" },
	{ "  - pages: {set: {title: ''}}\n", 5, 26, "'pages.set.title' is empty" },
	{ "  - pages: {set: {published: sometimes}}\n", 5, 30, "expected true or false for 'pages.set.published'" },
	{ "  - pages: {set: {}}\n", 5, 18, "'pages.set' is empty" },
	{ "  - pages: {set: [title]}\n", 5, 18, "expected a mapping for 'pages.set', got a list" },
	{ "  - pages:\n      replace: [{pattern: a, with: b}]\n      body_file: body.html\n", 7, 7,
	  "'pages.body_file' is the whole body; it cannot be combined with 'replace' (line 6)" },
	{ "  - pages: {where: {url: a}}\n", 5, 12, "'pages' needs one of 'replace', 'set' or 'body_file'" },
	{ "  - pages: {replace: []}\n", 5, 22, "'pages.replace' is an empty list" },
	{ "  - pages: {replace: [{pattern: 'x*', with: y}]}\n", 5, 33,
	  "'pages.replace[0].pattern' matches the empty string" },
	{ "  - pages: {replace: [{pattern: '(a)', with: '${1}b'}]}\n", 5, 47,
	  "write $1 for a capture group; ${...} is a recipe variable" },
	{ "  - pages: {replace: [{pattern: 'a', with: b, flags: z}]}\n", 5, 54,
	  "unknown flag 'z' in 'pages.replace[0].flags'" },
	{ "  - pages: {set: {title: x}, create: true}\n", 5, 38,
	  "'pages.create: true' needs 'where.url' with exactly one slug" },
	{ "  - pages: {where: {url: [a, b]}, set: {title: x}, create: true}\n", 5, 60,
	  "'pages.create: true' needs 'where.url' with exactly one slug" },
	{ "  - pages: {where: {url: a}, set: {published: true}, create: true}\n", 5, 62,
	  "'pages.create: true' needs 'set.title' or 'body_file'" },
	{ "  - pages: {where: {url: a}, set: {title: x}, create: yes}\n", 5, 55,
	  "expected true or false for 'pages.create', got 'yes'" },
	{ "  - pages: {where: {name: a}, set: {title: x}}\n", 5, 21, "unknown key 'name' in 'pages.where'" },
	{ "  - pages: {where: {url: a}, set: {title: x}, body: x.html}\n", 5, 47,
	  "unknown key 'body' in 'pages'; did you mean 'body_file'?" },
	{ "  - pages: yes\n", 5, 12, "expected a mapping for 'pages', got a value" },
	{ "  - pages: {where: {url: []}, set: {title: x}}\n", 5, 26,
	  "expected a value or a non-empty list for 'where.url'" },
};

static void test_bad_recipes(void **state)
{
	char name[128];

	(void)state;
	snprintf(name, sizeof(name), "%s/t.yaml", dir);
	assert_int_equal(check_bad_cases(bad, sizeof(bad) / sizeof(bad[0]), HEAD, name), 0);
}

/* Every problem of a step is reported, not only the first. */
static void test_all_errors(void **state)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r;

	(void)state;
	r = load("  - pages:\n"
		 "      where: {url: [a, b], titel: x}\n"
		 "      replace: [{pattern: '(', with: x}]\n"
		 "      body_file: latin1.html\n"
		 "      set: {front_page: false, editing_roles: admins, todo_date: never}\n"
		 "      create: true\n", &d);
	assert_null(r);
	/* titel, the regex, body_file with replace, UTF-8, front_page, role, date, create's url */
	if (d.nerrors != 8)
		diag_print(&d, stderr);
	assert_int_equal(d.nerrors, 8);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_body_file_and_create),
		cmocka_unit_test(test_markdown_bom_empty_limit),
		cmocka_unit_test(test_bad_recipes),
		cmocka_unit_test(test_all_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* tests/unit/unit-render-markdown.c -- plans as a pull-request comment (runner/render_markdown.c).
 *
 * Plans are built by hand, as in unit-render.c. One small plan of two courses (dates in two zones,
 * a one-line body diff, a multi-line text diff with hunks, a created page, a delete, a skip) is
 * asserted byte for byte, so any change of layout shows here. The line diff made from the token
 * diff is checked on its own cases (lines added, removed, joined, a change inside a long line).
 * Hostile server data -- pipes and newlines in titles, backtick runs and "</details>" in bodies,
 * <script>, @mentions, Markdown and GitLab syntax -- must come out inert: every output is checked
 * by check_md(), which reads it the way a forge does (fences by their length, HTML outside
 * fences) and fails on raw HTML other than our own, unbalanced <details>, unclosed fences, table
 * rows with the wrong number of cells, invalid UTF-8 and control bytes. Large plans must stay in
 * the budget: with many changes the table complete, with many courses (issue 18) the rows that
 * matter most and a last row with the others' totals. A plan spilled to windows (include/plan.h)
 * renders the same bytes as the plan in memory.
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
#include "plan.h"
#include "render.h"
#include "xalloc.h"

#define ELL "\xe2\x80\xa6"   /* … */
#define TO  "\xe2\x86\x92"   /* → */
#define MD  "\xe2\x80\x94"   /* — */
#define DOT "\xc2\xb7"       /* · */
#define WJ  "\xe2\x81\xa0"   /* word joiner */

static const char NY[] =
	"{\"id\": 4821, \"name\": \"Physics I (Mon/Wed)\", \"course_code\": \"PHYS 101\","
	" \"time_zone\": \"America/New_York\"}";
static const char LA[] = "{\"id\": 5000, \"name\": \"Intro\", \"course_code\": \"CS 1\","
			 " \"time_zone\": \"America/Los_Angeles\"}";

static void course(struct plan *p, const char *json)
{
	cJSON *c = cJSON_Parse(json);

	assert_non_null(c);
	plan_add_course(p, c, NULL);
	cJSON_Delete(c);
}

static cJSON *parse(const char *json)
{
	cJSON *v = cJSON_Parse(json);

	assert_non_null(v);
	return v;
}

static struct plan_change *add(struct plan *p, const char *step, const char *cid, enum resource_kind kind,
			       const char *id, const char *name, enum plan_op op, const char *field,
			       const char *before, const char *after)
{
	return plan_add(p, step, cid, kind, id, NULL, name, op, field, before ? parse(before) : NULL,
			after ? parse(after) : NULL);
}

static struct plan_change *add_str(struct plan *p, const char *step, const char *cid, enum resource_kind kind,
				   const char *id, const char *name, const char *field, const char *before,
				   const char *after)
{
	return plan_add(p, step, cid, kind, id, NULL, name, PLAN_UPDATE, field, cJSON_CreateString(before),
			cJSON_CreateString(after));
}

/* The caller frees the result. */
static char *md(const struct plan *p, size_t budget)
{
	struct buf out = BUF_INIT;

	render_markdown(p, &out, budget);
	return buf_detach(&out, NULL);
}

static void expect_md(const struct plan *p, const char *want)
{
	char *got = md(p, 0);

	if (strcmp(got, want))
		fprintf(stderr, "---- got:\n%s---- want:\n%s----\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

/* ---------------------------------------------------------------- reading the output as a forge */

static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void check_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	while (i < n) {
		uint32_t c = 0;
		size_t len = utf8_len(u + i, n - i, &c);

		if (len == 0)
			fail_msg("invalid UTF-8 at byte %zu", i);
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
		    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
			fail_msg("raw control U+%04x at byte %zu", (unsigned)c, i);
		i += len;
	}
}

/* Cells of a table row: '|' not escaped by a backslash (an escaped backslash does not escape). */
static size_t row_pipes(const char *line, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (line[i] == '\\') {
			i++;
			continue;
		}
		k += line[i] == '|';
	}
	return k;
}

static int is_ours(const char *p)
{
	static const char *const tags[] = { "<!-- coursectl plan -->", "<details>", "<details open>", "<summary>",
					    "</summary>", "<b>", "</b>", "</details>" };
	size_t k;

	for (k = 0; k < sizeof(tags) / sizeof(tags[0]); k++)
		if (!strncmp(p, tags[k], strlen(tags[k])))
			return 1;
	return 0;
}

/* Reads s as GFM does, line by line: fences open with >= 3 backticks and close with a line of at
 * least as many; outside them every '<' must be one of our tags, <details> must balance and nest
 * at depth 1, a "@name" must be broken, and table rows must have `cells` + 1 pipes. Returns the
 * number of table body rows. */
static size_t check_md(const char *s, size_t cells)
{
	const char *line = s, *nl;
	size_t fence = 0, depth = 0, rows = 0, in_table = 0;

	check_utf8(s);
	assert_true(strlen(s) > 0 && s[strlen(s) - 1] == '\n');
	for (; *line; line = nl + 1) {
		size_t n, bt = 0, i;

		nl = strchr(line, '\n');
		assert_non_null(nl);
		n = (size_t)(nl - line);
		while (bt < n && line[bt] == '`')
			bt++;
		if (fence) {
			if (bt >= fence && bt == n)
				fence = 0;
			continue;
		}
		if (bt >= 3) {
			fence = bt;
			continue;
		}
		if (n && line[0] == '|') {
			assert_int_equal(row_pipes(line, n), cells + 1);
			if (in_table++ >= 2)
				rows++;
		} else {
			in_table = 0;
		}
		for (i = 0; i < n; i++) {
			if (line[i] == '<') {
				if (!is_ours(line + i))
					fail_msg("raw HTML outside a fence: %.40s", line + i);
				if (!strncmp(line + i, "<details", 8)) {
					assert_int_equal(depth, 0);
					depth++;
				} else if (!strncmp(line + i, "</details>", 10)) {
					assert_int_equal(depth, 1);
					depth--;
				}
			}
			if (line[i] == '@' && i + 1 < n && line[i + 1] != '\xe2' && line[i + 1] != ' ')
				fail_msg("a mention outside a fence: %.40s", line + i);
		}
	}
	assert_int_equal(fence, 0);
	assert_int_equal(depth, 0);
	return rows;
}

/* The text between the first "```diff" line and its closing fence (caller frees). */
static char *first_diff(const char *s)
{
	const char *a = strstr(s, "```diff\n"), *b;

	assert_non_null(a);
	a += 8;
	b = strstr(a, "\n```\n");
	assert_non_null(b);
	return xstrndup(a, (size_t)(b - a) + 1);
}

/* The diff block of one update of a page body from a to b. */
static char *body_diff(const char *a, const char *b)
{
	struct plan *p = plan_new();
	char *s, *d;

	course(p, NY);
	add_str(p, "S", "4821", RES_PAGE, "1", "P", "body", a, b);
	plan_finish(p);
	s = md(p, 0);
	check_md(s, 9);
	d = first_diff(s);
	free(s);
	plan_free(p);
	return d;
}

static void expect_diff(const char *a, const char *b, const char *want)
{
	char *got = body_diff(a, b);

	if (strcmp(got, want))
		fprintf(stderr, "---- got:\n%s---- want:\n%s----\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

/* ---------------------------------------------------------------- cases */

static const char HEAD[] = "<!-- coursectl plan -->\n## coursectl plan\n\n";
static const char TABLE[] = "| Course | Name | Changes | Objects | Create | Update | Delete | Move | Skipped |\n"
			    "|---|---|--:|--:|--:|--:|--:|--:|--:|\n";

static void test_small_plan(void **state)
{
	struct plan *p = plan_new();
	struct buf want = BUF_INIT;

	(void)state;
	p->recipe_path = xstrdup("recipes/term-rollover.yaml");
	p->description = xstrdup("Fall -> Spring");
	course(p, NY);
	course(p, LA);
	add(p, "Shift", "4821", RES_ASSIGNMENT, "90211", "Lab 1", PLAN_UPDATE, "due_at", "\"2025-10-18T03:59:59Z\"",
	    "\"2026-03-07T04:59:59Z\"");
	add(p, "Shift", "4821", RES_ASSIGNMENT, "90211", "Lab 1", PLAN_UPDATE, "points_possible", "10", "12");
	add_str(p, "Term", "4821", RES_PAGE, "73", "Syllabus", "body", "<p>Policies for Fall 2025.</p>",
		"<p>Policies for Spring 2026.</p>");
	add(p, "Term", "4821", RES_PAGE, "73", "Syllabus", PLAN_UPDATE, "published", "false", "true");
	plan_add_skip(p, "Tidy", "4821", RES_PAGE, "12", "Home", "published",
		      "the front page cannot be unpublished");
	add_str(p, "Notes", "5000", RES_ASSIGNMENT, "7", "Essay", "description",
		"line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\n",
		"line 1\nline 2\nline two and a half\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\n"
		"line ten\n");
	add(p, "Pages", "5000", RES_PAGE, "new:1", "Start", PLAN_CREATE, NULL, NULL,
	    "{\"title\": \"Start\", \"body\": \"<h1>Hi</h1>\\n<p>Read me</p>\", \"published\": true}");
	add(p, "Pages", "5000", RES_MODULE, "9", "Sandbox", PLAN_DELETE, NULL, "{\"id\": 9, \"name\": \"Sandbox\"}",
	    NULL);
	plan_finish(p);
	buf_puts(&want, HEAD);
	buf_puts(&want,
		 "**Plan: 7 changes to 5 objects in 2 courses (1 skipped).**\n"
		 "\n"
		 "Recipe **recipes/term-rollover.yaml**: Fall -&gt; Spring\n"
		 "\n");
	buf_puts(&want, TABLE);
	buf_puts(&want,
		 "| 4821 | PHYS 101 " MD " Physics I (Mon/Wed) | 4 | 2 | 0 | 4 | 0 | 0 | 1 |\n"
		 "| 5000 | CS 1 " MD " Intro | 3 | 3 | 1 | 1 | 1 | 0 | 0 |\n"
		 "\n"
		 "<details><summary><b>Course 4821</b> PHYS 101 " MD " Physics I (Mon/Wed) " DOT
		 " 4 changes to 2 objects, 1 skipped</summary>\n"
		 "\n"
		 "Dates in America/New\\_York.\n"
		 "\n"
		 "`~` **assignment 90211** \"Lab 1\" \\[Shift\\]\n"
		 "\n"
		 "- **due\\_at** Fri 2025-10-17 23:59:59 EDT " TO " Fri 2026-03-06 23:59:59 EST"
		 " (UTC 2025-10-18T03:59:59Z " TO " 2026-03-07T04:59:59Z)\n"
		 "- **points\\_possible** 10 " TO " 12\n"
		 "\n"
		 "`~` **page 73** \"Syllabus\" \\[Term\\]\n"
		 "\n"
		 "- **body**\n"
		 "\n"
		 "```diff\n"
		 "-<p>Policies for Fall 2025.</p>\n"
		 "+<p>Policies for Spring 2026.</p>\n"
		 "```\n"
		 "\n"
		 "- **published** false " TO " true\n"
		 "\n"
		 "**Skipped**\n"
		 "\n"
		 "- **page 12** \"Home\" **published**: the front page cannot be unpublished \\[Tidy\\]\n"
		 "\n"
		 "</details>\n"
		 "\n"
		 "<details><summary><b>Course 5000</b> CS 1 " MD " Intro " DOT " 3 changes to 3 objects</summary>\n"
		 "\n"
		 "Dates in America/Los\\_Angeles.\n"
		 "\n"
		 "`~` **assignment 7** \"Essay\" \\[Notes\\]\n"
		 "\n"
		 "- **description**\n"
		 "\n"
		 "```diff\n"
		 "@@ -1,5 +1,6 @@\n"
		 " line 1\n"
		 " line 2\n"
		 "+line two and a half\n"
		 " line 3\n"
		 " line 4\n"
		 " line 5\n"
		 "@@ -7,4 +8,4 @@\n"
		 " line 7\n"
		 " line 8\n"
		 " line 9\n"
		 "-line 10\n"
		 "+line ten\n"
		 "```\n"
		 "\n"
		 "`+` **page new:1** \"Start\" \\[Pages\\]\n"
		 "\n"
		 "- **title** \"Start\"\n"
		 "- **body** (26 bytes)\n"
		 "\n"
		 "```diff\n"
		 "@@ -0,0 +1,2 @@\n"
		 "+<h1>Hi</h1>\n"
		 "+<p>Read me</p>\n"
		 "```\n"
		 "\n"
		 "- **published** true\n"
		 "\n"
		 "`-` **module 9** \"Sandbox\" " MD " deleted \\[Pages\\]\n"
		 "\n"
		 "</details>\n"
		 "\n");
	expect_md(p, buf_str(&want));
	{
		char *s = md(p, 0);

		assert_int_equal(check_md(s, 9), 2);
		free(s);
	}
	buf_release(&want);
	plan_free(p);
}

static void test_one_course_is_open_and_empty_plan(void **state)
{
	struct plan *p = plan_new();
	char *s;

	(void)state;
	course(p, NY);
	add(p, "S", "4821", RES_MODULE, "5", "Week 1", PLAN_UPDATE, "published", "true", "false");
	plan_finish(p);
	s = md(p, 0);
	assert_non_null(strstr(s, "<details open><summary><b>Course 4821</b>"));
	assert_int_equal(check_md(s, 9), 1);
	free(s);
	plan_free(p);

	p = plan_new();
	course(p, NY);
	plan_finish(p);
	s = md(p, 0);
	assert_non_null(strstr(s, "**Plan: no changes.**\n"));
	assert_null(strstr(s, "<details"));
	assert_non_null(strstr(s, "| 4821 | PHYS 101 " MD " Physics I (Mon/Wed) | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"));
	assert_int_equal(check_md(s, 9), 1);
	free(s);
	plan_free(p);
}

static void test_line_diff(void **state)
{
	(void)state;
	/* one line: no hunk header */
	expect_diff("<p>a b c</p>", "<p>a x c</p>", "-<p>a b c</p>\n+<p>a x c</p>\n");
	/* a line removed, the neighbours stay context */
	expect_diff("one\ntwo\nthree\n", "one\nthree\n", "@@ -1,3 +1,2 @@\n one\n-two\n three\n");
	/* a line added at the end, without a final newline */
	expect_diff("one\ntwo", "one\ntwo\nthree", "@@ -1,2 +1,3 @@\n one\n-two\n+two\n+three\n");
	/* a line split in two: one - line, two + lines */
	expect_diff("alpha beta\nend\n", "alpha\nbeta\nend\n", "@@ -1,2 +1,3 @@\n-alpha beta\n+alpha\n+beta\n end\n");
	/* two lines joined */
	expect_diff("alpha\nbeta\nend\n", "alpha beta\nend\n", "@@ -1,3 +1,2 @@\n-alpha\n-beta\n+alpha beta\n end\n");
	/* from null, and to null: said on the field line */
	{
		struct plan *p = plan_new();
		char *out;

		course(p, NY);
		plan_add(p, "S", "4821", RES_PAGE, "1", NULL, "P", PLAN_UPDATE, "body", cJSON_CreateNull(),
			 cJSON_CreateString("<p>new</p>"));
		plan_add(p, "S", "4821", RES_PAGE, "2", NULL, "Q", PLAN_UPDATE, "body", cJSON_CreateString("<p>old</p>"),
			 cJSON_CreateNull());
		plan_add(p, "S", "4821", RES_PAGE, "3", NULL, "R", PLAN_UPDATE, "body", cJSON_CreateString(""),
			 cJSON_CreateNull());
		plan_finish(p);
		out = md(p, 0);
		check_md(out, 9);
		assert_non_null(strstr(out, "- **body** (was null)\n\n```diff\n+<p>new</p>\n```\n"));
		assert_non_null(strstr(out, "- **body** (becomes null)\n\n```diff\n-<p>old</p>\n```\n"));
		/* "" against null is no text change: the values */
		assert_non_null(strstr(out, "- **body** \"\" " TO " null\n"));
		free(out);
		plan_free(p);
	}
	/* from empty, and to empty */
	expect_diff("", "new text", "+new text\n");
	expect_diff("old\ntext\n", "", "@@ -1,2 +0,0 @@\n-old\n-text\n");
	/* control characters in a body are neutralised inside the block too */
	expect_diff("a\x1b[31m b", "a\x1b[32m b", "-a\\x1b[31m b\n+a\\x1b[32m b\n");
}

static void test_long_line_is_trimmed(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	char *d;
	int i;

	(void)state;
	for (i = 0; i < 60; i++)
		buf_printf(&a, "word%02d ", i);
	buf_puts(&b, buf_str(&a));
	/* change word30 (bytes 210..216) and word59 near the end */
	memcpy(b.ptr + 210, "WORD30", 6);
	memcpy(b.ptr + 413, "WORD59", 6);
	d = body_diff(buf_str(&a), buf_str(&b));
	/* pieces start and end on word boundaries */
	assert_string_equal(d, "-" ELL "word25 word26 word27 word28 word29 word30 word31 word32 word33 word34 word35"
			       ELL "word54 word55 word56 word57 word58 word59 \n"
			       "+" ELL "word25 word26 word27 word28 word29 WORD30 word31 word32 word33 word34 word35"
			       ELL "word54 word55 word56 word57 word58 WORD59 \n");
	free(d);
	buf_release(&a);
	buf_release(&b);
}

static void test_escaping(void **state)
{
	struct plan *p = plan_new();
	char *s, *d;

	(void)state;
	course(p, "{\"id\": 4821, \"name\": \"A | B\\n<script>alert(1)</script> @all\", \"course_code\": \"X*Y_\","
		  " \"time_zone\": \"America/New_York\"}");
	add_str(p, "S", "4821", RES_PAGE, "7", "Title | with\npipes `code` [l](http://x) <b>bold</b> {+gl+} $m$ ~s~",
		"title", "@team and @org/all", "x\\y & z > w");
	add_str(p, "S", "4821", RES_PAGE, "7", "T", "body", "<p>before</p>\n```\nfence\n```\n",
		"<p>after</p>\n</details>\n<script>alert(1)</script>\n`````\n");
	plan_add_skip(p, "S", "4821", RES_PAGE, "8", "</details><details>", NULL, "reason <img src=x onerror=y> |");
	plan_finish(p);
	s = md(p, 0);
	assert_int_equal(check_md(s, 9), 1);
	/* table cell: pipe escaped, newline shown, HTML as entities, emphasis escaped */
	assert_non_null(strstr(s, "| 4821 | X\\*Y\\_ " MD " A \\| B\\\\n&lt;script&gt;alert(1)&lt;/script&gt; @" WJ
				  "all | 2 | 1 |"));
	/* summary: HTML escaping only (no Markdown is parsed there) */
	assert_non_null(strstr(s, "<summary><b>Course 4821</b> X*Y_ " MD " A | B\\n&lt;script&gt;alert(1)&lt;/script&gt; @"
				  WJ "all " DOT));
	assert_non_null(strstr(s, "\"Title \\| with\\\\npipes \\`code\\` \\[l\\](http://x) &lt;b&gt;bold&lt;/b&gt; "
				  "\\{+gl+\\} \\$m\\$ \\~s\\~\""));
	assert_non_null(strstr(s, "- **title** \"@" WJ "team and @" WJ "org/all\" " TO " \"x\\\\y &amp; z &gt; w\"\n"));
	assert_non_null(strstr(s, "**page 8** \"&lt;/details&gt;&lt;details&gt;\": reason &lt;img src=x onerror=y&gt; \\|"));
	/* the body's five backticks make a six-backtick fence */
	assert_non_null(strstr(s, "\n``````diff\n"));
	assert_non_null(strstr(s, "\n+</details>\n+<script>alert(1)</script>\n+`````\n``````\n"));
	free(s);
	plan_free(p);
	(void)d;
}

/* Many changes: within the budget, the table complete, the rest said. */
static void test_truncation(void **state)
{
	struct plan *p = plan_new();
	char cj[160], id[32], name[64], before[256], after[256];
	size_t rows, len;
	char *s;
	int c, i;

	(void)state;
	for (c = 0; c < 5; c++) {
		snprintf(cj, sizeof(cj), "{\"id\": %d, \"name\": \"Cours\xc3\xa9 %d\", \"time_zone\": \"Europe/Paris\"}",
			 100 + c, c);
		course(p, cj);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(cj, sizeof(cj), "%d", 100 + i % 5);
		snprintf(id, sizeof(id), "%d", i);
		snprintf(name, sizeof(name), "Th\xc3\xa8me \xe2\x80\x94 n\xc2\xb0%d", i);
		snprintf(before, sizeof(before), "<p>R\xc3\xa9sum\xc3\xa9 %d of Fall 2025</p>\n<p>more</p>\n", i);
		snprintf(after, sizeof(after), "<p>R\xc3\xa9sum\xc3\xa9 %d of Spring 2026</p>\n<p>more</p>\n", i);
		add_str(p, "S", cj, RES_PAGE, id, name, "body", before, after);
		if (i % 100 == 0)
			plan_add_skip(p, "S", cj, RES_PAGE, "x", "Gone", NULL, "page 'x' does not exist");
	}
	plan_finish(p);
	s = md(p, 0);
	if (getenv("MD_DUMP"))
		fputs(s, stderr);
	len = strlen(s);
	assert_true(len <= RENDER_MARKDOWN_BUDGET);
	assert_true(len > RENDER_MARKDOWN_BUDGET / 2);   /* filled, not given up */
	rows = check_md(s, 9);
	assert_int_equal(rows, 5);
	assert_non_null(strstr(s, "| 100 | Cours\xc3\xa9 0 | 1000 | 1000 | 0 | 1000 | 0 | 0 | 50 |\n"));
	assert_non_null(strstr(s, "| 104 | Cours\xc3\xa9 4 | 1000 | 1000 | 0 | 1000 | 0 | 0 | 0 |\n"));
	assert_non_null(strstr(s, "\n*" ELL " not shown here (the comment's size limit): "));
	assert_non_null(strstr(s, " more changes to "));
	assert_non_null(strstr(s, " objects and 50 more skipped entries of this course.*\n\n</details>\n"));
	assert_non_null(strstr(s, "more courses ("));
	assert_non_null(strstr(s, "`coursectl plan --format text`"));
	{
		/* what is shown and what is said to be left out add up to the plan */
		const char *q = s, *r = strstr(s, "not shown here (the comment's size limit): ");
		size_t shown = 0;
		unsigned long rest;

		while ((q = strstr(q, "\n`~` **page ")) != NULL && q < r) {
			shown++;
			q++;
		}
		assert_non_null(r);
		assert_int_equal(sscanf(r, "not shown here (the comment's size limit): %lu more", &rest), 1);
		assert_true(shown > 100);
		assert_int_equal(shown + rest, 1000);
		assert_non_null(strstr(s, "The details of 4 more courses (4000 changes, 0 skipped)"));
	}
	free(s);

	/* a small budget: still whole pieces, balanced, UTF-8 intact; the head alone may pass it */
	s = md(p, 3000);
	assert_true(strlen(s) <= 3000);
	assert_int_equal(check_md(s, 9), 5);
	free(s);
	/* no room for a row: the table is its last row, the five courses' totals (issue 18) */
	s = md(p, 100);
	assert_int_equal(check_md(s, 9), 1);
	assert_non_null(strstr(s, "\n| " ELL " | *5 more courses* | 5000 | 5000 | 0 | 5000 | 0 | 0 | 50 |\n"));
	assert_null(strstr(s, "<details"));
	free(s);
	plan_free(p);
}

/* n courses "C<k>" of one date change each; course `del` also deletes a module, course `skip` has a
 * skipped entry (0: none). */
static struct plan *many_courses(int n, int del, int skip)
{
	struct plan *p = plan_new();
	char cj[160], id[32];
	int k;

	for (k = 1; k <= n; k++) {
		snprintf(cj, sizeof(cj), "{\"id\": %d, \"name\": \"Course number %d\", \"course_code\": \"C%d\","
			 " \"time_zone\": \"America/Chicago\"}", 1000 + k, k, k);
		course(p, cj);
	}
	for (k = 1; k <= n; k++) {
		snprintf(cj, sizeof(cj), "%d", 1000 + k);
		snprintf(id, sizeof(id), "%d", 50000 + k);
		add(p, "Shift", cj, RES_ASSIGNMENT, id, "Lab", PLAN_UPDATE, "due_at", "\"2025-10-18T03:59:59Z\"",
		    "\"2026-03-07T04:59:59Z\"");
		if (k == del)
			add(p, "Tidy", cj, RES_MODULE, "9", "Sandbox", PLAN_DELETE, NULL, "{\"id\": 9}", NULL);
		if (k == skip)
			plan_add_skip(p, "Tidy", cj, RES_PAGE, "12", "Home", "published",
				      "the front page cannot be unpublished");
	}
	plan_finish(p);
	return p;
}

/* Issue 18: a table of one row per course is over GitHub's limit past a few hundred courses. The
 * comment keeps the budget at any count: the course with a delete and the one with a skipped
 * entry first, then the first courses in recipe order, shown in recipe order, and a last row with
 * the totals of the rest; the summary counts everything. */
static void test_many_courses_table(void **state)
{
	struct plan *p = many_courses(3000, 2900, 2950);
	unsigned long left, ch, ob, cr, up, de, mv, sk, shown, total;
	const char *r;
	size_t rows;
	char *s;

	(void)state;
	s = md(p, 0);
	if (getenv("MD_DUMP"))
		fputs(s, stderr);
	assert_true(strlen(s) <= RENDER_MARKDOWN_BUDGET);
	rows = check_md(s, 9);
	assert_true(rows > 100 && rows < 3000);
	assert_non_null(strstr(s, "**Plan: 3001 changes to 3001 objects in 3000 courses (1 skipped).**\n"));
	/* recipe order: 1001, 1002, ... then 3900 (the delete) and 3950 (the skip) */
	r = strstr(s, "|--:|\n| 1001 | C1 " MD " Course number 1 | 1 | 1 | 0 | 1 | 0 | 0 | 0 |\n| 1002 | C2 ");
	assert_non_null(r);
	assert_non_null(strstr(s, "\n| 3900 | C2900 " MD " Course number 2900 | 2 | 2 | 0 | 1 | 1 | 0 | 0 |\n"
				  "| 3950 | C2950 " MD " Course number 2950 | 1 | 1 | 0 | 1 | 0 | 0 | 1 |\n| " ELL " | *"));
	r = strstr(s, "\n| " ELL " | *");
	assert_int_equal(sscanf(r, "\n| " ELL " | *%lu more courses* | %lu | %lu | %lu | %lu | %lu | %lu | %lu |", &left,
				&ch, &ob, &cr, &up, &de, &mv, &sk), 8);
	assert_int_equal(left + rows - 1, 3000);
	assert_int_equal(ch, left);
	assert_int_equal(ob, left);
	assert_int_equal(up, left);
	assert_int_equal(cr + de + mv + sk, 0);
	r = strstr(s, "*The table shows ");
	assert_non_null(r);
	assert_int_equal(sscanf(r, "*The table shows %lu of the %lu courses", &shown, &total), 2);
	assert_int_equal(shown, rows - 1);
	assert_int_equal(total, 3000);
	/* the details still get their room: the first course's block, then what is left out */
	assert_non_null(strstr(s, "<details><summary><b>Course 1001</b> C1 " MD " Course number 1 " DOT));
	assert_non_null(strstr(s, "more courses ("));
	assert_non_null(strstr(s, "`coursectl plan --format text`"));
	free(s);

	/* any budget past the head and the table's head and last row holds, the table always ends
	 * in the totals row */
	{
		static const size_t budgets[] = { 1200, 2500, 9000, 24001, 47000, 65536 };
		size_t b;

		for (b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
			char *t = md(p, budgets[b]);

			assert_true(strlen(t) <= budgets[b]);
			assert_true(check_md(t, 9) >= 1);
			assert_non_null(strstr(t, "\n| " ELL " | *"));
			free(t);
		}
	}

	/* a budget that holds every row: the whole table, as for a handful of courses */
	s = md(p, 1 << 20);
	assert_int_equal(check_md(s, 9), 3000);
	assert_null(strstr(s, "*The table shows "));
	free(s);
	plan_free(p);
}

/* Issue 18: a plan spilled to windows of 1 and 3 courses (include/plan.h) is rendered window by
 * window, and gives the bytes of the plan in memory: whole, with details left out (the courses
 * after the room ran out counted, not read back) and with a shortened table. */
static void test_spilled_plan_same_comment(void **state)
{
	static const size_t budgets[] = { 0, 2500, 900, 300 };
	static const size_t windows[] = { 1, 3, 7 };
	struct plan *mem = many_courses(7, 3, 5);
	struct err err = ERR_INIT;
	size_t b, w;

	(void)state;
	for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		struct plan *sp = many_courses(7, 3, 5);

		assert_int_equal(plan_spill(sp, windows[w], &err), 0);
		assert_int_equal(plan_window_courses(sp), windows[w]);
		for (b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
			char *x = md(mem, budgets[b]), *y = md(sp, budgets[b]);

			assert_string_equal(y, x);
			free(x);
			free(y);
		}
		plan_free(sp);
	}
	plan_free(mem);
}

/* A long diff is shortened before anything is left out. */
static void test_long_diff_is_elided(void **state)
{
	struct plan *p = plan_new();
	struct buf a = BUF_INIT, b = BUF_INIT;
	char *s;
	int i;

	(void)state;
	course(p, NY);
	for (i = 0; i < 400; i++) {
		buf_printf(&a, "line %d\n", i);
		buf_printf(&b, "LINE %d\n", i);
	}
	add_str(p, "S", "4821", RES_PAGE, "1", "Big", "body", buf_str(&a), buf_str(&b));
	add(p, "S", "4821", RES_PAGE, "2", "Small", PLAN_UPDATE, "published", "false", "true");
	plan_finish(p);
	s = md(p, 0);
	assert_null(strstr(s, "more lines"));          /* fits whole */
	free(s);
	s = md(p, 4000);
	if (getenv("MD_DUMP"))
		fputs(s, stderr);
	assert_true(strlen(s) <= 4000);
	check_md(s, 9);
	assert_non_null(strstr(s, "\n-line 38\n" ELL " 761 more lines\n```\n"));   /* 801 lines, 40 shown */
	assert_non_null(strstr(s, "**page 2** \"Small\""));                /* nothing left out */
	assert_null(strstr(s, "not shown"));
	free(s);
	plan_free(p);
	/* longer lines: 40 lines do not fit, 12 do */
	p = plan_new();
	course(p, NY);
	buf_reset(&a);
	buf_reset(&b);
	for (i = 0; i < 400; i++) {
		buf_printf(&a, "line %03d of a paragraph that is long enough to make forty lines too many here\n", i);
		buf_printf(&b, "LINE %03d of a paragraph that is long enough to make forty lines too many here\n", i);
	}
	add_str(p, "S", "4821", RES_PAGE, "1", "Big", "body", buf_str(&a), buf_str(&b));
	plan_finish(p);
	s = md(p, 3500);
	assert_true(strlen(s) <= 3500);
	check_md(s, 9);
	assert_non_null(strstr(s, "\n-line 010 of a paragraph that is long enough to make forty lines too many here\n"
				  ELL " 789 more lines\n```\n"));
	assert_null(strstr(s, "not shown"));
	free(s);
	buf_release(&a);
	buf_release(&b);
	plan_free(p);
}

/* ---------------------------------------------------------------- properties on random input */

#ifndef ROUNDS
#define ROUNDS 60
#endif

static unsigned long rng = 12345;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng >> 33) % n);
}

/* A text of `lines` lines from a small vocabulary (so that lines repeat and move), each ending in
 * a newline. */
static void random_lines(struct buf *b, unsigned lines)
{
	static const char *const words[] = { "a", "b", "c", "Fall", "2025", "<p>", "</p>", "x" };
	unsigned i, k, n;

	buf_reset(b);
	for (i = 0; i < lines; i++) {
		n = rnd(4);
		for (k = 0; k < n; k++) {
			if (k)
				buf_putc(b, ' ');
			buf_puts(b, words[rnd(8)]);
		}
		buf_putc(b, '\n');
	}
}

/* The lines of s (each ending in a newline) as an array of pointers into a copy. */
static char **split_lines(char *s, size_t *n)
{
	char **v = xmalloc((strlen(s) + 1) * sizeof(*v)), *nl;

	*n = 0;
	while (*s && (nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		v[(*n)++] = s;
		s = nl + 1;
	}
	return v;
}

/* Applies the unified diff `d` (hunks with headers) to a and checks the result is b: the block is
 * a true diff, its headers count right, and its context is a's. */
static void check_patch(const char *a, const char *b, const char *d)
{
	char *ac = xstrdup(a), *bc = xstrdup(b), *dc = xstrdup(d);
	size_t na, nb, nd, i, ai = 0, nr = 0, k;
	char **av = split_lines(ac, &na), **bv = split_lines(bc, &nb), **dv = split_lines(dc, &nd);
	char **res = xmalloc((na + nb + 1) * sizeof(*res));

	for (i = 0; i < nd;) {
		unsigned long os, oc, ns, nc, seen_o = 0, seen_n = 0;
		size_t start;

		if (sscanf(dv[i], "@@ -%lu,%lu +%lu,%lu @@", &os, &oc, &ns, &nc) != 4)
			fail_msg("not a hunk header: '%s'", dv[i]);
		start = oc ? os - 1 : os;
		assert_true(start >= ai && start <= na);
		for (; ai < start; ai++)
			res[nr++] = av[ai];
		assert_int_equal(ns, nr + (nc ? 1 : 0));
		for (i++; i < nd && dv[i][0] != '@'; i++) {
			char t = dv[i][0];

			if (t == ' ' || t == '-') {
				assert_true(ai < na);
				assert_string_equal(dv[i] + 1, av[ai]);
				ai++;
				seen_o++;
			}
			if (t == ' ' || t == '+') {
				res[nr++] = dv[i] + 1;
				seen_n++;
			}
		}
		assert_int_equal(seen_o, oc);
		assert_int_equal(seen_n, nc);
	}
	for (; ai < na; ai++)
		res[nr++] = av[ai];
	assert_int_equal(nr, nb);
	for (k = 0; k < nb; k++)
		assert_string_equal(res[k], bv[k]);
	free(res);
	free(av);
	free(bv);
	free(dv);
	free(ac);
	free(bc);
	free(dc);
}

static void test_line_diff_applies(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	int round;

	(void)state;
	for (round = 0; round < 5 * ROUNDS; round++) {
		char *d;

		random_lines(&a, 2 + rnd(12));
		random_lines(&b, 2 + rnd(12));
		if (!strcmp(buf_str(&a), buf_str(&b)))
			continue;
		d = body_diff(buf_str(&a), buf_str(&b));
		check_patch(buf_str(&a), buf_str(&b), d);
		free(d);
	}
	buf_release(&a);
	buf_release(&b);
}

/* Random hostile plans under random budgets: always well formed, within the budget when the head
 * leaves room for the closing lines. */
static void test_random_hostile_plans(void **state)
{
	static const char *const bits[] = { "`", "```", "</details>", "<details>", "<script>", "|", "\n", "@all",
					    "\\", "*", "_", "[x](y)", "&amp;", "\xe2\x80\xae", "\x1b[31m", "\xc3",
					    "\xe2\x82\xac", "word ", "\n\n", "{+", "~~", "$", "<!--", "-->" };
	struct buf t = BUF_INIT, u = BUF_INIT, name = BUF_INIT;
	int round;

	(void)state;
	for (round = 0; round < ROUNDS; round++) {
		struct plan *p = plan_new();
		char cid[16], id[16], *s;
		size_t budget = 1500 + rnd(6000), head;
		unsigned i, k, n = 1 + rnd(40);

		for (i = 0; i < 3; i++) {
			cJSON *c = cJSON_CreateObject();

			buf_reset(&name);
			for (k = rnd(6); k > 0; k--)
				buf_puts(&name, bits[rnd(24)]);
			cJSON_AddNumberToObject(c, "id", 10 + i);
			cJSON_AddStringToObject(c, "name", buf_str(&name));
			cJSON_AddStringToObject(c, "time_zone", "Asia/Kolkata");
			plan_add_course(p, c, NULL);
			cJSON_Delete(c);
		}
		for (i = 0; i < n; i++) {
			buf_reset(&t);
			buf_reset(&u);
			buf_reset(&name);
			for (k = rnd(30); k > 0; k--)
				buf_puts(&t, bits[rnd(24)]);
			buf_add(&u, t.ptr ? t.ptr : "", t.len);
			for (k = 1 + rnd(5); k > 0; k--)
				buf_puts(&u, bits[rnd(24)]);
			for (k = rnd(5); k > 0; k--)
				buf_puts(&name, bits[rnd(24)]);
			snprintf(cid, sizeof(cid), "%u", 10 + rnd(3));
			snprintf(id, sizeof(id), "%u", i);
			add_str(p, buf_str(&name), cid, rnd(2) ? RES_PAGE : RES_ASSIGNMENT, id, buf_str(&name),
				rnd(2) ? "body" : "name", buf_str(&t), buf_str(&u));
			if (!rnd(4))
				plan_add_skip(p, buf_str(&name), cid, RES_PAGE, id, buf_str(&name), buf_str(&name),
					      buf_str(&u));
		}
		plan_finish(p);
		s = md(p, 1 << 20);
		check_md(s, 9);
		head = (size_t)(strstr(s, "|\n\n") - s);
		free(s);
		s = md(p, budget);
		check_md(s, 9);
		if (head + 1024 <= budget && strlen(s) > budget) {
			fprintf(stderr, "%s\n---- head %zu budget %zu len %zu\n", s, head, budget, strlen(s));
			fail();
		}
		free(s);
		plan_free(p);
	}
	buf_release(&t);
	buf_release(&u);
	buf_release(&name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_plan),
		cmocka_unit_test(test_one_course_is_open_and_empty_plan),
		cmocka_unit_test(test_line_diff),
		cmocka_unit_test(test_long_line_is_trimmed),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_many_courses_table),
		cmocka_unit_test(test_spilled_plan_same_comment),
		cmocka_unit_test(test_long_diff_is_elided),
		cmocka_unit_test(test_line_diff_applies),
		cmocka_unit_test(test_random_hostile_plans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/unit-markdown.c -- Markdown page bodies (runner/markdown.c, include/markdown.h).
 *
 * Table-driven: each case is Markdown in, the exact HTML out, so a change of cmark-gfm's output
 * (a Debian upgrade) or of our options shows here by name. Covered: headings, nested lists, a
 * table with alignments, autolinks (scheme and www.), strikethrough, a fenced code block with a
 * language, the raw HTML policy (an <iframe> and a <span> pass through, and so does <script>:
 * Canvas's sanitizer is the boundary), task lists left as text, no smart punctuation, UTF-8 and
 * entities, CRLF, an empty file. Then: rendering is deterministic, the length is honoured (no NUL
 * needed), and a deeply nested hostile input renders without crashing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "markdown.h"
#include "xalloc.h"

struct mcase {
	const char *name;
	const char *md;
	const char *html;
};

static const struct mcase cases[] = {
	{ "empty file", "", "" },
	{ "only blank lines", "\n\n  \n", "" },
	{ "headings", "# One\n\n## Two *em*\n\nThree\n=====\n",
	  "<h1>One</h1>\n<h2>Two <em>em</em></h2>\n<h1>Three</h1>\n" },
	{ "paragraph and emphasis", "Plain **bold** and _it_ and `code`.\nnext line\n",
	  "<p>Plain <strong>bold</strong> and <em>it</em> and <code>code</code>.\nnext line</p>\n" },
	{ "nested lists", "- a\n- b\n  1. c\n  2. d\n\n3. x\n4. y\n",
	  "<ul>\n<li>a</li>\n<li>b\n<ol>\n<li>c</li>\n<li>d</li>\n</ol>\n</li>\n</ul>\n"
	  "<ol start=\"3\">\n<li>x</li>\n<li>y</li>\n</ol>\n" },
	{ "table with alignments", "| Week | Topic | Due |\n|:-----|:-----:|----:|\n| 1 | Kinematics | 9/5 |\n"
	  "| 2 | *Forces* | |\n",
	  "<table>\n<thead>\n<tr>\n<th align=\"left\">Week</th>\n<th align=\"center\">Topic</th>\n"
	  "<th align=\"right\">Due</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n"
	  "<td align=\"center\">Kinematics</td>\n<td align=\"right\">9/5</td>\n</tr>\n<tr>\n"
	  "<td align=\"left\">2</td>\n<td align=\"center\"><em>Forces</em></td>\n<td align=\"right\"></td>\n"
	  "</tr>\n</tbody>\n</table>\n" },
	{ "autolinks", "Zoom: https://zoom.us/j/123456, or www.example.edu/help and help@example.edu.\n",
	  "<p>Zoom: <a href=\"https://zoom.us/j/123456\">https://zoom.us/j/123456</a>, or "
	  "<a href=\"http://www.example.edu/help\">www.example.edu/help</a> and "
	  "<a href=\"mailto:help@example.edu\">help@example.edu</a>.</p>\n" },
	{ "links and images", "[Syllabus](/courses/1/pages/syllabus \"The rules\") ![map](map.png)\n",
	  "<p><a href=\"/courses/1/pages/syllabus\" title=\"The rules\">Syllabus</a> "
	  "<img src=\"map.png\" alt=\"map\" /></p>\n" },
	{ "strikethrough", "~~Fall 2025~~ Spring 2026\n", "<p><del>Fall 2025</del> Spring 2026</p>\n" },
	{ "code fence", "```python\nif a < b and c > d:\n    print(\"&\")\n```\n",
	  "<pre><code class=\"language-python\">if a &lt; b and c &gt; d:\n"
	  "    print(&quot;&amp;&quot;)\n</code></pre>\n" },
	{ "raw HTML block passes",
	  "<iframe src=\"https://www.youtube.com/embed/abc\" width=\"560\"></iframe>\n\nAfter\n",
	  "<iframe src=\"https://www.youtube.com/embed/abc\" width=\"560\"></iframe>\n<p>After</p>\n" },
	{ "raw inline HTML passes", "A <span class=\"badge\">new</span> and <script>x()</script> too\n",
	  "<p>A <span class=\"badge\">new</span> and <script>x()</script> too</p>\n" },
	{ "task list stays text", "- [ ] read chapter 1\n- [x] buy the book\n",
	  "<ul>\n<li>[ ] read chapter 1</li>\n<li>[x] buy the book</li>\n</ul>\n" },
	{ "no smart punctuation", "\"quoted\" -- it's...\n", "<p>&quot;quoted&quot; -- it's...</p>\n" },
	{ "UTF-8 and entities",
	  "Caf\xc3\xa9 \xe2\x80\x9cM\xc3\xbcnchen\xe2\x80\x9d \xf0\x9f\x93\x9a &copy; &amp; < 3\n",
	  "<p>Caf\xc3\xa9 \xe2\x80\x9cM\xc3\xbcnchen\xe2\x80\x9d \xf0\x9f\x93\x9a \xc2\xa9 &amp; &lt; 3</p>\n" },
	{ "CRLF line ends", "# Title\r\n\r\ntext\r\n", "<h1>Title</h1>\n<p>text</p>\n" },
	{ "thematic break and quote", "> quoted\n\n---\n", "<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr />\n" },
};

static void test_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err err = ERR_INIT;
		char *html = NULL;

		if (markdown_to_html(cases[i].md, strlen(cases[i].md), "case", &html, &err))
			fail_msg("%s: %s", cases[i].name, err.msg);
		assert_non_null(html);
		if (strcmp(html, cases[i].html))
			fail_msg("%s:\nwant: %s\ngot:  %s", cases[i].name, cases[i].html, html);
		free(html);
	}
}

/* The same input twice (and after other documents) gives the same bytes. */
static void test_deterministic(void **state)
{
	const char *md = "# A\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\nhttps://a.example/b ~~c~~\n";
	char *a, *b, *other;
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(markdown_to_html(md, strlen(md), "a", &a, &err), 0);
	assert_int_equal(markdown_to_html("*x*", 3, "o", &other, &err), 0);
	assert_int_equal(markdown_to_html(md, strlen(md), "a", &b, &err), 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(other);
}

/* Only len bytes are read: the rest of the buffer is not part of the document. */
static void test_length_honoured(void **state)
{
	char *html;
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(markdown_to_html("# Kept\n# Not this", 7, "x", &html, &err), 0);
	assert_string_equal(html, "<h1>Kept</h1>\n");
	free(html);
}

/* 50,000 nested quotes, then 50,000 open brackets: rendered, no crash. (Both on
 * one line take cmark-gfm 0.29 seconds -- quadratic upstream; the file is the course author's
 * own, so that is a slow validate, not an attack.) */
static void test_hostile_nesting(void **state)
{
	size_t n = 50000, i;
	char *md = xmalloc(2 * n + 3), *html;
	struct err err = ERR_INIT;

	(void)state;
	for (i = 0; i < n; i++) {
		md[i] = '>';
		md[n + 2 + i] = '[';
	}
	md[n] = md[n + 1] = '\n';
	md[2 * n + 2] = 0;
	assert_int_equal(markdown_to_html(md, 2 * n + 2, "x", &html, &err), 0);
	assert_non_null(strstr(html, "<blockquote>"));
	free(html);
	free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_length_honoured),
		cmocka_unit_test(test_hostile_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

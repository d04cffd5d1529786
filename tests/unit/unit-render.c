/* tests/unit/unit-render.c -- plans as text and HTML (runner/render_text.c, runner/render_html.c).
 *
 * Plans are built by hand (plan_new, plan_add_course, plan_add, plan_add_skip, plan_finish) and the
 * text is asserted in full, so any change of layout shows here: scalars, dates in three zones
 * (EDT/EST, PDT/PST, none), a one-line HTML body diff, multi-line and long text, create / delete /
 * move, skipped entries, the summary line's plurals, changes made by two steps, colour on and off.
 * Hostile server data (escape sequences, C1 controls, bidi overrides, invalid UTF-8) must come out
 * neutralised: besides exact expectations, every output is scanned for raw control bytes. The HTML
 * page must escape everything, stand alone (no script, no external reference) and nest its tags.
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
#include "recipe.h"
#include "render.h"
#include "xalloc.h"

#define ELL "\xe2\x80\xa6"   /* … */
#define RET "\xe2\x8f\x8e"   /* ⏎ */
#define TO  "\xe2\x86\x92"   /* → */
#define ELLIPSIS "\xe2\x80\xa6"   /* … */

/* colours, as render_text writes them */
#define B "\x1b[1m"
#define D "\x1b[2m"
#define R "\x1b[31m"
#define G "\x1b[32m"
#define Y "\x1b[33m"
#define N "\x1b[m"

static const char NY[] =
	"{\"id\": 4821, \"name\": \"Physics I (Mon/Wed)\", \"course_code\": \"PHYS 101\","
	" \"time_zone\": \"America/New_York\"}";
static const char LA[] = "{\"id\": 5000, \"name\": \"Intro\", \"course_code\": \"CS 1\","
			 " \"time_zone\": \"America/Los_Angeles\"}";
static const char NOZONE[] = "{\"id\": 6000, \"name\": \"Zoneless\"}";
static const char DENVER[] = "{\"id\": 4822, \"name\": \"Physics I Lab\", \"course_code\": \"PHYS 101L\","
			     " \"time_zone\": \"America/Denver\"}";

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

/* A change with JSON texts for before/after (NULL: JSON null) and an optional note. */
static struct plan_change *add(struct plan *p, const char *step, const char *cid, enum resource_kind kind,
			       const char *id, const char *parent, const char *name, enum plan_op op,
			       const char *field, const char *before, const char *after, const char *note)
{
	struct plan_change *c = plan_add(p, step, cid, kind, id, parent, name, op, field,
					 before ? parse(before) : NULL, after ? parse(after) : NULL);

	if (note)
		c->note = xstrdup(note);
	return c;
}

/* The same with string values taken as they are (bytes JSON text could not hold readably). */
static struct plan_change *add_str(struct plan *p, const char *step, const char *cid, enum resource_kind kind,
				   const char *id, const char *name, const char *field, const char *before,
				   const char *after)
{
	return plan_add(p, step, cid, kind, id, NULL, name, PLAN_UPDATE, field, cJSON_CreateString(before),
			cJSON_CreateString(after));
}

/* The caller frees the results. */
static char *text_with(const struct plan *p, const struct render_opts *o)
{
	struct buf out = BUF_INIT;

	render_text(p, &out, o);
	return buf_detach(&out, NULL);
}

static char *text(const struct plan *p, int color)
{
	struct render_opts o = RENDER_OPTS_INIT;

	o.color = color;
	return text_with(p, &o);
}

static char *html(const struct plan *p)
{
	struct buf out = BUF_INIT;

	render_html(p, &out, NULL);
	return buf_detach(&out, NULL);
}

static char *summary(const struct plan *p)
{
	struct buf out = BUF_INIT;

	render_summary_line(p, &out);
	return buf_detach(&out, NULL);
}

static void expect_text(const struct plan *p, int color, const char *want)
{
	char *got = text(p, color);

	if (strcmp(got, want))
		fprintf(stderr, "---- got:\n%s---- want:\n%s----\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

/* Length of the valid UTF-8 sequence at s, 0 when invalid (overlong, surrogate, > U+10FFFF). */
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

/* Output a terminal can show safely: valid UTF-8; no C0 control but newline and tab, no DEL, no C1,
 * no bidi control; with colour, an ESC only in our own SGR sequences. */
static void check_clean(const char *s, int color)
{
	static const char *const sgr[] = { "\x1b[m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m" };
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		uint32_t c = 0;
		size_t len = utf8_len(u + i, n - i, &c);

		if (len == 0)
			fail_msg("invalid UTF-8 at byte %zu", i);
		if (c == 0x1b) {
			int ok = 0;

			assert_true(color);
			for (k = 0; k < sizeof(sgr) / sizeof(sgr[0]); k++) {
				if (!strncmp(s + i, sgr[k], strlen(sgr[k]))) {
					ok = 1;
					i += strlen(sgr[k]);
					break;
				}
			}
			if (!ok)
				fail_msg("foreign escape sequence at byte %zu", i);
			continue;
		}
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
		    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f)
			fail_msg("raw control U+%04x at byte %zu", (unsigned)c, i);
		i += len;
	}
}

/* The elements render_html writes nest properly: every start tag but the void ones is closed in
 * order. Data is escaped, so every '<' is markup. */
static void check_nesting(const char *s)
{
	static const char *const voids[] = { "meta", "br" };
	char stack[64][16];
	size_t depth = 0, k;
	const char *p = s;

	while ((p = strchr(p, '<')) != NULL) {
		char name[16];
		size_t len = 0;
		int closing = p[1] == '/', isvoid = 0;
		const char *q = p + 1 + closing;

		if (!strncmp(p, "<!DOCTYPE html>", 15)) {
			p += 15;
			continue;
		}
		while ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')) {
			assert_true(len < sizeof(name) - 1);
			name[len++] = *q++;
		}
		name[len] = '\0';
		assert_true(len > 0);
		assert_non_null(strchr(q, '>'));
		for (k = 0; k < sizeof(voids) / sizeof(voids[0]); k++)
			isvoid |= !strcmp(name, voids[k]);
		if (closing) {
			assert_true(depth > 0);
			if (strcmp(stack[depth - 1], name))
				fail_msg("</%s> closes <%s>", name, stack[depth - 1]);
			depth--;
		} else if (!isvoid) {
			assert_true(depth < 64);
			memcpy(stack[depth++], name, len + 1);
		}
		p = strchr(q, '>') + 1;
	}
	assert_int_equal(depth, 0);
}

/* ---------------------------------------------------------------- text */

static void test_scalars(void **state)
{
	struct plan *p = plan_new();

	(void)state;
	course(p, NY);
	add(p, "Tidy", "4821", RES_PAGE, "73", NULL, "Syllabus", PLAN_UPDATE, "title", "\"Syllabus\"",
	    "\"Course syllabus\"", NULL);
	add(p, "Tidy", "4821", RES_PAGE, "73", NULL, "Syllabus", PLAN_UPDATE, "published", "false", "true", NULL);
	add(p, "Tidy", "4821", RES_PAGE, "73", NULL, "Syllabus", PLAN_UPDATE, "editing_roles", "\"teachers\"",
	    "\"teachers,students\"", NULL);
	add(p, "Tidy", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab 1", PLAN_UPDATE, "points_possible", "10", "12.5",
	    NULL);
	add(p, "Tidy", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab 1", PLAN_UPDATE, "grading_type", NULL,
	    "\"points\"", NULL);
	add(p, "Tidy", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab 1", PLAN_UPDATE, "allowed_extensions",
	    "[\"pdf\"]", "[\"pdf\", \"docx\"]", NULL);
	add(p, "Tidy", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab 1", PLAN_UPDATE, "external_tool_tag_attributes",
	    "{\"new_tab\": false}", "{\"new_tab\": true}", NULL);
	/* back to its start value: not shown, not counted */
	add(p, "Tidy", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab 1", PLAN_UPDATE, "name", "\"Lab 1\"",
	    "\"Lab 1\"", NULL);
	plan_finish(p);
	expect_text(p, 0,
		"Course 4821  PHYS 101 -- Physics I (Mon/Wed)   America/New_York\n"
		"\n"
		"  ~ page 73 \"Syllabus\"  [Tidy]\n"
		"      title  \"Syllabus\" " TO " \"Course syllabus\"\n"
		"      published  false " TO " true\n"
		"      editing_roles  \"teachers\" " TO " \"teachers,students\"\n"
		"  ~ assignment 90211 \"Lab 1\"  [Tidy]\n"
		"      points_possible  10 " TO " 12.5\n"
		"      grading_type  null " TO " \"points\"\n"
		"      allowed_extensions  [\"pdf\"] " TO " [\"pdf\",\"docx\"]\n"
		"      external_tool_tag_attributes  {\"new_tab\":false} " TO " {\"new_tab\":true}\n"
		"\n"
		"Plan: 7 changes to 2 objects in 1 course.\n");
	plan_free(p);
}

static void test_dates(void **state)
{
	struct plan *p = plan_new();

	(void)state;
	course(p, NY);
	course(p, LA);
	course(p, NOZONE);
	add(p, "Shift", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab 1", PLAN_UPDATE, "due_at",
	    "\"2025-10-18T03:59:59Z\"", "\"2026-03-07T04:59:59Z\"", NULL);
	add(p, "Shift", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab 1", PLAN_UPDATE, "unlock_at", NULL,
	    "\"2026-03-08T07:30:00Z\"", NULL);
	add(p, "Shift", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab 1", PLAN_UPDATE, "lock_at", "\"next week\"",
	    NULL, NULL);
	add(p, "Shift", "4821", RES_CALENDAR_EVENT, "new:1", NULL, "Review", PLAN_CREATE, NULL, NULL,
	    "{\"id\": \"new:1\", \"title\": \"Review\", \"start_at\": \"2026-03-09T03:59:00Z\"}", NULL);
	add(p, "Shift", "5000", RES_QUIZ, "7", NULL, "Quiz 1", PLAN_UPDATE, "due_at", "\"2025-11-01T06:59:59Z\"",
	    "\"2025-11-08T07:59:59Z\"", NULL);
	/* an offset and a fraction are read, and shown as the UTC instant */
	add(p, "Shift", "6000", RES_ASSIGNMENT, "1", NULL, "A", PLAN_UPDATE, "due_at", "\"2025-10-18T03:59:59Z\"",
	    "\"2025-10-18T23:59:59.5-04:00\"", NULL);
	plan_finish(p);
	expect_text(p, 0,
		"Course 4821  PHYS 101 -- Physics I (Mon/Wed)   America/New_York\n"
		"\n"
		"  ~ assignment 90211 \"Lab 1\"  [Shift]\n"
		"      due_at  Fri 2025-10-17 23:59:59 EDT " TO " Fri 2026-03-06 23:59:59 EST\n"
		"              (UTC 2025-10-18T03:59:59Z " TO " 2026-03-07T04:59:59Z)\n"
		"      unlock_at  null " TO " Sun 2026-03-08 03:30:00 EDT\n"
		"              (UTC null " TO " 2026-03-08T07:30:00Z)\n"
		"      lock_at  \"next week\" " TO " null\n"
		"  + calendar event new:1 \"Review\"  [Shift]\n"
		"      title \"Review\", start_at Sun 2026-03-08 23:59:00 EDT (2026-03-09T03:59:00Z)\n"
		"\n"
		"Course 5000  CS 1 -- Intro   America/Los_Angeles\n"
		"\n"
		"  ~ quiz 7 \"Quiz 1\"  [Shift]\n"
		"      due_at  Fri 2025-10-31 23:59:59 PDT " TO " Fri 2025-11-07 23:59:59 PST\n"
		"              (UTC 2025-11-01T06:59:59Z " TO " 2025-11-08T07:59:59Z)\n"
		"\n"
		"Course 6000  Zoneless   (no time zone: dates in UTC)\n"
		"\n"
		"  ~ assignment 1 \"A\"  [Shift]\n"
		"      due_at  2025-10-18T03:59:59Z " TO " 2025-10-19T03:59:59Z\n"
		"\n"
		"Plan: 6 changes to 4 objects in 3 courses.\n");
	plan_free(p);
}

static const char BODY_A[] =
	"<p>Office hours: Mondays 2&ndash;4pm, room 210. Spring 2025.</p><p>Late work loses 10% per day. "
	"See the <a href=\"/courses/4821/pages/policies\">policies</a> page for details.</p>";
static const char BODY_B[] =
	"<p>Office hours: Mondays 2&ndash;4pm, room 210. Spring 2026.</p><p>Late work loses 10% per day. "
	"See the <a href=\"/courses/4821/pages/course-policies\">policies</a> page for details.</p>";

static void test_html_body_diff(void **state)
{
	struct plan *p = plan_new();
	struct render_opts o = RENDER_OPTS_INIT;
	char *got;

	(void)state;
	course(p, NY);
	add_str(p, "Update the syllabus policies page", "4821", RES_PAGE, "73", "Syllabus policies", "body",
		BODY_A, BODY_B)->note = xstrdup("2 matches");
	add(p, "Update the syllabus policies page", "4821", RES_PAGE, "73", NULL, "Syllabus policies",
	    PLAN_UPDATE, "published", "false", "true", NULL);
	plan_finish(p);
	expect_text(p, 0,
		"Course 4821  PHYS 101 -- Physics I (Mon/Wed)   America/New_York\n"
		"\n"
		"  ~ page 73 \"Syllabus policies\"  [Update the syllabus policies page]\n"
		"      body  2 matches\n"
		"        " ELL "210. Spring [-2025-]{+2026+}.</p><p>" ELL "\n"
		"        " ELL ". See the [-<a href=\"/courses/4821/pages/policies\">-]"
		"{+<a href=\"/courses/4821/pages/course-policies\">+}policies</a> page" ELL "\n"
		"      published  false " TO " true\n"
		"\n"
		"Plan: 2 changes to 1 object in 1 course.\n");
	/* the options reach the diff: one word of context, and a cap on its size */
	o.context = 1;
	o.max_diff_bytes = 20;
	got = text_with(p, &o);
	assert_non_null(strstr(got,
		"      body  2 matches\n"
		"        " ELL "Spring [-2025-]{+2026+}." ELL "\n"
		"        ... (1 more change)\n"));
	free(got);
	plan_free(p);
}

static void test_long_and_multiline_text(void **state)
{
	struct plan *p = plan_new();

	(void)state;
	course(p, NY);
	/* a long title is not HTML, but a diff reads better than two 70-byte strings */
	add_str(p, "Retitle", "4821", RES_PAGE, "80", "Week 1",  "title",
		"Week 1: Introduction to kinematics, vectors and the motion of a falling body",
		"Week 1: Introduction to kinematics, vectors and the motion of a falling object");
	/* multi-line HTML: context keeps its lines; an added line break shows as ⏎ */
	add_str(p, "Retitle", "4821", RES_DISCUSSION_TOPIC, "31", "Welcome", "message",
		"<p>Hi all,</p>\n<p>Please post by Friday.</p>\n<p>Thanks</p>\n",
		"<p>Hi all,</p>\n<p>Please post by Sunday.</p>\n<p>Thanks,</p>\n<p>Ann</p>\n");
	/* a short text with a newline is a diff too (an inline value could not show the line break) */
	add_str(p, "Retitle", "4821", RES_MODULE, "12", "Week 1", "name", "Week 1", "Week 1\nReadings");
	plan_finish(p);
	expect_text(p, 0,
		"Course 4821  PHYS 101 -- Physics I (Mon/Wed)   America/New_York\n"
		"\n"
		"  ~ page 80 \"Week 1\"  [Retitle]\n"
		"      title\n"
		"        " ELL "of a falling [-body-]{+object+}\n"
		"  ~ discussion topic 31 \"Welcome\"  [Retitle]\n"
		"      message\n"
		"        " ELL "Please post by [-Friday-]{+Sunday+}.</p>\n"
		"        <p>Thanks{+,</p>" RET "\n"
		"        <p>Ann+}</p>\n"
		"  ~ module 12 \"Week 1\"  [Retitle]\n"
		"      name\n"
		"        Week 1{+" RET "\n"
		"        Readings+}\n"
		"\n"
		"Plan: 3 changes to 3 objects in 1 course.\n");
	plan_free(p);
}

static void test_create_delete_move(void **state)
{
	struct plan *p = plan_new();

	(void)state;
	course(p, NY);
	add(p, "Pages", "4821", RES_PAGE, "new:1", NULL, "Start", PLAN_CREATE, NULL, NULL,
	    "{\"id\": \"new:1\", \"page_id\": \"new:1\", \"title\": \"Start\","
	    " \"body\": \"<p>Welcome aboard!</p>\","
	    " \"published\": false}", NULL);
	add(p, "Modules", "4821", RES_MODULE_ITEM, "new:2", "12", "Start", PLAN_CREATE, NULL, NULL,
	    "{\"id\": \"new:2\", \"module_id\": 12, \"title\": \"Start\", \"type\": \"Page\","
	    " \"page_url\": \"start\","
	    " \"position\": 1, \"indent\": 0, \"completion_requirement\": {\"type\": \"must_view\"}}", NULL);
	add(p, "Modules", "4821", RES_MODULE, "9", NULL, "Sandbox", PLAN_DELETE, NULL,
	    "{\"id\": 9, \"name\": \"Sandbox\", \"items\": []}", NULL, "absent: listed");
	add(p, "Modules", "4821", RES_MODULE_ITEM, "501", "12", "Reading", PLAN_MOVE, "module_id", "12", "14",
	    NULL);
	add(p, "Modules", "4821", RES_MODULE_ITEM, "501", "12", "Reading", PLAN_UPDATE, "position", "3", "1", NULL);
	plan_finish(p);
	expect_text(p, 0,
		"Course 4821  PHYS 101 -- Physics I (Mon/Wed)   America/New_York\n"
		"\n"
		"  + page new:1 \"Start\"  [Pages]\n"
		"      title \"Start\", body (22 bytes), published false\n"
		"      body:\n"
		"        <p>Welcome aboard!</p>\n"
		"  + module item new:2 \"Start\" (in module 12)  [Modules]\n"
		"      title \"Start\", type \"Page\", page_url \"start\", position 1, indent 0,\n"
		"      completion_requirement {\"type\":\"must_view\"}\n"
		"  - module 9 \"Sandbox\"  absent: listed  [Modules]\n"
		"  ~ module item 501 \"Reading\" (in module 12)  [Modules]\n"
		"      module_id  12 " TO " 14\n"
		"      position  3 " TO " 1\n"
		"\n"
		"Plan: 5 changes to 4 objects in 1 course.\n");
	plan_free(p);
}

/* A created page's body is shown under its fields (what apply asks about is what it writes), each
 * line indented and neutralised, cut at the diff cap on a UTF-8 boundary with how much was cut. */
static void test_create_body_shown_capped(void **state)
{
	struct plan *p = plan_new();
	struct render_opts o = RENDER_OPTS_INIT;
	char *got;

	(void)state;
	course(p, NY);
	add(p, "Pages", "4821", RES_PAGE, "new:1", NULL, "Start", PLAN_CREATE, NULL, NULL,
	    "{\"id\": \"new:1\", \"title\": \"Start\","
	    " \"body\": \"<h1>Caf\u00e9</h1>\\n<p>\\u001b[31mx and more text here</p>\"}", NULL);
	plan_finish(p);
	o.max_diff_bytes = 17;     /* "<h1>Caf\u00e9</h1>" is 14 bytes, then "\\n<p": cut at the line end */
	got = text_with(p, &o);
	assert_non_null(strstr(got, "      body:\n        <h1>Caf\u00e9</h1>\n        "
				    ELLIPSIS " (32 more bytes not shown;"));
	free(got);
	o.max_diff_bytes = 8;      /* inside the \u00e9: cut before it */
	got = text_with(p, &o);
	assert_non_null(strstr(got, "        <h1>Caf\n        " ELLIPSIS " (40 more bytes not shown;"));
	free(got);
	o.max_diff_bytes = 0;      /* the default cap: all of it, the ESC neutralised */
	got = text_with(p, &o);
	assert_null(strchr(got, '\x1b'));
	assert_non_null(strstr(got, "x and more text here</p>\n"));
	assert_null(strstr(got, "more bytes not shown"));
	free(got);
	plan_free(p);
}

static void test_skipped_and_no_changes(void **state)
{
	struct plan *p = plan_new();

	(void)state;
	course(p, NY);
	course(p, DENVER);
	plan_add_skip(p, "Pages", "4821", RES_PAGE, "12", "Home", "published",
		      "the front page cannot be unpublished");
	plan_add_skip(p, "Modules", "4821", RES_MODULE, "7", NULL, NULL,
		      "locked by the Blueprint course (content)");
	plan_finish(p);
	expect_text(p, 0,
		"Course 4821  PHYS 101 -- Physics I (Mon/Wed)   America/New_York\n"
		"\n"
		"  skipped: page 12 \"Home\" published: the front page cannot be unpublished  [Pages]\n"
		"  skipped: module 7: locked by the Blueprint course (content)  [Modules]\n"
		"\n"
		"Course 4822  PHYS 101L -- Physics I Lab   America/Denver\n"
		"  no changes\n"
		"\n"
		"Plan: no changes (2 skipped).\n");
	plan_free(p);
}

static void test_summary_plurals(void **state)
{
	struct plan *p = plan_new();
	char *s;

	(void)state;
	s = summary(p);
	assert_string_equal(s, "Plan: no changes.");
	free(s);
	s = text(p, 0);
	assert_string_equal(s, "Plan: no changes.\n");
	free(s);
	plan_free(p);

	p = plan_new();
	course(p, NY);
	add(p, "S", "4821", RES_PAGE, "1", NULL, "A", PLAN_UPDATE, "published", "false", "true", NULL);
	plan_finish(p);
	s = summary(p);
	assert_string_equal(s, "Plan: 1 change to 1 object in 1 course.");
	free(s);
	plan_free(p);

	p = plan_new();
	course(p, NY);
	add(p, "S", "4821", RES_PAGE, "1", NULL, "A", PLAN_UPDATE, "published", "false", "true", NULL);
	add(p, "S", "4821", RES_PAGE, "1", NULL, "A", PLAN_UPDATE, "title", "\"A\"", "\"B\"", NULL);
	plan_add_skip(p, "S", "4821", RES_PAGE, "2", "B", "published", "the front page cannot be unpublished");
	plan_finish(p);
	s = summary(p);
	assert_string_equal(s, "Plan: 2 changes to 1 object in 1 course (1 skipped).");
	free(s);
	plan_free(p);

	p = plan_new();
	course(p, NY);
	course(p, DENVER);
	add(p, "S", "4821", RES_PAGE, "1", NULL, "A", PLAN_UPDATE, "published", "false", "true", NULL);
	add(p, "S", "4821", RES_PAGE, "2", NULL, "B", PLAN_UPDATE, "published", "false", "true", NULL);
	add(p, "S", "4822", RES_PAGE, "1", NULL, "A", PLAN_UPDATE, "published", "false", "true", NULL);
	plan_add_skip(p, "S", "4821", RES_PAGE, "3", "C", "published", "x");
	plan_add_skip(p, "S", "4822", RES_PAGE, "3", "C", "published", "x");
	plan_finish(p);
	s = summary(p);
	assert_string_equal(s, "Plan: 3 changes to 3 objects in 2 courses (2 skipped).");
	free(s);
	plan_free(p);
}

static void test_steps(void **state)
{
	struct plan *p = plan_new();
	struct plan_change *c;

	(void)state;
	course(p, NY);
	c = add(p, "Rename", "4821", RES_PAGE, "73", NULL, "Syllabus", PLAN_UPDATE, "title", "\"Syllabus\"",
		"\"2026: Course syllabus\"", NULL);
	plan_change_add_step(c, "Prefix the year");
	add(p, "Rename", "4821", RES_PAGE, "73", NULL, "Syllabus", PLAN_UPDATE, "published", "false", "true", NULL);
	/* one change, two steps: on its own line, not on the object's */
	c = add(p, "Rename", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab 1", PLAN_UPDATE, "name", "\"Lab 1\"",
		"\"Lab 1 (2026)\"", "1 match");
	plan_change_add_step(c, "Prefix the year");
	/* two changes by two different single steps */
	add(p, "Rename", "4821", RES_MODULE, "12", NULL, "Week 1", PLAN_UPDATE, "name", "\"Week 1\"", "\"Week 01\"",
	    NULL);
	add(p, "Publish", "4821", RES_MODULE, "12", NULL, "Week 1", PLAN_UPDATE, "published", "false", "true",
	    NULL);
	plan_finish(p);
	expect_text(p, 0,
		"Course 4821  PHYS 101 -- Physics I (Mon/Wed)   America/New_York\n"
		"\n"
		"  ~ page 73 \"Syllabus\"\n"
		"      title  [Rename, Prefix the year]  \"Syllabus\" " TO " \"2026: Course syllabus\"\n"
		"      published  [Rename]  false " TO " true\n"
		"  ~ assignment 90211 \"Lab 1\"\n"
		"      name  1 match  [Rename, Prefix the year]  \"Lab 1\" " TO " \"Lab 1 (2026)\"\n"
		"  ~ module 12 \"Week 1\"\n"
		"      name  [Rename]  \"Week 1\" " TO " \"Week 01\"\n"
		"      published  [Publish]  false " TO " true\n"
		"\n"
		"Plan: 5 changes to 3 objects in 1 course.\n");
	plan_free(p);
}

static void test_color(void **state)
{
	struct plan *p = plan_new();
	char *plain;

	(void)state;
	course(p, NY);
	add(p, "S", "4821", RES_PAGE, "73", NULL, "Syllabus", PLAN_UPDATE, "published", "false", "true", NULL);
	add_str(p, "S", "4821", RES_PAGE, "73", "Syllabus", "body", "<p>Spring 2025</p>", "<p>Spring 2026</p>")
		->note = xstrdup("1 match");
	add(p, "S", "4821", RES_MODULE, "new:1", NULL, "Start Here", PLAN_CREATE, NULL, NULL,
	    "{\"id\": \"new:1\", \"name\": \"Start Here\", \"position\": 1}", NULL);
	add(p, "S", "4821", RES_MODULE, "9", NULL, "Sandbox", PLAN_DELETE, NULL, "{\"id\": 9}", NULL, NULL);
	plan_add_skip(p, "S", "4821", RES_PAGE, "12", "Home", "published", "the front page cannot be unpublished");
	plan_finish(p);
	expect_text(p, 1,
		B "Course 4821  PHYS 101 -- Physics I (Mon/Wed)" N "   America/New_York\n"
		"\n"
		"  " Y "~" N " " B "page 73 \"Syllabus\"" N "  " D "[S]" N "\n"
		"      published  " R "false" N " " TO " " G "true" N "\n"
		"      body  " D "1 match" N "\n"
		"        <p>Spring " R "[-2025-]" N G "{+2026+}" N "</p>\n"
		"  " G "+" N " " B "module new:1 \"Start Here\"" N "  " D "[S]" N "\n"
		"      name " G "\"Start Here\"" N ", position " G "1" N "\n"
		"  " R "-" N " " B "module 9 \"Sandbox\"" N "  " D "[S]" N "\n"
		"\n"
		"  " Y "skipped:" N " page 12 \"Home\" published: the front page cannot be unpublished"
		"  " D "[S]" N "\n"
		"\n"
		"Plan: 4 changes to 3 objects in 1 course (1 skipped).\n");
	plain = text(p, 0);
	assert_null(strchr(plain, '\x1b'));
	check_clean(plain, 0);
	free(plain);
	plan_free(p);
}

/* ---------------------------------------------------------------- hostile data */

static void test_hostile_names(void **state)
{
	struct plan *p = plan_new();
	cJSON *crs = cJSON_CreateObject();
	struct plan_change *c;
	char *got;

	(void)state;
	cJSON_AddNumberToObject(crs, "id", 4821);
	cJSON_AddStringToObject(crs, "name", "Evil\x1b]0;pwned\x07 course\xc2\x9b" "2J");
	cJSON_AddStringToObject(crs, "course_code", "\xe2\x80\xae" "101 SYHP");
	cJSON_AddStringToObject(crs, "time_zone", "America/New_York\r");
	plan_add_course(p, crs, NULL);
	cJSON_Delete(crs);
	add_str(p, "S\x1b[2J", "4821", RES_PAGE, "73", "Syll\x1b[31mabus\xe2\x80\xae" "gnp.exe", "title",
		"Syll\x1b[31mabus\xe2\x80\xae" "gnp.exe", "Syllabus \xff\xfe\x7f\r");
	c = add_str(p, "S\x1b[2J", "4821", RES_PAGE, "73", "ignored", "body",
		    "<p>Hi \x1b[1mthere\x1b[m</p>", "<p>Hi \xe2\x81\xa6there\xc2\x85</p>\x01");
	c->note = xstrdup("1 match \x1b[5m");
	add(p, "S\x1b[2J", "4821", RES_PAGE, "74", NULL, "arr", PLAN_UPDATE, "editing_roles",
	    "[\"a\\u001b[31m\"]", "{\"k\\u0007\": \"\\u009b\\u202e\"}", NULL);
	add(p, "S\x1b[2J", "4821", RES_PAGE, "new:1", NULL, "New\x1b[8m", PLAN_CREATE, NULL, NULL,
	    "{\"title\": \"x\\u001b]8;;\\u0007y\", \"body\": \"\\u001b\", \"we\\u001bird\": \"\\n\\r\\t\"}", NULL);
	plan_add_skip(p, "S\x1b[2J", "4821", RES_PAGE, "9\x1b", "N\x1b[1m", "f\x1b", "reason\x1b[0m\r\n");
	plan_finish(p);
	got = text(p, 0);
	/* the exact shape of the neutralised names */
	assert_non_null(strstr(got, "Course 4821  \\u202e101 SYHP -- Evil\\x1b]0;pwned\\x07 course\\u009b2J"
				    "   America/New_York\\r\n"));
	assert_non_null(strstr(got, "  ~ page 73 \"Syll\\x1b[31mabus\\u202egnp.exe\"  [S\\x1b[2J]\n"
				    "      title  \"Syll\\x1b[31mabus\\u202egnp.exe\" " TO
				    " \"Syllabus \\xff\\xfe\\x7f\\r\"\n"));
	assert_non_null(strstr(got, "      body  1 match \\x1b[5m\n"
				    "        <p>Hi [-\\x1b[1mthere\\x1b[m-]"
				    "{+\\u2066there\\u0085+}</p>{+\\x01+}\n"));
	assert_non_null(strstr(got, "      editing_roles  [\"a\\u001b[31m\"] " TO
				    " {\"k\\u0007\":\"\\u009b\\u202e\"}\n"));
	assert_non_null(strstr(got, "  + page new:1 \"New\\x1b[8m\"  [S\\x1b[2J]\n"
				    "      title \"x\\x1b]8;;\\x07y\", body (1 byte), we\\x1bird \"\\n\\r\t\"\n"));
	assert_non_null(strstr(got, "  skipped: page 9\\x1b \"N\\x1b[1m\" f\\x1b: reason\\x1b[0m\\r\\n"
				    "  [S\\x1b[2J]\n"));
	check_clean(got, 0);
	free(got);
	got = text(p, 1);
	check_clean(got, 1);
	free(got);
	got = html(p);
	check_clean(got, 0);
	assert_non_null(strstr(got, "Syll\\x1b[31mabus\\u202egnp.exe"));
	free(got);
	plan_free(p);
}

static void test_put_safe(void **state)
{
	struct buf out = BUF_INIT;
	static const char in[] = "a\x1b[31mb\xe2\x80\xae" "c\xff\r\x7f\xc2\x9b\n\tz\0y";

	(void)state;
	render_put_safe(&out, in, sizeof(in) - 1);
	assert_string_equal(buf_str(&out), "a\\x1b[31mb\\u202ec\\xff\\r\\x7f\\u009b\n\tz\\x00y");
	buf_release(&out);
}

/* ---------------------------------------------------------------- grouping */

static void test_unordered_and_unknown_courses(void **state)
{
	struct plan *p = plan_new();
	size_t i;

	(void)state;
	course(p, NY);
	course(p, DENVER);
	add(p, "S", "4822", RES_PAGE, "1", NULL, "L1", PLAN_UPDATE, "published", "false", "true", NULL);
	add(p, "S", "4821", RES_PAGE, "1", NULL, "P1", PLAN_UPDATE, "published", "false", "true", NULL);
	add(p, "S", "4821", RES_PAGE, "1", NULL, "P1", PLAN_UPDATE, "title", "\"P1\"", "\"P one\"", NULL);
	add(p, "S", "9999", RES_PAGE, "5", NULL, "X", PLAN_UPDATE, "published", "true", "false", NULL);
	plan_add_skip(p, "S", "9999", RES_PAGE, "6", "Y", NULL, "gone");
	plan_finish(p);
	/* a plan file read back need not be in order: reverse it */
	for (i = 0; i < p->nchanges / 2; i++) {
		struct plan_change tmp = p->changes[i];

		p->changes[i] = p->changes[p->nchanges - 1 - i];
		p->changes[p->nchanges - 1 - i] = tmp;
	}
	expect_text(p, 0,
		"Course 4821  PHYS 101 -- Physics I (Mon/Wed)   America/New_York\n"
		"\n"
		"  ~ page 1 \"P1\"  [S]\n"
		"      title  \"P1\" " TO " \"P one\"\n"
		"      published  false " TO " true\n"
		"\n"
		"Course 4822  PHYS 101L -- Physics I Lab   America/Denver\n"
		"\n"
		"  ~ page 1 \"L1\"  [S]\n"
		"      published  false " TO " true\n"
		"\n"
		"Course 9999   (no time zone: dates in UTC)\n"
		"\n"
		"  ~ page 5 \"X\"  [S]\n"
		"      published  true " TO " false\n"
		"\n"
		"  skipped: page 6 \"Y\": gone  [S]\n"
		"\n"
		"Plan: 4 changes to 3 objects in 3 courses (1 skipped).\n");
	plan_free(p);
}

/* 10,000 objects with bodies: grouping and rendering stay linear (no timing asserted; a quadratic
 * renderer shows up as a test that takes minutes). */
static void test_many_objects(void **state)
{
	struct plan *p = plan_new();
	struct buf a = BUF_INIT, b = BUF_INIT;
	char id[32], *got;
	size_t i;

	(void)state;
	course(p, NY);
	course(p, LA);
	for (i = 0; i < 50; i++)
		buf_puts(&a, "<p>Some words of a long body. </p>");
	buf_puts(&b, a.ptr);
	buf_puts(&b, "<p>One more.</p>");
	for (i = 0; i < 10000; i++) {
		snprintf(id, sizeof(id), "%zu", i);
		add_str(p, "S", i % 2 ? "4821" : "5000", RES_PAGE, id, "P", "body", a.ptr, b.ptr);
	}
	plan_finish(p);
	got = text(p, 0);
	assert_non_null(strstr(got, "Plan: 10000 changes to 10000 objects in 2 courses.\n"));
	assert_non_null(strstr(got, "        " ELL "body. </p>{+<p>One more.</p>+}\n"));
	free(got);
	/* full texts while the page has room (4 MiB of them), then only the diffs */
	got = html(p);
	assert_true(strlen(got) > 10000 * 100 && strlen(got) < 12u << 20);
	assert_non_null(strstr(got, "<details><summary>Full texts (1700 &#8594; 1716 bytes)</summary>"));
	assert_non_null(strstr(got, "1700 &#8594; 1716 bytes; the full texts are in the JSON plan"));
	check_nesting(got);
	free(got);
	buf_release(&a);
	buf_release(&b);
	plan_free(p);
}

/* ---------------------------------------------------------------- HTML */

static void test_html_document(void **state)
{
	struct plan *p = plan_new();
	cJSON *crs = cJSON_CreateObject();
	char *got;

	(void)state;
	cJSON_AddNumberToObject(crs, "id", 4821);
	cJSON_AddStringToObject(crs, "name", "<b>x</b>");
	cJSON_AddStringToObject(crs, "time_zone", "America/New_York");
	plan_add_course(p, crs, NULL);
	cJSON_Delete(crs);
	course(p, DENVER);
	p->recipe_path = xstrdup("<script>alert(1)</script>.yaml");
	add_str(p, "Fix 'quotes' & <tags>", "4821", RES_PAGE, "73", "Tom's \"page\"", "body",
		"<p class=\"x\">Tom's & Jerry's</p>", "<p class=\"y\">Tom's &amp; Jerry's</p>")
		->note = xstrdup("<i>2</i> matches");
	add(p, "Fix", "4821", RES_ASSIGNMENT, "90211", NULL, "Lab <1>", PLAN_UPDATE, "due_at",
	    "\"2025-10-18T03:59:59Z\"", "\"2026-03-07T04:59:59Z\"", NULL);
	add(p, "Fix", "4821", RES_PAGE, "new:1", NULL, "New & shiny", PLAN_CREATE, NULL, NULL,
	    "{\"id\": \"new:1\", \"title\": \"New & shiny\", \"body\": \"<h1>Hello</h1>\"}", NULL);
	add(p, "Fix", "4821", RES_MODULE, "9", NULL, "Old", PLAN_DELETE, NULL, "{\"id\": 9}", NULL, NULL);
	plan_add_skip(p, "Fix", "4821", RES_PAGE, "12", "<Home>", "published", "can't unpublish \"front\" page");
	plan_finish(p);
	got = html(p);
	assert_true(!strncmp(got, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", 61));
	assert_true(strlen(got) > 8 && !strcmp(got + strlen(got) - 8, "</html>\n"));
	assert_non_null(strstr(got, "<title>coursectl plan: &lt;script&gt;alert(1)&lt;/script&gt;.yaml</title>"));
	assert_non_null(strstr(got, "<h2>Course 4821 &#8212; &lt;b&gt;x&lt;/b&gt; <span class=\"tz\">"
				    "America/New_York</span></h2>"));
	assert_non_null(strstr(got, "<h2>Course 4822 &#8212; PHYS 101L &#8212; Physics I Lab <span class=\"tz\">"
				    "America/Denver</span></h2>\n<p class=\"dim\">No changes.</p>"));
	/* the body diff: escaped, with <del>/<ins>, and both full texts */
	assert_non_null(strstr(got, "<div class=\"diff\"><del>&lt;p class=&quot;x&quot;&gt;</del>"
				    "<ins>&lt;p class=&quot;y&quot;&gt;</ins>Tom&#39;s <del>&amp;</del>"
				    "<ins>&amp;amp;</ins> Jerry&#39;s&lt;/p&gt;</div>"));
	assert_non_null(strstr(got, "<pre class=\"before\">&lt;p class=&quot;x&quot;&gt;Tom&#39;s &amp; "
				    "Jerry&#39;s&lt;/p&gt;</pre>"));
	assert_non_null(strstr(got, "<span class=\"name\">Tom&#39;s &quot;page&quot;</span>"));
	assert_non_null(strstr(got, "<td class=\"steps\">Fix &#39;quotes&#39; &amp; &lt;tags&gt;</td>"
				    "<td class=\"note\">&lt;i&gt;2&lt;/i&gt; matches</td>"));
	assert_non_null(strstr(got, "<td class=\"val before\"><span class=\"loc\">Fri 2025-10-17 23:59:59 EDT</span>"
				    "<br><span class=\"utc\">2025-10-18T03:59:59Z</span></td><td class=\"val after\">"
				    "<span class=\"loc\">Fri 2026-03-06 23:59:59 EST</span><br>"
				    "<span class=\"utc\">2026-03-07T04:59:59Z</span></td>"));
	assert_non_null(strstr(got, "<li><code>title</code> &quot;New &amp; shiny&quot;</li>"
				    "<li><code>body</code> (14 bytes)<details><summary>text</summary>"
				    "<pre>&lt;h1&gt;Hello&lt;/h1&gt;</pre></details></li>"));
	assert_non_null(strstr(got, "<span class=\"op op-delete\">-</span>module 9"));
	assert_non_null(strstr(got, "<td class=\"obj\">page 12<br><span class=\"name\">&lt;Home&gt;</span></td>"
				    "<td class=\"field\"><code>published</code></td>"
				    "<td>can&#39;t unpublish &quot;front&quot; page</td>"));
	assert_non_null(strstr(got, "<p class=\"summary\">"
				    "Plan: 4 changes to 4 objects in 1 course (1 skipped).</p>"));
	/* self-contained: no script, nothing fetched, no URL at all */
	assert_null(strstr(got, "<script"));
	assert_null(strstr(got, "<b>"));
	assert_null(strstr(got, "src="));
	assert_null(strstr(got, "href="));
	assert_null(strstr(got, "url("));
	assert_null(strstr(got, "@import"));
	assert_null(strstr(got, "http"));
	check_nesting(got);
	check_clean(got, 0);
	free(got);

	/* the Canvas URL is shown as text, never referenced */
	p->base_url = xstrdup("https://canvas.example.edu");
	got = html(p);
	assert_non_null(strstr(got, "<dt>Canvas</dt><dd>https://canvas.example.edu</dd>"));
	assert_null(strstr(got, "src="));
	assert_null(strstr(got, "href="));
	check_nesting(got);
	free(got);
	plan_free(p);
}

static void test_html_large_body(void **state)
{
	struct plan *p = plan_new();
	struct buf a = BUF_INIT, b = BUF_INIT;
	char *got;
	size_t i;

	(void)state;
	course(p, NY);
	for (i = 0; i < 5000; i++) {
		buf_printf(&a, "<p>Paragraph %zu of the body.</p>", i);
		buf_printf(&b, "<p>Paragraph %zu of the %s.</p>", i, i % 1000 == 500 ? "text" : "body");
	}
	add_str(p, "S", "4821", RES_PAGE, "73", "Big", "body", a.ptr, b.ptr);
	plan_finish(p);
	got = html(p);
	/* unchanged runs are cut to their ends, the full texts are left to the JSON plan */
	assert_non_null(strstr(got, "Paragraph 500 of the <del>body</del><ins>text</ins>.&lt;/p&gt;"));
	assert_non_null(strstr(got, " " ELL " "));
	assert_null(strstr(got, "Paragraph 2000 of"));
	assert_non_null(strstr(got, "the full texts are in the JSON plan"));
	assert_null(strstr(got, "<details>"));
	assert_true(strlen(got) < 30000);
	check_nesting(got);
	free(got);
	buf_release(&a);
	buf_release(&b);
	plan_free(p);
}

/* ---------------------------------------------------------------- HTML: the calendar */

/* The part of page from `from` up to (not including) `to` after it, or to the end; malloced. */
static char *slice(const char *page, const char *from, const char *to)
{
	const char *a = strstr(page, from), *b;

	if (!a)
		fail_msg("'%s' is not in the page", from);
	b = to ? strstr(a + strlen(from), to) : NULL;
	return b ? xasprintf("%.*s", (int)(b - a), a) : xstrdup(a);
}

/* The course's section ("<h2>Course ID" up to the next course). */
static char *section(const char *page, const char *id)
{
	char *h2 = xasprintf("<h2>Course %s", id), *s = slice(page, h2, "<section class=\"course\">");

	free(h2);
	return s;
}

/* The <td> of a day in part of a page: from "<td" to its "</td>"; malloced. */
static char *day_cell(const char *part, const char *day)
{
	char *key = xasprintf("data-day=\"%s\"", day), *s;
	const char *at = strstr(part, key), *a, *b;

	if (!at)
		fail_msg("no cell for %s", day);
	for (a = at; a > part && strncmp(a, "<td", 3); a--)
		;
	b = strstr(at, "</td>");
	assert_non_null(b);
	s = xasprintf("%.*s", (int)(b + 5 - a), a);
	free(key);
	return s;
}

/* The <tr ...> start tag of week `week` in the grid of `month` ("2026-03"); malloced. */
static char *week_row(const char *part, const char *month, const char *week)
{
	char *m = xasprintf("data-month=\"%s\"", month), *w = xasprintf("<tr data-week=\"%s\"", week);
	char *grid = slice(part, m, "</table>"), *row = slice(grid, w, ">");

	free(m);
	free(w);
	free(grid);
	return row;
}

static void expect_in(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected\n  %s\nin\n  %s", needle, hay);
}

static struct plan_change *due(struct plan *p, const char *cid, const char *id, const char *name, const char *before,
			       const char *after)
{
	return plan_add(p, "Shift", cid, RES_ASSIGNMENT, id, NULL, name, PLAN_UPDATE, "due_at",
			before ? cJSON_CreateString(before) : cJSON_CreateNull(),
			after ? cJSON_CreateString(after) : cJSON_CreateNull());
}

static void test_calendar_local_day_across_dst(void **state)
{
	static const char SYD[] = "{\"id\": 7000, \"name\": \"Sydney\", \"time_zone\": \"Australia/Sydney\"}";
	struct plan *p = plan_new();
	char *got, *ny, *syd, *utc, *cell;

	(void)state;
	course(p, NY);
	course(p, SYD);
	course(p, NOZONE);
	/* Fri 23:59:59 EST -> Fri 23:59:59 EDT: a Saturday in UTC, a Friday on the calendar */
	due(p, "4821", "1", "PS 2", "2025-11-08T04:59:59Z", "2026-04-04T03:59:59Z");
	/* the spring-forward day itself (03:30 EDT, Sun 03-08), and either side of local midnight after it */
	due(p, "4821", "2", "Gap day", "2025-10-12T07:30:00Z", "2026-03-08T07:30:00Z");
	due(p, "4821", "3", "Sun night", "2025-10-13T03:59:59Z", "2026-03-09T03:59:59Z");
	due(p, "4821", "4", "Mon morning", NULL, "2026-03-09T04:00:00Z");
	/* southern hemisphere, the night DST ends (Sun 2026-04-05 03:00 AEDT -> 02:00 AEST) */
	due(p, "7000", "5", "Late", "2025-10-02T13:30:00Z", "2026-04-04T13:30:00Z");   /* 00:30 AEDT, was a Thu */
	due(p, "7000", "6", "Later", "2025-10-04T16:30:00Z", "2026-04-04T16:30:00Z");  /* 02:30 AEST */
	/* no zone: UTC days */
	due(p, "6000", "7", "Zoneless", "2025-10-17T03:59:59Z", "2026-03-14T03:59:59Z");   /* was a Friday */
	plan_finish(p);
	got = html(p);
	ny = section(got, "4821");
	syd = section(got, "7000");
	utc = section(got, "6000");

	cell = day_cell(ny, "2026-04-03");
	expect_in(cell, "<td class=\"day\" data-day=\"2026-04-03\" data-count=\"1\">");
	expect_in(cell, "title=\"assignment 1 \xe2\x80\x9cPS 2\xe2\x80\x9d, due_at\nwas Fri 2025-11-07 23:59:59 EST\n"
			"now Fri 2026-04-03 23:59:59 EDT\"><span class=\"cn\">PS 2</span> <span class=\"cf\">due</span>");
	free(cell);
	cell = day_cell(ny, "2026-04-04");
	expect_in(cell, "data-count=\"0\"");
	assert_null(strstr(cell, "chip"));
	free(cell);
	cell = day_cell(ny, "2026-03-08");
	/* both were on a Sunday already: a weekend day, but no warning */
	expect_in(cell, "<td class=\"day we\" data-day=\"2026-03-08\" data-count=\"2\">");
	expect_in(cell, "now Sun 2026-03-08 03:30 EDT");
	expect_in(cell, "now Sun 2026-03-08 23:59:59 EDT");
	/* in time order within the day */
	assert_true(strstr(cell, "Gap day") < strstr(cell, "Sun night"));
	free(cell);
	cell = day_cell(ny, "2026-03-09");
	expect_in(cell, "data-count=\"1\"");
	expect_in(cell, "was not set\nnow Mon 2026-03-09 00:00 EDT\">");
	free(cell);
	/* March and April, whole months: March from Mon 02-23, April up to Sun 05-03 */
	expect_in(ny, "<table class=\"month\" data-month=\"2026-03\">\n<caption>March 2026</caption>");
	expect_in(ny, "<tr data-week=\"2026-02-23\" data-count=\"0\"><td class=\"out\"></td>");
	expect_in(ny, "<tr data-week=\"2026-04-27\" data-count=\"0\">");
	assert_null(strstr(ny, "data-month=\"2026-05\""));
	assert_null(strstr(ny, "data-month=\"2026-02\""));
	expect_in(ny, "data-items=\"4\" data-weekend=\"0\" data-blackout=\"0\">4 dated items on their new day in "
		      "America/New_York: 0 items move onto a weekend (from a weekday), 0 land in a blackout.</p>");

	cell = day_cell(syd, "2026-04-05");
	expect_in(cell, "data-count=\"2\"");
	expect_in(cell, "now Sun 2026-04-05 00:30 AEDT");
	expect_in(cell, "now Sun 2026-04-05 02:30 AEST");
	expect_in(cell, "<span class=\"flag\" title=\"1 item moved onto a Sunday\">");   /* Late; Later was on a Sun */
	free(cell);
	cell = day_cell(syd, "2026-04-04");
	expect_in(cell, "data-count=\"0\"");
	free(cell);

	cell = day_cell(utc, "2026-03-14");
	expect_in(cell, "data-count=\"1\"");
	expect_in(cell, "now Sat 2026-03-14 03:59:59 UTC");
	free(cell);
	expect_in(utc, "1 dated item on their new day in UTC (the course has no time zone coursectl knows): "
		       "1 item moves onto a weekend (from a weekday), 0 land in a blackout.");
	/* the header adds the courses up */
	expect_in(got, "<p class=\"calsum bad\" id=\"calendar-summary\" data-items=\"7\" data-weekend=\"2\" "
		       "data-blackout=\"0\">&#9888; 2 items move onto a weekend (from a weekday), 0 land in a "
		       "blackout.</p>");
	check_nesting(got);
	check_clean(got, 0);
	free(ny);
	free(syd);
	free(utc);
	free(got);
	plan_free(p);
}

static void test_calendar_weekend_and_blackout(void **state)
{
	static const struct {
		const char *month, *week;
		int count;
	} weeks[] = {
		{ "2026-03", "2026-03-09", 2 }, { "2026-03", "2026-03-16", 2 }, { "2026-03", "2026-03-23", 1 },
		{ "2026-03", "2026-03-30", 0 }, { "2026-04", "2026-03-30", 1 }, { "2026-04", "2026-04-06", 0 },
	};
	struct plan *p = plan_new();
	char *got, *ny, *den, *cell, *row;
	size_t i;

	(void)state;
	course(p, NY);
	course(p, DENVER);
	plan_add_blackout(p, "Spring <break>", NULL, "2026-03-16", "2026-03-20");
	plan_add_blackout(p, "Extra", NULL, "2026-03-19", "2026-03-22");      /* overlaps: one run 16..22 */
	plan_add_blackout(p, "Lab closed", "4822", "2026-03-09", "2026-03-09");  /* the other course's */
	due(p, "4821", "1", "Fri", "2025-10-18T03:59:59Z", "2026-03-14T03:59:59Z");   /* Fri 23:59:59 EDT */
	due(p, "4821", "2", "Mon", "2025-10-13T16:00:00Z", "2026-03-09T16:00:00Z");
	due(p, "4821", "3", "In the break", "2025-10-22T16:00:00Z", "2026-03-18T16:00:00Z");
	due(p, "4821", "4", "Sat in the break", "2025-10-25T16:00:00Z", "2026-03-21T16:00:00Z");
	due(p, "4821", "4b", "Sat to Sat", "2025-10-11T16:00:00Z", "2026-03-07T16:00:00Z");  /* not counted */
	due(p, "4821", "5", "Sunday", "2025-10-31T16:00:00Z", "2026-03-29T16:00:00Z");    /* a Fri before */
	due(p, "4821", "6", "April fool", "2025-11-05T16:00:00Z", "2026-04-01T16:00:00Z");
	due(p, "4822", "7", "Lab", "2025-10-13T18:00:00Z", "2026-03-09T18:00:00Z");
	plan_finish(p);
	got = html(p);
	ny = section(got, "4821");
	den = section(got, "4822");

	/* a weekend item that was on a weekend before (4, 4b) is not counted: only 5 moves onto one */
	expect_in(got, "<p class=\"calsum bad\" id=\"calendar-summary\" data-items=\"8\" data-weekend=\"1\" "
		       "data-blackout=\"3\">&#9888; 1 item moves onto a weekend (from a weekday), 3 land in a "
		       "blackout.</p>");
	expect_in(ny, "data-items=\"7\" data-weekend=\"1\" data-blackout=\"2\">");
	expect_in(ny, "<p class=\"blackouts\">Blackouts: <span>Mon 2026-03-16 &#8211; Fri 2026-03-20 "
		      "(Spring &lt;break&gt;)</span>; <span>Thu 2026-03-19 &#8211; Sun 2026-03-22 (Extra)</span></p>");
	expect_in(den, "data-items=\"1\" data-weekend=\"0\" data-blackout=\"1\">1 dated item on their new day in "
		       "America/Denver: 0 items move onto a weekend (from a weekday), 1 lands in a blackout.</p>");
	/* the course-less blackouts apply to every course, a course's own only to it */
	expect_in(den, "Blackouts: <span>Mon 2026-03-09 &#8211; Mon 2026-03-09 (Lab closed)</span>; "
		       "<span>Mon 2026-03-16 &#8211; Fri 2026-03-20 (Spring &lt;break&gt;)</span>; "
		       "<span>Thu 2026-03-19 &#8211; Sun 2026-03-22 (Extra)</span></p>");
	assert_null(strstr(ny, "Lab closed"));

	cell = day_cell(ny, "2026-03-13");                 /* a Friday: no flag */
	expect_in(cell, "<td class=\"day\" data-day=\"2026-03-13\" data-count=\"1\"><div class=\"dh\"><span "
			"class=\"dn\">13</span></div><ul class=\"chips\"><li class=\"chip k-assignment\" ");
	free(cell);
	cell = day_cell(ny, "2026-03-14");                 /* a Saturday without items: tinted, no warning */
	expect_in(cell, "<td class=\"day we\" data-day=\"2026-03-14\" data-count=\"0\"><div class=\"dh\"><span "
			"class=\"dn\">14</span></div></td>");
	free(cell);
	cell = day_cell(ny, "2026-03-09");                 /* the other course's blackout is not this one's */
	expect_in(cell, "<td class=\"day\" data-day=\"2026-03-09\" data-count=\"1\">");
	free(cell);
	cell = day_cell(ny, "2026-03-17");                 /* blackout, no items */
	expect_in(cell, "<td class=\"day bo\" data-day=\"2026-03-17\" data-count=\"0\" "
			"title=\"blackout: Spring &lt;break&gt;\"><div class=\"dh\"><span class=\"dn\">17</span></div></td>");
	free(cell);
	cell = day_cell(ny, "2026-03-18");
	expect_in(cell, "<td class=\"day bo warn\" data-day=\"2026-03-18\" data-count=\"1\" title=\"blackout: "
			"Spring &lt;break&gt;\"><div class=\"dh\"><span class=\"dn\">18</span><span class=\"flag\" "
			"title=\"1 item in a blackout\">&#9888;</span></div>");
	expect_in(cell, "<li class=\"chip k-assignment warn\" data-kind=\"assignment\" title=\"assignment 3 ");
	expect_in(cell, "now Wed 2026-03-18 12:00 EDT\nin a blackout\">");
	free(cell);
	cell = day_cell(ny, "2026-03-19");                 /* in both: both named */
	expect_in(cell, "title=\"blackout: Spring &lt;break&gt;, Extra\">");
	free(cell);
	cell = day_cell(ny, "2026-03-21");                 /* Extra's alone */
	expect_in(cell, "<td class=\"day we bo warn\" data-day=\"2026-03-21\" data-count=\"1\" "
			"title=\"blackout: Extra\">");
	/* it was on a Saturday before: flagged for the blackout only */
	expect_in(cell, "<span class=\"flag\" title=\"1 item in a blackout\">&#9888;</span>");
	expect_in(cell, "now Sat 2026-03-21 12:00 EDT\nin a blackout\">");
	free(cell);
	cell = day_cell(ny, "2026-03-07");                 /* Saturday to Saturday: no warning */
	expect_in(cell, "<td class=\"day we\" data-day=\"2026-03-07\" data-count=\"1\">");
	assert_null(strstr(cell, "warn"));
	free(cell);
	cell = day_cell(ny, "2026-03-23");
	expect_in(cell, "<td class=\"day\" data-day=\"2026-03-23\"");
	free(cell);
	cell = day_cell(ny, "2026-03-29");
	expect_in(cell, "<td class=\"day we warn\" data-day=\"2026-03-29\" data-count=\"1\"");
	expect_in(cell, "title=\"1 item moved onto a Sunday\"");
	free(cell);
	cell = day_cell(den, "2026-03-09");
	expect_in(cell, "<td class=\"day bo warn\" data-day=\"2026-03-09\" data-count=\"1\" title=\"blackout: Lab "
			"closed\">");
	free(cell);

	/* week rows: their Monday and their items in this month's grid; the week of 03-30 is in both
	 * grids, each with its own days */
	for (i = 0; i < sizeof(weeks) / sizeof(weeks[0]); i++) {
		char *want = xasprintf("<tr data-week=\"%s\" data-count=\"%d\"", weeks[i].week, weeks[i].count);

		row = week_row(ny, weeks[i].month, weeks[i].week);
		assert_string_equal(row, want);
		free(row);
		free(want);
	}
	/* the legend: the kinds present, then the shadings */
	expect_in(ny, "<p class=\"legend\"><span class=\"chip k-assignment\">assignment</span><span class=\"sw we\">"
		      "</span>weekend<span class=\"sw bo\"></span>blackout<span class=\"flag\">&#9888;</span>");
	check_nesting(got);
	free(ny);
	free(den);
	free(got);
	plan_free(p);
}

static void test_calendar_escaping(void **state)
{
	struct plan *p = plan_new();
	cJSON *crs = cJSON_Parse("{\"id\": 4821, \"name\": \"<b>x</b>\", \"time_zone\": \"America/New_York\"}");
	char *got, *cell;

	(void)state;
	plan_add_course(p, crs, NULL);
	cJSON_Delete(crs);
	plan_add_blackout(p, "\"Break\" <i>&</i>", NULL, "2026-03-16", "2026-03-16");
	due(p, "4821", "1", "<script>alert(\"x\")</script> & 'y'", "2025-10-20T16:00:00Z", "2026-03-16T16:00:00Z");
	plan_add(p, "Shift", "4821", RES_ASSIGNMENT_OVERRIDE, "77", "90211", "Section \x1b[31m2\xe2\x80\xae",
		 PLAN_UPDATE, "unlock_at", cJSON_CreateString("2025-10-13T04:00:00Z"),
		 cJSON_CreateString("2026-03-16T04:00:00Z"));
	plan_add(p, "Shift", "4821", RES_QUIZ, "5", NULL, "Q", PLAN_UPDATE, "show_correct_answers_at",
		 cJSON_CreateString("2025-10-13T05:00:00Z"), cJSON_CreateString("2026-03-16T05:00:00Z"));
	plan_finish(p);
	got = html(p);
	cell = day_cell(got, "2026-03-16");
	expect_in(cell, "title=\"blackout: &quot;Break&quot; &lt;i&gt;&amp;&lt;/i&gt;\"");
	expect_in(cell, "<span class=\"cn\">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</span> "
			"<span class=\"cf\">due</span>");
	expect_in(cell, "title=\"assignment 1 \xe2\x80\x9c&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
			"&#39;y&#39;\xe2\x80\x9d, due_at\n");
	/* an override: its kind colour, its assignment in the hover, control characters neutralised */
	expect_in(cell, "<li class=\"chip k-assignment_override warn\" data-kind=\"assignment_override\" "
			"title=\"assignment override 77 \xe2\x80\x9cSection \\x1b[31m2\\u202e\xe2\x80\x9d (in assignment "
			"90211), unlock_at\nwas Mon 2025-10-13 00:00 EDT\nnow Mon 2026-03-16 00:00 EDT\nin a blackout\">"
			"<span class=\"cn\">Section \\x1b[31m2\\u202e</span> <span class=\"cf\">unlock</span></li>");
	expect_in(cell, "<span class=\"cn\">Q</span> <span class=\"cf\">show answers</span>");
	free(cell);
	expect_in(got, "<span class=\"chip k-assignment_override\">assignment override</span>");
	expect_in(got, "<span class=\"chip k-quiz\">quiz</span>");
	assert_null(strstr(got, "<script"));
	assert_null(strstr(got, "<b>"));
	assert_null(strstr(got, "<i>"));
	check_nesting(got);
	check_clean(got, 0);
	free(got);
	plan_free(p);
}

static void test_calendar_absent_and_limits(void **state)
{
	struct plan *p = plan_new();
	char *got, *cell;
	int i;

	(void)state;
	course(p, NY);
	course(p, DENVER);
	add(p, "Tidy", "4821", RES_PAGE, "73", NULL, "Syllabus", PLAN_UPDATE, "published", "false", "true", NULL);
	/* a created object's dates and a date cleared are not placed */
	add(p, "Tidy", "4821", RES_MODULE, "new:1", NULL, "New", PLAN_CREATE, NULL, NULL,
	    "{\"name\": \"New\", \"unlock_at\": \"2026-03-09T04:00:00Z\"}", NULL);
	due(p, "4822", "8", "Cleared", "2025-10-13T16:00:00Z", NULL);
	plan_finish(p);
	got = html(p);
	assert_null(strstr(got, "class=\"calendar\""));
	assert_null(strstr(got, "class=\"calsum"));
	assert_null(strstr(got, "data-day"));
	assert_null(strstr(got, "<h3>Changes</h3>"));
	free(got);
	plan_free(p);

	/* many items on one day: CHIPS_SHOWN chips, the rest behind a <details>; every one counted */
	p = plan_new();
	course(p, NY);
	for (i = 0; i < 30; i++) {
		char id[32], name[32];

		snprintf(id, sizeof(id), "%d", 100 + i);
		snprintf(name, sizeof(name), "Item %02d", i);
		due(p, "4821", id, name, "2025-10-14T16:00:00Z", "2026-03-10T16:00:00Z");
	}
	due(p, "4821", "99", "Cleared", "2025-10-13T16:00:00Z", NULL);
	/* one date far away: only the months with items are drawn */
	due(p, "4821", "98", "Far", "2025-10-15T16:00:00Z", "2031-06-03T16:00:00Z");
	plan_finish(p);
	got = html(p);
	cell = day_cell(got, "2026-03-10");
	expect_in(cell, "data-count=\"30\"");
	expect_in(cell, "Item 11</span>");
	expect_in(cell, "</ul><details><summary>18 more</summary><ul class=\"chips\"><li class=\"chip k-assignment\"");
	assert_true(strstr(cell, "Item 11</span>") < strstr(cell, "<details>"));
	assert_true(strstr(cell, "Item 12</span>") > strstr(cell, "<details>"));
	free(cell);
	expect_in(got, "31 dated items on their new day in America/New_York: 0 items move onto a weekend (from a "
		       "weekday), 0 land in a blackout. 1 date is cleared (see the table).</p>");
	expect_in(got, "<p class=\"dim\">The dates span 64 months: only the months with items are drawn.</p>");
	expect_in(got, "data-month=\"2026-03\"");
	expect_in(got, "data-month=\"2031-06\"");
	assert_null(strstr(got, "data-month=\"2026-04\""));
	expect_in(got, "<p class=\"calsum\" id=\"calendar-summary\" data-items=\"31\" data-weekend=\"0\" "
		       "data-blackout=\"0\">0 items move onto a weekend (from a weekday), 0 land in a blackout.</p>");
	expect_in(got, "</section>\n<h3>Changes</h3>\n<table class=\"changes\">");
	check_nesting(got);
	free(got);
	plan_free(p);
}

/* The real path: a shift_dates step with a blackout, over two courses, records the blackout once,
 * and the calendar shades it. */
static void test_calendar_from_shift_dates(void **state)
{
	static const char yaml[] =
		"version: 1\n"
		"steps:\n"
		"  - name: Into spring\n"
		"    shift_dates:\n"
		"      days: 147\n"
		"      blackouts: [{start: 2026-03-16, end: 2026-03-22}]\n";
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;
	struct err err = ERR_INIT;
	struct plan *p = plan_new();
	cJSON *snap = cJSON_Parse(
		"{\"courses\": ["
		" {\"id\": 4821, \"name\": \"A\", \"time_zone\": \"America/New_York\", \"assignments\": ["
		"   {\"id\": 1, \"name\": \"Lab\", \"due_at\": \"2025-10-20T21:00:00Z\"}]},"
		" {\"id\": 4822, \"name\": \"B\", \"time_zone\": \"America/Denver\", \"assignments\": ["
		"   {\"id\": 2, \"name\": \"Lab\", \"due_at\": \"2025-10-17T23:00:00Z\"}]}]}");
	char *got, *cell;

	(void)state;
	assert_non_null(snap);
	assert_int_equal(recipe_load_mem(&r, "t.yaml", yaml, strlen(yaml), NULL, &d), 0);
	assert_int_equal(plan_run(p, r, snap, NULL, &err), 0);
	plan_finish(p);
	assert_int_equal(p->nblackouts, 1);
	assert_string_equal(p->blackouts[0].step, "Into spring");
	assert_null(p->blackouts[0].course_id);
	assert_string_equal(p->blackouts[0].start, "2026-03-16");
	assert_string_equal(p->blackouts[0].end, "2026-03-22");
	got = html(p);
	/* Lab in 4821: Mon 03-16 17:00 is in the blackout, so it moved to Mon 03-23 */
	cell = day_cell(got, "2026-03-23");
	expect_in(cell, "data-count=\"1\"");
	free(cell);
	cell = day_cell(got, "2026-03-16");
	expect_in(cell, "<td class=\"day bo\" data-day=\"2026-03-16\" data-count=\"0\" title=\"blackout: Into "
			"spring\">");
	free(cell);
	free(got);
	plan_free(p);
	cJSON_Delete(snap);
	recipe_free(r);
	diag_release(&d);
}

/* n courses of two date changes each (in Paris, one newly onto a Saturday), course 3 a page body
 * and a skip;
 * finished (plan_finish). */
static struct plan *html_courses(int n)
{
	struct plan *p = plan_new();
	char cj[160], id[32];
	int k;

	for (k = 1; k <= n; k++) {
		snprintf(cj, sizeof(cj), "{\"id\": %d, \"name\": \"Course %d\", \"time_zone\": \"%s\"}", 100 + k, k,
			 k % 2 ? "America/New_York" : "Europe/Paris");
		course(p, cj);
	}
	for (k = 1; k <= n; k++) {
		snprintf(cj, sizeof(cj), "%d", 100 + k);
		snprintf(id, sizeof(id), "%d", 7000 + k);
		add(p, "Shift", cj, RES_ASSIGNMENT, id, NULL, "Lab", PLAN_UPDATE, "due_at", "\"2025-10-15T10:00:00Z\"",
		    "\"2026-03-07T04:59:59Z\"", NULL);
		add(p, "Shift", cj, RES_ASSIGNMENT, id, NULL, "Lab", PLAN_UPDATE, "unlock_at",
		    "\"2025-10-11T04:00:00Z\"", "\"2026-02-28T16:00:00Z\"", NULL);
		if (k == 3) {
			add_str(p, "Term", cj, RES_PAGE, "73", "Syllabus", "body", "<p>Fall 2025</p>", "<p>Spring 2026</p>");
			plan_add_skip(p, "Tidy", cj, RES_PAGE, "12", "Home", "published", "the front page");
		}
	}
	plan_finish(p);
	return p;
}

/* Issue 18: the page of a plan spilled to windows (include/plan.h) is the page of the plan in
 * memory, byte for byte (the header's calendar counts from a first pass over the windows), and
 * written to a stream as it grows it is the same bytes again. */
static void test_html_spilled_plan_same_page(void **state)
{
	static const size_t windows[] = { 1, 2, 5 };
	struct plan *mem = html_courses(5);
	struct err err = ERR_INIT;
	char *want = html(mem), *got;
	size_t w, len;
	FILE *f;

	(void)state;
	assert_non_null(strstr(want, "data-items=\"10\" data-weekend=\"2\""));
	for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		struct plan *sp = html_courses(5);

		assert_int_equal(plan_spill(sp, windows[w], &err), 0);
		got = html(sp);
		assert_string_equal(got, want);
		free(got);
		{
			struct buf out = BUF_INIT;

			f = tmpfile();
			assert_non_null(f);
			assert_int_equal(render_html(sp, &out, f), 0);
			assert_int_equal(out.len, 0);
			len = (size_t)ftell(f);
			assert_int_equal(len, strlen(want));
			got = xmalloc(len + 1);
			rewind(f);
			assert_int_equal(fread(got, 1, len, f), len);
			got[len] = '\0';
			assert_string_equal(got, want);
			free(got);
			fclose(f);
			buf_release(&out);
		}
		plan_free(sp);
	}
	free(want);
	plan_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_html_body_diff),
		cmocka_unit_test(test_long_and_multiline_text),
		cmocka_unit_test(test_create_delete_move),
		cmocka_unit_test(test_create_body_shown_capped),
		cmocka_unit_test(test_skipped_and_no_changes),
		cmocka_unit_test(test_summary_plurals),
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_put_safe),
		cmocka_unit_test(test_unordered_and_unknown_courses),
		cmocka_unit_test(test_many_objects),
		cmocka_unit_test(test_html_document),
		cmocka_unit_test(test_html_large_body),
		cmocka_unit_test(test_calendar_local_day_across_dst),
		cmocka_unit_test(test_calendar_weekend_and_blackout),
		cmocka_unit_test(test_calendar_escaping),
		cmocka_unit_test(test_calendar_absent_and_limits),
		cmocka_unit_test(test_calendar_from_shift_dates),
		cmocka_unit_test(test_html_spilled_plan_same_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

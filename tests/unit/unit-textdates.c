/* tests/unit/unit-textdates.c -- dates written as text (runner/textdates.c, include/textdates.h).
 *
 * One table of sentences as they appear in course names, pages and syllabus tables, each with the
 * text expected after the rewrite (NULL: left exactly as it is) and the number of mentions listed
 * as problems. Unless a case says otherwise the locale is "en", the term (for dates written without
 * a year) is 2025-08-25..2025-12-12, and the mapping is `days: 140` (20 weeks: a Friday stays a
 * Friday; 2025-09-05 -> 2026-01-23). Every expected value was worked out from the calendar (the
 * weekday of each date, 140 days on), not produced by running the code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dateshift.h"
#include "textdates.h"

#define HTML 1
#define NOREF 2
#define GB 4

struct tcase {
	const char *in;
	const char *want;         /* NULL: unchanged */
	int problems;
	int flags;                /* HTML, NOREF, GB */
	int shift;                /* days; 0: 140 */
};

static const struct tcase cases[] = {
	/* names and sentences that move */
	{ "Week 3 (Sep 8–12)", "Week 3 (Jan 26–30)", 0, 0, 0 },
	{ "Week 3 (Sep 8-12)", "Week 3 (Jan 26-30)", 0, 0, 0 },
	{ "Week 3 (Sep 8 - 12)", "Week 3 (Jan 26 - 30)", 0, 0, 0 },
	{ "Due September 5", "Due January 23", 0, 0, 0 },
	{ "due Friday, September 5", "due Friday, January 23", 0, 0, 0 },
	{ "Fri, Sep 5", "Fri, Jan 23", 0, 0, 0 },
	{ "Friday, September 5, 2025", "Friday, January 23, 2026", 0, 0, 0 },
	{ "Quiz due 9/5", "Quiz due 1/23", 0, 0, 0 },
	{ "Quiz 5 Sep", "Quiz 23 Jan", 0, 0, 0 },
	{ "Sept. 5 lecture", "Jan. 23 lecture", 0, 0, 0 },
	{ "SEP 5", "JAN 23", 0, 0, 0 },
	{ "September 5th", "January 23rd", 0, 0, 0 },
	{ "the 5th of September", "the 23rd of January", 0, 0, 0 },
	{ "Sep 5, 2025", "Jan 23, 2026", 0, 0, 0 },
	{ "09/05/2025", "01/23/2026", 0, 0, 0 },
	{ "9/5/25", "1/23/26", 0, 0, 0 },
	{ "2025-09-05", "2026-01-23", 0, 0, 0 },
	{ "Exam: Mon 12/15", "Exam: Mon 5/4", 0, 0, 0 },
	{ "Final exam Monday, December 15", "Final exam Monday, May 4", 0, 0, 0 },
	{ "Reading period ends Dec 12", "Reading period ends May 1", 0, 0, 0 },
	{ "Thanksgiving break Nov 27–28", "Thanksgiving break Apr 16–17", 0, 0, 0 },
	{ "Halloween (Oct 31)", "Halloween (Mar 20)", 0, 0, 0 },
	{ "No class on Friday, Oct 31", "No class on Friday, Mar 20", 0, 0, 0 },
	{ "Starts Aug 25", "Starts Jan 12", 0, 0, 0 },
	{ "Project due 10/15 at 11:59pm", "Project due 3/4 at 11:59pm", 0, 0, 0 },
	{ "Due: 9/5", "Due: 1/23", 0, 0, 0 },
	{ "due 9/5 (Fri)", "due 1/23 (Fri)", 0, 0, 0 },
	{ "Sep 5 (Friday)", "Jan 23 (Friday)", 0, 0, 0 },
	{ "Jan 5 final", "May 25 final", 0, 0, 0 },             /* 2026-01-05: 24 days after the term */
	{ "Dec 20, 2024", "May 9, 2025", 0, 0, 0 },             /* the written year wins */
	{ "Sep 29 – Oct 3", "Feb 16 – Feb 20", 0, 0, 0 },
	{ "Mon Sep 8 – Fri Sep 12", "Mon Jan 26 – Fri Jan 30", 0, 0, 0 },
	{ "9/8-9/12", "1/26-1/30", 0, 0, 0 },                  /* a pair across a dash */
	{ "due 9/8-9/12", "due 1/26-1/30", 0, 0, 0 },
	{ "Week of 9/8", "Week of 1/26", 0, 0, 0 },
	{ "Sep 5: Quiz 1", "Jan 23: Quiz 1", 0, 0, 0 },
	{ "Sep 5–Sep 12", "Jan 23–Jan 30", 0, 0, 0 },
	{ "Sep 5 and Sep 12", "Jan 23 and Jan 30", 0, 0, 0 },
	{ "Quiz 1 (Sep 5), Quiz 2 (Sep 12)", "Quiz 1 (Jan 23), Quiz 2 (Jan 30)", 0, 0, 0 },
	{ "Due Sep 5, 2025 by 11:59 PM", "Due Jan 23, 2026 by 11:59 PM", 0, 0, 0 },
	{ "Sep 5 10:00 AM", "Jan 23 10:00 AM", 0, 0, 0 },
	{ "Sep 5, 10:00 AM", "Jan 23, 10:00 AM", 0, 0, 0 },
	{ "Week 1: Aug 25–29", "Week 1: Jan 12–16", 0, 0, 0 },
	{ "Aug 25th–29th", "Jan 12th–16th", 0, 0, 0 },
	{ "1st of October", "18th of February", 0, 0, 0 },
	{ "October 1st", "February 18th", 0, 0, 0 },
	{ "Oct 22nd", "Mar 11th", 0, 0, 0 },
	{ "Nov 3", "Mar 23", 0, 0, 0 },
	{ "Dec 1", "Apr 20", 0, 0, 0 },
	{ "MONDAY, SEPTEMBER 8", "MONDAY, JANUARY 26", 0, 0, 0 },
	{ "Tues. Sep 9", "Tue. Jan 27", 0, 0, 0 },
	{ "Thurs Sep 11", "Thu Jan 29", 0, 0, 0 },
	{ "Sept 22", "Feb 9", 0, 0, 0 },
	{ "Essay due Wednesday, October 15.", "Essay due Wednesday, March 4.", 0, 0, 0 },
	{ "Midterm: Oct. 15", "Midterm: Mar. 4", 0, 0, 0 },
	{ "Project proposal (due 9/22)", "Project proposal (due 2/9)", 0, 0, 0 },
	{ "Labs resume on Sep 29.", "Labs resume on Feb 16.", 0, 0, 0 },
	{ "Last day to drop: Friday, Sep 12", "Last day to drop: Friday, Jan 30", 0, 0, 0 },
	{ "Office hours cancelled Mon, Sep 1 (Labor Day)", "Office hours cancelled Mon, Jan 19 (Labor Day)", 0, 0, 0 },
	{ "Module 4 — Oct 27–31", "Module 4 — Mar 16–20", 0, 0, 0 },
	{ "Unit 2 (9/15 - 9/19)", "Unit 2 (2/2 - 2/6)", 0, 0, 0 },   /* two across a dash: a range */
	{ "Sep 15 through Sep 19", "Feb 2 through Feb 6", 0, 0, 0 },
	{ "Review session 12/10 at 4pm", NULL, 0, 0, 0 },              /* "session" is no context */
	{ "Review session on 12/10 at 4pm", "Review session on 4/29 at 4pm", 0, 0, 0 },
	{ "Nov 24-28: no classes", "Apr 13-17: no classes", 0, 0, 0 },
	{ "Peer review by Sunday, Sep 7", "Peer review by Sunday, Jan 25", 0, 0, 0 },
	{ "Sat, Sep 6", "Sat, Jan 24", 0, 0, 0 },
	{ "Homework 3, due 2025-10-03", "Homework 3, due 2026-02-20", 0, 0, 0 },
	{ "Sep 5 & Sep 6", "Jan 23 & Jan 24", 0, 0, 0 },
	{ "Lab report due Thu 10/2 by noon", "Lab report due Thu 2/19 by noon", 0, 0, 0 },
	{ "Dates: 8/25–12/12", "Dates: 1/12–5/1", 0, 0, 0 },

	/* text that only looks like a date: left alone, nothing listed */
	{ "3/4 of the class", NULL, 0, 0, 0 },
	{ "Chapter 9.5", NULL, 0, 0, 0 },
	{ "Read sections 9.5-9.7", NULL, 0, 0, 0 },
	{ "Lecture at 10:30", NULL, 0, 0, 0 },
	{ "Spring 2026", NULL, 0, 0, 0 },
	{ "Version 2.3.1", NULL, 0, 0, 0 },
	{ "v1.2", NULL, 0, 0, 0 },
	{ "Score: 8/10", NULL, 0, 0, 0 },
	{ "You scored 9/10 on the quiz", NULL, 0, 0, 0 },
	{ "Problems 1-5", NULL, 0, 0, 0 },
	{ "Worth 5%", NULL, 0, 0, 0 },
	{ "May I ask a question?", NULL, 0, 0, 0 },
	{ "You may submit late", NULL, 0, 0, 0 },
	{ "Problem 3 May be hard", NULL, 0, 0, 0 },
	{ "Room 215", NULL, 0, 0, 0 },
	{ "Call 555-1234", NULL, 0, 0, 0 },
	{ "the year 2025", NULL, 0, 0, 0 },
	{ "In 2025 we met", NULL, 0, 0, 0 },
	{ "Half (1/2) credit", NULL, 0, 0, 0 },
	{ "Aspect ratio 16/9", NULL, 0, 0, 0 },
	{ "Grade 12/20", NULL, 0, 0, 0 },
	{ "Lab 3/4 completed", NULL, 0, 0, 0 },
	{ "Due in 2 weeks", NULL, 0, 0, 0 },
	{ "Friday afternoon", NULL, 0, 0, 0 },
	{ "every Monday", NULL, 0, 0, 0 },
	{ "Meet Mon-Fri", NULL, 0, 0, 0 },
	{ "at 5pm", NULL, 0, 0, 0 },
	{ "10:00-11:15", NULL, 0, 0, 0 },
	{ "2025-09-05T10:00", NULL, 0, 0, 0 },
	{ "see https://example.com/2025/9/5/notes", NULL, 0, 0, 0 },
	{ "April showers", NULL, 0, 0, 0 },
	{ "March forward", NULL, 0, 0, 0 },
	{ "The Sun rises", NULL, 0, 0, 0 },
	{ "Sat 9", NULL, 0, 0, 0 },
	{ "Total 100/100", NULL, 0, 0, 0 },
	{ "ISBN 978-0-13", NULL, 0, 0, 0 },
	{ "Jan", NULL, 0, 0, 0 },
	{ "Mary May", NULL, 0, 0, 0 },
	{ "Python 3.12", NULL, 0, 0, 0 },
	{ "Win 10/11 only", NULL, 0, 0, 0 },
	{ "Question 5a", NULL, 0, 0, 0 },
	{ "#9/5", NULL, 0, 0, 0 },
	{ "$9.50", NULL, 0, 0, 0 },
	{ "Section 001", NULL, 0, 0, 0 },
	{ "Term 2025/26", NULL, 0, 0, 0 },

	/* recognised but not moved: listed */
	{ "Friday, September 4", NULL, 1, 0, 0 },               /* 2025-09-04 is a Thursday */
	{ "September 31", NULL, 1, 0, 0 },
	{ "September 2025", NULL, 1, 0, 0 },
	{ "Sep 12–8", NULL, 1, 0, 0 },
	{ "Fri, 9/4", NULL, 1, 0, 0 },
	{ "Sep 31, 2025", NULL, 1, 0, 0 },
	{ "Sep 5", NULL, 1, NOREF, 0 },                          /* no year, no term */
	{ "Sep 5, 2025 and Sep 12", "Jan 23, 2026 and Sep 12", 1, NOREF, 0 },

	/* HTML: text nodes only */
	{ "<p>due <strong>Friday, September 5</strong></p>", "<p>due <strong>Friday, January 23</strong></p>", 0,
	  HTML, 0 },
	{ "<a href=\"https://x.edu/Sep 5\" title=\"Sep 5\">Sep 5</a>",
	  "<a href=\"https://x.edu/Sep 5\" title=\"Sep 5\">Jan 23</a>", 0, HTML, 0 },
	{ "<td>9/5</td><td>Quiz 1</td>", "<td>1/23</td><td>Quiz 1</td>", 0, HTML, 0 },
	{ "<td> 9/5 </td>", "<td> 1/23 </td>", 0, HTML, 0 },
	{ "<p>Sep&nbsp;5</p>", "<p>Jan&nbsp;23</p>", 0, HTML, 0 },
	{ "<p>Sep 8&ndash;12</p>", "<p>Jan 26&ndash;30</p>", 0, HTML, 0 },
	{ "<!-- Sep 5 --><p>x</p>", NULL, 0, HTML, 0 },
	{ "<script>var d = 'Sep 5';</script>", NULL, 0, HTML, 0 },
	{ "<img alt=\"Sep 5\" src=\"a.png\">", NULL, 0, HTML, 0 },
	{ "<p>Score: 8/10</p>", NULL, 0, HTML, 0 },
	{ "<td>Week 2</td><td>Sep 1</td>", "<td>Week 2</td><td>Jan 19</td>", 0, HTML, 0 },
	{ "<p>Sep <b>5</b></p>", NULL, 0, HTML, 0 },
	{ "<li>Mon, 9/8: intro</li>", "<li>Mon, 1/26: intro</li>", 0, HTML, 0 },
	{ "<p>a &lt; b on Sep 5</p>", "<p>a &lt; b on Jan 23</p>", 0, HTML, 0 },
	{ "<p>1 < 2 and Sep 5</p>", "<p>1 < 2 and Jan 23</p>", 0, HTML, 0 },
	{ "<td>8/10</td>", "<td>12/28</td>", 0, HTML, 0 },   /* alone in a cell: a date (2025-08-10) */
	{ "<p>Sep 5</p><p>Friday, Sep 4</p>", "<p>Jan 23</p><p>Friday, Sep 4</p>", 1, HTML, 0 },
	{ "<table><tr><th>Date</th><th>Topic</th></tr><tr><td>Tue, Sep 9</td><td>Intro</td></tr></table>",
	  "<table><tr><th>Date</th><th>Topic</th></tr><tr><td>Tue, Jan 27</td><td>Intro</td></tr></table>", 0, HTML,
	  0 },

	/* a weekday follows its date */
	{ "Friday, September 5", "Saturday, September 6", 0, 0, 1 },
	{ "due Fri 9/5", "due Sat 9/6", 0, 0, 1 },
	{ "due 9/5 (Fri)", "due 9/6 (Sat)", 0, 0, 1 },
	{ "FRI, SEP 5", "SAT, SEP 6", 0, 0, 1 },
	/* a range into the next month names both */
	{ "Sep 8–12", "Sep 29–Oct 3", 0, 0, 21 },
	{ "8–12 Sep", "29 Sep–3 Oct", 0, 0, 21 },
	{ "Sep 8th–12th", "Sep 29th–Oct 3rd", 0, 0, 21 },
	/* across the new year */
	{ "Dec 29–31, 2025", "Jan 5–7, 2026", 0, 0, 7 },
	{ "Dec 30–Jan 2", "Jan 6–Jan 9", 0, 0, 7 },
	/* en-GB: day first */
	{ "due 5/9", "due 23/1", 0, GB, 0 },
	{ "due 05/09/2025", "due 23/01/2026", 0, GB, 0 },
	{ "5 September 2025", "23 January 2026", 0, GB, 0 },
};

static int map_days(void *ud, int64_t day, int64_t *out)
{
	*out = day + *(const int *)ud;
	return 0;
}

static void test_table(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct td_opts o;
		struct td_mention *v = NULL;
		size_t n = 0, moved = 0, outlen = 0, k;
		int shift = c->shift ? c->shift : 140, problems = 0;
		char *out;

		memset(&o, 0, sizeof(o));
		o.loc = td_locale_find(c->flags & GB ? "en-GB" : "en");
		o.html = !!(c->flags & HTML);
		o.has_ref = !(c->flags & NOREF);
		o.ref_first = dateshift_days_from_civil(2025, 8, 25);
		o.ref_last = dateshift_days_from_civil(2025, 12, 12);
		out = td_rewrite(c->in, strlen(c->in), &o, map_days, &shift, &outlen, &v, &n, &moved);
		for (k = 0; k < n; k++)
			problems += v[k].problem[0] != '\0';
		if ((c->want == NULL) != (out == NULL) || (out && strcmp(out, c->want)) || problems != c->problems) {
			print_error("case %zu: '%s'\n   got '%s' with %d problem(s)%s%s\n  want '%s' with %d\n", i,
				    c->in, out ? out : "(unchanged)", problems, problems ? ": " : "",
				    problems ? v[0].problem : "", c->want ? c->want : "(unchanged)", c->problems);
			bad++;
		}
		if (out)
			assert_int_equal(strlen(out), outlen);
		free(out);
		free(v);
	}
	print_message("%zu cases\n", sizeof(cases) / sizeof(cases[0]));
	assert_int_equal(bad, 0);
}

static void test_find_spans(void **state)
{
	static const char text[] = "Quiz due Friday, September 5, 2025 at noon";
	struct td_opts o = { td_locale_find("en"), 0, 0, 0, 0 };
	struct td_mention *v;
	size_t n;

	(void)state;
	assert_int_equal(td_find(text, strlen(text), &o, &v, &n), 1);
	assert_int_equal(v[0].start, 9);
	assert_int_equal(v[0].end, 34);
	assert_int_equal(v[0].wday, 5);
	assert_int_equal(v[0].day, dateshift_days_from_civil(2025, 9, 5));
	assert_string_equal(v[0].problem, "");
	free(v);
}

static void test_locales(void **state)
{
	(void)state;
	assert_non_null(td_locale_find("en"));
	assert_ptr_equal(td_locale_find("en-US"), td_locale_find("en"));
	assert_non_null(td_locale_find("en-GB"));
	assert_null(td_locale_find("fr"));
	assert_null(td_locale_find(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_find_spans),
		cmocka_unit_test(test_locales),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/unit-pageurl.c -- the url Canvas makes from a page title (include/pageurl.h): a table of
 * titles worked through canvas_stringex's String#to_url by hand (punctuation rules, entities, HTML,
 * Latin transliteration, titles it cannot predict), and the -2, -3 suffix of a taken url. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pageurl.h"

static void test_titles(void **state)
{
	static const char *const cases[][2] = {
		{ "Welcome to Spring 2026", "welcome-to-spring-2026" },
		{ "Welcome Spring 2026", "welcome-spring-2026" },
		{ "Q&A: Week 1.5", "q-and-a-week-1-dot-5" },
		{ "C++ basics", "c++-basics" },
		{ "Don't panic", "dont-panic" },
		{ "Unit 1 - Intro", "unit-1-intro" },
		{ "  Spaces  around  ", "spaces-around" },
		{ "100% done", "100-percent-done" },
		{ "$5 lunch", "5-dollars-lunch" },
		{ "Read: ch. 1/2", "read-ch-1-slash-2" },
		{ "Email me @ office", "email-me-at-office" },
		{ "Lab #3", "lab-number-3" },
		{ "Wait...", "wait-dot-dot-dot" },
		{ "google.com links", "google-dot-com-links" },
		{ "(Optional) Reading [draft]!", "optional-reading-draft" },
		{ "snake_case title", "snake-case-title" },
		{ "<b>Bold</b> move", "bold-move" },
		{ "Tom &amp; Jerry", "tom-and-jerry" },
		{ "Caf&eacute; notes", "cafe-notes" },
		{ "Caf\xc3\xa9 M\xc3\xbcller", "cafe-muller" },
		{ "Stra\xc3\x9f" "e", "strasse" },
		{ "\xc3\x86sop", "aesop" },
		{ "Week 3 \xe2\x80\x94 Moderns", "week-3-moderns" },
		{ "\xe2\x80\x9cQuoted\xe2\x80\x9d", "quoted" },
		{ "2026", "2026" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *u = pageurl_from_title(cases[i][0]);

		if (!u || strcmp(u, cases[i][1]))
			fail_msg("title '%s': expected '%s', got '%s'", cases[i][0], cases[i][1], u ? u : "(null)");
		free(u);
	}
}

static void test_unpredictable(void **state)
{
	(void)state;
	/* Greek, CJK and an emoji: outside the tables this version carries */
	assert_null(pageurl_from_title("\xce\x95\xce\xbb\xce\xbb\xce\xb7\xce\xbd\xce\xb9\xce\xba\xce\xac"));
	assert_null(pageurl_from_title("Week 1 \xe6\x97\xa5\xe6\x9c\xac"));
	assert_null(pageurl_from_title("Fun \xf0\x9f\x8e\x89"));
}

static int taken_in(const char *url, void *ud)
{
	const char *const *l;

	for (l = ud; *l; l++)
		if (!strcmp(*l, url))
			return 1;
	return 0;
}

static void test_unique(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const one[] = { "syllabus", "syllabus-notes", NULL };
	static const char *const two[] = { "syllabus", "syllabus-2", "syllabus-4", NULL };
	char *u;

	(void)state;
	u = pageurl_unique("syllabus", taken_in, (void *)none);
	assert_string_equal(u, "syllabus");
	free(u);
	u = pageurl_unique("syllabus", taken_in, (void *)one);
	assert_string_equal(u, "syllabus-2");   /* Canvas starts at -2, not stringex's -1 */
	free(u);
	u = pageurl_unique("syllabus", taken_in, (void *)two);
	assert_string_equal(u, "syllabus-3");
	free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_unpredictable),
		cmocka_unit_test(test_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

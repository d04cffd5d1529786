/* tests/unit/recipe-cases.h -- the bad-recipe table runner shared by the recipe unit tests.
 *
 * A case is a text appended to a fixed head (the test file's "version: 1 ... steps:" lines) that
 * must fail with exactly one error, at `line`:`col`, whose message contains `msg`. Every failing
 * case is printed with what was reported, and the count of failures is returned, so one run shows
 * all the cases that went wrong instead of stopping at the first.
 */
#ifndef COURSECTL_TEST_RECIPE_CASES_H
#define COURSECTL_TEST_RECIPE_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe.h"

struct bad_case {
	const char *text;     /* after the head */
	int line, col;
	const char *msg;      /* a substring of the one error */
};

/* Run the cases with `head` prepended, loading each under the name `name` (a path, so that
 * body_file: and from_file: resolve beside it). Returns how many failed. */
static inline size_t check_bad_cases(const struct bad_case *v, size_t n, const char *head, const char *name)
{
	size_t i, failed = 0;

	for (i = 0; i < n; i++) {
		struct diags d = DIAGS_INIT;
		struct recipe *r = NULL;
		size_t len = strlen(head) + strlen(v[i].text);
		char *text = malloc(len + 1);
		int rc;

		if (!text)
			abort();
		snprintf(text, len + 1, "%s%s", head, v[i].text);
		rc = recipe_load_mem(&r, name, text, len, NULL, &d);
		if (rc != -1 || r || d.nerrors != 1 || d.n != 1 || d.v[0].pos.line != v[i].line ||
		    d.v[0].pos.col != v[i].col || !strstr(d.v[0].msg, v[i].msg)) {
			fprintf(stderr, "bad case #%zu: %s  want %d:%d: %s\n  got %d error(s):\n", i, v[i].text,
				v[i].line, v[i].col, v[i].msg, d.nerrors);
			diag_print(&d, stderr);
			failed++;
		}
		recipe_free(r);
		diag_release(&d);
		free(text);
	}
	return failed;
}

#endif

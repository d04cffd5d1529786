/* include/recipe_replace_text.h -- the `replace_text` action's model (runner/recipe_replace_text.c).
 *
 *   replace_text:
 *     in: [pages, assignments, syllabus, discussions, announcements, quizzes]    required
 *     pattern: REGEX                 one replacement ...
 *     with: TEXT
 *     flags: imsx                    optional
 *     literal: true | false          optional
 *     replace: [{pattern, with, flags?, literal?}, ...]    ... or several (not both forms)
 *     fields: [body, title]          default [body]
 *     where: {title: REGEX, name: REGEX, id: ID | [..], published: bool, url: SLUG | [..]}
 *
 * The HTML field of each kind (`body`): page body, assignment description, syllabus body,
 * discussion/announcement message, quiz description. `title`: the page/discussion/announcement/
 * quiz title, the assignment name (the syllabus has none).
 */
#ifndef COURSECTL_RECIPE_REPLACE_TEXT_H
#define COURSECTL_RECIPE_REPLACE_TEXT_H

#include <stddef.h>

#include "recipe.h"
#include "recipe_replace.h"
#include "recipe_where.h"

/* in: a set of kinds. */
enum {
	RTEXT_PAGES         = 1 << 0,
	RTEXT_ASSIGNMENTS   = 1 << 1,
	RTEXT_SYLLABUS      = 1 << 2,
	RTEXT_DISCUSSIONS   = 1 << 3,
	RTEXT_ANNOUNCEMENTS = 1 << 4,
	RTEXT_QUIZZES       = 1 << 5,
};

/* fields: a set of these. */
enum {
	RTEXT_FIELD_BODY  = 1 << 0,
	RTEXT_FIELD_TITLE = 1 << 1,
};

struct rreplace_text {
	unsigned in;                      /* RTEXT_* kinds, never 0 */
	unsigned fields;                  /* RTEXT_FIELD_*; RTEXT_FIELD_BODY when fields: is absent */
	struct rreplace **replace;        /* one (pattern/with form) or several, applied in order */
	size_t nreplace;
	struct rwhere *where;             /* NULL: every object of the kinds */
	struct rpos pos;
};

/* The names of the RTEXT_* bits, bit i at index i ("pages", "assignments", ...; NULL-terminated). */
extern const char *const rtext_kind_names[];

#endif

/* include/recipe_where.h -- `where:`, the object filter every action shares.
 *
 *   where:
 *     name: "^Week (\\d+)"        regex on the name (modules, assignments) -- `title` is the same
 *     title: "Syllabus"           regex on the title (pages, quizzes, discussions)
 *     id: 123 | [1, 2]            ids
 *     url: syllabus | [a, b]      page slugs
 *     type: Assignment | [...]    module item types, or object kinds (`kind` is the same)
 *     published: true | false
 *     position: 3                 modules
 *     due_at: {after: 2025-09-01, before: 2025-12-20}    a date field in a range (inclusive);
 *                                 `dates:` matches when any date field of the object is in range
 * Every given condition must hold (AND); a list within one condition is OR. Which keys an action
 * accepts is its choice (`allowed`); the checker reports any other with "did you mean".
 */
#ifndef COURSECTL_RECIPE_WHERE_H
#define COURSECTL_RECIPE_WHERE_H

#include "recipe.h"

struct rwhere_range {
	const char *field;         /* "due_at", or "dates" for any date field */
	struct rdate after, before;
	int has_after, has_before;
};

struct rwhere {
	struct rregex *name;       /* name: or title: (NULL when absent) */
	int name_is_title;         /* the recipe said title: (for messages) */
	long long *ids;
	size_t nids;
	char **urls;
	size_t nurls;
	char **types;
	size_t ntypes;
	int published;             /* -1: any */
	long position;             /* -1: any */
	struct rwhere_range *ranges;
	size_t nranges;
	struct rpos pos;
};

/* Check `n` (the where: mapping) with the keys `allowed` (NULL-terminated; date field names and
 * "dates" may be among them). *out is arena memory, NULL when n is NULL. `types` (NULL-terminated,
 * may be NULL) lists the accepted values of type:/kind:. */
int rc_where(struct rctx *cx, const struct ynode *n, const char *what, const char *const *allowed,
	     const char *const *types, struct rwhere **out);

struct buf;
/* The where: in YAML flow style, as a message shows it: {name: '^Week', url: [a, b], published: true,
 * due_at: {after: 2025-09-01}}. Appended to out. */
void rwhere_text(const struct rwhere *w, struct buf *out);

#endif

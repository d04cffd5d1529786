/* include/recipe_modules.h -- the model of a `modules` step, as checked by runner/recipe_modules.c
 * and consumed by the plan engine (issue 5).
 *
 *   modules:
 *     where: {name: "^Week (\\d+)", id: [1, 2], position: 3, published: false}
 *     set:                                  fields of every selected module
 *       name: Week 1                        (not together with rename:)
 *       published: true
 *       cascade: module only | with items   what (un)publishing does to the items; default module only
 *       unlock_at: 2026-01-12 | null        null clears the date
 *       require_sequential_progress: true
 *       position: 1                         1..10000
 *       prerequisites: [Start here]         module names; [] clears them
 *     rename: {pattern: "^Week (\\d+)", with: "Unit $1", flags: i}
 *     items:                                the items of the selected modules
 *       where: {title: "^Quiz", type: [Quiz, Assignment], content: syllabus-policies}
 *       set: {published: true, indent: 1, title: T, completion: {type: min_score, min_score: 7.5} | none}
 *     ensure:                               desired state: these modules exist, in this order
 *       - name: Week 1
 *         position: 1
 *         published: true
 *         cascade: with items               as in set
 *         items: [{header: Readings}, {page: week-1-notes}, {assignment: Essay 1}, {quiz: Quiz 1},
 *                 {discussion: Introductions}, {url: "https://example.edu", title: Example}]
 *     absent: [Old stuff]                   modules to delete
 *
 * At least one of set, rename, items, ensure, absent. `where` narrows set, rename and items only:
 * ensure and absent name their modules themselves, so `where` beside them is allowed and does not
 * apply to them (a step with only where + ensure is accepted; the where then has no effect).
 *
 * Rename. `with` goes through the recipe's variable expansion first (${name} is a recipe
 * variable, so `${1}` is refused with a hint); in what remains, `$N` (N = 0..99, as many digits as
 * follow, as pcre2_substitute reads them; $0 is the whole match) is a capture group and `$$` a literal
 * dollar -- pcre2_substitute's syntax without PCRE2_SUBSTITUTE_EXTENDED. Every other `$` is an error,
 * and so is a `$N` above the pattern's capture count. The engine replaces the FIRST match in the
 * name (no PCRE2_SUBSTITUTE_GLOBAL): a module whose name does not match is left alone, and a pattern
 * that matches the empty string (`^`) is allowed -- it inserts once, which is how a prefix is added.
 *
 * Given flags. Every settable field has a has_* flag: 0 means "not in the recipe, leave the field
 * alone". Values are only meaningful when their flag is set.
 *
 * Memory: the struct and everything it points to live in the recipe's arena (rc_alloc); nothing is
 * freed on its own (recipe_action_modules.free is NULL). Regexes are compiled (PCRE2, JIT when
 * available) and freed with the recipe. Names are compared exactly (case-sensitive), as Canvas
 * stores them.
 */
#ifndef COURSECTL_RECIPE_MODULES_H
#define COURSECTL_RECIPE_MODULES_H

#include "recipe.h"
#include "recipe_where.h"

/* ---------------------------------------------------------------- set: */

struct rmodules_set {
	int has_name;
	char *name;                       /* non-empty */
	int has_published;
	int published;                    /* 0 or 1 */
	int with_items;                   /* `cascade: with items`: the items and their content follow
					   * the module (Canvas's publish_items! / unpublish_items!); 0:
					   * `module only` (the default). Only with has_published. */
	int has_unlock_at;
	int unlock_at_null;               /* `unlock_at: null`: clear the date (unlock_at is then unset) */
	struct rdate unlock_at;           /* a date (local midnight in the course zone) or a date-time */
	int has_require_sequential_progress;
	int require_sequential_progress;  /* 0 or 1 */
	int has_position;
	long position;                    /* 1..10000 */
	int has_prerequisites;
	char **prerequisites;             /* module names, distinct, non-empty; nprerequisites == 0 clears */
	size_t nprerequisites;
	struct rpos pos;
};

/* ---------------------------------------------------------------- rename: */

struct rmodules_rename {
	struct rregex *pattern;           /* compiled with `flags` */
	char *with;                       /* after variable expansion; $N and $$ as pcre2_substitute reads them */
	char *flags;                      /* a subset of "imsx", each at most once; "" when absent */
	int ncaptures;                    /* PCRE2_INFO_CAPTURECOUNT of the pattern */
	int max_ref;                      /* the highest $N in with; -1 when with refers to no group */
	struct rpos pos;
};

/* ---------------------------------------------------------------- items: */

/* Canvas's ModuleItem types; the YAML spelling is rmodules_item_type_names[i], Canvas's own. */
enum rmodules_item_type {
	RMOD_ITEM_ASSIGNMENT,
	RMOD_ITEM_QUIZ,
	RMOD_ITEM_DISCUSSION,
	RMOD_ITEM_PAGE,
	RMOD_ITEM_FILE,
	RMOD_ITEM_SUBHEADER,
	RMOD_ITEM_EXTERNAL_URL,
	RMOD_ITEM_EXTERNAL_TOOL,
	RMOD_ITEM_NTYPES
};
#define RMOD_ITEM_BIT(t) (1u << (t))

/* "Assignment", "Quiz", "Discussion", "Page", "File", "SubHeader", "ExternalUrl", "ExternalTool", NULL */
extern const char *const rmodules_item_type_names[];

/* completion_requirement[type]; RMOD_COMPLETION_NONE (`completion: none`) removes the requirement. */
enum rmodules_completion {
	RMOD_COMPLETION_NONE,
	RMOD_COMPLETION_MUST_VIEW,
	RMOD_COMPLETION_MUST_SUBMIT,
	RMOD_COMPLETION_MUST_CONTRIBUTE,
	RMOD_COMPLETION_MIN_SCORE,
	RMOD_COMPLETION_MUST_MARK_DONE
};

/* "none", "must_view", "must_submit", "must_contribute", "min_score", "must_mark_done", NULL */
extern const char *const rmodules_completion_names[];

struct rmodules_items {
	/* where: every given condition holds (AND); the types are OR. */
	struct rregex *match_title;       /* where.title; NULL: any title */
	unsigned match_types;             /* where.type as RMOD_ITEM_BIT()s; 0: any type */
	char *match_content;              /* where.content; NULL: any; else the page url, assignment/quiz/
					   * discussion name or external url, compared exactly */
	/* set: at least one field */
	int has_published;
	int published;
	int has_indent;
	long indent;                      /* 0..5 */
	int has_title;
	char *title;                      /* non-empty */
	int has_completion;
	enum rmodules_completion completion;
	double min_score;                 /* >= 0, finite; only for RMOD_COMPLETION_MIN_SCORE (else 0) */
	struct rpos pos;
};

/* ---------------------------------------------------------------- ensure: */

enum rmodules_ensure_kind {
	RMOD_ENSURE_PAGE,                 /* {page: url}            a wiki page by its url slug */
	RMOD_ENSURE_ASSIGNMENT,           /* {assignment: name} */
	RMOD_ENSURE_QUIZ,                 /* {quiz: title} */
	RMOD_ENSURE_DISCUSSION,           /* {discussion: title} */
	RMOD_ENSURE_URL,                  /* {url: https://..., title?: text}  title defaults to the url */
	RMOD_ENSURE_HEADER                /* {header: text}         a SubHeader */
};

/* "page", "assignment", "quiz", "discussion", "url", "header", NULL */
extern const char *const rmodules_ensure_kind_names[];

struct rmodules_ensure_item {
	enum rmodules_ensure_kind kind;
	char *ref;                        /* the value: url slug, name, title, external url or header text */
	char *title;                      /* RMOD_ENSURE_URL with title:; else NULL */
	struct rpos pos;
};

struct rmodules_ensure {
	char *name;                       /* non-empty; distinct across ensure, not in absent */
	int has_position;
	long position;                    /* 1..10000; increasing down the list when several are given */
	int has_published;
	int published;
	int with_items;                   /* `cascade: with items`, as in rmodules_set */
	int has_items;                    /* items: given; then the module holds exactly these items, in
					   * this order (items: [] empties it) */
	struct rmodules_ensure_item *items;
	size_t nitems;
	struct rpos pos;
};

/* ---------------------------------------------------------------- the step */

struct rmodules {
	struct rwhere *where;             /* NULL: every module */
	struct rmodules_set *set;         /* NULL when absent */
	struct rmodules_rename *rename;   /* NULL when absent */
	struct rmodules_items *items;     /* NULL when absent */
	struct rmodules_ensure *ensure;   /* in recipe order (the desired module order) */
	size_t nensure;
	int has_ensure;
	char **absent;                    /* module names to delete, distinct */
	struct rpos *absent_pos;
	size_t nabsent;
	struct rpos pos;
};

#endif

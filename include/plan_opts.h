/* include/plan_opts.h -- the options `plan` and `apply RECIPE` share, parsed once.
 *
 *   struct plan_opts po;
 *   plan_opts_init(&po, argc);
 *   for (i = 1; i < argc; i++) {
 *           rc = plan_opts_parse(&po, argc, argv, &i, &err);   1 taken, 0 not ours, < 0 error
 *           ...
 *   }
 *   plan_opts_courses(&po, cv, recipe, &list, &err)   the run's courses (include/courses.h)
 *   plan_recipe(&plan, &cv, &cfg, &po, path, "planned", &err)   recipe -> plan, the whole way
 *                                                            (include/plan.h, runner/plan_build.c)
 *   plan_opts_release(&po);
 *
 * The options: --course ID (repeatable), --var NAME=VALUE (repeatable), --color auto|always|never,
 * --shard I/N, --fail-fast, --allow-outside DIR (repeatable). --format stays with each command: their formats differ.
 */
#ifndef COURSECTL_PLAN_OPTS_H
#define COURSECTL_PLAN_OPTS_H

#include <stddef.h>

#include "courses.h"
#include "err.h"
#include "plan_reads.h"
#include "recipe.h"

struct canvas;
struct courselock;
struct render_pre;

struct plan_opts {
	char **courses;           /* --course, borrowed from argv */
	size_t ncourses;
	struct recipe_var *vars;  /* --var */
	char **var_names;         /* malloced names of vars[] */
	size_t nvars;
	int color;                /* -1 auto, 0 never, 1 always */
	struct shard shard;       /* n == 0: no --shard */
	int fail_fast;
	int again;                /* --again: shift once more (no re-run guard, include/rerun.h) */
	const char **allow;       /* --allow-outside DIR, borrowed from argv */
	size_t nallow;
	struct plan_reads **reads;   /* not an option: apply RECIPE's request that plan_recipe keep the
				        courses as read, for the stale check (include/plan_reads.h); NULL: not */
	struct courselock **lock;   /* not an option: apply RECIPE's request that plan_recipe lock the
				       courses it names by number before reading them (include/courselock.h);
				       *lock is opened for the recipe's Canvas; NULL: no lock (`plan`) */
	struct render_pre *text;     /* not an option: the caller will print the plan as text; a plan of
				        many windows renders each before it is spilled (include/render.h);
				        NULL: not */
};

/* The help lines of the options shared word for word (--course, --var and --color are worded per
 * command). */
#define PLAN_OPTS_HELP                                                                              \
	"   --shard I/N            only the I-th of N disjoint slices of the courses (CI matrix jobs);\n" \
	"                          a course's slice depends on its id alone\n"                            \
	"   --fail-fast            stop at the first course that fails (default: plan the others,\n"      \
	"                          name the failed ones, exit 1)\n"                                      \
	"   --again                move dates once more even where this recipe's shift_dates steps were\n" \
	"                          applied already (by default such a course's dates are left alone)\n" \
	"   --allow-outside DIR    let body_file: and from_file: read files in DIR too (by default only\n" \
	"                          files inside the recipe's folder; a file holding the token never)\n"

/* Arrays sized for argc options. plan_opts_release frees them. */
void plan_opts_init(struct plan_opts *o, int argc);
void plan_opts_release(struct plan_opts *o);

/* argv[*i] is one of ours: take it (and its value: *i moves past it) and return 1; not ours: 0;
 * a bad value: ERR_USAGE naming the option. */
int plan_opts_parse(struct plan_opts *o, int argc, char **argv, int *i, struct err *err);

/* Colour for stdout: the --color setting, or for auto a terminal with NO_COLOR unset or empty
 * (no-color.org). */
int plan_opts_color(const struct plan_opts *o);

/* The courses of the run: courses_resolve with --course and --shard, plus a note on stderr when
 * --shard cut the list or nothing is left. cv may be NULL when r has no account listings. */
int plan_opts_courses(const struct plan_opts *o, struct canvas *cv, const struct recipe *r,
		      struct course_list *cl, struct err *err);

#endif

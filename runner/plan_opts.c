/* runner/plan_opts.c -- the options `plan` and `apply RECIPE` share (include/plan_opts.h).
 *
 * Both commands plan a recipe, so they take the same options to choose and shape that plan; the
 * parsing lived twice (cmd_plan.c, cmd_apply.c) until --shard and --fail-fast would have made it
 * four times as much to keep equal. The shape follows config_parse_option (runner/config.c): a
 * command's loop offers each argument here first and goes on with its own options when this
 * answers 0, so each command keeps its own options, help text and --format list.
 * Rejected: one option table for every command (getopt_long style) -- the commands' options
 * overlap only partly, and the error messages name the command. What the options then drive, the
 * recipe planned the whole way, is plan_recipe (runner/plan_build.c).
 */
#include "plan_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "xalloc.h"

/* Ownership: the arrays are malloced here and freed by plan_opts_release. */
void plan_opts_init(struct plan_opts *o, int argc)
{
	memset(o, 0, sizeof(*o));
	o->color = -1;
	o->courses = xcalloc((size_t)argc + 1, sizeof(*o->courses));
	o->vars = xcalloc((size_t)argc + 1, sizeof(*o->vars));
	o->var_names = xcalloc((size_t)argc + 1, sizeof(*o->var_names));
	o->allow = xcalloc((size_t)argc + 1, sizeof(*o->allow));
}

void plan_opts_release(struct plan_opts *o)
{
	size_t i;

	for (i = 0; i < o->nvars; i++)
		free(o->var_names[i]);
	free(o->var_names);
	free(o->vars);
	free(o->courses);
	free(o->allow);
	memset(o, 0, sizeof(*o));
}

int plan_opts_parse(struct plan_opts *o, int argc, char **argv, int *i, struct err *err)
{
	const char *a = argv[*i], *v;

	if (!strcmp(a, "--fail-fast")) {
		o->fail_fast = 1;
		return 1;
	}
	if (!strcmp(a, "--again")) {
		o->again = 1;
		return 1;
	}
	if (strcmp(a, "--course") && strcmp(a, "--var") && strcmp(a, "--color") && strcmp(a, "--shard") &&
	    strcmp(a, "--allow-outside"))
		return 0;
	if (*i + 1 >= argc)
		return err_set(err, ERR_USAGE, "option '%s' needs a value", a);
	v = argv[++*i];
	if (!strcmp(a, "--course")) {
		o->courses[o->ncourses++] = (char *)v;
	} else if (!strcmp(a, "--var")) {
		if (recipe_parse_var_option(v, &o->vars[o->nvars], &o->var_names[o->nvars]))
			return err_set(err, ERR_USAGE, "--var needs NAME=VALUE, not '%s'", v);
		o->nvars++;
	} else if (!strcmp(a, "--allow-outside")) {
		o->allow[o->nallow++] = v;
	} else if (!strcmp(a, "--shard")) {
		if (shard_parse(v, &o->shard, err))
			return err->code;
	} else if (!strcmp(v, "auto") || !strcmp(v, "always") || !strcmp(v, "never")) {
		o->color = !strcmp(v, "auto") ? -1 : !strcmp(v, "always");
	} else {
		return err_set(err, ERR_USAGE, "--color takes auto, always or never, not '%s'", v);
	}
	return 1;
}

int plan_opts_color(const struct plan_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	if (o->color >= 0)
		return o->color;
	return isatty(STDOUT_FILENO) && !(nc && *nc);
}

int plan_opts_courses(const struct plan_opts *o, struct canvas *cv, const struct recipe *r,
		      struct course_list *cl, struct err *err)
{
	int rc = courses_resolve(cl, cv, r, o->courses, o->ncourses, &o->shard, err);

	if (rc)
		return rc;
	if (o->shard.n)
		notef("shard %u/%u: %zu of the %zu course%s", o->shard.i, o->shard.n, cl->n, cl->before_shard,
		      cl->before_shard == 1 ? "" : "s");
	if (!cl->n)
		notef("%s: no courses to work on; the plan is empty",
		      o->shard.n ? "this shard holds none of them" : "the recipe's account listings found no course");
	return 0;
}

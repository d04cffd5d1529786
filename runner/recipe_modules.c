/* runner/recipe_modules.c -- the 'modules' action's parser (being written: accepts nothing yet). */
#include "recipe_actions.h"

static int parse(struct rctx *cx, struct step *st, const struct ynode *n)
{
	(void)st;
	rc_error(cx, &n->pos, "'modules' is not implemented yet");
	return 0;
}

const struct recipe_action recipe_action_modules = { "modules", "(being written)", parse, NULL };

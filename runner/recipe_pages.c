/* runner/recipe_pages.c -- the 'pages' action's parser (being written: accepts nothing yet). */
#include "recipe_actions.h"

static int parse(struct rctx *cx, struct step *st, const struct ynode *n)
{
	(void)st;
	rc_error(cx, &n->pos, "'pages' is not implemented yet");
	return 0;
}

const struct recipe_action recipe_action_pages = { "pages", "(being written)", parse, NULL };

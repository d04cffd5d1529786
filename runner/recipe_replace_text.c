/* runner/recipe_replace_text.c -- the 'replace_text' action's parser (being written: accepts nothing yet). */
#include "recipe_actions.h"

static int parse(struct rctx *cx, struct step *st, const struct ynode *n)
{
	(void)st;
	rc_error(cx, &n->pos, "'replace_text' is not implemented yet");
	return 0;
}

const struct recipe_action recipe_action_replace_text = { "replace_text", "(being written)", parse, NULL };

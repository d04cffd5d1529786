/* runner/recipe_shift_dates.c -- the 'shift_dates' action's parser (being written: accepts nothing yet). */
#include "recipe_actions.h"

static int parse(struct rctx *cx, struct step *st, const struct ynode *n)
{
	(void)st;
	rc_error(cx, &n->pos, "'shift_dates' is not implemented yet");
	return 0;
}

const struct recipe_action recipe_action_shift_dates = { "shift_dates", "(being written)", parse, NULL };

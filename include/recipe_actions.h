/* include/recipe_actions.h -- the actions a recipe step can name (recipe.c `actions[]`, the one
 * table). Each row is defined in runner/recipe_<name>.c with its parser and its step (runner/
 * step_<name>.c); its model is in include/recipe_<name>.h. */
#ifndef COURSECTL_RECIPE_ACTIONS_H
#define COURSECTL_RECIPE_ACTIONS_H

#include "recipe.h"

extern const struct recipe_action recipe_action_shift_dates;
extern const struct recipe_action recipe_action_schedule;
extern const struct recipe_action recipe_action_modules;
extern const struct recipe_action recipe_action_pages;
extern const struct recipe_action recipe_action_replace_text;

#endif

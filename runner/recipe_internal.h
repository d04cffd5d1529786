/* runner/recipe_internal.h -- what the recipe_*.c files share and nothing else sees. */
#ifndef COURSECTL_RECIPE_INTERNAL_H
#define COURSECTL_RECIPE_INTERNAL_H

#include "recipe.h"

/* The document's root node, or NULL after reporting why (recipe_yaml.c). */
struct ynode *recipe_yaml_parse(struct rctx *cx, const char *file, const char *buf, size_t len);

/* The recipe's arena: every allocation of a recipe, freed at once (recipe_check.c). */
void *arena_new(void);
void arena_free(void *arena);
/* Register a compiled regex so the arena frees it. */
void arena_own_regex(void *arena, pcre2_code *code);

/* Expand ${name}, ${env.NAME} and $${ in `s` (recipe_vars.c). Returns an arena string, or NULL after
 * reporting an undefined variable at `pos` (the column moved to the variable when it can be). */
char *recipe_expand(struct rctx *cx, const struct ynode *n);
/* Check `vars: {env: [NAME, ...]}`, the allow-list of ${env.NAME} (recipe_vars.c). */
void recipe_vars_env_check(struct rctx *cx, const struct ynode *list);

/* Parse "YYYY-MM-DD" or an ISO 8601 date-time into *o (pos not set); 0 or -1 (recipe_check.c). */
int recipe_parse_date(const char *s, struct rdate *o);
/* 1 when `zone` names a file of the system zone database (or is "UTC"). */
int recipe_zone_exists(const char *zone);

#endif

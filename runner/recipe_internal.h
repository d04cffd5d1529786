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
/* n bytes (aligned for any type) that live as long as the arena; rc_alloc is this on the recipe's. */
void *arena_alloc(void *arena, size_t n);
/* Hand everything src holds (its blocks, its regexes) to dst, and free src (may be NULL). */
void arena_merge(void *dst, void *src);

/* Expand ${name}, ${env.NAME} and $${ in scalar n (recipe_check.c, over recipe_vars_expand). Returns
 * an arena string (n->str itself when there is no '$'), or NULL after reporting each undefined
 * variable at its place (the column moved to the variable when it can be). */
char *recipe_expand(struct rctx *cx, const struct ynode *n);
/* Check `vars: {env: [NAME, ...]}`, the allow-list of ${env.NAME} (recipe_check.c; recipe_vars.c
 * reads it). */
void recipe_vars_env_check(struct rctx *cx, const struct ynode *list);

/* Where variables come from, and where their problems go (recipe_vars.c, which calls no checking
 * helper: recipe_check.c is the layer above it). */
struct buf;
struct recipe_vars {
	const struct recipe_opts *o;              /* --var, may be NULL */
	const struct ynode *vars;                 /* the vars: mapping, or NULL */
	/* the value of a key in a mapping, or NULL: rc_get, passed in so that this layer does not call
	 * the one above it */
	const struct ynode *(*get)(const struct ynode *map, const char *key);
	/* one problem: `off` is the byte offset of its "${" in the string; msg is borrowed */
	void (*report)(void *ud, size_t off, const char *msg);
	void *ud;
};
/* Append s with ${name}, ${env.NAME} and $${ expanded to out; each problem goes to rv->report. 0, or
 * -1 when there was one (out is then incomplete). */
int recipe_vars_expand(const struct recipe_vars *rv, const char *s, struct buf *out);

/* 1 when `zone` names a file of the system zone database (or is "UTC"). */
int recipe_zone_exists(const char *zone);

#endif

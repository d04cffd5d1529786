/* runner/recipe_replace_text.c -- the `replace_text` action's parser (model and syntax in
 * include/recipe_replace_text.h): substitutions across the HTML fields of several kinds.
 *
 * Rules: `in:` is required, a non-empty list of distinct kinds (a list even for one kind, so the
 * key reads the same everywhere); one replacement is written inline (pattern/with/flags/literal
 * beside `in:`), several as `replace:` -- mixing the two is refused, since which runs first would
 * be a guess; `fields:` is a non-empty list of distinct body/title, default [body]. Kinds and
 * fields are bit sets in the model (order carries no meaning: the plan engine walks kinds in its
 * own fixed order). Each replacement is checked by rc_replacement (runner/recipe_replace.c).
 * Rejected: accepting a bare scalar for `in:`/`fields:` (one more form to document for a saving
 * of two brackets); refusing where.url when `in` lacks pages (the plan engine decides how a
 * filter applies to kinds without slugs; refusing here would freeze that choice early).
 */
#include "recipe_replace_text.h"

#include <stdio.h>
#include <string.h>

#include "recipe_actions.h"
#include "step.h"

const char *const rtext_kind_names[] = {
	"pages", "assignments", "syllabus", "discussions", "announcements", "quizzes", NULL,
};

static const char *const field_names[] = { "body", "title", NULL };

static const struct ynode *key_node(const struct ynode *map, const char *key)
{
	size_t i;

	for (i = 0; map && map->type == YN_MAP && i + 1 < map->nkids; i += 2)
		if (map->kids[i]->type == YN_SCALAR && !strcmp(map->kids[i]->str, key))
			return map->kids[i];
	return NULL;
}

/* A non-empty list of distinct values of `names`, as a bit set (bit i = names[i]); 0 on error. */
static unsigned distinct_list(struct rctx *cx, const struct ynode *n, const char *what,
			      const char *const *names)
{
	unsigned mask = 0;
	size_t i;
	int bad = 0;

	if (rc_seq(cx, n, what))
		return 0;
	if (!n->nkids) {
		rc_error(cx, &n->pos, "%s is an empty list", what);
		return 0;
	}
	for (i = 0; i < n->nkids; i++) {
		int idx;

		if (rc_enum(cx, n->kids[i], what, names, &idx)) {
			bad = 1;
		} else if (mask & (1u << idx)) {
			rc_error(cx, &n->kids[i]->pos, "'%s' is listed twice in %s", names[idx], what);
			bad = 1;
		} else {
			mask |= 1u << idx;
		}
	}
	return bad ? 0 : mask;
}

static void check_replacements(struct rctx *cx, const struct ynode *n, struct rreplace_text *rt)
{
	const struct ynode *list = rc_get(n, "replace");
	static const char *const inline_keys[] = { "pattern", "with", "flags", "literal", "case", NULL };
	const char *const *k;
	struct rreplace *rp;
	size_t i;
	int has_inline = 0;

	for (k = inline_keys; *k; k++) {
		if (rc_get(n, *k)) {
			if (list && !has_inline)
				rc_error(cx, &key_node(n, *k)->pos, "'replace_text' takes 'pattern' and 'with' for one "
					 "replacement or 'replace' for several, not both ('replace' is at line %d)",
					 key_node(n, "replace")->pos.line);
			has_inline = 1;
		}
	}
	if (list) {
		if (has_inline || rc_seq(cx, list, "'replace_text.replace'"))
			return;
		if (!list->nkids) {
			rc_error(cx, &list->pos, "'replace_text.replace' is an empty list (give {pattern: REGEX, with: "
				 "TEXT} items)");
			return;
		}
		rt->replace = rc_alloc(cx, list->nkids * sizeof(*rt->replace));
		for (i = 0; i < list->nkids; i++) {
			char what[64];

			snprintf(what, sizeof(what), "replace_text.replace[%zu]", i);
			if (!rc_replacement(cx, list->kids[i], what, &rp))
				rt->replace[rt->nreplace++] = rp;
		}
		return;
	}
	if (!has_inline) {
		rc_error(cx, &n->pos, "'replace_text' needs 'pattern' and 'with' (one replacement) or 'replace' (a list "
			 "of them)");
		return;
	}
	if (!rc_replacement_keys(cx, n, "replace_text", &rp)) {
		rt->replace = rc_alloc(cx, sizeof(*rt->replace));
		rt->replace[rt->nreplace++] = rp;
	}
}

static int parse(struct rctx *cx, struct step *st, const struct ynode *n)
{
	static const char *const keys[] = {
		"in", "pattern", "with", "flags", "literal", "case", "replace", "fields", "where", NULL,
	};
	static const char *const required[] = { "in", NULL };
	static const char *const where_keys[] = { "title", "name", "id", "published", "url", NULL };
	struct rreplace_text *rt;
	const struct ynode *v;

	if (rc_map(cx, n, "'replace_text'", keys, required) && (!n || n->type != YN_MAP))
		return 0;
	rt = rc_alloc(cx, sizeof(*rt));
	memset(rt, 0, sizeof(*rt));
	rt->pos = n->pos;
	rt->fields = RTEXT_FIELD_BODY;
	st->data = rt;
	if ((v = rc_get(n, "in")))
		rt->in = distinct_list(cx, v, "'replace_text.in'", rtext_kind_names);
	check_replacements(cx, n, rt);
	if ((v = rc_get(n, "fields")))
		rt->fields = distinct_list(cx, v, "'replace_text.fields'", field_names);
	rc_where(cx, rc_get(n, "where"), "'replace_text.where'", where_keys, NULL, &rt->where);
	st->where = rt->where;
	return 0;
}

const struct recipe_action recipe_action_replace_text = {
	.name = "replace_text",
	.summary = "find and replace (PCRE2) in the HTML bodies, and optionally titles, of pages, assignments, "
		   "syllabus, discussions, announcements and quizzes",
	.parse = parse,
	.plan = step_replace_text,
	.needs = step_replace_text_needs,
};

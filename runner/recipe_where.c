/* runner/recipe_where.c -- checking `where:` (see include/recipe_where.h). Matching objects
 * against it belongs to the steps (runner/step_*.c), which know the objects' fields. */
#include "recipe_where.h"

#include <string.h>

#include "recipe_internal.h"

/* 0 for a value or a non-empty list (*count set); -1 for a mapping or an empty list, which could
 * only ever match nothing -- almost certainly a mistake, and the schema refuses it too. */
static int one_or_many(const struct ynode *n, size_t *count)
{
	*count = n->type == YN_SEQ ? n->nkids : 1;
	return n->type == YN_MAP || *count == 0 ? -1 : 0;
}

static const struct ynode *item(const struct ynode *n, size_t i)
{
	return n->type == YN_SEQ ? n->kids[i] : n;
}

static void check_range(struct rctx *cx, const struct ynode *key, const struct ynode *v, struct rwhere *w)
{
	static const char *const keys[] = { "after", "before", NULL };
	struct rwhere_range *r;
	const struct ynode *a, *b;
	char what[96];

	snprintf(what, sizeof(what), "'where.%s'", key->str);
	if (rc_map(cx, v, what, keys, NULL))
		return;
	a = rc_get(v, "after");
	b = rc_get(v, "before");
	if (!a && !b) {
		rc_error(cx, &v->pos, "%s needs 'after', 'before' or both", what);
		return;
	}
	r = &w->ranges[w->nranges];
	memset(r, 0, sizeof(*r));
	r->field = key->str;
	if (a && !rc_date(cx, a, what, &r->after))
		r->has_after = 1;
	if (b && !rc_date(cx, b, what, &r->before))
		r->has_before = 1;
	if (r->has_after && r->has_before &&
	    (r->after.y * 10000 + r->after.m * 100 + r->after.d) > (r->before.y * 10000 + r->before.m * 100 + r->before.d)) {
		rc_error(cx, &v->pos, "%s: 'after' is later than 'before', so nothing can match", what);
		return;
	}
	w->nranges++;
}

int rc_where(struct rctx *cx, const struct ynode *n, const char *what, const char *const *allowed,
	     const char *const *types, struct rwhere **out)
{
	struct rwhere *w;
	size_t i, j, cnt;
	int bad = 0;

	*out = NULL;
	if (!n)
		return 0;
	if (rc_map(cx, n, what, allowed, NULL))
		bad = 1;
	if (n->type != YN_MAP)
		return -1;
	w = rc_alloc(cx, sizeof(*w));
	memset(w, 0, sizeof(*w));
	w->published = -1;
	w->position = -1;
	w->pos = n->pos;
	w->ranges = rc_alloc(cx, (n->nkids / 2 + 1) * sizeof(*w->ranges));
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *k = n->kids[i], *v = n->kids[i + 1];
		const char *const *a;
		int known = 0;

		if (k->type != YN_SCALAR)
			continue;
		for (a = allowed; a && *a; a++)
			if (!strcmp(*a, k->str))
				known = 1;
		if (!known)
			continue;   /* reported by rc_map */
		if (!strcmp(k->str, "name") || !strcmp(k->str, "title")) {
			if (w->name) {
				rc_error(cx, &k->pos, "give 'name' or 'title', not both (they are the same filter)");
				bad = 1;
			} else if (rc_regex(cx, v, "'where.name'", NULL, 0, &w->name)) {
				bad = 1;
			}
		} else if (!strcmp(k->str, "id")) {
			if (one_or_many(v, &cnt)) {
				rc_error(cx, &v->pos, "expected an id or a non-empty list of ids for 'where.id'");
				bad = 1;
				continue;
			}
			w->ids = rc_alloc(cx, (cnt + 1) * sizeof(*w->ids));
			w->nids = 0;
			for (j = 0; j < cnt; j++) {
				long id;

				if (rc_int(cx, item(v, j), "'where.id'", 1, 0x7fffffffffffffffL, &id))
					bad = 1;
				else
					w->ids[w->nids++] = id;
			}
		} else if (!strcmp(k->str, "url") || !strcmp(k->str, "type") || !strcmp(k->str, "kind")) {
			int is_url = !strcmp(k->str, "url");
			char ***dst = is_url ? &w->urls : &w->types;
			size_t *ndst = is_url ? &w->nurls : &w->ntypes;

			if (!is_url && w->types) {
				rc_error(cx, &k->pos, "give 'type' or 'kind', not both (they are the same filter)");
				bad = 1;
				continue;
			}
			if (one_or_many(v, &cnt)) {
				rc_error(cx, &v->pos, "expected a value or a non-empty list for 'where.%s'", k->str);
				bad = 1;
				continue;
			}
			*dst = rc_alloc(cx, (cnt + 1) * sizeof(char *));
			*ndst = 0;
			for (j = 0; j < cnt; j++) {
				char *s;
				int idx;

				if (!is_url && types) {
					if (rc_enum(cx, item(v, j), "'where.type'", types, &idx))
						bad = 1;
					else
						(*dst)[(*ndst)++] = rc_strdup(cx, types[idx]);
				} else if (rc_string(cx, item(v, j), is_url ? "'where.url'" : "'where.type'", &s)) {
					bad = 1;
				} else {
					(*dst)[(*ndst)++] = s;
				}
			}
		} else if (!strcmp(k->str, "published")) {
			int b;

			if (rc_bool(cx, v, "'where.published'", &b))
				bad = 1;
			else
				w->published = b;
		} else if (!strcmp(k->str, "position")) {
			if (rc_int(cx, v, "'where.position'", 1, 100000, &w->position))
				bad = 1;
		} else {
			size_t before = w->nranges;

			check_range(cx, k, v, w);
			if (w->nranges == before)
				bad = 1;
		}
	}
	*out = w;
	return bad ? -1 : 0;
}

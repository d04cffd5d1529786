/* runner/recipe_where.c -- checking `where:` (see include/recipe_where.h). Matching objects
 * against it belongs to the steps (runner/step_*.c), which know the objects' fields. */
#include "recipe_where.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
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
			} else {
				w->name_is_title = !strcmp(k->str, "title");
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

/* ---------------------------------------------------------------- as text (messages) */

/* s single-quoted as YAML does ('' for a quote), control characters as '?'. */
static void put_quoted(struct buf *out, const char *s)
{
	buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(out, "''");
		else
			buf_putc(out, (unsigned char)*s < 0x20 ? '?' : *s);
	}
	buf_putc(out, '\'');
}

static void put_rdate(struct buf *out, const struct rdate *d)
{
	buf_printf(out, "%04d-%02d-%02d", d->y % 10000, d->m % 100, d->d % 100);
	if (d->has_time)
		buf_printf(out, "T%02d:%02d:%02d", d->hh % 100, d->mm % 100, d->ss % 100);
}

static void sep(struct buf *out, size_t start)
{
	if (out->len > start + 1)
		buf_puts(out, ", ");
}

static void put_list(struct buf *out, size_t start, const char *key, char **v, size_t n)
{
	size_t i;

	if (!n)
		return;
	sep(out, start);
	buf_printf(out, "%s: %s", key, n > 1 ? "[" : "");
	for (i = 0; i < n; i++) {
		buf_puts(out, i ? ", " : "");
		put_quoted(out, v[i]);
	}
	buf_puts(out, n > 1 ? "]" : "");
}

void rwhere_text(const struct rwhere *w, struct buf *out)
{
	size_t start = out->len, i;

	buf_putc(out, '{');
	if (!w) {
		buf_putc(out, '}');
		return;
	}
	if (w->name) {
		buf_puts(out, w->name_is_title ? "title: " : "name: ");
		put_quoted(out, w->name->src ? w->name->src : "");
	}
	if (w->nids) {
		sep(out, start);
		buf_puts(out, w->nids > 1 ? "id: [" : "id: ");
		for (i = 0; i < w->nids; i++)
			buf_printf(out, "%s%lld", i ? ", " : "", w->ids[i]);
		buf_puts(out, w->nids > 1 ? "]" : "");
	}
	put_list(out, start, "url", w->urls, w->nurls);
	put_list(out, start, "type", w->types, w->ntypes);
	if (w->published >= 0) {
		sep(out, start);
		buf_printf(out, "published: %s", w->published ? "true" : "false");
	}
	if (w->position >= 0) {
		sep(out, start);
		buf_printf(out, "position: %ld", w->position);
	}
	for (i = 0; i < w->nranges; i++) {
		const struct rwhere_range *r = &w->ranges[i];

		sep(out, start);
		buf_printf(out, "%s: {", r->field);
		if (r->has_after) {
			buf_puts(out, "after: ");
			put_rdate(out, &r->after);
		}
		if (r->has_before) {
			buf_puts(out, r->has_after ? ", before: " : "before: ");
			put_rdate(out, &r->before);
		}
		buf_putc(out, '}');
	}
	buf_putc(out, '}');
}

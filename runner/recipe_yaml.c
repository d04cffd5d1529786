/* runner/recipe_yaml.c -- libyaml events -> a tree of struct ynode, each with its file:line:col.
 *
 * Why a tree and not a typed parse straight from events: errors must be reported for every
 * problem at its place, "did you mean" needs the sibling keys, and a step can be checked only
 * once its action key is known, which may come after `name:` in the mapping. A small tree with
 * positions gives all of that; recipes are small (RECIPE_MAX_BYTES).
 *
 * Hostile input, each a clear error at its place:
 *   - nesting deeper than RECIPE_MAX_DEPTH;
 *   - aliases: an alias points at the anchored node (shared, not copied), and every node carries its
 *     expanded size; the document may not expand past RECIPE_MAX_NODES (a "billion laughs" file
 *     is refused after a few thousand events, not after eating the memory);
 *   - scalars longer than RECIPE_MAX_SCALAR; duplicate keys in a mapping (found by sorting: a big
 *     mapping must not take quadratic time);
 *   - invalid UTF-8 and YAML syntax errors come from libyaml with its position (0-based there,
 *     1-based here);
 *   - more than one document, or a merge key (<<), which would hide where values come from.
 * All nodes live in the recipe's arena and are freed together, which is what makes sharing an
 * aliased node safe. The one exception: the value of the root's `courses:` is built in an arena of
 * its own (r->courses_arena), which recipe.c frees as soon as the courses are checked -- unless an
 * alias outside that value names a node in it (then it joins the recipe's arena here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "recipe.h"
#include "recipe_internal.h"
#include "xalloc.h"

struct anchor {
	char *name;
	struct ynode *node;
	size_t weight;
	int courses;               /* defined in the value of `courses:` (in_courses) */
};

struct builder {
	struct rctx *cx;
	const char *file;
	const char *buf;           /* the text, for positions of reader (encoding) errors */
	size_t len;
	struct anchor *anchors;
	size_t nanchors, aanchors;
	size_t total;              /* expanded nodes so far */
	int failed;
	/* building the value of the root's `courses:`: its nodes go to r->courses_arena, which recipe.c
	 * frees once the courses are checked (a list of N courses is N nodes nothing reads after
	 * that: issue 18, flat memory); courses_shared when an alias outside that value names a node
	 * in it, and the arena must live as long as the recipe's */
	int in_courses, courses_shared;
};

/* n bytes for a node of the tree: from the courses' arena while building the value of `courses:`,
 * else from the recipe's. */
static void *yalloc(struct builder *b, size_t n)
{
	struct recipe *r = b->cx->r;

	if (!b->in_courses)
		return rc_alloc(b->cx, n);
	if (!r->courses_arena)
		r->courses_arena = arena_new();
	return arena_alloc(r->courses_arena, n);
}

static struct rpos pos_of(struct builder *b, yaml_mark_t m)
{
	struct rpos p = { b->file, (int)m.line + 1, (int)m.column + 1 };

	return p;
}

static struct ynode *node_new(struct builder *b, enum ynode_type t, yaml_mark_t m)
{
	struct ynode *n = yalloc(b, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = t;
	n->pos = pos_of(b, m);
	return n;
}

static void add_kid(struct builder *b, struct ynode *parent, struct ynode *kid, size_t *cap)
{
	if (parent->nkids == *cap) {
		struct ynode **v;

		*cap = *cap ? 2 * *cap : 8;
		v = yalloc(b, *cap * sizeof(*v));
		if (parent->nkids)
			memcpy(v, parent->kids, parent->nkids * sizeof(*v));
		parent->kids = v;   /* the old array stays in the arena until the recipe is freed */
	}
	parent->kids[parent->nkids++] = kid;
}

static void remember_anchor(struct builder *b, const yaml_char_t *anchor, struct ynode *n, size_t weight)
{
	if (!anchor)
		return;
	if (b->nanchors == b->aanchors) {
		b->aanchors = b->aanchors ? 2 * b->aanchors : 8;
		b->anchors = xrealloc(b->anchors, b->aanchors * sizeof(*b->anchors));
	}
	b->anchors[b->nanchors].name = xstrdup((const char *)anchor);
	b->anchors[b->nanchors].node = n;
	b->anchors[b->nanchors].weight = weight;
	b->anchors[b->nanchors].courses = b->in_courses;
	b->nanchors++;
}

static struct anchor *find_anchor(struct builder *b, const char *name)
{
	size_t i;

	for (i = b->nanchors; i > 0; i--)   /* a later anchor of the same name wins, as in YAML */
		if (!strcmp(b->anchors[i - 1].name, name))
			return &b->anchors[i - 1];
	return NULL;
}

static int next_event(struct builder *b, yaml_parser_t *p, yaml_event_t *ev)
{
	if (yaml_parser_parse(p, ev))
		return 0;
	{
		struct rpos pos = pos_of(b, p->problem_mark);
		const char *problem = p->problem ? p->problem : "syntax error";

		if (p->error == YAML_READER_ERROR) {
			/* libyaml gives a byte offset for encoding errors, not a mark */
			size_t i, off = p->problem_offset < b->len ? p->problem_offset : b->len;
			const char *ls = b->buf;

			pos.line = 1;
			for (i = 0; i < off; i++)
				if (b->buf[i] == '\n') {
					pos.line++;
					ls = b->buf + i + 1;
				}
			pos.col = (int)(b->buf + off - ls) + 1;
		}

		if (p->context)
			rc_error(b->cx, &pos, "YAML: %s %s", problem, p->context);
		else
			rc_error(b->cx, &pos, "YAML: %s", problem);
	}
	b->failed = 1;
	return -1;
}

struct keyref {
	const struct ynode *key;
	size_t index;
};

static int keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->key->str, y->key->str);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The keys of mapping `n`: strings, no merge key, each once. Duplicates are found by sorting (by
 * key, then place), not by comparing every pair: a 1 MiB recipe can hold 50000 keys in one mapping,
 * and the pairs would take seconds. After reporting, the offending pairs are removed from the tree
 * (a duplicate keeps its first occurrence), so that no parser ever sees a key twice -- a parser
 * that filled an array sized for the first value overran it on the second (found by fuzzing). */
static void check_keys(struct builder *b, struct ynode *n)
{
	struct keyref *v = xmalloc((n->nkids / 2 + 1) * sizeof(*v));
	unsigned char *drop = xcalloc(n->nkids / 2 + 1, 1);
	size_t i, j, m = 0, first = 0;

	for (i = 0; i < n->nkids; i += 2) {
		const struct ynode *key = n->kids[i];

		if (key->type != YN_SCALAR) {
			rc_error(b->cx, &key->pos, "a mapping key must be a plain string");
			drop[i / 2] = 1;
			continue;
		}
		if (key->plain && !strcmp(key->str, "<<")) {
			rc_error(b->cx, &key->pos, "merge keys (<<) are not supported in recipes");
			drop[i / 2] = 1;
			continue;
		}
		v[m].key = key;
		v[m].index = i;
		m++;
	}
	qsort(v, m, sizeof(*v), keyref_cmp);
	for (i = 1; i < m; i++) {
		if (strcmp(v[i].key->str, v[first].key->str)) {
			first = i;
			continue;
		}
		rc_error(b->cx, &v[i].key->pos, "duplicate key '%s' (first at line %d)", v[i].key->str,
			 v[first].key->pos.line);
		drop[v[i].index / 2] = 1;
	}
	for (i = j = 0; i + 1 < n->nkids; i += 2) {
		if (drop[i / 2])
			continue;
		n->kids[j++] = n->kids[i];
		n->kids[j++] = n->kids[i + 1];
	}
	n->nkids = j;
	free(drop);
	free(v);
}

/* Build the node that starts with `ev` (already read). Returns NULL on error (reported). */
static struct ynode *build(struct builder *b, yaml_parser_t *p, yaml_event_t *ev, int depth, size_t *weight)
{
	struct ynode *n = NULL;
	yaml_event_t kid;
	size_t cap = 0, w = 1, kw;
	const yaml_char_t *anchor = NULL;

	*weight = 0;
	if (depth > RECIPE_MAX_DEPTH) {
		struct rpos pos = pos_of(b, ev->start_mark);

		rc_error(b->cx, &pos, "nesting deeper than %d levels", RECIPE_MAX_DEPTH);
		b->failed = 1;
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT: {
		struct anchor *a = find_anchor(b, (const char *)ev->data.alias.anchor);
		struct rpos pos = pos_of(b, ev->start_mark);

		if (!a) {
			rc_error(b->cx, &pos, "unknown alias '*%s'", ev->data.alias.anchor);
			b->failed = 1;
			return NULL;
		}
		b->total += a->weight;
		if (b->total > RECIPE_MAX_NODES) {
			rc_error(b->cx, &pos, "aliases expand the recipe past %d nodes; refusing it", RECIPE_MAX_NODES);
			b->failed = 1;
			return NULL;
		}
		if (a->courses && !b->in_courses)
			b->courses_shared = 1;
		*weight = a->weight;
		return a->node;
	}
	case YAML_SCALAR_EVENT: {
		n = node_new(b, YN_SCALAR, ev->start_mark);
		if (ev->data.scalar.length > RECIPE_MAX_SCALAR) {
			rc_error(b->cx, &n->pos, "a string of %zu bytes; the limit is %d", ev->data.scalar.length,
				 RECIPE_MAX_SCALAR);
			b->failed = 1;
			return NULL;
		}
		n->str = yalloc(b, ev->data.scalar.length + 1);
		memcpy(n->str, ev->data.scalar.value, ev->data.scalar.length);
		n->str[ev->data.scalar.length] = '\0';
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		anchor = ev->data.scalar.anchor;
		break;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int is_map = ev->type == YAML_MAPPING_START_EVENT;
		yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;

		n = node_new(b, is_map ? YN_MAP : YN_SEQ, ev->start_mark);
		anchor = is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
		/* the anchor is remembered only when the node ends, so an alias inside its own anchored
		 * node (a cycle) is "unknown alias" */
		for (;;) {
			struct ynode *k;
			/* the value of the root's `courses:` key (in_courses) */
			int courses = is_map && depth == 1 && (n->nkids & 1) && n->kids[n->nkids - 1]->type == YN_SCALAR &&
				      !strcmp(n->kids[n->nkids - 1]->str, "courses");

			if (next_event(b, p, &kid))
				return NULL;
			if (kid.type == end) {
				yaml_event_delete(&kid);
				break;
			}
			b->in_courses |= courses;
			k = build(b, p, &kid, depth + 1, &kw);
			if (courses)
				b->in_courses = 0;
			yaml_event_delete(&kid);
			if (!k)
				return NULL;
			w += kw;
			add_kid(b, n, k, &cap);
		}
		if (is_map)
			check_keys(b, n);
		break;
	}
	default: {
		struct rpos pos = pos_of(b, ev->start_mark);

		rc_error(b->cx, &pos, "unexpected YAML event");
		b->failed = 1;
		return NULL;
	}
	}
	b->total++;
	if (b->total > RECIPE_MAX_NODES) {
		rc_error(b->cx, &n->pos, "the recipe has more than %d nodes; refusing it", RECIPE_MAX_NODES);
		b->failed = 1;
		return NULL;
	}
	remember_anchor(b, anchor, n, w);
	*weight = w;
	return n;
}

struct ynode *recipe_yaml_parse(struct rctx *cx, const char *file, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct builder b;
	struct ynode *root = NULL;
	size_t w, i;
	int state = 0;   /* 0 before the document, 1 in it, 2 after it */

	memset(&b, 0, sizeof(b));
	b.cx = cx;
	b.file = file;
	b.buf = buf;
	b.len = len;
	if (!yaml_parser_initialize(&p)) {
		struct rpos pos = { file, 1, 1 };

		rc_error(cx, &pos, "cannot initialise the YAML parser");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	for (;;) {
		if (next_event(&b, &p, &ev))
			break;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			if (state == 2) {
				struct rpos pos = pos_of(&b, ev.start_mark);

				rc_error(cx, &pos, "a recipe is one YAML document; this is a second one");
				yaml_event_delete(&ev);
				b.failed = 1;
				break;
			}
			state = 1;
		} else if (ev.type == YAML_DOCUMENT_END_EVENT) {
			state = 2;
		} else if (ev.type != YAML_STREAM_START_EVENT) {
			root = build(&b, &p, &ev, 1, &w);
			if (!root) {
				yaml_event_delete(&ev);
				b.failed = 1;
				break;
			}
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (b.courses_shared) {   /* an alias elsewhere names a node of `courses:`: it stays */
		arena_merge(cx->r->arena, cx->r->courses_arena);
		cx->r->courses_arena = NULL;
	}
	for (i = 0; i < b.nanchors; i++)
		free(b.anchors[i].name);
	free(b.anchors);
	if (b.failed)
		return NULL;
	if (!root) {
		struct rpos pos = { file, 1, 1 };

		rc_error(cx, &pos, "the recipe is empty");
	}
	return root;
}

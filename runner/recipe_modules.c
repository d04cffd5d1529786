/* runner/recipe_modules.c -- the `modules` action's parser: checks every key of a modules step and
 * builds its typed model (include/recipe_modules.h, which documents the language).
 *
 * Rules:
 *   - every key, type and range is checked with the rc_*() helpers; checking goes on after an
 *     error, so one run reports every problem; the model is built as far as it can be (the recipe
 *     is thrown away anyway when there are errors);
 *   - "what" names in messages are the full key path ('modules.set.position') so an error reads on
 *     its own;
 *   - rename.with is checked against the compiled pattern: every $N must name a group the pattern
 *     has (PCRE2_INFO_CAPTURECOUNT), since a bad reference would otherwise only fail in the middle
 *     of a plan; `${1}` gets a hint, because ${...} is a recipe variable and is expanded first;
 *   - cross-field rules: set.name and rename not together (both rename); ensure names distinct,
 *     ensure positions increasing down the list (the list order IS the module order, a position
 *     that contradicts it is a mistake); no name both ensured and absent; min_score given exactly
 *     when the completion type is min_score;
 *   - empty things that can only be mistakes are errors (set: {}, ensure: [], absent: [], an
 *     empty name); empty things that mean something are kept: prerequisites: [] clears them,
 *     ensure items: [] empties a module.
 * Rejected alternatives:
 *   - `items:` as a list of {where, set} rules: the spec has one rule per step, and two rules are
 *     two steps, which the plan already merges field by field;
 *   - `where` applying to ensure/absent: those name their modules outright; a filter that could
 *     silently skip a module the recipe says must exist would hide mistakes;
 *   - treating `completion: null` as none: an empty value is more often a slip than an intent, so
 *     removing a requirement is spelled out (`none`).
 */
#include "recipe_modules.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recipe_actions.h"
#include "recipe_internal.h"
#include "step.h"

const char *const rmodules_item_type_names[] = {
	"Assignment", "Quiz", "Discussion", "Page", "File", "SubHeader", "ExternalUrl", "ExternalTool", NULL,
};

const char *const rmodules_completion_names[] = {
	"none", "must_view", "must_submit", "must_contribute", "min_score", "must_mark_done", NULL,
};

const char *const rmodules_ensure_kind_names[] = {
	"page", "assignment", "quiz", "discussion", "url", "header", NULL,
};

/* ---------------------------------------------------------------- small checks */

static const char *type_name(const struct ynode *n)
{
	return n->type == YN_MAP ? "a mapping" : n->type == YN_SEQ ? "a list" : "a value";
}

/* The key node of value `v` in mapping `map` (v itself when not found). */
static const struct ynode *key_of(const struct ynode *map, const struct ynode *v)
{
	size_t i;

	for (i = 1; i < map->nkids; i += 2)
		if (map->kids[i] == v)
			return map->kids[i - 1];
	return v;
}

/* A plain null, ~ or empty value (YAML 1.2 core schema), as recipe_check.c reads it. */
static int is_null(const struct ynode *n)
{
	return n->type == YN_SCALAR && n->plain &&
	       (!n->len || !strcmp(n->str, "null") || !strcmp(n->str, "~") || !strcmp(n->str, "Null") ||
		!strcmp(n->str, "NULL"));
}

static int name_string(struct rctx *cx, const struct ynode *n, const char *what, char **out)
{
	char *s;

	if (rc_string(cx, n, what, &s))
		return -1;
	if (!*s) {
		rc_error(cx, &n->pos, "%s must not be empty", what);
		return -1;
	}
	*out = s;
	return 0;
}

/* A number (integer or decimal, no hex, inf or nan) >= 0. */
static int nonneg_number(struct rctx *cx, const struct ynode *n, const char *what, double *out)
{
	const char *p;
	char *s, *end;
	double v;

	if (n->type != YN_SCALAR) {
		rc_error(cx, &n->pos, "expected a number for %s, got %s", what, type_name(n));
		return -1;
	}
	s = recipe_expand(cx, n);
	if (!s)
		return -1;
	for (p = s; *p && strchr("0123456789.eE+-", *p); p++)
		;
	v = *p || !*s ? 0 : strtod(s, &end);
	if (*p || !*s || *end || !isfinite(v)) {
		rc_error(cx, &n->pos, "expected a number for %s, got '%s'", what, s);
		return -1;
	}
	if (v < 0) {
		rc_error(cx, &n->pos, "%s must be 0 or more, got %s", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* A list of distinct, non-empty module names into *out / *pos (arena). An empty list is an error
 * unless allow_empty. */
static int name_list(struct rctx *cx, const struct ynode *n, const char *what, int allow_empty, char ***out,
		     struct rpos **pos, size_t *nout)
{
	size_t i, j;
	int bad = 0;

	*nout = 0;
	if (rc_seq(cx, n, what))
		return -1;
	if (!n->nkids && !allow_empty) {
		rc_error(cx, &n->pos, "%s is an empty list", what);
		return -1;
	}
	*out = rc_alloc(cx, (n->nkids + 1) * sizeof(**out));
	*pos = rc_alloc(cx, (n->nkids + 1) * sizeof(**pos));
	for (i = 0; i < n->nkids; i++) {
		char *s;
		int dup = 0;

		if (name_string(cx, n->kids[i], what, &s)) {
			bad = 1;
			continue;
		}
		for (j = 0; j < *nout && !dup; j++) {
			if (!strcmp((*out)[j], s)) {
				rc_error(cx, &n->kids[i]->pos, "'%s' is listed twice in %s (first at line %d)", s, what,
					 (*pos)[j].line);
				dup = bad = 1;
			}
		}
		if (dup)
			continue;
		(*out)[*nout] = s;
		(*pos)[*nout] = n->kids[i]->pos;
		(*nout)++;
	}
	return bad ? -1 : 0;
}

/* ---------------------------------------------------------------- set: */

static const char *const cascade_names[] = { "module only", "with items", NULL };

/* `cascade:` next to `published:` in `what` (a map); *with_items gets 1 for `with items`. */
static void parse_cascade(struct rctx *cx, const struct ynode *n, const char *what, int has_published,
			  int *with_items)
{
	const struct ynode *v = rc_get(n, "cascade");
	char w[96];

	if (!v)
		return;
	snprintf(w, sizeof(w), "'%s.cascade'", what);
	if (rc_enum(cx, v, w, cascade_names, with_items))
		return;
	if (!has_published)
		rc_error(cx, &v->pos, "%s says what publishing or unpublishing the module does to its items; "
			 "give 'published' with it", w);
}

static struct rmodules_set *parse_set(struct rctx *cx, const struct ynode *n)
{
	static const char *const keys[] = {
		"name", "published", "cascade", "unlock_at", "require_sequential_progress", "position",
		"prerequisites", NULL,
	};
	struct rmodules_set *s;
	const struct ynode *v;

	if (rc_map(cx, n, "'modules.set'", keys, NULL) && n->type != YN_MAP)
		return NULL;
	s = rc_alloc(cx, sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->pos = n->pos;
	if (!n->nkids)
		rc_error(cx, &n->pos, "'modules.set' is empty; give at least one of name, published, unlock_at, "
			 "require_sequential_progress, position, prerequisites");
	if ((v = rc_get(n, "name")) && !name_string(cx, v, "'modules.set.name'", &s->name))
		s->has_name = 1;
	if ((v = rc_get(n, "published")) && !rc_bool(cx, v, "'modules.set.published'", &s->published))
		s->has_published = 1;
	parse_cascade(cx, n, "modules.set", rc_get(n, "published") != NULL, &s->with_items);
	if ((v = rc_get(n, "unlock_at"))) {
		if (is_null(v))
			s->has_unlock_at = s->unlock_at_null = 1;
		else if (!rc_date(cx, v, "'modules.set.unlock_at'", &s->unlock_at))
			s->has_unlock_at = 1;
	}
	if ((v = rc_get(n, "require_sequential_progress")) &&
	    !rc_bool(cx, v, "'modules.set.require_sequential_progress'", &s->require_sequential_progress))
		s->has_require_sequential_progress = 1;
	if ((v = rc_get(n, "position")) && !rc_int(cx, v, "'modules.set.position'", 1, 10000, &s->position))
		s->has_position = 1;
	if ((v = rc_get(n, "prerequisites"))) {
		struct rpos *pos;

		if (!name_list(cx, v, "'modules.set.prerequisites'", 1, &s->prerequisites, &pos, &s->nprerequisites))
			s->has_prerequisites = 1;
	}
	return s;
}

/* ---------------------------------------------------------------- rename: */

/* "imsx", each at most once. */
static int check_flags(struct rctx *cx, const struct ynode *n, const char *what, char **out)
{
	const char *p;
	char *s;

	if (rc_string(cx, n, what, &s))
		return -1;
	for (p = s; *p; p++) {
		if (!strchr("imsx", *p)) {
			rc_error(cx, &n->pos, "unknown flag '%c' in %s (any of i, m, s, x, each once)", *p, what);
			return -1;
		}
		if (strchr(p + 1, *p)) {
			rc_error(cx, &n->pos, "flag '%c' is given twice in %s", *p, what);
			return -1;
		}
	}
	*out = s;
	return 0;
}

/* Before variable expansion: "${1}" is a capture written the wrong way, not an undefined variable.
 * Walks the text the way recipe_expand() does ("$${" is a literal). */
static int capture_as_variable(struct rctx *cx, const struct ynode *n, const char *what)
{
	const char *p = n->str, *q;

	while ((p = strchr(p, '$'))) {
		if (p[1] == '$' && p[2] == '{') {
			p += 3;
			continue;
		}
		if (p[1] != '{') {
			p++;
			continue;
		}
		for (q = p + 2; isdigit((unsigned char)*q); q++)
			;
		if (q > p + 2 && *q == '}') {
			rc_error(cx, &n->pos, "write $%.*s for a capture group in %s; ${...} is a recipe variable",
				 (int)(q - p - 2), p + 2, what);
			return -1;
		}
		p += 2;
	}
	return 0;
}

/* The capture references of an expanded `with`: $N (all the digits that follow, as pcre2_substitute
 * reads them) and $$. *max_ref is the highest N, -1 when none. */
static int scan_refs(struct rctx *cx, const struct ynode *n, const char *s, const char *what, int *max_ref)
{
	const char *p = s, *q;

	*max_ref = -1;
	while ((p = strchr(p, '$'))) {
		long v = 0;

		if (p[1] == '$') {
			p += 2;
			continue;
		}
		if (!isdigit((unsigned char)p[1])) {
			rc_error(cx, &n->pos, "a '$' in %s must start a capture group reference ($1 to $99); "
				 "write $$ for a dollar sign", what);
			return -1;
		}
		for (q = p + 1; isdigit((unsigned char)*q); q++)
			if (v <= 99)
				v = v * 10 + (*q - '0');
		if (v > 99) {
			rc_error(cx, &n->pos, "capture group reference $%.*s in %s is out of range ($1 to $99)",
				 (int)(q - p - 1), p + 1, what);
			return -1;
		}
		if (v > *max_ref)
			*max_ref = (int)v;
		p = q;
	}
	return 0;
}

static struct rmodules_rename *parse_rename(struct rctx *cx, const struct ynode *n)
{
	static const char *const keys[] = { "pattern", "with", "flags", NULL };
	static const char *const required[] = { "pattern", "with", NULL };
	struct rmodules_rename *r;
	const struct ynode *pat, *with, *flags;
	int flags_ok = 1, with_ok = 0;
	uint32_t count = 0;

	if (rc_map(cx, n, "'modules.rename'", keys, required) && n->type != YN_MAP)
		return NULL;
	r = rc_alloc(cx, sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->pos = n->pos;
	r->flags = "";
	r->max_ref = -1;
	pat = rc_get(n, "pattern");
	with = rc_get(n, "with");
	flags = rc_get(n, "flags");
	if (flags && check_flags(cx, flags, "'modules.rename.flags'", &r->flags))
		flags_ok = 0;
	if (pat && !rc_regex(cx, pat, "'modules.rename.pattern'", flags_ok ? r->flags : NULL, 0, &r->pattern) &&
	    !pcre2_pattern_info(r->pattern->code, PCRE2_INFO_CAPTURECOUNT, &count))
		r->ncaptures = (int)count;
	if (with && (with->type != YN_SCALAR || !capture_as_variable(cx, with, "'modules.rename.with'")) &&
	    !rc_string(cx, with, "'modules.rename.with'", &r->with) &&
	    !scan_refs(cx, with, r->with, "'modules.rename.with'", &r->max_ref))
		with_ok = 1;
	/* the group count is only known when the pattern compiled with the flags as written */
	if (with_ok && r->pattern && flags_ok && r->max_ref > r->ncaptures) {
		if (r->ncaptures == 0)
			rc_error(cx, &with->pos, "'modules.rename.with' uses $%d, but 'modules.rename.pattern' has no "
				 "capture groups", r->max_ref);
		else
			rc_error(cx, &with->pos, "'modules.rename.with' uses $%d, but 'modules.rename.pattern' has only "
				 "%d capture group%s", r->max_ref, r->ncaptures, r->ncaptures == 1 ? "" : "s");
	}
	return r;
}

/* ---------------------------------------------------------------- items: */

static void parse_items_where(struct rctx *cx, const struct ynode *n, struct rmodules_items *it)
{
	static const char *const keys[] = { "title", "type", "content", NULL };
	const struct ynode *v;
	size_t i;

	if (rc_map(cx, n, "'modules.items.where'", keys, NULL) && n->type != YN_MAP)
		return;
	if ((v = rc_get(n, "title")))
		rc_regex(cx, v, "'modules.items.where.title'", NULL, 0, &it->match_title);
	if ((v = rc_get(n, "content")))
		name_string(cx, v, "'modules.items.where.content'", &it->match_content);
	if ((v = rc_get(n, "type"))) {
		size_t cnt = v->type == YN_SEQ ? v->nkids : 1;

		if (v->type == YN_MAP) {
			rc_error(cx, &v->pos, "expected a module item type or a list of them for 'modules.items.where.type', "
				 "got a mapping");
			return;
		}
		if (!cnt)
			rc_error(cx, &v->pos, "'modules.items.where.type' is an empty list");
		for (i = 0; i < cnt; i++) {
			const struct ynode *t = v->type == YN_SEQ ? v->kids[i] : v;
			int idx;

			if (rc_enum(cx, t, "'modules.items.where.type'", rmodules_item_type_names, &idx))
				continue;
			if (it->match_types & RMOD_ITEM_BIT(idx))
				rc_error(cx, &t->pos, "'%s' is listed twice in 'modules.items.where.type'",
					 rmodules_item_type_names[idx]);
			it->match_types |= RMOD_ITEM_BIT(idx);
		}
	}
}

static void parse_completion(struct rctx *cx, const struct ynode *n, struct rmodules_items *it)
{
	static const char *const keys[] = { "type", "min_score", NULL };
	static const char *const required[] = { "type", NULL };
	const struct ynode *t, *ms;
	char *s;
	int idx;

	if (n->type == YN_SCALAR) {
		if (rc_string(cx, n, "'modules.items.set.completion'", &s))
			return;
		if (strcmp(s, "none")) {
			rc_error(cx, &n->pos, "expected 'none' or a mapping {type, min_score} for "
				 "'modules.items.set.completion', got '%s'", s);
			return;
		}
		it->has_completion = 1;
		it->completion = RMOD_COMPLETION_NONE;
		return;
	}
	if (rc_map(cx, n, "'modules.items.set.completion'", keys, required) && n->type != YN_MAP)
		return;
	t = rc_get(n, "type");
	ms = rc_get(n, "min_score");
	/* choices without "none": a requirement's type; `none` is the whole value instead */
	if (!t || rc_enum(cx, t, "'modules.items.set.completion.type'", rmodules_completion_names + 1, &idx))
		return;
	it->completion = (enum rmodules_completion)(idx + 1);
	if (it->completion == RMOD_COMPLETION_MIN_SCORE && !ms) {
		rc_error(cx, &n->pos, "'modules.items.set.completion' of type min_score needs 'min_score'");
		return;
	}
	if (it->completion != RMOD_COMPLETION_MIN_SCORE && ms) {
		rc_error(cx, &key_of(n, ms)->pos, "'min_score' goes only with completion type min_score, not %s",
			 rmodules_completion_names[idx + 1]);
		return;
	}
	if (ms && nonneg_number(cx, ms, "'modules.items.set.completion.min_score'", &it->min_score))
		return;
	it->has_completion = 1;
}

static void parse_items_set(struct rctx *cx, const struct ynode *n, struct rmodules_items *it)
{
	static const char *const keys[] = { "published", "indent", "title", "completion", NULL };
	const struct ynode *v;

	if (rc_map(cx, n, "'modules.items.set'", keys, NULL) && n->type != YN_MAP)
		return;
	if (!n->nkids)
		rc_error(cx, &n->pos, "'modules.items.set' is empty; give at least one of published, indent, title, "
			 "completion");
	if ((v = rc_get(n, "published")) && !rc_bool(cx, v, "'modules.items.set.published'", &it->published))
		it->has_published = 1;
	if ((v = rc_get(n, "indent")) && !rc_int(cx, v, "'modules.items.set.indent'", 0, 5, &it->indent))
		it->has_indent = 1;
	if ((v = rc_get(n, "title")) && !name_string(cx, v, "'modules.items.set.title'", &it->title))
		it->has_title = 1;
	if ((v = rc_get(n, "completion")))
		parse_completion(cx, v, it);
}

static struct rmodules_items *parse_items(struct rctx *cx, const struct ynode *n)
{
	static const char *const keys[] = { "where", "set", NULL };
	static const char *const required[] = { "set", NULL };
	struct rmodules_items *it;
	const struct ynode *v;

	if (rc_map(cx, n, "'modules.items'", keys, required) && n->type != YN_MAP)
		return NULL;
	it = rc_alloc(cx, sizeof(*it));
	memset(it, 0, sizeof(*it));
	it->pos = n->pos;
	if ((v = rc_get(n, "where")))
		parse_items_where(cx, v, it);
	if ((v = rc_get(n, "set")))
		parse_items_set(cx, v, it);
	return it;
}

/* ---------------------------------------------------------------- ensure: */

static int parse_ensure_item(struct rctx *cx, const struct ynode *n, struct rmodules_ensure_item *out)
{
	static const char *const keys[] = { "page", "assignment", "quiz", "discussion", "url", "header", "title",
					    NULL };
	const struct ynode *kind_key = NULL, *kind_val = NULL, *title = NULL;
	char what[64];
	size_t i;
	int bad = 0, idx = 0, k;

	if (rc_map(cx, n, "an item of 'modules.ensure.items'", keys, NULL))
		bad = 1;
	if (n->type != YN_MAP)
		return -1;
	memset(out, 0, sizeof(*out));
	out->pos = n->pos;
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *key = n->kids[i];

		if (key->type != YN_SCALAR)
			continue;
		if (!strcmp(key->str, "title")) {
			title = key;
			continue;
		}
		for (k = 0; rmodules_ensure_kind_names[k]; k++) {
			if (strcmp(key->str, rmodules_ensure_kind_names[k]))
				continue;
			if (kind_key) {
				rc_error(cx, &key->pos, "an item has one kind; '%s' and '%s' must be two items",
					 kind_key->str, key->str);
				bad = 1;
			} else {
				kind_key = key;
				kind_val = n->kids[i + 1];
				idx = k;
			}
		}
	}
	if (!kind_key) {
		if (bad)
			return -1;   /* an unknown key ("pgae") already says what is wrong */
		rc_error(cx, &n->pos, "an item of 'modules.ensure.items' needs one of page, assignment, quiz, "
			 "discussion, url, header");
		return -1;
	}
	out->kind = (enum rmodules_ensure_kind)idx;
	snprintf(what, sizeof(what), "'modules.ensure.items.%s'", kind_key->str);
	if (name_string(cx, kind_val, what, &out->ref))
		bad = 1;
	else if (out->kind == RMOD_ENSURE_URL && strncmp(out->ref, "https://", 8) &&
		 strncmp(out->ref, "http://", 7)) {
		rc_error(cx, &kind_val->pos, "%s must be an http:// or https:// URL, got '%s'", what, out->ref);
		bad = 1;
	}
	if (title && out->kind != RMOD_ENSURE_URL) {
		rc_error(cx, &title->pos, "'title' goes only with 'url' in 'modules.ensure.items' (a %s item takes "
			 "its title from the %s)", kind_key->str, out->kind == RMOD_ENSURE_HEADER ? "header text" : "object");
		bad = 1;
	} else if (title && name_string(cx, rc_get(n, "title"), "'modules.ensure.items.title'", &out->title)) {
		bad = 1;
	}
	return bad ? -1 : 0;
}

static void parse_ensure_one(struct rctx *cx, const struct ynode *n, struct rmodules_ensure *e)
{
	static const char *const keys[] = { "name", "position", "published", "cascade", "items", NULL };
	static const char *const required[] = { "name", NULL };
	const struct ynode *v;
	size_t i;

	memset(e, 0, sizeof(*e));
	e->pos = n->pos;
	if (rc_map(cx, n, "an entry of 'modules.ensure'", keys, required) && n->type != YN_MAP)
		return;
	if ((v = rc_get(n, "name")))
		name_string(cx, v, "'modules.ensure.name'", &e->name);
	if ((v = rc_get(n, "position")) && !rc_int(cx, v, "'modules.ensure.position'", 1, 10000, &e->position))
		e->has_position = 1;
	if ((v = rc_get(n, "published")) && !rc_bool(cx, v, "'modules.ensure.published'", &e->published))
		e->has_published = 1;
	parse_cascade(cx, n, "modules.ensure", rc_get(n, "published") != NULL, &e->with_items);
	if ((v = rc_get(n, "items")) && !rc_seq(cx, v, "'modules.ensure.items'")) {
		e->has_items = 1;
		e->items = rc_alloc(cx, (v->nkids + 1) * sizeof(*e->items));
		for (i = 0; i < v->nkids; i++)
			if (!parse_ensure_item(cx, v->kids[i], &e->items[e->nitems]))
				e->nitems++;
	}
}

static void parse_ensure(struct rctx *cx, const struct ynode *n, struct rmodules *m)
{
	const struct rmodules_ensure *last_pos = NULL;
	size_t i, j;

	if (rc_seq(cx, n, "'modules.ensure'"))
		return;
	m->has_ensure = 1;
	if (!n->nkids)
		rc_error(cx, &n->pos, "'modules.ensure' is an empty list");
	m->ensure = rc_alloc(cx, (n->nkids + 1) * sizeof(*m->ensure));
	for (i = 0; i < n->nkids; i++) {
		struct rmodules_ensure *e = &m->ensure[m->nensure];
		const struct ynode *name = rc_get(n->kids[i], "name");
		int dup = 0;

		parse_ensure_one(cx, n->kids[i], e);
		for (j = 0; e->name && j < m->nensure && !dup; j++) {
			if (m->ensure[j].name && !strcmp(m->ensure[j].name, e->name)) {
				rc_error(cx, &name->pos, "module '%s' is in 'modules.ensure' twice (first at line %d)",
					 e->name, m->ensure[j].pos.line);
				dup = 1;
			}
		}
		if (e->has_position) {
			if (last_pos && e->position <= last_pos->position)
				rc_error(cx, &rc_get(n->kids[i], "position")->pos, "'modules.ensure' positions must "
					 "increase down the list (the list order is the module order): %ld after %ld",
					 e->position, last_pos->position);
			last_pos = e;
		}
		if (!dup)
			m->nensure++;
	}
}

static void check_absent(struct rctx *cx, const struct ynode *n, struct rmodules *m)
{
	size_t i, j;

	if (name_list(cx, n, "'modules.absent'", 0, &m->absent, &m->absent_pos, &m->nabsent) && !m->absent)
		return;
	for (i = 0; i < m->nabsent; i++)
		for (j = 0; j < m->nensure; j++)
			if (m->ensure[j].name && !strcmp(m->ensure[j].name, m->absent[i]))
				rc_error(cx, &m->absent_pos[i], "module '%s' is both in 'modules.ensure' (line %d) and in "
					 "'modules.absent'", m->absent[i], m->ensure[j].pos.line);
}

/* ---------------------------------------------------------------- the step */

static int parse(struct rctx *cx, struct step *st, const struct ynode *n)
{
	static const char *const keys[] = { "where", "set", "rename", "items", "ensure", "absent", NULL };
	static const char *const where_keys[] = { "name", "id", "position", "published", NULL };
	struct rmodules *m;
	const struct ynode *v;

	if (rc_map(cx, n, "'modules'", keys, NULL) && (!n || n->type != YN_MAP))
		return 0;
	m = rc_alloc(cx, sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->pos = n->pos;
	st->data = m;
	if (!rc_get(n, "set") && !rc_get(n, "rename") && !rc_get(n, "items") && !rc_get(n, "ensure") &&
	    !rc_get(n, "absent"))
		rc_error(cx, &n->pos, "'modules' needs one of 'set', 'rename', 'items', 'ensure' or 'absent'");
	rc_where(cx, rc_get(n, "where"), "'modules.where'", where_keys, NULL, &m->where);
	st->where = m->where;
	if ((v = rc_get(n, "set")))
		m->set = parse_set(cx, v);
	if ((v = rc_get(n, "rename"))) {
		m->rename = parse_rename(cx, v);
		if (m->set && m->set->has_name)
			rc_error(cx, &v->pos, "give 'set.name' or 'rename', not both (each renames the modules)");
	}
	if ((v = rc_get(n, "items")))
		m->items = parse_items(cx, v);
	if ((v = rc_get(n, "ensure")))
		parse_ensure(cx, v, m);
	if ((v = rc_get(n, "absent")))
		check_absent(cx, v, m);
	return 0;
}

const struct recipe_action recipe_action_modules = {
	.name = "modules",
	.summary = "select modules (name, id, position, published); set fields, rename by regex, edit items, ensure "
		   "modules exist in order, delete absent ones",
	.parse = parse,
	.plan = step_modules,
	.needs = step_modules_needs,
};

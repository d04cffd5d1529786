/* runner/recipe.c -- a recipe's top level: version, description, canvas, courses, vars, steps;
 * and the action table.
 *
 * Checking goes on after an error so that one run reports every problem (a compiler's manners):
 * each part is checked on its own and adds to the diagnostics; the recipe is handed out only when
 * there are none. Steps are checked in order with their action's parse function; a step whose
 * action key is unknown is reported with a "did you mean" and skipped.
 *
 * `actions[]` below is the one table of actions: each row (struct recipe_action, defined in runner/
 * recipe_<name>.c and declared in include/recipe_actions.h) says how a step of it is parsed here
 * and how it is planned (its step function, runner/step_<name>.c, which plan_build.c calls; this
 * file never does). To add an action: CONTRIBUTING.md, "Adding a recipe action".
 */
#include "recipe.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "recipe_actions.h"
#include "recipe_internal.h"
#include "sha256.h"
#include "xalloc.h"

static const struct recipe_action *const actions[] = {
	&recipe_action_shift_dates,
	&recipe_action_modules,
	&recipe_action_pages,
	&recipe_action_replace_text,
	&recipe_action_schedule,
};

#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

const struct recipe_action *const *recipe_actions(size_t *n)
{
	*n = NACTIONS;
	return actions;
}

const struct recipe_action *recipe_action_find(const char *name)
{
	size_t i;

	for (i = 0; i < NACTIONS; i++)
		if (!strcmp(actions[i]->name, name))
			return actions[i];
	return NULL;
}

/* ---------------------------------------------------------------- parts */

static void check_version(struct rctx *cx, const struct ynode *root)
{
	const struct ynode *v = rc_get(root, "version");
	long n;

	if (!v) {
		rc_error(cx, &root->pos, "the recipe needs 'version: 1' at the top");
		return;
	}
	if (rc_int(cx, v, "'version'", 1, 1000, &n))
		return;
	if (n != 1)
		rc_error(cx, &v->pos, "this coursectl reads recipe version 1; the recipe is version %ld", n);
	cx->r->version = (int)n;
}

static void check_canvas(struct rctx *cx, const struct ynode *n)
{
	static const char *const keys[] = { "url", NULL };
	const struct ynode *u;
	char *s;

	if (!n || rc_map(cx, n, "'canvas'", keys, NULL))
		return;
	u = rc_get(n, "url");
	if (!u || rc_string(cx, u, "'canvas.url'", &s))
		return;
	if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7)) {
		rc_error(cx, &u->pos, "'canvas.url' must be a URL such as https://canvas.example.edu, got '%s'", s);
		return;
	}
	cx->r->canvas_url = s;
	cx->r->canvas_url_pos = u->pos;
}

static const char *const id_prefixes[] = {
	"sis_course_id:", "sis_integration_id:", "lti_context_id:", "uuid:", NULL,
};

/* A course id as written: digits, or a known prefix and a non-empty rest. */
static int valid_course_id(const char *s)
{
	const char *const *p;
	const char *c;

	if (!*s)
		return 0;
	for (c = s; isdigit((unsigned char)*c); c++)
		;
	if (!*c)
		return s[0] != '0' || !s[1];
	for (p = id_prefixes; *p; p++)
		if (!strncmp(s, *p, strlen(*p)) && s[strlen(*p)])
			return 1;
	return 0;
}

/* Courses are appended as found; repeats are found afterwards (check_course_repeats). The array
 * grows by doubling: a courses file can list hundreds of thousands. */
static void add_course(struct rctx *cx, const char *id, const struct rpos *pos)
{
	struct recipe *r = cx->r;
	size_t n = r->ncourses;

	if (!(n & (n - 1)))   /* 0, 1, 2, 4, 8, ...: full */
		r->courses = xrealloc(r->courses, (n ? 2 * n : 1) * sizeof(*r->courses));
	r->courses[n].id = xstrdup(id);
	r->courses[n].pos = *pos;
	r->ncourses++;
}

struct course_index {
	const struct course_ref *c;
	size_t index;
};

static int course_index_cmp(const void *a, const void *b)
{
	const struct course_index *x = a, *y = b;
	int c = strcmp(x->c->id, y->c->id);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* A course listed again is an error at the repeat, which is dropped. Found by sorting, not by
 * comparing every pair (a 100000-course list took seconds, a courses file minutes); reported in
 * the order of the list. */
static void check_course_repeats(struct rctx *cx)
{
	struct recipe *r = cx->r;
	size_t n = r->ncourses, i, first = 0, k = 0;
	struct course_index *v;
	int *first_line;

	if (n < 2)
		return;
	v = xmalloc(n * sizeof(*v));
	first_line = xcalloc(n, sizeof(*first_line));
	for (i = 0; i < n; i++) {
		v[i].c = &r->courses[i];
		v[i].index = i;
	}
	qsort(v, n, sizeof(*v), course_index_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i].c->id, v[first].c->id))
			first = i;
		else
			first_line[v[i].index] = v[first].c->pos.line;
	}
	for (i = 0; i < n; i++) {
		if (first_line[i]) {
			rc_error(cx, &r->courses[i].pos, "course '%s' is listed twice (first at line %d)",
				 r->courses[i].id, first_line[i]);
			free(r->courses[i].id);
			continue;
		}
		r->courses[k++] = r->courses[i];
	}
	r->ncourses = k;
	free(first_line);
	free(v);
}

static void check_course_value(struct rctx *cx, const struct ynode *n)
{
	char *s;

	if (rc_string(cx, n, "a course", &s))
		return;
	if (!valid_course_id(s)) {
		rc_error(cx, &n->pos, "'%s' is not a course id (a number, or sis_course_id:X, sis_integration_id:X, "
			 "lti_context_id:X, uuid:X)", s);
		return;
	}
	add_course(cx, s, &n->pos);
}

static void courses_from_file(struct rctx *cx, const struct ynode *f)
{
	char *text, *line, *save = NULL, *fname;
	size_t len;
	int lineno = 0;

	if (rc_read_file(cx, f, "'courses.from_file'", 4u << 20, &text, &len))
		return;
	fname = rc_strdup(cx, f->str);
	for (line = text; line && *line; line = save) {
		char *e = strchr(line, '\n'), *p, *end;
		struct rpos pos;

		save = e ? e + 1 : NULL;
		if (e)
			*e = '\0';
		lineno++;
		p = line;
		if ((end = strchr(p, '#')))
			*end = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!*p)
			continue;
		pos.file = fname;
		pos.line = lineno;
		pos.col = (int)(p - line) + 1;
		if (!valid_course_id(p))
			rc_error(cx, &pos, "'%s' is not a course id (a number, or sis_course_id:X, ...)", p);
		else
			add_course(cx, p, &pos);
	}
}

/* "112", or "sis_account_id:X" (Canvas's api_find); "self" is the domain's root account. */
static int valid_account_id(const char *s)
{
	const char *c;

	if (!strcmp(s, "self") || (!strncmp(s, "sis_account_id:", 15) && s[15]))
		return 1;
	for (c = s; isdigit((unsigned char)*c); c++)
		;
	return *s && !*c && (s[0] != '0' || !s[1]);
}

/* "87", or "sis_term_id:X". */
static int valid_term_id(const char *s)
{
	const char *c;

	if (!strncmp(s, "sis_term_id:", 12) && s[12])
		return 1;
	for (c = s; isdigit((unsigned char)*c); c++)
		;
	return *s && !*c && (s[0] != '0' || !s[1]);
}

/* {account: ID, term: ID, where: {course_code: RE, name: RE, published: BOOL}}. The regexes are
 * compiled here, so a bad one is an error at its place before anything is listed. */
static void check_course_query(struct rctx *cx, const struct ynode *n)
{
	static const char *const keys[] = { "account", "term", "where", "from_file", NULL };
	static const char *const req[] = { "account", "term", NULL };
	static const char *const wkeys[] = { "course_code", "name", "published", NULL };
	const struct ynode *a = rc_get(n, "account"), *t = rc_get(n, "term"), *w = rc_get(n, "where"), *v;
	struct course_query q;
	struct recipe *r = cx->r;
	int bad;

	if (!a && !t && !w && !rc_get(n, "from_file")) {
		/* neither form: say both rather than guess which one was meant */
		rc_map(cx, n, "'courses'", keys, NULL);
		rc_error(cx, &n->pos, "'courses' needs 'from_file', or 'account' and 'term'");
		return;
	}
	bad = rc_map(cx, n, "'courses'", keys, req);
	if (rc_get(n, "from_file")) {
		rc_error(cx, &n->pos, "'from_file' stands alone: give {from_file: FILE} and the account listing as two "
			 "items of the 'courses' list");
		return;
	}
	memset(&q, 0, sizeof(q));
	q.pos = n->pos;
	q.published = -1;
	if (a && !rc_string(cx, a, "'account'", &q.account) && !valid_account_id(q.account)) {
		rc_error(cx, &a->pos, "'%s' is not an account id (a number, sis_account_id:X or self)", q.account);
		bad = -1;
	}
	if (t && !rc_string(cx, t, "'term'", &q.term) && !valid_term_id(q.term)) {
		rc_error(cx, &t->pos, "'%s' is not a term id (a number or sis_term_id:X)", q.term);
		bad = -1;
	}
	if (w && rc_map(cx, w, "'where' of a course listing", wkeys, NULL))
		bad = -1;
	if (w && w->type == YN_MAP) {   /* an unknown key does not hide a bad regex beside it */
		if ((v = rc_get(w, "course_code")) && rc_regex(cx, v, "'where.course_code'", NULL, 0, &q.course_code))
			bad = -1;
		if ((v = rc_get(w, "name")) && rc_regex(cx, v, "'where.name'", NULL, 0, &q.name))
			bad = -1;
		if ((v = rc_get(w, "published")) && rc_bool(cx, v, "'where.published'", &q.published))
			bad = -1;
	}
	if (bad || !q.account || !q.term)
		return;
	if (!(r->nqueries & (r->nqueries - 1)))
		r->queries = xrealloc(r->queries, (r->nqueries ? 2 * r->nqueries : 1) * sizeof(*r->queries));
	r->queries[r->nqueries++] = q;
}

/* One mapping of `courses` (the value itself, or an item of its list): a file or a listing. */
static void check_course_map(struct rctx *cx, const struct ynode *n)
{
	static const char *const keys[] = { "from_file", NULL };

	if (rc_get(n, "from_file") && n->nkids == 2) {
		if (!rc_map(cx, n, "'courses'", keys, keys))
			courses_from_file(cx, rc_get(n, "from_file"));
		return;
	}
	check_course_query(cx, n);
}

static void check_courses(struct rctx *cx, const struct ynode *n)
{
	size_t i;

	if (!n)
		return;
	if (n->type == YN_SEQ) {
		if (!n->nkids)
			rc_error(cx, &n->pos, "'courses' is an empty list");
		for (i = 0; i < n->nkids; i++) {
			if (n->kids[i]->type == YN_MAP)
				check_course_map(cx, n->kids[i]);
			else
				check_course_value(cx, n->kids[i]);
		}
	} else if (n->type == YN_MAP) {
		check_course_map(cx, n);
	} else {
		rc_error(cx, &n->pos, "expected a list of course ids, {from_file: FILE} or {account: ID, term: ID} "
			 "for 'courses'");
	}
	check_course_repeats(cx);
}

static void check_vars(struct rctx *cx, const struct ynode *n)
{
	size_t i;

	if (!n)
		return;
	if (n->type != YN_MAP) {
		rc_error(cx, &n->pos, "expected a mapping of names to values for 'vars'");
		return;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *k = n->kids[i], *v = n->kids[i + 1];
		const char *p;
		int ok = k->type == YN_SCALAR && (isalpha((unsigned char)k->str[0]) || k->str[0] == '_');

		for (p = k->str; ok && p && *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_')
				ok = 0;
		if (!ok) {
			rc_error(cx, &k->pos, "variable name '%s' must be letters, digits and _", k->str ? k->str : "");
		} else if (!strcmp(k->str, "env")) {
			recipe_vars_env_check(cx, v);   /* the names ${env.NAME} may read (recipe_vars.c) */
			continue;
		}
		if (v->type != YN_SCALAR)
			rc_error(cx, &v->pos, "variable '%s' must be a single value, not %s", k->str ? k->str : "",
				 v->type == YN_MAP ? "a mapping" : "a list");
	}
	cx->vars = n;
}

static void check_step(struct rctx *cx, const struct ynode *n, size_t index)
{
	const char *keys[2 + NACTIONS + 1];
	const struct ynode *action_node = NULL, *action_key = NULL, *name;
	const struct recipe_action *act = NULL;
	struct recipe *r = cx->r;
	struct step *st;
	size_t i, k = 0;
	int unknown;

	keys[k++] = "name";
	for (i = 0; i < NACTIONS; i++)
		keys[k++] = actions[i]->name;
	keys[k] = NULL;
	if (n->type != YN_MAP) {
		rc_error(cx, &n->pos, "expected a step (a mapping such as {shift_dates: {...}}), got %s",
			 n->type == YN_SEQ ? "a list" : "a value");
		return;
	}
	unknown = cx->d->nerrors;
	rc_map(cx, n, "a step", keys, NULL);
	unknown = cx->d->nerrors - unknown;
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct recipe_action *a = n->kids[i]->type == YN_SCALAR ? recipe_action_find(n->kids[i]->str) : NULL;

		if (!a)
			continue;
		if (act) {
			rc_error(cx, &n->kids[i]->pos, "a step has one action; '%s' and '%s' must be two steps",
				 act->name, a->name);
			continue;
		}
		act = a;
		action_key = n->kids[i];
		action_node = n->kids[i + 1];
	}
	if (!act) {
		char list[256] = "";

		if (unknown)
			return;   /* "unknown key 'shfit_dates' ... did you mean" already says it */
		for (i = 0; i < NACTIONS; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "", actions[i]->name);
		rc_error(cx, &n->pos, "step %zu has no action (one of %s)", index + 1, list);
		return;
	}
	r->steps = xrealloc(r->steps, (r->nsteps + 1) * sizeof(*r->steps));
	st = &r->steps[r->nsteps++];
	memset(st, 0, sizeof(*st));
	st->action = act;
	st->pos = action_key->pos;
	name = rc_get(n, "name");
	if (name) {
		char *s = NULL;

		if (!rc_string(cx, name, "'name'", &s))
			st->name = xstrdup(s);
	}
	if (!st->name)
		st->name = xasprintf("%s #%zu", act->name, index + 1);
	act->parse(cx, st, action_node);
}

static void check_steps(struct rctx *cx, const struct ynode *root)
{
	const struct ynode *n = rc_get(root, "steps");
	size_t i;

	if (!n) {
		rc_error(cx, &root->pos, "the recipe needs 'steps:', a list of what to change");
		return;
	}
	if (rc_seq(cx, n, "'steps'"))
		return;
	if (!n->nkids)
		rc_error(cx, &n->pos, "'steps' is an empty list");
	for (i = 0; i < n->nkids; i++)
		check_step(cx, n->kids[i], i);
}

/* ---------------------------------------------------------------- loading */

/* Once `courses:` is checked its nodes are garbage: a recipe that lists N courses had N scalar
 * nodes (about 100 bytes a course) in its arena until the end of the run, where only the ids
 * (r->courses, copied) are read (issue 18, flat memory). recipe_yaml.c built them in an arena of
 * their own: it is freed, and the root forgets its `courses:` pair. An account listing's strings
 * and regexes (r->queries) point into its nodes, so with one the arena joins the recipe's instead
 * (a listing is a few nodes, not one a course). */
static void drop_courses_nodes(struct recipe *r)
{
	size_t i;

	if (!r->courses_arena)
		return;
	if (r->nqueries || !r->root || r->root->type != YN_MAP) {
		arena_merge(r->arena, r->courses_arena);
		r->courses_arena = NULL;
		return;
	}
	for (i = 0; i + 1 < r->root->nkids; i += 2)
		if (r->root->kids[i]->type == YN_SCALAR && !strcmp(r->root->kids[i]->str, "courses")) {
			memmove(&r->root->kids[i], &r->root->kids[i + 2], (r->root->nkids - i - 2) * sizeof(*r->root->kids));
			r->root->nkids -= 2;
			break;
		}
	arena_free(r->courses_arena);
	r->courses_arena = NULL;
}

static char *dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

int recipe_load_mem(struct recipe **out, const char *name, const char *buf, size_t len,
		    const struct recipe_opts *o, struct diags *d)
{
	static const char *const top[] = { "version", "description", "canvas", "courses", "vars", "steps", NULL };
	struct recipe *r = xcalloc(1, sizeof(*r));
	struct rctx cx;
	const struct ynode *desc;
	char digest[65];
	int before = d->nerrors;
	char *dir;

	*out = NULL;
	r->arena = arena_new();
	r->path = xstrdup(name);
	dir = dir_of(name);
	memset(&cx, 0, sizeof(cx));
	cx.r = r;
	cx.d = d;
	cx.o = o;
	cx.dir = dir;
	sha256_hex(buf, len, digest);
	r->sha256 = xstrdup(digest);
	if (len > RECIPE_MAX_BYTES) {
		struct rpos pos = { r->path, 1, 1 };

		rc_error(&cx, &pos, "the recipe is %zu bytes; the limit is %d", len, RECIPE_MAX_BYTES);
		goto done;
	}
	r->root = recipe_yaml_parse(&cx, r->path, buf, len);
	if (!r->root)
		goto done;
	if (r->root->type != YN_MAP) {
		rc_error(&cx, &r->root->pos, "a recipe is a mapping (version:, courses:, steps:, ...)");
		goto done;
	}
	rc_map(&cx, r->root, "the recipe", top, NULL);
	check_version(&cx, r->root);
	check_vars(&cx, rc_get(r->root, "vars"));
	desc = rc_get(r->root, "description");
	if (desc) {
		char *s;

		if (!rc_string(&cx, desc, "'description'", &s))
			r->description = s;
	}
	check_canvas(&cx, rc_get(r->root, "canvas"));
	check_courses(&cx, rc_get(r->root, "courses"));
	check_steps(&cx, r->root);
	drop_courses_nodes(r);
done:
	free(dir);
	if (d->nerrors > before) {
		recipe_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

int recipe_load(struct recipe **out, const char *path, const struct recipe_opts *o, struct diags *d)
{
	FILE *f;
	struct stat st;
	char *buf;
	size_t n;
	struct rpos pos = { path, 1, 1 };
	int rc;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		diag_add(d, &pos, "cannot read the recipe: %s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		diag_add(d, &pos, "the recipe is not a regular file");
		return -1;
	}
	if (st.st_size > RECIPE_MAX_BYTES) {
		fclose(f);
		diag_add(d, &pos, "the recipe is %lld bytes; the limit is %d", (long long)st.st_size, RECIPE_MAX_BYTES);
		return -1;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		diag_add(d, &pos, "cannot read the recipe: %s", strerror(errno));
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	rc = recipe_load_mem(out, path, buf, n, o, d);
	free(buf);
	return rc;
}

void recipe_drop_courses(struct recipe *r)
{
	size_t i;

	for (i = 0; i < r->ncourses; i++)
		free(r->courses[i].id);
	free(r->courses);
	r->courses = NULL;
	r->ncourses = 0;
}

void recipe_free(struct recipe *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nsteps; i++) {
		if (r->steps[i].action && r->steps[i].action->free && r->steps[i].data)
			r->steps[i].action->free(r->steps[i].data);
		free(r->steps[i].name);
	}
	free(r->steps);
	recipe_drop_courses(r);
	free(r->queries);
	free(r->path);
	free(r->sha256);
	arena_free(r->courses_arena);
	arena_free(r->arena);
	free(r);
}

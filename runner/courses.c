/* runner/courses.c -- the courses of a run (include/courses.h): the recipe's ids and account
 * listings resolved, filtered, narrowed by --course and cut by --shard.
 *
 * Rules it follows:
 *   - A listing is one list call per recipe entry, GET /api/v1/accounts/:id/courses with
 *     enrollment_term_id (API.md 4.2: it takes an id or sis_term_id:X, and 404s on an unknown term),
 *     all pages (canvas_list). `published` goes to Canvas as a parameter when the where asks for it
 *     (fewer pages) and is checked again here on workflow_state == "available", so a server that
 *     ignores the parameter cannot widen the run. The regexes (compiled when the recipe was
 *     checked) are matched here, on course_code and name: Canvas's search_term is a substring
 *     match of 3+ characters on either field, not a regex on one.
 *   - Listed courses come by Canvas id, ascending: Canvas's own order (by the sortable name) changes
 *     when a course is renamed, and a plan's course order should not.
 *   - The same course named twice (literally and by a listing, or by two listings) is run once.
 *     A course named by its SIS id and listed by number is only seen to be one after it is read;
 *     plan_make drops the second copy then.
 *   - Every id must come from the recipe: a --course that is not among them is a usage error (a
 *     typo must not plan a course nobody meant), as it was for plain lists.
 * Rejected: resolving listings in `validate` (validate never talks to Canvas); filtering with
 * search_term (see above).
 */
#include "courses.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "jsonid.h"
#include "msg.h"
#include "recipe.h"
#include "step.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- shards */

int shard_parse(const char *s, struct shard *sh, struct err *err)
{
	const char *p = s;
	char *end;
	unsigned long i, n;

	if (!isdigit((unsigned char)*p))
		goto bad;
	i = strtoul(p, &end, 10);
	if (*end != '/' || !isdigit((unsigned char)end[1]))
		goto bad;
	n = strtoul(end + 1, &end, 10);
	if (*end || i > 100000 || n > 100000)
		goto bad;
	if (n < 1 || i < 1 || i > n)
		return err_set(err, ERR_USAGE, "--shard %s: I must be from 1 to N and N at least 1 "
			       "(the I-th of N shards, e.g. --shard 2/4)", s);
	sh->i = (unsigned)i;
	sh->n = (unsigned)n;
	return 0;
bad:
	return err_set(err, ERR_USAGE, "--shard takes I/N (the I-th of N shards, e.g. 2/4), not '%s'", s);
}

unsigned shard_of(const char *id, unsigned n)
{
	uint64_t h = 0xcbf29ce484222325u;
	const unsigned char *p;

	for (p = (const unsigned char *)id; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3u;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 33;
	return n ? 1 + (unsigned)(h % n) : 1;
}

/* ---------------------------------------------------------------- the list */

/* Ownership: the list owns its strings; course_list_release frees them and the array. */
static void add(struct course_list *cl, const char *id)
{
	if (cl->n == cl->alloc) {
		cl->alloc = cl->alloc ? 2 * cl->alloc : 16;
		cl->ids = xrealloc(cl->ids, cl->alloc * sizeof(*cl->ids));
	}
	cl->ids[cl->n++] = xstrdup(id);
}

static void add_once(struct course_list *cl, const char *id)
{
	size_t j;

	for (j = 0; j < cl->n && strcmp(cl->ids[j], id); j++)
		;
	if (j == cl->n)
		add(cl, id);
}

void course_list_release(struct course_list *cl)
{
	size_t i;

	for (i = 0; i < cl->n; i++)
		free(cl->ids[i]);
	free(cl->ids);
	memset(cl, 0, sizeof(*cl));
}

/* A listed course, as far as choosing it goes. */
struct listed {
	long long id;
	const char *sis;          /* borrowed from the listing, or NULL */
};

static int listed_cmp(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* 1 when course c passes q's where, 0 when not, -1 (err set) when a regex fails at run time. */
static int query_match(const struct course_query *q, const cJSON *c, struct err *err)
{
	const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "course_code"));
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "name"));
	const char *ws = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "workflow_state"));
	char what[96];
	char idb[32];
	const char *id = jsonid_text(cJSON_GetObjectItemCaseSensitive(c, "id"), idb);
	int m;

	if (q->published >= 0 && q->published != (ws && !strcmp(ws, "available")))
		return 0;
	if (q->course_code) {
		if (!code)
			return 0;
		snprintf(what, sizeof(what), "course %s course_code", id ? id : "?");
		if ((m = step_regex_match(q->course_code, code, strlen(code), what, err)) <= 0)
			return m;
	}
	if (q->name) {
		if (!name)
			return 0;
		snprintf(what, sizeof(what), "course %s name", id ? id : "?");
		if ((m = step_regex_match(q->name, name, strlen(name), what, err)) <= 0)
			return m;
	}
	return 1;
}

/* The listed courses that pass their where, by id, each once; *n set. Malloced (free). */
static struct listed *collect(const struct recipe *r, cJSON *const *listed, size_t *n, struct err *err)
{
	struct listed *v = NULL;
	size_t q, k = 0, cap = 0, i, out = 0;
	const cJSON *c;
	int m;

	for (q = 0; q < r->nqueries; q++) {
		cJSON_ArrayForEach(c, listed[q]) {
			long long id;

			/* a number, or Canvas's string id above 2^53 (jsonid.h) */
			if (jsonid_ll(cJSON_GetObjectItemCaseSensitive(c, "id"), &id) || id < 1)
				continue;
			if ((m = query_match(&r->queries[q], c, err)) < 0) {
				free(v);
				return NULL;
			}
			if (!m)
				continue;
			if (k == cap) {
				cap = cap ? 2 * cap : 16;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[k].id = id;
			v[k].sis = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "sis_course_id"));
			k++;
		}
	}
	if (k)
		qsort(v, k, sizeof(*v), listed_cmp);
	for (i = 0; i < k; i++)
		if (!out || v[out - 1].id != v[i].id)
			v[out++] = v[i];
	*n = out;
	return v ? v : xcalloc(1, sizeof(*v));
}

/* 1 when `want` (a --course) names entry `id` (or the listed course l). */
static int names(const char *want, const char *id, const struct listed *l)
{
	if (!strcmp(want, id))
		return 1;
	return l && l->sis && !strncmp(want, "sis_course_id:", 14) && !strcmp(want + 14, l->sis);
}

int courses_select(struct course_list *out, const struct recipe *r, cJSON *const *listed, char *const *only,
		   size_t nonly, const struct shard *sh, struct err *err)
{
	struct course_list all = COURSE_LIST_INIT;
	struct listed *lv, **lof;       /* lof[i]: the listed course behind all.ids[i], or NULL */
	size_t nl = 0, i, k, nlit;
	char idb[32];
	int rc = 0;

	if (!(lv = collect(r, listed, &nl, err)))
		return err->code;
	lof = xcalloc(r->ncourses + nl + 1, sizeof(*lof));
	for (i = 0; i < r->ncourses; i++)
		add(&all, r->courses[i].id);
	nlit = all.n;
	for (i = 0; i < nl; i++) {
		snprintf(idb, sizeof(idb), "%lld", lv[i].id);
		for (k = 0; k < nlit && strcmp(all.ids[k], idb); k++)
			;
		if (k < nlit) {
			lof[k] = &lv[i];
			continue;   /* named one by one too: once, in the recipe's place */
		}
		lof[all.n] = &lv[i];
		add(&all, idb);
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < nonly; i++) {
		for (k = 0; k < all.n && !names(only[i], all.ids[k], lof[k]); k++)
			;
		if (k == all.n && r->nqueries) {
			rc = err_set(err, ERR_USAGE, "course %s is not among the courses of %s (its list and the "
				     "courses its account listings found)", only[i], r->path);
			goto done;
		}
		if (k == all.n && r->ncourses) {
			rc = err_set(err, ERR_USAGE, "course %s is not among the courses of %s (%s:%d:%d)", only[i],
				     r->path, r->path, r->courses[0].pos.line, r->courses[0].pos.col);
			goto done;
		}
		add_once(out, k < all.n ? all.ids[k] : only[i]);
	}
	if (!nonly && !r->ncourses && !r->nqueries) {
		rc = err_set(err, ERR_USAGE, "%s lists no courses: give --course ID", r->path);
		goto done;
	}
	for (i = 0; !nonly && i < all.n; i++)
		add(out, all.ids[i]);
	out->before_shard = out->n;
	if (sh && sh->n) {
		for (i = k = 0; i < out->n; i++) {
			if (shard_of(out->ids[i], sh->n) == sh->i)
				out->ids[k++] = out->ids[i];
			else
				free(out->ids[i]);
		}
		out->n = k;
	}
done:
	if (rc)
		course_list_release(out);
	course_list_release(&all);
	free(lof);
	free(lv);
	return rc;
}

/* ---------------------------------------------------------------- listing */

struct listing {
	cJSON *courses;
	struct err err;
};

static void on_listing(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct listing *l = ud;

	(void)cv;
	if (err->code)
		l->err = *err;
	else
		l->courses = json;
}

int courses_resolve(struct course_list *out, struct canvas *cv, const struct recipe *r, char *const *only,
		    size_t nonly, const struct shard *sh, struct err *err)
{
	struct listing *ls;
	cJSON **listed;
	size_t q;
	int rc = 0;

	if (!r->nqueries)
		return courses_select(out, r, NULL, only, nonly, sh, err);
	if (!cv)
		return err_set(err, ERR_GENERIC, "%s lists courses by account, which needs Canvas", r->path);
	ls = xcalloc(r->nqueries, sizeof(*ls));
	listed = xcalloc(r->nqueries, sizeof(*listed));
	for (q = 0; q < r->nqueries; q++) {
		const struct course_query *cq = &r->queries[q];
		char *acct = canvas_path_id(cq->account), *term = canvas_path_id(cq->term);
		const char *pub = cq->published < 0 ? "" : cq->published ? "&published=true" : "&published=false";
		char *path = xasprintf("/api/v1/accounts/%s/courses?enrollment_term_id=%s%s", acct, term, pub);
		char *what = xasprintf("the courses of account %s in term %s (%s:%d:%d)", cq->account,
				       cq->term, cq->pos.file, cq->pos.line, cq->pos.col);

		canvas_list(cv, path, what, on_listing, &ls[q]);
		free(acct);
		free(term);
		free(path);
		free(what);
	}
	rc = canvas_run(cv, err);
	for (q = 0; !rc && q < r->nqueries; q++) {
		if (ls[q].err.code) {
			*err = ls[q].err;
			rc = err->code;
		}
		listed[q] = ls[q].courses;
	}
	if (!rc)
		rc = courses_select(out, r, listed, only, nonly, sh, err);
	if (!rc)
		verbosef("courses: %zu in %s, %zu in this run", out->before_shard, r->path, out->n);
	for (q = 0; q < r->nqueries; q++)
		cJSON_Delete(ls[q].courses);
	free(listed);
	free(ls);
	return rc;
}

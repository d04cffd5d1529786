/* runner/step_pages.c -- the `pages` step: substitutions in page bodies, a body from a file, page
 * fields, and a missing page created (model: include/recipe_pages.h; semantics: docs/recipes.md
 * "## `pages`").
 *
 * Selection (where): url is an exact slug (one or a list), title a regex on the title, id the
 * page_id (API.md 7.1: the slug is the address, page_id the identity the plan uses), published the
 * flag; all given conditions hold. Urls and ids are looked up in sorted copies of the recipe's
 * lists (one binary search per page, not a scan of the list). A where.url slug that no page of the
 * course has is recorded as a skip ("page 'x' does not exist") unless create: true creates it.
 *
 * Per selected page, in this order (each through step_set, so Blueprint locks and merging with
 * earlier steps are handled there):
 *   body       replace: step_substitute over the body, note "N matches"; body_file: the file's
 *              bytes, or the HTML rendered from a .md file at check time (recipe_pages.c), note
 *              naming the file. A null or absent body (an empty page, or one locked for the
 *              caller, API.md 7.2) has nothing to replace and is passed over silently. A body
 *              that already shows the file after html_normalize (the comparison apply's
 *              read-back makes: white space, the Canvas origin in front of root-relative URLs,
 *              file-link parameters) is no change: Canvas rewrites HTML on the way in and out
 *              (API.md 7.4), so the body read back after an apply is rarely the bytes sent, and a
 *              plan made after an apply must still be empty.
 *   title      and with it the url Canvas will make (issue 15): WikiPage acts_as_url sync_url +
 *              ensure_unique_url derive it from the title and add -2, -3 ... when another page
 *              has it (runner/pageurl.c). The url is a change of its own (note "Canvas makes the
 *              url from the title"), which apply does not send and reads back
 *              (exec_is_derived_field); the working copy takes the new url, so later steps find
 *              the page where Canvas will have it. When the current url is not the one the old
 *              title makes, the note says the rollback will not bring it back. A title whose url
 *              cannot be predicted (pageurl.c) records a skip on url saying so.
 *   published  the front page cannot be unpublished (API.md 7.3, 12): a skip with that reason.
 *   front_page Canvas has one front page: making page X the front page also turns the flag off on
 *              the current one (WikiPagesApiController#process_front_page ->
 *              WikiPage#set_as_front_page! moves Wiki#front_page_url), recorded as its own change
 *              with the note "Canvas moves the front page to 'X'": the plan is what rollback
 *              undoes, and the undo sets the flag on that page again before it deletes or unsets
 *              X. apply sends that change too, after X's (exec_order.c, the row's sole_flag), when
 *              Canvas has already moved the flag and the PUT changes nothing.
 *              A page that is unpublished after this step's `published` cannot become the front
 *              page (API.md 7.3): a skip with the reason. A `where` that selects several pages with
 *              front_page: true is skipped on each of them (only one page can win; the checker
 *              already refuses several where.url slugs).
 *   editing_roles, todo_date, publish_at
 *              Canvas's comma list; dates through step_date_utc in the course zone, null clearing
 *              the field; a date equal as an instant to the current one is no change. The field
 *              is "todo_date", the name Canvas reads it back under (API.md 7.2); the PUT names it
 *              wiki_page[student_todo_at] (7.3), which is apply's to map. Each date is computed
 *              once per step (zone conversions set TZ and reload the zone: too slow per page).
 *
 * create: true. When where.url[0] names no page of the working copy, a page is created there
 * (step_create, so its fields are one create change) with url, title (set.title, else the slug
 * read as words, "welcome-spring-2026" -> "Welcome Spring 2026"; validate has checked that the
 * title makes exactly that url, recipe_pages.c), body (body_file or ""), published
 * (set.published, else false as Canvas creates pages) and the other set fields; front_page only
 * when the new page is published (else a skip), moving the front page as above. Nothing else of
 * the step applies to it (its fields are already the requested ones). A page that exists is
 * edited as usual.
 *
 * Markdown (body_file: x.md) needs nothing here: the model's body is already the HTML
 * (runner/markdown.c), and the note says it was rendered.
 *
 * Rejected: comparing the body_file byte for byte (every plan after an apply against a Canvas
 * that makes links absolute would list the page again); refusing the whole step when one url is
 * missing (a recipe runs over many courses and one course lacking a page should not stop the
 * others); leaving the url of a renamed page out of the plan (the plan would not say where the
 * page will be, and a later plan would not find it by the url the user read).
 */
#include "step.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "html_norm.h"
#include "jsonid.h"
#include "pageurl.h"
#include "recipe_pages.h"
#include "xalloc.h"

unsigned step_pages_needs(const void *model)
{
	(void)model;
	return 1u << RES_PAGE;
}

/* ---------------------------------------------------------------- small helpers */

static int is_true(const cJSON *o, const char *f)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, f));
}

/* ---------------------------------------------------------------- selection */

struct lookup {
	const char **urls;        /* where.url, sorted, without repeats */
	unsigned char *seen;      /* urls[i] is some page's url */
	size_t nurls;
	long long *ids;           /* where.id, sorted */
	size_t nids;
};

/* Ownership: lk's arrays are malloced; lookup_release frees them (the strings stay the recipe's). */
static void lookup_init(struct lookup *lk, const struct rwhere *w)
{
	size_t i, n = 0;

	memset(lk, 0, sizeof(*lk));
	if (!w)
		return;
	if (w->nurls) {
		lk->urls = xmalloc(w->nurls * sizeof(*lk->urls));
		for (i = 0; i < w->nurls; i++)
			lk->urls[i] = w->urls[i];
		qsort(lk->urls, w->nurls, sizeof(*lk->urls), step_cmp_str);
		for (i = 0; i < w->nurls; i++)
			if (!n || strcmp(lk->urls[n - 1], lk->urls[i]))
				lk->urls[n++] = lk->urls[i];
		lk->nurls = n;
		lk->seen = xcalloc(n, 1);
	}
	if (w->nids) {
		lk->ids = xmalloc(w->nids * sizeof(*lk->ids));
		memcpy(lk->ids, w->ids, w->nids * sizeof(*lk->ids));
		qsort(lk->ids, w->nids, sizeof(*lk->ids), step_cmp_ll);
		lk->nids = w->nids;
	}
}

static void lookup_release(struct lookup *lk)
{
	free(lk->urls);
	free(lk->seen);
	free(lk->ids);
}

/* The index of url in lk->urls, or -1. */
static long lookup_url(const struct lookup *lk, const char *url)
{
	const char **hit;

	if (!lk->nurls)
		return -1;
	hit = bsearch(&url, lk->urls, lk->nurls, sizeof(*lk->urls), step_cmp_str);
	return hit ? (long)(hit - lk->urls) : -1;
}

static int lookup_id(const struct lookup *lk, const cJSON *id)
{
	long long v;

	if (jsonid_ll(id, &v))
		return 0;   /* a page this plan creates ("new:N") has no id a recipe can name */
	return lk->nids && bsearch(&v, lk->ids, lk->nids, sizeof(*lk->ids), step_cmp_ll) != NULL;
}

/* "page 'slug' FIELD in course N" for error messages. */
static void page_what(const struct step_ctx *cx, const cJSON *p, const char *field, char *buf, size_t size)
{
	const char *url = step_str(p, "url");

	snprintf(buf, size, "page '%.100s' %s in course %s", url ? url : step_name(RES_PAGE, p), field,
		 cx->course_id);
}

/* 1 when page p passes where w, 0 when not, -1 with err set (a title regex failing at run time).
 * Marks the where.url slug p has as seen, whatever the other conditions say. */
static int page_selected(const struct step_ctx *cx, const struct rwhere *w, struct lookup *lk, const cJSON *p,
			 struct err *err)
{
	const char *s;
	long i;
	char what[160];

	if (!w)
		return 1;
	if (w->nurls) {
		s = step_str(p, "url");
		if (!s || (i = lookup_url(lk, s)) < 0)
			return 0;
		lk->seen[i] = 1;
	}
	if (w->nids && !lookup_id(lk, cJSON_GetObjectItemCaseSensitive(p, "page_id")))
		return 0;
	if (w->published >= 0 && is_true(p, "published") != w->published)
		return 0;
	if (w->name) {
		s = step_name(RES_PAGE, p);
		page_what(cx, p, "title", what, sizeof(what));
		return step_regex_match(w->name, s, strlen(s), what, err);
	}
	return 1;
}

static cJSON *find_by_url(cJSON *pages, const char *url)
{
	cJSON *p;

	cJSON_ArrayForEach(p, pages) {
		const char *u = step_str(p, "url");

		if (u && !strcmp(u, url))
			return p;
	}
	return NULL;
}

/* ---------------------------------------------------------------- dates */

/* One `DATE | null` of the step, converted once. */
struct date_val {
	const struct rpage_date *d;
	int done;
	char utc[32];
};

/* Convert the date once (dv->utc). 0, or -1 with err set (no zone for a local date). */
static int date_utc(struct step_ctx *cx, struct date_val *dv, const char *field, struct err *err)
{
	size_t l;

	if (dv->done)
		return 0;
	if (!step_date_utc(&dv->d->date, cx->time_zone, dv->utc, err)) {
		dv->done = 1;
		return 0;
	}
	l = strlen(err->msg);
	snprintf(err->msg + l, sizeof(err->msg) - l, " (course %s, pages.set.%s)", cx->course_id, field);
	return -1;
}

/* Set p.field to the date (or null). 0, or -1 with err set. */
static int set_date(struct step_ctx *cx, cJSON *p, const char *field, struct date_val *dv, struct err *err)
{
	const char *cur;
	int64_t a, b;

	if (dv->d->op == RPAGE_DATE_UNSET)
		return 0;
	if (dv->d->op == RPAGE_DATE_CLEAR) {
		step_set(cx, RES_PAGE, p, field, cJSON_CreateNull(), NULL);
		return 0;
	}
	if (date_utc(cx, dv, field, err))
		return -1;
	/* the same instant written another way ("...T04:59:00.000Z") is no change */
	cur = step_str(p, field);
	if (cur && !dates_parse(cur, &a) && !dates_parse(dv->utc, &b) && a == b)
		return 0;
	step_set_string(cx, RES_PAGE, p, field, dv->utc, NULL);
	return 0;
}

/* ---------------------------------------------------------------- the front page */

/* Turn the flag off on the pages other than p that have it: Canvas does so when p becomes the
 * front page, and the plan shows it (apply sends only p's change). */
static void move_front_page(struct step_ctx *cx, cJSON *pages, cJSON *p)
{
	const char *url = step_str(p, "url");
	char *note = xasprintf("Canvas moves the front page to '%s'", url ? url : step_name(RES_PAGE, p));
	cJSON *q;

	cJSON_ArrayForEach(q, pages)
		if (q != p && is_true(q, "front_page"))
			step_set_bool(cx, RES_PAGE, q, "front_page", 0, note);
	free(note);
}

/* ---------------------------------------------------------------- the url of a renamed page */

struct url_taken {
	cJSON *pages;
	const cJSON *self;
};

static int url_taken(const char *url, void *ud)
{
	const struct url_taken *t = ud;
	const cJSON *q;

	cJSON_ArrayForEach(q, t->pages) {
		const char *u = step_str(q, "url");

		if (q != t->self && u && !strcmp(u, url))
			return 1;
	}
	return 0;
}

/* The url Canvas gives page p for its title (runner/pageurl.c), made unique among the course's
 * other pages, or NULL when the title cannot be predicted. Malloced. */
static char *url_for_title(cJSON *pages, const cJSON *p, const char *title)
{
	struct url_taken t = { pages, p };
	char *base = pageurl_from_title(title), *u;

	if (!base || !*base) {
		free(base);
		return NULL;
	}
	u = pageurl_unique(base, url_taken, &t);
	free(base);
	return u;
}

/* p has just been given a new title: Canvas moves its url to the one the title makes (acts_as_url
 * sync_url). The plan shows the url Canvas will make; apply does not send it and reads it back.
 * A url that was not made from the old title cannot come back: a rollback restores the title, and
 * Canvas then makes the url from it. */
static void rename_url(struct step_ctx *cx, cJSON *pages, cJSON *p)
{
	const char *old = step_str(p, "url");
	const struct plan_change *c;
	char *nu = url_for_title(pages, p, step_name(RES_PAGE, p)), *back = NULL, *note;
	char idb[32];

	if (!nu) {
		step_skip(cx, RES_PAGE, p, "url", "Canvas makes a new url from the title, and coursectl cannot tell "
			  "which (a character it does not transliterate); read it after apply");
		return;
	}
	/* the url the ORIGINAL title makes: what a rollback of the title ends with */
	c = plan_find(cx->plan, cx->course_id, RES_PAGE, step_id(RES_PAGE, p, idb), "title");
	if (c && cJSON_IsString(c->before) && old) {
		const struct plan_change *cu = plan_find(cx->plan, cx->course_id, RES_PAGE, idb, "url");
		const char *orig = cu && cJSON_IsString(cu->before) ? cu->before->valuestring : old;

		back = url_for_title(pages, p, c->before->valuestring);
		if (back && !strcmp(back, orig)) {
			free(back);
			back = NULL;
		} else if (back) {
			char *t = xasprintf("Canvas makes the url from the title; a rollback restores the title, and Canvas "
					    "will then make '%s', not '%s'", back, orig);

			free(back);
			back = t;
		}
	}
	note = back ? back : xstrdup("Canvas makes the url from the title");
	step_set_string(cx, RES_PAGE, p, "url", nu, note);
	free(note);
	free(nu);
}

/* ---------------------------------------------------------------- create */

static int create_page(struct step_ctx *cx, const struct rpages *pg, cJSON *pages, const char *slug,
		       struct date_val *todo, struct date_val *pub, struct err *err)
{
	const struct rpages_set *s = &pg->set;
	cJSON *fields, *p;
	char *title;
	int published = s->published == 1;

	/* the dates first: an error must not leave a half-made create behind */
	if ((todo->d->op == RPAGE_DATE_SET && date_utc(cx, todo, "todo_date", err)) ||
	    (pub->d->op == RPAGE_DATE_SET && date_utc(cx, pub, "publish_at", err)))
		return -1;
	title = s->title ? xstrdup(s->title) : recipe_pages_title_from_slug(slug);
	fields = cJSON_CreateObject();
	cJSON_AddStringToObject(fields, "url", slug);
	cJSON_AddStringToObject(fields, "title", title);
	cJSON_AddStringToObject(fields, "body", pg->body ? pg->body : "");
	cJSON_AddBoolToObject(fields, "published", published);
	if (s->front_page && published)
		cJSON_AddTrueToObject(fields, "front_page");
	if (s->editing_roles_str)
		cJSON_AddStringToObject(fields, "editing_roles", s->editing_roles_str);
	if (todo->d->op == RPAGE_DATE_SET)
		cJSON_AddStringToObject(fields, "todo_date", todo->utc);
	if (pub->d->op == RPAGE_DATE_SET)
		cJSON_AddStringToObject(fields, "publish_at", pub->utc);
	free(title);
	p = step_create(cx, RES_PAGE, pages, fields);
	if (s->front_page && !published) {
		step_skip(cx, RES_PAGE, p, "front_page", "an unpublished page cannot be the front page; add "
			  "published: true to make it the front page");
	} else if (s->front_page) {
		move_front_page(cx, pages, p);
	}
	return 0;
}

/* ---------------------------------------------------------------- one page */

/* 1 when the body Canvas has (`cur`, as read) shows `want` (a body_file's HTML) after the rewrites
 * Canvas makes on the way in and out -- the comparison apply's read-back uses. */
static int same_html(const struct step_ctx *cx, const char *cur, const char *want)
{
	char *a, *b;
	int same;

	if (!strcmp(cur, want))
		return 1;
	a = html_normalize(cur, cx->plan->base_url);
	b = html_normalize(want, cx->plan->base_url);
	same = !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

static int edit_body(struct step_ctx *cx, const struct rpages *pg, cJSON *p, struct err *err)
{
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(p, "body");
	char what[160], note[64], *out;
	size_t outlen;
	long n;

	if (pg->nreplace) {
		if (!cJSON_IsString(body))
			return 0;   /* no body: nothing to replace */
		page_what(cx, p, "body", what, sizeof(what));
		if (step_substitute(pg->replace, pg->nreplace, body->valuestring, strlen(body->valuestring), &out,
				    &outlen, &n, what, err))
			return -1;
		if (!out)
			return 0;
		snprintf(note, sizeof(note), "%ld match%s", n, n == 1 ? "" : "es");
		step_set(cx, RES_PAGE, p, "body", step_string_take(out), note);
	} else if (pg->body_file) {
		char *fnote;

		if (cJSON_IsString(body) && same_html(cx, body->valuestring, pg->body))
			return 0;
		fnote = xasprintf("the whole body from '%s'%s", pg->body_file,
				  pg->markdown ? ", Markdown rendered to HTML" : "");
		step_set_string(cx, RES_PAGE, p, "body", pg->body, fnote);
		free(fnote);
	}
	return 0;
}

static int edit_page(struct step_ctx *cx, const struct rpages *pg, cJSON *pages, cJSON *p, size_t nselected,
		     struct date_val *todo, struct date_val *pub, struct err *err)
{
	const struct rpages_set *s = &pg->set;

	if (edit_body(cx, pg, p, err))
		return -1;
	if (!pg->has_set)
		return 0;
	if (s->title && step_set_string(cx, RES_PAGE, p, "title", s->title, NULL) == 1)
		rename_url(cx, pages, p);
	if (s->published == 0 && is_true(p, "front_page"))
		step_skip(cx, RES_PAGE, p, "published", "the front page cannot be unpublished");
	else if (s->published >= 0)
		step_set_bool(cx, RES_PAGE, p, "published", s->published, NULL);
	if (s->front_page && !is_true(p, "front_page")) {
		if (nselected > 1)
			step_skip(cx, RES_PAGE, p, "front_page", "'front_page: true' selects %zu pages and only one can be "
				  "the front page; narrow 'where' to one page", nselected);
		else if (!is_true(p, "published"))
			step_skip(cx, RES_PAGE, p, "front_page", "an unpublished page cannot be the front page; add "
				  "published: true to make it the front page");
		else if (step_set_bool(cx, RES_PAGE, p, "front_page", 1, NULL) == 1)
			move_front_page(cx, pages, p);
	}
	if (s->editing_roles_str)
		step_set_string(cx, RES_PAGE, p, "editing_roles", s->editing_roles_str, NULL);
	if (set_date(cx, p, "todo_date", todo, err) || set_date(cx, p, "publish_at", pub, err))
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- the step */

int step_pages(struct step_ctx *cx, const void *model, struct err *err)
{
	const struct rpages *pg = model;
	cJSON *pages = step_list(cx, RES_PAGE), *p, **sel;
	struct date_val todo = { &pg->set.todo_date, 0, "" }, pub = { &pg->set.publish_at, 0, "" };
	struct lookup lk;
	size_t nsel = 0, i;
	int rc = 0;

	if (pg->create && pg->where && pg->where->nurls && !find_by_url(pages, pg->where->urls[0]) && ++cx->matched)
		return create_page(cx, pg, pages, pg->where->urls[0], &todo, &pub, err);
	lookup_init(&lk, pg->where);
	/* select first, then edit: the front page rule needs the number selected, and editing moves
	 * no page in or out of the selection that matters (front_page is not a where key) */
	sel = xmalloc(((size_t)cJSON_GetArraySize(pages) + 1) * sizeof(*sel));
	cJSON_ArrayForEach(p, pages) {
		int m = page_selected(cx, pg->where, &lk, p, err);

		if (m < 0) {
			rc = -1;
			goto done;
		}
		if (m)
			sel[nsel++] = p;
	}
	cx->matched += nsel;
	for (i = 0; i < nsel; i++)
		if (edit_page(cx, pg, pages, sel[i], nsel, &todo, &pub, err)) {
			rc = -1;
			goto done;
		}
	/* in the recipe's order, each slug once */
	for (i = 0; pg->where && i < pg->where->nurls; i++) {
		long k = lookup_url(&lk, pg->where->urls[i]);

		if (k >= 0 && !lk.seen[k]) {
			lk.seen[k] = 1;
			step_skip_missing(cx, RES_PAGE, lk.urls[k], "page '%s' does not exist", lk.urls[k]);
		}
	}
done:
	free(sel);
	lookup_release(&lk);
	return rc;
}

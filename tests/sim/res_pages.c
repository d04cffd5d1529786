/* tests/sim/res_pages.c -- wiki pages, the front page and page revisions (API.md 7, 9, 12).
 *
 * Endpoints (all under /api/v1/courses/:course_id):
 *   GET    pages                          list (bookmark paging, see below)
 *   POST   pages                          create; wiki_page[title] required
 *   GET    pages/:url_or_id               one page, with body
 *   PUT    pages/:url_or_id               update, or CREATE when the page does not exist (upsert)
 *   DELETE pages/:url_or_id               delete; answers the deleted page
 *   POST   pages/:url_or_id/duplicate     an unpublished copy titled "<title> Copy"
 *   GET    front_page, PUT front_page     the page flagged front_page; PUT creates one if none
 *   GET    pages/:url_or_id/revisions     summaries, newest first (numbered paging)
 *   GET    pages/:url_or_id/revisions/:revision_id | latest   one revision (summary=true: no content)
 *   POST   pages/:url_or_id/revisions/:revision_id            revert
 *
 * Canvas rules reproduced (wiki_pages_api_controller.rb, wiki_page.rb, wiki.rb, lib/api/v1/wiki_page.rb):
 * - Addressing (7.1): "page_id:N" looks up by id only; otherwise the url slug, then the slug of the
 *   parameter (Canvas's to_url), then the parameter's leading integer (Ruby to_i) as an id. So a
 *   page whose slug is "7" shadows page id 7. Unknown: 404 {"message":"page not found"}.
 * - Page JSON (7.2): updated_at is revised_at (bumped only by a title or body change),
 *   editing_roles defaults to "teachers", hide_from_students = !published, last_edited_by only when
 *   known, locked_for_user false (a seed may store locked_for_user true + lock_info: then body is
 *   omitted, as for a caller locked out by a module). Lists omit body unless include[]=body and carry
 *   the stored blueprint keys (is_master_course_child_content, restricted_by_master_course,
 *   master_course_restrictions); single-page GETs do not (Canvas adds them in index only).
 * - List (7.2): published=true|false filters; search_term is a case-insensitive title substring and
 *   must have 2+ characters (else 400 {"errors":[{"field":"search_term",...}]}, SearchTermHelper);
 *   sort=title|created_at|updated_at|todo_date then id, order=desc reverses both (Postgres puts NULLs
 *   last ascending, first descending); a course with "pages_tab_disabled": true gives 404
 *   {"message":"That page has been disabled for this course"}.
 * - Update (7.3, 9): the wiki_page wrapper is optional -- without it Canvas updates nothing and still
 *   answers 200 with the page (the silent no-op of USERS.md item 6). wiki_page[editing_roles] must be
 *   a comma list of teachers/students/members/public (400 on editing_roles). The front page cannot
 *   become unpublished: 400 with "The front page cannot be unpublished" on published (and on
 *   front_page when that was sent too). wiki_page[front_page]=true moves the front page here (the old
 *   one loses it, WikiPage#set_as_front_page! -> Wiki#set_front_page_url!, which leaves the course's
 *   default_view alone); false on the front page leaves the course without one, and a course whose
 *   default_view was "wiki" gets null, the default (#process_front_page -> Wiki#unset_front_page!,
 *   app/models/wiki.rb); false on another page changes nothing (@set_front_page stays unset when
 *   the page's front state is already the one sent). The to-do date is WRITTEN
 *   as wiki_page[student_todo_at] (student_planner_checkbox=false clears it) and READ as todo_date;
 *   wiki_page[todo_date] is not a permitted parameter and is dropped silently (canvas-lms #2076).
 *   publish_at is accepted (Scheduled Page Publication); a future publish_at unpublishes the page.
 *   Unparseable dates become null, as Rails casting does on this controller (API.md 9).
 * - Upsert: PUT to an unknown slug creates the page, 200. Its title is wiki_page[title] or the slug
 *   titleized ("my-new-page" -> "My New Page"); like every page made by a teacher it starts
 *   UNPUBLISHED unless wiki_page[published] says otherwise (initialize_wiki_page). PUT front_page
 *   with no front page creates a published front page (a title is then required).
 * - Slugs: the url follows the title (acts_as_url sync_url). A taken slug gets -2, -3, ...
 *   (ensure_unique_url). The slug is canvas_stringex's String#to_url (sim_slug in sim_state.c:
 *   "Q&A: Week 1.5" -> q-and-a-week-1-dot-5), so an upsert PUT to pages/welcome-spring-2026 with
 *   title "Welcome to Spring 2026" makes the page at welcome-to-spring-2026 (issue 15; canvas-lms
 *   master app/models/wiki_page.rb WikiPage#ensure_unique_url, app/controllers/
 *   wiki_pages_api_controller.rb #get_wiki_page builds the page with the requested url, #update
 *   saves it with the title, and acts_as_url re-derives the url before validation). Titles are
 *   not made unique: that is the permanent_page_links behaviour of current Canvas; older Canvas
 *   also suffixed the title.
 * - Module items (6): a PUT or a revert that changes the title, the url or the published state
 *   gives the page's module items the new title, page_url and state (ContentTag.update_for,
 *   sim_module_items_sync; items naming the page by its old url are found too).
 * - Title validation: blank -> "Title can't be blank", over 255 -> "Title can't exceed 255
 *   characters", no letter or digit -> "Title must contain at least one letter or number".
 * - Blueprint (12): a page stored with "restricted_by_master_course": true and
 *   master_course_restrictions {content: body,title; settings: editing_roles,url; state: published;
 *   availability_dates: publish_at} refuses changes to locked columns with 400
 *   {"errors":{"base":[{"type":"cannot change column(s): body - locked by Master Course",...}]}};
 *   deleting such a page is 401/403 unauthorized.
 * - Delete: the front page cannot be deleted (400, error on front_page); otherwise the page is
 *   removed from the state and answered as Canvas renders a deleted page (published false).
 * - Revisions (7.5): simply_versioned saves a version whenever a versioned column changes -- title,
 *   body, url, todo_date or publish_at, NOT published or editing_roles. Each stored revision is a
 *   snapshot {revision_id, updated_at (the page's revised_at then), title, url, body, edited_by?}.
 *   Seed pages have no revisions: their current content is revision 1, stored lazily in the page's
 *   "revisions" array the first time a versioned change happens (reads show it without storing).
 *   Revert copies body, title and url (never published, editing_roles, front_page, publish_at,
 *   todo_date), saves, and answers the current revision with content. When the revision equals the
 *   page already, Canvas's save creates no version, so the answer is the existing latest revision.
 *   Unknown revision ids are the generic 404 (first! raises RecordNotFound).
 * - Editors: a token entry {"token": ..., "user": {User display object}} names the caller; its user
 *   becomes last_edited_by and the revision's edited_by. Tokens without one edit anonymously.
 * - notify_of_update on a published page whose title or body changed records an
 *   "updated_wiki_page" notification (/__sim/notifications).
 *
 * HTML (7.4): real Canvas rewrites HTML both ways (file links gain course context and verifiers,
 * root-relative URLs become absolute). The simulator echoes bodies verbatim, so coursectl's tests
 * must not depend on round-trip identity either way. A course flag "rewrite_html": true makes
 * outgoing href="/..." and src="/..." absolute and re-serialises the body as Canvas's sanitizer
 * (Nokogiri, HTML5) does: no self-closing slash ("<br />" -> "<br>") and "&quot;" in text as a
 * bare '"', so a client can be tested against rewriting.
 *
 * Paging: the pages list is the simulator's bookmark-paged list (API.md checklist: at least one
 * endpoint forces clients to follow Link verbatim). Real Canvas pages this list by number. A
 * bookmark token names the last page_id served (sim_page.c), which is only meaningful in ascending
 * id order, so a request with a valid sort or with order=desc falls back to numbered paging. The
 * alternative, a bookmark holding the sort key too, would need a second token format in sim_page.c
 * for one endpoint. Revisions use numbered paging.
 *
 * Left out: permanent_page_links (old slugs resolving after a rename -- the sim is stricter, so a
 * client that keeps using the url it was given works on both), module-lock computation,
 * assignment-linked pages (mastery paths), Canvas's ensure_unique_title of older versions.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "sim.h"
#include "sim_form.h"
#include "xalloc.h"

#define TITLE_MAX 255

/* ---------------------------------------------------------------- small helpers */

/* Ruby's String#to_i: optional blanks and sign, then digits; 0 when there are none. */
static long long ruby_to_i(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return strtoll(s, NULL, 10);
}

static int64_t page_id(const cJSON *p)
{
	const cJSON *v = sim_get(p, "page_id");

	return sim_value_id(v);
}

/* Equal strings, where NULL (JSON null or absent) equals only NULL. */
static int same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* Rails' titleize of a slug: "my-new_page" -> "My New Page". */
static char *titleize(const char *slug)
{
	char *out = xstrdup(slug), *p;
	int start = 1;

	for (p = out; *p; p++) {
		if (*p == '-' || *p == '_')
			*p = ' ';
		if (*p == ' ') {
			start = 1;
		} else {
			if (start)
				*p = (char)toupper((unsigned char)*p);
			start = 0;
		}
	}
	return out;
}

/* A scalar request value as a malloced string; *present 0 for absent or non-scalar values (strong
 * parameters drop those), NULL with *present 1 for JSON null. */
static char *val_str(const cJSON *v, int *present)
{
	char num[64];

	*present = 1;
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsNull(v))
		return NULL;
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble == (double)sim_i64(v->valuedouble))
			snprintf(num, sizeof(num), "%lld", (long long)sim_i64(v->valuedouble));
		else
			snprintf(num, sizeof(num), "%g", v->valuedouble);
		return xstrdup(num);
	}
	*present = 0;
	return NULL;
}

/* The caller's User display object (token entry "user"), a new cJSON, or NULL. */
static cJSON *editor_of(struct sim_req *rq)
{
	cJSON *e = sim_token_entry(rq->sim, rq->token);
	cJSON *u = cJSON_IsObject(e) ? sim_get(e, "user") : NULL;

	return cJSON_IsObject(u) ? cJSON_Duplicate(u, 1) : NULL;
}

/* ---------------------------------------------------------------- errors */

/* Add a model error (type = message: Canvas adds these as strings) to *errs, created on demand. */
static void err_add(cJSON **errs, const char *field, const char *msg)
{
	if (!*errs)
		*errs = cJSON_CreateObject();
	sim_errors_add(*errs, field, msg);
}

static void reply_page_not_found(struct sim_resp *rs)
{
	sim_reply_message(rs, 404, "page not found");
}

/* ---------------------------------------------------------------- lookups */

/* Wiki#find_page: page_id:N by id only; else url, url of the parameter's slug, then to_i as id. */
static cJSON *find_page(cJSON *pages, const char *param)
{
	cJSON *p;
	char *slug;
	long long id;

	if (!param)
		return NULL;
	if (!strncmp(param, "page_id:", 8) && param[8] &&
	    strspn(param + 8, "0123456789") == strlen(param + 8)) {
		id = strtoll(param + 8, NULL, 10);
		cJSON_ArrayForEach(p, pages)
			if (page_id(p) == id)
				return p;
		return NULL;
	}
	cJSON_ArrayForEach(p, pages)
		if (same_str(sim_str(p, "url"), param))
			return p;
	slug = sim_slug(param);
	cJSON_ArrayForEach(p, pages) {
		if (same_str(sim_str(p, "url"), slug)) {
			free(slug);
			return p;
		}
	}
	free(slug);
	id = ruby_to_i(param);
	if (id > 0)
		cJSON_ArrayForEach(p, pages)
			if (page_id(p) == id)
				return p;
	return NULL;
}

static cJSON *front_page_of(cJSON *pages)
{
	cJSON *p;

	cJSON_ArrayForEach(p, pages)
		if (sim_bool(p, "front_page", 0))
			return p;
	return NULL;
}

static int url_taken(cJSON *pages, const char *url, const cJSON *self)
{
	cJSON *p;

	cJSON_ArrayForEach(p, pages)
		if (p != self && same_str(sim_str(p, "url"), url))
			return 1;
	return 0;
}

/* ensure_unique_url: `base` if free, else base-2, base-3, ... (malloced). */
static char *unique_url(cJSON *pages, const char *base, const cJSON *self)
{
	char *u;
	int n;

	if (!url_taken(pages, base, self))
		return xstrdup(base);
	for (n = 2;; n++) {
		u = xasprintf("%s-%d", base, n);
		if (!url_taken(pages, u, self))
			return u;
		free(u);
	}
}

/* ---------------------------------------------------------------- rendering */

/* api_user_content and the sanitizer's serialisation, reduced to three rules and only for courses
 * with "rewrite_html": root-relative href/src become absolute; a tag's self-closing slash goes;
 * "&quot;" in text becomes '"'. Otherwise the body is echoed verbatim. Malloced, or NULL for NULL. */
static char *html_out(struct sim_req *rq, const char *body)
{
	struct buf b = BUF_INIT;
	const char *p;
	int in_tag = 0;
	char q = 0;

	if (!body)
		return NULL;
	if (!sim_bool(rq->course, "rewrite_html", 0))
		return xstrdup(body);
	for (p = body; *p;) {
		size_t skip = !strncmp(p, "href=", 5) ? 5 : !strncmp(p, "src=", 4) ? 4 : 0;

		if (in_tag && !q && skip && (p[skip] == '"' || p[skip] == '\'') && p[skip + 1] == '/' &&
		    p[skip + 2] != '/') {
			buf_add(&b, p, skip + 1);
			buf_puts(&b, rq->base);
			q = p[skip];            /* inside the attribute's quotes now */
			p += skip + 1;
			continue;
		}
		if (!in_tag && *p == '<' && (isalpha((unsigned char)p[1]) || p[1] == '/')) {
			in_tag = 1;
		} else if (in_tag && q) {
			if (*p == q)
				q = 0;
		} else if (in_tag && (*p == '"' || *p == '\'')) {
			q = *p;
		} else if (in_tag && *p == '>') {
			in_tag = 0;
		} else if (in_tag && (!strncmp(p, " />", 3) || !strncmp(p, "/>", 2))) {
			p += *p == ' ' ? 2 : 1;
			continue;
		} else if (!in_tag && !strncmp(p, "&quot;", 6)) {
			buf_putc(&b, '"');
			p += 6;
			continue;
		}
		buf_putc(&b, *p++);
	}
	if (!b.ptr)
		return xstrdup("");
	return buf_detach(&b, NULL);
}

static void add_body(struct sim_req *rq, cJSON *out, const char *key, const cJSON *from)
{
	const char *body = sim_str(from, "body");
	char *html;

	if (body && rq->borrow && !sim_bool(rq->course, "rewrite_html", 0)) {
		/* a list page, printed before the state can change: the body is borrowed (sim.h) */
		cJSON_AddItemToObjectCS(out, key, cJSON_CreateStringReference(body));   /* key: a literal */
		return;
	}
	html = html_out(rq, body);

	if (html) {
		cJSON_AddStringToObject(out, key, html);
		free(html);
	} else {
		cJSON_AddNullToObject(out, key);
	}
}

/* wiki_page_json. with_body: single page or include[]=body; in_list: add the blueprint keys. */
static cJSON *render_page(struct sim_req *rq, const cJSON *p, int with_body, int in_list)
{
	static const char *const blueprint[] = {
		"is_master_course_child_content", "restricted_by_master_course", "master_course_restrictions",
	};
	/* the keys are literals, added without a copy (cJSON_AddItemToObjectCS: i18/simrender) */
	cJSON *o = cJSON_CreateObject();
	const char *roles = sim_str(p, "editing_roles"), *url = sim_str(p, "url");
	const cJSON *ed = sim_get(p, "last_edited_by");
	int published = sim_bool(p, "published", 1), locked = sim_bool(p, "locked_for_user", 0);
	char *enc = form_urlencode(url ? url : ""), *html_url;
	size_t i;

	cJSON_AddItemToObjectCS(o, "title", sim_dup_or_null(p, "title"));
	cJSON_AddItemToObjectCS(o, "created_at", sim_dup_or_null(p, "created_at"));
	cJSON_AddItemToObjectCS(o, "url", sim_dup_or_null(p, "url"));
	cJSON_AddItemToObjectCS(o, "editing_roles", cJSON_CreateString(roles ? roles : "teachers"));
	sim_add_id(o, "page_id", page_id(p));
	if (cJSON_IsObject(ed))
		cJSON_AddItemToObjectCS(o, "last_edited_by", cJSON_Duplicate(ed, 1));
	cJSON_AddItemToObjectCS(o, "published", cJSON_CreateBool(published));
	cJSON_AddItemToObjectCS(o, "hide_from_students", cJSON_CreateBool(!published));
	cJSON_AddItemToObjectCS(o, "front_page", cJSON_CreateBool(sim_bool(p, "front_page", 0)));
	{
		char cb[24];
		const char *parts[] = { rq->base, "/courses/", sim_i64_str(cb, sim_id(rq->course)), "/pages/", enc };

		html_url = sim_join(parts, sizeof(parts) / sizeof(parts[0]));
	}
	cJSON_AddItemToObjectCS(o, "html_url", cJSON_CreateString(html_url));
	free(html_url);
	free(enc);
	cJSON_AddItemToObjectCS(o, "todo_date", sim_dup_or_null(p, "todo_date"));
	cJSON_AddItemToObjectCS(o, "publish_at", sim_dup_or_null(p, "publish_at"));
	cJSON_AddItemToObjectCS(o, "updated_at", sim_get(p, "updated_at")
							 ? sim_dup_or_null(p, "updated_at")
							 : sim_dup_or_null(p, "created_at"));
	cJSON_AddItemToObjectCS(o, "locked_for_user", cJSON_CreateBool(locked));
	if (locked) {
		/* a seed can lock a page for the caller: Canvas then sends lock info and no body */
		if (sim_get(p, "lock_info"))
			cJSON_AddItemToObjectCS(o, "lock_info", sim_dup_or_null(p, "lock_info"));
		if (sim_get(p, "lock_explanation"))
			cJSON_AddItemToObjectCS(o, "lock_explanation", sim_dup_or_null(p, "lock_explanation"));
	} else if (with_body) {
		add_body(rq, o, "body", p);
	}
	if (in_list)
		for (i = 0; i < sizeof(blueprint) / sizeof(blueprint[0]); i++)
			if (sim_get(p, blueprint[i]))
				cJSON_AddItemToObjectCS(o, blueprint[i], sim_dup_or_null(p, blueprint[i]));
	return o;
}

/* ---------------------------------------------------------------- revisions */

static int64_t rev_num(const cJSON *r)
{
	const cJSON *v = sim_get(r, "revision_id");

	return sim_value_id(v);
}

/* A snapshot of the page's versioned content as revision `num`. */
static cJSON *rev_snapshot(const cJSON *p, int64_t num)
{
	cJSON *r = cJSON_CreateObject();
	const cJSON *ed = sim_get(p, "last_edited_by");

	sim_add_id(r, "revision_id", num);
	cJSON_AddItemToObject(r, "updated_at", sim_get(p, "updated_at")
						       ? sim_dup_or_null(p, "updated_at")
						       : sim_dup_or_null(p, "created_at"));
	cJSON_AddItemToObject(r, "title", sim_dup_or_null(p, "title"));
	cJSON_AddItemToObject(r, "url", sim_dup_or_null(p, "url"));
	cJSON_AddItemToObject(r, "body", sim_dup_or_null(p, "body"));
	if (cJSON_IsObject(ed))
		cJSON_AddItemToObject(r, "edited_by", cJSON_Duplicate(ed, 1));
	return r;
}

/* The page's revisions for writing: seed pages get their current content stored as revision 1. */
static cJSON *revs_touch(cJSON *p)
{
	cJSON *revs = sim_get(p, "revisions");

	if (!cJSON_IsArray(revs)) {
		revs = cJSON_CreateArray();
		sim_set(p, "revisions", revs);
	}
	if (!cJSON_GetArraySize(revs))
		cJSON_AddItemToArray(revs, rev_snapshot(p, 1));
	return revs;
}

/* The page's revisions for reading, without storing anything: the stored array, or a temporary
 * one holding revision 1 (*tmp is then set and must be deleted). */
static cJSON *revs_peek(cJSON *p, cJSON **tmp)
{
	cJSON *revs = sim_get(p, "revisions");

	*tmp = NULL;
	if (cJSON_IsArray(revs) && cJSON_GetArraySize(revs))
		return revs;
	*tmp = cJSON_CreateArray();
	cJSON_AddItemToArray(*tmp, rev_snapshot(p, 1));
	return *tmp;
}

static int64_t revs_latest(const cJSON *revs)
{
	const cJSON *r;
	int64_t max = 0;

	cJSON_ArrayForEach(r, revs)
		if (rev_num(r) > max)
			max = rev_num(r);
	return max;
}

static cJSON *revs_find(cJSON *revs, int64_t num)
{
	cJSON *r;

	cJSON_ArrayForEach(r, revs)
		if (rev_num(r) == num)
			return r;
	return NULL;
}

/* wiki_page_revision_json */
static cJSON *render_revision(struct sim_req *rq, const cJSON *r, int64_t latest, int with_content)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *ed = sim_get(r, "edited_by");

	sim_add_id(o, "revision_id", rev_num(r));
	cJSON_AddItemToObject(o, "updated_at", sim_dup_or_null(r, "updated_at"));
	cJSON_AddBoolToObject(o, "latest", rev_num(r) == latest);
	if (with_content) {
		cJSON_AddItemToObject(o, "url", sim_dup_or_null(r, "url"));
		cJSON_AddItemToObject(o, "title", sim_dup_or_null(r, "title"));
		add_body(rq, o, "body", r);
	}
	if (cJSON_IsObject(ed))
		cJSON_AddItemToObject(o, "edited_by", cJSON_Duplicate(ed, 1));
	return o;
}

/* Append the page's current content as the next revision. */
static void revs_append(cJSON *p)
{
	cJSON *revs = sim_get(p, "revisions");

	if (!cJSON_IsArray(revs)) {
		revs = cJSON_CreateArray();
		sim_set(p, "revisions", revs);
	}
	cJSON_AddItemToArray(revs, rev_snapshot(p, revs_latest(revs) + 1));
}

/* ---------------------------------------------------------------- blueprint locks */

/* MasterCourses::Restrictor: the locked columns this change touches, as Canvas lists them. Each
 * flag says whether that column changes. Returns 1 and adds the base error when any is locked. */
struct col_change {
	int body, title, editing_roles, url, published, publish_at;
};

static int blueprint_refuses(const cJSON *p, const struct col_change *c, cJSON **errs)
{
	const cJSON *rs = sim_get(p, "master_course_restrictions");
	struct buf b = BUF_INIT;
	int content, settings, state, avail;
	char *msg;

	if (!sim_bool(p, "restricted_by_master_course", 0) || !cJSON_IsObject(rs))
		return 0;
	content = sim_bool(rs, "content", 0);
	settings = sim_bool(rs, "settings", 0);
	state = sim_bool(rs, "state", 0);
	avail = sim_bool(rs, "availability_dates", 0);
	if (content && c->body)
		buf_puts(&b, ", body");
	if (content && c->title)
		buf_puts(&b, ", title");
	if (settings && c->editing_roles)
		buf_puts(&b, ", editing_roles");
	if (settings && c->url)
		buf_puts(&b, ", url");
	if (state && c->published)
		buf_puts(&b, ", workflow_state");
	if (avail && c->publish_at)
		buf_puts(&b, ", publish_at");
	if (!b.len) {
		buf_release(&b);
		return 0;
	}
	msg = xasprintf("cannot change column(s): %s - locked by Master Course", b.ptr + 2);
	err_add(errs, "base", msg);
	free(msg);
	buf_release(&b);
	return 1;
}

static int blueprint_locked_any(const cJSON *p)
{
	const cJSON *rs = sim_get(p, "master_course_restrictions"), *it;

	if (!sim_bool(p, "restricted_by_master_course", 0))
		return 0;
	cJSON_ArrayForEach(it, rs)
		if (sim_value_bool(it))
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- the wiki_page parameters */

struct page_input {
	int has_title, has_body, has_published, has_roles, has_front, has_publish_at, has_todo;
	char *title, *body;          /* NULL or malloced (NULL with has_* = JSON null) */
	char *roles;                 /* normalised "teachers,students", malloced */
	int roles_bad;
	int published, front, notify;
	cJSON *publish_at, *todo;    /* string or null, owned */
};

/* editing_roles: split on ",", strip, every role known; Ruby's split drops trailing empties. */
static char *roles_parse(const char *s, int *bad)
{
	static const char *const known[] = { "teachers", "students", "members", "public" };
	struct buf b = BUF_INIT;
	char *copy = xstrdup(s), *p = copy, *end;
	size_t k, n;

	*bad = 0;
	n = strlen(copy);
	while (n && copy[n - 1] == ',')
		copy[--n] = '\0';
	while (n) {
		char *tok = p, *comma = strchr(p, ',');
		int ok = 0;

		if (comma)
			*comma = '\0';
		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(tok, known[k]))
				ok = 1;
		if (!ok)
			*bad = 1;
		if (b.len)
			buf_putc(&b, ',');
		buf_puts(&b, tok);
		if (!comma)
			break;
		p = comma + 1;
	}
	free(copy);
	if (!b.ptr)
		return xstrdup("");
	return buf_detach(&b, NULL);
}

static void input_parse(struct sim *s, const cJSON *w, struct page_input *in)
{
	const cJSON *v;

	memset(in, 0, sizeof(*in));
	if (!w)
		return;
	in->title = val_str(sim_get(w, "title"), &in->has_title);
	in->body = val_str(sim_get(w, "body"), &in->has_body);
	v = sim_get(w, "published");
	/* Canvas: an empty published value leaves the state alone; JSON null is false */
	if (v && !(cJSON_IsString(v) && !v->valuestring[0]) && !cJSON_IsObject(v) && !cJSON_IsArray(v)) {
		in->has_published = 1;
		in->published = sim_value_bool(v);
	}
	v = sim_get(w, "editing_roles");
	if (cJSON_IsString(v)) {
		in->has_roles = 1;
		in->roles = roles_parse(v->valuestring, &in->roles_bad);
	}
	v = sim_get(w, "front_page");
	if (v && !cJSON_IsObject(v) && !cJSON_IsArray(v)) {
		in->has_front = 1;
		in->front = sim_value_bool(v);
	}
	in->notify = sim_bool(w, "notify_of_update", 0);
	v = sim_get(w, "publish_at");
	if (v) {
		in->has_publish_at = 1;
		if (sim_time_input(s, v, 0, &in->publish_at))
			in->publish_at = cJSON_CreateNull();   /* Rails casts garbage to nil */
	}
	/* assign_todo_date: student_todo_at (not todo_date!) sets it; checkbox=false clears it */
	v = sim_get(w, "student_todo_at");
	if (v && !cJSON_IsNull(v)) {
		in->has_todo = 1;
		if (sim_time_input(s, v, 0, &in->todo))
			in->todo = cJSON_CreateNull();
	}
	v = sim_get(w, "student_planner_checkbox");
	if (v && !sim_value_bool(v)) {
		cJSON_Delete(in->todo);
		in->has_todo = 1;
		in->todo = cJSON_CreateNull();
	}
}

static void input_release(struct page_input *in)
{
	free(in->title);
	free(in->body);
	free(in->roles);
	cJSON_Delete(in->publish_at);
	cJSON_Delete(in->todo);
}

/* WikiPage's title validation; adds to *errs and returns 1 when invalid. */
static int title_invalid(const char *title, cJSON **errs)
{
	const char *p;
	int alnum = 0;

	if (!title || !*title || strspn(title, " \t\r\n") == strlen(title)) {
		err_add(errs, "title", "Title can't be blank");
		return 1;
	}
	if (strlen(title) > TITLE_MAX) {
		err_add(errs, "title", "Title can't exceed 255 characters");
		return 1;
	}
	for (p = title; *p; p++)
		if (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80)
			alnum = 1;
	if (!alnum) {
		err_add(errs, "title", "Title must contain at least one letter or number");
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- create and update */

enum write_mode {
	WRITE_UPDATE,   /* PUT pages/:url_or_id (creates when `page` is NULL) */
	WRITE_CREATE,   /* POST pages */
	WRITE_FRONT,    /* PUT front_page (creates a front page when `page` is NULL) */
};

static time_t parse_utc(const cJSON *v)
{
	time_t t;

	if (!cJSON_IsString(v) || sim_time_parse(v->valuestring, "UTC", 0, &t))
		return (time_t)-1;
	return t;
}

/* The update action of wiki_pages_api_controller: get_update_params, WikiPage validations, save,
 * process_front_page. `page` is the existing page or NULL; `slug` the :url_or_id of an upsert. */
static void page_write(struct sim_req *rq, struct sim_resp *rs, cJSON *page, const char *slug,
		       enum write_mode mode)
{
	cJSON *pages = sim_course_kind(rq->course, "pages");
	cJSON *w = sim_body_wrapper(rq, "wiki_page"), *errs = NULL, *editor = NULL, *it;
	struct page_input in;
	struct col_change chg;
	int is_new = !page, was_front = page ? sim_bool(page, "front_page", 0) : 0;
	int set_front = 0, set_as = 0, cur_pub, new_pub, final_front, content, versioned;
	const char *old_title = page ? sim_str(page, "title") : NULL;
	const char *old_body = page ? sim_str(page, "body") : NULL;
	const char *old_roles = page ? sim_str(page, "editing_roles") : NULL;
	char *title = NULL, *url = NULL, *old_url = NULL, *slugged, when[21];
	const char *body, *roles;
	const cJSON *old_pa;
	time_t t;

	input_parse(rq->sim, w, &in);
	memset(&chg, 0, sizeof(chg));
	/* a new page made by a teacher starts unpublished; PUT front_page's starts published */
	cur_pub = page ? sim_bool(page, "published", 1) : mode == WRITE_FRONT;
	if (is_new && mode == WRITE_FRONT)
		set_front = set_as = 1;

	/* get_update_params: roles first, then the front page's visibility */
	if (in.roles_bad) {
		err_add(&errs, "editing_roles", "The provided editing roles are invalid");
		goto fail;
	}
	if (in.has_front) {
		set_as = in.front;
		set_front = set_front || was_front != set_as;
	}
	if (set_front || in.has_published) {
		int nf = set_front ? set_as : was_front, np = in.has_published ? in.published : cur_pub;

		if (nf && !np) {
			if (set_front)
				err_add(&errs, "front_page", "The front page cannot be unpublished");
			if (in.has_published)
				err_add(&errs, "published", "The front page cannot be unpublished");
			goto fail;
		}
	}

	/* the new values */
	if (in.has_title)
		title = in.title ? xstrdup(in.title) : NULL;
	else if (page)
		title = old_title ? xstrdup(old_title) : NULL;
	else if (mode == WRITE_UPDATE)
		title = titleize(slug);   /* Wiki#build_wiki_page: url.titleize */
	/* only a title being set is validated: a sparse seed page without one stays editable */
	if ((is_new || in.has_title) && title_invalid(title, &errs))
		goto fail;
	body = in.has_body ? in.body : old_body;
	roles = in.has_roles ? in.roles : old_roles;
	new_pub = in.has_published ? in.published : cur_pub;
	if (in.has_publish_at && (t = parse_utc(in.publish_at)) != (time_t)-1 && t > sim_now())
		new_pub = 0;   /* Scheduled Page Publication: a future publish_at unpublishes */
	if (is_new || !same_str(title, old_title)) {
		slugged = sim_slug(title);
		url = unique_url(pages, slugged, page);
		free(slugged);
	} else {
		url = xstrdup(sim_str(page, "url") ? sim_str(page, "url") : "");
	}
	if (page) {
		chg.body = !same_str(body, old_body);
		chg.title = !same_str(title, old_title);
		chg.editing_roles = in.has_roles && !same_str(roles, old_roles ? old_roles : "teachers");
		chg.url = !same_str(url, sim_str(page, "url"));
		chg.published = new_pub != cur_pub;
		old_pa = sim_get(page, "publish_at");
		chg.publish_at = in.has_publish_at && !sim_same_value(in.publish_at, old_pa);
		if (blueprint_refuses(page, &chg, &errs))
			goto fail;
	}
	final_front = set_front ? set_as : was_front;
	if (final_front && !new_pub) {
		/* validate_front_page_visibility (reached through a future publish_at) */
		err_add(&errs, "published", "cannot unpublish front page");
		goto fail;
	}

	/* save */
	sim_time_now(when);
	content = is_new || chg.body || chg.title;
	versioned = content || chg.url || chg.publish_at ||
		    (in.has_todo &&
		     !sim_same_value(in.todo, sim_get(page, "todo_date")));
	if (is_new) {
		page = cJSON_CreateObject();
		cJSON_AddStringToObject(page, "title", title);
		cJSON_AddStringToObject(page, "created_at", when);
		cJSON_AddStringToObject(page, "url", url);
		cJSON_AddStringToObject(page, "editing_roles", "teachers");
		sim_add_id(page, "page_id", sim_new_id(rq->sim));
		cJSON_AddBoolToObject(page, "published", 0);
		cJSON_AddBoolToObject(page, "front_page", 0);
		cJSON_AddNullToObject(page, "todo_date");
		cJSON_AddNullToObject(page, "publish_at");
		cJSON_AddStringToObject(page, "updated_at", when);
		cJSON_AddNullToObject(page, "body");
		cJSON_AddItemToArray(pages, page);
	} else if (versioned) {
		revs_touch(page);   /* the seed content becomes revision 1 before it changes */
	}
	/* store only what changes, so that a no-op PUT leaves a sparse seed page as it was */
	if (is_new || chg.title)
		sim_set_str(page, "title", title);
	if (chg.url && sim_str(page, "url"))
		old_url = xstrdup(sim_str(page, "url"));
	if (is_new || chg.url)
		sim_set_str(page, "url", url);
	if (in.has_body)
		sim_set_str(page, "body", in.body);
	if (in.has_roles)
		sim_set_str(page, "editing_roles", in.roles);
	if (is_new || new_pub != cur_pub)
		sim_set(page, "published", cJSON_CreateBool(new_pub));
	if (in.has_publish_at)
		sim_set(page, "publish_at", cJSON_Duplicate(in.publish_at, 1));
	if (in.has_todo)
		sim_set(page, "todo_date", cJSON_Duplicate(in.todo, 1));
	if (content)
		sim_set_str(page, "updated_at", when);   /* revised_at moves with title and body only */
	editor = editor_of(rq);
	if (editor)
		sim_set(page, "last_edited_by", editor);
	if (versioned)
		revs_append(page);

	/* process_front_page */
	if (set_front) {
		if (set_as)
			cJSON_ArrayForEach(it, pages)
				if (it != page && sim_bool(it, "front_page", 0))
					sim_set(it, "front_page", cJSON_CreateFalse());
		sim_set(page, "front_page", cJSON_CreateBool(set_as));
		/* Wiki#unset_front_page!: a course whose home page was the front page gets the default */
		if (!set_as && same_str(sim_str(rq->course, "default_view"), "wiki"))
			sim_set(rq->course, "default_view", cJSON_CreateNull());
	}
	/* the module items follow a renamed or (un)published page (ContentTag.update_for); the ones
	 * that name it by its old url are found through old_url */
	if (chg.title || chg.url || chg.published)
		sim_module_items_sync(rq->course, "pages", page, old_url);
	if (in.notify && !is_new && (chg.body || chg.title) && new_pub)
		sim_notify(rq->sim, "updated_wiki_page", rq->course, "page", page_id(page), url);
	sim_reply_json(rs, 200, render_page(rq, page, 1, 0));
	goto done;
fail:
	sim_reply_errors(rs, 400, errs);
done:
	free(title);
	free(url);
	free(old_url);
	input_release(&in);
}

/* ---------------------------------------------------------------- handlers: pages */

enum sort_key { SORT_ID, SORT_TITLE, SORT_CREATED, SORT_UPDATED, SORT_TODO };

struct sort_item {
	const cJSON *page;
	int64_t id;          /* page_id(page), read once (issue 18: twice per comparison was 45 M
			      * instructions sorting 4,000 pages) */
	enum sort_key key;
	int desc;
};

static int cmp_nullable(const char *a, const char *b, int ci)
{
	if (!a || !b)
		return !a && !b ? 0 : !a ? 1 : -1;   /* NULLS LAST ascending */
	return ci ? strcasecmp(a, b) : strcmp(a, b);
}

static int sort_cmp(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	int c = 0;

	switch (a->key) {
	case SORT_TITLE:
		c = cmp_nullable(sim_str(a->page, "title"), sim_str(b->page, "title"), 1);
		break;
	case SORT_CREATED:
		c = cmp_nullable(sim_str(a->page, "created_at"), sim_str(b->page, "created_at"), 0);
		break;
	case SORT_UPDATED:
		c = cmp_nullable(sim_str(a->page, "updated_at"), sim_str(b->page, "updated_at"), 0);
		break;
	case SORT_TODO:
		c = cmp_nullable(sim_str(a->page, "todo_date"), sim_str(b->page, "todo_date"), 0);
		break;
	case SORT_ID:
		break;
	}
	if (!c)
		c = a->id < b->id ? -1 : a->id > b->id;
	return a->desc ? -c : c;
}

struct list_ctx {
	struct sim_req *rq;
	int body;
};

static cJSON *render_listed(void *ctx, const cJSON *p)
{
	const struct list_ctx *lc = ctx;

	return render_page(lc->rq, p, lc->body, 1);
}

static void pages_index(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *pages = sim_course_kind(rq->course, "pages"), *p;
	const cJSON **list;
	struct list_ctx lc;
	const char *sort = sim_query(rq, "sort"), *order = sim_query(rq, "order");
	const char *term = sim_query(rq, "search_term"), *pub = sim_query(rq, "published");
	struct sort_item *items;
	enum sort_key key = SORT_ID;
	enum sim_paging mode;
	struct sim_list *kept;
	int n = 0, i, desc = order && !strcmp(order, "desc"), body = sim_query_has(rq, "include", "body");

	if (sim_bool(rq->course, "pages_tab_disabled", 0)) {
		sim_reply_message(rs, 404, "That page has been disabled for this course");
		return;
	}
	if (term && strspn(term, " \t\r\n") == strlen(term))
		term = NULL;   /* Ruby's present?: blank means no search */
	if (term && strlen(term) < 2) {
		cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "errors");
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "field", "search_term");
		cJSON_AddStringToObject(e, "code", "invalid");
		cJSON_AddStringToObject(e, "message", "2 or more characters is required");
		cJSON_AddItemToArray(arr, e);
		sim_reply_json(rs, 400, root);
		return;
	}
	if (sort)
		key = !strcmp(sort, "title")	    ? SORT_TITLE
		      : !strcmp(sort, "created_at") ? SORT_CREATED
		      : !strcmp(sort, "updated_at") ? SORT_UPDATED
		      : !strcmp(sort, "todo_date")  ? SORT_TODO
						    : SORT_ID;   /* unknown sorts order by id only */
	lc.rq = rq;
	lc.body = body;
	/* bookmarks name the last page_id served, so they need ascending id order (see the top) */
	mode = key == SORT_ID && !desc ? PAGING_BOOKMARK : PAGING_NUMBERED;
	if ((kept = sim_list_cached(rq))) {
		/* the next page of a listing: its pages as filtered and sorted for an earlier one */
		sim_reply_list_kept(rq, rs, kept, render_listed, &lc, mode);
		return;
	}
	items = xmalloc((size_t)(cJSON_GetArraySize(pages) + 1) * sizeof(*items));
	cJSON_ArrayForEach(p, pages) {
		if (pub && sim_bool(p, "published", 1) != form_value_bool(pub))
			continue;
		if (term && !sim_icontains(sim_str(p, "title"), term))
			continue;
		items[n++] = (struct sort_item){ p, page_id(p), key, desc };
	}
	qsort(items, (size_t)n, sizeof(*items), sort_cmp);
	list = xmalloc(((size_t)n + 1) * sizeof(*list));
	for (i = 0; i < n; i++)
		list[i] = items[i].page;
	free(items);
	sim_reply_list_kept(rq, rs, sim_list_keep(rq, list, n), render_listed, &lc, mode);
}

static void pages_show(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *p = find_page(sim_course_kind(rq->course, "pages"), sim_param(rq, "url_or_id"));

	if (!p) {
		reply_page_not_found(rs);
		return;
	}
	sim_reply_json(rs, 200, render_page(rq, p, 1, 0));
}

static void pages_create(struct sim_req *rq, struct sim_resp *rs)
{
	page_write(rq, rs, NULL, NULL, WRITE_CREATE);
}

static void pages_update(struct sim_req *rq, struct sim_resp *rs)
{
	const char *id = sim_param(rq, "url_or_id");

	/* Canvas's upsert: an unknown :url_or_id builds a new page from it (200, not 201) */
	page_write(rq, rs, find_page(sim_course_kind(rq->course, "pages"), id), id, WRITE_UPDATE);
}

static void pages_destroy(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *pages = sim_course_kind(rq->course, "pages");
	cJSON *p = find_page(pages, sim_param(rq, "url_or_id")), *out, *errs = NULL;

	if (!p) {
		reply_page_not_found(rs);
		return;
	}
	if (blueprint_locked_any(p)) {
		/* editing_restricted?: Canvas answers with its permission error, not a validation error */
		sim_reply_unauthorized(rq, rs);
		return;
	}
	if (sim_bool(p, "front_page", 0)) {
		err_add(&errs, "front_page", "The front page cannot be deleted");
		sim_reply_errors(rs, 400, errs);
		return;
	}
	/* Canvas soft-deletes and renders the deleted page: no longer published, not the front page */
	out = render_page(rq, p, 1, 0);
	sim_set(out, "published", cJSON_CreateFalse());
	sim_set(out, "hide_from_students", cJSON_CreateTrue());
	cJSON_Delete(cJSON_DetachItemViaPointer(pages, p));
	sim_reply_json(rs, 200, out);
}

/* DuplicatingObjects#get_copy_title: "<title> Copy", then "<title> Copy 2", ... */
static char *copy_title(cJSON *pages, const char *title)
{
	char *t = xasprintf("%s Copy", title);
	cJSON *p;
	int n = 1, taken;

	do {
		taken = 0;
		cJSON_ArrayForEach(p, pages)
			if (same_str(sim_str(p, "title"), t))
				taken = 1;
		if (taken) {
			free(t);
			t = xasprintf("%s Copy %d", title, ++n);
		}
	} while (taken);
	return t;
}

static void pages_duplicate(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *pages = sim_course_kind(rq->course, "pages");
	cJSON *p = find_page(pages, sim_param(rq, "url_or_id")), *np;
	char *title, *slug, *url, when[21];

	if (!p) {
		reply_page_not_found(rs);
		return;
	}
	title = copy_title(pages, sim_str(p, "title") ? sim_str(p, "title") : "Page");
	slug = sim_slug(title);
	url = unique_url(pages, slug, NULL);
	sim_time_now(when);
	np = cJSON_CreateObject();
	cJSON_AddStringToObject(np, "title", title);
	cJSON_AddStringToObject(np, "created_at", when);
	cJSON_AddStringToObject(np, "url", url);
	cJSON_AddItemToObject(np, "editing_roles", sim_dup_or_null(p, "editing_roles"));
	sim_add_id(np, "page_id", sim_new_id(rq->sim));
	if (cJSON_IsObject(sim_get(p, "last_edited_by")))
		cJSON_AddItemToObject(np, "last_edited_by", sim_dup_or_null(p, "last_edited_by"));
	cJSON_AddBoolToObject(np, "published", 0);   /* a duplicate is always unpublished */
	cJSON_AddBoolToObject(np, "front_page", 0);
	cJSON_AddItemToObject(np, "todo_date", sim_dup_or_null(p, "todo_date"));
	cJSON_AddNullToObject(np, "publish_at");
	cJSON_AddStringToObject(np, "updated_at", when);
	cJSON_AddItemToObject(np, "body", sim_dup_or_null(p, "body"));
	revs_append(np);
	cJSON_AddItemToArray(pages, np);
	free(title);
	free(slug);
	free(url);
	sim_reply_json(rs, 200, render_page(rq, np, 1, 0));
}

/* ---------------------------------------------------------------- handlers: front page */

static void front_show(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *p = front_page_of(sim_course_kind(rq->course, "pages"));

	if (!p) {
		sim_reply_message(rs, 404, "No front page has been set");
		return;
	}
	sim_reply_json(rs, 200, render_page(rq, p, 1, 0));
}

static void front_update(struct sim_req *rq, struct sim_resp *rs)
{
	page_write(rq, rs, front_page_of(sim_course_kind(rq->course, "pages")), NULL, WRITE_FRONT);
}

/* ---------------------------------------------------------------- handlers: revisions */

static void revisions_index(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *p = find_page(sim_course_kind(rq->course, "pages"), sim_param(rq, "url_or_id"));
	cJSON *tmp, *revs, *all;
	int64_t latest;
	int i;

	if (!p) {
		reply_page_not_found(rs);
		return;
	}
	revs = revs_peek(p, &tmp);
	latest = revs_latest(revs);
	all = cJSON_CreateArray();
	/* simply_versioned's versions come newest first */
	for (i = cJSON_GetArraySize(revs) - 1; i >= 0; i--)
		cJSON_AddItemToArray(all, render_revision(rq, cJSON_GetArrayItem(revs, i), latest, 0));
	cJSON_Delete(tmp);
	sim_reply_list(rq, rs, all, PAGING_NUMBERED);
}

static void revisions_show(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *p = find_page(sim_course_kind(rq->course, "pages"), sim_param(rq, "url_or_id"));
	const char *rid = sim_param(rq, "revision_id");
	cJSON *tmp, *revs, *r;
	int64_t latest;

	if (!p) {
		reply_page_not_found(rs);
		return;
	}
	revs = revs_peek(p, &tmp);
	latest = revs_latest(revs);
	/* "latest" is its own route in Canvas; any other id goes through to_i ("abc" -> 0 -> 404) */
	r = !strcmp(rid, "latest") ? revs_find(revs, latest) : revs_find(revs, ruby_to_i(rid));
	if (!r)
		sim_reply_not_found(rs);
	else
		sim_reply_json(rs, 200, render_revision(rq, r, latest, !sim_query_bool(rq, "summary", 0)));
	cJSON_Delete(tmp);
}

static void revisions_revert(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *pages = sim_course_kind(rq->course, "pages");
	cJSON *p = find_page(pages, sim_param(rq, "url_or_id"));
	cJSON *tmp, *revs, *r, *errs = NULL, *editor;
	struct col_change chg;
	const char *title, *body, *rurl;
	char *url, *slug, when[21];
	int64_t latest;

	if (!p) {
		reply_page_not_found(rs);
		return;
	}
	revs = revs_peek(p, &tmp);
	r = revs_find(revs, ruby_to_i(sim_param(rq, "revision_id")));
	if (!r) {
		cJSON_Delete(tmp);
		sim_reply_not_found(rs);
		return;
	}
	title = sim_str(r, "title");
	body = sim_str(r, "body");
	rurl = sim_str(r, "url");
	if (!same_str(title, sim_str(p, "title")) || !rurl || url_taken(pages, rurl, p)) {
		/* a title change re-derives the slug (acts_as_url sync_url) */
		slug = sim_slug(title ? title : "page");
		url = unique_url(pages, slug, p);
		free(slug);
	} else {
		url = xstrdup(rurl);
	}
	memset(&chg, 0, sizeof(chg));
	chg.body = !same_str(body, sim_str(p, "body"));
	chg.title = !same_str(title, sim_str(p, "title"));
	chg.url = !same_str(url, sim_str(p, "url"));
	if (blueprint_refuses(p, &chg, &errs)) {
		sim_reply_errors(rs, 400, errs);
		goto done;
	}
	if (chg.body || chg.title || chg.url) {
		/* copy first: the snapshot we copy from may be the temporary revision 1 */
		char *t = title ? xstrdup(title) : NULL, *b = body ? xstrdup(body) : NULL;
		char *old_url = chg.url && sim_str(p, "url") ? xstrdup(sim_str(p, "url")) : NULL;

		revs_touch(p);
		sim_set_str(p, "title", t);
		sim_set_str(p, "body", b);
		sim_set_str(p, "url", url);
		free(t);
		free(b);
		if (chg.body || chg.title) {
			sim_time_now(when);
			sim_set_str(p, "updated_at", when);
		}
		editor = editor_of(rq);
		if (editor)
			sim_set(p, "last_edited_by", editor);
		revs_append(p);
		/* a revert renames like a PUT: the module items follow */
		if (chg.title || chg.url)
			sim_module_items_sync(rq->course, "pages", p, old_url);
		free(old_url);
	}
	/* no change: Canvas's save makes no version and answers the current one */
	revs = sim_get(p, "revisions");
	if (!cJSON_IsArray(revs) || !cJSON_GetArraySize(revs))
		revs = tmp;
	latest = revs_latest(revs);
	sim_reply_json(rs, 200, render_revision(rq, revs_find(revs, latest), latest, 1));
done:
	cJSON_Delete(tmp);
	free(url);
}

/* ---------------------------------------------------------------- routes */

const struct sim_route sim_routes_pages[] = {
	{ "GET", "/api/v1/courses/:course_id/pages", pages_index, ROUTE_COURSE },
	{ "POST", "/api/v1/courses/:course_id/pages", pages_create, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/pages/:url_or_id", pages_show, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/pages/:url_or_id", pages_update, ROUTE_COURSE },
	{ "DELETE", "/api/v1/courses/:course_id/pages/:url_or_id", pages_destroy, ROUTE_COURSE },
	{ "POST", "/api/v1/courses/:course_id/pages/:url_or_id/duplicate", pages_duplicate, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/front_page", front_show, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/front_page", front_update, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/pages/:url_or_id/revisions", revisions_index, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/pages/:url_or_id/revisions/:revision_id", revisions_show,
	  ROUTE_COURSE },
	{ "POST", "/api/v1/courses/:course_id/pages/:url_or_id/revisions/:revision_id", revisions_revert,
	  ROUTE_COURSE },
	{ NULL, NULL, NULL, 0 },
};

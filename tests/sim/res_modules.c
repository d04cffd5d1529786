/* tests/sim/res_modules.c -- modules and module items (API.md sections 6, 9 and 12 "Published flags").
 *
 * Routes: GET/POST/PUT(batch) /api/v1/courses/:course_id/modules, GET/PUT/DELETE .../modules/:id,
 * PUT .../modules/:id/relock, GET/POST .../modules/:module_id/items, GET/PUT/DELETE
 * .../modules/:module_id/items/:id and GET .../module_item_redirect/:id (the html_url of ExternalUrl).
 *
 * State: a course's "modules" array holds modules as module_json renders them, each with its
 * "items" array (module items as module_item_json renders them, plus the completion requirement
 * that Canvas keeps on the module). Page items are stored by "page_url" as the seed has them; an
 * item this file creates or touches also gets a "page_id", because Canvas links a page item to the
 * page's id, so the item must survive a rename of the page. Positions are 1-based and contiguous
 * after every write (acts_as_list insert_at / remove_from_list); GETs sort by position and never
 * write. Deleting a module or an item removes it from the state (Canvas soft-deletes; nothing can
 * read a deleted module back through the API, so the difference is not observable).
 *
 * The Canvas rules reproduced (context_modules_api_controller.rb, context_module_items_api_controller.rb,
 * lib/api/v1/context_module.rb):
 *  - module_json: no workflow_state; "published" always (every token is an editor); "items" only
 *    with include[]=items and at most per_page_max (100, or 50 on older installs: Canvas compares
 *    with the same Setting) items, else the key is absent (6.1, section 2). search_term filters by
 *    module name; with include[]=items a module whose name does not match keeps only the items whose
 *    title matches and is dropped when none do (a module too large to inline is kept as is).
 *  - module_item_json (6.2): content_id absent for Page, SubHeader and ExternalUrl; page_url and
 *    publish_at for Page; html_url absent for SubHeader and, for ExternalUrl, the API
 *    module_item_redirect URL; url is the content's API URL; completion_requirement carries
 *    min_score only for type min_score; content_details copies the content's attributes only when
 *    Ruby-truthy (so points_possible 0 stays, null and false go), graded discussions report their
 *    assignment's, and locked_for_user:false is always added.
 *  - Create module: 400 {"message":"missing module parameter"} / {"message":"missing module name"};
 *    new modules are unpublished. Update (ContextModulesApiController#update, today's Canvas;
 *    ContextModule#publish_items! / #unpublish_items!, ContentTag#trigger_publish! /
 *    #trigger_unpublish!, all in aaronshaf/canvas-lms app/controllers/context_modules_api_controller.rb,
 *    app/models/context_module.rb, app/models/content_tag.rb): module[published]=true publishes
 *    the module and, unless module[skip_content_tags], every unpublished item -- except a page item
 *    whose page has a publish_at while the root account's scheduled_page_publication is on (on
 *    unless the seed's top-level "scheduled_page_publication" is false) -- and then each item's
 *    content follows its item (update_asset_workflow_state!); false unpublishes the module and,
 *    unless skip_content_tags, every item whose content can be unpublished, and their content.
 *    The reply carries "publish_warning" (an item stayed unpublished) and "unpublish_warning" (an
 *    item stayed published). The batch PUT's publish and unpublish events do the same per module.
 *  - prerequisite_module_ids: JSON null leaves them; [] or a form "" clears; an id that is not a
 *    module of the course placed before this one is dropped silently. After every write all
 *    modules are checked again, as Canvas re-saves every module after a reorder.
 *  - module[position] / module_item[position]: to_i below 1 gives 400 {"errors":{"position":...}};
 *    a position past the end puts the object last.
 *  - Batch PUT .../modules: event publish|unpublish|delete, module_ids[]; 400 {"message":...} for
 *    a missing or bad event or no ids, 404 {"message":"no modules found"}; answers
 *    {"completed":[ids],"progress":null} (the current source; API.md shows only "completed").
 *  - Items: 400 {"message":"missing module item parameter"}, {"message":"missing page_url parameter"},
 *    {"message":"invalid page_url parameter"}, {"message":"Could not find content"}. A new item
 *    takes its content's state (ContextModule#add_item, ContentTag.asset_workflow_state); a text
 *    header, url or tool item starts unpublished. The title defaults to the content's. PUT and
 *    DELETE find the item anywhere in the course, ignoring :module_id in the path, as Canvas does;
 *    GET needs it in the module.
 *  - Item PUT side effects: module_item[title] renames the content (update_asset_name!: an
 *    assignment's name, a quiz, page or topic title; a page also gets the new url slug) and the
 *    quiz or topic mirrored with an assignment; module_item[published] publishes or unpublishes the
 *    item and its content. Unpublishing an item whose content cannot be unpublished (an assignment
 *    with submissions -- seed "has_submitted_submissions": true or "unpublishable": false -- the
 *    front page) answers 403 {"message":"item can't be unpublished"}, publishing one whose content
 *    cannot be published (seed "can_publish": false) 422 {"message":"item can't be published"},
 *    before anything is written (ContextModuleItemsApiController#update, module_item_publishable? /
 *    module_item_unpublishable? of ContextModulesHelper). Every module item linking to changed content takes the
 *    content's title and state (ContentTag.update_for). module_item[module_id] moves the item to
 *    the end of another module of the course (400 {"message":"invalid module_id"}), carrying its
 *    completion requirement; with module_item[position] in the same PUT it is then inserted there
 *    in the new module, both modules renumbered (context_module_items_api_controller.rb `update`:
 *    @tag.remove_from_list, context_module = target, @tag.save -- ContentTag's `acts_as_list scope:
 *    :context_module` adds it at the bottom of the new list -- then set_position's insert_at).
 *    new_tab is read only when Ruby-truthy, so a JSON false is ignored (the controller's
 *    `if params[:module_item][:new_tab]`). type and content_id never change.
 *  - completion_requirement: blank clears it; a type outside must_view, must_submit,
 *    must_contribute, min_score, must_mark_done is 400; a type that does not apply to the item
 *    (must_submit/min_score on ungraded content, must_contribute outside assignments, discussions
 *    and pages) is dropped silently, as ContextModule#validate_completion_requirements does.
 *
 * Decisions:
 *  - Validation (position, completion requirement, target module) happens before anything is
 *    written. Canvas saves the other fields first and then fails set_position, which can leave a
 *    partial write behind; whether insert_at(0) fails at all differs between versions, so the
 *    simulator keeps the 400 and avoids the half-write. A client must not rely on either.
 *  - Item titles and published flags are stored on the item and kept in sync by this file. The
 *    alternative, rendering them from the content every time, is wrong for an item created with
 *    its own title or a page item left unpublished by a module publish while its page waits. The assignment,
 *    quiz, discussion and page APIs call sim_module_items_sync() after they rename or (un)publish
 *    content, as Canvas's ContentTag.update_for does.
 *  - search_term is applied before paging; Canvas pages the modules first and then drops the ones
 *    that do not match, so its pages can be short. Not modelled: student progressions (state,
 *    completed_at, completion_requirement.completed), async batch updates, page revisions for a
 *    rename through an item, ExternalTool lookup (any content_id or external_url is accepted).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_form.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- small helpers */

static cJSON *kind_arr(cJSON *course, const char *kind)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(course, kind);

	return cJSON_IsArray(a) ? a : NULL;
}

static cJSON *find_live(cJSON *arr, int64_t id)
{
	cJSON *o = sim_find_id_num(arr, id);

	return o && !sim_is_deleted(o) ? o : NULL;
}

/* find_live through the id index (sim_find_id_ix), for a GET. */
static cJSON *find_live_ix(struct sim *s, cJSON *arr, int64_t id)
{
	cJSON *o = sim_find_id_ix(s, arr, id);

	return o && !sim_is_deleted(o) ? o : NULL;
}

/* Ruby's to_i on a parameter: a JSON number as is, a string by its leading digits, else 0. */
static int64_t ruby_to_i(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return sim_i64(v->valuedouble);
	if (cJSON_IsString(v))
		return strtoll(v->valuestring, NULL, 10);
	return 0;
}

static double ruby_to_f(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsString(v))
		return strtod(v->valuestring, NULL);
	return 0;
}

/* `if params[...][:x]`: present and neither nil nor false (so "" and 0 count). */
static int ruby_truthy(const cJSON *v)
{
	return v && !cJSON_IsNull(v) && !cJSON_IsFalse(v);
}

static int str_blank(const char *p)
{
	for (; *p; p++)
		if (!isspace((unsigned char)*p))
			return 0;
	return 1;
}

/* Ruby's blank?: nil, false, a whitespace-only string, an empty array or hash. */
static int ruby_blank(const cJSON *v)
{
	if (!ruby_truthy(v))
		return 1;
	if (cJSON_IsString(v))
		return str_blank(v->valuestring);
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		return v->child == NULL;
	return 0;
}

static void set_num(cJSON *obj, const char *key, double v)
{
	sim_set(obj, key, cJSON_CreateNumber(v));
}

static int max_inline(const struct sim_req *rq)
{
	return rq->sim->cfg.per_page_max > 0 ? rq->sim->cfg.per_page_max : 100;
}

/* ---------------------------------------------------------------- positions */

struct ent {
	cJSON *o;
	int idx;
	double pos;
};

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->idx - y->idx;
}

/* The elements of `arr` by position (ties and missing positions in array order, the latter last).
 * Malloced; *n gets the count. */
static cJSON **by_position(const cJSON *arr, int *n)
{
	int cnt = cJSON_GetArraySize(arr), i = 0;
	struct ent *e = xcalloc((size_t)cnt + 1, sizeof(*e));
	cJSON **out = xcalloc((size_t)cnt + 1, sizeof(*out)), *it;

	cJSON_ArrayForEach(it, arr) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "position");

		e[i].o = it;
		e[i].idx = i;
		e[i].pos = cJSON_IsNumber(p) ? p->valuedouble : 1e300;
		i++;
	}
	qsort(e, (size_t)cnt, sizeof(*e), ent_cmp);
	for (i = 0; i < cnt; i++)
		out[i] = e[i].o;
	free(e);
	*n = cnt;
	return out;
}

/* Sort `arr` in place by position and renumber it 1..n. */
static void renumber(cJSON *arr)
{
	int n, i;
	cJSON **v = by_position(arr, &n);

	for (i = 0; i < n; i++)
		cJSON_DetachItemViaPointer(arr, v[i]);
	for (i = 0; i < n; i++) {
		cJSON_AddItemToArray(arr, v[i]);
		set_num(v[i], "position", i + 1);
	}
	free(v);
}

/* Move `o`, an element of `arr`, to 1-based position `pos` (past the end: last); renumber. */
static void place_at(cJSON *arr, cJSON *o, int64_t pos)
{
	int n, i = 0;
	cJSON *it;

	renumber(arr);
	n = cJSON_GetArraySize(arr);
	if (pos > n)
		pos = n;
	if (pos < 1)
		pos = 1;
	/* Rebuilt by hand: cJSON_InsertItemInArray at an index above 0 does nothing in cJSON 1.7.15
	 * (Debian bookworm's), which lost the moved item. */
	{
		cJSON **v = xcalloc((size_t)n + 1, sizeof(*v));
		int k = 0, j;

		cJSON_DetachItemViaPointer(arr, o);
		while (arr->child)
			v[k++] = cJSON_DetachItemViaPointer(arr, arr->child);
		for (j = 0; j < k; j++) {
			if (j == pos - 1)
				cJSON_AddItemToArray(arr, o);
			cJSON_AddItemToArray(arr, v[j]);
		}
		if (pos - 1 >= k)
			cJSON_AddItemToArray(arr, o);
		free(v);
	}
	cJSON_ArrayForEach(it, arr)
		set_num(it, "position", ++i);
}

/* w[position] as a 1-based position: 0 with *pos its to_i (0 when absent or Ruby-falsy), or -1
 * after the 400 for a to_i below 1. */
static int read_position(const cJSON *w, int64_t *pos, struct sim_resp *rs)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(w, "position");

	*pos = 0;
	if (!ruby_truthy(v))
		return 0;
	*pos = ruby_to_i(v);
	if (*pos >= 1)
		return 0;
	sim_reply_invalid(rs, 400, "position", "Invalid position", "Invalid position");
	return -1;
}

/* ---------------------------------------------------------------- content linked to items */

/* The course array holding the content of an item type, or NULL (SubHeader, ExternalUrl...). */
static const char *content_kind(const char *type)
{
	if (!type)
		return NULL;
	if (!strcmp(type, "Assignment"))
		return "assignments";
	if (!strcmp(type, "Quiz"))
		return "quizzes";
	if (!strcmp(type, "Discussion"))
		return "discussion_topics";
	if (!strcmp(type, "Page"))
		return "pages";
	if (!strcmp(type, "File"))
		return "files";
	return NULL;
}

/* ContentTag#sync_workflow_state_to_asset?: the types whose publishing follows the item. */
static int syncs_workflow(const char *kind)
{
	return kind && strcmp(kind, "files") != 0;
}

/* The key holding a content's title. */
static const char *title_key(const char *kind)
{
	if (!strcmp(kind, "assignments"))
		return "name";
	if (!strcmp(kind, "files"))
		return "display_name";
	return "title";
}

static cJSON *find_page_by_url(cJSON *course, const char *url)
{
	cJSON *p;

	if (!url)
		return NULL;
	cJSON_ArrayForEach(p, kind_arr(course, "pages")) {
		const char *u = sim_str(p, "url");

		if (u && !strcmp(u, url) && !sim_is_deleted(p))
			return p;
	}
	return NULL;
}

static cJSON *find_page_by_id(cJSON *course, const cJSON *id)
{
	cJSON *p;

	if (sim_value_id(id) < 0)
		return NULL;
	cJSON_ArrayForEach(p, kind_arr(course, "pages")) {
		const cJSON *pid = cJSON_GetObjectItemCaseSensitive(p, "page_id");

		if (sim_value_id(pid) == sim_value_id(id) &&
		    !sim_is_deleted(p))
			return p;
	}
	return NULL;
}

/* find_page_by_url through the course's page index (sim_find_page_url, sim_store.c), for a GET
 * (nothing changes the state while it runs): the index gives the first page of that url; when it
 * is deleted, the scan goes on from it for a live one. The modules list scanned the course's pages
 * for each page item (issue 18, i18/simrender: 21 M instructions for 600 items of a 4,000-page
 * course). */
static cJSON *find_page_by_url_ix(struct sim *s, cJSON *course, const char *url)
{
	cJSON *pages = kind_arr(course, "pages"), *p;

	if (!url || !pages)
		return NULL;
	p = sim_find_page_url(s, pages, url);
	if (!p || !sim_is_deleted(p))
		return p;
	for (p = p->next; p; p = p->next) {
		const char *u = sim_str(p, "url");

		if (u && !strcmp(u, url) && !sim_is_deleted(p))
			return p;
	}
	return NULL;
}

/* The content an item links to (borrowed), or NULL. With `s` (a GET only: item_json), a page named
 * by url is found through the page index, other content through the id index. */
static cJSON *item_content_ix(struct sim *s, cJSON *course, const cJSON *item)
{
	const char *kind = content_kind(sim_str(item, "type"));
	const cJSON *cid;
	cJSON *p;

	if (!kind)
		return NULL;
	if (!strcmp(kind, "pages")) {
		p = find_page_by_id(course, cJSON_GetObjectItemCaseSensitive(item, "page_id"));
		if (p)
			return p;
		return s ? find_page_by_url_ix(s, course, sim_str(item, "page_url"))
			 : find_page_by_url(course, sim_str(item, "page_url"));
	}
	cid = cJSON_GetObjectItemCaseSensitive(item, "content_id");
	if (!cJSON_IsNumber(cid) && !cJSON_IsString(cid))
		return NULL;
	if (s)
		return find_live_ix(s, kind_arr(course, kind), ruby_to_i(cid));
	return find_live(kind_arr(course, kind), ruby_to_i(cid));
}

static cJSON *item_content(cJSON *course, const cJSON *item)
{
	return item_content_ix(NULL, course, item);
}

/* Content#can_unpublish?: an explicit "unpublishable", submissions, the front page. */
static int can_unpublish(const cJSON *content)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(content, "unpublishable");

	if (cJSON_IsBool(u))
		return cJSON_IsTrue(u);
	if (sim_bool(content, "has_submitted_submissions", 0))
		return 0;
	if (sim_bool(content, "front_page", 0))
		return 0;
	return 1;
}

/* The quiz or topic mirrored with an assignment, or the assignment of a quiz or graded topic:
 * Canvas saves the other side with the same title and state. */
static cJSON *mirror_of(cJSON *course, const char *kind, const cJSON *content, const char **mkind)
{
	const cJSON *v;

	if (!strcmp(kind, "assignments")) {
		v = cJSON_GetObjectItemCaseSensitive(content, "quiz_id");
		if (sim_value_id(v) >= 0) {
			*mkind = "quizzes";
			return find_live(kind_arr(course, "quizzes"), sim_value_id(v));
		}
		v = cJSON_GetObjectItemCaseSensitive(content, "discussion_topic_id");
		if (sim_value_id(v) >= 0) {
			*mkind = "discussion_topics";
			return find_live(kind_arr(course, "discussion_topics"), sim_value_id(v));
		}
		return NULL;
	}
	if (!strcmp(kind, "quizzes") || !strcmp(kind, "discussion_topics")) {
		v = cJSON_GetObjectItemCaseSensitive(content, "assignment_id");
		if (sim_value_id(v) >= 0) {
			*mkind = "assignments";
			return find_live(kind_arr(course, "assignments"), sim_value_id(v));
		}
	}
	return NULL;
}

static int item_links(cJSON *course, const cJSON *item, const char *kind, const cJSON *content,
		      const char *old_page_url)
{
	const char *ik = content_kind(sim_str(item, "type"));
	const char *pu;
	const cJSON *pid, *ipid;

	if (!ik || strcmp(ik, kind))
		return 0;
	if (strcmp(kind, "pages"))
		return ruby_to_i(cJSON_GetObjectItemCaseSensitive(item, "content_id")) == sim_id(content);
	pid = cJSON_GetObjectItemCaseSensitive(content, "page_id");
	ipid = cJSON_GetObjectItemCaseSensitive(item, "page_id");
	if (sim_value_id(ipid) >= 0)
		return sim_value_id(pid) == sim_value_id(ipid);
	pu = sim_str(item, "page_url");
	if (!pu)
		return 0;
	if (old_page_url && !strcmp(pu, old_page_url))
		return 1;
	/* a page item without a page_id names its page by url: the first page with that url */
	return find_page_by_url(course, pu) == content;
}

void sim_module_items_sync(cJSON *course, const char *kind, const cJSON *content, const char *old_page_url)
{
	cJSON *mod, *item;
	const char *title = sim_str(content, title_key(kind));
	int pub = sim_bool(content, "published", 1);

	cJSON_ArrayForEach(mod, kind_arr(course, "modules")) {
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(mod, "items")) {
			if (!item_links(course, item, kind, content, old_page_url))
				continue;
			if (title)
				sim_set_str(item, "title", title);
			if (syncs_workflow(kind))
				sim_set(item, "published", cJSON_CreateBool(pub));
			if (!strcmp(kind, "pages")) {
				sim_set_str(item, "page_url", sim_str(content, "url"));
				if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(content, "page_id")))
					sim_set(item, "page_id", sim_dup_or_null(content, "page_id"));
			}
		}
	}
}

void sim_module_items_drop(cJSON *course, const char *type, int64_t id)
{
	cJSON *m;

	cJSON_ArrayForEach(m, sim_course_kind(course, "modules")) {
		cJSON *items = cJSON_GetObjectItemCaseSensitive(m, "items");
		cJSON *it = items ? items->child : NULL;

		while (it) {
			cJSON *next = it->next;
			const char *ty = sim_str(it, "type");
			const cJSON *cid = cJSON_GetObjectItemCaseSensitive(it, "content_id");

			if (ty && !strcmp(ty, type) && sim_value_id(cid) == id)
				cJSON_Delete(cJSON_DetachItemViaPointer(items, it));
			it = next;
		}
	}
}

/* Publish or unpublish content (and its mirror); 1 when it changed. */
static int content_set_published(cJSON *course, const char *kind, cJSON *content, int pub)
{
	const char *mkind = NULL;
	cJSON *m;
	const char *ws;

	if (sim_bool(content, "published", 1) == pub)
		return 0;
	if (!pub && !can_unpublish(content))
		return 0;
	sim_set(content, "published", cJSON_CreateBool(pub));
	ws = sim_str(content, "workflow_state");
	if (ws && (!strcmp(ws, "published") || !strcmp(ws, "unpublished")))
		sim_set_str(content, "workflow_state", pub ? "published" : "unpublished");
	sim_touch(content);
	sim_module_items_sync(course, kind, content, NULL);
	m = mirror_of(course, kind, content, &mkind);
	if (m && sim_bool(m, "published", 1) != pub) {
		sim_set(m, "published", cJSON_CreateBool(pub));
		ws = sim_str(m, "workflow_state");
		if (ws && (!strcmp(ws, "published") || !strcmp(ws, "unpublished")))
			sim_set_str(m, "workflow_state", pub ? "published" : "unpublished");
		sim_touch(m);
		sim_module_items_sync(course, mkind, m, NULL);
	}
	return 1;
}

/* ContentTag#update_asset_workflow_state!: the content follows the item's new state. */
static void item_sync_content_state(cJSON *course, cJSON *item)
{
	const char *kind = content_kind(sim_str(item, "type"));
	cJSON *content;

	if (!syncs_workflow(kind) || !(content = item_content(course, item)))
		return;
	content_set_published(course, kind, content, sim_bool(item, "published", 1));
}

/* A slug for `title` that no other page of the course uses (Canvas appends -2, -3, ...). */
static char *page_unique_url(cJSON *course, const cJSON *page, const char *title)
{
	char *base = sim_slug(title), *cand = xstrdup(base);
	int n = 2;

	for (;;) {
		cJSON *p = find_page_by_url(course, cand);

		if (!p || p == page)
			break;
		free(cand);
		cand = xasprintf("%s-%d", base, n++);
	}
	free(base);
	return cand;
}

/* ContentTag#update_asset_name!: the content takes the item's new title. */
static void item_rename_content(cJSON *course, cJSON *item, const char *title)
{
	const char *kind = content_kind(sim_str(item, "type")), *mkind = NULL;
	cJSON *content, *m;

	if (!kind || !(content = item_content(course, item)))
		return;
	if (str_blank(title))
		return;   /* the content's validation rejects a blank title; Canvas's save fails silently */
	if (!strcmp(kind, "pages")) {
		char *old = xstrdup(sim_str(content, "url") ? sim_str(content, "url") : "");
		char *url = page_unique_url(course, content, title);

		sim_set_str(content, "title", title);
		sim_set_str(content, "url", url);
		sim_touch(content);
		sim_module_items_sync(course, kind, content, old);
		free(url);
		free(old);
		return;
	}
	sim_set_str(content, title_key(kind), title);
	sim_touch(content);
	sim_module_items_sync(course, kind, content, NULL);
	m = mirror_of(course, kind, content, &mkind);
	if (m) {
		sim_set_str(m, title_key(mkind), title);
		sim_touch(m);
		sim_module_items_sync(course, mkind, m, NULL);
	}
}

/* ---------------------------------------------------------------- rendering */

static cJSON *content_details(cJSON *course, const cJSON *item, cJSON *content)
{
	static const char *const attrs[] = {
		"display_name", "hidden", "usage_rights", "points_possible", "due_at", "unlock_at", "lock_at",
	};
	cJSON *d = cJSON_CreateObject(), *src = content;
	const char *type = sim_str(item, "type");
	size_t i;

	/* a graded discussion reports its assignment's points and dates */
	if (src && type && !strcmp(type, "Discussion")) {
		const cJSON *aid = cJSON_GetObjectItemCaseSensitive(src, "assignment_id");
		cJSON *a = sim_value_id(aid) >= 0 ? find_live(kind_arr(course, "assignments"), sim_value_id(aid)) : NULL;

		if (a)
			src = a;
	}
	for (i = 0; src && i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, attrs[i]);

		/* an ungraded topic's unlock date is its delayed_post_at */
		if (!v && src == content && type && !strcmp(type, "Discussion") && !strcmp(attrs[i], "unlock_at"))
			v = cJSON_GetObjectItemCaseSensitive(src, "delayed_post_at");
		if (ruby_truthy(v))   /* Ruby truthiness: 0 and "" are kept */
			cJSON_AddItemToObject(d, attrs[i], cJSON_Duplicate(v, 1));
	}
	cJSON_AddBoolToObject(d, "locked_for_user", 0);
	return d;
}

/* One module item. `ord` is its 1-based place (used when the seed has no position); `deleted`
 * renders it as the DELETE reply does (no longer published). */
static cJSON *item_json(struct sim_req *rq, cJSON *course, const cJSON *mod, cJSON *item, int ord,
			int details, int deleted)
{
	cJSON *o = cJSON_CreateObject(), *content = item_content_ix(rq->is_write ? NULL : rq->sim, course, item);
	const char *type = sim_str(item, "type");
	const cJSON *pos = cJSON_GetObjectItemCaseSensitive(item, "position");
	const cJSON *cr = cJSON_GetObjectItemCaseSensitive(item, "completion_requirement");
	const char *t = type ? type : "";
	long long cid = (long long)sim_id(course), iid = (long long)sim_id(item);
	int has_cid = strcmp(t, "Page") && strcmp(t, "SubHeader") && strcmp(t, "ExternalUrl");
	char *u = NULL;

	sim_add_id(o, "id", iid);
	cJSON_AddItemToObject(o, "title", sim_dup_or_null(item, "title"));
	cJSON_AddNumberToObject(o, "position", cJSON_IsNumber(pos) ? pos->valuedouble : ord);
	cJSON_AddNumberToObject(o, "indent", (double)ruby_to_i(cJSON_GetObjectItemCaseSensitive(item, "indent")));
	cJSON_AddItemToObject(o, "type", type ? cJSON_CreateString(type) : cJSON_CreateNull());
	sim_add_id(o, "module_id", sim_id(mod));
	if (strcmp(t, "SubHeader")) {
		char cb[24], ib[24];
		const char *parts[] = { rq->base, "/api/v1/courses/", sim_i64_str(cb, cid), "/module_item_redirect/",
					sim_i64_str(ib, iid) };

		if (strcmp(t, "ExternalUrl")) {   /* base /courses/CID/modules/items/IID */
			parts[1] = "/courses/";
			parts[3] = "/modules/items/";
		}
		u = sim_join(parts, sizeof(parts) / sizeof(parts[0]));
		cJSON_AddStringToObject(o, "html_url", u);
		free(u);
		u = NULL;
	}
	if (has_cid)
		cJSON_AddItemToObject(o, "content_id", sim_dup_or_null(item, "content_id"));
	if (!strcmp(t, "Page")) {
		const char *slug = content ? sim_str(content, "url") : sim_str(item, "page_url");

		cJSON_AddItemToObject(o, "page_url", slug ? cJSON_CreateString(slug) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "publish_at",
				      content ? sim_dup_or_null(content, "publish_at") : cJSON_CreateNull());
		if (slug) {
			char cb[24];
			const char *parts[] = { rq->base, "/api/v1/courses/", sim_i64_str(cb, cid), "/pages/", slug };

			u = sim_join(parts, sizeof(parts) / sizeof(parts[0]));
		}
	} else if (content_kind(type)) {
		/* Assignment, Quiz, Discussion, File: the API path is the kind's */
		char cb[24], ib[24];
		const char *parts[] = { rq->base, "/api/v1/courses/", sim_i64_str(cb, cid), "/", content_kind(type), "/",
					sim_i64_str(ib, ruby_to_i(cJSON_GetObjectItemCaseSensitive(item, "content_id"))) };

		u = sim_join(parts, sizeof(parts) / sizeof(parts[0]));
	} else if (!strcmp(t, "ExternalTool")) {
		int64_t tool = ruby_to_i(cJSON_GetObjectItemCaseSensitive(item, "content_id"));

		if (tool > 0) {
			u = xasprintf("%s/api/v1/courses/%lld/external_tools/sessionless_launch?launch_type=module_item"
				      "&module_item_id=%lld", rq->base, cid, iid);
		} else {
			char *enc = form_urlencode(sim_str(item, "external_url") ? sim_str(item, "external_url") : "");

			u = xasprintf("%s/api/v1/courses/%lld/external_tools/sessionless_launch?url=%s", rq->base,
				      cid, enc);
			free(enc);
		}
	}
	if (u)
		cJSON_AddStringToObject(o, "url", u);
	free(u);
	if (!strcmp(t, "ExternalUrl") || !strcmp(t, "ExternalTool")) {
		cJSON_AddItemToObject(o, "external_url", sim_dup_or_null(item, "external_url"));
		cJSON_AddBoolToObject(o, "new_tab", sim_bool(item, "new_tab", 0));
	}
	if (cJSON_IsObject(cr) && sim_str(cr, "type")) {
		cJSON *c = cJSON_AddObjectToObject(o, "completion_requirement");

		cJSON_AddStringToObject(c, "type", sim_str(cr, "type"));
		if (!strcmp(sim_str(cr, "type"), "min_score"))
			cJSON_AddItemToObject(c, "min_score", sim_dup_or_null(cr, "min_score"));
	}
	cJSON_AddBoolToObject(o, "published", deleted ? 0 : sim_bool(item, "published", 1));
	cJSON_AddBoolToObject(o, "unpublishable", content ? can_unpublish(content) : 1);
	if (details)
		cJSON_AddItemToObject(o, "content_details", content_details(course, item, content));
	return o;
}

/* One module, or NULL when `search` (with include[]=items) leaves nothing of it. */
static cJSON *module_json(struct sim_req *rq, cJSON *course, cJSON *mod, int ord, int inc_items, int details,
			  const char *search, int deleted)
{
	cJSON *o = cJSON_CreateObject(), *pre, *items = cJSON_GetObjectItemCaseSensitive(mod, "items"), *it;
	const cJSON *pos = cJSON_GetObjectItemCaseSensitive(mod, "position");
	int count = deleted ? 0 : cJSON_GetArraySize(items);
	char *u;

	sim_add_id(o, "id", sim_id(mod));
	cJSON_AddItemToObject(o, "name", sim_dup_or_null(mod, "name"));
	cJSON_AddNumberToObject(o, "position", cJSON_IsNumber(pos) ? pos->valuedouble : ord);
	cJSON_AddItemToObject(o, "unlock_at", sim_dup_or_null(mod, "unlock_at"));
	cJSON_AddBoolToObject(o, "require_sequential_progress", sim_bool(mod, "require_sequential_progress", 0));
	cJSON_AddBoolToObject(o, "publish_final_grade", sim_bool(mod, "publish_final_grade", 0));
	pre = cJSON_AddArrayToObject(o, "prerequisite_module_ids");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(mod, "prerequisite_module_ids"))
		cJSON_AddItemToArray(pre, sim_id_item(ruby_to_i(it)));
	cJSON_AddBoolToObject(o, "published", deleted ? 0 : sim_bool(mod, "published", 1));
	cJSON_AddNumberToObject(o, "items_count", count);
	u = xasprintf("%s/api/v1/courses/%lld/modules/%lld/items", rq->base, (long long)sim_id(course),
		      (long long)sim_id(mod));
	cJSON_AddStringToObject(o, "items_url", u);
	free(u);
	if (inc_items && !deleted && count <= max_inline(rq)) {
		int name_match = !search || sim_icontains(sim_str(mod, "name"), search), n, i;
		cJSON **v = by_position(items, &n), *arr = cJSON_CreateArray();

		for (i = 0; i < n; i++)
			if (name_match || sim_icontains(sim_str(v[i], "title"), search))
				cJSON_AddItemToArray(arr, item_json(rq, course, mod, v[i], i + 1, details, 0));
		free(v);
		if (!name_match && !cJSON_GetArraySize(arr)) {
			cJSON_Delete(arr);
			cJSON_Delete(o);
			return NULL;
		}
		cJSON_AddItemToObject(o, "items", arr);
	}
	return o;
}

/* ---------------------------------------------------------------- lookups for handlers */

static cJSON *find_module(struct sim_req *rq, const char *param)
{
	cJSON *m = sim_find_id(kind_arr(rq->course, "modules"), sim_param(rq, param));

	return m && !sim_is_deleted(m) ? m : NULL;
}

/* An item anywhere in the course (PUT and DELETE ignore the :module_id of the path). */
static cJSON *find_course_item(cJSON *course, const char *id, cJSON **mod_out)
{
	cJSON *mod, *item;

	cJSON_ArrayForEach(mod, kind_arr(course, "modules")) {
		if (sim_is_deleted(mod))
			continue;
		item = sim_find_id(cJSON_GetObjectItemCaseSensitive(mod, "items"), id);
		if (item) {
			*mod_out = mod;
			return item;
		}
	}
	return NULL;
}

static const char *search_term(const struct sim_req *rq)
{
	const char *s = sim_query(rq, "search_term");

	return s && *s ? s : NULL;
}

/* ---------------------------------------------------------------- modules */

/* Parse module[prerequisite_module_ids] into a new array of ids (not yet validated). */
static cJSON *prereq_input(const cJSON *v)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *it;

	if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		cJSON_ArrayForEach(it, v) {
			int64_t id = ruby_to_i(it);

			if (id > 0)
				cJSON_AddItemToArray(out, sim_id_item(id));
		}
	} else if (cJSON_IsString(v)) {
		const char *p = v->valuestring;

		while (*p) {
			char *end;
			long long id = strtoll(p, &end, 10);

			if (end == p)
				end++;
			else if (id > 0)
				cJSON_AddItemToArray(out, sim_id_item(id));
			p = end;
		}
	} else if (cJSON_IsNumber(v) && v->valuedouble > 0) {
		cJSON_AddItemToArray(out, sim_id_item(ruby_to_i(v)));
	}
	return out;
}

static int has_num(const cJSON *arr, int64_t v)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr)
		if (sim_value_id(it) == v)
			return 1;
	return 0;
}

/* ContextModule#validate_prerequisites on every module: keep modules of the course placed before. */
static void check_prereqs(cJSON *mods)
{
	cJSON *m, *it;

	cJSON_ArrayForEach(m, mods) {
		cJSON *pre = cJSON_GetObjectItemCaseSensitive(m, "prerequisite_module_ids"), *keep;
		double mypos = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(m, "position"))
			       ? cJSON_GetObjectItemCaseSensitive(m, "position")->valuedouble : 0;

		if (!cJSON_IsArray(pre))
			continue;
		keep = cJSON_CreateArray();
		cJSON_ArrayForEach(it, pre) {
			int64_t id = ruby_to_i(it);
			cJSON *t = find_live(mods, id);
			const cJSON *tp = cJSON_GetObjectItemCaseSensitive(t, "position");

			if (!t || t == m || !cJSON_IsNumber(tp) || tp->valuedouble >= mypos || has_num(keep, id))
				continue;
			cJSON_AddItemToArray(keep, sim_id_item(id));
		}
		sim_set(m, "prerequisite_module_ids", keep);
	}
}

/* The module fields shared by create and update (absent keys leave the field alone). */
static void module_apply(struct sim *s, cJSON *mod, const cJSON *w)
{
	const cJSON *v;
	cJSON *t;

	v = cJSON_GetObjectItemCaseSensitive(w, "name");
	if (cJSON_IsString(v))
		sim_set_str(mod, "name", v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(w, "unlock_at");
	if (v) {
		/* Rails type casting: an unparseable date becomes nil (API.md section 9) */
		if (sim_time_input(s, v, 0, &t))
			t = cJSON_CreateNull();
		sim_set(mod, "unlock_at", t);
	}
	v = cJSON_GetObjectItemCaseSensitive(w, "require_sequential_progress");
	if (v)
		sim_set(mod, "require_sequential_progress", cJSON_CreateBool(sim_value_bool(v)));
	v = cJSON_GetObjectItemCaseSensitive(w, "publish_final_grade");
	if (v)
		sim_set(mod, "publish_final_grade", cJSON_CreateBool(sim_value_bool(v)));
	v = cJSON_GetObjectItemCaseSensitive(w, "prerequisite_module_ids");
	if (ruby_truthy(v))
		sim_set(mod, "prerequisite_module_ids", prereq_input(v));
}

/* The root account's scheduled_page_publication feature: on unless the seed turns it off. */
static int scheduled_publication(const struct sim *s)
{
	return sim_bool(s->state, "scheduled_page_publication", 1);
}

/* ContentTag#trigger_publish!: an unpublished item is published, except a page item whose page has
 * a publish_at while scheduled publication is on (the page waits for its date); then the content
 * follows the item (update_asset_workflow_state!). */
static void item_trigger_publish(struct sim *s, cJSON *course, cJSON *item)
{
	cJSON *content = item_content(course, item);
	const char *type = sim_str(item, "type");

	if (!sim_bool(item, "published", 1)) {
		int wait = type && !strcmp(type, "Page") && content && scheduled_publication(s) &&
			   cJSON_IsString(cJSON_GetObjectItemCaseSensitive(content, "publish_at"));

		if (!wait)
			sim_set(item, "published", cJSON_CreateTrue());
	}
	item_sync_content_state(course, item);
}

/* ContentTag#trigger_unpublish!: a published item whose content can be unpublished is unpublished,
 * then the content follows it. */
static void item_trigger_unpublish(cJSON *course, cJSON *item)
{
	cJSON *content = item_content(course, item);

	if (sim_bool(item, "published", 1) && (!content || can_unpublish(content)))
		sim_set(item, "published", cJSON_CreateFalse());
	item_sync_content_state(course, item);
}

/* publish + publish_items!: 1 when an item stayed unpublished (publish_warning). */
static int module_publish(struct sim *s, cJSON *course, cJSON *mod, int items_too)
{
	cJSON *item;
	int warn = 0;

	sim_set(mod, "published", cJSON_CreateTrue());
	if (!items_too)
		return 0;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(mod, "items"))
		item_trigger_publish(s, course, item);
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(mod, "items"))
		if (!sim_bool(item, "published", 1))
			warn = 1;
	return warn;
}

/* unpublish + unpublish_items!: 1 when an item stayed published (unpublish_warning). */
static int module_unpublish(cJSON *course, cJSON *mod, int items_too)
{
	cJSON *item;
	int warn = 0;

	sim_set(mod, "published", cJSON_CreateFalse());
	if (!items_too)
		return 0;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(mod, "items"))
		item_trigger_unpublish(course, item);
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(mod, "items"))
		if (sim_bool(item, "published", 1))
			warn = 1;
	return warn;
}

static void modules_index(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mods = kind_arr(rq->course, "modules"), *all = cJSON_CreateArray(), **v;
	int inc_items = sim_query_has(rq, "include", "items"), n, i;
	int details = inc_items && sim_query_has(rq, "include", "content_details");
	const char *search = search_term(rq);

	v = by_position(mods, &n);
	for (i = 0; i < n; i++) {
		cJSON *o;

		if (sim_is_deleted(v[i]))
			continue;
		/* without items Canvas filters modules by name in SQL; with items module_json decides */
		if (search && !inc_items && !sim_icontains(sim_str(v[i], "name"), search))
			continue;
		o = module_json(rq, rq->course, v[i], i + 1, inc_items, details, search, 0);
		if (o)
			cJSON_AddItemToArray(all, o);
	}
	free(v);
	sim_reply_list(rq, rs, all, PAGING_NUMBERED);
}

static void module_show(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = find_module(rq, "id");
	int inc_items = sim_query_has(rq, "include", "items");

	if (!mod) {
		sim_reply_not_found(rs);
		return;
	}
	sim_reply_json(rs, 200, module_json(rq, rq->course, mod, 0, inc_items,
					    inc_items && sim_query_has(rq, "include", "content_details"), NULL, 0));
}

static void module_create(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *w = sim_body_wrapper(rq, "module"), *mods, *mod;
	const cJSON *name;
	int64_t pos = 0;

	if (!w) {
		sim_reply_message(rs, 400, "missing module parameter");
		return;
	}
	name = cJSON_GetObjectItemCaseSensitive(w, "name");
	if (!cJSON_IsString(name) || ruby_blank(name)) {
		sim_reply_message(rs, 400, "missing module name");
		return;
	}
	if (read_position(w, &pos, rs))
		return;
	mods = sim_course_kind(rq->course, "modules");
	renumber(mods);
	mod = cJSON_CreateObject();
	sim_add_id(mod, "id", sim_new_id(rq->sim));
	cJSON_AddStringToObject(mod, "name", name->valuestring);
	cJSON_AddNumberToObject(mod, "position", cJSON_GetArraySize(mods) + 1);
	cJSON_AddNullToObject(mod, "unlock_at");
	cJSON_AddFalseToObject(mod, "require_sequential_progress");
	cJSON_AddFalseToObject(mod, "publish_final_grade");
	cJSON_AddArrayToObject(mod, "prerequisite_module_ids");
	cJSON_AddFalseToObject(mod, "published");   /* Canvas: workflow_state = "unpublished" */
	cJSON_AddArrayToObject(mod, "items");
	module_apply(rq->sim, mod, w);
	cJSON_AddItemToArray(mods, mod);
	if (pos)
		place_at(mods, mod, pos);
	check_prereqs(mods);
	sim_reply_json(rs, 200, module_json(rq, rq->course, mod, 0, 0, 0, NULL, 0));
}

static void module_update(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = find_module(rq, "id"), *w = sim_body_wrapper(rq, "module"), *mods, *out;
	const cJSON *pubv;
	int64_t pos = 0;
	int warn = 0, unwarn = 0;

	if (!mod) {
		sim_reply_not_found(rs);
		return;
	}
	if (!w) {
		sim_reply_message(rs, 400, "missing module parameter");
		return;
	}
	if (read_position(w, &pos, rs))
		return;
	mods = sim_course_kind(rq->course, "modules");
	module_apply(rq->sim, mod, w);
	pubv = cJSON_GetObjectItemCaseSensitive(w, "published");
	if (pubv) {   /* params[:module].key?(:published): null reads as false */
		int items_too = !sim_value_bool(cJSON_GetObjectItemCaseSensitive(w, "skip_content_tags"));

		if (sim_value_bool(pubv))
			warn = module_publish(rq->sim, rq->course, mod, items_too);
		else
			unwarn = module_unpublish(rq->course, mod, items_too);
	}
	if (pos)
		place_at(mods, mod, pos);
	else
		renumber(mods);
	check_prereqs(mods);
	out = module_json(rq, rq->course, mod, 0, 0, 0, NULL, 0);
	cJSON_AddBoolToObject(out, "publish_warning", warn);
	cJSON_AddBoolToObject(out, "unpublish_warning", unwarn);
	sim_reply_json(rs, 200, out);
}

static void module_delete(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = find_module(rq, "id"), *mods, *out;

	if (!mod) {
		sim_reply_not_found(rs);
		return;
	}
	/* rendered after destroy: no longer published, its items deleted with it */
	out = module_json(rq, rq->course, mod, 0, 0, 0, NULL, 1);
	mods = sim_course_kind(rq->course, "modules");
	cJSON_Delete(cJSON_DetachItemViaPointer(mods, mod));
	renumber(mods);
	check_prereqs(mods);
	sim_reply_json(rs, 200, out);
}

static void module_relock(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = find_module(rq, "id");

	if (!mod) {
		sim_reply_not_found(rs);
		return;
	}
	/* no student progressions are simulated: nothing to relock */
	sim_reply_json(rs, 200, module_json(rq, rq->course, mod, 0, 0, 0, NULL, 0));
}

static void modules_batch(struct sim_req *rq, struct sim_resp *rs)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(rq->body, "event");
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(rq->body, "module_ids"), *it;
	const char *event = cJSON_IsString(ev) ? ev->valuestring : NULL;
	cJSON *mods, **v, *done, *out;
	int n, i, items_too = !sim_value_bool(cJSON_GetObjectItemCaseSensitive(rq->body, "skip_content_tags"));

	if (ruby_blank(ev)) {
		sim_reply_message(rs, 400, "need to specify event");
		return;
	}
	if (!event || (strcmp(event, "publish") && strcmp(event, "unpublish") && strcmp(event, "delete"))) {
		sim_reply_message(rs, 400, "invalid event");
		return;
	}
	if (ruby_blank(ids)) {
		sim_reply_message(rs, 400, "must specify module_ids[]");
		return;
	}
	mods = sim_course_kind(rq->course, "modules");
	done = cJSON_CreateArray();
	v = by_position(mods, &n);
	for (i = 0; i < n; i++) {
		int64_t id = sim_id(v[i]);
		int hit = 0;

		if (sim_is_deleted(v[i]))
			continue;
		if (cJSON_IsArray(ids) || cJSON_IsObject(ids)) {
			cJSON_ArrayForEach(it, ids)
				if (ruby_to_i(it) == id)
					hit = 1;
		} else {
			hit = ruby_to_i(ids) == id;
		}
		if (!hit)
			continue;
		cJSON_AddItemToArray(done, sim_id_item(id));
		if (!strcmp(event, "publish"))
			module_publish(rq->sim, rq->course, v[i], items_too);
		else if (!strcmp(event, "unpublish"))
			module_unpublish(rq->course, v[i], items_too);
		else
			cJSON_Delete(cJSON_DetachItemViaPointer(mods, v[i]));
	}
	free(v);
	if (!cJSON_GetArraySize(done)) {
		cJSON_Delete(done);
		sim_reply_message(rs, 404, "no modules found");
		return;
	}
	renumber(mods);
	check_prereqs(mods);
	out = cJSON_CreateObject();
	cJSON_AddItemToObject(out, "completed", done);
	cJSON_AddNullToObject(out, "progress");
	sim_reply_json(rs, 200, out);
}

/* ---------------------------------------------------------------- items */

/* Rails' String#underscore, enough for type names: "SubHeader" -> "sub_header". */
static char *underscore(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out = xmalloc(2 * n + 1);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':' && s[i + 1] == ':') {
			out[o++] = '/';
			i++;
			continue;
		}
		if (isupper(c) && i > 0 && (islower((unsigned char)s[i - 1]) || isdigit((unsigned char)s[i - 1]) ||
					    (isupper((unsigned char)s[i - 1]) && islower((unsigned char)s[i + 1]))))
			out[o++] = '_';
		out[o++] = c == '-' ? '_' : (char)tolower(c);
	}
	out[o] = '\0';
	return out;
}

/* The API type of module_item[type] as ContextModule#add_item reads it, or NULL. */
static const char *api_type(const char *in)
{
	static const struct {
		const char *name, *api;
	} map[] = {
		{ "assignment", "Assignment" }, { "quiz", "Quiz" }, { "quizzes/quiz", "Quiz" },
		{ "discussion", "Discussion" }, { "discussion_topic", "Discussion" },
		{ "page", "Page" }, { "wiki_page", "Page" }, { "file", "File" }, { "attachment", "File" },
		{ "sub_header", "SubHeader" }, { "context_module_sub_header", "SubHeader" },
		{ "external_url", "ExternalUrl" }, { "external_tool", "ExternalTool" },
		{ "context_external_tool", "ExternalTool" },
	};
	const char *r = NULL;
	char *u;
	size_t i;

	if (!in)
		return NULL;
	u = underscore(in);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(u, map[i].name))
			r = map[i].api;
	free(u);
	return r;
}

static int valid_requirement(const char *t)
{
	static const char *const ok[] = {
		"must_view", "must_submit", "must_contribute", "min_score", "must_mark_done",
	};
	size_t i;

	for (i = 0; t && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(t, ok[i]))
			return 1;
	return 0;
}

/* 0, or -1 after a 400 for a completion requirement of an unknown type. */
static int check_requirement(const cJSON *v, struct sim_resp *rs)
{
	if (!ruby_truthy(v) || ruby_blank(v))
		return 0;
	if (!cJSON_IsObject(v) || !valid_requirement(sim_str(v, "type"))) {
		sim_reply_invalid(rs, 400, "completion_requirement", "Invalid completion requirement type",
				  "Invalid completion requirement type");
		return -1;
	}
	return 0;
}

/* Does a requirement type apply to an item (the others are dropped silently)? */
static int requirement_applies(cJSON *course, const cJSON *item, const char *rt)
{
	const char *t = sim_str(item, "type");
	cJSON *content;

	if (!t)
		return !strcmp(rt, "must_view") || !strcmp(rt, "must_mark_done");
	if (!strcmp(rt, "must_contribute"))
		return !strcmp(t, "Assignment") || !strcmp(t, "Discussion") || !strcmp(t, "Page");
	if (!strcmp(rt, "must_submit") || !strcmp(rt, "min_score")) {
		if (!strcmp(t, "Assignment") || !strcmp(t, "Quiz"))
			return 1;
		/* a discussion is scoreable when graded */
		content = !strcmp(t, "Discussion") ? item_content(course, item) : NULL;
		return content && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(content, "assignment_id"));
	}
	return 1;
}

/* set_completion_requirement (after check_requirement passed). */
static void apply_requirement(cJSON *course, cJSON *item, const cJSON *v)
{
	cJSON *req;
	const char *rt;

	if (!ruby_truthy(v))
		return;
	rt = cJSON_IsObject(v) ? sim_str(v, "type") : NULL;
	if (ruby_blank(v) || !rt || !requirement_applies(course, item, rt)) {
		cJSON_DeleteItemFromObjectCaseSensitive(item, "completion_requirement");
		return;
	}
	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "type", rt);
	if (!strcmp(rt, "min_score")) {
		const cJSON *ms = cJSON_GetObjectItemCaseSensitive(v, "min_score");

		cJSON_AddItemToObject(req, "min_score", ruby_truthy(ms) ? cJSON_CreateNumber(ruby_to_f(ms))
							     : cJSON_CreateNull());
	}
	sim_set(item, "completion_requirement", req);
}

static void items_index(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = find_module(rq, "module_id"), *all, **v;
	int details = sim_query_has(rq, "include", "content_details"), n, i;
	const char *search = search_term(rq);

	if (!mod) {
		sim_reply_not_found(rs);
		return;
	}
	all = cJSON_CreateArray();
	v = by_position(cJSON_GetObjectItemCaseSensitive(mod, "items"), &n);
	for (i = 0; i < n; i++)
		if (!search || sim_icontains(sim_str(v[i], "title"), search))
			cJSON_AddItemToArray(all, item_json(rq, rq->course, mod, v[i], i + 1, details, 0));
	free(v);
	sim_reply_list(rq, rs, all, PAGING_NUMBERED);
}

static void item_show(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = find_module(rq, "module_id"), *item;

	item = mod ? sim_find_id(cJSON_GetObjectItemCaseSensitive(mod, "items"), sim_param(rq, "id")) : NULL;
	if (!item) {
		sim_reply_not_found(rs);
		return;
	}
	sim_reply_json(rs, 200, item_json(rq, rq->course, mod, item, 0,
					  sim_query_has(rq, "include", "content_details"), 0));
}

static void item_create(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = find_module(rq, "module_id"), *w = sim_body_wrapper(rq, "module_item"), *items, *item;
	cJSON *content = NULL;
	const cJSON *crv, *tv, *titlev, *v;
	const char *raw, *type, *kind;
	int64_t pos = 0;

	if (!mod) {
		sim_reply_not_found(rs);
		return;
	}
	if (!w) {
		sim_reply_message(rs, 400, "missing module item parameter");
		return;
	}
	tv = cJSON_GetObjectItemCaseSensitive(w, "type");
	raw = cJSON_IsString(tv) ? tv->valuestring : NULL;
	type = api_type(raw);
	if (type && !strcmp(type, "Page")) {
		const char *pu = sim_str(w, "page_url");

		if (!pu) {
			sim_reply_message(rs, 400, "missing page_url parameter");
			return;
		}
		if (!(content = find_page_by_url(rq->course, pu))) {
			sim_reply_message(rs, 400, "invalid page_url parameter");
			return;
		}
	}
	if (read_position(w, &pos, rs))
		return;
	crv = cJSON_GetObjectItemCaseSensitive(w, "completion_requirement");
	if (check_requirement(crv, rs))
		return;
	kind = content_kind(type);
	if (kind && strcmp(kind, "pages")) {
		v = cJSON_GetObjectItemCaseSensitive(w, "content_id");
		content = ruby_truthy(v) ? find_live(kind_arr(rq->course, kind), ruby_to_i(v)) : NULL;
	}
	if (!type || (kind && !content)) {
		/* add_item returns nil: an unknown type, or content that is not in the course */
		sim_reply_message(rs, 400, "Could not find content");
		return;
	}
	if (!strcmp(type, "ExternalUrl") && ruby_blank(cJSON_GetObjectItemCaseSensitive(w, "external_url"))) {
		sim_reply_invalid(rs, 400, "url", "blank", "can't be blank");
		return;
	}
	if (!strcmp(type, "ExternalTool") && ruby_blank(cJSON_GetObjectItemCaseSensitive(w, "external_url")) &&
	    ruby_to_i(cJSON_GetObjectItemCaseSensitive(w, "content_id")) <= 0) {
		sim_reply_message(rs, 400, "Could not find content");
		return;
	}

	items = sim_course_kind(mod, "items");
	renumber(items);
	item = cJSON_CreateObject();
	sim_add_id(item, "id", sim_new_id(rq->sim));
	titlev = cJSON_GetObjectItemCaseSensitive(w, "title");
	if (cJSON_IsString(titlev))
		cJSON_AddStringToObject(item, "title", titlev->valuestring);
	else if (content && kind && sim_str(content, title_key(kind)))   /* content has a kind ("pages" for a Page) */
		cJSON_AddStringToObject(item, "title", sim_str(content, title_key(kind)));
	else
		cJSON_AddNullToObject(item, "title");
	cJSON_AddNumberToObject(item, "position", cJSON_GetArraySize(items) + 1);
	cJSON_AddNumberToObject(item, "indent", (double)ruby_to_i(cJSON_GetObjectItemCaseSensitive(w, "indent")));
	cJSON_AddStringToObject(item, "type", type);
	sim_add_id(item, "module_id", sim_id(mod));
	if (kind && strcmp(kind, "pages"))
		sim_add_id(item, "content_id", sim_id(content));
	if (!strcmp(type, "Page")) {
		cJSON_AddStringToObject(item, "page_url", sim_str(content, "url"));
		if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(content, "page_id")))
			cJSON_AddItemToObject(item, "page_id", sim_dup_or_null(content, "page_id"));
	}
	if (!strcmp(type, "ExternalUrl") || !strcmp(type, "ExternalTool")) {
		v = cJSON_GetObjectItemCaseSensitive(w, "external_url");
		if (!strcmp(type, "ExternalTool") && ruby_to_i(cJSON_GetObjectItemCaseSensitive(w, "content_id")) > 0)
			sim_add_id(item, "content_id", ruby_to_i(cJSON_GetObjectItemCaseSensitive(w, "content_id")));
		cJSON_AddItemToObject(item, "external_url", cJSON_IsString(v) ? cJSON_CreateString(v->valuestring)
									      : cJSON_CreateNull());
		v = cJSON_GetObjectItemCaseSensitive(w, "new_tab");
		cJSON_AddBoolToObject(item, "new_tab", sim_value_bool(v));
	}
	/* ContextModule#add_item: the content's state (ContentTag.asset_workflow_state); a text
	 * header, url or tool item starts unpublished */
	cJSON_AddBoolToObject(item, "published", content ? sim_bool(content, "published", 1) : 0);
	cJSON_AddItemToArray(items, item);
	if (pos)
		place_at(items, item, pos);
	apply_requirement(rq->course, item, crv);
	sim_reply_json(rs, 200, item_json(rq, rq->course, mod, item, 0, 0, 0));
}

static void item_update(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = NULL, *item = find_course_item(rq->course, sim_param(rq, "id"), &mod);
	cJSON *w = sim_body_wrapper(rq, "module_item"), *target = NULL;
	const cJSON *crv, *v, *titlev;
	const char *type;
	int64_t pos = 0;

	if (!item) {
		sim_reply_not_found(rs);
		return;
	}
	if (!w) {
		sim_reply_message(rs, 400, "missing module item parameter");
		return;
	}
	type = sim_str(item, "type") ? sim_str(item, "type") : "";
	v = cJSON_GetObjectItemCaseSensitive(w, "module_id");
	if (ruby_truthy(v) && ruby_to_i(v) != sim_id(mod)) {
		target = find_live(kind_arr(rq->course, "modules"), ruby_to_i(v));
		if (!target) {
			sim_reply_message(rs, 400, "invalid module_id");
			return;
		}
	}
	if (read_position(w, &pos, rs))
		return;
	crv = cJSON_GetObjectItemCaseSensitive(w, "completion_requirement");
	if (check_requirement(crv, rs))
		return;
	v = cJSON_GetObjectItemCaseSensitive(w, "published");
	if (v) {   /* module_item_publishable? / module_item_unpublishable? on the content */
		const cJSON *content = item_content(rq->course, item);

		if (sim_value_bool(v) && content && !sim_bool(content, "can_publish", 1)) {
			sim_reply_message(rs, 422, "item can't be published");
			return;
		}
		if (!sim_value_bool(v) && content && !can_unpublish(content)) {
			sim_reply_message(rs, 403, "item can't be unpublished");
			return;
		}
	}

	titlev = cJSON_GetObjectItemCaseSensitive(w, "title");
	if (cJSON_IsString(titlev))
		sim_set_str(item, "title", titlev->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(w, "external_url");
	if ((!strcmp(type, "ExternalUrl") || !strcmp(type, "ExternalTool")) && cJSON_IsString(v))
		sim_set_str(item, "external_url", v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(w, "indent");
	if (ruby_truthy(v))
		set_num(item, "indent", (double)ruby_to_i(v));
	v = cJSON_GetObjectItemCaseSensitive(w, "new_tab");
	if (ruby_truthy(v))   /* `if params[:module_item][:new_tab]`: a JSON false is skipped */
		sim_set(item, "new_tab", cJSON_CreateBool(sim_value_bool(v)));
	if (target) {
		cJSON *from = cJSON_GetObjectItemCaseSensitive(mod, "items"), *to = sim_course_kind(target, "items");

		cJSON_DetachItemViaPointer(from, item);
		renumber(from);
		renumber(to);
		set_num(item, "position", cJSON_GetArraySize(to) + 1);
		set_num(item, "module_id", (double)sim_id(target));
		cJSON_AddItemToArray(to, item);
		mod = target;
	}
	v = cJSON_GetObjectItemCaseSensitive(w, "published");
	if (v) {   /* has_key?: null reads as false */
		sim_set(item, "published", cJSON_CreateBool(sim_value_bool(v)));
		item_sync_content_state(rq->course, item);
	}
	if (pos)
		place_at(cJSON_GetObjectItemCaseSensitive(mod, "items"), item, pos);
	apply_requirement(rq->course, item, crv);
	if (cJSON_IsString(titlev))
		item_rename_content(rq->course, item, titlev->valuestring);
	sim_reply_json(rs, 200, item_json(rq, rq->course, mod, item, 0, 0, 0));
}

static void item_delete(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = NULL, *item = find_course_item(rq->course, sim_param(rq, "id"), &mod), *items, *out;

	if (!item) {
		sim_reply_not_found(rs);
		return;
	}
	out = item_json(rq, rq->course, mod, item, 0, 0, 1);
	items = cJSON_GetObjectItemCaseSensitive(mod, "items");
	cJSON_Delete(cJSON_DetachItemViaPointer(items, item));
	renumber(items);
	sim_reply_json(rs, 200, out);
}

/* The html_url of an ExternalUrl item: a redirect to the external page. */
static void item_redirect(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *mod = NULL, *item = find_course_item(rq->course, sim_param(rq, "id"), &mod);
	const char *type, *url;

	if (!item) {
		sim_reply_not_found(rs);
		return;
	}
	type = sim_str(item, "type");
	url = sim_str(item, "external_url");
	if (!type || strcmp(type, "ExternalUrl") || !url) {
		sim_reply_message(rs, 400, "incorrect module item type");
		return;
	}
	sim_reply_text(rs, 302, "text/html; charset=utf-8",
		       "<html><body>You are being redirected.</body></html>");
	sim_reply_header(rs, "Location", url);
}

const struct sim_route sim_routes_modules[] = {
	/* the batch PUT has one segment fewer than PUT .../modules/:id, so the two never collide */
	{ "GET", "/api/v1/courses/:course_id/modules", modules_index, ROUTE_COURSE },
	{ "POST", "/api/v1/courses/:course_id/modules", module_create, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/modules", modules_batch, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/modules/:id", module_show, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/modules/:id", module_update, ROUTE_COURSE },
	{ "DELETE", "/api/v1/courses/:course_id/modules/:id", module_delete, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/modules/:id/relock", module_relock, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/modules/:module_id/items", items_index, ROUTE_COURSE },
	{ "POST", "/api/v1/courses/:course_id/modules/:module_id/items", item_create, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/modules/:module_id/items/:id", item_show, ROUTE_COURSE },
	{ "PUT", "/api/v1/courses/:course_id/modules/:module_id/items/:id", item_update, ROUTE_COURSE },
	{ "DELETE", "/api/v1/courses/:course_id/modules/:module_id/items/:id", item_delete, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/module_item_redirect/:id", item_redirect, ROUTE_COURSE },
	{ NULL, NULL, NULL, 0 },
};

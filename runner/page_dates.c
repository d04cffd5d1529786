/* runner/page_dates.c -- the Assign To (selective release) dates of pages: read through the
 * Learning Object Dates API, one request per page (issue 15, CURRENT.md 13).
 *
 * Canvas (aaronshaf/canvas-lms master): a page's Assign To overrides, and its own availability
 * (unlock_at / lock_at: WikiPage includes DatesOverridable and low_level_locked_for? reads them),
 * are shown and written only by app/controllers/learning_object_dates_controller.rb (#show,
 * #update -> #update_ungraded_object for a page without an assignment), at
 * GET/PUT /api/v1/courses/:course_id/pages/:url_or_id/date_details.
 *
 * The decision: no cheaper signal exists, so a page's dates cost one GET per page, and are read
 * only when a recipe moves them. Looked for, in today's source:
 *   - lib/api/v1/wiki_page.rb #wiki_page_json / #wiki_pages_json: WIKI_PAGE_JSON_ATTRS is url,
 *     title, created_at, editing_roles, then page_id, published, front_page, todo_date,
 *     publish_at, ...; no unlock_at, lock_at, only_visible_to_overrides or visible_to_everyone.
 *     "assignment" (with assignment_overrides) appears only when the course has conditional release
 *     and the page has a mastery-paths assignment -- not the Assign To overrides of an ordinary page.
 *     locked_json gives lock_info only when the page is locked for the caller (never a teacher).
 *     Unlike a topic (lib/api/v1/discussion_topics.rb, ungraded_discussion_overrides), nothing says
 *     "this page has overrides".
 *   - app/controllers/wiki_pages_api_controller.rb #index: include[] takes only "body"; the
 *     preload of assignment_overrides there feeds visibility, not the JSON.
 *   - app/controllers/learning_object_dates_controller.rb: per object only (#asset: one page
 *     through Wiki#find_page); there is no course-level list of overrides.
 *   - app/models/wiki_page.rb: the overrides are AssignmentOverrides with wiki_page_id
 *     (Api::V1::AssignmentOverride OVERRIDABLE_ID_FIELDS), reachable only through the page.
 * So: plan_make calls page_dates_fetch only for a recipe that shifts page dates with their
 * overrides (page_dates_wanted: a shift_dates step whose `only:` has pages and `overrides:` is on),
 * for every page of its courses, and says the cost ("plan: the Assign To dates of N pages: one
 * request each ..."); exec reads again only the pages its changes name. Rejected: a GET per page
 * on every plan (a course of 300 pages would pay 300 requests for a title change); a recipe
 * switch (`overrides: false` and `only:` already say it); reading the pages a step's where:
 * selects (where: runs in the steps, after the reads).
 *
 * Pages are addressed as page_id:N (Wiki#find_page: by id only; a numeric url would otherwise win).
 * A date override of a page has `parent` "page_id:N" in the plan (a topic's is the topic's id),
 * which names both the kind of its owner and the path of its date_details.
 */
#include "page_dates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "msg.h"
#include "recipe.h"
#include "recipe_actions.h"
#include "recipe_shift_dates.h"
#include "resource.h"
#include "strmap.h"
#include "xalloc.h"

struct pd_req {
	cJSON *page;
	char *what;
	struct err *fatal;
};

int page_dates_wanted(const struct recipe *r)
{
	size_t i;

	for (i = 0; i < r->nsteps; i++)
		if (r->steps[i].action == &recipe_action_shift_dates) {
			const struct rshift_dates *m = r->steps[i].data;

			if (m && m->overrides && (m->only & RSHIFT_PAGES))
				return 1;
		}
	return 0;
}

char *page_dates_key(const char *course_id, const char *page_id)
{
	return xasprintf("%s\x1f%s", course_id, page_id);
}

const char *page_dates_parent_page(const char *parent)
{
	return parent && !strncmp(parent, "page_id:", 8) && parent[8] ? parent + 8 : NULL;
}

/* Replace key k of o with a copy of v (JSON null when v is NULL). */
static void put(cJSON *o, const char *k, const cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, k);
	cJSON_AddItemToObject(o, k, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
}

static void on_dates(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct pd_req *r = ud;
	cJSON *ovs, *o;

	(void)cv;
	if (err->code == ERR_AUTH) {
		if (!r->fatal->code)
			*r->fatal = *err;
	} else if (err->code == ERR_NOTFOUND) {
		/* gone since the list was read: the page's own changes say so */
	} else if (err->code) {
		warnf("cannot read %s (%s): they are left as they are", r->what, err->msg);
	} else {
		ovs = cJSON_DetachItemFromObjectCaseSensitive(json, "overrides");
		if (!cJSON_IsArray(ovs)) {
			cJSON_Delete(ovs);
			ovs = cJSON_CreateArray();
		}
		cJSON_ArrayForEach(o, ovs) {
			if (!cJSON_HasObjectItem(o, "wiki_page_id"))
				put(o, "wiki_page_id", cJSON_GetObjectItemCaseSensitive(r->page, "page_id"));
			resource_strip_derived(resource_get(RES_DATE_OVERRIDE), o);
		}
		cJSON_DeleteItemFromObjectCaseSensitive(r->page, "date_overrides");
		cJSON_AddItemToObject(r->page, "date_overrides", ovs);
		put(r->page, "unlock_at", cJSON_GetObjectItemCaseSensitive(json, "unlock_at"));
		put(r->page, "lock_at", cJSON_GetObjectItemCaseSensitive(json, "lock_at"));
	}
	cJSON_Delete(json);
	free(r->what);
	free(r);
}

int page_dates_fetch(struct canvas *cv, cJSON *snap, const struct strmap *only, long *nreq, struct err *err)
{
	cJSON *course, *page;
	struct err fatal = ERR_INIT, e = ERR_INIT;
	long n = 0;

	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(snap, "courses")) {
		const cJSON *cid = cJSON_GetObjectItemCaseSensitive(course, "id");
		char cb[32];

		if (!cJSON_IsNumber(cid))
			continue;
		snprintf(cb, sizeof(cb), "%.0f", cid->valuedouble);
		cJSON_ArrayForEach(page, cJSON_GetObjectItemCaseSensitive(course, "pages")) {
			const cJSON *pid = cJSON_GetObjectItemCaseSensitive(page, "page_id");
			struct pd_req *r;
			char pb[32], *path;

			if (!cJSON_IsNumber(pid))
				continue;
			snprintf(pb, sizeof(pb), "%.0f", pid->valuedouble);
			if (only) {
				char *k = page_dates_key(cb, pb);
				int want = strmap_get(only, k) != NULL;

				free(k);
				if (!want)
					continue;
			}
			r = xcalloc(1, sizeof(*r));
			r->page = page;
			r->what = xasprintf("the Assign To dates of page %s in course %s", pb, cb);
			r->fatal = &fatal;
			path = xasprintf("/api/v1/courses/%s/pages/page_id:%s/date_details?per_page=100", cb, pb);
			canvas_get(cv, path, r->what, on_dates, r);
			free(path);
			n++;
		}
	}
	if (nreq)
		*nreq = n;
	if (n && (canvas_run(cv, &e) || fatal.code)) {
		*err = fatal.code ? fatal : e;
		return err->code;
	}
	return 0;
}

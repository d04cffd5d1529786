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
 * So: plan_make reads them (page_dates_submit, run together with the grading periods) only for a
 * recipe that shifts page dates with their
 * overrides (page_dates_wanted: a shift_dates step whose `only:` has pages and `overrides:` is on),
 * for every page of its courses, and says the cost ("plan: the Assign To dates of N pages: one
 * request each ..."); apply reads again only the pages its changes name (the page row's
 * live_more hook, runner/resource_page.c, which also gives this file the request and how its
 * answer goes into the page). Rejected: a GET per page
 * on every plan (a course of 300 pages would pay 300 requests for a title change); a recipe
 * switch (`overrides: false` and `only:` already say it); reading the pages a step's where:
 * selects (where: runs in the steps, after the reads).
 *
 * Pages are addressed as page_id:N (Wiki#find_page: by id only; a numeric url would otherwise win).
 * A date override of a page has `parent` "page_id:N" in the plan (a topic's is the topic's id),
 * which names both the kind of its owner and the path of its date_details (the date override
 * row's alt_parent, runner/resource.c).
 */
#include "page_dates.h"

#include <stdlib.h>

#include "canvas.h"
#include "jsonid.h"
#include "msg.h"
#include "recipe.h"
#include "recipe_actions.h"
#include "recipe_shift_dates.h"
#include "resource.h"
#include "resource_fetch.h"
#include "xalloc.h"

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

long page_dates_submit(struct canvas *cv, cJSON *snap, struct err *fatal)
{
	const struct resource *res = resource_get(RES_PAGE);
	cJSON *course, *page;
	long n = 0;

	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(snap, "courses")) {
		char cb[32];
		const char *cid = jsonid_text(cJSON_GetObjectItemCaseSensitive(course, "id"), cb);

		if (!cid)
			continue;
		cJSON_ArrayForEach(page, cJSON_GetObjectItemCaseSensitive(course, res->seed_key)) {
			struct resource_fetch_req *r = xcalloc(1, sizeof(*r));

			if (!res->live_more(page, cid, cid, &r->f)) {
				free(r);
				continue;
			}
			r->obj = page;   /* taken by the page row's hook (runner/resource_page.c) */
			r->fatal = fatal;
			canvas_get(cv, r->f.path, r->f.what, resource_fetch_answer, r);
			n++;
		}
	}
	return n;
}

int page_dates_fetch(struct canvas *cv, cJSON *snap, long *nreq, struct err *err)
{
	struct err fatal = ERR_INIT, e = ERR_INIT;
	long n = page_dates_submit(cv, snap, &fatal);

	if (nreq)
		*nreq = n;
	if (n && (canvas_run(cv, &e) || fatal.code)) {
		*err = fatal.code ? fatal : e;
		return err->code;
	}
	return 0;
}

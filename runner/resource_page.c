/* runner/resource_page.c -- the quirks of pages (hooks of the resource table, include/resource.h).
 *
 * A page's todo_date is written as student_todo_at (the row's param_renames). Cleared with a flag:
 * WikiPagesApiController#assign_todo_date (app/controllers/wiki_pages_api_controller.rb,
 * CURRENT.md 6) sets todo_date only from a present student_todo_at, so `student_todo_at: null`
 * changes nothing; it clears it only when student_planner_checkbox is sent and false. A null
 * todo_date is therefore sent as wiki_page[student_planner_checkbox]=false (apply and rollback
 * alike: both go through exec_body) (resource_page_put_param).
 *
 * A locked page's list entry carries no body: one GET of the page by its url (API.md 7.1,
 * resource_page_more).
 *
 * Assign To dates (selective release, issue 15, CURRENT.md 13): a page's own availability
 * (unlock_at / lock_at) and its Assign To overrides are shown and written only by
 * LearningObjectDatesController (#show; #update -> #update_ungraded_object) at
 * .../pages/page_id:N/date_details (#asset: Wiki#find_page, by id only for page_id:N); the page
 * list shows neither (runner/page_dates.c says why there is no cheaper sign). So:
 *   - the two dates are page fields written there (writes_elsewhere, elsewhere_path: one PUT of
 *     those two alone, which leaves the overrides as they are) and read back there
 *     (reread_elsewhere);
 *   - the overrides are the page's children, date overrides (the row's children_key) whose parent
 *     is "page_id:N" (the date override row's alt_parent), written as a discussion's are
 *     (exec_date_details.c);
 *   - one GET date_details fills both into a page (take_dates): for apply's live copy of the pages
 *     its changes name (live_more), and for a plan that shifts them (page_dates.c).
 */
#include "resource_kinds.h"

#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "xalloc.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

int resource_page_put_param(cJSON *inner, const char *param, const cJSON *v)
{
	if (strcmp(param, "student_todo_at") || !cJSON_IsNull(v))
		return 0;
	cJSON_AddFalseToObject(inner, "student_planner_checkbox");   /* null is ignored */
	return 1;
}

static void take_body(cJSON *obj, cJSON *json)
{
	cJSON *body = cJSON_DetachItemFromObjectCaseSensitive(json, "body");

	cJSON_AddItemToObject(obj, "body", body ? body : cJSON_CreateNull());
	cJSON_Delete(json);
}

int resource_page_more(const cJSON *it, const char *course_path, const char *course, struct resource_fetch *out)
{
	const char *url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "url"));
	char *pu;

	if (!url || cJSON_HasObjectItem(it, "body"))
		return 0;
	pu = canvas_path_id(url);
	out->path = xasprintf("/api/v1/courses/%s/pages/%s", course_path, pu);
	out->what = xasprintf("page '%s' of course %s", url, course);
	out->list = 0;
	out->take = take_body;
	free(pu);
	return 1;
}

/* ---------------------------------------------------------------- Assign To dates */

int resource_page_dates_field(const cJSON *live, const char *field)
{
	(void)live;
	return resource_in_list(LIST("unlock_at", "lock_at"), field);
}

char *resource_page_dates_path(const char *course, const cJSON *live)
{
	char b[32];
	const char *t = object_id(RES_PAGE, live, b);

	return xasprintf("/api/v1/courses/%s/pages/page_id:%s/date_details", course, t ? t : "0");
}

/* Replace key k of o with a copy of v (JSON null when v is NULL). */
static void put(cJSON *o, const char *k, const cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, k);
	cJSON_AddItemToObject(o, k, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
}

/* A date_details answer (taken) into the page: its overrides as "date_overrides", each naming the
 * page (wiki_page_id) without the fields Canvas derives, and its own unlock_at / lock_at. */
static void take_dates(cJSON *page, cJSON *json)
{
	cJSON *ovs = cJSON_DetachItemFromObjectCaseSensitive(json, "overrides"), *o;

	if (!cJSON_IsArray(ovs)) {
		cJSON_Delete(ovs);
		ovs = cJSON_CreateArray();
	}
	cJSON_ArrayForEach(o, ovs) {
		if (!cJSON_HasObjectItem(o, "wiki_page_id"))
			put(o, "wiki_page_id", cJSON_GetObjectItemCaseSensitive(page, "page_id"));
		resource_strip_derived(resource_get(RES_DATE_OVERRIDE), o);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(page, "date_overrides");
	cJSON_AddItemToObject(page, "date_overrides", ovs);
	put(page, "unlock_at", cJSON_GetObjectItemCaseSensitive(json, "unlock_at"));
	put(page, "lock_at", cJSON_GetObjectItemCaseSensitive(json, "lock_at"));
	cJSON_Delete(json);
}

int resource_page_dates_more(const cJSON *it, const char *course_path, const char *course,
			     struct resource_fetch *out)
{
	char b[32];
	const char *id = object_id(RES_PAGE, it, b);

	if (!id)
		return 0;
	out->path = xasprintf("/api/v1/courses/%s/pages/page_id:%s/date_details?per_page=100", course_path, id);
	out->what = xasprintf("the Assign To dates of page %s in course %s", id, course);
	out->list = 0;
	out->take = take_dates;
	return 1;
}

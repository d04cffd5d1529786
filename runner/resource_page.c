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
 */
#include "resource_kinds.h"

#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "xalloc.h"

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

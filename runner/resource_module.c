/* runner/resource_module.c -- the quirks of modules and module items (hooks of the resource
 * table, include/resource.h).
 *
 * Publish cascade (issue 15; ContextModulesApiController#update runs publish_items! /
 * unpublish_items! unless skip_content_tags): a module's published flag goes alone, with
 * skip_content_tags. What Canvas would do to the items and their content is in the plan as changes
 * of their own ("with items"), each journaled and written by its own PUT, or is not wanted
 * ("module only") (resource_module_finish_body).
 *
 * Items: a module with more than 100 items does not inline them (API.md 2): one more list
 * (resource_module_more). A completion requirement is cleared with a blank: the controller tests
 * the parameter for truth before it reads it, so a JSON null is skipped; "" clears it (API.md 6.2,
 * resource_item_put_param). An item moves to another module by a PUT of its module_id (a
 * writable field of the row); on POST its module is the path's.
 *
 * A lost create (exec_lost.c) is found by what the item points at, not by a name: the same type
 * and content (content_id, page_url, or external_url and title), or the title for a header
 * (resource_item_same_create).
 */
#include "resource_kinds.h"

#include <string.h>

#include "jsonid.h"
#include "xalloc.h"

void resource_module_finish_body(cJSON *inner, int create)
{
	if (!create && cJSON_HasObjectItem(inner, "published"))
		cJSON_AddTrueToObject(inner, "skip_content_tags");
}

static void take_items(cJSON *obj, cJSON *answer)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "items");
	cJSON_AddItemToObject(obj, "items", answer);
}

int resource_module_more(const cJSON *it, const char *course_path, const char *course, struct resource_fetch *out)
{
	long long id = resource_json_id(it);

	if (cJSON_HasObjectItem(it, "items"))
		return 0;
	out->path = xasprintf("/api/v1/courses/%s/modules/%lld/items", course_path, id);
	out->what = xasprintf("the items of module %lld in course %s", id, course);
	out->list = 1;
	out->take = take_items;
	return 1;
}

int resource_item_put_param(cJSON *inner, const char *param, const cJSON *v)
{
	if (strcmp(param, "completion_requirement") || !cJSON_IsNull(v))
		return 0;
	cJSON_AddStringToObject(inner, param, "");   /* blank clears it; null is skipped */
	return 1;
}

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* Two ids as text are equal (both absent too). */
static int field_eq(const cJSON *a, const cJSON *b, const char *k)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, k), *y = cJSON_GetObjectItemCaseSensitive(b, k);
	char b1[32], b2[32];
	const char *s = jsonid_text(x, b1), *t = jsonid_text(y, b2);

	if (!x && !y)
		return 1;
	return s && t && !strcmp(s, t);
}

int resource_item_same_create(const cJSON *after, const cJSON *o)
{
	const char *type = str_of(after, "type");

	if (!type || !str_of(o, "type") || strcmp(type, str_of(o, "type")))
		return 0;
	if (cJSON_HasObjectItem(after, "content_id"))
		return field_eq(after, o, "content_id");
	if (cJSON_HasObjectItem(after, "page_url"))
		return field_eq(after, o, "page_url");
	if (cJSON_HasObjectItem(after, "external_url"))
		return field_eq(after, o, "external_url") && field_eq(after, o, "title");
	return field_eq(after, o, "title");
}

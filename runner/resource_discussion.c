/* runner/resource_discussion.c -- the quirks of discussion topics and announcements (hooks of the
 * resource table, include/resource.h).
 *
 * Selective release (issue 15, CURRENT.md 13): an ungraded topic's "Assign To" overrides are not
 * in its list entry; only a topic whose entry has ungraded_discussion_overrides costs a GET of its
 * date_details (resource_topic_more), whose overrides are kept, each naming the topic, as the
 * topic's "date_overrides" (kind date_override, written by exec_date_details.c).
 *
 * Comments: an announcement PUT without `locked` reopens closed comments
 * (DiscussionTopicsController#process_lock_parameters), so both rows keep `locked` (keep_fields):
 * apply sends it on every PUT as the topic has it now (exec_object.c exec_keep_locked).
 *
 * An announcement is a topic created with is_announcement (API.md 9): a create that does not say
 * so would make a discussion (resource_announcement_finish_body).
 */
#include "resource_kinds.h"

#include "jsonid.h"
#include "xalloc.h"

/* An ungraded topic's date_details: its overrides, each naming the topic, as "date_overrides". */
static void take_date_details(cJSON *obj, cJSON *json)
{
	cJSON *ovs, *o;

	ovs = cJSON_DetachItemFromObjectCaseSensitive(json, "overrides");
	if (!cJSON_IsArray(ovs)) {
		cJSON_Delete(ovs);
		ovs = cJSON_CreateArray();
	}
	cJSON_ArrayForEach(o, ovs)
		if (!cJSON_HasObjectItem(o, "discussion_topic_id"))
			cJSON_AddItemToObject(o, "discussion_topic_id",
					      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(obj, "id"), 1));
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "date_overrides");
	cJSON_AddItemToObject(obj, "date_overrides", ovs);
	cJSON_Delete(json);
}

int resource_topic_more(const cJSON *it, const char *course_path, const char *course, struct resource_fetch *out)
{
	const cJSON *udo = cJSON_GetObjectItemCaseSensitive(it, "ungraded_discussion_overrides");
	long long id = resource_json_id(it);

	/* selective release: only a topic whose list entry has overrides costs a request */
	if (!(cJSON_GetArraySize(udo) > 0 && id >= 0 &&
	      jsonid_ll(cJSON_GetObjectItemCaseSensitive(it, "assignment_id"), &(long long){ 0 })))
		return 0;
	out->path = xasprintf("/api/v1/courses/%s/discussion_topics/%lld/date_details?per_page=100", course_path, id);
	out->what = xasprintf("the Assign To dates of discussion %lld in course %s", id, course);
	out->list = 0;
	out->take = take_date_details;
	return 1;
}

void resource_announcement_finish_body(cJSON *inner, int create)
{
	if (create && !cJSON_HasObjectItem(inner, "is_announcement"))
		cJSON_AddTrueToObject(inner, "is_announcement");
}

/* runner/resource_assignment.c -- the quirks of assignments (hooks of the resource table,
 * include/resource.h): checkpointed discussions, and overrides a list did not inline.
 *
 * Checkpointed discussions (issue 15, CURRENT.md 12): their due dates live on two sub-assignments,
 * listed with include[]=checkpoints (Api::V1::Assignment#assignment_json: has_sub_assignments and
 * Checkpoint#as_json, lib/checkpoint.rb) and written through the Learning Object Dates API as
 * reply_to_topic_due_at and required_replies_due_at (LearningObjectDatesController
 * #prepare_checkpoints_dates). The assignment's row therefore reads them under those names
 * (resource_flatten_checkpoints, its normalize hook), so the plan, the stale check, read-back and
 * rollback treat them as two more date fields of the assignment; the topic's id (from the nested
 * discussion_topic, which is derived) is kept as discussion_topic_id for the write's path. An
 * assignment without checkpoints loses the empty checkpoints list and has_sub_assignments: false,
 * so snapshots of ordinary courses stay as they were. Those dates, and unlock_at / lock_at, which
 * Canvas sets on both checkpoints and the parent (LearningObjectDatesController
 * #update_checkpointed_assignment), are written through PUT .../discussion_topics/:id/date_details
 * (resource_assignment_checkpoint_field and _path, the writes_elsewhere and elsewhere_path hooks).
 *
 * Overrides: the assignments list inlines them (include[]=overrides), except that Canvas caps
 * all_dates at 25 and reports all_dates_count instead (API.md 5.1); such an assignment, or one
 * with has_overrides and no list, costs one more list (resource_assignment_more).
 */
#include "resource_kinds.h"

#include <string.h>

#include "xalloc.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

long long resource_json_id(const cJSON *obj)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "id");

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble < 9007199254740992.0))
		return -1;
	return (long long)v->valuedouble;
}

void resource_flatten_checkpoints(cJSON *a)
{
	const cJSON *cps = cJSON_GetObjectItemCaseSensitive(a, "checkpoints"), *c, *v;
	const cJSON *topic = cJSON_GetObjectItemCaseSensitive(a, "discussion_topic");

	if (!cJSON_IsArray(cps) || !cJSON_GetArraySize(cps)) {
		cJSON_DeleteItemFromObjectCaseSensitive(a, "checkpoints");
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "has_sub_assignments")))
			cJSON_DeleteItemFromObjectCaseSensitive(a, "has_sub_assignments");
		return;
	}
	cJSON_ArrayForEach(c, cps) {
		const char *tag = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "tag"));
		const char *name = !tag ? NULL : !strcmp(tag, "reply_to_topic") ? "reply_to_topic_due_at" :
				   !strcmp(tag, "reply_to_entry") ? "required_replies_due_at" : NULL;

		if (!name)
			continue;
		v = cJSON_GetObjectItemCaseSensitive(c, "due_at");
		cJSON_DeleteItemFromObjectCaseSensitive(a, name);
		cJSON_AddItemToObject(a, name, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
	}
	v = cJSON_GetObjectItemCaseSensitive(topic, "id");
	if (cJSON_IsNumber(v) && !cJSON_HasObjectItem(a, "discussion_topic_id"))
		cJSON_AddNumberToObject(a, "discussion_topic_id", v->valuedouble);
}

int resource_assignment_checkpoint_field(const cJSON *live, const char *field)
{
	if (!field || !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(live, "checkpoints")))
		return 0;
	return resource_in_list(LIST("reply_to_topic_due_at", "required_replies_due_at", "unlock_at", "lock_at"),
				field);
}

char *resource_assignment_checkpoint_path(const char *course, const cJSON *live)
{
	char b[32];
	const char *t = resource_id_text(cJSON_GetObjectItemCaseSensitive(live, "discussion_topic_id"), b);

	return xasprintf("/api/v1/courses/%s/discussion_topics/%s/date_details", course, t ? t : "0");
}

static void take_overrides(cJSON *obj, cJSON *answer)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "overrides");
	cJSON_AddItemToObject(obj, "overrides", answer);
}

int resource_assignment_more(const cJSON *it, const char *course_path, const char *course,
			     struct resource_fetch *out)
{
	const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(it, "all_dates_count");
	int has = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "has_overrides"));
	long long id = resource_json_id(it);

	if (!cJSON_IsNumber(cnt) && !(has && !cJSON_HasObjectItem(it, "overrides")))
		return 0;
	out->path = xasprintf("/api/v1/courses/%s/assignments/%lld/overrides", course_path, id);
	out->what = xasprintf("the overrides of assignment %lld in course %s", id, course);
	out->list = 1;
	out->take = take_overrides;
	return 1;
}

/* runner/exec_date_details.c -- the PUT body of selective-release dates (runner/exec_internal.h
 * exec_date_details_body): the Assign To overrides of an ungraded discussion, written through the
 * Learning Object Dates API (issue 15, CURRENT.md 13).
 *
 * Canvas (canvas-lms master, app/controllers/learning_object_dates_controller.rb): PUT
 * .../discussion_topics/:id/date_details goes to #update_ungraded_object for a topic without an
 * assignment; object_update_params permits unlock_at, lock_at, only_visible_to_overrides and
 * assignment_overrides, and assignment_overrides REPLACES the topic's override set
 * (prepare_assignment_overrides_for_batch_update: an entry with an id updates that override, one
 * without creates one, overrides left out are deleted). It answers 204 No Content. So a PUT that
 * changes one override must name every override of the topic, each with its id and target
 * (course_section_id, student_ids or group_id) and the dates it has: leaving one out would delete
 * it, and leaving a date out of an entry would keep Canvas's value only by luck of the batch
 * update's key handling. The topic's own dates are not sent (they go with the topic's PUT).
 *
 * The writes of one topic's overrides run one after the other (exec_order.c chains them per course,
 * as module items) and each starts from the set as Canvas holds it after the one before
 * (exec_verify.c refreshes the live copy from each re-read), so two overrides of one topic changed
 * in one run do not undo each other. Rejected: the run's planned value for the siblings -- a sibling whose change
 * is a conflict would be written anyway.
 */
#include "exec_internal.h"
#include "jsonid.h"

#include <stdio.h>
#include <string.h>

cJSON *exec_date_details_body(const cJSON *overrides, const char *id, const cJSON *fields)
{
	static const char *const keep[] = { "course_section_id", "student_ids", "group_id", "title",
					    "unlock_at", "lock_at" };
	cJSON *body = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(body, "assignment_overrides");
	const cJSON *o, *f;
	char b[32];
	size_t k;

	cJSON_ArrayForEach(o, overrides) {
		const char *oid = jsonid_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b);
		cJSON *e;

		if (!oid)
			continue;
		e = cJSON_CreateObject();
		cJSON_AddItemToObject(e, "id", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(o, "id"), 1));
		for (k = 0; k < sizeof(keep) / sizeof(keep[0]); k++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keep[k]);

			if (v && !(cJSON_IsNull(v) && k < 3))
				cJSON_AddItemToObject(e, keep[k], cJSON_Duplicate(v, 1));
		}
		if (id && !strcmp(oid, id))
			cJSON_ArrayForEach(f, fields) {
				if (!exec_param_name(RES_DATE_OVERRIDE, f->string, 0))
					continue;
				cJSON_DeleteItemFromObjectCaseSensitive(e, f->string);
				cJSON_AddItemToObject(e, f->string, cJSON_Duplicate(f, 1));
			}
		cJSON_AddItemToArray(arr, e);
	}
	return body;
}

/* runner/resource_assignment.c -- the quirks of assignments (hooks of the resource table,
 * include/resource.h): checkpointed discussions and their overrides, and overrides a list did not
 * inline.
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
 * Checkpoint overrides (issue 15, CURRENT.md 12): the overrides of a checkpointed discussion are
 * read, written and read back as fields of the assignment's own overrides. From the canvas-lms
 * source (aaronshaf/canvas-lms and instructure/canvas-lms, 2025-26 master): a checkpointed
 * discussion's assignment has two sub-assignments (checkpoints, tagged reply_to_topic and
 * reply_to_entry). An "Assign To" date of such a discussion is a pair of
 * overrides: a "child" override on each checkpoint that holds the dates, with parent_override_id
 * naming a "shell" override of the parent assignment for the same target, whose dates are
 * overridden to nil (Checkpoints::DateOverrider#apply_overridden_dates, shell_override: it "only
 * exists so that assignment visibility can be correctly determined for students").
 *   - Read: the assignment list with include[]=checkpoints gives each checkpoint's overrides
 *     (Checkpoint#as_json, lib/checkpoint.rb -> Api::V1::AssignmentOverride#assignment_override_json,
 *     parent_override_id included); include[]=overrides gives the shells among the assignment's own
 *     overrides. No request is added.
 *   - Write: PUT .../discussion_topics/:id/date_details (LearningObjectDatesController#update ->
 *     #update_checkpointed_assignment, #prepare_checkpoints_dates): each assignment_overrides[]
 *     entry names the SHELL by id, its target (student_ids, course_section_id, group_id), unlock_at,
 *     lock_at, and reply_to_topic_due_at / required_replies_due_at as the due date of each
 *     checkpoint's child. Checkpoints::DiscussionCheckpointUpdaterService#find_checkpoint then
 *     deletes every child not named (with its shell), updates the named ones (the Section/Adhoc
 *     updater services need the target sent again; only the date keys sent are overridden) and
 *     creates the rest. So one write must name every override of the discussion with its target,
 *     and a write of the discussion's own checkpoint dates must name them too, or they are deleted.
 *     Without only_visible_to_overrides the request also carries an "everyone" date with only the
 *     keys sent (DiscussionCheckpointCommonService#everyone_date, #date_fields): an override-only
 *     write leaves the discussion's own dates alone; with it, they are cleared, so it is sent only
 *     when the assignment already is only visible to overrides (it then has no own dates).
 *
 * How coursectl holds them (flatten_overrides, from the normalize hook): the shell, which is the object
 * the write names, takes its children's dates under the write's names -- reply_to_topic_due_at and
 * required_replies_due_at (null when that child does not override its due date), unlock_at and
 * lock_at (the children's, absent when they do not override them; the shell's own nil values are
 * dropped, they say nothing) -- exactly as the assignment itself carries its checkpoints' dates. So
 * the planner, the stale check, the journal, read-back and rollback see ordinary override fields.
 * The hooks: the override row's writes_elsewhere (resource_override_checkpoint_field) and its
 * elsewhere_via_parent flag send those fields through the assignment's date_details; the
 * assignment row's elsewhere_body (resource_assignment_checkpoint_body) names every override from
 * the live copy (a due date only when it is a date: a null one is left as Canvas has it,
 * overridden to nil or inherited, which coursectl cannot tell apart and never changes);
 * elsewhere_chained (resource_assignment_checkpoint_chained) makes apply write one discussion's
 * date_details one after the other, and elsewhere_refresh (resource_assignment_checkpoint_refresh)
 * carries each re-read into the live copy the next write starts from. Rejected: a kind of its own for the
 * children (a second identity for one Assign To row, and the write addresses the shell anyway).
 *
 * Overrides: the assignments list inlines them (include[]=overrides), except that Canvas caps
 * all_dates at 25 and reports all_dates_count instead (API.md 5.1); such an assignment, or one
 * with has_overrides and no list, costs one more list (resource_assignment_more).
 */
#include "resource_kinds.h"

#include <string.h>

#include "jsonid.h"
#include "xalloc.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

long long resource_json_id(const cJSON *obj)
{
	long long v;

	/* a number, or Canvas's string id above 2^53 (jsonid.h) */
	return jsonid_ll(cJSON_GetObjectItemCaseSensitive(obj, "id"), &v) ? -1 : v;
}

static void flatten_overrides(cJSON *a);

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
	if ((cJSON_IsNumber(v) || cJSON_IsString(v)) && !cJSON_HasObjectItem(a, "discussion_topic_id"))
		cJSON_AddItemToObject(a, "discussion_topic_id", cJSON_Duplicate(v, 0));
	flatten_overrides(a);
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
	const char *t = jsonid_text(cJSON_GetObjectItemCaseSensitive(live, "discussion_topic_id"), b);

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

/* ---------------------------------------------------------------- checkpoint overrides */

static const char *const names[2] = { "reply_to_topic_due_at", "required_replies_due_at" };

static const char *name_of(const cJSON *checkpoint)
{
	const char *tag = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(checkpoint, "tag"));

	return !tag ? NULL : !strcmp(tag, "reply_to_topic") ? names[0] : !strcmp(tag, "reply_to_entry") ? names[1] : NULL;
}

/* The override of `list` whose id is idv's (a number, or a string id above 2^53), or NULL. */
static cJSON *find_override(const cJSON *list, const cJSON *idv)
{
	cJSON *o;
	long long id, v;

	if (jsonid_ll(idv, &id))
		return NULL;
	cJSON_ArrayForEach(o, list)
		if (!jsonid_ll(cJSON_GetObjectItemCaseSensitive(o, "id"), &v) && v == id)
			return o;
	return NULL;
}

static void put(cJSON *o, const char *key, const cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	cJSON_AddItemToObject(o, key, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
}

static void flatten_overrides(cJSON *a)
{
	const cJSON *cps = cJSON_GetObjectItemCaseSensitive(a, "checkpoints"), *c, *child;
	cJSON *shells = cJSON_GetObjectItemCaseSensitive(a, "overrides"), *shell;
	static const char *const avail[2] = { "unlock_at", "lock_at" };
	int pass, k;

	/* pass 0: every shell with a child gets both names and loses its own nil availability;
	 * pass 1: the children's dates */
	for (pass = 0; pass < 2; pass++)
		cJSON_ArrayForEach(c, cps) {
			const char *name = name_of(c);

			if (!name)
				continue;
			cJSON_ArrayForEach(child, cJSON_GetObjectItemCaseSensitive(c, "overrides")) {
				const cJSON *pid = cJSON_GetObjectItemCaseSensitive(child, "parent_override_id");

				if (!(shell = find_override(shells, pid)))
					continue;
				if (pass == 0) {
					for (k = 0; k < 2; k++) {
						if (!cJSON_HasObjectItem(shell, names[k]))
							cJSON_AddNullToObject(shell, names[k]);
						cJSON_DeleteItemFromObjectCaseSensitive(shell, avail[k]);
					}
					continue;
				}
				put(shell, name, cJSON_GetObjectItemCaseSensitive(child, "due_at"));
				for (k = 0; k < 2; k++)
					if (cJSON_HasObjectItem(child, avail[k]) && !cJSON_HasObjectItem(shell, avail[k]))
						put(shell, avail[k], cJSON_GetObjectItemCaseSensitive(child, avail[k]));
			}
		}
}

int resource_checkpoint_override(const cJSON *o)
{
	return cJSON_HasObjectItem(o, names[0]) || cJSON_HasObjectItem(o, names[1]);
}

int resource_assignment_checkpoint_chained(const cJSON *assignment)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(assignment, "overrides"))
		if (resource_checkpoint_override(o))
			return 1;
	return 0;
}

int resource_override_checkpoint_field(const cJSON *live, const char *field)
{
	return field && resource_checkpoint_override(live) &&
	       (!strcmp(field, names[0]) || !strcmp(field, names[1]) || !strcmp(field, "unlock_at") ||
		!strcmp(field, "lock_at"));
}

/* One entry of assignment_overrides[]: override o's id, target and dates, `fields` replacing them.
 * A new tree: the caller adds it to a body or cJSON_Deletes it. */
static cJSON *entry(const cJSON *o, const cJSON *fields)
{
	static const char *const targets[] = { "student_ids", "course_section_id", "group_id" };
	static const char *const dates[] = { "unlock_at", "lock_at", "reply_to_topic_due_at", "required_replies_due_at" };
	cJSON *e = cJSON_CreateObject(), *f;
	size_t k;

	put(e, "id", cJSON_GetObjectItemCaseSensitive(o, "id"));
	for (k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, targets[k]);

		if (v && !cJSON_IsNull(v))
			put(e, targets[k], v);
	}
	for (k = 0; k < sizeof(dates) / sizeof(dates[0]); k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, dates[k]);

		if (v && (k < 2 || !cJSON_IsNull(v)))
			put(e, dates[k], v);
	}
	cJSON_ArrayForEach(f, fields)
		if (resource_override_checkpoint_field(o, f->string))
			put(e, f->string, f);
	return e;
}

/* A new tree (runner/resource_kinds.h): the caller cJSON_Deletes it. */
cJSON *resource_assignment_checkpoint_body(const cJSON *assignment, const char *override_id, const cJSON *fields)
{
	cJSON *body = cJSON_CreateObject(), *arr, *f;
	const cJSON *o;
	char b[32];

	if (!override_id)
		cJSON_ArrayForEach(f, fields)
			put(body, f->string, f);
	if (!resource_assignment_checkpoint_chained(assignment) && !override_id)
		return body;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(assignment, "only_visible_to_overrides")))
		cJSON_AddTrueToObject(body, "only_visible_to_overrides");
	arr = cJSON_AddArrayToObject(body, "assignment_overrides");
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(assignment, "overrides")) {
		const char *id = jsonid_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b);

		if (!id || !resource_checkpoint_override(o))
			continue;
		cJSON_AddItemToArray(arr, entry(o, override_id && !strcmp(id, override_id) ? fields : NULL));
	}
	return body;
}

void resource_assignment_checkpoint_refresh(cJSON *live, const cJSON *reread)
{
	static const char *const f[] = { "reply_to_topic_due_at", "required_replies_due_at", "unlock_at", "lock_at" };
	const cJSON *o;
	cJSON *l;
	size_t k;

	if (!live || !reread)
		return;
	for (k = 0; k < 4; k++)
		if (cJSON_HasObjectItem(reread, f[k]))
			put(live, f[k], cJSON_GetObjectItemCaseSensitive(reread, f[k]));
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(reread, "overrides")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");

		if (!(l = find_override(cJSON_GetObjectItemCaseSensitive(live, "overrides"), id)))
			continue;
		for (k = 0; k < 4; k++) {
			if (cJSON_HasObjectItem(o, f[k]))
				put(l, f[k], cJSON_GetObjectItemCaseSensitive(o, f[k]));
			else
				cJSON_DeleteItemFromObjectCaseSensitive(l, f[k]);
		}
	}
}

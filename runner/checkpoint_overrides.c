/* runner/checkpoint_overrides.c -- the overrides of a checkpointed discussion: read, written and
 * read back as fields of the assignment's own overrides (issue 15, CURRENT.md 12).
 *
 * From the canvas-lms source (aaronshaf/canvas-lms and instructure/canvas-lms, 2025-26 master):
 * a checkpointed discussion's assignment has two sub-assignments (checkpoints, tagged
 * reply_to_topic and reply_to_entry). An "Assign To" date of such a discussion is a pair of
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
 * How coursectl holds them (resource_flatten_checkpoint_overrides): the shell, which is the object
 * the write names, takes its children's dates under the write's names -- reply_to_topic_due_at and
 * required_replies_due_at (null when that child does not override its due date), unlock_at and
 * lock_at (the children's, absent when they do not override them; the shell's own nil values are
 * dropped, they say nothing) -- exactly as the assignment itself carries its checkpoints' dates. So
 * the planner, the stale check, the journal, read-back and rollback see ordinary override fields.
 * The write (exec_checkpoint_body) names every override from the live copy; a due date is sent
 * only when it is a date (a null one is left as Canvas has it: overridden to nil or inherited,
 * which coursectl cannot tell apart and never changes). Rejected: a kind of its own for the
 * children (a second identity for one Assign To row, and the write addresses the shell anyway).
 */
#include "exec_internal.h"

#include <string.h>

static const char *const names[2] = { "reply_to_topic_due_at", "required_replies_due_at" };

static const char *name_of(const cJSON *checkpoint)
{
	const char *tag = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(checkpoint, "tag"));

	return !tag ? NULL : !strcmp(tag, "reply_to_topic") ? names[0] : !strcmp(tag, "reply_to_entry") ? names[1] : NULL;
}

static cJSON *find_override(const cJSON *list, double id)
{
	cJSON *o;

	cJSON_ArrayForEach(o, list) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "id");

		if (cJSON_IsNumber(v) && v->valuedouble == id)
			return o;
	}
	return NULL;
}

static void put(cJSON *o, const char *key, const cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	cJSON_AddItemToObject(o, key, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
}

void resource_flatten_checkpoint_overrides(cJSON *a)
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

				if (!cJSON_IsNumber(pid) || !(shell = find_override(shells, pid->valuedouble)))
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

/* 1 when override o (flattened) is a checkpointed discussion's. */
static int is_checkpoint_override(const cJSON *o)
{
	return cJSON_HasObjectItem(o, names[0]) || cJSON_HasObjectItem(o, names[1]);
}

int exec_checkpoint_has_overrides(const cJSON *assignment)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(assignment, "overrides"))
		if (is_checkpoint_override(o))
			return 1;
	return 0;
}

int exec_checkpoint_override_field(const cJSON *live, const char *field)
{
	return field && is_checkpoint_override(live) &&
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
		if (exec_checkpoint_override_field(o, f->string))
			put(e, f->string, f);
	return e;
}

/* A new tree (include/exec_internal.h): the caller cJSON_Deletes it. */
cJSON *exec_checkpoint_body(const cJSON *assignment, const char *override_id, const cJSON *fields)
{
	cJSON *body = cJSON_CreateObject(), *arr, *f;
	const cJSON *o;
	char b[32];

	if (!override_id)
		cJSON_ArrayForEach(f, fields)
			put(body, f->string, f);
	if (!exec_checkpoint_has_overrides(assignment) && !override_id)
		return body;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(assignment, "only_visible_to_overrides")))
		cJSON_AddTrueToObject(body, "only_visible_to_overrides");
	arr = cJSON_AddArrayToObject(body, "assignment_overrides");
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(assignment, "overrides")) {
		const char *id = exec_id_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b);

		if (!id || !is_checkpoint_override(o))
			continue;
		cJSON_AddItemToArray(arr, entry(o, override_id && !strcmp(id, override_id) ? fields : NULL));
	}
	return body;
}

void exec_checkpoint_refresh(cJSON *live, const cJSON *reread)
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

		if (!cJSON_IsNumber(id) || !(l = find_override(cJSON_GetObjectItemCaseSensitive(live, "overrides"),
								id->valuedouble)))
			continue;
		for (k = 0; k < 4; k++) {
			if (cJSON_HasObjectItem(o, f[k]))
				put(l, f[k], cJSON_GetObjectItemCaseSensitive(o, f[k]));
			else
				cJSON_DeleteItemFromObjectCaseSensitive(l, f[k]);
		}
	}
}

const cJSON *exec_checkpoint_find_override(const cJSON *assignment, const char *id)
{
	const cJSON *o;
	char b[32];

	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(assignment, "overrides")) {
		const char *oid = exec_id_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b);

		if (oid && id && !strcmp(oid, id))
			return o;
	}
	return NULL;
}

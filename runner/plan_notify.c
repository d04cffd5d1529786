/* runner/plan_notify.c -- the plan says what students will notice: due date notifications.
 *
 * Changing the due date of a published assignment in a published course sends its students an
 * "Assignment Due Date Changed" notification (CURRENT.md 16). From the canvas-lms source
 * (instructure/canvas-lms master, 2025-26):
 *   - an assignment's own due_at: the broadcast policy of Assignment (app/models/assignment.rb,
 *     set_broadcast_policy, dispatch :assignment_due_date_changed) fires when
 *     BroadcastPolicies::AssignmentPolicy#should_dispatch_assignment_due_date_changed?
 *     (app/models/broadcast_policies/assignment_policy.rb) holds: accepting_messages? (the course
 *     is available and not concluded, the assignment not just created), changed_in_state(:published,
 *     fields: :due_at) and !just_published? (published before and after the save), and
 *     !due_dates_equal? (a change of at least a minute); never for a checkpointed parent
 *     (checkpoints_parent?). Today's copy has no "created 3 hours ago" rule for it;
 *   - an override's due_at: AssignmentOverride#notify_change? (app/models/assignment_override.rb):
 *     available and not concluded course, published assignment created more than 3 hours ago, and
 *     the overridden due date changed (to the minute); a checkpointed discussion's override
 *     (runner/resource_assignment.c) holds two, its checkpoint overrides' reply_to_topic_due_at
 *     and required_replies_due_at, each an AssignmentOverride of a checkpoint that takes its
 *     parent's workflow_state (DiscussionCheckpointCommonService#attributes_to_inherit_from_parent);
 *   - who: the course's participants (BroadcastPolicies::AssignmentParticipants) and the override's
 *     applies_to_students. A course without students notifies no student, so the course's
 *     total_students (GET /api/v1/courses/:id?include[]=total_students, read by snapshot.c) decides;
 *     a course that does not say is taken to have students.
 * Apply writes assignment dates through Assignment::BulkUpdate#run, which saves each assignment
 * with its callbacks: the same notifications as a single PUT.
 *
 * Each such change gets plan_change.notifies, the summary counts them (one per changed object and
 * date, not per student: Canvas sends one to each student), and the renderers say so with the
 * advice course copy gives (shift dates before students are enrolled, or while the course is
 * unpublished). Predicted after fancy midnight (plan_midnight.c) and plan_finish, on the values the
 * plan will write. Rejected: counting recipients (the plan does not read enrollments, and sections
 * and overrides split them).
 */
#include <stdint.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "plan.h"
#include "snapindex.h"
#include "strmap.h"
#include "xalloc.h"

#define DUE_CHANGED "Assignment Due Date Changed"

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* Course::available? and someone to tell. */
static int course_notifies(const cJSON *course)
{
	const cJSON *n = get(course, "total_students");
	const char *ws = cJSON_GetStringValue(get(course, "workflow_state"));

	if (!ws || strcmp(ws, "available"))
		return 0;
	return !cJSON_IsNumber(n) || n->valuedouble > 0;
}

/* An assignment's "published" as Canvas renders it (absent: published). */
static int published(const cJSON *v)
{
	return !cJSON_IsBool(v) || cJSON_IsTrue(v);
}

/* The assignment's published state before the plan: its planned change's before, else as read.
 * pub: "course\x1fid" -> the first update of an assignment's published in the plan. */
static int published_before(const struct strmap *pub, const struct plan_change *c, const char *aid,
			    const cJSON *a)
{
	char *k = xasprintf("%s\x1f%s", c->course_id, aid);
	const struct plan_change *o = strmap_get(pub, k);

	free(k);
	return o ? published(o->before) : published(get(a, "published"));
}

/* Assignment.due_dates_equal?: to the minute; null equals only null. */
static int due_changed(const cJSON *x, const cJSON *y)
{
	int64_t a, b;
	int hx = cJSON_IsString(x) && !dates_parse(x->valuestring, &a);
	int hy = cJSON_IsString(y) && !dates_parse(y->valuestring, &b);

	if (hx != hy)
		return 1;
	return hx && a / 60 != b / 60;
}

static int created_3h_ago(const cJSON *a)
{
	const cJSON *v = get(a, "created_at");
	int64_t t;

	if (!cJSON_IsString(v) || dates_parse(v->valuestring, &t))
		return 1;
	return t < (int64_t)time(NULL) - 3 * 3600;
}

void plan_notify_mark(struct plan *p, const cJSON *snapshot)
{
	struct snapindex ix;
	struct strmap pub = STRMAP_INIT;
	size_t i;

	/* Indexes, not scans: courses x changes took minutes at 2,000 courses (issue 18). */
	snapindex_build(&ix, snapshot);
	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change *o = &p->changes[i];

		if (o->kind == RES_ASSIGNMENT && o->op == PLAN_UPDATE && !strcmp(o->field, "published")) {
			char *k = xasprintf("%s\x1f%s", o->course_id, o->id);

			strmap_add(&pub, k, (void *)o);
			free(k);
		}
	}
	for (i = 0; i < p->nchanges; i++) {
		struct plan_change *c = &p->changes[i];
		const cJSON *course, *a;
		const char *aid;

		if (c->op != PLAN_UPDATE || !c->field ||
		    (c->kind != RES_ASSIGNMENT && c->kind != RES_ASSIGNMENT_OVERRIDE))
			continue;
		/* a checkpointed discussion's override: each due date is a checkpoint override's
		 * (runner/resource_assignment.c), with AssignmentOverride#notify_change? */
		if (strcmp(c->field, "due_at") && (c->kind != RES_ASSIGNMENT_OVERRIDE ||
						   (strcmp(c->field, "reply_to_topic_due_at") &&
						    strcmp(c->field, "required_replies_due_at"))))
			continue;
		aid = c->kind == RES_ASSIGNMENT ? c->id : c->parent;
		course = snapindex_course(&ix, c->course_id);
		a = aid ? snapindex_assignment(&ix, c->course_id, aid) : NULL;
		if (!course || !a || !course_notifies(course) || !due_changed(c->before, c->after))
			continue;
		if (!published(get(a, "published")))
			continue;
		if (c->kind == RES_ASSIGNMENT &&
		    (!published_before(&pub, c, aid, a) || cJSON_IsTrue(get(a, "has_sub_assignments"))))
			continue;
		if (c->kind == RES_ASSIGNMENT_OVERRIDE && !created_3h_ago(a))
			continue;
		free(c->notifies);
		c->notifies = xstrdup(DUE_CHANGED);
	}
	strmap_release(&pub);
	snapindex_release(&ix);
}

/* runner/plan_shows.c -- what a change's object is to the user, where its kind does not say it.
 *
 * A New Quiz (issue 15, CURRENT.md 11) is an assignment to the API: Api::V1::Assignment#assignment_json
 * (canvas-lms lib/api/v1/assignment.rb) marks it is_quiz_lti_assignment: true (Assignment#quiz_lti?,
 * submission type external_tool), and its dates, overrides included, are the assignment's. The plan
 * keeps kind "assignment" / "assignment_override" for its changes (that is how apply writes them:
 * bulk_update like any assignment) and sets plan_change.shows_as = "quiz", so the HTML calendar
 * shows them as quizzes, which is what Canvas shows. Marked after plan_finish from the snapshot the
 * plan was made from, and saved in the plan file (docs/plan-format.md), so a saved plan renders the
 * same. A checkpointed discussion's dates (its checkpoints', reply_to_topic_due_at and
 * required_replies_due_at, on its assignment: runner/resource.c) show as "discussion_topic" the
 * same way. Rejected: a kind of its own ("new_quiz") -- every writer, inverse and read-back would need
 * to learn a kind that is an assignment in all but name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "snapindex.h"
#include "xalloc.h"

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

void plan_shows_mark(struct plan *p, const cJSON *snapshot)
{
	struct snapindex ix;
	size_t i;

	snapindex_build(&ix, snapshot);   /* not a scan per change (issue 18) */
	for (i = 0; i < p->nchanges; i++) {
		struct plan_change *c = &p->changes[i];
		const char *aid = c->kind == RES_ASSIGNMENT ? c->id :
				  c->kind == RES_ASSIGNMENT_OVERRIDE ? c->parent : NULL;
		const cJSON *a;

		if (!aid)
			continue;
		a = snapindex_assignment(&ix, c->course_id, aid);
		if (cJSON_IsTrue(get(a, "is_quiz_lti_assignment"))) {
			free(c->shows_as);
			c->shows_as = xstrdup("quiz");
		} else if (cJSON_GetArraySize(get(a, "checkpoints"))) {
			free(c->shows_as);
			c->shows_as = xstrdup("discussion_topic");
		}
	}
	snapindex_release(&ix);
}

/* runner/plan_grading.c -- closed grading periods: which due dates Canvas refuses to change.
 *
 * From the canvas-lms source (aaronshaf/canvas-lms, a 2025-26 copy of master; CURRENT.md 8):
 * Assignment::BulkUpdate#run (app/models/assignment/bulk_update.rb) validates every assignment a
 * request changes with SubmittablesGradingPeriodProtection (app/controllers/concerns/
 * submittables_grading_period_protection.rb) before it saves any, and fails the whole request on
 * one refusal. For a user who is not an account admin (constrained_by_grading_periods?), in a
 * course with grading periods:
 *   - #grading_periods_allow_submittable_update?: a graded assignment whose due_at changes is
 *     refused when its old due date is in a closed period ("Cannot change the due date when due in
 *     a closed grading period"), or its new one is ("... to a date within a closed grading
 *     period"); a change of unlock_at/lock_at alone passes;
 *   - #grading_periods_allow_assignment_override_update?: ANY change of an override is refused when
 *     its old or its new due_at is in a closed period;
 *   - GradingPeriodHelper.date_in_closed_grading_period?: a date is in a period when start_date <
 *     date <= end_date (GradingPeriod#in_date_range?); a missing date counts as in the period that
 *     ends last; closed means close_date has passed (GradingPeriod#closed?), which
 *     GradingPeriodsController#index reports as `is_closed`.
 * The list JSON carries `in_closed_grading_period` (Api::V1::Assignment, Assignment#
 * in_closed_grading_period?): a due date of the assignment or of an override is in a closed period.
 *
 * What the planner does with it (step_shift_dates.c, shift_assignment): an assignment with
 * `in_closed_grading_period` is not shifted, and one whose new due date (its own, or an override's)
 * falls in a closed period is not shifted either; each is a skip naming the reason, so it never
 * sinks the batch of the others. The object stays whole (its overrides and its quiz or topic keep
 * their dates too), as for a broken date order. The rule is applied as for a teacher: the planner
 * does not know whether the token is an admin's, and skipping a change an admin could make is the
 * cheaper mistake (the plan says why; it never promises a write Canvas refuses).
 *
 * Cost: one request per course with assignments, only for a recipe that shifts dates, all in
 * flight together. A course whose periods cannot be read keeps `in_closed_grading_period` alone
 * (the "out of" half of the rule), with a warning.
 */
#include "plan_grading.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "dates.h"
#include "jsonid.h"
#include "msg.h"
#include "xalloc.h"

struct gp_req {
	cJSON *course;
	char *what;
	struct err *fatal;
};

static void on_periods(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct gp_req *r = ud;
	cJSON *list;

	(void)cv;
	if (err->code == ERR_AUTH) {
		if (!r->fatal->code)
			*r->fatal = *err;
	} else if (err->code) {
		warnf("cannot read %s (%s): only assignments Canvas marks as in a closed grading period are "
		      "left out of the plan", r->what, err->msg);
	} else {
		list = cJSON_DetachItemFromObjectCaseSensitive(json, "grading_periods");
		cJSON_DeleteItemFromObjectCaseSensitive(r->course, "grading_periods");
		if (cJSON_IsArray(list))
			cJSON_AddItemToObject(r->course, "grading_periods", list);
		else
			cJSON_Delete(list);
	}
	cJSON_Delete(json);
	free(r->what);
	free(r);
}

long plan_grading_submit(struct canvas *cv, cJSON *snap, struct err *fatal)
{
	cJSON *course;
	long queued = 0;

	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(snap, "courses")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(course, "id");
		struct gp_req *r;
		char *path;

		char idb[32];
		long long n;

		/* a number, or Canvas's string id above 2^53 (jsonid.h) */
		if (jsonid_ll(id, &n) || !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(course, "assignments")))
			continue;
		r = xcalloc(1, sizeof(*r));
		r->course = course;
		r->what = xasprintf("the grading periods of course %s", jsonid_text(id, idb));
		r->fatal = fatal;
		path = xasprintf("/api/v1/courses/%s/grading_periods", jsonid_text(id, idb));
		canvas_get(cv, path, r->what, on_periods, r);
		free(path);
		queued++;
	}
	return queued;
}

int plan_grading_fetch(struct canvas *cv, cJSON *snap, struct err *err)
{
	struct err fatal = ERR_INIT, e = ERR_INIT;

	plan_grading_submit(cv, snap, &fatal);
	if (canvas_run(cv, &e) || fatal.code) {
		*err = fatal.code ? fatal : e;
		return err->code;
	}
	return 0;
}

const cJSON *plan_grading_closed(const cJSON *course, const char *iso)
{
	const cJSON *gp, *last = NULL;
	int64_t t = 0, st, en, lastend = 0;

	if (iso && dates_parse(iso, &t))
		return NULL;
	cJSON_ArrayForEach(gp, cJSON_GetObjectItemCaseSensitive(course, "grading_periods")) {
		const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(gp, "start_date"));
		const char *e = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(gp, "end_date"));

		if (!e || dates_parse(e, &en))
			continue;
		if (!iso) {
			if (!last || en > lastend) {
				last = gp;
				lastend = en;
			}
			continue;
		}
		if (s && !dates_parse(s, &st) && st < t && t <= en &&
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(gp, "is_closed")))
			return gp;
	}
	return last && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(last, "is_closed")) ? last : NULL;
}

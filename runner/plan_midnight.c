/* runner/plan_midnight.c -- the plan's `after` is what Canvas will store: "fancy midnight".
 *
 * Canvas stores a due or lock date that is exactly the first second of a day as the last second of
 * that same day (CanvasTime.fancy_midnight, lib/canvas_time.rb: `time == time.beginning_of_day ?
 * time.end_of_day : time`; the rule itself is dates_fancy_midnight in runner/dates.c). Where it
 * applies, and in which zone, from the canvas-lms source
 * (aaronshaf/canvas-lms, a 2025-26 copy of master; CURRENT.md 1):
 *   - assignment overrides, due_at and lock_at: AssignmentOverride#due_at= and #lock_at=
 *     (app/models/assignment_override.rb), in Time.zone, on every write -- including
 *     Assignment::BulkUpdate#run (app/models/assignment/bulk_update.rb), which calls those setters
 *     and is how apply writes every assignment and override date;
 *   - an assignment's own due_at and lock_at only when it is created or updated on its own:
 *     Assignment#infer_times (app/models/abstract_assignment.rb, for a changed date) is no save
 *     callback; Api::V1::Assignment#update_from_params (lib/api/v1/assignment.rb) calls it. The
 *     bulk update assigns the base dates and saves, so an update coursectl plans (always written
 *     through bulk_update, runner/exec.c) is stored as sent, and a created one (a POST, through
 *     update_from_params) is fancied;
 *   - NOT a classic quiz's own due_at and lock_at: Quizzes::Quiz (app/models/quizzes/quiz.rb) has no
 *     before_save :infer_times today; its due_at= and lock_at= apply fancy midnight only to a bare
 *     date string (no ':'), and coursectl always sends date-times. A graded quiz's or discussion's
 *     dates are planned on its assignment (above);
 *   - discussion topics and announcements (an Announcement is a DiscussionTopic), lock_at:
 *     DiscussionTopic#default_values (app/models/discussion_topic.rb) in the COURSE's zone
 *     (`lock_at&.in_time_zone(context.time_zone)`), whoever writes it.
 * unlock_at, calendar events, pages and modules are not touched. Time.zone during an API request is
 * the token user's zone (CURRENT.md 1): ApplicationController#set_time_zone uses the user's `time_zone`, else the
 * domain root account's `default_time_zone`. That is the zone GET /api/v1/users/self/profile
 * answers as `time_zone` (lib/api/v1/user_profile.rb, user_profile_json: `user.time_zone ||
 * @domain_root_account.default_time_zone`, as its tzinfo name), so one request gives it, already
 * resolved. It is read once per run, and only when the plan has a date it matters for.
 *
 * Why after the steps, over the finished change list, and not inside shift_dates: any step that
 * plans such a date (a shift today, a `set:` of a date tomorrow) gets the prediction, and the
 * profile is read once for all courses, only when needed. The working copy the steps saw keeps the
 * naive value; nothing later in planning reads it. A change whose predicted value equals its
 * `before` is no change (plan_finish drops it), so a second plan after apply does not propose
 * writing 23:59:59 over 23:59:59.
 *
 * The note says what happens, in which zone, and how to avoid it (a time one minute later, or a
 * recipe that does not land on midnight); it is appended to a note the change already had.
 *
 * A profile that cannot be read is an error: the plan's promise is that `after` is what Canvas
 * will hold, and without the zone that promise would be a guess. A profile that names no zone this
 * machine knows is a warning, and those dates are planned as they are (the warning says Canvas may
 * store them as 23:59:59). Rejected: assuming the course's zone (the very mistake this fixes: a
 * Sydney course and a Denver user disagree about which instant is midnight).
 */
#include "plan_midnight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "dates.h"
#include "msg.h"
#include "xalloc.h"

/* Whose zone Canvas judges a field of a kind in. */
enum judge { J_NONE, J_USER, J_COURSE };

static enum judge judged(enum resource_kind kind, enum plan_op op, const char *field)
{
	if (!field)
		return J_NONE;
	switch (kind) {
	case RES_ASSIGNMENT:
		if (op != PLAN_CREATE)
			return J_NONE;   /* written through bulk_update: stored as sent */
		/* fall through */
	case RES_ASSIGNMENT_OVERRIDE:
	case RES_DATE_OVERRIDE:   /* an Assign To override is an AssignmentOverride too (issue 15) */
		/* a checkpoint override's due dates are its children's due_at (runner/resource_assignment.c) */
		return !strcmp(field, "due_at") || !strcmp(field, "lock_at") ||
		       (kind == RES_ASSIGNMENT_OVERRIDE && (!strcmp(field, "reply_to_topic_due_at") ||
							    !strcmp(field, "required_replies_due_at"))) ? J_USER : J_NONE;
	case RES_DISCUSSION_TOPIC:
	case RES_ANNOUNCEMENT:
		return !strcmp(field, "lock_at") ? J_COURSE : J_NONE;
	default:
		return J_NONE;
	}
}

static const char *const date_fields[] = { "due_at", "lock_at", NULL };

/* 1 when v is a date-time string. */
static int is_date(const cJSON *v)
{
	int64_t t;

	return cJSON_IsString(v) && !dates_parse(v->valuestring, &t);
}

int plan_midnight_needs_user_zone(const struct plan *p)
{
	size_t i;
	const char *const *f;

	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change *c = &p->changes[i];

		if (c->dropped)
			continue;
		if (c->op == PLAN_UPDATE && judged(c->kind, c->op, c->field) == J_USER && is_date(c->after))
			return 1;
		if (c->op == PLAN_CREATE && cJSON_IsObject(c->after))
			for (f = date_fields; *f; f++)
				if (judged(c->kind, c->op, *f) == J_USER &&
				    is_date(cJSON_GetObjectItemCaseSensitive(c->after, *f)))
					return 1;
	}
	return 0;
}

static void add_note(struct plan_change *c, const char *note)
{
	char *n;

	if (c->note && *c->note) {
		n = xasprintf("%s; %s", c->note, note);
		free(c->note);
		c->note = n;
	} else {
		free(c->note);
		c->note = xstrdup(note);
	}
}

/* The value Canvas stores for date `v` judged in `zone`: a new string into out (and 1) when it
 * moves, else 0; from and to: the planned and the stored value in the zone's local time. */
static int predict(const cJSON *v, const char *zone, char out[32], char from[48], char to[48])
{
	struct dates_local l;
	int64_t t, stored;

	if (!zone || !is_date(v) || dates_parse(v->valuestring, &t) || dates_fancy_midnight(t, zone, &stored) != 1)
		return 0;
	dates_format_utc(stored, out);
	if (dates_to_local(t, zone, &l))
		snprintf(from, 48, "%.40s", v->valuestring);
	else
		dates_format_local(&l, from);
	if (dates_to_local(stored, zone, &l))
		snprintf(to, 48, "%.31s", out);
	else
		dates_format_local(&l, to);
	return 1;
}

/* Predict field `field` of change c, whose planned value is *slot (replaced when it moves). */
static int one(struct plan *p, struct plan_change *c, const char *field, cJSON **slot, const char *user_zone)
{
	enum judge j = judged(c->kind, c->op, field);
	const struct plan_course *pc;
	const char *zone = NULL;
	char out[32], from[48], to[48], note[400];

	if (j == J_USER) {
		zone = user_zone;
	} else if (j == J_COURSE) {
		pc = plan_course(p, c->course_id);
		zone = pc && pc->time_zone && dates_zone_valid(pc->time_zone) ? pc->time_zone : NULL;
	}
	if (!zone || !predict(*slot, zone, out, from, to))
		return 0;
	cJSON_Delete(*slot);
	*slot = cJSON_CreateString(out);
	snprintf(note, sizeof(note),
		 "Canvas stores midnight as 23:59:59 in %s zone %s: %s %s is stored as %s; set the time to 00:01 or "
		 "change the recipe to keep it", j == J_USER ? "your profile's" : "the course's", zone, field, from, to);
	add_note(c, note);
	return 1;
}

size_t plan_midnight_apply(struct plan *p, const char *user_zone)
{
	size_t i, n = 0;
	const char *const *f;

	for (i = 0; i < p->nchanges; i++) {
		struct plan_change *c = &p->changes[i];

		if (c->dropped)
			continue;
		if (c->op == PLAN_UPDATE && judged(c->kind, c->op, c->field) != J_NONE) {
			n += (size_t)one(p, c, c->field, &c->after, user_zone);
		} else if (c->op == PLAN_CREATE && cJSON_IsObject(c->after)) {
			for (f = date_fields; *f; f++) {
				cJSON *v = cJSON_GetObjectItemCaseSensitive(c->after, *f), *nv;

				if (!v || judged(c->kind, c->op, *f) == J_NONE)
					continue;
				nv = cJSON_Duplicate(v, 1);
				if (one(p, c, *f, &nv, user_zone)) {
					cJSON_ReplaceItemInObjectCaseSensitive(c->after, *f, nv);
					n++;
				} else {
					cJSON_Delete(nv);
				}
			}
		}
	}
	return n;
}

/* ---------------------------------------------------------------- the profile */

struct prof {
	int got;
	char *zone;               /* malloced, or NULL */
	struct err err;
};

static void on_profile(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct prof *w = ud;
	const char *z;

	(void)cv;
	if (err->code) {
		if (!w->err.code)
			w->err = *err;
		return;
	}
	w->got = 1;
	z = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "time_zone"));
	w->zone = z ? xstrdup(z) : NULL;
	cJSON_Delete(json);
}

struct plan_zone_read {
	struct prof w;
};

struct plan_zone_read *plan_midnight_user_zone_begin(struct canvas *cv)
{
	struct plan_zone_read *zr = xcalloc(1, sizeof(*zr));

	canvas_get(cv, "/api/v1/users/self/profile", "your profile (users/self/profile)", on_profile, &zr->w);
	return zr;
}

int plan_midnight_user_zone_end(struct canvas *cv, struct plan_zone_read *zr, char **zone, struct err *err)
{
	struct prof w;
	struct err e = ERR_INIT;
	int rc = canvas_run(cv, &e);

	w = zr->w;
	free(zr);
	*zone = NULL;
	if (rc || w.err.code || !w.got) {
		if (!e.code)
			e = w.err.code ? w.err : (struct err){ ERR_GENERIC, "Canvas did not answer" };
		free(w.zone);
		return err_set(err, e.code == ERR_AUTH ? ERR_AUTH : ERR_GENERIC,
			       "cannot read your profile's time zone, which Canvas judges due and lock dates at "
			       "midnight in: %s", e.msg);
	}
	if (!w.zone || !dates_zone_valid(w.zone)) {
		warnf("your profile (users/self/profile) names %s%s%s as its time zone, which this machine does not "
		      "know: due and lock dates are planned as they are, and Canvas may store one at midnight as "
		      "23:59:59", w.zone ? "'" : "no zone", w.zone ? w.zone : "", w.zone ? "'" : "");
		free(w.zone);
		return 0;
	}
	*zone = w.zone;
	return 0;
}

int plan_midnight_user_zone(struct canvas *cv, char **zone, struct err *err)
{
	return plan_midnight_user_zone_end(cv, plan_midnight_user_zone_begin(cv), zone, err);
}

/* tests/sim/res_assignments.c -- assignments, their overrides, and bulk date updates (API.md 5, 9, 12).
 *
 *   GET    /api/v1/courses/:course_id/assignments                 include[]=overrides|all_dates,
 *                                                                 override_assignment_dates, assignment_ids[],
 *                                                                 search_term, order_by
 *   POST   /api/v1/courses/:course_id/assignments                 assignment[...] (name required) -> 201
 *   GET    /api/v1/courses/:course_id/assignments/:id             all_dates=true, include[]=overrides
 *   PUT    /api/v1/courses/:course_id/assignments/:id             assignment[...]
 *   DELETE /api/v1/courses/:course_id/assignments/:id             the object as it was, workflow_state deleted
 *   PUT    /api/v1/courses/:course_id/assignments/bulk_update     JSON array -> Progress
 *   GET|PUT|POST /api/v1/courses/:course_id/assignments/overrides batch retrieve / update / create
 *   GET|POST     .../assignments/:assignment_id/overrides         list (paged) / create -> 201
 *   GET|PUT|DELETE .../assignments/:assignment_id/overrides/:id   show / update / delete
 * :id and :assignment_id may be "sis_assignment_id:X".
 *
 * Canvas rules reproduced (API.md section in brackets):
 * - Reading [5.1]: override_assignment_dates defaults to true and applies the teacher's collapse of
 *   AssignmentOverrideApplicator: for each date, the overrides that override it give the most lenient
 *   value (due_at/lock_at the latest, unlock_at the earliest, null beats any date); due_at is then the
 *   later of that and the base due_at (null if either is null) unless the assignment is only visible to
 *   overrides or every section of the course (when the seed lists "sections") has a section override.
 *   unlock_at/lock_at do not fall back to the base when an override sets them: in
 *   lib/assignment_override_applicator.rb (overridden_unlock_at / overridden_lock_at) only due_at gets
 *   the teacher's "base date if more lenient" rule. Rejected: including the base in all three (simpler,
 *   but not what Canvas does). A non-adhoc override whose overridden lock_at has passed does not
 *   contribute its unlock_at (CNVS-24849).
 *   all_dates: on the list with include[]=all_dates, on show only with all_dates=true (include[] is
 *   ignored there, as in Canvas); only when the override count is < 25, else "all_dates_count". The
 *   base entry ("Everyone else" / "Everyone") is left out when only_visible_to_overrides; override
 *   entries carry null for dates they do not override (AssignmentOverride#as_hash reads the columns).
 *   Order: assignment group position (the course's "assignment_groups", else the group id), position
 *   (nulls last), id. order_by=name|due_at as Canvas. assignment_ids[] over 100 is a 400.
 * - Rendering: every stored field but the internal "overrides" (so a snapshot of the API reproduces the
 *   state, including a seed's "discussion_topic_id" link), plus course_id, html_url, has_overrides,
 *   published/workflow_state made consistent, unpublishable, the Canvas defaults of SHAPES.md for
 *   missing keys; quiz-linked: quiz_id + is_quiz_assignment; discussion-linked: a nested
 *   discussion_topic, which is how Canvas itself exposes the link. A New Quiz (CURRENT.md 11) is
 *   seeded as an assignment with "is_quiz_lti_assignment": true and submission_types
 *   ["external_tool"]: rendered as Api::V1::Assignment#assignment_json does when
 *   Assignment#quiz_lti? (lib/api/v1/assignment.rb: is_quiz_lti_assignment true, "submission_types"
 *   added to frozen_attributes, external_tool_tag_attributes and the sessionless launch url); the
 *   flag is dropped on any other submission type, as Canvas never sends it false. Its dates are the
 *   assignment's, written like any other's (bulk_update included).
 * - Writing [5.2, 5.4, 9]: absent = unchanged, JSON null or form "" clears a date; dates must match the
 *   strict regex (seconds required) else 400 keyed "assignment[due_at]"; offset-less input is in the
 *   user zone; fancy midnight (00:00:00 local -> 23:59:59) on due_at/lock_at when they change;
 *   unlock <= due <= lock; missing wrapper -> 400 "assignment is missing"; unpublishing with submissions
 *   -> 400; submission_types is silently ignored once has_submitted_submissions (USERS.md 1, fact 2);
 *   assignment_overrides present = the override set is replaced (omitted ones deleted); a non-null due_at
 *   clears only_visible_to_overrides; updated_at moves only when something changed (or
 *   force_updated_at). Quiz- and topic-linked assignments copy name/description/dates to the quiz and
 *   name/description to the topic (Assignment#update_quiz_or_discussion_topic). The PUT/POST answer
 *   shows the saved dates (no override collapse). Validation messages other than "must be between
 *   availability dates" (SHAPES.md) are our wording.
 * - Module items [6]: a save that renames or (un)publishes the assignment, or retitles its quiz or
 *   topic, gives the module items linking to them the new title and state (ContentTag.update_for via
 *   sim_module_items_sync), so a rename here shows in GET .../modules/:id/items as in Canvas.
 * - Blueprint [12]: "restricted_by_master_course": true with "master_course_restrictions" {category:
 *   true} (content, settings, due_dates, availability_dates, points, state, or "all") makes a change to a
 *   locked column a 400 base error naming the DB columns ("title" for name, "workflow_state" for
 *   published, "peer_reviews_due_at" for peer_reviews_assign_at: app/models/assignment.rb and
 *   MasterCourses::Restrictor#restrict_assignment_columns, canvas-lms master), and deleting such an
 *   object 401/403.
 * - Notifications [5.2, 12; CURRENT.md 16]: "assignment_due_date_changed" when due_at changes (to the
 *   minute) on an assignment published before and after the save (not just published) of an available
 *   course (workflow_state "available" or absent) that has students -- BroadcastPolicies::
 *   AssignmentPolicy#should_dispatch_assignment_due_date_changed? (app/models/broadcast_policies/
 *   assignment_policy.rb: accepting_messages?, changed_in_state(:published, fields: :due_at),
 *   !just_published?, due_dates_equal?; today's copy no longer has the "created 3 hours ago" rule for
 *   the assignment itself). Also for an override's due date ("assignment_override"),
 *   AssignmentOverride#notify_change? (app/models/assignment_override.rb), which still requires the
 *   assignment to be created more than 3 hours ago. "With students": the recipients are the course's
 *   participants (BroadcastPolicies::AssignmentParticipants) and applies_to_students; one record per
 *   object, not per recipient. A course has students when its seed's "total_students" is > 0, or its
 *   "students" list is not empty; a seed with neither is taken to have students (older seeds).
 *   "assignment_changed" for notify_of_update on a published assignment of an available course. So an
 *   unpublished course (the small seed's 4821) notifies nobody, as API.md 12 advises rollovers to rely on.
 * - Overrides [5.5, 1.3 item 4]: stored with date keys only when overridden; rendered with all_day and
 *   all_day_date (course zone; 23:59 or 00:00 local is all-day) next to due_at. A PUT that omits a date
 *   un-overrides it; blank = overridden to null; parsed leniently (Time.zone.parse) in the user zone;
 *   fancy midnight on due_at/lock_at always. Targets: student_ids (ADHOC), group_id (group assignments
 *   only), course_section_id, noop_id; checked against the course's "students"/"groups"/"sections"
 *   when the seed lists them. Errors are arrays of strings ("unknown section id \"99\"": strings are
 *   quoted as Ruby's inspect does, JSON numbers are not); batch errors have one slot per input. The
 *   target of a section or group override cannot change. Create is 201, the batch endpoints 200.
 * - bulk_update [5.3]: a JSON array only (400 "expected array"), every element needs "id" (400 "missing
 *   assignment id"), and the number of assignments found must equal the array length (an unknown or a
 *   repeated id is 404). Permitted keys only. The job (Assignment::BulkUpdate#run) merges in memory,
 *   fails with {"message": "invalid assignment override id X for assignment Y"} on an unknown override,
 *   validates every changed assignment and its overrides, and saves nothing if any is invalid (results
 *   [{"assignment_id", field: [msg]}], override rows with assignment_override_id); an override's
 *   dates are never checked against each other nor against the dates it inherits: AssignmentOverride
 *   (app/models/assignment_override.rb) has no date validation, Api::V1::AssignmentOverride
 *   #interpret_assignment_override_data only parses them, and BulkUpdate#run's override.valid? runs
 *   the model's validations (its override rows come from the grading period check alone). Rejected
 *   (the sim until issue 15): "lock_at must be after due date" for an override due after the lock
 *   date it inherits, which Canvas saves; else saves, mirrors,
 *   notifies, and reports {"updated_count": N} where N counts the assignments that actually changed.
 *   Base entries set only the keys supplied; override entries un-override a missing key. Date strings
 *   that do not parse become null there (Rails type casting; no regex check on this path). Fancy
 *   midnight applies to the overrides' due_at/lock_at (AssignmentOverride#due_at=, #lock_at=, which
 *   the job calls) but NOT to the base dates: the job assigns them with assign_attributes and saves
 *   (app/models/assignment/bulk_update.rb), and Assignment#infer_times is no save callback -- only
 *   Api::V1::Assignment#update_from_params (the single create and update) calls it.
 *
 * - Closed grading periods [12] (issue 15; canvas-lms SubmittablesGradingPeriodProtection in
 *   app/controllers/concerns/submittables_grading_period_protection.rb, GradingPeriodHelper
 *   .date_in_closed_grading_period?, GradingPeriod#closed? / #in_date_range?): a course's seeded
 *   "grading_periods" {start_date, end_date, close_date}; closed when close_date has passed, a date
 *   in a period when start < date <= end, no date = the period that ends last. For a token that is
 *   not an admin (constrained_by_grading_periods?): a graded assignment's due_at change is refused
 *   when the old due date is in a closed period ("Cannot change the due date when due in a closed
 *   grading period") or the new one is ("... to a date within a closed grading period"), unlock
 *   and lock alone pass (#grading_periods_allow_submittable_update?); any change of an override
 *   whose old or new due_at is in one is refused (#grading_periods_allow_assignment_override_update?).
 *   A create due in a closed period (#grading_periods_allow_submittable_create?) is 403 too.
 *   The single PUT answers 403 with the errors (AssignmentsApiController#update); bulk_update's job
 *   (Assignment::BulkUpdate#run, app/models/assignment/bulk_update.rb) fails whole, with a row per
 *   refusal. The list shows in_closed_grading_period (a due date of the assignment or an override
 *   in a closed period); GET .../grading_periods (GradingPeriodsController#index) adds is_closed.
 * - assignment_ids[] [5.1] (AssignmentsApiController#index): when the page holds fewer rows than
 *   ids asked, 400 {"message": "Invalid assignment_ids: A,B"} naming the ids not on the page.
 *
 * Decisions: writes are made on a duplicate of the stored assignment which replaces the original only
 * after every check passed, so a 400 never leaves half an update (simpler than undoing). Rejected: a
 * shadow "*_overridden" flag per date -- the presence of the key is the flag, as in the API output.
 * Permissions per assignment are not simulated.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sim.h"
#include "xalloc.h"

#define ALL_DATES_LIMIT 25   /* Api::V1::Assignment::ALL_DATES_LIMIT */
#define MAX_IDS 100          /* Api::MAX_PER_PAGE, the assignment_ids[] limit */

static const char *const date_keys[] = { "due_at", "unlock_at", "lock_at" };
#define NDATES 3

/* ---------------------------------------------------------------- small helpers */

static cJSON *get(const cJSON *o, const char *k)
{
	return sim_get(o, k);
}

/* 1 when obj[key] holds a date; *out is then its time. Absent, null and junk read as no date. */
static int get_date(const cJSON *obj, const char *key, time_t *out)
{
	return sim_time_read(sim_str(obj, key), out);
}

static int in_closed_period(const cJSON *course, const cJSON *a);

static const char *course_zone(struct sim *s, const cJSON *course)
{
	const char *z = sim_str(course, "time_zone");

	return z && *z ? z : sim_user_zone(s);
}

/* An id from a JSON number or a decimal string; -1 when neither. */
static int64_t value_id(const cJSON *v)
{
	char *end;
	long long n;

	if (cJSON_IsNumber(v))
		return v->valuedouble >= 0 && v->valuedouble < 9e15 ? sim_i64(v->valuedouble) : -1;
	if (cJSON_IsString(v) && v->valuestring[0]) {
		n = strtoll(v->valuestring, &end, 10);
		if (!*end && n >= 0)
			return n;
	}
	return -1;
}

/* Rails' present?: not absent, null, false, "" or whitespace, [] or {}. */
static int present(const cJSON *v)
{
	const char *p;

	if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v))
		return 0;
	if (cJSON_IsString(v)) {
		for (p = v->valuestring; *p; p++)
			if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
				return 1;
		return 0;
	}
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		return cJSON_GetArraySize(v) > 0;
	return 1;
}

/* A parameter as Ruby's #inspect prints it in Canvas's messages: "99" quoted, 99 bare. Malloced. */
static char *inspect(const cJSON *v)
{
	char *p, *out;

	if (!v || cJSON_IsNull(v))
		return xstrdup("nil");
	if (cJSON_IsString(v))
		return xasprintf("\"%s\"", v->valuestring);
	if (cJSON_IsNumber(v) && v->valuedouble > -9e15 && v->valuedouble < 9e15 &&
	    v->valuedouble == (double)sim_i64(v->valuedouble))
		return xasprintf("%lld", (long long)sim_i64(v->valuedouble));
	p = cJSON_PrintUnformatted(v);
	out = xstrdup(p ? p : "?");
	free(p);
	return out;
}

/* Rails' hash-with-index params ({"0": {...}, "1": {...}}) or an array, as a new array; else NULL. */
static cJSON *as_list(const cJSON *v)
{
	cJSON *out, *it;

	if (cJSON_IsArray(v))
		return cJSON_Duplicate(v, 1);
	if (!cJSON_IsObject(v))
		return NULL;
	out = cJSON_CreateArray();
	cJSON_ArrayForEach(it, v)
		cJSON_AddItemToArray(out, cJSON_Duplicate(it, 1));
	return out;
}

/* A one-element array of strings. */
static cJSON *one_string(const char *msg)
{
	cJSON *arr = cJSON_CreateArray();

	cJSON_AddItemToArray(arr, cJSON_CreateString(msg));
	return arr;
}

/* ---------------------------------------------------------------- lookups */

static cJSON *find_assignment(cJSON *course, const char *id)
{
	cJSON *arr = sim_course_kind(course, "assignments"), *a;

	if (id && !strncmp(id, "sis_assignment_id:", 18)) {
		cJSON_ArrayForEach(a, arr) {
			const char *sis = sim_str(a, "sis_assignment_id");

			if (sis && !strcmp(sis, id + 18))
				return a;
		}
		return NULL;
	}
	return sim_find_id(arr, id);
}

/* The course's assignment whose id is the JSON value `id` (number or decimal string), or NULL. */
static cJSON *course_assignment(cJSON *course, const cJSON *id)
{
	return sim_find_id_num(sim_course_kind(course, "assignments"), value_id(id));
}

static double position_of(const cJSON *a)
{
	const cJSON *p = get(a, "position");

	return cJSON_IsNumber(p) ? p->valuedouble : 1e18;   /* NULLS LAST */
}

static cJSON *overrides_of(cJSON *a)
{
	return sim_course_kind(a, "overrides");   /* same "array, created when absent" rule */
}

static int override_count(const cJSON *a)
{
	const cJSON *o = get(a, "overrides");

	return cJSON_IsArray(o) ? cJSON_GetArraySize(o) : 0;
}

/* The set type of a stored override, from its target key; NULL for a new one. */
static const char *set_type(const cJSON *ov)
{
	if (get(ov, "student_ids"))
		return "ADHOC";
	if (get(ov, "group_id"))
		return "Group";
	if (get(ov, "course_section_id"))
		return "CourseSection";
	if (get(ov, "course_id"))
		return "Course";
	if (get(ov, "noop_id"))
		return "Noop";
	return NULL;
}

static int is_published(const cJSON *a)
{
	const cJSON *p = get(a, "published");
	const char *ws = sim_str(a, "workflow_state");

	if (cJSON_IsBool(p))
		return cJSON_IsTrue(p);
	if (ws)
		return !strcmp(ws, "published");
	return 1;
}

static int course_available(const cJSON *course)
{
	const char *ws = sim_str(course, "workflow_state");

	return !ws || !strcmp(ws, "available");
}

/* Whether the course has students to notify: "total_students", else "students", else assumed. */
static int course_has_students(const cJSON *course)
{
	const cJSON *n = get(course, "total_students"), *l = get(course, "students");

	if (cJSON_IsNumber(n))
		return n->valuedouble > 0;
	if (cJSON_IsArray(l))
		return cJSON_GetArraySize(l) > 0;
	return 1;
}

/* ---------------------------------------------------------------- rendering */

/* Canvas's values for keys a (sparse) stored assignment lacks (SHAPES.md "Assignment"). */
static const char *const assignment_defaults[][2] = {
	{ "name", "null" }, { "description", "null" }, { "due_at", "null" }, { "unlock_at", "null" },
	{ "lock_at", "null" }, { "points_possible", "null" }, { "grading_type", "\"points\"" },
	{ "assignment_group_id", "null" }, { "grading_standard_id", "null" }, { "created_at", "null" },
	{ "updated_at", "null" }, { "peer_reviews", "false" }, { "automatic_peer_reviews", "false" },
	{ "position", "null" }, { "grade_group_students_individually", "false" },
	{ "anonymous_peer_reviews", "false" }, { "group_category_id", "null" }, { "post_to_sis", "false" },
	{ "moderated_grading", "false" }, { "omit_from_final_grade", "false" },
	{ "intra_group_peer_reviews", "false" }, { "anonymous_instructor_annotations", "false" },
	{ "anonymous_grading", "false" }, { "graders_anonymous_to_graders", "false" }, { "grader_count", "0" },
	{ "grader_comments_visible_to_graders", "true" }, { "final_grader_id", "null" },
	{ "grader_names_visible_to_final_grader", "true" }, { "allowed_attempts", "-1" },
	{ "annotatable_attachment_id", "null" }, { "hide_in_gradebook", "false" },
	{ "submission_types", "[\"none\"]" }, { "has_submitted_submissions", "false" },
	{ "due_date_required", "false" }, { "max_name_length", "255" }, { "in_closed_grading_period", "false" },
	{ "graded_submissions_exist", "false" }, { "is_quiz_assignment", "false" }, { "can_duplicate", "true" },
	{ "original_course_id", "null" }, { "original_assignment_id", "null" },
	{ "original_lti_resource_link_id", "null" }, { "original_assignment_name", "null" },
	{ "original_quiz_id", "null" }, { "important_dates", "false" }, { "muted", "true" },
	{ "needs_grading_count", "0" }, { "sis_assignment_id", "null" }, { "integration_id", "null" },
	{ "integration_data", "{}" }, { "only_visible_to_overrides", "false" }, { "locked_for_user", "false" },
	{ "post_manually", "false" }, { "anonymize_students", "false" },
	{ "require_lockdown_browser", "false" },
};

#define NDEFAULTS (sizeof(assignment_defaults) / sizeof(assignment_defaults[0]))

/* The defaults read once (i18/simrender): each literal's kind and number, and the keys in an
 * open-addressed table by hash, so that a render finds which defaults a stored assignment has in
 * one pass over its dozen keys instead of 55 look-ups (issue 18). */
enum dkind { D_NULL, D_FALSE, D_TRUE, D_NUMBER, D_JSON };
static struct {
	enum dkind kind[NDEFAULTS];
	double num[NDEFAULTS];
	unsigned char slot[128];   /* 1 + the index of the key hashed there, 0 empty */
} dtab;
static pthread_once_t dtab_once = PTHREAD_ONCE_INIT;

static size_t key_hash(const char *k)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return (size_t)(h ^ (h >> 15));
}

static void dtab_build(void)
{
	size_t i, j;

	for (i = 0; i < NDEFAULTS; i++) {
		const char *text = assignment_defaults[i][1];

		if (!strcmp(text, "null"))
			dtab.kind[i] = D_NULL;
		else if (!strcmp(text, "false") || !strcmp(text, "true"))
			dtab.kind[i] = text[0] == 't' ? D_TRUE : D_FALSE;
		else if (strspn(text + (text[0] == '-'), "0123456789") == strlen(text + (text[0] == '-')) &&
			 text[text[0] == '-'])
			dtab.kind[i] = D_NUMBER, dtab.num[i] = strtod(text, NULL);
		else
			dtab.kind[i] = D_JSON;
		for (j = key_hash(assignment_defaults[i][0]) % sizeof(dtab.slot); dtab.slot[j];
		     j = (j + 1) % sizeof(dtab.slot))
			;
		dtab.slot[j] = (unsigned char)(i + 1);
	}
}

/* The index of `key` in assignment_defaults, or -1. */
static int default_index(const char *key)
{
	size_t j;

	pthread_once(&dtab_once, dtab_build);
	for (j = key_hash(key) % sizeof(dtab.slot); dtab.slot[j]; j = (j + 1) % sizeof(dtab.slot))
		if (!strcmp(assignment_defaults[dtab.slot[j] - 1][0], key))
			return dtab.slot[j] - 1;
	return -1;
}

/* Default i's value, as cJSON_Parse reads its literal (48 parses an assignment were 15% of
 * rendering one, issue 18). */
static cJSON *default_value(size_t i)
{
	pthread_once(&dtab_once, dtab_build);
	switch (dtab.kind[i]) {
	case D_NULL: return cJSON_CreateNull();
	case D_FALSE: return cJSON_CreateFalse();
	case D_TRUE: return cJSON_CreateTrue();
	case D_NUMBER: return cJSON_CreateNumber(dtab.num[i]);
	default: return cJSON_Parse(assignment_defaults[i][1]);
	}
}

static void add_all_day(struct sim *s, const cJSON *course, cJSON *out, const cJSON *due)
{
	time_t t;
	struct tm tm;
	char date[16];

	if (!cJSON_IsString(due) || sim_time_parse(due->valuestring, "UTC", 0, &t)) {
		cJSON_AddFalseToObject(out, "all_day");
		cJSON_AddNullToObject(out, "all_day_date");
		return;
	}
	sim_time_local(t, course_zone(s, course), &tm);
	/* Assignment.all_day_interpretation: "23:59" or "00:00" in the zone is an all-day date */
	cJSON_AddBoolToObject(out, "all_day",
			      (tm.tm_hour == 23 && tm.tm_min == 59) || (tm.tm_hour == 0 && tm.tm_min == 0));
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	cJSON_AddStringToObject(out, "all_day_date", date);
}

/* Api::V1::AssignmentOverride#assignment_override_json: date keys only when overridden. */
static cJSON *render_override(struct sim *s, const cJSON *course, const cJSON *a, const cJSON *ov)
{
	cJSON *out = cJSON_CreateObject(), *it;
	const char *title = sim_str(ov, "title");
	size_t i;

	sim_add_id(out, "id", sim_id(ov));
	sim_add_id(out, "assignment_id", sim_id(a));
	cJSON_AddStringToObject(out, "title", title ? title : "No Title");
	for (i = 0; i < NDATES; i++) {
		if (!get(ov, date_keys[i]))
			continue;
		cJSON_AddItemToObject(out, date_keys[i], cJSON_Duplicate(get(ov, date_keys[i]), 1));
		if (i == 0)
			add_all_day(s, course, out, get(ov, "due_at"));
	}
	cJSON_AddBoolToObject(out, "unassign_item", sim_bool(ov, "unassign_item", 0));
	cJSON_ArrayForEach(it, ov) {
		if (get(out, it->string) || !strncmp(it->string, "all_day", 7))
			continue;
		cJSON_AddItemToObject(out, it->string, cJSON_Duplicate(it, 1));
	}
	return out;
}

/* 1 when the course lists its sections and every one has a section override on `a`. */
static int all_sections_overridden(const cJSON *course, const cJSON *a)
{
	const cJSON *secs = get(course, "sections"), *sec, *ov;

	if (!cJSON_IsArray(secs) || !cJSON_GetArraySize(secs))
		return 0;
	cJSON_ArrayForEach(sec, secs) {
		int found = 0;

		cJSON_ArrayForEach(ov, get(a, "overrides"))
			if (value_id(get(ov, "course_section_id")) == sim_id(sec))
				found = 1;
		if (!found)
			return 0;
	}
	return 1;
}

/* The most lenient value of `key` among the overrides that override it: latest (want_max) or
 * earliest; null beats every date. Returns 0 when no override overrides it, else 1 with *is_null
 * or *out set. */
static int lenient(const cJSON *a, const char *key, int want_max, int skip_expired, int *is_null, time_t *out)
{
	const cJSON *ov;
	int any = 0, have = 0;
	time_t t, now = sim_now(), lk;

	*is_null = 0;
	*out = 0;
	cJSON_ArrayForEach(ov, get(a, "overrides")) {
		if (!get(ov, key))
			continue;
		/* CNVS-24849: a section/group override whose own lock date has passed no longer unlocks */
		if (skip_expired && set_type(ov) && strcmp(set_type(ov), "ADHOC") &&
		    get_date(ov, "lock_at", &lk) && lk <= now)
			continue;
		any = 1;
		if (!get_date(ov, key, &t)) {
			*is_null = 1;
		} else if (!have || (want_max ? t > *out : t < *out)) {
			*out = t;
			have = 1;
		}
	}
	return any;
}

static void set_time(cJSON *obj, const char *key, int is_null, time_t t)
{
	char buf[21];

	if (is_null) {
		sim_set(obj, key, cJSON_CreateNull());
	} else {
		sim_time_format(t, buf);
		sim_set_str(obj, key, buf);
	}
}

/* AssignmentOverrideApplicator for a teacher (see the top comment). */
static void collapse_dates(const cJSON *course, const cJSON *a, cJSON *out)
{
	int is_null, base_null;
	time_t t, base;

	if (!override_count(a))
		return;
	if (lenient(a, "due_at", 1, 0, &is_null, &t)) {
		if (!sim_bool(a, "only_visible_to_overrides", 0) && !all_sections_overridden(course, a)) {
			base_null = !get_date(a, "due_at", &base);
			if (base_null || is_null)
				is_null = 1;
			else if (base > t)
				t = base;
		}
		set_time(out, "due_at", is_null, t);
	}
	if (lenient(a, "unlock_at", 0, 1, &is_null, &t))
		set_time(out, "unlock_at", is_null, t);
	if (lenient(a, "lock_at", 1, 0, &is_null, &t))
		set_time(out, "lock_at", is_null, t);
}

static cJSON *all_dates(const cJSON *a)
{
	cJSON *arr = cJSON_CreateArray(), *e;
	const cJSON *ov;
	size_t i;

	if (!sim_bool(a, "only_visible_to_overrides", 0)) {
		e = cJSON_CreateObject();
		cJSON_AddTrueToObject(e, "base");
		cJSON_AddStringToObject(e, "title", override_count(a) ? "Everyone else" : "Everyone");
		for (i = 0; i < NDATES; i++)
			cJSON_AddItemToObject(e, date_keys[i], sim_dup_or_null(a, date_keys[i]));
		cJSON_AddItemToArray(arr, e);
	}
	cJSON_ArrayForEach(ov, get(a, "overrides")) {
		e = cJSON_CreateObject();
		sim_add_id(e, "id", sim_id(ov));
		cJSON_AddStringToObject(e, "title", sim_str(ov, "title") ? sim_str(ov, "title") : "No Title");
		for (i = 0; i < NDATES; i++)
			cJSON_AddItemToObject(e, date_keys[i], sim_dup_or_null(ov, date_keys[i]));
		cJSON_AddItemToArray(arr, e);
	}
	return arr;
}

struct render_opts {
	int overrides;       /* include[]=overrides */
	int all_dates;       /* include[]=all_dates (list) / all_dates=true (show) */
	int override_dates;  /* override_assignment_dates */
	int checkpoints;     /* include[]=checkpoints */
};

static cJSON *render_topic(struct sim_req *rq, cJSON *course, const cJSON *a)
{
	int64_t tid = value_id(get(a, "discussion_topic_id"));
	cJSON *topic = tid >= 0 ? sim_find_id_num(sim_course_kind(course, "discussion_topics"), tid) : NULL, *out;
	char *url;

	if (!topic)
		return NULL;
	out = cJSON_Duplicate(topic, 1);
	url = sim_object_url(rq->base, sim_id(course), "discussion_topics", sim_id(topic), NULL);
	sim_set_str(out, "html_url", url);
	sim_set_str(out, "url", url);
	free(url);
	return out;
}

/* A New Quiz: is_quiz_lti_assignment only on an external_tool assignment (Assignment#quiz_lti?),
 * submission_types frozen, the tool's launch url (Api::V1::Assignment#assignment_json). */
static void render_quiz_lti(struct sim_req *rq, int64_t cid, const cJSON *a, cJSON *out)
{
	const cJSON *t;
	int tool = 0;
	cJSON *frozen, *tag;
	char *url;

	cJSON_ArrayForEach(t, get(a, "submission_types"))
		if (cJSON_IsString(t) && !strcmp(t->valuestring, "external_tool"))
			tool = 1;
	if (!tool || !sim_bool(a, "is_quiz_lti_assignment", 0)) {
		if (get(a, "is_quiz_lti_assignment"))   /* not a default: in out only when a has it */
			cJSON_DeleteItemFromObjectCaseSensitive(out, "is_quiz_lti_assignment");
		return;
	}
	frozen = cJSON_CreateArray();
	cJSON_AddItemToArray(frozen, cJSON_CreateString("submission_types"));
	sim_set(out, "frozen_attributes", frozen);
	if (!get(out, "external_tool_tag_attributes")) {
		tag = cJSON_CreateObject();
		url = xasprintf("%s/api/v1/courses/%" PRId64 "/external_tools/sessionless_launch?launch_type=assessment"
				"&assignment_id=%" PRId64, rq->base, cid, sim_id(a));
		cJSON_AddStringToObject(tag, "url", "https://quiz-lti.instructure.example/lti/launch");
		cJSON_AddBoolToObject(tag, "new_tab", 0);
		sim_set(out, "external_tool_tag_attributes", tag);
		sim_set_str(out, "url", url);
		free(url);
	}
}

/* sim_set(out, key, val) on an answer as render_assignment builds it (i18/simrender): out holds a's
 * keys but "overrides" in a's order, then keys added since: the defaults a lacks (their nodes in
 * dnode[]) and keys set by out_set, each once. The node to replace is found by walking a (a dozen
 * keys) beside out, or among the defaults' nodes; a key that is in neither is not in out (unless
 * out_set appended it before: the callers set each key once, and render_quiz_lti, render_topic and
 * collapse_dates set other keys) and is appended. Only while out's first keys are a's: nothing
 * deleted from out yet (render_assignment's `aligned`). sim_set walked out's 60 to 80 keys for each
 * of these (issue 18). key must outlive out (a literal): it is not copied. */
static void out_set(cJSON *out, const cJSON *a, cJSON **dnode, const char *key, cJSON *val)
{
	const cJSON *s;
	cJSON *d = out->child, *old = NULL;
	int k = -1;

	for (s = a->child; s && !old; s = s->next) {
		if (s->string[0] == 'o' && !strcmp(s->string, "overrides"))
			continue;
		if (s->string[0] == key[0] && !strcmp(s->string, key))
			old = d;
		d = d->next;
	}
	if (!old && (k = default_index(key)) >= 0)
		old = dnode[k];
	if (!old) {
		cJSON_AddItemToObjectCS(out, key, val);
		return;
	}
	if (!(val->type & cJSON_StringIsConst))
		cJSON_free(val->string);
	val->string = (char *)(uintptr_t)key;
	val->type |= cJSON_StringIsConst;
	cJSON_ReplaceItemViaPointer(out, old, val);
	if (k >= 0)
		dnode[k] = val;
}

/* out_set while out is aligned with a, else sim_set. */
static void set(cJSON *out, const cJSON *a, cJSON **dnode, int aligned, const char *key, cJSON *val)
{
	if (aligned)
		out_set(out, a, dnode, key, val);
	else
		sim_set(out, key, val);
}

static cJSON *render_assignment(struct sim_req *rq, cJSON *course, const cJSON *a, const struct render_opts *o)
{
	cJSON *out = cJSON_CreateObject(), *it, *topic, *dnode[NDEFAULTS] = { NULL };
	unsigned char has[NDEFAULTS] = { 0 };
	int64_t cid = sim_id(course), id = sim_id(a);
	size_t i;
	int pub = is_published(a), n = override_count(a), k, aligned;
	char *url;

	cJSON_ArrayForEach(it, a) {
		if (!strcmp(it->string, "overrides"))
			continue;
		cJSON_AddItemToArray(out, sim_dup_render(rq, it));   /* the copy keeps its key */
		if ((k = default_index(it->string)) >= 0)
			has[k] = 1;
	}
	out_set(out, a, dnode, "course_id", sim_id_item(cid));
	/* out holds a's keys but "overrides", and "course_id", none of them a default's: a default is
	 * added when a lacks it (has[], from the pass above: issue 18), under its literal key */
	for (i = 0; i < NDEFAULTS; i++)
		if (!has[i])
			cJSON_AddItemToObjectCS(out, assignment_defaults[i][0], dnode[i] = default_value(i));
	out_set(out, a, dnode, "published", cJSON_CreateBool(pub));
	out_set(out, a, dnode, "workflow_state", cJSON_CreateString(pub ? "published" : "unpublished"));
	out_set(out, a, dnode, "unpublishable", cJSON_CreateBool(!sim_bool(a, "has_submitted_submissions", 0)));
	out_set(out, a, dnode, "visible_to_everyone", cJSON_CreateBool(!sim_bool(a, "only_visible_to_overrides", 0)));
	out_set(out, a, dnode, "has_overrides", cJSON_CreateBool(n > 0));
	if (cJSON_GetArraySize(get(course, "grading_periods")))
		out_set(out, a, dnode, "in_closed_grading_period", cJSON_CreateBool(in_closed_period(course, a)));
	url = sim_object_url(rq->base, cid, "assignments", id, NULL);
	out_set(out, a, dnode, "html_url", cJSON_CreateString(url));
	free(url);
	url = sim_object_url(rq->base, cid, "assignments", id, "/submissions?zip=1");
	out_set(out, a, dnode, "submissions_download_url", cJSON_CreateString(url));
	free(url);
	/* from here on, sim_set and the deletes walk out: what follows is rare, or guarded by a */
	if (value_id(get(a, "quiz_id")) >= 0) {
		sim_set(out, "is_quiz_assignment", cJSON_CreateTrue());
		if (!get(out, "anonymous_submissions"))
			cJSON_AddFalseToObject(out, "anonymous_submissions");
	}
	/* render_quiz_lti deletes is_quiz_lti_assignment from out only when a has it */
	aligned = !get(a, "is_quiz_lti_assignment");
	render_quiz_lti(rq, cid, a, out);
	/* checkpoints (Api::V1::Assignment#assignment_json, include_checkpoints): has_sub_assignments
	 * and each sub-assignment as Checkpoint#as_json (lib/checkpoint.rb), only when asked for.
	 * Neither key is a default nor set above: in out only when a has it. */
	if (o->checkpoints) {
		set(out, a, dnode, aligned, "has_sub_assignments",
		    cJSON_CreateBool(cJSON_GetArraySize(get(a, "checkpoints")) > 0));
		if (!get(aligned ? a : out, "checkpoints"))
			cJSON_AddItemToObjectCS(out, "checkpoints", cJSON_CreateArray());
	} else {
		if (get(a, "checkpoints"))
			cJSON_DeleteItemFromObjectCaseSensitive(out, "checkpoints"), aligned = 0;
		if (get(a, "has_sub_assignments"))
			cJSON_DeleteItemFromObjectCaseSensitive(out, "has_sub_assignments"), aligned = 0;
	}
	topic = render_topic(rq, course, a);
	if (topic)
		sim_set(out, "discussion_topic", topic);
	if (o->override_dates)
		collapse_dates(course, a, out);
	if (o->all_dates) {
		if (n < ALL_DATES_LIMIT)
			set(out, a, dnode, aligned, "all_dates", all_dates(a));
		else
			set(out, a, dnode, aligned, "all_dates_count", cJSON_CreateNumber(n));
	}
	if (o->overrides) {
		cJSON *arr = cJSON_CreateArray();
		const cJSON *ov;

		cJSON_ArrayForEach(ov, get(a, "overrides"))
			cJSON_AddItemToArray(arr, render_override(rq->sim, course, a, ov));
		set(out, a, dnode, aligned, "overrides", arr);   /* a's own "overrides" was not copied */
	}
	return out;
}

/* ---------------------------------------------------------------- notifications and mirrors */

/* AssignmentOverride#notify_change?: the assignment was created more than 3 hours ago (absent = long
 * ago). */
static int old_enough(const cJSON *a)
{
	time_t t;

	return !get_date(a, "created_at", &t) || t < sim_now() - 3 * 3600;
}

/* Assignment.due_dates_equal?: compared to the minute. */
static int due_changed(const cJSON *before, const cJSON *after)
{
	time_t x, y;
	int hx = get_date(before, "due_at", &x), hy = get_date(after, "due_at", &y);

	if (hx != hy)
		return 1;
	return hx && x / 60 != y / 60;
}

static void notify_due(struct sim *s, const cJSON *course, const cJSON *a, const char *kind, int64_t id,
		       const cJSON *before, const cJSON *after)
{
	char *detail;
	const char *x = sim_str(before, "due_at"), *y = sim_str(after, "due_at");

	if (!is_published(a) || !is_published(before) || !course_available(course) || !course_has_students(course) ||
	    !due_changed(before, after))
		return;
	detail = xasprintf("due_at %s -> %s", x ? x : "null", y ? y : "null");
	sim_notify(s, "assignment_due_date_changed", course, kind, id, detail);
	free(detail);
}

/* Assignment#update_quiz_or_discussion_topic. A quiz or topic whose title changes takes its module
 * items along (ContentTag.update_for runs on every save that changes a title). */
static void mirror_linked(cJSON *course, const cJSON *a)
{
	cJSON *q = NULL, *t = NULL;
	size_t i;
	int retitled;

	if (value_id(get(a, "quiz_id")) >= 0)
		q = sim_find_id_num(sim_course_kind(course, "quizzes"), value_id(get(a, "quiz_id")));
	if (q) {
		retitled = !sim_same_value(get(q, "title"), get(a, "name"));
		sim_set(q, "title", sim_dup_or_null(a, "name"));
		sim_set(q, "description", sim_dup_or_null(a, "description"));
		for (i = 0; i < NDATES; i++)
			sim_set(q, date_keys[i], sim_dup_or_null(a, date_keys[i]));
		if (retitled) {
			/* the sync reads "published" with default true; a quiz without it renders unpublished */
			sim_set(q, "published", cJSON_CreateBool(sim_bool(q, "published", 0)));
			sim_module_items_sync(course, "quizzes", q, NULL);
		}
	}
	if (value_id(get(a, "discussion_topic_id")) >= 0)
		t = sim_find_id_num(sim_course_kind(course, "discussion_topics"),
				    value_id(get(a, "discussion_topic_id")));
	if (t) {
		retitled = !sim_same_value(get(t, "title"), get(a, "name"));
		sim_set(t, "title", sim_dup_or_null(a, "name"));
		sim_set(t, "message", sim_dup_or_null(a, "description"));
		if (retitled)
			sim_module_items_sync(course, "discussion_topics", t, NULL);
	}
}

/* ---------------------------------------------------------------- validation */

/* unlock <= due <= lock on an assignment; adds errors, returns the number added. */
static int check_assignment_dates(const cJSON *a, cJSON *errs)
{
	time_t due, un, lk;
	int hd = get_date(a, "due_at", &due), hu = get_date(a, "unlock_at", &un);
	int hl = get_date(a, "lock_at", &lk), n = 0;

	if (hd && ((hu && due < un) || (hl && due > lk))) {
		sim_errors_add(errs, "due_at", "must be between availability dates");
		n++;
	}
	if (hu && hl && un > lk) {
		sim_errors_add(errs, "lock_at", "must be after unlock date");
		n++;
	}
	return n;
}

/* MasterCourses::Restrictor: the columns each lock category protects, in Canvas's order. */
static const struct {
	const char *category, *column, *field;
} locked_columns[] = {
	{ "content", "title", "name" },
	{ "content", "description", "description" },
	{ "due_dates", "due_at", "due_at" },
	{ "availability_dates", "lock_at", "lock_at" },
	{ "availability_dates", "unlock_at", "unlock_at" },
	{ "points", "points_possible", "points_possible" },
	{ "settings", "assignment_group_id", "assignment_group_id" },
	{ "settings", "grading_type", "grading_type" },
	{ "settings", "submission_types", "submission_types" },
	{ "settings", "peer_reviews", "peer_reviews" },
	{ "settings", "automatic_peer_reviews", "automatic_peer_reviews" },
	{ "settings", "group_category_id", "group_category_id" },
	{ "settings", "allowed_attempts", "allowed_attempts" },
	{ "settings", "omit_from_final_grade", "omit_from_final_grade" },
	{ "settings", "peer_reviews_due_at", "peer_reviews_assign_at" },
	{ "state", "workflow_state", "published" },
};

static int category_locked(const cJSON *a, const char *category)
{
	const cJSON *r = get(a, "master_course_restrictions");

	if (!sim_bool(a, "restricted_by_master_course", 0) || !cJSON_IsObject(r))
		return 0;
	return sim_bool(r, category, 0) || sim_bool(r, "all", 0);
}

static int any_locked(const cJSON *a)
{
	size_t i;

	for (i = 0; i < sizeof(locked_columns) / sizeof(locked_columns[0]); i++)
		if (category_locked(a, locked_columns[i].category))
			return 1;
	return 0;
}

/* The base error for locked columns changed between before and after; 0 when none. */
static int check_blueprint(const cJSON *before, const cJSON *after, cJSON *errs)
{
	char msg[512] = "cannot change column(s): ";
	size_t i, len = strlen(msg), n = 0;

	for (i = 0; i < sizeof(locked_columns) / sizeof(locked_columns[0]); i++) {
		if (!category_locked(before, locked_columns[i].category))
			continue;
		if (!strcmp(locked_columns[i].field, "published") ? is_published(before) == is_published(after) :
		    sim_same_value(get(before, locked_columns[i].field), get(after, locked_columns[i].field)))
			continue;
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s", n ? ", " : "",
					locked_columns[i].column);
		n++;
	}
	if (!n)
		return 0;
	snprintf(msg + len, sizeof(msg) - len, " - locked by Master Course");
	sim_errors_add(errs, "base", msg);
	return 1;
}

/* ---------------------------------------------------------------- closed grading periods
 *
 * A course's seed may list "grading_periods": [{"id", "title", "start_date", "end_date",
 * "close_date"}]. Closed = close_date before now (GradingPeriod.closed scope); a date is in a period
 * when start_date < date <= end_date (GradingPeriod#in_date_range?); a missing date counts as in
 * the period that ends last (GradingPeriodHelper.date_in_closed_grading_period?). */

static int gp_closed(const cJSON *gp)
{
	time_t c;

	return get_date(gp, "close_date", &c) && c < sim_now();
}

static int date_in_closed(const cJSON *course, const cJSON *obj)
{
	const cJSON *gps = get(course, "grading_periods"), *gp, *last = NULL;
	time_t d, st, en, lastend = 0;

	if (!get_date(obj, "due_at", &d)) {
		cJSON_ArrayForEach(gp, gps)
			if (get_date(gp, "end_date", &en) && (!last || en > lastend)) {
				last = gp;
				lastend = en;
			}
		return last && gp_closed(last);
	}
	cJSON_ArrayForEach(gp, gps)
		if (get_date(gp, "start_date", &st) && get_date(gp, "end_date", &en) && st < d && d <= en &&
		    gp_closed(gp))
			return 1;
	return 0;
}

/* Assignment#in_closed_grading_period? as the list shows it: a due date of the assignment or of
 * one of its overrides in a closed period. */
static int in_closed_period(const cJSON *course, const cJSON *a)
{
	const cJSON *ov;

	if (!cJSON_GetArraySize(get(course, "grading_periods")))
		return 0;
	if (!sim_bool(a, "only_visible_to_overrides", 0) && date_in_closed(course, a))
		return 1;
	cJSON_ArrayForEach(ov, get(a, "overrides"))
		if (get(ov, "due_at") && date_in_closed(course, ov))
			return 1;
	return 0;
}

static int graded(const cJSON *a)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, get(a, "submission_types"))
		if (cJSON_IsString(t) && (!strcmp(t->valuestring, "not_graded") || !strcmp(t->valuestring, "wiki_page")))
			return 0;
	return 1;
}

static int due_moved(const cJSON *x, const cJSON *y)
{
	time_t a = 0, b = 0;
	int ha = get_date(x, "due_at", &a), hb = get_date(y, "due_at", &b);

	return ha != hb || a != b;
}

/* SubmittablesGradingPeriodProtection#grading_periods_allow_submittable_update? (base due_at) and
 * #grading_periods_allow_assignment_override_update? (any change of an override) for a non-admin:
 * the refused change adds a due_at error to errs (base) or a row to rows (overrides, when rows).
 * Returns the number of refusals. */
static int check_grading_periods(const cJSON *course, const cJSON *before, const cJSON *after, cJSON *errs,
				 cJSON *rows)
{
	const cJSON *ov;
	int n = 0;

	if (!cJSON_GetArraySize(get(course, "grading_periods")) || !graded(before))
		return 0;
	if (due_moved(before, after)) {
		if (date_in_closed(course, before) && !sim_bool(before, "only_visible_to_overrides", 0)) {
			sim_errors_add(errs, "due_at", "Cannot change the due date when due in a closed grading period");
			n++;
		} else if (!(sim_bool(before, "only_visible_to_overrides", 0) &&
			     sim_bool(after, "only_visible_to_overrides", 0)) && date_in_closed(course, after)) {
			sim_errors_add(errs, "due_at", "Cannot change the due date to a date within a closed grading period");
			n++;
		}
	}
	cJSON_ArrayForEach(ov, get(after, "overrides")) {
		const cJSON *old = sim_find_id_num(get(before, "overrides"), sim_id(ov));
		const char *msg = NULL;
		cJSON *row;

		if (!old || cJSON_Compare(old, ov, 1))
			continue;
		if (date_in_closed(course, old))
			msg = "Cannot change the due date of an override in a closed grading period";
		else if (date_in_closed(course, ov))
			msg = "Cannot change an override due date to a date within a closed grading period";
		if (!msg)
			continue;
		n++;
		if (!rows) {
			sim_errors_add(errs, "due_at", msg);
			continue;
		}
		row = cJSON_CreateObject();
		sim_add_id(row, "assignment_id", sim_id(after));
		sim_add_id(row, "assignment_override_id", sim_id(ov));
		cJSON_AddItemToObject(row, "due_at", one_string(msg));
		cJSON_AddItemToArray(rows, row);
	}
	return n;
}

/* The token is an account admin (constrained_by_grading_periods? is false for admins). */
static int token_admin(struct sim_req *rq)
{
	const cJSON *e = rq->token ? sim_token_entry(rq->sim, rq->token) : NULL;

	return cJSON_IsObject(e) && sim_bool(e, "admin", 0);
}

/* GET /api/v1/courses/:course_id/grading_periods (GradingPeriodsController#index): the course's
 * periods with is_closed and is_last, in one page. */
static void list_grading_periods(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *out = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(out, "grading_periods"), *meta;
	const cJSON *gp, *gps = get(rq->course, "grading_periods");
	time_t en, lastend = 0;
	int64_t lastid = -1;

	cJSON_ArrayForEach(gp, gps)
		if (get_date(gp, "end_date", &en) && (lastid < 0 || en > lastend)) {
			lastid = sim_id(gp);
			lastend = en;
		}
	cJSON_ArrayForEach(gp, gps) {
		cJSON *o = cJSON_Duplicate(gp, 1);

		if (!get(o, "weight"))
			cJSON_AddNullToObject(o, "weight");
		sim_set(o, "is_closed", cJSON_CreateBool(gp_closed(gp)));
		sim_set(o, "is_last", cJSON_CreateBool(sim_id(gp) == lastid));
		cJSON_AddItemToArray(arr, o);
	}
	meta = cJSON_AddObjectToObject(out, "meta");
	cJSON_AddStringToObject(meta, "primaryCollection", "grading_periods");
	sim_reply_json(rs, 200, out);
}

/* ---------------------------------------------------------------- overrides: interpreting params */

static const char *named(const cJSON *arr, int64_t id)
{
	const cJSON *it = sim_find_id_num((cJSON *)arr, id);

	return it ? sim_str(it, "name") : NULL;
}

/* The override's title from a count of students, as AssignmentOverride.title_from_student_count. */
static char *students_title(int n)
{
	return n == 1 ? xstrdup("1 student") : xasprintf("%d students", n);
}

/* interpret_assignment_override_data + update_assignment_override_without_save: apply `data` to
 * `ov` (a scratch copy, or a new object holding only its id). Error strings go to `errors`; the
 * caller discards `ov` when any was added. */
static void override_apply(struct sim *s, cJSON *course, const cJSON *a, cJSON *ov, const cJSON *data,
			   cJSON *errors)
{
	const char *type = set_type(ov), *title = NULL;
	const cJSON *v;
	cJSON *students = NULL;
	char *msg, *ins;
	int64_t sec = -1, grp = -1;
	size_t i;
	int nerr = cJSON_GetArraySize(errors);

	if (!cJSON_IsObject(data)) {
		cJSON_AddItemToArray(errors, cJSON_CreateString("invalid override data"));
		return;
	}
	if (!type && get(data, "student_ids"))
		type = "ADHOC";
	if (!strcmp(type ? type : "", "ADHOC") && (v = get(data, "student_ids"))) {
		const cJSON *known = get(course, "students"), *sid;
		cJSON *bad = cJSON_CreateArray();

		if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v)) {
			ins = inspect(v);
			msg = xasprintf("invalid student_ids %s", ins);
			cJSON_AddItemToArray(errors, cJSON_CreateString(msg));
			free(msg);
			free(ins);
		} else {
			students = cJSON_CreateArray();
			cJSON_ArrayForEach(sid, v) {
				int64_t n = value_id(sid);

				if (n < 0 || (cJSON_IsArray(known) && !sim_find_id_num((cJSON *)known, n))) {
					char *str = inspect(sid);

					/* student_ids.map(&:to_s): the value itself, unquoted */
					cJSON_AddItemToArray(bad, cJSON_CreateString(cJSON_IsString(sid) ?
										      sid->valuestring : str));
					free(str);
				} else {
					cJSON_AddItemToArray(students, sim_id_item(n));
				}
			}
			if (cJSON_GetArraySize(bad)) {
				/* Ruby: "unknown student ids: [\"99\", \"98\"]" */
				char *list = cJSON_PrintUnformatted(bad), *p;
				size_t len = strlen(list) + 64;
				char *pretty = xmalloc(len * 2), *o = pretty;

				for (p = list; *p; p++) {
					*o++ = *p;
					if (*p == ',' && p[1] == '"')
						*o++ = ' ';
				}
				*o = '\0';
				msg = xasprintf("unknown student ids: %s", pretty);
				cJSON_AddItemToArray(errors, cJSON_CreateString(msg));
				free(msg);
				free(pretty);
				free(list);
			}
		}
		cJSON_Delete(bad);
	}
	if (!type && get(data, "group_id")) {
		v = get(data, "group_id");
		if (value_id(get(a, "group_category_id")) >= 0) {
			const cJSON *groups = get(course, "groups"), *g;

			type = "Group";
			grp = value_id(v);
			g = grp >= 0 && cJSON_IsArray(groups) ? sim_find_id_num((cJSON *)groups, grp) : NULL;
			if (grp < 0 || (cJSON_IsArray(groups) && (!g || value_id(get(g, "group_category_id")) !=
								      value_id(get(a, "group_category_id"))))) {
				ins = inspect(v);
				msg = xasprintf("unknown group id %s", ins);
				cJSON_AddItemToArray(errors, cJSON_CreateString(msg));
				free(msg);
				free(ins);
			}
		} else {
			cJSON_AddItemToArray(errors, cJSON_CreateString("group_id is not valid for non-group "
									"assignments"));
		}
	}
	if (!type && get(data, "course_section_id")) {
		const cJSON *secs = get(course, "sections");

		v = get(data, "course_section_id");
		type = "CourseSection";
		sec = value_id(v);
		if (sec < 0 || (cJSON_IsArray(secs) && !sim_find_id_num((cJSON *)secs, sec))) {
			ins = inspect(v);
			msg = xasprintf("unknown section id %s", ins);
			cJSON_AddItemToArray(errors, cJSON_CreateString(msg));
			free(msg);
			free(ins);
		}
	}
	if (!type && get(data, "noop_id"))
		type = "Noop";
	if (!type && cJSON_GetArraySize(errors) == nerr)
		cJSON_AddItemToArray(errors, cJSON_CreateString("one of student_ids, group_id, or "
								"course_section_id is required"));
	if (type && (!strcmp(type, "ADHOC") || !strcmp(type, "Noop")) && cJSON_IsString(get(data, "title")))
		title = get(data, "title")->valuestring;
	/* the dates: present = overridden (blank = to null), absent = not overridden */
	for (i = 0; i < NDATES; i++) {
		time_t t;

		v = get(data, date_keys[i]);
		if (!v) {
			cJSON_DeleteItemFromObjectCaseSensitive(ov, date_keys[i]);
			continue;
		}
		if (!present(v)) {
			sim_set(ov, date_keys[i], cJSON_CreateNull());
			continue;
		}
		if (!cJSON_IsString(v) || sim_time_parse(v->valuestring, sim_user_zone(s), 0, &t)) {
			ins = inspect(v);
			msg = xasprintf("invalid %s %s", date_keys[i], ins);
			cJSON_AddItemToArray(errors, cJSON_CreateString(msg));
			free(msg);
			free(ins);
			continue;
		}
		/* AssignmentOverride#due_at= and #lock_at= apply fancy midnight on every write */
		if (i != 1)
			t = sim_time_fancy_midnight(t, sim_user_zone(s));
		set_time(ov, date_keys[i], 0, t);
	}
	if (cJSON_GetArraySize(errors) != nerr) {
		cJSON_Delete(students);
		return;
	}
	sim_set(ov, "assignment_id", sim_id_item(sim_id(a)));
	if (students) {
		char *t = students_title(cJSON_GetArraySize(students));

		sim_set_str(ov, "title", title ? title : t);
		free(t);
		sim_set(ov, "student_ids", students);
		students = NULL;
	} else if (title) {
		sim_set_str(ov, "title", title);
	}
	if (sec >= 0) {
		const char *name = named(get(course, "sections"), sec);
		char *t = xasprintf("Section %" PRId64, sec);

		sim_set(ov, "course_section_id", sim_id_item(sec));
		sim_set_str(ov, "title", name ? name : sim_str(ov, "title") ? sim_str(ov, "title") : t);
		free(t);
	}
	if (grp >= 0) {
		const char *name = named(get(course, "groups"), grp);
		char *t = xasprintf("Group %" PRId64, grp);

		sim_set(ov, "group_id", sim_id_item(grp));
		sim_set_str(ov, "title", name ? name : t);
		free(t);
	}
	if (type && !strcmp(type, "Noop") && get(data, "noop_id"))
		sim_set(ov, "noop_id", sim_id_item(value_id(get(data, "noop_id"))));
	if (!sim_str(ov, "title"))
		sim_set_str(ov, "title", "No Title");
	cJSON_Delete(students);
}

/* Another override of `a` already targets the section or group of `ov` (set_id uniqueness). */
static int set_taken(const cJSON *a, const cJSON *ov)
{
	static const char *const keys[] = { "course_section_id", "group_id" };
	const cJSON *o;
	size_t k;

	for (k = 0; k < 2; k++) {
		if (!get(ov, keys[k]))
			continue;
		cJSON_ArrayForEach(o, get(a, "overrides"))
			if (sim_id(o) != sim_id(ov) && get(o, keys[k]) &&
			    value_id(get(o, keys[k])) == value_id(get(ov, keys[k])))
				return 1;
	}
	return 0;
}

/* Notifications for an override whose due date changed (AssignmentOverride#notify_change?): a new
 * override that overrides due_at, one that starts or stops overriding it, or a changed date. */
static void notify_override(struct sim *s, const cJSON *course, const cJSON *a, const cJSON *before,
			    const cJSON *after)
{
	int was = before && get(before, "due_at"), is = get(after, "due_at") != NULL;
	const char *x = was ? sim_str(before, "due_at") : NULL, *y = sim_str(after, "due_at");
	char *detail;

	if (!is_published(a) || !course_available(course) || !course_has_students(course) || !old_enough(a))
		return;
	if (was == is && (!is || !due_changed(before, after)))
		return;
	detail = xasprintf("due_at %s -> %s", was ? (x ? x : "null") : "not overridden",
			   is ? (y ? y : "null") : "not overridden");
	sim_notify(s, "assignment_due_date_changed", course, "assignment_override", sim_id(after), detail);
	free(detail);
}

/* ---------------------------------------------------------------- assignments: applying params */

static const char *const string_fields[] = { "grading_type", "sis_assignment_id", "integration_id" };
static const char *const int_fields[] = { "assignment_group_id", "allowed_attempts", "group_category_id",
					  "grading_standard_id" };
static const char *const bool_fields[] = {
	"peer_reviews", "automatic_peer_reviews", "anonymous_peer_reviews", "omit_from_final_grade",
	"hide_in_gradebook", "important_dates", "post_to_sis", "moderated_grading",
	"grade_group_students_individually", "anonymous_grading", "intra_group_peer_reviews",
	"only_visible_to_overrides",
};

/* An integer column from JSON or form: a number, a decimal string (negative allowed), else null
 * (Rails casts "" and junk to nil). */
static cJSON *int_value(const cJSON *v)
{
	char *end;
	long long n;

	if (cJSON_IsNumber(v))
		return cJSON_CreateNumber(v->valuedouble);
	if (cJSON_IsString(v) && v->valuestring[0]) {
		n = strtoll(v->valuestring, &end, 10);
		if (!*end)
			return sim_id_item(n);   /* a number; a string of digits at or above 2^53 */
	}
	return cJSON_CreateNull();
}

static cJSON *string_list(const cJSON *v)
{
	cJSON *out = cJSON_CreateArray(), *it;

	if (cJSON_IsString(v) && v->valuestring[0]) {
		cJSON_AddItemToArray(out, cJSON_CreateString(v->valuestring));
	} else {
		cJSON_ArrayForEach(it, v)
			if (cJSON_IsString(it) && it->valuestring[0])
				cJSON_AddItemToArray(out, cJSON_CreateString(it->valuestring));
	}
	return out;
}

/* The assignment_overrides param: the new override set of `copy`. Returns 0 or -1 (errors added). */
static int replace_overrides(struct sim *s, cJSON *course, const cJSON *before, cJSON *copy, const cJSON *v,
			     cJSON *errs)
{
	cJSON *list = as_list(v), *next = cJSON_CreateArray(), *errors = cJSON_CreateArray(), *data, *e;
	int rc = 0;

	cJSON_ArrayForEach(data, list) {
		int64_t oid = value_id(get(data, "id"));
		const cJSON *old = oid >= 0 ? sim_find_id_num(get(before, "overrides"), oid) : NULL;
		cJSON *ov = old ? cJSON_Duplicate(old, 1) : cJSON_CreateObject();

		if (!old)
			sim_add_id(ov, "id", sim_new_id(s));
		override_apply(s, course, copy, ov, data, errors);
		cJSON_AddItemToArray(next, ov);
	}
	if (cJSON_GetArraySize(errors)) {
		cJSON_ArrayForEach(e, errors)
			sim_errors_add(errs, "assignment_overrides", e->valuestring);
		cJSON_Delete(next);
		rc = -1;
	} else {
		sim_set(copy, "overrides", next);
	}
	cJSON_Delete(errors);
	cJSON_Delete(list);
	return rc;
}

/* Apply the assignment[...] params `w` to `copy` (a duplicate of `before`; for a create, `before` is
 * an empty object, so every supplied date counts as changed). Returns 0, or -1 with the errors hash
 * filled. */
static int assignment_apply(struct sim_req *rq, cJSON *course, const cJSON *before, cJSON *copy, const cJSON *w,
			    cJSON *errs)
{
	struct sim *s = rq->sim;
	const cJSON *v;
	size_t i;
	int has_subs = sim_bool(before, "has_submitted_submissions", 0);

	/* 1. date formats first: the assignments API checks them before anything else (API.md 5.4) */
	for (i = 0; i < NDATES; i++) {
		cJSON *val;
		char key[64], msg[64];
		time_t t;

		v = get(w, date_keys[i]);
		if (!v)
			continue;
		if (sim_time_input(s, v, 1, &val)) {
			snprintf(key, sizeof(key), "assignment[%s]", date_keys[i]);
			snprintf(msg, sizeof(msg), "Invalid datetime for %s", date_keys[i]);
			sim_errors_add(errs, key, msg);
			continue;
		}
		/* fancy midnight on due_at and lock_at when the value changes */
		if (i != 1 && cJSON_IsString(val) && !sim_same_value(val, get(before, date_keys[i])) &&
		    !sim_time_parse(val->valuestring, "UTC", 0, &t)) {
			cJSON_Delete(val);
			set_time(copy, date_keys[i], 0, sim_time_fancy_midnight(t, sim_user_zone(s)));
			continue;
		}
		sim_set(copy, date_keys[i], val);
	}
	if ((v = get(w, "peer_reviews_assign_at")) != NULL) {
		cJSON *val;

		if (sim_time_input(s, v, 1, &val))
			sim_errors_add(errs, "assignment[peer_reviews_assign_at]",
				  "Invalid datetime for peer_reviews_assign_at");
		else
			sim_set(copy, "peer_reviews_assign_at", val);
	}
	if (cJSON_GetArraySize(errs))
		return -1;

	/* 2. the other fields */
	if ((v = get(w, "name")) != NULL) {
		if (!present(v))
			sim_errors_add(errs, "name", "can't be blank");
		else if (!cJSON_IsString(v))
			sim_errors_add(errs, "name", "is invalid");
		else if (strlen(v->valuestring) > 255)
			sim_errors_add(errs, "name", "is too long (maximum is 255 characters)");
		else
			sim_set_str(copy, "name", v->valuestring);
	}
	if ((v = get(w, "description")) != NULL)
		sim_set(copy, "description", cJSON_IsString(v) ? cJSON_CreateString(v->valuestring)
							       : cJSON_CreateNull());
	if ((v = get(w, "points_possible")) != NULL) {
		if (cJSON_IsNumber(v))
			sim_set(copy, "points_possible", cJSON_CreateNumber(v->valuedouble));
		else if (cJSON_IsString(v) && v->valuestring[0])
			sim_set(copy, "points_possible", cJSON_CreateNumber(strtod(v->valuestring, NULL)));
		else
			sim_set(copy, "points_possible", cJSON_CreateNull());
	}
	if ((v = get(w, "position")) != NULL && value_id(v) >= 0)
		sim_set(copy, "position", cJSON_CreateNumber((double)value_id(v)));
	for (i = 0; i < sizeof(string_fields) / sizeof(string_fields[0]); i++)
		if ((v = get(w, string_fields[i])) != NULL)
			sim_set(copy, string_fields[i], cJSON_IsString(v) && v->valuestring[0] ?
				cJSON_CreateString(v->valuestring) : cJSON_CreateNull());
	for (i = 0; i < sizeof(int_fields) / sizeof(int_fields[0]); i++)
		if ((v = get(w, int_fields[i])) != NULL)
			sim_set(copy, int_fields[i], int_value(v));
	for (i = 0; i < sizeof(bool_fields) / sizeof(bool_fields[0]); i++)
		if ((v = get(w, bool_fields[i])) != NULL && !cJSON_IsNull(v))
			sim_set(copy, bool_fields[i], cJSON_CreateBool(sim_value_bool(v)));
	if ((v = get(w, "allowed_extensions")) != NULL)
		sim_set(copy, "allowed_extensions", string_list(v));
	/* Canvas ignores submission_types once students have submitted, and still answers 200 */
	if ((v = get(w, "submission_types")) != NULL && !has_subs)
		sim_set(copy, "submission_types", string_list(v));
	if ((v = get(w, "published")) != NULL && !cJSON_IsNull(v)) {
		int pub = sim_value_bool(v);

		if (!pub && is_published(before) && has_subs) {
			sim_errors_add(errs, "published", "Can't unpublish if there are student submissions");
		} else {
			sim_set(copy, "published", cJSON_CreateBool(pub));
			sim_set_str(copy, "workflow_state", pub ? "published" : "unpublished");
		}
	}
	/* a real due date creates an "everyone else" date: the assignment is visible to everyone */
	if ((v = get(w, "due_at")) != NULL && present(v))
		sim_set(copy, "only_visible_to_overrides", cJSON_CreateFalse());
	if ((v = get(w, "assignment_overrides")) != NULL)
		replace_overrides(s, course, before, copy, v, errs);

	/* 3. model validations */
	check_assignment_dates(copy, errs);
	check_blueprint(before, copy, errs);
	return cJSON_GetArraySize(errs) ? -1 : 0;
}

/* Assignment#insert_at within its group: positions 1..n, `a` at `pos`. */
static void reposition(cJSON *course, cJSON *a, int64_t pos)
{
	cJSON *arr = sim_course_kind(course, "assignments"), *it, **v;
	int n = 0, i, j, k = 0;
	int64_t group = value_id(get(a, "assignment_group_id"));

	cJSON_ArrayForEach(it, arr)
		n++;
	v = xcalloc((size_t)n + 1, sizeof(*v));
	cJSON_ArrayForEach(it, arr)
		if (it != a && value_id(get(it, "assignment_group_id")) == group)
			v[k++] = it;
	/* insertion sort by (position, id): groups are small */
	for (i = 1; i < k; i++) {
		cJSON *x = v[i];
		double px = position_of(x);

		for (j = i - 1; j >= 0; j--) {
			double pj = position_of(v[j]);

			if (pj < px || (pj == px && sim_id(v[j]) < sim_id(x)))
				break;
			v[j + 1] = v[j];
		}
		v[j + 1] = x;
	}
	if (pos < 1)
		pos = 1;
	if (pos > k + 1)
		pos = k + 1;
	memmove(&v[pos], &v[pos - 1], (size_t)(k - (pos - 1)) * sizeof(*v));
	v[pos - 1] = a;
	for (i = 0; i <= k; i++)
		sim_set(v[i], "position", cJSON_CreateNumber(i + 1));
	free(v);
}

/* ---------------------------------------------------------------- assignments: handlers */

struct row {
	cJSON *a;
	double gpos, pos;
	int64_t id;
	const char *name;
	time_t due;
	int has_due;
};

static int cmp_id(const struct row *x, const struct row *y)
{
	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_position(const void *p, const void *q)
{
	const struct row *x = p, *y = q;

	if (x->gpos != y->gpos)
		return x->gpos < y->gpos ? -1 : 1;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return cmp_id(x, y);
}

static int cmp_name(const void *p, const void *q)
{
	const struct row *x = p, *y = q;
	int c = strcasecmp(x->name, y->name);

	return c ? c : cmp_position(p, q);
}

static int cmp_due(const void *p, const void *q)
{
	const struct row *x = p, *y = q;

	if (x->has_due != y->has_due)
		return x->has_due ? -1 : 1;   /* NULLS LAST */
	if (x->has_due && x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return cmp_position(p, q);
}

/* `groups`: the course's "assignment_groups" (get(course, ...), looked up once for a listing) */
static double group_position(const cJSON *groups, const cJSON *a)
{
	const cJSON *g;
	int64_t gid = value_id(get(a, "assignment_group_id"));

	if (gid < 0)
		return 1e18;
	if (!cJSON_IsArray(groups))
		return (double)gid;   /* no groups in the seed: their ids stand in for positions */
	g = sim_find_id_num((cJSON *)groups, gid);
	return g && cJSON_IsNumber(get(g, "position")) ? get(g, "position")->valuedouble : 1e18;
}

static int id_listed(const cJSON *ids, int64_t id)
{
	const cJSON *it;

	if (cJSON_IsString(ids))
		return value_id(ids) == id;
	cJSON_ArrayForEach(it, ids)
		if (value_id(it) == id)
			return 1;
	return 0;
}

/* AssignmentsApiController#index: when the page holds fewer rows than assignment_ids[] asked (a
 * deleted or unknown id, or more ids than per_page), 400 "Invalid assignment_ids: " and the ids
 * asked that are not on this page, as given, comma-joined. 1 when it answered. */
static int ids_short(struct sim_req *rq, struct sim_resp *rs, const cJSON *ids, const struct row *rows, int n)
{
	const char *pg = sim_query(rq, "page");
	long page = pg ? strtol(pg, NULL, 10) : 1;
	int pp = sim_per_page(rq), from, to, asked = cJSON_IsArray(ids) ? cJSON_GetArraySize(ids) : 1, i, k = 0;
	char msg[4096] = "Invalid assignment_ids: ";
	size_t len = strlen(msg);
	const cJSON *it;

	if (page < 1)
		page = 1;
	from = (int)((page - 1) * pp < n ? (page - 1) * pp : n);
	to = from + pp < n ? from + pp : n;
	if (to - from == asked)
		return 0;
	for (it = cJSON_IsArray(ids) ? ids->child : ids; it; it = cJSON_IsArray(ids) ? it->next : NULL) {
		int64_t id = value_id(it);
		int on = 0;

		for (i = from; i < to; i++)
			on |= rows[i].id == id;
		if (!on && len < sizeof(msg) - 1) {
			if (cJSON_IsString(it))
				len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s", k++ ? "," : "",
							it->valuestring);
			else
				len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%" PRId64, k++ ? "," : "", id);
		}
	}
	sim_reply_message(rs, 400, msg);
	return 1;
}

struct list_ctx {
	struct sim_req *rq;
	const struct render_opts *o;
};

static cJSON *render_listed(void *ctx, const cJSON *a)
{
	const struct list_ctx *lc = ctx;

	return render_assignment(lc->rq, lc->rq->course, a, lc->o);
}

static void list_assignments(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *arr = sim_course_kind(rq->course, "assignments"), *a;
	const cJSON *ids = get(rq->q, "assignment_ids");
	const char *term = sim_query(rq, "search_term"), *order = sim_query(rq, "order_by");
	struct render_opts o = { sim_query_has(rq, "include", "overrides"),
				 sim_query_has(rq, "include", "all_dates"),
				 sim_query_bool(rq, "override_assignment_dates", 1),
				 sim_query_has(rq, "include", "checkpoints") };
	struct row *rows;
	struct sim_list *kept;
	const cJSON *groups;
	int n = 0, i, by_name, by_due;

	if (cJSON_IsArray(ids) && cJSON_GetArraySize(ids) > MAX_IDS) {
		sim_reply_message(rs, 400, "Request contains too many assignment_ids.  Limit 100");
		return;
	}
	if (!ids && (kept = sim_list_cached(rq))) {
		/* the next page of a listing: its rows as collected and sorted for an earlier page */
		struct list_ctx lc = { rq, &o };

		sim_reply_list_kept(rq, rs, kept, render_listed, &lc, PAGING_NUMBERED);
		return;
	}
	rows = xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*rows));
	by_name = order && !strcmp(order, "name");
	by_due = !by_name && order && !strcmp(order, "due_at");
	groups = get(rq->course, "assignment_groups");
	/* each row reads what its order compares, and each key once (i18/simlook: the groups were
	 * sought in the course, the id and the name twice, and every due date parsed, per assignment) */
	cJSON_ArrayForEach(a, arr) {
		struct row *r = &rows[n];
		const char *name = term || by_name ? sim_str(a, "name") : NULL;

		r->id = sim_id(a);
		if (ids && !id_listed(ids, r->id))
			continue;
		if (term && !sim_icontains(name, term))
			continue;
		r->a = a;
		r->gpos = group_position(groups, a);
		r->pos = position_of(a);
		r->name = name ? name : "";
		if (by_due)
			r->has_due = get_date(a, "due_at", &r->due);
		n++;
	}
	if (by_name)
		qsort(rows, (size_t)n, sizeof(*rows), cmp_name);
	else if (by_due)
		qsort(rows, (size_t)n, sizeof(*rows), cmp_due);
	else
		qsort(rows, (size_t)n, sizeof(*rows), cmp_position);
	if (ids && ids_short(rq, rs, ids, rows, n)) {
		free(rows);
		return;
	}
	{
		const cJSON **items = xmalloc(((size_t)n + 1) * sizeof(*items));
		struct list_ctx lc = { rq, &o };

		for (i = 0; i < n; i++)
			items[i] = rows[i].a;
		free(rows);
		sim_reply_list_kept(rq, rs, sim_list_keep(rq, items, n), render_listed, &lc, PAGING_NUMBERED);
	}
}

static void get_assignment(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *a = find_assignment(rq->course, sim_param(rq, "id"));
	/* on show the switch is all_dates=true, not include[]=all_dates (API.md 5.1) */
	struct render_opts o = { sim_query_has(rq, "include", "overrides"), sim_query_bool(rq, "all_dates", 0),
				 sim_query_bool(rq, "override_assignment_dates", 1),
				 sim_query_has(rq, "include", "checkpoints") };

	if (!a) {
		sim_reply_not_found(rs);
		return;
	}
	sim_reply_json(rs, 200, render_assignment(rq, rq->course, a, &o));
}

static const struct render_opts saved_opts = { 0, 0, 0, 0 };

/* Commit `copy` in place of `a` (freed); mirrors, module items and notifications; returns the
 * stored copy. */
static cJSON *commit_assignment(struct sim *s, cJSON *course, cJSON *a, cJSON *copy, int notify_update)
{
	const cJSON *ov;
	int items = !sim_same_value(get(a, "name"), get(copy, "name")) ||
		    is_published(a) != is_published(copy);

	notify_due(s, course, copy, "assignment", sim_id(copy), a, copy);
	cJSON_ArrayForEach(ov, get(copy, "overrides")) {
		const cJSON *old = sim_find_id_num(get(a, "overrides"), sim_id(ov));

		if (!old || !cJSON_Compare(old, ov, 1))
			notify_override(s, course, copy, old, ov);
	}
	if (notify_update && is_published(copy) && course_available(course))
		sim_notify(s, "assignment_changed", course, "assignment", sim_id(copy), NULL);
	cJSON_ReplaceItemViaPointer(sim_course_kind(course, "assignments"), a, copy);
	if (items) {
		/* renamed or (un)published: the module items follow (ContentTag.update_for). The sync
		 * reads only the published flag, so store the state is_published() derives. */
		sim_set(copy, "published", cJSON_CreateBool(is_published(copy)));
		sim_module_items_sync(course, "assignments", copy, NULL);
	}
	mirror_linked(course, copy);
	return copy;
}

static void put_assignment(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *a = find_assignment(rq->course, sim_param(rq, "id")), *w, *copy, *errs;
	const cJSON *pos;

	if (!a) {
		sim_reply_not_found(rs);
		return;
	}
	w = sim_body_wrapper(rq, "assignment");
	if (!w || !cJSON_GetArraySize(w)) {
		sim_reply_missing(rs, "assignment");
		return;
	}
	copy = cJSON_Duplicate(a, 1);
	errs = cJSON_CreateObject();
	if (assignment_apply(rq, rq->course, a, copy, w, errs)) {
		cJSON_Delete(copy);
		sim_reply_errors(rs, 400, errs);
		return;
	}
	/* a closed grading period: 403 with the errors (AssignmentsApiController#update) */
	if (!token_admin(rq) && check_grading_periods(rq->course, a, copy, errs, NULL)) {
		cJSON_Delete(copy);
		sim_reply_errors(rs, 403, errs);
		return;
	}
	cJSON_Delete(errs);
	if (!cJSON_Compare(a, copy, 1) || sim_bool(w, "force_updated_at", 0))
		sim_touch(copy);
	pos = get(w, "position");
	a = commit_assignment(rq->sim, rq->course, a, copy, sim_bool(w, "notify_of_update", 0));
	if (pos && value_id(pos) >= 0)
		reposition(rq->course, a, value_id(pos));
	sim_reply_json(rs, 200, render_assignment(rq, rq->course, a, &saved_opts));
}

static void create_assignment(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *arr = sim_course_kind(rq->course, "assignments"), *w = sim_body_wrapper(rq, "assignment");
	cJSON *a, *blank, *errs, *it;
	const cJSON *groups = get(rq->course, "assignment_groups");
	char when[21];
	double maxpos = 0;

	if (!w || !cJSON_GetArraySize(w)) {
		sim_reply_missing(rs, "assignment");
		return;
	}
	errs = cJSON_CreateObject();
	if (!present(get(w, "name"))) {
		sim_errors_add(errs, "name", "can't be blank");
		sim_reply_errors(rs, 400, errs);
		return;
	}
	blank = cJSON_CreateObject();
	a = cJSON_CreateObject();
	sim_add_id(a, "id", sim_new_id(rq->sim));
	sim_add_id(a, "course_id", sim_id(rq->course));
	if (cJSON_IsArray(groups) && cJSON_GetArraySize(groups))
		sim_add_id(a, "assignment_group_id", sim_id(cJSON_GetArrayItem(groups, 0)));
	/* new API assignments are unpublished unless asked (draft state) */
	cJSON_AddFalseToObject(a, "published");
	cJSON_AddStringToObject(a, "workflow_state", "unpublished");
	cJSON_AddItemToObject(a, "submission_types", cJSON_Parse("[\"none\"]"));
	sim_time_now(when);
	cJSON_AddStringToObject(a, "created_at", when);
	cJSON_AddStringToObject(a, "updated_at", when);
	if (assignment_apply(rq, rq->course, blank, a, w, errs)) {
		cJSON_Delete(a);
		cJSON_Delete(blank);
		sim_reply_errors(rs, 400, errs);
		return;
	}
	cJSON_Delete(blank);
	/* #grading_periods_allow_submittable_create?: a new graded assignment due in a closed period
	 * (no due date: the period that ends last) is 403 for a teacher */
	if (!token_admin(rq) && cJSON_GetArraySize(get(rq->course, "grading_periods")) && graded(a) &&
	    !sim_bool(a, "only_visible_to_overrides", 0) && date_in_closed(rq->course, a)) {
		cJSON_Delete(a);
		sim_errors_add(errs, "due_at", "Cannot set the due date to a date within a closed grading period");
		sim_reply_errors(rs, 403, errs);
		return;
	}
	cJSON_Delete(errs);
	if (!get(a, "position")) {
		int64_t group = value_id(get(a, "assignment_group_id"));

		cJSON_ArrayForEach(it, arr)
			if (value_id(get(it, "assignment_group_id")) == group &&
			    cJSON_IsNumber(get(it, "position")) && position_of(it) > maxpos)
				maxpos = position_of(it);
		cJSON_AddNumberToObject(a, "position", maxpos + 1);
	}
	cJSON_AddItemToArray(arr, a);
	sim_reply_json(rs, 201, render_assignment(rq, rq->course, a, &saved_opts));
}

static void delete_assignment(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *a = find_assignment(rq->course, sim_param(rq, "id")), *out;

	if (!a) {
		sim_reply_not_found(rs);
		return;
	}
	/* blueprint-locked content cannot be deleted in the child course: a permission error */
	if (any_locked(a)) {
		sim_reply_unauthorized(rq, rs);
		return;
	}
	out = render_assignment(rq, rq->course, a, &saved_opts);
	sim_set_str(out, "workflow_state", "deleted");
	sim_set(out, "published", cJSON_CreateFalse());
	cJSON_Delete(cJSON_DetachItemViaPointer(sim_course_kind(rq->course, "assignments"), a));
	sim_reply_json(rs, 200, out);
}

/* ---------------------------------------------------------------- overrides: handlers */

static cJSON *override_assignment(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *a = find_assignment(rq->course, sim_param(rq, "assignment_id"));

	if (!a)
		sim_reply_not_found(rs);
	return a;
}

/* The override :id of the assignment :assignment_id (*a is set to the assignment), or NULL after
 * the 404 for either. */
static cJSON *find_override(struct sim_req *rq, struct sim_resp *rs, cJSON **a)
{
	cJSON *ov;

	*a = override_assignment(rq, rs);
	if (!*a)
		return NULL;
	ov = sim_find_id(get(*a, "overrides"), sim_param(rq, "id"));
	if (!ov)
		sim_reply_not_found(rs);
	return ov;
}

static void list_overrides(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *a = override_assignment(rq, rs), *all;
	const cJSON *ov;

	if (!a)
		return;
	all = cJSON_CreateArray();
	cJSON_ArrayForEach(ov, get(a, "overrides"))
		cJSON_AddItemToArray(all, render_override(rq->sim, rq->course, a, ov));
	sim_reply_list(rq, rs, all, PAGING_NUMBERED);
}

static void get_override(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *a, *ov = find_override(rq, rs, &a);

	if (!ov)
		return;
	sim_reply_json(rs, 200, render_override(rq->sim, rq->course, a, ov));
}

static void reply_taken(struct sim_resp *rs)
{
	cJSON *errs = cJSON_CreateObject();

	sim_errors_add(errs, "set_id", "has already been taken");
	sim_reply_errors(rs, 400, errs);
}

/* Apply the request's assignment_override[...] (absent: no changes) to `ov`. Returns 0, or -1
 * after the 400 with the error strings. */
static int override_from_body(struct sim_req *rq, struct sim_resp *rs, const cJSON *a, cJSON *ov)
{
	cJSON *data = sim_body_wrapper(rq, "assignment_override"), *empty = NULL;
	cJSON *errors = cJSON_CreateArray();

	if (!data)
		data = empty = cJSON_CreateObject();
	override_apply(rq->sim, rq->course, a, ov, data, errors);
	cJSON_Delete(empty);
	if (cJSON_GetArraySize(errors)) {
		sim_reply_errors(rs, 400, errors);
		return -1;
	}
	cJSON_Delete(errors);
	return 0;
}

static void create_override(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *a = override_assignment(rq, rs), *ov;

	if (!a)
		return;
	ov = cJSON_CreateObject();
	sim_add_id(ov, "id", sim_new_id(rq->sim));
	if (override_from_body(rq, rs, a, ov)) {
		cJSON_Delete(ov);
		return;
	}
	if (set_taken(a, ov)) {
		cJSON_Delete(ov);
		reply_taken(rs);
		return;
	}
	cJSON_AddItemToArray(overrides_of(a), ov);
	sim_touch(a);
	notify_override(rq->sim, rq->course, a, NULL, ov);
	sim_reply_json(rs, 201, render_override(rq->sim, rq->course, a, ov));
}

static void put_override(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *a, *ov = find_override(rq, rs, &a), *copy;

	if (!ov)
		return;
	copy = cJSON_Duplicate(ov, 1);
	if (override_from_body(rq, rs, a, copy)) {
		cJSON_Delete(copy);
		return;
	}
	notify_override(rq->sim, rq->course, a, ov, copy);
	if (!cJSON_Compare(ov, copy, 1))
		sim_touch(a);
	cJSON_ReplaceItemViaPointer(get(a, "overrides"), ov, copy);
	sim_reply_json(rs, 200, render_override(rq->sim, rq->course, a, copy));
}

static void delete_override(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *a, *ov = find_override(rq, rs, &a), *out;

	if (!ov)
		return;
	out = render_override(rq->sim, rq->course, a, ov);
	cJSON_Delete(cJSON_DetachItemViaPointer(get(a, "overrides"), ov));
	sim_touch(a);
	sim_reply_json(rs, 200, out);
}

/* GET .../assignments/overrides?assignment_overrides[][id]=..&assignment_overrides[][assignment_id]=.. */
static void batch_get_overrides(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *list = as_list(get(rq->q, "assignment_overrides")), *req, *out;

	if (!list || !cJSON_GetArraySize(list)) {
		cJSON_Delete(list);
		sim_reply_errors(rs, 400, one_string("no assignment_overrides values present"));
		return;
	}
	cJSON_ArrayForEach(req, list) {
		if (!cJSON_IsObject(req) || !get(req, "id") || !get(req, "assignment_id")) {
			cJSON_Delete(list);
			sim_reply_errors(rs, 400, one_string("must specify an array with entry format "
							     "{ id, assignment_id }"));
			return;
		}
	}
	out = cJSON_CreateArray();
	cJSON_ArrayForEach(req, list) {
		cJSON *a = course_assignment(rq->course, get(req, "assignment_id"));
		cJSON *ov = a ? sim_find_id_num(get(a, "overrides"), value_id(get(req, "id"))) : NULL;

		if (ov)
			cJSON_AddItemToArray(out, render_override(rq->sim, rq->course, a, ov));
		else
			cJSON_AddItemToArray(out, cJSON_CreateNull());
	}
	cJSON_Delete(list);
	sim_reply_json(rs, 200, out);
}

/* POST/PUT .../assignments/overrides: all or nothing, errors one slot per input (API.md 1.3 item 4). */
static void batch_edit_overrides(struct sim_req *rq, struct sim_resp *rs, int is_update)
{
	cJSON *raw = cJSON_IsObject(rq->body) ? get(rq->body, "assignment_overrides") : NULL;
	cJSON *list = as_list(raw), *all_errors, *it, *copies, *out;
	int n, i, bad = 0;

	if (!present(raw) || !list) {
		cJSON_Delete(list);
		sim_reply_errors(rs, 400, cJSON_CreateStringArray((const char *[]){
						present(raw) ? "must specify an array of overrides"
							     : "no assignment override data present" }, 1));
		return;
	}
	n = cJSON_GetArraySize(list);
	all_errors = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateArray();

		it = cJSON_GetArrayItem(list, i);
		if (!present(get(it, "assignment_id")))
			cJSON_AddItemToArray(e, cJSON_CreateString("must specify an assignment id"));
		if (is_update && !present(get(it, "id")))
			cJSON_AddItemToArray(e, cJSON_CreateString("must specify an override id"));
		if (!is_update && present(get(it, "id")))
			cJSON_AddItemToArray(e, cJSON_CreateString("may not specify an override id"));
		if (cJSON_GetArraySize(e)) {
			bad = 1;
			cJSON_AddItemToArray(all_errors, e);
		} else {
			cJSON_Delete(e);
			cJSON_AddItemToArray(all_errors, cJSON_CreateNull());
		}
	}
	if (bad) {
		cJSON_Delete(list);
		sim_reply_errors(rs, 400, all_errors);
		return;
	}
	/* interpret every element against a scratch copy */
	copies = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		cJSON *a, *old = NULL, *ov, *e = cJSON_CreateArray();

		it = cJSON_GetArrayItem(list, i);
		a = course_assignment(rq->course, get(it, "assignment_id"));
		if (a && is_update)
			old = sim_find_id_num(get(a, "overrides"), value_id(get(it, "id")));
		if (!a) {
			cJSON_AddItemToArray(e, cJSON_CreateString("assignment not found"));
			ov = cJSON_CreateNull();
		} else if (is_update && !old) {
			cJSON_AddItemToArray(e, cJSON_CreateString("override not found"));
			ov = cJSON_CreateNull();
		} else {
			ov = old ? cJSON_Duplicate(old, 1) : cJSON_CreateObject();
			if (!old)
				sim_add_id(ov, "id", sim_new_id(rq->sim));
			override_apply(rq->sim, rq->course, a, ov, it, e);
		}
		cJSON_AddItemToArray(copies, ov);
		if (cJSON_GetArraySize(e)) {
			bad = 1;
			cJSON_ReplaceItemInArray(all_errors, i, e);
		} else {
			cJSON_Delete(e);
		}
	}
	if (bad) {
		cJSON_Delete(copies);
		cJSON_Delete(list);
		sim_reply_errors(rs, 400, all_errors);
		return;
	}
	cJSON_Delete(all_errors);
	/* commit */
	out = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		cJSON *a, *old, *ov = cJSON_DetachItemFromArray(copies, 0);

		it = cJSON_GetArrayItem(list, i);
		a = course_assignment(rq->course, get(it, "assignment_id"));
		old = sim_find_id_num(get(a, "overrides"), sim_id(ov));
		notify_override(rq->sim, rq->course, a, old, ov);
		if (old)
			cJSON_ReplaceItemViaPointer(get(a, "overrides"), old, ov);
		else
			cJSON_AddItemToArray(overrides_of(a), ov);
		sim_touch(a);
		cJSON_AddItemToArray(out, render_override(rq->sim, rq->course, a, ov));
	}
	cJSON_Delete(copies);
	cJSON_Delete(list);
	sim_reply_json(rs, 200, out);
}

static void batch_update_overrides(struct sim_req *rq, struct sim_resp *rs)
{
	batch_edit_overrides(rq, rs, 1);
}

static void batch_create_overrides(struct sim_req *rq, struct sim_resp *rs)
{
	batch_edit_overrides(rq, rs, 0);
}

/* ---------------------------------------------------------------- bulk_update */

/* A date of a bulk entry: a string that does not parse is cast to nil, as Rails' type casting
 * does (there is no regex check on this path). Sets obj[key]; fancy midnight when asked. */
static void bulk_set_date(struct sim *s, cJSON *obj, const char *key, const cJSON *v, int fancy)
{
	time_t t;

	if (!cJSON_IsString(v) || sim_time_parse(v->valuestring, sim_user_zone(s), 0, &t)) {
		sim_set(obj, key, cJSON_CreateNull());
		return;
	}
	set_time(obj, key, 0, fancy ? sim_time_fancy_midnight(t, sim_user_zone(s)) : t);
}

/* Step 1 of Assignment::BulkUpdate#run for one element: merge its all_dates into *copy (a new
 * duplicate of the assignment *a). Returns NULL, or the malloced message of a RecordNotFound. */
static char *bulk_merge(struct sim *s, cJSON *course, const cJSON *el, cJSON **a, cJSON **copy)
{
	const cJSON *d;
	size_t i;
	char *ins, *msg;

	*copy = NULL;
	*a = sim_find_id_num(sim_course_kind(course, "assignments"), value_id(get(el, "id")));
	if (!*a) {
		ins = inspect(get(el, "id"));
		msg = xasprintf("invalid assignment id %s", ins);
		free(ins);
		return msg;
	}
	*copy = cJSON_Duplicate(*a, 1);
	cJSON_ArrayForEach(d, get(el, "all_dates")) {
		cJSON *ov;

		if (sim_bool(d, "base", 0)) {
			/* the base entry assigns only the keys it has */
			for (i = 0; i < NDATES; i++) {
				const cJSON *v = get(d, date_keys[i]);

				if (!v)
					continue;
				/* assign_attributes and save: no Assignment#infer_times on this path, so no fancy
				 * midnight on the base dates (the overrides' setters below do it) */
				bulk_set_date(s, *copy, date_keys[i], v, 0);
			}
			continue;
		}
		ov = sim_find_id_num(get(*copy, "overrides"), value_id(get(d, "id")));
		if (!ov) {
			/* the message interpolates the id as given: no quotes */
			ins = inspect(get(d, "id"));
			msg = xasprintf("invalid assignment override id %s for assignment %" PRId64,
					cJSON_IsString(get(d, "id")) ? get(d, "id")->valuestring : ins,
					sim_id(*a));
			free(ins);
			cJSON_Delete(*copy);
			*copy = NULL;
			return msg;
		}
		/* an override entry un-overrides every date it does not carry */
		for (i = 0; i < NDATES; i++) {
			if (get(d, date_keys[i]))
				bulk_set_date(s, ov, date_keys[i], get(d, date_keys[i]), i != 1);
			else
				cJSON_DeleteItemFromObjectCaseSensitive(ov, date_keys[i]);
		}
	}
	return NULL;
}

/* Step 2: the errors of one changed assignment and its overrides, as rows of plain strings. */
static void bulk_validate(const cJSON *course, int admin, const cJSON *a, const cJSON *copy, cJSON *results)
{
	cJSON *errs = cJSON_CreateObject(), *row, *e, *m, *msgs, *gprows = cJSON_CreateArray();

	if (!admin)
		check_grading_periods(course, a, copy, errs, gprows);
	check_assignment_dates(copy, errs);
	check_blueprint(a, copy, errs);
	if (cJSON_GetArraySize(errs)) {
		row = cJSON_CreateObject();
		sim_add_id(row, "assignment_id", sim_id(copy));
		cJSON_ArrayForEach(e, errs) {
			msgs = cJSON_AddArrayToObject(row, e->string);
			cJSON_ArrayForEach(m, e)
				cJSON_AddItemToArray(msgs, cJSON_CreateString(sim_str(m, "message")));
		}
		cJSON_AddItemToArray(results, row);
	}
	cJSON_Delete(errs);
	/* no date order check on the overrides: AssignmentOverride validates none (see the top) */
	while (cJSON_GetArraySize(gprows))
		cJSON_AddItemToArray(results, cJSON_DetachItemFromArray(gprows, 0));
	cJSON_Delete(gprows);
}

/* The sim_job_fn behind the Progress: Assignment::BulkUpdate#run. */
static void bulk_job(struct sim *s, cJSON *progress, cJSON *payload)
{
	cJSON *course = sim_find_id_num(get(s->state, "courses"), value_id(get(payload, "course_id")));
	cJSON *data = get(payload, "data"), *el, *results, *res;
	cJSON **olds = NULL, **news = NULL;
	int n = 0, i;
	char *msg = NULL;

	if (!course) {
		sim_progress_finish(progress, 0, cJSON_Parse("{\"message\":\"course not found\"}"));
		return;
	}
	olds = xcalloc((size_t)cJSON_GetArraySize(data) + 1, sizeof(*olds));
	news = xcalloc((size_t)cJSON_GetArraySize(data) + 1, sizeof(*news));
	/* 1. merge in memory; an unknown id fails the whole job before anything is checked */
	cJSON_ArrayForEach(el, data) {
		cJSON *a, *copy;

		if (!present(get(el, "all_dates")))
			continue;
		msg = bulk_merge(s, course, el, &a, &copy);
		if (msg)
			break;
		if (cJSON_Compare(a, copy, 1)) {
			cJSON_Delete(copy);
			continue;
		}
		olds[n] = a;
		news[n++] = copy;
	}
	if (msg) {
		res = cJSON_CreateObject();
		cJSON_AddStringToObject(res, "message", msg);
		sim_progress_finish(progress, 0, res);
		goto done;
	}
	/* 2. validate everything; 3. save nothing unless all is valid */
	results = cJSON_CreateArray();
	for (i = 0; i < n; i++)
		bulk_validate(course, sim_bool(payload, "admin", 0), olds[i], news[i], results);
	if (cJSON_GetArraySize(results)) {
		sim_progress_finish(progress, 0, results);
		goto done;
	}
	cJSON_Delete(results);
	for (i = 0; i < n; i++) {
		sim_touch(news[i]);
		commit_assignment(s, course, olds[i], news[i], 0);
		news[i] = NULL;   /* now in the state */
	}
	res = cJSON_CreateObject();
	cJSON_AddNumberToObject(res, "updated_count", n);
	sim_progress_finish(progress, 1, res);
done:
	for (i = 0; i < n; i++)
		cJSON_Delete(news[i]);
	free(olds);
	free(news);
	free(msg);
}

static void bulk_update(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *arr = sim_course_kind(rq->course, "assignments"), *el, *a, *payload, *data;
	int n, found = 0;

	/* Rails puts a top-level JSON array in _json; nothing else can carry it */
	if (!rq->body_is_json || !cJSON_IsArray(rq->body)) {
		sim_reply_message(rs, 400, "expected array");
		return;
	}
	n = cJSON_GetArraySize(rq->body);
	cJSON_ArrayForEach(el, rq->body) {
		if (!present(get(el, "id"))) {
			sim_reply_message(rs, 400, "missing assignment id");
			return;
		}
	}
	/* the found count must equal the request length: an unknown or repeated id is a 404 */
	cJSON_ArrayForEach(a, arr) {
		cJSON_ArrayForEach(el, rq->body) {
			if (value_id(get(el, "id")) == sim_id(a)) {
				found++;
				break;
			}
		}
	}
	if (found != n) {
		sim_reply_not_found(rs);
		return;
	}
	/* permitted keys only: id, all_dates[] of id/base/due_at/unlock_at/lock_at */
	data = cJSON_CreateArray();
	cJSON_ArrayForEach(el, rq->body) {
		cJSON *e = cJSON_CreateObject(), *dates, *d;
		static const char *const keys[] = { "id", "base", "due_at", "unlock_at", "lock_at" };
		size_t k;

		cJSON_AddItemToObject(e, "id", cJSON_Duplicate(get(el, "id"), 1));
		if (cJSON_IsArray(get(el, "all_dates"))) {
			dates = cJSON_AddArrayToObject(e, "all_dates");
			cJSON_ArrayForEach(d, get(el, "all_dates")) {
				cJSON *f = cJSON_CreateObject();

				for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
					const cJSON *v = get(d, keys[k]);

					if (v)
						cJSON_AddItemToObject(f, keys[k], cJSON_Duplicate(v, 1));
				}
				cJSON_AddItemToArray(dates, f);
			}
		}
		cJSON_AddItemToArray(data, e);
	}
	payload = cJSON_CreateObject();
	sim_add_id(payload, "course_id", sim_id(rq->course));
	cJSON_AddItemToObject(payload, "data", data);
	cJSON_AddBoolToObject(payload, "admin", token_admin(rq));
	sim_reply_json(rs, 200, sim_progress_new(rq, "assignment_bulk_update", payload, bulk_job));
}

/* ---------------------------------------------------------------- checkpoint dates */

/* The checkpoints (sub-assignments) of a graded discussion, by tag, and the date_details
 * parameter that carries each one's due date (LearningObjectDatesController#prepare_checkpoints_dates). */
static const char *const ckpt_tags[2] = { "reply_to_topic", "reply_to_entry" };
static const char *const ckpt_params[2] = { "reply_to_topic_due_at", "required_replies_due_at" };

static cJSON *checkpoint_of(const cJSON *a, const char *tag)
{
	cJSON *c;

	cJSON_ArrayForEach(c, get(a, "checkpoints"))
		if (sim_str(c, "tag") && !strcmp(sim_str(c, "tag"), tag))
			return c;
	return NULL;
}

/* A date parameter of the body: 0 absent (unchanged), 1 with *v (null or "" clears), -1 unreadable. */
static int ckpt_date(struct sim_req *rq, const char *key, cJSON **v)
{
	const cJSON *p = get(rq->body, key);
	time_t t;
	char b[21];

	if (!p)
		return 0;
	if (cJSON_IsNull(p) || (cJSON_IsString(p) && !*p->valuestring)) {
		*v = cJSON_CreateNull();
		return 1;
	}
	if (!cJSON_IsString(p) || sim_time_parse(p->valuestring, sim_user_zone(rq->sim), 0, &t))
		return -1;
	sim_time_format(t, b);
	*v = cJSON_CreateString(b);
	return 1;
}

/* ---------------------------------------------------------------- checkpoint overrides
 *
 * A checkpointed discussion's overrides (issue 15; canvas-lms app/services/checkpoints/): each
 * checkpoint (sub-assignment) holds its own overrides with the dates ("child" overrides, with
 * parent_override_id), and the parent assignment holds one "shell" override per target, whose
 * dates are overridden to nil (Checkpoints::DateOverrider#apply_overridden_dates, shell_override:
 * "only exists so that assignment visibility can be correctly determined"). Listed with
 * include[]=checkpoints inside each checkpoint (Checkpoint#as_json -> assignment_overrides_json),
 * the shells in the parent's own overrides. Written by PUT .../date_details
 * (LearningObjectDatesController#prepare_checkpoints_dates): each assignment_overrides[] entry names
 * the PARENT override by id (AssignmentOverride.find: an unknown id is 404), its target
 * (student_ids, course_section_id, group_id), unlock_at, lock_at, and reply_to_topic_due_at /
 * required_replies_due_at as the due date of the checkpoint of that tag. Then per checkpoint
 * (Checkpoints::DiscussionCheckpointUpdaterService#find_checkpoint): 1. its overrides not named are
 * deleted, with their parent overrides; 2. the named ones are updated (DateOverrideUpdaterService:
 * a section or student override needs its target sent, "set_id is required" / "student_ids is
 * required"; only the date keys sent are overridden, the others stay; the parent shell follows the
 * target and takes nil for the keys sent); 3. entries without a child are created, under the parent
 * override of that target or a new shell (SectionOverrideCreatorService#parent_override). Dates
 * go through AssignmentOverride#due_at= / #lock_at=: fancy midnight in the user's zone.
 */

struct ckpt_entry {
	const cJSON *e;
	int64_t pid;            /* the parent override named, or -1 */
	int64_t child[2];       /* its child in each checkpoint, or -1 */
};

static const char *const set_keys[] = { "student_ids", "course_section_id", "group_id" };

/* The target key an override or entry carries, or NULL. */
static const char *set_key_of(const cJSON *o)
{
	size_t k;

	for (k = 0; k < 3; k++)
		if (get(o, set_keys[k]) && !cJSON_IsNull(get(o, set_keys[k])))
			return set_keys[k];
	return NULL;
}

static void copy_set(cJSON *dst, const cJSON *e, const char *key)
{
	size_t k;

	for (k = 0; k < 3; k++)
		cJSON_DeleteItemFromObjectCaseSensitive(dst, set_keys[k]);
	if (!strcmp(key, "student_ids")) {
		cJSON *ids = cJSON_CreateArray(), *v;

		cJSON_ArrayForEach(v, get(e, key))
			if (value_id(v) >= 0)
				cJSON_AddItemToArray(ids, sim_id_item(value_id(v)));
		sim_set(dst, key, ids);
	} else {
		sim_set(dst, key, sim_id_item(value_id(get(e, key))));
	}
}

static void set_title(const cJSON *course, cJSON *o, const char *key)
{
	const cJSON *sec;
	char *t;

	if (!strcmp(key, "student_ids")) {
		t = students_title(cJSON_GetArraySize(get(o, key)));
		sim_set_str(o, "title", t);
		free(t);
		return;
	}
	sec = !strcmp(key, "course_section_id") ? sim_find_id_num(get(course, "sections"), value_id(get(o, key))) : NULL;
	if (sim_str(sec, "name")) {
		sim_set_str(o, "title", sim_str(sec, "name"));
	} else if (!sim_str(o, "title")) {
		t = xasprintf("%s %" PRId64, !strcmp(key, "group_id") ? "Group" : "Section", value_id(get(o, key)));
		sim_set_str(o, "title", t);
		free(t);
	}
}

/* The dates of entry e on override o (Checkpoints::DateOverrider): the keys sent, as values (a
 * child) or nil (a shell); fancy midnight on due_at and lock_at. 0, or -1 for an unreadable date. */
static int ckpt_override_dates(struct sim *s, cJSON *o, const cJSON *e, int tag, int shell)
{
	const char *from[NDATES] = { ckpt_params[tag], "unlock_at", "lock_at" };
	const cJSON *v;
	time_t t;
	int i;

	for (i = 0; i < NDATES; i++) {
		if (!(v = get(e, from[i])))
			continue;
		if (shell || !present(v)) {
			sim_set(o, date_keys[i], cJSON_CreateNull());
			continue;
		}
		if (!cJSON_IsString(v) || sim_time_parse(v->valuestring, sim_user_zone(s), 0, &t))
			return -1;
		set_time(o, date_keys[i], 0, i != 1 ? sim_time_fancy_midnight(t, sim_user_zone(s)) : t);
	}
	return 0;
}

/* The parent override of a's targeting what entry e targets (key), or NULL. */
static cJSON *parent_for_set(cJSON *a, const cJSON *e, const char *key)
{
	cJSON *o;

	cJSON_ArrayForEach(o, get(a, "overrides")) {
		if (!get(o, key))
			continue;
		/* AdhocOverrideCommonService#existing_parent_adhoc_override: the first ADHOC one */
		if (!strcmp(key, "student_ids") || value_id(get(o, key)) == value_id(get(e, key)))
			return o;
	}
	return NULL;
}

static void delete_by_id(cJSON *arr, int64_t id)
{
	cJSON *o = sim_find_id_num(arr, id);

	if (o)
		cJSON_Delete(cJSON_DetachItemViaPointer(arr, o));
}

/* Applies the request's assignment_overrides[] to the checkpoints of a (a copy). Returns 404 for
 * an unknown parent override id (nothing changed), else 0 with any errors added to errs. */
static int ckpt_overrides(struct sim_req *rq, cJSON *a, cJSON *errs)
{
	const cJSON *list = get(rq->body, "assignment_overrides"), *e;
	int n = cJSON_GetArraySize(list), i, j, tag;
	struct ckpt_entry *en = xcalloc((size_t)n + 1, sizeof(*en));
	cJSON *c, *o, *next, *kids, *parent;

	/* prepare_checkpoints_dates: each entry's children are found before anything changes */
	i = 0;
	cJSON_ArrayForEach(e, list) {
		en[i].e = e;
		en[i].pid = value_id(get(e, "id"));
		for (tag = 0; tag < 2; tag++) {
			en[i].child[tag] = -1;
			if (en[i].pid < 0 || !(c = checkpoint_of(a, ckpt_tags[tag])))
				continue;
			cJSON_ArrayForEach(o, get(c, "overrides"))
				if (value_id(get(o, "parent_override_id")) == en[i].pid)
					en[i].child[tag] = sim_id(o);
		}
		if (en[i].pid >= 0 && !sim_find_id_num(get(a, "overrides"), en[i].pid)) {
			free(en);
			return 404;
		}
		i++;
	}
	for (tag = 0; tag < 2; tag++) {
		if (!(c = checkpoint_of(a, ckpt_tags[tag])))
			continue;
		if (!cJSON_IsArray(kids = get(c, "overrides"))) {
			kids = cJSON_CreateArray();
			sim_set(c, "overrides", kids);
		}
		/* 1. the overrides not named go, with their parent overrides */
		for (o = kids->child; o; o = next) {
			next = o->next;
			for (j = 0; j < n && en[j].child[tag] != sim_id(o); j++)
				;
			if (j < n)
				continue;
			delete_by_id(get(a, "overrides"), value_id(get(o, "parent_override_id")));
			cJSON_Delete(cJSON_DetachItemViaPointer(kids, o));
		}
		for (j = 0; j < n; j++) {
			const char *key = set_key_of(en[j].e);

			o = en[j].child[tag] >= 0 ? sim_find_id_num(kids, en[j].child[tag]) : NULL;
			if (o) {   /* 2. update: the target must be sent again */
				if (!key || strcmp(key, set_key_of(o) ? set_key_of(o) : "")) {
					sim_errors_add(errs, "assignment_overrides", set_key_of(o) && !strcmp(set_key_of(o), "student_ids") ?
						       "student_ids is required, but was not provided" :
						       "set_id is required, but was not provided");
					continue;
				}
				parent = sim_find_id_num(get(a, "overrides"), value_id(get(o, "parent_override_id")));
				copy_set(o, en[j].e, key);
				set_title(rq->course, o, key);
			} else {   /* 3. create, under the target's parent override or a new shell */
				if (!key) {
					sim_errors_add(errs, "assignment_overrides", "set_type is required, but was not provided");
					continue;
				}
				if (!(parent = parent_for_set(a, en[j].e, key))) {
					if (!cJSON_IsArray(get(a, "overrides")))
						sim_set(a, "overrides", cJSON_CreateArray());
					parent = cJSON_CreateObject();
					sim_add_id(parent, "id", sim_new_id(rq->sim));
					cJSON_AddItemToArray(get(a, "overrides"), parent);
				}
				o = cJSON_CreateObject();
				sim_add_id(o, "id", sim_new_id(rq->sim));
				sim_add_id(o, "parent_override_id", sim_id(parent));
				cJSON_AddItemToArray(kids, o);
				copy_set(o, en[j].e, key);
				set_title(rq->course, o, key);
			}
			if (parent) {
				copy_set(parent, en[j].e, key);
				set_title(rq->course, parent, key);
				sim_set(parent, "assignment_id", sim_id_item(sim_id(a)));
				ckpt_override_dates(rq->sim, parent, en[j].e, tag, 1);
			}
			if (ckpt_override_dates(rq->sim, o, en[j].e, tag, 0) < 0)
				sim_errors_add(errs, "assignment_overrides", "is not a date");
		}
	}
	free(en);
	return 0;
}

/* PUT .../discussion_topics/:id/date_details of a checkpointed discussion: the sub-assignment
 * part of the Learning Object Dates API (LearningObjectDatesController#update ->
 * #update_checkpointed_assignment, #prepare_checkpoints_dates; Checkpoints::
 * DiscussionCheckpointUpdaterService and DiscussionCheckpointCommonService#date_fields). */
int sim_topic_checkpointed(cJSON *course, const cJSON *topic)
{
	cJSON *a = topic ? sim_linked_assignment(course, topic) : NULL;

	return a && cJSON_GetArraySize(get(a, "checkpoints")) > 0;
}

void sim_checkpoint_dates_put(struct sim_req *rq, struct sim_resp *rs, cJSON *topic)
{
	cJSON *a = topic ? sim_linked_assignment(rq->course, topic) : NULL, *copy, *errs, *v = NULL, *c;
	const char *shared[2] = { "unlock_at", "lock_at" };
	int i, k, r, ovto = sim_bool(rq->body, "only_visible_to_overrides", 0);
	char when[21];

	if (!a || !cJSON_GetArraySize(get(a, "checkpoints"))) {
		sim_reply_message(rs, 404, "canvas-sim models date_details here only for a checkpointed discussion");
		return;
	}
	copy = cJSON_Duplicate(a, 1);
	errs = cJSON_CreateObject();
	for (i = 0; i < 2; i++) {
		c = checkpoint_of(copy, ckpt_tags[i]);
		if (ovto) {   /* no "everyone" date: everyone_date is all nil */
			for (k = 0; c && k < NDATES; k++)
				sim_set(c, date_keys[k], cJSON_CreateNull());
			continue;
		}
		/* the "everyone" date of each checkpoint: only the keys sent (date_fields slices them) */
		if ((r = ckpt_date(rq, ckpt_params[i], &v)) < 0)
			sim_errors_add(errs, ckpt_params[i], "is not a date");
		else if (r && c)
			sim_set(c, "due_at", v);
		else if (r)
			cJSON_Delete(v);
		for (k = 0; k < 2; k++) {
			if ((r = ckpt_date(rq, shared[k], &v)) < 0) {
				if (!i)
					sim_errors_add(errs, shared[k], "is not a date");
			} else if (r && c) {
				sim_set(c, shared[k], v);
			} else if (r) {
				cJSON_Delete(v);
			}
		}
		if (c)
			check_assignment_dates(c, errs);
	}
	/* the checkpoints' overrides (with none sent, every one is deleted) */
	if (!cJSON_GetArraySize(errs) && ckpt_overrides(rq, copy, errs) == 404) {
		cJSON_Delete(copy);
		cJSON_Delete(errs);
		sim_reply_message(rs, 404, "The specified resource does not exist.");
		return;
	}
	if (cJSON_GetArraySize(errs)) {
		cJSON_Delete(copy);
		sim_reply_errors(rs, 400, errs);
		return;
	}
	cJSON_Delete(errs);
	/* SubAssignment#sync_with_parent: the parent takes the checkpoints' unlock_at and lock_at */
	c = checkpoint_of(copy, ckpt_tags[1]);
	for (k = 0; k < 2; k++)
		if ((get(rq->body, shared[k]) || ovto) && c)
			sim_set(copy, shared[k], sim_dup_or_null(c, shared[k]));
	/* DiscussionCheckpointCommonService#only_visible_to_overrides?, on each checkpoint and (by
	 * #update_assignment) on the parent: no "everyone" date and at least one override */
	ovto = ovto && cJSON_GetArraySize(get(rq->body, "assignment_overrides")) > 0;
	for (i = 0; i < 2; i++)
		if ((c = checkpoint_of(copy, ckpt_tags[i])) != NULL && (ovto || get(c, "only_visible_to_overrides")))
			sim_set(c, "only_visible_to_overrides", cJSON_CreateBool(ovto));
	if (ovto || get(copy, "only_visible_to_overrides"))
		sim_set(copy, "only_visible_to_overrides", cJSON_CreateBool(ovto));
	if (!cJSON_Compare(a, copy, 1)) {
		sim_time_format(time(NULL), when);
		sim_set_str(copy, "updated_at", when);
	}
	/* a checkpoint override whose due date changed notifies as any override does
	 * (AssignmentOverride#notify_change?; the checkpoint takes the parent's workflow_state) */
	for (i = 0; i < 2; i++) {
		const cJSON *old = checkpoint_of(a, ckpt_tags[i]), *o;

		if ((c = checkpoint_of(copy, ckpt_tags[i])) != NULL)
			cJSON_ArrayForEach(o, get(c, "overrides"))
				notify_override(rq->sim, rq->course, copy, sim_find_id_num(get(old, "overrides"), sim_id(o)), o);
	}
	cJSON_ReplaceItemViaPointer(sim_course_kind(rq->course, "assignments"), a, copy);
	/* prefer_assignment_availability_dates: the topic's own dates give way to the assignment's */
	if (sim_str(copy, "unlock_at")) {
		sim_set(topic, "delayed_post_at", cJSON_CreateNull());
		if (get(topic, "unlock_at"))
			sim_set(topic, "unlock_at", cJSON_CreateNull());
	}
	if (sim_str(copy, "lock_at"))
		sim_set(topic, "lock_at", cJSON_CreateNull());
	rs->status = 204;
}

/* ---------------------------------------------------------------- routes */

/* Literal segments ("overrides", "bulk_update") come before .../assignments/:id: the router takes
 * the first match in table order. */
#define ASG "/api/v1/courses/:course_id/assignments"

const struct sim_route sim_routes_assignments[] = {
	{ "GET", ASG "/overrides", batch_get_overrides, ROUTE_COURSE },
	{ "PUT", ASG "/overrides", batch_update_overrides, ROUTE_COURSE },
	{ "POST", ASG "/overrides", batch_create_overrides, ROUTE_COURSE },
	{ "PUT", ASG "/bulk_update", bulk_update, ROUTE_COURSE },
	{ "GET", "/api/v1/courses/:course_id/grading_periods", list_grading_periods, ROUTE_COURSE },
	{ "GET", ASG, list_assignments, ROUTE_COURSE },
	{ "POST", ASG, create_assignment, ROUTE_COURSE },
	{ "GET", ASG "/:id", get_assignment, ROUTE_COURSE },
	{ "PUT", ASG "/:id", put_assignment, ROUTE_COURSE },
	{ "DELETE", ASG "/:id", delete_assignment, ROUTE_COURSE },
	{ "GET", ASG "/:assignment_id/overrides", list_overrides, ROUTE_COURSE },
	{ "POST", ASG "/:assignment_id/overrides", create_override, ROUTE_COURSE },
	{ "GET", ASG "/:assignment_id/overrides/:id", get_override, ROUTE_COURSE },
	{ "PUT", ASG "/:assignment_id/overrides/:id", put_override, ROUTE_COURSE },
	{ "DELETE", ASG "/:assignment_id/overrides/:id", delete_override, ROUTE_COURSE },
	{ NULL, NULL, NULL, 0 },
};

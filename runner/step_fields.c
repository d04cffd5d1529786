/* runner/step_fields.c -- what each recipe action can change, and the check that a plan read back
 * holds nothing else (include/step.h step_field_allowed, include/plan.h plan_check_fields).
 *
 * Issue 13 case 6: a saved plan is data that apply runs, so a change appended to it by hand -- an
 * assignment's points_possible, which no recipe action touches -- must not be written just because
 * the file says so. Every change names the steps that made it (`steps`) and the plan records each
 * recipe step's action (`recipe_steps`), so apply can ask of each change: could a step of that
 * action have made it? The answer is this table, one row per (action, kind, op): the fields an
 * update (or move) may set, the fields a created object may carry, or that it may delete. It is
 * kept next to the steps (runner/step_<action>.c) and in step with them by tests/unit/unit-plan.c,
 * which runs the recipes of recipes/ and tests/fixtures over the fixture seeds and checks every
 * change they plan against it: a step that learns a new field fails that test until its row
 * learns it too.
 *
 * Rules of the check (plan_check_fields):
 *   - every step a change names is a step of the plan's recipe;
 *   - update, move, delete: each of its steps' actions has a row allowing (kind, op, field);
 *   - create: its first step's action can create the kind, and every field of the new object
 *     (`after`) is one that some step of the change can give it: a create row's field, or an
 *     update row's (a later step's change to a created object is folded into its create, step.h).
 * shift_dates moves every date field of every kind it reads, which is exactly resource.c's
 * date_fields: its row says "the kind's date fields" instead of repeating them; its text: switch
 * adds the names and HTML bodies of step_shift_dates.c's text_fields[], a row per kind (and the
 * same for schedule's text:, step_schedule.c's text_fields[]).
 *
 * What it cannot catch: a change of a field the recipe could produce, to a value it would not (an
 * `after` edited by hand); the digest (plan_digest.c) is what refuses that. Rejected: re-running
 * the recipe at apply time to compare (apply of a saved plan must not need the recipe, its
 * variables or Canvas as it was when planned).
 */
#include "step.h"

#include <stdio.h>
#include <string.h>

#include "resource.h"

#define F(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define OPS(x) (1u << (x))

struct field_row {
	const char *action;
	enum resource_kind kind;       /* RES_NKINDS: every kind */
	unsigned ops;                  /* OPS(PLAN_UPDATE) ... */
	const char *const *fields;     /* the fields; NULL: the kind's date fields (resource.c) */
};

static const struct field_row rows[] = {
	/* step_shift_dates.c: every date of the selected objects; with text: true the dates written in
	 * their names and HTML bodies (`text_fields[]`; a page's title is never written) */
	{ "shift_dates", RES_NKINDS, OPS(PLAN_UPDATE), NULL },
	{ "shift_dates", RES_PAGE, OPS(PLAN_UPDATE), F("body") },
	{ "shift_dates", RES_ASSIGNMENT, OPS(PLAN_UPDATE), F("name", "description") },
	{ "shift_dates", RES_QUIZ, OPS(PLAN_UPDATE), F("title", "description") },
	{ "shift_dates", RES_DISCUSSION_TOPIC, OPS(PLAN_UPDATE), F("title", "message") },
	{ "shift_dates", RES_ANNOUNCEMENT, OPS(PLAN_UPDATE), F("title", "message") },
	{ "shift_dates", RES_MODULE, OPS(PLAN_UPDATE), F("name") },
	{ "shift_dates", RES_MODULE_ITEM, OPS(PLAN_UPDATE), F("title") },
	{ "shift_dates", RES_COURSE, OPS(PLAN_UPDATE), F("syllabus_body") },
	/* step_schedule.c: the date fields its rules set, and the overrides that follow them; with
	 * text: the dates written in the claimed objects' names and bodies and the syllabus (its own
	 * `text_fields[]`, the kinds a rule can claim) */
	{ "schedule", RES_NKINDS, OPS(PLAN_UPDATE), NULL },
	{ "schedule", RES_PAGE, OPS(PLAN_UPDATE), F("body") },
	{ "schedule", RES_ASSIGNMENT, OPS(PLAN_UPDATE), F("name", "description") },
	{ "schedule", RES_QUIZ, OPS(PLAN_UPDATE), F("title", "description") },
	{ "schedule", RES_DISCUSSION_TOPIC, OPS(PLAN_UPDATE), F("title", "message") },
	{ "schedule", RES_MODULE, OPS(PLAN_UPDATE), F("name") },
	{ "schedule", RES_MODULE_ITEM, OPS(PLAN_UPDATE), F("title") },
	{ "schedule", RES_COURSE, OPS(PLAN_UPDATE), F("syllabus_body") },

	/* step_replace_text.c `kinds[]`: the HTML field and the title (name) of each kind in `in` */
	{ "replace_text", RES_PAGE, OPS(PLAN_UPDATE), F("body", "title", "url") },
	{ "replace_text", RES_ASSIGNMENT, OPS(PLAN_UPDATE), F("description", "name") },
	{ "replace_text", RES_COURSE, OPS(PLAN_UPDATE), F("syllabus_body") },
	{ "replace_text", RES_DISCUSSION_TOPIC, OPS(PLAN_UPDATE), F("message", "title") },
	{ "replace_text", RES_ANNOUNCEMENT, OPS(PLAN_UPDATE), F("message", "title") },
	{ "replace_text", RES_QUIZ, OPS(PLAN_UPDATE), F("description", "title") },

	/* step_pages.c: body, the set: fields, the front page moving; create: true. A page's url follows
	 * its title wherever a step renames it (Canvas's to_url, runner/pageurl.c): planned, never sent */
	{ "pages", RES_PAGE, OPS(PLAN_UPDATE),
	  F("body", "title", "url", "published", "front_page", "editing_roles", "todo_date", "publish_at") },
	{ "pages", RES_PAGE, OPS(PLAN_CREATE),
	  F("url", "title", "body", "published", "front_page", "editing_roles", "todo_date", "publish_at") },

	/* step_modules.c: set:, rename:, prerequisites, positions, ensure:, absent:, items */
	{ "modules", RES_MODULE, OPS(PLAN_UPDATE),
	  F("position", "name", "published", "unlock_at", "require_sequential_progress", "prerequisite_module_ids") },
	{ "modules", RES_MODULE, OPS(PLAN_CREATE), F("name", "position", "published") },
	{ "modules", RES_MODULE, OPS(PLAN_DELETE), F("") },
	{ "modules", RES_MODULE_ITEM, OPS(PLAN_UPDATE),
	  F("position", "title", "published", "completion_requirement", "indent") },
	{ "modules", RES_MODULE_ITEM, OPS(PLAN_MOVE), F("module_id") },
	{ "modules", RES_MODULE_ITEM, OPS(PLAN_CREATE),
	  F("module_id", "type", "title", "page_url", "content_id", "external_url", "position", "published") },
	{ "modules", RES_MODULE_ITEM, OPS(PLAN_DELETE), F("") },
	/* an item's published flag and title carry over to its content (update_asset_workflow_state!,
	 * update_asset_name!) */
	{ "modules", RES_ASSIGNMENT, OPS(PLAN_UPDATE), F("published", "name") },
	{ "modules", RES_QUIZ, OPS(PLAN_UPDATE), F("published", "title") },
	{ "modules", RES_DISCUSSION_TOPIC, OPS(PLAN_UPDATE), F("published", "title") },
	{ "modules", RES_PAGE, OPS(PLAN_UPDATE), F("published", "title", "url") },
};

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

int step_field_allowed(const char *action, enum resource_kind kind, enum plan_op op, const char *field)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct field_row *r = &rows[i];

		if (strcmp(r->action, action) || (r->kind != RES_NKINDS && r->kind != kind) || !(r->ops & OPS(op)))
			continue;
		if (op == PLAN_DELETE || (op == PLAN_CREATE && !field))
			return 1;
		if (field && in_list(r->fields ? r->fields : resource_get(kind)->date_fields, field))
			return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the check */

/* 1 when the plan's recipe has a step named `step` (names may repeat). */
static int step_known(const struct plan *p, const char *step)
{
	size_t i;

	for (i = 0; i < p->nrsteps; i++)
		if (!strcmp(p->rsteps[i].name, step))
			return 1;
	return 0;
}

/* 1 when a step of the recipe named `step` has an action that allows (kind, op, field). The
 * action is written to *action (the last one seen) for the message. */
static int step_allows(const struct plan *p, const char *step, enum resource_kind kind, enum plan_op op,
		       const char *field, const char **action)
{
	size_t i;

	for (i = 0; i < p->nrsteps; i++) {
		if (strcmp(p->rsteps[i].name, step))
			continue;
		*action = p->rsteps[i].action;
		if (step_field_allowed(p->rsteps[i].action, kind, op, field))
			return 1;
	}
	return 0;
}

/* "course 4821, assignment 7101" */
static const char *where(const struct plan_change *c, char *buf, size_t n)
{
	snprintf(buf, n, "course %s, %s %s", c->course_id, resource_get(c->kind)->name, c->id);
	return buf;
}

static int check_create(const struct plan *p, const struct plan_change *c, const char *name, struct err *err)
{
	const char *action = "?";
	const cJSON *f;
	char w[160];
	size_t k;

	if (!step_allows(p, c->steps[0], c->kind, PLAN_CREATE, NULL, &action))
		return err_set(err, ERR_CORRUPT, "%s: change %ld (%s): step '%s' (%s) does not create a %s; nothing "
			       "was applied", name, c->seq, where(c, w, sizeof(w)), c->steps[0], action,
			       resource_get(c->kind)->name);
	cJSON_ArrayForEach(f, c->after) {
		int ok = 0;

		for (k = 0; k < c->nsteps && !ok; k++)
			ok = step_allows(p, c->steps[k], c->kind, PLAN_CREATE, f->string, &action) ||
			     step_allows(p, c->steps[k], c->kind, PLAN_UPDATE, f->string, &action);
		if (!ok)
			return err_set(err, ERR_CORRUPT, "%s: change %ld (%s, %s): no step of the change (%s) gives a "
				       "new %s this field; nothing was changed", name, c->seq, where(c, w, sizeof(w)),
				       f->string ? f->string : "?", c->steps[0], resource_get(c->kind)->name);
	}
	return 0;
}

int plan_check_fields(const struct plan *p, const char *name, struct err *err)
{
	size_t i, k;
	char w[160];

	if (!p->has_rsteps && p->nchanges)
		return err_set(err, ERR_CORRUPT, "%s does not list its recipe's steps (recipe_steps): it was written by "
			       "coursectl 0.3.0 or earlier; nothing was changed. Make a new plan with coursectl plan",
			       name);
	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change *c = &p->changes[i];
		const char *action = "?";

		if (!c->nsteps || !*c->steps[0])
			return err_set(err, ERR_CORRUPT, "%s: change %ld (%s) names no step; nothing was changed", name,
				       c->seq, where(c, w, sizeof(w)));
		for (k = 0; k < c->nsteps; k++)
			if (!step_known(p, c->steps[k]))
				return err_set(err, ERR_CORRUPT, "%s: change %ld (%s%s%s) names step '%s', which is not a "
					       "step of the plan's recipe; nothing was changed", name, c->seq,
					       where(c, w, sizeof(w)), c->field ? ", " : "", c->field ? c->field : "",
					       c->steps[k]);
		if (c->op == PLAN_CREATE) {
			if (check_create(p, c, name, err))
				return err->code;
			continue;
		}
		for (k = 0; k < c->nsteps; k++)
			if (!step_allows(p, c->steps[k], c->kind, c->op, c->field, &action))
				return err_set(err, ERR_CORRUPT, "%s: change %ld (%s%s%s): step '%s' is a %s step, which "
					       "cannot %s %s; nothing was changed", name, c->seq, where(c, w, sizeof(w)),
					       c->field ? ", " : "", c->field ? c->field : "", c->steps[k], action,
					       c->op == PLAN_DELETE ? "delete a" : c->op == PLAN_MOVE ? "move a" : "change",
					       c->op == PLAN_DELETE || c->op == PLAN_MOVE ? resource_get(c->kind)->name
					       : c->field ? c->field : "?");
	}
	return 0;
}

/* runner/step.c -- the working copy a step changes, and how each change reaches the plan
 * (include/step.h).
 *
 * Every change a step makes goes through step_set / step_create / step_delete / step_move_item, so
 * three rules hold for all actions at once:
 *   - the working copy always shows the result of the steps so far (the next step builds on it);
 *   - the plan holds the value read from Canvas as `before` and the latest as `after`, one change
 *     per field however many steps touched it (plan.c merges);
 *   - what Canvas would refuse is not planned: a column locked by a Blueprint course (API.md 12:
 *     "restricted_by_master_course" with "master_course_restrictions" {category: true}) becomes a
 *     skip naming the lock, instead of a change that apply would see fail with a 400; so does a
 *     field Canvas's API takes no parameter for (exec_param_name: a discussion's unlock_at is not
 *     in API_ALLOWED_TOPIC_FIELDS), which strong parameters would drop with a 200. A field Canvas
 *     derives by itself (exec_is_derived_field: a page's url, made from its title) is planned
 *     so the plan shows what Canvas will hold; apply never sends it and reads it back.
 * Objects the plan creates get the id "new:N"; later changes to them go into their create change's
 * `after`, so apply makes each new object with one request.
 */
#include "step.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "exec.h"
#include "xalloc.h"

cJSON *step_list(struct step_ctx *cx, enum resource_kind kind)
{
	const struct resource *res = resource_get(kind);
	cJSON *a;

	if (kind == RES_COURSE || kind == RES_MODULE_ITEM || kind == RES_ASSIGNMENT_OVERRIDE || kind == RES_DATE_OVERRIDE)
		return NULL;
	a = cJSON_GetObjectItemCaseSensitive(cx->course, res->seed_key);
	if (!cJSON_IsArray(a)) {
		cJSON_DeleteItemFromObjectCaseSensitive(cx->course, res->seed_key);
		a = cJSON_AddArrayToObject(cx->course, res->seed_key);
	}
	return a;
}

/* The plan's id of a kind (resource.h id_field: pages by page_id). */
static const char *id_field(enum resource_kind kind)
{
	return resource_get(kind)->id_field;
}

const char *step_str(const cJSON *obj, const char *field)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, field));
}

cJSON *step_string_take(char *s)
{
	cJSON *v = cJSON_CreateNull();

	v->type = cJSON_String;
	v->valuestring = s;
	return v;
}

int step_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int step_cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

const char *step_value_text(const cJSON *v, char buf[32])
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(buf, 32, "%.0f", v->valuedouble);
		return buf;
	}
	buf[0] = 0;
	return buf;
}

const char *step_id(enum resource_kind kind, const cJSON *obj, char buf[32])
{
	return step_value_text(cJSON_GetObjectItemCaseSensitive(obj, id_field(kind)), buf);
}

const char *step_name(enum resource_kind kind, const cJSON *obj)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, resource_get(kind)->name_field));

	return s ? s : "";
}

int step_is_new(const cJSON *obj)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "id"));

	return s && !strncmp(s, "new:", 4);
}

/* The object's parent for the plan (module of an item, assignment of an override), or NULL. */
static const char *parent_of(enum resource_kind kind, const cJSON *obj, char buf[32])
{
	const char *f = resource_get(kind)->parent_field;
	const cJSON *v = f ? cJSON_GetObjectItemCaseSensitive(obj, f) : NULL;

	if (!v && f)   /* held by the row's alt_parent: a page's Assign To override, "page_id:N" */
		return object_parent(kind, obj, buf);
	return v ? step_value_text(v, buf) : NULL;
}

/* ---------------------------------------------------------------- Blueprint */

struct bp_col {
	const char *field, *category;
};

/* API.md 12 and the restrictor's column lists: which columns each lock category covers. Modules,
 * module items, calendar events and the course are never Blueprint-locked objects here. From
 * today's restrict_columns (canvas-lms master, issue 15): workflow_state is "state" for
 * assignments (app/models/assignment.rb), quizzes (app/models/quizzes/quiz.rb), topics
 * (app/models/discussion_topic.rb) and pages; peer_reviews_due_at (the API's
 * peer_reviews_assign_at) is "settings" (MasterCourses::Restrictor#restrict_assignment_columns);
 * a quiz's show/hide_correct_answers_at are "settings". */
static const struct bp_col bp_cols[] = {
	{ "name", "content" }, { "title", "content" }, { "description", "content" }, { "body", "content" },
	{ "message", "content" },
	{ "due_at", "due_dates" },
	{ "unlock_at", "availability_dates" }, { "lock_at", "availability_dates" },
	{ "publish_at", "availability_dates" }, { "delayed_post_at", "availability_dates" },
	{ "points_possible", "points" },
	{ "editing_roles", "settings" }, { "url", "settings" }, { "assignment_group_id", "settings" },
	{ "grading_type", "settings" }, { "submission_types", "settings" }, { "peer_reviews", "settings" },
	{ "peer_reviews_assign_at", "settings" }, { "show_correct_answers_at", "settings" },
	{ "hide_correct_answers_at", "settings" },
	{ "published", "state" },
};

const char *step_blueprint_category(enum resource_kind kind, const char *field)
{
	size_t i;

	switch (kind) {
	case RES_ASSIGNMENT: case RES_QUIZ: case RES_DISCUSSION_TOPIC: case RES_ANNOUNCEMENT: case RES_PAGE:
		break;
	default:
		return NULL;
	}
	for (i = 0; i < sizeof(bp_cols) / sizeof(bp_cols[0]); i++)
		if (!strcmp(bp_cols[i].field, field))
			return bp_cols[i].category;
	return NULL;
}

/* The locked category covering obj.field ("all" counts for every category), or NULL. */
static const char *bp_locked(enum resource_kind kind, const cJSON *obj, const char *field)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(obj, "master_course_restrictions");
	const char *cat;

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "restricted_by_master_course")) || !cJSON_IsObject(r))
		return NULL;
	cat = field ? step_blueprint_category(kind, field) : NULL;
	if (!field) {   /* the whole object: any lock refuses a delete */
		const cJSON *it;

		cJSON_ArrayForEach(it, r)
			if (cJSON_IsTrue(it))
				return it->string;
		return NULL;
	}
	if (!cat)
		return NULL;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, cat)))
		return cat;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "all")))
		return "all";
	return NULL;
}

void step_mirror(cJSON *obj, const char *field, cJSON *val)
{
	if (cJSON_HasObjectItem(obj, field))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, field, val);
	else
		cJSON_AddItemToObject(obj, field, val);
}

/* ---------------------------------------------------------------- skips */

static void skip_v(struct step_ctx *cx, enum resource_kind kind, const char *id, const char *name, const char *field,
		   const char *fmt, va_list ap)
{
	char reason[512];

	vsnprintf(reason, sizeof(reason), fmt, ap);
	plan_add_skip(cx->plan, cx->step, cx->course_id, kind, id, name, field, reason);
}

void step_skip(struct step_ctx *cx, enum resource_kind kind, const cJSON *obj, const char *field, const char *fmt, ...)
{
	char idb[32];
	va_list ap;

	va_start(ap, fmt);
	skip_v(cx, kind, obj ? step_id(kind, obj, idb) : NULL, obj ? step_name(kind, obj) : NULL, field, fmt, ap);
	va_end(ap);
}

void step_skip_missing(struct step_ctx *cx, enum resource_kind kind, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	skip_v(cx, kind, NULL, what, NULL, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- changes */

static void add_note(struct plan_change *c, const char *note)
{
	char *n;

	if (!note)
		return;
	if (!c->note) {
		c->note = xstrdup(note);
		return;
	}
	n = xasprintf("%s; %s", c->note, note);
	free(c->note);
	c->note = n;
}

int step_set(struct step_ctx *cx, enum resource_kind kind, cJSON *obj, const char *field, cJSON *val,
	     const char *note)
{
	cJSON *cur = cJSON_GetObjectItemCaseSensitive(obj, field), null_value;
	struct plan_change *c;
	const char *lock, *id;
	char idb[32], pb[32];

	memset(&null_value, 0, sizeof(null_value));
	null_value.type = cJSON_NULL;
	if (!val)
		val = cJSON_CreateNull();
	if (cJSON_Compare(cur ? cur : &null_value, val, 1)) {
		cJSON_Delete(val);
		return 0;
	}
	id = step_id(kind, obj, idb);
	if (step_is_new(obj)) {
		c = plan_find(cx->plan, cx->course_id, kind, id, NULL);
		if (c) {
			step_mirror(c->after, field, cJSON_Duplicate(val, 1));
			plan_change_add_step(c, cx->step);
		}
		step_mirror(obj, field, val);
		return 1;
	}
	lock = bp_locked(kind, obj, field);
	if (lock) {
		step_skip(cx, kind, obj, field, "locked by the Blueprint course (%s)", lock);
		cJSON_Delete(val);
		return -1;
	}
	if (!exec_writable(kind, obj, field)) {
		/* a field Canvas's API does not write: a plan that showed it would be a promise apply
		 * cannot keep (issue 15; e.g. a discussion's unlock_at, API_ALLOWED_TOPIC_FIELDS) */
		step_skip(cx, kind, obj, field, "Canvas's API does not write a %s's %s", resource_get(kind)->name,
			  field);
		cJSON_Delete(val);
		return -1;
	}
	c = plan_find(cx->plan, cx->course_id, kind, id, field);
	if (c) {
		cJSON_Delete(c->after);
		c->after = cJSON_Duplicate(val, 1);
		c->dropped = cJSON_Compare(c->before, c->after, 1);
		plan_change_add_step(c, cx->step);
	} else {
		c = plan_add(cx->plan, cx->step, cx->course_id, kind, id, parent_of(kind, obj, pb), step_name(kind, obj),
			     PLAN_UPDATE, field, cur ? cJSON_Duplicate(cur, 1) : cJSON_CreateNull(),
			     cJSON_Duplicate(val, 1));
	}
	add_note(c, note);
	step_mirror(obj, field, val);
	return 1;
}

int step_set_string(struct step_ctx *cx, enum resource_kind kind, cJSON *obj, const char *field, const char *s,
		    const char *note)
{
	return step_set(cx, kind, obj, field, s ? cJSON_CreateString(s) : cJSON_CreateNull(), note);
}

int step_set_bool(struct step_ctx *cx, enum resource_kind kind, cJSON *obj, const char *field, int b,
		  const char *note)
{
	return step_set(cx, kind, obj, field, cJSON_CreateBool(b), note);
}

int step_set_number(struct step_ctx *cx, enum resource_kind kind, cJSON *obj, const char *field, double v,
		    const char *note)
{
	return step_set(cx, kind, obj, field, cJSON_CreateNumber(v), note);
}

cJSON *step_create(struct step_ctx *cx, enum resource_kind kind, cJSON *array, cJSON *fields)
{
	char *id = xasprintf("new:%ld", cx->plan->next_new++);
	char pb[32];
	cJSON *after = cJSON_Duplicate(fields, 1);

	cJSON_DeleteItemFromObjectCaseSensitive(after, "id");
	cJSON_DeleteItemFromObjectCaseSensitive(after, "page_id");
	step_mirror(fields, "id", cJSON_CreateString(id));
	if (strcmp(id_field(kind), "id"))   /* pages: page_id too */
		step_mirror(fields, id_field(kind), cJSON_CreateString(id));
	plan_add(cx->plan, cx->step, cx->course_id, kind, id, parent_of(kind, fields, pb), step_name(kind, fields),
		 PLAN_CREATE, NULL, cJSON_CreateNull(), after);
	cJSON_AddItemToArray(array, fields);
	free(id);
	return fields;
}

/* Mark every change of the object dropped (it is deleted, or it was never created). */
static void drop_object_changes(struct step_ctx *cx, enum resource_kind kind, const char *id)
{
	struct plan_change *c;

	for (c = plan_object_first(cx->plan, cx->course_id, kind, id); c; c = plan_object_next(cx->plan, c))
		c->dropped = 1;
}

/* 1 when the plan moved this item into its module (so deleting the module in Canvas would not
 * delete it: it is still in its old module there). */
static int moved_in(struct step_ctx *cx, const char *id)
{
	const struct plan_change *c = plan_find(cx->plan, cx->course_id, RES_MODULE_ITEM, id, "module_id");

	return c && !c->dropped && c->op == PLAN_MOVE;
}

/* Canvas deletes a module's items with it: their planned changes go, except that an item the plan
 * had moved in is deleted on its own (in Canvas it still sits in its old module). */
static void drop_module_items(struct step_ctx *cx, cJSON *module)
{
	cJSON *items = cJSON_GetObjectItemCaseSensitive(module, "items"), *it, *next;
	char idb[32];

	for (it = items ? items->child : NULL; it; it = next) {
		const char *id = step_id(RES_MODULE_ITEM, it, idb);

		next = it->next;
		if (!step_is_new(it) && moved_in(cx, id))
			step_delete(cx, RES_MODULE_ITEM, items, it, "it was moved into a module this plan deletes");
		else
			drop_object_changes(cx, RES_MODULE_ITEM, id);
	}
}

/* A copy of obj as Canvas has it: the working copy with the values earlier steps changed put back.
 * Malloced (cJSON_Delete). */
static cJSON *original(struct step_ctx *cx, enum resource_kind kind, const cJSON *obj, const char *id)
{
	cJSON *o = cJSON_Duplicate(obj, 1);
	const struct plan_change *c;

	for (c = plan_object_first(cx->plan, cx->course_id, kind, id); c; c = plan_object_next(cx->plan, c))
		if (c->field && !c->dropped)
			step_mirror(o, c->field, cJSON_Duplicate(c->before, 1));
	return o;
}

int step_delete(struct step_ctx *cx, enum resource_kind kind, cJSON *array, cJSON *obj, const char *note)
{
	char idb[32], pb[32];
	const char *id = step_id(kind, obj, idb), *lock;
	struct plan_change *c;
	cJSON *before;
	char *idc;

	if (step_is_new(obj)) {
		if (kind == RES_MODULE)
			drop_module_items(cx, obj);
		drop_object_changes(cx, kind, id);
		cJSON_Delete(cJSON_DetachItemViaPointer(array, obj));
		return 1;
	}
	lock = bp_locked(kind, obj, NULL);
	if (lock) {
		step_skip(cx, kind, obj, NULL, "locked by the Blueprint course (%s): it cannot be deleted", lock);
		return -1;
	}
	idc = xstrdup(id);
	before = original(cx, kind, obj, idc);
	if (kind == RES_MODULE) {
		cJSON *items = cJSON_GetObjectItemCaseSensitive(before, "items"), *it, *next;
		char ib[32];

		/* the module's items as Canvas has them: not those the plan made or moved in */
		for (it = items ? items->child : NULL; it; it = next) {
			const char *iid = step_id(RES_MODULE_ITEM, it, ib);

			next = it->next;
			if (step_is_new(it) || moved_in(cx, iid))
				cJSON_Delete(cJSON_DetachItemViaPointer(items, it));
			else
				cJSON_ReplaceItemViaPointer(items, it, original(cx, RES_MODULE_ITEM, it, iid));
		}
		drop_module_items(cx, obj);
	}
	drop_object_changes(cx, kind, idc);
	c = plan_add(cx->plan, cx->step, cx->course_id, kind, idc, parent_of(kind, before, pb), step_name(kind, before),
		     PLAN_DELETE, NULL, before, cJSON_CreateNull());
	add_note(c, note);
	cJSON_Delete(cJSON_DetachItemViaPointer(array, obj));
	free(idc);
	return 1;
}

/* A moved item's position change, kept even when the number stays the same: Canvas appends an item
 * whose PUT carries module_id alone (context_module_items_api_controller.rb `update`: remove_from_list,
 * then the save in the new module adds it at the bottom; only module_item[position] runs insert_at),
 * so the position in the new module must be sent with the move. Recorded with its current number as
 * after; the caller's renumbering sets the real one (step_set finds this change), and plan_finish
 * keeps it while the item's module_id changes. */
static void move_position(struct step_ctx *cx, cJSON *item, const char *id, const char *parent)
{
	const cJSON *pos = cJSON_GetObjectItemCaseSensitive(item, "position");
	struct plan_change *c = plan_find(cx->plan, cx->course_id, RES_MODULE_ITEM, id, "position");

	if (c || !cJSON_IsNumber(pos)) {
		if (c)
			plan_change_add_step(c, cx->step);
		return;
	}
	c = plan_add(cx->plan, cx->step, cx->course_id, RES_MODULE_ITEM, id, parent, step_name(RES_MODULE_ITEM, item),
		     PLAN_UPDATE, "position", cJSON_Duplicate(pos, 1), cJSON_Duplicate(pos, 1));
	add_note(c, "its place in the new module");
}

void step_move_item(struct step_ctx *cx, cJSON *item, cJSON *from, cJSON *to_module)
{
	cJSON *items = cJSON_GetObjectItemCaseSensitive(to_module, "items");
	const cJSON *mid = cJSON_GetObjectItemCaseSensitive(to_module, "id");

	if (!cJSON_IsArray(items)) {
		cJSON_DeleteItemFromObjectCaseSensitive(to_module, "items");
		items = cJSON_AddArrayToObject(to_module, "items");
	}
	cJSON_DetachItemViaPointer(from, item);
	cJSON_AddItemToArray(items, item);
	if (step_is_new(item)) {
		step_set(cx, RES_MODULE_ITEM, item, "module_id", cJSON_Duplicate(mid, 1), NULL);
		return;
	}
	{
		char idb[32], pb[32];
		const char *id = step_id(RES_MODULE_ITEM, item, idb);
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(item, "module_id");
		struct plan_change *c = plan_find(cx->plan, cx->course_id, RES_MODULE_ITEM, id, "module_id");
		const char *parent = parent_of(RES_MODULE_ITEM, item, pb);

		if (c) {
			cJSON_Delete(c->after);
			c->after = cJSON_Duplicate(mid, 1);
			c->dropped = cJSON_Compare(c->before, c->after, 1);
			plan_change_add_step(c, cx->step);
		} else {
			plan_add(cx->plan, cx->step, cx->course_id, RES_MODULE_ITEM, id, parent,
				 step_name(RES_MODULE_ITEM, item), PLAN_MOVE, "module_id",
				 cur ? cJSON_Duplicate(cur, 1) : cJSON_CreateNull(), cJSON_Duplicate(mid, 1));
		}
		move_position(cx, item, id, parent);
		step_mirror(item, "module_id", cJSON_Duplicate(mid, 1));
	}
}

/* ---------------------------------------------------------------- dates */

int step_date_utc(const struct rdate *d, const char *zone, char out[32], struct err *err)
{
	int64_t t;

	if (d->has_time && d->has_offset) {
		if (dates_from_local(d->y, d->m, d->d, d->hh, d->mm, d->ss, "UTC", &t))
			return err_set(err, ERR_RECIPE, "%s:%d:%d: the date is out of range", d->pos.file, d->pos.line,
				       d->pos.col);
		t -= (int64_t)d->offset_min * 60;
	} else {
		if (!zone)
			return err_set(err, ERR_RECIPE,
				       "%s:%d:%d: the course has no time zone, so a date without a UTC offset has no "
				       "meaning; write the offset (2026-01-12T08:00:00-07:00)",
				       d->pos.file ? d->pos.file : "recipe", d->pos.line, d->pos.col);
		if (dates_from_local(d->y, d->m, d->d, d->has_time ? d->hh : 0, d->has_time ? d->mm : 0,
				     d->has_time ? d->ss : 0, zone, &t))
			return err_set(err, ERR_RECIPE, "%s:%d:%d: cannot place the date in time zone '%s'",
				       d->pos.file ? d->pos.file : "recipe", d->pos.line, d->pos.col, zone);
	}
	dates_format_utc(t, out);
	return 0;
}

/* The text fields of each kind (html: an HTML body; else a name). A page's title is read but never
 * rewritten: Canvas derives the page's url from its title (pageurl.c), so renaming it would break
 * every link to the page; its dates are listed instead. */
static const struct step_text_field text_fields[] = {
	{ RES_PAGE, "title", 0, 0 },
	{ RES_PAGE, "body", 1, 1 },
	{ RES_ASSIGNMENT, "name", 0, 1 },
	{ RES_ASSIGNMENT, "description", 1, 1 },
	{ RES_QUIZ, "title", 0, 1 },
	{ RES_QUIZ, "description", 1, 1 },
	{ RES_DISCUSSION_TOPIC, "title", 0, 1 },
	{ RES_DISCUSSION_TOPIC, "message", 1, 1 },
	{ RES_ANNOUNCEMENT, "title", 0, 1 },
	{ RES_ANNOUNCEMENT, "message", 1, 1 },
	{ RES_MODULE, "name", 0, 1 },
	{ RES_MODULE_ITEM, "title", 0, 1 },   /* text headers (SubHeader) of a selected module */
	{ RES_COURSE, "syllabus_body", 1, 1 },
};

const struct step_text_field *step_text_fields(size_t *n)
{
	*n = sizeof(text_fields) / sizeof(text_fields[0]);
	return text_fields;
}

void step_text_object(enum resource_kind kind, cJSON *obj, step_text_fn *fn, void *ud)
{
	char name[128];
	size_t i;
	cJSON *it;

	snprintf(name, sizeof(name), "%.100s", step_name(kind, obj));
	for (i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
		if (text_fields[i].kind == kind)
			fn(&text_fields[i], obj, name, ud);
	if (kind != RES_MODULE)
		return;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(obj, "items")) {
		const char *t = step_str(it, "type");

		if (t && !strcmp(t, "SubHeader"))
			step_text_object(RES_MODULE_ITEM, it, fn, ud);
	}
}

char *step_text_left(const struct step_ctx *cx, const struct step_text_field *f, const cJSON *obj,
		     const char *name, const char *text, size_t start, size_t end, const char *why)
{
	char idb[32];

	if (f->kind == RES_COURSE)
		return xasprintf("step '%s' in course %s: the syllabus: '%.*s' is left as written: %s", cx->step,
				 cx->course_id, (int)(end - start), text + start, why);
	return xasprintf("step '%s' in course %s: %s '%.100s' (%s) %s: '%.*s' is left as written: %s", cx->step,
			 cx->course_id, resource_get(f->kind)->name, name, step_id(f->kind, obj, idb), f->field,
			 (int)(end - start), text + start, why);
}

/* runner/exec_write.c -- how apply writes a change and how it recognises the result: the pure half
 * of exec (runner/exec_internal.h). No I/O; unit-tested in tests/unit/unit-exec.c. Names no kind:
 * everything about one is in its row of the resource table (include/resource.h).
 *
 * Parameters. A plan names fields as Canvas reads them back; a write names them as Canvas's
 * controllers take them, inside the kind's wrapper key (the row's wrapper: "assignment",
 * "wiki_page", ...) or at the top level for discussion topics and announcements. The row's
 * writable and create_only lists are the allow-lists of API.md (runner/resource.c says why): a
 * field outside them gets no parameter, and apply fails that change with a message instead of
 * sending one strong parameters would drop without a word. param_renames renames on the way in (a
 * page's todo_date is student_todo_at); the put_param and finish_body hooks carry what is not a
 * rename (a blank clears a completion requirement, a flag clears a page's to-do date, a module's
 * published goes with skip_content_tags, a quiz update says notify_of_update=false: the files
 * runner/resource_<kind>.c say why). Paths are the row's templates (resource_path).
 *
 * Bulk dates (API.md 5.3): the row's bulk_fields (an assignment's due_at/unlock_at/lock_at and its
 * overrides') go through its path.bulk, PUT .../assignments/bulk_update, one request per course for
 * any number of them, instead of one PUT per assignment. Its body is a top-level JSON array of
 * {"id", "all_dates": [...]}. The base entry ({"base": true}) carries only the changed keys: a key
 * it lacks is left alone. An override entry is different: a key it lacks is UN-overridden (the date
 * falls back to the base date). So an override entry always carries each of the three dates that
 * the override has now (its present keys, with the live value unless the plan changes it) plus the
 * changed ones; a date the override does not override is left out, which keeps it un-overridden --
 * sending it as null would override it to "no date", a change nobody planned.
 *
 * Read-back comparison (exec_value_matches): absent and null are one value (Canvas omits keys it
 * has no value for); dates compare as instants (Canvas writes "Z" and no fraction; a plan could
 * hold "+00:00"); numbers and ids compare by text (ids may come back as strings); objects by the
 * plan value's keys only (Canvas adds "completed" to a completion requirement); arrays element by
 * element. HTML fields (resource.h html_fields) compare after html_normalize (runner/html_norm.c,
 * which lists its rules), because Canvas rewrites HTML in both directions (API.md 7.4), so GET
 * after PUT does not return the bytes sent.
 *
 * Rejected: comparing a hash of the sent body with the returned one (fails on every rewrite);
 * comparing only updated_at (a 200 that changed nothing bumps it too with force_updated_at, and
 * pages bump it only for title and body).
 */
#include "exec_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dates.h"
#include "exec.h"
#include "html_norm.h"
#include "jsonid.h"
#include "xalloc.h"

static int in_list(const char *const *l, const char *s)
{
	return resource_in_list(l, s);
}

int exec_is_derived_field(enum resource_kind kind, const char *field)
{
	return field && in_list(resource_get(kind)->computed_fields, field);
}

const char *exec_param_name(enum resource_kind kind, const char *field, int create)
{
	const struct resource *res;
	const char *const *l;

	if ((unsigned)kind >= (unsigned)resource_count() || !field)
		return NULL;
	res = resource_get(kind);
	/* on POST a child's parent is the path's, not a parameter */
	if (create && res->parent_field && !strcmp(field, res->parent_field))
		return NULL;
	for (l = res->param_renames; l && l[0] && l[1]; l += 2)
		if (!strcmp(l[0], field))
			return l[1];
	for (l = res->writable; l && *l; l++)
		if (!strcmp(*l, field))
			return *l;
	if (create)
		for (l = res->create_only; l && *l; l++)
			if (!strcmp(*l, field))
				return *l;
	return NULL;
}

int exec_checkpoint_field(enum resource_kind kind, const cJSON *live, const char *field)
{
	const struct resource *res = resource_get(kind);

	return res->writes_elsewhere ? res->writes_elsewhere(live, field) : 0;
}

const struct resource *exec_checkpoint_row(enum resource_kind kind)
{
	const struct resource *res = resource_get(kind);

	return res->elsewhere_via_parent ? resource_get(res->parent_kind) : res;
}

char *exec_checkpoint_path(enum resource_kind kind, const char *course_id, const cJSON *owner)
{
	const struct resource *res = exec_checkpoint_row(kind);

	return res->elsewhere_path ? res->elsewhere_path(course_id, owner) : NULL;
}

cJSON *exec_checkpoint_body(enum resource_kind kind, const cJSON *owner, const char *child, const cJSON *fields)
{
	const struct resource *res = exec_checkpoint_row(kind);

	return res->elsewhere_body ? res->elsewhere_body(owner, child, fields) : cJSON_Duplicate(fields, 1);
}

int exec_checkpoint_chained(enum resource_kind kind, const cJSON *owner)
{
	const struct resource *res = exec_checkpoint_row(kind);

	return res->elsewhere_chained ? res->elsewhere_chained(owner) : 0;
}

void exec_checkpoint_refresh(enum resource_kind kind, cJSON *owner, const cJSON *reread)
{
	const struct resource *res = exec_checkpoint_row(kind);

	if (res->elsewhere_refresh && owner && reread)
		res->elsewhere_refresh(owner, reread);
}

int exec_writable(enum resource_kind kind, const cJSON *obj, const char *field)
{
	return exec_param_name(kind, field, 0) || exec_is_derived_field(kind, field) ||
	       exec_checkpoint_field(kind, obj, field);
}

int exec_is_bulk_field(enum resource_kind kind, const char *field)
{
	return field && in_list(resource_get(kind)->bulk_fields, field);
}

/* ---------------------------------------------------------------- paths */

char *exec_object_path(enum resource_kind kind, const char *course_id, const char *id, const char *parent,
		       int read)
{
	/* a child held by its row's alt_parent (a page's date override) has that holder's paths */
	const struct resource_paths *path = resource_paths_under(kind, parent);

	return resource_path(read ? path->read : path->update, course_id, parent, id);
}

char *exec_create_path(enum resource_kind kind, const char *course_id, const char *parent)
{
	return resource_path(resource_get(kind)->path.create, course_id, parent, NULL);
}

/* ---------------------------------------------------------------- bodies */

cJSON *exec_body(enum resource_kind kind, const cJSON *fields, int create)
{
	const struct resource *res = resource_get(kind);
	cJSON *body = cJSON_CreateObject(), *inner = body;
	const cJSON *f;

	if (res->wrapper)
		inner = cJSON_AddObjectToObject(body, res->wrapper);
	cJSON_ArrayForEach(f, fields) {
		const char *param = exec_param_name(kind, f->string, create);

		if (!param)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(inner, param);
		if (!res->put_param || !res->put_param(inner, param, f))
			cJSON_AddItemToObject(inner, param, cJSON_Duplicate(f, 1));
	}
	if (res->finish_body)
		res->finish_body(inner, create);
	return body;
}

static int id_equal(const cJSON *v, const char *id)
{
	char b[32];
	const char *t = jsonid_text(v, b);

	return t && !strcmp(t, id);
}

static const char *const date_keys[] = { "due_at", "unlock_at", "lock_at" };

void exec_bulk_add(cJSON *body, const char *assignment_id, const char *override_id, const cJSON *live_override,
		   const char *field, const cJSON *value)
{
	cJSON *a = NULL, *dates, *d = NULL, *it;
	size_t i;

	cJSON_ArrayForEach(it, body)
		if (id_equal(cJSON_GetObjectItemCaseSensitive(it, "id"), assignment_id)) {
			a = it;
			break;
		}
	if (!a) {
		a = cJSON_CreateObject();
		cJSON_AddItemToObject(a, "id", jsonid(assignment_id));
		cJSON_AddArrayToObject(a, "all_dates");
		cJSON_AddItemToArray(body, a);
	}
	dates = cJSON_GetObjectItemCaseSensitive(a, "all_dates");
	cJSON_ArrayForEach(it, dates) {
		if (override_id ? id_equal(cJSON_GetObjectItemCaseSensitive(it, "id"), override_id)
				: cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "base"))) {
			d = it;
			break;
		}
	}
	if (!d) {
		d = cJSON_CreateObject();
		if (override_id) {
			cJSON_AddItemToObject(d, "id", jsonid(override_id));
			for (i = 0; i < 3; i++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(live_override, date_keys[i]);

				if (v)
					cJSON_AddItemToObject(d, date_keys[i], cJSON_Duplicate(v, 1));
			}
		} else {
			cJSON_AddTrueToObject(d, "base");
		}
		/* the base entry first, as Canvas lists all_dates */
		if (override_id || !dates->child)
			cJSON_AddItemToArray(dates, d);
		else
			cJSON_InsertItemInArray(dates, 0, d);
	}
	if (cJSON_HasObjectItem(d, field))
		cJSON_ReplaceItemInObjectCaseSensitive(d, field, value ? cJSON_Duplicate(value, 1) : cJSON_CreateNull());
	else
		cJSON_AddItemToObject(d, field, value ? cJSON_Duplicate(value, 1) : cJSON_CreateNull());
}

/* ---------------------------------------------------------------- comparing */

static int is_nullish(const cJSON *v)
{
	return !v || cJSON_IsNull(v);
}

static int scalar_text(const cJSON *v, char *b, size_t n)
{
	if (cJSON_IsString(v)) {
		snprintf(b, n, "%s", v->valuestring);
		return 0;
	}
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble == (double)(int64_t)v->valuedouble)
			snprintf(b, n, "%lld", (long long)v->valuedouble);
		else
			snprintf(b, n, "%.17g", v->valuedouble);
		return 0;
	}
	return -1;
}

static int generic_match(const cJSON *want, const cJSON *got)
{
	const cJSON *w, *g;
	char a[64], b[64];

	if (is_nullish(want) || is_nullish(got))
		return is_nullish(want) && is_nullish(got);
	if (cJSON_IsBool(want) || cJSON_IsBool(got))
		return cJSON_IsBool(want) && cJSON_IsBool(got) && !cJSON_IsTrue(want) == !cJSON_IsTrue(got);
	if (cJSON_IsNumber(want) && cJSON_IsNumber(got))
		return want->valuedouble == got->valuedouble;
	if (cJSON_IsString(want) && cJSON_IsString(got))
		return !strcmp(want->valuestring, got->valuestring);
	if ((cJSON_IsNumber(want) || cJSON_IsString(want)) && (cJSON_IsNumber(got) || cJSON_IsString(got))) {
		if ((cJSON_IsString(want) && strlen(want->valuestring) >= sizeof(a)) ||
		    (cJSON_IsString(got) && strlen(got->valuestring) >= sizeof(b)))
			return 0;
		return !scalar_text(want, a, sizeof(a)) && !scalar_text(got, b, sizeof(b)) && !strcmp(a, b);
	}
	if (cJSON_IsObject(want)) {
		if (!cJSON_IsObject(got))
			return 0;
		cJSON_ArrayForEach(w, want)
			if (!generic_match(w, cJSON_GetObjectItemCaseSensitive(got, w->string)))
				return 0;
		return 1;
	}
	if (cJSON_IsArray(want)) {
		if (!cJSON_IsArray(got) || cJSON_GetArraySize(want) != cJSON_GetArraySize(got))
			return 0;
		for (w = want->child, g = got->child; w && g; w = w->next, g = g->next)
			if (!generic_match(w, g))
				return 0;
		return 1;
	}
	return 0;
}

int exec_value_matches(enum resource_kind kind, const char *field, const cJSON *want, const cJSON *got,
		       const char *origin)
{
	const struct resource *res = resource_get(kind);

	if (field && in_list(res->html_fields, field)) {
		const char *w = cJSON_IsString(want) ? want->valuestring : "";
		const char *g = cJSON_IsString(got) ? got->valuestring : "";
		char *nw, *ng;
		int same;

		if ((!cJSON_IsString(want) && !is_nullish(want)) || (!cJSON_IsString(got) && !is_nullish(got)))
			return generic_match(want, got);
		if (!strcmp(w, g))
			return 1;
		nw = html_normalize(w, origin);
		ng = html_normalize(g, origin);
		same = !strcmp(nw, ng);
		free(nw);
		free(ng);
		return same;
	}
	if (field && in_list(res->date_fields, field) && cJSON_IsString(want) && cJSON_IsString(got)) {
		int64_t a, b;

		if (!dates_parse(want->valuestring, &a) && !dates_parse(got->valuestring, &b))
			return a == b;
	}
	return generic_match(want, got);
}

/* ---------------------------------------------------------------- recreating */

/* Read-only on every kind, or meaningless in a create (API.md 12). */
static const char *const never_sent[] = {
	"id", "created_at", "updated_at", "workflow_state", "html_url", "url", "course_id", "context_code",
	"last_edited_by", "revisions", "hide_from_students", "locked_for_user", "lock_info", "lock_explanation",
	"items_count", "items_url", "items", "has_overrides", "all_dates", "overrides", "quiz_id",
	"discussion_topic", "unpublishable", "can_unpublish", "content_details", "page_id", "module_id",
	"assignment_id", "user_name", "posted_at", "last_reply_at", "discussion_subentry_count", "read_state",
	"unread_count", "permissions", "publish_warning", "is_master_course_child_content",
	"restricted_by_master_course", "master_course_restrictions", "state", "completed_at",
};

void exec_strip_for_create(enum resource_kind kind, cJSON *obj)
{
	const struct resource *res = resource_get(kind);
	cJSON *cr;
	size_t i;

	resource_strip_derived(res, obj);
	for (i = 0; i < sizeof(never_sent) / sizeof(never_sent[0]); i++) {
		/* a page item names its page by page_url; url is only derived */
		cJSON_DeleteItemFromObjectCaseSensitive(obj, never_sent[i]);
	}
	/* a progression's "completed" is a student's, not the requirement */
	cr = cJSON_GetObjectItemCaseSensitive(obj, "completion_requirement");
	if (cJSON_IsObject(cr))
		cJSON_DeleteItemFromObjectCaseSensitive(cr, "completed");
}

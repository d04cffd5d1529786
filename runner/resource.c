/* runner/resource.c -- one row per Canvas kind (see include/resource.h), the accessors over the
 * cJSON copy of an object, and path templates. The quirks of a kind are hooks in its own file
 * (runner/resource_assignment.c, _discussion.c, _module.c, _page.c, _quiz.c).
 *
 * Sources: API.md sections 0 (paths and parameters), 4-8 (fields per kind), 12 (read-only fields:
 * "ids, created_at, updated_at, html_url, url (assignment), items_count, items_url, has_overrides,
 * all_dates, workflow_state (use published), locked_for_user, lock_info, counts, permissions ...").
 * "derived" here is narrower than read-only: fields Canvas *computes from other fields or from the
 * caller* (URLs, lock state for the caller, counts, permissions, nested copies of other objects).
 * They are dropped from snapshots because a snapshot must describe the course, not the caller or
 * the host it was read from; ids, created_at and updated_at are kept (they identify and date).
 *
 * Writable fields (API.md 0, 4.3, 5.2, 5.5, 6.1, 6.2, 7.3, 8.1-8.3, 12) are the allow-lists of
 * API.md: a field outside them is read-only (ids, workflow_state, html_url, a page's url, an item's
 * type or content_id...) or unknown to this version, and apply fails that change with a message
 * instead of sending a parameter that strong parameters would drop without a word (a 200 that
 * changes nothing). Writable names are Canvas's own (issue 15, canvas-lms master): an assignment's
 * peer review date is assignment[peer_reviews_assign_at] (Assignment#update_from_params,
 * API_ALLOWED_ASSIGNMENT_INPUT_FIELDS; the model's "peer_reviews_due_at" is no parameter); a
 * discussion's or announcement's unlock_at is NOT writable (DiscussionTopicsController
 * API_ALLOWED_TOPIC_FIELDS has delayed_post_at, not unlock_at), so step_set never plans it; a
 * topic's `locked` is (process_lock_parameters). Renamed on the way in: a page's todo_date is
 * written as student_todo_at (7.3; wiki_page[todo_date] is silently dropped).
 *
 * Pages are the plan's by page_id and addressed as page_id:N (API.md 7.1): their url (the slug)
 * changes with the title, so it is a computed field, planned and read back but never sent.
 */
#include "resource.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "jsonid.h"
#include "resource_kinds.h"
#include "xalloc.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NONE RES_NKINDS

/* A page's Assign To overrides (issue 15, CURRENT.md 13; runner/resource_page.c): date overrides
 * held by a page, whose parent is "page_id:N" (Wiki#find_page takes page_id:N by id only), read and
 * written at the page's date_details. */
static const struct resource_alt_parent page_overrides = {
	.kind = RES_PAGE,
	.field = "wiki_page_id",
	.prefix = "page_id:",
	.path = {
		.read = "/api/v1/courses/{course}/pages/{parent}/date_details?per_page=100",
		.update = "/api/v1/courses/{course}/pages/{parent}/date_details",
	},
};

static const struct resource table[RES_NKINDS] = {
	[RES_COURSE] = {
		.kind = RES_COURSE,
		.name = "course",
		.plan_name = "course",
		.seed_key = "courses",
		.path = {
			/* the course itself, as a snapshot reads it (total_students: whom a date change
			 * notifies) */
			.list = "/api/v1/courses/{course}?include[]=syllabus_body&include[]=total_students",
			/* a PUT answers the course too: with the include it shows the syllabus it wrote */
			.read = "/api/v1/courses/{id}?include[]=syllabus_body",
			.update = "/api/v1/courses/{id}?include[]=syllabus_body",
		},
		.wrapper = "course",
		.id_field = "id",
		.name_field = "name",
		.parent_kind = NONE,
		.child_kind = NONE,
		.date_fields = LIST("start_at", "end_at"),
		.html_fields = LIST("syllabus_body"),
		.derived_fields = LIST("calendar", "permissions", "term", "enrollments",
		                         "access_restricted_by_date"),
		.writable = LIST("name", "course_code", "start_at", "end_at", "syllabus_body", "time_zone",
		                 "default_view", "restrict_enrollments_to_course_dates", "license",
		                 "public_description"),
	},
	[RES_ASSIGNMENT] = {
		.kind = RES_ASSIGNMENT,
		.name = "assignment",
		.plan_name = "assignment",
		.seed_key = "assignments",
		.path = {
			.list = "/api/v1/courses/{course}/assignments?include[]=overrides&include[]=all_dates"
				"&include[]=checkpoints&override_assignment_dates=false",
			.read = "/api/v1/courses/{course}/assignments/{id}?include[]=overrides&include[]=checkpoints"
				"&override_assignment_dates=false",
			.update = "/api/v1/courses/{course}/assignments/{id}",
			.create = "/api/v1/courses/{course}/assignments",
			.bulk = "/api/v1/courses/{course}/assignments/bulk_update",
			.bulk_read = "/api/v1/courses/{course}/assignments?include[]=overrides"
				     "&override_assignment_dates=false",
			.lookup = "/api/v1/courses/{course}/assignments?include[]=overrides&include[]=all_dates"
				"&include[]=checkpoints&override_assignment_dates=false",
		},
		.listed = 1,
		.wrapper = "assignment",
		.id_field = "id",
		.name_field = "name",
		.parent_kind = NONE,
		.children_key = "overrides",
		.child_kind = RES_ASSIGNMENT_OVERRIDE,
		.children_counted = 1,
		.date_fields = LIST("due_at", "unlock_at", "lock_at", "peer_reviews_assign_at",
		                      "reply_to_topic_due_at", "required_replies_due_at"),
		.html_fields = LIST("description"),
		.derived_fields = LIST("html_url", "url", "has_overrides", "all_dates", "all_dates_count",
		                         "locked_for_user", "lock_info", "lock_explanation",
		                         "submissions_download_url", "needs_grading_count",
		                         "discussion_topic", "can_duplicate", "in_closed_grading_period",
		                         "secure_params", "permissions", "submission"),
		.writable = LIST("name", "description", "position", "points_possible", "grading_type", "due_at",
		                 "lock_at", "unlock_at", "peer_reviews_assign_at", "assignment_group_id", "peer_reviews",
		                 "automatic_peer_reviews", "sis_assignment_id", "integration_id", "hide_in_gradebook",
		                 "omit_from_final_grade", "allowed_attempts", "important_dates", "published",
		                 "only_visible_to_overrides", "post_to_sis", "submission_types", "grading_standard_id"),
		.bulk_fields = LIST("due_at", "unlock_at", "lock_at"),
		.normalize = resource_flatten_checkpoints,
		.writes_elsewhere = resource_assignment_checkpoint_field,
		.elsewhere_path = resource_assignment_checkpoint_path,
		.elsewhere_body = resource_assignment_checkpoint_body,
		.elsewhere_chained = resource_assignment_checkpoint_chained,
		.elsewhere_refresh = resource_assignment_checkpoint_refresh,
		.snapshot_more = resource_assignment_more,
	},
	[RES_ASSIGNMENT_OVERRIDE] = {
		.kind = RES_ASSIGNMENT_OVERRIDE,
		.name = "assignment override",
		.plan_name = "assignment_override",
		.seed_key = "overrides",
		.path = {
			.list = "/api/v1/courses/{course}/assignments/{parent}/overrides",
			.read = "/api/v1/courses/{course}/assignments/{parent}/overrides/{id}",
			.update = "/api/v1/courses/{course}/assignments/{parent}/overrides/{id}",
			.create = "/api/v1/courses/{course}/assignments/{parent}/overrides",
			.bulk = "/api/v1/courses/{course}/assignments/bulk_update",
			.bulk_read = "/api/v1/courses/{course}/assignments?include[]=overrides"
				     "&override_assignment_dates=false",
			.lookup = "/api/v1/courses/{course}/assignments/{parent}/overrides",
		},
		.wrapper = "assignment_override",
		.id_field = "id",
		.name_field = "title",
		.parent_kind = RES_ASSIGNMENT,
		.parent_field = "assignment_id",
		.child_kind = NONE,
		.elsewhere_via_parent = 1,
		/* a checkpointed discussion's: its checkpoints' (runner/resource_assignment.c) */
		.date_fields = LIST("due_at", "unlock_at", "lock_at", "reply_to_topic_due_at", "required_replies_due_at"),
		.html_fields = LIST(NULL),
		.derived_fields = LIST("all_day", "all_day_date"),
		.writable = LIST("due_at", "unlock_at", "lock_at"),
		.create_only = LIST("title", "student_ids", "course_section_id", "group_id"),
		.bulk_fields = LIST("due_at", "unlock_at", "lock_at"),
		.writes_elsewhere = resource_override_checkpoint_field,
	},
	[RES_QUIZ] = {
		.kind = RES_QUIZ,
		.name = "quiz",
		.plan_name = "quiz",
		.seed_key = "quizzes",
		.path = {
			.list = "/api/v1/courses/{course}/quizzes",
			.read = "/api/v1/courses/{course}/quizzes/{id}",
			.update = "/api/v1/courses/{course}/quizzes/{id}",
			.create = "/api/v1/courses/{course}/quizzes",
			.lookup = "/api/v1/courses/{course}/quizzes",
		},
		.listed = 1,
		.wrapper = "quiz",
		.id_field = "id",
		.name_field = "title",
		.shown_label = "New Quiz",
		.parent_kind = NONE,
		.child_kind = NONE,
		.date_fields = LIST("due_at", "unlock_at", "lock_at", "show_correct_answers_at",
		                      "hide_correct_answers_at"),
		.html_fields = LIST("description"),
		.derived_fields = LIST("html_url", "mobile_url", "all_dates", "permissions",
		                         "locked_for_user", "lock_info", "lock_explanation",
		                         "can_unpublish", "can_update", "speed_grader_url",
		                         "quiz_reports_url", "quiz_statistics_url", "message_students_url",
		                         "quiz_submission_versions_html_url", "quiz_submission_html_url",
		                         "quiz_submissions_zip_url", "preview_url", "section_count",
		                         "unpublishable", "takeable", "quiz_extensions_url",
		                         "version_number", "question_types", "has_access_code"),
		.writable = LIST("title", "description", "due_at", "lock_at", "unlock_at", "show_correct_answers_at",
		                 "hide_correct_answers_at", "published", "quiz_type", "time_limit", "shuffle_answers",
		                 "hide_results", "show_correct_answers", "show_correct_answers_last_attempt",
		                 "allowed_attempts", "scoring_policy", "one_question_at_a_time", "cant_go_back",
		                 "access_code", "ip_filter", "one_time_results", "assignment_group_id"),
		.finish_body = resource_quiz_finish_body,
	},
	[RES_DISCUSSION_TOPIC] = {
		.kind = RES_DISCUSSION_TOPIC,
		.name = "discussion topic",
		.plan_name = "discussion_topic",
		.seed_key = "discussion_topics",
		.path = {
			.list = "/api/v1/courses/{course}/discussion_topics",
			.read = "/api/v1/courses/{course}/discussion_topics/{id}",
			.update = "/api/v1/courses/{course}/discussion_topics/{id}",
			.create = "/api/v1/courses/{course}/discussion_topics",
			.lookup = "/api/v1/courses/{course}/discussion_topics",
		},
		.listed = 1,
		.wrapper = NULL,
		.id_field = "id",
		.name_field = "title",
		.shown_label = "checkpointed discussion",
		.parent_kind = NONE,
		.children_key = "date_overrides",
		.child_kind = RES_DATE_OVERRIDE,
		.date_fields = LIST("delayed_post_at", "lock_at", "todo_date"),
		.html_fields = LIST("message"),
		.derived_fields = LIST("html_url", "url", "permissions", "locked_for_user", "lock_info",
		                         "lock_explanation", "read_state", "unread_count", "subscribed",
		                         "user_can_see_posts", "can_unpublish", "can_lock", "can_group",
		                         "assignment", "podcast_url", "topic_children",
		                         "group_topic_children", "author", "attachments", "context_code",
		                         "ungraded_discussion_overrides"),
		.writable = LIST("title", "message", "discussion_type", "published", "delayed_post_at", "lock_at",
		                 "pinned", "require_initial_post", "allow_rating", "only_graders_can_rate",
		                 "sort_by_rating", "todo_date", "group_category_id", "podcast_enabled",
		                 "podcast_has_student_posts", "specific_sections", "locked"),
		.keep_fields = LIST("locked"),
		.snapshot_more = resource_topic_more,
	},
	[RES_ANNOUNCEMENT] = {
		.kind = RES_ANNOUNCEMENT,
		.name = "announcement",
		.plan_name = "announcement",
		.seed_key = "announcements",
		.path = {
			.list = "/api/v1/courses/{course}/discussion_topics?only_announcements=true",
			.read = "/api/v1/courses/{course}/discussion_topics/{id}",
			.update = "/api/v1/courses/{course}/discussion_topics/{id}",
			.create = "/api/v1/courses/{course}/discussion_topics",
			.lookup = "/api/v1/courses/{course}/discussion_topics?only_announcements=true",
		},
		.listed = 1,
		.wrapper = NULL,
		.id_field = "id",
		.name_field = "title",
		.parent_kind = NONE,
		.child_kind = NONE,
		.date_fields = LIST("delayed_post_at", "lock_at", "todo_date"),
		.html_fields = LIST("message"),
		.derived_fields = LIST("html_url", "url", "permissions", "locked_for_user", "lock_info",
		                         "lock_explanation", "read_state", "unread_count", "subscribed",
		                         "user_can_see_posts", "can_unpublish", "can_lock", "can_group",
		                         "assignment", "podcast_url", "topic_children",
		                         "group_topic_children", "author", "attachments", "context_code"),
		.writable = LIST("title", "message", "published", "delayed_post_at", "lock_at", "pinned",
		                 "require_initial_post", "allow_rating", "only_graders_can_rate", "sort_by_rating",
		                 "podcast_enabled", "podcast_has_student_posts", "specific_sections", "locked"),
		.keep_fields = LIST("locked"),
		.create_only = LIST("is_announcement"),
		.finish_body = resource_announcement_finish_body,
	},
	[RES_MODULE] = {
		.kind = RES_MODULE,
		.name = "module",
		.plan_name = "module",
		.seed_key = "modules",
		.path = {
			.list = "/api/v1/courses/{course}/modules?include[]=items",
			.read = "/api/v1/courses/{course}/modules/{id}",
			.update = "/api/v1/courses/{course}/modules/{id}",
			.create = "/api/v1/courses/{course}/modules",
			.lookup = "/api/v1/courses/{course}/modules?include[]=items",
		},
		.listed = 1,
		.referenced = 1,
		.wrapper = "module",
		.id_field = "id",
		.name_field = "name",
		.parent_kind = NONE,
		.children_key = "items",
		.child_kind = RES_MODULE_ITEM,
		.children_counted = 1,
		.children_recreate_note = "re-creates item %s of module %s (Canvas deleted it with its module)",
		.id_refs = "prerequisite_module_ids",
		.date_fields = LIST("unlock_at"),
		.html_fields = LIST(NULL),
		.derived_fields = LIST("items_count", "items_url", "state", "completed_at",
		                         "publish_warning"),
		.writable = LIST("name", "unlock_at", "position", "require_sequential_progress",
		                 "prerequisite_module_ids", "publish_final_grade", "published"),
		.put_after_create = LIST("published"),
		.cascade_field = "published",
		.finish_body = resource_module_finish_body,
		.snapshot_more = resource_module_more,
	},
	[RES_MODULE_ITEM] = {
		.kind = RES_MODULE_ITEM,
		.name = "module item",
		.plan_name = "module_item",
		.seed_key = "items",
		.path = {
			.list = "/api/v1/courses/{course}/modules/{parent}/items",
			.read = "/api/v1/courses/{course}/modules/{parent}/items/{id}",
			.update = "/api/v1/courses/{course}/modules/{parent}/items/{id}",
			.create = "/api/v1/courses/{course}/modules/{parent}/items",
			.lookup = "/api/v1/courses/{course}/modules/{parent}/items",
		},
		.wrapper = "module_item",
		.id_field = "id",
		.name_field = "title",
		.parent_kind = RES_MODULE,
		.parent_field = "module_id",
		.child_kind = NONE,
		.id_refs = "module_id",
		.moves = 1,
		.date_fields = LIST(NULL),
		.html_fields = LIST(NULL),
		.derived_fields = LIST("html_url", "url", "content_details", "unpublishable"),
		/* module_id: an item moves between modules by a PUT of it (API.md 6.2) */
		.writable = LIST("title", "position", "indent", "external_url", "new_tab", "completion_requirement",
		                 "published", "module_id"),
		.create_only = LIST("type", "content_id", "page_url"),
		.put_after_create = LIST("published"),
		.put_param = resource_item_put_param,
		.same_create = resource_item_same_create,
	},
	[RES_PAGE] = {
		.kind = RES_PAGE,
		.name = "page",
		.plan_name = "page",
		.seed_key = "pages",
		.path = {
			.list = "/api/v1/courses/{course}/pages?include[]=body",
			.read = "/api/v1/courses/{course}/pages/page_id:{id}",
			.update = "/api/v1/courses/{course}/pages/page_id:{id}",
			.create = "/api/v1/courses/{course}/pages",
			.lookup = "/api/v1/courses/{course}/pages",   /* the title is enough: no bodies */
		},
		.listed = 1,
		.wrapper = "wiki_page",
		.id_field = "page_id",
		.name_field = "title",
		.parent_kind = NONE,
		/* its Assign To overrides, read by live_more (apply) and page_dates.c (plan) */
		.children_key = "date_overrides",
		.child_kind = RES_DATE_OVERRIDE,
		.reread_elsewhere = 1,
		/* the last two: its own Assign To dates, from date_details (runner/resource_page.c) */
		.date_fields = LIST("todo_date", "publish_at", "unlock_at", "lock_at"),
		.html_fields = LIST("body"),
		.derived_fields = LIST("html_url", "hide_from_students", "locked_for_user", "lock_info",
		                         "lock_explanation"),
		.writable = LIST("title", "body", "editing_roles", "published", "front_page", "publish_at", "todo_date",
		                 "student_planner_checkbox"),
		.param_renames = LIST("todo_date", "student_todo_at"),
		.computed_fields = LIST("url"),
		.sole_flag = "front_page",
		.put_param = resource_page_put_param,
		.writes_elsewhere = resource_page_dates_field,
		.elsewhere_path = resource_page_dates_path,
		.live_more = resource_page_dates_more,
		.snapshot_more = resource_page_more,
	},
	[RES_CALENDAR_EVENT] = {
		.kind = RES_CALENDAR_EVENT,
		.name = "calendar event",
		.plan_name = "calendar_event",
		.seed_key = "calendar_events",
		.path = {
			.list = "/api/v1/calendar_events?type=event&all_events=true&context_codes[]=course_{course}",
			.read = "/api/v1/calendar_events/{id}",
			.update = "/api/v1/calendar_events/{id}",
			.create = "/api/v1/calendar_events",
			.lookup = "/api/v1/calendar_events?type=event&all_events=true&context_codes[]=course_{course}",
		},
		.moves_field = "parent_event_id",
		.listed = 1,
		.list_after_course = 1,
		.wrapper = "calendar_event",
		.id_field = "id",
		.name_field = "title",
		.parent_kind = NONE,
		.child_kind = NONE,
		.date_fields = LIST("start_at", "end_at"),
		.html_fields = LIST("description"),
		.derived_fields = LIST("html_url", "url", "all_context_codes", "effective_context_code",
		                         "child_events_count", "child_events", "duplicates", "context_name",
		                         "hidden"),
		.writable = LIST("title", "description", "start_at", "end_at", "location_name", "location_address",
		                 "all_day", "time_zone_edited"),
		.create_only = LIST("context_code"),
		.create_key = LIST("start_at"),
	},
	/* selective release (issue 15, CURRENT.md 13): the overrides of an ungraded discussion, held
	 * in the topic's "date_overrides" (read from GET .../date_details when the topic's list entry
	 * has ungraded_discussion_overrides: resource_discussion.c); written with PUT .../date_details
	 * (exec_date_details.c): one shape for the override set. No list of its own. A page's are held
	 * by the page (alt_parent, parent "page_id:N"; runner/resource_page.c). */
	[RES_DATE_OVERRIDE] = {
		.kind = RES_DATE_OVERRIDE,
		.name = "date override",
		.plan_name = "date_override",
		.seed_key = "date_overrides",
		.path = {
			.read = "/api/v1/courses/{course}/discussion_topics/{parent}/date_details?per_page=100",
			.update = "/api/v1/courses/{course}/discussion_topics/{parent}/date_details",
		},
		.wrapper = NULL,
		.id_field = "id",
		.name_field = "title",
		.parent_kind = RES_DISCUSSION_TOPIC,
		.parent_field = "discussion_topic_id",
		.alt_parent = &page_overrides,
		.written_as_set = 1,
		.child_kind = NONE,
		.date_fields = LIST("unlock_at", "lock_at"),
		.html_fields = LIST(NULL),
		.derived_fields = LIST("all_day", "all_day_date"),
		.writable = LIST("unlock_at", "lock_at"),
	},
};

const struct resource *resource_get(enum resource_kind kind)
{
	return &table[kind];
}

const struct resource *resource_course(void)
{
	return &table[RES_COURSE];
}

int resource_count(void)
{
	return RES_NKINDS;
}

const struct resource *resource_find(const char *name)
{
	int i;

	for (i = 0; i < RES_NKINDS; i++)
		if (!strcmp(table[i].name, name) || !strcmp(table[i].seed_key, name))
			return &table[i];
	return NULL;
}

const struct resource *resource_from_plan_name(const char *s)
{
	int i;

	for (i = 0; s && i < RES_NKINDS; i++)
		if (!strcmp(table[i].plan_name, s))
			return &table[i];
	return NULL;
}

int resource_in_list(const char *const *l, const char *s)
{
	for (; l && *l && s; l++)
		if (!strcmp(*l, s))
			return 1;
	return 0;
}

char *resource_path(const char *tmpl, const char *course, const char *parent, const char *id)
{
	struct buf b = BUF_INIT;
	const char *s;

	if (!tmpl)
		return NULL;
	buf_puts(&b, "");
	for (s = tmpl; *s; s++) {
		if (!strncmp(s, "{course}", 8)) {
			buf_puts(&b, course ? course : "");
			s += 7;
		} else if (!strncmp(s, "{parent}", 8)) {
			buf_puts(&b, parent ? parent : "0");
			s += 7;
		} else if (!strncmp(s, "{id}", 4)) {
			buf_puts(&b, id ? id : "");
			s += 3;
		} else {
			buf_putc(&b, *s);
		}
	}
	return buf_detach(&b, NULL);
}

/* ---------------------------------------------------------------- objects */

const char *object_id(enum resource_kind kind, const cJSON *obj, char buf[32])
{
	return jsonid_text(cJSON_GetObjectItemCaseSensitive(obj, table[kind].id_field), buf);
}

const char *object_name(enum resource_kind kind, const cJSON *obj)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, table[kind].name_field));
}

const char *object_parent(enum resource_kind kind, const cJSON *obj, char buf[32])
{
	const struct resource_alt_parent *alt = table[kind].alt_parent;
	const cJSON *v;
	const char *t;
	char b[32];

	if (!table[kind].parent_field)
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(obj, table[kind].parent_field);
	if (!v && alt && (t = jsonid_text(cJSON_GetObjectItemCaseSensitive(obj, alt->field), b))) {
		snprintf(buf, 32, "%s%.20s", alt->prefix, t);
		return buf;
	}
	return jsonid_text(v, buf);
}

const struct resource *resource_parent_row(enum resource_kind kind, const char *parent, const char **id)
{
	const struct resource_alt_parent *alt = table[kind].alt_parent;
	size_t n = alt ? strlen(alt->prefix) : 0;

	if (!table[kind].parent_field)
		return NULL;
	if (id)
		*id = parent;
	if (alt && parent && !strncmp(parent, alt->prefix, n) && parent[n]) {
		if (id)
			*id = parent + n;
		return &table[alt->kind];
	}
	return &table[table[kind].parent_kind];
}

const struct resource_paths *resource_paths_under(enum resource_kind kind, const char *parent)
{
	const struct resource *p = resource_parent_row(kind, parent, NULL);

	return p && table[kind].alt_parent && p->kind == (enum resource_kind)table[kind].alt_parent->kind ?
	       &table[kind].alt_parent->path : &table[kind].path;
}

cJSON *object_children(enum resource_kind kind, const cJSON *obj)
{
	if (!table[kind].children_key)
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, table[kind].children_key);
}

void resource_strip_derived(const struct resource *res, cJSON *obj)
{
	const char *const *f;

	if (res->normalize)
		res->normalize(obj);
	for (f = res->derived_fields; f && *f; f++)
		cJSON_DeleteItemFromObjectCaseSensitive(obj, *f);
}

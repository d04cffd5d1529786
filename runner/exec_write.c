/* runner/exec_write.c -- how apply writes a change and how it recognises the result: the pure half
 * of exec.c (runner/exec_internal.h). No I/O; unit-tested in tests/unit/unit-exec.c.
 *
 * Parameters (API.md 0, 4.3, 5.2, 5.5, 6.1, 6.2, 7.3, 8.1-8.3, 12). A plan names fields as Canvas
 * reads them back; a write names them as Canvas's controllers take them, inside the kind's wrapper
 * key (resource.h: "assignment", "wiki_page", ...) or at the top level for discussion topics and
 * announcements. The tables below are the allow-lists of API.md: a field outside them is read-only
 * (ids, workflow_state, html_url, a page's url, an item's type or content_id...) or unknown to this
 * version, and apply fails that change with a message instead of sending a parameter that strong
 * parameters would drop without a word (a 200 that changes nothing). Renamed on the way in: a
 * page's todo_date is written as student_todo_at (7.3; wiki_page[todo_date] is silently dropped).
 * Cleared with a blank: a module item's completion requirement (the controller tests the
 * parameter for truth before it reads it, so a JSON null is skipped; "" clears it, 6.2).
 * Cleared with a flag: a page's todo_date. WikiPagesApiController#assign_todo_date
 * (app/controllers/wiki_pages_api_controller.rb, CURRENT.md 6) sets todo_date only from a present
 * student_todo_at, so `student_todo_at: null` changes nothing; it clears it only when
 * student_planner_checkbox is sent and false. A null todo_date is therefore sent as
 * wiki_page[student_planner_checkbox]=false (apply and rollback alike: both go through exec_body).
 *
 * Bulk dates (API.md 5.3): an assignment's due_at/unlock_at/lock_at and its overrides' go through
 * PUT .../assignments/bulk_update, one request per course for any number of them, instead of one
 * PUT per assignment. Its body is a top-level JSON array of {"id", "all_dates": [...]}. The base
 * entry ({"base": true}) carries only the changed keys: a key it lacks is left alone. An override
 * entry is different: a key it lacks is UN-overridden (the date falls back to the base date). So
 * an override entry always carries each of the three dates that the override has now (its
 * present keys, with the live value unless the plan changes it) plus the changed ones; a date the
 * override does not override is left out, which keeps it un-overridden -- sending it as null
 * would override it to "no date", a change nobody planned.
 *
 * Writable names are Canvas's own (issue 15, canvas-lms master): an assignment's peer review date
 * is assignment[peer_reviews_assign_at] (Assignment#update_from_params,
 * API_ALLOWED_ASSIGNMENT_INPUT_FIELDS; the model's "peer_reviews_due_at" is no parameter); a
 * discussion's or announcement's unlock_at is NOT writable (DiscussionTopicsController
 * API_ALLOWED_TOPIC_FIELDS has delayed_post_at, not unlock_at), so step_set never plans it; a
 * topic's `locked` is (process_lock_parameters), and apply sends it on every topic and announcement
 * PUT (exec.c) because an announcement PUT without it reopens closed comments.
 *
 * Read-back comparison (exec_value_matches): absent and null are one value (Canvas omits keys it
 * has no value for); dates compare as instants (Canvas writes "Z" and no fraction; a plan could
 * hold "+00:00"); numbers and ids compare by text (ids may come back as strings); objects by the
 * plan value's keys only (Canvas adds "completed" to a completion requirement); arrays element by
 * element. HTML fields (resource.h html_fields) compare after exec_html_normalize, because Canvas
 * rewrites HTML in both directions (API.md 7.4), so GET after PUT does not return the bytes sent.
 * The normalisation is deliberately conservative -- it forgives only the rewrites API.md
 * documents, so that a real difference is never hidden:
 *   1. runs of white space (space, tab, CR, LF, FF) become one space; leading and trailing white
 *      space goes (Canvas's sanitizer re-serialises markup and may re-flow it);
 *   2. the attributes data-api-endpoint="..." and data-api-returntype="..." are dropped (added to
 *      file and media links on output);
 *   3. the Canvas origin in front of a root-relative URL goes: "https://canvas.example.edu/x"
 *      reads as "/x" (api_user_content makes root-relative URLs absolute on output);
 *   4. "/courses/N/files/" reads as "/files/" (process_incoming_html_content adds the course
 *      context to file links);
 *   5. in a URL containing "/files/", the query parameters verifier, wrap and download_frd are
 *      dropped and "&amp;" between parameters reads as "&" (file links get verifiers on output);
 *   6. serialisation spelling: a tag's self-closing slash goes ("<hr />" reads as "<hr>"), and in
 *      text outside tags "&quot;" reads as '"' and "&#39;" / "&#x27;" / "&apos;" as "'". Canvas's
 *      sanitizer re-serialises bodies as HTML5 (Nokogiri), which writes void elements without the
 *      slash and quotes in text unescaped, while cmark-gfm (Markdown bodies) and many editors write
 *      "<br />" and "&quot;".
 * Not forgiven: changed text, tags, attribute values, other entity spelling, attribute order. Media
 * comment anchors turned into <video> tags by Canvas would therefore fail read-back; a recipe that
 * edits such a body is reported, not silently assumed written.
 *
 * Rejected: comparing a hash of the sent body with the returned one (fails on every rewrite);
 * comparing only updated_at (a 200 that changed nothing bumps it too with force_updated_at, and
 * pages bump it only for title and body); a full HTML parser (a dependency for five rules).
 */
#include "exec_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dates.h"
#include "xalloc.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Writable fields per kind (API.md), as the plan names them; the parameter has the same name
 * unless param_renames says otherwise. */
static const char *const *const writable[RES_NKINDS] = {
	[RES_COURSE] = LIST("name", "course_code", "start_at", "end_at", "syllabus_body", "time_zone", "default_view",
			    "restrict_enrollments_to_course_dates", "license", "public_description"),
	[RES_ASSIGNMENT] = LIST("name", "description", "position", "points_possible", "grading_type", "due_at",
				"lock_at", "unlock_at", "peer_reviews_assign_at", "assignment_group_id", "peer_reviews",
				"automatic_peer_reviews", "sis_assignment_id", "integration_id", "hide_in_gradebook",
				"omit_from_final_grade", "allowed_attempts", "important_dates", "published",
				"only_visible_to_overrides", "post_to_sis", "submission_types", "grading_standard_id"),
	[RES_ASSIGNMENT_OVERRIDE] = LIST("due_at", "unlock_at", "lock_at"),
	[RES_QUIZ] = LIST("title", "description", "due_at", "lock_at", "unlock_at", "show_correct_answers_at",
			  "hide_correct_answers_at", "published", "quiz_type", "time_limit", "shuffle_answers",
			  "hide_results", "show_correct_answers", "show_correct_answers_last_attempt",
			  "allowed_attempts", "scoring_policy", "one_question_at_a_time", "cant_go_back",
			  "access_code", "ip_filter", "one_time_results", "assignment_group_id"),
	[RES_DISCUSSION_TOPIC] = LIST("title", "message", "discussion_type", "published", "delayed_post_at", "lock_at",
				      "pinned", "require_initial_post", "allow_rating", "only_graders_can_rate",
				      "sort_by_rating", "todo_date", "group_category_id", "podcast_enabled",
				      "podcast_has_student_posts", "specific_sections", "locked"),
	[RES_ANNOUNCEMENT] = LIST("title", "message", "published", "delayed_post_at", "lock_at", "pinned",
				  "require_initial_post", "allow_rating", "only_graders_can_rate", "sort_by_rating",
				  "podcast_enabled", "podcast_has_student_posts", "specific_sections", "locked"),
	[RES_MODULE] = LIST("name", "unlock_at", "position", "require_sequential_progress", "prerequisite_module_ids",
			    "publish_final_grade", "published"),
	[RES_MODULE_ITEM] = LIST("title", "position", "indent", "external_url", "new_tab", "completion_requirement",
				 "published", "module_id"),
	[RES_PAGE] = LIST("title", "body", "editing_roles", "published", "front_page", "publish_at", "todo_date",
			  "student_planner_checkbox"),
	[RES_CALENDAR_EVENT] = LIST("title", "description", "start_at", "end_at", "location_name", "location_address",
				    "all_day", "time_zone_edited"),
	[RES_DATE_OVERRIDE] = LIST("unlock_at", "lock_at"),
};

/* Only on POST. */
static const char *const *const create_only[RES_NKINDS] = {
	[RES_MODULE_ITEM] = LIST("type", "content_id", "page_url"),
	[RES_ANNOUNCEMENT] = LIST("is_announcement"),
	[RES_CALENDAR_EVENT] = LIST("context_code"),
	[RES_ASSIGNMENT_OVERRIDE] = LIST("title", "student_ids", "course_section_id", "group_id"),
};

static int in_list(const char *const *l, const char *s)
{
	for (; l && *l; l++)
		if (!strcmp(*l, s))
			return 1;
	return 0;
}

int exec_is_derived_field(enum resource_kind kind, const char *field)
{
	return kind == RES_PAGE && field && !strcmp(field, "url");
}

const char *exec_param_name(enum resource_kind kind, const char *field, int create)
{
	const char *const *l;

	if ((unsigned)kind >= RES_NKINDS || !field)
		return NULL;
	/* on POST a module item's module is the path's, not a parameter */
	if (create && kind == RES_MODULE_ITEM && !strcmp(field, "module_id"))
		return NULL;
	if (kind == RES_PAGE && !strcmp(field, "todo_date"))
		return "student_todo_at";
	for (l = writable[kind]; l && *l; l++)
		if (!strcmp(*l, field))
			return *l;
	if (create)
		for (l = create_only[kind]; l && *l; l++)
			if (!strcmp(*l, field))
				return *l;
	return NULL;
}

int exec_checkpoint_field(enum resource_kind kind, const cJSON *live, const char *field)
{
	if (kind == RES_PAGE)   /* a page's own availability: only date_details writes it (page_dates.c) */
		return field && (!strcmp(field, "unlock_at") || !strcmp(field, "lock_at"));
	if (kind != RES_ASSIGNMENT || !field ||
	    !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(live, "checkpoints")))
		return 0;
	return in_list(LIST("reply_to_topic_due_at", "required_replies_due_at", "unlock_at", "lock_at"),
		       field);
}

char *exec_checkpoint_path(const char *course_id, const cJSON *live)
{
	char b[32];
	const char *t = exec_id_text(cJSON_GetObjectItemCaseSensitive(live, "discussion_topic_id"), b);

	if (!cJSON_HasObjectItem(live, "discussion_topic_id") && cJSON_HasObjectItem(live, "page_id")) {
		t = exec_id_text(cJSON_GetObjectItemCaseSensitive(live, "page_id"), b);
		return xasprintf("/api/v1/courses/%s/pages/page_id:%s/date_details", course_id, t ? t : "0");
	}
	return xasprintf("/api/v1/courses/%s/discussion_topics/%s/date_details", course_id, t ? t : "0");
}

int exec_is_bulk_field(enum resource_kind kind, const char *field)
{
	if (kind != RES_ASSIGNMENT && kind != RES_ASSIGNMENT_OVERRIDE)
		return 0;
	return field && in_list(LIST("due_at", "unlock_at", "lock_at"), field);
}

/* ---------------------------------------------------------------- paths */

static char *page_ref(const char *id)
{
	return xasprintf("page_id:%s", id);
}

char *exec_object_path(enum resource_kind kind, const char *course_id, const char *id, const char *parent,
		       int read)
{
	const char *c = course_id;
	char *p, *out;

	switch (kind) {
	case RES_COURSE:
		/* a PUT answers the course too: with the include it shows the syllabus it wrote */
		return xasprintf("/api/v1/courses/%s?include[]=syllabus_body", id);
	case RES_ASSIGNMENT:
		return xasprintf("/api/v1/courses/%s/assignments/%s%s", c, id,
				 read ? "?include[]=overrides&include[]=checkpoints&override_assignment_dates=false"
				      : "");
	case RES_ASSIGNMENT_OVERRIDE:
		return xasprintf("/api/v1/courses/%s/assignments/%s/overrides/%s", c, parent ? parent : "0", id);
	case RES_QUIZ:
		return xasprintf("/api/v1/courses/%s/quizzes/%s", c, id);
	case RES_DISCUSSION_TOPIC:
	case RES_ANNOUNCEMENT:
		return xasprintf("/api/v1/courses/%s/discussion_topics/%s", c, id);
	case RES_MODULE:
		return xasprintf("/api/v1/courses/%s/modules/%s", c, id);
	case RES_MODULE_ITEM:
		return xasprintf("/api/v1/courses/%s/modules/%s/items/%s", c, parent ? parent : "0", id);
	case RES_PAGE:
		p = page_ref(id);
		out = xasprintf("/api/v1/courses/%s/pages/%s", c, p);
		free(p);
		return out;
	case RES_CALENDAR_EVENT:
		return xasprintf("/api/v1/calendar_events/%s", id);
	case RES_DATE_OVERRIDE:
		/* the owner's date_details: one shape for the override set (exec_date_details.c); a
		 * page's parent is "page_id:N" (page_dates.c) */
		if (parent && !strncmp(parent, "page_id:", 8))
			return xasprintf("/api/v1/courses/%s/pages/%s/date_details%s", c, parent, read ? "?per_page=100" : "");
		return xasprintf("/api/v1/courses/%s/discussion_topics/%s/date_details%s", c, parent ? parent : "0",
				 read ? "?per_page=100" : "");
	default:
		return xasprintf("/api/v1/courses/%s", c);
	}
}

char *exec_create_path(enum resource_kind kind, const char *course_id, const char *parent)
{
	const char *c = course_id;

	switch (kind) {
	case RES_ASSIGNMENT:
		return xasprintf("/api/v1/courses/%s/assignments", c);
	case RES_ASSIGNMENT_OVERRIDE:
		return xasprintf("/api/v1/courses/%s/assignments/%s/overrides", c, parent ? parent : "0");
	case RES_QUIZ:
		return xasprintf("/api/v1/courses/%s/quizzes", c);
	case RES_DISCUSSION_TOPIC:
	case RES_ANNOUNCEMENT:
		return xasprintf("/api/v1/courses/%s/discussion_topics", c);
	case RES_MODULE:
		return xasprintf("/api/v1/courses/%s/modules", c);
	case RES_MODULE_ITEM:
		return xasprintf("/api/v1/courses/%s/modules/%s/items", c, parent ? parent : "0");
	case RES_PAGE:
		return xasprintf("/api/v1/courses/%s/pages", c);
	case RES_CALENDAR_EVENT:
		return xasprintf("/api/v1/calendar_events");
	default:
		return NULL;
	}
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
		if (kind == RES_MODULE_ITEM && !strcmp(param, "completion_requirement") && cJSON_IsNull(f))
			cJSON_AddStringToObject(inner, param, "");   /* blank clears it; null is skipped */
		else if (kind == RES_PAGE && !strcmp(param, "student_todo_at") && cJSON_IsNull(f))
			cJSON_AddFalseToObject(inner, "student_planner_checkbox");   /* null is ignored */
		else
			cJSON_AddItemToObject(inner, param, cJSON_Duplicate(f, 1));
	}
	/* A module's published flag goes alone (issue 15; ContextModulesApiController#update runs
	 * publish_items! / unpublish_items! unless skip_content_tags): what Canvas would do to the
	 * items and their content is in the plan as changes of their own ("with items"), each
	 * journaled and written by its own PUT, or is not wanted ("module only"). */
	if (!create && kind == RES_MODULE && cJSON_HasObjectItem(inner, "published"))
		cJSON_AddTrueToObject(inner, "skip_content_tags");
	if (create && kind == RES_ANNOUNCEMENT && !cJSON_HasObjectItem(inner, "is_announcement"))
		cJSON_AddTrueToObject(inner, "is_announcement");
	/* quiz[notify_of_update] defaults to TRUE (API.md 8.2): every quiz edit would send students a
	 * "quiz updated" notice -- for a bulk text fix or a rollback, one per quiz. coursectl's edits are
	 * course maintenance, so it says false; Canvas's own due-date notices (API.md 5.2) still go out. */
	if (!create && kind == RES_QUIZ)
		cJSON_AddFalseToObject(inner, "notify_of_update");
	return body;
}

cJSON *exec_id_json(const char *id)
{
	char *end;
	double v = strtod(id, &end);

	if (*id && !*end && isdigit((unsigned char)*id))
		return cJSON_CreateNumber(v);
	return cJSON_CreateString(id);
}

const char *exec_id_text(const cJSON *v, char b[32])
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(b, 32, "%.0f", v->valuedouble);
		return b;
	}
	return NULL;
}

static int id_equal(const cJSON *v, const char *id)
{
	char b[32];
	const char *t = exec_id_text(v, b);

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
		cJSON_AddItemToObject(a, "id", exec_id_json(assignment_id));
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
			cJSON_AddItemToObject(d, "id", exec_id_json(override_id));
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

/* ---------------------------------------------------------------- HTML */

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Rule 1. */
static char *collapse_ws(const char *s)
{
	struct buf b = BUF_INIT;
	int pending = 0;

	buf_puts(&b, "");
	for (; *s; s++) {
		if (is_ws(*s)) {
			pending = 1;
			continue;
		}
		if (pending && b.len)
			buf_putc(&b, ' ');
		pending = 0;
		buf_putc(&b, *s);
	}
	return buf_detach(&b, NULL);
}

/* Rule 2: drop ` data-api-endpoint="..."` and ` data-api-returntype="..."` (after rule 1 an
 * attribute has exactly one space before it). */
static char *drop_api_attrs(const char *s)
{
	static const char *const names[] = { " data-api-endpoint=", " data-api-returntype=" };
	struct buf b = BUF_INIT;
	size_t i;

	buf_puts(&b, "");
	while (*s) {
		int dropped = 0;

		for (i = 0; i < 2 && !dropped; i++) {
			size_t n = strlen(names[i]);
			const char *q, *e;

			if (strncasecmp(s, names[i], n))
				continue;
			q = s + n;
			if (*q != '"' && *q != '\'')
				continue;
			e = strchr(q + 1, *q);
			if (!e)
				continue;
			s = e + 1;
			dropped = 1;
		}
		if (!dropped)
			buf_putc(&b, *s++);
	}
	return buf_detach(&b, NULL);
}

/* Rule 3: "ORIGIN/" -> "/" (case-insensitive on the origin). */
static char *strip_origin(const char *s, const char *origin)
{
	struct buf b = BUF_INIT;
	size_t n = origin ? strlen(origin) : 0;

	while (n && origin[n - 1] == '/')
		n--;
	buf_puts(&b, "");
	while (*s) {
		if (n && !strncasecmp(s, origin, n) && s[n] == '/') {
			s += n;
			continue;
		}
		buf_putc(&b, *s++);
	}
	return buf_detach(&b, NULL);
}

static int url_end(char c)
{
	return !c || c == '"' || c == '\'' || c == '<' || c == '>' || is_ws(c);
}

/* Rules 4 and 5. */
static char *file_links(const char *s)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "");
	while (*s) {
		const char *p = s, *q;

		/* "/courses/N/files/" -> "/files/" */
		if (!strncmp(p, "/courses/", 9) && isdigit((unsigned char)p[9])) {
			q = p + 9;
			while (isdigit((unsigned char)*q))
				q++;
			if (!strncmp(q, "/files/", 7))
				p = q;
		}
		if (strncmp(p, "/files/", 7)) {
			buf_putc(&b, *s++);
			continue;
		}
		/* a file URL: copy its path, then its query without verifier/wrap/download_frd */
		while (!url_end(*p) && *p != '?')
			buf_putc(&b, *p++);
		if (*p == '?') {
			int first = 1;

			p++;
			while (!url_end(*p)) {
				const char *e = p;
				size_t len;

				while (!url_end(*e) && *e != '&')
					e++;
				len = (size_t)(e - p);
				if (!(len >= 9 && !strncmp(p, "verifier=", 9)) && !(len >= 5 && !strncmp(p, "wrap=", 5)) &&
				    !(len >= 13 && !strncmp(p, "download_frd=", 13)) && len) {
					buf_putc(&b, first ? '?' : '&');
					buf_add(&b, p, len);
					first = 0;
				}
				p = e;
				if (*p == '&') {
					p++;
					if (!strncmp(p, "amp;", 4))
						p += 4;
				}
			}
		}
		s = p;
	}
	return buf_detach(&b, NULL);
}

/* Rule 6, after rule 1 (white space is one space by then). A tag runs from '<' + letter or '/' to
 * the '>' outside quotes. */
static char *serialisation(const char *s)
{
	static const struct { const char *ent; char c; } quotes[] = {
		{ "&quot;", '"' }, { "&#34;", '"' }, { "&#39;", '\'' }, { "&#x27;", '\'' }, { "&apos;", '\'' },
	};
	struct buf b = BUF_INIT;
	size_t i;

	buf_puts(&b, "");
	while (*s) {
		if (*s == '<' && (isalpha((unsigned char)s[1]) || s[1] == '/')) {
			char q = 0;

			while (*s && (q || *s != '>')) {
				if (q && *s == q)
					q = 0;
				else if (!q && (*s == '"' || *s == '\''))
					q = *s;
				if (!q && *s == '/' && (s[1] == '>' || (s[1] == ' ' && s[2] == '>'))) {
					/* "<br/>", "<br />": drop the slash and the space before it */
					if (b.len && b.ptr[b.len - 1] == ' ')
						b.len--;
					s += s[1] == ' ' ? 2 : 1;
					continue;
				}
				buf_putc(&b, *s++);
			}
			if (*s)
				buf_putc(&b, *s++);
			continue;
		}
		if (*s == '&') {
			for (i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++)
				if (!strncmp(s, quotes[i].ent, strlen(quotes[i].ent)))
					break;
			if (i < sizeof(quotes) / sizeof(quotes[0])) {
				buf_putc(&b, quotes[i].c);
				s += strlen(quotes[i].ent);
				continue;
			}
		}
		buf_putc(&b, *s++);
	}
	return buf_detach(&b, NULL);
}

char *exec_html_normalize(const char *html, const char *origin)
{
	char *a = collapse_ws(html ? html : ""), *b2, *c, *d, *e;

	b2 = drop_api_attrs(a);
	free(a);
	c = strip_origin(b2, origin);
	free(b2);
	d = file_links(c);
	free(c);
	e = serialisation(d);
	free(d);
	return e;
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
		nw = exec_html_normalize(w, origin);
		ng = exec_html_normalize(g, origin);
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

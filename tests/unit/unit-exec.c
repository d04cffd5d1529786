/* tests/unit/unit-exec.c -- the pure parts of apply: runner/exec_write.c (parameters, paths, request
 * bodies, the bulk_update body, comparing values read back, HTML normalisation, stripping a deleted
 * object for its re-creation) and runner/exec_inverse.c (the undo plan of a journal).
 *
 * What apply relies on: a field is written under the parameter Canvas reads (a page's todo_date as
 * student_todo_at), in the kind's wrapper (discussions flat); a field Canvas has no parameter for
 * is recognised; an override entry of bulk_update carries every date the override has (a missing
 * key un-overrides it) and never one it does not; read-back forgives Canvas's documented HTML
 * rewrites and nothing else; the rollback plan undoes done and in-doubt changes newest first, with
 * ids of created objects and re-created modules resolved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../runner/exec_internal.h"
#include "exec.h"
#include "html_norm.h"
#include "journal.h"
#include "plan.h"
#include "xalloc.h"

#define ORIGIN "https://canvas.example.edu"

static char *print(const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);

	assert_non_null(s);
	return s;
}

static void assert_json(const cJSON *v, const char *want)
{
	cJSON *w = cJSON_Parse(want);
	char *got = print(v), *ws;

	assert_non_null(w);
	ws = print(w);
	if (strcmp(got, ws))
		fail_msg("got %s, want %s", got, ws);
	free(got);
	free(ws);
	cJSON_Delete(w);
}

/* ---------------------------------------------------------------- parameters and paths */

static void test_param_names(void **state)
{
	static const struct {
		enum resource_kind kind;
		const char *field;
		int create;
		const char *want;
	} t[] = {
		{ RES_PAGE, "todo_date", 0, "student_todo_at" },
		{ RES_PAGE, "body", 0, "body" },
		{ RES_PAGE, "url", 0, NULL },                     /* follows the title */
		{ RES_PAGE, "front_page", 0, "front_page" },
		{ RES_ASSIGNMENT, "due_at", 0, "due_at" },
		{ RES_ASSIGNMENT, "html_url", 0, NULL },
		{ RES_ASSIGNMENT, "workflow_state", 0, NULL },   /* published is the parameter */
		{ RES_ASSIGNMENT_OVERRIDE, "title", 0, NULL },
		{ RES_COURSE, "syllabus_body", 0, "syllabus_body" },
		{ RES_COURSE, "id", 0, NULL },
		{ RES_MODULE_ITEM, "module_id", 0, "module_id" },   /* a move */
		{ RES_MODULE_ITEM, "module_id", 1, NULL },          /* on create: the path's */
		{ RES_MODULE_ITEM, "type", 0, NULL },
		{ RES_MODULE_ITEM, "type", 1, "type" },
		{ RES_MODULE_ITEM, "content_id", 1, "content_id" },
		{ RES_MODULE_ITEM, "content_id", 0, NULL },
		{ RES_DISCUSSION_TOPIC, "todo_date", 0, "todo_date" },
		{ RES_ANNOUNCEMENT, "delayed_post_at", 0, "delayed_post_at" },
		{ RES_MODULE, "prerequisite_module_ids", 0, "prerequisite_module_ids" },
		{ RES_MODULE, "items_count", 0, NULL },
		{ RES_CALENDAR_EVENT, "start_at", 0, "start_at" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got = exec_param_name(t[i].kind, t[i].field, t[i].create);

		if (!t[i].want ? got != NULL : !got || strcmp(got, t[i].want))
			fail_msg("%s.%s (create %d): got %s, want %s", plan_kind_name(t[i].kind), t[i].field,
				 t[i].create, got ? got : "NULL", t[i].want ? t[i].want : "NULL");
	}
	assert_true(exec_is_bulk_field(RES_ASSIGNMENT, "due_at"));
	assert_true(exec_is_bulk_field(RES_ASSIGNMENT_OVERRIDE, "lock_at"));
	assert_false(exec_is_bulk_field(RES_ASSIGNMENT, "peer_reviews_due_at"));
	assert_false(exec_is_bulk_field(RES_QUIZ, "due_at"));
	/* Canvas's names (issue 15): peer_reviews_assign_at is the parameter, a topic's unlock_at none */
	assert_string_equal(exec_param_name(RES_ASSIGNMENT, "peer_reviews_assign_at", 0), "peer_reviews_assign_at");
	assert_null(exec_param_name(RES_ASSIGNMENT, "peer_reviews_due_at", 0));
	assert_null(exec_param_name(RES_DISCUSSION_TOPIC, "unlock_at", 0));
	assert_null(exec_param_name(RES_ANNOUNCEMENT, "unlock_at", 0));
	assert_string_equal(exec_param_name(RES_ANNOUNCEMENT, "locked", 0), "locked");
	assert_true(exec_is_derived_field(RES_PAGE, "url"));
	assert_false(exec_is_derived_field(RES_PAGE, "title"));
}

static void test_paths(void **state)
{
	static const struct {
		enum resource_kind kind;
		const char *id, *parent;
		int read;
		const char *want;
	} t[] = {
		{ RES_COURSE, "4821", NULL, 0, "/api/v1/courses/4821?include[]=syllabus_body" },
		{ RES_ASSIGNMENT, "7101", NULL, 0, "/api/v1/courses/4821/assignments/7101" },
		{ RES_ASSIGNMENT, "7101", NULL, 1,
		  "/api/v1/courses/4821/assignments/7101?include[]=overrides&include[]=checkpoints&override_assignment_dates=false" },
		{ RES_ASSIGNMENT_OVERRIDE, "9111", "9101", 0, "/api/v1/courses/4821/assignments/9101/overrides/9111" },
		{ RES_QUIZ, "7201", NULL, 0, "/api/v1/courses/4821/quizzes/7201" },
		{ RES_DISCUSSION_TOPIC, "7301", NULL, 0, "/api/v1/courses/4821/discussion_topics/7301" },
		{ RES_ANNOUNCEMENT, "7401", NULL, 0, "/api/v1/courses/4821/discussion_topics/7401" },
		{ RES_MODULE, "7501", NULL, 0, "/api/v1/courses/4821/modules/7501" },
		{ RES_MODULE_ITEM, "8412", "8400", 0, "/api/v1/courses/4821/modules/8400/items/8412" },
		{ RES_PAGE, "5002", NULL, 0, "/api/v1/courses/4821/pages/page_id:5002" },
		{ RES_CALENDAR_EVENT, "7601", NULL, 0, "/api/v1/calendar_events/7601" },
	};
	size_t i;
	char *p;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = exec_object_path(t[i].kind, "4821", t[i].id, t[i].parent, t[i].read);
		assert_string_equal(p, t[i].want);
		free(p);
	}
	p = exec_create_path(RES_MODULE_ITEM, "4830", "8400");
	assert_string_equal(p, "/api/v1/courses/4830/modules/8400/items");
	free(p);
	p = exec_create_path(RES_PAGE, "4830", NULL);
	assert_string_equal(p, "/api/v1/courses/4830/pages");
	free(p);
	p = exec_create_path(RES_ANNOUNCEMENT, "4830", NULL);
	assert_string_equal(p, "/api/v1/courses/4830/discussion_topics");
	free(p);
	assert_null(exec_create_path(RES_COURSE, "4830", NULL));
}

/* ---------------------------------------------------------------- bodies */

static void test_bodies_per_kind(void **state)
{
	static const struct {
		enum resource_kind kind;
		int create;
		const char *fields, *want;
	} t[] = {
		{ RES_ASSIGNMENT, 0, "{\"description\":\"<p>x</p>\",\"published\":true,\"html_url\":\"h\"}",
		  "{\"assignment\":{\"description\":\"<p>x</p>\",\"published\":true}}" },
		{ RES_COURSE, 0, "{\"syllabus_body\":\"<p>s</p>\",\"start_at\":null}",
		  "{\"course\":{\"syllabus_body\":\"<p>s</p>\",\"start_at\":null}}" },
		{ RES_PAGE, 0, "{\"body\":\"<p>b</p>\",\"todo_date\":\"2026-01-12T05:00:00Z\",\"url\":\"x\"}",
		  "{\"wiki_page\":{\"body\":\"<p>b</p>\",\"student_todo_at\":\"2026-01-12T05:00:00Z\"}}" },
		/* a null student_todo_at is ignored by assign_todo_date: clearing is the checkbox's */
		{ RES_PAGE, 0, "{\"todo_date\":null}", "{\"wiki_page\":{\"student_planner_checkbox\":false}}" },
		{ RES_DISCUSSION_TOPIC, 0, "{\"message\":\"<p>m</p>\",\"lock_at\":\"2026-02-01T04:59:59Z\"}",
		  "{\"message\":\"<p>m</p>\",\"lock_at\":\"2026-02-01T04:59:59Z\"}" },
		{ RES_ANNOUNCEMENT, 0, "{\"title\":\"T\"}", "{\"title\":\"T\"}" },
		{ RES_ANNOUNCEMENT, 1, "{\"title\":\"T\"}", "{\"title\":\"T\",\"is_announcement\":true}" },
		{ RES_QUIZ, 0, "{\"due_at\":\"2026-02-01T04:59:59Z\"}",
		  "{\"quiz\":{\"due_at\":\"2026-02-01T04:59:59Z\",\"notify_of_update\":false}}" },
		{ RES_QUIZ, 1, "{\"title\":\"Q\"}", "{\"quiz\":{\"title\":\"Q\"}}" },
		{ RES_MODULE, 0, "{\"published\":true,\"prerequisite_module_ids\":[8401]}",
		  "{\"module\":{\"published\":true,\"prerequisite_module_ids\":[8401],\"skip_content_tags\":true}}" },
		{ RES_MODULE_ITEM, 0, "{\"module_id\":8402,\"position\":1}",
		  "{\"module_item\":{\"module_id\":8402,\"position\":1}}" },
		{ RES_MODULE_ITEM, 0, "{\"completion_requirement\":null}", "{\"module_item\":{\"completion_requirement\":\"\"}}" },
		{ RES_MODULE_ITEM, 1,
		  "{\"title\":\"Q\",\"type\":\"Quiz\",\"content_id\":8201,\"position\":4,\"module_id\":8400,\"published\":true}",
		  "{\"module_item\":{\"title\":\"Q\",\"type\":\"Quiz\",\"content_id\":8201,\"position\":4,\"published\":true}}" },
		{ RES_CALENDAR_EVENT, 0, "{\"start_at\":\"2026-03-03T23:00:00Z\"}",
		  "{\"calendar_event\":{\"start_at\":\"2026-03-03T23:00:00Z\"}}" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cJSON *f = cJSON_Parse(t[i].fields), *b;

		assert_non_null(f);
		b = exec_body(t[i].kind, f, t[i].create);
		assert_json(b, t[i].want);
		cJSON_Delete(b);
		cJSON_Delete(f);
	}
}

static void test_bulk_body(void **state)
{
	cJSON *body = cJSON_CreateArray();
	cJSON *full = cJSON_Parse("{\"id\":9111,\"title\":\"Section 03\",\"due_at\":\"2025-09-10T05:59:59Z\","
				  "\"unlock_at\":\"2025-09-02T06:00:00Z\",\"lock_at\":null}");
	cJSON *due_only = cJSON_Parse("{\"id\":9112,\"due_at\":\"2025-09-13T05:59:59Z\"}");
	cJSON *v1 = cJSON_CreateString("2026-01-30T06:59:59Z"), *v2 = cJSON_CreateString("2026-01-28T06:59:59Z");
	cJSON *v3 = cJSON_CreateString("2026-01-31T06:59:59Z"), *v4 = cJSON_CreateNull();

	(void)state;
	/* an override first: the base entry, added later, still comes first */
	exec_bulk_add(body, "9101", "9111", full, "due_at", v1);
	exec_bulk_add(body, "9101", NULL, NULL, "due_at", v2);
	exec_bulk_add(body, "9101", NULL, NULL, "lock_at", v4);
	exec_bulk_add(body, "9101", "9112", due_only, "due_at", v3);
	exec_bulk_add(body, "9102", NULL, NULL, "due_at", v2);
	assert_json(body,
		    "[{\"id\":9101,\"all_dates\":["
		    "{\"base\":true,\"due_at\":\"2026-01-28T06:59:59Z\",\"lock_at\":null},"
		    "{\"id\":9111,\"due_at\":\"2026-01-30T06:59:59Z\",\"unlock_at\":\"2025-09-02T06:00:00Z\","
		    "\"lock_at\":null},"
		    "{\"id\":9112,\"due_at\":\"2026-01-31T06:59:59Z\"}]},"
		    "{\"id\":9102,\"all_dates\":[{\"base\":true,\"due_at\":\"2026-01-28T06:59:59Z\"}]}]");
	/* an override gaining a date it did not override: that key is added, the others kept */
	cJSON_Delete(body);
	body = cJSON_CreateArray();
	exec_bulk_add(body, "9101", "9112", due_only, "lock_at", v1);
	assert_json(body, "[{\"id\":9101,\"all_dates\":[{\"id\":9112,\"due_at\":\"2025-09-13T05:59:59Z\","
			  "\"lock_at\":\"2026-01-30T06:59:59Z\"}]}]");
	cJSON_Delete(body);
	cJSON_Delete(full);
	cJSON_Delete(due_only);
	cJSON_Delete(v1);
	cJSON_Delete(v2);
	cJSON_Delete(v3);
	cJSON_Delete(v4);
}

/* PUT date_details (exec_date_details.c): every override of the topic, with id, target and dates;
 * those of the one written replaced; a null target left out; no topic dates. */
static void test_date_details_body(void **state)
{
	cJSON *ovs = cJSON_Parse("[{\"id\":94621,\"discussion_topic_id\":9462,\"title\":\"Section B\","
				 "\"course_section_id\":94602,\"unlock_at\":\"2026-02-05T08:00:00Z\","
				 "\"lock_at\":\"2026-02-25T08:00:00Z\"},"
				 "{\"id\":94622,\"title\":\"2 students\",\"student_ids\":[7,8],\"group_id\":null,"
				 "\"unlock_at\":null,\"lock_at\":\"2026-02-26T08:00:00Z\"}]");
	cJSON *fields = cJSON_Parse("{\"unlock_at\":\"2026-02-12T08:00:00Z\",\"due_at\":\"x\"}");
	cJSON *body;

	(void)state;
	body = exec_date_details_body(ovs, "94621", fields);
	assert_json(body, "{\"assignment_overrides\":["
			  "{\"id\":94621,\"course_section_id\":94602,\"title\":\"Section B\","
			  "\"lock_at\":\"2026-02-25T08:00:00Z\",\"unlock_at\":\"2026-02-12T08:00:00Z\"},"
			  "{\"id\":94622,\"student_ids\":[7,8],\"title\":\"2 students\",\"unlock_at\":null,"
			  "\"lock_at\":\"2026-02-26T08:00:00Z\"}]}");
	cJSON_Delete(body);
	cJSON_Delete(fields);
	cJSON_Delete(ovs);
}

/* ---------------------------------------------------------------- comparing */

static void test_html_normalize(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "  <p>a \n\t b</p>\n", "<p>a b</p>" },
		{ "<p>x</p>\n\n<p>y</p>", "<p>x</p> <p>y</p>" },
		{ "<a href=\"https://canvas.example.edu/courses/1/pages/x\">x</a>", "<a href=\"/courses/1/pages/x\">x</a>" },
		{ "<a href=\"HTTPS://CANVAS.EXAMPLE.EDU/x\">x</a>", "<a href=\"/x\">x</a>" },
		/* another host is not Canvas's rewriting */
		{ "<a href=\"https://canvas.example.edu.evil/x\">x</a>", "<a href=\"https://canvas.example.edu.evil/x\">x</a>" },
		{ "<a href=\"/courses/4821/files/55/download?verifier=abc&amp;wrap=1\">f</a>",
		  "<a href=\"/files/55/download\">f</a>" },
		{ "<img src=\"/files/55/preview?verifier=abc&amp;x=1\" data-api-endpoint=\"https://canvas.example.edu/api/v1/"
		  "files/55\" data-api-returntype=\"File\">",
		  "<img src=\"/files/55/preview?x=1\">" },
		{ "<a href=\"/files/9?download_frd=1\">f</a>", "<a href=\"/files/9\">f</a>" },
		/* text that merely mentions verifier outside a file URL stays */
		{ "<p>verifier=abc</p>", "<p>verifier=abc</p>" },
		/* rule 6: HTML5 serialisation -- no self-closing slash, quotes unescaped in text */
		{ "<p>a<br />b<br/>c</p><hr />", "<p>a<br>b<br>c</p><hr>" },
		{ "<img src=\"/x.png\" alt=\"a /> b\" />", "<img src=\"/x.png\" alt=\"a /> b\">" },
		{ "<p>&quot;Hi&quot; &#39;there&#x27; &apos;x&#34;</p>", "<p>\"Hi\" 'there' 'x\"</p>" },
		/* an attribute's &quot; is the attribute's spelling, not text: kept */
		{ "<a title=\"&quot;q&quot;\">x</a>", "<a title=\"&quot;q&quot;\">x</a>" },
		/* other entities and a slash in text stay */
		{ "<p>a &amp; b &lt; c / d</p>", "<p>a &amp; b &lt; c / d</p>" },
		{ "<p>1 < 2 /></p>", "<p>1 < 2 /></p>" },
		{ "", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = html_normalize(t[i].in, ORIGIN);

		if (strcmp(got, t[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, got, t[i].want);
		free(got);
	}
}

static void test_value_matches(void **state)
{
	static const struct {
		enum resource_kind kind;
		const char *field, *want, *got;   /* got NULL: absent */
		int match;
	} t[] = {
		{ RES_ASSIGNMENT, "due_at", "\"2026-01-28T06:59:59Z\"", "\"2026-01-28T01:59:59-05:00\"", 1 },
		{ RES_ASSIGNMENT, "due_at", "\"2026-01-28T06:59:59Z\"", "\"2026-01-28T06:59:58Z\"", 0 },
		{ RES_ASSIGNMENT, "due_at", "null", NULL, 1 },
		{ RES_ASSIGNMENT, "due_at", "\"2026-01-28T06:59:59Z\"", NULL, 0 },
		{ RES_ASSIGNMENT, "name", "\"Lab\"", "\"Lab \"", 0 },
		{ RES_ASSIGNMENT, "published", "true", "true", 1 },
		{ RES_ASSIGNMENT, "published", "true", "false", 0 },
		{ RES_ASSIGNMENT, "points_possible", "10", "10.0", 1 },
		{ RES_MODULE_ITEM, "module_id", "\"8402\"", "8402", 1 },
		{ RES_MODULE_ITEM, "module_id", "8401", "8402", 0 },
		{ RES_MODULE_ITEM, "completion_requirement", "{\"type\":\"must_view\"}",
		  "{\"type\":\"must_view\",\"completed\":false}", 1 },
		{ RES_MODULE_ITEM, "completion_requirement", "{\"type\":\"min_score\",\"min_score\":70}",
		  "{\"type\":\"min_score\",\"min_score\":60}", 0 },
		{ RES_MODULE, "prerequisite_module_ids", "[8401]", "[8401]", 1 },
		{ RES_MODULE, "prerequisite_module_ids", "[8401]", "[]", 0 },
		{ RES_PAGE, "body", "<p>a  b</p>", NULL, 0 },
		{ RES_PAGE, "body", "\"<p>See <a href=\\\"/x\\\">x</a></p>\"",
		  "\"<p>See <a href=\\\"https://canvas.example.edu/x\\\">x</a></p>\\n\"", 1 },
		{ RES_PAGE, "body", "\"<p>Fall</p>\"", "\"<p>Spring</p>\"", 0 },
		{ RES_PAGE, "body", "\"<p>&quot;a&quot;<br /></p><hr />\"", "\"<p>\\\"a\\\"<br></p><hr>\"", 1 },
		{ RES_PAGE, "body", "\"<p>&quot;a&quot;</p>\"", "\"<p>'a'</p>\"", 0 },
		{ RES_PAGE, "body", "\"\"", "null", 1 },
		{ RES_PAGE, "title", "\"a  b\"", "\"a b\"", 0 },   /* not HTML: exact */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cJSON *w = cJSON_Parse(t[i].want), *g = t[i].got ? cJSON_Parse(t[i].got) : NULL;
		int m;

		if (!w)
			w = cJSON_CreateString(t[i].want);
		m = exec_value_matches(t[i].kind, t[i].field, w, g, ORIGIN);
		if (m != t[i].match)
			fail_msg("case %zu (%s %s vs %s): got %d", i, t[i].field, t[i].want, t[i].got ? t[i].got : "absent", m);
		cJSON_Delete(w);
		cJSON_Delete(g);
	}
}

static void test_strip_for_create(void **state)
{
	cJSON *m = cJSON_Parse("{\"id\":8406,\"name\":\"Sandbox\",\"position\":7,\"published\":false,"
			       "\"items_count\":1,\"items_url\":\"u\",\"items\":[],\"updated_at\":\"x\"}");
	cJSON *it = cJSON_Parse("{\"id\":8460,\"module_id\":8406,\"title\":\"Test link\",\"type\":\"ExternalUrl\","
				"\"external_url\":\"https://example.org\",\"html_url\":\"h\",\"page_id\":5,"
				"\"completion_requirement\":{\"type\":\"must_view\",\"completed\":true}}");
	cJSON *pg = cJSON_Parse("{\"page_id\":5001,\"url\":\"home\",\"title\":\"Home\",\"body\":\"<p>x</p>\","
				"\"created_at\":\"c\",\"hide_from_students\":false,\"front_page\":true}");

	(void)state;
	exec_strip_for_create(RES_MODULE, m);
	assert_json(m, "{\"name\":\"Sandbox\",\"position\":7,\"published\":false}");
	exec_strip_for_create(RES_MODULE_ITEM, it);
	assert_json(it, "{\"title\":\"Test link\",\"type\":\"ExternalUrl\",\"external_url\":\"https://example.org\","
			"\"completion_requirement\":{\"type\":\"must_view\"}}");
	exec_strip_for_create(RES_PAGE, pg);
	assert_json(pg, "{\"title\":\"Home\",\"body\":\"<p>x</p>\",\"front_page\":true}");
	cJSON_Delete(m);
	cJSON_Delete(it);
	cJSON_Delete(pg);
}

/* ---------------------------------------------------------------- the inverse plan */

/* A journal's plan in course 4830, and its states/ids, as journal_read would give them. */
static const char *journal_plan =
	"{\"format\":\"coursectl-plan\",\"version\":1,\"base_url\":\"https://canvas.example.edu\","
	" \"recipe\":\"r.yaml\",\"courses\":[{\"id\":4830,\"name\":\"PHYS 105\",\"time_zone\":\"America/Denver\"}],"
	" \"changes\":["
	/* 1 */ "{\"seq\":1,\"step\":\"s\",\"course_id\":4830,\"kind\":\"module\",\"id\":8400,\"name\":\"Start Here\","
	"   \"op\":\"update\",\"field\":\"published\",\"before\":false,\"after\":true},"
	/* 2 */ "{\"seq\":2,\"step\":\"s\",\"course_id\":4830,\"kind\":\"module_item\",\"id\":8412,\"parent\":8400,"
	"   \"name\":\"Overview\",\"op\":\"update\",\"field\":\"position\",\"before\":3,\"after\":2},"
	/* 3 */ "{\"seq\":3,\"step\":\"s\",\"course_id\":4830,\"kind\":\"module\",\"id\":\"new:1\",\"name\":\"Extra\","
	"   \"op\":\"create\",\"field\":null,\"before\":null,\"after\":{\"name\":\"Extra\",\"position\":8}},"
	/* 4 */ "{\"seq\":4,\"step\":\"s\",\"course_id\":4830,\"kind\":\"module_item\",\"id\":\"new:2\",\"parent\":\"new:1\","
	"   \"name\":\"Quiz\",\"op\":\"create\",\"field\":null,\"before\":null,"
	"   \"after\":{\"title\":\"Quiz\",\"type\":\"Quiz\",\"content_id\":8201,\"module_id\":\"new:1\",\"position\":1}},"
	/* 5 */ "{\"seq\":5,\"step\":\"s\",\"course_id\":4830,\"kind\":\"module\",\"id\":8406,\"name\":\"Sandbox\","
	"   \"op\":\"delete\",\"field\":null,\"after\":null,"
	"   \"before\":{\"id\":8406,\"name\":\"Sandbox\",\"position\":7,\"published\":false,\"items_count\":1,"
	"     \"items\":[{\"id\":8460,\"module_id\":8406,\"title\":\"Test link\",\"type\":\"ExternalUrl\","
	"       \"external_url\":\"https://example.org/test\",\"position\":1}]}},"
	/* 6 */ "{\"seq\":6,\"step\":\"s\",\"course_id\":4830,\"kind\":\"module\",\"id\":8404,\"name\":\"Week 4\","
	"   \"op\":\"update\",\"field\":\"prerequisite_module_ids\",\"before\":[8406],\"after\":[]},"
	/* 7 */ "{\"seq\":7,\"step\":\"s\",\"course_id\":4830,\"kind\":\"module_item\",\"id\":8430,\"parent\":8402,"
	"   \"name\":\"Reading\",\"op\":\"move\",\"field\":\"module_id\",\"before\":8402,\"after\":\"new:1\"},"
	/* 8 */ "{\"seq\":8,\"step\":\"s\",\"course_id\":4830,\"kind\":\"module\",\"id\":8400,\"name\":\"Start Here\","
	"   \"op\":\"update\",\"field\":\"name\",\"before\":\"Start\",\"after\":\"Start Here\"},"
	/* 9 */ "{\"seq\":9,\"step\":\"s\",\"course_id\":4830,\"kind\":\"page\",\"id\":\"new:3\",\"name\":\"Lost\","
	"   \"op\":\"create\",\"field\":null,\"before\":null,\"after\":{\"title\":\"Lost\"}},"
	/* 10 */ "{\"seq\":10,\"step\":\"s\",\"course_id\":4830,\"kind\":\"page\",\"id\":5001,\"name\":\"Home\","
	"   \"op\":\"update\",\"field\":\"body\",\"before\":\"<p>a</p>\",\"after\":\"<p>b</p>\"}"
	" ],\"skipped\":[]}";

static void test_inverse_plan(void **state)
{
	cJSON *doc = cJSON_Parse(journal_plan);
	struct journal_log l;
	struct plan *inv = NULL;
	struct err err = ERR_INIT;
	enum journal_state st[10] = { JOURNAL_DONE, JOURNAL_DONE, JOURNAL_DONE, JOURNAL_DONE, JOURNAL_DONE,
				      JOURNAL_DONE, JOURNAL_DONE, JOURNAL_FAILED, JOURNAL_INTENT, JOURNAL_INTENT };
	char *ids[10] = { NULL, NULL, "9001", "9002", NULL, NULL, NULL, NULL, NULL, NULL };
	char *errors[10] = { NULL };
	static const char *const want[] = {
		/* kind id parent op field before -> after, newest object first */
		"page 5001 - update body \"<p>b</p>\" -> \"<p>a</p>\"",
		"module_item 8430 8402 move module_id 9001 -> 8402",
		"module 8404 - update prerequisite_module_ids [] -> [\"new:1\"]",
		"module new:1 - create - null -> {\"name\":\"Sandbox\",\"position\":7,\"published\":false}",
		"module_item new:2 new:1 create - null -> {\"title\":\"Test link\",\"type\":\"ExternalUrl\","
		"\"external_url\":\"https://example.org/test\",\"position\":1,\"module_id\":\"new:1\"}",
		"module_item 9002 9001 delete - {\"title\":\"Quiz\",\"type\":\"Quiz\",\"content_id\":8201,"
		"\"module_id\":9001,\"position\":1,\"id\":9002} -> null",
		"module 9001 - delete - {\"name\":\"Extra\",\"position\":8,\"id\":9001} -> null",
		"module_item 8412 8400 update position 2 -> 3",
		"module 8400 - update published true -> false",
	};
	size_t i;

	(void)state;
	assert_non_null(doc);
	memset(&l, 0, sizeof(l));
	l.path = "j.jsonl";
	assert_int_equal(plan_from_json(&l.plan, doc, "j.jsonl", &err), 0);
	l.state = st;
	l.new_id = ids;
	l.error = errors;
	assert_int_equal(exec_inverse_plan(&inv, &l, &err), 0);
	assert_string_equal(inv->base_url, "https://canvas.example.edu");
	assert_int_equal(inv->ncourses, 1);
	for (i = 0; i < inv->nchanges && i < sizeof(want) / sizeof(want[0]); i++) {
		const struct plan_change *c = &inv->changes[i];
		char *b = print(c->before), *a = print(c->after);
		char *line = xasprintf("%s %s %s %s %s %s -> %s", plan_kind_name(c->kind), c->id,
				       c->parent ? c->parent : "-", plan_op_name(c->op), c->field ? c->field : "-", b, a);

		if (strcmp(line, want[i]))
			fail_msg("change %zu:\n  got  %s\n  want %s", i + 1, line, want[i]);
		assert_int_equal(c->seq, (long)i + 1);
		free(line);
		free(b);
		free(a);
	}
	assert_int_equal(inv->nchanges, sizeof(want) / sizeof(want[0]));
	/* the page create whose id never came back cannot be undone: a skip says what to do */
	assert_int_equal(inv->nskipped, 1);
	assert_string_equal(inv->skipped[0].name, "Lost");
	assert_non_null(strstr(inv->skipped[0].reason, "rollback looks for it in Canvas first"));
	/* the file form of the rollback is a valid plan */
	{
		cJSON *j = plan_to_json(inv);
		struct plan *back = NULL;

		assert_int_equal(plan_from_json(&back, j, "inverse", &err), 0);
		assert_int_equal(back->nchanges, inv->nchanges);
		plan_free(back);
		cJSON_Delete(j);
	}
	plan_free(inv);
	plan_free(l.plan);
	cJSON_Delete(doc);
}

static void test_inverse_plan_empty(void **state)
{
	cJSON *doc = cJSON_Parse(journal_plan);
	struct journal_log l;
	struct plan *inv = NULL;
	struct err err = ERR_INIT;
	enum journal_state st[10] = { JOURNAL_NONE, JOURNAL_FAILED, JOURNAL_CONFLICT, JOURNAL_SKIPPED };
	char *ids[10] = { NULL };

	(void)state;
	memset(&l, 0, sizeof(l));
	l.path = "j.jsonl";
	assert_int_equal(plan_from_json(&l.plan, doc, "j.jsonl", &err), 0);
	l.state = st;
	l.new_id = ids;
	assert_int_equal(exec_inverse_plan(&inv, &l, &err), 0);
	assert_int_equal(inv->nchanges, 0);
	plan_free(inv);
	plan_free(l.plan);
	cJSON_Delete(doc);
}

/* A failed change whose outcome recorded a value Canvas stored instead of the plan's ("live") is
 * undone from that value; a failed change whose live value is its `before`, or that has none,
 * changed nothing and is left out. */
static void test_inverse_plan_failed_but_stored(void **state)
{
	cJSON *doc = cJSON_Parse(journal_plan);
	struct journal_log l;
	struct plan *inv = NULL;
	struct err err = ERR_INIT;
	enum journal_state st[10] = { JOURNAL_FAILED, JOURNAL_NONE, JOURNAL_NONE, JOURNAL_NONE, JOURNAL_NONE,
				      JOURNAL_NONE, JOURNAL_NONE, JOURNAL_FAILED, JOURNAL_NONE, JOURNAL_FAILED };
	char *ids[10] = { NULL };
	cJSON *live[10] = { NULL };
	char *b, *a;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.path = "j.jsonl";
	assert_int_equal(plan_from_json(&l.plan, doc, "j.jsonl", &err), 0);
	live[0] = cJSON_CreateFalse();                  /* #1: Canvas kept its before: nothing to undo */
	live[7] = cJSON_CreateString("Start Here (1)"); /* #8: stored otherwise */
	l.state = st;
	l.new_id = ids;
	l.live = live;                                  /* #10: failed without a live value */
	assert_int_equal(exec_inverse_plan(&inv, &l, &err), 0);
	assert_int_equal(inv->nchanges, 1);
	b = print(inv->changes[0].before);
	a = print(inv->changes[0].after);
	assert_string_equal(inv->changes[0].field, "name");
	assert_string_equal(b, "\"Start Here (1)\"");
	assert_string_equal(a, "\"Start\"");
	assert_non_null(inv->changes[0].note);
	free(b);
	free(a);
	cJSON_Delete(live[0]);
	cJSON_Delete(live[7]);
	plan_free(inv);
	plan_free(l.plan);
	cJSON_Delete(doc);
}

/* A page the journal created as the front page (Canvas refuses to delete the front page,
 * WikiPagesApiController#destroy): in a course that had one (4830: Home lost the flag, change 2),
 * undoing change 2 gives it back and the delete follows alone; in a course that had none (4831),
 * an update front_page true -> false on the created page comes before its delete. */
static void test_inverse_front_page(void **state)
{
	static const char *js =
		"{\"format\":\"coursectl-plan\",\"version\":1,\"base_url\":\"https://canvas.example.edu\","
		" \"courses\":[{\"id\":4830},{\"id\":4831}], \"changes\":["
		"{\"seq\":1,\"step\":\"s\",\"course_id\":4830,\"kind\":\"page\",\"id\":\"new:1\",\"name\":\"W\","
		" \"op\":\"create\",\"field\":null,\"before\":null,"
		" \"after\":{\"url\":\"w\",\"title\":\"W\",\"published\":true,\"front_page\":true}},"
		"{\"seq\":2,\"step\":\"s\",\"course_id\":4830,\"kind\":\"page\",\"id\":5001,\"name\":\"Home\","
		" \"op\":\"update\",\"field\":\"front_page\",\"before\":true,\"after\":false},"
		"{\"seq\":3,\"step\":\"s\",\"course_id\":4831,\"kind\":\"page\",\"id\":\"new:2\",\"name\":\"W\","
		" \"op\":\"create\",\"field\":null,\"before\":null,"
		" \"after\":{\"url\":\"w\",\"title\":\"W\",\"published\":true,\"front_page\":true}}"
		"],\"skipped\":[]}";
	static const char *const want[] = {
		"4831 page 9102 update front_page true -> false",
		"4831 page 9102 delete - ",
		"4830 page 5001 update front_page false -> true",
		"4830 page 9101 delete - ",
	};
	cJSON *doc = cJSON_Parse(js);
	struct journal_log l;
	struct plan *inv = NULL;
	struct err err = ERR_INIT;
	enum journal_state st[3] = { JOURNAL_DONE, JOURNAL_DONE, JOURNAL_DONE };
	char *ids[3] = { "9101", NULL, "9102" };
	char *errors[3] = { NULL };
	size_t i;

	(void)state;
	assert_non_null(doc);
	memset(&l, 0, sizeof(l));
	l.path = "j.jsonl";
	assert_int_equal(plan_from_json(&l.plan, doc, "j.jsonl", &err), 0);
	l.state = st;
	l.new_id = ids;
	l.error = errors;
	assert_int_equal(exec_inverse_plan(&inv, &l, &err), 0);
	assert_int_equal(inv->nchanges, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < inv->nchanges; i++) {
		const struct plan_change *c = &inv->changes[i];
		char *b = print(c->before), *a = print(c->after);
		char *line = c->op == PLAN_DELETE ?
			xasprintf("%s %s %s %s - ", c->course_id, plan_kind_name(c->kind), c->id, plan_op_name(c->op)) :
			xasprintf("%s %s %s %s %s %s -> %s", c->course_id, plan_kind_name(c->kind), c->id,
				  plan_op_name(c->op), c->field, b, a);

		if (strcmp(line, want[i]))
			fail_msg("change %zu:\n  got  %s\n  want %s", i + 1, line, want[i]);
		free(line);
		free(b);
		free(a);
	}
	assert_non_null(strstr(inv->changes[0].note, "no other page had front_page"));
	plan_free(inv);
	plan_free(l.plan);
	cJSON_Delete(doc);
}

/* Creates whose answer was lost (exec_lost.c): the look-up window outlasts the time the request
 * was outstanding (a timed-out one: --timeout), the looks back off, and an object matches a create
 * by name (a module item by type and content). */
static void test_lost_window_and_matching(void **state)
{
	static const struct { double out, window; } win[] = {
		{ 0, 1.0 }, { 1, 2.5 }, { 120, 181 }, { -3, 1.0 },
	};
	static const double delays[] = { 0, 0.25, 0.5, 1, 2, 4, 4, 4 };
	static const struct { int kind; const char *after, *live; int match; } m[] = {
		{ RES_PAGE, "{\"title\":\"Spring office hours\"}", "{\"title\":\"Spring office hours\",\"page_id\":5}", 1 },
		{ RES_PAGE, "{\"title\":\"Spring office hours\"}", "{\"title\":\"Spring Office Hours\"}", 0 },
		{ RES_MODULE, "{\"name\":\"Orientation\"}", "{\"name\":\"Orientation\",\"published\":false}", 1 },
		{ RES_MODULE_ITEM, "{\"type\":\"Page\",\"page_url\":\"a\",\"title\":\"A\"}",
		  "{\"type\":\"Page\",\"page_url\":\"a\",\"title\":\"renamed\"}", 1 },
		{ RES_MODULE_ITEM, "{\"type\":\"Page\",\"page_url\":\"a\"}", "{\"type\":\"Page\",\"page_url\":\"b\"}", 0 },
		{ RES_MODULE_ITEM, "{\"type\":\"ExternalUrl\",\"external_url\":\"https://x\",\"title\":\"X\"}",
		  "{\"type\":\"ExternalUrl\",\"external_url\":\"https://x\",\"title\":\"Y\"}", 0 },
		{ RES_MODULE_ITEM, "{\"type\":\"Assignment\",\"content_id\":7}",
		  "{\"type\":\"Assignment\",\"content_id\":\"7\"}", 1 },
		{ RES_MODULE_ITEM, "{\"type\":\"SubHeader\",\"title\":\"W\"}", "{\"type\":\"Page\",\"title\":\"W\"}", 0 },
		{ RES_CALENDAR_EVENT, "{\"title\":\"E\",\"start_at\":\"x\"}", "{\"title\":\"E\",\"start_at\":\"y\"}", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(win) / sizeof(win[0]); i++)
		assert_true(exec_lost_window(win[i].out) == win[i].window);
	assert_true(exec_lost_window(1) > 1);   /* longer than the request timeout */
	for (i = 0; i < sizeof(delays) / sizeof(delays[0]); i++)
		if (exec_lost_delay((int)i) != delays[i])
			fail_msg("delay of look %zu: %g, want %g", i, exec_lost_delay((int)i), delays[i]);
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		cJSON *a = cJSON_Parse(m[i].after), *o = cJSON_Parse(m[i].live);

		if (exec_create_matches((enum resource_kind)m[i].kind, a, o) != m[i].match)
			fail_msg("case %zu: %s vs %s: want %d", i, m[i].after, m[i].live, m[i].match);
		cJSON_Delete(a);
		cJSON_Delete(o);
	}
}

/* A lost create that cmd_rollback's look-up found (an intent, and now an id): deleted, comparing
 * what its POST sent -- not a module's or item's published flag, which only the PUT after the POST
 * sets (API.md 6.1) and the killed run may not have sent. */
static void test_inverse_of_a_found_lost_create(void **state)
{
	cJSON *doc = cJSON_Parse(journal_plan);
	struct journal_log l;
	struct plan *inv = NULL;
	struct err err = ERR_INIT;
	enum journal_state st[10] = { JOURNAL_NONE };
	char *ids[10] = { NULL };
	char *errors[10] = { NULL };
	size_t i, k = 10;
	char *b;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.path = "j.jsonl";
	assert_int_equal(plan_from_json(&l.plan, doc, "j.jsonl", &err), 0);
	for (i = 0; i < l.plan->nchanges; i++)
		if (l.plan->changes[i].op == PLAN_CREATE && l.plan->changes[i].kind == RES_MODULE && k == 10)
			k = i;
	assert_true(k < 10);
	cJSON_AddTrueToObject(l.plan->changes[k].after, "published");   /* as modules ensure: plans it */
	st[k] = JOURNAL_INTENT;
	ids[k] = "9777";
	l.state = st;
	l.new_id = ids;
	l.error = errors;
	assert_int_equal(exec_inverse_plan(&inv, &l, &err), 0);
	assert_int_equal(inv->nchanges, 1);
	assert_int_equal(inv->changes[0].op, PLAN_DELETE);
	assert_string_equal(inv->changes[0].id, "9777");
	b = print(inv->changes[0].before);
	assert_null(strstr(b, "published"));
	assert_non_null(strstr(b, "\"id\":9777"));
	free(b);
	plan_free(inv);
	/* the same create with its outcome (done, its answer read): published is compared */
	st[k] = JOURNAL_DONE;
	assert_int_equal(exec_inverse_plan(&inv, &l, &err), 0);
	b = print(inv->changes[0].before);
	assert_non_null(strstr(b, "\"published\":true"));
	free(b);
	plan_free(inv);
	plan_free(l.plan);
	cJSON_Delete(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_param_names),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_bodies_per_kind),
		cmocka_unit_test(test_bulk_body),
		cmocka_unit_test(test_date_details_body),
		cmocka_unit_test(test_html_normalize),
		cmocka_unit_test(test_value_matches),
		cmocka_unit_test(test_strip_for_create),
		cmocka_unit_test(test_inverse_plan),
		cmocka_unit_test(test_inverse_plan_empty),
		cmocka_unit_test(test_inverse_plan_failed_but_stored),
		cmocka_unit_test(test_inverse_front_page),
		cmocka_unit_test(test_lost_window_and_matching),
		cmocka_unit_test(test_inverse_of_a_found_lost_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/fuzz/fuzz-sim.c -- libFuzzer target: canvas-sim's decoding of what a client sends.
 *
 * The first byte of the input picks what the rest is (the rest being bytes up to the end):
 *   0  a form body or query string: form_parse, form_to_json (Rack's nesting rules),
 *      form_value_bool on each value, form_urldecode / form_pathdecode of the whole, the
 *      form_urlencode -> form_urldecode round trip, and link_b64url_decode (bookmark tokens)
 *   1  a seed file through sim_load_seed (what `canvas-sim --seed` and PUT /__sim/seed read)
 *   2+ a write request to the simulator's handlers: the byte names a PUT/POST/DELETE route of the
 *      route tables (modulo their count), the next byte the ids put in its :params (an object of a
 *      small fixed seed, or one that does not exist), the next one form (even) or JSON (odd), and
 *      the rest is the body, decoded as sim_server.c decodes it; the handler then runs on a
 *      fresh copy of the seed (sim_reset), so every input starts from the same state.
 * What it checks: no crash, leak or undefined behaviour, whatever a client sends (the simulator
 * is a test tool, but a crash there would fail a test for the wrong reason), and the
 * percent-encoding round trip gives the text back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sim.h"
#include "sim_form.h"
#include "sim_link.h"
#include "xalloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sim s;

static const char seed[] =
	"{\"tokens\":[\"t\"],\"courses\":[{\"id\":1,\"name\":\"C\",\"course_code\":\"C1\","
	"\"time_zone\":\"America/New_York\","
	"\"assignments\":[{\"id\":10,\"name\":\"A\",\"due_at\":\"2026-01-10T04:59:59Z\",\"published\":true,"
	"\"overrides\":[{\"id\":11,\"course_section_id\":5,\"due_at\":null}]}],"
	"\"quizzes\":[{\"id\":40,\"title\":\"Q\",\"due_at\":null}],"
	"\"discussion_topics\":[{\"id\":30,\"title\":\"D\"}],"
	"\"announcements\":[{\"id\":31,\"title\":\"N\"}],"
	"\"modules\":[{\"id\":20,\"name\":\"M\",\"items\":[{\"id\":21,\"title\":\"I\",\"type\":\"Assignment\","
	"\"content_id\":10}]}],"
	"\"pages\":[{\"page_id\":60,\"url\":\"front\",\"title\":\"Front\",\"body\":\"<p>x</p>\"}],"
	"\"calendar_events\":[{\"id\":50,\"title\":\"E\",\"start_at\":\"2026-01-10T15:00:00Z\"}],"
	"\"sections\":[{\"id\":5,\"name\":\"S\"}]}]}";

/* The :params a route gets: indexed by the input's second byte. */
static const char *const ids[] = { "10", "11", "20", "21", "30", "31", "40", "50", "60", "front", "1", "999",
				   "sis_course_id:x", "" };
#define NIDS (sizeof(ids) / sizeof(ids[0]))

static const struct sim_route *const tables[] = {
	sim_routes_courses, sim_routes_assignments, sim_routes_modules, sim_routes_pages,
	sim_routes_discussions, sim_routes_quizzes, sim_routes_calendar, sim_routes_progress,
	sim_routes_date_details,
};

static const struct sim_route *writes[256];
static size_t nwrites;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	size_t t;
	const struct sim_route *r;

	(void)argc;
	(void)argv;
	s.cfg.per_page_max = 100;
	s.cfg.random_seed = 1;
	s.cfg.unauthorized_status = 401;
	s.cfg.progress_delay_ms = 0;
	if (sim_load_seed(&s, seed, err, sizeof(err)))
		abort();
	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (r = tables[t]; r->method; r++)
			if (strcmp(r->method, "GET") && nwrites < sizeof(writes) / sizeof(writes[0]))
				writes[nwrites++] = r;
	return 0;
}

static void form_case(const char *p, size_t n)
{
	struct sim_kv *kv = NULL;
	size_t nkv = 0, i, blen;
	cJSON *j;
	char *a, *b, *c;

	form_parse(p, n, &kv, &nkv);
	j = form_to_json(kv, nkv);
	for (i = 0; i < nkv; i++)
		(void)form_value_bool(kv[i].val);
	cJSON_Delete(j);
	form_free(kv, nkv);
	a = form_urldecode(p, n);
	b = form_urlencode(a);
	c = form_urldecode(b, strlen(b));
	if (strcmp(a, c))
		abort();   /* encoding then decoding must give the text back */
	free(a);
	free(b);
	free(c);
	free(form_pathdecode(p, n));
	a = xstrndup(p, n);
	free(link_b64url_decode(a, &blen));
	free(a);
}

/* :course_id is always the seed's course; the other params take ids[pick]. */
static void set_params(struct sim_req *rq, const char *pattern, unsigned pick)
{
	/* the names sim_server.c's param_name_dup knows (a route's params are always among them) */
	static const char *const known[] = { "course_id", "id", "assignment_id", "module_id", "url_or_id",
					      "revision_id", "topic_id", "account_id", "quiz_id", "user_id",
					      "progress_id" };
	const char *p = pattern;
	size_t i, len;

	while ((p = strchr(p, ':')) && rq->nparams < SIM_MAX_PARAMS) {
		p++;
		len = strcspn(p, "/");
		rq->param_names[rq->nparams] = "unknown";
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strlen(known[i]) == len && !strncmp(known[i], p, len))
				rq->param_names[rq->nparams] = known[i];
		rq->params[rq->nparams] = xstrdup(!strcmp(rq->param_names[rq->nparams], "course_id") ? "1"
						  : ids[pick++ % NIDS]);
		rq->nparams++;
	}
}

static void request_case(unsigned which, const uint8_t *data, size_t size)
{
	const struct sim_route *r = writes[which % nwrites];
	struct sim_req rq;
	struct sim_resp rs;
	struct sim_kv *kv = NULL;
	size_t nkv = 0;
	int i, json;

	if (size < 2)
		return;
	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	sim_reset(&s);
	rq.sim = &s;
	rq.method = r->method;
	rq.route = r->pattern;
	rq.path = xstrdup(r->pattern);
	rq.q = cJSON_CreateObject();
	rq.token = "t";
	rq.base = xstrdup("http://127.0.0.1:1");
	rq.is_write = 1;
	set_params(&rq, r->pattern, data[0]);
	json = data[1] & 1;
	data += 2;
	size -= 2;
	if (json) {
		rq.body = cJSON_ParseWithLength((const char *)data, size);
		rq.body_is_json = 1;
	} else {
		form_parse((const char *)data, size, &kv, &nkv);
		rq.body = form_to_json(kv, nkv);
		form_free(kv, nkv);
	}
	if (rq.body && (!(r->flags & ROUTE_COURSE) || (rq.course = sim_find_course(&s, "1"))))
		r->fn(&rq, &rs);
	free(rs.body);
	for (i = 0; i < rs.nheaders; i++) {
		free(rs.headers[i].name);
		free(rs.headers[i].value);
	}
	free(rq.path);
	for (i = 0; i < rq.nparams; i++)
		free(rq.params[i]);
	cJSON_Delete(rq.q);
	cJSON_Delete(rq.body);
	free(rq.base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], *text;

	if (!size)
		return 0;
	if (data[0] == 0) {
		form_case((const char *)data + 1, size - 1);
	} else if (data[0] == 1) {
		text = xstrndup((const char *)data + 1, size - 1);
		(void)sim_load_seed(&s, text, err, sizeof(err));
		free(text);
		if (sim_load_seed(&s, seed, err, sizeof(err)))
			abort();
	} else {
		request_case(data[0] - 2u, data + 1, size - 1);
	}
	return 0;
}

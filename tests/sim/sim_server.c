/* tests/sim/sim_server.c -- the HTTP side of canvas-sim: libmicrohttpd, and every cross-cutting
 * layer applied to each request in one place.
 *
 * Order of the layers for an /api/ request (each may answer and stop the chain):
 *   1. scripted exceptions (POST /__sim/script): respond, drop, revoke, delay, ignore, rewrite
 *   2. faults: --drop-rate closes the connection; --fail-rate answers 500 (JSON) or 502/503 (HTML,
 *      as proxies send)
 *   3. auth: "Authorization: Bearer <t>" (first word exactly "Bearer"), else access_token in the
 *      query or body; 401 shapes of API.md 1.2; as_user_id only for admin tokens
 *   4. throttle: reserve up_front in the token's bucket; refuse at hwm (403 or 429, plain text)
 *   5. latency: --latency-ms + uniform jitter, while holding the up-front reservation (so parallel
 *      requests pile up in the bucket as they do on Canvas)
 *   6. due background jobs; route match; body decode; handler
 *   7. settle the bucket with the request's cost; X-Request-Cost and X-Rate-Limit-Remaining
 *   8. stats and the request log
 * The global lock is held from 1 to 8 (api_step, count_request), let go only while the request
 * sleeps (a scripted delay, the latency).
 *
 * Threads: by default one epoll thread serves every connection (--threads N: N of them). A request
 * that must wait (the latency, a scripted delay, a trickled answer's next byte) is suspended and
 * resumed by sim_wake.c when due, so it never blocks another and parallel requests still overlap
 * in the bucket as on Canvas. The request's progress through the layers is kept in its connection
 * (struct call) meanwhile, and api_step takes it on when libmicrohttpd calls the handler again.
 * --threads 0 runs a thread per connection, whose requests sleep in their own thread. Why the loop
 * (issue 18): with a thread per connection each request woke its thread and the threads queued on
 * the global lock; serving tests/bench/plan.sh's course, one loop takes about a fifth less CPU
 * (BENCHMARKS.md, "canvas-sim is never the bottleneck", and tests/bench/simfloor.c, the floor of
 * either design). Handlers serialise on sim->lock in both modes. The raw request URI comes from
 * MHD's URI log callback, because MHD's own URL is already percent-decoded and
 * "sis_course_id:CS%2F101" must survive as one path segment.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "sim.h"
#include "sim_fixed.h"
#include "sim_form.h"
#include "sim_server.h"
#include "sim_wake.h"
#include "xalloc.h"

#define BODY_MAX (32u << 20)

static const struct sim_route *const route_tables[] = {
	sim_routes_courses, sim_routes_assignments, sim_routes_modules, sim_routes_pages,
	sim_routes_discussions, sim_routes_quizzes, sim_routes_calendar, sim_routes_progress,
	sim_routes_date_details,
};

struct conn {
	char *uri;          /* raw request target, e.g. "/api/v1/courses/1?include[]=x" */
	struct buf body;
	int started;
	int too_big;
	double t_start;     /* CLOCK_MONOTONIC seconds when the request's headers arrived (the log's "start") */
	struct call *call;  /* an /api/ request that sleeps (suspended) or runs; NULL otherwise */
};

/* ---------------------------------------------------------------- small helpers */

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (ms > 0 && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* "http://" + the Host header: the base of the answer's URLs (malloced; xasprintf's formatting was
 * measurable on 4,092 requests). */
static char *host_base(const char *host)
{
	size_t n = strlen(host);
	char *b = xmalloc(n + 8);

	memcpy(b, "http://", 8);
	memcpy(b + 7, host, n + 1);   /* over the NUL */
	return b;
}

/* A uniform random number in [0, 1) from the simulator's seeded generator (call under lock). */
static double rnd(struct sim *s)
{
	return (double)rand_r(&s->rng) / ((double)RAND_MAX + 1.0);
}

static void resp_release(struct sim_resp *rs)
{
	int i;

	free(rs->body);
	for (i = 0; i < rs->nheaders; i++) {
		free(rs->headers[i].name);
		free(rs->headers[i].value);
	}
	memset(rs, 0, sizeof(*rs));
}

static void req_release(struct sim_req *rq)
{
	int i;

	free(rq->path);
	for (i = 0; i < rq->nparams; i++)
		free(rq->params[i]);
	form_free(rq->query, rq->nquery);
	cJSON_Delete(rq->q);
	cJSON_Delete(rq->body);
	free(rq->base);
	memset(rq, 0, sizeof(*rq));
}

/* ---------------------------------------------------------------- routing */

/* A path's decoded segments: pointers into one buffer. A path of more segments than any route's
 * matches none, so the rest are counted but not kept. */
#define SEGS_MAX 16
struct segs {
	char *v[SEGS_MAX];
	int n;           /* segments in the path (may exceed SEGS_MAX) */
	char *buf;       /* malloced: the decoded segments, NUL-separated */
};

/* The next segment of a path or pattern at *p, slashes skipped: its start, with its length in *len
 * and *p moved past it; NULL at the end. */
static const char *next_seg(const char **p, size_t *len)
{
	const char *s = *p, *e;

	while (*s == '/')
		s++;
	if (!*s)
		return NULL;
	e = strchr(s, '/');
	if (!e)
		e = s + strlen(s);
	*len = (size_t)(e - s);
	*p = e;
	return s;
}

/* Split a raw path into its percent-decoded segments, in one allocation (issue 18: a malloc per
 * segment and a realloc of the array were 2% of the simulator's CPU serving 4,092 GETs; the
 * realloc's free made glibc consolidate the thread's fast bins). Release with segs_free(). */
static void split_path(const char *path, struct segs *sg)
{
	const char *p = path, *seg;
	char *o;
	size_t len;

	sg->n = 0;
	sg->buf = o = xmalloc(strlen(path) + 1);
	while ((seg = next_seg(&p, &len))) {
		if (sg->n < SEGS_MAX) {
			sg->v[sg->n] = o;
			o += form_pathdecode_into(seg, len, o) + 1;
		}
		sg->n++;
	}
}

static void segs_free(struct segs *sg)
{
	free(sg->buf);
	sg->buf = NULL;
}

/* The :name in a pattern ends at '/', so param_names point into the pattern with the rest of it
 * after; sim_param() compares whole names, so store them NUL-terminated instead. */
static const char *param_name_dup(const char *p)
{
	static const char *const known[] = {
		"course_id", "id", "assignment_id", "module_id", "url_or_id", "revision_id", "topic_id",
		"account_id", "quiz_id", "user_id", "progress_id",
	};
	size_t i, len = strcspn(p, "/");

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == len && !strncmp(known[i], p, len))
			return known[i];
	return "unknown";
}

/* Every route of route_tables in order, its pattern split once: a literal segment as a string, a
 * :name segment as NULL with its name. A route of another length is passed over at once, and a
 * request's segments are compared with strcmp, not by walking each pattern again (issue 18: a
 * page's date details, the last table's, parsed the ~100 patterns before it on each of
 * tests/bench/plan.sh's 4,000 requests). Built on the first request, under the global lock, and
 * freed by sim_server_stop. */
static struct route_ix {
	const struct sim_route *r;
	int nsegs;                      /* -1: never matches (more :names than SIM_MAX_PARAMS) */
	char *lit[SEGS_MAX];            /* into `text`; NULL for a :name */
	const char *pname[SEGS_MAX];    /* the :name's name (param_name_dup) */
	char *text;                     /* the pattern's segments, NUL-separated */
} *route_ix;
static size_t nroute_ix;

static void route_ix_split(struct route_ix *ix, const struct sim_route *r)
{
	const char *p = r->pattern, *seg;
	char *o;
	size_t len;
	int np = 0;

	ix->r = r;
	ix->text = o = xstrdup(r->pattern);
	while ((seg = next_seg(&p, &len))) {
		if (ix->nsegs == SEGS_MAX) {
			ix->nsegs = -1;   /* longer than any request split_path keeps */
			return;
		}
		if (*seg == ':') {
			ix->pname[ix->nsegs] = param_name_dup(seg + 1);
			np++;
		} else {
			memcpy(o, seg, len);
			o[len] = '\0';
			ix->lit[ix->nsegs] = o;
			o += len + 1;
		}
		ix->nsegs++;
	}
	if (np > SIM_MAX_PARAMS)
		ix->nsegs = -1;
}

static int match_route(const struct route_ix *ix, const char *method, char **segs, int nsegs, struct sim_req *rq)
{
	int i;

	if (ix->nsegs != nsegs || strcmp(ix->r->method, method))
		return 0;
	for (i = 0; i < nsegs; i++)
		if (ix->lit[i] ? strcmp(ix->lit[i], segs[i]) != 0 : !segs[i][0])
			return 0;
	rq->nparams = 0;
	for (i = 0; i < nsegs; i++) {
		if (ix->lit[i])
			continue;
		rq->param_names[rq->nparams] = ix->pname[i];
		rq->params[rq->nparams] = xstrdup(segs[i]);
		rq->nparams++;
	}
	return 1;
}

static const struct sim_route *find_route(const char *method, char **segs, int nsegs, struct sim_req *rq)
{
	size_t t, k;
	const struct sim_route *r;

	if (!route_ix) {
		for (t = 0; t < sizeof(route_tables) / sizeof(route_tables[0]); t++)
			for (r = route_tables[t]; r->method; r++)
				nroute_ix++;
		route_ix = xcalloc(nroute_ix + 1, sizeof(*route_ix));
		k = 0;
		for (t = 0; t < sizeof(route_tables) / sizeof(route_tables[0]); t++)
			for (r = route_tables[t]; r->method; r++)
				route_ix_split(&route_ix[k++], r);
	}
	for (k = 0; k < nroute_ix; k++)
		if (match_route(&route_ix[k], method, segs, nsegs, rq))
			return route_ix[k].r;
	return NULL;
}

/* ---------------------------------------------------------------- auth */

enum auth_result { AUTH_OK, AUTH_NONE, AUTH_INVALID, AUTH_EXPIRED, AUTH_REVOKED };

static enum auth_result check_token(struct sim *s, const char *tok, const char **expired_at)
{
	cJSON *e;
	const char *exp;
	time_t t;

	if (!tok)
		return AUTH_NONE;
	e = sim_token_entry(s, tok);
	if (!e)
		return AUTH_INVALID;
	if (!cJSON_IsObject(e))
		return AUTH_OK;
	if (sim_bool(e, "revoked", 0))
		return AUTH_REVOKED;
	exp = sim_str(e, "expires_at");
	if (exp && !sim_time_parse(exp, "UTC", 0, &t) && t <= sim_now()) {
		*expired_at = exp;
		return AUTH_EXPIRED;
	}
	return AUTH_OK;
}

static void reply_auth(struct sim_resp *rs, enum auth_result a, const char *expired_at)
{
	cJSON *root = cJSON_CreateObject(), *arr, *e = cJSON_CreateObject();

	if (a == AUTH_NONE)
		cJSON_AddStringToObject(root, "status", "unauthenticated");
	arr = cJSON_AddArrayToObject(root, "errors");
	cJSON_AddStringToObject(e, "message", a == AUTH_NONE      ? "user authorization required"
					      : a == AUTH_EXPIRED ? "Expired access token."
					      : a == AUTH_REVOKED ? "Revoked access token."
								  : "Invalid access token.");
	if (a == AUTH_EXPIRED && expired_at)
		cJSON_AddStringToObject(e, "expired_at", expired_at);
	cJSON_AddItemToArray(arr, e);
	sim_reply_json(rs, 401, root);
	sim_reply_header(rs, "WWW-Authenticate", "Bearer realm=\"canvas-lms\"");
}

/* ---------------------------------------------------------------- the request */

struct ctx {
	struct sim *s;
	struct MHD_Connection *c;
	const char *method;
	char *path;       /* raw path */
	char *query;      /* raw query, "" when none */
	const char *body;
	size_t body_len;
	char *token;            /* malloced (at most TOKEN_MAX bytes), "" when none; API requests only */
	int have_token;
	int json_body;          /* Content-Type application/json (read at the start: see struct call) */
	char *user_agent;       /* malloced copy, or NULL */
	double t_start;         /* when the request's headers arrived (the log's "start") */
};

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static int is_json_body(struct MHD_Connection *c)
{
	const char *ct = header(c, "Content-Type");

	return ct && !strncmp(ct, "application/json", 16);
}

/* A token longer than this is cut (the fixed buffer it had: such a token is never valid). The
 * token is malloced, not a buffer in struct ctx: struct call then stays under the 1,024 bytes past
 * which glibc's malloc consolidates its fast bins on each allocation (issue 18). */
#define TOKEN_MAX 511

static void set_token(struct ctx *x, const char *t)
{
	free(x->token);
	x->token = xstrndup(t, TOKEN_MAX);
	x->have_token = 1;
}

static void find_token(struct ctx *x, const struct sim_kv *q, size_t nq, const struct sim_kv *b, size_t nb)
{
	const char *auth = header(x->c, "Authorization");
	size_t i;

	if (auth && !strncmp(auth, "Bearer ", 7)) {
		set_token(x, auth + 7);
		return;
	}
	for (i = 0; i < nq; i++) {
		if (!strcmp(q[i].key, "access_token")) {
			set_token(x, q[i].val);
			return;
		}
	}
	for (i = 0; i < nb; i++) {
		if (!strcmp(b[i].key, "access_token")) {
			set_token(x, b[i].val);
			return;
		}
	}
}

/* Rails merges a JSON body into params too, so {"access_token": ...} authenticates. Parsed only
 * when nothing else carried a token, and under the lock: cJSON keeps its error position in a
 * global, which sim_load_seed reads. */
static void find_json_token(struct ctx *x)
{
	cJSON *j;
	const char *t;

	if (x->have_token || !x->body_len || !x->json_body)
		return;
	j = cJSON_ParseWithLength(x->body, x->body_len);
	t = cJSON_IsObject(j) ? sim_str(j, "access_token") : NULL;
	if (t) {
		set_token(x, t);
	}
	cJSON_Delete(j);
}

/* Decode the body into rq->body; for writes, query parameters absent from the body are merged in
 * (Rails merges both into params). Returns 0, or -1 after answering 400. */
static int decode_body(struct ctx *x, struct sim_req *rq, struct sim_kv *bkv, size_t nb, struct sim_resp *rs)
{
	cJSON *it;

	if (x->body_len && x->json_body) {
		rq->body = cJSON_ParseWithLength(x->body, x->body_len);
		if (!rq->body) {
			sim_reply_error(rs, 400, "The request body is not valid JSON");
			return -1;
		}
		rq->body_is_json = 1;
	} else {
		rq->body = form_to_json(bkv, nb);
	}
	if (cJSON_IsObject(rq->body)) {
		cJSON_ArrayForEach(it, rq->q)
			if (!cJSON_GetObjectItemCaseSensitive(rq->body, it->string))
				cJSON_AddItemToObject(rq->body, it->string, cJSON_Duplicate(it, 1));
	}
	return 0;
}

static void throttled_reply(struct sim *s, struct sim_resp *rs)
{
	if (s->cfg.throttle == THROTTLE_429)
		sim_reply_text(rs, 429, "text/plain; charset=utf-8", "429 Too Many Requests (Rate Limit Exceeded)\n");
	else
		sim_reply_text(rs, 403, "text/plain; charset=utf-8", "403 Forbidden (Rate Limit Exceeded)\n");
}

static void fault_reply(struct sim *s, struct sim_resp *rs)
{
	double r = rnd(s);

	if (r < 1.0 / 3)
		sim_reply_internal(rs);
	else if (r < 2.0 / 3)
		sim_reply_text(rs, 502, "text/html",
			       "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
			       "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n");
	else
		sim_reply_text(rs, 503, "text/html",
			       "<html><body><h1>503 Service Unavailable</h1>\n"
			       "No server is available to handle this request.\n</body></html>\n");
}

/* A rewrite script: every string equal to from, anywhere in v, becomes to. */
static void rewrite_strings(cJSON *v, const char *from, const char *to)
{
	cJSON *c;

	if (cJSON_IsString(v) && !strcmp(v->valuestring, from)) {
		cJSON_SetValuestring(v, to);
		return;
	}
	cJSON_ArrayForEach(c, v)
		rewrite_strings(c, from, to);
}

/* Run the handler of an authenticated request under the lock. */
static void dispatch(struct ctx *x, struct sim_req *rq, struct sim_kv *bkv, size_t nb,
		     const struct sim_script_hit *hit, struct sim_resp *rs, const char **route)
{
	struct sim *s = x->s;
	struct segs sg;
	const struct sim_route *r = NULL;
	cJSON *saved = NULL;

	split_path(x->path, &sg);
	/* Rails reads a ".json" suffix on the last segment as the format, whatever the route */
	if (sg.n && sg.n <= SEGS_MAX) {
		size_t l = strlen(sg.v[sg.n - 1]);

		if (l > 5 && !strcmp(sg.v[sg.n - 1] + l - 5, ".json"))
			sg.v[sg.n - 1][l - 5] = '\0';
	}
	if (sg.n <= SEGS_MAX)
		r = find_route(x->method, sg.v, sg.n, rq);
	segs_free(&sg);
	if (!r) {
		/* Canvas answers unknown API paths with its generic 404 */
		sim_reply_not_found(rs);
		return;
	}
	*route = r->pattern;
	rq->route = r->pattern;
	if (decode_body(x, rq, bkv, nb, rs))
		return;
	if (hit && hit->action == SCRIPT_REWRITE && hit->from && hit->to)
		rewrite_strings(rq->body, hit->from, hit->to);
	if (hit && hit->action == SCRIPT_IGNORE_PARAMS) {
		cJSON_Delete(rq->body);
		rq->body = cJSON_CreateObject();
	}
	if (r->flags & ROUTE_COURSE) {
		rq->course = sim_find_course(s, sim_param(rq, "course_id"));
		if (!rq->course) {
			sim_reply_not_found(rs);
			return;
		}
	}
	if (rq->is_write) {
		cJSON *e = sim_token_entry(s, rq->token);

		if (cJSON_IsObject(e) && sim_str(e, "permissions") && !strcmp(sim_str(e, "permissions"), "read")) {
			sim_reply_unauthorized(rq, rs);
			return;
		}
	}
	if (hit && hit->action == SCRIPT_IGNORE) {
		/* answer as if it worked, then put the state back: a 200 that changed nothing */
		saved = cJSON_Duplicate(s->state, 1);
	}
	r->fn(rq, rs);
	if (saved) {
		cJSON_Delete(s->state);
		s->state = saved;
		s->state_gen++;
		rq->course = NULL;
	}
}

/* An /api/ request on its way through layers 1 to 7 (the design comment above), kept in its
 * connection while it sleeps (struct conn's `call`). Its connection is read only in the first
 * stage: a client may leave while its request sleeps, and then libmicrohttpd drops the connection
 * when it is resumed, but the request goes on as it does on Canvas (call_detach). */
enum call_stage { CALL_START, CALL_CHECKS, CALL_HANDLER };

struct call {
	enum call_stage stage;  /* where api_step goes on */
	struct ctx x;
	struct sim_resp rs;     /* the answer */
	struct sim_req rq;
	struct sim_kv *bkv;     /* a form body's pairs */
	size_t nb;
	struct sim_script_hit hit;
	int have_hit;
	int throttled;
	const char *route;      /* the matched pattern, for the stats and the log */
	double due;             /* when its current sleep ends (CLOCK_MONOTONIC seconds) */
	char *method;           /* x.method: a copy, libmicrohttpd's goes with a dropped connection */
	char *body;             /* x.body once detached: a copy, the connection's buffer goes too */
};

/* Stage CALL_START: decode the request, then under the lock (taken here, held on return) count
 * it in flight and match the scripts. Returns the scripted delay in ms, or 0. */
static int api_start(struct call *k)
{
	struct ctx *x = &k->x;
	struct sim *s = x->s;
	const char *host, *ua;

	k->rq.sim = s;
	k->rq.method = x->method;
	k->rq.path = xstrdup(x->path);
	k->rq.is_write = strcmp(x->method, "GET") && strcmp(x->method, "HEAD");
	k->rq.has_body = x->body_len > 0;
	form_parse(x->query, strlen(x->query), &k->rq.query, &k->rq.nquery);
	k->rq.q = form_to_json(k->rq.query, k->rq.nquery);
	host = header(x->c, "Host");
	x->json_body = is_json_body(x->c);
	ua = header(x->c, "User-Agent");
	x->user_agent = ua ? xstrdup(ua) : NULL;
	if (x->body_len && !x->json_body)
		form_parse(x->body, x->body_len, &k->bkv, &k->nb);
	find_token(x, k->rq.query, k->rq.nquery, k->bkv, k->nb);
	if (!x->token)
		x->token = xstrdup("");

	pthread_mutex_lock(&s->lock);
	if (++s->inflight > s->max_inflight)
		s->max_inflight = s->inflight;
	/* HTTP/1.0 without Host: s->port is written by sim_server_start, so it is read locked */
	k->rq.base = host ? host_base(host) : xasprintf("http://127.0.0.1:%d", s->port);

	/* 1. scripted exceptions */
	k->have_hit = sim_script_match(s, x->method, x->path, &k->hit);
	return k->have_hit && k->hit.action == SCRIPT_DELAY ? k->hit.delay_ms : 0;
}

/* Stage CALL_CHECKS, under the lock: the scripted answers, 2. faults, 3. auth and 4. the throttle's
 * reservation. Returns -1 when the request is answered (or dropped), else 5. the latency in ms to
 * sleep before the handler (0: none). */
static int api_checks(struct call *k)
{
	struct ctx *x = &k->x;
	struct sim *s = x->s;
	struct sim_resp *rs = &k->rs;
	const struct sim_script_hit *hit = k->have_hit ? &k->hit : NULL;
	struct bucket *b;
	enum auth_result a;
	const char *expired_at = NULL;
	char num[64];

	if (hit && hit->action == SCRIPT_DROP) {
		rs->drop = 1;
		return -1;
	}
	if (hit && hit->action == SCRIPT_RESPOND) {
		cJSON *h;

		sim_reply_text(rs, hit->status, hit->content_type ? "" : "application/json; charset=utf-8",
			       hit->body ? hit->body : "");
		if (hit->content_type)
			sim_reply_header(rs, "Content-Type", hit->content_type);
		rs->trickle_ms = hit->trickle_ms;
		cJSON_ArrayForEach(h, hit->headers)
			if (cJSON_IsString(h))
				sim_reply_header(rs, h->string, h->valuestring);
		return -1;
	}
	if (s->cfg.drop_rate > 0 && rnd(s) < s->cfg.drop_rate) {
		rs->drop = 1;
		return -1;
	}
	if (s->cfg.fail_rate > 0 && rnd(s) < s->cfg.fail_rate) {
		fault_reply(s, rs);
		return -1;
	}

	/* 3. auth */
	find_json_token(x);
	a = check_token(s, x->have_token ? x->token : NULL, &expired_at);
	if (a == AUTH_OK && hit && hit->action == SCRIPT_REVOKE) {
		sim_token_revoke(s, x->token);
		a = AUTH_REVOKED;
	}
	if (a != AUTH_OK) {
		reply_auth(rs, a, expired_at);
		return -1;
	}
	k->rq.token = sim_token_entry(s, x->token) ? x->token : NULL;
	if (sim_query(&k->rq, "as_user_id")) {
		cJSON *e = sim_token_entry(s, x->token);

		if (!cJSON_IsObject(e) || !sim_bool(e, "admin", 0)) {
			cJSON *root = cJSON_CreateObject();

			cJSON_AddStringToObject(root, "errors", "Invalid as_user_id");
			sim_reply_json(rs, 401, root);
			return -1;
		}
	}

	/* 4. throttle: reserve */
	b = bucket_get(&s->buckets, x->token, now_seconds());
	if (bucket_reserve(b, &s->cfg.bucket, now_seconds()) && s->cfg.throttle != THROTTLE_OFF) {
		bucket_settle(b, &s->cfg.bucket, now_seconds(), 0);
		k->throttled = 1;
		throttled_reply(s, rs);
		sim_fixed(num, sizeof(num), bucket_remaining(b, &s->cfg.bucket), 3);
		sim_reply_header(rs, "X-Rate-Limit-Remaining", num);
		return -1;
	}
	/* 5. latency, slept holding the reservation */
	return s->cfg.latency_ms + (s->cfg.jitter_ms > 0 ? (int)(rnd(s) * (s->cfg.jitter_ms + 1)) : 0);
}

/* Stage CALL_HANDLER, under the lock: 6. the handler and 7. the settled cost's headers. */
static void api_handle(struct call *k)
{
	struct ctx *x = &k->x;
	struct sim *s = x->s;
	struct sim_resp *rs = &k->rs;
	struct bucket *b;
	char num[64];
	double cost;

	sim_jobs_run(s);
	if (k->rq.is_write)
		s->write_gen++;   /* before and after: caches of the state are stale (sim_find_page_url) */
	dispatch(x, &k->rq, k->bkv, k->nb, k->have_hit ? &k->hit : NULL, rs, &k->route);
	if (k->rq.is_write)
		s->write_gen++;
	if (!rs->status && !rs->drop)
		sim_reply_internal(rs);   /* a handler that did not answer is a bug: say 500, not nothing */

	/* 7. settle and the throttle headers. Look the bucket up again: while this request slept
	 * without the lock, another token's first request may have grown (moved) the table, or
	 * /__sim/reset emptied it, so a bucket from the reservation may point at freed memory. */
	cost = rs->cost > 0 ? rs->cost : k->rq.is_write ? s->cfg.cost_write : s->cfg.cost_get;
	cost *= 0.8 + 0.4 * rnd(s);
	b = bucket_get(&s->buckets, x->token, now_seconds());
	bucket_settle(b, &s->cfg.bucket, now_seconds(), cost);
	sim_stats_cost(s, cost);
	sim_fixed(num, sizeof(num), cost, 6);
	sim_reply_header(rs, "X-Request-Cost", num);
	sim_fixed(num, sizeof(num), bucket_remaining(b, &s->cfg.bucket), 3);
	sim_reply_header(rs, "X-Rate-Limit-Remaining", num);
}

/* Takes the request on from its stage until it must sleep or is answered. Called without the
 * global lock. Returns the ms to sleep (> 0; the lock not held; call again after), or 0: the
 * request is answered in k->rs and the lock is held, so that the caller counts and logs it in the
 * same hold. A request takes the lock once when nothing sleeps (it took it six times, and with a
 * thread per connection the threads queued on it and woke each other: issue 18); it is let go
 * only to sleep (a scripted delay, the latency). */
static int api_step(struct call *k)
{
	struct sim *s = k->x.s;
	int ms = 0;

	if (k->stage == CALL_START) {
		ms = api_start(k);   /* takes the lock */
		k->stage = CALL_CHECKS;
		if (ms > 0) {
			pthread_mutex_unlock(&s->lock);
			return ms;
		}
	} else {
		pthread_mutex_lock(&s->lock);
	}
	if (k->stage == CALL_CHECKS) {
		ms = api_checks(k);
		k->stage = CALL_HANDLER;
		if (ms > 0) {
			pthread_mutex_unlock(&s->lock);
			return ms;
		}
	}
	if (ms == 0)
		api_handle(k);
	s->inflight--;
	return 0;
}

/* Ownership: frees k and everything it holds (the answer too). */
static void call_free(struct call *k)
{
	if (!k)
		return;
	form_free(k->bkv, k->nb);
	req_release(&k->rq);
	if (k->have_hit)
		sim_script_hit_release(&k->hit);
	resp_release(&k->rs);
	free(k->x.path);
	free(k->x.query);
	free(k->x.user_agent);
	free(k->x.token);
	free(k->method);
	free(k->body);
	free(k);
}

/* ---------------------------------------------------------------- libmicrohttpd glue */

/* The event loop's waking thread (sim_wake.c); NULL with a thread per connection, whose requests
 * sleep in their own thread. Set before the daemon starts, cleared after it stops. */
static struct sim_wake *waker;

static void call_detached(void *arg);

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn *cn = xcalloc(1, sizeof(*cn));

	(void)cls;
	(void)c;
	cn->uri = xstrdup(uri);
	buf_init(&cn->body, BODY_MAX);
	return cn;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct sim *s = cls;
	struct conn *cn = *con_cls;

	(void)c;
	(void)toe;
	if (!cn)
		return;
	if (cn->call) {
		/* dropped while it slept: it finishes without its client (call_detached) */
		struct call *k = cn->call;

		cn->call = NULL;
		k->x.c = NULL;
		if (k->x.body) {
			k->body = xmalloc(k->x.body_len + 1);
			memcpy(k->body, k->x.body, k->x.body_len + 1);   /* buf_str: NUL-terminated */
			k->x.body = k->body;
		}
		if (sim_wake_call(waker, call_detached, k, k->due)) {
			call_free(k);   /* the daemon stops: the request ends here */
			pthread_mutex_lock(&s->lock);
			s->inflight--;
			pthread_mutex_unlock(&s->lock);
		}
	}
	free(cn->uri);
	buf_release(&cn->body);
	free(cn);
	*con_cls = NULL;
}

/* A slow-loris answer (script "trickle_ms"): the body, one byte per call, each `ms` after the one
 * before (the first `ms` after the answer is queued). A thread of its own sleeps; in the event loop
 * the connection is suspended until the byte is due (sim_wake.c). */
struct trickle {
	char *body;
	size_t len;
	int ms;
	struct MHD_Connection *c;
	struct sim_wake *wake;   /* NULL: sleep */
	double next;             /* when the next byte is due (CLOCK_MONOTONIC seconds) */
};

static ssize_t trickle_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct trickle *t = cls;

	if (pos >= t->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (!max)
		return 0;
	if (t->wake) {
		double now = now_seconds();

		if (now < t->next) {
			MHD_suspend_connection(t->c);
			sim_wake_at(t->wake, t->c, t->next);
			return 0;
		}
		t->next = now + t->ms / 1e3;
	} else {
		sleep_ms(t->ms);
	}
	out[0] = t->body[pos];
	return 1;
}

static void trickle_free(void *cls)
{
	struct trickle *t = cls;

	free(t->body);
	free(t);
}

static enum MHD_Result queue(struct MHD_Connection *c, struct sim_resp *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	int i;

	if (rs->trickle_ms > 0) {
		struct trickle *t = xcalloc(1, sizeof(*t));

		t->len = rs->body_len;
		t->body = xmalloc(t->len + 1);
		memcpy(t->body, rs->body ? rs->body : "", t->len);
		t->ms = rs->trickle_ms;
		t->c = c;
		t->wake = waker;
		t->next = now_seconds() + t->ms / 1e3;
		r = MHD_create_response_from_callback(t->len, 1, trickle_read, t, trickle_free);
		if (!r)
			trickle_free(t);
	} else if (rs->body) {
		/* the body is handed over (MHD frees it), not copied: an answer of a big list is
		 * hundreds of kilobytes (issue 18) */
		r = MHD_create_response_from_buffer(rs->body_len, rs->body, MHD_RESPMEM_MUST_FREE);
		if (r)
			rs->body = NULL;
	} else {
		r = MHD_create_response_from_buffer(0, (char *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	if (rs->content_type && *rs->content_type)
		MHD_add_response_header(r, "Content-Type", rs->content_type);
	for (i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
	ret = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The stats and the request log of an answered (or dropped) /api/ request; under the lock. */
static void count_request(struct sim *s, const struct ctx *x, const struct sim_resp *rs, const char *route,
			  int throttled)
{
	int status = rs->drop ? 0 : rs->status;

	sim_stats_count(s, x->method, route, status, throttled);
	sim_log_request(s, x->method, x->path, x->query, x->body, x->body_len, status, route, x->user_agent,
			x->t_start, now_seconds());
}

/* A request whose client left while it slept (its connection dropped on resume): it runs on to its
 * answer on sim_wake's thread, sleeping what it has left, and the answer goes nowhere. With a
 * thread per connection the connection's thread does the same. Canvas finishes a request whose
 * client has gone: a write sent just before a client was killed still lands (tests/e2e/t0920,
 * t0931). */
static void call_detached(void *arg)
{
	struct call *k = arg;
	int ms = api_step(k);

	if (ms > 0) {
		k->due = now_seconds() + ms / 1e3;
		if (!sim_wake_call(waker, call_detached, k, k->due))
			return;
		pthread_mutex_lock(&k->x.s->lock);   /* stopping: the request ends here */
		k->x.s->inflight--;
	} else {
		count_request(k->x.s, &k->x, &k->rs, k->route, k->throttled);
	}
	pthread_mutex_unlock(&k->x.s->lock);
	call_free(k);
}

/* Takes an /api/ request on (cn->call) until it is answered, then queues the answer. When it must
 * sleep: with a thread per connection this thread sleeps; in the event loop the connection is
 * suspended, sim_wake resumes it when due, and libmicrohttpd calls on_request again, which comes
 * back here. */
static enum MHD_Result api_continue(struct sim *s, struct MHD_Connection *c, struct conn *cn)
{
	struct call *k = cn->call;
	enum MHD_Result ret;
	int ms;

	while ((ms = api_step(k)) > 0) {
		if (waker) {
			k->due = now_seconds() + ms / 1e3;
			MHD_suspend_connection(c);
			sim_wake_at(waker, c, k->due);
			return MHD_YES;
		}
		sleep_ms(ms);
	}
	count_request(s, &k->x, &k->rs, k->route, k->throttled);
	pthread_mutex_unlock(&s->lock);
	ret = k->rs.drop ? MHD_NO : queue(c, &k->rs);
	cn->call = NULL;
	call_free(k);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct sim *s = cls;
	struct conn *cn = *con_cls;
	struct sim_resp rs;
	struct ctx x;
	const char *q;
	enum MHD_Result ret;
	int api;

	(void)url;
	(void)version;
	if (!cn->started) {
		cn->started = 1;
		cn->t_start = now_seconds();
		return MHD_YES;
	}
	if (*upload_size) {
		if (buf_add(&cn->body, upload_data, *upload_size))
			cn->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (cn->call)
		return api_continue(s, c, cn);   /* resumed after a sleep */
	memset(&rs, 0, sizeof(rs));
	rs.cost = -1;
	memset(&x, 0, sizeof(x));
	x.s = s;
	x.c = c;
	x.method = method;
	q = strchr(cn->uri, '?');
	x.path = q ? xstrndup(cn->uri, (size_t)(q - cn->uri)) : xstrdup(cn->uri);
	x.query = xstrdup(q ? q + 1 : "");
	x.body = buf_str(&cn->body);
	x.body_len = cn->body.len;
	x.t_start = cn->t_start;
	api = !strncmp(x.path, "/api/", 5);
	if (api) {
		/* ApplicationController#stringify_json_ids?: a substring test of the Accept header */
		const char *acc = header(c, "Accept");

		rs.ids = acc && strstr(acc, "application/json+canvas-string-ids") && !s->cfg.number_ids
				 ? SIM_IDS_STRINGS : SIM_IDS_NUMBERS;
	}
	if (api && !cn->too_big) {
		struct call *k = xcalloc(1, sizeof(*k));

		k->x = x;    /* the call owns path and query now */
		k->method = xstrdup(method);
		k->x.method = k->method;
		k->rs = rs;
		cn->call = k;
		return api_continue(s, c, cn);
	}

	if (cn->too_big) {
		/* before the admin branch too: a seed cut at BODY_MAX must not be loaded half */
		sim_reply_text(&rs, 413, "text/plain", "413 Request Entity Too Large\n");
		if (api) {
			const char *ua = header(c, "User-Agent");

			x.user_agent = ua ? xstrdup(ua) : NULL;   /* the ctx owns its copy, as a call's does */
			pthread_mutex_lock(&s->lock);
			count_request(s, &x, &rs, NULL, 0);
			pthread_mutex_unlock(&s->lock);
			free(x.user_agent);
		}
	} else if (!strncmp(x.path, "/__sim/", 7)) {
		struct sim_kv *kv = NULL;
		size_t nkv = 0;

		form_parse(x.query, strlen(x.query), &kv, &nkv);
		pthread_mutex_lock(&s->lock);
		if (strcmp(method, "GET"))
			s->write_gen++;
		sim_admin(s, method, x.path, kv, nkv, x.body, x.body_len, &rs);
		if (strcmp(method, "GET"))
			s->write_gen++;
		pthread_mutex_unlock(&s->lock);
		form_free(kv, nkv);
	} else {
		sim_reply_text(&rs, 404, "text/html", "<html><body><h1>Page Not Found</h1></body></html>\n");
	}
	ret = rs.drop ? MHD_NO : queue(c, &rs);
	resp_release(&rs);
	free(x.path);
	free(x.query);
	return ret;
}

/* libmicrohttpd's memory per connection (MHD_OPTION_CONNECTION_MEMORY_LIMIT), which holds the
 * request head, the parsed headers and the response head. libmicrohttpd zeroes it on every request
 * of a kept-alive connection: its default of 32 KB was 49,000 of the 60,000 instructions it spent
 * per request, and a third of the simulator's for tests/bench/plan.sh's course after the arena
 * (issue 18). 16 KB accepts a request line of about 15.5 KB (32 KB took about 32 KB; beyond, 431
 * or 414: tests/e2e/t0100 test_request_line_limits), above the 8 KB at which nginx, in front of
 * Canvas, refuses one by default (large_client_header_buffers 4 8k); 8 KB refused a request line
 * of 8 KB. */
#define POOL_BYTES (16 * 1024)

int sim_server_start(struct sim *s, struct MHD_Daemon **out)
{
	struct sockaddr_in addr;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	/* --https: the PEM certificate and key; an empty list (END first) for plain http */
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, s->cfg.tls_cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, s->cfg.tls_key },
		{ MHD_OPTION_END, 0, NULL },
	};

	s->started_at = now_seconds();
	if (s->cfg.tls_cert)
		flags |= MHD_USE_TLS;
	else
		tls[0].option = MHD_OPTION_END;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)s->cfg.port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s->cfg.threads > 0) {
		/* the event loop: a request that sleeps is suspended and resumed by sim_wake */
		waker = sim_wake_start();
		if (!waker)
			return -1;
		flags |= MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
	} else {
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	}
	d = MHD_start_daemon(flags, (uint16_t)s->cfg.port, NULL, NULL, on_request, s,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_URI_LOG_CALLBACK, uri_logger, s,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_BYTES,
			     MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
			     MHD_OPTION_ARRAY, tls,
			     /* a pool of 1 is no pool: libmicrohttpd says so on stderr */
			     s->cfg.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
			     (unsigned)s->cfg.threads, MHD_OPTION_END);
	if (!d) {
		sim_wake_free(waker);
		waker = NULL;
		return -1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	/* the daemon already serves: a request may read s->port (handle_api) */
	pthread_mutex_lock(&s->lock);
	s->port = info ? info->port : s->cfg.port;
	pthread_mutex_unlock(&s->lock);
	*out = d;
	return 0;
}

void sim_server_stop(struct MHD_Daemon *d)
{
	size_t k;

	sim_wake_stop(waker);   /* sim_wake.c: the thread first, the heap after the daemon */
	MHD_stop_daemon(d);
	sim_wake_free(waker);
	waker = NULL;
	for (k = 0; route_ix && k < nroute_ix; k++)   /* no request runs any more */
		free(route_ix[k].text);
	free(route_ix);
	route_ix = NULL;
	nroute_ix = 0;
}

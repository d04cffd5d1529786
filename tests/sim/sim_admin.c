/* tests/sim/sim_admin.c -- the simulator's own endpoints under /__sim/, outside Canvas's API.
 *
 *   GET    /__sim/state          the whole state in seed format, every change applied
 *   POST   /__sim/seed           replace the seed with the body (a seed document) and reset
 *   POST   /__sim/reset          back to the seed; stats, log, jobs, scripts, buckets zeroed
 *   GET    /__sim/stats          counters (see stats_render below)
 *   GET    /__sim/requests       the request log, oldest first; ?since=SEQ for newer entries only
 *   GET    /__sim/notifications  notifications "sent" (due date changed, quiz updated, ...)
 *   POST   /__sim/script         arm scripted exceptions (an object or an array of them)
 *   GET    /__sim/script         the armed scripts;  DELETE /__sim/script disarms all
 *   POST   /__sim/throttle       {"token": T, "level": L}: set a token's bucket level
 *   POST   /__sim/revoke         {"token": T}: revoke a token (401 "Revoked access token." after)
 *
 * A script: {"method": "PUT" | "*", "path": "/api/v1/courses/1/pages/<glob>" (fnmatch glob on the
 * raw path), "count": 1 (uses; -1 = until disarmed), "skip": 0 (matches to let through first),
 * "action": "respond" | "ignore" | "ignore_params" | "drop" | "revoke_token" | "delay" | "rewrite",
 * "status": 500, "headers": {...}, "body": "...", "content_type": "...", "delay_ms": 0, "from":
 * "...", "to": "...", "repeat": 1, "trickle_ms": 0}. These are the exceptions the state cannot
 * produce; everything else comes from the state. "rewrite" stands for Canvas storing a value in
 * another form than it was sent (a rule the simulator does not model): every JSON string in the
 * request body equal to "from" is read as "to" before the handler runs. The hostile server of issue
 * 17: "repeat" N makes a respond body the body string N times (huge bodies, deeply nested JSON; at
 * most 256 MiB), and "trickle_ms" sends it one byte every N ms (a slow-loris answer; a connection
 * thread sleeps).
 */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "sim.h"
#include "xalloc.h"

#define LOG_MAX 20000
#define LOG_BODY_MAX 65536

struct sim_script {
	struct sim_script *next;
	char *method, *path;
	int count, skip;
	struct sim_script_hit hit;
};

/* ---------------------------------------------------------------- scripts */

static void script_free(struct sim_script *sc)
{
	free(sc->method);
	free(sc->path);
	sim_script_hit_release(&sc->hit);
	free(sc);
}

static void scripts_clear(struct sim *s)
{
	while (s->scripts) {
		struct sim_script *n = s->scripts->next;

		script_free(s->scripts);
		s->scripts = n;
	}
}

void sim_script_hit_release(struct sim_script_hit *hit)
{
	free(hit->body);
	free(hit->content_type);
	cJSON_Delete(hit->headers);
	free(hit->from);
	free(hit->to);
	memset(hit, 0, sizeof(*hit));
}

static int parse_action(const char *a, enum sim_script_action *out)
{
	static const char *const names[] = { "respond", "ignore", "ignore_params", "drop", "revoke_token", "delay",
					     "rewrite" };
	size_t i;

	if (!a) {
		*out = SCRIPT_RESPOND;
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(a, names[i])) {
			*out = (enum sim_script_action)i;
			return 0;
		}
	}
	return -1;
}

static int script_add(struct sim *s, const cJSON *o, char *err, size_t errlen)
{
	struct sim_script *sc, **tail;
	const cJSON *v;
	enum sim_script_action action;

	if (!cJSON_IsObject(o) || !sim_str(o, "path")) {
		snprintf(err, errlen, "a script is an object with at least \"path\"");
		return -1;
	}
	if (parse_action(sim_str(o, "action"), &action)) {
		snprintf(err, errlen, "unknown script action '%s'", sim_str(o, "action"));
		return -1;
	}
	if (action == SCRIPT_REWRITE && (!sim_str(o, "from") || !sim_str(o, "to"))) {
		snprintf(err, errlen, "a rewrite script needs \"from\" and \"to\" strings");
		return -1;
	}
	sc = xcalloc(1, sizeof(*sc));
	if (action == SCRIPT_REWRITE) {
		sc->hit.from = xstrdup(sim_str(o, "from"));
		sc->hit.to = xstrdup(sim_str(o, "to"));
	}
	sc->method = xstrdup(sim_str(o, "method") ? sim_str(o, "method") : "*");
	sc->path = xstrdup(sim_str(o, "path"));
	v = cJSON_GetObjectItemCaseSensitive(o, "count");
	sc->count = cJSON_IsNumber(v) ? v->valueint : 1;
	v = cJSON_GetObjectItemCaseSensitive(o, "skip");
	sc->skip = cJSON_IsNumber(v) ? v->valueint : 0;
	sc->hit.action = action;
	v = cJSON_GetObjectItemCaseSensitive(o, "status");
	sc->hit.status = cJSON_IsNumber(v) ? v->valueint : 200;
	v = cJSON_GetObjectItemCaseSensitive(o, "body");
	if (cJSON_IsString(v)) {
		const cJSON *rep = cJSON_GetObjectItemCaseSensitive(o, "repeat");
		size_t len = strlen(v->valuestring), n = cJSON_IsNumber(rep) && rep->valuedouble >= 1 ?
			(size_t)rep->valuedouble : 1, i;

		if (len && n > ((size_t)256 << 20) / len)
			n = ((size_t)256 << 20) / len;   /* the cap the header comment promises */
		sc->hit.body = xmalloc(len * n + 1);
		for (i = 0; i < n; i++)
			memcpy(sc->hit.body + i * len, v->valuestring, len);
		sc->hit.body[len * n] = '\0';
	}
	else if (v && !cJSON_IsNull(v))
		sc->hit.body = cJSON_PrintUnformatted(v);   /* a JSON body given as JSON */
	if (sim_str(o, "content_type"))
		sc->hit.content_type = xstrdup(sim_str(o, "content_type"));
	v = cJSON_GetObjectItemCaseSensitive(o, "headers");
	if (cJSON_IsObject(v))
		sc->hit.headers = cJSON_Duplicate(v, 1);
	v = cJSON_GetObjectItemCaseSensitive(o, "delay_ms");
	sc->hit.delay_ms = cJSON_IsNumber(v) ? v->valueint : 0;
	v = cJSON_GetObjectItemCaseSensitive(o, "trickle_ms");
	sc->hit.trickle_ms = cJSON_IsNumber(v) && v->valueint > 0 ? v->valueint : 0;
	for (tail = &s->scripts; *tail; tail = &(*tail)->next)
		;
	*tail = sc;
	return 0;
}

int sim_script_match(struct sim *s, const char *method, const char *path, struct sim_script_hit *hit)
{
	struct sim_script **pp, *sc;

	for (pp = &s->scripts; (sc = *pp); pp = &sc->next) {
		if (strcmp(sc->method, "*") && strcmp(sc->method, method))
			continue;
		if (fnmatch(sc->path, path, 0))
			continue;
		if (sc->skip > 0) {
			sc->skip--;
			continue;
		}
		*hit = sc->hit;
		hit->body = sc->hit.body ? xstrdup(sc->hit.body) : NULL;
		hit->content_type = sc->hit.content_type ? xstrdup(sc->hit.content_type) : NULL;
		hit->headers = sc->hit.headers ? cJSON_Duplicate(sc->hit.headers, 1) : NULL;
		hit->from = sc->hit.from ? xstrdup(sc->hit.from) : NULL;
		hit->to = sc->hit.to ? xstrdup(sc->hit.to) : NULL;
		if (sc->count > 0 && --sc->count == 0) {
			*pp = sc->next;
			script_free(sc);
		}
		return 1;
	}
	return 0;
}

static cJSON *scripts_render(struct sim *s)
{
	cJSON *arr = cJSON_CreateArray();
	struct sim_script *sc;

	for (sc = s->scripts; sc; sc = sc->next) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "method", sc->method);
		cJSON_AddStringToObject(o, "path", sc->path);
		cJSON_AddNumberToObject(o, "count", sc->count);
		cJSON_AddNumberToObject(o, "skip", sc->skip);
		cJSON_AddNumberToObject(o, "status", sc->hit.status);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* ---------------------------------------------------------------- stats and log */

void sim_stats_reset(struct sim *s)
{
	cJSON_Delete(s->stats);
	s->stats = cJSON_CreateObject();
	cJSON_AddNumberToObject(s->stats, "total_requests", 0);
	cJSON_AddNumberToObject(s->stats, "throttled", 0);
	cJSON_AddNumberToObject(s->stats, "writes", 0);
	cJSON_AddNumberToObject(s->stats, "dropped", 0);
	cJSON_AddNumberToObject(s->stats, "cost", 0);
	cJSON_AddObjectToObject(s->stats, "by_method");
	cJSON_AddObjectToObject(s->stats, "by_route");
	cJSON_AddObjectToObject(s->stats, "by_status");
	sim_log_free(s->log);
	s->log = NULL;   /* made by the first request logged */
	s->max_inflight = s->inflight;
}

static void bump(cJSON *obj, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v)
		cJSON_SetNumberValue(v, v->valuedouble + 1);
	else
		cJSON_AddNumberToObject(obj, key, 1);
}

void sim_stats_count(struct sim *s, const char *method, const char *route, int status, int throttled)
{
	char key[256];

	bump(s->stats, "total_requests");
	bump(cJSON_GetObjectItemCaseSensitive(s->stats, "by_method"), method);
	snprintf(key, sizeof(key), "%s %s", method, route ? route : "(no route)");
	bump(cJSON_GetObjectItemCaseSensitive(s->stats, "by_route"), key);
	snprintf(key, sizeof(key), "%d", status);
	bump(cJSON_GetObjectItemCaseSensitive(s->stats, "by_status"), key);
	if (throttled)
		bump(s->stats, "throttled");
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		bump(s->stats, "writes");
	if (!status)
		bump(s->stats, "dropped");
}

/* The settled cost of an answered API request (X-Request-Cost), summed in "cost": with
 * total_requests it gives the mean cost a benchmark's bucket bound needs (tests/bench/throttle.sh). */
void sim_stats_cost(struct sim *s, double cost)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(s->stats, "cost");

	if (v)
		cJSON_SetNumberValue(v, v->valuedouble + cost);
	else
		cJSON_AddNumberToObject(s->stats, "cost", cost);
}

/* The request log: a ring of at most LOG_MAX entries, each kept as the request's strings in one
 * allocation, and turned into the JSON of GET /__sim/requests only when that is asked for (a cJSON
 * object per request, with its keys and values copied and the body parsed, was a few dozen
 * allocations a request: 1.8% of canvas-sim's CPU serving tests/bench/plan.sh's course, issue 18).
 * The JSON is what it was: the body parsed when it is JSON of at most LOG_BODY_MAX bytes, else
 * its first LOG_BODY_MAX bytes as a string. */
struct log_entry {
	long seq;
	int status;
	const char *route;          /* a route's pattern (static), or NULL */
	double start_ms, end_ms;
	size_t body_len;            /* the body's length; its first LOG_BODY_MAX bytes are kept */
	char *method, *path, *query, *user_agent, *body;   /* into text; user_agent may be NULL */
	char *text;
};

struct sim_log {
	struct log_entry *e;        /* a ring: n entries from head */
	size_t cap, n, head;
};

static char *put_str(char **at, const char *v, size_t len)
{
	char *out = *at;

	memcpy(out, v, len);
	out[len] = '\0';
	*at += len + 1;
	return out;
}

void sim_log_request(struct sim *s, const char *method, const char *path, const char *query,
		     const char *body, size_t body_len, int status, const char *route, const char *user_agent,
		     double t_start, double t_end)
{
	struct sim_log *l = s->log;
	struct log_entry *e;
	size_t lm = strlen(method), lp = strlen(path), lq = strlen(query);
	size_t lu = user_agent ? strlen(user_agent) : 0, lb = body_len > LOG_BODY_MAX ? LOG_BODY_MAX : body_len;
	char *at;

	if (!l)
		l = s->log = xcalloc(1, sizeof(*l));
	if (l->n == LOG_MAX) {   /* the oldest goes */
		free(l->e[l->head].text);
		l->head = (l->head + 1) % l->cap;
		l->n--;
	}
	if (l->n == l->cap) {   /* grow (below LOG_MAX), the ring unrolled from head */
		size_t cap = l->cap ? 2 * l->cap : 256, i;
		struct log_entry *ne;

		if (cap > LOG_MAX)
			cap = LOG_MAX;
		ne = xcalloc(cap, sizeof(*ne));
		for (i = 0; i < l->n; i++)
			ne[i] = l->e[(l->head + i) % l->cap];
		free(l->e);
		l->e = ne;
		l->cap = cap;
		l->head = 0;
	}
	e = &l->e[(l->head + l->n++) % l->cap];
	memset(e, 0, sizeof(*e));
	e->seq = s->log_seq++;
	e->status = status;
	e->route = route;
	/* milliseconds since the simulator started (CLOCK_MONOTONIC, microsecond precision): when the
	 * request arrived and when its answer was ready, for timelines of the requests in flight
	 * (tests/bench/throttle.sh) */
	e->start_ms = round((t_start - s->started_at) * 1e6) / 1e3;
	e->end_ms = round((t_end - s->started_at) * 1e6) / 1e3;
	e->body_len = body_len;
	at = e->text = xmalloc(lm + lp + lq + lu + lb + 5);
	e->method = put_str(&at, method, lm);
	e->path = put_str(&at, path, lp);
	e->query = put_str(&at, query, lq);
	e->user_agent = user_agent ? put_str(&at, user_agent, lu) : NULL;
	e->body = put_str(&at, body_len ? body : "", lb);
}

/* One entry as GET /__sim/requests shows it. Ownership: a new object, the caller's. */
static cJSON *log_entry_render(const struct log_entry *e)
{
	cJSON *o = cJSON_CreateObject(), *parsed = NULL;

	cJSON_AddNumberToObject(o, "seq", (double)e->seq);
	cJSON_AddStringToObject(o, "method", e->method);
	cJSON_AddStringToObject(o, "path", e->path);
	cJSON_AddStringToObject(o, "query", e->query);
	if (e->body_len && e->body_len <= LOG_BODY_MAX)
		parsed = cJSON_ParseWithLength(e->body, e->body_len);
	if (parsed) {
		cJSON_AddItemToObject(o, "body", parsed);
	} else if (e->body_len) {
		char *b = xstrndup(e->body, e->body_len > LOG_BODY_MAX ? LOG_BODY_MAX : e->body_len);

		cJSON_AddStringToObject(o, "body", b);
		free(b);
	}
	cJSON_AddNumberToObject(o, "status", e->status);
	if (e->route)
		cJSON_AddStringToObject(o, "route", e->route);
	if (e->user_agent)
		cJSON_AddStringToObject(o, "user_agent", e->user_agent);
	cJSON_AddNumberToObject(o, "start_ms", e->start_ms);
	cJSON_AddNumberToObject(o, "end_ms", e->end_ms);
	return o;
}

void sim_log_free(struct sim_log *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		free(l->e[(l->head + i) % l->cap].text);
	free(l->e);
	free(l);
}

/* The process's user and system CPU so far: getrusage(RUSAGE_SELF) counts every thread, ended ones
 * too (a connection thread of --threads 0). The kernel keeps run time in nanoseconds and hands it out
 * in microseconds; only its split between user and system is estimated from tick samples
 * (tests/bench/cputime.c), so a benchmark judges on the sum. */
static void cpu_now(int64_t *user_us, int64_t *sys_us)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru)) {
		*user_us = *sys_us = 0;
		return;
	}
	*user_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
	*sys_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
}

void sim_stats_cpu_mark(struct sim *s)
{
	cpu_now(&s->cpu_user0_us, &s->cpu_sys0_us);
}

/* The counters, then what is measured when asked: concurrency, notifications, scripts, and the CPU
 * since the last reset (cpu_user_us, cpu_sys_us; this request's own work up to here included). */
static cJSON *stats_render(struct sim *s)
{
	cJSON *o = cJSON_Duplicate(s->stats, 1);
	int64_t user_us, sys_us;

	cJSON_AddNumberToObject(o, "max_concurrent", s->max_inflight);
	cJSON_AddNumberToObject(o, "in_flight", s->inflight);
	cJSON_AddNumberToObject(o, "notifications_sent", cJSON_GetArraySize(s->notifications));
	{
		struct sim_script *sc;
		int n = 0;

		for (sc = s->scripts; sc; sc = sc->next)
			n++;
		cJSON_AddNumberToObject(o, "scripts_armed", n);
	}
	cpu_now(&user_us, &sys_us);
	cJSON_AddNumberToObject(o, "cpu_user_us", (double)(user_us - s->cpu_user0_us));
	cJSON_AddNumberToObject(o, "cpu_sys_us", (double)(sys_us - s->cpu_sys0_us));
	return o;
}

/* ---------------------------------------------------------------- dispatch */

static const char *kv_get(const struct sim_kv *q, size_t nq, const char *key)
{
	size_t i;

	for (i = 0; i < nq; i++)
		if (!strcmp(q[i].key, key))
			return q[i].val;
	return NULL;
}

static void reply_ok(struct sim_resp *rs)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddBoolToObject(o, "ok", 1);
	sim_reply_json(rs, 200, o);
}

void sim_admin(struct sim *s, const char *method, const char *path, const struct sim_kv *q, size_t nq,
	       const char *body, size_t body_len, struct sim_resp *rs)
{
	int get = !strcmp(method, "GET"), post = !strcmp(method, "POST"), del = !strcmp(method, "DELETE");
	cJSON *in = body_len ? cJSON_ParseWithLength(body, body_len) : NULL;
	char err[256];

	if (get && !strcmp(path, "/__sim/state")) {
		sim_jobs_run(s);
		sim_reply_json(rs, 200, cJSON_Duplicate(s->state, 1));
	} else if (post && !strcmp(path, "/__sim/reset")) {
		sim_reset(s);
		reply_ok(rs);
	} else if (post && !strcmp(path, "/__sim/seed")) {
		char *text = xstrndup(body, body_len);

		if (sim_load_seed(s, text, err, sizeof(err)))
			sim_reply_error(rs, 400, err);
		else
			reply_ok(rs);
		free(text);
	} else if (get && !strcmp(path, "/__sim/stats")) {
		sim_reply_json(rs, 200, stats_render(s));
	} else if (get && !strcmp(path, "/__sim/requests")) {
		const char *since = kv_get(q, nq, "since");
		char *end = NULL;
		long from = since ? strtol(since, &end, 10) : 0;
		const struct sim_log *l = s->log;
		cJSON *out;
		size_t i;

		if (since && (end == since || *end)) {
			sim_reply_error(rs, 400, "since: not a whole number");
		} else {
			out = cJSON_CreateArray();
			for (i = 0; l && i < l->n; i++) {
				const struct log_entry *e = &l->e[(l->head + i) % l->cap];

				if (e->seq >= from)
					cJSON_AddItemToArray(out, log_entry_render(e));
			}
			sim_reply_json(rs, 200, out);
		}
	} else if (get && !strcmp(path, "/__sim/notifications")) {
		sim_reply_json(rs, 200, cJSON_Duplicate(s->notifications, 1));
	} else if (post && !strcmp(path, "/__sim/script")) {
		const cJSON *it;
		int bad = 0;

		if (cJSON_IsArray(in)) {
			cJSON_ArrayForEach(it, in)
				if (!bad && script_add(s, it, err, sizeof(err)))
					bad = 1;
		} else if (script_add(s, in, err, sizeof(err))) {
			bad = 1;
		}
		if (bad)
			sim_reply_error(rs, 400, err);
		else
			reply_ok(rs);
	} else if (get && !strcmp(path, "/__sim/script")) {
		sim_reply_json(rs, 200, scripts_render(s));
	} else if (del && !strcmp(path, "/__sim/script")) {
		scripts_clear(s);
		reply_ok(rs);
	} else if (post && !strcmp(path, "/__sim/throttle")) {
		const char *tok = sim_str(in, "token");
		cJSON *lvl = cJSON_GetObjectItemCaseSensitive(in, "level");
		struct timespec ts;
		struct bucket *b;

		if (!tok || !cJSON_IsNumber(lvl)) {
			sim_reply_error(rs, 400, "expected {\"token\": T, \"level\": L}");
		} else {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			b = bucket_get(&s->buckets, tok, (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
			b->level = lvl->valuedouble;
			b->last = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
			reply_ok(rs);
		}
	} else if (post && !strcmp(path, "/__sim/revoke")) {
		const char *tok = sim_str(in, "token");

		if (!tok || !sim_token_entry(s, tok)) {
			sim_reply_error(rs, 404, "no such token");
		} else {
			sim_token_revoke(s, tok);
			reply_ok(rs);
		}
	} else {
		sim_reply_error(rs, 404, "unknown simulator endpoint");
	}
	cJSON_Delete(in);
}

void sim_admin_free(struct sim *s)
{
	scripts_clear(s);
}

/* tests/bench/simfloor.c -- the floor of serving a plan: recorded answers replayed byte for byte by
 * the same libmicrohttpd server canvas-sim runs, and nothing else (issue 18, make bench).
 *
 *   simfloor --answers FILE [--port N] [--threads N]
 *
 * What it measures. Issue 18 asks canvas-sim to serve tests/bench/plan.sh's 10,000-object course
 * (4,092 GETs, 27 MB of JSON) at least 5x faster than coursectl reads it. Part of the simulator's
 * CPU is not the simulator at all: every request costs a thread wake-up, poll, recv, a response head
 * and sendmsg in libmicrohttpd and the kernel, whatever the handler does. simfloor is that part
 * alone: the least CPU any HTTP/1.1 server of canvas-sim's design can spend serving exactly this
 * plan's answers. plan.sh runs the same plan against it and reports coursectl-CPU / floor-CPU: the
 * best ratio a simulator of this design could reach however fast its handlers were.
 *
 * The server is canvas-sim's (tests/sim/sim_server.c, sim_server_start), option for option: a
 * thread per connection polling with poll(2) (or, with --threads N > 0, an epoll thread pool of N,
 * as canvas-sim's --threads), 16 KB of memory per connection, 4,000 connections, keep-alive, the
 * request target taken raw (path and query, still percent-encoded) from the URI log callback, the
 * answer queued on the handler's second call. Per request it does one hash lookup (in the URI log
 * callback, whose return value becomes the request's per-request pointer), allocates nothing, and
 * queues a response built once at load: the status, the recorded headers and the body, pointed at
 * in place (MHD_RESPMEM_PERSISTENT). libmicrohttpd adds Date, Content-Length and the connection
 * handling itself, as for canvas-sim. No authentication, no throttle, no request log: the
 * recording already holds their headers (X-Request-Cost, X-Rate-Limit-Remaining).
 *
 * Loading. The answers name the server's own host and port (canvas-sim builds Link headers and
 * html_url from the Host header), so they are recorded after simfloor has a port: it starts with
 * no answers, prints "simfloor listening on http://127.0.0.1:PORT", the recorder (floorrec.py) fetches
 * every request target from canvas-sim with "Host: 127.0.0.1:PORT" into FILE, and POST
 * /__floor/load reads FILE, once (409 after that). The table is immutable from then on and
 * published with a release store, so requests read it without a lock.
 *   GET /__floor/stats   {"answers":N,"served":N,"missed":N,"user_us":N,"sys_us":N}: answers
 *                        loaded, requests answered from the table, requests that found no answer
 *                        (404; they would make coursectl's plan differ, so plan.sh requires 0),
 *                        and the process's CPU so far (getrusage: all threads, ended ones too, in
 *                        microseconds where /proc/PID/stat counts 10 ms ticks)
 * SIGINT or SIGTERM stops the server and prints "simfloor: served N, missed N" on stderr.
 *
 * FILE (written by tests/bench/floorrec.py record): the line "simfloor-answers 1", then per answer
 *   TARGET_BYTES STATUS NHEADERS BODY_BYTES\n TARGET\n NAME: VALUE\n (NHEADERS lines) BODY\n
 * Header values must not hold a newline (HTTP/1.1 forbids it). A target recorded twice keeps its
 * first answer (a plan reads nothing twice; plan.sh's log has 4,092 distinct targets).
 *
 * Figures (BENCHMARKS.md, "canvas-sim is never the bottleneck"; 15 plans, load average 2-3): 0.080 s
 * of CPU for the plan with a thread per connection, 0.052 s with --threads 1, nearly all of it the
 * kernel's (perf: 84%; libmicrohttpd 6%, this file 2.6%), where canvas-sim spends 0.19 s and
 * coursectl 0.54 s reading: 6.8x and 9.1x are the ceilings of the 5x target for the two designs.
 *
 * Rejected: a raw socket server writing recorded bytes (a lower floor, but not canvas-sim's design:
 * the question is what this design costs); answering from the handler with a fresh response per
 * request (MHD_create_response_from_buffer + headers: work canvas-sim does, not the floor);
 * reading FILE at start with a port given by the script (a free port found by the script may be
 * taken before simfloor binds it).
 */
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "strmap.h"
#include "xalloc.h"

/* canvas-sim's connection memory (sim_server.c POOL_BYTES): its cost is libmicrohttpd zeroing it on
 * every request of a kept-alive connection, so the floor must pay it too */
#define POOL_BYTES (16 * 1024)

struct answer {
	const char *target;           /* NUL-terminated, inside the file buffer */
	size_t target_len;
	uint64_t hash;
	unsigned status;
	struct MHD_Response *resp;    /* built once; queued by every request of this target */
};

struct table {
	char *file;                   /* the whole answers file; targets, headers and bodies point in */
	struct answer *a;             /* n answers */
	size_t n;
	size_t *slot;                 /* open addressing: index + 1 into a, 0 = empty; mask + 1 slots */
	size_t mask;
	size_t bytes;                 /* the bodies' total */
};

static const char *answers_path;
static _Atomic(struct table *) table;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ulong served, missed;
static struct MHD_Response *not_recorded;

static const struct answer *lookup(const struct table *t, const char *target, size_t len)
{
	uint64_t h = strmap_hash_n(target, len);
	size_t i = (size_t)h & t->mask;

	while (t->slot[i]) {
		const struct answer *a = &t->a[t->slot[i] - 1];

		if (a->hash == h && a->target_len == len && !memcmp(a->target, target, len))
			return a;
		i = (i + 1) & t->mask;
	}
	return NULL;
}

/* Frees t: the responses, the table, the file buffer. */
static void table_free(struct table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		if (t->a[i].resp)
			MHD_destroy_response(t->a[i].resp);
	free(t->a);
	free(t->slot);
	free(t->file);
	free(t);
}

/* Reads the whole of path into a malloc'ed buffer (caller frees); NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n = 0, k;
	char *p;

	if (!f)
		return NULL;
	p = xmalloc(cap + 1);
	while ((k = fread(p + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			cap *= 2;
			p = xrealloc(p, cap + 1);
		}
	}
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(p);
		errno = e;
		return NULL;
	}
	fclose(f);
	p[n] = '\0';
	*len = n;
	return p;
}

/* The next line of [*p, end) NUL-terminated in place; NULL when no newline is left. */
static char *next_line(char **p, char *end)
{
	char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));

	if (!nl)
		return NULL;
	*nl = '\0';
	*p = nl + 1;
	return s;
}

/* Reads n space-separated decimal numbers, the whole of line, into v; -1 when line is anything else. */
static int numbers(const char *line, unsigned long long *v, int n)
{
	const char *p = line;
	char *end;
	int i;

	for (i = 0; i < n; i++) {
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v[i] = strtoull(p, &end, 10);
		if (errno || *end != (i + 1 < n ? ' ' : '\0'))
			return -1;
		p = end + (i + 1 < n);
	}
	return 0;
}

/* Parses the answers file (format above) into a table the caller frees with table_free; NULL with
 * a message in why (size n) when the file cannot be read or is malformed. */
static struct table *table_load(const char *path, char *why, size_t n)
{
	struct table *t = xcalloc(1, sizeof(*t));
	size_t len = 0, cap = 0, i;
	char *p, *end, *line;

	t->file = slurp(path, &len);
	if (!t->file) {
		snprintf(why, n, "%s: %s", path, strerror(errno));
		goto fail;
	}
	p = t->file;
	end = t->file + len;
	line = next_line(&p, end);
	if (!line || strcmp(line, "simfloor-answers 1")) {
		snprintf(why, n, "%s: not a simfloor answers file", path);
		goto fail;
	}
	while (p < end) {
		unsigned long long v[4], tlen, blen;
		unsigned status, nh, h;
		struct answer *a;

		line = next_line(&p, end);
		if (!line || numbers(line, v, 4) || v[1] < 100 || v[1] > 999 || v[2] > 1000 ||
		    v[0] >= (unsigned long long)(end - p)) {
			snprintf(why, n, "%s: answer %zu: bad head line", path, t->n + 1);
			goto fail;
		}
		tlen = v[0];
		status = (unsigned)v[1];
		nh = (unsigned)v[2];
		blen = v[3];
		if (t->n == cap) {
			cap = cap ? 2 * cap : 4096;
			t->a = xrealloc(t->a, cap * sizeof(*t->a));
		}
		a = &t->a[t->n++];
		memset(a, 0, sizeof(*a));
		a->target = p;
		a->target_len = (size_t)tlen;
		a->status = status;
		p += tlen;
		if (*p != '\n') {
			snprintf(why, n, "%s: answer %zu: target longer than its length", path, t->n);
			goto fail;
		}
		*p++ = '\0';
		a->hash = strmap_hash_n(a->target, a->target_len);
		/* the body first, to build the response; the header lines sit before it */
		{
			char *hp = p, *colon;

			for (h = 0; h < nh; h++)
				if (!next_line(&p, end)) {
					snprintf(why, n, "%s: answer %zu: %u header lines missing", path, t->n, nh - h);
					goto fail;
				}
			if (blen >= (unsigned long long)(end - p) || p[blen] != '\n') {
				snprintf(why, n, "%s: answer %zu: body shorter than its length", path, t->n);
				goto fail;
			}
			a->resp = MHD_create_response_from_buffer((size_t)blen, p, MHD_RESPMEM_PERSISTENT);
			if (!a->resp) {
				snprintf(why, n, "%s: answer %zu: libmicrohttpd refused the response", path, t->n);
				goto fail;
			}
			for (h = 0; h < nh; h++) {
				colon = strchr(hp, ':');
				if (!colon || colon[1] != ' ') {
					snprintf(why, n, "%s: answer %zu: header line without ': '", path, t->n);
					goto fail;
				}
				*colon = '\0';
				if (MHD_add_response_header(a->resp, hp, colon + 2) != MHD_YES) {
					snprintf(why, n, "%s: answer %zu: libmicrohttpd refused header %s", path, t->n, hp);
					goto fail;
				}
				hp = colon + 2 + strlen(colon + 2) + 1;
			}
			t->bytes += (size_t)blen;
			p += blen + 1;
		}
	}
	for (t->mask = 1; t->mask < 2 * t->n; t->mask *= 2)
		;
	t->slot = xcalloc(t->mask, sizeof(*t->slot));
	t->mask--;
	for (i = 0; i < t->n; i++) {
		size_t s = (size_t)t->a[i].hash & t->mask;

		if (lookup(t, t->a[i].target, t->a[i].target_len))
			continue;   /* recorded twice: the first answer stays */
		while (t->slot[s])
			s = (s + 1) & t->mask;
		t->slot[s] = i + 1;
	}
	return t;
fail:
	table_free(t);
	return NULL;
}

/* What a request's *con_cls holds, from the URI log callback to its answer: the answer of its target,
 * or &no_answer, with bit 0 set once the first call to on_request has come (struct answer is
 * aligned, so the bit is free). A tag, not a per-request allocation (canvas-sim's struct conn):
 * the floor allocates nothing per request. */
static struct answer no_answer;
#define STARTED ((uintptr_t)1)

/* The request target as the client sent it (canvas-sim's sim_server.c uri_logger takes it the same
 * way); the answer it names becomes the request's *con_cls. */
static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *c)
{
	const struct table *t = atomic_load_explicit(&table, memory_order_acquire);
	const struct answer *a = t ? lookup(t, uri, strlen(uri)) : NULL;

	(void)cls;
	(void)c;
	/* cast: libmicrohttpd's per-request pointer is void *; the answer is never written through it */
	return a ? (void *)a : &no_answer;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* POST /__floor/load and GET /__floor/stats */
static enum MHD_Result admin(struct MHD_Connection *c, const char *method, const char *path)
{
	char msg[512], why[400];
	struct table *t;

	if (!strcmp(path, "/__floor/stats") && !strcmp(method, "GET")) {
		struct rusage ru;

		memset(&ru, 0, sizeof(ru));
		getrusage(RUSAGE_SELF, &ru);
		t = atomic_load_explicit(&table, memory_order_acquire);
		snprintf(msg, sizeof(msg),
			 "{\"answers\":%zu,\"served\":%lu,\"missed\":%lu,\"user_us\":%lld,\"sys_us\":%lld}\n",
			 t ? t->n : 0, atomic_load(&served), atomic_load(&missed),
			 (long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
			 (long long)ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec);
		return reply_text(c, MHD_HTTP_OK, msg);
	}
	if (strcmp(path, "/__floor/load") || strcmp(method, "POST"))
		return reply_text(c, MHD_HTTP_NOT_FOUND, "{\"error\":\"no such simfloor endpoint\"}\n");
	pthread_mutex_lock(&load_lock);
	if (atomic_load_explicit(&table, memory_order_acquire)) {
		pthread_mutex_unlock(&load_lock);
		return reply_text(c, MHD_HTTP_CONFLICT, "{\"error\":\"the answers are already loaded\"}\n");
	}
	why[0] = '\0';
	t = table_load(answers_path, why, sizeof(why));
	if (t)
		atomic_store_explicit(&table, t, memory_order_release);
	pthread_mutex_unlock(&load_lock);
	if (!t) {
		/* why holds a path and a message, no quote or backslash that JSON would need escaped
		 * in the temporary paths plan.sh uses; the text is for a person */
		snprintf(msg, sizeof(msg), "{\"error\":\"%s\"}\n", why);
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, msg);
	}
	snprintf(msg, sizeof(msg), "{\"answers\":%zu,\"bytes\":%zu}\n", t->n, t->bytes);
	return reply_text(c, MHD_HTTP_OK, msg);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	uintptr_t tag = (uintptr_t)*con_cls;
	const struct answer *a = (const struct answer *)(tag & ~STARTED);

	(void)cls;
	(void)version;
	(void)upload_data;
	/* the first call comes when the headers are in. An answer queued then makes libmicrohttpd
	 * 0.9.75 close the connection after it ("Connection: close": the body might still come), a
	 * TCP connection and a thread per request; so, as canvas-sim, answer on the second call, once
	 * the whole request is in (no system call between the two for a GET) */
	if (!(tag & STARTED)) {
		*con_cls = (void *)(tag | STARTED);
		return MHD_YES;
	}
	if (*upload_size) {   /* a body (none of the plan's GETs has one): dropped */
		*upload_size = 0;
		return MHD_YES;
	}
	if (a != &no_answer) {
		atomic_fetch_add_explicit(&served, 1, memory_order_relaxed);
		return MHD_queue_response(c, a->status, a->resp);
	}
	if (!strncmp(url, "/__floor/", 9))
		return admin(c, method, url);
	atomic_fetch_add_explicit(&missed, 1, memory_order_relaxed);
	return MHD_queue_response(c, MHD_HTTP_NOT_FOUND, not_recorded);
}

static int num_arg(const char *opt, const char *val, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!val) {
		fprintf(stderr, "simfloor: %s needs a value\n", opt);
		return -1;
	}
	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || end == val || *end || v < lo || v > hi) {
		fprintf(stderr, "simfloor: %s: '%s' is not a number from %ld to %ld\n", opt, val, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static const char miss_body[] = "{\"errors\":[{\"message\":\"simfloor: no recorded answer\"}]}";
	long port = 0, threads = 0;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct sockaddr_in addr;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t sigs;
	int i, sig = 0;

	for (i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--answers") && val) {
			answers_path = val;
		} else if (!strcmp(argv[i], "--port")) {
			if (num_arg(argv[i], val, 0, 65535, &port))
				return 64;
		} else if (!strcmp(argv[i], "--threads")) {
			if (num_arg(argv[i], val, 0, 64, &threads))
				return 64;
		} else {
			answers_path = NULL;
			break;
		}
		i++;
	}
	if (!answers_path) {
		fprintf(stderr, "usage: simfloor --answers FILE [--port N] [--threads N]\n");
		return 64;
	}
	not_recorded = MHD_create_response_from_buffer(sizeof(miss_body) - 1, (void *)miss_body,
						       MHD_RESPMEM_PERSISTENT);
	if (!not_recorded || MHD_add_response_header(not_recorded, "Content-Type", "application/json") != MHD_YES) {
		fprintf(stderr, "simfloor: libmicrohttpd refused a response\n");
		return 1;
	}
	/* the signals go to sigwait below: every libmicrohttpd thread inherits them blocked */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (threads > 0)
		flags |= MHD_USE_EPOLL_INTERNAL_THREAD;
	else
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_URI_LOG_CALLBACK, uri_logger, NULL,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_BYTES,
			     MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
			     threads > 0 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
			     (unsigned)threads, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "simfloor: cannot listen on 127.0.0.1:%ld\n", port);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("simfloor listening on http://127.0.0.1:%u\n", info ? (unsigned)info->port : (unsigned)port);
	fflush(stdout);
	while (sigwait(&sigs, &sig) != 0)
		;
	MHD_stop_daemon(d);
	fprintf(stderr, "simfloor: served %lu, missed %lu\n", atomic_load(&served), atomic_load(&missed));
	table_free(atomic_load(&table));
	MHD_destroy_response(not_recorded);
	return 0;
}

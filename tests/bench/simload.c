/* tests/bench/simload.c -- a small HTTP load generator for canvas-sim (make bench).
 *
 *   simload --url http://127.0.0.1:PORT [--token T] [-n 20000] [-c 8] [--path P]... [--tsv]
 *
 * Fires N GET requests in total, at most C at a time, round-robin over a list of paths (request i
 * goes to path i mod npaths), with "Authorization: Bearer T". It prints the request rate, a
 * histogram of status codes and latency percentiles (p50, p90, p99, max). With --tsv it prints one
 * tab-separated line instead, for tests/bench/run.sh to put in a table:
 *   conc  requests  seconds  req_per_s  p50_ms  p90_ms  p99_ms  max_ms  connections  statuses
 * where statuses is "200:12000,404:8000" and status 0 counts transfers that got no HTTP answer.
 *
 * Design: one libcurl multi handle with C easy handles. Each easy handle is re-added as soon as its
 * transfer ends, so there are always min(C, remaining) requests in flight. The multi handle keeps
 * the connections in its cache (CURLMOPT_MAXCONNECTS = C), so a steady run opens C connections and
 * reuses them; "connections" in the output (the sum of CURLINFO_NUM_CONNECTS) shows whether it did.
 * Latency is measured by this program, from curl_multi_add_handle() to CURLMSG_DONE: what a client
 * sees, including the time the request waited in the server's queue.
 *
 * Rejected: curl's own CURLINFO_TOTAL_TIME_T (it is measured the same way but leaves out the time
 * between our add and curl's start, which we want counted); one thread per connection (measures the
 * client's scheduler as much as the server on a 2-CPU machine); a fixed request rate (open-loop
 * load) -- useful for latency under load, but a closed loop at fixed concurrency is what coursectl's
 * window of parallel requests produces, so that is what we measure.
 *
 * This program reports figures and never judges them: the exit status is 0 after a run, 1 only when
 * no request got any HTTP answer (the server is not there), 64 for a usage error.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"

#define STATUS_MAX 600

static const char *const default_paths[] = {
	"/api/v1/courses/4821",
	"/api/v1/courses/4821/assignments?per_page=100",
	"/api/v1/courses/4821/pages?per_page=100",
	"/api/v1/courses/4821/modules?include[]=items",
	"/api/v1/users/self",
};

struct slot {
	CURL *easy;
	double started;     /* monotonic seconds at curl_multi_add_handle */
	size_t bytes;       /* response body bytes of the current transfer */
};

struct run {
	const char *base;
	const char **paths;
	int npaths;
	long n, conc;
	long sent, done;
	double *lat;        /* seconds, one per finished request */
	long status[STATUS_MAX];
	long connects;
	size_t bytes;
	char first_error[CURL_ERROR_SIZE + 64];
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *fp)
{
	fprintf(fp, "usage: simload --url http://HOST:PORT [--token T] [-n REQUESTS] [-c CONCURRENCY]\n"
		    "               [--path PATH]... [--tsv]\n");
}

static size_t sink(char *p, size_t size, size_t nmemb, void *userdata)
{
	struct slot *sl = userdata;

	(void)p;
	sl->bytes += size * nmemb;
	return size * nmemb;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile q (0..1] of sorted v[0..n-1], in milliseconds. */
static double pct_ms(const double *v, long n, double q)
{
	long k = (long)(q * (double)n + 0.999999);

	if (n <= 0)
		return 0;
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1] * 1000.0;
}

static int start(struct run *r, CURLM *m, struct slot *sl)
{
	char *url = xasprintf("%s%s", r->base, r->paths[r->sent % r->npaths]);
	CURLMcode mc;

	curl_easy_setopt(sl->easy, CURLOPT_URL, url);   /* curl copies the string */
	free(url);
	sl->bytes = 0;
	sl->started = now_seconds();
	mc = curl_multi_add_handle(m, sl->easy);
	if (mc != CURLM_OK) {
		fprintf(stderr, "simload: curl_multi_add_handle: %s\n", curl_multi_strerror(mc));
		return -1;
	}
	r->sent++;
	return 0;
}

static void finish(struct run *r, CURLMsg *msg, struct slot *sl)
{
	long code = 0, conns = 0;

	if (msg->data.result == CURLE_OK)
		curl_easy_getinfo(sl->easy, CURLINFO_RESPONSE_CODE, &code);
	else if (!r->first_error[0])
		snprintf(r->first_error, sizeof(r->first_error), "%s", curl_easy_strerror(msg->data.result));
	curl_easy_getinfo(sl->easy, CURLINFO_NUM_CONNECTS, &conns);
	r->connects += conns;
	r->bytes += sl->bytes;
	r->status[code > 0 && code < STATUS_MAX ? code : 0]++;
	r->lat[r->done++] = now_seconds() - sl->started;
}

/* Run the whole load; returns 0, or -1 when libcurl could not be driven. */
static int drive(struct run *r, const char *token)
{
	struct curl_slist *hdrs = NULL;
	struct slot *slots = xcalloc((size_t)r->conc, sizeof(*slots));
	CURLM *m = curl_multi_init();
	char *auth = NULL;
	int rc = -1, running, left;
	long i;

	if (!m)
		goto done;
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, r->conc);
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, r->conc);
	if (token && *token) {
		auth = xasprintf("Authorization: Bearer %s", token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	for (i = 0; i < r->conc; i++) {
		slots[i].easy = curl_easy_init();
		if (!slots[i].easy)
			goto done;
		curl_easy_setopt(slots[i].easy, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(slots[i].easy, CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(slots[i].easy, CURLOPT_WRITEDATA, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_PRIVATE, &slots[i]);
		curl_easy_setopt(slots[i].easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(slots[i].easy, CURLOPT_TIMEOUT, 120L);
		curl_easy_setopt(slots[i].easy, CURLOPT_TCP_NODELAY, 1L);
	}
	for (i = 0; i < r->conc && r->sent < r->n; i++)
		if (start(r, m, &slots[i]))
			goto done;
	while (r->done < r->n) {
		CURLMsg *msg;
		CURLMcode mc = curl_multi_perform(m, &running);

		if (mc != CURLM_OK) {
			fprintf(stderr, "simload: curl_multi_perform: %s\n", curl_multi_strerror(mc));
			goto done;
		}
		while ((msg = curl_multi_info_read(m, &left))) {
			struct slot *sl;
			char *priv = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
			sl = (struct slot *)(void *)priv;
			finish(r, msg, sl);   /* reads msg before the handle is removed */
			curl_multi_remove_handle(m, sl->easy);
			if (r->sent < r->n && start(r, m, sl))
				goto done;
		}
		if (r->done < r->n) {
			mc = curl_multi_poll(m, NULL, 0, 1000, NULL);
			if (mc != CURLM_OK) {
				fprintf(stderr, "simload: curl_multi_poll: %s\n", curl_multi_strerror(mc));
				goto done;
			}
		}
	}
	rc = 0;
done:
	for (i = 0; i < r->conc; i++) {
		if (!slots[i].easy)
			continue;
		if (m)
			curl_multi_remove_handle(m, slots[i].easy);
		curl_easy_cleanup(slots[i].easy);
	}
	if (m)
		curl_multi_cleanup(m);
	curl_slist_free_all(hdrs);
	free(auth);
	free(slots);
	return rc;
}

static void report(const struct run *r, double secs, int tsv)
{
	double rate = secs > 0 ? (double)r->done / secs : 0;
	int code, first = 1;

	if (tsv) {
		printf("%ld\t%ld\t%.3f\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%ld\t", r->conc, r->done, secs, rate,
		       pct_ms(r->lat, r->done, 0.50), pct_ms(r->lat, r->done, 0.90), pct_ms(r->lat, r->done, 0.99),
		       pct_ms(r->lat, r->done, 1.0), r->connects);
		for (code = 0; code < STATUS_MAX; code++) {
			if (!r->status[code])
				continue;
			printf("%s%d:%ld", first ? "" : ",", code, r->status[code]);
			first = 0;
		}
		printf("\n");
		return;
	}
	printf("simload: %ld requests, concurrency %ld, %d paths round-robin, %s\n", r->done, r->conc, r->npaths,
	       r->base);
	printf("  time         %.3f s\n", secs);
	printf("  rate         %.0f requests/s\n", rate);
	printf("  latency      p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms\n", pct_ms(r->lat, r->done, 0.50),
	       pct_ms(r->lat, r->done, 0.90), pct_ms(r->lat, r->done, 0.99), pct_ms(r->lat, r->done, 1.0));
	printf("  status      ");
	for (code = 0; code < STATUS_MAX; code++)
		if (r->status[code])
			printf(" %s%d: %ld", code ? "" : "no answer ", code, r->status[code]);
	printf("\n");
	printf("  connections  %ld opened\n", r->connects);
	printf("  received     %zu body bytes\n", r->bytes);
	if (r->first_error[0])
		printf("  first error  %s\n", r->first_error);
}

static int num(const char *opt, const char *v, long lo, long hi, long *out)
{
	char *end;
	long x;

	if (!v) {
		fprintf(stderr, "simload: %s needs a value\n", opt);
		return -1;
	}
	x = strtol(v, &end, 10);
	if (end == v || *end || x < lo || x > hi) {
		fprintf(stderr, "simload: %s: '%s' is not a number in %ld..%ld\n", opt, v, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

int main(int argc, char **argv)
{
	struct run r;
	const char *token = NULL;
	int tsv = 0, i, rc = 0;
	double t0, secs;

	memset(&r, 0, sizeof(r));
	r.n = 20000;
	r.conc = 8;
	r.paths = xcalloc((size_t)argc, sizeof(*r.paths));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--url") || !strcmp(a, "-u")) {
			r.base = v;
			i++;
		} else if (!strcmp(a, "--token") || !strcmp(a, "-t")) {
			token = v;
			i++;
		} else if (!strcmp(a, "-n")) {
			if (num(a, v, 1, 100000000, &r.n))
				goto usage;
			i++;
		} else if (!strcmp(a, "-c")) {
			if (num(a, v, 1, 4096, &r.conc))
				goto usage;
			i++;
		} else if (!strcmp(a, "--path") || !strcmp(a, "-p")) {
			if (v)
				r.paths[r.npaths++] = v;
			i++;
		} else if (!strcmp(a, "--tsv")) {
			tsv = 1;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			free(r.paths);
			return 0;
		} else {
			fprintf(stderr, "simload: unknown option '%s'\n", a);
			goto usage;
		}
		if (i >= argc) {
			fprintf(stderr, "simload: %s needs a value\n", a);
			goto usage;
		}
	}
	if (!r.base) {
		fprintf(stderr, "simload: --url is required\n");
		goto usage;
	}
	if (!r.npaths) {
		for (i = 0; i < (int)(sizeof(default_paths) / sizeof(default_paths[0])); i++)
			r.paths[r.npaths++] = default_paths[i];
	}
	if (r.conc > r.n)
		r.conc = r.n;
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		fprintf(stderr, "simload: curl_global_init failed\n");
		free(r.paths);
		return 1;
	}
	r.lat = xcalloc((size_t)r.n, sizeof(*r.lat));
	t0 = now_seconds();
	if (drive(&r, token))
		rc = 1;
	secs = now_seconds() - t0;
	qsort(r.lat, (size_t)r.done, sizeof(*r.lat), cmp_double);
	report(&r, secs, tsv);
	if (r.done && r.status[0] == r.done) {
		fprintf(stderr, "simload: no request got an HTTP answer from %s (%s)\n", r.base, r.first_error);
		rc = 1;
	}
	free(r.lat);
	free(r.paths);
	curl_global_cleanup();
	return rc;
usage:
	usage(stderr);
	free(r.paths);
	return 64;
}

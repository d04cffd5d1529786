/* runner/http.c -- the HTTP engine: one curl_multi loop, a window adapted to Canvas's throttle,
 * retries, redaction and the origin rule. See include/http.h for the calling sequence.
 *
 * The loop (after curl 7.88's tool_operate.c parallel_transfers):
 *
 *	while something is queued or in flight:
 *		start queued requests whose retry time has come, while in-flight < window
 *		      and the throttle pause is over (each after the before_send hook)
 *		curl_multi_poll (until a socket is ready or the next retry/pause time)
 *		curl_multi_perform
 *		for each finished transfer, in the order Canvas settled them (complete_turn):
 *		      classify -> requeue with backoff, or done()
 *
 * Order. Two FIFO queues: HTTP_URGENT requests (a Progress poll, due 0.3 s after its bulk_update
 * was answered) and the rest. The next request to start is the first urgent one whose time has
 * come, else the first other one whose time has come. Issue 18: with one FIFO queue a due poll
 * waited behind every PUT queued before it, so the bulk jobs' polls and read-backs only ran once
 * the other writes were sent, with nothing else to fill the window around their 0.3 s waits (the
 * throttled apply's tail ran 4 to 5 in flight where the bucket admits 5 to 6). An urgent request is
 * short and frees work (a unit's read-back, its object's end), so it goes first; its own retries
 * keep the flag. Nothing is reordered among requests of one kind.
 *
 * Window. Canvas charges every request 50 units up front against a bucket that refuses at 600 and
 * leaks 10 units/s (API.md 3), so about 11 requests in flight from one token is the ceiling and the
 * X-Rate-Limit-Remaining header tells how close we are. That header counts the up-front units of
 * the requests still in flight: remaining = 600 - settled level - 50 x (others in flight). The
 * window starts at 2, and the first answer with the header sets it to what the bucket admits
 * (http_throttle_cap, at most opts.max_window: issue 18, growing 2, 3, ... 8 one window of answers
 * at a time cost the first 0.4 s of every run a quarter of its slots). After each answer,
 * http_throttle_cap() splits the two: the settled level
 * alone leaks at 10 units/s, the reservations come back within one round trip. When the settled
 * level leaves no room for even one request with 100 units of margin (remaining + 50 x in flight
 * < 100), new requests pause for (100 - that) / 10 s -- the time the bucket needs to leak back --
 * and the window drops to 1; otherwise the window is cut to the number of requests that fit with
 * HTTP_CAP_MARGIN (15) units to spare (no pause: it refills as those in flight settle), and grows
 * by 1/window per success (+1 per window of successes) up to that number, while the requests in
 * flight fill it (RFC 7661: a window the queue does not fill proves nothing). A throttled answer
 * halves the window and
 * pauses the same way, on the settled level too (a refused request's remaining also counts the
 * others' reservations: paused on it, one refusal among 6 in flight stopped the run for seconds).
 * It never exceeds opts.max_window. Issue 18: pausing on the reported
 * remaining itself, which the reservations of 7 requests in flight lower by 350, paused for
 * seconds what one round trip would have given back, and used a third of the bucket: an apply at
 * 80 ms latency and realistic costs ran at 58% of the bucket's bound (tests/bench/throttle.sh).
 * The spare units were first a whole request's 50: but what can arrive between two answers is only
 * the settled cost of the requests in flight (a unit each at most, API.md 3.2), and once the
 * apply's writes fill the bucket (settled level near 290) those 50 units were one request of the 6
 * that fit -- the apply's tail ran 4 to 5 in flight. With 15 the apply went from 84% to 86-89% of
 * its bound, still 0 throttled, both styles (BENCHMARKS.md, "The throttle's full width").
 * Rejected alternative: a fixed request rate (canvas-cli's 5/2/1 rps) -- it is either too slow on
 * an idle bucket or too fast on a shared token.
 * Answers in the order Canvas settled them (issue 18, i18/throttle3). Requests started together end
 * together: one turn of curl_multi_perform often finishes a row of them, and curl hands them over in
 * its own order, not the order Canvas settled them in. Each answer's remaining is the level right
 * after its own settle (RequestThrottle#call in app/middleware/request_throttle.rb sets
 * X-Rate-Limit-Remaining from LeakyBucket#remaining once LeakyBucket#reserve_capacity has credited
 * the up-front units back, increment(cost, -up_front_cost)), so it still counts the up-front units
 * of the row-mates settled after it. Read in curl's order, an answer settled first but read last
 * saw those row-mates as no longer in flight: its settled level came out a request or more high per
 * such row-mate, and the window was cut to it (the throttled apply's tail ran 4.3 to 5 in flight
 * where 6 to 7 fit; the plan's reads were cut as low as 3). Each settle gives back up_front - cost
 * (> 0) units, so within a row the later-settled answer reports the higher remaining:
 * complete_turn completes a turn's answers lowest remaining first (http_settle_order), and each
 * then sees as in flight exactly its row-mates settled after it. The throttled apply's tail now
 * runs at what fits (4.9 where 5 fit, 5.7 where 6 do), 0 throttled; with the batches read while
 * planned (plan_build.c) the apply is at 91-96% of its bound, from 85-91% (BENCHMARKS.md, "The
 * throttle's full width").
 * A row split over two turns (the last answer a millisecond late) is read the same way when nothing
 * was started between them: the answers read since a request last started (h->recent) that said at
 * least HTTP_UP_FRONT / 2 more than this one were settled after it (an arrival between would have
 * taken 50 units back), so they count as in flight for it (http_settled_after); alone, a row's
 * late answer cut the window from 8 to 5 just before the apply's writes. Once a request starts the list
 * is emptied: what comes after may have arrived between.
 * Still not known, and still covered by HTTP_CAP_MARGIN and the cut-fast-grow-slowly rule: a
 * request started after an answer was settled but before it was read counts as in flight for that
 * answer though its remaining does not hold its units. On canvas-sim (one machine) that is a
 * window of microseconds; across a network it is the requests started within a round trip before
 * the answer is read, whose reservations the answer cannot show. Tried and not kept (i18/throttle2): the
 * highest remaining of one turn's answers (two refusals and a 6.5 s pause in five runs), and
 * counting as others only the requests started before the previous curl_multi_perform (the cuts got
 * deeper: 5 where 9 fit).
 *
 * Classification of a finished attempt:
 *   403 with "Rate Limit Exceeded" in the body, or any 429  -> throttled: back off, retry
 *   5xx, timeout, dropped connection                        -> retry (not a POST unless RETRY_SAFE)
 *   connection refused / unknown host before any response   -> fail at once: the URL is wrong
 *   3xx                                                     -> error naming the target; never followed
 *   anything else                                           -> done(), the caller reads the status
 * Backoff: backoff_base_ms * 2^(n-1), +-50% jitter, at most 30 s. The throttle pause gets the same
 * +-50% jitter (http_pause_for): with a fixed pause, a client and a server that refuses in bursts
 * at a fixed period (403s every 1.5 s in the review of issue 17) fall into step, and every retry
 * lands in the next burst -- that run made no progress in 10 minutes.
 *
 * Slow answers: every request has a total timeout (--timeout, 120 s) and a low-speed one: under
 * HTTP_LOW_SPEED_BPS (64 bytes/s) for opts.low_speed_s (60 s; COURSECTL_LOW_SPEED_S) it is cut
 * and retried as a timeout is. A server trickling bytes (a slow-loris) thus holds a request at
 * most --timeout, and a silent connection at most low_speed_s even when --timeout is long; both
 * are retried a bounded number of times. 64 bytes/s for 60 s leaves Canvas's slowest lists (tens of
 * seconds before the first byte) alone.
 *
 * Throttle headers are input too: an X-Rate-Limit-Remaining or X-Request-Cost that is not a finite
 * number ("abc", "nan", "1e999", empty) is taken as absent, not as 0 (which paused every answer
 * for up to 15 s). Retry-After is not read: backoff and pauses are our own and capped (30 s and
 * 10 s, jittered), so a huge, negative or non-numeric Retry-After changes nothing.
 *
 * Stalls: when no request has got an answer other than a throttle or a retried failure for
 * opts.stall_warn_s seconds (default 60; COURSECTL_STALL_WARN_S overrides it, for tests and for
 * impatient people), the engine says so on stderr, and again each further period, so a run that is
 * only waiting never looks hung.
 *
 * Interrupts (issue 16): the loop polls interrupt_pending() every turn (curl_multi_poll wakes at
 * least every 200 ms, and a signal cuts it short). On a signal the engine stops as after
 * http_stop -- queued requests finish unsent, retries are not made -- and the requests in flight
 * get HTTP_INTERRUPT_GRACE_S seconds to be answered, so their outcomes can be journaled; then they
 * are abandoned (removed from the multi handle, done() with no status and an error), which leaves
 * their changes "in doubt" for resume. A person pressing Ctrl-C waits seconds, not a --timeout.
 *
 * TLS: CURLOPT_SSL_VERIFYPEER and CURLOPT_SSL_VERIFYHOST are set on every request and no option
 * clears them; --cacert FILE (opts.cacert, CURLOPT_CAINFO) trusts a private CA instead of the system
 * store. A certificate that fails the check ends the request at once (no retries) with a message
 * that names the Canvas and --cacert: nothing, the token included, was sent (curl sends the request
 * only after the handshake).
 *
 * Token rule: the Authorization header is attached only to URLs whose scheme, host and port equal
 * the base URL's, checked for every request (a Link header is input from the network too).
 * CURLOPT_VERBOSE is never set: our own -v lines carry the redacted URL only. The header and each
 * request's copy of it in its header list are wiped (explicit_bzero) before they are freed; the
 * copies libcurl makes inside its own request buffers are out of our reach.
 */
#include "http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "interrupt.h"
#include "msg.h"
#include "version.h"
#include "xalloc.h"

_Static_assert(CURL_ERROR_SIZE_COPY >= CURL_ERROR_SIZE, "errbuf must hold CURL_ERROR_SIZE bytes");

struct http {
	CURLM *multi;
	struct http_opts o;
	char *base;
	char *scheme, *host;
	long port;
	char *auth_header;        /* "Authorization: Bearer ..." (never printed) */
	char *user_agent;
	struct http_req *queue;   /* waiting to start (FIFO) */
	struct http_req **qtail;  /* &last->next, or &queue when empty: O(1) appends */
	struct http_req *urgent;  /* HTTP_URGENT requests waiting to start (FIFO): before the queue */
	struct http_req **utail;  /* as qtail */
	int (*before_send)(void *ud, struct err *err);   /* http_set_before_send */
	int sized;                /* an answer has told the bucket's level (adapt_window) */
	void *before_send_ud;
	int running;
	double window;
	double pause_until;
	int stopped;
	int interrupted;          /* the signal that stopped it, or 0 */
	double abandon_at;        /* interrupted: when requests still in flight are abandoned */
	struct http_req *inflight;/* the requests in flight, linked by run_next */
	struct http_req **turn;   /* one turn's finished requests (complete_turn), turn_alloc slots each: */
	CURLcode *turn_rc;        /* ... curl's result, */
	double *turn_rem;         /* ... X-Rate-Limit-Remaining, */
	int *turn_order;          /* ... the order to complete them in */
	int turn_alloc;
	double *recent;           /* the remaining of each answer completed since a request last started */
	int nrecent, recent_alloc;
	int ever_answered;        /* a response has come back from the server */
	double last_progress;     /* when a request last finished (not throttled, not retried) */
	double stall_noted;       /* when the last "no progress" note was printed */
	long throttled_at_progress; /* st.throttled then */
	long retries_at_progress;   /* st.retries then */
	unsigned rng;
	struct http_stats st;
};

/* ---------------------------------------------------------------- time, random */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double jitter(struct http *h)
{
	return 0.5 + (double)rand_r(&h->rng) / RAND_MAX;   /* 0.5 .. 1.5 */
}

double http_pause_for(struct http *h, double remaining)
{
	double pause = (100 - remaining) / 10.0;

	if (pause > 10)
		pause = 10;
	return pause * jitter(h);
}

/* ---------------------------------------------------------------- URLs */

static int url_parts(const char *url, char **scheme, char **host, long *port)
{
	CURLU *u = curl_url();
	char *s = NULL, *hst = NULL, *p = NULL;
	int rc = -1;

	if (!u)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &hst, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		*scheme = xstrdup(s);
		*host = xstrdup(hst);
		*port = strtol(p, NULL, 10);
		rc = 0;
	}
	curl_free(s);
	curl_free(hst);
	curl_free(p);
	curl_url_cleanup(u);
	return rc;
}

static int is_loopback(const char *host)
{
	return !strcasecmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "::1") ||
	       !strcmp(host, "[::1]");
}

char *http_normalize_base(const char *url, int insecure_http, struct err *err)
{
	char *u, *scheme = NULL, *host = NULL;
	size_t n;
	long port;

	if (!url || !*url) {
		err_set(err, ERR_USAGE, "no Canvas URL: use --url URL or set CANVAS_BASE_URL");
		return NULL;
	}
	u = xstrdup(url);
	n = strlen(u);
	while (n && u[n - 1] == '/')
		u[--n] = '\0';
	if (n >= 7 && !strcmp(u + n - 7, "/api/v1")) {
		u[n - 7] = '\0';
		n -= 7;
	}
	while (n && u[n - 1] == '/')
		u[--n] = '\0';
	if ((strncmp(u, "https://", 8) && strncmp(u, "http://", 7)) || url_parts(u, &scheme, &host, &port)) {
		err_set(err, ERR_USAGE, "'%s' is not a Canvas URL (expected https://canvas.example.edu)", url);
		free(u);
		return NULL;
	}
	if (strchr(u + strlen(scheme) + 3, '?') || strchr(u + strlen(scheme) + 3, '#')) {
		err_set(err, ERR_USAGE, "the Canvas URL '%s' must not have a query or fragment", url);
		goto fail;
	}
	if (!strcmp(scheme, "http") && !is_loopback(host)) {
		if (!insecure_http) {
			err_set(err, ERR_USAGE,
				"refusing to send a Canvas token over plain http to '%s'; use https://, "
				"or --insecure-http if you really mean it", host);
			goto fail;
		}
		warnf("--insecure-http: the token will cross the network unencrypted to '%s'", host);
	}
	free(scheme);
	free(host);
	return u;
fail:
	free(scheme);
	free(host);
	free(u);
	return NULL;
}

int http_same_origin(const struct http *h, const char *url)
{
	char *scheme = NULL, *host = NULL;
	long port = 0;
	int same;

	if (url_parts(url, &scheme, &host, &port))
		return -1;
	same = !strcasecmp(scheme, h->scheme) && !strcasecmp(host, h->host) && port == h->port;
	free(scheme);
	free(host);
	return same ? 0 : -1;
}

static char *redact_query(const char *url)
{
	const char *q = strchr(url, '?');
	struct buf b = BUF_INIT;
	const char *p;
	int first = 1;

	if (!q)
		return xstrdup(url);
	buf_add(&b, url, (size_t)(q - url));
	p = q + 1;
	while (*p) {
		const char *e = strchr(p, '&');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!(len >= 13 && !strncmp(p, "access_token=", 13)) && !(len >= 8 && !strncmp(p, "api_key=", 8)) &&
		    len) {
			buf_putc(&b, first ? '?' : '&');
			buf_add(&b, p, len);
			first = 0;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	return buf_detach(&b, NULL);
}

/* Also the token hint in ".../users/self/tokens/HINT" (runner/token_info.c): its first 5 characters
 * are no log's business either. */
char *http_redact_url(const char *url)
{
	const char *t = strstr(url, "/users/self/tokens/"), *q = strchr(url, '?');
	struct buf b = BUF_INIT;
	char *out;

	if (!t || (q && t > q))
		return redact_query(url);
	t += strlen("/users/self/tokens/");
	buf_add(&b, url, (size_t)(t - url));
	buf_puts(&b, "[hint]");
	buf_puts(&b, t + strcspn(t, "/?#"));
	out = redact_query(buf_str(&b));
	buf_release(&b);
	return out;
}

/* The URL of rel="next" in a Link header value, malloced, or NULL. Entries are "<url>; rel=\"x\""
 * separated by commas; the rel may be unquoted and hold several words; parsing is case-insensitive. */
char *http_link_next(const char *v)
{
	const char *p = v;

	while (p && *p) {
		const char *lt = strchr(p, '<'), *gt, *end, *r;

		if (!lt)
			return NULL;
		gt = strchr(lt, '>');
		if (!gt)
			return NULL;
		end = strchr(gt, '<');   /* the next entry starts at the next '<' */
		if (!end)
			end = gt + strlen(gt);
		for (r = gt; r + 3 < end; r++) {
			if (!strncasecmp(r, "rel=", 4)) {
				const char *w = r + 4;
				size_t i;

				if (*w == '"')
					w++;
				/* rel may list several relation types separated by spaces */
				while (w < end && *w != '"' && *w != ';' && *w != ',') {
					for (i = 0; w + i < end && w[i] != ' ' && w[i] != '"' && w[i] != ';' && w[i] != ','; i++)
						;
					if (i == 4 && !strncasecmp(w, "next", 4))
						return xstrndup(lt + 1, (size_t)(gt - lt - 1));
					w += i;
					while (w < end && *w == ' ')
						w++;
				}
			}
		}
		p = end;
	}
	return NULL;
}

/* ---------------------------------------------------------------- requests */

struct http_req *http_req_new(const char *method, const char *url)
{
	struct http_req *r = xcalloc(1, sizeof(*r));

	r->method = xstrdup(method);
	r->url = xstrdup(url);
	buf_init(&r->resp, 0);
	r->rate_remaining = -1e9;
	r->request_cost = -1;
	return r;
}

void http_req_set_body(struct http_req *r, const char *body, size_t len, const char *content_type)
{
	free(r->body);
	r->body = xmalloc(len + 1);
	memcpy(r->body, body, len);
	r->body[len] = '\0';
	r->body_len = len;
	r->content_type = content_type;
}

static void clear_results(struct http_req *r)
{
	buf_reset(&r->resp);
	free(r->link_next);
	free(r->www_authenticate);
	free(r->location);
	free(r->content_type_resp);
	r->link_next = r->www_authenticate = r->location = r->content_type_resp = NULL;
	r->status = 0;
	r->rate_remaining = -1e9;
	r->request_cost = -1;
	r->errbuf[0] = '\0';
	err_clear(&r->err);
}

/* Frees a request's header list, wiping each entry first: one is "Authorization: Bearer TOKEN". */
static void free_headers(struct curl_slist *hd)
{
	struct curl_slist *p;

	for (p = hd; p; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(hd);
}

void http_req_free(struct http_req *r)
{
	if (!r)
		return;
	clear_results(r);
	buf_release(&r->resp);
	if (r->easy)
		curl_easy_cleanup(r->easy);
	free_headers(r->headers);
	free(r->method);
	free(r->url);
	free(r->body);
	free(r);
}

/* ---------------------------------------------------------------- engine */

int http_new(struct http **out, const struct http_opts *opts, struct err *err)
{
	struct http *h;
	static int global_init;
	const char *env;   /* read once: the analyzer cannot know two getenv calls agree */

	if (!global_init) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			return err_set(err, ERR_GENERIC, "cannot initialise libcurl");
		global_init = 1;
	}
	h = xcalloc(1, sizeof(*h));
	h->o = *opts;
	if (h->o.max_window <= 0)
		h->o.max_window = 8;
	if (h->o.connect_timeout_ms <= 0)
		h->o.connect_timeout_ms = 10000;
	if (h->o.timeout_ms <= 0)
		h->o.timeout_ms = 120000;
	if (!h->o.max_body)
		h->o.max_body = (size_t)64 << 20;
	if (h->o.max_retries < 0)
		h->o.max_retries = 0;
	else if (!h->o.max_retries)
		h->o.max_retries = 5;
	if (h->o.max_throttle_retries <= 0)
		h->o.max_throttle_retries = 20;
	if (h->o.backoff_base_ms <= 0)
		h->o.backoff_base_ms = 500;
	if ((env = getenv("COURSECTL_STALL_WARN_S"))) {
		char *end;
		double v = strtod(env, &end);

		if (end != env && !*end && v > 0)
			h->o.stall_warn_s = v;
	}
	if (h->o.stall_warn_s <= 0)
		h->o.stall_warn_s = 60;
	if ((env = getenv("COURSECTL_LOW_SPEED_S"))) {
		long v = strtol(env, NULL, 10);

		if (v > 0)
			h->o.low_speed_s = v;
	}
	if (h->o.low_speed_s <= 0)
		h->o.low_speed_s = 60;
	h->base = http_normalize_base(opts->base_url, opts->insecure_http, err);
	if (!h->base) {
		free(h);
		return err->code;
	}
	if (url_parts(h->base, &h->scheme, &h->host, &h->port)) {
		err_set(err, ERR_USAGE, "'%s' is not a Canvas URL", h->base);
		http_free(h);
		return ERR_USAGE;
	}
	h->auth_header = opts->token ? xasprintf("Authorization: Bearer %s", opts->token) : NULL;
	h->user_agent = xstrdup(opts->user_agent ? opts->user_agent : "coursectl/" COURSECTL_VERSION);
	h->multi = curl_multi_init();
	if (!h->multi) {
		http_free(h);
		return err_set(err, ERR_GENERIC, "cannot initialise libcurl");
	}
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->o.max_window);
	h->window = h->o.max_window < 2 ? h->o.max_window : 2;
	h->qtail = &h->queue;
	h->utail = &h->urgent;
	h->rng = (unsigned)time(NULL) ^ (unsigned)(size_t)h;
	*out = h;
	return 0;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	while (h->queue) {
		struct http_req *n = h->queue->next;

		http_req_free(h->queue);
		h->queue = n;
	}
	while (h->urgent) {
		struct http_req *n = h->urgent->next;

		http_req_free(h->urgent);
		h->urgent = n;
	}
	if (h->multi)
		curl_multi_cleanup(h->multi);
	if (h->auth_header) {
		explicit_bzero(h->auth_header, strlen(h->auth_header));
		free(h->auth_header);
	}
	free(h->turn);
	free(h->turn_rc);
	free(h->turn_rem);
	free(h->turn_order);
	free(h->recent);
	free(h->user_agent);
	free(h->base);
	free(h->scheme);
	free(h->host);
	free(h);
}

const struct http_stats *http_get_stats(const struct http *h)
{
	return &h->st;
}

const char *http_base_url(const struct http *h)
{
	return h->base;
}

void http_stop(struct http *h)
{
	h->stopped = 1;
}

int http_stopped(const struct http *h)
{
	return h->stopped;
}

int http_interrupted(const struct http *h)
{
	return h->interrupted;
}

static void inflight_add(struct http *h, struct http_req *r)
{
	r->run_prev = NULL;
	r->run_next = h->inflight;
	if (h->inflight)
		h->inflight->run_prev = r;
	h->inflight = r;
}

static void inflight_remove(struct http *h, struct http_req *r)
{
	if (r->run_prev)
		r->run_prev->run_next = r->run_next;
	else if (h->inflight == r)
		h->inflight = r->run_next;
	if (r->run_next)
		r->run_next->run_prev = r->run_prev;
	r->run_prev = r->run_next = NULL;
}

static void enqueue(struct http *h, struct http_req *r)
{
	struct http_req ***tail = r->flags & HTTP_URGENT ? &h->utail : &h->qtail;

	r->next = NULL;
	**tail = r;
	*tail = &r->next;
}

static void finish(struct http *h, struct http_req *r)
{
	h->last_progress = now_s();
	h->throttled_at_progress = h->st.throttled;
	h->retries_at_progress = h->st.retries;
	if (r->err.code || r->status >= 400)
		h->st.failed++;
	r->keep = 0;
	if (r->done)
		r->done(r, r->ud);
	if (!r->keep)
		http_req_free(r);
}

void http_submit(struct http *h, struct http_req *r)
{
	r->not_before = 0;
	enqueue(h, r);
}

void http_submit_after(struct http *h, struct http_req *r, double delay_s)
{
	r->not_before = delay_s > 0 ? now_s() + delay_s : 0;
	enqueue(h, r);
}

/* ---------------------------------------------------------------- curl callbacks */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct http_req *r = ud;

	if (buf_add(&r->resp, p, size * n)) {
		r->too_big = 1;
		return 0;   /* over the cap: curl stops with CURLE_WRITE_ERROR */
	}
	return size * n;
}

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *v, *e;

	if (len <= nl + 1 || strncasecmp(line, name, nl) || line[nl] != ':')
		return NULL;
	v = line + nl + 1;
	e = line + len;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
		e--;
	return xstrndup(v, (size_t)(e - v));
}

/* A throttle header's number; `absent` when it is not one finite number. */
static double header_number(const char *v, double absent)
{
	char *end;
	double d = strtod(v, &end);

	while (*end == ' ')
		end++;
	return end == v || *end || !isfinite(d) ? absent : d;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct http_req *r = ud;
	size_t len = size * n;
	char *v;

	if ((v = header_value(p, len, "link"))) {
		free(r->link_next);
		r->link_next = http_link_next(v);
		free(v);
	} else if ((v = header_value(p, len, "x-rate-limit-remaining"))) {
		r->rate_remaining = header_number(v, -1e9);
		free(v);
	} else if ((v = header_value(p, len, "x-request-cost"))) {
		r->request_cost = header_number(v, -1);
		free(v);
	} else if ((v = header_value(p, len, "www-authenticate"))) {
		free(r->www_authenticate);
		r->www_authenticate = v;
	} else if ((v = header_value(p, len, "location"))) {
		free(r->location);
		r->location = v;
	} else if ((v = header_value(p, len, "content-type"))) {
		free(r->content_type_resp);
		r->content_type_resp = v;
	}
	return len;
}

/* ---------------------------------------------------------------- starting and finishing */

static int start(struct http *h, struct http_req *r)
{
	CURL *e;
	struct curl_slist *hd = NULL;

	clear_results(r);
	if (http_same_origin(h, r->url)) {
		char *scheme = NULL, *host = NULL;
		long port = 0;

		if (url_parts(r->url, &scheme, &host, &port))
			err_set(&r->err, ERR_GENERIC, "refusing to request '%s': not a valid URL", r->url);
		else
			err_set(&r->err, ERR_GENERIC,
				"refusing to send the Canvas token to %s://%s:%ld, which is not the configured "
				"Canvas (%s)", scheme, host, port, h->base);
		free(scheme);
		free(host);
		return -1;
	}
	e = r->easy ? r->easy : curl_easy_init();
	if (!e) {
		err_set(&r->err, ERR_GENERIC, "cannot create a curl handle");
		return -1;
	}
	curl_easy_reset(e);
	r->easy = e;
	free_headers(r->headers);
	if (h->auth_header)
		hd = curl_slist_append(hd, h->auth_header);
	/* ids as strings (json_guard.c, jsonid_canon): Canvas tests the header for this substring */
	hd = curl_slist_append(hd, "Accept: application/json+canvas-string-ids, application/json");
	if (r->body) {
		char ct[128];

		snprintf(ct, sizeof(ct), "Content-Type: %s",
			 r->content_type ? r->content_type : "application/x-www-form-urlencoded");
		hd = curl_slist_append(hd, ct);
	}
	hd = curl_slist_append(hd, "Expect:");
	r->headers = hd;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->o.timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, HTTP_LOW_SPEED_BPS);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, h->o.low_speed_s);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	/* TLS: the peer's certificate chain and its name are always verified (libcurl's defaults, set
	 * anyway so that no curl_easy_reset or build default can change them); --cacert replaces the
	 * system's CA store, it never disables the check */
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->o.cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->o.cacert);
	if (!strcmp(r->method, "GET")) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
		if (r->body || strcmp(r->method, "DELETE")) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
		}
	}
	r->resp.max = h->o.max_body;
	r->too_big = 0;
	r->attempts++;
	r->started = now_s();
	h->st.requests++;
	if (r->attempts > 1)
		h->st.retries++;
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		err_set(&r->err, ERR_GENERIC, "cannot start a request to %s", h->base);
		return -1;
	}
	h->running++;
	h->nrecent = 0;   /* what was read before this start no longer tells the order (adapt_window) */
	inflight_add(h, r);
	if (h->running > h->st.max_in_flight)
		h->st.max_in_flight = h->running;
	return 0;
}

static void requeue(struct http *h, struct http_req *r, int n)
{
	double delay = h->o.backoff_base_ms / 1000.0 * pow(2, n > 1 ? n - 1 : 0) * jitter(h);

	if (delay > 30)
		delay = 30;
	r->not_before = now_s() + delay;
	enqueue(h, r);
}

/* The absolute URL a Location header points to, resolved against the request URL; malloced. */
static char *resolve_location(const char *base, const char *loc)
{
	CURLU *u = curl_url();
	char *out = NULL, *res = NULL;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK && curl_url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &res, 0) == CURLUE_OK)
		out = xstrdup(res);
	curl_free(res);
	curl_url_cleanup(u);
	return out;
}

static int is_throttled(const struct http_req *r)
{
	if (r->status == 429)
		return 1;
	return r->status == 403 && r->resp.ptr && strstr(r->resp.ptr, "Rate Limit Exceeded");
}

int http_throttle_cap(double remaining, int in_flight)
{
	double room = remaining + HTTP_UP_FRONT * in_flight;
	double cap = room < 100 ? 0 : floor((room - HTTP_CAP_MARGIN) / HTTP_UP_FRONT);

	return cap < 1 ? 0 : cap > 1e6 ? 1000000 : (int)cap;
}

int http_settled_after(const double *recent, int n, double remaining)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += recent[i] >= remaining + HTTP_UP_FRONT / 2;
	return k;
}

/* Keeps rem among the answers read since a request last started (h->recent). */
static void remember(struct http *h, double rem)
{
	if (h->nrecent == h->recent_alloc) {
		h->recent_alloc = h->recent_alloc ? 2 * h->recent_alloc : 16;
		h->recent = xrealloc(h->recent, (size_t)h->recent_alloc * sizeof(*h->recent));
	}
	h->recent[h->nrecent++] = rem;
}

/* Called when an answer is in, after h->running has dropped it: h->running are the others. */
static void adapt_window(struct http *h, const struct http_req *r, int throttled)
{
	double rem = r->rate_remaining;
	int cap;

	if (rem > -1e8)
		remember(h, rem);

	if (throttled) {
		/* the refused request's remaining counts the up-front units of the others in flight
		 * too: pause only when the settled level leaves no room */
		double settled = rem + HTTP_UP_FRONT * h->running;

		h->sized = 1;
		h->window = h->window / 2 < 1 ? 1 : h->window / 2;
		if (rem > -1e8 && settled < 100) {
			double pause = http_pause_for(h, settled);

			if (now_s() + pause > h->pause_until) {
				h->pause_until = now_s() + pause;
				h->st.pause_seconds += pause;
			}
		}
		return;
	}
	cap = rem > -1e8 ? http_throttle_cap(rem, h->running + http_settled_after(h->recent, h->nrecent, rem))
			 : h->o.max_window;
	if (cap == 0) {
		/* the settled level: the remaining once the requests in flight give back their units */
		double pause = http_pause_for(h, rem + HTTP_UP_FRONT * h->running);

		h->window = 1;
		if (now_s() + pause > h->pause_until) {
			h->st.pause_seconds += pause;
			h->pause_until = now_s() + pause;
		}
	} else if (h->window > cap) {
		h->window = cap;
	} else if (h->window < cap && ((rem > -1e8 && !h->sized) || h->running + 1 >= (int)h->window)) {
		/* the first answer that tells the bucket's level sets it (no need to probe); after that
		 * it grows only while it is in use: a window the queue does not fill proves nothing, and
		 * would let a later burst leave at once on what the bucket said long before (RFC 7661) */
		h->window = rem > -1e8 && !h->sized ? cap : h->window + 1.0 / h->window;
		if (h->window > cap)
			h->window = cap;
		if (h->window > h->o.max_window)
			h->window = h->o.max_window;
	}
	if (rem > -1e8)
		h->sized = 1;
}

static void log_attempt(const struct http_req *r, double ms)
{
	char *u;

	if (msg_get_level() < MSG_VERBOSE)
		return;
	u = http_redact_url(r->url);
	if (r->status)
		verbosef("%s %s -> %ld (%.0f ms, cost %.3f, remaining %.1f)", r->method, u, r->status, ms,
			 r->request_cost, r->rate_remaining > -1e8 ? r->rate_remaining : -1);
	else
		verbosef("%s %s -> no response (%.0f ms): %s", r->method, u, ms,
			 r->errbuf[0] ? r->errbuf : "connection failed");
	free(u);
}

/* A failure of the TLS handshake's checks: an untrusted or expired certificate, a wrong name, an
 * unreadable --cacert. */
static int tls_refused(CURLcode rc)
{
	return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
	       rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_ISSUER_ERROR;
}

static int may_retry(const struct http_req *r)
{
	return strcmp(r->method, "POST") || (r->flags & HTTP_RETRY_SAFE);
}

static void completed(struct http *h, CURL *e, CURLcode rc)
{
	struct http_req *r = NULL;
	long status = 0;
	char *u;

	curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
	curl_multi_remove_handle(h->multi, e);
	h->running--;
	inflight_remove(h, r);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	r->status = rc == CURLE_OK ? status : 0;
	h->st.bytes += (long)r->resp.len;
	log_attempt(r, (now_s() - r->started) * 1000);
	u = http_redact_url(r->url);
	if (rc != CURLE_OK) {
		int refused = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST;

		if (rc == CURLE_WRITE_ERROR && r->too_big) {
			err_set(&r->err, ERR_IO, "the response to %s %s is larger than %zu MiB; refusing it",
				r->method, u, h->o.max_body >> 20);
		} else if (tls_refused(rc)) {
			/* not retried: the certificate will not change in a second */
			err_set(&r->err, ERR_IO, "the TLS certificate of %s is not trusted (%s); nothing was sent. "
				"If the server uses a private certificate authority, give its certificate with "
				"--cacert FILE (or the profile's cacert)", h->base,
				r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
		} else if (!(refused && !h->ever_answered) && may_retry(r) && r->attempts <= h->o.max_retries &&
			   !h->stopped) {
			requeue(h, r, r->attempts);
			free(u);
			return;
		} else if (refused) {
			err_set(&r->err, ERR_IO, "cannot connect to %s: %s", h->base,
				r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
		} else {
			err_set(&r->err, ERR_IO, "%s %s failed after %d attempt%s: %s", r->method, u, r->attempts,
				r->attempts == 1 ? "" : "s", r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
		}
		free(u);
		finish(h, r);
		return;
	}
	h->ever_answered = 1;
	if (is_throttled(r)) {
		r->throttled++;
		h->st.throttled++;
		adapt_window(h, r, 1);
		if (r->throttled <= h->o.max_throttle_retries && !h->stopped) {
			requeue(h, r, r->throttled);
			free(u);
			return;
		}
		err_set(&r->err, ERR_RATELIMIT, "%s %s: still throttled by Canvas after %d retries", r->method, u,
			r->throttled - 1);
		free(u);
		finish(h, r);
		return;
	}
	adapt_window(h, r, 0);
	if (r->status >= 500 && may_retry(r) && r->attempts <= h->o.max_retries && !h->stopped) {
		requeue(h, r, r->attempts);
		free(u);
		return;
	}
	if (r->status >= 300 && r->status < 400 && r->location) {
		char *next = resolve_location(r->url, r->location);

		/* a redirect is followed only for a GET, only on the configured origin, at most 5 times */
		if (next && !strcmp(r->method, "GET") && !http_same_origin(h, next) && r->redirects < 5) {
			free(r->url);
			r->url = next;
			r->redirects++;
			r->not_before = 0;
			enqueue(h, r);
			free(u);
			return;
		}
		if (next && http_same_origin(h, next)) {
			char *where = http_redact_url(next);

			err_set(&r->err, ERR_GENERIC, "%s %s was redirected (HTTP %ld) to %s, which is not the configured "
				"Canvas (%s); not following it with the token", r->method, u, r->status, where, h->base);
			free(where);
		} else {
			err_set(&r->err, ERR_GENERIC, "%s %s was redirected (HTTP %ld) %s", r->method, u, r->status,
				r->redirects >= 5 ? "too many times" : "and the redirect cannot be followed");
		}
		free(next);
	} else if (r->status >= 300 && r->status < 400) {
		err_set(&r->err, ERR_GENERIC, "%s %s answered HTTP %ld without a Location", r->method, u, r->status);
	}
	free(u);
	finish(h, r);
}

void http_settle_order(const double *remaining, int n, int *order)
{
	int i, j;

	/* insertion, stable: a turn holds at most the window's few answers */
	for (i = 0; i < n; i++) {
		for (j = i; j > 0 && remaining[order[j - 1]] > remaining[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

/* Every request curl finished in this turn, completed in the order Canvas settled them
 * (http_settle_order): each sees as still in flight the row-mates it was read with that settled
 * after it. */
static void complete_turn(struct http *h)
{
	CURLMsg *m;
	int still, n = 0, i;

	while ((m = curl_multi_info_read(h->multi, &still))) {
		struct http_req *r = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (n == h->turn_alloc) {
			h->turn_alloc = h->turn_alloc ? 2 * h->turn_alloc : 16;
			h->turn = xrealloc(h->turn, (size_t)h->turn_alloc * sizeof(*h->turn));
			h->turn_rc = xrealloc(h->turn_rc, (size_t)h->turn_alloc * sizeof(*h->turn_rc));
			h->turn_rem = xrealloc(h->turn_rem, (size_t)h->turn_alloc * sizeof(*h->turn_rem));
			h->turn_order = xrealloc(h->turn_order, (size_t)h->turn_alloc * sizeof(*h->turn_order));
		}
		h->turn[n] = r;
		h->turn_rc[n] = m->data.result;
		h->turn_rem[n] = r->rate_remaining;
		n++;
	}
	http_settle_order(h->turn_rem, n, h->turn_order);
	for (i = 0; i < n; i++)
		completed(h, h->turn[h->turn_order[i]]->easy, h->turn_rc[h->turn_order[i]]);
}

/* The first request of one queue whose time has come, taken out of it; else NULL, and next_time
 * lowered to the earliest time one will be ready. */
static struct http_req *take_from(struct http_req **head, struct http_req ***tail, double now, double *next_time)
{
	struct http_req **pp, *r;

	for (pp = head; (r = *pp); pp = &r->next) {
		if (r->not_before <= now) {
			*pp = r->next;
			if (*tail == &r->next)
				*tail = pp;
			r->next = NULL;
			return r;
		}
		if (r->not_before < *next_time)
			*next_time = r->not_before;
	}
	return NULL;
}

/* The scheduling rule: a ready HTTP_URGENT request first, then the queue in order. */
static struct http_req *take_ready(struct http *h, double now, double *next_time)
{
	struct http_req *r = take_from(&h->urgent, &h->utail, now, next_time);

	return r ? r : take_from(&h->queue, &h->qtail, now, next_time);
}

struct http_req *http_take_next(struct http *h, double now)
{
	double next_time = now + 1e9;

	return take_ready(h, now, &next_time);
}

void http_set_before_send(struct http *h, int (*fn)(void *ud, struct err *err), void *ud)
{
	h->before_send = fn;
	h->before_send_ud = ud;
}

/* Start r, or finish it at once: when it cannot start, or when the before_send hook refuses (then
 * the engine stops, as after http_stop, and r finishes unsent). */
static void start_or_finish(struct http *h, struct http_req *r)
{
	if (h->before_send) {
		struct err e = ERR_INIT;

		if (h->before_send(h->before_send_ud, &e)) {
			h->stopped = 1;
			err_set(&r->err, r->attempts ? ERR_GENERIC : ERR_NOTSENT, "not sent: %s",
				e.code ? e.msg : "the run was stopped");
			finish(h, r);
			return;
		}
	}
	if (start(h, r))
		finish(h, r);
}

/* Interrupted and the grace is over: the requests still in flight are given up. Their outcome is
 * unknown (they may have reached Canvas): done() sees status 0 and an error. */
static void abandon_inflight(struct http *h)
{
	while (h->inflight) {
		struct http_req *r = h->inflight;
		char *u = http_redact_url(r->url);

		inflight_remove(h, r);
		curl_multi_remove_handle(h->multi, r->easy);
		h->running--;
		r->status = 0;
		err_set(&r->err, ERR_GENERIC, "%s %s: no answer within %.0f s of the interrupt; given up (it may have "
			"reached Canvas)", r->method, u, HTTP_INTERRUPT_GRACE_S);
		free(u);
		finish(h, r);
	}
}

/* A run waiting on throttles or failing servers must not look hung: say so each stall_warn_s. */
static void note_stall(struct http *h, double now)
{
	double since = h->stall_noted > h->last_progress ? h->stall_noted : h->last_progress;
	long thr = h->st.throttled - h->throttled_at_progress, ret = h->st.retries - h->retries_at_progress;

	if (h->stopped || now - since < h->o.stall_warn_s)
		return;
	h->stall_noted = now;
	warnf("no progress for %.0f s: no request has finished since; Canvas throttled %ld answer%s (its rate "
	      "limit) and %ld request%s %s retried; still trying (Ctrl-C stops)",
	      now - h->last_progress, thr, thr == 1 ? "" : "s", ret, ret == 1 ? "" : "s", ret == 1 ? "was" : "were");
}

void http_pump(struct http *h)
{
	double now = now_s(), next_time = now + 1;
	int still;

	if (h->stopped || interrupt_pending())
		return;   /* http_run settles a stop: the unsent finish, the grace for those in flight */
	curl_multi_perform(h->multi, &still);
	complete_turn(h);
	while (!h->stopped && h->running < (int)h->window && now >= h->pause_until) {
		struct http_req *r = take_ready(h, now, &next_time);

		if (!r)
			break;
		start_or_finish(h, r);
	}
	curl_multi_perform(h->multi, &still);   /* the new ones leave now, not at the next call */
}

int http_run(struct http *h, struct err *err)
{
	int still;

	(void)err;
	if (!h->last_progress)
		h->last_progress = now_s();
	while (h->queue || h->urgent || h->running) {
		double now = now_s(), next_time = now + 0.2;
		long timeout_ms;

		note_stall(h, now);

		if (!h->interrupted && interrupt_pending()) {
			h->interrupted = interrupt_pending();
			h->stopped = 1;
			h->abandon_at = now + HTTP_INTERRUPT_GRACE_S;
		}
		if (h->interrupted && h->running && now >= h->abandon_at)
			abandon_inflight(h);
		if (h->stopped) {
			struct http_req *r;
			double never = 0;

			/* the urgent ones too, in the order they would have started */
			while ((r = take_ready(h, 1e300, &never))) {
				/* never sent at all: the caller may record that nothing of it reached Canvas */
				err_set(&r->err, r->attempts ? ERR_GENERIC : ERR_NOTSENT, "not sent: the run was stopped");
				finish(h, r);
			}
		}
		while (!h->stopped && h->running < (int)h->window && now >= h->pause_until) {
			struct http_req *r = take_ready(h, now, &next_time);

			if (!r)
				break;
			start_or_finish(h, r);
		}
		if (now < h->pause_until && h->pause_until < next_time)
			next_time = h->pause_until;
		timeout_ms = (long)((next_time - now) * 1000);
		if (timeout_ms < 1)
			timeout_ms = 1;
		if (h->running)
			curl_multi_poll(h->multi, NULL, 0, (int)timeout_ms, NULL);
		else if (h->queue || h->urgent) {
			struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
		curl_multi_perform(h->multi, &still);
		complete_turn(h);
	}
	return 0;
}

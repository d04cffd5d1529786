/* include/http.h -- the HTTP engine: one thread, one curl_multi loop, a throttle-aware window.
 *
 * Calling sequence
 *   http_new(&h, &opts, &err)         validate the origin, set up curl multi
 *   r = http_req_new(method, url)      a request (absolute URL on the configured origin)
 *   r->done = cb; r->ud = ...          called once when the request has finished for good
 *   http_submit(h, r)                  queue it; the engine owns r until its done() returns
 *   http_run(h, &err)                  run until nothing is queued or in flight; done() callbacks
 *                                      may submit more requests (the next page of a list, ...)
 *   http_free(h)
 *
 * What the engine does for every request (so callers never do it):
 *   - sends the token only as "Authorization: Bearer" and only to the configured origin (scheme,
 *     host, port); a URL elsewhere fails with an error naming the foreign host; a redirect is
 *     followed only for a GET to the same origin (at most 5); elsewhere it is an error naming the host
 *   - keeps a window of requests in flight: starts at 2, is set by the first answer to what the
 *     bucket admits, grows by one per window of successes while X-Rate-Limit-Remaining stays high,
 *     halves and pauses when it falls (AIMD); --concurrency caps it
 *   - retries, with exponential backoff and jitter: throttling (403 "Rate Limit Exceeded", any 429),
 *     5xx, timeouts and dropped connections -- for GET, PUT and DELETE; a POST only when the caller
 *     marks it HTTP_RETRY_SAFE (after it has checked that nothing was created)
 *   - caps the response size and logs (at -v) method, redacted URL, status, cost, remaining, time
 * The token never appears in a message, a log line or an error (http_redact_url strips access_token).
 *
 * Ownership: http_req_new returns a request that the caller either frees with http_req_free before
 * submitting it, or submits; after http_submit the engine frees it after done() returns, unless
 * done() set r->keep (then the caller frees it).
 */
#ifndef COURSECTL_HTTP_H
#define COURSECTL_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct http;

#define CURL_ERROR_SIZE_COPY 256   /* CURL_ERROR_SIZE, without including curl.h here */

struct http_opts {
	const char *base_url;      /* "https://canvas.example.edu" (no trailing slash, no /api/v1) */
	const char *token;         /* borrowed; never printed */
	const char *cacert;        /* NULL, or a PEM file of CA certificates to trust instead of the
				      system's (--cacert, a private CA); verification itself is never off */
	int insecure_http;         /* allow http:// to a non-loopback host */
	int max_window;            /* --concurrency: most requests in flight (default 8) */
	long connect_timeout_ms;   /* default 10 s */
	long timeout_ms;           /* whole request, default 120 s */
	long low_speed_s;          /* abort an answer slower than HTTP_LOW_SPEED_BPS for this long,
				      default 60 s (COURSECTL_LOW_SPEED_S overrides) */
	size_t max_body;           /* response size cap, default 64 MiB */
	int max_retries;           /* for 5xx and network errors, default 5 */
	int max_throttle_retries;  /* for 403/429 throttling, default 20 */
	double backoff_base_ms;    /* first retry delay, default 500 ms (doubles, +-50% jitter) */
	const char *user_agent;    /* default "coursectl/VERSION" */
	double stall_warn_s;       /* say so on stderr after this long without progress, default 60 s
				      (COURSECTL_STALL_WARN_S overrides) */
};

/* Below this many bytes per second for low_speed_s, an answer is a stall (or a slow-loris). */
#define HTTP_LOW_SPEED_BPS 64L

enum http_flags {
	HTTP_RETRY_SAFE = 1 << 0,  /* a POST that may be retried */
	HTTP_URGENT = 1 << 1,      /* a short request that unblocks work (a Progress poll): once its time
				      has come it starts before every queued request without the flag */
};

struct http_req {
	/* set by the caller */
	char *method;              /* malloced */
	char *url;                 /* malloced, absolute */
	char *body;                /* NULL or malloced request body */
	size_t body_len;
	const char *content_type;  /* static; NULL = form when body is set */
	unsigned flags;
	void (*done)(struct http_req *r, void *ud);
	void *ud;
	int keep;                  /* set in done(): the caller frees r */

	/* results, valid in done() */
	long status;               /* HTTP status, 0 when no response */
	struct buf resp;           /* the body */
	char *link_next;           /* NULL or the rel="next" URL (malloced) */
	char *www_authenticate;    /* NULL or the header value (malloced) */
	char *location;            /* NULL or the Location header (malloced) */
	char *content_type_resp;   /* NULL or the response Content-Type (malloced) */
	double rate_remaining;     /* X-Rate-Limit-Remaining, or -1e9 when absent */
	double request_cost;       /* X-Request-Cost, or -1 */
	struct err err;            /* ERR_OK when a response arrived (any status); ERR_NOTSENT when the
				      engine was stopped before the request was ever sent */
	int attempts;              /* requests sent, retries included */
	int throttled;             /* how many of them were throttled */
	int redirects;             /* same-origin redirects followed */

	/* engine-private */
	struct http_req *next;
	struct http_req *run_prev, *run_next;   /* the requests in flight (to abandon them) */
	void *easy;
	void *headers;
	double not_before;         /* monotonic seconds */
	double started;
	int too_big;               /* the response passed max_body */
	char errbuf[CURL_ERROR_SIZE_COPY];
};

struct http_stats {
	long requests;             /* sent, retries included */
	long retries;
	long throttled;            /* throttled responses seen */
	long failed;               /* requests that finished with err set or status >= 400 */
	long bytes;
	double pause_seconds;      /* time spent pausing for the throttle */
	int max_in_flight;
};

int http_new(struct http **out, const struct http_opts *opts, struct err *err);
void http_free(struct http *h);

/* A new request; url is copied. */
struct http_req *http_req_new(const char *method, const char *url);
/* Sets r->body (copied) and its content type (static string). */
void http_req_set_body(struct http_req *r, const char *body, size_t len, const char *content_type);
void http_req_free(struct http_req *r);

void http_submit(struct http *h, struct http_req *r);
/* The same, but the request does not start before delay_s seconds from now (polling a Progress). */
void http_submit_after(struct http *h, struct http_req *r, double delay_s);
/* Runs until idle. Returns 0, or an error that stops everything (curl could not start). */
int http_run(struct http *h, struct err *err);
/* One turn of http_run that never waits: the answers already in are completed (done() callbacks),
 * and the requests that are due start while the window and the throttle allow. For a caller busy
 * between runs (plan_make plans one batch of courses while the next one's reads are under way):
 * the window stays full while it computes. Nothing when the engine was stopped or interrupted
 * (http_run settles those). */
void http_pump(struct http *h);
/* fn(ud, err) is called before each request is started (NULL: none). Nonzero refuses: the engine
 * stops as after http_stop and the request finishes unsent (ERR_NOTSENT when it was never sent).
 * apply makes its journal's records durable there, one fdatasync for all that are waiting
 * (exec.c, journal_commit). */
void http_set_before_send(struct http *h, int (*fn)(void *ud, struct err *err), void *ud);
/* The request http_run would start next at monotonic time `now`, taken out of the queue (the
 * caller owns it); NULL when none is ready. The scheduling rule, for tests: a ready HTTP_URGENT
 * request first, then the others in the order they were queued. */
struct http_req *http_take_next(struct http *h, double now);
/* Stop starting new requests; those in flight finish (used after a fatal error such as a 401). */
void http_stop(struct http *h);
int http_stopped(const struct http *h);
/* The signal (SIGINT, SIGTERM) that stopped the engine, or 0. http_run polls interrupt_pending()
 * (interrupt.h): on a signal it stops as http_stop does, gives the requests in flight
 * HTTP_INTERRUPT_GRACE_S seconds to be answered, then abandons them (done() with status 0 and an
 * error: their outcome is unknown). */
int http_interrupted(const struct http *h);
#define HTTP_INTERRUPT_GRACE_S 5.0

const struct http_stats *http_get_stats(const struct http *h);
/* The throttle pause for X-Rate-Limit-Remaining `remaining`: (100 - remaining) / 10 s, at most
 * 10 s, times a random 0.5 .. 1.5 (so clients do not fall into step with a server's bursts). */
double http_pause_for(struct http *h, double remaining);
/* The most requests the bucket admits in flight after an answer that said X-Rate-Limit-Remaining
 * `remaining` while `in_flight` other requests were still running (each holding the up-front
 * HTTP_UP_FRONT units, which come back when it settles): with room = remaining + HTTP_UP_FRONT *
 * in_flight, 0 when room < 100 (the pause rule's margin), else floor((room - HTTP_CAP_MARGIN) /
 * HTTP_UP_FRONT). 0 means the settled level itself is too high: pause (http_pause_for). */
int http_throttle_cap(double remaining, int in_flight);
#define HTTP_UP_FRONT 50.0
/* The order in which Canvas settled the n answers of one turn that said X-Rate-Limit-Remaining
 * remaining[0..n-1] (-1e9 when absent): order[] gets the indexes, lowest remaining first, ties and
 * absent headers in the order given. */
void http_settle_order(const double *remaining, int n, int *order);
/* Of the n answers read before this one since a request last started, that said
 * X-Rate-Limit-Remaining recent[0..n-1], how many Canvas settled after this one, which said
 * `remaining`: those that said at least HTTP_UP_FRONT / 2 more (each settle after it gives back
 * up-front - cost; an arrival between takes 50). They were in flight when it settled. */
int http_settled_after(const double *recent, int n, double remaining);
/* Units kept free beyond the reservations: what the requests in flight settle before the next
 * answer reports it (Canvas's costs are 0.01-1 unit a request, API.md 3.2; 8 in flight). */
#define HTTP_CAP_MARGIN 15.0
const char *http_base_url(const struct http *h);

/* 0 when url has the same scheme, host and port as the engine's base URL. */
int http_same_origin(const struct http *h, const char *url);
/* The URL of rel="next" in a Link header value (case-insensitive), malloced, or NULL. */
char *http_link_next(const char *link_value);
/* The url without any access_token/api_key parameter, and with "[hint]" for the token hint of a
 * users/self/tokens/HINT path; malloced. */
char *http_redact_url(const char *url);
/* Check and normalise a base URL: strip a trailing "/" and "/api/v1"; require https:// unless the
 * host is loopback or insecure_http is set (then warn). Returns a malloced URL or NULL with err. */
char *http_normalize_base(const char *url, int insecure_http, struct err *err);

#endif

/* tests/sim/sim.h -- canvas-sim: a stateful Canvas REST API simulator.
 *
 * canvas-sim is written from ../shared/canvas/API.md on its own and shares no Canvas knowledge
 * with runner/ (ARCHITECTURE.md), so that a wrong path or wrapper in coursectl fails against it
 * instead of being mirrored by it. Only generic utilities (xalloc, buf) are shared.
 *
 * Layers, applied to every request in one place (sim_server.c), in this order:
 *   admin (/__sim/...) -> scripted exceptions -> drop/fail faults -> auth -> throttle reserve
 *   -> latency (the lock let go) -> pending jobs, route, handler -> throttle settle
 *   -> headers (X-Request-Cost, X-Rate-Limit-Remaining) -> stats and request log
 *
 * The state is one cJSON document in the seed format (tests/sim/README.md):
 *   {"tokens": [...], "user_time_zone": "...", "accounts": [...], "terms": [...],
 *    "courses": [ {course fields..., "assignments": [...{"overrides": [...]}], "quizzes": [...],
 *                  "discussion_topics": [...], "announcements": [...], "modules": [{"items": [...]}],
 *                  "pages": [{"body": "...", "revisions": [...]}], "calendar_events": [...]} ]}
 * Stored objects keep the fields the real API returns; derived fields (html_url, items_count,
 * all_dates, ...) are computed when an object is rendered. GET /__sim/state prints the state as is.
 *
 * Handlers run under the global lock (one request at a time touches the state), so they never
 * lock. They read the request from `struct sim_req` and answer with the sim_reply_*() helpers.
 *
 * Ownership: sim_reply_json() takes the cJSON it is given. Everything a handler finds in the
 * state (sim_find_*, rq->course) is borrowed from the state and valid until the handler returns.
 */
#ifndef CANVAS_SIM_H
#define CANVAS_SIM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sim_bucket.h"

#define SIM_MAX_PARAMS 8

/* ---------------------------------------------------------------- configuration */

enum sim_throttle_mode { THROTTLE_OFF = 0, THROTTLE_403 = 1, THROTTLE_429 = 2 };

struct sim_config {
	const char *seed_path;
	int port;                    /* 0: pick a free one */
	int latency_ms, jitter_ms;   /* added before each API request runs */
	double fail_rate;            /* P(500/502/503) per API request */
	double drop_rate;            /* P(connection closed without a response) */
	enum sim_throttle_mode throttle;
	struct bucket_config bucket; /* hwm, outflow, up_front, maximum */
	double cost_get, cost_write; /* settled cost of a request (X-Request-Cost), +-20% jitter */
	int per_page_max;            /* 100, or 50 as older installs */
	unsigned random_seed;
	int unauthorized_status;     /* 401 (legacy) or 403 for "user not authorized" */
	int progress_delay_ms;       /* time a bulk_update job spends queued+running */
	int lowercase_link;          /* send the header as "link" (tests case-insensitive parsing) */
	int endless_link;            /* numbered lists always link a next page, past the end too */
	int number_ids;              /* --number-ids: ignore Accept: ...+canvas-string-ids (ids as numbers) */
	char *tls_cert, *tls_key;    /* --https CERT KEY: PEM contents (malloced), or NULL for http */
	int threads;                 /* epoll threads (default 1); 0 = a thread per connection */
	const char *const *tokens;   /* --token values: added to every seed loaded (borrowed) */
	int ntokens;
};

/* ---------------------------------------------------------------- requests and responses */

struct sim_kv {
	char *key;   /* decoded, e.g. "include[]" */
	char *val;   /* decoded */
};

struct sim;

struct sim_req {
	struct sim *sim;
	const char *method;          /* "GET", "PUT", "POST", "DELETE" */
	char *path;                  /* the raw request path (percent-encoded), without the query */
	const char *route;           /* the matched pattern, e.g. "/api/v1/courses/:course_id" */
	const char *param_names[SIM_MAX_PARAMS];
	char *params[SIM_MAX_PARAMS];/* decoded values of the :name segments */
	int nparams;
	struct sim_kv *query;        /* query pairs in order (for Link building) */
	size_t nquery;
	cJSON *q;                    /* the query decoded Rails-style: {"include": ["items"], ...} */
	cJSON *body;                 /* the body decoded: form (strings) or JSON; {} when empty */
	int body_is_json;            /* 1: JSON body (typed values); 0: form (all strings) */
	const char *token;           /* the token that authenticated the request (borrowed) */
	char *base;                  /* "http://host:port", from the Host header */
	cJSON *course;               /* routes with :course_id: the course (borrowed from state) */
	int is_write;                /* PUT, POST or DELETE */
	int has_body;                /* the request carried a body (sim_list_cached: never kept) */
	int borrow;                  /* rendering a list page, printed before the state can change:
				      * long strings may be borrowed (sim_dup_render) */
};

struct sim_header {
	char *name, *value;
};

struct sim_resp {
	int status;
	char *body;                  /* malloced; NULL = empty */
	size_t body_len;
	const char *content_type;    /* static string */
	struct sim_header headers[8];
	int nheaders;
	int drop;                    /* close the connection without answering */
	int trickle_ms;              /* > 0: send the body one byte every trickle_ms (slow-loris) */
	double cost;                 /* settled request cost; negative = default for the method */
	int ids;                     /* enum sim_ids: how sim_reply_json writes ids */
};

typedef void (*sim_handler)(struct sim_req *rq, struct sim_resp *rs);

enum sim_route_flags {
	ROUTE_COURSE = 1 << 0,   /* resolve :course_id into rq->course (404 when unknown) */
};

struct sim_route {
	const char *method;
	const char *pattern;     /* "/api/v1/courses/:course_id/assignments/:id" */
	sim_handler fn;
	unsigned flags;
};

/* Each resource file exports a table ending with a { NULL } row; `route_tables[]` in sim_server.c
 * lists them. */
extern const struct sim_route sim_routes_courses[];
extern const struct sim_route sim_routes_assignments[];
extern const struct sim_route sim_routes_modules[];
extern const struct sim_route sim_routes_pages[];
extern const struct sim_route sim_routes_discussions[];
extern const struct sim_route sim_routes_quizzes[];
extern const struct sim_route sim_routes_calendar[];
extern const struct sim_route sim_routes_date_details[];
/* res_date_details.c: an ungraded topic's overrides as its JSON lists them (ungraded_discussion_overrides). */
cJSON *sim_date_overrides_json(const cJSON *obj, int64_t owner);

/* ---------------------------------------------------------------- the simulator */

struct sim_script;  /* scripted exceptions, sim_admin.c */
struct sim_list_cache;  /* kept listings, sim_page.c */
struct sim_job;     /* background jobs behind a Progress, sim_progress.c */

struct sim {
	struct sim_config cfg;
	pthread_mutex_t lock;        /* guards everything below */
	cJSON *seed;                 /* the seed as loaded (with assigned ids); for reset */
	cJSON *state;                /* the live state */
	cJSON *progress;             /* array of Progress objects (not part of the seed) */
	cJSON *notifications;        /* array of notifications "sent" */
	int64_t next_id;             /* next id to assign to a new object of any kind */
	struct bucket_table buckets; /* per-token leaky buckets */
	struct sim_script *scripts;  /* NULL or a malloced list */
	struct sim_job *jobs;        /* NULL or a malloced list */
	cJSON *stats;                /* counters, GET /__sim/stats */
	struct sim_log *log;         /* recent requests, GET /__sim/requests (sim_admin.c); NULL: none */
	long log_seq;                /* sequence number of the next log entry */
	double started_at;           /* CLOCK_MONOTONIC seconds at sim_server_start: the log's time 0 */
	int inflight, max_inflight;  /* API requests being served now, and the most seen */
	int64_t cpu_user0_us, cpu_sys0_us;  /* getrusage(RUSAGE_SELF) at the end of the last reset */
	unsigned rng;                /* rand_r state, seeded by --random-seed */
	int port;
	unsigned state_gen;          /* bumped whenever `state` is replaced (reset, an `ignore` script) */
	struct sim_course_ix {       /* courses by numeric id, a cache (sim_store.c: sim_find_course) */
		unsigned gen;            /* the state_gen it was built for; 0: never built */
		size_t cap, n;           /* cap: a power of two */
		int64_t *ids;
		cJSON **courses;
	} course_ix, progress_ix;    /* progress_ix: Progress objects by id (sim_progress_find) */
	unsigned write_gen;          /* bumped by every request that may change the state (not a GET) */
	struct sim_page_ix {         /* one course's pages by url, a cache (sim_find_page_url) */
		cJSON *pages;            /* the array it indexes */
		unsigned write_gen, state_gen;
		size_t cap;              /* a power of two; open addressing */
		cJSON **objs;            /* by url */
		const char **urls;       /* objs[i]'s url, read once (i18/simrender); in objs' block */
		cJSON **by_id;           /* by page_id */
		int64_t *ids;            /* by_id[i]'s page_id; in by_id's block */
	} page_ix;
	struct sim_id_ix {           /* an array's objects by numeric id, a cache (sim_find_id_ix) */
		cJSON *arr;              /* the array it indexes; NULL: a free slot */
		unsigned write_gen, state_gen;
		unsigned long used;      /* the tick of its last use: the least recent is rebuilt */
		size_t cap;              /* a power of two; open addressing */
		cJSON **objs;
		int64_t *ids;            /* objs[i]'s id; in objs' block */
	} id_ix[4];
	unsigned long id_ix_tick;
	struct sim_list_cache *lists;   /* NULL or malloced: listings kept between pages (sim_list_cached) */
};

/* ---------------------------------------------------------------- replies (sim_reply.c) */

/* Takes `json` (freed after sending). */
void sim_reply_json(struct sim_resp *rs, int status, cJSON *json);
/* {"errors":[{"message":msg}]} */
void sim_reply_error(struct sim_resp *rs, int status, const char *msg);
/* {"message":msg} -- the ad-hoc shape of pages, modules, bulk_update */
void sim_reply_message(struct sim_resp *rs, int status, const char *msg);
/* 404 {"errors":[{"message":"The specified resource does not exist."}]} */
void sim_reply_not_found(struct sim_resp *rs);
/* 400 {"errors":[{"message":"<wrapper> is missing"}]} */
void sim_reply_missing(struct sim_resp *rs, const char *wrapper);
/* {"errors":{field:[{"attribute":field,"type":type,"message":message}]}} with `status` (400) */
void sim_reply_invalid(struct sim_resp *rs, int status, const char *field, const char *type,
		       const char *message);
/* 401/403 {"status":"unauthorized","errors":[{"message":"user not authorized to perform that action"}]} */
void sim_reply_unauthorized(struct sim_req *rq, struct sim_resp *rs);
/* 500 with an error_report_id */
void sim_reply_internal(struct sim_resp *rs);
/* {"errors": errs} with `status`; takes `errs` (a model-errors hash or an array of strings). */
void sim_reply_errors(struct sim_resp *rs, int status, cJSON *errs);
/* Append {"attribute":field,"type":msg,"message":msg} to errs[field] (the model-errors hash of
 * API.md 1.3, with Canvas's string messages as the type). */
void sim_errors_add(cJSON *errs, const char *field, const char *msg);
void sim_reply_text(struct sim_resp *rs, int status, const char *ctype, const char *text);
void sim_reply_header(struct sim_resp *rs, const char *name, const char *value);

/* ---------------------------------------------------------------- paging (sim_page.c) */

enum sim_paging { PAGING_NUMBERED = 0, PAGING_BOOKMARK = 1 };

/* Answer 200 with one page of `all` (an array of rendered objects, taken) and a Link header.
 * Numbered: page=N (default 1); past the end 200 []; a bad page token 404.
 * Bookmark: page=first | page=bookmark:<base64url JSON [index]>; an undecodable token is the
 * first page; no "last" link. per_page default 10, clamped to 1..cfg.per_page_max. */
void sim_reply_list(struct sim_req *rq, struct sim_resp *rs, cJSON *all, enum sim_paging mode);
/* The same for a list of n objects as stored (not taken), in the list's order: only the page's
 * are rendered, by render(ctx, item). A bookmark orders by the stored "id" (or "page_id"), which
 * must be the rendered one. For big lists: rendering every item per page was quadratic. */
typedef cJSON *(*sim_render_fn)(void *ctx, const cJSON *item);
void sim_reply_list_lazy(struct sim_req *rq, struct sim_resp *rs, const cJSON **items, int n, sim_render_fn render,
			 void *ctx, enum sim_paging mode);
/* The request's per_page as sim_reply_list uses it. */
int sim_per_page(const struct sim_req *rq);
/* A listing's items, collected and ordered once and kept for its next pages (sim_page.c): the
 * same route, path and query but `page`, no request body, and nothing written since (write_gen,
 * state_gen). sim_list_cached gives the kept list or NULL; a handler then collects and orders the
 * items and hands them to sim_list_keep (takes `items`, a malloced array), which answers the kept
 * list. Only for a listing whose items and order follow from the state and the query alone (not
 * from the clock). Both lists are borrowed from the cache until the handler returns. */
struct sim_list {
	const cJSON **items;
	int64_t *ids;   /* the bookmark key of items [0, nids) (sim_reply_list_lazy's "id" or "page_id") */
	int n, nids;    /* ids are read as a page is rendered or a bookmark is sought (sim_page.c) */
	size_t printed; /* the bytes of the page of it printed last: a guess at the next page's */
};
struct sim_list *sim_list_cached(struct sim_req *rq);
struct sim_list *sim_list_keep(struct sim_req *rq, const cJSON **items, int n);
/* sim_reply_list_lazy over a kept list. */
void sim_reply_list_kept(struct sim_req *rq, struct sim_resp *rs, struct sim_list *l, sim_render_fn render,
			 void *ctx, enum sim_paging mode);
/* Frees the kept lists (at exit). */
void sim_list_cache_free(struct sim *s);

/* ---------------------------------------------------------------- request helpers */

/* The value of :name in the route, or NULL. */
const char *sim_param(const struct sim_req *rq, const char *name);
/* The query value of `key` (a scalar), or NULL. */
const char *sim_query(const struct sim_req *rq, const char *key);
/* 1 when include[] (or `key`[]) holds `val`. */
int sim_query_has(const struct sim_req *rq, const char *key, const char *val);
/* Canvas's value_to_boolean on a query or body value; `def` when absent. */
int sim_query_bool(const struct sim_req *rq, const char *key, int def);
/* The object under the wrapper key (e.g. "assignment"), or NULL. */
cJSON *sim_body_wrapper(const struct sim_req *rq, const char *wrapper);

/* ---------------------------------------------------------------- state helpers (sim_store.c) */

/* The array `kind` of a course ("assignments", ...), created empty when absent. */
cJSON *sim_course_kind(cJSON *course, const char *kind);
/* The element of `arr` whose "id" equals `id` (a decimal string, or NULL), else NULL. */
cJSON *sim_find_id(cJSON *arr, const char *id);
cJSON *sim_find_id_num(cJSON *arr, int64_t id);
/* A path's id (a decimal string) as a number: 0, or -1 when id is NULL, empty or not a whole
 * non-negative decimal. */
int sim_path_id(const char *id, long long *out);
/* The course by id, "sis_course_id:X" (decoded) or "uuid:X"; NULL when unknown. */
cJSON *sim_find_course(struct sim *s, const char *id);
/* A Progress by id, or NULL; sim_progress_new indexes each new one with sim_progress_indexed. */
cJSON *sim_progress_find(struct sim *s, int64_t id);
void sim_progress_indexed(struct sim *s, cJSON *p);
/* The first page of `pages` whose url is `url` (a course's "pages" array), or NULL. */
cJSON *sim_find_page_url(struct sim *s, cJSON *pages, const char *url);
/* The first page of `pages` whose page_id is `id`, or NULL (the same cache). */
cJSON *sim_find_page_id(struct sim *s, cJSON *pages, int64_t id);
/* sim_find_id_num(arr, id) through a cache of arr by id (sim_store.c), for a GET only, as
 * sim_find_page_url: valid while nothing may have changed the state (write_gen, state_gen). */
cJSON *sim_find_id_ix(struct sim *s, cJSON *arr, int64_t id);
void sim_id_ix_free(struct sim *s);
/* The assignment of a graded quiz or topic: the course's assignment whose id is obj.assignment_id
 * (a JSON number, or a string above 2^53), or NULL. */
cJSON *sim_linked_assignment(cJSON *course, const cJSON *obj);

/* res_assignments.c: whether a discussion topic's assignment has checkpoints, and the
 * checkpointed branch of PUT .../discussion_topics/:id/date_details (res_date_details.c routes it). */
int sim_topic_checkpointed(cJSON *course, const cJSON *topic);
void sim_checkpoint_dates_put(struct sim_req *rq, struct sim_resp *rs, cJSON *topic);
int64_t sim_id(const cJSON *obj);            /* obj.id as an integer, -1 when absent */
/* A JSON number as int64_t, clamped to its range (a plain cast of 1e300 is undefined behaviour). */
int64_t sim_i64(double d);
int64_t sim_new_id(struct sim *s);           /* a fresh id, unique across kinds */
/* Ids at or above 2^53 (SIM_BIG_ID) are held as strings of digits, below it as numbers (sim_store.c,
 * README section 5.x): sim_id_item makes the item for an id, sim_add_id adds it under `key`, and
 * sim_value_id reads either form (-1 when v is neither a whole number nor a string of digits). */
#define SIM_BIG_ID ((int64_t)1 << 53)
#define SIM_BIG_ID_MAX ((int64_t)1 << 62)   /* a seed's ids stay below it: room for new ones */
cJSON *sim_id_item(int64_t id);
void sim_add_id(cJSON *obj, const char *key, int64_t id);
int64_t sim_value_id(const cJSON *v);
/* The id form of an answer (sim_reply_json): as stored (admin), Canvas's numbers, or Canvas's
 * string ids (Accept: application/json+canvas-string-ids). */
enum sim_ids { SIM_IDS_ASIS, SIM_IDS_NUMBERS, SIM_IDS_STRINGS };
void sim_ids_render(cJSON *j, enum sim_ids how);
/* The bytes cJSON_PrintUnformatted(j) prints after sim_ids_render(j, how), j unchanged (sim_json.c).
 * Returns a malloced string of *len bytes (the caller frees it), or NULL when cJSON's print fails
 * (an item of no known type, a raw item without text). */
char *sim_json_print(const cJSON *j, enum sim_ids how, size_t *len);
/* The same, the buffer first `guess` bytes (0: a small one); the bytes printed do not change. */
char *sim_json_print_sized(const cJSON *j, enum sim_ids how, size_t *len, size_t guess);
/* Record a notification (due date changed, quiz updated, ...) for tests to assert on. */
void sim_notify(struct sim *s, const char *type, const cJSON *course, const char *kind, int64_t id,
		const char *detail);

/* The state's entry for a token (a string, or an object {"token", "revoked", "expires_at",
 * "admin", "permissions": "read"}), or NULL. */
cJSON *sim_token_entry(struct sim *s, const char *tok);
/* Mark a token revoked in the state. */
void sim_token_revoke(struct sim *s, const char *tok);

/* Arena (sim_arena.c): while one is open on a thread, cJSON's allocations on that thread come from
 * it and its frees are nothing; closing it frees them all. Open it only around rendering and
 * printing one answer; nothing cJSON allocates inside may outlive it (attach nothing to the state:
 * suspend it for that), and cJSON's memory is freed through cJSON (cJSON_Delete, cJSON_free), never
 * free(). sim_arena_open returns NULL when one is open already (that one serves; closing NULL is
 * nothing). sim_arena_hooks installs the cJSON hooks (malloc and free outside an arena): main calls
 * it before the server's threads start (cJSON_InitHooks is not thread-safe); the first
 * sim_arena_open does it too (unit tests). */
struct sim_arena;
void sim_arena_hooks(void);
struct sim_arena *sim_arena_open(void);
void sim_arena_close(struct sim_arena *a);
struct sim_arena *sim_arena_suspend(void);   /* cJSON uses malloc again until sim_arena_resume */
void sim_arena_resume(struct sim_arena *a);
/* A copy of str from cJSON's allocator (cJSON_malloc: an open arena's, else malloc's), for a key or
 * string set in a cJSON item by hand; exits when out of memory. */
char *sim_cjson_strdup(const char *str);
/* Print json as the answer (sim_reply_json) without taking it. */
void sim_reply_json_print(struct sim_resp *rs, int status, const cJSON *json);
/* The same, printed into a buffer first `guess` bytes (sim_json_print_sized). */
void sim_reply_json_print_sized(struct sim_resp *rs, int status, const cJSON *json, size_t guess);

/* cJSON_GetObjectItemCaseSensitive, the same result found faster (sim_store.c). */
cJSON *sim_get(const cJSON *obj, const char *key);
/* Field helpers: absent and null both read as NULL / def. */
const char *sim_str(const cJSON *obj, const char *key);
int sim_bool(const cJSON *obj, const char *key, int def);
/* Replace (or add) obj[key]; takes `val`. */
void sim_set(cJSON *obj, const char *key, cJSON *val);
void sim_set_str(cJSON *obj, const char *key, const char *val);   /* NULL sets null */
/* cJSON_Duplicate(v, 1) for an answer; while rq->borrow (a list page, sim_page.c), strings of 256
 * bytes or more are borrowed from v (cJSON string references: neither copied nor freed). Print the
 * answer before anything changes the state. */
cJSON *sim_dup_render(const struct sim_req *rq, const cJSON *v);
/* base + "/courses/" + cid + "/" + kind + "/" + id + suffix (NULL: none), malloced: the object urls
 * a render prints for every object of a list page, without xasprintf's two vsnprintf passes. */
char *sim_object_url(const char *base, int64_t cid, const char *kind, int64_t id, const char *suffix);
/* The strings parts[0..n) (n <= 16) joined, malloced: the urls of a render without xasprintf's two
 * vsnprintf passes (about 2,700 instructions a url: issue 18, i18/simrender); sim_i64_str writes
 * v's digits as PRId64 prints them into b and returns where they start. */
char *sim_join(const char *const *parts, size_t n);
const char *sim_i64_str(char b[24], int64_t v);
/* A copy of obj[key] without its key (a stored null stays null); null when the key is absent. */
cJSON *sim_dup_or_null(const cJSON *obj, const char *key);
/* Render-time defaults: add obj[key] only when the key is absent (a stored null is kept).
 * sim_default_item takes `val` and frees it when unused; sim_default_str(NULL) adds null. */
void sim_default_item(cJSON *obj, const char *key, cJSON *val);
void sim_default_null(cJSON *obj, const char *key);
void sim_default_bool(cJSON *obj, const char *key, int val);
void sim_default_num(cJSON *obj, const char *key, double val);
void sim_default_str(cJSON *obj, const char *key, const char *val);
/* sim_default_item on an answer `out` rendered from the stored object `src` (a copy of its keys and
 * keys the render derives): out[key] = val (taken) unless src has key. Only for a key that no step
 * of the render sets or deletes, so that "absent from out" is "absent from src": src has a dozen
 * keys where out has 60 to 80. `key` is not copied: a literal. */
void sim_default_src(cJSON *out, const cJSON *src, const char *key, cJSON *val);
/* Absent and null are the same value; otherwise JSON equality. */
int sim_same_value(const cJSON *a, const cJSON *b);
/* 1 when obj.workflow_state is "deleted" (soft-deleted content). */
int sim_is_deleted(const cJSON *obj);
/* obj.updated_at = now. */
void sim_touch(cJSON *obj);
/* 1 when `needle` occurs in `hay` ignoring ASCII case (Canvas's search_term matching). */
int sim_icontains(const char *hay, const char *needle);
/* Canvas::Plugin.value_to_boolean on a JSON value: true/false, strings yes/y/true/t/on/1 ... */
int sim_value_bool(const cJSON *v);

/* The current time, as the simulator sees it (wall clock). */
time_t sim_now(void);

/* ---------------------------------------------------------------- module items (res_modules.c) */

/* Canvas's ContentTag.update_for, for a resource that renamed or (un)published content: every module
 * item of `course` linking to `content` takes its title and published state. `content` is the STORED
 * element of course[kind] (kind "assignments", "quizzes", "discussion_topics" or "pages"), not a rendered
 * copy: page items without a page_id are matched by pointer. Its "published" is read with default
 * true, so a kind whose render defaults otherwise must store the flag first. For a page whose url just
 * changed, `old_page_url` finds the items that still name the old slug (NULL otherwise). */
void sim_module_items_sync(cJSON *course, const char *kind, const cJSON *content, const char *old_page_url);
/* Delete every module item of `type` ("Assignment", "Quiz", "Discussion") whose content_id is the JSON
 * number `id`: Canvas deletes the content tags with their content. */
void sim_module_items_drop(cJSON *course, const char *type, int64_t id);

/* ---------------------------------------------------------------- times (sim_time.c) */

/* Parse ISO 8601 as Canvas does. strict: seconds required (assignment rule). An input without an
 * offset is local time in `zone` (IANA). Returns 0 and sets *out, or -1. */
int sim_time_parse(const char *s, const char *zone, int strict, time_t *out);
/* "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void sim_time_format(time_t t, char out[21]);
/* The current time (sim_now) as above. */
void sim_time_now(char out[21]);
/* 1 and *out when `v` (a stored time; an input without an offset is UTC) parses; 0 for NULL or junk. */
int sim_time_read(const char *v, time_t *out);
/* Broken-down local time of `t` in `zone`. */
void sim_time_local(time_t t, const char *zone, struct tm *out);
/* The UTC instant of a local wall-clock time in `zone` (first occurrence when ambiguous). */
time_t sim_time_from_local(const struct tm *local, const char *zone);
/* Read a date field of the request body for storing: sets *out to a cJSON string ("...Z") or null.
 * Returns 0, or -1 when unparseable. `strict` as above. */
int sim_time_input(struct sim *s, const cJSON *v, int strict, cJSON **out);
/* A date param through Rails casting (API.md 9), not strict: a new "...Z" string when it parses,
 * else a new null (absent, "", null and garbage all clear the date). */
cJSON *sim_time_lenient(struct sim *s, const cJSON *v);
/* A start_date/end_date param: yyyy-mm-dd is the start (end_of_day 0) or the end (1) of that day in
 * `zone`, else ISO 8601 with seconds. Returns 0 and sets *out, or -1 (Canvas answers 400). */
int sim_time_day_param(const char *v, const char *zone, int end_of_day, time_t *out);
/* Canvas's fancy midnight: a time at exactly 00:00:00 local becomes 23:59:59 the same day. */
time_t sim_time_fancy_midnight(time_t t, const char *zone);
/* The user time zone of the state ("user_time_zone"), default "UTC". */
const char *sim_user_zone(struct sim *s);

/* ---------------------------------------------------------------- Progress and jobs (sim_progress.c) */

/* The work behind a Progress: runs under the lock when due; calls sim_progress_finish(). */
typedef void (*sim_job_fn)(struct sim *s, cJSON *progress, cJSON *payload);

/* A new Progress (workflow_state "queued", tag `tag`) in s->progress whose job `fn` runs on
 * `payload` (taken) after cfg.progress_delay_ms; it is "running" for the second half of that.
 * Returns the rendered Progress (a new object for the reply). */
cJSON *sim_progress_new(struct sim_req *rq, const char *tag, cJSON *payload, sim_job_fn fn);
/* completed (ok) or failed, with `results` (taken). */
void sim_progress_finish(cJSON *progress, int ok, cJSON *results);
/* Advance every Progress whose time has come; the server calls it before each request. */
void sim_jobs_run(struct sim *s);
void sim_jobs_clear(struct sim *s);
extern const struct sim_route sim_routes_progress[];

/* ---------------------------------------------------------------- lifecycle (sim_state.c) */

/* Load a seed (JSON text) into s: assigns missing ids, fills defaults. Returns 0 or -1 with a
 * message in errbuf. */
int sim_load_seed(struct sim *s, const char *json, char *errbuf, size_t errlen);
/* Canvas's page slug of a title ("Week 1: Intro" -> "week-1-intro"), malloced. */
char *sim_slug(const char *title);
/* Back to the seed: state, progress, notifications, buckets, scripts, stats. */
void sim_reset(struct sim *s);

/* ---------------------------------------------------------------- admin (sim_admin.c) */

/* Handle /__sim/... (under the lock). */
void sim_admin(struct sim *s, const char *method, const char *path, const struct sim_kv *q, size_t nq,
	       const char *body, size_t body_len, struct sim_resp *rs);
/* Scripted exceptions: when an armed script matches METHOD + path, consume one of its uses, fill
 * *hit (owned by the caller: sim_script_hit_release) and return 1; else 0. */
struct sim_script_hit;
int sim_script_match(struct sim *s, const char *method, const char *path, struct sim_script_hit *hit);
void sim_script_hit_release(struct sim_script_hit *hit);
void sim_stats_reset(struct sim *s);
/* The process's CPU so far becomes the zero of /__sim/stats' cpu_user_us and cpu_sys_us: called last
 * by sim_reset, so that the reset's own work is not counted. */
void sim_stats_cpu_mark(struct sim *s);
void sim_admin_free(struct sim *s);
void sim_stats_count(struct sim *s, const char *method, const char *route, int status, int throttled);
void sim_stats_cost(struct sim *s, double cost);
void sim_log_free(struct sim_log *l);
void sim_log_request(struct sim *s, const char *method, const char *path, const char *query,
		     const char *body, size_t body_len, int status, const char *route, const char *user_agent,
		     double t_start, double t_end);

enum sim_script_action {
	SCRIPT_RESPOND = 0,      /* answer status/headers/body without running the handler */
	SCRIPT_IGNORE,           /* run the handler, answer its 2xx, but change nothing */
	SCRIPT_IGNORE_PARAMS,    /* run the handler with an empty body: 200 with the object unchanged */
	SCRIPT_DROP,             /* close the connection without an answer */
	SCRIPT_REVOKE,           /* revoke the request's token; answer 401 "Revoked access token." */
	SCRIPT_DELAY,            /* sleep delay_ms, then serve normally */
	SCRIPT_REWRITE           /* serve normally, with every string `from` in the body read as `to` */
};

struct sim_script_hit {
	enum sim_script_action action;
	int status;
	char *body;              /* NULL or malloced */
	char *content_type;      /* NULL or malloced */
	cJSON *headers;          /* NULL or an object of name: value */
	int delay_ms;
	int trickle_ms;          /* respond: send the body one byte every trickle_ms */
	char *from, *to;         /* rewrite: NULL or malloced */
};

#endif

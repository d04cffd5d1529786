/* include/canvas.h -- Canvas semantics over the HTTP engine: URLs, paging, error bodies, auth.
 *
 * Calling sequence
 *   canvas_new(&cv, &cfg, &err)                  engine for cfg's base URL and token
 *   canvas_get(cv, path, what, cb, ud)           one object;  cb(cv, json, err, ud) later
 *   canvas_list(cv, path, what, cb, ud)          a whole list: adds per_page=100 when absent,
 *                                                follows rel="next" verbatim, pages in order;
 *                                                cb gets one array of every element; a next
 *                                                link back to a page already read, or more
 *                                                than CANVAS_MAX_PAGES pages, is ERR_CORRUPT
 *   canvas_send(cv, method, path, body, what, cb, ud)
 *                                                a write (PUT, POST, DELETE) with a JSON body;
 *                                                cb(cv, status, json, err, ud) later
 *   canvas_run(cv, &err)                          run until every callback has been called;
 *                                                returns the first fatal error (a 401 token
 *                                                failure stops the run: ERR_AUTH)
 *   canvas_free(cv)
 *
 * `path` is "/api/v1/..." with its query; `what` names the thing for messages ("course 4821",
 * "the pages of course 4821"). In the callback, `json` is owned by the callback (cJSON_Delete it)
 * and is NULL exactly when err->code != 0; err is borrowed for the duration of the call.
 * Errors name what failed: a 404 says which course or object was not found, a 401/403 without
 * WWW-Authenticate says what the token is not authorised for, and Canvas's five error-body shapes
 * become one readable sentence.
 */
#ifndef COURSECTL_CANVAS_H
#define COURSECTL_CANVAS_H

#include <cjson/cJSON.h>

#include "config.h"
#include "err.h"
#include "http.h"

struct canvas;

#define CANVAS_MAX_PAGES 10000    /* pages of one list: 1,000,000 objects at per_page=100 */

typedef void (*canvas_cb)(struct canvas *cv, cJSON *json, const struct err *err, void *ud);

int canvas_new(struct canvas **out, const struct config *cfg, struct err *err);
void canvas_free(struct canvas *cv);

void canvas_get(struct canvas *cv, const char *path, const char *what, canvas_cb cb, void *ud);
void canvas_list(struct canvas *cv, const char *path, const char *what, canvas_cb cb, void *ud);
int canvas_run(struct canvas *cv, struct err *err);
/* One turn of the engine that never waits (http_pump): answers already in reach their callbacks,
 * due requests start. canvas_run still has to run to finish what was submitted. */
void canvas_pump(struct canvas *cv);

/* The answer to canvas_send. status: the HTTP status, or 0 when no answer came (the connection
 * failed after the engine's retries, or the run was stopped before the request left). json: the
 * parsed body of a 2xx answer (an empty body is a JSON null), owned by the callback; NULL exactly
 * when err->code != 0. A POST answered 5xx or not at all may or may not have created its object:
 * the status says which case it is. */
typedef void (*canvas_send_cb)(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud);

/* A request with an optional JSON body (API.md 9: Content-Type application/json, the wrapper key
 * inside the document; a top-level array for bulk_update), for any method. body may be NULL (no
 * body: DELETE, GET). The engine retries PUT, DELETE and GET on throttling, 5xx and network
 * errors; a POST only when flags has HTTP_RETRY_SAFE. */
void canvas_send(struct canvas *cv, const char *method, const char *path, const cJSON *body, unsigned flags,
		 const char *what, canvas_send_cb cb, void *ud);
/* The same, started no earlier than delay_s seconds from now (polling a Progress, API.md 5.3). */
void canvas_send_later(struct canvas *cv, double delay_s, const char *method, const char *path, const cJSON *body,
		       unsigned flags, const char *what, canvas_send_cb cb, void *ud);

struct http *canvas_http(struct canvas *cv);
/* The token's hint for the Access Tokens API (its first 5 characters, runner/token_info.c), or ""
 * when the token is shorter or they would need percent-encoding in a path. */
const char *canvas_token_hint(const struct canvas *cv);
const char *canvas_base_url(const struct canvas *cv);

/* Whether two Canvas base URLs name the same Canvas: equal but for trailing slashes; NULL is never
 * the same as anything. */
int canvas_same_base_url(const char *a, const char *b);

/* Fill err from a finished request that did not succeed, naming `what`; 0 for a 2xx. */
int canvas_response_error(struct err *err, const struct http_req *r, const char *what);
/* One sentence from any of Canvas's error bodies (API.md 1.3), malloced; NULL if none found. */
char *canvas_error_message(const char *body, size_t len);
/* An id for a URL path: numbers as they are, "sis_course_id:X" with X percent-escaped. Malloced. */
char *canvas_path_id(const char *id);

#endif

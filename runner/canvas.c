/* runner/canvas.c -- Canvas over the HTTP engine: paging, error bodies, the token failure rule.
 *
 * Paging (API.md 2): the first request of a list asks for per_page=100; after that the rel="next"
 * URL of each page is requested verbatim (never computed: bookmark tokens are opaque) until a page
 * has none. The next URL must be on the configured origin -- the engine refuses it otherwise, and
 * the error names the foreign host. Pages of one list are fetched one after the other (each needs
 * the previous one's Link), different lists run concurrently. A server that links back to a page
 * it already gave (`Link: <same URL>; rel="next"`, or any longer cycle) would be followed forever
 * -- 181,000 requests in 10 s in the review of issue 17 -- so each list remembers the URLs it has
 * requested and stops with ERR_CORRUPT at the first repeat, and no list reads more than
 * CANVAS_MAX_PAGES pages (a million objects at per_page=100; far beyond any course, and a bound on
 * a server that invents fresh URLs for ever). Rejected: stopping at an empty page that still has
 * a next link -- Canvas sends those legitimately when it filters after paging.
 *
 * Errors (API.md 1.2, 1.3): a 401 with WWW-Authenticate is the token (invalid, expired, revoked):
 * ERR_AUTH, and the whole run stops -- every further request would fail the same way and be
 * audited as a failed login. A 401/403 without it is a permission problem for that one object.
 * The body may be {"errors":[{message}]}, {"errors":["..."]}, {"errors":{field:[{message}]}},
 * {"errors":"..."}, {"message":"..."} or not JSON at all (a proxy's HTML); all become one sentence.
 *
 * Writes (canvas_send): the body is JSON (API.md 9), never a form: JSON keeps types (true, null,
 * numbers), nests the wrapper key naturally and is the only encoding bulk_update's top-level array
 * has. The callback also gets the HTTP status, because for a POST "no answer" and "5xx" mean the
 * object may exist (API.md 12: POSTs are not idempotent), which the caller must tell from a 400.
 */
#include "canvas.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json_guard.h"
#include "jsonid.h"
#include "msg.h"
#include "secret_mask.h"
#include "strmap.h"
#include "xalloc.h"

struct canvas {
	struct http *http;
	struct err fatal;         /* the first error that stopped the run */
	size_t max_pages;         /* CANVAS_MAX_PAGES, or lower by COURSECTL_MAX_PAGES (tests) */
	char hint[6];             /* the token's first 5 characters (its Canvas token_hint), or "" */
};

struct call {
	struct canvas *cv;
	canvas_cb cb;
	canvas_send_cb send_cb;   /* canvas_send: called instead of cb */
	void *ud;
	char *what;
	cJSON *acc;               /* list: the elements so far */
	struct strmap seen;       /* list: the page URLs requested (a repeat is a loop) */
	size_t pages;             /* list: pages requested */
};

int canvas_new(struct canvas **out, const struct config *cfg, struct err *err)
{
	struct canvas *cv = xcalloc(1, sizeof(*cv));
	struct http_opts o = { 0 };
	const char *env;   /* read once: the analyzer cannot know two getenv calls agree */

	o.base_url = cfg->base_url;
	o.token = cfg->token;
	o.insecure_http = cfg->insecure_http;
	o.cacert = cfg->cacert;
	o.max_window = cfg->concurrency;
	o.timeout_ms = cfg->timeout_ms;
	o.connect_timeout_ms = cfg->connect_timeout_ms;
	o.max_body = cfg->max_body;
	o.user_agent = cfg->user_agent;
	secret_mask_set(cfg->token);   /* a server echoing it gets it printed masked */
	if (cfg->token && strlen(cfg->token) >= 5) {
		size_t i;

		for (i = 0; i < 5 && (isalnum((unsigned char)cfg->token[i]) || strchr("~._-", cfg->token[i])); i++)
			;
		if (i == 5)
			memcpy(cv->hint, cfg->token, 5);
	}
	cv->max_pages = CANVAS_MAX_PAGES;
	if ((env = getenv("COURSECTL_MAX_PAGES"))) {   /* only lower: a test of the bound needs no 10,000 pages */
		char *end;
		long v = strtol(env, &end, 10);

		if (!*end && v > 0 && v < CANVAS_MAX_PAGES)
			cv->max_pages = (size_t)v;
	}
	if (http_new(&cv->http, &o, err)) {
		free(cv);
		return err->code;
	}
	*out = cv;
	return 0;
}

void canvas_free(struct canvas *cv)
{
	if (!cv)
		return;
	http_free(cv->http);
	explicit_bzero(cv->hint, sizeof(cv->hint));
	free(cv);
}

const char *canvas_token_hint(const struct canvas *cv)
{
	return cv->hint;
}

struct http *canvas_http(struct canvas *cv)
{
	return cv->http;
}

const char *canvas_base_url(const struct canvas *cv)
{
	return http_base_url(cv->http);
}

int canvas_same_base_url(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	while (la && a[la - 1] == '/')
		la--;
	while (lb && b[lb - 1] == '/')
		lb--;
	return la == lb && !strncmp(a, b, la);
}

char *canvas_path_id(const char *id)
{
	struct buf b = BUF_INIT;
	const char *colon = strchr(id, ':');
	const char *p;

	if (!colon)
		colon = id - 1;
	buf_add(&b, id, (size_t)(colon + 1 - id));
	for (p = colon + 1; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			buf_putc(&b, (char)c);
		else
			buf_printf(&b, "%%%02X", c);
	}
	return buf_detach(&b, NULL);
}

/* ---------------------------------------------------------------- error bodies */

static void add_sentence(struct buf *b, const char *field, const char *msg)
{
	if (!msg || !*msg)
		return;
	if (b->len)
		buf_puts(b, "; ");
	if (field && *field && strcmp(field, "base"))
		buf_printf(b, "%s: ", field);
	buf_puts(b, msg);
}

static void field_errors(struct buf *b, const char *field, const cJSON *v)
{
	const cJSON *it;

	if (cJSON_IsString(v)) {
		add_sentence(b, field, v->valuestring);
		return;
	}
	cJSON_ArrayForEach(it, v) {
		if (cJSON_IsString(it))
			add_sentence(b, field, it->valuestring);
		else if (cJSON_IsObject(it))
			add_sentence(b, field, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "message")));
		else if (cJSON_IsArray(it))
			field_errors(b, field, it);   /* batch endpoints: one array per input */
	}
}

char *canvas_error_message(const char *body, size_t len)
{
	cJSON *j = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *e, *it;
	struct buf b = BUF_INIT;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return NULL;
	}
	e = cJSON_GetObjectItemCaseSensitive(j, "errors");
	if (cJSON_IsString(e)) {
		add_sentence(&b, NULL, e->valuestring);
	} else if (cJSON_IsArray(e)) {
		cJSON_ArrayForEach(it, e) {
			if (cJSON_IsString(it))
				add_sentence(&b, NULL, it->valuestring);
			else if (cJSON_IsObject(it))
				add_sentence(&b, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "field")),
					     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "message")));
		}
	} else if (cJSON_IsObject(e)) {
		cJSON_ArrayForEach(it, e)
			field_errors(&b, it->string, it);
	}
	if (!b.len)
		add_sentence(&b, NULL, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "message")));
	cJSON_Delete(j);
	if (!b.len)
		return NULL;
	return buf_detach(&b, NULL);
}

int canvas_response_error(struct err *err, const struct http_req *r, const char *what)
{
	char *msg, *u;
	int code;

	if (r->err.code) {
		*err = r->err;
		return err->code;
	}
	if (r->status >= 200 && r->status < 300)
		return 0;
	msg = canvas_error_message(r->resp.ptr, r->resp.len);
	if (msg && (u = secret_mask(msg))) {   /* masked before err_set may cut it short */
		free(msg);
		msg = u;
	}
	u = http_redact_url(r->url);
	if (r->status == 401 && r->www_authenticate) {
		code = err_set(err, ERR_AUTH,
			       "Canvas rejected the token (%s): it is invalid, expired or revoked. Create a new "
			       "one in Canvas (Account > Settings > New Access Token) or through your "
			       "institution's token request process, then set CANVAS_API_TOKEN, use --token-file, "
			       "or update your profile's token (coursectl auth check tests it)",
			       msg ? msg : "HTTP 401");
	} else if (r->status == 401 || r->status == 403) {
		code = err_set(err, ERR_GENERIC, "not authorized for %s (HTTP %ld%s%s)", what, r->status,
			       msg ? ": " : "", msg ? msg : "");
	} else if (r->status == 404) {
		code = err_set(err, ERR_NOTFOUND, "%s not found (HTTP 404 for %s %s)", what, r->method, u);
	} else if (msg) {
		code = err_set(err, ERR_GENERIC, "%s: %s (HTTP %ld)", what, msg, r->status);
	} else {
		const char *ct = r->content_type_resp ? r->content_type_resp : "no content type";

		code = err_set(err, ERR_GENERIC, "%s: HTTP %ld from %s %s (%s body, %zu bytes)", what, r->status,
			       r->method, u, strstr(ct, "json") ? "unreadable JSON" : ct, r->resp.len);
	}
	free(msg);
	free(u);
	return code;
}

/* ---------------------------------------------------------------- calls */

static struct call *call_new(struct canvas *cv, const char *what, canvas_cb cb, void *ud)
{
	struct call *c = xcalloc(1, sizeof(*c));

	c->cv = cv;
	c->cb = cb;
	c->ud = ud;
	c->what = xstrdup(what);
	return c;
}

static void call_end(struct call *c, cJSON *json, const struct err *err)
{
	if (c->cb)
		c->cb(c->cv, json, err, c->ud);
	cJSON_Delete(c->acc);
	strmap_release(&c->seen);
	free(c->what);
	free(c);
}

static void record_fatal(struct canvas *cv, const struct err *err)
{
	if (err->code == ERR_AUTH && !cv->fatal.code) {
		cv->fatal = *err;
		http_stop(cv->http);
	}
}

static cJSON *parse_body(const struct http_req *r, const char *what, struct err *err)
{
	cJSON *j;
	char *u;

	/* a NUL in a string, an id a double cannot hold: refused, never mangled (json_guard.c) */
	if (json_guard_text(r->resp.ptr ? r->resp.ptr : "", r->resp.len, what, err))
		return NULL;
	j = cJSON_ParseWithLength(r->resp.ptr ? r->resp.ptr : "", r->resp.len);
	if (j && json_guard_ids(j, what, err)) {
		cJSON_Delete(j);
		return NULL;
	}
	jsonid_canon(j);   /* string ids that fit a double back to numbers (jsonid.h) */
	if (!j) {
		u = http_redact_url(r->url);
		err_set(err, ERR_CORRUPT, "%s: the response to %s %s is not valid JSON (%zu bytes)", what, r->method, u,
			r->resp.len);
		free(u);
	}
	return j;
}

static void on_get(struct http_req *r, void *ud)
{
	struct call *c = ud;
	struct err err = ERR_INIT;
	cJSON *j = NULL;

	if (!canvas_response_error(&err, r, c->what))
		j = parse_body(r, c->what, &err);
	record_fatal(c->cv, &err);
	call_end(c, j, &err);
}

static char *absolute(struct canvas *cv, const char *path)
{
	return xasprintf("%s%s", http_base_url(cv->http), path);
}

void canvas_get(struct canvas *cv, const char *path, const char *what, canvas_cb cb, void *ud)
{
	char *url = absolute(cv, path);
	struct http_req *r = http_req_new("GET", url);

	free(url);
	r->done = on_get;
	r->ud = call_new(cv, what, cb, ud);
	http_submit(cv->http, r);
}

static void on_page(struct http_req *r, void *ud)
{
	struct call *c = ud;
	struct err err = ERR_INIT;
	cJSON *j = NULL, *it;

	if (canvas_response_error(&err, r, c->what) || !(j = parse_body(r, c->what, &err))) {
		record_fatal(c->cv, &err);
		call_end(c, NULL, &err);
		return;
	}
	if (!cJSON_IsArray(j)) {
		char *u = http_redact_url(r->url);

		err_set(&err, ERR_CORRUPT, "%s: expected a JSON array from GET %s", c->what, u);
		free(u);
		cJSON_Delete(j);
		call_end(c, NULL, &err);
		return;
	}
	while ((it = cJSON_DetachItemFromArray(j, 0)))
		cJSON_AddItemToArray(c->acc, it);
	cJSON_Delete(j);
	if (r->link_next && (strmap_get(&c->seen, r->link_next) || c->pages >= c->cv->max_pages)) {
		char *u = http_redact_url(r->link_next);

		if (c->pages >= c->cv->max_pages)
			err_set(&err, ERR_CORRUPT, "%s: Canvas still links to a next page after %zu pages (%s); stopping "
				"the list there", c->what, c->pages, u);
		else
			err_set(&err, ERR_CORRUPT, "%s: Canvas's rel=\"next\" link leads back to a page already read "
				"(%s): the list loops; stopping it after %zu page%s", c->what, u, c->pages,
				c->pages == 1 ? "" : "s");
		free(u);
		call_end(c, NULL, &err);
		return;
	}
	if (r->link_next) {
		struct http_req *n = http_req_new("GET", r->link_next);

		strmap_put(&c->seen, r->link_next, c);
		c->pages++;

		n->done = on_page;
		n->ud = c;
		http_submit(c->cv->http, n);
		return;
	}
	if (json_guard_unique(c->acc, c->what, &err)) {
		call_end(c, NULL, &err);
		return;
	}
	j = c->acc;
	c->acc = NULL;
	call_end(c, j, &err);
}

void canvas_list(struct canvas *cv, const char *path, const char *what, canvas_cb cb, void *ud)
{
	char *url, *full;
	struct http_req *r;
	struct call *c = call_new(cv, what, cb, ud);

	if (!strstr(path, "per_page="))
		full = xasprintf("%s%cper_page=100", path, strchr(path, '?') ? '&' : '?');
	else
		full = xstrdup(path);
	url = absolute(cv, full);
	free(full);
	r = http_req_new("GET", url);
	free(url);
	c->acc = cJSON_CreateArray();
	strmap_put(&c->seen, r->url, c);
	c->pages = 1;
	r->done = on_page;
	r->ud = c;
	http_submit(cv->http, r);
}

static void on_send(struct http_req *r, void *ud)
{
	struct call *c = ud;
	struct err err = ERR_INIT;
	cJSON *j = NULL;

	if (!canvas_response_error(&err, r, c->what)) {
		if (r->resp.len == 0)
			j = cJSON_CreateNull();   /* 204, or a DELETE answered without a body */
		else
			j = parse_body(r, c->what, &err);
	}
	record_fatal(c->cv, &err);
	c->send_cb(c->cv, r->err.code ? 0 : r->status, j, &err, c->ud);
	c->send_cb = NULL;
	call_end(c, NULL, &err);
}

void canvas_send_later(struct canvas *cv, double delay_s, const char *method, const char *path, const cJSON *body,
		       unsigned flags, const char *what, canvas_send_cb cb, void *ud)
{
	char *url = absolute(cv, path), *text;
	struct http_req *r = http_req_new(method, url);
	struct call *c = call_new(cv, what, NULL, ud);

	free(url);
	if (body) {
		text = cJSON_PrintUnformatted(body);
		http_req_set_body(r, text, strlen(text), "application/json");
		free(text);
	}
	r->flags = flags;
	c->send_cb = cb;
	r->done = on_send;
	r->ud = c;
	http_submit_after(cv->http, r, delay_s);
}

void canvas_send(struct canvas *cv, const char *method, const char *path, const cJSON *body, unsigned flags,
		 const char *what, canvas_send_cb cb, void *ud)
{
	canvas_send_later(cv, 0, method, path, body, flags, what, cb, ud);
}

void canvas_pump(struct canvas *cv)
{
	http_pump(cv->http);
}

int canvas_run(struct canvas *cv, struct err *err)
{
	if (http_run(cv->http, err))
		return err->code;
	if (cv->fatal.code) {
		*err = cv->fatal;
		return err->code;
	}
	return 0;
}

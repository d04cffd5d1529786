/* tests/sim/sim_link.h -- Canvas's pagination Link header, pure functions (API.md section 2).
 *
 *   link_url(base, path, query, n, "2", 10)
 *     -> "http://127.0.0.1:8080/api/v1/courses/1/assignments?include%5B%5D=overrides&page=2&per_page=10"
 * Every query parameter is kept except page, per_page, access_token and api_key; keys are sorted
 * (stable, so array values keep their order) and re-encoded; page and per_page come last.
 *
 *   struct link_rel rels[] = { {"current", u1}, {"next", u2}, ... };
 *   link_header(rels, n) -> "<u1>; rel=\"current\",<u2>; rel=\"next\""  (no space after commas)
 * Bookmark tokens: "bookmark:" + base64url(JSON), made and read by sim_page.c (bookmark_token,
 * bookmark_start) with link_b64url_encode() and link_b64url_decode().
 */
#ifndef CANVAS_SIM_LINK_H
#define CANVAS_SIM_LINK_H

#include <stddef.h>

#include "sim.h"

struct link_rel {
	const char *rel;
	char *url;
};

/* A malloced absolute URL of one page; `path` is the raw (still percent-encoded) request path. */
char *link_url(const char *base, const char *path, const struct sim_kv *q, size_t nq, const char *page,
	       int per_page);
/* A malloced header value; entries with a NULL url are skipped. Canvas drops links (in priority
 * next, last, prev, current, first) when they together exceed ~6 KB: so do we. */
char *link_header(const struct link_rel *rels, size_t n);

/* base64url without padding, malloced. */
char *link_b64url_encode(const unsigned char *p, size_t n);
/* Decoded bytes (malloced, NUL-terminated) or NULL when not valid base64url. */
char *link_b64url_decode(const char *s, size_t *len);

#endif

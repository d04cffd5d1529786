/* tests/sim/sim_link.c -- pagination URLs and Link headers as Canvas builds them.
 *
 * Canvas (lib/api.rb) re-serialises the request's query Rails-style for every link: the keys are
 * sorted, arrays appear as key%5B%5D=v, and page/per_page are appended last. Clients must treat
 * the URLs as opaque; building them faithfully here is what catches a client that does not.
 */
#include "sim_link.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sim_form.h"
#include "xalloc.h"

#define LINK_MAX_BYTES 6144

static int skip_key(const char *k)
{
	return !strcmp(k, "page") || !strcmp(k, "per_page") || !strcmp(k, "access_token") ||
	       !strcmp(k, "api_key");
}

char *link_url(const char *base, const char *path, const struct sim_kv *q, size_t nq, const char *page,
	       int per_page)
{
	struct buf b = BUF_INIT;
	size_t *order = xmalloc((nq ? nq : 1) * sizeof(*order)), n = 0, i, j;
	char *enc;

	for (i = 0; i < nq; i++)
		if (!skip_key(q[i].key))
			order[n++] = i;
	/* stable insertion sort by key */
	for (i = 1; i < n; i++) {
		size_t v = order[i];

		for (j = i; j > 0 && strcmp(q[order[j - 1]].key, q[v].key) > 0; j--)
			order[j] = order[j - 1];
		order[j] = v;
	}
	buf_puts(&b, base);
	buf_puts(&b, path);   /* the raw request path, still percent-encoded */
	buf_putc(&b, '?');
	for (i = 0; i < n; i++) {
		char *k = form_urlencode(q[order[i]].key), *v = form_urlencode(q[order[i]].val);

		buf_printf(&b, "%s=%s&", k, v);
		free(k);
		free(v);
	}
	enc = form_urlencode(page);
	buf_printf(&b, "page=%s&per_page=%d", enc, per_page);
	free(enc);
	free(order);
	return buf_detach(&b, NULL);
}

char *link_header(const struct link_rel *rels, size_t n)
{
	static const char *const drop_order[] = { "next", "last", "prev", "current", "first" };
	int keep[16];
	size_t i, total, d;
	struct buf b = BUF_INIT;

	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++)
		keep[i] = rels[i].url != NULL;
	for (d = 0;; d++) {
		total = 0;
		for (i = 0; i < n; i++)
			if (keep[i])
				total += strlen(rels[i].url) + strlen(rels[i].rel) + 10;
		if (total <= LINK_MAX_BYTES || d >= 5)
			break;
		for (i = 0; i < n; i++)
			if (!strcmp(rels[i].rel, drop_order[d]))
				keep[i] = 0;
	}
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		if (b.len)
			buf_putc(&b, ',');
		buf_printf(&b, "<%s>; rel=\"%s\"", rels[i].url, rels[i].rel);
	}
	return buf_detach(&b, NULL);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *link_b64url_encode(const unsigned char *p, size_t n)
{
	char *out = xmalloc(4 * (n / 3 + 1) + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
		*o++ = b64[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)p[i] << 16;

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
	}
	*o = '\0';
	return out;
}

char *link_b64url_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), i;
	char *out = xmalloc(n + 1), *o = out;
	unsigned acc = 0;
	int bits = 0;

	while (n && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		const char *c = strchr(b64, s[i]);

		if (!c || !s[i]) {
			free(out);
			return NULL;
		}
		acc = acc << 6 | (unsigned)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (char)(acc >> bits & 0xff);
		}
	}
	if (bits >= 6) {   /* a lone trailing character is not valid base64 */
		free(out);
		return NULL;
	}
	*o = '\0';
	if (len)
		*len = (size_t)(o - out);
	return out;
}

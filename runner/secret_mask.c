/* runner/secret_mask.c -- a server that echoes the token must not make coursectl print it.
 *
 * coursectl never prints the token itself, but it prints what Canvas (or a proxy, or a hostile
 * server) says: error messages go to stderr, into plans and into journals. A server that answers
 * "invalid token 1~abc..." would have the token printed where CI logs keep it. So every text
 * that leaves through msg.c, and every error canvas.c builds from an answer, is searched for the
 * token -- as sent and percent-encoded (Canvas tokens hold '~', which URLs may carry as %7E) --
 * and each copy becomes "[token]".
 *
 * The copy held here is the one extra place the token lives; it is wiped (explicit_bzero) at
 * exit, as config.c wipes its own. Rejected: masking only in canvas.c (the Progress messages of a
 * bulk update reach stderr from exec.c without passing there); a prefix match (a server echoing
 * a few characters of the token gives nothing away a token hint does not).
 */
#include "secret_mask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

static char *secret, *encoded;   /* the token, and its percent-encoded form when it differs */

static void wipe(char **p)
{
	if (*p) {
		explicit_bzero(*p, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

static void wipe_all(void)
{
	wipe(&secret);
	wipe(&encoded);
}

void secret_mask_set(const char *s)
{
	static int registered;
	struct buf b = BUF_INIT;
	const char *p;

	wipe_all();
	if (!s || !*s)
		return;
	if (!registered) {
		atexit(wipe_all);
		registered = 1;
	}
	secret = xstrdup(s);
	for (p = s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.')
			buf_putc(&b, *p);
		else
			buf_printf(&b, "%%%02X", (unsigned char)*p);
	}
	encoded = strcmp(buf_str(&b), s) ? xstrdup(buf_str(&b)) : NULL;
	explicit_bzero(b.ptr, b.len);
	buf_release(&b);
}

/* s with every copy of `what` replaced into b; the count. */
static int replace(struct buf *b, const char *s, const char *what)
{
	size_t n = strlen(what);
	const char *p, *q;
	int k = 0;

	for (p = s; (q = strstr(p, what)); p = q + n, k++) {
		buf_add(b, p, (size_t)(q - p));
		buf_puts(b, SECRET_MASK_TEXT);
	}
	buf_puts(b, p);
	return k;
}

char *secret_mask(const char *s)
{
	struct buf b = BUF_INIT, c = BUF_INIT;
	int k;

	if (!secret || !s || (!strstr(s, secret) && !(encoded && strstr(s, encoded))))
		return NULL;
	k = replace(&b, s, secret);
	if (encoded) {
		k += replace(&c, buf_str(&b), encoded);
		buf_release(&b);
		b = c;
	}
	(void)k;
	return buf_detach(&b, NULL);
}

int secret_mask_err(struct err *err)
{
	char *m = secret_mask(err->msg);

	if (!m)
		return 0;
	snprintf(err->msg, sizeof(err->msg), "%s", m);
	free(m);
	return 1;
}

/* runner/html_norm.c -- HTML as Canvas gives it back, normalised so that a body can be compared
 * with the one that was sent (include/html_norm.h). Used by apply's read-back and stale check
 * (exec_value_matches, exec_write.c) and by the steps that decide whether a page body already
 * shows what a recipe wants (step_pages.c), so both answer the same question the same way. Pure:
 * no I/O, no knowledge of kinds; unit-tested in tests/unit/unit-exec.c.
 *
 * Canvas rewrites HTML in both directions (API.md 7.4), so GET after PUT does not return the bytes
 * sent.
 *
 * The normalisation is deliberately conservative -- it forgives only the rewrites API.md
 * documents, so that a real difference is never hidden:
 *   1. runs of white space (space, tab, CR, LF, FF) become one space; leading and trailing white
 *      space goes (Canvas's sanitizer re-serialises markup and may re-flow it);
 *   2. the attributes data-api-endpoint="..." and data-api-returntype="..." are dropped (added to
 *      file and media links on output);
 *   3. the Canvas origin in front of a root-relative URL goes: "https://canvas.example.edu/x"
 *      reads as "/x" (api_user_content makes root-relative URLs absolute on output);
 *   4. "/courses/N/files/" reads as "/files/" (process_incoming_html_content adds the course
 *      context to file links);
 *   5. in a URL containing "/files/", the query parameters verifier, wrap and download_frd are
 *      dropped and "&amp;" between parameters reads as "&" (file links get verifiers on output);
 *   6. serialisation spelling: a tag's self-closing slash goes ("<hr />" reads as "<hr>"), and in
 *      text outside tags "&quot;" reads as '"' and "&#39;" / "&#x27;" / "&apos;" as "'". Canvas's
 *      sanitizer re-serialises bodies as HTML5 (Nokogiri), which writes void elements without the
 *      slash and quotes in text unescaped, while cmark-gfm (Markdown bodies) and many editors write
 *      "<br />" and "&quot;".
 * Not forgiven: changed text, tags, attribute values, other entity spelling, attribute order. Media
 * comment anchors turned into <video> tags by Canvas would therefore fail read-back; a recipe that
 * edits such a body is reported, not silently assumed written.
 *
 * Rejected: a full HTML parser (a dependency for five rules); leaving the rules in exec_write.c
 * (a step then had to include apply's internal header to compare a body).
 */
#include "html_norm.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "xalloc.h"

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Rule 1. */
static char *collapse_ws(const char *s)
{
	struct buf b = BUF_INIT;
	int pending = 0;

	buf_puts(&b, "");
	for (; *s; s++) {
		if (is_ws(*s)) {
			pending = 1;
			continue;
		}
		if (pending && b.len)
			buf_putc(&b, ' ');
		pending = 0;
		buf_putc(&b, *s);
	}
	return buf_detach(&b, NULL);
}

/* Rule 2: drop ` data-api-endpoint="..."` and ` data-api-returntype="..."` (after rule 1 an
 * attribute has exactly one space before it). */
static char *drop_api_attrs(const char *s)
{
	static const char *const names[] = { " data-api-endpoint=", " data-api-returntype=" };
	struct buf b = BUF_INIT;
	size_t i;

	buf_puts(&b, "");
	while (*s) {
		int dropped = 0;

		for (i = 0; i < 2 && !dropped; i++) {
			size_t n = strlen(names[i]);
			const char *q, *e;

			if (strncasecmp(s, names[i], n))
				continue;
			q = s + n;
			if (*q != '"' && *q != '\'')
				continue;
			e = strchr(q + 1, *q);
			if (!e)
				continue;
			s = e + 1;
			dropped = 1;
		}
		if (!dropped)
			buf_putc(&b, *s++);
	}
	return buf_detach(&b, NULL);
}

/* Rule 3: "ORIGIN/" -> "/" (case-insensitive on the origin). */
static char *strip_origin(const char *s, const char *origin)
{
	struct buf b = BUF_INIT;
	size_t n = origin ? strlen(origin) : 0;

	while (n && origin[n - 1] == '/')
		n--;
	buf_puts(&b, "");
	while (*s) {
		if (n && !strncasecmp(s, origin, n) && s[n] == '/') {
			s += n;
			continue;
		}
		buf_putc(&b, *s++);
	}
	return buf_detach(&b, NULL);
}

static int url_end(char c)
{
	return !c || c == '"' || c == '\'' || c == '<' || c == '>' || is_ws(c);
}

/* Rules 4 and 5. */
static char *file_links(const char *s)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "");
	while (*s) {
		const char *p = s, *q;

		/* "/courses/N/files/" -> "/files/" */
		if (!strncmp(p, "/courses/", 9) && isdigit((unsigned char)p[9])) {
			q = p + 9;
			while (isdigit((unsigned char)*q))
				q++;
			if (!strncmp(q, "/files/", 7))
				p = q;
		}
		if (strncmp(p, "/files/", 7)) {
			buf_putc(&b, *s++);
			continue;
		}
		/* a file URL: copy its path, then its query without verifier/wrap/download_frd */
		while (!url_end(*p) && *p != '?')
			buf_putc(&b, *p++);
		if (*p == '?') {
			int first = 1;

			p++;
			while (!url_end(*p)) {
				const char *e = p;
				size_t len;

				while (!url_end(*e) && *e != '&')
					e++;
				len = (size_t)(e - p);
				if (!(len >= 9 && !strncmp(p, "verifier=", 9)) && !(len >= 5 && !strncmp(p, "wrap=", 5)) &&
				    !(len >= 13 && !strncmp(p, "download_frd=", 13)) && len) {
					buf_putc(&b, first ? '?' : '&');
					buf_add(&b, p, len);
					first = 0;
				}
				p = e;
				if (*p == '&') {
					p++;
					if (!strncmp(p, "amp;", 4))
						p += 4;
				}
			}
		}
		s = p;
	}
	return buf_detach(&b, NULL);
}

/* Rule 6, after rule 1 (white space is one space by then). A tag runs from '<' + letter or '/' to
 * the '>' outside quotes. */
static char *serialisation(const char *s)
{
	static const struct { const char *ent; char c; } quotes[] = {
		{ "&quot;", '"' }, { "&#34;", '"' }, { "&#39;", '\'' }, { "&#x27;", '\'' }, { "&apos;", '\'' },
	};
	struct buf b = BUF_INIT;
	size_t i;

	buf_puts(&b, "");
	while (*s) {
		if (*s == '<' && (isalpha((unsigned char)s[1]) || s[1] == '/')) {
			char q = 0;

			while (*s && (q || *s != '>')) {
				if (q && *s == q)
					q = 0;
				else if (!q && (*s == '"' || *s == '\''))
					q = *s;
				if (!q && *s == '/' && (s[1] == '>' || (s[1] == ' ' && s[2] == '>'))) {
					/* "<br/>", "<br />": drop the slash and the space before it */
					if (b.len && b.ptr[b.len - 1] == ' ')
						b.len--;
					s += s[1] == ' ' ? 2 : 1;
					continue;
				}
				buf_putc(&b, *s++);
			}
			if (*s)
				buf_putc(&b, *s++);
			continue;
		}
		if (*s == '&') {
			for (i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++)
				if (!strncmp(s, quotes[i].ent, strlen(quotes[i].ent)))
					break;
			if (i < sizeof(quotes) / sizeof(quotes[0])) {
				buf_putc(&b, quotes[i].c);
				s += strlen(quotes[i].ent);
				continue;
			}
		}
		buf_putc(&b, *s++);
	}
	return buf_detach(&b, NULL);
}

char *html_normalize(const char *html, const char *origin)
{
	char *a = collapse_ws(html ? html : ""), *b2, *c, *d, *e;

	b2 = drop_api_attrs(a);
	free(a);
	c = strip_origin(b2, origin);
	free(b2);
	d = file_links(c);
	free(c);
	e = serialisation(d);
	free(d);
	return e;
}

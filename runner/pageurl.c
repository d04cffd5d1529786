/* runner/pageurl.c -- the url Canvas makes for a page from its title (include/pageurl.h), so a plan
 * can name the url a created or renamed page will have (issue 15, CURRENT.md 4).
 *
 * Canvas (canvas-lms master): WikiPage has `acts_as_url :title, sync_url: true` and its own
 * WikiPage#ensure_unique_url (app/models/wiki_page.rb): on every save the url is the title's
 * String#to_url, and when another page of the wiki has that url already, "-2", "-3", ... is
 * appended (the first free one; Canvas's fix of stringex, which started at -1). to_url is
 * gems/canvas_stringex/lib/lucky_sneaks/string_extensions.rb:
 *   remove_formatting.downcase.replace_whitespace("-").collapse("-"), where remove_formatting is
 *   strip_html_tags, convert_accented_entities, convert_misc_entities, convert_misc_characters,
 *   to_ascii (Unidecoder: unidecoder.rb and its unidecoder_data/xNN.json tables),
 *   convert_misc_characters again, collapse.
 * The regular expressions below are those of string_extensions.rb, run through PCRE2 in the same
 * order (Ruby's \s, \w and \S are ASCII-only classes there, as in PCRE2 without UCP). So "Q&A:
 * Week 1.5" is "q-and-a-week-1-dot-5", "C++ basics" keeps its "+" ("c++-basics"), "Don't panic"
 * is "dont-panic", "$5 lunch" is "5-dollars-lunch".
 *
 * to_ascii: a character outside ASCII is replaced by its Unidecoder transliteration. This file
 * carries the tables of U+00A0..U+017F (Latin-1 Supplement, Latin Extended-A: "Café Müller" ->
 * "cafe-muller", "Straße" -> "strasse") and the dashes and quotes of U+2010..U+201F. A title with
 * any other non-ASCII character (Greek, Cyrillic, CJK, emoji...) has a url this version cannot
 * predict: pageurl_from_title returns NULL and the caller says so (validate refuses a create that
 * names a url for such a title; a rename leaves the url unplanned, with a note).
 *
 * Rejected: the whole Unidecoder data set (200 tables, 1 MB of JSON) for titles that are rare in
 * a course shell; a hand-written matcher for the misc-character rules (the Ruby regexes are
 * subtle: "$" only before digits at a word start, "." only between non-spaces).
 * Known limit: with Canvas's permanent_page_links the urls a page had before (WikiPageLookup) stay
 * taken; the API does not list them, so a new title equal to another page's OLD title gets a
 * suffix Canvas picks and apply's read-back reports it.
 */
#include "pageurl.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

/* Unidecoder transliterations of U+00A0..U+017F (x00.json from 0xA0, x01.json). */
static const char *const lat1[0x180 - 0xa0] = {
	/* a0 */ " ", "!", "C/", "PS", "$?", "Y=", "|", "SS", "\"", "(c)", "a", "<<", "!", "", "(r)", "-",
	/* b0 */ "deg", "+-", "2", "3", "'", "u", "P", "*", ",", "1", "o", ">>", " 1/4 ", " 1/2 ", " 3/4 ", "?",
	/* c0 */ "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
	/* d0 */ "D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "U", "Th", "ss",
	/* e0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* f0 */ "d", "n", "o", "o", "o", "o", "o", "/", "o", "u", "u", "u", "u", "y", "th", "y",
	/* 100 */ "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d",
	/* 110 */ "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",
	/* 120 */ "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i",
	/* 130 */ "I", "i", "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L", "l", "L",
	/* 140 */ "l", "L", "l", "N", "n", "N", "n", "N", "n", "'n", "ng", "NG", "O", "o", "O", "o",
	/* 150 */ "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s",
	/* 160 */ "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u",
	/* 170 */ "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",
};

/* U+2010..U+201F (x20.json): hyphens, dashes, quotes. */
static const char *const punct[0x20] = {
	"-", "-", "-", "-", "--", "--", "||", "_", "'", "'", ",", "'", "\"", "\"", ",,", "\"",
};

/* Ruby's gsub(rx, rep) with PCRE2 ($1-style references in rep). Replaces *s (malloced). 0, or -1
 * when the pattern fails (a programming error: the patterns are constants). */
static int gsub(char **s, const char *rx, const char *rep)
{
	pcre2_code *re;
	int ec, rc;
	PCRE2_SIZE eo, outlen;
	PCRE2_UCHAR *out;
	size_t n = strlen(*s);

	re = pcre2_compile((PCRE2_SPTR)rx, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MULTILINE, &ec, &eo, NULL);
	if (!re)
		return -1;
	outlen = n * 8 + 64;
	out = xmalloc(outlen);
	rc = pcre2_substitute(re, (PCRE2_SPTR)*s, n, 0, PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
			      NULL, NULL, (PCRE2_SPTR)rep, PCRE2_ZERO_TERMINATED, out, &outlen);
	if (rc == PCRE2_ERROR_NOMEMORY) {
		free(out);
		out = xmalloc(outlen);
		rc = pcre2_substitute(re, (PCRE2_SPTR)*s, n, 0, PCRE2_SUBSTITUTE_GLOBAL, NULL, NULL, (PCRE2_SPTR)rep,
				      PCRE2_ZERO_TERMINATED, out, &outlen);
	}
	pcre2_code_free(re);
	if (rc < 0) {
		free(out);
		return -1;
	}
	free(*s);
	*s = (char *)out;
	return 0;
}

/* convert_misc_characters, in its order (Ruby hashes keep insertion order). A replacement without
 * \1 is padded with spaces, as the Ruby code does. */
static int misc_characters(char **s)
{
	static const char *const rules[][2] = {
		{ "\\.{3,}", " dot dot dot " },
		{ "(\\s|^)\\$(\\d+)\\.(\\d+)(\\s|$)", " $2 dollars $3 cents " },
		{ "(\\s|^)\xc2\xa3(\\d+)\\.(\\d+)(\\s|$)", " $2 pounds $3 pence " },
		{ "\\s*&\\s*", " and " },
		{ "\\s*#", " number " },
		{ "\\s*@\\s*", " at " },
		{ "(\\S|^)\\.(\\S)", "$1 dot $2" },
		{ "(\\s|^)\\$(\\d*)(\\s|$)", " $2 dollars " },
		{ "(\\s|^)\xc2\xa3(\\d*)(\\s|$)", " $2 pounds " },
		{ "(\\s|^)\xc2\xa5(\\d*)(\\s|$)", " $2 yen " },
		{ "\\s*\\*\\s*", " star " },
		{ "\\s*%\\s*", " percent " },
		{ "\\s*(\\\\|/)\\s*", " slash " },
		{ "(^|\\w)'(\\w|$)", "$1$2" },
		{ "[.,:;()\\[\\]/?!\\^'\"_]", " " },
	};
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (gsub(s, rules[i][0], rules[i][1]))
			return -1;
	return 0;
}

static int misc_entities(char **s)
{
	static const char *const rules[][2] = {
		{ "&#822[01];", "\"" }, { "&#821[67];", "'" }, { "&#8230;", "..." }, { "&#8211;", "-" },
		{ "&#8212;", "--" }, { "&#215;", "x" }, { "&gt;", ">" }, { "&lt;", "<" },
		{ "&(#8482|trade);", "(tm)" }, { "&(#174|reg);", "(r)" }, { "&(#169|copy);", "(c)" },
		{ "&(#38|amp);", "and" }, { "&nbsp;", " " }, { "&(#162|cent);", " cent" },
		{ "&(#163|pound);", " pound" }, { "&(#188|frac14);", "one fourth" }, { "&(#189|frac12);", "half" },
		{ "&(#190|frac34);", "three fourths" }, { "&(#176|deg);", " degrees" }, { "&[^;]+;", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (gsub(s, rules[i][0], rules[i][1]))
			return -1;
	return 0;
}

/* One UTF-8 character at *p: its code point, *p moved past it; -1 on a bad sequence. */
static long utf8_next(const unsigned char **p)
{
	const unsigned char *c = *p;
	long cp;
	int n, i;

	if (c[0] < 0x80) {
		*p += 1;
		return c[0];
	}
	if ((c[0] & 0xe0) == 0xc0) {
		cp = c[0] & 0x1f;
		n = 1;
	} else if ((c[0] & 0xf0) == 0xe0) {
		cp = c[0] & 0x0f;
		n = 2;
	} else if ((c[0] & 0xf8) == 0xf0) {
		cp = c[0] & 0x07;
		n = 3;
	} else {
		return -1;
	}
	for (i = 1; i <= n; i++) {
		if ((c[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (c[i] & 0x3f);
	}
	*p += n + 1;
	return cp;
}

/* to_ascii. 0, or -1 when a character is outside the tables. */
static int to_ascii(char **s)
{
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)*s;

	while (*p) {
		long cp = utf8_next(&p);

		if (cp < 0) {
			buf_release(&b);
			return -1;
		}
		if (cp < 0x80)
			buf_putc(&b, (char)cp);
		else if (cp >= 0xa0 && cp < 0x180)
			buf_puts(&b, lat1[cp - 0xa0]);
		else if (cp >= 0x2010 && cp < 0x2020)
			buf_puts(&b, punct[cp - 0x2010]);
		else if (cp == 0x2026)
			buf_puts(&b, "...");
		else {
			buf_release(&b);
			return -1;
		}
	}
	free(*s);
	*s = b.ptr ? buf_detach(&b, NULL) : xstrdup("");
	return 0;
}

/* collapse(ch): strip ch at both ends, squeeze runs of it. In place. */
static void collapse(char *s, char ch)
{
	char *r = s, *w = s;

	while (*r == ch)
		r++;
	for (; *r; r++)
		if (*r != ch || (w > s && w[-1] != ch))
			*w++ = *r;
	while (w > s && w[-1] == ch)
		w--;
	*w = '\0';
}

char *pageurl_from_title(const char *title)
{
	char *s = xstrdup(title ? title : ""), *c;

	/* strip_html_tags (tags out, white space runs to one space, stripped) */
	if (gsub(&s, "<[!/?\\[]?([\\w:_-]+|--)(\\s+(([\\w:_-]+(\\s*=\\s*([A-Za-z0-9]+|('[^']*?'|\"[^\"]*?\")))?)"
		 "(\\s+([\\w:_-]+(\\s*=\\s*([A-Za-z0-9]+|('[^']*?'|\"[^\"]*?\")))?))*))?\\s*([!/?\\]]+|--)?>", "") ||
	    gsub(&s, "\\s+", " ") ||
	    gsub(&s, "&([A-Za-z])(grave|acute|circ|tilde|uml|ring|cedil|slash);", "$1") || misc_entities(&s) ||
	    misc_characters(&s) || to_ascii(&s) || misc_characters(&s)) {
		free(s);
		return NULL;
	}
	collapse(s, ' ');
	for (c = s; *c; c++) {
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\f' || *c == '\v')
			*c = '-';
	}
	collapse(s, '-');
	return s;
}

char *pageurl_unique(const char *base, int (*taken)(const char *url, void *ud), void *ud)
{
	char *u;
	long n;

	if (!taken(base, ud))
		return xstrdup(base);
	for (n = 2;; n++) {
		u = xasprintf("%s-%ld", base, n);
		if (!taken(u, ud))
			return u;
		free(u);
	}
}

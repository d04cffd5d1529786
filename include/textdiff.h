/* include/textdiff.h -- token-level diff of HTML/text and its rendering; knows nothing about Canvas.
 *
 * Calling sequence
 *   struct textdiff *d;
 *   int nchanges = textdiff(&d, a, alen, b, blen);   cannot fail; 0 = identical
 *   struct textdiff_style st = TEXTDIFF_STYLE_INIT;  st.color = isatty(1) && !getenv("NO_COLOR")
 *   textdiff_render(d, &out, &st);                   appends to a struct buf
 *   textdiff_free(d);
 *
 * Tokens: an HTML tag `<...>` (one token, attributes included), a word (a run of ASCII letters and
 * digits and of bytes >= 0x80, so UTF-8 words such as "é" or "中文" stay whole), a run of whitespace,
 * an entity `&name;` / `&#123;`, or any other single byte. The tokens of a text concatenate back
 * to it exactly.
 *
 * Ops cover both texts in order, without gaps: EQUAL ops have the same bytes in a and b; between
 * two EQUAL ops there is one change, a DELETE (bytes of a), an INSERT (bytes of b), or a DELETE
 * followed by an INSERT. Offsets are byte offsets into the texts given to textdiff().
 *
 * Rendering (text, one hunk per line group):
 *   …the quick [-brown-]{+red+} fox…          colour off (git's --word-diff=plain markers)
 *   …the quick ESC[31m[-brown-]ESC[mESC[32m{+red+}ESC[m fox…    colour on: red deleted, green
 *                                             inserted, and the markers still, so that the two
 *                                             never differ by colour alone
 * Hunks are separated by a line break; "…" marks context left out at either end of a hunk.
 * Server data is neutralised: C0 controls, DEL and invalid UTF-8 bytes as `\xNN`, C1 controls and
 * bidi overrides as `\uNNNN`, CR as `\r`. Tabs stay tabs. Newlines stay real newlines, so
 * multi-line text reads as lines; a newline inside a change is also shown as `⏎` so that an added
 * or removed line break is visible. A literal backslash is not escaped (a preview, not a format).
 */
#ifndef COURSECTL_TEXTDIFF_H
#define COURSECTL_TEXTDIFF_H

#include <stddef.h>

#include "buf.h"

enum textdiff_kind { TEXTDIFF_EQUAL, TEXTDIFF_DELETE, TEXTDIFF_INSERT };

struct textdiff_op {
	enum textdiff_kind kind;
	size_t a_off, a_len;      /* range in a (a_len 0 for INSERT: a_off is where it goes) */
	size_t b_off, b_len;      /* range in b (b_len 0 for DELETE) */
	size_t a_ntok, b_ntok;    /* tokens in each range */
};

struct textdiff_stats {
	size_t changes;           /* change groups (a DELETE+INSERT pair counts once) */
	size_t tokens_deleted, tokens_inserted;
	size_t bytes_deleted, bytes_inserted;
	int approximate;          /* 1: the edit-distance or work cap was hit; the diff is valid but
	                           * not minimal (parts shown as whole replacements) */
};

struct textdiff {
	struct textdiff_op *ops;
	size_t nops;
	struct textdiff_stats stats;
	char *a, *b;              /* private copies of the texts (NUL-terminated) */
	size_t alen, blen;
};

struct textdiff_style {
	int context;              /* tokens of context either side of a change; < 0: default 3 */
	int color;                /* 1: ANSI colours around the markers; 0: [-deleted-]{+inserted+} */
	size_t max_bytes;         /* stop after about this many output bytes; 0: no limit */
};

#define TEXTDIFF_STYLE_INIT { 3, 0, 0 }

/* Diffs a against b (byte strings, may contain NULs) and stores a new diff in *out, which the caller
 * frees with textdiff_free(). Returns the number of changes (0 when the texts are equal). */
int textdiff(struct textdiff **out, const char *a, size_t alen, const char *b, size_t blen);

/* Appends the readable diff to out; nothing when there is no change. st NULL: TEXTDIFF_STYLE_INIT. */
void textdiff_render(const struct textdiff *d, struct buf *out, const struct textdiff_style *st);

void textdiff_free(struct textdiff *d);

/* Appends s[0..len) (server data) neutralised by the rules above: the same escaping as the diff's
 * context text, for callers that show single values (names, titles, reasons). */
void textdiff_put_escaped(struct buf *out, const char *s, size_t len);

/* Length of the token starting at s[0] (n > 0); exposed for the tests. */
size_t textdiff_token_len(const char *s, size_t n);

#endif

/* include/textdates.h -- dates written as text ("due Friday, September 5", "Week 3 (Sep 8–12)"):
 * found in a name or an HTML body and rewritten through a day mapping (runner/textdates.c). Pure:
 * no I/O, no clock, no Canvas.
 *
 *   struct td_opts o = { td_locale_find("en"), 1, ref_first, ref_last, 1 };
 *   struct td_mention *v; size_t n;
 *   td_find(html, len, &o, &v, &n);                  every mention, moved or not (v: free)
 *   char *out = td_rewrite(html, len, &o, map, ud, &v, &n, &changed);
 *                                                   the text with every movable mention moved
 *                                                   (NULL: nothing changed); v lists them all
 *
 * A mention is one date as written, with what is attached to it: a weekday before it ("Fri, Sep
 * 5") or after it in parentheses ("9/5 (Fri)"), a year, an ordinal suffix, the end day of a range
 * ("Sep 8–12"). Each mention either moves (problem[0] == '\0') or carries a problem, one sentence
 * saying why it is left as written (no year and no term to place it, a weekday that does not fit
 * the date, no such day, a month without a day ...): the caller lists those, it never guesses.
 * Text that only looks like a date ("3/4 of the class", "Chapter 9.5", 10:30, 2025, v2.3.1, a score
 * 8/10) is not a mention at all.
 *
 * Locales are rows of a table (struct td_locale): month and weekday spellings, the order of a
 * numeric date, the words that make a bare "9/5" a date, the ordinal suffixes. A new language is a
 * new row in runner/textdates.c, not new code.
 */
#ifndef COURSECTL_TEXTDATES_H
#define COURSECTL_TEXTDATES_H

#include <stddef.h>
#include <stdint.h>

#define TD_SPELL 4

/* The parts of a mention (struct td_mention tok[]). */
enum { TD_T_WDAY, TD_T_MON, TD_T_DAY, TD_T_ORD, TD_T_DAY2, TD_T_ORD2, TD_T_YEAR, TD_NTOK };

struct td_locale {
	const char *name;                         /* "en", "en-GB" */
	/* Spellings of each month (January first) and weekday (Monday first): [0] the full name, [1]
	 * the usual abbreviation, [2..] other abbreviations that are read but never written; NULL ends. */
	const char *months[12][TD_SPELL];
	const char *days[7][TD_SPELL];
	int day_first;                            /* numeric dates: 1 for 5/9 = 5 September, 0 for 9/5 */
	/* Words after which a bare numeric date ("9/5") is a date ("due 9/5"); NULL ends. */
	const char *context[24];
	/* Month names that are also common words ("May"): in "3 May be" they are not a date, so the
	 * day-month form needs them followed by a year or by something that is not a word. NULL ends. */
	const char *common[4];
	/* The ordinal suffix of a day ("st" for 1), or NULL when the locale writes none. */
	const char *(*ordinal)(int day);
};

/* The locale named `name` ("en", "en-US", "en-GB"), or NULL. Borrowed (static). */
const struct td_locale *td_locale_find(const char *name);
/* The names of the table's locales, NULL-terminated, for messages ("one of en, en-GB"). */
extern const char *const td_locale_names[];

struct td_opts {
	const struct td_locale *loc;
	int html;                 /* 1: text nodes of HTML only (tags, attributes, comments, script and
				   * style are passed over); 0: plain text (a name) */
	/* The term a date without a year belongs to, as day numbers (days since 1970-01-01), inclusive:
	 * such a date takes the year that puts it nearest this span (textdates.c explains the rule). */
	int64_t ref_first, ref_last;
	int has_ref;              /* 0: a date without a year is a problem */
};

struct td_mention {
	size_t start, end;        /* bytes [start, end) of the text: the whole mention */
	int64_t day, day2;        /* its date as a day number, and the range's last day (= day when
				   * not a range); 0 when problem is set before the date was known */
	int64_t to, to2;          /* after td_rewrite: the new days (moved mentions only) */
	char problem[160];        /* "" when the mention can move; else why it is left as written */
	/* The form as written, for the rewrite: the byte spans [tok[i][0], tok[i][1]) of its parts
	 * (TD_T_*; an absent part has an empty span), each replaced by its new value, so everything
	 * between them (spaces, commas, a dash, "&nbsp;") is kept as written. */
	size_t tok[TD_NTOK][2];
	int y, m, d, d2;          /* as written or resolved (y 0 when unknown); d2 = d unless a range */
	int wday;                 /* the weekday written with it, ISO 1..7, or 0 */
	int has_year;
	int named;                /* month as a word (1) or a number (0) */
	int mspell, wspell;       /* spelling index of the month, the weekday (-1: none) */
	int mupper, wupper;       /* written in capitals */
	int day_first;            /* the day is written before the month ("5 Sep", 5/9 in en-GB) */
	int pad_m, pad_d;         /* numbers written with a leading zero */
};

/* Every mention in text[0..len), in order. *out is malloced (free; NULL when *n is 0). Returns *n. */
size_t td_find(const char *text, size_t len, const struct td_opts *o, struct td_mention **out, size_t *n);

/* The day a day maps to: 0 with *out set, or -1 when it cannot be mapped (the mention is then a
 * problem and stays as written). */
typedef int (*td_map_fn)(void *ud, int64_t day, int64_t *out);

/* text with every mention that can move rewritten through map, in the form it was written (the
 * same spelling, case, weekday, year, padding and range dash; a range crossing into another month
 * names both months). Returns a malloced string (free) and *outlen, or NULL when no mention moved
 * to a different day. *mentions (malloced, free; may be NULL) receives every mention, *nmentions
 * their count and *moved how many were rewritten. A range whose new end would come before its new
 * start is a problem. */
char *td_rewrite(const char *text, size_t len, const struct td_opts *o, td_map_fn map, void *ud, size_t *outlen,
		 struct td_mention **mentions, size_t *nmentions, size_t *moved);

#endif

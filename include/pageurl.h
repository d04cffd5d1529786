/* include/pageurl.h -- the url Canvas makes for a wiki page from its title (runner/pageurl.c).
 *
 *   char *u = pageurl_from_title("Welcome to Spring 2026");   "welcome-to-spring-2026"
 *   char *v = pageurl_unique(u, taken_fn, ud);                 u, or u-2, u-3 ... (first free)
 */
#ifndef COURSECTL_PAGEURL_H
#define COURSECTL_PAGEURL_H

/* Canvas's String#to_url of `title` (canvas_stringex), or NULL when the title holds a character
 * whose transliteration this version does not carry (see pageurl.c). May be "" (a title of
 * punctuation only, which Canvas refuses). Malloced (free). */
char *pageurl_from_title(const char *title);

/* WikiPage#ensure_unique_url: `base` when taken(base) is 0, else the first of base-2, base-3 ...
 * that is free. Malloced (free). */
char *pageurl_unique(const char *base, int (*taken)(const char *url, void *ud), void *ud);

#endif

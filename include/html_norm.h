/* include/html_norm.h -- HTML normalised for comparison: what Canvas stores and gives back after
 * its rewrites (API.md 7.4) reads the same as what was sent (runner/html_norm.c lists the rules).
 *
 *   char *a = html_normalize(got, origin), *b = html_normalize(sent, origin);
 *   same = !strcmp(a, b);
 */
#ifndef COURSECTL_HTML_NORM_H
#define COURSECTL_HTML_NORM_H

/* html (NULL reads as "") with the rewrites Canvas makes on the way in and out undone; origin: the
 * Canvas base URL ("https://canvas.example.edu"), whose prefix on a root-relative URL goes.
 * Malloced (free). */
char *html_normalize(const char *html, const char *origin);

#endif

/* include/xalloc.h -- allocation that cannot fail.
 *
 * Policy (git's xmalloc, redis' zmalloc): coursectl is a command-line tool; when memory runs out
 * there is nothing useful to do but stop, so these print one line and exit(1) instead of
 * returning NULL. Callers never check their result. Everything they return is freed with free().
 */
#ifndef COURSECTL_XALLOC_H
#define COURSECTL_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A malloced, formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a va_list (consumed). */
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif

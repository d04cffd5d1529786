/* include/markdown.h -- Markdown to HTML for page bodies (runner/markdown.c, cmark-gfm).
 *
 * GitHub Flavored Markdown with the table, autolink and strikethrough extensions; raw HTML in
 * the source is passed through (the design comment of runner/markdown.c says why, and why task
 * lists are off). The same input always gives the same bytes, so a plan made twice from one file
 * is the same plan.
 */
#ifndef COURSECTL_MARKDOWN_H
#define COURSECTL_MARKDOWN_H

#include <stddef.h>

#include "err.h"

/* Render md[0..len) (UTF-8, no NUL needed) to HTML. `what` names the source in an error message
 * ("recipe 'x.yaml' line 4, column 16: 'pages.body_file' 'welcome.md'").
 * Ownership: on success *html is malloced, NUL-terminated, and the caller frees it with free();
 * on error *html is NULL and err is filled (ERR_GENERIC: the installed cmark-gfm lacks an
 * extension). */
int markdown_to_html(const char *md, size_t len, const char *what, char **html, struct err *err);

#endif

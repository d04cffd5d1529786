/* runner/markdown.c -- Markdown page bodies rendered to HTML with cmark-gfm (include/markdown.h).
 *
 * A course kept in a git repository is written in Markdown; Canvas stores HTML. `pages:
 * body_file: x.md` is turned into HTML here, once, when the recipe is checked, so that validate
 * reports a bad file and the plan shows (and apply sends) exactly the HTML Canvas will get.
 *
 * Library: Debian's libcmark-gfm, GitHub's fork of the CommonMark reference implementation (the
 * spec's own test suite, fuzzed upstream, linear time on hostile input). Hand-written Markdown is
 * a well-known trap: emphasis and list rules alone are pages of spec, and a course author expects
 * what GitHub shows for the same file.
 *
 * Rules:
 *   - GFM extensions table, autolink and strikethrough are attached (a course's schedule is a
 *     table; a bare https://... link is how people write). Options: CMARK_OPT_UNSAFE only --
 *     no smart punctuation (the author's quotes stay as typed), no source positions (they would
 *     change the HTML whenever a line moves above a paragraph), no hard breaks.
 *   - Raw HTML is passed through (CMARK_OPT_UNSAFE), without the tagfilter extension. The author
 *     of the file is the owner of the course, who can already paste any HTML into the page through
 *     `body_file: x.html` or Canvas's editor; the safety boundary is Canvas's own sanitizer, which
 *     strips script, style, forms and event attributes from every body it stores. What an author
 *     legitimately wants raw is mostly an <iframe> (a video or a map), which tagfilter would
 *     escape, and <div>/<span> with classes for Canvas's theme. cmark's safe mode would replace
 *     each of those with "<!-- raw HTML omitted -->", silently.
 *   - No tasklist extension: it renders "- [ ] x" as <input type="checkbox">, and Canvas's
 *     sanitizer removes <input>, so students would see neither the box nor the "[ ]" and every
 *     read-back after apply would differ from what was sent. Without it the brackets stay as
 *     text, which survives Canvas unchanged.
 *   - Deterministic: cmark's output depends only on the bytes and the options above, so a second
 *     plan from the same file is byte-identical. What Canvas stores may still differ from it
 *     (links made absolute, white space): step_pages.c compares as apply's read-back does.
 *     cmark writes void elements XHTML-style (<hr />, <img ... />) and '"' in text as &quot;;
 *     Canvas's sanitizer re-serialises them as <hr> and a bare '"', which the read-back forgives
 *     (html_normalize rule 6, runner/html_norm.c: one rule for every body, not a special case here).
 *   - cmark allocates through our xcalloc/xrealloc (a cmark_mem), so running out of memory ends
 *     the program with coursectl's one-line message, as everywhere else, and the rendered string
 *     is freed with free().
 *   - The core extensions are registered once per process (cmark_gfm_core_extensions_ensure_registered
 *     keeps a global registry) and looked up once.
 *
 * Rejected: a hand-written subset (headings, lists, links) -- every author hits a missing rule;
 * md4c (not what GitHub renders, and not the choice); rendering at plan time (validate would
 * then not see a broken file, and each course would render the same file again).
 */
#include "markdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>

#include "xalloc.h"

static const char *const extension_names[] = { "table", "autolink", "strikethrough" };
#define NEXT (sizeof(extension_names) / sizeof(extension_names[0]))

static cmark_mem xmem = { xcalloc, xrealloc, free };

/* The extensions, registered and looked up on the first call. 0, or -1 with err set. */
static int extensions(cmark_syntax_extension *out[NEXT], struct err *err)
{
	static cmark_syntax_extension *found[NEXT];
	static int done;
	size_t i;

	if (!done) {
		cmark_gfm_core_extensions_ensure_registered();
		for (i = 0; i < NEXT; i++)
			if (!(found[i] = cmark_find_syntax_extension(extension_names[i])))
				return err_set(err, ERR_GENERIC, "the installed cmark-gfm has no '%s' extension; install "
					       "Debian's libcmark-gfm-extensions-dev (make deps)", extension_names[i]);
		done = 1;
	}
	for (i = 0; i < NEXT; i++)
		out[i] = found[i];
	return 0;
}

int markdown_to_html(const char *md, size_t len, const char *what, char **html, struct err *err)
{
	const int options = CMARK_OPT_UNSAFE;
	cmark_syntax_extension *ext[NEXT] = { 0 };   /* the analyzer cannot see that err_set never returns 0 */
	cmark_parser *parser;
	cmark_node *doc;
	size_t i;

	*html = NULL;
	if (extensions(ext, err)) {
		size_t l = strlen(err->msg);

		snprintf(err->msg + l, sizeof(err->msg) - l, " (rendering %s)", what);
		return err->code;
	}
	parser = cmark_parser_new_with_mem(options, &xmem);
	for (i = 0; i < NEXT; i++)
		cmark_parser_attach_syntax_extension(parser, ext[i]);
	cmark_parser_feed(parser, md, len);
	doc = cmark_parser_finish(parser);
	*html = cmark_render_html_with_mem(doc, options, cmark_parser_get_syntax_extensions(parser), &xmem);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return 0;
}

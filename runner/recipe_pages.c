/* runner/recipe_pages.c -- the `pages` action's parser: where, replace, set, body_file, create
 * (model and syntax in include/recipe_pages.h).
 *
 * Rules beyond the shapes of the keys, each a mistake a plan would otherwise make silently:
 *   - at least one of replace, set, body_file (else the step does nothing);
 *   - body_file and replace exclude each other: the file is the whole body, a replacement on it
 *     belongs in the file;
 *   - front_page: false is refused: Canvas has no "not the front page" state, a course changes its
 *     front page by setting another page's flag; front_page: true with published: false is refused
 *     (Canvas cannot unpublish the front page), and so is a where.url listing several slugs;
 *   - editing_roles is Canvas's comma list (or a YAML list) of teachers, students, members,
 *     public, each known and once; the model keeps a bit set and Canvas's string in one order;
 *   - todo_date/publish_at take a date or null, null meaning "clear it";
 *   - body_file is read now (<= 8 MiB) and must be UTF-8 (a small validator below: overlong
 *     forms, surrogates and code points past U+10FFFF are refused, as Canvas's database would
 *     mangle them) with no NUL byte; the error gives line and column in the file;
 *   - a .md or .markdown body_file (any case) is rendered to HTML here, after the UTF-8 check
 *     and the byte order mark (runner/markdown.c, cmark-gfm): the model holds the HTML that
 *     will be sent, so validate reports a file that cannot be rendered and every course of a
 *     plan gets the same bytes without rendering again;
 *   - create: true needs where.url with exactly one slug (the page to create) and set.title or
 *     body_file (something to create it with), and that slug must be the url Canvas makes from the
 *     title (set.title, else the slug read as words): Canvas derives a page's url from its title
 *     (WikiPage acts_as_url + ensure_unique_url, runner/pageurl.c), so a page created as
 *     "welcome-spring-2026" with the title "Welcome to Spring 2026" would live at
 *     "welcome-to-spring-2026" and the next plan would create it again. The error is at the url
 *     and names the url Canvas would make.
 * Rejected: rendering .md in the step (once per course instead of once, and validate would not
 * see it); a UTF-8 check through PCRE2 (its error offsets are fine, but a twenty-line loop reports
 * the same without compiling a pattern).
 */
#include "recipe_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "markdown.h"
#include "pageurl.h"
#include "recipe_actions.h"
#include "step.h"
#include "xalloc.h"

static const char *const role_names[] = { "teachers", "students", "members", "public", NULL };

static int is_null(const struct ynode *n)
{
	return n->type == YN_SCALAR && n->plain &&
	       (!n->len || !strcmp(n->str, "null") || !strcmp(n->str, "~") || !strcmp(n->str, "Null") ||
		!strcmp(n->str, "NULL"));
}

static const struct ynode *key_node(const struct ynode *map, const char *key)
{
	size_t i;

	for (i = 0; map && map->type == YN_MAP && i + 1 < map->nkids; i += 2)
		if (map->kids[i]->type == YN_SCALAR && !strcmp(map->kids[i]->str, key))
			return map->kids[i];
	return NULL;
}

/* ---------------------------------------------------------------- set */

static void add_role(struct rctx *cx, const struct rpos *pos, const char *role, size_t len,
		     struct rpages_set *s)
{
	char name[32];
	size_t i;
	const char *sug;

	if (!len) {
		rc_error(cx, pos, "'pages.set.editing_roles' has an empty role (a comma list of teachers, students, "
			 "members, public)");
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(len < 31 ? len : 31), role);
	for (i = 0; role_names[i]; i++) {
		if (len == strlen(role_names[i]) && !strncmp(role, role_names[i], len)) {
			if (s->editing_roles & (1u << i))
				rc_error(cx, pos, "role '%s' is given twice in 'pages.set.editing_roles'", role_names[i]);
			s->editing_roles |= 1u << i;
			return;
		}
	}
	sug = rc_suggest(name, role_names);
	rc_error(cx, pos, "'%s' is not a role for 'pages.set.editing_roles'%s%s%s (teachers, students, members, "
		 "public)", name, sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
}

static void check_roles(struct rctx *cx, const struct ynode *n, struct rpages_set *s)
{
	size_t i;
	char buf[64] = "";
	int before = cx->d->nerrors;

	if (n->type == YN_SEQ) {
		if (!n->nkids)
			rc_error(cx, &n->pos, "'pages.set.editing_roles' is an empty list");
		for (i = 0; i < n->nkids; i++) {
			char *r;

			if (!rc_string(cx, n->kids[i], "'pages.set.editing_roles'", &r))
				add_role(cx, &n->kids[i]->pos, r, strlen(r), s);
		}
	} else {
		char *str, *p, *e;

		if (rc_string(cx, n, "'pages.set.editing_roles'", &str))
			return;
		for (p = str;; p = e + 1) {
			struct rpos pos = n->pos;
			char *end;

			while (*p == ' ')
				p++;
			if (!strcmp(str, n->str) && !strchr(str, '\n'))
				pos.col += (int)(p - str) + (n->plain ? 0 : 1);
			e = strchr(p, ',');
			end = e ? e : p + strlen(p);
			while (end > p && end[-1] == ' ')
				end--;
			add_role(cx, &pos, p, (size_t)(end - p), s);
			if (!e)
				break;
		}
	}
	if (cx->d->nerrors > before) {
		s->editing_roles = 0;
		return;
	}
	for (i = 0; role_names[i]; i++)
		if (s->editing_roles & (1u << i))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", *buf ? "," : "", role_names[i]);
	s->editing_roles_str = rc_strdup(cx, buf);
}

static void check_date_or_null(struct rctx *cx, const struct ynode *n, const char *what, struct rpage_date *d)
{
	d->pos = n->pos;
	if (is_null(n)) {
		d->op = RPAGE_DATE_CLEAR;
		return;
	}
	if (!rc_date(cx, n, what, &d->date))
		d->op = RPAGE_DATE_SET;
}

static void check_set(struct rctx *cx, const struct ynode *n, struct rpages *pg)
{
	static const char *const keys[] = { "title", "published", "front_page", "editing_roles", "todo_date",
					    "publish_at", NULL };
	struct rpages_set *s = &pg->set;
	const struct ynode *v;
	int b;

	s->pos = n->pos;
	if (rc_map(cx, n, "'pages.set'", keys, NULL) && n->type != YN_MAP)
		return;
	pg->has_set = 1;
	if (!n->nkids)
		rc_error(cx, &n->pos, "'pages.set' is empty (give title, published, front_page, editing_roles, "
			 "todo_date or publish_at)");
	if ((v = rc_get(n, "title")) && !rc_string(cx, v, "'pages.set.title'", &s->title) && !*s->title) {
		rc_error(cx, &v->pos, "'pages.set.title' is empty; a page needs a title");
		s->title = NULL;
	}
	if ((v = rc_get(n, "published")) && !rc_bool(cx, v, "'pages.set.published'", &b))
		s->published = b;
	if ((v = rc_get(n, "front_page")) && !rc_bool(cx, v, "'pages.set.front_page'", &b)) {
		if (!b)
			rc_error(cx, &v->pos, "'pages.set.front_page: false' cannot be done: to change the front page set "
				 "front_page: true on another page");
		s->front_page = b;
	}
	if (s->front_page && s->published == 0)
		rc_error(cx, &rc_get(n, "published")->pos, "the front page cannot be unpublished; "
			 "'pages.set.published: false' conflicts with 'front_page: true'");
	if ((v = rc_get(n, "editing_roles")))
		check_roles(cx, v, s);
	if ((v = rc_get(n, "todo_date")))
		check_date_or_null(cx, v, "'pages.set.todo_date'", &s->todo_date);
	if ((v = rc_get(n, "publish_at")))
		check_date_or_null(cx, v, "'pages.set.publish_at'", &s->publish_at);
}

/* ---------------------------------------------------------------- body_file */

/* The offset of the first byte that is not part of valid UTF-8 (or is NUL), or len. */
static size_t utf8_invalid(const unsigned char *s, size_t len)
{
	size_t i = 0, k, n;
	unsigned long cp;

	while (i < len) {
		unsigned char c = s[i];

		if (c && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;   /* NUL, a continuation byte, 0xc0/0xc1 (overlong), 0xf5.. */
		}
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

static int has_ext(const char *path, const char *ext)
{
	size_t lp = strlen(path), le = strlen(ext);

	return lp > le && !strcasecmp(path + lp - le, ext);
}

/* Replace pg->body (Markdown) with its HTML. Ownership: the HTML is copied into the recipe's arena
 * (freed with the recipe); cmark's string is freed here. */
static void render_markdown(struct rctx *cx, const struct ynode *n, struct rpages *pg)
{
	struct err err = ERR_INIT;
	char *html, *what = xasprintf("'pages.body_file' '%s'", pg->body_file);

	if (markdown_to_html(pg->body, pg->body_len, what, &html, &err)) {
		rc_error(cx, &n->pos, "%s", err.msg);
	} else {
		pg->body_len = strlen(html);
		pg->body = rc_alloc(cx, pg->body_len + 1);
		memcpy(pg->body, html, pg->body_len + 1);
		free(html);
	}
	free(what);
}

static void check_body_file(struct rctx *cx, const struct ynode *n, struct rpages *pg)
{
	char *name, *buf;
	size_t len, bad, i;
	int line = 1, col = 1;

	pg->body_pos = n->pos;
	if (rc_string(cx, n, "'pages.body_file'", &name))
		return;
	if (!*name) {
		rc_error(cx, &n->pos, "'pages.body_file' is empty; expected a file name such as syllabus.html");
		return;
	}
	if (rc_read_file(cx, n, "'pages.body_file'", RPAGES_BODY_MAX, &buf, &len))
		return;
	bad = utf8_invalid((const unsigned char *)buf, len);
	if (bad < len) {
		for (i = 0; i < bad; i++) {
			if (buf[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
				col++;
			}
		}
		if (!buf[bad])
			rc_error(cx, &n->pos, "'pages.body_file' '%s' holds a NUL byte at line %d, column %d (byte %zu)",
				 name, line, col, bad);
		else
			rc_error(cx, &n->pos, "'pages.body_file' '%s' is not valid UTF-8: byte 0x%02x at line %d, column %d "
				 "(byte %zu)", name, (unsigned char)buf[bad], line, col, bad);
		return;
	}
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;
		len -= 3;
	}
	pg->body_file = name;
	pg->body = buf;
	pg->body_len = len;
	pg->markdown = has_ext(name, ".md") || has_ext(name, ".markdown");
	if (pg->markdown)
		render_markdown(cx, n, pg);
}

/* ---------------------------------------------------------------- the action */

static void check_replace(struct rctx *cx, const struct ynode *n, struct rpages *pg)
{
	size_t i;

	if (rc_seq(cx, n, "'pages.replace'"))
		return;
	if (!n->nkids) {
		rc_error(cx, &n->pos, "'pages.replace' is an empty list (give {pattern: REGEX, with: TEXT} items)");
		return;
	}
	pg->replace = rc_alloc(cx, n->nkids * sizeof(*pg->replace));
	for (i = 0; i < n->nkids; i++) {
		char what[64];
		struct rreplace *rp;

		snprintf(what, sizeof(what), "pages.replace[%zu]", i);
		if (!rc_replacement(cx, n->kids[i], what, &rp))
			pg->replace[pg->nreplace++] = rp;
	}
}

/* The slug read as words, as Canvas titles a page made by PUT to a missing url and as the step
 * titles a created page without set.title: "welcome-spring-2026" -> "Welcome Spring 2026".
 * Malloced. */
char *recipe_pages_title_from_slug(const char *slug)
{
	char *t = xstrdup(slug), *c;
	int start = 1;

	for (c = t; *c; c++) {
		if (*c == '-' || *c == '_') {
			*c = ' ';
			start = 1;
		} else {
			if (start && *c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
			start = 0;
		}
	}
	return t;
}

/* create: true names the page's url, but Canvas makes the url from the title (WikiPage acts_as_url,
 * runner/pageurl.c): a where.url that is not what the title makes would be created elsewhere, and
 * every later plan would want to create it again (issue 15). `un` is the where.url node. */
static void check_create_url(struct rctx *cx, const struct ynode *un, const struct rpages *pg)
{
	const char *slug = pg->where->urls[0];
	char *title = pg->set.title ? xstrdup(pg->set.title) : recipe_pages_title_from_slug(slug);
	char *made = pageurl_from_title(title);
	const struct rpos *pos = un && un->type == YN_SEQ && un->nkids ? &un->kids[0]->pos : un ? &un->pos : &pg->pos;

	if (!made)
		rc_error(cx, pos, "'pages.create: true': coursectl cannot tell which url Canvas makes from the title "
			 "'%s' (it has characters beyond Latin letters, which Canvas transliterates); give the page a "
			 "Latin title here and rename it in a later step", title);
	else if (!*made)
		rc_error(cx, pos, "'pages.create: true': the title '%s' has no letter or digit, so Canvas refuses it",
			 title);
	else if (strcmp(made, slug))
		rc_error(cx, pos, "'pages.where.url' is '%s', but Canvas makes the url '%s' from the title '%s': "
			 "use url '%s' (or a title that makes '%s')", slug, made, title, made, slug);
	free(made);
	free(title);
}

static int parse(struct rctx *cx, struct step *st, const struct ynode *n)
{
	static const char *const keys[] = { "where", "replace", "set", "body_file", "create", NULL };
	static const char *const where_keys[] = { "url", "title", "id", "published", NULL };
	struct rpages *pg;
	const struct ynode *v, *rep, *body;
	int b;

	if (rc_map(cx, n, "'pages'", keys, NULL) && (!n || n->type != YN_MAP))
		return 0;
	pg = rc_alloc(cx, sizeof(*pg));
	memset(pg, 0, sizeof(*pg));
	pg->pos = n->pos;
	pg->set.published = -1;
	st->data = pg;
	rc_where(cx, rc_get(n, "where"), "'pages.where'", where_keys, NULL, &pg->where);
	st->where = pg->where;
	rep = rc_get(n, "replace");
	body = rc_get(n, "body_file");
	if (rep)
		check_replace(cx, rep, pg);
	if ((v = rc_get(n, "set")))
		check_set(cx, v, pg);
	if (body)
		check_body_file(cx, body, pg);
	if (rep && body)
		rc_error(cx, &key_node(n, "body_file")->pos, "'pages.body_file' is the whole body; it cannot be combined "
			 "with 'replace' (line %d): edit the file instead", key_node(n, "replace")->pos.line);
	if (!rep && !body && !rc_get(n, "set"))
		rc_error(cx, &n->pos, "'pages' needs one of 'replace', 'set' or 'body_file' (what to change)");
	if (pg->set.front_page && pg->where && pg->where->nurls > 1)
		rc_error(cx, &pg->set.pos, "'pages.set.front_page: true' needs a single page, but 'where.url' lists %zu",
			 pg->where->nurls);
	if ((v = rc_get(n, "create")) && !rc_bool(cx, v, "'pages.create'", &b) && b) {
		pg->create = 1;
		if (!pg->where || pg->where->nurls != 1)
			rc_error(cx, &v->pos, "'pages.create: true' needs 'where.url' with exactly one slug (the page to "
				 "create)");
		if (!rc_get(rc_get(n, "set"), "title") && !body)
			rc_error(cx, &v->pos, "'pages.create: true' needs 'set.title' or 'body_file' (what to create the "
				 "page with)");
		else if (pg->where && pg->where->nurls == 1)
			check_create_url(cx, rc_get(rc_get(n, "where"), "url"), pg);
	}
	return 0;
}

const struct recipe_action recipe_action_pages = {
	.name = "pages",
	.summary = "edit wiki pages: replace text in bodies, set title/published/front page, load a body from a file",
	.parse = parse,
	.plan = step_pages,
	.needs = step_pages_needs,
};

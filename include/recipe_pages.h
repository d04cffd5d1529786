/* include/recipe_pages.h -- the `pages` action's model (runner/recipe_pages.c).
 *
 *   pages:
 *     where: {url: syllabus | [a, b], title: REGEX, id: 12 | [..], published: bool}
 *     replace: [{pattern: REGEX, with: TEXT, flags?: imsx, literal?: bool}, ...]   on the body
 *     set:
 *       title: TEXT
 *       published: true | false
 *       front_page: true              make this page the front page (false is refused: set true
 *                                     on another page instead)
 *       editing_roles: teachers | "teachers,students" | members | public   (or a list of them)
 *       todo_date: DATE | null        null clears it (Canvas: student_todo_at)
 *       publish_at: DATE | null       null clears it
 *     body_file: path.html            the whole body from a file beside the recipe (UTF-8,
 *                                     <= 8 MiB); a .md file is rendered to HTML (see below)
 *     create: true | false            create the page when where.url names one missing slug
 * At least one of replace, set, body_file; body_file and replace exclude each other.
 */
#ifndef COURSECTL_RECIPE_PAGES_H
#define COURSECTL_RECIPE_PAGES_H

#include <stddef.h>

#include "recipe.h"
#include "recipe_replace.h"
#include "recipe_where.h"

#define RPAGES_BODY_MAX (8u << 20)        /* body_file size limit, bytes */

/* editing_roles: a set of these bits; Canvas takes them as a comma list in this order. */
enum {
	RPAGE_ROLE_TEACHERS = 1 << 0,
	RPAGE_ROLE_STUDENTS = 1 << 1,
	RPAGE_ROLE_MEMBERS  = 1 << 2,
	RPAGE_ROLE_PUBLIC   = 1 << 3,
};

/* A `DATE | null` key: absent, a date, or null (clear the field). */
enum rpage_date_op { RPAGE_DATE_UNSET = 0, RPAGE_DATE_SET, RPAGE_DATE_CLEAR };

struct rpage_date {
	enum rpage_date_op op;
	struct rdate date;                /* when op == RPAGE_DATE_SET */
	struct rpos pos;
};

struct rpages_set {
	char *title;                      /* NULL: unchanged */
	int published;                    /* -1: unchanged, else 0/1 */
	int front_page;                   /* 1: make it the front page; 0: unchanged */
	unsigned editing_roles;           /* RPAGE_ROLE_* bits; 0: unchanged */
	char *editing_roles_str;          /* the same as Canvas's value ("teachers,students"), or NULL */
	struct rpage_date todo_date;
	struct rpage_date publish_at;
	struct rpos pos;
};

struct rpages {
	struct rwhere *where;             /* NULL: every page */
	struct rreplace **replace;        /* on the body, applied in order */
	size_t nreplace;
	int has_set;
	struct rpages_set set;
	/* body_file: the whole body. Read at check time, so a plan is made from the bytes that were
	 * validated. A leading UTF-8 byte order mark is dropped. A .md (.markdown) file is rendered
	 * to HTML at check time too (include/markdown.h), and `markdown` is set: body is then the
	 * HTML, not the file's bytes. */
	char *body_file;                  /* the path as written (after variable expansion), or NULL */
	char *body;                       /* the HTML to send, NUL-terminated, valid UTF-8 */
	size_t body_len;
	int markdown;                     /* body was rendered from Markdown */
	struct rpos body_pos;
	int create;                       /* create: true (then where->urls[0] is the slug) */
	struct rpos pos;
};

/* The slug read as words, the title of a page created without set.title:
 * "welcome-spring-2026" -> "Welcome Spring 2026". Malloced (free). */
char *recipe_pages_title_from_slug(const char *slug);

#endif

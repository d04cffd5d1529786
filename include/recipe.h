/* include/recipe.h -- recipes: YAML -> a typed, checked recipe; every node keeps file:line:col.
 *
 * Calling sequence
 *   struct recipe_opts o = { .vars = ..., .nvars = ... };       --var name=value pairs
 *   recipe_load(&r, path, &o, &diags)        parse + check everything; every error found is
 *                                            appended to `diags` (not only the first)
 *   if (diags.nerrors) { diag_print(&diags, stderr); ... }    r is NULL then
 *   ... r->steps[i].action->name, r->steps[i].data (the action's own model) ...
 *   recipe_free(r); diag_release(&diags);
 *
 * The language (docs/recipes.md is the reference):
 *   version: 1                      required, the only version
 *   description: text               optional
 *   canvas: {url: URL}              optional; --url and CANVAS_BASE_URL win
 *   courses: [ID | "sis_course_id:X" | QUERY | {from_file: FILE}, ...] | QUERY | {from_file: FILE}
 *                                   QUERY: {account: ID, term: ID | "sis_term_id:X",
 *                                           where?: {course_code?: RE, name?: RE, published?: BOOL}}
 *   vars: {name: scalar, ...}       ${name}; ${env.NAME}; --var name=value wins
 *   steps: [ {name?: text, <action>: {...}}, ... ]
 *
 * Actions are one table (recipe.c, `actions[]`): adding one is a file runner/recipe_<name>.c with a
 * `const struct recipe_action recipe_action_<name>` -- its parser and its step (runner/
 * step_<name>.c) -- and a row in the table (CONTRIBUTING.md walks through it). An action's parse
 * function checks every key, type and range of its mapping with the rc_*() helpers below, reports
 * problems with rc_error() at the node's position, and stores its model in step->data.
 *
 * Ownership: everything a recipe holds is owned by it and freed by recipe_free(); strings that
 * rc_*() return are owned by the recipe's arena (freed with it), so action parsers never free them.
 */
#ifndef COURSECTL_RECIPE_H
#define COURSECTL_RECIPE_H

#include <stddef.h>
#include <stdio.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

struct err;

/* ---------------------------------------------------------------- limits (hostile input) */

#define RECIPE_MAX_BYTES     (1024 * 1024)  /* a recipe file */
#define RECIPE_MAX_DEPTH     64             /* nesting of mappings and sequences */
#define RECIPE_MAX_NODES     100000         /* nodes after alias expansion (billion laughs) */
#define RECIPE_MAX_SCALAR    (256 * 1024)   /* one string */
#define RECIPE_MAX_ERRORS    100            /* stop collecting after this many */

/* ---------------------------------------------------------------- positions and diagnostics */

struct rpos {
	const char *file;   /* borrowed from the recipe (or a courses file) */
	int line, col;      /* 1-based */
};

struct diag {
	struct rpos pos;    /* pos.file points at `file` */
	char *file;         /* malloced copy: diagnostics outlive the recipe */
	char *msg;          /* malloced */
};

struct diags {
	struct diag *v;
	size_t n, alloc;
	int nerrors;
	int truncated;      /* more than RECIPE_MAX_ERRORS */
};

#define DIAGS_INIT { NULL, 0, 0, 0, 0 }

void diag_add(struct diags *d, const struct rpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print "FILE:LINE:COL: error: MESSAGE" lines, in file order. */
void diag_print(const struct diags *d, FILE *fp);
void diag_release(struct diags *d);

/* ---------------------------------------------------------------- the YAML node tree */

enum ynode_type { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
	enum ynode_type type;
	struct rpos pos;
	char *str;          /* YN_SCALAR: the value, NUL-terminated (may hold NUL bytes: see len) */
	size_t len;
	int plain;          /* YN_SCALAR: unquoted (so `true`, `null` and numbers are typed) */
	struct ynode **kids;/* YN_SEQ: items; YN_MAP: key, value, key, value, ... */
	size_t nkids;
};

/* ---------------------------------------------------------------- the model */

struct recipe;
struct step;
struct rctx;
struct rwhere;
struct step_ctx;
struct err;

/* One action, whole: how a step of it is checked (recipe_<name>.c) and how it is planned
 * (step_<name>.c). The recipe module only carries `plan` and `needs`; plan_build.c calls them. */
struct recipe_action {
	const char *name;                         /* the step key: "shift_dates" */
	const char *summary;                      /* one line, for validate -v and docs */
	/* Check `n` (the action's value) and set st->data, and st->where when the action has a where:.
	 * Errors through rc_error(); return 0. */
	int (*parse)(struct rctx *cx, struct step *st, const struct ynode *n);
	void (*free)(void *data);                 /* frees st->data; NULL if nothing to free */
	/* The step over one course's working copy (include/step.h); model is st->data. NULL: checked by
	 * `validate` but not planned yet (plan_needs refuses it). */
	int (*plan)(struct step_ctx *cx, const void *model, struct err *err);
	/* The kinds the step reads, as 1u << RES_* bits: only those lists are fetched. */
	unsigned (*needs)(const void *model);
};

struct step {
	char *name;                               /* given, or "<action> #<index>" */
	const struct recipe_action *action;
	struct rpos pos;
	void *data;                               /* the action's model (see include/recipe_<action>.h) */
	const struct rwhere *where;               /* the step's where: (in data), or NULL */
};

struct course_ref {
	char *id;                                 /* "1234" or "sis_course_id:X" */
	struct rpos pos;
};

/* `courses: {account: ..., term: ..., where: ...}`: the account's courses in a term, listed when the
 * recipe is planned (runner/courses.c), filtered by `where` on the client. */
struct course_query {
	char *account;                            /* "112" or "sis_account_id:X" */
	char *term;                               /* "87" or "sis_term_id:X" */
	struct rregex *course_code, *name;        /* NULL: any */
	int published;                            /* -1 any, 0 unpublished only, 1 published only */
	struct rpos pos;
};

struct recipe {
	char *path;
	char *sha256;                             /* hex digest of the file's bytes */
	int version;
	char *description;                        /* NULL when absent */
	char *canvas_url;                         /* NULL when absent */
	struct rpos canvas_url_pos;
	struct course_ref *courses;               /* the courses named one by one (list, from_file) */
	size_t ncourses;
	struct course_query *queries;             /* the account/term listings; in the arena */
	size_t nqueries;
	struct step *steps;
	size_t nsteps;
	struct ynode *root;
	struct recipe_file *files;                /* every file read, newest first; in the arena */
	void *arena;                              /* recipe-private allocations */
	void *courses_arena;                      /* while loading: the nodes of `courses:` (recipe.c) */
};

struct recipe_var {
	const char *name, *value;                 /* --var name=value, borrowed */
};

struct recipe_opts {
	const struct recipe_var *vars;
	size_t nvars;
	const char *const *allow_outside;         /* --allow-outside DIR: more folders body_file: and */
	size_t nallow_outside;                    /* from_file: may read from (runner/paths_confine.c) */
};

/* A file the recipe read (body_file:, from_file:), kept so that once the token is known the run can
 * refuse a recipe that would carry it (recipe_check_secret). In the arena. */
struct recipe_file {
	const char *path;                         /* the resolved path */
	const char *what;                         /* "'pages.body_file'" */
	const char *buf;
	size_t len;
	struct rpos pos;                          /* where the recipe names it */
	struct recipe_file *next;
};

/* ERR_RECIPE, naming the file and the recipe's line, when a file the recipe read holds `secret`
 * (the token); the message never contains the secret. 0 otherwise, or when secret is NULL or "". */
int recipe_check_secret(const struct recipe *r, const char *secret, struct err *err);

/* Load and check `path`. On success *out is the recipe and d->nerrors == 0; on any error *out is
 * NULL and every problem found is in `d`. Returns 0 or -1. */
int recipe_load(struct recipe **out, const char *path, const struct recipe_opts *o, struct diags *d);
/* The same on a buffer (tests, the fuzzer); `name` is used in positions. */
int recipe_load_mem(struct recipe **out, const char *name, const char *buf, size_t len,
		    const struct recipe_opts *o, struct diags *d);
void recipe_free(struct recipe *r);
/* Forget the courses the recipe names one by one (r->courses; r->ncourses becomes 0) once a run has
 * resolved them (courses_resolve copies what it keeps): a recipe of N courses otherwise held N ids
 * to the end of the run (issue 18, flat memory). */
void recipe_drop_courses(struct recipe *r);

/* "NAME=VALUE" (a --var option) into v, pointing into arg; *name_out is malloced. 0 or -1. */
int recipe_parse_var_option(const char *arg, struct recipe_var *v, char **name_out);

/* The action table. */
const struct recipe_action *recipe_action_find(const char *name);
const struct recipe_action *const *recipe_actions(size_t *n);

/* ---------------------------------------------------------------- checking helpers (recipe_check.c)
 * All take the context of the recipe being checked. Each returns 0 on success; on a problem it
 * reports it at the node's position and returns -1, so a parser can go on checking the rest. */

struct rctx {
	struct recipe *r;
	struct diags *d;
	const struct recipe_opts *o;
	const struct ynode *vars;                 /* the vars: mapping, or NULL */
	const char *dir;                          /* the recipe's directory, for relative files */
};

void rc_error(struct rctx *cx, const struct rpos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Memory that lives as long as the recipe. */
void *rc_alloc(struct rctx *cx, size_t n);
char *rc_strdup(struct rctx *cx, const char *s);

/* The value of `key` in mapping `map`, or NULL. */
const struct ynode *rc_get(const struct ynode *map, const char *key);
/* `n` must be a mapping (else an error naming `what`) whose keys are all in `allowed`
 * (NULL-terminated); an unknown key is an error with a "did you mean" when one is close; a key
 * listed in `required` (NULL-terminated, may be NULL) that is missing is an error at the map. */
int rc_map(struct rctx *cx, const struct ynode *n, const char *what, const char *const *allowed,
	   const char *const *required);
int rc_seq(struct rctx *cx, const struct ynode *n, const char *what);

/* Scalars. Strings have variables expanded. */
int rc_string(struct rctx *cx, const struct ynode *n, const char *what, char **out);
int rc_bool(struct rctx *cx, const struct ynode *n, const char *what, int *out);
int rc_int(struct rctx *cx, const struct ynode *n, const char *what, long lo, long hi, long *out);
/* One of `choices` (NULL-terminated); *out is its index. */
int rc_enum(struct rctx *cx, const struct ynode *n, const char *what, const char *const *choices, int *out);

/* A calendar date "YYYY-MM-DD", or an ISO 8601 date-time (then has_time and the offset are set). */
struct rdate {
	int y, m, d;
	int has_time;
	int hh, mm, ss;
	int has_offset;      /* Z or +-HH:MM given */
	int offset_min;      /* minutes east of UTC */
	struct rpos pos;
};
int rc_date(struct rctx *cx, const struct ynode *n, const char *what, struct rdate *out);
/* rc_date, and a date-time is an error at n ("WHAT must be a calendar date"). 0 or -1. */
int rc_calendar_date(struct rctx *cx, const struct ynode *n, const char *what, struct rdate *out);
/* An IANA time zone name that exists in the system zone database. */
int rc_zone(struct rctx *cx, const struct ynode *n, const char *what, char **out);
/* "mon".."sun" -> 1..7 (ISO weekday). */
int rc_weekday(struct rctx *cx, const struct ynode *n, const char *what, int *out);

/* A compiled PCRE2 pattern (JIT when available), freed with the recipe. `flags` is a string of
 * i m s x (or NULL); literal compiles the text as a literal. Errors carry PCRE2's message and
 * point at the offending character. */
struct rregex {
	char *src;
	pcre2_code *code;
	int literal;
	struct rpos pos;
};
int rc_regex(struct rctx *cx, const struct ynode *n, const char *what, const char *flags, int literal,
	     struct rregex **out);

/* Read a file named relative to the recipe's directory (body_file:, from_file:); malloced in the
 * arena; *len set. Refuses files over `max` bytes. */
int rc_read_file(struct rctx *cx, const struct ynode *n, const char *what, size_t max, char **out, size_t *len);

/* The closest of `choices` to `s` (edit distance <= 2, or a prefix), or NULL. */
const char *rc_suggest(const char *s, const char *const *choices);

#endif

/* runner/recipe_vars.c -- ${name}, ${env.NAME} and $${ in recipe strings.
 *
 * Sources, strongest first: --var name=value, the recipe's vars: mapping, the environment (only
 * through ${env.NAME}, and only for a NAME the recipe lists in `vars: {env: [NAME, ...]}`).
 * ${env.CANVAS_API_TOKEN} is refused, listed or not: a recipe is reviewed and committed, and a
 * token interpolated into it would end up in plans and logs. The allow-list exists because the
 * environment of a CI job holds more secrets than the token (GITHUB_TOKEN, cloud keys, a
 * password manager's session): a recipe from a pull request must not be able to print any of
 * them into a plan comment; the list makes what a recipe reads from the environment visible in
 * review. `env` was already a reserved name under vars:, so no recipe loses a variable.
 * Rejected: a deny-list of secret-looking names (endless, and a miss leaks), a command-line
 * allow-list (the reviewer of the recipe would not see it). Variable values are used as
 * they are (not expanded again), so a value cannot loop. "$${" is a literal "${".
 *
 * Layering: this file sits under the checking helpers (recipe_check.c), which call it from
 * recipe_expand() for every scalar they read; it calls none of them back: the vars: mapping is
 * read through the lookup the caller hands in (rc_get), and each problem goes, with its byte offset
 * in the string, to the caller's report function, which places it (the column of the "${" when the
 * scalar is plain and on one line, else the scalar's start) and records it. Rejected: calling
 * rc_error and rc_get from here, which made recipe_check.c and this file each other's callers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "recipe.h"
#include "recipe_internal.h"

#define TOKEN_VARIABLE "CANVAS_API_TOKEN"

static const char *lookup(const struct recipe_vars *rv, const char *name, const struct ynode **vnode)
{
	const struct recipe_opts *o = rv->o;
	size_t i;
	const struct ynode *v;

	*vnode = NULL;
	for (i = o ? o->nvars : 0; i > 0; i--)   /* the last --var of a name wins */
		if (!strcmp(o->vars[i - 1].name, name))
			return o->vars[i - 1].value;
	v = rv->get(rv->vars, name);
	if (v) {
		*vnode = v;
		return v->type == YN_SCALAR ? v->str : NULL;
	}
	return NULL;
}

/* 1 when vars: env: lists `name` (the allow-list of ${env.NAME}; recipe_check.c checks its form). */
static int env_allowed(const struct recipe_vars *rv, const char *name)
{
	const struct ynode *l = rv->vars ? rv->get(rv->vars, "env") : NULL;
	size_t i;

	for (i = 0; l && l->type == YN_SEQ && i < l->nkids; i++)
		if (l->kids[i]->type == YN_SCALAR && !strcmp(l->kids[i]->str, name))
			return 1;
	return 0;
}

static void problem(const struct recipe_vars *rv, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(const struct recipe_vars *rv, size_t off, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rv->report(rv->ud, off, msg);
}

int recipe_vars_expand(const struct recipe_vars *rv, const char *s, struct buf *out)
{
	const char *p;
	int bad = 0;

	for (p = s; *p;) {
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			buf_puts(out, "${");
			p += 3;
		} else if (p[0] == '$' && p[1] == '{') {
			const char *e = strchr(p + 2, '}');
			char name[128];
			const char *val;
			const struct ynode *vn;
			size_t off = (size_t)(p - s);

			if (!e || e == p + 2 || (size_t)(e - p - 2) >= sizeof(name)) {
				problem(rv, off, "unterminated or empty variable reference (write $${ for a literal ${)");
				bad = 1;
				break;
			}
			memcpy(name, p + 2, (size_t)(e - p - 2));
			name[e - p - 2] = '\0';
			if (!strncmp(name, "env.", 4)) {
				if (!strcmp(name + 4, TOKEN_VARIABLE)) {
					problem(rv, off, "${env.%s} is refused: a recipe must never carry the Canvas token",
						TOKEN_VARIABLE);
					bad = 1;
				} else if (!env_allowed(rv, name + 4)) {
					problem(rv, off, "${env.%s} is not allowed: a recipe reads only the environment "
						"variables it lists under vars: (env: [%s])", name + 4, name + 4);
					bad = 1;
				} else if (!(val = getenv(name + 4))) {
					problem(rv, off, "environment variable '%s' is not set", name + 4);
					bad = 1;
				} else {
					buf_puts(out, val);
				}
			} else if ((val = lookup(rv, name, &vn))) {
				buf_puts(out, val);
			} else if (vn) {
				problem(rv, off, "variable '%s' is not a single value (defined at line %d)", name,
					vn->pos.line);
				bad = 1;
			} else {
				problem(rv, off, "undefined variable '%s' (define it under vars: or pass --var %s=VALUE)",
					name, name);
				bad = 1;
			}
			p = e + 1;
		} else {
			buf_putc(out, *p++);
		}
	}
	return bad ? -1 : 0;
}

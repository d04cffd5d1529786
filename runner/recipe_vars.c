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
 * they are (not expanded again), so a value cannot loop. "$${" is a literal "${". An undefined
 * variable is an error at its place: the column of the "${" when the scalar is plain and on one
 * line, else the scalar's start.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "recipe.h"
#include "recipe_internal.h"

#define TOKEN_VARIABLE "CANVAS_API_TOKEN"

static const char *lookup(struct rctx *cx, const char *name, const struct ynode **vnode)
{
	size_t i;
	const struct ynode *v;

	*vnode = NULL;
	for (i = cx->o ? cx->o->nvars : 0; i > 0; i--)   /* the last --var of a name wins */
		if (!strcmp(cx->o->vars[i - 1].name, name))
			return cx->o->vars[i - 1].value;
	v = rc_get(cx->vars, name);
	if (v) {
		*vnode = v;
		return v->type == YN_SCALAR ? v->str : NULL;
	}
	return NULL;
}

/* 1 when vars: env: lists `name`. */
static int env_allowed(struct rctx *cx, const char *name)
{
	const struct ynode *l = cx->vars ? rc_get(cx->vars, "env") : NULL;
	size_t i;

	for (i = 0; l && l->type == YN_SEQ && i < l->nkids; i++)
		if (l->kids[i]->type == YN_SCALAR && !strcmp(l->kids[i]->str, name))
			return 1;
	return 0;
}

void recipe_vars_env_check(struct rctx *cx, const struct ynode *list)
{
	size_t i;

	if (list->type != YN_SEQ) {
		rc_error(cx, &list->pos, "'vars.env' is the list of environment variables ${env.NAME} may read, "
			 "such as [HOME, TERM_CODE]; 'env' cannot be a variable");
		return;
	}
	for (i = 0; i < list->nkids; i++) {
		const struct ynode *k = list->kids[i];
		const char *p;
		int ok = k->type == YN_SCALAR && (isalpha((unsigned char)k->str[0]) || k->str[0] == '_');

		for (p = ok ? k->str : ""; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_')
				ok = 0;
		if (!ok)
			rc_error(cx, &k->pos, "'vars.env' lists environment variable names (letters, digits and _), "
				 "not '%s'", k->type == YN_SCALAR ? k->str : "a list or mapping");
		else if (!strcmp(k->str, TOKEN_VARIABLE))
			rc_error(cx, &k->pos, "'vars.env' cannot list %s: a recipe must never carry the Canvas token",
				 TOKEN_VARIABLE);
	}
}

static struct rpos at(const struct ynode *n, size_t off)
{
	struct rpos p = n->pos;

	if (n->plain && !strchr(n->str, '\n'))
		p.col += (int)off;
	return p;
}

char *recipe_expand(struct rctx *cx, const struct ynode *n)
{
	struct buf b = BUF_INIT;
	const char *s = n->str, *p;
	char *out;
	int bad = 0;

	if (!strchr(s, '$'))
		return n->str;
	for (p = s; *p;) {
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			buf_puts(&b, "${");
			p += 3;
		} else if (p[0] == '$' && p[1] == '{') {
			const char *e = strchr(p + 2, '}');
			char name[128];
			const char *val;
			const struct ynode *vn;
			struct rpos pos = at(n, (size_t)(p - s));

			if (!e || e == p + 2 || (size_t)(e - p - 2) >= sizeof(name)) {
				rc_error(cx, &pos, "unterminated or empty variable reference (write $${ for a literal ${)");
				bad = 1;
				break;
			}
			memcpy(name, p + 2, (size_t)(e - p - 2));
			name[e - p - 2] = '\0';
			if (!strncmp(name, "env.", 4)) {
				if (!strcmp(name + 4, TOKEN_VARIABLE)) {
					rc_error(cx, &pos, "${env.%s} is refused: a recipe must never carry the Canvas token",
						 TOKEN_VARIABLE);
					bad = 1;
				} else if (!env_allowed(cx, name + 4)) {
					rc_error(cx, &pos, "${env.%s} is not allowed: a recipe reads only the environment "
						 "variables it lists under vars: (env: [%s])", name + 4, name + 4);
					bad = 1;
				} else if (!(val = getenv(name + 4))) {
					rc_error(cx, &pos, "environment variable '%s' is not set", name + 4);
					bad = 1;
				} else {
					buf_puts(&b, val);
				}
			} else if ((val = lookup(cx, name, &vn))) {
				buf_puts(&b, val);
			} else if (vn) {
				rc_error(cx, &pos, "variable '%s' is not a single value (defined at line %d)", name,
					 vn->pos.line);
				bad = 1;
			} else {
				rc_error(cx, &pos, "undefined variable '%s' (define it under vars: or pass --var %s=VALUE)",
					 name, name);
				bad = 1;
			}
			p = e + 1;
		} else {
			buf_putc(&b, *p++);
		}
	}
	if (bad) {
		buf_release(&b);
		return NULL;
	}
	out = rc_strdup(cx, buf_str(&b));
	buf_release(&b);
	return out;
}

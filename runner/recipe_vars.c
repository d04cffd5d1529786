/* runner/recipe_vars.c -- ${name}, ${env.NAME} and $${ in recipe strings.
 *
 * Sources, strongest first: --var name=value, the recipe's vars: mapping, the environment (only
 * through ${env.NAME}). ${env.CANVAS_API_TOKEN} is refused: a recipe is reviewed and committed,
 * and a token interpolated into it would end up in plans and logs. Variable values are used as
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

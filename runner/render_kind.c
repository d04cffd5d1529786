/* runner/render_kind.c -- all a renderer asks about a Canvas kind (runner/render_internal.h): its
 * name for people, its plan-file name, its parent's name and field, whether a field is a date or
 * HTML, and what a change that "shows as" another kind is called.
 *
 * Why one file: the renderers (render_text.c, render_html.c, render_markdown.c,
 * render_conflicts.c) name no kind (issue 14): what they need to know about one they ask here, so
 * a new kind shows up in every format without a renderer changing. Everything comes from the kind's
 * row of the resource table (include/resource.h): its names, date and HTML fields, its parent
 * (parent_kind, parent_field, alt_parent) and the label of a kind other changes show as
 * (shown_label); these accessors only add the rule below.
 *
 * Rules: a kind out of range (a damaged plan file) is an "object" with no parent and no date or
 * HTML fields, never an out-of-bounds read.
 */
#include <string.h>

#include "render_internal.h"
#include "resource.h"

int render_kind_known(int kind)
{
	return kind >= 0 && kind < RES_NKINDS;
}

const char *render_kind_name(enum resource_kind kind)
{
	return render_kind_known((int)kind) ? resource_get(kind)->name : "object";
}

const char *render_kind_class(enum resource_kind kind)
{
	return render_kind_known((int)kind) ? plan_kind_name(kind) : "object";
}

const char *render_parent_kind(enum resource_kind kind)
{
	const struct resource *r = render_kind_known((int)kind) ? resource_get(kind) : NULL;

	return r && render_kind_known((int)r->parent_kind) ? resource_get(r->parent_kind)->name : NULL;
}

const char *render_parent(enum resource_kind kind, const char **parent)
{
	const struct resource *h;

	if (!render_kind_known((int)kind) || !*parent)
		return render_parent_kind(kind);
	h = resource_parent_row(kind, *parent, parent);
	if (h && h->kind != resource_get(kind)->parent_kind)
		return h->name;   /* its alt_parent's holder: the page */
	return render_parent_kind(kind);
}

const char *render_parent_field(enum resource_kind kind)
{
	return render_kind_known((int)kind) ? resource_get(kind)->parent_field : NULL;
}

static int in_list(const char *const *list, const char *field)
{
	if (!list || !field)
		return 0;
	for (; *list; list++)
		if (!strcmp(*list, field))
			return 1;
	return 0;
}

int render_is_date_field(enum resource_kind kind, const char *field)
{
	return render_kind_known((int)kind) && in_list(resource_get(kind)->date_fields, field);
}

int render_is_html_field(enum resource_kind kind, const char *field)
{
	return render_kind_known((int)kind) && in_list(resource_get(kind)->html_fields, field);
}

enum resource_kind render_shown_kind(const struct plan_change *c)
{
	int k = c->shows_as ? plan_kind_from_name(c->shows_as) : -1;

	return render_kind_known(k) && resource_get((enum resource_kind)k)->shown_label ? (enum resource_kind)k : c->kind;
}

const char *render_shown_label(const struct plan_change *c)
{
	enum resource_kind k = render_shown_kind(c);

	return k != c->kind ? resource_get(k)->shown_label : NULL;
}

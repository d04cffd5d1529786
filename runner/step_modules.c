/* runner/step_modules.c -- the `modules` action: module fields, names and items, and the desired
 * state of ensure:/absent:, planned on one course's working copy (include/recipe_modules.h is the
 * model, docs/recipes.md "## `modules`" the semantics, API.md 6 the Canvas facts).
 *
 * Order inside one step (each phase sees the result of the one before):
 *   1. absent:     delete the named modules (every module of that name; a name that is not there is
 *                  already absent: nothing to do, no skip);
 *   2. where:      select modules (name regex, ids, position, published), once, on what is left;
 *   3. set:        position, then name / rename:, then published, unlock_at,
 *                  require_sequential_progress, then prerequisites (names are looked up after the
 *                  renames, so they mean the modules as this step leaves them);
 *   4. items:      the matching items of the selected modules;
 *   5. ensure:     modules (found by exact name in the working copy, so a module renamed or created
 *                  by an earlier step is found by its new name; created when missing), their order,
 *                  their published flag, and with items: exactly those items in that order.
 *
 * Canvas rules the plan reproduces, so the preview shows what Canvas will do (each recorded as a
 * change with a note, so apply makes it explicit and rollback can undo it):
 *   - positions are 1-based and dense for modules and for a module's items (acts_as_list): moving,
 *     creating or deleting one shifts the others. The working copy keeps each array in position
 *     order and every object whose position actually changes gets a change, so the plan is
 *     absolute. A position past the end is placed last (Canvas answers 400 to an invalid one).
 *     An item moved to another module always has a position change, even when its number stays the
 *     same (2 in the old module, 2 in the new): Canvas puts an item moved with module_id alone last
 *     (context_module_items_api_controller.rb `update`: remove_from_list, save in the new module,
 *     insert_at only for module_item[position]), so the place is part of the move (step_move_item).
 *   - (un)publishing a module: the recipe chooses (issue 15, CURRENT.md 3). `cascade: module
 *     only`, the default, changes the module alone, and apply sends skip_content_tags so Canvas
 *     leaves the items be. `cascade: with items` plans what ContextModulesApiController#update
 *     does without it (publish_items! / unpublish_items!, ContentTag#trigger_publish! /
 *     #trigger_unpublish!, aaronshaf/canvas-lms app/models/content_tag.rb): every item is
 *     (un)published and its content follows, each a change of its own that apply writes (still
 *     with skip_content_tags on the module, so every write is journaled before it leaves) and
 *     rollback undoes. Publishing leaves a page item whose page has a publish_at unpublished
 *     (scheduled page publication, CURRENT.md 15: a skip with the date); unpublishing leaves an
 *     item whose content cannot be unpublished published (a skip with the reason).
 *   - an item's published flag carries over to its content (6.2; update_asset_workflow_state!): a
 *     published item publishes an unpublished assignment/quiz/discussion/page (and a quiz's or
 *     graded discussion's assignment), an unpublished one unpublishes it, and then every other
 *     item of the same content follows (ContentTag.update_for). Unpublishing an item whose content
 *     cannot be unpublished (an assignment with submissions, the front page) is answered 403
 *     "item can't be unpublished" (ContextModuleItemsApiController#update): a skip with the reason,
 *     so the rest of the plan applies.
 *   - an item's new title renames its assignment/quiz/discussion/page (update_asset_name!), and
 *     the other items of that content follow; a page's url follows its new title in Canvas, which
 *     this step does not predict (noted on the change). File and external tool items rename alone.
 *     When the content's kind is not in the working copy, the item change's note says what else
 *     Canvas will change. step_modules_needs() asks for those kinds whenever the step can publish
 *     or retitle items, so normally the content changes are planned.
 *   - prerequisites must come before the module (ContextModule#validate_prerequisites drops the
 *     others on save): one that does not is a skip, not a value Canvas would silently not keep;
 *     when a module moves, prerequisites that no longer come before it are dropped with a note.
 *     Deleting a module drops it from every module's prerequisites.
 *   - completion `must_submit` / `min_score` are kept by Canvas only on graded items (assignments,
 *     quizzes, discussions with an assignment; ContextModule#validate_completion_requirements):
 *     elsewhere they are a skip; a text header gets none (it cannot be completed).
 *   - new modules are unpublished: a created module records `published` only when ensure says true.
 *
 * Decisions where the documentation is silent:
 *   - set.position on several modules moves them as one block, in their current order, starting at
 *     that position (moving them one by one would reverse them, which nobody means).
 *   - prerequisites: a name that matches no module skips the whole prerequisites change in that
 *     course (a partial list would remove the prerequisite the misspelt name meant). The value is
 *     written in module order; the same set in another order is no change. Among several modules
 *     with one name, the first in module order is meant (absent: deletes them all).
 *   - ensure items: an item already in the module is kept; else an item of the same content in
 *     another module is moved here (keeping its completion requirement), else one is created
 *     (published when its module or its content is: Canvas creates it in its content's state,
 *     ContextModule#add_item). Items of the module the list does not name are
 *     deleted, except file and external tool items (the list cannot name them) and except when a
 *     reference of the list does not resolve: then nothing is deleted from that module, since a
 *     misspelt name would otherwise delete the very item it meant. Kept items follow the listed ones.
 *   - ensure order: entries in list order; an entry with `position` goes there, one without goes
 *     right after the previous entry; the first entry without a position keeps its place (or goes
 *     last when created). List order wins over a position that contradicts it.
 *   - Blueprint: Canvas does lock a module's state and settings in a child course (ContextModule's
 *     restrict_columns), but module_json emits no lock keys, so the plan cannot know; such a change
 *     fails at apply. Locked content (an item's title renaming a locked assignment) is refused by
 *     step_set (a skip), and then the content's other items are left alone too, since Canvas's save
 *     of the content fails.
 * Rejected: looking objects up by scanning the arrays (quadratic on 2,000 modules); names, ids and
 * link keys go through hash indexes built once per phase, and a reorder is one O(n) rebuild.
 */
#include "step.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intmap.h"
#include "jsonid.h"
#include "recipe_modules.h"
#include "strmap.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- a string index (multimap) */

/* Open addressing over an append-only entry array: entries of one key are found along the probe
 * sequence in insertion order, removed entries keep their slot with obj NULL. */
struct ient {
	char *key;            /* malloced */
	uint64_t h;
	cJSON *obj;           /* borrowed from the working copy; NULL once removed */
	cJSON *parent;        /* items: the module holding the item */
};

struct index {
	struct ient *e;
	size_t n, alloc;
	size_t *slot;         /* 1 + entry number; 0 is an empty slot */
	size_t cap;           /* a power of two */
	int built;
};

struct ix_iter {
	struct index *ix;
	const char *key;
	uint64_t h;
	size_t pos;
};

static void ix_put_slot(struct index *ix, size_t en)
{
	size_t j = ix->e[en].h & (ix->cap - 1);

	while (ix->slot[j])
		j = (j + 1) & (ix->cap - 1);
	ix->slot[j] = en + 1;
}

/* Add (key, obj); takes ownership of key (malloced). */
static void ix_add_take(struct index *ix, char *key, cJSON *obj, cJSON *parent)
{
	size_t i;

	if ((ix->n + 1) * 2 > ix->cap) {
		free(ix->slot);
		ix->cap = ix->cap ? ix->cap * 2 : 64;
		ix->slot = xcalloc(ix->cap, sizeof(*ix->slot));
		for (i = 0; i < ix->n; i++)   /* in entry order, so one key's entries keep their order */
			ix_put_slot(ix, i);
	}
	if (ix->n == ix->alloc) {
		ix->alloc = ix->alloc ? ix->alloc * 2 : 64;
		ix->e = xrealloc(ix->e, ix->alloc * sizeof(*ix->e));
	}
	ix->e[ix->n].key = key;
	ix->e[ix->n].h = strmap_hash(key);
	ix->e[ix->n].obj = obj;
	ix->e[ix->n].parent = parent;
	ix_put_slot(ix, ix->n);
	ix->n++;
}

static void ix_add(struct index *ix, const char *key, cJSON *obj, cJSON *parent)
{
	ix_add_take(ix, xstrdup(key), obj, parent);
}

static void ix_release(struct index *ix)
{
	size_t i;

	for (i = 0; i < ix->n; i++)
		free(ix->e[i].key);
	free(ix->e);
	free(ix->slot);
	memset(ix, 0, sizeof(*ix));
}

/* The next live entry of `key`, or NULL. The pointer is valid until the next ix_add. */
static struct ient *ix_next(struct ix_iter *it)
{
	struct index *ix = it->ix;
	size_t s;

	if (!ix->cap)
		return NULL;
	while ((s = ix->slot[it->pos])) {
		struct ient *e = &ix->e[s - 1];

		it->pos = (it->pos + 1) & (ix->cap - 1);
		if (e->h == it->h && e->obj && !strcmp(e->key, it->key))
			return e;
	}
	return NULL;
}

static struct ient *ix_first(struct index *ix, const char *key, struct ix_iter *it)
{
	it->ix = ix;
	it->key = key;
	it->h = strmap_hash(key);
	it->pos = ix->cap ? it->h & (ix->cap - 1) : 0;
	return ix_next(it);
}

static struct ient *ix_entry_of(struct index *ix, const char *key, const cJSON *obj)
{
	struct ix_iter it;
	struct ient *e;

	for (e = ix_first(ix, key, &it); e; e = ix_next(&it))
		if (e->obj == obj)
			return e;
	return NULL;
}

/* ---------------------------------------------------------------- a pointer set and list */

/* A set of pointers: an integer map on their addresses (include/intmap.h). */
struct pset {
	struct intmap m;
};

static int pset_has(const struct pset *s, const void *p)
{
	return s && intmap_get(&s->m, (uint64_t)(uintptr_t)p) != NULL;
}

static void pset_add(struct pset *s, const void *p)
{
	intmap_put(&s->m, (uint64_t)(uintptr_t)p, (void *)1);
}

static void pset_release(struct pset *s)
{
	intmap_release(&s->m, NULL);
}

struct plist {
	cJSON **v;
	size_t n, alloc;
};

static void plist_add(struct plist *l, cJSON *o)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = o;
}

static void plist_release(struct plist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---------------------------------------------------------------- the step's state */

/* Content a module item can link to, and how (API.md 6.2: page items carry page_url, the others
 * content_id). */
enum ckind { CK_ASSIGNMENT, CK_QUIZ, CK_DISCUSSION, CK_PAGE, CK_N };

static const struct {   // NOLINT(clang-analyzer-optin.performance.Padding): four rows; the order reads as the item does
	enum resource_kind res;
	const char *item_type;    /* the module item type */
	const char *item_field;   /* the item's pointer to the content */
	const char *id_field;     /* the content's field it points at */
	const char *name_field;   /* the content's name, which the item's title mirrors */
	char tag;                 /* link key prefix */
} ck_info[CK_N] = {
	{ RES_ASSIGNMENT, "Assignment", "content_id", "id", "name", 'A' },
	{ RES_QUIZ, "Quiz", "content_id", "id", "title", 'Q' },
	{ RES_DISCUSSION_TOPIC, "Discussion", "content_id", "id", "title", 'D' },
	{ RES_PAGE, "Page", "page_url", "url", "title", 'P' },
};

struct mctx {
	struct step_ctx *cx;
	const struct rmodules *m;
	struct err *err;
	cJSON *modules;
	struct index by_name;             /* modules by name; entries go stale on rename (checked) */
	struct index content[CK_N];       /* content by id (pages: by url) */
	struct index content_name[CK_N];  /* content by name or title */
	struct index links;               /* items of every module by link key (link_key) */
	int have_date;
	char unlock_at[32];
};

#define NOTE_SHIFT "Canvas shifts the other modules"

static cJSON *get(const cJSON *o, const char *field)
{
	return cJSON_GetObjectItemCaseSensitive(o, field);
}

static const char *str_of(const cJSON *o, const char *field)
{
	return cJSON_GetStringValue(get(o, field));
}

static int is_true(const cJSON *o, const char *field)
{
	return cJSON_IsTrue(get(o, field));
}

static long pos_of(const cJSON *o)
{
	const cJSON *p = get(o, "position");

	return cJSON_IsNumber(p) ? (long)p->valuedouble : LONG_MAX;
}

static const char *id_text(const cJSON *o, char buf[32])
{
	return step_value_text(get(o, "id"), buf);
}

static const char *mod_name(const cJSON *mod)
{
	return step_name(RES_MODULE, mod);
}

/* The module's items array, created empty when missing (a new module has none yet). */
static cJSON *items_of(cJSON *mod)
{
	cJSON *a = get(mod, "items");

	if (!cJSON_IsArray(a)) {
		cJSON_DeleteItemFromObjectCaseSensitive(mod, "items");
		a = cJSON_AddArrayToObject(mod, "items");
	}
	return a;
}

/* ---------------------------------------------------------------- order and positions */

struct sortent {
	cJSON *o;
	long pos;
	size_t i;
};

static int sortent_cmp(const void *a, const void *b)
{
	const struct sortent *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Rebuild `array` holding exactly v[0..n-1], in that order. O(n). */
static void set_order(cJSON *array, cJSON **v, size_t n)
{
	size_t i;

	while (array->child)
		cJSON_DetachItemViaPointer(array, array->child);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(array, v[i]);
}

/* Put `array` in position order (stable; objects without a position go last). The working copy
 * then lists modules and items as Canvas does, and array order is the order this file reasons on. */
static void sort_by_position(cJSON *array)
{
	struct sortent *v;
	cJSON *o, **w;
	size_t n = 0, i;
	long last = LONG_MIN;
	int sorted = 1;

	cJSON_ArrayForEach(o, array) {
		long p = pos_of(o);

		if (p < last)
			sorted = 0;
		last = p;
		n++;
	}
	if (sorted)
		return;
	v = xmalloc(n * sizeof(*v));
	w = xmalloc(n * sizeof(*w));
	i = 0;
	cJSON_ArrayForEach(o, array) {
		v[i].o = o;
		v[i].pos = pos_of(o);
		v[i].i = i;
		i++;
	}
	qsort(v, n, sizeof(*v), sortent_cmp);
	for (i = 0; i < n; i++)
		w[i] = v[i].o;
	set_order(array, w, n);
	free(v);
	free(w);
}

/* Number `array` 1..n in its order, recording a change for each object whose position differs.
 * Objects outside `targets` (all when it is NULL) get note_other. Changed objects are appended to `changed`
 * when it is given. */
static void renumber(struct mctx *mc, enum resource_kind kind, cJSON *array, const struct pset *targets,
		     const char *note_other, struct plist *changed)
{
	cJSON *o;
	long i = 1;

	cJSON_ArrayForEach(o, array) {
		if (pos_of(o) != i) {
			const char *note = !pset_has(targets, o) ? note_other : NULL;

			if (step_set_number(mc->cx, kind, o, "position", (double)i, note) == 1 && changed)
				plist_add(changed, o);
		}
		i++;
	}
}

/* Modules that moved are saved by Canvas, which then drops the prerequisites that no longer come
 * before them (validate_prerequisites; an id it does not know counts as position 0 and stays). */
static void recheck_prerequisites(struct mctx *mc, const struct plist *moved)
{
	struct index byid;
	cJSON *o;
	size_t i;
	int any = 0;
	char b[32];

	for (i = 0; i < moved->n && !any; i++)
		any = cJSON_GetArraySize(get(moved->v[i], "prerequisite_module_ids")) > 0;
	if (!any)
		return;
	memset(&byid, 0, sizeof(byid));
	cJSON_ArrayForEach(o, mc->modules)
		ix_add(&byid, id_text(o, b), o, NULL);
	for (i = 0; i < moved->n; i++) {
		cJSON *mod = moved->v[i], *pre = get(mod, "prerequisite_module_ids");
		cJSON *keep, *p;
		long mypos = pos_of(mod);
		int dropped = 0;

		if (!cJSON_IsArray(pre) || !pre->child)
			continue;
		keep = cJSON_CreateArray();
		cJSON_ArrayForEach(p, pre) {
			struct ix_iter it;
			struct ient *e = ix_first(&byid, step_value_text(p, b), &it);

			if (e && pos_of(e->obj) >= mypos)
				dropped++;
			else
				cJSON_AddItemToArray(keep, cJSON_Duplicate(p, 1));
		}
		if (dropped)
			step_set(mc->cx, RES_MODULE, mod, "prerequisite_module_ids", keep,
				 "Canvas drops prerequisites that no longer come before the module");
		else
			cJSON_Delete(keep);
	}
	ix_release(&byid);
}

/* Renumber the modules after a reorder and apply Canvas's prerequisite rule to the ones that moved. */
static void renumber_modules(struct mctx *mc, const struct pset *targets)
{
	struct plist moved = { NULL, 0, 0 };

	renumber(mc, RES_MODULE, mc->modules, targets, NOTE_SHIFT, &moved);
	recheck_prerequisites(mc, &moved);
	plist_release(&moved);
}

/* ---------------------------------------------------------------- lookups */

static struct index *modules_by_name(struct mctx *mc)
{
	cJSON *o;

	if (!mc->by_name.built) {
		cJSON_ArrayForEach(o, mc->modules)
			ix_add(&mc->by_name, mod_name(o), o, NULL);
		mc->by_name.built = 1;
	}
	return &mc->by_name;
}

/* A module's name changed (it was indexed under the old one, now stale). */
static void module_renamed(struct mctx *mc, cJSON *mod)
{
	if (mc->by_name.built)
		ix_add(&mc->by_name, mod_name(mod), mod, NULL);
}

/* The first module (in module order) named exactly `name`, or NULL. */
static cJSON *find_module(struct mctx *mc, const char *name)
{
	struct ix_iter it;
	struct ient *e;
	cJSON *best = NULL;

	for (e = ix_first(modules_by_name(mc), name, &it); e; e = ix_next(&it))
		if (!strcmp(mod_name(e->obj), name) && (!best || pos_of(e->obj) < pos_of(best)))
			best = e->obj;
	return best;
}

/* The course's list of a content kind, or NULL when the plan did not fetch it. */
static cJSON *content_list(struct mctx *mc, int ck)
{
	cJSON *a = get(mc->cx->course, resource_get(ck_info[ck].res)->seed_key);

	return cJSON_IsArray(a) ? a : NULL;
}

static struct index *content_ix(struct mctx *mc, int ck, int by_name)
{
	struct index *ix = by_name && ck != CK_PAGE ? &mc->content_name[ck] : &mc->content[ck];
	cJSON *list = content_list(mc, ck), *o;
	char b[32];

	if (!list)
		return NULL;
	if (!ix->built) {
		cJSON_ArrayForEach(o, list) {
			const char *k = ix == &mc->content[ck]
				? step_value_text(get(o, ck_info[ck].id_field), b)
				: str_of(o, ck_info[ck].name_field);

			if (k && *k)
				ix_add(ix, k, o, NULL);
		}
		ix->built = 1;
	}
	return ix;
}

/* The content kind an item type links to, or -1 (header, url, file, tool). */
static int item_ckind(const cJSON *item)
{
	const char *t = str_of(item, "type");
	int ck;

	for (ck = 0; t && ck < CK_N; ck++)
		if (!strcmp(t, ck_info[ck].item_type))
			return ck;
	return -1;
}

/* The key that identifies what an item points at: "A:90211", "P:week-1-notes", "U:https://...",
 * "H:Readings"; NULL for kinds ensure cannot name (File, ExternalTool). Malloced; caller frees. */
static char *link_key(const cJSON *item)
{
	const char *t = str_of(item, "type"), *s;
	int ck = item_ckind(item);
	char b[32];

	if (ck >= 0) {
		s = step_value_text(get(item, ck_info[ck].item_field), b);
		return *s ? xasprintf("%c:%s", ck_info[ck].tag, s) : NULL;
	}
	if (t && !strcmp(t, "ExternalUrl") && (s = str_of(item, "external_url")))
		return xasprintf("U:%s", s);
	if (t && !strcmp(t, "SubHeader") && (s = str_of(item, "title")))
		return xasprintf("H:%s", s);
	return NULL;
}

static void links_build(struct mctx *mc)
{
	cJSON *mod, *item;

	ix_release(&mc->links);
	cJSON_ArrayForEach(mod, mc->modules) {
		if (cJSON_IsArray(get(mod, "items")))
			sort_by_position(get(mod, "items"));   /* kept items keep their order */
		cJSON_ArrayForEach(item, get(mod, "items")) {
			char *k = link_key(item);

			if (k)
				ix_add_take(&mc->links, k, item, mod);
		}
	}
	mc->links.built = 1;
}

static struct index *links(struct mctx *mc)
{
	if (!mc->links.built)
		links_build(mc);
	return &mc->links;
}

/* What an item links to. */
struct link {
	int ck;               /* -1: nothing this plan knows */
	int fetched;          /* the content's kind is in the working copy */
	cJSON *content;       /* the content, or NULL */
};

static void item_link(struct mctx *mc, const cJSON *item, struct link *l)
{
	struct index *ix;
	struct ix_iter it;
	struct ient *e;
	char b[32];

	l->ck = item_ckind(item);
	l->fetched = 0;
	l->content = NULL;
	if (l->ck < 0 || !(ix = content_ix(mc, l->ck, 0)))
		return;
	l->fetched = 1;
	e = ix_first(ix, step_value_text(get(item, ck_info[l->ck].item_field), b), &it);
	l->content = e ? e->obj : NULL;
}

/* ---------------------------------------------------------------- linked content (API.md 6.2) */

/* Whether Canvas lets the content be unpublished (content.can_unpublish?); *why says why not. */
static int can_unpublish(int ck, const cJSON *c, const char **why)
{
	const cJSON *u = get(c, "unpublishable");
	const cJSON *cu = get(c, "can_unpublish");

	if (ck == CK_PAGE && is_true(c, "front_page")) {
		*why = "is the front page";
		return 0;
	}
	if (cJSON_IsFalse(u) || cJSON_IsFalse(cu)) {
		*why = "has student submissions";
		return 0;
	}
	return 1;
}

/* The other items of the content `item` links to follow it (ContentTag.update_for). */
static void sync_other_items(struct mctx *mc, const cJSON *item, const char *field, int pub,
			     const char *title, const char *note)
{
	struct ix_iter it;
	struct ient *e;
	char *k = link_key(item);
	struct plist others = { NULL, 0, 0 };
	size_t i;

	if (!k)
		return;
	for (e = ix_first(links(mc), k, &it); e; e = ix_next(&it))
		if (e->obj != item)
			plist_add(&others, e->obj);
	for (i = 0; i < others.n; i++) {
		if (title)
			step_set_string(mc->cx, RES_MODULE_ITEM, others.v[i], field, title, note);
		else
			step_set_bool(mc->cx, RES_MODULE_ITEM, others.v[i], field, pub, note);
	}
	plist_release(&others);
	free(k);
}

/* After item.published became `pub`: Canvas's update_asset_workflow_state! on its content. */
static void sync_content_published(struct mctx *mc, const cJSON *item, const struct link *l, int pub)
{
	const char *kname, *why, *verb = pub ? "publishes" : "unpublishes";
	char note[160];
	int cur;

	if (!l->content)
		return;
	kname = resource_get(ck_info[l->ck].res)->name;
	cur = is_true(l->content, "published");
	if (cur == pub || (!pub && !can_unpublish(l->ck, l->content, &why)))
		return;
	snprintf(note, sizeof(note), "Canvas %s the linked %s with its module item", verb, kname);
	if (step_set_bool(mc->cx, ck_info[l->ck].res, l->content, "published", pub, note) < 0)
		return;
	snprintf(note, sizeof(note), "Canvas %s every module item of the %s with it", verb, kname);
	sync_other_items(mc, item, "published", pub, NULL, note);
	/* a quiz or graded discussion saves its assignment with the same state (DiscussionTopic /
	 * Quizzes::Quiz update_assignment) */
	if ((l->ck == CK_QUIZ || l->ck == CK_DISCUSSION) &&
	    !jsonid_ll(get(l->content, "assignment_id"), &(long long){ 0 })) {
		struct index *ix = content_ix(mc, CK_ASSIGNMENT, 0);
		struct ix_iter it;
		struct ient *e;
		char b[32];

		e = ix ? ix_first(ix, step_value_text(get(l->content, "assignment_id"), b), &it) : NULL;
		if (e && is_true(e->obj, "published") != pub) {
			snprintf(note, sizeof(note), "Canvas %s the %s's assignment with it", verb, kname);
			step_set_bool(mc->cx, RES_ASSIGNMENT, e->obj, "published", pub, note);
		}
	}
}

/* Set an item's published flag, and plan what Canvas does with its content. `why` (may be NULL)
 * says why the item changes; always_sync: the content follows even when the item already had the
 * value (a module being published runs update_asset_workflow_state! on every item). */
static void set_item_published(struct mctx *mc, cJSON *item, int pub, const char *why, int always_sync)
{
	struct link l;
	const char *reason, *kname;
	char note[256];
	size_t n;
	int r;

	item_link(mc, item, &l);
	kname = l.ck >= 0 ? resource_get(ck_info[l.ck].res)->name : "";
	/* ContextModuleItemsApiController#update answers 403 "item can't be unpublished" when the
	 * content cannot be (module_item_unpublishable?), and trigger_unpublish! leaves such an item
	 * published: either way it stays, so the plan skips it with the reason (issue 15) */
	if (!pub && is_true(item, "published")) {
		int refused = l.content ? !can_unpublish(l.ck, l.content, &reason) : 0;

		if (!refused && cJSON_IsFalse(get(item, "unpublishable"))) {
			refused = 1;
			reason = "cannot be unpublished";
		}
		if (refused) {
			step_skip(mc->cx, RES_MODULE_ITEM, item, "published",
				  "Canvas cannot unpublish this item: its %s %s", kname[0] ? kname : "content",
				  reason);
			return;
		}
	}
	snprintf(note, sizeof(note), "%s", why ? why : "");
	n = strlen(note);
	if (l.ck >= 0 && !l.fetched)
		snprintf(note + n, sizeof(note) - n, "%sCanvas also %s the linked %s", n ? "; " : "",
			 pub ? "publishes" : "unpublishes", kname);
	r = step_set_bool(mc->cx, RES_MODULE_ITEM, item, "published", pub, *note ? note : NULL);
	if (r == 1 || (r == 0 && always_sync))
		sync_content_published(mc, item, &l, pub);
}

/* The publish_at of a page item's page (the item carries it, so does the page), or NULL. */
static const char *page_publish_at(struct mctx *mc, const cJSON *item)
{
	struct link l;
	const cJSON *v = get(item, "publish_at");

	if (cJSON_IsString(v))
		return v->valuestring;
	item_link(mc, item, &l);
	if (l.ck == CK_PAGE && l.content && cJSON_IsString(get(l.content, "publish_at")))
		return get(l.content, "publish_at")->valuestring;
	return NULL;
}

/* `cascade: with items` on a module being published: ContextModule#publish_items! runs
 * ContentTag#trigger_publish! on every item -- an unpublished item is published, except a page
 * item whose page has a publish_at (scheduled page publication: the page waits for its date, a
 * skip with the reason, CURRENT.md 15) -- and its content follows (update_asset_workflow_state!). */
static void publish_module_items(struct mctx *mc, cJSON *mod)
{
	cJSON *item;
	const char *pa;
	struct link l;

	cJSON_ArrayForEach(item, get(mod, "items")) {
		item_link(mc, item, &l);
		if (!is_true(item, "published") && l.ck == CK_PAGE && (pa = page_publish_at(mc, item))) {
			step_skip(mc->cx, RES_MODULE_ITEM, item, "published",
				  "Canvas leaves this page item unpublished with its module: the page is "
				  "scheduled to publish at %s", pa);
			if (l.content && is_true(l.content, "published"))
				sync_content_published(mc, item, &l, 0);
			continue;
		}
		set_item_published(mc, item, 1, "Canvas publishes a module's items with it", 1);
	}
}

/* `cascade: with items` on a module being unpublished: unpublish_items! runs trigger_unpublish! on
 * every item: unpublished with its content, unless the content cannot be (a skip, see
 * set_item_published). */
static void unpublish_module_items(struct mctx *mc, cJSON *mod)
{
	cJSON *item;

	cJSON_ArrayForEach(item, get(mod, "items"))
		set_item_published(mc, item, 0, "Canvas unpublishes a module's items with it", 1);
}

/* Set an item's title, and plan the renames Canvas makes with it (update_asset_name!). */
static void set_item_title(struct mctx *mc, cJSON *item, const char *title)
{
	struct link l;
	char note[200];
	const char *kname;
	int r;

	item_link(mc, item, &l);
	kname = l.ck >= 0 ? resource_get(ck_info[l.ck].res)->name : NULL;
	if (l.ck >= 0 && !l.fetched)
		snprintf(note, sizeof(note), "Canvas also renames the linked %s and its other module items",
			 kname);
	else
		note[0] = 0;
	r = step_set_string(mc->cx, RES_MODULE_ITEM, item, "title", title, *note ? note : NULL);
	if (r != 1 || l.ck < 0 || (l.fetched && !l.content))
		return;
	if (l.content) {
		snprintf(note, sizeof(note), "Canvas renames the linked %s with its module item%s", kname,
			 l.ck == CK_PAGE ? " (and the page's url follows the new title)" : "");
		/* refused (Blueprint): Canvas's save of the content fails, its other items stay */
		if (step_set_string(mc->cx, ck_info[l.ck].res, l.content, ck_info[l.ck].name_field, title,
				    note) < 0)
			return;
	}
	snprintf(note, sizeof(note), "Canvas renames every module item of the %s with it", kname);
	sync_other_items(mc, item, "title", 0, title, note);
}

/* ---------------------------------------------------------------- regexes */

static int regex_error(struct mctx *mc, const cJSON *obj, enum resource_kind kind, const char *field,
		       const struct rregex *re, int rc)
{
	char b[32], why[200];

	step_regex_why(rc, why, sizeof(why));
	return err_set(mc->err, ERR_GENERIC, "course %s, %s %s ('%s'), %s: the pattern '%s' failed: %s",
		       mc->cx->course_id, resource_get(kind)->name, step_id(kind, obj, b),
		       step_name(kind, obj), field, re->src, why);
}

/* 1 when re matches s, 0 when not, -1 with err set when PCRE2 fails. */
static int regex_match(struct mctx *mc, const struct rregex *re, pcre2_match_data *md, const char *s,
		       const cJSON *obj, enum resource_kind kind, const char *field)
{
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, strlen(s), 0, 0, md, step_match_context());

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	regex_error(mc, obj, kind, field, re, rc);
	return -1;
}

/* ---------------------------------------------------------------- absent: */

static int has_id(const cJSON *arr, struct index *ids)
{
	const cJSON *p;
	char b[32];
	struct ix_iter it;

	cJSON_ArrayForEach(p, arr)
		if (ix_first(ids, step_value_text(p, b), &it))
			return 1;
	return 0;
}

static void do_absent(struct mctx *mc)
{
	const struct rmodules *m = mc->m;
	struct index gone;
	struct plist victims = { NULL, 0, 0 };
	struct ix_iter it;
	struct ient *e;
	cJSON *mod;
	size_t i;
	char b[32];

	memset(&gone, 0, sizeof(gone));
	for (i = 0; i < m->nabsent; i++)
		for (e = ix_first(modules_by_name(mc), m->absent[i], &it); e; e = ix_next(&it))
			if (!strcmp(mod_name(e->obj), m->absent[i])) {
				plist_add(&victims, e->obj);
				e->obj = NULL;   /* gone from the index, whatever step_delete decides */
			}
	for (i = 0; i < victims.n; i++) {
		cJSON *items = get(victims.v[i], "items"), *item, *next;
		char note[64], *id;
		int kept = 0;

		/* items this plan created would be created in a module that no longer exists */
		for (item = cJSON_IsArray(items) ? items->child : NULL; item; item = next) {
			next = item->next;
			if (step_is_new(item))
				step_delete(mc->cx, RES_MODULE_ITEM, items, item, NULL);
			else
				kept++;
		}
		snprintf(note, sizeof(note), "its %d %s with it", kept, kept == 1 ? "item goes" : "items go");
		id = xstrdup(id_text(victims.v[i], b));
		if (step_delete(mc->cx, RES_MODULE, mc->modules, victims.v[i], kept ? note : NULL) == 1)
			ix_add(&gone, id, mc->modules, NULL);   /* obj: any non-NULL marker */
		else
			module_renamed(mc, victims.v[i]);   /* refused: findable again */
		free(id);
	}
	if (gone.n) {
		/* Canvas lists only live modules as prerequisites (gather_prerequisites) */
		cJSON_ArrayForEach(mod, mc->modules) {
			cJSON *pre = get(mod, "prerequisite_module_ids"), *p, *keep;

			if (!cJSON_IsArray(pre) || !has_id(pre, &gone))
				continue;
			keep = cJSON_CreateArray();
			cJSON_ArrayForEach(p, pre)
				if (!ix_first(&gone, step_value_text(p, b), &it))
					cJSON_AddItemToArray(keep, cJSON_Duplicate(p, 1));
			step_set(mc->cx, RES_MODULE, mod, "prerequisite_module_ids", keep,
				 "Canvas drops a deleted module from prerequisites");
		}
		renumber_modules(mc, NULL);
	}
	ix_release(&gone);
	plist_release(&victims);
}

/* ---------------------------------------------------------------- where: */

static int module_selected(struct mctx *mc, pcre2_match_data *md, const cJSON *mod)
{
	const struct rwhere *w = mc->m->where;
	size_t i;

	if (!w)
		return 1;
	if (w->nids) {
		const cJSON *id = get(mod, "id");
		int hit = 0;

		long long v;

		for (i = 0; !jsonid_ll(id, &v) && i < w->nids && !hit; i++)
			hit = v == w->ids[i];
		if (!hit)
			return 0;
	}
	if (w->position >= 0 && pos_of(mod) != w->position)
		return 0;
	if (w->published >= 0 && is_true(mod, "published") != w->published)
		return 0;
	if (w->name)
		return regex_match(mc, w->name, md, mod_name(mod), mod, RES_MODULE, "name");
	return 1;
}

/* ---------------------------------------------------------------- set: */

/* set.position: the selected modules, as one block in their current order, from that position. */
static void set_position(struct mctx *mc, cJSON **sel, size_t nsel)
{
	struct pset targets = { INTMAP_INIT };
	cJSON **v, *o;
	size_t n = 0, nrest = 0, k, i;

	for (i = 0; i < nsel; i++)
		pset_add(&targets, sel[i]);
	cJSON_ArrayForEach(o, mc->modules)
		n++;
	v = xmalloc((n + 1) * sizeof(*v));
	cJSON_ArrayForEach(o, mc->modules)
		if (!pset_has(&targets, o))
			v[nrest++] = o;
	k = (size_t)mc->m->set->position - 1;
	if (k > nrest)
		k = nrest;   /* past the end: last (Canvas refuses an invalid position) */
	memmove(v + k + nsel, v + k, (nrest - k) * sizeof(*v));
	memcpy(v + k, sel, nsel * sizeof(*v));
	set_order(mc->modules, v, n);
	free(v);
	renumber_modules(mc, &targets);
	pset_release(&targets);
}

static int same_id_set(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;
	char b1[32], b2[32];

	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
		return 0;
	cJSON_ArrayForEach(x, b) {
		int found = 0;

		cJSON_ArrayForEach(y, a)
			if (!strcmp(step_value_text(x, b1), step_value_text(y, b2)))
				found = 1;
		if (!found)
			return 0;
	}
	return 1;
}

static void set_prerequisites(struct mctx *mc, cJSON **sel, size_t nsel)
{
	const struct rmodules_set *s = mc->m->set;
	cJSON **pre = xcalloc(s->nprerequisites + 1, sizeof(*pre));
	size_t i, j, n = s->nprerequisites;
	int missing = 0;

	for (i = 0; i < n; i++) {
		if (!(pre[i] = find_module(mc, s->prerequisites[i]))) {
			step_skip_missing(mc->cx, RES_MODULE, s->prerequisites[i],
					  "no module is named '%s' in this course, so the prerequisites "
					  "of the selected modules are left as they are",
					  s->prerequisites[i]);
			missing = 1;
		}
	}
	if (missing)
		goto done;
	for (i = 1; i < n; i++)   /* module order (few names: insertion sort) */
		for (j = i; j > 0 && pos_of(pre[j - 1]) > pos_of(pre[j]); j--) {
			cJSON *t = pre[j];

			pre[j] = pre[j - 1];
			pre[j - 1] = t;
		}
	for (i = 0; i < nsel; i++) {
		cJSON *mod = sel[i], *val;
		int ok = 1;

		for (j = 0; j < n && ok; j++) {
			if (pre[j] == mod) {
				step_skip(mc->cx, RES_MODULE, mod, "prerequisite_module_ids",
					  "a module cannot be its own prerequisite");
				ok = 0;
			} else if (pos_of(pre[j]) >= pos_of(mod)) {
				step_skip(mc->cx, RES_MODULE, mod, "prerequisite_module_ids",
					  "'%s' does not come before this module, and Canvas keeps only "
					  "prerequisites that do", mod_name(pre[j]));
				ok = 0;
			}
		}
		if (!ok)
			continue;
		val = cJSON_CreateArray();
		for (j = 0; j < n; j++)
			cJSON_AddItemToArray(val, cJSON_Duplicate(get(pre[j], "id"), 1));
		if (same_id_set(get(mod, "prerequisite_module_ids"), val)) {
			cJSON_Delete(val);
			continue;
		}
		step_set(mc->cx, RES_MODULE, mod, "prerequisite_module_ids", val, NULL);
	}
done:
	free(pre);
}

static int unlock_at_value(struct mctx *mc, const cJSON *mod, cJSON **out)
{
	const struct rmodules_set *s = mc->m->set;
	char b[32], msg[ERR_MSG_MAX];

	if (s->unlock_at_null) {
		*out = cJSON_CreateNull();
		return 0;
	}
	if (!mc->have_date) {
		if (step_date_utc(&s->unlock_at, mc->cx->time_zone, mc->unlock_at, mc->err)) {
			snprintf(msg, sizeof(msg), "%s", mc->err->msg);
			return err_set(mc->err, mc->err->code, "course %s, module %s ('%s'), unlock_at: %s",
				       mc->cx->course_id, id_text(mod, b), mod_name(mod), msg);
		}
		mc->have_date = 1;
	}
	*out = cJSON_CreateString(mc->unlock_at);
	return 0;
}

static int rename_module(struct mctx *mc, pcre2_match_data *md, cJSON *mod)
{
	const struct rmodules_rename *rn = mc->m->rename;
	const char *name = mod_name(mod);
	PCRE2_UCHAR buf[256], *out = buf;
	PCRE2_SIZE outlen = sizeof(buf) / sizeof(buf[0]);
	uint32_t opts = PCRE2_SUBSTITUTE_UNSET_EMPTY | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH;
	int rc;

	rc = pcre2_substitute(rn->pattern->code, (PCRE2_SPTR)name, strlen(name), 0, opts, md, step_match_context(),
			      (PCRE2_SPTR)rn->with, PCRE2_ZERO_TERMINATED, out, &outlen);
	if (rc == PCRE2_ERROR_NOMEMORY) {
		out = xmalloc(outlen * sizeof(*out));
		rc = pcre2_substitute(rn->pattern->code, (PCRE2_SPTR)name, strlen(name), 0, opts, md, step_match_context(),
				      (PCRE2_SPTR)rn->with, PCRE2_ZERO_TERMINATED, out, &outlen);
	}
	if (rc < 0) {
		regex_error(mc, mod, RES_MODULE, "name", rn->pattern, rc);
		rc = -1;
	} else if (rc > 0 && outlen == 0) {
		step_skip(mc->cx, RES_MODULE, mod, "name",
			  "renaming it would leave the module without a name");
		rc = 0;
	} else if (rc > 0) {
		if (step_set_string(mc->cx, RES_MODULE, mod, "name", (const char *)out, NULL) == 1)
			module_renamed(mc, mod);
		rc = 0;
	}
	if (out != buf)
		free(out);
	return rc;
}

/* ---------------------------------------------------------------- items: */

static int item_type_index(const cJSON *item)
{
	const char *t = str_of(item, "type");
	int i;

	for (i = 0; t && rmodules_item_type_names[i]; i++)
		if (!strcmp(t, rmodules_item_type_names[i]))
			return i;
	return -1;
}

/* What where.content compares: the page url, the content's name (the item title mirrors it) or the
 * external url; NULL for kinds that point at nothing nameable. */
static const char *item_content_text(const cJSON *item, int type)
{
	switch (type) {
	case RMOD_ITEM_PAGE:
		return str_of(item, "page_url");
	case RMOD_ITEM_ASSIGNMENT: case RMOD_ITEM_QUIZ: case RMOD_ITEM_DISCUSSION:
		return str_of(item, "title");
	case RMOD_ITEM_EXTERNAL_URL: case RMOD_ITEM_EXTERNAL_TOOL:
		return str_of(item, "external_url");
	default:
		return NULL;
	}
}

/* ContentTag#scoreable?: quizzes, assignments, and discussions that have an assignment. */
static int item_scoreable(struct mctx *mc, const cJSON *item, int type)
{
	struct link l;
	const cJSON *a;

	if (type == RMOD_ITEM_ASSIGNMENT || type == RMOD_ITEM_QUIZ)
		return 1;
	if (type != RMOD_ITEM_DISCUSSION)
		return 0;
	item_link(mc, item, &l);
	if (!l.content)
		return 1;   /* not known here: let Canvas decide */
	a = get(l.content, "assignment_id");
	return a && !cJSON_IsNull(a);
}

static void set_completion(struct mctx *mc, cJSON *item, int type)
{
	const struct rmodules_items *it = mc->m->items;
	const cJSON *cur = get(item, "completion_requirement");
	const char *cname = rmodules_completion_names[it->completion];
	cJSON *val;

	if (it->completion == RMOD_COMPLETION_NONE) {
		if (cur && !cJSON_IsNull(cur))
			step_set(mc->cx, RES_MODULE_ITEM, item, "completion_requirement", cJSON_CreateNull(),
				 NULL);
		return;
	}
	if (type == RMOD_ITEM_SUBHEADER) {
		step_skip(mc->cx, RES_MODULE_ITEM, item, "completion_requirement",
			  "a text header cannot have a completion requirement");
		return;
	}
	if ((it->completion == RMOD_COMPLETION_MUST_SUBMIT || it->completion == RMOD_COMPLETION_MIN_SCORE) &&
	    !item_scoreable(mc, item, type)) {
		step_skip(mc->cx, RES_MODULE_ITEM, item, "completion_requirement",
			  "Canvas keeps '%s' only on graded items (assignments, quizzes, graded discussions)",
			  cname);
		return;
	}
	/* the same requirement is no change, whatever else Canvas adds to it ("completed") */
	if (cJSON_IsObject(cur)) {
		const char *t = str_of(cur, "type");
		const cJSON *ms = get(cur, "min_score");

		if (t && !strcmp(t, cname) && (it->completion != RMOD_COMPLETION_MIN_SCORE ||
					       (cJSON_IsNumber(ms) && ms->valuedouble == it->min_score)))
			return;
	}
	val = cJSON_CreateObject();
	cJSON_AddStringToObject(val, "type", cname);
	if (it->completion == RMOD_COMPLETION_MIN_SCORE)
		cJSON_AddNumberToObject(val, "min_score", it->min_score);
	step_set(mc->cx, RES_MODULE_ITEM, item, "completion_requirement", val, NULL);
}

static int do_items(struct mctx *mc, cJSON **sel, size_t nsel)
{
	const struct rmodules_items *it = mc->m->items;
	pcre2_match_data *md = NULL;
	size_t i;
	int rc = 0;

	if (it->match_title)
		md = pcre2_match_data_create_from_pattern(it->match_title->code, NULL);
	for (i = 0; i < nsel && !rc; i++) {
		cJSON *item;

		cJSON_ArrayForEach(item, get(sel[i], "items")) {
			int type = item_type_index(item);

			if (it->match_types && (type < 0 || !(it->match_types & RMOD_ITEM_BIT(type))))
				continue;
			if (it->match_content) {
				const char *c = type >= 0 ? item_content_text(item, type) : NULL;

				if (!c || strcmp(c, it->match_content))
					continue;
			}
			if (it->match_title) {
				const char *t = str_of(item, "title");
				int r = regex_match(mc, it->match_title, md, t ? t : "", item,
						    RES_MODULE_ITEM, "title");

				if (r < 0) {
					rc = -1;
					break;
				}
				if (!r)
					continue;
			}
			if (it->has_published)
				set_item_published(mc, item, it->published, NULL, 0);
			if (it->has_indent)
				step_set_number(mc->cx, RES_MODULE_ITEM, item, "indent", (double)it->indent,
						NULL);
			if (it->has_title)
				set_item_title(mc, item, it->title);
			if (it->has_completion)
				set_completion(mc, item, type);
		}
	}
	pcre2_match_data_free(md);
	return rc;
}

/* ---------------------------------------------------------------- set:, rename:, items: */

static int do_selected(struct mctx *mc)
{
	const struct rmodules *m = mc->m;
	const struct rmodules_set *s = m->set;
	pcre2_match_data *md = NULL;
	struct plist sel = { NULL, 0, 0 };
	cJSON *mod;
	size_t i;
	int rc = 0, r;

	if (m->where && m->where->name)
		md = pcre2_match_data_create_from_pattern(m->where->name->code, NULL);
	cJSON_ArrayForEach(mod, mc->modules) {
		if ((r = module_selected(mc, md, mod)) < 0) {
			rc = -1;
			goto done;
		}
		if (r)
			plist_add(&sel, mod);
	}
	mc->cx->matched += sel.n;
	if (!sel.n)
		goto done;
	if (s && s->has_position)
		set_position(mc, sel.v, sel.n);
	for (i = 0; s && s->has_name && i < sel.n; i++)
		if (step_set_string(mc->cx, RES_MODULE, sel.v[i], "name", s->name, NULL) == 1)
			module_renamed(mc, sel.v[i]);
	if (m->rename) {
		pcre2_match_data_free(md);
		md = pcre2_match_data_create_from_pattern(m->rename->pattern->code, NULL);
		for (i = 0; i < sel.n && !rc; i++)
			rc = rename_module(mc, md, sel.v[i]);
		if (rc)
			goto done;
	}
	for (i = 0; s && i < sel.n; i++) {
		cJSON *o = sel.v[i], *v = NULL;

		if (s->has_published) {
			int was = is_true(o, "published");

			r = step_set_bool(mc->cx, RES_MODULE, o, "published", s->published,
					  s->with_items ? "with its items" : NULL);
			if (r == 1 && s->with_items && s->published && !was)
				publish_module_items(mc, o);
			else if (r == 1 && s->with_items && !s->published && was)
				unpublish_module_items(mc, o);
		}
		if (s->has_unlock_at) {
			if ((rc = unlock_at_value(mc, o, &v)))
				goto done;
			step_set(mc->cx, RES_MODULE, o, "unlock_at", v, NULL);
		}
		if (s->has_require_sequential_progress)
			step_set_bool(mc->cx, RES_MODULE, o, "require_sequential_progress",
				      s->require_sequential_progress, NULL);
	}
	if (s && s->has_prerequisites)
		set_prerequisites(mc, sel.v, sel.n);
	if (m->items)
		rc = do_items(mc, sel.v, sel.n);
done:
	pcre2_match_data_free(md);
	plist_release(&sel);
	return rc < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- ensure: */

struct want {
	const struct rmodules_ensure_item *ei;
	char *key;            /* link key; NULL when the reference did not resolve */
	int ck;               /* content kind, or -1 (url, header) */
	cJSON *content;       /* the content it points at, or NULL */
	cJSON *item;          /* the item that fills it, once found */
};

struct ens {
	const struct rmodules_ensure *e;
	cJSON *mod;
	int created;
	int was_published;
	struct want *w;
	int missing;          /* a reference did not resolve: the module's other items are kept */
};

static const char *const ensure_item_type[] = {
	[RMOD_ENSURE_PAGE] = "Page", [RMOD_ENSURE_ASSIGNMENT] = "Assignment", [RMOD_ENSURE_QUIZ] = "Quiz",
	[RMOD_ENSURE_DISCUSSION] = "Discussion", [RMOD_ENSURE_URL] = "ExternalUrl",
	[RMOD_ENSURE_HEADER] = "SubHeader",
};

static int ensure_ckind(enum rmodules_ensure_kind k)
{
	switch (k) {
	case RMOD_ENSURE_PAGE: return CK_PAGE;
	case RMOD_ENSURE_ASSIGNMENT: return CK_ASSIGNMENT;
	case RMOD_ENSURE_QUIZ: return CK_QUIZ;
	case RMOD_ENSURE_DISCUSSION: return CK_DISCUSSION;
	default: return -1;
	}
}

/* Find or create the entry's module; set its published flag. */
static void ensure_module(struct mctx *mc, struct ens *es)
{
	const struct rmodules_ensure *e = es->e;
	cJSON *fields;

	es->mod = find_module(mc, e->name);
	if (!es->mod) {
		fields = cJSON_CreateObject();
		cJSON_AddStringToObject(fields, "name", e->name);
		cJSON_AddNumberToObject(fields, "position", (double)cJSON_GetArraySize(mc->modules) + 1);
		if (e->has_published && e->published)   /* Canvas creates modules unpublished */
			cJSON_AddBoolToObject(fields, "published", 1);
		es->mod = step_create(mc->cx, RES_MODULE, mc->modules, fields);
		items_of(es->mod);
		es->created = 1;
		if (mc->by_name.built)
			ix_add(&mc->by_name, e->name, es->mod, NULL);
		return;
	}
	es->was_published = is_true(es->mod, "published");
	if (e->has_published)
		step_set_bool(mc->cx, RES_MODULE, es->mod, "published", e->published, NULL);
}

/* The desired module order (see the design comment), then positions. */
static void ensure_order(struct mctx *mc, struct ens *es, size_t nes)
{
	struct pset ens = { INTMAP_INIT };
	cJSON **v, *o;
	size_t n = 0, len = 0, i, rbefore = 0, prev = 0;

	for (i = 0; i < nes; i++)
		pset_add(&ens, es[i].mod);
	cJSON_ArrayForEach(o, mc->modules)
		n++;
	v = xmalloc((n + 1) * sizeof(*v));
	cJSON_ArrayForEach(o, mc->modules) {
		if (o == es[0].mod)
			rbefore = len;
		if (!pset_has(&ens, o))
			v[len++] = o;
	}
	for (i = 0; i < nes; i++) {
		const struct rmodules_ensure *e = es[i].e;
		size_t idx;

		if (e->has_position)
			idx = (size_t)e->position - 1;
		else if (i == 0)
			idx = es[0].created ? len : rbefore;
		else
			idx = prev + 1;
		if (i > 0 && idx < prev + 1)
			idx = prev + 1;   /* the list order is the module order */
		if (idx > len)
			idx = len;
		memmove(v + idx + 1, v + idx, (len - idx) * sizeof(*v));
		v[idx] = es[i].mod;
		len++;
		prev = idx;
	}
	set_order(mc->modules, v, len);
	free(v);
	renumber_modules(mc, &ens);
	pset_release(&ens);
}

/* Resolve an item reference to its content and link key; a missing content is a skip. */
static void ensure_resolve(struct mctx *mc, struct ens *es, struct want *w)
{
	const struct rmodules_ensure_item *ei = w->ei;
	struct index *ix;
	struct ix_iter it;
	struct ient *e;
	char b[32];

	w->ck = ensure_ckind(ei->kind);
	if (ei->kind == RMOD_ENSURE_URL) {
		w->key = xasprintf("U:%s", ei->ref);
		return;
	}
	if (ei->kind == RMOD_ENSURE_HEADER) {
		w->key = xasprintf("H:%s", ei->ref);
		return;
	}
	ix = content_ix(mc, w->ck, 1);
	e = ix ? ix_first(ix, ei->ref, &it) : NULL;
	if (!e) {
		step_skip_missing(mc->cx, ck_info[w->ck].res, ei->ref,
				  "%s '%s' (an item of module '%s') does not exist in this course, so it is "
				  "not added and the module's other items are kept",
				  rmodules_ensure_kind_names[ei->kind], ei->ref, es->e->name);
		es->missing = 1;
		return;
	}
	w->content = e->obj;
	w->key = xasprintf("%c:%s", ck_info[w->ck].tag,
			   step_value_text(get(w->content, ck_info[w->ck].id_field), b));
}

/* A new item for w in es's module. */
static cJSON *ensure_create_item(struct mctx *mc, struct ens *es, struct want *w)
{
	const struct rmodules_ensure_item *ei = w->ei;
	cJSON *items = items_of(es->mod), *fields = cJSON_CreateObject(), *item;
	const char *title;
	int pub = is_true(es->mod, "published");

	cJSON_AddItemToObject(fields, "module_id", cJSON_Duplicate(get(es->mod, "id"), 1));
	cJSON_AddStringToObject(fields, "type", ensure_item_type[ei->kind]);
	if (w->content) {
		title = str_of(w->content, ck_info[w->ck].name_field);
		cJSON_AddStringToObject(fields, "title", title ? title : ei->ref);
		if (w->ck == CK_PAGE)
			cJSON_AddStringToObject(fields, "page_url", ei->ref);
		else
			cJSON_AddItemToObject(fields, "content_id",
					      cJSON_Duplicate(get(w->content, "id"), 1));
	} else if (ei->kind == RMOD_ENSURE_URL) {
		cJSON_AddStringToObject(fields, "title", ei->title ? ei->title : ei->ref);
		cJSON_AddStringToObject(fields, "external_url", ei->ref);
	} else {
		cJSON_AddStringToObject(fields, "title", ei->ref);
	}
	cJSON_AddNumberToObject(fields, "position", (double)cJSON_GetArraySize(items) + 1);
	/* Canvas creates the item in its content's state (ContextModule#add_item); in a published
	 * module the plan then publishes it (apply's PUT after the POST) */
	if (pub || (w->content && is_true(w->content, "published")))
		cJSON_AddBoolToObject(fields, "published", 1);
	item = step_create(mc->cx, RES_MODULE_ITEM, items, fields);
	ix_add(links(mc), w->key, item, es->mod);
	if (pub && w->content) {
		struct link l = { w->ck, 1, w->content };

		sync_content_published(mc, item, &l, 1);
	}
	return item;
}

static void ensure_items(struct mctx *mc, struct ens *es, size_t nes)
{
	struct pset claimed = { INTMAP_INIT }, touched = { INTMAP_INIT };
	struct plist order = { NULL, 0, 0 }, doomed = { NULL, 0, 0 };
	struct ix_iter it;
	struct ient *e;
	size_t i, j;

	links_build(mc);
	/* 1: resolve, and keep what is already in the module */
	for (i = 0; i < nes; i++) {
		if (!es[i].e->has_items)
			continue;
		es[i].w = xcalloc(es[i].e->nitems + 1, sizeof(*es[i].w));
		for (j = 0; j < es[i].e->nitems; j++) {
			struct want *w = &es[i].w[j];

			w->ei = &es[i].e->items[j];
			ensure_resolve(mc, &es[i], w);
			e = w->key ? ix_first(&mc->links, w->key, &it) : NULL;
			for (; e && !w->item; e = ix_next(&it))
				if (e->parent == es[i].mod && !pset_has(&claimed, e->obj)) {
					w->item = e->obj;
					pset_add(&claimed, e->obj);
				}
		}
	}
	/* 2: move an item of the same content from another module, else create one */
	for (i = 0; i < nes; i++) {
		for (j = 0; es[i].w && j < es[i].e->nitems; j++) {
			struct want *w = &es[i].w[j];

			if (!w->key || w->item)
				continue;
			for (e = ix_first(&mc->links, w->key, &it); e; e = ix_next(&it))
				if (e->parent != es[i].mod && !pset_has(&claimed, e->obj))
					break;
			if (e) {
				cJSON *from = e->parent;

				w->item = e->obj;
				e->parent = es[i].mod;
				step_move_item(mc->cx, w->item, items_of(from), es[i].mod);
				plist_add(&order, from);
			} else {
				w->item = ensure_create_item(mc, &es[i], w);
			}
			pset_add(&claimed, w->item);
		}
	}
	/* 3: each module holds exactly its items, in list order (plus what it must keep) */
	for (i = 0; i < nes; i++) {
		cJSON *items, *item;
		struct plist fin = { NULL, 0, 0 };

		if (!es[i].w)
			continue;
		items = items_of(es[i].mod);
		doomed.n = 0;
		for (j = 0; j < es[i].e->nitems; j++) {
			struct want *w = &es[i].w[j];

			if (w->item)
				plist_add(&fin, w->item);
			if (w->item && w->ei->kind == RMOD_ENSURE_URL && w->ei->title)   /* as it says */
				step_set_string(mc->cx, RES_MODULE_ITEM, w->item, "title", w->ei->title,
						NULL);
		}
		cJSON_ArrayForEach(item, items) {
			char *k;

			if (pset_has(&claimed, item))
				continue;
			k = link_key(item);
			if (!k || es[i].missing)
				plist_add(&fin, item);   /* kept, after the listed ones */
			else
				plist_add(&doomed, item);
			free(k);
		}
		for (j = 0; j < doomed.n; j++) {
			char *k = link_key(doomed.v[j]);

			if ((e = ix_entry_of(&mc->links, k, doomed.v[j])))
				e->obj = NULL;
			free(k);
			step_delete(mc->cx, RES_MODULE_ITEM, items, doomed.v[j], NULL);
		}
		set_order(items, fin.v, fin.n);
		renumber(mc, RES_MODULE_ITEM, items, NULL, NULL, NULL);
		plist_release(&fin);
	}
	/* the modules items were moved out of close their ranks (Canvas's remove_from_list) */
	for (i = 0; i < order.n; i++) {
		cJSON *from = order.v[i];
		int listed = 0;

		if (pset_has(&touched, from))
			continue;
		pset_add(&touched, from);
		for (j = 0; j < nes && !listed; j++)
			listed = es[j].w && es[j].mod == from;
		if (listed)
			continue;   /* already in its final order */
		sort_by_position(items_of(from));
		renumber(mc, RES_MODULE_ITEM, items_of(from), NULL, NULL, NULL);
	}
	pset_release(&claimed);
	pset_release(&touched);
	plist_release(&order);
	plist_release(&doomed);
}

static void do_ensure(struct mctx *mc)
{
	const struct rmodules *m = mc->m;
	struct ens *es = xcalloc(m->nensure + 1, sizeof(*es));
	size_t i, j;
	int any_items = 0;

	for (i = 0; i < m->nensure; i++) {
		es[i].e = &m->ensure[i];
		ensure_module(mc, &es[i]);
		any_items |= es[i].e->has_items;
	}
	ensure_order(mc, es, m->nensure);
	if (any_items)
		ensure_items(mc, es, m->nensure);
	for (i = 0; i < m->nensure; i++) {
		if (!es[i].e->with_items)
			continue;
		if (is_true(es[i].mod, "published") && !es[i].was_published)
			publish_module_items(mc, es[i].mod);
		else if (!is_true(es[i].mod, "published") && es[i].was_published)
			unpublish_module_items(mc, es[i].mod);
	}
	for (i = 0; i < m->nensure; i++) {
		for (j = 0; es[i].w && j < es[i].e->nitems; j++)
			free(es[i].w[j].key);
		free(es[i].w);
	}
	free(es);
}

/* ---------------------------------------------------------------- the step */

int step_modules(struct step_ctx *cx, const void *model, struct err *err)
{
	const struct rmodules *m = model;
	struct mctx mc;
	int rc = 0, i;

	memset(&mc, 0, sizeof(mc));
	mc.cx = cx;
	mc.m = m;
	mc.err = err;
	mc.modules = step_list(cx, RES_MODULE);
	sort_by_position(mc.modules);
	if (m->nabsent)
		do_absent(&mc);
	if (m->set || m->rename || m->items)
		rc = do_selected(&mc);
	if (!rc && m->has_ensure)
		do_ensure(&mc);
	ix_release(&mc.by_name);
	ix_release(&mc.links);
	for (i = 0; i < CK_N; i++) {
		ix_release(&mc.content[i]);
		ix_release(&mc.content_name[i]);
	}
	return rc;
}

/* The content kinds item types link to, as resource bits (types 0: every kind). */
static unsigned content_bits(unsigned types)
{
	unsigned k = 0;

	if (!types || (types & RMOD_ITEM_BIT(RMOD_ITEM_ASSIGNMENT)))
		k |= 1u << RES_ASSIGNMENT;
	if (!types || (types & RMOD_ITEM_BIT(RMOD_ITEM_QUIZ)))
		k |= 1u << RES_QUIZ;
	if (!types || (types & RMOD_ITEM_BIT(RMOD_ITEM_DISCUSSION)))
		k |= 1u << RES_DISCUSSION_TOPIC;
	if (!types || (types & RMOD_ITEM_BIT(RMOD_ITEM_PAGE)))
		k |= 1u << RES_PAGE;
	return k;
}

unsigned step_modules_needs(const void *model)
{
	const struct rmodules *m = model;
	unsigned k = 1u << RES_MODULE;
	size_t i, j;

	if (!m)
		return k;
	/* (un)publishing a module with its items (un)publishes their content */
	if (m->set && m->set->has_published && m->set->with_items)
		k |= content_bits(0);
	if (m->items) {
		/* an item's published flag and title carry over to its content */
		if (m->items->has_published || m->items->has_title)
			k |= content_bits(m->items->match_types);
		/* must_submit / min_score on a discussion depend on whether it is graded */
		if (m->items->has_completion && (m->items->completion == RMOD_COMPLETION_MUST_SUBMIT ||
						 m->items->completion == RMOD_COMPLETION_MIN_SCORE))
			k |= content_bits(m->items->match_types) & (1u << RES_DISCUSSION_TOPIC);
	}
	for (i = 0; i < m->nensure; i++) {
		if (m->ensure[i].has_published && m->ensure[i].with_items)
			k |= content_bits(0);
		for (j = 0; j < m->ensure[i].nitems; j++) {
			int ck = ensure_ckind(m->ensure[i].items[j].kind);

			if (ck >= 0)
				k |= 1u << ck_info[ck].res;
		}
	}
	return k;
}

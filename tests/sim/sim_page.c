/* tests/sim/sim_page.c -- one page of a list, with Canvas's Link header (API.md section 2).
 *
 * Handlers hand the list here and this file slices it: either rendered whole (sim_reply_list), or
 * as the stored objects in order with a render function (sim_reply_list_lazy), of which only the
 * page's objects are rendered -- the big lists (assignments, pages, discussions) use that: issue 18
 * measured canvas-sim rendering all 3,000 assignments of a course for each page of 100, 7 times
 * coursectl's CPU to serve tests/bench/plan.sh's course. Two schemes, as
 * Canvas has them: numbered pages (page=1,2,...; "last" link present; past the end is 200 []) and
 * bookmark pages (page=first, then page=bookmark:<base64url of [last id]>; no "last"; an
 * undecodable token is the first page). The bookmark names the last id served, not a position,
 * so a client that builds page numbers itself fails against it, as it would against Canvas.
 *
 * Kept listings (sim_list_cached / sim_list_keep, issue 18): a client reads a long list page after
 * page, and each page collected, filtered and sorted the whole list again (30 pages of 3,000
 * assignments: 90,000 rows looked up key by key in the cJSON state, the simulator's largest cost
 * serving tests/bench/plan.sh). A handler now keeps its ordered items for the next page of the same
 * listing: the same method, route, path and query pairs but `page`, no request body. A kept list
 * holds pointers into the state, so it is valid only while the state is as it was (write_gen and
 * state_gen unchanged: any write request, background job or reset ends it); a few are kept (a
 * client may page through several lists at once), the least recently used replaced. Rejected:
 * sorting once at load time (every write would have to keep the orders), and caching rendered
 * pages (each page is rendered once per listing anyway).
 *
 * A page of a lazy or kept list is rendered and printed in a per-thread arena (sim_arena.c, issue
 * 18): its cJSON tree costs no malloc or free per node and is dropped with the arena unwalked.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sim.h"
#include "sim_link.h"
#include "xalloc.h"

int sim_per_page(const struct sim_req *rq)
{
	const char *pp = sim_query(rq, "per_page");
	int max = rq->sim->cfg.per_page_max > 0 ? rq->sim->cfg.per_page_max : 100;
	long v;
	char *end;

	if (!pp)
		return 10 <= max ? 10 : max;
	v = strtol(pp, &end, 10);
	if (end == pp)
		v = 1;   /* Canvas: a non-numeric value becomes 1 */
	if (v < 1)
		v = 1;
	if (v > max)
		v = max;
	return (int)v;
}

/* The key a bookmark orders by: "id", or "page_id" for pages (whose JSON has no "id"). */
static int64_t item_id(const cJSON *item)
{
	const cJSON *v = sim_get(item, "id");

	if (!v)
		v = sim_get(item, "page_id");
	return sim_value_id(v) >= 0 ? sim_value_id(v) : sim_id(item);
}

/* A list to page through: n items in order; the id a bookmark orders by of item i, and item i
 * rendered (a new cJSON the page takes). */
struct list_src {
	int n;
	const cJSON **items;         /* the items, rendered (sim_reply_list) or as stored (_lazy) */
	cJSON **own;                 /* sim_reply_list: the same, to detach from `all` */
	sim_render_fn render;        /* NULL: items are rendered already (own) */
	void *ctx;
	cJSON *all;
	struct sim_list *kept;       /* NULL, or the kept list whose item_id()s are remembered */
};

/* A kept list's ids are read when they are first wanted, and kept: item i's as it is rendered (its
 * keys are in the cache then), or a bookmark's search reads those before it. Reading all of them
 * when the list was kept walked every stored object's keys once more, most of them never wanted
 * (a numbered listing reads none; i18/simlook: a page's "id" is sought through all its keys,
 * 4,000 pages' worth of cache misses serving tests/bench/plan.sh). */
static void kept_ids_to(struct sim_list *k, int i)
{
	for (; k->nids <= i; k->nids++)
		k->ids[k->nids] = item_id(k->items[k->nids]);
}

static int64_t src_id(const struct list_src *l, int i)
{
	if (!l->kept)
		return item_id(l->items[i]);
	kept_ids_to(l->kept, i);
	return l->kept->ids[i];
}

static cJSON *take_item(struct list_src *l, int i)
{
	if (l->render) {
		cJSON *r = l->render(l->ctx, l->items[i]);

		if (l->kept && l->kept->nids == i)
			kept_ids_to(l->kept, i);   /* the next id in order, read while the item is warm */
		return r;
	}
	return l->own ? cJSON_DetachItemViaPointer(l->all, l->own[i]) : NULL;   /* own: set without render */
}

/* Start index for a bookmark token, 0 when absent, "first" or undecodable. */
static int bookmark_start(const char *page, const struct list_src *l)
{
	char *json;
	const char *br;
	cJSON *tok;
	int64_t last;
	int i;

	if (!page || strncmp(page, "bookmark:", 9))
		return 0;
	json = link_b64url_decode(page + 9, NULL);
	tok = json ? cJSON_Parse(json) : NULL;
	if (!json || !cJSON_IsArray(tok) || !cJSON_IsNumber(cJSON_GetArrayItem(tok, 0))) {
		cJSON_Delete(tok);
		free(json);
		return 0;
	}
	/* the digits, not the double: an id above 2^53 must not round (sim_store.c) */
	br = strchr(json, '[');   /* there: the token parsed as an array */
	last = br ? strtoll(br + 1, NULL, 10) : 0;
	cJSON_Delete(tok);
	free(json);
	/* the first element after the last one served; ids ascend in bookmarked lists */
	for (i = 0; i < l->n; i++)
		if (src_id(l, i) > last)
			return i;
	return i;
}

static char *bookmark_token(const cJSON *item)
{
	char json[48], *b64, *tok;

	snprintf(json, sizeof(json), "[%" PRId64 "]", item_id(item));
	b64 = link_b64url_encode((const unsigned char *)json, strlen(json));
	tok = xasprintf("bookmark:%s", b64);
	free(b64);
	return tok;
}

static void reply_page(struct sim_req *rq, struct sim_resp *rs, struct list_src *l, enum sim_paging mode)
{
	int per_page = sim_per_page(rq), total = l->n, start, i, count;
	const char *page = sim_query(rq, "page");
	cJSON *out = cJSON_CreateArray();
	struct sim_arena *arena;
	struct link_rel rels[5];
	size_t nrels = 0;
	char *hdr, num[32];
	long pageno = 1;

	if (mode == PAGING_NUMBERED) {
		if (page) {
			char *end;

			pageno = strtol(page, &end, 10);
			if (end == page || *end || pageno < 1) {
				cJSON_Delete(out);
				sim_reply_not_found(rs);
				return;
			}
		}
		/* compare page numbers, never multiply: page=99999999999999999 must be past the end,
		 * not a signed overflow */
		start = pageno - 1 >= (total + per_page - 1) / per_page ? total : (int)(pageno - 1) * per_page;
	} else {
		start = bookmark_start(page, l);
	}
	/* only this page's items are rendered (issue 18: a 3,000-assignment course rendered all 3,000
	 * for each page of 100); they are printed below, before anything can change the state, so
	 * the renders may borrow its long strings (sim_dup_render) */
	rq->borrow = l->render != NULL;
	/* the page's tree lives in an arena: its nodes are neither malloced nor freed one by one
	 * (sim_arena.c); the renders attach nothing to the state */
	arena = l->render ? sim_arena_open() : NULL;
	for (count = 0; count < per_page && start + count < total; count++)
		cJSON_AddItemToArray(out, take_item(l, start + count));
	if (mode == PAGING_NUMBERED) {
		long last = (total + per_page - 1) / per_page;

		if (last < 1)
			last = 1;
		snprintf(num, sizeof(num), "%ld", pageno);
		rels[nrels++] = (struct link_rel){ "current", link_url(rq->base, rq->path, rq->query, rq->nquery, num, per_page) };
		if (pageno < last || rq->sim->cfg.endless_link) {   /* --endless-link: a server that never ends */
			snprintf(num, sizeof(num), "%ld", pageno + 1);
			rels[nrels++] = (struct link_rel){ "next", link_url(rq->base, rq->path, rq->query, rq->nquery, num, per_page) };
		}
		if (pageno > 1) {
			snprintf(num, sizeof(num), "%ld", pageno - 1);
			rels[nrels++] = (struct link_rel){ "prev", link_url(rq->base, rq->path, rq->query, rq->nquery, num, per_page) };
		}
		rels[nrels++] = (struct link_rel){ "first", link_url(rq->base, rq->path, rq->query, rq->nquery, "1", per_page) };
		snprintf(num, sizeof(num), "%ld", last);
		rels[nrels++] = (struct link_rel){ "last", link_url(rq->base, rq->path, rq->query, rq->nquery, num, per_page) };
	} else {
		const char *cur = page && !strncmp(page, "bookmark:", 9) ? page : "first";

		rels[nrels++] = (struct link_rel){ "current", link_url(rq->base, rq->path, rq->query, rq->nquery, cur, per_page) };
		if (start + count < total && count > 0) {
			char *tok = bookmark_token(l->items[start + count - 1]);

			rels[nrels++] = (struct link_rel){ "next", link_url(rq->base, rq->path, rq->query, rq->nquery, tok, per_page) };
			free(tok);
		}
		rels[nrels++] = (struct link_rel){ "first", link_url(rq->base, rq->path, rq->query, rq->nquery, "first", per_page) };
	}
	hdr = link_header(rels, nrels);
	sim_reply_header(rs, rq->sim->cfg.lowercase_link ? "link" : "Link", hdr);
	free(hdr);
	for (i = 0; i < (int)nrels; i++)
		free(rels[i].url);
	if (arena) {
		/* the items are the arena's, every byte of them: dropped with it, not walked. A kept
		 * listing's pages are of a size: the buffer starts at the last page's size and a
		 * quarter (sim_json_print_sized) */
		sim_reply_json_print_sized(rs, 200, out, l->kept ? l->kept->printed + l->kept->printed / 4 : 0);
		if (l->kept)
			l->kept->printed = rs->body_len;
		out->child = NULL;
		cJSON_Delete(out);
	} else {
		sim_reply_json(rs, 200, out);
	}
	sim_arena_close(arena);
	rq->borrow = 0;
}

void sim_reply_list(struct sim_req *rq, struct sim_resp *rs, cJSON *all, enum sim_paging mode)
{
	struct list_src l = { 0, NULL, NULL, NULL, NULL, all, NULL };
	size_t n = (size_t)cJSON_GetArraySize(all) + 1;
	cJSON *it;

	l.items = xmalloc(n * sizeof(*l.items));
	l.own = xmalloc(n * sizeof(*l.own));
	cJSON_ArrayForEach(it, all) {
		l.own[l.n] = it;
		l.items[l.n++] = it;
	}
	reply_page(rq, rs, &l, mode);
	free(l.items);
	free(l.own);
	cJSON_Delete(all);
}

void sim_reply_list_lazy(struct sim_req *rq, struct sim_resp *rs, const cJSON **items, int n, sim_render_fn render,
			 void *ctx, enum sim_paging mode)
{
	struct list_src l = { n, items, NULL, render, ctx, NULL, NULL };

	reply_page(rq, rs, &l, mode);
}

void sim_reply_list_kept(struct sim_req *rq, struct sim_resp *rs, struct sim_list *kept, sim_render_fn render,
			 void *ctx, enum sim_paging mode)
{
	struct list_src l = { kept->n, kept->items, NULL, render, ctx, NULL, kept };

	reply_page(rq, rs, &l, mode);
}

/* ---------------------------------------------------------------- kept listings */

#define LIST_KEPT 8

struct sim_list_cache {
	struct kept {
		char *key;               /* NULL: a free slot */
		unsigned write_gen, state_gen;
		unsigned long used;      /* the tick of its last use: the least recent is replaced */
		struct sim_list list;
	} slot[LIST_KEPT];
	unsigned long tick;
};

/* The listing a request names: method, route, path and its query pairs but `page`, in order.
 * Returns a malloced string (the caller frees it), or NULL when the request is not to be kept. */
static char *list_key(const struct sim_req *rq)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (rq->has_body || !rq->route)
		return NULL;
	buf_puts(&b, rq->method);
	buf_putc(&b, '\n');
	buf_puts(&b, rq->route);
	buf_putc(&b, '\n');
	buf_puts(&b, rq->path);
	for (i = 0; i < rq->nquery; i++) {
		if (!strcmp(rq->query[i].key, "page"))
			continue;
		/* lengths first: keys and values may hold any byte */
		buf_printf(&b, "\n%zu:%zu:", strlen(rq->query[i].key), strlen(rq->query[i].val));
		buf_puts(&b, rq->query[i].key);
		buf_puts(&b, rq->query[i].val);
	}
	return buf_detach(&b, NULL);
}

static void kept_clear(struct kept *k)
{
	free(k->key);
	free(k->list.items);
	free(k->list.ids);
	memset(k, 0, sizeof(*k));
}

struct sim_list *sim_list_cached(struct sim_req *rq)
{
	struct sim *s = rq->sim;
	struct sim_list_cache *c = s->lists;
	char *key;
	int i;

	if (!c || !(key = list_key(rq)))
		return NULL;
	for (i = 0; i < LIST_KEPT; i++) {
		struct kept *k = &c->slot[i];

		if (k->key && (k->write_gen != s->write_gen || k->state_gen != s->state_gen))
			kept_clear(k);   /* the state may have changed: its pointers may dangle */
		else if (k->key && !strcmp(k->key, key)) {
			k->used = ++c->tick;
			free(key);
			return &k->list;
		}
	}
	free(key);
	return NULL;
}

struct sim_list *sim_list_keep(struct sim_req *rq, const cJSON **items, int n)
{
	struct sim *s = rq->sim;
	struct kept *k;
	char *key = list_key(rq);
	int i;

	if (!s->lists)
		s->lists = xcalloc(1, sizeof(*s->lists));
	k = &s->lists->slot[0];
	for (i = 1; i < LIST_KEPT && k->key; i++)
		if (!s->lists->slot[i].key || s->lists->slot[i].used < k->used)
			k = &s->lists->slot[i];
	kept_clear(k);
	k->list.items = items;
	k->list.n = n;
	k->list.ids = xmalloc(((size_t)n + 1) * sizeof(*k->list.ids));   /* read as wanted (src_id) */
	k->list.nids = 0;
	k->list.printed = 0;
	/* a request that is not to be kept still gets its list answered: the slot stays free */
	k->key = key;
	k->write_gen = s->write_gen;
	k->state_gen = s->state_gen;
	k->used = ++s->lists->tick;
	return &k->list;
}

void sim_list_cache_free(struct sim *s)
{
	int i;

	sim_id_ix_free(s);   /* the other cache of the state that sim_main.c drops through this call */
	if (!s->lists)
		return;
	for (i = 0; i < LIST_KEPT; i++)
		kept_clear(&s->lists->slot[i]);
	free(s->lists);
	s->lists = NULL;
}

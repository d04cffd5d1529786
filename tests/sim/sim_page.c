/* tests/sim/sim_page.c -- one page of a list, with Canvas's Link header (API.md section 2).
 *
 * Handlers build the whole rendered list and hand it here; this file slices it. Two schemes, as
 * Canvas has them: numbered pages (page=1,2,...; "last" link present; past the end is 200 []) and
 * bookmark pages (page=first, then page=bookmark:<base64url of [last id]>; no "last"; an
 * undecodable token is the first page). The bookmark names the last id served, not a position,
 * so a client that builds page numbers itself fails against it, as it would against Canvas.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, "id");

	if (!v)
		v = cJSON_GetObjectItemCaseSensitive(item, "page_id");
	return sim_value_id(v) >= 0 ? sim_value_id(v) : sim_id(item);
}

/* Start index for a bookmark token, 0 when absent, "first" or undecodable. */
static int bookmark_start(const char *page, cJSON *all)
{
	char *json;
	cJSON *tok, *it;
	int64_t last;
	int i = 0;

	if (!page || strncmp(page, "bookmark:", 9))
		return 0;
	json = link_b64url_decode(page + 9, NULL);
	tok = json ? cJSON_Parse(json) : NULL;
	if (!cJSON_IsArray(tok) || !cJSON_IsNumber(cJSON_GetArrayItem(tok, 0))) {
		cJSON_Delete(tok);
		free(json);
		return 0;
	}
	/* the digits, not the double: an id above 2^53 must not round (sim_store.c) */
	last = strtoll(strchr(json, '[') + 1, NULL, 10);
	cJSON_Delete(tok);
	free(json);
	/* the first element after the last one served; ids ascend in bookmarked lists */
	cJSON_ArrayForEach(it, all) {
		if (item_id(it) > last)
			return i;
		i++;
	}
	return i;
}

static char *bookmark_token(cJSON *item)
{
	char json[48], *b64, *tok;

	snprintf(json, sizeof(json), "[%" PRId64 "]", item_id(item));
	b64 = link_b64url_encode((const unsigned char *)json, strlen(json));
	tok = xasprintf("bookmark:%s", b64);
	free(b64);
	return tok;
}

void sim_reply_list(struct sim_req *rq, struct sim_resp *rs, cJSON *all, enum sim_paging mode)
{
	int per_page = sim_per_page(rq), total = cJSON_GetArraySize(all), start, i;
	const char *page = sim_query(rq, "page");
	cJSON *out = cJSON_CreateArray();
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
				cJSON_Delete(all);
				sim_reply_not_found(rs);
				return;
			}
		}
		/* compare page numbers, never multiply: page=99999999999999999 must be past the end,
		 * not a signed overflow */
		start = pageno - 1 >= (total + per_page - 1) / per_page ? total : (int)(pageno - 1) * per_page;
	} else {
		start = bookmark_start(page, all);
	}
	for (i = 0; i < per_page && start < total; i++) {
		cJSON *it = cJSON_DetachItemFromArray(all, start);

		cJSON_AddItemToArray(out, it);
		total--;
	}
	/* `all` now holds what was before `start` and after this page */
	if (mode == PAGING_NUMBERED) {
		long last = (cJSON_GetArraySize(all) + cJSON_GetArraySize(out) + per_page - 1) / per_page;

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
		if (start < cJSON_GetArraySize(all) && cJSON_GetArraySize(out) > 0) {
			char *tok = bookmark_token(cJSON_GetArrayItem(out, cJSON_GetArraySize(out) - 1));

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
	cJSON_Delete(all);
	sim_reply_json(rs, 200, out);
}

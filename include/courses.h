/* include/courses.h -- which courses a run works on: the recipe's `courses:` resolved against
 * Canvas, narrowed by --course, cut by --shard.
 *
 *   struct course_list cl = COURSE_LIST_INIT;
 *   courses_resolve(&cl, cv, recipe, only, nonly, &shard, &err)   cv may be NULL when the recipe
 *                                                                 has no account listings
 *   ... cl.ids[0..cl.n-1] ...
 *   course_list_release(&cl);
 *
 * Order: the courses the recipe names one by one (a list, from_file), in the recipe's order; then
 * the courses of its account listings, by Canvas id (ascending), each once. With --course, the
 * order of the --course options.
 *
 * Shards (--shard I/N): course c belongs to shard 1 + (H(c) mod N), where H is FNV-1a 64 over the
 * id as the list holds it ("4821", "sis_course_id:X"), finished with MurmurHash3's fmix64 so that
 * consecutive ids spread evenly. A course's shard depends only on its id and N -- never on the
 * list's order or length -- so adding a course to the list moves no other course to another CI
 * job. Rejected: slicing the sorted list into N runs (adding one course shifts every later one);
 * id mod N (Canvas ids of one term are often consecutive, but SIS ids are text). The price: the
 * shards of a short list can be uneven, and one may be empty.
 */
#ifndef COURSECTL_COURSES_H
#define COURSECTL_COURSES_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

struct canvas;
struct recipe;

struct shard {
	unsigned i, n;            /* 1 <= i <= n; n == 0: no sharding */
};

/* "I/N" into sh; ERR_USAGE naming the text for bad syntax, N < 1, I < 1 or I > N. */
int shard_parse(const char *s, struct shard *sh, struct err *err);
/* The shard (1..n) of a course id; n >= 1. */
unsigned shard_of(const char *id, unsigned n);

struct course_list {
	char **ids;               /* malloced, each malloced */
	size_t n, alloc;
	size_t before_shard;      /* how many there were before --shard cut them */
};

#define COURSE_LIST_INIT { NULL, 0, 0, 0 }

void course_list_release(struct course_list *cl);

/* The pure part of courses_resolve: `listed[q]` is what account listing r->queries[q] returned (an
 * array of course objects as Canvas renders them; not changed). Applies each listing's `where`,
 * merges, narrows by `only` (an id not among the courses is ERR_USAGE; a listed course may also be
 * named by its sis_course_id:X) and cuts the shard (sh may be NULL). A recipe that names no course
 * at all takes `only` as it is; with neither, ERR_USAGE. */
int courses_select(struct course_list *out, const struct recipe *r, cJSON *const *listed, char *const *only,
		   size_t nonly, const struct shard *sh, struct err *err);

/* List the recipe's accounts (GET /api/v1/accounts/:id/courses?enrollment_term_id=..., published=
 * when `where` says so, all pages), then courses_select. A listing that fails (an unknown account
 * or term: 404) fails the whole resolution: nobody knows which courses were meant. */
int courses_resolve(struct course_list *out, struct canvas *cv, const struct recipe *r, char *const *only,
		    size_t nonly, const struct shard *sh, struct err *err);

#endif

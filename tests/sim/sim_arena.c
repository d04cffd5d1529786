/* tests/sim/sim_arena.c -- a per-thread arena for the cJSON trees of one list page (issue 18).
 *
 * Why: a list page is rendered into a cJSON tree of a hundred objects of 50 to 80 keys each,
 * printed, and freed. Serving tests/bench/plan.sh's 10,000-object course, malloc and free of those
 * nodes (and glibc consolidating the fast bins they leave) were about a third of the simulator's
 * 1,421 M instructions: more than building and printing the trees. While an arena is open on a
 * thread, every allocation cJSON makes on that thread (nodes, keys, copied strings: cJSON_InitHooks)
 * is a bump of a pointer in a few 256 KB chunks, its free is nothing, and closing the arena
 * returns the chunks to malloc at once. Nothing in a page's tree is malloced outside the arena
 * (keys and strings the simulator sets itself come from sim_cjson_strdup, or are literals added as
 * constant keys, cJSON_AddItemToObjectCS, which nothing frees), so the page is not
 * walked to be freed at all: reply_page drops its tree with the arena (cJSON_Delete of a page of
 * 100 assignments walked 8,000 nodes to free none of them).
 *
 * The tree, its printing (sim_json.c) and so every byte of the answer are what they were: only
 * where cJSON's memory comes from changes. Rejected: a text renderer per kind (render straight to
 * JSON text): each kind's fields would be kept twice, in its cJSON render (every single-object
 * answer, the writes' answers) and in its text render, and the two could drift; the arena keeps one
 * render per kind.
 *
 * The rules (sim.h "Arena"): an arena is opened only around rendering and printing one answer
 * (sim_page.c's reply_page for the rendered lists) and nothing allocated by cJSON in it may
 * outlive it. So a render must not attach new cJSON to the state while the arena is open:
 * sim_course_kind, which creates a missing kind array in the course, suspends the arena for it
 * (sim_arena_suspend / sim_arena_resume). Memory from cJSON is freed through cJSON (cJSON_Delete,
 * cJSON_free), never with free(): inside an arena that pointer is not malloc's; and a string put
 * into a cJSON item by hand comes from cJSON too (sim_cjson_strdup), never xstrdup: a page's tree
 * is dropped without a walk, and a malloced string in it would leak (LeakSanitizer reports it
 * under `make asan`). Outside any arena
 * the hooks are malloc and free. Chunks are malloced and freed (not kept per thread), so a use
 * after the arena closed is a use after free that ASan reports.
 *
 * CANVAS_SIM_ARENA=0 in the environment turns it off (cJSON's own malloc and free, every tree
 * freed by cJSON_Delete): tests/e2e/t0962-sim-arena.sh compares every list answer of the fixture
 * seeds and of a seed of edge cases, byte for byte, with and without.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "xalloc.h"

#define CHUNK_BYTES (256 * 1024)
#define ALIGN 16

struct chunk {
	struct chunk *next;
	char *lo, *hi;   /* the usable bytes */
	char *p;         /* the next free byte */
};

struct sim_arena {
	struct chunk *chunks;   /* the newest first: allocations bump chunks->p */
};

static _Thread_local struct sim_arena *cur;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static int disabled;   /* CANVAS_SIM_ARENA=0: no arena is ever opened (tests/e2e/t0962 compares) */

static struct chunk *chunk_new(size_t need)
{
	size_t size = need > CHUNK_BYTES ? need : CHUNK_BYTES;
	struct chunk *c = xmalloc(sizeof(*c) + ALIGN + size);

	c->lo = (char *)(((uintptr_t)(c + 1) + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
	c->hi = c->lo + size;
	c->p = c->lo;
	return c;
}

static void *hook_malloc(size_t n)
{
	struct sim_arena *a = cur;
	struct chunk *c;
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	char *p;

	if (!a)
		return malloc(n);
	c = a->chunks;
	if (!c || (size_t)(c->hi - c->p) < need) {
		if (need > CHUNK_BYTES / 4) {   /* a big one gets its own chunk, behind the current one */
			struct chunk *big = chunk_new(need);

			if (c) {
				big->next = c->next;
				c->next = big;
			} else {
				big->next = NULL;
				a->chunks = big;
			}
			big->p = big->hi;
			return big->lo;
		}
		c = chunk_new(CHUNK_BYTES);
		c->next = a->chunks;
		a->chunks = c;
	}
	p = c->p;
	c->p += need;
	return p;
}

static void hook_free(void *ptr)
{
	struct sim_arena *a = cur;
	const struct chunk *c;

	if (a)
		for (c = a->chunks; c; c = c->next)
			if ((char *)ptr >= c->lo && (char *)ptr < c->hi)
				return;   /* the arena's: freed when it closes */
	free(ptr);
}

static void install_hooks(void)
{
	cJSON_Hooks h = { hook_malloc, hook_free };
	const char *env = getenv("CANVAS_SIM_ARENA");

	disabled = env && !strcmp(env, "0");
	if (!disabled)
		cJSON_InitHooks(&h);
}

void sim_arena_hooks(void)
{
	pthread_once(&hooks_once, install_hooks);
}

struct sim_arena *sim_arena_open(void)
{
	struct sim_arena *a;

	sim_arena_hooks();
	if (cur || disabled)
		return NULL;   /* one is open on this thread: it serves (sim_arena_close(NULL) is nothing) */
	a = xcalloc(1, sizeof(*a));
	cur = a;
	return a;
}

void sim_arena_close(struct sim_arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	cur = NULL;
	for (c = a->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

struct sim_arena *sim_arena_suspend(void)
{
	struct sim_arena *a = cur;

	cur = NULL;
	return a;
}

void sim_arena_resume(struct sim_arena *a)
{
	cur = a;
}

char *sim_cjson_strdup(const char *str)
{
	size_t n = strlen(str) + 1;
	char *p = cJSON_malloc(n);

	if (!p) {
		fprintf(stderr, "canvas-sim: out of memory\n");
		exit(1);
	}
	memcpy(p, str, n);
	return p;
}

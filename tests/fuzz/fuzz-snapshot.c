/* tests/fuzz/fuzz-snapshot.c -- libFuzzer target: Canvas's answers, as bytes, into the snapshot and
 * the plan: snapshot_fetch() (runner/snapshot.c) over the real HTTP engine (runner/http.c, libcurl)
 * against a loopback server that answers with the fuzzer's input, then plan_run() of a recipe that
 * touches every kind, plan_finish() and render_text() over what came back.
 *
 * The input is up to NSEC sections separated by the byte 0x01 (which JSON never holds raw); each
 * request gets the section of its path:
 *   0 the course   1 assignments   2 quizzes   3 discussion topics   4 announcements   5 modules
 *   6 pages        7 calendar events   8 date_details   9 an assignment's overrides
 *   10 a module's items   11 a single page
 * A missing section is an empty array ("[]"; "{}" for the course). A section that starts with '!'
 * is answered 404 instead of 200 (the rest is the body). There is no Link header (fuzz-link covers
 * it; following one here would make the fuzzer wait on the network), and no status the engine
 * retries after a pause (429, 403 throttling, 5xx), so each input costs a dozen loopback requests
 * and no sleep.
 *
 * What it checks: whatever Canvas answers -- wrong types in known fields, odd ids, deep nesting,
 * invalid UTF-8, NUL escapes -- the snapshot, the planner and the renderer never crash, leak or hit
 * undefined behaviour; a failure is an error with a message (printed when FUZZ_DEBUG is set, to
 * see how far a seed gets).
 *
 * Rejected: calling snapshot.c's response handlers directly (they are static, and going through
 * http.c and canvas.c checks the body handling there too); canvas-sim as the server (it answers
 * with its own data, not the fuzzer's).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "canvas.h"
#include "config.h"
#include "plan.h"
#include "recipe.h"
#include "render.h"
#include "snapshot.h"
#include "xalloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NSEC 12

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *sec[NSEC];
static size_t seclen[NSEC];
static int port;
static struct recipe *recipe;

static const char recipe_text[] =
	"version: 1\n"
	"courses: [1]\n"
	"steps:\n"
	"  - shift_dates: {days: 7}\n"
	"  - pages:\n"
	"      replace: [{pattern: \"(\\\\d+) points\", with: \"$1 pts\", flags: i}]\n"
	"  - replace_text: {in: [assignments, syllabus, discussions, announcements, quizzes], pattern: Zoom,"
	" with: Teams}\n"
	"  - modules:\n"
	"      where: {name: \"^Week\"}\n"
	"      set: {published: true}\n"
	"      rename: {pattern: \"^Week (\\\\d+)\", with: \"Unit $1\"}\n"
	"      items: {where: {title: Quiz}, set: {indent: 1}}\n";

static int section_of(const char *path)
{
	if (strstr(path, "/date_details"))
		return 8;
	if (strstr(path, "/overrides"))
		return 9;
	if (strstr(path, "/items"))
		return 10;
	if (strstr(path, "/pages/"))
		return 11;
	if (strstr(path, "/assignments"))
		return 1;
	if (strstr(path, "/quizzes"))
		return 2;
	if (strstr(path, "/discussion_topics"))
		return strstr(path, "only_announcements") ? 4 : 3;
	if (strstr(path, "/modules"))
		return 5;
	if (strstr(path, "/pages"))
		return 6;
	if (strstr(path, "/calendar_events"))
		return 7;
	return 0;
}

/* The end of the header block ("\r\n\r\n") in p[0..n), or NULL (memmem is a GNU extension). */
static char *head_end(char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++)
		if (!memcmp(p + i, "\r\n\r\n", 4))
			return p + i;
	return NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One connection: requests without bodies (GETs), each answered from its section; keep-alive. */
static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char req[16384], path[4096], head[256];
	size_t have = 0;
	char *end;
	ssize_t r;

	for (;;) {
		while (!(end = head_end(req, have))) {
			if (have == sizeof(req) || (r = read(fd, req + have, sizeof(req) - have)) <= 0)
				goto done;
			have += (size_t)r;
		}
		{
			size_t hlen = (size_t)(end + 4 - req), blen, hl;
			const char *sp = memchr(req, ' ', hlen), *b;
			int k, status = 200;
			char *body;

			snprintf(path, sizeof(path), "%.*s", sp ? (int)strcspn(sp + 1, " \r\n") : 0, sp ? sp + 1 : "");
			k = section_of(path);
			pthread_mutex_lock(&lock);
			b = sec[k];
			blen = seclen[k];
			if (!b) {
				b = k ? "[]" : "{}";
				blen = 2;
			} else if (blen && b[0] == '!') {
				status = 404;
				b++;
				blen--;
			}
			/* one write for head and body: two small ones meet Nagle and delayed ACKs (40 ms) */
			snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
				 "Content-Length: %zu\r\n\r\n", status, status == 200 ? "OK" : "Not Found", blen);
			hl = strlen(head);
			body = xmalloc(hl + blen + 1);
			memcpy(body, head, hl);
			memcpy(body + hl, b, blen);
			pthread_mutex_unlock(&lock);
			r = write_all(fd, body, hl + blen);
			free(body);
			if (r)
				goto done;
			memmove(req, req + hlen, have - hlen);
			have -= hlen;
		}
	}
done:
	close(fd);
	return NULL;
}

static void *acceptor(void *arg)
{
	int ls = (int)(intptr_t)arg, fd;
	pthread_t t;

	for (;;) {
		if ((fd = accept(ls, NULL, NULL)) < 0)
			continue;
		if (pthread_create(&t, NULL, serve, (void *)(intptr_t)fd)) {
			close(fd);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	pthread_t t;
	struct diags d = DIAGS_INIT;

	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 64) ||
	    getsockname(ls, (struct sockaddr *)&a, &al))
		abort();
	port = ntohs(a.sin_port);
	if (pthread_create(&t, NULL, acceptor, (void *)(intptr_t)ls))
		abort();
	pthread_detach(t);
	if (recipe_load_mem(&recipe, "fuzz-snapshot.yaml", recipe_text, strlen(recipe_text), NULL, &d)) {
		diag_print(&d, stderr);
		abort();
	}
	diag_release(&d);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg = CONFIG_INIT;
	struct canvas *cv = NULL;
	struct err err = ERR_INIT;
	char id[] = "1", *ids[] = { id };
	cJSON *snap = NULL;
	struct snapshot_stats st;
	struct plan *p;
	struct render_opts ro = RENDER_OPTS_INIT;
	struct buf out = BUF_INIT;
	const char *s = (const char *)data, *e = s + size, *x;
	int k;

	pthread_mutex_lock(&lock);
	for (k = 0; k < NSEC; k++) {
		sec[k] = NULL;
		seclen[k] = 0;
	}
	for (k = 0; k < NSEC && s <= e; k++) {
		x = memchr(s, 1, (size_t)(e - s));
		if (!x)
			x = e;
		sec[k] = s;
		seclen[k] = (size_t)(x - s);
		s = x + 1;
	}
	pthread_mutex_unlock(&lock);

	cfg.base_url = xasprintf("http://127.0.0.1:%d", port);
	cfg.token = xstrdup("fuzz-token");
	cfg.user_agent = xstrdup("coursectl-fuzz");
	cfg.timeout_ms = 5000;
	cfg.concurrency = 4;
	if (canvas_new(&cv, &cfg, &err))
		abort();
	if (snapshot_fetch(&snap, cv, ids, 1, SNAPSHOT_ALL, &st, &err) == 0) {
		if (!snap)
			abort();
		p = plan_new();
		err = (struct err)ERR_INIT;
		if (plan_run(p, recipe, snap, ids, &err) == 0) {
			plan_finish(p);
			render_text(p, &out, &ro);
			buf_release(&out);
		}
		plan_free(p);
		cJSON_Delete(snap);
	} else if (snap || !err.msg[0]) {
		abort();
	}
	if (err.msg[0] && getenv("FUZZ_DEBUG"))   /* why an input stopped where it did */
		fprintf(stderr, "fuzz-snapshot: %s\n", err.msg);
	canvas_free(cv);
	free(cfg.base_url);
	free(cfg.token);
	free(cfg.user_agent);
	return 0;
}

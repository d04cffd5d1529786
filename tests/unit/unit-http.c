/* tests/unit/unit-http.c -- the HTTP engine's pure parts: Link parsing, URL redaction, the base URL
 * rules (https except loopback, /api/v1 stripped), and the origin rule for the token; the order
 * queued requests start in (HTTP_URGENT) and the before_send hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "http.h"
#include "msg.h"

static void link_next_found(void **state)
{
	char *n;

	(void)state;
	n = http_link_next("<https://c.example.edu/api/v1/x?page=1&per_page=10>; rel=\"current\","
			   "<https://c.example.edu/api/v1/x?page=2&per_page=10>; rel=\"next\","
			   "<https://c.example.edu/api/v1/x?page=1&per_page=10>; rel=\"first\"");
	assert_string_equal(n, "https://c.example.edu/api/v1/x?page=2&per_page=10");
	free(n);
}

static void link_next_variants(void **state)
{
	char *n;

	(void)state;
	/* upper case, unquoted, spaces after commas, several rel words */
	n = http_link_next("<http://h/a?page=first>; REL=current, <http://h/a?page=bookmark:WzEyXQ>; Rel=\"prev next\"");
	assert_string_equal(n, "http://h/a?page=bookmark:WzEyXQ");
	free(n);
	assert_null(http_link_next("<http://h/a?page=1>; rel=\"current\",<http://h/a?page=1>; rel=\"first\""));
	assert_null(http_link_next(""));
	assert_null(http_link_next("garbage"));
	assert_null(http_link_next("<unterminated; rel=\"next\""));
	/* "nextish" is not "next" */
	assert_null(http_link_next("<http://h/b>; rel=\"nextish\""));
}

static void redact(void **state)
{
	char *u;

	(void)state;
	u = http_redact_url("https://h/api/v1/x?access_token=SECRET&page=2");
	assert_string_equal(u, "https://h/api/v1/x?page=2");
	free(u);
	u = http_redact_url("https://h/api/v1/x?page=2&api_key=SECRET");
	assert_string_equal(u, "https://h/api/v1/x?page=2");
	free(u);
	u = http_redact_url("https://h/api/v1/x?access_token=SECRET");
	assert_string_equal(u, "https://h/api/v1/x");
	free(u);
	u = http_redact_url("https://h/api/v1/x");
	assert_string_equal(u, "https://h/api/v1/x");
	free(u);
	/* the token hint of the Access Tokens API (runner/token_info.c) */
	u = http_redact_url("https://h/api/v1/users/self/tokens/7~aBc?access_token=SECRET&x=1");
	assert_string_equal(u, "https://h/api/v1/users/self/tokens/[hint]?x=1");
	free(u);
	u = http_redact_url("https://h/api/v1/users/self/tokens/7~aBc");
	assert_string_equal(u, "https://h/api/v1/users/self/tokens/[hint]");
	free(u);
	u = http_redact_url("https://h/api/v1/x?q=/users/self/tokens/abc");
	assert_string_equal(u, "https://h/api/v1/x?q=/users/self/tokens/abc");
	free(u);
}

static void base_url_rules(void **state)
{
	struct err err = ERR_INIT;
	char *u;

	(void)state;
	u = http_normalize_base("https://canvas.example.edu/api/v1/", 0, &err);
	assert_string_equal(u, "https://canvas.example.edu");
	free(u);
	u = http_normalize_base("http://127.0.0.1:8080", 0, &err);
	assert_string_equal(u, "http://127.0.0.1:8080");
	free(u);
	u = http_normalize_base("http://localhost:3000/api/v1", 0, &err);
	assert_string_equal(u, "http://localhost:3000");
	free(u);
	assert_null(http_normalize_base("http://canvas.example.edu", 0, &err));
	assert_int_equal(err.code, ERR_USAGE);
	assert_non_null(strstr(err.msg, "--insecure-http"));
	msg_set_level(MSG_QUIET);   /* the override warns */
	u = http_normalize_base("http://canvas.example.edu", 1, &err);
	msg_set_level(MSG_NORMAL);
	assert_string_equal(u, "http://canvas.example.edu");
	free(u);
	assert_null(http_normalize_base("ftp://canvas.example.edu", 0, &err));
	assert_null(http_normalize_base("canvas.example.edu", 0, &err));
	assert_null(http_normalize_base("", 0, &err));
	assert_null(http_normalize_base("https://canvas.example.edu/?x=1", 0, &err));
}

static void same_origin(void **state)
{
	struct http *h = NULL;
	struct err err = ERR_INIT;
	struct http_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.base_url = "https://canvas.example.edu";
	o.token = "t";
	assert_int_equal(http_new(&h, &o, &err), 0);
	assert_int_equal(http_same_origin(h, "https://canvas.example.edu/api/v1/courses?page=2"), 0);
	assert_int_equal(http_same_origin(h, "https://CANVAS.example.edu:443/api/v1/x"), 0);
	assert_int_equal(http_same_origin(h, "https://canvas.example.edu:8443/api/v1/x"), -1);
	assert_int_equal(http_same_origin(h, "http://canvas.example.edu/api/v1/x"), -1);
	assert_int_equal(http_same_origin(h, "https://evil.example.com/api/v1/x"), -1);
	assert_int_equal(http_same_origin(h, "https://canvas.example.edu.evil.com/x"), -1);
	assert_int_equal(http_same_origin(h, "not a url"), -1);
	http_free(h);
}

/* The throttle pause has jitter (issue 17): 0.5 .. 1.5 times (100 - remaining) / 10 s, capped at
 * 10 s before the jitter, and not the same every time. */
static void pause_jitter(void **state)
{
	struct http *h = NULL;
	struct err err = ERR_INIT;
	struct http_opts o;
	double p, lo = 1e9, hi = 0;
	int i;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.base_url = "https://canvas.example.edu";
	o.token = "t";
	assert_int_equal(http_new(&h, &o, &err), 0);
	for (i = 0; i < 200; i++) {
		p = http_pause_for(h, 70);          /* 3 s before jitter */
		assert_true(p >= 1.5 && p <= 4.5);
		lo = p < lo ? p : lo;
		hi = p > hi ? p : hi;
	}
	assert_true(hi - lo > 1.0);             /* spread, not one fixed value */
	for (i = 0; i < 50; i++) {
		p = http_pause_for(h, -500);        /* 60 s before the cap */
		assert_true(p >= 5 && p <= 15);
	}
	http_free(h);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct http *engine(const char *base)
{
	struct http *h = NULL;
	struct err err = ERR_INIT;
	struct http_opts o;

	memset(&o, 0, sizeof(o));
	o.base_url = base;
	o.token = "t";
	assert_int_equal(http_new(&h, &o, &err), 0);
	return h;
}

static struct http_req *req(const char *path, unsigned flags)
{
	char url[128];
	struct http_req *r;

	snprintf(url, sizeof(url), "https://canvas.example.edu%s", path);
	r = http_req_new("GET", url);
	r->flags = flags;
	return r;
}

static void expect_next(struct http *h, double now, const char *path)
{
	struct http_req *r = http_take_next(h, now);

	if (!path) {
		assert_null(r);
		return;
	}
	assert_non_null(r);
	assert_string_equal(r->url + strlen("https://canvas.example.edu"), path);
	http_req_free(r);
}

/* Issue 18: the bulk jobs' Progress polls are due 0.3 s after their bulk_update is answered; with one
 * FIFO queue a due poll waited behind every PUT queued before it. An HTTP_URGENT request whose time
 * has come starts before every request queued without the flag; one not yet due waits, and lets the
 * others go; among themselves both kinds keep the order they were queued in. */
static void urgent_first(void **state)
{
	struct http *h = engine("https://canvas.example.edu");
	double t;

	(void)state;
	http_submit(h, req("/put/1", 0));
	http_submit(h, req("/put/2", 0));
	http_submit_after(h, req("/progress/1", HTTP_URGENT), 0.3);
	http_submit(h, req("/put/3", 0));
	http_submit_after(h, req("/progress/2", HTTP_URGENT), 0.3);
	http_submit(h, req("/progress/3", HTTP_URGENT));   /* due at once */
	http_submit(h, req("/put/4", 0));
	t = mono_now();
	expect_next(h, t, "/progress/3");           /* due: before the PUTs queued ahead of it */
	expect_next(h, t, "/put/1");                /* the polls are not due yet: the PUTs go on */
	expect_next(h, t + 1, "/progress/1");       /* due now: before the queued PUTs, in order */
	expect_next(h, t + 1, "/progress/2");
	expect_next(h, t + 1, "/put/2");
	expect_next(h, t + 1, "/put/3");
	expect_next(h, t + 1, "/put/4");
	expect_next(h, t + 1, NULL);
	/* a delayed request without the flag keeps its place but lets the ready ones pass */
	http_submit_after(h, req("/retry", 0), 0.5);
	http_submit(h, req("/put/5", 0));
	expect_next(h, t, "/put/5");
	expect_next(h, t, NULL);
	expect_next(h, t + 1, "/retry");
	http_free(h);
}

struct hook_calls {
	int calls, refuse, done;
	long status;
	enum err_code code;
};

static int hook(void *ud, struct err *err)
{
	struct hook_calls *c = ud;

	c->calls++;
	if (c->refuse)
		return err_set(err, ERR_IO, "cannot write journal 'j': Input/output error");
	return 0;
}

static void hook_done(struct http_req *r, void *ud)
{
	struct hook_calls *c = ud;

	c->done++;
	c->status = r->status;
	c->code = r->err.code;
}

/* The before_send hook runs before a request is started (apply makes its journal durable there,
 * exec.c); when it refuses, the request is not sent -- it finishes with ERR_NOTSENT and no status --
 * and the engine stops, so the requests queued behind it are not sent either. */
static void before_send_refuses(void **state)
{
	struct http *h = engine("http://127.0.0.1:9");
	struct hook_calls c = { 0 };
	struct err err = ERR_INIT;
	struct http_req *r1 = http_req_new("GET", "http://127.0.0.1:9/a"), *r2 = http_req_new("GET", "http://127.0.0.1:9/b");

	(void)state;
	c.refuse = 1;
	http_set_before_send(h, hook, &c);
	r1->done = r2->done = hook_done;
	r1->ud = r2->ud = &c;
	http_submit(h, r1);
	http_submit(h, r2);
	assert_int_equal(http_run(h, &err), 0);
	assert_int_equal(c.calls, 1);            /* once: then the engine is stopped */
	assert_int_equal(c.done, 2);
	assert_int_equal(c.status, 0);
	assert_int_equal(c.code, ERR_NOTSENT);
	assert_true(http_stopped(h));
	assert_int_equal(http_get_stats(h)->requests, 0);
	http_free(h);
}

/* Issue 18: X-Rate-Limit-Remaining counts the up-front 50 units of every request still in flight,
 * which come back within a round trip. An answer saying 50 while 7 others are in flight is a bucket
 * whose settled level is 200: 7 requests still fit with HTTP_CAP_MARGIN units to spare, and no pause is
 * due (the rule before paused (100 - 50) / 10 = 5 s, jittered, and halved the window). */
static void throttle_cap(void **state)
{
	(void)state;
	assert_int_equal(http_throttle_cap(50, 7), 7);      /* settled 200: 400 units, 7 x 50 + margin */
	assert_int_equal(http_throttle_cap(600, 0), 11);    /* an empty bucket */
	assert_int_equal(http_throttle_cap(350, 0), 6);
	assert_int_equal(http_throttle_cap(120, 0), 2);     /* 100 reserved, 15 to spare */
	assert_int_equal(http_throttle_cap(110, 0), 1);     /* one fits */
	assert_int_equal(http_throttle_cap(-20, 6), 5);     /* settled 320: 280 units hold 5 (a 50 margin: 4) */
	assert_int_equal(http_throttle_cap(99, 0), 0);      /* the settled level itself: pause */
	assert_int_equal(http_throttle_cap(-150, 4), 0);    /* 50 once they settle: pause */
	assert_int_equal(http_throttle_cap(-50, 4), 2);    /* 150 once they settle */
	assert_int_equal(http_throttle_cap(-1e300, 0), 0);
	assert_true(http_throttle_cap(1e300, 8) > 100);
}

/* Issue 18 (i18/throttle3): a row of 6 requests started together at a settled level of 250 ends
 * together; Canvas settles them one by one, each answer saying the level right after its own settle
 * (about 100 for the first: the 5 others still hold 250 units; 350 for the last), and curl may hand
 * them over in the reverse order. Completed in curl's order the first-settled answer comes last,
 * with nothing else in flight: under 100 units of room, a pause and a window of 1 where 6 fit. In settle order (lowest
 * remaining first) every answer sees its later-settled row-mates in flight and finds room for 6. */
static void settle_order(void **state)
{
	const double row[] = { 350.4, 300.3, 250.2, 200.1, 150.0, 99.9 };   /* as curl handed them over */
	const double mixed[] = { -1e9, 200, -1e9, 150, 200, 180 };
	int order[6], i;

	(void)state;
	assert_int_equal(http_throttle_cap(row[5], 0), 0);    /* curl's order: the last answer pauses */
	http_settle_order(row, 6, order);
	for (i = 0; i < 6; i++) {
		assert_int_equal(order[i], 5 - i);
		assert_int_equal(http_throttle_cap(row[order[i]], 5 - i), 6);
	}
	/* absent headers (-1e9) first, ties in the order given */
	http_settle_order(mixed, 6, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 3);
	assert_int_equal(order[3], 5);
	assert_int_equal(order[4], 1);
	assert_int_equal(order[5], 4);
	http_settle_order(row, 0, order);                      /* an empty turn */
}

/* Issue 18 (i18/throttle3): a row split over two turns. Seven answers of a row of 8 were read in one
 * turn (remaining 137 to 486), nothing was started since, and the eighth comes in the next turn
 * saying 286.7 with nothing else in flight: alone it puts the settled level at 313 and cuts the
 * window to 5 (the throttled apply started its writes at 5 for that). The four that said 336 or
 * more were settled after it, so they were in flight when it settled: 486.7 units of room, 9. An
 * answer that said only a little more was settled before it (a request arrived between). */
static void settled_after(void **state)
{
	const double turn1[] = { 137.3, 187.1, 236.9, 336.5, 386.3, 436.1, 486.0 };
	const double near[] = { 300.1, 310.0, 311.7 };

	(void)state;
	assert_int_equal(http_throttle_cap(286.7, 0), 5);
	assert_int_equal(http_settled_after(turn1, 7, 286.7), 4);
	assert_int_equal(http_throttle_cap(286.7, http_settled_after(turn1, 7, 286.7)), 9);
	assert_int_equal(http_settled_after(near, 3, 286.7), 1);   /* 25 more or not */
	assert_int_equal(http_settled_after(turn1, 0, 286.7), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(link_next_found), cmocka_unit_test(link_next_variants), cmocka_unit_test(redact),
		cmocka_unit_test(base_url_rules),  cmocka_unit_test(same_origin),    cmocka_unit_test(pause_jitter),
		cmocka_unit_test(throttle_cap),    cmocka_unit_test(urgent_first),   cmocka_unit_test(before_send_refuses),
		cmocka_unit_test(settle_order),    cmocka_unit_test(settled_after),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

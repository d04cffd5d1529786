/* tests/unit/unit-sim-link.c -- canvas-sim's Link header and bookmark tokens (tests/sim/sim_link.c).
 *
 * API.md 2: every query parameter but page, per_page, access_token and api_key is kept, keys
 * sorted (arrays keep their order), re-encoded Rails-style, page and per_page appended last;
 * entries joined by a bare comma in the order given; links dropped in the order next, last,
 * prev, current, first when together they pass ~6 KB. Bookmark tokens are base64url without
 * padding and must round-trip any bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim_form.h"
#include "sim_link.h"

#define BASE "http://127.0.0.1:8080"

static char *url_of(const char *query, const char *path, const char *page, int per_page)
{
	struct sim_kv *kv = NULL;
	size_t n = 0;
	char *u;

	form_parse(query, strlen(query), &kv, &n);
	u = link_url(BASE, path, kv, n, page, per_page);
	form_free(kv, n);
	return u;
}

static void check_url(const char *query, const char *page, int per_page, const char *want_query)
{
	char *got = url_of(query, "/api/v1/courses/1/assignments", page, per_page);
	size_t n = strlen(want_query) + 64;
	char *want = malloc(n);

	snprintf(want, n, "%s/api/v1/courses/1/assignments?%s", BASE, want_query);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* ---------------------------------------------------------------- link_url */

static void test_url_no_query(void **state)
{
	(void)state;
	check_url("", "1", 10, "page=1&per_page=10");
	check_url("", "bookmark:WzEyM10", 100, "page=bookmark%3AWzEyM10&per_page=100");
}

static void test_url_sorted_keys(void **state)
{
	(void)state;
	check_url("zeta=1&alpha=2&mid=3", "2", 10, "alpha=2&mid=3&zeta=1&page=2&per_page=10");
	/* byte order: uppercase before lowercase, "a" before "a_b" before "ab" */
	check_url("ab=1&a_b=2&a=3&B=4", "1", 5, "B=4&a=3&a_b=2&ab=1&page=1&per_page=5");
}

static void test_url_arrays_keep_order(void **state)
{
	(void)state;
	check_url("include[]=overrides&include[]=all_dates&bucket=past", "1", 10,
		  "bucket=past&include%5B%5D=overrides&include%5B%5D=all_dates&page=1&per_page=10");
	/* the sort is stable: equal keys keep the request's order even among other keys */
	check_url("s[]=z&a=1&s[]=b&s[]=m", "3", 10, "a=1&s%5B%5D=z&s%5B%5D=b&s%5B%5D=m&page=3&per_page=10");
}

static void test_url_strips_paging_and_credentials(void **state)
{
	(void)state;
	check_url("page=7&per_page=3&access_token=secret&api_key=k&search_term=x", "8", 3,
		  "search_term=x&page=8&per_page=3");
	/* only those exact names: page_size or my_access_token are kept */
	check_url("page_size=1&my_access_token=2", "1", 10, "my_access_token=2&page_size=1&page=1&per_page=10");
}

static void test_url_reencodes(void **state)
{
	(void)state;
	/* decoded values are encoded again, the Rails way (space as %20, not '+') */
	check_url("search_term=a+b%2Fc&x=%5B", "1", 10, "search_term=a%20b%2Fc&x=%5B&page=1&per_page=10");
	check_url("empty=&flag", "1", 10, "empty=&flag=&page=1&per_page=10");
}

static void test_url_raw_path(void **state)
{
	char *got;

	(void)state;
	/* the path is copied as requested, still percent-encoded */
	got = url_of("", "/api/v1/courses/sis_course_id:CS%2F101/pages", "1", 10);
	assert_string_equal(got, BASE "/api/v1/courses/sis_course_id:CS%2F101/pages?page=1&per_page=10");
	free(got);
}

/* ---------------------------------------------------------------- link_header */

static void test_header_order_and_commas(void **state)
{
	struct link_rel rels[] = {
		{ "current", "http://h/a?page=2" }, { "next", "http://h/a?page=3" }, { "prev", "http://h/a?page=1" },
		{ "first", "http://h/a?page=1" }, { "last", "http://h/a?page=9" },
	};
	char *h;

	(void)state;
	h = link_header(rels, 5);
	assert_string_equal(h, "<http://h/a?page=2>; rel=\"current\",<http://h/a?page=3>; rel=\"next\","
			       "<http://h/a?page=1>; rel=\"prev\",<http://h/a?page=1>; rel=\"first\","
			       "<http://h/a?page=9>; rel=\"last\"");
	free(h);
	/* order is the caller's */
	h = link_header(rels + 3, 2);
	assert_string_equal(h, "<http://h/a?page=1>; rel=\"first\",<http://h/a?page=9>; rel=\"last\"");
	free(h);
}

static void test_header_skips_null(void **state)
{
	struct link_rel rels[] = {
		{ "current", "http://h/1" }, { "next", NULL }, { "prev", NULL }, { "first", "http://h/f" },
	};
	struct link_rel none[] = { { "current", NULL } };
	char *h;

	(void)state;
	h = link_header(rels, 4);
	assert_string_equal(h, "<http://h/1>; rel=\"current\",<http://h/f>; rel=\"first\"");
	free(h);
	h = link_header(none, 1);
	assert_string_equal(h, "");
	free(h);
	h = link_header(rels, 0);
	assert_string_equal(h, "");
	free(h);
}

static void test_header_6k_drop_order(void **state)
{
	/* five URLs of 1500 bytes: 5 x ~1520 > 6144 */
	char *u = malloc(1501);
	struct link_rel rels[5];
	static const char *const names[] = { "current", "next", "prev", "first", "last" };
	char *h;
	int i;

	(void)state;
	memset(u, 'x', 1500);
	memcpy(u, "http://", 7);
	u[1500] = '\0';
	for (i = 0; i < 5; i++)
		rels[i] = (struct link_rel){ names[i], u };
	h = link_header(rels, 5);
	/* next goes first; four links (~6080 bytes) fit */
	assert_null(strstr(h, "rel=\"next\""));
	assert_non_null(strstr(h, "rel=\"current\""));
	assert_non_null(strstr(h, "rel=\"prev\""));
	assert_non_null(strstr(h, "rel=\"first\""));
	assert_non_null(strstr(h, "rel=\"last\""));
	assert_true(strlen(h) <= 6144);
	free(h);
	free(u);

	/* URLs of 2500 bytes: only two fit; next and last go, then prev */
	u = malloc(2501);
	memset(u, 'y', 2500);
	u[2500] = '\0';
	for (i = 0; i < 5; i++)
		rels[i].url = u;
	h = link_header(rels, 5);
	assert_null(strstr(h, "rel=\"next\""));
	assert_null(strstr(h, "rel=\"last\""));
	assert_null(strstr(h, "rel=\"prev\""));
	assert_non_null(strstr(h, "rel=\"current\""));
	assert_non_null(strstr(h, "rel=\"first\""));
	free(h);
	free(u);

	/* one huge URL: everything is dropped */
	u = malloc(7001);
	memset(u, 'z', 7000);
	u[7000] = '\0';
	for (i = 0; i < 5; i++)
		rels[i].url = u;
	h = link_header(rels, 5);
	assert_string_equal(h, "");
	free(h);
	free(u);
}

static void test_header_under_limit_kept(void **state)
{
	char *u = malloc(1001), *h;
	struct link_rel rels[5];
	static const char *const names[] = { "current", "next", "prev", "first", "last" };
	int i;

	(void)state;
	memset(u, 'q', 1000);
	u[1000] = '\0';
	for (i = 0; i < 5; i++)
		rels[i] = (struct link_rel){ names[i], u };
	h = link_header(rels, 5);
	for (i = 0; i < 5; i++) {
		char want[32];

		snprintf(want, sizeof(want), "rel=\"%s\"", names[i]);
		assert_non_null(strstr(h, want));
	}
	free(h);
	free(u);
}

/* ---------------------------------------------------------------- base64url */

static void check_b64(const char *in, size_t n, const char *want)
{
	char *enc = link_b64url_encode((const unsigned char *)in, n), *dec;
	size_t len = 99;

	assert_string_equal(enc, want);
	dec = link_b64url_decode(enc, &len);
	assert_non_null(dec);
	assert_int_equal(len, n);
	assert_memory_equal(dec, in, n);
	assert_int_equal(dec[n], '\0');
	free(enc);
	free(dec);
}

static void test_b64_vectors(void **state)
{
	(void)state;
	/* RFC 4648 test vectors, without padding */
	check_b64("", 0, "");
	check_b64("f", 1, "Zg");
	check_b64("fo", 2, "Zm8");
	check_b64("foo", 3, "Zm9v");
	check_b64("foob", 4, "Zm9vYg");
	check_b64("fooba", 5, "Zm9vYmE");
	check_b64("foobar", 6, "Zm9vYmFy");
	/* the url alphabet: - and _ instead of + and / */
	check_b64("\xfb\xff\xbf", 3, "-_-_");
	check_b64("[123]", 5, "WzEyM10");
}

static void test_b64_roundtrip_all_bytes(void **state)
{
	unsigned char in[300];
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	for (n = 0; n < sizeof(in); n += 37) {
		char *enc = link_b64url_encode(in, n), *dec;
		size_t len = 0;

		assert_null(strchr(enc, '='));
		assert_null(strchr(enc, '+'));
		assert_null(strchr(enc, '/'));
		dec = link_b64url_decode(enc, &len);
		assert_non_null(dec);
		assert_int_equal(len, n);
		assert_memory_equal(dec, in, n);
		free(enc);
		free(dec);
	}
}

static void test_b64_decode_padding_and_invalid(void **state)
{
	char *dec;

	(void)state;
	/* padded input is accepted too */
	dec = link_b64url_decode("Zg==", NULL);
	assert_non_null(dec);
	assert_string_equal(dec, "f");
	free(dec);
	dec = link_b64url_decode("Zm8=", NULL);
	assert_string_equal(dec, "fo");
	free(dec);
	/* characters outside the url alphabet */
	assert_null(link_b64url_decode("Zm9v+", NULL));
	assert_null(link_b64url_decode("Zm9/", NULL));
	assert_null(link_b64url_decode("Zm 9", NULL));
	assert_null(link_b64url_decode("Z=g", NULL));
	assert_null(link_b64url_decode("%%%", NULL));
	/* one lone trailing character cannot be base64 */
	assert_null(link_b64url_decode("Z", NULL));
	assert_null(link_b64url_decode("Zm9vY", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_no_query),
		cmocka_unit_test(test_url_sorted_keys),
		cmocka_unit_test(test_url_arrays_keep_order),
		cmocka_unit_test(test_url_strips_paging_and_credentials),
		cmocka_unit_test(test_url_reencodes),
		cmocka_unit_test(test_url_raw_path),
		cmocka_unit_test(test_header_order_and_commas),
		cmocka_unit_test(test_header_skips_null),
		cmocka_unit_test(test_header_6k_drop_order),
		cmocka_unit_test(test_header_under_limit_kept),
		cmocka_unit_test(test_b64_vectors),
		cmocka_unit_test(test_b64_roundtrip_all_bytes),
		cmocka_unit_test(test_b64_decode_padding_and_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/unit-sim-json.c -- canvas-sim's JSON printer (tests/sim/sim_json.c) prints what cJSON
 * prints: sim_json_print(j, how) must equal cJSON_PrintUnformatted(j) after sim_ids_render(j, how),
 * byte for byte, and leave j as it was.
 *
 * Fixed cases cover each rule (escapes, control characters, non-ASCII bytes, numbers on both sides
 * of cJSON's %d / %1.15g / %1.17g choice, NaN, ids of both forms under each id mode, raw items,
 * empty containers, NULL strings and keys); then generated trees (a fixed-seed generator: nested
 * objects and arrays under id and other keys, numbers of every size, strings of every byte) are
 * compared under the three id modes.
 *
 * The arena (tests/sim/sim_arena.c, a list page's cJSON memory): the same generated trees, and trees
 * edited as the renders edit them (sim_set replacing values, deletions, strings bigger than a
 * chunk), built and printed inside an arena print the same bytes as outside one; a tree made before
 * the arena is freed inside it; what is made while the arena is suspended outlives it (valgrind and
 * ASan check the frees).
 *
 * sim_object_url (sim_store.c), the object urls a list page prints, is what xasprintf prints.
 */
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"
#include "xalloc.h"

static const enum sim_ids modes[] = { SIM_IDS_ASIS, SIM_IDS_NUMBERS, SIM_IDS_STRINGS };

/* Compare the printer with cJSON under every id mode on the tree make(arg) builds: two trees of
 * it, one printed by sim_json_print (and then checked unchanged), one rendered by sim_ids_render and
 * printed by cJSON (a copy by cJSON_Duplicate would lose the reference flags). */
static void check(cJSON *(*make)(const void *), const void *arg)
{
	size_t m;

	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		cJSON *mine = make(arg), *theirs = make(arg);
		char *before = cJSON_PrintUnformatted(mine), *want, *got, *after;
		size_t len = 0;

		sim_ids_render(theirs, modes[m]);
		want = cJSON_PrintUnformatted(theirs);
		got = sim_json_print(mine, modes[m], &len);
		if (!want || !got)
			fail_msg("mode %d: cJSON %s, sim_json_print %s", (int)modes[m], want ? "printed" : "failed",
				 got ? "printed" : "failed");
		if (strcmp(got, want))
			fail_msg("mode %d: got '%.300s', want '%.300s'", (int)modes[m], got, want);
		assert_int_equal(len, strlen(want));
		after = cJSON_PrintUnformatted(mine);   /* the tree is not changed */
		assert_string_equal(before, after);
		free(before);
		free(after);
		free(want);
		free(got);
		cJSON_Delete(mine);
		cJSON_Delete(theirs);
	}
}

static cJSON *parse(const void *text)
{
	cJSON *j = cJSON_Parse(text);

	if (!j)
		fail_msg("test input does not parse: %s", (const char *)text);
	return j;
}

static void same_text(const char *in)
{
	check(parse, in);
}

/* Every byte 1..255 in a string and a key; NaN and infinities (null); a raw item (its text); a
 * NULL string and a NULL key (""); string references under id keys (never made numbers). */
static cJSON *odd_tree(const void *arg)
{
	cJSON *j = cJSON_CreateObject(), *o;
	char all[256];
	int i;

	(void)arg;
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	cJSON_AddStringToObject(j, all, all);
	cJSON_AddNumberToObject(j, "nan", NAN);
	cJSON_AddNumberToObject(j, "inf", INFINITY);
	cJSON_AddNumberToObject(j, "ninf", -INFINITY);
	cJSON_AddRawToObject(j, "raw", "[1, 2]");
	o = cJSON_CreateString("x");
	free(o->valuestring);
	o->valuestring = NULL;
	cJSON_AddItemToObject(j, "nullstr", o);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(j, "ref_ids"), cJSON_CreateStringReference("10000000000000009"));
	cJSON_AddItemToObject(j, "ref_id", cJSON_CreateStringReference("10000000000000009"));
	o = cJSON_CreateNumber(5);
	cJSON_AddItemToObject(j, "k", o);
	free(o->string);
	o->string = NULL;
	return j;
}

static void test_fixed(void **state)
{
	(void)state;
	same_text("{}");
	same_text("[]");
	same_text("[[],{},[{}],\"\",null,true,false]");
	same_text("{\"a\":\"quote \\\" backslash \\\\ slash / tab \\t nl \\n cr \\r bs \\b ff \\f\"}");
	same_text("{\"b\":\"\\u0001\\u001f\\u007f caf\\u00e9 \\u20ac \\ud83d\\ude00\"}");
	same_text("[0,-0,1,-1,2147483647,2147483648,-2147483648,-2147483649,4294967296,9007199254740991,"
		  "9007199254740993,1e300,-1e-300,0.1,0.5,1.5,10.25,3.14159265358979,0.30000000000000004,"
		  "1234567.891,1e21,123456789012345678901234567890,5e-324,1.7976931348623157e308]");
	same_text("{\"id\":51002,\"course_id\":4821,\"position\":2,\"points_possible\":10.5,\"quiz_id\":null,"
		  "\"items\":[{\"content_id\":7,\"page_url\":\"a\"}],\"student_ids\":[1,\"10000000000000951\"],"
		  "\"sis_course_id\":\"12\",\"lti_context_id\":5,\"valid\":3,\"ids\":[4,[5],{\"id\":6}],"
		  "\"id_x\":1,\"d\":1,\"s\":2,\"_id\":3,\"_ids\":[4],\"xids\":[5],\"x_id\":1.5,\"y_id\":-7}");
	same_text("{\"id\":\"10000000000000001\",\"module_id\":\"12\",\"prerequisite_module_ids\":"
		  "[\"10000000000000301\",7,\"x\"],\"sis_course_id\":\"10000000000000001\","
		  "\"parent_id\":\"assignment_5\",\"x_id\":5,\"z_id\":\"99999999999999999999\",\"w_id\":[\"10000000000000002\"],"
		  "\"v_ids\":\"10000000000000003\",\"nested\":{\"id\":\"10000000000000004\",\"a\":[{\"id\":1}]}}");
	same_text("[{\"id\":1e300},{\"id\":-5},{\"id\":2.5},{\"id\":true},{\"id\":null},{\"id\":{\"id\":3}}]");

	check(odd_tree, NULL);
}

/* Both fail where cJSON fails: an item of no type, a raw item without text. */
static void test_failures(void **state)
{
	cJSON *j = cJSON_CreateArray(), *bad = cJSON_CreateNull();
	size_t len = 7;

	(void)state;
	bad->type = cJSON_Invalid;
	cJSON_AddItemToArray(j, bad);
	assert_null(cJSON_PrintUnformatted(j));
	assert_null(sim_json_print(j, SIM_IDS_STRINGS, &len));
	bad->type = cJSON_Raw;
	assert_null(cJSON_PrintUnformatted(j));
	assert_null(sim_json_print(j, SIM_IDS_NUMBERS, &len));
	cJSON_Delete(j);
	assert_null(sim_json_print(NULL, SIM_IDS_ASIS, &len));
}

static unsigned long rng_state = 12345;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((rng_state >> 33) % n);
}

static cJSON *gen(int depth);

static const char *const keys[] = { "id", "course_id", "student_ids", "ids", "sis_user_id", "lti_id", "title",
				    "body", "position", "x_ids", "due_at", "", "a\"b", "k\x01", "points_possible",
				    /* 63 and 64 bytes, 73 ending in an id suffix, 64 ending in an escape (sim_json.c: put_key) */
				    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk",
				    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
				    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr_id",
				    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk\"" };

static double gen_number(void)
{
	static const double special[] = { 0, -0.0, 1, -1, 0.1, 2.5, 1e15, 1e16, 1e17, 9007199254740993.0, 1e300,
					  -1e-300, 2147483647.0, 2147483648.0, -2147483649.0, 4.9e-324, 123.456 };

	switch (rnd(4)) {
	case 0: return special[rnd(sizeof(special) / sizeof(special[0]))];
	case 1: return (double)rnd(100000000);
	case 2: return (double)rnd(1000000) / (double)(1 + rnd(1000));
	default: return ldexp((double)rnd(1u << 30), (int)rnd(140) - 70) * (rnd(2) ? 1 : -1);
	}
}

static cJSON *gen_string(void)
{
	char b[40], t[400];
	size_t n = rnd(sizeof(b)), i;

	if (rnd(4) == 0) {   /* long text, escapes rare: the printer's eight-bytes-at-a-time path */
		static const char special[] = "\"\\\n\t\x01\x1f\x7f\xc3\xa9/";

		n = rnd(sizeof(t));
		for (i = 0; i < n; i++)
			t[i] = rnd(30) ? (char)('a' + rnd(26)) : special[rnd(sizeof(special) - 1)];
		t[n] = '\0';
		return cJSON_CreateString(t);
	}

	if (rnd(4) == 0) {   /* an id as a string: small, big, or too long */
		static const char *const ids[] = { "12", "10000000000000001", "9007199254740992", "123456789012345678901",
						   "00012", "-5", "1a" };

		return cJSON_CreateString(ids[rnd(sizeof(ids) / sizeof(ids[0]))]);
	}
	for (i = 0; i < n; i++)
		b[i] = (char)(1 + rnd(255));
	b[n] = '\0';
	return cJSON_CreateString(b);
}

static cJSON *gen(int depth)
{
	unsigned kind = rnd(depth > 3 ? 5 : 8), n, i;
	cJSON *j;

	switch (kind) {
	case 0: return cJSON_CreateNull();
	case 1: return cJSON_CreateBool(rnd(2));
	case 2: return cJSON_CreateNumber(gen_number());
	case 3:
	case 4: return gen_string();
	case 5:
		j = cJSON_CreateArray();
		for (n = rnd(5), i = 0; i < n; i++)
			cJSON_AddItemToArray(j, gen(depth + 1));
		return j;
	default:
		j = cJSON_CreateObject();
		for (n = rnd(7), i = 0; i < n; i++)
			cJSON_AddItemToObject(j, keys[rnd(sizeof(keys) / sizeof(keys[0]))], gen(depth + 1));
		return j;
	}
}

/* The tree the generator makes from the state *arg (the same tree each time). */
static cJSON *generated(const void *arg)
{
	rng_state = *(const unsigned long *)arg;
	return gen(0);
}

static void test_generated(void **state)
{
	unsigned long seed;

	(void)state;
	for (seed = 1; seed <= 3000; seed++)
		check(generated, &seed);
}

/* The generated tree, edited as a render edits its answer: keys replaced (sim_set), one deleted,
 * a string larger than an arena chunk, a key set on the duplicate of a stored object. */
static cJSON *edited(const void *arg)
{
	cJSON *j = cJSON_CreateObject(), *dup;
	size_t big = 300 * 1024;
	char *text = malloc(big + 1);

	assert_non_null(text);
	memset(text, 'x', big);
	text[big] = '\0';
	cJSON_AddItemToObject(j, "tree", generated(arg));
	cJSON_AddStringToObject(j, "title", "before");
	cJSON_AddNumberToObject(j, "id", 42);
	sim_set_str(j, "title", "after \"quoted\" caf\xc3\xa9");
	sim_set(j, "id", cJSON_CreateString("10000000000000001"));
	cJSON_AddStringToObject(j, "big", text);
	cJSON_AddNullToObject(j, "gone");
	cJSON_DeleteItemFromObjectCaseSensitive(j, "gone");
	dup = cJSON_Duplicate(j, 1);
	sim_set(dup, "copy", cJSON_CreateTrue());
	cJSON_AddItemToObject(j, "dup", dup);
	free(text);
	return j;
}

static char *print_built(cJSON *(*make)(const void *), const void *arg, int in_arena, enum sim_ids how)
{
	struct sim_arena *a = in_arena ? sim_arena_open() : NULL;
	cJSON *j;
	char *out;
	size_t len = 0;

	if (in_arena)
		assert_non_null(a);
	j = make(arg);
	out = sim_json_print(j, how, &len);
	assert_non_null(out);
	assert_int_equal(len, strlen(out));
	cJSON_Delete(j);
	sim_arena_close(a);
	return out;
}

static void test_arena(void **state)
{
	unsigned long seed;
	struct sim_arena *a, *s;
	cJSON *before, *kept;
	size_t m;

	(void)state;
	for (seed = 1; seed <= 1000; seed++) {
		for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			cJSON *(*make)(const void *) = seed % 2 ? generated : edited;
			char *want = print_built(make, &seed, 0, modes[m]), *got = print_built(make, &seed, 1, modes[m]);

			if (strcmp(got, want))
				fail_msg("seed %lu mode %d: got '%.300s', want '%.300s'", seed, (int)modes[m], got, want);
			free(want);
			free(got);
		}
	}
	/* a tree from before the arena, freed inside it; one made while it is suspended outlives it */
	before = generated(&(unsigned long){ 7 });
	a = sim_arena_open();
	assert_non_null(a);
	assert_null(sim_arena_open());   /* one per thread: the open one serves */
	cJSON_Delete(before);
	s = sim_arena_suspend();
	assert_ptr_equal(s, a);
	kept = edited(&(unsigned long){ 8 });
	sim_arena_resume(s);
	cJSON_Delete(cJSON_Duplicate(kept, 1));
	sim_arena_close(a);
	sim_arena_close(NULL);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(kept, "id")->valuestring, "10000000000000001");
	cJSON_Delete(kept);
}

static void test_object_url(void **state)
{
	static const int64_t ids[] = { 0, 1, -1, 9, 10, 4821, 9007199254740993, INT64_MAX, INT64_MIN };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		for (j = 0; j < sizeof(ids) / sizeof(ids[0]); j++) {
			char *got = sim_object_url("http://127.0.0.1:5", ids[i], "assignments", ids[j], j % 2 ? "/x?y=1" : NULL);
			char *want = xasprintf("http://127.0.0.1:5/courses/%" PRId64 "/assignments/%" PRId64 "%s", ids[i],
					       ids[j], j % 2 ? "/x?y=1" : "");

			assert_string_equal(got, want);
			free(got);
			free(want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_object_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

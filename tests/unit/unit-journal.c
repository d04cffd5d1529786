/* tests/unit/unit-journal.c -- the write-ahead journal (runner/journal.c, include/journal.h).
 *
 * What apply, resume and rollback rely on: what is written reads back (states, ids, errors, the
 * plan with its full before values); a torn last line is forgiven and cut away by reopen, any
 * other damage is refused with FILE:LINE; the file is private (0600) from creation and its header
 * holds exactly the documented keys (so no token can slip in); a second run on one journal is
 * locked out; a seq outside the plan is refused on write and on read, and so are records that
 * disagree with the plan (an id for an update, a job for a page body); journal_check refuses a
 * journal whose header plan was edited (a before changed: plan_sha256; a change of a field no step
 * makes, with both hashes made again: the field table); a write error leaves the
 * file ending on a whole record; the default directory follows XDG_STATE_HOME, then HOME.
 * Every case works in its own temporary directory.
 */
#define _XOPEN_SOURCE 700         /* nftw, to remove each case's directory */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "journal.h"
#include "sha256.h"
#include "xalloc.h"

static const char *plan_text =
	"{\"format\": \"coursectl-plan\", \"version\": 1, \"recipe\": \"recipes/r.yaml\","
	" \"recipe_sha256\": \"0f5c00000000000000000000000000000000000000000000000000000000abcd\","
	" \"base_url\": \"https://canvas.test\", \"created_at\": \"2026-01-01T00:00:00Z\","
	" \"recipe_steps\": [{\"name\": \"Structure\", \"action\": \"modules\"},"
	"   {\"name\": \"Syllabus\", \"action\": \"pages\"}, {\"name\": \"Rollover\", \"action\": \"shift_dates\"}],"
	" \"courses\": [{\"id\": 4821, \"name\": \"Physics I\", \"course_code\": \"PHYS 101\","
	"   \"time_zone\": \"America/New_York\"}],"
	" \"changes\": ["
	"  {\"seq\": 1, \"step\": \"Structure\", \"course_id\": 4821, \"kind\": \"module\", \"id\": \"new:1\","
	"   \"name\": \"Start Here\", \"op\": \"create\", \"field\": null, \"before\": null,"
	"   \"after\": {\"name\": \"Start Here\", \"position\": 1}},"
	"  {\"seq\": 2, \"step\": \"Syllabus\", \"course_id\": 4821, \"kind\": \"page\", \"id\": 73,"
	"   \"name\": \"Syllabus\", \"op\": \"update\", \"field\": \"body\","
	"   \"before\": \"<p>Fall 2025 \\u00e9t\\u00e9\\nline two</p>\", \"after\": \"<p>Spring 2026</p>\"},"
	"  {\"seq\": 3, \"step\": \"Rollover\", \"course_id\": 4821, \"kind\": \"assignment\", \"id\": 90211,"
	"   \"name\": \"Lab 1\", \"op\": \"update\", \"field\": \"due_at\","
	"   \"before\": \"2025-10-18T03:59:59Z\", \"after\": \"2026-03-07T04:59:59Z\"},"
	"  {\"seq\": 4, \"step\": \"Rollover\", \"course_id\": 4821, \"kind\": \"assignment\", \"id\": 90212,"
	"   \"name\": \"Lab 2\", \"op\": \"update\", \"field\": \"due_at\","
	"   \"before\": \"2025-10-25T03:59:59Z\", \"after\": \"2026-03-14T03:59:59Z\"}],"
	" \"skipped\": []}";

struct fx {
	char dir[64];
	char *path;               /* dir/j.jsonl */
	struct plan *plan;
};

static struct plan *test_plan(void)
{
	cJSON *doc = cJSON_Parse(plan_text);
	struct plan *p = NULL;
	struct err err = ERR_INIT;

	assert_non_null(doc);
	if (plan_from_json(&p, doc, "t.json", &err))
		fail_msg("the test plan: %s", err.msg);
	cJSON_Delete(doc);
	return p;
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/unit-journal-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->path = xasprintf("%s/j.jsonl", f->dir);
	f->plan = test_plan();
	*state = f;
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	plan_free(f->plan);
	free(f->path);
	free(f);
	return 0;
}

/* ---------------------------------------------------------------- file helpers */

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	s = xmalloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return s;
}

static void spit(const char *path, const char *s, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(s, 1, n, fp), n);
	fclose(fp);
}

static void append(const char *path, const char *s)
{
	FILE *fp = fopen(path, "ab");

	assert_non_null(fp);
	fputs(s, fp);
	fclose(fp);
}

static long file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (long)st.st_size;
}

/* The n-th line (1-based) of path, parsed. */
static cJSON *line_json(const char *path, int n)
{
	char *s = slurp(path, NULL), *p = s, *nl;
	cJSON *v;

	while (--n > 0) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	nl = strchr(p, '\n');
	assert_non_null(nl);
	v = cJSON_ParseWithLength(p, (size_t)(nl - p));
	assert_non_null(v);
	free(s);
	return v;
}

/* A journal at f->path: header, intents 1 and 2, outcome 1 done with an id, outcome 2 failed;
 * left open (no footer) when !finish. */
static void write_sample(struct fx *f, int finish)
{
	struct journal *j;
	struct err err = ERR_INIT;
	long seqs[] = { 1, 2 };
	cJSON *summary = cJSON_CreateObject();

	cJSON_AddNumberToObject(summary, "done", 1);
	if (journal_create(&j, f->path, "apply", f->plan, NULL, &err))
		fail_msg("create: %s", err.msg);
	assert_string_equal(journal_path(j), f->path);
	assert_int_equal(journal_intents(j, seqs, 2, &err), 0);
	assert_int_equal(journal_outcome(j, 1, JOURNAL_DONE, NULL, "901", NULL, &err), 0);
	assert_int_equal(journal_outcome(j, 2, JOURNAL_FAILED, "Canvas answered 500", NULL, NULL, &err), 0);
	assert_int_equal(journal_sync(j, &err), 0);
	if (finish)
		assert_int_equal(journal_finish(j, summary, &err), 0);
	else
		journal_close(j);
	cJSON_Delete(summary);
}

/* A resume that takes an existing object as create 1's result (issue 13) journals it, as it was,
 * in an intent's "adopted" key: read back per change, with the time of the latest intent. */
static void test_adopted_record(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct journal_log *a;
	struct err err = ERR_INIT;
	long one = 1;
	cJSON *obj = cJSON_Parse("{\"page_id\":905,\"title\":\"T\",\"published\":false}");

	write_sample(f, 0);
	assert_int_equal(journal_reopen(&j, f->path, &err), 0);
	assert_int_equal(journal_adopted(j, 1, "905", obj, &err), 0);
	assert_int_equal(journal_intents(j, &one, 1, &err), 0);
	assert_int_equal(journal_outcome(j, 1, JOURNAL_DONE, NULL, "905", NULL, &err), 0);
	assert_int_equal(journal_finish(j, NULL, &err), 0);
	if (journal_read(&a, f->path, &err))
		fail_msg("read: %s", err.msg);
	assert_int_equal(a->state[0], JOURNAL_DONE);
	assert_string_equal(a->new_id[0], "905");
	assert_non_null(a->adopted[0]);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(a->adopted[0], "id")), "905");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(a->adopted[0], "live"), "published")));
	assert_null(a->adopted[1]);
	assert_non_null(a->intent_at[0]);
	assert_int_equal(strlen(a->intent_at[0]), 24);   /* 2026-12-06T02:25:45.123Z */
	journal_log_free(a);
	cJSON_Delete(obj);
}

/* ---------------------------------------------------------------- round trip */

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct journal_log *l;
	struct err err = ERR_INIT;
	long three = 3;
	cJSON *live = cJSON_CreateString("2026-03-09T04:59:59Z"), *rec;
	char *s;

	write_sample(f, 0);
	assert_int_equal(journal_reopen(&j, f->path, &err), 0);
	assert_int_equal(journal_intents(j, &three, 1, &err), 0);
	assert_int_equal(journal_outcome(j, 3, JOURNAL_CONFLICT, "someone changed it", NULL, live, &err), 0);
	assert_int_equal(journal_finish(j, NULL, &err), 0);

	if (journal_read(&l, f->path, &err))
		fail_msg("read: %s", err.msg);
	assert_int_equal(l->plan->nchanges, 4);
	assert_int_equal(l->state[0], JOURNAL_DONE);
	assert_int_equal(l->state[1], JOURNAL_FAILED);
	assert_int_equal(l->state[2], JOURNAL_CONFLICT);
	assert_string_equal(l->new_id[0], "901");
	assert_null(l->new_id[1]);
	assert_null(l->error[0]);
	assert_string_equal(l->error[1], "Canvas answered 500");
	assert_string_equal(l->error[2], "someone changed it");
	assert_int_equal(l->finished, 1);
	assert_int_equal(l->torn_tail, 0);
	/* header, 2 intents, 2 outcomes, 1 intent, 1 outcome, footer */
	assert_int_equal(l->lines, 8);
	assert_string_equal(l->path, f->path);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(l->header, "run")), "apply");
	/* the full before values, a page body with a newline and non-ASCII included */
	s = cJSON_PrintUnformatted(l->plan->changes[1].before);
	assert_string_equal(s, "\"<p>Fall 2025 \xc3\xa9t\xc3\xa9\\nline two</p>\"");
	free(s);
	assert_int_equal(l->plan->changes[0].op, PLAN_CREATE);
	assert_string_equal(l->plan->changes[0].id, "new:1");
	assert_int_equal(l->state[3], JOURNAL_NONE);
	assert_string_equal(l->plan->base_url, "https://canvas.test");
	journal_log_free(l);

	/* the records as documented */
	rec = line_json(f->path, 2);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "type")), "intent");
	assert_int_equal(cJSON_GetObjectItem(rec, "seq")->valueint, 1);
	s = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "at"));
	assert_non_null(s);
	assert_int_equal(strlen(s), strlen("2026-11-27T23:59:59.123Z"));
	assert_int_equal(s[strlen(s) - 1], 'Z');
	cJSON_Delete(rec);
	rec = line_json(f->path, 4);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "state")), "done");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "id")), "901");
	cJSON_Delete(rec);
	rec = line_json(f->path, 7);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "live")), "2026-03-09T04:59:59Z");
	cJSON_Delete(rec);
	rec = line_json(f->path, 8);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "type")), "footer");
	assert_true(cJSON_IsObject(cJSON_GetObjectItem(rec, "summary")));
	cJSON_Delete(rec);
	cJSON_Delete(live);
	/* the lock file is gone once the run ends */
	s = xasprintf("%s.lock", f->path);
	assert_int_equal(access(s, F_OK), -1);
	free(s);
}

/* Later records win: a retry's intent clears the old error; an outcome after a footer means a
 * later run went on. */
static void test_later_records_win(void **state)
{
	struct fx *f = *state;
	struct journal_log *l;
	struct err err = ERR_INIT;

	write_sample(f, 1);
	append(f->path, "{\"type\":\"intent\",\"seq\":2,\"at\":\"2026-01-01T00:00:00.000Z\"}\n");
	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_int_equal(l->state[1], JOURNAL_INTENT);
	assert_null(l->error[1]);
	assert_int_equal(l->finished, 0);
	assert_int_equal(l->state[2], JOURNAL_NONE);
	journal_log_free(l);
	append(f->path, "{\"type\":\"outcome\",\"seq\":2,\"state\":\"done\"}\n");
	append(f->path, "{\"type\":\"outcome\",\"seq\":1,\"state\":\"done\",\"id\":55}\n");
	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_int_equal(l->state[1], JOURNAL_DONE);
	assert_string_equal(l->new_id[0], "55");
	journal_log_free(l);
}

/* A job record gives its changes the Progress path; a later intent of a change clears it (a new
 * attempt, made after the job was waited for); the path is checked on write and on read. */
static void test_job_records(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct journal_log *l;
	struct err err = ERR_INIT;
	long seqs[] = { 3, 4 }, three = 3;
	cJSON *rec;

	write_sample(f, 0);
	assert_int_equal(journal_reopen(&j, f->path, &err), 0);
	assert_int_equal(journal_intents(j, seqs, 2, &err), 0);
	assert_int_equal(journal_job(j, seqs, 2, "/api/v1/progress/77", &err), 0);
	assert_int_equal(journal_job(j, seqs, 2, "https://evil.example/api/v1/progress/77", &err), ERR_GENERIC);
	assert_int_equal(journal_job(j, seqs, 2, "/api/v1/progress/77/../../x", &err), ERR_GENERIC);
	journal_close(j);
	rec = line_json(f->path, 8);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "type")), "job");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "progress")), "/api/v1/progress/77");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(rec, "seqs")), 2);
	assert_int_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(rec, "seqs"), 1)->valueint, 4);
	cJSON_Delete(rec);

	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_null(l->job[1]);
	assert_string_equal(l->job[2], "/api/v1/progress/77");
	assert_string_equal(l->job[3], "/api/v1/progress/77");
	assert_int_equal(l->state[2], JOURNAL_INTENT);
	assert_int_equal(l->state[3], JOURNAL_INTENT);
	journal_log_free(l);

	assert_int_equal(journal_reopen(&j, f->path, &err), 0);
	assert_int_equal(journal_intents(j, &three, 1, &err), 0);
	journal_close(j);
	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_null(l->job[2]);
	assert_string_equal(l->job[3], "/api/v1/progress/77");
	journal_log_free(l);
}

/* Group commit (issue 18): the deferred intents and job records are written at once -- a reader sees
 * them before any commit -- and journal_commit makes them durable (0 when nothing waits, and for a
 * journal that is NULL); the job path is checked as journal_job checks it. */
static void test_deferred_records(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct journal_log *l;
	struct err err = ERR_INIT;
	long seqs[] = { 3, 4 };

	write_sample(f, 0);
	assert_int_equal(journal_reopen(&j, f->path, &err), 0);
	assert_int_equal(journal_commit(j, &err), 0);
	assert_int_equal(journal_intents_deferred(j, seqs, 2, &err), 0);
	assert_int_equal(journal_job_deferred(j, seqs, 2, "/api/v1/progress/78", &err), 0);
	assert_int_equal(journal_job_deferred(j, seqs, 2, "/api/v1/progress/78?x=1", &err), ERR_GENERIC);
	assert_int_equal(journal_intents_deferred(j, (long[]){ 99 }, 1, &err), ERR_GENERIC);
	assert_int_equal(journal_read(&l, f->path, &err), 0);   /* written before the commit */
	assert_string_equal(l->job[2], "/api/v1/progress/78");
	assert_int_equal(l->state[3], JOURNAL_INTENT);
	journal_log_free(l);
	assert_int_equal(journal_commit(j, &err), 0);
	assert_int_equal(journal_commit(j, &err), 0);
	assert_int_equal(journal_commit(NULL, &err), 0);
	journal_close(j);
}

/* ---------------------------------------------------------------- the header */

static const char *const header_keys[] = { "type", "format", "version", "tool", "run", "base_url", "recipe",
					   "recipe_sha256", "plan_sha256", "courses", "created_at", "user", "run_id",
					   "rollback_of", "rollback_of_run", "plan" };

static void check_header_keys(const char *path, int with_rollback_of)
{
	cJSON *h = line_json(path, 1), *it;
	size_t k = 0;

	cJSON_ArrayForEach(it, h) {
		if (!with_rollback_of && !strcmp(header_keys[k], "rollback_of"))
			k += 2;
		assert_true(k < sizeof(header_keys) / sizeof(header_keys[0]));
		assert_string_equal(it->string, header_keys[k]);
		k++;
	}
	assert_int_equal(k, sizeof(header_keys) / sizeof(header_keys[0]));
	cJSON_Delete(h);
}

static void test_header_keys_and_no_token(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct err err = ERR_INIT;
	struct passwd *pw = getpwuid(getuid());
	char *text, *ptext, hex[65], *rb = xasprintf("%s/rb.jsonl", f->dir);
	cJSON *h;

	/* a token-like string in every place a careless writer might pick one up from */
	setenv("CANVAS_API_TOKEN", "7~TOKENxLEAKxCHECKx1234567890abcdef", 1);
	setenv("COURSECTL_TOKEN", "7~TOKENxLEAKxCHECKx1234567890abcdef", 1);
	write_sample(f, 1);
	check_header_keys(f->path, 0);
	text = slurp(f->path, NULL);
	assert_null(strstr(text, "TOKENxLEAKxCHECK"));
	assert_null(strstr(text, "Bearer"));
	free(text);

	h = line_json(f->path, 1);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "format")), "coursectl-journal");
	assert_int_equal(cJSON_GetObjectItem(h, "version")->valueint, 1);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "run")), "apply");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "base_url")), "https://canvas.test");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "recipe")), "recipes/r.yaml");
	assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(h, "tool")), "coursectl "));
	assert_int_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(h, "courses"), 0)->valueint, 4821);
	if (pw)
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "user")), pw->pw_name);
	/* plan_sha256 is the hash of the plan as it stands in the header */
	ptext = cJSON_PrintUnformatted(cJSON_GetObjectItem(h, "plan"));
	sha256_hex(ptext, strlen(ptext), hex);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "plan_sha256")), hex);
	free(ptext);
	cJSON_Delete(h);
	unsetenv("CANVAS_API_TOKEN");
	unsetenv("COURSECTL_TOKEN");

	/* a rollback names the journal it undoes */
	assert_int_equal(journal_create(&j, rb, "rollback", f->plan, f->path, &err), 0);
	journal_close(j);
	check_header_keys(rb, 1);
	h = line_json(rb, 1);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "rollback_of")), f->path);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "run")), "rollback");
	{
		/* ... and its run, by the run_id of the journal undone (issue 16: a path is no identity) */
		cJSON *of = line_json(f->path, 1);
		const char *rid = cJSON_GetStringValue(cJSON_GetObjectItem(of, "run_id"));

		assert_non_null(rid);
		assert_int_equal(strlen(rid), 32);
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "rollback_of_run")), rid);
		assert_string_not_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "run_id")), rid);
		cJSON_Delete(of);
	}
	cJSON_Delete(h);
	free(rb);

	/* only apply and rollback */
	assert_int_equal(journal_create(&j, f->path, "frobnicate", f->plan, NULL, &err), ERR_GENERIC);
}

/* Issue 18: the header is written in pieces (64 KiB a write: journal.c rule 1's exception). A
 * header of several pieces is still one whole line: the plan's compact print, hashed into
 * plan_sha256, and read back. */
static void test_header_of_many_pieces(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct journal_log *l = NULL;
	struct err err = ERR_INIT;
	char *big = xmalloc(300001), *text, *ptext, hex[65], *nl;
	cJSON *h, *doc;
	size_t n;

	memset(big, 'x', 300000);
	big[300000] = '\0';
	memcpy(big, "<p>", 3);
	cJSON_Delete(f->plan->changes[0].after);
	f->plan->changes[0].after = cJSON_CreateString(big);
	free(big);
	assert_int_equal(journal_create(&j, f->path, "apply", f->plan, NULL, &err), 0);
	assert_int_equal(journal_intents(j, (long[]){ 1 }, 1, &err), 0);
	journal_close(j);
	text = slurp(f->path, &n);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	assert_true(nl - text > 300000);
	/* the plan in the header is the plan's compact print, and plan_sha256 its hash */
	doc = plan_to_json(f->plan);
	ptext = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	assert_non_null(strstr(text, ptext));
	assert_memory_equal(nl - 1 - strlen(ptext), ptext, strlen(ptext));
	sha256_hex(ptext, strlen(ptext), hex);
	h = line_json(f->path, 1);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(h, "plan_sha256")), hex);
	cJSON_Delete(h);
	free(ptext);
	free(text);
	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_int_equal(l->plan->nchanges, f->plan->nchanges);
	assert_int_equal(l->state[0], JOURNAL_INTENT);
	journal_log_free(l);
}

/* ---------------------------------------------------------------- mode */

static void test_mode_0600(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct err err = ERR_INIT;
	struct stat st;
	mode_t old = umask(0);
	char *lock = xasprintf("%s.lock", f->path);

	assert_int_equal(journal_create(&j, f->path, "apply", f->plan, NULL, &err), 0);
	umask(old);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(lock, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	journal_close(j);
	/* reopen makes a file someone opened up private again */
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(journal_reopen(&j, f->path, &err), 0);
	journal_close(j);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* an existing file is never overwritten */
	assert_int_equal(journal_create(&j, f->path, "apply", f->plan, NULL, &err), ERR_IO);
	assert_non_null(strstr(err.msg, "already exists"));
	assert_non_null(strstr(err.msg, f->path));
	free(lock);
}

/* ---------------------------------------------------------------- torn and corrupt */

static void test_torn_last_line(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct journal_log *l;
	struct err err = ERR_INIT;
	long good;

	write_sample(f, 0);
	good = file_size(f->path);
	append(f->path, "{\"type\":\"outcome\",\"seq\":3,\"sta");
	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_int_equal(l->torn_tail, 1);
	assert_int_equal(l->lines, 5);
	assert_int_equal(l->state[0], JOURNAL_DONE);
	assert_int_equal(l->state[2], JOURNAL_NONE);
	assert_int_equal(l->finished, 0);
	journal_log_free(l);

	/* reopen cuts it away, then appends */
	assert_int_equal(journal_reopen(&j, f->path, &err), 0);
	assert_int_equal(file_size(f->path), good);
	assert_int_equal(journal_outcome(j, 3, JOURNAL_SKIPPED, NULL, NULL, NULL, &err), 0);
	assert_int_equal(journal_finish(j, NULL, &err), 0);
	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_int_equal(l->torn_tail, 0);
	assert_int_equal(l->state[2], JOURNAL_SKIPPED);
	assert_int_equal(l->finished, 1);
	journal_log_free(l);

	/* a whole last line that is not JSON (garbage after a crash) is torn too */
	good = file_size(f->path);
	append(f->path, "\x01\x02garbage\n");
	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_int_equal(l->torn_tail, 1);
	assert_int_equal(l->finished, 1);
	journal_log_free(l);
	assert_int_equal(journal_reopen(&j, f->path, &err), 0);
	journal_close(j);
	assert_int_equal(file_size(f->path), good);
	/* and NUL bytes without a newline (a file extended by the crash but never written) */
	assert_int_equal(truncate(f->path, good + 300), 0);
	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_int_equal(l->torn_tail, 1);
	journal_log_free(l);
	assert_int_equal(journal_reopen(&j, f->path, &err), 0);
	journal_close(j);
	assert_int_equal(file_size(f->path), good);
}

static void test_corrupt_middle_line(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct journal_log *l;
	struct err err = ERR_INIT;
	char *s, *p, *want;
	size_t len;

	write_sample(f, 1);
	s = slurp(f->path, &len);
	/* break line 3 (the second intent): cut its closing brace */
	p = strchr(s, '\n') + 1;
	p = strchr(p, '\n') + 1;
	p = strchr(p, '}');
	*p = ' ';
	spit(f->path, s, len);
	free(s);
	err_clear(&err);
	assert_int_equal(journal_read(&l, f->path, &err), ERR_CORRUPT);
	assert_null(l);
	want = xasprintf("%s:3:", f->path);
	assert_non_null(strstr(err.msg, want));
	/* reopen refuses it too, and leaves the file alone */
	len = (size_t)file_size(f->path);
	err_clear(&err);
	assert_int_equal(journal_reopen(&j, f->path, &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, want));
	assert_int_equal(file_size(f->path), (long)len);
	free(want);
}

/* Damage that is not a tear: each line below, put as line 2 of a good journal (before the footer),
 * is refused naming line 2; as the last line, the JSON ones are refused too. */
static void test_bad_records(void **state)
{
	static const char *const bad[] = {
		"{\"type\":\"intent\",\"seq\":5}",          /* the plan has 4 changes */
		"{\"type\":\"intent\",\"seq\":0}",
		"{\"type\":\"intent\",\"seq\":1.5}",
		"{\"type\":\"intent\"}",
		"{\"type\":\"outcome\",\"seq\":9,\"state\":\"done\"}",
		"{\"type\":\"outcome\",\"seq\":1,\"state\":\"weird\"}",
		"{\"type\":\"outcome\",\"seq\":1,\"state\":\"intent\"}",
		"{\"type\":\"outcome\",\"seq\":1,\"state\":\"done\",\"error\":5}",
		"{\"type\":\"header\"}",
		"{\"type\":\"mystery\",\"seq\":1}",
		"{\"type\":\"job\",\"seqs\":[1],\"progress\":\"https://evil.example/x\"}",
		"{\"type\":\"job\",\"seqs\":[1],\"progress\":\"/api/v1/progress/\"}",
		"{\"type\":\"job\",\"seqs\":[5],\"progress\":\"/api/v1/progress/5\"}",
		/* records that disagree with the plan: a job for a page body, an id for an update */
		"{\"type\":\"job\",\"seqs\":[2],\"progress\":\"/api/v1/progress/5\"}",
		"{\"type\":\"outcome\",\"seq\":3,\"state\":\"done\",\"id\":\"777\"}",
		"{\"type\":\"job\",\"seqs\":1,\"progress\":\"/api/v1/progress/5\"}",
		"{\"type\":\"job\",\"seqs\":[1]}",
		"{\"seq\":1}",
		"[1,2]",
		"",
	};
	struct fx *f = *state;
	struct journal_log *l;
	struct err err = ERR_INIT;
	char *s, *nl, *text, *want = xasprintf("%s:2:", f->path);
	size_t i, len;

	write_sample(f, 1);
	s = slurp(f->path, &len);
	nl = strchr(s, '\n') + 1;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = xasprintf("%.*s%s\n%s", (int)(nl - s), s, bad[i], nl);
		spit(f->path, text, strlen(text));
		free(text);
		err_clear(&err);
		if (journal_read(&l, f->path, &err) != ERR_CORRUPT)
			fail_msg("'%s' in the middle was taken", bad[i]);
		if (!strstr(err.msg, want))
			fail_msg("'%s': message '%s' does not name line 2", bad[i], err.msg);
		if (bad[i][0] != '{')
			continue;
		/* as the last line */
		text = xasprintf("%s%s\n", s, bad[i]);
		spit(f->path, text, strlen(text));
		free(text);
		if (journal_read(&l, f->path, &err) != ERR_CORRUPT)
			fail_msg("'%s' as the last line was taken", bad[i]);
	}
	free(s);
	free(want);
}

static void test_no_header(void **state)
{
	struct fx *f = *state;
	struct journal_log *l;
	struct err err = ERR_INIT;

	spit(f->path, "", 0);
	assert_int_equal(journal_read(&l, f->path, &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "empty"));
	spit(f->path, "{\"type\":\"header\",\"format\":\"coursectl-jou", 40);
	err_clear(&err);
	assert_int_equal(journal_read(&l, f->path, &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "no complete header"));
	spit(f->path, "{\"type\":\"intent\",\"seq\":1}\n", 26);
	err_clear(&err);
	assert_int_equal(journal_read(&l, f->path, &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, ":1: not a coursectl journal"));
	spit(f->path, "{\"type\":\"header\",\"format\":\"coursectl-journal\",\"version\":2}\n", 59);
	err_clear(&err);
	assert_int_equal(journal_read(&l, f->path, &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "version 2"));
	err_clear(&err);
	assert_int_equal(journal_read(&l, "/nonexistent/j.jsonl", &err), ERR_NOTFOUND);
}

/* ---------------------------------------------------------------- seqs */

static void test_unknown_seq_refused_on_write(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct err err = ERR_INIT;
	long seqs[] = { 1, 5 }, zero = 0;
	long size;

	assert_int_equal(journal_create(&j, f->path, "apply", f->plan, NULL, &err), 0);
	size = file_size(f->path);
	assert_int_not_equal(journal_intents(j, seqs, 2, &err), 0);
	assert_non_null(strstr(err.msg, "change 5"));
	/* nothing of the batch was written */
	assert_int_equal(file_size(f->path), size);
	assert_int_not_equal(journal_intents(j, &zero, 1, &err), 0);
	assert_int_not_equal(journal_outcome(j, 5, JOURNAL_DONE, NULL, NULL, NULL, &err), 0);
	assert_int_not_equal(journal_outcome(j, 1, JOURNAL_INTENT, NULL, NULL, NULL, &err), 0);
	assert_int_not_equal(journal_outcome(j, 1, JOURNAL_NONE, NULL, NULL, NULL, &err), 0);
	assert_int_equal(file_size(f->path), size);
	/* the journal is still usable */
	assert_int_equal(journal_intents(j, seqs, 1, &err), 0);
	journal_close(j);
}

/* ---------------------------------------------------------------- lock */

static void test_lock_conflict(void **state)
{
	struct fx *f = *state;
	struct journal *j, *j2 = NULL;
	struct err err = ERR_INIT;
	char *lock = xasprintf("%s.lock", f->path), *rb = xasprintf("%s/rb.jsonl", f->dir);
	pid_t pid;
	int status;

	assert_int_equal(journal_create(&j, f->path, "apply", f->plan, NULL, &err), 0);
	/* the same process, another open file description: flock conflicts */
	assert_int_equal(journal_reopen(&j2, f->path, &err), ERR_LOCKED);
	assert_null(j2);
	assert_non_null(strstr(err.msg, "another coursectl is running"));
	assert_non_null(strstr(err.msg, lock));
	/* another process */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct journal *jc = NULL;
		struct err e2 = ERR_INIT;
		int locked = journal_reopen(&jc, f->path, &e2) == ERR_LOCKED;

		/* the parent's strings are the child's too: freed, so valgrind's leak check at the child's
		 * exit (make check) finds nothing */
		free(lock);
		free(rb);
		_exit(locked ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* a rollback of a journal being run is locked out too */
	err_clear(&err);
	assert_int_equal(journal_create(&j2, rb, "rollback", f->plan, f->path, &err), ERR_LOCKED);
	assert_int_equal(access(rb, F_OK), -1);
	journal_close(j);
	assert_int_equal(access(lock, F_OK), -1);
	/* released: the next run takes it */
	assert_int_equal(journal_reopen(&j2, f->path, &err), 0);
	journal_close(j2);
	/* a lock file left behind by a killed run (no holder) does not block */
	spit(lock, "", 0);
	assert_int_equal(journal_reopen(&j2, f->path, &err), 0);
	/* while a rollback holds the journal it undoes, a resume of that journal waits its turn */
	assert_int_equal(journal_create(&j, rb, "rollback", f->plan, f->path, &err), ERR_LOCKED);
	journal_close(j2);
	assert_int_equal(journal_create(&j, rb, "rollback", f->plan, f->path, &err), 0);
	assert_int_equal(journal_reopen(&j2, f->path, &err), ERR_LOCKED);
	journal_close(j);
	free(lock);
	free(rb);
}

/* ---------------------------------------------------------------- write errors */

static void test_write_error_leaves_whole_lines(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct journal_log *l;
	struct err err = ERR_INIT;
	struct rlimit old, lim;
	long size;
	char big[4096];

	assert_int_equal(journal_create(&j, f->path, "apply", f->plan, NULL, &err), 0);
	size = file_size(f->path);
	/* the file may grow by 100 bytes: the next long outcome is cut mid-write (EFBIG, as ENOSPC) */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)size + 100;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(journal_outcome(j, 1, JOURNAL_FAILED, big, NULL, NULL, &err), ERR_IO);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_non_null(strstr(err.msg, f->path));
	assert_int_equal(file_size(f->path), size);
	/* fail-stop: nothing more is taken */
	err_clear(&err);
	assert_int_equal(journal_outcome(j, 2, JOURNAL_DONE, NULL, NULL, NULL, &err), ERR_IO);
	assert_int_equal(journal_sync(j, &err), ERR_IO);
	err_clear(&err);
	assert_int_equal(journal_commit(j, &err), ERR_IO);   /* the engine's hook: nothing may leave */
	journal_close(j);
	assert_int_equal(journal_read(&l, f->path, &err), 0);
	assert_int_equal(l->torn_tail, 0);
	assert_int_equal(l->state[0], JOURNAL_NONE);
	journal_log_free(l);
}

/* ---------------------------------------------------------------- default directory and names */

static void test_default_dir(void **state)
{
	struct fx *f = *state;
	struct err err = ERR_INIT;
	struct stat st;
	char *dir, *want, *home = xasprintf("%s/home", f->dir), *xdg = xasprintf("%s/state", f->dir);
	char *save_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	char *save_xdg = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;

	assert_int_equal(mkdir(home, 0755), 0);
	setenv("HOME", home, 1);
	setenv("XDG_STATE_HOME", xdg, 1);
	assert_int_equal(journal_default_dir(&dir, &err), 0);
	want = xasprintf("%s/coursectl/journals", xdg);
	assert_string_equal(dir, want);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	free(dir);
	free(want);

	/* unset, empty or relative (the XDG spec: ignored): HOME's */
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(journal_default_dir(&dir, &err), 0);
	want = xasprintf("%s/.local/state/coursectl/journals", home);
	assert_string_equal(dir, want);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(dir);
	setenv("XDG_STATE_HOME", "", 1);
	assert_int_equal(journal_default_dir(&dir, &err), 0);
	assert_string_equal(dir, want);
	free(dir);
	setenv("XDG_STATE_HOME", "relative/state", 1);
	assert_int_equal(journal_default_dir(&dir, &err), 0);
	assert_string_equal(dir, want);
	free(dir);
	free(want);

	if (save_home)
		setenv("HOME", save_home, 1);
	else
		unsetenv("HOME");
	if (save_xdg)
		setenv("XDG_STATE_HOME", save_xdg, 1);
	else
		unsetenv("XDG_STATE_HOME");
	free(save_home);
	free(save_xdg);
	free(home);
	free(xdg);
}

static int is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void test_default_name(void **state)
{
	struct fx *f = *state;
	struct journal *a, *b;
	struct err err = ERR_INIT;
	char *xdg = xasprintf("%s/state", f->dir), *dir = xasprintf("%s/coursectl/journals/", xdg);
	char *save_xdg = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;
	const char *name, *nb;
	int tries;

	setenv("XDG_STATE_HOME", xdg, 1);
	for (tries = 0; tries < 5; tries++) {
		assert_int_equal(journal_create(&a, NULL, "apply", f->plan, NULL, &err), 0);
		assert_int_equal(journal_create(&b, NULL, "apply", f->plan, NULL, &err), 0);
		name = journal_path(a);
		assert_memory_equal(name, dir, strlen(dir));
		name += strlen(dir);
		/* 20261127-235959-apply-4821.jsonl */
		assert_int_equal(strlen(name), strlen("20261127-235959-apply-4821.jsonl"));
		assert_true(is_digits(name, 8) && name[8] == '-' && is_digits(name + 9, 6));
		assert_string_equal(name + 15, "-apply-4821.jsonl");
		nb = journal_path(b) + strlen(dir);
		if (!strncmp(name, nb, 15)) {
			/* the same second: the second one is numbered */
			assert_string_equal(nb + 15, "-apply-4821-2.jsonl");
			tries = 99;
		}
		journal_close(a);
		journal_close(b);
	}
	assert_int_equal(tries, 100);
	if (save_xdg)
		setenv("XDG_STATE_HOME", save_xdg, 1);
	else
		unsetenv("XDG_STATE_HOME");
	free(save_xdg);
	free(xdg);
	free(dir);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(journal_state_name(JOURNAL_NONE), "none");
	assert_string_equal(journal_state_name(JOURNAL_INTENT), "intent");
	assert_string_equal(journal_state_name(JOURNAL_DONE), "done");
	assert_string_equal(journal_state_name(JOURNAL_FAILED), "failed");
	assert_string_equal(journal_state_name(JOURNAL_CONFLICT), "conflict");
	assert_string_equal(journal_state_name(JOURNAL_SKIPPED), "skipped");
}


/* ---------------------------------------------------------------- journal_check (issue 13) */

/* Line 1 of f->path replaced by the header h (printed compact). */
static void put_header(struct fx *f, const cJSON *h)
{
	char *s = slurp(f->path, NULL), *rest = strchr(s, '\n'), *line = cJSON_PrintUnformatted(h);
	char *text = xasprintf("%s%s", line, rest);

	spit(f->path, text, strlen(text));
	free(text);
	free(line);
	free(s);
}

static void rehash(cJSON *h)
{
	char *ptext = cJSON_PrintUnformatted(cJSON_GetObjectItem(h, "plan")), hex[65];

	sha256_hex(ptext, strlen(ptext), hex);
	free(ptext);
	cJSON_ReplaceItemInObject(h, "plan_sha256", cJSON_CreateString(hex));
}

static int check_file(struct fx *f, struct err *err)
{
	struct journal_log *l;
	int rc;

	err_clear(err);
	if ((rc = journal_read(&l, f->path, err)))
		return rc;
	rc = journal_check(l, err);
	journal_log_free(l);
	return rc;
}

static void test_check_refuses_edited_plan(void **state)
{
	struct fx *f = *state;
	struct err err = ERR_INIT;
	cJSON *h, *c, *plan;
	char hex[65];

	write_sample(f, 1);
	assert_int_equal(check_file(f, &err), 0);

	/* a before edited: the plan no longer hashes to plan_sha256 */
	h = line_json(f->path, 1);
	c = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(h, "plan"), "changes"), 2);
	cJSON_ReplaceItemInObject(c, "before", cJSON_CreateString("2020-01-01T00:00:00Z"));
	put_header(f, h);
	assert_int_equal(check_file(f, &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, ":1: the plan in the header does not match the header's plan_sha256"));
	assert_non_null(strstr(err.msg, f->path));
	assert_non_null(strstr(err.msg, "nothing was changed"));

	/* plan_sha256 made again to match: the plan's own changes_sha256 still tells */
	rehash(h);
	put_header(f, h);
	assert_int_equal(check_file(f, &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "do not match its changes_sha256"));

	/* both made again, and a change no step can make: the field table */
	cJSON_ReplaceItemInObject(c, "field", cJSON_CreateString("points_possible"));
	plan = cJSON_GetObjectItem(h, "plan");
	plan_digest(plan, hex);
	cJSON_ReplaceItemInObject(plan, "changes_sha256", cJSON_CreateString(hex));
	rehash(h);
	put_header(f, h);
	assert_int_equal(check_file(f, &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "course 4821, assignment 90211, points_possible"));

	/* no plan_sha256 at all */
	cJSON_DeleteItemFromObject(h, "plan_sha256");
	put_header(f, h);
	assert_int_equal(check_file(f, &err), ERR_CORRUPT);
	assert_non_null(strstr(err.msg, "(none)"));
	cJSON_Delete(h);
}

/* A journal of 0.3.0 (its plan without recipe_steps or changes_sha256, plan_sha256 as always) and
 * a rollback's journal (its plan made by rollback, no recipe) pass. */
static void test_check_passes_old_and_rollback_journals(void **state)
{
	struct fx *f = *state;
	struct journal *j;
	struct err err = ERR_INIT;
	cJSON *h, *plan;

	write_sample(f, 1);
	h = line_json(f->path, 1);
	plan = cJSON_GetObjectItem(h, "plan");
	cJSON_DeleteItemFromObject(plan, "recipe_steps");
	cJSON_DeleteItemFromObject(plan, "changes_sha256");
	rehash(h);
	put_header(f, h);
	cJSON_Delete(h);
	assert_int_equal(check_file(f, &err), 0);
	unlink(f->path);
	assert_int_equal(journal_create(&j, f->path, "rollback", f->plan, "x.jsonl", &err), 0);
	journal_close(j);
	h = line_json(f->path, 1);
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(h, "plan"), "recipe_steps", cJSON_CreateArray());
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(h, "plan"), "changes_sha256");
	rehash(h);
	put_header(f, h);
	cJSON_Delete(h);
	assert_int_equal(check_file(f, &err), 0);
}

/* journal_head: the header's fields without the plan, from a real journal, from a header whose
 * fields run past one read (a long courses list) with ",\"plan\":" across the reads' seam, and
 * nothing from what is not a journal. */
static void test_head(void **state)
{
	struct fx *f = *state;
	struct buf b = BUF_INIT;
	cJSON *head, *full;
	char *path = xasprintf("%s/long.jsonl", f->dir);
	FILE *fp;
	size_t i;

	write_sample(f, 1);
	head = journal_head(f->path);
	assert_non_null(head);
	full = line_json(f->path, 1);
	assert_null(cJSON_GetObjectItem(head, "plan"));
	assert_non_null(cJSON_GetObjectItem(full, "plan"));
	cJSON_DeleteItemFromObject(full, "plan");
	assert_true(cJSON_Compare(head, full, 1));   /* every other field, as written */
	cJSON_Delete(head);
	cJSON_Delete(full);

	/* 20,000 course ids, then "run_id", then the plan starting 3 bytes before 64 KiB * 3 */
	buf_puts(&b, "{\"type\":\"header\",\"run\":\"apply\",\"courses\":[");
	for (i = 0; i < 20000; i++)
		buf_printf(&b, "%s%zu", i ? "," : "", 100000 + i);
	buf_puts(&b, "],\"run_id\":\"r1\",\"pad\":\"");
	while (b.len < 3 * 65536 - 3)
		buf_putc(&b, 'x');
	buf_puts(&b, "\",\"plan\":{\"format\":\"coursectl-plan\",\"changes\":[]}}\n{\"type\":\"footer\"}\n");
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(b.ptr, 1, b.len, fp), b.len);
	fclose(fp);
	head = journal_head(path);
	assert_non_null(head);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(head, "run_id")), "r1");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(head, "courses")), 20000);
	assert_null(cJSON_GetObjectItem(head, "plan"));
	cJSON_Delete(head);

	/* not a journal header: nothing */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("[1,2,3]\n", fp);
	fclose(fp);
	assert_null(journal_head(path));
	unlink(path);
	assert_null(journal_head(path));
	buf_release(&b);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopted_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_later_records_win, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_keys_and_no_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_of_many_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_refuses_edited_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_passes_old_and_rollback_journals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_last_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_middle_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_seq_refused_on_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_error_leaves_whole_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head, setup, teardown),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

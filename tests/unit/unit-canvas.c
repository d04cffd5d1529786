/* tests/unit/unit-canvas.c -- Canvas's error bodies become one sentence (API.md 1.3), errors name
 * what failed, path ids are escaped, and the token file rules hold (config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "canvas.h"
#include "config.h"

static void expect_msg(const char *body, const char *want)
{
	char *m = canvas_error_message(body, strlen(body));

	if (!want) {
		assert_null(m);
		return;
	}
	assert_non_null(m);
	assert_string_equal(m, want);
	free(m);
}

static void error_shapes(void **state)
{
	(void)state;
	expect_msg("{\"errors\":[{\"message\":\"The specified resource does not exist.\"}]}",
		   "The specified resource does not exist.");
	expect_msg("{\"errors\":[{\"field\":\"title\",\"message\":\"is too long\",\"error_code\":\"too_long\"}]}",
		   "title: is too long");
	expect_msg("{\"errors\":{\"title\":[{\"attribute\":\"title\",\"type\":\"too_long\",\"message\":\"is too long\"}],"
		   "\"base\":[{\"attribute\":\"base\",\"message\":\"cannot change column(s): due_at - locked by Master Course\"}]}}",
		   "title: is too long; cannot change column(s): due_at - locked by Master Course");
	expect_msg("{\"errors\":[\"unknown section id \\\"99\\\"\"]}", "unknown section id \"99\"");
	expect_msg("{\"errors\":\"Invalid as_user_id\"}", "Invalid as_user_id");
	expect_msg("{\"message\":\"page not found\"}", "page not found");
	expect_msg("{\"errors\":[[\"a\"],null,[\"b\"]]}", NULL);
	expect_msg("<html><body>502 Bad Gateway</body></html>", NULL);
	expect_msg("", NULL);
	expect_msg("[1,2]", NULL);
	expect_msg("{\"errors\":{\"assignment[due_at]\":[{\"attribute\":\"assignment[due_at]\","
		   "\"type\":\"Invalid datetime for due_at\",\"message\":\"Invalid datetime for due_at\"}]}}",
		   "assignment[due_at]: Invalid datetime for due_at");
}

static struct http_req *resp(long status, const char *body, const char *www)
{
	struct http_req *r = http_req_new("GET", "https://h/api/v1/courses/1?access_token=SECRET");

	r->status = status;
	buf_puts(&r->resp, body);
	if (www)
		r->www_authenticate = strdup(www);
	return r;
}

static void response_errors(void **state)
{
	struct err err = ERR_INIT;
	struct http_req *r;

	(void)state;
	r = resp(200, "{}", NULL);
	assert_int_equal(canvas_response_error(&err, r, "course 1"), 0);
	http_req_free(r);

	r = resp(401, "{\"errors\":[{\"message\":\"Invalid access token.\"}]}", "Bearer realm=\"canvas-lms\"");
	assert_int_equal(canvas_response_error(&err, r, "course 1"), ERR_AUTH);
	assert_non_null(strstr(err.msg, "invalid, expired or revoked"));
	assert_null(strstr(err.msg, "SECRET"));
	http_req_free(r);

	r = resp(403, "{\"status\":\"unauthorized\",\"errors\":[{\"message\":"
		 "\"user not authorized to perform that action\"}]}", NULL);
	assert_int_equal(canvas_response_error(&err, r, "course 1"), ERR_GENERIC);
	assert_non_null(strstr(err.msg, "not authorized for course 1"));
	http_req_free(r);

	r = resp(404, "{\"errors\":[{\"message\":\"The specified resource does not exist.\"}]}", NULL);
	assert_int_equal(canvas_response_error(&err, r, "course 1"), ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "course 1 not found"));
	assert_null(strstr(err.msg, "SECRET"));
	http_req_free(r);

	r = resp(502, "<html>Bad Gateway</html>", NULL);
	r->content_type_resp = strdup("text/html");
	assert_int_equal(canvas_response_error(&err, r, "course 1"), ERR_GENERIC);
	assert_non_null(strstr(err.msg, "HTTP 502"));
	assert_non_null(strstr(err.msg, "text/html"));
	http_req_free(r);
}

static void path_ids(void **state)
{
	char *p;

	(void)state;
	p = canvas_path_id("4821");
	assert_string_equal(p, "4821");
	free(p);
	p = canvas_path_id("sis_course_id:PHYS101L/001");
	assert_string_equal(p, "sis_course_id:PHYS101L%2F001");
	free(p);
	p = canvas_path_id("sis_course_id:A B&C?");
	assert_string_equal(p, "sis_course_id:A%20B%26C%3F");
	free(p);
}

static void token_file_rules(void **state)
{
	char path[] = "/tmp/coursectl-unit-tokenXXXXXX";
	int fd = mkstemp(path);
	struct config cfg = CONFIG_INIT;
	struct err err = ERR_INIT;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "  tok-123 \n", 11), 11);
	close(fd);
	cfg.url_opt = "http://127.0.0.1:1";
	cfg.token_file = path;
	chmod(path, 0644);
	/* a token problem: exit 3 (ERR_AUTH), with the fix, never the token */
	assert_int_equal(config_resolve(&cfg, NULL, NULL, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_null(strstr(err.msg, "tok-123"));
	config_release(&cfg);
	chmod(path, 0600);
	err_clear(&err);
	assert_int_equal(config_resolve(&cfg, NULL, "Spring rollover", &err), 0);
	assert_string_equal(cfg.token, "tok-123");
	/* the User-Agent names no local file (issue 17): the version only */
	assert_null(strstr(cfg.user_agent, "Spring rollover"));
	assert_int_equal(strncmp(cfg.user_agent, "coursectl/", 10), 0);
	assert_null(strchr(cfg.user_agent, ' '));
	config_release(&cfg);
	/* blank lines and whitespace around the token are trimmed; a space inside is refused */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\r\n\n\t tok-456\t \r\nnext line\n", 26), 26);
	close(fd);
	err_clear(&err);
	assert_int_equal(config_resolve(&cfg, NULL, NULL, &err), 0);
	assert_string_equal(cfg.token, "tok-456");
	config_release(&cfg);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "tok 789\n", 8), 8);
	close(fd);
	err_clear(&err);
	assert_int_equal(config_resolve(&cfg, NULL, NULL, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "spaces or control characters inside"));
	assert_null(strstr(err.msg, "789"));
	config_release(&cfg);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, " \n\n", 3), 3);
	close(fd);
	err_clear(&err);
	assert_int_equal(config_resolve(&cfg, NULL, NULL, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "holds no token"));
	config_release(&cfg);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(error_shapes), cmocka_unit_test(response_errors), cmocka_unit_test(path_ids),
		cmocka_unit_test(token_file_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

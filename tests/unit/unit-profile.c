/* tests/unit/unit-profile.c -- the config file of profiles (profile.c), token commands (tokencmd.c)
 * and how config.c resolves URL and token with them: parsing, errors at FILE:LINE:COL, unknown keys
 * and bad types, the permission rule, the precedence flags > environment > profile > recipe, and
 * the refusal to send a profile's token to another Canvas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "profile.h"
#include "tokencmd.h"

static struct profiles *load_ok(const char *text)
{
	struct profiles *pf = NULL;
	struct err err = ERR_INIT;

	if (profiles_load_mem(&pf, "/home/u/.config/coursectl/config.yaml", text, strlen(text), &err))
		fail_msg("unexpected error: %s", err.msg);
	return pf;
}

/* The error for `text` must be ERR_USAGE and start with "config.yaml:LINE:COL: " and contain `want`. */
static void load_err(const char *text, int line, int col, const char *want)
{
	struct profiles *pf = NULL;
	struct err err = ERR_INIT;
	char prefix[64];

	assert_int_equal(profiles_load_mem(&pf, "config.yaml", text, strlen(text), &err), ERR_USAGE);
	assert_null(pf);
	snprintf(prefix, sizeof(prefix), "config.yaml:%d:%d: ", line, col);
	if (strncmp(err.msg, prefix, strlen(prefix)) || !strstr(err.msg, want))
		fail_msg("for:\n%s\nwant '%s...%s', got '%s'", text, prefix, want, err.msg);
}

static void parse_profiles(void **state)
{
	struct profiles *pf;
	const struct profile *p;
	char *names;

	(void)state;
	setenv("HOME", "/home/u", 1);
	pf = load_ok("# my Canvases\n"
		     "default_profile: university\n"
		     "profiles:\n"
		     "  university: {url: https://canvas.example.edu, token_file: ~/.config/coursectl/token}\n"
		     "  sandbox:\n"
		     "    url: https://example.instructure.com\n"
		     "    token_command: \"pass show canvas/sandbox | head -1 ${X}\"\n"
		     "    token_command_timeout: 5\n"
		     "  rel: {token_file: tokens/t}\n");
	assert_string_equal(pf->default_profile, "university");
	assert_int_equal(pf->n, 3);
	p = profiles_find(pf, "university");
	assert_non_null(p);
	assert_string_equal(p->url, "https://canvas.example.edu");
	assert_string_equal(p->token_file, "/home/u/.config/coursectl/token");
	assert_null(p->token_command);
	assert_int_equal(p->timeout_s, PROFILE_TIMEOUT_DEFAULT);
	assert_int_equal(p->line, 4);
	p = profiles_find(pf, "sandbox");
	assert_non_null(p);
	/* verbatim: no recipe ${...} expansion in shell text */
	assert_string_equal(p->token_command, "pass show canvas/sandbox | head -1 ${X}");
	assert_null(p->token_file);
	assert_int_equal(p->timeout_s, 5);
	p = profiles_find(pf, "rel");
	assert_string_equal(p->token_file, "/home/u/.config/coursectl/tokens/t");
	assert_null(p->url);
	assert_null(profiles_find(pf, "nope"));
	names = profiles_names(pf);
	assert_string_equal(names, "university, sandbox, rel");
	free(names);
	profiles_free(pf);

	pf = load_ok("");
	assert_int_equal(pf->n, 0);
	assert_null(pf->default_profile);
	profiles_free(pf);
	pf = load_ok("# only a comment\n");
	assert_int_equal(pf->n, 0);
	profiles_free(pf);
	pf = load_ok("profiles:\n");
	assert_int_equal(pf->n, 0);
	names = profiles_names(pf);
	assert_string_equal(names, "(none)");
	free(names);
	profiles_free(pf);
}

static void parse_errors(void **state)
{
	(void)state;
	load_err("profile:\n  a: {url: https://x}\n", 1, 1,
		 "unknown key 'profile' in the config file; did you mean 'profiles'?");
	load_err("profiles:\n  a:\n    url: https://x\n    tokn_file: t\n", 4, 5,
		 "unknown key 'tokn_file' in profile 'a'; did you mean 'token_file'?");
	load_err("profiles:\n  a: {url: [https://x]}\n", 2, 12,
		 "expected a string for 'url' of profile 'a', got a list");
	load_err("profiles:\n  a: {token_file: {x: 1}}\n", 2, 19,
		 "expected a string for 'token_file' of profile 'a'");
	load_err("profiles:\n  a: {token_command: }\n", 2, 22, "got nothing");
	load_err("profiles:\n  a: https://x\n", 2, 6, "expected a mapping (url, token_file or token_command)");
	load_err("profiles: [a, b]\n", 1, 11, "expected a mapping of profile names for 'profiles', got a list");
	load_err("- a\n", 1, 1, "expected a mapping for the config file, got a list");
	load_err("profiles:\n  a: {url: canvas.example.edu}\n", 2, 12, "must start with https://");
	load_err("profiles:\n  a: {token_file: t, token_command: c}\n", 2, 37,
		 "has both token_file and token_command");
	load_err("profiles:\n  a: {token_command: c, token_command_timeout: 0}\n", 2, 48, "from 1 to 3600");
	load_err("profiles:\n  a: {token_command: c, token_command_timeout: \"10\"}\n", 2, 48, "from 1 to 3600");
	load_err("profiles:\n  a: {token_file: t, token_command_timeout: 9}\n", 2, 45, "but no token_command");
	load_err("profiles:\n  my profile: {url: https://x}\n", 2, 3, "may hold only letters");
	load_err("default_profile: b\nprofiles:\n  a: {url: https://x}\n", 1, 18,
		 "default_profile 'b' is not a profile of this file (profiles: a)");
	load_err("profiles:\n  a: {url: https://x}\n  a: {url: https://y}\n", 3, 3, "duplicate key 'a'");
	load_err("profiles:\n  a: {url: https://x\n", 3, 1, "YAML:");
	load_err("profiles:\n  a: {token_file: ~bob/t}\n", 2, 19, "~user paths are not supported");
	/* several problems: the first in file order, and how many more */
	load_err("profiles:\n  b: {x: 1}\n  a: {y: 2}\n", 2, 7, "(and 1 more problem in the config file)");
}

static char tmpdir[64];

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static char *in_tmp(const char *name)
{
	static char p[4][160];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	return p[k];
}

static void permissions(void **state)
{
	struct profiles *pf = NULL;
	struct err err = ERR_INIT;
	char *path = in_tmp("coursectl/config.yaml");

	(void)state;
	/* absent: no profiles, no error */
	assert_int_equal(profiles_load(&pf, in_tmp("nothing/config.yaml"), &err), 0);
	assert_null(pf);
	write_file(path, "profiles:\n  a: {token_command: 'echo t'}\n", 0664);
	assert_int_equal(profiles_load(&pf, path, &err), ERR_USAGE);
	assert_null(pf);
	assert_non_null(strstr(err.msg, "can be changed by other users (mode 664)"));
	assert_non_null(strstr(err.msg, "chmod go-w"));
	chmod(path, 0602);
	err_clear(&err);
	assert_int_equal(profiles_load(&pf, path, &err), ERR_USAGE);
	chmod(path, 0644);   /* readable by others is fine: the file holds no token */
	err_clear(&err);
	assert_int_equal(profiles_load(&pf, path, &err), 0);
	assert_non_null(pf);
	assert_int_equal(pf->n, 1);
	profiles_free(pf);
	pf = NULL;
	/* errors carry the real path */
	write_file(path, "profiles:\n  a: {url: 1}\n", 0600);
	assert_int_equal(profiles_load(&pf, path, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "config.yaml:2:12: "));
	assert_non_null(strstr(err.msg, tmpdir));
}

static void token_commands(void **state)
{
	struct err err = ERR_INIT;
	char *tok = NULL;

	(void)state;
	assert_int_equal(tokencmd_run("printf '  tok-1 \\nsecond line\\n'", 5000, "cmd", &tok, &err), 0);
	assert_string_equal(tok, "tok-1");
	free(tok);
	tok = NULL;
	assert_int_equal(tokencmd_run("printf 'tok-crlf\\r\\n'", 5000, "cmd", &tok, &err), 0);
	assert_string_equal(tok, "tok-crlf");
	free(tok);
	tok = NULL;
	/* failures name `what`, never the output */
	assert_int_equal(tokencmd_run("echo SECRET-OUT; exit 3", 5000, "token_command 'x' of profile 'p'", &tok,
				      &err), ERR_AUTH);
	assert_null(tok);
	assert_non_null(strstr(err.msg, "token_command 'x' of profile 'p' exited with status 3"));
	assert_null(strstr(err.msg, "SECRET-OUT"));
	assert_int_equal(tokencmd_run("true", 5000, "c", &tok, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "printed no token"));
	assert_int_equal(tokencmd_run("echo; echo SECRET-OUT", 5000, "c", &tok, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "printed no token"));
	assert_int_equal(tokencmd_run("echo 'Enter passphrase: SECRET-OUT'", 5000, "c", &tok, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "not a token"));
	assert_null(strstr(err.msg, "SECRET-OUT"));
	assert_int_equal(tokencmd_run("/nonexistent/pm", 5000, "c", &tok, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "status 127"));
	assert_int_equal(tokencmd_run("kill -9 $$", 5000, "c", &tok, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "signal 9"));
	assert_int_equal(tokencmd_run("head -c 70000 /dev/zero | tr '\\0' a", 5000, "c", &tok, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "more than"));
	/* a command that hangs, and one that closes stdout but does not exit */
	assert_int_equal(tokencmd_run("sleep 30", 300, "c", &tok, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "did not finish"));
	assert_int_equal(tokencmd_run("echo tok; exec >&-; sleep 30", 300, "c", &tok, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "did not finish"));
	assert_null(tok);
}

/* config_resolve with a config file in $XDG_CONFIG_HOME: returns the error code; cfg filled. */
static int resolve(struct config *cfg, const char *recipe_url, struct err *err)
{
	err_clear(err);
	return config_resolve(cfg, recipe_url, NULL, err);
}

static void precedence(void **state)
{
	struct config cfg = CONFIG_INIT;
	struct err err = ERR_INIT;
	char *cfgfile = in_tmp("coursectl/config.yaml"), *tokfile = in_tmp("tok"), *tokfile2 = in_tmp("tok2");
	char text[1024];

	(void)state;
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	unsetenv("CANVAS_BASE_URL");
	unsetenv("CANVAS_API_TOKEN");
	unsetenv("COURSECTL_PROFILE");
	write_file(tokfile, "file-token\n", 0600);
	write_file(tokfile2, "flag-token\n", 0600);
	snprintf(text, sizeof(text),
		 "default_profile: a\n"
		 "profiles:\n"
		 "  a: {url: 'https://a.example.edu/', token_file: %s}\n"
		 "  b: {url: https://b.example.edu, token_command: 'echo cmd-token'}\n"
		 "  c: {token_command: 'echo c-token'}\n"
		 "  d: {url: https://d.example.edu}\n",
		 tokfile);
	write_file(cfgfile, text, 0600);

	/* the default profile beats the recipe */
	assert_int_equal(resolve(&cfg, "https://recipe.example.edu", &err), 0);
	assert_string_equal(cfg.base_url, "https://a.example.edu");
	assert_string_equal(cfg.token, "file-token");
	assert_string_equal(cfg.profile, "a");
	assert_non_null(strstr(cfg.token_source, "of profile 'a'"));
	assert_string_equal(cfg.url_source, "profile 'a'");
	config_release(&cfg);

	/* COURSECTL_PROFILE beats default_profile; --profile beats COURSECTL_PROFILE */
	setenv("COURSECTL_PROFILE", "c", 1);
	assert_int_equal(resolve(&cfg, "https://recipe.example.edu", &err), 0);
	assert_string_equal(cfg.base_url, "https://recipe.example.edu");   /* c has no url */
	assert_string_equal(cfg.token, "c-token");
	config_release(&cfg);
	cfg.profile_opt = "b";
	assert_int_equal(resolve(&cfg, NULL, &err), 0);
	assert_string_equal(cfg.base_url, "https://b.example.edu");
	assert_string_equal(cfg.token, "cmd-token");
	assert_string_equal(cfg.token_source, "token_command of profile 'b'");
	config_release(&cfg);

	/* environment beats profile; flags beat environment */
	setenv("CANVAS_BASE_URL", "https://env.example.edu", 1);
	setenv("CANVAS_API_TOKEN", "env-token", 1);
	assert_int_equal(resolve(&cfg, NULL, &err), 0);
	assert_string_equal(cfg.base_url, "https://env.example.edu");
	assert_string_equal(cfg.token, "env-token");
	assert_string_equal(cfg.token_source, "CANVAS_API_TOKEN");
	config_release(&cfg);
	cfg.url_opt = "https://flag.example.edu";
	cfg.token_file = tokfile2;
	assert_int_equal(resolve(&cfg, NULL, &err), 0);
	assert_string_equal(cfg.base_url, "https://flag.example.edu");
	assert_string_equal(cfg.token, "flag-token");
	assert_string_equal(cfg.url_source, "--url");
	config_release(&cfg);
	cfg.token_file = NULL;

	/* a profile's token is not sent to another Canvas ... */
	unsetenv("CANVAS_API_TOKEN");
	assert_int_equal(resolve(&cfg, NULL, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "the token of profile 'b' is for https://b.example.edu"));
	assert_null(cfg.token);
	config_release(&cfg);
	/* ... but to the same one, however spelled */
	cfg.url_opt = "https://B.example.edu/api/v1/";
	assert_int_equal(resolve(&cfg, NULL, &err), 0);
	assert_string_equal(cfg.token, "cmd-token");
	config_release(&cfg);
	cfg.url_opt = NULL;
	unsetenv("CANVAS_BASE_URL");

	/* unknown profiles list the known ones; a profile without a token source says so */
	cfg.profile_opt = "zz";
	assert_int_equal(resolve(&cfg, NULL, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "unknown profile 'zz' (--profile)"));
	assert_non_null(strstr(err.msg, "a, b, c, d"));
	config_release(&cfg);
	cfg.profile_opt = "d";
	assert_int_equal(resolve(&cfg, NULL, &err), ERR_AUTH);
	assert_non_null(strstr(err.msg, "profile 'd' has neither token_file nor token_command"));
	config_release(&cfg);
	cfg.profile_opt = NULL;
	setenv("COURSECTL_PROFILE", "yy", 1);
	assert_int_equal(resolve(&cfg, NULL, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "unknown profile 'yy' (COURSECTL_PROFILE)"));
	config_release(&cfg);
	unsetenv("COURSECTL_PROFILE");

	/* a broken config file stops every command, even when flags give everything */
	write_file(cfgfile, "profiles:\n  a: {url: 1}\n", 0600);
	cfg.url_opt = "https://flag.example.edu";
	cfg.token_file = tokfile2;
	assert_int_equal(resolve(&cfg, NULL, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "config.yaml:2:12:"));
	config_release(&cfg);
	/* no file: only a named profile is an error */
	unlink(cfgfile);
	assert_int_equal(resolve(&cfg, NULL, &err), 0);
	assert_null(cfg.profile);
	config_release(&cfg);
	cfg.profile_opt = "a";
	assert_int_equal(resolve(&cfg, NULL, &err), ERR_USAGE);
	assert_non_null(strstr(err.msg, "there is no config file"));
	config_release(&cfg);
	unlink(tokfile);
	unlink(tokfile2);
	unsetenv("XDG_CONFIG_HOME");
}

static int setup(void **state)
{
	char sub[160];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/coursectl-unit-profileXXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(sub, sizeof(sub), "%s/coursectl", tmpdir);
	return mkdir(sub, 0700);
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_profiles), cmocka_unit_test(parse_errors), cmocka_unit_test(permissions),
		cmocka_unit_test(token_commands), cmocka_unit_test(precedence),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

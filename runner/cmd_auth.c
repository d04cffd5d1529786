/* runner/cmd_auth.c -- `coursectl auth check [--format text|json] [options]`.
 *
 * The first thing to run with a new token, profile or password-manager command: it resolves the URL
 * and the token exactly as every other command does (config.c: flags > environment > profile >
 * recipe), asks Canvas who the token belongs to (GET /api/v1/users/self) and prints the user's name
 * and id, the base URL and where the URL and the token came from -- never the token.
 *
 * Decisions where the issue is silent:
 *   - only `check` exists, but the command is `auth check` so that login/logout-style verbs can join
 *     it without renaming; `auth` alone is a usage error that names `check`;
 *   - exit codes: 0 the token works; 3 no token or Canvas rejects it (401 with WWW-Authenticate:
 *     canvas.c's message says how to get a new one; we add where the rejected token came from);
 *     1 any other failure (network, 5xx, a 403 that is about permissions); 64 usage;
 *   - the token's purpose and expiry come from the Access Tokens API (runner/token_info.c:
 *     GET /api/v1/users/self/tokens/HINT, TokensController#show); a Canvas that cannot say leaves
 *     them "unknown" with the reason, and the check still succeeds -- the token works;
 *   - of the user only id and name are printed (the "name and id only"): login ids and
 *     e-mail addresses stay out of CI logs. The name comes from the server, so it goes through
 *     render_put_safe before it reaches a terminal; JSON output escapes it anyway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "canvas.h"
#include "cmd.h"
#include "config.h"
#include "jsonid.h"
#include "exitcode.h"
#include "msg.h"
#include "render.h"
#include "token_info.h"
#include "xalloc.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: coursectl auth check [--format text|json] [options]\n");
	if (fp != stdout)
		return;
	fprintf(fp, "\nChecks the Canvas URL and token the other commands would use: asks Canvas who the\n"
		    "token belongs to and prints the user's name and id, the base URL, where the URL and the\n"
		    "token came from (flag, environment, file or profile), and the token's purpose and expiry\n"
		    "as Canvas records them. The token is never printed.\n\n"
		    "   --format FORMAT      text (default) or json\n"
		    CONFIG_OPTIONS_HELP
		    "\nExit codes: 0 the token works, 1 error, 3 no token or Canvas rejected it, 64 usage.\n");
}

struct who {
	struct err err;
	int got;
	char id[32];              /* the user id as Canvas sent it (a string above 2^53) */
	char *name;   /* malloced, or NULL */
};

static void on_self(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct who *w = ud;
	const cJSON *id;
	long long n;
	char t[32];

	(void)cv;
	if (err->code) {
		if (!w->err.code)
			w->err = *err;
		return;
	}
	id = cJSON_GetObjectItemCaseSensitive(json, "id");
	if (jsonid_ll(id, &n)) {
		err_set(&w->err, ERR_GENERIC, "Canvas answered users/self without a user id; is the URL a Canvas?");
	} else {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "name"));

		w->got = 1;
		snprintf(w->id, sizeof(w->id), "%s", jsonid_text(id, t));   /* a string above 2^53 */
		w->name = xstrdup(name ? name : "");
	}
	cJSON_Delete(json);
}

static int print_text(const struct config *cfg, const struct who *w, const struct token_info *ti)
{
	struct buf b = BUF_INIT;
	char when[48];
	int rc;

	buf_puts(&b, "user     ");
	render_put_safe(&b, w->name, strlen(w->name));
	buf_printf(&b, " (id %s)\n", w->id);
	buf_printf(&b, "canvas   %s  (from %s)\n", cfg->base_url, cfg->url_source);
	buf_printf(&b, "token    from %s\n", cfg->token_source);
	if (ti->known) {
		buf_puts(&b, "purpose  ");
		if (ti->purpose)
			render_put_safe(&b, ti->purpose, strlen(ti->purpose));
		else
			buf_puts(&b, "(none)");
		if (ti->expires_at) {
			token_info_when(ti->expires, (int64_t)time(NULL), when);
			buf_puts(&b, "\nexpires  ");
			render_put_safe(&b, ti->expires_at, strlen(ti->expires_at));
			buf_printf(&b, " (%s)\n", when);
		} else {
			buf_puts(&b, "\nexpires  never\n");
		}
	} else {
		buf_puts(&b, "expires  unknown (");
		render_put_safe(&b, ti->why, strlen(ti->why));
		buf_puts(&b, ")\n");
	}
	if (cfg->profile)
		buf_printf(&b, "profile  %s\n", cfg->profile);
	rc = fputs(buf_str(&b), stdout) == EOF ? -1 : 0;
	buf_release(&b);
	return rc;
}

static int print_json(const struct config *cfg, const struct who *w, const struct token_info *ti)
{
	cJSON *o = cJSON_CreateObject(), *u = cJSON_AddObjectToObject(o, "user"), *t;
	char *s;
	int rc;

	cJSON_AddItemToObject(u, "id", jsonid(w->id));
	cJSON_AddStringToObject(u, "name", w->name);
	cJSON_AddStringToObject(o, "base_url", cfg->base_url);
	cJSON_AddStringToObject(o, "url_source", cfg->url_source);
	cJSON_AddStringToObject(o, "token_source", cfg->token_source);
	if (cfg->profile)
		cJSON_AddStringToObject(o, "profile", cfg->profile);
	else
		cJSON_AddNullToObject(o, "profile");
	/* token: {known, purpose, expires_at, unknown_reason}; null where Canvas did not say */
	t = cJSON_AddObjectToObject(o, "token");
	cJSON_AddBoolToObject(t, "known", ti->known);
	if (ti->purpose)
		cJSON_AddStringToObject(t, "purpose", ti->purpose);
	else
		cJSON_AddNullToObject(t, "purpose");
	if (ti->expires_at)
		cJSON_AddStringToObject(t, "expires_at", ti->expires_at);
	else
		cJSON_AddNullToObject(t, "expires_at");
	if (ti->why)
		cJSON_AddStringToObject(t, "unknown_reason", ti->why);
	else
		cJSON_AddNullToObject(t, "unknown_reason");
	s = cJSON_Print(o);
	rc = !s || fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF ? -1 : 0;
	cJSON_free(s);
	cJSON_Delete(o);
	return rc;
}

int cmd_auth(int argc, char **argv)
{
	struct config cfg = CONFIG_INIT;
	struct err err = ERR_INIT;
	struct canvas *cv = NULL;
	struct who w;
	struct token_info ti = TOKEN_INFO_INIT;
	int i, rc, json = 0;

	memset(&w, 0, sizeof(w));
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "check")) {
		err_set(&err, ERR_USAGE, argc < 2 ? "auth needs a subcommand: check"
						  : "'%s' is not an auth subcommand; the one there is: check", argv[1]);
		goto done;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--format")) {
			if (i + 1 >= argc) {
				err_set(&err, ERR_USAGE, "option '%s' needs a value", a);
				goto done;
			}
			a = argv[++i];
			if (strcmp(a, "text") && strcmp(a, "json")) {
				err_set(&err, ERR_USAGE, "--format '%s': use text or json", a);
				goto done;
			}
			json = !strcmp(a, "json");
		} else {
			rc = config_parse_option(&cfg, argc, argv, &i, &err);
			if (rc < 0)
				goto done;
			if (rc == 0) {
				err_set(&err, ERR_USAGE, "unknown option '%s' for auth check", a);
				goto done;
			}
		}
	}
	if (config_resolve(&cfg, NULL, NULL, &err) || canvas_new(&cv, &cfg, &err))
		goto done;
	canvas_get(cv, "/api/v1/users/self", "the token's user (users/self)", on_self, &w);
	token_info_request(cv, &ti);
	if (canvas_run(cv, &err))
		goto done;
	if (w.err.code) {
		err = w.err;
		goto done;
	}
	if (!w.got) {
		err_set(&err, ERR_GENERIC, "Canvas did not answer users/self");
		goto done;
	}
	if (!ti.known && !ti.why)
		ti.why = xstrdup("Canvas did not answer");
	if (json ? print_json(&cfg, &w, &ti) : print_text(&cfg, &w, &ti))
		err_set(&err, ERR_IO, "cannot write to standard output");
done:
	if (err.code) {
		errorf("%s", err.msg);
		if (err.code == ERR_AUTH && cfg.token_source)
			notef("the token came from %s; Canvas: %s", cfg.token_source, cfg.base_url);
		if (err.code == ERR_USAGE)
			usage(stderr);
	}
	free(w.name);
	token_info_release(&ti);
	canvas_free(cv);
	config_release(&cfg);
	return err_exit_code(&err);
}

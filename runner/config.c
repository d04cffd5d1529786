/* runner/config.c -- resolving the Canvas URL and token (see include/config.h).
 *
 * Precedence: --url, then CANVAS_BASE_URL, then the recipe's canvas.url; --token-file, then
 * CANVAS_API_TOKEN. The environment variable is deliberately the second choice for the token: a
 * file named on the command line is the more explicit intent.
 *
 * Token file rules: it must be a regular file, not readable or writable by group or others
 * (st_mode & 077 == 0); its first line, trimmed, is the token; an empty token is an error. The
 * token is kept in one malloced string and zeroed before it is freed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http.h"
#include "msg.h"
#include "version.h"
#include "xalloc.h"

static int need_value(int argc, char **argv, int i, struct err *err)
{
	if (i + 1 >= argc)
		return err_set(err, ERR_USAGE, "option '%s' needs a value", argv[i]);
	return 0;
}

static int parse_long(const char *opt, const char *v, long lo, long hi, long *out, struct err *err)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return err_set(err, ERR_USAGE, "option '%s': '%s' is not a whole number from %ld to %ld", opt, v, lo, hi);
	*out = n;
	return 0;
}

int config_parse_option(struct config *cfg, int argc, char **argv, int *i, struct err *err)
{
	const char *a = argv[*i];
	long n;

	if (!strcmp(a, "--insecure-http")) {
		cfg->insecure_http = 1;
		return 1;
	}
	/* the global -v/-q also work after the subcommand, where users tend to type them */
	if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
		msg_set_level(MSG_VERBOSE);
		return 1;
	}
	if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
		msg_set_level(MSG_QUIET);
		return 1;
	}
	if (!strcmp(a, "--token")) {
		return err_set(err, ERR_USAGE,
			       "there is no --token option: a token on the command line is visible to every user "
			       "of this machine; set CANVAS_API_TOKEN or use --token-file FILE (chmod 600)");
	}
	if (strcmp(a, "--url") && strcmp(a, "--token-file") && strcmp(a, "--concurrency") && strcmp(a, "--timeout") &&
	    strcmp(a, "--connect-timeout") && strcmp(a, "--max-response-mb"))
		return 0;
	if (need_value(argc, argv, *i, err))
		return err->code;
	(*i)++;
	if (!strcmp(a, "--url")) {
		cfg->url_opt = argv[*i];
	} else if (!strcmp(a, "--token-file")) {
		cfg->token_file = argv[*i];
	} else if (!strcmp(a, "--concurrency")) {
		if (parse_long(a, argv[*i], 1, 64, &n, err))
			return err->code;
		cfg->concurrency = (int)n;
	} else if (!strcmp(a, "--connect-timeout")) {
		if (parse_long(a, argv[*i], 1, 3600, &n, err))
			return err->code;
		cfg->connect_timeout_ms = n * 1000;
	} else if (!strcmp(a, "--timeout")) {
		if (parse_long(a, argv[*i], 1, 86400, &n, err))
			return err->code;
		cfg->timeout_ms = n * 1000;
	} else {
		if (parse_long(a, argv[*i], 1, 4096, &n, err))
			return err->code;
		cfg->max_body = (size_t)n << 20;
	}
	return 1;
}

static char *trim_token(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strcspn(s, "\r\n");
	*e = '\0';
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int read_token_file(struct config *cfg, const char *path, struct err *err)
{
	struct stat st;
	FILE *f;
	char line[4096], *t;

	f = fopen(path, "r");
	if (!f)
		return err_set(err, ERR_IO, "cannot read token file '%s': %s", path, strerror(errno));
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return err_set(err, ERR_IO, "token file '%s' is not a regular file", path);
	}
	if (st.st_mode & 077) {
		fclose(f);
		return err_set(err, ERR_USAGE,
			       "token file '%s' can be read by other users (mode %03o); run: chmod 600 '%s'", path,
			       (unsigned)(st.st_mode & 0777), path);
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	t = trim_token(line);
	if (!*t) {
		memset(line, 0, sizeof(line));
		return err_set(err, ERR_USAGE, "token file '%s' is empty", path);
	}
	cfg->token = xstrdup(t);
	memset(line, 0, sizeof(line));
	cfg->token_source = path;
	return 0;
}

int config_resolve(struct config *cfg, const char *recipe_url, const char *recipe_name, struct err *err)
{
	const char *url = cfg->url_opt;
	const char *env;

	if (!url || !*url)
		url = getenv("CANVAS_BASE_URL");
	if (!url || !*url)
		url = recipe_url;
	if (!url || !*url)
		return err_set(err, ERR_USAGE, "no Canvas URL: use --url URL or set CANVAS_BASE_URL");
	cfg->base_url = http_normalize_base(url, cfg->insecure_http, err);
	if (!cfg->base_url)
		return err->code;
	if (cfg->token_file) {
		if (read_token_file(cfg, cfg->token_file, err))
			return err->code;
	} else {
		env = getenv("CANVAS_API_TOKEN");
		if (!env || !*env)
			return err_set(err, ERR_AUTH,
				       "no Canvas token: set CANVAS_API_TOKEN or use --token-file FILE (chmod 600); "
				       "create a token in Canvas under Account > Settings > New Access Token, or "
				       "through your institution's token request process");
		cfg->token = xstrdup(env);
		cfg->token[strcspn(cfg->token, "\r\n")] = '\0';
		cfg->token_source = "CANVAS_API_TOKEN";
	}
	cfg->user_agent = recipe_name ? xasprintf("coursectl/%s (+%s)", COURSECTL_VERSION, recipe_name)
				      : xasprintf("coursectl/%s", COURSECTL_VERSION);
	return 0;
}

void config_release(struct config *cfg)
{
	if (cfg->token) {
		memset(cfg->token, 0, strlen(cfg->token));
		free(cfg->token);
	}
	free(cfg->base_url);
	free(cfg->user_agent);
	cfg->token = cfg->base_url = cfg->user_agent = NULL;
}

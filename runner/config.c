/* runner/config.c -- resolving the Canvas URL and token (see include/config.h).
 *
 * Precedence: flags > environment > profile > recipe. URL: --url, then CANVAS_BASE_URL, then the
 * profile's url, then the recipe's canvas.url; token: --token-file, then CANVAS_API_TOKEN, then the
 * profile's token_file or token_command. The environment variable is deliberately the second choice
 * for the token: a file named on the command line is the more explicit intent. The profile comes
 * from --profile, COURSECTL_PROFILE or the config file's default_profile (runner/profile.c reads
 * the file); the file is read whenever it exists, so a broken or unsafe one is reported even when
 * flags give everything, and a token_command runs only when its token is the one used.
 *
 * A profile's token is refused for a URL other than the profile's (from --url or CANVAS_BASE_URL):
 * following the precedence blindly would send a password manager's token for one Canvas to
 * another. Rejected: silently ignoring the profile's token there (the run would then fail later as
 * "no token" with a less useful message).
 *
 * Token file rules: it must be a regular file, not readable or writable by group or others
 * (st_mode & 077 == 0), else exit 3 (a token problem, README) with the chmod that fixes it. The
 * token is the first non-blank line, with surrounding whitespace trimmed -- a file written by
 * `echo TOKEN >file` or an `export CANVAS_API_TOKEN=" TOKEN"` is what a newcomer writes, and the
 * whitespace can never be part of a Canvas token. CANVAS_API_TOKEN is trimmed the same way. An
 * empty token, or one with spaces or control characters inside, is an error (exit 3) that says
 * so, without the token. The
 * token is kept in one malloced string and wiped (explicit_bzero, which the compiler may not drop
 * as a dead store) before it is freed; so is every buffer that held it. Before any token is read,
 * config_protect_process turns core dumps off (RLIMIT_CORE 0) and makes the process non-dumpable
 * (PR_SET_DUMPABLE 0), so a crash leaves no core with the token in it and other processes of the
 * user cannot read our memory through /proc or ptrace; both stay so until the process ends
 * (restoring them after config_release would gain nothing: the run is over by then). token_source and
 * url_source say where each came from (auth check prints them; -v logs them), never the token.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "http.h"
#include "msg.h"
#include "profile.h"
#include "tokencmd.h"
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
	long n = 0; /* the analyzer cannot see that err_set never returns 0 */

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
	if (strcmp(a, "--url") && strcmp(a, "--token-file") && strcmp(a, "--profile") &&
	    strcmp(a, "--concurrency") && strcmp(a, "--timeout") && strcmp(a, "--connect-timeout") &&
	    strcmp(a, "--max-response-mb") && strcmp(a, "--cacert"))
		return 0;
	if (need_value(argc, argv, *i, err))
		return err->code;
	(*i)++;
	if (!strcmp(a, "--url")) {
		cfg->url_opt = argv[*i];
	} else if (!strcmp(a, "--token-file")) {
		cfg->token_file = argv[*i];
	} else if (!strcmp(a, "--profile")) {
		cfg->profile_opt = argv[*i];
	} else if (!strcmp(a, "--cacert")) {
		cfg->cacert_opt = argv[*i];
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

/* The token in s: the first non-blank line, surrounding whitespace trimmed (in place). */
static char *trim_token(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strcspn(s, "\r\n");
	*e = '\0';
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* 0 when t (trimmed) can be a token; else an error naming `label`, never the token. */
static int check_token(const char *t, const char *label, struct err *err)
{
	const char *p;

	if (!*t)
		return err_set(err, ERR_AUTH, "%s holds no token (it is empty)", label);
	for (p = t; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return err_set(err, ERR_AUTH, "%s is not a token: it has spaces or control characters "
				       "inside; it should hold only the token, on one line", label);
	return 0;
}

/* The token from a file; `label` names it in messages ("token file 'x'", "... of profile 'p'").
 * read(2) into a buffer of ours, not stdio, so that no copy of the token is left in a FILE buffer
 * that fclose frees without wiping. */
static int read_token_file(struct config *cfg, const char *path, const char *label, struct err *err)
{
	struct stat st;
	char line[4096], *t;
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, ERR_AUTH, "cannot read %s: %s", label, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, ERR_AUTH, "%s is not a regular file", label);
	}
	if (st.st_mode & 077) {
		close(fd);
		return err_set(err, ERR_AUTH, "%s can be read or written by other users (mode %03o); make it "
			       "private: chmod 600 '%s'", label, (unsigned)(st.st_mode & 0777), path);
	}
	while (len < sizeof(line) - 1) {
		n = read(fd, line + len, sizeof(line) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	line[len] = '\0';
	t = trim_token(line);
	if (check_token(t, label, err)) {
		explicit_bzero(line, sizeof(line));
		return err->code;
	}
	cfg->token = xstrdup(t);
	explicit_bzero(line, sizeof(line));
	return 0;
}

/* The profile in use: --profile, else COURSECTL_PROFILE, else the file's default_profile. *pf is
 * the loaded file (or NULL), *pr the profile (or NULL for none); cfg->profile is set. */
static int select_profile(struct config *cfg, struct profiles **pf, const struct profile **pr,
			  struct err *err)
{
	const char *name = cfg->profile_opt, *from = "--profile";
	char *path = NULL, *names;
	struct err perr = ERR_INIT;
	int rc = 0;

	*pf = NULL;
	*pr = NULL;
	if (!name || !*name) {
		name = getenv("COURSECTL_PROFILE");
		from = "COURSECTL_PROFILE";
	}
	if (!name || !*name)
		name = NULL;
	if (profile_config_path(&path, &perr)) {
		if (name)   /* no HOME: only a named profile needs the file */
			rc = err_set(err, ERR_USAGE, "profile '%s' (%s): %s", name, from, perr.msg);
		return rc;
	}
	if (profiles_load(pf, path, err)) {
		rc = err->code;
		goto done;
	}
	if (!name && *pf)
		name = (*pf)->default_profile;
	if (!name)
		goto done;
	*pr = profiles_find(*pf, name);
	if (!*pr) {
		names = profiles_names(*pf);
		if (*pf)
			rc = err_set(err, ERR_USAGE, "unknown profile '%s' (%s); the profiles in %s are: %s", name, from,
				     path, names);
		else
			rc = err_set(err, ERR_USAGE, "unknown profile '%s' (%s): there is no config file %s; "
				     "see \"Profiles\" in the README", name, from, path);
		free(names);
		goto done;
	}
	cfg->profile = xstrdup(name);
	verbosef("profile '%s' of %s", name, path);
done:
	free(path);
	return rc;
}

/* Two base URLs are the same Canvas when equal without trailing "/" and "/api/v1", ignoring case
 * (in the scheme and host, where it does not matter; Canvas has no case-sensitive base paths). */
static int same_canvas(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la && a[la - 1] == '/')
		la--;
	if (la >= 7 && !strncmp(a + la - 7, "/api/v1", 7))
		la -= 7;
	while (lb && b[lb - 1] == '/')
		lb--;
	if (lb >= 7 && !strncmp(b + lb - 7, "/api/v1", 7))
		lb -= 7;
	return la == lb && !strncasecmp(a, b, la);
}

static int profile_token(struct config *cfg, const struct profile *pr, int url_from_profile, struct err *err)
{
	char *label;
	int rc;

	/* a profile's token is for its own Canvas: not sent to a URL given by flag or environment */
	if (pr->url && !url_from_profile && !same_canvas(pr->url, cfg->base_url))
		return err_set(err, ERR_USAGE,
			       "the token of profile '%s' is for %s, not for %s (%s); give the token with "
			       "--token-file or CANVAS_API_TOKEN too, or add a profile for that Canvas",
			       pr->name, pr->url, cfg->base_url, cfg->url_source);
	if (pr->token_file) {
		label = xasprintf("token file '%s' of profile '%s'", pr->token_file, pr->name);
		rc = read_token_file(cfg, pr->token_file, label, err);
		free(label);
		if (!rc)
			cfg->token_source = xasprintf("token_file %s of profile '%s'", pr->token_file, pr->name);
		return rc;
	}
	label = xasprintf("token_command '%s' of profile '%s'", pr->token_command, pr->name);
	verbosef("running the %s", label);
	rc = tokencmd_run(pr->token_command, pr->timeout_s * 1000, label, &cfg->token, err);
	free(label);
	if (!rc)
		cfg->token_source = xasprintf("token_command of profile '%s'", pr->name);
	return rc;
}

void config_protect_process(void)
{
	struct rlimit rl = { 0, 0 };

	/* failures are not fatal: both only narrow who can see memory that is ours anyway */
	if (setrlimit(RLIMIT_CORE, &rl))
		verbosef("cannot disable core dumps: %s", strerror(errno));
	if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L))
		verbosef("cannot make the process non-dumpable: %s", strerror(errno));
	/* what the kernel now says, read back (the kernel shows no Dumpable in /proc/PID/status; tests
	 * read this line) */
	if (msg_get_level() >= MSG_VERBOSE && !getrlimit(RLIMIT_CORE, &rl))
		verbosef("token in memory: core size limit %ld, dumpable %d", (long)rl.rlim_cur,
			 prctl(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L));
}

/* cfg->cacert: --cacert, else the profile's cacert; checked to be a readable file now, so that a
 * typo is an error naming the file rather than curl's "problem with the SSL CA cert". */
static int resolve_cacert(struct config *cfg, const struct profile *pr, struct err *err)
{
	const char *path = cfg->cacert_opt, *from = "--cacert";
	struct stat st;
	int fd;

	if (!path || !*path) {
		path = pr ? pr->cacert : NULL;
		from = "the profile's cacert";
	}
	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return err_set(err, ERR_USAGE, "cannot read the CA certificates '%s' (%s): %s", path, from,
			       strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, ERR_USAGE, "the CA certificates '%s' (%s) are not a regular file", path, from);
	}
	close(fd);
	cfg->cacert = xstrdup(path);
	verbosef("trusting the CA certificates in %s (%s)", path, from);
	return 0;
}

int config_resolve(struct config *cfg, const char *recipe_url, const char *recipe_name, struct err *err)
{
	struct profiles *pf = NULL;
	const struct profile *pr = NULL;
	const char *url = NULL, *env;
	int from_profile = 0, rc = 0;

	config_protect_process();
	if (select_profile(cfg, &pf, &pr, err)) {
		rc = err->code;
		goto done;
	}
	if (cfg->url_opt && *cfg->url_opt) {
		url = cfg->url_opt;
		cfg->url_source = xstrdup("--url");
	} else if ((env = getenv("CANVAS_BASE_URL")) && *env) {
		url = env;
		cfg->url_source = xstrdup("CANVAS_BASE_URL");
	} else if (pr && pr->url) {
		url = pr->url;
		from_profile = 1;
		cfg->url_source = xasprintf("profile '%s'", pr->name);
	} else if (recipe_url && *recipe_url) {
		url = recipe_url;
		cfg->url_source = xstrdup("the recipe's canvas.url (or the saved plan's Canvas)");
	} else {
		rc = err_set(err, ERR_USAGE, "no Canvas URL: use --url URL, set CANVAS_BASE_URL or choose a "
			     "profile with a url (--profile NAME)");
		goto done;
	}
	cfg->base_url = http_normalize_base(url, cfg->insecure_http, err);
	if (!cfg->base_url) {
		rc = err->code;
		goto done;
	}
	if ((rc = resolve_cacert(cfg, pr, err)))
		goto done;
	if (cfg->token_file) {
		char *label = xasprintf("token file '%s'", cfg->token_file);

		rc = read_token_file(cfg, cfg->token_file, label, err);
		free(label);
		if (rc)
			goto done;
		cfg->token_source = xasprintf("--token-file %s", cfg->token_file);
	} else if ((env = getenv("CANVAS_API_TOKEN")) && *env) {
		char *copy = xstrdup(env), *t = trim_token(copy);

		rc = check_token(t, "CANVAS_API_TOKEN", err);
		if (!rc)
			cfg->token = xstrdup(t);
		explicit_bzero(copy, strlen(env));
		free(copy);
		if (rc)
			goto done;
		cfg->token_source = xstrdup("CANVAS_API_TOKEN");
	} else if (pr && (pr->token_file || pr->token_command)) {
		if ((rc = profile_token(cfg, pr, from_profile, err)))
			goto done;
	} else if (pr) {
		rc = err_set(err, ERR_AUTH,
			     "no Canvas token: profile '%s' has neither token_file nor token_command; add one to "
			     "%s, set CANVAS_API_TOKEN or use --token-file FILE (chmod 600)", pr->name, pf->path);
		goto done;
	} else {
		rc = err_set(err, ERR_AUTH,
			     "no Canvas token: set CANVAS_API_TOKEN, use --token-file FILE (chmod 600) or a profile "
			     "(\"Profiles\" in the README); create a token in Canvas under Account > Settings > New "
			     "Access Token, or through your institution's token request process");
		goto done;
	}
	verbosef("Canvas %s (from %s), token from %s", cfg->base_url, cfg->url_source, cfg->token_source);
	/* the version only: a recipe's path names a local folder (a user name, a course) and Canvas's
	 * request logs are read by others (issue 17) */
	(void)recipe_name;
	cfg->user_agent = xasprintf("coursectl/%s", COURSECTL_VERSION);
done:
	profiles_free(pf);
	return rc;
}

void config_release(struct config *cfg)
{
	if (cfg->token) {
		explicit_bzero(cfg->token, strlen(cfg->token));
		free(cfg->token);
	}
	free(cfg->base_url);
	free(cfg->user_agent);
	free(cfg->token_source);
	free(cfg->profile);
	free(cfg->url_source);
	free(cfg->cacert);
	cfg->cacert = NULL;
	cfg->token = cfg->base_url = cfg->user_agent = cfg->token_source = cfg->profile = cfg->url_source = NULL;
}

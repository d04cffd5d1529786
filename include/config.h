/* include/config.h -- where coursectl finds Canvas: the base URL, the token, the engine's knobs.
 *
 * Calling sequence (in a cmd_*.c that talks to Canvas)
 *   struct config cfg = CONFIG_INIT;
 *   for each argv[i]: config_parse_option(&cfg, argc, argv, &i, &err) -> 1 consumed, 0 not ours, <0 error
 *   config_resolve(&cfg, recipe_url, &err)   URL: --url, else CANVAS_BASE_URL, else the profile's
 *                                            url, else the recipe's canvas.url; token: --token-file,
 *                                            else CANVAS_API_TOKEN, else the profile's token_file
 *                                            or token_command
 *   ... canvas_new(&cv, &cfg, &err) ...
 *   config_release(&cfg)                     wipes the token from memory
 *
 * The token is never taken from the command line (argv is visible to every user of the machine
 * through ps and lands in shell history): only the environment or a file that only its owner can
 * read (a group- or world-readable file is refused with a message that says chmod 600), or the
 * output of a profile's token_command (include/tokencmd.h).
 *
 * TLS: certificates are always verified; --cacert FILE, else the profile's cacert, names the CA
 * certificates (PEM) to trust instead of the system's, for a Canvas behind a private CA.
 *
 * The profile (include/profile.h) is --profile NAME, else COURSECTL_PROFILE, else the config file's
 * default_profile; with none, there is no profile. Flags beat the environment, which beats the
 * profile, which beats the recipe -- for the URL and the token separately. One exception guards the
 * token: a profile's token is for the profile's url, so when the URL comes from --url or
 * CANVAS_BASE_URL, differs from the profile's url, and the token would come from the profile, the
 * run is refused (give the token by flag or environment too, or use a profile for that URL).
 */
#ifndef COURSECTL_CONFIG_H
#define COURSECTL_CONFIG_H

#include <stddef.h>

#include "err.h"

struct config {
	const char *url_opt;      /* --url (borrowed from argv) */
	const char *token_file;   /* --token-file (borrowed) */
	int insecure_http;
	int concurrency;          /* 0 = default */
	long timeout_ms;          /* 0 = default */
	long connect_timeout_ms;
	size_t max_body;          /* 0 = default */
	char *base_url;           /* resolved, malloced */
	char *token;              /* resolved, malloced; wiped by config_release */
	char *token_source;       /* where the token came from, for messages: "CANVAS_API_TOKEN",
				     "--token-file FILE", ... (malloced; never the token) */
	char *user_agent;         /* malloced */
	const char *profile_opt;  /* --profile (borrowed) */
	char *profile;            /* the profile in use, or NULL (malloced) */
	char *url_source;         /* where the URL came from: "--url", "CANVAS_BASE_URL", ... (malloced) */
	const char *cacert_opt;   /* --cacert (borrowed) */
	char *cacert;             /* resolved: --cacert, else the profile's cacert, else NULL (malloced) */
};

#define CONFIG_INIT { NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

/* The options every Canvas-facing command accepts, for its usage text. */
#define CONFIG_OPTIONS_HELP                                                                       \
	"   -v, --verbose        log each request (never the token)\n"                                 \
	"   -q, --quiet          only errors on standard error\n"                                       \
	"   --url URL            Canvas base URL (else CANVAS_BASE_URL); https:// except loopback\n"  \
	"   --token-file FILE    read the token from FILE (mode 600); else CANVAS_API_TOKEN\n"        \
	"   --profile NAME       a profile of ~/.config/coursectl/config.yaml (else COURSECTL_PROFILE)\n" \
	"   --insecure-http      allow http:// to a non-loopback host (the token travels in clear)\n" \
	"   --cacert FILE        trust the CA certificates in FILE (PEM) for https:// (a private CA)\n" \
	"   --concurrency N      at most N requests in flight (default 8; adapts to the throttle)\n"   \
	"   --timeout SECONDS    per-request time limit (default 120)\n"                             \
	"   --connect-timeout S  time limit to connect (default 10)\n"                                \
	"   --max-response-mb N  refuse responses larger than N MiB (default 64)\n"

/* Before a token is read: no core dump (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0: no
 * core, no ptrace or /proc/PID/mem by other processes of the user), until the process ends.
 * config_resolve calls it; so does main when CANVAS_API_TOKEN is set. At -v it logs the limit and
 * the dumpable flag as the kernel reports them. */
void config_protect_process(void);

int config_parse_option(struct config *cfg, int argc, char **argv, int *i, struct err *err);
/* recipe_url: the recipe's canvas.url or NULL; recipe_name: unused (the User-Agent was
 * "coursectl/VERSION (+RECIPE)" until issue 17; it never names a local file now). */
int config_resolve(struct config *cfg, const char *recipe_url, const char *recipe_name, struct err *err);
void config_release(struct config *cfg);

#endif

/* include/profile.h -- the user's config file: named profiles of Canvas URL and token source.
 *
 * Calling sequence (config.c is the only caller in coursectl)
 *   profile_config_path(&path, &err)          $XDG_CONFIG_HOME/coursectl/config.yaml, else
 *                                             ~/.config/coursectl/config.yaml (malloced)
 *   profiles_load(&pf, path, &err)            0 with pf NULL when the file does not exist;
 *                                             refuses a group- or world-writable file
 *   profiles_find(pf, name)                    the profile, or NULL
 *   profiles_names(pf)                         "a, b, c" for a message (malloced)
 *   profiles_free(pf)
 *
 * The file (docs in README "Profiles"):
 *   default_profile: university
 *   profiles:
 *     university: {url: https://canvas.example.edu, token_file: ~/.config/coursectl/token}
 *     sandbox:    {url: https://example.instructure.com, token_command: "pass show canvas/sandbox"}
 * Per profile: url, token_file (`~/` is the home directory; a relative path is relative to the
 * config file's directory), token_command (run by /bin/sh -c; its first line of output is the token),
 * token_command_timeout (seconds, default PROFILE_TIMEOUT_DEFAULT), cacert (a PEM file of CA
 * certificates to trust for the url, a private CA; its path is read as token_file's). token_file and token_command
 * exclude each other. Every error is "FILE:LINE:COL: message" (ERR_USAGE).
 */
#ifndef COURSECTL_PROFILE_H
#define COURSECTL_PROFILE_H

#include <stddef.h>

#include "err.h"

#define PROFILE_MAX_BYTES       (64 * 1024)   /* the config file */
#define PROFILE_TIMEOUT_DEFAULT 60            /* seconds a token_command may take */

struct profile {
	char *name;
	char *url;             /* NULL when absent */
	char *token_file;      /* NULL when absent; `~/` expanded, made absolute */
	char *token_command;   /* NULL when absent */
	char *cacert;          /* NULL when absent; CA certificates (PEM) for https, path as token_file */
	long timeout_s;        /* token_command_timeout */
	int line, col;         /* where the profile's name is, for messages */
};

struct profiles {
	char *path;            /* the file, for messages */
	char *default_profile; /* NULL when absent; always names a profile of the file */
	struct profile *v;
	size_t n;
};

/* *out: malloced path; freed by the caller. ERR_IO when neither XDG_CONFIG_HOME nor HOME gives a
 * directory. */
int profile_config_path(char **out, struct err *err);
/* *out: NULL when `path` does not exist, else the profiles (profiles_free). */
int profiles_load(struct profiles **out, const char *path, struct err *err);
/* The same on a buffer; `path` names it in messages, and relative token_file paths are taken
 * from its directory. No permission check (that is profiles_load's, on the open file). */
int profiles_load_mem(struct profiles **out, const char *path, const char *buf, size_t len, struct err *err);
const struct profile *profiles_find(const struct profiles *pf, const char *name);
/* The names, "a, b, c" in file order, or "(none)"; malloced, freed by the caller. */
char *profiles_names(const struct profiles *pf);
void profiles_free(struct profiles *pf);

#endif

/* include/token_info.h -- what Canvas says about the token in use: its purpose and expiry.
 *
 * Calling sequence
 *   struct token_info ti = TOKEN_INFO_INIT;
 *   token_info_request(cv, &ti)        queue GET /api/v1/users/self/tokens/HINT (Access Tokens API)
 *   canvas_run(cv, &err)               ti is filled: known, or why it is not
 *   token_info_release(&ti)
 * or, before a run writes: token_info_warn_expiry(cv, nobjects, "apply") -- a warning on stderr when
 * the token expires before the run's estimated end (runner/token_info.c says how it estimates).
 * Never fatal: a Canvas that cannot say (an older Canvas, a token it cannot find by its hint) leaves
 * the token's expiry unknown, and the run goes on.
 */
#ifndef COURSECTL_TOKEN_INFO_H
#define COURSECTL_TOKEN_INFO_H

#include <stddef.h>
#include <stdint.h>

struct canvas;

struct token_info {
	int known;          /* 1: Canvas answered with the token */
	char *purpose;      /* malloced, or NULL */
	char *expires_at;   /* malloced, as Canvas wrote it; NULL when the token never expires (or unknown) */
	int64_t expires;    /* expires_at as an instant (when expires_at is set) */
	char *why;          /* malloced: why the token is unknown (when !known) */
};

#define TOKEN_INFO_INIT { 0, NULL, NULL, 0, NULL }

/* Seconds per object in the estimate of a run's length, and the shortest estimate that is checked
 * against the token's expiry (a shorter run sends no extra request). */
#define TOKEN_SECONDS_PER_OBJECT 1.5
#define TOKEN_CHECK_MIN_S        600.0

void token_info_request(struct canvas *cv, struct token_info *ti);
void token_info_release(struct token_info *ti);
/* The estimated length in seconds of a run that writes nobjects objects. */
double token_info_estimate_s(size_t nobjects);
/* Before a run (`run` is "apply" or "rollback"): when the estimate is at least TOKEN_CHECK_MIN_S,
 * asks Canvas about the token and warns if it expires before the estimated end. Returns 1 when it
 * warned, else 0. */
int token_info_warn_expiry(struct canvas *cv, size_t nobjects, const char *run);
/* "in 3 h 20 min", "in 45 s", "2 days ago" for the distance from now to t; out holds 48 bytes. */
void token_info_when(int64_t t, int64_t now, char out[48]);

#endif

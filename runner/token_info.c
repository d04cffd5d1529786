/* runner/token_info.c -- the token's purpose and expiry from the Access Tokens API (include/token_info.h).
 *
 * Canvas: GET /api/v1/users/:user_id/tokens/:id is TokensController#show (canvas-lms
 * app/controllers/tokens_controller.rb). Its find_token takes :id as a token hint when
 * AccessToken.token_hint? accepts it -- a string of AccessToken::HINT_LENGTH (5) characters -- and
 * AccessToken#token= stores the token's first 5 characters as its hint (app/models/access_token.rb).
 * The answer is Api::V1::Token#token_json (lib/api/v1/token.rb): purpose, and expires_at (the
 * model's permanent_expires_at, null when the token never expires). A user may read their own
 * tokens (AccessToken's policy: user.id == user_id can :read). So the token is looked up by its
 * first 5 characters under users/self -- the hint Canvas itself shows in its token list as
 * "HINT..."; the rest of the token never leaves the Authorization header. A token whose first 5
 * characters need percent-encoding is not looked up (Canvas tokens are "N~" and letters and digits).
 * Two tokens of the user with the same hint: Canvas answers with one of them (find_by); rare, and
 * at worst the warning is about the wrong token's expiry.
 *
 * The estimate of a run's length (token_info_estimate_s): TOKEN_SECONDS_PER_OBJECT (1.5 s) per
 * object changed -- a read before the write (the stale check), the write and the read-back, at
 * about 0.5 s each when Canvas is busy enough to throttle (API.md 3: then one request in flight at
 * a time is what the bucket allows). It is rough on purpose, and errs long: the warning is cheap,
 * a run that stops half-way because its token expired is not (it can be resumed, with a new token).
 * A run estimated shorter than TOKEN_CHECK_MIN_S (10 min, 400 objects) is not checked: it sends
 * exactly the requests it did before (the golden request logs of tests/golden stay as they are),
 * and a token's life is counted in days (Canvas caps non-admin tokens at 30 and students' at 120,
 * TokensController), so the run that meets its token's last minutes is the long one.
 * COURSECTL_SECONDS_PER_OBJECT replaces the 1.5 s (tests).
 */
#include "token_info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "canvas.h"
#include "dates.h"
#include "msg.h"
#include "xalloc.h"

static void on_token(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct token_info *ti = ud;
	const cJSON *exp;
	const char *purpose;

	(void)cv;
	if (err->code) {
		ti->why = xasprintf("Canvas did not say: %s", err->msg);
		return;
	}
	purpose = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(json, "purpose"));
	exp = cJSON_GetObjectItemCaseSensitive(json, "expires_at");
	if (!cJSON_IsObject(json) || !(cJSON_IsNull(exp) || cJSON_IsString(exp))) {
		ti->why = xstrdup("Canvas's answer has no expires_at");
	} else if (cJSON_IsString(exp) && dates_parse(exp->valuestring, &ti->expires)) {
		ti->why = xasprintf("Canvas's expires_at '%.40s' is not a date", exp->valuestring);
	} else {
		ti->known = 1;
		ti->purpose = purpose ? xstrdup(purpose) : NULL;
		ti->expires_at = cJSON_IsString(exp) ? xstrdup(exp->valuestring) : NULL;
	}
	cJSON_Delete(json);
}

void token_info_request(struct canvas *cv, struct token_info *ti)
{
	const char *hint = canvas_token_hint(cv);
	char path[64];

	if (!*hint) {
		ti->why = xstrdup("the token has no 5-character hint Canvas could find it by");
		return;
	}
	snprintf(path, sizeof(path), "/api/v1/users/self/tokens/%s", hint);
	canvas_get(cv, path, "the token's purpose and expiry (users/self/tokens)", on_token, ti);
}

void token_info_release(struct token_info *ti)
{
	free(ti->purpose);
	free(ti->expires_at);
	free(ti->why);
	ti->purpose = ti->expires_at = ti->why = NULL;
	ti->known = 0;
}

double token_info_estimate_s(size_t nobjects)
{
	const char *env = getenv("COURSECTL_SECONDS_PER_OBJECT");
	double per = TOKEN_SECONDS_PER_OBJECT;

	if (env) {
		char *end;
		double v = strtod(env, &end);

		if (end != env && !*end && v > 0)
			per = v;
	}
	return (double)nobjects * per;
}

void token_info_when(int64_t t, int64_t now, char out[48])
{
	int64_t d = t >= now ? t - now : now - t;
	const char *pre = t >= now ? "in " : "", *post = t >= now ? "" : " ago";

	if (d < 120)
		snprintf(out, 48, "%s%lld s%s", pre, (long long)d, post);
	else if (d < 2 * 3600)
		snprintf(out, 48, "%s%lld min%s", pre, (long long)(d / 60), post);
	else if (d < 2 * 86400)
		snprintf(out, 48, "%s%lld h %lld min%s", pre, (long long)(d / 3600), (long long)(d % 3600 / 60), post);
	else
		snprintf(out, 48, "%s%lld days%s", pre, (long long)(d / 86400), post);
}

int token_info_warn_expiry(struct canvas *cv, size_t nobjects, const char *run)
{
	struct token_info ti = TOKEN_INFO_INIT;
	struct err err = ERR_INIT;
	double est = token_info_estimate_s(nobjects);
	int64_t now = (int64_t)time(NULL);
	char left[48], need[48];
	int warned = 0;

	if (est < TOKEN_CHECK_MIN_S)
		return 0;
	token_info_request(cv, &ti);
	if (!ti.why && canvas_run(cv, &err) && !ti.why)
		ti.why = xstrdup(err.msg);
	if (!ti.known) {
		verbosef("the token's expiry is unknown (%s)", ti.why ? ti.why : "no answer");
	} else if (ti.expires_at && ti.expires < now + (int64_t)est) {
		token_info_when(ti.expires, now, left);
		token_info_when(now + (int64_t)est, now, need);
		warnf("the token expires at %s (%s), before this %s's estimated end (%s for %zu object%s): "
		      "create a new token first, or the run stops when Canvas refuses it (then resume it with the "
		      "new token: apply --resume JOURNAL)", ti.expires_at, left, run, need, nobjects,
		      nobjects == 1 ? "" : "s");
		warned = 1;
	} else {
		verbosef("the token expires %s; this %s is estimated at %.0f s", ti.expires_at ? ti.expires_at : "never",
			 run, est);
	}
	token_info_release(&ti);
	return warned;
}

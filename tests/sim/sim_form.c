/* tests/sim/sim_form.c -- x-www-form-urlencoded and query strings into nested cJSON.
 *
 * Canvas reads `assignment[due_at]=...` the way Rails does; this file reproduces that nesting
 * (Rack's normalize_params) so that handlers see the same structure for form and JSON bodies.
 * Decoding is byte-exact: no charset conversion, invalid %-escapes are kept literally.
 */
#include "sim_form.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *form_urldecode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
			   hexval((unsigned char)s[i + 2]) >= 0) {
			*o++ = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

size_t form_pathdecode_into(const char *s, size_t n, char *out)
{
	char *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			*o++ = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return (size_t)(o - out);
}

char *form_pathdecode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);

	form_pathdecode_into(s, n, out);
	return out;
}

char *form_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = xmalloc(3 * n + 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

void form_parse(const char *s, size_t n, struct sim_kv **kv, size_t *nkv)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i, eq;

		while (j < n && s[j] != '&' && s[j] != ';')
			j++;
		if (j > i) {
			for (eq = i; eq < j && s[eq] != '='; eq++)
				;
			*kv = xrealloc(*kv, (*nkv + 1) * sizeof(**kv));
			(*kv)[*nkv].key = form_urldecode(s + i, eq - i);
			(*kv)[*nkv].val = eq < j ? form_urldecode(s + eq + 1, j - eq - 1) : xstrdup("");
			(*nkv)++;
		}
		i = j + 1;
	}
}

void form_free(struct sim_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}

/* Rack's key split (normalize_params, the regex \A[\[\]]*([^\[\]]+)\]* ): skip leading brackets, the
 * key is the run of other characters, then skip the ']'s after it; *after is the rest ("" / "[]" /
 * "[x]..."). */
static char *split_key(const char *name, const char **after)
{
	const char *k, *e;

	for (k = name; *k == '[' || *k == ']'; k++)
		;
	for (e = k; *e && *e != '[' && *e != ']'; e++)
		;
	*after = e;
	while (**after == ']')
		(*after)++;
	return xstrndup(k, (size_t)(e - k));
}

/* Rack's params_hash_has_key?: a key that contains "[]" is never "already there" (so
 * "o[][ids][]=1&o[][ids][]=2" fills one object); else walk the bracketed parts. */
static int has_nested_key(cJSON *obj, const char *name)
{
	const char *p = name;
	cJSON *cur = obj;

	if (strstr(name, "[]"))
		return 0;
	while (*p) {
		const char *e;
		char *part;

		while (*p == '[' || *p == ']')
			p++;
		if (!*p)
			break;
		for (e = p; *e && *e != '[' && *e != ']'; e++)
			;
		part = xstrndup(p, (size_t)(e - p));
		cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, part) : NULL;
		free(part);
		if (!cur)
			return 0;
		p = e;
	}
	return 1;
}

/* Rack's param_depth_limit: deeper keys are dropped rather than nested (Rack answers 400), which
 * also bounds the recursion on a hostile key of thousands of brackets. */
#define FORM_DEPTH_MAX 100

static void normalize(cJSON *params, const char *name, const char *v, int depth)
{
	const char *after;
	char *k;
	cJSON *cur;

	if (depth > FORM_DEPTH_MAX)
		return;
	k = split_key(name, &after);
	if (!*k) {
		free(k);
		return;
	}
	cur = cJSON_GetObjectItemCaseSensitive(params, k);
	if (!*after) {
		sim_set(params, k, cJSON_CreateString(v));
	} else if (!strcmp(after, "[")) {
		/* Rack keeps "a[" whole as the name */
		sim_set(params, name, cJSON_CreateString(v));
	} else if (!strcmp(after, "[]")) {
		if (!cJSON_IsArray(cur)) {
			cur = cJSON_CreateArray();
			sim_set(params, k, cur);
		}
		cJSON_AddItemToArray(cur, cJSON_CreateString(v));
	} else if (!strncmp(after, "[]", 2)) {
		const char *child = after + 2;   /* "[x]..." */
		cJSON *last;

		if (!cJSON_IsArray(cur)) {
			cur = cJSON_CreateArray();
			sim_set(params, k, cur);
		}
		last = cJSON_GetArrayItem(cur, cJSON_GetArraySize(cur) - 1);
		if (cJSON_IsObject(last) && !has_nested_key(last, child)) {
			normalize(last, child, v, depth + 1);
		} else {
			cJSON *h = cJSON_CreateObject();

			normalize(h, child, v, depth + 1);
			cJSON_AddItemToArray(cur, h);
		}
	} else {
		/* Rack raises ParameterTypeError when a scalar becomes a hash; we let the later shape win */
		if (!cJSON_IsObject(cur)) {
			cur = cJSON_CreateObject();
			sim_set(params, k, cur);
		}
		normalize(cur, after, v, depth + 1);
	}
	free(k);
}

cJSON *form_to_json(const struct sim_kv *kv, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < n; i++)
		normalize(root, kv[i].key, kv[i].val, 0);
	return root;
}

int form_value_bool(const char *s)
{
	static const char *const yes[] = { "yes", "y", "true", "t", "on", "1" };
	static const char *const no[] = { "no", "n", "false", "f", "off", "0" };
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!strcasecmp(s, yes[i]))
			return 1;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (!strcasecmp(s, no[i]))
			return 0;
	/* Ruby's to_i: leading blanks, a sign, digits; strtol (unlike atol) is defined on overflow */
	return strtol(s, NULL, 10) != 0;
}

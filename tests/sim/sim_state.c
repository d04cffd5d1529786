/* tests/sim/sim_state.c -- loading a seed and resetting to it.
 *
 * A seed is a course export in the shapes the real API returns (so a course saved by
 * `coursectl snapshot`, or captured from real Canvas, can seed it). Loading does three things and
 * nothing more: assigns ids that are missing (one counter across kinds, above every id in the
 * seed), fills the back-references the API reports (course_id, assignment_id, module_id,
 * context_code, a page's url slug), and keeps the result as the seed for /__sim/reset. Defaults of
 * other fields are applied when objects are rendered, so the state stays what the seed said.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "xalloc.h"

/* Transliteration of U+00C0..U+00FF (Unidecoder x00.json), for sim_slug. */
static const char *const latin1[64] = {
	"A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
	"D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "U", "Th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "/", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* Canvas's String#to_url (gems/canvas_stringex/lib/lucky_sneaks/string_extensions.rb, used by
 * WikiPage's acts_as_url): convert_misc_characters turns "&" into " and ", "@" into " at ", "#"
 * into " number ", "%" into " percent ", "*" into " star ", "/" and "\\" into " slash ", "$N" at a
 * word start into "N dollars", a "." between two non-spaces into " dot " ("..." into " dot dot dot
 * "), drops an apostrophe inside a word, and makes . , : ; ( ) [ ] / ? ! ^ ' " _ spaces; to_ascii
 * transliterates (Latin-1 letters here: "é" -> "e", "ß" -> "ss"); then lower case, white space
 * runs to "-", and runs of "-" squeezed and trimmed. Every other character stays: "C++ basics" is
 * "c++-basics". Not reproduced: HTML tags and entities in titles, "£"/"¥" amounts, scripts
 * outside Latin-1 (kept as bytes). */
char *sim_slug(const char *title)
{
	size_t n = strlen(title), i;
	char *a = xmalloc(n * 16 + 2), *out;
	size_t o = 0, w;

#define PUT(str) do { const char *q_ = (str); while (*q_) a[o++] = *q_++; } while (0)
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)title[i], prev = i ? (unsigned char)title[i - 1] : 0;
		unsigned char next = (unsigned char)title[i + 1];

		if (c == 0xc3 && next >= 0x80 && next <= 0xbf) {
			PUT(latin1[next - 0x80]);
			i++;
		} else if (c == '.' && next == '.' && title[i + 2] == '.') {
			PUT(" dot dot dot ");
			while (title[i + 1] == '.')
				i++;
		} else if (c == '.' && i && !isspace(prev) && next && !isspace(next)) {
			PUT(" dot ");
		} else if (c == '$' && (!i || isspace(prev)) && isdigit(next)) {
			size_t j = i + 1;

			a[o++] = ' ';
			while (isdigit((unsigned char)title[j]))
				a[o++] = title[j++];
			PUT(" dollars ");
			i = j - 1;
		} else if (c == '&') {
			PUT(" and ");
		} else if (c == '@') {
			PUT(" at ");
		} else if (c == '#') {
			PUT(" number ");
		} else if (c == '%') {
			PUT(" percent ");
		} else if (c == '*') {
			PUT(" star ");
		} else if (c == '/' || c == '\\') {
			PUT(" slash ");
		} else if (c == '\'' && i && (isalnum(prev) || prev == '_') && (isalnum(next) || next == '_')) {
			/* an apostrophe inside a word goes */
		} else if (strchr(".,:;()[]?!^'\"_", c) || isspace(c)) {
			a[o++] = ' ';
		} else {
			a[o++] = (char)tolower(c);
		}
	}
#undef PUT
	a[o] = '\0';
	/* lower case, white space to "-", runs of "-" squeezed and trimmed */
	out = xmalloc(o + 1);
	for (i = 0, w = 0; i < o; i++) {
		char c = (char)tolower((unsigned char)a[i]);

		if (c == ' ')
			c = '-';
		if (c == '-' && (!w || out[w - 1] == '-'))
			continue;
		out[w++] = c;
	}
	while (w && out[w - 1] == '-')
		w--;
	out[w] = '\0';
	free(a);
	if (!w) {
		free(out);
		out = xstrdup("page");
	}
	return out;
}

static void max_id(const cJSON *node, int64_t *max)
{
	const cJSON *it;

	if (cJSON_IsObject(node)) {
		cJSON_ArrayForEach(it, node) {
			if ((!strcmp(it->string, "id") || !strcmp(it->string, "page_id")) && sim_value_id(it) > *max)
				*max = sim_value_id(it);
			else if (cJSON_IsNumber(it) && (!strcmp(it->string, "id") || !strcmp(it->string, "page_id")) &&
				 it->valuedouble >= (double)SIM_BIG_ID)
				*max = INT64_MAX;   /* refused by sim_load_seed: a double cannot hold it */
			else
				max_id(it, max);
		}
	} else if (cJSON_IsArray(node)) {
		cJSON_ArrayForEach(it, node)
			max_id(it, max);
	}
}

static void ensure_id(struct sim *s, cJSON *obj, const char *key)
{
	if (sim_value_id(cJSON_GetObjectItemCaseSensitive(obj, key)) < 0)
		sim_set(obj, key, sim_id_item(sim_new_id(s)));
}

static void set_num(cJSON *obj, const char *key, int64_t v)
{
	sim_set(obj, key, sim_id_item(v));
}

static void fill_course(struct sim *s, cJSON *c)
{
	static const char *const simple[] = { "quizzes", "discussion_topics", "announcements", "calendar_events" };
	cJSON *it, *sub;
	int64_t cid;
	size_t k;
	char code[64];

	ensure_id(s, c, "id");
	cid = sim_id(c);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "assignments")) {
		ensure_id(s, it, "id");
		set_num(it, "course_id", cid);
		cJSON_ArrayForEach(sub, cJSON_GetObjectItemCaseSensitive(it, "overrides")) {
			ensure_id(s, sub, "id");
			set_num(sub, "assignment_id", sim_id(it));
		}
	}
	for (k = 0; k < sizeof(simple) / sizeof(simple[0]); k++)
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, simple[k]))
			ensure_id(s, it, "id");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "announcements"))
		sim_set(it, "is_announcement", cJSON_CreateTrue());
	snprintf(code, sizeof(code), "course_%" PRId64, cid);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "calendar_events"))
		if (!sim_str(it, "context_code"))
			sim_set_str(it, "context_code", code);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "modules")) {
		ensure_id(s, it, "id");
		cJSON_ArrayForEach(sub, cJSON_GetObjectItemCaseSensitive(it, "items")) {
			ensure_id(s, sub, "id");
			set_num(sub, "module_id", sim_id(it));
		}
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "pages")) {
		ensure_id(s, it, "page_id");
		if (!sim_str(it, "url")) {
			char *slug = sim_slug(sim_str(it, "title") ? sim_str(it, "title") : "page");

			sim_set_str(it, "url", slug);
			free(slug);
		}
	}
}

/* The --token values join every seed, the first one and those of POST /__sim/seed alike: a harness
 * that replaces the seed keeps the token it started the simulator with. */
static void add_cfg_tokens(struct sim *s, cJSON *tokens)
{
	int i;

	for (i = 0; i < s->cfg.ntokens; i++) {
		const char *t = s->cfg.tokens[i];
		cJSON *it;
		int found = 0;

		cJSON_ArrayForEach(it, tokens) {
			const char *name = cJSON_IsString(it) ? it->valuestring : sim_str(it, "token");

			if (name && !strcmp(name, t))
				found = 1;
		}
		if (!found)
			cJSON_AddItemToArray(tokens, cJSON_CreateString(t));
	}
}

int sim_load_seed(struct sim *s, const char *json, char *errbuf, size_t errlen)
{
	cJSON *seed = cJSON_Parse(json), *it;
	int64_t max = 0;

	if (!cJSON_IsObject(seed)) {
		const char *where = cJSON_GetErrorPtr();

		if (!*json) {
			snprintf(errbuf, errlen, "the seed is empty");
		} else if (seed || !where || (uintptr_t)where < (uintptr_t)json ||
			   (uintptr_t)where > (uintptr_t)(json + strlen(json))) {
			snprintf(errbuf, errlen, "the seed is not a JSON object");
		} else {
			/* name the line of cJSON's error position and quote it (trimmed, one line): the
			 * position is often just past the culprit, at the line's end */
			const char *b = where, *e;
			int line = 1, n;

			for (e = json; e < where; e++)
				line += *e == '\n';
			while (b > json && b[-1] != '\n')
				b--;
			while (*b == ' ' || *b == '\t')
				b++;
			n = (int)strcspn(b, "\r\n");
			snprintf(errbuf, errlen, "the seed is not valid JSON at line %d: '%.*s'", line, n > 60 ? 60 : n, b);
		}
		cJSON_Delete(seed);
		return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(seed, "courses") &&
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(seed, "courses"))) {
		snprintf(errbuf, errlen, "the seed's \"courses\" must be an array");
		cJSON_Delete(seed);
		return -1;
	}
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(seed, "courses")))
		sim_set(seed, "courses", cJSON_CreateArray());
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(seed, "tokens")))
		sim_set(seed, "tokens", cJSON_CreateArray());
	add_cfg_tokens(s, cJSON_GetObjectItemCaseSensitive(seed, "tokens"));
	max_id(seed, &max);
	if (max >= SIM_BIG_ID_MAX) {
		/* a JSON number (a double) at or above 2^53 has already lost digits: such an id must be
		 * written as a string of digits; and new ids counting up from near INT64_MAX would overflow */
		snprintf(errbuf, errlen, "an id of the seed is at or above 2^53 as a JSON number, or above 2^62; ids "
			 "must be below 2^53 as numbers (write a larger id as a string of digits, \"10000000000000001\") "
			 "and below 2^62");
		cJSON_Delete(seed);
		return -1;
	}
	s->next_id = max + 1 > 100 ? max + 1 : 100;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(seed, "courses")) {
		if (!cJSON_IsObject(it)) {
			snprintf(errbuf, errlen, "every element of the seed's \"courses\" must be an object");
			cJSON_Delete(seed);
			return -1;
		}
		fill_course(s, it);
	}
	cJSON_Delete(s->seed);
	s->seed = seed;
	sim_reset(s);
	return 0;
}

void sim_reset(struct sim *s)
{
	int64_t max = 0;

	cJSON_Delete(s->state);
	s->state = cJSON_Duplicate(s->seed, 1);
	s->state_gen++;
	cJSON_Delete(s->progress);
	s->progress = cJSON_CreateArray();
	cJSON_Delete(s->notifications);
	s->notifications = cJSON_CreateArray();
	sim_jobs_clear(s);
	bucket_table_clear(&s->buckets);
	sim_admin_free(s);
	sim_stats_reset(s);
	max_id(s->seed, &max);
	s->next_id = max + 1 > 100 ? max + 1 : 100;
	s->rng = s->cfg.random_seed;
	sim_stats_cpu_mark(s);   /* last: the reset's own work (duplicating the seed) is not counted */
}

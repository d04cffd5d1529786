/* runner/render_value.c -- values as a person reads them, the same in every format
 * (runner/render_internal.h): strings quoted, other JSON compact, long values cut on a UTF-8
 * boundary; a created object's HTML as its size; and the date block.
 *
 * The date block (API.md 11: Canvas stores UTC, people think in the course's zone): a date is its
 * local time with weekday and zone abbreviation in the course's zone ("Fri 2025-10-17 23:59:59
 * EDT") beside its UTC instant ("2025-10-18T03:59:59Z"); UTC only when the course has no zone (or
 * one dates.c does not know); a string that is no date is shown as the string. render_date_split
 * is the one place that turns a date into those two parts; a value on one line
 * (render_value), a table cell (HTML), and an update shown as two local times over two UTC
 * instants (render_date_update: the text, the Markdown) are laid out from them by each format.
 *
 * Rules: nothing here is neutralised or escaped -- that is each format's own (textdiff's
 * neutralisation, then HTML or Markdown escaping). What a field is (a date, HTML) is asked of
 * render_kind.c.
 *
 * Rejected: each format converting dates itself (the same parse, zone and fallback rules written
 * out per format, each free to drift from the others).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dates.h"
#include "render_internal.h"

#define ELLIPSIS "\xe2\x80\xa6"   /* … */

static const char *str0(const char *s)
{
	return s ? s : "";
}

static int long_text(const cJSON *v)
{
	if (!cJSON_IsString(v))
		return 0;
	return strlen(v->valuestring) > RENDER_LONG_TEXT || strchr(v->valuestring, '\n');
}

int render_wants_diff(const struct plan_change *c)
{
	int bs = cJSON_IsString(c->before), as = cJSON_IsString(c->after);

	if (c->op != PLAN_UPDATE || !c->field)
		return 0;
	if (!(bs || cJSON_IsNull(c->before)) || !(as || cJSON_IsNull(c->after)) || !(bs || as))
		return 0;
	if (render_is_date_field(c->kind, c->field))
		return 0;
	return render_is_html_field(c->kind, c->field) || long_text(c->before) || long_text(c->after);
}

const char *render_zone(const struct render_group *g)
{
	if (g->course && g->course->time_zone && *g->course->time_zone)
		return g->course->time_zone;
	return NULL;
}

/* ---------------------------------------------------------------- dates */

int render_date_split(const char *s, const char *zone, char loc[48], char utc[32])
{
	struct dates_local l;
	int64_t t;

	if (dates_parse(s, &t))
		return -1;
	dates_format_utc(t, utc);
	loc[0] = '\0';
	if (zone && dates_to_local(t, zone, &l) == 0)
		dates_format_local(&l, loc);
	return 0;
}

int render_date_parts(const cJSON *v, const char *zone, char loc[48], char utc[32])
{
	if (cJSON_IsNull(v)) {
		snprintf(loc, 48, "null");
		snprintf(utc, 32, "null");
		return 0;
	}
	if (!zone || !cJSON_IsString(v) || render_date_split(v->valuestring, zone, loc, utc) || !loc[0])
		return -1;
	return 0;
}

int render_date_update(const struct plan_change *c, const char *zone, struct render_date_update *d)
{
	if (!zone || !render_is_date_field(c->kind, c->field) ||
	    render_date_parts(c->before, zone, d->before_loc, d->before_utc) ||
	    render_date_parts(c->after, zone, d->after_loc, d->after_utc))
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- values */

/* s[0..n), cut after cap bytes on a UTF-8 boundary with "…" (cap 0: whole). */
static void put_capped(struct buf *out, const char *s, size_t n, size_t cap)
{
	size_t cut = n;

	if (cap && n > cap) {
		cut = cap;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	buf_add(out, s, cut);
	if (cut < n)
		buf_puts(out, ELLIPSIS);
}

void render_plain_value(struct buf *out, const cJSON *v, size_t cap)
{
	char *json;

	if (cJSON_IsString(v)) {
		buf_putc(out, '"');
		put_capped(out, v->valuestring, strlen(v->valuestring), cap);
		buf_putc(out, '"');
		return;
	}
	json = v ? cJSON_PrintUnformatted(v) : NULL;
	if (!json) {
		buf_puts(out, "null");
		return;
	}
	put_capped(out, json, strlen(json), cap);
	cJSON_free(json);
}

void render_value(struct buf *out, enum resource_kind kind, const char *field, const cJSON *v, const char *zone,
		  size_t cap)
{
	char loc[48], utc[32];

	if (cJSON_IsString(v) && render_is_date_field(kind, field) &&
	    render_date_split(v->valuestring, zone, loc, utc) == 0) {
		if (loc[0])
			buf_printf(out, "%s (%s)", loc, utc);
		else
			buf_puts(out, utc);
		return;
	}
	render_plain_value(out, v, cap);
}

void render_create_value(struct buf *out, enum resource_kind kind, const char *field, const cJSON *v,
			 const char *zone, size_t cap)
{
	size_t n;

	if (cJSON_IsString(v) && render_is_html_field(kind, field)) {
		n = strlen(v->valuestring);
		buf_printf(out, "(%zu byte%s)", n, n == 1 ? "" : "s");
	} else {
		render_value(out, kind, field, v, zone, cap);
	}
}

/* 1 when the JSON id v (a number or a string) reads as s. */
static int id_is(const cJSON *v, const char *s)
{
	char num[64];

	if (!s)
		return 0;
	if (cJSON_IsString(v))
		return !strcmp(v->valuestring, s);
	if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof(num), "%.0f", v->valuedouble);
		return !strcmp(num, s);
	}
	return 0;
}

int render_create_field_hidden(const struct plan_change *c, const cJSON *item)
{
	const char *k = item->string, *pf = render_parent_field(c->kind);

	if (!k)
		return 0;
	if (!strcmp(k, "id") || !strcmp(k, "page_id"))
		return id_is(item, c->id);
	if (pf && !strcmp(k, pf))
		return id_is(item, c->parent);
	return 0;
}

void render_steps(struct buf *out, const struct plan_change *c)
{
	size_t i;

	for (i = 0; i < c->nsteps; i++) {
		if (i)
			buf_puts(out, ", ");
		buf_puts(out, str0(c->steps[i]));
	}
}

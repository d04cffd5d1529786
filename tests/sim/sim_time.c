/* tests/sim/sim_time.c -- Canvas's time input and output rules (API.md 5.4, 9, 11).
 *
 * Output is always "YYYY-MM-DDTHH:MM:SSZ" (Canvas's JSON time precision is 0). Input accepts Z,
 * +-HH:MM and fractions; an input without an offset is wall-clock time in the user's time zone;
 * the assignment APIs additionally require seconds ("strict").
 *
 * Zone conversions switch TZ and call localtime_r/mktime. That is process-global state, which is
 * safe here only because every caller holds the simulator's global lock (handlers run under it).
 * The alternative, reading tzfile(5) ourselves, is a lot of code for a test double.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "scanfields.h"
#include "xalloc.h"

static char *saved_tz;

static void tz_push(const char *zone)
{
	const char *cur = getenv("TZ");

	free(saved_tz);
	saved_tz = cur ? xstrdup(cur) : NULL;
	setenv("TZ", zone && *zone ? zone : "UTC", 1);
	tzset();
}

static void tz_pop(void)
{
	if (saved_tz)
		setenv("TZ", saved_tz, 1);
	else
		unsetenv("TZ");
	free(saved_tz);
	saved_tz = NULL;
	tzset();
}

void sim_time_format(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sim_time_now(char out[21])
{
	sim_time_format(sim_now(), out);
}

int sim_time_read(const char *v, time_t *out)
{
	return v && !sim_time_parse(v, "UTC", 0, out);
}

void sim_time_local(time_t t, const char *zone, struct tm *out)
{
	tz_push(zone);
	localtime_r(&t, out);
	tz_pop();
}

time_t sim_time_from_local(const struct tm *local, const char *zone)
{
	time_t best = (time_t)-1, t;
	int isdst;

	tz_push(zone);
	for (isdst = 1; isdst >= 0; isdst--) {
		struct tm tm = *local, back;

		tm.tm_isdst = isdst;
		t = mktime(&tm);
		if (t == (time_t)-1)
			continue;
		localtime_r(&t, &back);
		if (back.tm_hour == local->tm_hour && back.tm_min == local->tm_min &&
		    back.tm_mday == local->tm_mday && (best == (time_t)-1 || t < best))
			best = t;
	}
	if (best == (time_t)-1) {   /* in a spring-forward gap: let mktime move it forward */
		struct tm tm = *local;

		tm.tm_isdst = -1;
		best = mktime(&tm);
	}
	tz_pop();
	return best;
}

static int digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int sim_time_parse(const char *s, const char *zone, int strict, time_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0, oh, om, sign, has_offset = 0, off = 0;
	const char *p = s;

	memset(&tm, 0, sizeof(tm));
	if (!s || digits(p, 4, &y) || p[4] != '-' || digits(p + 5, 2, &mo) || p[7] != '-' ||
	    digits(p + 8, 2, &d))
		return -1;
	p += 10;
	/* lib/api.rb ISO8601_REGEX wants a 'T'; Time.zone.parse (non-strict) also takes a space */
	if (*p == 'T' || (!strict && *p == ' ')) {
		if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
			return -1;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &se))
				return -1;
			p += 3;
			if (*p == '.') {
				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				while (isdigit((unsigned char)*p))
					p++;
			}
		} else if (strict) {
			return -1;
		}
		if (*p == 'Z') {
			has_offset = 1;
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (digits(p + 1, 2, &oh))
				return -1;
			if (p[3] == ':' && !digits(p + 4, 2, &om))
				p += 6;
			else if (!strict && !digits(p + 3, 2, &om))
				p += 5;
			else
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			has_offset = 1;
			off = sign * (oh * 3600 + om * 60);
		}
	} else if (strict) {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	if (has_offset) {
		*out = timegm(&tm) - off;
	} else {
		*out = sim_time_from_local(&tm, zone);
		if (*out == (time_t)-1)
			return -1;
	}
	return 0;
}

/* CanvasTime.fancy_midnight: `time == time.beginning_of_day ? time.end_of_day : time`. The day's
 * beginning is its 00:00:00 through the zone, moved forward out of a spring-forward gap (on a day
 * that springs 00:00 -> 01:00, as in America/Santiago, 01:00 is the beginning), as ActiveSupport
 * finds it; not "the clock reads 00:00:00", which that day never does. */
time_t sim_time_fancy_midnight(time_t t, const char *zone)
{
	struct tm tm, day;

	sim_time_local(t, zone, &tm);
	day = tm;
	day.tm_hour = day.tm_min = day.tm_sec = 0;
	if (sim_time_from_local(&day, zone) != t)
		return t;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	return sim_time_from_local(&tm, zone);
}

const char *sim_user_zone(struct sim *s)
{
	/* ApplicationController#set_time_zone: the user's zone, else the root account's default */
	const char *z = sim_str(s->state, "user_time_zone");

	if (!z)
		z = sim_str(s->state, "default_time_zone");
	return z ? z : "UTC";
}

int sim_time_input(struct sim *s, const cJSON *v, int strict, cJSON **out)
{
	time_t t;
	char buf[21];

	if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !v->valuestring[0])) {
		*out = cJSON_CreateNull();
		return 0;
	}
	if (!cJSON_IsString(v) || sim_time_parse(v->valuestring, sim_user_zone(s), strict, &t))
		return -1;
	sim_time_format(t, buf);
	*out = cJSON_CreateString(buf);
	return 0;
}

cJSON *sim_time_lenient(struct sim *s, const cJSON *v)
{
	cJSON *out = NULL;

	if (sim_time_input(s, v, 0, &out))
		out = cJSON_CreateNull();
	return out;
}

int sim_time_day_param(const char *v, const char *zone, int end_of_day, time_t *out)
{
	struct tm tm;
	int y = 0, m = 0, d = 0;   /* = 0: the analyzer cannot see scan_fields set them */
	int *const f[] = { &y, &m, &d };

	if (strlen(v) == 10 && scan_fields(v, "4-2-2", f, 3) == 10) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		if (end_of_day) {
			tm.tm_hour = 23;
			tm.tm_min = 59;
			tm.tm_sec = 59;
		}
		*out = sim_time_from_local(&tm, zone);
		return *out == (time_t)-1 ? -1 : 0;
	}
	return sim_time_parse(v, zone, 1, out);
}

time_t sim_now(void)
{
	return time(NULL);
}

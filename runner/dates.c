/* runner/dates.c -- ISO 8601 instants and wall-clock time in IANA zones (include/dates.h).
 *
 * Zone rules come from the system zone database through the C library: to convert, TZ is set to the
 * zone, tzset() reads its rules, and localtime_r() applies them. That is the well-kept
 * implementation of the rules on every Debian machine (tzdata); re-implementing TZif parsing here
 * would be a second, less tested copy. The price is that these functions change the process
 * environment, so they are for one thread -- which coursectl is.
 *
 * TZ is LEFT at the last zone used, and dates_reset() puts back the value it had before. Switching
 * is what costs: tzset() with a new TZ opens and parses the zone file, and the zone's validity
 * check stat()s it, so setting TZ and putting it back around every call cost about 80 us per date
 * shift (4 zone-file loads), 8 s for the 100,000 dates of the issue-6 benchmark. Leaving the zone
 * set makes a repeated zone cost a getenv() and a strcmp(): the date engine shifts every date of a
 * course in the course's zone, one after the other. Rejected: a private cache of each zone's
 * transitions (the second copy of the rules again); putting TZ back in the environment without
 * calling tzset() (the C library's state and the environment would disagree: a localtime() or
 * mktime() elsewhere would silently re-read the rules). The fast path trusts the cache only while
 * TZ still holds the value dates set, so code that changes TZ in between is noticed, not ignored.
 * Nothing else in coursectl converts local time through the C library; code that needs the
 * process's own zone calls dates_reset() first.
 *
 * dates_from_local() does not trust mktime()'s tm_isdst = -1 guess in the two hard cases, which
 * differ between C libraries: it finds every instant whose local time is the wanted wall-clock
 * time (there are 0, 1 or 2, trying the offsets in effect a day before and a day after) and picks
 * the first; with none (a spring-forward gap) it applies the offset from before the gap, which
 * moves the time forward by the gap's length.
 *
 * dates_parse_iso() is the one parser of ISO 8601 text in the runner: it reads every part a recipe may
 * write and says which were there, and its callers decide what they require -- dates_parse() the form
 * Canvas writes (seconds and a zone), recipe_check.c a recipe's (a date alone, a year 1900..2999).
 * There were two parsers with the same grammar until issue 14.
 *
 * dates_fancy_midnight() is the one Canvas rule here: lib/canvas_time.rb, CanvasTime.fancy_midnight
 * (`time == time.beginning_of_day ? time.end_of_day : time`, in Time.zone). It is pure -- a zone
 * and an instant in, an instant out -- so that the planner and its tests share one definition of
 * "midnight" (runner/plan_midnight.c decides where Canvas applies it and in which zone). The day's
 * first instant is found the way ActiveSupport does (change(hour: 0) through the zone, moved
 * forward out of a gap), by dates_from_local(), not by testing for 00:00:00 on the clock: on a day
 * that springs forward at midnight 00:00 does not exist and 01:00 is the beginning of the day.
 */
#include "dates.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "scanfields.h"
#include "xalloc.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int64_t wall_seconds(int y, int m, int d, int hh, int mm, int ss)
{
	return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
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

int dates_parse_iso(const char *s, struct dates_iso *o)
{
	const char *p = s;

	memset(o, 0, sizeof(*o));
	if (!s || digits(p, 4, &o->y) || p[4] != '-' || digits(p + 5, 2, &o->m) || p[7] != '-' ||
	    digits(p + 8, 2, &o->d))
		return -1;
	if (o->m < 1 || o->m > 12 || o->d < 1 || o->d > days_in_month(o->y, o->m))
		return -1;
	p += 10;
	if (!*p)
		return 0;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	o->sep = *p;
	if (digits(p + 1, 2, &o->hh) || p[3] != ':' || digits(p + 4, 2, &o->mm))
		return -1;
	p += 6;
	if (*p == ':') {
		if (digits(p + 1, 2, &o->ss))
			return -1;
		o->has_seconds = 1;
		p += 3;
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -1;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (o->hh > 23 || o->mm > 59 || o->ss > 60)
		return -1;
	o->has_time = 1;
	if (*p == 'Z' || *p == 'z') {
		o->has_offset = 1;
		o->zulu = *p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;

		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		o->has_offset = 1;
		o->offset_min = sign * (oh * 60 + om);
		p += 6;
	}
	return *p ? -1 : 0;
}

int dates_parse(const char *s, int64_t *t)
{
	struct dates_iso o;

	/* Canvas's form only: seconds and a zone, T or a space, an upper-case Z */
	if (dates_parse_iso(s, &o) || !o.has_seconds || !o.has_offset || o.sep == 't' || o.zulu == 'z')
		return -1;
	*t = wall_seconds(o.y, o.m, o.d, o.hh, o.mm, o.ss) - (int64_t)o.offset_min * 60;
	return 0;
}

void dates_format_utc(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "out-of-range");
}

int dates_zone_valid(const char *z)
{
	char path[PATH_MAX];
	struct stat st;
	const char *p;

	if (!z || !*z || z[0] == '/' || strstr(z, ".."))
		return 0;
	for (p = z; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_-+", *p))
			return 0;
	if (!strcmp(z, "UTC"))
		return 1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", z);
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* ---------------------------------------------------------------- TZ switching */

/* The zone TZ was set to (":zone" in the environment), and the TZ from before the first switch. */
static struct {
	int active;
	char zone[256];
	int had;
	char *saved;
} tzc;

/* Make `zone` the C library's local zone: 0, or -1 when it is unknown. */
static int tz_use(const char *zone)
{
	const char *cur = getenv("TZ");
	char *v;

	if (tzc.active && cur && cur[0] == ':' && !strcmp(cur + 1, zone) && !strcmp(tzc.zone, zone)) {
		tzset();          /* TZ unchanged: glibc compares it with the last value and returns */
		return 0;
	}
	if (strlen(zone) >= sizeof(tzc.zone) || !dates_zone_valid(zone))
		return -1;
	if (!tzc.active) {
		tzc.had = cur != NULL;
		tzc.saved = cur ? xstrdup(cur) : NULL;
		tzc.active = 1;
	}
	snprintf(tzc.zone, sizeof(tzc.zone), "%s", zone);
	v = xasprintf(":%s", zone);
	setenv("TZ", v, 1);
	free(v);
	tzset();
	return 0;
}

void dates_reset(void)
{
	if (!tzc.active)
		return;
	if (tzc.had)
		setenv("TZ", tzc.saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(tzc.saved);
	memset(&tzc, 0, sizeof(tzc));
}

static void fill_local(const struct tm *tm, struct dates_local *out)
{
	out->y = tm->tm_year + 1900;
	out->m = tm->tm_mon + 1;
	out->d = tm->tm_mday;
	out->hh = tm->tm_hour;
	out->mm = tm->tm_min;
	out->ss = tm->tm_sec;
	out->wday = tm->tm_wday;
	out->offset_s = (int)tm->tm_gmtoff;
	snprintf(out->abbr, sizeof(out->abbr), "%s", tm->tm_zone ? tm->tm_zone : "");
}

/* The offset in effect at t (TZ already set) into *off: 0, or -1 when t is beyond the C library's
 * range (a year that does not fit in an int). */
static int offset_at(int64_t t, long *off)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm))
		return -1;
	*off = tm.tm_gmtoff;
	return 0;
}

int dates_to_local(int64_t t, const char *zone, struct dates_local *out)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (tz_use(zone) || !localtime_r(&tt, &tm))
		return -1;
	fill_local(&tm, out);
	return 0;
}

int dates_from_local(int y, int m, int d, int hh, int mm, int ss, const char *zone, int64_t *t)
{
	int64_t wall, best = 0, cand;
	long offs[2], off;
	int i, found = 0;

	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
	    ss < 0 || ss > 59)
		return -1;
	if (tz_use(zone))
		return -1;
	wall = wall_seconds(y, m, d, hh, mm, ss);
	if (offset_at(wall - 86400, &offs[0]) || offset_at(wall + 86400, &offs[1]))
		return -1;
	for (i = 0; i < 2; i++) {
		cand = wall - offs[i];
		if (!offset_at(cand, &off) && cand - wall + off == 0 && (!found || cand < best)) {
			best = cand;
			found = 1;
		}
	}
	if (!found)
		best = wall - offs[0];   /* in the gap: the offset from before it moves the time forward */
	*t = best;
	return 0;
}

void dates_format_local(const struct dates_local *l, char out[48])
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

	snprintf(out, 48, "%s %04d-%02d-%02d %02d:%02d:%02d %.8s", wd[l->wday % 7], l->y % 10000,
		 (l->m % 13 + 13) % 13, l->d % 32, l->hh % 24, l->mm % 60, l->ss % 61, l->abbr);
}

int dates_fancy_midnight(int64_t t, const char *zone, int64_t *stored)
{
	struct dates_local l;
	int64_t start;

	if (dates_to_local(t, zone, &l) || dates_from_local(l.y, l.m, l.d, 0, 0, 0, zone, &start))
		return -1;
	if (start != t) {
		*stored = t;
		return 0;
	}
	if (dates_from_local(l.y, l.m, l.d, 23, 59, 59, zone, stored))
		return -1;
	return 1;
}


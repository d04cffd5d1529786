/* runner/dates.c -- ISO 8601 instants and wall-clock time in IANA zones (include/dates.h).
 *
 * Zone rules come from the system zone database through the C library: to convert, TZ is set to the
 * zone, tzset() reads its rules, localtime_r()/mktime() apply them, and TZ is put back. That is the
 * well-kept implementation of the rules on every Debian machine (tzdata); re-implementing TZif
 * parsing here would be a second, less tested copy. The price is that these functions change the
 * process environment while they run, so they are for one thread -- which coursectl is.
 *
 * dates_from_local() does not trust mktime()'s tm_isdst = -1 guess in the two hard cases, which
 * differ between C libraries: it finds every instant whose local time is the wanted wall-clock
 * time (there are 0, 1 or 2, trying the offsets in effect a day before and a day after) and picks
 * the first; with none (a spring-forward gap) it applies the offset from before the gap, which
 * moves the time forward by the gap's length.
 */
#include "dates.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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

int dates_parse(const char *s, int64_t *t)
{
	int y, mo, d, hh, mi, ss, oh = 0, om = 0, sign = 1;
	const char *p;

	if (!s || strlen(s) < 19 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || digits(s + 11, 2, &hh) || s[13] != ':' ||
	    digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &ss))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || hh > 23 || mi > 59 || ss > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*t = wall_seconds(y, mo, d, hh, mi, ss) - sign * (oh * 3600 + om * 60);
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

struct tzsave {
	char *old;
	int had;
};

static int tz_enter(struct tzsave *s, const char *zone)
{
	const char *o = getenv("TZ");
	char *v;

	if (!dates_zone_valid(zone))
		return -1;
	s->had = o != NULL;
	s->old = o ? xstrdup(o) : NULL;
	v = xasprintf(":%s", zone);
	setenv("TZ", v, 1);
	free(v);
	tzset();
	return 0;
}

static void tz_leave(struct tzsave *s)
{
	if (s->had)
		setenv("TZ", s->old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(s->old);
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

/* The offset in effect at t (TZ already set). */
static long offset_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

int dates_to_local(int64_t t, const char *zone, struct dates_local *out)
{
	struct tzsave s;
	time_t tt = (time_t)t;
	struct tm tm;

	if (tz_enter(&s, zone))
		return -1;
	localtime_r(&tt, &tm);
	fill_local(&tm, out);
	tz_leave(&s);
	return 0;
}

int dates_from_local(int y, int m, int d, int hh, int mm, int ss, const char *zone, int64_t *t)
{
	struct tzsave s;
	int64_t wall, best = 0, cand;
	long offs[2];
	int i, found = 0;

	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
	    ss < 0 || ss > 59)
		return -1;
	if (tz_enter(&s, zone))
		return -1;
	wall = wall_seconds(y, m, d, hh, mm, ss);
	offs[0] = offset_at(wall - 86400);
	offs[1] = offset_at(wall + 86400);
	for (i = 0; i < 2; i++) {
		cand = wall - offs[i];
		if (cand - wall + offset_at(cand) == 0 && (!found || cand < best)) {
			best = cand;
			found = 1;
		}
	}
	if (!found)
		best = wall - offs[0];   /* in the gap: the offset from before it moves the time forward */
	tz_leave(&s);
	*t = best;
	return 0;
}

void dates_format_local(const struct dates_local *l, char out[48])
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

	snprintf(out, 48, "%s %04d-%02d-%02d %02d:%02d:%02d %.8s", wd[l->wday % 7], l->y % 10000,
		 (l->m % 13 + 13) % 13, l->d % 32, l->hh % 24, l->mm % 60, l->ss % 61, l->abbr);
}

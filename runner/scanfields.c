/* runner/scanfields.c -- fixed-form numeric fields (include/scanfields.h says why not sscanf).
 * Shared with canvas-sim (Makefile SIM_SRC). */
#include "scanfields.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int scan_fields(const char *s, const char *form, int *const out[], size_t nout)
{
	const char *p = s;
	char *end;
	long v;

	for (; *form; form++) {
		if (!isdigit((unsigned char)*form)) {
			if (*p != *form)
				return -1;
			p++;
			continue;
		}
		if (!isdigit((unsigned char)*p) || !nout--)
			return -1;
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno || end - p > *form - '0')
			return -1;
		**out++ = (int)v;   /* at most 9 digits: an int */
		p = end;
	}
	return (int)(p - s);
}

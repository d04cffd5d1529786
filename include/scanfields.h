/* include/scanfields.h -- fixed-form numeric fields read without sscanf.
 *
 * The date and time forms coursectl and canvas-sim read ("2026-01-12", "09:30", a journal's
 * "2026-12-06T10:30:46") are digits in fixed places. sscanf's %d accepts signs, blanks and
 * overflow, which no valid input has; this reads exactly the form and checks each field with
 * strtol. Shared with canvas-sim, like xalloc and buf: it knows nothing of Canvas.
 */
#ifndef COURSECTL_SCANFIELDS_H
#define COURSECTL_SCANFIELDS_H

#include <stddef.h>

/* s read by form (sscanf's "%4d-%2d-%2d" as "4-2-2", without its signs and blanks, which no valid
 * input has): a digit of form is a field of 1 to that many decimal digits, stored through out[] in
 * turn (at most nout of them); any other character must match itself. The characters read, or -1. */
int scan_fields(const char *s, const char *form, int *const out[], size_t nout);

#endif

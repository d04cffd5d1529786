/* runner/msg.c -- stderr messages with one prefix and one level (see include/msg.h).
 *
 * Design: all diagnostics pass through here so that redaction and quiet/verbose modes have one
 * place to live. Messages must not end in '\n' (asserted in debug builds): the newline is ours.
 *
 * Messages quote server text (titles, names, Canvas's error messages) and recipe text, so each one
 * is data on a terminal: after masking the token, every message, progress line and prompt is
 * neutralised as the plan's text is (textdiff_put_escaped: C0 and C1 controls, DEL, invalid UTF-8
 * and bidi overrides shown as \xNN / \uNNNN), and a newline inside a message is shown as "\n", so
 * a title can neither clear the screen, draw an OSC 8 link, overwrite the line with CR, reverse the
 * text, nor forge a second "coursectl: error:" line.
 */
#include "msg.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "secret_mask.h"
#include "textdiff.h"
#include "xalloc.h"

static enum msg_level level = MSG_NORMAL;
static int progress_drawn;

void msg_set_level(enum msg_level l)
{
	level = l;
}

enum msg_level msg_get_level(void)
{
	return level;
}

char *msg_neutralise(const char *s)
{
	struct buf b = BUF_INIT;
	const char *nl;

	while ((nl = strchr(s, '\n'))) {
		textdiff_put_escaped(&b, s, (size_t)(nl - s));
		buf_puts(&b, "\\n");
		s = nl + 1;
	}
	textdiff_put_escaped(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

/* The message fmt/ap, token masked and neutralised (see the top); malloced. */
static char *safe_line(const char *fmt, va_list ap)
{
	char *line = xvasprintf(fmt, ap), *masked = secret_mask(line), *out;

	out = msg_neutralise(masked ? masked : line);
	free(masked);
	free(line);
	return out;
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char *line;

	assert(fmt[0] && fmt[strlen(fmt) - 1] != '\n');
	if (progress_drawn) {
		fputc('\n', stderr);
		progress_drawn = 0;
	}
	fprintf(stderr, "coursectl: %s", prefix);
	/* a server's words may echo the token, or hold escape sequences: safe_line */
	line = safe_line(fmt, ap);
	fputs(line, stderr);
	free(line);
	fputc('\n', stderr);
}

void errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

void warnf(const char *fmt, ...)
{
	va_list ap;

	if (level < MSG_NORMAL)
		return;
	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void notef(const char *fmt, ...)
{
	va_list ap;

	if (level < MSG_NORMAL)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void verbosef(const char *fmt, ...)
{
	va_list ap;

	if (level < MSG_VERBOSE)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void progressf(const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (level < MSG_NORMAL || !isatty(STDERR_FILENO))
		return;
	fputs("\r", stderr);
	va_start(ap, fmt);
	line = safe_line(fmt, ap);
	va_end(ap);
	fputs(line, stderr);
	free(line);
	fputs("\033[K", stderr);
	fflush(stderr);
	progress_drawn = 1;
}

void progress_end(void)
{
	if (progress_drawn)
		fputc('\n', stderr);
	progress_drawn = 0;
}

int confirmf(const char *fmt, ...)
{
	char line[64], *q;
	va_list ap;
	size_t i = 0;

	if (progress_drawn) {
		fputc('\n', stderr);
		progress_drawn = 0;
	}
	fputs("coursectl: ", stderr);
	va_start(ap, fmt);
	q = safe_line(fmt, ap);
	va_end(ap);
	fputs(q, stderr);
	free(q);
	fputs(" [y/N] ", stderr);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	while (isspace((unsigned char)line[i]))
		i++;
	return (!strncasecmp(line + i, "yes", 3) && (isspace((unsigned char)line[i + 3]) || !line[i + 3])) ||
	       ((line[i] == 'y' || line[i] == 'Y') && (isspace((unsigned char)line[i + 1]) || !line[i + 1]));
}

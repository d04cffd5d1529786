/* tests/fuzz/fuzz-link.c -- libFuzzer target: a Link header value through http_link_next(), and
 * the URL it yields through the checks a next-page URL meets before it is followed.
 *
 * What it checks: http_link_next (runner/http.c) never reads past the value, whatever the commas,
 * angle brackets and rel= forms, and what it returns lies between a '<' and the first '>' after it
 * (so it never holds a '>'); the URL then goes through canvas_same_base_url (the same-origin rule
 * a `next` link must pass), http_redact_url (what -v prints) and http_normalize_base (the --url
 * check), none of which may crash, leak or hit undefined behaviour. The input is the header value
 * as libcurl hands it over, minus the name: any bytes but NUL (a NUL ends a C string, as it ends
 * the value in header_value).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "http.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = xstrndup((const char *)data, size), *next, *red, *norm;
	struct err err = ERR_INIT;

	next = http_link_next(v);
	if (next) {
		if (strchr(next, '>') || !strstr(v, next))
			abort();   /* not the text between '<' and the first '>' of the value */
		(void)canvas_same_base_url("https://canvas.example.edu", next);
		(void)canvas_same_base_url(next, "http://127.0.0.1:8080/");
		red = http_redact_url(next);
		free(red);
		norm = http_normalize_base(next, 0, &err);
		free(norm);
		free(next);
	}
	red = http_redact_url(v);
	free(red);
	free(v);
	return 0;
}

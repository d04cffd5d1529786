/* tests/sim/sim_form.h -- form and query decoding, Rails-style (pure functions).
 *
 *   form_parse("a[b]=1&a[c][]=2&a[c][]=3", ...)   -> pairs in order, decoded
 *   form_to_json(pairs)                            -> {"a":{"b":"1","c":["2","3"]}}
 * Nesting follows Rack's normalize_params: "x[]" appends, "x[][k]" appends a new object when
 * the last one already has k (so `assignment_overrides[][id]=1&assignment_overrides[][title]=a
 * &assignment_overrides[][id]=2` is two objects), "x[k]" descends. All values stay strings: the
 * handlers convert them (booleans by value_to_boolean, "" as null for dates and ids).
 */
#ifndef CANVAS_SIM_FORM_H
#define CANVAS_SIM_FORM_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "sim.h"

/* Percent-decoding; '+' is a space. Returns a malloced string. */
char *form_urldecode(const char *s, size_t n);
/* Percent-decoding of a path segment: '+' stays a plus. Malloced. */
char *form_pathdecode(const char *s, size_t n);
/* The same into out (room for n + 1 bytes): the decoded length; out is NUL-terminated. */
size_t form_pathdecode_into(const char *s, size_t n, char *out);
/* Percent-encoding of everything but ALPHA / DIGIT / "-._~", into a malloced string. */
char *form_urlencode(const char *s);
/* Split "k=v&k2=v2" into decoded pairs appended to *kv (realloced). */
void form_parse(const char *s, size_t n, struct sim_kv **kv, size_t *nkv);
void form_free(struct sim_kv *kv, size_t n);
/* The nested object of the pairs (a new cJSON object). */
cJSON *form_to_json(const struct sim_kv *kv, size_t n);
/* Canvas::Plugin.value_to_boolean on a string: yes/y/true/t/on/1 true; no/n/false/f/off/0 false;
 * anything else: to_i != 0 (so "" is false). Case-insensitive. */
int form_value_bool(const char *s);

#endif

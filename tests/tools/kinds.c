/* tests/tools/kinds.c -- print the resource table (include/resource.h) as JSON, one object a row.
 *
 * tests/e2e/t0961-kinds.sh reads it to exercise every Canvas kind against canvas-sim: a row added
 * to the table gets the round trip without a line of test code. Each row gives name, seed_key,
 * id_field, name_field, date_fields and html_fields (a missing string is null, a missing list
 * empty), rows in table order 0..RES_NKINDS-1. Only those members are read, so a reshaping of
 * struct resource touches this file at most in the few lines of row_json().
 */
#include "resource.h"

#include <stdio.h>
#include <stdlib.h>

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *list_json(const char *const *f)
{
	cJSON *a = cJSON_CreateArray();

	for (; a && f && *f; f++)
		cJSON_AddItemToArray(a, cJSON_CreateString(*f));
	return a;
}

/* Returns a new object (the caller frees it, with cJSON_Delete through its parent). */
static cJSON *row_json(const struct resource *r)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddItemToObject(o, "name", str_or_null(r->name));
	cJSON_AddItemToObject(o, "seed_key", str_or_null(r->seed_key));
	cJSON_AddItemToObject(o, "id_field", str_or_null(r->id_field));
	cJSON_AddItemToObject(o, "name_field", str_or_null(r->name_field));
	cJSON_AddItemToObject(o, "date_fields", list_json(r->date_fields));
	cJSON_AddItemToObject(o, "html_fields", list_json(r->html_fields));
	return o;
}

int main(void)
{
	cJSON *rows = cJSON_CreateArray();
	char *out;
	int i;

	for (i = 0; rows && i < RES_NKINDS; i++)
		cJSON_AddItemToArray(rows, row_json(resource_get((enum resource_kind)i)));
	out = rows ? cJSON_Print(rows) : NULL;
	cJSON_Delete(rows);
	if (!out) {
		fputs("kinds: out of memory\n", stderr);
		return 1;
	}
	puts(out);
	free(out);
	return 0;
}

/* runner/jsonid.c -- a Canvas id as JSON (include/jsonid.h, the rule and why it is 15 digits).
 * A module of its own because its callers (plan.c, journal.c, exec_write.c, the commands) share no
 * other layer: putting it in canvas.c would make the plan and journal data modules depend on the
 * HTTP engine. */
#include "jsonid.h"

#include <stdlib.h>
#include <string.h>

cJSON *jsonid(const char *id)
{
	size_t i, n;

	if (!id)
		return cJSON_CreateNull();
	n = strlen(id);
	if (!n || n > 15)
		return cJSON_CreateString(id);
	for (i = 0; i < n; i++)
		if (id[i] < '0' || id[i] > '9')
			return cJSON_CreateString(id);
	return cJSON_CreateNumber(strtod(id, NULL));
}

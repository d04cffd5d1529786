/* tests/sim/sim_reply.c -- the answers a handler can give, in Canvas's shapes (API.md 1.2, 1.3).
 *
 * Canvas has several error shapes; each helper here is one of them, named by where Canvas uses
 * it, so that a handler picks the shape the real endpoint sends. All JSON answers carry
 * `Content-Type: application/json; charset=utf-8` and no `while(1);` prefix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "xalloc.h"

#define JSON_TYPE "application/json; charset=utf-8"

void sim_reply_json_print(struct sim_resp *rs, int status, const cJSON *json)
{
	sim_reply_json_print_sized(rs, status, json, 0);
}

void sim_reply_json_print_sized(struct sim_resp *rs, int status, const cJSON *json, size_t guess)
{
	free(rs->body);
	rs->status = status;
	/* the ids in the answer's form, printed as cJSON prints (sim_json.c) */
	rs->body = sim_json_print_sized(json, (enum sim_ids)rs->ids, &rs->body_len, guess);
	if (!rs->body) {
		fprintf(stderr, "canvas-sim: out of memory printing JSON\n");
		exit(1);
	}
	rs->content_type = JSON_TYPE;
}

void sim_reply_json(struct sim_resp *rs, int status, cJSON *json)
{
	sim_reply_json_print(rs, status, json);
	cJSON_Delete(json);
}

void sim_reply_text(struct sim_resp *rs, int status, const char *ctype, const char *text)
{
	free(rs->body);
	rs->status = status;
	rs->body = xstrdup(text);
	rs->body_len = strlen(text);
	rs->content_type = ctype;
}

void sim_reply_header(struct sim_resp *rs, const char *name, const char *value)
{
	int i;

	for (i = 0; i < rs->nheaders; i++) {
		if (!strcmp(rs->headers[i].name, name)) {
			free(rs->headers[i].value);
			rs->headers[i].value = xstrdup(value);
			return;
		}
	}
	if (rs->nheaders == (int)(sizeof(rs->headers) / sizeof(rs->headers[0])))
		return;
	rs->headers[rs->nheaders].name = xstrdup(name);
	rs->headers[rs->nheaders].value = xstrdup(value);
	rs->nheaders++;
}

static cJSON *errors_message(const char *msg)
{
	cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "errors"), *e;

	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "message", msg);
	cJSON_AddItemToArray(arr, e);
	return root;
}

void sim_reply_error(struct sim_resp *rs, int status, const char *msg)
{
	sim_reply_json(rs, status, errors_message(msg));
}

void sim_reply_message(struct sim_resp *rs, int status, const char *msg)
{
	cJSON *root = cJSON_CreateObject();

	cJSON_AddStringToObject(root, "message", msg);
	sim_reply_json(rs, status, root);
}

void sim_reply_not_found(struct sim_resp *rs)
{
	sim_reply_error(rs, 404, "The specified resource does not exist.");
}

void sim_reply_missing(struct sim_resp *rs, const char *wrapper)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s is missing", wrapper);
	sim_reply_error(rs, 400, msg);
}

void sim_reply_invalid(struct sim_resp *rs, int status, const char *field, const char *type,
		       const char *message)
{
	cJSON *root = cJSON_CreateObject(), *errs = cJSON_AddObjectToObject(root, "errors");
	cJSON *arr = cJSON_AddArrayToObject(errs, field), *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "attribute", field);
	cJSON_AddStringToObject(e, "type", type);
	cJSON_AddStringToObject(e, "message", message);
	cJSON_AddItemToArray(arr, e);
	sim_reply_json(rs, status, root);
}

void sim_reply_errors(struct sim_resp *rs, int status, cJSON *errs)
{
	cJSON *root = cJSON_CreateObject();

	cJSON_AddItemToObject(root, "errors", errs);
	sim_reply_json(rs, status, root);
}

void sim_errors_add(cJSON *errs, const char *field, const char *msg)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(errs, field), *e = cJSON_CreateObject();

	if (!arr)
		arr = cJSON_AddArrayToObject(errs, field);
	cJSON_AddStringToObject(e, "attribute", field);
	cJSON_AddStringToObject(e, "type", msg);
	cJSON_AddStringToObject(e, "message", msg);
	cJSON_AddItemToArray(arr, e);
}

void sim_reply_unauthorized(struct sim_req *rq, struct sim_resp *rs)
{
	cJSON *root = errors_message("user not authorized to perform that action");

	cJSON_AddStringToObject(root, "status", "unauthorized");
	sim_reply_json(rs, rq->sim->cfg.unauthorized_status, root);
}

void sim_reply_internal(struct sim_resp *rs)
{
	static int report_id = 40000;
	cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "errors");
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "message", "An error occurred.");
	cJSON_AddStringToObject(e, "error_code", "internal_server_error");
	cJSON_AddItemToArray(arr, e);
	cJSON_AddNumberToObject(root, "error_report_id", ++report_id);
	sim_reply_json(rs, 500, root);
}

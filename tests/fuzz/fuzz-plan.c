/* tests/fuzz/fuzz-plan.c -- libFuzzer target: arbitrary bytes as a saved plan file (the input of
 * `coursectl apply PLAN.json`, which may come from a pull request's artifact).
 *
 * The path apply takes (runner/cmd_apply.c): the JSON is parsed as plan_read parses it, then
 * plan_from_json (format, version, shapes), plan_check_digest and plan_check_fields; a plan that
 * passes is shown with render_text before anything is sent, so the renderers run over it too
 * (text, Markdown and HTML: a hostile plan is data there as well). What it checks: none of these
 * crashes, leaks or hits undefined behaviour, and a plan that was read is written back
 * (plan_to_json) as a document that reads again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "plan.h"
#include "render.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);   /* the renderers convert dates in the course's zone */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *doc = cJSON_ParseWithLength((const char *)data, size), *again;
	struct plan *p = NULL, *q = NULL;
	struct err err = ERR_INIT;
	struct render_opts ro = RENDER_OPTS_INIT;
	struct buf out = BUF_INIT;

	if (!doc)
		return 0;
	if (plan_from_json(&p, doc, "fuzz-plan.json", &err) == 0) {
		if (!p)
			abort();
		err = (struct err)ERR_INIT;
		(void)(plan_check_digest(p, "fuzz-plan.json", &err) || plan_check_fields(p, "fuzz-plan.json", &err));
		render_text(p, &out, &ro);
		render_markdown(p, &out, 65536);
		render_html(p, &out, NULL);
		buf_release(&out);
		again = plan_to_json(p);
		err = (struct err)ERR_INIT;
		if (plan_from_json(&q, again, "fuzz-plan-again.json", &err))
			abort();   /* what plan_write would save must read again */
		plan_free(q);
		cJSON_Delete(again);
		plan_free(p);
	} else if (p || !err.msg[0]) {
		abort();
	}
	cJSON_Delete(doc);
	return 0;
}

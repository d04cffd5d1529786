/* runner/resource_fetch.c -- what becomes of the answer to a row's follow-up read.
 *
 * Some kinds need a second request per object after their list (a page's Assign To dates through
 * date_details: the page row's snapshot_more/live_more hooks, runner/resource_page.c). The planner
 * (runner/page_dates.c) and apply's live copy (runner/exec.c) send them alike and must treat the
 * answers alike, so the one callback lives here: a 401 stops the run (the token is gone: nothing
 * else will succeed), a 404 means the object went since its list was read (its own changes say
 * so where it matters), any other failure leaves the object as listed with a warning.
 */
#include "resource_fetch.h"

#include <stdlib.h>

#include "msg.h"

void resource_fetch_answer(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct resource_fetch_req *r = ud;

	(void)cv;
	if (err->code == ERR_AUTH) {
		if (!r->fatal->code)
			*r->fatal = *err;
	} else if (err->code == ERR_NOTFOUND) {
		/* gone since the list was read: its own changes say so */
	} else if (err->code) {
		warnf("cannot read %s (%s): they are left as they are", r->f.what, err->msg);
	} else {
		r->f.take(r->obj, json);
		json = NULL;
	}
	cJSON_Delete(json);
	free(r->f.path);
	free(r->f.what);
	free(r);
}

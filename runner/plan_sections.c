/* runner/plan_sections.c -- the plan's `after` for a section event's parent is what Canvas makes it.
 *
 * A course calendar event with section times is a parent event with one child per section
 * (context_code "course_section_N", parent_event_id the parent's id); listing the course's events
 * returns both (CURRENT.md 14). From canvas-lms (app/models/calendar_event.rb):
 *   - saving a child's start_at or end_at runs CalendarEvent#sync_parent_event, whose
 *     #cache_child_event_ranges! sets the parent's start_at to the earliest of its children's and
 *     its end_at to the latest (update_all: no callbacks, whatever the parent held);
 *   - saving the parent does not move the children: section children are unlocked, and
 *     #sync_child_events copies only CASCADED_ATTRIBUTES (title, description, location) to them.
 * So a step (shift_dates) that moves the children moves the parent to their range, whatever it
 * planned for the parent itself -- with weekdays: or a blackout the children's range need not be
 * the parent's own shifted dates. After the steps, for each parent with a child whose start_at or
 * end_at the plan changes, the parent's start_at and end_at are planned as the children's range
 * (as the plan leaves them), with a note saying why; apply writes that value too, so the result is
 * the same whichever order the writes land in, and read-back finds what the plan said. Rollback
 * writes every event back, and the parent ends at the children's original range -- the seed's,
 * when the parent was at its children's range before (Canvas keeps it there).
 * A parent whose children the plan does not touch keeps its planned value: Canvas does not
 * recompute it then. Rejected: skipping the parent (its dates would still change, unplanned).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "jsonid.h"
#include "plan.h"
#include "xalloc.h"

#define NOTE "Canvas keeps a section event's parent at its sections' range (cache_child_event_ranges!)"

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* An id, a number or Canvas's string id above 2^53 (jsonid.h); -1 when neither. */
static int64_t num(const cJSON *v)
{
	long long n;

	return jsonid_ll(v, &n) ? -1 : (int64_t)n;
}

/* The range of parent pid's children as the plan leaves them; 1 if any child's dates change. */
static int child_range(struct plan *p, const char *cid, const cJSON *events, int64_t pid, const cJSON **lo,
		       const cJSON **hi, const char **step)
{
	const cJSON *e;
	int64_t t, tlo = 0, thi = 0;
	int moved = 0;
	char idb[32];

	*lo = *hi = NULL;
	cJSON_ArrayForEach(e, events) {
		const cJSON *s = get(e, "start_at"), *x = get(e, "end_at");
		const char *ws = cJSON_GetStringValue(get(e, "workflow_state"));
		struct plan_change *c;

		if (num(get(e, "parent_event_id")) != pid || (ws && !strcmp(ws, "deleted")))
			continue;
		snprintf(idb, sizeof(idb), "%lld", (long long)num(get(e, "id")));
		if ((c = plan_find(p, cid, RES_CALENDAR_EVENT, idb, "start_at")) ||
		    (c = plan_find(p, cid, RES_CALENDAR_EVENT, idb, "end_at"))) {
			moved = 1;
			if (!*step && c->nsteps)
				*step = c->steps[0];
		}
		if (cJSON_IsString(s) && !dates_parse(s->valuestring, &t) && (!*lo || t < tlo)) {
			*lo = s;
			tlo = t;
		}
		if (cJSON_IsString(x) && !dates_parse(x->valuestring, &t) && (!*hi || t > thi)) {
			*hi = x;
			thi = t;
		}
	}
	return moved;
}

static void set_field(struct plan *p, const char *step, const char *cid, const cJSON *parent, const char *id,
		      const char *field, const cJSON *value)
{
	struct plan_change *c = plan_find(p, cid, RES_CALENDAR_EVENT, id, field);
	cJSON *after = value ? cJSON_Duplicate(value, 1) : cJSON_CreateNull();
	char *n;

	if (!c) {
		const cJSON *b = get(parent, field);

		c = plan_add(p, step, cid, RES_CALENDAR_EVENT, id, NULL, cJSON_GetStringValue(get(parent, "title")),
			     PLAN_UPDATE, field, b ? cJSON_Duplicate(b, 1) : cJSON_CreateNull(), after);
	} else {
		cJSON_Delete(c->after);
		c->after = after;
	}
	if (c->note && *c->note) {
		n = xasprintf("%s; %s", c->note, NOTE);
		free(c->note);
		c->note = n;
	} else {
		free(c->note);
		c->note = xstrdup(NOTE);
	}
}

void plan_section_events(struct plan *p, const cJSON *snapshot)
{
	const cJSON *course, *e;

	cJSON_ArrayForEach(course, get(snapshot, "courses")) {
		const cJSON *events = get(course, "calendar_events");
		char cid[32], id[32];

		if (num(get(course, "id")) < 0)
			continue;
		snprintf(cid, sizeof(cid), "%lld", (long long)num(get(course, "id")));
		if (!plan_course(p, cid))   /* left out (failed): nothing of it is planned */
			continue;
		cJSON_ArrayForEach(e, events) {
			const cJSON *lo, *hi;
			const char *step = NULL;
			int64_t pid = num(get(e, "id"));

			if (pid < 0 || !child_range(p, cid, events, pid, &lo, &hi, &step) || !step)
				continue;
			snprintf(id, sizeof(id), "%lld", (long long)pid);
			set_field(p, step, cid, e, id, "start_at", lo);
			set_field(p, step, cid, e, id, "end_at", hi);
		}
	}
}

/* tests/sim/res_calendar.c -- calendar endpoints (being written). */
#include "sim.h"

const struct sim_route sim_routes_calendar[] = {
	{ NULL, NULL, NULL, 0 },
};

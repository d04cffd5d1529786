/* tests/sim/res_courses.c -- courses endpoints (being written). */
#include "sim.h"

const struct sim_route sim_routes_courses[] = {
	{ NULL, NULL, NULL, 0 },
};

/* tests/sim/res_assignments.c -- assignments endpoints (being written). */
#include "sim.h"

const struct sim_route sim_routes_assignments[] = {
	{ NULL, NULL, NULL, 0 },
};

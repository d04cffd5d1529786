/* tests/sim/res_modules.c -- modules endpoints (being written). */
#include "sim.h"

const struct sim_route sim_routes_modules[] = {
	{ NULL, NULL, NULL, 0 },
};

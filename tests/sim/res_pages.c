/* tests/sim/res_pages.c -- pages endpoints (being written). */
#include "sim.h"

const struct sim_route sim_routes_pages[] = {
	{ NULL, NULL, NULL, 0 },
};

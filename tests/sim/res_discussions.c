/* tests/sim/res_discussions.c -- discussions endpoints (being written). */
#include "sim.h"

const struct sim_route sim_routes_discussions[] = {
	{ NULL, NULL, NULL, 0 },
};

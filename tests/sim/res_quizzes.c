/* tests/sim/res_quizzes.c -- quizzes endpoints (being written). */
#include "sim.h"

const struct sim_route sim_routes_quizzes[] = {
	{ NULL, NULL, NULL, 0 },
};

/* tests/sim/sim_server.h -- starting and stopping the HTTP server (sim_server.c). */
#ifndef CANVAS_SIM_SERVER_H
#define CANVAS_SIM_SERVER_H

#include "sim.h"

struct MHD_Daemon;

/* Bind 127.0.0.1:cfg.port (0 = any free port) and serve; sets s->port. 0 or -1. */
int sim_server_start(struct sim *s, struct MHD_Daemon **out);
void sim_server_stop(struct MHD_Daemon *d);

#endif

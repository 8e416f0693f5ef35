/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The runner's debug device: KVMLITE_RUN_EXIT_PORT and
 * KVMLITE_RUN_MARKER_PORT (uapi/linux/kvmlite.h).
 */
#ifndef KVMLITE_VMM_HW_DEBUG_PORT_H
#define KVMLITE_VMM_HW_DEBUG_PORT_H

#include <stdint.h>
#include "../bus.h"

struct debug_port_ops {
	void (*exit)(void *ctx, uint8_t status);
	void (*marker)(void *ctx, uint8_t value);
};

struct debug_port {
	const struct debug_port_ops *ops;
	void *ctx;
};

/* Claims both ports for @port, which outlives the bus. 0 or -errno. */
int debug_port_attach(struct debug_port *port, struct bus *pio);

#endif /* KVMLITE_VMM_HW_DEBUG_PORT_H */

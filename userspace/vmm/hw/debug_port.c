// SPDX-License-Identifier: GPL-2.0-only
/*
 * The debug device has no state: each write is an event for the
 * machine, and reads find nothing (all ones, as an empty port).
 */
#include <string.h>
#include <linux/kvmlite.h>
#include "debug_port.h"

static void debug_port_read(void *dev, uint64_t offset, void *data,
			    uint32_t len)
{
	memset(data, 0xff, len);
}

static void debug_port_write(void *dev, uint64_t offset, const void *data,
			     uint32_t len)
{
	const struct debug_port *port = dev;
	uint8_t value = *(const uint8_t *)data;

	if (offset == 0)
		port->ops->exit(port->ctx, value);
	else
		port->ops->marker(port->ctx, value);
}

static const struct bus_ops debug_port_bus_ops = {
	.read = debug_port_read,
	.write = debug_port_write,
};

int debug_port_attach(struct debug_port *port, struct bus *pio)
{
	return bus_claim(pio, KVMLITE_RUN_EXIT_PORT, 2, "debug",
			 &debug_port_bus_ops, port);
}

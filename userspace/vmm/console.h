/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest console a terminal feeds: the 8250 UART or virtio-console,
 * whichever --console picked. Output goes from the device straight to
 * its file descriptor; input comes through here.
 */
#ifndef KVMLITE_VMM_CONSOLE_H
#define KVMLITE_VMM_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct console_input {
	/*
	 * Hand @len bytes of input to the device. Never blocks: returns
	 * how many it took (0 while the guest has no room for them); the
	 * caller offers the rest again later.
	 */
	size_t (*receive)(void *dev, const uint8_t *buf, size_t len);
	void *dev;
};

#endif /* KVMLITE_VMM_CONSOLE_H */

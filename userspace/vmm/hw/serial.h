/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 16550A UART (the PC's COM1 at 0x3f8, IRQ 4): transmitted bytes go to
 * a file descriptor, received ones come from the terminal.
 */
#ifndef KVMLITE_VMM_HW_SERIAL_H
#define KVMLITE_VMM_HW_SERIAL_H

#include <stdint.h>
#include "../bus.h"
#include "../console.h"
#include "../irq.h"

#define SERIAL_COM1_BASE	0x3f8
#define SERIAL_COM1_IRQ		4

struct serial;

/* @out_fd: where the guest's output goes; -1 discards it. */
struct serial *serial_create(const struct irq_line *irq, int out_fd);
void serial_destroy(struct serial *serial);
/* Claims 8 ports at @base. 0 or -errno. */
int serial_attach(struct serial *serial, struct bus *pio, uint16_t base);
/* Input from the terminal, for struct console_input. */
size_t serial_receive(void *serial, const uint8_t *buf, size_t len);

#endif /* KVMLITE_VMM_HW_SERIAL_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Enough of the 8042 keyboard controller (ports 0x60 and 0x64) for a
 * guest to find it, probe it and reset the machine through it, which is
 * how PCs reboot when nothing better is offered.
 */
#ifndef KVMLITE_VMM_HW_I8042_H
#define KVMLITE_VMM_HW_I8042_H

#include "../bus.h"
#include "../irq.h"

#define I8042_KBD_IRQ	1

struct i8042;

/*
 * @kbd_irq is the keyboard interrupt (IRQ 1); @reset runs, outside the
 * controller's lock, when the guest pulses the CPU reset line.
 */
struct i8042 *i8042_create(const struct irq_line *kbd_irq,
			   void (*reset)(void *ctx), void *ctx);
void i8042_destroy(struct i8042 *kbc);
/* Claims 0x60 and 0x64. 0 or -errno. */
int i8042_attach(struct i8042 *kbc, struct bus *pio);

#endif /* KVMLITE_VMM_HW_I8042_H */

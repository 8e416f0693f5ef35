/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An interrupt line from a device to whichever interrupt controller the
 * machine has: the runner's own 8259 PIC, or the hypervisor's in-kernel
 * irqchip. Devices only ever see this.
 */
#ifndef KVMLITE_VMM_IRQ_H
#define KVMLITE_VMM_IRQ_H

#include <stdbool.h>

struct irq_line {
	void (*set)(void *chip, unsigned int pin, bool level);
	void *chip;
	unsigned int pin;
};

static inline void irq_line_set(const struct irq_line *line, bool level)
{
	line->set(line->chip, line->pin, level);
}

/* An edge: what an ISA device raising an edge-triggered interrupt does. */
static inline void irq_line_pulse(const struct irq_line *line)
{
	line->set(line->chip, line->pin, true);
	line->set(line->chip, line->pin, false);
}

#endif /* KVMLITE_VMM_IRQ_H */

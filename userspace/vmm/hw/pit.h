/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 8254 programmable interval timer (ports 0x40-0x43) and the PC's
 * port 0x61, which gates channel 2 and shows its output. Channel 0's
 * output drives IRQ 0 from a timer thread; counters follow the host's
 * CLOCK_MONOTONIC at 1.193182 MHz.
 */
#ifndef KVMLITE_VMM_HW_PIT_H
#define KVMLITE_VMM_HW_PIT_H

#include <stdint.h>
#include "../bus.h"
#include "../irq.h"

#define PIT_HZ		1193182

struct pit;

struct pit *pit_create(const struct irq_line *irq0);
/* Stops the timer thread first. */
void pit_destroy(struct pit *pit);
/* Claims 0x40-0x43 and 0x61. 0 or -errno. */
int pit_attach(struct pit *pit, struct bus *pio);
/* Starts the thread that raises IRQ 0. 0 or -errno. */
int pit_start(struct pit *pit);

#endif /* KVMLITE_VMM_HW_PIT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two cascaded 8259A interrupt controllers of a PC (master at 0x20,
 * slave at 0xa0 on the master's IR2) and the edge/level control
 * registers at 0x4d0/0x4d1. The runner uses them when the hypervisor
 * offers no in-kernel irqchip: the vCPU loop asks pic_has_interrupt()
 * and, when the guest can take it, pic_acknowledge() for the vector to
 * inject with KVM_INTERRUPT.
 */
#ifndef KVMLITE_VMM_HW_PIC_H
#define KVMLITE_VMM_HW_PIC_H

#include <stdbool.h>
#include "../bus.h"

struct pic;

/*
 * @notify runs, outside the PIC's lock, whenever the INTR output may
 * have risen: the machine wakes the vCPU there.
 */
struct pic *pic_create(void (*notify)(void *ctx), void *ctx);
void pic_destroy(struct pic *pic);
/* Claims 0x20-0x21, 0xa0-0xa1 and 0x4d0-0x4d1. 0 or -errno. */
int pic_attach(struct pic *pic, struct bus *pio);

/* The level of input @irq (0-15); fits struct irq_line's set(). */
void pic_set_irq(void *pic, unsigned int irq, bool level);
/* The master's INTR output: an unmasked request above what is in service. */
bool pic_has_interrupt(struct pic *pic);
/*
 * The interrupt-acknowledge cycle: the vector for the CPU, with IRR/ISR
 * updated (a request that vanished meanwhile gives the spurious IR7
 * vector of its controller, as the 8259A does).
 */
unsigned int pic_acknowledge(struct pic *pic);

#endif /* KVMLITE_VMM_HW_PIC_H */

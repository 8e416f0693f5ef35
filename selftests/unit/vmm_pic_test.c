// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's 8259A pair (userspace/vmm/hw/pic.c), driven the way a
 * guest and the machine drive it: port I/O through the bus, input levels
 * through pic_set_irq(), and the vCPU's side through pic_has_interrupt()
 * and pic_acknowledge(). Each case is a script of those steps with what
 * each read, acknowledge and INTR check must give; then hostile input,
 * and several threads at once.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "../lib/tap.h"
#include "hw/pic.h"

enum pic_op {
	OP_END,
	OP_OUT,		/* port, value, width */
	OP_IN,		/* port, expected value, width */
	OP_IRQ,		/* irq, level */
	OP_PULSE,	/* irq: raised, then lowered */
	OP_ISR,		/* command port, expected ISR (OCW3, then a read) */
	OP_LINUX_INIT,	/* master's ICW4: Linux's initialisation of the pair */
	OP_ACK,		/* expected vector */
	OP_INTR,	/* expected pic_has_interrupt() */
	OP_NOTIFIED,	/* expected notifications since the last check */
};

struct pic_step {
	enum pic_op op;
	unsigned int arg;
	unsigned int val;
	unsigned int len;
};

#define OUTB(port, v)	{ OP_OUT, port, v, 1 }
#define OUTW(port, v)	{ OP_OUT, port, v, 2 }
#define INB(port, v)	{ OP_IN, port, v, 1 }
#define INW(port, v)	{ OP_IN, port, v, 2 }
#define RAISE(irq)	{ OP_IRQ, irq, 1 }
#define LOWER(irq)	{ OP_IRQ, irq, 0 }
#define PULSE(irq)	{ OP_PULSE, irq }
#define ACK(vector)	{ OP_ACK, 0, vector }
#define INTR(level)	{ OP_INTR, 0, level }
#define NOTIFIED(n)	{ OP_NOTIFIED, 0, n }

#define MASTER_ISR(v)	{ OP_ISR, 0x20, v }
#define SLAVE_ISR(v)	{ OP_ISR, 0xa0, v }
#define MASTER_EOI(ir)	OUTB(0x20, 0x60 | (ir))
#define SLAVE_EOI(ir)	OUTB(0xa0, 0x60 | (ir))
#define LINUX_INIT(master_icw4)	{ OP_LINUX_INIT, master_icw4 }

#define MAX_STEPS	64

struct pic_case {
	const char *name;
	struct pic_step steps[MAX_STEPS];
};

static const struct pic_case cases[] = {
	{ "probe: IMR reads back before any ICW; no INTR yet", {
		OUTB(0x21, 0xff), INB(0x21, 0xff),
		OUTB(0xa1, 0xa5), INB(0xa1, 0xa5),
		OUTB(0x21, 0x00), PULSE(3), RAISE(9), INTR(0),
		NOTIFIED(0),
	} },
	{ "init: Linux's sequence, IRR read by default, vector base", {
		OUTB(0x21, 0xff), LINUX_INIT(0x01), INB(0x21, 0x00),
		INB(0xa1, 0x00), INB(0x20, 0x00), INTR(0),
		PULSE(3), INTR(1), INB(0x20, 0x08),
		ACK(0x33), INB(0x20, 0x00), MASTER_ISR(0x08),
		INB(0x20, 0x08), MASTER_EOI(3), INB(0x20, 0x00),
		PULSE(14), ACK(0x3e), SLAVE_ISR(0x40), MASTER_ISR(0x04),
	} },
	{ "init: ICW2's low three bits are ignored", {
		OUTB(0x20, 0x11), OUTB(0x21, 0x57), OUTB(0x21, 0x04),
		OUTB(0x21, 0x01), PULSE(1), ACK(0x51),
	} },
	{ "init: single mode takes no ICW3; IR2 is then a plain input", {
		OUTB(0x20, 0x13), OUTB(0x21, 0x40), OUTB(0x21, 0x01),
		OUTB(0x21, 0x00), INB(0x21, 0x00), PULSE(5), ACK(0x45),
		OUTB(0xa0, 0x11), OUTB(0xa1, 0x38), OUTB(0xa1, 0x02),
		OUTB(0xa1, 0x01), PULSE(9), INTR(1), ACK(0x42),
	} },
	{ "init: no ICW4 means no auto-EOI; ICW3 then ends it", {
		OUTB(0x20, 0x11), OUTB(0x21, 0x30), OUTB(0x21, 0x04),
		OUTB(0x21, 0x03),
		OUTB(0x20, 0x10), OUTB(0x21, 0x60), OUTB(0x21, 0x04),
		OUTB(0x21, 0x00), INB(0x21, 0x00),
		PULSE(4), ACK(0x64), MASTER_ISR(0x10),
	} },
	{ "init: ICW1 restarts a sequence and resets the chip", {
		LINUX_INIT(0x01), OUTB(0x21, 0x0f), OUTB(0x20, 0xc3),
		OUTB(0x20, 0x68), PULSE(6), ACK(0x36), MASTER_ISR(0x40),
		OUTB(0x20, 0x11), OUTB(0x21, 0x70), INTR(0),
		OUTB(0x20, 0x11), OUTB(0x21, 0x30), OUTB(0x21, 0x04),
		OUTB(0x21, 0x01), INB(0x21, 0x00), INB(0x20, 0x00),
		OUTB(0x20, 0x0b), INB(0x20, 0x00),
		/* An input still high needs a new edge. */
		RAISE(5), OUTB(0x20, 0x11), OUTB(0x21, 0x30),
		OUTB(0x21, 0x04), OUTB(0x21, 0x01), INTR(0),
		/* IR7 is lowest again and special mask mode is off. */
		PULSE(0), PULSE(7), ACK(0x30), OUTB(0x21, 0x01), PULSE(6),
		INTR(0), MASTER_EOI(0), ACK(0x36),
	} },
	{ "mask: a masked edge waits in the IRR until unmasked", {
		LINUX_INIT(0x01), OUTB(0x21, 0x01), PULSE(0), INTR(0),
		INB(0x20, 0x01), NOTIFIED(0), OUTB(0x21, 0x00), INTR(1),
		NOTIFIED(1), ACK(0x30),
	} },
	{ "mask: a request masked after INTR gives spurious IRQ 7", {
		LINUX_INIT(0x01), PULSE(4), INTR(1), OUTB(0x21, 0x10),
		INTR(0), ACK(0x37), MASTER_ISR(0x00), INB(0x20, 0x00),
		OUTB(0x20, 0x0a), INB(0x20, 0x10),
		OUTB(0x21, 0x00), ACK(0x34),
	} },
	{ "priority: lowest IR first; only higher levels nest", {
		LINUX_INIT(0x01), PULSE(5), PULSE(3), ACK(0x33), INTR(0),
		PULSE(1), INTR(1), ACK(0x31), MASTER_ISR(0x0a), INTR(0),
		OUTB(0x20, 0x20), MASTER_ISR(0x08), INTR(0),
		OUTB(0x20, 0x20), MASTER_ISR(0x00), INTR(1), ACK(0x35),
	} },
	{ "EOI: specific EOI clears only the level it names", {
		LINUX_INIT(0x01), PULSE(6), ACK(0x36), PULSE(4), ACK(0x34),
		MASTER_ISR(0x50), MASTER_EOI(6), MASTER_ISR(0x10),
		MASTER_EOI(6), MASTER_ISR(0x10), MASTER_EOI(4),
		MASTER_ISR(0x00),
	} },
	{ "EOI: non-specific EOI with nothing in service is harmless", {
		LINUX_INIT(0x01), OUTB(0x20, 0x20), OUTB(0x20, 0xa0),
		MASTER_ISR(0x00), PULSE(7), PULSE(0), ACK(0x30),
		OUTB(0x20, 0x40), MASTER_ISR(0x01),
	} },
	{ "rotation: rotate on non-specific EOI", {
		LINUX_INIT(0x01), PULSE(1), ACK(0x31), OUTB(0x20, 0xa0),
		MASTER_ISR(0x00), PULSE(0), PULSE(4), PULSE(1), ACK(0x34),
		OUTB(0x20, 0xa0), ACK(0x30), OUTB(0x20, 0xa0), ACK(0x31),
	} },
	{ "rotation: set priority, then nesting follows it", {
		LINUX_INIT(0x01), OUTB(0x20, 0xc4), PULSE(3), PULSE(6),
		ACK(0x36), PULSE(0), INTR(0), PULSE(5), INTR(1), ACK(0x35),
		OUTB(0x20, 0x20), MASTER_ISR(0x40), OUTB(0x20, 0x20),
		ACK(0x30),
	} },
	{ "rotation: rotate on specific EOI", {
		LINUX_INIT(0x01), PULSE(6), ACK(0x36), OUTB(0x20, 0xe3),
		MASTER_ISR(0x40), PULSE(4), PULSE(3), INTR(1), ACK(0x34),
		INTR(0), OUTB(0x20, 0x66), INTR(0), MASTER_EOI(4),
		ACK(0x33),
	} },
	{ "AEOI: no ISR bit, so the same level comes again at once", {
		LINUX_INIT(0x03), PULSE(3), ACK(0x33), MASTER_ISR(0x00),
		PULSE(3), INTR(1), ACK(0x33), PULSE(5), PULSE(1),
		ACK(0x31), ACK(0x35), INTR(0),
	} },
	{ "AEOI: rotate in auto-EOI mode, set and cleared by OCW2", {
		LINUX_INIT(0x03), OUTB(0x20, 0x80), PULSE(0), PULSE(1),
		ACK(0x30), PULSE(0), ACK(0x31), ACK(0x30),
		PULSE(0), PULSE(3), ACK(0x33),
		OUTB(0x20, 0x00), ACK(0x30), PULSE(0), PULSE(6),
		ACK(0x36), PULSE(5), ACK(0x35), PULSE(0), PULSE(7),
		ACK(0x37), ACK(0x30),
	} },
	{ "cascade: a slave IRQ is acknowledged through the master", {
		LINUX_INIT(0x01), PULSE(12), INTR(1), NOTIFIED(1),
		ACK(0x3c), MASTER_ISR(0x04), SLAVE_ISR(0x10), INTR(0),
		SLAVE_EOI(4), MASTER_EOI(2), MASTER_ISR(0x00),
		SLAVE_ISR(0x00),
	} },
	{ "cascade: the slave's requests rank at the master's IR2", {
		LINUX_INIT(0x01), PULSE(3), PULSE(8), ACK(0x38), INTR(0),
		PULSE(1), ACK(0x31), MASTER_EOI(1), INTR(0), SLAVE_EOI(0),
		MASTER_EOI(2), ACK(0x33), PULSE(15), INTR(1), ACK(0x3f),
		SLAVE_EOI(7), MASTER_EOI(2), MASTER_ISR(0x08),
	} },
	{ "cascade: masking IR2 masks the whole slave", {
		LINUX_INIT(0x01), OUTB(0x21, 0x04), PULSE(9), INTR(0),
		OUTB(0x21, 0x00), INTR(1), ACK(0x39),
		OUTB(0xa1, 0x02), PULSE(9), INTR(0), OUTB(0xa1, 0x00),
		INTR(0), SLAVE_EOI(1), MASTER_EOI(2), INTR(1), ACK(0x39),
	} },
	{ "cascade: a lower slave request follows Linux's two EOIs", {
		LINUX_INIT(0x01), PULSE(8), ACK(0x38), PULSE(12), INTR(0),
		NOTIFIED(1), SLAVE_EOI(0), INTR(0), NOTIFIED(0),
		MASTER_EOI(2), INTR(1), NOTIFIED(1), ACK(0x3c),
	} },
	{ "cascade: a slave in AEOI with two requests delivers both", {
		LINUX_INIT(0x01), OUTB(0xa0, 0x11), OUTB(0xa1, 0x38),
		OUTB(0xa1, 0x02), OUTB(0xa1, 0x03), PULSE(9), PULSE(10),
		ACK(0x39), SLAVE_ISR(0x00), MASTER_EOI(2), INTR(1),
		ACK(0x3a), MASTER_EOI(2), INTR(0),
	} },
	{ "special fully nested: a higher slave request passes IR2", {
		OUTB(0x20, 0x11), OUTB(0x21, 0x30), OUTB(0x21, 0x04),
		OUTB(0x21, 0x11), OUTB(0xa0, 0x11), OUTB(0xa1, 0x38),
		OUTB(0xa1, 0x02), OUTB(0xa1, 0x01),
		PULSE(12), ACK(0x3c), PULSE(13), INTR(0), PULSE(3),
		INTR(0), PULSE(9), INTR(1), ACK(0x39), SLAVE_ISR(0x12),
		SLAVE_EOI(1), SLAVE_EOI(4), ACK(0x3d), SLAVE_EOI(5),
		MASTER_EOI(2), ACK(0x33),
	} },
	{ "fully nested: without SFNM the same slave request waits", {
		LINUX_INIT(0x01), PULSE(12), ACK(0x3c), PULSE(9), INTR(0),
		SLAVE_EOI(4), INTR(0), MASTER_EOI(2), ACK(0x39),
	} },
	/* Linux masks a level IRQ, EOIs, runs the handler, unmasks. */
	{ "level: re-requests after EOI while still high", {
		LINUX_INIT(0x01), OUTB(0x4d1, 0x08), RAISE(11), INTR(1),
		ACK(0x3b), INTR(0), OUTB(0xa1, 0x08), SLAVE_EOI(3),
		MASTER_EOI(2), INTR(0), OUTB(0xa1, 0x00), INTR(1),
		ACK(0x3b), OUTB(0xa1, 0x08), SLAVE_EOI(3), MASTER_EOI(2),
		LOWER(11), OUTB(0xa1, 0x00), INTR(0), OUTB(0xa0, 0x0a),
		INB(0xa0, 0x00),
	} },
	{ "level: EOI while high, then dropped: the master's latched cascade edge is a spurious IRQ 15", {
		LINUX_INIT(0x01), OUTB(0x4d1, 0x08), RAISE(11), ACK(0x3b),
		SLAVE_EOI(3), LOWER(11), MASTER_EOI(2), INTR(1),
		ACK(0x3f), SLAVE_ISR(0x00), MASTER_EOI(2), INTR(0),
	} },
	{ "level: in AEOI, a level still high comes straight back", {
		LINUX_INIT(0x03), OUTB(0x4d0, 0x10), RAISE(4), ACK(0x34),
		INTR(1), ACK(0x34), LOWER(4), INTR(0),
	} },
	{ "edge: no new request after EOI while the input stays high", {
		LINUX_INIT(0x01), RAISE(3), ACK(0x33), MASTER_EOI(3),
		INTR(0), RAISE(3), INTR(0), LOWER(3), INTR(0), RAISE(3),
		INTR(1), ACK(0x33),
	} },
	{ "edge: a pulse stays latched after the input falls", {
		LINUX_INIT(0x01), RAISE(6), LOWER(6), INB(0x20, 0x40),
		ACK(0x36), INB(0x20, 0x00),
	} },
	{ "spurious: a level request gone before INTA gives IRQ 7", {
		LINUX_INIT(0x01), OUTB(0x4d0, 0x08), RAISE(3), INTR(1),
		LOWER(3), INTR(0), ACK(0x37), MASTER_ISR(0x00),
	} },
	{ "spurious: a slave request gone before INTA gives IRQ 15", {
		LINUX_INIT(0x01), OUTB(0x4d1, 0x02), RAISE(9), INTR(1),
		LOWER(9), INTR(1), ACK(0x3f), SLAVE_ISR(0x00),
		MASTER_ISR(0x04), MASTER_EOI(2), INTR(0),
	} },
	{ "spurious: acknowledge with nothing pending", {
		LINUX_INIT(0x01), ACK(0x37), MASTER_ISR(0x00), INTR(0),
	} },
	{ "OCW3: the register chosen for reads stays chosen", {
		LINUX_INIT(0x01), PULSE(5), ACK(0x35), PULSE(6),
		OUTB(0x20, 0x0b), INB(0x20, 0x20), INB(0x20, 0x20),
		OUTB(0x20, 0x08), INB(0x20, 0x20), OUTB(0x20, 0x0a),
		INB(0x20, 0x40), OUTB(0x20, 0x09), INB(0x20, 0x40),
		INB(0x21, 0x00),
	} },
	{ "poll: reads the request and acknowledges it", {
		LINUX_INIT(0x01), OUTB(0x21, 0x80), OUTB(0x20, 0x0c),
		INB(0x20, 0x00), PULSE(7), PULSE(5), PULSE(3),
		OUTB(0x20, 0x0c), INB(0x20, 0x83), INB(0x20, 0xa0),
		MASTER_ISR(0x08), OUTB(0x20, 0x0c), INB(0x21, 0x00),
		MASTER_EOI(3), OUTB(0x20, 0x0e), INB(0x21, 0x85),
		INB(0x21, 0x80),
	} },
	{ "poll: the master shows IR2, the slave is polled apart", {
		LINUX_INIT(0x01), PULSE(13), OUTB(0x20, 0x0c),
		INB(0x20, 0x82), OUTB(0xa0, 0x0c), INB(0xa0, 0x85),
		SLAVE_ISR(0x20), MASTER_ISR(0x04), INTR(0),
	} },
	{ "special mask mode: masking the level in service lets lower in", {
		LINUX_INIT(0x01), PULSE(3), ACK(0x33), PULSE(5), INTR(0),
		OUTB(0x21, 0x08), OUTB(0x20, 0x68), INTR(1), ACK(0x35),
		MASTER_ISR(0x28), PULSE(6), INTR(0), MASTER_EOI(5),
		ACK(0x36), OUTB(0x20, 0x48), OUTB(0x21, 0x00), PULSE(7),
		INTR(0), MASTER_EOI(6), INTR(0), MASTER_EOI(3), ACK(0x37),
	} },
	{ "ELCR: IRQ 0, 1, 2, 8 and 13 cannot be made level", {
		OUTB(0x4d0, 0xff), INB(0x4d0, 0xf8), OUTB(0x4d1, 0xff),
		INB(0x4d1, 0xde), OUTW(0x4d0, 0x0000), INW(0x4d0, 0x0000),
		OUTW(0x4d0, 0xffff), INW(0x4d0, 0xdef8),
		LINUX_INIT(0x01), RAISE(0), ACK(0x30), MASTER_EOI(0),
		INTR(0), RAISE(8), ACK(0x38), SLAVE_EOI(0), MASTER_EOI(2),
		INTR(0),
	} },
	{ "ELCR: a level input high when switched to level requests", {
		LINUX_INIT(0x01), RAISE(5), ACK(0x35), MASTER_EOI(5),
		INTR(0), NOTIFIED(1), OUTB(0x4d0, 0x20), INTR(1),
		NOTIFIED(1), OUTB(0x4d0, 0x00), INTR(0),
	} },
	{ "ELCR: an edge latched before switching to level is dropped", {
		LINUX_INIT(0x01), OUTB(0x21, 0x20), PULSE(5),
		INB(0x20, 0x20), OUTB(0x4d0, 0x20), INB(0x20, 0x00),
		OUTB(0x4d0, 0x00), OUTB(0x21, 0x00), INTR(0),
	} },
	{ "notify: only when INTR rises", {
		LINUX_INIT(0x01), NOTIFIED(0), PULSE(4), NOTIFIED(1),
		PULSE(3), NOTIFIED(0), ACK(0x33), PULSE(6), NOTIFIED(0),
		MASTER_EOI(3), NOTIFIED(1), OUTB(0x21, 0xff), NOTIFIED(0),
		OUTB(0x21, 0x00), NOTIFIED(1), ACK(0x34), MASTER_EOI(4),
		NOTIFIED(1), ACK(0x36), MASTER_EOI(6), NOTIFIED(0),
		PULSE(10), NOTIFIED(1),
	} },
	{ "IRQ numbers: out of range and the cascade input ignored", {
		LINUX_INIT(0x01), RAISE(16), RAISE(2), RAISE(UINT_MAX),
		RAISE(0x80000002), INTR(0), INB(0x20, 0x00),
		INB(0xa0, 0x00), NOTIFIED(0),
	} },
	{ "wide access: 16-bit I/O is two byte cycles", {
		LINUX_INIT(0x01), PULSE(4), ACK(0x34), OUTW(0x20, 0xf00b),
		INW(0x20, 0xf010), OUTB(0xa0, 0x0a), PULSE(13),
		OUTW(0xa0, 0x0f0a), INW(0xa0, 0x0f20),
	} },
	{ "OCW2 no-op and rotate commands touch nothing in service", {
		LINUX_INIT(0x01), PULSE(3), ACK(0x33), OUTB(0x20, 0x40),
		OUTB(0x20, 0x80), OUTB(0x20, 0x00), MASTER_ISR(0x08),
	} },
};

struct pic_fixture {
	struct pic *pic;
	struct bus pio;
	unsigned int notified;
};

static void count_notify(void *ctx)
{
	struct pic_fixture *f = ctx;

	__atomic_add_fetch(&f->notified, 1, __ATOMIC_RELAXED);
}

static bool fixture_init(struct pic_fixture *f)
{
	*f = (struct pic_fixture){ 0 };
	f->pic = pic_create(count_notify, f);
	if (!f->pic)
		return false;
	if (pic_attach(f->pic, &f->pio)) {
		pic_destroy(f->pic);
		return false;
	}
	return true;
}

static void fixture_fini(struct pic_fixture *f)
{
	bus_release(&f->pio);
	pic_destroy(f->pic);
}

static unsigned int port_in(struct pic_fixture *f, unsigned int port,
			    unsigned int len)
{
	uint8_t bytes[2] = { 0 };

	bus_access(&f->pio, port, bytes, len, false);
	return bytes[0] | (len > 1 ? bytes[1] << 8 : 0);
}

static void port_out(struct pic_fixture *f, unsigned int port,
		     unsigned int val, unsigned int len)
{
	uint8_t bytes[2] = { val & 0xff, val >> 8 };

	bus_access(&f->pio, port, bytes, len, true);
}

/* What Linux's init_8259A() writes: vectors 0x30 and 0x38. */
static void linux_init(struct pic_fixture *f, unsigned int master_icw4)
{
	port_out(f, 0x20, 0x11, 1);
	port_out(f, 0x21, 0x30, 1);
	port_out(f, 0x21, 0x04, 1);
	port_out(f, 0x21, master_icw4, 1);
	port_out(f, 0xa0, 0x11, 1);
	port_out(f, 0xa1, 0x38, 1);
	port_out(f, 0xa1, 0x02, 1);
	port_out(f, 0xa1, 0x01, 1);
}

static const char *const op_names[] = {
	[OP_OUT] = "out", [OP_IN] = "in", [OP_IRQ] = "irq",
	[OP_ISR] = "ISR at", [OP_ACK] = "acknowledge", [OP_INTR] = "INTR",
	[OP_NOTIFIED] = "notifications",
};

/* Runs one step; false with a diagnostic when it gave the wrong value. */
static bool run_step(struct pic_fixture *f, const struct pic_step *s,
		     unsigned int index)
{
	unsigned int got;

	switch (s->op) {
	case OP_OUT:
		port_out(f, s->arg, s->val, s->len);
		return true;
	case OP_IRQ:
		pic_set_irq(f->pic, s->arg, s->val);
		return true;
	case OP_PULSE:
		pic_set_irq(f->pic, s->arg, 1);
		pic_set_irq(f->pic, s->arg, 0);
		return true;
	case OP_LINUX_INIT:
		linux_init(f, s->arg);
		return true;
	case OP_IN:
		got = port_in(f, s->arg, s->len);
		break;
	case OP_ISR:
		/* OCW3 0x0b: reads of the command port return the ISR. */
		port_out(f, s->arg, 0x0b, 1);
		got = port_in(f, s->arg, 1);
		break;
	case OP_ACK:
		got = pic_acknowledge(f->pic);
		break;
	case OP_INTR:
		got = pic_has_interrupt(f->pic);
		break;
	case OP_NOTIFIED:
		got = f->notified;
		f->notified = 0;
		break;
	default:
		return true;
	}
	if (got == s->val)
		return true;
	tap_diag("step %u: %s %#x gave %#x, expected %#x", index,
		 op_names[s->op], s->arg, got, s->val);
	return false;
}

static void run_case(const struct pic_case *c)
{
	struct pic_fixture f;
	bool ok;
	unsigned int i;

	ok = fixture_init(&f);
	for (i = 0; ok && i < MAX_STEPS && c->steps[i].op != OP_END; i++)
		ok = run_step(&f, &c->steps[i], i);
	tap_result(ok, "%s", c->name);
	if (f.pic)
		fixture_fini(&f);
}

static void test_attach_twice(void)
{
	struct pic_fixture f;
	struct pic *other;
	bool ok = fixture_init(&f);

	other = pic_create(NULL, NULL);
	ok = ok && other && pic_attach(other, &f.pio) == -EBUSY;
	tap_result(ok, "attach: a second PIC on the same ports is refused");
	pic_destroy(other);
	pic_destroy(NULL);
	if (f.pic)
		fixture_fini(&f);
}

/* A small deterministic generator, so that a failure repeats. */
static uint32_t xorshift(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

static bool vector_of_a_chip(unsigned int vector, unsigned int master_base,
			     unsigned int slave_base)
{
	return (vector & ~7u) == master_base || (vector & ~7u) == slave_base;
}

/*
 * A hostile guest: random bytes to every port, random inputs and
 * acknowledges. Nothing may crash, and Linux's init brings the pair back.
 */
static void test_garbage(void)
{
	static const unsigned int ports[] = {
		0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1,
	};
	static const struct pic_step recover[] = {
		LOWER(0), LOWER(1), LOWER(3), LOWER(4), LOWER(5), LOWER(6),
		LOWER(7), LOWER(8), LOWER(9), LOWER(10), LOWER(11),
		LOWER(12), LOWER(13), LOWER(14), LOWER(15),
		LINUX_INIT(0x01), OUTB(0x4d0, 0), OUTB(0x4d1, 0),
		OUTB(0x21, 0), OUTB(0xa1, 0), PULSE(1), PULSE(10),
		ACK(0x31), MASTER_ISR(0x02), MASTER_EOI(1), ACK(0x3a),
		MASTER_ISR(0x04), SLAVE_ISR(0x04),
	};
	struct pic_fixture f;
	uint32_t seed = 0x8259a;
	unsigned int i;
	bool ok = fixture_init(&f);

	for (i = 0; ok && i < 200000; i++) {
		uint32_t r = xorshift(&seed);
		unsigned int port = ports[r % ARRAY_SIZE(ports)];
		unsigned int val = (r >> 8) & 0xff;

		switch ((r >> 16) % 6) {
		case 0:
		case 1:
			port_out(&f, port, val, 1);
			break;
		case 2:
			port_in(&f, port, 1);
			break;
		case 3:
			pic_set_irq(f.pic, (r >> 20) % 20, r & 0x80000000);
			break;
		default:
			if (pic_has_interrupt(f.pic))
				pic_acknowledge(f.pic);
			break;
		}
	}
	for (i = 0; ok && i < ARRAY_SIZE(recover); i++)
		ok = run_step(&f, &recover[i], i);
	tap_result(ok, "garbage: random port writes, inputs and acknowledges");
	if (f.pic)
		fixture_fini(&f);
}

/*
 * Devices on other threads raise and drop level inputs while this one
 * plays the vCPU: acknowledges, then EOIs the way Linux does. When they
 * are done and every input is low, nothing may be left requested or in
 * service.
 */
#define STRESS_IRQS	4
#define STRESS_ROUNDS	20000

static const unsigned int stress_irq[STRESS_IRQS] = { 3, 5, 9, 12 };

struct stress_device {
	struct pic *pic;
	unsigned int irq;
};

static void *stress_device_run(void *arg)
{
	struct stress_device *d = arg;
	unsigned int i;

	for (i = 0; i < STRESS_ROUNDS; i++) {
		pic_set_irq(d->pic, d->irq, true);
		pic_set_irq(d->pic, d->irq, false);
	}
	return NULL;
}

static void stress_eoi(struct pic_fixture *f, unsigned int vector)
{
	if (vector >= 0x38 && vector < 0x40) {
		/* Linux EOIs a spurious IRQ 15 at the master only. */
		if (vector != 0x3f)
			port_out(f, 0xa0, 0x60 | (vector & 7), 1);
		port_out(f, 0x20, 0x62, 1);
	} else if (vector != 0x37) {
		port_out(f, 0x20, 0x60 | (vector & 7), 1);
	}
}

static void test_threads(void)
{
	static const struct pic_step setup[] = {
		LINUX_INIT(0x01), OUTB(0x4d0, 0x28), OUTB(0x4d1, 0x12),
	};
	struct stress_device devices[STRESS_IRQS];
	pthread_t threads[STRESS_IRQS];
	struct pic_fixture f;
	unsigned int i, started = 0, acks = 0;
	bool ok = fixture_init(&f);

	for (i = 0; ok && i < ARRAY_SIZE(setup); i++)
		ok = run_step(&f, &setup[i], i);
	for (i = 0; ok && i < STRESS_IRQS; i++) {
		devices[i] = (struct stress_device){ f.pic, stress_irq[i] };
		if (pthread_create(&threads[i], NULL, stress_device_run,
				   &devices[i]))
			break;
		started++;
	}
	ok = ok && started == STRESS_IRQS;
	while (ok && acks < 100000) {
		unsigned int vector;

		if (pic_has_interrupt(f.pic)) {
			vector = pic_acknowledge(f.pic);
			ok = vector_of_a_chip(vector, 0x30, 0x38);
			stress_eoi(&f, vector);
		}
		acks++;
	}
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	/* Every input is low now: level requests are gone. */
	while (ok && pic_has_interrupt(f.pic))
		stress_eoi(&f, pic_acknowledge(f.pic));
	ok = ok && port_in(&f, 0x20, 1) == 0 && port_in(&f, 0xa0, 1) == 0;
	port_out(&f, 0x20, 0x0b, 1);
	port_out(&f, 0xa0, 0x0b, 1);
	ok = ok && port_in(&f, 0x20, 1) == 0 && port_in(&f, 0xa0, 1) == 0;
	tap_result(ok, "threads: inputs from %u threads while acknowledging",
		   STRESS_IRQS);
	if (f.pic)
		fixture_fini(&f);
}

int main(void)
{
	size_t i;

	tap_plan(ARRAY_SIZE(cases) + 3);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	test_attach_twice();
	test_garbage();
	test_threads();
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's 8254 and port 0x61 (userspace/vmm/hw/pit.c).
 *
 * Most cases run on a clock the test sets, one CLK pulse at a time: each
 * is a script of port I/O at chosen pulses, with what the reads, the
 * status bytes and OUT must show, and what the timer thread's work
 * (pit_fire_irq0(), which this file reaches by including pit.c) raises on
 * IRQ 0 and when it wants to run next. Every script runs twice: once near
 * the start of the clock and once near 2^63 ns, where 64-bit products
 * would overflow. Then hostile input, and the real thread and real time
 * for what Linux does at boot, asserting nothing about how precise the
 * host's timing is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "../lib/tap.h"
#include "hw/pit.c"

/* Expected "no next edge" in a script. */
#define NONE		UINT32_MAX

enum pit_op {
	OP_END,
	OP_AT,		/* set the clock to pulse arg of the script */
	OP_OUT,		/* port, value, width */
	OP_IN,		/* port, expected value under mask, width */
	OP_STATUS,	/* channel, expected status byte */
	OP_COUNT,	/* channel, expected count */
	OP_PROGRAM,	/* channel, count, control word */
	OP_FIRE,	/* expected raised, next edge (pulse or NONE) */
	OP_PULSES,	/* expected IRQ 0 pulses since the last check */
};

struct pit_step {
	enum pit_op op;
	uint32_t arg;
	uint32_t val;
	uint32_t mask;
	uint32_t len;
	uint32_t control;
};

#define AT(t)		{ OP_AT, t }
#define OUTB(port, v)	{ OP_OUT, port, v, 0, 1 }
#define OUTW(port, v)	{ OP_OUT, port, v, 0, 2 }
#define INB(port, v)	{ OP_IN, port, v, 0xff, 1 }
#define INM(port, v, m)	{ OP_IN, port, v, m, 1 }
#define INW(port, v, m)	{ OP_IN, port, v, m, 2 }
#define FIRE(raised, next)	{ OP_FIRE, raised, next }
#define PULSES(n)	{ OP_PULSES, 0, n }

#define STATUS(ch, v)	{ OP_STATUS, ch, v }
#define COUNT(ch, v)	{ OP_COUNT, ch, v }
#define OUT2(level)	INM(0x61, (level) ? 0x20 : 0, 0x20)
#define PROGRAM(ch, cw, count)	\
	{ .op = OP_PROGRAM, .arg = ch, .val = count, .control = cw }

#define MAX_STEPS	80

struct pit_case {
	const char *name;
	struct pit_step steps[MAX_STEPS];
};

static const struct pit_case cases[] = {
	{ "mode 0: OUT low until terminal count, then the CE wraps", {
		AT(0), OUTB(0x43, 0x30), STATUS(0, 0x70), OUTB(0x40, 100),
		STATUS(0, 0x70), OUTB(0x40, 0), STATUS(0, 0x70),
		AT(1), STATUS(0, 0x30), COUNT(0, 100),
		AT(50), COUNT(0, 51), AT(100), COUNT(0, 1), STATUS(0, 0x30),
		AT(101), COUNT(0, 0), STATUS(0, 0xb0),
		AT(102), COUNT(0, 0xffff), STATUS(0, 0xb0),
	} },
	{ "mode 0: a new count drops OUT; its first byte stops the CE", {
		AT(0), PROGRAM(0, 0x30, 10), AT(20), STATUS(0, 0xb0),
		COUNT(0, 0xfff7), OUTB(0x40, 5), STATUS(0, 0x30),
		AT(30), COUNT(0, 0xfff7), OUTB(0x40, 0), STATUS(0, 0x70),
		AT(31), COUNT(0, 5), STATUS(0, 0x30),
		AT(36), COUNT(0, 0), STATUS(0, 0xb0),
	} },
	{ "mode 0 on channel 2: GATE low pauses; port 0x61 shows OUT", {
		AT(0), OUTB(0x61, 0x00), PROGRAM(2, 0xb0, 10),
		AT(5), COUNT(2, 10), OUT2(0), OUTB(0x61, 0x01),
		AT(10), COUNT(2, 5), AT(14), COUNT(2, 1), OUT2(0),
		OUTB(0x61, 0x00), AT(40), COUNT(2, 1), OUT2(0),
		OUTB(0x61, 0x01), AT(41), COUNT(2, 0), OUT2(1),
		INM(0x61, 0x21, 0xef),
	} },
	{ "mode 1 on channel 2: GATE triggers a retriggerable one-shot", {
		AT(0), OUTB(0x61, 0x00), OUTB(0x43, 0xb2), STATUS(2, 0xf2),
		OUTB(0x42, 5), OUTB(0x42, 0), AT(5), OUT2(1),
		STATUS(2, 0xf2), OUTB(0x61, 0x01),
		AT(6), OUT2(0), COUNT(2, 5), STATUS(2, 0x32),
		AT(10), COUNT(2, 1), OUT2(0), AT(11), OUT2(1), COUNT(2, 0),
		AT(12), COUNT(2, 0xffff), OUTB(0x61, 0x00), OUTB(0x61, 0x01),
		AT(13), OUT2(0), COUNT(2, 5), OUTB(0x61, 0x00),
		AT(15), COUNT(2, 3), OUTB(0x61, 0x01),
		AT(16), COUNT(2, 5), OUT2(0), AT(20), OUT2(0),
		AT(21), OUT2(1),
	} },
	{ "mode 1: a new count waits for the next trigger", {
		AT(0), OUTB(0x61, 0x00), PROGRAM(2, 0xb2, 5),
		OUTB(0x61, 0x01), AT(3), PROGRAM(2, 0xb2, 8),
		STATUS(2, 0xf2), AT(9),
		OUT2(1), OUTB(0x61, 0x00), OUTB(0x61, 0x01), AT(10),
		STATUS(2, 0x32), COUNT(2, 8), AT(18), OUT2(1),
		OUTB(0x42, 3), OUTB(0x42, 0), STATUS(2, 0xf2),
		OUTB(0x61, 0x00), OUTB(0x61, 0x01), AT(19), COUNT(2, 3),
	} },
	{ "mode 2: OUT low for one pulse in each period", {
		AT(0), PROGRAM(0, 0x34, 5), STATUS(0, 0xf4),
		AT(1), COUNT(0, 5), STATUS(0, 0xb4), AT(4), COUNT(0, 2),
		STATUS(0, 0xb4), AT(5), COUNT(0, 1), STATUS(0, 0x34),
		AT(6), COUNT(0, 5), STATUS(0, 0xb4), AT(10), STATUS(0, 0x34),
		AT(11), STATUS(0, 0xb4), AT(1000001), COUNT(0, 5),
		AT(1000005), COUNT(0, 1),
	} },
	{ "mode 2: a new count takes over when the period ends", {
		AT(0), PROGRAM(0, 0x34, 5), AT(3), COUNT(0, 3),
		OUTB(0x40, 3), OUTB(0x40, 0), STATUS(0, 0xf4),
		AT(5), COUNT(0, 1), STATUS(0, 0x74),
		AT(6), COUNT(0, 3), STATUS(0, 0xb4),
		AT(8), COUNT(0, 1), STATUS(0, 0x34), AT(9), COUNT(0, 3),
	} },
	{ "mode 2 on channel 2: GATE low forces OUT high and holds", {
		AT(0), OUTB(0x61, 0x01), PROGRAM(2, 0xb4, 4),
		AT(4), COUNT(2, 1), OUT2(0), OUTB(0x61, 0x00), OUT2(1),
		AT(10), COUNT(2, 1), OUT2(1), OUTB(0x61, 0x01),
		AT(11), COUNT(2, 4), OUT2(1), AT(14), COUNT(2, 1), OUT2(0),
		AT(15), COUNT(2, 4), OUT2(1),
	} },
	{ "mode 2: a GATE trigger loads a new count at once", {
		AT(0), OUTB(0x61, 0x01), PROGRAM(2, 0xb4, 100),
		AT(10), OUTB(0x42, 7), OUTB(0x42, 0), OUTB(0x61, 0x00),
		OUTB(0x61, 0x01), AT(11), COUNT(2, 7), STATUS(2, 0xb4),
	} },
	{ "mode 3, even count: half high, half low, counting by two", {
		AT(0), PROGRAM(0, 0x36, 6), STATUS(0, 0xf6),
		AT(1), COUNT(0, 6), STATUS(0, 0xb6), AT(2), COUNT(0, 4),
		AT(3), COUNT(0, 2), STATUS(0, 0xb6),
		AT(4), COUNT(0, 6), STATUS(0, 0x36), AT(5), COUNT(0, 4),
		AT(6), COUNT(0, 2), STATUS(0, 0x36),
		AT(7), COUNT(0, 6), STATUS(0, 0xb6),
	} },
	{ "mode 3, odd count: high one pulse longer than low", {
		AT(0), PROGRAM(0, 0x36, 5),
		AT(1), COUNT(0, 4), STATUS(0, 0xb6), AT(2), COUNT(0, 2),
		AT(3), COUNT(0, 0), STATUS(0, 0xb6),
		AT(4), COUNT(0, 4), STATUS(0, 0x36),
		AT(5), COUNT(0, 2), STATUS(0, 0x36),
		AT(6), COUNT(0, 4), STATUS(0, 0xb6),
	} },
	{ "mode 3: a new count takes over when the half period ends", {
		AT(0), PROGRAM(0, 0x36, 8), AT(2), OUTB(0x40, 4),
		OUTB(0x40, 0), AT(4), COUNT(0, 2), STATUS(0, 0xf6),
		AT(5), COUNT(0, 4), STATUS(0, 0x36), AT(6), COUNT(0, 2),
		STATUS(0, 0x36), AT(7), COUNT(0, 4), STATUS(0, 0xb6),
		AT(9), STATUS(0, 0x36), AT(11), STATUS(0, 0xb6),
	} },
	{ "mode 3 on channel 2: the PC speaker's square wave", {
		AT(0), OUTB(0x61, 0x03), PROGRAM(2, 0xb6, 4),
		AT(1), OUT2(1), INM(0x61, 0x23, 0xef), AT(3), OUT2(0),
		OUTB(0x61, 0x02), AT(9), OUT2(1), COUNT(2, 4),
		OUTB(0x61, 0x03), AT(10), OUT2(1), COUNT(2, 4),
		AT(12), OUT2(0),
	} },
	{ "mode 4: a one-pulse strobe at TC; a new count restarts it", {
		AT(0), PROGRAM(0, 0x38, 3), STATUS(0, 0xf8),
		AT(1), COUNT(0, 3), STATUS(0, 0xb8), AT(3), COUNT(0, 1),
		STATUS(0, 0xb8), AT(4), COUNT(0, 0), STATUS(0, 0x38),
		AT(5), COUNT(0, 0xffff), STATUS(0, 0xb8),
		AT(100), STATUS(0, 0xb8), OUTB(0x40, 2), COUNT(0, 0xffa0),
		OUTB(0x40, 0), STATUS(0, 0xf8), AT(101), COUNT(0, 2),
		AT(103), STATUS(0, 0x38), AT(104), STATUS(0, 0xb8),
	} },
	{ "mode 4 on channel 2: GATE low pauses the count", {
		AT(0), OUTB(0x61, 0x01), PROGRAM(2, 0xb8, 5), AT(3),
		COUNT(2, 3), OUTB(0x61, 0x00), AT(10), COUNT(2, 3),
		OUT2(1), OUTB(0x61, 0x01), AT(13), COUNT(2, 0), OUT2(0),
		AT(14), OUT2(1),
	} },
	{ "mode 5 on channel 2: GATE triggers the strobe, again", {
		AT(0), OUTB(0x61, 0x00), PROGRAM(2, 0xba, 3),
		AT(5), OUT2(1), STATUS(2, 0xfa), OUTB(0x61, 0x01),
		AT(6), COUNT(2, 3), STATUS(2, 0xba), AT(9), OUT2(0),
		COUNT(2, 0), AT(10), OUT2(1), OUTB(0x61, 0x00),
		OUTB(0x61, 0x01), AT(14), OUT2(0), AT(15), OUT2(1),
	} },
	{ "modes 1 and 5 on channel 0: GATE is tied high, no trigger", {
		AT(0), PROGRAM(0, 0x32, 5), AT(100), STATUS(0, 0xf2),
		FIRE(0, NONE), PROGRAM(0, 0x3a, 5), AT(200),
		STATUS(0, 0xfa), FIRE(0, NONE),
	} },
	{ "modes 6 and 7 are 2 and 3; the status keeps the bits", {
		AT(0), PROGRAM(0, 0x3c, 4), STATUS(0, 0xfc),
		AT(4), STATUS(0, 0x3c), COUNT(0, 1), AT(5), STATUS(0, 0xbc),
		PROGRAM(0, 0x3e, 4), AT(6), STATUS(0, 0xbe), COUNT(0, 4),
		AT(8), STATUS(0, 0x3e), AT(10), STATUS(0, 0xbe),
	} },
	{ "BCD: counts down in decimal; 0 is 10000", {
		AT(0), PROGRAM(0, 0x31, 0x0100), AT(1), COUNT(0, 0x0100),
		AT(2), COUNT(0, 0x0099), AT(101), COUNT(0, 0x0000),
		STATUS(0, 0xb1), AT(102), COUNT(0, 0x9999),
		PROGRAM(0, 0x31, 0), AT(103), COUNT(0, 0),
		AT(104), COUNT(0, 0x9999), AT(10102), COUNT(0, 0x0001),
		STATUS(0, 0x31), AT(10103), COUNT(0, 0), STATUS(0, 0xb1),
	} },
	{ "BCD: mode 2 and mode 3 periods are decimal", {
		AT(0), PROGRAM(0, 0x35, 0x0010), FIRE(0, 11),
		AT(10), COUNT(0, 0x0001), AT(11), COUNT(0, 0x0010),
		FIRE(1, 21), PROGRAM(0, 0x37, 0x0012), FIRE(0, 24),
		AT(12), COUNT(0, 0x0012), AT(13), COUNT(0, 0x0010),
	} },
	{ "count 0 is 65536 in binary", {
		AT(0), PROGRAM(0, 0x34, 0), AT(1), COUNT(0, 0),
		AT(2), COUNT(0, 0xffff), AT(65536), COUNT(0, 1),
		STATUS(0, 0x34), AT(65537), COUNT(0, 0), STATUS(0, 0xb4),
		FIRE(1, 131073),
	} },
	{ "access: LSB only, then MSB only", {
		AT(0), OUTB(0x43, 0x10), OUTB(0x40, 0x34), AT(1),
		INB(0x40, 0x34), INB(0x40, 0x34), AT(5), INB(0x40, 0x30),
		STATUS(0, 0x10), OUTB(0x43, 0x20), OUTB(0x40, 0x02),
		AT(6), INB(0x40, 0x02), AT(262), INB(0x40, 0x01),
		AT(263), INB(0x40, 0x00), STATUS(0, 0x20),
		OUTB(0x43, 0x00), AT(300), INB(0x40, 0x00),
		INB(0x40, 0x00), AT(600), INB(0x40, 0xff),
	} },
	{ "latch: the count holds until both bytes are read", {
		AT(0), PROGRAM(0, 0x34, 1000), AT(10), OUTB(0x43, 0x00),
		AT(20), OUTB(0x43, 0x00), INB(0x40, 0xdf), AT(30),
		INB(0x40, 0x03), INB(0x40, 0xcb), INB(0x40, 0x03),
		OUTB(0x43, 0x10), OUTB(0x40, 200), AT(40), OUTB(0x43, 0x00),
		AT(50), INB(0x40, 191), INB(0x40, 181),
	} },
	{ "latch: a control word drops an unread latched count", {
		AT(0), PROGRAM(0, 0x34, 1000), AT(10), OUTB(0x43, 0x00),
		OUTB(0x43, 0x34), OUTB(0x40, 0x00), OUTB(0x40, 0x02),
		AT(20), INB(0x40, 0xf7), INB(0x40, 0x01),
	} },
	{ "flip-flops: reads and writes of a counter interleave", {
		AT(0), PROGRAM(0, 0x34, 0x1234), AT(1), INB(0x40, 0x34),
		OUTB(0x40, 0x00), INB(0x40, 0x12), OUTB(0x40, 0x01),
		STATUS(0, 0xf4), INB(0x40, 0x34), INB(0x40, 0x12),
		AT(4661), COUNT(0, 0x100), STATUS(0, 0xb4),
	} },
	{ "read-back: count and status of two counters at once", {
		AT(0), PROGRAM(0, 0x34, 100), OUTB(0x61, 0x01),
		PROGRAM(2, 0xb0, 50), AT(10), OUTB(0x43, 0xca),
		AT(20), INB(0x40, 0xb4), INB(0x40, 91), INB(0x40, 0),
		INB(0x42, 0x30), INB(0x42, 41), INB(0x42, 0),
		INB(0x40, 81), INB(0x40, 0),
		OUTB(0x43, 0xe2), INB(0x40, 0xb4), INB(0x40, 81),
		INB(0x40, 0), OUTB(0x43, 0xd2), AT(25), INB(0x40, 81),
		INB(0x40, 0),
		AT(30), OUTB(0x43, 0xc2), AT(40), OUTB(0x43, 0xc2),
		INB(0x40, 0xb4), INB(0x40, 71), INB(0x40, 0),
		INB(0x40, 61), INB(0x40, 0),
	} },
	{ "read-back: a status latched first is the one read", {
		AT(0), OUTB(0x61, 0x01), PROGRAM(2, 0xb0, 5),
		OUTB(0x43, 0xe8), AT(10), OUTB(0x43, 0xe8),
		INB(0x42, 0x70), INB(0x42, 0xfc), INB(0x42, 0xff),
		OUTB(0x43, 0xe8), INB(0x42, 0xb0), OUTB(0x43, 0xc9),
		INB(0x42, 0xb0), INB(0x42, 0xfc), INB(0x42, 0xff),
	} },
	{ "port 0x61: bits 0-3 read back, refresh toggles, 6-7 are 0", {
		AT(0), OUTB(0x61, 0xff), INM(0x61, 0x0f, 0xcf),
		INM(0x61, 0x00, 0x10), AT(17), INM(0x61, 0x00, 0x10),
		AT(18), INM(0x61, 0x10, 0x10), AT(35), INM(0x61, 0x10, 0x10),
		AT(36), INM(0x61, 0x00, 0x10), OUTB(0x61, 0xf2),
		INM(0x61, 0x02, 0xcf),
	} },
	{ "ports: 0x43 reads as nothing; wide accesses split in bytes", {
		AT(0), INB(0x43, 0xff), OUTB(0x43, 0x10), OUTB(0x43, 0x50),
		OUTW(0x40, 0x0507), AT(1), INW(0x40, 0x0507, 0xffff),
		AT(3), INW(0x40, 0x0305, 0xffff), INW(0x42, 0xff00, 0xff00),
	} },
	{ "IRQ 0, mode 2: at each period's end; a late host coalesces", {
		AT(0), PROGRAM(0, 0x34, 100), FIRE(0, 101), PULSES(0),
		AT(100), FIRE(0, 101), AT(101), FIRE(1, 201), PULSES(1),
		AT(150), FIRE(0, 201), PULSES(0), AT(1000), FIRE(1, 1001),
		PULSES(1), FIRE(0, 1001), AT(1001), FIRE(1, 1101),
		PULSES(1),
	} },
	{ "IRQ 0, mode 2: reads do not eat an edge the thread is due", {
		AT(0), PROGRAM(0, 0x34, 10), AT(15), COUNT(0, 6),
		STATUS(0, 0xb4), FIRE(1, 21), PULSES(1),
	} },
	{ "IRQ 0, mode 4 (Linux's one-shot): once, a pulse after TC", {
		AT(0), OUTB(0x43, 0x38), FIRE(0, NONE), OUTB(0x40, 50),
		FIRE(0, NONE), OUTB(0x40, 0), FIRE(0, 52), AT(51),
		FIRE(0, 52), AT(52), FIRE(1, NONE), PULSES(1),
		AT(100000), FIRE(0, NONE), PULSES(0),
	} },
	{ "IRQ 0, mode 0: at TC; Linux's shutdown fires once more", {
		AT(0), PROGRAM(0, 0x30, 10), FIRE(0, 11), AT(11),
		FIRE(1, NONE), AT(20), OUTB(0x43, 0x30), FIRE(0, NONE),
		OUTB(0x40, 0), OUTB(0x40, 0), FIRE(0, 65557),
		AT(65557), FIRE(1, NONE), PULSES(2),
	} },
	{ "IRQ 0: an edge due before reprogramming is raised, once", {
		AT(0), PROGRAM(0, 0x34, 10), AT(25), OUTB(0x43, 0x30),
		FIRE(1, NONE), PULSES(1), FIRE(0, NONE),
	} },
	{ "IRQ 0, mode 3: at the start of each high half", {
		AT(0), PROGRAM(0, 0x36, 6), FIRE(0, 7), AT(7), FIRE(1, 13),
		PROGRAM(0, 0x36, 5), FIRE(0, 13), AT(13), FIRE(1, 18),
		AT(18), FIRE(1, 23),
	} },
	{ "IRQ 0: new counts in modes 2 and 3 move the next edge", {
		AT(0), PROGRAM(0, 0x34, 100), FIRE(0, 101), AT(50),
		OUTB(0x40, 10), OUTB(0x40, 0), FIRE(0, 101), AT(101),
		FIRE(1, 111), AT(111), FIRE(1, 121),
		PROGRAM(0, 0x36, 8), AT(113), OUTB(0x40, 4), OUTB(0x40, 0),
		FIRE(0, 118), AT(118), FIRE(1, 122), PULSES(3),
	} },
	{ "IRQ 0: counts of 1 in modes 2 and 3 never rise", {
		AT(0), PROGRAM(0, 0x34, 1), FIRE(0, NONE), AT(10),
		STATUS(0, 0x34), FIRE(0, NONE), PROGRAM(0, 0x36, 1),
		FIRE(0, NONE), AT(20), STATUS(0, 0xb6), FIRE(0, NONE),
		OUTB(0x40, 4), OUTB(0x40, 0), FIRE(0, 23), PULSES(0),
	} },
	{ "IRQ 0: channels 1 and 2 do not drive it", {
		AT(0), OUTB(0x61, 0x01), PROGRAM(1, 0x74, 10),
		PROGRAM(2, 0xb4, 10), AT(100), FIRE(0, NONE), PULSES(0),
	} },
};

struct pit_fixture {
	struct pit *pit;
	struct bus pio;
	uint64_t base_tick;
	uint64_t now_ns;
	unsigned int pulses;
	bool level;
};

static uint64_t fake_clock(void *ctx)
{
	struct pit_fixture *f = ctx;

	return __atomic_load_n(&f->now_ns, __ATOMIC_RELAXED);
}

/* The instant CLK pulse @tick happens, computed apart from pit.c. */
static uint64_t pulse_ns(uint64_t tick)
{
	__uint128_t ns = (__uint128_t)tick * 1000000000u;

	return (ns + PIT_HZ - 1) / PIT_HZ;
}

static uint64_t ns_pulse(uint64_t ns)
{
	return (__uint128_t)ns * PIT_HZ / 1000000000u;
}

static void count_irq0(void *chip, unsigned int pin, bool level)
{
	struct pit_fixture *f = chip;

	if (pin == 0 && level && !f->level)
		__atomic_add_fetch(&f->pulses, 1, __ATOMIC_RELAXED);
	f->level = level;
}

static bool fixture_init(struct pit_fixture *f, uint64_t base_tick)
{
	struct irq_line irq0;

	*f = (struct pit_fixture){ .base_tick = base_tick };
	f->now_ns = pulse_ns(base_tick);
	irq0 = (struct irq_line){ count_irq0, f, 0 };
	f->pit = pit_create_clock(&irq0, fake_clock, f);
	if (!f->pit)
		return false;
	if (pit_attach(f->pit, &f->pio)) {
		pit_destroy(f->pit);
		f->pit = NULL;
		return false;
	}
	return true;
}

static void fixture_fini(struct pit_fixture *f)
{
	bus_release(&f->pio);
	pit_destroy(f->pit);
}

static unsigned int port_in(struct bus *pio, unsigned int port,
			    unsigned int len)
{
	uint8_t bytes[2] = { 0 };

	bus_access(pio, port, bytes, len, false);
	return bytes[0] | (len > 1 ? bytes[1] << 8 : 0);
}

static void port_out(struct bus *pio, unsigned int port, unsigned int val,
		     unsigned int len)
{
	uint8_t bytes[2] = { val & 0xff, val >> 8 };

	bus_access(pio, port, bytes, len, true);
}

/* Reads @port; false with a diagnostic when it is not @want under @mask. */
static bool check_in(struct pit_fixture *f, unsigned int index,
		     unsigned int port, unsigned int want, unsigned int mask,
		     unsigned int len)
{
	unsigned int got = port_in(&f->pio, port, len) & mask;

	if (got == want)
		return true;
	tap_diag("step %u: in %#x gave %#x under mask %#x, expected %#x",
		 index, port, got, mask, want);
	return false;
}

/* Runs one step; false with a diagnostic when it gave the wrong value. */
static bool run_step(struct pit_fixture *f, const struct pit_step *s,
		     unsigned int index)
{
	uint64_t next_ns;
	unsigned int generation, got, next;
	bool raised;

	switch (s->op) {
	case OP_AT:
		__atomic_store_n(&f->now_ns, pulse_ns(f->base_tick + s->arg),
				 __ATOMIC_RELAXED);
		return true;
	case OP_OUT:
		port_out(&f->pio, s->arg, s->val, s->len);
		return true;
	case OP_IN:
		return check_in(f, index, s->arg, s->val, s->mask, s->len);
	case OP_STATUS:
		/* A read-back command latching only this channel's status. */
		port_out(&f->pio, 0x43, 0xe0 | 2 << s->arg, 1);
		return check_in(f, index, 0x40 + s->arg, s->val, 0xff, 1);
	case OP_COUNT:
		/* A counter latch command, then both bytes, LSB first. */
		port_out(&f->pio, 0x43, s->arg << 6, 1);
		got = port_in(&f->pio, 0x40 + s->arg, 1);
		got |= port_in(&f->pio, 0x40 + s->arg, 1) << 8;
		if (got == s->val)
			return true;
		tap_diag("step %u: count of channel %u gave %#x, expected %#x",
			 index, s->arg, got, s->val);
		return false;
	case OP_PROGRAM:
		/* The control word, then a two-byte count, LSB first. */
		port_out(&f->pio, 0x43, s->control, 1);
		port_out(&f->pio, 0x40 + s->arg, s->val & 0xff, 1);
		port_out(&f->pio, 0x40 + s->arg, s->val >> 8, 1);
		return true;
	case OP_FIRE:
		raised = pit_fire_irq0(f->pit, &next_ns, &generation);
		next = next_ns == PIT_NEVER ? NONE :
			ns_pulse(next_ns) - f->base_tick;
		if (raised == s->arg && next == s->val)
			return true;
		tap_diag("step %u: fire raised %d, next edge %u; expected %u, %u",
			 index, raised, next, s->arg, s->val);
		return false;
	case OP_PULSES:
		got = f->pulses;
		f->pulses = 0;
		if (got == s->val && !f->level)
			return true;
		tap_diag("step %u: %u pulses, line %s; expected %u, low",
			 index, got, f->level ? "high" : "low", s->val);
		return false;
	default:
		return true;
	}
}

/* Pulse 0 of the scripts: a multiple of two refresh periods. */
static const struct {
	const char *name;
	uint64_t tick;
} bases[] = {
	{ "at 1 s", 36 * 33144ull },
	/* 2^63 ns is 11,005,210,462,939,586 pulses. */
	{ "near 2^63 ns", 36 * 305700290000000ull },
};

static void run_case(const struct pit_case *c, unsigned int base)
{
	struct pit_fixture f;
	bool ok;
	unsigned int i;

	ok = fixture_init(&f, bases[base].tick);
	for (i = 0; ok && i < MAX_STEPS && c->steps[i].op != OP_END; i++)
		ok = run_step(&f, &c->steps[i], i);
	tap_result(ok, "%s (%s)", c->name, bases[base].name);
	if (f.pit)
		fixture_fini(&f);
}

static void test_clock_conversion(void)
{
	static const uint64_t ticks[] = {
		0, 1, 2, PIT_HZ - 1, PIT_HZ, PIT_HZ + 1, 36 * 33144ull,
		11005210462939586ull, 1ull << 53,
	};
	bool ok = true;
	size_t i;

	for (i = 0; ok && i < ARRAY_SIZE(ticks); i++) {
		uint64_t ns = tick_to_ns(ticks[i]);

		ok = tap_check_u64("tick_to_ns", ns, pulse_ns(ticks[i])) &&
		     tap_check_u64("ns_to_tick", ns_to_tick(ns), ticks[i]) &&
		     (!ns || tap_check_u64("ns_to_tick before the pulse",
					   ns_to_tick(ns - 1) + 1, ticks[i]));
	}
	ok = ok && tap_check_u64("never", tick_to_ns(PIT_NEVER), PIT_NEVER);
	tap_result(ok, "clock: pulses and nanoseconds convert exactly");
}

static uint32_t xorshift(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/*
 * A hostile guest: random bytes to every port at random times, including
 * counts of 0 and 1, invalid BCD and half-written counts. Nothing may
 * crash, the timer's next edge is always after now, and IRQ 0 rises at
 * most once per look.
 */
static void test_garbage(void)
{
	static const unsigned int ports[] = { 0x40, 0x41, 0x42, 0x43, 0x61 };
	struct pit_fixture f;
	uint32_t seed = 0x8254;
	unsigned int i, fires = 0;
	uint64_t tick = 0;
	bool ok = fixture_init(&f, bases[1].tick);

	for (i = 0; ok && i < 300000; i++) {
		uint32_t r = xorshift(&seed);
		unsigned int port = ports[r % ARRAY_SIZE(ports)];
		uint64_t next_ns;
		unsigned int generation;

		switch ((r >> 8) % 8) {
		case 0:
			tick += (r >> 12) % 4 ? (r >> 16) % 8 :
				(r >> 14) % 200000;
			f.now_ns = pulse_ns(f.base_tick + tick);
			break;
		case 1:
		case 2:
		case 3:
			port_out(&f.pio, port, r >> 24, 1);
			break;
		case 4:
		case 5:
			port_in(&f.pio, port, 1);
			break;
		default:
			fires += pit_fire_irq0(f.pit, &next_ns, &generation);
			ok = next_ns == PIT_NEVER ||
			     ns_pulse(next_ns) > f.base_tick + tick;
			if (!ok)
				tap_diag("next edge %llu at pulse %llu",
					 (unsigned long long)ns_pulse(next_ns),
					 (unsigned long long)(f.base_tick +
							      tick));
			break;
		}
	}
	ok = ok && f.pulses == fires && !f.level;
	tap_result(ok, "garbage: random port I/O at random times (%u IRQs)",
		   fires);
	if (f.pit)
		fixture_fini(&f);
}

/* The real thread and the real clock from here on. */
struct real_irq {
	unsigned int pulses;
};

static void count_real_irq0(void *chip, unsigned int pin, bool level)
{
	struct real_irq *irq = chip;

	if (pin == 0 && level)
		__atomic_add_fetch(&irq->pulses, 1, __ATOMIC_RELAXED);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits up to 10 s for @irq to reach @count pulses. */
static bool wait_pulses(struct real_irq *irq, unsigned int count)
{
	unsigned int waited;

	for (waited = 0; waited < 10000; waited++) {
		if (__atomic_load_n(&irq->pulses, __ATOMIC_RELAXED) >= count)
			return true;
		sleep_ms(1);
	}
	return false;
}

static void test_thread(void)
{
	static const uint8_t periodic[] = { 0x34, 1193 & 0xff, 1193 >> 8 };
	static const uint8_t one_shot[] = { 0x38, 0xff, 0x0f };
	struct real_irq irq = { 0 };
	struct irq_line line = { count_real_irq0, &irq, 0 };
	struct bus pio = { 0 };
	struct pit *pit = pit_create(&line);
	unsigned int before;
	bool ok = pit && !pit_attach(pit, &pio) && !pit_start(pit);

	ok = ok && pit_start(pit) == -EBUSY;
	if (ok) {
		port_out(&pio, 0x43, periodic[0], 1);
		port_out(&pio, 0x40, periodic[1], 1);
		port_out(&pio, 0x40, periodic[2], 1);
		ok = wait_pulses(&irq, 5);
	}
	if (ok) {
		port_out(&pio, 0x43, one_shot[0], 1);
		port_out(&pio, 0x40, one_shot[1], 1);
		port_out(&pio, 0x40, one_shot[2], 1);
		before = __atomic_load_n(&irq.pulses, __ATOMIC_RELAXED);
		ok = wait_pulses(&irq, before + 1);
		/* Linux's shutdown: mode 0, count 0: one more, 55 ms on. */
		port_out(&pio, 0x43, 0x30, 1);
		port_out(&pio, 0x40, 0, 1);
		port_out(&pio, 0x40, 0, 1);
	}
	tap_result(ok, "thread: periodic ticks, a one-shot, stop, destroy");
	pit_destroy(pit);
	bus_release(&pio);
}

static void test_destroy_unstarted(void)
{
	struct real_irq irq = { 0 };
	struct irq_line line = { count_real_irq0, &irq, 0 };
	struct pit *pit = pit_create(&line);

	pit_destroy(pit);
	pit_destroy(NULL);
	tap_result(pit != NULL, "thread: destroy without start");
}

static double elapsed_s(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - since->tv_sec +
	       (now.tv_nsec - since->tv_nsec) / 1e9;
}

enum calibration { CALIBRATION_FAILED, CALIBRATION_OK, CALIBRATION_LATE };

/*
 * Linux's quick_pit_calibrate(): GATE on, speaker off, channel 2 in mode
 * 0 from 0xffff, then LSB and MSB reads with no latch, the MSB falling by
 * one every 256 pulses. Only the direction is checked, never the pace; a
 * host that stalls this thread past the count's wrap (OUT has risen)
 * makes the pass inconclusive.
 */
static enum calibration quick_calibrate(struct bus *pio, unsigned int *reads)
{
	struct timespec start;
	unsigned int msb;

	port_out(pio, 0x61, (port_in(pio, 0x61, 1) & ~0x02) | 0x01, 1);
	port_out(pio, 0x43, 0xb0, 1);
	port_out(pio, 0x42, 0xff, 1);
	port_out(pio, 0x42, 0xff, 1);
	/* The count loads on the next pulse: until then the CE is stale. */
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		port_in(pio, 0x42, 1);
		msb = port_in(pio, 0x42, 1);
	} while (msb != 0xff && !(port_in(pio, 0x61, 1) & 0x20) &&
		 elapsed_s(&start) < 10);
	if (msb != 0xff)
		return port_in(pio, 0x61, 1) & 0x20 ? CALIBRATION_LATE :
						      CALIBRATION_FAILED;
	while (msb > 0xf0 && elapsed_s(&start) < 10) {
		unsigned int now;

		port_in(pio, 0x42, 1);
		now = port_in(pio, 0x42, 1);
		if (port_in(pio, 0x61, 1) & 0x20)
			return CALIBRATION_LATE;
		if (now > msb) {
			tap_diag("MSB %#x after %#x, %u reads", now, msb,
				 *reads);
			return CALIBRATION_FAILED;
		}
		msb = now;
		++*reads;
	}
	return msb <= 0xf0 ? CALIBRATION_OK : CALIBRATION_FAILED;
}

static void test_quick_calibrate(void)
{
	struct real_irq irq = { 0 };
	struct irq_line line = { count_real_irq0, &irq, 0 };
	struct bus pio = { 0 };
	struct pit *pit = pit_create(&line);
	enum calibration result = CALIBRATION_FAILED;
	unsigned int tries, reads = 0;

	if (pit && !pit_attach(pit, &pio)) {
		result = CALIBRATION_LATE;
		for (tries = 0; tries < 10 && result == CALIBRATION_LATE;
		     tries++)
			result = quick_calibrate(&pio, &reads);
	}
	tap_result(result == CALIBRATION_OK,
		   "real time: Linux's quick_pit_calibrate() MSB reads");
	pit_destroy(pit);
	bus_release(&pio);
}

/* Linux's pit_calibrate_tsc(): mode 0 on channel 2, poll 0x61 bit 5. */
static void test_calibrate_tsc(void)
{
	struct real_irq irq = { 0 };
	struct irq_line line = { count_real_irq0, &irq, 0 };
	struct bus pio = { 0 };
	struct pit *pit = pit_create(&line);
	struct timespec start;
	bool ok = pit && !pit_attach(pit, &pio);
	bool out = false;

	if (ok) {
		port_out(&pio, 0x61, (port_in(&pio, 0x61, 1) & ~0x02) | 0x01,
			 1);
		port_out(&pio, 0x43, 0xb0, 1);
		/* Mode 0 holds OUT low until a count has run out. */
		ok = !(port_in(&pio, 0x61, 1) & 0x20);
		port_out(&pio, 0x42, 11932 & 0xff, 1);
		port_out(&pio, 0x42, 11932 >> 8, 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (ok && !out && elapsed_s(&start) < 10)
		out = port_in(&pio, 0x61, 1) & 0x20;
	tap_result(ok && out, "real time: Linux's pit_calibrate_tsc() poll");
	pit_destroy(pit);
	bus_release(&pio);
}

int main(void)
{
	size_t i, base;

	tap_plan(ARRAY_SIZE(cases) * ARRAY_SIZE(bases) + 6);
	for (base = 0; base < ARRAY_SIZE(bases); base++)
		for (i = 0; i < ARRAY_SIZE(cases); i++)
			run_case(&cases[i], base);
	test_clock_conversion();
	test_garbage();
	test_thread();
	test_destroy_unstarted();
	test_quick_calibrate();
	test_calibrate_tsc();
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's 16550A UART (userspace/vmm/hw/serial.c), driven through
 * the port bus as a guest would: register semantics, the probe Linux's
 * 8250 driver runs, interrupt priorities and the IRQ line's levels,
 * receive flow control, output to a pipe, and a terminal thread racing
 * a reading vCPU.
 *
 * Each case is a script of port accesses and expectations, run on a
 * fresh UART at COM1.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../lib/tap.h"
#include "bus.h"
#include "hw/serial.h"

#define BASE	SERIAL_COM1_BASE

/* Register offsets */
#define RBR	0
#define THR	0
#define DLL	0
#define IER	1
#define DLM	1
#define IIR	2
#define FCR	2
#define LCR	3
#define MCR	4
#define LSR	5
#define MSR	6
#define SCR	7

enum op {
	OP_END,
	OP_WRITE,	/* reg, value */
	OP_READ,	/* reg, value expected under mask */
	OP_WRITE16,	/* reg, 16-bit value */
	OP_READ16,	/* reg, 16-bit value expected */
	OP_WRITE_SEQ,	/* count bytes 0, 1, ... to THR */
	OP_RECEIVE,	/* bytes offered to serial_receive(), count taken */
	OP_DRAIN,	/* read RBR while LSR.DR: count bytes from value */
	OP_LINE,	/* the IRQ line's level */
};

struct step {
	enum op op;
	unsigned int reg;
	unsigned int value;
	unsigned int mask;
	const char *bytes;
	unsigned int count;
};

#define W(r, v)		{ OP_WRITE, r, v }
#define R(r, v)		{ OP_READ, r, v, 0xff }
#define RM(r, m, v)	{ OP_READ, r, v, m }
#define W16(r, v)	{ OP_WRITE16, r, v }
#define R16(r, v)	{ OP_READ16, r, v, 0xffff }
#define TX_SEQ(n)	{ OP_WRITE_SEQ, .count = n }
#define RX(s, n)	{ OP_RECEIVE, .bytes = s, .count = n }
#define DRAIN(n, first)	{ OP_DRAIN, .value = first, .count = n }
#define LINE(l)		{ OP_LINE, .value = l }

#define MAX_STEPS	64

struct serial_case {
	const char *name;
	struct step steps[MAX_STEPS];
};

struct fake_irq {
	pthread_mutex_t lock;
	bool level;
	unsigned int sets;
	unsigned int redundant;	/* set() to the level it already had */
	unsigned int bad_pin;
};

static void fake_irq_set(void *chip, unsigned int pin, bool level)
{
	struct fake_irq *irq = chip;

	pthread_mutex_lock(&irq->lock);
	if (pin != SERIAL_COM1_IRQ)
		irq->bad_pin++;
	if (level == irq->level)
		irq->redundant++;
	irq->level = level;
	irq->sets++;
	pthread_mutex_unlock(&irq->lock);
}

struct rig {
	struct fake_irq irq;
	struct bus pio;
	struct serial *uart;
};

static bool rig_init(struct rig *rig, int out_fd)
{
	struct irq_line line = { fake_irq_set, &rig->irq, SERIAL_COM1_IRQ };

	memset(rig, 0, sizeof(*rig));
	pthread_mutex_init(&rig->irq.lock, NULL);
	rig->uart = serial_create(&line, out_fd);
	if (!rig->uart)
		return false;
	if (serial_attach(rig->uart, &rig->pio, BASE)) {
		serial_destroy(rig->uart);
		return false;
	}
	return true;
}

static void rig_fini(struct rig *rig)
{
	serial_destroy(rig->uart);
	bus_release(&rig->pio);
	pthread_mutex_destroy(&rig->irq.lock);
}

static void outb(struct rig *rig, unsigned int reg, uint8_t value)
{
	bus_access(&rig->pio, BASE + reg, &value, 1, true);
}

static uint8_t inb(struct rig *rig, unsigned int reg)
{
	uint8_t value;

	bus_access(&rig->pio, BASE + reg, &value, 1, false);
	return value;
}

static bool line_level(struct rig *rig)
{
	bool level;

	pthread_mutex_lock(&rig->irq.lock);
	level = rig->irq.level;
	pthread_mutex_unlock(&rig->irq.lock);
	return level;
}

/* Reads RBR while LSR says data is ready; false on a wrong byte. */
static bool drain(struct rig *rig, unsigned int want, uint8_t first,
		  unsigned int *got)
{
	bool ok = true;

	for (*got = 0; *got < 256 && (inb(rig, LSR) & 0x01); (*got)++) {
		uint8_t byte = inb(rig, RBR);

		if (byte != (uint8_t)(first + *got)) {
			tap_diag("byte %u is 0x%x", *got, byte);
			ok = false;
		}
	}
	return ok && *got == want;
}

static bool run_step(struct rig *rig, const struct step *s)
{
	uint16_t wide;
	unsigned int i, got;

	switch (s->op) {
	case OP_WRITE:
		outb(rig, s->reg, s->value);
		return true;
	case OP_READ:
		got = inb(rig, s->reg);
		return tap_check_u64("register", got & s->mask, s->value);
	case OP_WRITE16:
		wide = s->value;
		bus_access(&rig->pio, BASE + s->reg, &wide, 2, true);
		return true;
	case OP_READ16:
		bus_access(&rig->pio, BASE + s->reg, &wide, 2, false);
		return tap_check_u64("16-bit read", wide, s->value);
	case OP_WRITE_SEQ:
		for (i = 0; i < s->count; i++)
			outb(rig, THR, i);
		return true;
	case OP_RECEIVE:
		got = serial_receive(rig->uart, (const uint8_t *)s->bytes,
				     strlen(s->bytes));
		return tap_check_u64("bytes taken", got, s->count);
	case OP_DRAIN:
		if (drain(rig, s->count, s->value, &got))
			return true;
		tap_diag("drained %u bytes, expected %u", got, s->count);
		return false;
	case OP_LINE:
		return tap_check_u64("IRQ line", line_level(rig), s->value);
	default:
		return false;
	}
}

static const struct serial_case cases[] = {
	{ "reset values", {
		R(IER, 0x00), R(IIR, 0x01), R(LCR, 0x00), R(MCR, 0x00),
		R(LSR, 0x60), R(MSR, 0xb0), R(SCR, 0x00), LINE(0),
		W(LCR, 0x80), R(DLL, 0x0c), R(DLM, 0x00),
	} },
	{ "scratch register holds any byte", {
		W(SCR, 0x55), R(SCR, 0x55), W(SCR, 0xaa), R(SCR, 0xaa),
		W(SCR, 0xff), R(SCR, 0xff), W(SCR, 0x00), R(SCR, 0x00),
	} },
	{ "IER keeps bits 0-3 only", {
		W(IER, 0xff), R(IER, 0x0f), W(IER, 0xf0), R(IER, 0x00),
		W(IER, 0x05), R(IER, 0x05),
	} },
	{ "MCR keeps bits 0-4 only", {
		W(MCR, 0xff), R(MCR, 0x1f), W(MCR, 0xe3), R(MCR, 0x03),
	} },
	{ "LCR reads back all bits", {
		W(LCR, 0x1b), R(LCR, 0x1b), W(LCR, 0x7f), R(LCR, 0x7f),
		W(LCR, 0x03), R(LCR, 0x03),
	} },
	{ "LSR and MSR ignore writes", {
		W(LSR, 0xff), R(LSR, 0x60), W(MSR, 0x0f), R(MSR, 0xb0),
	} },
	{ "divisor latch round trip behind DLAB", {
		W(IER, 0x05),
		W(LCR, 0x83), W(DLL, 0x01), W(DLM, 0x00),
		R(DLL, 0x01), R(DLM, 0x00),
		W(DLL, 0x0c), W(DLM, 0x12), R(DLL, 0x0c), R(DLM, 0x12),
		W(LCR, 0x03), R(IER, 0x05), R(LSR, 0x60), R(IIR, 0x01),
		W(LCR, 0x83), R(DLL, 0x0c), R(DLM, 0x12), R(LCR, 0x83),
		W(LCR, 0x03),
	} },
	{ "Linux 8250 autoconfig finds a 16550A", {
		/* The IER test */
		R(IER, 0x00), W(IER, 0x00), RM(IER, 0x0f, 0x00),
		W(IER, 0x0f), RM(IER, 0x0f, 0x0f), W(IER, 0x00),
		/* The loopback test */
		W(MCR, 0x1a), RM(MSR, 0xf0, 0x90), W(MCR, 0x00),
		/* EFR write with LCR=0xbf is an FCR write here */
		W(LCR, 0xbf), W(2, 0x00), W(LCR, 0x00),
		W(FCR, 0x01), RM(IIR, 0xc0, 0xc0),
		/* No EFR behind LCR=0x80 or 0xbf: offset 2 is IIR */
		W(LCR, 0x80), R(2, 0xc1), W(LCR, 0xbf), R(2, 0xc1),
		/* Not a National SuperIO: IIR bit 4 never follows LOOP */
		W(LCR, 0x00), R(MCR, 0x00), W(LCR, 0xe0), RM(2, 0x10, 0x00),
		W(LCR, 0x00), W(MCR, 0x10), W(LCR, 0xe0), RM(2, 0x10, 0x00),
		W(LCR, 0x00), W(MCR, 0x00),
		/* Not a TI16750: no 64-byte FIFO bit, DLAB or not */
		W(FCR, 0x21), RM(IIR, 0xe0, 0xc0), W(FCR, 0x01),
		W(LCR, 0x80), W(FCR, 0x21), RM(IIR, 0xe0, 0xc0),
		W(FCR, 0x01), W(LCR, 0x00),
		/* Not an XScale: IER bit 6 does not stick */
		W(IER, 0x40), R(IER, 0x00),
		/* size_fifo(): 16 bytes fit in loopback, not 64 */
		W(FCR, 0x07), W(MCR, 0x10), W(LCR, 0x80),
		W(DLL, 0x01), W(DLM, 0x00), W(LCR, 0x03),
		TX_SEQ(256), DRAIN(16, 0),
		W(FCR, 0xc1), W(MCR, 0x00), W(LCR, 0x03),
		R(LSR, 0x60), LINE(0),
	} },
	{ "THRE interrupt when ETBEI goes on, cleared by IIR read", {
		W(MCR, 0x08), LINE(0), W(IER, 0x02), LINE(1),
		R(IIR, 0x02), LINE(0), R(IIR, 0x01), R(LSR, 0x60),
	} },
	{ "THRE stays cleared on an IER write that keeps ETBEI", {
		W(MCR, 0x08), W(IER, 0x02), R(IIR, 0x02), LINE(0),
		W(IER, 0x03), R(IIR, 0x01), LINE(0),
	} },
	{ "ETBEI off and on again raises THRE again", {
		W(MCR, 0x08), W(IER, 0x02), R(IIR, 0x02),
		W(IER, 0x00), LINE(0), W(IER, 0x02), LINE(1), R(IIR, 0x02),
		LINE(0),
	} },
	{ "THR write raises THRE again", {
		W(MCR, 0x08), W(IER, 0x02), R(IIR, 0x02), LINE(0),
		W(THR, 'x'), LINE(1), R(LSR, 0x60), R(IIR, 0x02), LINE(0),
	} },
	{ "Linux 8250 startup THRE tests", {
		/* UART_BUG_THRE: THRE comes back after IER is rewritten */
		W(IER, 0x02), R(IIR, 0x02), W(IER, 0x00),
		W(IER, 0x02), R(IIR, 0x02), W(IER, 0x00),
		/* UART_BUG_TXEN: enabling THRI gives an interrupt at once */
		W(IER, 0x02), R(LSR, 0x60), R(IIR, 0x02), W(IER, 0x00),
		R(IIR, 0x01),
	} },
	{ "OUT2 gates the IRQ line", {
		W(IER, 0x02), LINE(0), W(MCR, 0x08), LINE(1),
		W(MCR, 0x00), LINE(0), W(MCR, 0x0b), LINE(1),
		R(IIR, 0x02), LINE(0),
	} },
	{ "loopback keeps the IRQ line low", {
		W(MCR, 0x18), W(IER, 0x02), LINE(0), RM(IIR, 0x0f, 0x02),
		W(IER, 0x00), W(IER, 0x02), W(MCR, 0x08), LINE(1),
	} },
	{ "received data without FIFOs", {
		W(MCR, 0x08), W(IER, 0x01), LINE(0),
		RX("ab", 1), LINE(1), R(IIR, 0x04), R(LSR, 0x61),
		RX("b", 0), R(RBR, 'a'), LINE(0), R(IIR, 0x01),
		R(LSR, 0x60), RX("b", 1), LINE(1), R(RBR, 'b'), LINE(0),
	} },
	{ "FIFO: timeout below the trigger level, data at it", {
		W(FCR, 0x41), W(MCR, 0x08), W(IER, 0x01),
		RX("ab", 2), LINE(1), R(IIR, 0xcc), RX("cd", 2),
		R(IIR, 0xc4), R(RBR, 'a'), R(IIR, 0xcc), LINE(1),
		R(RBR, 'b'), R(RBR, 'c'), R(RBR, 'd'), R(IIR, 0xc1),
		LINE(0), R(LSR, 0x60),
	} },
	{ "FIFO trigger levels 1, 8 and 14", {
		W(FCR, 0x01), W(IER, 0x01), RX("a", 1), R(IIR, 0xc4),
		W(FCR, 0x83), R(IIR, 0xc1), RX("1234567", 7), R(IIR, 0xcc),
		RX("8", 1), R(IIR, 0xc4),
		W(FCR, 0xc3), RX("abcdefghijklm", 13), R(IIR, 0xcc),
		RX("n", 1), R(IIR, 0xc4), DRAIN(14, 'a'), R(IIR, 0xc1),
	} },
	{ "receive takes what fits: one byte without FIFOs", {
		RX("abc", 1), RX("bc", 0), R(RBR, 'a'), RX("bc", 1),
		RX("c", 0), R(RBR, 'b'), R(LSR, 0x60), R(RBR, 0x00),
	} },
	{ "receive takes what fits: sixteen bytes with FIFOs", {
		W(FCR, 0x01), RX("ABCDEFGHIJKLMNOPQRST", 16), RX("Q", 0),
		R(RBR, 'A'), R(RBR, 'B'), R(RBR, 'C'), RX("QRSTU", 3),
		RX("T", 0), DRAIN(16, 'D'),
	} },
	{ "no input while in loopback", {
		W(MCR, 0x10), RX("a", 0), W(MCR, 0x00), RX("a", 1),
		R(RBR, 'a'),
	} },
	{ "FCR clears the receiver FIFO", {
		W(FCR, 0x01), RX("abc", 3), R(LSR, 0x61),
		W(FCR, 0x03), R(LSR, 0x60), RX("abc", 3),
		W(FCR, 0x05), R(LSR, 0x61), R(RBR, 'a'),
	} },
	{ "turning FIFOs off clears them; other bits need FCR0", {
		W(FCR, 0x01), RX("abc", 3), W(FCR, 0x00), R(LSR, 0x60),
		R(IIR, 0x01), W(FCR, 0xc6), R(IIR, 0x01), RX("ab", 1),
		W(FCR, 0x01), R(LSR, 0x60),
	} },
	{ "loopback overrun without FIFOs overwrites RBR", {
		W(MCR, 0x10), W(THR, 'a'), R(LSR, 0x61), W(THR, 'b'),
		R(LSR, 0x63), R(LSR, 0x61), R(RBR, 'b'), R(LSR, 0x60),
	} },
	{ "modem status deltas in loopback", {
		W(MCR, 0x10), R(MSR, 0x0b), R(MSR, 0x00),
		W(MCR, 0x1f), R(MSR, 0xfb), R(MSR, 0xf0),
		W(MCR, 0x1b), R(MSR, 0xb4), R(MSR, 0xb0),
		W(MCR, 0x14), R(MSR, 0x4b), W(MCR, 0x00), R(MSR, 0xbf),
		R(MSR, 0xb0),
	} },
	{ "modem status interrupt", {
		W(IER, 0x08), W(MCR, 0x08), R(IIR, 0x01), LINE(0),
		W(MCR, 0x18), R(IIR, 0x00), LINE(0), W(MCR, 0x08),
		R(IIR, 0x00), LINE(1), R(MSR, 0xb3), R(IIR, 0x01), LINE(0),
	} },
	{ "interrupt priorities", {
		W(FCR, 0x01), W(MCR, 0x10), W(IER, 0x0f),
		TX_SEQ(17), R(IIR, 0xc6), R(LSR, 0x63),
		R(IIR, 0xc4), DRAIN(16, 0), R(IIR, 0xc2),
		R(IIR, 0xc0), R(MSR, 0x0b), R(IIR, 0xc1), LINE(0),
	} },
	{ "line status interrupt needs ELSI", {
		W(MCR, 0x18), W(THR, 1), W(THR, 2), W(IER, 0x00),
		R(IIR, 0x01), W(IER, 0x04), R(IIR, 0x06), R(LSR, 0x63),
		R(IIR, 0x01),
	} },
	{ "16-bit accesses reach two registers", {
		W16(LCR, 0x0b03), R(LCR, 0x03), R(MCR, 0x0b),
		R16(LCR, 0x0b03), W16(MSR, 0x5a00), R(SCR, 0x5a),
		R16(LSR, 0xb060),
	} },
};

static void run_case(const struct serial_case *c)
{
	struct rig rig;
	unsigned int i;
	bool ok = true;

	if (!rig_init(&rig, -1)) {
		tap_result(false, "%s: set up", c->name);
		return;
	}
	for (i = 0; i < MAX_STEPS && c->steps[i].op != OP_END; i++) {
		if (!run_step(&rig, &c->steps[i])) {
			tap_diag("at step %u", i);
			ok = false;
			break;
		}
	}
	ok &= tap_check_u64("redundant line sets", rig.irq.redundant, 0);
	ok &= tap_check_u64("sets on a wrong pin", rig.irq.bad_pin, 0);
	rig_fini(&rig);
	tap_result(ok, "%s", c->name);
}

/* Transmitted bytes reach out_fd; divisor and loopback writes do not. */
static void test_output(void)
{
	static const char want[] = "hello, world\r\n";
	char got[64];
	struct rig rig;
	ssize_t n = -1;
	int fds[2];
	size_t i;

	if (pipe(fds) || fcntl(fds[0], F_SETFL, O_NONBLOCK)) {
		tap_result(false, "output reaches out_fd: pipe: %s",
			   strerror(errno));
		return;
	}
	if (!rig_init(&rig, fds[1])) {
		tap_result(false, "output reaches out_fd: set up");
		goto out;
	}
	for (i = 0; i < 7; i++)
		outb(&rig, THR, want[i]);
	outb(&rig, LCR, 0x80);
	outb(&rig, DLL, '!');
	outb(&rig, LCR, 0x03);
	outb(&rig, MCR, 0x10);
	outb(&rig, THR, '?');
	outb(&rig, MCR, 0x00);
	for (; i < sizeof(want) - 1; i++)
		outb(&rig, THR, want[i]);
	n = read(fds[0], got, sizeof(got));
	rig_fini(&rig);
out:
	close(fds[0]);
	close(fds[1]);
	tap_result(n == (ssize_t)sizeof(want) - 1 && !memcmp(got, want, n),
		   "output reaches out_fd in order, nothing else does");
}

#define RACE_BYTES	20000

struct race {
	struct serial *uart;
	bool ok;
};

/* The terminal thread: offers the sequence until all is taken. */
static void *race_terminal(void *arg)
{
	struct race *race = arg;
	uint8_t buf[37];
	unsigned int sent = 0;

	while (sent < RACE_BYTES) {
		size_t n = sizeof(buf), i;

		if (n > RACE_BYTES - sent)
			n = RACE_BYTES - sent;
		for (i = 0; i < n; i++)
			buf[i] = (sent + i) * 7;
		n = serial_receive(race->uart, buf, n);
		if (!n)
			sched_yield();
		sent += n;
	}
	return NULL;
}

/* A vCPU reading RBR while the terminal thread fills the FIFO. */
static void test_race(void)
{
	struct race race = { .ok = true };
	unsigned int got = 0;
	struct rig rig;
	pthread_t thread;

	if (!rig_init(&rig, -1)) {
		tap_result(false, "terminal thread against a reading vCPU");
		return;
	}
	race.uart = rig.uart;
	outb(&rig, FCR, 0x81);
	outb(&rig, IER, 0x01);
	outb(&rig, MCR, 0x08);
	if (pthread_create(&thread, NULL, race_terminal, &race)) {
		rig_fini(&rig);
		tap_result(false, "terminal thread against a reading vCPU");
		return;
	}
	while (got < RACE_BYTES) {
		uint8_t byte;

		if (!(inb(&rig, LSR) & 0x01)) {
			sched_yield();
			continue;
		}
		byte = inb(&rig, RBR);
		if (byte != (uint8_t)(got * 7) && race.ok) {
			tap_diag("byte %u is 0x%x", got, byte);
			race.ok = false;
		}
		got++;
	}
	pthread_join(thread, NULL);
	race.ok &= tap_check_u64("IIR at the end", inb(&rig, IIR), 0xc1);
	race.ok &= tap_check_u64("IRQ line at the end", line_level(&rig), 0);
	rig_fini(&rig);
	tap_result(race.ok, "terminal thread against a reading vCPU");
}

int main(void)
{
	size_t i;

	tap_plan(ARRAY_SIZE(cases) + 2);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	test_output();
	test_race();
	return tap_finish();
}

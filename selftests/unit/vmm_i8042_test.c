// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's 8042 keyboard controller (userspace/vmm/hw/i8042.c),
 * through ports 0x60 and 0x64: status bits, the command byte, the
 * controller's commands and Linux's probe of them, the keyboard that is
 * not there, IRQ 1, the reset line, and whatever else a guest may
 * write.
 *
 * Every reset hook call reads the status port again, so a hook run
 * under the controller's lock would deadlock the test.
 */
#include <stdio.h>
#include <string.h>
#include "../lib/tap.h"
#include "bus.h"
#include "hw/i8042.h"

#define DATA		0x60
#define STATUS		0x64
#define COMMAND		0x64

enum op {
	OP_END,
	OP_COMMAND,	/* value to 0x64 */
	OP_DATA,	/* value to 0x60 */
	OP_READ_DATA,	/* value expected from 0x60 */
	OP_STATUS,	/* value expected from 0x64 */
	OP_LINE,	/* IRQ 1's level */
	OP_RESETS,	/* reset hook calls so far */
};

struct step {
	enum op op;
	unsigned int value;
};

#define CMD(v)		{ OP_COMMAND, v }
#define DAT(v)		{ OP_DATA, v }
#define RD(v)		{ OP_READ_DATA, v }
#define ST(v)		{ OP_STATUS, v }
#define LINE(l)		{ OP_LINE, l }
#define RESETS(n)	{ OP_RESETS, n }

#define MAX_STEPS	48

struct i8042_case {
	const char *name;
	struct step steps[MAX_STEPS];
};

struct rig {
	struct bus pio;
	struct i8042 *kbc;
	bool level;
	unsigned int sets;
	unsigned int redundant;	/* set() to the level it already had */
	unsigned int bad_pin;
	unsigned int resets;
	uint8_t status_in_reset;
};

static uint8_t inb(struct rig *rig, uint16_t port)
{
	uint8_t value;

	bus_access(&rig->pio, port, &value, 1, false);
	return value;
}

static void outb(struct rig *rig, uint16_t port, uint8_t value)
{
	bus_access(&rig->pio, port, &value, 1, true);
}

static void fake_irq_set(void *chip, unsigned int pin, bool level)
{
	struct rig *rig = chip;

	if (pin != I8042_KBD_IRQ)
		rig->bad_pin++;
	if (level == rig->level)
		rig->redundant++;
	rig->level = level;
	rig->sets++;
}

static void fake_reset(void *ctx)
{
	struct rig *rig = ctx;

	rig->resets++;
	/* Back into the device: fine only outside its lock. */
	rig->status_in_reset = inb(rig, STATUS);
}

static bool rig_init(struct rig *rig)
{
	struct irq_line line = { fake_irq_set, rig, I8042_KBD_IRQ };

	memset(rig, 0, sizeof(*rig));
	rig->kbc = i8042_create(&line, fake_reset, rig);
	if (!rig->kbc)
		return false;
	if (i8042_attach(rig->kbc, &rig->pio)) {
		i8042_destroy(rig->kbc);
		return false;
	}
	return true;
}

static void rig_fini(struct rig *rig)
{
	i8042_destroy(rig->kbc);
	bus_release(&rig->pio);
}

static bool run_step(struct rig *rig, const struct step *s)
{
	switch (s->op) {
	case OP_COMMAND:
		outb(rig, COMMAND, s->value);
		return true;
	case OP_DATA:
		outb(rig, DATA, s->value);
		return true;
	case OP_READ_DATA:
		return tap_check_u64("data", inb(rig, DATA), s->value);
	case OP_STATUS:
		return tap_check_u64("status", inb(rig, STATUS), s->value);
	case OP_LINE:
		return tap_check_u64("IRQ 1", rig->level, s->value);
	case OP_RESETS:
		return tap_check_u64("resets", rig->resets, s->value);
	default:
		return false;
	}
}

/*
 * Status bits: 0 OBF, 2 system flag, 3 last write was a command,
 * 4 keyboard unlocked, 6 time-out. The command byte starts as 0x65.
 */
static const struct i8042_case cases[] = {
	{ "status and command byte at start", {
		ST(0x14), LINE(0), CMD(0x20), ST(0x1d), LINE(1),
		RD(0x65), ST(0x1c), LINE(0), RESETS(0),
	} },
	{ "self-test answers 0x55", {
		CMD(0xaa), ST(0x1d), RD(0x55), ST(0x1c), LINE(0),
	} },
	{ "self-test sets the system flag", {
		CMD(0x60), DAT(0x00), ST(0x10), CMD(0xaa), ST(0x1d),
		LINE(0), RD(0x55), ST(0x1c), CMD(0x20), RD(0x04),
	} },
	{ "command byte written and read back", {
		CMD(0x60), DAT(0x47), ST(0x14), CMD(0x20), RD(0x47),
		CMD(0x60), DAT(0x00), CMD(0x20), RD(0x00), ST(0x18),
		CMD(0x60), DAT(0xff), CMD(0x20), RD(0xff),
	} },
	{ "the command bit follows the last port written", {
		CMD(0xae), ST(0x1c), CMD(0x60), ST(0x1c), DAT(0x65),
		ST(0x14),
	} },
	{ "IRQ 1 follows the output buffer and CTR bit 0", {
		CMD(0x60), DAT(0x64), CMD(0x20), ST(0x1d), LINE(0),
		CMD(0x60), DAT(0x65), LINE(1), ST(0x15), RD(0x64),
		LINE(0), CMD(0xab), LINE(1), CMD(0x60), DAT(0x64),
		LINE(0), RD(0x00), LINE(0),
	} },
	{ "a byte for the keyboard times out with 0xfe", {
		DAT(0xff), ST(0x55), LINE(1), RD(0xfe), ST(0x14), LINE(0),
		DAT(0xf2), RD(0xfe), CMD(0xad), DAT(0xed), ST(0x55),
		RD(0xfe), ST(0x14),
	} },
	{ "a reply takes the place of an unread byte", {
		DAT(0xf2), ST(0x55), CMD(0xa9), ST(0x1d), RD(0xff),
		ST(0x1c), RD(0xff), ST(0x1c),
	} },
	{ "interface tests and port enables", {
		CMD(0xab), RD(0x00), CMD(0xa9), RD(0xff),
		CMD(0xa8), CMD(0x20), RD(0x45), CMD(0xa7), CMD(0x20),
		RD(0x65), CMD(0xad), CMD(0x20), RD(0x75), CMD(0xae),
		CMD(0x20), RD(0x65), ST(0x1c),
	} },
	{ "Linux's i8042 probe finds no AUX port", {
		/* i8042_controller_check(), _selftest(), _init() */
		ST(0x14), CMD(0xaa), RD(0x55), CMD(0x20), RD(0x65),
		CMD(0x20), RD(0x65), CMD(0x60), DAT(0x74), ST(0x14),
		/* i8042_check_aux(): the loop answer is not AUX data */
		CMD(0xd3), DAT(0x5a), ST(0x55),
		/* the interface test says "no device" */
		CMD(0xa9), ST(0x1d), RD(0xff),
		/* i8042_toggle_aux() */
		CMD(0xa7), CMD(0x20), RD(0x74), CMD(0xa8), CMD(0x20),
		RD(0x54), CMD(0xa7), CMD(0x20), RD(0x74),
		LINE(0), RESETS(0),
	} },
	{ "output port read and written", {
		CMD(0xd0), RD(0xc3), CMD(0xd1), DAT(0xdf), ST(0x14),
		CMD(0xd0), RD(0xdf), CMD(0xd1), DAT(0xdd), CMD(0xd0),
		RD(0xdd), RESETS(0),
	} },
	{ "reset through the output port, bit 0 clear", {
		CMD(0xd1), DAT(0xfe), RESETS(1), ST(0x14), CMD(0xd0),
		RD(0xff), CMD(0xd1), DAT(0x00), RESETS(2),
	} },
	{ "reset by pulse command 0xfe", {
		CMD(0xfe), RESETS(1), ST(0x1c), LINE(0), CMD(0xfe),
		RESETS(2),
	} },
	{ "pulse commands reset only with bit 0 clear", {
		CMD(0xff), CMD(0xf1), CMD(0xfd), CMD(0xf3), RESETS(0),
		CMD(0xf0), RESETS(1), CMD(0xfa), RESETS(2), ST(0x1c),
	} },
	{ "a new command drops a parameter that never came", {
		CMD(0xd1), CMD(0x20), RD(0x65), DAT(0x00), RESETS(0),
		RD(0xfe), CMD(0x60), CMD(0xab), RD(0x00), DAT(0x00),
		RD(0xfe), CMD(0x20), RD(0x65),
	} },
	{ "unknown commands are ignored", {
		CMD(0x00), CMD(0x21), CMD(0x61), CMD(0xc0), CMD(0xd2),
		CMD(0xd3), CMD(0xd4), CMD(0xe0), ST(0x1c), LINE(0),
		RESETS(0), CMD(0x20), RD(0x65),
	} },
	{ "the data register keeps its last byte", {
		RD(0x00), CMD(0xaa), RD(0x55), RD(0x55), ST(0x1c),
	} },
};

static void run_case(const struct i8042_case *c)
{
	struct rig rig;
	unsigned int i;
	bool ok = true;

	if (!rig_init(&rig)) {
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
	ok &= tap_check_u64("redundant line sets", rig.redundant, 0);
	ok &= tap_check_u64("sets on a wrong pin", rig.bad_pin, 0);
	if (rig.resets)
		ok &= tap_check_u64("status read by the reset hook",
				    rig.status_in_reset & 0x02, 0);
	rig_fini(&rig);
	tap_result(ok, "%s", c->name);
}

/*
 * Every command, each followed by data bytes, in every order the loop
 * gives: the controller survives, resets exactly for the eight pulse
 * commands with bit 0 clear, and still passes its self-test.
 */
static void test_garbage(void)
{
	static const uint8_t data[] = { 0x01, 0xff, 0x5a, 0x03 };
	struct rig rig;
	unsigned int cmd, i;
	bool ok;

	if (!rig_init(&rig)) {
		tap_result(false, "garbage");
		return;
	}
	for (cmd = 0; cmd < 256; cmd++) {
		outb(&rig, COMMAND, cmd);
		for (i = 0; i < ARRAY_SIZE(data); i++) {
			outb(&rig, DATA, data[i]);
			inb(&rig, STATUS);
			if (cmd & 1)
				inb(&rig, DATA);
		}
	}
	ok = tap_check_u64("resets", rig.resets, 8);
	outb(&rig, COMMAND, 0xaa);
	ok &= tap_check_u64("self-test after garbage", inb(&rig, DATA), 0x55);
	ok &= tap_check_u64("status after garbage", inb(&rig, STATUS) & 0x43,
			    0);
	ok &= tap_check_u64("redundant line sets", rig.redundant, 0);
	rig_fini(&rig);
	tap_result(ok, "every command with garbage data is harmless");
}

int main(void)
{
	size_t i;

	tap_plan(ARRAY_SIZE(cases) + 1);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	test_garbage();
	return tap_finish();
}

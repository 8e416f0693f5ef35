// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8042 keyboard controller of a PC, as its command set is given in
 * the IBM PC/AT and PS/2 technical references: a controller with no
 * auxiliary (mouse) port and nothing plugged into its keyboard port.
 *
 * The controller answers its own commands at once, so its input buffer
 * is never full (status IBF reads 0). A byte for the keyboard gets the
 * answer a PS/2 controller gives when the device does not clock it in:
 * a transmit time-out, 0xfe in the output buffer with status bit 6
 * ("General Time-Out" in the PS/2 Hardware Interface Technical
 * Reference) set. A driver sees a NAK for every command and gives up
 * on the keyboard at once (Linux's atkbd does) instead of waiting out
 * a timeout for each one.
 *
 * The auxiliary-port commands that only reflect in the command byte
 * (0xa7, 0xa8) are kept; the interface test (0xa9) answers 0xff, "no
 * auxiliary device"; 0xd3 and 0xd4, which would talk to the port, are
 * unknown here, so the byte after them goes to the keyboard like any
 * other data byte.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include "i8042.h"

#define I8042_DATA_PORT		0x60
/* The command port; the status register when read. */
#define I8042_COMMAND_PORT	0x64

#define STATUS_OBF		0x01	/* output buffer full */
#define STATUS_SYSTEM		0x04	/* system flag: CTR_SYSTEM */
#define STATUS_COMMAND		0x08	/* last write was to 0x64 */
#define STATUS_UNLOCKED		0x10	/* keylock switch is off */
#define STATUS_TIMEOUT		0x40	/* PS/2 general time-out */

/* The controller command byte, "CTR" in Linux. */
#define CTR_KBD_INT		0x01
#define CTR_SYSTEM		0x04
#define CTR_KBD_DISABLE		0x10
#define CTR_AUX_DISABLE		0x20
#define CTR_TRANSLATE		0x40
/*
 * What PC firmware leaves behind after POST, for a kernel started
 * without any: keyboard interrupt on, self-test passed, scan code
 * translation on, and the auxiliary port (which is not there) off.
 */
#define CTR_AT_BOOT	(CTR_KBD_INT | CTR_SYSTEM | CTR_AUX_DISABLE | \
			 CTR_TRANSLATE)

/* Output port bits: 0 is the CPU reset line (active low), 1 is A20. */
#define OUTPUT_RESET_RELEASED	0x01
#define OUTPUT_A20		0x02
/* Reset released, A20 on, keyboard clock and data lines idle high. */
#define OUTPUT_AT_BOOT	(OUTPUT_RESET_RELEASED | OUTPUT_A20 | 0xc0)

#define CMD_READ_CTR		0x20
#define CMD_WRITE_CTR		0x60
#define CMD_AUX_DISABLE		0xa7
#define CMD_AUX_ENABLE		0xa8
#define CMD_AUX_TEST		0xa9
#define CMD_SELF_TEST		0xaa
#define CMD_KBD_TEST		0xab
#define CMD_KBD_DISABLE		0xad
#define CMD_KBD_ENABLE		0xae
#define CMD_READ_OUTPUT		0xd0
#define CMD_WRITE_OUTPUT	0xd1
/* 0xf0-0xff pulse the output port bits 3:0 that are clear in them. */
#define CMD_PULSE_FIRST		0xf0

#define REPLY_SELF_TEST_OK	0x55
#define REPLY_INTERFACE_OK	0x00
#define REPLY_NO_AUX_DEVICE	0xff
#define REPLY_KBD_TIMEOUT	0xfe

struct i8042 {
	pthread_mutex_t lock;
	struct irq_line kbd_irq;
	void (*reset)(void *ctx);
	void *ctx;

	uint8_t ctr;
	uint8_t output_port;
	/* The command whose parameter the next data byte is, or 0. */
	uint8_t pending_command;
	bool last_write_command;
	/* Kept after a read: the register holds its last byte. */
	uint8_t output;
	bool output_full;
	bool output_timeout;
	bool irq_level;			/* as last driven */
};

static void reply(struct i8042 *kbc, uint8_t byte, bool timeout)
{
	/*
	 * A real 8042 holds a reply back until the host has read the
	 * byte before it. We cannot stall the guest, and a host that
	 * sends a new command without reading has given up on that byte,
	 * so the new one takes its place.
	 */
	kbc->output = byte;
	kbc->output_full = true;
	kbc->output_timeout = timeout;
}

/*
 * With the lock held, after every change. The 8042 drives IRQ 1 while
 * its output buffer is full and the command byte enables it; with no
 * auxiliary port every byte counts as the keyboard's, replies to
 * controller commands included, as on the real chip.
 *
 * The line is driven under our lock so the levels reach the interrupt
 * controller in order; its set() never calls back into this device.
 */
static void update_irq(struct i8042 *kbc)
{
	bool level = kbc->output_full && (kbc->ctr & CTR_KBD_INT);

	if (level != kbc->irq_level) {
		kbc->irq_level = level;
		irq_line_set(&kbc->kbd_irq, level);
	}
}

/* Returns true when the command pulses the CPU reset line. */
static bool run_command(struct i8042 *kbc, uint8_t command)
{
	switch (command) {
	case CMD_READ_CTR:
		reply(kbc, kbc->ctr, false);
		break;
	case CMD_WRITE_CTR:
	case CMD_WRITE_OUTPUT:
		kbc->pending_command = command;
		break;
	case CMD_AUX_DISABLE:
		kbc->ctr |= CTR_AUX_DISABLE;
		break;
	case CMD_AUX_ENABLE:
		kbc->ctr &= ~CTR_AUX_DISABLE;
		break;
	case CMD_AUX_TEST:
		reply(kbc, REPLY_NO_AUX_DEVICE, false);
		break;
	case CMD_SELF_TEST:
		kbc->ctr |= CTR_SYSTEM;
		reply(kbc, REPLY_SELF_TEST_OK, false);
		break;
	case CMD_KBD_TEST:
		reply(kbc, REPLY_INTERFACE_OK, false);
		break;
	case CMD_KBD_DISABLE:
		kbc->ctr |= CTR_KBD_DISABLE;
		break;
	case CMD_KBD_ENABLE:
		kbc->ctr &= ~CTR_KBD_DISABLE;
		break;
	case CMD_READ_OUTPUT:
		reply(kbc, kbc->output_port, false);
		break;
	default:
		/*
		 * Pulse commands drive low the output port bits whose bits
		 * are clear in the command; only bit 0, reset, means
		 * anything here. Other commands are not known: ignored.
		 */
		return command >= CMD_PULSE_FIRST &&
		       !(command & OUTPUT_RESET_RELEASED);
	}
	return false;
}

/* Returns true when the byte pulls the CPU reset line. */
static bool write_data(struct i8042 *kbc, uint8_t value)
{
	uint8_t command = kbc->pending_command;

	kbc->pending_command = 0;
	switch (command) {
	case CMD_WRITE_CTR:
		kbc->ctr = value;
		return false;
	case CMD_WRITE_OUTPUT:
		/*
		 * The CPU resets and the machine starts over (or the runner
		 * stops), so the line reads back released: a pulse.
		 */
		kbc->output_port = value | OUTPUT_RESET_RELEASED;
		return !(value & OUTPUT_RESET_RELEASED);
	default:
		reply(kbc, REPLY_KBD_TIMEOUT, true);
		return false;
	}
}

static void finish_access(struct i8042 *kbc, bool reset)
{
	update_irq(kbc);
	pthread_mutex_unlock(&kbc->lock);
	/* Outside the lock: the hook may stop vCPUs that wait for it. */
	if (reset)
		kbc->reset(kbc->ctx);
}

/* Each range is a single port: @offset is 0 and @len is 1. */
static void i8042_data_read(void *dev, uint64_t offset, void *data,
			    uint32_t len)
{
	struct i8042 *kbc = dev;

	(void)offset;
	(void)len;
	pthread_mutex_lock(&kbc->lock);
	*(uint8_t *)data = kbc->output;
	kbc->output_full = false;
	kbc->output_timeout = false;
	finish_access(kbc, false);
}

static void i8042_data_write(void *dev, uint64_t offset, const void *data,
			     uint32_t len)
{
	struct i8042 *kbc = dev;
	bool reset;

	(void)offset;
	(void)len;
	pthread_mutex_lock(&kbc->lock);
	kbc->last_write_command = false;
	reset = write_data(kbc, *(const uint8_t *)data);
	finish_access(kbc, reset);
}

static void i8042_status_read(void *dev, uint64_t offset, void *data,
			      uint32_t len)
{
	struct i8042 *kbc = dev;
	uint8_t status = STATUS_UNLOCKED;

	(void)offset;
	(void)len;
	pthread_mutex_lock(&kbc->lock);
	if (kbc->output_full)
		status |= STATUS_OBF;
	if (kbc->output_timeout)
		status |= STATUS_TIMEOUT;
	if (kbc->ctr & CTR_SYSTEM)
		status |= STATUS_SYSTEM;
	if (kbc->last_write_command)
		status |= STATUS_COMMAND;
	pthread_mutex_unlock(&kbc->lock);
	*(uint8_t *)data = status;
}

static void i8042_command_write(void *dev, uint64_t offset, const void *data,
				uint32_t len)
{
	struct i8042 *kbc = dev;
	bool reset;

	(void)offset;
	(void)len;
	pthread_mutex_lock(&kbc->lock);
	kbc->last_write_command = true;
	/* A new command drops a parameter that never came. */
	kbc->pending_command = 0;
	reset = run_command(kbc, *(const uint8_t *)data);
	finish_access(kbc, reset);
}

static const struct bus_ops i8042_data_ops = {
	.read = i8042_data_read,
	.write = i8042_data_write,
};

static const struct bus_ops i8042_command_ops = {
	.read = i8042_status_read,
	.write = i8042_command_write,
};

struct i8042 *i8042_create(const struct irq_line *kbd_irq,
			   void (*reset)(void *ctx), void *ctx)
{
	struct i8042 *kbc = calloc(1, sizeof(*kbc));

	if (!kbc)
		return NULL;
	pthread_mutex_init(&kbc->lock, NULL);
	kbc->kbd_irq = *kbd_irq;
	kbc->reset = reset;
	kbc->ctx = ctx;
	kbc->ctr = CTR_AT_BOOT;
	kbc->output_port = OUTPUT_AT_BOOT;
	return kbc;
}

void i8042_destroy(struct i8042 *kbc)
{
	if (!kbc)
		return;
	pthread_mutex_destroy(&kbc->lock);
	free(kbc);
}

int i8042_attach(struct i8042 *kbc, struct bus *pio)
{
	int r = bus_claim(pio, I8042_DATA_PORT, 1, "i8042 data",
			  &i8042_data_ops, kbc);

	if (r)
		return r;
	return bus_claim(pio, I8042_COMMAND_PORT, 1, "i8042",
			 &i8042_command_ops, kbc);
}

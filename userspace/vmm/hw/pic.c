// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PC's two cascaded 8259A interrupt controllers and the edge/level
 * control registers of its chipset.
 *
 * Section names below are those of the Intel 8259A datasheet, unless
 * another document is named. The CPU is always an x86 one: the 8080/8085
 * call sequence (ICW1 ADI, ICW4 uPM = 0) and the buffered-mode pins have
 * no meaning for a virtual machine whose vCPU takes a vector.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include "pic.h"

#define PIC_MASTER_BASE		0x20
#define PIC_SLAVE_BASE		0xa0
#define PIC_ELCR_BASE		0x4d0
#define PIC_PORTS		2

/* The slave's INT is wired to the master's IR2 on every PC. */
#define PIC_CASCADE_IR		2
#define PIC_SPURIOUS_IR		7

/* A write to A0 = 0 with D4 set is ICW1, else D3 tells OCW3 from OCW2. */
#define ICW1_IC4		0x01
#define ICW1_SNGL		0x02
#define ICW1_SELECT		0x10
#define ICW2_VECTOR		0xf8
#define ICW4_AEOI		0x02
#define ICW4_SFNM		0x10
#define OCW3_SELECT		0x08
#define OCW3_RIS		0x01
#define OCW3_RR			0x02
#define OCW3_POLL		0x04
#define OCW3_SMM		0x20
#define OCW3_ESMM		0x40
#define OCW2_LEVEL		0x07
#define OCW2_COMMAND(v)		((v) >> 5)
#define POLL_REQUEST		0x80

/* OCW2's R, SL and EOI bits ("Operation Command Words", table). */
enum ocw2_command {
	OCW2_CLEAR_ROTATE_AEOI	= 0,
	OCW2_NONSPECIFIC_EOI	= 1,
	OCW2_NOP		= 2,
	OCW2_SPECIFIC_EOI	= 3,
	OCW2_SET_ROTATE_AEOI	= 4,
	OCW2_ROTATE_NONSPECIFIC	= 5,
	OCW2_SET_PRIORITY	= 6,
	OCW2_ROTATE_SPECIFIC	= 7,
};

/*
 * ELCR bits that must stay 0: IRQ 0, 1 and 2 (timer, keyboard, cascade)
 * and IRQ 8 and 13 (RTC, FPU) are edge triggered on PC chipsets (Intel
 * 82371AB PIIX4 datasheet, "ELCR1" and "ELCR2").
 */
#define ELCR_MASTER_LEVEL_OK	0xf8
#define ELCR_SLAVE_LEVEL_OK	0xde

enum pic_init_step {
	/* Power-on: the datasheet leaves the state undefined until ICW1. */
	PIC_UNINITIALIZED,
	PIC_WANT_ICW2,
	PIC_WANT_ICW3,
	PIC_WANT_ICW4,
	PIC_READY,
};

struct pic_chip {
	struct pic *pic;
	enum pic_init_step init_step;
	bool icw4_needed;
	bool single;
	/* The master's ICW3: which IRs have a slave. */
	uint8_t slave_irs;
	uint8_t vector_base;
	uint8_t input;		/* level on each IR pin */
	uint8_t edge_irr;	/* edge requests latched until acknowledged */
	uint8_t isr;
	uint8_t imr;
	uint8_t elcr;
	uint8_t elcr_level_ok;
	uint8_t lowest;		/* the IR with the lowest priority */
	bool auto_eoi;
	bool rotate_on_auto_eoi;
	bool special_fully_nested;
	bool special_mask;
	bool read_isr;
	bool poll;
};

struct pic {
	pthread_mutex_t lock;
	struct pic_chip master;
	struct pic_chip slave;
	void (*notify)(void *ctx);
	void *notify_ctx;
};

/*
 * "Edge and Level Triggered Modes": a level input requests for as long as
 * it is high; an edge input from its rising edge until the acknowledge.
 * The 8259A also wants an edge input held high until then; our devices
 * pulse their lines (irq_line_pulse()), so the edge alone is latched.
 * Which mode an input has is the ELCR's choice on a PC, not ICW1's LTIM
 * (PIIX4 datasheet, "ICW1": LTIM is ignored).
 */
static uint8_t chip_irr(const struct pic_chip *c)
{
	return (c->edge_irr & ~c->elcr) | (c->input & c->elcr);
}

/* Rank 0 is the highest priority, right above the lowest one. */
static unsigned int chip_ir_at_rank(const struct pic_chip *c,
				    unsigned int rank)
{
	return (c->lowest + 1 + rank) & 7;
}

static uint8_t chip_cascade_irs(const struct pic_chip *c)
{
	/* Only IR2 has a slave wired to it, whatever ICW3 claims. */
	return c->single ? 0 : c->slave_irs & (1u << PIC_CASCADE_IR);
}

/*
 * The IR the chip would ask the CPU to serve, or -1: the highest-priority
 * unmasked request above everything in service ("Fully Nested Mode").
 * In special mask mode masked levels do not hold lower ones back ("Special
 * Mask Mode"); in special fully nested mode a slave's request passes its
 * own in-service cascade level ("The Special Fully Nested Mode").
 */
static int chip_pending_ir(const struct pic_chip *c)
{
	uint8_t requests = chip_irr(c) & ~c->imr;
	uint8_t in_service = c->isr;
	unsigned int rank;

	if (c->init_step != PIC_READY)
		return -1;
	if (c->special_mask)
		in_service &= ~c->imr;
	for (rank = 0; rank < 8; rank++) {
		unsigned int ir = chip_ir_at_rank(c, rank);
		uint8_t bit = 1u << ir;

		if (requests & bit) {
			if (!(in_service & bit))
				return ir;
			if (c->special_fully_nested &&
			    (chip_cascade_irs(c) & bit))
				return ir;
		}
		if (in_service & bit)
			return -1;
	}
	return -1;
}

static int chip_highest_in_service(const struct pic_chip *c)
{
	unsigned int rank;

	for (rank = 0; rank < 8; rank++) {
		unsigned int ir = chip_ir_at_rank(c, rank);

		if (c->isr & (1u << ir))
			return ir;
	}
	return -1;
}

static void chip_set_input(struct pic_chip *c, unsigned int ir, bool level)
{
	uint8_t bit = 1u << ir;

	if (level && !(c->input & bit))
		c->edge_irr |= bit & ~c->elcr;
	if (level)
		c->input |= bit;
	else
		c->input &= ~bit;
}

/*
 * "Interrupt Sequence": the first INTA sets the ISR bit and clears the
 * IRR bit; in AEOI mode the ISR bit is cleared again at the end of the
 * second INTA ("Automatic End of Interrupt (AEOI) Mode"), rotating if
 * asked to ("Automatic Rotation").
 */
static void chip_acknowledge(struct pic_chip *c, unsigned int ir)
{
	c->edge_irr &= ~(1u << ir);
	if (!c->auto_eoi)
		c->isr |= 1u << ir;
	else if (c->rotate_on_auto_eoi)
		c->lowest = ir;
}

/*
 * The slave's INT falls as it is acknowledged; when it still requests
 * afterwards (auto-EOI, special mask mode), the master sees a new edge.
 */
static void slave_acknowledge(struct pic *pic, unsigned int ir)
{
	chip_acknowledge(&pic->slave, ir);
	chip_set_input(&pic->master, PIC_CASCADE_IR, false);
}

static bool pic_intr(const struct pic *pic)
{
	return chip_pending_ir(&pic->master) >= 0;
}

/* Returns INTR as it was, for pic_unlock(). */
static bool pic_lock(struct pic *pic)
{
	pthread_mutex_lock(&pic->lock);
	return pic_intr(pic);
}

static void pic_unlock(struct pic *pic, bool intr_was_high)
{
	bool rose;

	chip_set_input(&pic->master, PIC_CASCADE_IR,
		       chip_pending_ir(&pic->slave) >= 0);
	rose = !intr_was_high && pic_intr(pic);
	pthread_mutex_unlock(&pic->lock);
	if (rose && pic->notify)
		pic->notify(pic->notify_ctx);
}

/*
 * "Initialization Command Words": ICW1 resets the edge sense circuit (an
 * input must rise again to request), clears the IMR, makes IR7 the lowest
 * priority, leaves special mask mode, selects the IRR for reads and zeroes
 * what ICW4 would set. The datasheet says nothing of the ISR; we clear it
 * too, so that a guest that re-initializes (kexec, resume) gets a clean
 * chip instead of a level stuck in service.
 */
static void chip_write_icw1(struct pic_chip *c, uint8_t val)
{
	c->init_step = PIC_WANT_ICW2;
	c->icw4_needed = val & ICW1_IC4;
	c->single = val & ICW1_SNGL;
	c->edge_irr = 0;
	c->isr = 0;
	c->imr = 0;
	c->lowest = 7;
	c->special_mask = false;
	c->read_isr = false;
	c->poll = false;
	c->auto_eoi = false;
	c->rotate_on_auto_eoi = false;
	c->special_fully_nested = false;
}

static enum pic_init_step chip_step_after_icw3(const struct pic_chip *c)
{
	return c->icw4_needed ? PIC_WANT_ICW4 : PIC_READY;
}

/* ICW2, ICW3 (only in cascade mode) and ICW4 (only if ICW1 asked). */
static void chip_write_icw(struct pic_chip *c, uint8_t val)
{
	switch (c->init_step) {
	case PIC_WANT_ICW2:
		c->vector_base = val & ICW2_VECTOR;
		c->init_step = c->single ? chip_step_after_icw3(c) :
					   PIC_WANT_ICW3;
		break;
	case PIC_WANT_ICW3:
		/* A slave's ICW3 is its ID: the wiring fixes that. */
		if (c == &c->pic->master)
			c->slave_irs = val;
		c->init_step = chip_step_after_icw3(c);
		break;
	default:
		c->auto_eoi = val & ICW4_AEOI;
		c->special_fully_nested = val & ICW4_SFNM;
		c->init_step = PIC_READY;
		break;
	}
}

/* "Operation Command Words": OCW2's EOI and rotation commands. */
static void chip_write_ocw2(struct pic_chip *c, uint8_t val)
{
	int ir = val & OCW2_LEVEL;

	switch (OCW2_COMMAND(val)) {
	case OCW2_CLEAR_ROTATE_AEOI:
		c->rotate_on_auto_eoi = false;
		break;
	case OCW2_SET_ROTATE_AEOI:
		c->rotate_on_auto_eoi = true;
		break;
	case OCW2_NONSPECIFIC_EOI:
	case OCW2_ROTATE_NONSPECIFIC:
		ir = chip_highest_in_service(c);
		if (ir < 0)
			break;
		c->isr &= ~(1u << ir);
		if (OCW2_COMMAND(val) == OCW2_ROTATE_NONSPECIFIC)
			c->lowest = ir;
		break;
	case OCW2_SPECIFIC_EOI:
		c->isr &= ~(1u << ir);
		break;
	case OCW2_ROTATE_SPECIFIC:
		c->isr &= ~(1u << ir);
		c->lowest = ir;
		break;
	case OCW2_SET_PRIORITY:
		c->lowest = ir;
		break;
	case OCW2_NOP:
		break;
	}
}

/* OCW3: special mask mode, poll, and which register reads return. */
static void chip_write_ocw3(struct pic_chip *c, uint8_t val)
{
	if (val & OCW3_ESMM)
		c->special_mask = val & OCW3_SMM;
	if (val & OCW3_POLL)
		c->poll = true;
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
}

/*
 * "Poll Command": the read after OCW3 P = 1, at either address, is an
 * acknowledge that returns the request instead of a vector. A master's
 * poll does not reach the slave: software polls that one itself.
 */
static uint8_t chip_poll(struct pic_chip *c)
{
	int ir = chip_pending_ir(c);

	c->poll = false;
	if (ir < 0)
		return 0;
	if (c == &c->pic->slave)
		slave_acknowledge(c->pic, ir);
	else
		chip_acknowledge(c, ir);
	return POLL_REQUEST | ir;
}

static uint8_t chip_read_port(struct pic_chip *c, unsigned int a0)
{
	if (c->poll)
		return chip_poll(c);
	/* "Reading the 8259A Status": A0 = 1 reads the IMR. */
	if (a0)
		return c->imr;
	return c->read_isr ? c->isr : chip_irr(c);
}

static void chip_write_port(struct pic_chip *c, unsigned int a0, uint8_t val)
{
	if (a0) {
		if (c->init_step > PIC_UNINITIALIZED &&
		    c->init_step < PIC_READY)
			chip_write_icw(c, val);
		else
			c->imr = val;
	} else if (val & ICW1_SELECT) {
		chip_write_icw1(c, val);
	} else if (val & OCW3_SELECT) {
		chip_write_ocw3(c, val);
	} else {
		chip_write_ocw2(c, val);
	}
}

/* A wider access is split into byte cycles, lowest address first. */
static void pic_chip_read(void *dev, uint64_t offset, void *data,
			  uint32_t len)
{
	struct pic_chip *c = dev;
	uint8_t *bytes = data;
	bool intr = pic_lock(c->pic);
	uint32_t i;

	for (i = 0; i < len; i++)
		bytes[i] = chip_read_port(c, (offset + i) & 1);
	pic_unlock(c->pic, intr);
}

static void pic_chip_write(void *dev, uint64_t offset, const void *data,
			   uint32_t len)
{
	struct pic_chip *c = dev;
	const uint8_t *bytes = data;
	bool intr = pic_lock(c->pic);
	uint32_t i;

	for (i = 0; i < len; i++)
		chip_write_port(c, (offset + i) & 1, bytes[i]);
	pic_unlock(c->pic, intr);
}

static const struct bus_ops pic_chip_ops = {
	.read = pic_chip_read,
	.write = pic_chip_write,
};

static struct pic_chip *elcr_chip(struct pic *pic, uint64_t offset)
{
	return offset & 1 ? &pic->slave : &pic->master;
}

static void pic_elcr_read(void *dev, uint64_t offset, void *data,
			  uint32_t len)
{
	struct pic *pic = dev;
	uint8_t *bytes = data;
	bool intr = pic_lock(pic);
	uint32_t i;

	for (i = 0; i < len; i++)
		bytes[i] = elcr_chip(pic, offset + i)->elcr;
	pic_unlock(pic, intr);
}

static void pic_elcr_write(void *dev, uint64_t offset, const void *data,
			   uint32_t len)
{
	struct pic *pic = dev;
	const uint8_t *bytes = data;
	bool intr = pic_lock(pic);
	uint32_t i;

	for (i = 0; i < len; i++) {
		struct pic_chip *c = elcr_chip(pic, offset + i);

		c->elcr = bytes[i] & c->elcr_level_ok;
		/* A level input's request is its level, nothing latched. */
		c->edge_irr &= ~c->elcr;
	}
	pic_unlock(pic, intr);
}

static const struct bus_ops pic_elcr_ops = {
	.read = pic_elcr_read,
	.write = pic_elcr_write,
};

static void chip_power_on(struct pic_chip *c, struct pic *pic,
			  uint8_t elcr_level_ok)
{
	c->pic = pic;
	c->init_step = PIC_UNINITIALIZED;
	c->elcr_level_ok = elcr_level_ok;
	c->lowest = 7;
}

struct pic *pic_create(void (*notify)(void *ctx), void *ctx)
{
	struct pic *pic = calloc(1, sizeof(*pic));

	if (!pic)
		return NULL;
	if (pthread_mutex_init(&pic->lock, NULL)) {
		free(pic);
		return NULL;
	}
	pic->notify = notify;
	pic->notify_ctx = ctx;
	chip_power_on(&pic->master, pic, ELCR_MASTER_LEVEL_OK);
	chip_power_on(&pic->slave, pic, ELCR_SLAVE_LEVEL_OK);
	return pic;
}

void pic_destroy(struct pic *pic)
{
	if (!pic)
		return;
	pthread_mutex_destroy(&pic->lock);
	free(pic);
}

int pic_attach(struct pic *pic, struct bus *pio)
{
	int err;

	err = bus_claim(pio, PIC_MASTER_BASE, PIC_PORTS, "pic-master",
			&pic_chip_ops, &pic->master);
	if (!err)
		err = bus_claim(pio, PIC_SLAVE_BASE, PIC_PORTS, "pic-slave",
				&pic_chip_ops, &pic->slave);
	if (!err)
		err = bus_claim(pio, PIC_ELCR_BASE, PIC_PORTS, "pic-elcr",
				&pic_elcr_ops, pic);
	return err;
}

void pic_set_irq(void *opaque, unsigned int irq, bool level)
{
	struct pic *pic = opaque;
	bool intr;

	/* The master's IR2 is the slave's INT; no device drives it. */
	if (irq > 15 || irq == PIC_CASCADE_IR)
		return;
	intr = pic_lock(pic);
	chip_set_input(irq < 8 ? &pic->master : &pic->slave, irq & 7, level);
	pic_unlock(pic, intr);
}

bool pic_has_interrupt(struct pic *pic)
{
	bool intr;

	pthread_mutex_lock(&pic->lock);
	intr = pic_intr(pic);
	pthread_mutex_unlock(&pic->lock);
	return intr;
}

/*
 * "Interrupt Sequence" and "Cascade Mode": the master resolves; if it
 * picks a slave's IR the slave supplies the vector. A request gone by the
 * acknowledge gets the chip's IR7 vector with no ISR bit set ("Interrupt
 * Sequence": default IR7); the master's own part of the cycle still
 * happens when only the slave's request vanished, so software EOIs the
 * master for a spurious IRQ 15.
 */
unsigned int pic_acknowledge(struct pic *pic)
{
	struct pic_chip *master = &pic->master, *slave = &pic->slave;
	bool intr = pic_lock(pic);
	int ir = chip_pending_ir(master);
	unsigned int vector;

	if (ir < 0) {
		vector = master->vector_base + PIC_SPURIOUS_IR;
	} else if (chip_cascade_irs(master) & (1u << ir)) {
		chip_acknowledge(master, ir);
		ir = chip_pending_ir(slave);
		if (ir < 0) {
			vector = slave->vector_base + PIC_SPURIOUS_IR;
		} else {
			slave_acknowledge(pic, ir);
			vector = slave->vector_base + ir;
		}
	} else {
		chip_acknowledge(master, ir);
		vector = master->vector_base + ir;
	}
	pic_unlock(pic, intr);
	return vector;
}

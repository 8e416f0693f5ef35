// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8254 programmable interval timer and the PC's port 0x61.
 *
 * No host timer steps the counters. Each counter keeps its state as of
 * the last CLK pulse it has accounted for, and every access first brings
 * it up to date with closed-form arithmetic over the pulses since; CLK is
 * PIT_HZ on the host's CLOCK_MONOTONIC. Only channel 0's OUT, which is
 * IRQ 0, needs a thread: it sleeps until OUT's next rising edge and
 * raises the interrupt then.
 *
 * Section names below are those of the Intel 8254 datasheet.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include "pit.h"

#define PIT_BASE		0x40
#define PIT_PORTS		4
#define PIT_CONTROL_PORT	3
#define PIT_CHANNELS		3
#define PORT_B			0x61

#define NSEC_PER_SEC		1000000000ull
#define PIT_NEVER		UINT64_MAX

/* "Control Word Format" */
#define CW_SELECT(cw)		((cw) >> 6)
#define CW_ACCESS(cw)		(((cw) >> 4) & 3)
#define CW_MODE(cw)		(((cw) >> 1) & 7)
#define CW_BCD			0x01
#define SELECT_READ_BACK	3

/* "Read-Back Command": the bits are active low. */
#define READ_BACK_NO_COUNT	0x20
#define READ_BACK_NO_STATUS	0x10
#define READ_BACK_COUNTER(n)	(0x02 << (n))

/* "Status Byte" */
#define STATUS_OUT		0x80
#define STATUS_NULL_COUNT	0x40
#define STATUS_ACCESS_SHIFT	4
#define STATUS_MODE_SHIFT	1

/* The RW1/RW0 bits of a control word; 0 is the counter latch command. */
enum pit_access {
	ACCESS_LATCH	= 0,
	ACCESS_LSB	= 1,
	ACCESS_MSB	= 2,
	ACCESS_WORD	= 3,
};

/*
 * Port 0x61, the PC's system control port B: bits 0-3 read back what was
 * written (channel 2's GATE, the speaker data enable, and the parity and
 * I/O check enables, which have nothing to gate here); bit 4 toggles with
 * each DRAM refresh request, bit 5 is channel 2's OUT; bits 6-7 (parity
 * and I/O check errors) never occur.
 */
#define PORT_B_GATE2		0x01
#define PORT_B_WRITABLE		0x0f
#define PORT_B_REFRESH		0x10
#define PORT_B_OUT2		0x20
/* The PC/AT requests a refresh every 18 CLK pulses (15.09 us). */
#define REFRESH_PULSES		18

#define BINARY_MODULUS		0x10000
#define BCD_MODULUS		10000

/*
 * Host protection: the thread raises IRQ 0 at most this often, however
 * short a period the guest programs (count 2 would ask for 596 kHz);
 * faster edges coalesce, and a one-shot due sooner after the last
 * interrupt comes this late at most.
 */
#define PIT_MIN_IRQ_INTERVAL_NS	20000

struct pit_channel {
	/* What the control word selected */
	uint8_t mode_bits;	/* M2-M0 as written, for the status byte */
	uint8_t mode;		/* the mode they select: 6, 7 are 2, 3 */
	uint8_t access;
	bool bcd;
	bool gate;
	/* The count register (CR) and the byte flip-flops */
	bool cr_written;	/* since the control word */
	uint32_t cr_pulses;	/* CR in CLK pulses: 0 is the modulus */
	uint8_t cr_lsb;
	bool write_msb_next;
	bool read_msb_next;
	/* The output latch */
	bool count_latched;
	uint16_t latched_count;
	uint8_t latched_reads_left;
	bool status_latched;
	uint8_t latched_status;
	/* The counting element (CE) as of CLK pulse @tick */
	uint64_t tick;
	bool null_count;
	bool loaded;		/* since the control word */
	bool load_pending;	/* the next pulse loads CR into CE */
	bool new_count_pending;	/* modes 2, 3: CR waits for the period */
	uint32_t n;		/* the count loaded, in pulses */
	uint64_t elapsed;	/* modes 0, 1, 4, 5: pulses since the load */
	uint32_t pos;		/* modes 2, 3: pulses into the period */
	uint32_t held;		/* CE while no count is loaded */
};

struct pit {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct pit_channel channels[PIT_CHANNELS];
	uint8_t port_b;
	struct irq_line irq0;
	uint64_t (*now_ns)(void *ctx);
	void *clock_ctx;
	/* Channel 0's next rising edge (a CLK pulse) and one not raised */
	uint64_t irq0_next_tick;
	bool irq0_missed;
	/* Bumped when the next edge moves, so the thread looks again */
	unsigned int irq0_generation;
	bool thread_started;
	bool stopping;
	pthread_t thread;
};

static uint64_t monotonic_ns(void *ctx)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* CLK pulses up to @ns; pulse k happens at tick_to_ns(k). */
static uint64_t ns_to_tick(uint64_t ns)
{
	return (__uint128_t)ns * PIT_HZ / NSEC_PER_SEC;
}

static uint64_t tick_to_ns(uint64_t tick)
{
	__uint128_t ns;

	if (tick == PIT_NEVER)
		return PIT_NEVER;
	ns = ((__uint128_t)tick * NSEC_PER_SEC + PIT_HZ - 1) / PIT_HZ;
	return ns < PIT_NEVER ? (uint64_t)ns : PIT_NEVER;
}

static uint64_t pit_now_tick(struct pit *pit)
{
	return ns_to_tick(pit->now_ns(pit->clock_ctx));
}

static uint32_t channel_modulus(const struct pit_channel *c)
{
	return c->bcd ? BCD_MODULUS : BINARY_MODULUS;
}

/*
 * A count as CLK pulses: 0 stands for the modulus, 2^16 or 10^4 ("Mode
 * Definitions": the maximum count). A BCD count with digits above 9 is
 * taken digit by digit; that is well defined, if not what a chip does.
 */
static uint32_t count_pulses(uint16_t raw, bool bcd)
{
	uint32_t value = raw;

	if (bcd)
		value = (raw >> 12 & 0xf) * 1000 + (raw >> 8 & 0xf) * 100 +
			(raw >> 4 & 0xf) * 10 + (raw & 0xf);
	return value ? value : (bcd ? BCD_MODULUS : BINARY_MODULUS);
}

static uint16_t to_bcd(uint32_t value)
{
	return (value / 1000 % 10) << 12 | (value / 100 % 10) << 8 |
	       (value / 10 % 10) << 4 | value % 10;
}

/* Mode 3 keeps OUT high for the first (N + 1) / 2 pulses of a period. */
static uint32_t square_high_pulses(uint32_t n)
{
	return (n + 1) / 2;
}

/*
 * The CE's value, before reduction to 16 bits or BCD. "Mode 3: Square
 * Wave Mode": the CE is loaded with N rounded down to even and counts by
 * two, each half of the period.
 */
static uint32_t channel_ce(const struct pit_channel *c)
{
	uint32_t modulus = channel_modulus(c);
	uint32_t high, half_pos;

	if (!c->loaded)
		return c->held;
	switch (c->mode) {
	case 2:
		return c->n - c->pos;
	case 3:
		high = square_high_pulses(c->n);
		half_pos = c->pos < high ? c->pos : c->pos - high;
		return (c->n & ~1u) - 2 * half_pos;
	default:
		/* Past terminal count the CE wraps and goes on counting. */
		return (c->n + modulus - c->elapsed % modulus) % modulus;
	}
}

static uint16_t channel_count(const struct pit_channel *c)
{
	uint32_t value = channel_ce(c) % channel_modulus(c);

	return c->bcd ? to_bcd(value) : value;
}

/*
 * OUT, per "Mode Definitions". A count of 1 is illegal in modes 2 and 3
 * ("Minimum and Maximum Initial Counts"): here it keeps OUT low in mode 2
 * and high in mode 3, so it never raises an interrupt.
 */
static bool channel_out(const struct pit_channel *c)
{
	switch (c->mode) {
	case 0:
		/* Low from the control word or a new count until TC. */
		return c->loaded && !c->load_pending && !c->write_msb_next &&
		       c->elapsed >= c->n;
	case 1:
		return !(c->loaded && c->elapsed < c->n);
	case 2:
		/* Low for the one pulse with CE = 1; GATE low forces high. */
		return !c->gate || !c->loaded || c->pos != c->n - 1;
	case 3:
		return !c->gate || !c->loaded ||
		       c->pos < square_high_pulses(c->n);
	default:
		/* Modes 4 and 5: a one-pulse low strobe at TC. */
		return !(c->loaded && c->elapsed == c->n);
	}
}

/*
 * "Gate": GATE low suspends counting in modes 0, 2, 3 and 4; modes 1
 * and 5 count regardless of its level. Mode 0 also stops while a
 * two-byte count is half written ("Mode 0 ... writing the first byte
 * disables counting").
 */
static bool channel_counting(const struct pit_channel *c)
{
	switch (c->mode) {
	case 0:
		return c->gate && !c->write_msb_next;
	case 1:
	case 5:
		return true;
	default:
		return c->gate;
	}
}

static void channel_load(struct pit_channel *c)
{
	c->n = c->cr_pulses;
	c->elapsed = 0;
	c->pos = 0;
	c->loaded = true;
	c->load_pending = false;
	c->new_count_pending = false;
	c->null_count = false;
}

/* "Mode 2: Rate Generator": a new count loads when the period ends. */
static void rate_advance(struct pit_channel *c, uint64_t pulses)
{
	uint32_t to_reload = c->n - c->pos;

	if (c->new_count_pending && pulses >= to_reload) {
		pulses -= to_reload;
		channel_load(c);
	}
	c->pos = (c->pos + pulses % c->n) % c->n;
}

/* "Mode 3: Square Wave Mode": a new count loads when a half ends. */
static void square_advance(struct pit_channel *c, uint64_t pulses)
{
	if (c->new_count_pending) {
		uint32_t high = square_high_pulses(c->n);
		uint32_t half_end = c->pos < high ? high : c->n;

		if (pulses >= half_end - c->pos) {
			pulses -= half_end - c->pos;
			channel_load(c);
			/* The new count starts with its low half. */
			if (half_end == high)
				c->pos = square_high_pulses(c->n) % c->n;
		}
	}
	c->pos = (c->pos + pulses % c->n) % c->n;
}

/*
 * Brings the channel up to CLK pulse @tick. "Counter": a count written
 * (or a trigger) loads into the CE on the next pulse, and each pulse
 * after that decrements it while counting is enabled.
 */
static void channel_advance(struct pit_channel *c, uint64_t tick)
{
	uint64_t pulses;

	if (tick <= c->tick)
		return;
	pulses = tick - c->tick;
	c->tick = tick;
	if (c->load_pending) {
		channel_load(c);
		pulses--;
	}
	if (!c->loaded || !pulses || !channel_counting(c))
		return;
	switch (c->mode) {
	case 2:
		rate_advance(c, pulses);
		break;
	case 3:
		square_advance(c, pulses);
		break;
	default:
		c->elapsed += pulses;
		break;
	}
}

static uint64_t square_next_rise(const struct pit_channel *c)
{
	uint32_t high = square_high_pulses(c->n);
	uint32_t next_n = c->new_count_pending ? c->cr_pulses : c->n;
	uint32_t next_low = next_n - square_high_pulses(next_n);

	if (c->pos >= high)
		return c->tick + (c->n - c->pos);
	/* A count of 1 never goes low, so never rises. */
	if (!next_low)
		return PIT_NEVER;
	return c->tick + (high - c->pos) + next_low;
}

/* The pulse at which OUT next rises, if nothing reprograms the channel. */
static uint64_t channel_next_rise(const struct pit_channel *c)
{
	struct pit_channel s = *c;
	uint32_t next_n;

	if (s.load_pending)
		channel_advance(&s, s.tick + 1);
	if (!s.loaded || !channel_counting(&s))
		return PIT_NEVER;
	switch (s.mode) {
	case 0:
	case 1:
		/* OUT rises at terminal count. */
		return s.elapsed < s.n ? s.tick + (s.n - s.elapsed) :
					 PIT_NEVER;
	case 2:
		/* At the reload, unless the count is 1: OUT then stays low. */
		next_n = s.new_count_pending ? s.cr_pulses : s.n;
		return next_n > 1 ? s.tick + (s.n - s.pos) : PIT_NEVER;
	case 3:
		return square_next_rise(&s);
	default:
		/* Modes 4 and 5: at the end of the strobe, a pulse after TC. */
		return s.elapsed <= s.n ? s.tick + (s.n + 1 - s.elapsed) :
					  PIT_NEVER;
	}
}

static uint8_t channel_status(const struct pit_channel *c)
{
	return (channel_out(c) ? STATUS_OUT : 0) |
	       (c->null_count ? STATUS_NULL_COUNT : 0) |
	       c->access << STATUS_ACCESS_SHIFT |
	       c->mode_bits << STATUS_MODE_SHIFT | (c->bcd ? CW_BCD : 0);
}

/*
 * "Counter Latch Command": the count holds until read (both bytes of a
 * two-byte count) or until the counter is reprogrammed; latching again
 * before that does nothing.
 */
static void channel_latch_count(struct pit_channel *c)
{
	if (c->count_latched)
		return;
	c->count_latched = true;
	c->latched_count = channel_count(c);
	c->latched_reads_left = c->access == ACCESS_WORD ? 2 : 1;
}

static void channel_latch_status(struct pit_channel *c)
{
	if (c->status_latched)
		return;
	c->status_latched = true;
	c->latched_status = channel_status(c);
}

/*
 * "Write Operations": a control word resets the counter's logic, sets OUT
 * to its mode's initial level and waits for a count. The CE keeps the
 * value it had until a count loads.
 */
static void channel_program(struct pit_channel *c, uint8_t cw)
{
	c->held = channel_ce(c);
	c->access = CW_ACCESS(cw);
	c->mode_bits = CW_MODE(cw);
	c->mode = c->mode_bits & 2 ? c->mode_bits & 3 : c->mode_bits;
	c->bcd = cw & CW_BCD;
	c->cr_written = false;
	c->write_msb_next = false;
	c->read_msb_next = false;
	c->count_latched = false;
	c->status_latched = false;
	c->null_count = true;
	c->loaded = false;
	c->load_pending = false;
	c->new_count_pending = false;
}

/*
 * A complete count in the CR: modes 0 and 4 load it on the next pulse and
 * start over; modes 1 and 5 wait for a trigger on GATE; modes 2 and 3
 * load the first count on the next pulse and later ones when the period
 * (mode 2) or half period (mode 3) ends.
 */
static void channel_set_count(struct pit_channel *c, uint16_t raw)
{
	c->cr_pulses = count_pulses(raw, c->bcd);
	c->cr_written = true;
	c->null_count = true;
	switch (c->mode) {
	case 1:
	case 5:
		break;
	case 2:
	case 3:
		c->new_count_pending = c->loaded;
		c->load_pending = !c->loaded;
		break;
	default:
		c->load_pending = true;
		break;
	}
}

static void channel_write(struct pit_channel *c, uint8_t val)
{
	switch (c->access) {
	case ACCESS_LSB:
		channel_set_count(c, val);
		break;
	case ACCESS_MSB:
		channel_set_count(c, val << 8);
		break;
	default:
		if (!c->write_msb_next) {
			c->cr_lsb = val;
			c->write_msb_next = true;
		} else {
			c->write_msb_next = false;
			channel_set_count(c, c->cr_lsb | val << 8);
		}
		break;
	}
}

/*
 * "Read Operations": a latched status comes first, then a latched count,
 * else the live CE; a two-byte access alternates LSB and MSB with a
 * flip-flop of its own, apart from the write one.
 */
static uint8_t channel_read(struct pit_channel *c)
{
	uint16_t value;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->latched_status;
	}
	value = c->count_latched ? c->latched_count : channel_count(c);
	switch (c->access) {
	case ACCESS_LSB:
		msb = false;
		break;
	case ACCESS_MSB:
		msb = true;
		break;
	default:
		msb = c->read_msb_next;
		c->read_msb_next = !msb;
		break;
	}
	if (c->count_latched && !--c->latched_reads_left)
		c->count_latched = false;
	return msb ? value >> 8 : value & 0xff;
}

/*
 * "Gate": a rising GATE triggers modes 1 and 5 and restarts modes 2 and
 * 3, the CE loading on the next pulse; in modes 0 and 4 GATE only
 * enables counting.
 */
static void channel_set_gate(struct pit_channel *c, bool gate)
{
	bool rising = gate && !c->gate;

	c->gate = gate;
	if (rising && c->cr_written && c->mode != 0 && c->mode != 4)
		c->load_pending = true;
}

/*
 * Channel 0 was reprogrammed at @tick: an edge that was due by then and
 * not raised yet (the thread runs late) still is, and the next one moves.
 */
static void irq0_reschedule(struct pit *pit, uint64_t tick)
{
	if (pit->irq0_next_tick <= tick)
		pit->irq0_missed = true;
	pit->irq0_next_tick = channel_next_rise(&pit->channels[0]);
	pit->irq0_generation++;
	pthread_cond_signal(&pit->wake);
}

static void pit_read_back(struct pit *pit, uint8_t cw, uint64_t tick)
{
	unsigned int i;

	for (i = 0; i < PIT_CHANNELS; i++) {
		struct pit_channel *c = &pit->channels[i];

		if (!(cw & READ_BACK_COUNTER(i)))
			continue;
		channel_advance(c, tick);
		if (!(cw & READ_BACK_NO_COUNT))
			channel_latch_count(c);
		if (!(cw & READ_BACK_NO_STATUS))
			channel_latch_status(c);
	}
}

static void pit_control(struct pit *pit, uint8_t cw, uint64_t tick)
{
	unsigned int select = CW_SELECT(cw);
	struct pit_channel *c;

	if (select == SELECT_READ_BACK) {
		pit_read_back(pit, cw, tick);
		return;
	}
	c = &pit->channels[select];
	channel_advance(c, tick);
	if (CW_ACCESS(cw) == ACCESS_LATCH) {
		channel_latch_count(c);
		return;
	}
	channel_program(c, cw);
	if (select == 0)
		irq0_reschedule(pit, tick);
}

/* Wider accesses are split into byte cycles, lowest port first. */
static void pit_port_read(void *dev, uint64_t offset, void *data,
			  uint32_t len)
{
	struct pit *pit = dev;
	uint8_t *bytes = data;
	uint64_t tick;
	uint32_t i;

	pthread_mutex_lock(&pit->lock);
	tick = pit_now_tick(pit);
	for (i = 0; i < len; i++) {
		unsigned int port = offset + i;

		/*
		 * "Read/Write Operations Summary": a read of the control
		 * word register is a no-operation; nothing drives the bus.
		 */
		if (port == PIT_CONTROL_PORT) {
			bytes[i] = 0xff;
		} else {
			channel_advance(&pit->channels[port], tick);
			bytes[i] = channel_read(&pit->channels[port]);
		}
	}
	pthread_mutex_unlock(&pit->lock);
}

static void pit_port_write(void *dev, uint64_t offset, const void *data,
			   uint32_t len)
{
	struct pit *pit = dev;
	const uint8_t *bytes = data;
	uint64_t tick;
	uint32_t i;

	pthread_mutex_lock(&pit->lock);
	tick = pit_now_tick(pit);
	for (i = 0; i < len; i++) {
		unsigned int port = offset + i;

		if (port == PIT_CONTROL_PORT) {
			pit_control(pit, bytes[i], tick);
			continue;
		}
		channel_advance(&pit->channels[port], tick);
		channel_write(&pit->channels[port], bytes[i]);
		if (port == 0)
			irq0_reschedule(pit, tick);
	}
	pthread_mutex_unlock(&pit->lock);
}

static const struct bus_ops pit_ops = {
	.read = pit_port_read,
	.write = pit_port_write,
};

static void port_b_read(void *dev, uint64_t offset, void *data, uint32_t len)
{
	struct pit *pit = dev;
	struct pit_channel *c = &pit->channels[2];
	uint8_t *bytes = data;
	uint8_t val;
	uint64_t tick;
	uint32_t i;

	pthread_mutex_lock(&pit->lock);
	tick = pit_now_tick(pit);
	channel_advance(c, tick);
	val = pit->port_b | (tick / REFRESH_PULSES % 2 ? PORT_B_REFRESH : 0) |
	      (channel_out(c) ? PORT_B_OUT2 : 0);
	pthread_mutex_unlock(&pit->lock);
	for (i = 0; i < len; i++)
		bytes[i] = val;
}

static void port_b_write(void *dev, uint64_t offset, const void *data,
			 uint32_t len)
{
	struct pit *pit = dev;
	const uint8_t *bytes = data;
	uint32_t i;

	pthread_mutex_lock(&pit->lock);
	channel_advance(&pit->channels[2], pit_now_tick(pit));
	for (i = 0; i < len; i++) {
		pit->port_b = bytes[i] & PORT_B_WRITABLE;
		channel_set_gate(&pit->channels[2], bytes[i] & PORT_B_GATE2);
	}
	pthread_mutex_unlock(&pit->lock);
}

static const struct bus_ops port_b_ops = {
	.read = port_b_read,
	.write = port_b_write,
};

/*
 * What the timer thread does each time it wakes: raise IRQ 0 once if
 * channel 0's OUT has risen since it last looked, however many times (a
 * late host coalesces the ticks it missed into one), and say when to look
 * next: *@next_ns on the PIT's clock, PIT_NEVER for not until
 * reprogrammed, and the generation that answer belongs to.
 */
static bool pit_fire_irq0(struct pit *pit, uint64_t *next_ns,
			  unsigned int *generation)
{
	struct pit_channel *c = &pit->channels[0];
	uint64_t tick;
	bool due;

	pthread_mutex_lock(&pit->lock);
	tick = pit_now_tick(pit);
	due = pit->irq0_missed || pit->irq0_next_tick <= tick;
	if (due) {
		channel_advance(c, tick);
		pit->irq0_missed = false;
		pit->irq0_next_tick = channel_next_rise(c);
	}
	*next_ns = tick_to_ns(pit->irq0_next_tick);
	*generation = pit->irq0_generation;
	pthread_mutex_unlock(&pit->lock);
	if (due)
		irq_line_pulse(&pit->irq0);
	return due;
}

/*
 * Sleeps until @deadline_ns on the PIT's clock, or until channel 0's next
 * edge moves; false once the PIT is being destroyed.
 */
static bool pit_sleep(struct pit *pit, uint64_t deadline_ns,
		      unsigned int generation)
{
	struct timespec until;
	bool running;

	if (deadline_ns != PIT_NEVER) {
		uint64_t now = pit->now_ns(pit->clock_ctx);
		uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;
		uint64_t at = monotonic_ns(NULL) + wait;

		until.tv_sec = at / NSEC_PER_SEC;
		until.tv_nsec = at % NSEC_PER_SEC;
	}
	pthread_mutex_lock(&pit->lock);
	while (!pit->stopping && pit->irq0_generation == generation) {
		if (deadline_ns == PIT_NEVER)
			pthread_cond_wait(&pit->wake, &pit->lock);
		else if (pthread_cond_timedwait(&pit->wake, &pit->lock,
						&until) == ETIMEDOUT)
			break;
	}
	running = !pit->stopping;
	pthread_mutex_unlock(&pit->lock);
	return running;
}

static void *pit_thread(void *arg)
{
	struct pit *pit = arg;
	uint64_t not_before = 0, next_ns;
	unsigned int generation;

	do {
		if (pit_fire_irq0(pit, &next_ns, &generation))
			not_before = pit->now_ns(pit->clock_ctx) +
				     PIT_MIN_IRQ_INTERVAL_NS;
		if (next_ns < not_before)
			next_ns = not_before;
	} while (pit_sleep(pit, next_ns, generation));
	return NULL;
}

/* The same as pit_create(), on the clock @now_ns gives. */
static struct pit *pit_create_clock(const struct irq_line *irq0,
				    uint64_t (*now_ns)(void *ctx), void *ctx)
{
	struct pit *pit = calloc(1, sizeof(*pit));
	pthread_condattr_t attr;
	uint64_t tick;
	unsigned int i;

	if (!pit)
		return NULL;
	if (pthread_mutex_init(&pit->lock, NULL))
		goto free_pit;
	if (pthread_condattr_init(&attr))
		goto destroy_mutex;
	if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
	    pthread_cond_init(&pit->wake, &attr)) {
		pthread_condattr_destroy(&attr);
		goto destroy_mutex;
	}
	pthread_condattr_destroy(&attr);
	pit->irq0 = *irq0;
	pit->now_ns = now_ns;
	pit->clock_ctx = ctx;
	pit->irq0_next_tick = PIT_NEVER;
	/*
	 * The datasheet leaves the power-on state undefined: each counter
	 * starts as if programmed for mode 0, LSB then MSB, binary, and has
	 * no count. Channels 0 and 1 have GATE tied high on a PC.
	 */
	tick = pit_now_tick(pit);
	for (i = 0; i < PIT_CHANNELS; i++) {
		pit->channels[i].access = ACCESS_WORD;
		pit->channels[i].gate = i != 2;
		pit->channels[i].tick = tick;
	}
	return pit;

destroy_mutex:
	pthread_mutex_destroy(&pit->lock);
free_pit:
	free(pit);
	return NULL;
}

struct pit *pit_create(const struct irq_line *irq0)
{
	return pit_create_clock(irq0, monotonic_ns, NULL);
}

void pit_destroy(struct pit *pit)
{
	if (!pit)
		return;
	if (pit->thread_started) {
		pthread_mutex_lock(&pit->lock);
		pit->stopping = true;
		pthread_cond_signal(&pit->wake);
		pthread_mutex_unlock(&pit->lock);
		pthread_join(pit->thread, NULL);
	}
	pthread_cond_destroy(&pit->wake);
	pthread_mutex_destroy(&pit->lock);
	free(pit);
}

int pit_attach(struct pit *pit, struct bus *pio)
{
	int err;

	err = bus_claim(pio, PIT_BASE, PIT_PORTS, "pit", &pit_ops, pit);
	if (!err)
		err = bus_claim(pio, PORT_B, 1, "port-b", &port_b_ops, pit);
	return err;
}

int pit_start(struct pit *pit)
{
	int err;

	if (pit->thread_started)
		return -EBUSY;
	err = pthread_create(&pit->thread, NULL, pit_thread, pit);
	if (err)
		return -err;
	pit->thread_started = true;
	return 0;
}

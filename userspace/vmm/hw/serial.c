// SPDX-License-Identifier: GPL-2.0-only
/*
 * A 16550A UART, after the National Semiconductor PC16550D datasheet
 * (the TI TL16C550 one reads the same). Nothing here runs at a baud
 * rate: a byte written to THR is on the host at once, so the
 * transmitter is always empty, and a byte from the terminal is in the
 * receiver as soon as there is room for it. What the guest sees is a
 * very fast UART whose line never has errors.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include "serial.h"

/* Offsets from the base port ("Table II. Summary of Registers"). */
#define UART_RBR_THR	0	/* DLL with LCR.DLAB */
#define UART_IER	1	/* DLM with LCR.DLAB */
#define UART_IIR_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7
#define UART_NR_PORTS	8

#define IER_ERBFI	0x01	/* received data available */
#define IER_ETBEI	0x02	/* transmitter holding register empty */
#define IER_ELSI	0x04	/* receiver line status */
#define IER_EDSSI	0x08	/* modem status */
#define IER_MASK	0x0f	/* bits 4-7 are always 0 */

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_TIMEOUT	0x0c
#define IIR_FIFOS_ON	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_TRIGGER(v)	((v) >> 6)

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f	/* bits 5-7 are always 0 */

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_ERRORS	0x1e	/* OE PE FE BI, cleared by reading LSR */
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

#define UART_FIFO_SIZE	16

/*
 * What the modem inputs show outside loopback: a terminal that is
 * connected and ready (CTS, DSR, DCD) and no ring, so a guest that
 * waits for carrier or clear-to-send never waits.
 */
#define MODEM_INPUTS_CONNECTED	(MSR_CTS | MSR_DSR | MSR_DCD)

/* The datasheet leaves the divisor undefined at reset: 9600 baud. */
#define DIVISOR_AT_RESET	12

struct serial {
	pthread_mutex_t lock;
	/* Held while a byte goes to out_fd: keeps bytes in THR order. */
	pthread_mutex_t out_lock;
	struct irq_line irq;
	int out_fd;

	uint8_t ier;
	uint8_t lcr;
	uint8_t mcr;
	uint8_t scr;
	uint8_t dll;
	uint8_t dlm;
	uint8_t lsr_errors;
	uint8_t msr_deltas;
	bool fifos_on;
	uint8_t rx_trigger;		/* bytes that raise IIR_RDI */
	/* The THRE interrupt's own flag ("Table IV"). */
	bool thre_pending;
	bool irq_level;			/* as last driven */

	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head;
	unsigned int rx_count;
};

/* "FIFO Control Register": FCR bits 7:6 give 1, 4, 8 or 14 bytes. */
static const uint8_t rx_trigger_levels[4] = { 1, 4, 8, 14 };

static unsigned int rx_capacity(const struct serial *s)
{
	/* Without FIFOs the receiver holds one byte in RBR. */
	return s->fifos_on ? UART_FIFO_SIZE : 1;
}

static void rx_push(struct serial *s, uint8_t byte)
{
	s->rx[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = byte;
	s->rx_count++;
}

static uint8_t rx_pop(struct serial *s)
{
	uint8_t byte;

	if (!s->rx_count)
		return 0;	/* nothing received: no defined value */
	byte = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
	s->rx_count--;
	return byte;
}

static void rx_clear(struct serial *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
}

/*
 * The four modem inputs in MSR bits 7:4. In loopback ("Modem Control
 * Register", bit 4) they are wired to the MCR outputs: DTR to DSR, RTS
 * to CTS, OUT1 to RI and OUT2 to DCD.
 */
static uint8_t modem_inputs(const struct serial *s)
{
	uint8_t in = 0;

	if (!(s->mcr & MCR_LOOP))
		return MODEM_INPUTS_CONNECTED;
	if (s->mcr & MCR_DTR)
		in |= MSR_DSR;
	if (s->mcr & MCR_RTS)
		in |= MSR_CTS;
	if (s->mcr & MCR_OUT1)
		in |= MSR_RI;
	if (s->mcr & MCR_OUT2)
		in |= MSR_DCD;
	return in;
}

/*
 * "Modem Status Register": bits 0, 1 and 3 note any change of CTS, DSR
 * and DCD; bit 2 (TERI) only RI going from on to off.
 */
static void note_modem_change(struct serial *s, uint8_t before, uint8_t after)
{
	uint8_t changed = before ^ after;

	if (changed & MSR_CTS)
		s->msr_deltas |= MSR_DCTS;
	if (changed & MSR_DSR)
		s->msr_deltas |= MSR_DDSR;
	if (changed & MSR_DCD)
		s->msr_deltas |= MSR_DDCD;
	if ((before & MSR_RI) && !(after & MSR_RI))
		s->msr_deltas |= MSR_TERI;
}

/*
 * The highest-priority pending interrupt as IIR bits 3:0 ("Table IV.
 * Interrupt Control Functions"): receiver line status, then received
 * data, then THR empty, then modem status.
 */
static uint8_t pending_interrupt(const struct serial *s)
{
	if ((s->ier & IER_ELSI) && (s->lsr_errors & LSR_ERRORS))
		return IIR_RLSI;
	if ((s->ier & IER_ERBFI) && s->rx_count) {
		/*
		 * With FIFOs on, data below the trigger level is reported
		 * as a character timeout once no byte has arrived for four
		 * character times. Our bytes arrive in bursts that are over
		 * when serial_receive() returns, and there is no character
		 * time, so the timeout is due at once.
		 */
		if (s->fifos_on && s->rx_count < s->rx_trigger)
			return IIR_TIMEOUT;
		return IIR_RDI;
	}
	if ((s->ier & IER_ETBEI) && s->thre_pending)
		return IIR_THRI;
	if ((s->ier & IER_EDSSI) && s->msr_deltas)
		return IIR_MSI;
	return IIR_NO_INT;
}

/*
 * Called with the lock held after every change of state. The UART's
 * INTR pin reaches the PIC through a buffer that OUT2 enables (the
 * PC's wiring of the 8250 family); in loopback the datasheet forces
 * OUT2 to its inactive state, so no interrupt leaves the chip then.
 *
 * The line is driven under our lock so the PIC sees the levels in the
 * order the state changed. That is safe: the line's set() never calls
 * back into this device (the PIC takes its own lock and only wakes a
 * vCPU; the in-kernel irqchip is an ioctl).
 */
static void update_irq(struct serial *s)
{
	bool level = pending_interrupt(s) != IIR_NO_INT &&
		     (s->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;

	if (level != s->irq_level) {
		s->irq_level = level;
		irq_line_set(&s->irq, level);
	}
}

/*
 * "Line Status Register", OE: in FIFO mode a byte that finds the FIFO
 * full is lost; without FIFOs it overwrites the unread byte in RBR.
 * Only loopback can get here: the terminal gets no more than fits.
 */
static void loop_back(struct serial *s, uint8_t byte)
{
	if (s->rx_count < rx_capacity(s)) {
		rx_push(s, byte);
		return;
	}
	s->lsr_errors |= LSR_OE;
	if (!s->fifos_on)
		s->rx[s->rx_head] = byte;
}

static void write_fcr(struct serial *s, uint8_t value)
{
	bool enable = value & FCR_ENABLE;

	/*
	 * "FIFO Control Register": changing FCR0 empties both FIFOs, and
	 * the other bits only take with FCR0 set. The transmitter FIFO
	 * is always empty here, so FCR2 has nothing to clear; DMA mode
	 * (FCR3) only changes the RXRDY/TXRDY pins, which a PC leaves
	 * unconnected.
	 */
	if (enable != s->fifos_on) {
		rx_clear(s);
		s->fifos_on = enable;
	}
	if (!enable)
		return;
	if (value & FCR_CLEAR_RX)
		rx_clear(s);
	s->rx_trigger = rx_trigger_levels[FCR_TRIGGER(value)];
}

static void write_ier(struct serial *s, uint8_t value)
{
	bool was_on = s->ier & IER_ETBEI;

	s->ier = value & IER_MASK;
	/*
	 * Turning ETBEI on while THR is empty (as it always is here)
	 * raises the THRE interrupt at once; Linux's 8250 startup tests
	 * for exactly this.
	 */
	if (!was_on && (s->ier & IER_ETBEI))
		s->thre_pending = true;
}

static void write_mcr(struct serial *s, uint8_t value)
{
	uint8_t before = modem_inputs(s);

	s->mcr = value & MCR_MASK;
	note_modem_change(s, before, modem_inputs(s));
}

/* Returns true when @value is a byte for out_fd. */
static bool write_reg(struct serial *s, unsigned int reg, uint8_t value)
{
	bool dlab = s->lcr & LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR:
		if (dlab) {
			s->dll = value;
			return false;
		}
		/*
		 * "Table IV": writing THR clears the THRE interrupt, but the
		 * byte leaves at once and THR is empty again, which raises
		 * it anew; that is what keeps an interrupt-driven transmitter
		 * going.
		 */
		s->thre_pending = true;
		if (s->mcr & MCR_LOOP) {
			loop_back(s, value);
			return false;
		}
		return true;
	case UART_IER:
		if (dlab)
			s->dlm = value;
		else
			write_ier(s, value);
		break;
	case UART_IIR_FCR:
		/* Whatever LCR holds: a 16550A has no EFR behind LCR=0xbf. */
		write_fcr(s, value);
		break;
	case UART_LCR:
		s->lcr = value;
		break;
	case UART_MCR:
		write_mcr(s, value);
		break;
	case UART_SCR:
		s->scr = value;
		break;
	default:
		/* LSR and MSR: the datasheet reserves writes for testing. */
		break;
	}
	return false;
}

static uint8_t read_iir(struct serial *s)
{
	uint8_t iir = pending_interrupt(s);

	/* "Table IV": reading IIR clears THRE when that is its source. */
	if (iir == IIR_THRI)
		s->thre_pending = false;
	return iir | (s->fifos_on ? IIR_FIFOS_ON : 0);
}

static uint8_t read_reg(struct serial *s, unsigned int reg)
{
	bool dlab = s->lcr & LCR_DLAB;
	uint8_t value;

	switch (reg) {
	case UART_RBR_THR:
		return dlab ? s->dll : rx_pop(s);
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR_FCR:
		return read_iir(s);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		/* The transmitter is never busy: THRE and TEMT stay set. */
		value = s->lsr_errors | LSR_THRE | LSR_TEMT;
		if (s->rx_count)
			value |= LSR_DR;
		s->lsr_errors = 0;
		return value;
	case UART_MSR:
		value = modem_inputs(s) | s->msr_deltas;
		s->msr_deltas = 0;
		return value;
	default:
		return s->scr;
	}
}

/* Output may block (a stopped terminal); a failed write loses the byte. */
static void emit(int fd, uint8_t byte)
{
	ssize_t n;

	if (fd < 0)
		return;
	do {
		n = write(fd, &byte, 1);
	} while (n < 0 && errno == EINTR);
}

/*
 * The UART is an 8-bit ISA device: a wider access reaches it as one
 * byte access per port, from the lowest port up, as the bus splits it.
 */
static void serial_bus_read(void *dev, uint64_t offset, void *data,
			    uint32_t len)
{
	struct serial *s = dev;
	uint8_t *bytes = data;
	uint32_t i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < len; i++)
		bytes[i] = read_reg(s, (offset + i) % UART_NR_PORTS);
	update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

static void serial_bus_write(void *dev, uint64_t offset, const void *data,
			     uint32_t len)
{
	struct serial *s = dev;
	const uint8_t *bytes = data;
	uint32_t i;

	for (i = 0; i < len; i++) {
		bool out;

		pthread_mutex_lock(&s->lock);
		out = write_reg(s, (offset + i) % UART_NR_PORTS, bytes[i]);
		update_irq(s);
		if (out)
			pthread_mutex_lock(&s->out_lock);
		pthread_mutex_unlock(&s->lock);
		if (out) {
			/*
			 * Outside the device lock, so the terminal thread is
			 * not held up by a slow out_fd; out_lock, taken before
			 * the device lock was dropped, keeps the order.
			 */
			emit(s->out_fd, bytes[i]);
			pthread_mutex_unlock(&s->out_lock);
		}
	}
}

static const struct bus_ops serial_bus_ops = {
	.read = serial_bus_read,
	.write = serial_bus_write,
};

size_t serial_receive(void *dev, const uint8_t *buf, size_t len)
{
	struct serial *s = dev;
	size_t taken = 0;

	pthread_mutex_lock(&s->lock);
	/* In loopback the serial input pin is disconnected. */
	if (!(s->mcr & MCR_LOOP)) {
		while (taken < len && s->rx_count < rx_capacity(s))
			rx_push(s, buf[taken++]);
		update_irq(s);
	}
	pthread_mutex_unlock(&s->lock);
	return taken;
}

struct serial *serial_create(const struct irq_line *irq, int out_fd)
{
	struct serial *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->out_lock, NULL);
	s->irq = *irq;
	s->out_fd = out_fd;
	s->dll = DIVISOR_AT_RESET;
	s->rx_trigger = rx_trigger_levels[0];
	return s;
}

void serial_destroy(struct serial *serial)
{
	if (!serial)
		return;
	pthread_mutex_destroy(&serial->out_lock);
	pthread_mutex_destroy(&serial->lock);
	free(serial);
}

int serial_attach(struct serial *serial, struct bus *pio, uint16_t base)
{
	return bus_claim(pio, base, UART_NR_PORTS, "serial", &serial_bus_ops,
			 serial);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ACPI fixed hardware (userspace/vmm/hw/acpi_pm.c) on a port bus, as
 * the FADT in acpi.c describes it: PM1 control with SLP_TYP/SLP_EN
 * (ACPI 6.5, "4.8.3.2.1 PM1 Control Registers"), SCI_EN, PM1 enable,
 * the reset register ("4.8.3.6 Reset Register") and the 32-bit PM timer
 * ("4.8.3.3 Power Management Timer"). The timer runs off the host's
 * clock; the test reads that clock around each read instead of timing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../lib/tap.h"
#include "acpi.h"
#include "bus.h"
#include "hw/acpi_pm.h"

#define SCI_EN		(1U << 0)
#define SLP_TYP(t)	((uint32_t)(t) << 10)
#define SLP_EN		(1U << 13)

static struct bus pio;
static struct acpi_pm *pm;

struct calls {
	unsigned int power_offs;
	unsigned int resets;
};

static struct calls calls;

/*
 * Both callbacks read PM1 control back through the bus: a device that
 * called out with its lock held would deadlock here (the alarm ends it).
 */
static void on_power_off(void *ctx)
{
	struct calls *c = ctx;
	uint8_t v[2];

	c->power_offs++;
	bus_access(&pio, ACPI_PM1A_CNT, v, 2, false);
}

static void on_reset(void *ctx)
{
	struct calls *c = ctx;
	uint8_t v[2];

	c->resets++;
	bus_access(&pio, ACPI_PM1A_CNT, v, 2, false);
}

static const struct acpi_pm_ops ops = {
	.power_off = on_power_off,
	.reset = on_reset,
};

static void out(uint16_t port, uint32_t v, uint32_t len)
{
	uint8_t data[4] = { v, v >> 8, v >> 16, v >> 24 };

	if (!bus_access(&pio, port, data, len, true)) {
		tap_diag("nobody at port %#x", port);
		exit(1);
	}
}

static uint32_t in(uint16_t port, uint32_t len)
{
	uint8_t data[8];
	uint32_t v = 0;

	memset(data, 0xee, sizeof(data));
	if (!bus_access(&pio, port, data, len, false)) {
		tap_diag("nobody at port %#x", port);
		exit(1);
	}
	if (data[len] != 0xee) {
		tap_diag("a %u-byte read at %#x wrote more", len, port);
		exit(1);
	}
	while (len--)
		v = v << 8 | data[len];
	return v;
}

static void test_attach(void)
{
	bool ok;

	ok = bus_find(&pio, ACPI_PM_BASE, 1) &&
	     bus_find(&pio, ACPI_PM_BASE + ACPI_PM_SIZE - 1, 1) &&
	     !bus_find(&pio, ACPI_PM_BASE - 1, 1) &&
	     !bus_find(&pio, ACPI_PM_BASE + ACPI_PM_SIZE, 1);
	ok = tap_check_u64("second attach", acpi_pm_attach(pm, &pio),
			   -EBUSY) && ok;
	tap_result(ok, "attach claims exactly the block");
}

struct cnt_case {
	const char *name;
	uint32_t value;
	uint32_t len;
	unsigned int power_offs;
};

static const struct cnt_case cnt_cases[] = {
	{ "SLP_TYP 5 with SLP_EN powers off", SLP_TYP(5) | SLP_EN, 2, 1 },
	{ "with SCI_EN too", SLP_TYP(5) | SLP_EN | SCI_EN, 2, 1 },
	{ "as a dword", SLP_TYP(5) | SLP_EN, 4, 1 },
	{ "with bits above", SLP_TYP(5) | SLP_EN | 0xc000, 2, 1 },
	{ "SLP_TYP 5 without SLP_EN", SLP_TYP(5), 2, 0 },
	{ "SLP_EN with SLP_TYP 0", SLP_TYP(0) | SLP_EN, 2, 0 },
	{ "SLP_EN with SLP_TYP 1", SLP_TYP(1) | SLP_EN, 2, 0 },
	{ "SLP_EN with SLP_TYP 4", SLP_TYP(4) | SLP_EN, 2, 0 },
	{ "SLP_EN with SLP_TYP 7", SLP_TYP(7) | SLP_EN, 2, 0 },
	{ "SCI_EN alone", SCI_EN, 2, 0 },
	{ "the low byte alone", (SLP_TYP(5) | SLP_EN) & 0xff, 1, 0 },
	{ "zero", 0, 2, 0 },
};

static void test_cnt_case(const struct cnt_case *c)
{
	uint32_t back;
	bool ok;

	calls = (struct calls){ 0 };
	out(ACPI_PM1A_CNT, c->value, c->len);
	ok = tap_check_u64("power_off calls", calls.power_offs, c->power_offs);
	ok = tap_check_u64("reset calls", calls.resets, 0) && ok;
	/* SLP_EN is write-only; SCI_EN always reads 1. */
	back = in(ACPI_PM1A_CNT, 2);
	ok = tap_check_u64("SLP_EN reads", back & SLP_EN, 0) && ok;
	ok = tap_check_u64("SCI_EN reads", back & SCI_EN, SCI_EN) && ok;
	if (c->len > 1)
		ok = tap_check_u64("SLP_TYP reads back", back & SLP_TYP(7),
				   c->value & SLP_TYP(7)) && ok;
	tap_result(ok, "PM1 control: %s", c->name);
}

struct reset_case {
	uint32_t value;
	uint32_t len;
	unsigned int resets;
};

static const struct reset_case reset_cases[] = {
	{ ACPI_RESET_VALUE, 1, 1 },
	{ 0x00, 1, 0 },
	{ 0x02, 1, 0 },
	{ 0x06, 1, 0 },
	{ 0x0e, 1, 0 },
	{ 0x11, 1, 0 },
	{ 0xff, 1, 0 },
};

static void test_reset_case(const struct reset_case *c)
{
	bool ok;

	calls = (struct calls){ 0 };
	out(ACPI_RESET_PORT, c->value, c->len);
	ok = tap_check_u64("reset calls", calls.resets, c->resets) &&
	     tap_check_u64("power_off calls", calls.power_offs, 0);
	tap_result(ok, "reset register: %#x", c->value);
}

static void test_pm1_event(void)
{
	bool ok;

	ok = tap_check_u64("SCI_EN at reset", in(ACPI_PM1A_CNT, 2) & SCI_EN,
			   SCI_EN);
	ok = tap_check_u64("PM1_STS", in(ACPI_PM1A_EVT, 2), 0) && ok;
	out(ACPI_PM1A_EVT, 0xffff, 2);		/* write-1-to-clear */
	ok = tap_check_u64("PM1_STS after a write", in(ACPI_PM1A_EVT, 2), 0) &&
	     ok;
	out(ACPI_PM1A_EVT + 2, 0x0121, 2);
	ok = tap_check_u64("PM1_EN", in(ACPI_PM1A_EVT + 2, 2), 0x0121) && ok;
	out(ACPI_PM1A_EVT + 2, 0, 2);
	ok = tap_check_u64("PM1_EN cleared", in(ACPI_PM1A_EVT + 2, 2), 0) &&
	     ok;
	ok = tap_check_u64("reset register reads", in(ACPI_RESET_PORT, 1),
			   0) && ok;
	ok = tap_check_u64("power_off calls", calls.power_offs, 0) && ok;
	tap_result(ok, "PM1 status reads 0, enable reads back, SCI_EN is 1");
}

/* The timer's value for CLOCK_MONOTONIC now, to 32 bits. */
static uint32_t ticks_now(void)
{
	struct timespec ts;
	__uint128_t ns;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (__uint128_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return ns * ACPI_PM_TIMER_HZ / 1000000000;
}

/* A read lies between the clock read just before and just after it. */
static void test_timer(void)
{
	const struct timespec ms = { 0, 1000000 };
	uint32_t before, v, after, first;
	unsigned int i;
	bool ok = true;

	first = in(ACPI_PM_TMR, 4);
	for (i = 0; i < 100 && ok; i++) {
		before = ticks_now();
		v = in(ACPI_PM_TMR, 4);
		after = ticks_now();
		if ((uint32_t)(v - before) > (uint32_t)(after - before)) {
			tap_diag("%#x is not in [%#x, %#x]", v, before, after);
			ok = false;
		}
	}
	nanosleep(&ms, NULL);
	v = in(ACPI_PM_TMR, 4);
	ok = v != first && (uint32_t)(v - first) < 0x80000000u && ok;
	tap_result(ok, "PM timer: 3.579545 MHz, 32 bits, runs forward");
}

/* Many vCPU threads at once: no lost calls, no deadlock. */
#define THREADS		4
#define ROUNDS		500

static void *hammer(void *arg)
{
	unsigned int i;

	for (i = 0; i < ROUNDS; i++) {
		out(ACPI_PM1A_EVT + 2, i, 2);
		in(ACPI_PM_TMR, 4);
		out(ACPI_PM1A_CNT, SLP_TYP(5) | SLP_EN, 2);
		in(ACPI_PM1A_CNT, 2);
	}
	return arg;
}

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int threaded_offs;

static void count_power_off(void *ctx)
{
	unsigned int *count = ctx;

	pthread_mutex_lock(&count_lock);
	(*count)++;
	pthread_mutex_unlock(&count_lock);
}

static const struct acpi_pm_ops counting_ops = {
	.power_off = count_power_off,
	.reset = count_power_off,
};

static void test_threads(void)
{
	struct acpi_pm *tpm = acpi_pm_create(&counting_ops,
						  &threaded_offs);
	pthread_t t[THREADS];
	struct bus saved = pio;
	unsigned int i;
	bool ok;

	pio = (struct bus){ 0 };
	ok = tpm && !acpi_pm_attach(tpm, &pio);
	for (i = 0; ok && i < THREADS; i++)
		ok = !pthread_create(&t[i], NULL, hammer, NULL);
	while (i--)
		pthread_join(t[i], NULL);
	ok = tap_check_u64("power_off calls", threaded_offs,
			   THREADS * ROUNDS) && ok;
	bus_release(&pio);
	acpi_pm_destroy(tpm);
	pio = saved;
	tap_result(ok, "%u threads at once", THREADS);
}

int main(void)
{
	unsigned int i;

	tap_plan(1 + 1 + ARRAY_SIZE(cnt_cases) + ARRAY_SIZE(reset_cases) +
		 1 + 1);
	alarm(60);
	pm = acpi_pm_create(&ops, &calls);
	if (!pm || acpi_pm_attach(pm, &pio)) {
		tap_diag("setting up failed");
		return 1;
	}
	test_attach();
	test_pm1_event();
	for (i = 0; i < ARRAY_SIZE(cnt_cases); i++)
		test_cnt_case(&cnt_cases[i]);
	for (i = 0; i < ARRAY_SIZE(reset_cases); i++)
		test_reset_case(&reset_cases[i]);
	test_timer();
	test_threads();
	acpi_pm_destroy(pm);
	acpi_pm_destroy(NULL);
	bus_release(&pio);
	return tap_finish();
}

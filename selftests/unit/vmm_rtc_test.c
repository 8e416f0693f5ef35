// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's MC146818 RTC and CMOS RAM (userspace/vmm/hw/rtc.c),
 * through ports 0x70/0x71 with an injected host clock: the time in
 * every format at fixed instants (leap days, century ends, before
 * 1970), setting the time as Linux and hwclock do, the control
 * registers, the RAM, and index and access-width handling.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "../lib/tap.h"
#include "bus.h"
#include "hw/rtc.h"

#define SECONDS		0x00
#define MINUTES		0x02
#define HOURS		0x04
#define DAY_OF_WEEK	0x06
#define DAY_OF_MONTH	0x07
#define MONTH		0x08
#define YEAR		0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define CENTURY		0x32

#define B_SET		0x80
#define B_BINARY	0x04
#define B_24H		0x02

/* 2026-11-27 15:04:05 UTC, a Friday */
#define T_2026_11_27	1795791845

static time_t fake_now;

static time_t fake_clock(void *ctx)
{
	return *(const time_t *)ctx;
}

struct rig {
	struct bus pio;
	struct rtc *rtc;
};

static bool rig_init(struct rig *rig, time_t now)
{
	memset(rig, 0, sizeof(*rig));
	fake_now = now;
	rig->rtc = rtc_create_clock(fake_clock, &fake_now);
	if (!rig->rtc)
		return false;
	if (rtc_attach(rig->rtc, &rig->pio)) {
		rtc_destroy(rig->rtc);
		return false;
	}
	return true;
}

static void rig_fini(struct rig *rig)
{
	rtc_destroy(rig->rtc);
	bus_release(&rig->pio);
}

static void outb(struct rig *rig, uint16_t port, uint8_t value)
{
	bus_access(&rig->pio, port, &value, 1, true);
}

static uint8_t inb(struct rig *rig, uint16_t port)
{
	uint8_t value;

	bus_access(&rig->pio, port, &value, 1, false);
	return value;
}

static uint8_t cmos_read(struct rig *rig, uint8_t reg)
{
	outb(rig, 0x70, reg);
	return inb(rig, 0x71);
}

static void cmos_write(struct rig *rig, uint8_t reg, uint8_t value)
{
	outb(rig, 0x70, reg);
	outb(rig, 0x71, value);
}

/* The clock's registers in the order of struct clock_regs. */
static const uint8_t clock_reg_index[] = {
	SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR,
	CENTURY,
};

static const char *const clock_reg_names[] = {
	"seconds", "minutes", "hours", "day of week", "day of month",
	"month", "year", "century",
};

struct clock_regs {
	uint8_t r[8];
};

static bool check_clock(struct rig *rig, const struct clock_regs *want)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(clock_reg_index); i++)
		ok &= tap_check_u64(clock_reg_names[i],
				    cmos_read(rig, clock_reg_index[i]),
				    want->r[i]);
	return ok;
}

struct time_case {
	const char *name;
	time_t now;
	uint8_t reg_b;
	/* seconds minutes hours dow day month year century */
	struct clock_regs want;
};

static const struct time_case time_cases[] = {
	{ "2026-11-27 15:04:05, BCD 24-hour", T_2026_11_27, 0x02,
	  { { 0x05, 0x04, 0x15, 0x06, 0x27, 0x11, 0x26, 0x20 } } },
	{ "2026-11-27 15:04:05, binary 24-hour", T_2026_11_27, 0x06,
	  { { 5, 4, 15, 6, 27, 11, 26, 20 } } },
	{ "2026-11-27 15:04:05, BCD 12-hour", T_2026_11_27, 0x00,
	  { { 0x05, 0x04, 0x83, 0x06, 0x27, 0x11, 0x26, 0x20 } } },
	{ "2026-11-27 15:04:05, binary 12-hour", T_2026_11_27, 0x04,
	  { { 5, 4, 0x83, 6, 27, 11, 26, 20 } } },
	{ "leap day 2024-02-29 23:59:59, BCD 24-hour", 1709251199, 0x02,
	  { { 0x59, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24, 0x20 } } },
	{ "leap day 2024-02-29 23:59:59, BCD 12-hour", 1709251199, 0x00,
	  { { 0x59, 0x59, 0x91, 0x05, 0x29, 0x02, 0x24, 0x20 } } },
	{ "2024-03-01 00:00:00 (12 AM), BCD 12-hour", 1709251200, 0x00,
	  { { 0x00, 0x00, 0x12, 0x06, 0x01, 0x03, 0x24, 0x20 } } },
	{ "leap day 2000-02-29 12:30:00 (12 PM), binary 12-hour",
	  951827400, 0x04,
	  { { 0, 30, 0x8c, 3, 29, 2, 0, 20 } } },
	{ "2100-02-28 23:59:59, not a leap year", 4107542399, 0x02,
	  { { 0x59, 0x59, 0x23, 0x01, 0x28, 0x02, 0x00, 0x21 } } },
	{ "2100-03-01 00:00:00", 4107542400, 0x02,
	  { { 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21 } } },
	{ "1999-12-31 23:59:59", 946684799, 0x02,
	  { { 0x59, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19 } } },
	{ "1970-01-01 00:00:00", 0, 0x02,
	  { { 0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x70, 0x19 } } },
	{ "1969-12-31 23:59:59", -1, 0x06,
	  { { 59, 59, 23, 4, 31, 12, 69, 19 } } },
	{ "1900-01-01 00:00:00", -2208988800LL, 0x02,
	  { { 0x00, 0x00, 0x00, 0x02, 0x01, 0x01, 0x00, 0x19 } } },
};

static void run_time_case(const struct time_case *c)
{
	struct rig rig;
	bool ok;

	if (!rig_init(&rig, c->now)) {
		tap_result(false, "time %s: set up", c->name);
		return;
	}
	cmos_write(&rig, REG_B, c->reg_b);
	ok = check_clock(&rig, &c->want);
	ok &= tap_check_u64("register B", cmos_read(&rig, REG_B), c->reg_b);
	rig_fini(&rig);
	tap_result(ok, "time %s", c->name);
}

static void test_control_registers(void)
{
	struct rig rig;
	bool ok = true;

	if (!rig_init(&rig, T_2026_11_27)) {
		tap_result(false, "control registers");
		return;
	}
	ok &= tap_check_u64("A at reset", cmos_read(&rig, REG_A), 0x26);
	ok &= tap_check_u64("B at reset", cmos_read(&rig, REG_B), 0x02);
	ok &= tap_check_u64("C", cmos_read(&rig, REG_C), 0x00);
	ok &= tap_check_u64("D", cmos_read(&rig, REG_D), 0x80);
	/* UIP is read-only and reads 0; the divider bits are kept. */
	cmos_write(&rig, REG_A, 0xa6);
	ok &= tap_check_u64("A after 0xa6", cmos_read(&rig, REG_A), 0x26);
	cmos_write(&rig, REG_A, 0x70);
	ok &= tap_check_u64("A after 0x70", cmos_read(&rig, REG_A), 0x70);
	/* C and D are read-only. */
	cmos_write(&rig, REG_C, 0xff);
	cmos_write(&rig, REG_D, 0x00);
	ok &= tap_check_u64("C after a write", cmos_read(&rig, REG_C), 0);
	ok &= tap_check_u64("D after a write", cmos_read(&rig, REG_D), 0x80);
	/* Interrupt enables are stored; SET clears UIE. */
	cmos_write(&rig, REG_B, 0x72);
	ok &= tap_check_u64("B with PIE AIE UIE", cmos_read(&rig, REG_B),
			    0x72);
	ok &= tap_check_u64("C with enables", cmos_read(&rig, REG_C), 0);
	cmos_write(&rig, REG_B, 0x92);
	ok &= tap_check_u64("B with SET and UIE", cmos_read(&rig, REG_B),
			    0x82);
	rig_fini(&rig);
	tap_result(ok, "control registers A, B, C and D");
}

/* mc146818_set_time()'s sequence, as `hwclock --systohc` runs it. */
static void test_set_time_linux(void)
{
	static const struct clock_regs frozen = {
		{ 0x05, 0x04, 0x15, 0x06, 0x27, 0x11, 0x26, 0x20 } };
	static const struct clock_regs set = {
		{ 0x05, 0x04, 0x03, 0x04, 0x02, 0x01, 0x30, 0x20 } };
	static const struct clock_regs later = {
		{ 0x10, 0x05, 0x03, 0x04, 0x02, 0x01, 0x30, 0x20 } };
	struct rig rig;
	uint8_t b, a;
	bool ok = true;

	if (!rig_init(&rig, T_2026_11_27)) {
		tap_result(false, "set the time as Linux does");
		return;
	}
	b = cmos_read(&rig, REG_B);
	cmos_write(&rig, REG_B, b | B_SET);
	a = cmos_read(&rig, REG_A);
	cmos_write(&rig, REG_A, a | 0x70);
	/* The clock stands still while SET is on. */
	fake_now += 100;
	ok &= check_clock(&rig, &frozen);
	cmos_write(&rig, YEAR, 0x30);
	cmos_write(&rig, MONTH, 0x01);
	cmos_write(&rig, DAY_OF_MONTH, 0x02);
	cmos_write(&rig, HOURS, 0x03);
	cmos_write(&rig, MINUTES, 0x04);
	cmos_write(&rig, SECONDS, 0x05);
	fake_now += 100;
	cmos_write(&rig, REG_B, b);
	cmos_write(&rig, REG_A, a);
	/* 2030-01-02 03:04:05, a Wednesday, from the moment SET went off */
	ok &= check_clock(&rig, &set);
	fake_now += 65;
	ok &= check_clock(&rig, &later);
	rig_fini(&rig);
	tap_result(ok, "set the time as Linux's mc146818_set_time() does");
}

/* Written in one format, read in another; a leap day in 12-hour mode. */
static void test_set_time_binary_12h(void)
{
	static const struct clock_regs want = {
		{ 0x00, 0x07, 0x19, 0x03, 0x29, 0x02, 0x28, 0x20 } };
	static const uint8_t regs[][2] = {
		{ SECONDS, 0 }, { MINUTES, 7 }, { HOURS, 0x87 },
		{ DAY_OF_MONTH, 29 }, { MONTH, 2 }, { YEAR, 28 },
		{ CENTURY, 20 }, { DAY_OF_WEEK, 7 },
	};
	struct rig rig;
	size_t i;
	bool ok;

	if (!rig_init(&rig, T_2026_11_27)) {
		tap_result(false, "set the time in binary 12-hour mode");
		return;
	}
	cmos_write(&rig, REG_B, B_SET | B_BINARY);
	for (i = 0; i < ARRAY_SIZE(regs); i++)
		cmos_write(&rig, regs[i][0], regs[i][1]);
	ok = tap_check_u64("hours while SET", cmos_read(&rig, HOURS), 0x87);
	/* Clearing SET and changing the format at once: the old one counts */
	cmos_write(&rig, REG_B, B_24H);
	/* 2028-02-29 19:07:00 is a Tuesday, whatever was written */
	ok &= check_clock(&rig, &want);
	rig_fini(&rig);
	tap_result(ok, "set a leap day in binary 12-hour mode, read in BCD");
}

/* Without SET, a written field takes and the clock runs on from it. */
static void test_write_running(void)
{
	static const struct clock_regs want = {
		{ 0x05, 0x30, 0x15, 0x06, 0x27, 0x11, 0x26, 0x20 } };
	static const struct clock_regs later = {
		{ 0x05, 0x31, 0x15, 0x06, 0x27, 0x11, 0x26, 0x20 } };
	struct rig rig;
	bool ok;

	if (!rig_init(&rig, T_2026_11_27)) {
		tap_result(false, "write a running clock");
		return;
	}
	cmos_write(&rig, MINUTES, 0x30);
	ok = check_clock(&rig, &want);
	fake_now += 60;
	ok &= check_clock(&rig, &later);
	rig_fini(&rig);
	tap_result(ok, "write a field of the running clock");
}

struct bad_time_case {
	const char *name;
	/* register, BCD value; register 0xff ends the list */
	uint8_t writes[4][2];
};

#define END_WRITES	{ 0xff }

static const struct bad_time_case bad_time_cases[] = {
	{ "month 13", { { MONTH, 0x13 }, END_WRITES } },
	{ "month 0", { { MONTH, 0x00 }, END_WRITES } },
	{ "day 0", { { DAY_OF_MONTH, 0x00 }, END_WRITES } },
	{ "November 31st", { { DAY_OF_MONTH, 0x31 }, END_WRITES } },
	{ "February 29th 2026",
	  { { MONTH, 0x02 }, { DAY_OF_MONTH, 0x29 }, END_WRITES } },
	{ "February 29th 2100", { { CENTURY, 0x21 }, { YEAR, 0x00 },
				  { MONTH, 0x02 }, { DAY_OF_MONTH, 0x29 } } },
	{ "hour 24", { { HOURS, 0x24 }, END_WRITES } },
	{ "minute 60", { { MINUTES, 0x60 }, END_WRITES } },
	{ "second 60", { { SECONDS, 0x60 }, END_WRITES } },
	{ "BCD digit above 9", { { SECONDS, 0x1a }, END_WRITES } },
	{ "year 100", { { YEAR, 0xa0 }, END_WRITES } },
	{ "century 100", { { CENTURY, 0xa0 }, END_WRITES } },
	{ "all ones", { { YEAR, 0xff }, END_WRITES } },
};

/* A time that does not exist leaves the clock running as it was. */
static void run_bad_time_case(const struct bad_time_case *c)
{
	static const struct clock_regs want = {
		{ 0x15, 0x04, 0x15, 0x06, 0x27, 0x11, 0x26, 0x20 } };
	struct rig rig;
	size_t i;
	bool ok;

	if (!rig_init(&rig, T_2026_11_27)) {
		tap_result(false, "invalid time %s", c->name);
		return;
	}
	cmos_write(&rig, REG_B, B_SET | B_24H);
	for (i = 0; i < ARRAY_SIZE(c->writes) && c->writes[i][0] != 0xff;
	     i++)
		cmos_write(&rig, c->writes[i][0], c->writes[i][1]);
	cmos_write(&rig, REG_B, B_24H);
	fake_now += 10;
	ok = check_clock(&rig, &want);
	rig_fini(&rig);
	tap_result(ok, "invalid time ignored: %s", c->name);
}

/* Hours 12 and 0 in 12-hour mode; 12-hour values written back. */
static void test_12h_round_trip(void)
{
	static const struct {
		uint8_t written;	/* BCD 12-hour */
		uint8_t hours24;	/* BCD */
	} hours[] = {
		{ 0x12, 0x00 }, { 0x01, 0x01 }, { 0x11, 0x11 },
		{ 0x92, 0x12 }, { 0x81, 0x13 }, { 0x91, 0x23 },
	};
	struct rig rig;
	bool ok = true;
	size_t i;

	if (!rig_init(&rig, T_2026_11_27)) {
		tap_result(false, "12-hour round trip");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(hours); i++) {
		cmos_write(&rig, REG_B, B_SET);
		cmos_write(&rig, HOURS, hours[i].written);
		cmos_write(&rig, REG_B, 0);
		ok &= tap_check_u64("12-hour", cmos_read(&rig, HOURS),
				    hours[i].written);
		cmos_write(&rig, REG_B, B_24H);
		ok &= tap_check_u64("24-hour", cmos_read(&rig, HOURS),
				    hours[i].hours24);
	}
	/* There is no hour 0 in 12-hour mode: the clock stays at 23. */
	cmos_write(&rig, REG_B, B_SET);
	cmos_write(&rig, HOURS, 0x00);
	cmos_write(&rig, REG_B, B_24H);
	ok &= tap_check_u64("after hour 0", cmos_read(&rig, HOURS), 0x23);
	rig_fini(&rig);
	tap_result(ok, "12-hour mode: midnight, noon and PM");
}

/* RAM: everything but the clock and control registers is storage. */
static void test_ram(void)
{
	struct rig rig;
	bool ok = true;
	unsigned int reg;

	if (!rig_init(&rig, T_2026_11_27)) {
		tap_result(false, "CMOS RAM round trip");
		return;
	}
	for (reg = 0; reg < 128; reg++) {
		if (reg < 0x0e && reg != 0x01 && reg != 0x03 && reg != 0x05)
			continue;
		if (reg != CENTURY)
			cmos_write(&rig, reg, reg * 7 + 3);
	}
	for (reg = 0; reg < 128; reg++) {
		if (reg < 0x0e && reg != 0x01 && reg != 0x03 && reg != 0x05)
			continue;
		if (reg != CENTURY && cmos_read(&rig, reg) !=
		    (uint8_t)(reg * 7 + 3)) {
			tap_diag("register 0x%x", reg);
			ok = false;
		}
	}
	rig_fini(&rig);
	tap_result(ok, "CMOS RAM and alarm registers round trip");
}

/* Bit 7 of the index is the NMI mask: stored, not part of the index. */
static void test_index(void)
{
	struct rig rig;
	uint16_t wide;
	bool ok = true;

	if (!rig_init(&rig, T_2026_11_27)) {
		tap_result(false, "index register");
		return;
	}
	cmos_write(&rig, 0x80 | 0x20, 0x5a);
	ok &= tap_check_u64("index read back", inb(&rig, 0x70), 0xa0);
	ok &= tap_check_u64("0x20", cmos_read(&rig, 0x20), 0x5a);
	ok &= tap_check_u64("0x20 with NMI masked", cmos_read(&rig, 0xa0),
			    0x5a);
	ok &= tap_check_u64("seconds with NMI masked", cmos_read(&rig, 0x80),
			    0x05);
	/* A 16-bit access is the index then the data. */
	wide = 0x6621;
	bus_access(&rig.pio, 0x70, &wide, 2, true);
	ok &= tap_check_u64("0x21 after outw", cmos_read(&rig, 0x21), 0x66);
	outb(&rig, 0x70, 0x21);
	bus_access(&rig.pio, 0x70, &wide, 2, false);
	ok &= tap_check_u64("inw", wide, 0x6621);
	rig_fini(&rig);
	tap_result(ok, "index register, NMI mask bit, 16-bit accesses");
}

/* Every index, masked or not, reads without harm; then a consistent read */
static void test_every_register(void)
{
	static const struct clock_regs want = {
		{ 0x05, 0x04, 0x15, 0x06, 0x27, 0x11, 0x26, 0x20 } };
	struct rig rig;
	unsigned int reg;
	uint8_t seconds;
	bool ok;

	if (!rig_init(&rig, T_2026_11_27)) {
		tap_result(false, "every register");
		return;
	}
	for (reg = 0; reg < 256; reg++)
		cmos_read(&rig, reg);
	/* mc146818_avoid_UIP(): seconds, UIP, fields, UIP, seconds */
	seconds = cmos_read(&rig, SECONDS);
	ok = tap_check_u64("UIP", cmos_read(&rig, REG_A) & 0x80, 0);
	ok &= check_clock(&rig, &want);
	ok &= tap_check_u64("UIP again", cmos_read(&rig, REG_A) & 0x80, 0);
	ok &= tap_check_u64("seconds again", cmos_read(&rig, SECONDS),
			    seconds);
	rig_fini(&rig);
	tap_result(ok, "every register reads sanely");
}

/*
 * The calendar against the C library's over 1900-2199: read in binary
 * at each instant, and every so often write the instant back with SET
 * and see the clock land on it.
 */
static void test_calendar_sweep(void)
{
	const time_t first = -2208988800LL, last = 7258118399LL;
	const time_t step = 13 * 86400 + 3607;
	unsigned int n = 0;
	struct rig rig;
	bool ok = true;
	time_t t;

	if (!rig_init(&rig, first)) {
		tap_result(false, "calendar sweep");
		return;
	}
	cmos_write(&rig, REG_B, B_BINARY | B_24H);
	for (t = first; t <= last && ok; t += step, n++) {
		struct clock_regs want;
		struct tm tm;

		gmtime_r(&t, &tm);
		want = (struct clock_regs){ {
			tm.tm_sec, tm.tm_min, tm.tm_hour, tm.tm_wday + 1,
			tm.tm_mday, tm.tm_mon + 1, tm.tm_year % 100,
			(tm.tm_year + 1900) / 100 } };
		if (n % 64 == 0) {
			/* Start from elsewhere, then set this instant. */
			fake_now = t - 1234567;
			cmos_write(&rig, REG_B, B_SET | B_BINARY | B_24H);
			cmos_write(&rig, SECONDS, want.r[0]);
			cmos_write(&rig, MINUTES, want.r[1]);
			cmos_write(&rig, HOURS, want.r[2]);
			cmos_write(&rig, DAY_OF_MONTH, want.r[4]);
			cmos_write(&rig, MONTH, want.r[5]);
			cmos_write(&rig, YEAR, want.r[6]);
			cmos_write(&rig, CENTURY, want.r[7]);
			cmos_write(&rig, REG_B, B_BINARY | B_24H);
			ok = check_clock(&rig, &want);
			/* Back to the host's time, offset 0. */
			cmos_write(&rig, REG_B, B_SET | B_BINARY | B_24H);
			fake_now = t;
			cmos_write(&rig, SECONDS, want.r[0]);
			cmos_write(&rig, MINUTES, want.r[1]);
			cmos_write(&rig, HOURS, want.r[2]);
			cmos_write(&rig, DAY_OF_MONTH, want.r[4]);
			cmos_write(&rig, MONTH, want.r[5]);
			cmos_write(&rig, YEAR, want.r[6]);
			cmos_write(&rig, CENTURY, want.r[7]);
			cmos_write(&rig, REG_B, B_BINARY | B_24H);
		}
		fake_now = t;
		ok &= check_clock(&rig, &want);
		if (!ok)
			tap_diag("at %lld", (long long)t);
	}
	rig_fini(&rig);
	tap_result(ok, "calendar matches gmtime() over 1900-2199 (%u instants)",
		   n);
}

static unsigned int from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

/* rtc_create() shows the host's UTC date. */
static void test_host_clock(void)
{
	struct rtc *rtc = rtc_create();
	time_t before = time(NULL), after;
	struct tm tm_before, tm_after;
	struct bus pio = { 0 };
	unsigned int year;
	uint8_t v;
	bool ok;

	if (!rtc || rtc_attach(rtc, &pio)) {
		rtc_destroy(rtc);
		bus_release(&pio);
		tap_result(false, "host clock");
		return;
	}
	v = CENTURY;
	bus_access(&pio, 0x70, &v, 1, true);
	bus_access(&pio, 0x71, &v, 1, false);
	year = from_bcd(v) * 100;
	v = YEAR;
	bus_access(&pio, 0x70, &v, 1, true);
	bus_access(&pio, 0x71, &v, 1, false);
	year += from_bcd(v);
	after = time(NULL);
	gmtime_r(&before, &tm_before);
	gmtime_r(&after, &tm_after);
	ok = year == (unsigned int)tm_before.tm_year + 1900 ||
	     year == (unsigned int)tm_after.tm_year + 1900;
	if (!ok)
		tap_diag("year %u", year);
	rtc_destroy(rtc);
	bus_release(&pio);
	tap_result(ok, "rtc_create() follows the host's clock");
}

int main(void)
{
	size_t i;

	tap_plan(ARRAY_SIZE(time_cases) + ARRAY_SIZE(bad_time_cases) + 10);
	for (i = 0; i < ARRAY_SIZE(time_cases); i++)
		run_time_case(&time_cases[i]);
	test_control_registers();
	test_set_time_linux();
	test_set_time_binary_12h();
	test_write_running();
	for (i = 0; i < ARRAY_SIZE(bad_time_cases); i++)
		run_bad_time_case(&bad_time_cases[i]);
	test_12h_round_trip();
	test_ram();
	test_index();
	test_every_register();
	test_calendar_sweep();
	test_host_clock();
	return tap_finish();
}

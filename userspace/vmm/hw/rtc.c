// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MC146818 RTC and its CMOS RAM (Motorola MC146818A datasheet; the
 * Dallas DS12887 one describes the same registers). The clock is the
 * host's UTC time plus an offset the guest sets by writing the time;
 * the time registers are worked out from it at each read, so the chip
 * never has an update cycle of its own.
 *
 * No interrupt is generated: the periodic, alarm and update-ended
 * sources are not modelled, so their enable bits in register B are
 * only stored and register C never has a flag to report. The alarm
 * registers are plain RAM. The divider bits of register A are stored
 * too; the clock runs whatever they say.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "rtc.h"

#define RTC_INDEX_PORT		0x70
#define RTC_NR_PORTS		2
#define RTC_INDEX_MASK		0x7f	/* bit 7 masks NMI on a PC */
#define CMOS_SIZE		128

/* "Address Map": the time, calendar and control registers. */
#define RTC_SECONDS		0x00
#define RTC_MINUTES		0x02
#define RTC_HOURS		0x04
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
/* Not the chip's: where PC firmware keeps the century (ACPI FADT). */
#define RTC_CENTURY		0x32

#define REG_A_UIP		0x80
#define REG_B_SET		0x80
#define REG_B_UIE		0x10
#define REG_B_DM_BINARY		0x04
#define REG_B_24H		0x02
#define REG_D_VRT		0x80
#define HOURS_PM		0x80

/* A 32.768 kHz time base and a 1024 Hz rate: the PC's usual setting. */
#define REG_A_AT_RESET		0x26
#define REG_B_AT_RESET		REG_B_24H

#define SECS_PER_DAY		86400
#define DAYS_PER_400_YEARS	146097
/* From 0000-01-01 to 1970-01-01 in the proleptic Gregorian calendar. */
#define DAYS_0000_TO_EPOCH	719528

struct rtc {
	pthread_mutex_t lock;
	time_t (*now)(void *ctx);
	void *now_ctx;
	/* The guest's time minus the host's, in seconds. */
	int64_t offset;
	/* As last written to port 0x70, NMI mask bit included. */
	uint8_t index;
	/*
	 * The RAM, registers A and B and the alarms; the time registers
	 * hold values only while register B's SET bit freezes the clock.
	 */
	uint8_t cmos[CMOS_SIZE];
};

struct rtc_time {
	int64_t year;
	unsigned int month;	/* 1-12 */
	unsigned int day;	/* 1-31 */
	unsigned int hour;
	unsigned int minute;
	unsigned int second;
	unsigned int day_of_week;	/* 1-7, Sunday is 1 */
};

static const uint16_t days_before_month[12] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
};

static bool is_leap(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned int days_in_month(int64_t year, unsigned int month)
{
	static const uint8_t days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return days[month - 1] + (month == 2 && is_leap(year));
}

/*
 * Days from the start of year 0 to the start of @year (>= 0): year 0
 * is a leap year, so the leap years before @year are the multiples of
 * 4 below it, less those of 100, plus those of 400.
 */
static int64_t days_before_year(int64_t year)
{
	return 365 * year + (year + 3) / 4 - (year + 99) / 100 +
	       (year + 399) / 400;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static void time_from_seconds(int64_t secs, struct rtc_time *t)
{
	int64_t days = floor_div(secs, SECS_PER_DAY);
	int64_t secs_of_day = secs - days * SECS_PER_DAY;
	int64_t since_0000 = days + DAYS_0000_TO_EPOCH;
	int64_t cycles = floor_div(since_0000, DAYS_PER_400_YEARS);
	int64_t in_cycle = since_0000 - cycles * DAYS_PER_400_YEARS;
	/* 400-year cycles repeat, so work inside one, from a leap year. */
	int64_t year = in_cycle / 366;
	unsigned int day_of_year, month;

	/* A year has at least 365 days: this runs at most twice. */
	while (days_before_year(year + 1) <= in_cycle)
		year++;
	day_of_year = in_cycle - days_before_year(year);
	for (month = 12; month > 1; month--) {
		unsigned int before = days_before_month[month - 1] +
				      (month > 2 && is_leap(year));

		if (day_of_year >= before) {
			day_of_year -= before;
			break;
		}
	}
	t->year = cycles * 400 + year;
	t->month = month;
	t->day = day_of_year + 1;
	t->hour = secs_of_day / 3600;
	t->minute = secs_of_day / 60 % 60;
	t->second = secs_of_day % 60;
	/* 1970-01-01 was a Thursday. */
	t->day_of_week = (days % 7 + 7 + 4) % 7 + 1;
}

/* @t is valid and its year is 0 or later. */
static int64_t seconds_from_time(const struct rtc_time *t)
{
	int64_t days = days_before_year(t->year) +
		       days_before_month[t->month - 1] +
		       (t->month > 2 && is_leap(t->year)) + t->day - 1 -
		       DAYS_0000_TO_EPOCH;

	return days * SECS_PER_DAY + t->hour * 3600 + t->minute * 60 +
	       t->second;
}

static uint8_t encode(const struct rtc *rtc, unsigned int value)
{
	if (rtc->cmos[RTC_REG_B] & REG_B_DM_BINARY)
		return value;
	return (value / 10) << 4 | value % 10;
}

/* False for a BCD byte with a digit above 9. */
static bool decode(uint8_t reg_b, uint8_t byte, unsigned int *value)
{
	if (reg_b & REG_B_DM_BINARY) {
		*value = byte;
		return true;
	}
	if ((byte & 0x0f) > 9 || byte >> 4 > 9)
		return false;
	*value = (byte >> 4) * 10 + (byte & 0x0f);
	return true;
}

/* "Time, Calendar and Alarm Locations": 12-hour mode has 1-12 and PM. */
static uint8_t encode_hours(const struct rtc *rtc, unsigned int hour)
{
	unsigned int hour12 = hour % 12 ? hour % 12 : 12;

	if (rtc->cmos[RTC_REG_B] & REG_B_24H)
		return encode(rtc, hour);
	return encode(rtc, hour12) | (hour >= 12 ? HOURS_PM : 0);
}

static bool decode_hours(uint8_t reg_b, uint8_t byte, unsigned int *hour)
{
	if (reg_b & REG_B_24H)
		return decode(reg_b, byte, hour) && *hour < 24;
	if (!decode(reg_b, byte & ~HOURS_PM, hour) || *hour < 1 || *hour > 12)
		return false;
	*hour = *hour % 12 + (byte & HOURS_PM ? 12 : 0);
	return true;
}

static bool is_time_register(unsigned int reg)
{
	switch (reg) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		return true;
	default:
		return false;
	}
}

/* The time register @reg as the running clock shows it now. */
static uint8_t clock_register(const struct rtc *rtc, unsigned int reg)
{
	struct rtc_time t;

	time_from_seconds((int64_t)rtc->now(rtc->now_ctx) + rtc->offset, &t);
	switch (reg) {
	case RTC_SECONDS:
		return encode(rtc, t.second);
	case RTC_MINUTES:
		return encode(rtc, t.minute);
	case RTC_HOURS:
		return encode_hours(rtc, t.hour);
	case RTC_DAY_OF_WEEK:
		return encode(rtc, t.day_of_week);
	case RTC_DAY_OF_MONTH:
		return encode(rtc, t.day);
	case RTC_MONTH:
		return encode(rtc, t.month);
	case RTC_YEAR:
		return encode(rtc, t.year % 100);
	default:
		return encode(rtc, t.year / 100 % 100);
	}
}

/* Copies the running clock into the time registers. */
static void freeze_clock(struct rtc *rtc)
{
	static const uint8_t regs[] = {
		RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK,
		RTC_DAY_OF_MONTH, RTC_MONTH, RTC_YEAR, RTC_CENTURY,
	};
	unsigned int i;

	for (i = 0; i < sizeof(regs); i++)
		rtc->cmos[regs[i]] = clock_register(rtc, regs[i]);
}

/*
 * Starts the clock from the time registers, read in the format of
 * @reg_b. The day of the week follows from the date, so it is not
 * read. A time that does not exist leaves the clock as it was: a real
 * chip would count on from it in its own odd way, which no guest
 * depends on.
 */
static void run_clock(struct rtc *rtc, uint8_t reg_b)
{
	const uint8_t *cmos = rtc->cmos;
	unsigned int year, century;
	struct rtc_time t;

	if (!decode(reg_b, cmos[RTC_SECONDS], &t.second) || t.second > 59 ||
	    !decode(reg_b, cmos[RTC_MINUTES], &t.minute) || t.minute > 59 ||
	    !decode_hours(reg_b, cmos[RTC_HOURS], &t.hour) ||
	    !decode(reg_b, cmos[RTC_YEAR], &year) || year > 99 ||
	    !decode(reg_b, cmos[RTC_CENTURY], &century) || century > 99 ||
	    !decode(reg_b, cmos[RTC_MONTH], &t.month) ||
	    t.month < 1 || t.month > 12)
		return;
	t.year = century * 100 + year;
	if (!decode(reg_b, cmos[RTC_DAY_OF_MONTH], &t.day) || t.day < 1 ||
	    t.day > days_in_month(t.year, t.month))
		return;
	rtc->offset = seconds_from_time(&t) - (int64_t)rtc->now(rtc->now_ctx);
}

static void write_reg_b(struct rtc *rtc, uint8_t value)
{
	uint8_t old = rtc->cmos[RTC_REG_B];

	/* "Register B", SET: setting it also clears UIE. */
	if (value & REG_B_SET)
		value &= ~REG_B_UIE;
	rtc->cmos[RTC_REG_B] = value;
	/*
	 * SET stops the clock so the guest can write a time without an
	 * update getting in the way; clearing it starts the clock from
	 * that time, read in the format it was written in.
	 */
	if ((value & REG_B_SET) && !(old & REG_B_SET))
		freeze_clock(rtc);
	else if (!(value & REG_B_SET) && (old & REG_B_SET))
		run_clock(rtc, old);
}

static void write_reg(struct rtc *rtc, unsigned int reg, uint8_t value)
{
	bool running = !(rtc->cmos[RTC_REG_B] & REG_B_SET);

	if (is_time_register(reg)) {
		/* A running clock takes the new field and runs on from it. */
		if (running)
			freeze_clock(rtc);
		rtc->cmos[reg] = value;
		if (running)
			run_clock(rtc, rtc->cmos[RTC_REG_B]);
		return;
	}
	switch (reg) {
	case RTC_REG_A:
		/* UIP is read-only */
		rtc->cmos[reg] = value & ~REG_A_UIP;
		break;
	case RTC_REG_B:
		write_reg_b(rtc, value);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;				/* read-only */
	default:
		rtc->cmos[reg] = value;
		break;
	}
}

static uint8_t read_reg(const struct rtc *rtc, unsigned int reg)
{
	if (is_time_register(reg) && !(rtc->cmos[RTC_REG_B] & REG_B_SET))
		return clock_register(rtc, reg);
	switch (reg) {
	case RTC_REG_A:
		/*
		 * UIP warns that the chip is about to copy its counters into
		 * the time registers, which are not to be read meanwhile.
		 * Ours are worked out afresh at each read and never half
		 * updated, so it is always 0. A guest still sees the seconds
		 * go on between two reads, as on a real chip between two
		 * update cycles; Linux's mc146818_avoid_UIP() reads the
		 * seconds again after the other fields and retries on a
		 * change, so it gets a consistent time.
		 */
		return rtc->cmos[reg];
	case RTC_REG_C:
		return 0;			/* no interrupt flags */
	case RTC_REG_D:
		return REG_D_VRT;	/* the RAM and time are valid */
	default:
		return rtc->cmos[reg];
	}
}

/*
 * Port 0x70 is write-only on the AT; reading it back gives the last
 * byte written, as later chipsets' readable index does. A wider access
 * is split into byte accesses from the lowest port up, as the ISA bus
 * does.
 */
static void rtc_bus_read(void *dev, uint64_t offset, void *data, uint32_t len)
{
	struct rtc *rtc = dev;
	uint8_t *bytes = data;
	uint32_t i;

	pthread_mutex_lock(&rtc->lock);
	for (i = 0; i < len; i++) {
		if ((offset + i) % RTC_NR_PORTS == 0)
			bytes[i] = rtc->index;
		else
			bytes[i] = read_reg(rtc, rtc->index & RTC_INDEX_MASK);
	}
	pthread_mutex_unlock(&rtc->lock);
}

static void rtc_bus_write(void *dev, uint64_t offset, const void *data,
			  uint32_t len)
{
	struct rtc *rtc = dev;
	const uint8_t *bytes = data;
	uint32_t i;

	pthread_mutex_lock(&rtc->lock);
	for (i = 0; i < len; i++) {
		if ((offset + i) % RTC_NR_PORTS == 0)
			rtc->index = bytes[i];
		else
			write_reg(rtc, rtc->index & RTC_INDEX_MASK, bytes[i]);
	}
	pthread_mutex_unlock(&rtc->lock);
}

static const struct bus_ops rtc_bus_ops = {
	.read = rtc_bus_read,
	.write = rtc_bus_write,
};

static time_t host_now(void *ctx)
{
	(void)ctx;
	return time(NULL);
}

struct rtc *rtc_create_clock(time_t (*now)(void *ctx), void *ctx)
{
	struct rtc *rtc = calloc(1, sizeof(*rtc));

	if (!rtc)
		return NULL;
	pthread_mutex_init(&rtc->lock, NULL);
	rtc->now = now;
	rtc->now_ctx = ctx;
	rtc->cmos[RTC_REG_A] = REG_A_AT_RESET;
	rtc->cmos[RTC_REG_B] = REG_B_AT_RESET;
	return rtc;
}

struct rtc *rtc_create(void)
{
	return rtc_create_clock(host_now, NULL);
}

void rtc_destroy(struct rtc *rtc)
{
	if (!rtc)
		return;
	pthread_mutex_destroy(&rtc->lock);
	free(rtc);
}

int rtc_attach(struct rtc *rtc, struct bus *pio)
{
	return bus_claim(pio, RTC_INDEX_PORT, RTC_NR_PORTS, "rtc",
			 &rtc_bus_ops, rtc);
}

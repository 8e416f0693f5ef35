// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI fixed hardware (ACPI 6.5, "4.8 ACPI Hardware Model"): just the
 * registers Linux uses on a machine whose SCI never fires. The PM1
 * status bits would only ever be set by events we do not generate, so
 * they read 0; SCI_EN reads 1, as the FADT promises ACPI mode always.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "acpi_pm.h"
#include "../acpi.h"

#define PM1_CNT_SCI_EN		(1U << 0)
#define PM1_CNT_SLP_TYP_SHIFT	10
#define PM1_CNT_SLP_TYP_MASK	(7U << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN		(1U << 13)	/* write-only */

struct acpi_pm {
	const struct acpi_pm_ops *ops;
	void *ctx;
	pthread_mutex_t lock;
	uint16_t pm1_enable;
	uint16_t pm1_cnt;
};

/* "4.8.3.3 Power Management Timer": 3.579545 MHz, free running. */
static uint32_t acpi_pm_timer(void)
{
	struct timespec ts;
	__uint128_t ns;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (__uint128_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return ns * ACPI_PM_TIMER_HZ / 1000000000;
}

static uint32_t le_value(const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint32_t v = 0;

	while (len--)
		v = v << 8 | p[len];
	return v;
}

static void le_store(void *data, uint32_t len, uint32_t v)
{
	uint8_t *p = data;
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = i < 4 ? v >> (8 * i) : 0;
}

static void acpi_pm_read(void *dev, uint64_t offset, void *data,
			 uint32_t len)
{
	struct acpi_pm *pm = dev;
	uint32_t v = 0;

	pthread_mutex_lock(&pm->lock);
	switch (offset + ACPI_PM_BASE) {
	case ACPI_PM1A_EVT + 2:		/* PM1_EN */
		v = pm->pm1_enable;
		break;
	case ACPI_PM1A_CNT:
		v = pm->pm1_cnt | PM1_CNT_SCI_EN;
		break;
	case ACPI_PM_TMR:
		v = acpi_pm_timer();
		break;
	default:			/* PM1_STS: no events, ever */
		break;
	}
	pthread_mutex_unlock(&pm->lock);
	le_store(data, len, v);
}

static void acpi_pm_write(void *dev, uint64_t offset, const void *data,
			  uint32_t len)
{
	struct acpi_pm *pm = dev;
	uint32_t v = le_value(data, len > 4 ? 4 : len);
	bool power_off = false, reset = false;

	pthread_mutex_lock(&pm->lock);
	switch (offset + ACPI_PM_BASE) {
	case ACPI_PM1A_EVT + 2:
		pm->pm1_enable = v;
		break;
	case ACPI_PM1A_CNT:
		pm->pm1_cnt = v & ~(PM1_CNT_SLP_EN | PM1_CNT_SCI_EN);
		/* "4.8.3.2.1 PM1 Control Registers": SLP_EN starts it. */
		power_off = (v & PM1_CNT_SLP_EN) &&
			    (v & PM1_CNT_SLP_TYP_MASK) >> PM1_CNT_SLP_TYP_SHIFT ==
			    ACPI_S5_SLP_TYP;
		break;
	case ACPI_RESET_PORT:
		reset = (v & 0xff) == ACPI_RESET_VALUE;
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&pm->lock);
	if (power_off)
		pm->ops->power_off(pm->ctx);
	if (reset)
		pm->ops->reset(pm->ctx);
}

static const struct bus_ops acpi_pm_bus_ops = {
	.read = acpi_pm_read,
	.write = acpi_pm_write,
};

struct acpi_pm *acpi_pm_create(const struct acpi_pm_ops *ops, void *ctx)
{
	struct acpi_pm *pm = calloc(1, sizeof(*pm));

	if (!pm)
		return NULL;
	pm->ops = ops;
	pm->ctx = ctx;
	pthread_mutex_init(&pm->lock, NULL);
	return pm;
}

void acpi_pm_destroy(struct acpi_pm *pm)
{
	if (!pm)
		return;
	pthread_mutex_destroy(&pm->lock);
	free(pm);
}

int acpi_pm_attach(struct acpi_pm *pm, struct bus *pio)
{
	return bus_claim(pio, ACPI_PM_BASE, ACPI_PM_SIZE, "acpi-pm",
			 &acpi_pm_bus_ops, pm);
}

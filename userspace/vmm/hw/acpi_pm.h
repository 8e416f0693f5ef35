/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI fixed hardware the FADT describes (acpi.h): PM1a event and
 * control registers, the PM timer, and the reset register. Writing
 * SLP_TYP=S5 with SLP_EN powers the machine off.
 */
#ifndef KVMLITE_VMM_HW_ACPI_PM_H
#define KVMLITE_VMM_HW_ACPI_PM_H

#include <stdint.h>
#include "../bus.h"

#define ACPI_PM_TIMER_HZ	3579545

struct acpi_pm;

struct acpi_pm_ops {
	void (*power_off)(void *ctx);
	void (*reset)(void *ctx);
};

struct acpi_pm *acpi_pm_create(const struct acpi_pm_ops *ops, void *ctx);
void acpi_pm_destroy(struct acpi_pm *pm);
/* Claims ACPI_PM_SIZE ports at ACPI_PM_BASE. 0 or -errno. */
int acpi_pm_attach(struct acpi_pm *pm, struct bus *pio);

#endif /* KVMLITE_VMM_HW_ACPI_PM_H */

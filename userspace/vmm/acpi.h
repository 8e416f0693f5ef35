/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI tables the guest finds (ACPI 6.5): RSDP, XSDT, FADT with FACS
 * and DSDT, and a MADT when the hypervisor emulates the APICs. The DSDT
 * names the virtio-mmio devices (Linux finds them only there: Debian's
 * kernel has no virtio_mmio.device= parameter) and \_S5 for power-off;
 * the FADT's fixed registers are the runner's power management ports.
 */
#ifndef KVMLITE_VMM_ACPI_H
#define KVMLITE_VMM_ACPI_H

#include <stdbool.h>
#include <stdint.h>
#include "guest_mem.h"

#define ACPI_TABLES_GPA		0xe0000ULL	/* where BIOSes keep them */
#define ACPI_TABLES_SIZE	0x10000ULL

/* The power management block the FADT describes (hw/acpi_pm.c). */
#define ACPI_PM_BASE		0x600
#define ACPI_PM1A_EVT		(ACPI_PM_BASE + 0x0)	/* status, enable */
#define ACPI_PM1A_CNT		(ACPI_PM_BASE + 0x4)
#define ACPI_PM_TMR		(ACPI_PM_BASE + 0x8)
#define ACPI_RESET_PORT		(ACPI_PM_BASE + 0xc)
#define ACPI_PM_SIZE		0x10
#define ACPI_RESET_VALUE	0x01
#define ACPI_SCI_IRQ		9
/* SLP_TYP for S5 in \_S5; the only sleep state we offer. */
#define ACPI_S5_SLP_TYP		5

#define ACPI_IOAPIC_GPA		0xfec00000ULL
#define ACPI_LAPIC_GPA		0xfee00000ULL

struct acpi_mmio_device {
	uint64_t base;
	uint32_t size;
	uint32_t irq;
};

struct acpi_config {
	unsigned int nr_cpus;
	bool apics;		/* a MADT: local APICs and an IOAPIC */
	const struct acpi_mmio_device *virtio;
	unsigned int nr_virtio;
};

/* Write the tables at ACPI_TABLES_GPA. The RSDP's GPA, or 0 on error. */
uint64_t acpi_build(struct guest_mem *mem, const struct acpi_config *cfg);

#endif /* KVMLITE_VMM_ACPI_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI tables, laid out one after another from ACPI_TABLES_GPA:
 * RSDP, XSDT, FADT, FACS, DSDT, MADT. The machine is a PC with legacy
 * devices (8259s, 8254, RTC, COM1) and full ACPI hardware: ACPI mode is
 * always on (no SMI command port), the SCI never fires, and the fixed
 * registers are three ports of the runner's.
 */
#include <stddef.h>
#include <string.h>
#include "acpi.h"
#include "aml.h"
#include "compiler.h"

#define ACPI_OEM_ID		"KVMLIT"
#define ACPI_OEM_TABLE_ID	"KVMLITE "
#define ACPI_CREATOR_ID		"KVML"

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __packed;

/* "5.2.5.3 Root System Description Pointer (RSDP) Structure" */
struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;		/* the first 20 bytes */
	char oem_id[6];
	uint8_t revision;		/* 2: ACPI 2.0 and later */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;	/* the whole structure */
	uint8_t reserved[3];
} __packed;

/* "5.2.3.2 Generic Address Structure (GAS)" */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __packed;

#define ACPI_GAS_SYSTEM_IO	1
#define ACPI_GAS_ACCESS_BYTE	1
#define ACPI_GAS_ACCESS_WORD	2
#define ACPI_GAS_ACCESS_DWORD	3

/* "5.2.9 Fixed ACPI Description Table (FADT)", revision 6. */
struct acpi_fadt {
	struct acpi_header header;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __packed;

_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6 size");

#define FADT_REVISION		6
#define FADT_MINOR_VERSION	5
#define FADT_PM_PROFILE_SERVER	4
#define FADT_F_WBINVD		(1U << 0)
#define FADT_F_PWR_BUTTON	(1U << 4)	/* no fixed power button */
#define FADT_F_SLP_BUTTON	(1U << 5)	/* no fixed sleep button */
#define FADT_F_TMR_VAL_EXT	(1U << 8)	/* a 32-bit PM timer */
#define FADT_F_RESET_REG_SUP	(1U << 10)
/* "5.2.9.3 IA-PC Boot Architecture Flags" */
#define FADT_BOOT_LEGACY_DEVICES (1U << 0)
#define FADT_BOOT_VGA_NOT_PRESENT (1U << 2)
#define FADT_BOOT_MSI_NOT_SUPPORTED (1U << 3)
/* The RTC's century register, so the guest reads a four-digit year. */
#define FADT_CENTURY_CMOS_INDEX	0x32

/* "5.2.10 Firmware ACPI Control Structure (FACS)" */
struct acpi_facs {
	char signature[4];
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t x_firmware_waking_vector;
	uint8_t version;
	uint8_t reserved0[3];
	uint32_t ospm_flags;
	uint8_t reserved1[24];
} __packed;

_Static_assert(sizeof(struct acpi_facs) == 64, "FACS size");

/* "5.2.12 Multiple APIC Description Table (MADT)" */
struct acpi_madt {
	struct acpi_header header;
	uint32_t lapic_address;
	uint32_t flags;
} __packed;

#define MADT_PCAT_COMPAT	(1U << 0)	/* 8259s present too */
#define MADT_TYPE_LAPIC		0
#define MADT_TYPE_IOAPIC	1
#define MADT_LAPIC_ENABLED	(1U << 0)

struct acpi_madt_lapic {
	uint8_t type;
	uint8_t length;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} __packed;

struct acpi_madt_ioapic {
	uint8_t type;
	uint8_t length;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __packed;

/* The table area as we fill it: a cursor and where it ends. */
struct acpi_area {
	uint8_t *host;
	uint64_t gpa;
	size_t used;
	size_t size;
};

static uint8_t acpi_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return -sum;
}

/* @len bytes at @align in the area, zeroed; NULL when out of room. */
static void *acpi_alloc(struct acpi_area *area, size_t len, size_t align,
			uint64_t *gpa)
{
	size_t at = (area->used + align - 1) & ~(align - 1);
	void *p;

	if (at > area->size || len > area->size - at)
		return NULL;
	p = area->host + at;
	memset(p, 0, len);
	area->used = at + len;
	*gpa = area->gpa + at;
	return p;
}

static void acpi_header_init(struct acpi_header *h, const char *sig,
			     uint32_t len, uint8_t revision)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = revision;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, ACPI_CREATOR_ID, 4);
	h->creator_revision = 1;
}

/* Checksums go last, once a table is complete. */
static void acpi_header_seal(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = acpi_checksum(h, h->length);
}

static struct acpi_gas acpi_io_gas(uint16_t port, uint8_t bits,
				   uint8_t access)
{
	return (struct acpi_gas){
		.space_id = ACPI_GAS_SYSTEM_IO,
		.bit_width = bits,
		.access_size = access,
		.address = port,
	};
}

/*
 * One virtio-mmio device: "LNRO0005" is the ACPI ID Linux's virtio_mmio
 * driver matches; its registers and interrupt come from _CRS.
 */
static void acpi_dsdt_virtio(struct aml *aml, unsigned int index,
			     const struct acpi_mmio_device *dev)
{
	char seg[5];
	size_t dev_mark, buf_mark;

	seg[0] = 'V';
	seg[1] = 'R';
	seg[2] = '0' + index / 10;
	seg[3] = '0' + index % 10;
	seg[4] = '\0';
	dev_mark = aml_device_begin(aml, seg);
	aml_name(aml, "_HID");
	aml_string(aml, "LNRO0005");
	aml_name(aml, "_UID");
	aml_integer(aml, index);
	aml_name(aml, "_CRS");
	buf_mark = aml_buffer_begin(aml);
	aml_res_memory32_fixed(aml, dev->base, dev->size, true);
	/* Edge, active high: the devices pulse their line per event. */
	aml_res_interrupt(aml, dev->irq, true, false);
	aml_res_end(aml);
	aml_buffer_end(aml, buf_mark);
	aml_end(aml, dev_mark);
}

static uint64_t acpi_dsdt(struct acpi_area *area,
			  const struct acpi_config *cfg)
{
	static struct aml aml;
	struct acpi_header *h;
	size_t mark;
	uint64_t gpa;
	unsigned int i;

	memset(&aml, 0, sizeof(aml));
	mark = aml_scope_begin(&aml, "_SB_");
	for (i = 0; i < cfg->nr_virtio; i++)
		acpi_dsdt_virtio(&aml, i, &cfg->virtio[i]);
	aml_end(&aml, mark);

	/* \_S5: SLP_TYP for PM1a and PM1b, then two reserved values. */
	aml_name(&aml, "_S5_");
	mark = aml_package_begin(&aml, 4);
	aml_integer(&aml, ACPI_S5_SLP_TYP);
	aml_integer(&aml, ACPI_S5_SLP_TYP);
	aml_integer(&aml, 0);
	aml_integer(&aml, 0);
	aml_end(&aml, mark);
	if (aml.overflow)
		return 0;

	h = acpi_alloc(area, sizeof(*h) + aml.len, 8, &gpa);
	if (!h)
		return 0;
	acpi_header_init(h, "DSDT", sizeof(*h) + aml.len, 2);
	memcpy(h + 1, aml.buf, aml.len);
	acpi_header_seal(h);
	return gpa;
}

static uint64_t acpi_facs(struct acpi_area *area)
{
	struct acpi_facs *facs;
	uint64_t gpa;

	/* "The FACS must be aligned on a 64-byte boundary." */
	facs = acpi_alloc(area, sizeof(*facs), 64, &gpa);
	if (!facs)
		return 0;
	memcpy(facs->signature, "FACS", 4);
	facs->length = sizeof(*facs);
	facs->version = 2;
	return gpa;
}

static uint64_t acpi_fadt(struct acpi_area *area, uint64_t facs,
			  uint64_t dsdt)
{
	struct acpi_fadt *f;
	uint64_t gpa;

	f = acpi_alloc(area, sizeof(*f), 8, &gpa);
	if (!f)
		return 0;
	acpi_header_init(&f->header, "FACP", sizeof(*f), FADT_REVISION);
	f->minor_version = FADT_MINOR_VERSION;
	/*
	 * FIRMWARE_CTRL only: "If the X_FIRMWARE_CTRL field contains a non
	 * zero value then this field must be zero". The FACS is below 4 GiB.
	 */
	f->firmware_ctrl = facs;
	f->dsdt = dsdt;
	f->x_dsdt = dsdt;
	f->preferred_pm_profile = FADT_PM_PROFILE_SERVER;
	f->sci_int = ACPI_SCI_IRQ;
	/* smi_cmd 0: no SMM, the machine is always in ACPI mode. */
	f->pm1a_evt_blk = ACPI_PM1A_EVT;
	f->pm1_evt_len = 4;
	f->x_pm1a_evt_blk = acpi_io_gas(ACPI_PM1A_EVT, 32,
					ACPI_GAS_ACCESS_WORD);
	f->pm1a_cnt_blk = ACPI_PM1A_CNT;
	f->pm1_cnt_len = 2;
	f->x_pm1a_cnt_blk = acpi_io_gas(ACPI_PM1A_CNT, 16,
					ACPI_GAS_ACCESS_WORD);
	f->pm_tmr_blk = ACPI_PM_TMR;
	f->pm_tmr_len = 4;
	f->x_pm_tmr_blk = acpi_io_gas(ACPI_PM_TMR, 32, ACPI_GAS_ACCESS_DWORD);
	f->reset_reg = acpi_io_gas(ACPI_RESET_PORT, 8, ACPI_GAS_ACCESS_BYTE);
	f->reset_value = ACPI_RESET_VALUE;
	f->century = FADT_CENTURY_CMOS_INDEX;
	/*
	 * ISA devices at their legacy ports; no VGA. No 8042 flag: the
	 * controller is there only for the reset line, so the guest need
	 * not probe for a keyboard. No MSI: there is no PCI.
	 */
	f->iapc_boot_arch = FADT_BOOT_LEGACY_DEVICES |
			    FADT_BOOT_VGA_NOT_PRESENT |
			    FADT_BOOT_MSI_NOT_SUPPORTED;
	f->flags = FADT_F_WBINVD | FADT_F_PWR_BUTTON | FADT_F_SLP_BUTTON |
		   FADT_F_TMR_VAL_EXT | FADT_F_RESET_REG_SUP;
	acpi_header_seal(&f->header);
	return gpa;
}

static uint64_t acpi_madt(struct acpi_area *area,
			  const struct acpi_config *cfg)
{
	size_t len = sizeof(struct acpi_madt) +
		     cfg->nr_cpus * sizeof(struct acpi_madt_lapic) +
		     sizeof(struct acpi_madt_ioapic);
	struct acpi_madt_ioapic *ioapic;
	struct acpi_madt_lapic *lapic;
	struct acpi_madt *madt;
	unsigned int i;
	uint64_t gpa;

	madt = acpi_alloc(area, len, 8, &gpa);
	if (!madt)
		return 0;
	acpi_header_init(&madt->header, "APIC", len, 5);
	madt->lapic_address = ACPI_LAPIC_GPA;
	madt->flags = MADT_PCAT_COMPAT;
	lapic = (struct acpi_madt_lapic *)(madt + 1);
	for (i = 0; i < cfg->nr_cpus; i++) {
		lapic[i] = (struct acpi_madt_lapic){
			.type = MADT_TYPE_LAPIC,
			.length = sizeof(*lapic),
			.processor_uid = i,
			.apic_id = i,
			.flags = MADT_LAPIC_ENABLED,
		};
	}
	/*
	 * ID 0, what the in-kernel IOAPIC holds after reset. GSIs 0-15 are
	 * the ISA IRQs one to one, which is how the in-kernel irqchip
	 * routes them: no interrupt source overrides.
	 */
	ioapic = (struct acpi_madt_ioapic *)(lapic + cfg->nr_cpus);
	*ioapic = (struct acpi_madt_ioapic){
		.type = MADT_TYPE_IOAPIC,
		.length = sizeof(*ioapic),
		.address = ACPI_IOAPIC_GPA,
	};
	acpi_header_seal(&madt->header);
	return gpa;
}

uint64_t acpi_build(struct guest_mem *mem, const struct acpi_config *cfg)
{
	struct acpi_area area = {
		.host = guest_ptr(mem, ACPI_TABLES_GPA, ACPI_TABLES_SIZE),
		.gpa = ACPI_TABLES_GPA,
		.size = ACPI_TABLES_SIZE,
	};
	uint64_t rsdp_gpa, xsdt_gpa, facs, dsdt, fadt, madt = 0;
	unsigned int nr_tables = cfg->apics ? 2 : 1;
	struct acpi_header *xsdt;
	struct acpi_rsdp *rsdp;
	uint64_t entries[2] = { 0, 0 };

	if (!area.host)
		return 0;
	/* The RSDP first: guests may look for it on 16-byte boundaries. */
	rsdp = acpi_alloc(&area, sizeof(*rsdp), 16, &rsdp_gpa);
	xsdt = acpi_alloc(&area, sizeof(*xsdt) + nr_tables * 8, 8, &xsdt_gpa);
	facs = acpi_facs(&area);
	dsdt = acpi_dsdt(&area, cfg);
	fadt = acpi_fadt(&area, facs, dsdt);
	if (cfg->apics)
		madt = acpi_madt(&area, cfg);
	if (!rsdp || !xsdt || !facs || !dsdt || !fadt ||
	    (cfg->apics && !madt))
		return 0;

	acpi_header_init(xsdt, "XSDT", sizeof(*xsdt) + nr_tables * 8, 1);
	entries[0] = fadt;
	entries[1] = madt;
	/* The entries follow the 36-byte header: unaligned. */
	memcpy(xsdt + 1, entries, nr_tables * 8);
	acpi_header_seal(xsdt);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, ACPI_OEM_ID, 6);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt_address = xsdt_gpa;
	rsdp->checksum = acpi_checksum(rsdp, 20);
	rsdp->extended_checksum = acpi_checksum(rsdp, sizeof(*rsdp));
	return rsdp_gpa;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ACPI tables (userspace/vmm/acpi.c) and the AML encoder (aml.c).
 *
 * acpi_build() runs on a fake guest RAM full of garbage for several
 * machines; the test then reads the tables the way a guest does, by the
 * byte offsets of ACPI 6.5 chapter 5 (not through acpi.c's structs),
 * checks every checksum, length and pointer, and walks the DSDT with a
 * small AML reader of its own (ACPI 6.5, "20.2 AML Grammar Definition")
 * that knows just the terms our DSDT may use. When acpica-tools is
 * installed, iasl disassembles every table and compiles the DSDT back.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../lib/tap.h"
#include "acpi.h"
#include "aml.h"
#include "guest_mem.h"

#define RAM_SIZE	(1ULL << 20)
#define AREA_START	ACPI_TABLES_GPA
#define AREA_END	(ACPI_TABLES_GPA + ACPI_TABLES_SIZE)
#define HDR_LEN		36

static uint8_t *ram;
static struct guest_mem mem;

static void ram_setup(uint64_t size)
{
	ram = malloc(size);
	if (!ram)
		exit(1);
	/* Garbage: whatever the builder leaves unwritten shows. */
	memset(ram, 0xa5, size);
	mem = (struct guest_mem){
		.host = ram, .size = size, .nr_ranges = 1,
		.ranges = { { 0, size, ram } },
	};
}

static void ram_free(void)
{
	free(ram);
	ram = NULL;
}

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

/* The table at @gpa, when it lies wholly inside the table area. */
static const uint8_t *table_at(uint64_t gpa, const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	if (gpa < AREA_START || gpa + HDR_LEN > AREA_END) {
		tap_diag("%s at %#llx is outside the table area", sig,
			 (unsigned long long)gpa);
		return NULL;
	}
	t = ram + gpa;
	len = le(t + 4, 4);
	if (memcmp(t, sig, 4) || len < HDR_LEN || gpa + len > AREA_END) {
		tap_diag("no good %s at %#llx", sig, (unsigned long long)gpa);
		return NULL;
	}
	if (sum(t, len)) {
		tap_diag("%s checksum is off by %u", sig, sum(t, len));
		return NULL;
	}
	if (memcmp(t + 10, "KVMLIT", 6) || memcmp(t + 16, "KVMLITE ", 8) ||
	    memcmp(t + 28, "KVML", 4)) {
		tap_diag("%s OEM or creator IDs differ", sig);
		return NULL;
	}
	return t;
}

/* ---- A small AML reader. */

enum obj_type { OBJ_SCOPE, OBJ_DEVICE, OBJ_INT, OBJ_STR, OBJ_BUF, OBJ_PKG };

#define PKG_MAX		8

struct aml_obj {
	char path[64];
	enum obj_type type;
	uint64_t value;
	const uint8_t *bytes;		/* string (NUL-ended) or buffer */
	size_t len;
	unsigned int nr_elements;	/* as the package declares */
	unsigned int nr_ints;		/* integer elements we read */
	uint64_t ints[PKG_MAX];
};

#define OBJS_MAX	256

struct aml_reader {
	const uint8_t *p;
	size_t pos;
	struct aml_obj objs[OBJS_MAX];
	unsigned int nr;
	char why[128];
};

static bool fail(struct aml_reader *r, const char *why)
{
	if (!r->why[0])
		snprintf(r->why, sizeof(r->why), "at %#zx: %s", r->pos, why);
	return false;
}

/*
 * "PkgLength": the lead byte's bits 7-6 count the bytes that follow;
 * the length counts itself. Our encoder promises the shortest form.
 */
static bool read_pkg_length(struct aml_reader *r, size_t limit, size_t *end)
{
	size_t start = r->pos, len, follow, i;
	uint8_t lead;

	if (r->pos >= limit)
		return fail(r, "PkgLength past the end");
	lead = r->p[r->pos++];
	follow = lead >> 6;
	if (!follow) {
		len = lead & 0x3f;
	} else {
		if (lead & 0x30)
			return fail(r, "PkgLength bits 5-4 not zero");
		if (r->pos + follow > limit)
			return fail(r, "PkgLength cut short");
		len = lead & 0xf;
		for (i = 0; i < follow; i++)
			len |= (size_t)r->p[r->pos++] << (4 + 8 * i);
	}
	if (follow && len < (follow == 1 ? 0x40UL :
			      1UL << (4 + 8 * (follow - 1))))
		return fail(r, "PkgLength not in its shortest form");
	if (len < follow + 1 || start + len > limit)
		return fail(r, "PkgLength beyond its parent");
	*end = start + len;
	return true;
}

static bool name_char(uint8_t c, bool lead)
{
	return c == '_' || (c >= 'A' && c <= 'Z') ||
	       (!lead && c >= '0' && c <= '9');
}

static bool read_name_seg(struct aml_reader *r, size_t limit, char *out)
{
	unsigned int i;

	if (r->pos + 4 > limit)
		return fail(r, "NameSeg cut short");
	for (i = 0; i < 4; i++)
		if (!name_char(r->p[r->pos + i], i == 0))
			return fail(r, "bad NameSeg");
	memcpy(out, r->p + r->pos, 4);
	out[4] = '\0';
	r->pos += 4;
	return true;
}

/* A NameString made absolute against @scope. */
static bool read_name_string(struct aml_reader *r, size_t limit,
			     const char *scope, char *out, size_t out_len)
{
	char seg[5];
	unsigned int nr = 1, i;
	bool root = false;

	if (r->pos < limit && r->p[r->pos] == '\\') {
		root = true;
		r->pos++;
	}
	if (r->pos < limit && r->p[r->pos] == '^')
		return fail(r, "parent prefix not expected");
	if (r->pos < limit && r->p[r->pos] == 0x2e) {
		nr = 2;
		r->pos++;
	} else if (r->pos < limit && r->p[r->pos] == 0x2f) {
		r->pos++;
		if (r->pos >= limit)
			return fail(r, "MultiNamePath cut short");
		nr = r->p[r->pos++];
	}
	snprintf(out, out_len, "%s", root || !strcmp(scope, "\\") ? "\\" :
		 scope);
	for (i = 0; i < nr; i++) {
		size_t n = strlen(out);

		if (!read_name_seg(r, limit, seg))
			return false;
		snprintf(out + n, out_len - n, "%s%s",
			 out[n - 1] == '\\' ? "" : ".", seg);
	}
	return true;
}

static bool read_integer(struct aml_reader *r, size_t limit, uint64_t *v)
{
	static const unsigned int sizes[] = {
		[0x0a] = 1, [0x0b] = 2, [0x0c] = 4, [0x0e] = 8,
	};
	uint8_t op;
	unsigned int n;

	if (r->pos >= limit)
		return fail(r, "integer past the end");
	op = r->p[r->pos++];
	if (op == 0x00 || op == 0x01) {
		*v = op;
		return true;
	}
	if (op == 0xff) {
		*v = UINT64_MAX;
		return true;
	}
	if (op >= ARRAY_SIZE(sizes) || !sizes[op])
		return fail(r, "not an integer");
	n = sizes[op];
	if (r->pos + n > limit)
		return fail(r, "integer cut short");
	*v = le(r->p + r->pos, n);
	r->pos += n;
	return true;
}

static bool read_data_object(struct aml_reader *r, size_t limit,
			     struct aml_obj *o)
{
	size_t end, start;
	uint8_t op;

	if (r->pos >= limit)
		return fail(r, "data object past the end");
	op = r->p[r->pos];
	switch (op) {
	case 0x0d:				/* String */
		start = ++r->pos;
		while (r->pos < limit && r->p[r->pos])
			if (r->p[r->pos++] > 0x7f)
				return fail(r, "string not ASCII");
		if (r->pos >= limit)
			return fail(r, "string without its NUL");
		o->type = OBJ_STR;
		o->bytes = r->p + start;
		o->len = r->pos - start;
		r->pos++;
		return true;
	case 0x11:				/* Buffer */
		r->pos++;
		if (!read_pkg_length(r, limit, &end) ||
		    !read_integer(r, end, &o->value))
			return false;
		if (o->value != end - r->pos)
			return fail(r, "buffer size is not its byte count");
		o->type = OBJ_BUF;
		o->bytes = r->p + r->pos;
		o->len = end - r->pos;
		r->pos = end;
		return true;
	case 0x12:				/* Package */
		r->pos++;
		if (!read_pkg_length(r, limit, &end))
			return false;
		if (r->pos >= end)
			return fail(r, "package without NumElements");
		o->type = OBJ_PKG;
		o->nr_elements = r->p[r->pos++];
		while (r->pos < end) {
			if (o->nr_ints == PKG_MAX)
				return fail(r, "package too long for us");
			if (!read_integer(r, end, &o->ints[o->nr_ints++]))
				return false;
		}
		return true;
	default:
		o->type = OBJ_INT;
		return read_integer(r, limit, &o->value);
	}
}

static struct aml_obj *new_obj(struct aml_reader *r)
{
	if (r->nr == OBJS_MAX) {
		fail(r, "too many objects");
		return NULL;
	}
	memset(&r->objs[r->nr], 0, sizeof(r->objs[0]));
	return &r->objs[r->nr++];
}

static bool read_term_list(struct aml_reader *r, size_t limit,
			   const char *scope)
{
	while (r->pos < limit) {
		uint8_t op = r->p[r->pos];
		struct aml_obj *o = new_obj(r);
		size_t end;

		if (!o)
			return false;
		if (op == 0x10 || (op == 0x5b && r->pos + 1 < limit &&
				   r->p[r->pos + 1] == 0x82)) {
			r->pos += op == 0x10 ? 1 : 2;
			o->type = op == 0x10 ? OBJ_SCOPE : OBJ_DEVICE;
			if (!read_pkg_length(r, limit, &end) ||
			    !read_name_string(r, end, scope, o->path,
					      sizeof(o->path)) ||
			    !read_term_list(r, end, o->path))
				return false;
		} else if (op == 0x08) {
			r->pos++;
			if (!read_name_string(r, limit, scope, o->path,
					      sizeof(o->path)) ||
			    !read_data_object(r, limit, o))
				return false;
		} else {
			return fail(r, "an opcode our DSDT should not have");
		}
	}
	if (r->pos != limit)
		return fail(r, "term list overran its package");
	return true;
}

static const struct aml_obj *find_obj(const struct aml_reader *r,
				      const char *path)
{
	unsigned int i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->objs[i].path, path))
			return &r->objs[i];
	return NULL;
}

/*
 * A _CRS of one Memory32Fixed, one Extended Interrupt and the end tag
 * (ACPI 6.5, "6.4.3.4 32-Bit Fixed Memory Range Descriptor", "6.4.3.6
 * Extended Interrupt Descriptor", "6.4.2.9 End Tag").
 */
static bool crs_is(const struct aml_obj *crs, const struct acpi_mmio_device *d)
{
	static const uint8_t end_tag[] = { 0x79, 0x00 };
	const uint8_t *b = crs->bytes;

	if (crs->type != OBJ_BUF || crs->len != 12 + 9 + 2) {
		tap_diag("_CRS is not a 23-byte buffer");
		return false;
	}
	if (b[0] != 0x86 || le(b + 1, 2) != 9 || b[3] != 1 ||
	    le(b + 4, 4) != d->base || le(b + 8, 4) != d->size) {
		tap_diag("Memory32Fixed is not ReadWrite %#llx+%#x",
			 (unsigned long long)d->base, d->size);
		return false;
	}
	b += 12;
	/* Flags: consumer, edge, active high, exclusive, not wake. */
	if (b[0] != 0x89 || le(b + 1, 2) != 6 || b[3] != 0x03 || b[4] != 1 ||
	    le(b + 5, 4) != d->irq) {
		tap_diag("Interrupt is not one edge, high, IRQ %u", d->irq);
		return false;
	}
	b += 9;
	if (memcmp(b, end_tag, 2)) {
		tap_diag("no end tag with a zero checksum");
		return false;
	}
	return true;
}

/* ---- The machines. */

static const struct acpi_mmio_device virtio_devs[8] = {
	{ 0xd0000000, 0x1000, 5 }, { 0xd0001000, 0x1000, 6 },
	{ 0xd0002000, 0x1000, 7 }, { 0xd0003000, 0x1000, 10 },
	{ 0xd0004000, 0x200, 11 }, { 0xd0005000, 0x1000, 12 },
	{ 0xd0006000, 0x1000, 14 }, { 0xfffff000, 0xffffffff, 255 },
};

struct machine {
	const char *name;
	unsigned int cpus;
	bool apics;
	unsigned int nr_virtio;
};

static const struct machine machines[] = {
	{ "PIC only, 1 CPU, no virtio", 1, false, 0 },
	{ "PIC only, 1 CPU, 8 virtio", 1, false, 8 },
	{ "APICs, 1 CPU, no virtio", 1, true, 0 },
	{ "APICs, 2 CPUs, 1 virtio", 2, true, 1 },
	{ "APICs, 4 CPUs, 3 virtio", 4, true, 3 },
	{ "APICs, 32 CPUs, 8 virtio", 32, true, 8 },
};

#define CHECKS_PER_MACHINE	7

/* What one build produced, as the guest finds it. */
struct tables {
	uint64_t rsdp, xsdt, fadt, madt, facs, dsdt;
};

static bool check_rsdp(uint64_t gpa, struct tables *t)
{
	const uint8_t *p = ram + gpa;
	bool ok = true;

	/* Linux scans 0xe0000-0xfffff on 16-byte boundaries. */
	ok = gpa >= 0xe0000 && gpa + 36 <= 0x100000 && !(gpa & 15);
	ok = ok && !memcmp(p, "RSD PTR ", 8) && !sum(p, 20) && !sum(p, 36);
	ok = ok && !memcmp(p + 9, "KVMLIT", 6);
	ok = tap_check_u64("revision", p[15], 2) && ok;
	ok = tap_check_u64("RSDT address", le(p + 16, 4), 0) && ok;
	ok = tap_check_u64("length", le(p + 20, 4), 36) && ok;
	ok = tap_check_u64("reserved", le(p + 33, 3), 0) && ok;
	t->xsdt = le(p + 24, 8);
	return ok;
}

static bool check_xsdt(const struct machine *m, struct tables *t)
{
	const uint8_t *x = table_at(t->xsdt, "XSDT");
	unsigned int n, i;
	bool ok;

	if (!x)
		return false;
	n = (le(x + 4, 4) - HDR_LEN) / 8;
	ok = tap_check_u64("XSDT length", le(x + 4, 4), HDR_LEN + n * 8);
	ok = tap_check_u64("XSDT entries", n, m->apics ? 2 : 1) && ok;
	ok = tap_check_u64("XSDT revision", x[8], 1) && ok;
	t->fadt = t->madt = 0;
	for (i = 0; i < n; i++) {
		uint64_t gpa = le(x + HDR_LEN + 8 * i, 8);

		if (gpa + 4 <= AREA_END && gpa >= AREA_START &&
		    !memcmp(ram + gpa, "FACP", 4) && !t->fadt)
			t->fadt = gpa;
		else if (gpa + 4 <= AREA_END && gpa >= AREA_START &&
			 !memcmp(ram + gpa, "APIC", 4) && !t->madt)
			t->madt = gpa;
		else
			ok = false;
	}
	ok = t->fadt && (!t->madt == !m->apics) && ok;
	return ok;
}

static bool gas_is(const uint8_t *g, uint8_t bits, uint8_t access,
		   uint64_t port, const char *what)
{
	if (g[0] != 1 || g[1] != bits || g[2] != 0 || g[3] != access ||
	    le(g + 4, 8) != port) {
		tap_diag("%s is not I/O %#llx, %u bits, access %u", what,
			 (unsigned long long)port, bits, access);
		return false;
	}
	return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

#define FADT_WBINVD		(1U << 0)
#define FADT_PWR_BUTTON		(1U << 4)
#define FADT_SLP_BUTTON		(1U << 5)
#define FADT_TMR_VAL_EXT	(1U << 8)
#define FADT_RESET_REG_SUP	(1U << 10)
#define FADT_HW_REDUCED		(1U << 20)

/* "5.2.9 Fixed ACPI Description Table (FADT)": offsets from Table 5.9. */
static bool check_fadt(struct tables *t)
{
	const uint8_t *f = table_at(t->fadt, "FACP");
	uint32_t flags;
	bool ok;

	if (!f)
		return false;
	ok = tap_check_u64("FADT length", le(f + 4, 4), 276);
	ok = tap_check_u64("FADT revision", f[8], 6) && ok;
	ok = tap_check_u64("FADT minor", f[131], 5) && ok;
	/* The FACS: X_FIRMWARE_CTRL wins; test_facs_named_once() for more. */
	t->facs = le(f + 132, 8) ? le(f + 132, 8) : le(f + 36, 4);
	if (le(f + 36, 4) && le(f + 36, 4) != t->facs) {
		tap_diag("FIRMWARE_CTRL and X_FIRMWARE_CTRL differ");
		ok = false;
	}
	/* DSDT and X_DSDT may both be set; then they agree. */
	t->dsdt = le(f + 140, 8);
	ok = tap_check_u64("DSDT", le(f + 40, 4), t->dsdt) && ok;
	ok = tap_check_u64("SCI_INT", le(f + 46, 2), ACPI_SCI_IRQ) && ok;
	ok = tap_check_u64("SMI_CMD", le(f + 48, 4), 0) && ok;
	ok = tap_check_u64("PM1a_EVT_BLK", le(f + 56, 4), ACPI_PM1A_EVT) && ok;
	ok = tap_check_u64("PM1b_EVT_BLK", le(f + 60, 4), 0) && ok;
	ok = tap_check_u64("PM1a_CNT_BLK", le(f + 64, 4), ACPI_PM1A_CNT) && ok;
	ok = tap_check_u64("PM1b_CNT_BLK", le(f + 68, 4), 0) && ok;
	ok = tap_check_u64("PM2_CNT_BLK", le(f + 72, 4), 0) && ok;
	ok = tap_check_u64("PM_TMR_BLK", le(f + 76, 4), ACPI_PM_TMR) && ok;
	ok = tap_check_u64("GPE0_BLK", le(f + 80, 4), 0) && ok;
	ok = tap_check_u64("PM1_EVT_LEN", f[88], 4) && ok;
	ok = tap_check_u64("PM1_CNT_LEN", f[89], 2) && ok;
	ok = tap_check_u64("PM_TMR_LEN", f[91], 4) && ok;
	ok = tap_check_u64("GPE0_BLK_LEN", f[92], 0) && ok;
	ok = tap_check_u64("CENTURY", f[108], 0x32) && ok;
	/* Legacy devices, no VGA, no MSI; no 8042 keyboard either. */
	ok = tap_check_u64("IAPC_BOOT_ARCH", le(f + 109, 2), 0xd) && ok;
	flags = le(f + 112, 4);
	ok = tap_check_u64("flags we need", flags & (FADT_WBINVD |
			   FADT_PWR_BUTTON | FADT_SLP_BUTTON |
			   FADT_TMR_VAL_EXT | FADT_RESET_REG_SUP),
			   FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
			   FADT_TMR_VAL_EXT | FADT_RESET_REG_SUP) && ok;
	ok = tap_check_u64("HW_REDUCED_ACPI", flags & FADT_HW_REDUCED, 0) && ok;
	ok = gas_is(f + 116, 8, 1, ACPI_RESET_PORT, "RESET_REG") && ok;
	ok = tap_check_u64("RESET_VALUE", f[128], ACPI_RESET_VALUE) && ok;
	ok = gas_is(f + 148, 32, 2, ACPI_PM1A_EVT, "X_PM1a_EVT_BLK") && ok;
	ok = gas_is(f + 172, 16, 2, ACPI_PM1A_CNT, "X_PM1a_CNT_BLK") && ok;
	ok = gas_is(f + 208, 32, 3, ACPI_PM_TMR, "X_PM_TMR_BLK") && ok;
	/* PM1b, PM2, GPE, sleep registers, hypervisor ID: none. */
	ok = all_zero(f + 160, 12) && all_zero(f + 184, 24) &&
	     all_zero(f + 220, 56) && ok;
	ok = all_zero(f + 111, 1) && all_zero(f + 44, 1) && ok;
	return ok;
}

static bool check_facs(const struct tables *t)
{
	const uint8_t *f = ram + t->facs;

	if (t->facs < AREA_START || t->facs + 64 > AREA_END ||
	    (t->facs & 63)) {
		tap_diag("FACS at %#llx: outside the area or not 64-aligned",
			 (unsigned long long)t->facs);
		return false;
	}
	return !memcmp(f, "FACS", 4) && le(f + 4, 4) == 64 &&
	       tap_check_u64("FACS version", f[32], 2) &&
	       all_zero(f + 8, 24) && all_zero(f + 33, 31);
}

/* "5.2.12 Multiple APIC Description Table (MADT)" */
static bool check_madt(const struct machine *m, const struct tables *t)
{
	const uint8_t *a = table_at(t->madt, "APIC");
	size_t len, off;
	unsigned int cpus = 0, ioapics = 0;
	bool ok;

	if (!a)
		return false;
	len = le(a + 4, 4);
	ok = tap_check_u64("MADT length", len, 44 + 8 * m->cpus + 12);
	ok = tap_check_u64("LAPIC address", le(a + 36, 4), ACPI_LAPIC_GPA) &&
	     ok;
	ok = tap_check_u64("PCAT_COMPAT", le(a + 40, 4), 1) && ok;
	for (off = 44; ok && off + 2 <= len; off += a[off + 1]) {
		const uint8_t *e = a + off;

		if (e[1] < 2 || off + e[1] > len) {
			tap_diag("MADT entry at %zu has length %u", off, e[1]);
			return false;
		}
		if (e[0] == 0) {
			ok = tap_check_u64("LAPIC length", e[1], 8) &&
			     tap_check_u64("processor UID", e[2], cpus) &&
			     tap_check_u64("APIC ID", e[3], cpus) &&
			     tap_check_u64("LAPIC flags", le(e + 4, 4), 1);
			cpus++;
		} else if (e[0] == 1) {
			ok = tap_check_u64("IOAPIC length", e[1], 12) &&
			     tap_check_u64("IOAPIC ID", e[2], 0) &&
			     tap_check_u64("reserved", e[3], 0) &&
			     tap_check_u64("IOAPIC address", le(e + 4, 4),
					   ACPI_IOAPIC_GPA) &&
			     tap_check_u64("GSI base", le(e + 8, 4), 0);
			ioapics++;
		} else {
			tap_diag("MADT entry of type %u", e[0]);
			ok = false;
		}
	}
	ok = tap_check_u64("LAPICs", cpus, m->cpus) && ok;
	ok = tap_check_u64("IOAPICs", ioapics, 1) && ok;
	return ok;
}

static bool check_dsdt(const struct machine *m, const struct tables *t)
{
	const uint8_t *d = table_at(t->dsdt, "DSDT");
	static struct aml_reader r;
	const struct aml_obj *o;
	unsigned int i, devices = 0;
	char path[64];
	bool ok;

	if (!d)
		return false;
	ok = tap_check_u64("DSDT revision", d[8], 2);
	memset(&r, 0, sizeof(r));
	r.p = d;
	r.pos = HDR_LEN;
	if (!read_term_list(&r, le(d + 4, 4), "\\")) {
		tap_diag("AML: %s", r.why);
		return false;
	}
	o = find_obj(&r, "\\_SB_");
	ok = o && o->type == OBJ_SCOPE && ok;
	for (i = 0; i < r.nr; i++)
		devices += r.objs[i].type == OBJ_DEVICE;
	ok = tap_check_u64("devices", devices, m->nr_virtio) && ok;
	for (i = 0; ok && i < m->nr_virtio; i++) {
		snprintf(path, sizeof(path), "\\_SB_.VR%02u", i);
		o = find_obj(&r, path);
		ok = o && o->type == OBJ_DEVICE;
		snprintf(path, sizeof(path), "\\_SB_.VR%02u._HID", i);
		o = find_obj(&r, path);
		ok = ok && o && o->type == OBJ_STR &&
		     !strcmp((const char *)o->bytes, "LNRO0005");
		snprintf(path, sizeof(path), "\\_SB_.VR%02u._UID", i);
		o = find_obj(&r, path);
		ok = ok && o && o->type == OBJ_INT && o->value == i;
		snprintf(path, sizeof(path), "\\_SB_.VR%02u._CRS", i);
		o = find_obj(&r, path);
		ok = ok && o &&
		     crs_is(o, &virtio_devs[8 - m->nr_virtio + i]);
		if (!ok)
			tap_diag("device VR%02u is wrong", i);
	}
	o = find_obj(&r, "\\_S5_");
	ok = o && o->type == OBJ_PKG && o->nr_elements == 4 &&
	     o->nr_ints == 4 && o->ints[0] == ACPI_S5_SLP_TYP &&
	     o->ints[1] == ACPI_S5_SLP_TYP && !o->ints[2] && !o->ints[3] && ok;
	if (!o || o->type != OBJ_PKG)
		tap_diag("no \\_S5_ package");
	return ok;
}

/* No two tables share a byte. */
static bool tables_apart(const struct tables *t)
{
	uint64_t at[6] = { t->rsdp, t->xsdt, t->fadt, t->facs, t->dsdt,
			   t->madt };
	uint64_t len[6];
	unsigned int i, j;

	len[0] = 36;
	len[3] = 64;
	for (i = 1; i < 6; i++)
		if (i != 3)
			len[i] = at[i] ? le(ram + at[i] + 4, 4) : 0;
	for (i = 0; i < 6; i++)
		for (j = i + 1; j < 6; j++)
			if (at[i] && at[j] && at[i] < at[j] + len[j] &&
			    at[j] < at[i] + len[i]) {
				tap_diag("tables %u and %u overlap", i, j);
				return false;
			}
	return true;
}

/* ---- iasl, when acpica-tools is installed. */

static bool have_iasl(void)
{
	return system("iasl -v >/dev/null 2>&1") == 0;
}

static bool dump(const char *dir, const char *name, const uint8_t *p,
		 size_t len)
{
	char path[256];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return false;
	ok = fwrite(p, 1, len, f) == len;
	return !fclose(f) && ok;
}

/* Run @cmd in @dir; true when it exits 0 and its output has no errors. */
static bool iasl_clean(const char *dir, const char *args)
{
	char cmd[512], log[256], line[512];
	bool ok;
	FILE *f;
	int st;

	snprintf(log, sizeof(log), "%s/log", dir);
	snprintf(cmd, sizeof(cmd), "cd %s && iasl %s >log 2>&1", dir, args);
	st = system(cmd);
	ok = st != -1 && WIFEXITED(st) && !WEXITSTATUS(st);
	f = fopen(log, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		/* "Compilation complete. 0 Errors, ..." is the good end. */
		bool bad = (strstr(line, "Error") &&
			    !strstr(line, " 0 Errors")) ||
			   strstr(line, "Warning ") ||
			   strstr(line, "Invalid") ||
			   strstr(line, "invalid");

		if (bad || !ok)
			tap_diag("iasl %s: %.*s", args,
				 (int)strcspn(line, "\n"), line);
		ok = ok && !bad;
	}
	fclose(f);
	return ok;
}

static void rm_dir(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		tap_diag("could not remove %s", dir);
}

static bool check_iasl(const struct tables *t)
{
	char dir[] = "/tmp/vmm_acpi_test.XXXXXX";
	bool ok;

	if (!mkdtemp(dir))
		return false;
	/* iasl takes no RSDP on its own: check_rsdp() reads that one. */
	ok = dump(dir, "xsdt.dat", ram + t->xsdt, le(ram + t->xsdt + 4, 4)) &&
	     dump(dir, "facp.dat", ram + t->fadt, le(ram + t->fadt + 4, 4)) &&
	     dump(dir, "facs.dat", ram + t->facs, 64) &&
	     dump(dir, "dsdt.dat", ram + t->dsdt, le(ram + t->dsdt + 4, 4)) &&
	     (!t->madt || dump(dir, "apic.dat", ram + t->madt,
			       le(ram + t->madt + 4, 4)));
	ok = ok && iasl_clean(dir, "-d xsdt.dat") &&
	     iasl_clean(dir, "-d facp.dat") &&
	     iasl_clean(dir, "-d facs.dat") && iasl_clean(dir, "-d dsdt.dat") &&
	     (!t->madt || iasl_clean(dir, "-d apic.dat"));
	/* The disassembled DSDT compiles back. */
	ok = ok && iasl_clean(dir, "-p dsdt2 dsdt.dsl");
	rm_dir(dir);
	return ok;
}

static void test_machine(const struct machine *m, bool iasl)
{
	struct acpi_config cfg = {
		.nr_cpus = m->cpus,
		.apics = m->apics,
		.virtio = virtio_devs + 8 - m->nr_virtio,
		.nr_virtio = m->nr_virtio,
	};
	struct tables t = { 0 };
	bool built;

	ram_setup(RAM_SIZE);
	t.rsdp = acpi_build(&mem, &cfg);
	built = t.rsdp != 0;
	tap_result(built && check_rsdp(t.rsdp, &t), "%s: RSDP", m->name);
	tap_result(built && check_xsdt(m, &t), "%s: XSDT", m->name);
	tap_result(built && t.fadt && check_fadt(&t), "%s: FADT", m->name);
	tap_result(built && t.facs && check_facs(&t), "%s: FACS", m->name);
	if (m->apics)
		tap_result(built && t.madt && check_madt(m, &t), "%s: MADT",
			   m->name);
	else
		tap_result(built && !t.madt, "%s: no MADT", m->name);
	tap_result(built && t.dsdt && check_dsdt(m, &t) && tables_apart(&t),
		   "%s: DSDT", m->name);
	if (!iasl)
		tap_skip("iasl not installed (acpica-tools)", "%s: iasl",
			 m->name);
	else
		tap_result(built && t.dsdt && t.facs && check_iasl(&t),
			   "%s: iasl -d is clean", m->name);
	ram_free();
}

/*
 * "5.2.9 Fixed ACPI Description Table (FADT)", FIRMWARE_CTRL: "If the
 * X_FIRMWARE_CTRL field contains a non zero value then this field must
 * be zero."
 */
static void test_facs_named_once(void)
{
	struct acpi_config cfg = { .nr_cpus = 1 };
	struct tables t = { 0 };
	const uint8_t *f;
	bool ok;

	ram_setup(RAM_SIZE);
	t.rsdp = acpi_build(&mem, &cfg);
	ok = t.rsdp && check_rsdp(t.rsdp, &t) &&
	     check_xsdt(&machines[0], &t);
	f = ok ? table_at(t.fadt, "FACP") : NULL;
	ok = f && (le(f + 36, 4) != 0) != (le(f + 132, 8) != 0);
	if (f && !ok)
		tap_diag("FIRMWARE_CTRL %#llx, X_FIRMWARE_CTRL %#llx",
			 (unsigned long long)le(f + 36, 4),
			 (unsigned long long)le(f + 132, 8));
	ram_free();
	tap_result(ok, "FADT: the FACS named in one field only");
}

static void test_build_refusals(void)
{
	struct acpi_config cfg = { .nr_cpus = 1, .apics = true };
	bool ok;

	/* RAM that ends inside the table area. */
	ram_setup(AREA_END - 1);
	ok = tap_check_u64("RSDP", acpi_build(&mem, &cfg), 0);
	ram_free();
	tap_result(ok, "refused: the table area is not all RAM");

	ram_setup(RAM_SIZE);
	cfg.nr_cpus = ACPI_TABLES_SIZE / 8;
	ok = tap_check_u64("RSDP", acpi_build(&mem, &cfg), 0);
	ram_free();
	tap_result(ok, "refused: a MADT that does not fit");
}

/* ---- The encoder on its own. */

struct int_case {
	uint64_t value;
	uint8_t bytes[9];
	unsigned int n;
};

static const struct int_case int_cases[] = {
	{ 0, { 0x00 }, 1 },
	{ 1, { 0x01 }, 1 },
	{ 2, { 0x0a, 0x02 }, 2 },
	{ 0xff, { 0x0a, 0xff }, 2 },
	{ 0x100, { 0x0b, 0x00, 0x01 }, 3 },
	{ 0xffff, { 0x0b, 0xff, 0xff }, 3 },
	{ 0x10000, { 0x0c, 0x00, 0x00, 0x01, 0x00 }, 5 },
	{ 0xffffffff, { 0x0c, 0xff, 0xff, 0xff, 0xff }, 5 },
	{ 1ULL << 32, { 0x0e, 0, 0, 0, 0, 1, 0, 0, 0 }, 9 },
	{ 0x0123456789abcdefULL,
	  { 0x0e, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01 }, 9 },
	{ UINT64_MAX, { 0x0e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xff }, 9 },
};

static bool bytes_are(const struct aml *a, const uint8_t *want, size_t n)
{
	size_t i;

	if (a->overflow || a->len != n) {
		tap_diag("%zu bytes%s, want %zu", a->len,
			 a->overflow ? " (overflow)" : "", n);
		return false;
	}
	if (!memcmp(a->buf, want, n))
		return true;
	for (i = 0; i < n; i++)
		if (a->buf[i] != want[i])
			tap_diag("byte %zu is %#x, want %#x", i, a->buf[i],
				 want[i]);
	return false;
}

static void test_integers(void)
{
	static struct aml a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(int_cases); i++) {
		memset(&a, 0, sizeof(a));
		aml_integer(&a, int_cases[i].value);
		tap_result(bytes_are(&a, int_cases[i].bytes, int_cases[i].n),
			   "aml_integer(%#llx)",
			   (unsigned long long)int_cases[i].value);
	}
}

/*
 * A package whose body (NumElements and what follows) is @body bytes:
 * the PkgLength must be @enc. The 3- and 4-byte forms need more than
 * AML_MAX bytes, so the largest body that fits ends the table.
 */
struct pkg_case {
	size_t body;
	uint8_t enc[4];
	unsigned int n;
};

static const struct pkg_case pkg_cases[] = {
	{ 1, { 0x02 }, 1 },
	{ 62, { 0x3f }, 1 },			/* 63 with itself */
	{ 63, { 0x41, 0x04 }, 2 },		/* 65: two bytes */
	{ 64, { 0x42, 0x04 }, 2 },
	{ 0xff, { 0x41, 0x10 }, 2 },		/* 0x101 */
	{ 4000, { 0x42, 0xfa }, 2 },		/* 4002 */
	{ AML_MAX - 5, { 0x4d, 0xff }, 2 },	/* 4093: all that fits */
};

static void test_pkg_lengths(void)
{
	static struct aml a;
	static uint8_t filler[AML_MAX];
	unsigned int i;

	memset(filler, 0x0a, sizeof(filler));
	for (i = 0; i < ARRAY_SIZE(pkg_cases); i++) {
		const struct pkg_case *c = &pkg_cases[i];
		size_t mark;
		bool ok;

		memset(&a, 0, sizeof(a));
		mark = aml_package_begin(&a, 7);
		aml_bytes(&a, filler, c->body - 1);
		aml_end(&a, mark);
		ok = !a.overflow && a.len == 1 + c->n + c->body &&
		     a.buf[0] == 0x12 && !memcmp(a.buf + 1, c->enc, c->n) &&
		     a.buf[1 + c->n] == 7 &&
		     !memcmp(a.buf + 2 + c->n, filler, c->body - 1);
		if (!ok)
			tap_diag("%zu bytes, PkgLength %#x %#x%s", a.len,
				 a.buf[1], a.buf[2],
				 a.overflow ? ", overflow" : "");
		tap_result(ok, "PkgLength of a %zu-byte body: %u byte(s)",
			   c->body, c->n);
	}

	/* One byte more than AML_MAX holds: the table is void. */
	memset(&a, 0, sizeof(a));
	i = aml_package_begin(&a, 7);
	aml_bytes(&a, filler, AML_MAX - 5);
	aml_end(&a, i);
	tap_result(a.overflow, "a package past AML_MAX overflows");
}

static void test_encoder_pieces(void)
{
	static const uint8_t str[] = { 0x0d, 'L', 'N', 'R', 'O', '0', '0',
				       '0', '5', 0x00 };
	static const uint8_t name[] = { 0x08, '_', 'H', 'I', 'D' };
	static const uint8_t mem32[] = { 0x86, 0x09, 0x00, 0x01, 0x00, 0x20,
					 0x00, 0xd0, 0x00, 0x02, 0x00, 0x00 };
	static const uint8_t mem32_ro[] = { 0x86, 0x09, 0x00, 0x00, 0x78,
					    0x56, 0x34, 0x12, 0xff, 0xff,
					    0xff, 0xff };
	static const uint8_t irq_edge_high[] = { 0x89, 0x06, 0x00, 0x03, 0x01,
						 0x05, 0x00, 0x00, 0x00 };
	static const uint8_t irq_level_low[] = { 0x89, 0x06, 0x00, 0x05, 0x01,
						 0x10, 0x01, 0x00, 0x00 };
	static const uint8_t end[] = { 0x79, 0x00 };
	static const uint8_t buf[] = { 0x11, 0x08, 0x0c, 0x02, 0x00, 0x00,
				       0x00, 0x79, 0x00, 0xaa, 0xbb };
	static const uint8_t dev[] = { 0x5b, 0x82, 0x0c, 'V', 'R', '0', '0',
				       0x08, '_', 'U', 'I', 'D', 0x0a, 0x2a };
	static const uint8_t scope[] = { 0x10, 0x06, '\\', '_', 'S', 'B',
					 '_' };
	static struct aml a;
	size_t mark;

	memset(&a, 0, sizeof(a));
	aml_string(&a, "LNRO0005");
	tap_result(bytes_are(&a, str, sizeof(str)), "aml_string");

	memset(&a, 0, sizeof(a));
	aml_name(&a, "_HID");
	tap_result(bytes_are(&a, name, sizeof(name)), "aml_name");

	memset(&a, 0, sizeof(a));
	aml_res_memory32_fixed(&a, 0xd0002000, 0x200, true);
	tap_result(bytes_are(&a, mem32, sizeof(mem32)),
		   "Memory32Fixed, ReadWrite");
	memset(&a, 0, sizeof(a));
	aml_res_memory32_fixed(&a, 0x12345678, 0xffffffff, false);
	tap_result(bytes_are(&a, mem32_ro, sizeof(mem32_ro)),
		   "Memory32Fixed, ReadOnly");

	memset(&a, 0, sizeof(a));
	aml_res_interrupt(&a, 5, true, false);
	tap_result(bytes_are(&a, irq_edge_high, sizeof(irq_edge_high)),
		   "Interrupt: consumer, edge, active high");
	memset(&a, 0, sizeof(a));
	aml_res_interrupt(&a, 0x110, false, true);
	tap_result(bytes_are(&a, irq_level_low, sizeof(irq_level_low)),
		   "Interrupt: consumer, level, active low");

	memset(&a, 0, sizeof(a));
	aml_res_end(&a);
	tap_result(bytes_are(&a, end, sizeof(end)), "end tag");

	memset(&a, 0, sizeof(a));
	mark = aml_buffer_begin(&a);
	aml_res_end(&a);
	aml_buffer_end(&a, mark);
	aml_bytes(&a, (const uint8_t[]){ 0xaa, 0xbb }, 2);
	tap_result(bytes_are(&a, buf, sizeof(buf)),
		   "buffer: size, then bytes; what follows stays");

	memset(&a, 0, sizeof(a));
	mark = aml_device_begin(&a, "VR00");
	aml_name(&a, "_UID");
	aml_integer(&a, 42);
	aml_end(&a, mark);
	tap_result(bytes_are(&a, dev, sizeof(dev)), "device");

	memset(&a, 0, sizeof(a));
	mark = aml_scope_begin(&a, "_SB_");
	aml_end(&a, mark);
	tap_result(bytes_are(&a, scope, sizeof(scope)), "empty scope");
}

/* Nesting: inner objects close up before the outer one measures. */
static void test_nesting(void)
{
	static struct aml a;
	static struct aml_reader r;
	static uint8_t filler[200];
	const struct aml_obj *o;
	size_t s, d, b, p;
	bool ok;

	memset(&a, 0, sizeof(a));
	memset(filler, 0, sizeof(filler));
	s = aml_scope_begin(&a, "_SB_");
	d = aml_device_begin(&a, "DEV0");
	aml_name(&a, "BUF0");
	b = aml_buffer_begin(&a);
	aml_bytes(&a, filler, sizeof(filler));	/* the inner one: 2 bytes */
	aml_buffer_end(&a, b);
	aml_name(&a, "PKG0");
	p = aml_package_begin(&a, 3);
	aml_integer(&a, 0);
	aml_integer(&a, 0x1234);
	aml_integer(&a, 1ULL << 40);
	aml_end(&a, p);
	aml_end(&a, d);
	aml_name(&a, "INT0");
	aml_integer(&a, 77);
	aml_end(&a, s);
	aml_name(&a, "STR0");
	aml_string(&a, "");

	memset(&r, 0, sizeof(r));
	r.p = a.buf;
	ok = !a.overflow && read_term_list(&r, a.len, "\\");
	if (!ok)
		tap_diag("AML: %s", r.why);
	o = find_obj(&r, "\\_SB_.DEV0.BUF0");
	ok = ok && o && o->type == OBJ_BUF && o->len == sizeof(filler);
	o = find_obj(&r, "\\_SB_.DEV0.PKG0");
	ok = ok && o && o->type == OBJ_PKG && o->nr_elements == 3 &&
	     o->nr_ints == 3 && o->ints[1] == 0x1234 &&
	     o->ints[2] == 1ULL << 40;
	o = find_obj(&r, "\\_SB_.INT0");
	ok = ok && o && o->type == OBJ_INT && o->value == 77;
	o = find_obj(&r, "\\STR0");
	ok = ok && o && o->type == OBJ_STR && o->len == 0;
	tap_result(ok, "nested scope, device, buffer and package read back");
}

/* Past AML_MAX: the flag sets, nothing is written past the buffer. */
static void test_overflow(void)
{
	static struct aml a;
	static uint8_t filler[AML_MAX];
	size_t mark, len;
	bool ok;

	memset(&a, 0, sizeof(a));
	aml_bytes(&a, filler, AML_MAX - 3);
	mark = aml_buffer_begin(&a);
	len = a.len;
	aml_res_end(&a);
	aml_buffer_end(&a, mark);
	ok = a.overflow && a.len <= AML_MAX;
	aml_integer(&a, 5);
	ok = ok && a.overflow && a.len == len;
	memset(&a, 0, sizeof(a));
	aml_bytes(&a, filler, AML_MAX);
	ok = ok && !a.overflow && a.len == AML_MAX;
	aml_bytes(&a, filler, 0);
	ok = ok && !a.overflow;
	aml_string(&a, "");
	ok = ok && a.overflow && a.len == AML_MAX;
	tap_result(ok, "overflow: flagged, and the length stays in bounds");
}

int main(void)
{
	bool iasl = have_iasl();
	unsigned int i;

	tap_plan(ARRAY_SIZE(machines) * CHECKS_PER_MACHINE + 1 + 2 +
		 ARRAY_SIZE(int_cases) + ARRAY_SIZE(pkg_cases) + 1 + 10 + 1 +
		 1);
	for (i = 0; i < ARRAY_SIZE(machines); i++)
		test_machine(&machines[i], iasl);
	test_facs_named_once();
	test_build_refusals();
	test_integers();
	test_pkg_lengths();
	test_encoder_pieces();
	test_nesting();
	test_overflow();
	return tap_finish();
}

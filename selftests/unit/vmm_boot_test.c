// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM and the Linux boot protocol (userspace/vmm/guest_mem.c,
 * boot.c): guest_ptr() at every edge of a one- and a two-range layout;
 * boot_image_parse() on synthetic bzImages, each broken in one way;
 * boot_load() into guest RAM: where the kernel and initrd go,
 * boot_params, the command line, the e820 map, the page tables and the
 * GDT, and what it refuses. If Debian's kernel is in the cache the rig
 * fills, it is parsed and loaded too.
 */
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../lib/tap.h"
#include "boot.h"
#include "guest_mem.h"

#define KIB		(1ULL << 10)
#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)
#define TOP		UINT64_MAX

#define HOLE		(3 * GIB)	/* VMM_MEM_HOLE_START */
#define RSDP_GPA	0xe0000ULL

/* ---- guest_ptr(): a made-up host address, never dereferenced. */

#define FAKE_HOST	((uint8_t *)0x100000000000ULL)

struct ptr_case {
	uint64_t gpa;
	uint64_t len;
	int64_t want;		/* offset into the mapping, or -1 for NULL */
};

/* RAM at [0, 3 GiB) and [4 GiB, 6 GiB): host offsets 0 and 3 GiB. */
static const struct ptr_case two_range_cases[] = {
	{ 0, 0, 0 },
	{ 0, 1, 0 },
	{ 0, HOLE, 0 },
	{ 0, HOLE + 1, -1 },
	{ 0x1000, HOLE - 0x1000, 0x1000 },
	{ 0x1000, HOLE - 0xfff, -1 },
	{ HOLE - 1, 0, HOLE - 1 },
	{ HOLE - 1, 1, HOLE - 1 },
	{ HOLE - 1, 2, -1 },		/* into the hole */
	{ HOLE, 0, -1 },
	{ HOLE, 1, -1 },
	{ 0xfee00000, 4, -1 },
	{ 4 * GIB - 1, 1, -1 },
	{ 4 * GIB - 1, 2, -1 },		/* out of the hole */
	{ HOLE - 1, GIB + 2, -1 },	/* across the hole */
	{ 0, 6 * GIB, -1 },		/* everything, hole and all */
	{ 4 * GIB, 0, HOLE },
	{ 4 * GIB, 1, HOLE },
	{ 4 * GIB, 2 * GIB, HOLE },
	{ 4 * GIB, 2 * GIB + 1, -1 },
	{ 6 * GIB - 1, 1, 5 * GIB - 1 },
	{ 6 * GIB - 1, 2, -1 },
	{ 6 * GIB, 0, -1 },
	{ 6 * GIB, 1, -1 },
	{ 0, TOP, -1 },
	{ 1, TOP, -1 },			/* 1 + len wraps to 0 */
	{ 0x1000, TOP - 0xfff, -1 },	/* gpa + len wraps to 0 */
	{ 4 * GIB, TOP - 4 * GIB + 1, -1 },
	{ 4 * GIB + 1, TOP, -1 },
	{ TOP, 0, -1 },
	{ TOP, 1, -1 },
	{ TOP, TOP, -1 },
	{ TOP - 4 * GIB + 1, 4 * GIB, -1 },
	/* gpa - range start wraps for every range */
	{ TOP - 0xfff, 0x1000, -1 },
};

/* One range: [0, 512 MiB). */
static const struct ptr_case one_range_cases[] = {
	{ 0, 0, 0 },
	{ 0, 512 * MIB, 0 },
	{ 0, 512 * MIB + 1, -1 },
	{ 512 * MIB - 1, 1, 512 * MIB - 1 },
	{ 512 * MIB - 1, 2, -1 },
	{ 512 * MIB, 0, -1 },
	{ 4 * GIB, 1, -1 },
	{ 256 * MIB, TOP, -1 },
	{ TOP, 1, -1 },
};

static void test_ptr_cases(const char *layout, const struct guest_mem *mem,
			   const struct ptr_case *cases, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct ptr_case *c = &cases[i];
		uint8_t *p = guest_ptr(mem, c->gpa, c->len);
		uint8_t *want = c->want < 0 ? NULL : mem->host + c->want;

		if (p != want)
			tap_diag("got %p, want %p", (void *)p, (void *)want);
		tap_result(p == want, "guest_ptr %s: %#llx + %#llx", layout,
			   (unsigned long long)c->gpa,
			   (unsigned long long)c->len);
	}
}

static void test_guest_ptr(void)
{
	struct guest_mem two = {
		.host = FAKE_HOST, .size = 5 * GIB, .nr_ranges = 2,
		.ranges = { { 0, HOLE, FAKE_HOST },
			    { 4 * GIB, 2 * GIB, FAKE_HOST + HOLE } },
	};
	struct guest_mem one = {
		.host = FAKE_HOST, .size = 512 * MIB, .nr_ranges = 1,
		.ranges = { { 0, 512 * MIB, FAKE_HOST } },
	};

	test_ptr_cases("two ranges", &two, two_range_cases,
		       ARRAY_SIZE(two_range_cases));
	test_ptr_cases("one range", &one, one_range_cases,
		       ARRAY_SIZE(one_range_cases));
}

/* guest_mem_create() splits at the hole; the memory is not touched. */
struct layout_case {
	uint64_t size;
	unsigned int nr_ranges;
	uint64_t low, high;
};

static const struct layout_case layout_cases[] = {
	{ 32 * MIB, 1, 32 * MIB, 0 },
	{ HOLE, 1, HOLE, 0 },
	{ HOLE + 4 * KIB, 2, HOLE, 4 * KIB },
	{ 5 * GIB, 2, HOLE, 2 * GIB },
};

static void test_layouts(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(layout_cases); i++) {
		const struct layout_case *c = &layout_cases[i];
		struct guest_mem mem;
		int r = guest_mem_create(&mem, c->size, HOLE);
		bool ok = tap_check_u64("guest_mem_create", r, 0);

		if (!r) {
			ok = tap_check_u64("size", mem.size, c->size) && ok;
			ok = tap_check_u64("ranges", mem.nr_ranges,
					   c->nr_ranges) && ok;
			ok = tap_check_u64("low gpa", mem.ranges[0].gpa, 0) &&
			     ok;
			ok = tap_check_u64("low size", mem.ranges[0].size,
					   c->low) && ok;
			ok = (mem.ranges[0].host == mem.host) && ok;
			if (c->nr_ranges > 1) {
				ok = tap_check_u64("high gpa",
						   mem.ranges[1].gpa,
						   4 * GIB) && ok;
				ok = tap_check_u64("high size",
						   mem.ranges[1].size,
						   c->high) && ok;
				ok = (mem.ranges[1].host ==
				      mem.host + HOLE) && ok;
				ok = guest_ptr(&mem, 4 * GIB + c->high - 1,
					       1) == mem.host + c->size - 1 &&
				     ok;
			}
			ok = !guest_ptr(&mem, HOLE, 1) && ok;
			guest_mem_destroy(&mem);
			ok = !mem.host && !mem.nr_ranges && ok;
		}
		tap_result(ok, "guest_mem_create: %llu MiB",
			   (unsigned long long)(c->size >> 20));
	}
}

/* ---- Synthetic bzImages. */

#define SETUP_HDR		0x1f1
/* The end of the 2.15 header: 0x202 + the jump's displacement. */
#define HDR_JUMP_FULL		(0x26c - 0x202)

struct image_spec {
	uint8_t setup_sects;
	uint16_t version;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t init_size;
	uint32_t kernel_alignment;
	uint8_t relocatable;
	uint64_t pref_address;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	uint8_t jump;			/* the byte at 0x201 */
	size_t kernel_size;		/* after the setup sectors */
};

/*
 * What Debian's 6.1 kernel says, with a small payload; IMAGE() changes
 * the fields the parser judges.
 */
#define IMAGE(sects, ver, lf, xlf, init)				\
	{ .setup_sects = (sects), .version = (ver), .loadflags = (lf),	\
	  .xloadflags = (xlf), .init_size = (init),			\
	  .kernel_alignment = 2 * MIB, .relocatable = 1,		\
	  .pref_address = 16 * MIB, .cmdline_size = 2047,		\
	  .initrd_addr_max = 0x7fffffff, .jump = HDR_JUMP_FULL,		\
	  .kernel_size = 64 * KIB }
#define XLF_64		(XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G)
#define GOOD		IMAGE(39, 0x020f, LOADED_HIGH, XLF_64, 8 * MIB)

static const struct image_spec good_image = GOOD;

static uint8_t kernel_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static size_t image_kernel_offset(const struct image_spec *s)
{
	return ((s->setup_sects ? s->setup_sects : 4) + 1) * 512;
}

/* A bzImage as @s describes; the caller frees it. */
static uint8_t *make_image(const struct image_spec *s, size_t *size)
{
	size_t off = image_kernel_offset(s), i;
	struct setup_header hdr = { 0 };
	uint8_t *img;

	*size = off + s->kernel_size;
	img = calloc(1, *size);
	if (!img)
		exit(1);
	/* Setup code bytes: never zero, so a bad copy shows. */
	for (i = 0; i < off; i++)
		img[i] = 0xc3;
	hdr.setup_sects = s->setup_sects;
	hdr.syssize = s->kernel_size / 16;
	hdr.boot_flag = 0xaa55;
	hdr.jump = 0xeb | s->jump << 8;
	hdr.header = 0x53726448;
	hdr.version = s->version;
	hdr.type_of_loader = 0;
	hdr.loadflags = s->loadflags;
	hdr.code32_start = 0x100000;
	hdr.initrd_addr_max = s->initrd_addr_max;
	hdr.kernel_alignment = s->kernel_alignment;
	hdr.relocatable_kernel = s->relocatable;
	hdr.min_alignment = 21;
	hdr.xloadflags = s->xloadflags;
	hdr.cmdline_size = s->cmdline_size;
	hdr.pref_address = s->pref_address;
	hdr.init_size = s->init_size;
	hdr.handover_offset = 0x190;
	hdr.kernel_info_offset = 0x12345678;
	memcpy(img + SETUP_HDR, &hdr, sizeof(hdr));
	for (i = 0; i < s->kernel_size; i++)
		img[off + i] = kernel_byte(i);
	return img;
}

struct parse_case {
	const char *name;
	struct image_spec spec;
	size_t cut;			/* bytes to drop from the end */
	size_t keep;			/* nonzero: only this many bytes */
	int patch_at;			/* nonzero: set this byte */
	uint8_t patch;
	int want;
	const char *err;		/* a word the reason must have */
};

static const struct parse_case parse_cases[] = {
	{ "a good image", GOOD, .want = 0 },
	{ "empty file", GOOD, .cut = 40 * 512 + 64 * KIB, .want = -EINVAL,
	  .err = "bzImage" },
	{ "a one-byte file", GOOD, .keep = 1, .want = -EINVAL,
	  .err = "bzImage" },
	{ "cut inside the header", GOOD, .keep = 0x260, .want = -EINVAL,
	  .err = "bzImage" },
	{ "one byte short of the header", GOOD,
	  .keep = SETUP_HDR + sizeof(struct setup_header) - 1,
	  .want = -EINVAL, .err = "bzImage" },
	{ "no boot flag", GOOD, .patch_at = 0x1fe, .patch = 0x54,
	  .want = -EINVAL, .err = "bzImage" },
	{ "no HdrS", GOOD, .patch_at = 0x205, .patch = 's', .want = -EINVAL,
	  .err = "bzImage" },
	{ "protocol 2.11", IMAGE(39, 0x020b, LOADED_HIGH, XLF_64, 8 * MIB),
	  .want = -EINVAL, .err = "2.11" },
	{ "protocol 2.12", IMAGE(39, 0x020c, LOADED_HIGH, XLF_64, 8 * MIB),
	  .want = 0 },
	{ "protocol 1.00", IMAGE(39, 0x0100, LOADED_HIGH, XLF_64, 8 * MIB),
	  .want = -EINVAL, .err = "too old" },
	{ "32-bit only", IMAGE(39, 0x020f, LOADED_HIGH,
	  XLF_CAN_BE_LOADED_ABOVE_4G, 8 * MIB), .want = -EINVAL,
	  .err = "64-bit" },
	{ "zImage (not LOADED_HIGH)", IMAGE(39, 0x020f, 0, XLF_64, 8 * MIB),
	  .want = -EINVAL, .err = "64-bit" },
	{ "setup_sects 0 means 4", IMAGE(0, 0x020f, LOADED_HIGH, XLF_64,
	  8 * MIB), .want = 0 },
	{ "setup_sects 255", IMAGE(255, 0x020f, LOADED_HIGH, XLF_64, 8 * MIB),
	  .want = 0 },
	{ "no kernel after the setup sectors", GOOD, .cut = 64 * KIB,
	  .want = -EINVAL, .err = "truncated" },
	{ "setup sectors cut short", GOOD, .cut = 64 * KIB + 1,
	  .want = -EINVAL, .err = "truncated" },
	{ "a one-byte kernel", GOOD, .cut = 64 * KIB - 1, .want = 0 },
	{ "init_size smaller than the kernel", IMAGE(39, 0x020f, LOADED_HIGH,
	  XLF_64, 64 * KIB - 1), .want = -EINVAL, .err = "init_size" },
	{ "init_size exactly the kernel", IMAGE(39, 0x020f, LOADED_HIGH,
	  XLF_64, 64 * KIB), .want = 0 },
	{ "init_size 0", IMAGE(39, 0x020f, LOADED_HIGH, XLF_64, 0),
	  .want = -EINVAL, .err = "init_size" },
};

static void test_parse_case(const struct parse_case *c)
{
	char err[128] = "";
	struct boot_image img;
	size_t size, len;
	uint8_t *data = make_image(&c->spec, &size);
	bool ok;
	int r;

	len = c->keep ? c->keep : size - c->cut;
	if (c->patch_at)
		data[c->patch_at] = c->patch;
	r = boot_image_parse(&img, data, len, err, sizeof(err));
	ok = tap_check_u64("result", r, c->want);
	if (!r && !c->want) {
		size_t off = image_kernel_offset(&c->spec);

		ok = tap_check_u64("kernel_offset", img.kernel_offset, off) &&
		     ok;
		ok = tap_check_u64("kernel_size", img.kernel_size, len - off) &&
		     ok;
		ok = (img.data == data && img.size == len) && ok;
		ok = tap_check_u64("hdr.version", img.hdr.version,
				   c->spec.version) && ok;
		ok = tap_check_u64("hdr.init_size", img.hdr.init_size,
				   c->spec.init_size) && ok;
	} else if (r && c->err && (!strstr(err, c->err) || strchr(err, '\n'))) {
		tap_diag("reason '%s' should say '%s' in one line", err,
			 c->err);
		ok = false;
	}
	if (r)
		tap_diag("reason: %s", err);
	free(data);
	tap_result(ok, "parse: %s", c->name);
}

/* ---- Loading into guest RAM. */

static struct guest_mem mem;

static void ram_create(uint64_t size)
{
	if (guest_mem_create(&mem, size, HOLE)) {
		tap_diag("guest_mem_create(%llu MiB) failed",
			 (unsigned long long)(size >> 20));
		exit(1);
	}
}

/* A fresh RAM for each load, full of garbage the loader must not need. */
static void ram_fresh(uint64_t size)
{
	ram_create(size);
	memset(mem.host, 0xa5, size < 2 * MIB ? size : 2 * MIB);
}

static uint8_t *gp(uint64_t gpa, uint64_t len)
{
	return guest_ptr(&mem, gpa, len);
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, gp(gpa, 8), 8);
	return v;
}

static bool kernel_in_place(uint64_t load, size_t kernel_size)
{
	const uint8_t *p = gp(load, kernel_size);
	size_t i;

	if (!p)
		return false;
	for (i = 0; i < kernel_size; i++)
		if (p[i] != kernel_byte(i)) {
			tap_diag("kernel byte %zu differs", i);
			return false;
		}
	return true;
}

static uint8_t *make_initrd(size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	size_t i;

	if (!p)
		exit(1);
	for (i = 0; i < size; i++)
		p[i] = (uint8_t)(i * 13 + 1);
	return p;
}

struct loaded {
	struct boot_image img;
	uint8_t *data;
	size_t size;
	struct boot_entry entry;
	char err[160];
	int r;
};

static void load(struct loaded *l, const struct image_spec *s,
		 const uint8_t *initrd, size_t initrd_size,
		 const char *cmdline)
{
	memset(l, 0, sizeof(*l));
	l->data = make_image(s, &l->size);
	if (boot_image_parse(&l->img, l->data, l->size, l->err,
			     sizeof(l->err))) {
		tap_diag("parse: %s", l->err);
		exit(1);
	}
	memset(&l->entry, 0x5a, sizeof(l->entry));
	l->r = boot_load(&mem, &l->img, initrd, initrd_size, cmdline,
			 RSDP_GPA, &l->entry, l->err, sizeof(l->err));
	if (l->r)
		tap_diag("boot_load: %s", l->err);
}

static void unload(struct loaded *l)
{
	free(l->data);
	guest_mem_destroy(&mem);
}

/* The whole of a good load, field by field. */
static void test_load_good(void)
{
	static const char cmdline[] = "console=ttyS0 panic=-1 quiet";
	const size_t initrd_size = 10000;
	uint8_t *initrd = make_initrd(initrd_size);
	struct boot_params *bp;
	struct loaded l;
	bool ok;

	ram_fresh(64 * MIB);
	load(&l, &good_image, initrd, initrd_size, cmdline);
	ok = tap_check_u64("boot_load", l.r, 0);
	tap_result(ok, "load: a good image with an initrd");
	if (l.r) {
		tap_skip("no load", "load: kernel");
		tap_skip("no load", "load: entry");
		tap_skip("no load", "load: initrd");
		tap_skip("no load", "load: command line");
		tap_skip("no load", "load: boot_params");
		tap_skip("no load", "load: header copy");
		goto out;
	}
	bp = (struct boot_params *)gp(BOOT_PARAMS_GPA, sizeof(*bp));

	ok = tap_check_u64("load_addr", l.entry.load_addr, 16 * MIB);
	ok = kernel_in_place(l.entry.load_addr, good_image.kernel_size) && ok;
	tap_result(ok, "load: kernel at pref_address");

	ok = tap_check_u64("rip", l.entry.rip, l.entry.load_addr + 0x200);
	tap_result(ok, "load: entry 0x200 into the kernel");

	/* Page aligned, as high as low RAM allows, above init_size. */
	ok = tap_check_u64("initrd_size", l.entry.initrd_size, initrd_size);
	ok = tap_check_u64("initrd_addr", l.entry.initrd_addr,
			   (64 * MIB - initrd_size) & ~0xfffULL) && ok;
	ok = l.entry.initrd_addr >= l.entry.load_addr + good_image.init_size &&
	     ok;
	ok = gp(l.entry.initrd_addr, initrd_size) &&
	     !memcmp(gp(l.entry.initrd_addr, initrd_size), initrd,
		     initrd_size) && ok;
	tap_result(ok, "load: initrd at the top of RAM, page aligned");

	ok = tap_check_u64("cmd_line_ptr", bp->hdr.cmd_line_ptr,
			   BOOT_CMDLINE_GPA);
	ok = !memcmp(gp(BOOT_CMDLINE_GPA, sizeof(cmdline)), cmdline,
		     sizeof(cmdline)) && ok;
	tap_result(ok, "load: command line with its NUL");

	ok = tap_check_u64("ramdisk_image", bp->hdr.ramdisk_image,
			   l.entry.initrd_addr);
	ok = tap_check_u64("ramdisk_size", bp->hdr.ramdisk_size,
			   initrd_size) && ok;
	ok = tap_check_u64("type_of_loader", bp->hdr.type_of_loader, 0xff) &&
	     ok;
	ok = tap_check_u64("code32_start", bp->hdr.code32_start,
			   l.entry.load_addr) && ok;
	ok = tap_check_u64("acpi_rsdp_addr", bp->acpi_rsdp_addr, RSDP_GPA) &&
	     ok;
	ok = tap_check_u64("ext_ramdisk_image", bp->ext_ramdisk_image, 0) &&
	     ok;
	ok = tap_check_u64("ext_cmd_line_ptr", bp->ext_cmd_line_ptr, 0) && ok;
	ok = tap_check_u64("sentinel", bp->sentinel, 0) && ok;
	ok = tap_check_u64("hdr.setup_data", bp->hdr.setup_data, 0) && ok;
	tap_result(ok, "load: boot_params fields");

	/* Fields from the file's header come through as they were. */
	ok = tap_check_u64("boot_flag", bp->hdr.boot_flag, 0xaa55);
	ok = tap_check_u64("header", bp->hdr.header, 0x53726448) && ok;
	ok = tap_check_u64("version", bp->hdr.version, 0x020f) && ok;
	ok = tap_check_u64("setup_sects", bp->hdr.setup_sects, 39) && ok;
	ok = tap_check_u64("loadflags", bp->hdr.loadflags, LOADED_HIGH) && ok;
	ok = tap_check_u64("init_size", bp->hdr.init_size, 8 * MIB) && ok;
	ok = tap_check_u64("pref_address", bp->hdr.pref_address, 16 * MIB) &&
	     ok;
	ok = tap_check_u64("kernel_info_offset", bp->hdr.kernel_info_offset,
			   0x12345678) && ok;
	tap_result(ok, "load: the setup header copied");
	unload(&l);
out:
	free(initrd);
}

/* The header is copied only to 0x202 + the byte at 0x201. */
static void test_header_length(void)
{
	struct image_spec s = good_image;
	struct boot_params *bp;
	struct loaded l;
	bool ok;

	s.jump = 0x268 - 0x202;		/* a 2.11 header: no kernel_info */
	ram_fresh(64 * MIB);
	load(&l, &s, NULL, 0, "");
	ok = tap_check_u64("boot_load", l.r, 0);
	bp = (struct boot_params *)gp(BOOT_PARAMS_GPA, sizeof(*bp));
	ok = tap_check_u64("handover_offset", bp->hdr.handover_offset,
			   0x190) && ok;
	ok = tap_check_u64("kernel_info_offset", bp->hdr.kernel_info_offset,
			   0) && ok;
	/* Nothing of the file past sizeof(setup_header) either. */
	ok = tap_check_u64("byte after the header",
			   ((uint8_t *)bp)[SETUP_HDR +
					   sizeof(struct setup_header)], 0) &&
	     ok;
	unload(&l);
	tap_result(ok, "load: the header copied only as far as it goes");

	s.jump = 0xff;			/* claims more than there is */
	ram_fresh(64 * MIB);
	load(&l, &s, NULL, 0, "");
	ok = tap_check_u64("boot_load", l.r, 0);
	bp = (struct boot_params *)gp(BOOT_PARAMS_GPA, sizeof(*bp));
	ok = tap_check_u64("kernel_info_offset", bp->hdr.kernel_info_offset,
			   0x12345678) && ok;
	ok = tap_check_u64("_pad7", bp->_pad7[0], 0) && ok;
	ok = tap_check_u64("e820 entries", bp->e820_entries, 3) && ok;
	unload(&l);
	tap_result(ok, "load: a long jump copies no more than setup_header");
}

/* No initrd: the fields say so. */
static void test_load_no_initrd(void)
{
	struct boot_params *bp;
	struct loaded l;
	bool ok;

	ram_fresh(32 * MIB);
	load(&l, &good_image, NULL, 0, "");
	ok = tap_check_u64("boot_load", l.r, 0);
	bp = (struct boot_params *)gp(BOOT_PARAMS_GPA, sizeof(*bp));
	ok = tap_check_u64("ramdisk_image", bp->hdr.ramdisk_image, 0) && ok;
	ok = tap_check_u64("ramdisk_size", bp->hdr.ramdisk_size, 0) && ok;
	ok = tap_check_u64("initrd_addr", l.entry.initrd_addr, 0) && ok;
	ok = tap_check_u64("initrd_size", l.entry.initrd_size, 0) && ok;
	ok = tap_check_u64("empty command line", *gp(BOOT_CMDLINE_GPA, 1),
			   0) && ok;
	unload(&l);
	tap_result(ok, "load: no initrd, empty command line");
}

/* ---- e820, page tables, GDT. */

struct e820_want {
	uint64_t addr, size;
	uint32_t type;
};

static bool e820_is(const struct boot_params *bp,
		    const struct e820_want *want, unsigned int n)
{
	bool ok = tap_check_u64("e820_entries", bp->e820_entries, n);
	unsigned int i;

	for (i = 0; ok && i < n; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];

		if (e->addr != want[i].addr || e->size != want[i].size ||
		    e->type != want[i].type) {
			tap_diag("e820[%u] is %#llx+%#llx type %u", i,
				 (unsigned long long)e->addr,
				 (unsigned long long)e->size, e->type);
			ok = false;
		}
	}
	return ok;
}

static void test_e820(void)
{
	static const struct e820_want small[] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x100000 - 0x9fc00, 2 },
		{ 0x100000, 64 * MIB - 0x100000, 1 },
	};
	static const struct e820_want big[] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x100000 - 0x9fc00, 2 },
		{ 0x100000, HOLE - 0x100000, 1 },
		{ 4 * GIB, 2 * GIB, 1 },
	};
	struct boot_e820_entry map[8];
	struct boot_params *bp;
	struct loaded l;
	bool ok;

	ram_fresh(64 * MIB);
	load(&l, &good_image, NULL, 0, "");
	bp = (struct boot_params *)gp(BOOT_PARAMS_GPA, sizeof(*bp));
	ok = !l.r && e820_is(bp, small, ARRAY_SIZE(small));
	/* The ACPI tables' area is reserved. */
	ok = ok && bp->e820_table[1].addr <= 0xe0000 &&
	     bp->e820_table[1].addr + bp->e820_table[1].size >= 0xf0000;
	tap_result(ok, "e820: 64 MiB");
	ok = tap_check_u64("too small a map", boot_e820_map(&mem, map, 2), 0);
	tap_result(ok, "e820: no map when it does not fit");
	unload(&l);

	ram_fresh(5 * GIB);
	load(&l, &good_image, NULL, 0, "");
	bp = (struct boot_params *)gp(BOOT_PARAMS_GPA, sizeof(*bp));
	ok = !l.r && e820_is(bp, big, ARRAY_SIZE(big));
	tap_result(ok, "e820: 5 GiB, RAM above 4 GiB");
	unload(&l);
}

#define PT_P		(1ULL << 0)
#define PT_RW		(1ULL << 1)
#define PT_PS		(1ULL << 7)
#define PT_NX		(1ULL << 63)

/* Walk the boot page tables as the CPU would for @va. */
static bool walk(uint64_t cr3, uint64_t va, uint64_t *pa)
{
	uint64_t e;

	e = rd64(cr3 + ((va >> 39) & 511) * 8);
	if (!(e & PT_P) || (e & PT_PS))
		return false;
	e = rd64((e & 0xffffffffff000ULL) + ((va >> 30) & 511) * 8);
	if (!(e & PT_P) || (e & PT_PS))
		return false;
	e = rd64((e & 0xffffffffff000ULL) + ((va >> 21) & 511) * 8);
	if (!(e & PT_P) || !(e & PT_PS) || !(e & PT_RW) || (e & PT_NX))
		return false;
	*pa = (e & 0xfffffffe00000ULL) | (va & (2 * MIB - 1));
	return true;
}

static void test_page_tables_gdt(void)
{
	static const uint64_t mapped[] = {
		0, BOOT_PARAMS_GPA, BOOT_CMDLINE_GPA, 16 * MIB,
		16 * MIB + 8 * MIB - 1, 1 * GIB + 12345, HOLE - 1,
		0xfee00000, 4 * GIB - 1,
	};
	static const uint64_t unmapped[] = { 4 * GIB, 512 * GIB, TOP };
	struct loaded l;
	uint64_t pa, code, data;
	unsigned int i;
	bool ok;

	ram_fresh(64 * MIB);
	load(&l, &good_image, NULL, 0, "");
	ok = !l.r;
	for (i = 0; ok && i < ARRAY_SIZE(mapped); i++)
		if (!walk(BOOT_PML4_GPA, mapped[i], &pa) || pa != mapped[i]) {
			tap_diag("%#llx is not identity mapped",
				 (unsigned long long)mapped[i]);
			ok = false;
		}
	for (i = 0; ok && i < ARRAY_SIZE(unmapped); i++)
		if (walk(BOOT_PML4_GPA, unmapped[i], &pa)) {
			tap_diag("%#llx is mapped",
				 (unsigned long long)unmapped[i]);
			ok = false;
		}
	/* Garbage in RAM must not leak into the tables' other entries. */
	for (i = 1; ok && i < 512; i++)
		ok = tap_check_u64("PML4 entry", rd64(BOOT_PML4_GPA + i * 8),
				   0);
	for (i = 4; ok && i < 512; i++)
		ok = tap_check_u64("PDPT entry", rd64(BOOT_PDPT_GPA + i * 8),
				   0);
	tap_result(ok, "page tables: the low 4 GiB identity mapped, no more");

	/* Selectors 0x10 and 0x18 per the 64-bit boot protocol. */
	code = rd64(BOOT_GDT_GPA + BOOT_CS);
	data = rd64(BOOT_GDT_GPA + BOOT_DS);
	ok = tap_check_u64("null descriptor", rd64(BOOT_GDT_GPA), 0);
	ok = tap_check_u64("code present", code >> 47 & 1, 1) && ok;
	ok = tap_check_u64("code S", code >> 44 & 1, 1) && ok;
	ok = tap_check_u64("code executable", code >> 43 & 1, 1) && ok;
	ok = tap_check_u64("code readable", code >> 41 & 1, 1) && ok;
	ok = tap_check_u64("code DPL", code >> 45 & 3, 0) && ok;
	ok = tap_check_u64("code L", code >> 53 & 1, 1) && ok;
	ok = tap_check_u64("code D", code >> 54 & 1, 0) && ok;
	ok = tap_check_u64("data present", data >> 47 & 1, 1) && ok;
	ok = tap_check_u64("data S", data >> 44 & 1, 1) && ok;
	ok = tap_check_u64("data executable", data >> 43 & 1, 0) && ok;
	ok = tap_check_u64("data writable", data >> 41 & 1, 1) && ok;
	ok = tap_check_u64("data base", (data >> 16 & 0xffffff) |
			   (data >> 32 & 0xff000000), 0) && ok;
	ok = tap_check_u64("data limit", (data & 0xffff) |
			   (data >> 32 & 0xf0000), 0xfffff) && ok;
	ok = tap_check_u64("data G", data >> 55 & 1, 1) && ok;
	tap_result(ok, "GDT: flat 64-bit code at 0x10, data at 0x18");
	/* The structures do not overlap each other. */
	ok = (BOOT_GDT_GPA + 4 * 8 <= BOOT_PARAMS_GPA) &&
	     (BOOT_PARAMS_GPA + sizeof(struct boot_params) <= BOOT_STACK_TOP) &&
	     (BOOT_STACK_TOP <= BOOT_PML4_GPA) &&
	     (BOOT_PML4_GPA + 0x1000 <= BOOT_PDPT_GPA) &&
	     (BOOT_PDPT_GPA + 0x1000 <= BOOT_PD_GPA) &&
	     (BOOT_PD_GPA + 4 * 0x1000 <= BOOT_CMDLINE_GPA) &&
	     (BOOT_CMDLINE_GPA + BOOT_CMDLINE_MAX <= BOOT_EBDA_START);
	tap_result(ok, "boot structures do not overlap");
	unload(&l);
}

/* ---- Where the kernel goes. */

struct place_case {
	const char *name;
	uint64_t pref;
	uint32_t align;
	uint8_t relocatable;
	uint64_t ram;
	int want;
	uint64_t load;		/* 0: only check the invariants */
};

static const struct place_case place_cases[] = {
	{ "pref_address honoured", 16 * MIB, 2 * MIB, 1, 64 * MIB, 0,
	  16 * MIB },
	{ "pref_address aligned up", 17 * MIB, 2 * MIB, 1, 64 * MIB, 0,
	  18 * MIB },
	{ "pref_address below 1 MiB", 0x10000, 2 * MIB, 1, 64 * MIB, 0,
	  2 * MIB },
	{ "no pref_address, 1 MiB alignment", 0, 1 * MIB, 1, 64 * MIB, 0,
	  1 * MIB },
	{ "odd alignment ignored", 16 * MIB + 4096, 3 * MIB, 1, 64 * MIB, 0,
	  16 * MIB + 4096 },
	{ "just fits", 16 * MIB, 2 * MIB, 1, 24 * MIB, 0, 16 * MIB },
	{ "a page short", 16 * MIB, 2 * MIB, 1, 24 * MIB - 4096, -ENOMEM,
	  0 },
	{ "pref_address past RAM", 1 * GIB, 2 * MIB, 1, 64 * MIB, -ENOMEM,
	  0 },
	/* A broken header must not put the kernel on the boot structures. */
	{ "pref_address that wraps when aligned", 0xfffffffffff00000ULL,
	  2 * MIB, 1, 64 * MIB, -ENOMEM, 0 },
	/* Nor above 4 GiB: not identity mapped, code32_start is 32 bits. */
	{ "pref_address above 4 GiB", 4 * GIB, 2 * MIB, 1, 5 * GIB, -ENOMEM,
	  0 },
};

static void test_place_case(const struct place_case *c)
{
	struct image_spec s = good_image;
	struct loaded l;
	bool ok;

	s.pref_address = c->pref;
	s.kernel_alignment = c->align;
	s.relocatable = c->relocatable;
	ram_fresh(c->ram);
	load(&l, &s, NULL, 0, "");
	ok = tap_check_u64("boot_load", l.r, c->want);
	if (!l.r) {
		if (c->load)
			ok = tap_check_u64("load_addr", l.entry.load_addr,
					   c->load) && ok;
		ok = l.entry.load_addr >= BOOT_HIMEM_START &&
		     l.entry.load_addr + s.init_size <= mem.ranges[0].size &&
		     kernel_in_place(l.entry.load_addr, s.kernel_size) && ok;
		ok = tap_check_u64("rip", l.entry.rip,
				   l.entry.load_addr + 0x200) && ok;
	} else if (!strstr(l.err, "memory")) {
		tap_diag("the reason should speak of memory");
		ok = false;
	}
	unload(&l);
	tap_result(ok, "place: %s", c->name);
}

/*
 * A kernel that is not relocatable moves itself to pref_address
 * (boot.rst, "pref_address") and decompresses there: the initrd must
 * stay clear of [pref_address, pref_address + init_size).
 */
static void test_non_relocatable(void)
{
	struct image_spec s = good_image;
	const size_t initrd_size = 12 * MIB;
	uint8_t *initrd = make_initrd(initrd_size);
	struct loaded l;
	bool ok;

	s.relocatable = 0;
	ram_fresh(32 * MIB);
	load(&l, &s, initrd, initrd_size, "");
	ok = l.r || l.entry.initrd_addr >= s.pref_address + s.init_size ||
	     l.entry.initrd_addr + initrd_size <= s.pref_address;
	if (!ok)
		tap_diag("initrd at %#llx, the kernel runs at [%#llx, %#llx)",
			 (unsigned long long)l.entry.initrd_addr,
			 (unsigned long long)s.pref_address,
			 (unsigned long long)(s.pref_address + s.init_size));
	unload(&l);
	free(initrd);
	tap_result(ok, "place: not relocatable, initrd clear of where it runs");
}

/* ---- Initrd placement. */

struct initrd_case {
	const char *name;
	uint64_t ram;
	size_t size;
	uint32_t addr_max;
	int want;
};

/* The kernel occupies [16 MiB, 24 MiB). */
static const struct initrd_case initrd_cases[] = {
	{ "fills RAM above the kernel", 32 * MIB, 8 * MIB, 0x7fffffff, 0 },
	{ "one byte too big", 32 * MIB, 8 * MIB + 1, 0x7fffffff, -ENOMEM },
	{ "bigger than RAM", 32 * MIB, 64 * MIB, 0x7fffffff, -ENOMEM },
	{ "odd size", 64 * MIB, 12345, 0x7fffffff, 0 },
	{ "below initrd_addr_max", 512 * MIB, 1 * MIB, 0x17ffffff, 0 },
	{ "initrd_addr_max just above the kernel", 512 * MIB, 1 * MIB,
	  24 * MIB + 1 * MIB - 1, 0 },
	{ "initrd_addr_max inside the kernel", 512 * MIB, 1 * MIB,
	  20 * MIB, -ENOMEM },
	{ "a 3 GiB machine", HOLE, 100 * MIB, 0x7fffffff, 0 },
	{ "RAM above 4 GiB is not used", 5 * GIB, 100 * MIB, 0xffffffff, 0 },
	{ "an empty initrd", 64 * MIB, 0, 0x7fffffff, 0 },
};

static void test_initrd_case(const struct initrd_case *c)
{
	struct image_spec s = good_image;
	uint8_t *initrd = make_initrd(c->size);
	struct boot_params *bp;
	uint64_t top;
	struct loaded l;
	bool ok;

	s.initrd_addr_max = c->addr_max;
	ram_fresh(c->ram);
	load(&l, &s, initrd, c->size, "");
	ok = tap_check_u64("boot_load", l.r, c->want);
	top = mem.ranges[0].size;
	if (top > (uint64_t)c->addr_max + 1)
		top = (uint64_t)c->addr_max + 1;
	if (!l.r && c->size) {
		uint64_t a = l.entry.initrd_addr;

		bp = (struct boot_params *)gp(BOOT_PARAMS_GPA, sizeof(*bp));
		ok = tap_check_u64("aligned", a & 0xfff, 0) && ok;
		ok = tap_check_u64("as high as it goes", a,
				   (top - c->size) & ~0xfffULL) && ok;
		ok = a >= 24 * MIB && a + c->size - 1 <= c->addr_max && ok;
		ok = !memcmp(gp(a, c->size), initrd, c->size) && ok;
		ok = tap_check_u64("ramdisk_image", bp->hdr.ramdisk_image, a) &&
		     ok;
		ok = tap_check_u64("ramdisk_size", bp->hdr.ramdisk_size,
				   c->size) && ok;
	} else if (!l.r) {
		/* Nothing to point at (or to copy): no initrd at all. */
		bp = (struct boot_params *)gp(BOOT_PARAMS_GPA, sizeof(*bp));
		ok = tap_check_u64("ramdisk_size", bp->hdr.ramdisk_size, 0) &&
		     ok;
		ok = tap_check_u64("ramdisk_image", bp->hdr.ramdisk_image,
				   0) && ok;
	} else if (!strstr(l.err, "initrd")) {
		tap_diag("the reason should name the initrd");
		ok = false;
	}
	unload(&l);
	free(initrd);
	tap_result(ok, "initrd: %s", c->name);
}

/* ---- Command line and memory refusals. */

struct cmdline_case {
	const char *name;
	uint32_t cmdline_size;
	size_t len;
	int want;
};

/* boot.rst: cmdline_size is "the maximum size ... without the zero". */
static const struct cmdline_case cmdline_cases[] = {
	{ "shorter than cmdline_size", 100, 99, 0 },
	{ "exactly cmdline_size", 100, 100, 0 },
	{ "one more than cmdline_size", 100, 101, -E2BIG },
	{ "Debian's 2047", 2047, 2047, 0 },
	{ "Debian's 2047, one more", 2047, 2048, -E2BIG },
	{ "the most we have room for", 0x100000, BOOT_CMDLINE_MAX - 1, 0 },
	{ "more than we have room for", 0x100000, BOOT_CMDLINE_MAX, -E2BIG },
};

static void test_cmdline_case(const struct cmdline_case *c)
{
	struct image_spec s = good_image;
	char *cmdline = malloc(c->len + 1);
	struct loaded l;
	bool ok;

	if (!cmdline)
		exit(1);
	memset(cmdline, 'c', c->len);
	cmdline[c->len] = '\0';
	s.cmdline_size = c->cmdline_size;
	ram_fresh(64 * MIB);
	load(&l, &s, NULL, 0, cmdline);
	ok = tap_check_u64("boot_load", l.r, c->want);
	if (!l.r)
		ok = !memcmp(gp(BOOT_CMDLINE_GPA, c->len + 1), cmdline,
			     c->len + 1) && ok;
	else if (!strstr(l.err, "command line"))
		ok = false;
	unload(&l);
	free(cmdline);
	tap_result(ok, "command line: %s", c->name);
}

static void test_too_little_memory(void)
{
	struct image_spec s = good_image;
	struct loaded l;
	bool ok;

	ram_fresh(2 * MIB - 4096);
	load(&l, &s, NULL, 0, "");
	ok = tap_check_u64("boot_load", l.r, -ENOMEM) &&
	     strstr(l.err, "memory");
	unload(&l);
	tap_result(ok, "refused: less than 2 MiB of RAM");

	s.pref_address = 0;
	s.init_size = 2 * MIB;
	s.kernel_alignment = 1 * MIB;
	ram_fresh(4 * MIB);
	load(&l, &s, NULL, 0, "");
	ok = tap_check_u64("boot_load", l.r, 0) &&
	     tap_check_u64("load_addr", l.entry.load_addr, 1 * MIB);
	unload(&l);
	tap_result(ok, "a tiny kernel in 4 MiB of RAM");
}

/* ---- Debian's own kernel, when the rig has fetched it. */

static uint8_t *read_file(const char *path, size_t *size)
{
	struct stat st;
	uint8_t *buf = NULL;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st))
		buf = malloc(st.st_size + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	*size = fread(buf, 1, st.st_size, f);
	fclose(f);
	return buf;
}

static void test_debian_kernel(void)
{
	const char *home = getenv("HOME");
	char pattern[512], err[160] = "";
	struct boot_entry entry;
	struct boot_image img;
	glob_t g = { 0 };
	uint8_t *data = NULL;
	size_t size = 0;
	bool ok;

	snprintf(pattern, sizeof(pattern),
		 "%s/.cache/kvmlite/*/root/boot/vmlinuz-*", home ? home : "");
	if (home && !glob(pattern, 0, NULL, &g) && g.gl_pathc)
		data = read_file(g.gl_pathv[0], &size);
	if (!data) {
		globfree(&g);
		tap_skip("no Debian kernel in ~/.cache/kvmlite",
			 "Debian kernel: parse");
		tap_skip("no Debian kernel in ~/.cache/kvmlite",
			 "Debian kernel: load");
		return;
	}
	tap_diag("%s", g.gl_pathv[0]);
	globfree(&g);
	ok = tap_check_u64("parse", boot_image_parse(&img, data, size, err,
						     sizeof(err)), 0);
	if (ok) {
		size_t sects = img.hdr.setup_sects ? img.hdr.setup_sects : 4;

		ok = img.hdr.version >= BOOT_PROTOCOL_MIN &&
		     img.kernel_offset == (sects + 1) * 512 &&
		     img.kernel_size == size - img.kernel_offset &&
		     img.hdr.relocatable_kernel &&
		     (img.hdr.xloadflags & XLF_KERNEL_64);
		tap_diag("protocol %u.%02u, init_size %u MiB, pref %#llx",
			 img.hdr.version >> 8, img.hdr.version & 0xff,
			 img.hdr.init_size >> 20,
			 (unsigned long long)img.hdr.pref_address);
	}
	tap_result(ok, "Debian kernel: parse");
	if (!ok) {
		tap_skip("did not parse", "Debian kernel: load");
		free(data);
		return;
	}
	ram_create(256 * MIB);
	ok = tap_check_u64("load", boot_load(&mem, &img, NULL, 0,
					     "console=ttyS0", RSDP_GPA,
					     &entry, err, sizeof(err)), 0);
	ok = ok && entry.load_addr == img.hdr.pref_address &&
	     !memcmp(gp(entry.load_addr, img.kernel_size),
		     data + img.kernel_offset, img.kernel_size);
	if (!ok)
		tap_diag("%s", err);
	guest_mem_destroy(&mem);
	free(data);
	tap_result(ok, "Debian kernel: load at pref_address");
}

int main(void)
{
	unsigned int i;

	tap_plan(ARRAY_SIZE(two_range_cases) + ARRAY_SIZE(one_range_cases) +
		 ARRAY_SIZE(layout_cases) + ARRAY_SIZE(parse_cases) + 7 + 2 +
		 1 + 3 + 3 + ARRAY_SIZE(place_cases) + 1 +
		 ARRAY_SIZE(initrd_cases) + ARRAY_SIZE(cmdline_cases) + 2 + 2);
	test_guest_ptr();
	test_layouts();
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++)
		test_parse_case(&parse_cases[i]);
	test_load_good();
	test_header_length();
	test_load_no_initrd();
	test_e820();
	test_page_tables_gdt();
	for (i = 0; i < ARRAY_SIZE(place_cases); i++)
		test_place_case(&place_cases[i]);
	test_non_relocatable();
	for (i = 0; i < ARRAY_SIZE(initrd_cases); i++)
		test_initrd_case(&initrd_cases[i]);
	for (i = 0; i < ARRAY_SIZE(cmdline_cases); i++)
		test_cmdline_case(&cmdline_cases[i]);
	test_too_little_memory();
	test_debian_kernel();
	return tap_finish();
}

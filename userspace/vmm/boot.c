// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86 Linux boot protocol, 64-bit flavour: no real-mode setup code
 * runs. We fill boot_params ("the zero page") ourselves, put the
 * protected-mode kernel where it asks to be, and enter startup_64 in
 * long mode with an identity map, as the protocol's "64-bit Boot
 * Protocol" section lays down.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "boot.h"

#define BOOT_FLAG_MAGIC		0xaa55
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define SETUP_HEADER_OFFSET	0x1f1
#define BOOT_E820_RAM		1
#define BOOT_E820_RESERVED	2
#define LOADER_TYPE_UNDEFINED	0xff

#define PAGE_SIZE		0x1000ULL
#define PT_PRESENT		(1ULL << 0)
#define PT_WRITE		(1ULL << 1)
#define PT_LARGE		(1ULL << 7)
#define GIB			(1ULL << 30)
#define MIB2			(1ULL << 21)

static uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

int boot_image_parse(struct boot_image *img, const uint8_t *data,
		     size_t size, char *err, size_t err_len)
{
	const size_t hdr_end = SETUP_HEADER_OFFSET + sizeof(img->hdr);
	struct setup_header *hdr = &img->hdr;
	size_t setup_sects;

	memset(img, 0, sizeof(*img));
	if (size < hdr_end) {
		snprintf(err, err_len, "not a bzImage (only %zu bytes)", size);
		return -EINVAL;
	}
	memcpy(hdr, data + SETUP_HEADER_OFFSET, sizeof(*hdr));
	if (hdr->boot_flag != BOOT_FLAG_MAGIC || hdr->header != HDRS_MAGIC) {
		snprintf(err, err_len, "not a bzImage (no boot header)");
		return -EINVAL;
	}
	if (hdr->version < BOOT_PROTOCOL_MIN) {
		snprintf(err, err_len,
			 "boot protocol %u.%02u is too old (need 2.12)",
			 hdr->version >> 8, hdr->version & 0xff);
		return -EINVAL;
	}
	if (!(hdr->xloadflags & XLF_KERNEL_64) ||
	    !(hdr->loadflags & LOADED_HIGH)) {
		snprintf(err, err_len, "not a 64-bit bzImage");
		return -EINVAL;
	}
	/* "If this field is 0, the real value is 4." */
	setup_sects = hdr->setup_sects ? hdr->setup_sects : 4;
	img->kernel_offset = (setup_sects + 1) * 512;
	if (img->kernel_offset >= size) {
		snprintf(err, err_len, "bzImage truncated");
		return -EINVAL;
	}
	img->kernel_size = size - img->kernel_offset;
	if (hdr->init_size < img->kernel_size) {
		snprintf(err, err_len, "bzImage init_size is too small");
		return -EINVAL;
	}
	img->data = data;
	img->size = size;
	return 0;
}

unsigned int boot_e820_map(const struct guest_mem *mem,
			   struct boot_e820_entry *map, unsigned int max)
{
	const struct guest_mem_range *low = &mem->ranges[0];
	unsigned int n = 0, i;

	if (max < 3 + GUEST_MEM_MAX_RANGES || low->size <= BOOT_HIMEM_START)
		return 0;
	/* Base memory, then the EBDA and BIOS area (our ACPI tables). */
	map[n++] = (struct boot_e820_entry){ 0, BOOT_EBDA_START,
					     BOOT_E820_RAM };
	map[n++] = (struct boot_e820_entry){
		BOOT_EBDA_START, BOOT_HIMEM_START - BOOT_EBDA_START,
		BOOT_E820_RESERVED };
	map[n++] = (struct boot_e820_entry){
		BOOT_HIMEM_START, low->size - BOOT_HIMEM_START,
		BOOT_E820_RAM };
	for (i = 1; i < mem->nr_ranges; i++)
		map[n++] = (struct boot_e820_entry){
			mem->ranges[i].gpa, mem->ranges[i].size,
			BOOT_E820_RAM };
	return n;
}

/*
 * An identity map of the low 4 GiB with 2 MiB pages: the 64-bit entry
 * needs the kernel, boot_params and the command line mapped 1:1, and
 * startup_64 builds its own tables at once.
 */
static void boot_page_tables(struct guest_mem *mem)
{
	uint64_t *pml4 = guest_ptr(mem, BOOT_PML4_GPA, PAGE_SIZE);
	uint64_t *pdpt = guest_ptr(mem, BOOT_PDPT_GPA, PAGE_SIZE);
	uint64_t *pd = guest_ptr(mem, BOOT_PD_GPA, 4 * PAGE_SIZE);
	unsigned int i;

	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	pml4[0] = BOOT_PDPT_GPA | PT_PRESENT | PT_WRITE;
	for (i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PD_GPA + i * PAGE_SIZE) | PT_PRESENT |
			  PT_WRITE;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = i * MIB2 | PT_PRESENT | PT_WRITE | PT_LARGE;
}

/* Null, null, then __BOOT_CS (64-bit code) and __BOOT_DS (flat data). */
static void boot_gdt(struct guest_mem *mem)
{
	static const uint64_t gdt[] = {
		0,
		0,
		0x00af9b000000ffffULL,	/* code: L, P, DPL 0, execute/read */
		0x00cf93000000ffffULL,	/* data: G, D/B, P, read/write */
	};

	memcpy(guest_ptr(mem, BOOT_GDT_GPA, sizeof(gdt)), gdt, sizeof(gdt));
}

/*
 * The kernel goes where it prefers to run if it can be moved there, so
 * the decompressor need not move itself; init_size bytes from there
 * must be RAM.
 */
static int boot_place_kernel(const struct guest_mem *mem,
			     const struct boot_image *img, uint64_t *load,
			     char *err, size_t err_len)
{
	const struct setup_header *hdr = &img->hdr;
	uint64_t low = mem->ranges[0].size;
	uint64_t addr = BOOT_HIMEM_START;
	uint64_t align = hdr->kernel_alignment;

	/*
	 * A kernel that is not relocatable decompresses itself to
	 * pref_address anyway: that is where it needs init_size bytes.
	 */
	if (hdr->pref_address > addr)
		addr = hdr->pref_address;
	if (hdr->relocatable_kernel && align && !(align & (align - 1)))
		addr = align_up(addr, align);
	/* Low RAM only: the boot page tables map the low 4 GiB. */
	if (addr < BOOT_HIMEM_START || addr > low ||
	    hdr->init_size > low - addr) {
		snprintf(err, err_len,
			 "too little memory: the kernel needs %llu MiB below 3 GiB",
			 (unsigned long long)((addr + hdr->init_size) >> 20) +
			 1);
		return -ENOMEM;
	}
	*load = addr;
	return 0;
}

/*
 * The initrd goes as high as the kernel allows (initrd_addr_max) and
 * low RAM reaches, page aligned, above the kernel's init_size.
 */
static int boot_place_initrd(const struct guest_mem *mem,
			     const struct boot_image *img, uint64_t kernel_end,
			     size_t size, uint64_t *addr, char *err,
			     size_t err_len)
{
	uint64_t top = mem->ranges[0].size;
	uint64_t max = (uint64_t)img->hdr.initrd_addr_max + 1;

	if (top > max)
		top = max;
	if (size > top || ((top - size) & ~(PAGE_SIZE - 1)) < kernel_end) {
		snprintf(err, err_len,
			 "too little memory for a %zu KiB initrd", size >> 10);
		return -ENOMEM;
	}
	*addr = (top - size) & ~(PAGE_SIZE - 1);
	return 0;
}

int boot_load(struct guest_mem *mem, const struct boot_image *img,
	      const uint8_t *initrd, size_t initrd_size, const char *cmdline,
	      uint64_t rsdp, struct boot_entry *entry, char *err,
	      size_t err_len)
{
	size_t cmdline_len = strlen(cmdline);
	size_t hdr_len;
	struct boot_params *bp;
	uint64_t load;
	int r;

	if (mem->ranges[0].size < 2 * BOOT_HIMEM_START) {
		snprintf(err, err_len, "too little memory");
		return -ENOMEM;
	}
	/* cmdline_size: "the maximum ... without the terminating zero". */
	if (cmdline_len > img->hdr.cmdline_size ||
	    cmdline_len >= BOOT_CMDLINE_MAX) {
		snprintf(err, err_len,
			 "command line of %zu bytes is too long (the kernel takes %u)",
			 cmdline_len, img->hdr.cmdline_size);
		return -E2BIG;
	}
	r = boot_place_kernel(mem, img, &load, err, err_len);
	if (r)
		return r;
	memcpy(guest_ptr(mem, load, img->kernel_size),
	       img->data + img->kernel_offset, img->kernel_size);

	memset(entry, 0, sizeof(*entry));
	if (initrd && initrd_size) {
		r = boot_place_initrd(mem, img, load + img->hdr.init_size,
				      initrd_size, &entry->initrd_addr, err,
				      err_len);
		if (r)
			return r;
		memcpy(guest_ptr(mem, entry->initrd_addr, initrd_size), initrd,
		       initrd_size);
		entry->initrd_size = initrd_size;
	}

	memcpy(guest_ptr(mem, BOOT_CMDLINE_GPA, cmdline_len + 1), cmdline,
	       cmdline_len + 1);

	bp = guest_ptr(mem, BOOT_PARAMS_GPA, sizeof(*bp));
	memset(bp, 0, sizeof(*bp));
	/*
	 * The header runs to offset 0x202 plus the byte at 0x201 ("the
	 * jump"): copy no more of it than the file has and we know.
	 */
	hdr_len = 0x202 + img->data[0x201] - SETUP_HEADER_OFFSET;
	if (hdr_len > sizeof(bp->hdr))
		hdr_len = sizeof(bp->hdr);
	memcpy(&bp->hdr, img->data + SETUP_HEADER_OFFSET, hdr_len);
	bp->hdr.type_of_loader = LOADER_TYPE_UNDEFINED;
	bp->hdr.vid_mode = 0xffff;		/* "normal" */
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE_GPA;
	bp->hdr.ramdisk_image = entry->initrd_addr;
	bp->hdr.ramdisk_size = entry->initrd_size;
	bp->hdr.code32_start = load;
	bp->acpi_rsdp_addr = rsdp;
	bp->e820_entries = boot_e820_map(mem, bp->e820_table,
					 E820_MAX_ENTRIES_ZEROPAGE);

	boot_page_tables(mem);
	boot_gdt(mem);
	entry->load_addr = load;
	/* startup_64 sits 0x200 bytes into the protected-mode kernel. */
	entry->rip = load + 0x200;
	return 0;
}

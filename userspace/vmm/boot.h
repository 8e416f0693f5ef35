/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loading a Linux bzImage by the x86 boot protocol (the kernel's
 * Documentation/arch/x86/boot.rst) and entering it at its 64-bit entry
 * point, with the page tables and GDT that entry expects.
 */
#ifndef KVMLITE_VMM_BOOT_H
#define KVMLITE_VMM_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include <asm/bootparam.h>
#include "guest_mem.h"

/* Where the boot structures live (below 1 MiB, in e820 RAM). */
#define BOOT_GDT_GPA		0x0500
#define BOOT_PARAMS_GPA		0x7000
#define BOOT_STACK_TOP		0x8ff0
#define BOOT_PML4_GPA		0x9000
#define BOOT_PDPT_GPA		0xa000
#define BOOT_PD_GPA		0xb000	/* four pages: the low 4 GiB */
#define BOOT_CMDLINE_GPA	0x20000
#define BOOT_CMDLINE_MAX	0x10000
#define BOOT_EBDA_START		0x9fc00
#define BOOT_HIMEM_START	0x100000

/* The boot protocol's segment selectors for the 64-bit entry. */
#define BOOT_CS			0x10
#define BOOT_DS			0x18

/* The oldest protocol with a 64-bit entry point we can use (2.12). */
#define BOOT_PROTOCOL_MIN	0x020c

struct boot_image {
	const uint8_t *data;		/* the whole bzImage file */
	size_t size;
	struct setup_header hdr;	/* as the file has it */
	size_t kernel_offset;		/* the protected-mode part */
	size_t kernel_size;
};

/* Where the kernel was put and how to enter it. */
struct boot_entry {
	uint64_t load_addr;		/* the protected-mode kernel */
	uint64_t rip;			/* its 64-bit entry */
	uint64_t initrd_addr;
	uint64_t initrd_size;
};

/*
 * Check @data as a bzImage we can boot. 0, or -EINVAL with the reason in
 * @err ("not a bzImage", "boot protocol 2.10 too old", ...).
 */
int boot_image_parse(struct boot_image *img, const uint8_t *data,
		     size_t size, char *err, size_t err_len);

/*
 * Put the kernel, the initrd (NULL for none), the command line and
 * boot_params (with an e820 map of @mem and the RSDP at @rsdp) in guest
 * memory, and the page tables and GDT for the entry. 0, or -errno with
 * the reason in @err.
 */
int boot_load(struct guest_mem *mem, const struct boot_image *img,
	      const uint8_t *initrd, size_t initrd_size, const char *cmdline,
	      uint64_t rsdp, struct boot_entry *entry, char *err,
	      size_t err_len);

/* The e820 map of @mem: RAM, with the BIOS area below 1 MiB reserved. */
unsigned int boot_e820_map(const struct guest_mem *mem,
			   struct boot_e820_entry *map, unsigned int max);

#endif /* KVMLITE_VMM_BOOT_H */

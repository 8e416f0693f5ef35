/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM as the runner sees it: one anonymous mapping of the process,
 * shown to the guest as up to two ranges of guest-physical addresses, one
 * below the 32-bit MMIO hole and one above 4 GiB. Every address a guest
 * hands us (descriptor rings, buffers, boot structures) goes through
 * guest_ptr(), which refuses anything not wholly inside one RAM range.
 */
#ifndef KVMLITE_VMM_GUEST_MEM_H
#define KVMLITE_VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_MAX_RANGES	2

struct guest_mem_range {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
};

struct guest_mem {
	uint8_t *host;			/* the whole mapping */
	uint64_t size;			/* bytes of RAM in all */
	struct guest_mem_range ranges[GUEST_MEM_MAX_RANGES];
	unsigned int nr_ranges;
};

/*
 * The host address of [@gpa, @gpa + @len), or NULL unless that whole
 * span is RAM of one range. @len 0 asks about @gpa alone. Safe against
 * any @gpa and @len a guest can make up, wrap-around included.
 */
static inline void *guest_ptr(const struct guest_mem *mem, uint64_t gpa,
			      uint64_t len)
{
	unsigned int i;

	for (i = 0; i < mem->nr_ranges; i++) {
		const struct guest_mem_range *r = &mem->ranges[i];
		uint64_t off = gpa - r->gpa;

		if (gpa < r->gpa || off >= r->size)
			continue;
		if (len > r->size - off)
			return NULL;
		return r->host + off;
	}
	return NULL;
}

/*
 * Map @size bytes of RAM: everything below @hole_start at GPA 0, the
 * rest from 4 GiB. 0 or -errno.
 */
int guest_mem_create(struct guest_mem *mem, uint64_t size,
		     uint64_t hole_start);
void guest_mem_destroy(struct guest_mem *mem);

#endif /* KVMLITE_VMM_GUEST_MEM_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Address spaces the guest reaches devices through: port I/O and MMIO.
 * A device claims a range once, at machine setup, and the vCPU run loop
 * dispatches each exit to the range that holds it. Ranges never change
 * while vCPUs run, so lookups take no lock; a device guards its own state.
 */
#ifndef KVMLITE_VMM_BUS_H
#define KVMLITE_VMM_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * @offset is from the start of the claimed range; @len is 1, 2, 4 or 8
 * and the access lies wholly inside the range. A read fills all @len
 * bytes of @data (little-endian, as the guest sees them).
 */
struct bus_ops {
	void (*read)(void *dev, uint64_t offset, void *data, uint32_t len);
	void (*write)(void *dev, uint64_t offset, const void *data,
		      uint32_t len);
};

struct bus_range {
	uint64_t base;
	uint64_t len;
	const char *name;
	const struct bus_ops *ops;
	void *dev;
};

struct bus {
	struct bus_range *ranges;	/* sorted by base, never overlapping */
	size_t nr;
};

/* 0, -EINVAL for an empty or wrapping range, -EBUSY if it overlaps. */
int bus_claim(struct bus *bus, uint64_t base, uint64_t len, const char *name,
	      const struct bus_ops *ops, void *dev);
const struct bus_range *bus_find(const struct bus *bus, uint64_t addr,
				 uint32_t len);
/*
 * One guest access. With no device there (or an access straddling a
 * range's end) reads return all ones and writes vanish, as on a bus with
 * nothing to answer; the return value says whether a device took it.
 */
bool bus_access(const struct bus *bus, uint64_t addr, void *data,
		uint32_t len, bool is_write);
void bus_release(struct bus *bus);

#endif /* KVMLITE_VMM_BUS_H */

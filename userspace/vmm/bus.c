// SPDX-License-Identifier: GPL-2.0-only
/* Port and MMIO ranges: a sorted array searched by bisection. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bus.h"

int bus_claim(struct bus *bus, uint64_t base, uint64_t len, const char *name,
	      const struct bus_ops *ops, void *dev)
{
	struct bus_range *ranges;
	size_t i;

	if (!len || base + len - 1 < base)
		return -EINVAL;
	for (i = 0; i < bus->nr && bus->ranges[i].base < base; i++)
		;
	/* Last bytes, not ends: a range may end at 2^64. */
	if (i > 0 &&
	    bus->ranges[i - 1].base + bus->ranges[i - 1].len - 1 >= base)
		return -EBUSY;
	if (i < bus->nr && base + len - 1 >= bus->ranges[i].base)
		return -EBUSY;

	ranges = realloc(bus->ranges, (bus->nr + 1) * sizeof(*ranges));
	if (!ranges)
		return -ENOMEM;
	memmove(&ranges[i + 1], &ranges[i], (bus->nr - i) * sizeof(*ranges));
	ranges[i] = (struct bus_range){ base, len, name, ops, dev };
	bus->ranges = ranges;
	bus->nr++;
	return 0;
}

const struct bus_range *bus_find(const struct bus *bus, uint64_t addr,
				 uint32_t len)
{
	size_t lo = 0, hi = bus->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bus_range *r = &bus->ranges[mid];

		if (addr < r->base) {
			hi = mid;
		} else if (addr - r->base >= r->len) {
			lo = mid + 1;
		} else {
			/* The whole access must fit: no straddling. */
			if (len > r->len - (addr - r->base))
				return NULL;
			return r;
		}
	}
	return NULL;
}

bool bus_access(const struct bus *bus, uint64_t addr, void *data,
		uint32_t len, bool is_write)
{
	const struct bus_range *r = bus_find(bus, addr, len);

	if (!r) {
		if (!is_write)
			memset(data, 0xff, len);
		return false;
	}
	if (is_write) {
		if (r->ops->write)
			r->ops->write(r->dev, addr - r->base, data, len);
	} else if (r->ops->read) {
		r->ops->read(r->dev, addr - r->base, data, len);
	} else {
		memset(data, 0xff, len);
	}
	return true;
}

void bus_release(struct bus *bus)
{
	free(bus->ranges);
	bus->ranges = NULL;
	bus->nr = 0;
}

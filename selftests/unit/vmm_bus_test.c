// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's port and MMIO buses (userspace/vmm/bus.c): which claims
 * are refused, that lookups find the right range whatever order ranges
 * were claimed in, the edges of every range, accesses that straddle a
 * range's end, and what an access with nobody there sees.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/tap.h"
#include "bus.h"

#define TOP		UINT64_MAX

/* A device that records its last access and answers with a pattern. */
struct fake_dev {
	unsigned int id;
	unsigned int reads;
	unsigned int writes;
	uint64_t offset;
	uint32_t len;
	uint8_t written[8];
};

/* Byte @i of a read at @offset: says who answered and where. */
static uint8_t fake_byte(const struct fake_dev *d, uint64_t offset,
			 uint32_t i)
{
	return (uint8_t)(d->id * 16 + offset + i);
}

static void fake_read(void *dev, uint64_t offset, void *data, uint32_t len)
{
	struct fake_dev *d = dev;
	uint8_t *p = data;
	uint32_t i;

	d->reads++;
	d->offset = offset;
	d->len = len;
	for (i = 0; i < len; i++)
		p[i] = fake_byte(d, offset, i);
}

static void fake_write(void *dev, uint64_t offset, const void *data,
		       uint32_t len)
{
	struct fake_dev *d = dev;

	d->writes++;
	d->offset = offset;
	d->len = len;
	memcpy(d->written, data, len > 8 ? 8 : len);
}

static const struct bus_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
};

static const struct bus_ops write_only_ops = {
	.write = fake_write,
};

static const struct bus_ops read_only_ops = {
	.read = fake_read,
};

/* ---- Claims: a sequence on one bus, each with the result it must get. */

struct claim_step {
	uint64_t base;
	uint64_t len;
	int want;
};

struct claim_case {
	const char *name;
	struct claim_step steps[6];
	unsigned int nr;
};

#define STEPS(...)	.steps = { __VA_ARGS__ }, \
			.nr = sizeof((struct claim_step[]){ __VA_ARGS__ }) / \
			      sizeof(struct claim_step)

static const struct claim_case claim_cases[] = {
	{ "empty range", STEPS({ 0x100, 0, -EINVAL }) },
	{ "empty range at 0", STEPS({ 0, 0, -EINVAL }) },
	{ "range that wraps past 2^64",
	  STEPS({ TOP, 2, -EINVAL }) },
	{ "range of 2^64 - 1 bytes from 2", STEPS({ 2, TOP, -EINVAL }) },
	{ "range of 2^64 - 1 bytes from 0", STEPS({ 0, TOP, 0 }) },
	{ "last byte of the address space", STEPS({ TOP, 1, 0 }) },
	{ "range ending exactly at 2^64", STEPS({ TOP - 0xf, 0x10, 0 }) },
	{ "same range twice",
	  STEPS({ 0x100, 0x10, 0 }, { 0x100, 0x10, -EBUSY }) },
	{ "overlap by the first byte",
	  STEPS({ 0x100, 0x10, 0 }, { 0x10f, 0x10, -EBUSY }) },
	{ "overlap by the last byte",
	  STEPS({ 0x100, 0x10, 0 }, { 0xf1, 0x10, -EBUSY }) },
	{ "inside an existing range",
	  STEPS({ 0x100, 0x10, 0 }, { 0x104, 4, -EBUSY }) },
	{ "covering an existing range",
	  STEPS({ 0x100, 0x10, 0 }, { 0, 0x1000, -EBUSY }) },
	{ "adjacent below and above",
	  STEPS({ 0x100, 0x10, 0 }, { 0xf0, 0x10, 0 },
		{ 0x110, 0x10, 0 }) },
	{ "filling a gap exactly",
	  STEPS({ 0x100, 0x10, 0 }, { 0x120, 0x10, 0 },
		{ 0x110, 0x10, 0 }) },
	{ "one byte too many for a gap",
	  STEPS({ 0x100, 0x10, 0 }, { 0x120, 0x10, 0 },
		{ 0x110, 0x11, -EBUSY }, { 0x10f, 0x11, -EBUSY }) },
	{ "between two ranges, overlapping both",
	  STEPS({ 0x100, 0x10, 0 }, { 0x120, 0x10, 0 },
		{ 0x108, 0x20, -EBUSY }) },
	{ "refused claims leave no trace",
	  STEPS({ 0x100, 0x10, 0 }, { 0x100, 0, -EINVAL },
		{ 0x104, 4, -EBUSY }, { 0x110, 0x10, 0 }) },
	/* A range reaching 2^64 has base + len == 0: still compare right. */
	{ "inside a range that ends at 2^64",
	  STEPS({ TOP - 0xf, 0x10, 0 }, { TOP - 7, 8, -EBUSY }) },
	{ "last byte inside a range that ends at 2^64",
	  STEPS({ TOP - 0xf, 0x10, 0 }, { TOP, 1, -EBUSY }) },
	{ "a range ending at 2^64 over an existing one",
	  STEPS({ TOP - 7, 8, 0 }, { TOP - 0xf, 0x10, -EBUSY }) },
	{ "a range ending at 2^64 over the last byte",
	  STEPS({ TOP, 1, 0 }, { TOP - 0xf, 0x10, -EBUSY }) },
	{ "below a range that ends at 2^64",
	  STEPS({ TOP - 0xf, 0x10, 0 }, { TOP - 0x1f, 0x10, 0 }) },
	{ "the whole space, then anything",
	  STEPS({ 0, TOP, 0 }, { 0x100, 1, -EBUSY }, { TOP, 1, 0 }) },
};

/* The invariant the lookups rely on: sorted, not overlapping. */
static bool bus_is_sorted(const struct bus *bus)
{
	size_t i;

	for (i = 1; i < bus->nr; i++) {
		const struct bus_range *a = &bus->ranges[i - 1];
		const struct bus_range *b = &bus->ranges[i];

		if (a->base >= b->base || b->base - a->base < a->len) {
			tap_diag("ranges %zu and %zu overlap or are unsorted",
				 i - 1, i);
			return false;
		}
	}
	return true;
}

static void test_claim_case(const struct claim_case *c)
{
	struct fake_dev dev = { 0 };
	struct bus bus = { 0 };
	unsigned int i, accepted = 0;
	bool ok = true;

	for (i = 0; i < c->nr; i++) {
		const struct claim_step *s = &c->steps[i];
		int r = bus_claim(&bus, s->base, s->len, "fake", &fake_ops,
				  &dev);

		if (r != s->want) {
			tap_diag("claim %u [%#llx, +%#llx): %d, want %d", i,
				 (unsigned long long)s->base,
				 (unsigned long long)s->len, r, s->want);
			ok = false;
		}
		accepted += r == 0;
	}
	ok = tap_check_u64("ranges held", bus.nr, accepted) && ok;
	ok = bus_is_sorted(&bus) && ok;
	bus_release(&bus);
	tap_result(ok, "claim: %s", c->name);
}

/* ---- Lookups at every edge of a range with neighbours. */

static struct fake_dev dev_a = { .id = 1 }, dev_b = { .id = 2 },
		       dev_c = { .id = 3 };

/* a: [0x100, 0x110); b: [0x110, 0x118) right after it; c: [0x200, 0x300). */
static void claim_abc(struct bus *bus)
{
	*bus = (struct bus){ 0 };
	if (bus_claim(bus, 0x200, 0x100, "c", &fake_ops, &dev_c) ||
	    bus_claim(bus, 0x100, 0x10, "a", &fake_ops, &dev_a) ||
	    bus_claim(bus, 0x110, 0x8, "b", &fake_ops, &dev_b)) {
		tap_diag("setting up the bus failed");
		exit(1);
	}
}

struct find_case {
	uint64_t addr;
	uint32_t len;
	const struct fake_dev *want;	/* NULL: nobody */
};

static const struct find_case find_cases[] = {
	{ 0x0, 1, NULL },
	{ 0xff, 1, NULL },
	{ 0xff, 2, NULL },		/* starts in the gap */
	{ 0xfe, 4, NULL },
	{ 0x100, 1, &dev_a },
	{ 0x100, 8, &dev_a },
	{ 0x10f, 1, &dev_a },
	{ 0x10e, 2, &dev_a },
	{ 0x10c, 4, &dev_a },
	{ 0x108, 8, &dev_a },
	{ 0x10f, 2, NULL },		/* a into b */
	{ 0x10e, 4, NULL },
	{ 0x10c, 8, NULL },
	{ 0x110, 1, &dev_b },
	{ 0x110, 8, &dev_b },
	{ 0x117, 1, &dev_b },
	{ 0x117, 2, NULL },		/* b into the gap */
	{ 0x114, 8, NULL },
	{ 0x118, 1, NULL },
	{ 0x1ff, 1, NULL },
	{ 0x1ff, 4, NULL },		/* the gap into c */
	{ 0x200, 4, &dev_c },
	{ 0x2ff, 1, &dev_c },
	{ 0x2f8, 8, &dev_c },
	{ 0x2fc, 8, NULL },
	{ 0x300, 1, NULL },
	{ TOP, 1, NULL },
	{ TOP, 8, NULL },
	{ TOP - 3, 4, NULL },
};

static void test_find_cases(void)
{
	unsigned int i;
	struct bus bus;

	claim_abc(&bus);
	for (i = 0; i < ARRAY_SIZE(find_cases); i++) {
		const struct find_case *c = &find_cases[i];
		const struct bus_range *r = bus_find(&bus, c->addr, c->len);
		bool ok = (r ? r->dev : NULL) == c->want;

		if (!ok)
			tap_diag("found %s", r ? r->name : "nothing");
		tap_result(ok, "find: %u bytes at %#llx: %s", c->len,
			   (unsigned long long)c->addr,
			   c->want ? "the device" : "nobody");
	}
	bus_release(&bus);
}

/* ---- Accesses. */

static bool all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void reset_counts(void)
{
	dev_a.reads = dev_a.writes = 0;
	dev_b.reads = dev_b.writes = 0;
	dev_c.reads = dev_c.writes = 0;
}

static unsigned int calls(void)
{
	return dev_a.reads + dev_a.writes + dev_b.reads + dev_b.writes +
	       dev_c.reads + dev_c.writes;
}

struct access_case {
	const char *name;
	uint64_t addr;
	uint32_t len;
	struct fake_dev *dev;		/* NULL: nobody takes it */
	uint64_t offset;
};

static const struct access_case access_cases[] = {
	{ "first byte of a range", 0x100, 1, &dev_a, 0 },
	{ "word at the end of a range", 0x10e, 2, &dev_a, 0xe },
	{ "dword at the end of a range", 0x10c, 4, &dev_a, 0xc },
	{ "qword at the end of a range", 0x108, 8, &dev_a, 0x8 },
	{ "qword filling the adjacent range", 0x110, 8, &dev_b, 0 },
	{ "last byte of a range", 0x2ff, 1, &dev_c, 0xff },
	{ "word straddling into the adjacent range", 0x10f, 2, NULL, 0 },
	{ "qword straddling into the adjacent range", 0x10c, 8, NULL, 0 },
	{ "dword straddling into a gap", 0x116, 4, NULL, 0 },
	{ "dword straddling out of a gap", 0x1fe, 4, NULL, 0 },
	{ "byte in a gap", 0x180, 1, NULL, 0 },
	{ "qword in a gap", 0x180, 8, NULL, 0 },
	{ "qword at the top of the space", TOP - 7, 8, NULL, 0 },
};

static void test_access_read(const struct access_case *c,
			     const struct bus *bus)
{
	uint8_t data[16];
	bool took, ok;

	reset_counts();
	memset(data, 0x5a, sizeof(data));
	took = bus_access(bus, c->addr, data, c->len, false);
	ok = tap_check_u64("taken", took, c->dev != NULL);
	if (c->dev) {
		uint32_t i;

		ok = tap_check_u64("device reads", c->dev->reads, 1) && ok;
		ok = tap_check_u64("calls", calls(), 1) && ok;
		ok = tap_check_u64("offset", c->dev->offset, c->offset) && ok;
		ok = tap_check_u64("len", c->dev->len, c->len) && ok;
		for (i = 0; i < c->len; i++)
			ok = tap_check_u64("byte", data[i],
					   fake_byte(c->dev, c->offset, i)) &&
			     ok;
	} else {
		ok = tap_check_u64("calls", calls(), 0) && ok;
		if (!all_bytes(data, c->len, 0xff)) {
			tap_diag("a read with nobody there is not all ones");
			ok = false;
		}
	}
	if (!all_bytes(data + c->len, sizeof(data) - c->len, 0x5a)) {
		tap_diag("bytes past the access were written");
		ok = false;
	}
	tap_result(ok, "read: %s", c->name);
}

static void test_access_write(const struct access_case *c,
			      const struct bus *bus)
{
	const uint8_t data[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
				  0x88 };
	uint8_t copy[8];
	bool took, ok;

	reset_counts();
	memcpy(copy, data, sizeof(copy));
	took = bus_access(bus, c->addr, copy, c->len, true);
	ok = tap_check_u64("taken", took, c->dev != NULL);
	if (c->dev) {
		ok = tap_check_u64("device writes", c->dev->writes, 1) && ok;
		ok = tap_check_u64("calls", calls(), 1) && ok;
		ok = tap_check_u64("offset", c->dev->offset, c->offset) && ok;
		ok = tap_check_u64("len", c->dev->len, c->len) && ok;
		if (memcmp(c->dev->written, data, c->len)) {
			tap_diag("the device got other bytes");
			ok = false;
		}
	} else {
		ok = tap_check_u64("calls", calls(), 0) && ok;
	}
	if (memcmp(copy, data, sizeof(copy))) {
		tap_diag("a write changed the caller's data");
		ok = false;
	}
	tap_result(ok, "write: %s", c->name);
}

static void test_accesses(void)
{
	unsigned int i;
	struct bus bus;

	claim_abc(&bus);
	for (i = 0; i < ARRAY_SIZE(access_cases); i++) {
		test_access_read(&access_cases[i], &bus);
		test_access_write(&access_cases[i], &bus);
	}
	bus_release(&bus);
}

/* Unclaimed reads of every size on an empty bus. */
static void test_empty_bus(void)
{
	static const uint32_t lens[] = { 1, 2, 4, 8 };
	struct bus bus = { 0 };
	bool ok = true;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		uint8_t data[8] = { 0 };

		ok = !bus_access(&bus, 0x3f8, data, lens[i], false) && ok;
		ok = all_bytes(data, lens[i], 0xff) && ok;
		ok = (lens[i] == 8 || data[lens[i]] == 0) && ok;
		ok = !bus_access(&bus, 0x3f8, data, lens[i], true) && ok;
	}
	ok = !bus_find(&bus, 0, 1) && ok;
	tap_result(ok, "empty bus: reads all ones, writes vanish");
}

/* A device without one of the callbacks still owns its range. */
static void test_missing_callbacks(void)
{
	struct fake_dev d = { .id = 4 };
	struct bus bus = { 0 };
	uint8_t data[4] = { 0 };
	bool ok;

	ok = !bus_claim(&bus, 0x10, 4, "wo", &write_only_ops, &d);
	ok = !bus_claim(&bus, 0x20, 4, "ro", &read_only_ops, &d) && ok;
	ok = bus_access(&bus, 0x10, data, 4, false) && ok;
	ok = all_bytes(data, 4, 0xff) && ok;
	ok = bus_access(&bus, 0x20, data, 4, true) && ok;
	ok = tap_check_u64("calls into the device", d.reads + d.writes, 0) &&
	     ok;
	ok = bus_access(&bus, 0x10, data, 4, true) && ok;
	ok = tap_check_u64("writes", d.writes, 1) && ok;
	bus_release(&bus);
	tap_result(ok, "no read callback: all ones; no write callback: lost");
}

/* ---- Many ranges, claimed in several orders. */

#define MANY		1000
#define MANY_STRIDE	8	/* 4 bytes of device, 4 of gap */

static struct fake_dev many_devs[MANY];

/* A fixed permutation: no dependence on rand()'s implementation. */
static void permute(unsigned int *order, unsigned int n, unsigned int seed)
{
	uint32_t x = seed * 2654435761u + 1;
	unsigned int i;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		unsigned int j, t;

		x = x * 1664525u + 1013904223u;
		j = x % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

static bool many_lookups_right(const struct bus *bus)
{
	uint64_t addr;

	for (addr = 0; addr < MANY * MANY_STRIDE + 8; addr++) {
		const struct bus_range *r = bus_find(bus, addr, 1);
		unsigned int idx = addr / MANY_STRIDE;
		bool in_dev = idx < MANY && addr % MANY_STRIDE < 4;

		if (in_dev ? !r || r->dev != &many_devs[idx] : r != NULL) {
			tap_diag("lookup of %#llx went wrong",
				 (unsigned long long)addr);
			return false;
		}
		if (in_dev && addr % MANY_STRIDE == 0 &&
		    bus_find(bus, addr + 2, 4)) {
			tap_diag("a dword straddling %#llx's end was found",
				 (unsigned long long)addr);
			return false;
		}
	}
	return true;
}

static const char *const order_names[] = {
	"ascending", "descending", "shuffled", "shuffled again",
};

static void test_many(unsigned int how)
{
	static unsigned int order[MANY];
	struct bus bus = { 0 };
	bool ok = true;
	unsigned int i;

	if (how == 0)
		for (i = 0; i < MANY; i++)
			order[i] = i;
	else if (how == 1)
		for (i = 0; i < MANY; i++)
			order[i] = MANY - 1 - i;
	else
		permute(order, MANY, how);
	for (i = 0; i < MANY; i++) {
		unsigned int d = order[i];

		many_devs[d].id = d;
		if (bus_claim(&bus, (uint64_t)d * MANY_STRIDE, 4, "many",
			      &fake_ops, &many_devs[d])) {
			tap_diag("claim %u refused", d);
			ok = false;
		}
	}
	/* Every gap is now exactly 4 bytes: 5 is too many anywhere. */
	for (i = 0; i + 1 < MANY; i += 97)
		if (bus_claim(&bus, (uint64_t)i * MANY_STRIDE + 4, 5, "gap",
			      &fake_ops, NULL) != -EBUSY) {
			tap_diag("an overlapping claim in gap %u was taken", i);
			ok = false;
		}
	ok = tap_check_u64("ranges", bus.nr, MANY) && ok;
	ok = bus_is_sorted(&bus) && ok;
	ok = many_lookups_right(&bus) && ok;
	bus_release(&bus);
	ok = !bus.ranges && !bus.nr && ok;
	tap_result(ok, "%u ranges claimed %s: every address found right",
		   MANY, order_names[how]);
}

/* A released bus is empty and can be used again. */
static void test_release_reuse(void)
{
	struct fake_dev d = { .id = 5 };
	struct bus bus = { 0 };
	bool ok;

	ok = !bus_claim(&bus, 0x60, 1, "kbd", &fake_ops, &d);
	bus_release(&bus);
	ok = !bus_find(&bus, 0x60, 1) && ok;
	ok = !bus_claim(&bus, 0x60, 1, "kbd", &fake_ops, &d) && ok;
	ok = bus_find(&bus, 0x60, 1) != NULL && ok;
	bus_release(&bus);
	bus_release(&bus);
	tap_result(ok, "release empties the bus, which works again after");
}

int main(void)
{
	unsigned int i;

	tap_plan(ARRAY_SIZE(claim_cases) + ARRAY_SIZE(find_cases) +
		 2 * ARRAY_SIZE(access_cases) + 2 +
		 ARRAY_SIZE(order_names) + 1);
	for (i = 0; i < ARRAY_SIZE(claim_cases); i++)
		test_claim_case(&claim_cases[i]);
	test_find_cases();
	test_accesses();
	test_empty_bus();
	test_missing_callbacks();
	for (i = 0; i < ARRAY_SIZE(order_names); i++)
		test_many(i);
	test_release_reuse();
	return tap_finish();
}

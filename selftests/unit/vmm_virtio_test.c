// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner's virtio-mmio devices (userspace/vmm/virtio): the register
 * file, feature negotiation, queue setup, interrupts and reset, then
 * virtio-blk against a temporary file, virtio-console against pipes and
 * virtio-rng, and a guest that breaks every rule it can.
 *
 * The test plays the guest's driver the way Linux's virtio_mmio does,
 * through virtio_mmio_bus_ops. Guest RAM is an anonymous mapping with an
 * inaccessible page on either side, so a device that reads or writes
 * past what the guest handed it crashes the test; an alarm ends a device
 * that loops.
 */
#define _GNU_SOURCE		/* pipe2, F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include "../lib/tap.h"
#include "virtio/virtio.h"

#define RAM_GPA		0x100000ULL
#define RAM_SIZE	(32ULL << 20)
#define RAM_END		(RAM_GPA + RAM_SIZE)

/* Queue q's rings; room for a 256-entry queue. */
#define RING_BASE(q)	(RAM_GPA + (q) * 0x4000ULL)
#define DESC_GPA(q)	RING_BASE(q)
#define AVAIL_GPA(q)	(RING_BASE(q) + 0x1000)
#define USED_GPA(q)	(RING_BASE(q) + 0x2000)
/* Buffers come from here on. */
#define BUF_GPA		(RAM_GPA + 0x10000ULL)

#define QSIZE		16
#define NUM_MAX		256

#define W		VRING_DESC_F_WRITE
#define R		0

#define DISK_SECTORS	64

#define STATUS_READY	(VIRTIO_CONFIG_S_ACKNOWLEDGE | \
			 VIRTIO_CONFIG_S_DRIVER | \
			 VIRTIO_CONFIG_S_FEATURES_OK)
#define STATUS_LIVE	(STATUS_READY | VIRTIO_CONFIG_S_DRIVER_OK)

static struct guest_mem mem;
static uint8_t *ram;
static char disk_path[256];

struct fake_irq {
	unsigned int pulses;
	unsigned int bad_edges;	/* raised while high or lowered while low */
	bool level;
};

/* The driver's side of things. */
static struct {
	struct virtio_mmio *dev;
	struct fake_irq irq;
	struct irq_line line;
	uint16_t num[2];
	uint16_t avail_idx[2];
	uint16_t next_desc[2];
	uint64_t buf_next;
} drv;

struct seg {
	uint64_t gpa;
	uint32_t len;
	uint16_t flags;
};

static void fake_irq_set(void *chip, unsigned int pin, bool level)
{
	struct fake_irq *irq = chip;

	(void)pin;
	if (level == irq->level)
		irq->bad_edges++;
	if (level)
		irq->pulses++;
	irq->level = level;
}

static void setup_ram(void)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *map = mmap(NULL, RAM_SIZE + 2 * page, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			    -1, 0);

	if (map == MAP_FAILED ||
	    mprotect(map + page, RAM_SIZE, PROT_READ | PROT_WRITE)) {
		perror("guest RAM");
		exit(1);
	}
	ram = map + page;
	mem.host = ram;
	mem.size = RAM_SIZE;
	mem.ranges[0] = (struct guest_mem_range){ RAM_GPA, RAM_SIZE, ram };
	mem.nr_ranges = 1;
}

static void *hva(uint64_t gpa)
{
	return ram + (gpa - RAM_GPA);
}

static uint8_t disk_byte(uint64_t off)
{
	return (uint8_t)(off * 131 + (off >> 9));
}

/* A disk image of @sectors sectors and @tail extra bytes. */
static void make_disk(const char *path, uint64_t sectors, unsigned int tail)
{
	uint64_t size = sectors * 512 + tail, off;
	uint8_t *buf = malloc(size ? size : 1);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	for (off = 0; off < size; off++)
		buf[off] = disk_byte(off);
	if (!buf || fd < 0 || write(fd, buf, size) != (ssize_t)size) {
		perror(path);
		exit(1);
	}
	close(fd);
	free(buf);
}

static bool disk_matches(uint64_t off, const uint8_t *want, size_t len)
{
	uint8_t *got = malloc(len);
	int fd = open(disk_path, O_RDONLY);
	bool same = fd >= 0 && pread(fd, got, len, off) == (ssize_t)len &&
		    !memcmp(got, want, len);

	if (fd >= 0)
		close(fd);
	free(got);
	return same;
}

static bool disk_untouched(void)
{
	uint8_t want[DISK_SECTORS * 512];
	uint64_t off;

	for (off = 0; off < sizeof(want); off++)
		want[off] = disk_byte(off);
	return disk_matches(0, want, sizeof(want));
}

static uint32_t rd(uint64_t offset)
{
	uint32_t val;

	virtio_mmio_bus_ops.read(drv.dev, offset, &val, 4);
	return val;
}

static void wr(uint64_t offset, uint32_t val)
{
	virtio_mmio_bus_ops.write(drv.dev, offset, &val, 4);
}

/* Before each test: zeroed RAM, buffers from the start again. */
static void reset_guest(void)
{
	/* A private anonymous mapping reads as zeroes again. */
	madvise(ram, RAM_SIZE, MADV_DONTNEED);
	drv.buf_next = BUF_GPA;
}

/* Fresh rings and driver state for the device @dev. */
static bool start(struct virtio_mmio *dev)
{
	memset(hva(RAM_GPA), 0, BUF_GPA - RAM_GPA);
	drv.dev = dev;
	drv.irq = (struct fake_irq){ 0 };
	memset(drv.num, 0, sizeof(drv.num));
	memset(drv.avail_idx, 0, sizeof(drv.avail_idx));
	memset(drv.next_desc, 0, sizeof(drv.next_desc));
	return dev != NULL;
}

static bool start_blk(bool read_only)
{
	char err[128];

	make_disk(disk_path, DISK_SECTORS, 0);
	return start(virtio_blk_create(&mem, &drv.line, disk_path,
				       read_only, err, sizeof(err)));
}

static bool start_rng(void)
{
	char err[128];

	return start(virtio_rng_create(&mem, &drv.line, err, sizeof(err)));
}

static bool start_console(int out_fd)
{
	char err[128];

	return start(virtio_console_create(&mem, &drv.line, out_fd, err,
					   sizeof(err)));
}

/* Also after each test, for one that failed half-way. */
static void stop(void)
{
	virtio_mmio_destroy(drv.dev);
	drv.dev = NULL;
}

static uint64_t buf_alloc(uint32_t len)
{
	uint64_t gpa = drv.buf_next;

	drv.buf_next = (drv.buf_next + len + 15) & ~15ULL;
	return gpa;
}

static uint64_t device_features(void)
{
	uint64_t features;

	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features = (uint64_t)rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return features | rd(VIRTIO_MMIO_DEVICE_FEATURES);
}

/* Linux's vm_probe and virtio_dev_probe up to FEATURES_OK. */
static bool negotiate(uint64_t features)
{
	if (!tap_check_u64("magic", rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976) ||
	    !tap_check_u64("version", rd(VIRTIO_MMIO_VERSION), 2))
		return false;
	wr(VIRTIO_MMIO_STATUS, 0);
	if (!tap_check_u64("status after reset", rd(VIRTIO_MMIO_STATUS), 0))
		return false;
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_STATUS, STATUS_READY);
	return rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK;
}

static void queue_regs(unsigned int q, uint32_t num, uint64_t desc,
		       uint64_t avail, uint64_t used)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, desc >> 32);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, avail >> 32);
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	wr(VIRTIO_MMIO_QUEUE_USED_HIGH, used >> 32);
}

/* Linux's vm_setup_vq. */
static bool setup_queue(unsigned int q, uint16_t num)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	if (!tap_check_u64("QueueReady before setup",
			   rd(VIRTIO_MMIO_QUEUE_READY), 0) ||
	    !tap_check_u64("QueueNumMax", rd(VIRTIO_MMIO_QUEUE_NUM_MAX),
			   NUM_MAX))
		return false;
	queue_regs(q, num, DESC_GPA(q), AVAIL_GPA(q), USED_GPA(q));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	drv.num[q] = num;
	return tap_check_u64("QueueReady", rd(VIRTIO_MMIO_QUEUE_READY), 1);
}

/* The whole bring-up, all offered features accepted. */
static bool init_queues(unsigned int nr_queues, uint16_t num)
{
	unsigned int q;

	if (!negotiate(device_features()))
		return tap_check_u64("FEATURES_OK refused", 1, 0);
	for (q = 0; q < nr_queues; q++)
		if (!setup_queue(q, num))
			return false;
	wr(VIRTIO_MMIO_STATUS, STATUS_LIVE);
	return tap_check_u64("status", rd(VIRTIO_MMIO_STATUS), STATUS_LIVE);
}

static struct vring_desc *desc_table(unsigned int q)
{
	return hva(DESC_GPA(q));
}

static struct vring_avail *avail_ring(unsigned int q)
{
	return hva(AVAIL_GPA(q));
}

static struct vring_used *used_ring(unsigned int q)
{
	return hva(USED_GPA(q));
}

static uint16_t used_idx(unsigned int q)
{
	return __atomic_load_n(&used_ring(q)->idx, __ATOMIC_ACQUIRE);
}

static struct vring_used_elem used_elem(unsigned int q, uint16_t i)
{
	return used_ring(q)->ring[i & (drv.num[q] - 1)];
}

static void set_desc(unsigned int q, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	desc_table(q)[i] = (struct vring_desc){ addr, len, flags, next };
}

static void make_avail(unsigned int q, uint16_t head)
{
	struct vring_avail *avail = avail_ring(q);

	avail->ring[drv.avail_idx[q] & (drv.num[q] - 1)] = head;
	drv.avail_idx[q]++;
	__atomic_store_n(&avail->idx, drv.avail_idx[q], __ATOMIC_RELEASE);
}

/* Descriptors from the next free one on, made available. */
static uint16_t add_chain(unsigned int q, const struct seg *segs,
			  unsigned int n)
{
	uint16_t head = drv.next_desc[q], i = head;
	unsigned int k;

	for (k = 0; k < n; k++) {
		uint16_t next = (i + 1) & (drv.num[q] - 1);
		bool more = k + 1 < n;

		set_desc(q, i, segs[k].gpa, segs[k].len,
			 segs[k].flags | (more ? VRING_DESC_F_NEXT : 0),
			 more ? next : 0);
		i = next;
	}
	drv.next_desc[q] = i;
	make_avail(q, head);
	return head;
}

static void kick(unsigned int q)
{
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* One chain through the device: it must come back, used length in @len. */
static bool run_chain(unsigned int q, const struct seg *segs, unsigned int n,
		      uint32_t *len)
{
	uint16_t before = used_idx(q);
	uint16_t head = add_chain(q, segs, n);

	kick(q);
	if (!tap_check_u64("used idx", used_idx(q), (uint16_t)(before + 1)))
		return false;
	*len = used_elem(q, before).len;
	return tap_check_u64("used id", used_elem(q, before).id, head);
}

static bool check_live(void)
{
	return tap_check_u64("status", rd(VIRTIO_MMIO_STATUS), STATUS_LIVE);
}

/*
 * The device reported a broken ring: DEVICE_NEEDS_RESET, a config change
 * interrupt, and no more buffers taken from any queue.
 */
static bool check_needs_reset(unsigned int q, unsigned int pulses_before)
{
	uint16_t used = used_idx(q);

	if (!tap_check_u64("status", rd(VIRTIO_MMIO_STATUS),
			   STATUS_LIVE | VIRTIO_CONFIG_S_NEEDS_RESET) ||
	    !tap_check_u64("config change bit",
			   rd(VIRTIO_MMIO_INTERRUPT_STATUS) &
			   VIRTIO_MMIO_INT_CONFIG, VIRTIO_MMIO_INT_CONFIG) ||
	    !tap_check_u64("pulses", drv.irq.pulses, pulses_before + 1))
		return false;
	kick(q);
	return tap_check_u64("used idx after another notify", used_idx(q),
			     used) &&
	       tap_check_u64("pulses after another notify", drv.irq.pulses,
			     pulses_before + 1);
}

static bool all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- The register file ---- */

static bool test_identification(void)
{
	static const struct {
		const char *name;
		uint32_t id;
	} kinds[] = {
		{ "blk", VIRTIO_ID_BLOCK },
		{ "console", VIRTIO_ID_CONSOLE },
		{ "rng", VIRTIO_ID_RNG },
	};
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		bool started = i == 0 ? start_blk(false) :
			       i == 1 ? start_console(-1) : start_rng();

		if (!started)
			return false;
		ok &= tap_check_u64("magic", rd(VIRTIO_MMIO_MAGIC_VALUE),
				    0x74726976) &&
		      tap_check_u64("version", rd(VIRTIO_MMIO_VERSION), 2) &&
		      tap_check_u64("device id", rd(VIRTIO_MMIO_DEVICE_ID),
				    kinds[i].id) &&
		      tap_check_u64("vendor id is set",
				    rd(VIRTIO_MMIO_VENDOR_ID) != 0, 1) &&
		      tap_check_u64("config generation",
				    rd(VIRTIO_MMIO_CONFIG_GENERATION), 0) &&
		      tap_check_u64("status", rd(VIRTIO_MMIO_STATUS), 0);
		stop();
	}
	return ok;
}

static bool test_bad_accesses(void)
{
	static const uint64_t unknown[] = {
		VIRTIO_MMIO_GUEST_PAGE_SIZE, VIRTIO_MMIO_QUEUE_ALIGN,
		VIRTIO_MMIO_QUEUE_PFN, 0x018, 0x0c0, 0x0f8,
	};
	uint64_t val8 = ~0ULL;
	uint16_t val16 = 0xffff;
	uint8_t val1 = 0xff;
	unsigned int i;
	bool ok = true;

	if (!start_rng())
		return false;
	virtio_mmio_bus_ops.read(drv.dev, VIRTIO_MMIO_MAGIC_VALUE, &val1, 1);
	virtio_mmio_bus_ops.read(drv.dev, VIRTIO_MMIO_MAGIC_VALUE, &val16, 2);
	virtio_mmio_bus_ops.read(drv.dev, VIRTIO_MMIO_MAGIC_VALUE, &val8, 8);
	ok &= tap_check_u64("1-byte read", val1, 0) &&
	      tap_check_u64("2-byte read", val16, 0) &&
	      tap_check_u64("8-byte read", val8, 0) &&
	      tap_check_u64("unaligned read", rd(VIRTIO_MMIO_MAGIC_VALUE + 2),
			    0);

	/* Writes of the wrong width or place change nothing. */
	val16 = VIRTIO_CONFIG_S_ACKNOWLEDGE;
	virtio_mmio_bus_ops.write(drv.dev, VIRTIO_MMIO_STATUS, &val16, 2);
	val8 = VIRTIO_CONFIG_S_ACKNOWLEDGE;
	virtio_mmio_bus_ops.write(drv.dev, VIRTIO_MMIO_STATUS, &val8, 8);
	wr(VIRTIO_MMIO_STATUS + 1, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	ok &= tap_check_u64("status after bad writes",
			    rd(VIRTIO_MMIO_STATUS), 0);
	wr(VIRTIO_MMIO_MAGIC_VALUE, 0);
	wr(VIRTIO_MMIO_DEVICE_ID, 0);
	wr(VIRTIO_MMIO_INTERRUPT_STATUS, 3);
	ok &= tap_check_u64("magic after a write",
			    rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976) &&
	      tap_check_u64("device id after a write",
			    rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG) &&
	      tap_check_u64("interrupt status after a write",
			    rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		wr(unknown[i], 0x1000);
		ok &= tap_check_u64("unknown register", rd(unknown[i]), 0);
	}
	/* Write-only registers read 0. */
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1234);
	ok &= tap_check_u64("QueueNum read", rd(VIRTIO_MMIO_QUEUE_NUM), 0) &&
	      tap_check_u64("QueueDescLow read",
			    rd(VIRTIO_MMIO_QUEUE_DESC_LOW), 0) &&
	      tap_check_u64("pulses", drv.irq.pulses, 0);
	stop();
	return ok;
}

static bool test_no_shared_memory(void)
{
	bool ok;

	if (!start_blk(false))
		return false;
	wr(VIRTIO_MMIO_SHM_SEL, 0);
	ok = tap_check_u64("SHMLenLow", rd(VIRTIO_MMIO_SHM_LEN_LOW),
			   0xffffffff) &&
	     tap_check_u64("SHMLenHigh", rd(VIRTIO_MMIO_SHM_LEN_HIGH),
			   0xffffffff) &&
	     tap_check_u64("SHMBaseLow", rd(VIRTIO_MMIO_SHM_BASE_LOW),
			   0xffffffff) &&
	     tap_check_u64("SHMBaseHigh", rd(VIRTIO_MMIO_SHM_BASE_HIGH),
			   0xffffffff);
	stop();
	return ok;
}

static bool test_queue_num_max(void)
{
	bool ok = true;

	if (!start_console(-1))
		return false;
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	ok &= tap_check_u64("console q0", rd(VIRTIO_MMIO_QUEUE_NUM_MAX),
			    NUM_MAX);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	ok &= tap_check_u64("console q1", rd(VIRTIO_MMIO_QUEUE_NUM_MAX),
			    NUM_MAX);
	wr(VIRTIO_MMIO_QUEUE_SEL, 2);
	ok &= tap_check_u64("console q2", rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	stop();

	if (!start_rng())
		return false;
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	ok &= tap_check_u64("rng q1", rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* Setting up a queue that does not exist does nothing. */
	queue_regs(1, QSIZE, DESC_GPA(1), AVAIL_GPA(1), USED_GPA(1));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ok &= tap_check_u64("rng q1 ready", rd(VIRTIO_MMIO_QUEUE_READY), 0) &&
	      tap_check_u64("status", rd(VIRTIO_MMIO_STATUS), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0xffffffff);
	ok &= tap_check_u64("rng q0xffffffff",
			    rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	stop();
	return ok;
}

static bool test_blk_config(void)
{
	uint32_t len = sizeof(struct virtio_blk_config);
	uint64_t val8 = ~0ULL;
	uint16_t val16 = 0;
	uint8_t val1 = 0;
	uint32_t straddle = ~0U;
	bool ok;

	if (!start_blk(false))
		return false;
	virtio_mmio_bus_ops.read(drv.dev, VIRTIO_MMIO_CONFIG, &val1, 1);
	virtio_mmio_bus_ops.read(drv.dev, VIRTIO_MMIO_CONFIG, &val16, 2);
	virtio_mmio_bus_ops.read(drv.dev, VIRTIO_MMIO_CONFIG, &val8, 8);
	virtio_mmio_bus_ops.read(drv.dev, VIRTIO_MMIO_CONFIG + len - 2,
				 &straddle, 4);
	ok = tap_check_u64("capacity low", rd(VIRTIO_MMIO_CONFIG),
			   DISK_SECTORS) &&
	     tap_check_u64("capacity high", rd(VIRTIO_MMIO_CONFIG + 4), 0) &&
	     tap_check_u64("capacity, 8 bits", val1, DISK_SECTORS) &&
	     tap_check_u64("capacity, 16 bits", val16, DISK_SECTORS) &&
	     tap_check_u64("capacity, 64 bits", val8, 0) &&
	     tap_check_u64("seg_max",
			   rd(VIRTIO_MMIO_CONFIG +
			      offsetof(struct virtio_blk_config, seg_max)),
			   NUM_MAX - 2) &&
	     tap_check_u64("blk_size",
			   rd(VIRTIO_MMIO_CONFIG +
			      offsetof(struct virtio_blk_config, blk_size)),
			   512) &&
	     tap_check_u64("read across the end", straddle, 0) &&
	     tap_check_u64("read past the end", rd(VIRTIO_MMIO_CONFIG + 0xfc),
			   0);
	wr(VIRTIO_MMIO_CONFIG, 7);
	ok &= tap_check_u64("capacity after a write", rd(VIRTIO_MMIO_CONFIG),
			    DISK_SECTORS);
	stop();
	return ok;
}

static bool test_no_config(void)
{
	bool ok;

	if (!start_console(-1))
		return false;
	ok = tap_check_u64("console config", rd(VIRTIO_MMIO_CONFIG), 0);
	stop();
	if (!start_rng())
		return false;
	ok &= tap_check_u64("rng config", rd(VIRTIO_MMIO_CONFIG), 0);
	stop();
	return ok;
}

/* ---- Feature negotiation ---- */

static bool test_device_features(void)
{
	uint64_t rw = 1ULL << VIRTIO_BLK_F_FLUSH |
		      1ULL << VIRTIO_BLK_F_SEG_MAX |
		      1ULL << VIRTIO_BLK_F_BLK_SIZE |
		      1ULL << VIRTIO_F_VERSION_1;
	bool ok;

	if (!start_blk(false))
		return false;
	ok = tap_check_u64("blk features", device_features(), rw);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	ok &= tap_check_u64("features word 2", rd(VIRTIO_MMIO_DEVICE_FEATURES),
			    0);
	stop();
	if (!start_blk(true))
		return false;
	ok &= tap_check_u64("read-only blk features", device_features(),
			    rw | 1ULL << VIRTIO_BLK_F_RO);
	stop();
	if (!start_console(-1))
		return false;
	ok &= tap_check_u64("console features", device_features(),
			    1ULL << VIRTIO_F_VERSION_1);
	stop();
	if (!start_rng())
		return false;
	ok &= tap_check_u64("rng features", device_features(),
			    1ULL << VIRTIO_F_VERSION_1);
	stop();
	return ok;
}

static bool test_features_refused(void)
{
	static const struct {
		const char *name;
		uint64_t features;
	} cases[] = {
		{ "no VERSION_1", 1ULL << VIRTIO_BLK_F_FLUSH },
		{ "nothing", 0 },
		{ "INDIRECT_DESC", 1ULL << VIRTIO_F_VERSION_1 |
				   1ULL << VIRTIO_RING_F_INDIRECT_DESC },
		{ "EVENT_IDX", 1ULL << VIRTIO_F_VERSION_1 |
			       1ULL << VIRTIO_RING_F_EVENT_IDX },
		{ "RING_PACKED", 1ULL << VIRTIO_F_VERSION_1 |
				 1ULL << VIRTIO_F_RING_PACKED },
		{ "blk RO on a writable disk", 1ULL << VIRTIO_F_VERSION_1 |
					       1ULL << VIRTIO_BLK_F_RO },
		{ "bit 63", 1ULL << VIRTIO_F_VERSION_1 | 1ULL << 63 },
	};
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!start_blk(false))
			return false;
		if (negotiate(cases[i].features)) {
			tap_diag("FEATURES_OK accepted with %s",
				 cases[i].name);
			ok = false;
		}
		stop();
	}
	return ok;
}

static bool test_features_accepted(void)
{
	bool ok = true;

	if (!start_blk(false))
		return false;
	ok &= tap_check_u64("VERSION_1 alone",
			    negotiate(1ULL << VIRTIO_F_VERSION_1), 1);
	/* Once FEATURES_OK is set the features are settled. */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1U << VIRTIO_RING_F_INDIRECT_DESC);
	wr(VIRTIO_MMIO_STATUS, STATUS_READY);
	ok &= tap_check_u64("status", rd(VIRTIO_MMIO_STATUS), STATUS_READY);
	ok &= tap_check_u64("all offered", negotiate(device_features()), 1);
	stop();
	return ok;
}

/* Without FEATURES_OK, DRIVER_OK gives a device that takes no buffers. */
static bool test_driver_ok_without_features(void)
{
	uint64_t buf = buf_alloc(64);
	bool ok;

	if (!start_rng())
		return false;
	if (negotiate(0))
		return false;
	if (!setup_queue(0, QSIZE))
		return false;
	wr(VIRTIO_MMIO_STATUS, STATUS_READY | VIRTIO_CONFIG_S_DRIVER_OK);
	add_chain(0, &(struct seg){ buf, 64, W }, 1);
	kick(0);
	ok = tap_check_u64("status", rd(VIRTIO_MMIO_STATUS),
			   (STATUS_READY & ~VIRTIO_CONFIG_S_FEATURES_OK) |
			   VIRTIO_CONFIG_S_DRIVER_OK) &&
	     tap_check_u64("used idx", used_idx(0), 0) &&
	     tap_check_u64("buffer untouched", all_zero(hva(buf), 64), 1);
	stop();
	return ok;
}

/* ---- Queue setup ---- */

static const struct queue_case {
	const char *name;
	uint32_t num;
	uint64_t desc;
	uint64_t avail;
	uint64_t used;
} queue_cases[] = {
	{ "queue size 0", 0, DESC_GPA(0), AVAIL_GPA(0), USED_GPA(0) },
	{ "queue size above QueueNumMax", 2 * NUM_MAX, DESC_GPA(0),
	  AVAIL_GPA(0), USED_GPA(0) },
	{ "queue size 0x10000", 0x10000, DESC_GPA(0), AVAIL_GPA(0),
	  USED_GPA(0) },
	{ "queue size not a power of two", 12, DESC_GPA(0), AVAIL_GPA(0),
	  USED_GPA(0) },
	{ "descriptor table not in RAM", QSIZE, 0x1000, AVAIL_GPA(0),
	  USED_GPA(0) },
	{ "descriptor table misaligned", QSIZE, DESC_GPA(0) + 8,
	  AVAIL_GPA(0), USED_GPA(0) },
	{ "descriptor table past the end of RAM", QSIZE, RAM_END - 128,
	  AVAIL_GPA(0), USED_GPA(0) },
	{ "descriptor table wraps around", QSIZE, 0xffffffffffffff00ULL,
	  AVAIL_GPA(0), USED_GPA(0) },
	{ "available ring misaligned", QSIZE, DESC_GPA(0), AVAIL_GPA(0) + 1,
	  USED_GPA(0) },
	{ "available ring above 4 GiB", QSIZE, DESC_GPA(0),
	  AVAIL_GPA(0) + (1ULL << 32), USED_GPA(0) },
	{ "available ring without room for used_event", QSIZE, DESC_GPA(0),
	  RAM_END - (4 + 2 * QSIZE), USED_GPA(0) },
	{ "used ring misaligned", QSIZE, DESC_GPA(0), AVAIL_GPA(0),
	  USED_GPA(0) + 2 },
	{ "used ring past the end of RAM", QSIZE, DESC_GPA(0), AVAIL_GPA(0),
	  RAM_END - 64 },
	{ "used ring below RAM", QSIZE, DESC_GPA(0), AVAIL_GPA(0),
	  RAM_GPA - 0x100 },
};

/*
 * A queue set up with @c stays not ready and the device needs a reset;
 * no interrupt yet (DRIVER_OK is not set), and DRIVER_OK does not make it
 * take buffers.
 */
static bool test_queue_case(const struct queue_case *c)
{
	uint64_t buf = buf_alloc(16);
	bool ok;

	if (!start_rng())
		return false;
	if (!negotiate(device_features()))
		return false;
	queue_regs(0, c->num, c->desc, c->avail, c->used);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ok = tap_check_u64("QueueReady", rd(VIRTIO_MMIO_QUEUE_READY), 0) &&
	     tap_check_u64("status", rd(VIRTIO_MMIO_STATUS),
			   STATUS_READY | VIRTIO_CONFIG_S_NEEDS_RESET) &&
	     tap_check_u64("pulses", drv.irq.pulses, 0);
	wr(VIRTIO_MMIO_STATUS, STATUS_LIVE);
	drv.num[0] = QSIZE;
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	kick(0);
	ok &= tap_check_u64("status", rd(VIRTIO_MMIO_STATUS),
			    STATUS_LIVE | VIRTIO_CONFIG_S_NEEDS_RESET) &&
	      tap_check_u64("buffer untouched", all_zero(hva(buf), 16), 1);
	/* A reset and a proper setup bring it back. */
	wr(VIRTIO_MMIO_STATUS, 0);
	memset(hva(RAM_GPA), 0, 0x4000);
	drv.avail_idx[0] = 0;
	drv.next_desc[0] = 0;
	ok &= init_queues(1, QSIZE);
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	kick(0);
	ok &= tap_check_u64("used idx after reset", used_idx(0), 1);
	stop();
	return ok;
}

/* The last QueueNumMax queue at the very top of RAM is fine. */
static bool test_queue_at_ram_end(void)
{
	uint64_t desc = RAM_END - 0x3000, avail = RAM_END - 0x2000;
	uint64_t used = RAM_END - (6 + 8 * NUM_MAX);
	uint64_t buf = buf_alloc(16);
	bool ok;

	if (!start_rng())
		return false;
	if (!negotiate(device_features()))
		return false;
	queue_regs(0, NUM_MAX, desc, avail, used & ~3ULL);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, STATUS_LIVE);
	ok = tap_check_u64("QueueReady", rd(VIRTIO_MMIO_QUEUE_READY), 1);
	*(struct vring_desc *)hva(desc) = (struct vring_desc){ buf, 16, W, 0 };
	((struct vring_avail *)hva(avail))->idx = 1;
	kick(0);
	ok &= check_live() &&
	      tap_check_u64("used idx",
			    ((struct vring_used *)hva(used & ~3ULL))->idx, 1);
	stop();
	return ok;
}

/* "Writes to queue registers while the queue is ready are ignored". */
static bool test_queue_regs_while_ready(void)
{
	uint64_t buf = buf_alloc(32);
	unsigned int i;
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 3);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x10);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0xffff);
	wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, 1);
	wr(VIRTIO_MMIO_QUEUE_USED_LOW, 2);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	for (i = 0; i < 5; i++) {
		add_chain(0, &(struct seg){ buf, 16 + i, W }, 1);
		kick(0);
	}
	ok = check_live() && tap_check_u64("used idx", used_idx(0), 5);
	for (i = 0; i < 5; i++)
		ok &= tap_check_u64("used id", used_elem(0, i).id, i) &&
		      tap_check_u64("used len", used_elem(0, i).len, 16 + i);

	/* Not ready any more: notifications have nothing to do. */
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	ok &= tap_check_u64("QueueReady", rd(VIRTIO_MMIO_QUEUE_READY), 0);
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	kick(0);
	ok &= tap_check_u64("used idx when not ready", used_idx(0), 5) &&
	      check_live();
	stop();
	return ok;
}

/*
 * A queue set up wrong once the device is live: one config change
 * interrupt for the error, not one per attempt.
 */
static bool test_queue_setup_after_driver_ok(void)
{
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	wr(VIRTIO_MMIO_QUEUE_READY, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 3);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ok = tap_check_u64("QueueReady", rd(VIRTIO_MMIO_QUEUE_READY), 0) &&
	     check_needs_reset(0, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ok &= tap_check_u64("pulses after a second try", drv.irq.pulses, 1);
	stop();
	return ok;
}

/* ---- Notifications and interrupts ---- */

static bool test_notify_bad_queues(void)
{
	static const uint32_t queues[] = { 1, 2, 0xffff, 0x10000, 0xffffffff };
	uint64_t buf = buf_alloc(16);
	unsigned int i;
	bool ok = true;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	for (i = 0; i < ARRAY_SIZE(queues); i++)
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, queues[i]);
	ok &= tap_check_u64("used idx", used_idx(0), 0) &&
	      tap_check_u64("pulses", drv.irq.pulses, 0) && check_live();
	kick(0);
	ok &= tap_check_u64("used idx after the right notify", used_idx(0),
			    1);
	stop();
	return ok;
}

/*
 * Buffers a driver supplies and notifies before DRIVER_OK are taken when
 * DRIVER_OK comes, not before.
 */
static bool test_buffers_before_driver_ok(void)
{
	uint64_t buf = buf_alloc(32);
	bool ok;

	if (!start_rng() || !negotiate(device_features()) ||
	    !setup_queue(0, QSIZE))
		return false;
	add_chain(0, &(struct seg){ buf, 32, W }, 1);
	kick(0);
	ok = tap_check_u64("used idx before DRIVER_OK", used_idx(0), 0) &&
	     tap_check_u64("buffer untouched", all_zero(hva(buf), 32), 1);
	wr(VIRTIO_MMIO_STATUS, STATUS_LIVE);
	ok &= tap_check_u64("used idx after DRIVER_OK", used_idx(0), 1) &&
	      tap_check_u64("used len", used_elem(0, 0).len, 32) &&
	      tap_check_u64("pulses", drv.irq.pulses, 1) &&
	      tap_check_u64("interrupt status",
			    rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			    VIRTIO_MMIO_INT_VRING);
	stop();
	return ok;
}

static bool test_interrupt_and_ack(void)
{
	uint64_t buf = buf_alloc(16);
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	kick(0);
	ok = tap_check_u64("pulses", drv.irq.pulses, 1) &&
	     tap_check_u64("interrupt status",
			   rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			   VIRTIO_MMIO_INT_VRING);
	/* Not acknowledged yet: the next buffer is an edge of its own. */
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	kick(0);
	ok &= tap_check_u64("pulses", drv.irq.pulses, 2);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	ok &= tap_check_u64("interrupt status after the wrong ACK",
			    rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			    VIRTIO_MMIO_INT_VRING);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ok &= tap_check_u64("interrupt status after ACK",
			    rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	/* A batch of several buffers is one edge. */
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	kick(0);
	ok &= tap_check_u64("used idx", used_idx(0), 5) &&
	      tap_check_u64("pulses", drv.irq.pulses, 3) &&
	      tap_check_u64("bad edges", drv.irq.bad_edges, 0) &&
	      tap_check_u64("line left low", drv.irq.level, 0);
	stop();
	return ok;
}

static bool test_interrupt_suppressed(void)
{
	uint64_t buf = buf_alloc(16);
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	avail_ring(0)->flags = VRING_AVAIL_F_NO_INTERRUPT;
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	kick(0);
	ok = tap_check_u64("used idx", used_idx(0), 1) &&
	     tap_check_u64("pulses", drv.irq.pulses, 0) &&
	     tap_check_u64("interrupt status",
			   rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	avail_ring(0)->flags = 0;
	add_chain(0, &(struct seg){ buf, 16, W }, 1);
	kick(0);
	ok &= tap_check_u64("pulses once allowed", drv.irq.pulses, 1);
	stop();
	return ok;
}

/* ---- Reset ---- */

static bool test_reset(void)
{
	uint64_t buf = buf_alloc(16);
	bool ok;

	if (!start_console(-1) || !init_queues(2, QSIZE))
		return false;
	add_chain(1, &(struct seg){ buf, 1, R }, 1);
	kick(1);
	ok = tap_check_u64("interrupt status",
			   rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			   VIRTIO_MMIO_INT_VRING);
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	ok &= tap_check_u64("status", rd(VIRTIO_MMIO_STATUS), 0) &&
	      tap_check_u64("interrupt status",
			    rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0) &&
	      tap_check_u64("QueueReady", rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	ok &= tap_check_u64("QueueReady q0", rd(VIRTIO_MMIO_QUEUE_READY), 0);
	add_chain(1, &(struct seg){ buf, 1, R }, 1);
	kick(1);
	ok &= tap_check_u64("used idx after reset", used_idx(1), 1) &&
	      tap_check_u64("console input after reset",
			    virtio_console_receive(drv.dev,
						   (const uint8_t *)"x", 1),
			    0);

	/* The driver's features went too: FEATURES_OK needs them again. */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE |
	   VIRTIO_CONFIG_S_DRIVER);
	wr(VIRTIO_MMIO_STATUS, STATUS_READY);
	ok &= tap_check_u64("FEATURES_OK without features",
			    rd(VIRTIO_MMIO_STATUS) &
			    VIRTIO_CONFIG_S_FEATURES_OK, 0);

	/* New rings, indices from 0 again. */
	wr(VIRTIO_MMIO_STATUS, 0);
	memset(hva(RAM_GPA), 0, 0x8000);
	memset(drv.avail_idx, 0, sizeof(drv.avail_idx));
	memset(drv.next_desc, 0, sizeof(drv.next_desc));
	ok &= init_queues(2, QSIZE);
	add_chain(1, &(struct seg){ buf, 1, R }, 1);
	kick(1);
	ok &= tap_check_u64("used idx after re-init", used_idx(1), 1);
	stop();
	return ok;
}

/* ---- Broken rings: the device needs a reset ---- */

static bool test_ring_loop(void)
{
	uint64_t buf = buf_alloc(16);
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	set_desc(0, 0, buf, 8, W | VRING_DESC_F_NEXT, 1);
	set_desc(0, 1, buf + 8, 8, W | VRING_DESC_F_NEXT, 0);
	make_avail(0, 0);
	kick(0);
	ok = check_needs_reset(0, 0) &&
	     tap_check_u64("used idx", used_idx(0), 0);
	stop();
	return ok;
}

static bool test_ring_self_loop(void)
{
	uint64_t buf = buf_alloc(16);
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	set_desc(0, 5, buf, 16, W | VRING_DESC_F_NEXT, 5);
	make_avail(0, 5);
	kick(0);
	ok = check_needs_reset(0, 0);
	stop();
	return ok;
}

/* A loop through all the queue's descriptors. */
static bool test_ring_long_loop(void)
{
	uint64_t buf = buf_alloc(16);
	unsigned int i;
	bool ok;

	if (!start_rng() || !init_queues(1, NUM_MAX))
		return false;
	for (i = 0; i < NUM_MAX; i++)
		set_desc(0, i, buf, 1, W | VRING_DESC_F_NEXT,
			 (i + 1) % NUM_MAX);
	make_avail(0, 0);
	kick(0);
	ok = check_needs_reset(0, 0);
	stop();
	return ok;
}

/* A chain of exactly the queue size is fine. */
static bool test_ring_full_chain(void)
{
	uint64_t buf = buf_alloc(16);
	unsigned int i;
	uint32_t len;
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	for (i = 0; i < QSIZE; i++)
		set_desc(0, (i * 5) % QSIZE, buf, 16,
			 W | (i + 1 < QSIZE ? VRING_DESC_F_NEXT : 0),
			 ((i + 1) * 5) % QSIZE);
	make_avail(0, 0);
	kick(0);
	len = used_elem(0, 0).len;
	ok = check_live() && tap_check_u64("used idx", used_idx(0), 1) &&
	     tap_check_u64("used len", len, 16 * QSIZE);
	stop();
	return ok;
}

static bool test_ring_next_out_of_range(void)
{
	static const uint16_t nexts[] = { QSIZE, QSIZE + 1, 0xffff };
	uint64_t buf = buf_alloc(16);
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(nexts); i++) {
		if (!start_rng() || !init_queues(1, QSIZE))
			return false;
		set_desc(0, 0, buf, 16, W | VRING_DESC_F_NEXT, nexts[i]);
		make_avail(0, 0);
		kick(0);
		ok &= check_needs_reset(0, 0);
		stop();
	}
	return ok;
}

static bool test_ring_head_out_of_range(void)
{
	static const uint16_t heads[] = { QSIZE, 0x8000, 0xffff };
	uint64_t buf = buf_alloc(16);
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(heads); i++) {
		if (!start_rng() || !init_queues(1, QSIZE))
			return false;
		set_desc(0, 0, buf, 16, W, 0);
		make_avail(0, heads[i]);
		kick(0);
		ok &= check_needs_reset(0, 0);
		stop();
	}
	return ok;
}

static bool test_ring_avail_idx_jump(void)
{
	static const uint16_t idxs[] = { QSIZE + 1, 0x8000, 0xffff };
	uint64_t buf = buf_alloc(16);
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(idxs); i++) {
		if (!start_rng() || !init_queues(1, QSIZE))
			return false;
		set_desc(0, 0, buf, 16, W, 0);
		avail_ring(0)->idx = idxs[i];
		kick(0);
		ok &= check_needs_reset(0, 0) &&
		      tap_check_u64("used idx", used_idx(0), 0);
		stop();
	}
	return ok;
}

/* The driver may be a whole queue ahead, no more: a bounded batch. */
static bool test_ring_full_batch(void)
{
	uint64_t buf = buf_alloc(16);
	unsigned int i;
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	set_desc(0, 3, buf, 16, W, 0);
	for (i = 0; i < QSIZE; i++)
		make_avail(0, 3);
	kick(0);
	ok = check_live() && tap_check_u64("used idx", used_idx(0), QSIZE) &&
	     tap_check_u64("pulses", drv.irq.pulses, 1);
	/* And around the 16-bit wrap of the indices. */
	for (i = 0; i < 0x10000 / QSIZE; i++) {
		unsigned int k;

		for (k = 0; k < QSIZE; k++)
			make_avail(0, 3);
		kick(0);
	}
	ok &= check_live() && tap_check_u64("used idx after wrapping",
					    used_idx(0), QSIZE);
	stop();
	return ok;
}

static bool test_ring_indirect(void)
{
	uint64_t table = buf_alloc(16), buf = buf_alloc(16);
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	*(struct vring_desc *)hva(table) = (struct vring_desc){ buf, 16, W, 0 };
	set_desc(0, 0, table, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0, 0);
	kick(0);
	ok = check_needs_reset(0, 0) &&
	     tap_check_u64("buffer untouched", all_zero(hva(buf), 16), 1);
	stop();
	return ok;
}

/* A good chain, then a broken one in the same batch. */
static bool test_ring_good_then_broken(void)
{
	uint64_t buf = buf_alloc(16);
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	set_desc(0, 0, buf, 16, W, 0);
	set_desc(0, 1, buf, 16, W | VRING_DESC_F_NEXT, 1);
	make_avail(0, 0);
	make_avail(0, 1);
	kick(0);
	ok = tap_check_u64("used idx", used_idx(0), 1) &&
	     tap_check_u64("interrupt status",
			   rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			   VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG) &&
	     tap_check_u64("status", rd(VIRTIO_MMIO_STATUS),
			   STATUS_LIVE | VIRTIO_CONFIG_S_NEEDS_RESET) &&
	     tap_check_u64("pulses", drv.irq.pulses, 1);
	/* Broken is broken: no second config interrupt. */
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 3);
	kick(0);
	ok &= tap_check_u64("pulses after another notify", drv.irq.pulses,
			    1);
	/* The driver's reset ends the error state. */
	wr(VIRTIO_MMIO_STATUS, 0);
	ok &= tap_check_u64("status after reset", rd(VIRTIO_MMIO_STATUS), 0);
	stop();
	return ok;
}

/* ---- Broken requests: refused, the device goes on ---- */

struct rng_case {
	const char *name;
	struct seg segs[3];
	unsigned int n;
	uint32_t used_len;
};

static const struct rng_case rng_cases[] = {
	{ "rng: address below RAM", { { RAM_GPA - 16, 16, W } }, 1, 0 },
	{ "rng: address past RAM", { { RAM_END, 16, W } }, 1, 0 },
	{ "rng: buffer across the end of RAM", { { RAM_END - 8, 16, W } }, 1,
	  0 },
	{ "rng: address wraps around", { { 0xfffffffffffffff0ULL, 0x20, W } },
	  1, 0 },
	{ "rng: length 0xffffffff", { { RAM_GPA, 0xffffffff, W } }, 1, 0 },
	{ "rng: good buffer, then one outside RAM",
	  { { BUF_GPA, 16, W }, { 0x10, 16, W } }, 2, 0 },
	{ "rng: device-readable buffer", { { BUF_GPA, 16, R } }, 1, 0 },
	{ "rng: readable, then writable",
	  { { BUF_GPA, 16, R }, { BUF_GPA + 16, 16, W } }, 2, 0 },
	{ "rng: readable after writable",
	  { { BUF_GPA, 16, W }, { BUF_GPA + 16, 16, R } }, 2, 0 },
	{ "rng: zero-length descriptors are skipped",
	  { { 0, 0, W }, { BUF_GPA, 16, W }, { RAM_END, 0, W } }, 3, 16 },
	{ "rng: two buffers", { { BUF_GPA, 100, W }, { BUF_GPA + 128, 28, W } },
	  2, 128 },
	{ "rng: at most 64 KiB", { { BUF_GPA, 0x20000, W } }, 1, 0x10000 },
};

static bool test_rng_case(const struct rng_case *c)
{
	uint32_t len, i;
	bool ok;

	if (!start_rng() || !init_queues(1, QSIZE))
		return false;
	ok = run_chain(0, c->segs, c->n, &len) &&
	     tap_check_u64("used len", len, c->used_len) && check_live() &&
	     tap_check_u64("pulses", drv.irq.pulses, 1);
	/*
	 * Refused: nothing written. Taken: random bytes where the length
	 * says and nothing past it.
	 */
	if (!c->used_len) {
		for (i = 0; i < c->n; i++)
			if (guest_ptr(&mem, c->segs[i].gpa, c->segs[i].len))
				ok &= tap_check_u64("buffer untouched",
					all_zero(hva(c->segs[i].gpa),
						 c->segs[i].len), 1);
	} else if (c->segs[0].len > c->used_len) {
		ok &= tap_check_u64("filled",
				    all_zero(hva(BUF_GPA), c->used_len), 0) &&
		      tap_check_u64("not past the length",
				    all_zero(hva(BUF_GPA) + c->used_len,
					     c->segs[0].len - c->used_len), 1);
	} else {
		ok &= tap_check_u64("filled", all_zero(hva(BUF_GPA), 64), 0);
	}
	stop();
	return ok;
}

/* Writable buffers adding up to more than the 32-bit used length. */
static bool test_rng_length_overflow(void)
{
	struct seg segs[200];
	unsigned int i;
	uint32_t len;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		segs[i] = (struct seg){ BUF_GPA, RAM_END - BUF_GPA, W };
	if (!start_rng() || !init_queues(1, NUM_MAX))
		return false;
	ok = run_chain(0, segs, ARRAY_SIZE(segs), &len) &&
	     tap_check_u64("used len", len, 0) && check_live() &&
	     tap_check_u64("buffer untouched", all_zero(hva(BUF_GPA), 4096),
			   1);
	stop();
	return ok;
}

/* ---- virtio-blk ---- */

static uint64_t blk_header(uint32_t type, uint64_t sector)
{
	uint64_t gpa = buf_alloc(sizeof(struct virtio_blk_outhdr));

	*(struct virtio_blk_outhdr *)hva(gpa) = (struct virtio_blk_outhdr){
		.type = type, .sector = sector };
	return gpa;
}

static uint64_t blk_status(void)
{
	uint64_t gpa = buf_alloc(1);

	*(uint8_t *)hva(gpa) = 0xff;
	return gpa;
}

static bool check_status(uint64_t gpa, uint8_t want)
{
	return tap_check_u64("blk status", *(uint8_t *)hva(gpa), want);
}

static bool test_blk_create_errors(void)
{
	char err[sizeof(disk_path) + 64], want[sizeof(disk_path) + 64];
	char small[sizeof(disk_path) + 8];
	struct virtio_mmio *dev;
	bool ok;

	dev = virtio_blk_create(&mem, &drv.line, "/nonexistent/disk", false,
				err, sizeof(err));
	ok = tap_check_u64("created", dev != NULL, 0);
	if (strcmp(err, "/nonexistent/disk: No such file or directory")) {
		tap_diag("error \"%s\"", err);
		ok = false;
	}

	snprintf(small, sizeof(small), "%s.small", disk_path);
	make_disk(small, 0, 511);
	dev = virtio_blk_create(&mem, &drv.line, small, true, err,
				sizeof(err));
	ok &= tap_check_u64("created", dev != NULL, 0);
	snprintf(want, sizeof(want), "%s: smaller than one 512-byte sector",
		 small);
	if (strcmp(err, want)) {
		tap_diag("error \"%s\"", err);
		ok = false;
	}
	unlink(small);
	return ok;
}

/* The descriptor the next open() returns. */
static int lowest_free_fd(void)
{
	int fd = fcntl(STDOUT_FILENO, F_DUPFD, 0);

	close(fd);
	return fd;
}

/* Capacity rounds down; destroy closes the file. */
static bool test_blk_capacity_and_close(void)
{
	int fd = lowest_free_fd();
	char err[128];
	bool ok;

	make_disk(disk_path, 9, 100);
	if (!start(virtio_blk_create(&mem, &drv.line, disk_path, false, err,
				     sizeof(err))))
		return false;
	ok = tap_check_u64("capacity", rd(VIRTIO_MMIO_CONFIG), 9) &&
	     tap_check_u64("disk open", fcntl(fd, F_GETFD) >= 0, 1);
	stop();
	ok &= tap_check_u64("disk closed", fcntl(fd, F_GETFD), (uint64_t)-1);
	return ok;
}

/* Header split 8 + 8, data over three buffers, status on its own. */
static bool test_blk_read(void)
{
	uint64_t hdr = blk_header(VIRTIO_BLK_T_IN, 3);
	uint64_t data = buf_alloc(1024), st = blk_status();
	struct seg segs[] = {
		{ hdr, 8, R }, { hdr + 8, 8, R },
		{ data, 256, W }, { data + 256, 512, W },
		{ data + 768, 256, W },
		{ st, 1, W },
	};
	uint8_t want[1024];
	uint32_t len, i;
	bool ok;

	for (i = 0; i < sizeof(want); i++)
		want[i] = disk_byte(3 * 512 + i);
	if (!start_blk(false) || !init_queues(1, QSIZE))
		return false;
	ok = run_chain(0, segs, ARRAY_SIZE(segs), &len) &&
	     tap_check_u64("used len", len, 1025) && check_status(st, 0) &&
	     tap_check_u64("data", memcmp(hva(data), want, sizeof(want)), 0) &&
	     tap_check_u64("pulses", drv.irq.pulses, 1);
	stop();
	return ok;
}

/* Data and status in one buffer: the status is its last byte. */
static bool test_blk_read_status_with_data(void)
{
	uint64_t hdr = blk_header(VIRTIO_BLK_T_IN, DISK_SECTORS - 1);
	uint64_t data = buf_alloc(513);
	struct seg segs[] = { { hdr, 16, R }, { data, 513, W } };
	uint8_t want[512];
	uint32_t len, i;
	bool ok;

	for (i = 0; i < sizeof(want); i++)
		want[i] = disk_byte((DISK_SECTORS - 1) * 512 + i);
	if (!start_blk(false) || !init_queues(1, QSIZE))
		return false;
	*(uint8_t *)hva(data + 512) = 0xff;
	ok = run_chain(0, segs, ARRAY_SIZE(segs), &len) &&
	     tap_check_u64("used len", len, 513) &&
	     check_status(data + 512, 0) &&
	     tap_check_u64("data", memcmp(hva(data), want, sizeof(want)), 0);
	stop();
	return ok;
}

static bool test_blk_write(void)
{
	uint64_t hdr = blk_header(VIRTIO_BLK_T_OUT, 5);
	uint64_t data = buf_alloc(1024), st = blk_status();
	struct seg segs[] = {
		{ hdr, 16, R }, { data, 100, R }, { data + 100, 924, R },
		{ st, 1, W },
	};
	uint32_t len, i;
	bool ok;

	if (!start_blk(false) || !init_queues(1, QSIZE))
		return false;
	for (i = 0; i < 1024; i++)
		((uint8_t *)hva(data))[i] = (uint8_t)~i;
	ok = run_chain(0, segs, ARRAY_SIZE(segs), &len) &&
	     tap_check_u64("used len", len, 1) && check_status(st, 0) &&
	     tap_check_u64("written", disk_matches(5 * 512, hva(data), 1024),
			   1);
	stop();
	return ok;
}

static bool test_blk_flush(void)
{
	uint64_t hdr = blk_header(VIRTIO_BLK_T_FLUSH, 0), st = blk_status();
	struct seg segs[] = { { hdr, 16, R }, { st, 1, W } };
	uint32_t len;
	bool ok;

	if (!start_blk(false) || !init_queues(1, QSIZE))
		return false;
	ok = run_chain(0, segs, ARRAY_SIZE(segs), &len) &&
	     tap_check_u64("used len", len, 1) && check_status(st, 0);
	stop();
	return ok;
}

static bool test_blk_get_id(void)
{
	uint64_t hdr = blk_header(VIRTIO_BLK_T_GET_ID, 0);
	uint64_t id = buf_alloc(VIRTIO_BLK_ID_BYTES), st = blk_status();
	struct seg segs[] = {
		{ hdr, 16, R }, { id, VIRTIO_BLK_ID_BYTES, W }, { st, 1, W },
	};
	char want[VIRTIO_BLK_ID_BYTES] = "kvmlite-blk";
	uint32_t len;
	bool ok;

	if (!start_blk(false) || !init_queues(1, QSIZE))
		return false;
	memset(hva(id), 0xff, VIRTIO_BLK_ID_BYTES);
	ok = run_chain(0, segs, ARRAY_SIZE(segs), &len) &&
	     tap_check_u64("used len", len, VIRTIO_BLK_ID_BYTES + 1) &&
	     check_status(st, 0) &&
	     tap_check_u64("id", memcmp(hva(id), want, sizeof(want)), 0);
	stop();
	return ok;
}

static bool test_blk_read_only(void)
{
	uint64_t out = blk_header(VIRTIO_BLK_T_OUT, 0);
	uint64_t in = blk_header(VIRTIO_BLK_T_IN, 0);
	uint64_t flush = blk_header(VIRTIO_BLK_T_FLUSH, 0);
	uint64_t data = buf_alloc(512), st[3] = {
		blk_status(), blk_status(), blk_status() };
	struct seg write_req[] = { { out, 16, R }, { data, 512, R },
				   { st[0], 1, W } };
	struct seg read_req[] = { { in, 16, R }, { data, 512, W },
				  { st[1], 1, W } };
	struct seg flush_req[] = { { flush, 16, R }, { st[2], 1, W } };
	uint32_t len;
	bool ok;

	if (!start_blk(true) || !init_queues(1, QSIZE))
		return false;
	memset(hva(data), 0x5a, 512);
	ok = run_chain(0, write_req, ARRAY_SIZE(write_req), &len) &&
	     tap_check_u64("write used len", len, 1) &&
	     check_status(st[0], VIRTIO_BLK_S_IOERR) &&
	     tap_check_u64("disk untouched", disk_untouched(), 1) &&
	     run_chain(0, read_req, ARRAY_SIZE(read_req), &len) &&
	     tap_check_u64("read used len", len, 513) &&
	     check_status(st[1], VIRTIO_BLK_S_OK) &&
	     tap_check_u64("read data", *(uint8_t *)hva(data), disk_byte(0)) &&
	     run_chain(0, flush_req, ARRAY_SIZE(flush_req), &len) &&
	     check_status(st[2], VIRTIO_BLK_S_OK);
	stop();
	return ok;
}

/* Requests the device answers with an error status; the disk is unchanged. */
static const struct blk_case {
	const char *name;
	uint32_t type;
	uint64_t sector;
	/* gpa 0 means "the header", 1 "a data buffer", 2 "the status" */
	struct seg segs[4];
	unsigned int n;
	uint8_t status;
	uint32_t used_len;		/* ~0: no status, nothing written */
} blk_cases[] = {
#define HDR	0
#define DATA	1
#define STAT	2
	{ "read past the end", VIRTIO_BLK_T_IN, DISK_SECTORS,
	  { { HDR, 16, R }, { DATA, 512, W }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "read across the end", VIRTIO_BLK_T_IN, DISK_SECTORS - 1,
	  { { HDR, 16, R }, { DATA, 1024, W }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "write past the end", VIRTIO_BLK_T_OUT, DISK_SECTORS,
	  { { HDR, 16, R }, { DATA, 512, R }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "sector 2^63", VIRTIO_BLK_T_OUT, 1ULL << 63,
	  { { HDR, 16, R }, { DATA, 512, R }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "sector ~0", VIRTIO_BLK_T_IN, ~0ULL,
	  { { HDR, 16, R }, { DATA, 512, W }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "partial sector", VIRTIO_BLK_T_IN, 0,
	  { { HDR, 16, R }, { DATA, 500, W }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "partial sector write", VIRTIO_BLK_T_OUT, 0,
	  { { HDR, 16, R }, { DATA, 513, R }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "data outside RAM", VIRTIO_BLK_T_IN, 0,
	  { { HDR, 16, R }, { RAM_END, 512, W }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "write data wrapping around", VIRTIO_BLK_T_OUT, 0,
	  { { HDR, 16, R }, { ~0ULL - 255, 512, R }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "header outside RAM", VIRTIO_BLK_T_IN, 0,
	  { { RAM_GPA - 16, 16, R }, { DATA, 512, W }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "header device-writable", VIRTIO_BLK_T_IN, 0,
	  { { HDR, 16, W }, { DATA, 512, W }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "header short", VIRTIO_BLK_T_IN, 0,
	  { { HDR, 8, R }, { DATA, 512, W }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "read with readable data", VIRTIO_BLK_T_IN, 0,
	  { { HDR, 16, R }, { DATA, 512, R }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "write with writable data", VIRTIO_BLK_T_OUT, 0,
	  { { HDR, 16, R }, { DATA, 512, W }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "flush with data", VIRTIO_BLK_T_FLUSH, 0,
	  { { HDR, 16, R }, { DATA, 512, R }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "header after the data", VIRTIO_BLK_T_IN, 0,
	  { { DATA, 512, W }, { HDR, 16, R }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_IOERR, 1 },
	{ "readable after writable", VIRTIO_BLK_T_OUT, 0,
	  { { HDR, 16, R }, { STAT, 1, W }, { DATA, 512, R }, { STAT, 1, W } },
	  4, VIRTIO_BLK_S_IOERR, 1 },
	{ "discard", VIRTIO_BLK_T_DISCARD, 0,
	  { { HDR, 16, R }, { DATA, 16, R }, { STAT, 1, W } }, 3,
	  VIRTIO_BLK_S_UNSUPP, 1 },
	{ "type 0xdeadbeef", 0xdeadbeef, 0,
	  { { HDR, 16, R }, { STAT, 1, W } }, 2, VIRTIO_BLK_S_UNSUPP, 1 },
	{ "status outside RAM", VIRTIO_BLK_T_IN, 0,
	  { { HDR, 16, R }, { DATA, 512, W }, { RAM_END, 1, W } }, 3, 0, ~0U },
	{ "no writable buffer", VIRTIO_BLK_T_IN, 0,
	  { { HDR, 16, R }, { DATA, 512, R } }, 2, 0, ~0U },
	{ "nothing but a status", VIRTIO_BLK_T_IN, 0, { { STAT, 1, W } }, 1,
	  VIRTIO_BLK_S_IOERR, 1 },
#undef HDR
#undef DATA
#undef STAT
};

static bool test_blk_case(const struct blk_case *c)
{
	uint64_t hdr = blk_header(c->type, c->sector);
	uint64_t data = buf_alloc(1024), st = blk_status();
	struct seg segs[4];
	uint32_t len, i;
	bool ok;

	for (i = 0; i < c->n; i++) {
		segs[i] = c->segs[i];
		if (segs[i].gpa == 0)
			segs[i].gpa = hdr;
		else if (segs[i].gpa == 1)
			segs[i].gpa = data;
		else if (segs[i].gpa == 2)
			segs[i].gpa = st;
	}
	if (!start_blk(false) || !init_queues(1, QSIZE))
		return false;
	memset(hva(data), 0x5a, 1024);
	ok = run_chain(0, segs, c->n, &len) && check_live() &&
	     tap_check_u64("disk untouched", disk_untouched(), 1);
	if (c->used_len == ~0U)
		ok &= tap_check_u64("used len", len, 0) &&
		      check_status(st, 0xff);
	else
		ok &= tap_check_u64("used len", len, c->used_len) &&
		      check_status(st, c->status);
	if (c->status == VIRTIO_BLK_S_IOERR && c->type == VIRTIO_BLK_T_IN)
		ok &= tap_check_u64("data untouched",
				    *(uint8_t *)hva(data) == 0x5a, 1);
	stop();
	return ok;
}

/* ---- virtio-console ---- */

static bool test_console_transmit(void)
{
	uint64_t a = buf_alloc(6), b = buf_alloc(5);
	struct seg segs[] = { { a, 6, R }, { b, 5, R } };
	char got[32] = { 0 };
	int fds[2];
	uint32_t len;
	bool ok;

	if (pipe(fds))
		return false;
	if (!start_console(fds[1]) || !init_queues(2, QSIZE))
		return false;
	memcpy(hva(a), "hello ", 6);
	memcpy(hva(b), "world", 5);
	ok = run_chain(1, segs, ARRAY_SIZE(segs), &len) &&
	     tap_check_u64("used len", len, 0) &&
	     tap_check_u64("pulses", drv.irq.pulses, 1) &&
	     tap_check_u64("read", read(fds[0], got, sizeof(got)), 11) &&
	     tap_check_u64("output", strcmp(got, "hello world"), 0);
	stop();
	close(fds[0]);
	close(fds[1]);
	return ok;
}

/* Transmit chains with device-writable or unreachable buffers: no output. */
static bool test_console_transmit_refused(void)
{
	uint64_t a = buf_alloc(6);
	struct seg writable[] = { { a, 6, R }, { a, 6, W } };
	struct seg outside[] = { { a, 6, R }, { RAM_END - 1, 6, R } };
	char got[32];
	int fds[2];
	uint32_t len;
	bool ok;

	if (pipe2(fds, O_NONBLOCK))
		return false;
	if (!start_console(fds[1]) || !init_queues(2, QSIZE))
		return false;
	memcpy(hva(a), "hello ", 6);
	ok = run_chain(1, writable, ARRAY_SIZE(writable), &len) &&
	     tap_check_u64("used len", len, 0) &&
	     run_chain(1, outside, ARRAY_SIZE(outside), &len) &&
	     tap_check_u64("used len", len, 0) &&
	     tap_check_u64("nothing written", read(fds[0], got, sizeof(got)),
			   (uint64_t)-1) &&
	     tap_check_u64("buffer untouched", memcmp(hva(a), "hello ", 6),
			   0) && check_live();
	stop();
	close(fds[0]);
	close(fds[1]);
	return ok;
}

struct slow_reader {
	int fd;
	size_t want;
	uint8_t *buf;
	size_t got;
};

static void *slow_reader_run(void *arg)
{
	struct slow_reader *r = arg;

	while (r->got < r->want) {
		size_t chunk = r->want - r->got < 1000 ? r->want - r->got :
							 1000;
		ssize_t n = read(r->fd, r->buf + r->got, chunk);

		if (n <= 0)
			break;
		r->got += n;
	}
	return NULL;
}

/* A non-blocking pipe far smaller than the output: partial writes. */
static bool test_console_transmit_partial(void)
{
	enum { PART = 20000 };
	uint64_t a = buf_alloc(3 * PART);
	struct seg segs[] = {
		{ a, PART, R }, { a + PART, PART, R },
		{ a + 2 * PART, PART, R },
	};
	struct slow_reader reader = { .want = 3 * PART };
	pthread_t thread;
	int fds[2];
	uint32_t len, i;
	bool ok;

	if (pipe2(fds, O_NONBLOCK))
		return false;
	fcntl(fds[1], F_SETPIPE_SZ, 4096);
	/* Only the device's end is non-blocking. */
	fcntl(fds[0], F_SETFL, 0);
	reader.fd = fds[0];
	reader.buf = malloc(3 * PART);
	if (!start_console(fds[1]) || !init_queues(2, QSIZE))
		return false;
	for (i = 0; i < 3 * PART; i++)
		((uint8_t *)hva(a))[i] = (uint8_t)(i * 7 + (i >> 8));
	if (pthread_create(&thread, NULL, slow_reader_run, &reader))
		return false;
	ok = run_chain(1, segs, ARRAY_SIZE(segs), &len);
	pthread_join(thread, NULL);
	ok &= tap_check_u64("bytes out", reader.got, 3 * PART) &&
	      tap_check_u64("output", memcmp(reader.buf, hva(a), 3 * PART), 0);
	stop();
	free(reader.buf);
	close(fds[0]);
	close(fds[1]);
	return ok;
}

static size_t console_input(const char *s)
{
	return virtio_console_receive(drv.dev, (const uint8_t *)s, strlen(s));
}

static bool test_console_receive(void)
{
	uint64_t a = buf_alloc(4), b = buf_alloc(4), c = buf_alloc(16);
	bool ok;

	if (!start_console(-1))
		return false;
	ok = tap_check_u64("before DRIVER_OK", console_input("abc"), 0);
	if (!init_queues(2, QSIZE))
		return false;
	ok &= tap_check_u64("no buffers", console_input("abc"), 0) &&
	      tap_check_u64("nothing", virtio_console_receive(drv.dev,
							      NULL, 0), 0);

	add_chain(0, &(struct seg){ a, 4, W }, 1);
	add_chain(0, &(struct seg){ b, 4, W }, 1);
	/* The notify itself takes nothing: no input waits. */
	kick(0);
	ok &= tap_check_u64("used idx after notify", used_idx(0), 0) &&
	      tap_check_u64("partial", console_input("abcdefghij"), 8) &&
	      tap_check_u64("used idx", used_idx(0), 2) &&
	      tap_check_u64("len 0", used_elem(0, 0).len, 4) &&
	      tap_check_u64("len 1", used_elem(0, 1).len, 4) &&
	      tap_check_u64("data", memcmp(hva(a), "abcd", 4) ||
				    memcmp(hva(b), "efgh", 4), 0) &&
	      tap_check_u64("pulses", drv.irq.pulses, 1) &&
	      tap_check_u64("interrupt status",
			    rd(VIRTIO_MMIO_INTERRUPT_STATUS),
			    VIRTIO_MMIO_INT_VRING) &&
	      tap_check_u64("full", console_input("ij"), 0);

	add_chain(0, &(struct seg){ c, 16, W }, 1);
	ok &= tap_check_u64("rest", console_input("ij"), 2) &&
	      tap_check_u64("used len", used_elem(0, 2).len, 2) &&
	      tap_check_u64("data", memcmp(hva(c), "ij", 2), 0) &&
	      tap_check_u64("pulses", drv.irq.pulses, 2);
	stop();
	return ok;
}

/* Receive chains that are not device-writable go back empty. */
static bool test_console_receive_refused(void)
{
	uint64_t a = buf_alloc(8), b = buf_alloc(4);
	bool ok;

	if (!start_console(-1) || !init_queues(2, QSIZE))
		return false;
	add_chain(0, (struct seg[]){ { a, 4, R }, { a + 4, 4, W } }, 2);
	add_chain(0, &(struct seg){ RAM_END - 2, 4, W }, 1);
	add_chain(0, &(struct seg){ b, 4, W }, 1);
	ok = tap_check_u64("taken", console_input("abcdef"), 4) &&
	     tap_check_u64("used idx", used_idx(0), 3) &&
	     tap_check_u64("len 0", used_elem(0, 0).len, 0) &&
	     tap_check_u64("len 1", used_elem(0, 1).len, 0) &&
	     tap_check_u64("len 2", used_elem(0, 2).len, 4) &&
	     tap_check_u64("first untouched", all_zero(hva(a), 8), 1) &&
	     tap_check_u64("data", memcmp(hva(b), "abcd", 4), 0) &&
	     check_live();
	stop();
	return ok;
}

static bool test_console_receive_broken_ring(void)
{
	uint64_t a = buf_alloc(4);
	bool ok;

	if (!start_console(-1) || !init_queues(2, QSIZE))
		return false;
	set_desc(0, 0, a, 4, W, 0);
	make_avail(0, QSIZE + 3);
	ok = tap_check_u64("taken", console_input("abcdef"), 0) &&
	     check_needs_reset(0, 0) &&
	     tap_check_u64("taken afterwards", console_input("abcdef"), 0);
	/* The transmit queue stops too. */
	add_chain(1, &(struct seg){ a, 4, R }, 1);
	kick(1);
	ok &= tap_check_u64("transmit used idx", used_idx(1), 0);
	stop();
	return ok;
}

/* ---- The plan ---- */

static const struct {
	const char *name;
	bool (*run)(void);
} tests[] = {
	{ "identification registers", test_identification },
	{ "wrong-width, unaligned and unknown accesses", test_bad_accesses },
	{ "no shared memory regions", test_no_shared_memory },
	{ "QueueNumMax for present and absent queues", test_queue_num_max },
	{ "blk config space: widths and bounds", test_blk_config },
	{ "console and rng have no config space", test_no_config },
	{ "device features", test_device_features },
	{ "FEATURES_OK refused for bad feature sets", test_features_refused },
	{ "FEATURES_OK accepted, then settled", test_features_accepted },
	{ "DRIVER_OK without FEATURES_OK takes no buffers",
	  test_driver_ok_without_features },
	{ "queue at the top of RAM", test_queue_at_ram_end },
	{ "queue registers ignored while ready", test_queue_regs_while_ready },
	{ "hostile: queue set up wrong after DRIVER_OK",
	  test_queue_setup_after_driver_ok },
	{ "notifications for absent queues ignored", test_notify_bad_queues },
	{ "buffers supplied before DRIVER_OK", test_buffers_before_driver_ok },
	{ "used buffer interrupt and ACK", test_interrupt_and_ack },
	{ "VRING_AVAIL_F_NO_INTERRUPT", test_interrupt_suppressed },
	{ "reset", test_reset },
	{ "hostile: descriptor loop", test_ring_loop },
	{ "hostile: descriptor pointing at itself", test_ring_self_loop },
	{ "hostile: loop through the whole queue", test_ring_long_loop },
	{ "chain as long as the queue", test_ring_full_chain },
	{ "hostile: next index out of range", test_ring_next_out_of_range },
	{ "hostile: head index out of range", test_ring_head_out_of_range },
	{ "hostile: avail idx too far ahead", test_ring_avail_idx_jump },
	{ "a whole queue in one batch, indices wrapping",
	  test_ring_full_batch },
	{ "hostile: indirect descriptor", test_ring_indirect },
	{ "hostile: good chain, then a broken ring",
	  test_ring_good_then_broken },
	{ "hostile: rng length sum over 4 GiB", test_rng_length_overflow },
	{ "blk: create errors", test_blk_create_errors },
	{ "blk: capacity rounds down, destroy closes",
	  test_blk_capacity_and_close },
	{ "blk: read", test_blk_read },
	{ "blk: read, status in the data buffer",
	  test_blk_read_status_with_data },
	{ "blk: write", test_blk_write },
	{ "blk: flush", test_blk_flush },
	{ "blk: get id", test_blk_get_id },
	{ "blk: read-only", test_blk_read_only },
	{ "console: transmit", test_console_transmit },
	{ "console: transmit refused", test_console_transmit_refused },
	{ "console: transmit with partial writes",
	  test_console_transmit_partial },
	{ "console: receive", test_console_receive },
	{ "console: receive refuses readable buffers",
	  test_console_receive_refused },
	{ "hostile: console receive on a broken ring",
	  test_console_receive_broken_ring },
};

int main(void)
{
	unsigned int i;
	int fd;

	/* A device that loops ends the test instead of hanging it. */
	alarm(600);
	setup_ram();
	drv.line = (struct irq_line){ fake_irq_set, &drv.irq, 5 };
	snprintf(disk_path, sizeof(disk_path), "%s/vmm_virtio_XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(disk_path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);

	tap_plan(ARRAY_SIZE(tests) + ARRAY_SIZE(queue_cases) +
		 ARRAY_SIZE(rng_cases) + ARRAY_SIZE(blk_cases));
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		reset_guest();
		tap_result(tests[i].run(), "%s", tests[i].name);
		stop();
	}
	for (i = 0; i < ARRAY_SIZE(queue_cases); i++) {
		reset_guest();
		tap_result(test_queue_case(&queue_cases[i]), "hostile: %s",
			   queue_cases[i].name);
		stop();
	}
	for (i = 0; i < ARRAY_SIZE(rng_cases); i++) {
		reset_guest();
		tap_result(test_rng_case(&rng_cases[i]), "%s",
			   rng_cases[i].name);
		stop();
	}
	for (i = 0; i < ARRAY_SIZE(blk_cases); i++) {
		reset_guest();
		tap_result(test_blk_case(&blk_cases[i]), "blk: %s",
			   blk_cases[i].name);
		stop();
	}
	unlink(disk_path);
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio-mmio transport, register layout version 2 (virtio v1.2
 * "4.2 Virtio Over MMIO"): the register file, feature negotiation, queue
 * setup, interrupts, reset and the device error state. The device types
 * behind it only see notifications (device.h).
 *
 * Registers are 32 bits wide and 32-bit aligned; other accesses to them
 * and accesses to offsets the layout does not define read 0 and are
 * otherwise ignored. The device configuration space from 0x100 takes 8-,
 * 16- and 32-bit accesses.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include "device.h"

/* "4.2.2 MMIO Device Register Layout": "virt" in little-endian. */
#define VIRTIO_MMIO_MAGIC		0x74726976
#define VIRTIO_MMIO_LAYOUT_VERSION	2
/* The subsystem vendor ID is ours to choose: "KVML". */
#define VIRTIO_MMIO_VENDOR		0x4c4d564b

/* The status bits a driver sets; DEVICE_NEEDS_RESET is the device's. */
#define VIRTIO_STATUS_DRIVER_BITS \
	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | \
	 VIRTIO_CONFIG_S_DRIVER_OK | VIRTIO_CONFIG_S_FEATURES_OK | \
	 VIRTIO_CONFIG_S_FAILED)

int virtio_mmio_init(struct virtio_mmio *vm,
		     const struct virtio_device_ops *ops,
		     struct guest_mem *mem, const struct irq_line *irq,
		     uint64_t device_features, const void *config,
		     uint32_t config_len)
{
	int ret = pthread_mutex_init(&vm->lock, NULL);

	if (ret)
		return -ret;
	vm->ops = ops;
	vm->mem = mem;
	vm->irq = *irq;
	vm->device_features = device_features;
	vm->config = config;
	vm->config_len = config_len;
	return 0;
}

static uint64_t virtio_mmio_offered(const struct virtio_mmio *vm)
{
	return vm->device_features | 1ULL << VIRTIO_F_VERSION_1;
}

bool virtio_mmio_live(const struct virtio_mmio *vm)
{
	const uint32_t live = VIRTIO_CONFIG_S_FEATURES_OK |
			      VIRTIO_CONFIG_S_DRIVER_OK;

	return (vm->status & live) == live &&
	       !(vm->status & (VIRTIO_CONFIG_S_NEEDS_RESET |
			       VIRTIO_CONFIG_S_FAILED));
}

/*
 * "2.1.2 Device Requirements: Device Status Field": on an error it
 * cannot recover from, the device sets DEVICE_NEEDS_RESET and, once
 * DRIVER_OK is set, sends a configuration change notification. It then
 * takes no more buffers (virtio_mmio_live()) until the driver resets it.
 */
static bool virtio_mmio_fail(struct virtio_mmio *vm)
{
	if (vm->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return false;
	vm->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	if (!(vm->status & VIRTIO_CONFIG_S_DRIVER_OK))
		return false;
	vm->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	return true;
}

/*
 * The interrupt line is edge-triggered (8259 PIC or IOAPIC edge mode), so
 * each event is one pulse, sent with InterruptStatus already updated.
 * Linux's handler reads InterruptStatus, writes it back to InterruptACK
 * and only then looks at the used rings and config space. A buffer we
 * publish before its ACK is found by the ring scan that follows; one we
 * publish after it sets the bit again and sends a new edge, which makes
 * the handler run again. Either way nothing waits unseen; at worst the
 * driver takes a spurious interrupt and finds an empty ring.
 */
bool virtio_mmio_finish(struct virtio_mmio *vm, struct virtqueue *vq,
			int err)
{
	bool pulse = false;

	if (virtq_should_interrupt(vq)) {
		vm->interrupt_status |= VIRTIO_MMIO_INT_VRING;
		pulse = true;
	}
	if (err && virtio_mmio_fail(vm))
		pulse = true;
	return pulse;
}

static bool virtio_mmio_run_queue(struct virtio_mmio *vm, unsigned int queue)
{
	return virtio_mmio_finish(vm, &vm->queues[queue],
				  vm->ops->notify(vm, queue));
}

/* "4.2.2 MMIO Device Register Layout": Status 0 resets the device. */
static void virtio_mmio_reset(struct virtio_mmio *vm)
{
	unsigned int i;

	vm->status = 0;
	vm->interrupt_status = 0;
	vm->device_features_sel = 0;
	vm->driver_features_sel = 0;
	vm->driver_features = 0;
	vm->queue_sel = 0;
	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		virtq_reset(&vm->queues[i]);
}

/*
 * "2.2.1 Driver Requirements: Feature Bits": a subset of what we offer;
 * "6.2 Device Requirements: Reserved Feature Bits": VERSION_1 included
 * (we have no legacy interface).
 */
static bool virtio_mmio_features_ok(const struct virtio_mmio *vm)
{
	return !(vm->driver_features & ~virtio_mmio_offered(vm)) &&
	       (vm->driver_features & 1ULL << VIRTIO_F_VERSION_1);
}

static bool virtio_mmio_set_status(struct virtio_mmio *vm, uint32_t val)
{
	bool was_live = virtio_mmio_live(vm);
	bool pulse = false;
	unsigned int i;

	if (!val) {
		virtio_mmio_reset(vm);
		return false;
	}
	val &= VIRTIO_STATUS_DRIVER_BITS;
	/*
	 * "2.2.2 Device Requirements: Feature Bits" / "3.1.1 Driver
	 * Requirements: Device Initialization": FEATURES_OK stays clear if
	 * the features are not acceptable; the driver reads it back.
	 */
	if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(vm->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !virtio_mmio_features_ok(vm))
		val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	vm->status = val | (vm->status & VIRTIO_CONFIG_S_NEEDS_RESET);

	/*
	 * Drivers fill queues before DRIVER_OK ("3.1.1 Driver Requirements:
	 * Device Initialization", step 7) and their notifications then
	 * found the device not yet live: look at every ready queue now.
	 */
	if (!was_live && virtio_mmio_live(vm)) {
		for (i = 0; i < vm->ops->nr_queues; i++)
			if (vm->queues[i].ready &&
			    virtio_mmio_run_queue(vm, i))
				pulse = true;
	}
	return pulse;
}

static struct virtqueue *virtio_mmio_selected(struct virtio_mmio *vm)
{
	if (vm->queue_sel >= vm->ops->nr_queues)
		return NULL;
	return &vm->queues[vm->queue_sel];
}

static bool virtio_mmio_queue_ready(struct virtio_mmio *vm,
				    struct virtqueue *vq, uint32_t val)
{
	if (val == 0) {
		vq->ready = false;
		return false;
	}
	if (val != 1 || vq->ready)
		return false;
	/*
	 * A queue whose size or rings we cannot use stays not ready, and
	 * the device needs a reset: the driver gets no queue it thinks
	 * works but that never moves.
	 */
	if (virtq_enable(vq, vm->mem))
		return virtio_mmio_fail(vm);
	return false;
}

static bool virtio_mmio_notify(struct virtio_mmio *vm, uint32_t queue)
{
	/*
	 * Without VIRTIO_F_NOTIFICATION_DATA the value is the queue index
	 * ("4.2.2 MMIO Device Register Layout", QueueNotify). Queues that do
	 * not exist or are not ready have nothing for us.
	 */
	if (queue >= vm->ops->nr_queues || !vm->queues[queue].ready ||
	    !virtio_mmio_live(vm))
		return false;
	return virtio_mmio_run_queue(vm, queue);
}

static void set_low(uint64_t *reg, uint32_t val)
{
	*reg = (*reg & ~0xffffffffULL) | val;
}

static void set_high(uint64_t *reg, uint32_t val)
{
	*reg = (*reg & 0xffffffffULL) | (uint64_t)val << 32;
}

/* Returns whether to pulse the interrupt line. */
static bool virtio_mmio_write_reg(struct virtio_mmio *vm, uint64_t offset,
				  uint32_t val)
{
	struct virtqueue *vq = virtio_mmio_selected(vm);

	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vm->device_features_sel = val;
		return false;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Negotiation is over once FEATURES_OK stuck. */
		if (vm->status & VIRTIO_CONFIG_S_FEATURES_OK)
			return false;
		if (vm->driver_features_sel == 0)
			set_low(&vm->driver_features, val);
		else if (vm->driver_features_sel == 1)
			set_high(&vm->driver_features, val);
		return false;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vm->driver_features_sel = val;
		return false;
	case VIRTIO_MMIO_QUEUE_SEL:
		vm->queue_sel = val;
		return false;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq && virtio_mmio_queue_ready(vm, vq, val);
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		return virtio_mmio_notify(vm, val);
	case VIRTIO_MMIO_INTERRUPT_ACK:
		vm->interrupt_status &= ~val;
		return false;
	case VIRTIO_MMIO_STATUS:
		return virtio_mmio_set_status(vm, val);
	}

	/*
	 * "4.2.3.2 Virtqueue Configuration": the driver sets a queue up
	 * before it writes QueueReady; once ready, the queue keeps the setup
	 * it was enabled with.
	 */
	if (!vq || vq->ready)
		return false;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->num = val;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		set_low(&vq->desc_gpa, val);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_high(&vq->desc_gpa, val);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		set_low(&vq->avail_gpa, val);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_high(&vq->avail_gpa, val);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
		set_low(&vq->used_gpa, val);
		break;
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_high(&vq->used_gpa, val);
		break;
	}
	return false;
}

static uint32_t virtio_mmio_read_reg(struct virtio_mmio *vm, uint64_t offset)
{
	struct virtqueue *vq = virtio_mmio_selected(vm);

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_LAYOUT_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return vm->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (vm->device_features_sel == 0)
			return (uint32_t)virtio_mmio_offered(vm);
		if (vm->device_features_sel == 1)
			return virtio_mmio_offered(vm) >> 32;
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		/* 0: "the queue is not available". */
		return vq ? VIRTQ_NUM_MAX : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq && vq->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return vm->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return vm->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/*
		 * We have no shared memory regions, and a region that does
		 * not exist reads as length and base -1.
		 */
		return 0xffffffff;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		/* Our config spaces never change after creation. */
		return 0;
	}
	return 0;
}

static void virtio_mmio_read(void *dev, uint64_t offset, void *data,
			     uint32_t len)
{
	struct virtio_mmio *vm = dev;
	uint32_t val;

	memset(data, 0, len);
	if (offset >= VIRTIO_MMIO_CONFIG) {
		uint64_t at = offset - VIRTIO_MMIO_CONFIG;

		/* Immutable after creation: no lock needed. */
		if ((len == 1 || len == 2 || len == 4) &&
		    at < vm->config_len && len <= vm->config_len - at)
			memcpy(data, (const uint8_t *)vm->config + at, len);
		return;
	}
	if (len != 4 || offset % 4)
		return;
	pthread_mutex_lock(&vm->lock);
	val = htole32(virtio_mmio_read_reg(vm, offset));
	pthread_mutex_unlock(&vm->lock);
	memcpy(data, &val, sizeof(val));
}

static void virtio_mmio_write(void *dev, uint64_t offset, const void *data,
			      uint32_t len)
{
	struct virtio_mmio *vm = dev;
	uint32_t val;
	bool pulse;

	/*
	 * Config space writes are dropped too: none of the fields we
	 * expose is writable by the driver.
	 */
	if (offset >= VIRTIO_MMIO_CONFIG || len != 4 || offset % 4)
		return;
	memcpy(&val, data, sizeof(val));
	pthread_mutex_lock(&vm->lock);
	pulse = virtio_mmio_write_reg(vm, offset, le32toh(val));
	pthread_mutex_unlock(&vm->lock);
	if (pulse)
		irq_line_pulse(&vm->irq);
}

const struct bus_ops virtio_mmio_bus_ops = {
	.read = virtio_mmio_read,
	.write = virtio_mmio_write,
};

void virtio_mmio_destroy(struct virtio_mmio *vm)
{
	if (!vm)
		return;
	pthread_mutex_destroy(&vm->lock);
	vm->ops->destroy(vm);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between the virtio-mmio transport (mmio.c) and the device types
 * (blk.c, console.c, rng.c). A device type embeds struct virtio_mmio in
 * its own state, fills in its ops, features and config space, and gets
 * called back for notifications; the transport does the registers,
 * feature negotiation, queue setup, interrupts, reset and error state.
 */
#ifndef KVMLITE_VMM_VIRTIO_DEVICE_H
#define KVMLITE_VMM_VIRTIO_DEVICE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "virtio.h"
#include "virtqueue.h"

#define VIRTIO_MMIO_MAX_QUEUES	2

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct virtio_device_ops {
	uint32_t device_id;		/* <linux/virtio_ids.h> */
	unsigned int nr_queues;		/* at most VIRTIO_MMIO_MAX_QUEUES */
	/*
	 * Queue @queue has buffers for the device: the driver notified it,
	 * or the device just became live with the queue ready. Called with
	 * the lock held, the device live and the queue ready. 0, or -EIO
	 * when the ring is corrupt (the device then needs a reset).
	 */
	int (*notify)(struct virtio_mmio *vm, unsigned int queue);
	/* Free the device that embeds @vm, and what it holds. */
	void (*destroy)(struct virtio_mmio *vm);
};

struct virtio_mmio {
	/* Guards everything below and the device type's own state. */
	pthread_mutex_t lock;
	const struct virtio_device_ops *ops;
	struct guest_mem *mem;
	struct irq_line irq;
	/* The device type's feature bits; the transport adds VERSION_1. */
	uint64_t device_features;
	/* Device configuration space, little-endian, read-only to guests. */
	const void *config;
	uint32_t config_len;

	/* What the driver sees and sets; a reset clears it all. */
	uint32_t status;
	uint32_t interrupt_status;
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	struct virtqueue queues[VIRTIO_MMIO_MAX_QUEUES];

	/* The chain in hand, under the lock: too big for a stack frame. */
	struct virtq_chain chain;
};

/* Set up the transport part of a zeroed device. 0 or -errno. */
int virtio_mmio_init(struct virtio_mmio *vm,
		     const struct virtio_device_ops *ops,
		     struct guest_mem *mem, const struct irq_line *irq,
		     uint64_t device_features, const void *config,
		     uint32_t config_len);
/*
 * The driver has set DRIVER_OK on accepted features and the device is
 * not in the error state: only then may buffers be used ("2.1 Device
 * Status Field"). Under the lock.
 */
bool virtio_mmio_live(const struct virtio_mmio *vm);
/*
 * After handling a batch on @vq with result @err (0 or -EIO): raise the
 * used-buffer interrupt status if the driver wants it, enter the error
 * state on -EIO. Under the lock; returns whether to pulse the interrupt
 * line (irq_line_pulse(&vm->irq)) once the lock is dropped.
 */
bool virtio_mmio_finish(struct virtio_mmio *vm, struct virtqueue *vq,
			int err);

#endif /* KVMLITE_VMM_VIRTIO_DEVICE_H */

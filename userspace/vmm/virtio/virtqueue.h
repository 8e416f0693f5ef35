/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device side of a split virtqueue (virtio v1.2 "2.7 Split
 * Virtqueues"). The rings live in guest RAM that a running guest writes
 * at the same time, so every ring index and descriptor is read exactly
 * once into a local, and every value read is checked before it is used.
 * Not locked: the device that owns the queue serialises calls.
 */
#ifndef KVMLITE_VMM_VIRTIO_VIRTQUEUE_H
#define KVMLITE_VMM_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/virtio_ring.h>
#include "../guest_mem.h"

/* QueueNumMax of every queue: also the most descriptors in one chain. */
#define VIRTQ_NUM_MAX		256

struct virtqueue {
	/* What the driver wrote through the transport's queue registers. */
	uint32_t num;
	uint64_t desc_gpa;
	uint64_t avail_gpa;
	uint64_t used_gpa;
	bool ready;

	/* While ready: the rings as host pointers, and our positions. */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail_idx;	/* next avail ring slot to take */
	uint16_t avail_idx;		/* avail->idx as last read */
	uint16_t used_idx;		/* what used->idx holds */
	bool used_unsignalled;		/* published since the last check */
};

/*
 * One descriptor chain, its device-readable buffers in out[] and its
 * device-writable ones in in[], each in chain order. Buffers of length 0
 * are left out. A buffer that is not in guest RAM has iov_base NULL.
 */
struct virtq_chain {
	uint16_t head;
	/*
	 * Some buffer is not in guest RAM, a readable buffer follows a
	 * writable one, or the buffers add up to more than a 32-bit length
	 * can count: the request is refused.
	 */
	bool malformed;
	unsigned int nr_out;
	unsigned int nr_in;
	uint64_t out_len;
	uint64_t in_len;
	struct iovec out[VIRTQ_NUM_MAX];
	struct iovec in[VIRTQ_NUM_MAX];
};

/*
 * QueueReady written 1: check the size and the rings' places and map
 * them. 0, or -EINVAL (the queue stays not ready).
 */
int virtq_enable(struct virtqueue *vq, const struct guest_mem *mem);
/* Back to the state after a device reset: nothing set, not ready. */
void virtq_reset(struct virtqueue *vq);

/*
 * Read the driver's avail idx once: the chains made available up to
 * there are what the following virtq_pop() calls hand out, so one batch
 * is never more than the queue size. 0, or -EIO if the index ran more
 * than the queue size ahead of the device.
 */
int virtq_fetch_avail(struct virtqueue *vq);
/*
 * Take the next chain of the batch: 1, 0 when the batch is done, or -EIO
 * if the ring is corrupt (a head or next index out of range, a chain
 * that loops or is longer than the queue, an indirect descriptor).
 */
int virtq_pop(struct virtqueue *vq, const struct guest_mem *mem,
	      struct virtq_chain *chain);
/* Return chain @head to the driver with @len bytes written to it. */
void virtq_push(struct virtqueue *vq, uint16_t head, uint32_t len);
/*
 * Whether chains were published since the last call and the driver has
 * not suppressed interrupts for this queue.
 */
bool virtq_should_interrupt(struct virtqueue *vq);

/*
 * Handle one chain; returns the used length: how many bytes it wrote
 * into the chain's device-writable buffers.
 */
typedef uint32_t (*virtq_handler)(void *opaque, struct virtq_chain *chain);
/*
 * One batch (see virtq_fetch_avail()): every chain through @handle, then
 * back to the driver. 0, or -EIO if the ring is corrupt.
 */
int virtq_process(struct virtqueue *vq, const struct guest_mem *mem,
		  struct virtq_chain *chain, virtq_handler handle,
		  void *opaque);

/*
 * Step over @len bytes at the front of @iov[0..@nr): the array and its
 * count are moved past whole buffers, the first remaining buffer is
 * trimmed. Returns how many bytes were skipped (less if they ran out).
 */
size_t virtq_iov_advance(struct iovec **iov, unsigned int *nr, size_t len);
/* Copy out of / into the front of @iov and advance past the bytes. */
size_t virtq_iov_pull(struct iovec **iov, unsigned int *nr, void *buf,
		      size_t len);
size_t virtq_iov_push(struct iovec **iov, unsigned int *nr,
		      const void *buf, size_t len);

#endif /* KVMLITE_VMM_VIRTIO_VIRTQUEUE_H */

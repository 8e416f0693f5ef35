// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split virtqueues, device side (virtio v1.2 "2.7 Split Virtqueues").
 *
 * The guest may rewrite its rings while we read them, from another vCPU
 * or out of malice. So each ring index, ring entry and descriptor field
 * is loaded once, with __atomic loads the compiler may not repeat or
 * tear, into a local that is then checked; nothing is read back from
 * guest memory to be trusted a second time. Work is bounded by the queue
 * size: a batch is at most that many chains, a chain at most that many
 * descriptors.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include "virtqueue.h"

/*
 * "2.7 Split Virtqueues": the alignment and size of each part of a queue
 * of num entries (the sizes include the event index fields).
 */
#define VIRTQ_DESC_ALIGN	16
#define VIRTQ_AVAIL_ALIGN	2
#define VIRTQ_USED_ALIGN	4
#define VIRTQ_DESC_SIZE(num)	(16ULL * (num))
#define VIRTQ_AVAIL_SIZE(num)	(6ULL + 2ULL * (num))
#define VIRTQ_USED_SIZE(num)	(6ULL + 8ULL * (num))

/*
 * The host address of a ring part: wholly in guest RAM and aligned both
 * in the guest (as the spec requires) and on the host (so __atomic
 * accesses to its fields are natural-sized and untorn).
 */
static void *virtq_ring_ptr(const struct guest_mem *mem, uint64_t gpa,
			    uint64_t size, uint64_t align)
{
	void *host;

	if (gpa & (align - 1))
		return NULL;
	host = guest_ptr(mem, gpa, size);
	if (!host || ((uintptr_t)host & (align - 1)))
		return NULL;
	return host;
}

int virtq_enable(struct virtqueue *vq, const struct guest_mem *mem)
{
	uint32_t num = vq->num;

	/* "2.7 Split Virtqueues": Queue Size is a power of 2. */
	if (!num || num > VIRTQ_NUM_MAX || (num & (num - 1)))
		return -EINVAL;
	vq->desc = virtq_ring_ptr(mem, vq->desc_gpa, VIRTQ_DESC_SIZE(num),
				  VIRTQ_DESC_ALIGN);
	vq->avail = virtq_ring_ptr(mem, vq->avail_gpa, VIRTQ_AVAIL_SIZE(num),
				   VIRTQ_AVAIL_ALIGN);
	vq->used = virtq_ring_ptr(mem, vq->used_gpa, VIRTQ_USED_SIZE(num),
				  VIRTQ_USED_ALIGN);
	if (!vq->desc || !vq->avail || !vq->used)
		return -EINVAL;

	/*
	 * The used ring is the device's to write: start it where our own
	 * count starts, with no request to suppress notifications.
	 */
	vq->last_avail_idx = 0;
	vq->avail_idx = 0;
	vq->used_idx = 0;
	vq->used_unsignalled = false;
	__atomic_store_n(&vq->used->flags, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&vq->used->idx, 0, __ATOMIC_RELEASE);
	vq->ready = true;
	return 0;
}

void virtq_reset(struct virtqueue *vq)
{
	*vq = (struct virtqueue){ 0 };
}

int virtq_fetch_avail(struct virtqueue *vq)
{
	/* Acquire: the ring entries and descriptors are read after it. */
	uint16_t idx = le16toh(__atomic_load_n(&vq->avail->idx,
					       __ATOMIC_ACQUIRE));

	/*
	 * "2.7.6 The Virtqueue Available Ring": the driver can have at most
	 * the queue size of chains outstanding; an index further ahead is
	 * a corrupt ring.
	 */
	if ((uint16_t)(idx - vq->last_avail_idx) > vq->num)
		return -EIO;
	vq->avail_idx = idx;
	return 0;
}

/* Add one buffer of a chain; a buffer of length 0 carries nothing. */
static void virtq_chain_add(struct virtq_chain *chain,
			    const struct guest_mem *mem, uint64_t addr,
			    uint32_t len, bool writable)
{
	struct iovec iov;

	if (!len)
		return;
	iov.iov_base = guest_ptr(mem, addr, len);
	iov.iov_len = len;
	if (!iov.iov_base)
		chain->malformed = true;
	if (writable) {
		chain->in[chain->nr_in++] = iov;
		chain->in_len += len;
	} else {
		/*
		 * "2.7.4.2 Driver Requirements: Message Framing": readable
		 * buffers come before writable ones.
		 */
		if (chain->nr_in)
			chain->malformed = true;
		chain->out[chain->nr_out++] = iov;
		chain->out_len += len;
	}
}

int virtq_pop(struct virtqueue *vq, const struct guest_mem *mem,
	      struct virtq_chain *chain)
{
	uint16_t slot = vq->last_avail_idx & (vq->num - 1);
	uint16_t head, i;
	uint32_t count;

	if (vq->last_avail_idx == vq->avail_idx)
		return 0;
	head = le16toh(__atomic_load_n(&vq->avail->ring[slot],
				       __ATOMIC_RELAXED));
	if (head >= vq->num)
		return -EIO;

	chain->head = head;
	chain->malformed = false;
	chain->nr_out = 0;
	chain->nr_in = 0;
	chain->out_len = 0;
	chain->in_len = 0;
	/*
	 * "2.7.5.2 Driver Requirements: The Virtqueue Descriptor Table": a
	 * chain never revisits a descriptor, so it has at most num of them;
	 * one longer than that loops. Counting bounds the walk and keeps
	 * nr_out + nr_in within the arrays.
	 */
	for (i = head, count = 1;; count++) {
		struct vring_desc *desc = &vq->desc[i];
		uint64_t addr = le64toh(__atomic_load_n(&desc->addr,
							__ATOMIC_RELAXED));
		uint32_t len = le32toh(__atomic_load_n(&desc->len,
						       __ATOMIC_RELAXED));
		uint16_t flags = le16toh(__atomic_load_n(&desc->flags,
							 __ATOMIC_RELAXED));
		uint16_t next = le16toh(__atomic_load_n(&desc->next,
							__ATOMIC_RELAXED));

		/*
		 * "2.7.5.3.1 Driver Requirements: Indirect Descriptors": not
		 * without VIRTIO_F_INDIRECT_DESC, which we do not offer.
		 */
		if (flags & VRING_DESC_F_INDIRECT)
			return -EIO;
		virtq_chain_add(chain, mem, addr, len,
				flags & VRING_DESC_F_WRITE);
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		if (next >= vq->num || count == vq->num)
			return -EIO;
		i = next;
	}

	/*
	 * The same requirements cap a chain at 2^32 bytes in all, which
	 * also keeps every used length within its 32 bits.
	 */
	if (chain->out_len + chain->in_len > UINT32_MAX)
		chain->malformed = true;
	vq->last_avail_idx++;
	return 1;
}

void virtq_push(struct virtqueue *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *elem =
		&vq->used->ring[vq->used_idx & (vq->num - 1)];

	__atomic_store_n(&elem->id, htole32(head), __ATOMIC_RELAXED);
	__atomic_store_n(&elem->len, htole32(len), __ATOMIC_RELAXED);
	vq->used_idx++;
	/*
	 * "2.7.8.2 Device Requirements: The Virtqueue Used Ring": the
	 * element is written before the index that hands it over.
	 */
	__atomic_store_n(&vq->used->idx, htole16(vq->used_idx),
			 __ATOMIC_RELEASE);
	vq->used_unsignalled = true;
}

bool virtq_should_interrupt(struct virtqueue *vq)
{
	uint16_t flags;

	if (!vq->used_unsignalled)
		return false;
	vq->used_unsignalled = false;
	/*
	 * "2.7.7 Used Buffer Notification Suppression": the flag is read
	 * after the used index is written. A driver re-enabling interrupts
	 * clears the flag and then rereads the used index; the full fence
	 * on our side means one of us sees the other's write, so no used
	 * buffer is left without either an interrupt or the driver's look.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = le16toh(__atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED));
	return !(flags & VRING_AVAIL_F_NO_INTERRUPT);
}

int virtq_process(struct virtqueue *vq, const struct guest_mem *mem,
		  struct virtq_chain *chain, virtq_handler handle,
		  void *opaque)
{
	int ret = virtq_fetch_avail(vq);

	if (ret)
		return ret;
	while ((ret = virtq_pop(vq, mem, chain)) > 0)
		virtq_push(vq, chain->head, handle(opaque, chain));
	return ret;
}

size_t virtq_iov_advance(struct iovec **iov, unsigned int *nr, size_t len)
{
	size_t done = 0;

	while (*nr && done < len) {
		size_t step = len - done;

		if (step >= (*iov)->iov_len) {
			done += (*iov)->iov_len;
			(*iov)++;
			(*nr)--;
			continue;
		}
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + step;
		(*iov)->iov_len -= step;
		done += step;
	}
	return done;
}

size_t virtq_iov_pull(struct iovec **iov, unsigned int *nr, void *buf,
		      size_t len)
{
	size_t done = 0;

	while (*nr && done < len) {
		size_t step = (*iov)->iov_len < len - done ?
			      (*iov)->iov_len : len - done;

		memcpy((uint8_t *)buf + done, (*iov)->iov_base, step);
		done += virtq_iov_advance(iov, nr, step);
	}
	return done;
}

size_t virtq_iov_push(struct iovec **iov, unsigned int *nr,
		      const void *buf, size_t len)
{
	size_t done = 0;

	while (*nr && done < len) {
		size_t step = (*iov)->iov_len < len - done ?
			      (*iov)->iov_len : len - done;

		memcpy((*iov)->iov_base, (const uint8_t *)buf + done, step);
		done += virtq_iov_advance(iov, nr, step);
	}
	return done;
}

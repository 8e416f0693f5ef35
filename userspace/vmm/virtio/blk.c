// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk (virtio v1.2 "5.2 Block Device") backed by a file or block
 * device. One request queue; requests run synchronously on the vCPU
 * thread that notified, with preadv/pwritev/fdatasync.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include "device.h"

/* "5.2.6 Device Operation": sector numbers count 512-byte units. */
#define BLK_SECTOR_SIZE		512
/* The header and the status byte take a descriptor each. */
#define BLK_SEG_MAX		(VIRTQ_NUM_MAX - 2)

/* GET_ID's answer, NUL-padded ("5.2.6 Device Operation"). */
static const char blk_serial[VIRTIO_BLK_ID_BYTES] = "kvmlite-blk";

struct virtio_blk {
	struct virtio_mmio vm;
	int fd;
	bool read_only;
	uint64_t capacity;		/* in sectors */
	struct virtio_blk_config config;
};

/* The whole of [@sector, + @len bytes) from or to @iov, or -1. */
static int blk_rw(struct virtio_blk *blk, uint64_t sector, struct iovec *iov,
		  unsigned int nr, uint64_t len, bool write)
{
	off_t pos;

	if (len % BLK_SECTOR_SIZE || sector > blk->capacity ||
	    len / BLK_SECTOR_SIZE > blk->capacity - sector)
		return -1;
	pos = sector * BLK_SECTOR_SIZE;
	while (nr) {
		ssize_t n = write ? pwritev(blk->fd, iov, nr, pos) :
				    preadv(blk->fd, iov, nr, pos);

		if (n < 0 && errno == EINTR)
			continue;
		/* 0: the file shrank under us. */
		if (n <= 0)
			return -1;
		pos += n;
		virtq_iov_advance(&iov, &nr, n);
	}
	return 0;
}

/*
 * One well-formed request whose status byte has been taken off the end
 * of chain->in: the status, and in @written how many bytes of data went
 * to the driver.
 */
static uint8_t blk_execute(struct virtio_blk *blk, struct virtq_chain *chain,
			   uint32_t *written)
{
	struct iovec *out = chain->out, *in = chain->in;
	unsigned int nr_out = chain->nr_out, nr_in = chain->nr_in;
	struct virtio_blk_outhdr hdr;
	uint64_t data_out;
	uint64_t sector;

	/* The header is device-readable, whatever the descriptors' split. */
	if (virtq_iov_pull(&out, &nr_out, &hdr, sizeof(hdr)) != sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	data_out = chain->out_len - sizeof(hdr);
	sector = le64toh(hdr.sector);

	switch (le32toh(hdr.type)) {
	case VIRTIO_BLK_T_IN:
		if (data_out || blk_rw(blk, sector, in, nr_in, chain->in_len,
				       false))
			return VIRTIO_BLK_S_IOERR;
		*written = chain->in_len;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_OUT:
		if (blk->read_only || chain->in_len ||
		    blk_rw(blk, sector, out, nr_out, data_out, true))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		if (data_out || chain->in_len || fdatasync(blk->fd))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		if (data_out)
			return VIRTIO_BLK_S_IOERR;
		*written = virtq_iov_push(&in, &nr_in, blk_serial,
					  sizeof(blk_serial));
		return VIRTIO_BLK_S_OK;
	}
	return VIRTIO_BLK_S_UNSUPP;
}

static uint32_t blk_request(void *opaque, struct virtq_chain *chain)
{
	struct virtio_blk *blk = opaque;
	uint32_t written = 0;
	struct iovec *last;
	uint8_t *status;

	/*
	 * "5.2.6 Device Operation": the status is the last byte of the
	 * device-writable part. Without one there is no way to answer, and
	 * the chain goes back with nothing written.
	 */
	if (!chain->nr_in)
		return 0;
	last = &chain->in[chain->nr_in - 1];
	if (!last->iov_base)
		return 0;
	status = (uint8_t *)last->iov_base + last->iov_len - 1;
	if (!--last->iov_len)
		chain->nr_in--;
	chain->in_len--;

	*status = chain->malformed ? VIRTIO_BLK_S_IOERR :
				     blk_execute(blk, chain, &written);
	return written + 1;
}

static int blk_notify(struct virtio_mmio *vm, unsigned int queue)
{
	return virtq_process(&vm->queues[queue], vm->mem, &vm->chain,
			     blk_request, container_of(vm, struct virtio_blk,
						       vm));
}

static void blk_destroy(struct virtio_mmio *vm)
{
	struct virtio_blk *blk = container_of(vm, struct virtio_blk, vm);

	close(blk->fd);
	free(blk);
}

static const struct virtio_device_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.notify = blk_notify,
	.destroy = blk_destroy,
};

struct virtio_mmio *virtio_blk_create(struct guest_mem *mem,
				      const struct irq_line *irq,
				      const char *path, bool read_only,
				      char *err, size_t err_len)
{
	uint64_t features = 1ULL << VIRTIO_BLK_F_FLUSH |
			    1ULL << VIRTIO_BLK_F_SEG_MAX |
			    1ULL << VIRTIO_BLK_F_BLK_SIZE;
	struct virtio_blk *blk;
	off_t size;
	int ret;

	blk = calloc(1, sizeof(*blk));
	if (!blk) {
		snprintf(err, err_len, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	blk->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (blk->fd < 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		free(blk);
		return NULL;
	}
	/* SEEK_END sizes block devices too, where st_size is 0. */
	size = lseek(blk->fd, 0, SEEK_END);
	if (size < 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (size < BLK_SECTOR_SIZE) {
		snprintf(err, err_len, "%s: smaller than one %d-byte sector",
			 path, BLK_SECTOR_SIZE);
		goto fail;
	}
	blk->read_only = read_only;
	blk->capacity = size / BLK_SECTOR_SIZE;
	blk->config.capacity = htole64(blk->capacity);
	blk->config.seg_max = htole32(BLK_SEG_MAX);
	blk->config.blk_size = htole32(BLK_SECTOR_SIZE);
	if (read_only)
		features |= 1ULL << VIRTIO_BLK_F_RO;

	ret = virtio_mmio_init(&blk->vm, &blk_ops, mem, irq, features,
			       &blk->config, sizeof(blk->config));
	if (ret) {
		snprintf(err, err_len, "%s: %s", path, strerror(-ret));
		goto fail;
	}
	return &blk->vm;

fail:
	close(blk->fd);
	free(blk);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-rng (virtio v1.2 "5.4 Entropy Device"): one request queue whose
 * device-writable buffers are filled from the host's getrandom().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <linux/virtio_ids.h>
#include "device.h"

/*
 * "5.4.6 Device Operation" lets the device fill less than a buffer;
 * bounding each request bounds the time a vCPU spends here.
 */
#define RNG_REQUEST_MAX		(64 * 1024)

static size_t rng_fill(uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

static uint32_t rng_request(void *opaque, struct virtq_chain *chain)
{
	size_t done = 0;
	unsigned int i;

	(void)opaque;
	/* "5.4.6 Device Operation": requests are device-writable only. */
	if (chain->malformed || chain->nr_out)
		return 0;
	for (i = 0; i < chain->nr_in && done < RNG_REQUEST_MAX; i++) {
		size_t want = chain->in[i].iov_len;
		size_t got;

		if (want > RNG_REQUEST_MAX - done)
			want = RNG_REQUEST_MAX - done;
		got = rng_fill(chain->in[i].iov_base, want);
		done += got;
		if (got < want)
			break;
	}
	return done;
}

static int rng_notify(struct virtio_mmio *vm, unsigned int queue)
{
	return virtq_process(&vm->queues[queue], vm->mem, &vm->chain,
			     rng_request, NULL);
}

/* The device has no state beyond the transport's. */
static void rng_destroy(struct virtio_mmio *vm)
{
	free(vm);
}

static const struct virtio_device_ops rng_ops = {
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.notify = rng_notify,
	.destroy = rng_destroy,
};

struct virtio_mmio *virtio_rng_create(struct guest_mem *mem,
				      const struct irq_line *irq,
				      char *err, size_t err_len)
{
	struct virtio_mmio *vm = calloc(1, sizeof(*vm));
	int ret;

	if (!vm) {
		snprintf(err, err_len, "virtio-rng: %s", strerror(ENOMEM));
		return NULL;
	}
	/*
	 * "5.4.3 Feature bits", "5.4.4 Device configuration layout": none
	 * of either.
	 */
	ret = virtio_mmio_init(vm, &rng_ops, mem, irq, 0, NULL, 0);
	if (ret) {
		snprintf(err, err_len, "virtio-rng: %s", strerror(-ret));
		free(vm);
		return NULL;
	}
	return vm;
}

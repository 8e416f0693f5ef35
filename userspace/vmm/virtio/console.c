// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-console (virtio v1.2 "5.3 Console Device") with a single port
 * and none of the optional features: receiveq 0 takes terminal input,
 * transmitq 1 gives output to a file descriptor. Output is written on
 * the vCPU thread that notified; input arrives on the terminal thread.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_ids.h>
#include "device.h"

/* "5.3.2 Virtqueues": port 0's queues. */
#define CONSOLE_RECEIVEQ	0
#define CONSOLE_TRANSMITQ	1

struct virtio_console {
	struct virtio_mmio vm;
	int out_fd;
};

/*
 * All of @iov to @fd, through partial writes, signals and a non-blocking
 * descriptor. If the other end is gone the rest is dropped, as bytes
 * sent down a disconnected serial line would be.
 */
static void console_write_all(int fd, struct iovec *iov, unsigned int nr)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	while (nr) {
		ssize_t n = writev(fd, iov, nr);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			poll(&pfd, 1, -1);
			continue;
		}
		if (n <= 0)
			return;
		virtq_iov_advance(&iov, &nr, n);
	}
}

static uint32_t console_transmit(void *opaque, struct virtq_chain *chain)
{
	struct virtio_console *con = opaque;

	/* "5.3.6 Device Operation": transmit buffers are device-readable. */
	if (!chain->malformed && !chain->nr_in)
		console_write_all(con->out_fd, chain->out, chain->nr_out);
	return 0;
}

static int console_notify(struct virtio_mmio *vm, unsigned int queue)
{
	/* New receive buffers wait for input: see virtio_console_receive(). */
	if (queue == CONSOLE_RECEIVEQ)
		return 0;
	return virtq_process(&vm->queues[queue], vm->mem, &vm->chain,
			     console_transmit,
			     container_of(vm, struct virtio_console, vm));
}

size_t virtio_console_receive(void *dev, const uint8_t *buf, size_t len)
{
	struct virtio_mmio *vm = dev;
	struct virtqueue *vq = &vm->queues[CONSOLE_RECEIVEQ];
	struct virtq_chain *chain = &vm->chain;
	size_t taken = 0;
	bool pulse = false;
	int err;

	if (!len)
		return 0;
	pthread_mutex_lock(&vm->lock);
	if (virtio_mmio_live(vm) && vq->ready) {
		err = virtq_fetch_avail(vq);
		while (!err && taken < len) {
			int popped = virtq_pop(vq, vm->mem, chain);
			struct iovec *in = chain->in;
			unsigned int nr_in;
			uint32_t n = 0;

			if (popped <= 0) {
				err = popped;
				break;
			}
			/*
			 * Receive buffers are device-writable only; any other
			 * chain goes back empty.
			 */
			nr_in = chain->nr_in;
			if (!chain->malformed && !chain->nr_out)
				n = virtq_iov_push(&in, &nr_in, buf + taken,
						   len - taken);
			virtq_push(vq, chain->head, n);
			taken += n;
		}
		pulse = virtio_mmio_finish(vm, vq, err);
	}
	pthread_mutex_unlock(&vm->lock);
	if (pulse)
		irq_line_pulse(&vm->irq);
	return taken;
}

static void console_destroy(struct virtio_mmio *vm)
{
	free(container_of(vm, struct virtio_console, vm));
}

static const struct virtio_device_ops console_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.notify = console_notify,
	.destroy = console_destroy,
};

struct virtio_mmio *virtio_console_create(struct guest_mem *mem,
					  const struct irq_line *irq,
					  int out_fd, char *err,
					  size_t err_len)
{
	struct virtio_console *con = calloc(1, sizeof(*con));
	int ret;

	if (!con) {
		snprintf(err, err_len, "virtio-console: %s", strerror(ENOMEM));
		return NULL;
	}
	con->out_fd = out_fd;
	/*
	 * No optional features, so no fields in "5.3.4 Device configuration
	 * layout".
	 */
	ret = virtio_mmio_init(&con->vm, &console_ops, mem, irq, 0, NULL, 0);
	if (ret) {
		snprintf(err, err_len, "virtio-console: %s", strerror(-ret));
		free(con);
		return NULL;
	}
	return &con->vm;
}

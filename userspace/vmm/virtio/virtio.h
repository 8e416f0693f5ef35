/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio 1.x devices on the virtio-mmio transport (virtio spec v1.2,
 * "Virtio Over MMIO"). The machine places each device at an MMIO base
 * with an interrupt line and claims VIRTIO_MMIO_SIZE bytes there with
 * virtio_mmio_bus_ops; everything the guest hands a device (rings,
 * buffers) is a guest-physical address checked through guest_ptr().
 */
#ifndef KVMLITE_VMM_VIRTIO_H
#define KVMLITE_VMM_VIRTIO_H

#include <stdbool.h>
#include "../bus.h"
#include "../console.h"
#include "../guest_mem.h"
#include "../irq.h"

#define VIRTIO_MMIO_SIZE	0x200

struct virtio_mmio;

extern const struct bus_ops virtio_mmio_bus_ops;

/*
 * Constructors: NULL on failure, with a one-line reason in @err (for
 * example "DISK: No such file or directory").
 */
struct virtio_mmio *virtio_blk_create(struct guest_mem *mem,
				      const struct irq_line *irq,
				      const char *path, bool read_only,
				      char *err, size_t err_len);
/* Output to @out_fd; input through virtio_console_receive(). */
struct virtio_mmio *virtio_console_create(struct guest_mem *mem,
					  const struct irq_line *irq,
					  int out_fd, char *err,
					  size_t err_len);
size_t virtio_console_receive(void *dev, const uint8_t *buf, size_t len);
struct virtio_mmio *virtio_rng_create(struct guest_mem *mem,
				      const struct irq_line *irq,
				      char *err, size_t err_len);
void virtio_mmio_destroy(struct virtio_mmio *dev);

#endif /* KVMLITE_VMM_VIRTIO_H */

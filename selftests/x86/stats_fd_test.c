// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM's binary statistics, KVM_GET_STATS_FD (Documentation/virt/kvm/
 * api.rst): the capability, a VM's and a vCPU's stats fd laid out as the
 * documentation says (header, id, descriptors, values, each where the
 * header puts it), read whole or piece by piece with pread(), read-only;
 * and a guest that makes N port writes and halts shows them in
 * io_exits and halt_exits, names KVM and kvmlite share.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define NR_OUTS		50
#define PORT_COUNT	0x80

/* Exactly NR_OUTS port writes, then HLT. */
GUEST_CODE(outs_guest, ".code32",
	   "	mov $" __stringify(NR_OUTS) ", %ecx\n"
	   "1:	outb %al, $" __stringify(PORT_COUNT) "\n"
	   "	loop 1b\n"
	   "	hlt\n");

/* A stats fd's whole file, read with pread() from offset 0. */
struct stats {
	struct kvm_stats_header hdr;
	char *file;
	size_t size;
};

static void stats_free(struct stats *st)
{
	free(st->file);
	memset(st, 0, sizeof(*st));
}

static struct kvm_stats_desc *stats_desc(const struct stats *st,
					 unsigned int i)
{
	return (void *)(st->file + st->hdr.desc_offset +
			i * (sizeof(struct kvm_stats_desc) +
			     st->hdr.name_size));
}

/*
 * Read the file and check its layout: the regions in the header's order,
 * inside the file, every descriptor named (NUL-terminated, unique) with
 * known flags and its values inside the data.
 */
static bool stats_read(int fd, struct stats *st)
{
	size_t desc_size, end;
	unsigned int i, j;
	char *bigger;
	ssize_t n;

	memset(st, 0, sizeof(*st));
	if (pread(fd, &st->hdr, sizeof(st->hdr), 0) != sizeof(st->hdr)) {
		tap_diag("header: %s", strerror(errno));
		return false;
	}
	desc_size = sizeof(struct kvm_stats_desc) + st->hdr.name_size;
	end = st->hdr.data_offset;
	if (!st->hdr.name_size || !st->hdr.num_desc ||
	    st->hdr.id_offset < sizeof(st->hdr) ||
	    st->hdr.desc_offset < st->hdr.id_offset + st->hdr.name_size ||
	    end < st->hdr.desc_offset + st->hdr.num_desc * desc_size) {
		tap_diag("header: name_size %u, %u descriptors, id at %u, descriptors at %u, data at %u",
			 st->hdr.name_size, st->hdr.num_desc,
			 st->hdr.id_offset, st->hdr.desc_offset,
			 st->hdr.data_offset);
		return false;
	}
	/* The descriptors first: the values end where the last one's do. */
	st->file = malloc(end);
	if (!st->file || pread(fd, st->file, end, 0) != (ssize_t)end)
		return false;
	st->size = end;
	for (i = 0; i < st->hdr.num_desc; i++) {
		const struct kvm_stats_desc *d = stats_desc(st, i);
		size_t last = st->hdr.data_offset + d->offset +
			      d->size * sizeof(__u64);

		if (last > st->size)
			st->size = last;
	}
	/* One byte more than that: the file ends there. */
	bigger = realloc(st->file, st->size + 1);
	if (!bigger)
		return false;
	st->file = bigger;
	n = pread(fd, st->file, st->size + 1, 0);
	if (n != (ssize_t)st->size) {
		tap_diag("read %zd bytes, the layout says %zu", n, st->size);
		return false;
	}
	if (memchr(st->file + st->hdr.id_offset, '\0',
		   st->hdr.name_size) == NULL) {
		tap_diag("id is not a string");
		return false;
	}
	for (i = 0; i < st->hdr.num_desc; i++) {
		const struct kvm_stats_desc *d = stats_desc(st, i);

		if (!memchr(d->name, '\0', st->hdr.name_size) || !d->name[0] ||
		    !d->size ||
		    (d->flags & KVM_STATS_TYPE_MASK) > KVM_STATS_TYPE_MAX ||
		    (d->flags & KVM_STATS_UNIT_MASK) > KVM_STATS_UNIT_MAX ||
		    (d->flags & KVM_STATS_BASE_MASK) > KVM_STATS_BASE_MAX) {
			tap_diag("descriptor %u: flags %#x, size %u", i,
				 d->flags, d->size);
			return false;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(stats_desc(st, j)->name, d->name)) {
				tap_diag("%s twice", d->name);
				return false;
			}
	}
	return true;
}

/* The first value of statistic @name, or false if there is none. */
static bool stats_get(const struct stats *st, const char *name, __u64 *val)
{
	unsigned int i;

	for (i = 0; i < st->hdr.num_desc; i++) {
		const struct kvm_stats_desc *d = stats_desc(st, i);

		if (!strcmp(d->name, name)) {
			memcpy(val, st->file + st->hdr.data_offset + d->offset,
			       sizeof(*val));
			return true;
		}
	}
	tap_diag("no statistic %s", name);
	return false;
}

/* Byte by byte at odd offsets, the file reads as it does whole. */
static bool stats_read_in_pieces(int fd, const struct stats *st)
{
	char byte;
	size_t off;

	/* The values may move between reads: the layout may not. */
	for (off = 0; off < st->hdr.data_offset; off += 7)
		if (pread(fd, &byte, 1, off) != 1 || byte != st->file[off]) {
			tap_diag("byte %zu differs", off);
			return false;
		}
	return pread(fd, &byte, 1, st->size) == 0;
}

static bool run_outs(struct guest *g)
{
	unsigned int i;

	for (i = 0; i < NR_OUTS; i++)
		if (!vcpu_run(&g->vcpu) ||
		    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_COUNT, 1, 1))
			return false;
	return vcpu_run_expect(&g->vcpu, KVM_EXIT_HLT);
}

int main(int argc, char **argv)
{
	struct stats vm_st, before, after;
	__u64 io0, io1, halt0, halt1;
	struct kvm_dev dev;
	int vm_fd, vcpu_fd;
	struct guest g;
	bool ok;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(7);

	ok = ioctl(dev.fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) > 0;
	tap_result(ok, "KVM_CAP_BINARY_STATS_FD");
	if (!ok || guest_create(&g, &dev, VCPU_MODE_PROT32, outs_guest_start,
				outs_guest_end))
		return tap_finish();

	vm_fd = ioctl(g.vm.fd, KVM_GET_STATS_FD, 0);
	ok = vm_fd >= 0 && stats_read(vm_fd, &vm_st);
	tap_result(ok, "the VM's stats fd is laid out as documented");
	if (vm_fd >= 0)
		close(vm_fd);
	stats_free(&vm_st);

	vcpu_fd = ioctl(g.vcpu.fd, KVM_GET_STATS_FD, 0);
	ok = vcpu_fd >= 0 && stats_read(vcpu_fd, &before);
	tap_result(ok, "the vCPU's stats fd is laid out as documented");
	if (!ok)
		return tap_finish();
	tap_result(stats_read_in_pieces(vcpu_fd, &before),
		   "pread() piece by piece reads the same bytes, 0 at the end");
	ok = write(vcpu_fd, "x", 1) < 0 && errno == EBADF;
	tap_result(ok, "the stats fd is read-only (EBADF)");

	ok = stats_get(&before, "io_exits", &io0) &&
	     stats_get(&before, "halt_exits", &halt0) && run_outs(&g) &&
	     stats_read(vcpu_fd, &after) &&
	     stats_get(&after, "io_exits", &io1) &&
	     stats_get(&after, "halt_exits", &halt1);
	tap_result(ok && tap_check_u64("io_exits", io1 - io0, NR_OUTS) &&
		   tap_check_u64("halt_exits", halt1 - halt0, 1),
		   "%u port writes and HLT: io_exits +%u, halt_exits +1",
		   NR_OUTS, NR_OUTS);

	/* The fd holds the vCPU: it still reads after the VM is closed. */
	guest_destroy(&g);
	stats_free(&after);
	ok = stats_read(vcpu_fd, &after) &&
	     stats_get(&after, "io_exits", &io0) && io0 == io1;
	tap_result(ok, "it still reads after the VM and vCPU fds are closed");
	close(vcpu_fd);
	stats_free(&before);
	stats_free(&after);
	return tap_finish();
}

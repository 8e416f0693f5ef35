// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_SET_USER_MEMORY_REGION validation, errno for errno as KVM 6.1 does
 * it (virt/kvm/kvm_main.c: check_memory_region_flags(),
 * __kvm_set_memory_region(), kvm_vm_ioctl_set_memory_region(); and
 * arch/x86/kvm/x86.c: kvm_arch_prepare_memory_region()):
 *
 *  - flags other than KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY: EINVAL;
 *  - memory_size, guest_phys_addr or userspace_addr not page aligned,
 *    userspace_addr range not in user space (access_ok), slot id (low 16
 *    bits) >= KVM_CAP_NR_MEMSLOTS or address space (high 16 bits) beyond
 *    KVM_CAP_MULTI_ADDRESS_SPACE, guest_phys_addr + memory_size wrapping,
 *    more than 2^31 - 1 pages, or guest frames beyond what the MMU maps:
 *    EINVAL;
 *  - memory_size 0 deletes the slot; deleting a slot that has no memory:
 *    EINVAL;
 *  - changing an existing slot's userspace_addr, size or READONLY flag:
 *    EINVAL; changing only guest_phys_addr moves it; changing nothing
 *    succeeds;
 *  - a new or moved range that overlaps another slot: EEXIST;
 *  - userspace_addr is not touched at ioctl time: PROT_NONE or unmapped
 *    memory is accepted.
 *
 * Each case runs on a fresh VM and is a short sequence of calls, each with
 * the errno it must give (0 for success).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define PAGE		0x1000ull
#define SZ_64K		0x10000ull
#define GPA		0x100000ull	/* where most cases put their slot */
#define BUF_SIZE	0x100000ull	/* host memory behind the slots */
#define KERNEL_HALF	0xffff800000000000ull
#define MAX_OPS		3

/* One KVM_SET_USER_MEMORY_REGION and the errno it must give. */
struct region_op {
	__u32 slot;
	__u32 flags;
	__u64 gpa;
	__u64 size;
	__u64 hva;		/* offset into the test's buffer ... */
	bool hva_abs;		/* ... or this very address */
	int err;
};

struct memslot_case {
	const char *name;
	unsigned int nr_ops;
	struct region_op ops[MAX_OPS];
};

/* slot, flags, gpa, size, offset of userspace_addr in the buffer, errno */
#define OP(slot, flags, gpa, size, hva, err) \
	{ slot, flags, gpa, size, hva, false, err }
#define OP_ABS(slot, flags, gpa, size, hva, err) \
	{ slot, flags, gpa, size, hva, true, err }
/* The slot most cases start from: 64 KiB at GPA, buffer offset 0. */
#define OP_BASE		OP(0, 0, GPA, SZ_64K, 0, 0)
#define OP_DELETE(slot, err)	OP(slot, 0, 0, 0, 0, err)

static const struct memslot_case cases[] = {
	{ "create a 64 KiB slot", 1, { OP_BASE } },
	{ "guest_phys_addr not page aligned: EINVAL", 1,
	  { OP(0, 0, GPA + 0x800, SZ_64K, 0, EINVAL) } },
	{ "memory_size not page aligned: EINVAL", 1,
	  { OP(0, 0, GPA, SZ_64K + 0x800, 0, EINVAL) } },
	{ "userspace_addr not page aligned: EINVAL", 1,
	  { OP(0, 0, GPA, SZ_64K, 0x10, EINVAL) } },
	{ "guest_phys_addr + memory_size wraps: EINVAL", 1,
	  { OP(0, 0, -SZ_64K, 2 * SZ_64K, 0, EINVAL) } },
	{ "guest frames beyond 52 address bits: EINVAL", 1,
	  { OP(0, 0, 1ull << 52, SZ_64K, 0, EINVAL) } },
	{ "userspace_addr in the kernel half: EINVAL", 1,
	  { OP_ABS(0, 0, GPA, SZ_64K, KERNEL_HALF, EINVAL) } },
	/* An address that passes access_ok, so the page count decides. */
	{ "2^31 pages, one more than a slot holds: EINVAL", 1,
	  { OP_ABS(0, 0, 0, 1ull << 43, 1ull << 32, EINVAL) } },
	{ "unknown flag 1 << 2: EINVAL", 1,
	  { OP(0, 1u << 2, GPA, SZ_64K, 0, EINVAL) } },
	{ "unknown flag 1 << 31: EINVAL", 1,
	  { OP(0, 1u << 31, GPA, SZ_64K, 0, EINVAL) } },
	{ "KVM_MEM_READONLY is accepted", 1,
	  { OP(0, KVM_MEM_READONLY, GPA, SZ_64K, 0, 0) } },
	{ "address space 2 (slot 0x20000): EINVAL", 1,
	  { OP(2 << 16, 0, GPA, SZ_64K, 0, EINVAL) } },
	{ "overlap with another slot: EEXIST", 2,
	  { OP_BASE, OP(1, 0, GPA + SZ_64K / 2, SZ_64K, SZ_64K, EEXIST) } },
	{ "the same range as another slot: EEXIST", 2,
	  { OP_BASE, OP(1, 0, GPA, SZ_64K, SZ_64K, EEXIST) } },
	{ "a slot right after another is accepted", 2,
	  { OP_BASE, OP(1, 0, GPA + SZ_64K, SZ_64K, SZ_64K, 0) } },
	{ "a slot inside another's range: EEXIST", 2,
	  { OP_BASE, OP(1, 0, GPA + PAGE, PAGE, SZ_64K, EEXIST) } },
	{ "delete with memory_size 0 frees the range", 3,
	  { OP_BASE, OP_DELETE(0, 0), OP(1, 0, GPA, SZ_64K, SZ_64K, 0) } },
	{ "delete a slot that never existed: EINVAL", 1,
	  { OP_DELETE(5, EINVAL) } },
	{ "delete a deleted slot: EINVAL", 3,
	  { OP_BASE, OP_DELETE(0, 0), OP_DELETE(0, EINVAL) } },
	{ "re-create a deleted slot, other range and size", 3,
	  { OP_BASE, OP_DELETE(0, 0),
	    OP(0, KVM_MEM_READONLY, 4 * GPA, 2 * SZ_64K, SZ_64K, 0) } },
	{ "move a slot to another guest_phys_addr", 2,
	  { OP_BASE, OP(0, 0, 4 * GPA, SZ_64K, 0, 0) } },
	{ "move a slot one page up, over its own range", 2,
	  { OP_BASE, OP(0, 0, GPA + PAGE, SZ_64K, 0, 0) } },
	{ "move a slot onto another slot: EEXIST", 3,
	  { OP_BASE, OP(1, 0, 2 * GPA, SZ_64K, SZ_64K, 0),
	    OP(0, 0, 2 * GPA + PAGE, SZ_64K, 0, EEXIST) } },
	{ "a moved slot's old range is free", 3,
	  { OP_BASE, OP(0, 0, 4 * GPA, SZ_64K, 0, 0),
	    OP(1, 0, GPA, SZ_64K, SZ_64K, 0) } },
	{ "resize a slot: EINVAL", 2,
	  { OP_BASE, OP(0, 0, GPA, 2 * SZ_64K, 0, EINVAL) } },
	{ "resize and move a slot: EINVAL", 2,
	  { OP_BASE, OP(0, 0, 4 * GPA, SZ_64K / 2, 0, EINVAL) } },
	{ "change a slot's userspace_addr: EINVAL", 2,
	  { OP_BASE, OP(0, 0, GPA, SZ_64K, SZ_64K, EINVAL) } },
	{ "make a slot read-only: EINVAL", 2,
	  { OP_BASE, OP(0, KVM_MEM_READONLY, GPA, SZ_64K, 0, EINVAL) } },
	{ "make a read-only slot writable: EINVAL", 2,
	  { OP(0, KVM_MEM_READONLY, GPA, SZ_64K, 0, 0), OP(0, 0, GPA, SZ_64K, 0, EINVAL) } },
	{ "set a slot again unchanged", 2, { OP_BASE, OP_BASE } },
};

static __u8 *buf;

static bool do_op(const struct vm *vm, const struct region_op *op,
		  unsigned int i)
{
	__u64 hva = op->hva_abs ? op->hva : (unsigned long)buf + op->hva;
	int ret = vm_set_memory_region(vm, op->slot, op->flags, op->gpa,
				       op->size, hva);

	if (ret == -op->err)
		return true;
	tap_diag("call %u: slot 0x%x, flags 0x%x, gpa 0x%llx, size 0x%llx, hva 0x%llx",
		 i + 1, op->slot, op->flags, (unsigned long long)op->gpa,
		 (unsigned long long)op->size, (unsigned long long)hva);
	tap_diag("  gave %s, expected %s", ret ? strerror(-ret) : "success",
		 op->err ? strerror(op->err) : "success");
	return false;
}

static void run_case(const struct kvm_dev *dev, const struct memslot_case *c)
{
	unsigned int i;
	struct vm vm;
	bool ok;

	ok = !vm_create(&vm, dev);
	for (i = 0; ok && i < c->nr_ops; i++)
		ok = do_op(&vm, &c->ops[i], i);
	tap_result(ok, "%s", c->name);
	vm_destroy(&vm);
}

/* One call on a fresh VM whose slot id or hva is known only at run time. */
static void test_one(const struct kvm_dev *dev, const char *name,
		     const struct region_op *op)
{
	struct vm vm;
	bool ok;

	ok = !vm_create(&vm, dev) && do_op(&vm, op, 0);
	tap_result(ok, "%s", name);
	vm_destroy(&vm);
}

static void test_capabilities(const struct kvm_dev *dev, long *nr_memslots,
			      long *nr_as)
{
	long user_memory = -1;
	struct vm vm;

	*nr_memslots = -1;
	*nr_as = -1;
	if (!vm_create(&vm, dev)) {
		*nr_memslots = vm_check_extension(&vm, KVM_CAP_NR_MEMSLOTS);
		user_memory = vm_check_extension(&vm, KVM_CAP_USER_MEMORY);
		*nr_as = vm_check_extension(&vm, KVM_CAP_MULTI_ADDRESS_SPACE);
		vm_destroy(&vm);
	}
	tap_result(*nr_memslots > 0, "KVM_CAP_NR_MEMSLOTS on the VM fd: %ld",
		   *nr_memslots);
	tap_result(user_memory > 0, "KVM_CAP_USER_MEMORY on the VM fd: %ld",
		   user_memory);
}

static void test_slot_ids(const struct kvm_dev *dev, long nr_memslots,
			  long nr_as)
{
	struct region_op op = OP(0, 0, GPA, SZ_64K, 0, 0);

	op.slot = nr_memslots - 1;
	test_one(dev, "slot id KVM_CAP_NR_MEMSLOTS - 1 is accepted", &op);
	op.slot = nr_memslots;
	op.err = EINVAL;
	test_one(dev, "slot id KVM_CAP_NR_MEMSLOTS: EINVAL", &op);

	/* KVM on x86 has a second address space, for SMM. */
	op.slot = 1 << 16;
	if (nr_as > 1) {
		op.err = 0;
		test_one(dev, "address space 1 is accepted (KVM_CAP_MULTI_ADDRESS_SPACE > 1)",
			 &op);
	} else {
		test_one(dev, "address space 1: EINVAL (KVM_CAP_MULTI_ADDRESS_SPACE <= 1)",
			 &op);
	}
}

/* KVM touches no userspace memory at ioctl time: the guest's access faults. */
static void test_unusable_memory(const struct kvm_dev *dev)
{
	struct region_op op = OP_ABS(0, 0, GPA, SZ_64K, 0, 0);
	void *p = mmap(NULL, SZ_64K, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED) {
		tap_diag("mmap: %s", strerror(errno));
		tap_result(false, "PROT_NONE userspace memory is accepted");
		tap_result(false, "unmapped userspace memory is accepted");
		return;
	}
	op.hva = (unsigned long)p;
	test_one(dev, "PROT_NONE userspace memory is accepted", &op);
	munmap(p, SZ_64K);
	test_one(dev, "unmapped userspace memory is accepted", &op);
}

static void test_bad_pointer(const struct kvm_dev *dev)
{
	struct vm vm;
	bool ok;

	ok = !vm_create(&vm, dev) &&
	     ioctl(vm.fd, KVM_SET_USER_MEMORY_REGION, 1UL) == -1 &&
	     errno == EFAULT;
	tap_result(ok, "a bad pointer argument: EFAULT");
	vm_destroy(&vm);
}

int main(int argc, char **argv)
{
	long nr_memslots, nr_as;
	struct kvm_dev dev;
	size_t i;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(ARRAY_SIZE(cases) + 8);
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		tap_diag("mmap of %llu bytes: %s", BUF_SIZE, strerror(errno));
		return 1;
	}

	test_capabilities(&dev, &nr_memslots, &nr_as);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&dev, &cases[i]);
	test_slot_ids(&dev, nr_memslots, nr_as);
	test_unusable_memory(&dev);
	test_bad_pointer(&dev);
	return tap_finish();
}

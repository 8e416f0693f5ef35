// SPDX-License-Identifier: GPL-2.0-only
/*
 * MOVS between memory and MMIO, as memcpy_toio() and memcpy_fromio() do:
 * REP MOVSB from memory to an unmapped GPA makes one MMIO write exit per
 * byte, in order; MOVSL from an unmapped GPA makes a read exit whose data
 * lands in memory; STOSL to MMIO one write; rSI, rDI and rCX end where
 * the CPU would leave them.
 */
#include <string.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define MMIO_GPA	0xc0002000ull	/* in no slot */
#define SRC_GPA		(VM_DATA_GPA + 0x100)
#define DST_GPA		(VM_DATA_GPA + 0x200)
#define COUNT		4

GUEST_CODE(movs_to_mmio, ".code64", "rep movsb\n hlt\n");
GUEST_CODE(movs_from_mmio, ".code64", "movsl\n hlt\n");
GUEST_CODE(stos_to_mmio, ".code64", "stosl\n hlt\n");

static bool start(struct guest *g, const struct kvm_dev *dev,
		  const void *code, const void *end, __u64 rsi, __u64 rdi,
		  __u64 rcx)
{
	struct kvm_regs regs;

	if (guest_create(g, dev, VCPU_MODE_LONG, code, end) ||
	    vcpu_get_regs(&g->vcpu, &regs))
		return false;
	regs.rsi = rsi;
	regs.rdi = rdi;
	regs.rcx = rcx;
	return !vcpu_set_regs(&g->vcpu, &regs);
}

static bool regs_end_at(struct guest *g, __u64 rsi, __u64 rdi, __u64 rcx)
{
	struct kvm_regs regs;

	if (vcpu_get_regs(&g->vcpu, &regs))
		return false;
	if (regs.rsi == rsi && regs.rdi == rdi && regs.rcx == rcx)
		return true;
	tap_diag("rsi %#llx rdi %#llx rcx %llu, want %#llx %#llx %llu",
		 regs.rsi, regs.rdi, regs.rcx, rsi, rdi, rcx);
	return false;
}

static void test_to_mmio(const struct kvm_dev *dev)
{
	static const unsigned char bytes[COUNT] = { 0x11, 0x22, 0x33, 0x44 };
	struct guest g;
	bool ok;
	int i;

	ok = start(&g, dev, movs_to_mmio_start, movs_to_mmio_end, SRC_GPA,
		   MMIO_GPA, COUNT);
	if (ok)
		memcpy((char *)g.mem + SRC_GPA, bytes, COUNT);
	for (i = 0; ok && i < COUNT; i++) {
		ok = vcpu_run(&g.vcpu) &&
		     vcpu_check_mmio(&g.vcpu, MMIO_GPA + i, 1, true) &&
		     g.vcpu.run->mmio.data[0] == bytes[i];
		if (!ok)
			tap_diag("byte %d", i);
	}
	ok = ok && vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT) &&
	     regs_end_at(&g, SRC_GPA + COUNT, MMIO_GPA + COUNT, 0);
	tap_result(ok, "rep movsb of %d bytes to MMIO: one write exit each",
		   COUNT);
	guest_destroy(&g);
}

static void test_from_mmio(const struct kvm_dev *dev)
{
	const unsigned int value = 0xa1b2c3d4;
	struct guest g;
	bool ok;

	ok = start(&g, dev, movs_from_mmio_start, movs_from_mmio_end,
		   MMIO_GPA, DST_GPA, 0) &&
	     vcpu_run(&g.vcpu) && vcpu_check_mmio(&g.vcpu, MMIO_GPA, 4, false);
	if (ok)
		memcpy(g.vcpu.run->mmio.data, &value, sizeof(value));
	ok = ok && vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT) &&
	     !memcmp((char *)g.mem + DST_GPA, &value, sizeof(value)) &&
	     regs_end_at(&g, MMIO_GPA + 4, DST_GPA + 4, 0);
	tap_result(ok, "movsl from MMIO: a read exit, the data lands in memory");
	guest_destroy(&g);
}

static void test_stos(const struct kvm_dev *dev)
{
	struct guest g;
	struct kvm_regs regs;
	bool ok;

	ok = start(&g, dev, stos_to_mmio_start, stos_to_mmio_end, 0,
		   MMIO_GPA, 0) && !vcpu_get_regs(&g.vcpu, &regs);
	regs.rax = 0x5a5a1234;
	ok = ok && !vcpu_set_regs(&g.vcpu, &regs) && vcpu_run(&g.vcpu) &&
	     vcpu_check_mmio(&g.vcpu, MMIO_GPA, 4, true) &&
	     *(unsigned int *)g.vcpu.run->mmio.data == 0x5a5a1234 &&
	     vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT) &&
	     regs_end_at(&g, 0, MMIO_GPA + 4, 0);
	tap_result(ok, "stosl to MMIO: one write exit, then on");
	guest_destroy(&g);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(3);
	test_to_mmio(&dev);
	test_from_mmio(&dev);
	test_stos(&dev);
	return tap_finish();
}

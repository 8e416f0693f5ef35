// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO exits from a long-mode guest. Loads and stores of 1, 2, 4 and 8
 * bytes to a guest physical address no memslot covers exit with
 * KVM_EXIT_MMIO; a load completes with the data the host left in
 * kvm_run->mmio.data. A KVM_MEM_READONLY slot reads like memory, and a
 * store to it exits as MMIO and leaves the memory as it was.
 *
 * The host sets rax (value), rbx and rdi (address) before the first
 * entry; each guest is one or two moves and a hlt.
 */
#include <stdio.h>
#include <string.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

/* Both below VM_IDENTITY_MAP_SIZE: the guest reaches them 1:1. */
#define MMIO_GPA	0xc0001230ull	/* in no slot */
#define RO_SLOT		1
#define RO_GPA		0x40000000ull
#define RO_SIZE		0x10000
#define RO_OFFSET	0x100
#define STORE_VALUE	0x0123456789abcdefull
#define LOAD_VALUE	0x8877665544332211ull
#define RAX_BEFORE	0x5555555555555555ull
#define RO_CONTENTS	0xfeedfacecafef00dull
#define RO_STORE	0x0badc0deu

GUEST_CODE(storeb, ".code64", "movb %al, (%rdi)\n hlt\n");
GUEST_CODE(storew, ".code64", "movw %ax, (%rdi)\n hlt\n");
GUEST_CODE(storel, ".code64", "movl %eax, (%rdi)\n hlt\n");
GUEST_CODE(storeq, ".code64", "movq %rax, (%rdi)\n hlt\n");
GUEST_CODE(loadb, ".code64", "movb (%rdi), %al\n hlt\n");
GUEST_CODE(loadw, ".code64", "movw (%rdi), %ax\n hlt\n");
GUEST_CODE(loadl, ".code64", "movl (%rdi), %eax\n hlt\n");
GUEST_CODE(loadq, ".code64", "movq (%rdi), %rax\n hlt\n");

/* A store to the read-only slot, then a load of the same place. */
GUEST_CODE(ro_store, ".code64",
	   "movl %ebx, (%rdi)\n"
	   "movq (%rdi), %rcx\n"
	   "hlt\n");

struct mmio_case {
	const char *name;
	const unsigned char *start, *end;
	__u32 len;
	bool is_write;
};

#define MMIO_CASE(insn, len, is_write) \
	{ #insn, insn##_start, insn##_end, len, is_write }

static const struct mmio_case cases[] = {
	MMIO_CASE(storeb, 1, true),
	MMIO_CASE(storew, 2, true),
	MMIO_CASE(storel, 4, true),
	MMIO_CASE(storeq, 8, true),
	MMIO_CASE(loadb, 1, false),
	MMIO_CASE(loadw, 2, false),
	MMIO_CASE(loadl, 4, false),
	MMIO_CASE(loadq, 8, false),
};

/* A guest in long mode with rax, rbx and rdi as the host wants them. */
static bool guest_setup(struct guest *g, const struct kvm_dev *dev,
			const unsigned char *start, const unsigned char *end,
			__u64 rax, __u64 rdi)
{
	struct kvm_regs regs;

	if (guest_create(g, dev, VCPU_MODE_LONG, start, end) ||
	    vcpu_get_regs(&g->vcpu, &regs))
		return false;
	regs.rax = rax;
	regs.rbx = RO_STORE;
	regs.rdi = rdi;
	return !vcpu_set_regs(&g->vcpu, &regs);
}

/*
 * A store exits with its bytes in mmio.data; a load exits, takes the
 * host's bytes and merges them into rax as the instruction does: movb and
 * movw keep the other bytes, movl zero-extends, movq replaces all.
 */
static bool run_mmio(struct guest *g, const struct mmio_case *c)
{
	__u64 value = STORE_VALUE, expect = RAX_BEFORE;
	struct kvm_run *run = g->vcpu.run;
	struct kvm_regs regs;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_mmio(&g->vcpu, MMIO_GPA, c->len, c->is_write))
		return false;
	if (c->is_write) {
		if (memcmp(run->mmio.data, &value, c->len)) {
			vcpu_dump_exit(&g->vcpu);
			tap_diag("expected the low %u bytes of 0x%llx", c->len,
				 (unsigned long long)value);
			return false;
		}
		return vcpu_run_expect(&g->vcpu, KVM_EXIT_HLT);
	}

	value = LOAD_VALUE;
	memcpy(run->mmio.data, &value, c->len);
	if (c->len == 4)
		expect = 0;
	memcpy(&expect, &value, c->len);
	return vcpu_run_expect(&g->vcpu, KVM_EXIT_HLT) &&
	       !vcpu_get_regs(&g->vcpu, &regs) &&
	       tap_check_u64("rax", regs.rax, expect);
}

static void run_case(const struct kvm_dev *dev, const struct mmio_case *c)
{
	struct guest g;
	bool ok;

	ok = guest_setup(&g, dev, c->start, c->end,
			 c->is_write ? STORE_VALUE : RAX_BEFORE, MMIO_GPA) &&
	     run_mmio(&g, c);
	tap_result(ok, "%s: %u-byte mmio %s at 0x%llx", c->name, c->len,
		   c->is_write ? "write" : "read",
		   (unsigned long long)MMIO_GPA);
	guest_destroy(&g);
}

/* The read-only slot, its memory filled with RO_CONTENTS; NULL on failure. */
static __u64 *add_ro_slot(struct guest *g)
{
	__u8 *mem = vm_add_memory(&g->vm, RO_SLOT, KVM_MEM_READONLY, RO_GPA,
				  RO_SIZE);
	__u64 contents = RO_CONTENTS;

	if (!mem)
		return NULL;
	memcpy(mem + RO_OFFSET, &contents, sizeof(contents));
	return (__u64 *)(mem + RO_OFFSET);
}

static void test_ro_load(const struct kvm_dev *dev)
{
	struct kvm_regs regs;
	struct guest g;
	bool ok;

	ok = guest_setup(&g, dev, loadq_start, loadq_end, RAX_BEFORE,
			 RO_GPA + RO_OFFSET) &&
	     add_ro_slot(&g) && vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT) &&
	     !vcpu_get_regs(&g.vcpu, &regs) &&
	     tap_check_u64("rax", regs.rax, RO_CONTENTS);
	tap_result(ok, "read-only slot: movq reads its memory, no exit");
	guest_destroy(&g);
}

static void test_ro_store(const struct kvm_dev *dev)
{
	__u32 store = RO_STORE;
	struct kvm_regs regs;
	__u64 *mem = NULL;
	struct guest g;
	bool ok;

	ok = guest_setup(&g, dev, ro_store_start, ro_store_end, RAX_BEFORE,
			 RO_GPA + RO_OFFSET);
	if (ok)
		mem = add_ro_slot(&g);
	ok = mem && vcpu_run(&g.vcpu) &&
	     vcpu_check_mmio(&g.vcpu, RO_GPA + RO_OFFSET, 4, true);
	if (ok && memcmp(g.vcpu.run->mmio.data, &store, 4)) {
		vcpu_dump_exit(&g.vcpu);
		tap_diag("expected the bytes of 0x%x", store);
		ok = false;
	}
	tap_result(ok, "read-only slot: movl to it exits as a 4-byte mmio write");

	ok = ok && vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT) &&
	     !vcpu_get_regs(&g.vcpu, &regs) &&
	     tap_check_u64("rcx (read back)", regs.rcx, RO_CONTENTS) &&
	     tap_check_u64("the slot's memory", *mem, RO_CONTENTS);
	tap_result(ok, "read-only slot: memory unchanged after the write");
	guest_destroy(&g);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	size_t i;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(ARRAY_SIZE(cases) + 3);
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&dev, &cases[i]);
	test_ro_load(&dev);
	test_ro_store(&dev);
	return tap_finish();
}

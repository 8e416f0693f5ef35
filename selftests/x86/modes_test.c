// SPDX-License-Identifier: GPL-2.0-only
/*
 * One small computation, 1 + 2 + ... + 100, by a guest in real mode, in
 * 32-bit protected mode and in 64-bit long mode. Each guest calls a
 * subroutine (so its stack works), reports the sum with OUT, leaves a
 * marker in registers and halts; the host checks the I/O exit, the HLT
 * exit and the registers KVM_GET_REGS reads back.
 */
#include <stdio.h>
#include <string.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define PORT_SUM	0x10
#define SUM		5050

/* In real mode, 16-bit registers; sum(cx) leaves cx + ... + 1 in ax. */
GUEST_CODE(sum_real, ".code16",
	   "	jmp 2f\n"
	   "sum16:	xorw %ax, %ax\n"
	   "1:	addw %cx, %ax\n"
	   "	loop 1b\n"			/* loop counts in cx */
	   "	retw\n"
	   "2:	movw $100, %cx\n"
	   "	callw sum16\n"
	   "	outw %ax, $" __stringify(PORT_SUM) "\n"
	   "	movw $0xbeef, %bx\n"
	   "	hlt\n");

/* The same in 32-bit protected mode, flat, without paging. */
GUEST_CODE(sum_prot32, ".code32",
	   "	jmp 2f\n"
	   "sum32:	xorl %eax, %eax\n"
	   "1:	addl %ecx, %eax\n"
	   "	loop 1b\n"			/* loop counts in ecx */
	   "	retl\n"
	   "2:	movl $100, %ecx\n"
	   "	calll sum32\n"
	   "	outl %eax, $" __stringify(PORT_SUM) "\n"
	   "	movl $0xdeadbeef, %ebx\n"
	   "	hlt\n");

/*
 * In long mode, 64-bit registers, with markers that need all 64 bits and
 * one in r8 to show that KVM_GET_REGS reads the new registers too.
 */
GUEST_CODE(sum_long, ".code64",
	   "	jmp 2f\n"
	   "sum64:	xorq %rax, %rax\n"
	   "1:	addq %rcx, %rax\n"
	   "	loop 1b\n"			/* loop counts in rcx */
	   "	retq\n"
	   "2:	movq $100, %rcx\n"
	   "	callq sum64\n"
	   "	outl %eax, $" __stringify(PORT_SUM) "\n"
	   "	movabsq $0x0123456789abcdef, %rbx\n"
	   "	movabsq $0xfedcba9876543210, %r8\n"
	   "	hlt\n");

struct mode_case {
	const char *name;
	enum vcpu_mode mode;
	const unsigned char *start, *end;
	__u8 out_size;
	struct kvm_regs expect;		/* rip relative to VM_CODE_GPA */
};

/*
 * What each guest leaves: the sum in rax, cx counted down to 0, its
 * marker in rbx (and r8), the stack where it began, rip after its hlt.
 * In real mode rip is relative to cs, whose base is VM_CODE_GPA, and sp
 * starts at 0 (see vcpu_set_mode()).
 */
static const struct mode_case cases[] = {
	{ "real mode", VCPU_MODE_REAL, sum_real_start, sum_real_end, 2,
	  { .rax = SUM, .rbx = 0xbeef, .rsp = 0 } },
	{ "32-bit protected mode", VCPU_MODE_PROT32, sum_prot32_start,
	  sum_prot32_end, 4,
	  { .rax = SUM, .rbx = 0xdeadbeef, .rsp = VM_STACK_TOP } },
	{ "64-bit long mode", VCPU_MODE_LONG, sum_long_start, sum_long_end, 4,
	  { .rax = SUM, .rbx = 0x0123456789abcdefull,
	    .r8 = 0xfedcba9876543210ull, .rsp = VM_STACK_TOP } },
};

static bool check_regs(const struct guest *g, const struct mode_case *c)
{
	struct kvm_regs expect = c->expect;
	struct kvm_regs regs;
	bool ok = true;

	if (vcpu_get_regs(&g->vcpu, &regs))
		return false;
	expect.rip = c->end - c->start;
	if (c->mode != VCPU_MODE_REAL)
		expect.rip += VM_CODE_GPA;
	/* Every register checked, so that a diagnostic names them all. */
	ok = tap_check_u64("rax", regs.rax, expect.rax) && ok;
	ok = tap_check_u64("rbx", regs.rbx, expect.rbx) && ok;
	ok = tap_check_u64("rcx", regs.rcx, expect.rcx) && ok;
	ok = tap_check_u64("rdx", regs.rdx, expect.rdx) && ok;
	ok = tap_check_u64("rsp", regs.rsp, expect.rsp) && ok;
	ok = tap_check_u64("r8", regs.r8, expect.r8) && ok;
	ok = tap_check_u64("rip", regs.rip, expect.rip) && ok;
	return ok;
}

static void run_case(const struct kvm_dev *dev, const struct mode_case *c)
{
	struct guest g;
	__u32 sum = 0;
	bool ok;
	void *data;

	ok = !guest_create(&g, dev, c->mode, c->start, c->end);
	if (ok && vcpu_run(&g.vcpu) &&
	    vcpu_check_io(&g.vcpu, KVM_EXIT_IO_OUT, PORT_SUM, c->out_size, 1)) {
		data = vcpu_io_data(&g.vcpu);
		if (data)
			memcpy(&sum, data, c->out_size);
		ok = sum == SUM;
		if (data && !ok)
			tap_diag("the guest reported %u", sum);
	} else {
		ok = false;
	}
	tap_result(ok, "%s: out of the sum %d to port 0x%x, %u bytes", c->name,
		   SUM, PORT_SUM, c->out_size);

	ok = ok && vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT);
	tap_result(ok, "%s: hlt", c->name);

	ok = ok && check_regs(&g, c);
	tap_result(ok, "%s: registers after hlt", c->name);

	guest_destroy(&g);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	size_t i;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(3 * ARRAY_SIZE(cases));
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&dev, &cases[i]);
	return tap_finish();
}

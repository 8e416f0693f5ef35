// SPDX-License-Identifier: GPL-2.0-only
/*
 * One small computation, 1 + 2 + ... + 100, by a guest in real mode, in
 * 32-bit protected mode with and without PAE paging and in 64-bit long
 * mode, set up by the host or reached by the guest itself. Each guest calls a
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

/*
 * Guests that change modes themselves, with the MOV to CR0/CR3/CR4 and
 * WRMSR a kernel uses (hypervisors that intercept control-register writes
 * emulate them): each ends in the flat code of the mode it reached and
 * runs the same sum there.
 */
#define SUM32_TAIL							\
	"	jmp 2f\n"							\
	"3:	xorl %eax, %eax\n"						\
	"1:	addl %ecx, %eax\n"						\
	"	loop 1b\n"							\
	"	retl\n"							\
	"2:	movl $100, %ecx\n"						\
	"	calll 3b\n"							\
	"	outl %eax, $" __stringify(PORT_SUM) "\n"			\
	"	movl $0xdeadbeef, %ebx\n"					\
	"	hlt\n"

/* Real mode to 32-bit protected mode: LGDT, CR0.PE, a far jump. */
GUEST_CODE(to_prot32, ".code16",
	   "	lgdtl gdt_ptr - to_prot32_start\n"	/* DS base: the code */
	   "	movl %cr0, %eax\n"
	   "	orl $1, %eax\n"
	   "	movl %eax, %cr0\n"
	   "	ljmpl $" __stringify(VM_SEL_CODE32) ", $"
	   __stringify(VM_CODE_GPA) " + 4f - to_prot32_start\n"
	   "gdt_ptr:\n"
	   "	.word " __stringify(VM_GDT_SIZE) " - 1\n"
	   "	.long " __stringify(VM_GDT_GPA) "\n"
	   "	.code32\n"
	   "4:	movl $" __stringify(VM_SEL_DATA) ", %eax\n"
	   "	movl %eax, %ds\n"
	   "	movl %eax, %es\n"
	   "	movl %eax, %ss\n"
	   "	movl $" __stringify(VM_STACK_TOP) ", %esp\n"
	   SUM32_TAIL);

/* 32-bit protected mode to PAE paging: CR3, CR4.PAE, CR0.PG. */
GUEST_CODE(to_pae, ".code32",
	   "	movl $" __stringify(VM_PAE_PDPT_GPA) ", %eax\n"
	   "	movl %eax, %cr3\n"
	   "	movl %cr4, %eax\n"
	   "	orl $0x20, %eax\n"
	   "	movl %eax, %cr4\n"
	   "	movl %cr0, %eax\n"
	   "	orl $0x80010000, %eax\n"		/* PG, WP */
	   "	movl %eax, %cr0\n"
	   SUM32_TAIL);

/* 32-bit protected mode to long mode: PAE, EFER.LME, CR0.PG, far jump. */
GUEST_CODE(to_long, ".code32",
	   "	movl $" __stringify(VM_PML4_GPA) ", %eax\n"
	   "	movl %eax, %cr3\n"
	   "	movl %cr4, %eax\n"
	   "	orl $0x20, %eax\n"
	   "	movl %eax, %cr4\n"
	   "	movl $0xc0000080, %ecx\n"		/* EFER */
	   "	rdmsr\n"
	   "	orl $0x100, %eax\n"			/* LME */
	   "	wrmsr\n"
	   "	movl %cr0, %eax\n"
	   "	orl $0x80000000, %eax\n"
	   "	movl %eax, %cr0\n"
	   "	ljmpl $" __stringify(VM_SEL_CODE64) ", $"
	   __stringify(VM_CODE_GPA) " + 4f - to_long_start\n"
	   "	.code64\n"
	   "4:	jmp 2f\n"
	   "3:	xorq %rax, %rax\n"
	   "1:	addq %rcx, %rax\n"
	   "	loop 1b\n"
	   "	retq\n"
	   "2:	movq $100, %rcx\n"
	   "	callq 3b\n"
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
	bool flat_at_end;		/* rip absolute though it began real */
	/* Bits KVM_GET_SREGS must show at the end (mode switches). */
	__u64 cr0, cr4, efer;
};

#define CR0_PE		0x1ull
#define CR0_PG		0x80000000ull
#define CR4_PAE		0x20ull
#define EFER_LME	0x100ull
#define EFER_LMA	0x400ull

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
	{ "32-bit protected mode with PAE paging", VCPU_MODE_PAE,
	  sum_prot32_start, sum_prot32_end, 4,
	  { .rax = SUM, .rbx = 0xdeadbeef, .rsp = VM_STACK_TOP } },
	{ "real mode switching to protected mode", VCPU_MODE_REAL,
	  to_prot32_start, to_prot32_end, 4,
	  { .rax = SUM, .rbx = 0xdeadbeef, .rsp = VM_STACK_TOP }, true,
	  CR0_PE },
	{ "protected mode turning on PAE paging", VCPU_MODE_PROT32,
	  to_pae_start, to_pae_end, 4,
	  { .rax = SUM, .rbx = 0xdeadbeef, .rsp = VM_STACK_TOP }, true,
	  CR0_PE | CR0_PG, CR4_PAE },
	{ "protected mode entering long mode", VCPU_MODE_PROT32,
	  to_long_start, to_long_end, 4,
	  { .rax = SUM, .rbx = 0x0123456789abcdefull,
	    .r8 = 0xfedcba9876543210ull, .rsp = VM_STACK_TOP }, true,
	  CR0_PE | CR0_PG, CR4_PAE, EFER_LME | EFER_LMA },
};

static bool check_sregs(const struct guest *g, const struct mode_case *c)
{
	struct kvm_sregs sregs;
	bool ok = true;

	if (!(c->cr0 | c->cr4 | c->efer))
		return true;
	if (vcpu_get_sregs(&g->vcpu, &sregs))
		return false;
	ok = tap_check_u64("cr0 bits", sregs.cr0 & c->cr0, c->cr0) && ok;
	ok = tap_check_u64("cr4 bits", sregs.cr4 & c->cr4, c->cr4) && ok;
	ok = tap_check_u64("efer bits", sregs.efer & c->efer, c->efer) && ok;
	return ok;
}

static bool check_regs(const struct guest *g, const struct mode_case *c)
{
	struct kvm_regs expect = c->expect;
	struct kvm_regs regs;
	bool ok = true;

	if (vcpu_get_regs(&g->vcpu, &regs))
		return false;
	expect.rip = c->end - c->start;
	if (c->mode != VCPU_MODE_REAL || c->flat_at_end)
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

	ok = !guest_create(&g, dev, c->mode, c->start, c->end) &&
	     !vcpu_set_supported_cpuid(&g.vcpu);
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

	ok = ok && check_regs(&g, c) && check_sregs(&g, c);
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

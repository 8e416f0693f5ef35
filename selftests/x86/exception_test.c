// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exceptions a long-mode guest raises and takes through its own IDT: the
 * library's stubs report vector, error code, the rip of the frame and CR2
 * on VM_PORT_EXCEPTION. The hypervisor must deliver what the hardware
 * raised (#DE, #BP, INT n, #GP, #PF with the right CR2) and raise itself
 * what it intercepts: #GP for an unknown MSR, #UD for the SVM
 * instructions. (KVM with nested=1 would run those for a guest with
 * EFER.SVME set; ours have it clear, which makes them #UD on KVM too.)
 * Last, VMMCALL with an unknown hypercall answers -KVM_ENOSYS in RAX, and
 * a fault with no usable IDT is a triple fault: KVM_EXIT_SHUTDOWN.
 */
#include <cpuid.h>
#include <string.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define VEC_DE		0
#define VEC_BP		3
#define VEC_BR		5
#define VEC_UD		6
#define VEC_GP		13
#define VEC_PF		14

/* #PF error code bits (SDM Vol. 3, 4.7 "Page-Fault Exceptions"). */
#define PFERR_PRESENT	BIT(0)
#define PFERR_WRITE	BIT(1)

/* Cleared in the guest's page tables for the #PF cases: 2 MiB at 4 MiB. */
#define PF_ADDR		0x400010
#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR_MASK	0x000ffffffffff000ULL

#define NONCANONICAL	0x8000000000000000
#define UNKNOWN_MSR	0xdeadbeef
/* No hypercall of KVM's has this number. */
#define HC_UNKNOWN	0x5a5a
#define KVM_ENOSYS	1000

/*
 * Each guest marks the instruction whose address the exception frame
 * must hold with name_rip (a trap's frame holds the next instruction's
 * address), and halts after it: a guest that takes no exception shows
 * up as an unexpected KVM_EXIT_HLT.
 */
#define EXC_GUEST(name, body)						\
	GUEST_CODE(name, ".code64", body "\thlt\n");			\
	extern const unsigned char name##_rip[]

EXC_GUEST(de, "	xorl %ecx, %ecx\n"
	      "	movl $1, %eax\n"
	      "	xorl %edx, %edx\n"
	      "de_rip:	divl %ecx\n");
EXC_GUEST(bp, "	int3\n"
	      "bp_rip:	nop\n");
EXC_GUEST(swint, "	int $" __stringify(VEC_BR) "\n"
		 "swint_rip:	nop\n");
EXC_GUEST(ud, "ud_rip:	ud2\n");
EXC_GUEST(gp_noncanon, "	movabsq $" __stringify(NONCANONICAL) ", %rbx\n"
		       "gp_noncanon_rip:	movq (%rbx), %rax\n");
EXC_GUEST(gp_wrmsr, "	movl $" __stringify(UNKNOWN_MSR) ", %ecx\n"
		    "	xorl %eax, %eax\n"
		    "	xorl %edx, %edx\n"
		    "gp_wrmsr_rip:	wrmsr\n");
EXC_GUEST(pf_read, "	movl $" __stringify(PF_ADDR) ", %ebx\n"
		   "pf_read_rip:	movq (%rbx), %rax\n");
EXC_GUEST(pf_write, "	movl $" __stringify(PF_ADDR) ", %ebx\n"
		    "pf_write_rip:	movq %rax, (%rbx)\n");
/* The SVM instructions, with rAX = 0 and ECX = 0 as their operands. */
EXC_GUEST(vmrun, "	xorl %eax, %eax\n"
		 "vmrun_rip:	vmrun %rax\n");
EXC_GUEST(vmload, "	xorl %eax, %eax\n"
		  "vmload_rip:	vmload %rax\n");
EXC_GUEST(vmsave, "	xorl %eax, %eax\n"
		  "vmsave_rip:	vmsave %rax\n");
EXC_GUEST(stgi, "stgi_rip:	stgi\n");
EXC_GUEST(clgi, "clgi_rip:	clgi\n");
EXC_GUEST(skinit, "	xorl %eax, %eax\n"
		  "skinit_rip:	skinit %eax\n");
EXC_GUEST(invlpga, "	xorl %eax, %eax\n"
		   "	xorl %ecx, %ecx\n"
		   "invlpga_rip:	invlpga %rax, %ecx\n");

/*
 * The VMX instructions, outside VMX operation (CR4.VMXE clear): #UD on
 * any CPU (SDM Vol. 3, "VMX Instruction Reference"), whether the
 * hypervisor sees them exit or not. Memory operands point at page 0.
 */
EXC_GUEST(vmxon, "vmxon_rip:	vmxon (%rax)\n");
EXC_GUEST(vmxoff, "vmxoff_rip:	vmxoff\n");
EXC_GUEST(vmclear, "	xorl %eax, %eax\n"
		   "vmclear_rip:	vmclear (%rax)\n");
EXC_GUEST(vmptrld, "	xorl %eax, %eax\n"
		   "vmptrld_rip:	vmptrld (%rax)\n");
EXC_GUEST(vmread, "	xorl %eax, %eax\n"
		  "vmread_rip:	vmread %rax, %rbx\n");
EXC_GUEST(vmwrite, "	xorl %eax, %eax\n"
		   "vmwrite_rip:	vmwrite %rbx, %rax\n");
EXC_GUEST(vmlaunch, "vmlaunch_rip:	vmlaunch\n");
EXC_GUEST(vmresume, "vmresume_rip:	vmresume\n");
EXC_GUEST(invept, "	xorl %eax, %eax\n"
		  "invept_rip:	invept (%rax), %rax\n");
EXC_GUEST(invvpid, "	xorl %eax, %eax\n"
		   "invvpid_rip:	invvpid (%rax), %rax\n");

/*
 * RAX after the hypercall is all the host needs: it reads it at the HLT.
 * Each vendor has its own instruction (the other one is #UD there).
 */
GUEST_CODE(vmmcall, ".code64",
	   "	movl $" __stringify(HC_UNKNOWN) ", %eax\n"
	   "	vmmcall\n"
	   "	hlt\n");
GUEST_CODE(vmcall, ".code64",
	   "	movl $" __stringify(HC_UNKNOWN) ", %eax\n"
	   "	vmcall\n"
	   "	hlt\n");

/*
 * An IDT of limit 0 holds no gate at all: delivering #UD fails with #GP,
 * delivering that fails with #DF, and that fails too (SDM Vol. 3, 6.15,
 * "Interrupt 8 - Double Fault Exception": a shutdown).
 */
GUEST_CODE(triple, ".code64",
	   "	lidt empty_idt(%rip)\n"
	   "	ud2\n"
	   "	hlt\n"
	   "empty_idt:\n"
	   "	.word 0\n"
	   "	.quad 0\n");

enum pte_change { PTE_KEEP, PTE_NOT_PRESENT, PTE_READ_ONLY };

struct exc_case {
	const char *what;
	const unsigned char *start, *end, *rip;
	enum pte_change pte;
	__u8 vector;
	__u32 error;
	bool has_cr2;
	__u64 cr2;
};

#define EXC_CASE(what, name, vector, error) \
	{ what, name##_start, name##_end, name##_rip, PTE_KEEP, vector, error }
#define PF_CASE(what, name, pte, error) \
	{ what, name##_start, name##_end, name##_rip, pte, VEC_PF, error, \
	  true, PF_ADDR }

static const struct exc_case cases[] = {
	EXC_CASE("divl by zero: #DE", de, VEC_DE, 0),
	/*
	 * Delivery can exit to the hypervisor halfway (the stack's first
	 * write faults in the nested page tables): a software exception or
	 * interrupt must then be done again, not injected as a fault.
	 */
	EXC_CASE("int3: #BP, a trap reported after the instruction", bp,
		 VEC_BP, 0),
	EXC_CASE("int $5: through gate 5, reported after the instruction",
		 swint, VEC_BR, 0),
	EXC_CASE("ud2: #UD", ud, VEC_UD, 0),
	EXC_CASE("read at a non-canonical address: #GP(0)", gp_noncanon,
		 VEC_GP, 0),
	EXC_CASE("wrmsr to an unknown MSR: #GP(0)", gp_wrmsr, VEC_GP, 0),
	PF_CASE("read through a not-present PDE: #PF(0), CR2", pf_read,
		PTE_NOT_PRESENT, 0),
	PF_CASE("write through a not-present PDE: #PF(W), CR2", pf_write,
		PTE_NOT_PRESENT, PFERR_WRITE),
	PF_CASE("write through a read-only PDE with CR0.WP: #PF(P|W), CR2",
		pf_write, PTE_READ_ONLY, PFERR_PRESENT | PFERR_WRITE),
	EXC_CASE("vmrun: #UD", vmrun, VEC_UD, 0),
	EXC_CASE("vmload: #UD", vmload, VEC_UD, 0),
	EXC_CASE("vmsave: #UD", vmsave, VEC_UD, 0),
	EXC_CASE("stgi: #UD", stgi, VEC_UD, 0),
	EXC_CASE("clgi: #UD", clgi, VEC_UD, 0),
	EXC_CASE("skinit: #UD", skinit, VEC_UD, 0),
	EXC_CASE("invlpga: #UD", invlpga, VEC_UD, 0),
	EXC_CASE("vmxon: #UD", vmxon, VEC_UD, 0),
	EXC_CASE("vmxoff: #UD", vmxoff, VEC_UD, 0),
	EXC_CASE("vmclear: #UD", vmclear, VEC_UD, 0),
	EXC_CASE("vmptrld: #UD", vmptrld, VEC_UD, 0),
	EXC_CASE("vmread: #UD", vmread, VEC_UD, 0),
	EXC_CASE("vmwrite: #UD", vmwrite, VEC_UD, 0),
	EXC_CASE("vmlaunch: #UD", vmlaunch, VEC_UD, 0),
	EXC_CASE("vmresume: #UD", vmresume, VEC_UD, 0),
	EXC_CASE("invept: #UD", invept, VEC_UD, 0),
	EXC_CASE("invvpid: #UD", invvpid, VEC_UD, 0),
};

/*
 * The entry of the guest's page tables that maps @gva, found by walking
 * them from CR3 (SDM Vol. 3, 4.5 "4-Level Paging"): a PDE for the
 * library's 2 MiB pages.
 */
static __u64 *leaf_entry(struct guest *g, __u64 gva)
{
	struct kvm_sregs sregs;
	__u64 table, *entry;
	int level;

	if (vcpu_get_sregs(&g->vcpu, &sregs))
		return NULL;
	table = sregs.cr3 & PTE_ADDR_MASK;
	for (level = 4; level >= 1; level--) {
		entry = vm_gpa_to_hva(&g->vm,
				      table + 8 * ((gva >> (3 + 9 * level)) & 511),
				      8);
		if (!entry || !(*entry & PTE_P))
			break;
		if (level == 1 || (*entry & PTE_PS))
			return entry;
		table = *entry & PTE_ADDR_MASK;
	}
	tap_diag("no present page-table entry maps 0x%llx",
		 (unsigned long long)gva);
	return NULL;
}

static bool change_pte(struct guest *g, enum pte_change change)
{
	__u64 *pte;

	if (change == PTE_KEEP)
		return true;
	pte = leaf_entry(g, PF_ADDR);
	if (!pte)
		return false;
	*pte &= change == PTE_NOT_PRESENT ? ~PTE_P : ~PTE_RW;
	return true;
}

/* The stub's report: vector in rax, error code in rbx, rip in rcx, CR2. */
static bool check_report(struct guest *g, const struct exc_case *c)
{
	__u64 rip = VM_CODE_GPA + (c->rip - c->start);
	struct kvm_regs regs;
	bool ok;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, VM_PORT_EXCEPTION, 4, 1) ||
	    vcpu_get_regs(&g->vcpu, &regs))
		return false;
	ok = tap_check_u64("vector", regs.rax, c->vector) &&
	     tap_check_u64("error code", regs.rbx, c->error) &&
	     tap_check_u64("rip in the exception frame", regs.rcx, rip) &&
	     (!c->has_cr2 || tap_check_u64("cr2", regs.rsi, c->cr2));
	if (!ok)
		vcpu_dump_exit(&g->vcpu);
	return ok;
}

static void run_case(const struct kvm_dev *dev, const struct exc_case *c)
{
	struct guest g;
	bool ok;

	ok = !guest_create(&g, dev, VCPU_MODE_LONG, c->start, c->end) &&
	     change_pte(&g, c->pte) && check_report(&g, c);
	tap_result(ok, "%s", c->what);
	guest_destroy(&g);
}

/* The host CPU's vendor: "GenuineIntel" answers VMCALL, AMD VMMCALL. */
static bool host_is_intel(void)
{
	unsigned int eax, ebx, ecx, edx;

	__cpuid(0, eax, ebx, ecx, edx);
	return ebx == 0x756e6547 && edx == 0x49656e69 && ecx == 0x6c65746e;
}

static void test_hypercall(const struct kvm_dev *dev)
{
	bool intel = host_is_intel();
	const char *insn = intel ? "vmcall" : "vmmcall";
	struct kvm_regs regs;
	struct guest g;
	bool ok;

	ok = !guest_create(&g, dev, VCPU_MODE_LONG,
			   intel ? vmcall_start : vmmcall_start,
			   intel ? vmcall_end : vmmcall_end) &&
	     vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT) &&
	     !vcpu_get_regs(&g.vcpu, &regs) &&
	     tap_check_u64("rax after the hypercall", regs.rax,
			   -(__u64)KVM_ENOSYS);
	tap_result(ok, "%s of unknown hypercall %#x: rax = -KVM_ENOSYS",
		   insn, HC_UNKNOWN);
	guest_destroy(&g);
}

static void test_triple_fault(const struct kvm_dev *dev)
{
	struct guest g;
	bool ok;

	ok = !guest_create(&g, dev, VCPU_MODE_LONG, triple_start,
			   triple_end) &&
	     vcpu_run_expect(&g.vcpu, KVM_EXIT_SHUTDOWN);
	tap_result(ok, "ud2 with an IDT of limit 0: triple fault, KVM_EXIT_SHUTDOWN");
	guest_destroy(&g);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	size_t i;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(ARRAY_SIZE(cases) + 2);
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&dev, &cases[i]);
	test_hypercall(&dev);
	test_triple_fault(&dev);
	return tap_finish();
}

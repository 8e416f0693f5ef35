// SPDX-License-Identifier: GPL-2.0-only
/* The AMD SVM backend. */
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/hw_breakpoint.h>
#include <linux/kvm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "../kvmlite.h"
#include "../msr.h"
#include "../vcpu.h"
#include "../vm.h"
#include "caps.h"
#include "svm.h"
#include "svm_hw.h"

#define IOPM_PAGES		3	/* APM "I/O Permissions Map": 12 KB */
#define MSRPM_PAGES		2	/* APM "MSR Permissions Map": 8 KB */
#define DEFAULT_PAT		0x0007040600070406ULL
#define DR7_RESET		0x400	/* bit 10 reads as 1 */

struct svm_cpu {
	void *hsave;		/* VM_HSAVE_PA: where VMRUN keeps host state */
	struct vmcb *host_vmcb;	/* host state VMSAVE/VMLOAD switch */
	u64 host_vmcb_pa;
	u32 next_asid;
	u64 asid_generation;
};

static DEFINE_PER_CPU(struct svm_cpu, svm_cpu);

/* Everything intercepted: shared by every VM, never written after setup. */
static void *svm_iopm, *svm_msrpm;

static bool svm_ident(void)
{
	return boot_cpu_data.x86_vendor == X86_VENDOR_AMD ||
	       boot_cpu_data.x86_vendor == X86_VENDOR_HYGON;
}

static int svm_probe(struct hv_caps *caps)
{
	struct svm_cap_regs regs = { .max_ext_leaf = cpuid_eax(0x80000000) };

	if (regs.max_ext_leaf >= CPUID_EXT_FEATURES)
		regs.ext_ecx = cpuid_ecx(CPUID_EXT_FEATURES);
	if (regs.max_ext_leaf >= CPUID_SVM_FEATURES) {
		regs.svm_ebx = cpuid_ebx(CPUID_SVM_FEATURES);
		regs.svm_edx = cpuid_edx(CPUID_SVM_FEATURES);
	}
	if ((regs.ext_ecx & CPUID_EXT_ECX_SVM) &&
	    !read_msr_safe(MSR_AMD_VM_CR, &regs.vm_cr)) {
		caps->missing = "readable VM_CR MSR";
		return -EIO;
	}
	return svm_caps_evaluate(&regs, caps);
}

static void svm_teardown(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpu, cpu);

		free_page((unsigned long)sd->hsave);
		free_page((unsigned long)sd->host_vmcb);
		sd->hsave = NULL;
		sd->host_vmcb = NULL;
	}
	free_pages((unsigned long)svm_iopm, get_order(IOPM_PAGES * PAGE_SIZE));
	free_pages((unsigned long)svm_msrpm,
		   get_order(MSRPM_PAGES * PAGE_SIZE));
}

static int svm_setup(void)
{
	int cpu;

	svm_iopm = (void *)__get_free_pages(GFP_KERNEL,
					    get_order(IOPM_PAGES * PAGE_SIZE));
	svm_msrpm = (void *)__get_free_pages(GFP_KERNEL,
					     get_order(MSRPM_PAGES * PAGE_SIZE));
	if (!svm_iopm || !svm_msrpm)
		goto nomem;
	memset(svm_iopm, 0xff, IOPM_PAGES * PAGE_SIZE);
	memset(svm_msrpm, 0xff, MSRPM_PAGES * PAGE_SIZE);

	for_each_possible_cpu(cpu) {
		struct svm_cpu *sd = per_cpu_ptr(&svm_cpu, cpu);

		sd->hsave = (void *)get_zeroed_page(GFP_KERNEL);
		sd->host_vmcb = (void *)get_zeroed_page(GFP_KERNEL);
		if (!sd->hsave || !sd->host_vmcb)
			goto nomem;
		sd->host_vmcb_pa = __pa(sd->host_vmcb);
	}
	return 0;
nomem:
	svm_teardown();
	return -ENOMEM;
}

static int svm_hardware_enable(void)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu);
	u32 lo, hi;

	rdmsr(MSR_EFER, lo, hi);
	if (lo & EFER_SVME)
		return -EBUSY;	/* kvm_amd or another hypervisor has it */
	wrmsr(MSR_EFER, lo | EFER_SVME, hi);
	write_msr(MSR_VM_HSAVE_PA, __pa(sd->hsave));
	/*
	 * ASIDs used before (by us earlier, or another hypervisor) may have
	 * TLB entries left: start a generation that flushes them first.
	 */
	sd->asid_generation++;
	sd->next_asid = hv_caps.nr_asids + 1;
	return 0;
}

static void svm_hardware_disable(void)
{
	u32 lo, hi;

	write_msr(MSR_VM_HSAVE_PA, 0);
	rdmsr(MSR_EFER, lo, hi);
	wrmsr(MSR_EFER, lo & ~EFER_SVME, hi);
}

static u16 svm_seg_attrib(const struct kvm_segment *s)
{
	if (s->unusable)
		return 0;
	return (s->type & SEG_ATTR_TYPE_MASK) | (s->s ? SEG_ATTR_S : 0) |
	       (s->dpl & 3) << SEG_ATTR_DPL_SHIFT |
	       (s->present ? SEG_ATTR_P : 0) | (s->avl ? SEG_ATTR_AVL : 0) |
	       (s->l ? SEG_ATTR_L : 0) | (s->db ? SEG_ATTR_DB : 0) |
	       (s->g ? SEG_ATTR_G : 0);
}

static void svm_set_seg(struct vmcb_seg *v, const struct kvm_segment *s)
{
	v->selector = s->selector;
	v->base = s->base;
	v->limit = s->limit;
	v->attrib = svm_seg_attrib(s);
}

static void svm_get_seg(const struct vmcb_seg *v, struct kvm_segment *s)
{
	u16 a = v->attrib;

	s->selector = v->selector;
	s->base = v->base;
	s->limit = v->limit;
	s->type = a & SEG_ATTR_TYPE_MASK;
	s->s = !!(a & SEG_ATTR_S);
	s->dpl = (a >> SEG_ATTR_DPL_SHIFT) & 3;
	s->present = !!(a & SEG_ATTR_P);
	s->avl = !!(a & SEG_ATTR_AVL);
	s->l = !!(a & SEG_ATTR_L);
	s->db = !!(a & SEG_ATTR_DB);
	s->g = !!(a & SEG_ATTR_G);
	s->unusable = !s->present;
}

static void svm_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs)
{
	struct svm_vcpu *svm = vcpu->vendor;
	struct vmcb_save *save = &svm->vmcb->save;

	svm_get_seg(&save->cs, &sregs->cs);
	svm_get_seg(&save->ds, &sregs->ds);
	svm_get_seg(&save->es, &sregs->es);
	svm_get_seg(&save->fs, &sregs->fs);
	svm_get_seg(&save->gs, &sregs->gs);
	svm_get_seg(&save->ss, &sregs->ss);
	svm_get_seg(&save->tr, &sregs->tr);
	svm_get_seg(&save->ldtr, &sregs->ldt);
	sregs->gdt.base = save->gdtr.base;
	sregs->gdt.limit = save->gdtr.limit;
	sregs->idt.base = save->idtr.base;
	sregs->idt.limit = save->idtr.limit;
	sregs->cr0 = save->cr0;
	sregs->cr2 = save->cr2;
	sregs->cr3 = save->cr3;
	sregs->cr4 = save->cr4;
	sregs->cr8 = svm->vmcb->control.int_ctl & 0xf;
	/* EFER.SVME is ours, not the guest's (APM "Enabling SVM"). */
	sregs->efer = save->efer & ~EFER_SVME;
}

static int svm_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs)
{
	struct svm_vcpu *svm = vcpu->vendor;
	struct vmcb_save *save = &svm->vmcb->save;

	svm_set_seg(&save->cs, &sregs->cs);
	svm_set_seg(&save->ds, &sregs->ds);
	svm_set_seg(&save->es, &sregs->es);
	svm_set_seg(&save->fs, &sregs->fs);
	svm_set_seg(&save->gs, &sregs->gs);
	svm_set_seg(&save->ss, &sregs->ss);
	svm_set_seg(&save->tr, &sregs->tr);
	svm_set_seg(&save->ldtr, &sregs->ldt);
	/* The CPL is SS.DPL (APM "VMCB State Save Area"), 0 in real mode. */
	save->cpl = sregs->cr0 & X86_CR0_PE ? sregs->ss.dpl & 3 : 0;
	save->gdtr.base = sregs->gdt.base;
	save->gdtr.limit = sregs->gdt.limit;
	save->idtr.base = sregs->idt.base;
	save->idtr.limit = sregs->idt.limit;
	save->cr0 = sregs->cr0;
	save->cr2 = sregs->cr2;
	save->cr3 = sregs->cr3;
	save->cr4 = sregs->cr4;
	save->efer = sregs->efer | EFER_SVME;
	svm->vmcb->control.int_ctl = (svm->vmcb->control.int_ctl & ~0xfU) |
				     (sregs->cr8 & 0xf);
	return 0;
}

static void svm_queue_exception(struct vcpu *vcpu, u8 vector, bool has_error,
				u32 error)
{
	struct svm_vcpu *svm = vcpu->vendor;

	svm->vmcb->control.event_inj = vector | EVTINJ_TYPE_EXCEPTION |
		EVTINJ_VALID | (has_error ? EVTINJ_ERROR_VALID |
			       (u64)error << 32 : 0);
}

static bool svm_interrupt_allowed(struct vcpu *vcpu)
{
	struct vmcb *vmcb = ((struct svm_vcpu *)vcpu->vendor)->vmcb;

	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !(vmcb->control.int_state & INT_STATE_SHADOW) &&
	       !(vmcb->control.event_inj & EVTINJ_VALID);
}

static void svm_clear_interrupt_shadow(struct vcpu *vcpu)
{
	struct vmcb *vmcb = ((struct svm_vcpu *)vcpu->vendor)->vmcb;

	vmcb->control.int_state &= ~INT_STATE_SHADOW;
}

static bool svm_nmi_allowed(struct vcpu *vcpu)
{
	struct svm_vcpu *svm = vcpu->vendor;
	struct vmcb *vmcb = svm->vmcb;

	if (svm->awaiting_iret && vcpu->rip != svm->iret_rip)
		svm->awaiting_iret = false;	/* the IRET has retired */
	return !svm->nmi_masked && !svm->awaiting_iret &&
	       !(vmcb->control.int_state & INT_STATE_SHADOW) &&
	       !(vmcb->control.event_inj & EVTINJ_VALID);
}

static void svm_inject_nmi(struct vcpu *vcpu)
{
	struct svm_vcpu *svm = vcpu->vendor;

	svm->vmcb->control.event_inj = NMI_VECTOR | EVTINJ_TYPE_NMI |
				       EVTINJ_VALID;
	svm->nmi_masked = true;
	svm->vmcb->control.intercept_misc1 |= INTERCEPT_IRET;
}

static void svm_get_events(struct vcpu *vcpu, struct kvm_vcpu_events *ev)
{
	struct svm_vcpu *svm = vcpu->vendor;
	struct vmcb_control *c = &svm->vmcb->control;
	u64 event = c->event_inj;
	u8 vector = event & EVTINJ_VECTOR_MASK;

	if (event & EVTINJ_VALID) {
		switch (event & EVTINJ_TYPE_MASK) {
		case EVTINJ_TYPE_EXCEPTION:
			ev->exception.injected = 1;
			ev->exception.nr = vector;
			ev->exception.has_error_code =
				!!(event & EVTINJ_ERROR_VALID);
			ev->exception.error_code = event >> 32;
			break;
		case EVTINJ_TYPE_NMI:
			ev->nmi.injected = 1;
			break;
		case EVTINJ_TYPE_INTR:
			ev->interrupt.injected = 1;
			ev->interrupt.nr = vector;
			break;
		}
	}
	if (c->int_state & INT_STATE_SHADOW)
		ev->interrupt.shadow = KVM_X86_SHADOW_INT_STI |
				       KVM_X86_SHADOW_INT_MOV_SS;
	ev->nmi.masked = svm->nmi_masked;
}

static void svm_set_events(struct vcpu *vcpu,
			   const struct kvm_vcpu_events *ev)
{
	struct svm_vcpu *svm = vcpu->vendor;
	struct vmcb_control *c = &svm->vmcb->control;

	c->event_inj = 0;
	if (ev->exception.injected)
		svm_queue_exception(vcpu, ev->exception.nr,
				    ev->exception.has_error_code,
				    ev->exception.error_code);
	else if (ev->nmi.injected)
		c->event_inj = NMI_VECTOR | EVTINJ_TYPE_NMI | EVTINJ_VALID;
	if (ev->interrupt.shadow)
		c->int_state |= INT_STATE_SHADOW;
	else
		c->int_state &= ~INT_STATE_SHADOW;
	svm->nmi_masked = ev->nmi.masked;
	if (svm->nmi_masked)
		c->intercept_misc1 |= INTERCEPT_IRET;
}

static void svm_inject_irq(struct vcpu *vcpu, u8 vector)
{
	struct vmcb *vmcb = ((struct svm_vcpu *)vcpu->vendor)->vmcb;

	vmcb->control.event_inj = vector | EVTINJ_TYPE_INTR | EVTINJ_VALID;
}

/*
 * APM "Virtual Interrupt Intercept": a virtual interrupt pending with
 * V_IRQ exits through the VINTR intercept the moment the guest could take
 * it, before it is delivered; that moment is the window.
 */
static void svm_enable_irq_window(struct vcpu *vcpu)
{
	struct vmcb *vmcb = ((struct svm_vcpu *)vcpu->vendor)->vmcb;

	vmcb->control.int_ctl |= V_IRQ | V_IGN_TPR;
	vmcb->control.int_vector = 0;
	vmcb->control.intercept_misc1 |= INTERCEPT_VINTR;
}

/* The architectural state at RESET (APM "Initial Processor State"). */
void svm_init_vmcb(struct vcpu *vcpu, struct vmcb *vmcb)
{
	struct vmcb_control *c = &vmcb->control;
	struct vmcb_save *s = &vmcb->save;
	struct vmcb_seg *seg;

	/* Every DR read and write: see debugreg.c. */
	c->intercept_dr = 0x00ff00ff;
	c->intercept_exceptions = BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC);
	c->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI |
		INTERCEPT_INIT | INTERCEPT_RDPMC | INTERCEPT_CPUID |
		INTERCEPT_RSM | INTERCEPT_INVD | INTERCEPT_PAUSE |
		INTERCEPT_HLT | INTERCEPT_INVLPGA | INTERCEPT_IOIO_PROT |
		INTERCEPT_MSR_PROT | INTERCEPT_TASK_SWITCH |
		INTERCEPT_SHUTDOWN;
	/* VMRUN must be intercepted, or VMRUN itself fails its checks. */
	c->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL |
		INTERCEPT_VMLOAD | INTERCEPT_VMSAVE | INTERCEPT_STGI |
		INTERCEPT_CLGI | INTERCEPT_SKINIT | INTERCEPT_RDTSCP |
		INTERCEPT_WBINVD | INTERCEPT_MONITOR | INTERCEPT_MWAIT |
		INTERCEPT_XSETBV | INTERCEPT_RDPRU;
	c->iopm_base_pa = __pa(svm_iopm);
	c->msrpm_base_pa = __pa(svm_msrpm);
	/* The guest's IF masks only virtual interrupts; host ones exit. */
	c->int_ctl = V_INTR_MASKING;
	c->nested_ctl = NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = __pa(vcpu->vm->s2.root);

	/* Data segments: base 0, limit 64K, read/write, accessed. */
	for (seg = &s->es; seg <= &s->gs; seg++)
		*seg = (struct vmcb_seg){ .limit = 0xffff,
					  .attrib = SEG_ATTR_P | SEG_ATTR_S | 3 };
	/* CS: F000:FFF0 with base FFFF0000, the reset vector. */
	s->cs.selector = 0xf000;
	s->cs.base = 0xffff0000;
	s->cs.attrib = SEG_ATTR_P | SEG_ATTR_S | 0xb;
	s->gdtr.limit = 0xffff;
	s->idtr.limit = 0xffff;
	s->ldtr.limit = 0xffff;
	s->ldtr.attrib = SEG_ATTR_P | 2;
	s->tr.limit = 0xffff;
	s->tr.attrib = SEG_ATTR_P | 0xb;
	s->cr0 = X86_CR0_ET | X86_CR0_NW | X86_CR0_CD;
	s->efer = EFER_SVME;
	s->dr6 = DR6_RESERVED;
	s->dr7 = DR7_RESET;
	s->g_pat = DEFAULT_PAT;

	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
}

static int svm_vcpu_create(struct vcpu *vcpu)
{
	struct svm_vcpu *svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);

	if (!svm)
		return -ENOMEM;
	svm->vmcb = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!svm->vmcb) {
		kfree(svm);
		return -ENOMEM;
	}
	svm->vmcb_pa = __pa(svm->vmcb);
	svm->asid_cpu = -1;
	vcpu->vendor = svm;
	svm_init_vmcb(vcpu, svm->vmcb);
	return 0;
}

static void svm_vcpu_free(struct vcpu *vcpu)
{
	struct svm_vcpu *svm = vcpu->vendor;

	free_page((unsigned long)svm->vmcb);
	kfree(svm);
}

/*
 * ASIDs are handed out per CPU (APM "TLB Control"): a vCPU that moved,
 * or whose TLB entries must go, takes a fresh one; when a CPU runs out,
 * it starts a new generation with a flush of every ASID.
 */
static void svm_assign_asid(struct vcpu *vcpu, struct svm_cpu *sd, int cpu)
{
	struct svm_vcpu *svm = vcpu->vendor;
	bool flush = test_and_clear_bit(VCPU_REQ_TLB_FLUSH, &vcpu->requests);
	struct vmcb_control *c = &svm->vmcb->control;

	c->tlb_control = TLB_CONTROL_DO_NOTHING;
	if (svm->asid_cpu == cpu && svm->asid_generation ==
	    sd->asid_generation && !flush)
		return;
	if (sd->next_asid > hv_caps.nr_asids) {
		sd->asid_generation++;
		sd->next_asid = 1;
		c->tlb_control = TLB_CONTROL_FLUSH_ALL;
	}
	c->asid = sd->next_asid++;
	svm->asid_cpu = cpu;
	svm->asid_generation = sd->asid_generation;
}

/*
 * An event whose delivery the exit interrupted is delivered again
 * (APM "Event Injection"), except one raised by an instruction: INTn,
 * INT3, INTO. RIP still points at that instruction, and injecting it
 * would push RIP instead of the next one (we may not know where that is
 * without NRIP-save): the guest executes the instruction once more.
 */
static u64 svm_event_to_reinject(struct vmcb *vmcb)
{
	u64 event = vmcb->control.exit_int_info;
	u8 vector = event & EVTINJ_VECTOR_MASK;

	if (!(event & EVTINJ_VALID))
		return 0;
	switch (event & EVTINJ_TYPE_MASK) {
	case EVTINJ_TYPE_SOFT:
		return 0;
	case EVTINJ_TYPE_EXCEPTION:
		if (vector == X86_TRAP_BP || vector == X86_TRAP_OF)
			return 0;
		break;
	}
	return event;
}

/* Called with IRQs off: see vcpu_enter_guest(). */
static void svm_vcpu_run(struct vcpu *vcpu)
{
	struct svm_cpu *sd = this_cpu_ptr(&svm_cpu);
	struct svm_vcpu *svm = vcpu->vendor;
	struct vmcb *vmcb = svm->vmcb;

	svm_assign_asid(vcpu, sd, smp_processor_id());
	vmcb->save.rax = vcpu->gprs[GPR_RAX];
	vmcb->save.rsp = vcpu->gprs[GPR_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	vmcb->control.tsc_offset = vcpu->tsc_offset;
	vmcb->control.clean = 0;

	/*
	 * APM "Global Interrupt Flag": with GIF clear, IF may be set so
	 * that a host interrupt arriving in the guest makes it exit; it is
	 * taken when GIF and IF come back after the exit.
	 */
	asm volatile("clgi" ::: "memory");
	local_irq_enable();
	svm_vmrun(vcpu->gprs, svm->vmcb_pa, sd->host_vmcb_pa);
	local_irq_disable();
	asm volatile("stgi" ::: "memory");

	/* #VMEXIT disables all breakpoints; give the host's back. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();

	vcpu->gprs[GPR_RAX] = vmcb->save.rax;
	vcpu->gprs[GPR_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;

	vmcb->control.event_inj = svm_event_to_reinject(vmcb);

	svm_decode_exit(vcpu, vmcb);
}

static u64 *svm_msr_slot(struct vmcb_save *s, u32 index)
{
	switch (index) {
	case MSR_STAR: return &s->star;
	case MSR_LSTAR: return &s->lstar;
	case MSR_CSTAR: return &s->cstar;
	case MSR_SYSCALL_MASK: return &s->sfmask;
	case MSR_KERNEL_GS_BASE: return &s->kernel_gs_base;
	case MSR_IA32_SYSENTER_CS: return &s->sysenter_cs;
	case MSR_IA32_SYSENTER_ESP: return &s->sysenter_esp;
	case MSR_IA32_SYSENTER_EIP: return &s->sysenter_eip;
	case MSR_FS_BASE: return &s->fs.base;
	case MSR_GS_BASE: return &s->gs.base;
	case MSR_IA32_CR_PAT: return &s->g_pat;
	default: return NULL;
	}
}

static int svm_get_msr(struct vcpu *vcpu, u32 index, u64 *data)
{
	struct svm_vcpu *svm = vcpu->vendor;
	u64 *slot = svm_msr_slot(&svm->vmcb->save, index);

	if (index == MSR_EFER) {
		*data = svm->vmcb->save.efer & ~EFER_SVME;
		return 0;
	}
	if (!slot)
		return -ENOENT;
	*data = *slot;
	return 0;
}

static int svm_set_msr(struct vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct vmcb_save *s = &((struct svm_vcpu *)vcpu->vendor)->vmcb->save;
	u64 *slot = svm_msr_slot(s, index);

	if (index == MSR_EFER) {	/* checked by msr.c */
		s->efer = data | EFER_SVME;
		return 0;
	}
	if (!slot)
		return -ENOENT;
	*slot = data;
	return 0;
}

/* NPT entries are x86 page-table entries; all guest accesses are "user". */
#define NPT_PRESENT	BIT_ULL(0)
#define NPT_WRITABLE	BIT_ULL(1)
#define NPT_USER	BIT_ULL(2)
#define NPT_ACCESSED	BIT_ULL(5)
#define NPT_DIRTY	BIT_ULL(6)

static u64 svm_s2_table_entry(phys_addr_t table)
{
	return table | NPT_PRESENT | NPT_WRITABLE | NPT_USER | NPT_ACCESSED;
}

static u64 svm_s2_leaf_entry(u64 pfn, bool writable)
{
	return pfn << PAGE_SHIFT | NPT_PRESENT | NPT_USER | NPT_ACCESSED |
	       (writable ? NPT_WRITABLE | NPT_DIRTY : 0);
}

static bool svm_s2_present(u64 entry)
{
	return entry & NPT_PRESENT;
}

const struct hv_ops svm_ops = {
	.name = "svm",
	.ident = svm_ident,
	.probe = svm_probe,
	.setup = svm_setup,
	.teardown = svm_teardown,
	.hardware_enable = svm_hardware_enable,
	.hardware_disable = svm_hardware_disable,
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
	.vcpu_run = svm_vcpu_run,
	.get_sregs = svm_get_sregs,
	.set_sregs = svm_set_sregs,
	.queue_exception = svm_queue_exception,
	.interrupt_allowed = svm_interrupt_allowed,
	.nmi_allowed = svm_nmi_allowed,
	.inject_nmi = svm_inject_nmi,
	.get_events = svm_get_events,
	.set_events = svm_set_events,
	.clear_interrupt_shadow = svm_clear_interrupt_shadow,
	.inject_irq = svm_inject_irq,
	.enable_irq_window = svm_enable_irq_window,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.s2_table_entry = svm_s2_table_entry,
	.s2_leaf_entry = svm_s2_leaf_entry,
	.s2_present = svm_s2_present,
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Intel VMX backend: VMX operation per CPU, the life of a VMCS across
 * CPUs, and guest entry. Guest state lives in state.c, events in
 * events.c, exit decoding in exit.c.
 */
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/hw_breakpoint.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/user-return-notifier.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include "../hv_ops.h"
#include "../kvmlite.h"
#include "../msr.h"
#include "../vm.h"
#include "caps.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_hw.h"

#define DEFAULT_PAT		0x0007040600070406ULL
#define DR7_RESET		0x400

/*
 * The syscall MSRs and TSC_AUX are not in the VMCS. The host kernel has
 * no use for them until it returns to user mode (SYSCALL, RDTSCP and
 * RDPID are user mode's; the kernel's entry code finds its CPU without
 * RDPID), so the guest's values stay loaded across exits and the host's
 * come back on the way to user mode, through a user-return notifier.
 */
enum { URN_STAR, URN_LSTAR, URN_CSTAR, URN_SFMASK, URN_TSC_AUX, NR_URN_MSRS };

static const u32 urn_msr_index[NR_URN_MSRS] = {
	[URN_STAR] = MSR_STAR,
	[URN_LSTAR] = MSR_LSTAR,
	[URN_CSTAR] = MSR_CSTAR,
	[URN_SFMASK] = MSR_SYSCALL_MASK,
	[URN_TSC_AUX] = MSR_TSC_AUX,
};

struct vmx_cpu {
	void *vmxon_region;
	void *current_vmcs;		/* the VMCS VMPTRLD made current */
	struct list_head loaded;	/* VMCSs active on this CPU */
	struct user_return_notifier urn;
	bool urn_active;		/* some urn_cur differs from urn_host */
	u64 urn_host[NR_URN_MSRS];
	u64 urn_cur[NR_URN_MSRS];	/* what the CPU holds now */
};

static DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu);

struct vmx_config vmx_config;

/* Everything exits: shared by every VMCS, never written after setup. */
static void *vmx_io_bitmaps, *vmx_msr_bitmap;

/* VPID 0 is the host's. */
static DEFINE_SPINLOCK(vpid_lock);
static unsigned long *vpid_bitmap;
#define NR_VPIDS	(1 << 16)

static bool vmx_ident(void)
{
	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_INTEL:
	case X86_VENDOR_CENTAUR:
	case X86_VENDOR_ZHAOXIN:
		return true;
	default:
		return false;
	}
}

/*
 * Read the capability MSRs in dependency order: each one exists only if
 * an earlier one says so (SDM Vol. 3, Appendix A "VMX Capability
 * Reporting Facility"); the ones that do not exist stay 0.
 */
static bool vmx_read_cap_msrs(struct vmx_cap_msrs *m)
{
	bool true_ctls;

	if (!read_msr_safe(MSR_FEATURE_CONTROL, &m->feature_control) ||
	    !read_msr_safe(MSR_VMX_BASIC, &m->basic))
		return false;

	true_ctls = m->basic & VMX_BASIC_HAS_TRUE_CTLS;
	if (!read_msr_safe(true_ctls ? MSR_VMX_TRUE_PINBASED_CTLS :
			  MSR_VMX_PINBASED_CTLS, &m->pinbased) ||
	    !read_msr_safe(true_ctls ? MSR_VMX_TRUE_PROCBASED_CTLS :
			  MSR_VMX_PROCBASED_CTLS, &m->procbased) ||
	    !read_msr_safe(true_ctls ? MSR_VMX_TRUE_EXIT_CTLS :
			  MSR_VMX_EXIT_CTLS, &m->exit) ||
	    !read_msr_safe(true_ctls ? MSR_VMX_TRUE_ENTRY_CTLS :
			  MSR_VMX_ENTRY_CTLS, &m->entry))
		return false;

	if (!((m->procbased >> 32) & CPU_ACTIVATE_SECONDARY_CONTROLS))
		return true;
	if (!read_msr_safe(MSR_VMX_PROCBASED_CTLS2, &m->procbased2))
		return false;

	if (!((m->procbased2 >> 32) & (CPU2_ENABLE_EPT | CPU2_ENABLE_VPID)))
		return true;
	return read_msr_safe(MSR_VMX_EPT_VPID_CAP, &m->ept_vpid_cap);
}

static int vmx_probe(struct hv_caps *caps)
{
	struct vmx_cap_msrs msrs = { .cpuid1_ecx = cpuid_ecx(1) };

	if ((msrs.cpuid1_ecx & CPUID_1_ECX_VMX) &&
	    !vmx_read_cap_msrs(&msrs)) {
		caps->missing = "readable VMX capability MSRs";
		return -EIO;
	}
#ifdef X86_FEATURE_FRED
	/* Host interrupts acknowledged on exit are dispatched via the IDT. */
	if (cpu_feature_enabled(X86_FEATURE_FRED)) {
		caps->vendor = KVMLITE_VENDOR_INTEL_VMX;
		caps->missing = "an IDT-based host (FRED is on)";
		return -EOPNOTSUPP;
	}
#endif
	return vmx_caps_evaluate(&msrs, caps);
}

/*
 * A control field takes what we want, plus what the CPU forces to 1,
 * minus what it cannot set (SDM Appendix A.3). The probe made sure that
 * everything required survives; optional bits may drop out here.
 */
static u32 vmx_adjust_controls(u64 cap_msr, u32 want)
{
	return (want | (u32)cap_msr) & (u32)(cap_msr >> 32);
}

static void vmx_compute_config(const struct vmx_cap_msrs *m)
{
	struct vmx_config *c = &vmx_config;

	c->revision = m->basic & VMX_BASIC_REVISION_MASK;
	c->io_insn_info = m->basic & VMX_BASIC_INOUT_INFO;
	c->pin = vmx_adjust_controls(m->pinbased,
				     PIN_EXTERNAL_INTERRUPT_EXITING |
				     PIN_NMI_EXITING | PIN_VIRTUAL_NMIS);
	c->cpu = vmx_adjust_controls(m->procbased,
				     CPU_HLT_EXITING | CPU_USE_TSC_OFFSETTING |
				     CPU_MWAIT_EXITING | CPU_RDPMC_EXITING |
				     CPU_CR8_LOAD_EXITING |
				     CPU_CR8_STORE_EXITING |
				     CPU_MOV_DR_EXITING | CPU_USE_IO_BITMAPS |
				     CPU_USE_MSR_BITMAPS |
				     CPU_MONITOR_EXITING | CPU_PAUSE_EXITING |
				     CPU_ACTIVATE_SECONDARY_CONTROLS);
	/*
	 * RDTSCP runs in the guest with its own TSC_AUX (switched around
	 * entry); without the control it would be #UD though CPUID offers
	 * it. INVPCID and XSAVES stay off: #UD, as CPUID says.
	 */
	c->cpu2 = vmx_adjust_controls(m->procbased2,
				      CPU2_ENABLE_EPT | CPU2_ENABLE_VPID |
				      CPU2_UNRESTRICTED_GUEST |
				      CPU2_ENABLE_RDTSCP);
	c->exit = vmx_adjust_controls(m->exit,
				      EXIT_HOST_ADDRESS_SPACE_SIZE |
				      EXIT_ACK_INTERRUPT_ON_EXIT |
				      EXIT_SAVE_DEBUG_CONTROLS |
				      EXIT_SAVE_PAT | EXIT_LOAD_PAT |
				      EXIT_SAVE_EFER | EXIT_LOAD_EFER);
	c->entry = vmx_adjust_controls(m->entry, ENTRY_LOAD_DEBUG_CONTROLS |
				       ENTRY_LOAD_PAT | ENTRY_LOAD_EFER);
	c->ept_ad = m->ept_vpid_cap & EPT_CAP_AD_FLAGS;
	c->invept_single = m->ept_vpid_cap & EPT_CAP_INVEPT_SINGLE;
	c->cr0_fixed0 = read_msr(MSR_VMX_CR0_FIXED0);
	c->cr0_fixed1 = read_msr(MSR_VMX_CR0_FIXED1);
	c->cr4_fixed0 = read_msr(MSR_VMX_CR4_FIXED0);
	c->cr4_fixed1 = read_msr(MSR_VMX_CR4_FIXED1);
}

static void vmx_teardown(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpu, cpu);

		free_page((unsigned long)vc->vmxon_region);
		vc->vmxon_region = NULL;
	}
	free_pages((unsigned long)vmx_io_bitmaps, 1);
	free_page((unsigned long)vmx_msr_bitmap);
	bitmap_free(vpid_bitmap);
}

static int vmx_setup(void)
{
	struct vmx_cap_msrs msrs = { .cpuid1_ecx = cpuid_ecx(1) };
	int cpu;

	if (!vmx_read_cap_msrs(&msrs))
		return -EIO;
	vmx_compute_config(&msrs);

	vmx_io_bitmaps = (void *)__get_free_pages(GFP_KERNEL, 1);
	vmx_msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	vpid_bitmap = bitmap_zalloc(NR_VPIDS, GFP_KERNEL);
	if (!vmx_io_bitmaps || !vmx_msr_bitmap || !vpid_bitmap)
		goto nomem;
	memset(vmx_io_bitmaps, 0xff, 2 * PAGE_SIZE);
	memset(vmx_msr_bitmap, 0xff, PAGE_SIZE);
	set_bit(0, vpid_bitmap);

	for_each_possible_cpu(cpu) {
		struct vmx_cpu *vc = per_cpu_ptr(&vmx_cpu, cpu);

		vc->vmxon_region = (void *)get_zeroed_page(GFP_KERNEL);
		if (!vc->vmxon_region)
			goto nomem;
		*(u32 *)vc->vmxon_region = vmx_config.revision;
		INIT_LIST_HEAD(&vc->loaded);
	}
	return 0;
nomem:
	vmx_teardown();
	return -ENOMEM;
}

/* Back to user mode (or VMX off): the host's values return. */
static void vmx_user_return(struct user_return_notifier *urn)
{
	struct vmx_cpu *vc = container_of(urn, struct vmx_cpu, urn);
	unsigned long flags;
	int i;

	local_irq_save(flags);
	if (vc->urn_active) {
		user_return_notifier_unregister(urn);
		vc->urn_active = false;
		for (i = 0; i < NR_URN_MSRS; i++) {
			if (vc->urn_cur[i] != vc->urn_host[i]) {
				write_msr(urn_msr_index[i], vc->urn_host[i]);
				vc->urn_cur[i] = vc->urn_host[i];
			}
		}
	}
	local_irq_restore(flags);
}

/* TSC_AUX exists for the guest only with RDTSCP enabled. */
static bool urn_msr_used(int i)
{
	return i != URN_TSC_AUX || (vmx_config.cpu2 & CPU2_ENABLE_RDTSCP);
}

/*
 * SDM Vol. 3 "Enabling and Entering VMX Operation": CR4.VMXE, then
 * VMXON. CR4.VMXE already set means another hypervisor (kvm_intel) is
 * in VMX operation here: it is theirs, and we stay out.
 */
static int vmx_hardware_enable(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	int i;

	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;
	cr4_set_bits(X86_CR4_VMXE);
	if (!vmx_vmxon(__pa(vc->vmxon_region))) {
		cr4_clear_bits(X86_CR4_VMXE);
		return -EBUSY;
	}
	vc->current_vmcs = NULL;
	vc->urn.on_user_return = vmx_user_return;
	for (i = 0; i < NR_URN_MSRS; i++) {
		if (urn_msr_used(i))
			vc->urn_host[i] = read_msr(urn_msr_index[i]);
		vc->urn_cur[i] = vc->urn_host[i];
	}
	/* Guest-physical mappings of an earlier VMX user may linger. */
	vmx_invept(INVEPT_ALL_CONTEXT, 0);
	return 0;
}

/* Runs on the VMCS's CPU with IRQs off: locally, by IPI or at disable. */
static void vmx_vmcs_clear_local(void *arg)
{
	struct vmx_vcpu *vmx = arg;
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	if (READ_ONCE(vmx->cpu) != smp_processor_id())
		return;		/* cleared meanwhile */
	vmx_vmclear(vmx->vmcs_pa);
	if (vc->current_vmcs == vmx->vmcs)
		vc->current_vmcs = NULL;
	list_del(&vmx->loaded);
	vmx->launched = false;
	/* The VMCS is in memory now, before another CPU may load it. */
	smp_store_release(&vmx->cpu, -1);
}

/*
 * SDM "VMCS Data Integrity"/"Software Use of the VMCS and Related
 * Structures": a VMCS active on one CPU must be VMCLEARed there before
 * another CPU loads it.
 */
static void vmx_vmcs_clear(struct vmx_vcpu *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_vmcs_clear_local, vmx, 1);
}

/* IRQs off (hwvirt.c): no clearing IPI walks the list meanwhile. */
static void vmx_hardware_disable(void)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	struct vmx_vcpu *vmx, *tmp;

	list_for_each_entry_safe(vmx, tmp, &vc->loaded, loaded)
		vmx_vmcs_clear_local(vmx);
	vmx_user_return(&vc->urn);
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
}

/* Host state that differs between CPUs: set when a VMCS arrives on one. */
static void vmx_set_host_cpu_state(int cpu)
{
	u64 msr;

	vmcs_write(VMCS_HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(VMCS_HOST_GDTR_BASE, (unsigned long)get_current_gdt_ro());
	msr = read_msr(MSR_IA32_SYSENTER_ESP);
	vmcs_write(VMCS_HOST_SYSENTER_ESP, msr);
	msr = read_msr(MSR_GS_BASE);
	vmcs_write(VMCS_HOST_GS_BASE, msr);
}

/*
 * Make the vCPU's VMCS current on this CPU (preemption off, IRQs on).
 * Cheap when it already is; after a move it is cleared on the old CPU
 * first, and the new CPU may hold stale guest-physical mappings of this
 * EPT root from an earlier stay: flush before the next entry.
 */
void vmx_vmcs_load(struct vcpu *vcpu)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int cpu = smp_processor_id();
	bool moved = READ_ONCE(vmx->cpu) != cpu;

	if (moved) {
		vmx_vmcs_clear(vmx);
		local_irq_disable();
		list_add(&vmx->loaded, &vc->loaded);
		WRITE_ONCE(vmx->cpu, cpu);
		local_irq_enable();
		set_bit(VCPU_REQ_TLB_FLUSH, &vcpu->requests);
	}
	if (vc->current_vmcs != vmx->vmcs) {
		/* Another guest's branch predictions are not for this one. */
		indirect_branch_prediction_barrier();
		vmx_vmptrld(vmx->vmcs_pa);
		vc->current_vmcs = vmx->vmcs;
	}
	if (moved)
		vmx_set_host_cpu_state(cpu);
}

/* Accessors outside KVM_RUN's entry path pin the CPU around VMCS use. */
void vmx_vmcs_get(struct vcpu *vcpu)
{
	preempt_disable();
	vmx_vmcs_load(vcpu);
}

void vmx_vmcs_put(void)
{
	preempt_enable();
}

static void vmx_flush_guest_tlb(struct vmx_vcpu *vmx)
{
	if (vmx_config.invept_single)
		vmx_invept(INVEPT_SINGLE_CONTEXT, vmx->eptp);
	else
		vmx_invept(INVEPT_ALL_CONTEXT, 0);
}

/* Host state that is the same on every CPU and for the module's life. */
static void vmx_init_host_state(void)
{
	struct desc_ptr idt;
	u64 msr;

	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmcs_write(VMCS_HOST_CS_SEL, __KERNEL_CS);
	vmcs_write(VMCS_HOST_SS_SEL, __KERNEL_DS);
	vmcs_write(VMCS_HOST_DS_SEL, 0);
	vmcs_write(VMCS_HOST_ES_SEL, 0);
	vmcs_write(VMCS_HOST_TR_SEL, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_write(VMCS_HOST_IDTR_BASE, idt.address);
	msr = read_msr(MSR_IA32_SYSENTER_CS);
	vmcs_write(VMCS_HOST_SYSENTER_CS, msr);
	msr = read_msr(MSR_IA32_SYSENTER_EIP);
	vmcs_write(VMCS_HOST_SYSENTER_EIP, msr);
	msr = read_msr(MSR_IA32_CR_PAT);
	vmcs_write(VMCS_HOST_PAT, msr);
	msr = read_msr(MSR_EFER);
	vmcs_write(VMCS_HOST_EFER, msr);
	vmcs_write(VMCS_HOST_RIP, (unsigned long)vmx_vmexit);
}

static void vmx_init_controls(struct vmx_vcpu *vmx)
{
	const struct vmx_config *c = &vmx_config;

	vmcs_write(VMCS_PIN_CONTROLS, c->pin);
	vmcs_write(VMCS_CPU_CONTROLS, c->cpu);
	vmcs_write(VMCS_CPU_CONTROLS2, c->cpu2);
	vmcs_write(VMCS_EXIT_CONTROLS, c->exit);
	vmcs_write(VMCS_ENTRY_CONTROLS, c->entry);
	vmcs_write(VMCS_EXCEPTION_BITMAP, BIT(X86_TRAP_DB) | BIT(X86_TRAP_AC));
	vmcs_write(VMCS_IO_BITMAP_A, __pa(vmx_io_bitmaps));
	vmcs_write(VMCS_IO_BITMAP_B, __pa(vmx_io_bitmaps) + PAGE_SIZE);
	vmcs_write(VMCS_MSR_BITMAP, __pa(vmx_msr_bitmap));
	vmcs_write(VMCS_EPT_POINTER, vmx->eptp);
	vmcs_write(VMCS_VPID, vmx->vpid);
	vmcs_write(VMCS_LINK_POINTER, ~0ULL);
	/* Every CR0 and CR4 bit is ours: the guest reads its own values. */
	vmcs_write(VMCS_CR0_GUEST_HOST_MASK, ~0UL);
	vmcs_write(VMCS_CR4_GUEST_HOST_MASK, ~0UL);
}

/*
 * The architectural state at RESET (SDM Vol. 3 "Initialization Overview",
 * table "IA-32 and Intel 64 Processor States Following Power-up, Reset,
 * or INIT"). Called with the VMCS current.
 */
void vmx_reset_guest_state(struct vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct kvm_sregs sregs = {
		.cs = { .base = 0xffff0000, .limit = 0xffff,
			.selector = 0xf000, .type = 0xb, .present = 1, .s = 1 },
		.tr = { .limit = 0xffff, .type = 0xb, .present = 1 },
		.ldt = { .limit = 0xffff, .type = 2, .present = 1 },
		.gdt = { .limit = 0xffff },
		.idt = { .limit = 0xffff },
		.cr0 = X86_CR0_ET | X86_CR0_NW | X86_CR0_CD,
	};
	struct kvm_segment data = { .limit = 0xffff, .type = 3,
				    .present = 1, .s = 1 };

	sregs.ds = data;
	sregs.es = data;
	sregs.fs = data;
	sregs.gs = data;
	sregs.ss = data;
	vmx_reset_sregs(vcpu, &sregs);
	vmcs_write(VMCS_GUEST_DR7, DR7_RESET);
	vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_PAT, DEFAULT_PAT);
	vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_write(VMCS_GUEST_PENDING_DBG, 0);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_clear_bits(VMCS_CPU_CONTROLS, CPU_INTERRUPT_WINDOW_EXITING |
			CPU_NMI_WINDOW_EXITING);
	vmx->cr2 = 0;
	vmx->star = 0;
	vmx->lstar = 0;
	vmx->cstar = 0;
	vmx->sfmask = 0;
	vmx->kernel_gs_base = 0;
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
}

static u16 vmx_alloc_vpid(void)
{
	unsigned long vpid;

	spin_lock(&vpid_lock);
	vpid = find_first_zero_bit(vpid_bitmap, NR_VPIDS);
	if (vpid < NR_VPIDS)
		__set_bit(vpid, vpid_bitmap);
	else
		vpid = 0;
	spin_unlock(&vpid_lock);
	return vpid;
}

static void vmx_free_vpid(u16 vpid)
{
	spin_lock(&vpid_lock);
	__clear_bit(vpid, vpid_bitmap);
	spin_unlock(&vpid_lock);
}

static int vmx_vcpu_create(struct vcpu *vcpu)
{
	struct vmx_vcpu *vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);

	if (!vmx)
		return -ENOMEM;
	vmx->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vmx->vpid = vmx_alloc_vpid();
	if (!vmx->vmcs || !vmx->vpid) {
		int err = vmx->vpid ? -ENOMEM : -ENOSPC;

		if (vmx->vpid)
			vmx_free_vpid(vmx->vpid);
		free_page((unsigned long)vmx->vmcs);
		kfree(vmx);
		return err;
	}
	*(u32 *)vmx->vmcs = vmx_config.revision;
	vmx->vmcs_pa = __pa(vmx->vmcs);
	vmx->eptp = __pa(vcpu->vm->s2.root) | VMX_MEMTYPE_WB |
		    EPTP_WALK_LENGTH_4 |
		    (vmx_config.ept_ad ? EPTP_AD_ENABLE : 0);
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded);
	vcpu->vendor = vmx;

	/* SDM: VMCLEAR puts a new VMCS in the clear launch state. */
	preempt_disable();
	vmx_vmclear(vmx->vmcs_pa);
	vmx_vmcs_load(vcpu);
	vmx_init_controls(vmx);
	vmx_init_host_state();
	vmx_reset_guest_state(vcpu);
	vmx_vmcs_put();
	return 0;
}

static void vmx_vcpu_free(struct vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_vmcs_clear(vmx);
	vmx_free_vpid(vmx->vpid);
	free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
}

/*
 * Host state VM exits do not restore (SDM "Loading Host State"): the data
 * segment selectors, FS/GS with their bases when the selectors carry an
 * RPL or TI (VMX wants them 0 there), the LDT, KERNEL_GS_BASE; the GDT
 * and TSS limits are cut to 0xffff and 0x67.
 */
struct vmx_host_segs {
	u16 ds, es, fs, gs, ldt;
	unsigned long fs_base;
	u64 kernel_gs_base;
};

static void vmx_save_host_segs(struct vmx_host_segs *h)
{
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	store_ldt(h->ldt);
	h->fs_base = read_msr(MSR_FS_BASE);
	h->kernel_gs_base = read_msr(MSR_KERNEL_GS_BASE);
	vmcs_write(VMCS_HOST_FS_SEL, h->fs & 7 ? 0 : h->fs);
	vmcs_write(VMCS_HOST_GS_SEL, h->gs & 7 ? 0 : h->gs);
	vmcs_write(VMCS_HOST_FS_BASE, h->fs_base);
	vmcs_write(VMCS_HOST_CR3, __read_cr3());
	vmcs_write(VMCS_HOST_CR4, cr4_read_shadow());
}

static void vmx_restore_host_segs(const struct vmx_host_segs *h)
{
	if (h->ldt)
		asm volatile("lldt %0" : : "rm" (h->ldt));
	if (h->ds | h->es) {
		loadsegment(ds, h->ds);
		loadsegment(es, h->es);
	}
	if (h->fs & 7) {
		loadsegment(fs, h->fs);
		write_msr(MSR_FS_BASE, h->fs_base);
	}
	if (h->gs & 7)
		load_gs_index(h->gs);
	write_msr(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	load_fixmap_gdt(smp_processor_id());
	invalidate_tss_limit();
}

/* The guest's syscall MSRs and TSC_AUX, where the CPU holds others. */
static void vmx_load_guest_msrs(struct vcpu *vcpu)
{
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	const u64 guest[NR_URN_MSRS] = {
		[URN_STAR] = vmx->star,
		[URN_LSTAR] = vmx->lstar,
		[URN_CSTAR] = vmx->cstar,
		[URN_SFMASK] = vmx->sfmask,
		[URN_TSC_AUX] = vcpu->tsc_aux,
	};
	int i;

	for (i = 0; i < NR_URN_MSRS; i++) {
		if (!urn_msr_used(i) || guest[i] == vc->urn_cur[i])
			continue;
		write_msr(urn_msr_index[i], guest[i]);
		vc->urn_cur[i] = guest[i];
		if (!vc->urn_active) {
			user_return_notifier_register(&vc->urn);
			vc->urn_active = true;
		}
	}
}

/*
 * L1TF: flush the L1D before entering a guest on CPUs that leak it
 * (SDM/Intel "Deep Dive: L1 Terminal Fault"); VERW for MDS is in
 * vmenter.S.
 */
static void vmx_l1d_flush(void)
{
	if (boot_cpu_has_bug(X86_BUG_L1TF) &&
	    boot_cpu_has(X86_FEATURE_FLUSH_L1D))
		write_msr(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
}

/* Called with IRQs off and the VMCS current: see vcpu_enter_guest(). */
static void vmx_vcpu_run(struct vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_host_segs host;
	u32 reason;
	int failed;

	if (test_and_clear_bit(VCPU_REQ_TLB_FLUSH, &vcpu->requests))
		vmx_flush_guest_tlb(vmx);
	vmcs_write(VMCS_GUEST_RSP, vcpu->gprs[GPR_RSP]);
	vmcs_write(VMCS_GUEST_RIP, vcpu->rip);
	vmcs_write(VMCS_GUEST_RFLAGS, vcpu->rflags);
	vmcs_write(VMCS_TSC_OFFSET, vcpu->tsc_offset);
	vmx_save_host_segs(&host);
	vmx_load_guest_msrs(vcpu);
	/* KERNEL_GS_BASE is the task's user GS base: only for the entry. */
	write_msr(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);
	if (read_cr2() != vmx->cr2)
		write_cr2(vmx->cr2);
	vmx_l1d_flush();

	failed = vmx_vmenter(vcpu->gprs, vmx->launched);

	vmx->cr2 = read_cr2();
	vmx->kernel_gs_base = read_msr(MSR_KERNEL_GS_BASE);
	vmx_restore_host_segs(&host);
	/* A VM exit leaves DR7 at 0x400: give the host's breakpoints back. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();

	if (failed) {
		/* VMfailValid: the VMCS itself is wrong, a bug of ours. */
		vcpu->exit.reason = KVMLITE_EXIT_FAIL_ENTRY;
		vcpu->exit.hw_reason = vmcs_read32(VMCS_INSN_ERROR);
		return;
	}
	vmx->launched = true;
	reason = vmcs_read32(VMCS_EXIT_REASON);
	if (!(reason & EXIT_REASON_ENTRY_FAILED)) {
		vcpu->gprs[GPR_RSP] = vmcs_read(VMCS_GUEST_RSP);
		vcpu->rip = vmcs_read(VMCS_GUEST_RIP);
		vcpu->rflags = vmcs_read(VMCS_GUEST_RFLAGS);
		vmx_reinject_interrupted_event();
	}
	vmx_decode_exit(vcpu, reason);
}

/* EPT entries (SDM "EPT Paging-Structure Entries"). */
static u64 vmx_s2_table_entry(phys_addr_t table)
{
	return table | EPT_READ | EPT_WRITE | EPT_EXEC;
}

/*
 * Guest RAM is ordinary write-back host memory: WB, ignoring the guest's
 * PAT, so guest and host never see the same page with different types.
 * Accessed and dirty are preset where A/D flags are on, sparing the CPU
 * the update.
 */
static u64 vmx_s2_leaf_entry(u64 pfn, bool writable)
{
	u64 ad = vmx_config.ept_ad ? EPT_ACCESSED |
		 (writable ? EPT_DIRTY : 0) : 0;

	return pfn << PAGE_SHIFT | EPT_READ | EPT_EXEC |
	       (writable ? EPT_WRITE : 0) |
	       (u64)VMX_MEMTYPE_WB << EPT_MEMTYPE_SHIFT | EPT_IGNORE_PAT | ad;
}

static bool vmx_s2_present(u64 entry)
{
	return entry & (EPT_READ | EPT_WRITE | EPT_EXEC);
}

const struct hv_ops vmx_ops = {
	.name = "vmx",
	.ident = vmx_ident,
	.probe = vmx_probe,
	.setup = vmx_setup,
	.teardown = vmx_teardown,
	.hardware_enable = vmx_hardware_enable,
	.hardware_disable = vmx_hardware_disable,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_free = vmx_vcpu_free,
	.vcpu_load = vmx_vmcs_load,
	.vcpu_run = vmx_vcpu_run,
	.get_sregs = vmx_get_sregs,
	.set_sregs = vmx_set_sregs,
	.queue_exception = vmx_queue_exception,
	.interrupt_allowed = vmx_interrupt_allowed,
	.nmi_allowed = vmx_nmi_allowed,
	.inject_nmi = vmx_inject_nmi,
	.enable_nmi_window = vmx_enable_nmi_window,
	.get_events = vmx_get_events,
	.set_events = vmx_set_events,
	.clear_interrupt_shadow = vmx_clear_interrupt_shadow,
	.inject_irq = vmx_inject_irq,
	.enable_irq_window = vmx_enable_irq_window,
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
	.emulate_cr = vmx_emulate_cr,
	.s2_table_entry = vmx_s2_table_entry,
	.s2_leaf_entry = vmx_s2_leaf_entry,
	.s2_present = vmx_s2_present,
};

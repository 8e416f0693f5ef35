// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest state in the VMCS: segments, control registers, EFER and the
 * MSRs VMX switches. Every CR0 and CR4 bit belongs to us (the guest/host
 * masks are all ones): the guest reads its own values from the read
 * shadows, writes exit, and the hardware gets the guest's value with the
 * bits VMX operation fixes (SDM Vol. 3 "Guest/Host Masks and Read Shadows
 * for CR0 and CR4", "Restrictions on VMX Operation").
 */
#include <linux/kvm.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "../guest_mem.h"
#include "../kvmlite.h"
#include "vmcs.h"
#include "vmx.h"
#include "vmx_hw.h"

/* Segment fields in SEG_* order, then LDTR and TR. */
#define SEG_LDTR	6
#define SEG_TR		7

/*
 * A segment that is not present is "unusable" to VMX. A usable code or
 * data segment must have its accessed bit set, which the CPU would set
 * on first use anyway (SDM "Checks on Guest Segment Registers").
 */
static u32 vmx_seg_ar(const struct kvm_segment *s, int seg)
{
	u32 type = s->type;

	if (s->unusable || !s->present)
		return VMX_AR_UNUSABLE;
	if (s->s)
		type |= 1;
	return type | (s->s ? VMX_AR_S : 0) | (s->dpl & 3) << VMX_AR_DPL_SHIFT |
	       VMX_AR_P | (s->avl ? VMX_AR_AVL : 0) | (s->l ? VMX_AR_L : 0) |
	       (s->db ? VMX_AR_DB : 0) | (s->g ? VMX_AR_G : 0);
}

static void vmx_write_seg(int seg, const struct kvm_segment *s)
{
	vmcs_write(VMCS_GUEST_ES_SEL + 2 * seg, s->selector);
	vmcs_write(VMCS_GUEST_ES_BASE + 2 * seg, s->base);
	vmcs_write(VMCS_GUEST_ES_LIMIT + 2 * seg, s->limit);
	vmcs_write(VMCS_GUEST_ES_AR + 2 * seg, vmx_seg_ar(s, seg));
}

static void vmx_read_seg(int seg, struct kvm_segment *s)
{
	u32 ar = vmcs_read32(VMCS_GUEST_ES_AR + 2 * seg);

	s->selector = vmcs_read(VMCS_GUEST_ES_SEL + 2 * seg);
	s->base = vmcs_read(VMCS_GUEST_ES_BASE + 2 * seg);
	s->limit = vmcs_read32(VMCS_GUEST_ES_LIMIT + 2 * seg);
	s->type = ar & VMX_AR_TYPE_MASK;
	s->s = !!(ar & VMX_AR_S);
	s->dpl = (ar >> VMX_AR_DPL_SHIFT) & 3;
	s->unusable = !!(ar & VMX_AR_UNUSABLE);
	s->present = !s->unusable;
	s->avl = !!(ar & VMX_AR_AVL);
	s->l = !!(ar & VMX_AR_L);
	s->db = !!(ar & VMX_AR_DB);
	s->g = !!(ar & VMX_AR_G);
}

/*
 * The unrestricted guest may run with CR0.PE and CR0.PG clear; every other
 * bit VMX fixes to 1 (NE) is forced. CD and NW stay clear in hardware:
 * guest RAM is host memory, and EPT makes it write-back anyway.
 */
static u64 vmx_hw_cr0(u64 cr0)
{
	const struct vmx_config *c = &vmx_config;
	u64 fixed0 = c->cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	return ((cr0 | fixed0) & c->cr0_fixed1) & ~(u64)(X86_CR0_CD | X86_CR0_NW);
}

static u64 vmx_hw_cr4(u64 cr4)
{
	return (cr4 | vmx_config.cr4_fixed0) & vmx_config.cr4_fixed1;
}

static bool vmx_pae_paging(const struct kvm_sregs *s)
{
	return (s->cr0 & X86_CR0_PG) && (s->cr4 & X86_CR4_PAE) &&
	       !(s->efer & EFER_LMA);
}

/*
 * With EPT, entering PAE paging takes the four PDPTEs from the VMCS, not
 * from memory (SDM "Loading Guest State", "PDPTE Registers"): when we
 * set up that state ourselves, they come from the guest's CR3 first.
 * Reads guest memory: process context, before the VMCS is pinned.
 */
static void vmx_read_pdptes(struct vcpu *vcpu, const struct kvm_sregs *s,
			    u64 pdptes[4])
{
	memset(pdptes, 0, 4 * sizeof(u64));
	if (vmx_pae_paging(s))
		vm_read_guest(vcpu->vm, s->cr3 & ~0x1fULL, pdptes,
			      4 * sizeof(u64));
}

static void __vmx_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *s,
			    const u64 pdptes[4])
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int i;

	vmx_write_seg(SEG_ES, &s->es);
	vmx_write_seg(SEG_CS, &s->cs);
	vmx_write_seg(SEG_SS, &s->ss);
	vmx_write_seg(SEG_DS, &s->ds);
	vmx_write_seg(SEG_FS, &s->fs);
	vmx_write_seg(SEG_GS, &s->gs);
	vmx_write_seg(SEG_LDTR, &s->ldt);
	vmx_write_seg(SEG_TR, &s->tr);
	vmcs_write(VMCS_GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_write(VMCS_GUEST_IDTR_BASE, s->idt.base);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, s->idt.limit);
	vmcs_write(VMCS_CR0_READ_SHADOW, s->cr0);
	vmcs_write(VMCS_GUEST_CR0, vmx_hw_cr0(s->cr0));
	vmcs_write(VMCS_CR4_READ_SHADOW, s->cr4);
	vmcs_write(VMCS_GUEST_CR4, vmx_hw_cr4(s->cr4));
	vmcs_write(VMCS_GUEST_CR3, s->cr3);
	vmx->cr2 = s->cr2;
	vmx->cr8 = s->cr8 & 0xf;
	vmcs_write(VMCS_GUEST_EFER, s->efer);
	/* The entry control must match EFER.LMA ("Checks on Guest Control
	 * Registers, Debug Registers, and MSRs").
	 */
	if (s->efer & EFER_LMA)
		vmcs_set_bits(VMCS_ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST);
	else
		vmcs_clear_bits(VMCS_ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST);
	for (i = 0; i < 4; i++)
		vmcs_write(VMCS_GUEST_PDPTE0 + 2 * i, pdptes ? pdptes[i] : 0);
}

void vmx_reset_sregs(struct vcpu *vcpu, const struct kvm_sregs *s)
{
	__vmx_set_sregs(vcpu, s, NULL);
}

static void __vmx_get_sregs(struct vcpu *vcpu, struct kvm_sregs *s)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_read_seg(SEG_ES, &s->es);
	vmx_read_seg(SEG_CS, &s->cs);
	vmx_read_seg(SEG_SS, &s->ss);
	vmx_read_seg(SEG_DS, &s->ds);
	vmx_read_seg(SEG_FS, &s->fs);
	vmx_read_seg(SEG_GS, &s->gs);
	vmx_read_seg(SEG_LDTR, &s->ldt);
	vmx_read_seg(SEG_TR, &s->tr);
	s->gdt.base = vmcs_read(VMCS_GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_read(VMCS_GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	s->cr0 = vmcs_read(VMCS_CR0_READ_SHADOW);
	s->cr2 = vmx->cr2;
	s->cr3 = vmcs_read(VMCS_GUEST_CR3);
	s->cr4 = vmcs_read(VMCS_CR4_READ_SHADOW);
	s->cr8 = vmx->cr8;
	s->efer = vmcs_read(VMCS_GUEST_EFER);
}

void vmx_get_sregs(struct vcpu *vcpu, struct kvm_sregs *s)
{
	vmx_vmcs_get(vcpu);
	__vmx_get_sregs(vcpu, s);
	vmx_vmcs_put();
}

int vmx_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *s)
{
	u64 pdptes[4];

	vmx_read_pdptes(vcpu, s, pdptes);
	vmx_vmcs_get(vcpu);
	__vmx_set_sregs(vcpu, s, pdptes);
	vmx_vmcs_put();
	return 0;
}

/*
 * MOV to CR0 (SDM "MOV—Move to/from Control Registers"): the #GP cases,
 * then EFER.LMA follows paging when long mode is enabled ("IA-32e Mode
 * Initialization").
 */
static bool vmx_new_cr0_valid(const struct kvm_sregs *s, u64 cr0)
{
	bool paging_on = (cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PG);

	if ((cr0 >> 32) || ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE)) ||
	    ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD)))
		return false;
	if (paging_on && (s->efer & EFER_LME) && !(s->cr4 & X86_CR4_PAE))
		return false;
	/* Paging cannot go off in 64-bit code. */
	if (!(cr0 & X86_CR0_PG) && (s->efer & EFER_LMA) && s->cs.l)
		return false;
	return true;
}

static bool vmx_new_cr4_valid(const struct kvm_sregs *s, u64 cr4)
{
	u64 changed = cr4 ^ s->cr4;

	if ((cr4 & ~vmx_config.cr4_fixed1) ||
	    (cr4 & (X86_CR4_VMXE | X86_CR4_SMXE)) || (cr4 >> 32))
		return false;
	if (s->efer & EFER_LMA) {
		if (!(cr4 & X86_CR4_PAE) || (changed & X86_CR4_LA57))
			return false;
	}
	if ((changed & cr4 & X86_CR4_PCIDE) &&
	    (!(s->efer & EFER_LMA) || (s->cr3 & 0xfff)))
		return false;
	return true;
}

static int vmx_cr_fault(struct vcpu *vcpu, u8 vector)
{
	vcpu_queue_exception(vcpu, vector, vector == X86_TRAP_GP, 0);
	return 1;
}

static int vmx_cr_gp(struct vcpu *vcpu)
{
	return vmx_cr_fault(vcpu, X86_TRAP_GP);
}

/*
 * A control-register access exited: MOV to CR0/CR4/CR8, MOV from CR8,
 * CLTS or LMSW. The new state goes in as KVM_SET_SREGS would put it.
 */
int vmx_emulate_cr(struct vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	const typeof(vcpu->exit.cr) *cr = &vcpu->exit.cr;
	struct kvm_sregs s;
	bool long64;
	u64 val;

	vmx_get_sregs(vcpu, &s);
	long64 = (s.efer & EFER_LMA) && s.cs.l;
	val = vcpu->gprs[cr->gpr];
	if (!long64)
		val = (u32)val;

	switch (cr->access) {
	case CR_MOV_FROM:
		if (cr->num != 8)
			return vmx_cr_fault(vcpu, X86_TRAP_UD);	/* cannot exit */
		vcpu->gprs[cr->gpr] = vmx->cr8;
		vcpu_skip_instruction(vcpu);
		return 1;
	case CR_MOV_TO:
		if (cr->num == 8) {
			if (val > 15)
				return vmx_cr_gp(vcpu);
			vmx->cr8 = val;
			vcpu_skip_instruction(vcpu);
			return 1;
		}
		if (cr->num == 4) {
			if (!vmx_new_cr4_valid(&s, val))
				return vmx_cr_gp(vcpu);
			s.cr4 = val;
			break;
		}
		if (cr->num != 0)
			return vmx_cr_fault(vcpu, X86_TRAP_UD);	/* cannot exit */
		break;
	case CR_CLTS:
		val = s.cr0 & ~(u64)X86_CR0_TS;
		break;
	case CR_LMSW:
		/* LMSW loads PE, MP, EM, TS, and cannot clear PE. */
		val = (s.cr0 & ~0xeULL) | (cr->lmsw_src & 0xf);
		break;
	}
	if (cr->access != CR_MOV_TO || cr->num == 0) {
		if (!vmx_new_cr0_valid(&s, val))
			return vmx_cr_gp(vcpu);
		s.cr0 = val;
	}
	if ((s.efer & EFER_LME) && (s.cr0 & X86_CR0_PG))
		s.efer |= EFER_LMA;
	else
		s.efer &= ~EFER_LMA;
	vmx_set_sregs(vcpu, &s);
	vcpu_skip_instruction(vcpu);
	return 1;
}

/* MSRs whose guest values the VMCS holds, or that VMX never switches. */
static u64 *vmx_msr_slot(struct vmx_vcpu *vmx, u32 index)
{
	switch (index) {
	case MSR_STAR: return &vmx->star;
	case MSR_LSTAR: return &vmx->lstar;
	case MSR_CSTAR: return &vmx->cstar;
	case MSR_SYSCALL_MASK: return &vmx->sfmask;
	case MSR_KERNEL_GS_BASE: return &vmx->kernel_gs_base;
	default: return NULL;
	}
}

static unsigned long vmx_msr_field(u32 index)
{
	switch (index) {
	case MSR_IA32_SYSENTER_CS: return VMCS_GUEST_SYSENTER_CS;
	case MSR_IA32_SYSENTER_ESP: return VMCS_GUEST_SYSENTER_ESP;
	case MSR_IA32_SYSENTER_EIP: return VMCS_GUEST_SYSENTER_EIP;
	case MSR_FS_BASE: return VMCS_GUEST_FS_BASE;
	case MSR_GS_BASE: return VMCS_GUEST_GS_BASE;
	case MSR_IA32_CR_PAT: return VMCS_GUEST_PAT;
	case MSR_EFER: return VMCS_GUEST_EFER;
	default: return 0;
	}
}

int vmx_get_msr(struct vcpu *vcpu, u32 index, u64 *data)
{
	u64 *slot = vmx_msr_slot(to_vmx(vcpu), index);
	unsigned long field = vmx_msr_field(index);

	if (slot) {
		*data = *slot;
		return 0;
	}
	if (!field)
		return -ENOENT;
	vmx_vmcs_get(vcpu);
	*data = vmcs_read(field);
	vmx_vmcs_put();
	return 0;
}

/* Values are checked by msr.c. */
int vmx_set_msr(struct vcpu *vcpu, u32 index, u64 data, bool host)
{
	u64 *slot = vmx_msr_slot(to_vmx(vcpu), index);
	unsigned long field = vmx_msr_field(index);

	if (slot) {
		*slot = data;
		return 0;
	}
	if (!field)
		return -ENOENT;
	vmx_vmcs_get(vcpu);
	vmcs_write(field, data);
	if (index == MSR_EFER) {
		if (data & EFER_LMA)
			vmcs_set_bits(VMCS_ENTRY_CONTROLS,
				      ENTRY_IA32E_MODE_GUEST);
		else
			vmcs_clear_bits(VMCS_ENTRY_CONTROLS,
					ENTRY_IA32E_MODE_GUEST);
	}
	vmx_vmcs_put();
	return 0;
}

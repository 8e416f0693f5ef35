// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events for the guest: exceptions, external interrupts and NMIs
 * injected through the VM-entry interruption-information field, the
 * windows that say when the guest can take them, and re-injection of an
 * event whose delivery an exit interrupted (SDM Vol. 3 "Event Injection",
 * "Information for VM Exits During Event Delivery"). The ops load the
 * vCPU's VMCS themselves; the two functions for the exit path expect it
 * current.
 */
#include <linux/kvm.h>
#include <asm/irq_vectors.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "vmcs.h"
#include "vmx.h"
#include "vmx_hw.h"

#define INTR_INFO_EVENT_MASK	(INTR_INFO_VECTOR_MASK | INTR_INFO_TYPE_MASK | \
				 INTR_INFO_ERROR_VALID | INTR_INFO_VALID)

static bool vmx_event_pending(void)
{
	return vmcs_read32(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID;
}

/*
 * A real-mode guest gets no error code: VM entry refuses to deliver one
 * with CR0.PE clear ("Checks on VM-Entry Control Fields").
 */
void vmx_queue_exception(struct vcpu *vcpu, u8 vector, bool has_error,
			 u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID;

	vmx_vmcs_get(vcpu);
	if (has_error && (vmcs_read(VMCS_CR0_READ_SHADOW) & X86_CR0_PE)) {
		info |= INTR_INFO_ERROR_VALID;
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR, error);
	}
	vmcs_write(VMCS_ENTRY_INTR_INFO, info);
	vmx_vmcs_put();
}

bool vmx_interrupt_allowed(struct vcpu *vcpu)
{
	bool allowed;
	u32 intr;

	vmx_vmcs_get(vcpu);
	intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	allowed = (vcpu->rflags & X86_EFLAGS_IF) &&
		  !(intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) &&
		  !vmx_event_pending();
	vmx_vmcs_put();
	return allowed;
}

/* With virtual NMIs the CPU tracks NMI blocking until the guest's IRET. */
bool vmx_nmi_allowed(struct vcpu *vcpu)
{
	bool allowed;
	u32 intr;

	vmx_vmcs_get(vcpu);
	intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	allowed = !(intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS |
			    INTERRUPTIBILITY_NMI)) && !vmx_event_pending();
	vmx_vmcs_put();
	return allowed;
}

void vmx_inject_nmi(struct vcpu *vcpu)
{
	vmx_vmcs_get(vcpu);
	vmcs_write(VMCS_ENTRY_INTR_INFO,
		   NMI_VECTOR | INTR_TYPE_NMI | INTR_INFO_VALID);
	vmx_vmcs_put();
}

void vmx_inject_irq(struct vcpu *vcpu, u8 vector)
{
	vmx_vmcs_get(vcpu);
	vmcs_write(VMCS_ENTRY_INTR_INFO,
		   vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID);
	vmx_vmcs_put();
}

void vmx_enable_irq_window(struct vcpu *vcpu)
{
	vmx_vmcs_get(vcpu);
	vmcs_set_bits(VMCS_CPU_CONTROLS, CPU_INTERRUPT_WINDOW_EXITING);
	vmx_vmcs_put();
}

void vmx_enable_nmi_window(struct vcpu *vcpu)
{
	vmx_vmcs_get(vcpu);
	vmcs_set_bits(VMCS_CPU_CONTROLS, CPU_NMI_WINDOW_EXITING);
	vmx_vmcs_put();
}

void vmx_clear_interrupt_shadow(struct vcpu *vcpu)
{
	vmx_vmcs_get(vcpu);
	vmcs_clear_bits(VMCS_GUEST_INTERRUPTIBILITY,
			INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS);
	vmx_vmcs_put();
}

void vmx_get_events(struct vcpu *vcpu, struct kvm_vcpu_events *ev)
{
	u32 info, intr;
	u8 vector;

	vmx_vmcs_get(vcpu);
	info = vmcs_read32(VMCS_ENTRY_INTR_INFO);
	intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	vector = info & INTR_INFO_VECTOR_MASK;
	if (info & INTR_INFO_VALID) {
		switch (info & INTR_INFO_TYPE_MASK) {
		case INTR_TYPE_HARD_EXCEPTION:
		case INTR_TYPE_SOFT_EXCEPTION:
		case INTR_TYPE_PRIV_SOFT_EXCEPTION:
			ev->exception.injected = 1;
			ev->exception.nr = vector;
			ev->exception.has_error_code =
				!!(info & INTR_INFO_ERROR_VALID);
			ev->exception.error_code =
				vmcs_read32(VMCS_ENTRY_EXCEPTION_ERROR);
			break;
		case INTR_TYPE_NMI:
			ev->nmi.injected = 1;
			break;
		default:
			ev->interrupt.injected = 1;
			ev->interrupt.nr = vector;
			ev->interrupt.soft =
				(info & INTR_INFO_TYPE_MASK) ==
				INTR_TYPE_SOFT_INTR;
		}
	}
	if (intr & INTERRUPTIBILITY_STI)
		ev->interrupt.shadow |= KVM_X86_SHADOW_INT_STI;
	if (intr & INTERRUPTIBILITY_MOV_SS)
		ev->interrupt.shadow |= KVM_X86_SHADOW_INT_MOV_SS;
	ev->nmi.masked = !!(intr & INTERRUPTIBILITY_NMI);
	vmx_vmcs_put();
}

/*
 * Blocking by STI needs RFLAGS.IF set, and STI and MOV SS blocking
 * cannot both be on ("Checks on Guest Non-Register State"): a shadow
 * that cannot be STI's is taken as MOV SS's, which blocks the same.
 */
void vmx_set_events(struct vcpu *vcpu, const struct kvm_vcpu_events *ev)
{
	u32 intr;

	vmx_vmcs_get(vcpu);
	intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
	       ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS |
		 INTERRUPTIBILITY_NMI);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	if (ev->exception.injected)
		vmx_queue_exception(vcpu, ev->exception.nr,
				    ev->exception.has_error_code,
				    ev->exception.error_code);
	else if (ev->nmi.injected)
		vmx_inject_nmi(vcpu);
	if ((ev->interrupt.shadow & KVM_X86_SHADOW_INT_MOV_SS) ||
	    (ev->interrupt.shadow && !(vcpu->rflags & X86_EFLAGS_IF)))
		intr |= INTERRUPTIBILITY_MOV_SS;
	else if (ev->interrupt.shadow)
		intr |= INTERRUPTIBILITY_STI;
	if (ev->nmi.masked)
		intr |= INTERRUPTIBILITY_NMI;
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, intr);
	vmx_vmcs_put();
}

/*
 * The exit interrupted the delivery of an event: deliver it again on the
 * next entry, with the instruction length for software ones (INTn, INT3,
 * INTO), and without the NMI blocking the interrupted NMI would have
 * started.
 */
void vmx_reinject_interrupted_event(void)
{
	u32 info = vmcs_read32(VMCS_IDT_VECTORING_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	info &= INTR_INFO_EVENT_MASK;
	vmcs_write(VMCS_ENTRY_INTR_INFO, info);
	if (info & INTR_INFO_ERROR_VALID)
		vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR,
			   vmcs_read32(VMCS_IDT_VECTORING_ERROR));
	switch (info & INTR_INFO_TYPE_MASK) {
	case INTR_TYPE_SOFT_INTR:
	case INTR_TYPE_SOFT_EXCEPTION:
	case INTR_TYPE_PRIV_SOFT_EXCEPTION:
		vmcs_write(VMCS_ENTRY_INSN_LEN,
			   vmcs_read32(VMCS_EXIT_INSN_LEN));
		break;
	case INTR_TYPE_NMI:
		vmcs_clear_bits(VMCS_GUEST_INTERRUPTIBILITY,
				INTERRUPTIBILITY_NMI);
		break;
	}
}

/*
 * A fault in the guest's IRET unblocked NMIs before the exit; the IRET
 * runs again, so blocking comes back until then ("Virtual-NMI
 * Blocking" with "NMI unblocking due to IRET").
 */
void vmx_nmi_unblocked_by_iret(void)
{
	if (!(vmcs_read32(VMCS_IDT_VECTORING_INFO) & INTR_INFO_VALID))
		vmcs_set_bits(VMCS_GUEST_INTERRUPTIBILITY,
			      INTERRUPTIBILITY_NMI);
}

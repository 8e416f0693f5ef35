// SPDX-License-Identifier: GPL-2.0-only
/*
 * External interrupts from userspace, for VMMs that emulate the
 * interrupt controller themselves (kvmlite has no in-kernel irqchip):
 * KVM_INTERRUPT queues one, it is injected once the guest can take it,
 * and an interrupt window exit tells userspace when that is.
 */
#include <linux/kvm.h>
#include <linux/uaccess.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "kvmlite.h"
#include "vcpu.h"

/* What KVM reports in kvm_run: the guest could take an interrupt now. */
static bool vcpu_ready_for_interrupt(struct vcpu *vcpu)
{
	return !vcpu->irq.queued && hv->interrupt_allowed(vcpu);
}

/* Before an entry: inject what is queued, or ask for the window. */
void vcpu_inject_events(struct vcpu *vcpu)
{
	/* An NMI goes first: it outranks external interrupts. */
	if (vcpu->nmi_pending && hv->nmi_allowed(vcpu)) {
		hv->inject_nmi(vcpu);
		vcpu->nmi_pending--;
		vcpu->stats.nmi_injections++;
	}
	if (vcpu->irq.queued && hv->interrupt_allowed(vcpu)) {
		hv->inject_irq(vcpu, vcpu->irq.vector);
		vcpu->irq.queued = false;
		vcpu->stats.irq_injections++;
	}
	if (vcpu->irq.queued || READ_ONCE(vcpu->run->request_interrupt_window))
		hv->enable_irq_window(vcpu);
	if (vcpu->nmi_pending && hv->enable_nmi_window)
		hv->enable_nmi_window(vcpu);
}

/* After an exit handled in the kernel: does userspace want out now? */
bool vcpu_irq_window_exit(struct vcpu *vcpu)
{
	if (!READ_ONCE(vcpu->run->request_interrupt_window) ||
	    !vcpu_ready_for_interrupt(vcpu))
		return false;
	vcpu->run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
	return true;
}

/* Every return from KVM_RUN: the interrupt state userspace sees. */
void vcpu_post_run(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	run->if_flag = !!(vcpu->rflags & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = vcpu_ready_for_interrupt(vcpu);
	run->apic_base = vcpu->apic_base;
}

/*
 * KVM_NMI. As KVM, at most two wait: one the guest may be handling and
 * one that arrived meanwhile; more would have merged on real hardware.
 */
long vcpu_ioctl_nmi(struct vcpu *vcpu)
{
	if (vcpu->nmi_pending < 2)
		vcpu->nmi_pending++;
	return 0;
}

long vcpu_get_events(struct vcpu *vcpu, struct kvm_vcpu_events __user *argp)
{
	struct kvm_vcpu_events ev = { };

	hv->get_events(vcpu, &ev);
	/* A KVM_INTERRUPT not injected yet is, in KVM's terms, injected. */
	if (vcpu->irq.queued) {
		ev.interrupt.injected = 1;
		ev.interrupt.nr = vcpu->irq.vector;
	}
	ev.nmi.pending = vcpu->nmi_pending;
	ev.flags = KVM_VCPUEVENT_VALID_SHADOW;
	return copy_to_user(argp, &ev, sizeof(ev)) ? -EFAULT : 0;
}

#define EVENTS_VALID_FLAGS	(KVM_VCPUEVENT_VALID_NMI_PENDING | \
				 KVM_VCPUEVENT_VALID_SIPI_VECTOR | \
				 KVM_VCPUEVENT_VALID_SHADOW)

long vcpu_set_events(struct vcpu *vcpu, struct kvm_vcpu_events __user *argp)
{
	struct kvm_vcpu_events ev;

	if (copy_from_user(&ev, argp, sizeof(ev)))
		return -EFAULT;
	if (ev.flags & ~EVENTS_VALID_FLAGS)
		return -EINVAL;
	/* An exception vector is below 32 and never the NMI's. */
	if (ev.exception.injected &&
	    (ev.exception.nr > 31 || ev.exception.nr == X86_TRAP_NMI))
		return -EINVAL;

	vcpu->irq.queued = ev.interrupt.injected;
	vcpu->irq.vector = ev.interrupt.nr;
	if (ev.flags & KVM_VCPUEVENT_VALID_NMI_PENDING)
		vcpu->nmi_pending = min_t(u8, ev.nmi.pending, 2);
	if (!(ev.flags & KVM_VCPUEVENT_VALID_SHADOW))
		ev.interrupt.shadow = 0;
	hv->set_events(vcpu, &ev);
	return 0;
}

long vcpu_ioctl_interrupt(struct vcpu *vcpu, struct kvm_interrupt __user *argp)
{
	struct kvm_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.irq >= KVM_NR_INTERRUPTS)
		return -EINVAL;
	/*
	 * As KVM: a second one replaces the first. Unlike KVM, which injects
	 * at the next entry whatever the guest's IF says, we wait for the
	 * guest to be able to take it.
	 */
	vcpu->irq.queued = true;
	vcpu->irq.vector = irq.irq;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boundary between generic kvmlite code and a vendor backend (VMX or
 * SVM). Each backend keeps everything static and exports one const table.
 */
#ifndef KVMLITE_HV_OPS_H
#define KVMLITE_HV_OPS_H

#include <linux/kvm.h>
#include "hv_caps.h"

struct vm;
struct vcpu;

struct hv_ops {
	const char *name;

	/* Is this backend meant for the boot CPU's vendor? */
	bool (*ident)(void);

	/*
	 * Probe the CPU we run on (called on each online CPU with preemption
	 * disabled). Returns 0 and fills @caps, or a negative errno with
	 * @caps->missing naming what the CPU lacks:
	 *   -ENODEV     no VMX/SVM at all,
	 *   -EPERM      present but disabled by firmware,
	 *   -EOPNOTSUPP present but a required feature is missing.
	 */
	int (*probe)(struct hv_caps *caps);

	/*
	 * Module-lifetime resources (per-CPU pages, permission maps). A
	 * backend without vcpu_run cannot run guests yet: KVM_CREATE_VM
	 * then fails with -EOPNOTSUPP and no VM capability is offered.
	 */
	int (*setup)(void);
	void (*teardown)(void);

	/*
	 * Turn hardware virtualization on or off on the calling CPU (IRQs
	 * off). hardware_enable() fails with -EBUSY when someone else holds
	 * it: kvmlite never takes VMX/SVM away from another hypervisor.
	 */
	int (*hardware_enable)(void);
	void (*hardware_disable)(void);

	/* Optional per-VM state. */
	int (*vm_init)(struct vm *vm);
	void (*vm_destroy)(struct vm *vm);
	int (*vcpu_create)(struct vcpu *vcpu);
	void (*vcpu_free)(struct vcpu *vcpu);

	/*
	 * Optional: make the vCPU's control block usable on this CPU before
	 * an entry (preemption off, IRQs on). VMX loads the VMCS here.
	 */
	void (*vcpu_load)(struct vcpu *vcpu);

	/*
	 * Enter the guest once, with IRQs off and the guest FPU loaded; on
	 * return vcpu->exit says why it left, in generic terms.
	 */
	void (*vcpu_run)(struct vcpu *vcpu);

	void (*get_sregs)(struct vcpu *vcpu, struct kvm_sregs *sregs);
	int (*set_sregs)(struct vcpu *vcpu, const struct kvm_sregs *sregs);
	void (*queue_exception)(struct vcpu *vcpu, u8 vector, bool has_error,
				u32 error);

	/*
	 * External interrupts: can the guest take one now (IF set, no
	 * interrupt shadow, no event in flight)? Inject one; or make the
	 * guest exit (KVMLITE_EXIT_IRQ_WINDOW) as soon as it could take one.
	 */
	bool (*interrupt_allowed)(struct vcpu *vcpu);
	/*
	 * NMIs: the guest takes one unless it is in an NMI handler (until
	 * its IRET) or another event is in flight; the vendor tracks that.
	 */
	bool (*nmi_allowed)(struct vcpu *vcpu);
	void (*inject_nmi)(struct vcpu *vcpu);
	/*
	 * Optional: exit (KVMLITE_EXIT_NMI_WINDOW) as soon as an NMI could
	 * be injected. Without it the vendor must exit by itself when NMI
	 * blocking ends (SVM intercepts the guest's IRET).
	 */
	void (*enable_nmi_window)(struct vcpu *vcpu);

	/*
	 * KVM_GET/SET_VCPU_EVENTS: the event in flight (exception,
	 * interrupt or NMI being injected), the interrupt shadow and NMI
	 * blocking. Generic code adds what it queues itself.
	 */
	void (*get_events)(struct vcpu *vcpu, struct kvm_vcpu_events *ev);
	void (*set_events)(struct vcpu *vcpu, const struct kvm_vcpu_events *ev);
	void (*clear_interrupt_shadow)(struct vcpu *vcpu);
	void (*inject_irq)(struct vcpu *vcpu, u8 vector);
	void (*enable_irq_window)(struct vcpu *vcpu);

	/*
	 * MSRs the vendor's control block holds. 0, or -ENOENT for an MSR
	 * that is not one of them, -EINVAL for a value the guest may not
	 * write (@host: userspace restoring state may write more).
	 */
	int (*get_msr)(struct vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct vcpu *vcpu, u32 index, u64 data, bool host);

	/*
	 * Optional: emulate the control-register access in vcpu->exit.cr
	 * (KVMLITE_EXIT_CR), for a vendor that intercepts them. Runs in
	 * process context; same return contract as an exit handler.
	 */
	int (*emulate_cr)(struct vcpu *vcpu);

	/* Second-level page-table entries in the vendor's format. */
	u64 (*s2_table_entry)(phys_addr_t table);
	u64 (*s2_leaf_entry)(u64 pfn, bool writable);
	bool (*s2_present)(u64 entry);
};

extern const struct hv_ops vmx_ops;
extern const struct hv_ops svm_ops;

#endif /* KVMLITE_HV_OPS_H */

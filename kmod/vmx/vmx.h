/* SPDX-License-Identifier: GPL-2.0-only */
/* State shared by the VMX backend's files. */
#ifndef KVMLITE_VMX_H
#define KVMLITE_VMX_H

#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/types.h>
#include "../vcpu.h"

/*
 * The control settings every VMCS gets, computed once from the capability
 * MSRs, and the CR0/CR4 bits VMX operation fixes.
 */
struct vmx_config {
	u32 revision;		/* VMCS revision identifier */
	u32 pin, cpu, cpu2, exit, entry;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool ept_ad;
	bool invept_single;
	bool io_insn_info;	/* INS/OUTS report their address size */
};

extern struct vmx_config vmx_config;

/*
 * Locking legend: [v] vcpu->mutex, [p] preemption off on @cpu,
 * [c] constant after creation.
 */
struct vmx_vcpu {
	void *vmcs;		/* [c] one page */
	u64 vmcs_pa;		/* [c] */
	u64 eptp;		/* [c] */
	u16 vpid;		/* [c] */
	/*
	 * The CPU the VMCS is active on, or -1: written there with
	 * preemption off, or by its VMCLEAR (locally or by IPI).
	 */
	int cpu;
	bool launched;		/* [p] VMRESUME, not VMLAUNCH */
	struct list_head loaded;	/* [p] in the CPU's list of active VMCSs */
	/* Guest state the VMCS does not hold. */
	u64 cr2;		/* [v] */
	u8 cr8;			/* [v] the TPR: CR8 accesses exit */
	u64 star, lstar, cstar, sfmask, kernel_gs_base;	/* [v] */
};

static inline struct vmx_vcpu *to_vmx(struct vcpu *vcpu)
{
	return vcpu->vendor;
}

/*
 * vmx.c. Functions of this backend touch the current VMCS: ops reached
 * from an ioctl pin the CPU and load it with vmx_vmcs_get()/put().
 */
void vmx_vmcs_load(struct vcpu *vcpu);
void vmx_vmcs_get(struct vcpu *vcpu);
void vmx_vmcs_put(void);
void vmx_reset_guest_state(struct vcpu *vcpu);

/* state.c: ops, they load the VMCS themselves */
void vmx_get_sregs(struct vcpu *vcpu, struct kvm_sregs *sregs);
int vmx_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs);
void vmx_reset_sregs(struct vcpu *vcpu, const struct kvm_sregs *sregs);
int vmx_get_msr(struct vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct vcpu *vcpu, u32 index, u64 data, bool host);
int vmx_emulate_cr(struct vcpu *vcpu);

/* events.c: ops; the last two for the exit path, with the VMCS current */
void vmx_queue_exception(struct vcpu *vcpu, u8 vector, bool has_error,
			 u32 error);
bool vmx_interrupt_allowed(struct vcpu *vcpu);
bool vmx_nmi_allowed(struct vcpu *vcpu);
void vmx_inject_nmi(struct vcpu *vcpu);
void vmx_inject_irq(struct vcpu *vcpu, u8 vector);
void vmx_enable_irq_window(struct vcpu *vcpu);
void vmx_enable_nmi_window(struct vcpu *vcpu);
void vmx_clear_interrupt_shadow(struct vcpu *vcpu);
void vmx_get_events(struct vcpu *vcpu, struct kvm_vcpu_events *ev);
void vmx_set_events(struct vcpu *vcpu, const struct kvm_vcpu_events *ev);
void vmx_reinject_interrupted_event(void);
void vmx_nmi_unblocked_by_iret(void);

/* exit.c */
void vmx_decode_exit(struct vcpu *vcpu, u32 exit_reason);

/* vmenter.S: 0 after a VM exit, 1 when VMLAUNCH/VMRESUME failed. */
int vmx_vmenter(u64 *gprs, bool launched);
void vmx_vmexit(void);
void vmx_call_host_handler(unsigned long handler);

#endif /* KVMLITE_VMX_H */

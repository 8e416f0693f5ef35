/* SPDX-License-Identifier: GPL-2.0-only */
/* State shared by the SVM backend's files. */
#ifndef KVMLITE_SVM_H
#define KVMLITE_SVM_H

#include "vmcb.h"

struct vcpu;

struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	/* The ASID in the VMCB is valid on asid_cpu in asid_generation. */
	int asid_cpu;
	u64 asid_generation;
	/*
	 * SVM does not track NMI blocking for us (APM "NMI Handling"): it
	 * starts at injection and ends with the guest's IRET, which is
	 * intercepted for that; the next NMI waits until RIP has left it.
	 */
	bool nmi_masked;
	bool awaiting_iret;
	u64 iret_rip;
};

/* Turn the VMCB's record of the exit into vcpu->exit. */
void svm_decode_exit(struct vcpu *vcpu, struct vmcb *vmcb);

void svm_vmrun(u64 *gprs, u64 guest_vmcb_pa, u64 host_vmcb_pa);
void svm_init_vmcb(struct vcpu *vcpu, struct vmcb *vmcb);

#endif /* KVMLITE_SVM_H */

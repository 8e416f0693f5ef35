/* SPDX-License-Identifier: GPL-2.0-only */
/* The SVM capability decision, kept pure so it can be unit-tested. */
#ifndef KVMLITE_SVM_CAPS_H
#define KVMLITE_SVM_CAPS_H

#include "../hv_caps.h"

/* What the probe read on one CPU; leaves that do not exist read as 0. */
struct svm_cap_regs {
	u32 max_ext_leaf;	/* CPUID 0x80000000 EAX */
	u32 ext_ecx;		/* CPUID 0x80000001 ECX */
	u64 vm_cr;		/* MSR VM_CR, read only when SVM is present */
	u32 svm_ebx;		/* CPUID 0x8000000A EBX: number of ASIDs */
	u32 svm_edx;		/* CPUID 0x8000000A EDX: SVM features */
};

int svm_caps_evaluate(const struct svm_cap_regs *regs, struct hv_caps *caps);

#endif /* KVMLITE_SVM_CAPS_H */

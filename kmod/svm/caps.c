// SPDX-License-Identifier: GPL-2.0-only
/* Decide whether a CPU offers every SVM feature kvmlite depends on. */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kvmlite.h>
#include "caps.h"
#include "svm_hw.h"

static const struct {
	u64 feature;		/* KVMLITE_FEAT_* */
	u32 cpuid_bit;		/* in CPUID 0x8000000A EDX */
} svm_optional_features[] = {
	{ KVMLITE_FEAT_SVM_NRIPS, SVM_FEATURE_NRIPS },
	{ KVMLITE_FEAT_SVM_DECODE_ASSISTS, SVM_FEATURE_DECODE_ASSISTS },
	{ KVMLITE_FEAT_SVM_FLUSH_BY_ASID, SVM_FEATURE_FLUSH_BY_ASID },
	{ KVMLITE_FEAT_SVM_VMCB_CLEAN, SVM_FEATURE_VMCB_CLEAN },
};

int svm_caps_evaluate(const struct svm_cap_regs *regs, struct hv_caps *caps)
{
	size_t i;

	caps->vendor = KVMLITE_VENDOR_AMD_SVM;
	caps->missing = NULL;

	if (regs->max_ext_leaf < CPUID_EXT_FEATURES ||
	    !(regs->ext_ecx & CPUID_EXT_ECX_SVM)) {
		caps->missing = "SVM in CPUID";
		return -ENODEV;
	}
	/* APM Vol. 2 "Enabling SVM": EFER.SVME cannot be set while SVMDIS. */
	if (regs->vm_cr & VM_CR_SVMDIS) {
		caps->missing = "SVM enabled by firmware (VM_CR.SVMDIS set)";
		return -EPERM;
	}
	if (regs->max_ext_leaf < CPUID_SVM_FEATURES ||
	    !(regs->svm_edx & SVM_FEATURE_NPT)) {
		caps->missing = "nested paging (NPT)";
		return -EOPNOTSUPP;
	}
	/* ASID 0 is the host's: a guest needs at least one more. */
	if (regs->svm_ebx < 2) {
		caps->missing = "a guest ASID";
		return -EOPNOTSUPP;
	}

	caps->features = 0;
	for (i = 0; i < ARRAY_SIZE(svm_optional_features); i++)
		if (regs->svm_edx & svm_optional_features[i].cpuid_bit)
			caps->features |= svm_optional_features[i].feature;
	caps->nr_asids = regs->svm_ebx - 1;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/* The AMD SVM backend. */
#include <linux/errno.h>
#include <asm/processor.h>
#include "../hv_ops.h"
#include "../msr.h"
#include "caps.h"
#include "svm_hw.h"

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

const struct hv_ops svm_ops = {
	.name = "svm",
	.ident = svm_ident,
	.probe = svm_probe,
};

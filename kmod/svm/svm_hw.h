/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD SVM hardware encodings: CPUID bits and MSRs. AMD APM Vol. 2,
 * "Secure Virtual Machine", section "Enabling SVM" and Appendix E
 * "CPUID Fn8000_000A".
 */
#ifndef KVMLITE_SVM_HW_H
#define KVMLITE_SVM_HW_H

#include <linux/bits.h>

#define CPUID_EXT_FEATURES			0x80000001
#define   CPUID_EXT_ECX_SVM			BIT(2)
#define CPUID_SVM_FEATURES			0x8000000a
#define   SVM_FEATURE_NPT			BIT(0)
#define   SVM_FEATURE_NRIPS			BIT(3)
#define   SVM_FEATURE_VMCB_CLEAN		BIT(5)
#define   SVM_FEATURE_FLUSH_BY_ASID		BIT(6)
#define   SVM_FEATURE_DECODE_ASSISTS		BIT(7)

#define MSR_AMD_VM_CR				0xc0010114
#define   VM_CR_SVMDIS				BIT_ULL(4)

#endif /* KVMLITE_SVM_HW_H */

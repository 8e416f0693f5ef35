/* SPDX-License-Identifier: GPL-2.0-only */
/* The VMX capability decision, kept pure so it can be unit-tested. */
#ifndef KVMLITE_VMX_CAPS_H
#define KVMLITE_VMX_CAPS_H

#include "../hv_caps.h"

/*
 * The raw values the probe read on one CPU. The control MSRs hold the
 * TRUE_* variants when VMX_BASIC says they exist. An MSR the CPU does not
 * have (because an earlier capability says so) reads as 0.
 */
struct vmx_cap_msrs {
	u32 cpuid1_ecx;
	u64 feature_control;
	u64 basic;
	u64 pinbased;
	u64 procbased;
	u64 procbased2;
	u64 exit;
	u64 entry;
	u64 ept_vpid_cap;
};

int vmx_caps_evaluate(const struct vmx_cap_msrs *msrs, struct hv_caps *caps);

#endif /* KVMLITE_VMX_CAPS_H */

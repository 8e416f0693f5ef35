// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decide whether a CPU offers every VMX feature kvmlite depends on.
 *
 * A VMX control MSR reports in its low half the controls that must be 1
 * (allowed-0 settings) and in its high half the controls that may be 1
 * (allowed-1 settings): Intel SDM Vol. 3, Appendix A.3 "VM-Execution
 * Controls". We need some controls settable and a few clearable.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/kvmlite.h>
#include "caps.h"
#include "vmx_hw.h"

struct vmx_ctl_requirement {
	const char *name;
	size_t msr;		/* offset of the MSR in struct vmx_cap_msrs */
	u32 bit;
	bool must_clear;	/* we need it 0, not 1 */
};

#define NEED_SET(field, b, desc) \
	{ desc, offsetof(struct vmx_cap_msrs, field), b, false }
#define NEED_CLEAR(field, b, desc) \
	{ desc, offsetof(struct vmx_cap_msrs, field), b, true }

/* Primary controls first: the secondary ones exist only behind them. */
static const struct vmx_ctl_requirement vmx_required_ctls[] = {
	NEED_SET(pinbased, PIN_EXTERNAL_INTERRUPT_EXITING,
		 "external-interrupt exiting"),
	NEED_SET(pinbased, PIN_NMI_EXITING, "NMI exiting"),
	NEED_SET(pinbased, PIN_VIRTUAL_NMIS, "virtual NMIs"),
	NEED_SET(procbased, CPU_INTERRUPT_WINDOW_EXITING,
		 "interrupt-window exiting"),
	NEED_SET(procbased, CPU_NMI_WINDOW_EXITING, "NMI-window exiting"),
	NEED_SET(procbased, CPU_USE_TSC_OFFSETTING, "TSC offsetting"),
	NEED_SET(procbased, CPU_HLT_EXITING, "HLT exiting"),
	NEED_SET(procbased, CPU_USE_IO_BITMAPS, "I/O bitmaps"),
	NEED_SET(procbased, CPU_USE_MSR_BITMAPS, "MSR bitmaps"),
	NEED_SET(procbased, CPU_ACTIVATE_SECONDARY_CONTROLS,
		 "secondary controls"),
	/* With EPT the guest owns CR3: exiting on it must be optional. */
	NEED_CLEAR(procbased, CPU_CR3_LOAD_EXITING,
		   "CR3-load exiting disabled"),
	NEED_CLEAR(procbased, CPU_CR3_STORE_EXITING,
		   "CR3-store exiting disabled"),
	NEED_SET(procbased2, CPU2_ENABLE_EPT, "EPT"),
	NEED_SET(procbased2, CPU2_ENABLE_VPID, "VPID"),
	NEED_SET(procbased2, CPU2_UNRESTRICTED_GUEST, "unrestricted guest"),
	NEED_SET(exit, EXIT_HOST_ADDRESS_SPACE_SIZE,
		 "64-bit host on VM exit"),
	NEED_SET(exit, EXIT_ACK_INTERRUPT_ON_EXIT,
		 "acknowledge interrupt on exit"),
	NEED_SET(exit, EXIT_SAVE_PAT, "save IA32_PAT on exit"),
	NEED_SET(exit, EXIT_LOAD_PAT, "load IA32_PAT on exit"),
	NEED_SET(exit, EXIT_SAVE_EFER, "save IA32_EFER on exit"),
	NEED_SET(exit, EXIT_LOAD_EFER, "load IA32_EFER on exit"),
	NEED_SET(entry, ENTRY_IA32E_MODE_GUEST, "IA-32e mode guest"),
	NEED_SET(entry, ENTRY_LOAD_PAT, "load IA32_PAT on entry"),
	NEED_SET(entry, ENTRY_LOAD_EFER, "load IA32_EFER on entry"),
};

static bool vmx_ctl_allowed(const struct vmx_cap_msrs *msrs,
			    const struct vmx_ctl_requirement *req)
{
	u64 msr = *(const u64 *)((const char *)msrs + req->msr);
	u32 allowed0 = (u32)msr, allowed1 = (u32)(msr >> 32);

	return req->must_clear ? !(allowed0 & req->bit) :
				 !!(allowed1 & req->bit);
}

struct vmx_cap_requirement {
	const char *name;
	u64 any_of;		/* at least one of these EPT/VPID cap bits */
};

static const struct vmx_cap_requirement vmx_required_ept_vpid[] = {
	{ "EPT 4-level page walk", EPT_CAP_WALK_LENGTH_4 },
	{ "EPT write-back memory type", EPT_CAP_MEMTYPE_WB },
	{ "INVEPT", EPT_CAP_INVEPT },
	{ "INVEPT single- or all-context",
	  EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL },
	{ "INVVPID", VPID_CAP_INVVPID },
	{ "INVVPID single- or all-context",
	  VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL },
};

struct vmx_optional_feature {
	u64 feature;		/* KVMLITE_FEAT_* */
	size_t msr;
	u64 bits;		/* raw MSR bits that must all be set */
};

#define OPTIONAL(f, field, b) { f, offsetof(struct vmx_cap_msrs, field), b }

static const struct vmx_optional_feature vmx_optional_features[] = {
	OPTIONAL(KVMLITE_FEAT_VMX_TRUE_CTLS, basic, VMX_BASIC_HAS_TRUE_CTLS),
	OPTIONAL(KVMLITE_FEAT_VMX_EPT_AD, ept_vpid_cap, EPT_CAP_AD_FLAGS),
	OPTIONAL(KVMLITE_FEAT_VMX_EPT_2M, ept_vpid_cap, EPT_CAP_2M_PAGES),
	OPTIONAL(KVMLITE_FEAT_VMX_EPT_1G, ept_vpid_cap, EPT_CAP_1G_PAGES),
	OPTIONAL(KVMLITE_FEAT_VMX_INVEPT_SINGLE, ept_vpid_cap,
		 EPT_CAP_INVEPT_SINGLE),
	OPTIONAL(KVMLITE_FEAT_VMX_INVVPID_SINGLE, ept_vpid_cap,
		 VPID_CAP_INVVPID_SINGLE),
	OPTIONAL(KVMLITE_FEAT_VMX_RDTSCP, procbased2,
		 (u64)CPU2_ENABLE_RDTSCP << 32),
	OPTIONAL(KVMLITE_FEAT_VMX_XSAVES, procbased2,
		 (u64)CPU2_ENABLE_XSAVES << 32),
};

/* VPIDs are 16 bits wide and VPID 0 belongs to the host. */
#define VMX_NR_VPIDS	0xffff

int vmx_caps_evaluate(const struct vmx_cap_msrs *msrs, struct hv_caps *caps)
{
	u64 feat_ctl = msrs->feature_control;
	u64 memtype;
	size_t i;

	caps->vendor = KVMLITE_VENDOR_INTEL_VMX;
	caps->missing = NULL;

	if (!(msrs->cpuid1_ecx & CPUID_1_ECX_VMX)) {
		caps->missing = "VMX in CPUID";
		return -ENODEV;
	}
	/*
	 * SDM Vol. 3 "Enabling and Entering VMX Operation": VMXON faults
	 * unless firmware locked IA32_FEATURE_CONTROL with VMX outside SMX
	 * enabled.
	 */
	if (!(feat_ctl & FEATURE_CONTROL_LOCKED) ||
	    !(feat_ctl & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		caps->missing = "VMX enabled by firmware (IA32_FEATURE_CONTROL)";
		return -EPERM;
	}

	memtype = (msrs->basic >> VMX_BASIC_MEMTYPE_SHIFT) &
		  VMX_BASIC_MEMTYPE_MASK;
	if (memtype != VMX_MEMTYPE_WB) {
		caps->missing = "write-back VMCS memory type";
		return -EOPNOTSUPP;
	}
	if (msrs->basic & VMX_BASIC_32BIT_ADDRESSES) {
		caps->missing = "64-bit VMCS addresses";
		return -EOPNOTSUPP;
	}

	for (i = 0; i < ARRAY_SIZE(vmx_required_ctls); i++) {
		if (!vmx_ctl_allowed(msrs, &vmx_required_ctls[i])) {
			caps->missing = vmx_required_ctls[i].name;
			return -EOPNOTSUPP;
		}
	}
	for (i = 0; i < ARRAY_SIZE(vmx_required_ept_vpid); i++) {
		if (!(msrs->ept_vpid_cap & vmx_required_ept_vpid[i].any_of)) {
			caps->missing = vmx_required_ept_vpid[i].name;
			return -EOPNOTSUPP;
		}
	}

	caps->features = 0;
	for (i = 0; i < ARRAY_SIZE(vmx_optional_features); i++) {
		const struct vmx_optional_feature *opt =
			&vmx_optional_features[i];
		u64 msr = *(const u64 *)((const char *)msrs + opt->msr);

		if ((msr & opt->bits) == opt->bits)
			caps->features |= opt->feature;
	}
	caps->nr_asids = VMX_NR_VPIDS;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/* The Intel VMX backend. */
#include <linux/errno.h>
#include <asm/processor.h>
#include "../hv_ops.h"
#include "../msr.h"
#include "caps.h"
#include "vmx_hw.h"

static bool vmx_ident(void)
{
	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_INTEL:
	case X86_VENDOR_CENTAUR:
	case X86_VENDOR_ZHAOXIN:
		return true;
	default:
		return false;
	}
}

/*
 * Read the capability MSRs in dependency order: each one exists only if
 * an earlier one says so (SDM Vol. 3, Appendix A "VMX Capability
 * Reporting Facility"); the ones that do not exist stay 0.
 */
static bool vmx_read_cap_msrs(struct vmx_cap_msrs *m)
{
	bool true_ctls;

	if (!read_msr_safe(MSR_FEATURE_CONTROL, &m->feature_control) ||
	    !read_msr_safe(MSR_VMX_BASIC, &m->basic))
		return false;

	true_ctls = m->basic & VMX_BASIC_HAS_TRUE_CTLS;
	if (!read_msr_safe(true_ctls ? MSR_VMX_TRUE_PINBASED_CTLS :
			  MSR_VMX_PINBASED_CTLS, &m->pinbased) ||
	    !read_msr_safe(true_ctls ? MSR_VMX_TRUE_PROCBASED_CTLS :
			  MSR_VMX_PROCBASED_CTLS, &m->procbased) ||
	    !read_msr_safe(true_ctls ? MSR_VMX_TRUE_EXIT_CTLS :
			  MSR_VMX_EXIT_CTLS, &m->exit) ||
	    !read_msr_safe(true_ctls ? MSR_VMX_TRUE_ENTRY_CTLS :
			  MSR_VMX_ENTRY_CTLS, &m->entry))
		return false;

	if (!((m->procbased >> 32) & CPU_ACTIVATE_SECONDARY_CONTROLS))
		return true;
	if (!read_msr_safe(MSR_VMX_PROCBASED_CTLS2, &m->procbased2))
		return false;

	if (!((m->procbased2 >> 32) & (CPU2_ENABLE_EPT | CPU2_ENABLE_VPID)))
		return true;
	return read_msr_safe(MSR_VMX_EPT_VPID_CAP, &m->ept_vpid_cap);
}

static int vmx_probe(struct hv_caps *caps)
{
	struct vmx_cap_msrs msrs = { .cpuid1_ecx = cpuid_ecx(1) };

	if ((msrs.cpuid1_ecx & CPUID_1_ECX_VMX) &&
	    !vmx_read_cap_msrs(&msrs)) {
		caps->missing = "readable VMX capability MSRs";
		return -EIO;
	}
	return vmx_caps_evaluate(&msrs, caps);
}

const struct hv_ops vmx_ops = {
	.name = "vmx",
	.ident = vmx_ident,
	.probe = vmx_probe,
};

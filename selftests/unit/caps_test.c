// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module's load-time probe decisions, fed with synthetic CPUID and
 * MSR values: a CPU like the emulated hosts' passes, and each missing
 * requirement refuses with the errno and reason the module reports.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvmlite.h>
#include "../lib/tap.h"
#include "../../kmod/svm/caps.h"
#include "../../kmod/svm/svm_hw.h"
#include "../../kmod/vmx/caps.h"
#include "../../kmod/vmx/vmx_hw.h"

#define ALLOW1(bits)	((u64)(bits) << 32)

/* A Skylake-like CPU with TRUE controls, EPT A/D and both INV* kinds. */
static const struct vmx_cap_msrs vmx_full = {
	.cpuid1_ecx = CPUID_1_ECX_VMX,
	.feature_control = FEATURE_CONTROL_LOCKED |
			   FEATURE_CONTROL_VMX_OUTSIDE_SMX,
	.basic = VMX_BASIC_HAS_TRUE_CTLS |
		 (u64)VMX_MEMTYPE_WB << VMX_BASIC_MEMTYPE_SHIFT,
	.pinbased = ALLOW1(PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING |
			   PIN_VIRTUAL_NMIS) | 0x16,
	.procbased = ALLOW1(0xfff9fffe) | 0x04006172,
	.procbased2 = ALLOW1(CPU2_ENABLE_EPT | CPU2_ENABLE_RDTSCP |
			     CPU2_ENABLE_VPID | CPU2_UNRESTRICTED_GUEST),
	.exit = ALLOW1(0x01ffefff) | 0x36dfb,
	.entry = ALLOW1(0x0003ffff) | 0x11fb,
	.ept_vpid_cap = EPT_CAP_WALK_LENGTH_4 | EPT_CAP_MEMTYPE_WB |
			EPT_CAP_2M_PAGES | EPT_CAP_INVEPT | EPT_CAP_AD_FLAGS |
			EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL |
			VPID_CAP_INVVPID | VPID_CAP_INVVPID_SINGLE |
			VPID_CAP_INVVPID_ALL,
};

enum vmx_field { PIN, PROC, PROC2, EXIT, ENTRY, EPT, BASIC, FEATCTL,
		 CPUID1 };

struct vmx_case {
	const char *name;
	enum vmx_field field;
	u64 clear;		/* bits taken away from vmx_full */
	u64 set;		/* bits added */
	int err;
	const char *missing;
};

static const struct vmx_case vmx_cases[] = {
	{ "full", PIN, 0, 0, 0, NULL },
	{ "no VMX", CPUID1, CPUID_1_ECX_VMX, 0, -ENODEV, "VMX in CPUID" },
	{ "feature control unlocked", FEATCTL, FEATURE_CONTROL_LOCKED, 0,
	  -EPERM, "VMX enabled by firmware (IA32_FEATURE_CONTROL)" },
	{ "VMX only inside SMX", FEATCTL, FEATURE_CONTROL_VMX_OUTSIDE_SMX, 0,
	  -EPERM, "VMX enabled by firmware (IA32_FEATURE_CONTROL)" },
	{ "uncached VMCS", BASIC, 0xfULL << VMX_BASIC_MEMTYPE_SHIFT, 0,
	  -EOPNOTSUPP, "write-back VMCS memory type" },
	{ "32-bit VMCS addresses", BASIC, 0, VMX_BASIC_32BIT_ADDRESSES,
	  -EOPNOTSUPP, "64-bit VMCS addresses" },
	{ "no NMI exiting", PIN, ALLOW1(PIN_NMI_EXITING), 0, -EOPNOTSUPP,
	  "NMI exiting" },
	{ "no virtual NMIs", PIN, ALLOW1(PIN_VIRTUAL_NMIS), 0, -EOPNOTSUPP,
	  "virtual NMIs" },
	{ "no MSR bitmaps", PROC, ALLOW1(CPU_USE_MSR_BITMAPS), 0,
	  -EOPNOTSUPP, "MSR bitmaps" },
	{ "no secondary controls", PROC,
	  ALLOW1(CPU_ACTIVATE_SECONDARY_CONTROLS), 0, -EOPNOTSUPP,
	  "secondary controls" },
	{ "CR3-load exiting forced on", PROC, 0, CPU_CR3_LOAD_EXITING,
	  -EOPNOTSUPP, "CR3-load exiting disabled" },
	{ "no EPT", PROC2, ALLOW1(CPU2_ENABLE_EPT), 0, -EOPNOTSUPP, "EPT" },
	{ "no VPID", PROC2, ALLOW1(CPU2_ENABLE_VPID), 0, -EOPNOTSUPP,
	  "VPID" },
	{ "no unrestricted guest", PROC2, ALLOW1(CPU2_UNRESTRICTED_GUEST), 0,
	  -EOPNOTSUPP, "unrestricted guest" },
	{ "no interrupt acknowledge on exit", EXIT,
	  ALLOW1(EXIT_ACK_INTERRUPT_ON_EXIT), 0, -EOPNOTSUPP,
	  "acknowledge interrupt on exit" },
	{ "no EFER load on entry", ENTRY, ALLOW1(ENTRY_LOAD_EFER), 0,
	  -EOPNOTSUPP, "load IA32_EFER on entry" },
	{ "EPT without 4-level walk", EPT, EPT_CAP_WALK_LENGTH_4, 0,
	  -EOPNOTSUPP, "EPT 4-level page walk" },
	{ "EPT without write-back", EPT, EPT_CAP_MEMTYPE_WB, 0, -EOPNOTSUPP,
	  "EPT write-back memory type" },
	{ "INVEPT without a usable type", EPT,
	  EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL, 0, -EOPNOTSUPP,
	  "INVEPT single- or all-context" },
	{ "no INVVPID", EPT, VPID_CAP_INVVPID, 0, -EOPNOTSUPP, "INVVPID" },
	{ "INVEPT all-context only", EPT, EPT_CAP_INVEPT_SINGLE, 0, 0, NULL },
};

static u64 *vmx_field(struct vmx_cap_msrs *m, enum vmx_field f)
{
	switch (f) {
	case PIN:
		return &m->pinbased;
	case PROC:
		return &m->procbased;
	case PROC2:
		return &m->procbased2;
	case EXIT:
		return &m->exit;
	case ENTRY:
		return &m->entry;
	case EPT:
		return &m->ept_vpid_cap;
	case BASIC:
		return &m->basic;
	case FEATCTL:
		return &m->feature_control;
	case CPUID1:
		break;
	}
	return NULL;
}

static void run_vmx_case(const struct vmx_case *c)
{
	struct vmx_cap_msrs m = vmx_full;
	struct hv_caps caps = { 0 };
	u64 *field = vmx_field(&m, c->field);
	int err;

	if (field)
		*field = (*field & ~c->clear) | c->set;
	else
		m.cpuid1_ecx = (m.cpuid1_ecx & ~c->clear) | c->set;

	err = vmx_caps_evaluate(&m, &caps);
	tap_result(err == c->err && caps.vendor == KVMLITE_VENDOR_INTEL_VMX &&
		   (c->missing ? caps.missing &&
			!strcmp(caps.missing, c->missing) : !caps.missing),
		   "vmx %s: %d (%s)", c->name, c->err,
		   c->missing ? c->missing : "accepted");
	if (err != c->err)
		tap_diag("got %d, missing '%s'", err,
			 caps.missing ? caps.missing : "");
}

static void test_vmx_features(void)
{
	struct hv_caps caps = { 0 };
	u64 want = KVMLITE_FEAT_VMX_TRUE_CTLS | KVMLITE_FEAT_VMX_EPT_AD |
		   KVMLITE_FEAT_VMX_EPT_2M | KVMLITE_FEAT_VMX_INVEPT_SINGLE |
		   KVMLITE_FEAT_VMX_INVVPID_SINGLE | KVMLITE_FEAT_VMX_RDTSCP;

	vmx_caps_evaluate(&vmx_full, &caps);
	tap_result(caps.features == want && caps.nr_asids == 0xffff,
		   "vmx optional features and VPID count reported");
}

/* QEMU TCG's EPYC with +svm,+npt: NPT, 16 ASIDs, no NRIPS/decode assists */
static const struct svm_cap_regs svm_tcg = {
	.max_ext_leaf = 0x8000001f,
	.ext_ecx = CPUID_EXT_ECX_SVM,
	.svm_ebx = 16,
	.svm_edx = SVM_FEATURE_NPT,
};

struct svm_case {
	const char *name;
	struct svm_cap_regs regs;
	int err;
	const char *missing;
	u64 features;
};

static const struct svm_case svm_cases[] = {
	{ "TCG EPYC", svm_tcg, 0, NULL, 0 },
	{ "no SVM", { 0x8000001f, 0, 0, 16, SVM_FEATURE_NPT }, -ENODEV,
	  "SVM in CPUID" },
	{ "no extended leaves", { 0x80000000, CPUID_EXT_ECX_SVM }, -ENODEV,
	  "SVM in CPUID" },
	{ "SVM disabled by firmware",
	  { 0x8000001f, CPUID_EXT_ECX_SVM, VM_CR_SVMDIS, 16, SVM_FEATURE_NPT },
	  -EPERM, "SVM enabled by firmware (VM_CR.SVMDIS set)" },
	{ "no NPT", { 0x8000001f, CPUID_EXT_ECX_SVM, 0, 16, 0 }, -EOPNOTSUPP,
	  "nested paging (NPT)" },
	{ "no SVM leaf", { 0x80000008, CPUID_EXT_ECX_SVM }, -EOPNOTSUPP,
	  "nested paging (NPT)" },
	{ "only the host ASID",
	  { 0x8000001f, CPUID_EXT_ECX_SVM, 0, 1, SVM_FEATURE_NPT },
	  -EOPNOTSUPP, "a guest ASID" },
	{ "Zen with every assist",
	  { 0x8000001f, CPUID_EXT_ECX_SVM, 0, 32768,
	    SVM_FEATURE_NPT | SVM_FEATURE_NRIPS | SVM_FEATURE_VMCB_CLEAN |
	    SVM_FEATURE_FLUSH_BY_ASID | SVM_FEATURE_DECODE_ASSISTS },
	  0, NULL, KVMLITE_FEAT_SVM_NRIPS | KVMLITE_FEAT_SVM_VMCB_CLEAN |
	  KVMLITE_FEAT_SVM_FLUSH_BY_ASID | KVMLITE_FEAT_SVM_DECODE_ASSISTS },
};

static void run_svm_case(const struct svm_case *c)
{
	struct hv_caps caps = { 0 };
	int err = svm_caps_evaluate(&c->regs, &caps);
	bool ok = err == c->err && caps.vendor == KVMLITE_VENDOR_AMD_SVM;

	if (c->missing)
		ok = ok && caps.missing && !strcmp(caps.missing, c->missing);
	else
		ok = ok && !caps.missing && caps.features == c->features &&
		     caps.nr_asids == c->regs.svm_ebx - 1;
	tap_result(ok, "svm %s: %d (%s)", c->name, c->err,
		   c->missing ? c->missing : "accepted");
	if (!ok)
		tap_diag("got %d, missing '%s', features %#llx", err,
			 caps.missing ? caps.missing : "",
			 (unsigned long long)caps.features);
}

int main(void)
{
	size_t i;

	tap_plan(ARRAY_SIZE(vmx_cases) + 1 +
		 ARRAY_SIZE(svm_cases));
	for (i = 0; i < ARRAY_SIZE(vmx_cases); i++)
		run_vmx_case(&vmx_cases[i]);
	test_vmx_features();
	for (i = 0; i < ARRAY_SIZE(svm_cases); i++)
		run_svm_case(&svm_cases[i]);
	return tap_finish();
}

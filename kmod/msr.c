// SPDX-License-Identifier: GPL-2.0-only
/*
 * Model-specific registers a guest may use, for its RDMSR/WRMSR (every
 * MSR access exits: the permission map intercepts them all) and for
 * userspace's KVM_GET_MSRS/KVM_SET_MSRS. MSRs whose state the hardware
 * switches live in the vendor's control block and are the vendor's;
 * the rest are kept here. Anything else is #GP for the guest, as KVM
 * does by default.
 */
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "kvmlite.h"
#include "vcpu.h"
#include "vm.h"

/* Most entries one KVM_GET/SET_MSRS may carry, as in KVM. */
#define MSRS_MAX_ENTRIES	256

#define APIC_BASE_BSP		BIT_ULL(8)
#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_BASE_DEFAULT	(0xfee00000ULL | APIC_BASE_ENABLE)

/* Every MSR kvmlite emulates: what KVM_GET_MSR_INDEX_LIST reports. */
static const u32 msrs_supported[] = {
	MSR_IA32_TSC, MSR_TSC_AUX, MSR_IA32_APICBASE, MSR_IA32_MISC_ENABLE,
	MSR_IA32_CR_PAT, MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE, MSR_FS_BASE, MSR_GS_BASE,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

void vcpu_msrs_reset(struct vcpu *vcpu)
{
	vcpu->tsc_offset = vcpu->vm->tsc_offset;
	vcpu->apic_base = APIC_BASE_DEFAULT |
			  (vcpu->id == 0 ? APIC_BASE_BSP : 0);
}

static int msr_get_generic(struct vcpu *vcpu, u32 index, u64 *data)
{
	switch (index) {
	case MSR_IA32_TSC:
		*data = rdtsc() + vcpu->tsc_offset;
		return 0;
	case MSR_TSC_AUX:
		*data = vcpu->tsc_aux;
		return 0;
	case MSR_IA32_APICBASE:
		*data = vcpu->apic_base;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = vcpu->misc_enable;
		return 0;
	default:
		return hv->get_msr(vcpu, index, data);
	}
}

/* SDM/APM: a PAT entry holds UC, WC, WT, WP, WB or UC-; 2, 3 are reserved. */
static bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = (pat >> (i * 8)) & 0xff;

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/*
 * Values the CPU would refuse with #GP in the MSRs the vendor keeps:
 * checked here once for both.
 */
static bool msr_value_valid(u32 index, u64 data)
{
	switch (index) {
	case MSR_IA32_CR_PAT:
		return pat_valid(data);
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_SYSCALL_MASK:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		/* Addresses: canonical ones only. */
		return (s64)(data << 16) >> 16 == (s64)data;
	default:
		return true;
	}
}

/*
 * EFER: SCE, LME, NX and LMA exist. The guest cannot flip LME while
 * paging is on (SDM "IA32_EFER MSR", APM "Extended Feature Enable
 * Register"), and LMA is the CPU's to set; userspace restoring state
 * sets it too.
 */
static int msr_set_efer(struct vcpu *vcpu, u64 data, bool host)
{
	struct kvm_sregs sregs;

	if (data & ~(EFER_SCE | EFER_LME | EFER_NX | EFER_LMA))
		return -EINVAL;
	if (!host) {
		hv->get_sregs(vcpu, &sregs);
		if ((sregs.cr0 & X86_CR0_PG) &&
		    ((data ^ sregs.efer) & EFER_LME))
			return -EINVAL;
		data = (data & ~EFER_LMA) | (sregs.efer & EFER_LMA);
	}
	return hv->set_msr(vcpu, MSR_EFER, data, host);
}

static int msr_set_generic(struct vcpu *vcpu, u32 index, u64 data,
			   bool host)
{
	switch (index) {
	case MSR_IA32_TSC:
		vcpu->tsc_offset = data - rdtsc();
		return 0;
	case MSR_TSC_AUX:
		if (data >> 32)
			return -EINVAL;
		vcpu->tsc_aux = data;
		return 0;
	case MSR_IA32_APICBASE:
		/* No in-kernel APIC: the base is only remembered. */
		vcpu->apic_base = data;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		if (!host)
			return -EINVAL;
		vcpu->misc_enable = data;
		return 0;
	case MSR_EFER:
		return msr_set_efer(vcpu, data, host);
	case MSR_IA32_SYSENTER_CS:
		return hv->set_msr(vcpu, index, (u32)data, host);
	default:
		if (!msr_value_valid(index, data))
			return -EINVAL;
		return hv->set_msr(vcpu, index, data, host);
	}
}

int vcpu_emulate_rdmsr(struct vcpu *vcpu)
{
	u64 data;

	if (msr_get_generic(vcpu, (u32)vcpu->gprs[GPR_RCX], &data)) {
		vcpu_queue_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	vcpu->gprs[GPR_RAX] = (u32)data;
	vcpu->gprs[GPR_RDX] = data >> 32;
	vcpu_skip_instruction(vcpu);
	return 1;
}

int vcpu_emulate_wrmsr(struct vcpu *vcpu)
{
	u64 data = (u32)vcpu->gprs[GPR_RAX] | vcpu->gprs[GPR_RDX] << 32;

	if (msr_set_generic(vcpu, (u32)vcpu->gprs[GPR_RCX], data, false)) {
		vcpu_queue_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	vcpu_skip_instruction(vcpu);
	return 1;
}

/*
 * KVM_GET_MSRS / KVM_SET_MSRS: entries are processed in order up to the
 * first that fails; the return value is how many succeeded.
 */
long vcpu_ioctl_msrs(struct vcpu *vcpu, struct kvm_msrs __user *argp,
		     bool set)
{
	struct kvm_msr_entry *entries;
	struct kvm_msrs hdr;
	u32 i;
	long r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nmsrs >= MSRS_MAX_ENTRIES)
		return -E2BIG;
	entries = memdup_user(argp->entries,
			      array_size(hdr.nmsrs, sizeof(*entries)));
	if (IS_ERR(entries))
		return PTR_ERR(entries);

	for (i = 0; i < hdr.nmsrs; i++) {
		if (set ? msr_set_generic(vcpu, entries[i].index,
					  entries[i].data, true) :
			  msr_get_generic(vcpu, entries[i].index,
					  &entries[i].data))
			break;
	}
	r = i;
	if (!set && copy_to_user(argp->entries, entries,
				 array_size(i, sizeof(*entries))))
		r = -EFAULT;
	kfree(entries);
	return r;
}

long dev_get_msr_index_list(struct kvm_msr_list __user *argp)
{
	u32 n = ARRAY_SIZE(msrs_supported), asked;

	if (get_user(asked, &argp->nmsrs) || put_user(n, &argp->nmsrs))
		return -EFAULT;
	if (asked < n)
		return -E2BIG;
	if (copy_to_user(argp->indices, msrs_supported, sizeof(msrs_supported)))
		return -EFAULT;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUID as the guest sees it: the table userspace gave with
 * KVM_SET_CPUID2, nothing else.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "vcpu.h"

/* KVM's limit on a CPUID table. */
#define CPUID_MAX_ENTRIES	256

static const struct kvm_cpuid_entry2 *cpuid_find(struct vcpu *vcpu,
						 u32 function, u32 index)
{
	unsigned int i;

	for (i = 0; i < vcpu->cpuid_nr; i++) {
		const struct kvm_cpuid_entry2 *e = &vcpu->cpuid[i];

		if (e->function == function &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     e->index == index))
			return e;
	}
	return NULL;
}

/* A leaf missing from the table reads as zeros. */
void vcpu_emulate_cpuid(struct vcpu *vcpu)
{
	u64 *g = vcpu->gprs;
	const struct kvm_cpuid_entry2 *e =
		cpuid_find(vcpu, (u32)g[GPR_RAX], (u32)g[GPR_RCX]);

	g[GPR_RAX] = e ? e->eax : 0;
	g[GPR_RBX] = e ? e->ebx : 0;
	g[GPR_RCX] = e ? e->ecx : 0;
	g[GPR_RDX] = e ? e->edx : 0;
}

long vcpu_set_cpuid2(struct vcpu *vcpu, struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid_entry2 *entries = NULL;
	struct kvm_cpuid2 hdr;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent > CPUID_MAX_ENTRIES)
		return -E2BIG;
	if (hdr.nent) {
		entries = memdup_user(argp->entries,
				      array_size(hdr.nent, sizeof(*entries)));
		if (IS_ERR(entries))
			return PTR_ERR(entries);
	}
	kfree(vcpu->cpuid);
	vcpu->cpuid = entries;
	vcpu->cpuid_nr = hdr.nent;
	return 0;
}

long vcpu_get_cpuid2(struct vcpu *vcpu, struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid2 hdr;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < vcpu->cpuid_nr)
		return -E2BIG;
	if (copy_to_user(argp->entries, vcpu->cpuid,
			 array_size(vcpu->cpuid_nr, sizeof(*vcpu->cpuid))))
		return -EFAULT;
	return put_user(vcpu->cpuid_nr, &argp->nent) ? -EFAULT : 0;
}

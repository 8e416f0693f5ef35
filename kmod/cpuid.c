// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUID as the guest sees it: the table userspace gave with
 * KVM_SET_CPUID2, nothing else.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/processor.h>
#include "fpu.h"
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

/*
 * KVM_GET_SUPPORTED_CPUID: the host's CPUID, cut down to what a guest of
 * kvmlite really gets. Feature bits stay only where the hardware runs
 * the feature for the guest without help from us (instruction-set
 * extensions, paging features NPT/EPT carry) or where we emulate it;
 * everything needing device or interrupt-controller emulation (APIC,
 * x2APIC, TSC deadline, MCE), monitoring (PMU, MONITOR) or state we do
 * not switch (AVX-512, PKU, AMX) is cleared.
 */
struct cpuid_mask {
	u32 function;
	u32 index;
	u32 eax, ebx, ecx, edx;	/* bits kept; ~0 keeps the register */
};

#define F(bit)	BIT(bit)

static const struct cpuid_mask cpuid_masks[] = {
	{ 0x0, 0, 0, ~0U, ~0U, ~0U },
	{ 0x1, 0, ~0U, 0x0000ffff,	/* no APIC IDs: brand, CLFLUSH size */
	  F(0) | F(1) | F(9) | F(12) | F(13) | F(19) | F(20) | F(22) |
	  F(23) | F(25) | F(26) | F(28) | F(29) | F(30),
	  F(0) | F(1) | F(2) | F(3) | F(4) | F(5) | F(6) | F(8) | F(11) |
	  F(13) | F(15) | F(16) | F(17) | F(19) | F(23) | F(24) | F(25) |
	  F(26) },
	{ 0x7, 0, 0, F(0) | F(3) | F(5) | F(7) | F(8) | F(9) | F(18) |
	  F(19) | F(20) | F(23) | F(29), 0, 0 },
	{ 0xd, 0, GUEST_XCR0_SUPPORTED, 0, 0, 0 },	/* sizes: below */
	{ 0xd, 1, F(0), 0, 0, 0 },	/* XSAVEOPT only */
	{ 0xd, 2, ~0U, ~0U, ~0U, ~0U },	/* AVX state */
	{ 0x80000000, 0, ~0U, ~0U, ~0U, ~0U },
	{ 0x80000001, 0, ~0U, 0, F(0) | F(5) | F(6) | F(8),
	  F(11) | F(20) | F(26) | F(27) | F(29) },
	{ 0x80000002, 0, ~0U, ~0U, ~0U, ~0U },
	{ 0x80000003, 0, ~0U, ~0U, ~0U, ~0U },
	{ 0x80000004, 0, ~0U, ~0U, ~0U, ~0U },
	{ 0x80000008, 0, 0xffff, 0, 0, 0 },	/* address sizes */
};

/* XSAVE area sizes (standard format): legacy + header, then AVX. */
#define XSAVE_SIZE_SSE		576
#define XSAVE_SIZE_AVX		832

#define CPUID_1_ECX_XSAVE	F(26)
#define CPUID_1_ECX_AVX		F(28)
#define CPUID_7_EBX_AVX2	F(5)

/* Basic and extended leaves we describe; the rest are not offered. */
#define CPUID_MAX_BASIC		0xd
#define CPUID_MAX_EXTENDED	0x80000008

/*
 * XSAVE is offered only if the host uses it, AVX only if the guest can
 * enable it, and the area sizes are those of what the guest can enable.
 * Returns false for a leaf not to offer.
 */
static bool cpuid_fix_xsave(struct kvm_cpuid_entry2 *e)
{
	u64 xcr0 = guest_xcr0_allowed();
	bool avx = xcr0 & 0x4;

	switch (e->function) {
	case 0x1:
		if (!xcr0)
			e->ecx &= ~CPUID_1_ECX_XSAVE;
		if (!avx)
			e->ecx &= ~CPUID_1_ECX_AVX;
		return true;
	case 0x7:
		if (!avx)
			e->ebx &= ~CPUID_7_EBX_AVX2;
		return true;
	case 0xd:
		if (!xcr0 || (e->index == 2 && !avx))
			return false;
		if (e->index == 0) {
			e->eax = xcr0;
			e->ebx = avx ? XSAVE_SIZE_AVX : XSAVE_SIZE_SSE;
			e->ecx = e->ebx;
		}
		return true;
	default:
		return true;
	}
}

long dev_get_supported_cpuid(struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid_entry2 *entries;
	u32 max_basic = min_t(u32, cpuid_eax(0), CPUID_MAX_BASIC);
	u32 max_ext = min_t(u32, cpuid_eax(0x80000000), CPUID_MAX_EXTENDED);
	struct kvm_cpuid2 hdr;
	unsigned int i, n = 0;
	long r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < 1)
		return -E2BIG;
	entries = kcalloc(ARRAY_SIZE(cpuid_masks), sizeof(*entries),
			  GFP_KERNEL);
	if (!entries)
		return -ENOMEM;

	for (i = 0; i < ARRAY_SIZE(cpuid_masks); i++) {
		const struct cpuid_mask *m = &cpuid_masks[i];
		struct kvm_cpuid_entry2 *e = &entries[n];
		u32 max = m->function >= 0x80000000 ? max_ext : max_basic;

		if (m->function > max)
			continue;
		cpuid_count(m->function, m->index, &e->eax, &e->ebx, &e->ecx,
			    &e->edx);
		e->function = m->function;
		e->index = m->index;
		e->eax &= m->eax;
		e->ebx &= m->ebx;
		e->ecx &= m->ecx;
		e->edx &= m->edx;
		if (m->function == 0x7 || m->function == 0xd)
			e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
		if (m->function == 0x0)
			e->eax = max_basic;
		if (m->function == 0x80000000)
			e->eax = max_ext;
		if (m->function == 0x1)
			e->ecx |= F(31);	/* running under a hypervisor */
		if (!cpuid_fix_xsave(e))
			continue;
		n++;
	}

	r = -E2BIG;
	if (hdr.nent < n)
		goto out;
	r = -EFAULT;
	if (copy_to_user(argp->entries, entries, array_size(n, sizeof(*entries))) ||
	    put_user(n, &argp->nent))
		goto out;
	r = 0;
out:
	kfree(entries);
	return r;
}

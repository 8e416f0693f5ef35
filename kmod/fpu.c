// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest FPU state switching with XSAVE/XRSTOR around each guest entry.
 * Simple and portable across kernels (it needs only kernel_fpu_begin());
 * the price is one XRSTOR and one XSAVE per entry. A host kernel that
 * does not use XSAVE (Bochs' CPU model makes Linux turn it off) gets
 * FXSAVE/FXRSTOR: x87 and SSE state only, and no XSETBV for guests.
 */
#include <linux/errno.h>
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include "fpu.h"
#include "vcpu.h"

static u64 host_xcr0;		/* 0: the host does not use XSAVE */

static u64 read_xcr0(void)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (u64)hi << 32 | lo;
}

static void write_xcr0(u64 val)
{
	asm volatile("xsetbv" : : "a"((u32)val), "d"((u32)(val >> 32)),
		     "c"(0) : "memory");
}

static void xsave_area(void *area, u64 mask)
{
	asm volatile("xsave64 %0" : "+m"(*(u8 (*)[PAGE_SIZE])area)
		     : "a"((u32)mask), "d"((u32)(mask >> 32)) : "memory");
}

static void xrstor_area(void *area, u64 mask)
{
	asm volatile("xrstor64 %0" : : "m"(*(u8 (*)[PAGE_SIZE])area),
		     "a"((u32)mask), "d"((u32)(mask >> 32)) : "memory");
}

static void fxsave_area(void *area)
{
	asm volatile("fxsave64 %0" : "=m"(*(u8 (*)[512])area) : : "memory");
}

static void fxrstor_area(void *area)
{
	asm volatile("fxrstor64 %0" : : "m"(*(u8 (*)[512])area) : "memory");
}

void guest_fpu_init(void)
{
	if (boot_cpu_has(X86_FEATURE_OSXSAVE))
		host_xcr0 = read_xcr0();
}

#define FCW_RESET	0x37f
#define MXCSR_RESET	0x1f80

/*
 * A fresh area: every component in its initial state (XSTATE_BV 0), and
 * the two values XRSTOR takes from memory even then, or that FXRSTOR
 * always does: FCW and MXCSR at their reset values.
 */
void guest_fpu_reset(void *area)
{
	memset(area, 0, PAGE_SIZE);
	*(u16 *)area = FCW_RESET;
	*(u32 *)(area + 24) = MXCSR_RESET;
}

u64 guest_xcr0_allowed(void)
{
	return host_xcr0 & GUEST_XCR0_SUPPORTED;
}

/*
 * Called with preemption enabled; returns with it disabled until
 * guest_fpu_leave(). The area starts zeroed: XRSTOR of a zero XSAVE
 * header puts every component in its initial state.
 */
void guest_fpu_enter(struct vcpu *vcpu)
{
	kernel_fpu_begin();
	if (!host_xcr0) {
		fxrstor_area(vcpu->fpu);
		return;
	}
	/*
	 * Everything the guest may hold, not only what its XCR0 enables
	 * now: SSE registers live whatever XCR0 says (CR4.OSFXSR is enough),
	 * and they must be the guest's, never the host's.
	 */
	xrstor_area(vcpu->fpu, guest_xcr0_allowed());
	if (vcpu->xcr0 != host_xcr0)
		write_xcr0(vcpu->xcr0);
}

void guest_fpu_leave(struct vcpu *vcpu)
{
	u64 xcr0;

	if (!host_xcr0) {
		fxsave_area(vcpu->fpu);
		kernel_fpu_end();
		return;
	}
	/*
	 * XSETBV exits (the SVM intercept is set; VMX exits always), yet
	 * QEMU's TCG emulation of SVM ignores that intercept and lets the
	 * guest write XCR0 itself. Whatever the guest holds now is its
	 * XCR0, within what we switch: otherwise the next entry would put
	 * back a stale value and the guest's XSAVE areas would no longer
	 * match what its kernel enabled.
	 */
	xcr0 = read_xcr0();
	if (xcr0 != vcpu->xcr0)
		vcpu->xcr0 = xcr0 & guest_xcr0_allowed();
	if (xcr0 != host_xcr0)
		write_xcr0(host_xcr0);
	xsave_area(vcpu->fpu, guest_xcr0_allowed());
	kernel_fpu_end();
}

/*
 * The legacy region of an XSAVE/FXSAVE area (SDM Vol. 1, "FXSAVE"), and
 * the XSAVE header after it.
 */
#define FX_FCW		0
#define FX_FSW		2
#define FX_FTW		4
#define FX_FOP		6
#define FX_FIP		8
#define FX_FDP		16
#define FX_MXCSR	24
#define FX_ST0		32
#define FX_XMM0		160
#define XSAVE_HEADER	512
#define XSAVE_HEADER_SIZE 64
#define MXCSR_VALID	0xffffU	/* bits the guest can set; the rest #GP */

static u64 *xstate_bv(void *area)
{
	return area + XSAVE_HEADER;
}

long vcpu_get_fpu(struct vcpu *vcpu, struct kvm_fpu __user *argp)
{
	const u8 *fx = vcpu->fpu;
	struct kvm_fpu fpu = { .fcw = FCW_RESET };
	u64 bv = host_xcr0 ? *xstate_bv(vcpu->fpu) : 0x3;

	/* A component XSAVE left in its initial state reads as that. */
	if (bv & 0x2)
		memcpy(fpu.xmm, fx + FX_XMM0, sizeof(fpu.xmm));
	fpu.mxcsr = *(u32 *)(fx + FX_MXCSR);
	if (!(bv & 0x1))
		return copy_to_user(argp, &fpu, sizeof(fpu)) ? -EFAULT : 0;

	memcpy(fpu.fpr, fx + FX_ST0, sizeof(fpu.fpr));
	fpu.fcw = *(u16 *)(fx + FX_FCW);
	fpu.fsw = *(u16 *)(fx + FX_FSW);
	fpu.ftwx = fx[FX_FTW];
	fpu.last_opcode = *(u16 *)(fx + FX_FOP);
	fpu.last_ip = *(u64 *)(fx + FX_FIP);
	fpu.last_dp = *(u64 *)(fx + FX_FDP);
	return copy_to_user(argp, &fpu, sizeof(fpu)) ? -EFAULT : 0;
}

long vcpu_set_fpu(struct vcpu *vcpu, struct kvm_fpu __user *argp)
{
	u8 *fx = vcpu->fpu;
	struct kvm_fpu fpu;

	if (copy_from_user(&fpu, argp, sizeof(fpu)))
		return -EFAULT;
	/* A reserved MXCSR bit would make the next XRSTOR fault. */
	if (fpu.mxcsr & ~MXCSR_VALID)
		return -EINVAL;
	memcpy(fx + FX_ST0, fpu.fpr, sizeof(fpu.fpr));
	*(u16 *)(fx + FX_FCW) = fpu.fcw;
	*(u16 *)(fx + FX_FSW) = fpu.fsw;
	fx[FX_FTW] = fpu.ftwx;
	*(u16 *)(fx + FX_FOP) = fpu.last_opcode;
	*(u64 *)(fx + FX_FIP) = fpu.last_ip;
	*(u64 *)(fx + FX_FDP) = fpu.last_dp;
	memcpy(fx + FX_XMM0, fpu.xmm, sizeof(fpu.xmm));
	*(u32 *)(fx + FX_MXCSR) = fpu.mxcsr;
	if (host_xcr0)	/* XRSTOR must load x87 and SSE, not reset them */
		*xstate_bv(fx) |= 0x3;
	return 0;
}

/* struct kvm_xsave is a standard-format XSAVE area, as ours is. */
long vcpu_get_xsave(struct vcpu *vcpu, struct kvm_xsave __user *argp)
{
	static_assert(sizeof(struct kvm_xsave) == PAGE_SIZE);
	u64 bv = 0x3;

	if (copy_to_user(argp, vcpu->fpu, PAGE_SIZE))
		return -EFAULT;
	/* An FXSAVE area has no header: say x87 and SSE are in it. */
	if (!host_xcr0 &&
	    copy_to_user((u8 __user *)argp + XSAVE_HEADER, &bv, sizeof(bv)))
		return -EFAULT;
	return 0;
}

long vcpu_set_xsave(struct vcpu *vcpu, struct kvm_xsave __user *argp)
{
	u8 *area = memdup_user(argp, PAGE_SIZE);
	u64 *hdr;
	int i;

	if (IS_ERR(area))
		return PTR_ERR(area);
	hdr = (u64 *)(area + XSAVE_HEADER);
	/*
	 * What XRSTOR would fault on (SDM Vol. 1 "XRSTOR"): components the
	 * guest cannot have, the compacted format, a non-zero reserved
	 * header, reserved MXCSR bits. Refused here, never hit in the host.
	 */
	for (i = 1; i < XSAVE_HEADER_SIZE / 8; i++)
		if (hdr[i])
			goto invalid;
	if ((hdr[0] & ~(host_xcr0 ? guest_xcr0_allowed() : 0x3)) ||
	    (*(u32 *)(area + FX_MXCSR) & ~MXCSR_VALID))
		goto invalid;
	memcpy(vcpu->fpu, area, PAGE_SIZE);
	if (!host_xcr0)
		memset(vcpu->fpu + XSAVE_HEADER, 0, XSAVE_HEADER_SIZE);
	kfree(area);
	return 0;
invalid:
	kfree(area);
	return -EINVAL;
}

long vcpu_get_xcrs(struct vcpu *vcpu, struct kvm_xcrs __user *argp)
{
	struct kvm_xcrs xcrs = { };

	if (host_xcr0) {
		xcrs.nr_xcrs = 1;
		xcrs.xcrs[0].xcr = 0;
		xcrs.xcrs[0].value = vcpu->xcr0;
	}
	return copy_to_user(argp, &xcrs, sizeof(xcrs)) ? -EFAULT : 0;
}

bool guest_xcr0_valid(u64 xcr0)
{
	/*
	 * SDM Vol. 1 "Enabling the XSAVE Feature Set": x87 must stay set
	 * and AVX needs SSE; nothing the guest was not offered.
	 */
	return !(xcr0 & ~guest_xcr0_allowed()) && (xcr0 & XCR0_X87) &&
	       (!(xcr0 & 0x4) || (xcr0 & 0x2));
}

long vcpu_set_xcrs(struct vcpu *vcpu, struct kvm_xcrs __user *argp)
{
	struct kvm_xcrs xcrs;
	u32 i;

	if (copy_from_user(&xcrs, argp, sizeof(xcrs)))
		return -EFAULT;
	if (!host_xcr0 || xcrs.flags || xcrs.nr_xcrs > KVM_MAX_XCRS)
		return -EINVAL;
	for (i = 0; i < xcrs.nr_xcrs; i++) {
		if (xcrs.xcrs[i].xcr != 0 || !guest_xcr0_valid(xcrs.xcrs[i].value))
			return -EINVAL;
	}
	for (i = 0; i < xcrs.nr_xcrs; i++)
		vcpu->xcr0 = xcrs.xcrs[i].value;
	return 0;
}

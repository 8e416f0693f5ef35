// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest FPU state switching with XSAVE/XRSTOR around each guest entry.
 * Simple and portable across kernels (it needs only kernel_fpu_begin());
 * the price is one XRSTOR and one XSAVE per entry.
 */
#include <linux/errno.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include "fpu.h"
#include "vcpu.h"

static u64 host_xcr0;

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

int guest_fpu_init(void)
{
	if (!boot_cpu_has(X86_FEATURE_XSAVE) ||
	    !boot_cpu_has(X86_FEATURE_OSXSAVE))
		return -EOPNOTSUPP;
	host_xcr0 = read_xcr0();
	return 0;
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
	xrstor_area(vcpu->fpu, vcpu->xcr0);
	if (vcpu->xcr0 != host_xcr0)
		write_xcr0(vcpu->xcr0);
}

void guest_fpu_leave(struct vcpu *vcpu)
{
	if (vcpu->xcr0 != host_xcr0)
		write_xcr0(host_xcr0);
	xsave_area(vcpu->fpu, vcpu->xcr0);
	kernel_fpu_end();
}

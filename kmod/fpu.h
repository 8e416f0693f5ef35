/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's FPU/SSE/AVX state. It is loaded into the registers only
 * inside a kernel_fpu_begin() section around each guest entry, so guest
 * and host (user or kernel) states never mix: the task's own state was
 * saved by kernel_fpu_begin() and comes back on its return to userspace.
 */
#ifndef KVMLITE_FPU_H
#define KVMLITE_FPU_H

#include <linux/types.h>

/* XSAVE components a guest may enable in XCR0 (x87, SSE, AVX). */
#define GUEST_XCR0_SUPPORTED	0x7ULL
#define XCR0_X87		0x1ULL

struct vcpu;

int guest_fpu_init(void);
u64 guest_xcr0_allowed(void);
void guest_fpu_enter(struct vcpu *vcpu);
void guest_fpu_leave(struct vcpu *vcpu);

#endif /* KVMLITE_FPU_H */

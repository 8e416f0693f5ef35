/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's FPU/SSE/AVX state. It is loaded into the registers only
 * inside a kernel_fpu_begin() section around each guest entry, so guest
 * and host (user or kernel) states never mix: the task's own state was
 * saved by kernel_fpu_begin() and comes back on its return to userspace.
 */
#ifndef KVMLITE_FPU_H
#define KVMLITE_FPU_H

#include <linux/compiler_types.h>
#include <linux/types.h>

/* XSAVE components a guest may enable in XCR0 (x87, SSE, AVX). */
#define GUEST_XCR0_SUPPORTED	0x7ULL
#define XCR0_X87		0x1ULL

struct vcpu;

void guest_fpu_init(void);
void guest_fpu_reset(void *area);
u64 guest_xcr0_allowed(void);
bool guest_xcr0_valid(u64 xcr0);
void guest_fpu_enter(struct vcpu *vcpu);
void guest_fpu_leave(struct vcpu *vcpu);

/* The FPU ioctls of a vCPU. */
struct kvm_fpu;
struct kvm_xsave;
struct kvm_xcrs;
long vcpu_get_fpu(struct vcpu *vcpu, struct kvm_fpu __user *argp);
long vcpu_set_fpu(struct vcpu *vcpu, struct kvm_fpu __user *argp);
long vcpu_get_xsave(struct vcpu *vcpu, struct kvm_xsave __user *argp);
long vcpu_set_xsave(struct vcpu *vcpu, struct kvm_xsave __user *argp);
long vcpu_get_xcrs(struct vcpu *vcpu, struct kvm_xcrs __user *argp);
long vcpu_set_xcrs(struct vcpu *vcpu, struct kvm_xcrs __user *argp);

#endif /* KVMLITE_FPU_H */

/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KVMLITE_GUEST_MEM_H
#define KVMLITE_GUEST_MEM_H

#include <linux/kvm.h>
#include <linux/types.h>

struct vcpu;
struct vm;

/* Copy guest-physical memory through the owner's mapping: 0 or -EFAULT. */
int vm_read_guest(struct vm *vm, u64 gpa, void *buf, size_t len);
int vm_write_guest(struct vm *vm, u64 gpa, const void *buf, size_t len);

/* Translate a guest linear address with the guest's own page tables. */
int guest_translate(struct vcpu *vcpu, const struct kvm_sregs *sregs,
		    u64 la, u64 *gpa);

/* Read up to @max instruction bytes at @la; returns how many were read. */
int guest_fetch_insn(struct vcpu *vcpu, const struct kvm_sregs *sregs,
		     u64 la, u8 *buf, unsigned int max);

#endif /* KVMLITE_GUEST_MEM_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few places where the kernels kvmlite supports (5.15 to 6.18)
 * differ, each behind one named helper.
 */
#ifndef KVMLITE_COMPAT_H
#define KVMLITE_COMPAT_H

#include <linux/kvm.h>
#include <linux/version.h>

/*
 * From 6.10 the kernel's view of struct kvm_run calls immediate_exit
 * immediate_exit__unsafe: userspace may change it at any moment, so it
 * is to be read once, as here.
 */
static inline bool kvm_run_immediate_exit(struct kvm_run *run)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	return READ_ONCE(run->immediate_exit__unsafe);
#else
	return READ_ONCE(run->immediate_exit);
#endif
}

#endif /* KVMLITE_COMPAT_H */

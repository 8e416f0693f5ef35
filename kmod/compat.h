/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel API differences between the host kernels kvmlite aims at
 * (5.15 to 6.18), each behind one named helper so that the code using it
 * reads the same on all of them.
 */
#ifndef KVMLITE_COMPAT_H
#define KVMLITE_COMPAT_H

#include <linux/kvm.h>
#include <linux/version.h>
#include <net/genetlink.h>

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

/*
 * From 6.1 a family says from which command on the core rejects requests
 * with reserved header fields set or with no policy; ours are all new,
 * so all of them. Older kernels have no such field.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define GENL_RESV_START_OP(cmd)		.resv_start_op = (cmd),
#else
#define GENL_RESV_START_OP(cmd)
#endif

/*
 * Binding to a multicast group needs a capability only where the kernel
 * has the group flags (6.7, and the stable kernels it was backported to);
 * elsewhere anyone in the namespace may listen.
 */
#ifdef GENL_MCAST_CAP_SYS_ADMIN
#define GENL_MCGRP_SYS_ADMIN		.flags = GENL_MCAST_CAP_SYS_ADMIN,
#else
#define GENL_MCGRP_SYS_ADMIN
#endif

/* The attributes a dump request carried, parsed by the genl core. */
static inline struct nlattr **genl_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* KVMLITE_COMPAT_H */

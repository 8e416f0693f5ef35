/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kvmlite's own user ABI: the device name and the few extensions it adds
 * to the KVM ioctl ABI of <linux/kvm.h>. Everything else a client uses on
 * /dev/kvmlite is KVM's, with KVM's numbers, structs and errno values.
 */
#ifndef _UAPI_LINUX_KVMLITE_H
#define _UAPI_LINUX_KVMLITE_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/kvm.h>

#define KVMLITE_DEVICE_NAME	"kvmlite"
#define KVMLITE_DEVICE_PATH	"/dev/" KVMLITE_DEVICE_NAME

/*
 * Capabilities of our own, for KVM_CHECK_EXTENSION. They live far above
 * KVM's range ("KL" << 16) so that a client can ask any device whether it
 * is kvmlite: /dev/kvm answers 0 for them.
 */
#define KVMLITE_CAP_BASE	0x4b4c0000
#define KVMLITE_CAP_INFO	(KVMLITE_CAP_BASE + 0)	/* KVMLITE_GET_INFO */

enum kvmlite_vendor {
	KVMLITE_VENDOR_INTEL_VMX = 1,
	KVMLITE_VENDOR_AMD_SVM = 2,
};

/*
 * Optional hardware features the loaded module found on every online CPU.
 * Required features (EPT/NPT, VPID, unrestricted guest, ...) are not
 * listed: without them the module does not load.
 */
#define KVMLITE_FEAT_VMX_TRUE_CTLS	(1ULL << 0)	/* IA32_VMX_TRUE_*_CTLS */
#define KVMLITE_FEAT_VMX_EPT_AD		(1ULL << 1)	/* EPT accessed/dirty */
#define KVMLITE_FEAT_VMX_EPT_2M		(1ULL << 2)
#define KVMLITE_FEAT_VMX_EPT_1G		(1ULL << 3)
#define KVMLITE_FEAT_VMX_INVEPT_SINGLE	(1ULL << 4)
#define KVMLITE_FEAT_VMX_INVVPID_SINGLE	(1ULL << 5)
#define KVMLITE_FEAT_VMX_RDTSCP		(1ULL << 6)
#define KVMLITE_FEAT_VMX_XSAVES		(1ULL << 7)
#define KVMLITE_FEAT_SVM_NRIPS		(1ULL << 32)	/* next-RIP save */
#define KVMLITE_FEAT_SVM_DECODE_ASSISTS	(1ULL << 33)
#define KVMLITE_FEAT_SVM_FLUSH_BY_ASID	(1ULL << 34)
#define KVMLITE_FEAT_SVM_VMCB_CLEAN	(1ULL << 35)

struct kvmlite_info {
	__u32 vendor;		/* enum kvmlite_vendor */
	__u32 nr_asids;		/* guest ASIDs (SVM) or VPIDs (VMX) */
	__u64 features;		/* KVMLITE_FEAT_* */
	__u64 reserved[6];	/* zero */
};

/* Our ioctl numbers sit at 0xe0 and up, far above KVM's. */
#define KVMLITE_GET_INFO	_IOR(KVMIO, 0xe0, struct kvmlite_info)

#endif /* _UAPI_LINUX_KVMLITE_H */

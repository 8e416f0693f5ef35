/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * kvmlite's own user ABI: the device name, the few extensions it adds to
 * the KVM ioctl ABI of <linux/kvm.h>, and the generic netlink family that
 * monitors VMs. Everything else a client uses on /dev/kvmlite is KVM's,
 * with KVM's numbers, structs and errno values.
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

/*
 * The debug device of `kvmlite run`, for guests that talk to the
 * runner: a byte written to KVMLITE_RUN_EXIT_PORT ends the run with that
 * byte as the runner's exit status; a write to KVMLITE_RUN_MARKER_PORT
 * marks a moment of the boot (the runner reports when the first came,
 * counted from the guest's first instruction).
 */
#define KVMLITE_RUN_EXIT_PORT	0x501
#define KVMLITE_RUN_MARKER_PORT	0x502

/* Our ioctl numbers sit at 0xe0 and up, far above KVM's. */
#define KVMLITE_GET_INFO	_IOR(KVMIO, 0xe0, struct kvmlite_info)

/*
 * Generic exit reasons: every exit from the guest is counted by one of
 * these, and the netlink family below exports the counters by them. The
 * values are ABI; new reasons are added before KVMLITE_EXIT_NR.
 */
enum kvmlite_exit_reason {
	KVMLITE_EXIT_NONE,		/* handled by the vendor code */
	KVMLITE_EXIT_EXTINT,		/* host interrupt */
	KVMLITE_EXIT_NMI,		/* host NMI */
	KVMLITE_EXIT_IO,		/* port I/O */
	KVMLITE_EXIT_S2_FAULT,		/* second-level (NPT/EPT) fault */
	KVMLITE_EXIT_CPUID,
	KVMLITE_EXIT_RDMSR,
	KVMLITE_EXIT_WRMSR,
	KVMLITE_EXIT_HLT,
	KVMLITE_EXIT_XSETBV,
	KVMLITE_EXIT_RDTSC,
	KVMLITE_EXIT_RDTSCP,
	KVMLITE_EXIT_HYPERCALL,
	KVMLITE_EXIT_PAUSE,
	KVMLITE_EXIT_INVD,		/* INVD and WBINVD */
	KVMLITE_EXIT_IRQ_WINDOW,
	KVMLITE_EXIT_NMI_WINDOW,
	KVMLITE_EXIT_SHUTDOWN,		/* triple fault */
	KVMLITE_EXIT_FAIL_ENTRY,	/* the hardware refused the guest state */
	KVMLITE_EXIT_UD,		/* an instruction the guest may not use */
	KVMLITE_EXIT_GP,		/* one it may not use here: #GP(0) */
	KVMLITE_EXIT_DR,		/* MOV to or from a debug register */
	KVMLITE_EXIT_EXCEPTION,		/* an intercepted exception (#AC, #DB) */
	KVMLITE_EXIT_UNKNOWN,		/* one we do not handle: internal error */
	KVMLITE_EXIT_CR,		/* a control-register write (VMX) */
	KVMLITE_EXIT_NR
};

/*
 * Monitoring over generic netlink: family KVMLITE_GENL_NAME, in the
 * initial network namespace.
 *
 * KVMLITE_CMD_GET_VM (dump only) answers one message per VM with the
 * KVMLITE_A_VM_* attributes; KVMLITE_A_VM_ID in the request limits it to
 * that VM. KVMLITE_CMD_GET_VCPU (dump only) needs KVMLITE_A_VM_ID and
 * answers one message per vCPU of that VM: KVMLITE_A_VM_ID and the
 * KVMLITE_A_VCPU_* attributes. Requests carry no other attribute: an
 * unknown attribute, one of the wrong type or size, or a missing required
 * one fails the request with EINVAL and an extended-ACK message.
 *
 * Access: a caller with CAP_SYS_ADMIN sees every VM; any other caller
 * sees only the VMs created by a process of its own effective uid. The
 * multicast group KVMLITE_GENL_MCGRP_EVENTS is for CAP_SYS_ADMIN only.
 *
 * Counters are read while vCPUs run: each is exact on its own, a set of
 * them is not one snapshot.
 */
#define KVMLITE_GENL_NAME		"kvmlite"
#define KVMLITE_GENL_VERSION		1
#define KVMLITE_GENL_MCGRP_EVENTS	"events"

enum kvmlite_genl_cmd {
	KVMLITE_CMD_UNSPEC,
	KVMLITE_CMD_GET_VM,
	KVMLITE_CMD_GET_VCPU,
	/* Events, multicast to KVMLITE_GENL_MCGRP_EVENTS: */
	KVMLITE_CMD_VM_CREATED,		/* the KVMLITE_A_VM_* of GET_VM */
	KVMLITE_CMD_VM_DESTROYED,	/* KVMLITE_A_VM_ID */
	KVMLITE_CMD_VCPU_CREATED,	/* KVMLITE_A_VM_ID, KVMLITE_A_VCPU_ID */
	/*
	 * KVM_RUN returned KVM_EXIT_SHUTDOWN, KVM_EXIT_FAIL_ENTRY or
	 * KVM_EXIT_INTERNAL_ERROR: KVMLITE_A_VM_ID, KVMLITE_A_VCPU_ID,
	 * KVMLITE_A_EXIT_KVM_REASON and KVMLITE_A_EXIT_HW_REASON.
	 */
	KVMLITE_CMD_VCPU_EXIT,
	/*
	 * KVM_SET_USER_MEMORY_REGION changed a slot: KVMLITE_A_VM_ID and
	 * the KVMLITE_A_MEMSLOT_* attributes, with the slot as it is now
	 * (as it was, for a deletion).
	 */
	KVMLITE_CMD_MEMSLOT_CHANGED,
	__KVMLITE_CMD_MAX,
	KVMLITE_CMD_MAX = __KVMLITE_CMD_MAX - 1
};

enum kvmlite_genl_attr {
	KVMLITE_A_UNSPEC,
	KVMLITE_A_PAD,			/* aligns the u64 attributes */
	KVMLITE_A_VM_ID,		/* u32, unique while the module is loaded */
	KVMLITE_A_VM_PID,		/* u32, tgid of the creating process */
	KVMLITE_A_VM_COMM,		/* string, its comm at creation */
	KVMLITE_A_VM_UID,		/* u32, its effective uid */
	KVMLITE_A_VM_NR_VCPUS,		/* u32 */
	KVMLITE_A_VM_NR_MEMSLOTS,	/* u32 */
	KVMLITE_A_VM_S2_MAPPED_BYTES,	/* u64, mapped in second-level tables */
	KVMLITE_A_VM_CREATED_NS,	/* u64, CLOCK_BOOTTIME at creation */
	KVMLITE_A_VCPU_ID,		/* u32 */
	/*
	 * Nested: one u64 per generic exit reason, the attribute type being
	 * enum kvmlite_exit_reason plus one (type 0 is reserved).
	 */
	KVMLITE_A_VCPU_EXITS,
	KVMLITE_A_VCPU_USERSPACE_EXITS,	/* u64, KVM_RUN returns */
	KVMLITE_A_VCPU_S2_FAULTS,	/* u64, second-level faults handled */
	KVMLITE_A_VCPU_HOST_CPU,	/* u32, last run on; absent: never ran */
	KVMLITE_A_EXIT_KVM_REASON,	/* u32, kvm_run's KVM_EXIT_* */
	KVMLITE_A_EXIT_HW_REASON,	/* u64, the vendor's exit code */
	/* Pages whose second-level entries the host took away (zaps). */
	KVMLITE_A_VM_S2_ZAPPED_PAGES,	/* u64 */
	KVMLITE_A_VCPU_S2_MAPPED_PAGES,	/* u64, pages its faults mapped */
	KVMLITE_A_VCPU_IRQ_INJECTIONS,	/* u64, external interrupts */
	KVMLITE_A_VCPU_NMI_INJECTIONS,	/* u64 */
	/* u64, exceptions the kernel raised in the guest (#UD, #GP, ...) */
	KVMLITE_A_VCPU_EXCEPTION_INJECTIONS,
	KVMLITE_A_VCPU_GUEST_NS,	/* u64, time in guest mode */
	KVMLITE_A_MEMSLOT_ID,		/* u32, KVM's slot number */
	KVMLITE_A_MEMSLOT_CHANGE,	/* u32, enum kvmlite_memslot_change */
	KVMLITE_A_MEMSLOT_GPA,		/* u64, guest-physical base */
	KVMLITE_A_MEMSLOT_SIZE,		/* u64, bytes */
	KVMLITE_A_MEMSLOT_FLAGS,	/* u32, KVM_MEM_* */
	__KVMLITE_A_MAX,
	KVMLITE_A_MAX = __KVMLITE_A_MAX - 1
};

/* What KVMLITE_CMD_MEMSLOT_CHANGED reports, as KVM names the changes. */
enum kvmlite_memslot_change {
	KVMLITE_MEMSLOT_CREATE,
	KVMLITE_MEMSLOT_DELETE,
	KVMLITE_MEMSLOT_MOVE,		/* a new guest-physical base */
	KVMLITE_MEMSLOT_FLAGS,		/* new flags only */
};

#endif /* _UAPI_LINUX_KVMLITE_H */

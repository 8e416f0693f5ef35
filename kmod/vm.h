/* SPDX-License-Identifier: GPL-2.0-only */
/* A virtual machine: its memory slots, vCPUs and second-level tables. */
#ifndef KVMLITE_VM_H
#define KVMLITE_VM_H

#include <linux/cred.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>

#define KVMLITE_MAX_VCPUS	64
#define KVMLITE_MAX_MEMSLOTS	32
/* The largest slot KVM accepts, in pages: its page counts are 31-bit. */
#define MEMSLOT_MAX_PAGES	((1ULL << 31) - 1)

struct vcpu;

struct memslot {
	u64 base_gfn;
	u64 npages;
	unsigned long userspace_addr;
	u32 flags;		/* KVM_MEM_* */
	u32 id;
};

/* Replaced as a whole on every change; readers hold vm->srcu. */
struct memslots {
	unsigned int nr;
	struct memslot slot[KVMLITE_MAX_MEMSLOTS];
};

/*
 * Second-level page table: four levels in the vendor's format (NPT or
 * EPT). Guarded by mmu_lock; table pages live until the VM dies.
 */
struct s2_mmu {
	spinlock_t lock;	/* the tables and the fields below */
	u64 *root;
	/* MMU-notifier invalidations in flight and completed (see mmu.c). */
	unsigned long invalidate_seq;
	long invalidate_in_progress;
	u64 mapped_pages;
	/* Counted here: zaps come from MMU notifiers, not from a vCPU. */
	u64 zapped_pages;
};

/*
 * Locking legend: [c] constant after creation, [s] slots_lock,
 * [r] vm->srcu readers / slots_lock writers, [m] s2.lock, [g] the VM
 * registry's lock (genl.c).
 */
struct vm {
	struct kref ref;		/* the VM fd and each vCPU fd */
	struct mm_struct *mm;		/* [c] the owner; ioctls elsewhere: EIO */
	struct mutex slots_lock;	/* memslot changes and vCPU creation */
	struct srcu_struct srcu;
	struct memslots __rcu *slots;	/* [r] */
	struct vcpu *vcpus[KVMLITE_MAX_VCPUS];	/* [s] */
	unsigned int nr_vcpus;		/* [s] */
	struct s2_mmu s2;		/* [m] */
	struct mmu_notifier mmu_notifier;
	u64 tsc_offset;			/* [c] guest TSC = host TSC + offset */
	void *vendor;			/* [c] the backend's per-VM state */
	struct list_head registry;	/* [g] in genl.c's list of VMs */
	u32 id;				/* [c] the monitoring interface's */
	pid_t pid;			/* [c] tgid of the creator */
	kuid_t uid;			/* [c] its effective uid */
	char comm[TASK_COMM_LEN];	/* [c] */
	u64 created_ns;			/* [c] CLOCK_BOOTTIME */
};

void vm_get(struct vm *vm);
void vm_put(struct vm *vm);
int vm_create(unsigned long type);

/* Look up the slot holding @gfn; call with vm->srcu held. */
struct memslot *memslot_find(struct memslots *slots, u64 gfn);

/* Make every vCPU flush second-level TLB entries before it runs again. */
void vm_flush_remote_tlbs(struct vm *vm);

/* genl.c: the netlink family that lists VMs and sends their events */
int kvmlite_genl_init(void);
void kvmlite_genl_exit(void);
void kvmlite_genl_vm_add(struct vm *vm);
void kvmlite_genl_vm_remove(struct vm *vm);
void kvmlite_genl_vcpu_created(struct vcpu *vcpu);
void kvmlite_genl_vcpu_exit(struct vcpu *vcpu);
void kvmlite_genl_memslot_changed(struct vm *vm, const struct memslot *old,
				  const struct memslot *slot);

/* stats.c: KVM_GET_STATS_FD */
long vm_get_stats_fd(struct vm *vm);

/* mmu.c */
u64 s2_max_gfn(void);
int s2_mmu_init(struct vm *vm);
void s2_mmu_destroy(struct vm *vm);
int s2_fault(struct vcpu *vcpu, u64 gpa, bool write, bool *is_mmio);
void s2_cache_free(struct vcpu *vcpu);
void s2_zap_gfn_range(struct vm *vm, u64 gfn, u64 npages);
int s2_mmu_notifier_register(struct vm *vm);

#endif /* KVMLITE_VM_H */

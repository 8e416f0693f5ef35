/* SPDX-License-Identifier: GPL-2.0-only */
/* A virtual CPU: a host thread runs it through KVM_RUN. */
#ifndef KVMLITE_VCPU_H
#define KVMLITE_VCPU_H

#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/signal.h>
#include <linux/types.h>
#include "emulate.h"
#include "exit.h"

struct vm;

/* General-purpose registers in the x86 encoding order. */
enum {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	NR_GPRS
};

/* Segment registers in the x86 encoding order. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, NR_SEGS };

/* vcpu->mode: whether an IPI will find the vCPU in guest mode. */
enum vcpu_mode { OUTSIDE_GUEST_MODE, IN_GUEST_MODE };

/* A second-level walk creates at most one table per level below the root. */
#define S2_CACHE_PAGES		3

/* vcpu->requests bits: work to do before the next entry. */
#define VCPU_REQ_TLB_FLUSH	0

/* What KVM_RUN must finish when userspace re-enters after an exit. */
enum vcpu_pending {
	PENDING_NONE,
	PENDING_PIO_OUT,	/* step past the OUT */
	PENDING_PIO_IN,		/* copy kvm_run's IN data into RAX, step */
	PENDING_MMIO,		/* finish the decoded instruction */
};

/*
 * Written only by the vCPU thread, read whole (64-bit stores) by the
 * netlink family without a lock: counting shares nothing on the exit path.
 */
struct vcpu_stats {
	u64 exits[KVMLITE_EXIT_NR];
	u64 exits_total;	/* KVM's "exits": every VM exit */
	u64 userspace_exits;
	u64 s2_faults;
	u64 s2_mapped_pages;	/* leaves its faults made present */
	u64 irq_injections;
	u64 nmi_injections;
	u64 exception_injections;
	u64 guest_ns;		/* in the vendor's vcpu_run */
};

/*
 * Locking legend: [c] constant after creation, [v] vcpu->mutex (held by
 * every vCPU ioctl), [a] atomic.
 */
struct vcpu {
	struct vm *vm;			/* [c] holds a reference */
	u32 id;				/* [c] */
	struct mutex mutex;
	struct kvm_run *run;		/* [c] the page userspace maps */
	int mode;			/* [a] enum vcpu_mode */
	unsigned long requests;		/* [a] VCPU_REQ_* */
	int cpu;			/* [v] host CPU of the last entry */
	u64 gprs[NR_GPRS];		/* [v] RAX and RSP included */
	u64 rip;			/* [v] */
	u64 rflags;			/* [v] */
	struct hv_exit exit;		/* [v] the last exit */
	enum vcpu_pending pending;	/* [v] */
	u64 pending_rip;		/* [v] RIP of the pending instruction */
	struct {
		bool queued;	/* KVM_INTERRUPT, not injected yet */
		u8 vector;
	} irq;				/* [v] */
	unsigned int nmi_pending;	/* [v] KVM_NMI, not injected yet */
	struct {
		u32 count;	/* elements in this exit */
		u64 gpa;	/* string I/O: where the elements are */
		u64 gpa2;	/* where the rest of a split element is */
		u32 split;	/* bytes of it in the first page, or 0 */
	} pio;				/* [v] the port access userspace handles */
	struct {
		struct mmio_insn insn;
		u64 gpa;
		u64 other_gpa;	/* MOVS from MMIO: where the element goes */
		bool write;
	} mmio;				/* [v] the access userspace handles */
	struct kvm_cpuid_entry2 *cpuid;	/* [v] KVM_SET_CPUID2 table */
	unsigned int cpuid_nr;		/* [v] */
	u64 xcr0;			/* [v] guest XCR0 */
	u64 tsc_offset;			/* [v] guest TSC = host TSC + this */
	u64 tsc_aux;			/* [v] */
	u64 apic_base;			/* [v] */
	u64 misc_enable;		/* [v] */
	u64 dr[8];			/* [v] guest DR0-3, DR6, DR7 */
	void *fpu;			/* [v] guest XSAVE area */
	void *s2_cache[S2_CACHE_PAGES];	/* [v] zeroed pages for s2 tables */
	unsigned int s2_cache_nr;	/* [v] */
	struct vcpu_stats stats;	/* [v] */
	sigset_t sigmask;		/* [v] KVM_SET_SIGNAL_MASK */
	bool has_sigmask;		/* [v] */
	void *vendor;			/* [c] the backend's per-vCPU state */
};

int vcpu_create(struct vm *vm, u32 id);
void vcpu_free(struct vcpu *vcpu);

void vcpu_skip_instruction(struct vcpu *vcpu);
void vcpu_queue_exception(struct vcpu *vcpu, u8 vector, bool has_error,
			  u32 error);

/* stats.c: KVM_GET_STATS_FD */
long vcpu_get_stats_fd(struct vcpu *vcpu);

/* irq.c */
void vcpu_inject_events(struct vcpu *vcpu);
bool vcpu_irq_window_exit(struct vcpu *vcpu);
void vcpu_post_run(struct vcpu *vcpu);
long vcpu_ioctl_nmi(struct vcpu *vcpu);
long vcpu_get_events(struct vcpu *vcpu, struct kvm_vcpu_events __user *argp);
long vcpu_set_events(struct vcpu *vcpu, struct kvm_vcpu_events __user *argp);
long vcpu_ioctl_interrupt(struct vcpu *vcpu,
			  struct kvm_interrupt __user *argp);

/* pio.c */
int vcpu_pio_exit(struct vcpu *vcpu);
int vcpu_pio_complete(struct vcpu *vcpu);

/* mmio.c */
int vcpu_mmio_exit(struct vcpu *vcpu, u64 gpa, bool write);
int vcpu_mmio_complete(struct vcpu *vcpu);

/* debugreg.c */
void vcpu_debugregs_reset(struct vcpu *vcpu);
int vcpu_emulate_mov_dr(struct vcpu *vcpu);
long vcpu_get_debugregs(struct vcpu *vcpu, struct kvm_debugregs __user *argp);
long vcpu_set_debugregs(struct vcpu *vcpu, struct kvm_debugregs __user *argp);

/* msr.c */
void vcpu_msrs_reset(struct vcpu *vcpu);
int vcpu_emulate_rdmsr(struct vcpu *vcpu);
int vcpu_emulate_wrmsr(struct vcpu *vcpu);
long vcpu_ioctl_msrs(struct vcpu *vcpu, struct kvm_msrs __user *argp,
		     bool set);
long dev_get_msr_index_list(struct kvm_msr_list __user *argp);

/* cpuid.c */
void vcpu_emulate_cpuid(struct vcpu *vcpu);
long vcpu_set_cpuid2(struct vcpu *vcpu, struct kvm_cpuid2 __user *argp);
long vcpu_get_cpuid2(struct vcpu *vcpu, struct kvm_cpuid2 __user *argp);
long dev_get_supported_cpuid(struct kvm_cpuid2 __user *argp);

#endif /* KVMLITE_VCPU_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic exit reasons. Vendor code turns each hardware exit into one of
 * these (its handler table is the only place that knows VMX or SVM exit
 * codes); generic code decides what happens next.
 */
#ifndef KVMLITE_EXIT_H
#define KVMLITE_EXIT_H

#include <linux/types.h>

enum hv_exit_reason {
	HV_EXIT_NONE,		/* handled by the vendor: resume the guest */
	HV_EXIT_EXTINT,		/* host interrupt, already taken */
	HV_EXIT_NMI,
	HV_EXIT_IO,
	HV_EXIT_S2_FAULT,	/* second-level (NPT/EPT) fault */
	HV_EXIT_CPUID,
	HV_EXIT_RDMSR,
	HV_EXIT_WRMSR,
	HV_EXIT_HLT,
	HV_EXIT_XSETBV,
	HV_EXIT_RDTSC,
	HV_EXIT_RDTSCP,
	HV_EXIT_HYPERCALL,
	HV_EXIT_PAUSE,
	HV_EXIT_INVD,		/* INVD and WBINVD */
	HV_EXIT_IRQ_WINDOW,
	HV_EXIT_NMI_WINDOW,
	HV_EXIT_SHUTDOWN,	/* triple fault */
	HV_EXIT_FAIL_ENTRY,	/* the hardware refused the guest state */
	HV_EXIT_UD,		/* an instruction the guest may not use: #UD */
	HV_EXIT_GP,		/* one it may not use here: #GP(0) */
	HV_EXIT_DR,		/* MOV to or from a debug register */
	HV_EXIT_EXCEPTION,	/* an intercepted exception (#AC, #DB) */
	HV_EXIT_UNKNOWN,	/* an exit we do not handle: internal error */
	HV_EXIT_NR
};

/* Details of the exit; which member is valid depends on the reason. */
struct hv_exit {
	enum hv_exit_reason reason;
	u64 hw_reason;		/* the vendor's code, for errors and stats */
	u64 next_rip;		/* after the exiting instruction, if any */
	union {
		struct {
			u16 port;
			u8 size;	/* 1, 2 or 4 */
			u8 addr_size;	/* 2, 4 or 8: for string ops */
			bool in;
			bool string;
			bool rep;
			u8 seg;		/* segment of a string OUTS, SEG_* */
		} io;
		struct {
			u64 gpa;
			bool write;
			bool fetch;
		} s2;
		struct {
			u8 num;
			bool write;
		} dr;
		struct {
			u8 vector;
			bool has_error;
			u32 error;
		} exception;
	};
};

const char *hv_exit_name(enum hv_exit_reason reason);

#endif /* KVMLITE_EXIT_H */

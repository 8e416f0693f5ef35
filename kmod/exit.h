/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exits as generic code sees them. Vendor code turns each hardware exit
 * into one of the generic reasons, enum kvmlite_exit_reason in the uapi
 * header (its handler table is the only place that knows VMX or SVM exit
 * codes); generic code decides what happens next.
 */
#ifndef KVMLITE_EXIT_H
#define KVMLITE_EXIT_H

#include <linux/types.h>
#include <linux/kvmlite.h>

enum cr_access { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW };

/* Details of the exit; which member is valid depends on the reason. */
struct hv_exit {
	enum kvmlite_exit_reason reason;
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
			u8 num;		/* CR0, CR4 or CR8 */
			u8 access;	/* enum cr_access */
			u8 gpr;		/* GPR_* of a MOV */
			u16 lmsw_src;	/* LMSW's operand */
		} cr;
		struct {
			u8 vector;
			bool has_error;
			u32 error;
		} exception;
	};
};

#endif /* KVMLITE_EXIT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMCB: AMD APM Vol. 2, Appendix B "Layout of VMCB" (control area at
 * offset 0, state save area at 0x400), and the exit codes of Appendix C
 * "SVM Intercept Exit Codes".
 */
#ifndef KVMLITE_VMCB_H
#define KVMLITE_VMCB_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* Intercept vector 3 (offset 0x0c) */
#define INTERCEPT_INTR			BIT(0)
#define INTERCEPT_NMI			BIT(1)
#define INTERCEPT_SMI			BIT(2)
#define INTERCEPT_INIT			BIT(3)
#define INTERCEPT_VINTR			BIT(4)
#define INTERCEPT_RDPMC			BIT(15)
#define INTERCEPT_CPUID			BIT(18)
#define INTERCEPT_IRET			BIT(20)
#define INTERCEPT_RSM			BIT(19)
#define INTERCEPT_INVD			BIT(22)
#define INTERCEPT_PAUSE			BIT(23)
#define INTERCEPT_HLT			BIT(24)
#define INTERCEPT_INVLPGA		BIT(26)
#define INTERCEPT_IOIO_PROT		BIT(27)
#define INTERCEPT_MSR_PROT		BIT(28)
#define INTERCEPT_TASK_SWITCH		BIT(29)
#define INTERCEPT_SHUTDOWN		BIT(31)
/* Intercept vector 4 (offset 0x10) */
#define INTERCEPT_VMRUN			BIT(0)
#define INTERCEPT_VMMCALL		BIT(1)
#define INTERCEPT_VMLOAD		BIT(2)
#define INTERCEPT_VMSAVE		BIT(3)
#define INTERCEPT_STGI			BIT(4)
#define INTERCEPT_CLGI			BIT(5)
#define INTERCEPT_SKINIT		BIT(6)
#define INTERCEPT_RDTSCP		BIT(7)
#define INTERCEPT_WBINVD		BIT(9)
#define INTERCEPT_MONITOR		BIT(10)
#define INTERCEPT_MWAIT			BIT(11)
#define INTERCEPT_XSETBV		BIT(13)
#define INTERCEPT_RDPRU			BIT(14)

#define TLB_CONTROL_DO_NOTHING		0
#define TLB_CONTROL_FLUSH_ALL		1
#define TLB_CONTROL_FLUSH_ASID		3

#define V_IRQ				BIT(8)
#define V_IGN_TPR			BIT(20)
#define V_INTR_MASKING			BIT(24)
#define INT_STATE_SHADOW		BIT(0)
#define NESTED_CTL_NP_ENABLE		BIT_ULL(0)

/* EVENTINJ and EXITINTINFO */
#define EVTINJ_VECTOR_MASK		0xff
#define EVTINJ_TYPE_MASK		(7 << 8)
#define EVTINJ_TYPE_INTR		(0 << 8)
#define EVTINJ_TYPE_NMI			(2 << 8)
#define EVTINJ_TYPE_EXCEPTION		(3 << 8)
#define EVTINJ_TYPE_SOFT		(4 << 8)	/* INTn */
#define EVTINJ_ERROR_VALID		BIT(11)
#define EVTINJ_VALID			BIT(31)

/* EXITINFO1 of an IOIO intercept */
#define IOIO_IN				BIT(0)
#define IOIO_STRING			BIT(2)
#define IOIO_REP			BIT(3)
#define IOIO_SIZE_SHIFT			4	/* SZ8, SZ16, SZ32 */
#define IOIO_ASIZE_SHIFT		7	/* A16, A32, A64 */
#define IOIO_SEG_SHIFT			10
#define IOIO_PORT_SHIFT			16

/* EXITINFO1 of a nested page fault: a #PF error code */
#define NPF_WRITE			BIT_ULL(1)
#define NPF_RESERVED			BIT_ULL(3)
#define NPF_FETCH			BIT_ULL(4)

/* Exit codes */
#define SVM_EXIT_READ_DR0		0x020	/* to 0x027 */
#define SVM_EXIT_WRITE_DR0		0x030	/* to 0x037 */
#define SVM_EXIT_EXCP_BASE		0x040
#define SVM_EXIT_INTR			0x060
#define SVM_EXIT_NMI			0x061
#define SVM_EXIT_SMI			0x062
#define SVM_EXIT_INIT			0x063
#define SVM_EXIT_VINTR			0x064
#define SVM_EXIT_RDPMC			0x06f
#define SVM_EXIT_CPUID			0x072
#define SVM_EXIT_IRET			0x074
#define SVM_EXIT_RSM			0x073
#define SVM_EXIT_INVD			0x076
#define SVM_EXIT_PAUSE			0x077
#define SVM_EXIT_HLT			0x078
#define SVM_EXIT_INVLPGA		0x07a
#define SVM_EXIT_IOIO			0x07b
#define SVM_EXIT_MSR			0x07c
#define SVM_EXIT_TASK_SWITCH		0x07d
#define SVM_EXIT_SHUTDOWN		0x07f
#define SVM_EXIT_VMRUN			0x080
#define SVM_EXIT_VMMCALL		0x081
#define SVM_EXIT_VMLOAD			0x082
#define SVM_EXIT_VMSAVE			0x083
#define SVM_EXIT_STGI			0x084
#define SVM_EXIT_CLGI			0x085
#define SVM_EXIT_SKINIT			0x086
#define SVM_EXIT_RDTSCP			0x087
#define SVM_EXIT_WBINVD			0x089
#define SVM_EXIT_MONITOR		0x08a
#define SVM_EXIT_MWAIT			0x08b
#define SVM_EXIT_XSETBV			0x08d
#define SVM_EXIT_RDPRU			0x08e
#define SVM_EXIT_NR_LEGACY		0x090	/* codes below index a table */
#define SVM_EXIT_NPF			0x400
#define SVM_EXIT_INVALID		((u64)-1)

struct vmcb_seg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
};

/* vmcb_seg.attrib: the descriptor's attribute bits, packed */
#define SEG_ATTR_TYPE_MASK		0xf
#define SEG_ATTR_S			BIT(4)
#define SEG_ATTR_DPL_SHIFT		5
#define SEG_ATTR_P			BIT(7)
#define SEG_ATTR_AVL			BIT(8)
#define SEG_ATTR_L			BIT(9)
#define SEG_ATTR_DB			BIT(10)
#define SEG_ATTR_G			BIT(11)

struct vmcb_control {
	u32 intercept_cr;
	u32 intercept_dr;
	u32 intercept_exceptions;
	u32 intercept_misc1;
	u32 intercept_misc2;
	u32 intercept_misc3;
	u8 reserved_18[0x3c - 0x18];
	u16 pause_filter_threshold;
	u16 pause_filter_count;
	u64 iopm_base_pa;
	u64 msrpm_base_pa;
	u64 tsc_offset;
	u32 asid;
	u8 tlb_control;
	u8 reserved_5d[3];
	u32 int_ctl;
	u32 int_vector;
	u32 int_state;
	u8 reserved_6c[4];
	u64 exit_code;
	u64 exit_info_1;
	u64 exit_info_2;
	u64 exit_int_info;
	u64 nested_ctl;
	u64 avic_vapic_bar;
	u64 ghcb_gpa;
	u64 event_inj;
	u64 nested_cr3;
	u64 virt_ext;
	u32 clean;
	u32 reserved_c4;
	u64 next_rip;
	u8 insn_len;
	u8 insn_bytes[15];
	u8 reserved_e0[0x400 - 0xe0];
};

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	u8 reserved_4a0[0x4cb - 0x4a0];
	u8 cpl;
	u32 reserved_4cc;
	u64 efer;
	u8 reserved_4d8[0x548 - 0x4d8];
	u64 cr4;
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;
	u8 reserved_580[0x5d8 - 0x580];
	u64 rsp;
	u64 s_cet;
	u64 ssp;
	u64 isst_addr;
	u64 rax;
	u64 star;
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	u64 kernel_gs_base;
	u64 sysenter_cs;
	u64 sysenter_esp;
	u64 sysenter_eip;
	u64 cr2;
	u8 reserved_648[0x668 - 0x648];
	u64 g_pat;
	u64 dbgctl;
	u64 br_from;
	u64 br_to;
	u64 last_excp_from;
	u64 last_excp_to;
};

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
};

#define VMCB_CHECK(s, field, off) \
	static_assert(offsetof(struct s, field) == (off))
VMCB_CHECK(vmcb_control, pause_filter_threshold, 0x3c);
VMCB_CHECK(vmcb_control, iopm_base_pa, 0x40);
VMCB_CHECK(vmcb_control, asid, 0x58);
VMCB_CHECK(vmcb_control, int_ctl, 0x60);
VMCB_CHECK(vmcb_control, exit_code, 0x70);
VMCB_CHECK(vmcb_control, exit_int_info, 0x88);
VMCB_CHECK(vmcb_control, event_inj, 0xa8);
VMCB_CHECK(vmcb_control, nested_cr3, 0xb0);
VMCB_CHECK(vmcb_control, next_rip, 0xc8);
VMCB_CHECK(vmcb_control, insn_bytes, 0xd1);
VMCB_CHECK(vmcb, save, 0x400);
VMCB_CHECK(vmcb_save, tr, 0x090);
VMCB_CHECK(vmcb_save, cpl, 0x0cb);
VMCB_CHECK(vmcb_save, efer, 0x0d0);
VMCB_CHECK(vmcb_save, cr4, 0x148);
VMCB_CHECK(vmcb_save, rip, 0x178);
VMCB_CHECK(vmcb_save, rsp, 0x1d8);
VMCB_CHECK(vmcb_save, rax, 0x1f8);
VMCB_CHECK(vmcb_save, cr2, 0x240);
VMCB_CHECK(vmcb_save, g_pat, 0x268);

#endif /* KVMLITE_VMCB_H */

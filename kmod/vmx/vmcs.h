/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMCS: field encodings (Intel SDM Vol. 3, Appendix B "Field Encoding
 * in VMCS"), exit reasons (Appendix C "VMX Basic Exit Reasons"), the
 * event-information formats, and the instructions that manage it.
 */
#ifndef KVMLITE_VMX_VMCS_H
#define KVMLITE_VMX_VMCS_H

#include <linux/bits.h>
#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <asm/asm.h>
#endif

/* 16-bit fields */
#define VMCS_VPID			0x0000
#define VMCS_GUEST_ES_SEL		0x0800	/* ES..TR: stride 2, SEG_* order */
#define VMCS_GUEST_LDTR_SEL		0x080c
#define VMCS_GUEST_TR_SEL		0x080e
#define VMCS_HOST_ES_SEL		0x0c00
#define VMCS_HOST_CS_SEL		0x0c02
#define VMCS_HOST_SS_SEL		0x0c04
#define VMCS_HOST_DS_SEL		0x0c06
#define VMCS_HOST_FS_SEL		0x0c08
#define VMCS_HOST_GS_SEL		0x0c0a
#define VMCS_HOST_TR_SEL		0x0c0c

/* 64-bit fields */
#define VMCS_IO_BITMAP_A		0x2000
#define VMCS_IO_BITMAP_B		0x2002
#define VMCS_MSR_BITMAP			0x2004
#define VMCS_TSC_OFFSET			0x2010
#define VMCS_EPT_POINTER		0x201a
#define VMCS_GUEST_PHYSICAL_ADDRESS	0x2400
#define VMCS_LINK_POINTER		0x2800
#define VMCS_GUEST_DEBUGCTL		0x2802
#define VMCS_GUEST_PAT			0x2804
#define VMCS_GUEST_EFER			0x2806
#define VMCS_GUEST_PDPTE0		0x280a	/* PDPTE0..3: stride 2 */
#define VMCS_HOST_PAT			0x2c00
#define VMCS_HOST_EFER			0x2c02

/* 32-bit fields */
#define VMCS_PIN_CONTROLS		0x4000
#define VMCS_CPU_CONTROLS		0x4002
#define VMCS_EXCEPTION_BITMAP		0x4004
#define VMCS_EXIT_CONTROLS		0x400c
#define VMCS_ENTRY_CONTROLS		0x4012
#define VMCS_ENTRY_INTR_INFO		0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR	0x4018
#define VMCS_ENTRY_INSN_LEN		0x401a
#define VMCS_CPU_CONTROLS2		0x401e
#define VMCS_INSN_ERROR			0x4400
#define VMCS_EXIT_REASON		0x4402
#define VMCS_EXIT_INTR_INFO		0x4404
#define VMCS_EXIT_INTR_ERROR		0x4406
#define VMCS_IDT_VECTORING_INFO		0x4408
#define VMCS_IDT_VECTORING_ERROR	0x440a
#define VMCS_EXIT_INSN_LEN		0x440c
#define VMCS_EXIT_INSN_INFO		0x440e
#define VMCS_GUEST_ES_LIMIT		0x4800	/* ES..TR: stride 2 */
#define VMCS_GUEST_LDTR_LIMIT		0x480c
#define VMCS_GUEST_TR_LIMIT		0x480e
#define VMCS_GUEST_GDTR_LIMIT		0x4810
#define VMCS_GUEST_IDTR_LIMIT		0x4812
#define VMCS_GUEST_ES_AR		0x4814	/* ES..TR: stride 2 */
#define VMCS_GUEST_LDTR_AR		0x4820
#define VMCS_GUEST_TR_AR		0x4822
#define VMCS_GUEST_INTERRUPTIBILITY	0x4824
#define VMCS_GUEST_ACTIVITY_STATE	0x4826
#define VMCS_GUEST_SYSENTER_CS		0x482a
#define VMCS_HOST_SYSENTER_CS		0x4c00

/* Natural-width fields */
#define VMCS_CR0_GUEST_HOST_MASK	0x6000
#define VMCS_CR4_GUEST_HOST_MASK	0x6002
#define VMCS_CR0_READ_SHADOW		0x6004
#define VMCS_CR4_READ_SHADOW		0x6006
#define VMCS_EXIT_QUALIFICATION		0x6400
#define VMCS_GUEST_CR0			0x6800
#define VMCS_GUEST_CR3			0x6802
#define VMCS_GUEST_CR4			0x6804
#define VMCS_GUEST_ES_BASE		0x6806	/* ES..TR: stride 2 */
#define VMCS_GUEST_FS_BASE		0x680e
#define VMCS_GUEST_GS_BASE		0x6810
#define VMCS_GUEST_LDTR_BASE		0x6812
#define VMCS_GUEST_TR_BASE		0x6814
#define VMCS_GUEST_GDTR_BASE		0x6816
#define VMCS_GUEST_IDTR_BASE		0x6818
#define VMCS_GUEST_DR7			0x681a
#define VMCS_GUEST_RSP			0x681c
#define VMCS_GUEST_RIP			0x681e
#define VMCS_GUEST_RFLAGS		0x6820
#define VMCS_GUEST_PENDING_DBG		0x6822
#define VMCS_GUEST_SYSENTER_ESP		0x6824
#define VMCS_GUEST_SYSENTER_EIP		0x6826
#define VMCS_HOST_CR0			0x6c00
#define VMCS_HOST_CR3			0x6c02
#define VMCS_HOST_CR4			0x6c04
#define VMCS_HOST_FS_BASE		0x6c06
#define VMCS_HOST_GS_BASE		0x6c08
#define VMCS_HOST_TR_BASE		0x6c0a
#define VMCS_HOST_GDTR_BASE		0x6c0c
#define VMCS_HOST_IDTR_BASE		0x6c0e
#define VMCS_HOST_SYSENTER_ESP		0x6c10
#define VMCS_HOST_SYSENTER_EIP		0x6c12
#define VMCS_HOST_RSP			0x6c14
#define VMCS_HOST_RIP			0x6c16

/* Basic exit reasons */
#define EXIT_EXCEPTION_NMI		0
#define EXIT_EXTERNAL_INTERRUPT		1
#define EXIT_TRIPLE_FAULT		2
#define EXIT_INIT			3
#define EXIT_SIPI			4
#define EXIT_INTERRUPT_WINDOW		7
#define EXIT_NMI_WINDOW			8
#define EXIT_TASK_SWITCH		9
#define EXIT_CPUID			10
#define EXIT_GETSEC			11
#define EXIT_HLT			12
#define EXIT_INVD			13
#define EXIT_RDPMC			15
#define EXIT_VMCALL			18
#define EXIT_VMCLEAR			19
#define EXIT_VMLAUNCH			20
#define EXIT_VMPTRLD			21
#define EXIT_VMPTRST			22
#define EXIT_VMREAD			23
#define EXIT_VMRESUME			24
#define EXIT_VMWRITE			25
#define EXIT_VMXOFF			26
#define EXIT_VMXON			27
#define EXIT_CR_ACCESS			28
#define EXIT_DR_ACCESS			29
#define EXIT_IO				30
#define EXIT_RDMSR			31
#define EXIT_WRMSR			32
#define EXIT_INVALID_GUEST_STATE	33
#define EXIT_MSR_LOAD_FAIL		34
#define EXIT_MWAIT			36
#define EXIT_MONITOR			39
#define EXIT_PAUSE			40
#define EXIT_MACHINE_CHECK		41
#define EXIT_EPT_VIOLATION		48
#define EXIT_EPT_MISCONFIG		49
#define EXIT_INVEPT			50
#define EXIT_RDTSCP			51
#define EXIT_INVVPID			53
#define EXIT_WBINVD			54
#define EXIT_XSETBV			55
#define EXIT_VMFUNC			59
#define EXIT_NR				60
#define EXIT_REASON_BASIC_MASK		0xffff
#define EXIT_REASON_ENTRY_FAILED	BIT(31)

/*
 * VM-entry and VM-exit interruption information and IDT-vectoring
 * information share one format (SDM "Information for VM Exits Due to
 * Vectored Events", "VM-Entry Controls for Event Injection").
 */
#define INTR_INFO_VECTOR_MASK		0xff
#define INTR_INFO_TYPE_MASK		(7U << 8)
#define INTR_TYPE_EXT_INTR		(0U << 8)
#define INTR_TYPE_NMI			(2U << 8)
#define INTR_TYPE_HARD_EXCEPTION	(3U << 8)
#define INTR_TYPE_SOFT_INTR		(4U << 8)
#define INTR_TYPE_PRIV_SOFT_EXCEPTION	(5U << 8)
#define INTR_TYPE_SOFT_EXCEPTION	(6U << 8)
#define INTR_INFO_ERROR_VALID		BIT(11)
#define INTR_INFO_NMI_UNBLOCKED_BY_IRET	BIT(12)
#define INTR_INFO_VALID			BIT(31)

/* Segment access rights (SDM "Guest Register State") */
#define VMX_AR_TYPE_MASK		0xf
#define VMX_AR_S			BIT(4)
#define VMX_AR_DPL_SHIFT		5
#define VMX_AR_P			BIT(7)
#define VMX_AR_AVL			BIT(12)
#define VMX_AR_L			BIT(13)
#define VMX_AR_DB			BIT(14)
#define VMX_AR_G			BIT(15)
#define VMX_AR_UNUSABLE			BIT(16)

/* Guest interruptibility state */
#define INTERRUPTIBILITY_STI		BIT(0)
#define INTERRUPTIBILITY_MOV_SS		BIT(1)
#define INTERRUPTIBILITY_NMI		BIT(3)

/* Exit qualification of EPT violations */
#define EPT_VIOLATION_READ		BIT(0)
#define EPT_VIOLATION_WRITE		BIT(1)
#define EPT_VIOLATION_FETCH		BIT(2)
#define EPT_VIOLATION_NMI_UNBLOCKED	BIT(12)

/* Exit qualification of I/O instructions */
#define IO_QUAL_SIZE_MASK		0x7	/* size - 1 */
#define IO_QUAL_IN			BIT(3)
#define IO_QUAL_STRING			BIT(4)
#define IO_QUAL_REP			BIT(5)
#define IO_QUAL_PORT_SHIFT		16

/* Exit qualification of control-register accesses */
#define CR_QUAL_CR_MASK			0xf
#define CR_QUAL_TYPE_SHIFT		4
#define CR_QUAL_TYPE_MASK		0x3
#define  CR_TYPE_MOV_TO_CR		0
#define  CR_TYPE_MOV_FROM_CR		1
#define  CR_TYPE_CLTS			2
#define  CR_TYPE_LMSW			3
#define CR_QUAL_GPR_SHIFT		8
#define CR_QUAL_GPR_MASK		0xf
#define CR_QUAL_LMSW_SRC_SHIFT		16

/* Exit qualification of MOV DR */
#define DR_QUAL_NUM_MASK		0x7
#define DR_QUAL_FROM_DR			BIT(4)

/* VM-exit instruction information of INS/OUTS */
#define INSN_INFO_ADDR_SIZE_SHIFT	7
#define INSN_INFO_SEG_SHIFT		15

#ifndef __ASSEMBLY__
/*
 * VMX instructions. Each may fault with #UD once VMX is off (after the
 * reboot notifier ran): the exception table then skips it, and a read
 * gives 0, so a late ioctl sees junk, not an oops.
 */
static __always_inline u64 vmcs_read(unsigned long field)
{
	unsigned long value = 0;

	asm volatile("1: vmread %[field], %[value]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+r" (value) : [field] "r" (field) : "cc");
	return value;
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	return vmcs_read(field);
}

static __always_inline void vmcs_write(unsigned long field, u64 value)
{
	asm volatile("1: vmwrite %[value], %[field]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : : [field] "r" (field), [value] "r" (value)
		     : "cc", "memory");
}

static __always_inline void vmcs_set_bits(unsigned long field, u32 bits)
{
	vmcs_write(field, vmcs_read32(field) | bits);
}

static __always_inline void vmcs_clear_bits(unsigned long field, u32 bits)
{
	vmcs_write(field, vmcs_read32(field) & ~bits);
}

/* VMCLEAR, VMPTRLD, VMXON: false on VMfail or a fault. */
#define VMX_PA_INSN(insn, pa)						\
({									\
	bool __ok = false;						\
									\
	asm volatile("1: " insn " %[addr]\n"				\
		     "   setna %[failed]\n"				\
		     "   xorb $1, %[failed]\n"				\
		     "2:\n"						\
		     _ASM_EXTABLE(1b, 2b)				\
		     : [failed] "+q" (__ok) : [addr] "m" (pa)		\
		     : "cc", "memory");					\
	__ok;								\
})

static __always_inline bool vmx_vmclear(u64 pa)
{
	return VMX_PA_INSN("vmclear", pa);
}

static __always_inline bool vmx_vmptrld(u64 pa)
{
	return VMX_PA_INSN("vmptrld", pa);
}

static __always_inline bool vmx_vmxon(u64 pa)
{
	return VMX_PA_INSN("vmxon", pa);
}

static __always_inline void vmx_vmxoff(void)
{
	asm volatile("1: vmxoff\n2:\n" _ASM_EXTABLE(1b, 2b) ::: "cc", "memory");
}

/* INVEPT and INVVPID types (SDM "INVEPT", "INVVPID") */
#define INVEPT_SINGLE_CONTEXT		1
#define INVEPT_ALL_CONTEXT		2

static __always_inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, reserved; } desc = { eptp, 0 };

	asm volatile("1: invept %[desc], %[type]\n2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : : [desc] "m" (desc), [type] "r" (type)
		     : "cc", "memory");
}

#endif /* __ASSEMBLY__ */
#endif /* KVMLITE_VMX_VMCS_H */

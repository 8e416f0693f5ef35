/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VMX hardware encodings: MSRs, capability bits and VM-execution
 * control bits. Intel SDM Vol. 3, Appendix A "VMX Capability Reporting
 * Facility" and chapter "VM-Execution Control Fields".
 */
#ifndef KVMLITE_VMX_HW_H
#define KVMLITE_VMX_HW_H

#include <linux/bits.h>

#define CPUID_1_ECX_VMX				BIT(5)

#define MSR_FEATURE_CONTROL			0x0000003a
#define   FEATURE_CONTROL_LOCKED		BIT_ULL(0)
#define   FEATURE_CONTROL_VMX_OUTSIDE_SMX	BIT_ULL(2)

#define MSR_VMX_BASIC				0x00000480
#define   VMX_BASIC_REVISION_MASK		0x7fffffffULL
#define   VMX_BASIC_32BIT_ADDRESSES		BIT_ULL(48)
#define   VMX_BASIC_MEMTYPE_SHIFT		50
#define   VMX_BASIC_MEMTYPE_MASK		0xfULL
#define   VMX_BASIC_INOUT_INFO			BIT_ULL(54)
#define   VMX_BASIC_HAS_TRUE_CTLS		BIT_ULL(55)
#define MSR_VMX_PINBASED_CTLS			0x00000481
#define MSR_VMX_PROCBASED_CTLS			0x00000482
#define MSR_VMX_EXIT_CTLS			0x00000483
#define MSR_VMX_ENTRY_CTLS			0x00000484
#define MSR_VMX_CR0_FIXED0			0x00000486
#define MSR_VMX_CR0_FIXED1			0x00000487
#define MSR_VMX_CR4_FIXED0			0x00000488
#define MSR_VMX_CR4_FIXED1			0x00000489
#define MSR_VMX_PROCBASED_CTLS2			0x0000048b
#define MSR_VMX_EPT_VPID_CAP			0x0000048c
#define   EPT_CAP_WALK_LENGTH_4			BIT_ULL(6)
#define   EPT_CAP_MEMTYPE_WB			BIT_ULL(14)
#define   EPT_CAP_2M_PAGES			BIT_ULL(16)
#define   EPT_CAP_1G_PAGES			BIT_ULL(17)
#define   EPT_CAP_INVEPT			BIT_ULL(20)
#define   EPT_CAP_AD_FLAGS			BIT_ULL(21)
#define   EPT_CAP_INVEPT_SINGLE			BIT_ULL(25)
#define   EPT_CAP_INVEPT_ALL			BIT_ULL(26)
#define   VPID_CAP_INVVPID			BIT_ULL(32)
#define   VPID_CAP_INVVPID_SINGLE		BIT_ULL(41)
#define   VPID_CAP_INVVPID_ALL			BIT_ULL(42)
#define MSR_VMX_TRUE_PINBASED_CTLS		0x0000048d
#define MSR_VMX_TRUE_PROCBASED_CTLS		0x0000048e
#define MSR_VMX_TRUE_EXIT_CTLS			0x0000048f
#define MSR_VMX_TRUE_ENTRY_CTLS			0x00000490

/* Memory type encoding shared by VMCS and EPT: write-back. */
#define VMX_MEMTYPE_WB				6

/* Pin-based VM-execution controls */
#define PIN_EXTERNAL_INTERRUPT_EXITING		BIT(0)
#define PIN_NMI_EXITING				BIT(3)
#define PIN_VIRTUAL_NMIS			BIT(5)

/* Primary processor-based VM-execution controls */
#define CPU_INTERRUPT_WINDOW_EXITING		BIT(2)
#define CPU_USE_TSC_OFFSETTING			BIT(3)
#define CPU_HLT_EXITING				BIT(7)
#define CPU_MWAIT_EXITING			BIT(10)
#define CPU_RDPMC_EXITING			BIT(11)
#define CPU_CR3_LOAD_EXITING			BIT(15)
#define CPU_CR3_STORE_EXITING			BIT(16)
#define CPU_CR8_LOAD_EXITING			BIT(19)
#define CPU_CR8_STORE_EXITING			BIT(20)
#define CPU_NMI_WINDOW_EXITING			BIT(22)
#define CPU_MOV_DR_EXITING			BIT(23)
#define CPU_USE_IO_BITMAPS			BIT(25)
#define CPU_USE_MSR_BITMAPS			BIT(28)
#define CPU_MONITOR_EXITING			BIT(29)
#define CPU_PAUSE_EXITING			BIT(30)
#define CPU_ACTIVATE_SECONDARY_CONTROLS		BIT(31)

/* Secondary processor-based VM-execution controls */
#define CPU2_ENABLE_EPT				BIT(1)
#define CPU2_ENABLE_RDTSCP			BIT(3)
#define CPU2_ENABLE_VPID			BIT(5)
#define CPU2_UNRESTRICTED_GUEST			BIT(7)
#define CPU2_ENABLE_XSAVES			BIT(20)

/* Primary VM-exit controls */
#define EXIT_SAVE_DEBUG_CONTROLS		BIT(2)
#define EXIT_HOST_ADDRESS_SPACE_SIZE		BIT(9)
#define EXIT_ACK_INTERRUPT_ON_EXIT		BIT(15)
#define EXIT_SAVE_PAT				BIT(18)
#define EXIT_LOAD_PAT				BIT(19)
#define EXIT_SAVE_EFER				BIT(20)
#define EXIT_LOAD_EFER				BIT(21)

/* VM-entry controls */
#define ENTRY_LOAD_DEBUG_CONTROLS		BIT(2)
#define ENTRY_IA32E_MODE_GUEST			BIT(9)
#define ENTRY_LOAD_PAT				BIT(14)
#define ENTRY_LOAD_EFER				BIT(15)

/* EPT paging-structure entries and the EPT pointer (SDM "EPT Overview") */
#define EPT_READ				BIT_ULL(0)
#define EPT_WRITE				BIT_ULL(1)
#define EPT_EXEC				BIT_ULL(2)
#define EPT_MEMTYPE_SHIFT			3
#define EPT_IGNORE_PAT				BIT_ULL(6)
#define EPT_ACCESSED				BIT_ULL(8)
#define EPT_DIRTY				BIT_ULL(9)
#define EPTP_WALK_LENGTH_4			(3ULL << 3)
#define EPTP_AD_ENABLE				BIT_ULL(6)

#endif /* KVMLITE_VMX_HW_H */

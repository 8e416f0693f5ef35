// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMX exit reasons to generic exit reasons: the only place that knows
 * them. Intel SDM Vol. 3, Appendix C "VMX Basic Exit Reasons" and the
 * section "Exit Qualification for VM Exits" for what the qualification
 * holds. Runs right after the exit, IRQs off, with the VMCS current.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/kvmlite.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/msr-index.h>
#include <asm/trapnr.h>
#include "vmcs.h"
#include "vmx.h"
#include "vmx_hw.h"

/*
 * "Acknowledge interrupt on exit" took the host's interrupt from the
 * APIC: run the host's handler for its vector, through the IDT, as the
 * CPU would have.
 */
static void vmx_decode_extint(struct vcpu *vcpu)
{
	u32 info = vmcs_read32(VMCS_EXIT_INTR_INFO);
	struct desc_ptr idt;
	gate_desc *gate;

	store_idt(&idt);
	gate = (gate_desc *)idt.address + (info & INTR_INFO_VECTOR_MASK);
	vmx_call_host_handler(gate_offset(gate));
}

/*
 * An exception the guest raised (#DB, #AC: the ones we intercept), or a
 * host NMI that arrived in the guest: NMI exiting kept it from the host,
 * so it is raised again for the host's own handler.
 */
static void vmx_decode_exception_nmi(struct vcpu *vcpu)
{
	u32 info = vmcs_read32(VMCS_EXIT_INTR_INFO);

	if ((info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI) {
		vcpu->exit.reason = KVMLITE_EXIT_NMI;
		apic->send_IPI(smp_processor_id(), NMI_VECTOR);
		return;
	}
	if (info & INTR_INFO_NMI_UNBLOCKED_BY_IRET)
		vmx_nmi_unblocked_by_iret();
	vcpu->exit.exception.vector = info & INTR_INFO_VECTOR_MASK;
	vcpu->exit.exception.has_error = info & INTR_INFO_ERROR_VALID;
	vcpu->exit.exception.error = vmcs_read32(VMCS_EXIT_INTR_ERROR);
}

/* A triple fault: the vCPU is reset, as on SVM and as KVM does. */
static void vmx_decode_triple_fault(struct vcpu *vcpu)
{
	memset(vcpu->gprs, 0, sizeof(vcpu->gprs));
	vmx_reset_guest_state(vcpu);
}

static void vmx_decode_irq_window(struct vcpu *vcpu)
{
	vmcs_clear_bits(VMCS_CPU_CONTROLS, CPU_INTERRUPT_WINDOW_EXITING);
}

static void vmx_decode_nmi_window(struct vcpu *vcpu)
{
	vmcs_clear_bits(VMCS_CPU_CONTROLS, CPU_NMI_WINDOW_EXITING);
}

static void vmx_decode_cr(struct vcpu *vcpu)
{
	u64 qual = vmcs_read(VMCS_EXIT_QUALIFICATION);

	vcpu->exit.cr.num = qual & CR_QUAL_CR_MASK;
	vcpu->exit.cr.access = (qual >> CR_QUAL_TYPE_SHIFT) & CR_QUAL_TYPE_MASK;
	vcpu->exit.cr.gpr = (qual >> CR_QUAL_GPR_SHIFT) & CR_QUAL_GPR_MASK;
	vcpu->exit.cr.lmsw_src = qual >> CR_QUAL_LMSW_SRC_SHIFT;
}

static void vmx_decode_dr(struct vcpu *vcpu)
{
	u64 qual = vmcs_read(VMCS_EXIT_QUALIFICATION);

	vcpu->exit.dr.num = qual & DR_QUAL_NUM_MASK;
	vcpu->exit.dr.write = !(qual & DR_QUAL_FROM_DR);
}

/* The default address size of the guest's code segment. */
static u8 vmx_code_addr_size(void)
{
	u32 cs_ar = vmcs_read32(VMCS_GUEST_ES_AR + 2 * SEG_CS);

	if ((vmcs_read(VMCS_GUEST_EFER) & EFER_LMA) && (cs_ar & VMX_AR_L))
		return 8;
	return cs_ar & VMX_AR_DB ? 4 : 2;
}

static void vmx_decode_io(struct vcpu *vcpu)
{
	u64 qual = vmcs_read(VMCS_EXIT_QUALIFICATION);
	u32 info;

	vcpu->exit.io.port = qual >> IO_QUAL_PORT_SHIFT;
	vcpu->exit.io.size = (qual & IO_QUAL_SIZE_MASK) + 1;
	vcpu->exit.io.in = qual & IO_QUAL_IN;
	vcpu->exit.io.string = qual & IO_QUAL_STRING;
	vcpu->exit.io.rep = qual & IO_QUAL_REP;
	vcpu->exit.io.seg = SEG_DS;
	vcpu->exit.io.addr_size = vmx_code_addr_size();
	if (!vcpu->exit.io.string || !vmx_config.io_insn_info)
		return;
	/* VMX_BASIC[54]: the exit says the address size and segment. */
	info = vmcs_read32(VMCS_EXIT_INSN_INFO);
	vcpu->exit.io.addr_size = 2 << ((info >> INSN_INFO_ADDR_SIZE_SHIFT) & 3);
	vcpu->exit.io.seg = (info >> INSN_INFO_SEG_SHIFT) & 7;
}

static void vmx_decode_ept_violation(struct vcpu *vcpu)
{
	u64 qual = vmcs_read(VMCS_EXIT_QUALIFICATION);

	vcpu->exit.s2.gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
	vcpu->exit.s2.write = qual & EPT_VIOLATION_WRITE;
	vcpu->exit.s2.fetch = qual & EPT_VIOLATION_FETCH;
	if (qual & EPT_VIOLATION_NMI_UNBLOCKED)
		vmx_nmi_unblocked_by_iret();
}

struct vmx_exit {
	u8 reason;		/* enum kvmlite_exit_reason */
	bool insn;		/* an instruction exited: next_rip is valid */
	void (*decode)(struct vcpu *vcpu);
};

#define INSN(r)		{ KVMLITE_EXIT_##r, true }

static const struct vmx_exit vmx_exits[EXIT_NR] = {
	[EXIT_EXCEPTION_NMI] = { KVMLITE_EXIT_EXCEPTION, false,
				 vmx_decode_exception_nmi },
	[EXIT_EXTERNAL_INTERRUPT] = { KVMLITE_EXIT_EXTINT, false,
				      vmx_decode_extint },
	[EXIT_TRIPLE_FAULT] = { KVMLITE_EXIT_SHUTDOWN, false,
				vmx_decode_triple_fault },
	[EXIT_INTERRUPT_WINDOW] = { KVMLITE_EXIT_IRQ_WINDOW, false,
				    vmx_decode_irq_window },
	[EXIT_NMI_WINDOW] = { KVMLITE_EXIT_NMI_WINDOW, false,
			      vmx_decode_nmi_window },
	[EXIT_CPUID] = INSN(CPUID),
	[EXIT_GETSEC] = INSN(UD),
	[EXIT_HLT] = INSN(HLT),
	[EXIT_INVD] = INSN(INVD),
	[EXIT_RDPMC] = INSN(GP),
	[EXIT_VMCALL] = INSN(HYPERCALL),
	[EXIT_VMCLEAR] = INSN(UD),
	[EXIT_VMLAUNCH] = INSN(UD),
	[EXIT_VMPTRLD] = INSN(UD),
	[EXIT_VMPTRST] = INSN(UD),
	[EXIT_VMREAD] = INSN(UD),
	[EXIT_VMRESUME] = INSN(UD),
	[EXIT_VMWRITE] = INSN(UD),
	[EXIT_VMXOFF] = INSN(UD),
	[EXIT_VMXON] = INSN(UD),
	[EXIT_CR_ACCESS] = { KVMLITE_EXIT_CR, true, vmx_decode_cr },
	[EXIT_DR_ACCESS] = { KVMLITE_EXIT_DR, true, vmx_decode_dr },
	[EXIT_IO] = { KVMLITE_EXIT_IO, true, vmx_decode_io },
	[EXIT_RDMSR] = INSN(RDMSR),
	[EXIT_WRMSR] = INSN(WRMSR),
	[EXIT_MWAIT] = INSN(UD),
	[EXIT_MONITOR] = INSN(UD),
	[EXIT_PAUSE] = INSN(PAUSE),
	[EXIT_EPT_VIOLATION] = { KVMLITE_EXIT_S2_FAULT, false,
				 vmx_decode_ept_violation },
	/* A misconfigured EPT entry is our bug: stop, don't loop. */
	[EXIT_EPT_MISCONFIG] = { KVMLITE_EXIT_UNKNOWN },
	[EXIT_INVEPT] = INSN(UD),
	[EXIT_INVVPID] = INSN(UD),
	[EXIT_WBINVD] = INSN(INVD),
	[EXIT_XSETBV] = INSN(XSETBV),
	[EXIT_VMFUNC] = INSN(UD),
};

void vmx_decode_exit(struct vcpu *vcpu, u32 exit_reason)
{
	u32 basic = exit_reason & EXIT_REASON_BASIC_MASK;
	const struct vmx_exit *e;

	vcpu->exit.hw_reason = exit_reason;
	/* Invalid guest state, MSR loading or a machine check at entry. */
	if (exit_reason & EXIT_REASON_ENTRY_FAILED) {
		vcpu->exit.reason = KVMLITE_EXIT_FAIL_ENTRY;
		return;
	}
	e = basic < ARRAY_SIZE(vmx_exits) ? &vmx_exits[basic] : NULL;
	/* Zero entries are reasons we never cause. */
	if (!e || e->reason == KVMLITE_EXIT_NONE) {
		vcpu->exit.reason = KVMLITE_EXIT_UNKNOWN;
		return;
	}
	vcpu->exit.reason = e->reason;
	if (e->insn)
		vcpu->exit.next_rip = vcpu->rip +
				      vmcs_read32(VMCS_EXIT_INSN_LEN);
	if (e->decode)
		e->decode(vcpu);
}

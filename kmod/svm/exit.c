// SPDX-License-Identifier: GPL-2.0-only
/*
 * SVM exit codes to generic exit reasons: the only place that knows them.
 * AMD APM Vol. 2, Appendix C "SVM Intercept Exit Codes" and section
 * "Instruction Intercepts" for what EXITINFO1/2 hold.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/kvmlite.h>
#include <asm/msr-index.h>
#include <asm/trapnr.h>
#include "../kvmlite.h"
#include "../vcpu.h"
#include "svm.h"

static void svm_decode_io(struct vcpu *vcpu, struct vmcb *vmcb)
{
	u64 info = vmcb->control.exit_info_1;

	vcpu->exit.io.in = info & IOIO_IN;
	vcpu->exit.io.string = info & IOIO_STRING;
	vcpu->exit.io.rep = info & IOIO_REP;
	vcpu->exit.io.size = (info >> IOIO_SIZE_SHIFT) & 0x7;
	vcpu->exit.io.addr_size = ((info >> IOIO_ASIZE_SHIFT) & 0x7) << 1;
	/*
	 * QEMU TCG leaves the address-size bits clear: take the default
	 * address size of the code segment (an 0x67 prefix is then missed).
	 */
	if (!vcpu->exit.io.addr_size)
		vcpu->exit.io.addr_size =
			(vmcb->save.efer & EFER_LMA) &&
			(vmcb->save.cs.attrib & SEG_ATTR_L) ? 8 :
			vmcb->save.cs.attrib & SEG_ATTR_DB ? 4 : 2;
	vcpu->exit.io.seg = (info >> IOIO_SEG_SHIFT) & 0x7;
	vcpu->exit.io.port = info >> IOIO_PORT_SHIFT;
	/* IOIO intercepts always give the next RIP, NRIP-save or not. */
	vcpu->exit.next_rip = vmcb->control.exit_info_2;
}

static void svm_decode_msr(struct vcpu *vcpu, struct vmcb *vmcb)
{
	if (vmcb->control.exit_info_1)
		vcpu->exit.reason = KVMLITE_EXIT_WRMSR;
}

/* The window is open: withdraw the virtual interrupt that found it. */
static void svm_decode_vintr(struct vcpu *vcpu, struct vmcb *vmcb)
{
	vmcb->control.int_ctl &= ~(V_IRQ | V_IGN_TPR);
	vmcb->control.intercept_misc1 &= ~INTERCEPT_VINTR;
}

/*
 * The guest's IRET out of its NMI handler: NMIs are unblocked once it
 * has executed, i.e. once RIP has moved on (see svm_nmi_allowed()).
 */
static void svm_decode_iret(struct vcpu *vcpu, struct vmcb *vmcb)
{
	struct svm_vcpu *svm = vcpu->vendor;

	vmcb->control.intercept_misc1 &= ~INTERCEPT_IRET;
	svm->nmi_masked = false;
	svm->awaiting_iret = true;
	svm->iret_rip = vmcb->save.rip;
}

/*
 * A shutdown (triple fault) leaves the VMCB's guest state undefined
 * (APM "Shutdown Intercept"): the vCPU is reset, as KVM does, and
 * userspace decides whether it runs again.
 */
static void svm_decode_shutdown(struct vcpu *vcpu, struct vmcb *vmcb)
{
	struct svm_vcpu *svm = vcpu->vendor;

	memset(vmcb, 0, sizeof(*vmcb));
	memset(vcpu->gprs, 0, sizeof(vcpu->gprs));
	svm_init_vmcb(vcpu, vmcb);
	svm->asid_cpu = -1;	/* a fresh ASID with the fresh VMCB */
	svm->nmi_masked = false;
	svm->awaiting_iret = false;
}

static void svm_decode_exception(struct vcpu *vcpu, struct vmcb *vmcb)
{
	u8 vector = vmcb->control.exit_code - SVM_EXIT_EXCP_BASE;

	vcpu->exit.exception.vector = vector;
	vcpu->exit.exception.has_error = vector == X86_TRAP_AC;
	vcpu->exit.exception.error = vmcb->control.exit_info_1;
}

struct svm_exit {
	u8 reason;		/* enum kvmlite_exit_reason */
	/*
	 * Length of the intercepted instruction, for CPUs without NRIP-save
	 * (QEMU TCG among them). Prefixes would make it longer; a guest that
	 * adds them only misleads itself.
	 */
	u8 insn_len;
	void (*decode)(struct vcpu *vcpu, struct vmcb *vmcb);
};

static const struct svm_exit svm_exits[SVM_EXIT_NR_LEGACY] = {
	[SVM_EXIT_EXCP_BASE + X86_TRAP_DB] = { KVMLITE_EXIT_EXCEPTION, 0,
					       svm_decode_exception },
	[SVM_EXIT_EXCP_BASE + X86_TRAP_AC] = { KVMLITE_EXIT_EXCEPTION, 0,
					       svm_decode_exception },
	[SVM_EXIT_INTR] = { KVMLITE_EXIT_EXTINT },
	[SVM_EXIT_NMI] = { KVMLITE_EXIT_NMI },
	[SVM_EXIT_VINTR] = { KVMLITE_EXIT_IRQ_WINDOW, 0, svm_decode_vintr },
	[SVM_EXIT_RDPMC] = { KVMLITE_EXIT_GP },
	[SVM_EXIT_CPUID] = { KVMLITE_EXIT_CPUID, 2 },
	[SVM_EXIT_IRET] = { KVMLITE_EXIT_NONE, 0, svm_decode_iret },
	[SVM_EXIT_INVD] = { KVMLITE_EXIT_INVD, 2 },
	[SVM_EXIT_PAUSE] = { KVMLITE_EXIT_PAUSE, 2 },
	[SVM_EXIT_HLT] = { KVMLITE_EXIT_HLT, 1 },
	[SVM_EXIT_INVLPGA] = { KVMLITE_EXIT_UD },
	[SVM_EXIT_IOIO] = { KVMLITE_EXIT_IO, 0, svm_decode_io },
	[SVM_EXIT_MSR] = { KVMLITE_EXIT_RDMSR, 2, svm_decode_msr },
	[SVM_EXIT_SHUTDOWN] = { KVMLITE_EXIT_SHUTDOWN, 0, svm_decode_shutdown },
	[SVM_EXIT_VMRUN] = { KVMLITE_EXIT_UD },
	[SVM_EXIT_VMMCALL] = { KVMLITE_EXIT_HYPERCALL, 3 },
	[SVM_EXIT_VMLOAD] = { KVMLITE_EXIT_UD },
	[SVM_EXIT_VMSAVE] = { KVMLITE_EXIT_UD },
	[SVM_EXIT_STGI] = { KVMLITE_EXIT_UD },
	[SVM_EXIT_CLGI] = { KVMLITE_EXIT_UD },
	[SVM_EXIT_SKINIT] = { KVMLITE_EXIT_UD },
	[SVM_EXIT_RDTSCP] = { KVMLITE_EXIT_RDTSCP, 3 },
	[SVM_EXIT_WBINVD] = { KVMLITE_EXIT_INVD, 2 },
	[SVM_EXIT_MONITOR] = { KVMLITE_EXIT_UD },
	[SVM_EXIT_MWAIT] = { KVMLITE_EXIT_UD },
	[SVM_EXIT_XSETBV] = { KVMLITE_EXIT_XSETBV, 3 },
	[SVM_EXIT_RDPRU] = { KVMLITE_EXIT_UD },
};

static void svm_decode_npf(struct vcpu *vcpu, struct vmcb *vmcb)
{
	u64 error = vmcb->control.exit_info_1;

	/* A reserved bit in our own tables is our bug: stop, don't loop. */
	if (error & NPF_RESERVED) {
		vcpu->exit.reason = KVMLITE_EXIT_UNKNOWN;
		return;
	}
	vcpu->exit.reason = KVMLITE_EXIT_S2_FAULT;
	vcpu->exit.s2.gpa = vmcb->control.exit_info_2;
	vcpu->exit.s2.write = error & NPF_WRITE;
	vcpu->exit.s2.fetch = error & NPF_FETCH;
}

void svm_decode_exit(struct vcpu *vcpu, struct vmcb *vmcb)
{
	u64 code = vmcb->control.exit_code;
	const struct svm_exit *e;

	vcpu->exit.hw_reason = code;
	if (code == SVM_EXIT_NPF) {
		svm_decode_npf(vcpu, vmcb);
		return;
	}
	/* MOV from DR0-7 (0x20-0x27) or to them (0x30-0x37). */
	if (code >= SVM_EXIT_READ_DR0 && code < SVM_EXIT_WRITE_DR0 + 8 &&
	    (code & 0xf) < 8) {
		vcpu->exit.reason = KVMLITE_EXIT_DR;
		vcpu->exit.dr.write = code >= SVM_EXIT_WRITE_DR0;
		vcpu->exit.dr.num = code & 7;
		return;
	}
	if (code == SVM_EXIT_INVALID) {
		vcpu->exit.reason = KVMLITE_EXIT_FAIL_ENTRY;
		return;
	}
	e = code < ARRAY_SIZE(svm_exits) ? &svm_exits[code] : NULL;
	/* Zero entries are codes we never intercept. */
	if (!e || (e->reason == KVMLITE_EXIT_NONE && !e->decode)) {
		vcpu->exit.reason = KVMLITE_EXIT_UNKNOWN;
		return;
	}
	vcpu->exit.reason = e->reason;
	if (e->insn_len)
		vcpu->exit.next_rip = hv_caps.features & KVMLITE_FEAT_SVM_NRIPS ?
				      vmcb->control.next_rip :
				      vcpu->rip + e->insn_len;
	if (e->decode)
		e->decode(vcpu, vmcb);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO exits: a guest access to a guest-physical address without
 * (writable) memory behind it. The fault gives the address only, so the
 * instruction is fetched through the guest's page tables and decoded
 * (emulate.c); the access goes to userspace as KVM_EXIT_MMIO, and the
 * next KVM_RUN completes the instruction with what userspace answered.
 *
 * A rep STOS or MOVS to or from MMIO is done one element per exit: RIP
 * stays on the instruction until rCX runs out, so the guest re-executes
 * it and the hardware finds each next address for us.
 */
#include <linux/kvm.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include "emulate.h"
#include "guest_mem.h"
#include "kvmlite.h"
#include "vcpu.h"

static enum mmio_cpu_mode mmio_cpu_mode(const struct kvm_sregs *sregs,
					u64 rflags)
{
	if (!(sregs->cr0 & X86_CR0_PE) || (rflags & X86_EFLAGS_VM))
		return MMIO_MODE_REAL16;
	if ((sregs->efer & EFER_LMA) && sregs->cs.l)
		return MMIO_MODE_LONG64;
	return sregs->cs.db ? MMIO_MODE_PROT32 : MMIO_MODE_PROT16;
}

static int mmio_decode_at_rip(struct vcpu *vcpu, struct kvm_sregs *sregs,
			      struct mmio_insn *insn)
{
	u8 bytes[MMIO_INSN_MAX_LEN];
	enum mmio_cpu_mode mode;
	u64 la;
	int len;

	mode = mmio_cpu_mode(sregs, vcpu->rflags);
	la = mode == MMIO_MODE_LONG64 ? vcpu->rip :
	     (u32)(sregs->cs.base + vcpu->rip);
	len = guest_fetch_insn(vcpu, sregs, la, bytes, sizeof(bytes));
	if (len <= 0)
		return -EFAULT;
	return mmio_insn_decode(bytes, len, mode, insn);
}

static void mmio_exit_to_user(struct vcpu *vcpu, u64 gpa, bool write,
			      u64 value)
{
	struct kvm_run *run = vcpu->run;
	unsigned int len = vcpu->mmio.insn.mem_size;

	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = len;
	run->mmio.is_write = write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (write)
		memcpy(run->mmio.data, &value, len);
	vcpu->mmio.gpa = gpa;
	vcpu->mmio.write = write;
	vcpu->pending = PENDING_MMIO;
	vcpu->pending_rip = vcpu->rip;
}

static void mmio_internal_error(struct vcpu *vcpu, u64 gpa)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 2;
	run->internal.data[0] = gpa;
	run->internal.data[1] = vcpu->rip;
}

static const struct kvm_segment *mmio_seg(const struct kvm_sregs *sregs,
					  enum mmio_seg seg)
{
	switch (seg) {
	case MMIO_SEG_ES: return &sregs->es;
	case MMIO_SEG_CS: return &sregs->cs;
	case MMIO_SEG_SS: return &sregs->ss;
	case MMIO_SEG_FS: return &sregs->fs;
	case MMIO_SEG_GS: return &sregs->gs;
	default: return &sregs->ds;
	}
}

/* The guest-physical address of a string operand: seg:reg. */
static int mmio_string_gpa(struct vcpu *vcpu, const struct kvm_sregs *sregs,
			   const struct kvm_segment *seg, u64 reg, u64 *gpa)
{
	const struct mmio_insn *insn = &vcpu->mmio.insn;
	u64 mask = insn->addr_size == 8 ? ~0ULL :
		   (1ULL << (insn->addr_size * 8)) - 1;
	bool long64 = (sregs->efer & EFER_LMA) && sregs->cs.l;
	u64 la = reg & mask;

	/* In 64-bit mode only FS and GS have bases (SDM "Segmentation"). */
	if (!long64 || seg == &sregs->fs || seg == &sregs->gs)
		la += seg->base;
	if (!long64)
		la = (u32)la;
	return guest_translate(vcpu, sregs, la, gpa);
}

/*
 * MOVS with MMIO on one side and memory on the other (memcpy_toio and
 * memcpy_fromio): one element per exit. The side that faulted is MMIO;
 * the other is read or written through the owner's mapping here.
 */
static int mmio_movs_begin(struct vcpu *vcpu, const struct kvm_sregs *sregs,
			   u64 gpa)
{
	struct mmio_insn *insn = &vcpu->mmio.insn;
	u64 src, dst, value = 0;

	if (mmio_string_gpa(vcpu, sregs, mmio_seg(sregs, insn->seg),
			    vcpu->gprs[GPR_RSI], &src) ||
	    mmio_string_gpa(vcpu, sregs, &sregs->es, vcpu->gprs[GPR_RDI],
			    &dst))
		return -EFAULT;
	if (gpa == src) {
		vcpu->mmio.other_gpa = dst;
		mmio_exit_to_user(vcpu, gpa, false, 0);
		return 0;
	}
	if (gpa != dst || vm_read_guest(vcpu->vm, src, &value, insn->mem_size))
		return -EFAULT;
	mmio_exit_to_user(vcpu, gpa, true, value);
	return 0;
}

/* A second-level fault without memory behind it: 0, exit to userspace. */
int vcpu_mmio_exit(struct vcpu *vcpu, u64 gpa, bool write)
{
	struct mmio_insn *insn = &vcpu->mmio.insn;
	struct kvm_sregs sregs;

	hv->get_sregs(vcpu, &sregs);
	if (mmio_decode_at_rip(vcpu, &sregs, insn))
		goto unsupported;

	switch (insn->kind) {
	case MMIO_INSN_MOV_STORE:
	case MMIO_INSN_MOV_STORE_IMM:
	case MMIO_INSN_STOS:
		mmio_exit_to_user(vcpu, gpa, true,
				  mmio_insn_store_value(insn, vcpu->gprs));
		return 0;
	case MMIO_INSN_MOV_LOAD:
	case MMIO_INSN_MOVZX:
	case MMIO_INSN_MOVSX:
	case MMIO_INSN_ALU:
		/* An ALU op on memory reads first, then maybe writes. */
		mmio_exit_to_user(vcpu, gpa, false, 0);
		return 0;
	case MMIO_INSN_MOVS:
		if (!mmio_movs_begin(vcpu, &sregs, gpa))
			return 0;
		break;
	default:
		break;
	}
unsupported:
	mmio_internal_error(vcpu, gpa);
	return 0;
}

/*
 * KVM_RUN after an MMIO exit: finish the instruction, unless userspace
 * moved RIP meanwhile. Returns 0 with a new exit for the write half of a
 * read-modify-write, else 1.
 */
int vcpu_mmio_complete(struct vcpu *vcpu)
{
	struct mmio_insn *insn = &vcpu->mmio.insn;
	u64 value = 0, result;

	if (vcpu->rip != vcpu->pending_rip)
		return 1;
	if (!vcpu->mmio.write)
		memcpy(&value, vcpu->run->mmio.data, insn->mem_size);

	switch (insn->kind) {
	case MMIO_INSN_ALU:
		if (vcpu->mmio.write)
			break;
		if (mmio_insn_complete_alu(insn, vcpu->gprs, &vcpu->rflags,
					   value, &result)) {
			mmio_exit_to_user(vcpu, vcpu->mmio.gpa, true, result);
			return 0;
		}
		break;
	case MMIO_INSN_MOVS:
		/* From MMIO: the element goes to memory now. */
		if (!vcpu->mmio.write &&
		    vm_write_guest(vcpu->vm, vcpu->mmio.other_gpa, &value,
				   insn->mem_size)) {
			mmio_internal_error(vcpu, vcpu->mmio.other_gpa);
			vcpu->pending = PENDING_NONE;
			return 0;
		}
		fallthrough;
	case MMIO_INSN_STOS:
		mmio_string_advance(insn, vcpu->gprs, vcpu->rflags);
		if (insn->rep != MMIO_REP_NONE &&
		    mmio_string_count(insn, vcpu->gprs))
			return 1;	/* the guest runs it again */
		break;
	case MMIO_INSN_MOV_LOAD:
	case MMIO_INSN_MOVZX:
	case MMIO_INSN_MOVSX:
		mmio_insn_complete_load(insn, vcpu->gprs, value);
		break;
	default:
		break;
	}
	vcpu->rip += insn->length;
	hv->clear_interrupt_shadow(vcpu);
	return 1;
}

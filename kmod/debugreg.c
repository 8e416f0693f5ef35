// SPDX-License-Identifier: GPL-2.0-only
/*
 * MOV to and from the debug registers. Every access is intercepted: the
 * hardware DR0-DR3 hold the host's breakpoints (and would tell a guest
 * host kernel addresses), so the guest gets registers of its own, kept
 * here. Its DR7 is kept but not loaded: guest hardware breakpoints do
 * not fire under kvmlite (yet), which a guest only notices as a debugger
 * that never stops.
 */
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include "guest_mem.h"
#include "kvmlite.h"
#include "vcpu.h"

#define DR6_RESET	0xffff0ff0ULL
#define DR7_RESET	0x400ULL

void vcpu_debugregs_reset(struct vcpu *vcpu)
{
	memset(vcpu->dr, 0, sizeof(vcpu->dr));
	vcpu->dr[6] = DR6_RESET;
	vcpu->dr[7] = DR7_RESET;
}

/*
 * The GPR operand of MOV DR (0f 21 /r, 0f 23 /r; SDM Vol. 2 "MOV—Move
 * to/from Debug Registers"): always the r/m field with mod ignored,
 * extended by REX.B. Returns the instruction length, or 0 if the bytes
 * are not that instruction.
 */
static unsigned int mov_dr_decode(const u8 *b, unsigned int len, bool long64,
				  unsigned int *gpr)
{
	unsigned int i = 0, rex_b = 0;

	while (i < len && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0x2e ||
			   b[i] == 0x3e || b[i] == 0x26 || b[i] == 0x36 ||
			   b[i] == 0x64 || b[i] == 0x65 || b[i] == 0xf2 ||
			   b[i] == 0xf3))
		i++;
	if (long64 && i < len && (b[i] & 0xf0) == 0x40)
		rex_b = (b[i++] & 1) << 3;
	if (i + 3 > len || b[i] != 0x0f || (b[i + 1] != 0x21 && b[i + 1] != 0x23))
		return 0;
	*gpr = (b[i + 2] & 7) | rex_b;
	return i + 3;
}

int vcpu_emulate_mov_dr(struct vcpu *vcpu)
{
	unsigned int dr = vcpu->exit.dr.num, gpr, len;
	struct kvm_sregs sregs;
	u8 bytes[15];
	bool long64;
	u64 la, val;
	int n;

	hv->get_sregs(vcpu, &sregs);
	/* DR4/DR5 are DR6/DR7, unless CR4.DE makes them #UD. */
	if (dr == 4 || dr == 5) {
		if (sregs.cr4 & X86_CR4_DE) {
			vcpu_queue_exception(vcpu, X86_TRAP_UD, false, 0);
			return 1;
		}
		dr += 2;
	}
	long64 = (sregs.efer & EFER_LMA) && sregs.cs.l;
	la = long64 ? vcpu->rip : (u32)(sregs.cs.base + vcpu->rip);
	n = guest_fetch_insn(vcpu, &sregs, la, bytes, sizeof(bytes));
	len = n > 0 ? mov_dr_decode(bytes, n, long64, &gpr) : 0;
	if (!len) {
		vcpu_queue_exception(vcpu, X86_TRAP_UD, false, 0);
		return 1;
	}

	if (vcpu->exit.dr.write) {
		val = vcpu->gprs[gpr];
		if (!long64)
			val = (u32)val;
		/* The upper halves of DR6 and DR7 are reserved: #GP. */
		if (dr >= 6 && (val >> 32)) {
			vcpu_queue_exception(vcpu, X86_TRAP_GP, true, 0);
			return 1;
		}
		vcpu->dr[dr] = val;
	} else {
		vcpu->gprs[gpr] = long64 ? vcpu->dr[dr] : (u32)vcpu->dr[dr];
	}
	vcpu->exit.next_rip = vcpu->rip + len;
	vcpu_skip_instruction(vcpu);
	return 1;
}

long vcpu_get_debugregs(struct vcpu *vcpu, struct kvm_debugregs __user *argp)
{
	struct kvm_debugregs regs = {
		.db = { vcpu->dr[0], vcpu->dr[1], vcpu->dr[2], vcpu->dr[3] },
		.dr6 = vcpu->dr[6],
		.dr7 = vcpu->dr[7],
	};

	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

long vcpu_set_debugregs(struct vcpu *vcpu, struct kvm_debugregs __user *argp)
{
	struct kvm_debugregs regs;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	if (regs.flags || (regs.dr6 >> 32) || (regs.dr7 >> 32))
		return -EINVAL;
	memcpy(vcpu->dr, regs.db, sizeof(regs.db));
	vcpu->dr[6] = regs.dr6;
	vcpu->dr[7] = regs.dr7;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest entry for VMX, and the host interrupt dispatch after an exit.
 *
 * int vmx_vmenter(u64 *gprs, bool launched);
 *
 * VM entry loads the guest's RSP, RIP, RFLAGS, control registers and
 * segments from the VMCS; a VM exit loads the host's from it and
 * continues at vmx_vmexit with the RSP written here (SDM Vol. 3 "VM
 * Entries", "VM Exits"). The other GPRs are ours to switch, in the x86
 * encoding order of @gprs. Returns 0 after a VM exit, 1 when VMLAUNCH or
 * VMRESUME itself failed (VMfail). Called with IRQs off.
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>
#include "vmcs.h"

#define GPR(n)	((n) * 8)
#define RAX	GPR(0)
#define RCX	GPR(1)
#define RDX	GPR(2)
#define RBX	GPR(3)
#define RBP	GPR(5)
#define RSI	GPR(6)
#define RDI	GPR(7)
#define R8	GPR(8)
#define R9	GPR(9)
#define R10	GPR(10)
#define R11	GPR(11)
#define R12	GPR(12)
#define R13	GPR(13)
#define R14	GPR(14)
#define R15	GPR(15)

	.text
SYM_FUNC_START(vmx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* @gprs, at the top of the stack the exit will find. */
	push	%rdi
	UNWIND_HINT_SAVE

	mov	$VMCS_HOST_RSP, %eax
	vmwrite	%rsp, %rax

	/* CF: launched. The loads below keep the flags; VERW only ZF. */
	bt	$0, %esi

	mov	RAX(%rdi), %rax
	mov	RCX(%rdi), %rcx
	mov	RDX(%rdi), %rdx
	mov	RBX(%rdi), %rbx
	mov	RBP(%rdi), %rbp
	mov	RSI(%rdi), %rsi
	mov	R8(%rdi), %r8
	mov	R9(%rdi), %r9
	mov	R10(%rdi), %r10
	mov	R11(%rdi), %r11
	mov	R12(%rdi), %r12
	mov	R13(%rdi), %r13
	mov	R14(%rdi), %r14
	mov	R15(%rdi), %r15
	mov	RDI(%rdi), %rdi

	/* MDS and friends: no host data left in CPU buffers for the guest. */
	VM_CLEAR_CPU_BUFFERS

	jc	.Lresume
	vmlaunch
	jmp	.Lfailed
.Lresume:
	vmresume
.Lfailed:
	mov	$1, %eax
	jmp	.Lout

SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	/* Every register but RSP is the guest's. */
	push	%rax
	mov	8(%rsp), %rax
	mov	%rcx, RCX(%rax)
	mov	%rdx, RDX(%rax)
	mov	%rbx, RBX(%rax)
	mov	%rbp, RBP(%rax)
	mov	%rsi, RSI(%rax)
	mov	%rdi, RDI(%rax)
	mov	%r8, R8(%rax)
	mov	%r9, R9(%rax)
	mov	%r10, R10(%rax)
	mov	%r11, R11(%rax)
	mov	%r12, R12(%rax)
	mov	%r13, R13(%rax)
	mov	%r14, R14(%rax)
	mov	%r15, R15(%rax)
	popq	RAX(%rax)

	/*
	 * The guest may have filled the return stack buffer with its own
	 * targets: overwrite it before the first host RET, and the branch
	 * history where the host wants that too.
	 */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, X86_FEATURE_RSB_VMEXIT_LITE
	CLEAR_BRANCH_HISTORY_VMEXIT
	xor	%eax, %eax

.Lout:
	/* Leave no guest value in a register the host does not restore. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(vmx_vmenter)

/*
 * void vmx_call_host_handler(unsigned long handler);
 *
 * Call a host IDT handler as the CPU delivers an interrupt in 64-bit
 * mode (SDM Vol. 3 "64-Bit Mode Stack Frame"): stack aligned to 16, then
 * SS, RSP, RFLAGS, CS and the return RIP. The handler's IRET pops that
 * frame and leaves RSP as it was before the pushes.
 */
SYM_FUNC_START(vmx_call_host_handler)
	push	%rbp
	mov	%rsp, %rbp
	and	$-16, %rsp
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	CALL_NOSPEC rdi
	/*
	 * IRET put RSP back already; saying so again tells objtool, which
	 * cannot know that the callee returns with IRET.
	 */
	mov	%rbp, %rsp
	pop	%rbp
	RET
SYM_FUNC_END(vmx_call_host_handler)

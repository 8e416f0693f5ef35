/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest entry for SVM.
 *
 * void svm_vmrun(u64 *gprs, u64 guest_vmcb_pa, u64 host_vmcb_pa);
 *
 * VMRUN itself switches RAX, RSP, RIP, RFLAGS, the control registers
 * and the segment selectors (AMD APM Vol. 2 "VMRUN Instruction"). The
 * hidden segment state and syscall MSRs are switched with VMSAVE and
 * VMLOAD, so the host's copy goes to a per-CPU VMCB first and comes back
 * before anything touches per-CPU data through GS. The other GPRs are
 * ours to load and store, in the x86 encoding order of @gprs.
 * Called with GIF clear.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

#define GPR(n)	((n) * 8)
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

/* Our frame below the callee-saved registers */
#define FRAME_GUEST_VMCB	0
#define FRAME_HOST_VMCB		8
#define FRAME_GPRS		16

	.text
SYM_FUNC_START(svm_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi
	push	%rdx
	push	%rsi

	mov	%rdx, %rax
	vmsave	%rax
	mov	%rsi, %rax
	vmload	%rax

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

	/* RAX: the guest VMCB; #VMEXIT gives it and RSP back. */
	vmrun	%rax
	vmsave	%rax

	mov	FRAME_GPRS(%rsp), %rax
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

	mov	FRAME_HOST_VMCB(%rsp), %rax
	vmload	%rax

	/* Leave no guest value in a register the host does not restore. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(svm_vmrun)

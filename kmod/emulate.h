/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decode and execute the x86 instructions a guest uses on MMIO.
 *
 * A nested page fault on an address with no memory behind it gives us the
 * guest-physical address but not the operation. The instruction bytes
 * tell the rest: width, direction, register or immediate, length (to
 * advance RIP) and, for string instructions, the rep and address-size
 * details. Everything here is pure logic, unit-tested on the build host
 * (selftests/unit/emulate_test.c).
 *
 * Names carry an mmio_ prefix: <asm/insn.h>, which <linux/kprobes.h>
 * pulls into most kernel files, already declares an insn_decode().
 */
#ifndef KVMLITE_EMULATE_H
#define KVMLITE_EMULATE_H

#include <linux/bits.h>
#include <linux/types.h>

/* Intel SDM Vol. 2, "Instruction Format": no instruction exceeds 15 bytes */
#define MMIO_INSN_MAX_LEN	15

/*
 * The guest's code size: real and virtual-8086 mode decode as REAL16; a
 * compatibility-mode code segment (IA32_EFER.LMA=1, CS.L=0) as PROT16 or
 * PROT32 by CS.D, like any protected-mode one.
 */
enum mmio_cpu_mode {
	MMIO_MODE_REAL16,
	MMIO_MODE_PROT16,
	MMIO_MODE_PROT32,
	MMIO_MODE_LONG64,
};

/* 0 is left unused: a zero entry in the opcode tables means "not ours". */
enum mmio_insn_kind {
	MMIO_INSN_MOV_STORE = 1,	/* 88 89 a2 a3: register to memory */
	MMIO_INSN_MOV_STORE_IMM,	/* c6 c7: immediate to memory */
	MMIO_INSN_MOV_LOAD,		/* 8a 8b a0 a1 */
	MMIO_INSN_MOVZX,		/* 0f b6, 0f b7 */
	MMIO_INSN_MOVSX,		/* 0f be, 0f bf, 63 (movsxd) */
	MMIO_INSN_STOS,			/* aa ab: rAX to ES:rDI */
	MMIO_INSN_MOVS,			/* a4 a5: DS:rSI to ES:rDI */
	MMIO_INSN_ALU,			/* arithmetic with a memory operand */
};

/*
 * The values are x86's own: bits 5:3 of opcodes 00-3f and the /digit of
 * group 1 (80 81 83). 2 (ADC) and 3 (SBB) are not emulated; TEST, with
 * opcodes of its own, comes after.
 */
enum mmio_alu_op {
	MMIO_ALU_ADD = 0,
	MMIO_ALU_OR = 1,
	MMIO_ALU_AND = 4,
	MMIO_ALU_SUB = 5,
	MMIO_ALU_XOR = 6,
	MMIO_ALU_CMP = 7,
	MMIO_ALU_TEST = 8,
};

enum mmio_rep {
	MMIO_REP_NONE,
	MMIO_REP,		/* f3 */
	MMIO_REPNE,		/* f2: repeats MOVS and STOS as f3 does */
};

enum mmio_seg {
	MMIO_SEG_DEFAULT,
	MMIO_SEG_ES,
	MMIO_SEG_CS,
	MMIO_SEG_SS,
	MMIO_SEG_DS,
	MMIO_SEG_FS,
	MMIO_SEG_GS,
};

/* General-purpose registers in their x86 encoding order */
enum mmio_gpr {
	MMIO_GPR_RAX,
	MMIO_GPR_RCX,
	MMIO_GPR_RDX,
	MMIO_GPR_RBX,
	MMIO_GPR_RSP,
	MMIO_GPR_RBP,
	MMIO_GPR_RSI,
	MMIO_GPR_RDI,
	MMIO_GPR_R8,
	MMIO_GPR_R9,
	MMIO_GPR_R10,
	MMIO_GPR_R11,
	MMIO_GPR_R12,
	MMIO_GPR_R13,
	MMIO_GPR_R14,
	MMIO_GPR_R15,
	MMIO_NR_GPRS,
};

/* The RFLAGS bits the ALU operations read or write */
#define MMIO_RFLAGS_CF		BIT(0)
#define MMIO_RFLAGS_PF		BIT(2)
#define MMIO_RFLAGS_AF		BIT(4)
#define MMIO_RFLAGS_ZF		BIT(6)
#define MMIO_RFLAGS_SF		BIT(7)
#define MMIO_RFLAGS_DF		BIT(10)
#define MMIO_RFLAGS_OF		BIT(11)
#define MMIO_RFLAGS_ARITH	(MMIO_RFLAGS_CF | MMIO_RFLAGS_PF | \
				 MMIO_RFLAGS_AF | MMIO_RFLAGS_ZF | \
				 MMIO_RFLAGS_SF | MMIO_RFLAGS_OF)

/* One decoded instruction. Sizes are in bytes. */
struct mmio_insn {
	u8 length;		/* to advance RIP by */
	enum mmio_insn_kind kind;
	enum mmio_alu_op alu_op;	/* MMIO_INSN_ALU */
	bool mem_is_dst;	/* MMIO_INSN_ALU: memory is the destination */
	u8 mem_size;		/* bytes read or written in memory: 1 2 4 8 */
	u8 reg_size;		/* register operand, what movzx/movsx fill */
	u8 reg;			/* enum mmio_gpr; rAX for a0-a3 and STOS */
	bool high_byte;		/* reg 4-7 names AH CH DH BH, not SPL..DIL */
	bool has_imm;		/* the other operand is imm, not reg */
	u64 imm;		/* sign-extended as x86 does, cut to reg_size */
	u8 addr_size;		/* 2 4 8: width of rCX rSI rDI and moffs */
	enum mmio_rep rep;
	enum mmio_seg seg;	/* override prefix; only FS GS in 64-bit mode */
	bool lock;
};

/*
 * Decode the instruction at @bytes, of which @avail bytes were fetched.
 * Returns 0, -EAGAIN when the instruction goes on past @avail (fetch more
 * and call again) or -EINVAL for anything not emulated here, including
 * what the CPU would refuse (#UD, or #GP for more than 15 bytes) and
 * register-only forms, which cannot have touched memory. Never reads
 * past @avail.
 */
int mmio_insn_decode(const u8 *bytes, unsigned int avail,
		     enum mmio_cpu_mode mode, struct mmio_insn *insn);

/*
 * Read or write general-purpose register @reg (enum mmio_gpr) of @gprs at
 * @size bytes, as an instruction would: see mmio_reg_set().
 */
u64 mmio_reg_get(const u64 *gprs, unsigned int reg, unsigned int size,
		 bool high_byte);
void mmio_reg_set(u64 *gprs, unsigned int reg, unsigned int size,
		  bool high_byte, u64 value);

/* MOV_LOAD, MOVZX, MOVSX: put @value, read from memory, in the register */
void mmio_insn_complete_load(const struct mmio_insn *insn, u64 *gprs,
			     u64 value);

/* MOV_STORE, MOV_STORE_IMM, STOS: the value to write to memory */
u64 mmio_insn_store_value(const struct mmio_insn *insn, const u64 *gprs);

/*
 * Compute @dst op @src at @size bytes and set CF PF AF ZF SF OF in
 * @rflags; no other flag changes. Returns the result, also for CMP and
 * TEST, whose callers discard it.
 */
u64 mmio_alu(enum mmio_alu_op op, unsigned int size, u64 dst, u64 src,
	     u64 *rflags);

/*
 * MMIO_INSN_ALU, once @mem_value has been read: update the flags and, if
 * the register is the destination, the register. Returns true when
 * @mem_result must be written back to memory.
 */
bool mmio_insn_complete_alu(const struct mmio_insn *insn, u64 *gprs,
			    u64 *rflags, u64 mem_value, u64 *mem_result);

/* STOS, MOVS: the iterations left, rCX under a rep prefix, else 1 */
u64 mmio_string_count(const struct mmio_insn *insn, const u64 *gprs);

/*
 * STOS, MOVS, after one element: step rDI (and rSI for MOVS) by
 * mem_size, down when RFLAGS.DF is set, and count rCX down under rep.
 */
void mmio_string_advance(const struct mmio_insn *insn, u64 *gprs,
			 u64 rflags);

#endif /* KVMLITE_EMULATE_H */

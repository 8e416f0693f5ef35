// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decode and execute the x86 instructions a guest uses on MMIO.
 *
 * The decoder knows only the instructions that move data to or from
 * memory and that guests use on device registers; everything else is
 * -EINVAL. The hardware already gave us the guest-physical address, so
 * the addressing bytes (ModR/M, SIB, displacement) are parsed only for
 * their length.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include "emulate.h"

/* Intel SDM Vol. 2, "REX Prefixes" */
#define REX_R		BIT(2)
#define REX_W		BIT(3)

/* What the opcode tables say about an opcode we emulate */
#define OP_MODRM	BIT(0)	/* a ModR/M byte names the memory operand */
#define OP_MOFFS	BIT(1)	/* an address-sized offset names it */
#define OP_BYTE		BIT(2)	/* the memory operand is 8 bits */
#define OP_WORD		BIT(3)	/* ... 16 bits */
#define OP_DWORD_MAX	BIT(4)	/* ... the operand size, at most 32 bits */
#define OP_MEM_DST	BIT(5)	/* ALU: memory is the destination */
#define OP_IMM		BIT(6)	/* immediate of the operand size, <= 32 bits */
#define OP_IMM8		BIT(7)	/* 8-bit immediate, sign-extended */
#define OP_GROUP1	BIT(8)	/* ModR/M.reg is the ALU operation */
#define OP_REG0		BIT(9)	/* ModR/M.reg is an opcode extension: /0 */
#define OP_LONG64	BIT(10)	/* 64-bit mode only */

struct opcode_desc {
	u8 kind;		/* enum mmio_insn_kind; 0: not emulated */
	u8 alu_op;		/* enum mmio_alu_op */
	u16 flags;		/* OP_* */
};

/* Group 1 operations we emulate: all but ADC (/2) and SBB (/3) */
#define GROUP1_EMULATED	(BIT(MMIO_ALU_ADD) | BIT(MMIO_ALU_OR) |	\
			 BIT(MMIO_ALU_AND) | BIT(MMIO_ALU_SUB) |	\
			 BIT(MMIO_ALU_XOR) | BIT(MMIO_ALU_CMP))

#define OP(k, f)	{ .kind = (k), .flags = (f) }
#define ALU(op, f)	{ .kind = MMIO_INSN_ALU, .alu_op = (op), .flags = (f) }

/* The forms of opcodes 00-3b: op r/m8,r8; op r/m,r; op r8,r/m8; op r,r/m */
#define TO_MEM8		(OP_MODRM | OP_BYTE | OP_MEM_DST)
#define TO_MEM		(OP_MODRM | OP_MEM_DST)
#define TO_REG8		(OP_MODRM | OP_BYTE)
#define TO_REG		OP_MODRM

static const struct opcode_desc one_byte_opcodes[256] = {
	[0x00] = ALU(MMIO_ALU_ADD, TO_MEM8),
	[0x01] = ALU(MMIO_ALU_ADD, TO_MEM),
	[0x02] = ALU(MMIO_ALU_ADD, TO_REG8),
	[0x03] = ALU(MMIO_ALU_ADD, TO_REG),
	[0x08] = ALU(MMIO_ALU_OR, TO_MEM8),
	[0x09] = ALU(MMIO_ALU_OR, TO_MEM),
	[0x0a] = ALU(MMIO_ALU_OR, TO_REG8),
	[0x0b] = ALU(MMIO_ALU_OR, TO_REG),
	[0x20] = ALU(MMIO_ALU_AND, TO_MEM8),
	[0x21] = ALU(MMIO_ALU_AND, TO_MEM),
	[0x22] = ALU(MMIO_ALU_AND, TO_REG8),
	[0x23] = ALU(MMIO_ALU_AND, TO_REG),
	[0x28] = ALU(MMIO_ALU_SUB, TO_MEM8),
	[0x29] = ALU(MMIO_ALU_SUB, TO_MEM),
	[0x2a] = ALU(MMIO_ALU_SUB, TO_REG8),
	[0x2b] = ALU(MMIO_ALU_SUB, TO_REG),
	[0x30] = ALU(MMIO_ALU_XOR, TO_MEM8),
	[0x31] = ALU(MMIO_ALU_XOR, TO_MEM),
	[0x32] = ALU(MMIO_ALU_XOR, TO_REG8),
	[0x33] = ALU(MMIO_ALU_XOR, TO_REG),
	[0x38] = ALU(MMIO_ALU_CMP, TO_MEM8),
	[0x39] = ALU(MMIO_ALU_CMP, TO_MEM),
	[0x3a] = ALU(MMIO_ALU_CMP, TO_REG8),
	[0x3b] = ALU(MMIO_ALU_CMP, TO_REG),
	/* Outside 64-bit mode 63 is ARPL. */
	[0x63] = OP(MMIO_INSN_MOVSX, OP_MODRM | OP_DWORD_MAX | OP_LONG64),
	/*
	 * Group 1: ModR/M.reg is the operation. 82, an alias of 80 that
	 * 64-bit mode refuses, is left out.
	 */
	[0x80] = ALU(0, TO_MEM8 | OP_IMM | OP_GROUP1),
	[0x81] = ALU(0, TO_MEM | OP_IMM | OP_GROUP1),
	[0x83] = ALU(0, TO_MEM | OP_IMM8 | OP_GROUP1),
	[0x84] = ALU(MMIO_ALU_TEST, TO_MEM8),
	[0x85] = ALU(MMIO_ALU_TEST, TO_MEM),
	[0x88] = OP(MMIO_INSN_MOV_STORE, OP_MODRM | OP_BYTE),
	[0x89] = OP(MMIO_INSN_MOV_STORE, OP_MODRM),
	[0x8a] = OP(MMIO_INSN_MOV_LOAD, OP_MODRM | OP_BYTE),
	[0x8b] = OP(MMIO_INSN_MOV_LOAD, OP_MODRM),
	[0xa0] = OP(MMIO_INSN_MOV_LOAD, OP_MOFFS | OP_BYTE),
	[0xa1] = OP(MMIO_INSN_MOV_LOAD, OP_MOFFS),
	[0xa2] = OP(MMIO_INSN_MOV_STORE, OP_MOFFS | OP_BYTE),
	[0xa3] = OP(MMIO_INSN_MOV_STORE, OP_MOFFS),
	[0xa4] = OP(MMIO_INSN_MOVS, OP_BYTE),
	[0xa5] = OP(MMIO_INSN_MOVS, 0),
	[0xaa] = OP(MMIO_INSN_STOS, OP_BYTE),
	[0xab] = OP(MMIO_INSN_STOS, 0),
	[0xc6] = OP(MMIO_INSN_MOV_STORE_IMM,
		    OP_MODRM | OP_BYTE | OP_IMM | OP_REG0),
	[0xc7] = OP(MMIO_INSN_MOV_STORE_IMM, OP_MODRM | OP_IMM | OP_REG0),
	/* f6 /1 and f7 /1, aliases of /0 the SDM does not list: left out. */
	[0xf6] = ALU(MMIO_ALU_TEST, TO_MEM8 | OP_IMM | OP_REG0),
	[0xf7] = ALU(MMIO_ALU_TEST, TO_MEM | OP_IMM | OP_REG0),
};

/* Opcodes after the 0f escape */
static const struct opcode_desc two_byte_opcodes[256] = {
	[0xb6] = OP(MMIO_INSN_MOVZX, OP_MODRM | OP_BYTE),
	[0xb7] = OP(MMIO_INSN_MOVZX, OP_MODRM | OP_WORD),
	[0xbe] = OP(MMIO_INSN_MOVSX, OP_MODRM | OP_BYTE),
	[0xbf] = OP(MMIO_INSN_MOVSX, OP_MODRM | OP_WORD),
};

/* The instruction bytes and how far the decoder has consumed them */
struct insn_cursor {
	const u8 *bytes;
	unsigned int avail;
	unsigned int pos;
};

/* The prefixes that change how the rest is decoded */
struct insn_prefixes {
	bool opsize;		/* 66 */
	bool addrsize;		/* 67 */
	u8 rex;			/* the REX prefix in effect, 0 if none */
};

/*
 * Can @n more bytes be consumed? Past 15 bytes the CPU raises #GP
 * whatever follows, so that is -EINVAL before it is -EAGAIN.
 */
static int cursor_need(const struct insn_cursor *c, unsigned int n)
{
	if (c->pos + n > MMIO_INSN_MAX_LEN)
		return -EINVAL;
	if (c->pos + n > c->avail)
		return -EAGAIN;
	return 0;
}

static int cursor_next(struct insn_cursor *c, u8 *byte)
{
	int err = cursor_need(c, 1);

	if (err)
		return err;
	*byte = c->bytes[c->pos++];
	return 0;
}

static int cursor_skip(struct insn_cursor *c, unsigned int n)
{
	int err = cursor_need(c, n);

	if (err)
		return err;
	c->pos += n;
	return 0;
}

/* x86 immediates and displacements are little-endian. */
static int cursor_read_le(struct insn_cursor *c, unsigned int n, u64 *value)
{
	int err = cursor_need(c, n);
	unsigned int i;

	if (err)
		return err;
	*value = 0;
	for (i = n; i > 0; i--)
		*value = *value << 8 | c->bytes[c->pos + i - 1];
	c->pos += n;
	return 0;
}

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : BIT_ULL(size * 8) - 1;
}

static u64 sign_extend(u64 value, unsigned int size)
{
	unsigned int shift = 64 - size * 8;

	return (u64)((s64)(value << shift) >> shift);
}

static enum mmio_seg segment_prefix(u8 byte)
{
	switch (byte) {
	case 0x26:
		return MMIO_SEG_ES;
	case 0x2e:
		return MMIO_SEG_CS;
	case 0x36:
		return MMIO_SEG_SS;
	case 0x3e:
		return MMIO_SEG_DS;
	case 0x64:
		return MMIO_SEG_FS;
	case 0x65:
		return MMIO_SEG_GS;
	}
	return MMIO_SEG_DEFAULT;
}

/*
 * Is @byte a legacy prefix? Record what it says. Intel SDM Vol. 2,
 * "Instruction Prefixes": the effect of two prefixes from one group is
 * undefined; like the CPUs, the last one wins.
 */
static bool legacy_prefix(u8 byte, enum mmio_cpu_mode mode,
			  struct insn_prefixes *p, struct mmio_insn *insn)
{
	enum mmio_seg seg = segment_prefix(byte);

	if (seg != MMIO_SEG_DEFAULT) {
		/*
		 * "Segment Registers in 64-Bit Mode" (Vol. 1): CS, DS, ES
		 * and SS overrides are ignored there; only FS and GS count.
		 */
		if (mode != MMIO_MODE_LONG64 || seg == MMIO_SEG_FS ||
		    seg == MMIO_SEG_GS)
			insn->seg = seg;
		return true;
	}
	switch (byte) {
	case 0x66:
		p->opsize = true;
		return true;
	case 0x67:
		p->addrsize = true;
		return true;
	case 0xf0:
		insn->lock = true;
		return true;
	case 0xf2:
		insn->rep = MMIO_REPNE;
		return true;
	case 0xf3:
		insn->rep = MMIO_REP;
		return true;
	}
	return false;
}

/*
 * Consume the prefixes; @opcode gets the first byte after them.
 * "REX Prefixes": REX exists only in 64-bit mode (elsewhere 40-4f are
 * INC and DEC) and counts only right before the opcode: a legacy prefix
 * after it makes the CPU ignore it.
 */
static int decode_prefixes(struct insn_cursor *c, enum mmio_cpu_mode mode,
			   struct insn_prefixes *p, struct mmio_insn *insn,
			   u8 *opcode)
{
	u8 byte;
	int err;

	for (;;) {
		err = cursor_next(c, &byte);
		if (err)
			return err;
		if (mode == MMIO_MODE_LONG64 && (byte & 0xf0) == 0x40)
			p->rex = byte;
		else if (legacy_prefix(byte, mode, p, insn))
			p->rex = 0;
		else
			break;
	}
	*opcode = byte;
	return 0;
}

static int lookup_opcode(struct insn_cursor *c, u8 opcode,
			 enum mmio_cpu_mode mode,
			 const struct opcode_desc **desc)
{
	const struct opcode_desc *d = &one_byte_opcodes[opcode];
	int err;

	if (opcode == 0x0f) {
		err = cursor_next(c, &opcode);
		if (err)
			return err;
		d = &two_byte_opcodes[opcode];
	}
	if (!d->kind)
		return -EINVAL;
	if ((d->flags & OP_LONG64) && mode != MMIO_MODE_LONG64)
		return -EINVAL;
	*desc = d;
	return 0;
}

static bool mode_is_16bit(enum mmio_cpu_mode mode)
{
	return mode == MMIO_MODE_REAL16 || mode == MMIO_MODE_PROT16;
}

/*
 * Vol. 1, "Operand-Size and Address-Size Attributes" and Vol. 2, "REX
 * Prefixes": 66 swaps the default 16 and 32 bits; REX.W makes it 64
 * whatever 66 says.
 */
static unsigned int operand_size(enum mmio_cpu_mode mode,
				 const struct insn_prefixes *p)
{
	if (p->rex & REX_W)
		return 8;
	return mode_is_16bit(mode) == p->opsize ? 4 : 2;
}

/* 67 swaps 16 and 32 bits, and in 64-bit mode selects 32 instead of 64. */
static unsigned int address_size(enum mmio_cpu_mode mode,
				 const struct insn_prefixes *p)
{
	if (mode == MMIO_MODE_LONG64)
		return p->addrsize ? 4 : 8;
	return mode_is_16bit(mode) == p->addrsize ? 4 : 2;
}

static unsigned int memory_operand_size(const struct opcode_desc *d,
					unsigned int opsize)
{
	if (d->flags & OP_BYTE)
		return 1;
	if (d->flags & OP_WORD)
		return 2;
	if (d->flags & OP_DWORD_MAX)
		return opsize > 4 ? 4 : opsize;
	return opsize;
}

/*
 * Skip the addressing bytes after a memory ModR/M byte. Vol. 2, "ModR/M
 * and SIB Bytes", Table 2-1: with 16-bit addresses there is no SIB and
 * mod=00 r/m=110 is a bare disp16.
 */
static int skip_address16(struct insn_cursor *c, u8 mod, u8 rm)
{
	if (mod == 0)
		return cursor_skip(c, rm == 6 ? 2 : 0);
	return cursor_skip(c, mod == 1 ? 1 : 2);
}

/*
 * Tables 2-2 and 2-3: r/m=100 brings a SIB byte; mod=00 with r/m=101
 * (RIP-relative in 64-bit mode) or with SIB base=101 is a bare disp32.
 * "Special Cases of REX Encodings": REX.B plays no part in either test.
 */
static int skip_address32(struct insn_cursor *c, u8 mod, u8 rm)
{
	u8 base = rm;
	int err;

	if (rm == 4) {
		err = cursor_next(c, &base);
		if (err)
			return err;
		base &= 7;
	}
	if (mod == 0)
		return cursor_skip(c, base == 5 ? 4 : 0);
	return cursor_skip(c, mod == 1 ? 1 : 4);
}

static int decode_modrm(struct insn_cursor *c, const struct opcode_desc *d,
			const struct insn_prefixes *p, struct mmio_insn *insn)
{
	u8 modrm, mod, reg, rm;
	int err;

	err = cursor_next(c, &modrm);
	if (err)
		return err;
	mod = modrm >> 6;
	reg = (modrm >> 3) & 7;
	rm = modrm & 7;

	/* mod=11 names a register: that cannot have touched MMIO. */
	if (mod == 3)
		return -EINVAL;
	if (d->flags & OP_GROUP1) {
		if (!(GROUP1_EMULATED & BIT(reg)))
			return -EINVAL;
		insn->alu_op = reg;
	} else if (d->flags & OP_REG0) {
		if (reg)
			return -EINVAL;
	} else {
		insn->reg = reg | (p->rex & REX_R ? 8 : 0);
		/*
		 * "Byte Registers": without REX, byte registers 4-7 are AH,
		 * CH, DH, BH; any REX makes them SPL, BPL, SIL, DIL.
		 */
		insn->high_byte = insn->reg_size == 1 && !p->rex && reg >= 4;
	}

	if (insn->addr_size == 2)
		return skip_address16(c, mod, rm);
	return skip_address32(c, mod, rm);
}

/* Immediates are at most 32 bits and sign-extend to a 64-bit operand. */
static int decode_imm(struct insn_cursor *c, const struct opcode_desc *d,
		      struct mmio_insn *insn)
{
	unsigned int size = insn->reg_size > 4 ? 4 : insn->reg_size;
	u64 raw;
	int err;

	if (d->flags & OP_IMM8)
		size = 1;
	err = cursor_read_le(c, size, &raw);
	if (err)
		return err;
	insn->has_imm = true;
	insn->imm = sign_extend(raw, size) & size_mask(insn->reg_size);
	return 0;
}

/*
 * Vol. 2, "LOCK": only read-modify-write instructions with a memory
 * destination may be locked; anything else raises #UD.
 */
static bool lock_allowed(const struct mmio_insn *insn)
{
	return insn->kind == MMIO_INSN_ALU && insn->mem_is_dst &&
	       insn->alu_op != MMIO_ALU_CMP && insn->alu_op != MMIO_ALU_TEST;
}

int mmio_insn_decode(const u8 *bytes, unsigned int avail,
		     enum mmio_cpu_mode mode, struct mmio_insn *insn)
{
	struct insn_cursor c = { .bytes = bytes, .avail = avail };
	struct insn_prefixes p = { 0 };
	const struct opcode_desc *d;
	unsigned int opsize;
	u8 opcode;
	int err;

	*insn = (struct mmio_insn){ 0 };
	err = decode_prefixes(&c, mode, &p, insn, &opcode);
	if (err)
		return err;
	err = lookup_opcode(&c, opcode, mode, &d);
	if (err)
		return err;

	opsize = operand_size(mode, &p);
	insn->kind = d->kind;
	insn->alu_op = d->alu_op;
	insn->mem_is_dst = d->flags & OP_MEM_DST;
	insn->mem_size = memory_operand_size(d, opsize);
	insn->reg_size = insn->mem_size;
	if (insn->kind == MMIO_INSN_MOVZX || insn->kind == MMIO_INSN_MOVSX)
		insn->reg_size = opsize;	/* they extend into it */
	insn->addr_size = address_size(mode, &p);

	if (d->flags & OP_MODRM)
		err = decode_modrm(&c, d, &p, insn);
	else if (d->flags & OP_MOFFS)
		err = cursor_skip(&c, insn->addr_size);
	if (err)
		return err;
	if (insn->lock && !lock_allowed(insn))
		return -EINVAL;
	if (d->flags & (OP_IMM | OP_IMM8)) {
		err = decode_imm(&c, d, insn);
		if (err)
			return err;
	}
	insn->length = c.pos;
	return 0;
}

/*
 * Vol. 1, "General-Purpose Registers in 64-Bit Mode": a 32-bit result is
 * zero-extended into the whole register, an 8- or 16-bit one leaves the
 * other bits alone; AH, CH, DH, BH are bits 15:8 of registers 0-3.
 */
void mmio_reg_set(u64 *gprs, unsigned int reg, unsigned int size,
		  bool high_byte, u64 value)
{
	u64 *r = &gprs[high_byte ? reg & 3 : reg];
	u64 mask = size_mask(size);

	if (high_byte)
		*r = (*r & ~0xff00ULL) | (value & 0xff) << 8;
	else if (size == 4)
		*r = value & mask;
	else
		*r = (*r & ~mask) | (value & mask);
}

u64 mmio_reg_get(const u64 *gprs, unsigned int reg, unsigned int size,
		 bool high_byte)
{
	if (high_byte)
		return (gprs[reg & 3] >> 8) & 0xff;
	return gprs[reg] & size_mask(size);
}

void mmio_insn_complete_load(const struct mmio_insn *insn, u64 *gprs,
			     u64 value)
{
	value &= size_mask(insn->mem_size);
	if (insn->kind == MMIO_INSN_MOVSX)
		value = sign_extend(value, insn->mem_size);
	mmio_reg_set(gprs, insn->reg, insn->reg_size, insn->high_byte, value);
}

u64 mmio_insn_store_value(const struct mmio_insn *insn, const u64 *gprs)
{
	if (insn->has_imm)
		return insn->imm;
	return mmio_reg_get(gprs, insn->reg, insn->mem_size, insn->high_byte);
}

/* PF looks at the low byte only: set when it has an even number of 1s. */
static bool parity_even(u8 byte)
{
	byte ^= byte >> 4;
	byte ^= byte >> 2;
	byte ^= byte >> 1;
	return !(byte & 1);
}

/* AF is the carry or borrow out of bit 3, for BCD arithmetic. */
static u64 adjust_flag(u64 dst, u64 src, u64 result)
{
	return (dst ^ src ^ result) & BIT_ULL(4) ? MMIO_RFLAGS_AF : 0;
}

/* OF: both inputs have one sign and the sum has the other. */
static u64 add_flags(u64 dst, u64 src, u64 result, u64 sign)
{
	u64 flags = adjust_flag(dst, src, result);

	if (result < dst)
		flags |= MMIO_RFLAGS_CF;
	if (~(dst ^ src) & (dst ^ result) & sign)
		flags |= MMIO_RFLAGS_OF;
	return flags;
}

/* OF: the inputs' signs differ and the result's differs from dst's. */
static u64 sub_flags(u64 dst, u64 src, u64 result, u64 sign)
{
	u64 flags = adjust_flag(dst, src, result);

	if (dst < src)
		flags |= MMIO_RFLAGS_CF;
	if ((dst ^ src) & (dst ^ result) & sign)
		flags |= MMIO_RFLAGS_OF;
	return flags;
}

static u64 logic_result(enum mmio_alu_op op, u64 dst, u64 src)
{
	if (op == MMIO_ALU_OR)
		return dst | src;
	if (op == MMIO_ALU_XOR)
		return dst ^ src;
	return dst & src;	/* AND, TEST */
}

/*
 * Vol. 2, each instruction's "Flags Affected": ADD, SUB, CMP set all six
 * from the result; AND, OR, XOR, TEST clear CF and OF and leave AF
 * undefined, which current processors clear, and so do we.
 */
u64 mmio_alu(enum mmio_alu_op op, unsigned int size, u64 dst, u64 src,
	     u64 *rflags)
{
	u64 mask = size_mask(size);
	u64 sign = BIT_ULL(size * 8 - 1);
	u64 result, flags = 0;

	dst &= mask;
	src &= mask;
	if (op == MMIO_ALU_ADD) {
		result = (dst + src) & mask;
		flags = add_flags(dst, src, result, sign);
	} else if (op == MMIO_ALU_SUB || op == MMIO_ALU_CMP) {
		result = (dst - src) & mask;
		flags = sub_flags(dst, src, result, sign);
	} else {
		result = logic_result(op, dst, src);
	}
	if (!result)
		flags |= MMIO_RFLAGS_ZF;
	if (result & sign)
		flags |= MMIO_RFLAGS_SF;
	if (parity_even(result))
		flags |= MMIO_RFLAGS_PF;
	*rflags = (*rflags & ~MMIO_RFLAGS_ARITH) | flags;
	return result;
}

bool mmio_insn_complete_alu(const struct mmio_insn *insn, u64 *gprs,
			    u64 *rflags, u64 mem_value, u64 *mem_result)
{
	bool writes = insn->alu_op != MMIO_ALU_CMP &&
		      insn->alu_op != MMIO_ALU_TEST;
	u64 other, result;

	other = insn->has_imm ? insn->imm :
		mmio_reg_get(gprs, insn->reg, insn->mem_size, insn->high_byte);
	if (insn->mem_is_dst) {
		*mem_result = mmio_alu(insn->alu_op, insn->mem_size, mem_value,
				       other, rflags);
		return writes;
	}
	result = mmio_alu(insn->alu_op, insn->mem_size, other, mem_value,
			  rflags);
	if (writes)
		mmio_reg_set(gprs, insn->reg, insn->reg_size, insn->high_byte,
			     result);
	return false;
}

/*
 * Vol. 2, "REP/REPE/REPZ/REPNE/REPNZ": the count register and the index
 * registers are as wide as the address size, not the operand size.
 */
u64 mmio_string_count(const struct mmio_insn *insn, const u64 *gprs)
{
	if (insn->rep == MMIO_REP_NONE)
		return 1;
	return mmio_reg_get(gprs, MMIO_GPR_RCX, insn->addr_size, false);
}

static void string_step(const struct mmio_insn *insn, u64 *gprs,
			unsigned int reg, u64 rflags)
{
	u64 step = rflags & MMIO_RFLAGS_DF ? -(u64)insn->mem_size :
					     insn->mem_size;

	mmio_reg_set(gprs, reg, insn->addr_size, false, gprs[reg] + step);
}

void mmio_string_advance(const struct mmio_insn *insn, u64 *gprs,
			 u64 rflags)
{
	string_step(insn, gprs, MMIO_GPR_RDI, rflags);
	if (insn->kind == MMIO_INSN_MOVS)
		string_step(insn, gprs, MMIO_GPR_RSI, rflags);
	if (insn->rep != MMIO_REP_NONE)
		mmio_reg_set(gprs, MMIO_GPR_RCX, insn->addr_size, false,
			     gprs[MMIO_GPR_RCX] - 1);
}

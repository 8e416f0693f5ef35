// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MMIO instruction decoder and executor (kmod/emulate.c): every
 * opcode it knows in 16-, 32- and 64-bit code, with the prefixes and
 * addressing forms that change its length or meaning; hostile bytes;
 * the register write-back rules and the arithmetic flags.
 *
 * Each decode runs on bytes placed right before an inaccessible page, so
 * a read past what the decoder was given crashes the test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../lib/tap.h"
#include "../../kmod/emulate.h"

#define R16	MMIO_MODE_REAL16
#define P16	MMIO_MODE_PROT16
#define P32	MMIO_MODE_PROT32
#define L64	MMIO_MODE_LONG64

#define ST	MMIO_INSN_MOV_STORE
#define STI	MMIO_INSN_MOV_STORE_IMM
#define LD	MMIO_INSN_MOV_LOAD
#define ZX	MMIO_INSN_MOVZX
#define SX	MMIO_INSN_MOVSX
#define STOS	MMIO_INSN_STOS
#define MOVS	MMIO_INSN_MOVS
#define ALU	MMIO_INSN_ALU

#define CF	MMIO_RFLAGS_CF
#define PF	MMIO_RFLAGS_PF
#define AF	MMIO_RFLAGS_AF
#define ZF	MMIO_RFLAGS_ZF
#define SF	MMIO_RFLAGS_SF
#define OF	MMIO_RFLAGS_OF

#define MAX_BYTES	24

struct insn_bytes {
	u8 b[MAX_BYTES];
	unsigned int n;
};

#define BYTES(...)	{ .b = { __VA_ARGS__ }, \
			  .n = sizeof((u8[]){ __VA_ARGS__ }) }

static const char *const mode_names[] = {
	[R16] = "real16", [P16] = "prot16", [P32] = "prot32", [L64] = "long64",
};

/* The last byte before a PROT_NONE page */
static u8 *guard_end;

static void setup_guard_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	u8 *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED || mprotect(map + page, page, PROT_NONE)) {
		perror("guard page");
		exit(1);
	}
	guard_end = map + page;
}

static int decode_guarded(const u8 *bytes, unsigned int n,
			  enum mmio_cpu_mode mode, struct mmio_insn *insn)
{
	memcpy(guard_end - n, bytes, n);
	return mmio_insn_decode(guard_end - n, n, mode, insn);
}

static bool insn_equal(const struct mmio_insn *a, const struct mmio_insn *b)
{
	return a->length == b->length && a->kind == b->kind &&
	       a->alu_op == b->alu_op && a->mem_is_dst == b->mem_is_dst &&
	       a->mem_size == b->mem_size && a->reg_size == b->reg_size &&
	       a->reg == b->reg && a->high_byte == b->high_byte &&
	       a->has_imm == b->has_imm && a->imm == b->imm &&
	       a->addr_size == b->addr_size && a->rep == b->rep &&
	       a->seg == b->seg && a->lock == b->lock;
}

static void diag_insn(const char *what, const struct mmio_insn *i)
{
	tap_diag("%s: length %u kind %d op %d mem_is_dst %d mem_size %u",
		 what, i->length, i->kind, i->alu_op, i->mem_is_dst,
		 i->mem_size);
	tap_diag("%s: reg_size %u reg %u high_byte %d imm %d %#llx", what,
		 i->reg_size, i->reg, i->high_byte, i->has_imm,
		 (unsigned long long)i->imm);
	tap_diag("%s: addr_size %u rep %d seg %d lock %d", what,
		 i->addr_size, i->rep, i->seg, i->lock);
}

/* Every proper prefix of a valid instruction must ask for more bytes. */
static bool truncations_ask_for_more(const struct insn_bytes *in,
				     enum mmio_cpu_mode mode)
{
	struct mmio_insn insn;
	unsigned int n;
	int err;

	for (n = 0; n < in->n; n++) {
		err = decode_guarded(in->b, n, mode, &insn);
		if (err != -EAGAIN) {
			tap_diag("first %u bytes: %d, not -EAGAIN", n, err);
			return false;
		}
	}
	return true;
}

/* Bytes after the instruction must not change its decoding. */
static bool trailing_bytes_ignored(const struct insn_bytes *in,
				   enum mmio_cpu_mode mode,
				   const struct mmio_insn *want)
{
	u8 buf[MAX_BYTES + 4];
	struct mmio_insn insn;

	memcpy(buf, in->b, in->n);
	memset(buf + in->n, 0x66, 4);
	if (mmio_insn_decode(buf, in->n + 4, mode, &insn) ||
	    !insn_equal(&insn, want)) {
		tap_diag("changed by trailing bytes");
		return false;
	}
	return true;
}

static void check_decode(const char *name, enum mmio_cpu_mode mode,
			 const struct insn_bytes *in, int want_err,
			 const struct mmio_insn *want)
{
	struct mmio_insn insn;
	int err = decode_guarded(in->b, in->n, mode, &insn);
	bool ok = err == want_err;

	if (ok && !err) {
		ok = insn_equal(&insn, want);
		if (!ok) {
			diag_insn("got ", &insn);
			diag_insn("want", want);
		}
		ok = ok && truncations_ask_for_more(in, mode) &&
		     trailing_bytes_ignored(in, mode, want);
	} else if (!ok) {
		tap_diag("returned %d, want %d", err, want_err);
	}
	tap_result(ok, "decode %s: %s", mode_names[mode], name);
}

struct decode_case {
	const char *name;
	enum mmio_cpu_mode mode;
	struct insn_bytes in;
	int err;
	struct mmio_insn want;
};

static const struct decode_case decode_cases[] = {
	/* 88 89: store a register; REX.R extends it, REX.B does not */
	{ "mov [rax], ecx", L64, BYTES(0x89, 0x08), .want = {
	  .length = 2, .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 8 } },
	{ "REX.W: mov [rax], rcx", L64, BYTES(0x48, 0x89, 0x08), .want = {
	  .length = 3, .kind = ST, .mem_size = 8, .reg_size = 8, .reg = 1,
	  .addr_size = 8 } },
	{ "REX.WR: mov [rax], r9", L64, BYTES(0x4c, 0x89, 0x08), .want = {
	  .length = 3, .kind = ST, .mem_size = 8, .reg_size = 8, .reg = 9,
	  .addr_size = 8 } },
	{ "REX.B names the base: mov [r8], eax", L64, BYTES(0x41, 0x89, 0x00),
	  .want = { .length = 3, .kind = ST, .mem_size = 4, .reg_size = 4,
	  .reg = 0, .addr_size = 8 } },
	{ "66: mov [rax], cx", L64, BYTES(0x66, 0x89, 0x08), .want = {
	  .length = 3, .kind = ST, .mem_size = 2, .reg_size = 2, .reg = 1,
	  .addr_size = 8 } },
	{ "66 then REX.W: 64 bits", L64, BYTES(0x66, 0x48, 0x89, 0x08),
	  .want = { .length = 4, .kind = ST, .mem_size = 8, .reg_size = 8,
	  .reg = 1, .addr_size = 8 } },
	{ "REX.WR then 66: REX ignored", L64, BYTES(0x4c, 0x66, 0x89, 0x08),
	  .want = { .length = 4, .kind = ST, .mem_size = 2, .reg_size = 2,
	  .reg = 1, .addr_size = 8 } },
	{ "two REX: the last counts", L64, BYTES(0x4c, 0x48, 0x89, 0x08),
	  .want = { .length = 4, .kind = ST, .mem_size = 8, .reg_size = 8,
	  .reg = 1, .addr_size = 8 } },
	{ "mov [rax], ah", L64, BYTES(0x88, 0x20), .want = {
	  .length = 2, .kind = ST, .mem_size = 1, .reg_size = 1, .reg = 4,
	  .high_byte = true, .addr_size = 8 } },
	{ "REX: mov [rax], spl", L64, BYTES(0x40, 0x88, 0x20), .want = {
	  .length = 3, .kind = ST, .mem_size = 1, .reg_size = 1, .reg = 4,
	  .addr_size = 8 } },
	{ "REX.R: mov [rax], r12b", L64, BYTES(0x44, 0x88, 0x20), .want = {
	  .length = 3, .kind = ST, .mem_size = 1, .reg_size = 1, .reg = 12,
	  .addr_size = 8 } },
	{ "REX then 66: ah again", L64, BYTES(0x40, 0x66, 0x88, 0x20),
	  .want = { .length = 4, .kind = ST, .mem_size = 1, .reg_size = 1,
	  .reg = 4, .high_byte = true, .addr_size = 8 } },
	{ "REX.W on a byte op: still 8 bits", L64, BYTES(0x48, 0x88, 0x08),
	  .want = { .length = 3, .kind = ST, .mem_size = 1, .reg_size = 1,
	  .reg = 1, .addr_size = 8 } },
	{ "mov [ebx+esi], cx", P32, BYTES(0x66, 0x89, 0x0c, 0x33), .want = {
	  .length = 4, .kind = ST, .mem_size = 2, .reg_size = 2, .reg = 1,
	  .addr_size = 4 } },
	{ "mov [eax], ecx", P32, BYTES(0x89, 0x08), .want = {
	  .length = 2, .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 4 } },
	{ "mov [eax], dh", P32, BYTES(0x88, 0x30), .want = {
	  .length = 2, .kind = ST, .mem_size = 1, .reg_size = 1, .reg = 6,
	  .high_byte = true, .addr_size = 4 } },
	{ "67: mov [bx+si], ecx", P32, BYTES(0x67, 0x89, 0x08), .want = {
	  .length = 3, .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 2 } },
	{ "mov [bx+si], cx", R16, BYTES(0x89, 0x08), .want = {
	  .length = 2, .kind = ST, .mem_size = 2, .reg_size = 2, .reg = 1,
	  .addr_size = 2 } },
	{ "66: mov [bx+si], ecx", R16, BYTES(0x66, 0x89, 0x08), .want = {
	  .length = 3, .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 2 } },
	{ "mov [bx], bh", P16, BYTES(0x88, 0x3f), .want = {
	  .length = 2, .kind = ST, .mem_size = 1, .reg_size = 1, .reg = 7,
	  .high_byte = true, .addr_size = 2 } },

	/* 8a 8b: loads, and the ModR/M, SIB and displacement forms */
	{ "mov al, [rdi]", L64, BYTES(0x8a, 0x07), .want = {
	  .length = 2, .kind = LD, .mem_size = 1, .reg_size = 1, .reg = 0,
	  .addr_size = 8 } },
	{ "mov bh, [rdi]", L64, BYTES(0x8a, 0x3f), .want = {
	  .length = 2, .kind = LD, .mem_size = 1, .reg_size = 1, .reg = 7,
	  .high_byte = true, .addr_size = 8 } },
	{ "REX.W: mov rax, [rax]", L64, BYTES(0x48, 0x8b, 0x00), .want = {
	  .length = 3, .kind = LD, .mem_size = 8, .reg_size = 8,
	  .addr_size = 8 } },
	{ "SIB without base: mov ecx, [disp32]", L64,
	  BYTES(0x8b, 0x0c, 0x25, 0, 0x10, 0, 0), .want = { .length = 7,
	  .kind = LD, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 8 } },
	{ "RIP-relative: mov eax, [rip+disp32]", L64,
	  BYTES(0x8b, 0x05, 0x78, 0x56, 0x34, 0x12), .want = { .length = 6,
	  .kind = LD, .mem_size = 4, .reg_size = 4, .addr_size = 8 } },
	{ "67: mov eax, [eip+disp32]", L64,
	  BYTES(0x67, 0x8b, 0x05, 0, 0x10, 0, 0), .want = { .length = 7,
	  .kind = LD, .mem_size = 4, .reg_size = 4, .addr_size = 4 } },
	{ "REX.B keeps RIP-relative: mov eax, [rip+disp32]", L64,
	  BYTES(0x41, 0x8b, 0x05, 0, 0x10, 0, 0), .want = { .length = 7,
	  .kind = LD, .mem_size = 4, .reg_size = 4, .addr_size = 8 } },
	{ "SIB + disp8: mov eax, [rsp+8]", L64, BYTES(0x8b, 0x44, 0x24, 0x08),
	  .want = { .length = 4, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 8 } },
	{ "SIB + disp32: mov eax, [rsp+0x100]", L64,
	  BYTES(0x8b, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00), .want = {
	  .length = 7, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 8 } },
	{ "REX.B keeps the SIB: mov eax, [r12]", L64,
	  BYTES(0x41, 0x8b, 0x04, 0x24), .want = { .length = 4, .kind = LD,
	  .mem_size = 4, .reg_size = 4, .addr_size = 8 } },
	{ "disp8: mov eax, [rbp+8]", L64, BYTES(0x8b, 0x45, 0x08), .want = {
	  .length = 3, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 8 } },
	{ "REX.B: mov eax, [r13+0]", L64, BYTES(0x41, 0x8b, 0x45, 0x00),
	  .want = { .length = 4, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 8 } },
	{ "disp32: mov eax, [rax+0x100]", L64,
	  BYTES(0x8b, 0x80, 0x00, 0x01, 0x00, 0x00), .want = { .length = 6,
	  .kind = LD, .mem_size = 4, .reg_size = 4, .addr_size = 8 } },
	{ "SIB base 101, mod 00: mov eax, [rax*4+disp32]", L64,
	  BYTES(0x8b, 0x04, 0x85, 0, 0x10, 0, 0), .want = { .length = 7,
	  .kind = LD, .mem_size = 4, .reg_size = 4, .addr_size = 8 } },
	{ "SIB base 101, mod 01: mov eax, [rbp+rax*4+8]", L64,
	  BYTES(0x8b, 0x44, 0x85, 0x08), .want = { .length = 4, .kind = LD,
	  .mem_size = 4, .reg_size = 4, .addr_size = 8 } },
	{ "REX.R: mov r15d, [rax]", L64, BYTES(0x44, 0x8b, 0x38), .want = {
	  .length = 3, .kind = LD, .mem_size = 4, .reg_size = 4, .reg = 15,
	  .addr_size = 8 } },
	{ "absolute disp32: mov ecx, [0x1000]", P32,
	  BYTES(0x8b, 0x0d, 0, 0x10, 0, 0), .want = { .length = 6, .kind = LD,
	  .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 4 } },
	{ "SIB + disp8: mov ecx, [esp+8]", P32,
	  BYTES(0x8b, 0x4c, 0x24, 0x08), .want = { .length = 4, .kind = LD,
	  .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 4 } },
	{ "mov ah, [edi]", P32, BYTES(0x8a, 0x27), .want = {
	  .length = 2, .kind = LD, .mem_size = 1, .reg_size = 1, .reg = 4,
	  .high_byte = true, .addr_size = 4 } },
	{ "67 disp16: mov ecx, [0x1234]", P32,
	  BYTES(0x67, 0x8b, 0x0e, 0x34, 0x12), .want = { .length = 5,
	  .kind = LD, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 2 } },
	{ "disp16: mov cx, [0x1234]", R16, BYTES(0x8b, 0x0e, 0x34, 0x12),
	  .want = { .length = 4, .kind = LD, .mem_size = 2, .reg_size = 2,
	  .reg = 1, .addr_size = 2 } },
	{ "disp8: mov ax, [bx+8]", R16, BYTES(0x8b, 0x47, 0x08), .want = {
	  .length = 3, .kind = LD, .mem_size = 2, .reg_size = 2,
	  .addr_size = 2 } },
	{ "disp16: mov ax, [bx+0x100]", R16, BYTES(0x8b, 0x87, 0x00, 0x01),
	  .want = { .length = 4, .kind = LD, .mem_size = 2, .reg_size = 2,
	  .addr_size = 2 } },
	{ "mod 01 r/m 110 is bp: mov ax, [bp+0]", R16,
	  BYTES(0x8b, 0x46, 0x00), .want = { .length = 3, .kind = LD,
	  .mem_size = 2, .reg_size = 2, .addr_size = 2 } },
	{ "no SIB in 16-bit addressing: mov ax, [si]", R16,
	  BYTES(0x8b, 0x04), .want = { .length = 2, .kind = LD,
	  .mem_size = 2, .reg_size = 2, .addr_size = 2 } },
	{ "67 SIB: mov ax, [esp]", R16, BYTES(0x67, 0x8b, 0x04, 0x24),
	  .want = { .length = 4, .kind = LD, .mem_size = 2, .reg_size = 2,
	  .addr_size = 4 } },
	{ "67 absolute disp32: mov ax, [disp32]", R16,
	  BYTES(0x67, 0x8b, 0x05, 0, 0x10, 0, 0), .want = { .length = 7,
	  .kind = LD, .mem_size = 2, .reg_size = 2, .addr_size = 4 } },
	{ "disp16: mov dl, [0x1234]", P16, BYTES(0x8a, 0x16, 0x34, 0x12),
	  .want = { .length = 4, .kind = LD, .mem_size = 1, .reg_size = 1,
	  .reg = 2, .addr_size = 2 } },

	/* c6 c7 /0: store an immediate, sign-extended to 64 bits */
	{ "mov byte [rax], 0xff", L64, BYTES(0xc6, 0x00, 0xff), .want = {
	  .length = 3, .kind = STI, .mem_size = 1, .reg_size = 1,
	  .has_imm = true, .imm = 0xff, .addr_size = 8 } },
	{ "66 on a byte op: mov byte [rax], 0x80", L64,
	  BYTES(0x66, 0xc6, 0x00, 0x80), .want = { .length = 4, .kind = STI,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 0x80,
	  .addr_size = 8 } },
	{ "mov dword [rax], 0x12345678", L64,
	  BYTES(0xc7, 0x00, 0x78, 0x56, 0x34, 0x12), .want = { .length = 6,
	  .kind = STI, .mem_size = 4, .reg_size = 4, .has_imm = true,
	  .imm = 0x12345678, .addr_size = 8 } },
	{ "mov dword [rax], 0xdeadbeef: no extension", L64,
	  BYTES(0xc7, 0x00, 0xef, 0xbe, 0xad, 0xde), .want = { .length = 6,
	  .kind = STI, .mem_size = 4, .reg_size = 4, .has_imm = true,
	  .imm = 0xdeadbeef, .addr_size = 8 } },
	{ "REX.W: imm32 sign-extends to 64", L64,
	  BYTES(0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80), .want = {
	  .length = 7, .kind = STI, .mem_size = 8, .reg_size = 8,
	  .has_imm = true, .imm = 0xffffffff80000000ULL, .addr_size = 8 } },
	{ "REX.W: positive imm32", L64,
	  BYTES(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f), .want = {
	  .length = 7, .kind = STI, .mem_size = 8, .reg_size = 8,
	  .has_imm = true, .imm = 0x7fffffff, .addr_size = 8 } },
	{ "66: mov word [rax], 0x1234", L64,
	  BYTES(0x66, 0xc7, 0x00, 0x34, 0x12), .want = { .length = 5,
	  .kind = STI, .mem_size = 2, .reg_size = 2, .has_imm = true,
	  .imm = 0x1234, .addr_size = 8 } },
	{ "disp8 + imm32: mov dword [rax+8], 1", L64,
	  BYTES(0xc7, 0x40, 0x08, 0x01, 0x00, 0x00, 0x00), .want = {
	  .length = 7, .kind = STI, .mem_size = 4, .reg_size = 4,
	  .has_imm = true, .imm = 1, .addr_size = 8 } },
	{ "RIP-relative + imm32", L64,
	  BYTES(0xc7, 0x05, 0, 0x10, 0, 0, 0x01, 0x00, 0x00, 0x00), .want = {
	  .length = 10, .kind = STI, .mem_size = 4, .reg_size = 4,
	  .has_imm = true, .imm = 1, .addr_size = 8 } },
	{ "REX.B SIB disp8 imm32: mov dword [r12+8], -2", L64,
	  BYTES(0x41, 0xc7, 0x44, 0x24, 0x08, 0xfe, 0xff, 0xff, 0xff),
	  .want = { .length = 9, .kind = STI, .mem_size = 4, .reg_size = 4,
	  .has_imm = true, .imm = 0xfffffffe, .addr_size = 8 } },
	{ "absolute + imm32", P32,
	  BYTES(0xc7, 0x05, 0, 0x10, 0, 0, 0x78, 0x56, 0x34, 0x12), .want = {
	  .length = 10, .kind = STI, .mem_size = 4, .reg_size = 4,
	  .has_imm = true, .imm = 0x12345678, .addr_size = 4 } },
	{ "66 absolute + imm16", P32,
	  BYTES(0x66, 0xc7, 0x05, 0, 0x10, 0, 0, 0x34, 0x12),
	  .want = { .length = 9, .kind = STI, .mem_size = 2, .reg_size = 2,
	  .has_imm = true, .imm = 0x1234, .addr_size = 4 } },
	{ "absolute + imm8", P32, BYTES(0xc6, 0x05, 0, 0x10, 0, 0, 0x5a),
	  .want = { .length = 7, .kind = STI, .mem_size = 1, .reg_size = 1,
	  .has_imm = true, .imm = 0x5a, .addr_size = 4 } },
	{ "disp16 + imm8", R16, BYTES(0xc6, 0x06, 0x34, 0x12, 0xff), .want = {
	  .length = 5, .kind = STI, .mem_size = 1, .reg_size = 1,
	  .has_imm = true, .imm = 0xff, .addr_size = 2 } },
	{ "disp16 + imm16", R16, BYTES(0xc7, 0x06, 0x34, 0x12, 0x78, 0x56),
	  .want = { .length = 6, .kind = STI, .mem_size = 2, .reg_size = 2,
	  .has_imm = true, .imm = 0x5678, .addr_size = 2 } },
	{ "66 disp16 + imm32", R16,
	  BYTES(0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12),
	  .want = { .length = 9, .kind = STI, .mem_size = 4, .reg_size = 4,
	  .has_imm = true, .imm = 0x12345678, .addr_size = 2 } },
	{ "disp16 + imm16", P16, BYTES(0xc7, 0x06, 0x34, 0x12, 0x00, 0x80),
	  .want = { .length = 6, .kind = STI, .mem_size = 2, .reg_size = 2,
	  .has_imm = true, .imm = 0x8000, .addr_size = 2 } },

	/* a0-a3: the offset is as wide as the address size */
	{ "moffs64: mov eax, [moffs]", L64,
	  BYTES(0xa1, 0, 0x10, 0, 0, 0, 0, 0, 0), .want = { .length = 9,
	  .kind = LD, .mem_size = 4, .reg_size = 4, .addr_size = 8 } },
	{ "67 moffs32: mov eax, [moffs]", L64, BYTES(0x67, 0xa1, 0, 0x10, 0, 0),
	  .want = { .length = 6, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 4 } },
	{ "moffs64: mov al, [moffs]", L64,
	  BYTES(0xa0, 0, 0x10, 0, 0, 0, 0, 0, 0), .want = { .length = 9,
	  .kind = LD, .mem_size = 1, .reg_size = 1, .addr_size = 8 } },
	{ "REX: mov al, [moffs] stays al", L64,
	  BYTES(0x40, 0xa0, 0, 0x10, 0, 0, 0, 0, 0, 0), .want = { .length = 10,
	  .kind = LD, .mem_size = 1, .reg_size = 1, .addr_size = 8 } },
	{ "66 moffs64: mov ax, [moffs]", L64,
	  BYTES(0x66, 0xa1, 0, 0x10, 0, 0, 0, 0, 0, 0), .want = { .length = 10,
	  .kind = LD, .mem_size = 2, .reg_size = 2, .addr_size = 8 } },
	{ "moffs64: mov [moffs], al", L64,
	  BYTES(0xa2, 0, 0x10, 0, 0, 0, 0, 0, 0), .want = { .length = 9,
	  .kind = ST, .mem_size = 1, .reg_size = 1, .addr_size = 8 } },
	{ "REX.W moffs64: mov [moffs], rax", L64,
	  BYTES(0x48, 0xa3, 0, 0x10, 0, 0, 0, 0, 0, 0), .want = { .length = 10,
	  .kind = ST, .mem_size = 8, .reg_size = 8, .addr_size = 8 } },
	{ "moffs32: mov eax, [moffs]", P32, BYTES(0xa1, 0, 0x10, 0, 0),
	  .want = { .length = 5, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 4 } },
	{ "67 moffs16: mov eax, [moffs]", P32, BYTES(0x67, 0xa1, 0x34, 0x12),
	  .want = { .length = 4, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 2 } },
	{ "moffs32: mov al, [moffs]", P32, BYTES(0xa0, 0, 0x10, 0, 0), .want = {
	  .length = 5, .kind = LD, .mem_size = 1, .reg_size = 1,
	  .addr_size = 4 } },
	{ "moffs32: mov [moffs], al", P32, BYTES(0xa2, 0, 0x10, 0, 0), .want = {
	  .length = 5, .kind = ST, .mem_size = 1, .reg_size = 1,
	  .addr_size = 4 } },
	{ "moffs32: mov [moffs], eax", P32, BYTES(0xa3, 0, 0x10, 0, 0),
	  .want = { .length = 5, .kind = ST, .mem_size = 4, .reg_size = 4,
	  .addr_size = 4 } },
	{ "moffs16: mov ax, [moffs]", R16, BYTES(0xa1, 0x34, 0x12), .want = {
	  .length = 3, .kind = LD, .mem_size = 2, .reg_size = 2,
	  .addr_size = 2 } },
	{ "67 moffs32: mov ax, [moffs]", R16, BYTES(0x67, 0xa1, 0, 0x10, 0, 0),
	  .want = { .length = 6, .kind = LD, .mem_size = 2, .reg_size = 2,
	  .addr_size = 4 } },
	{ "moffs16: mov [moffs], al", R16, BYTES(0xa2, 0x34, 0x12), .want = {
	  .length = 3, .kind = ST, .mem_size = 1, .reg_size = 1,
	  .addr_size = 2 } },
	{ "66 moffs16: mov [moffs], eax", P16, BYTES(0x66, 0xa3, 0x34, 0x12),
	  .want = { .length = 4, .kind = ST, .mem_size = 4, .reg_size = 4,
	  .addr_size = 2 } },
	{ "moffs16: mov al, [moffs]", P16, BYTES(0xa0, 0x34, 0x12), .want = {
	  .length = 3, .kind = LD, .mem_size = 1, .reg_size = 1,
	  .addr_size = 2 } },

	/* 0f b6 b7 be bf, 63: extend into a register of the operand size */
	{ "movzx eax, byte [rax]", L64, BYTES(0x0f, 0xb6, 0x00), .want = {
	  .length = 3, .kind = ZX, .mem_size = 1, .reg_size = 4,
	  .addr_size = 8 } },
	{ "movzx rcx, word [rax]", L64, BYTES(0x48, 0x0f, 0xb7, 0x08),
	  .want = { .length = 4, .kind = ZX, .mem_size = 2, .reg_size = 8,
	  .reg = 1, .addr_size = 8 } },
	{ "movzx ax, byte [rax]", L64, BYTES(0x66, 0x0f, 0xb6, 0x00), .want = {
	  .length = 4, .kind = ZX, .mem_size = 1, .reg_size = 2,
	  .addr_size = 8 } },
	{ "movzx r15d, byte [rax]", L64, BYTES(0x44, 0x0f, 0xb6, 0x38),
	  .want = { .length = 4, .kind = ZX, .mem_size = 1, .reg_size = 4,
	  .reg = 15, .addr_size = 8 } },
	{ "movzx esp, byte [rax]: no high byte", L64,
	  BYTES(0x0f, 0xb6, 0x20), .want = { .length = 3, .kind = ZX,
	  .mem_size = 1, .reg_size = 4, .reg = 4, .addr_size = 8 } },
	{ "movsx eax, byte [rax]", L64, BYTES(0x0f, 0xbe, 0x00), .want = {
	  .length = 3, .kind = SX, .mem_size = 1, .reg_size = 4,
	  .addr_size = 8 } },
	{ "movsx rcx, word [rax]", L64, BYTES(0x48, 0x0f, 0xbf, 0x08),
	  .want = { .length = 4, .kind = SX, .mem_size = 2, .reg_size = 8,
	  .reg = 1, .addr_size = 8 } },
	{ "movsx ax, word [rax]", L64, BYTES(0x66, 0x0f, 0xbf, 0x00), .want = {
	  .length = 4, .kind = SX, .mem_size = 2, .reg_size = 2,
	  .addr_size = 8 } },
	{ "movsxd ecx, [rax] (no REX.W)", L64, BYTES(0x63, 0x08), .want = {
	  .length = 2, .kind = SX, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 8 } },
	{ "movsxd rcx, dword [rax]", L64, BYTES(0x48, 0x63, 0x08), .want = {
	  .length = 3, .kind = SX, .mem_size = 4, .reg_size = 8, .reg = 1,
	  .addr_size = 8 } },
	{ "movsxd r9, dword [rax]", L64, BYTES(0x4c, 0x63, 0x08), .want = {
	  .length = 3, .kind = SX, .mem_size = 4, .reg_size = 8, .reg = 9,
	  .addr_size = 8 } },
	{ "66 movsxd cx, word [rax]", L64, BYTES(0x66, 0x63, 0x08), .want = {
	  .length = 3, .kind = SX, .mem_size = 2, .reg_size = 2, .reg = 1,
	  .addr_size = 8 } },
	{ "movzx ecx, word [eax]", P32, BYTES(0x0f, 0xb7, 0x08), .want = {
	  .length = 3, .kind = ZX, .mem_size = 2, .reg_size = 4, .reg = 1,
	  .addr_size = 4 } },
	{ "movzx eax, byte [eax]", P32, BYTES(0x0f, 0xb6, 0x00), .want = {
	  .length = 3, .kind = ZX, .mem_size = 1, .reg_size = 4,
	  .addr_size = 4 } },
	{ "movsx ecx, word [eax]", P32, BYTES(0x0f, 0xbf, 0x08), .want = {
	  .length = 3, .kind = SX, .mem_size = 2, .reg_size = 4, .reg = 1,
	  .addr_size = 4 } },
	{ "66 movsx ax, byte [eax]", P32, BYTES(0x66, 0x0f, 0xbe, 0x00),
	  .want = { .length = 4, .kind = SX, .mem_size = 1, .reg_size = 2,
	  .addr_size = 4 } },
	{ "movzx ax, byte [bx]", R16, BYTES(0x0f, 0xb6, 0x07), .want = {
	  .length = 3, .kind = ZX, .mem_size = 1, .reg_size = 2,
	  .addr_size = 2 } },
	{ "66 movzx eax, byte [bx]", R16, BYTES(0x66, 0x0f, 0xb6, 0x07),
	  .want = { .length = 4, .kind = ZX, .mem_size = 1, .reg_size = 4,
	  .addr_size = 2 } },
	{ "movzx ax, word [bx]", R16, BYTES(0x0f, 0xb7, 0x07), .want = {
	  .length = 3, .kind = ZX, .mem_size = 2, .reg_size = 2,
	  .addr_size = 2 } },
	{ "movsx ax, byte [bx]", P16, BYTES(0x0f, 0xbe, 0x07), .want = {
	  .length = 3, .kind = SX, .mem_size = 1, .reg_size = 2,
	  .addr_size = 2 } },
	{ "66 movsx eax, word [bx]", R16, BYTES(0x66, 0x0f, 0xbf, 0x07),
	  .want = { .length = 4, .kind = SX, .mem_size = 2, .reg_size = 4,
	  .addr_size = 2 } },

	/* aa ab a4 a5: rep, operand and address size */
	{ "stosb", L64, BYTES(0xaa), .want = { .length = 1, .kind = STOS,
	  .mem_size = 1, .reg_size = 1, .addr_size = 8 } },
	{ "stosd", L64, BYTES(0xab), .want = { .length = 1, .kind = STOS,
	  .mem_size = 4, .reg_size = 4, .addr_size = 8 } },
	{ "66 stosw", L64, BYTES(0x66, 0xab), .want = { .length = 2,
	  .kind = STOS, .mem_size = 2, .reg_size = 2, .addr_size = 8 } },
	{ "rep stosq", L64, BYTES(0xf3, 0x48, 0xab), .want = { .length = 3,
	  .kind = STOS, .mem_size = 8, .reg_size = 8, .addr_size = 8,
	  .rep = MMIO_REP } },
	{ "REX.W then rep: REX ignored", L64, BYTES(0x48, 0xf3, 0xab),
	  .want = { .length = 3, .kind = STOS, .mem_size = 4, .reg_size = 4,
	  .addr_size = 8, .rep = MMIO_REP } },
	{ "rep 67 stosd: ecx, edi", L64, BYTES(0xf3, 0x67, 0xab), .want = {
	  .length = 3, .kind = STOS, .mem_size = 4, .reg_size = 4,
	  .addr_size = 4, .rep = MMIO_REP } },
	{ "repne stosb", L64, BYTES(0xf2, 0xaa), .want = { .length = 2,
	  .kind = STOS, .mem_size = 1, .reg_size = 1, .addr_size = 8,
	  .rep = MMIO_REPNE } },
	{ "f2 then f3: the last counts", L64, BYTES(0xf2, 0xf3, 0xaa),
	  .want = { .length = 3, .kind = STOS, .mem_size = 1, .reg_size = 1,
	  .addr_size = 8, .rep = MMIO_REP } },
	{ "movsb", L64, BYTES(0xa4), .want = { .length = 1, .kind = MOVS,
	  .mem_size = 1, .reg_size = 1, .addr_size = 8 } },
	{ "movsd", L64, BYTES(0xa5), .want = { .length = 1, .kind = MOVS,
	  .mem_size = 4, .reg_size = 4, .addr_size = 8 } },
	{ "rep movsq", L64, BYTES(0xf3, 0x48, 0xa5), .want = { .length = 3,
	  .kind = MOVS, .mem_size = 8, .reg_size = 8, .addr_size = 8,
	  .rep = MMIO_REP } },
	{ "fs rep movsb", L64, BYTES(0x64, 0xf3, 0xa4), .want = { .length = 3,
	  .kind = MOVS, .mem_size = 1, .reg_size = 1, .addr_size = 8,
	  .rep = MMIO_REP, .seg = MMIO_SEG_FS } },
	{ "rep movsd", P32, BYTES(0xf3, 0xa5), .want = { .length = 2,
	  .kind = MOVS, .mem_size = 4, .reg_size = 4, .addr_size = 4,
	  .rep = MMIO_REP } },
	{ "67 rep movsb: cx, si, di", P32, BYTES(0x67, 0xf3, 0xa4), .want = {
	  .length = 3, .kind = MOVS, .mem_size = 1, .reg_size = 1,
	  .addr_size = 2, .rep = MMIO_REP } },
	{ "66 movsw", P32, BYTES(0x66, 0xa5), .want = { .length = 2,
	  .kind = MOVS, .mem_size = 2, .reg_size = 2, .addr_size = 4 } },
	{ "repne movsd", P32, BYTES(0xf2, 0xa5), .want = { .length = 2,
	  .kind = MOVS, .mem_size = 4, .reg_size = 4, .addr_size = 4,
	  .rep = MMIO_REPNE } },
	{ "rep stosd", P32, BYTES(0xf3, 0xab), .want = { .length = 2,
	  .kind = STOS, .mem_size = 4, .reg_size = 4, .addr_size = 4,
	  .rep = MMIO_REP } },
	{ "stosb", P32, BYTES(0xaa), .want = { .length = 1, .kind = STOS,
	  .mem_size = 1, .reg_size = 1, .addr_size = 4 } },
	{ "rep stosw", R16, BYTES(0xf3, 0xab), .want = { .length = 2,
	  .kind = STOS, .mem_size = 2, .reg_size = 2, .addr_size = 2,
	  .rep = MMIO_REP } },
	{ "66 rep stosd", R16, BYTES(0x66, 0xf3, 0xab), .want = { .length = 3,
	  .kind = STOS, .mem_size = 4, .reg_size = 4, .addr_size = 2,
	  .rep = MMIO_REP } },
	{ "67 rep stosw: ecx, edi", R16, BYTES(0x67, 0xf3, 0xab), .want = {
	  .length = 3, .kind = STOS, .mem_size = 2, .reg_size = 2,
	  .addr_size = 4, .rep = MMIO_REP } },
	{ "es rep movsb", R16, BYTES(0x26, 0xf3, 0xa4), .want = { .length = 3,
	  .kind = MOVS, .mem_size = 1, .reg_size = 1, .addr_size = 2,
	  .rep = MMIO_REP, .seg = MMIO_SEG_ES } },
	{ "movsw", P16, BYTES(0xa5), .want = { .length = 1, .kind = MOVS,
	  .mem_size = 2, .reg_size = 2, .addr_size = 2 } },
	{ "stosb", P16, BYTES(0xaa), .want = { .length = 1, .kind = STOS,
	  .mem_size = 1, .reg_size = 1, .addr_size = 2 } },

	/* ALU with a register: prefixes and high bytes (more in alu_sweep) */
	{ "REX.W: add [rax], rcx", L64, BYTES(0x48, 0x01, 0x08), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_ADD, .mem_is_dst = true,
	  .mem_size = 8, .reg_size = 8, .reg = 1, .addr_size = 8 } },
	{ "REX.WR: or r9, [rax]", L64, BYTES(0x4c, 0x0b, 0x08), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_OR, .mem_size = 8,
	  .reg_size = 8, .reg = 9, .addr_size = 8 } },
	{ "add [rax], ah", L64, BYTES(0x00, 0x20), .want = { .length = 2,
	  .kind = ALU, .alu_op = MMIO_ALU_ADD, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .reg = 4, .high_byte = true,
	  .addr_size = 8 } },
	{ "REX: and sil, [rax]", L64, BYTES(0x40, 0x22, 0x30), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_AND, .mem_size = 1,
	  .reg_size = 1, .reg = 6, .addr_size = 8 } },
	{ "66: sub cx, [rip+disp32]", L64,
	  BYTES(0x66, 0x2b, 0x0d, 0, 0x10, 0, 0), .want = { .length = 7,
	  .kind = ALU, .alu_op = MMIO_ALU_SUB, .mem_size = 2, .reg_size = 2,
	  .reg = 1, .addr_size = 8 } },
	{ "test [rax], al", L64, BYTES(0x84, 0x00), .want = { .length = 2,
	  .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .addr_size = 8 } },
	{ "test [rax], ecx", L64, BYTES(0x85, 0x08), .want = { .length = 2,
	  .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 8 } },
	{ "REX.W: test [rax], rcx", L64, BYTES(0x48, 0x85, 0x08), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 8, .reg_size = 8, .reg = 1, .addr_size = 8 } },
	{ "test [eax], ch", P32, BYTES(0x84, 0x28), .want = { .length = 2,
	  .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .reg = 5, .high_byte = true,
	  .addr_size = 4 } },
	{ "test [bx], ah", R16, BYTES(0x84, 0x27), .want = { .length = 2,
	  .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .reg = 4, .high_byte = true,
	  .addr_size = 2 } },
	{ "test [bx], ax", P16, BYTES(0x85, 0x07), .want = { .length = 2,
	  .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 2, .reg_size = 2, .addr_size = 2 } },

	/* 80 81 83 f6 f7: immediates sign-extended to the operand size */
	{ "add byte [rax], 0xff", L64, BYTES(0x80, 0x00, 0xff), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_ADD, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 0xff,
	  .addr_size = 8 } },
	{ "or byte [rax], 1", L64, BYTES(0x80, 0x08, 0x01), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_OR, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 1,
	  .addr_size = 8 } },
	{ "and byte [rax], 1", L64, BYTES(0x80, 0x20, 0x01), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_AND, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 1,
	  .addr_size = 8 } },
	{ "sub byte [rax], 1", L64, BYTES(0x80, 0x28, 0x01), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_SUB, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 1,
	  .addr_size = 8 } },
	{ "xor byte [rax], 1", L64, BYTES(0x80, 0x30, 0x01), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_XOR, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 1,
	  .addr_size = 8 } },
	{ "cmp byte [rax], 1", L64, BYTES(0x80, 0x38, 0x01), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_CMP, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 1,
	  .addr_size = 8 } },
	{ "add dword [rax], 0x12345678", L64,
	  BYTES(0x81, 0x00, 0x78, 0x56, 0x34, 0x12), .want = { .length = 6,
	  .kind = ALU, .alu_op = MMIO_ALU_ADD, .mem_is_dst = true,
	  .mem_size = 4, .reg_size = 4, .has_imm = true, .imm = 0x12345678,
	  .addr_size = 8 } },
	{ "REX.W: and qword [rax], imm32 sign-extended", L64,
	  BYTES(0x48, 0x81, 0x20, 0x00, 0x00, 0x00, 0x80), .want = {
	  .length = 7, .kind = ALU, .alu_op = MMIO_ALU_AND, .mem_is_dst = true,
	  .mem_size = 8, .reg_size = 8, .has_imm = true,
	  .imm = 0xffffffff80000000ULL, .addr_size = 8 } },
	{ "66: or word [rax], 0x1234", L64,
	  BYTES(0x66, 0x81, 0x08, 0x34, 0x12), .want = { .length = 5,
	  .kind = ALU, .alu_op = MMIO_ALU_OR, .mem_is_dst = true,
	  .mem_size = 2, .reg_size = 2, .has_imm = true, .imm = 0x1234,
	  .addr_size = 8 } },
	{ "add dword [rax], -1: imm8 to 32 bits", L64,
	  BYTES(0x83, 0x00, 0xff), .want = { .length = 3, .kind = ALU,
	  .alu_op = MMIO_ALU_ADD, .mem_is_dst = true, .mem_size = 4,
	  .reg_size = 4, .has_imm = true, .imm = 0xffffffff,
	  .addr_size = 8 } },
	{ "REX.W: sub qword [rax], -1: imm8 to 64 bits", L64,
	  BYTES(0x48, 0x83, 0x28, 0xff), .want = { .length = 4, .kind = ALU,
	  .alu_op = MMIO_ALU_SUB, .mem_is_dst = true, .mem_size = 8,
	  .reg_size = 8, .has_imm = true, .imm = ~0ULL, .addr_size = 8 } },
	{ "66: cmp word [rax], -0x80: imm8 to 16 bits", L64,
	  BYTES(0x66, 0x83, 0x38, 0x80), .want = { .length = 4, .kind = ALU,
	  .alu_op = MMIO_ALU_CMP, .mem_is_dst = true, .mem_size = 2,
	  .reg_size = 2, .has_imm = true, .imm = 0xff80, .addr_size = 8 } },
	{ "xor dword [rax+8], 0x7f", L64, BYTES(0x83, 0x70, 0x08, 0x7f),
	  .want = { .length = 4, .kind = ALU, .alu_op = MMIO_ALU_XOR,
	  .mem_is_dst = true, .mem_size = 4, .reg_size = 4, .has_imm = true,
	  .imm = 0x7f, .addr_size = 8 } },
	{ "test byte [rax], 0xff", L64, BYTES(0xf6, 0x00, 0xff), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 0xff,
	  .addr_size = 8 } },
	{ "test dword [rax], 0x80000000", L64,
	  BYTES(0xf7, 0x00, 0x00, 0x00, 0x00, 0x80), .want = { .length = 6,
	  .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 4, .reg_size = 4, .has_imm = true, .imm = 0x80000000,
	  .addr_size = 8 } },
	{ "REX.W: test qword [rax], imm32 sign-extended", L64,
	  BYTES(0x48, 0xf7, 0x00, 0x00, 0x00, 0x00, 0x80), .want = {
	  .length = 7, .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 8, .reg_size = 8, .has_imm = true,
	  .imm = 0xffffffff80000000ULL, .addr_size = 8 } },
	{ "66: test word [rax], 0x8000", L64,
	  BYTES(0x66, 0xf7, 0x00, 0x00, 0x80), .want = { .length = 5,
	  .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 2, .reg_size = 2, .has_imm = true, .imm = 0x8000,
	  .addr_size = 8 } },
	{ "add byte [disp32], 0xff", P32,
	  BYTES(0x80, 0x05, 0, 0x10, 0, 0, 0xff), .want = { .length = 7,
	  .kind = ALU, .alu_op = MMIO_ALU_ADD, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 0xff,
	  .addr_size = 4 } },
	{ "or dword [eax], 0x12345678", P32,
	  BYTES(0x81, 0x08, 0x78, 0x56, 0x34, 0x12), .want = { .length = 6,
	  .kind = ALU, .alu_op = MMIO_ALU_OR, .mem_is_dst = true,
	  .mem_size = 4, .reg_size = 4, .has_imm = true, .imm = 0x12345678,
	  .addr_size = 4 } },
	{ "and dword [eax], -2", P32, BYTES(0x83, 0x20, 0xfe), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_AND, .mem_is_dst = true,
	  .mem_size = 4, .reg_size = 4, .has_imm = true, .imm = 0xfffffffe,
	  .addr_size = 4 } },
	{ "66: and word [eax], -2", P32, BYTES(0x66, 0x83, 0x20, 0xfe),
	  .want = { .length = 4, .kind = ALU, .alu_op = MMIO_ALU_AND,
	  .mem_is_dst = true, .mem_size = 2, .reg_size = 2, .has_imm = true,
	  .imm = 0xfffe, .addr_size = 4 } },
	{ "test byte [eax], 1", P32, BYTES(0xf6, 0x00, 0x01), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 1,
	  .addr_size = 4 } },
	{ "test dword [eax], 0x12345678", P32,
	  BYTES(0xf7, 0x00, 0x78, 0x56, 0x34, 0x12), .want = { .length = 6,
	  .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 4, .reg_size = 4, .has_imm = true, .imm = 0x12345678,
	  .addr_size = 4 } },
	{ "add word [disp16], -1", R16, BYTES(0x83, 0x06, 0x34, 0x12, 0xff),
	  .want = { .length = 5, .kind = ALU, .alu_op = MMIO_ALU_ADD,
	  .mem_is_dst = true, .mem_size = 2, .reg_size = 2, .has_imm = true,
	  .imm = 0xffff, .addr_size = 2 } },
	{ "66: add dword [bx], -0x80", R16, BYTES(0x66, 0x83, 0x07, 0x80),
	  .want = { .length = 4, .kind = ALU, .alu_op = MMIO_ALU_ADD,
	  .mem_is_dst = true, .mem_size = 4, .reg_size = 4, .has_imm = true,
	  .imm = 0xffffff80, .addr_size = 2 } },
	{ "or word [bx], 0x1234", R16, BYTES(0x81, 0x0f, 0x34, 0x12),
	  .want = { .length = 4, .kind = ALU, .alu_op = MMIO_ALU_OR,
	  .mem_is_dst = true, .mem_size = 2, .reg_size = 2, .has_imm = true,
	  .imm = 0x1234, .addr_size = 2 } },
	{ "cmp byte [bx], 1", R16, BYTES(0x80, 0x3f, 0x01), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_CMP, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 1,
	  .addr_size = 2 } },
	{ "test byte [bx], 1", P16, BYTES(0xf6, 0x07, 0x01), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_TEST, .mem_is_dst = true,
	  .mem_size = 1, .reg_size = 1, .has_imm = true, .imm = 1,
	  .addr_size = 2 } },
	{ "test word [bx], 0x8000", P16, BYTES(0xf7, 0x07, 0x00, 0x80),
	  .want = { .length = 4, .kind = ALU, .alu_op = MMIO_ALU_TEST,
	  .mem_is_dst = true, .mem_size = 2, .reg_size = 2, .has_imm = true,
	  .imm = 0x8000, .addr_size = 2 } },

	/* f0: only read-modify-write to memory; else #UD */
	{ "lock add [rax], ecx", L64, BYTES(0xf0, 0x01, 0x08), .want = {
	  .length = 3, .kind = ALU, .alu_op = MMIO_ALU_ADD, .mem_is_dst = true,
	  .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 8,
	  .lock = true } },
	{ "lock or byte [rax], 1", L64, BYTES(0xf0, 0x80, 0x08, 0x01),
	  .want = { .length = 4, .kind = ALU, .alu_op = MMIO_ALU_OR,
	  .mem_is_dst = true, .mem_size = 1, .reg_size = 1, .has_imm = true,
	  .imm = 1, .addr_size = 8, .lock = true } },
	{ "REX then lock: lock xor [rax], ecx", L64,
	  BYTES(0x48, 0xf0, 0x31, 0x08), .want = { .length = 4, .kind = ALU,
	  .alu_op = MMIO_ALU_XOR, .mem_is_dst = true, .mem_size = 4,
	  .reg_size = 4, .reg = 1, .addr_size = 8, .lock = true } },
	{ "lock add ecx, [rax]: register destination", L64,
	  BYTES(0xf0, 0x03, 0x08), -EINVAL },
	{ "lock cmp [rax], ecx", L64, BYTES(0xf0, 0x39, 0x08), -EINVAL },
	{ "lock cmp dword [rax], 1", L64, BYTES(0xf0, 0x83, 0x38, 0x01),
	  -EINVAL },
	{ "lock test [rax], ecx", L64, BYTES(0xf0, 0x85, 0x08), -EINVAL },
	{ "lock test byte [rax], 1", L64, BYTES(0xf0, 0xf6, 0x00, 0x01),
	  -EINVAL },
	{ "lock mov [rax], ecx", L64, BYTES(0xf0, 0x89, 0x08), -EINVAL },
	{ "lock mov ecx, [rax]", L64, BYTES(0xf0, 0x8b, 0x08), -EINVAL },
	{ "lock mov dword [rax], 1", L64,
	  BYTES(0xf0, 0xc7, 0x00, 0x01, 0x00, 0x00, 0x00), -EINVAL },
	{ "lock mov eax, [moffs]", P32, BYTES(0xf0, 0xa1, 0, 0x10, 0, 0),
	  -EINVAL },
	{ "lock movzx eax, byte [rax]", L64, BYTES(0xf0, 0x0f, 0xb6, 0x00),
	  -EINVAL },
	{ "lock stosd", L64, BYTES(0xf0, 0xab), -EINVAL },
	{ "lock movsb", R16, BYTES(0xf0, 0xa4), -EINVAL },

	/* Segment overrides: in 64-bit mode only fs and gs count */
	{ "fs: mov eax, [rax]", L64, BYTES(0x64, 0x8b, 0x00), .want = {
	  .length = 3, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 8, .seg = MMIO_SEG_FS } },
	{ "gs: mov [rax], ecx", L64, BYTES(0x65, 0x89, 0x08), .want = {
	  .length = 3, .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 8, .seg = MMIO_SEG_GS } },
	{ "es: ignored", L64, BYTES(0x26, 0x89, 0x08), .want = {
	  .length = 3, .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 8 } },
	{ "cs ss ds: ignored", L64, BYTES(0x2e, 0x36, 0x3e, 0x89, 0x08),
	  .want = { .length = 5, .kind = ST, .mem_size = 4, .reg_size = 4,
	  .reg = 1, .addr_size = 8 } },
	{ "fs gs: the last counts", L64, BYTES(0x64, 0x65, 0x8b, 0x00),
	  .want = { .length = 4, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 8, .seg = MMIO_SEG_GS } },
	{ "gs es: es ignored", L64, BYTES(0x65, 0x26, 0x8b, 0x00), .want = {
	  .length = 4, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 8, .seg = MMIO_SEG_GS } },
	{ "es:", P32, BYTES(0x26, 0x89, 0x08), .want = { .length = 3,
	  .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 4,
	  .seg = MMIO_SEG_ES } },
	{ "cs:", P32, BYTES(0x2e, 0x89, 0x08), .want = { .length = 3,
	  .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 4,
	  .seg = MMIO_SEG_CS } },
	{ "ss:", P32, BYTES(0x36, 0x89, 0x08), .want = { .length = 3,
	  .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 4,
	  .seg = MMIO_SEG_SS } },
	{ "ds:", P32, BYTES(0x3e, 0x89, 0x08), .want = { .length = 3,
	  .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 4,
	  .seg = MMIO_SEG_DS } },
	{ "fs:", P32, BYTES(0x64, 0x89, 0x08), .want = { .length = 3,
	  .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 4,
	  .seg = MMIO_SEG_FS } },
	{ "gs:", P32, BYTES(0x65, 0x89, 0x08), .want = { .length = 3,
	  .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1, .addr_size = 4,
	  .seg = MMIO_SEG_GS } },
	{ "fs es: the last counts", R16, BYTES(0x64, 0x26, 0x89, 0x08),
	  .want = { .length = 4, .kind = ST, .mem_size = 2, .reg_size = 2,
	  .reg = 1, .addr_size = 2, .seg = MMIO_SEG_ES } },

	/* The 15-byte limit */
	{ "15 bytes: 8 x ds, mov eax, [esp+disp32]", P32,
	  BYTES(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
		0x8b, 0x84, 0x24, 0, 0x10, 0, 0),
	  .want = { .length = 15, .kind = LD, .mem_size = 4, .reg_size = 4,
	  .addr_size = 4, .seg = MMIO_SEG_DS } },
	{ "16 bytes: 9 x ds, mov eax, [esp+disp32]", P32,
	  BYTES(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
		0x8b, 0x84, 0x24, 0, 0x10, 0, 0), -EINVAL },
	{ "15 bytes: 3 x cs, REX.W, mov [rsp+disp32], imm32", L64,
	  BYTES(0x2e, 0x2e, 0x2e, 0x48, 0xc7, 0x84, 0x24, 0, 0x10, 0, 0,
		0xff, 0xff, 0xff, 0xff), .want = { .length = 15, .kind = STI,
	  .mem_size = 8, .reg_size = 8, .has_imm = true, .imm = ~0ULL,
	  .addr_size = 8 } },
	{ "16 bytes: 4 x cs, REX.W, mov [rsp+disp32], imm32", L64,
	  BYTES(0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0xc7, 0x84, 0x24, 0, 0x10, 0, 0,
		0xff, 0xff, 0xff, 0xff), -EINVAL },
	{ "13 x 66, mov [bx+si], ecx: 15 bytes", R16,
	  BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x89, 0x08), .want = { .length = 15,
	  .kind = ST, .mem_size = 4, .reg_size = 4, .reg = 1,
	  .addr_size = 2 } },
	{ "14 x 66, mov [bx+si], ecx: 16 bytes", R16,
	  BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x89, 0x08), -EINVAL },
	{ "15 x 66, mov", R16,
	  BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x08), -EINVAL },
	{ "15 prefixes and nothing more fetched: never valid", L64,
	  BYTES(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66), -EINVAL },
	{ "20 REX prefixes", L64,
	  BYTES(0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48,
		0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48, 0x48),
	  -EINVAL },

	/* Too short */
	{ "nothing fetched", L64, { .n = 0 }, -EAGAIN },
	{ "0f alone", L64, BYTES(0x0f), -EAGAIN },
	{ "prefixes alone", P32, BYTES(0x66, 0x67, 0xf3), -EAGAIN },
	{ "moffs64 cut short", L64, BYTES(0xa1, 0, 0x10, 0, 0), -EAGAIN },

	/* REX is INC/DEC outside 64-bit mode */
	{ "48 89 08 is dec eax; mov [eax], ecx", P32, BYTES(0x48, 0x89, 0x08),
	  -EINVAL },
	{ "40 88 20 is inc eax; mov [eax], ah", P32, BYTES(0x40, 0x88, 0x20),
	  -EINVAL },
	{ "41 89 00 is inc cx; mov [bx+si], ax", R16, BYTES(0x41, 0x89, 0x00),
	  -EINVAL },
	{ "4f 8b 00 is dec di", P16, BYTES(0x4f, 0x8b, 0x00), -EINVAL },

	/* Register forms (mod=11) cannot touch memory */
	{ "mov eax, ecx", L64, BYTES(0x89, 0xc8), -EINVAL },
	{ "mov ecx, eax", P32, BYTES(0x8b, 0xc8), -EINVAL },
	{ "mov ah, al", R16, BYTES(0x8a, 0xe0), -EINVAL },
	{ "mov eax, 1 (c7 /0 register)", L64,
	  BYTES(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00), -EINVAL },
	{ "movzx eax, al", L64, BYTES(0x0f, 0xb6, 0xc0), -EINVAL },
	{ "movsxd rcx, eax", L64, BYTES(0x48, 0x63, 0xc8), -EINVAL },
	{ "add al, 1 (80 /0 register)", L64, BYTES(0x80, 0xc0, 0x01),
	  -EINVAL },
	{ "add eax, ecx", P32, BYTES(0x01, 0xc8), -EINVAL },
	{ "test eax, eax", L64, BYTES(0x85, 0xc0), -EINVAL },
	{ "test eax, 1 (f7 /0 register)", L64,
	  BYTES(0xf7, 0xc0, 0x01, 0x00, 0x00, 0x00), -EINVAL },

	/* Opcodes and opcode extensions we do not emulate */
	{ "nop", L64, BYTES(0x90), -EINVAL },
	{ "ud2", L64, BYTES(0x0f, 0x0b), -EINVAL },
	{ "0f b8 without f3", L64, BYTES(0x0f, 0xb8, 0x00), -EINVAL },
	{ "popcnt eax, [rax]", L64, BYTES(0xf3, 0x0f, 0xb8, 0x00), -EINVAL },
	{ "mov [rax], es (8c)", L64, BYTES(0x8c, 0x00), -EINVAL },
	{ "mov es, [rax] (8e)", L64, BYTES(0x8e, 0x00), -EINVAL },
	{ "xchg [rax], ecx", L64, BYTES(0x87, 0x08), -EINVAL },
	{ "adc [rax], ecx", L64, BYTES(0x11, 0x08), -EINVAL },
	{ "sbb ecx, [rax]", L64, BYTES(0x1b, 0x08), -EINVAL },
	{ "adc byte [rax], 1 (80 /2)", L64, BYTES(0x80, 0x10, 0x01), -EINVAL },
	{ "sbb dword [rax], 1 (83 /3)", L64, BYTES(0x83, 0x18, 0x01),
	  -EINVAL },
	{ "82 /0 outside 64-bit mode", P32, BYTES(0x82, 0x00, 0x01), -EINVAL },
	{ "c6 /1", L64, BYTES(0xc6, 0x08, 0x01), -EINVAL },
	{ "c7 /7 with a memory operand", L64,
	  BYTES(0xc7, 0x38, 0x00, 0x00, 0x00, 0x00), -EINVAL },
	{ "f6 /1", L64, BYTES(0xf6, 0x08, 0x01), -EINVAL },
	{ "not dword [rax] (f7 /2)", L64, BYTES(0xf7, 0x10), -EINVAL },
	{ "neg byte [rax] (f6 /3)", L64, BYTES(0xf6, 0x18), -EINVAL },
	{ "inc dword [rax] (ff /0)", L64, BYTES(0xff, 0x00), -EINVAL },
	{ "arpl [eax], cx (63 outside 64-bit mode)", P32, BYTES(0x63, 0x08),
	  -EINVAL },
	{ "arpl [bx+si], cx", R16, BYTES(0x63, 0x08), -EINVAL },
	{ "lodsd", L64, BYTES(0xad), -EINVAL },
	{ "cmpsb", L64, BYTES(0xa6), -EINVAL },
	{ "mov eax, imm32 (b8)", P32, BYTES(0xb8, 0x01, 0x00, 0x00, 0x00),
	  -EINVAL },
	{ "movnti [rax], ecx (0f c3)", L64, BYTES(0x0f, 0xc3, 0x08), -EINVAL },
};

static const enum mmio_alu_op alu_ops[] = {
	MMIO_ALU_ADD, MMIO_ALU_OR, MMIO_ALU_AND, MMIO_ALU_SUB, MMIO_ALU_XOR,
	MMIO_ALU_CMP,
};

static const char *const alu_forms[] = {
	"r/m8, r8", "r/m, r", "r8, r/m8", "r, r/m",
};

static const enum mmio_cpu_mode all_modes[] = { R16, P16, P32, L64 };

/* "op [bx+si] or [rax], cl/cx/ecx" (or the reverse) in one of its forms */
static void check_alu_form(enum mmio_cpu_mode mode, enum mmio_alu_op op,
			   unsigned int form)
{
	unsigned int size = mode == R16 || mode == P16 ? 2 : 4;
	u8 opcode = op << 3 | form;
	struct insn_bytes in = BYTES(opcode, 0x08);
	struct mmio_insn want = {
		.length = 2, .kind = ALU, .alu_op = op, .mem_is_dst = form < 2,
		.mem_size = form & 1 ? size : 1,
		.reg_size = form & 1 ? size : 1,
		.reg = 1, .addr_size = mode == L64 ? 8 : size,
	};
	char name[64];

	snprintf(name, sizeof(name), "%02x: op %s", opcode, alu_forms[form]);
	check_decode(name, mode, &in, 0, &want);
}

/* Every ALU opcode 00-3b in every mode */
static void alu_sweep(void)
{
	unsigned int m, op, form;

	for (m = 0; m < ARRAY_SIZE(all_modes); m++)
		for (op = 0; op < ARRAY_SIZE(alu_ops); op++)
			for (form = 0; form < ARRAY_SIZE(alu_forms); form++)
				check_alu_form(all_modes[m], alu_ops[op],
					       form);
}

#define ALU_SWEEP_CASES \
	(ARRAY_SIZE(all_modes) * ARRAY_SIZE(alu_ops) * ARRAY_SIZE(alu_forms))

/* The value every register starts with: its number in the low nibble */
static void fill_gprs(u64 *gprs)
{
	unsigned int i;

	for (i = 0; i < MMIO_NR_GPRS; i++)
		gprs[i] = 0xf0e0d0c0b0a09080ULL | i;
}

static bool others_untouched(const u64 *gprs, unsigned int except)
{
	u64 fresh[MMIO_NR_GPRS];
	unsigned int i;

	fill_gprs(fresh);
	for (i = 0; i < MMIO_NR_GPRS; i++) {
		if (i != except && gprs[i] != fresh[i]) {
			tap_diag("register %u changed to %#llx", i,
				 (unsigned long long)gprs[i]);
			return false;
		}
	}
	return true;
}

struct reg_case {
	const char *name;
	unsigned int reg, size;
	bool high_byte;
	u64 value;
	unsigned int changed;	/* the register that changes */
	u64 after;		/* its value after the write */
	u64 read;		/* what a read at the same width gives */
};

static const struct reg_case reg_cases[] = {
	{ "al merges", 0, 1, false, 0x1aa, 0, 0xf0e0d0c0b0a090aaULL, 0xaa },
	{ "ah is bits 15:8 of rax", 4, 1, true, 0x1aa, 0,
	  0xf0e0d0c0b0a0aa80ULL, 0xaa },
	{ "ch is bits 15:8 of rcx", 5, 1, true, 0x55, 1,
	  0xf0e0d0c0b0a05581ULL, 0x55 },
	{ "bh is bits 15:8 of rbx", 7, 1, true, 0x12, 3,
	  0xf0e0d0c0b0a01283ULL, 0x12 },
	{ "spl is the low byte of rsp", 4, 1, false, 0x12, 4,
	  0xf0e0d0c0b0a09012ULL, 0x12 },
	{ "r15b merges", 15, 1, false, 0x34, 15, 0xf0e0d0c0b0a09034ULL,
	  0x34 },
	{ "cx merges", 1, 2, false, 0xabcd1234, 1, 0xf0e0d0c0b0a01234ULL,
	  0x1234 },
	{ "ecx zero-extends", 1, 4, false, 0xabcdef0112345678ULL, 1,
	  0x12345678, 0x12345678 },
	{ "r9d zero-extends", 9, 4, false, 0x80000000, 9, 0x80000000,
	  0x80000000 },
	{ "rdi replaced", 7, 8, false, 0x0123456789abcdefULL, 7,
	  0x0123456789abcdefULL, 0x0123456789abcdefULL },
};

static void run_reg_case(const struct reg_case *c)
{
	u64 gprs[MMIO_NR_GPRS];
	u64 read;
	bool ok;

	fill_gprs(gprs);
	mmio_reg_set(gprs, c->reg, c->size, c->high_byte, c->value);
	read = mmio_reg_get(gprs, c->reg, c->size, c->high_byte);
	ok = gprs[c->changed] == c->after && read == c->read &&
	     others_untouched(gprs, c->changed);
	tap_result(ok, "register write: %s", c->name);
	if (!ok)
		tap_diag("register %u is %#llx, reads %#llx", c->changed,
			 (unsigned long long)gprs[c->changed],
			 (unsigned long long)read);
}

static void test_reg_get(void)
{
	u64 gprs[MMIO_NR_GPRS];

	fill_gprs(gprs);
	tap_result(mmio_reg_get(gprs, 4, 1, true) == 0x90 &&
		   mmio_reg_get(gprs, 6, 1, true) == 0x90 &&
		   mmio_reg_get(gprs, 6, 1, false) == 0x86 &&
		   mmio_reg_get(gprs, 1, 2, false) == 0x9081 &&
		   mmio_reg_get(gprs, 2, 4, false) == 0xb0a09082 &&
		   mmio_reg_get(gprs, 13, 8, false) == 0xf0e0d0c0b0a0908dULL,
		   "register reads: ah dh sil cx edx r13");
}

struct load_case {
	const char *name;
	enum mmio_cpu_mode mode;
	struct insn_bytes in;
	u64 value;		/* read from MMIO */
	unsigned int changed;
	u64 after;
};

static const struct load_case load_cases[] = {
	{ "mov al, [rax] merges", L64, BYTES(0x8a, 0x00), 0xaa, 0,
	  0xf0e0d0c0b0a090aaULL },
	{ "mov ah, [rax]", L64, BYTES(0x8a, 0x20), 0xaa, 0,
	  0xf0e0d0c0b0a0aa80ULL },
	{ "mov spl, [rax]", L64, BYTES(0x40, 0x8a, 0x20), 0xaa, 4,
	  0xf0e0d0c0b0a090aaULL },
	{ "mov cx, [rax] merges", L64, BYTES(0x66, 0x8b, 0x08), 0xbeef, 1,
	  0xf0e0d0c0b0a0beefULL },
	{ "mov ecx, [rax] zero-extends", L64, BYTES(0x8b, 0x08), 0xdeadbeef,
	  1, 0xdeadbeef },
	{ "mov r9, [rax]", L64, BYTES(0x4c, 0x8b, 0x08),
	  0x0123456789abcdefULL, 9, 0x0123456789abcdefULL },
	{ "mov al, [moffs]: bits above the access ignored", L64,
	  BYTES(0xa0, 0, 0x10, 0, 0, 0, 0, 0, 0), 0x1234, 0,
	  0xf0e0d0c0b0a09034ULL },
	{ "mov ax, [bx] merges", R16, BYTES(0x8b, 0x07), 0x8001, 0,
	  0xf0e0d0c0b0a08001ULL },
	{ "mov eax, [eax]", P32, BYTES(0x8b, 0x00), 0x80000001, 0,
	  0x80000001 },
	{ "movzx eax, byte [rax]", L64, BYTES(0x0f, 0xb6, 0x00), 0x80, 0,
	  0x80 },
	{ "movzx ax, byte [rax] merges", L64,
	  BYTES(0x66, 0x0f, 0xb6, 0x00), 0x80, 0, 0xf0e0d0c0b0a00080ULL },
	{ "movzx rdx, word [rax]", L64, BYTES(0x48, 0x0f, 0xb7, 0x10), 0x8000,
	  2, 0x8000 },
	{ "movzx ax, byte [bx]", R16, BYTES(0x0f, 0xb6, 0x07), 0xff, 0,
	  0xf0e0d0c0b0a000ffULL },
	{ "movsx eax, byte [rax]", L64, BYTES(0x0f, 0xbe, 0x00), 0x80, 0,
	  0xffffff80 },
	{ "movsx eax, byte 0x7f", L64, BYTES(0x0f, 0xbe, 0x00), 0x7f, 0,
	  0x7f },
	{ "movsx rax, byte [rax]", L64, BYTES(0x48, 0x0f, 0xbe, 0x00), 0x80, 0,
	  0xffffffffffffff80ULL },
	{ "movsx ax, byte [rax] merges", L64,
	  BYTES(0x66, 0x0f, 0xbe, 0x00), 0x80, 0, 0xf0e0d0c0b0a0ff80ULL },
	{ "movsx r8, word [rax]", L64, BYTES(0x4c, 0x0f, 0xbf, 0x00), 0x8000,
	  8, 0xffffffffffff8000ULL },
	{ "movsx eax, word [bx]", R16, BYTES(0x66, 0x0f, 0xbf, 0x07),
	  0xfffe, 0, 0xfffffffe },
	{ "movsxd rcx, [rax]", L64, BYTES(0x48, 0x63, 0x08), 0x80000000, 1,
	  0xffffffff80000000ULL },
	{ "movsxd rcx, positive", L64, BYTES(0x48, 0x63, 0x08), 0x7fffffff, 1,
	  0x7fffffff },
	{ "movsxd ecx without REX.W zero-extends", L64, BYTES(0x63, 0x08),
	  0x80000000, 1, 0x80000000 },
};

static void run_load_case(const struct load_case *c)
{
	u64 gprs[MMIO_NR_GPRS];
	struct mmio_insn insn;
	bool ok;

	fill_gprs(gprs);
	ok = !mmio_insn_decode(c->in.b, c->in.n, c->mode, &insn);
	if (ok) {
		mmio_insn_complete_load(&insn, gprs, c->value);
		ok = gprs[c->changed] == c->after &&
		     others_untouched(gprs, c->changed);
	}
	tap_result(ok, "load %s: %s", mode_names[c->mode], c->name);
	if (!ok)
		tap_diag("register %u is %#llx", c->changed,
			 (unsigned long long)gprs[c->changed]);
}

struct store_case {
	const char *name;
	enum mmio_cpu_mode mode;
	struct insn_bytes in;
	u64 value;		/* written to MMIO */
};

static const struct store_case store_cases[] = {
	{ "mov [rax], ah", L64, BYTES(0x88, 0x20), 0x90 },
	{ "mov [rax], spl", L64, BYTES(0x40, 0x88, 0x20), 0x84 },
	{ "mov [rax], r12b", L64, BYTES(0x44, 0x88, 0x20), 0x8c },
	{ "mov [rax], cx", L64, BYTES(0x66, 0x89, 0x08), 0x9081 },
	{ "mov [rax], ecx", L64, BYTES(0x89, 0x08), 0xb0a09081 },
	{ "mov [rax], r9", L64, BYTES(0x4c, 0x89, 0x08),
	  0xf0e0d0c0b0a09089ULL },
	{ "mov [moffs], al", L64, BYTES(0xa2, 0, 0x10, 0, 0, 0, 0, 0, 0),
	  0x80 },
	{ "mov [moffs], rax", L64, BYTES(0x48, 0xa3, 0, 0x10, 0, 0, 0, 0, 0, 0),
	  0xf0e0d0c0b0a09080ULL },
	{ "mov byte [rax], 0xff", L64, BYTES(0xc6, 0x00, 0xff), 0xff },
	{ "mov word [rax], 0x1234", L64, BYTES(0x66, 0xc7, 0x00, 0x34, 0x12),
	  0x1234 },
	{ "mov qword [rax], -0x80000000", L64,
	  BYTES(0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80),
	  0xffffffff80000000ULL },
	{ "stosb", L64, BYTES(0xaa), 0x80 },
	{ "stosw", L64, BYTES(0x66, 0xab), 0x9080 },
	{ "stosd", L64, BYTES(0xab), 0xb0a09080 },
	{ "stosq", L64, BYTES(0x48, 0xab), 0xf0e0d0c0b0a09080ULL },
	{ "mov [bx], bh", R16, BYTES(0x88, 0x3f), 0x90 },
	{ "mov [bx+si], ecx", R16, BYTES(0x66, 0x89, 0x08), 0xb0a09081 },
	{ "mov [eax], dx", P32, BYTES(0x66, 0x89, 0x10), 0x9082 },
};

static void run_store_case(const struct store_case *c)
{
	u64 gprs[MMIO_NR_GPRS];
	struct mmio_insn insn;
	u64 value = 0;
	bool ok;

	fill_gprs(gprs);
	ok = !mmio_insn_decode(c->in.b, c->in.n, c->mode, &insn);
	if (ok) {
		value = mmio_insn_store_value(&insn, gprs);
		ok = value == c->value;
	}
	tap_result(ok, "store %s: %s", mode_names[c->mode], c->name);
	if (!ok)
		tap_diag("value %#llx", (unsigned long long)value);
}

struct alu_case {
	const char *name;
	enum mmio_alu_op op;
	unsigned int size;
	u64 dst, src;
	u64 result;
	u64 flags;		/* the arithmetic flags set afterwards */
};

static const struct alu_case alu_cases[] = {
	{ "add 8: 0x7f + 1 overflows", MMIO_ALU_ADD, 1, 0x7f, 1, 0x80,
	  OF | SF | AF },
	{ "add 8: 0xff + 1 carries", MMIO_ALU_ADD, 1, 0xff, 1, 0,
	  CF | AF | ZF | PF },
	{ "add 8: 1 + 2, even parity", MMIO_ALU_ADD, 1, 1, 2, 3, PF },
	{ "add 8: 3 + 4, odd parity", MMIO_ALU_ADD, 1, 3, 4, 7, 0 },
	{ "add 16: 0x1234 + 0, no carry", MMIO_ALU_ADD, 2, 0x1234, 0, 0x1234,
	  0 },
	{ "add 8: bits above the size ignored", MMIO_ALU_ADD, 1, 0x1ff, 0x101,
	  0, CF | AF | ZF | PF },
	{ "add 16: 0x8000 + 0x8000", MMIO_ALU_ADD, 2, 0x8000, 0x8000, 0,
	  CF | OF | ZF | PF },
	{ "add 32: 0xffffffff + 1", MMIO_ALU_ADD, 4, 0xffffffff, 1, 0,
	  CF | AF | ZF | PF },
	{ "add 32: parity from the low byte only", MMIO_ALU_ADD, 4,
	  0x01000000, 0x00000003, 0x01000003, PF },
	{ "add 64: INT64_MAX + 1", MMIO_ALU_ADD, 8, 0x7fffffffffffffffULL, 1,
	  0x8000000000000000ULL, OF | SF | AF | PF },
	{ "add 64: ~0 + 1", MMIO_ALU_ADD, 8, ~0ULL, 1, 0, CF | AF | ZF | PF },
	{ "sub 8: 0 - 1 borrows", MMIO_ALU_SUB, 1, 0, 1, 0xff,
	  CF | AF | SF | PF },
	{ "sub 32: 0 - 1 borrows", MMIO_ALU_SUB, 4, 0, 1, 0xffffffff,
	  CF | AF | SF | PF },
	{ "sub 8: 0x80 - 1 overflows", MMIO_ALU_SUB, 1, 0x80, 1, 0x7f,
	  OF | AF },
	{ "sub 8: 5 - 5", MMIO_ALU_SUB, 1, 5, 5, 0, ZF | PF },
	{ "sub 64: 0x10 - 1, half borrow", MMIO_ALU_SUB, 8, 0x10, 1, 0xf,
	  AF | PF },
	{ "cmp 16: 3 - 5", MMIO_ALU_CMP, 2, 3, 5, 0xfffe, CF | AF | SF },
	{ "cmp 64: 1 - INT64_MIN", MMIO_ALU_CMP, 8, 1, 0x8000000000000000ULL,
	  0x8000000000000001ULL, CF | OF | SF },
	{ "cmp 32: equal", MMIO_ALU_CMP, 4, 0x12345678, 0x12345678, 0,
	  ZF | PF },
	{ "and 8: 0xf0 & 0x0f", MMIO_ALU_AND, 1, 0xf0, 0x0f, 0, ZF | PF },
	{ "and 64: sign", MMIO_ALU_AND, 8, ~0ULL, 0x8000000000000001ULL,
	  0x8000000000000001ULL, SF },
	{ "or 32: 0x80000000 | 1", MMIO_ALU_OR, 4, 0x80000000, 1, 0x80000001,
	  SF },
	{ "or 8: 3 | 4, odd parity", MMIO_ALU_OR, 1, 3, 4, 7, 0 },
	{ "xor 16: 0xffff ^ 0x00ff", MMIO_ALU_XOR, 2, 0xffff, 0x00ff, 0xff00,
	  SF | PF },
	{ "xor 64: x ^ x", MMIO_ALU_XOR, 8, 0x123456789ULL, 0x123456789ULL, 0,
	  ZF | PF },
	{ "test 8: 0x80 & 0xff", MMIO_ALU_TEST, 1, 0x80, 0xff, 0x80, SF },
	{ "test 32: no common bits", MMIO_ALU_TEST, 4, 0xaaaaaaaa, 0x55555555,
	  0, ZF | PF },
};

/* IF, DF and the reserved bit 1 must survive; the six flags must not. */
static const u64 rflags_before[] = {
	0x2 | 0x200 | MMIO_RFLAGS_DF,
	0x2 | 0x200 | MMIO_RFLAGS_DF | MMIO_RFLAGS_ARITH,
};

static void run_alu_case(const struct alu_case *c)
{
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(rflags_before); i++) {
		u64 rflags = rflags_before[i];
		u64 result = mmio_alu(c->op, c->size, c->dst, c->src, &rflags);
		u64 want = (rflags_before[i] & ~MMIO_RFLAGS_ARITH) | c->flags;

		if (result != c->result || rflags != want) {
			tap_diag("result %#llx rflags %#llx, want %#llx %#llx",
				 (unsigned long long)result,
				 (unsigned long long)rflags,
				 (unsigned long long)c->result,
				 (unsigned long long)want);
			ok = false;
		}
	}
	tap_result(ok, "alu %s", c->name);
}

struct alu_insn_case {
	const char *name;
	enum mmio_cpu_mode mode;
	struct insn_bytes in;
	u64 mem;		/* read from MMIO */
	bool writes;		/* the result goes back to memory */
	u64 mem_result;
	unsigned int reg;	/* a register to set up and check */
	u64 reg_before, reg_after;
	u64 flags;
};

static const struct alu_insn_case alu_insn_cases[] = {
	{ "add [rax], ecx", L64, BYTES(0x01, 0x08), 5, true, 8, 1,
	  0xffffffff00000003ULL, 0xffffffff00000003ULL, 0 },
	{ "add ecx, [rax] zero-extends", L64, BYTES(0x03, 0x08), 5, false, 0,
	  1, 0xffffffff00000003ULL, 8, 0 },
	{ "add cx, [rax] merges", L64, BYTES(0x66, 0x03, 0x08), 5, false, 0,
	  1, 0xffffffff00000003ULL, 0xffffffff00000008ULL, 0 },
	{ "add ah, [rax]", L64, BYTES(0x02, 0x20), 1, false, 0, 0, 0x1234,
	  0x1334, 0 },
	{ "xor [rax], ah", L64, BYTES(0x30, 0x20), 0x0f, true, 0xf0, 0, 0xff00,
	  0xff00, SF | PF },
	{ "cmp [rax], ecx: nothing written", L64, BYTES(0x39, 0x08), 1, false,
	  0, 1, 2, 2, CF | AF | SF | PF },
	{ "cmp ecx, [rax]: register minus memory", L64, BYTES(0x3b, 0x08), 1,
	  false, 0, 1, 2, 2, 0 },
	{ "test [rax], ecx", L64, BYTES(0x85, 0x08), 0xf0, false, 0, 1, 0x0f,
	  0x0f, ZF | PF },
	{ "add dword [rax], -1", L64, BYTES(0x83, 0x00, 0xff), 1, true, 0, 0,
	  0, 0, CF | AF | ZF | PF },
	{ "sub byte [rax], 1", L64, BYTES(0x80, 0x28, 0x01), 0, true, 0xff, 0,
	  0, 0, CF | AF | SF | PF },
	{ "test byte [rax], 0x80", L64, BYTES(0xf6, 0x00, 0x80), 0x80, false,
	  0, 0, 0, 0, SF },
	{ "xor qword [rax], imm32 sign-extended", L64,
	  BYTES(0x48, 0x81, 0x30, 0x00, 0x00, 0x00, 0x80),
	  0xffffffff80000000ULL, true, 0, 0, 0, 0, ZF | PF },
	{ "or dx, [bx] in real mode", R16, BYTES(0x0b, 0x17), 0x8000, false, 0,
	  2, 0x1234567800000001ULL, 0x1234567800008001ULL, SF },
	{ "sub eax, [eax]", P32, BYTES(0x2b, 0x00), 1, false, 0, 0, 0x10, 0xf,
	  AF | PF },
};

static void run_alu_insn_case(const struct alu_insn_case *c)
{
	u64 gprs[MMIO_NR_GPRS] = { 0 };
	u64 rflags = 0x2, mem_result = 0;
	struct mmio_insn insn;
	bool ok, writes = false;

	gprs[c->reg] = c->reg_before;
	ok = !mmio_insn_decode(c->in.b, c->in.n, c->mode, &insn);
	if (ok) {
		writes = mmio_insn_complete_alu(&insn, gprs, &rflags, c->mem,
						&mem_result);
		ok = writes == c->writes && gprs[c->reg] == c->reg_after &&
		     rflags == (0x2 | c->flags) &&
		     (!writes || mem_result == c->mem_result);
	}
	tap_result(ok, "alu %s: %s", mode_names[c->mode], c->name);
	if (!ok)
		tap_diag("writes %d %#llx, register %#llx, rflags %#llx",
			 writes, (unsigned long long)mem_result,
			 (unsigned long long)gprs[c->reg],
			 (unsigned long long)rflags);
}

struct string_case {
	const char *name;
	enum mmio_cpu_mode mode;
	struct insn_bytes in;
	bool down;		/* RFLAGS.DF */
	u64 rcx, rsi, rdi;	/* before */
	u64 count;
	u64 rcx_after, rsi_after, rdi_after;
};

static const struct string_case string_cases[] = {
	{ "rep stosq", L64, BYTES(0xf3, 0x48, 0xab), false, 3, 0x2000, 0x1000,
	  3, 2, 0x2000, 0x1008 },
	{ "stosd: no rep, rcx untouched", L64, BYTES(0xab), false, 3, 0x2000,
	  0x1000, 1, 3, 0x2000, 0x1004 },
	{ "rep movsb backwards", L64, BYTES(0xf3, 0xa4), true, 5, 0x2000,
	  0x1000, 5, 4, 0x1fff, 0xfff },
	{ "repne movsw", L64, BYTES(0xf2, 0x66, 0xa5), false, 2, 0x2000,
	  0x1000, 2, 1, 0x2002, 0x1002 },
	{ "67 rep movsd: 32-bit registers wrap and zero-extend", L64,
	  BYTES(0xf3, 0x67, 0xa5), false, 0xffffffff00000002ULL,
	  0xaaaaaaaafffffffcULL, 0x5555555500001000ULL, 2, 1, 0, 0x1004 },
	{ "rep stosw: cx, di wrap within 16 bits", R16, BYTES(0xf3, 0xab),
	  false, 0xabcd00000001ULL, 0x1234, 0x12340000ffffULL, 1,
	  0xabcd00000000ULL, 0x1234, 0x123400000001ULL },
	{ "rep stosb, cx = 0: no iteration; a step wraps cx", R16,
	  BYTES(0xf3, 0xaa), false, 0xffff0000ULL, 0, 0x100, 0, 0xffffffffULL,
	  0, 0x101 },
	{ "67 rep movsb backwards: 16-bit registers", P32,
	  BYTES(0x67, 0xf3, 0xa4), true, 0x10000, 0x10000, 0x20000, 0,
	  0x1ffff, 0x1ffff, 0x2ffff },
	{ "movsd backwards", P32, BYTES(0xa5), true, 7, 0x2000, 0x1000, 1, 7,
	  0x1ffc, 0xffc },
};

static void run_string_case(const struct string_case *c)
{
	u64 gprs[MMIO_NR_GPRS] = { 0 };
	u64 rflags = c->down ? MMIO_RFLAGS_DF : 0;
	struct mmio_insn insn;
	u64 count = 0;
	bool ok;

	gprs[MMIO_GPR_RCX] = c->rcx;
	gprs[MMIO_GPR_RSI] = c->rsi;
	gprs[MMIO_GPR_RDI] = c->rdi;
	ok = !mmio_insn_decode(c->in.b, c->in.n, c->mode, &insn);
	if (ok) {
		count = mmio_string_count(&insn, gprs);
		mmio_string_advance(&insn, gprs, rflags);
		ok = count == c->count && gprs[MMIO_GPR_RCX] == c->rcx_after &&
		     gprs[MMIO_GPR_RSI] == c->rsi_after &&
		     gprs[MMIO_GPR_RDI] == c->rdi_after;
	}
	tap_result(ok, "string %s: %s", mode_names[c->mode], c->name);
	if (!ok)
		tap_diag("count %llu, rcx %#llx rsi %#llx rdi %#llx",
			 (unsigned long long)count,
			 (unsigned long long)gprs[MMIO_GPR_RCX],
			 (unsigned long long)gprs[MMIO_GPR_RSI],
			 (unsigned long long)gprs[MMIO_GPR_RDI]);
}

int main(void)
{
	size_t i;

	setup_guard_page();
	tap_plan(ARRAY_SIZE(decode_cases) + ALU_SWEEP_CASES +
		 ARRAY_SIZE(reg_cases) + 1 + ARRAY_SIZE(load_cases) +
		 ARRAY_SIZE(store_cases) + ARRAY_SIZE(alu_cases) +
		 ARRAY_SIZE(alu_insn_cases) + ARRAY_SIZE(string_cases));
	for (i = 0; i < ARRAY_SIZE(decode_cases); i++)
		check_decode(decode_cases[i].name, decode_cases[i].mode,
			     &decode_cases[i].in, decode_cases[i].err,
			     &decode_cases[i].want);
	alu_sweep();
	for (i = 0; i < ARRAY_SIZE(reg_cases); i++)
		run_reg_case(&reg_cases[i]);
	test_reg_get();
	for (i = 0; i < ARRAY_SIZE(load_cases); i++)
		run_load_case(&load_cases[i]);
	for (i = 0; i < ARRAY_SIZE(store_cases); i++)
		run_store_case(&store_cases[i]);
	for (i = 0; i < ARRAY_SIZE(alu_cases); i++)
		run_alu_case(&alu_cases[i]);
	for (i = 0; i < ARRAY_SIZE(alu_insn_cases); i++)
		run_alu_insn_case(&alu_insn_cases[i]);
	for (i = 0; i < ARRAY_SIZE(string_cases); i++)
		run_string_case(&string_cases[i]);
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Port I/O exits from a long-mode guest: OUT and IN of 1, 2 and 4 bytes,
 * and REP OUTS/INS of each size. The host sets the guest's registers
 * (value, port, buffer, count) before the first entry, so each guest is
 * one instruction and a hlt.
 *
 * KVM may split a REP string instruction into several exits, each with
 * its own io.count (6.1 makes one exit per element of OUTS, and batches
 * INS up to its 1 KiB read-ahead and the guest buffer's page boundaries);
 * the host loops until the guest halts and checks that all exits
 * together carry exactly the guest's data.
 */
#include <stdio.h>
#include <string.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define PORT_DATA	0xe000
#define PORT_ECHO	0x11
#define OUT_VALUE	0x0123456789abcdefull
#define IN_VALUE	0xa1b2c3d4u
#define REP_COUNT	600
/* 6 bytes short of a page end: every REP buffer crosses pages. */
#define BUF_GPA		(VM_DATA_GPA + 0xffa)
#define BUF_MAX		(REP_COUNT * 4)
/* Bytes after the buffer that INS must leave alone. */
#define FENCE		16
#define FENCE_BYTE	0xcc

/* Single OUT of al/ax/eax to the port in dx. */
GUEST_CODE(outb, ".code64", "outb %al, %dx\n hlt\n");
GUEST_CODE(outw, ".code64", "outw %ax, %dx\n hlt\n");
GUEST_CODE(outl, ".code64", "outl %eax, %dx\n hlt\n");

/*
 * Single IN to al/ax/eax from the port in dx, then all of eax echoed to
 * PORT_ECHO: the host sees what IN delivered and what it left alone.
 */
GUEST_CODE(inb, ".code64",
	   "inb %dx, %al\n outl %eax, $" __stringify(PORT_ECHO) "\n hlt\n");
GUEST_CODE(inw, ".code64",
	   "inw %dx, %ax\n outl %eax, $" __stringify(PORT_ECHO) "\n hlt\n");
GUEST_CODE(inl, ".code64",
	   "inl %dx, %eax\n outl %eax, $" __stringify(PORT_ECHO) "\n hlt\n");

/* REP string I/O: rcx elements between the port in dx and rsi/rdi. */
GUEST_CODE(outsb, ".code64", "rep outsb\n hlt\n");
GUEST_CODE(outsw, ".code64", "rep outsw\n hlt\n");
GUEST_CODE(outsl, ".code64", "rep outsl\n hlt\n");
GUEST_CODE(insb, ".code64", "rep insb\n hlt\n");
GUEST_CODE(insw, ".code64", "rep insw\n hlt\n");
GUEST_CODE(insl, ".code64", "rep insl\n hlt\n");

enum pio_kind { PIO_OUT, PIO_IN, PIO_OUTS, PIO_INS };

struct pio_case {
	const char *name;
	const char *what;
	enum pio_kind kind;
	__u8 size;
	const unsigned char *start, *end;
};

#define PIO_CASE(insn, what, kind, size) \
	{ #insn, what, kind, size, insn##_start, insn##_end }

static const struct pio_case cases[] = {
	PIO_CASE(outb, "1 byte out", PIO_OUT, 1),
	PIO_CASE(outw, "2 bytes out", PIO_OUT, 2),
	PIO_CASE(outl, "4 bytes out", PIO_OUT, 4),
	PIO_CASE(inb, "1 byte in, echoed", PIO_IN, 1),
	PIO_CASE(inw, "2 bytes in, echoed", PIO_IN, 2),
	PIO_CASE(inl, "4 bytes in, echoed", PIO_IN, 4),
	PIO_CASE(outsb, "rep outsb, " __stringify(REP_COUNT) " bytes",
		 PIO_OUTS, 1),
	PIO_CASE(outsw, "rep outsw, " __stringify(REP_COUNT) " words",
		 PIO_OUTS, 2),
	PIO_CASE(outsl, "rep outsl, " __stringify(REP_COUNT) " dwords",
		 PIO_OUTS, 4),
	PIO_CASE(insb, "rep insb, " __stringify(REP_COUNT) " bytes",
		 PIO_INS, 1),
	PIO_CASE(insw, "rep insw, " __stringify(REP_COUNT) " words",
		 PIO_INS, 2),
	PIO_CASE(insl, "rep insl, " __stringify(REP_COUNT) " dwords",
		 PIO_INS, 4),
};

static __u8 pattern(unsigned int i)
{
	return i * 13 + 7;
}

/* @data holds pattern(0), pattern(1), ... */
static bool check_bytes(const char *what, const __u8 *data, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (data[i] != pattern(i)) {
			tap_diag("%s: byte %u is 0x%02x, expected 0x%02x", what,
				 i, data[i], pattern(i));
			return false;
		}
	}
	return true;
}

static bool run_out(struct guest *g, const struct pio_case *c)
{
	__u64 value = OUT_VALUE;
	void *data;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_DATA, c->size, 1))
		return false;
	data = vcpu_io_data(&g->vcpu);
	if (!data)
		return false;
	if (memcmp(data, &value, c->size)) {
		vcpu_dump_exit(&g->vcpu);
		tap_diag("expected the low %u bytes of 0x%llx", c->size,
			 (unsigned long long)value);
		return false;
	}
	return vcpu_run_expect(&g->vcpu, KVM_EXIT_HLT);
}

static bool run_in(struct guest *g, const struct pio_case *c)
{
	__u32 value = IN_VALUE, echo = 0;
	__u64 expect = c->size == 4 ? IN_VALUE : ~0ull;
	struct kvm_regs regs;
	void *data;

	/* IN of 1 or 2 bytes keeps the rest of rax; IN of 4 clears 63:32. */
	memcpy(&expect, &value, c->size);
	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_IN, PORT_DATA, c->size, 1))
		return false;
	data = vcpu_io_data(&g->vcpu);
	if (!data)
		return false;
	memcpy(data, &value, c->size);

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_ECHO, 4, 1))
		return false;
	data = vcpu_io_data(&g->vcpu);
	if (!data)
		return false;
	memcpy(&echo, data, 4);
	if (!tap_check_u64("eax after in", echo, (__u32)expect))
		return false;

	return vcpu_run_expect(&g->vcpu, KVM_EXIT_HLT) &&
	       !vcpu_get_regs(&g->vcpu, &regs) &&
	       tap_check_u64("rax after hlt", regs.rax, expect);
}

/*
 * REP OUTS or INS: move REP_COUNT elements through as many exits as KVM
 * makes, then check the buffer, rcx and rsi/rdi.
 */
static bool run_string(struct guest *g, const struct pio_case *c)
{
	bool out = c->kind == PIO_OUTS;
	unsigned int total = REP_COUNT * c->size, done = 0, exits = 0, i;
	__u8 *buf = (__u8 *)g->mem + BUF_GPA;
	__u8 got[BUF_MAX];
	struct kvm_regs regs;
	unsigned int len;
	void *data;

	for (;;) {
		if (!vcpu_run(&g->vcpu))
			return false;
		if (g->vcpu.run->exit_reason == KVM_EXIT_HLT)
			break;
		if (!vcpu_check_io(&g->vcpu, out ? KVM_EXIT_IO_OUT :
				   KVM_EXIT_IO_IN, PORT_DATA, c->size, 0))
			return false;
		data = vcpu_io_data(&g->vcpu);
		if (!data)
			return false;
		len = g->vcpu.run->io.count * c->size;
		if (len > total - done) {
			tap_diag("exit %u moves %u bytes, only %u are left",
				 exits, len, total - done);
			return false;
		}
		if (out)
			memcpy(got + done, data, len);
		else
			for (i = 0; i < len; i++)
				((__u8 *)data)[i] = pattern(done + i);
		done += len;
		exits++;
	}
	tap_diag("%s of %u elements: %u exits", c->name, REP_COUNT, exits);
	if (done != total) {
		tap_diag("the exits moved %u bytes, expected %u", done, total);
		return false;
	}
	if (out ? !check_bytes("the port's data", got, total) :
	    !check_bytes("the guest buffer", buf, total))
		return false;
	for (i = total; i < total + FENCE; i++) {
		if (buf[i] != FENCE_BYTE) {
			tap_diag("byte %u past the buffer is 0x%02x", i - total,
				 buf[i]);
			return false;
		}
	}
	if (vcpu_get_regs(&g->vcpu, &regs))
		return false;
	return tap_check_u64("rcx", regs.rcx, 0) &&
	       tap_check_u64(out ? "rsi" : "rdi", out ? regs.rsi : regs.rdi,
			 BUF_GPA + total);
}

static void run_case(const struct kvm_dev *dev, const struct pio_case *c)
{
	__u8 *buf;
	struct kvm_regs regs;
	struct guest g;
	unsigned int i;
	bool ok = false;

	if (guest_create(&g, dev, VCPU_MODE_LONG, c->start, c->end) ||
	    vcpu_get_regs(&g.vcpu, &regs))
		goto out;

	regs.rdx = PORT_DATA;
	regs.rax = c->kind == PIO_IN ? ~0ull : OUT_VALUE;
	regs.rcx = REP_COUNT;
	regs.rsi = BUF_GPA;
	regs.rdi = BUF_GPA;
	/* The guest's data for OUTS, then a fence INS must not reach. */
	buf = (__u8 *)g.mem + BUF_GPA;
	for (i = 0; i < REP_COUNT * c->size; i++)
		buf[i] = c->kind == PIO_OUTS ? pattern(i) : 0;
	memset(buf + REP_COUNT * c->size, FENCE_BYTE, FENCE);
	if (vcpu_set_regs(&g.vcpu, &regs))
		goto out;

	switch (c->kind) {
	case PIO_OUT:
		ok = run_out(&g, c);
		break;
	case PIO_IN:
		ok = run_in(&g, c);
		break;
	case PIO_OUTS:
	case PIO_INS:
		ok = run_string(&g, c);
		break;
	}
out:
	tap_result(ok, "%s (port 0x%x)", c->what, PORT_DATA);
	guest_destroy(&g);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	size_t i;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(ARRAY_SIZE(cases));
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&dev, &cases[i]);
	return tap_finish();
}

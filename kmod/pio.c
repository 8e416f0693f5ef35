// SPDX-License-Identifier: GPL-2.0-only
/*
 * Port I/O exits to userspace. The data goes through the kvm_run page
 * (io.data_offset), the instruction completes on the next KVM_RUN, and
 * RIP stays on it meanwhile, as in KVM.
 *
 * String I/O (INS/OUTS) moves as many elements per exit as fit in the
 * data area and stay within one guest page; under REP, RIP stays on the
 * instruction until rCX is exhausted, so the guest executes it again for
 * the rest.
 */
#include <linux/kvm.h>
#include <linux/mm.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include "guest_mem.h"
#include "kvmlite.h"
#include "vcpu.h"

/* PIO data lives in the kvm_run page, right after the struct. */
#define PIO_DATA_OFFSET		ALIGN(sizeof(struct kvm_run), 64)
#define PIO_DATA_SIZE		(PAGE_SIZE - PIO_DATA_OFFSET)
static_assert(PIO_DATA_SIZE >= 1024);

static void *pio_data(struct vcpu *vcpu)
{
	return (u8 *)vcpu->run + PIO_DATA_OFFSET;
}

static u64 addr_mask(unsigned int addr_size)
{
	return addr_size == 8 ? ~0ULL : (1ULL << (addr_size * 8)) - 1;
}

/*
 * The linear address of the string element: ES:rDI for INS, DS:rSI for
 * OUTS. Without decode assists the CPU does not report a segment
 * override; a guest using one on OUTS reads from DS, to its own loss.
 */
static u64 pio_string_la(struct vcpu *vcpu, const struct kvm_sregs *sregs)
{
	const struct hv_exit *e = &vcpu->exit;
	u64 reg = e->io.in ? vcpu->gprs[GPR_RDI] : vcpu->gprs[GPR_RSI];
	u64 base = e->io.in ? sregs->es.base : sregs->ds.base;

	reg &= addr_mask(e->io.addr_size);
	if ((sregs->efer & EFER_LMA) && sregs->cs.l)
		return reg;	/* 64-bit mode: no segment bases but FS/GS */
	return (u32)(base + reg);
}

/* Move the elements between guest memory and the data area. */
static int pio_string_access(struct vcpu *vcpu, unsigned int len, bool write)
{
	unsigned int first = vcpu->pio.split ?: len;
	u8 *data = pio_data(vcpu);

	if (write)
		return vm_write_guest(vcpu->vm, vcpu->pio.gpa, data, first) ?:
		       vm_write_guest(vcpu->vm, vcpu->pio.gpa2, data + first,
				      len - first);
	return vm_read_guest(vcpu->vm, vcpu->pio.gpa, data, first) ?:
	       vm_read_guest(vcpu->vm, vcpu->pio.gpa2, data + first,
			     len - first);
}

static int pio_string_begin(struct vcpu *vcpu, u32 *count)
{
	const struct hv_exit *e = &vcpu->exit;
	struct kvm_sregs sregs;
	u64 rcx, la, gpa, room;

	rcx = e->io.rep ? vcpu->gprs[GPR_RCX] & addr_mask(e->io.addr_size) :
			  1;
	if (!rcx)
		return 1;	/* nothing to move */

	hv->get_sregs(vcpu, &sregs);
	la = pio_string_la(vcpu, &sregs);
	if (guest_translate(vcpu, &sregs, la, &gpa))
		return -EFAULT;

	/*
	 * Stay in one guest page. Downwards (RFLAGS.DF) the elements would
	 * sit in the buffer in reverse: move one at a time then.
	 */
	room = PAGE_SIZE - offset_in_page(la);
	*count = min3(rcx, room / e->io.size, (u64)PIO_DATA_SIZE / e->io.size);
	if (vcpu->rflags & X86_EFLAGS_DF)
		*count = min(*count, 1U);
	vcpu->pio.gpa = gpa;
	vcpu->pio.split = 0;
	if (!*count) {
		/* One element across two pages: each half where it maps. */
		*count = 1;
		vcpu->pio.split = room;
		if (guest_translate(vcpu, &sregs, la + room, &vcpu->pio.gpa2))
			return -EFAULT;
	}
	if (!e->io.in && pio_string_access(vcpu, *count * e->io.size, false))
		return -EFAULT;
	return 0;
}

int vcpu_pio_exit(struct vcpu *vcpu)
{
	const struct hv_exit *e = &vcpu->exit;
	struct kvm_run *run = vcpu->run;
	u32 count = 1;
	int r;

	if (e->io.string) {
		r = pio_string_begin(vcpu, &count);
		if (r > 0) {
			vcpu_skip_instruction(vcpu);
			return 1;
		}
		if (r)
			return r;
	} else if (!e->io.in) {
		memcpy(pio_data(vcpu), &vcpu->gprs[GPR_RAX], e->io.size);
	}

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = e->io.in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = e->io.size;
	run->io.port = e->io.port;
	run->io.count = count;
	run->io.data_offset = PIO_DATA_OFFSET;
	vcpu->pio.count = count;
	vcpu->pending = e->io.in ? PENDING_PIO_IN : PENDING_PIO_OUT;
	vcpu->pending_rip = vcpu->rip;
	return 0;
}

/* Step rSI or rDI past the elements moved, and rCX under REP. */
static bool pio_string_advance(struct vcpu *vcpu)
{
	const struct hv_exit *e = &vcpu->exit;
	u64 mask = addr_mask(e->io.addr_size);
	u64 *reg = &vcpu->gprs[e->io.in ? GPR_RDI : GPR_RSI];
	u64 step = (u64)vcpu->pio.count * e->io.size;

	if (vcpu->rflags & X86_EFLAGS_DF)
		step = -step;
	*reg = (*reg & ~mask) | ((*reg + step) & mask);
	if (!e->io.rep)
		return true;
	vcpu->gprs[GPR_RCX] = (vcpu->gprs[GPR_RCX] & ~mask) |
			      ((vcpu->gprs[GPR_RCX] - vcpu->pio.count) & mask);
	return !(vcpu->gprs[GPR_RCX] & mask);
}

/* 1: the guest may go on; <0: the data could not be stored. */
int vcpu_pio_complete(struct vcpu *vcpu)
{
	const struct hv_exit *e = &vcpu->exit;
	u64 val = 0;

	/* As KVM: if userspace moved RIP, the instruction is abandoned. */
	if (vcpu->rip != vcpu->pending_rip)
		return 1;

	if (e->io.string) {
		if (vcpu->pending == PENDING_PIO_IN &&
		    pio_string_access(vcpu, vcpu->pio.count * e->io.size, true))
			return -EFAULT;
		if (pio_string_advance(vcpu))
			vcpu_skip_instruction(vcpu);
		return 1;
	}
	if (vcpu->pending == PENDING_PIO_IN) {
		memcpy(&val, pio_data(vcpu), e->io.size);
		/* IN to AL/AX keeps the rest; IN to EAX zero-extends. */
		if (e->io.size == 4)
			vcpu->gprs[GPR_RAX] = val;
		else
			memcpy(&vcpu->gprs[GPR_RAX], &val, e->io.size);
	}
	vcpu_skip_instruction(vcpu);
	return 1;
}

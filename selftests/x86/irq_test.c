// SPDX-License-Identifier: GPL-2.0-only
/*
 * External interrupts from a VMM without an in-kernel irqchip: the guest
 * halts with interrupts on, KVM_INTERRUPT delivers a vector through its
 * IDT; with interrupts off, request_interrupt_window makes KVM_RUN come
 * back with KVM_EXIT_IRQ_WINDOW_OPEN once the guest can take one, and
 * kvm_run's if_flag and ready_for_interrupt_injection say so throughout.
 * KVM_NMI reaches the guest's NMI handler, and again after its IRET.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define IRQ_VECTOR	0x30
#define PORT_HANDLER	0x41	/* the handler ran: AL = vector */
#define PORT_CLI	0x42	/* interrupts are off now */
#define NMI_VECTOR	2
#define IDT_LIMIT	0xfff

/*
 * Entry: halt with interrupts on (twice), then with interrupts off tell
 * the host, turn them back on and halt for good. The handlers report
 * their vector and return.
 */
GUEST_CODE(irq_guest, ".code64",
	   "	sti\n"
	   "	hlt\n"
	   "	hlt\n"
	   "	cli\n"
	   "	outb %al, $" __stringify(PORT_CLI) "\n"
	   "	sti\n"
	   "	nop\n"
	   "1:	hlt\n"
	   "	jmp 1b\n"
	   "	.p2align 4\n"
	   "irq_guest_handler:\n"
	   "	movb $" __stringify(IRQ_VECTOR) ", %al\n"
	   "	outb %al, $" __stringify(PORT_HANDLER) "\n"
	   "	iretq\n"
	   "	.p2align 4\n"
	   "irq_guest_nmi_handler:\n"
	   "	movb $" __stringify(NMI_VECTOR) ", %al\n"
	   "	outb %al, $" __stringify(PORT_HANDLER) "\n"
	   "	iretq\n");
extern const unsigned char irq_guest_handler[], irq_guest_nmi_handler[];

/* A 64-bit interrupt gate (SDM Vol. 3, "IDT Descriptors") */
static int write_gate(struct guest *g, const struct kvm_sregs *sregs,
		      unsigned int vector, const unsigned char *code)
{
	unsigned long long handler = VM_CODE_GPA + (code - irq_guest_start);
	unsigned long long *gate = vm_gpa_to_hva(&g->vm, sregs->idt.base +
						 vector * 16, 16);

	if (!gate)
		return -1;
	gate[0] = (handler & 0xffff) |
		  (unsigned long long)sregs->cs.selector << 16 |
		  0x8eULL << 40 | ((handler >> 16) & 0xffff) << 48;
	gate[1] = handler >> 32;
	return 0;
}

static int install_gates(struct guest *g)
{
	struct kvm_sregs sregs;

	if (vcpu_get_sregs(&g->vcpu, &sregs) ||
	    write_gate(g, &sregs, IRQ_VECTOR, irq_guest_handler) ||
	    write_gate(g, &sregs, NMI_VECTOR, irq_guest_nmi_handler))
		return -1;
	sregs.idt.limit = IDT_LIMIT;
	return vcpu_set_sregs(&g->vcpu, &sregs);
}

static bool check_flags(struct guest *g, bool if_flag, bool ready)
{
	struct kvm_run *run = g->vcpu.run;

	if (run->if_flag == if_flag &&
	    run->ready_for_interrupt_injection == ready)
		return true;
	tap_diag("if_flag %u (want %u), ready_for_interrupt_injection %u (want %u)",
		 run->if_flag, if_flag, run->ready_for_interrupt_injection,
		 ready);
	return false;
}

static bool inject(struct guest *g, unsigned int vector)
{
	struct kvm_interrupt irq = { .irq = vector };

	return !ioctl(g->vcpu.fd, KVM_INTERRUPT, &irq);
}

static bool events_show_interrupt(struct guest *g, unsigned int vector)
{
	struct kvm_vcpu_events ev;

	if (ioctl(g->vcpu.fd, KVM_GET_VCPU_EVENTS, &ev))
		return false;
	if (ev.interrupt.injected && ev.interrupt.nr == vector)
		return true;
	tap_diag("interrupt.injected %u, nr %u", ev.interrupt.injected,
		 ev.interrupt.nr);
	return false;
}

static bool handler_ran(struct guest *g, unsigned char vector)
{
	unsigned char *data;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_HANDLER, 1, 1))
		return false;
	data = vcpu_io_data(&g->vcpu);
	if (data && *data == vector)
		return true;
	tap_diag("handler of vector %u ran, want %u", data ? *data : 0,
		 vector);
	return false;
}

int main(int argc, char **argv)
{
	struct kvm_interrupt bad = { .irq = 256 };
	struct kvm_dev dev;
	struct guest g;
	bool ok;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(10);

	ok = !guest_create(&g, &dev, VCPU_MODE_LONG, irq_guest_start,
			   irq_guest_end) && !install_gates(&g);
	tap_result(ok, "long-mode guest with a gate for vector %#x",
		   IRQ_VECTOR);
	if (!ok)
		return tap_finish();

	ok = vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT) && check_flags(&g, 1, 1);
	tap_result(ok, "HLT with IF set: if_flag and ready_for_interrupt_injection");

	ok = inject(&g, IRQ_VECTOR) && events_show_interrupt(&g, IRQ_VECTOR);
	tap_result(ok, "KVM_GET_VCPU_EVENTS shows the queued interrupt");

	ok = handler_ran(&g, IRQ_VECTOR);
	tap_result(ok, "KVM_INTERRUPT: the guest's handler runs with the vector");

	ok = vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT);
	tap_result(ok, "IRETQ back to the halted code, which halts again");

	ok = vcpu_run(&g.vcpu) &&
	     vcpu_check_io(&g.vcpu, KVM_EXIT_IO_OUT, PORT_CLI, 1, 1) &&
	     check_flags(&g, 0, 0);
	tap_result(ok, "CLI: if_flag and ready_for_interrupt_injection clear");

	/* Asked for while IF is clear: the exit comes once STI takes hold. */
	g.vcpu.run->request_interrupt_window = 1;
	ok = vcpu_run_expect(&g.vcpu, KVM_EXIT_IRQ_WINDOW_OPEN) &&
	     check_flags(&g, 1, 1);
	g.vcpu.run->request_interrupt_window = 0;
	ok = ok && inject(&g, IRQ_VECTOR) && handler_ran(&g, IRQ_VECTOR);
	tap_result(ok, "STI: the window opens and the interrupt is taken");

	ok = !ioctl(g.vcpu.fd, KVM_NMI) && handler_ran(&g, NMI_VECTOR);
	tap_result(ok, "KVM_NMI: the guest's NMI handler runs");

	ok = vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT) &&
	     !ioctl(g.vcpu.fd, KVM_NMI) && handler_ran(&g, NMI_VECTOR);
	tap_result(ok, "after its IRETQ, the next KVM_NMI is taken too");

	tap_result(ioctl(g.vcpu.fd, KVM_INTERRUPT, &bad) == -1 &&
		   errno == EINVAL, "KVM_INTERRUPT of vector 256: EINVAL");
	guest_destroy(&g);
	return tap_finish();
}

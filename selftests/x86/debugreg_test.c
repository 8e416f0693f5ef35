// SPDX-License-Identifier: GPL-2.0-only
/*
 * Debug registers are the guest's own: what it writes to DR0-DR3 and
 * DR7 it reads back and KVM_GET_DEBUGREGS shows, KVM_SET_DEBUGREGS
 * values are what it reads, and none of it is the host's.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define PORT_DR		0x60
#define GUEST_DR0	0x123456789000ULL
#define GUEST_DR3	0xfedcba987000ULL
#define HOST_DR1	0x1111000ULL

/*
 * Write DR0 and DR3, report DR0, DR3 and DR1 (set by the host) on the
 * port, then halt.
 */
GUEST_CODE(dr_guest, ".code64",
	   "	movabs $" __stringify(GUEST_DR0) ", %rax\n"
	   "	movq %rax, %dr0\n"
	   "	movabs $" __stringify(GUEST_DR3) ", %rbx\n"
	   "	movq %rbx, %dr3\n"
	   "	movq %dr0, %rax\n"
	   "	outl %eax, $" __stringify(PORT_DR) "\n"
	   "	movq %dr3, %rax\n"
	   "	shrq $12, %rax\n"
	   "	outl %eax, $" __stringify(PORT_DR) "\n"
	   "	movq %dr1, %rax\n"
	   "	outl %eax, $" __stringify(PORT_DR) "\n"
	   "	hlt\n");

static bool reports(struct guest *g, unsigned int want)
{
	unsigned int *got;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_DR, 4, 1))
		return false;
	got = vcpu_io_data(&g->vcpu);
	if (got && *got == want)
		return true;
	tap_diag("guest reported %#x, want %#x", got ? *got : 0, want);
	return false;
}

int main(int argc, char **argv)
{
	struct kvm_debugregs regs = { .db[1] = HOST_DR1, .dr6 = 0xffff0ff0,
				      .dr7 = 0x400 };
	struct kvm_debugregs bad = { .flags = 1 };
	struct kvm_dev dev;
	struct guest g;
	bool ok;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	kvm_dev_require_cap(&dev, KVM_CAP_DEBUGREGS, "KVM_CAP_DEBUGREGS");
	tap_plan(5);

	ok = !guest_create(&g, &dev, VCPU_MODE_LONG, dr_guest_start,
			   dr_guest_end) &&
	     !ioctl(g.vcpu.fd, KVM_SET_DEBUGREGS, &regs);
	tap_result(ok, "long-mode guest; KVM_SET_DEBUGREGS sets DR1");
	if (!ok)
		return tap_finish();

	ok = reports(&g, (unsigned int)GUEST_DR0) &&
	     reports(&g, (unsigned int)(GUEST_DR3 >> 12));
	tap_result(ok, "the guest reads back the DR0 and DR3 it wrote");

	ok = reports(&g, (unsigned int)HOST_DR1);
	tap_result(ok, "the guest reads the DR1 KVM_SET_DEBUGREGS gave it");

	ok = vcpu_run_expect(&g.vcpu, KVM_EXIT_HLT) &&
	     !ioctl(g.vcpu.fd, KVM_GET_DEBUGREGS, &regs) &&
	     regs.db[0] == GUEST_DR0 && regs.db[3] == GUEST_DR3 &&
	     regs.db[1] == HOST_DR1;
	tap_result(ok, "KVM_GET_DEBUGREGS shows the guest's values");

	tap_result(ioctl(g.vcpu.fd, KVM_SET_DEBUGREGS, &bad) == -1 &&
		   errno == EINVAL, "KVM_SET_DEBUGREGS with flags: EINVAL");
	guest_destroy(&g);
	return tap_finish();
}

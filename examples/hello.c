// SPDX-License-Identifier: GPL-2.0-only
/*
 * The smallest KVM client: written from the KVM API documentation
 * (Documentation/virt/kvm/api.rst) and nothing of kvmlite's, it runs the
 * same on /dev/kvm and /dev/kvmlite. A 16-bit real-mode guest prints a
 * greeting through port 0xe9 and halts.
 *
 *     hello [DEVICE]        (default /dev/kvm)
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#define GUEST_SIZE	0x10000
#define GUEST_ENTRY	0x1000
#define DEBUG_PORT	0xe9

/*
 * mov $msg, %si; 1: lodsb; test %al, %al; jz 2f; out %al, $0xe9;
 * jmp 1b; 2: hlt; msg: "Hello, world from a guest\n", 0
 */
static const unsigned char guest_code[] = {
	0xbe, 0x0f, 0x10,		/* mov $0x100f, %si */
	0xac,				/* lodsb */
	0x84, 0xc0,			/* test %al, %al */
	0x74, 0x04,			/* jz hlt */
	0xe6, DEBUG_PORT,		/* out %al, $0xe9 */
	0xeb, 0xf7,			/* jmp lodsb */
	0xf4,				/* hlt */
	0x90, 0x90,			/* pad to the message at 0x100f */
	'H', 'e', 'l', 'l', 'o', ',', ' ', 'w', 'o', 'r', 'l', 'd', ' ',
	'f', 'r', 'o', 'm', ' ', 'a', ' ', 'g', 'u', 'e', 's', 't', '\n', 0,
};

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/kvm";
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	int kvm, vm, vcpu;
	long mmap_size;
	void *mem;

	kvm = open(path, O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		err(1, "%s", path);
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		errx(1, "%s: not KVM API version %d", path, KVM_API_VERSION);
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		err(1, "KVM_CREATE_VM");

	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		err(1, "mmap");
	memcpy((char *)mem + GUEST_ENTRY, guest_code, sizeof(guest_code));
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_SIZE,
		.userspace_addr = (unsigned long)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		err(1, "KVM_SET_USER_MEMORY_REGION");

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		err(1, "KVM_CREATE_VCPU");
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (long)sizeof(*run))
		errx(1, "KVM_GET_VCPU_MMAP_SIZE: %ld", mmap_size);
	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu,
		   0);
	if (run == MAP_FAILED)
		err(1, "mmap of kvm_run");

	/* Real mode at 0:GUEST_ENTRY. */
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		err(1, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds = sregs.cs;
	sregs.ds.type = 3;		/* data, read/write, accessed */
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs))
		err(1, "KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_ENTRY;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		err(1, "KVM_SET_REGS");

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0))
			err(1, "KVM_RUN");
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (run->io.direction == KVM_EXIT_IO_OUT &&
			    run->io.port == DEBUG_PORT && run->io.size == 1)
				putchar(*((char *)run + run->io.data_offset));
			break;
		case KVM_EXIT_HLT:
			fflush(stdout);
			return 0;
		default:
			errx(1, "unexpected exit reason %u", run->exit_reason);
		}
	}
}

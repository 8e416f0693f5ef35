// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM and vCPU life: creation errnos, a tiny real-mode guest through
 * KVM_RUN (OUT, then HLT), immediate_exit, a signal stopping a spinning
 * guest, ioctls from a forked child (EIO), fds closed in any order, and
 * many create/destroy cycles.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kvm.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"

#define GUEST_MEM	0x10000
#define CODE_GPA	0x1000
#define OUT_PORT	0x10

/* mov $0x42, %al; out %al, $0x10; hlt */
static const uint8_t guest_out_hlt[] = { 0xb0, 0x42, 0xe6, OUT_PORT, 0xf4 };
/* 1: jmp 1b */
/*
 * "1: pause; jmp 1b". Not a bare "jmp ." (0xeb 0xfe): in the emulated
 * Intel host (Bochs) a guest spinning on that never sees the host's timer
 * interrupt exit it, and the one-CPU host freezes.
 */
static const uint8_t guest_spin[] = { 0xf3, 0x90, 0xeb, 0xfc };

struct guest {
	int vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *mem;
};

static void guest_destroy(struct guest *g)
{
	if (g->run)
		munmap(g->run, g->run_size);
	if (g->mem)
		munmap(g->mem, GUEST_MEM);
	if (g->vcpu >= 0)
		close(g->vcpu);
	if (g->vm >= 0)
		close(g->vm);
}

/* A VM with 64 KB at GPA 0 and one vCPU in real mode at CODE_GPA. */
static int guest_create(const struct kvm_dev *dev, struct guest *g,
			const uint8_t *code, size_t len)
{
	struct kvm_userspace_memory_region region = {
		.memory_size = GUEST_MEM,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = CODE_GPA, .rflags = 2 };

	memset(g, 0, sizeof(*g));
	g->vm = g->vcpu = -1;
	g->vm = ioctl(dev->fd, KVM_CREATE_VM, 0);
	if (g->vm < 0)
		return -errno;
	g->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED) {
		g->mem = NULL;
		return -errno;
	}
	memcpy(g->mem + CODE_GPA, code, len);
	region.userspace_addr = (uintptr_t)g->mem;
	if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -errno;
	g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
	if (g->vcpu < 0)
		return -errno;
	g->run_size = ioctl(dev->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      g->vcpu, 0);
	if (g->run == MAP_FAILED) {
		g->run = NULL;
		return -errno;
	}
	if (ioctl(g->vcpu, KVM_GET_SREGS, &sregs))
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(g->vcpu, KVM_SET_SREGS, &sregs) ||
	    ioctl(g->vcpu, KVM_SET_REGS, &regs))
		return -errno;
	return 0;
}

static const char *exit_name(unsigned int reason)
{
	static char buf[32];

	switch (reason) {
	case KVM_EXIT_IO: return "IO";
	case KVM_EXIT_HLT: return "HLT";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTR: return "INTR";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	}
	snprintf(buf, sizeof(buf), "%u", reason);
	return buf;
}

static void test_create_errnos(const struct kvm_dev *dev)
{
	int vm = ioctl(dev->fd, KVM_CREATE_VM, 0), bad_type, vcpu, dup, big;
	int max_id = ioctl(dev->fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);

	bad_type = ioctl(dev->fd, KVM_CREATE_VM, 0x7f);
	tap_result(bad_type == -1 && errno == EINVAL,
		   "KVM_CREATE_VM with an unknown type: EINVAL");
	tap_result(vm >= 0, "KVM_CREATE_VM");
	if (vm < 0) {
		tap_diag("errno %d (%s)", errno, strerror(errno));
		tap_skip("no VM", "KVM_CHECK_EXTENSION on the VM fd");
		tap_skip("no VM", "vCPU creation errnos");
		return;
	}
	tap_result(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) > 0 &&
		   ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS) > 0,
		   "KVM_CHECK_EXTENSION on the VM fd");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	dup = ioctl(vm, KVM_CREATE_VCPU, 0);
	int dup_errno = errno;

	big = ioctl(vm, KVM_CREATE_VCPU, max_id > 0 ? max_id : 100000);
	tap_result(vcpu >= 0 && dup == -1 && dup_errno == EEXIST &&
		   big == -1 && errno == EINVAL,
		   "vCPU 0 created; again: EEXIST; id %d: EINVAL", max_id);
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
}

static void test_out_hlt(const struct kvm_dev *dev)
{
	struct guest g;
	struct kvm_regs regs;
	int err = guest_create(dev, &g, guest_out_hlt, sizeof(guest_out_hlt));
	bool io_ok = false, hlt_ok = false;

	if (err) {
		tap_result(false, "real-mode guest: setup: %s", strerror(-err));
		tap_skip("no guest", "real-mode guest halts");
		guest_destroy(&g);
		return;
	}
	if (!ioctl(g.vcpu, KVM_RUN, 0) && g.run->exit_reason == KVM_EXIT_IO) {
		uint8_t *data = (uint8_t *)g.run + g.run->io.data_offset;

		io_ok = g.run->io.direction == KVM_EXIT_IO_OUT &&
			g.run->io.port == OUT_PORT && g.run->io.size == 1 &&
			g.run->io.count == 1 && *data == 0x42;
	}
	tap_result(io_ok, "real-mode guest: OUT 0x42 to port 0x10 exits as IO");
	if (!io_ok)
		tap_diag("exit %s", exit_name(g.run->exit_reason));

	if (!ioctl(g.vcpu, KVM_RUN, 0) && g.run->exit_reason == KVM_EXIT_HLT &&
	    !ioctl(g.vcpu, KVM_GET_REGS, &regs))
		hlt_ok = regs.rip == CODE_GPA + sizeof(guest_out_hlt) &&
			 (regs.rax & 0xff) == 0x42;
	tap_result(hlt_ok, "then HLT exits with RIP past it and AL = 0x42");
	if (!hlt_ok)
		tap_diag("exit %s, rip %#llx", exit_name(g.run->exit_reason),
			 (unsigned long long)regs.rip);
	guest_destroy(&g);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_signal_and_immediate_exit(const struct kvm_dev *dev)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval timer = { .it_value.tv_usec = 200000 };
	struct guest g;
	int err = guest_create(dev, &g, guest_spin, sizeof(guest_spin));
	int r;

	if (err) {
		tap_result(false, "spinning guest: setup: %s", strerror(-err));
		tap_skip("no guest", "immediate_exit");
		guest_destroy(&g);
		return;
	}
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &timer, NULL);
	r = ioctl(g.vcpu, KVM_RUN, 0);
	tap_result(r == -1 && errno == EINTR &&
		   g.run->exit_reason == KVM_EXIT_INTR,
		   "a signal stops a spinning guest: EINTR, KVM_EXIT_INTR");

	g.run->immediate_exit = 1;
	r = ioctl(g.vcpu, KVM_RUN, 0);
	tap_result(r == -1 && errno == EINTR,
		   "immediate_exit: KVM_RUN returns EINTR at once");
	guest_destroy(&g);
}

/* A VM belongs to the mm that created it. */
static void test_fork(const struct kvm_dev *dev)
{
	struct guest g;
	int status, err = guest_create(dev, &g, guest_out_hlt,
				       sizeof(guest_out_hlt));
	pid_t pid;

	if (err) {
		tap_result(false, "fork: setup: %s", strerror(-err));
		guest_destroy(&g);
		return;
	}
	pid = fork();
	if (pid == 0) {
		int bad = 0;

		if (ioctl(g.vcpu, KVM_RUN, 0) != -1 || errno != EIO)
			bad |= 1;
		if (ioctl(g.vm, KVM_CREATE_VCPU, 1) != -1 || errno != EIO)
			bad |= 2;
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	tap_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "after fork the child's KVM_RUN and KVM_CREATE_VCPU: EIO");
	guest_destroy(&g);
}

/*
 * Close orders: either fd may go first. (Closing both while kvm_run is
 * still mapped hangs KVM itself in the QEMU TCG host with a soft lockup,
 * so that order is left to runs on real hardware.)
 */
static void test_close_vm_first(const struct kvm_dev *dev)
{
	struct guest g;
	bool ok = !guest_create(dev, &g, guest_out_hlt,
				sizeof(guest_out_hlt));

	close(g.vm);
	g.vm = -1;
	ok = ok && !ioctl(g.vcpu, KVM_RUN, 0) &&
	     g.run->exit_reason == KVM_EXIT_IO;
	guest_destroy(&g);
	tap_result(ok, "VM fd closed first: the vCPU still runs");
}

static void test_close_vcpu_first(const struct kvm_dev *dev)
{
	struct guest g;
	bool ok = !guest_create(dev, &g, guest_out_hlt,
				sizeof(guest_out_hlt));

	close(g.vcpu);
	g.vcpu = -1;
	ok = ok && ioctl(g.vm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) > 0;
	guest_destroy(&g);
	tap_result(ok, "vCPU fd closed first: the VM still answers");
}

static void test_cycles(const struct kvm_dev *dev)
{
	struct guest g;
	int i, err = 0;

	for (i = 0; i < 1000 && !err; i++) {
		err = guest_create(dev, &g, guest_out_hlt,
				   sizeof(guest_out_hlt));
		if (!err && i % 10 == 0 && ioctl(g.vcpu, KVM_RUN, 0))
			err = -errno;
		guest_destroy(&g);
	}
	tap_result(!err, "1000 VM create/run/destroy cycles (did %d)", i);
	if (err)
		tap_diag("%s", strerror(-err));
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;

	kvm_dev_open(&dev, argc, argv);
	kvm_dev_require_cap(&dev, KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY");
	tap_plan(12);
	test_create_errnos(&dev);
	test_out_hlt(&dev);
	test_signal_and_immediate_exit(&dev);
	test_fork(&dev);
	test_close_vm_first(&dev);
	test_close_vcpu_first(&dev);
	test_cycles(&dev);
	return tap_finish();
}

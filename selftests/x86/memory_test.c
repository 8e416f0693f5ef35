// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory is the process's memory, and the guest always sees what
 * the process has there now: after MADV_DONTNEED, after munmap and a new
 * mapping at the same address, after MADV_PAGEOUT, and for its own
 * writes; and while it runs, when another thread replaces the mapping.
 * A second-level table that kept a stale page would show the guest old
 * data here.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define DATA_SLOT	1
#define DATA_GPA	0x40000000ULL
#define DATA_SIZE	0x4000
#define PORT_READ	0x50	/* the guest read this value */
#define PORT_WROTE	0x51	/* the guest stored RBX */
#define PORT_COMMAND	0x52	/* IN: 1 read, 2 write */
#define CMD_READ	1
#define CMD_WRITE	2
#define CMD_WAIT	3	/* spin until the qword equals RBX */

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

/*
 * Forever: ask the host what to do; read the qword at DATA_GPA and report
 * it, or store RBX there and report that it is done.
 */
GUEST_CODE(mem_guest, ".code64",
	   "	movabs $" __stringify(DATA_GPA) ", %rsi\n"
	   "1:	inb $" __stringify(PORT_COMMAND) ", %al\n"
	   "	cmpb $" __stringify(CMD_WAIT) ", %al\n"
	   "	je 3f\n"
	   "	cmpb $" __stringify(CMD_READ) ", %al\n"
	   "	jne 2f\n"
	   "	movq (%rsi), %rax\n"
	   "	outl %eax, $" __stringify(PORT_READ) "\n"
	   "	jmp 1b\n"
	   "3:	movq (%rsi), %rax\n"
	   "	cmpq %rax, %rbx\n"
	   "	jne 3b\n"
	   "	outl %eax, $" __stringify(PORT_READ) "\n"
	   "	jmp 1b\n"
	   "2:	movq %rbx, (%rsi)\n"
	   "	outb %al, $" __stringify(PORT_WROTE) "\n"
	   "	jmp 1b\n");

static uint64_t *data;

static int map_data(void *at)
{
	data = mmap(at, DATA_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED : 0), -1, 0);
	return data == MAP_FAILED ? -errno : 0;
}

/* Run to the guest's question and answer it with @cmd. */
static bool command(struct guest *g, uint8_t cmd)
{
	uint8_t *answer;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_IN, PORT_COMMAND, 1, 1))
		return false;
	answer = vcpu_io_data(&g->vcpu);
	if (answer)
		*answer = cmd;
	return answer;
}

/* The guest reads its memory and sees @want. */
static bool guest_reads(struct guest *g, uint64_t want)
{
	uint32_t *got;

	if (!command(g, CMD_READ) || !vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_READ, 4, 1))
		return false;
	got = vcpu_io_data(&g->vcpu);
	if (got && *got == (uint32_t)want)
		return true;
	tap_diag("guest read %#x, want %#x", got ? *got : 0, (uint32_t)want);
	return false;
}

/* The guest's next write of @val lands in the process's memory. */
static bool guest_writes(struct guest *g, uint64_t val)
{
	struct kvm_regs regs;

	if (vcpu_get_regs(&g->vcpu, &regs))
		return false;
	regs.rbx = val;
	if (vcpu_set_regs(&g->vcpu, &regs) || !command(g, CMD_WRITE) ||
	    !vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_WROTE, 1, 1))
		return false;
	if (data[0] == val)
		return true;
	tap_diag("memory holds %#llx, want %#llx",
		 (unsigned long long)data[0], (unsigned long long)val);
	return false;
}

static void *remap_later(void *unused)
{
	(void)unused;
	usleep(200000);
	if (!map_data(data))
		data[0] = 0x8888;
	return NULL;
}

/*
 * The guest spins on its memory while another thread replaces the
 * mapping under it: the MMU notifier must take the old page away from
 * the running guest, or it spins on it until the run times out.
 */
static bool replaced_while_running(struct guest *g)
{
	struct kvm_regs regs;
	pthread_t thread;
	bool ok;

	if (vcpu_get_regs(&g->vcpu, &regs))
		return false;
	regs.rbx = 0x8888;
	data[0] = 0x7777;
	if (vcpu_set_regs(&g->vcpu, &regs) || !command(g, CMD_WAIT) ||
	    pthread_create(&thread, NULL, remap_later, NULL))
		return false;
	ok = vcpu_run(&g->vcpu) &&
	     vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_READ, 4, 1);
	pthread_join(thread, NULL);
	return ok;
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	struct guest g;
	bool ok;
	int r;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(7);

	ok = !guest_create(&g, &dev, VCPU_MODE_LONG, mem_guest_start,
			   mem_guest_end) && !map_data(NULL) &&
	     !vm_set_memory_region(&g.vm, DATA_SLOT, 0, DATA_GPA, DATA_SIZE,
				   (uintptr_t)data);
	tap_result(ok, "long-mode guest with a data slot");
	if (!ok)
		return tap_finish();

	data[0] = 0x1111;
	ok = guest_reads(&g, 0x1111) && guest_writes(&g, 0x2222) &&
	     guest_reads(&g, 0x2222);
	tap_result(ok, "guest and process see each other's writes");

	ok = !madvise(data, DATA_SIZE, MADV_DONTNEED) && guest_reads(&g, 0) &&
	     guest_writes(&g, 0x3333);
	tap_result(ok, "after MADV_DONTNEED the guest reads zeros, then writes");

	ok = !map_data(data);
	data[0] = 0x4444;
	ok = ok && guest_reads(&g, 0x4444) && guest_writes(&g, 0x5555);
	tap_result(ok, "after munmap and a new mapping the guest sees the new one");

	data[0] = 0x6666;
	r = madvise(data, DATA_SIZE, MADV_PAGEOUT);
	if (r && errno == EINVAL) {
		tap_skip("no MADV_PAGEOUT", "after MADV_PAGEOUT");
	} else {
		ok = !r && guest_reads(&g, 0x6666) && guest_writes(&g, 0x7777);
		tap_result(ok, "after MADV_PAGEOUT the data is still there");
	}

	tap_result(replaced_while_running(&g),
		   "a mapping replaced while the guest spins on it reaches it");

	/* As KVM: memory gone from under a slot makes KVM_RUN fail. */
	r = munmap(data, DATA_SIZE) || !command(&g, CMD_READ) ? 0 :
	    ioctl(g.vcpu.fd, KVM_RUN, 0);
	tap_result(r == -1 && errno == EFAULT,
		   "after munmap of the slot's memory KVM_RUN: EFAULT");
	if (r == 0)
		vcpu_dump_exit(&g.vcpu);
	guest_destroy(&g);
	return tap_finish();
}

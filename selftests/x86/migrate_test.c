// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vCPU is a host thread: the scheduler may move it to another CPU at
 * any time, between exits or while the guest runs. The guest counts
 * with all its general registers, reporting progress with port writes;
 * between exits the host moves its own thread to the other CPU, and a
 * second thread keeps moving it while KVM_RUN is inside the guest. The
 * guest's state must arrive intact every time (a hypervisor that kept
 * per-CPU state of the vCPU, a VMCS or an ASID, on the old CPU would
 * lose or corrupt it).
 *
 * Needs two online CPUs; skips otherwise.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define PORT_TICK	0x20
#define ROUNDS		100	/* moved between exits */
#define MAX_ROUNDS	100000
#define MOVES		50
/* Guest work between two reports: long enough to be interrupted. */
#define SPIN		20000

/*
 * Each round: every GPR but rsp gets a value derived from the round
 * number, a busy loop runs, the registers are checked against those
 * values, and the round goes out. A mismatch goes out as ~round.
 */
GUEST_CODE(ticker, ".code64",
	   "	xorl %r15d, %r15d\n"
	   "1:	incq %r15\n"
	   "	movq %r15, %rax\n"
	   "	movq %r15, %rbx\n	notq %rbx\n"
	   "	movq %r15, %rdx\n	shlq $8, %rdx\n"
	   "	movq %r15, %rsi\n	shlq $16, %rsi\n"
	   "	movq %r15, %rdi\n	shlq $24, %rdi\n"
	   "	movq %r15, %rbp\n	shlq $32, %rbp\n"
	   "	movq %r15, %r8\n	addq $8, %r8\n"
	   "	movq %r15, %r9\n	addq $9, %r9\n"
	   "	movq %r15, %r10\n	addq $10, %r10\n"
	   "	movq %r15, %r11\n	addq $11, %r11\n"
	   "	movq %r15, %r12\n	addq $12, %r12\n"
	   "	movq %r15, %r13\n	addq $13, %r13\n"
	   "	movq %r15, %r14\n	addq $14, %r14\n"
	   "	movl $" __stringify(SPIN) ", %ecx\n"
	   "2:	loop 2b\n"
	   "	movq %r15, %rcx\n	notq %rcx\n"	/* the report if wrong */
	   "	cmpq %r15, %rax\n	jne 3f\n"
	   "	notq %rbx\n	cmpq %r15, %rbx\n	jne 3f\n"
	   "	shrq $8, %rdx\n	cmpq %r15, %rdx\n	jne 3f\n"
	   "	shrq $16, %rsi\n	cmpq %r15, %rsi\n	jne 3f\n"
	   "	shrq $24, %rdi\n	cmpq %r15, %rdi\n	jne 3f\n"
	   "	shrq $32, %rbp\n	cmpq %r15, %rbp\n	jne 3f\n"
	   "	subq $8, %r8\n	cmpq %r15, %r8\n	jne 3f\n"
	   "	subq $9, %r9\n	cmpq %r15, %r9\n	jne 3f\n"
	   "	subq $10, %r10\n	cmpq %r15, %r10\n	jne 3f\n"
	   "	subq $11, %r11\n	cmpq %r15, %r11\n	jne 3f\n"
	   "	subq $12, %r12\n	cmpq %r15, %r12\n	jne 3f\n"
	   "	subq $13, %r13\n	cmpq %r15, %r13\n	jne 3f\n"
	   "	subq $14, %r14\n	cmpq %r15, %r14\n	jne 3f\n"
	   "	movq %r15, %rcx\n"
	   "3:	movl %ecx, %eax\n"
	   "	outl %eax, $" __stringify(PORT_TICK) "\n"
	   "	jmp 1b\n");

struct mover {
	pthread_t target;
	atomic_bool stop;
	atomic_ulong moves;
};

static bool pin_to(pthread_t thread, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return !pthread_setaffinity_np(thread, sizeof(set), &set);
}

/* Moves the vCPU thread back and forth, whatever it is doing. */
static void *mover_main(void *arg)
{
	struct mover *m = arg;

	while (!atomic_load(&m->stop)) {
		if (pin_to(m->target, atomic_load(&m->moves) & 1))
			atomic_fetch_add(&m->moves, 1);
		usleep(200);
	}
	return NULL;
}

/* Run to the next report: false if anything else happened. */
static bool next_round(struct guest *g, __u32 *value)
{
	void *data;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_TICK, 4, 1))
		return false;
	data = vcpu_io_data(&g->vcpu);
	if (!data)
		return false;
	memcpy(value, data, sizeof(*value));
	return true;
}

static void run_device(const struct kvm_dev *dev)
{
	struct mover mover = { .target = pthread_self() };
	unsigned int round, bad = 0, lost = 0;
	bool started, ok;
	pthread_t thread;
	struct guest g;
	__u32 value;

	ok = !guest_create(&g, dev, VCPU_MODE_LONG, ticker_start, ticker_end);
	tap_result(ok, "guest created");
	if (!ok) {
		tap_skip("no guest", "between exits");
		tap_skip("no guest", "while running");
		tap_skip("no guest", "moves");
		return;
	}

	/* Between exits: the thread changes CPU before every entry. */
	for (round = 1; round <= ROUNDS; round++) {
		if (!pin_to(pthread_self(), round & 1) ||
		    !next_round(&g, &value))
			break;
		if (value != round)
			bad++;
	}
	tap_result(round > ROUNDS && !bad,
		   "%u rounds moved between CPUs before each entry, %u wrong",
		   round - 1, bad);

	/*
	 * While running: another thread moves it at random moments, until
	 * it has done so MOVES times (or the guest did MAX_ROUNDS rounds).
	 */
	started = !pthread_create(&thread, NULL, mover_main, &mover);
	for (; started && round <= MAX_ROUNDS &&
	       atomic_load(&mover.moves) < MOVES; round++) {
		if (!next_round(&g, &value)) {
			lost++;
			break;
		}
		if (value != round)
			bad++;
	}
	if (started) {
		atomic_store(&mover.stop, true);
		pthread_join(thread, NULL);
	}
	tap_result(started && !lost && !bad,
		   "%u rounds moved by another thread while running, %u wrong",
		   round - 1 - ROUNDS, bad);
	tap_result(mover.moves >= MOVES, "the vCPU thread was moved %lu times",
		   (unsigned long)mover.moves);
	guest_destroy(&g);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		tap_skip_all("needs two online CPUs");
	tap_plan(4);
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");
	run_device(&dev);
	return tap_finish();
}

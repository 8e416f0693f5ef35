// SPDX-License-Identifier: GPL-2.0-only
/*
 * Many guests at once, and guests the scheduler moves. A VM is a process
 * and a vCPU a thread, so: 64 VMs alive together, each running its own
 * guest; one VM whose 16 vCPUs run at the same time, each in a thread of
 * its own; and a vCPU thread moved between CPUs 0 and 1 again and again
 * (sched_setaffinity) while its guest computes, which must not change
 * what the guest computes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define NR_VMS		64
#define NR_VCPUS	16
#define NR_MOVES	200
#define MOVE_PAUSE_US	1000

#define PORT_HELLO	0x70
#define PORT_RESULT	0x71
#define PORT_MORE	0x72

/* Each VM's guest says the value the host put in eax, and halts. */
GUEST_CODE(hello_guest, ".code64",
	   "	outl %eax, $" __stringify(PORT_HELLO) "\n"
	   "	hlt\n");

/*
 * Each vCPU of the shared VM: ROUNDS times, the sum of k + id for k = 1
 * .. SUM_N, plus the round number, to the host; id is in ebx.
 */
#define ROUNDS		8
#define SUM_N		1000
GUEST_CODE(sum_guest, ".code64",
	   "	xorl %esi, %esi\n"
	   "1:	movl $" __stringify(SUM_N) ", %ecx\n"
	   "	xorl %eax, %eax\n"
	   "2:	leal (%rcx,%rbx), %edx\n"
	   "	addl %edx, %eax\n"
	   "	loop 2b\n"
	   "	addl %esi, %eax\n"
	   "	outl %eax, $" __stringify(PORT_RESULT) "\n"
	   "	incl %esi\n"
	   "	cmpl $" __stringify(ROUNDS) ", %esi\n"
	   "	jne 1b\n"
	   "	hlt\n");

/*
 * xorshift32 (Marsaglia) from the seed in eax, CHUNK steps at a time;
 * after each chunk the host says whether to go on (IN clobbers al, so
 * ebx keeps the state). At the end the state goes to the host.
 */
#define CHUNK		20000
GUEST_CODE(xorshift_guest, ".code64",
	   "1:	movl $" __stringify(CHUNK) ", %ecx\n"
	   "2:	movl %eax, %edx\n"
	   "	shll $13, %edx\n"
	   "	xorl %edx, %eax\n"
	   "	movl %eax, %edx\n"
	   "	shrl $17, %edx\n"
	   "	xorl %edx, %eax\n"
	   "	movl %eax, %edx\n"
	   "	shll $5, %edx\n"
	   "	xorl %edx, %eax\n"
	   "	loop 2b\n"
	   "	movl %eax, %ebx\n"
	   "	inb $" __stringify(PORT_MORE) ", %al\n"
	   "	testb %al, %al\n"
	   "	movl %ebx, %eax\n"
	   "	jnz 1b\n"
	   "	outl %eax, $" __stringify(PORT_RESULT) "\n"
	   "	hlt\n");
#define XORSHIFT_SEED	0x2545f491

static bool set_reg_rax_rbx(struct vcpu *vcpu, __u64 rax, __u64 rbx)
{
	struct kvm_regs regs;

	if (vcpu_get_regs(vcpu, &regs))
		return false;
	regs.rax = rax;
	regs.rbx = rbx;
	return !vcpu_set_regs(vcpu, &regs);
}

/* The last exit was OUT of 4 bytes to @port; *value what it carried. */
static bool got_out(struct vcpu *vcpu, __u16 port, __u32 *value)
{
	__u32 *data;

	if (!vcpu_check_io(vcpu, KVM_EXIT_IO_OUT, port, 4, 1))
		return false;
	data = vcpu_io_data(vcpu);
	if (data)
		*value = *data;
	return data;
}

static __u32 hello_value(unsigned int i)
{
	return 0x5ca1e000 + i;
}

static void test_many_vms(const struct kvm_dev *dev)
{
	static struct guest guests[NR_VMS];
	unsigned int i, created, bad = 0;
	__u32 value = 0;

	for (created = 0; created < NR_VMS; created++) {
		if (guest_create(&guests[created], dev, VCPU_MODE_LONG,
				 hello_guest_start, hello_guest_end) ||
		    !set_reg_rax_rbx(&guests[created].vcpu,
				     hello_value(created), 0))
			break;
	}
	tap_result(created == NR_VMS, "%u VMs with a vCPU each, alive at once (%u made)",
		   NR_VMS, created);

	/* All out first, then all halt: every guest keeps its state. */
	for (i = 0; i < created; i++) {
		if (vcpu_run(&guests[i].vcpu) &&
		    got_out(&guests[i].vcpu, PORT_HELLO, &value) &&
		    value == hello_value(i))
			continue;
		tap_diag("VM %u: value 0x%x, expected 0x%x", i, value,
			 hello_value(i));
		bad++;
	}
	tap_result(created == NR_VMS && !bad,
		   "each of the %u guests says its own value (%u wrong)",
		   NR_VMS, bad);

	for (i = 0, bad = 0; i < created; i++) {
		if (!vcpu_run_expect(&guests[i].vcpu, KVM_EXIT_HLT)) {
			tap_diag("VM %u did not halt", i);
			bad++;
		}
	}
	tap_result(created == NR_VMS && !bad,
		   "then each of the %u halts (%u did not)", NR_VMS, bad);

	/* The one that failed, if any, was cleaned up: destroying is harmless. */
	for (i = 0; i <= created && i < NR_VMS; i++)
		guest_destroy(&guests[i]);
}

struct vcpu_thread {
	struct vcpu vcpu;
	unsigned int id;
	atomic_bool *go;	/* set once every thread exists */
	unsigned int rounds;	/* results right */
	bool ok;
};

static __u32 sum_value(unsigned int id, unsigned int round)
{
	return SUM_N * (SUM_N + 1) / 2 + SUM_N * id + round;
}

static void *sum_thread(void *arg)
{
	struct vcpu_thread *t = arg;
	__u32 value = 0;

	while (!atomic_load(t->go))
		sched_yield();
	for (t->rounds = 0; t->rounds < ROUNDS; t->rounds++) {
		if (!vcpu_run(&t->vcpu) ||
		    !got_out(&t->vcpu, PORT_RESULT, &value))
			return NULL;
		if (value != sum_value(t->id, t->rounds)) {
			tap_diag("vCPU %u round %u: 0x%x, expected 0x%x", t->id,
				 t->rounds, value, sum_value(t->id, t->rounds));
			return NULL;
		}
	}
	t->ok = vcpu_run_expect(&t->vcpu, KVM_EXIT_HLT);
	return NULL;
}

static void test_many_vcpus(const struct kvm_dev *dev)
{
	static struct vcpu_thread threads[NR_VCPUS];
	unsigned int i, n = 0, started = 0, good = 0;
	pthread_t tids[NR_VCPUS];
	atomic_bool go = false;
	struct vm vm;
	bool ok;

	ok = !vm_create(&vm, dev) &&
	     vm_add_memory(&vm, 0, 0, VM_SYS_GPA, VM_SYS_SIZE) &&
	     !vm_load(&vm, VM_CODE_GPA, sum_guest_start, sum_guest_end);
	for (n = 0; ok && n < NR_VCPUS; n++) {
		struct vcpu_thread *t = &threads[n];

		t->id = n;
		t->go = &go;
		if (vcpu_create(&t->vcpu, &vm, n) ||
		    vcpu_set_mode(&t->vcpu, VCPU_MODE_LONG, VM_CODE_GPA) ||
		    !set_reg_rax_rbx(&t->vcpu, 0, n)) {
			vcpu_destroy(&t->vcpu);
			break;
		}
	}
	tap_result(n == NR_VCPUS, "one VM with %u vCPUs (%u made)", NR_VCPUS,
		   n);

	for (started = 0; n == NR_VCPUS && started < NR_VCPUS; started++)
		if (pthread_create(&tids[started], NULL, sum_thread,
				   &threads[started]))
			break;
	atomic_store(&go, true);
	for (i = 0; i < started; i++) {
		pthread_join(tids[i], NULL);
		good += threads[i].ok;
	}
	tap_result(started == NR_VCPUS && good == NR_VCPUS,
		   "%u threads run a vCPU each at once: %u rounds of sums right in %u",
		   NR_VCPUS, ROUNDS, good);
	for (i = 0; i < n; i++)
		vcpu_destroy(&threads[i].vcpu);
	vm_destroy(&vm);
}

struct mover {
	struct guest g;
	atomic_int tid;		/* of the vCPU thread, once it runs */
	atomic_bool stop;	/* the guest is to finish its computation */
	unsigned int chunks;
	cpu_set_t seen;		/* CPUs the vCPU thread exited on */
	__u32 result;
	bool ok;
};

static __u32 xorshift32(__u32 x, unsigned long steps)
{
	while (steps--) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	}
	return x;
}

static void *xorshift_thread(void *arg)
{
	struct mover *m = arg;
	struct vcpu *vcpu = &m->g.vcpu;
	int cpu;
	__u8 *more;

	CPU_ZERO(&m->seen);
	atomic_store(&m->tid, gettid());
	for (;;) {
		if (!vcpu_run(vcpu))
			return NULL;
		cpu = sched_getcpu();
		if (cpu >= 0)
			CPU_SET(cpu, &m->seen);
		if (vcpu->run->exit_reason != KVM_EXIT_IO ||
		    vcpu->run->io.port != PORT_MORE)
			break;
		if (!vcpu_check_io(vcpu, KVM_EXIT_IO_IN, PORT_MORE, 1, 1))
			return NULL;
		more = vcpu_io_data(vcpu);
		if (!more)
			return NULL;
		*more = !atomic_load(&m->stop);
		m->chunks++;
	}
	m->ok = got_out(vcpu, PORT_RESULT, &m->result) &&
		vcpu_run_expect(vcpu, KVM_EXIT_HLT);
	return NULL;
}

/* Pin @tid to @cpu alone. */
static int move_to(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set);
}

static void test_moving_vcpu(const struct kvm_dev *dev)
{
	static struct mover m;
	unsigned int moves = 0;
	cpu_set_t allowed;
	pthread_t thread;
	__u32 want;
	pid_t tid;
	bool ok;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) ||
	    !CPU_ISSET(0, &allowed) || !CPU_ISSET(1, &allowed)) {
		tap_skip("CPUs 0 and 1 are not both ours",
			 "a vCPU moved %u times between CPUs 0 and 1", NR_MOVES);
		tap_skip("CPUs 0 and 1 are not both ours",
			 "the moved vCPU ran on both CPUs");
		return;
	}

	ok = !guest_create(&m.g, dev, VCPU_MODE_LONG, xorshift_guest_start,
			   xorshift_guest_end) &&
	     set_reg_rax_rbx(&m.g.vcpu, XORSHIFT_SEED, 0) &&
	     !pthread_create(&thread, NULL, xorshift_thread, &m);
	if (ok) {
		while (!(tid = atomic_load(&m.tid)))
			sched_yield();
		for (moves = 0; moves < NR_MOVES; moves++) {
			if (move_to(tid, moves % 2)) {
				tap_diag("sched_setaffinity: %s",
					 strerror(errno));
				break;
			}
			usleep(MOVE_PAUSE_US);
		}
		atomic_store(&m.stop, true);
		pthread_join(thread, NULL);
	}
	want = xorshift32(XORSHIFT_SEED, (unsigned long)m.chunks * CHUNK);
	tap_diag("%u chunks of %u steps, on CPUs%s%s", m.chunks, CHUNK,
		 CPU_ISSET(0, &m.seen) ? " 0" : "",
		 CPU_ISSET(1, &m.seen) ? " 1" : "");
	if (ok && m.ok && m.result != want)
		tap_diag("the guest computed 0x%x, expected 0x%x", m.result,
			 want);
	tap_result(ok && m.ok && moves == NR_MOVES && m.result == want,
		   "a vCPU moved %u times between CPUs 0 and 1: its guest computes right",
		   NR_MOVES);
	tap_result(ok && CPU_ISSET(0, &m.seen) && CPU_ISSET(1, &m.seen),
		   "the moved vCPU ran on both CPUs");
	guest_destroy(&m.g);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(7);
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	test_many_vms(&dev);
	test_many_vcpus(&dev);
	test_moving_vcpu(&dev);
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The benchmark client: the same program measures /dev/kvm and
 * /dev/kvmlite through the KVM ioctl ABI, so that the rig can run it on
 * both devices alternately in one host and compare medians (issue 7).
 *
 * Where the guest loops, a figure is guest TSC cycles per operation: the
 * guest reads its TSC around the loop and leaves the delta in memory, so
 * what the host does between KVM_RUNs counts exactly where it is part of
 * the operation (an exit to userspace). Where the host drives (VM
 * creation), a figure is CLOCK_MONOTONIC nanoseconds per operation.
 *
 * stdout: one JSON object per measurement; lines starting with '#' are
 * diagnostics. Exit status 0 when every measurement was made, 1 when one
 * failed (its object says why), 4 when the device cannot create VMs.
 */
#include <assert.h>
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvmlite.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

/* The host's parameters and the guest's results: struct params. */
#define PARAM_COUNT		VM_DATA_GPA
#define PARAM_TSC		(VM_DATA_GPA + 8)
#define PARAM_RAX		(VM_DATA_GPA + 16)

#define PORT_DONE		0xe0	/* a timed loop ended */
#define PORT_PIO		0xe1	/* the PIO metric's port */
#define PORT_ACK		0xe2	/* the interrupt handler ran */
#define MMIO_GPA		0xc0000000	/* in no memslot */
#define FAULT_GPA		0x40000000
#define FAULT_SLOT		1
#define IRQ_VECTOR		0x30
#define IDT_LIMIT		0xfff
/* No hypercall of KVM's has this number: it answers -KVM_ENOSYS. */
#define HC_UNKNOWN		0xbad0
#define HC_ENOSYS		((__u64)-1000)

#define PAGE_SIZE		4096UL
#define HPAGE_SIZE		(2UL << 20)
/*
 * Seconds one pass may take: 256 MiB of fault-in under QEMU TCG takes
 * seconds, --quick counts in Bochs less.
 */
#define PASS_TIMEOUT		120

/*
 * Every guest loop runs as passes: read the count the host left at
 * PARAM_COUNT, read the TSC, loop, store the TSC delta at PARAM_TSC,
 * report on PORT_DONE, start over. The host runs a short pass first, so
 * that the timed one finds its code translated (emulators) and its pages
 * mapped. %r8 holds the start TSC and %r9 the count; label 1 is taken.
 */
#define GUEST_PASS_BEGIN						\
	"1:	movq " __stringify(PARAM_COUNT) ", %r9\n"		\
	"	lfence\n"						\
	"	rdtsc\n"						\
	"	shlq $32, %rdx\n"					\
	"	orq %rdx, %rax\n"					\
	"	movq %rax, %r8\n"

#define GUEST_PASS_END							\
	"	lfence\n"						\
	"	rdtsc\n"						\
	"	shlq $32, %rdx\n"					\
	"	orq %rdx, %rax\n"					\
	"	subq %r8, %rax\n"					\
	"	movq %rax, " __stringify(PARAM_TSC) "\n"		\
	"	outb %al, $" __stringify(PORT_DONE) "\n"		\
	"	jmp 1b\n"

/* CPUID leaf 0: every hypervisor answers it in the kernel. */
GUEST_CODE(cpuid_guest, ".code64",
	   GUEST_PASS_BEGIN
	   "2:	xorl %eax, %eax\n"
	   "	xorl %ecx, %ecx\n"
	   "	cpuid\n"
	   "	decq %r9\n"
	   "	jnz 2b\n"
	   GUEST_PASS_END);

/* An unknown hypercall; the last answer is left at PARAM_RAX. */
#define HYPERCALL_GUEST(insn)						\
	GUEST_PASS_BEGIN						\
	"2:	movl $" __stringify(HC_UNKNOWN) ", %eax\n"		\
	"	" insn "\n"						\
	"	decq %r9\n"						\
	"	jnz 2b\n"						\
	"	movq %rax, " __stringify(PARAM_RAX) "\n"		\
	GUEST_PASS_END

GUEST_CODE(vmmcall_guest, ".code64", HYPERCALL_GUEST("vmmcall"));
GUEST_CODE(vmcall_guest, ".code64", HYPERCALL_GUEST("vmcall"));

GUEST_CODE(pio_guest, ".code64",
	   GUEST_PASS_BEGIN
	   "2:	outb %al, $" __stringify(PORT_PIO) "\n"
	   "	decq %r9\n"
	   "	jnz 2b\n"
	   GUEST_PASS_END);

GUEST_CODE(mmio_guest, ".code64",
	   GUEST_PASS_BEGIN
	   "	movl $" __stringify(MMIO_GPA) ", %esi\n"
	   "2:	movb %al, (%rsi)\n"
	   "	decq %r9\n"
	   "	jnz 2b\n"
	   GUEST_PASS_END);

/*
 * One byte per 4 KiB page from FAULT_GPA on, %r9 pages. There is no
 * warm-up pass here: the first touch is what is measured.
 */
GUEST_CODE(fault_guest, ".code64",
	   GUEST_PASS_BEGIN
	   "	movl $" __stringify(FAULT_GPA) ", %esi\n"
	   "2:	movb $1, (%rsi)\n"
	   "	addq $4096, %rsi\n"
	   "	decq %r9\n"
	   "	jnz 2b\n"
	   GUEST_PASS_END);

/* A dependency chain of plain ALU work: nothing here exits. */
GUEST_CODE(compute_guest, ".code64",
	   GUEST_PASS_BEGIN
	   "2:	addq %r9, %rax\n"
	   "	rolq $7, %rax\n"
	   "	xorq %r9, %rax\n"
	   "	decq %r9\n"
	   "	jnz 2b\n"
	   GUEST_PASS_END);

/*
 * Each acknowledgment (OUT to PORT_ACK) asks the host for the next
 * interrupt; the handler counts them. It acknowledges with interrupts on
 * and after the STI shadow (the NOP), so that the host finds the vCPU
 * ready for injection and the round trip is one exit and one injection.
 * It never returns: the stack is reset and the frame dropped.
 */
GUEST_CODE(irq_guest, ".code64",
	   GUEST_PASS_BEGIN
	   "	xorl %r10d, %r10d\n"
	   "	sti\n"
	   "	nop\n"
	   "	outb %al, $" __stringify(PORT_ACK) "\n"
	   "2:	jmp 2b\n"
	   "	.p2align 4\n"
	   "irq_guest_handler:\n"
	   "	movq $" __stringify(VM_STACK_TOP) ", %rsp\n"
	   "	incq %r10\n"
	   "	cmpq %r9, %r10\n"
	   "	jae 3f\n"
	   "	sti\n"
	   "	nop\n"
	   "	outb %al, $" __stringify(PORT_ACK) "\n"
	   "	jmp 2b\n"
	   "3:\n"
	   GUEST_PASS_END);
extern const unsigned char irq_guest_handler[];

struct params {
	__u64 count;		/* PARAM_COUNT: loop iterations */
	__u64 tsc;		/* PARAM_TSC: TSC delta of the loop */
	__u64 rax;		/* PARAM_RAX: a result to check */
};

static_assert(offsetof(struct params, tsc) == PARAM_TSC - PARAM_COUNT,
	      "PARAM_TSC");
static_assert(offsetof(struct params, rax) == PARAM_RAX - PARAM_COUNT,
	      "PARAM_RAX");

struct sample {
	double value;			/* per operation, in the metric's unit */
	unsigned long long iterations;
	unsigned long long guest_tsc;	/* 0: measured on the host */
	unsigned long long host_ns;
	unsigned long long user_exits;	/* KVM_RUN returns, timed part */
	long long guest_exits;		/* all VM exits, timed part; -1: n/a */
	long long anon_huge_kib;	/* THP backing the range; -1: n/a */
};

struct bench {
	struct kvm_dev dev;
	double scale;
	unsigned long fault_mib;
	bool quick;
	bool intel;
	int mmap_size;			/* KVM_GET_VCPU_MMAP_SIZE */
};

struct loop;

struct metric {
	const char *name;
	const char *unit;
	const char *what;
	unsigned long count;	/* operations per measurement */
	unsigned long quick;	/* with --quick */
	int (*measure)(struct bench *b, const struct metric *m,
		       unsigned long count, struct sample *s);
	/* Guest loops: the code (on Intel hosts intel_start if set). */
	const unsigned char *start, *end, *intel_start, *intel_end;
	int (*setup)(struct loop *l);
	int (*exit)(struct loop *l);	/* 0 re-enter, -1 failed */
	int (*check)(struct loop *l);	/* after the timed pass */
	bool first_touch;		/* fault-in: no warm-up, count pages */
	bool thp;			/* fault-in: huge pages wanted */
};

/* One guest-loop measurement in progress. */
struct loop {
	const struct metric *m;
	struct guest g;
	struct params *param;
	unsigned long long user_exits;
	unsigned long count;
	void *fault_map;		/* mmap'ed, FAULT_SLOT's backing */
	size_t fault_map_len;
	unsigned char *fault_mem;	/* 2 MiB-aligned in fault_map */
	int stats_fd;			/* the vCPU's KVM_GET_STATS_FD, or -1 */
	off_t exits_offset;		/* where "exits" is read in it */
};

static char error[256];

/* Record why the measurement failed; -1 for the caller to return. */
__printf(1, 2) static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error, sizeof(error), fmt, ap);
	va_end(ap);
	return -1;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static bool exit_is_out(const struct kvm_run *run, __u16 port)
{
	return run->exit_reason == KVM_EXIT_IO &&
	       run->io.direction == KVM_EXIT_IO_OUT && run->io.port == port;
}

static int unexpected_exit(struct loop *l)
{
	vcpu_dump_exit(&l->g.vcpu);
	return fail("unexpected %s (%u)",
		    kvm_exit_reason_name(l->g.vcpu.run->exit_reason),
		    l->g.vcpu.run->exit_reason);
}

static int pio_exit(struct loop *l)
{
	const struct kvm_run *run = l->g.vcpu.run;

	if (exit_is_out(run, PORT_PIO) && run->io.size == 1 &&
	    run->io.count == 1)
		return 0;
	return unexpected_exit(l);
}

static int mmio_exit(struct loop *l)
{
	const struct kvm_run *run = l->g.vcpu.run;

	if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.is_write &&
	    run->mmio.phys_addr == MMIO_GPA && run->mmio.len == 1)
		return 0;
	return unexpected_exit(l);
}

/*
 * Inject the next interrupt when the guest acknowledged the last one, or
 * once its interrupt window opens if it was not ready for one (a client
 * of the ABI must not inject then; the exit count shows the detour).
 */
static int irq_exit(struct loop *l)
{
	struct kvm_interrupt irq = { .irq = IRQ_VECTOR };
	struct kvm_run *run = l->g.vcpu.run;

	if (!exit_is_out(run, PORT_ACK) &&
	    run->exit_reason != KVM_EXIT_IRQ_WINDOW_OPEN)
		return unexpected_exit(l);
	if (!run->ready_for_interrupt_injection) {
		run->request_interrupt_window = 1;
		return 0;
	}
	run->request_interrupt_window = 0;
	if (ioctl(l->g.vcpu.fd, KVM_INTERRUPT, &irq))
		return fail("KVM_INTERRUPT: %s", strerror(errno));
	return 0;
}

/* An interrupt gate for IRQ_VECTOR (SDM vol. 3, "IDT Descriptors"). */
static int irq_setup(struct loop *l)
{
	__u64 handler = VM_CODE_GPA + (irq_guest_handler - irq_guest_start);
	struct kvm_sregs sregs;
	__u64 *gate;

	if (vcpu_get_sregs(&l->g.vcpu, &sregs))
		return fail("KVM_GET_SREGS: %s", strerror(errno));
	gate = vm_gpa_to_hva(&l->g.vm, sregs.idt.base + IRQ_VECTOR * 16, 16);
	if (!gate)
		return fail("no guest memory for the IDT");
	gate[0] = (handler & 0xffff) | (__u64)sregs.cs.selector << 16 |
		  0x8eULL << 40 | ((handler >> 16) & 0xffff) << 48;
	gate[1] = handler >> 32;
	sregs.idt.limit = IDT_LIMIT;
	if (vcpu_set_sregs(&l->g.vcpu, &sregs))
		return fail("KVM_SET_SREGS: %s", strerror(errno));
	return 0;
}

static int hypercall_check(struct loop *l)
{
	if (l->param->rax == HC_ENOSYS)
		return 0;
	return fail("unknown hypercall answered 0x%llx in RAX, want -1000 (-KVM_ENOSYS)",
		    (unsigned long long)l->param->rax);
}

/*
 * Fresh anonymous memory for FAULT_SLOT, 2 MiB-aligned so that THP can
 * back it with huge pages when asked, and kept from them otherwise.
 */
static int fault_setup(struct loop *l)
{
	size_t len = (size_t)l->count * PAGE_SIZE;
	uintptr_t hva;
	int ret;

	l->fault_map_len = len + HPAGE_SIZE;
	l->fault_map = mmap(NULL, l->fault_map_len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (l->fault_map == MAP_FAILED) {
		l->fault_map = NULL;
		return fail("mmap of %zu bytes: %s", l->fault_map_len,
			    strerror(errno));
	}
	hva = ((uintptr_t)l->fault_map + HPAGE_SIZE - 1) & ~(HPAGE_SIZE - 1);
	l->fault_mem = (unsigned char *)hva;
	if (madvise(l->fault_mem, len,
		    l->m->thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		return fail("madvise(%s): %s",
			    l->m->thp ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE",
			    strerror(errno));
	ret = vm_set_memory_region(&l->g.vm, FAULT_SLOT, 0, FAULT_GPA, len,
				   hva);
	if (ret)
		return fail("KVM_SET_USER_MEMORY_REGION of %zu bytes at 0x%x: %s",
			    len, FAULT_GPA, strerror(-ret));
	return 0;
}

/* Every page holds the guest's byte: the process saw each write. */
static int fault_check(struct loop *l)
{
	unsigned long i;

	for (i = 0; i < l->count; i++) {
		if (l->fault_mem[i * PAGE_SIZE] != 1)
			return fail("page %lu of the slot (gpa 0x%lx) lacks the guest's write",
				    i, FAULT_GPA + i * PAGE_SIZE);
	}
	return 0;
}

/* AnonHugePages of the whole process, in KiB, or -1. */
static long long anon_huge_kib(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	long long kib = -1;
	char line[128];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Run one pass of @count iterations, to the guest's PORT_DONE. */
static int run_pass(struct loop *l, unsigned long count)
{
	struct kvm_run *run = l->g.vcpu.run;
	int ret = 0, err;

	l->param->count = count;
	l->user_exits = 0;
	alarm(PASS_TIMEOUT);
	while (!ret) {
		if (ioctl(l->g.vcpu.fd, KVM_RUN, 0)) {
			err = errno;
			ret = err == EINTR ?
			      fail("a pass ran past %d s", PASS_TIMEOUT) :
			      fail("KVM_RUN: %s", strerror(err));
			break;
		}
		l->user_exits++;
		if (exit_is_out(run, PORT_DONE))
			break;
		ret = l->m->exit ? l->m->exit(l) : unexpected_exit(l);
	}
	alarm(0);
	return ret;
}

/*
 * The vCPU's "exits" counter, through KVM's binary statistics
 * (Documentation/virt/kvm/api.rst, "KVM_GET_STATS_FD"): both hypervisors
 * count every VM exit under that name, so a ratio can be explained by
 * the exits behind it. Returns false where the device has no such fd.
 */
static bool stats_open(struct loop *l)
{
	struct kvm_stats_header hdr;
	struct kvm_stats_desc *desc;
	size_t desc_size;
	bool found = false;
	__u32 i;

	l->stats_fd = ioctl(l->g.vcpu.fd, KVM_GET_STATS_FD, NULL);
	if (l->stats_fd < 0)
		return false;
	if (pread(l->stats_fd, &hdr, sizeof(hdr), 0) != sizeof(hdr))
		goto fail;
	desc_size = sizeof(*desc) + hdr.name_size;
	desc = malloc(desc_size);
	if (!desc)
		goto fail;
	for (i = 0; i < hdr.num_desc && !found; i++) {
		if (pread(l->stats_fd, desc, desc_size,
			  hdr.desc_offset + i * desc_size) != (ssize_t)desc_size)
			break;
		desc->name[hdr.name_size - 1] = '\0';
		found = !strcmp(desc->name, "exits");
		l->exits_offset = hdr.data_offset + desc->offset;
	}
	free(desc);
	if (found)
		return true;
fail:
	close(l->stats_fd);
	l->stats_fd = -1;
	return false;
}

static long long stats_exits(const struct loop *l)
{
	__u64 value;

	if (l->stats_fd < 0 ||
	    pread(l->stats_fd, &value, sizeof(value), l->exits_offset) !=
	    sizeof(value))
		return -1;
	return value;
}

static int loop_passes(struct loop *l, const struct metric *m,
		       struct sample *s)
{
	long long huge_before = -1, huge_after, exits_before;
	unsigned long long t;

	if (m->first_touch)
		huge_before = anon_huge_kib();
	else if (run_pass(l, 1 + l->count / 16))
		return -1;
	exits_before = stats_exits(l);
	t = now_ns();
	if (run_pass(l, l->count))
		return -1;
	s->host_ns = now_ns() - t;
	s->guest_exits = exits_before >= 0 ? stats_exits(l) - exits_before : -1;
	huge_after = huge_before >= 0 ? anon_huge_kib() : -1;
	if (huge_after >= 0)
		s->anon_huge_kib = huge_after - huge_before;
	s->guest_tsc = l->param->tsc;
	s->user_exits = l->user_exits;
	s->value = (double)s->guest_tsc / l->count;
	return m->check ? m->check(l) : 0;
}

static int measure_loop(struct bench *b, const struct metric *m,
			unsigned long count, struct sample *s)
{
	const unsigned char *start = m->start, *end = m->end;
	struct loop l = { .m = m, .count = count, .stats_fd = -1 };
	int ret;

	if (b->intel && m->intel_start) {
		start = m->intel_start;
		end = m->intel_end;
	}
	s->iterations = count;
	if (guest_create(&l.g, &b->dev, VCPU_MODE_LONG, start, end))
		return fail("no long-mode guest (see the diagnostics)");
	l.param = vm_gpa_to_hva(&l.g.vm, PARAM_COUNT, sizeof(*l.param));
	ret = l.param ? 0 : fail("no guest memory at 0x%x", VM_DATA_GPA);
	if (!ret && m->setup)
		ret = m->setup(&l);
	stats_open(&l);
	if (!ret)
		ret = loop_passes(&l, m, s);
	if (l.stats_fd >= 0)
		close(l.stats_fd);
	guest_destroy(&l.g);
	if (l.fault_map)
		munmap(l.fault_map, l.fault_map_len);
	return ret;
}

/* What a VMM does to start and stop the smallest VM. */
static int vm_vcpu_cycle(const struct bench *b)
{
	int vm, vcpu, ret = 0;
	void *run;

	vm = ioctl(b->dev.fd, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM: %s", strerror(errno));
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		ret = fail("KVM_CREATE_VCPU: %s", strerror(errno));
		goto out_vm;
	}
	run = mmap(NULL, b->mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu, 0);
	if (run == MAP_FAILED)
		ret = fail("mmap of the vCPU: %s", strerror(errno));
	else
		munmap(run, b->mmap_size);
	close(vcpu);
out_vm:
	close(vm);
	return ret;
}

static int measure_vm_create(struct bench *b, const struct metric *m,
			     unsigned long count, struct sample *s)
{
	unsigned long long t;
	unsigned long i;

	(void)m;
	if (vm_vcpu_cycle(b))		/* warm-up, untimed */
		return -1;
	t = now_ns();
	for (i = 0; i < count; i++)
		if (vm_vcpu_cycle(b))
			return -1;
	s->host_ns = now_ns() - t;
	s->iterations = count;
	s->value = (double)s->host_ns / count;
	return 0;
}

#define LOOP_METRIC(n, u, w, c, q, code, ...)				\
	{ .name = n, .unit = u, .what = w, .count = c, .quick = q,	\
	  .measure = measure_loop, .start = code##_start,		\
	  .end = code##_end, __VA_ARGS__ }

static const struct metric metrics[] = {
	LOOP_METRIC("cpuid", "cycles",
		    "guest CPUID loop: exit handled in the kernel",
		    10000, 10, cpuid_guest),
	LOOP_METRIC("hypercall", "cycles",
		    "guest VMMCALL (VMCALL on Intel) loop, unknown hypercall: handled in the kernel, -1000 in RAX",
		    10000, 10, vmmcall_guest,
		    .intel_start = vmcall_guest_start,
		    .intel_end = vmcall_guest_end,
		    .check = hypercall_check),
	LOOP_METRIC("pio", "cycles",
		    "guest OUT loop: exit to userspace and back",
		    5000, 10, pio_guest, .exit = pio_exit),
	LOOP_METRIC("mmio", "cycles",
		    "guest write to an unmapped GPA: MMIO exit to userspace and back",
		    5000, 10, mmio_guest, .exit = mmio_exit),
	LOOP_METRIC("irq", "cycles",
		    "KVM_INTERRUPT, guest handler acknowledges with an OUT",
		    2000, 10, irq_guest, .setup = irq_setup,
		    .exit = irq_exit),
	LOOP_METRIC("fault_thp", "cycles",
		    "guest writes one byte per 4 KiB page, fresh memory with MADV_HUGEPAGE",
		    0, 0, fault_guest, .setup = fault_setup,
		    .check = fault_check, .first_touch = true, .thp = true),
	LOOP_METRIC("fault_4k", "cycles",
		    "guest writes one byte per 4 KiB page, fresh memory with MADV_NOHUGEPAGE",
		    0, 0, fault_guest, .setup = fault_setup,
		    .check = fault_check, .first_touch = true),
	LOOP_METRIC("compute", "cycles",
		    "guest ALU loop with no exits, per iteration",
		    20000000, 1000, compute_guest),
	{ .name = "vm_create", .unit = "ns",
	  .what = "KVM_CREATE_VM, KVM_CREATE_VCPU, mmap of kvm_run, close both",
	  .count = 100, .quick = 3, .measure = measure_vm_create },
};

/* The fault-in metrics count pages: --fault-mib, not --scale. */
static unsigned long metric_count(const struct bench *b,
				  const struct metric *m)
{
	double n;

	if (m->first_touch)
		return b->fault_mib * (1024 * 1024 / PAGE_SIZE);
	n = (b->quick ? m->quick : m->count) * b->scale;
	return n < 1 ? 1 : (unsigned long)n;
}

/* @s as a JSON string: device paths are the only strings from outside. */
static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

static void print_head(const struct bench *b, const struct metric *m)
{
	printf("{\"device\":");
	print_json_string(b->dev.path);
	printf(",\"hypervisor\":\"%s\",\"metric\":\"%s\",\"unit\":\"%s\"",
	       b->dev.is_kvmlite ? "kvmlite" : "kvm", m->name, m->unit);
}

static void print_sample(const struct bench *b, const struct metric *m,
			 const struct sample *s)
{
	print_head(b, m);
	printf(",\"value\":%.2f,\"iterations\":%llu,\"host_ns\":%llu",
	       s->value, s->iterations, s->host_ns);
	if (m->measure == measure_loop)
		printf(",\"guest_tsc_delta\":%llu,\"user_exits\":%llu",
		       s->guest_tsc, s->user_exits);
	if (m->measure == measure_loop && s->guest_exits >= 0)
		printf(",\"guest_exits\":%lld", s->guest_exits);
	if (s->anon_huge_kib >= 0)
		printf(",\"anon_huge_kib\":%lld", s->anon_huge_kib);
	printf("}\n");
	fflush(stdout);
}

static void print_unavailable(const struct bench *b, const struct metric *m,
			      const char *key, const char *why)
{
	print_head(b, m);
	printf(",\"value\":null,\"%s\":", key);
	print_json_string(why);
	printf("}\n");
	fflush(stdout);
}

static bool host_is_intel(void)
{
	unsigned int eax, ebx, ecx, edx;

	/* "GenuineIntel": EBX, EDX, ECX of leaf 0. */
	return __get_cpuid(0, &eax, &ebx, &ecx, &edx) &&
	       ebx == 0x756e6547 && edx == 0x49656e69 && ecx == 0x6c65746e;
}

static __noreturn void print_usage(int status)
{
	unsigned int i;

	fprintf(status ? stderr : stdout,
		"usage: bench [-d DEVICE] [--quick] [--reps N] [--scale X] [--fault-mib N]\n"
		"             [--list] [METRIC...]\n"
		"One JSON object per measurement on stdout. METRIC (default all):\n");
	for (i = 0; i < ARRAY_SIZE(metrics); i++)
		fprintf(status ? stderr : stdout, "  %-10s %s\n",
			metrics[i].name, metrics[i].what);
	exit(status);
}

static const struct option options[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "quick", no_argument, NULL, 'q' },
	{ "reps", required_argument, NULL, 'r' },
	{ "scale", required_argument, NULL, 's' },
	{ "fault-mib", required_argument, NULL, 'f' },
	{ "list", no_argument, NULL, 'l' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

static unsigned long parse_count(const char *opt, const char *arg)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 0);
	if (errno || *end || !n || *arg == '-') {
		fprintf(stderr, "bench: %s wants a positive number, not '%s'\n",
			opt, arg);
		exit(2);
	}
	return n;
}

/* Options; returns a bitmap of the metrics named (all if none). */
static unsigned long parse_args(struct bench *b, unsigned int *reps,
				int argc, char **argv)
{
	unsigned long selected = 0, fault_mib = 0;
	unsigned int i;
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "d:", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			b->dev.path = optarg;
			break;
		case 'q':
			b->quick = true;
			break;
		case 'r':
			*reps = parse_count("--reps", optarg);
			break;
		case 's':
			b->scale = strtod(optarg, &end);
			if (*end || !(b->scale > 0))
				print_usage(2);
			break;
		case 'f':
			fault_mib = parse_count("--fault-mib", optarg);
			break;
		case 'l':
			for (i = 0; i < ARRAY_SIZE(metrics); i++)
				printf("%s %s\n", metrics[i].name,
				       metrics[i].unit);
			exit(0);
		case 'h':
			print_usage(0);
		default:
			print_usage(2);
		}
	}
	/* 256 MiB; 4 MiB for --quick, two huge pages. */
	b->fault_mib = fault_mib ? fault_mib : b->quick ? 4 : 256;
	for (; optind < argc; optind++) {
		for (i = 0; i < ARRAY_SIZE(metrics); i++)
			if (!strcmp(argv[optind], metrics[i].name))
				break;
		if (i == ARRAY_SIZE(metrics)) {
			fprintf(stderr, "bench: no metric '%s'\n",
				argv[optind]);
			print_usage(2);
		}
		selected |= BIT(i);
	}
	return selected ? selected : BIT(ARRAY_SIZE(metrics)) - 1;
}

/*
 * The device must create VMs, or every metric is unavailable (kvmlite's
 * VMX backend answers KVM_CREATE_VM with EOPNOTSUPP until issue 4).
 */
static int open_device(struct bench *b, unsigned long selected)
{
	const char *why = NULL;
	char buf[256];
	unsigned int i;
	int vm;

	b->dev.fd = open(b->dev.path, O_RDWR | O_CLOEXEC);
	if (b->dev.fd < 0) {
		snprintf(buf, sizeof(buf), "cannot open %s: %s", b->dev.path,
			 strerror(errno));
		why = buf;
	} else {
		b->dev.is_kvmlite = ioctl(b->dev.fd, KVM_CHECK_EXTENSION,
					  KVMLITE_CAP_INFO) > 0;
		b->mmap_size = ioctl(b->dev.fd, KVM_GET_VCPU_MMAP_SIZE, 0);
		vm = ioctl(b->dev.fd, KVM_CREATE_VM, 0);
		if (vm >= 0) {
			close(vm);
			return 0;
		}
		snprintf(buf, sizeof(buf), "KVM_CREATE_VM: %s",
			 strerror(errno));
		why = buf;
	}
	for (i = 0; i < ARRAY_SIZE(metrics); i++)
		if (selected & BIT(i))
			print_unavailable(b, &metrics[i], "skipped", why);
	return -1;
}

int main(int argc, char **argv)
{
	struct bench b = { .dev.path = KVMLITE_DEVICE_PATH, .scale = 1 };
	const struct metric *m;
	unsigned int reps = 1, rep, i;
	unsigned long selected;
	struct sample s;
	int status = 0;

	selected = parse_args(&b, &reps, argc, argv);
	if (open_device(&b, selected))
		return 4;
	b.intel = host_is_intel();
	for (rep = 0; rep < reps; rep++) {
		for (i = 0; i < ARRAY_SIZE(metrics); i++) {
			if (!(selected & BIT(i)))
				continue;
			m = &metrics[i];
			memset(&s, 0, sizeof(s));
			s.anon_huge_kib = -1;
			s.guest_exits = -1;
			if (m->measure(&b, m, metric_count(&b, m), &s)) {
				print_unavailable(&b, m, "error", error);
				status = 1;
			} else {
				print_sample(&b, m, &s);
			}
		}
	}
	return status;
}

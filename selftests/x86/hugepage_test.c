// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory backed by a transparent huge page: a hypervisor may map
 * the whole 2 MiB with one second-level entry, as KVM does. Whatever it
 * maps, the guest must keep seeing what the process has: after the
 * process changes one 4 KiB page inside the huge one (MADV_DONTNEED
 * splits it), after it writes the memory itself, after it replaces the
 * mapping with a fresh one.
 *
 * The guest checks the first qword of each of the 512 pages against
 * R8 + R11 * page (a page R9 names must read 0), reports the mismatches,
 * then stores R10 + page in each.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define DATA_SLOT	1
#define DATA_GPA	0x40000000ULL
#define HUGE_SIZE	0x200000UL
#define PAGES		512
#define PORT_MISMATCHES	0x60
#define HOLE		77	/* the page the process drops */
#define NO_HOLE		(~0ULL)

GUEST_CODE(huge_guest, ".code64",
	   "	movabs $" __stringify(DATA_GPA) ", %rsi\n"
	   "	xorl %ecx, %ecx\n"
	   "	xorl %edx, %edx\n"
	   "1:	movq %rcx, %rdi\n"
	   "	shlq $12, %rdi\n"
	   "	movq %rcx, %rax\n"
	   "	imulq %r11, %rax\n"
	   "	addq %r8, %rax\n"
	   "	cmpq %r9, %rcx\n"
	   "	jne 2f\n"
	   "	xorl %eax, %eax\n"
	   "2:	cmpq (%rsi, %rdi), %rax\n"
	   "	je 3f\n"
	   "	incl %edx\n"
	   "3:	leaq (%r10, %rcx), %rax\n"
	   "	movq %rax, (%rsi, %rdi)\n"
	   "	incq %rcx\n"
	   "	cmpq $" __stringify(PAGES) ", %rcx\n"
	   "	jne 1b\n"
	   "	movl %edx, %eax\n"
	   "	outl %eax, $" __stringify(PORT_MISMATCHES) "\n"
	   "	hlt\n");

static uint8_t *huge;	/* 2 MiB-aligned, HUGE_SIZE */

static uint64_t *page_qword(unsigned int page)
{
	return (uint64_t *)(huge + (size_t)page * 4096);
}

/* A fresh THP-eligible mapping at @at (or anywhere), aligned to 2 MiB. */
static uint8_t *map_huge(uint8_t *at)
{
	uint8_t *p;

	if (at) {
		p = mmap(at, HUGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	} else {
		p = mmap(NULL, 2 * HUGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			uint8_t *aligned = (uint8_t *)(((uintptr_t)p +
					HUGE_SIZE - 1) & ~(HUGE_SIZE - 1));

			munmap(p, aligned - p);
			munmap(aligned + HUGE_SIZE,
			       p + HUGE_SIZE - aligned);
			p = aligned;
		}
	}
	if (p == MAP_FAILED) {
		tap_diag("mmap: %s", strerror(errno));
		return NULL;
	}
	madvise(p, HUGE_SIZE, MADV_HUGEPAGE);	/* best effort */
	return p;
}

static void host_fill(uint64_t base)
{
	unsigned int i;

	for (i = 0; i < PAGES; i++)
		*page_qword(i) = base + i;
}

static unsigned int host_mismatches(uint64_t base)
{
	unsigned int i, bad = 0;

	for (i = 0; i < PAGES; i++)
		bad += *page_qword(i) != base + i;
	return bad;
}

/*
 * One guest pass: expect @expect + @step * page (0 at @hole), store
 * @store + page.
 */
static bool guest_pass(struct guest *g, uint64_t expect, uint64_t step,
		       uint64_t hole, uint64_t store)
{
	struct kvm_regs regs;
	uint32_t bad;
	void *io;

	if (vcpu_get_regs(&g->vcpu, &regs))
		return false;
	regs.rip = VM_CODE_GPA;
	regs.r8 = expect;
	regs.r9 = hole;
	regs.r10 = store;
	regs.r11 = step;
	if (vcpu_set_regs(&g->vcpu, &regs) || !vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_MISMATCHES, 4, 1))
		return false;
	io = vcpu_io_data(&g->vcpu);
	if (!io)
		return false;
	memcpy(&bad, io, sizeof(bad));
	if (bad)
		tap_diag("the guest found %u pages with the wrong value", bad);
	bad += host_mismatches(store);
	return !bad && vcpu_run_expect(&g->vcpu, KVM_EXIT_HLT);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	bool ok, created = false;
	struct guest g;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(5);
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	huge = map_huge(NULL);
	ok = created = huge && !guest_create(&g, &dev, VCPU_MODE_LONG,
					     huge_guest_start, huge_guest_end);
	if (ok) {
		host_fill(1000);
		ok = !vm_set_memory_region(&g.vm, DATA_SLOT, 0, DATA_GPA,
					   HUGE_SIZE, (uintptr_t)huge);
	}
	tap_result(ok && guest_pass(&g, 1000, 1, NO_HOLE, 5000),
		   "the guest reads the process's 512 pages and writes them");

	ok = ok && !madvise(huge + HOLE * 4096, 4096, MADV_DONTNEED);
	tap_result(ok && guest_pass(&g, 5000, 1, HOLE, 9000),
		   "one 4 KiB page dropped from the huge page: the guest reads zeros there only");

	if (ok)
		host_fill(20000);
	tap_result(ok && guest_pass(&g, 20000, 1, NO_HOLE, 30000),
		   "the process writes all pages: the guest sees every write");

	ok = ok && map_huge(huge) == huge;
	if (ok)
		host_fill(40000);
	tap_result(ok && guest_pass(&g, 40000, 1, NO_HOLE, 50000),
		   "a fresh mapping in place of the old: the guest sees the new memory");

	ok = ok && !madvise(huge, HUGE_SIZE, MADV_DONTNEED);
	tap_result(ok && guest_pass(&g, 0, 0, NO_HOLE, 60000),
		   "the whole range dropped: the guest reads zeros");

	if (created)
		guest_destroy(&g);
	return tap_finish();
}

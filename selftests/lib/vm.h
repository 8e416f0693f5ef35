/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small guest-side library over the raw KVM ioctls: VMs, memslots,
 * vCPUs, the three x86 modes a test guest starts in, and checks of the
 * exits it makes. It speaks only <linux/kvm.h>, so the same test runs on
 * /dev/kvm (the oracle) and /dev/kvmlite.
 *
 * Conventions: setup functions return 0 or -errno and print a TAP
 * diagnostic naming the failed ioctl; run and check functions return true
 * when the vCPU did what the test expected and otherwise print what it did
 * (exit reason, rip, I/O or MMIO details). Neither exits the program, so
 * one broken case does not hide the others. A create that fails cleans up
 * after itself, and the matching destroy is then harmless.
 *
 * Guest physical memory of a guest made by guest_create() (slot 0):
 *
 *   0x00000  real-mode IVT area (unused)
 *   0x01000  GDT
 *   0x02000  IDT (long mode)
 *   0x03000  page tables: identity map of the low 4 GiB in 2 MiB pages
 *   0x09000  exception stubs (long mode)
 *   0x10000  the test's guest code (VM_CODE_GPA), growing up
 *   0x20000  top of the stack (VM_STACK_TOP), growing down
 *   0x20000  free for test data (VM_DATA_GPA) up to VM_SYS_SIZE
 */
#ifndef KVMLITE_VM_H
#define KVMLITE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/kvm.h>
#include "kvm_dev.h"

#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

/* Plain numbers: guest assembly uses them through __stringify(). */
#define VM_SYS_GPA		0x0
#define VM_SYS_SIZE		0x200000
#define VM_CODE_GPA		0x10000
#define VM_STACK_TOP		0x20000
#define VM_DATA_GPA		0x20000
/* Guest-virtual == guest-physical below this in long mode. */
#define VM_IDENTITY_MAP_SIZE	0x100000000
/*
 * In long mode every exception lands in a stub that reports it here with
 * "out %eax, %dx": eax = vector, rbx = error code (0 if the CPU pushes
 * none), rcx = rip of the exception frame, rsi = cr2. Then it halts.
 */
#define VM_PORT_EXCEPTION	0xfff0

/* Seconds a vCPU may run without exiting before vcpu_run() gives up. */
#define VCPU_RUN_TIMEOUT	20

#define VM_MAX_SLOTS		8

/*
 * The system structures vcpu_set_mode() writes in every mode, for guests
 * that switch modes themselves: the GDT (limit VM_GDT_SIZE - 1) with its
 * flat selectors, and identity-mapping page tables for 4-level and PAE
 * paging.
 */
#define VM_GDT_GPA		0x1000
#define VM_GDT_SIZE		0x20
#define VM_SEL_CODE32		0x08
#define VM_SEL_DATA		0x10
#define VM_SEL_CODE64		0x18
#define VM_PML4_GPA		0x3000
#define VM_PAE_PDPT_GPA		0xa000

/*
 * Guest code in a top-level asm() block: the bytes from name##_start to
 * name##_end, assembled in @mode (".code16", ".code32" or ".code64").
 * They live in .rodata: the host never runs them, it copies them into
 * guest memory. The code must be position-independent, or address its
 * data as VM_CODE_GPA + (label - name##_start) when loaded there.
 */
#define GUEST_CODE(name, mode, body)					\
	extern const unsigned char name##_start[], name##_end[];	\
	asm(".pushsection .rodata, \"a\"\n"				\
	    "\t" mode "\n"						\
	    "\t.p2align 4\n"						\
	    #name "_start:\n"						\
	    body							\
	    #name "_end:\n"						\
	    "\t.code64\n"						\
	    ".popsection\n")

enum vcpu_mode {
	VCPU_MODE_REAL,		/* every segment VM_CODE_GPA >> 4 */
	VCPU_MODE_PROT32,	/* flat 4 GiB segments, no paging */
	VCPU_MODE_PAE,		/* the same with PAE paging, identity-mapped */
	VCPU_MODE_LONG,		/* 64-bit, identity-mapped, IDT to the stubs */
};

struct vm_slot {
	__u32 slot;
	__u64 gpa;
	__u64 size;
	void *hva;
};

struct vm {
	const struct kvm_dev *dev;
	int fd;
	unsigned int nr_slots;
	struct vm_slot slots[VM_MAX_SLOTS];	/* added by vm_add_memory() */
};

struct vcpu {
	struct vm *vm;
	int fd;
	struct kvm_run *run;
	size_t run_size;	/* KVM_GET_VCPU_MMAP_SIZE */
};

/* A VM with its system memory, one vCPU and the test's code loaded. */
struct guest {
	struct vm vm;
	struct vcpu vcpu;
	void *mem;		/* host address of guest physical 0 */
};

int vm_create(struct vm *vm, const struct kvm_dev *dev);
void vm_destroy(struct vm *vm);
/* Skip the whole test, before its plan, if @dev cannot create a VM. */
void vm_skip_unless_supported(const struct kvm_dev *dev);
/* KVM_CHECK_EXTENSION on the VM fd: the value, or -errno. */
long vm_check_extension(const struct vm *vm, long cap);
/* The bare KVM_SET_USER_MEMORY_REGION: 0 or -errno, no diagnostic. */
int vm_set_memory_region(const struct vm *vm, __u32 slot, __u32 flags,
			 __u64 gpa, __u64 size, __u64 hva);
/* Fresh anonymous memory as a memslot: its host address, or NULL (errno). */
void *vm_add_memory(struct vm *vm, __u32 slot, __u32 flags, __u64 gpa,
		    __u64 size);
/* Host address of [gpa, gpa + len) in one added slot, or NULL. */
void *vm_gpa_to_hva(const struct vm *vm, __u64 gpa, __u64 len);
/* Copy guest code (or data) from [start, end) to guest physical @gpa. */
int vm_load(const struct vm *vm, __u64 gpa, const void *start,
	    const void *end);

int vcpu_create(struct vcpu *vcpu, struct vm *vm, unsigned int id);
void vcpu_destroy(struct vcpu *vcpu);
int vcpu_get_regs(const struct vcpu *vcpu, struct kvm_regs *regs);
int vcpu_set_regs(const struct vcpu *vcpu, const struct kvm_regs *regs);
int vcpu_get_sregs(const struct vcpu *vcpu, struct kvm_sregs *sregs);
int vcpu_set_sregs(const struct vcpu *vcpu, const struct kvm_sregs *sregs);
/*
 * The guest's CPUID as KVM_GET_SUPPORTED_CPUID offers it: KVM checks
 * guest features against it (EFER.LME needs long mode there).
 */
int vcpu_set_supported_cpuid(const struct vcpu *vcpu);
/*
 * Put the vCPU in @mode at guest physical @entry (in real mode within
 * 64 KiB above VM_CODE_GPA) with the stack at VM_STACK_TOP, rflags 0x2
 * and all other general registers zero. Writes the GDT, and for long mode
 * the page tables, IDT and exception stubs, into slot memory at 0.
 */
int vcpu_set_mode(struct vcpu *vcpu, enum vcpu_mode mode, __u64 entry);

/* KVM_RUN once; false if it failed or ran past VCPU_RUN_TIMEOUT. */
bool vcpu_run(struct vcpu *vcpu);
/* The last exit was @reason; otherwise describe it. */
bool vcpu_check_exit(struct vcpu *vcpu, __u32 reason);
/* The last exit was KVM_EXIT_IO with these values; count 0 takes any. */
bool vcpu_check_io(struct vcpu *vcpu, __u8 direction, __u16 port,
		   __u8 size, __u32 count);
/* The last exit was KVM_EXIT_MMIO with these values. */
bool vcpu_check_mmio(struct vcpu *vcpu, __u64 phys_addr, __u32 len,
		     bool is_write);
/* vcpu_run() and vcpu_check_exit(). */
bool vcpu_run_expect(struct vcpu *vcpu, __u32 reason);
/* The data of the last KVM_EXIT_IO, or NULL if it lies outside kvm_run. */
void *vcpu_io_data(struct vcpu *vcpu);
/* TAP diagnostics: the last exit, its reason, rip and details. */
void vcpu_dump_exit(struct vcpu *vcpu);
const char *kvm_exit_reason_name(__u32 reason);

/*
 * A VM with VM_SYS_SIZE bytes of memory at 0 (slot 0), the code from
 * [start, end) at VM_CODE_GPA and vCPU 0 in @mode entering it.
 */
int guest_create(struct guest *g, const struct kvm_dev *dev,
		 enum vcpu_mode mode, const void *start, const void *end);
void guest_destroy(struct guest *g);

#endif /* KVMLITE_VM_H */

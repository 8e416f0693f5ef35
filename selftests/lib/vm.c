// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tap.h"
#include "vm.h"

/* Where vcpu_set_mode() puts the system structures (see vm.h). */
#define VM_IDT_GPA		0x2000
#define VM_PDPT_GPA		0x4000
#define VM_PD_GPA		0x5000	/* four pages, one per GiB */
#define VM_STUBS_GPA		0x9000
#define VM_STUBS_END		0xa000

#define PAGE_SIZE		0x1000
#define HUGE_PAGE_SIZE		0x200000ull
#define NR_EXCEPTIONS		32
#define STUB_SIZE		16	/* .p2align 4 in the stubs below */

#define GDT_CODE32		VM_SEL_CODE32
#define GDT_DATA		VM_SEL_DATA
#define GDT_CODE64		VM_SEL_CODE64

#define SEG_TYPE_DATA_RW	0x3	/* read/write, accessed */
#define SEG_TYPE_CODE_RX	0xb	/* execute/read, accessed */
#define SEG_TYPE_TSS_BUSY	0xb
#define SEG_TYPE_LDT		0x2
#define GATE_INTR64		0xe

#define CR0_PE			BIT(0)
#define CR0_ET			BIT(4)
#define CR0_NE			BIT(5)
#define CR0_WP			BIT(16)
#define CR0_PG			BIT(31)
#define CR4_PAE			BIT(5)
#define EFER_LME		BIT(8)
#define EFER_LMA		BIT(10)

#define PTE_P			BIT_ULL(0)
#define PTE_RW			BIT_ULL(1)
#define PTE_PS			BIT_ULL(7)

/*
 * One stub per exception vector, 16 bytes apart, so that IDT entry n
 * points at VM_STUBS_GPA + 16 * n. A stub makes every frame look alike
 * (a zero where the CPU pushes no error code, then the vector) and joins
 * the common tail, which reports the exception on VM_PORT_EXCEPTION and
 * halts for good: a test sees an I/O exit it did not expect, and
 * vcpu_dump_exit() names the exception.
 */
GUEST_CODE(vm_exc_stubs, ".code64",
	   "	.macro exc_stub vector\n"
	   "	.p2align 4\n"
	   /* The vectors with an error code: SDM vol. 3, table 6-1. */
	   "	.if \\vector == 8 || (\\vector >= 10 && \\vector <= 14) || \\vector == 17 || \\vector == 21 || \\vector == 29 || \\vector == 30\n"
	   "	.else\n"
	   "	pushq $0\n"
	   "	.endif\n"
	   "	pushq $\\vector\n"
	   "	jmp 1f\n"
	   "	.endm\n"
	   "	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	   "	exc_stub \\v\n"
	   "	.endr\n"
	   "1:	popq %rax\n"			/* vector */
	   "	popq %rbx\n"			/* error code */
	   "	movq (%rsp), %rcx\n"		/* rip of the frame */
	   "	movq %cr2, %rsi\n"
	   "	movw $" __stringify(VM_PORT_EXCEPTION) ", %dx\n"
	   "	outl %eax, %dx\n"
	   "2:	hlt\n"
	   "	jmp 2b\n");

static const char * const exit_reason_names[] = {
	[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
	[KVM_EXIT_IO] = "KVM_EXIT_IO",
	[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
	[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
	[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
	[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
	[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
	[KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS",
	[KVM_EXIT_NMI] = "KVM_EXIT_NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
	[KVM_EXIT_WATCHDOG] = "KVM_EXIT_WATCHDOG",
	[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "KVM_EXIT_IOAPIC_EOI",
	[KVM_EXIT_HYPERV] = "KVM_EXIT_HYPERV",
	[KVM_EXIT_X86_RDMSR] = "KVM_EXIT_X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "KVM_EXIT_X86_WRMSR",
	[KVM_EXIT_DIRTY_RING_FULL] = "KVM_EXIT_DIRTY_RING_FULL",
	[KVM_EXIT_AP_RESET_HOLD] = "KVM_EXIT_AP_RESET_HOLD",
	[KVM_EXIT_X86_BUS_LOCK] = "KVM_EXIT_X86_BUS_LOCK",
	[KVM_EXIT_XEN] = "KVM_EXIT_XEN",
	[KVM_EXIT_NOTIFY] = "KVM_EXIT_NOTIFY",
};

static const char * const exception_names[NR_EXCEPTIONS] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "",
	"#TS", "#NP", "#SS", "#GP", "#PF", "", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP", "", "", "", "", "", "", "#HV", "#VC", "#SX", "",
};

const char *kvm_exit_reason_name(__u32 reason)
{
	if (reason < ARRAY_SIZE(exit_reason_names) &&
	    exit_reason_names[reason])
		return exit_reason_names[reason];
	return "unknown exit reason";
}

/* An ioctl's result, with a diagnostic naming it and errno on failure. */
static int check_ioctl(int ret, const char *name)
{
	int err = errno;

	if (ret >= 0)
		return ret;
	tap_diag("%s failed: %s (errno %d)", name, strerror(err), err);
	return -err;
}

#define checked_ioctl(fd, req, arg)	check_ioctl(ioctl(fd, req, arg), #req)

int vm_create(struct vm *vm, const struct kvm_dev *dev)
{
	int fd;

	memset(vm, 0, sizeof(*vm));
	vm->dev = dev;
	vm->fd = -1;
	fd = checked_ioctl(dev->fd, KVM_CREATE_VM, 0);
	if (fd < 0)
		return fd;
	vm->fd = fd;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	unsigned int i;

	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
	for (i = 0; i < vm->nr_slots; i++)
		munmap(vm->slots[i].hva, vm->slots[i].size);
	vm->nr_slots = 0;
}

void vm_skip_unless_supported(const struct kvm_dev *dev)
{
	char why[256];
	int fd = ioctl(dev->fd, KVM_CREATE_VM, 0);

	if (fd >= 0) {
		close(fd);
		return;
	}
	snprintf(why, sizeof(why), "KVM_CREATE_VM on %s: %s", dev->path,
		 strerror(errno));
	tap_skip_all(why);
}

long vm_check_extension(const struct vm *vm, long cap)
{
	long ret = ioctl(vm->fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? -errno : ret;
}

int vm_set_memory_region(const struct vm *vm, __u32 slot, __u32 flags,
			 __u64 gpa, __u64 size, __u64 hva)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = hva,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) ? -errno : 0;
}

void *vm_add_memory(struct vm *vm, __u32 slot, __u32 flags, __u64 gpa,
		    __u64 size)
{
	struct vm_slot *s;
	void *hva;
	int ret;

	if (vm->nr_slots == VM_MAX_SLOTS) {
		tap_diag("%s: more than %d slots", __func__, VM_MAX_SLOTS);
		errno = ENOSPC;
		return NULL;
	}
	hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (hva == MAP_FAILED) {
		tap_diag("mmap of 0x%llx bytes for slot %u: %s",
			 (unsigned long long)size, slot, strerror(errno));
		return NULL;
	}
	ret = vm_set_memory_region(vm, slot, flags, gpa, size,
				   (unsigned long)hva);
	if (ret) {
		tap_diag("KVM_SET_USER_MEMORY_REGION, slot %u at 0x%llx: %s (errno %d)",
			 slot, (unsigned long long)gpa, strerror(-ret), -ret);
		munmap(hva, size);
		errno = -ret;
		return NULL;
	}
	s = &vm->slots[vm->nr_slots++];
	s->slot = slot;
	s->gpa = gpa;
	s->size = size;
	s->hva = hva;
	return hva;
}

void *vm_gpa_to_hva(const struct vm *vm, __u64 gpa, __u64 len)
{
	const struct vm_slot *s;
	unsigned int i;

	for (i = 0; i < vm->nr_slots; i++) {
		s = &vm->slots[i];
		if (gpa >= s->gpa && len <= s->size &&
		    gpa - s->gpa <= s->size - len)
			return (char *)s->hva + (gpa - s->gpa);
	}
	tap_diag("guest physical 0x%llx (%llu bytes) is in no slot of ours",
		 (unsigned long long)gpa, (unsigned long long)len);
	return NULL;
}

int vm_load(const struct vm *vm, __u64 gpa, const void *start,
	    const void *end)
{
	size_t len = (const char *)end - (const char *)start;
	void *hva = vm_gpa_to_hva(vm, gpa, len);

	if (!hva)
		return -EFAULT;
	memcpy(hva, start, len);
	return 0;
}

/*
 * Without a handler SIGALRM would kill the test; with one, KVM_RUN
 * returns -EINTR and vcpu_run() reports a guest that never exits.
 */
static void vcpu_alarm(int sig)
{
	(void)sig;
}

int vcpu_create(struct vcpu *vcpu, struct vm *vm, unsigned int id)
{
	struct sigaction sa = { .sa_handler = vcpu_alarm };
	int size, fd, err;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->fd = -1;
	vcpu->run = MAP_FAILED;
	if (sigaction(SIGALRM, &sa, NULL))
		return -errno;
	size = checked_ioctl(vm->dev->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return size;
	if ((size_t)size < sizeof(struct kvm_run)) {
		tap_diag("KVM_GET_VCPU_MMAP_SIZE %d is smaller than kvm_run",
			 size);
		return -EINVAL;
	}
	fd = checked_ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (fd < 0)
		return fd;
	vcpu->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 0);
	if (vcpu->run == MAP_FAILED) {
		err = errno;
		tap_diag("mmap of the vCPU fd (%d bytes): %s", size,
			 strerror(err));
		close(fd);
		return -err;
	}
	vcpu->fd = fd;
	vcpu->run_size = size;
	return 0;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run != MAP_FAILED)
		munmap(vcpu->run, vcpu->run_size);
	vcpu->run = MAP_FAILED;
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->fd = -1;
}

int vcpu_get_regs(const struct vcpu *vcpu, struct kvm_regs *regs)
{
	return checked_ioctl(vcpu->fd, KVM_GET_REGS, regs);
}

int vcpu_set_regs(const struct vcpu *vcpu, const struct kvm_regs *regs)
{
	return checked_ioctl(vcpu->fd, KVM_SET_REGS, regs);
}

int vcpu_get_sregs(const struct vcpu *vcpu, struct kvm_sregs *sregs)
{
	return checked_ioctl(vcpu->fd, KVM_GET_SREGS, sregs);
}

int vcpu_set_sregs(const struct vcpu *vcpu, const struct kvm_sregs *sregs)
{
	return checked_ioctl(vcpu->fd, KVM_SET_SREGS, sregs);
}

/* KVM's limit on a CPUID table. */
#define CPUID_MAX_ENTRIES	256

int vcpu_set_supported_cpuid(const struct vcpu *vcpu)
{
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 entries[CPUID_MAX_ENTRIES];
	} cpuid = { .hdr.nent = CPUID_MAX_ENTRIES };

	if (ioctl(vcpu->vm->dev->fd, KVM_GET_SUPPORTED_CPUID, &cpuid)) {
		tap_diag("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		return -errno;
	}
	return checked_ioctl(vcpu->fd, KVM_SET_CPUID2, &cpuid);
}

/* A flat 4 GiB segment of @type (SDM vol. 3, 3.4.5 "Segment Descriptors"). */
static struct kvm_segment flat_segment(__u16 selector, __u8 type, bool code64)
{
	struct kvm_segment seg = {
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.s = 1,
		.db = !code64,
		.l = code64,
		.g = 1,
	};

	return seg;
}

/* The 8-byte GDT descriptor of @seg, which KVM_SET_SREGS loads directly. */
static __u64 gdt_descriptor(const struct kvm_segment *seg)
{
	__u64 limit = seg->g ? seg->limit >> 12 : seg->limit;

	return (limit & 0xffff) | (seg->base & 0xffffff) << 16 |
	       (__u64)seg->type << 40 | (__u64)seg->s << 44 |
	       (__u64)seg->dpl << 45 | (__u64)seg->present << 47 |
	       ((limit >> 16) & 0xf) << 48 | (__u64)seg->avl << 52 |
	       (__u64)seg->l << 53 | (__u64)seg->db << 54 |
	       (__u64)seg->g << 55 | ((seg->base >> 24) & 0xff) << 56;
}

static int write_gdt(const struct vm *vm, const struct kvm_segment *code32,
		     const struct kvm_segment *data,
		     const struct kvm_segment *code64)
{
	__u64 *gdt = vm_gpa_to_hva(vm, VM_GDT_GPA, VM_GDT_SIZE);

	if (!gdt)
		return -EFAULT;
	gdt[0] = 0;
	gdt[GDT_CODE32 / 8] = gdt_descriptor(code32);
	gdt[GDT_DATA / 8] = gdt_descriptor(data);
	gdt[GDT_CODE64 / 8] = gdt_descriptor(code64);
	return 0;
}

/*
 * Identity map of the low 4 GiB with 2 MiB pages: one PML4 entry, four
 * PDPT entries, four page directories (SDM vol. 3, 4.5 "4-Level Paging").
 * The same page directories serve PAE paging, under their own PDPT whose
 * entries have no R/W bit: it is reserved there (SDM vol. 3, 4.4.1 "PDPTE
 * Registers").
 */
static int write_page_tables(const struct vm *vm)
{
	__u64 *pml4 = vm_gpa_to_hva(vm, VM_PML4_GPA, PAGE_SIZE);
	__u64 *pdpt = vm_gpa_to_hva(vm, VM_PDPT_GPA, PAGE_SIZE);
	__u64 *pae_pdpt = vm_gpa_to_hva(vm, VM_PAE_PDPT_GPA, 4 * 8);
	__u64 *pd = vm_gpa_to_hva(vm, VM_PD_GPA, 4 * PAGE_SIZE);
	unsigned int i;

	if (!pml4 || !pdpt || !pae_pdpt || !pd)
		return -EFAULT;
	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	pml4[0] = VM_PDPT_GPA | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++) {
		pdpt[i] = (VM_PD_GPA + i * PAGE_SIZE) | PTE_P | PTE_RW;
		pae_pdpt[i] = (VM_PD_GPA + i * PAGE_SIZE) | PTE_P;
	}
	for (i = 0; i < VM_IDENTITY_MAP_SIZE / HUGE_PAGE_SIZE; i++)
		pd[i] = i * HUGE_PAGE_SIZE | PTE_P | PTE_RW | PTE_PS;
	return 0;
}

/* 64-bit interrupt gates to the stubs (SDM vol. 3, 6.14.1). */
static int write_idt(const struct vm *vm)
{
	__u64 *idt = vm_gpa_to_hva(vm, VM_IDT_GPA, NR_EXCEPTIONS * 16);
	unsigned int i;
	__u64 stub;
	int ret;

	if (!idt)
		return -EFAULT;
	if (vm_exc_stubs_end - vm_exc_stubs_start >
	    VM_STUBS_END - VM_STUBS_GPA) {
		tap_diag("exception stubs overflow their page");
		return -E2BIG;
	}
	ret = vm_load(vm, VM_STUBS_GPA, vm_exc_stubs_start, vm_exc_stubs_end);
	if (ret)
		return ret;
	for (i = 0; i < NR_EXCEPTIONS; i++) {
		stub = VM_STUBS_GPA + i * STUB_SIZE;
		idt[2 * i] = (stub & 0xffff) | (__u64)GDT_CODE64 << 16 |
			     (__u64)GATE_INTR64 << 40 | 1ull << 47 |
			     ((stub >> 16) & 0xffff) << 48;
		idt[2 * i + 1] = stub >> 32;
	}
	return 0;
}

int vcpu_set_mode(struct vcpu *vcpu, enum vcpu_mode mode, __u64 entry)
{
	struct kvm_segment code32 = flat_segment(GDT_CODE32, SEG_TYPE_CODE_RX,
						 false);
	struct kvm_segment data = flat_segment(GDT_DATA, SEG_TYPE_DATA_RW,
					       false);
	struct kvm_segment code64 = flat_segment(GDT_CODE64, SEG_TYPE_CODE_RX,
						 true);
	struct kvm_regs regs = { .rflags = 0x2, .rip = entry,
				 .rsp = VM_STACK_TOP };
	struct kvm_segment real;
	struct kvm_sregs sregs;
	int ret;

	ret = vcpu_get_sregs(vcpu, &sregs);
	if (!ret)
		ret = write_gdt(vcpu->vm, &code32, &data, &code64);
	if (ret)
		return ret;

	sregs.gdt.base = VM_GDT_GPA;
	sregs.gdt.limit = VM_GDT_SIZE - 1;
	/*
	 * No IDT outside long mode: an exception there escalates to a triple
	 * fault, which the test sees as KVM_EXIT_SHUTDOWN.
	 */
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	/*
	 * VM entry wants a busy TSS in TR (SDM vol. 3, 26.3.1.2 "Checks on
	 * Guest Segment Registers"), though the guest never switches tasks.
	 */
	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.limit = 0xffff;
	sregs.tr.type = SEG_TYPE_TSS_BUSY;
	sregs.tr.present = 1;
	memset(&sregs.ldt, 0, sizeof(sregs.ldt));
	sregs.ldt.limit = 0xffff;
	sregs.ldt.type = SEG_TYPE_LDT;
	sregs.ldt.present = 1;
	sregs.cr4 = 0;
	sregs.efer = 0;
	/* Every mode gets them, for guests that turn paging on themselves. */
	ret = write_page_tables(vcpu->vm);
	if (ret)
		return ret;

	switch (mode) {
	case VCPU_MODE_REAL:
		if (entry < VM_CODE_GPA || entry - VM_CODE_GPA > 0xffff) {
			tap_diag("real-mode entry 0x%llx is outside 0x%x..0x%x",
				 (unsigned long long)entry, VM_CODE_GPA,
				 VM_CODE_GPA + 0xffff);
			return -EINVAL;
		}
		real = (struct kvm_segment){
			.base = VM_CODE_GPA,
			.limit = 0xffff,
			.selector = VM_CODE_GPA >> 4,
			.type = SEG_TYPE_DATA_RW,
			.present = 1,
			.s = 1,
		};
		sregs.ds = real;
		sregs.es = real;
		sregs.fs = real;
		sregs.gs = real;
		sregs.ss = real;
		real.type = SEG_TYPE_CODE_RX;
		sregs.cs = real;
		sregs.cr0 = CR0_ET | CR0_NE;
		regs.rip = entry - VM_CODE_GPA;
		/* SP 0: the first push wraps to 0xfffe, just below the top. */
		regs.rsp = (VM_STACK_TOP - VM_CODE_GPA) & 0xffff;
		break;
	case VCPU_MODE_PROT32:
		sregs.cs = code32;
		sregs.ds = data;
		sregs.es = data;
		sregs.fs = data;
		sregs.gs = data;
		sregs.ss = data;
		sregs.cr0 = CR0_PE | CR0_ET | CR0_NE;
		break;
	case VCPU_MODE_PAE:
		sregs.cs = code32;
		sregs.ds = data;
		sregs.es = data;
		sregs.fs = data;
		sregs.gs = data;
		sregs.ss = data;
		sregs.cr3 = VM_PAE_PDPT_GPA;
		sregs.cr4 = CR4_PAE;
		sregs.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
		break;
	case VCPU_MODE_LONG:
		ret = write_idt(vcpu->vm);
		if (ret)
			return ret;
		sregs.idt.base = VM_IDT_GPA;
		sregs.idt.limit = NR_EXCEPTIONS * 16 - 1;
		sregs.cs = code64;
		sregs.ds = data;
		sregs.es = data;
		sregs.fs = data;
		sregs.gs = data;
		sregs.ss = data;
		sregs.cr3 = VM_PML4_GPA;
		sregs.cr4 = CR4_PAE;
		sregs.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
		sregs.efer = EFER_LME | EFER_LMA;
		break;
	}

	ret = vcpu_set_sregs(vcpu, &sregs);
	if (!ret)
		ret = vcpu_set_regs(vcpu, &regs);
	return ret;
}

bool vcpu_run(struct vcpu *vcpu)
{
	int ret, err;

	alarm(VCPU_RUN_TIMEOUT);
	ret = ioctl(vcpu->fd, KVM_RUN, 0);
	err = errno;
	alarm(0);
	if (!ret)
		return true;
	if (err == EINTR)
		tap_diag("KVM_RUN: the guest ran %d s without exiting",
			 VCPU_RUN_TIMEOUT);
	else
		tap_diag("KVM_RUN failed: %s (errno %d)", strerror(err), err);
	return false;
}

void *vcpu_io_data(struct vcpu *vcpu)
{
	const struct kvm_run *run = vcpu->run;
	__u64 len = (__u64)run->io.size * run->io.count;

	if (run->io.data_offset < sizeof(*run) ||
	    run->io.data_offset > vcpu->run_size ||
	    len > vcpu->run_size - run->io.data_offset) {
		tap_diag("I/O data (%llu bytes at offset %llu) beyond the %zu-byte kvm_run",
			 (unsigned long long)len,
			 (unsigned long long)run->io.data_offset, vcpu->run_size);
		return NULL;
	}
	return (char *)vcpu->run + run->io.data_offset;
}

static void dump_bytes(const char *what, const __u8 *data, unsigned int len)
{
	char hex[3 * 64 + 1] = "";
	unsigned int i;

	for (i = 0; i < len && i < 64; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, " %02x", data[i]);
	tap_diag("  %s:%s%s", what, hex, len > 64 ? " ..." : "");
}

static void dump_io(struct vcpu *vcpu, const struct kvm_regs *regs)
{
	const struct kvm_run *run = vcpu->run;
	unsigned int vector = regs->rax & 0xff;
	const __u8 *data;

	tap_diag("  %s port 0x%x, size %u, count %u, data offset %llu",
		 run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
		 run->io.port, run->io.size, run->io.count,
		 (unsigned long long)run->io.data_offset);
	if (run->io.direction == KVM_EXIT_IO_IN)
		return;
	if (run->io.port == VM_PORT_EXCEPTION && vector < NR_EXCEPTIONS)
		tap_diag("  guest %s (vector %u) at rip 0x%llx, error code 0x%llx, cr2 0x%llx",
			 exception_names[vector], vector,
			 (unsigned long long)regs->rcx,
			 (unsigned long long)regs->rbx,
			 (unsigned long long)regs->rsi);
	data = vcpu_io_data(vcpu);
	if (data)
		dump_bytes("data", data, run->io.size * run->io.count);
}

void vcpu_dump_exit(struct vcpu *vcpu)
{
	const struct kvm_run *run = vcpu->run;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	__u32 i;

	if (vcpu_get_regs(vcpu, &regs) || vcpu_get_sregs(vcpu, &sregs))
		return;
	tap_diag("exit %s (%u) at rip 0x%llx, cs base 0x%llx, rsp 0x%llx",
		 kvm_exit_reason_name(run->exit_reason), run->exit_reason,
		 (unsigned long long)regs.rip,
		 (unsigned long long)sregs.cs.base,
		 (unsigned long long)regs.rsp);
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		dump_io(vcpu, &regs);
		break;
	case KVM_EXIT_MMIO:
		tap_diag("  mmio %s at 0x%llx, len %u",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr,
			 run->mmio.len);
		if (run->mmio.is_write)
			dump_bytes("data", run->mmio.data,
				   run->mmio.len < 8 ? run->mmio.len : 8);
		break;
	case KVM_EXIT_SHUTDOWN:
		/*
		 * KVM on SVM resets the vCPU at a shutdown intercept (the
		 * VMCB is undefined after it), so rip shows the reset vector.
		 */
		tap_diag("  triple fault: an exception outside long mode, where");
		tap_diag("  there is no IDT; rip may be the reset vector already");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		tap_diag("  hardware entry failure reason 0x%llx on cpu %u",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
			 run->fail_entry.cpu);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		tap_diag("  suberror %u, %u data words%s", run->internal.suberror,
			 run->internal.ndata,
			 run->internal.ndata ? ":" : "");
		for (i = 0; i < run->internal.ndata &&
		     i < ARRAY_SIZE(run->internal.data); i++)
			tap_diag("    0x%llx",
				 (unsigned long long)run->internal.data[i]);
		break;
	}
}

bool vcpu_check_exit(struct vcpu *vcpu, __u32 reason)
{
	if (vcpu->run->exit_reason == reason)
		return true;
	tap_diag("expected %s, got %s", kvm_exit_reason_name(reason),
		 kvm_exit_reason_name(vcpu->run->exit_reason));
	vcpu_dump_exit(vcpu);
	return false;
}

bool vcpu_run_expect(struct vcpu *vcpu, __u32 reason)
{
	return vcpu_run(vcpu) && vcpu_check_exit(vcpu, reason);
}

bool vcpu_check_io(struct vcpu *vcpu, __u8 direction, __u16 port,
		   __u8 size, __u32 count)
{
	const struct kvm_run *run = vcpu->run;

	if (!vcpu_check_exit(vcpu, KVM_EXIT_IO))
		return false;
	if (run->io.direction == direction && run->io.port == port &&
	    run->io.size == size &&
	    (count ? run->io.count == count : run->io.count > 0))
		return true;
	tap_diag("expected %s port 0x%x, size %u, count %u%s",
		 direction == KVM_EXIT_IO_OUT ? "out" : "in", port, size,
		 count, count ? "" : " (any)");
	vcpu_dump_exit(vcpu);
	return false;
}

bool vcpu_check_mmio(struct vcpu *vcpu, __u64 phys_addr, __u32 len,
		     bool is_write)
{
	const struct kvm_run *run = vcpu->run;

	if (!vcpu_check_exit(vcpu, KVM_EXIT_MMIO))
		return false;
	if (run->mmio.phys_addr == phys_addr && run->mmio.len == len &&
	    !!run->mmio.is_write == is_write)
		return true;
	tap_diag("expected mmio %s at 0x%llx, len %u",
		 is_write ? "write" : "read", (unsigned long long)phys_addr,
		 len);
	vcpu_dump_exit(vcpu);
	return false;
}

int guest_create(struct guest *g, const struct kvm_dev *dev,
		 enum vcpu_mode mode, const void *start, const void *end)
{
	int ret;

	g->vcpu.fd = -1;
	g->vcpu.run = MAP_FAILED;
	ret = vm_create(&g->vm, dev);
	if (ret)
		return ret;
	g->mem = vm_add_memory(&g->vm, 0, 0, VM_SYS_GPA, VM_SYS_SIZE);
	if (!g->mem) {
		ret = -errno;
		goto out_vm;
	}
	if ((const char *)end - (const char *)start >
	    VM_STACK_TOP - VM_CODE_GPA) {
		tap_diag("guest code of %td bytes does not fit below the stack",
			 (const char *)end - (const char *)start);
		ret = -E2BIG;
		goto out_vm;
	}
	ret = vm_load(&g->vm, VM_CODE_GPA, start, end);
	if (ret)
		goto out_vm;
	ret = vcpu_create(&g->vcpu, &g->vm, 0);
	if (ret)
		goto out_vm;
	ret = vcpu_set_mode(&g->vcpu, mode, VM_CODE_GPA);
	if (ret)
		goto out_vcpu;
	return 0;

out_vcpu:
	vcpu_destroy(&g->vcpu);
out_vm:
	vm_destroy(&g->vm);
	return ret;
}

void guest_destroy(struct guest *g)
{
	vcpu_destroy(&g->vcpu);
	vm_destroy(&g->vm);
}

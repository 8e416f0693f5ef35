// SPDX-License-Identifier: GPL-2.0-only
/*
 * A catalogue of bad ioctl arguments and the errno KVM answers each with:
 * unknown ioctls, pointers to nothing for every ioctl that takes one
 * (EFAULT, also where only the array after a good header is missing),
 * counts beyond KVM's limits (E2BIG) and states no CPU can be in
 * (EINVAL). A VMM that handles KVM's errors handles kvmlite's.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define PAGE_SIZE		4096
/* No KVM ioctl has this number. */
#define KVM_UNKNOWN_IOCTL	_IO(KVMIO, 0xfe)

/* KVM's limits on one KVM_GET/SET_MSRS and on a CPUID table. */
#define MSRS_MAX_ENTRIES	256
#define CPUID_MAX_ENTRIES	256

#define CR0_PE			BIT_ULL(0)
#define CR0_NW			BIT_ULL(29)
#define CR0_PG			BIT_ULL(31)
#define CR4_PAE			BIT_ULL(5)
#define EFER_LME		BIT_ULL(8)
#define EFER_LMA		BIT_ULL(10)

/* The TSS region is three pages below 4 GiB (Documentation/virt/kvm/api.rst). */
#define TSS_ADDR_TOO_HIGH	0xfffff000UL

enum target {
	ON_SYSTEM,	/* the device's fd */
	ON_VM,		/* a VM with one vCPU */
	ON_BARE_VM,	/* a VM without vCPUs */
	ON_VCPU,
};

enum arg_kind {
	ARG_VALUE,	/* .value itself */
	ARG_U64,	/* the address of a __u64 that holds .value */
	ARG_UNMAPPED,	/* an address with nothing mapped at it */
	/*
	 * A header of .size bytes whose first __u32 is .value, at the end
	 * of a page followed by nothing: the array after it is unmapped.
	 */
	ARG_HEADER_ONLY,
	ARG_SIGMASK,	/* struct kvm_signal_mask with len .value */
	ARG_SREGS,	/* a valid state that .sregs makes invalid */
};

struct errno_case {
	enum target target;
	unsigned long req;
	const char *name;	/* of req */
	const char *what;	/* of the argument */
	enum arg_kind kind;
	unsigned long value;
	size_t size;
	void (*sregs)(struct kvm_sregs *sregs);
	int err;
};

struct fixture {
	struct guest g;		/* ON_VM, ON_VCPU */
	struct vm bare;		/* ON_BARE_VM */
	__u8 *page;		/* read/write, then a PROT_NONE page */
	struct kvm_sregs sregs;	/* the vCPU's, valid in long mode */
	__u64 u64;
	union {
		struct kvm_signal_mask mask;
		__u8 bytes[sizeof(struct kvm_signal_mask) + 128];
	} sigmask;
};

/*
 * From a valid long-mode state to one KVM_SET_SREGS refuses (SDM Vol. 3,
 * 2.5 "Control Registers" and 10.8.5 "Initializing IA-32e Mode").
 */
static void sregs_unchanged(struct kvm_sregs *s)
{
	(void)s;
}

static void sregs_pg_without_pe(struct kvm_sregs *s)
{
	s->cr0 &= ~CR0_PE;
}

static void sregs_nw_without_cd(struct kvm_sregs *s)
{
	s->cr0 |= CR0_NW;
}

static void sregs_cr0_bit32(struct kvm_sregs *s)
{
	s->cr0 |= BIT_ULL(32);
}

static void sregs_cr4_bit63(struct kvm_sregs *s)
{
	s->cr4 |= BIT_ULL(63);
}

/* Out of long mode, the code segment cannot be a 64-bit one either. */
static void sregs_to_compat_cs(struct kvm_sregs *s)
{
	s->cs.l = 0;
	s->cs.db = 1;
}

static void sregs_lma_without_lme(struct kvm_sregs *s)
{
	s->efer &= ~EFER_LME;
	sregs_to_compat_cs(s);
}

static void sregs_lma_without_pg(struct kvm_sregs *s)
{
	s->cr0 &= ~CR0_PG;
	sregs_to_compat_cs(s);
}

static void sregs_long_without_pae(struct kvm_sregs *s)
{
	s->cr4 &= ~CR4_PAE;
}

static void sregs_cs_l_outside_long_mode(struct kvm_sregs *s)
{
	s->cr0 &= ~CR0_PG;
	s->cr4 = 0;
	s->efer = 0;
}

#define VALUE(t, req, what, v, e) \
	{ t, req, #req, what, ARG_VALUE, v, 0, NULL, e }
#define UNMAPPED(t, req) \
	{ t, req, #req, "an unmapped argument", ARG_UNMAPPED, 0, 0, NULL, \
	  EFAULT }
#define HEADER_ONLY(t, req, what, n, type) \
	{ t, req, #req, what, ARG_HEADER_ONLY, n, sizeof(type), NULL, EFAULT }
#define COUNT(t, req, what, n, type) \
	{ t, req, #req, what, ARG_HEADER_ONLY, n, sizeof(type), NULL, E2BIG }
#define SREGS(what, fn, e) \
	{ ON_VCPU, KVM_SET_SREGS, "KVM_SET_SREGS", what, ARG_SREGS, 0, 0, \
	  fn, e }

static const struct errno_case cases[] = {
	UNMAPPED(ON_SYSTEM, KVM_GET_SUPPORTED_CPUID),
	HEADER_ONLY(ON_SYSTEM, KVM_GET_SUPPORTED_CPUID,
		    "nent 256, entries unmapped", CPUID_MAX_ENTRIES,
		    struct kvm_cpuid2),
	UNMAPPED(ON_SYSTEM, KVM_GET_MSR_INDEX_LIST),
	HEADER_ONLY(ON_SYSTEM, KVM_GET_MSR_INDEX_LIST,
		    "nmsrs 1000, indices unmapped", 1000, struct kvm_msr_list),

	/* An unknown ioctl is ENOTTY on a VM fd (kvm_arch_vm_ioctl). */
	VALUE(ON_VM, KVM_UNKNOWN_IOCTL, "unknown KVM ioctl nr 0xfe", 0,
	      ENOTTY),
	VALUE(ON_VM, TCGETS, "a terminal's ioctl", 0, ENOTTY),
	UNMAPPED(ON_VM, KVM_SET_USER_MEMORY_REGION),
	VALUE(ON_VM, KVM_CREATE_VCPU, "id 0xffffffff", 0xffffffff, EINVAL),
	/* Before the first vCPU KVM reads the address; after, it refuses. */
	UNMAPPED(ON_BARE_VM, KVM_SET_IDENTITY_MAP_ADDR),
	{ ON_VM, KVM_SET_IDENTITY_MAP_ADDR, "KVM_SET_IDENTITY_MAP_ADDR",
	  "0xfffbc000 after KVM_CREATE_VCPU", ARG_U64, 0xfffbc000, 0, NULL,
	  EINVAL },
	/* The TSS takes three pages below 4 GiB (KVM's api.rst). */
	VALUE(ON_VM, KVM_SET_TSS_ADDR, "0xfffff000", TSS_ADDR_TOO_HIGH,
	      EINVAL),

	/*
	 * An unknown ioctl is EINVAL on a vCPU fd, and so is one of another
	 * driver (kvm_vcpu_ioctl checks _IOC_TYPE first).
	 */
	VALUE(ON_VCPU, KVM_UNKNOWN_IOCTL, "unknown KVM ioctl nr 0xfe", 0,
	      EINVAL),
	VALUE(ON_VCPU, TCGETS, "a terminal's ioctl", 0, EINVAL),
	VALUE(ON_VCPU, KVM_RUN, "argument 1", 1, EINVAL),
	UNMAPPED(ON_VCPU, KVM_GET_REGS),
	UNMAPPED(ON_VCPU, KVM_SET_REGS),
	UNMAPPED(ON_VCPU, KVM_GET_SREGS),
	UNMAPPED(ON_VCPU, KVM_SET_SREGS),
	UNMAPPED(ON_VCPU, KVM_GET_FPU),
	UNMAPPED(ON_VCPU, KVM_SET_FPU),
	UNMAPPED(ON_VCPU, KVM_GET_XSAVE),
	UNMAPPED(ON_VCPU, KVM_SET_XSAVE),
	UNMAPPED(ON_VCPU, KVM_GET_XCRS),
	UNMAPPED(ON_VCPU, KVM_SET_XCRS),
	UNMAPPED(ON_VCPU, KVM_GET_MSRS),
	UNMAPPED(ON_VCPU, KVM_SET_MSRS),
	HEADER_ONLY(ON_VCPU, KVM_GET_MSRS, "nmsrs 1, entries unmapped", 1,
		    struct kvm_msrs),
	HEADER_ONLY(ON_VCPU, KVM_SET_MSRS, "nmsrs 1, entries unmapped", 1,
		    struct kvm_msrs),
	UNMAPPED(ON_VCPU, KVM_GET_CPUID2),
	UNMAPPED(ON_VCPU, KVM_SET_CPUID2),
	/* The vCPU has a table of one leaf (see fixture_create()). */
	HEADER_ONLY(ON_VCPU, KVM_GET_CPUID2, "nent 1, entries unmapped", 1,
		    struct kvm_cpuid2),
	HEADER_ONLY(ON_VCPU, KVM_SET_CPUID2, "nent 1, entries unmapped", 1,
		    struct kvm_cpuid2),
	UNMAPPED(ON_VCPU, KVM_INTERRUPT),
	UNMAPPED(ON_VCPU, KVM_GET_MP_STATE),
	UNMAPPED(ON_VCPU, KVM_SET_MP_STATE),
	UNMAPPED(ON_VCPU, KVM_SET_SIGNAL_MASK),
	/* The kernel's sigset_t is 8 bytes; glibc's is 128. */
	{ ON_VCPU, KVM_SET_SIGNAL_MASK, "KVM_SET_SIGNAL_MASK", "len 4",
	  ARG_SIGMASK, 4, 0, NULL, EINVAL },
	{ ON_VCPU, KVM_SET_SIGNAL_MASK, "KVM_SET_SIGNAL_MASK", "len 128",
	  ARG_SIGMASK, 128, 0, NULL, EINVAL },
	/* Counts beyond the limits, checked before the arrays are read. */
	COUNT(ON_VCPU, KVM_SET_MSRS, "nmsrs 256", MSRS_MAX_ENTRIES,
	      struct kvm_msrs),
	COUNT(ON_VCPU, KVM_GET_MSRS, "nmsrs 256", MSRS_MAX_ENTRIES,
	      struct kvm_msrs),
	COUNT(ON_VCPU, KVM_SET_MSRS, "nmsrs 0xffffffff", 0xffffffff,
	      struct kvm_msrs),
	COUNT(ON_VCPU, KVM_SET_CPUID2, "nent 257", CPUID_MAX_ENTRIES + 1,
	      struct kvm_cpuid2),
	COUNT(ON_VCPU, KVM_SET_CPUID2, "nent 0xffffffff", 0xffffffff,
	      struct kvm_cpuid2),
	SREGS("the state KVM_GET_SREGS read", sregs_unchanged, 0),
	SREGS("CR0.PG without CR0.PE", sregs_pg_without_pe, EINVAL),
	SREGS("CR0.NW without CR0.CD", sregs_nw_without_cd, EINVAL),
	SREGS("CR0 bit 32", sregs_cr0_bit32, EINVAL),
	SREGS("CR4 bit 63", sregs_cr4_bit63, EINVAL),
	SREGS("EFER.LMA without EFER.LME", sregs_lma_without_lme, EINVAL),
	SREGS("EFER.LMA without CR0.PG", sregs_lma_without_pg, EINVAL),
	SREGS("EFER.LME and CR0.PG without CR4.PAE", sregs_long_without_pae,
	      EINVAL),
	SREGS("CS.L outside long mode", sregs_cs_l_outside_long_mode,
	      EINVAL),
};

static const char *const target_names[] = {
	[ON_SYSTEM] = "system",
	[ON_VM] = "VM",
	[ON_BARE_VM] = "vCPU-less VM",
	[ON_VCPU] = "vCPU",
};

static const char *errno_name(int err)
{
	switch (err) {
	case 0: return "0";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case ENOTTY: return "ENOTTY";
	}
	return strerror(err);
}

/* The vCPU never runs: its state is all these cases need. */
GUEST_CODE(idle_guest, ".code64", "hlt\n");

static int fixture_create(struct fixture *f, const struct kvm_dev *dev)
{
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 leaf0;
	} cpuid = { .hdr.nent = 1 };
	int ret;

	f->bare.fd = -1;
	f->bare.nr_slots = 0;
	ret = guest_create(&f->g, dev, VCPU_MODE_LONG, idle_guest_start,
			   idle_guest_end);
	f->page = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->page == MAP_FAILED || mprotect(f->page + PAGE_SIZE, PAGE_SIZE,
					      PROT_NONE)) {
		tap_diag("mmap or mprotect: %s", strerror(errno));
		return -errno;
	}
	if (!ret)
		ret = vm_create(&f->bare, dev);
	if (!ret)
		ret = vcpu_get_sregs(&f->g.vcpu, &f->sregs);
	/* KVM_GET_CPUID2 can then fail to write one entry. */
	if (!ret && ioctl(f->g.vcpu.fd, KVM_SET_CPUID2, &cpuid)) {
		ret = -errno;
		tap_diag("KVM_SET_CPUID2: %s", strerror(errno));
	}
	return ret;
}

static void fixture_destroy(struct fixture *f)
{
	guest_destroy(&f->g);
	vm_destroy(&f->bare);
	if (f->page != MAP_FAILED)
		munmap(f->page, 2 * PAGE_SIZE);
}

static int target_fd(const struct fixture *f, const struct kvm_dev *dev,
		     enum target t)
{
	switch (t) {
	case ON_SYSTEM:
		return dev->fd;
	case ON_VM:
		return f->g.vm.fd;
	case ON_BARE_VM:
		return f->bare.fd;
	case ON_VCPU:
		return f->g.vcpu.fd;
	}
	return -1;
}

/* The ioctl's argument for @c, built in @f. */
static unsigned long make_arg(struct fixture *f, const struct errno_case *c)
{
	__u8 *hdr;

	switch (c->kind) {
	case ARG_VALUE:
		return c->value;
	case ARG_U64:
		f->u64 = c->value;
		return (uintptr_t)&f->u64;
	case ARG_UNMAPPED:
		return (uintptr_t)(f->page + PAGE_SIZE);
	case ARG_HEADER_ONLY:
		hdr = f->page + PAGE_SIZE - c->size;
		memset(hdr, 0, c->size);
		*(__u32 *)hdr = c->value;
		return (uintptr_t)hdr;
	case ARG_SIGMASK:
		memset(&f->sigmask, 0, sizeof(f->sigmask));
		f->sigmask.mask.len = c->value;
		return (uintptr_t)&f->sigmask;
	case ARG_SREGS:
		c->sregs(&f->sregs);
		return (uintptr_t)&f->sregs;
	}
	return 0;
}

static void run_case(struct fixture *f, const struct kvm_dev *dev,
		     const struct errno_case *c)
{
	struct kvm_sregs saved = f->sregs;
	int ret, err;
	bool ok;

	ret = ioctl(target_fd(f, dev, c->target), c->req, make_arg(f, c));
	err = ret < 0 ? errno : 0;
	f->sregs = saved;
	ok = c->err ? ret == -1 && err == c->err : ret == 0;
	if (!ok)
		tap_diag("returned %d, errno %d (%s)", ret, err,
			 errno_name(err));
	tap_result(ok, "%s on the %s fd, %s: %s", c->name,
		   target_names[c->target], c->what, errno_name(c->err));
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	struct fixture f;
	size_t i;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(ARRAY_SIZE(cases));
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	if (fixture_create(&f, &dev)) {
		for (i = 0; i < ARRAY_SIZE(cases); i++)
			tap_result(false, "%s: no VM to ask", cases[i].name);
	} else {
		for (i = 0; i < ARRAY_SIZE(cases); i++)
			run_case(&f, &dev, &cases[i]);
	}
	fixture_destroy(&f);
	return tap_finish();
}

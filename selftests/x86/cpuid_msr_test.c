// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vCPU state a VMM reads and writes besides registers: CPUID
 * (KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2 and what the guest's CPUID
 * then answers, KVM_GET_CPUID2), MSRs (KVM_GET_MSR_INDEX_LIST,
 * KVM_SET_MSRS/KVM_GET_MSRS and their count, the guest's RDMSR/WRMSR of
 * the same MSRs, #GP for the bad ones) and FPU state (KVM_GET/SET_FPU,
 * KVM_GET/SET_XSAVE and KVM_GET/SET_XCRS, each seen from inside the
 * guest, and the XSAVE areas XRSTOR would fault on refused).
 */
#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

/* KVM's limit on a CPUID table: room for all it supports. */
#define CPUID_MAX_ENTRIES	256

#define PORT_CPUID	0x60
#define PORT_MSR_OP	0x61	/* IN: what to do with MSR esi, value rdi */
#define PORT_MSR_DONE	0x62
#define OP_RDMSR	1
#define OP_WRMSR	2
#define PORT_XMM1_LOADED 0x63
#define PORT_XMM0_STORED 0x64
#define PORT_XMM2_STORED 0x65
#define PORT_XCR0	0x66

#define VEC_GP		13

#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_PAT			0x277
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103
#define UNKNOWN_MSR		0xdeadbeef
/* Memory type 2 is reserved (SDM Vol. 3, 11.12.2 "IA32_PAT MSR"). */
#define BAD_PAT			0x0007040600070402ULL

#define CR4_OSFXSR		BIT(9)
#define CR4_OSXMMEXCPT		BIT(10)
#define CR4_OSXSAVE		BIT(18)
#define CPUID_1_ECX_XSAVE	BIT(26)

#define XCR0_X87		BIT_ULL(0)
#define XCR0_SSE		BIT_ULL(1)
#define XCR0_AVX		BIT_ULL(2)

/* The standard-format XSAVE area (SDM Vol. 1, 13.4 "XSAVE Area"). */
#define XSAVE_MXCSR		24
#define XSAVE_XMM0		160
#define XSAVE_XSTATE_BV		512
#define XSAVE_XCOMP_BV		520
#define XSAVE_HDR_RESERVED	528
#define XCOMP_BV_COMPACTED	BIT_ULL(63)
#define MXCSR_RESERVED		BIT(16)
/* No CPU has this state component, so no hypervisor offers it. */
#define XSTATE_UNKNOWN		BIT_ULL(62)

#define MXCSR_DEFAULT		0x1f80
#define FCW_DEFAULT		0x37f

/* Guest data: what XMM1 is loaded from, where XMM0 and XMM2 go. */
#define XMM1_GPA		VM_DATA_GPA
#define XMM0_OUT_GPA		(VM_DATA_GPA + 0x10)
#define XMM2_OUT_GPA		(VM_DATA_GPA + 0x20)
#define MXCSR_OUT_GPA		(VM_DATA_GPA + 0x30)
#define FCW_OUT_GPA		(VM_DATA_GPA + 0x34)

/* cpuid with the rax and rcx the host set, results to the host: again. */
GUEST_CODE(cpuid_guest, ".code64",
	   "1:	cpuid\n"
	   "	outb %al, $" __stringify(PORT_CPUID) "\n"
	   "	jmp 1b\n");

/*
 * Forever: ask the host what to do, then RDMSR of MSR esi into rdi, or
 * WRMSR of rdi to MSR esi, and say it is done. Another register than
 * rax carries the value because IN overwrites al.
 */
GUEST_CODE(msr_guest, ".code64",
	   "1:	inb $" __stringify(PORT_MSR_OP) ", %al\n"
	   "	movl %esi, %ecx\n"
	   "	cmpb $" __stringify(OP_WRMSR) ", %al\n"
	   "	je 2f\n"
	   "msr_guest_rdmsr:\n"
	   "	rdmsr\n"
	   "	shlq $32, %rdx\n"
	   "	movl %eax, %eax\n"
	   "	orq %rdx, %rax\n"
	   "	movq %rax, %rdi\n"
	   "	outb %al, $" __stringify(PORT_MSR_DONE) "\n"
	   "	jmp 1b\n"
	   "2:	movl %edi, %eax\n"
	   "	movq %rdi, %rdx\n"
	   "	shrq $32, %rdx\n"
	   "msr_guest_wrmsr:\n"
	   "	wrmsr\n"
	   "	outb %al, $" __stringify(PORT_MSR_DONE) "\n"
	   "	jmp 1b\n");
extern const unsigned char msr_guest_rdmsr[], msr_guest_wrmsr[];

/*
 * Each step hands the FPU state to the host and back: MXCSR and FCW as
 * the guest starts with them and XMM1 loaded from memory, XMM0 and XMM2
 * stored to memory after the host set them, XCR0 read after the host
 * set it.
 */
GUEST_CODE(fpu_guest, ".code64",
	   "	stmxcsr " __stringify(MXCSR_OUT_GPA) "\n"
	   "	fnstcw " __stringify(FCW_OUT_GPA) "\n"
	   "	movdqu " __stringify(XMM1_GPA) ", %xmm1\n"
	   "	outb %al, $" __stringify(PORT_XMM1_LOADED) "\n"
	   "	movdqu %xmm0, " __stringify(XMM0_OUT_GPA) "\n"
	   "	outb %al, $" __stringify(PORT_XMM0_STORED) "\n"
	   "	movdqu %xmm2, " __stringify(XMM2_OUT_GPA) "\n"
	   "	outb %al, $" __stringify(PORT_XMM2_STORED) "\n"
	   "	xorl %ecx, %ecx\n"
	   "	xgetbv\n"
	   "	outl %eax, $" __stringify(PORT_XCR0) "\n"
	   "	hlt\n");

/*
 * A CPUID table of our own, its vendor "kvmliteTEST!", with leaves KVM
 * leaves alone: it rewrites bits of leaves 1, 7 and 0xd (OSXSAVE, APIC,
 * OSPKE, XSAVE sizes) from the vCPU's state.
 */
static const struct kvm_cpuid_entry2 test_cpuid[] = {
	{ .function = 0x0, .eax = 0x4, .ebx = 0x6c6d766b, .edx = 0x54657469,
	  .ecx = 0x21545345 },
	{ .function = 0x2, .eax = 0x01020304, .ebx = 0x05060708,
	  .ecx = 0x090a0b0c, .edx = 0x0d0e0f10 },
	{ .function = 0x4, .index = 0,
	  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	  .eax = 0x40, .ebx = 0x41, .ecx = 0x42, .edx = 0x43 },
	{ .function = 0x4, .index = 1,
	  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	  .eax = 0x140, .ebx = 0x141, .ecx = 0x142, .edx = 0x143 },
	{ .function = 0x80000000, .eax = 0x80000002 },
	/* The first 16 bytes of a brand string, "kvmlite custom ". */
	{ .function = 0x80000002, .eax = 0x6c6d766b, .ebx = 0x20657469,
	  .ecx = 0x74737563, .edx = 0x206d6f },
};

struct cpuid_query {
	const char *what;
	__u32 function, index;
	unsigned int entry;	/* in test_cpuid[], or NO_ENTRY: zeros */
};

#define NO_ENTRY	~0U

/*
 * A leaf within range but missing reads as zeros. (Beyond the maximum
 * KVM answers with the maximum basic leaf if the vendor is Intel's: no
 * query goes there.)
 */
static const struct cpuid_query cpuid_queries[] = {
	{ "leaf 0: maximum leaf and vendor", 0x0, 0, 0 },
	{ "leaf 2", 0x2, 0, 1 },
	{ "leaf 2 ignores ECX", 0x2, 7, 1 },
	{ "leaf 3, missing: zeros", 0x3, 0, NO_ENTRY },
	{ "leaf 4 index 0", 0x4, 0, 2 },
	{ "leaf 4 index 1", 0x4, 1, 3 },
	{ "leaf 4 index 2, missing: zeros", 0x4, 2, NO_ENTRY },
	{ "leaf 0x80000000", 0x80000000, 0, 4 },
	{ "leaf 0x80000002 with ECX 3", 0x80000002, 3, 5 },
};

struct msr_case {
	const char *name;
	__u32 index;
	__u64 host_value, guest_value;
};

/*
 * Values every hypervisor must keep as they are: canonical addresses,
 * and 32 bits for what AMD CPUs keep 32 bits of (SYSENTER_*, SFMASK,
 * TSC_AUX), since KVM drops the rest for a guest that is not Intel.
 */
static const struct msr_case msr_cases[] = {
	{ "STAR", MSR_STAR, 0x0023001000000000, 0x001b000812345678 },
	{ "LSTAR", MSR_LSTAR, 0xffffffff81000000, 0x00007fffdead0000 },
	{ "CSTAR", MSR_CSTAR, 0xffffffff81001000, 0x1000 },
	{ "SFMASK", MSR_SFMASK, 0x47700, 0x257fd5 },
	{ "KERNEL_GS_BASE", MSR_KERNEL_GS_BASE, 0xffff888012345000,
	  0x7f0012345000 },
	{ "SYSENTER_CS", MSR_SYSENTER_CS, 0x10, 0x08 },
	{ "SYSENTER_ESP", MSR_SYSENTER_ESP, 0x12345678, 0x08765430 },
	{ "SYSENTER_EIP", MSR_SYSENTER_EIP, 0x81234567, 0x00401000 },
	/* Memory types 0, 1, 4, 5, 6 and 7 in every byte. */
	{ "PAT", MSR_PAT, 0x0007050600070106, 0x0406050401070006 },
	{ "TSC_AUX", MSR_TSC_AUX, 0x12345, 0x1 },
};

/* Cases with a fixed count, then the tables' cases. */
#define NR_CPUID_CASES	6
#define NR_MSR_CASES	8
#define NR_FPU_CASES	13

static __u64 msr_host_value(__u32 index)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(msr_cases); i++)
		if (msr_cases[i].index == index)
			return msr_cases[i].host_value;
	return 0;
}

static struct kvm_cpuid2 *cpuid_alloc(__u32 nent)
{
	struct kvm_cpuid2 *cpuid;

	cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
	if (cpuid)
		cpuid->nent = nent;
	return cpuid;
}

static const struct kvm_cpuid_entry2 *cpuid_find(const struct kvm_cpuid2 *c,
						 __u32 function)
{
	__u32 i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == function)
			return &c->entries[i];
	return NULL;
}

static struct kvm_cpuid2 *supported_cpuid(const struct kvm_dev *dev)
{
	struct kvm_cpuid2 *cpuid = cpuid_alloc(CPUID_MAX_ENTRIES);

	if (!cpuid)
		return NULL;
	if (!ioctl(dev->fd, KVM_GET_SUPPORTED_CPUID, cpuid))
		return cpuid;
	tap_diag("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	free(cpuid);
	return NULL;
}

static int set_cpuid(const struct vcpu *vcpu, const struct kvm_cpuid2 *cpuid)
{
	int err;

	if (!ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid))
		return 0;
	err = errno;
	tap_diag("KVM_SET_CPUID2 of %u entries: %s", cpuid->nent,
		 strerror(err));
	return -err;
}

/* The call failed with @want; otherwise say what it did. */
static bool check_errno(const char *what, int ret, int want)
{
	int err = errno;

	if (ret == -1 && err == want)
		return true;
	if (ret == -1)
		tap_diag("%s: errno %d (%s), expected %d (%s)", what, err,
			 strerror(err), want, strerror(want));
	else
		tap_diag("%s returned %d, expected errno %d (%s)", what, ret,
			 want, strerror(want));
	return false;
}

/* The guest took #GP(0) at @insn (see the library's exception stubs). */
static bool check_gp(struct guest *g, const unsigned char *start,
		     const unsigned char *insn)
{
	struct kvm_regs regs;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, VM_PORT_EXCEPTION, 4, 1) ||
	    vcpu_get_regs(&g->vcpu, &regs))
		return false;
	return tap_check_u64("vector", regs.rax, VEC_GP) &&
	       tap_check_u64("error code", regs.rbx, 0) &&
	       tap_check_u64("rip in the exception frame", regs.rcx,
			   VM_CODE_GPA + (insn - start));
}

static void test_supported_cpuid(const struct kvm_dev *dev)
{
	const struct kvm_cpuid_entry2 *leaf0, *ext, *e;
	struct kvm_cpuid2 *cpuid = cpuid_alloc(1);
	unsigned int eax, ebx, ecx, edx;
	bool ok;
	__u32 i;

	ok = cpuid && check_errno("KVM_GET_SUPPORTED_CPUID with nent 1",
				  ioctl(dev->fd, KVM_GET_SUPPORTED_CPUID,
					cpuid), E2BIG);
	tap_result(ok, "KVM_GET_SUPPORTED_CPUID with nent 1: E2BIG");
	free(cpuid);

	cpuid = supported_cpuid(dev);
	leaf0 = cpuid ? cpuid_find(cpuid, 0) : NULL;
	ext = cpuid ? cpuid_find(cpuid, 0x80000000) : NULL;
	ok = leaf0 && leaf0->eax >= 1 && cpuid_find(cpuid, 1);
	for (i = 0; ok && i < cpuid->nent; i++) {
		e = &cpuid->entries[i];
		if ((e->function < 0x40000000 && e->function > leaf0->eax) ||
		    (e->function >= 0x80000000 &&
		     (!ext || e->function > ext->eax))) {
			tap_diag("leaf 0x%x is beyond its range's maximum",
				 e->function);
			ok = false;
		}
	}
	if (cpuid)
		tap_diag("%u leaves, maximum basic 0x%x, extended 0x%x",
			 cpuid->nent, leaf0 ? leaf0->eax : 0,
			 ext ? ext->eax : 0);
	tap_result(ok, "KVM_GET_SUPPORTED_CPUID: leaves 0 and 1, none beyond the maxima");

	__cpuid(0, eax, ebx, ecx, edx);
	ok = leaf0 && leaf0->ebx == ebx && leaf0->ecx == ecx &&
	     leaf0->edx == edx;
	if (!ok && leaf0)
		tap_diag("vendor %.4s%.4s%.4s, the host's %.4s%.4s%.4s",
			 (const char *)&leaf0->ebx, (const char *)&leaf0->edx,
			 (const char *)&leaf0->ecx, (char *)&ebx, (char *)&edx,
			 (char *)&ecx);
	tap_result(ok, "KVM_GET_SUPPORTED_CPUID: the host's vendor string");
	free(cpuid);
}

/* Run the guest's CPUID with @q's inputs and compare all four outputs. */
static bool guest_cpuid(struct guest *g, const struct cpuid_query *q)
{
	static const struct kvm_cpuid_entry2 zeros;
	const struct kvm_cpuid_entry2 *want = q->entry == NO_ENTRY ? &zeros :
					      &test_cpuid[q->entry];
	struct kvm_regs regs;

	if (vcpu_get_regs(&g->vcpu, &regs))
		return false;
	regs.rax = q->function;
	regs.rcx = q->index;
	if (vcpu_set_regs(&g->vcpu, &regs) || !vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_CPUID, 1, 1) ||
	    vcpu_get_regs(&g->vcpu, &regs))
		return false;
	return tap_check_u64("eax", regs.rax, want->eax) &
	       tap_check_u64("ebx", regs.rbx, want->ebx) &
	       tap_check_u64("ecx", regs.rcx, want->ecx) &
	       tap_check_u64("edx", regs.rdx, want->edx);
}

static void test_guest_cpuid(const struct kvm_dev *dev)
{
	struct kvm_cpuid2 *set = cpuid_alloc(ARRAY_SIZE(test_cpuid));
	struct kvm_cpuid2 *get = cpuid_alloc(ARRAY_SIZE(test_cpuid));
	struct guest g;
	bool ok;
	size_t i;

	ok = !guest_create(&g, dev, VCPU_MODE_LONG, cpuid_guest_start,
			   cpuid_guest_end) && set && get;
	if (ok) {
		memcpy(set->entries, test_cpuid, sizeof(test_cpuid));
		ok = !set_cpuid(&g.vcpu, set);
	}
	tap_result(ok, "KVM_SET_CPUID2 of a table of %zu leaves",
		   ARRAY_SIZE(test_cpuid));

	for (i = 0; i < ARRAY_SIZE(cpuid_queries); i++) {
		const struct cpuid_query *q = &cpuid_queries[i];

		tap_result(ok && guest_cpuid(&g, q),
			   "guest CPUID %s (eax 0x%x, ecx %u)", q->what,
			   q->function, q->index);
	}

	if (ok)
		get->nent = ARRAY_SIZE(test_cpuid) - 1;
	tap_result(ok && check_errno("KVM_GET_CPUID2 with one entry too few",
				     ioctl(g.vcpu.fd, KVM_GET_CPUID2, get),
				     E2BIG),
		   "KVM_GET_CPUID2 with one entry too few: E2BIG");

	if (ok) {
		memset(get, 0, sizeof(*get) + sizeof(test_cpuid));
		get->nent = ARRAY_SIZE(test_cpuid);
		ok = !ioctl(g.vcpu.fd, KVM_GET_CPUID2, get);
		if (!ok)
			tap_diag("KVM_GET_CPUID2: %s", strerror(errno));
	}
	ok = ok && tap_check_u64("nent", get->nent, ARRAY_SIZE(test_cpuid));
	for (i = 0; ok && i < ARRAY_SIZE(test_cpuid); i++) {
		if (memcmp(&get->entries[i], &test_cpuid[i],
			   sizeof(test_cpuid[i]))) {
			tap_diag("entry %zu (leaf 0x%x.%u) differs", i,
				 get->entries[i].function,
				 get->entries[i].index);
			ok = false;
		}
	}
	tap_result(ok, "KVM_GET_CPUID2 returns the table as it was set");
	guest_destroy(&g);
	free(set);
	free(get);
}

/* KVM_GET_MSRS or KVM_SET_MSRS of @n entries: the ioctl's return value. */
static int msrs_io(const struct vcpu *vcpu, unsigned long req,
		   struct kvm_msr_entry *entries, __u32 n)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entries[ARRAY_SIZE(msr_cases) + 1];
	} buf = { .hdr.nmsrs = n };
	int ret;

	memcpy(buf.entries, entries, n * sizeof(*entries));
	ret = ioctl(vcpu->fd, req, &buf);
	if (ret < 0)
		tap_diag("%s: %s", req == KVM_GET_MSRS ? "KVM_GET_MSRS" :
			 "KVM_SET_MSRS", strerror(errno));
	memcpy(entries, buf.entries, n * sizeof(*entries));
	return ret;
}

static int get_msr(const struct vcpu *vcpu, __u32 index, __u64 *value)
{
	struct kvm_msr_entry e = { .index = index };
	int ret = msrs_io(vcpu, KVM_GET_MSRS, &e, 1);

	*value = e.data;
	return ret == 1 ? 0 : -1;
}

static int set_msr(const struct vcpu *vcpu, __u32 index, __u64 value)
{
	struct kvm_msr_entry e = { .index = index, .data = value };

	return msrs_io(vcpu, KVM_SET_MSRS, &e, 1) == 1 ? 0 : -1;
}

static void test_msr_index_list(const struct kvm_dev *dev)
{
	struct kvm_msr_list probe = { .nmsrs = 0 }, *list = NULL;
	bool ok, found;
	size_t i;
	__u32 j;

	ok = check_errno("KVM_GET_MSR_INDEX_LIST with nmsrs 0",
			 ioctl(dev->fd, KVM_GET_MSR_INDEX_LIST, &probe),
			 E2BIG) && probe.nmsrs > 0;
	tap_result(ok, "KVM_GET_MSR_INDEX_LIST with nmsrs 0: E2BIG and the count (%u)",
		   probe.nmsrs);

	if (ok)
		list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(__u32));
	if (list) {
		list->nmsrs = probe.nmsrs;
		ok = !ioctl(dev->fd, KVM_GET_MSR_INDEX_LIST, list) &&
		     tap_check_u64("nmsrs", list->nmsrs, probe.nmsrs);
	}
	for (i = 0; ok && list && i < ARRAY_SIZE(msr_cases); i++) {
		for (j = 0, found = false; j < list->nmsrs && !found; j++)
			found = list->indices[j] == msr_cases[i].index;
		if (!found) {
			tap_diag("%s (0x%x) is not listed", msr_cases[i].name,
				 msr_cases[i].index);
			ok = false;
		}
	}
	tap_result(ok && list, "KVM_GET_MSR_INDEX_LIST lists every MSR tested here");
	free(list);
}

static void test_host_msrs(const struct kvm_dev *dev)
{
	struct kvm_msr_entry e[ARRAY_SIZE(msr_cases) + 1];
	const __u32 n = ARRAY_SIZE(msr_cases);
	struct guest g;
	__u64 lstar = 0, pat = 0;
	bool ok, setup;
	__u32 i;

	setup = !guest_create(&g, dev, VCPU_MODE_LONG, msr_guest_start,
			      msr_guest_end);
	for (i = 0; i < n; i++)
		e[i] = (struct kvm_msr_entry){ .index = msr_cases[i].index,
					       .data = msr_cases[i].host_value };
	ok = setup && tap_check_u64("KVM_SET_MSRS count",
				  msrs_io(&g.vcpu, KVM_SET_MSRS, e, n), n);
	for (i = 0; i < n; i++)
		e[i].data = 0;
	ok = ok && tap_check_u64("KVM_GET_MSRS count",
			       msrs_io(&g.vcpu, KVM_GET_MSRS, e, n), n);
	for (i = 0; ok && i < n; i++)
		ok = tap_check_u64(msr_cases[i].name, e[i].data,
				 msr_cases[i].host_value);
	tap_result(ok, "KVM_SET_MSRS then KVM_GET_MSRS of %u MSRs: all set, all read back",
		   n);

	/* STAR, an unknown MSR, LSTAR: the first is set, the rest not. */
	e[0] = (struct kvm_msr_entry){ .index = MSR_STAR, .data = 0x1234 };
	e[1] = (struct kvm_msr_entry){ .index = UNKNOWN_MSR, .data = 0 };
	e[2] = (struct kvm_msr_entry){ .index = MSR_LSTAR, .data = 0x5678 };
	ok = setup && tap_check_u64("KVM_SET_MSRS count",
				  msrs_io(&g.vcpu, KVM_SET_MSRS, e, 3), 1) &&
	     !get_msr(&g.vcpu, MSR_LSTAR, &lstar) &&
	     tap_check_u64("LSTAR", lstar, msr_host_value(MSR_LSTAR));
	tap_result(ok, "KVM_SET_MSRS stops at an unknown MSR: count 1, LSTAR after it unchanged");

	ok = setup && tap_check_u64("KVM_GET_MSRS count",
				  msrs_io(&g.vcpu, KVM_GET_MSRS, e, 3), 1) &&
	     tap_check_u64("STAR", e[0].data, 0x1234);
	tap_result(ok, "KVM_GET_MSRS stops at an unknown MSR: count 1");

	e[0] = (struct kvm_msr_entry){ .index = MSR_PAT, .data = BAD_PAT };
	ok = setup && tap_check_u64("KVM_SET_MSRS count",
				  msrs_io(&g.vcpu, KVM_SET_MSRS, e, 1), 0) &&
	     !get_msr(&g.vcpu, MSR_PAT, &pat) &&
	     tap_check_u64("PAT", pat, msr_host_value(MSR_PAT));
	tap_result(ok, "KVM_SET_MSRS of PAT 0x%llx (type 2): count 0, PAT unchanged",
		   BAD_PAT);
	guest_destroy(&g);
}

/*
 * A guest for RDMSR/WRMSR with the host's supported CPUID, which lets it
 * use TSC_AUX (KVM wants RDTSCP or RDPID in the guest's CPUID).
 */
static int msr_guest_create(struct guest *g, const struct kvm_dev *dev)
{
	struct kvm_cpuid2 *cpuid;
	int ret;

	ret = guest_create(g, dev, VCPU_MODE_LONG, msr_guest_start,
			   msr_guest_end);
	if (ret)
		return ret;
	cpuid = supported_cpuid(dev);
	ret = cpuid ? set_cpuid(&g->vcpu, cpuid) : -ENOMEM;
	free(cpuid);
	return ret;
}

/* Run to the guest's question and hand it @op on MSR @index, @value. */
static bool msr_command(struct guest *g, __u8 op, __u32 index, __u64 value)
{
	struct kvm_regs regs;
	__u8 *answer;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_IN, PORT_MSR_OP, 1, 1) ||
	    vcpu_get_regs(&g->vcpu, &regs))
		return false;
	answer = vcpu_io_data(&g->vcpu);
	if (!answer)
		return false;
	*answer = op;
	regs.rsi = index;
	regs.rdi = value;
	return !vcpu_set_regs(&g->vcpu, &regs);
}

/* The guest's RDMSR or WRMSR succeeded; *value is what RDMSR read. */
static bool msr_done(struct guest *g, __u64 *value)
{
	struct kvm_regs regs;

	if (!vcpu_run(&g->vcpu) ||
	    !vcpu_check_io(&g->vcpu, KVM_EXIT_IO_OUT, PORT_MSR_DONE, 1, 1) ||
	    vcpu_get_regs(&g->vcpu, &regs))
		return false;
	*value = regs.rdi;
	return true;
}

static void test_guest_msrs(const struct kvm_dev *dev)
{
	struct guest g;
	__u64 value;
	bool setup, ok;
	size_t i;

	setup = !msr_guest_create(&g, dev);
	for (i = 0; i < ARRAY_SIZE(msr_cases); i++) {
		const struct msr_case *c = &msr_cases[i];

		ok = setup &&
		     msr_command(&g, OP_WRMSR, c->index, c->guest_value) &&
		     msr_done(&g, &value) && !get_msr(&g.vcpu, c->index, &value) &&
		     tap_check_u64("KVM_GET_MSRS after the guest's WRMSR", value,
				 c->guest_value) &&
		     !set_msr(&g.vcpu, c->index, c->host_value) &&
		     msr_command(&g, OP_RDMSR, c->index, 0) &&
		     msr_done(&g, &value) &&
		     tap_check_u64("the guest's RDMSR after KVM_SET_MSRS", value,
				 c->host_value);
		tap_result(ok, "%s: guest WRMSR, host reads; host writes, guest RDMSR",
			   c->name);
	}
	guest_destroy(&g);

	ok = !msr_guest_create(&g, dev) &&
	     msr_command(&g, OP_RDMSR, UNKNOWN_MSR, 0) &&
	     check_gp(&g, msr_guest_start, msr_guest_rdmsr);
	tap_result(ok, "guest RDMSR of unknown MSR 0x%x: #GP(0)", UNKNOWN_MSR);
	guest_destroy(&g);

	ok = !msr_guest_create(&g, dev) &&
	     msr_command(&g, OP_WRMSR, MSR_PAT, BAD_PAT) &&
	     check_gp(&g, msr_guest_start, msr_guest_wrmsr);
	tap_result(ok, "guest WRMSR of PAT 0x%llx (type 2): #GP(0)", BAD_PAT);
	guest_destroy(&g);
}

/* 16 bytes that tell the registers apart. */
static void xmm_pattern(__u8 *xmm, __u8 seed)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		xmm[i] = seed + 17 * i;
}

static bool check_bytes(const char *what, const void *got, const void *want,
			size_t len)
{
	const __u8 *g = got, *w = want;
	size_t i;

	for (i = 0; i < len; i++) {
		if (g[i] != w[i]) {
			tap_diag("%s: byte %zu is 0x%02x, expected 0x%02x", what,
				 i, g[i], w[i]);
			return false;
		}
	}
	return true;
}

/*
 * Every field of struct kvm_fpu but the padding and mxcsr: KVM (6.1)
 * neither reads nor writes that one, it stays 0 in KVM_GET_FPU.
 */
static bool check_fpu(const struct kvm_fpu *got, const struct kvm_fpu *want)
{
	return check_bytes("fpr", got->fpr, want->fpr, sizeof(got->fpr)) &&
	       tap_check_u64("fcw", got->fcw, want->fcw) &&
	       tap_check_u64("fsw", got->fsw, want->fsw) &&
	       tap_check_u64("ftwx", got->ftwx, want->ftwx) &&
	       tap_check_u64("last_opcode", got->last_opcode,
			   want->last_opcode) &&
	       tap_check_u64("last_ip", got->last_ip, want->last_ip) &&
	       tap_check_u64("last_dp", got->last_dp, want->last_dp) &&
	       check_bytes("xmm", got->xmm, want->xmm, sizeof(got->xmm));
}

struct fpu_guest {
	struct guest g;
	bool xsave;		/* the guest may use XSAVE and XGETBV */
	__u64 xcr0;		/* what KVM_SET_XCRS will give it */
};

/*
 * A guest with SSE on and the host's supported CPUID; with XSAVE on too
 * where that CPUID offers it (KVM takes CR4.OSXSAVE only then).
 */
static int fpu_guest_create(struct fpu_guest *f, const struct kvm_dev *dev)
{
	const struct kvm_cpuid_entry2 *e;
	struct kvm_cpuid2 *cpuid;
	struct kvm_sregs sregs;
	int ret;

	ret = guest_create(&f->g, dev, VCPU_MODE_LONG, fpu_guest_start,
			   fpu_guest_end);
	if (ret)
		return ret;
	cpuid = supported_cpuid(dev);
	ret = cpuid ? set_cpuid(&f->g.vcpu, cpuid) : -ENOMEM;
	if (!ret)
		ret = vcpu_get_sregs(&f->g.vcpu, &sregs);
	if (ret)
		goto out;
	e = cpuid_find(cpuid, 1);
	f->xsave = e && (e->ecx & CPUID_1_ECX_XSAVE);
	e = cpuid_find(cpuid, 0xd);
	f->xcr0 = XCR0_X87 | XCR0_SSE | (e ? e->eax & XCR0_AVX : 0);
	sregs.cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT |
		     (f->xsave ? CR4_OSXSAVE : 0);
	ret = vcpu_set_sregs(&f->g.vcpu, &sregs);
out:
	free(cpuid);
	return ret;
}

static bool fpu_run_to(struct fpu_guest *f, __u16 port)
{
	return vcpu_run(&f->g.vcpu) &&
	       vcpu_check_io(&f->g.vcpu, KVM_EXIT_IO_OUT, port, port ==
			     PORT_XCR0 ? 4 : 1, 1);
}

static void test_fpu(struct fpu_guest *f, bool setup)
{
	__u8 *mem = f->g.mem;
	struct kvm_fpu fpu, got;
	struct kvm_xsave xsave;
	__u32 mxcsr = 0;
	__u16 fcw = 0;
	__u8 xmm[16];
	bool ok;

	/*
	 * The reset state: FNINIT's control word, MXCSR's power-up value
	 * (SDM Vol. 1, 8.1.5 and 10.2.3.1). A VMM that reads, changes and
	 * writes back the FPU state of a new vCPU gives the guest these.
	 */
	ok = setup && !ioctl(f->g.vcpu.fd, KVM_GET_FPU, &fpu) &&
	     tap_check_u64("fcw", fpu.fcw, FCW_DEFAULT);
	tap_result(ok, "a new vCPU's KVM_GET_FPU: fcw 0x%x", FCW_DEFAULT);

	ok = setup && !ioctl(f->g.vcpu.fd, KVM_GET_XSAVE, &xsave);
	if (ok)
		memcpy(&mxcsr, (__u8 *)xsave.region + XSAVE_MXCSR,
		       sizeof(mxcsr));
	tap_result(ok && tap_check_u64("mxcsr", mxcsr, MXCSR_DEFAULT),
		   "a new vCPU's KVM_GET_XSAVE: mxcsr 0x%x", MXCSR_DEFAULT);

	xmm_pattern(xmm, 0x10);
	if (setup)
		memcpy(mem + XMM1_GPA, xmm, sizeof(xmm));
	setup = setup && fpu_run_to(f, PORT_XMM1_LOADED);
	if (setup) {
		memcpy(&mxcsr, mem + MXCSR_OUT_GPA, sizeof(mxcsr));
		memcpy(&fcw, mem + FCW_OUT_GPA, sizeof(fcw));
	}
	tap_result(setup && tap_check_u64("the guest's MXCSR", mxcsr,
					MXCSR_DEFAULT) &&
		   tap_check_u64("the guest's FCW", fcw, FCW_DEFAULT),
		   "a new vCPU's guest starts with MXCSR 0x%x, FCW 0x%x",
		   MXCSR_DEFAULT, FCW_DEFAULT);

	ok = setup && !ioctl(f->g.vcpu.fd, KVM_GET_FPU, &fpu) &&
	     check_bytes("xmm1", fpu.xmm[1], xmm, sizeof(xmm));
	tap_result(ok, "the guest loads XMM1: KVM_GET_FPU reads it");

	/*
	 * By now the guest has used SSE. KVM_SET_FPU writes only the legacy
	 * area: on a vCPU that never ran, KVM's XSTATE_BV is still clear and
	 * the guest would get XMM0 in its initial state (zeros) instead.
	 */
	fpu.fcw = 0x27f;
	fpu.fsw = 0x3800;
	fpu.ftwx = 0x01;
	fpu.last_opcode = 0x1de;
	fpu.last_ip = 0x10203;
	fpu.last_dp = 0x40506;
	memset(fpu.fpr[0], 0x5a, 10);
	xmm_pattern(fpu.xmm[0], 0x20);
	xmm_pattern(fpu.xmm[15], 0xf0);
	ok = setup && !ioctl(f->g.vcpu.fd, KVM_SET_FPU, &fpu) &&
	     !ioctl(f->g.vcpu.fd, KVM_GET_FPU, &got) && check_fpu(&got, &fpu);
	tap_result(ok, "KVM_SET_FPU then KVM_GET_FPU: every field but mxcsr back");

	ok = ok && fpu_run_to(f, PORT_XMM0_STORED) &&
	     check_bytes("xmm0 as the guest stored it",
			 mem + XMM0_OUT_GPA, fpu.xmm[0], 16);
	tap_result(ok, "KVM_SET_FPU of XMM0: the guest stores it");
}

static void test_xsave(struct fpu_guest *f, bool setup)
{
	struct kvm_xcrs xcrs = { .nr_xcrs = 1 };
	struct kvm_xsave xsave;
	__u8 *area = (__u8 *)xsave.region;
	struct kvm_regs regs;
	__u8 xmm[16];
	__u64 bv = 0;
	bool ok;

	/* KVM_GET_XSAVE sees what KVM_SET_FPU set and the guest left. */
	xmm_pattern(xmm, 0x20);
	ok = setup && !ioctl(f->g.vcpu.fd, KVM_GET_XSAVE, &xsave);
	if (ok)
		memcpy(&bv, area + XSAVE_XSTATE_BV, sizeof(bv));
	ok = ok &&
	     check_bytes("xmm0 in the XSAVE area", area + XSAVE_XMM0, xmm, 16) &&
	     tap_check_u64("XSTATE_BV & SSE", bv & XCR0_SSE, XCR0_SSE);
	xmm_pattern(xmm, 0x30);
	memcpy(area + XSAVE_XMM0 + 2 * 16, xmm, sizeof(xmm));
	ok = ok && !ioctl(f->g.vcpu.fd, KVM_SET_XSAVE, &xsave) &&
	     fpu_run_to(f, PORT_XMM2_STORED) &&
	     check_bytes("xmm2 as the guest stored it",
			 (__u8 *)f->g.mem + XMM2_OUT_GPA, xmm, 16);
	tap_result(ok, "KVM_GET_XSAVE shows XMM0; KVM_SET_XSAVE of XMM2: the guest stores it");

	if (!setup || !f->xsave) {
		tap_skip("no XSAVE in the supported CPUID",
			 "KVM_SET_XCRS then KVM_GET_XCRS and the guest's XGETBV");
		return;
	}
	xcrs.xcrs[0].value = f->xcr0;
	ok = !ioctl(f->g.vcpu.fd, KVM_SET_XCRS, &xcrs);
	memset(&xcrs, 0, sizeof(xcrs));
	ok = ok && !ioctl(f->g.vcpu.fd, KVM_GET_XCRS, &xcrs) &&
	     tap_check_u64("nr_xcrs", xcrs.nr_xcrs, 1) &&
	     tap_check_u64("xcr", xcrs.xcrs[0].xcr, 0) &&
	     tap_check_u64("XCR0", xcrs.xcrs[0].value, f->xcr0) &&
	     fpu_run_to(f, PORT_XCR0) && !vcpu_get_regs(&f->g.vcpu, &regs) &&
	     tap_check_u64("XCR0 as XGETBV reads it",
			 regs.rdx << 32 | (__u32)regs.rax, f->xcr0);
	tap_result(ok, "KVM_SET_XCRS then KVM_GET_XCRS of XCR0 0x%llx; the guest's XGETBV",
		   (unsigned long long)f->xcr0);
}

struct bad_xsave {
	const char *what;
	unsigned int offset;
	__u64 value;
	/*
	 * Checked only where the host uses XSAVE: KVM on a host without it
	 * (Bochs' Skylake model) keeps just the legacy area and ignores the
	 * rest of the header.
	 */
	bool needs_xsave;
};

/* What XRSTOR would fault on (SDM Vol. 1, 13.8 "XRSTOR"). */
static const struct bad_xsave bad_xsaves[] = {
	{ "a reserved header byte", XSAVE_HDR_RESERVED + 8, 1, true },
	{ "XCOMP_BV bit 63 (compacted format)", XSAVE_XCOMP_BV,
	  XCOMP_BV_COMPACTED | XCR0_X87 | XCR0_SSE, true },
	{ "XSTATE_BV bit 62 (no such component)", XSAVE_XSTATE_BV,
	  XSTATE_UNKNOWN | XCR0_X87 | XCR0_SSE },
};

static void test_bad_fpu_state(struct fpu_guest *f, bool setup)
{
	struct kvm_xcrs xcrs = { .nr_xcrs = 1 };
	__u64 in_use = XCR0_X87 | XCR0_SSE;
	struct kvm_xsave good, bad;
	__u8 *area = (__u8 *)bad.region;
	__u32 mxcsr;
	size_t i;

	setup = setup && !ioctl(f->g.vcpu.fd, KVM_GET_XSAVE, &good);
	/* x87 and SSE in use: XRSTOR loads MXCSR (and KVM checks it). */
	memcpy((__u8 *)good.region + XSAVE_XSTATE_BV, &in_use, sizeof(in_use));
	for (i = 0; i < ARRAY_SIZE(bad_xsaves); i++) {
		if (setup && !f->xsave && bad_xsaves[i].needs_xsave) {
			tap_skip("no XSAVE in the supported CPUID",
				 "KVM_SET_XSAVE with %s", bad_xsaves[i].what);
			continue;
		}
		bad = good;
		memcpy(area + bad_xsaves[i].offset, &bad_xsaves[i].value,
		       sizeof(__u64));
		tap_result(setup && check_errno("KVM_SET_XSAVE",
						ioctl(f->g.vcpu.fd,
						      KVM_SET_XSAVE, &bad),
						EINVAL),
			   "KVM_SET_XSAVE with %s: EINVAL", bad_xsaves[i].what);
	}

	bad = good;
	memcpy(&mxcsr, area + XSAVE_MXCSR, sizeof(mxcsr));
	mxcsr |= MXCSR_RESERVED;
	memcpy(area + XSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
	tap_result(setup && check_errno("KVM_SET_XSAVE",
					ioctl(f->g.vcpu.fd, KVM_SET_XSAVE,
					      &bad), EINVAL),
		   "KVM_SET_XSAVE with reserved MXCSR bit 16: EINVAL");

	/* x87 state cannot be disabled (SDM Vol. 1, 13.3). */
	xcrs.xcrs[0].value = XCR0_SSE;
	if (setup && !f->xsave)
		tap_skip("no XSAVE in the supported CPUID",
			 "KVM_SET_XCRS of XCR0 without x87");
	else
		tap_result(setup &&
			   check_errno("KVM_SET_XCRS",
				       ioctl(f->g.vcpu.fd, KVM_SET_XCRS, &xcrs),
				       EINVAL),
			   "KVM_SET_XCRS of XCR0 without x87: EINVAL");
}

int main(int argc, char **argv)
{
	struct fpu_guest f;
	struct kvm_dev dev;
	bool setup;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	tap_plan(NR_CPUID_CASES + ARRAY_SIZE(cpuid_queries) + NR_MSR_CASES +
		 ARRAY_SIZE(msr_cases) + NR_FPU_CASES);
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	test_supported_cpuid(&dev);
	test_guest_cpuid(&dev);
	test_msr_index_list(&dev);
	test_host_msrs(&dev);
	test_guest_msrs(&dev);

	setup = !fpu_guest_create(&f, &dev);
	test_fpu(&f, setup);
	test_xsave(&f, setup);
	test_bad_fpu_state(&f, setup);
	guest_destroy(&f.g);
	return tap_finish();
}

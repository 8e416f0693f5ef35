// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUID a vCPU gets (cpuid_for_vcpu() in userspace/vmm/cpuid.c):
 * its APIC ID where each leaf keeps one (Intel SDM vol. 2A, "CPUID";
 * AMD APM vol. 3, "CPUID Fn8000_001E"), the hypervisor bit, and the
 * APIC features hidden only when nothing emulates an APIC; every other
 * register and leaf as the hypervisor said.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/tap.h"
#include "cpuid.h"

#define ECX_X2APIC		(1U << 21)
#define ECX_TSC_DEADLINE	(1U << 24)
#define ECX_HYPERVISOR		(1U << 31)
#define EDX_APIC		(1U << 9)

#define APIC_ECX		(ECX_X2APIC | ECX_TSC_DEADLINE)

/* What a hypervisor might report: garbage where IDs go. */
static const struct kvm_cpuid_entry2 supported[] = {
	{ .function = 0x0, .eax = 0x1f, .ebx = 0x756e6547, .ecx = 0x6c65746e,
	  .edx = 0x49656e69 },
	{ .function = 0x1, .eax = 0x000906ea, .ebx = 0xab100800,
	  .ecx = 0x7ffafbff & ~ECX_HYPERVISOR, .edx = 0xbfebfbff },
	{ .function = 0x7, .index = 0,
	  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 0x029c6fbf },
	{ .function = 0xb, .index = 0,
	  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 1, .ebx = 2,
	  .ecx = 0x100, .edx = 0xdeadbeef },
	{ .function = 0xb, .index = 1,
	  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 4, .ebx = 8,
	  .ecx = 0x201, .edx = 0xdeadbeef },
	{ .function = 0x1f, .index = 0,
	  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 1, .ebx = 2,
	  .ecx = 0x100, .edx = 0xcafef00d },
	{ .function = 0x40000000, .eax = 0x40000001, .ebx = 0x4b4d564b },
	{ .function = 0x80000001, .ecx = 0x121, .edx = 0x2c100800 },
	{ .function = 0x8000001e, .eax = 0x77777777, .ebx = 0x0100,
	  .ecx = 0x0300, .edx = 0 },
};

#define NR	ARRAY_SIZE(supported)

static struct kvm_cpuid2 *make_cpuid(uint32_t leaf1_ecx_clear)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + sizeof(supported));

	if (!c)
		exit(1);
	c->nent = NR;
	memcpy(c->entries, supported, sizeof(supported));
	c->entries[1].ecx &= ~leaf1_ecx_clear;
	return c;
}

static bool same_but(const struct kvm_cpuid_entry2 *got,
		     const struct kvm_cpuid_entry2 *want, const char *what)
{
	if (!memcmp(got, want, sizeof(*got)))
		return true;
	tap_diag("leaf %#x.%u: %s changed", got->function, got->index, what);
	return false;
}

struct cpuid_case {
	unsigned int apic_id;
	bool has_apic;
};

static const struct cpuid_case cpuid_cases[] = {
	{ 0, true }, { 1, true }, { 31, true }, { 255, true },
	{ 0, false }, { 7, false },
};

static void test_cpuid_case(const struct cpuid_case *c)
{
	struct kvm_cpuid2 *cpuid = make_cpuid(0);
	struct kvm_cpuid_entry2 want;
	unsigned int i;
	bool ok = true;

	cpuid_for_vcpu(cpuid, c->apic_id, c->has_apic);
	ok = tap_check_u64("nent", cpuid->nent, NR);
	for (i = 0; i < NR; i++) {
		const struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		want = supported[i];
		switch (e->function) {
		case 0x1:
			want.ebx = (want.ebx & 0x00ffffff) | c->apic_id << 24;
			want.ecx |= ECX_HYPERVISOR;
			if (!c->has_apic) {
				want.ecx &= ~APIC_ECX;
				want.edx &= ~EDX_APIC;
			}
			break;
		case 0xb:
		case 0x1f:
			want.edx = c->apic_id;
			break;
		case 0x8000001e:
			want.eax = c->apic_id;
			break;
		}
		ok = same_but(e, &want, "more than it should") && ok;
	}
	free(cpuid);
	tap_result(ok, "APIC ID %u, %s", c->apic_id,
		   c->has_apic ? "APIC" : "no APIC");
}

/* With an APIC, features the host lacks are not made up. */
static void test_no_invention(void)
{
	struct kvm_cpuid2 *cpuid = make_cpuid(APIC_ECX);
	bool ok;

	cpuid_for_vcpu(cpuid, 3, true);
	ok = tap_check_u64("x2APIC, TSC deadline",
			   cpuid->entries[1].ecx & APIC_ECX, 0) &&
	     tap_check_u64("APIC", cpuid->entries[1].edx & EDX_APIC,
			   EDX_APIC);
	free(cpuid);
	tap_result(ok, "x2APIC and TSC deadline are never made up");
}

/* Running twice (a vCPU re-created) gives the same answer. */
static void test_twice(void)
{
	struct kvm_cpuid2 *a = make_cpuid(0), *b = make_cpuid(0);
	bool ok;

	cpuid_for_vcpu(a, 5, false);
	cpuid_for_vcpu(b, 9, true);
	cpuid_for_vcpu(b, 5, false);
	ok = !memcmp(a->entries, b->entries, sizeof(supported));
	free(a);
	free(b);
	tap_result(ok, "a second call overrides the first");
}

static void test_empty(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c));

	if (!c)
		exit(1);
	cpuid_for_vcpu(c, 1, true);
	tap_result(c->nent == 0, "no entries: nothing to do");
	free(c);
}

/* No hypervisor behind the descriptor: NULL, nothing leaked. */
static void test_supported_bad_fd(void)
{
	struct kvm_cpuid2 *c = cpuid_supported(-1);

	tap_result(!c, "cpuid_supported on a bad descriptor: NULL");
	free(c);
}

int main(void)
{
	unsigned int i;

	tap_plan(ARRAY_SIZE(cpuid_cases) + 4);
	for (i = 0; i < ARRAY_SIZE(cpuid_cases); i++)
		test_cpuid_case(&cpuid_cases[i]);
	test_no_invention();
	test_twice();
	test_empty();
	test_supported_bad_fd();
	return tap_finish();
}

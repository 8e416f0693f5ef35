// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUID a vCPU shows: what the hypervisor supports
 * (KVM_GET_SUPPORTED_CPUID), with the vCPU's APIC ID filled in, the
 * hypervisor bit set, and the APIC hidden when nothing emulates one.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include "cpuid.h"

#define CPUID_INITIAL_ENTRIES	64
#define CPUID_MAX_ENTRIES	1024

#define CPUID_1_ECX_X2APIC	(1U << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1U << 24)
#define CPUID_1_ECX_HYPERVISOR	(1U << 31)
#define CPUID_1_EDX_APIC	(1U << 9)

struct kvm_cpuid2 *cpuid_supported(int sys_fd)
{
	unsigned int nent = CPUID_INITIAL_ENTRIES;
	struct kvm_cpuid2 *cpuid;

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) +
				  nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return NULL;
		cpuid->nent = nent;
		if (!ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid))
			return cpuid;
		free(cpuid);
		if (errno != E2BIG || nent >= CPUID_MAX_ENTRIES)
			return NULL;
		nent *= 2;
	}
}

/* Fill in @apic_id and hide what the machine lacks. */
void cpuid_for_vcpu(struct kvm_cpuid2 *cpuid, unsigned int apic_id,
		    bool has_apic)
{
	unsigned int i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		switch (e->function) {
		case 0x1:
			e->ebx = (e->ebx & 0x00ffffff) | apic_id << 24;
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			if (!has_apic) {
				e->edx &= ~CPUID_1_EDX_APIC;
				e->ecx &= ~(CPUID_1_ECX_X2APIC |
					    CPUID_1_ECX_TSC_DEADLINE);
			}
			break;
		case 0xb:		/* x2APIC topology: the ID in EDX */
		case 0x1f:
			e->edx = apic_id;
			break;
		case 0x8000001e:	/* AMD: extended APIC ID */
			e->eax = apic_id;
			break;
		default:
			break;
		}
	}
}

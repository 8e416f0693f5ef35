/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KVMLITE_VMM_CPUID_H
#define KVMLITE_VMM_CPUID_H

#include <stdbool.h>
#include <linux/kvm.h>

/* KVM_GET_SUPPORTED_CPUID, however many entries it has; NULL on error. */
struct kvm_cpuid2 *cpuid_supported(int sys_fd);
void cpuid_for_vcpu(struct kvm_cpuid2 *cpuid, unsigned int apic_id,
		    bool has_apic);

#endif /* KVMLITE_VMM_CPUID_H */

// SPDX-License-Identifier: GPL-2.0-only
/* /dev/kvmlite: the system-level ioctls of the KVM ABI. */
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/kvmlite.h>
#include "kvmlite.h"
#include "vcpu.h"
#include "vm.h"

static long dev_get_api_version(unsigned long arg)
{
	if (arg)
		return -EINVAL;
	return KVM_API_VERSION;
}

/*
 * Truthful: a capability is non-zero only once it works end to end, and
 * none of the VM ones while the backend cannot run guests.
 */
long kvmlite_check_extension(unsigned long cap)
{
	if (cap == KVMLITE_CAP_INFO)
		return 1;
	if (!hv->vcpu_run)
		return 0;

	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_SYNC_MMU:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_XSAVE:
	case KVM_CAP_XCRS:
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_USER_NMI:
	case KVM_CAP_DEBUGREGS:
	case KVM_CAP_INTR_SHADOW:
	case KVM_CAP_BINARY_STATS_FD:
		return 1;
	case KVM_CAP_NR_VCPUS:
		return min_t(unsigned int, num_online_cpus(),
			     KVMLITE_MAX_VCPUS);
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return KVMLITE_MAX_VCPUS;
	case KVM_CAP_NR_MEMSLOTS:
		return KVMLITE_MAX_MEMSLOTS;
	default:
		return 0;
	}
}

static long dev_get_vcpu_mmap_size(unsigned long arg)
{
	if (arg)
		return -EINVAL;
	/* struct kvm_run; PIO data shares its page (io.data_offset). */
	return PAGE_SIZE;
}

static long dev_get_info(void __user *argp)
{
	struct kvmlite_info info = {
		.vendor = hv_caps.vendor,
		.nr_asids = hv_caps.nr_asids,
		.features = hv_caps.features,
	};

	if (copy_to_user(argp, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long kvmlite_dev_ioctl(struct file *filp, unsigned int ioctl,
			      unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		return dev_get_api_version(arg);
	case KVM_CREATE_VM:
		return vm_create(arg);
	case KVM_CHECK_EXTENSION:
		return kvmlite_check_extension(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		return dev_get_vcpu_mmap_size(arg);
	case KVM_GET_SUPPORTED_CPUID:
		if (!hv->vcpu_run)
			return -EINVAL;
		return dev_get_supported_cpuid((void __user *)arg);
	case KVM_GET_MSR_INDEX_LIST:
		if (!hv->vcpu_run)
			return -EINVAL;
		return dev_get_msr_index_list((void __user *)arg);
	case KVMLITE_GET_INFO:
		return dev_get_info((void __user *)arg);
	default:
		/* What /dev/kvm answers on x86 for an unknown system ioctl. */
		return -EINVAL;
	}
}

const struct file_operations kvmlite_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvmlite_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

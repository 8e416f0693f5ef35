// SPDX-License-Identifier: GPL-2.0-only
/* /dev/kvmlite: the system-level ioctls of the KVM ABI. */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/kvmlite.h>
#include "kvmlite.h"

static long dev_get_api_version(unsigned long arg)
{
	if (arg)
		return -EINVAL;
	return KVM_API_VERSION;
}

/* Truthful: a capability is 1 only once it works end to end. */
static long dev_check_extension(unsigned long cap)
{
	switch (cap) {
	case KVMLITE_CAP_INFO:
		return 1;
	default:
		return 0;
	}
}

static long dev_get_vcpu_mmap_size(unsigned long arg)
{
	if (arg)
		return -EINVAL;
	/* struct kvm_run; PIO data will share its page (io.data_offset). */
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
	case KVM_CHECK_EXTENSION:
		return dev_check_extension(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		return dev_get_vcpu_mmap_size(arg);
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

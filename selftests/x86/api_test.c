// SPDX-License-Identifier: GPL-2.0-only
/*
 * The system-fd part of the KVM ABI: API version, capability checks, the
 * vCPU mmap size, kvmlite's info extension, and the errno answered to bad
 * ioctls. Run with -d /dev/kvm to check the expectations against KVM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvmlite.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"

#define BAD_POINTER	1UL

/* One ioctl on the system fd and what KVM answers to it. */
struct ioctl_case {
	const char *name;
	unsigned long request;
	unsigned long arg;
	long result;		/* expected return value when errno is 0 */
	int err;		/* expected errno, or 0 for success */
	bool kvmlite_only;	/* exercises one of our extensions */
};

static const struct ioctl_case ioctl_cases[] = {
	{ "API version is 12", KVM_GET_API_VERSION, 0, KVM_API_VERSION },
	{ "API version with a nonzero argument", KVM_GET_API_VERSION, 1,
	  0, EINVAL },
	{ "unknown capability 0x7fffffff", KVM_CHECK_EXTENSION, 0x7fffffff },
	{ "unknown capability ~0UL", KVM_CHECK_EXTENSION, ~0UL },
	{ "unknown capability 100000", KVM_CHECK_EXTENSION, 100000 },
	{ "unknown kvmlite-range capability", KVM_CHECK_EXTENSION,
	  KVMLITE_CAP_BASE + 0xffff },
	{ "vCPU mmap size with a nonzero argument", KVM_GET_VCPU_MMAP_SIZE,
	  1, 0, EINVAL },
	{ "unknown KVM ioctl number", _IO(KVMIO, 0xff), 0, 0, EINVAL },
	{ "foreign ioctl type", _IOR('x', 1, int), 0, 0, EINVAL },
	{ "unknown ioctl with a bad pointer", _IOW(KVMIO, 0xfe, long),
	  BAD_POINTER, 0, EINVAL },
	{ "kvmlite info capability", KVM_CHECK_EXTENSION, KVMLITE_CAP_INFO,
	  1, 0, true },
	{ "kvmlite info to a bad pointer", KVMLITE_GET_INFO, BAD_POINTER,
	  0, EFAULT, true },
	{ "kvmlite info to NULL", KVMLITE_GET_INFO, 0, 0, EFAULT, true },
};

static void run_ioctl_case(const struct kvm_dev *dev,
			   const struct ioctl_case *c)
{
	long ret;
	int err;

	if (c->kvmlite_only && !dev->is_kvmlite) {
		tap_skip("kvmlite extension", "%s", c->name);
		return;
	}
	errno = 0;
	ret = ioctl(dev->fd, c->request, c->arg);
	err = ret < 0 ? errno : 0;
	if (c->err) {
		tap_result(ret == -1 && err == c->err, "%s: -%s", c->name,
			   strerror(c->err));
		if (err != c->err)
			tap_diag("got %ld, errno %d (%s)", ret, err,
				 strerror(err));
	} else {
		tap_result(ret == c->result, "%s: %ld", c->name, c->result);
		if (ret != c->result)
			tap_diag("got %ld, errno %d (%s)", ret, err,
				 strerror(err));
	}
}

static void test_vcpu_mmap_size(const struct kvm_dev *dev)
{
	long size = ioctl(dev->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	long page = sysconf(_SC_PAGESIZE);

	tap_result(size >= (long)sizeof(struct kvm_run) && size % page == 0,
		   "vCPU mmap size %ld holds struct kvm_run in whole pages",
		   size);
}

static const char *cpu_vendor(void)
{
	static char vendor[32];
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return "";
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "vendor_id : %31s", vendor) == 1)
			break;
	fclose(f);
	return vendor;
}

static void test_kvmlite_info(const struct kvm_dev *dev)
{
	static const struct kvmlite_info zero;
	struct kvmlite_info info;
	const char *vendor = cpu_vendor();
	unsigned int expect;

	if (!dev->is_kvmlite) {
		tap_skip("kvmlite extension", "kvmlite info matches the CPU");
		return;
	}
	memset(&info, 0xa5, sizeof(info));
	if (ioctl(dev->fd, KVMLITE_GET_INFO, &info)) {
		tap_result(false, "kvmlite info matches the CPU: %s",
			   strerror(errno));
		return;
	}
	expect = strcmp(vendor, "AuthenticAMD") && strcmp(vendor, "HygonGenuine") ?
		 KVMLITE_VENDOR_INTEL_VMX : KVMLITE_VENDOR_AMD_SVM;
	tap_result(info.vendor == expect && info.nr_asids > 0 &&
		   !memcmp(info.reserved, zero.reserved, sizeof(zero.reserved)),
		   "kvmlite info matches the CPU (%s: vendor %u, %u ASIDs)",
		   vendor, info.vendor, info.nr_asids);
}

/* The fd is a plain handle: opening and closing it must not leak. */
static void test_open_close(const struct kvm_dev *dev)
{
	int i, fd = -1;

	for (i = 0; i < 1000; i++) {
		fd = open(dev->path, O_RDWR | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, KVM_GET_API_VERSION, 0) !=
		    KVM_API_VERSION)
			break;
		close(fd);
	}
	tap_result(i == 1000, "1000 opens and closes of %s", dev->path);
	if (i != 1000 && fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	size_t i;

	kvm_dev_open(&dev, argc, argv);
	tap_plan(ARRAY_SIZE(ioctl_cases) + 3);
	tap_diag("device %s%s", dev.path, dev.is_kvmlite ? " (kvmlite)" : "");

	for (i = 0; i < ARRAY_SIZE(ioctl_cases); i++)
		run_ioctl_case(&dev, &ioctl_cases[i]);
	test_vcpu_mmap_size(&dev);
	test_kvmlite_info(&dev);
	test_open_close(&dev);

	close(dev.fd);
	return tap_finish();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvmlite and KVM take turns with the hardware: while one has a VM, the
 * other's KVM_CREATE_VM fails with EBUSY and the VM that exists keeps
 * working; once it is gone, the other may create VMs. Run with -d DEVICE:
 * the other device is the one that holds a VM first.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvmlite.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	const char *other_path;
	int other, held, vm, vcpu = -1;

	kvm_dev_open(&dev, argc, argv);
	kvm_dev_require_cap(&dev, KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY");
	other_path = dev.is_kvmlite ? "/dev/kvm" : KVMLITE_DEVICE_PATH;
	other = open(other_path, O_RDWR | O_CLOEXEC);
	if (other < 0 ||
	    ioctl(other, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0)
		tap_skip_all("the other hypervisor is not there or has no VMs");

	tap_plan(4);
	held = ioctl(other, KVM_CREATE_VM, 0);
	tap_result(held >= 0, "%s creates a VM", other_path);
	if (held < 0)
		tap_diag("%s", strerror(errno));

	vm = ioctl(dev.fd, KVM_CREATE_VM, 0);
	tap_result(vm == -1 && errno == EBUSY,
		   "meanwhile KVM_CREATE_VM on %s: EBUSY", dev.path);
	if (vm >= 0)
		close(vm);

	if (held >= 0)
		vcpu = ioctl(held, KVM_CREATE_VCPU, 0);
	tap_result(vcpu >= 0 &&
		   ioctl(held, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) > 0,
		   "%s's VM is undisturbed", other_path);
	/* The vCPU holds its VM: both go, and with them the hardware. */
	if (vcpu >= 0)
		close(vcpu);
	if (held >= 0)
		close(held);

	vm = ioctl(dev.fd, KVM_CREATE_VM, 0);
	tap_result(vm >= 0, "once it is gone, %s creates a VM", dev.path);
	if (vm >= 0)
		close(vm);
	close(other);
	return tap_finish();
}

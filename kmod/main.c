// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvmlite: a small type-2 hypervisor behind a KVM-compatible ioctl ABI.
 *
 * Module load picks the vendor backend, checks that every online CPU
 * offers what it needs and registers /dev/kvmlite. Hardware
 * virtualization itself (VMXON, EFER.SVME) is turned on only while VMs
 * exist, so loading kvmlite disturbs no other hypervisor.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/kvmlite.h>
#include "fpu.h"
#include "kvmlite.h"
#include "vm.h"

const struct hv_ops *hv;
struct hv_caps hv_caps;

static const struct hv_ops *const hv_backends[] = {
	&vmx_ops,
	&svm_ops,
};

struct probe_result {
	struct hv_caps caps;
	int err;
};

static void probe_this_cpu(void *data)
{
	struct probe_result *res = data;

	res->err = hv->probe(&res->caps);
}

/*
 * Firmware sets up each CPU on its own, so one CPU may lack or disable
 * what another offers: probe them all and insist they agree.
 */
static int probe_all_cpus(void)
{
	struct probe_result res;
	bool first = true;
	int cpu, err = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		memset(&res, 0, sizeof(res));
		err = smp_call_function_single(cpu, probe_this_cpu, &res, 1);
		if (!err)
			err = res.err;
		if (err) {
			pr_err("%s: CPU %d lacks %s (error %d), not loading\n",
			       hv->name, cpu,
			       res.caps.missing ?: "a working probe", err);
			break;
		}
		if (first) {
			hv_caps = res.caps;
			first = false;
		} else if (res.caps.features != hv_caps.features ||
			   res.caps.nr_asids != hv_caps.nr_asids) {
			pr_err("%s: CPU %d differs from the others in its virtualization features, not loading\n",
			       hv->name, cpu);
			err = -EOPNOTSUPP;
			break;
		}
	}
	cpus_read_unlock();
	return err;
}

static const struct hv_ops *select_backend(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hv_backends); i++)
		if (hv_backends[i]->ident())
			return hv_backends[i];
	return NULL;
}

/* Mode 0660 as /dev/kvm; the group comes from udev (see README). */
static struct miscdevice kvmlite_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KVMLITE_DEVICE_NAME,
	.fops = &kvmlite_dev_fops,
	.mode = 0660,
};

static int __init kvmlite_init(void)
{
	int err;

	hv = select_backend();
	if (!hv) {
		pr_err("CPU vendor has neither VMX nor SVM support in kvmlite, not loading\n");
		return -ENODEV;
	}

	err = probe_all_cpus();
	if (err)
		return err;

	guest_fpu_init();
	err = hv->setup ? hv->setup() : 0;
	if (err)
		return err;
	err = hwvirt_init();
	if (err)
		goto err_teardown;

	/* Before the device: no VM may exist without its family. */
	err = kvmlite_genl_init();
	if (err) {
		pr_err("cannot register the %s netlink family: error %d\n",
		       KVMLITE_GENL_NAME, err);
		goto err_hwvirt;
	}
	err = misc_register(&kvmlite_miscdev);
	if (err) {
		pr_err("cannot register /dev/%s: error %d\n",
		       KVMLITE_DEVICE_NAME, err);
		goto err_genl;
	}

	pr_info("%s: ready, %u guest address-space IDs, features %#llx\n",
		hv->name, hv_caps.nr_asids, hv_caps.features);
	return 0;

err_genl:
	kvmlite_genl_exit();
err_hwvirt:
	hwvirt_exit();
err_teardown:
	if (hv->teardown)
		hv->teardown();
	return err;
}

static void __exit kvmlite_exit(void)
{
	misc_deregister(&kvmlite_miscdev);
	kvmlite_genl_exit();
	hwvirt_exit();
	if (hv->teardown)
		hv->teardown();
}

module_init(kvmlite_init);
module_exit(kvmlite_exit);

MODULE_DESCRIPTION("kvmlite: a small KVM-ABI-compatible hypervisor");
MODULE_LICENSE("GPL");

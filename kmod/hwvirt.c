// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hardware virtualization (VMXON, EFER.SVME) is on, on every online CPU,
 * only while at least one VM exists. Loading kvmlite therefore takes
 * nothing from another hypervisor, and a CPU that comes online while VMs
 * exist is enabled by the hotplug callback before it can run a vCPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include "kvmlite.h"

static DEFINE_MUTEX(hwvirt_lock);
static unsigned int hwvirt_users;	/* VMs alive */
static int hwvirt_cpuhp_state;
static DEFINE_PER_CPU(bool, hwvirt_enabled);

static int hwvirt_cpu_online(unsigned int cpu)
{
	int err = 0;

	local_irq_disable();
	if (!this_cpu_read(hwvirt_enabled)) {
		err = hv->hardware_enable();
		if (!err)
			this_cpu_write(hwvirt_enabled, true);
	}
	local_irq_enable();
	if (err)
		pr_err("%s: cannot enable virtualization on CPU %u (error %d)%s\n",
		       hv->name, cpu, err, err == -EBUSY ?
		       ": another hypervisor (kvm?) holds it" : "");
	return err;
}

static void hwvirt_disable_this_cpu(void *unused)
{
	if (this_cpu_read(hwvirt_enabled)) {
		hv->hardware_disable();
		this_cpu_write(hwvirt_enabled, false);
	}
}

static int hwvirt_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	hwvirt_disable_this_cpu(NULL);
	local_irq_enable();
	return 0;
}

/* Set for good once the machine goes down: no guest entry after it. */
bool hwvirt_rebooting;

/*
 * A reboot or kexec with VMs alive must not leave VMX on: a CPU in VMX
 * operation ignores INIT, and the next kernel would hang bringing it up.
 * vCPUs still running see hwvirt_rebooting before their next entry (it
 * is set before the IPIs that take virtualization away). A crash kexec
 * needs nothing from us up to 6.3: the kernel's crash path turns VMX and
 * SVM off on every CPU itself. From 6.4 it calls the one callback a
 * hypervisor registered instead, and KVM holds that slot while loaded:
 * a crash kexec with kvmlite VMs alive is a known gap there.
 */
static int hwvirt_reboot(struct notifier_block *nb, unsigned long code,
			 void *unused)
{
	WRITE_ONCE(hwvirt_rebooting, true);
	smp_mb();	/* the flag before the IPIs: see vcpu_enter_guest() */
	on_each_cpu(hwvirt_disable_this_cpu, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block hwvirt_reboot_nb = {
	.notifier_call = hwvirt_reboot,
};

/* Called when a VM is created: the first one turns virtualization on. */
int hwvirt_get(void)
{
	int ret = 0;

	mutex_lock(&hwvirt_lock);
	if (!hwvirt_users) {
		ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "kvmlite:online",
					hwvirt_cpu_online, hwvirt_cpu_offline);
		if (ret < 0)
			goto out;
		hwvirt_cpuhp_state = ret;
		ret = 0;
	}
	hwvirt_users++;
out:
	mutex_unlock(&hwvirt_lock);
	return ret;
}

/* Called when a VM dies: the last one turns virtualization off. */
void hwvirt_put(void)
{
	mutex_lock(&hwvirt_lock);
	if (!--hwvirt_users)
		cpuhp_remove_state(hwvirt_cpuhp_state);
	mutex_unlock(&hwvirt_lock);
}

int hwvirt_init(void)
{
	return register_reboot_notifier(&hwvirt_reboot_nb);
}

void hwvirt_exit(void)
{
	unregister_reboot_notifier(&hwvirt_reboot_nb);
}

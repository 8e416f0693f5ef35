// SPDX-License-Identifier: GPL-2.0-only
/* kvmlite run: boot a Linux bzImage on /dev/kvmlite or /dev/kvm. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvmlite.h>
#include "../kvmlite.h"
#include "run_args.h"
#include "vmm.h"

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: kvmlite run --kernel BZIMAGE [--initrd FILE] [--cmdline STR]\n"
		"                   [--mem SIZE] [--cpus N] [--disk FILE[,ro]]...\n"
		"                   [--console serial|virtio] [--device PATH] [--quiet]\n"
		"\n"
		"Boots a Linux bzImage (64-bit boot protocol) in a VM with a 16550A\n"
		"UART on this terminal, virtio-mmio block, console and entropy devices,\n"
		"and ACPI for power-off. Ctrl-A x quits; Ctrl-A Ctrl-A sends Ctrl-A.\n"
		"\n"
		"  -k, --kernel BZIMAGE   the kernel to boot\n"
		"  -i, --initrd FILE      an initramfs\n"
		"  -c, --cmdline STR      appended to the kernel command line\n"
		"  -m, --mem SIZE         guest RAM, e.g. 512M or 2G (default 512M)\n"
		"  -p, --cpus N           vCPUs (default 1; more need an in-kernel irqchip)\n"
		"      --disk FILE[,ro]   a virtio block device on a raw image (up to %d)\n"
		"      --console KIND     serial (default) or virtio: where the terminal goes\n"
		"  -d, --device PATH      the KVM-ABI device (default %s, else /dev/kvm)\n"
		"  -q, --quiet            no status lines of kvmlite's own\n"
		"\n"
		"Exit status: 0 the guest powered off (or Ctrl-A x), 1 a runner or\n"
		"hypervisor error, 2 bad usage, 3 the guest reset the machine (reboot,\n"
		"panic), 4 the guest crashed (triple fault, failed entry), 5 it halted\n"
		"with interrupts off for good, 128+N a signal, or the byte the guest\n"
		"wrote to port 0x%x.\n",
		VMM_MAX_DISKS, KVMLITE_DEVICE_PATH, KVMLITE_RUN_EXIT_PORT);
}

static const char * const stop_names[] = {
	[VMM_RUNNING] = "running",
	[VMM_STOP_POWEROFF] = "power-off",
	[VMM_STOP_HALT] = "halted",
	[VMM_STOP_RESET] = "reset",
	[VMM_STOP_EXIT_PORT] = "exit port",
	[VMM_STOP_CRASH] = "crash",
	[VMM_STOP_QUIT] = "quit",
	[VMM_STOP_ERROR] = "error",
};

/*
 * Where each vCPU was when the user stopped the machine: what one wants
 * to know of a guest that seemed to hang.
 */
static void run_report_vcpus(const struct vmm *vmm)
{
	unsigned int i;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		const struct vcpu *vcpu = &vmm->vcpus[i];
		struct kvm_regs regs;

		if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0)
			continue;
		fprintf(stderr, "kvmlite run: vCPU %u: %s at rip 0x%llx, rflags 0x%llx",
			i, vcpu->halted ? "halted" : "running",
			(unsigned long long)regs.rip,
			(unsigned long long)regs.rflags);
		if (vcpu->last_exit == KVM_EXIT_IO ||
		    vcpu->last_exit == KVM_EXIT_MMIO)
			fprintf(stderr, ", last exit: %s %s 0x%llx",
				vcpu->last_exit == KVM_EXIT_IO ? "port" : "MMIO",
				vcpu->last_write ? "write" : "read",
				(unsigned long long)vcpu->last_addr);
		else if (vcpu->last_exit)
			fprintf(stderr, ", last exit: reason %u",
				vcpu->last_exit);
		else
			fprintf(stderr, ", no exit to userspace yet");
		fputc('\n', stderr);
	}
}

static void run_report(const struct vmm *vmm)
{
	fprintf(stderr, "\nkvmlite run: %s: %s (%s", stop_names[vmm->stop],
		vmm->stop_detail, vmm->device_path);
	if (vmm->marker_ns)
		fprintf(stderr, ", boot marker at %.1f ms",
			(vmm->marker_ns - vmm->start_ns) / 1e6);
	fprintf(stderr, ")\n");
	if (vmm->stop == VMM_STOP_QUIT)
		run_report_vcpus(vmm);
}

int cmd_run(int argc, char **argv)
{
	struct vmm_config cfg;
	char err[256];
	struct vmm vmm;
	int r;

	r = run_args_parse(&cfg, argc, argv, err, sizeof(err));
	if (r == RUN_ARGS_HELP) {
		run_usage(stdout);
		return 0;
	}
	if (r) {
		fprintf(stderr, "kvmlite run: %s\n", err);
		fprintf(stderr, "Try 'kvmlite run --help'.\n");
		return 2;
	}
	if (vmm_create(&vmm, &cfg)) {
		vmm_destroy(&vmm);
		return 1;
	}
	r = vmm_run(&vmm);
	if (!cfg.quiet)
		run_report(&vmm);
	/* A thread we could not stop may still use the machine: just go. */
	if (vmm.stuck)
		_exit(r);
	vmm_destroy(&vmm);
	return r;
}

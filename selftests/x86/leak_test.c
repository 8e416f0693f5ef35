// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM teardown gives everything back: 1000 VM create/run/destroy cycles,
 * measured in a memory cgroup of their own. Both hypervisors charge
 * their per-VM kernel memory to the creating process's cgroup
 * (GFP_KERNEL_ACCOUNT), so what a leak keeps shows in memory.current.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define CGROOT		"/sys/fs/cgroup"
#define CYCLES		1000
#define WARMUP		50
/* Slack for caches that grow once and slab pages freed after RCU. */
#define MAX_GROWTH	(2 << 20)

GUEST_CODE(leak_guest, ".code64", "outb %al, $0x10\n hlt\n");

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = fputs(text, f) < 0 || fflush(f) ? -errno : 0;
	fclose(f);
	return err;
}

static long long read_number(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Move ourselves into a fresh memory cgroup; its memory.current path. */
static const char *enter_cgroup(char *current, size_t len)
{
	char dir[128], pid[32];

	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CGROOT, "cgroup2", 0, NULL))
		return NULL;
	if (write_file(CGROOT "/cgroup.subtree_control", "+memory"))
		return NULL;
	snprintf(dir, sizeof(dir), CGROOT "/leak_test.%d", getpid());
	if (mkdir(dir, 0755) && errno != EEXIST)
		return NULL;
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(current, len, "%s/cgroup.procs", dir);
	if (write_file(current, pid))
		return NULL;
	snprintf(current, len, "%s/memory.current", dir);
	return current;
}

static void leave_cgroup(char *current)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(CGROOT "/cgroup.procs", pid);
	*strrchr(current, '/') = '\0';
	rmdir(current);
}

static int cycles(const struct kvm_dev *dev, int n)
{
	struct guest g;
	int i, err;

	for (i = 0; i < n; i++) {
		err = guest_create(&g, dev, VCPU_MODE_LONG, leak_guest_start,
				   leak_guest_end);
		if (err)
			return err;
		if (!vcpu_run(&g.vcpu))
			err = -EIO;
		guest_destroy(&g);
		if (err)
			return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long long before, after;
	struct kvm_dev dev;
	char current[160];
	int err;

	kvm_dev_open(&dev, argc, argv);
	vm_skip_unless_supported(&dev);
	if (!enter_cgroup(current, sizeof(current)))
		tap_skip_all("no memory cgroup to measure in");
	tap_plan(2);

	err = cycles(&dev, WARMUP);
	before = read_number(current);
	err = err ?: cycles(&dev, CYCLES);
	sleep(1);	/* let RCU-deferred frees happen */
	after = read_number(current);
	tap_result(!err, "%d VM create/run/destroy cycles", CYCLES);
	if (err)
		tap_diag("%s", strerror(-err));
	tap_result(before >= 0 && after >= 0 && after - before < MAX_GROWTH,
		   "memory charged to the cgroup grew by %lld bytes (< %d)",
		   after - before, MAX_GROWTH);
	leave_cgroup(current);
	return tap_finish();
}

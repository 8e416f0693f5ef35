/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine `kvmlite run` builds: a VM on a KVM-ABI device, its RAM,
 * its buses and devices, and one host thread per vCPU.
 *
 * Guest-physical layout:
 *
 *   0x00000000  real-mode area: boot GDT, boot page tables, boot_params,
 *               command line (see boot.c); RAM
 *   0x000e0000  ACPI tables (reserved in the e820 map)
 *   0x00100000  the kernel, then RAM; the initrd at the top of low RAM
 *   0xc0000000  the 32-bit MMIO hole: virtio-mmio devices at 0xd0000000
 *   0xfec00000  IOAPIC, 0xfee00000 local APICs (in-kernel irqchip only)
 *   4 GiB       RAM above the hole, when there is more than 3 GiB
 *
 * Locking: everything set up before the vCPUs start is read-only after;
 * vmm->lock guards the stop state and the halted vCPU's wait.
 */
#ifndef KVMLITE_VMM_VMM_H
#define KVMLITE_VMM_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>
#include "bus.h"
#include "compiler.h"
#include "console.h"
#include "guest_mem.h"
#include "hw/debug_port.h"

#define VMM_MEM_HOLE_START	0xc0000000ULL
#define VMM_VIRTIO_MMIO_BASE	0xd0000000ULL
#define VMM_VIRTIO_MMIO_STRIDE	0x1000ULL
#define VMM_MAX_DISKS		4
#define VMM_MAX_VIRTIO		8
#define VMM_MAX_VCPUS		32
#define VMM_MIN_MEM		(32ULL << 20)

enum vmm_console {
	VMM_CONSOLE_SERIAL,
	VMM_CONSOLE_VIRTIO,
};

struct vmm_disk {
	const char *path;
	bool read_only;
};

struct vmm_config {
	const char *kernel;
	const char *initrd;
	const char *cmdline;		/* appended to ours */
	const char *device;		/* NULL: /dev/kvmlite, else /dev/kvm */
	uint64_t mem_size;
	unsigned int nr_cpus;
	struct vmm_disk disks[VMM_MAX_DISKS];
	unsigned int nr_disks;
	enum vmm_console console;
	bool quiet;			/* no status lines of our own */
};

/* Why the machine stopped; the runner's exit status follows from it. */
enum vmm_stop {
	VMM_RUNNING,
	VMM_STOP_POWEROFF,		/* ACPI S5 */
	VMM_STOP_HALT,			/* halted with interrupts off */
	VMM_STOP_RESET,			/* the guest reset the machine */
	VMM_STOP_EXIT_PORT,		/* the guest wrote a status */
	VMM_STOP_CRASH,			/* triple fault, failed entry, ... */
	VMM_STOP_QUIT,			/* Ctrl-A x, or a signal */
	VMM_STOP_ERROR,			/* the runner or hypervisor failed */
};

struct vcpu;
struct pic;
struct pit;
struct serial;
struct rtc;
struct i8042;
struct acpi_pm;
struct virtio_mmio;

struct virtio_slot {
	struct virtio_mmio *dev;
	uint64_t base;
	unsigned int irq;
};

struct vmm {
	const struct vmm_config *cfg;
	const char *device_path;	/* the device in use */
	int sys_fd;
	int vm_fd;
	int run_size;			/* KVM_GET_VCPU_MMAP_SIZE */
	/*
	 * The hypervisor emulates the PIC, IOAPIC, local APICs and PIT
	 * (KVM_CAP_IRQCHIP); otherwise the runner's own PIC and PIT do,
	 * for one vCPU.
	 */
	bool irqchip;
	struct guest_mem mem;
	struct bus pio;
	struct bus mmio;

	struct pic *pic;		/* !irqchip only */
	struct pit *pit;		/* !irqchip only */
	struct serial *serial;
	struct rtc *rtc;
	struct i8042 *i8042;
	struct acpi_pm *acpi_pm;
	struct debug_port debug_port;
	struct virtio_slot virtio[VMM_MAX_VIRTIO];
	unsigned int nr_virtio;
	struct virtio_mmio *virtio_console;
	struct console_input console_in;

	struct vcpu *vcpus;
	unsigned int nr_vcpus;

	pthread_mutex_t lock;
	pthread_cond_t wake;		/* a halted vCPU waits here */
	int stop_pipe[2];		/* readable once stopped */
	enum vmm_stop stop;		/* under lock; the first reason wins */
	int exit_code;
	char stop_detail[160];

	bool stuck;			/* a vCPU thread did not stop */
	uint64_t start_ns;		/* CLOCK_MONOTONIC at the first entry */
	uint64_t marker_ns;		/* the guest's first boot marker, or 0 */
};

struct vcpu {
	struct vmm *vmm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool started;
	bool halted;			/* by its thread; read once joined */
	/* The last exit to us, by its thread, for the report of a hang. */
	uint32_t last_exit;		/* kvm_run's exit_reason */
	uint64_t last_addr;		/* the port or MMIO address */
	bool last_write;
};

/* Build the machine and load the kernel. 0, or -1 with a message printed. */
int vmm_create(struct vmm *vmm, const struct vmm_config *cfg);
/* Run until the machine stops; returns the runner's exit status. */
int vmm_run(struct vmm *vmm);
void vmm_destroy(struct vmm *vmm);

/* Stop the machine (the first reason wins) and wake every thread. */
__printf(4, 5)
void vmm_stop(struct vmm *vmm, enum vmm_stop reason, int exit_code,
	      const char *fmt, ...);
bool vmm_stopping(struct vmm *vmm);
/* An interrupt may be waiting: wake the vCPUs (userspace PIC only). */
void vmm_kick(void *vmm);

uint64_t vmm_now_ns(void);

/* vcpu.c */
int vcpu_kick_init(void);
int vcpu_create(struct vmm *vmm, struct vcpu *vcpu, unsigned int id);
int vcpu_start(struct vcpu *vcpu);
void vcpu_kick(struct vcpu *vcpu);
/* Kick and join, waiting at most @timeout_ms; false if it did not end. */
bool vcpu_join(struct vcpu *vcpu, unsigned int timeout_ms);
void vcpu_destroy(struct vcpu *vcpu);

#endif /* KVMLITE_VMM_VMM_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building the machine: the VM, its RAM, the devices on their buses and
 * interrupt lines, the ACPI tables, the kernel and the vCPUs. Also the
 * machine's stop state, which every thread may set and reads.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvmlite.h>
#include "acpi.h"
#include "boot.h"
#include "cpuid.h"
#include "hw/acpi_pm.h"
#include "hw/i8042.h"
#include "hw/pic.h"
#include "hw/pit.h"
#include "hw/rtc.h"
#include "hw/serial.h"
#include "irq.h"
#include "term.h"
#include "virtio/virtio.h"
#include "vmm.h"

#define KVM_API_VERSION_EXPECTED	12
/* Below the BIOS ROM, where QEMU and kvmtool put it too (Intel only). */
#define VMM_TSS_GPA			0xfffbd000ULL
#define VMM_MAX_FILE_SIZE		(1ULL << 31)
/* How long a stopped machine's vCPU threads get to come back. */
#define VMM_JOIN_TIMEOUT_MS		5000

/* ISA IRQs no legacy device of ours uses, for the virtio devices. */
static const unsigned int virtio_irqs[VMM_MAX_VIRTIO] = {
	5, 6, 7, 10, 11, 12, 14, 15,
};

#define vmm_error(fmt, ...) \
	fprintf(stderr, "kvmlite run: " fmt "\n", ##__VA_ARGS__)

uint64_t vmm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void vmm_stop(struct vmm *vmm, enum vmm_stop reason, int exit_code,
	      const char *fmt, ...)
{
	bool first = false;
	unsigned int i;
	va_list ap;

	pthread_mutex_lock(&vmm->lock);
	if (vmm->stop == VMM_RUNNING) {
		vmm->stop = reason;
		vmm->exit_code = exit_code;
		va_start(ap, fmt);
		vsnprintf(vmm->stop_detail, sizeof(vmm->stop_detail), fmt, ap);
		va_end(ap);
		first = true;
	}
	pthread_cond_broadcast(&vmm->wake);
	pthread_mutex_unlock(&vmm->lock);
	if (!first)
		return;
	if (write(vmm->stop_pipe[1], "", 1) < 0)
		perror("kvmlite run: stop pipe");
	for (i = 0; i < vmm->nr_vcpus; i++)
		vcpu_kick(&vmm->vcpus[i]);
}

bool vmm_stopping(struct vmm *vmm)
{
	bool stopping;

	pthread_mutex_lock(&vmm->lock);
	stopping = vmm->stop != VMM_RUNNING;
	pthread_mutex_unlock(&vmm->lock);
	return stopping;
}

void vmm_kick(void *opaque)
{
	struct vmm *vmm = opaque;

	pthread_mutex_lock(&vmm->lock);
	pthread_cond_broadcast(&vmm->wake);
	pthread_mutex_unlock(&vmm->lock);
	/* The PIC's INTR goes to the boot processor, the only vCPU. */
	if (vmm->nr_vcpus)
		vcpu_kick(&vmm->vcpus[0]);
}

/* The interrupt lines, by who emulates the controllers. */
static void vmm_irq_set(void *opaque, unsigned int pin, bool level)
{
	struct vmm *vmm = opaque;
	struct kvm_irq_level irq = { .irq = pin, .level = level };

	if (!vmm->irqchip) {
		pic_set_irq(vmm->pic, pin, level);
		return;
	}
	if (ioctl(vmm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		vmm_stop(vmm, VMM_STOP_ERROR, 1, "KVM_IRQ_LINE %u: %s", pin,
			 strerror(errno));
}

static struct irq_line vmm_irq_line(struct vmm *vmm, unsigned int pin)
{
	return (struct irq_line){ vmm_irq_set, vmm, pin };
}

static void vmm_power_off(void *opaque)
{
	vmm_stop(opaque, VMM_STOP_POWEROFF, 0, "the guest powered off");
}

static void vmm_reset(void *opaque)
{
	vmm_stop(opaque, VMM_STOP_RESET, 3, "the guest reset the machine");
}

static void vmm_exit_port(void *opaque, uint8_t status)
{
	vmm_stop(opaque, VMM_STOP_EXIT_PORT, status,
		 "the guest asked to exit with status %u", status);
}

static void vmm_marker(void *opaque, uint8_t value)
{
	struct vmm *vmm = opaque;
	uint64_t now = vmm_now_ns();

	pthread_mutex_lock(&vmm->lock);
	if (!vmm->marker_ns)
		vmm->marker_ns = now;
	pthread_mutex_unlock(&vmm->lock);
}

static const struct acpi_pm_ops vmm_acpi_pm_ops = {
	.power_off = vmm_power_off,
	.reset = vmm_reset,
};

static const struct debug_port_ops vmm_debug_port_ops = {
	.exit = vmm_exit_port,
	.marker = vmm_marker,
};

/*
 * The device: the one asked for, else /dev/kvmlite, else /dev/kvm with
 * a notice. Errors name the fix.
 */
static int vmm_open_device(struct vmm *vmm)
{
	const char *path = vmm->cfg->device;
	int fd, version;

	if (!path) {
		path = KVMLITE_DEVICE_PATH;
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			if (!vmm->cfg->quiet)
				fprintf(stderr,
					"kvmlite run: %s is missing (kvmlite.ko not loaded?); using /dev/kvm\n",
					path);
			path = "/dev/kvm";
			fd = open(path, O_RDWR | O_CLOEXEC);
		}
	} else {
		fd = open(path, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0) {
		vmm_error("%s: %s%s", path, strerror(errno),
			  errno == ENOENT ?
			  " (load kvmlite.ko, or kvm_intel/kvm_amd for /dev/kvm)" :
			  errno == EACCES ? " (join the kvm group)" : "");
		return -1;
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION_EXPECTED) {
		vmm_error("%s: not a KVM device (API version %d)", path,
			  version);
		close(fd);
		return -1;
	}
	vmm->sys_fd = fd;
	vmm->device_path = path;
	return 0;
}

static int vmm_create_vm(struct vmm *vmm)
{
	const struct vmm_config *cfg = vmm->cfg;
	int max_vcpus;

	vmm->vm_fd = ioctl(vmm->sys_fd, KVM_CREATE_VM, 0);
	if (vmm->vm_fd < 0) {
		vmm_error("%s: KVM_CREATE_VM: %s%s", vmm->device_path,
			  strerror(errno),
			  errno == EBUSY ?
			  " (another hypervisor holds VMX/SVM)" : "");
		return -1;
	}
	vmm->run_size = ioctl(vmm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vmm->run_size < (int)sizeof(struct kvm_run)) {
		vmm_error("%s: KVM_GET_VCPU_MMAP_SIZE: %s", vmm->device_path,
			  strerror(errno));
		return -1;
	}
	vmm->irqchip = ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION,
			     KVM_CAP_IRQCHIP) > 0;
	if (!vmm->irqchip && cfg->nr_cpus > 1) {
		vmm_error("--cpus %u needs an in-kernel irqchip, which %s does not offer",
			  cfg->nr_cpus, vmm->device_path);
		return -1;
	}
	max_vcpus = ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max_vcpus <= 0)
		max_vcpus = ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION,
				  KVM_CAP_NR_VCPUS);
	if (max_vcpus > 0 && cfg->nr_cpus > (unsigned int)max_vcpus) {
		vmm_error("--cpus %u: %s runs at most %d vCPUs", cfg->nr_cpus,
			  vmm->device_path, max_vcpus);
		return -1;
	}
	/*
	 * Intel without unrestricted guest needs a TSS for real mode; the
	 * call is harmless elsewhere and kvmlite accepts it too.
	 */
	if (ioctl(vmm->vm_fd, KVM_SET_TSS_ADDR, VMM_TSS_GPA) < 0) {
		vmm_error("KVM_SET_TSS_ADDR: %s", strerror(errno));
		return -1;
	}
	if (!vmm->irqchip)
		return 0;
	if (ioctl(vmm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		vmm_error("KVM_CREATE_IRQCHIP: %s", strerror(errno));
		return -1;
	}
	{
		struct kvm_pit_config pit = { .flags = 0 };

		if (ioctl(vmm->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
			vmm_error("KVM_CREATE_PIT2: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int vmm_create_memory(struct vmm *vmm)
{
	unsigned int i;
	int r;

	r = guest_mem_create(&vmm->mem, vmm->cfg->mem_size,
			     VMM_MEM_HOLE_START);
	if (r) {
		vmm_error("guest memory of %llu MiB: %s",
			  (unsigned long long)vmm->cfg->mem_size >> 20,
			  strerror(-r));
		return -1;
	}
	for (i = 0; i < vmm->mem.nr_ranges; i++) {
		const struct guest_mem_range *range = &vmm->mem.ranges[i];
		struct kvm_userspace_memory_region region = {
			.slot = i,
			.guest_phys_addr = range->gpa,
			.memory_size = range->size,
			.userspace_addr = (uintptr_t)range->host,
		};

		if (ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
			vmm_error("KVM_SET_USER_MEMORY_REGION: %s",
				  strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int vmm_claim_failed(const char *what, int r)
{
	vmm_error("%s: cannot claim its ports: %s", what, strerror(-r));
	return -1;
}

/* The PC devices at their legacy ports. */
static int vmm_create_legacy_devices(struct vmm *vmm)
{
	struct irq_line line;
	int r;

	if (!vmm->irqchip) {
		vmm->pic = pic_create(vmm_kick, vmm);
		line = vmm_irq_line(vmm, 0);
		vmm->pit = pit_create(&line);
		if (!vmm->pic || !vmm->pit)
			goto nomem;
		r = pic_attach(vmm->pic, &vmm->pio);
		if (r)
			return vmm_claim_failed("pic", r);
		r = pit_attach(vmm->pit, &vmm->pio);
		if (r)
			return vmm_claim_failed("pit", r);
	}

	line = vmm_irq_line(vmm, SERIAL_COM1_IRQ);
	vmm->serial = serial_create(&line, STDOUT_FILENO);
	vmm->rtc = rtc_create();
	line = vmm_irq_line(vmm, I8042_KBD_IRQ);
	vmm->i8042 = i8042_create(&line, vmm_reset, vmm);
	vmm->acpi_pm = acpi_pm_create(&vmm_acpi_pm_ops, vmm);
	if (!vmm->serial || !vmm->rtc || !vmm->i8042 || !vmm->acpi_pm)
		goto nomem;
	r = serial_attach(vmm->serial, &vmm->pio, SERIAL_COM1_BASE);
	if (r)
		return vmm_claim_failed("serial", r);
	r = rtc_attach(vmm->rtc, &vmm->pio);
	if (r)
		return vmm_claim_failed("rtc", r);
	r = i8042_attach(vmm->i8042, &vmm->pio);
	if (r)
		return vmm_claim_failed("i8042", r);
	r = acpi_pm_attach(vmm->acpi_pm, &vmm->pio);
	if (r)
		return vmm_claim_failed("acpi-pm", r);
	vmm->debug_port = (struct debug_port){ &vmm_debug_port_ops, vmm };
	r = debug_port_attach(&vmm->debug_port, &vmm->pio);
	if (r)
		return vmm_claim_failed("debug port", r);
	vmm->console_in = (struct console_input){ serial_receive,
						  vmm->serial };
	return 0;
nomem:
	vmm_error("out of memory for the devices");
	return -1;
}

/* The next virtio-mmio slot for @dev: its window and interrupt. */
static int vmm_add_virtio(struct vmm *vmm, struct virtio_mmio *dev,
			  const char *name)
{
	struct virtio_slot *slot = &vmm->virtio[vmm->nr_virtio];
	int r;

	slot->dev = dev;
	slot->base = VMM_VIRTIO_MMIO_BASE +
		     vmm->nr_virtio * VMM_VIRTIO_MMIO_STRIDE;
	slot->irq = virtio_irqs[vmm->nr_virtio];
	vmm->nr_virtio++;
	r = bus_claim(&vmm->mmio, slot->base, VIRTIO_MMIO_SIZE, name,
		      &virtio_mmio_bus_ops, dev);
	if (r)
		return vmm_claim_failed(name, r);
	return 0;
}

static int vmm_create_virtio_devices(struct vmm *vmm)
{
	const struct vmm_config *cfg = vmm->cfg;
	struct virtio_mmio *dev;
	struct irq_line line;
	char err[256];
	unsigned int i;

	for (i = 0; i < cfg->nr_disks; i++) {
		line = vmm_irq_line(vmm, virtio_irqs[vmm->nr_virtio]);
		dev = virtio_blk_create(&vmm->mem, &line, cfg->disks[i].path,
					cfg->disks[i].read_only, err,
					sizeof(err));
		if (!dev) {
			vmm_error("--disk %s", err);
			return -1;
		}
		if (vmm_add_virtio(vmm, dev, "virtio-blk"))
			return -1;
	}
	if (cfg->console == VMM_CONSOLE_VIRTIO) {
		line = vmm_irq_line(vmm, virtio_irqs[vmm->nr_virtio]);
		dev = virtio_console_create(&vmm->mem, &line, STDOUT_FILENO,
					    err, sizeof(err));
		if (!dev) {
			vmm_error("virtio console: %s", err);
			return -1;
		}
		if (vmm_add_virtio(vmm, dev, "virtio-console"))
			return -1;
		vmm->virtio_console = dev;
		vmm->console_in = (struct console_input){
			virtio_console_receive, dev };
	}
	line = vmm_irq_line(vmm, virtio_irqs[vmm->nr_virtio]);
	dev = virtio_rng_create(&vmm->mem, &line, err, sizeof(err));
	if (!dev) {
		vmm_error("virtio rng: %s", err);
		return -1;
	}
	return vmm_add_virtio(vmm, dev, "virtio-rng");
}

static uint64_t vmm_build_acpi(struct vmm *vmm)
{
	struct acpi_mmio_device virtio[VMM_MAX_VIRTIO];
	struct acpi_config acpi = {
		.nr_cpus = vmm->cfg->nr_cpus,
		.apics = vmm->irqchip,
		.virtio = virtio,
		.nr_virtio = vmm->nr_virtio,
	};
	unsigned int i;

	for (i = 0; i < vmm->nr_virtio; i++)
		virtio[i] = (struct acpi_mmio_device){
			vmm->virtio[i].base, VIRTIO_MMIO_SIZE,
			vmm->virtio[i].irq };
	return acpi_build(&vmm->mem, &acpi);
}

/* A whole file in memory, refusing what cannot be a kernel or initrd. */
static void *vmm_read_file(const char *what, const char *path, size_t *size)
{
	struct stat st;
	void *data;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vmm_error("%s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size ||
	    (uint64_t)st.st_size > VMM_MAX_FILE_SIZE) {
		vmm_error("%s %s: not a regular file of 1 byte to 2 GiB", what,
			  path);
		close(fd);
		return NULL;
	}
	data = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED) {
		vmm_error("%s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	*size = st.st_size;
	return data;
}

/*
 * Our part of the command line: where the console is, and that a panic
 * should reset the machine (which ends the run) rather than hang it.
 * With the virtio console, the UART is the early console until hvc0
 * takes over, which then starts with the next message: each shows once.
 */
static char *vmm_cmdline(const struct vmm_config *cfg)
{
	const char *ours = cfg->console == VMM_CONSOLE_VIRTIO ?
			   "console=hvc0 earlycon=uart8250,io,0x3f8 panic=-1" :
			   "console=ttyS0 panic=-1";
	const char *user = cfg->cmdline ? cfg->cmdline : "";
	size_t len = strlen(ours) + 1 + strlen(user) + 1;
	char *cmdline = malloc(len);

	if (cmdline)
		snprintf(cmdline, len, "%s%s%s", ours, *user ? " " : "", user);
	return cmdline;
}

static int vmm_load_kernel(struct vmm *vmm, uint64_t rsdp,
			   struct boot_entry *entry)
{
	const struct vmm_config *cfg = vmm->cfg;
	size_t kernel_size, initrd_size = 0;
	uint8_t *kernel, *initrd = NULL;
	struct boot_image img;
	char err[256], *cmdline = NULL;
	int r = -1;

	kernel = vmm_read_file("--kernel", cfg->kernel, &kernel_size);
	if (!kernel)
		return -1;
	if (boot_image_parse(&img, kernel, kernel_size, err, sizeof(err))) {
		vmm_error("--kernel %s: %s", cfg->kernel, err);
		goto out;
	}
	if (cfg->initrd) {
		initrd = vmm_read_file("--initrd", cfg->initrd, &initrd_size);
		if (!initrd)
			goto out;
	}
	cmdline = vmm_cmdline(cfg);
	if (!cmdline) {
		vmm_error("out of memory");
		goto out;
	}
	if (boot_load(&vmm->mem, &img, initrd, initrd_size, cmdline, rsdp,
		      entry, err, sizeof(err))) {
		vmm_error("%s (--mem %llu MiB)", err,
			  (unsigned long long)cfg->mem_size >> 20);
		goto out;
	}
	r = 0;
out:
	free(cmdline);
	if (initrd)
		munmap(initrd, initrd_size);
	munmap(kernel, kernel_size);
	return r;
}

/*
 * The boot processor at the 64-bit entry: long mode, the boot GDT's
 * flat segments, the identity map, RSI at boot_params, interrupts off.
 */
static int vmm_setup_bsp(struct vmm *vmm, const struct boot_entry *entry)
{
	struct vcpu *vcpu = &vmm->vcpus[0];
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = BOOT_CS,
		.type = 11, .present = 1, .dpl = 0, .db = 0, .s = 1,
		.l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = BOOT_DS,
		.type = 3, .present = 1, .dpl = 0, .db = 1, .s = 1,
		.l = 0, .g = 1,
	};
	struct kvm_regs regs = {
		.rip = entry->rip,
		.rsi = BOOT_PARAMS_GPA,
		.rsp = BOOT_STACK_TOP,
		.rbp = BOOT_STACK_TOP,
		.rflags = 0x2,
	};
	struct kvm_sregs sregs;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		goto fail;
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	sregs.gdt.base = BOOT_GDT_GPA;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.cr3 = BOOT_PML4_GPA;
	sregs.cr4 = 1 << 5;			/* PAE */
	sregs.cr0 = 1 << 0 | 1 << 4 | 1U << 31;	/* PE, ET, PG */
	sregs.efer = 1 << 8 | 1 << 10;		/* LME, LMA */
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		goto fail;
	return 0;
fail:
	vmm_error("vCPU 0: setting the boot state: %s", strerror(errno));
	return -1;
}

static int vmm_create_vcpus(struct vmm *vmm)
{
	unsigned int i;

	vmm->vcpus = calloc(vmm->cfg->nr_cpus, sizeof(*vmm->vcpus));
	if (!vmm->vcpus) {
		vmm_error("out of memory");
		return -1;
	}
	for (i = 0; i < vmm->cfg->nr_cpus; i++) {
		if (vcpu_create(vmm, &vmm->vcpus[i], i))
			return -1;
		vmm->nr_vcpus++;
	}
	return 0;
}

int vmm_create(struct vmm *vmm, const struct vmm_config *cfg)
{
	struct boot_entry entry;
	uint64_t rsdp;

	memset(vmm, 0, sizeof(*vmm));
	vmm->cfg = cfg;
	vmm->sys_fd = -1;
	vmm->vm_fd = -1;
	vmm->stop_pipe[0] = vmm->stop_pipe[1] = -1;
	pthread_mutex_init(&vmm->lock, NULL);
	pthread_cond_init(&vmm->wake, NULL);
	/* Non-blocking: the signal handler writes to it too. */
	if (pipe2(vmm->stop_pipe, O_CLOEXEC | O_NONBLOCK)) {
		vmm_error("pipe: %s", strerror(errno));
		return -1;
	}
	if (vmm_open_device(vmm) || vmm_create_vm(vmm) ||
	    vmm_create_memory(vmm) || vmm_create_legacy_devices(vmm) ||
	    vmm_create_virtio_devices(vmm))
		return -1;
	rsdp = vmm_build_acpi(vmm);
	if (!rsdp) {
		vmm_error("the ACPI tables do not fit");
		return -1;
	}
	if (vmm_load_kernel(vmm, rsdp, &entry) || vmm_create_vcpus(vmm) ||
	    vmm_setup_bsp(vmm, &entry))
		return -1;
	return 0;
}

void vmm_destroy(struct vmm *vmm)
{
	unsigned int i;

	/*
	 * The threads first, the PIT's before the vCPUs' (its interrupts
	 * kick them): nothing may touch a device after this.
	 */
	pit_destroy(vmm->pit);
	for (i = 0; i < vmm->nr_vcpus; i++)
		vcpu_destroy(&vmm->vcpus[i]);
	vmm->nr_vcpus = 0;
	free(vmm->vcpus);
	for (i = 0; i < vmm->nr_virtio; i++)
		virtio_mmio_destroy(vmm->virtio[i].dev);
	acpi_pm_destroy(vmm->acpi_pm);
	i8042_destroy(vmm->i8042);
	rtc_destroy(vmm->rtc);
	serial_destroy(vmm->serial);
	pic_destroy(vmm->pic);
	bus_release(&vmm->pio);
	bus_release(&vmm->mmio);
	/* The VM before its memory: no memslot outlives the mapping. */
	if (vmm->vm_fd >= 0)
		close(vmm->vm_fd);
	guest_mem_destroy(&vmm->mem);
	if (vmm->sys_fd >= 0)
		close(vmm->sys_fd);
	if (vmm->stop_pipe[0] >= 0) {
		close(vmm->stop_pipe[0]);
		close(vmm->stop_pipe[1]);
	}
	pthread_cond_destroy(&vmm->wake);
	pthread_mutex_destroy(&vmm->lock);
}

/* Lock-free atomics are safe to touch from a signal handler. */
static atomic_int vmm_signal;
static atomic_int vmm_signal_fd = -1;

/*
 * SIGINT, SIGTERM: wake the input loop, which stops the machine. A
 * second one, when the first did not end it, ends the runner at once.
 */
static void vmm_signal_handler(int sig)
{
	int saved = errno;
	ssize_t written;

	if (atomic_exchange(&vmm_signal, sig)) {
		term_restore();
		signal(sig, SIG_DFL);
		raise(sig);
	}
	/* A failure means a full pipe: the loop is awake already. */
	written = write(atomic_load(&vmm_signal_fd), "", 1);
	(void)written;
	errno = saved;
}

int vmm_run(struct vmm *vmm)
{
	struct sigaction sa = { .sa_handler = vmm_signal_handler };
	unsigned int i;
	int r, sig;

	r = vcpu_kick_init();
	if (r) {
		vmm_error("sigaction: %s", strerror(-r));
		return 1;
	}
	atomic_store(&vmm_signal_fd, vmm->stop_pipe[1]);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A closed stdout is the console device's error, not our death. */
	signal(SIGPIPE, SIG_IGN);

	vmm->start_ns = vmm_now_ns();
	for (i = 0; i < vmm->nr_vcpus; i++) {
		r = vcpu_start(&vmm->vcpus[i]);
		if (r)
			vmm_stop(vmm, VMM_STOP_ERROR, 1, "vCPU %u thread: %s",
				 i, strerror(-r));
	}
	if (vmm->pit) {
		r = pit_start(vmm->pit);
		if (r)
			vmm_stop(vmm, VMM_STOP_ERROR, 1, "PIT thread: %s",
				 strerror(-r));
	}
	r = term_raw_enter();
	if (r)
		vmm_error("terminal: %s (input stays cooked)", strerror(-r));
	term_input_loop(vmm);
	sig = atomic_load(&vmm_signal);
	if (sig)
		vmm_stop(vmm, VMM_STOP_QUIT, 128 + sig, "stopped by signal %d",
			 sig);
	/*
	 * The terminal comes back before we wait: a vCPU blocked writing
	 * to a terminal that takes no more output must not leave it raw.
	 */
	term_restore();
	for (i = 0; i < vmm->nr_vcpus; i++) {
		if (!vcpu_join(&vmm->vcpus[i], VMM_JOIN_TIMEOUT_MS)) {
			vmm_error("vCPU %u did not stop (blocked writing the console?)",
				  i);
			vmm->stuck = true;
		}
	}
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = SIG_DFL }, NULL);
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = SIG_DFL }, NULL);
	atomic_store(&vmm_signal_fd, -1);
	return vmm->exit_code;
}

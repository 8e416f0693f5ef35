// SPDX-License-Identifier: GPL-2.0-only
/*
 * `kvmlite run` from the outside: tiny bzImages whose 64-bit entry is a
 * few instructions end the run every way a guest can (power-off through
 * ACPI, reset through ACPI and the 8042, the exit port, a triple fault,
 * a halt with interrupts off, a signal while it spins), one writes
 * garbage to every device, and bad command lines get their errors. Each
 * case checks the runner's exit status and its status line.
 *
 * The runner is "kvmlite" on PATH, or $KVMLITE.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <asm/bootparam.h>
#include <linux/kvmlite.h>
#include "../lib/kvm_dev.h"
#include "../lib/tap.h"
#include "../lib/vm.h"

#define RUN_TIMEOUT_S		120
#define SETUP_SECTS		1
#define KERNEL_OFFSET		((SETUP_SECTS + 1) * 512)
#define ENTRY_OFFSET		0x200
#define OUT_PATH		"/tmp/run_test.out"
#define ERR_PATH		"/tmp/run_test.err"
#define IMAGE_PATH		"/tmp/run_test.bzImage"

/* Exit port with 42. */
GUEST_CODE(exit42, ".code64",
	   "mov $42, %al\n mov $" __stringify(KVMLITE_RUN_EXIT_PORT) ", %dx\n"
	   "out %al, %dx\n hlt\n");
/* A boot marker, then exit port with 7. */
GUEST_CODE(marker, ".code64",
	   "mov $" __stringify(KVMLITE_RUN_MARKER_PORT) ", %dx\n out %al, %dx\n"
	   "mov $7, %al\n mov $" __stringify(KVMLITE_RUN_EXIT_PORT) ", %dx\n"
	   "out %al, %dx\n hlt\n");
/* ACPI: SLP_TYP 5 with SLP_EN into PM1a control (port 0x604). */
GUEST_CODE(acpi_off, ".code64",
	   "mov $0x3400, %ax\n mov $0x604, %dx\n out %ax, %dx\n 1: hlt\n jmp 1b\n");
/* ACPI: the reset register (port 0x60c) with its value, 1. */
GUEST_CODE(acpi_reset, ".code64",
	   "mov $1, %al\n mov $0x60c, %dx\n out %al, %dx\n 1: hlt\n jmp 1b\n");
/* The 8042's "pulse reset" command. */
GUEST_CODE(kbc_reset, ".code64",
	   "mov $0xfe, %al\n out %al, $0x64\n 1: hlt\n jmp 1b\n");
/* An IDT of limit 0: #UD, #GP, #DF, shutdown. */
GUEST_CODE(triple, ".code64",
	   "push $0\n push $0\n lidt (%rsp)\n ud2\n");
/* Interrupts off (as at entry), halted: no way to wake. */
GUEST_CODE(cli_hlt, ".code64", "cli\n hlt\n jmp .\n");
/*
 * Spins until the runner is signalled; with a PAUSE, not a bare "jmp .",
 * which freezes the emulated Intel host (see vm_lifecycle_test.c).
 */
GUEST_CODE(spin, ".code64", "1: pause\n jmp 1b\n");
/*
 * Garbage to the legacy devices' ports (all widths, reads too), skipping
 * the ports that end the run (8042 command, ACPI PM1 control and reset,
 * the exit port), then to every virtio-mmio window; then exit port 9.
 * r8 is a xorshift generator, r9 the port table, r10 the address.
 */
GUEST_CODE(garbage, ".code64",
	   "mov $0x2545f4914f6cdd1d, %r8\n"
	   "lea ports(%rip), %r9\n"
	   "2: movzwl (%r9), %ecx\n movzwl 2(%r9), %ebx\n"
	   "test %ecx, %ecx\n jz 5f\n"
	   "3: cmp $0x64, %ecx\n je 4f\n"
	   "cmp $0x604, %ecx\n je 4f\n cmp $0x605, %ecx\n je 4f\n"
	   "cmp $0x60c, %ecx\n je 4f\n cmp $0x501, %ecx\n je 4f\n"
	   "mov %r8, %rax\n shl $13, %rax\n xor %rax, %r8\n"
	   "mov %r8, %rax\n shr $7, %rax\n xor %rax, %r8\n"
	   "mov %r8, %rax\n shl $17, %rax\n xor %rax, %r8\n"
	   "mov %ecx, %edx\n mov %r8, %rax\n"
	   "out %al, %dx\n in %dx, %al\n out %ax, %dx\n in %dx, %ax\n"
	   "out %eax, %dx\n in %dx, %eax\n"
	   "4: inc %ecx\n cmp %ebx, %ecx\n jb 3b\n"
	   "add $4, %r9\n jmp 2b\n"
	   "5: mov $0xd0000000, %r10\n"
	   "6: mov %r8, %rax\n shl $13, %rax\n xor %rax, %r8\n"
	   "mov %r8, %rax\n shr $7, %rax\n xor %rax, %r8\n"
	   "mov %r8, %rax\n shl $17, %rax\n xor %rax, %r8\n"
	   "mov (%r10), %eax\n mov %r8d, (%r10)\n"
	   "add $4, %r10\n mov $0xd0008000, %r11\n cmp %r11, %r10\n jb 6b\n"
	   "mov $9, %al\n mov $" __stringify(KVMLITE_RUN_EXIT_PORT) ", %dx\n"
	   "out %al, %dx\n hlt\n"
	   /* [start, end) pairs of ports, then 0. */
	   ".p2align 2\n ports:\n"
	   ".short 0x20, 0x22, 0x40, 0x44, 0x60, 0x65, 0x61, 0x62\n"
	   ".short 0x70, 0x72, 0xa0, 0xa2, 0x3f8, 0x400, 0x4d0, 0x4d2\n"
	   ".short 0x500, 0x510, 0x600, 0x610, 0xcf8, 0xd00, 0, 0\n");

struct run_case {
	const char *what;
	const unsigned char *start, *end;	/* NULL: no image */
	const char *args;			/* extra options */
	int status;				/* exit status, or -signal */
	const char *expect;			/* in the status line */
	bool needs_no_irqchip;
	bool needs_irqchip;
	bool sigterm;				/* signal it after a second */
};

static const struct run_case cases[] = {
	{ "the exit port ends the run with the guest's status",
	  exit42_start, exit42_end, "", 42, "exit port: the guest asked to exit with status 42" },
	{ "a boot marker is reported with the time it came",
	  marker_start, marker_end, "", 7, "boot marker at" },
	{ "ACPI S5 powers off: status 0",
	  acpi_off_start, acpi_off_end, "", 0, "power-off: the guest powered off" },
	{ "the ACPI reset register resets: status 3",
	  acpi_reset_start, acpi_reset_end, "", 3, "reset: the guest reset the machine" },
	{ "the 8042's reset pulse resets: status 3",
	  kbc_reset_start, kbc_reset_end, "", 3, "reset: the guest reset the machine" },
	{ "a triple fault is a crash: status 4",
	  triple_start, triple_end, "", 4, "crash: vCPU 0: the guest triple-faulted" },
	{ "halted with interrupts off for good: status 5",
	  cli_hlt_start, cli_hlt_end, "", 5,
	  "halted: vCPU 0 halted with interrupts disabled",
	  .needs_no_irqchip = true },
	{ "SIGTERM stops a spinning guest: status 143",
	  spin_start, spin_end, "", 143, "quit: stopped by signal 15",
	  .sigterm = true },
	{ "garbage to every device's ports and registers: the run goes on",
	  garbage_start, garbage_end, "", 9, "asked to exit with status 9" },
	{ "without an in-kernel irqchip, --cpus 2 is refused",
	  exit42_start, exit42_end, "--cpus 2", 1, "needs an in-kernel irqchip",
	  .needs_no_irqchip = true },
	{ "with an in-kernel irqchip and --cpus 2, the boot CPU runs",
	  exit42_start, exit42_end, "--cpus 2", 42, "status 42",
	  .needs_irqchip = true },
	{ "not a bzImage: status 1, named",
	  NULL, NULL, "", 1, "not a bzImage" },
	{ "a missing kernel: status 1, named",
	  NULL, NULL, "--kernel /nonexistent/bzImage", 1,
	  "/nonexistent/bzImage: No such file or directory" },
	{ "less than 32 MiB of --mem: usage, status 2",
	  exit42_start, exit42_end, "--mem 16M", 2, "too little memory" },
	{ "an unknown option: usage, status 2",
	  exit42_start, exit42_end, "--frobnicate", 2, "unknown option '--frobnicate'" },
};

/* A bzImage whose protected-mode part is @code at the 64-bit entry. */
static bool write_image(const unsigned char *start, const unsigned char *end)
{
	size_t code_len = start ? end - start : 0;
	size_t size = KERNEL_OFFSET + ENTRY_OFFSET + code_len + 512;
	struct setup_header hdr = {
		.setup_sects = SETUP_SECTS,
		.boot_flag = 0xaa55,
		.jump = 0x6aeb,		/* the header ends at 0x202 + 0x6a */
		.header = 0x53726448,	/* "HdrS" */
		.version = 0x020f,
		.loadflags = LOADED_HIGH,
		.kernel_alignment = 0x200000,
		.xloadflags = XLF_KERNEL_64,
		.cmdline_size = 2048,
		.initrd_addr_max = 0x7fffffff,
		.init_size = 0x100000,
	};
	unsigned char *image = calloc(1, size);
	FILE *f;
	bool ok;

	if (!image)
		return false;
	if (start) {
		memcpy(image + 0x1f1, &hdr, sizeof(hdr));
		memcpy(image + KERNEL_OFFSET + ENTRY_OFFSET, start, code_len);
	} else {
		memcpy(image, "this is not a kernel", 20);
	}
	f = fopen(IMAGE_PATH, "w");
	ok = f && fwrite(image, size, 1, f) == 1;
	if (f)
		ok = !fclose(f) && ok;
	free(image);
	return ok;
}

/* Run the runner; its exit status, -signal, or INT_MIN on a failure. */
static int run_runner(const char *device, const struct run_case *c)
{
	const char *runner = getenv("KVMLITE") ? getenv("KVMLITE") : "kvmlite";
	char cmd[1024];
	time_t deadline;
	int status;
	pid_t pid;

	snprintf(cmd, sizeof(cmd),
		 "exec %s run %s %s --device %s --mem 64M %s",
		 runner, strstr(c->args, "--kernel") ? "" : "--kernel",
		 strstr(c->args, "--kernel") ? "" : IMAGE_PATH, device,
		 c->args);
	pid = fork();
	if (pid < 0)
		return -1000;
	if (!pid) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(OUT_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(ERR_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (in < 0 || out < 0 || err < 0)
			_exit(125);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(126);
	}
	if (c->sigterm) {
		sleep(1);
		kill(pid, SIGTERM);
	}
	deadline = time(NULL) + RUN_TIMEOUT_S;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (time(NULL) > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			tap_diag("no end after %d s: killed", RUN_TIMEOUT_S);
			return -1000;
		}
		usleep(20000);
	}
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WEXITSTATUS(status);
}

static bool file_has(const char *path, const char *what)
{
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, what);
}

static void show_file(const char *what, const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		tap_diag("%s: %s", what, strtok(line, "\r\n") ?: "");
	fclose(f);
}

int main(int argc, char **argv)
{
	struct kvm_dev dev;
	bool irqchip;
	size_t i;

	kvm_dev_open(&dev, argc, argv);
	irqchip = ioctl(dev.fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) > 0;
	tap_plan(ARRAY_SIZE(cases));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct run_case *c = &cases[i];
		int status;
		bool ok;

		if ((c->needs_no_irqchip && irqchip) ||
		    (c->needs_irqchip && !irqchip)) {
			tap_skip(irqchip ? "the device has an in-kernel irqchip" :
				 "the device has no in-kernel irqchip",
				 "%s", c->what);
			continue;
		}
		if (!write_image(c->start, c->end)) {
			tap_result(false, "%s: cannot write %s", c->what,
				   IMAGE_PATH);
			continue;
		}
		status = run_runner(dev.path, c);
		ok = tap_check_u64("exit status", status, c->status);
		if (!file_has(ERR_PATH, c->expect)) {
			tap_diag("the runner did not say '%s'", c->expect);
			ok = false;
		}
		if (!ok)
			show_file("stderr", ERR_PATH);
		tap_result(ok, "%s", c->what);
	}
	unlink(IMAGE_PATH);
	unlink(OUT_PATH);
	unlink(ERR_PATH);
	return tap_finish();
}

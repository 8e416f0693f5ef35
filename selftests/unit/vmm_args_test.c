// SPDX-License-Identifier: GPL-2.0-only
/*
 * `kvmlite run`'s command line (userspace/vmm/run_args.c): sizes, every
 * option in its long, short and "--opt=value" forms, and every mistake,
 * which must get one line that names the option (or argument) at fault.
 * Each case parses a fresh, writable copy of its arguments, one after
 * another in the same process, as getopt's state must allow.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/tap.h"
#include "run_args.h"

#define KIB		(1ULL << 10)
#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)

/* ---- run_parse_size() */

struct size_case {
	const char *str;
	uint64_t want;
};

static const struct size_case size_cases[] = {
	{ "0", 0 },
	{ "1", 1 },
	{ "4096", 4096 },
	{ "1073741824", GIB },
	{ "1K", KIB },
	{ "1k", KIB },
	{ "65536K", 64 * MIB },
	{ "512M", 512 * MIB },
	{ "512m", 512 * MIB },
	{ "2G", 2 * GIB },
	{ "2g", 2 * GIB },
	{ "007M", 7 * MIB },
	{ "18446744073709551615", UINT64_MAX },
	{ "18446744073709551616", 0 },		/* 2^64 */
	{ "99999999999999999999999", 0 },
	{ "17179869183G", 17179869183ULL << 30 },	/* the largest G */
	{ "17179869184G", 0 },			/* 2^64 */
	{ "18014398509481983K", 18014398509481983ULL << 10 },
	{ "18014398509481984K", 0 },
	{ "", 0 },
	{ "-1", 0 },
	{ "+1", 0 },
	{ " 1", 0 },
	{ "1 ", 0 },
	{ "M", 0 },
	{ "5MB", 0 },
	{ "5MM", 0 },
	{ "1T", 0 },
	{ "1.5G", 0 },
	{ "0x10", 0 },
	{ "1e6", 0 },
	{ "abc", 0 },
	{ "1G ", 0 },
};

static void test_sizes(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		const struct size_case *c = &size_cases[i];

		tap_result(tap_check_u64("size", run_parse_size(c->str),
					 c->want),
			   "run_parse_size(\"%s\")", c->str);
	}
}

/* ---- run_args_parse() */

#define MAX_ARGS	24

struct args_case {
	const char *name;
	const char *argv[MAX_ARGS];	/* after "run"; NULL ends it */
	int want;
	const char *err;		/* what the message must name */
	/* On success: what the config must hold (0/NULL: the default). */
	const char *kernel, *initrd, *cmdline, *device;
	uint64_t mem;
	unsigned int cpus;
	unsigned int nr_disks;
	const char *disk[VMM_MAX_DISKS];
	bool ro[VMM_MAX_DISKS];
	bool virtio_console;
	bool quiet;
};

#define K		"--kernel", "bz"

static const struct args_case args_cases[] = {
	/* Good command lines. */
	{ "defaults", { K }, 0, .kernel = "bz" },
	{ "every long option",
	  { "--kernel", "vmlinuz", "--initrd", "initrd.img", "--cmdline",
	    "root=/dev/vda ro", "--mem", "1G", "--cpus", "4", "--disk",
	    "a.img", "--disk", "b.img,ro", "--console", "virtio",
	    "--device", "/dev/kvm", "--quiet" }, 0,
	  .kernel = "vmlinuz", .initrd = "initrd.img",
	  .cmdline = "root=/dev/vda ro", .device = "/dev/kvm", .mem = GIB,
	  .cpus = 4, .nr_disks = 2, .disk = { "a.img", "b.img" },
	  .ro = { false, true }, .virtio_console = true, .quiet = true },
	{ "every short option",
	  { "-k", "vmlinuz", "-i", "ird", "-c", "quiet", "-m", "64M", "-p",
	    "2", "-d", "/dev/kvm", "-q" }, 0,
	  .kernel = "vmlinuz", .initrd = "ird", .cmdline = "quiet",
	  .device = "/dev/kvm", .mem = 64 * MIB, .cpus = 2, .quiet = true },
	{ "--opt=value",
	  { "--kernel=vmlinuz", "--mem=2G", "--cpus=32", "--disk=x,ro",
	    "--console=serial" }, 0,
	  .kernel = "vmlinuz", .mem = 2 * GIB, .cpus = 32, .nr_disks = 1,
	  .disk = { "x" }, .ro = { true } },
	{ "short options run together", { "-qkbz" }, 0, .kernel = "bz",
	  .quiet = true },
	{ "the last --kernel wins", { K, "--kernel", "other" }, 0,
	  .kernel = "other" },
	{ "--mem at least", { K, "--mem", "32M" }, 0,
	  .kernel = "bz", .mem = 32 * MIB },
	{ "--mem at most", { K, "--mem", "256G" }, 0, .kernel = "bz",
	  .mem = 256 * GIB },
	{ "--mem in K", { K, "--mem", "65536K" }, 0, .kernel = "bz",
	  .mem = 64 * MIB },
	{ "--mem in bytes", { K, "--mem", "33558528" }, 0, .kernel = "bz",
	  .mem = 32 * MIB + 4096 },
	{ "--cpus 1", { K, "--cpus", "1" }, 0, .kernel = "bz", .cpus = 1 },
	{ "four disks",
	  { K, "--disk", "a", "--disk", "b,ro", "--disk", "c",
	    "--disk", "d,ro" }, 0, .kernel = "bz", .nr_disks = 4,
	  .disk = { "a", "b", "c", "d" }, .ro = { false, true, false, true } },
	{ "a disk named like an option", { K, "--disk", "--quiet" }, 0,
	  .kernel = "bz", .nr_disks = 1, .disk = { "--quiet" } },
	{ "an empty --cmdline", { K, "--cmdline", "" }, 0, .kernel = "bz",
	  .cmdline = "" },

	/* Help wins wherever it is. */
	{ "--help", { "--help" }, RUN_ARGS_HELP },
	{ "-h", { "-h" }, RUN_ARGS_HELP },
	{ "--help after options", { K, "--mem", "1G", "--help" },
	  RUN_ARGS_HELP },

	/* Mistakes. */
	{ "no --kernel", { NULL }, -EINVAL, "--kernel" },
	{ "no --kernel, other options", { "--mem", "1G", "-q" }, -EINVAL,
	  "--kernel" },
	{ "--kernel without its value", { "--kernel" }, -EINVAL,
	  "--kernel" },
	{ "-k without its value", { "-k" }, -EINVAL, "-k" },
	{ "--mem without its value", { K, "--mem" }, -EINVAL, "--mem" },
	{ "-m without its value", { K, "-m" }, -EINVAL, "-m" },
	{ "--disk without its value", { K, "--disk" }, -EINVAL, "--disk" },
	{ "--console without its value", { K, "--console" }, -EINVAL,
	  "--console" },
	{ "unknown long option", { K, "--bogus" }, -EINVAL, "--bogus" },
	{ "unknown long option with a value", { K, "--bogus=1" }, -EINVAL,
	  "--bogus" },
	{ "unknown short option", { K, "-z" }, -EINVAL, "-z" },
	{ "unknown short option first", { "-z", K }, -EINVAL, "-z" },
	{ "unknown short option ending a group", { K, "-qz" }, -EINVAL,
	  "-z" },
	/* optind has not moved past "-zq" yet when 'z' is reported. */
	{ "unknown short option leading a group", { K, "-zq" }, -EINVAL,
	  "-z" },
	{ "unknown short option leading the first group", { "-zq", K },
	  -EINVAL, "-z" },
	{ "a value for --quiet", { K, "--quiet=yes" }, -EINVAL, "--quiet" },
	{ "an ambiguous abbreviation", { K, "--c", "x" }, -EINVAL, "--c" },
	{ "a stray argument", { K, "vmlinuz" }, -EINVAL, "vmlinuz" },
	{ "a stray argument first", { "vmlinuz", K }, -EINVAL, "vmlinuz" },
	{ "an argument after --", { K, "--", "--mem" }, -EINVAL, "--mem" },
	{ "--cpus 0", { K, "--cpus", "0" }, -EINVAL, "--cpus" },
	{ "--cpus 33", { K, "--cpus", "33" }, -EINVAL, "--cpus" },
	{ "--cpus abc", { K, "--cpus", "abc" }, -EINVAL, "--cpus" },
	{ "--cpus 4x", { K, "--cpus", "4x" }, -EINVAL, "--cpus" },
	{ "--cpus -1", { K, "--cpus", "-1" }, -EINVAL, "--cpus" },
	{ "--cpus empty", { K, "--cpus", "" }, -EINVAL, "--cpus" },
	{ "--cpus huge", { K, "--cpus", "99999999999999999999" }, -EINVAL,
	  "--cpus" },
	{ "-p 0", { K, "-p", "0" }, -EINVAL, "--cpus" },
	{ "--mem too small", { K, "--mem", "16M" }, -EINVAL, "--mem" },
	{ "--mem a page short", { K, "--mem", "32764K" }, -EINVAL, "--mem" },
	{ "--mem too big", { K, "--mem", "257G" }, -EINVAL, "--mem" },
	{ "--mem far too big", { K, "--mem", "17179869183G" }, -EINVAL,
	  "--mem" },
	{ "--mem not whole pages", { K, "--mem", "33554433" }, -EINVAL,
	  "--mem" },
	{ "--mem in odd K", { K, "--mem", "32769K" }, -EINVAL, "--mem" },
	{ "--mem 5MB", { K, "--mem", "5MB" }, -EINVAL, "--mem" },
	{ "--mem empty", { K, "--mem", "" }, -EINVAL, "--mem" },
	{ "--mem -1", { K, "--mem", "-1" }, -EINVAL, "--mem" },
	{ "--mem 0", { K, "--mem", "0" }, -EINVAL, "--mem" },
	{ "--disk FILE,rw", { K, "--disk", "a.img,rw" }, -EINVAL, "--disk" },
	{ "--disk FILE,", { K, "--disk", "a.img," }, -EINVAL, "--disk" },
	{ "--disk FILE,ro,ro", { K, "--disk", "a.img,ro,ro" }, -EINVAL,
	  "--disk" },
	{ "--disk ,ro", { K, "--disk", ",ro" }, -EINVAL, "--disk" },
	{ "--disk empty", { K, "--disk", "" }, -EINVAL, "--disk" },
	{ "five disks",
	  { K, "--disk", "a", "--disk", "b", "--disk", "c", "--disk", "d",
	    "--disk", "e" }, -EINVAL, "--disk" },
	{ "--console foo", { K, "--console", "foo" }, -EINVAL, "--console" },
	{ "--console empty", { K, "--console", "" }, -EINVAL, "--console" },
	{ "a mistake before --help", { K, "--cpus", "0", "--help" }, -EINVAL,
	  "--cpus" },
};

/* A writable argv, as main() gets: ",ro" is cut off in place. */
static char **make_argv(const struct args_case *c, int *argc)
{
	char **argv = calloc(MAX_ARGS + 2, sizeof(*argv));
	int n = 0;

	if (!argv)
		exit(1);
	argv[n++] = strdup("run");
	while (n <= MAX_ARGS && c->argv[n - 1]) {
		argv[n] = strdup(c->argv[n - 1]);
		n++;
	}
	*argc = n;
	return argv;
}

static void free_argv(char **argv, int argc)
{
	int i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

static bool str_is(const char *what, const char *got, const char *want)
{
	if (!got && !want)
		return true;
	if (got && want && !strcmp(got, want))
		return true;
	tap_diag("%s is '%s', want '%s'", what, got ? got : "(null)",
		 want ? want : "(null)");
	return false;
}

static bool config_is(const struct args_case *c, const struct vmm_config *cfg)
{
	bool ok = true;
	unsigned int i;

	ok = str_is("kernel", cfg->kernel, c->kernel) && ok;
	ok = str_is("initrd", cfg->initrd, c->initrd) && ok;
	ok = str_is("cmdline", cfg->cmdline, c->cmdline) && ok;
	ok = str_is("device", cfg->device, c->device) && ok;
	ok = tap_check_u64("mem", cfg->mem_size,
			   c->mem ? c->mem : RUN_DEFAULT_MEM) && ok;
	ok = tap_check_u64("cpus", cfg->nr_cpus, c->cpus ? c->cpus : 1) && ok;
	ok = tap_check_u64("disks", cfg->nr_disks, c->nr_disks) && ok;
	for (i = 0; ok && i < c->nr_disks; i++) {
		ok = str_is("disk", cfg->disks[i].path, c->disk[i]) &&
		     tap_check_u64("read_only", cfg->disks[i].read_only,
				   c->ro[i]);
	}
	ok = tap_check_u64("console", cfg->console, c->virtio_console ?
			   VMM_CONSOLE_VIRTIO : VMM_CONSOLE_SERIAL) && ok;
	ok = tap_check_u64("quiet", cfg->quiet, c->quiet) && ok;
	return ok;
}

/* One line, not empty, naming what was wrong. */
static bool message_is_good(const char *err, const char *names)
{
	if (!err[0] || strchr(err, '\n') || !strstr(err, names)) {
		tap_diag("message '%s' should be one line naming '%s'", err,
			 names);
		return false;
	}
	return true;
}

static void test_args_case(const struct args_case *c)
{
	struct vmm_config cfg;
	char err[256];
	char **argv;
	int argc, r;
	bool ok;

	memset(err, 0, sizeof(err));
	memset(&cfg, 0x5a, sizeof(cfg));
	argv = make_argv(c, &argc);
	r = run_args_parse(&cfg, argc, argv, err, sizeof(err));
	ok = tap_check_u64("result", r, c->want);
	if (!r && !c->want)
		ok = config_is(c, &cfg) && ok;
	else if (c->want < 0)
		ok = message_is_good(err, c->err) && ok;
	if (r < 0)
		tap_diag("%s", err);
	free_argv(argv, argc);
	tap_result(ok, "args: %s", c->name);
}

/* A short err buffer gets a cut, terminated message and nothing past. */
static void test_short_err_buffer(void)
{
	static const struct args_case bad = {
		"", { K, "--console", "foo" }, -EINVAL, "--console"
	};
	const struct args_case *c = &bad;
	struct vmm_config cfg;
	char err[16];
	char **argv;
	int argc, r;
	bool ok;

	memset(err, 'x', sizeof(err));
	argv = make_argv(c, &argc);
	r = run_args_parse(&cfg, argc, argv, err, 8);
	ok = tap_check_u64("result", r, -EINVAL) &&
	     tap_check_u64("length", strnlen(err, 8), 7) &&
	     tap_check_u64("past the end", err[8], 'x');
	free_argv(argv, argc);
	tap_result(ok, "args: an error message is cut to the buffer");
}

int main(void)
{
	unsigned int i;

	tap_plan(ARRAY_SIZE(size_cases) + ARRAY_SIZE(args_cases) + 1);
	test_sizes();
	for (i = 0; i < ARRAY_SIZE(args_cases); i++)
		test_args_case(&args_cases[i]);
	test_short_err_buffer();
	return tap_finish();
}

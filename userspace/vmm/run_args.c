// SPDX-License-Identifier: GPL-2.0-only
/* Parsing `kvmlite run`'s options: every mistake gets one clear line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "run_args.h"

#define RUN_SHORT_OPTIONS	":k:i:c:m:p:d:qh"

enum {
	OPT_DISK = 0x100,
	OPT_CONSOLE,
};

static const struct option run_options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "cmdline", required_argument, NULL, 'c' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'p' },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "device", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

uint64_t run_parse_size(const char *str)
{
	unsigned long long value;
	unsigned int shift = 0;
	char *end;

	if (*str < '0' || *str > '9')
		return 0;
	errno = 0;
	value = strtoull(str, &end, 10);
	if (errno)
		return 0;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		return 0;
	}
	if (shift && end[1] != '\0')
		return 0;
	if (value > UINT64_MAX >> shift)
		return 0;
	return (uint64_t)value << shift;
}

static int run_parse_disk(struct vmm_config *cfg, char *arg, char *err,
			  size_t err_len)
{
	char *opt = strchr(arg, ',');
	struct vmm_disk *disk;

	if (cfg->nr_disks == VMM_MAX_DISKS) {
		snprintf(err, err_len, "at most %d --disk options",
			 VMM_MAX_DISKS);
		return -EINVAL;
	}
	disk = &cfg->disks[cfg->nr_disks];
	*disk = (struct vmm_disk){ arg, false };
	if (opt) {
		*opt++ = '\0';
		if (strcmp(opt, "ro")) {
			snprintf(err, err_len,
				 "--disk %s: unknown option '%s' (only ',ro')",
				 arg, opt);
			return -EINVAL;
		}
		disk->read_only = true;
	}
	if (!*arg) {
		snprintf(err, err_len, "--disk needs a file");
		return -EINVAL;
	}
	cfg->nr_disks++;
	return 0;
}

static int run_parse_cpus(struct vmm_config *cfg, const char *arg,
			  char *err, size_t err_len)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || errno || *end || n < 1 ||
	    n > VMM_MAX_VCPUS) {
		snprintf(err, err_len, "--cpus '%s': a number from 1 to %d",
			 arg, VMM_MAX_VCPUS);
		return -EINVAL;
	}
	cfg->nr_cpus = n;
	return 0;
}

static int run_parse_mem(struct vmm_config *cfg, const char *arg,
			 char *err, size_t err_len)
{
	uint64_t size = run_parse_size(arg);

	if (!size) {
		snprintf(err, err_len,
			 "--mem '%s': not a size (say 512M or 2G)", arg);
		return -EINVAL;
	}
	if (size < VMM_MIN_MEM) {
		snprintf(err, err_len,
			 "--mem %s: too little memory (at least %llu MiB)",
			 arg, VMM_MIN_MEM >> 20);
		return -EINVAL;
	}
	if (size > RUN_MAX_MEM || size & 0xfff) {
		snprintf(err, err_len,
			 "--mem %s: whole 4 KiB pages, at most %llu GiB", arg,
			 RUN_MAX_MEM >> 30);
		return -EINVAL;
	}
	cfg->mem_size = size;
	return 0;
}

int run_args_parse(struct vmm_config *cfg, int argc, char **argv,
		   char *err, size_t err_len)
{
	int opt, r = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_size = RUN_DEFAULT_MEM;
	cfg->nr_cpus = 1;
	cfg->console = VMM_CONSOLE_SERIAL;
	/* getopt reports in our words, not its own. */
	opterr = 0;
	optind = 0;
	while (!r && (opt = getopt_long(argc, argv, RUN_SHORT_OPTIONS,
					run_options, NULL)) != -1) {
		switch (opt) {
		case 'k':
			cfg->kernel = optarg;
			break;
		case 'i':
			cfg->initrd = optarg;
			break;
		case 'c':
			cfg->cmdline = optarg;
			break;
		case 'm':
			r = run_parse_mem(cfg, optarg, err, err_len);
			break;
		case 'p':
			r = run_parse_cpus(cfg, optarg, err, err_len);
			break;
		case OPT_DISK:
			r = run_parse_disk(cfg, optarg, err, err_len);
			break;
		case OPT_CONSOLE:
			if (!strcmp(optarg, "serial")) {
				cfg->console = VMM_CONSOLE_SERIAL;
			} else if (!strcmp(optarg, "virtio")) {
				cfg->console = VMM_CONSOLE_VIRTIO;
			} else {
				snprintf(err, err_len,
					 "--console '%s': serial or virtio",
					 optarg);
				r = -EINVAL;
			}
			break;
		case 'd':
			cfg->device = optarg;
			break;
		case 'q':
			cfg->quiet = true;
			break;
		case 'h':
			return RUN_ARGS_HELP;
		case ':':
			snprintf(err, err_len, "%s needs a value",
				 argv[optind - 1]);
			r = -EINVAL;
			break;
		default:
			/* An unknown letter in "-zq" leaves optind before it. */
			if (optopt && !strchr(RUN_SHORT_OPTIONS, optopt))
				snprintf(err, err_len, "unknown option '-%c'",
					 optopt);
			else
				snprintf(err, err_len, "unknown option '%s'",
					 argv[optind - 1]);
			r = -EINVAL;
			break;
		}
	}
	if (r)
		return r;
	if (optind < argc) {
		snprintf(err, err_len, "unexpected argument '%s'",
			 argv[optind]);
		return -EINVAL;
	}
	if (!cfg->kernel || !*cfg->kernel) {
		snprintf(err, err_len, "--kernel BZIMAGE is required");
		return -EINVAL;
	}
	return 0;
}

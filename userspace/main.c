// SPDX-License-Identifier: GPL-2.0-only
/* kvmlite: the userspace half of kvmlite. One command table, one per verb. */
#include <stdio.h>
#include <string.h>
#include "kvmlite.h"

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "run", "boot a Linux kernel in a VM", cmd_run },
	{ "info", "show the hypervisor behind a device", cmd_info },
	{ "stat", "VMs, vCPUs and their exits, live", cmd_stat },
	{ "events", "follow VM events", cmd_events },
};

static void print_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: kvmlite COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'kvmlite COMMAND --help' tells more.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		print_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);

	fprintf(stderr, "kvmlite: unknown command '%s'\n", argv[1]);
	print_usage(stderr);
	return 2;
}

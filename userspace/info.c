// SPDX-License-Identifier: GPL-2.0-only
/* kvmlite info: what hypervisor answers behind a KVM-ABI device. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvmlite.h>
#include "kvmlite.h"

static const struct {
	unsigned long long bit;
	const char *name;
} feature_names[] = {
	{ KVMLITE_FEAT_VMX_TRUE_CTLS, "true-ctls" },
	{ KVMLITE_FEAT_VMX_EPT_AD, "ept-ad" },
	{ KVMLITE_FEAT_VMX_EPT_2M, "ept-2m" },
	{ KVMLITE_FEAT_VMX_EPT_1G, "ept-1g" },
	{ KVMLITE_FEAT_VMX_INVEPT_SINGLE, "invept-single" },
	{ KVMLITE_FEAT_VMX_INVVPID_SINGLE, "invvpid-single" },
	{ KVMLITE_FEAT_VMX_RDTSCP, "rdtscp" },
	{ KVMLITE_FEAT_VMX_XSAVES, "xsaves" },
	{ KVMLITE_FEAT_SVM_NRIPS, "nrips" },
	{ KVMLITE_FEAT_SVM_DECODE_ASSISTS, "decode-assists" },
	{ KVMLITE_FEAT_SVM_FLUSH_BY_ASID, "flush-by-asid" },
	{ KVMLITE_FEAT_SVM_VMCB_CLEAN, "vmcb-clean" },
};

static void print_kvmlite_info(const struct kvmlite_info *info)
{
	const char *vendor = "unknown vendor";
	size_t i;

	if (info->vendor == KVMLITE_VENDOR_INTEL_VMX)
		vendor = "Intel VMX: EPT, VPID, unrestricted guest";
	else if (info->vendor == KVMLITE_VENDOR_AMD_SVM)
		vendor = "AMD SVM: NPT, ASIDs";
	printf("hypervisor:  kvmlite (%s)\n", vendor);
	printf("guest ASIDs: %u\n", info->nr_asids);
	printf("optional:   ");
	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (info->features & feature_names[i].bit)
			printf(" %s", feature_names[i].name);
	printf("%s\n", info->features ? "" : " none");
}

static int info_usage(FILE *out, int status)
{
	fprintf(out, "usage: kvmlite info [-d|--device PATH]\n"
		"Shows the KVM API version and, for kvmlite, the vendor backend\n"
		"and the optional hardware features it found. Default device: %s\n",
		KVMLITE_DEVICE_PATH);
	return status;
}

int cmd_info(int argc, char **argv)
{
	static const struct option options[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *path = KVMLITE_DEVICE_PATH;
	struct kvmlite_info info;
	int fd, opt, version;

	while ((opt = getopt_long(argc, argv, "d:h", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			path = optarg;
			break;
		case 'h':
			return info_usage(stdout, 0);
		default:
			return info_usage(stderr, 2);
		}
	}
	if (optind != argc)
		return info_usage(stderr, 2);

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kvmlite: cannot open %s: %s%s\n", path,
			strerror(errno), errno == ENOENT ?
			" (is the module loaded?)" : "");
		return 1;
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	printf("device:      %s\n", path);
	printf("api version: %d\n", version);

	if (ioctl(fd, KVM_CHECK_EXTENSION, KVMLITE_CAP_INFO) > 0 &&
	    ioctl(fd, KVMLITE_GET_INFO, &info) == 0)
		print_kvmlite_info(&info);
	else
		printf("hypervisor:  not kvmlite (no kvmlite extensions)\n");
	close(fd);
	return version == KVM_API_VERSION ? 0 : 1;
}

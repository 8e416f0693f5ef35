// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvmlite.h>
#include "kvm_dev.h"
#include "tap.h"

void kvm_dev_open(struct kvm_dev *dev, int argc, char **argv)
{
	char why[256];
	int opt;

	dev->path = KVMLITE_DEVICE_PATH;
	while ((opt = getopt(argc, argv, "d:")) != -1) {
		if (opt != 'd') {
			fprintf(stderr, "usage: %s [-d DEVICE]\n", argv[0]);
			exit(2);
		}
		dev->path = optarg;
	}

	dev->fd = open(dev->path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		snprintf(why, sizeof(why), "cannot open %s: %s", dev->path,
			 strerror(errno));
		tap_skip_all(why);
	}
	dev->is_kvmlite =
		ioctl(dev->fd, KVM_CHECK_EXTENSION, KVMLITE_CAP_INFO) > 0;
}

void kvm_dev_require_cap(const struct kvm_dev *dev, unsigned long cap,
			 const char *name)
{
	char why[128];

	if (ioctl(dev->fd, KVM_CHECK_EXTENSION, cap) > 0)
		return;
	snprintf(why, sizeof(why), "%s offers no %s", dev->path, name);
	tap_skip_all(why);
}

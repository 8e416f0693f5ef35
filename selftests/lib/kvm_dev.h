/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every selftest runs against a device named on its command line
 * (-d /dev/kvm or -d /dev/kvmlite), so the same test checks kvmlite and
 * its oracle, KVM.
 */
#ifndef KVMLITE_KVM_DEV_H
#define KVMLITE_KVM_DEV_H

#include <stdbool.h>

struct kvm_dev {
	const char *path;
	int fd;			/* system fd, O_RDWR */
	bool is_kvmlite;	/* answers KVMLITE_CAP_INFO */
};

/*
 * Parse "-d PATH" (default /dev/kvmlite) and open the device; a missing
 * device skips the whole test.
 */
void kvm_dev_open(struct kvm_dev *dev, int argc, char **argv);

/*
 * Skip the whole test when the device says (KVM_CHECK_EXTENSION) that it
 * lacks @cap: a client of the KVM ABI must not expect more.
 */
void kvm_dev_require_cap(const struct kvm_dev *dev, unsigned long cap,
			 const char *name);

#endif /* KVMLITE_KVM_DEV_H */

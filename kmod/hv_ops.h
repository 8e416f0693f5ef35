/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boundary between generic kvmlite code and a vendor backend (VMX or
 * SVM). Each backend keeps everything static and exports one const table.
 */
#ifndef KVMLITE_HV_OPS_H
#define KVMLITE_HV_OPS_H

#include "hv_caps.h"

struct hv_ops {
	const char *name;

	/* Is this backend meant for the boot CPU's vendor? */
	bool (*ident)(void);

	/*
	 * Probe the CPU we run on (called on each online CPU with preemption
	 * disabled). Returns 0 and fills @caps, or a negative errno with
	 * @caps->missing naming what the CPU lacks:
	 *   -ENODEV     no VMX/SVM at all,
	 *   -EPERM      present but disabled by firmware,
	 *   -EOPNOTSUPP present but a required feature is missing.
	 */
	int (*probe)(struct hv_caps *caps);
};

extern const struct hv_ops vmx_ops;
extern const struct hv_ops svm_ops;

#endif /* KVMLITE_HV_OPS_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a vendor backend found when it probed one CPU. Kept free of
 * anything but basic types so the probe decisions can be unit-tested on
 * the build host (selftests/unit).
 */
#ifndef KVMLITE_HV_CAPS_H
#define KVMLITE_HV_CAPS_H

#include <linux/types.h>

struct hv_caps {
	u32 vendor;		/* enum kvmlite_vendor */
	u32 nr_asids;		/* usable guest ASIDs or VPIDs */
	u64 features;		/* optional features: KVMLITE_FEAT_* */
	const char *missing;	/* set when the probe refuses: what lacks */
};

#endif /* KVMLITE_HV_CAPS_H */

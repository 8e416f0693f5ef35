/* SPDX-License-Identifier: GPL-2.0-only */
/* State and entry points shared by the generic parts of kvmlite. */
#ifndef KVMLITE_H
#define KVMLITE_H

#include <linux/fs.h>
#include "hv_ops.h"

/* The backend chosen at load and what it found; constant after load. */
extern const struct hv_ops *hv;
extern struct hv_caps hv_caps;

extern const struct file_operations kvmlite_dev_fops;

/* hwvirt.c: virtualization on while VMs exist */
extern bool hwvirt_rebooting;
int hwvirt_get(void);
void hwvirt_put(void);
int hwvirt_init(void);
void hwvirt_exit(void);

/* KVM_CHECK_EXTENSION, on the system and the VM fd alike. */
long kvmlite_check_extension(unsigned long cap);

#endif /* KVMLITE_H */

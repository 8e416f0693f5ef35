/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KVMLITE_USERSPACE_H
#define KVMLITE_USERSPACE_H

int cmd_info(int argc, char **argv);

#endif /* KVMLITE_USERSPACE_H */

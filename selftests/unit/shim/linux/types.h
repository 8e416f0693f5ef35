/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host-side stand-ins for the few kernel headers that kvmlite's pure
 * logic (kmod/vmx/caps.c, kmod/svm/caps.c, kmod/emulate.c) includes, so
 * that it compiles unchanged into the unit tests.
 */
#ifndef KVMLITE_SHIM_TYPES_H
#define KVMLITE_SHIM_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KVMLITE_SHIM_BITS_H
#define KVMLITE_SHIM_BITS_H

#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))

#endif

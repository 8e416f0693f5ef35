/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel's spellings of compiler attributes, for the runner. */
#ifndef KVMLITE_VMM_COMPILER_H
#define KVMLITE_VMM_COMPILER_H

#ifndef __packed
#define __packed		__attribute__((packed))
#endif
#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#endif /* KVMLITE_VMM_COMPILER_H */

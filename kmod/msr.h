/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KVMLITE_MSR_H
#define KVMLITE_MSR_H

#include <asm/msr.h>

/*
 * rdmsr_safe() with a 64-bit result. The kernel's own 64-bit helper was
 * renamed in 6.16 (rdmsrl_safe -> rdmsrq_safe); the split form exists on
 * every kernel we support. Returns false if the MSR faulted.
 */
static inline bool read_msr_safe(u32 index, u64 *val)
{
	u32 lo, hi;

	if (rdmsr_safe(index, &lo, &hi))
		return false;
	*val = (u64)hi << 32 | lo;
	return true;
}

/* rdmsrl() by another name on 6.16+: the split form works everywhere. */
static inline u64 read_msr(u32 index)
{
	u32 lo, hi;

	rdmsr(index, lo, hi);
	return (u64)hi << 32 | lo;
}

static inline void write_msr(u32 index, u64 val)
{
	wrmsr(index, (u32)val, (u32)(val >> 32));
}

#endif /* KVMLITE_MSR_H */

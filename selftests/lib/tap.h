/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small TAP 13 producer for kvmlite's selftests, in the manner of the
 * kernel's kselftest: a plan, one line per case, a SKIP directive for cases
 * that do not apply, and an exit status that says whether all passed.
 */
#ifndef KVMLITE_TAP_H
#define KVMLITE_TAP_H

#include <stdbool.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))

void tap_plan(unsigned int count);
__printf(2, 3) void tap_result(bool ok, const char *fmt, ...);
__printf(2, 3) void tap_skip(const char *why, const char *fmt, ...);
__printf(1, 2) void tap_diag(const char *fmt, ...);
/* @got == @want, or a diagnostic naming @what and both values. */
bool tap_check_u64(const char *what, unsigned long long got,
		   unsigned long long want);
/* Skip the whole program: "1..0 # SKIP why", exit status 4 (KSFT_SKIP). */
__noreturn void tap_skip_all(const char *why);
/* Exit: 0 if every case passed or skipped and the plan was met, else 1. */
int tap_finish(void);

#endif /* KVMLITE_TAP_H */

// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "tap.h"

static unsigned int tap_planned, tap_count, tap_failed;

void tap_plan(unsigned int count)
{
	tap_planned = count;
	printf("TAP version 13\n1..%u\n", count);
	fflush(stdout);
}

static void tap_line(const char *status, const char *directive,
		     const char *fmt, va_list ap)
{
	printf("%s %u ", status, ++tap_count);
	vprintf(fmt, ap);
	if (directive)
		printf(" # SKIP %s", directive);
	printf("\n");
	fflush(stdout);
}

void tap_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line(ok ? "ok" : "not ok", NULL, fmt, ap);
	va_end(ap);
	if (!ok)
		tap_failed++;
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line("ok", why, fmt, ap);
	va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

bool tap_check_u64(const char *what, unsigned long long got,
		   unsigned long long want)
{
	if (got == want)
		return true;
	tap_diag("%s is 0x%llx, expected 0x%llx", what, got, want);
	return false;
}

void tap_skip_all(const char *why)
{
	printf("TAP version 13\n1..0 # SKIP %s\n", why);
	exit(4);
}

int tap_finish(void)
{
	if (tap_count != tap_planned) {
		tap_diag("planned %u cases, ran %u", tap_planned, tap_count);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MC146818 real-time clock and CMOS RAM behind ports 0x70/0x71,
 * showing the host's UTC time in the format the guest selects.
 */
#ifndef KVMLITE_VMM_HW_RTC_H
#define KVMLITE_VMM_HW_RTC_H

#include <time.h>
#include "../bus.h"

struct rtc;

struct rtc *rtc_create(void);
/* The same, with @now in place of time(): the host's UTC seconds. */
struct rtc *rtc_create_clock(time_t (*now)(void *ctx), void *ctx);
void rtc_destroy(struct rtc *rtc);
/* Claims 0x70-0x71. 0 or -errno. */
int rtc_attach(struct rtc *rtc, struct bus *pio);

#endif /* KVMLITE_VMM_HW_RTC_H */

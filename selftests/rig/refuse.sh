#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# In an emulated host that lacks what kvmlite needs, loading must fail
# with the reason in dmesg, a fitting errno, and nothing left behind.
# rig.expect= names the reason (underscores for spaces), rig.errno= the
# error text insmod prints.
. /rig/l1-lib.sh

arg() { sed -n "s/.*rig\.$1=\([^ ]*\).*/\1/p" /proc/cmdline | tr _ ' '; }
expect_reason=$(arg expect)
expect_errno=$(arg errno)

rig_begin refuse
check "kvmlite refuses to load" "! insmod $KVMLITE_KO 2> /tmp/insmod.err"
sed 's/^/# /' /tmp/insmod.err
check "insmod reports '$expect_errno'" \
	"grep -q '$expect_errno' /tmp/insmod.err"
dmesg | grep 'kvmlite' | sed 's/^/# dmesg: /'
check "dmesg says the CPU lacks $expect_reason" \
	"dmesg | grep -q 'kvmlite: .*lacks $expect_reason.*not loading'"
# (busybox insmod retries with init_module: one reason line per attempt)
check "kvmlite logged nothing but the reason and taint notices" \
	"! dmesg | grep kvmlite | grep -v -e 'lacks $expect_reason' -e taint"
check "no device node and no module left" \
	"[ ! -e /dev/kvmlite ] && [ ! -e /sys/module/kvmlite ]"
check_dmesg_clean
rig_end

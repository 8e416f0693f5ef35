#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the emulated host ("L1"): a busybox system that runs one rig
# job, named by rig.mode= on the kernel command line, then powers off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
hostname l1

mode=$(sed -n 's/.*rig\.mode=\([a-z]*\).*/\1/p' /proc/cmdline)
case "$mode" in
check)	/rig/run-tests.sh ;;
refuse)	/rig/refuse.sh ;;
demo)	/rig/demo.sh ;;
bench)	/rig/bench.sh ;;
*)	echo "rig: unknown rig.mode '$mode'" ;;
esac

# Emulators drop serial output still queued at power-off.
sleep 3
poweroff -f

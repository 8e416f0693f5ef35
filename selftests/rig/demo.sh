#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: what kvmlite does today, inside an emulated host.
. /rig/l1-lib.sh

vendor=$(l1_vendor)
echo
echo "=== kvmlite demo: an emulated $vendor host running Debian $KVER ==="
echo "\$ insmod kvmlite.ko"
insmod "$KVMLITE_KO" && apply_device_rules
echo "\$ dmesg | grep kvmlite"
dmesg | grep kvmlite
echo "\$ ls -l /dev/kvmlite"
ls -l /dev/kvmlite
echo "\$ kvmlite info"
kvmlite info
echo "\$ modprobe $(kvm_module); kvmlite info --device /dev/kvm"
modprobe "$(kvm_module)" && apply_device_rules && kvmlite info --device /dev/kvm
echo "\$ modes_test -d /dev/kvmlite   # guests in real, 32-bit and long mode"
rmmod "$(kvm_module)"
/rig/tests/modes_test -d /dev/kvmlite
echo "\$ rmmod kvmlite"
rmmod kvmlite && echo "unloaded"
echo "=== end of demo ==="

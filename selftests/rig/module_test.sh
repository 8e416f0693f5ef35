#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# kvmlite as a module: the device node, pinning while an fd is open, and
# 100 load/unload cycles. Expects kvmlite unloaded; leaves it unloaded.
. /rig/l1-lib.sh

LOOPS=100
n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); echo "not ok $n $1"; }
expect() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

echo "TAP version 13"
echo "1..9"

expect "kvmlite loads" "insmod $KVMLITE_KO"
apply_device_rules
expect "/dev/kvmlite is a character device" "[ -c /dev/kvmlite ]"
perm=$(stat -c '%a %G' /dev/kvmlite)
expect "/dev/kvmlite is mode 0660, group kvm (got '$perm')" \
	"[ '$perm' = '660 kvm' ]"
exec 3< /dev/kvmlite
expect "an open fd pins the module" "! rmmod kvmlite 2> /dev/null"
exec 3<&-
expect "refcount drops to 0 when the fd closes" \
	"[ \"\$(cat /sys/module/kvmlite/refcnt)\" = 0 ]"
expect "kvmlite unloads" "rmmod kvmlite"
expect "no device node and no module left" \
	"[ ! -e /dev/kvmlite ] && [ ! -e /sys/module/kvmlite ]"

ready_before=$(dmesg | grep -c 'kvmlite: .*: ready')
i=0
while [ $i -lt $LOOPS ]; do
	insmod "$KVMLITE_KO" || break
	rmmod kvmlite || break
	i=$((i + 1))
done
expect "$LOOPS load/unload cycles (did $i)" "[ $i = $LOOPS ]"
ready_after=$(dmesg | grep -c 'kvmlite: .*: ready')
expect "each load probed and registered once" \
	"[ $((ready_after - ready_before)) = $i ]"

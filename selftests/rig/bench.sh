#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# rig.mode=bench: kvmlite against KVM in this emulated host. Both modules
# load (each takes SVM/VMX only while it has VMs, so they take turns), and
# the benchmark client runs on /dev/kvm and /dev/kvmlite alternately,
# rig.rounds= times: A B A B ..., so that drift in the emulator's speed
# hits both devices alike and each round is a pair to compare. rig.bench=
# holds the client's options, commas for spaces. Its JSON lines, tagged
# with their round, go to the console between KVMLITE-BENCH-BEGIN and
# KVMLITE-BENCH-END, where rig.sh collects them.
. /rig/l1-lib.sh

rig_begin bench
kvm=$(kvm_module)
check "load Debian's $kvm" "modprobe $kvm"
check "load kvmlite" "insmod $KVMLITE_KO"
apply_device_rules

rounds=$(sed -n 's/.*rig\.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
args=$(sed -n 's/.*rig\.bench=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
rounds=${rounds:-5}

echo "KVMLITE-BENCH-BEGIN rounds=$rounds args=$args"
r=1
while [ "$r" -le "$rounds" ]; do
	for dev in /dev/kvm /dev/kvmlite; do
		# $args unquoted: it is a list of options.
		timeout 900 /rig/bench -d "$dev" $args > /tmp/bench.out 2>&1
		rc=$?
		sed "s/^{/{\"round\":$r,/" /tmp/bench.out
		case $rc in
		0) result OK "bench round $r on $dev" ;;
		4) result SKIP "bench round $r on $dev" \
			"$dev cannot create VMs" ;;
		*) result FAIL "bench round $r on $dev: exit status $rc" ;;
		esac
	done
	r=$((r + 1))
done
echo "KVMLITE-BENCH-END"

check "kvmlite unloads after the benchmark" "rmmod kvmlite"
check_dmesg_clean
rig_end

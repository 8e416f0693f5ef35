#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# rig.mode=bench: kvmlite against KVM in this emulated host. Both modules
# load (each takes SVM/VMX only while it has VMs, so they take turns), and
# the benchmark client runs on /dev/kvm and /dev/kvmlite alternately,
# rig.rounds= times: A B A B ..., so that drift in the emulator's speed
# hits both devices alike and each round is a pair to compare; after the
# client, `kvmlite run` boots Linux on the same device, in the first
# rig.boots= rounds (default: all). rig.bench=
# holds the client's options, commas for spaces. Its JSON lines, tagged
# with their round, go to the console between KVMLITE-BENCH-BEGIN and
# KVMLITE-BENCH-END, where rig.sh collects them.
. /rig/l1-lib.sh

rig_begin bench
kvm=$(kvm_module)
check "load Debian's $kvm" "modprobe $kvm"
check "load kvmlite" "insmod $KVMLITE_KO"
apply_device_rules

# Metric 8, the Linux boot: `kvmlite run` boots this host's own kernel
# with the test initramfs on DEVICE, and the runner reports the time from
# the guest's first instruction to its first userspace instruction (the
# boot marker). One JSON line as the client prints them, for ROUND. A
# boot the emulated host wrecked is tried again (l2_emulator_fault).
boot_try()
{
	timeout "$(l2_boot_limit)" kvmlite run --kernel /rig/l2/vmlinuz \
		--initrd /rig/l2/initrd.gz --mem 256M --device "$boot_dev" \
		--cmdline quiet < /dev/null > /tmp/boot.out 2> /tmp/boot.err
	rc=$?
}

linux_boot() # DEVICE ROUND
{
	hv=kvmlite
	[ "$1" = /dev/kvm ] && hv=kvm
	boot_dev=$1
	l2_boot boot_try /tmp/boot.out /tmp/boot.err
	ms=$(sed -n 's/.*boot marker at \([0-9.]*\) ms.*/\1/p' /tmp/boot.err)
	printf '{"round":%s,"device":"%s","hypervisor":"%s",' "$2" "$1" "$hv"
	printf '"metric":"linux_boot","unit":"ms",'
	if [ -n "$ms" ]; then
		printf '"value":%s,"iterations":1}\n' "$ms"
		result OK "Linux boot round $2 on $1: $ms ms"
	else
		printf '"error":"no boot marker"}\n'
		result FAIL "Linux boot round $2 on $1"
		sed 's/^/# /' /tmp/boot.err
	fi
}

rounds=$(sed -n 's/.*rig\.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
args=$(sed -n 's/.*rig\.bench=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
rounds=${rounds:-5}
boots=$(sed -n 's/.*rig\.boots=\([0-9]*\).*/\1/p' /proc/cmdline)
boots=${boots:-$rounds}

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
		[ "$r" -le "$boots" ] && linux_boot "$dev" "$r"
	done
	r=$((r + 1))
done
echo "KVMLITE-BENCH-END"

check "kvmlite unloads after the benchmark" "rmmod kvmlite"
check_dmesg_clean
rig_end

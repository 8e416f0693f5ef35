#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The differential test run inside the emulated host: load KVM (the
# oracle) and kvmlite, run every selftest and the benchmark client's smoke
# test against /dev/kvm and /dev/kvmlite, then check that kvmlite unloads
# and dmesg stayed clean.
. /rig/l1-lib.sh

rig_begin check
kvm=$(kvm_module)

# rig.short: the selected tests only, for a second, slower boot.
short=$(grep -c 'rig\.short' /proc/cmdline)

check "load Debian's $kvm (the oracle)" "modprobe $kvm"
[ "$short" = 1 ] || run_tap "module_test" 900 /rig/module_test.sh
check "kvmlite loads for the test run" "insmod $KVMLITE_KO"
apply_device_rules

# rig.tests=a_test,b_test runs only those (Bochs is slow: see rig.sh),
# and rig.kvm_tests= only those on /dev/kvm; linux_boot names the Linux
# guest boots, bench_smoke the benchmark client's.
cmdline_list() { sed -n "s/.*rig\.$1=\([^ ]*\).*/\1/p" /proc/cmdline | tr , ' '; }
only=$(cmdline_list tests)
only_kvm=$(cmdline_list kvm_tests)
[ -n "$only_kvm" ] || only_kvm=$only
# selected DEVICE NAME: whether NAME runs on DEVICE.
selected()
{
	list=$only
	[ "$1" = /dev/kvm ] && list=$only_kvm
	[ -z "$list" ] || echo " $list " | grep -q " $2 "
}

for dev in /dev/kvm /dev/kvmlite; do
	for test in /rig/tests/*_test; do
		name=$(basename "$test")
		selected "$dev" "$name" || continue
		run_tap "$name[$dev]" 300 "$test" -d "$dev"
	done
	# The benchmark client works on this device (--quick, not timed).
	[ "$short" = 1 ] || ! selected "$dev" bench_smoke ||
		run_tap "bench_smoke[$dev]" 600 /rig/bench-smoke.sh "$dev"
	# kvmlite run boots the emulated host's own kernel on the device;
	# on kvmlite also with the virtio console. Room for every try of
	# l2_boot_tries (l1-lib.sh).
	if selected "$dev" linux_boot; then
		run_tap "linux_boot[$dev]" 900 /rig/linux_boot.sh "$dev"
		[ "$dev" = /dev/kvmlite ] &&
			run_tap "linux_boot_virtio_console[$dev]" 900 \
				/rig/linux_boot.sh "$dev" virtio
		# More than one vCPU needs the in-kernel irqchip.
		[ "$dev" = /dev/kvm ] &&
			run_tap "linux_boot_smp[$dev]" 900 \
				/rig/linux_boot.sh "$dev" serial 2
	fi
	# A client that knows only <linux/kvm.h> runs unchanged here.
	check "examples/hello on $dev: the guest's greeting" \
		"/rig/hello $dev | grep -qx 'Hello, world from a guest'"
	check "kvmlite info -d $dev" "kvmlite info -d $dev > /tmp/info 2>&1"
	sed 's/^/# /' /tmp/info
done

check "kvmlite stat --once --json answers with no VMs" \
	"kvmlite stat --once --json > /tmp/stat 2>&1 && grep -q '\"vms\"' /tmp/stat"
sed 's/^/# /' /tmp/stat
check "kvmlite unloads after the tests" "rmmod kvmlite"
check_dmesg_clean
rig_end

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: kvmlite's main job, inside an emulated host. Load the
# module, then `kvmlite run` boots Debian's own kernel (the emulated
# host's) with a small initramfs on /dev/kvmlite: the guest's console is
# this terminal; it uses its virtio disk and powers off. Then the same
# boot on /dev/kvm, for the time to the guest's first userspace
# instruction on both.
. /rig/l1-lib.sh

vendor=$(l1_vendor)
show() { echo "l1\$ $*"; eval "$@"; }

# boot ERR ARGS...: kvmlite run ARGS, its messages to ERR, booted again
# when the emulated host wrecked the boot (l1-lib.sh, l2_emulator_fault).
boot()
{
	local err=$1 try=1 rc

	shift
	while :; do
		l2_try_begin
		timeout "$(l2_boot_limit)" kvmlite run "$@" 2> "$err"
		rc=$?
		[ $try -lt "$(l2_boot_tries)" ] &&
			l2_emulator_fault $rc /dev/null "$err" || return $rc
		echo "(the emulated host wrecked that boot, see l2_emulator_fault" \
			"in l1-lib.sh: once more)"
		l2_try_wrecked
		try=$((try + 1))
	done
}

echo
echo "=== kvmlite demo: an emulated $vendor host running Debian $KVER ==="
show insmod "$KVMLITE_KO" && apply_device_rules
show kvmlite info
dd if=/dev/zero of=/tmp/disk.img bs=1M count=8 2> /dev/null
show mke2fs -qF /tmp/disk.img
echo "l1\$ kvmlite run --kernel /rig/l2/vmlinuz --initrd /rig/l2/initrd.gz" \
	"--disk /tmp/disk.img --mem 256M --cmdline 'quiet kvmlite.demo'"
boot /tmp/kvmlite.err --kernel /rig/l2/vmlinuz --initrd /rig/l2/initrd.gz \
	--disk /tmp/disk.img --mem 256M --cmdline "quiet kvmlite.demo"
cat /tmp/kvmlite.err

echo
echo "=== the same boot on /dev/kvm ($(kvm_module)) ==="
modprobe "$(kvm_module)" && apply_device_rules
boot /tmp/kvm.err --kernel /rig/l2/vmlinuz --initrd /rig/l2/initrd.gz \
	--disk /tmp/disk.img --mem 256M --cmdline quiet --device /dev/kvm \
	> /tmp/kvm.out
grep 'KVMLITE-L2' /tmp/kvm.out
cat /tmp/kvm.err
rmmod "$(kvm_module)"
echo
for f in /tmp/kvmlite.err /tmp/kvm.err; do
	sed -n 's/.*(\(.*\), boot marker at \(.*\) ms).*/boot to the first userspace instruction on \1: \2 ms/p' "$f"
done
show rmmod kvmlite && echo "unloaded"
echo "=== end of demo ==="

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

# One try of each boot: l2_boot tries again when the emulated host
# wrecked it (l1-lib.sh, l2_emulator_fault).
kvmlite_boot()
{
	timeout "$(l2_boot_limit)" kvmlite run --kernel /rig/l2/vmlinuz \
		--initrd /rig/l2/initrd.gz --disk /tmp/disk.img --mem 256M \
		--cmdline "quiet kvmlite.demo" 2> /tmp/kvmlite.err
	rc=$?
}
kvm_boot()
{
	timeout "$(l2_boot_limit)" kvmlite run --kernel /rig/l2/vmlinuz \
		--initrd /rig/l2/initrd.gz --disk /tmp/disk.img --mem 256M \
		--cmdline quiet --device /dev/kvm > /tmp/kvm.out 2> /tmp/kvm.err
	rc=$?
}

echo
echo "=== kvmlite demo: an emulated $vendor host running Debian $KVER ==="
show insmod "$KVMLITE_KO" && apply_device_rules
show kvmlite info
dd if=/dev/zero of=/tmp/disk.img bs=1M count=8 2> /dev/null
show mke2fs -qF /tmp/disk.img
echo "l1\$ kvmlite run --kernel /rig/l2/vmlinuz --initrd /rig/l2/initrd.gz" \
	"--disk /tmp/disk.img --mem 256M --cmdline 'quiet kvmlite.demo'"
l2_boot kvmlite_boot /dev/null /tmp/kvmlite.err
cat /tmp/kvmlite.err

echo
echo "=== the same boot on /dev/kvm ($(kvm_module)) ==="
modprobe "$(kvm_module)" && apply_device_rules
l2_boot kvm_boot /tmp/kvm.out /tmp/kvm.err
grep 'KVMLITE-L2' /tmp/kvm.out
cat /tmp/kvm.err
rmmod "$(kvm_module)"
echo
for f in /tmp/kvmlite.err /tmp/kvm.err; do
	sed -n 's/.*(\(.*\), boot marker at \(.*\) ms).*/boot to the first userspace instruction on \1: \2 ms/p' "$f"
done
show rmmod kvmlite && echo "unloaded"
echo "=== end of demo ==="

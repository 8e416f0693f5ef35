#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The test guest's script: load the virtio drivers, use every device,
# report each result on a "KVMLITE-L2:" line, and power off. With
# kvmlite.demo on the command line it shows each command as it runs; with
# kvmlite.shell it gives you a shell at the end, and powers off when you
# leave it.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "KVMLITE-L2: $*"; }

# Each step is shown as a shell would (kvmlite.demo) or just run.
step()
{
	grep -qw kvmlite.demo /proc/cmdline && echo "guest\$ $*"
	eval "$@"
}

# busybox's modprobe knows no soft dependencies: ext4's crc32c first.
for m in virtio_mmio virtio_blk virtio_console virtio-rng crc32c_generic \
	 ext4; do
	modprobe "$m" || say "modprobe $m failed"
done
# With console=hvc0 there was no console to give us until virtio_console
# loaded: take it now (the same one otherwise).
exec < /dev/console > /dev/console 2>&1

say "uname: $(uname -a)"
say "cpus: $(nproc)"
step 'cat /proc/cmdline'
step 'grep -m1 "model name" /proc/cpuinfo'
step 'ls /sys/bus/virtio/devices/'

# Write a file, remount, read it back: what we read comes from the
# disk, not the page cache.
disk_test()
{
	probe="written by the guest at $(date +%s)"

	step 'mount -t ext4 /dev/vda /mnt' || return 1
	echo "$probe" > /mnt/probe
	step 'cat /mnt/probe; umount /mnt' || return 1
	step 'mount -t ext4 -o ro /dev/vda /mnt' || return 1
	got=$(cat /mnt/probe)
	umount /mnt
	[ "$got" = "$probe" ]
}

if [ ! -b /dev/vda ]; then
	say "disk: no /dev/vda"
elif disk_test; then
	say "disk: ok"
else
	say "disk: failed"
fi

if [ -c /dev/hwrng ] && head -c 32 /dev/hwrng | od -An -tx1 > /tmp/rng &&
   [ -s /tmp/rng ]; then
	say "rng: ok ($(cat /sys/class/misc/hw_random/rng_current))"
else
	say "rng: no entropy from /dev/hwrng"
fi

say "console: $(cat /sys/class/tty/console/active)"
if grep -qw kvmlite.shell /proc/cmdline; then
	echo "A shell in the guest; 'exit' powers it off."
	setsid cttyhack sh
fi
say "done, powering off"
poweroff -f

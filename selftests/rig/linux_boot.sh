#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# linux_boot.sh DEVICE [serial|virtio [CPUS]]: `kvmlite run` boots
# Debian's kernel (the emulated host's own) with the test initramfs on
# DEVICE: the guest uses the virtio disk, console and entropy device,
# counts its CPUs, runs what we type into its shell on the console, and
# powers off. TAP on stdout; the guest's console as diagnostics.
. /rig/l1-lib.sh

dev=$1
console=${2:-serial}
cpus=${3:-1}
l2=/rig/l2
out=/tmp/l2-$console.out
err=/tmp/l2-$console.err
n=0

ok() { n=$((n + 1)); echo "ok $n $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n $*"; }
check()
{
	if [ -n "$skip" ]; then
		ok "$1 # SKIP $skip"
	elif eval "$2"; then
		ok "$1"
	else
		not_ok "$1"
	fi
}

# One try: a fresh disk, and what we type sent once the guest's shell is
# up, so that nothing is lost to the guest's own port setup. The end of it
# leaves the guest on. Sets rc.
boot_once()
{
	rm -f /tmp/disk.img /tmp/l2-in "$out"
	dd if=/dev/zero of=/tmp/disk.img bs=1M count=8 2> /dev/null
	mke2fs -qF /tmp/disk.img > /dev/null 2>&1
	mkfifo /tmp/l2-in
	(
		i=0
		while [ $i -lt 600 ] &&
		      ! grep -q "A shell in the guest" "$out" 2> /dev/null; do
			sleep 1
			i=$((i + 1))
		done
		printf 'echo "KVMLITE-L2: shell: $((6 * 7))"\nexit\n'
	) > /tmp/l2-in &
	feeder=$!

	# SIGTERM, not a kill: the runner then says where its vCPUs were.
	timeout "$(l2_boot_limit)" kvmlite run --kernel "$l2/vmlinuz" \
		--initrd "$l2/initrd.gz" --disk /tmp/disk.img --mem 256M \
		--console "$console" --cpus "$cpus" --device "$dev" \
		--cmdline "quiet kvmlite.shell" < /tmp/l2-in > "$out" 2> "$err"
	rc=$?
	kill "$feeder" 2> /dev/null
	wait "$feeder"
}

echo "TAP version 13"
echo "1..9"
l2_boot boot_once "$out" "$err"
# KVM is the oracle: when the emulated host wrecked its every try, this
# host cannot run the test, which says nothing of KVM or of the runner.
# kvmlite gets no such excuse.
skip=
[ "$dev" = /dev/kvm ] && [ "$l2_tries" -gt 1 ] &&
	l2_emulator_fault "$rc" "$out" "$err" &&
	skip="the emulated host wrecked all $l2_tries tries (l2_emulator_fault)"
[ -n "$skip" ] && l2_try_wrecked
# The guest's tty ends its lines with "\r\n".
tr -d '\r' < "$out" > "$out.txt" && mv "$out.txt" "$out"
sed 's/^/# guest: /' "$out"
sed 's/^/# runner: /' "$err"

check "boot on $dev ($console console, $cpus CPUs): the runner exits 0 (rc=$rc)" \
	'[ $rc = 0 ]'
check "the guest powered off through ACPI" \
	'grep -q "power-off: the guest powered off" "$err"'
check "uname -a in the guest" 'grep -q "KVMLITE-L2: uname: Linux" "$out"'
check "virtio-blk: a file written, remounted and read back" \
	'grep -q "KVMLITE-L2: disk: ok" "$out"'
check "virtio-rng: /dev/hwrng gives entropy" \
	'grep -q "KVMLITE-L2: rng: ok" "$out"'
if [ "$console" = virtio ]; then
	check "virtio-console: the guest's console is hvc0" \
		'grep -q "KVMLITE-L2: console: .*hvc0" "$out"'
else
	check "serial console: the guest's console is ttyS0" \
		'grep -q "KVMLITE-L2: console: ttyS0" "$out"'
fi
check "$console console input: the guest's shell ran what we typed" \
	'grep -q "^KVMLITE-L2: shell: 42" "$out"'
check "the guest runs on $cpus CPUs" \
	'grep -q "KVMLITE-L2: cpus: $cpus\$" "$out"'
marker=$(sed -n 's/.*boot marker at \([0-9.]*\) ms.*/\1/p' "$err")
check "boot marker: first userspace instruction after ${marker:-?} ms" \
	'[ -n "$marker" ]'

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The emulated-host test rig. kvmlite needs VMX or SVM and a kernel that
# lets it load; our build machines have neither, so each job boots
# Debian's stock kernel as an emulated host ("L1") with the module, KVM
# and the tests in an initramfs:
#   AMD SVM + NPT:  QEMU TCG, -cpu EPYC,+svm,+npt      (seconds)
#   Intel VMX+EPT:  Bochs, cpu model corei7_skylake_x  (minutes)
# On a host with VMX/SVM and nested KVM, QEMU -accel kvm -cpu host
# replaces the emulator of that vendor.
#
# usage: rig.sh check [unit|build|svm|vmx|all] | bench [svm|vmx|all] |
#        demo | prepare
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
RIG=$TOP/selftests/rig
BUILD=$TOP/build
CACHE=${KVMLITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvmlite}
RESULTS=$BUILD/results
QEMU_TIMEOUT=${RIG_QEMU_TIMEOUT:-1800}
BOCHS_TIMEOUT=${RIG_BOCHS_TIMEOUT:-1800}

PACKAGES=(qemu-system-x86 bochs bochsbios vgabios busybox-static isolinux
	  syslinux-common xorriso cpio gzip kmod gcc gcc-12 make libc6-dev
	  libnl-3-dev libnl-genl-3-dev pkg-config dwarves gnuplot-nox
	  acpica-tools)

say() { printf 'rig: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

as_root()
{
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo > /dev/null; then
		sudo "$@"
	else
		die "need root (or sudo) to run: $*"
	fi
}

setup_packages()
{
	local missing=() p

	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2> /dev/null |
			grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return
	say "installing ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" > /dev/null
}

# Debian's current stock kernel flavour, e.g. 6.1.0-56-amd64.
debian_kver()
{
	local dep

	dep=$(apt-cache depends linux-image-amd64 2> /dev/null |
	      awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$dep" ]; then
		as_root apt-get update -qq
		dep=$(apt-cache depends linux-image-amd64 |
		      awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	fi
	[ -n "$dep" ] || die "cannot resolve Debian's linux-image-amd64"
	echo "${dep#linux-image-}"
}

# Fetch the kernel image, its modules and headers into the cache: unpacked
# with dpkg -x, never installed as this machine's kernel.
fetch_kernel()
{
	KVER=${RIG_KVER:-$(debian_kver)}
	KROOT=$CACHE/$KVER/root
	KDIR=$KROOT/usr/src/linux-headers-$KVER
	[ -f "$CACHE/$KVER/.complete" ] && return

	local debs=$CACHE/$KVER/debs common kbuild f
	rm -rf "$CACHE/$KVER"
	mkdir -p "$debs" "$KROOT"
	common=$(apt-cache depends "linux-headers-$KVER" |
		 awk '/Depends: linux-headers-.*-common/ { print $2; exit }')
	kbuild=$(apt-cache depends "linux-headers-$KVER" |
		 awk '/Depends: linux-kbuild-/ { print $2; exit }')
	say "fetching Debian kernel $KVER ($common, $kbuild)"
	(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root \
		"linux-image-$KVER" "linux-headers-$KVER" "$common" \
		"$kbuild" > /dev/null)
	for f in "$debs"/*.deb; do
		dpkg -x "$f" "$KROOT"
	done
	# The headers' Makefile names /usr/src; point it into the cache.
	sed -i "s|/usr/src/|$KROOT/usr/src/|" "$KDIR/Makefile"
	depmod -b "$KROOT" "$KVER"
	touch "$CACHE/$KVER/.complete"
}

# fetch_headers METAPACKAGE: Debian's headers (and kbuild) for another
# kernel into the cache; sets BUILD_KDIR.
fetch_headers()
{
	local meta=$1 pkg dir deps f

	pkg=$(apt-cache depends "$meta" |
	      awk '/Depends: linux-headers-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve $meta"
	dir=$CACHE/headers/$pkg
	BUILD_KDIR=$dir/root/usr/src/$pkg
	[ -f "$dir/.complete" ] && return
	rm -rf "$dir"
	mkdir -p "$dir/debs"
	deps=$(apt-cache depends "$pkg" |
	       awk '/Depends: linux-(headers|kbuild)-/ { print $2 }')
	say "fetching $pkg for a build check"
	(cd "$dir/debs" && apt-get download -q -o APT::Sandbox::User=root \
		"$pkg" $deps > /dev/null)
	for f in "$dir"/debs/*.deb; do
		dpkg -x "$f" "$dir/root"
	done
	sed -i "s|/usr/src/|$dir/root/usr/src/|" "$BUILD_KDIR/Makefile"
	touch "$dir/.complete"
}

# The module must build, W=1 and warning-free, on more kernels than the
# one the emulated hosts run: Debian 12's newer 6.12 kernel is at hand.
check_build()
{
	local log=$RESULTS/build.log src=$BUILD/build-check out rc=0

	fetch_headers linux-headers-6.12-amd64
	rm -rf "$src"
	mkdir -p "$src"
	cp -r "$TOP/Kbuild" "$TOP/kmod" "$TOP/uapi" "$src/"
	out=$(make -s -C "$BUILD_KDIR" M="$src" W=1 modules 2>&1) || rc=$?
	[ "$rc" = 0 ] || out=$(printf '%s\n' "$out" | tail -n 20)
	[ "$rc" != 0 ] || out=$(printf '%s\n' "$out" | grep -iE 'warning|error' || true)
	{
		echo "KVMLITE-RIG-BEGIN build"
		if [ "$rc" = 0 ] && [ -z "$out" ]; then
			echo "ok 1 kvmlite.ko builds W=1 clean against ${BUILD_KDIR##*/}"
		else
			echo "not ok 1 kvmlite.ko builds W=1 clean against ${BUILD_KDIR##*/}"
			printf '%s\n' "$out" | sed 's/^/# /'
		fi
		echo "KVMLITE-RIG-END"
	} > "$log"
	cat "$log"
	record build "$log"
}

build()
{
	say "building kvmlite against $KVER"
	make -C "$TOP" -s KDIR="$KDIR" W=1 all
}

# The L1 initramfs: busybox, kvmlite.ko, Debian's KVM modules with their
# dependencies, the selftests, the benchmark client and the rig's scripts.
make_initramfs()
{
	local stage=$BUILD/l1-root mods=$BUILD/l1-root/lib/modules/$KVER

	rm -rf "$stage"
	mkdir -p "$stage"/{bin,sbin,usr/bin,etc,proc,sys,dev,tmp,rig/tests} \
		"$mods/extra"
	cp /bin/busybox "$stage/bin/busybox"
	cp "$RIG/l1-init.sh" "$stage/init"
	cp "$RIG"/{l1-lib.sh,run-tests.sh,module_test.sh,refuse.sh,demo.sh} \
		"$RIG"/{bench.sh,bench-smoke.sh,tap-merge.awk,linux_boot.sh} \
		"$stage/rig/"
	cp "$BUILD"/selftests/*_test "$stage/rig/tests/"
	cp "$BUILD/bench/bench" "$BUILD"/examples/* "$stage/rig/"
	cp "$BUILD/kvmlite" "$stage/usr/bin/"
	cp "$TOP/kmod/kvmlite.ko" "$mods/extra/"
	mkdir -p "$stage/rig/l2"
	cp "$KROOT/boot/vmlinuz-$KVER" "$stage/rig/l2/vmlinuz"
	cp "$BUILD/l2-initrd.gz" "$stage/rig/l2/initrd.gz"

	modules_copy "$stage" kvm_amd kvm_intel

	printf 'root:x:0:0:root:/:/bin/sh\n' > "$stage/etc/passwd"
	printf 'root:x:0:\nkvm:x:108:\n' > "$stage/etc/group"
	# What udev/60-kvmlite.rules and Debian's rule for kvm say.
	printf 'kvm root:kvm 0660\nkvmlite root:kvm 0660\n' \
		> "$stage/etc/mdev.conf"

	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) \
		> "$BUILD/l1-initrd.gz"
}

# modules_copy STAGE MODULE...: the modules and their dependencies from
# the cached kernel into STAGE, with modprobe's indexes.
modules_copy()
{
	local stage=$1 ko
	shift

	for ko in $(for m in "$@"; do
			modprobe -d "$KROOT" -S "$KVER" --show-depends "$m"
		    done | awk '$1 == "insmod" { print $2 }' | sort -u); do
		mkdir -p "$stage/$(dirname "${ko#"$KROOT"}")"
		cp "$ko" "$stage/${ko#"$KROOT"}"
	done
	mkdir -p "$stage/lib/modules/$KVER"
	cp "$KROOT/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} \
		"$stage/lib/modules/$KVER/"
	depmod -b "$stage" "$KVER"
}

# The test guest `kvmlite run` boots inside L1: the same Debian kernel,
# with busybox, the virtio and ext4 modules, and selftests/rig/l2/.
make_l2_initramfs()
{
	local stage=$BUILD/l2-root

	rm -rf "$stage"
	mkdir -p "$stage"/{bin,proc,sys,dev,mnt,tmp}
	cp /bin/busybox "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	cp "$BUILD/rig/l2-init" "$stage/init"
	cp "$RIG/l2/init.sh" "$stage/init.sh"
	modules_copy "$stage" virtio_mmio virtio_blk virtio_console \
		virtio-rng crc32c_generic ext4
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -9) \
		> "$BUILD/l2-initrd.gz"
}

prepare()
{
	setup_packages
	fetch_kernel
	build
	make_l2_initramfs
	make_initramfs
}

# nested_accel svm|vmx: true when this machine can run that L1 under KVM.
nested_accel()
{
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	case $1 in
	svm) grep -qw svm /proc/cpuinfo &&
	     grep -q '[Y1]' /sys/module/kvm_amd/parameters/nested 2> /dev/null ;;
	vmx) grep -qw vmx /proc/cpuinfo &&
	     grep -q '[Y1]' /sys/module/kvm_intel/parameters/nested 2> /dev/null ;;
	*) return 1 ;;
	esac
}

# boot_qemu LOG CPU ACCEL CMDLINE: boot L1 in QEMU, serial to LOG and
# to the terminal.
boot_qemu()
{
	local log=$1 cpu=$2 accel=$3 append=$4

	# Multi-threaded TCG has hung the emulated host (soft lockups on an
	# idle CPU) under KVM's own guests: emulate the CPUs round-robin.
	[ "$accel" = tcg ] && accel=tcg,thread=single
	timeout "$QEMU_TIMEOUT" qemu-system-x86_64 -accel "$accel" \
		-cpu "$cpu" -m 2048 -smp 2 -no-reboot -display none \
		-monitor none -serial stdio -kernel "$KROOT/boot/vmlinuz-$KVER" \
		-initrd "$BUILD/l1-initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 nokaslr $append" \
		< /dev/null 2> "$log.stderr" | tee "$log" || true
}

# boot_bochs LOG CMDLINE: boot L1 from an ISO in Bochs, the emulated
# Intel host with VMX, EPT, VPID and unrestricted guest.
boot_bochs()
{
	local log=$1 append=$2 dir=$BUILD/bochs iso

	rm -rf "$dir"
	mkdir -p "$dir/iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin \
		/usr/lib/syslinux/modules/bios/ldlinux.c32 "$dir/iso/isolinux/"
	cp "$KROOT/boot/vmlinuz-$KVER" "$dir/iso/vmlinuz"
	cp "$BUILD/l1-initrd.gz" "$dir/iso/initrd.gz"
	cat > "$dir/iso/isolinux/isolinux.cfg" <<-CFG
		default l1
		label l1
		  kernel /vmlinuz
		  append initrd=/initrd.gz console=ttyS0 quiet panic=-1 nokaslr $append
	CFG
	iso=$dir/boot.iso
	xorriso -as mkisofs -quiet -o "$iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 \
		-boot-info-table "$dir/iso" 2> /dev/null
	cat > "$dir/bochsrc" <<-RC
		megs: 2048
		cpu: model=corei7_skylake_x, count=${BOCHS_CPUS:-1}, ips=200000000
		romimage: file=/usr/share/bochs/BIOS-bochs-latest
		vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
		ata0-master: type=cdrom, path=$iso, status=inserted
		boot: cdrom
		com1: enabled=1, mode=file, dev=$log
		display_library: rfb, options="timeout=0"
		log: $dir/bochs.log
		clock: sync=none, time0=local
		# Bochs' ALSA backend aborts (a fortify overflow) on machines
		# without a sound card: the emulated host needs no sound.
		sound: driver=dummy
		speaker: enabled=0
	RC
	printf 'c\nquit\n' > "$dir/cmds"
	: > "$log"
	say "booting Bochs (an emulated Intel host takes a few minutes)"
	(cd "$dir" && timeout "$BOCHS_TIMEOUT" bochs -q -f bochsrc \
		-rc cmds < /dev/null > bochs.out 2>&1) || true
	tr -d '\r' < "$log"
}

# boot_l1 LOG VENDOR CPU CMDLINE: boot one L1. An empty CPU asks for the
# vendor's full model: the host CPU under nested KVM when this machine
# offers it, else QEMU TCG's EPYC with SVM and NPT, or Bochs for VMX.
boot_l1()
{
	local log=$1 vendor=$2 cpu=$3 append=$4

	# One emulator at a time on this machine, whichever checkout runs it.
	exec 9> "${TMPDIR:-/tmp}/kvmlite-emulator.lock"
	flock 9
	if nested_accel "$vendor"; then
		boot_qemu "$log" "${cpu:-host}" kvm "$append"
	elif [ -n "$cpu" ]; then
		boot_qemu "$log" "$cpu" tcg "$append"
	elif [ "$vendor" = svm ]; then
		boot_qemu "$log" "EPYC,+svm,+npt" tcg "$append"
	else
		boot_bochs "$log" "$append"
	fi
	exec 9>&-
}

# l1_run NAME VENDOR CPU MODE [ARGS]: one L1 job, its results recorded.
l1_run()
{
	local name=$1 log=$RESULTS/$1.log

	say "L1 job '$name' (${3:-full $2 model})"
	boot_l1 "$log" "$2" "$3" "rig.mode=$4 ${5:-}"
	record "$name" "$log"
}

# record NAME LOG: count a job's results; a job that never reached its
# end marker (hang, panic, lost console) fails.
record()
{
	local name=$1 log=$2 counts

	counts=$(awk -f "$RIG/tap-count.awk" "$log")
	if ! grep -q '^KVMLITE-RIG-END' "$log"; then
		say "$name: the emulated host did not finish (see $log)"
		set -- $counts
		counts="$1 $(($2 + 1)) $3"
	fi
	# Kernel console lines after the rig began (quiet shows errors only),
	# but those the rig named as the emulated host's (l2_try_wrecked).
	awk '/^KVMLITE-RIG-BEGIN/ { on = 1 } on' "$log" | tr -d '\r' \
		> "$RESULTS/$name.rig"
	sed -n 's/.*KVMLITE-RIG-EXCUSED //p' "$RESULTS/$name.rig" \
		> "$RESULTS/$name.excused"
	if grep -aE '^\[ *[0-9.]+\] .*(WARNING: CPU:|BUG:|Oops|Kernel panic)' \
	   "$RESULTS/$name.rig" | grep -avxF -f "$RESULTS/$name.excused" |
	   grep -q .; then
		say "$name: kernel splat on the console (see $log)"
		set -- $counts
		counts="$1 $(($2 + 1)) $3"
	fi
	echo "$counts" > "$RESULTS/$name.counts"
	say "$name: $(summary_line "$counts")"
}

summary_line() { set -- $1; echo "$1 passed, $2 failed, $3 skipped"; }

check_unit()
{
	local t rc log=$RESULTS/unit.log tap=$RESULTS/unit.tap

	make -C "$TOP" -s unit
	: > "$tap"
	for t in "$BUILD"/unit/*_test; do
		"$t" > "$RESULTS/unit.out" 2>&1 && rc=0 || rc=$?
		awk -v name="$(basename "$t")" -v rc="$rc" \
			-v n="$(grep -c -e '^ok ' -e '^not ok ' "$tap" || true)" \
			-f "$RIG/tap-merge.awk" "$RESULTS/unit.out" >> "$tap"
	done
	{ echo "KVMLITE-RIG-BEGIN unit"; cat "$tap"; echo "KVMLITE-RIG-END"; } \
		> "$log"
	cat "$tap"
	record unit "$log"
}

check_svm()
{
	l1_run svm svm "" check
	l1_run refuse-amd-no-svm svm "EPYC,-svm" refuse \
		"rig.expect=SVM_in_CPUID rig.errno=No_such_device"
	l1_run refuse-amd-no-npt svm "EPYC,+svm,-npt" refuse \
		"rig.expect=nested_paging rig.errno=Operation_not_supported"
}

# Bochs runs about 1000 times slower than the hardware it emulates: the
# emulated Intel host runs the tests listed here, the AMD one runs all.
# Left out here: leak_test and memory_test (thousands of VMs, hundreds of
# MiB touched and paged out: tens of minutes in Bochs, for code that is
# not the vendor's), stats_fd_test (generic code, covered on AMD), and
# scale_test, which runs in the two-CPU boot.
VMX_TESTS=${VMX_TESTS:-api_test,coexist_test,cpuid_msr_test,debugreg_test,\
exception_test,genl_test,hugepage_test,ioctl_errno_test,irq_test,\
memslot_test,mmio_test,modes_test,movs_mmio_test,pio_test,\
vm_lifecycle_test,run_test,linux_boot,bench_smoke}
# KVM, the oracle, runs the same there but for the Linux boot (minutes
# more of Bochs; it boots on KVM in the AMD host) and bench_smoke, during
# which the one-CPU emulated host once froze with kvm_intel.
VMX_KVM_TESTS=${VMX_KVM_TESTS:-api_test,coexist_test,cpuid_msr_test,\
debugreg_test,exception_test,genl_test,hugepage_test,ioctl_errno_test,\
irq_test,memslot_test,mmio_test,modes_test,movs_mmio_test,pio_test,\
vm_lifecycle_test,run_test}
VMX_SMP_TESTS=${VMX_SMP_TESTS:-scale_test}

check_vmx()
{
	l1_run vmx vmx "" check \
		"rig.tests=$VMX_TESTS rig.kvm_tests=$VMX_KVM_TESTS"
	# Two CPUs make Bochs slower still: only what needs them, briefly.
	BOCHS_CPUS=2 l1_run vmx-smp vmx "" check \
		"rig.tests=$VMX_SMP_TESTS rig.short"
	# TCG offers no VMX: an Intel CPU model there exercises the refusal.
	l1_run refuse-intel-no-vmx vmx "Skylake-Client-v4" refuse \
		"rig.expect=VMX_in_CPUID rig.errno=No_such_device"
}

total()
{
	local p=0 f=0 s=0 c

	for c in "$RESULTS"/*.counts; do
		set -- $(cat "$c")
		p=$((p + $1)) f=$((f + $2)) s=$((s + $3))
	done
	echo "$p passed, $f failed, $s skipped"
	[ "$f" = 0 ]
}

cmd_check()
{
	local what=${1:-all}

	rm -rf "$RESULTS"
	mkdir -p "$RESULTS"
	case $what in
	unit) setup_packages; check_unit ;;
	build) setup_packages; check_build ;;
	svm) prepare; check_svm ;;
	vmx) prepare; check_vmx ;;
	all) prepare; check_unit; check_build; check_svm; check_vmx ;;
	*) die "usage: rig.sh check [unit|build|svm|vmx|all]" ;;
	esac
	total
}

# The emulated host boot_l1 picks for VENDOR, in words, for the reports.
l1_host()
{
	local distro

	distro=$(. /etc/os-release && echo "${NAME%% *} $VERSION_ID")
	if nested_accel "$1"; then
		echo -n "QEMU/KVM -cpu host (nested)"
	elif [ "$1" = svm ]; then
		echo -n "QEMU TCG EPYC,+svm,+npt"
	else
		echo -n "Bochs corei7_skylake_x, clock sync=none"
	fi
	echo " in $distro, kernel $KVER"
}

# Rounds and client options per vendor: Bochs runs about 1000 times
# slower than the hardware it emulates, so the Intel host gets tiny
# counts and few rounds (a few minutes of Bochs); kvmlite's figures there
# wait for the VMX backend (issue 4) and show as n/a.
BENCH_SVM_ROUNDS=${RIG_BENCH_ROUNDS:-7}
BENCH_SVM_ARGS=${RIG_BENCH_ARGS:-}
BENCH_VMX_ROUNDS=${RIG_BENCH_ROUNDS:-3}
BENCH_VMX_ARGS=${RIG_BENCH_ARGS:---quick}
# Rounds with a Linux boot: each is minutes of Bochs.
BENCH_SVM_BOOTS=${RIG_BENCH_BOOTS:-$BENCH_SVM_ROUNDS}
BENCH_VMX_BOOTS=${RIG_BENCH_BOOTS:-1}
BENCH_OUT=$TOP/bench/results

# bench_vendor svm|vmx: one L1 boot runs the client on both devices, then
# bench/results/VENDOR.{json,txt,png} from its serial log.
bench_vendor()
{
	local vendor=$1 rounds args boots log=$RESULTS/bench-$1.log ratios=1

	if [ "$vendor" = svm ]; then
		rounds=$BENCH_SVM_ROUNDS args=$BENCH_SVM_ARGS
		boots=$BENCH_SVM_BOOTS
	else
		rounds=$BENCH_VMX_ROUNDS args=$BENCH_VMX_ARGS
		boots=$BENCH_VMX_BOOTS
	fi
	l1_run "bench-$vendor" "$vendor" "" bench \
		"rig.rounds=$rounds rig.boots=$boots rig.bench=${args// /,}"
	awk -v vendor="$vendor" -v host="$(l1_host "$vendor")" \
		-v date="$(date -u +%Y-%m-%d)" \
		-v json="$BENCH_OUT/$vendor.json" \
		-v table="$BENCH_OUT/$vendor.txt" \
		-v dat="$RESULTS/bench-$vendor.dat" \
		-f "$RIG/bench-report.awk" "$log" ||
		die "bench-$vendor: no results (see $log)"
	cat "$BENCH_OUT/$vendor.txt"
	awk '$4 != "-" { found = 1 } END { exit !found }' \
		"$RESULTS/bench-$vendor.dat" || ratios=0
	gnuplot -e "dat='$RESULTS/bench-$vendor.dat'" \
		-e "out='$BENCH_OUT/$vendor.png'" \
		-e "name='$(head -n 1 "$BENCH_OUT/$vendor.txt")'" \
		-e "ratios=$ratios" "$RIG/bench-chart.gp"
	say "bench-$vendor: $BENCH_OUT/$vendor.{json,txt,png}"
}

cmd_bench()
{
	local what=${1:-all} f failed=0

	case $what in
	svm|vmx|all) ;;
	*) die "usage: rig.sh bench [svm|vmx|all]" ;;
	esac
	# A benchmark boot runs longer than a test boot.
	QEMU_TIMEOUT=${RIG_QEMU_TIMEOUT:-2400}
	prepare
	mkdir -p "$RESULTS" "$BENCH_OUT"
	rm -f "$RESULTS"/bench-*.counts
	[ "$what" = vmx ] || bench_vendor svm
	[ "$what" = svm ] || bench_vendor vmx
	# The summary: every vendor's latest table.
	for f in "$BENCH_OUT"/{svm,vmx}.txt; do
		[ -f "$f" ] && { cat "$f"; echo; }
	done > "$BENCH_OUT/summary.txt"
	for f in "$RESULTS"/bench-*.counts; do
		set -- $(cat "$f")
		failed=$((failed + $2))
	done
	[ "$failed" = 0 ] || die "$failed failures in the benchmark boots"
}

# The AMD host by default (seconds to boot); RIG_DEMO_VENDOR=vmx shows
# the same in the Intel one (Bochs: minutes).
cmd_demo()
{
	prepare
	mkdir -p "$RESULTS"
	boot_l1 "$RESULTS/demo.log" "${RIG_DEMO_VENDOR:-svm}" "" rig.mode=demo
}

case ${1:-} in
check) shift; cmd_check "$@" ;;
bench) shift; cmd_bench "$@" ;;
demo) cmd_demo ;;
prepare) prepare ;;
*) die "usage: rig.sh check [unit|build|svm|vmx|all] |" \
       "bench [svm|vmx|all] | demo | prepare" ;;
esac

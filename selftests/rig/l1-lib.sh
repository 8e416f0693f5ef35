# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers shared by the rig's jobs inside the emulated host. Every result
# goes to the console as one flat TAP stream and to $STREAM, which counts.

STREAM=/tmp/rig.tap
KVER=$(uname -r)
KVMLITE_KO=/lib/modules/$KVER/extra/kvmlite.ko

# The kernel's virtualization flavour: svm or vmx.
l1_vendor()
{
	if grep -qw svm /proc/cpuinfo; then
		echo svm
	elif grep -qw vmx /proc/cpuinfo; then
		echo vmx
	else
		echo none
	fi
}

# Debian's KVM module for this host: kvm_amd or kvm_intel.
kvm_module()
{
	case $(l1_vendor) in
	svm) echo kvm_amd ;;
	vmx) echo kvm_intel ;;
	*) echo none ;;
	esac
}

rig_begin()
{
	: > "$STREAM"
	dmesg > /tmp/dmesg.boot
	echo "KVMLITE-RIG-BEGIN $1 vendor=$(l1_vendor) kernel=$KVER"
	echo "TAP version 13"
}

rig_results() { grep -c -e '^ok ' -e '^not ok ' "$STREAM"; }

rig_end()
{
	n=$(rig_results)
	failed=$(grep -c '^not ok ' "$STREAM")
	echo "1..$n"
	echo "KVMLITE-RIG-END results=$n failed=$failed"
}

# result OK|FAIL|SKIP DESCRIPTION [WHY]: one result of the rig's own.
result()
{
	n=$(($(rig_results) + 1))
	case $1 in
	OK) echo "ok $n $2" ;;
	SKIP) echo "ok $n $2 # SKIP $3" ;;
	*) echo "not ok $n $2" ;;
	esac | tee -a "$STREAM"
}

# check DESCRIPTION SHELL-CONDITION: a result; what a failure printed
# becomes diagnostics.
check()
{
	if eval "$2" > /tmp/check.out 2>&1; then
		result OK "$1"
	else
		result FAIL "$1"
		sed 's/^/# /' /tmp/check.out
	fi
}

# run_tap NAME TIMEOUT CMD...: run a TAP program and fold in its results.
run_tap()
{
	name=$1
	limit=$2
	shift 2
	echo "# running $name"
	# Stream the raw output as comments, so a hang shows where it hung.
	{ timeout "$limit" "$@" 2>&1; echo $? > /tmp/run_tap.rc; } |
		tee /tmp/run_tap.out | sed 's/^/#   /'
	rc=$(cat /tmp/run_tap.rc)
	awk -v name="$name" -v n="$(rig_results)" -v rc="$rc" \
		-f /rig/tap-merge.awk /tmp/run_tap.out > /tmp/run_tap.merged
	cat /tmp/run_tap.merged
	grep -e '^ok ' -e '^not ok ' /tmp/run_tap.merged >> "$STREAM"
}

# Splats the kernel must never print while kvmlite runs.
SPLATS='WARNING: CPU:|BUG:|Oops|Call Trace:|KASAN|circular locking|scheduling while atomic|general protection fault|possible recursive locking|unreferenced object|RCU stall|soft lockup|hard LOCKUP'

# Splats from before the rig started are the emulated CPU's business (Bochs'
# XSAVE model warns at boot), and so are those during a Linux boot that
# the emulated host wrecked (l2_try_wrecked): they are shown, but only the
# others fail.
check_dmesg_clean()
{
	if grep -E "$SPLATS" /tmp/dmesg.boot > /tmp/splats; then
		echo "# splats at boot, before the rig ran (not counted):"
		sed 's/^/#   /' /tmp/splats
	fi
	touch /tmp/dmesg.wrecked
	if grep -E "$SPLATS" /tmp/dmesg.wrecked > /tmp/splats; then
		echo "# splats while the emulated host wrecked a Linux boot" \
			"(l2_try_wrecked; not counted):"
		sed 's/^/#   /' /tmp/splats
	fi
	dmesg | tail -n +"$(($(wc -l < /tmp/dmesg.boot) + 1))" > /tmp/dmesg.rig
	# busybox grep -v with no patterns passes nothing.
	if [ -s /tmp/dmesg.wrecked ]; then
		grep -vxF -f /tmp/dmesg.wrecked /tmp/dmesg.rig > /tmp/dmesg.counted
	else
		cp /tmp/dmesg.rig /tmp/dmesg.counted
	fi
	if grep -E "$SPLATS" /tmp/dmesg.counted > /tmp/splats; then
		result FAIL "dmesg has no WARN, BUG, oops or lockdep report"
		sed 's/^/# /' /tmp/splats
		# The first splat whole: its first lines say where it was.
		grep -m 1 -A 80 -E "$SPLATS" /tmp/dmesg.counted |
			sed 's/^/# dmesg: /'
	else
		result OK "dmesg has no WARN, BUG, oops or lockdep report"
	fi
}

# The group udev gives /dev/kvm and /dev/kvmlite (see udev/*.rules);
# busybox's mdev applies the same rule here.
apply_device_rules() { mdev -s; }

# QEMU TCG's SVM, the emulated AMD host, now and then delivers an
# interrupt to an L2 guest whose IF is clear, inside the handler of the
# one before: Debian's kvm_amd suffers it just as kvmlite does (README,
# "What the emulated hosts get wrong"). The guest then spins for good on a
# lock it holds, or dies of "Fatal exception in interrupt"; KVM's boots
# end so almost one time in two. A Linux boot that ends so is tried
# again, up to l2_boot_tries times; any other failure counts at once. A
# boot there takes well under a minute. Bochs has shown no such thing: one
# try there, and its slower boots get the longer limit (seconds per try).
l2_boot_tries() { [ "$(l1_vendor)" = svm ] && echo 5 || echo 1; }
l2_boot_limit() { [ "$(l1_vendor)" = svm ] && echo 120 || echo 300; }

# l2_try_begin before each try; l2_try_wrecked after one that
# l2_emulator_fault judged wrecked: the kernel's messages during it are the
# emulated host's business, as those from before the rig began are.
# check_dmesg_clean shows them without counting them, and the splats
# among them are named on the console for rig.sh's own check.
l2_try_begin() { l2_dmesg_lines=$(dmesg | wc -l); }
l2_try_wrecked()
{
	dmesg | tail -n +"$((l2_dmesg_lines + 1))" | tee -a /tmp/dmesg.wrecked |
		grep -E "$SPLATS" | sed 's/^/KVMLITE-RIG-EXCUSED /'
}

# l2_boot ONE_TRY OUT ERR: call the function ONE_TRY, one Linux boot that
# sets rc and leaves the guest's console in OUT and the runner's messages
# in ERR, again while l2_emulator_fault says the emulated host wrecked it,
# l2_boot_tries times at most. The end of each wrecked try goes out as
# diagnostics; l2_tries says how many tries it took.
l2_boot()
{
	local tries

	tries=$(l2_boot_tries)
	l2_tries=1
	while :; do
		l2_try_begin
		"$1"
		[ "$l2_tries" -lt "$tries" ] &&
			l2_emulator_fault "$rc" "$2" "$3" || return 0
		echo "# try $l2_tries of $tries: the emulated host's fault" \
			"(l1-lib.sh, l2_emulator_fault), booting again;" \
			"how it ended:"
		tail -n 5 "$2" | sed 's/^/#   guest: /'
		sed 's/^/#   runner: /' "$3"
		l2_try_wrecked
		l2_tries=$((l2_tries + 1))
	done
}

# l2_emulator_fault RC OUT ERR: did the boot whose exit status (through
# busybox timeout), console and runner's messages these are end that way?
# Stopped by the limit, the runner reports each vCPU's RIP and RFLAGS.
l2_emulator_fault()
{
	local flags

	case $1 in
	124|143)
		for flags in $(sed -n \
		    's/.*: running at rip 0x[0-9a-f]*, rflags \(0x[0-9a-f]*\).*/\1/p' \
		    "$3"); do
			[ $((flags & 0x200)) = 0 ] && return 0
		done
		return 1 ;;
	esac
	grep -q "Kernel panic - not syncing: Fatal exception in interrupt" "$2"
}

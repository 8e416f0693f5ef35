#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The benchmark client in `make check`: once, with --quick counts, on the
# device named (-d PATH as for every selftest). It must finish and print a
# well-formed JSON object with a value for every metric. Nothing is timed
# and nothing about speed is asserted: benchmarks are never tests.
#
# usage: bench-smoke.sh DEVICE   (TAP on stdout; exit 4 skips)
dev=${1:?usage: bench-smoke.sh DEVICE}
bench=/rig/bench
out=/tmp/bench-smoke.out
# The objects bench prints are flat: "key":value with a string (no quote
# or backslash inside), a number or null as the value.
pair='"[a-z_]+":("[^"\\]*"|-?[0-9]+(\.[0-9]+)?|null)'

"$bench" --quick -d "$dev" > "$out" 2>&1
rc=$?
if [ "$rc" = 4 ]; then
	why=$(sed -n 's/.*"skipped":"\([^"]*\)".*/\1/p' "$out" | head -n 1)
	echo "1..0 # SKIP ${why:-$dev cannot create VMs}"
	exit 4
fi

echo "TAP version 13"
echo "1..3"
sed 's/^/# /' "$out"
failed=0

if [ "$rc" = 0 ]; then
	echo "ok 1 bench --quick -d $dev exits 0"
else
	echo "not ok 1 bench --quick -d $dev exits 0 (status $rc)"
	failed=1
fi

if grep -v '^#' "$out" | grep -Evx "\{$pair(,$pair)*\}" > /tmp/bench-smoke.bad
then
	echo "not ok 2 every line is a JSON object or a # diagnostic"
	sed 's/^/# not JSON: /' /tmp/bench-smoke.bad
	failed=1
else
	echo "ok 2 every line is a JSON object or a # diagnostic"
fi

missing=
for metric in $("$bench" --list | cut -d ' ' -f 1); do
	grep -q "\"metric\":\"$metric\",.*\"value\":[0-9]" "$out" ||
		missing="$missing $metric"
done
if [ -z "$missing" ]; then
	echo "ok 3 a measured value for every metric"
else
	echo "not ok 3 a measured value for every metric (none for$missing)"
	failed=1
fi
exit "$failed"

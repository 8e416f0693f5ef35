# SPDX-License-Identifier: GPL-2.0-only
#
# Fold one test program's TAP output into the rig's single flat TAP
# stream: renumber its results from n+1, prefix each with the test's name,
# keep its diagnostics as comments, and add a failure when the program
# crashed, exited non-zero without saying why, or broke its plan.
#
# usage: awk -v name=NAME -v n=RESULTS_SO_FAR -v rc=EXIT_STATUS -f tap-merge.awk OUT
# (POSIX awk: runs under busybox in the emulated host and on the build host)

BEGIN { plan = -1; count = 0; failed = 0; skipall = "" }

{ sub(/\r$/, "") }

/^TAP version/ { next }

/^1\.\.0[ \t]*#[ \t]*[Ss][Kk][Ii][Pp]/ {
	skipall = $0
	sub(/^1\.\.0[ \t]*#[ \t]*[Ss][Kk][Ii][Pp][ \t]*/, "", skipall)
	if (skipall == "")
		skipall = "skipped"
	plan = 0
	next
}

/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }

/^(not )?ok([ \t]|$)/ {
	bad = ($1 == "not")
	text = $0
	sub(/^(not )?ok[ \t]*[0-9]*[ \t]*(-[ \t]*)?/, "", text)
	count++
	n++
	printf "%s %d %s: %s\n", bad ? "not ok" : "ok", n, name, text
	if (bad)
		failed++
	next
}

/^#/ { print; next }

{ print "# " $0 }

END {
	if (skipall != "" && count == 0 && (rc == 0 || rc == 4)) {
		printf "ok %d %s # SKIP %s\n", n + 1, name, skipall
	} else if (rc != 0 && rc != 4 && failed == 0) {
		printf "not ok %d %s: exited with status %d\n", n + 1, name, rc
	} else if (plan < 0) {
		printf "not ok %d %s: no TAP plan\n", n + 1, name
	} else if (count != plan) {
		printf "not ok %d %s: planned %d cases, ran %d\n", n + 1, name,
		       plan, count
	}
}

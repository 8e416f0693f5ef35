# SPDX-License-Identifier: GPL-2.0-only
#
# make bench's report for one vendor: from the emulated host's serial log,
# the benchmark client's JSON lines (tagged with their round) between
# KVMLITE-BENCH-BEGIN and KVMLITE-BENCH-END. Per metric: the median of
# each device's samples, the ratio kvmlite/KVM of the medians, and the
# ratio of each round's pair (the devices ran alternately, so a pair saw
# the emulator at the same speed). Overall: the geometric mean of the
# metrics' ratios.
#
# Writes the report as JSON to `json`, the table to `table` and gnuplot's
# data to `dat`; exits 1 when the log holds no complete benchmark.
#
# usage: awk -v vendor=svm -v host=TEXT -v date=YYYY-MM-DD -v json=FILE \
#            -v table=FILE -v dat=FILE -f bench-report.awk LOG
# (POSIX awk: mawk and gawk)

BEGIN {
	nm = 0
	label["cpuid"] = "CPUID exit, in the kernel"
	label["hypercall"] = (vendor == "vmx" ? "VMCALL" : "VMMCALL") \
			     " exit, in the kernel"
	label["pio"] = "PIO exit to userspace"
	label["mmio"] = "MMIO exit to userspace"
	label["irq"] = "KVM_INTERRUPT, handler's OUT"
	label["fault_thp"] = "first touch, 4K page, THP"
	label["fault_4k"] = "first touch, 4K page, no THP"
	label["compute"] = "guest compute loop, no exits"
	label["vm_create"] = "VM + vCPU create/destroy"
	label["linux_boot"] = "Linux boot to userspace"
}

{ sub(/\r$/, "") }

/^KVMLITE-BENCH-BEGIN/ {
	inside = 1
	rounds = $2
	sub(/^rounds=/, "", rounds)
	args = $0
	sub(/^.*args=/, "", args)
	next
}
/^KVMLITE-BENCH-END/ { inside = 0; complete = 1; next }
!inside || !/^\{"round":/ { next }

{
	r = field($0, "round")
	hv = field($0, "hypervisor")
	m = field($0, "metric")
	if (!(m in unit)) {
		order[++nm] = m
		unit[m] = field($0, "unit")
	}
	if ((v = field($0, "skipped")) != "") {
		na[hv, m] = v
	} else if ((v = field($0, "error")) != "") {
		err[hv, m] = "round " r ": " v
	} else {
		n = ++count[hv, m]
		sample[hv, m, n] = field($0, "value") + 0
		at_round[hv, m, r] = field($0, "value") + 0
		it = field($0, "iterations") + 0
		ue = field($0, "user_exits")
		# The exits of the operations: less the end-of-loop one.
		if (ue != "" && it > 0)
			exits[hv, m, n] = (ue - 1) / it
		# Every VM exit, from the vCPU's "exits" statistic.
		ge = field($0, "guest_exits")
		if (ge != "" && it > 0)
			gexits[hv, m, n] = ge / it
		if (r + 0 > maxround)
			maxround = r + 0
	}
}

# The value of "key" in a flat JSON object (strings without quotes).
function field(line, key,    v) {
	if (!match(line, "\"" key "\":(\"[^\"]*\"|[^,}]*)"))
		return ""
	v = substr(line, RSTART + length(key) + 3,
		   RLENGTH - length(key) - 3)
	gsub(/^"|"$/, "", v)
	return v
}

# median(hv, m, what): of sample[], exits[] or gexits[] for one device
# and metric.
function median(hv, m, what,    a, n, i, j, t) {
	n = 0
	for (i = 1; i <= count[hv, m]; i++) {
		if (what == "exits") {
			if (!((hv, m, i) in exits))
				continue
			a[++n] = exits[hv, m, i]
		} else if (what == "gexits") {
			if (!((hv, m, i) in gexits))
				continue
			a[++n] = gexits[hv, m, i]
		} else {
			a[++n] = sample[hv, m, i]
		}
	}
	if (!n)
		return ""
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function num(v) {
	if (v == "")
		return "-"
	if (v >= 1000)
		return sprintf("%.0f", v)
	if (v >= 10)
		return sprintf("%.1f", v)
	return sprintf("%.2f", v)
}

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

function jnum(v) {
	return v == "" ? "null" : sprintf("%.6g", v)
}

# A device's column: its median, or why there is none.
function cell(hv, m) {
	if ((hv, m) in err)
		return "error"
	if ((hv, m) in na)
		return "n/a"
	return num(med[hv, m])
}

function jdevice(hv, m,    s, i) {
	if ((hv, m) in err)
		return "{\"error\":" jstr(err[hv, m]) "}"
	if ((hv, m) in na)
		return "{\"unavailable\":" jstr(na[hv, m]) "}"
	s = "{\"median\":" jnum(med[hv, m]) ",\"samples\":["
	for (i = 1; i <= count[hv, m]; i++)
		s = s (i > 1 ? "," : "") jnum(sample[hv, m, i])
	s = s "]"
	if (xmed[hv, m] != "")
		s = s ",\"user_exits_per_op\":" jnum(xmed[hv, m])
	if (gmed[hv, m] != "")
		s = s ",\"vm_exits_per_op\":" jnum(gmed[hv, m])
	return s "}"
}

END {
	if (!complete || !nm) {
		print "bench-report: no complete benchmark in the log" \
			> "/dev/stderr"
		exit 1
	}
	nratios = 0
	logsum = 0
	for (i = 1; i <= nm; i++) {
		m = order[i]
		for (h = 0; h < 2; h++) {
			hv = h ? "kvmlite" : "kvm"
			med[hv, m] = median(hv, m, "value")
			xmed[hv, m] = median(hv, m, "exits")
			gmed[hv, m] = median(hv, m, "gexits")
		}
		ratio[m] = ""
		if (med["kvm", m] > 0 && med["kvmlite", m] != "") {
			ratio[m] = med["kvmlite", m] / med["kvm", m]
			nratios++
			logsum += log(ratio[m])
		}
		# The pairs: rounds with a sample from both devices.
		np[m] = 0
		for (r = 1; r <= maxround; r++) {
			if (!(("kvm", m, r) in at_round) ||
			    !(("kvmlite", m, r) in at_round) ||
			    at_round["kvm", m, r] <= 0)
				continue
			pr[m, ++np[m]] = at_round["kvmlite", m, r] / \
					 at_round["kvm", m, r]
			if (np[m] == 1 || pr[m, np[m]] < prmin[m])
				prmin[m] = pr[m, np[m]]
			if (np[m] == 1 || pr[m, np[m]] > prmax[m])
				prmax[m] = pr[m, np[m]]
		}
	}
	overall = nratios ? exp(logsum / nratios) : ""

	# The table.
	printf "kvmlite against KVM, %s: %s, %s\n", vendor, host, date \
		> table
	printf "medians of %d rounds (A B A B ...), client options: %s\n", \
		rounds, (args == "" ? "defaults" : args) > table
	printf "%-32s %-6s %10s %10s %6s %12s %11s %11s\n", "metric", \
		"unit", "KVM", "kvmlite", "ratio", "pairs", "user ex/op", \
		"VM ex/op" > table
	for (i = 1; i <= nm; i++) {
		m = order[i]
		pairs = np[m] ? sprintf("%.2f-%.2f", prmin[m], prmax[m]) : "-"
		ex = xmed["kvm", m] == "" ? "-" : \
		     sprintf("%s/%s", num(xmed["kvm", m]),
			     xmed["kvmlite", m] == "" ? "-" : \
			     num(xmed["kvmlite", m]))
		gex = gmed["kvm", m] == "" && gmed["kvmlite", m] == "" ? \
		      "-" : sprintf("%s/%s", num(gmed["kvm", m]),
				    num(gmed["kvmlite", m]))
		printf "%-32s %-6s %10s %10s %6s %12s %11s %11s\n", label[m], \
			unit[m], cell("kvm", m), cell("kvmlite", m),
			(ratio[m] == "" ? "n/a" : sprintf("%.2f", ratio[m])),
			pairs, ex, gex > table
	}
	printf "%-32s %-6s %10s %10s %6s\n", \
		"overall (geometric mean)", "", "", "",
		(overall == "" ? "n/a" : sprintf("%.2f", overall)) > table
	for (i = 1; i <= nm; i++) {
		m = order[i]
		if (("kvmlite", m) in na && !(("kvmlite", m, 1) in sample)) {
			printf "kvmlite n/a: %s\n", na["kvmlite", m] > table
			break
		}
	}
	for (i = 1; i <= nm; i++)
		for (h = 0; h < 2; h++) {
			hv = h ? "kvmlite" : "kvm"
			if ((hv, order[i]) in err)
				printf "%s error, %s: %s\n", hv, order[i],
					err[hv, order[i]] > table
		}

	# The report.
	printf "{\"vendor\":%s,\"host\":%s,\"date\":%s,\"rounds\":%d,", \
		jstr(vendor), jstr(host), jstr(date), rounds > json
	printf "\"client_options\":%s,\"metrics\":[", jstr(args) > json
	for (i = 1; i <= nm; i++) {
		m = order[i]
		printf "%s\n{\"metric\":%s,\"label\":%s,\"unit\":%s,", \
			(i > 1 ? "," : ""), jstr(m), jstr(label[m]),
			jstr(unit[m]) > json
		printf "\"kvm\":%s,\"kvmlite\":%s,\"ratio\":%s,", \
			jdevice("kvm", m), jdevice("kvmlite", m),
			jnum(ratio[m]) > json
		printf "\"pair_ratios\":[" > json
		for (p = 1; p <= np[m]; p++)
			printf "%s%s", (p > 1 ? "," : ""), jnum(pr[m, p]) > json
		printf "]}" > json
	}
	printf "\n],\"overall_ratio\":%s}\n", jnum(overall) > json

	# gnuplot's data: label, KVM, kvmlite, ratio; "-" is missing.
	for (i = 1; i <= nm; i++) {
		m = order[i]
		printf "\"%s (%s)\" %s %s %s\n", m, unit[m],
			(med["kvm", m] == "" ? "-" : med["kvm", m]),
			(med["kvmlite", m] == "" ? "-" : med["kvmlite", m]),
			(ratio[m] == "" ? "-" : ratio[m]) > dat
	}
	exit 0
}

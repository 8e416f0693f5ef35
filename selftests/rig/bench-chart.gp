# SPDX-License-Identifier: GPL-2.0-only
#
# make bench's chart for one vendor, from bench-report.awk's data (label,
# KVM, kvmlite, ratio; "-" is missing). Top: each metric's median per
# operation on both devices, on a log scale, since the metrics span from a
# few cycles to milliseconds. Bottom: kvmlite/KVM, when kvmlite has
# figures at all, also on a log scale.
#
# usage: gnuplot -e "dat='F'; out='F.png'; name='TITLE'; ratios=1" bench-chart.gp

set terminal pngcairo size 1100,(ratios ? 900 : 520) font "sans,10"
set output out
set datafile missing "-"
# Metric names hold underscores, not subscripts.
set termoption noenhanced
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by 30 right scale 0 nomirror
set grid ytics
set key top left
# Both panels: one slot per metric, aligned.
stats dat using 0 nooutput
set xrange [-0.6:STATS_records - 0.4]

if (ratios) {
	set multiplot layout 2,1 title name
} else {
	set title name
}

set logscale y
set ylabel "median per operation (cycles or ns)"
if (ratios) {
	plot dat using 2:xtic(1) title "KVM" linecolor rgb "#4477aa", \
	     "" using 3 title "kvmlite" linecolor rgb "#ee6677"
} else {
	plot dat using 2:xtic(1) title "KVM (kvmlite: n/a)" \
		linecolor rgb "#4477aa"
}

if (ratios) {
	# Ratios span from hundredths to tens: log10 of each, as bars from
	# 1 (up: kvmlite slower, down: faster), labelled with the value.
	unset logscale y
	unset title
	set ylabel "kvmlite / KVM (log scale)"
	set ytics ("0.01" -2, "0.1" -1, "0.5" log10(0.5), "1" 0, \
		   "2" log10(2), "10" 1, "100" 2)
	set offsets 0, 0, 0.3, 0.3
	set boxwidth 0.5
	plot dat using 0:(log10($4)):xtic(1) with boxes \
		linecolor rgb "#228833" title "ratio of the medians", \
	     "" using 0:(log10($4) + ($4 < 1 ? -0.12 : 0.12)): \
		(sprintf("%.2f", $4)) with labels notitle, \
	     0 with lines linecolor rgb "black" notitle
	unset multiplot
}

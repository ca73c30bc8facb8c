#!/bin/sh
# sweep.sh -- hybrid's utilization and throughput against its threshold,
# for lab 4's plots (handout.md, "Choosing the threshold").
#
#   ./sweep.sh [-q] [-o DIR] [TRACE|DIR ...]   (default: traces/, out/sweep)
#
# Runs `bin/heaplab run -a hybrid` once per threshold, 1 KiB to 1 MiB by
# powers of two, then 1 TiB ("never": bins alone), with the threshold in
# HEAPLAB_HYBRID_THRESHOLD, which hybrid's init reads.  Writes
#   DIR/sweep.dat   threshold, mean utilization, Kops/s, system calls
#   DIR/sweep.gp    the gnuplot script, to restyle and run again
#   DIR/sweep.png   utilization and throughput against the threshold
# -q: no timing (utilization and system calls only; much faster).
set -eu

out=out/sweep
timing=""
while [ $# -gt 0 ]; do
    case $1 in
    -q) timing=--no-timing; shift ;;
    -o) out=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "sweep.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# -gt 0 ] || set -- traces/
[ -x bin/heaplab ] || { echo "sweep.sh: no bin/heaplab here (run make)" >&2; exit 2; }
mkdir -p "$out"

dat=$out/sweep.dat
printf '# threshold\tutil\tkops\tsyscalls\n' > "$dat"
threshold=1024
while :; do
    HEAPLAB_HYBRID_THRESHOLD=$threshold bin/heaplab run -a hybrid \
        -f csv $timing "$@" > "$out/run.csv" || true
    # columns: allocator,trace,status,message,ops,util,...,ops_per_sec(9),
    # ...,syscalls(11); a failed run counts 0
    awk -F, -v t="$threshold" '
        NR == 1 { next }
        {
            n++
            if ($3 == "ok") {
                util += $6
                calls += $11
                if ($9 > 0) { ops += $5; seconds += $5 / $9 }
            }
        }
        END {
            kops = seconds > 0 ? sprintf("%.0f", ops / seconds / 1000) : "NaN"
            printf "%s\t%.4f\t%s\t%d\n", t, (n ? util / n : 0), kops, calls
        }' "$out/run.csv" >> "$dat"
    [ "$threshold" -lt 1099511627776 ] || break
    if [ "$threshold" -ge 1048576 ]; then
        threshold=1099511627776
    else
        threshold=$((threshold * 2))
    fi
done
rm -f "$out/run.csv"

cat > "$out/sweep.gp" <<'EOF'
# sweep.gp -- written by sweep.sh: run `gnuplot sweep.gp` in its folder.
set terminal pngcairo size 1000,600 font "sans,11"
set output "sweep.png"
set title "hybrid: utilization and throughput against the threshold"
set xlabel "threshold (bytes; the last point: bins alone)"
set logscale x 2
set format x "2^{%L}"
set ylabel "mean utilization (%)"
set y2label "throughput (Kops/s)"
set ytics nomirror
set y2tics
set grid
set key bottom right
plot "sweep.dat" using 1:($2 * 100) with linespoints lw 2 title "utilization", \
     "sweep.dat" using 1:3 axes x1y2 with linespoints lw 2 title "Kops/s"
EOF
if command -v gnuplot >/dev/null 2>&1; then
    (cd "$out" && gnuplot sweep.gp) && echo "$out/sweep.png"
else
    echo "sweep.sh: no gnuplot: $out/sweep.dat and $out/sweep.gp only" >&2
fi
cat "$dat"

#!/bin/sh
# make-traces.sh -- the labs' own traces, public (labs/LAB/traces/) and
# private (labs/LAB/private/), made again from the commands below:
#
#   labs/make-traces.sh [ROOT]     (ROOT: where LAB/ folders go; labs/)
#
# Each generated trace is `bin/heaplab gen ARGUMENTS` (deterministic, the
# same bytes on every machine), its header turned into a CMU one when the
# lab scores it on utilization only (weight 2), throughput only (3) or
# correctness only (0) (traces/README.md, "The three dialects"), behind a
# comment that says how it was made.  tests/test_labs.c checks that the
# shipped files are exactly what this script writes.
set -eu
cd "$(dirname "$0")/.."
root=${1:-labs}
heaplab=bin/heaplab
[ -x "$heaplab" ] || { echo "make-traces.sh: build bin/heaplab first (make)" >&2; exit 2; }

# gen LAB/FOLDER NAME WEIGHT ARGUMENTS...: ROOT/LAB/FOLDER/NAME.rep.
# WEIGHT "-" keeps the classic header (weight 1: both counts).
gen() {
    where=$1 name=$2 weight=$3
    shift 3
    mkdir -p "$root/$where"
    out="$root/$where/$name.rep"
    {
        echo "# $name: heaplab gen $*"
        if [ "$weight" = - ]; then
            "$heaplab" gen "$@"
        else
            echo "# CMU header: weight $weight, num_ids, num_ops, max_bytes"
            # classic: hint (peak payload), ids, ops, weight -> CMU
            "$heaplab" gen "$@" | awk -v w="$weight" '
                NR == 1 { peak = $1; next }
                NR == 2 { ids = $1; next }
                NR == 3 { print w; print ids; print $1; print peak; next }
                NR == 4 { next }
                { print }'
        fi
    } > "$out"
}

# script LAB/FOLDER NAME: a header-less script from stdin.
script() {
    mkdir -p "$root/$1"
    cat > "$root/$1/$2.rep"
}

# repeat COUNT FORMAT: FORMAT with i = 0 .. COUNT-1, one line each.
repeat() {
    awk -v n="$1" -v f="$2" 'BEGIN { for (i = 0; i < n; i++) printf f "\n", i, i }'
}

# --- lab1-pad: system calls per malloc -----------------------------------
{
    echo "# syscalls-small: 1000 mallocs of 24 bytes, then 1000 frees."
    echo "# minimal: one brk per malloc; pad: one sbrk per 8 KiB of blocks."
    repeat 1000 "a %d 24"
    repeat 1000 "f %d"
} | script lab1-pad/traces syscalls-small
{
    echo "# syscalls-large: 100 mallocs of 10000 bytes, then 100 frees."
    echo "# Every request is larger than the pad: pad calls sbrk every time."
    repeat 100 "a %d 10000"
    repeat 100 "f %d"
} | script lab1-pad/traces syscalls-large
gen lab1-pad/private hidden-fifo - fifo-random --count 1500 --max-size 512 --seed 101
gen lab1-pad/private hidden-mixed - real-sizes --count 1500 --max-size 16384 --seed 102

# --- lab2-dlist: the four coalescing cases, and more ----------------------
{
    echo "# four-cases: each of free's four coalescing cases (CS:APP 9.9.11),"
    echo "# whichever way the blocks lie in the heap: nine blocks of 40 bytes,"
    echo "# neighbours in the order they were allocated (up or down)."
    repeat 9 "a %d 40"
    echo "f 1    # case 1: both neighbours allocated"
    echo "f 2    # case 2 or 3: block 1 is free, block 3 is not"
    echo "f 5    # case 1"
    echo "f 4    # case 3 or 2: block 5 is free, block 3 is not (the mirror)"
    echo "f 3    # case 4: both neighbours free: blocks 1 to 5 are one"
    echo "a 9 200    # fits in the merged block"
    echo "f 7    # case 1"
    echo "f 9"
    echo "f 6"
    echo "f 8"
    echo "f 0"
} | script lab2-dlist/traces four-cases
gen lab2-dlist/private hidden-random - random-random --count 2000 --max-size 2048 --seed 201
gen lab2-dlist/private hidden-phases - phases --count 2000 --max-size 1024 --seed 202

# --- lab3-bins: throughput on the worst case, utilization elsewhere -------
gen lab3-bins/traces worst-timed 3 worst --count 4000 --max-size 2000
gen lab3-bins/traces worst-small-timed 3 worst --count 4000 --max-size 64
gen lab3-bins/traces util-binary 2 binary --count 2000 --size 64
gen lab3-bins/traces util-random 2 random-random --count 3000 --max-size 1024 --seed 301
gen lab3-bins/traces util-phases 2 phases --count 3000 --max-size 512 --seed 302
gen lab3-bins/traces util-real 2 real-sizes --count 4000 --max-size 65536 --seed 303
gen lab3-bins/private hidden-worst 3 worst --count 3000 --max-size 4000
gen lab3-bins/private hidden-util-random 2 random-random --count 3000 --max-size 2048 --seed 311
gen lab3-bins/private hidden-util-phases 2 phases --count 2000 --max-size 2048 --seed 312
gen lab3-bins/private hidden-correct 0 lifo-random --count 2000 --max-size 4096 --seed 313

# --- lab4-hybrid: big blocks, where mapping them pays ---------------------
gen lab4-hybrid/traces big-real-sizes - real-sizes --count 3000 --max-size 1048576 --seed 401
gen lab4-hybrid/traces big-random - random-random --count 400 --max-size 131072 --seed 402
gen lab4-hybrid/traces big-phases - phases --count 400 --max-size 131072 --seed 403
gen lab4-hybrid/private hidden-big-real - real-sizes --count 2000 --max-size 2097152 --seed 411
gen lab4-hybrid/private hidden-big-fifo - fifo-random --count 200 --max-size 262144 --seed 412

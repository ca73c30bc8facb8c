#!/bin/sh
# make-samples.sh -- each lab's sample-output.txt: what the staff's solution
# prints on the lab's public traces, the same in a handout as here.
#
#   labs/make-samples.sh [LAB ...]      (default: every lab)
#
# The run is `heaplab run --no-timing`, whose every number is exact on any
# machine (throughput is left out: it is the machine's).  tests/test_labs.c
# checks that the shipped samples are what this script writes now: after
# changing a staff backend, run it again.
set -eu
cd "$(dirname "$0")/.."
export LC_ALL=C
[ -x bin/heaplab ] || { echo "make-samples.sh: build bin/heaplab first (make)" >&2; exit 2; }
if [ $# -eq 0 ]; then
    for conf in labs/*/handout.conf; do
        set -- "$@" "$(basename "$(dirname "$conf")")"
    done
fi

# sample LAB: the sample's text on stdout.
sample() {
    backend=$(sed -n 's/^backend[[:space:]]*=[[:space:]]*\([a-z0-9-]*\).*/\1/p' "labs/$1/handout.conf")
    echo "# What the staff's solution prints in the $1 handout for"
    echo "#"
    echo "#     bin/heaplab run -a $backend --no-timing traces/"
    echo "#"
    echo "# (labs/make-samples.sh).  Without --no-timing the Kops/s column"
    echo "# fills in with your machine's numbers; every other number is the"
    echo "# same on every machine."
    echo
    # shellcheck disable=SC2046
    bin/heaplab run -a "$backend" --no-timing $(labs/handout.sh --traces "$1")
}

for lab in "$@"; do
    if [ "${SAMPLE_STDOUT:-}" = 1 ]; then
        sample "$lab"
    else
        sample "$lab" > "labs/$lab/sample-output.txt"
        echo "labs/$lab/sample-output.txt"
    fi
done

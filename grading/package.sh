#!/bin/sh
# package.sh -- the autograder package of a lab, for Gradescope or Autolab:
#
#   grading/package.sh gradescope LAB OUT   ->  OUT/gradescope-LAB.zip
#   grading/package.sh autolab LAB OUT      ->  OUT/autolab-LAB/autograde.tar
#                                               OUT/autolab-LAB/autograde-Makefile
#
# (make gradescope-zip LAB=NAME, make autolab-tar LAB=NAME.)  The package
# holds heaplab's source without its tests and build products, and the
# lab's rubric: labs/LAB/rubric.conf, else grading/rubrics/LAB.conf.
set -eu
kind=$1 lab=$2 out=$3
cd "$(dirname "$0")/.."
if [ -f "labs/$lab/rubric.conf" ]; then
    rubric=labs/$lab/rubric.conf
elif [ -f "grading/rubrics/$lab.conf" ]; then
    rubric=grading/rubrics/$lab.conf
else
    echo "package.sh: no rubric for lab '$lab' (labs/$lab/rubric.conf or" \
         "grading/rubrics/$lab.conf)" >&2
    exit 2
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/heaplab"
tar -cf - --exclude=./build --exclude=./bin --exclude=./lib --exclude=./out \
    --exclude=./dist --exclude=./.git --exclude=./tests . |
    tar -xf - -C "$stage/heaplab"
case $kind in
gradescope)
    cp grading/gradescope/setup.sh "$stage/setup.sh"
    sed "s|@RUBRIC@|$rubric|" grading/gradescope/run_autograder \
        >"$stage/run_autograder"
    chmod 755 "$stage/setup.sh" "$stage/run_autograder"
    rm -f "$out/gradescope-$lab.zip"
    (cd "$stage" && python3 -m zipfile -c "$out/gradescope-$lab.zip" \
        setup.sh run_autograder heaplab)
    echo "$out/gradescope-$lab.zip"
    ;;
autolab)
    mkdir -p "$out/autolab-$lab"
    tar -cf "$out/autolab-$lab/autograde.tar" -C "$stage" heaplab
    sed "s|@RUBRIC@|$rubric|" grading/autolab/autograde-Makefile \
        >"$out/autolab-$lab/autograde-Makefile"
    echo "$out/autolab-$lab/autograde.tar"
    echo "$out/autolab-$lab/autograde-Makefile"
    ;;
*)
    echo "package.sh: KIND is gradescope or autolab, not '$kind'" >&2
    exit 2
    ;;
esac

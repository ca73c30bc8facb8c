#!/bin/sh
# handout.sh -- a lab's handout: everything a student needs, and nothing
# they must not see.
#
#   labs/handout.sh LAB OUT        ->  OUT/LAB.tar.gz   (make handout LAB=LAB)
#   labs/handout.sh --traces LAB   the public traces' files, one a line
#
# labs/LAB/handout.conf says what the lab gives.  The tarball unpacks to
# LAB/:
#
#   README.md, Makefile        the two commands (labs/handout.mk)
#   handout.md, rubric.conf    the assignment; the public part of the rubric
#   sample-output.txt          what the staff's solution prints
#   include/ driver/ grading/  the contract, the driver, the grader (no
#                              rubrics, no Gradescope or Autolab packages)
#   allocators/                memlib.c, verify.c, the backends the lab
#                              gives, the starter in the solution's place,
#                              and a registry.c that lists just these
#   traces/                    the lab's traces/ and the shared traces its
#                              public rubric names
#   tests/                     the test runner and the lab's public tests
#
# Never inside: a file of the lab's solution (handout.conf's `solution`:
# the script stops if one would ship), labs/LAB/private/ (hidden traces,
# answers), and the rubric's lines whose comment starts with "private"
# (and their traces).
set -eu
cd "$(dirname "$0")/.."
export LC_ALL=C

die() {
    echo "handout.sh: $*" >&2
    exit 2
}

list_labs() {
    for conf in labs/*/handout.conf; do
        basename "$(dirname "$conf")"
    done | tr '\n' ' '
}

[ $# -eq 2 ] || die "usage: labs/handout.sh LAB OUT, or --traces LAB"
if [ "$1" = --traces ]; then
    mode=traces lab=$2
else
    mode=pack lab=$1 out=$2
fi
dir=labs/$lab
[ -f "$dir/handout.conf" ] ||
    die "no lab '$lab' (labs/$lab/handout.conf); the labs: $(list_labs)"

# conf KEY: the words of KEY in handout.conf.
conf() {
    awk -v key="$1" '
        /^[[:space:]]*#/ { next }
        {
            line = $0
            sub(/#.*/, "", line)
            split(line, kv, "=")
            k = kv[1]
            gsub(/[[:space:]]/, "", k)
            if (k == key) {
                sub(/^[^=]*=/, "", line)
                print line
            }
        }' "$dir/handout.conf" | xargs
}

backend=$(conf backend)
starter=$(conf starter)
solution=$(conf solution)
gives=$(conf gives)
extra=$(conf extra)
if [ -z "$backend" ] || [ -z "$starter" ]; then
    die "$dir/handout.conf: needs backend and starter"
fi
[ -f "$dir/$starter" ] || die "$dir/$starter: no starter file"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The public rubric: the lab's, without its private lines, with the
# handout's trace folder.  A private line's continuation would join the
# line before it: refused.
public_rubric() {
    awk -v file="$dir/rubric.conf" -v backend="$backend" '
        $0 ~ "^reference[[:space:]]*=[[:space:]]*" backend "([[:space:];#]|$)" {
            print "reference = " backend "      ; here: yours, the staff'"'"'s is not in the handout"
            next
        }
        /^[[:space:]]*trace_dir[[:space:]]*=/ {
            print "trace_dir = traces            ; the handout'"'"'s traces/"
            private = 0
            next
        }
        /[;#][[:space:]]*private/ && !/^[[:space:]]*[;#]/ {
            private = 1
            next
        }
        private && /^[[:space:]]+[^[:space:];#]/ {
            printf "%s:%d: a continuation of a private line\n", file, NR \
                > "/dev/stderr"
            exit 2
        }
        { private = 0; print }' "$dir/rubric.conf"
}

public_rubric > "$stage/rubric.conf"

# The trace names the public rubric lists ([correctness] and
# [performance] traces, continuation lines included).
rubric_traces() {
    awk '
        /^[[:space:]]*[;#]/ || /^[[:space:]]*$/ { next }
        /^\[/ { listing = 0; next }
        /^[^[:space:]]/ {
            listing = $0 ~ /^traces[[:space:]]*=/
            if (!listing)
                next
            sub(/^traces[[:space:]]*=/, "")
        }
        listing {
            sub(/[[:space:]][;#].*/, "")
            n = split($0, word, /[[:space:],]+/)
            for (i = 1; i <= n; i++)
                if (word[i] != "")
                    print word[i]
        }' "$stage/rubric.conf" | sort -u
}

# Every public trace's file: the lab's own, then the shared ones named.
public_traces() {
    if [ -d "$dir/traces" ]; then
        for f in "$dir"/traces/*.rep; do
            [ -f "$f" ] && echo "$f"
        done
    fi
    for name in $(rubric_traces); do
        if [ -f "$dir/traces/$name.rep" ]; then
            continue
        elif [ -f "traces/$name.rep" ]; then
            echo "traces/$name.rep"
        else
            die "$dir/rubric.conf: trace '$name' is neither in $dir/traces/" \
                "nor in traces/ (a private trace on a public line?)"
        fi
    done
}

traces=$(public_traces)
if [ "$mode" = traces ]; then
    echo "$traces" | awk -F/ '{ print $NF "\t" $0 }' | sort | cut -f2
    exit 0
fi

for f in $gives; do
    for s in $solution; do
        [ "$f" != "$s" ] || die "$dir/handout.conf: '$f' is given and" \
                                "part of the solution"
    done
    [ -f "allocators/$f" ] || die "$dir/handout.conf: no allocators/$f"
done

top=$stage/$lab
mkdir -p "$top/allocators" "$top/traces" "$top/tests" "$top/grading"

# The contract, the driver, the grader.
cp -R include driver "$top/"
cp grading/*.c grading/*.h "$top/grading/"
cp -R grading/child "$top/grading/"

# The backends: memlib, the given ones, the starter.
cp allocators/memlib.c allocators/verify.c "$top/allocators/"
for f in $gives; do
    cp "allocators/$f" "$top/allocators/"
done
cp "$dir/$starter" "$top/allocators/$starter"

# The registry: the table's lines for the backends shipped.
shipped=$(sed -n 's/^const struct allocator \([a-z0-9_]*_allocator\) = {.*/\1/p' \
    "$top"/allocators/*.c | tr '\n' ' ')
{
    echo "/* This handout's registry: allocators/registry.c with the lines"
    echo " * of the backends shipped here (labs/handout.sh). */"
    awk -v keep="$shipped" '
        BEGIN { n = split(keep, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 }
        /^extern const struct allocator [a-z0-9_]+_allocator;/ {
            name = $5
            sub(/;.*/, "", name)
            if (!(name in want))
                next
        }
        /^[[:space:]]*\{&[a-z0-9_]+_allocator,/ {
            match($0, /&[a-z0-9_]+_allocator/)
            if (!(substr($0, RSTART + 1, RLENGTH - 1) in want))
                next
        }
        { print }' allocators/registry.c
} > "$top/allocators/registry.c"

# Traces, tests, rubric, the assignment.
for f in $traces; do
    cp "$f" "$top/traces/"
done
cp tests/main.c tests/suites.h "$top/tests/"
cp "$dir"/tests/* "$top/tests/"
cp "$stage/rubric.conf" "$top/rubric.conf"
cp "$dir/handout.md" "$top/"
[ ! -f "$dir/sample-output.txt" ] || cp "$dir/sample-output.txt" "$top/"
for f in $extra; do
    cp "$dir/$f" "$top/"
done
# The Makefile: labs/handout.mk, with heaplab's own package list and
# library flags in place of @BUILD_CONFIG@.
build_config() {
    awk '
        /^DEB_PACKAGES[[:space:]]*:?=/ { copying = 1 }
        copying { print; if ($0 !~ /\\$/) copying = 0; next }
        /^[A-Z_]+_(CFLAGS|LIBS)[[:space:]]*:?=.*pkg-config/ { print; next }
        /^(CPPFLAGS|LDLIBS)[[:space:]]*\+=/ { print }' Makefile
}
{
    sed '/^@BUILD_CONFIG@$/,$d' labs/handout.mk
    build_config
    sed '1,/^@BUILD_CONFIG@$/d' labs/handout.mk
} | sed -e "s/@LAB@/$lab/g" -e "s/@BACKEND@/$backend/g" \
    -e "s/@STARTER@/$starter/g" > "$top/Makefile"
cat > "$top/README.md" <<EOF
# $lab

Your allocator for this lab is \`allocators/$starter\`: \`handout.md\` says
what to write, how it is tested and how it is graded. The rest is heaplab,
the framework that replays traces against it and checks every call.

## The two commands

    make run     # build, then run every backend here, yours ($backend) too, over traces/
    make test    # build and run the lab's tests (tests/)

Both install the Debian packages they need first (with apt-get, as root or
with sudo), or print the apt-get line to run. Then:

    bin/heaplab run -a $backend traces/           # just yours
    bin/heaplab run --help                  # every option
    make grade                              # your grade by the public rubric (rubric.conf)

\`sample-output.txt\` shows what a correct solution prints.
EOF

# Nothing of the solution: no shipped file may equal one of its files.
for s in $solution; do
    [ -f "allocators/$s" ] || continue
    find "$top" -type f | while read -r f; do
        if cmp -s "$f" "allocators/$s"; then
            die "${f#"$stage"/} is allocators/$s, part of the solution"
        fi
    done
done
for f in "$dir"/private/*; do
    [ -f "$f" ] || continue
    find "$top" -type f | while read -r g; do
        if cmp -s "$g" "$f"; then
            die "${g#"$stage"/} is $f, which is private"
        fi
    done
done

mkdir -p "$out"
tar -czf "$out/$lab.tar.gz" -C "$stage" --sort=name --owner=0 --group=0 \
    --numeric-owner "$lab"
echo "$out/$lab.tar.gz"

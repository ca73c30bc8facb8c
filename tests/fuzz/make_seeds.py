#!/usr/bin/env python3
"""make_seeds.py -- writes the seed corpora of the fuzz targets
(tests/fuzz/corpus/TARGET/), small inputs in each dialect and each kind of
error, from the grader's test traces and hand-made cases.  Run from the
project's folder:  python3 tests/fuzz/make_seeds.py
The files it writes are committed; libFuzzer's own finds stay in build/."""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def put(target, text):
    data = text.encode() if isinstance(text, str) else text
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- traces ---------------------------------------------------------------
for name in ("small", "large", "realloc", "mixed"):
    with open(os.path.join(ROOT, "tests/grading/traces", name + ".rep")) as f:
        put("fuzz_trace", f.read())
TRACES = [
    "20000\n3\n8\n1\na 0 512\na 1 128\nr 0 640\na 2 128\nf 1\nr 0 768\nf 0\nf 2\n",
    "1\n2\n4\n100\na 0 100\na 1 20\nf 0\nf 1\n",
    "0\n1\n2\n8\na 0 8\nf 0\n",
    "3\n1\n2\n8\na 0 8\nr 0 0\n",
    "# s\r\na 0 1\r\nf 0\r\n",
    "1\r\n1\r\n1\r\n7\r\nf -1\r\n",
    "a 0 0\nf 0\nf -1\n",
    "a 0 8 # comment\n\n# line\nr 0 16\nf 0\n",
    "a 0 1\nf 0\nx 1 2\n", "alloc 0 8\n", "a 0\n", "r", "a 0 8\nf 0 12\n",
    "a 0 8x\n", "a 0 -5\n", "a 0 18446744073709551616\n", "f -2\n",
    "a -1 8\n", "20000\n2\n1\n1\na 2 8\n", "a 5000000 8\n",
    "20000\n99999999\n0\n1\n", "a 0 8\na 1 8\na 0 16\n", "f 3\n",
    "a 3 8\nf 3\nf 3\n", "r 0 8\n", "20000\n1\n3\n1\na 0 8\nf 0\n",
    "20000\n3\n", "2\n3\n8\na 0 1\n", "12x\n3\n8\n1\n", "",
    "# only a comment\n\n  \n", "a\x01 0 8\n",
]
for text in TRACES:
    put("fuzz_trace", text)

# --- mtrace logs -----------------------------------------------------------
LOGS = [
    "= Start\n@ ./prog:[0x401156] + 0x4052a0 0x10\n"
    "@ ./prog:(main+0x2f)[0x40117f] - 0x4052a0\n= End\n",
    "= Start\n@ [0x7f3c] + 0x1000 0x20\n@ [0x7f3c] < 0x1000\n"
    "@ [0x7f3c] > 0x2000 0x40\n@ [0x7f3c] - 0x2000\n= End\n",
    "= Start\n+ 0x10 16\n- 0x10\n+ (nil) 0x7fffffff\n"
    "@ ./a:[0x1] ! 0x10 0x7fffffff\n= End\n",
    "= Start\n@ ./lib.so:(f+0x1)[0x7f00] + 0x10 0x8\n\n"
    "@ ./lib.so:(f+0x1)[0x7f00] - 0x10\n= End\n= Start\n+ 0x10 0x8\n",
    "= Start\nx 1 2\n", "= Start\n\n@ ./a:[0x1] + 0x10\n",
    "= Start\n@ [0x1] < 0x10\n@ [0x1] + 0x20 0x8\n", "> 0x10 0x8\n",
    "@ nothing\n", "+ 0xzz 0x8\n", "+ 0x10 0x8 extra\n", "< 0x10\n",
    "+ 0x10 0x8\0\n",
]
for text in LOGS:
    put("fuzz_mtrace", text)

# --- rubrics (over traces/small.rep and traces/big.rep) -------------------
RUBRICS = [
    "[lab]\nname = bins\nfiles = bins.c\n\n[correctness]\npoints = 40\n"
    "traces = small big\n\n[performance]\ntraces = big\nreference = bins\n"
    "rounds = 3\nrepeat = 3\n\n[utilization]\npoints = 30\nmin = 20%\n"
    "max = 90%\n\n[throughput]\npoints = 30\nmin = 0.05\nmax = 0.10\n\n"
    "[limits]\ntimeout = 2\ncpu = 2\nmemory = 64M\noutput = 4K\n",
    "[correctness]\npoints = 10\ntraces = small\n  big\n",
    "[lab]\nforbid =\nsymbol = my_allocator\n[correctness]\npoints=1\n"
    "traces=small\ncheck_heap = 100\nrequire_checker = yes\n"
    "[feedback]\nshow_output = no\nvisibility = hidden\n"
    "stdout_visibility = after_published\n[autolab]\ncorrectness = C\n",
    "[lab]\nnmae = bins\n", "[nope]\nx = 1\n", "[correctness]\npoints = -1\n",
    "[correctness]\npoints = 1\npoints = 2\n", "not a line\n",
    "[correctness]\ntraces = missing\npoints = 1\n",
    "[correctness]\ntraces = small small\npoints = 1\n",
    "[performance]\ntraces = big\nreference = nothing\n[utilization]\n"
    "points = 1\n",
    "[utilization]\npoints = 5\n", "[correctness]\ntraces = small\n",
    "[utilization]\nmin = 0.9\nmax = 0.5\n", "[limits]\nmemory = 12Q\n",
    "[lab]\nfiles = ../x.c\n", "[lab]\nsymbol = 1abc\n",
    "[lab]\ntrace_dir = /nonexistent\n", "",
]
for text in RUBRICS:
    put("fuzz_rubric", text)

# --- packed traces: two bytes (where the target damages the image) and a
# trace it packs --------------------------------------------------------------
for i, text in enumerate(TRACES[:20]):
    put("fuzz_trace_pack", bytes([i * 13 % 256, i * 7 % 256]) + text.encode())

# --- a run's record (driver/evidence.h) after its trace and a NUL: the
# record of a bump allocator (16-byte headers, blocks one after the other),
# and the same record damaged ------------------------------------------------
M = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1
OUTSIDE = 1


def bump_offsets(text):
    offsets, next_free = [], 16
    for line in text.splitlines():
        words = line.split("#")[0].split()
        if len(words) != 3 or words[0] not in "ar":
            continue
        size = int(words[2])
        if words[0] == "r" and size == 0:
            offsets.append(OUTSIDE)
            continue
        offsets.append(next_free)
        next_free += (size + 15) // 16 * 16 + 16
    return offsets


def record(offsets, passes, count=None, done=1):
    h = 0
    for off in offsets:
        h = (h * M + off) & MASK
    chain = 0
    step = pow(M, len(offsets), 1 << 64)
    for _ in range(passes):
        chain = (chain * step + h) & MASK
    head = b"HLEVID1\0" + struct.pack("<7Q", len(offsets) if count is None
                                       else count, done, passes, chain, 0,
                                       0, 0)
    return head + b"".join(struct.pack("<Q", o) for o in offsets)


SCRIPTS = [
    "a 0 24\na 1 100\nf 0\nr 1 300\na 2 8\nf 1\nf 2\n",
    "a 0 1\nr 0 0\na 1 4000\na 2 5\nr 2 70\nf 1\nf 2\n",
    "# s\na 0 16\na 1 16\na 2 16\nf 1\na 3 16\nf 0\nf 2\nf 3\n",
]
for text in SCRIPTS:
    offsets = bump_offsets(text)
    prefix = text.encode() + b"\0"
    put("fuzz_evidence", prefix + record(offsets, 4))
    put("fuzz_evidence", prefix + record(offsets, 1000))
    put("fuzz_evidence", prefix + record(offsets, 4)[:70])
    put("fuzz_evidence", prefix + record(offsets, 4, count=len(offsets) + 1))
    put("fuzz_evidence", prefix + record(offsets, 4, done=0))
    if len(offsets) > 1:
        overlapping = [offsets[0]] * len(offsets)
        put("fuzz_evidence", prefix + record(overlapping, 4))
        misaligned = [o + 8 if o != OUTSIDE else o for o in offsets]
        put("fuzz_evidence", prefix + record(misaligned, 4))

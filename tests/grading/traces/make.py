#!/usr/bin/env python3
"""Writes the four small traces of the grader's tests (tests/grading/grade.conf).

    python3 tests/grading/traces/make.py     # from the project's folder

Each is a script trace (no header, weight 1), made from a fixed seed, so
the files never change; the broken submissions of tests/submissions/ are
built so that each fails on a known subset of them:

    small    sizes 1..200, frees in between          (the small classes)
    large    sizes 2000..20000                       (the large classes)
    realloc  blocks of 8..3000 bytes grown and shrunk by realloc
    mixed    small and large together, no realloc    (a performance trace)
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, comment, ops):
    with open(os.path.join(HERE, name + ".rep"), "w") as f:
        f.write("# %s: %s\n# written by make.py\n" % (name, comment))
        for op in ops:
            f.write(" ".join(str(x) for x in op) + "\n")


def churn(rng, sizes, count, rounds):
    """Allocate count blocks, free every other one, allocate again, free all."""
    ops, live, next_id = [], [], 0
    for _ in range(count):
        ops.append(("a", next_id, sizes(rng)))
        live.append(next_id)
        next_id += 1
    for _ in range(rounds):
        freed = live[1::2]
        live = live[0::2]
        for i in freed:
            ops.append(("f", i))
        for _ in range(len(freed)):
            ops.append(("a", next_id, sizes(rng)))
            live.append(next_id)
            next_id += 1
    for i in live:
        ops.append(("f", i))
    return ops


def main():
    rng = random.Random(213)
    write("small", "sizes 1..200",
          churn(rng, lambda r: r.randint(1, 200), 40, 3))
    write("large", "sizes 2000..20000",
          churn(rng, lambda r: r.randint(2000, 20000), 16, 2))
    write("mixed", "small and large, no realloc",
          churn(rng, lambda r: r.choice([r.randint(1, 200),
                                         r.randint(2000, 20000)]), 40, 3))
    ops = [("a", i, rng.randint(8, 64)) for i in range(10)]
    for _ in range(6):
        for i in range(10):
            ops.append(("r", i, rng.randint(8, 3000)))
    ops += [("f", i) for i in range(10)]
    write("realloc", "10 blocks, each reallocated 6 times within 8..3000",
          ops)


if __name__ == "__main__":
    main()

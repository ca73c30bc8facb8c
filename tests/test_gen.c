/*
 * test_gen.c -- the suite "gen": the trace generators.  Every pattern
 * writes a trace the parser reads back, balanced unless asked otherwise,
 * with exact header counts and the same bytes for the same seed; the
 * random numbers are pinned; each pattern has the shape it claims (worst
 * frees backward and retakes largest first, lifo frees newest first,
 * random-random never holds more than N/3+1 blocks, ...).  The command
 * line and the shipped traces are tested in test_gen_command.c, which
 * adds its test cases to this suite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../driver/gen.h"
#include "../driver/rng.h"
#include "../driver/trace.h"
#include "suites.h"
#include "test_gen.h"

/* --- helpers ------------------------------------------------------------- */

static const struct gen_pattern *pattern(const char *name)
{
    const struct gen_pattern *p = gen_find(name);
    ck_assert_msg(p != NULL, "no pattern '%s'", name);
    return p;
}

static void generate(const char *name, size_t count, uint64_t size,
                     uint64_t seed, int unbalanced, struct trace *trace)
{
    struct gen_params params = {
        .count = count, .size = size, .seed = seed, .unbalanced = unbalanced};
    char error[256] = "";
    ck_assert_msg(
        gen_make(pattern(name), &params, trace, error, sizeof error) == 0,
        "%s: %s", name, error);
}

/* trace_write into a string (free it). */
static char *write_to_string(const struct trace *trace)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(trace_write(out, trace), 0);
    ck_assert_int_eq(fclose(out), 0);
    return text;
}

/* Generates, writes and parses back: the trace as a reader sees it. */
static void generate_and_parse(const char *name, size_t count, uint64_t size,
                               uint64_t seed, int unbalanced,
                               struct trace *parsed)
{
    struct trace made;
    generate(name, count, size, seed, unbalanced, &made);
    char *text = write_to_string(&made);
    char error[TRACE_ERROR_MAX];
    ck_assert_msg(trace_parse(name, text, strlen(text), parsed, error) == 0,
                  "%s does not parse: %s", name, error);
    ck_assert_int_eq(parsed->format, TRACE_CSAPP);
    ck_assert_uint_eq(parsed->num_ops, made.num_ops);
    ck_assert_uint_eq(parsed->num_ids, made.num_ids);
    free(text);
    trace_free(&made);
}

/* What replaying the ops does to the set of live ids. */
struct simulation {
    size_t mallocs, reallocs, frees;
    size_t live_at_end, peak_live;
    size_t ids_used; /* ids that appear in some op */
    size_t max_id;
};

static struct simulation simulate(const struct trace *t)
{
    struct simulation s = {0};
    unsigned char *live = calloc(t->num_ids + 1, 1);
    unsigned char *used = calloc(t->num_ids + 1, 1);
    ck_assert_ptr_nonnull(live);
    ck_assert_ptr_nonnull(used);
    size_t live_count = 0;
    for (size_t i = 0; i < t->num_ops; i++) {
        const struct trace_op *op = &t->ops[i];
        ck_assert_int_ge(op->id, 0);
        ck_assert_uint_lt((size_t)op->id, t->num_ids);
        used[op->id] = 1;
        if ((size_t)op->id > s.max_id)
            s.max_id = (size_t)op->id;
        if (op->kind == OP_ALLOC) {
            ck_assert_uint_gt(op->size, 0);
            s.mallocs++;
            live[op->id] = 1;
            live_count++;
        } else if (op->kind == OP_REALLOC) {
            ck_assert_uint_gt(op->size, 0);
            s.reallocs++;
        } else {
            s.frees++;
            live[op->id] = 0;
            live_count--;
        }
        if (live_count > s.peak_live)
            s.peak_live = live_count;
    }
    for (size_t id = 0; id < t->num_ids; id++)
        s.ids_used += used[id];
    s.live_at_end = live_count;
    free(live);
    free(used);
    return s;
}

static void assert_op(const struct trace *t, size_t i, char kind, size_t id,
                      uint64_t size)
{
    ck_assert_uint_lt(i, t->num_ops);
    const struct trace_op *op = &t->ops[i];
    ck_assert_msg(
        op->kind == kind && op->id == (int32_t)id && op->size == size,
        "op %zu is '%c %d %llu', expected '%c %zu %llu'", i, op->kind, op->id,
        (unsigned long long)op->size, kind, id, (unsigned long long)size);
}

/* The patterns that draw random numbers (the others ignore the seed). */
static int is_random(const struct gen_pattern *p)
{
    static const char *const names[] = {"lifo-random",  "fifo-random",
                                        "random-fixed", "random-random",
                                        "phases",       "real-sizes"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(p->name, names[i]) == 0)
            return 1;
    return 0;
}

/* The patterns that free everything on their own (--unbalanced is moot). */
static int frees_by_design(const struct gen_pattern *p)
{
    return strncmp(p->name, "lifo-", 5) == 0 ||
           strncmp(p->name, "fifo-", 5) == 0 ||
           strcmp(p->name, "coalescing") == 0;
}

/* --- every pattern ------------------------------------------------------- */

START_TEST(every_pattern_is_a_balanced_valid_trace)
{
    const struct gen_pattern *p = gen_pattern_at((size_t)_i);
    struct trace t;
    generate_and_parse(p->name, 301, 0, 7, 0, &t);
    struct simulation s = simulate(&t);
    ck_assert_msg(s.live_at_end == 0, "%s leaves %zu blocks live", p->name,
                  s.live_at_end);
    ck_assert_uint_eq(s.mallocs, s.frees);
    ck_assert_uint_eq(s.mallocs + s.reallocs + s.frees, t.num_ops);
    ck_assert_uint_eq(s.max_id + 1, t.num_ids);
    if (strncmp(p->name, "random-", 7) != 0) /* a slot may stay unused */
        ck_assert_msg(s.ids_used == t.num_ids, "%s: num_ids %zu, %zu ids used",
                      p->name, t.num_ids, s.ids_used);
    ck_assert_uint_ge(s.mallocs, 301);
    trace_free(&t);
}
END_TEST

/* The header holds exactly what the file holds. */
START_TEST(header_counts_are_exact)
{
    const struct gen_pattern *p = gen_pattern_at((size_t)_i);
    struct trace made;
    generate(p->name, 50, 0, 3, 0, &made);
    char *text = write_to_string(&made);
    unsigned long long hint, ids, ops;
    int weight, used = 0;
    ck_assert_int_eq(sscanf(text, "%llu\n%llu\n%llu\n%d\n%n", &hint, &ids,
                            &ops, &weight, &used),
                     4);
    ck_assert_uint_eq(ids, made.num_ids);
    ck_assert_uint_eq(ops, made.num_ops);
    ck_assert_int_eq(weight, 1);
    ck_assert_uint_ge(hint, 4);
    size_t lines = 0;
    for (const char *c = text + used; *c != '\0'; c++)
        lines += *c == '\n';
    ck_assert_uint_eq(lines, ops);
    ck_assert_ptr_null(
        strchr(text, '#')); /* the classic format: no comments */
    free(text);
    trace_free(&made);
}
END_TEST

/* --unbalanced drops only the final frees: a prefix of the balanced trace. */
START_TEST(unbalanced_leaves_out_the_final_frees)
{
    const struct gen_pattern *p = gen_pattern_at((size_t)_i);
    struct trace balanced, unbalanced;
    generate_and_parse(p->name, 120, 0, 5, 0, &balanced);
    generate_and_parse(p->name, 120, 0, 5, 1, &unbalanced);
    struct simulation s = simulate(&unbalanced);
    if (frees_by_design(p)) {
        ck_assert_uint_eq(unbalanced.num_ops, balanced.num_ops);
        ck_assert_uint_eq(s.live_at_end, 0);
    } else {
        ck_assert_msg(s.live_at_end > 0, "%s --unbalanced frees everything",
                      p->name);
        ck_assert_uint_eq(unbalanced.num_ops + s.live_at_end,
                          balanced.num_ops);
    }
    for (size_t i = 0; i < balanced.num_ops; i++) {
        const struct trace_op *op = &balanced.ops[i];
        if (i < unbalanced.num_ops)
            assert_op(&unbalanced, i, op->kind, (size_t)op->id, op->size);
        else
            ck_assert_int_eq(op->kind, OP_FREE);
    }
    trace_free(&balanced);
    trace_free(&unbalanced);
}
END_TEST

START_TEST(same_seed_same_bytes)
{
    const struct gen_pattern *p = gen_pattern_at((size_t)_i);
    struct trace a, b, c;
    generate(p->name, 200, 0, 12345, 0, &a);
    generate(p->name, 200, 0, 12345, 0, &b);
    generate(p->name, 200, 0, 12346, 0, &c);
    char *text_a = write_to_string(&a), *text_b = write_to_string(&b),
         *text_c = write_to_string(&c);
    ck_assert_str_eq(text_a, text_b);
    if (is_random(p))
        ck_assert_msg(strcmp(text_a, text_c) != 0,
                      "%s: seeds 12345 and 12346 give the same trace",
                      p->name);
    else
        ck_assert_str_eq(text_a, text_c); /* the seed is ignored */
    free(text_a);
    free(text_b);
    free(text_c);
    trace_free(&a);
    trace_free(&b);
    trace_free(&c);
}
END_TEST

/* Known answers: splitmix64 from 0, and xoshiro256** seeded from it, as
 * a separate implementation of both gives them. */
START_TEST(random_generator_known_answers)
{
    static const uint64_t splitmix[] = {
        UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f4),
        UINT64_C(0x06c45d188009454f), UINT64_C(0xf88bb8a8724c81ec)};
    static const uint64_t xoshiro[] = {UINT64_C(0x99ec5f36cb75f2b4),
                                       UINT64_C(0xbf6e1f784956452a),
                                       UINT64_C(0x1a5f849d4933e6e0)};
    uint64_t x = 0;
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(splitmix64(&x), splitmix[i]);
    struct rng rng;
    rng_seed(&rng, 0);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(rng_next(&rng), xoshiro[i]);
    for (int i = 0; i < 1000; i++) {
        ck_assert_uint_lt(rng_below(&rng, 7), 7);
        uint64_t v = rng_between(&rng, 5, 9);
        ck_assert_uint_ge(v, 5);
        ck_assert_uint_le(v, 9);
    }
    ck_assert_uint_eq(rng_between(&rng, 3, 3), 3);
}
END_TEST

/* Pins the random numbers: slot sizes 43 and 3, then the slot picks, as
 * a separate implementation of splitmix64 + xoshiro256** gives them for
 * seed 42.  A change to the generator changes this text. */
START_TEST(random_numbers_are_pinned)
{
    struct trace t;
    generate("random-random", 5, 100, 42, 0, &t);
    char *text = write_to_string(&t);
    ck_assert_str_eq(text, "46\n2\n10\n1\n"
                           "a 1 3\nf 1\na 0 43\nf 0\na 0 43\n"
                           "a 1 3\nf 1\nf 0\na 1 3\nf 1\n");
    free(text);
    trace_free(&t);
}
END_TEST

START_TEST(defaults_come_from_the_pattern)
{
    for (size_t i = 0; i < gen_pattern_count(); i++) {
        const struct gen_pattern *p = gen_pattern_at(i);
        struct trace a, b;
        generate(p->name, 0, 0, 1, 0, &a);
        generate(p->name, p->default_count, p->default_size, 1, 0, &b);
        ck_assert_uint_eq(a.num_ops, b.num_ops);
        for (size_t k = 0; k < a.num_ops; k++)
            assert_op(&b, k, a.ops[k].kind, (size_t)a.ops[k].id,
                      a.ops[k].size);
        ck_assert_ptr_null(strchr(p->summary, '\n'));
        trace_free(&a);
        trace_free(&b);
    }
    ck_assert_ptr_null(gen_pattern_at(gen_pattern_count()));
    ck_assert_ptr_null(gen_find("no-such-pattern"));
}
END_TEST

START_TEST(limits_are_errors)
{
    struct trace t;
    char error[256];
    struct gen_params too_many = {.count = GEN_MAX_COUNT + 1};
    ck_assert_int_eq(
        gen_make(pattern("lifo-fixed"), &too_many, &t, error, sizeof error),
        -1);
    ck_assert_str_eq(error, "count 10000001 is above the limit 10000000");
    struct gen_params too_big = {.size = GEN_MAX_SIZE + 1};
    ck_assert_int_eq(
        gen_make(pattern("worst"), &too_big, &t, error, sizeof error), -1);
    ck_assert_str_eq(error, "size 4294967297 is above the limit 4294967296");
    ck_assert_ptr_null(t.ops);
}
END_TEST

/* --- the shape of each pattern ------------------------------------------- */

START_TEST(lifo_frees_newest_first_fifo_oldest_first)
{
    static const char *const names[] = {"lifo-fixed", "fifo-fixed",
                                        "lifo-random", "fifo-random"};
    for (int k = 0; k < 4; k++) {
        int lifo = names[k][0] == 'l', fixed = k < 2;
        struct trace t;
        generate_and_parse(names[k], 100, fixed ? 48 : 300, 9, 0, &t);
        ck_assert_uint_eq(t.num_ops, 200);
        ck_assert_uint_eq(t.num_ids, 100);
        uint64_t smallest = UINT64_MAX, largest = 0;
        for (size_t i = 0; i < 100; i++) {
            const struct trace_op *op = &t.ops[i];
            ck_assert_int_eq(op->kind, OP_ALLOC);
            ck_assert_int_eq(op->id, (int32_t)i);
            smallest = op->size < smallest ? op->size : smallest;
            largest = op->size > largest ? op->size : largest;
            assert_op(&t, 100 + i, OP_FREE, lifo ? 99 - i : i, 0);
        }
        if (fixed) {
            ck_assert_uint_eq(smallest, 48);
            ck_assert_uint_eq(largest, 48);
        } else { /* 1..MAX, and really random */
            ck_assert_uint_ge(smallest, 1);
            ck_assert_uint_le(largest, 300);
            ck_assert_uint_lt(smallest, 30);
            ck_assert_uint_gt(largest, 270);
        }
        trace_free(&t);
    }
}
END_TEST

START_TEST(random_order_keeps_at_most_a_third_live)
{
    static const char *const names[] = {"random-fixed", "random-random"};
    for (int k = 0; k < 2; k++) {
        size_t n = 3000, slots = n / 3 + 1;
        struct trace t;
        generate_and_parse(names[k], n, 500, 11, 0, &t);
        struct simulation s = simulate(&t);
        ck_assert_uint_eq(s.mallocs, n);
        ck_assert_uint_le(s.peak_live, slots);
        ck_assert_uint_gt(s.peak_live, slots / 2); /* it does fill up */
        ck_assert_uint_le(t.num_ids, slots);
        /* Each slot keeps one size (random-random) or all share one. */
        uint64_t *size_of = calloc(slots, sizeof *size_of);
        ck_assert_ptr_nonnull(size_of);
        int sizes_differ = 0;
        for (size_t i = 0; i < t.num_ops; i++) {
            const struct trace_op *op = &t.ops[i];
            if (op->kind != OP_ALLOC)
                continue;
            ck_assert_uint_ge(op->size, 1);
            ck_assert_uint_le(op->size, 500);
            if (size_of[op->id] != 0)
                ck_assert_uint_eq(op->size, size_of[op->id]);
            size_of[op->id] = op->size;
            sizes_differ |= op->size != t.ops[0].size;
        }
        ck_assert_int_eq(sizes_differ, k == 1);
        free(size_of);
        trace_free(&t);
    }
}
END_TEST

START_TEST(worst_frees_backward_and_retakes_largest_first)
{
    size_t n = 11, even = 12; /* rounded up to even */
    struct trace t;
    generate_and_parse("worst", n, 120, 1, 0, &t);
    ck_assert_uint_eq(t.num_ids, even);
    size_t i = 0;
    /* 1. growing blocks i*MAX/N + 1, each followed by a 1-byte block */
    for (size_t id = 0; id < even; id += 2) {
        assert_op(&t, i++, OP_ALLOC, id, id * 120 / even + 1);
        assert_op(&t, i++, OP_ALLOC, id + 1, 1);
    }
    /* 2. the growing ones freed from the last (largest) down */
    for (size_t id = even; id >= 2; id -= 2)
        assert_op(&t, i++, OP_FREE, id - 2, 0);
    /* 3. taken again, sizes strictly decreasing */
    uint64_t previous = UINT64_MAX;
    for (size_t id = even; id >= 2; id -= 2) {
        assert_op(&t, i, OP_ALLOC, id - 2, (id - 2) * 120 / even + 1);
        ck_assert_uint_lt(t.ops[i].size, previous);
        previous = t.ops[i++].size;
    }
    ck_assert_uint_eq(previous, 1);
    /* 4. everything freed */
    for (size_t id = 0; id < even; id++)
        assert_op(&t, i++, OP_FREE, id, 0);
    ck_assert_uint_eq(i, t.num_ops);
    trace_free(&t);
}
END_TEST

START_TEST(binary_holes_are_too_small_for_what_comes_next)
{
    struct trace t;
    generate_and_parse("binary", 9, 16, 1, 0, &t); /* 10 blocks */
    size_t i = 0;
    for (size_t id = 0; id < 10; id++)
        assert_op(&t, i++, OP_ALLOC, id, id % 2 ? 112 : 16);
    for (size_t id = 1; id < 10; id += 2)
        assert_op(&t, i++, OP_FREE, id, 0);
    for (size_t id = 10; id < 15; id++)
        assert_op(&t, i++, OP_ALLOC, id, 128);
    struct simulation s = simulate(&t);
    ck_assert_uint_eq(s.live_at_end, 0);
    ck_assert_uint_eq(t.num_ops, i + 10);
    trace_free(&t);
}
END_TEST

START_TEST(coalescing_frees_neighbours_then_takes_both)
{
    struct trace t;
    generate_and_parse("coalescing", 6, 4095, 1, 0, &t);
    ck_assert_uint_eq(t.num_ops, 18);
    for (size_t round = 0, i = 0; round < 3; round++) {
        size_t id = 3 * round;
        assert_op(&t, i++, OP_ALLOC, id, 4095);
        assert_op(&t, i++, OP_ALLOC, id + 1, 4095);
        assert_op(&t, i++, OP_FREE, id, 0);
        assert_op(&t, i++, OP_FREE, id + 1, 0);
        assert_op(&t, i++, OP_ALLOC, id + 2, 8190);
        assert_op(&t, i++, OP_FREE, id + 2, 0);
    }
    trace_free(&t);
}
END_TEST

START_TEST(realloc_grow_grows_one_block_among_small_ones)
{
    struct trace t;
    generate_and_parse("realloc-grow", 40, 128, 1, 0, &t);
    assert_op(&t, 0, OP_ALLOC, 0, 512);
    assert_op(&t, 1, OP_ALLOC, 1, 128);
    size_t i = 2;
    for (size_t step = 1; step <= 40; step++) {
        assert_op(&t, i++, OP_REALLOC, 0, (4 + step) * 128);
        assert_op(&t, i++, OP_ALLOC, step + 1, 128);
        assert_op(&t, i++, OP_FREE, step, 0);
    }
    assert_op(&t, i++, OP_FREE, 0, 0);
    assert_op(&t, i++, OP_FREE, 41, 0);
    ck_assert_uint_eq(i, t.num_ops);
    ck_assert_uint_eq(simulate(&t).peak_live, 3);
    trace_free(&t);
}
END_TEST

START_TEST(phases_build_up_hold_steady_and_tear_down)
{
    size_t n = 400;
    struct trace t;
    generate_and_parse("phases", n, 64, 3, 0, &t);
    size_t live = 0, i = 0;
    for (; i < n / 2; i++) { /* build-up: mallocs only */
        ck_assert_int_eq(t.ops[i].kind, OP_ALLOC);
        ck_assert_uint_le(t.ops[i].size, 64);
        live++;
    }
    for (size_t step = 0; step < n - n / 2; step++) { /* steady state */
        ck_assert_int_eq(t.ops[i++].kind, OP_FREE);
        ck_assert_int_eq(t.ops[i++].kind, OP_ALLOC);
    }
    /* tear-down: the n/2 live blocks, not in id order */
    int in_order = 1;
    for (int32_t previous = -1; i < t.num_ops; i++, live--) {
        ck_assert_int_eq(t.ops[i].kind, OP_FREE);
        in_order &= t.ops[i].id > previous;
        previous = t.ops[i].id;
    }
    ck_assert_uint_eq(live, 0);
    ck_assert_int_eq(in_order, 0);
    ck_assert_uint_eq(simulate(&t).peak_live, n / 2);
    trace_free(&t);
}
END_TEST

START_TEST(real_sizes_are_mostly_small_with_a_heavy_tail)
{
    struct trace t;
    generate_and_parse("real-sizes", 4000, 65536, 8, 0, &t);
    struct simulation s = simulate(&t);
    size_t tiny = 0, large = 0;
    for (size_t i = 0; i < t.num_ops; i++) {
        if (t.ops[i].kind == OP_FREE)
            continue;
        ck_assert_uint_le(t.ops[i].size, 65536);
        if (t.ops[i].kind == OP_ALLOC) {
            tiny += t.ops[i].size < 16;
            large += t.ops[i].size >= 2048;
        }
    }
    ck_assert_uint_eq(s.mallocs, 4000);
    /* Expected: 49% under 16 bytes, 1.6% large, 5/55 as many reallocs. */
    ck_assert_uint_gt(tiny, 4000 * 40 / 100);
    ck_assert_uint_lt(tiny, 4000 * 58 / 100);
    ck_assert_uint_gt(large, 20);
    ck_assert_uint_lt(large, 150);
    ck_assert_uint_gt(s.reallocs, 150);
    ck_assert_uint_lt(s.reallocs, 600);
    /* Most blocks die young: far fewer live at the peak than made. */
    ck_assert_uint_lt(s.peak_live, 4000 / 2);
    trace_free(&t);

    generate_and_parse("real-sizes", 500, 100, 8, 0, &t); /* MAX caps all */
    for (size_t i = 0; i < t.num_ops; i++)
        ck_assert_uint_le(t.ops[i].size, 100);
    trace_free(&t);
}
END_TEST

/* --- the suite ----------------------------------------------------------- */

static Suite *gen_suite(void)
{
    Suite *suite = suite_create("gen");
    int patterns = (int)gen_pattern_count();

    TCase *all = tcase_create("every pattern");
    tcase_add_loop_test(all, every_pattern_is_a_balanced_valid_trace, 0,
                        patterns);
    tcase_add_loop_test(all, header_counts_are_exact, 0, patterns);
    tcase_add_loop_test(all, unbalanced_leaves_out_the_final_frees, 0,
                        patterns);
    tcase_add_loop_test(all, same_seed_same_bytes, 0, patterns);
    tcase_add_test(all, random_generator_known_answers);
    tcase_add_test(all, random_numbers_are_pinned);
    tcase_add_test(all, defaults_come_from_the_pattern);
    tcase_add_test(all, limits_are_errors);
    suite_add_tcase(suite, all);

    TCase *shapes = tcase_create("shapes");
    tcase_add_test(shapes, lifo_frees_newest_first_fifo_oldest_first);
    tcase_add_test(shapes, random_order_keeps_at_most_a_third_live);
    tcase_add_test(shapes, worst_frees_backward_and_retakes_largest_first);
    tcase_add_test(shapes, binary_holes_are_too_small_for_what_comes_next);
    tcase_add_test(shapes, coalescing_frees_neighbours_then_takes_both);
    tcase_add_test(shapes, realloc_grow_grows_one_block_among_small_ones);
    tcase_add_test(shapes, phases_build_up_hold_steady_and_tear_down);
    tcase_add_test(shapes, real_sizes_are_mostly_small_with_a_heavy_tail);
    suite_add_tcase(suite, shapes);

    gen_command_tcases(suite);
    return suite;
}

TEST_SUITE(gen_suite)

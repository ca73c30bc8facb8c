/*
 * score.c -- from verdicts and metrics to points (see grade.h).
 *
 *   correctness  = points / n  for each correctness trace that passed
 *   utilization  = scale(U),  U = mean util over the performance traces
 *   throughput   = scale(T),  T = mean ratio to the reference over them
 *   checker      = points / n  for each [checker] case that passed
 *   scale(x)     = points * clamp((x - min) / (max - min), 0, 1)
 *
 * A performance trace that failed counts 0 in U and T, so failing a trace
 * never raises a mean.  Every component is rounded to hundredths, and the
 * total is the sum of the rounded components, so a report adds up.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "grade.h"
#include "text.h"

double round_points(double points)
{
    return round(points * 100) / 100;
}

double scale_points(const struct rubric_scale *scale, double value)
{
    if (!isfinite(value) || scale->points <= 0)
        return 0;
    double fraction = (value - scale->min) / (scale->max - scale->min);
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    return scale->points * fraction;
}

static int weighs_util(int weight)
{
    return weight == 1 || weight == 2;
}

static int weighs_throughput(int weight)
{
    return weight == 1 || weight == 3;
}

void grade_score(struct grade *g)
{
    const struct rubric *r = g->rubric;
    size_t correctness_traces = r->correctness.count;
    double each = correctness_traces
                      ? r->correctness_points / (double)correctness_traces
                      : 0;
    size_t cases = r->checker_cases.count;
    double each_case = cases ? r->checker_points / (double)cases : 0;
    double correctness = 0, checker = 0, util_sum = 0, ratio_sum = 0;
    size_t util_count = 0, ratio_count = 0;
    g->passed = 0;
    for (size_t i = 0; i < g->count; i++) {
        struct trace_grade *t = &g->traces[i];
        int ok = t->verdict == VERDICT_OK;
        g->passed += ok;
        if (t->checker) {
            t->max_points = each_case;
            t->points = ok ? each_case : 0;
            checker += t->points;
            continue;
        }
        t->max_points = t->correctness ? each : 0;
        t->points = t->correctness && ok ? each : 0;
        correctness += t->points;
        if (!t->performance)
            continue;
        if (weighs_util(t->weight)) {
            util_count++;
            util_sum += ok && isfinite(t->util) ? t->util : 0;
        }
        if (weighs_throughput(t->weight)) {
            ratio_count++;
            ratio_sum += ok && isfinite(t->ratio) ? t->ratio : 0;
        }
    }
    g->mean_util = util_count ? util_sum / (double)util_count : NAN;
    g->mean_ratio = ratio_count ? ratio_sum / (double)ratio_count : NAN;
    g->correctness = round_points(correctness);
    g->checker = round_points(checker);
    g->util_points = round_points(scale_points(&r->util, g->mean_util));
    g->throughput_points =
        round_points(scale_points(&r->throughput, g->mean_ratio));
    if (r->performance.count == 0)
        g->util_points = g->throughput_points = 0;
    g->total = round_points(g->correctness + g->util_points +
                            g->throughput_points + g->checker);
    g->max_total = round_points(rubric_max_points(r));
}

char *grade_formulas(const struct rubric *r)
{
    char *s = NULL;
    text_append(&s, "How the score is computed:\n");
    if (r->correctness.count > 0) {
        text_append(&s,
                    "  correctness  %g points: %.2f for each of the %zu "
                    "correctness traces that passes\n"
                    "               every check on every operation, the "
                    "trace run twice in one process",
                    r->correctness_points,
                    r->correctness_points / (double)r->correctness.count,
                    r->correctness.count);
        if (r->check_heap > 0)
            text_append(&s,
                        ",\n               with the heap checker "
                        "after every %u operation%s",
                        r->check_heap, r->check_heap == 1 ? "" : "s");
        text_append(&s, ".\n");
    }
    if (r->performance.count > 0 && r->util.points > 0)
        text_append(&s,
                    "  utilization  %g * clamp((U - %.2f) / (%.2f - %.2f), "
                    "0, 1), where U is the mean\n"
                    "               utilization (peak payload / peak heap) "
                    "over the %zu performance traces;\n"
                    "               a trace that fails counts 0.\n",
                    r->util.points, r->util.min, r->util.max, r->util.min,
                    r->performance.count);
    if (r->performance.count > 0 && r->throughput.points > 0)
        text_append(&s,
                    "  throughput   %g * clamp((T - %.2f) / (%.2f - %.2f), "
                    "0, 1), where T is the mean\n"
                    "               over the performance traces of ops/s of "
                    "the submission / ops/s of\n"
                    "               the reference '%s', both measured in "
                    "this run (median of %u\n"
                    "               interleaved rounds of %u timed "
                    "replays); a trace that fails counts 0.\n",
                    r->throughput.points, r->throughput.min, r->throughput.max,
                    r->throughput.min, r->reference, r->rounds, r->repeat);
    if (r->checker_cases.count > 0)
        text_append(&s,
                    "  checker      %g points: %.2f for each of the %zu "
                    "heaps of the checker's test\n"
                    "               on which check() says the right thing: "
                    "0 on a correct heap\n"
                    "               (before it is broken, too), non-zero on "
                    "a broken one,\n"
                    "               without crashing or looping.\n",
                    r->checker_points,
                    r->checker_points / (double)r->checker_cases.count,
                    r->checker_cases.count);
    return s;
}

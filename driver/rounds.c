/*
 * rounds.c -- the timed figure as the fastest of rounds spread over the
 * run (rounds.h; the why is in timed.c, step 6).
 */
#include "rounds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

void rounds_finish(struct run_result *r, const double seconds[TIMED_PARTS])
{
    double fastest = seconds[0], rates[TIMED_PARTS];
    for (int p = 0; p < TIMED_PARTS; p++) {
        r->part_seconds[p] = seconds[p];
        fastest = fmin(fastest, seconds[p]);
    }
    if (!(fastest > 0)) { /* an empty trace: a figure, no spread */
        r->ops_per_sec_spread = NAN;
        return;
    }
    r->ops_per_sec = (double)r->ops / fastest;
    for (int p = 0; p < TIMED_PARTS; p++)
        rates[p] = 1 / seconds[p];
    r->ops_per_sec_spread = stats_spread(rates, TIMED_PARTS);
}

/* Whether the job's first round gave a figure that more rounds refine. */
static int timed(const struct round_job *job)
{
    return job->result->status == RUN_OK && job->result->ops_per_sec > 0 &&
           job->t->num_ops > 0;
}

void rounds_run(struct round_job *jobs, size_t count,
                const struct replay_options *options,
                const struct runner_options *limits,
                round_progress *progress)
{
    if (!options->in_rounds || options->no_timing)
        return;
    double (*seconds)[TIMED_PARTS] = calloc(count ? count : 1,
                                            sizeof *seconds);
    if (seconds == NULL)
        return; /* the first round's figures stand */
    struct replay_options later = *options;
    later.timed_only = 1;
    later.timeline = NULL;
    size_t total = 0, done = 0;
    for (size_t j = 0; j < count; j++) {
        if (timed(&jobs[j])) {
            seconds[j][0] = (double)jobs[j].t->num_ops /
                            jobs[j].result->ops_per_sec;
            total += TIMED_PARTS - 1;
        }
    }
    for (int round = 1; round < TIMED_PARTS; round++) {
        for (size_t j = 0; j < count; j++) {
            struct round_job *job = &jobs[j];
            if (!timed(job))
                continue; /* failed or untimed, maybe in an earlier round */
            if (progress != NULL)
                progress(done++, total, job->a->name, job->t->name);
            struct run_result r;
            /* A pair that had a quiet round (quiet.h) does not wait for
             * a quiet core again; one that has not had one yet does. */
            later.quiet_no_wait = job->result->quiet;
            runner_run(job->a, job->t, &later, limits, &r, NULL);
            if (r.status != RUN_OK || !(r.ops_per_sec > 0)) {
                struct run_result *kept = job->result;
                kept->status = r.status == RUN_OK ? RUN_ERROR : r.status;
                kept->fault = r.fault;
                kept->fail_line = r.fail_line;
                char note[64];
                snprintf(note, sizeof note, " (in timing round %d of %d)",
                         round + 1, TIMED_PARTS);
                size_t room = sizeof kept->message - strlen(note) - 1;
                size_t length = strnlen(r.message, room);
                memcpy(kept->message, r.message, length);
                memcpy(kept->message + length, note, strlen(note) + 1);
                kept->ops_per_sec = kept->ops_per_sec_spread = NAN;
                for (int p = 0; p < TIMED_PARTS; p++)
                    kept->part_seconds[p] = NAN;
                continue;
            }
            seconds[j][round] = (double)job->t->num_ops / r.ops_per_sec;
            job->result->samples += r.samples;
            job->result->quiet |= r.quiet != 0;
        }
    }
    for (size_t j = 0; j < count; j++)
        if (timed(&jobs[j]))
            rounds_finish(jobs[j].result, seconds[j]);
    free(seconds);
}

int rounds_run_rows(struct report *report, size_t first_row,
                    const struct allocator *const *allocators,
                    size_t allocator_count, const struct trace *traces,
                    const int *loaded, size_t trace_count,
                    const struct replay_options *options,
                    const struct runner_options *limits,
                    round_progress *progress)
{
    size_t pairs = allocator_count * trace_count;
    struct round_job *jobs = calloc(pairs ? pairs : 1, sizeof *jobs);
    if (jobs == NULL)
        return -1;
    size_t count = 0;
    for (size_t a = 0; a < allocator_count; a++)
        for (size_t i = 0; i < trace_count; i++)
            if (loaded == NULL || loaded[i])
                jobs[count++] = (struct round_job){
                    .a = allocators[a],
                    .t = &traces[i],
                    .result =
                        &report->rows[first_row + a * trace_count + i].result};
    rounds_run(jobs, count, options, limits, progress);
    free(jobs);
    return 0;
}

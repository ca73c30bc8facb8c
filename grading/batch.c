/*
 * batch.c -- grading a class (see batch.h).
 *
 *   parent: list students -> skip the finished -> keep `jobs` children
 *           busy -> as each ends, read its results.json, rewrite the CSV
 *   child:  grade_submission -> report.txt, results.json -> _exit
 */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results.h"
#include "text.h"

struct student {
    char *name;
    pid_t pid;      /* while being graded */
    int state;      /* enum student_state */
    json_t *result; /* extra_data.heaplab of its results.json */
    char failure[256];
};

enum student_state { WAITING, RUNNING, DONE, SKIPPED, FAILED };

static int compare_students(const void *a, const void *b)
{
    return strcmp(((const struct student *)a)->name,
                  ((const struct student *)b)->name);
}

/* The student folders of dir, sorted; NULL when dir cannot be read. */
static struct student *list_students(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    size_t capacity = 64, n = 0;
    struct student *students = calloc(capacity, sizeof *students);
    struct dirent *entry;
    while (students != NULL && (entry = readdir(d)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (n == capacity) {
            capacity *= 2;
            struct student *grown =
                realloc(students, capacity * sizeof *students);
            if (grown == NULL)
                break;
            students = grown;
        }
        students[n] = (struct student){.name = strdup(entry->d_name)};
        if (students[n].name != NULL)
            n++;
    }
    closedir(d);
    if (students != NULL)
        qsort(students, n, sizeof *students, compare_students);
    *count = n;
    return students;
}

int batch_write_student(const struct grade *g, const char *folder)
{
    if (mkdir(folder, 0755) != 0 && errno != EEXIST)
        return -1;
    char path[PATH_MAX + 32];
    char *report = results_report(g);
    snprintf(path, sizeof path, "%s/report.txt", folder);
    int rc = report != NULL ? results_write_atomic(path, report) : -1;
    free(report);
    json_t *results = results_gradescope(g);
    snprintf(path, sizeof path, "%s/results.json", folder);
    if (rc == 0)
        rc = results_write_json(path, results);
    json_decref(results);
    return rc;
}

/* extra_data.heaplab of OUT/NAME/results.json, or NULL. */
static json_t *read_result(const char *out, const char *name)
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s/results.json", out, name);
    json_t *all = json_load_file(path, 0, NULL);
    json_t *mine =
        json_object_get(json_object_get(all, "extra_data"), "heaplab");
    if (json_is_object(mine))
        json_incref(mine);
    else
        mine = NULL;
    json_decref(all);
    return mine;
}

/* --- the gradebook ------------------------------------------------------ */

static void csv_field(char **s, const char *text, int last)
{
    int quote = strpbrk(text, ",\"\n") != NULL;
    text_append(s, "%s", quote ? "\"" : "");
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            text_append(s, "\"\"");
        else
            text_append(s, "%c", *p);
    }
    text_append(s, "%s%s", quote ? "\"" : "", last ? "\n" : ",");
}

static double component_score(const json_t *r, const char *name)
{
    const json_t *c = json_object_get(json_object_get(r, "components"), name);
    return json_number_value(json_object_get(c, "score"));
}

/* "ok 8; error 1; timeout 1", and the first thing that went wrong. */
static void summarize(const json_t *r, char *verdicts, size_t size,
                      char *first, size_t first_size)
{
    static const char *const names[] = {"ok",  "error",   "crash",   "timeout",
                                        "oom", "not run", "internal"};
    size_t counts[7] = {0};
    first[0] = '\0';
    size_t index;
    const json_t *t;
    json_array_foreach(json_object_get(r, "traces"), index, t)
    {
        const char *v = json_string_value(json_object_get(t, "verdict"));
        for (size_t i = 0; v != NULL && i < 7; i++)
            if (strcmp(v, names[i]) == 0)
                counts[i]++;
        const char *m = json_string_value(json_object_get(t, "message"));
        if (first[0] == '\0' && v != NULL && strcmp(v, "ok") != 0 && m)
            snprintf(first, first_size, "%s: %s", v, m);
    }
    size_t used = 0;
    verdicts[0] = '\0';
    for (size_t i = 0; i < 7; i++)
        if (counts[i] > 0 && used < size)
            used += (size_t)snprintf(verdicts + used, size - used, "%s%s %zu",
                                     used ? "; " : "", names[i], counts[i]);
    const char *internal =
        json_string_value(json_object_get(r, "internal_error"));
    if (!json_is_true(json_object_get(r, "built")) && internal == NULL)
        snprintf(first, first_size, "did not build");
    if (internal != NULL)
        snprintf(first, first_size, "grader failed: %s", internal);
}

static int write_gradebook(const char *path, const struct student *students,
                           size_t count)
{
    char *s = NULL;
    text_append(&s, "student,score,max_score,correctness,utilization,"
                    "throughput,mean_util,mean_throughput_ratio,passed,"
                    "traces,verdicts,first_problem\n");
    for (size_t i = 0; i < count; i++) {
        const struct student *st = &students[i];
        const json_t *r = st->result;
        csv_field(&s, st->name, 0);
        if (r == NULL) {
            text_append(&s, ",,,,,,,,,,");
            csv_field(&s, st->state == FAILED ? st->failure : "not graded", 1);
            continue;
        }
        char number[64], verdicts[160], first[320];
        const char *keys[] = {"score", "max_score"};
        for (size_t k = 0; k < 2; k++) {
            snprintf(number, sizeof number, "%.2f",
                     json_number_value(json_object_get(r, keys[k])));
            csv_field(&s, number, 0);
        }
        const char *parts[] = {"correctness", "utilization", "throughput"};
        for (size_t k = 0; k < 3; k++) {
            snprintf(number, sizeof number, "%.2f",
                     component_score(r, parts[k]));
            csv_field(&s, number, 0);
        }
        const json_t *c = json_object_get(r, "components");
        const char *values[] = {"utilization", "throughput"};
        for (size_t k = 0; k < 2; k++) {
            const json_t *v =
                json_object_get(json_object_get(c, values[k]), "value");
            if (json_is_number(v))
                snprintf(number, sizeof number, "%.4f", json_number_value(v));
            else
                number[0] = '\0';
            csv_field(&s, number, 0);
        }
        snprintf(number, sizeof number, "%lld",
                 (long long)json_integer_value(json_object_get(r, "passed")));
        csv_field(&s, number, 0);
        snprintf(number, sizeof number, "%zu",
                 json_array_size(json_object_get(r, "traces")));
        csv_field(&s, number, 0);
        summarize(r, verdicts, sizeof verdicts, first, sizeof first);
        csv_field(&s, verdicts, 0);
        char *clean = text_trim(first, strlen(first), 0, 1, 300);
        csv_field(&s, clean ? clean : "", 1);
        free(clean);
    }
    int rc = s != NULL ? results_write_atomic(path, s) : -1;
    free(s);
    return rc;
}

/* --- running ------------------------------------------------------------ */

static pid_t start_student(const struct rubric *rubric,
                           const struct grade_options *grading,
                           const struct batch_options *batch,
                           const struct student *st)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    char submission[PATH_MAX * 2], folder[PATH_MAX * 2];
    snprintf(submission, sizeof submission, "%s/%s", batch->dir, st->name);
    snprintf(folder, sizeof folder, "%s/%s", batch->out, st->name);
    struct grade_options quiet = *grading;
    quiet.verbose = 0;
    struct grade g;
    grade_submission(rubric, submission, &quiet, &g);
    int rc = batch_write_student(&g, folder);
    grade_free(&g);
    _exit(rc == 0 ? 0 : 3);
}

static void finish(struct student *st, int status, const char *out)
{
    st->pid = 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        (st->result = read_result(out, st->name)) != NULL) {
        st->state = DONE;
        return;
    }
    st->state = FAILED;
    if (WIFSIGNALED(status))
        snprintf(st->failure, sizeof st->failure,
                 "grader failed: killed by %s", strsignal(WTERMSIG(status)));
    else
        snprintf(st->failure, sizeof st->failure,
                 "grader failed: could not write %s/%s/results.json", out,
                 st->name);
}

int grade_batch(const struct rubric *rubric,
                const struct grade_options *grading,
                const struct batch_options *batch)
{
    size_t count = 0;
    struct student *students = list_students(batch->dir, &count);
    if (students == NULL) {
        fprintf(stderr, "heaplab grade: %s: %s\n", batch->dir,
                strerror(errno));
        return 2;
    }
    if (mkdir(batch->out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "heaplab grade: %s: %s\n", batch->out,
                strerror(errno));
        free(students);
        return 2;
    }
    size_t skipped = 0;
    for (size_t i = 0; i < count; i++) {
        if (!batch->force && (students[i].result = read_result(
                                  batch->out, students[i].name)) != NULL) {
            students[i].state = SKIPPED;
            skipped++;
        }
    }
    size_t next = 0, running = 0, finished = skipped, failed = 0;
    int status = 0;
    while (1) {
        while (running < batch->jobs && next < count) {
            struct student *st = &students[next++];
            if (st->state != WAITING)
                continue;
            st->pid = start_student(rubric, grading, batch, st);
            if (st->pid < 0) {
                st->state = FAILED;
                snprintf(st->failure, sizeof st->failure,
                         "grader failed: cannot fork: %s", strerror(errno));
                failed++;
                continue;
            }
            st->state = RUNNING;
            running++;
        }
        if (running == 0)
            break;
        int child_status;
        pid_t pid = waitpid(-1, &child_status, 0);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            break;
        for (size_t i = 0; i < count; i++) {
            struct student *st = &students[i];
            if (st->state != RUNNING || st->pid != pid)
                continue;
            running--;
            finished++;
            finish(st, child_status, batch->out);
            failed += st->state == FAILED;
            if (!batch->quiet) {
                if (st->state == DONE)
                    fprintf(stderr, "[%zu/%zu] %s: %.2f / %.2f\n", finished,
                            count, st->name,
                            json_number_value(
                                json_object_get(st->result, "score")),
                            json_number_value(
                                json_object_get(st->result, "max_score")));
                else
                    fprintf(stderr, "[%zu/%zu] %s: %s\n", finished, count,
                            st->name, st->failure);
            }
            if (write_gradebook(batch->csv, students, count) != 0) {
                fprintf(stderr, "heaplab grade: %s: %s\n", batch->csv,
                        strerror(errno));
                status = 2;
            }
        }
    }
    if (write_gradebook(batch->csv, students, count) != 0) {
        fprintf(stderr, "heaplab grade: %s: %s\n", batch->csv,
                strerror(errno));
        status = 2;
    }
    printf("graded %zu of %zu submissions in %s (%zu already done, %zu "
           "failed); gradebook %s, reports in %s/\n",
           finished - skipped, count, batch->dir, skipped, failed, batch->csv,
           batch->out);
    for (size_t i = 0; i < count; i++) {
        json_decref(students[i].result);
        free(students[i].name);
    }
    free(students);
    return failed > 0 ? 2 : status;
}

/*
 * cmd_grade.c -- `heaplab grade`: grade one submission, or a whole class,
 * by a rubric, for a person, Gradescope, Autolab or a script.  The work is
 * in grading/ (grade.h, results.h, batch.h); this file is the command.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include "batch.h"
#include "commands.h"
#include "grade.h"
#include "option_values.h"
#include "results.h"
#include "rubric.h"
#include "text.h"
#include "worker.h"

static const char GRADE_USAGE[] =
    "usage: heaplab grade [OPTIONS] SUBMISSION_DIR\n"
    "       heaplab grade --batch DIR [-j N] [--csv FILE] [OPTIONS]\n"
    "\n"
    "Builds the submission (the files the rubric names) into a program of\n"
    "its own, runs every trace of the rubric in a child process with time,\n"
    "memory and output limits (twice in one process, to catch state init()\n"
    "does not reset), times the performance traces against the reference\n"
    "measured in the same run, and scores it.  The report goes to stdout.\n"
    "\n"
    "options:\n"
    "  -r, --rubric FILE   the rubric (default: grading/rubrics/NAME.conf\n"
    "                      for the submission's NAME.c; docs/grading.md)\n"
    "      --results FILE  write Gradescope's results.json to FILE\n"
    "      --autolab       end stdout with Autolab's autoresult line\n"
    "      --json          print heaplab's JSON of the grade, not the report\n"
    "      --report FILE   write the report to FILE, not stdout\n"
    "  -q, --quiet         no progress on stderr\n"
    "      --keep          keep the private build folder (prints where)\n"
    "      --user NAME     when run as root, run the submission as NAME\n"
    "                      (default: the rubric's [limits] user, nobody)\n"
    "  -b, --batch DIR     grade every folder of DIR, one per student\n"
    "  -j, --jobs N        students graded at once (default: the cores)\n"
    "      --csv FILE      the gradebook (default: OUT/grades.csv)\n"
    "  -o, --out OUT       per-student report.txt and results.json\n"
    "                      (default: DIR.grades)\n"
    "      --force         regrade students graded before\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 when the grade was produced, whatever the score (also\n"
    "when the submission does not compile); 2 for a usage error, a bad\n"
    "rubric, or a failure of the grader itself (its outputs are still\n"
    "written, saying so).\n";

struct grade_settings {
    const char *rubric;
    const char *results;
    const char *report;
    const char *batch;
    const char *csv;
    const char *out;
    const char *user;
    long jobs;
    int autolab, json, quiet, keep, force;
};

static int usage_error(const char *format, const char *detail)
{
    fputs("heaplab grade: ", stderr);
    fprintf(stderr, format, detail);
    fputs(" (try 'heaplab grade --help')\n", stderr);
    return 2;
}

static int parse_options(int argc, char **argv, struct grade_settings *s)
{
    enum { RESULTS = 256, AUTOLAB, JSON, REPORT, KEEP, CSV, FORCE, USER };
    static const struct option options[] = {
        {"rubric", required_argument, NULL, 'r'},
        {"results", required_argument, NULL, RESULTS},
        {"autolab", no_argument, NULL, AUTOLAB},
        {"json", no_argument, NULL, JSON},
        {"report", required_argument, NULL, REPORT},
        {"quiet", no_argument, NULL, 'q'},
        {"keep", no_argument, NULL, KEEP},
        {"batch", required_argument, NULL, 'b'},
        {"jobs", required_argument, NULL, 'j'},
        {"csv", required_argument, NULL, CSV},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, FORCE},
        {"user", required_argument, NULL, USER},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    uint64_t number;
    while ((c = getopt_long(argc, argv, ":r:qb:j:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'r':
            s->rubric = optarg;
            break;
        case RESULTS:
            s->results = optarg;
            break;
        case AUTOLAB:
            s->autolab = 1;
            break;
        case JSON:
            s->json = 1;
            break;
        case REPORT:
            s->report = optarg;
            break;
        case 'q':
            s->quiet = 1;
            break;
        case KEEP:
            s->keep = 1;
            break;
        case 'b':
            s->batch = optarg;
            break;
        case 'j':
            if (option_number(optarg, 0, 1, 1024, &number) != 0)
                return usage_error("--jobs needs a count from 1 to 1024, "
                                   "not '%s'",
                                   optarg);
            s->jobs = (long)number;
            break;
        case CSV:
            s->csv = optarg;
            break;
        case 'o':
            s->out = optarg;
            break;
        case FORCE:
            s->force = 1;
            break;
        case USER:
            s->user = optarg;
            break;
        case 'h':
            fputs(GRADE_USAGE, stdout);
            return 0;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (s->batch != NULL && optind != argc)
        return usage_error("--batch DIR takes no SUBMISSION_DIR ('%s')",
                           argv[optind]);
    if (s->batch == NULL && optind + 1 != argc)
        return usage_error("%s", optind == argc
                                     ? "give one SUBMISSION_DIR"
                                     : "give only one SUBMISSION_DIR");
    if (s->batch != NULL && (s->results || s->autolab || s->json || s->report))
        return usage_error("%s", "--batch writes results.json and "
                                 "report.txt per student: --results, "
                                 "--autolab, --json and --report are for "
                                 "one submission");
    return -1;
}

/* --- where things are --------------------------------------------------- */

/* This program, and the project's folder (bin/heaplab -> ..). */
static int find_self(char *self, size_t size, char *root, size_t root_size)
{
    ssize_t n = readlink("/proc/self/exe", self, size - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    snprintf(root, root_size, "%s", self);
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(root, '/');
        if (slash == NULL)
            return -1;
        *slash = '\0';
    }
    if (root[0] == '\0')
        snprintf(root, root_size, "/");
    return 0;
}

/* Without --rubric: grading/rubrics/NAME.conf, or labs/NAME/rubric.conf,
 * for the first NAME.c of the submission (by name) that has one. */
static int default_rubric(const char *root, const char *submission, char *out,
                          size_t size)
{
    DIR *d = opendir(submission);
    if (d == NULL)
        return -1;
    char best[NAME_MAX + 1] = "";
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        const char *name = entry->d_name;
        size_t n = strlen(name);
        if (n < 3 || strcmp(name + n - 2, ".c") != 0 || name[0] == '.')
            continue;
        char probe[2][PATH_MAX + NAME_MAX + 64];
        snprintf(probe[0], sizeof probe[0], "%s/grading/rubrics/%.*s.conf",
                 root, (int)(n - 2), name);
        snprintf(probe[1], sizeof probe[1], "%s/labs/%.*s/rubric.conf", root,
                 (int)(n - 2), name);
        for (int i = 0; i < 2; i++) {
            if (access(probe[i], R_OK) == 0 &&
                (best[0] == '\0' || strcmp(name, best) < 0)) {
                size_t length = strlen(probe[i]);
                if (length >= size)
                    break;
                memcpy(out, probe[i], length + 1);
                snprintf(best, sizeof best, "%s", name);
                break;
            }
        }
    }
    closedir(d);
    return best[0] != '\0' ? 0 : -1;
}

/* --- the outputs when there is no grade: a rubric that cannot be read --- */

static void write_failure_outputs(const struct grade_settings *s,
                                  const char *why)
{
    if (s->results != NULL) {
        json_t *o = json_object();
        char *said = NULL;
        text_append(&said,
                    "THE GRADER ITSELF FAILED (not your fault; tell "
                    "the course staff): %s",
                    why);
        char *clean = text_trim(said, strlen(said), 0, 20, 4000);
        json_object_set_new(o, "score", json_real(0));
        json_object_set_new(o, "output", results_text(clean ? clean : ""));
        json_object_set_new(o, "tests", json_array());
        if (results_write_json(s->results, o) != 0)
            fprintf(stderr, "heaplab grade: %s: %s\n", s->results,
                    strerror(errno));
        json_decref(o);
        free(said);
        free(clean);
    }
    if (s->autolab)
        printf("{\"scores\": {}}\n");
}

/* --- one submission ----------------------------------------------------- */

static int grade_one(const struct grade_settings *s, const struct rubric *r,
                     const struct grade_options *options,
                     const char *submission)
{
    struct grade g;
    grade_submission(r, submission, options, &g);
    int status = g.internal[0] != '\0' ? 2 : 0;

    if (s->results != NULL) {
        json_t *results = results_gradescope(&g);
        if (results_write_json(s->results, results) != 0) {
            fprintf(stderr, "heaplab grade: %s: cannot write: %s\n",
                    s->results, strerror(errno));
            status = 2;
        }
        json_decref(results);
    }
    char *report = results_report(&g);
    if (s->report != NULL &&
        results_write_atomic(s->report, report ? report : "") != 0) {
        fprintf(stderr, "heaplab grade: %s: cannot write: %s\n", s->report,
                strerror(errno));
        status = 2;
    }
    if (s->json) {
        json_t *mine = results_json(&g);
        json_dumpf(mine, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        putchar('\n');
        json_decref(mine);
    } else if (s->report == NULL) {
        fputs(report ? report : "", stdout);
    }
    free(report);
    if (s->autolab) {
        char *line = results_autolab(&g);
        printf("\n%s\n", line ? line : "{\"scores\": {}}");
        free(line);
    }
    fflush(stdout);
    grade_free(&g);
    return status;
}

int cmd_grade(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--worker") == 0)
        return grade_worker(argc - 1, argv + 1, NULL); /* the reference */

    struct grade_settings s = {0};
    int rc = parse_options(argc, argv, &s);
    if (rc >= 0)
        return rc;

    char self[PATH_MAX], root[PATH_MAX];
    if (find_self(self, sizeof self, root, sizeof root) != 0) {
        write_failure_outputs(&s, "cannot find this program's folder");
        fprintf(stderr, "heaplab grade: cannot find this program's folder "
                        "(/proc/self/exe)\n");
        return 2;
    }
    const char *submission = s.batch == NULL ? argv[optind] : NULL;
    char rubric_path[PATH_MAX + NAME_MAX + 64];
    if (s.rubric != NULL) {
        snprintf(rubric_path, sizeof rubric_path, "%s", s.rubric);
    } else if (submission == NULL ||
               default_rubric(root, submission, rubric_path,
                              sizeof rubric_path) != 0) {
        const char *why = submission == NULL
                              ? "--batch needs --rubric FILE"
                              : "no --rubric given, and no rubric in "
                                "grading/rubrics/ matches a NAME.c of the "
                                "submission";
        write_failure_outputs(&s, why);
        return usage_error("%s", why);
    }

    static struct rubric rubric; /* large: kept off the stack */
    char error[RUBRIC_ERROR_MAX];
    if (rubric_load(rubric_path, root, &rubric, error) != 0) {
        write_failure_outputs(&s, error);
        fprintf(stderr, "heaplab grade: %s\n", error);
        return 2;
    }
    /* what the submission's runs may not open: our outputs, the
     * submissions (isolation.h) */
    const char *guarded[] = {s.results, s.report,
                             submission != NULL ? submission : s.batch,
                             s.out, s.csv};
    struct grade_options options = {.root = root,
                                    .self = self,
                                    .keep = s.keep,
                                    .verbose = !s.quiet,
                                    .user = s.user,
                                    .guarded = guarded,
                                    .guarded_count = 5};
    if (submission != NULL)
        return grade_one(&s, &rubric, &options, submission);

    char out[PATH_MAX + 16], csv[PATH_MAX * 2];
    if (s.out != NULL) {
        snprintf(out, sizeof out, "%s", s.out);
    } else {
        size_t n = strlen(s.batch);
        while (n > 1 && s.batch[n - 1] == '/')
            n--;
        snprintf(out, sizeof out, "%.*s.grades", (int)n, s.batch);
    }
    snprintf(csv, sizeof csv, "%s", s.csv != NULL ? s.csv : "");
    if (s.csv == NULL)
        snprintf(csv, sizeof csv, "%s/grades.csv", out);
    guarded[3] = out;
    guarded[4] = csv;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct batch_options batch = {
        .dir = s.batch,
        .out = out,
        .csv = csv,
        .jobs = (unsigned)(s.jobs > 0  ? s.jobs
                           : cores > 0 ? cores
                                       : 1),
        .force = s.force,
        .quiet = s.quiet,
    };
    options.verbose = 0;
    return grade_batch(&rubric, &options, &batch);
}

/*
 * build.c -- compiling and linking a submission (see build.h).
 *
 *   FOLDER/src/bins.c            copied from the submission
 *   FOLDER/obj/bins.o            compiled there (messages name "bins.c")
 *   FOLDER/obj/heaplab-link.c    the shim: heaplab_submission = &SYMBOL
 *   FOLDER/obj/heaplab-checker-cases.o   the rubric's [checker] fixture
 *   FOLDER/obj/heaplab-submission  the program
 */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "text.h"

enum {
    LINK_WORDS_MAX = 256, /* words on one line of link.txt */
    SOURCE_BYTES_MAX = 4 << 20,
    COMPILER_OUTPUT_KEEP = 256 << 10,
    FEEDBACK_LINES = 40,
    FEEDBACK_BYTES = 6000,
};

/* build/grading/link.txt: "KEY WORD WORD ..." lines. */
struct link_plan {
    char *words[LINK_WORDS_MAX];
    size_t count;
    char *cc, *child;
    size_t cflags, cflags_count; /* index and count into words */
    size_t objects, objects_count;
    size_t libs, libs_count;
    char *text;
};

static int read_plan(const char *root, struct link_plan *plan, char *error,
                     size_t error_size)
{
    memset(plan, 0, sizeof *plan);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/build/grading/link.txt", root);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(error, error_size, "%s: %s (build the grader with make)",
                 path, strerror(errno));
        return -1;
    }
    size_t capacity = 0;
    ssize_t n = getdelim(&plan->text, &capacity, '\0', f);
    fclose(f);
    if (n <= 0) {
        snprintf(error, error_size, "%s: empty (run make)", path);
        return -1;
    }
    for (char *line = strtok(plan->text, "\n"); line != NULL;
         line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char *save, *key = strtok_r(line, " \t", &save);
        size_t first = plan->count;
        char *word;
        while ((word = strtok_r(NULL, " \t", &save)) != NULL &&
               plan->count < LINK_WORDS_MAX)
            plan->words[plan->count++] = word;
        size_t count = plan->count - first;
        if (key == NULL)
            continue;
        if (strcmp(key, "cc") == 0 && count > 0)
            plan->cc = plan->words[first];
        else if (strcmp(key, "child") == 0 && count > 0)
            plan->child = plan->words[first];
        else if (strcmp(key, "cflags") == 0)
            plan->cflags = first, plan->cflags_count = count;
        else if (strcmp(key, "objects") == 0)
            plan->objects = first, plan->objects_count = count;
        else if (strcmp(key, "libs") == 0)
            plan->libs = first, plan->libs_count = count;
    }
    if (plan->cc == NULL || plan->child == NULL || plan->objects_count == 0) {
        snprintf(error, error_size, "%s: incomplete (run make)", path);
        free(plan->text);
        return -1;
    }
    return 0;
}

/* The full path of program `name` on PATH, or -1. */
static int find_program(const char *name, char *out, size_t size)
{
    if (strchr(name, '/') != NULL) {
        snprintf(out, size, "%s", name);
        return access(out, X_OK);
    }
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0')
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path != '\0') {
        size_t n = strcspn(path, ":");
        snprintf(out, size, "%.*s/%s", (int)n, path, name);
        if (n > 0 && access(out, X_OK) == 0)
            return 0;
        path += n + (path[n] == ':');
    }
    return -1;
}

/* --- steps -------------------------------------------------------------- */

/* A file the rubric names is compiled when it is a .c, copied only when
 * it is a header. */
static int is_source(const char *name)
{
    size_t n = strlen(name);
    return n >= 2 && strcmp(name + n - 2, ".c") == 0;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buffer[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buffer, sizeof buffer)) > 0)
        if (write(out, buffer, (size_t)n) != n)
            rc = -1;
    if (n < 0)
        rc = -1;
    close(in);
    return close(out) != 0 ? -1 : rc;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What the submission folder holds, for "it has no bins.c". */
static void list_folder(const char *submission, char **feedback)
{
    DIR *d = opendir(submission);
    if (d == NULL) {
        text_append(feedback, "%s: %s.", submission, strerror(errno));
        return;
    }
    char *names[32];
    size_t count = 0, more = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        if (count < sizeof names / sizeof names[0])
            names[count++] = strdup(entry->d_name);
        else
            more++;
    }
    closedir(d);
    qsort(names, count, sizeof *names, compare_names);
    text_append(feedback, count == 0 ? "The submission is empty."
                                     : "It "
                                       "holds:");
    for (size_t i = 0; i < count; i++) {
        char *clean = text_trim(names[i] ? names[i] : "?",
                                strlen(names[i] ? names[i] : "?"), 0, 1, 80);
        text_append(feedback, " %s%s", clean ? clean : "?",
                    i + 1 < count ? ","
                    : more        ? ""
                                  : ".");
        free(clean);
        free(names[i]);
    }
    if (more > 0)
        text_append(feedback, " and %zu more.", more);
}

/* Step 1: the rubric's files into FOLDER/src. */
static int copy_sources(const struct rubric *r, const char *submission,
                        const char *folder, struct build *b)
{
    int missing = 0;
    for (size_t i = 0; i < r->files.count; i++) {
        const char *name = r->files.names[i];
        char from[PATH_MAX * 2], to[PATH_MAX * 2];
        snprintf(from, sizeof from, "%s/%s", submission, name);
        snprintf(to, sizeof to, "%s/src/%s", folder, name);
        struct stat st;
        if (lstat(from, &st) == 0 && S_ISLNK(st.st_mode)) {
            /* read as root, a link could show the student any file */
            text_append(&b->feedback, "%s%s is a symbolic link: hand in "
                        "the file itself.", missing ? " " : "", name);
            missing = 1;
        } else if (stat(from, &st) != 0 || !S_ISREG(st.st_mode)) {
            text_append(&b->feedback, "%sThe submission has no %s.",
                        missing ? " " : "", name);
            missing = 1;
        } else if (st.st_size > SOURCE_BYTES_MAX) {
            text_append(&b->feedback, "%s%s is larger than %d MiB.",
                        missing ? " " : "", name, SOURCE_BYTES_MAX >> 20);
            missing = 1;
        } else if (copy_file(from, to) != 0) {
            text_append(&b->feedback, "%s%s cannot be read: %s.",
                        missing ? " " : "", name, strerror(errno));
            missing = 1;
        }
    }
    if (missing) {
        text_append(&b->feedback, " ");
        list_folder(submission, &b->feedback);
    }
    return missing ? -1 : 0;
}

/* Who runs the tools (build_run_as); NULL: as we are.  Their TMPDIR is
 * then obj/, which that user may write. */
static const struct spawn_user *run_as;
static size_t run_as_processes;
static char run_as_tmpdir[PATH_MAX + 8];

void build_run_as(const struct spawn_user *user, size_t processes)
{
    run_as = user;
    run_as_processes = processes;
}

/* Runs a tool of the build; its trimmed output goes to *said. */
static int run_tool(char **argv, const char *workdir, double timeout,
                    char **said, int *exit_ok)
{
    struct spawn_limits limits = {.timeout = timeout,
                                  .output_keep = COMPILER_OUTPUT_KEEP,
                                  .workdir = workdir,
                                  .user = run_as,
                                  .processes = run_as_processes,
                                  .tmpdir = run_as ? run_as_tmpdir : NULL};
    struct spawn_outcome o;
    if (spawn_run(argv, &limits, &o) != 0)
        return -1;
    *exit_ok = o.started && !o.timed_out && WIFEXITED(o.status) &&
               WEXITSTATUS(o.status) == 0;
    *said = text_trim(o.output, o.output_length, o.output_dropped,
                      FEEDBACK_LINES, FEEDBACK_BYTES);
    if (!*exit_ok && (!o.started || o.timed_out || !WIFEXITED(o.status))) {
        char how[160];
        spawn_describe(&o, timeout, how, sizeof how);
        text_append(said, "%s(%s %s)", (*said)[0] ? "\n" : "", argv[0], how);
    }
    int started = o.started;
    spawn_free(&o);
    return started ? 0 : -1;
}

/* Step 2: one source file into obj/NAME.o. */
static int compile_one(const struct rubric *r, const struct link_plan *plan,
                       const char *cc, const char *root, const char *folder,
                       const char *name, struct build *b)
{
    char include[PATH_MAX + 16], object[RUBRIC_NAME_MAX + 16],
        workdir[PATH_MAX + 8];
    snprintf(include, sizeof include, "-I%s/include", root);
    snprintf(object, sizeof object, "../obj/%s.o", name);
    snprintf(workdir, sizeof workdir, "%s/src", folder);
    char *argv[LINK_WORDS_MAX + 16];
    size_t n = 0;
    argv[n++] = (char *)cc;
    for (size_t i = 0; i < plan->cflags_count; i++)
        argv[n++] = plan->words[plan->cflags + i];
    argv[n++] = include;
    argv[n++] = "-D_GNU_SOURCE";
    argv[n++] = "-c";
    argv[n++] = (char *)name;
    argv[n++] = "-o";
    argv[n++] = object;
    argv[n] = NULL;
    char *said = NULL;
    int ok = 0;
    if (run_tool(argv, workdir, r->compile_timeout, &said, &ok) != 0) {
        free(said);
        return -2;
    }
    if (!ok) {
        text_append(&b->feedback, "%s does not compile:\n%s", name,
                    said ? said : "");
    } else if (said != NULL && said[0] != '\0') {
        text_append(&b->warnings, "%s%s", b->warnings ? "\n" : "", said);
    }
    free(said);
    return ok ? 0 : -1;
}

/* Step 2b: the rubric's checker fixture (grading/checker.h), when it has
 * one, into obj/heaplab-checker-cases.o.  It is the course's code, not the
 * student's: when it does not compile, the grader has failed.  0, -1 with
 * error said, -2 when the compiler cannot run. */
static int compile_fixture(const struct rubric *r,
                           const struct link_plan *plan, const char *cc,
                           const char *root, const char *folder, char *error,
                           size_t error_size)
{
    char include[PATH_MAX + 16], grading[PATH_MAX + 16];
    snprintf(include, sizeof include, "-I%s/include", root);
    snprintf(grading, sizeof grading, "-I%s/grading", root);
    char *argv[LINK_WORDS_MAX + 16];
    size_t n = 0;
    argv[n++] = (char *)cc;
    for (size_t i = 0; i < plan->cflags_count; i++)
        argv[n++] = plan->words[plan->cflags + i];
    argv[n++] = include;
    argv[n++] = grading;
    argv[n++] = "-D_GNU_SOURCE";
    argv[n++] = "-c";
    argv[n++] = (char *)r->checker_fixture;
    argv[n++] = "-o";
    argv[n++] = "obj/heaplab-checker-cases.o";
    argv[n] = NULL;
    char *said = NULL;
    int ok = 0;
    if (run_tool(argv, folder, r->compile_timeout, &said, &ok) != 0) {
        free(said);
        return -2;
    }
    if (!ok)
        snprintf(error, error_size,
                 "the rubric's checker fixture %s does not compile: %.300s",
                 r->checker_fixture, said ? said : "");
    free(said);
    return ok ? 0 : -1;
}

/* Step 3: the symbols the rubric forbids, from `nm -u`. */
static int check_symbols(const struct rubric *r, const char *folder,
                         struct build *b)
{
    char nm[PATH_MAX];
    if (r->forbid.count == 0 || find_program("nm", nm, sizeof nm) != 0)
        return 0; /* nothing forbidden, or no binutils: nothing to check */
    int refused = 0;
    for (size_t i = 0; i < r->files.count; i++) {
        if (!is_source(r->files.names[i]))
            continue;
        char object[RUBRIC_NAME_MAX + 16];
        snprintf(object, sizeof object, "obj/%s.o", r->files.names[i]);
        char *argv[] = {nm, "-u", "-P", object, NULL};
        struct spawn_limits limits = {.timeout = r->compile_timeout,
                                      .output_keep = COMPILER_OUTPUT_KEEP,
                                      .workdir = folder,
                                      .user = run_as,
                                      .processes = run_as_processes,
                                      .tmpdir = run_as ? run_as_tmpdir
                                                       : NULL};
        struct spawn_outcome o;
        if (spawn_run(argv, &limits, &o) != 0)
            continue;
        for (char *line = strtok(o.output, "\n"); line != NULL;
             line = strtok(NULL, "\n")) {
            line[strcspn(line, " ")] = '\0';
            char *at = strchr(line, '@'); /* malloc@GLIBC_2.2.5 */
            if (at != NULL)
                *at = '\0';
            for (size_t f = 0; f < r->forbid.count; f++) {
                if (strcmp(line, r->forbid.names[f]) != 0)
                    continue;
                text_append(&b->feedback,
                            "%s%s uses %s(), which this lab does not allow: "
                            "a backend gets its memory only from mem_sbrk "
                            "and mem_mmap (<heaplab/memlib.h>), so that its "
                            "footprint can be measured.",
                            refused ? "\n" : "", r->files.names[i], line);
                refused = 1;
            }
        }
        spawn_free(&o);
    }
    return refused ? -1 : 0;
}

static const char *find_after(const char *text, const char *needle)
{
    const char *at = text != NULL ? strstr(text, needle) : NULL;
    return at != NULL ? at + strlen(needle) : NULL;
}

/* Removes every occurrence of "FOLDER/" from text, in place: the linker
 * names heaplab's objects by their full paths, which say nothing to a
 * student. */
static void drop_folder(char *text, const char *folder)
{
    size_t n = strlen(folder);
    if (text == NULL || n == 0)
        return;
    char *at;
    while ((at = strstr(text, folder)) != NULL && at[n] == '/')
        memmove(at, at + n + 1, strlen(at + n + 1) + 1);
}

/* Words after "undefined reference to `" etc. a person can act on. */
static void explain_link_error(const struct rubric *r, char *said,
                               const char *root, struct build *b)
{
    char wanted[RUBRIC_NAME_MAX + 40];
    snprintf(wanted, sizeof wanted, "undefined reference to `%s'", r->symbol);
    const char *twice = find_after(said, "multiple definition of `");
    const char *undefined = find_after(said, "undefined reference to `");
    if (said != NULL && strstr(said, wanted) != NULL)
        text_append(&b->feedback,
                    "The submission does not define the lab's vtable: "
                    "it needs\n    const struct allocator %s = { ... };\n"
                    "with external linkage (not static).\n",
                    r->symbol);
    else if (twice != NULL)
        text_append(&b->feedback,
                    "The submission defines %.*s, which heaplab defines "
                    "too: make the submission's own functions and "
                    "variables static.\n",
                    (int)strcspn(twice, "'"), twice);
    else if (undefined != NULL)
        text_append(&b->feedback,
                    "The submission uses %.*s, which neither it nor "
                    "heaplab defines.\n",
                    (int)strcspn(undefined, "'"), undefined);
    drop_folder(said, root);
    text_append(&b->feedback, "The linker said:\n%s", said ? said : "");
}

/* Step 4: the shim and the program. */
static int link_program(const struct rubric *r, const struct link_plan *plan,
                        const char *cc, const char *root, const char *folder,
                        struct build *b)
{
    char shim[PATH_MAX + 32];
    snprintf(shim, sizeof shim, "%s/obj/heaplab-link.c", folder);
    /* obj/ is the tools' user's: never follow what may be there */
    int shim_fd = open(shim, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                 O_CLOEXEC, 0644);
    FILE *f = shim_fd >= 0 ? fdopen(shim_fd, "w") : NULL;
    if (f == NULL) {
        if (shim_fd >= 0)
            close(shim_fd);
        return -2;
    }
    int fixture = r->checker_fixture[0] != '\0';
    fprintf(f,
            "#include \"checker.h\"\n"
            "#include \"heaplab/allocator.h\"\n"
            "extern const struct allocator %s;\n"
            "const struct allocator *const heaplab_submission = &%s;\n"
            "const struct checker_case *const heaplab_checker_table = %s;\n",
            r->symbol, r->symbol, fixture ? "heaplab_checker_cases" : "0");
    if (fclose(f) != 0)
        return -2;

    char include[PATH_MAX + 16], grading[PATH_MAX + 16];
    snprintf(include, sizeof include, "-I%s/include", root);
    snprintf(grading, sizeof grading, "-I%s/grading", root);
    char *shim_argv[] = {(char *)cc, include, grading,
                         "-c",       "obj/heaplab-link.c", "-o",
                         "obj/heaplab-link.o", NULL};
    char *said = NULL;
    int ok = 0;
    if (run_tool(shim_argv, folder, r->compile_timeout, &said, &ok) != 0 ||
        !ok) {
        free(said);
        return -2;
    }
    free(said);
    said = NULL;

    /* The reference backend whose symbol the submission defines. */
    char reference[RUBRIC_NAME_MAX + 32] = "";
    size_t stem = strlen(r->symbol) - strlen("_allocator");
    if (strlen(r->symbol) > strlen("_allocator") &&
        strcmp(r->symbol + stem, "_allocator") == 0)
        snprintf(reference, sizeof reference, "allocators/%.*s.o", (int)stem,
                 r->symbol);

    size_t max = r->files.count + plan->objects_count + plan->libs_count + 16;
    char **argv = calloc(max, sizeof *argv);
    char **paths = calloc(max, sizeof *paths);
    if (argv == NULL || paths == NULL) {
        free(argv);
        free(paths);
        return -2;
    }
    size_t n = 0, p = 0;
    argv[n++] = (char *)cc;
    argv[n++] = "-o";
    argv[n++] = "obj/heaplab-submission";
    for (size_t i = 0; i < r->files.count; i++) {
        if (!is_source(r->files.names[i]))
            continue;
        paths[p] = NULL;
        text_append(&paths[p], "obj/%s.o", r->files.names[i]);
        argv[n++] = paths[p++];
    }
    argv[n++] = "obj/heaplab-link.o";
    if (fixture)
        argv[n++] = "obj/heaplab-checker-cases.o";
    paths[p] = NULL;
    text_append(&paths[p], "%s/%s", root, plan->child);
    argv[n++] = paths[p++];
    for (size_t i = 0; i < plan->objects_count; i++) {
        const char *object = plan->words[plan->objects + i];
        size_t length = strlen(object), tail = strlen(reference);
        if (tail > 0 && length >= tail &&
            strcmp(object + length - tail, reference) == 0 &&
            (length == tail || object[length - tail - 1] == '/'))
            continue;
        paths[p] = NULL;
        text_append(&paths[p], "%s/%s", root, object);
        argv[n++] = paths[p++];
    }
    for (size_t i = 0; i < plan->libs_count; i++)
        argv[n++] = plan->words[plan->libs + i];
    argv[n] = NULL;
    int rc = run_tool(argv, folder, r->compile_timeout, &said, &ok);
    for (size_t i = 0; i < p; i++)
        free(paths[i]);
    free(paths);
    free(argv);
    if (rc != 0) {
        free(said);
        return -2;
    }
    if (!ok)
        explain_link_error(r, said, root, b);
    free(said);
    return ok ? 0 : -1;
}

int build_submission(const struct rubric *r, const char *root,
                     const char *submission, const char *folder,
                     struct build *b, char *error, size_t error_size)
{
    memset(b, 0, sizeof *b);
    struct link_plan plan;
    if (read_plan(root, &plan, error, error_size) != 0)
        return -1;
    char cc[PATH_MAX];
    if (find_program(plan.cc, cc, sizeof cc) != 0) {
        snprintf(error, error_size, "no C compiler '%s' on PATH", plan.cc);
        free(plan.text);
        return -1;
    }
    char dir[PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/src", folder);
    int made = mkdir(dir, 0755) == 0 || errno == EEXIST;
    snprintf(dir, sizeof dir, "%s/obj", folder);
    made &= mkdir(dir, 0755) == 0 || errno == EEXIST;
    /* the tools write there, as their user */
    if (made && run_as != NULL)
        made = chown(dir, run_as->uid, run_as->gid) == 0;
    snprintf(run_as_tmpdir, sizeof run_as_tmpdir, "%s", dir);
    if (!made) {
        snprintf(error, error_size, "%s: %s", dir, strerror(errno));
        free(plan.text);
        return -1;
    }

    int rc = copy_sources(r, submission, folder, b);
    for (size_t i = 0; rc == 0 && i < r->files.count; i++)
        if (is_source(r->files.names[i]))
            rc = compile_one(r, &plan, cc, root, folder, r->files.names[i], b);
    if (rc == 0)
        rc = check_symbols(r, folder, b);
    if (rc == 0 && r->checker_fixture[0] != '\0') {
        int fixture_rc = compile_fixture(r, &plan, cc, root, folder, error,
                                         error_size);
        if (fixture_rc == -1) {
            free(plan.text);
            return -1;
        }
        rc = fixture_rc;
    }
    if (rc == 0)
        rc = link_program(r, &plan, cc, root, folder, b);
    free(plan.text);
    if (rc == -2) {
        snprintf(error, error_size, "cannot run the compiler %s in %s", cc,
                 folder);
        return -1;
    }
    b->ok = rc == 0;
    snprintf(b->program, sizeof b->program, "%s/obj/heaplab-submission",
             folder);
    return 0;
}

void build_free(struct build *b)
{
    free(b->feedback);
    free(b->warnings);
    b->feedback = b->warnings = NULL;
}

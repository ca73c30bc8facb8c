/*
 * rubric.c -- reading a rubric (see rubric.h), with inih, the small INI
 * parser Debian ships as libinih.
 *
 * One table says every key: its section, its name, what kind of value it
 * takes and where it goes in struct rubric.  A list key may be given on
 * several lines (indented continuation lines, or the key repeated): each
 * adds its space-separated words.  Any other key may be given once.
 */
#include "rubric.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "heaplab/registry.h"
#include "trace.h"

enum key_kind {
    KEY_TEXT,     /* char[RUBRIC_NAME_MAX] */
    KEY_PATH,     /* char[PATH_MAX], resolved later */
    KEY_FILE,     /* char[PATH_MAX], a file, resolved later */
    KEY_LIST,     /* struct rubric_list */
    KEY_POINTS,   /* double >= 0 */
    KEY_FRACTION, /* double in [0, 1]; "55%" is 0.55 */
    KEY_RATIO,    /* double >= 0 */
    KEY_SECONDS,  /* double > 0 */
    KEY_COUNT,    /* unsigned >= 1 */
    KEY_EVERY,    /* unsigned >= 0 */
    KEY_BYTES,    /* size_t > 0, with K/M/G */
    KEY_BOOL,     /* yes/no */
    KEY_VISIBILITY,
};

struct key {
    const char *section;
    const char *name;
    enum key_kind kind;
    size_t offset;
};

#define KEY(section, name, kind, field)                                       \
    {                                                                         \
        section, name, kind, offsetof(struct rubric, field)                   \
    }

static const struct key keys[] = {
    KEY("lab", "name", KEY_TEXT, lab),
    KEY("lab", "files", KEY_LIST, files),
    KEY("lab", "symbol", KEY_TEXT, symbol),
    KEY("lab", "trace_dir", KEY_PATH, trace_dir),
    KEY("lab", "forbid", KEY_LIST, forbid),
    KEY("correctness", "points", KEY_POINTS, correctness_points),
    KEY("correctness", "traces", KEY_LIST, correctness),
    KEY("correctness", "check_heap", KEY_EVERY, check_heap),
    KEY("correctness", "require_checker", KEY_BOOL, require_checker),
    KEY("performance", "traces", KEY_LIST, performance),
    KEY("performance", "reference", KEY_TEXT, reference),
    KEY("performance", "rounds", KEY_COUNT, rounds),
    KEY("performance", "repeat", KEY_COUNT, repeat),
    KEY("utilization", "points", KEY_POINTS, util.points),
    KEY("utilization", "min", KEY_FRACTION, util.min),
    KEY("utilization", "max", KEY_FRACTION, util.max),
    KEY("throughput", "points", KEY_POINTS, throughput.points),
    KEY("throughput", "min", KEY_RATIO, throughput.min),
    KEY("throughput", "max", KEY_RATIO, throughput.max),
    KEY("checker", "points", KEY_POINTS, checker_points),
    KEY("checker", "cases", KEY_LIST, checker_cases),
    KEY("checker", "fixture", KEY_FILE, checker_fixture),
    KEY("limits", "timeout", KEY_SECONDS, timeout),
    KEY("limits", "cpu", KEY_SECONDS, cpu),
    KEY("limits", "memory", KEY_BYTES, memory),
    KEY("limits", "file_size", KEY_BYTES, file_size),
    KEY("limits", "output", KEY_BYTES, output_keep),
    KEY("limits", "compile_timeout", KEY_SECONDS, compile_timeout),
    KEY("limits", "user", KEY_TEXT, user),
    KEY("feedback", "show_output", KEY_BOOL, show_output),
    KEY("feedback", "visibility", KEY_VISIBILITY, visibility),
    KEY("feedback", "stdout_visibility", KEY_VISIBILITY, stdout_visibility),
    KEY("autolab", "correctness", KEY_TEXT, autolab_correctness),
    KEY("autolab", "utilization", KEY_TEXT, autolab_util),
    KEY("autolab", "throughput", KEY_TEXT, autolab_throughput),
    KEY("autolab", "checker", KEY_TEXT, autolab_checker),
};

enum { KEY_COUNT_ALL = sizeof keys / sizeof keys[0] };

/* What the C library's allocator and the real system calls are called:
 * a backend that used them would fool the footprint measurement. */
static const char *const default_forbid[] = {
    "malloc",        "calloc",         "realloc",  "reallocarray", "free",
    "aligned_alloc", "posix_memalign", "memalign", "valloc",       "pvalloc",
    "strdup",        "strndup",        "mmap",     "mmap64",       "munmap",
    "mremap",        "sbrk",           "brk",
};

struct parse {
    struct rubric *rubric;
    unsigned line;                 /* of the line inih is reading */
    unsigned given[KEY_COUNT_ALL]; /* line where each key was set, or 0 */
    int list_touched[KEY_COUNT_ALL];
    char error[RUBRIC_ERROR_MAX];
    unsigned error_line;
};

static int parse_error(struct parse *p, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int parse_error(struct parse *p, const char *format, ...)
{
    if (p->error[0] == '\0') {
        va_list args;
        va_start(args, format);
        vsnprintf(p->error, sizeof p->error, format, args);
        va_end(args);
        p->error_line = p->line;
    }
    return 0; /* inih: stop counting this line as good */
}

/* --- values ------------------------------------------------------------- */

static int parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (errno != 0 || end == text || !isfinite(value))
        return -1;
    if (*end == '%') {
        value /= 100;
        end++;
    }
    if (*end != '\0')
        return -1;
    *out = value;
    return 0;
}

int rubric_parse_bytes(const char *text, size_t *bytes)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || end == text || text[0] == '-')
        return -1;
    unsigned shift = 0;
    switch (toupper((unsigned char)*end)) {
    case 'K':
        shift = 10;
        break;
    case 'M':
        shift = 20;
        break;
    case 'G':
        shift = 30;
        break;
    case '\0':
        break;
    default:
        return -1;
    }
    if (shift != 0) {
        end++;
        if (toupper((unsigned char)*end) == 'I')
            end++;
        if (toupper((unsigned char)*end) == 'B')
            end++;
    }
    if (*end != '\0' || value > (SIZE_MAX >> shift))
        return -1;
    *bytes = (size_t)value << shift;
    return 0;
}

static int parse_bool(const char *text, int *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(text, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(text, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

static int add_words(struct parse *p, const struct key *k,
                     struct rubric_list *list, const char *value)
{
    const char *s = value;
    while (*s != '\0') {
        while (isspace((unsigned char)*s) || *s == ',')
            s++;
        size_t n = 0;
        while (s[n] != '\0' && !isspace((unsigned char)s[n]) && s[n] != ',')
            n++;
        if (n == 0)
            break;
        if (n >= RUBRIC_NAME_MAX)
            return parse_error(p,
                               "[%s] %s: '%.*s...' is longer than %d "
                               "characters",
                               k->section, k->name, 20, s,
                               RUBRIC_NAME_MAX - 1);
        if (list->count == RUBRIC_LIST_MAX)
            return parse_error(p, "[%s] %s: more than %d entries", k->section,
                               k->name, RUBRIC_LIST_MAX);
        memcpy(list->names[list->count], s, n);
        list->names[list->count][n] = '\0';
        list->lines[list->count] = p->line;
        list->count++;
        s += n;
    }
    return 1;
}

static int set_value(struct parse *p, size_t index, const char *value)
{
    const struct key *k = &keys[index];
    void *field = (char *)p->rubric + k->offset;
    double number;
    size_t bytes;
    int flag;
    char *end;
    unsigned long count;

    if (k->kind == KEY_LIST) {
        struct rubric_list *list = field;
        if (!p->list_touched[index]) { /* the file replaces the default */
            list->count = 0;
            p->list_touched[index] = 1;
        }
        return add_words(p, k, list, value);
    }
    if (p->given[index] != 0)
        return parse_error(p, "[%s] %s is given twice (first on line %u)",
                           k->section, k->name, p->given[index]);
    p->given[index] = p->line;

    switch (k->kind) {
    case KEY_TEXT:
        if (strlen(value) >= RUBRIC_NAME_MAX || value[0] == '\0')
            return parse_error(p,
                               "[%s] %s: needs a name of 1 to %d "
                               "characters",
                               k->section, k->name, RUBRIC_NAME_MAX - 1);
        snprintf(field, RUBRIC_NAME_MAX, "%s", value);
        return 1;
    case KEY_PATH:
    case KEY_FILE:
        if (strlen(value) >= PATH_MAX || value[0] == '\0')
            return parse_error(p, "[%s] %s: needs a %s", k->section, k->name,
                               k->kind == KEY_FILE ? "file" : "folder");
        snprintf(field, PATH_MAX, "%s", value);
        return 1;
    case KEY_POINTS:
    case KEY_RATIO:
    case KEY_SECONDS:
    case KEY_FRACTION:
        if (parse_double(value, &number) != 0 || number < 0 ||
            (k->kind == KEY_SECONDS && number == 0) ||
            (k->kind == KEY_FRACTION && number > 1))
            return parse_error(
                p, "[%s] %s: '%s' is not %s", k->section, k->name, value,
                k->kind == KEY_FRACTION  ? "a fraction from 0 to 1 (or 0% "
                                           "to 100%)"
                : k->kind == KEY_SECONDS ? "a positive number of seconds"
                                         : "a number >= 0");
        *(double *)field = number;
        return 1;
    case KEY_COUNT:
    case KEY_EVERY:
        errno = 0;
        count = strtoul(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || value[0] == '-' ||
            count > 1000000 || (k->kind == KEY_COUNT && count == 0))
            return parse_error(p, "[%s] %s: '%s' is not a whole number%s",
                               k->section, k->name, value,
                               k->kind == KEY_COUNT ? " from 1 to 1000000"
                                                    : " from 0 to 1000000");
        *(unsigned *)field = (unsigned)count;
        return 1;
    case KEY_BYTES:
        if (rubric_parse_bytes(value, &bytes) != 0 || bytes == 0)
            return parse_error(p,
                               "[%s] %s: '%s' is not a size (like 4096, "
                               "64K, 512M, 1G)",
                               k->section, k->name, value);
        *(size_t *)field = bytes;
        return 1;
    case KEY_BOOL:
        if (parse_bool(value, &flag) != 0)
            return parse_error(p, "[%s] %s: '%s' is not yes or no", k->section,
                               k->name, value);
        *(int *)field = flag;
        return 1;
    case KEY_VISIBILITY:
        if (strcmp(value, "visible") != 0 && strcmp(value, "hidden") != 0 &&
            strcmp(value, "after_due_date") != 0 &&
            strcmp(value, "after_published") != 0)
            return parse_error(p,
                               "[%s] %s: '%s' is not one of visible, "
                               "hidden, after_due_date, after_published",
                               k->section, k->name, value);
        snprintf(field, 32, "%s", value);
        return 1;
    default:
        return 1;
    }
}

/* inih calls this for every key = value. */
static int on_key(void *user, const char *section, const char *name,
                  const char *value)
{
    struct parse *p = user;
    int known_section = 0;
    for (size_t i = 0; i < KEY_COUNT_ALL; i++) {
        if (strcmp(keys[i].section, section) != 0)
            continue;
        known_section = 1;
        if (strcmp(keys[i].name, name) == 0)
            return set_value(p, i, value);
    }
    if (!known_section)
        return parse_error(p,
                           "unknown section [%s] (sections: lab, "
                           "correctness, performance, utilization, "
                           "throughput, checker, limits, feedback, "
                           "autolab)",
                           section[0] ? section : "");
    return parse_error(p, "[%s] has no key '%s'", section, name);
}

/* inih's line reader: fgets, counting lines and refusing long ones. */
static char *read_line(char *line, int size, void *stream_and_parse)
{
    void **pair = stream_and_parse;
    struct parse *p = pair[1];
    if (fgets(line, size, pair[0]) == NULL)
        return NULL;
    p->line++;
    size_t n = strlen(line);
    if (n == (size_t)size - 1 && line[n - 1] != '\n' && !feof(pair[0])) {
        parse_error(p,
                    "line longer than %d characters: continue a list on "
                    "the next line, indented",
                    size - 2);
        return NULL;
    }
    return line;
}

/* --- defaults and checks ------------------------------------------------ */

static void set_defaults(struct rubric *r)
{
    memset(r, 0, sizeof *r);
    r->correctness_points = 0;
    r->rounds = 5;
    r->repeat = 3;
    snprintf(r->reference, sizeof r->reference, "libc");
    r->util = (struct rubric_scale){.points = 0, .min = 0.5, .max = 0.9};
    r->throughput = (struct rubric_scale){.points = 0, .min = 0.5, .max = 1};
    r->timeout = 20;
    r->cpu = 10;
    r->memory = (size_t)512 << 20;
    r->file_size = (size_t)1 << 20;
    r->output_keep = (size_t)64 << 10;
    r->compile_timeout = 60;
    snprintf(r->user, sizeof r->user, "nobody");
    r->show_output = 1;
    snprintf(r->visibility, sizeof r->visibility, "visible");
    snprintf(r->stdout_visibility, sizeof r->stdout_visibility, "hidden");
    snprintf(r->autolab_correctness, RUBRIC_NAME_MAX, "Correctness");
    snprintf(r->autolab_util, RUBRIC_NAME_MAX, "Utilization");
    snprintf(r->autolab_throughput, RUBRIC_NAME_MAX, "Throughput");
    snprintf(r->autolab_checker, RUBRIC_NAME_MAX, "Checker");
    for (size_t i = 0; i < sizeof default_forbid / sizeof *default_forbid; i++)
        snprintf(r->forbid.names[r->forbid.count++], RUBRIC_NAME_MAX, "%s",
                 default_forbid[i]);
}

static int is_identifier(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

static int fail_at(char error[RUBRIC_ERROR_MAX], const char *path,
                   unsigned line, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* The rubric's last line: where an error about the whole file points
 * (no traces, no points), so that every error names a line. */
static unsigned end_line;

static int fail_at(char error[RUBRIC_ERROR_MAX], const char *path,
                   unsigned line, const char *format, ...)
{
    if (line == 0)
        line = end_line;
    char what[RUBRIC_ERROR_MAX];
    va_list args;
    va_start(args, format);
    vsnprintf(what, sizeof what, format, args);
    va_end(args);
    if (line > 0)
        snprintf(error, RUBRIC_ERROR_MAX, "%.200s:%u: %.290s", path, line,
                 what);
    else
        snprintf(error, RUBRIC_ERROR_MAX, "%.200s: %.300s", path, what);
    return -1;
}

/* The folder of path ("." when it has none). */
static void folder_of(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(out, size, ".");
    else if (slash == path)
        snprintf(out, size, "/");
    else
        snprintf(out, size, "%.*s", (int)(slash - path), path);
}

static int check_lists(struct rubric *r, char error[RUBRIC_ERROR_MAX])
{
    for (size_t i = 0; i < r->files.count; i++) {
        const char *f = r->files.names[i];
        size_t n = strlen(f);
        if (strchr(f, '/') != NULL || f[0] == '.' || n < 3 ||
            (strcmp(f + n - 2, ".c") != 0 && strcmp(f + n - 2, ".h") != 0))
            return fail_at(error, r->path, r->files.lines[i],
                           "[lab] files: '%s' is not a plain NAME.c or "
                           "NAME.h",
                           f);
    }
    struct rubric_list *lists[] = {&r->correctness, &r->performance};
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < lists[l]->count; i++) {
            const char *name = lists[l]->names[i];
            char file[PATH_MAX + RUBRIC_NAME_MAX + 8];
            rubric_trace_path(r, name, file, sizeof file);
            struct stat st;
            if (strchr(name, '/') != NULL || stat(file, &st) != 0 ||
                !S_ISREG(st.st_mode))
                return fail_at(error, r->path, lists[l]->lines[i],
                               "trace '%s': no file %s", name, file);
            struct trace t;
            char why[TRACE_ERROR_MAX];
            if (trace_load(file, &t, why) != 0)
                return fail_at(error, r->path, lists[l]->lines[i],
                               "trace '%s': %s", name, why);
            lists[l]->weights[i] = t.weight;
            trace_free(&t);
            for (size_t j = 0; j < i; j++)
                if (strcmp(lists[l]->names[j], name) == 0)
                    return fail_at(error, r->path, lists[l]->lines[i],
                                   "trace '%s' is listed twice", name);
        }
    }
    return 0;
}

/* The line where [section] name was given, 0 if it was not. */
static unsigned line_of(const struct parse *p, const char *section,
                        const char *name)
{
    for (size_t i = 0; i < KEY_COUNT_ALL; i++)
        if (strcmp(keys[i].section, section) == 0 &&
            strcmp(keys[i].name, name) == 0)
            return p->given[i];
    return 0;
}

/* A path of the rubric, relative to its folder, made absolute and real
 * into out (PATH_MAX bytes); 0, or -1 with errno. */
static int resolve(const char *folder, const char *path, size_t length,
                   char *out)
{
    char joined[PATH_MAX * 2 + 2];
    if (path[0] == '/')
        snprintf(joined, sizeof joined, "%.*s", (int)length, path);
    else
        snprintf(joined, sizeof joined, "%s/%.*s", folder, (int)length, path);
    return realpath(joined, out) != NULL ? 0 : -1;
}

/* trace_dir: the project's traces/, or the folders it lists, in order. */
static int resolve_trace_dirs(struct rubric *r, const struct parse *p,
                              const char *root, const char *folder,
                              char error[RUBRIC_ERROR_MAX])
{
    char given[PATH_MAX];
    if (r->trace_dir[0] == '\0')
        snprintf(given, sizeof given, "%.4000s/traces", root);
    else
        snprintf(given, sizeof given, "%s", r->trace_dir);
    r->trace_dir_count = 0;
    for (const char *s = given; *s != '\0';) {
        s += strspn(s, " \t");
        size_t n = strcspn(s, " \t");
        if (n == 0)
            break;
        if (r->trace_dir_count == RUBRIC_TRACE_DIRS)
            return fail_at(error, r->path, line_of(p, "lab", "trace_dir"),
                           "[lab] trace_dir: more than %d folders",
                           RUBRIC_TRACE_DIRS);
        char *out = r->trace_dirs[r->trace_dir_count];
        if (resolve(folder, s, n, out) != 0)
            return fail_at(error, r->path, line_of(p, "lab", "trace_dir"),
                           "[lab] trace_dir: %.*s: %s", (int)n, s,
                           strerror(errno));
        r->trace_dir_count++;
        s += n;
    }
    snprintf(r->trace_dir, sizeof r->trace_dir, "%s", r->trace_dirs[0]);
    return 0;
}

/* [checker]: cases need their fixture, points need cases. */
static int check_checker(struct rubric *r, const struct parse *p,
                         const char *folder, char error[RUBRIC_ERROR_MAX])
{
    const struct rubric_list *cases = &r->checker_cases;
    if (cases->count == 0 && r->checker_points > 0)
        return fail_at(error, r->path, line_of(p, "checker", "points"),
                       "[checker] points without cases");
    if (cases->count > 0 && r->checker_fixture[0] == '\0')
        return fail_at(error, r->path, cases->lines[0],
                       "[checker] cases without a fixture (the C file "
                       "that defines them)");
    if (r->checker_fixture[0] != '\0') {
        char resolved[PATH_MAX];
        struct stat st;
        if (resolve(folder, r->checker_fixture, strlen(r->checker_fixture),
                    resolved) != 0 ||
            stat(resolved, &st) != 0 || !S_ISREG(st.st_mode))
            return fail_at(error, r->path, line_of(p, "checker", "fixture"),
                           "[checker] fixture: no file %s",
                           r->checker_fixture);
        snprintf(r->checker_fixture, sizeof r->checker_fixture, "%s",
                 resolved);
    }
    for (size_t i = 0; i < cases->count; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(cases->names[i], cases->names[j]) == 0)
                return fail_at(error, r->path, cases->lines[i],
                               "checker case '%s' is listed twice",
                               cases->names[i]);
    return 0;
}

static int check_rubric(struct rubric *r, const struct parse *p,
                        const char *root, char error[RUBRIC_ERROR_MAX])
{
    if (r->lab[0] == '\0') { /* the file's name without .conf */
        const char *base = strrchr(r->path, '/');
        base = base != NULL ? base + 1 : r->path;
        size_t n = strcspn(base, ".");
        snprintf(r->lab, sizeof r->lab, "%.*s", (int)n, base);
    }
    if (r->files.count == 0)
        snprintf(r->files.names[r->files.count++], RUBRIC_NAME_MAX, "%.80s.c",
                 r->lab);
    if (r->symbol[0] == '\0')
        snprintf(r->symbol, sizeof r->symbol, "%.80s_allocator", r->lab);
    if (!is_identifier(r->symbol))
        return fail_at(error, r->path, line_of(p, "lab", "symbol"),
                       "[lab] symbol: '%s' is not a C identifier", r->symbol);

    char folder[PATH_MAX];
    folder_of(r->path, folder, sizeof folder);
    if (resolve_trace_dirs(r, p, root, folder, error) != 0 ||
        check_checker(r, p, folder, error) != 0)
        return -1;

    if (r->correctness.count == 0 && r->performance.count == 0)
        return fail_at(error, r->path, 0,
                       "no traces: give [correctness] "
                       "traces or [performance] traces");
    if (check_lists(r, error) != 0)
        return -1;
    if (r->correctness.count == 0 && r->correctness_points > 0)
        return fail_at(error, r->path, line_of(p, "correctness", "points"),
                       "[correctness] points without traces");
    if (r->performance.count == 0 &&
        (r->util.points > 0 || r->throughput.points > 0))
        return fail_at(error, r->path, 0,
                       "[utilization] or [throughput] "
                       "points without [performance] traces");
    if (!(r->util.min < r->util.max))
        return fail_at(error, r->path, line_of(p, "utilization", "max"),
                       "[utilization] min (%g) must be below max (%g)",
                       r->util.min, r->util.max);
    if (!(r->throughput.min < r->throughput.max))
        return fail_at(error, r->path, line_of(p, "throughput", "max"),
                       "[throughput] min (%g) must be below max (%g)",
                       r->throughput.min, r->throughput.max);
    if (registry_find(r->reference) == NULL)
        return fail_at(error, r->path, line_of(p, "performance", "reference"),
                       "[performance] reference: '%s' is not a backend "
                       "(see 'heaplab list')",
                       r->reference);
    if (rubric_max_points(r) <= 0)
        return fail_at(error, r->path, 0, "the rubric gives no points");
    return 0;
}

int rubric_load(const char *path, const char *root, struct rubric *rubric,
                char error[RUBRIC_ERROR_MAX])
{
    set_defaults(rubric);
    snprintf(rubric->path, sizeof rubric->path, "%s", path);
    end_line = 0; /* "cannot read" has no line */
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return fail_at(error, path, 0, "cannot read: %s", strerror(errno));
    static struct parse p; /* large: kept off the stack */
    memset(&p, 0, sizeof p);
    p.rubric = rubric;
    void *pair[2] = {f, &p};
    int rc = ini_parse_stream(read_line, pair, on_key, &p);
    end_line = p.line > 0 ? p.line : 1;
    fclose(f);
    if (p.error[0] != '\0')
        return fail_at(error, path, p.error_line, "%s", p.error);
    if (rc != 0)
        return fail_at(error, path, rc > 0 ? (unsigned)rc : 0,
                       "not a key = value line (or a [section] line)");
    return check_rubric(rubric, &p, root, error);
}

void rubric_trace_path(const struct rubric *rubric, const char *name,
                       char *out, size_t size)
{
    for (size_t i = 0; i < rubric->trace_dir_count; i++) {
        snprintf(out, size, "%s/%s.rep", rubric->trace_dirs[i], name);
        if (access(out, F_OK) == 0)
            return;
    }
    snprintf(out, size, "%s/%s.rep", rubric->trace_dir, name);
}

double rubric_max_points(const struct rubric *rubric)
{
    return (rubric->correctness.count ? rubric->correctness_points : 0) +
           (rubric->performance.count
                ? rubric->util.points + rubric->throughput.points
                : 0) +
           (rubric->checker_cases.count ? rubric->checker_points : 0);
}

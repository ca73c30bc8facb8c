/*
 * plot_results.c -- reading back the JSON of `heaplab run --format json`
 * (report.h gives its keys) with Jansson, for the plots.
 *
 * Only the keys the plots need are read: per result allocator, trace,
 * status, util, ops_per_sec; per backend in "summary" runs, passed,
 * mean_util, ops_per_sec.  A value of null is NAN.  Backends come out in
 * the lecture's order (the registry's), unknown names after them in the
 * order they appear; traces in the order they appear.
 */
#include "plot.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heaplab/registry.h"

static int load_error(char *error, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static int load_error(char *error, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(error, size, format, args);
    va_end(args);
    return -1;
}

/* A number, or NAN for null; -1 when the value is neither. */
static int read_number(const json_t *value, double *out)
{
    if (value == NULL || json_is_null(value)) {
        *out = NAN;
        return 0;
    }
    if (!json_is_number(value))
        return -1;
    *out = json_number_value(value);
    return 0;
}

/* Index of name in names[0..count), or count. */
static size_t find_name(char *const *names, size_t count, const char *name)
{
    size_t i = 0;
    while (i < count && strcmp(names[i], name) != 0)
        i++;
    return i;
}

/* Is name a registered backend? */
static int registered(const char *name)
{
    return registry_find(name) != NULL;
}

struct name_list {
    char **names;
    size_t count;
};

static int name_add(struct name_list *list, const char *name)
{
    if (find_name(list->names, list->count, name) < list->count)
        return 0;
    char **names = realloc(list->names, (list->count + 1) * sizeof *names);
    if (names == NULL)
        return -1;
    list->names = names;
    if ((names[list->count] = strdup(name)) == NULL)
        return -1;
    list->count++;
    return 0;
}

static const char *string_key(const json_t *object, const char *key)
{
    const json_t *value = json_object_get(object, key);
    return json_is_string(value) ? json_string_value(value) : NULL;
}

/* Fills the backends (sorted) and traces of the results array. */
static int collect_names(const char *path, const json_t *rows,
                         struct plot_results *r, char *error, size_t size)
{
    struct name_list allocators = {0}, traces = {0};
    size_t index;
    const json_t *row;
    json_array_foreach(rows, index, row)
    {
        const char *allocator = string_key(row, "allocator");
        const char *trace = string_key(row, "trace");
        if (!json_is_object(row) || allocator == NULL || trace == NULL) {
            for (size_t i = 0; i < allocators.count; i++)
                free(allocators.names[i]);
            for (size_t i = 0; i < traces.count; i++)
                free(traces.names[i]);
            free(allocators.names);
            free(traces.names);
            return load_error(error, size,
                              "%s: results[%zu] has no \"allocator\" or "
                              "\"trace\" string",
                              path, index);
        }
        if (name_add(&allocators, allocator) != 0 ||
            name_add(&traces, trace) != 0)
            return load_error(error, size, "%s: out of memory", path);
    }
    /* the registry's backends in its order, then the unknown names */
    r->allocators =
        calloc(allocators.count ? allocators.count : 1, sizeof *r->allocators);
    if (r->allocators == NULL)
        return load_error(error, size, "%s: out of memory", path);
    size_t placed = 0;
    for (size_t i = 0; i < registry_count(); i++) {
        size_t at = find_name(allocators.names, allocators.count,
                              registry_at(i)->name);
        if (at < allocators.count)
            r->allocators[placed++].name = allocators.names[at];
    }
    for (size_t i = 0; i < allocators.count; i++)
        if (!registered(allocators.names[i]))
            r->allocators[placed++].name = allocators.names[i];
    for (size_t i = 0; i < allocators.count; i++) {
        r->allocators[i].mean_util = NAN;
        r->allocators[i].ops_per_sec = NAN;
    }
    free(allocators.names);
    r->allocator_count = allocators.count;
    r->traces = traces.names;
    r->trace_count = traces.count;
    return 0;
}

static int read_rows(const char *path, const json_t *rows,
                     struct plot_results *r, char *error, size_t size)
{
    size_t cells = r->trace_count * r->allocator_count;
    r->cells = calloc(cells ? cells : 1, sizeof *r->cells);
    if (r->cells == NULL)
        return load_error(error, size, "%s: out of memory", path);
    size_t index;
    const json_t *row;
    json_array_foreach(rows, index, row)
    {
        size_t t =
            find_name(r->traces, r->trace_count, string_key(row, "trace"));
        size_t a = 0;
        while (strcmp(r->allocators[a].name, string_key(row, "allocator")))
            a++;
        struct plot_cell *cell = &r->cells[t * r->allocator_count + a];
        const char *status = string_key(row, "status");
        cell->present = 1;
        cell->ok = status != NULL && strcmp(status, "ok") == 0;
        if (read_number(json_object_get(row, "util"), &cell->util) != 0 ||
            read_number(json_object_get(row, "ops_per_sec"),
                        &cell->ops_per_sec) != 0)
            return load_error(error, size,
                              "%s: results[%zu]: \"util\" and "
                              "\"ops_per_sec\" must be numbers or null",
                              path, index);
    }
    return 0;
}

static int read_summary(const char *path, const json_t *summary,
                        struct plot_results *r, char *error, size_t size)
{
    if (!json_is_object(summary))
        return load_error(error, size, "%s: no \"summary\" object", path);
    for (size_t a = 0; a < r->allocator_count; a++) {
        struct plot_allocator *p = &r->allocators[a];
        const json_t *s = json_object_get(summary, p->name);
        if (!json_is_object(s))
            return load_error(error, size,
                              "%s: \"summary\" has no entry for \"%s\"", path,
                              p->name);
        const json_t *runs = json_object_get(s, "runs");
        const json_t *passed = json_object_get(s, "passed");
        if (!json_is_integer(runs) || !json_is_integer(passed) ||
            read_number(json_object_get(s, "mean_util"), &p->mean_util) ||
            read_number(json_object_get(s, "ops_per_sec"), &p->ops_per_sec))
            return load_error(error, size,
                              "%s: \"summary\".\"%s\" needs runs, passed, "
                              "mean_util and ops_per_sec",
                              path, p->name);
        p->runs = (size_t)json_integer_value(runs);
        p->passed = (size_t)json_integer_value(passed);
    }
    return 0;
}

int plot_results_load(const char *path, struct plot_results *r, char *error,
                      size_t error_size)
{
    memset(r, 0, sizeof *r);
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return load_error(error, error_size, "%s: cannot read: %s", path,
                          strerror(errno));
    json_error_t json_error;
    json_t *root = json_loadf(in, JSON_REJECT_DUPLICATES, &json_error);
    fclose(in);
    if (root == NULL) {
        if (json_error.line > 0)
            return load_error(error, error_size, "%s:%d: %s", path,
                              json_error.line, json_error.text);
        return load_error(error, error_size, "%s: %s", path, json_error.text);
    }
    const json_t *rows = json_object_get(root, "results");
    int rc;
    if (!json_is_object(root) || !json_is_array(rows))
        rc = load_error(error, error_size,
                        "%s: not the JSON of 'heaplab run --format json' "
                        "(no \"results\" array)",
                        path);
    else if (json_array_size(rows) == 0)
        rc = load_error(error, error_size, "%s: \"results\" is empty", path);
    else
        rc = collect_names(path, rows, r, error, error_size) ||
             read_rows(path, rows, r, error, error_size) ||
             read_summary(path, json_object_get(root, "summary"), r, error,
                          error_size);
    json_decref(root);
    if (rc != 0) {
        plot_results_free(r);
        return -1;
    }
    return 0;
}

void plot_results_free(struct plot_results *r)
{
    for (size_t i = 0; i < r->allocator_count; i++)
        free(r->allocators[i].name);
    for (size_t i = 0; i < r->trace_count; i++)
        free(r->traces[i]);
    free(r->allocators);
    free(r->traces);
    free(r->cells);
    memset(r, 0, sizeof *r);
}

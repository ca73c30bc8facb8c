/*
 * plot_timeline.c -- the plots drawn from the data that `heaplab run
 * --timeline DIR` records (timeline.h) in DIR:
 *
 *   timeline-T-A.dat    footprint and live payload of backend A on trace T
 *   heapmap-T-A.dat     the blocks of A's heap (backends with a walk)
 *
 * become
 *
 *   timeline-T.gp       one footprint curve per backend over the live
 *                       payload, against op number
 *   heapmap-T-A.gp      the heap as a grid of rows, each block coloured by
 *                       payload, overhead or free (heapmap-T-A-grid.dat)
 *
 * A data file is known by its first line (TIMELINE_*_MAGIC), not its name;
 * its '#' lines say which trace and backend it belongs to.
 */
#include "plot.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heaplab/registry.h"
#include "timeline.h"

enum { NAME_MAX_LENGTH = 256 };

struct data_file {
    char file[NAME_MAX_LENGTH]; /* in the plots' folder */
    char trace[NAME_MAX_LENGTH];
    char allocator[NAME_MAX_LENGTH];
    int heapmap; /* else samples */
    uint64_t ops, window, op, footprint, heap_bytes, live_payload;
    int at_peak;
};

struct data_files {
    struct data_file *files;
    size_t count;
};

void plot_timeline_paths(const char *dir, const char *trace,
                         const char *allocator, char *samples, char *heapmap,
                         size_t size)
{
    char t[NAME_MAX_LENGTH], a[NAME_MAX_LENGTH];
    plot_file_name(trace, t, sizeof t);
    plot_file_name(allocator, a, sizeof a);
    snprintf(samples, size, "%s/timeline-%s-%s.dat", dir, t, a);
    snprintf(heapmap, size, "%s/heapmap-%s-%s.dat", dir, t, a);
}

/* --- finding the data -----------------------------------------------------
 */

/* Opens DIR/FILE for reading, or NULL (errno set). */
static FILE *open_data(const char *dir, const char *file)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    return fopen(path, "r");
}

/* Reads the '#' lines of a data file; 0 when it is one of ours. */
static int read_header(const char *dir, const char *name, struct data_file *d)
{
    FILE *in = open_data(dir, name);
    if (in == NULL)
        return -1;
    memset(d, 0, sizeof *d);
    snprintf(d->file, sizeof d->file, "%s", name);
    char line[1024];
    int ours = 0;
    if (fgets(line, sizeof line, in) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        d->heapmap = strcmp(line, TIMELINE_HEAPMAP_MAGIC) == 0;
        ours = d->heapmap || strcmp(line, TIMELINE_SAMPLES_MAGIC) == 0;
    }
    while (ours && fgets(line, sizeof line, in) != NULL && line[0] == '#') {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (tab == NULL)
            continue;
        *tab = '\0';
        const char *key = line + 2, *value = tab + 1;
        uint64_t number = strtoull(value, NULL, 10);
        if (strcmp(key, "trace") == 0)
            snprintf(d->trace, sizeof d->trace, "%s", value);
        else if (strcmp(key, "allocator") == 0)
            snprintf(d->allocator, sizeof d->allocator, "%s", value);
        else if (strcmp(key, "ops") == 0)
            d->ops = number;
        else if (strcmp(key, "window") == 0)
            d->window = number;
        else if (strcmp(key, "op") == 0)
            d->op = number;
        else if (strcmp(key, "when") == 0)
            d->at_peak = strcmp(value, "peak") == 0;
        else if (strcmp(key, "footprint") == 0)
            d->footprint = number;
        else if (strcmp(key, "heap_bytes") == 0)
            d->heap_bytes = number;
        else if (strcmp(key, "live_payload") == 0)
            d->live_payload = number;
    }
    fclose(in);
    return ours && d->trace[0] && d->allocator[0] ? 0 : -1;
}

/* By trace, then by the backends' registry order. */
static int compare_files(const void *x, const void *y)
{
    const struct data_file *a = x, *b = y;
    int c = strcmp(a->trace, b->trace);
    if (c != 0)
        return c;
    int la = plot_line_type(a->allocator), lb = plot_line_type(b->allocator);
    return la != lb ? la - lb : strcmp(a->allocator, b->allocator);
}

static int find_data(const char *dir, const char *only_trace,
                     struct data_files *found)
{
    memset(found, 0, sizeof *found);
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    size_t capacity = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        const char *name = entry->d_name;
        size_t n = strlen(name);
        if (n < 5 || strcmp(name + n - 4, ".dat") != 0 ||
            n >= NAME_MAX_LENGTH ||
            (strncmp(name, "timeline-", 9) != 0 &&
             strncmp(name, "heapmap-", 8) != 0))
            continue;
        struct data_file file;
        if (read_header(dir, name, &file) != 0 ||
            (only_trace != NULL && strcmp(file.trace, only_trace) != 0))
            continue;
        if (found->count == capacity) {
            capacity = capacity ? 2 * capacity : 16;
            struct data_file *files =
                realloc(found->files, capacity * sizeof *files);
            if (files == NULL)
                break;
            found->files = files;
        }
        found->files[found->count++] = file;
    }
    closedir(d);
    if (found->count > 1)
        qsort(found->files, found->count, sizeof *found->files, compare_files);
    return 0;
}

/* --- the timeline ---------------------------------------------------------
 */

/* The largest footprint in a samples file (for the axis unit). */
static uint64_t largest_footprint(const char *dir, const char *file)
{
    FILE *in = open_data(dir, file);
    if (in == NULL)
        return 0;
    char line[256];
    uint64_t largest = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        unsigned long long op, footprint, payload;
        if (sscanf(line, "%llu\t%llu\t%llu", &op, &footprint, &payload) == 3 &&
            footprint > largest)
            largest = footprint;
    }
    fclose(in);
    return largest;
}

/* The unit for an axis up to `largest` bytes. */
static void byte_unit(uint64_t largest, const char **name, double *divisor)
{
    if (largest >= 10u << 20) {
        *name = "MiB";
        *divisor = 1 << 20;
    } else if (largest >= 10u << 10) {
        *name = "KiB";
        *divisor = 1 << 10;
    } else {
        *name = "bytes";
        *divisor = 1;
    }
}

static int compare_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* "15.6 MiB" */
static void format_bytes(uint64_t bytes, char *out, size_t size)
{
    if (bytes >= 1u << 20)
        snprintf(out, size, "%.1f MiB", (double)bytes / (1 << 20));
    else if (bytes >= 1u << 10)
        snprintf(out, size, "%.1f KiB", (double)bytes / (1 << 10));
    else
        snprintf(out, size, "%" PRIu64 " bytes", bytes);
}

/*
 * The top of the y axis.  A backend whose peak is more than OFF_SCALE times
 * the median backend's would flatten every other curve: the axis stops
 * above the others and its legend entry gives its peak.
 */
enum { OFF_SCALE = 4 };

static uint64_t timeline_top(const uint64_t *peaks, size_t count)
{
    uint64_t sorted[64];
    memcpy(sorted, peaks, count * sizeof *peaks);
    qsort(sorted, count, sizeof *sorted, compare_u64);
    uint64_t median = sorted[(count - 1) / 2], top = 0;
    for (size_t i = 0; i < count; i++)
        if (peaks[i] <= OFF_SCALE * median && peaks[i] > top)
            top = peaks[i];
    return top;
}

/* The samples files of one trace: files[0..count), count <= 64. */
static int write_timeline(struct plot_output *o, const struct data_file *files,
                          size_t count, char *error, size_t size)
{
    char trace[NAME_MAX_LENGTH], name[NAME_MAX_LENGTH + 16];
    plot_file_name(files[0].trace, trace, sizeof trace);
    snprintf(name, sizeof name, "timeline-%s", trace);
    uint64_t peaks[64];
    char backends[1024] = "";
    for (size_t i = 0; i < count; i++) {
        peaks[i] = largest_footprint(o->dir, files[i].file);
        size_t used = strlen(backends);
        snprintf(backends + used, sizeof backends - used, "%s%s",
                 i ? ", " : "", files[i].allocator);
    }
    uint64_t top = timeline_top(peaks, count);
    const char *unit;
    double divisor;
    byte_unit(top, &unit, &divisor);

    FILE *out = plot_script_open(o->dir, name,
                                 "heap footprint and live "
                                 "payload against op number, one curve per "
                                 "backend",
                                 error, size);
    if (out == NULL)
        return -1;
    char title[2048], every[64];
    if (files[0].window > 1)
        snprintf(every, sizeof every,
                 "each point: the largest value of %" PRIu64 " ops",
                 files[0].window);
    else
        snprintf(every, sizeof every, "one point per op");
    snprintf(title, sizeof title,
             "Footprint over time on %s: %s\ngrey: the live payload; the "
             "gap above it is fragmentation (%s)",
             files[0].trace, backends, every);
    fputs("set title ", out);
    plot_string(out, title);
    fprintf(out,
            "\nset xlabel \"op number (of %" PRIu64 ")\"\n"
            "set ylabel \"bytes (%s)\"\n"
            "unit = %.0f\n"
            "set xrange [0:%" PRIu64 "]\n"
            "set yrange [0:%.6g]\n"
            "set grid lc rgb \"#d0d0d0\" lw 1 dt solid\n"
            "set key outside right top vertical samplen 2 spacing 1.3\n"
            "set style textbox opaque noborder\n",
            files[0].ops, unit, divisor, files[0].ops ? files[0].ops : 1,
            (double)(top ? top : 1) * 1.1 / divisor);
    for (size_t i = 0, shown = 0; i < count; i++) {
        if (peaks[i] <= top)
            continue;
        char peak[32], label[NAME_MAX_LENGTH + 64];
        format_bytes(peaks[i], peak, sizeof peak);
        snprintf(label, sizeof label, "%s peaks at %s, above this axis",
                 files[i].allocator, peak);
        fputs("set label ", out);
        plot_string(out, label);
        fprintf(out, " at graph 0.98, graph %.2f right front boxed tc lt %d\n",
                0.95 - 0.06 * (double)shown++,
                plot_line_type(files[i].allocator));
    }
    fprintf(out,
            "plot \"%s\" using \"op\":(column(\"payload\") / unit) "
            "with filledcurves x1 lc rgb \"#c0c0c0\" title \"live payload\"",
            files[0].file);
    for (size_t i = 0; i < count; i++) {
        fprintf(out,
                ", \\\n     \"%s\" using \"op\":(column(\"footprint\") "
                "/ unit) with lines lt %d title ",
                files[i].file, plot_line_type(files[i].allocator));
        plot_string(out, files[i].allocator);
    }
    fputc('\n', out);
    char file[NAME_MAX_LENGTH + 32];
    snprintf(file, sizeof file, "%s.gp", name);
    if (plot_file_close(out, o->dir, file, error, size) != 0)
        return -1;
    return plot_draw(o, name);
}

/* --- the heap map ---------------------------------------------------------
 */

enum piece_kind { PIECE_FREE, PIECE_OVERHEAD, PIECE_PAYLOAD };

enum { HEAPMAP_MAX_ROWS = 32, HEAPMAP_MIN_ROW = 64 };

struct grid {
    FILE *out;
    uint64_t row_bytes;
    uint64_t bytes[3]; /* per piece kind */
};

/* [from, to) of the heap as pieces of rows. */
static void grid_piece(struct grid *g, uint64_t from, uint64_t to,
                       enum piece_kind kind, uint64_t block)
{
    if (to <= from)
        return;
    g->bytes[kind] += to - from;
    while (from < to) {
        uint64_t row = from / g->row_bytes;
        uint64_t row_end = (row + 1) * g->row_bytes;
        uint64_t end = to < row_end ? to : row_end;
        fprintf(g->out,
                "%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%d\t%" PRIu64 "\n",
                row, from - row * g->row_bytes, end - row * g->row_bytes,
                (int)kind, block);
        from = end;
    }
}

/* Reads the blocks and writes the grid; the number of blocks, or -1. */
static long write_grid(struct plot_output *o, const struct data_file *d,
                       const char *grid_file, struct grid *g, char *error,
                       size_t size)
{
    FILE *in = open_data(o->dir, d->file);
    if (in == NULL) {
        snprintf(error, size, "%.500s/%.250s: %s", o->dir, d->file,
                 strerror(errno));
        return -1;
    }
    g->out = plot_file_open(o->dir, grid_file, error, size);
    if (g->out == NULL) {
        fclose(in);
        return -1;
    }
    fprintf(g->out,
            "# the heap of %s on %s after op %" PRIu64 ", from %s\n"
            "# cut into rows of %" PRIu64 " bytes; from, to: bytes into "
            "the row; kind: 0 free, 1 overhead (header, footer, padding), "
            "2 payload; block: the block's offset in the heap\n"
            "row\tfrom\tto\tkind\tblock\n",
            d->allocator, d->trace, d->op, d->file, g->row_bytes);
    char line[256];
    long blocks = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        unsigned long long offset, bytes, payload_offset, payload_size;
        int used;
        if (sscanf(line, "%llu\t%llu\t%d\t%llu\t%llu", &offset, &bytes, &used,
                   &payload_offset, &payload_size) != 5)
            continue;
        blocks++;
        uint64_t end = offset + bytes;
        if (!used) {
            grid_piece(g, offset, end, PIECE_FREE, offset);
            continue;
        }
        uint64_t p0 = offset + payload_offset, p1 = p0 + payload_size;
        if (payload_size == 0 || p1 > end)
            p0 = p1 = end;
        grid_piece(g, offset, p0, PIECE_OVERHEAD, offset);
        grid_piece(g, p0, p1, PIECE_PAYLOAD, offset);
        grid_piece(g, p1, end, PIECE_OVERHEAD, offset);
    }
    fclose(in);
    if (plot_file_close(g->out, o->dir, grid_file, error, size) != 0)
        return -1;
    return blocks;
}

static void percent_of(uint64_t part, uint64_t whole, char *out, size_t size)
{
    snprintf(out, size, "%.1f%%",
             whole ? 100.0 * (double)part / (double)whole : 0.0);
}

static int write_heap_map(struct plot_output *o, const struct data_file *d,
                          char *error, size_t size)
{
    char trace[NAME_MAX_LENGTH], allocator[NAME_MAX_LENGTH];
    plot_file_name(d->trace, trace, sizeof trace);
    plot_file_name(d->allocator, allocator, sizeof allocator);
    char name[2 * NAME_MAX_LENGTH + 16], grid_file[2 * NAME_MAX_LENGTH + 32];
    snprintf(name, sizeof name, "heapmap-%s-%s", trace, allocator);
    snprintf(grid_file, sizeof grid_file, "%s-grid.dat", name);

    uint64_t heap = d->heap_bytes ? d->heap_bytes : 1;
    struct grid g = {.row_bytes = HEAPMAP_MIN_ROW};
    while ((heap + g.row_bytes - 1) / g.row_bytes > HEAPMAP_MAX_ROWS)
        g.row_bytes *= 2;
    long blocks = write_grid(o, d, grid_file, &g, error, size);
    if (blocks < 0)
        return -1;
    uint64_t rows = (heap + g.row_bytes - 1) / g.row_bytes;
    const char *unit;
    double divisor;
    byte_unit(g.row_bytes, &unit, &divisor);

    FILE *out = plot_script_open(o->dir, name,
                                 "heap map: the blocks of one "
                                 "backend's heap, from its walk()",
                                 error, size);
    if (out == NULL)
        return -1;
    char when[128], payload[16], overhead[16], free_bytes[16], title[1024];
    if (d->at_peak)
        snprintf(when, sizeof when,
                 "after op %" PRIu64 " of %" PRIu64
                 ", when the footprint peaked",
                 d->op, d->ops);
    else
        snprintf(when, sizeof when, "after op %" PRIu64 " of %" PRIu64, d->op,
                 d->ops);
    percent_of(g.bytes[PIECE_PAYLOAD], d->heap_bytes, payload, sizeof payload);
    percent_of(g.bytes[PIECE_OVERHEAD], d->heap_bytes, overhead,
               sizeof overhead);
    percent_of(g.bytes[PIECE_FREE], d->heap_bytes, free_bytes,
               sizeof free_bytes);
    snprintf(title, sizeof title,
             "Heap map of %s on %s %s\n%ld blocks in a heap of %" PRIu64
             " bytes: %s payload, %s overhead, %s free",
             d->allocator, d->trace, when, blocks, d->heap_bytes, payload,
             overhead, free_bytes);
    fputs("set title ", out);
    plot_string(out, title);
    int lt = plot_line_type(d->allocator);
    char light[8];
    plot_color(lt, 0.6, light);
    char row_size[32];
    if (g.row_bytes >= 1u << 20)
        snprintf(row_size, sizeof row_size, "%" PRIu64 " MiB",
                 g.row_bytes >> 20);
    else if (g.row_bytes >= 1u << 10)
        snprintf(row_size, sizeof row_size, "%" PRIu64 " KiB",
                 g.row_bytes >> 10);
    else
        snprintf(row_size, sizeof row_size, "%" PRIu64 " bytes", g.row_bytes);
    fprintf(out,
            "\nset xlabel \"offset within the row (%s); each row is %s of "
            "the heap\"\n"
            "set ylabel \"offset of the row's start (%s)\"\n"
            "unit = %.0f\n"
            "row_bytes = %" PRIu64 "\n"
            "set xrange [0:row_bytes / unit]\n"
            "set yrange [%" PRIu64 ".5:-0.5]\n"
            "set ytics (",
            unit, row_size, unit, divisor, g.row_bytes, rows - 1);
    uint64_t step = rows > 16 ? 4 : rows > 8 ? 2 : 1;
    for (uint64_t r = 0; r < rows; r += step)
        fprintf(out, "%s\"%.0f\" %" PRIu64, r ? ", " : "",
                (double)(r * g.row_bytes) / divisor, r);
    fprintf(
        out,
        ")\n"
        "set ytics nomirror scale 0\n"
        "set xtics nomirror out\n"
        "set style fill solid 1.0 noborder\n"
        "set key outside bottom center horizontal maxrows 1 "
        "samplen 1.5 height 0.6 width -4\n"
        "# a piece of kind k (2 payload, 1 overhead, 0 free): x from "
        "x0 to x1 on row y\n"
        "x0(k) = column(\"from\") / unit\n"
        "x1(k) = column(\"to\") / unit\n"
        "y(k) = column(\"kind\") == k ? column(\"row\") : NaN\n"
        "half = 0.42  # half the height of a row's strip\n"
        "plot \"%s\" \\\n"
        "       using ((x0(2) + x1(2)) / 2):(y(2)):(x0(2)):(x1(2)):"
        "(y(2) - half):(y(2) + half) \\\n"
        "       with boxxyerror lt %d title \"payload (bytes asked for)\", "
        "\\\n"
        "     '' using ((x0(1) + x1(1)) / 2):(y(1)):(x0(1)):(x1(1)):"
        "(y(1) - half):(y(1) + half) \\\n"
        "       with boxxyerror lc rgb \"%s\" title \"overhead (headers, "
        "padding)\", \\\n"
        "     '' using ((x0(0) + x1(0)) / 2):(y(0)):(x0(0)):(x1(0)):"
        "(y(0) - half):(y(0) + half) \\\n"
        "       with boxxyerror lc rgb \"#c8c8c8\" title \"free block\"\n",
        grid_file, lt, light);
    char file[2 * NAME_MAX_LENGTH + 32];
    snprintf(file, sizeof file, "%s.gp", name);
    if (plot_file_close(out, o->dir, file, error, size) != 0)
        return -1;
    return plot_draw(o, name);
}

/* --- both -----------------------------------------------------------------
 */

/* Is there a heap map of allocator on trace among files? */
static int has_heap_map(const struct data_files *found, const char *trace,
                        const char *allocator)
{
    for (size_t i = 0; i < found->count; i++)
        if (found->files[i].heapmap &&
            strcmp(found->files[i].trace, trace) == 0 &&
            strcmp(found->files[i].allocator, allocator) == 0)
            return 1;
    return 0;
}

/* A file that could not be written (gnuplot's failures are reported by
 * plot_draw, which leaves error empty). */
static int report_error(struct plot_output *o, const char *error)
{
    if (error[0] != '\0') {
        fprintf(stderr, "heaplab: %s\n", error);
        o->failed++;
    }
    return -1;
}

int plot_timelines(struct plot_output *o)
{
    struct data_files found;
    if (find_data(o->dir, o->only_trace, &found) != 0) {
        fprintf(stderr, "heaplab: %s: %s\n", o->dir, strerror(errno));
        o->failed++;
        return -1;
    }
    int rc = 0;
    char error[1024];
    for (size_t i = 0; i < found.count;) {
        /* one trace: its samples files, then its heap maps */
        size_t end = i;
        while (end < found.count &&
               strcmp(found.files[end].trace, found.files[i].trace) == 0)
            end++;
        struct data_file samples[64];
        size_t samples_count = 0;
        for (size_t j = i; j < end; j++)
            if (!found.files[j].heapmap && samples_count < 64)
                samples[samples_count++] = found.files[j];
        error[0] = '\0';
        if (samples_count > 0 && write_timeline(o, samples, samples_count,
                                                error, sizeof error) != 0)
            rc = report_error(o, error);
        for (size_t j = i; j < end; j++) {
            error[0] = '\0';
            if (found.files[j].heapmap &&
                write_heap_map(o, &found.files[j], error, sizeof error) != 0)
                rc = report_error(o, error);
        }
        for (size_t j = 0; j < samples_count; j++) {
            const char *a = samples[j].allocator;
            if (has_heap_map(&found, samples[j].trace, a))
                continue;
            const struct allocator *backend = registry_find(a);
            if (backend != NULL && backend->walk == NULL)
                fprintf(o->out, "  %s has no walk(): no heap map\n", a);
            else
                fprintf(o->out, "  %s: no heap map data for %s\n", a,
                        samples[j].trace);
        }
        i = end;
    }
    free(found.files);
    return rc;
}

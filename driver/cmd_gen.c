/*
 * cmd_gen.c -- `heaplab gen`: write a generated trace (gen.h has the
 * patterns, traces/generated.list the ones the shipped suite holds).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "gen.h"
#include "option_values.h"
#include "trace.h"

static const char GEN_USAGE[] =
    "usage: heaplab gen PATTERN [OPTIONS]\n"
    "       heaplab gen --list\n"
    "\n"
    "Writes a generated trace in the classic CS:APP format (header\n"
    "suggested_heap_size num_ids num_ops weight, then one op a line).  The\n"
    "same pattern, options and seed give the same bytes on every machine.\n"
    "Unless --unbalanced, everything allocated is freed by the end.\n"
    "\n"
    "options:\n"
    "  -n, --count N       the pattern's N: how many blocks it allocates\n"
    "                      (for realloc-grow: how many reallocs; worst,\n"
    "                      binary and coalescing round N up to even; worst\n"
    "                      and binary allocate N/2 more after freeing);\n"
    "                      1 to 10000000, default per pattern (--list)\n"
    "  -s, --size N        bytes of every block (lifo-fixed, fifo-fixed,\n"
    "                      random-fixed) or the unit of the pattern's sizes\n"
    "                      (binary, coalescing, realloc-grow)\n"
    "  -m, --max-size N    largest block of the patterns with random or\n"
    "                      growing sizes (the others in --list)\n"
    "                      sizes: 1 to 4294967296 bytes\n"
    "      --seed S        seed of the random numbers, 0 to 2^64-1, decimal\n"
    "                      or 0x-hex (default 1); patterns without\n"
    "                      randomness ignore it\n"
    "  -u, --unbalanced    leave out the final frees of the blocks still\n"
    "                      live (lifo-*, fifo-* and coalescing free\n"
    "                      everything by design and do not change)\n"
    "  -o, --output FILE   write to FILE (default: standard output)\n"
    "  -l, --list          list the patterns: name, defaults, what it does\n"
    "  -h, --help          this text\n"
    "\n"
    "The random numbers are xoshiro256** seeded through splitmix64, never\n"
    "the C library's rand().  Exit status: 0 written, 2 a usage error or a\n"
    "file that cannot be written.\n";

enum { OPTION_SEED = 256 };

struct gen_settings {
    struct gen_params params;
    int size_given, max_size_given;
    const char *output_path;
    int list;
};

static int usage_error(const char *format, const char *detail)
{
    fputs("heaplab gen: ", stderr);
    fprintf(stderr, format, detail);
    fputs(" (try 'heaplab gen --help')\n", stderr);
    return 2;
}

static void list_patterns(void)
{
    for (size_t i = 0; i < gen_pattern_count(); i++) {
        const struct gen_pattern *p = gen_pattern_at(i);
        char defaults[64];
        snprintf(defaults, sizeof defaults, "-n %zu %s %" PRIu64,
                 p->default_count, p->size_kind == GEN_FIXED ? "-s" : "-m",
                 p->default_size);
        printf("%-14s %-17s %s\n", p->name, defaults, p->summary);
    }
}

static int parse_options(int argc, char **argv, struct gen_settings *s)
{
    static const struct option options[] = {
        {"count", required_argument, NULL, 'n'},
        {"size", required_argument, NULL, 's'},
        {"max-size", required_argument, NULL, 'm'},
        {"seed", required_argument, NULL, OPTION_SEED},
        {"unbalanced", no_argument, NULL, 'u'},
        {"output", required_argument, NULL, 'o'},
        {"list", no_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":n:s:m:uo:lh", options, NULL)) !=
           -1) {
        uint64_t n;
        switch (c) {
        case 'n':
            if (option_number(optarg, 0, 1, GEN_MAX_COUNT, &n) != 0)
                return usage_error("--count needs a number from 1 to "
                                   "10000000, not '%s'",
                                   optarg);
            s->params.count = (size_t)n;
            break;
        case 's':
        case 'm':
            if (option_number(optarg, 0, 1, GEN_MAX_SIZE, &n) != 0)
                return usage_error(c == 's' ? "--size needs a number of "
                                              "bytes from 1 to 4294967296, "
                                              "not '%s'"
                                            : "--max-size needs a number "
                                              "of bytes from 1 to "
                                              "4294967296, not '%s'",
                                   optarg);
            s->params.size = n;
            *(c == 's' ? &s->size_given : &s->max_size_given) = 1;
            break;
        case OPTION_SEED:
            if (option_number(optarg, 1, 0, UINT64_MAX, &n) != 0)
                return usage_error("--seed needs a number from 0 to 2^64-1 "
                                   "(decimal or 0x-hex), not '%s'",
                                   optarg);
            s->params.seed = n;
            break;
        case 'u':
            s->params.unbalanced = 1;
            break;
        case 'o':
            s->output_path = optarg;
            break;
        case 'l':
            s->list = 1;
            break;
        case 'h':
            fputs(GEN_USAGE, stdout);
            return 0;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    return -1; /* go on */
}

/* Checks PATTERN and that its size option is the one given. */
static int find_pattern(int argc, char **argv, const struct gen_settings *s,
                        const struct gen_pattern **pattern)
{
    if (optind == argc) {
        fputs("heaplab gen: missing PATTERN (try 'heaplab gen --list')\n",
              stderr);
        return 2;
    }
    if (optind + 1 < argc)
        return usage_error("one PATTERN only, '%s' is one too many",
                           argv[optind + 1]);
    *pattern = gen_find(argv[optind]);
    if (*pattern == NULL) {
        fprintf(stderr,
                "heaplab gen: unknown pattern '%s' (try 'heaplab gen "
                "--list')\n",
                argv[optind]);
        return 2;
    }
    if (s->size_given && s->max_size_given)
        return usage_error("%s", "give --size or --max-size, not both");
    int fixed = (*pattern)->size_kind == GEN_FIXED;
    if ((fixed && s->max_size_given) || (!fixed && s->size_given)) {
        fprintf(stderr,
                "heaplab gen: %s takes %s, not %s (try 'heaplab gen "
                "--list')\n",
                (*pattern)->name, fixed ? "--size" : "--max-size",
                fixed ? "--max-size" : "--size");
        return 2;
    }
    return -1; /* go on */
}

static int write_trace(const struct trace *trace, const char *path)
{
    FILE *out = path != NULL ? fopen(path, "w") : stdout;
    if (out == NULL) {
        fprintf(stderr, "heaplab gen: %s: cannot write: %s\n", path,
                strerror(errno));
        return 2;
    }
    int failed = trace_write(out, trace) != 0;
    if (path != NULL)
        failed |= fclose(out) != 0;
    if (failed) {
        fprintf(stderr, "heaplab gen: %s: write failed\n",
                path != NULL ? path : "standard output");
        if (path != NULL)
            remove(path);
        return 2;
    }
    return 0;
}

int cmd_gen(int argc, char **argv)
{
    struct gen_settings s = {.params = {.seed = 1}};
    int rc = parse_options(argc, argv, &s);
    if (rc >= 0)
        return rc;
    if (s.list) {
        if (optind < argc)
            return usage_error("--list takes no PATTERN, found '%s'",
                               argv[optind]);
        list_patterns();
        return 0;
    }

    const struct gen_pattern *pattern;
    if ((rc = find_pattern(argc, argv, &s, &pattern)) >= 0)
        return rc;

    struct trace trace;
    char error[256];
    if (gen_make(pattern, &s.params, &trace, error, sizeof error) != 0) {
        fprintf(stderr, "heaplab gen: %s: %s\n", pattern->name, error);
        return 2;
    }
    rc = write_trace(&trace, s.output_path);
    trace_free(&trace);
    return rc;
}

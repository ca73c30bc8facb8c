/*
 * cmd_import.c -- `heaplab import FORMAT LOG`: turn another tool's log of
 * heap calls into a trace.  One format so far: glibc's mtrace() log
 * (mtrace.c); pointers become ids as in `heaplab record`
 * (trace_builder.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "mtrace.h"
#include "trace.h"
#include "trace_builder.h"

static const char IMPORT_USAGE[] =
    "usage: heaplab import mtrace LOG [-o FILE] [-q]\n"
    "\n"
    "Converts LOG, the file glibc's mtrace() writes to $MALLOC_TRACE, into\n"
    "a trace in the classic CS:APP format, on stdout or in FILE.  Each block\n"
    "gets an id of its own; '+' lines become 'a', '<'/'>' pairs 'r', '-'\n"
    "lines 'f'.  Frees of blocks allocated before mtrace() began are\n"
    "counted and left out, as are failed calls.  A summary line goes to\n"
    "stderr.  (With glibc 2.34 and later, mtrace() logs only when\n"
    "libc_malloc_debug.so is preloaded:\n"
    "  LD_PRELOAD=libc_malloc_debug.so.0 MALLOC_TRACE=log ./prog)\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   write the trace to FILE instead of stdout\n"
    "  -q, --quiet         no summary line\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 written, 2 a usage error or a bad log (the message\n"
    "names LOG:LINE).\n";

static int usage_error(const char *message, const char *detail)
{
    fprintf(stderr, "heaplab import: %s%s (try 'heaplab import --help')\n",
            message, detail);
    return 2;
}

static int write_trace(const char *output, struct trace_builder *builder,
                       const struct mtrace_info *info, int quiet)
{
    struct trace trace;
    if (builder_finish(builder, output != NULL ? output : "stdout",
                       &trace) != 0) {
        fprintf(stderr, "heaplab import: out of memory\n");
        return 2;
    }
    FILE *out = output != NULL ? fopen(output, "w") : stdout;
    int failed = out == NULL || trace_write(out, &trace) != 0;
    if (out != NULL && out != stdout && fclose(out) != 0)
        failed = 1;
    if (failed) {
        fprintf(stderr, "heaplab import: %s: cannot write: %s\n",
                output != NULL ? output : "stdout", strerror(errno));
    } else if (!quiet) {
        const struct builder_stats *s = &builder->stats;
        fprintf(stderr,
                "heaplab import: %s: %zu ops, %zu ids, peak %" PRIu64
                " live bytes, %" PRIu64 " unknown frees, %zu blocks live "
                "at the end (%" PRIu64 " lines, %" PRIu64 " sessions)\n",
                output != NULL ? output : "stdout", trace.num_ops,
                trace.num_ids, s->peak_bytes, s->unknown_frees,
                s->live_blocks, info->lines, info->sessions);
    }
    trace_free(&trace);
    return failed ? 2 : 0;
}

int cmd_import(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    int quiet = 0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:qh", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(IMPORT_USAGE, stdout);
            return 0;
        case ':':
            return usage_error("missing value for ", argv[optind - 1]);
        default:
            return usage_error("unknown option ", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return usage_error("expected FORMAT and LOG", "");
    if (strcmp(argv[optind], "mtrace") != 0)
        return usage_error("unknown format: ", argv[optind]);
    const char *log = argv[optind + 1];

    FILE *in = fopen(log, "r");
    if (in == NULL) {
        fprintf(stderr, "heaplab import: %s: cannot open: %s\n", log,
                strerror(errno));
        return 2;
    }
    struct trace_builder builder;
    struct mtrace_info info;
    char error[TRACE_ERROR_MAX];
    builder_init(&builder);
    int status = mtrace_read(log, in, &builder, &info, error);
    fclose(in);
    if (status != 0) {
        fprintf(stderr, "heaplab import: %s\n", error);
        builder_destroy(&builder);
        return 2;
    }
    status = write_trace(output, &builder, &info, quiet);
    builder_destroy(&builder);
    return status;
}

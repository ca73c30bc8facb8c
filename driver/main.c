/*
 * main.c -- bin/heaplab: one program, several subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "optional_backends.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"list", cmd_list, "list the allocator backends"},
    {"run", cmd_run, "replay traces against backends, check and measure"},
    {"step", cmd_step, "step through a trace op by op, watching the heap"},
    {"plot", cmd_plot, "draw the plots of a run with gnuplot"},
    {"bench", cmd_bench, "every backend on both suites; --scaling: by size"},
    {"gen", cmd_gen, "write a generated trace (heaplab gen --list)"},
    {"record", cmd_record, "record a program's heap calls as a trace"},
    {"import", cmd_import, "convert a heap log (glibc mtrace) into a trace"},
    {"exec", cmd_exec, "run a real program with a backend as its malloc"},
    {"grade", cmd_grade, "grade a submission, or a class, by a rubric"},
};

enum { COMMAND_COUNT = sizeof commands / sizeof commands[0] };

static void usage(FILE *out)
{
    fprintf(out, "usage: heaplab COMMAND [ARGS...]\n\ncommands:\n");
    for (int i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'heaplab COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
    optional_backends_load(argv); /* jemalloc, mimalloc, tcmalloc */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (int i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "heaplab: unknown command '%s' (try 'heaplab --help')\n",
            argv[1]);
    return 2;
}

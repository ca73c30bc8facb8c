/*
 * cmd_list.c -- `heaplab list`: every backend, one per line, as
 * NAME<TAB>SUMMARY<TAB>FAMILY, in the registry's order.  Name and summary
 * come first, so scripts that read two columns keep working; the family
 * (lecture, reference, policy, appendix, other) is what -a FAMILY selects.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "heaplab/registry.h"
#include "select.h"

static const char LIST_USAGE[] =
    "usage: heaplab list [-a NAME|FAMILY[,...]]\n"
    "\n"
    "Prints the backends, one per line: NAME<TAB>SUMMARY<TAB>FAMILY, in\n"
    "the registry's order.  The families:\n"
    "\n"
    "  lecture     the lecture's six: minimal pad list dlist bins mmap\n"
    "  reference   production allocators, for comparison (libc, and\n"
    "              jemalloc, mimalloc, tcmalloc when installed; a missing\n"
    "              one is listed as unavailable, with its package)\n"
    "  policy      a lecture backend with another fit policy\n"
    "  appendix    the designs of the lecture's appendix\n"
    "  other       further designs courses compare (bitmap, pool,\n"
    "              simple, ...)\n"
    "\n"
    "options:\n"
    "  -a, --allocator NAME|FAMILY[,...]  list only these (as for\n"
    "                                     'heaplab run -a'; default: all)\n"
    "  -h, --help                         this text\n";

static int usage_error(const char *format, const char *detail)
{
    fputs("heaplab list: ", stderr);
    fprintf(stderr, format, detail);
    fputs(" (try 'heaplab list --help')\n", stderr);
    return 2;
}

int cmd_list(int argc, char **argv)
{
    static const struct option options[] = {
        {"allocator", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *names = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":a:h", options, NULL)) != -1) {
        switch (c) {
        case 'a':
            names = optarg;
            break;
        case 'h':
            fputs(LIST_USAGE, stdout);
            return 0;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);

    struct selection selection;
    char error[256];
    if (select_allocators(names, &selection, error, sizeof error) != 0)
        return usage_error("%s", error);
    for (size_t i = 0, s = 0; i < registry_count(); i++) {
        const struct allocator *a = registry_at(i);
        if (s < selection.count && selection.allocators[s] == a) {
            printf("%s\t%s\t%s\n", a->name, a->summary,
                   registry_family_name(registry_family_of(i)));
            s++;
        }
    }
    select_free(&selection);
    /* The optional ones that are not installed (optional_backends.c). */
    for (size_t i = 0; names == NULL && i < registry_unavailable_count(); i++) {
        const char *summary, *package;
        const char *name = registry_unavailable_at(i, &summary, &package);
        printf("%s\tunavailable: apt-get install %s\t%s\n", name, package,
               registry_family_name(REGISTRY_REFERENCE));
    }
    return 0;
}

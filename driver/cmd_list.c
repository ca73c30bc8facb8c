/* cmd_list.c -- `heaplab list`: every backend, NAME<TAB>SUMMARY. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "heaplab/registry.h"

int cmd_list(int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
            printf("usage: heaplab list\n"
                   "Prints every backend, one per line: NAME<TAB>SUMMARY,\n"
                   "in the lecture's order.\n");
            return 0;
        }
        fprintf(stderr, "heaplab list: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    for (size_t i = 0; i < registry_count(); i++) {
        const struct allocator *a = registry_at(i);
        printf("%s\t%s\n", a->name, a->summary);
    }
    return 0;
}

/*
 * stats_file.h -- the preload libraries' side of the statistics file of
 * `heaplab exec` (exec_stats.h): attach to it, write messages.  Nothing
 * here allocates; all of it may run inside malloc.
 */
#ifndef HEAPLAB_PRELOAD_STATS_FILE_H
#define HEAPLAB_PRELOAD_STATS_FILE_H

#include <stdbool.h>

#include "exec_stats.h"

/*
 * When this process is the one `heaplab exec` started (HEAPLAB_EXEC_TOP)
 * and HEAPLAB_EXEC_STATS names the file: maps it, takes the next image
 * slot, copies `early` (the counts made before) into it with `flags` and
 * this program's name, and returns the slot.  Otherwise NULL.  The caller
 * keeps other threads out.
 */
struct exec_image *stats_attach(const char *backend, uint32_t flags,
                                const struct exec_image *early);

/* True once the C library can read the environment (before its own
 * initialization, early calls from the dynamic loader see none). */
bool stats_environment_ready(void);

/* Writes "libheaplab-BACKEND.so: MESSAGE DETAIL\n" on stderr with write(2). */
void stats_say(const char *backend, const char *message, const char *detail);

#endif /* HEAPLAB_PRELOAD_STATS_FILE_H */

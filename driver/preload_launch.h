/*
 * preload_launch.h -- what `heaplab exec` and `heaplab record` share when
 * they run a program with one of heaplab's libraries in LD_PRELOAD: find
 * the library beside bin/heaplab, and exit as the program did.
 */
#ifndef HEAPLAB_PRELOAD_LAUNCH_H
#define HEAPLAB_PRELOAD_LAUNCH_H

#include <stddef.h>

/*
 * Writes "<top>/lib/<file>" to path, where <top> is the folder above
 * bin/heaplab's (found through /proc/self/exe), and checks that the file
 * can be read and that LD_PRELOAD can name it.  0, or -1 after a one-line
 * message on stderr that starts with `command` ("heaplab exec").  quiet:
 * no message when the file is missing (the other errors still print).
 */
int preload_library_path(const char *command, const char *file, char *path,
                         size_t size, int quiet);

/*
 * The exit code of a program heaplab ran and waited for (status from
 * waitpid): its own code, or, when a signal ended it, that signal raised
 * on heaplab itself (no core dump: the program already wrote one), so that
 * a shell sees the same ending.  128 + the signal when raising returns; 2 for
 * any other status.
 */
int preload_exit_like(int status);

#endif

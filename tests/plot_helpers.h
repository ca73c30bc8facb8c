/*
 * plot_helpers.h -- what the plot and timeline suites share.
 */
#ifndef HEAPLAB_TESTS_PLOT_HELPERS_H
#define HEAPLAB_TESTS_PLOT_HELPERS_H

#include <stddef.h>

/* A fresh scratch folder under /tmp, its name in plot_folder. */
extern char plot_folder[64];
void plot_folder_make(void);
void plot_folder_remove(void);

/* plot_folder/name (a static buffer: use it before the next call). */
char *plot_path(const char *name);

/* The whole file, NUL-terminated (free it); fails the test if missing. */
char *plot_slurp(const char *path);

/* The line of text that starts with key and a tab, copied to out. */
char *plot_data_line(const char *text, const char *key, char *out,
                     size_t size);

/* plot_folder/name is a 1200x700 PNG with a drawing in it. */
void plot_expect_png(const char *name);

#endif /* HEAPLAB_TESTS_PLOT_HELPERS_H */

/*
 * plot_helpers.c -- what the plot and timeline suites share: a scratch
 * folder, reading back what was written, and checking a drawn PNG.
 */
#include "plot_helpers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites.h"

char plot_folder[64];

void plot_folder_make(void)
{
    snprintf(plot_folder, sizeof plot_folder, "/tmp/heaplab-plot-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(plot_folder));
}

void plot_folder_remove(void)
{
    DIR *d = opendir(plot_folder);
    if (d == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", plot_folder, entry->d_name);
        if (entry->d_name[0] != '.')
            unlink(path);
    }
    closedir(d);
    rmdir(plot_folder);
}

char *plot_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", plot_folder, name);
    return path;
}

/* The whole file, NUL-terminated (free it). */
char *plot_slurp(const char *path)
{
    FILE *in = fopen(path, "r");
    ck_assert_msg(in != NULL, "%s is missing", path);
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    rewind(in);
    char *text = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(fread(text, 1, (size_t)size, in), (size_t)size);
    text[size] = '\0';
    fclose(in);
    return text;
}

/* The line of a data file that starts with key and a tab. */
char *plot_data_line(const char *text, const char *key, char *out, size_t size)
{
    size_t n = strlen(key);
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length > n && strncmp(line, key, n) == 0 && line[n] == '\t') {
            snprintf(out, size, "%.*s", (int)length, line);
            return out;
        }
        line += length + (end != NULL);
    }
    ck_abort_msg("no line for '%s' in:\n%s", key, text);
    return NULL;
}

/* A PNG's width and height from its IHDR chunk. */
static void png_size(const char *path, unsigned *width, unsigned *height)
{
    FILE *in = fopen(path, "rb");
    ck_assert_msg(in != NULL, "%s was not drawn", path);
    unsigned char header[24];
    ck_assert_uint_eq(fread(header, 1, sizeof header, in), sizeof header);
    fclose(in);
    ck_assert(memcmp(header, "\x89PNG\r\n\x1a\n", 8) == 0);
    ck_assert(memcmp(header + 12, "IHDR", 4) == 0);
    *width = (unsigned)header[16] << 24 | (unsigned)header[17] << 16 |
             (unsigned)header[18] << 8 | header[19];
    *height = (unsigned)header[20] << 24 | (unsigned)header[21] << 16 |
              (unsigned)header[22] << 8 | header[23];
}

void plot_expect_png(const char *name)
{
    unsigned width, height;
    png_size(plot_path(name), &width, &height);
    ck_assert_uint_eq(width, 1200);
    ck_assert_uint_eq(height, 700);
    struct stat st;
    ck_assert_int_eq(stat(plot_path(name), &st), 0);
    ck_assert_int_gt(st.st_size, 5000); /* a drawing, not an empty image */
}

/*
 * plot_style.c -- what every plot shares: one colour per backend, the
 * terminal, file names, and the opening of each script (see plot.h).
 *
 * style.gp defines gnuplot linetype N for the backend at registry place
 * N - 1 (the lecture's order), so `lt 4` is dlist in every script; names
 * the registry does not know get one of the spare linetypes after them.
 * The colours are the Okabe-Ito palette, which readers with the common
 * colour-vision deficiencies can tell apart, with dark grey for libc,
 * the reference.
 */
#include "plot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heaplab/registry.h"

enum { REGISTRY_TYPES = 32, SPARE_TYPES = 8 };

static const char *const PALETTE[REGISTRY_TYPES + SPARE_TYPES] = {
    /* registry places 0-6: minimal pad list dlist bins mmap libc */
    "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7",
    "#555555",
    /* later registry places */
    "#B8860B", "#882255", "#44AA99", "#332288", "#999933", "#AA4499",
    "#117733", "#88CCEE", "#661100", "#6699CC", "#AA4466", "#4B0092",
    "#33A02C", "#994F00", "#006CD1", "#E1BE6A", "#40B0A6", "#FB9A99",
    "#CAB2D6", "#6A3D9A", "#B15928", "#1F78B4", "#A6CEE3", "#FDBF6F",
    "#E31A1C",
    /* names the registry does not know */
    "#8C564B", "#E377C2", "#BCBD22", "#17BECF", "#9467BD", "#2CA02C",
    "#D62728", "#FF7F0E",
};

int plot_line_type(const char *allocator)
{
    for (size_t i = 0; i < registry_count() && i < REGISTRY_TYPES; i++)
        if (strcmp(registry_at(i)->name, allocator) == 0)
            return (int)i + 1;
    unsigned long hash = 5381; /* djb2: the same spare for the same name */
    for (const unsigned char *p = (const unsigned char *)allocator; *p; p++)
        hash = hash * 33 + *p;
    return REGISTRY_TYPES + 1 + (int)(hash % SPARE_TYPES);
}

void plot_color(int line_type, double tint, char out[8])
{
    if (line_type < 1 || line_type > REGISTRY_TYPES + SPARE_TYPES)
        line_type = 1;
    unsigned rgb = (unsigned)strtoul(PALETTE[line_type - 1] + 1, NULL, 16);
    unsigned channel[3] = {rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff};
    for (int i = 0; i < 3; i++)
        channel[i] += (unsigned)((255 - channel[i]) * tint + 0.5);
    snprintf(out, 8, "#%02X%02X%02X", channel[0] & 0xff, channel[1] & 0xff,
             channel[2] & 0xff);
}

void plot_file_name(const char *name, char *out, size_t size)
{
    size_t n = 0;
    for (; *name && n + 1 < size; name++) {
        char c = *name;
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                   c == '+' || c == '-';
        out[n++] = keep ? c : '_';
    }
    if (size > 0)
        out[n] = '\0';
}

void plot_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        if (*s == '\n')
            fputs("\\n", out); /* a line break in a title */
        else if (*s == '\t')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

static void set_error(char *error, size_t size, const char *dir,
                      const char *name, const char *what)
{
    snprintf(error, size, "%s/%s: %s: %s", dir, name, what, strerror(errno));
}

FILE *plot_file_open(const char *dir, const char *name, char *error,
                     size_t error_size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen(path, "w");
    if (file == NULL)
        set_error(error, error_size, dir, name, "cannot write");
    return file;
}

int plot_file_close(FILE *file, const char *dir, const char *name, char *error,
                    size_t error_size)
{
    int failed = ferror(file) != 0;
    failed |= fclose(file) != 0;
    if (failed)
        set_error(error, error_size, dir, name, "write failed");
    return failed ? -1 : 0;
}

FILE *plot_script_open(const char *dir, const char *name, const char *what,
                       char *error, size_t error_size)
{
    char file_name[512];
    snprintf(file_name, sizeof file_name, "%s.gp", name);
    FILE *out = plot_file_open(dir, file_name, error, error_size);
    if (out == NULL)
        return NULL;
    fprintf(out,
            "# %s.gp -- %s.\n"
            "# Written by heaplab with the data files beside it; to redraw "
            "after an edit:\n"
            "#   gnuplot %s.gp                         -> %s.png\n"
            "#   gnuplot -e 'out_format=\"svg\"' %s.gp   -> %s.svg\n"
            "load \"style.gp\"\n"
            "set output \"%s.\".out_format\n",
            name, what, name, name, name, name, name);
    return out;
}

int plot_style_write(const char *dir, char *error, size_t error_size)
{
    FILE *out = plot_file_open(dir, "style.gp", error, error_size);
    if (out == NULL)
        return -1;
    fputs("# style.gp -- what every heaplab plot script shares: the "
          "terminal\n"
          "# (1200x700, PNG or SVG) and one colour per backend, by its "
          "place in\n"
          "# the registry (the lecture's order).  Edit a colour here and "
          "redraw\n"
          "# with `gnuplot NAME.gp` to change it in every plot.\n"
          "if (!exists(\"out_format\")) out_format = \"png\"\n"
          "if (out_format eq \"svg\") {\n"
          "    set terminal svg size 1200,700 dynamic noenhanced "
          "font \"DejaVu Sans,14\" background rgb \"white\"\n"
          "} else {\n"
          "    set terminal pngcairo size 1200,700 noenhanced "
          "font \"DejaVu Sans,14\" background rgb \"white\"\n"
          "}\n"
          "set datafile separator \"\\t\"\n"
          "set datafile missing \"NaN\"\n"
          "set datafile columnheaders  # each data file's first line "
          "names its columns\n",
          out);
    for (int type = 1; type <= REGISTRY_TYPES + SPARE_TYPES; type++) {
        const char *name = "";
        if (type <= REGISTRY_TYPES && (size_t)type <= registry_count())
            name = registry_at((size_t)type - 1)->name;
        else if (type > REGISTRY_TYPES)
            name = "(a backend the registry does not know)";
        fprintf(out, "set linetype %d lc rgb \"%s\" lw 2.5 pt 7 ps 1.2%s%s\n",
                type, PALETTE[type - 1], *name ? "   # " : "", name);
    }
    return plot_file_close(out, dir, "style.gp", error, error_size);
}

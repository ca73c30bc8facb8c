/*
 * text.c -- cleaning and trimming outside text (see text.h).
 */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *text_trim(const char *in, size_t length, size_t dropped,
                size_t max_lines, size_t max_bytes)
{
    char *out = malloc(max_bytes + 96);
    if (out == NULL)
        return NULL;
    size_t n = 0, lines = 0, i = 0;
    int cut_at_line = 0;
    for (; i < length; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '\r')
            continue;
        if (n == max_bytes)
            break;
        if (c == '\n' && ++lines == max_lines) {
            i++;
            cut_at_line = 1;
            break;
        }
        if (c != '\n' && ((c < 0x20 && c != '\t') || c >= 0x7f))
            c = '?';
        out[n++] = (char)c;
    }
    while (n > 0 && out[n - 1] == '\n')
        n--;
    if (i < length && cut_at_line) {
        size_t more = in[length - 1] != '\n';
        for (size_t j = i; j < length; j++)
            more += in[j] == '\n';
        n += (size_t)snprintf(out + n, 96, "\n[... %zu more line%s%s]", more,
                              more == 1 ? "" : "s",
                              dropped ? ", and more not kept" : "");
    } else if (i < length || dropped > 0) {
        n += (size_t)snprintf(out + n, 96, "\n[... %zu more bytes]",
                              length - i + dropped);
    }
    out[n] = '\0';
    return out;
}

int text_append(char **s, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int extra = vsnprintf(NULL, 0, format, args);
    va_end(args);
    if (extra < 0)
        return -1;
    size_t old = *s != NULL ? strlen(*s) : 0;
    char *grown = realloc(*s, old + (size_t)extra + 1);
    if (grown == NULL)
        return -1;
    va_start(args, format);
    vsnprintf(grown + old, (size_t)extra + 1, format, args);
    va_end(args);
    *s = grown;
    return 0;
}

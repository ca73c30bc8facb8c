/*
 * text.h -- text that came from outside (a compiler, a submission's
 * printout) made fit for a report: plain printable ASCII, so that JSON
 * and terminals take it as it is, and trimmed to a size a person reads.
 */
#ifndef HEAPLAB_GRADING_TEXT_H
#define HEAPLAB_GRADING_TEXT_H

#include <stddef.h>

/*
 * A new string: the first max_lines lines and at most max_bytes bytes of
 * in[0..length), every byte that is not printable ASCII, newline or tab
 * shown as '?', carriage returns dropped, no trailing newline, and, when
 * something was cut (including `dropped` bytes the caller never had), a
 * last line "[... N more lines]" or "[... N more bytes]".  NULL when out
 * of memory.
 */
char *text_trim(const char *in, size_t length, size_t dropped,
                size_t max_lines, size_t max_bytes);

/* Appends formatted text to a growing string (*s may be NULL); 0 or -1. */
int text_append(char **s, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* HEAPLAB_GRADING_TEXT_H */

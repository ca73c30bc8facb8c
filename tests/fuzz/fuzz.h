/*
 * fuzz.h -- what the fuzz targets of tests/fuzz/ share (libFuzzer, see
 * docs/fuzzing.md).  Each target feeds one parser arbitrary bytes and
 * checks what heaplab promises about it: no crash, hang, leak or
 * sanitizer report (the sanitizers and libFuzzer find those), and an
 * input that is rejected gets one line "FILE:LINE: what is wrong".
 */
#ifndef HEAPLAB_FUZZ_H
#define HEAPLAB_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stops the run (libFuzzer saves the input) when a check fails. */
#define FUZZ_ASSERT(condition, ...)                                           \
    do {                                                                      \
        if (!(condition)) {                                                   \
            fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__,          \
                    #condition);                                              \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* Non-zero when message is "FILE:LINE: text": FILE as given, LINE a
 * positive decimal number, then ": " and at least one character. */
static inline int fuzz_has_file_line(const char *message, const char *file)
{
    size_t n = strlen(file);
    if (strncmp(message, file, n) != 0 || message[n] != ':')
        return 0;
    const char *p = message + n + 1;
    if (*p < '1' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return p[0] == ':' && p[1] == ' ' && p[2] != '\0' &&
           strchr(message, '\n') == NULL;
}

#endif /* HEAPLAB_FUZZ_H */

/*
 * option_values.c -- see option_values.h.
 */
#include "option_values.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int option_number(const char *text, int hex, uint64_t low, uint64_t high,
                  uint64_t *value)
{
    int base = 10;
    if (hex && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text += 2;
    }
    if ((base == 10 && (*text < '0' || *text > '9')) ||
        (base == 16 && strchr("0123456789abcdefABCDEF", *text) == NULL) ||
        *text == '\0')
        return -1; /* also refuses the signs and blanks strtoull skips */
    char *end;
    errno = 0;
    unsigned long long parsed = strtoull(text, &end, base);
    if (errno != 0 || *end != '\0' || parsed < low || parsed > high)
        return -1;
    *value = parsed;
    return 0;
}

int option_seconds(const char *text, double *seconds)
{
    if (*text == '\0' || strchr("+- \t\n", *text) != NULL)
        return -1;
    char *end;
    errno = 0;
    double parsed = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !(parsed > 0) || !isfinite(parsed))
        return -1;
    *seconds = parsed;
    return 0;
}

/*
 * option_values.h -- the numbers heaplab's subcommands read from their
 * command lines (counts, seeds, seconds), parsed one way everywhere: the
 * whole text is the number, with no sign, blank or unit that strtoul
 * would skip or stop at.
 */
#ifndef HEAPLAB_OPTION_VALUES_H
#define HEAPLAB_OPTION_VALUES_H

#include <stdint.h>

/* A whole number from low to high, decimal (or 0x-hex when hex is set):
 * 0 and *value set, or -1. */
int option_number(const char *text, int hex, uint64_t low, uint64_t high,
                  uint64_t *value);

/* A positive, finite number of seconds ("2", "0.5", "1e-3"): 0 and
 * *seconds set, or -1. */
int option_seconds(const char *text, double *seconds);

#endif

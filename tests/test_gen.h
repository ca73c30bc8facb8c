/*
 * test_gen.h -- the suite "gen" spans two files: test_gen.c makes it and
 * adds the generator tests, test_gen_command.c adds these test cases (the
 * command line, the shipped traces).
 */
#ifndef HEAPLAB_TEST_GEN_H
#define HEAPLAB_TEST_GEN_H

#include <check.h>

void gen_command_tcases(Suite *suite);

#endif /* HEAPLAB_TEST_GEN_H */

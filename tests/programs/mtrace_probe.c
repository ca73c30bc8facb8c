/*
 * mtrace_probe.c -- calls mtrace(), makes known heap calls, calls
 * muntrace(): tests/test_record.c runs it with MALLOC_TRACE set (and
 * libc_malloc_debug.so preloaded, which glibc 2.34 and later need) and
 * imports the log.
 */
#include <mcheck.h>
#include <stdlib.h>

int main(void)
{
    void *before = malloc(24); /* allocated before tracing: unknown free */
    mtrace();
    char *a = malloc(100);
    char *b = calloc(4, 8);
    a = realloc(a, 5000);
    char *c = realloc(NULL, 40);
    void *failed = realloc(c, (size_t)-1 / 2); /* fails: c stays */
    (void)failed;
    void *gone = realloc(c, 0); /* frees c, returns NULL */
    (void)gone;
    free(b);
    free(before);
    free(NULL);
    free(a);
    malloc(64); /* live at the end */
    muntrace();
    return 0;
}

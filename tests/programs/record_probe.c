/*
 * record_probe.c -- a program with known heap calls, for
 * tests/test_record.c to record with `heaplab record`.
 *
 *   record_probe basic     the calls listed in test_record.c's expected
 *                          trace, between two marker blocks
 *   record_probe threads   a producer thread mallocs, the main thread
 *                          frees (blocks cross threads)
 *   record_probe fork      a forked child allocates CHILD_SIZE
 *   record_probe exec      leaves a block live, then execs "basic"
 *   record_probe exit N    prints to stdout and stderr, exits with N
 *   record_probe kill      prints, then dies of SIGTERM
 *
 * Markers: a block of MARK_BEGIN bytes is allocated and freed before the
 * known calls, one of MARK_END bytes after them, so the test can find them
 * among whatever the C library allocates by itself.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
    MARK_BEGIN = 777777,
    MARK_END = 888888,
    CHILD_SIZE = 3333,
    PARENT_SIZE = 4444,
    EXEC_LEFT_SIZE = 5555,
    THREAD_BLOCKS = 20000,
    THREAD_SIZE = 1111
};

static void mark(size_t size)
{
    void *volatile p = malloc(size);
    free(p);
}

static int fail(const char *what)
{
    fprintf(stderr, "record_probe: %s\n", what);
    return 1;
}

static int basic(void)
{
    mark(MARK_BEGIN);
    char *a = malloc(100);
    char *b = calloc(10, 20);
    a = realloc(a, 300);
    char *c = realloc(NULL, 50);
    if (realloc(c, 0) != NULL) /* glibc: frees c, returns NULL */
        return fail("realloc(p, 0) did not return NULL");
    void *d = NULL;
    if (posix_memalign(&d, 64, 128) != 0 || (uintptr_t)d % 64 != 0)
        return fail("posix_memalign failed");
    void *e = aligned_alloc(32, 64);
    void *f = memalign(128, 40);
    void *g = valloc(10);
    if (malloc_usable_size(a) < 300)
        return fail("malloc_usable_size too small");
    errno = 0;
    void *huge = malloc(SIZE_MAX / 2); /* fails: not an op */
    if (huge != NULL || errno != ENOMEM)
        return fail("malloc(SIZE_MAX / 2) did not fail with ENOMEM");
    free(NULL);
    errno = 1234;
    free(b); /* free keeps errno */
    if (errno != 1234)
        return fail("free changed errno");
    free(a);
    free(d);
    free(e);
    free(f);
    free(g);
    mark(MARK_END);
    printf("basic done\n");
    return 0;
}

/* --- threads: the main thread frees what the producer allocates --------- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    void *slots[64];
    size_t head, tail; /* tail - head blocks wait */
} queue = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0};

static void *producer(void *unused)
{
    (void)unused;
    for (int i = 0; i < THREAD_BLOCKS; i++) {
        void *p = malloc(THREAD_SIZE);
        pthread_mutex_lock(&queue.lock);
        while (queue.tail - queue.head == 64)
            pthread_cond_wait(&queue.changed, &queue.lock);
        queue.slots[queue.tail++ % 64] = p;
        pthread_cond_signal(&queue.changed);
        pthread_mutex_unlock(&queue.lock);
    }
    return NULL;
}

static int threads(void)
{
    pthread_t thread;
    if (pthread_create(&thread, NULL, producer, NULL) != 0)
        return fail("pthread_create failed");
    for (int i = 0; i < THREAD_BLOCKS; i++) {
        pthread_mutex_lock(&queue.lock);
        while (queue.tail == queue.head)
            pthread_cond_wait(&queue.changed, &queue.lock);
        void *p = queue.slots[queue.head++ % 64];
        pthread_cond_signal(&queue.changed);
        pthread_mutex_unlock(&queue.lock);
        free(p);
        free(malloc(THREAD_SIZE + 1)); /* races the producer's mallocs */
    }
    pthread_join(thread, NULL);
    printf("threads done\n");
    return 0;
}

static int forks(void)
{
    void *before = malloc(PARENT_SIZE - 1);
    fflush(stdout);
    pid_t child = fork();
    if (child < 0)
        return fail("fork failed");
    if (child == 0) {
        free(malloc(CHILD_SIZE));
        free(before); /* the parent's block: unknown to the child's trace */
        _exit(0);
    }
    int status;
    if (waitpid(child, &status, 0) != child || status != 0)
        return fail("the child failed");
    free(malloc(PARENT_SIZE));
    free(before);
    printf("fork done\n");
    return 0;
}

static int exec_basic(const char *self)
{
    malloc(EXEC_LEFT_SIZE); /* live at the exec */
    execl(self, self, "basic", (char *)NULL);
    return fail("exec failed");
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "basic";
    if (strcmp(mode, "basic") == 0)
        return basic();
    if (strcmp(mode, "threads") == 0)
        return threads();
    if (strcmp(mode, "fork") == 0)
        return forks();
    if (strcmp(mode, "exec") == 0)
        return exec_basic(argv[0]);
    if (strcmp(mode, "exit") == 0 && argc > 2) {
        printf("to stdout\n");
        fprintf(stderr, "to stderr\n");
        return atoi(argv[2]);
    }
    if (strcmp(mode, "kill") == 0) {
        printf("to stdout\n");
        fflush(stdout);
        raise(SIGTERM);
        return 0;
    }
    return fail("usage: record_probe basic|threads|fork|exec|exit N|kill");
}

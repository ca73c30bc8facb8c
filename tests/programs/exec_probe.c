/*
 * exec_probe.c -- a program for tests/test_exec.c to run under every
 * backend with `heaplab exec`.  Every mode prints what it did on stdout,
 * the same under every backend, and exits 0 when all went as expected
 * (else a message on stderr and exit 1).
 *
 *   exec_probe api        the C allocation interface: alignments,
 *                         malloc_usable_size, errno, overflow, realloc
 *   exec_probe threads    THREADS threads allocate blocks and hand half of
 *                         them to the next thread, which checks and frees
 *   exec_probe forks      a thread allocates without pause while the main
 *                         thread forks children that allocate (fork
 *                         safety); then fork + exec of "exec_probe child"
 *                         and system("echo ...")
 *   exec_probe child      what the exec'd child runs
 *   exec_probe calls      known numbers of calls of each kind, for the
 *                         summary (test_exec.c's CALLS_* numbers)
 *   exec_probe exhaust    lowers RLIMIT_AS, then allocates 1 MiB blocks
 *                         until malloc fails, which must be with ENOMEM
 *   exec_probe badfree    frees a pointer that malloc never returned
 *   exec_probe usable     prints malloc_usable_size(malloc(1)), which
 *                         differs between allocators
 *   exec_probe exit N     prints a line on stdout and one on stderr,
 *                         exits with N
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
    THREADS = 4,
    BLOCKS_PER_THREAD = 20000,
    MAILBOX = 64,
    FORKS = 40,
    CALLS_BLOCKS = 1000, /* malloc'ed, all live at once, then freed */
    CALLS_BLOCK_SIZE = 1000
};

static int failures;

#define CHECK(expr)                                                           \
    ((expr) ? (void)0                                                         \
            : (void)(failures++, fprintf(stderr, "exec_probe:%d: %s\n",       \
                                         __LINE__, #expr)))

static unsigned next_random(unsigned *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

static int aligned_to(const void *p, size_t align)
{
    return (uintptr_t)p % align == 0;
}

/* --- api ----------------------------------------------------------------- */

static void check_aligned_block(void *p, size_t align, size_t size)
{
    CHECK(p != NULL);
    if (p == NULL)
        return;
    CHECK(aligned_to(p, align));
    size_t usable = malloc_usable_size(p);
    CHECK(usable >= size);
    memset(p, 0xa5, usable); /* every usable byte is ours */
    free(p);
}

static void api_alignment(void)
{
    static const size_t sizes[] = {0, 1, 100, 5000, 70000};
    for (size_t align = sizeof(void *); align <= 65536; align *= 2)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            void *p = NULL;
            CHECK(posix_memalign(&p, align, sizes[i]) == 0);
            check_aligned_block(p, align, sizes[i]);
            check_aligned_block(aligned_alloc(align, sizes[i]), align,
                                sizes[i]);
            check_aligned_block(memalign(align, sizes[i]), align, sizes[i]);
        }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    check_aligned_block(valloc(100), page, 100);
    void *p = pvalloc(100);
    CHECK(p != NULL && aligned_to(p, page) && malloc_usable_size(p) >= page);
    free(p);
    check_aligned_block(memalign(48, 100), 64, 100); /* rounds up */
    for (int i = 0; i < 100; i++) /* malloc's own 16 bytes */
        check_aligned_block(malloc((size_t)i * 7), 16, (size_t)i * 7);
}

/* Sizes no allocator can serve, hidden from the compiler's warnings. */
static volatile size_t huge = SIZE_MAX, half = SIZE_MAX / 2;

static void api_errors(void)
{
    void *p = (void *)&p;
    static const size_t bad[] = {0, 3, 12, 24, 100};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 4321;
        CHECK(posix_memalign(&p, bad[i], 10) == EINVAL);
        CHECK(errno == 4321 && p == (void *)&p); /* both untouched */
    }
    errno = 0;
    CHECK(aligned_alloc(3, 10) == NULL && errno == EINVAL);
    errno = 0;
    CHECK(aligned_alloc(0, 10) == NULL && errno == EINVAL);
    errno = 0;
    CHECK(memalign(half + 2, 1) == NULL && errno == EINVAL);
    errno = 0;
    CHECK(malloc(huge) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(malloc(half) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(calloc(half, 4) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(reallocarray(NULL, half, 4) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(posix_memalign(&p, 64, huge - 10) == ENOMEM);
    CHECK(posix_memalign(&p, half + 1, 10) == ENOMEM); /* 2^63 */
    errno = 0;
    CHECK(memalign(half + 1, 10) == NULL && errno == ENOMEM);
    CHECK(malloc_usable_size(NULL) == 0);
    /* Successes and free leave errno alone. */
    errno = 4321;
    p = malloc(10);
    CHECK(p != NULL && errno == 4321);
    free(p);
    CHECK(errno == 4321);
}

static void api_contents(void)
{
    /* calloc zeroes even reused memory. */
    for (int round = 0; round < 20; round++) {
        unsigned char *dirty = malloc(8000);
        CHECK(dirty != NULL);
        memset(dirty, 0xff, 8000);
        free(dirty);
        unsigned char *zero = calloc(1000, 8);
        CHECK(zero != NULL);
        for (size_t i = 0; zero != NULL && i < 8000; i++)
            if (zero[i] != 0) {
                CHECK(zero[i] == 0);
                break;
            }
        free(zero);
    }
    /* realloc keeps the contents, growing, shrinking, moving. */
    unsigned char *p = malloc(100);
    for (int i = 0; i < 100; i++)
        p[i] = (unsigned char)i;
    void *neighbour = malloc(100); /* so that growth moves p */
    p = realloc(p, 100000);
    CHECK(p != NULL);
    for (int i = 0; p != NULL && i < 100; i++)
        CHECK(p[i] == (unsigned char)i);
    p = realloc(p, 50);
    CHECK(p != NULL && malloc_usable_size(p) >= 50);
    for (int i = 0; p != NULL && i < 50; i++)
        CHECK(p[i] == (unsigned char)i);
    p = reallocarray(p, 30, 10);
    CHECK(p != NULL && p[49] == 49);
    CHECK(realloc(p, 0) == NULL); /* frees p, as glibc does */
    free(neighbour);
    /* An over-aligned block keeps its bytes through realloc. */
    unsigned char *a = aligned_alloc(4096, 300);
    CHECK(a != NULL && aligned_to(a, 4096));
    memset(a, 0x3c, 300);
    a = realloc(a, 20000);
    CHECK(a != NULL && a[0] == 0x3c && a[299] == 0x3c);
    free(a);
    /* malloc(0) gives distinct pointers that can be freed. */
    void *z1 = malloc(0), *z2 = malloc(0);
    CHECK(z1 != NULL && z2 != NULL && z1 != z2);
    free(z1);
    free(z2);
}

static int api(void)
{
    api_alignment();
    api_errors();
    api_contents();
    printf("api: %s\n", failures == 0 ? "all checks passed" : "FAILED");
    return failures == 0 ? 0 : 1;
}

/* --- threads ------------------------------------------------------------- */

struct block {
    size_t size;
    unsigned seed; /* the bytes are seed, seed + 1, ... */
};

/* A thread's mailbox: blocks another thread hands it. */
static struct mailbox {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct block *slots[MAILBOX];
    int count;
    int senders_done;
} boxes[THREADS];

static uint64_t checksums[THREADS];

static struct block *make_block(unsigned *state)
{
    size_t size = sizeof(struct block) + next_random(state) % 3000;
    struct block *b;
    switch (next_random(state) % 4) {
    case 0:
        b = calloc(1, size);
        break;
    case 1:
        b = aligned_alloc(64, size);
        break;
    case 2:
        b = realloc(malloc(size / 2), size);
        break;
    default:
        b = malloc(size);
    }
    if (b == NULL) {
        fprintf(stderr, "exec_probe: out of memory\n");
        exit(1);
    }
    b->size = size;
    b->seed = next_random(state);
    unsigned char *bytes = (unsigned char *)(b + 1);
    for (size_t i = 0; i < size - sizeof *b; i++)
        bytes[i] = (unsigned char)(b->seed + i);
    return b;
}

/* Checks and frees a block; returns what it adds to the checksum. */
static uint64_t take_block(struct block *b)
{
    const unsigned char *bytes = (const unsigned char *)(b + 1);
    for (size_t i = 0; i < b->size - sizeof *b; i++)
        if (bytes[i] != (unsigned char)(b->seed + i)) {
            fprintf(stderr, "exec_probe: a block's bytes changed\n");
            exit(1);
        }
    uint64_t sum = b->size * 2654435761u + b->seed;
    free(b);
    return sum;
}

static int drain(int self, int wait);

/* Hands b to the next thread; while its box is full, empties our own, so
 * that a ring of full boxes cannot stop every thread. */
static void post(int self, struct mailbox *box, struct block *b)
{
    pthread_mutex_lock(&box->lock);
    while (box->count == MAILBOX) {
        pthread_mutex_unlock(&box->lock);
        drain(self, 0);
        sched_yield();
        pthread_mutex_lock(&box->lock);
    }
    box->slots[box->count++] = b;
    pthread_cond_broadcast(&box->changed);
    pthread_mutex_unlock(&box->lock);
}

/* Takes every waiting block from our box; returns 0 once the sender is
 * done and the box is empty. */
static int drain(int self, int wait)
{
    struct mailbox *box = &boxes[self];
    pthread_mutex_lock(&box->lock);
    while (wait && box->count == 0 && !box->senders_done)
        pthread_cond_wait(&box->changed, &box->lock);
    int more = box->count > 0 || !box->senders_done;
    while (box->count > 0)
        checksums[self] += take_block(box->slots[--box->count]);
    pthread_cond_broadcast(&box->changed);
    pthread_mutex_unlock(&box->lock);
    return more;
}

static void *worker(void *arg)
{
    int self = (int)(intptr_t)arg;
    unsigned state = 2463534242u + (unsigned)self * 7919u;
    struct mailbox *next = &boxes[(self + 1) % THREADS];
    for (int i = 0; i < BLOCKS_PER_THREAD; i++) {
        struct block *b = make_block(&state);
        if (i % 2 == 0)
            post(self, next, b); /* the next thread frees it */
        else
            checksums[self] += take_block(b);
        if (i % 16 == 0)
            drain(self, 0);
    }
    pthread_mutex_lock(&next->lock);
    next->senders_done = 1;
    pthread_cond_broadcast(&next->changed);
    pthread_mutex_unlock(&next->lock);
    while (drain(self, 1))
        continue;
    return NULL;
}

static int threads(void)
{
    pthread_t ids[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pthread_mutex_init(&boxes[i].lock, NULL);
        pthread_cond_init(&boxes[i].changed, NULL);
    }
    for (int i = 0; i < THREADS; i++)
        if (pthread_create(&ids[i], NULL, worker, (void *)(intptr_t)i) != 0)
            return fprintf(stderr, "exec_probe: pthread_create\n"), 1;
    uint64_t total = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(ids[i], NULL);
        total += checksums[i];
    }
    printf("threads: %d x %d blocks, checksum %llx\n", THREADS,
           BLOCKS_PER_THREAD, (unsigned long long)total);
    return 0;
}

/* --- fork and exec ------------------------------------------------------- */

static volatile int stop_churning;

/* Allocates and frees without pause, so that forks find the heap busy. */
static void *churn(void *arg)
{
    unsigned state = 99991;
    void *kept[64] = {0};
    (void)arg;
    while (!stop_churning) {
        unsigned slot = next_random(&state) % 64;
        free(kept[slot]);
        kept[slot] = malloc(16 + next_random(&state) % 4000);
    }
    for (int i = 0; i < 64; i++)
        free(kept[i]);
    return NULL;
}

/* In a forked child: the heap must work (a lock held by the churning
 * thread at the fork would hang here). */
static int child_allocates(int number)
{
    char *text = malloc(64);
    if (text == NULL)
        return 1;
    snprintf(text, 64, "child %d", number);
    char *copy = strdup(text);
    int ok = copy != NULL && strcmp(copy, text) == 0;
    free(copy);
    free(text);
    return ok ? 0 : 1;
}

static int wait_for(pid_t child)
{
    int status;
    if (child < 0 || waitpid(child, &status, 0) != child)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int forks(const char *self)
{
    pthread_t churner;
    if (pthread_create(&churner, NULL, churn, NULL) != 0)
        return fprintf(stderr, "exec_probe: pthread_create\n"), 1;
    int good = 0;
    for (int i = 0; i < FORKS; i++) {
        pid_t child = fork();
        if (child == 0)
            _exit(child_allocates(i));
        good += wait_for(child) == 0;
    }
    stop_churning = 1;
    pthread_join(churner, NULL);
    printf("forks: %d of %d children allocated\n", good, FORKS);

    char *words = strdup("fork and exec");
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        execl(self, self, "child", words, (char *)NULL);
        _exit(127);
    }
    int status = wait_for(child);
    free(words);
    fflush(stdout);
    int shell = system("echo system: a shell ran");
    printf("exec: child status %d, shell status %d\n", status, shell);
    return good == FORKS && status == 0 && shell == 0 ? 0 : 1;
}

/* The exec'd child: builds, prints and frees a list. */
static int child(const char *words)
{
    struct node {
        struct node *next;
        char text[40];
    } *list = NULL;
    for (int i = 0; i < 1000; i++) {
        struct node *n = malloc(sizeof *n);
        if (n == NULL)
            return 1;
        snprintf(n->text, sizeof n->text, "%s %d", words, i);
        n->next = list;
        list = n;
    }
    printf("child: %s\n", list->text);
    while (list != NULL) {
        struct node *next = list->next;
        free(list);
        list = next;
    }
    return 0;
}

/* --- calls, exhaust, badfree, exit --------------------------------------- */

static int calls(void)
{
    static void *blocks[CALLS_BLOCKS];
    for (int i = 0; i < CALLS_BLOCKS; i++) {
        blocks[i] = malloc(CALLS_BLOCK_SIZE);
        memset(blocks[i], 1, CALLS_BLOCK_SIZE);
    }
    for (int i = 0; i < CALLS_BLOCKS; i++)
        free(blocks[i]);
    void *p = NULL;
    for (int i = 0; i < 3; i++) {
        CHECK(posix_memalign(&p, 256, 100) == 0);
        free(p);
    }
    for (int i = 0; i < 2; i++)
        free(aligned_alloc(128, 100));
    free(memalign(64, 100));
    free(valloc(100));
    free(pvalloc(100));
    p = reallocarray(NULL, 10, 10);
    for (int i = 0; i < 4; i++)
        CHECK(malloc_usable_size(p) >= 100);
    free(p);
    printf("calls: done\n");
    return failures == 0 ? 0 : 1;
}

/* Caps the address space 256 MiB above what is mapped now, so that the
 * mmap backend runs out too (heap backends run out of their reserve). */
static void cap_address_space(void)
{
    unsigned long pages = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (statm != NULL) {
        if (fscanf(statm, "%lu", &pages) != 1)
            pages = 0;
        fclose(statm);
    }
    rlim_t now = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
    struct rlimit limit = {now + (256 << 20), RLIM_INFINITY};
    getrlimit(RLIMIT_AS, &limit); /* keep the hard limit */
    limit.rlim_cur = now + (256 << 20);
    if (now == 0 || setrlimit(RLIMIT_AS, &limit) != 0)
        fprintf(stderr, "exec_probe: cannot cap the address space\n");
}

static int exhaust(void)
{
    enum { MIB = 1 << 20, MOST = 4096 };
    static void *blocks[MOST];
    cap_address_space();
    int count = 0;
    errno = 0;
    while (count < MOST && (blocks[count] = malloc(MIB)) != NULL)
        memset(blocks[count++], 7, MIB);
    int error = errno;
    CHECK(count < MOST);
    CHECK(error == ENOMEM);
    for (int i = 0; i < count; i++)
        free(blocks[i]);
    void *small = malloc(100); /* a failure leaves the heap usable */
    CHECK(small != NULL);
    free(small);
    printf("exhaust: malloc failed with %s after some MiB\n",
           error == ENOMEM ? "ENOMEM" : "something else");
    return failures == 0 ? 0 : 1;
}

static int badfree(void)
{
    static char not_a_block[64] __attribute__((aligned(16)));
    printf("badfree: freeing a static array\n");
    fflush(stdout);
    free(not_a_block + 16);
    return 0; /* not reached under heaplab's backends */
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "api") == 0)
        return api();
    if (strcmp(mode, "threads") == 0)
        return threads();
    if (strcmp(mode, "forks") == 0)
        return forks(argv[0]);
    if (strcmp(mode, "child") == 0 && argc == 3)
        return child(argv[2]);
    if (strcmp(mode, "calls") == 0)
        return calls();
    if (strcmp(mode, "exhaust") == 0)
        return exhaust();
    if (strcmp(mode, "badfree") == 0)
        return badfree();
    if (strcmp(mode, "usable") == 0) {
        void *p = malloc(1);
        printf("usable size of malloc(1): %zu\n", malloc_usable_size(p));
        free(p);
        return 0;
    }
    if (strcmp(mode, "exit") == 0 && argc == 3) {
        printf("to stdout\n");
        fprintf(stderr, "to stderr\n");
        return atoi(argv[2]);
    }
    fprintf(stderr, "usage: exec_probe api|threads|forks|calls|exhaust|"
                    "badfree|usable|exit N\n");
    return 2;
}

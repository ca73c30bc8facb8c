/*
 * placement.c -- the timed window's memory and stack at drawn page
 * offsets (placement.h has the why).
 *
 * A block is mapped PLACEMENT_SPAN bytes larger than it needs, and the
 * pages before and after the drawn offset are unmapped again: only
 * address space is spent on the offset.  The stack is such a block too,
 * entered with swapcontext() rather than by a thread of its own: the
 * window then runs in its caller's thread, with that thread's malloc
 * arena and cache (what the `libc` backend is timed with), and a process
 * that had a single thread keeps it (glibc's malloc takes its locks once
 * a process has had a second one).
 */
#include "placement.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#if defined(__SANITIZE_ADDRESS__)
static const bool MOVE_STACK = false; /* see placement.h */
#else
static const bool MOVE_STACK = true;
#endif

static size_t page_size(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 4096;
}

void placement_seed(struct placement *pl, uint64_t seed)
{
    if (seed == 0 &&
        getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
               ((uint64_t)getpid() << 40);
    }
    rng_seed(&pl->rng, seed);
}

size_t placement_offset(struct placement *pl)
{
    size_t page = page_size();
    return (size_t)rng_below(&pl->rng, PLACEMENT_SPAN / page) * page;
}

void *placed_alloc(struct placement *pl, struct placed *block, size_t size)
{
    size_t page = page_size();
    block->length = size == 0 ? page : (size + page - 1) / page * page;
    block->p = NULL;
    char *map =
        mmap(NULL, block->length + PLACEMENT_SPAN, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    size_t offset = placement_offset(pl);
    if (offset > 0)
        munmap(map, offset);
    if (offset < PLACEMENT_SPAN)
        munmap(map + offset + block->length, PLACEMENT_SPAN - offset);
    block->p = map + offset;
    return block->p;
}

void placed_free(struct placed *block)
{
    if (block->p != NULL)
        munmap(block->p, block->length);
    block->p = NULL;
}

/* swapcontext() hands makecontext's function ints only: the call rides
 * here.  One call at a time (the driver is single-threaded). */
static struct {
    void (*fn)(void *);
    void *arg;
} current;

static void trampoline(void)
{
    current.fn(current.arg);
}

/* fn(arg) on the stack [base, base + PLACEMENT_STACK); whether it ran. */
static int run_on(char *base, void (*fn)(void *), void *arg)
{
    ucontext_t caller, callee;
    if (getcontext(&callee) != 0)
        return 0;
    callee.uc_stack.ss_sp = base;
    callee.uc_stack.ss_size = PLACEMENT_STACK;
    callee.uc_link = &caller;
    current.fn = fn;
    current.arg = arg;
    makecontext(&callee, trampoline, 0);
    /* valgrind takes a jump to another stack for a stack overflow unless
     * told; a no-op when not under valgrind */
    unsigned id = VALGRIND_STACK_REGISTER(base, base + PLACEMENT_STACK);
    int switched = swapcontext(&caller, &callee) == 0;
    VALGRIND_STACK_DEREGISTER(id);
    return switched;
}

int placement_call(struct placement *pl, void (*fn)(void *), void *arg)
{
    size_t page = page_size();
    struct placed stack;
    int switched = 0;
    if (MOVE_STACK &&
        placed_alloc(pl, &stack, page + PLACEMENT_STACK) != NULL) {
        /* a guard page below */
        if (mprotect(stack.p, page, PROT_NONE) == 0)
            switched = run_on((char *)stack.p + page, fn, arg);
        placed_free(&stack);
    }
    if (!switched)
        fn(arg);
    return switched;
}

/* fn in a new thread made with attr (NULL: the library's defaults),
 * waited for; 0, or -1 when it could not be started (fn has not run). */
static int run_thread(const pthread_attr_t *attr, void *(*fn)(void *),
                      void *arg)
{
    pthread_t thread;
    if (pthread_create(&thread, attr, fn, arg) != 0)
        return -1;
    pthread_join(thread, NULL);
    return 0;
}

int placement_thread(struct placement *pl, void *(*fn)(void *), void *arg)
{
    size_t page = page_size();
    struct placed stack;
    pthread_attr_t attr;
    int ran = -1;
    if (placed_alloc(pl, &stack, page + PLACEMENT_STACK) != NULL) {
        if (mprotect(stack.p, page, PROT_NONE) == 0 &&
            pthread_attr_init(&attr) == 0) {
            if (pthread_attr_setstack(&attr, (char *)stack.p + page,
                                      PLACEMENT_STACK) == 0)
                ran = run_thread(&attr, fn, arg);
            pthread_attr_destroy(&attr);
        }
        placed_free(&stack);
    }
    /* where the stack could not be placed, a thread of the library's own */
    return ran == 0 ? 0 : run_thread(NULL, fn, arg);
}

/*
 * record.c -- libheaplab-record.so: records every heap call a program
 * makes, for `heaplab record` (driver/cmd_record.c), which loads it with
 * LD_PRELOAD and turns its log into a trace.
 *
 * What it wraps.  malloc, calloc, realloc, reallocarray, free,
 * posix_memalign, aligned_alloc, memalign, valloc, pvalloc and
 * malloc_usable_size.  Each wrapper calls the next definition of the
 * function (the C library's, found with dlsym(RTLD_NEXT)), then appends
 * one event to the log (preload/record_log.h).  The program gets exactly
 * what the C library gave it; the recorder never changes a result.
 *
 * Where such recorders break, and what this one does:
 *
 *   bootstrap   dlsym itself may call calloc (for its error buffer) before
 *               the real calloc is known.  While the real functions are
 *               being looked up, calls are served from a small static
 *               pool (bootstrap_alloc); free ignores pool pointers, realloc
 *               moves them to the real heap.  They are not recorded.
 *   re-entry    The recorder must not record itself, and the C library may
 *               call malloc from inside a wrapped call.  A thread-local
 *               flag (in_recorder, initial-exec TLS so that reading it
 *               never allocates) makes every nested call go straight to
 *               the real function.
 *   early calls Calls that come before the constructor (from other
 *               libraries' constructors) start the recorder themselves:
 *               whichever comes first, call or constructor, runs
 *               recorder_start once, under a lock.
 *   threads     One mutex is held around the real call and its event, so
 *               the log's order is the order the calls took effect: a
 *               block freed in one thread and handed out again in another
 *               appears as free, then malloc.  The price is that the
 *               recorded program's heap calls never run in parallel.
 *   fork        A pthread_atfork handler: the child no longer writes its
 *               parent's log.  With HEAPLAB_RECORD_TOP set (heaplab's
 *               default) only that process records and the child goes
 *               silent; without it, the child starts DIR/CHILDPID.log.
 *               (A vfork child shares the parent's memory and is not told
 *               apart; it should not allocate anyway.)
 *   exec        The pid stays; the new image opens the same DIR/PID.log,
 *               finds it in use and appends after a RECORD_IMAGE event.
 *               Because the log is a MAP_SHARED file mapping, nothing has
 *               to be flushed before exec, exit, abort or a fatal signal.
 *   fds         A program that closes descriptors it did not open (and
 *               reuses their numbers) cannot make the recorder write into
 *               its files: record_file.c checks the file before growing
 *               it, and opens it again by name when needed.
 *   errno       Every wrapper leaves errno as the real call left it; free
 *               leaves it unchanged.
 *   memory      The recorder never calls malloc: the log is a file
 *               mapping (record_file.c), its path a static buffer, its
 *               numbers formatted by hand; it makes only system calls.
 *
 * When HEAPLAB_RECORD_DIR is not set, or the log cannot be made, the
 * wrappers only pass the calls on.  Nothing is ever printed: the program's
 * output stays its own.
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record_file.h"
#include "record_log.h"

/* Exported names are the wrapped functions; everything else is hidden. */
#define EXPORT __attribute__((visibility("default")))

/* The static pool that serves calls made while dlsym runs. */
enum { BOOTSTRAP_BYTES = 64 * 1024, BOOTSTRAP_ALIGN = 16 };

enum recorder_state {
    STATE_NEW,       /* recorder_start has not run */
    STATE_RECORDING, /* this process writes a log */
    STATE_OFF        /* pass calls on, record nothing */
};

struct real_functions {
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void *(*reallocarray)(void *, size_t, size_t);
    void (*free)(void *);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    void *(*memalign)(size_t, size_t);
    void *(*valloc)(size_t);
    void *(*pvalloc)(size_t);
    size_t (*malloc_usable_size)(void *);
};

/*
 * All state.  Invariants:
 *     state == STATE_RECORDING  =>  the log file is open (record_file.c)
 *     real.malloc != NULL       =>  every real function has been looked up
 *     pool_used <= BOOTSTRAP_BYTES
 */
static struct {
    _Atomic int state;
    pthread_mutex_t lock;       /* held around a real call and its event */
    pthread_mutex_t start_lock; /* held while recorder_start runs */
    struct real_functions real;
    uint32_t threads;  /* thread numbers handed out */
    int all_processes; /* HEAPLAB_RECORD_TOP was unset at the start */
    char folder[4096]; /* HEAPLAB_RECORD_DIR, kept for forked children */
    alignas(BOOTSTRAP_ALIGN) unsigned char pool[BOOTSTRAP_BYTES];
    size_t pool_used;
} recorder = {
    .state = STATE_NEW,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .start_lock = PTHREAD_MUTEX_INITIALIZER,
};

/* Non-zero while this thread is inside the recorder. */
static _Thread_local int in_recorder __attribute__((tls_model("initial-exec")));
/* This thread's number in events; 0 until its first event. */
static _Thread_local uint32_t thread_number
    __attribute__((tls_model("initial-exec")));

/* --- the bootstrap pool -------------------------------------------------- */

/* Each pool block is a size word, padding, then the payload. */
static void *bootstrap_alloc(size_t size, size_t align)
{
    if ((align & (align - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    if (align < BOOTSTRAP_ALIGN)
        align = BOOTSTRAP_ALIGN;
    size_t start = recorder.pool_used + sizeof(size_t);
    start = (start + align - 1) & ~(align - 1);
    if (size > BOOTSTRAP_BYTES || start > BOOTSTRAP_BYTES - size) {
        errno = ENOMEM;
        return NULL;
    }
    memcpy(recorder.pool + start - sizeof(size_t), &size, sizeof size);
    recorder.pool_used = start + size;
    return recorder.pool + start; /* static, so already zero */
}

static int from_pool(const void *p)
{
    const unsigned char *byte = p;
    return byte >= recorder.pool && byte < recorder.pool + BOOTSTRAP_BYTES;
}

static size_t pool_size(const void *p)
{
    size_t size;
    memcpy(&size, (const unsigned char *)p - sizeof size, sizeof size);
    return size;
}

/* Appends one event; the caller holds recorder.lock.  A full log stops
 * the recording. */
static void log_event(uint32_t kind, const void *result, uintptr_t arg,
                      uint64_t size)
{
    if (thread_number == 0)
        thread_number = ++recorder.threads;
    struct record_event event = {
        .kind = kind,
        .thread = thread_number,
        .result = (uint64_t)(uintptr_t)result,
        .arg = (uint64_t)arg,
        .size = size,
    };
    if (record_file_append(&event) != 0)
        atomic_store(&recorder.state, STATE_OFF);
}

/* --- starting, fork ------------------------------------------------------ */

static void fork_prepare(void)
{
    pthread_mutex_lock(&recorder.lock);
}

static void fork_parent(void)
{
    pthread_mutex_unlock(&recorder.lock);
}

/* In the child: stop writing the parent's log; maybe start our own. */
static void fork_child(void)
{
    pthread_mutex_init(&recorder.lock, NULL);
    if (atomic_load(&recorder.state) != STATE_RECORDING)
        return;
    record_file_close();
    recorder.threads = 0;
    thread_number = 0;
    int record = recorder.all_processes &&
                 record_file_open(recorder.folder, getpid()) == 0;
    atomic_store(&recorder.state, record ? STATE_RECORDING : STATE_OFF);
    if (record)
        log_event(RECORD_IMAGE, NULL, 0, 0);
}

/* Reads the environment once: a program may change it later. */
static void read_environment(void)
{
    const char *folder = getenv(RECORD_ENV_DIR);
    size_t length = folder != NULL ? strlen(folder) : 0;
    if (length < sizeof recorder.folder)
        memcpy(recorder.folder, folder != NULL ? folder : "", length + 1);
    recorder.all_processes = getenv(RECORD_ENV_TOP) == NULL;
}

/* Is this process the one to record? */
static int chosen_process(pid_t pid)
{
    const char *top = getenv(RECORD_ENV_TOP);
    if (top == NULL)
        return 1;
    uint64_t wanted = 0;
    for (; *top >= '0' && *top <= '9'; top++)
        wanted = wanted * 10 + (uint64_t)(*top - '0');
    return wanted == (uint64_t)pid;
}

/* dlsym's void * copied into a function pointer, as POSIX allows (a cast
 * between the two is not ISO C). */
static void lookup(void *function_pointer, size_t size, const char *name)
{
    void *address = dlsym(RTLD_NEXT, name);
    memcpy(function_pointer, &address, size);
}

#define LOOKUP(name)                                                        \
    lookup(&recorder.real.name, sizeof recorder.real.name, #name)

static void find_real_functions(void)
{
    /* Calls made while these run see in_recorder set and no real
     * function yet, and are served from the pool. */
    LOOKUP(malloc);
    LOOKUP(calloc);
    LOOKUP(realloc);
    LOOKUP(reallocarray);
    LOOKUP(free);
    LOOKUP(posix_memalign);
    LOOKUP(aligned_alloc);
    LOOKUP(memalign);
    LOOKUP(valloc);
    LOOKUP(pvalloc);
    LOOKUP(malloc_usable_size);
    if (recorder.real.malloc == NULL || recorder.real.free == NULL ||
        recorder.real.calloc == NULL || recorder.real.realloc == NULL) {
        static const char message[] =
            "libheaplab-record.so: cannot find the C library's malloc\n";
        ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
        (void)ignored;
        abort();
    }
}

/* Runs once, at the first call or in the constructor, whichever is first. */
static void recorder_start(void)
{
    int saved_errno = errno;
    in_recorder = 1;
    pthread_mutex_lock(&recorder.start_lock);
    if (atomic_load(&recorder.state) == STATE_NEW) {
        find_real_functions();
        read_environment();
        pid_t pid = getpid();
        int record = chosen_process(pid) &&
                     record_file_open(recorder.folder, pid) == 0;
        if (record) {
            pthread_atfork(fork_prepare, fork_parent, fork_child);
            log_event(RECORD_IMAGE, NULL, 0, 0);
        }
        atomic_store(&recorder.state, record ? STATE_RECORDING : STATE_OFF);
    }
    pthread_mutex_unlock(&recorder.start_lock);
    in_recorder = 0;
    errno = saved_errno;
}

__attribute__((constructor)) static void recorder_constructor(void)
{
    if (atomic_load(&recorder.state) == STATE_NEW)
        recorder_start();
}

/*
 * Every wrapper:  if (enter()) { real call; event; leave(); }
 *                 else         { pass the call on }
 * enter() returns 1 with the lock held and in_recorder set.
 */
static int enter(void)
{
    if (in_recorder)
        return 0;
    if (atomic_load_explicit(&recorder.state, memory_order_acquire) ==
        STATE_NEW)
        recorder_start();
    if (atomic_load(&recorder.state) != STATE_RECORDING)
        return 0;
    in_recorder = 1;
    pthread_mutex_lock(&recorder.lock);
    if (atomic_load(&recorder.state) == STATE_RECORDING)
        return 1;
    pthread_mutex_unlock(&recorder.lock); /* stopped while we waited */
    in_recorder = 0;
    return 0;
}

static void leave(void)
{
    pthread_mutex_unlock(&recorder.lock);
    in_recorder = 0;
}

/* --- the wrappers -------------------------------------------------------- */

EXPORT void *malloc(size_t size)
{
    if (!enter())
        return recorder.real.malloc != NULL ? recorder.real.malloc(size)
                                            : bootstrap_alloc(size, 0);
    void *p = recorder.real.malloc(size);
    int saved_errno = errno;
    log_event(RECORD_MALLOC, p, 0, size);
    leave();
    errno = saved_errno;
    return p;
}

EXPORT void *calloc(size_t count, size_t size)
{
    if (!enter()) {
        if (recorder.real.calloc != NULL)
            return recorder.real.calloc(count, size);
        if (size != 0 && count > SIZE_MAX / size) {
            errno = ENOMEM;
            return NULL;
        }
        return bootstrap_alloc(count * size, 0);
    }
    void *p = recorder.real.calloc(count, size);
    int saved_errno = errno;
    uint64_t bytes = size != 0 && count > UINT64_MAX / size
                         ? UINT64_MAX
                         : (uint64_t)count * size;
    log_event(RECORD_CALLOC, p, 0, bytes);
    leave();
    errno = saved_errno;
    return p;
}

/* realloc of a pool block: a fresh real block (recorded as a malloc). */
static void *move_from_pool(void *old, size_t size)
{
    if (size == 0)
        return NULL; /* realloc(p, 0) frees; pool blocks need no free */
    void *p = malloc(size);
    if (p != NULL) {
        size_t old_size = pool_size(old);
        memcpy(p, old, old_size < size ? old_size : size);
    }
    return p;
}

EXPORT void *realloc(void *old, size_t size)
{
    if (old != NULL && from_pool(old))
        return move_from_pool(old, size);
    if (!enter())
        return recorder.real.realloc != NULL
                   ? recorder.real.realloc(old, size)
                   : bootstrap_alloc(size, 0);
    void *p = recorder.real.realloc(old, size);
    int saved_errno = errno;
    log_event(RECORD_REALLOC, p, (uintptr_t)old, size);
    leave();
    errno = saved_errno;
    return p;
}

EXPORT void *reallocarray(void *old, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    if (old != NULL && from_pool(old))
        return move_from_pool(old, count * size);
    if (!enter()) {
        if (recorder.real.reallocarray != NULL)
            return recorder.real.reallocarray(old, count, size);
        return recorder.real.realloc != NULL
                   ? recorder.real.realloc(old, count * size)
                   : bootstrap_alloc(count * size, 0);
    }
    void *p = recorder.real.reallocarray != NULL
                  ? recorder.real.reallocarray(old, count, size)
                  : recorder.real.realloc(old, count * size);
    int saved_errno = errno;
    log_event(RECORD_REALLOCARRAY, p, (uintptr_t)old, (uint64_t)count * size);
    leave();
    errno = saved_errno;
    return p;
}

EXPORT void free(void *p)
{
    if (p != NULL && from_pool(p))
        return;
    int saved_errno = errno;
    if (!enter()) {
        if (recorder.real.free != NULL) /* else: a pointer from before */
            recorder.real.free(p);
    } else {
        recorder.real.free(p);
        log_event(RECORD_FREE, NULL, (uintptr_t)p, 0);
        leave();
    }
    errno = saved_errno;
}

EXPORT int posix_memalign(void **result, size_t align, size_t size)
{
    if (!enter()) {
        if (recorder.real.posix_memalign != NULL)
            return recorder.real.posix_memalign(result, align, size);
        void *p = bootstrap_alloc(size, align);
        if (p == NULL)
            return ENOMEM;
        *result = p;
        return 0;
    }
    int saved_errno = errno;
    int status = recorder.real.posix_memalign(result, align, size);
    log_event(RECORD_POSIX_MEMALIGN, status == 0 ? *result : NULL, align,
              size);
    leave();
    errno = saved_errno;
    return status;
}

/* aligned_alloc and memalign are alike: which is which, after enter(). */
static void *(*real_aligned(uint32_t kind))(size_t, size_t)
{
    return kind == RECORD_ALIGNED_ALLOC ? recorder.real.aligned_alloc
                                        : recorder.real.memalign;
}

static void *aligned_call(uint32_t kind, size_t align, size_t size)
{
    if (!enter())
        return real_aligned(kind) != NULL ? real_aligned(kind)(align, size)
                                          : bootstrap_alloc(size, align);
    void *p = real_aligned(kind)(align, size);
    int saved_errno = errno;
    log_event(kind, p, align, size);
    leave();
    errno = saved_errno;
    return p;
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
    return aligned_call(RECORD_ALIGNED_ALLOC, align, size);
}

EXPORT void *memalign(size_t align, size_t size)
{
    return aligned_call(RECORD_MEMALIGN, align, size);
}

static size_t page_size(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 4096;
}

EXPORT void *valloc(size_t size)
{
    if (!enter())
        return recorder.real.valloc != NULL
                   ? recorder.real.valloc(size)
                   : bootstrap_alloc(size, page_size());
    void *p = recorder.real.valloc(size);
    int saved_errno = errno;
    log_event(RECORD_VALLOC, p, page_size(), size);
    leave();
    errno = saved_errno;
    return p;
}

EXPORT void *pvalloc(size_t size)
{
    size_t page = page_size();
    size_t rounded = size <= SIZE_MAX - page ? (size + page - 1) & ~(page - 1)
                                             : SIZE_MAX;
    if (!enter())
        return recorder.real.pvalloc != NULL
                   ? recorder.real.pvalloc(size)
                   : bootstrap_alloc(rounded, page);
    void *p = recorder.real.pvalloc(size);
    int saved_errno = errno;
    log_event(RECORD_PVALLOC, p, page, rounded);
    leave();
    errno = saved_errno;
    return p;
}

EXPORT size_t malloc_usable_size(void *p)
{
    if (p != NULL && from_pool(p))
        return pool_size(p);
    if (!enter())
        return recorder.real.malloc_usable_size != NULL
                   ? recorder.real.malloc_usable_size(p)
                   : 0;
    size_t size = recorder.real.malloc_usable_size(p);
    int saved_errno = errno;
    log_event(RECORD_USABLE_SIZE, NULL, (uintptr_t)p, size);
    leave();
    errno = saved_errno;
    return size;
}

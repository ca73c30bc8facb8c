/*
 * layer.c -- libheaplab-NAME.so: a heaplab backend as the malloc of a real,
 * unmodified program (`heaplab exec -a NAME -- COMMAND`, which loads this
 * library with LD_PRELOAD).
 *
 * The Makefile compiles this file once per backend with EXEC_NAME=STEM,
 * the stem of the backend's file (its vtable is STEM_allocator), and links
 * it with that file, memlib and verify, all with hidden visibility: only
 * the C interface below is exported, and a program's symbols never meet
 * heaplab's.
 *
 * What it adds over the vtable.  A backend offers malloc, free and maybe
 * realloc for 16-byte alignment.  A C program expects eleven functions
 * with errno set, larger alignments, and the size of any block.  This
 * layer provides them with one 16-byte header of its own in front of
 * every block it hands out:
 *
 *     backend block (from vtable malloc, 16-byte aligned)
 *     v
 *     | padding (over-aligned only) | size | offset | payload ...     |
 *                                   \_ header ____/ ^ what the program gets
 *
 *   size     the bytes asked for: malloc_usable_size's answer, and what
 *            realloc copies when the backend has no realloc (minimal, pad)
 *   offset   payload - backend block: 16, or more for an over-aligned
 *            block; 0 once the block is freed, so a second free of it is
 *            caught while the backend has not reused the bytes.
 *
 * Over-aligned blocks (posix_memalign, aligned_alloc, memalign, valloc,
 * pvalloc with an alignment A > 16).  The layer asks the backend for
 * size + A bytes and places the payload at the first multiple of A at
 * least 16 bytes into the block; since the backend's block is 16-byte
 * aligned, that is at most A bytes in, so the payload always fits.  The
 * header in front of the payload records the distance, and free hands the
 * backend its own pointer back.  The backend never learns of alignments.
 * Cost: up to A - 16 bytes of padding per over-aligned block (glibc gives
 * the padding back as free chunks; a layer over a vtable cannot).  realloc
 * of an over-aligned block returns a 16-byte aligned one, as glibc's does.
 *
 * Costs.  16 bytes per block, in the footprint like the backend's own
 * overhead.  One mutex around every call (the backends are single-threaded).
 *
 * Edge cases as in glibc: malloc(0) returns a unique pointer; realloc(p, 0)
 * frees p and returns NULL; requests above PTRDIFF_MAX fail.  Failures give
 * NULL and ENOMEM (EINVAL for a bad alignment; posix_memalign returns the
 * error, errno untouched); successes leave errno as it was.
 *
 * Where preload libraries break, and what this one does:
 *
 *   early calls  The dynamic loader and other libraries' constructors may
 *                call malloc before this library's constructor.  The first
 *                call, whichever it is, sets up the heap under the lock
 *                (start): memlib reserves its region with mmap, the backend
 *                runs init.  Nothing here calls malloc, and no thread-local
 *                storage is used, so there is nothing to bootstrap.
 *   threads      One mutex around the backend and the statistics.
 *   fork         pthread_atfork: the parent takes the mutex before fork
 *                and both sides release it after, so the child never
 *                inherits a heap that another thread was changing.  The
 *                child keeps its statistics to itself.  (Handlers that
 *                other libraries registered before this library's
 *                constructor run after ours: one that calls malloc would
 *                wait forever.  glibc avoids this by taking its own locks
 *                inside fork(), which a preloaded library cannot do.)
 *   bad frees    A pointer that is not a live block (outside the heap, a
 *                second free, a smashed header) stops the program with a
 *                message, as glibc's "free(): invalid pointer" does.
 *   no heap      When memlib cannot reserve its region or the backend's
 *                init fails, one message on stderr, and every allocation
 *                fails with ENOMEM.
 *
 * The heap: memlib reserves HEAPLAB_RESERVE bytes (4G, 512M), else 64 GiB
 * or a quarter of RLIMIT_AS when lower; MAP_NORESERVE makes that free.
 * When the heap cannot grow, the program sees NULL and ENOMEM.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "exec_stats.h"
#include "heaplab/allocator.h"
#include "heaplab/memlib.h"
#include "heaplab/verify.h"
#include "stats_file.h"

#ifndef EXEC_NAME
#error "compile with -DEXEC_NAME=STEM, the backend file's stem (see Makefile)"
#endif

#define EXPORT          __attribute__((visibility("default")))
#define PASTE(a, b)     a##b
#define VTABLE_OF(name) PASTE(name, _allocator)

/* The backend's vtable: EXEC_NAME is the stem of its file, dlist_best for
 * allocators/dlist_best.c, whose vtable is dlist_best_allocator. */
extern const struct allocator VTABLE_OF(EXEC_NAME);
static const struct allocator *const backend = &VTABLE_OF(EXEC_NAME);

/* --- the header ---------------------------------------------------------- */

struct layer_header {
    size_t size;   /* bytes asked for */
    size_t offset; /* payload - backend block; 0 when freed */
};

enum { HEADER = sizeof(struct layer_header) };
_Static_assert(sizeof(struct layer_header) == (size_t)HEAPLAB_ALIGNMENT,
               "the header keeps payloads aligned");

/* The largest request: glibc refuses more than PTRDIFF_MAX too. */
static const size_t MAX_REQUEST = PTRDIFF_MAX;

static inline struct layer_header *header_of(void *payload)
{
    return (struct layer_header *)(void *)((unsigned char *)payload - HEADER);
}

static inline unsigned char *backend_block(void *payload,
                                           const struct layer_header *header)
{
    return (unsigned char *)payload - header->offset;
}

static inline bool power_of_two(size_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

/* --- state --------------------------------------------------------------- */

enum layer_state {
    LAYER_NEW,   /* start has not run */
    LAYER_READY, /* the backend serves */
    LAYER_BROKEN /* no heap: every allocation fails */
};

/*
 * Invariants, with the lock held:
 *   state != LAYER_NEW after the first call
 *   stats == &own, or the slot of this image in the statistics file
 *   stats->live_bytes == sum of header.size over live blocks
 *   stats->live_blocks == number of live blocks
 */
static struct {
    pthread_mutex_t lock;
    enum layer_state state;
    bool attached; /* attaching to the statistics file was tried */
    size_t page;
    struct exec_image *stats;
    struct exec_image own; /* counts before attaching, and in children */
} layer = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .state = LAYER_NEW,
    .stats = &layer.own,
};

/* --- statistics (lock held) ---------------------------------------------- */

static void count(enum exec_call kind)
{
    layer.stats->calls[kind]++;
}

static void live_add(size_t bytes)
{
    struct exec_image *s = layer.stats;
    s->live_bytes += (int64_t)bytes;
    s->live_blocks++;
    if ((uint64_t)s->live_bytes > s->peak_live_bytes)
        s->peak_live_bytes = (uint64_t)s->live_bytes;
}

static void live_remove(size_t bytes)
{
    layer.stats->live_bytes -= (int64_t)bytes;
    layer.stats->live_blocks--;
}

/* Copies memlib's counters into the statistics. */
static void note_memlib(void)
{
    if (layer.state != LAYER_READY)
        return;
    struct mem_stats m;
    mem_get_stats(&m);
    struct exec_image *s = layer.stats;
    s->footprint = m.footprint;
    s->peak_footprint = m.peak_footprint;
    s->sbrk_calls = m.sbrk_calls;
    s->brk_calls = m.brk_calls;
    s->mmap_calls = m.mmap_calls;
    s->munmap_calls = m.munmap_calls;
}

static uint32_t layer_flags(void)
{
    return EXEC_FLAG_MEMLIB |
           (layer.state == LAYER_BROKEN ? EXEC_FLAG_BROKEN : 0);
}

/* Moves the statistics into the file, when heaplab asked for them. */
static void attach(void)
{
    if (layer.attached || !stats_environment_ready())
        return;
    layer.attached = true;
    struct exec_image *slot =
        stats_attach(backend->name, layer_flags(), &layer.own);
    if (slot != NULL)
        layer.stats = slot;
}

/* --- starting, locking, fork --------------------------------------------- */

/* memlib's region: HEAPLAB_RESERVE, else the default within RLIMIT_AS. */
static size_t reserve_size(void)
{
    const char *text =
        stats_environment_ready() ? getenv(EXEC_ENV_RESERVE) : NULL;
    uint64_t bytes;
    if (text != NULL && *text != '\0') {
        if (exec_parse_size(text, &bytes) == 0 && bytes > 0 &&
            bytes <= SIZE_MAX)
            return (size_t)bytes;
        stats_say(backend->name,
                  "HEAPLAB_RESERVE is not a size like 4G or 512M: ", text);
    }
    size_t reserve = (size_t)MEM_DEFAULT_RESERVE_GIB << 30;
    struct rlimit limit;
    if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        limit.rlim_cur / 4 < reserve)
        reserve = (size_t)(limit.rlim_cur / 4);
    return reserve;
}

/* The first call: the heap, then the backend.  Lock held. */
static void start(void)
{
    layer.page = (size_t)sysconf(_SC_PAGESIZE);
    layer.state = LAYER_BROKEN;
    if (mem_init(reserve_size()) != 0)
        stats_say(backend->name, "cannot reserve the heap's address space ",
                  "(set HEAPLAB_RESERVE lower); every malloc fails");
    else if (backend->init() != 0)
        stats_say(backend->name,
                  "the backend's init failed; every malloc fails", "");
    else
        layer.state = LAYER_READY;
    attach();
}

static void enter(void)
{
    pthread_mutex_lock(&layer.lock);
    if (layer.state == LAYER_NEW)
        start();
}

static void leave(void)
{
    note_memlib();
    pthread_mutex_unlock(&layer.lock);
}

static void fork_prepare(void)
{
    pthread_mutex_lock(&layer.lock);
}

static void fork_parent(void)
{
    pthread_mutex_unlock(&layer.lock);
}

/* The child is never the process heaplab started: it counts for itself. */
static void fork_child(void)
{
    if (layer.stats != &layer.own) {
        layer.own = *layer.stats;
        layer.stats = &layer.own;
    }
    pthread_mutex_init(&layer.lock, NULL);
}

__attribute__((constructor)) static void layer_constructor(void)
{
    pthread_mutex_lock(&layer.lock);
    if (layer.state == LAYER_NEW)
        start();
    else
        attach(); /* early calls came before the environment */
    note_memlib();
    pthread_mutex_unlock(&layer.lock);
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* --- blocks (lock held) -------------------------------------------------- */

/* Stops the program on a pointer that is not a live block. */
_Noreturn static void bad_pointer(const char *call, const char *why)
{
    pthread_mutex_unlock(&layer.lock);
    char message[96];
    size_t length = strlen(call);
    memcpy(message, call, length);
    memcpy(message + length, "(): ", 5);
    stats_say(backend->name, message, why);
    abort();
}

/* The header of the live block `payload`, checked. */
static struct layer_header *live_header(const char *call, void *payload)
{
    uintptr_t at = (uintptr_t)payload;
    if (at % HEAPLAB_ALIGNMENT != 0 || at < HEADER ||
        !mem_contains((void *)(at - HEADER), HEADER))
        bad_pointer(call, "invalid pointer (not from this malloc)");
    struct layer_header *header = header_of(payload);
    if (header->offset < HEADER || header->offset % HEAPLAB_ALIGNMENT != 0 ||
        header->offset > at ||
        !mem_contains(backend_block(payload, header),
                      header->offset + header->size))
        bad_pointer(call, "not a live block (freed twice? header "
                          "overwritten?)");
    return header;
}

/*
 * A new block of `size` bytes whose payload is a multiple of `align` (a
 * power of two, at least 16):
 *   1. refuse sizes that the header and padding would overflow;
 *   2. ask the backend for size + 16 (size + align when over-aligned);
 *   3. place the payload at the first multiple of align at least 16 bytes
 *      into the backend's block;
 *   4. write the header just below it.
 * NULL when the backend cannot serve it.
 */
static void *allocate(size_t size, size_t align)
{
    size_t extra = align > HEADER ? align : HEADER;
    unsigned char *block = NULL;
    if (layer.state == LAYER_READY && extra <= MAX_REQUEST &&
        size <= MAX_REQUEST - extra)
        block = backend->malloc(size + extra);
    if (block == NULL) {
        layer.stats->failed++;
        return NULL;
    }
    VERIFY_EQ((uintptr_t)block % HEAPLAB_ALIGNMENT, 0);
    uintptr_t start = (uintptr_t)block;
    size_t offset =
        ((start + HEADER + align - 1) & ~(uintptr_t)(align - 1)) - start;
    unsigned char *payload = block + offset;
    *header_of(payload) =
        (struct layer_header){.size = size, .offset = offset};
    live_add(size);
    return payload;
}

static void release(void *payload, struct layer_header *header)
{
    unsigned char *block = backend_block(payload, header);
    live_remove(header->size);
    header->offset = 0;
    backend->free(block);
}

/* realloc of a live block to size > 0; NULL (and `old` untouched) when it
 * cannot be done. */
static void *reallocate(void *old, size_t size)
{
    struct layer_header *header = live_header("realloc", old);
    if (header->offset == HEADER && backend->realloc != NULL) {
        /* The backend moves the header with the payload. */
        unsigned char *block = NULL;
        if (size <= MAX_REQUEST - HEADER)
            block =
                backend->realloc(backend_block(old, header), size + HEADER);
        if (block == NULL) {
            layer.stats->failed++;
            return NULL;
        }
        struct layer_header *moved = (struct layer_header *)(void *)block;
        VERIFY_EQ(moved->offset, HEADER);
        live_remove(moved->size);
        moved->size = size;
        live_add(size);
        return block + HEADER;
    }
    if (size <= header->size) { /* shrink in place */
        live_remove(header->size);
        header->size = size;
        live_add(size);
        return old;
    }
    void *new = allocate(size, HEAPLAB_ALIGNMENT);
    if (new != NULL) {
        memcpy(new, old, header->size);
        release(old, header);
    }
    return new;
}

/* --- the C interface ----------------------------------------------------- */

/* Every exported function: count, serve, and set errno like glibc:
 * unchanged on success, `error` on failure. */
static void *finish(void *result, int saved_errno, int error)
{
    errno = result != NULL ? saved_errno : error;
    return result;
}

/* A call refused before reaching the backend (bad arguments). */
static void refuse(enum exec_call kind)
{
    enter();
    count(kind);
    layer.stats->failed++;
    leave();
}

static void *aligned(enum exec_call kind, size_t align, size_t size)
{
    int saved_errno = errno;
    if (align < HEAPLAB_ALIGNMENT)
        align = HEAPLAB_ALIGNMENT;
    enter();
    count(kind);
    void *p = allocate(size, align);
    leave();
    return finish(p, saved_errno, ENOMEM);
}

EXPORT void *malloc(size_t size)
{
    return aligned(EXEC_MALLOC, HEAPLAB_ALIGNMENT, size);
}

EXPORT void free(void *payload)
{
    if (payload == NULL) {
        enter();
        count(EXEC_FREE);
        leave();
        return;
    }
    int saved_errno = errno;
    enter();
    count(EXEC_FREE);
    release(payload, live_header("free", payload));
    leave();
    errno = saved_errno;
}

EXPORT void *calloc(size_t count_of, size_t size)
{
    int saved_errno = errno;
    if (size != 0 && count_of > SIZE_MAX / size) {
        refuse(EXEC_CALLOC);
        return finish(NULL, saved_errno, ENOMEM);
    }
    enter();
    count(EXEC_CALLOC);
    void *p = allocate(count_of * size, HEAPLAB_ALIGNMENT);
    leave();
    if (p != NULL) /* outside the lock: the block is ours alone */
        memset(p, 0, count_of * size);
    return finish(p, saved_errno, ENOMEM);
}

static void *resize(enum exec_call kind, void *old, size_t size)
{
    int saved_errno = errno;
    enter();
    count(kind);
    void *p = NULL;
    bool freed = false;
    if (old == NULL) {
        p = allocate(size, HEAPLAB_ALIGNMENT);
    } else if (size == 0) { /* glibc: free, and return NULL */
        release(old, live_header("realloc", old));
        freed = true;
    } else {
        p = reallocate(old, size);
    }
    leave();
    return freed ? finish(NULL, saved_errno, saved_errno)
                 : finish(p, saved_errno, ENOMEM);
}

EXPORT void *realloc(void *old, size_t size)
{
    return resize(EXEC_REALLOC, old, size);
}

EXPORT void *reallocarray(void *old, size_t count_of, size_t size)
{
    if (size != 0 && count_of > SIZE_MAX / size) {
        int saved_errno = errno;
        refuse(EXEC_REALLOCARRAY);
        return finish(NULL, saved_errno, ENOMEM);
    }
    return resize(EXEC_REALLOCARRAY, old, count_of * size);
}

EXPORT int posix_memalign(void **result, size_t align, size_t size)
{
    /* POSIX: a power of two multiple of sizeof(void *). */
    if (align % sizeof(void *) != 0 || !power_of_two(align)) {
        refuse(EXEC_POSIX_MEMALIGN);
        return EINVAL;
    }
    int saved_errno = errno;
    void *p = aligned(EXEC_POSIX_MEMALIGN, align, size);
    errno = saved_errno;
    if (p == NULL)
        return ENOMEM;
    *result = p;
    return 0;
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
    /* C17: an alignment the implementation supports; here, as in glibc
     * 2.38 and later, any power of two. */
    if (!power_of_two(align)) {
        int saved_errno = errno;
        refuse(EXEC_ALIGNED_ALLOC);
        return finish(NULL, saved_errno, EINVAL);
    }
    return aligned(EXEC_ALIGNED_ALLOC, align, size);
}

EXPORT void *memalign(size_t align, size_t size)
{
    /* glibc: more than half the address space is EINVAL; another
     * alignment that is not a power of two rounds up to one. */
    if (align > SIZE_MAX / 2 + 1) {
        int saved_errno = errno;
        refuse(EXEC_MEMALIGN);
        return finish(NULL, saved_errno, EINVAL);
    }
    size_t rounded = HEAPLAB_ALIGNMENT;
    while (rounded < align)
        rounded *= 2;
    return aligned(EXEC_MEMALIGN, rounded, size);
}

static size_t page_size(void)
{
    if (layer.page == 0)
        layer.page = (size_t)sysconf(_SC_PAGESIZE);
    return layer.page;
}

EXPORT void *valloc(size_t size)
{
    return aligned(EXEC_VALLOC, page_size(), size);
}

EXPORT void *pvalloc(size_t size)
{
    size_t page = page_size();
    if (size > SIZE_MAX - (page - 1)) {
        int saved_errno = errno;
        refuse(EXEC_PVALLOC);
        return finish(NULL, saved_errno, ENOMEM);
    }
    return aligned(EXEC_PVALLOC, page, (size + page - 1) & ~(page - 1));
}

EXPORT size_t malloc_usable_size(void *payload)
{
    enter();
    count(EXEC_USABLE_SIZE);
    size_t size =
        payload != NULL ? live_header("malloc_usable_size", payload)->size : 0;
    leave();
    return size;
}

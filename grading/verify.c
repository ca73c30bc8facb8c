/*
 * verify.c -- the grader's own checks of a run (see verify.h).
 *
 * The checked run's record is replayed here, on numbers only: each
 * malloc or realloc op of the trace takes the next recorded offset, the
 * live heap blocks go into the driver's own interval tree (blocks.h, with
 * the offsets as addresses, never touched), and at every op
 *
 *     footprint >= end of the block just placed + live payload in mappings
 *
 * gives a lower bound of the peak footprint the run may report.  The hash
 * is the one the timed passes chain (evidence.h): over a pass of n
 * offsets x1..xn from a starting value s it ends at
 *
 *     s * M^n + C,     C = x1 M^(n-1) + ... + xn   (mod 2^64)
 *
 * so P passes from 0 end at C (A^(P-1) + ... + A + 1), A = M^n: the
 * grader computes it from the checked run's C without the pointers.
 */
#include "verify.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "blocks.h"
#include "evidence.h"
#include "heaplab/allocator.h"

/* Where the offsets live as fake addresses in the interval tree. */
static const uintptr_t FAKE_BASE = (uintptr_t)1 << 44;

/* Passes beyond which a record is not believed (1e9 passes of even the
 * shortest trace take longer than any limit). */
static const uint64_t PASSES_MAX = UINT64_C(1000000000);

void verify_trace_facts(const struct trace *t, struct checked_facts *f)
{
    memset(f, 0, sizeof *f);
    uint64_t *sizes = calloc(t->num_ids + 1, sizeof *sizes);
    uint64_t live = 0;
    for (size_t i = 0; i < t->num_ops; i++) {
        const struct trace_op *op = &t->ops[i];
        if (op->kind != OP_FREE)
            f->pointers++;
        if (sizes == NULL || op->id < 0)
            continue;
        uint64_t size = op->kind == OP_FREE ? 0 : op->size;
        live = live - sizes[op->id] + size;
        sizes[op->id] = size;
        if (live > f->peak_payload)
            f->peak_payload = live;
    }
    free(sizes);
}

/* --- the record ------------------------------------------------------------ */

static int read_at(int fd, void *data, size_t size, off_t offset)
{
    char *p = data;
    while (size > 0) {
        ssize_t n = pread(fd, p, size, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
        offset += n;
    }
    return 0;
}

static int read_header(int fd, struct evidence_record *h)
{
    return fd >= 0 && read_at(fd, h, sizeof *h, 0) == 0 &&
                   memcmp(h->magic, EVIDENCE_MAGIC, sizeof h->magic) == 0
               ? 0
               : -1;
}

enum place { NOWHERE, IN_HEAP, IN_MAPPING };

/* The record's offsets against the trace; see the top of the file. */
static int replay_offsets(const struct trace *t, const uint64_t *offsets,
                          struct checked_facts *f, char *why, size_t size)
{
    struct blocks blocks;
    unsigned char *where = calloc(t->num_ids + 1, 1);
    uint64_t *sizes = calloc(t->num_ids + 1, sizeof *sizes);
    if (where == NULL || sizes == NULL || blocks_init(&blocks, t->num_ids)) {
        free(where);
        free(sizes);
        snprintf(why, size, "the grader ran out of memory");
        return -1;
    }
    uint64_t k = 0, mapped = 0, bound = 0, hash = 0;
    int rc = 0;
    for (size_t i = 0; i < t->num_ops && rc == 0; i++) {
        const struct trace_op *op = &t->ops[i];
        if (op->id < 0)
            continue; /* free(NULL) */
        if (where[op->id] == IN_HEAP)
            blocks_remove(&blocks, op->id, op->line);
        else if (where[op->id] == IN_MAPPING)
            mapped -= sizes[op->id];
        where[op->id] = NOWHERE;
        uint64_t end = 0;
        if (op->kind != OP_FREE) {
            uint64_t offset = offsets[k++];
            hash = hash * EVIDENCE_MULTIPLIER + offset;
            if (op->kind == OP_REALLOC && op->size == 0) {
                if (offset != EVIDENCE_OUTSIDE)
                    rc = -1; /* realloc to 0 must have returned NULL */
            } else if (offset == EVIDENCE_OUTSIDE) {
                where[op->id] = IN_MAPPING;
                mapped += op->size;
            } else {
                char *at = (char *)(FAKE_BASE + offset);
                if (offset % HEAPLAB_ALIGNMENT != 0 ||
                    blocks_overlap(&blocks, at, op->size) != NULL) {
                    rc = -1;
                } else {
                    blocks_add(&blocks, op->id, at, op->size, op->line);
                    where[op->id] = IN_HEAP;
                    end = offset + op->size;
                }
            }
            sizes[op->id] = op->size;
            if (rc != 0)
                snprintf(why, size,
                         "its record puts the block of line %" PRIu32
                         " at heap offset %" PRIu64 ", %s",
                         op->line, offset,
                         offset % HEAPLAB_ALIGNMENT != 0
                             ? "which is not aligned"
                             : "over a live block");
        }
        if (end + mapped > bound)
            bound = end + mapped;
    }
    blocks_free(&blocks);
    free(where);
    free(sizes);
    f->min_footprint = bound;
    f->hash = hash;
    return rc;
}

int verify_checked_run(const struct trace *t, int record_fd,
                       uint64_t footprint, uint64_t payload,
                       struct checked_facts *f, char *why, size_t size)
{
    struct evidence_record h;
    f->recorded = 0;
    if (read_header(record_fd, &h) != 0 || !h.checked_done) {
        snprintf(why, size, "it came without the driver's record of the "
                            "pointers it checked");
        return -1;
    }
    if (h.checked_count != f->pointers) {
        snprintf(why, size,
                 "its record holds %" PRIu64 " pointers, and the trace "
                 "hands out %" PRIu64,
                 h.checked_count, f->pointers);
        return -1;
    }
    uint64_t *offsets = malloc((f->pointers + 1) * sizeof *offsets);
    if (offsets == NULL ||
        read_at(record_fd, offsets, f->pointers * sizeof *offsets,
                (off_t)sizeof h) != 0) {
        free(offsets);
        snprintf(why, size, "its record of the pointers is cut short");
        return -1;
    }
    int rc = replay_offsets(t, offsets, f, why, size);
    free(offsets);
    if (rc != 0)
        return -1;
    if (payload != f->peak_payload) {
        snprintf(why, size,
                 "it reported a peak payload of %" PRIu64 " bytes, and "
                 "the trace's is %" PRIu64,
                 payload, f->peak_payload);
        return -1;
    }
    if (footprint < f->min_footprint || footprint < f->peak_payload) {
        snprintf(why, size,
                 "it reported a peak footprint of %" PRIu64 " bytes, "
                 "smaller than the %" PRIu64 " bytes its own blocks span",
                 footprint,
                 f->min_footprint > f->peak_payload ? f->min_footprint
                                                    : f->peak_payload);
        return -1;
    }
    f->recorded = 1;
    return 0;
}

/* base^exponent mod 2^64. */
static uint64_t power(uint64_t base, uint64_t exponent)
{
    uint64_t result = 1;
    for (; exponent > 0; exponent >>= 1, base *= base)
        if (exponent & 1)
            result *= base;
    return result;
}

/* The hash after `passes` passes from 0, each a pass hash `c` of `step`
 * = M^n: H(k+1) = H(k) A + C and H(2k) = H(k) A^k + H(k), by the bits of
 * passes from the top. */
static uint64_t chain(uint64_t c, uint64_t step, uint64_t passes)
{
    uint64_t h = 0, step_k = 1; /* H(k), A^k; k = 0 */
    for (int bit = 63; bit >= 0; bit--) {
        h = h * step_k + h;
        step_k *= step_k;
        if ((passes >> bit) & 1) {
            h = h * step + c;
            step_k *= step;
        }
    }
    return h;
}

int verify_timed_run(const struct checked_facts *f, const struct trace *t,
                     int record_fd, const struct run_clock *clock,
                     double *ops_per_sec, char *why, size_t size)
{
    struct evidence_record h;
    if (read_header(record_fd, &h) != 0 || h.timed_passes == 0 ||
        h.timed_passes > PASSES_MAX) {
        snprintf(why, size, "it came without the driver's record of its "
                            "timed replays");
        return -1;
    }
    if (f != NULL) {
        uint64_t step = power(EVIDENCE_MULTIPLIER, f->pointers); /* A */
        if (h.timed_hash != chain(f->hash, step, h.timed_passes)) {
            snprintf(why, size,
                     "its timed replays were handed other pointers than "
                     "its checked replay (the hash of %" PRIu64
                     " passes differs): they are not the same computation",
                     h.timed_passes);
            return -1;
        }
    }
    if (clock->state != 2 || !(clock->end > clock->start)) {
        snprintf(why, size, "its timed replays did not let the grader "
                            "read their CPU time");
        return -1;
    }
    *ops_per_sec = (double)h.timed_passes * (double)t->num_ops /
                   (clock->end - clock->start);
    return 0;
}

/* --- the clock -------------------------------------------------------------- */

int verify_record_open(void)
{
    return memfd_create("heaplab-evidence", MFD_CLOEXEC);
}

int run_clock_open(struct run_clock *c, int *theirs)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
        return -1;
    int on = 1;
    if (setsockopt(pair[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
        close(pair[0]);
        close(pair[1]);
        return -1;
    }
    c->fd = pair[0];
    *theirs = pair[1];
    return 0;
}

void run_clock_close(struct run_clock *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* The CPU clock of process pid, in seconds; negative when unreadable. */
static double process_seconds(pid_t pid)
{
    clockid_t id;
    struct timespec ts;
    if (clock_getcpuclockid(pid, &id) != 0 || clock_gettime(id, &ts) != 0)
        return -1;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void run_clock_ready(void *arg)
{
    struct run_clock *c = arg;
    char mark = 0;
    union {
        char buffer[CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = &mark, .iov_len = 1};
    struct msghdr message = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buffer,
                             .msg_controllen = sizeof control.buffer};
    ssize_t n = recvmsg(c->fd, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n <= 0)
        return; /* nothing, or every sender is gone */
    pid_t sender = 0;
    for (struct cmsghdr *m = CMSG_FIRSTHDR(&message); m != NULL;
         m = CMSG_NXTHDR(&message, m)) {
        if (m->cmsg_level == SOL_SOCKET && m->cmsg_type == SCM_RIGHTS) {
            int fd; /* nobody should send us descriptors */
            memcpy(&fd, CMSG_DATA(m), sizeof fd);
            close(fd);
        } else if (m->cmsg_level == SOL_SOCKET &&
                   m->cmsg_type == SCM_CREDENTIALS) {
            struct ucred who;
            memcpy(&who, CMSG_DATA(m), sizeof who);
            sender = who.pid;
        }
    }
    double now = sender > 0 ? process_seconds(sender) : -1;
    if (mark == EVIDENCE_MARK_START && c->state == 0 && now >= 0) {
        c->pid = sender;
        c->start = now;
        c->state = 1;
    } else if (mark == EVIDENCE_MARK_END && c->state == 1 &&
               sender == c->pid && now >= 0) {
        c->end = now;
        c->state = 2;
    } else {
        c->state = -1; /* out of order, or from another process */
    }
    char answer = mark;
    send(c->fd, &answer, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

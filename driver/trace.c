/*
 * trace.c -- reads a trace file into a struct trace and writes the classic
 * format back (traces/README.md is the spec; this comment is the map).
 *
 * Which format a file is in follows from its first token, after blank
 * lines and '#' comments:
 *
 *     starts with a digit, value 0..3    CMU 15-213 header
 *                                        weight num_ids num_ops max_bytes
 *     starts with a digit, value >= 4    classic CS:APP header
 *                                        suggested_heap_size num_ids
 *                                        num_ops weight
 *     anything else                      script: no header, ops at once
 *
 * The four header numbers are separated by any white space (the files
 * put one per line; the classic drivers read them with fscanf).
 *
 * Parsing, in four steps (trace_parse):
 *   STEP 1  find the first token; a file without one is an empty file.
 *   STEP 2  headers: read the four numbers, size the tables from them.
 *   STEP 3  read one op per line; check its fields, then check its id
 *           against what the id has been so far (see the id table below).
 *   STEP 4  compare the op count with the header's num_ops; a script's
 *           num_ids is its largest id + 1.
 *
 * Cost: the file is read whole (fstat + read) and scanned once, a few
 * compares per character, with no sscanf.  Memory is linear in the file
 * size: the ops array doubles when full (its first size is the header's
 * num_ops, but never more than one op per 4 bytes of file, so a bogus
 * header cannot reserve gigabytes), and the id table has 4 bytes per id,
 * with ids capped by the file size (id_limit below).
 *
 * Errors: the first one found, as one line "FILE:LINE: what is wrong";
 * nothing is kept, nothing leaks.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open, fstat, read: also without -D */
#endif
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The id table: one word per id says what the parser knows about it.
 *
 *     0                   never allocated
 *     ID_LIVE | line      live, allocated by the 'a' on that line
 *     line                not live, freed ('f', or 'r' to 0) on that line
 *
 * Line numbers therefore stay below ID_LIVE.
 */
static const uint32_t ID_LIVE = UINT32_C(1) << 31;

/* Every id below num_ids costs a slot here and in the replay, so a trace's
 * ids are capped by its size: num_ids <= file bytes + ID_SLACK (a 20-byte
 * file cannot ask for a billion slots).  No real trace comes close. */
static const uint64_t ID_SLACK = UINT64_C(1) << 20;

/* A token quoted in a message is cut to this many bytes. */
enum { SHOWN_MAX = 40 };

struct parser {
    const char *path;
    const char *cursor;  /* next byte to read */
    const char *end;     /* one past the last byte */
    size_t length;       /* of the whole text */
    uint32_t line;       /* of the cursor, 1-based */
    char *error;         /* TRACE_ERROR_MAX bytes */
    struct trace *trace; /* being filled: format, header fields, ops */
    size_t ops_capacity;
    uint32_t *ids; /* the id table, ids_capacity words */
    size_t ids_capacity;
    uint64_t id_limit;   /* every id is below this */
    uint64_t header_ops; /* the header's num_ops */
    int32_t max_id;      /* largest id seen, -1 before any */
    uint32_t extra_line; /* line of the first op past header_ops */
};

struct token {
    const char *start;
    size_t length;
};

enum number_status { NUMBER_OK, NUMBER_NOT, NUMBER_TOO_BIG };

/* --- messages ------------------------------------------------------------ */

/* Writes "PATH:LINE: message" to the error buffer; returns -1. */
static int fail(struct parser *ps, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *format, ...)
{
    int used = snprintf(ps->error, TRACE_ERROR_MAX, "%s:%" PRIu32 ": ",
                        ps->path, ps->line);
    if (used >= 0 && used < TRACE_ERROR_MAX) {
        va_list args;
        va_start(args, format);
        vsnprintf(ps->error + used, (size_t)(TRACE_ERROR_MAX - used), format,
                  args);
        va_end(args);
    }
    return -1;
}

/* The token as text for a message: printable, at most SHOWN_MAX bytes. */
static const char *show(struct token token, char shown[SHOWN_MAX + 4])
{
    size_t length = token.length < SHOWN_MAX ? token.length : SHOWN_MAX;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)token.start[i];
        shown[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    strcpy(shown + length, token.length > SHOWN_MAX ? "..." : "");
    return shown;
}

/* --- scanning ------------------------------------------------------------ */

/* Character classes: blanks separate fields, delimiters end a token too. */
enum { CHAR_OTHER, CHAR_BLANK, CHAR_DELIMITER };
static const unsigned char char_class[256] = {
    [' '] = CHAR_BLANK,      ['\t'] = CHAR_BLANK,    ['\r'] = CHAR_BLANK,
    ['\n'] = CHAR_DELIMITER, ['#'] = CHAR_DELIMITER,
};

static inline int is_blank(char c)
{
    return char_class[(unsigned char)c] == CHAR_BLANK;
}

static inline int ends_token(char c)
{
    return char_class[(unsigned char)c] != CHAR_OTHER;
}

static inline int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline void skip_blanks(struct parser *ps)
{
    while (ps->cursor < ps->end && is_blank(*ps->cursor))
        ps->cursor++;
}

/* Skips blanks, newlines and comments up to the next token; 0 at the end. */
static int next_token(struct parser *ps)
{
    for (;;) {
        skip_blanks(ps);
        if (ps->cursor == ps->end)
            return 0;
        if (*ps->cursor == '\n') {
            ps->line++;
            ps->cursor++;
        } else if (*ps->cursor == '#') {
            const char *newline =
                memchr(ps->cursor, '\n', (size_t)(ps->end - ps->cursor));
            ps->cursor = newline != NULL ? newline : ps->end;
        } else {
            return 1;
        }
    }
}

/* The number of the file's last line (at the end, the cursor's line is
 * one past it when the file ends with a newline). */
static uint32_t last_line(const struct parser *ps)
{
    int newline_at_end = ps->length > 0 && ps->end[-1] == '\n';
    return ps->line - (uint32_t)newline_at_end;
}

/* Non-zero when the rest of the line holds nothing but blanks/comment. */
static inline int at_line_end(struct parser *ps)
{
    skip_blanks(ps);
    return ps->cursor == ps->end || *ps->cursor == '\n' || *ps->cursor == '#';
}

static inline struct token take_token(struct parser *ps)
{
    struct token token = {.start = ps->cursor};
    while (ps->cursor < ps->end && !ends_token(*ps->cursor))
        ps->cursor++;
    token.length = (size_t)(ps->cursor - token.start);
    return token;
}

/* Decimal digits with an optional leading '-'; "-0" is 0. */
static inline enum number_status parse_number(struct token token,
                                              uint64_t *value, int *negative)
{
    size_t i = token.length > 1 && token.start[0] == '-';
    int too_big = 0;
    uint64_t result = 0;
    *negative = (int)i;
    if (i == token.length)
        return NUMBER_NOT;
    for (; i < token.length; i++) {
        unsigned digit = (unsigned)(unsigned char)token.start[i] - '0';
        if (digit > 9)
            return NUMBER_NOT;
        if (result > UINT64_MAX / 10 ||
            (result == UINT64_MAX / 10 && digit > UINT64_MAX % 10))
            too_big = 1;
        result = result * 10 + digit;
    }
    *value = result;
    return too_big ? NUMBER_TOO_BIG : NUMBER_OK;
}

/* Reads a number, or fails naming it `what`. */
static int read_number(struct parser *ps, struct token token, const char *what,
                       uint64_t *value, int *negative)
{
    char shown[SHOWN_MAX + 4];
    switch (parse_number(token, value, negative)) {
    case NUMBER_NOT:
        return fail(ps, "%s '%s' is not a number", what, show(token, shown));
    case NUMBER_TOO_BIG:
        return fail(ps, "%s %s does not fit in 64 bits", what,
                    show(token, shown));
    case NUMBER_OK:
        break;
    }
    return 0;
}

/* The same for a number that may not be negative. */
static int read_unsigned(struct parser *ps, struct token token,
                         const char *what, uint64_t *value)
{
    char shown[SHOWN_MAX + 4];
    int negative;
    if (read_number(ps, token, what, value, &negative))
        return -1;
    if (negative && *value != 0)
        return fail(ps, "%s %s is negative", what, show(token, shown));
    return 0;
}

/* --- tables -------------------------------------------------------------- */

static int push_op(struct parser *ps, const struct trace_op *op)
{
    struct trace *trace = ps->trace;
    if (trace->num_ops == ps->ops_capacity) {
        size_t capacity = ps->ops_capacity < 64 ? 64 : 2 * ps->ops_capacity;
        struct trace_op *ops = NULL;
        if (capacity <= SIZE_MAX / sizeof *ops)
            ops = realloc(trace->ops, capacity * sizeof *ops);
        if (ops == NULL)
            return fail(ps, "out of memory");
        trace->ops = ops;
        ps->ops_capacity = capacity;
    }
    trace->ops[trace->num_ops++] = *op;
    return 0;
}

/* Makes the id table hold `count` ids, all new ones "never allocated". */
static int reserve_ids(struct parser *ps, size_t count)
{
    if (count <= ps->ids_capacity)
        return 0;
    size_t capacity = 2 * ps->ids_capacity;
    if (capacity < count)
        capacity = count < 1024 ? 1024 : count;
    uint32_t *ids = realloc(ps->ids, capacity * sizeof *ids);
    if (ids == NULL)
        return fail(ps, "out of memory");
    memset(ids + ps->ids_capacity, 0,
           (capacity - ps->ids_capacity) * sizeof *ids);
    ps->ids = ids;
    ps->ids_capacity = capacity;
    return 0;
}

/* --- STEP 2: the header -------------------------------------------------- */

static int read_header(struct parser *ps)
{
    static const char *const names[][4] = {
        [TRACE_CSAPP] = {"suggested_heap_size", "num_ids", "num_ops",
                         "weight"},
        [TRACE_CMU] = {"weight", "num_ids", "num_ops", "max_bytes"},
    };
    struct trace *trace = ps->trace;
    uint64_t field[4];
    char shown[SHOWN_MAX + 4];

    if (read_unsigned(ps, take_token(ps), "first header field", &field[0]))
        return -1;
    trace->format = field[0] <= WEIGHT_THROUGHPUT ? TRACE_CMU : TRACE_CSAPP;
    const char *const *name = names[trace->format];
    for (int i = 1; i < 4; i++) {
        if (!next_token(ps)) {
            ps->line = last_line(ps);
            return fail(ps, "%s header: missing %s",
                        trace_format_name(trace->format), name[i]);
        }
        struct token token = take_token(ps);
        if (is_letter(*token.start)) /* an op: the header ended early */
            return fail(ps, "%s header: missing %s (found '%s')",
                        trace_format_name(trace->format), name[i],
                        show(token, shown));
        if (read_unsigned(ps, token, name[i], &field[i]))
            return -1;
        if (i == 1 && field[1] > ps->id_limit)
            return fail(ps,
                        "num_ids %" PRIu64 " is too large for a file of %zu "
                        "bytes (at most %" PRIu64 ")",
                        field[1], ps->length, ps->id_limit);
    }

    if (trace->format == TRACE_CMU) {
        trace->weight = (int)field[0];
        trace->max_bytes = field[3];
    } else { /* the classic weight field is unused, as in CS:APP's driver */
        trace->heap_hint = field[0];
        trace->weight = WEIGHT_BOTH;
    }
    trace->num_ids = (size_t)field[1];
    ps->header_ops = field[2];
    ps->id_limit = field[1];

    /* A bogus num_ops must not reserve more than the file can hold. */
    uint64_t presize = ps->length / 4 + 1;
    ps->ops_capacity = (size_t)(field[2] < presize ? field[2] : presize);
    trace->ops = malloc((ps->ops_capacity + 1) * sizeof *trace->ops);
    if (trace->ops == NULL)
        return fail(ps, "out of memory");
    return reserve_ids(ps, trace->num_ids);
}

/* --- STEP 3: the ops ----------------------------------------------------- */

static const char *usage(char kind)
{
    return kind == OP_ALLOC     ? "a ID BYTES"
           : kind == OP_REALLOC ? "r ID BYTES"
                                : "f ID";
}

/* The next field on the op's own line; fails when the line has ended. */
static int next_field(struct parser *ps, char kind, const char *what,
                      struct token *token)
{
    if (at_line_end(ps))
        return fail(ps, "missing %s: expected '%s'", what, usage(kind));
    *token = take_token(ps);
    return 0;
}

static int read_id(struct parser *ps, struct trace_op *op)
{
    struct token token;
    char shown[SHOWN_MAX + 4];
    uint64_t value;
    int negative;
    if (next_field(ps, op->kind, "id", &token) ||
        read_number(ps, token, "id", &value, &negative))
        return -1;
    if (negative && value == 1) {
        if (op->kind != OP_FREE)
            return fail(ps, "id -1 is only allowed in 'f -1' (free(NULL))");
        op->id = -1;
        return 0;
    }
    if (negative && value != 0)
        return fail(ps, "id %s is negative", show(token, shown));
    if (value >= ps->id_limit) {
        if (ps->trace->format != TRACE_SCRIPT)
            return fail(ps,
                        "id %" PRIu64 " is out of range: the header says "
                        "num_ids %zu",
                        value, ps->trace->num_ids);
        return fail(ps,
                    "id %" PRIu64 " is too large for a file of %zu bytes "
                    "(at most %" PRIu64 ")",
                    value, ps->length, ps->id_limit - 1);
    }
    op->id = (int32_t)value;
    return 0;
}

static int read_size(struct parser *ps, struct trace_op *op)
{
    struct token token;
    if (next_field(ps, op->kind, "size", &token))
        return -1;
    return read_unsigned(ps, token, "size", &op->size);
}

static int not_live(struct parser *ps, const char *call, int32_t id,
                    uint32_t state)
{
    if (state == 0)
        return fail(ps, "cannot %s id %" PRId32 ": not live (never allocated)",
                    call, id);
    return fail(
        ps, "cannot %s id %" PRId32 ": not live (freed at line %" PRIu32 ")",
        call, id, state);
}

/* Checks the op against the id's state and moves the state on. */
static int track_id(struct parser *ps, const struct trace_op *op)
{
    if (op->id < 0) /* f -1 */
        return 0;
    if (ps->trace->format == TRACE_SCRIPT) {
        if (reserve_ids(ps, (size_t)op->id + 1))
            return -1;
        if (op->id > ps->max_id)
            ps->max_id = op->id;
    }
    uint32_t *state = &ps->ids[op->id];
    int live = (*state & ID_LIVE) != 0;
    switch (op->kind) {
    case OP_ALLOC:
        if (live)
            return fail(ps,
                        "cannot malloc id %" PRId32 ": already live "
                        "(allocated at line %" PRIu32 ")",
                        op->id, *state & ~ID_LIVE);
        *state = ID_LIVE | op->line;
        return 0;
    case OP_REALLOC:
        if (!live)
            return not_live(ps, "realloc", op->id, *state);
        if (op->size == 0) /* realloc(p, 0) frees */
            *state = op->line;
        return 0;
    default:
        if (!live)
            return not_live(ps, "free", op->id, *state);
        *state = op->line;
        return 0;
    }
}

static int read_ops(struct parser *ps)
{
    struct trace *trace = ps->trace;
    char shown[SHOWN_MAX + 4];
    while (next_token(ps)) {
        struct trace_op op = {.line = ps->line};
        struct token name = take_token(ps);
        char kind = name.length == 1 ? name.start[0] : '\0';
        if (kind != OP_ALLOC && kind != OP_REALLOC && kind != OP_FREE)
            return fail(ps, "unknown op '%s'", show(name, shown));
        if (op.line >= ID_LIVE)
            return fail(ps, "too many lines (at most %" PRIu32 ")",
                        ID_LIVE - 1);
        op.kind = kind;
        if (read_id(ps, &op))
            return -1;
        if (kind != OP_FREE && read_size(ps, &op))
            return -1;
        if (!at_line_end(ps))
            return fail(ps, "extra field '%s': expected '%s'",
                        show(take_token(ps), shown), usage(kind));
        if (track_id(ps, &op) || push_op(ps, &op))
            return -1;
        if (trace->num_ops > ps->header_ops && ps->extra_line == 0)
            ps->extra_line = op.line; /* scripts: header_ops is infinite */
    }
    return 0;
}

/* --- STEP 4 and the whole parse ------------------------------------------ */

static int check_count(struct parser *ps)
{
    struct trace *trace = ps->trace;
    if (trace->format == TRACE_SCRIPT) {
        trace->num_ids = (size_t)(ps->max_id + 1);
        return 0;
    }
    if (trace->num_ops == ps->header_ops)
        return 0;
    ps->line =
        trace->num_ops > ps->header_ops ? ps->extra_line : last_line(ps);
    return fail(ps,
                "op count mismatch: the header says num_ops %" PRIu64
                ", found %zu",
                ps->header_ops, trace->num_ops);
}

static char *copy_string(const char *text, size_t length)
{
    char *copy = malloc(length + 1);
    if (copy != NULL) {
        memcpy(copy, text, length);
        copy[length] = '\0';
    }
    return copy;
}

/* Fills path and name: the file name without folder and ".rep". */
static int set_names(struct parser *ps)
{
    const char *slash = strrchr(ps->path, '/');
    const char *base = slash != NULL ? slash + 1 : ps->path;
    size_t length = strlen(base);
    if (length > 4 && strcmp(base + length - 4, ".rep") == 0)
        length -= 4;
    ps->trace->path = copy_string(ps->path, strlen(ps->path));
    ps->trace->name = copy_string(base, length);
    if (ps->trace->path == NULL || ps->trace->name == NULL)
        return fail(ps, "out of memory");
    return 0;
}

int trace_parse(const char *path, const char *text, size_t length,
                struct trace *trace, char error[TRACE_ERROR_MAX])
{
    if (text == NULL) {
        text = "";
        length = 0;
    }
    struct parser ps = {
        .path = path != NULL ? path : "(text)",
        .cursor = text,
        .end = text + length,
        .length = length,
        .line = 1,
        .error = error,
        .trace = trace,
        .max_id = -1,
    };
    memset(trace, 0, sizeof *trace);
    error[0] = '\0';

    /* Ids are int32_t, and their table must stay linear in the file. */
    ps.id_limit = (uint64_t)length + ID_SLACK;
    if (ps.id_limit > INT32_MAX)
        ps.id_limit = INT32_MAX;

    int status;
    if (!next_token(&ps)) { /* STEP 1 */
        ps.line = 1;
        status = fail(&ps, "empty file: no header and no ops");
    } else if (*ps.cursor >= '0' && *ps.cursor <= '9') {
        status = read_header(&ps); /* STEP 2 */
    } else {
        trace->format = TRACE_SCRIPT;
        trace->weight = WEIGHT_BOTH;
        ps.header_ops = UINT64_MAX;
        ps.ops_capacity = length / 8 + 1;
        trace->ops = malloc(ps.ops_capacity * sizeof *trace->ops);
        status = trace->ops == NULL ? fail(&ps, "out of memory") : 0;
    }
    if (status == 0)
        status = read_ops(&ps); /* STEP 3 */
    if (status == 0)
        status = check_count(&ps); /* STEP 4 */
    if (status == 0)
        status = set_names(&ps);
    if (status == 0 && trace->num_ops < ps.ops_capacity) { /* fit */
        struct trace_op *ops =
            realloc(trace->ops, (trace->num_ops + 1) * sizeof *ops);
        if (ops != NULL)
            trace->ops = ops;
    }

    free(ps.ids);
    if (status != 0)
        trace_free(trace);
    return status;
}

/* --- files --------------------------------------------------------------- */

/* The whole file in one malloc'ed buffer (regular files: one read). */
static int read_file(const char *path, char **text, size_t *length,
                     char error[TRACE_ERROR_MAX])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(error, TRACE_ERROR_MAX, "%s: cannot open: %s", path,
                 strerror(errno));
        return -1;
    }
    struct stat info;
    size_t capacity = 1 << 16;
    if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0)
        capacity = (size_t)info.st_size + 1; /* +1: the read that sees EOF */
    char *buffer = malloc(capacity);
    size_t used = 0;
    int saved = ENOMEM;
    while (buffer != NULL) {
        if (used == capacity) {
            char *bigger = capacity <= SIZE_MAX / 2
                               ? realloc(buffer, 2 * capacity)
                               : NULL;
            if (bigger == NULL)
                break;
            buffer = bigger;
            capacity *= 2;
        }
        ssize_t got = read(fd, buffer + used, capacity - used);
        if (got == 0) {
            close(fd);
            *text = buffer;
            *length = used;
            return 0;
        }
        if (got < 0 && errno != EINTR) {
            saved = errno;
            break;
        }
        if (got > 0)
            used += (size_t)got;
    }
    snprintf(error, TRACE_ERROR_MAX, "%s: cannot read: %s", path,
             strerror(saved));
    free(buffer);
    close(fd);
    return -1;
}

int trace_load(const char *path, struct trace *trace,
               char error[TRACE_ERROR_MAX])
{
    char *text;
    size_t length;
    memset(trace, 0, sizeof *trace);
    if (read_file(path, &text, &length, error) != 0)
        return -1;
    int status = trace_parse(path, text, length, trace, error);
    free(text);
    return status;
}

void trace_free(struct trace *trace)
{
    free(trace->path);
    free(trace->name);
    free(trace->ops);
    memset(trace, 0, sizeof *trace);
}

/* --- writing ------------------------------------------------------------- */

/* The largest total payload live at once (what CMU's max_bytes means), in
 * *peak; -1 when out of memory.  Sums saturate at UINT64_MAX. */
static int peak_payload(const struct trace *trace, uint64_t *peak)
{
    uint64_t *sizes = calloc(trace->num_ids + 1, sizeof *sizes);
    uint64_t live = 0;
    *peak = 0;
    if (sizes == NULL)
        return -1;
    for (size_t i = 0; i < trace->num_ops; i++) {
        const struct trace_op *op = &trace->ops[i];
        if (op->id < 0 || (size_t)op->id >= trace->num_ids)
            continue;
        uint64_t new_size = op->kind == OP_FREE ? 0 : op->size;
        live -= sizes[op->id];
        live = new_size > UINT64_MAX - live ? UINT64_MAX : live + new_size;
        sizes[op->id] = new_size;
        if (live > *peak)
            *peak = live;
    }
    free(sizes);
    return 0;
}

int trace_write(FILE *out, const struct trace *trace)
{
    /* A first number 0..3 would read back as a CMU weight: when the hint
     * is unknown, suggest the peak payload instead (at least 4). */
    uint64_t hint = trace->heap_hint;
    if (hint <= WEIGHT_THROUGHPUT) {
        if (peak_payload(trace, &hint) != 0)
            return -1;
        if (hint <= WEIGHT_THROUGHPUT)
            hint = WEIGHT_THROUGHPUT + 1;
    }
    fprintf(out, "%" PRIu64 "\n%zu\n%zu\n%d\n", hint, trace->num_ids,
            trace->num_ops, trace->weight);
    for (size_t i = 0; i < trace->num_ops; i++) {
        const struct trace_op *op = &trace->ops[i];
        if (op->kind == OP_FREE)
            fprintf(out, "f %" PRId32 "\n", op->id);
        else
            fprintf(out, "%c %" PRId32 " %" PRIu64 "\n", op->kind, op->id,
                    op->size);
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

const char *trace_format_name(enum trace_format format)
{
    switch (format) {
    case TRACE_CSAPP:
        return "csapp";
    case TRACE_CMU:
        return "cmu";
    case TRACE_SCRIPT:
        return "script";
    }
    return "unknown";
}

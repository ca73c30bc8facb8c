/*
 * mtrace.c -- glibc's mtrace() log into a trace builder (mtrace.h shows
 * the lines).  One pass, one line at a time:
 *
 *   STEP 1  "=" lines (Start, End) only mark sessions; blank lines are
 *           skipped.
 *   STEP 2  strip the "@ CALLER " prefix: it ends at the line's last
 *           "] ", since the op after it has no ']'.
 *   STEP 3  read the op letter and its fields; '<' must be followed by a
 *           '>' line, which finishes the realloc.
 *   STEP 4  hand the call to the builder, which maps pointers to ids.
 */
#include "mtrace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A field quoted in a message is cut to this many bytes. */
enum { SHOWN_MAX = 40 };

struct mtrace_reader {
    const char *path;
    uint64_t line;
    char *error;
    struct trace_builder *builder;
    uint64_t pending_old;      /* the '<' pointer waiting for its '>' */
    uint64_t pending_line;     /* its line; 0 when none waits */
};

__attribute__((format(printf, 2, 3))) static int
fail(struct mtrace_reader *r, const char *format, ...)
{
    int used = snprintf(r->error, TRACE_ERROR_MAX, "%s:%" PRIu64 ": ",
                        r->path, r->line);
    if (used >= 0 && used < TRACE_ERROR_MAX) {
        va_list args;
        va_start(args, format);
        vsnprintf(r->error + used, (size_t)(TRACE_ERROR_MAX - used), format,
                  args);
        va_end(args);
    }
    return -1;
}

/* The text as a message shows it: printable, at most SHOWN_MAX bytes. */
static const char *show(const char *text, char shown[SHOWN_MAX + 4])
{
    size_t length = strcspn(text, "\n");
    size_t cut = length < SHOWN_MAX ? length : SHOWN_MAX;
    for (size_t i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)text[i];
        shown[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    strcpy(shown + cut, length > SHOWN_MAX ? "..." : "");
    return shown;
}

/* The next blank-separated field; NULL at the end of the line. */
static char *next_field(char **cursor)
{
    char *start = *cursor + strspn(*cursor, " \t\r");
    if (*start == '\0' || *start == '\n')
        return NULL;
    char *end = start + strcspn(start, " \t\r\n");
    *cursor = end;
    if (*end != '\0') {
        *end = '\0';
        *cursor = end + 1;
    }
    return start;
}

/* "0x1f" (hex), "17" (decimal), or for pointers "(nil)". */
static int parse_value(const char *text, int pointer, uint64_t *value)
{
    if (pointer && strcmp(text, "(nil)") == 0) {
        *value = 0;
        return 0;
    }
    int hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const char *digits = hex ? text + 2 : text;
    if (*digits == '\0' || strspn(digits, hex ? "0123456789abcdefABCDEF"
                                              : "0123456789") !=
                               strlen(digits))
        return -1;
    errno = 0;
    unsigned long long parsed = strtoull(digits, NULL, hex ? 16 : 10);
    if (errno == ERANGE)
        return -1;
    *value = parsed;
    return 0;
}

static int read_value(struct mtrace_reader *r, char **cursor, char op,
                      const char *what, int pointer, uint64_t *value)
{
    char shown[SHOWN_MAX + 4];
    char *field = next_field(cursor);
    if (field == NULL)
        return fail(r, "'%c' line without its %s", op, what);
    if (parse_value(field, pointer, value) != 0)
        return fail(r, "%s '%s' is not a %s", what, show(field, shown),
                    pointer ? "pointer (0x... or (nil))"
                            : "size (0x... or decimal)");
    return 0;
}

/* STEP 3 and 4 for the op at cursor. */
static int read_op(struct mtrace_reader *r, char *cursor)
{
    char shown[SHOWN_MAX + 4];
    char *op_field = next_field(&cursor);
    if (op_field == NULL)
        return fail(r, "caller without a call");
    char op = op_field[1] == '\0' ? op_field[0] : '\0';
    if (op != '+' && op != '-' && op != '<' && op != '>' && op != '!')
        return fail(r, "unknown line '%s'", show(op_field, shown));
    if (r->pending_line != 0 && op != '>')
        return fail(r, "'<' at line %" PRIu64 " is not followed by its '>'",
                    r->pending_line);
    if (r->pending_line == 0 && op == '>')
        return fail(r, "'>' without the '<' line before it");

    uint64_t pointer = 0, size = 0;
    if (read_value(r, &cursor, op, "pointer", 1, &pointer) != 0)
        return -1;
    int sized = op == '+' || op == '>' || op == '!';
    if (sized && read_value(r, &cursor, op, "size", 0, &size) != 0)
        return -1;
    char *extra = next_field(&cursor);
    if (extra != NULL)
        return fail(r, "extra field '%s' after '%c' line", show(extra, shown),
                    op);

    int status = 0;
    switch (op) {
    case '+':
        status = builder_malloc(r->builder, pointer, size);
        break;
    case '-':
        status = builder_free(r->builder, pointer);
        break;
    case '<':
        r->pending_old = pointer;
        r->pending_line = r->line;
        return 0;
    case '>':
        r->pending_line = 0;
        status = builder_realloc(r->builder, r->pending_old, pointer, size);
        break;
    default: /* '!': realloc(pointer, size) failed */
        status = builder_realloc(r->builder, pointer, 0, size);
        break;
    }
    return status == 0 ? 0 : fail(r, "out of memory");
}

static int read_line(struct mtrace_reader *r, char *line,
                     struct mtrace_info *info)
{
    char shown[SHOWN_MAX + 4];
    char *text = line + strspn(line, " \t\r");
    if (*text == '\n' || *text == '\0') /* STEP 1 */
        return 0;
    if (text[0] == '=') {
        if (r->pending_line != 0)
            return fail(r, "'<' at line %" PRIu64 " is not followed by its "
                           "'>'",
                        r->pending_line);
        if (strncmp(text, "= Start", 7) == 0)
            info->sessions++;
        return 0;
    }
    if (text[0] == '@' && (text[1] == ' ' || text[1] == '\t')) { /* STEP 2 */
        char *end = NULL;
        for (char *at = strstr(text, "] "); at != NULL;
             at = strstr(at + 1, "] "))
            end = at;
        if (end == NULL)
            return fail(r, "caller '%s' has no '[ADDRESS] ' before the "
                           "call",
                        show(text + 2, shown));
        text = end + 2;
    }
    return read_op(r, text); /* STEP 3, 4 */
}

int mtrace_read(const char *path, FILE *in, struct trace_builder *b,
                struct mtrace_info *info, char error[TRACE_ERROR_MAX])
{
    struct mtrace_reader r = {.path = path, .error = error, .builder = b};
    memset(info, 0, sizeof *info);
    error[0] = '\0';
    char *line = NULL;
    size_t capacity = 0;
    int status = 0;
    ssize_t got;
    while (status == 0 && (got = getline(&line, &capacity, in)) >= 0) {
        r.line++;
        if (strlen(line) != (size_t)got)
            status = fail(&r, "the line holds a NUL byte: not an mtrace "
                              "log");
        else
            status = read_line(&r, line, info);
    }
    if (status == 0 && ferror(in)) {
        snprintf(error, TRACE_ERROR_MAX, "%s: cannot read: %s", path,
                 strerror(errno));
        status = -1;
    }
    if (status == 0 && r.pending_line != 0) {
        r.line = r.pending_line;
        status = fail(&r, "'<' is not followed by its '>' (the log ends)");
    }
    info->lines = r.line;
    free(line);
    return status;
}

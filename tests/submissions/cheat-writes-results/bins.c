/*
 * cheat-writes-results -- a cheat: init() reads the grader's command line
 * (/proc), and writes a perfect results.json where --results, --out or
 * --report say the grader's outputs go, and in the folders above its own.
 * The grader runs it as an unprivileged user whose writes outside its own
 * folder fail, refuses them, flags them, and writes its outputs itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>
#include <stdint.h>
#include <string.h>

#include "heaplab/allocator.h"
#include "heaplab/memlib.h"

enum { CLASSES = 40, MIN_CLASS = 5, HEADER = 16 };

struct header {
    size_t class;
    size_t unused;
};

struct free_block {
    struct free_block *next;
};

static struct {
    struct free_block *lists[CLASSES];
} state;

/* The smallest class whose blocks hold size bytes after the header. */
static unsigned class_of(size_t size)
{
    unsigned c = MIN_CLASS;
    while (((size_t)1 << c) < size + HEADER)
        c++;
    return c;
}

/* The parent of process pid, from /proc/PID/stat; 0 if unknown. */
static pid_t parent_of(pid_t pid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    const char *after = strrchr(text, ')');
    int parent = 0;
    char letter;
    if (after == NULL || sscanf(after + 1, " %c %d", &letter, &parent) != 2)
        return 0;
    return parent;
}

/* The grader: the parent of the program that runs this replay. */
static pid_t grader(void)
{
    return parent_of(getppid());
}

/* The value after `option` on the grader's command line, or NULL. */
static const char *grader_option(const char *option)
{
    static char text[8192];
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)grader());
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return NULL;
    text[n] = '\0';
    for (char *word = text; word < text + n; word += strlen(word) + 1)
        if (strcmp(word, option) == 0 && word + strlen(word) + 1 < text + n)
            return word + strlen(word) + 1;
    return NULL;
}

static void write_fake(const char *path)
{
    static const char fake[] =
        "{\"score\": 100.0, \"output\": \"CHEATED\", \"tests\": []}\n";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd >= 0) {
        ssize_t ignored = write(fd, fake, sizeof fake - 1);
        (void)ignored;
        close(fd);
    }
}

static int seg_init(void)
{
    memset(&state, 0, sizeof state);
    char path[4200];
    const char *results = grader_option("--results");
    const char *report = grader_option("--report");
    const char *out = grader_option("--out");
    if (results != NULL)
        write_fake(results);
    if (report != NULL)
        write_fake(report);
    if (out != NULL) {
        snprintf(path, sizeof path, "%s/cheat-writes-results/results.json",
                 out);
        write_fake(path);
        snprintf(path, sizeof path, "%s/grades.csv", out);
        write_fake(path);
    }
    write_fake("../results.json");
    return 0;
}

static void *seg_malloc(size_t size)
{
    if (size == 0 || size > ((size_t)1 << 36))
        return NULL;
    unsigned c = class_of(size);
    struct header *h;
    if (size > 16384)
        return NULL; /* too big: no points for the big traces */
    if (state.lists[c] != NULL) {
        struct free_block *b = state.lists[c];
        state.lists[c] = b->next;
        h = (struct header *)b;
    } else {
        void *p = mem_sbrk((intptr_t)((size_t)1 << c));
        if (p == (void *)-1)
            return NULL;
        h = p;
    }
    h->class = c;
    return (char *)h + HEADER;
}

static void seg_free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct header *h = (struct header *)((char *)ptr - HEADER);
    struct free_block *b = (struct free_block *)h;
    size_t c = h->class;
    b->next = state.lists[c];
    state.lists[c] = b;
}

static void *seg_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return seg_malloc(size);
    if (size == 0) {
        seg_free(ptr);
        return NULL;
    }
    struct header *h = (struct header *)((char *)ptr - HEADER);
    size_t capacity = ((size_t)1 << h->class) - HEADER;
    if (size <= capacity)
        return ptr;
    void *grown = seg_malloc(size);
    if (grown == NULL)
        return NULL;
    memcpy(grown, ptr, capacity);
    seg_free(ptr);
    return grown;
}

const struct allocator bins_allocator = {
    .name = "bins",
    .summary = "power-of-two classes, and a cheat",
    .init = seg_init,
    .malloc = seg_malloc,
    .free = seg_free,
    .realloc = seg_realloc,
};

/*
 * stats_file.c -- see stats_file.h.  Used by every libheaplab-NAME.so.
 *
 * The file is mapped MAP_SHARED, so the counters the library keeps in its
 * slot are in the page cache as soon as they are written: heaplab reads
 * them after the program ends, however it ends.  Only system calls here
 * (getenv, getpid, open, mmap, readlink, write): this runs inside malloc,
 * possibly before the program's constructors.
 */
#include "stats_file.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* HEAPLAB_EXEC_TOP as a number, 0 when absent or malformed. */
static uint64_t top_pid(void)
{
    const char *text = getenv(EXEC_ENV_TOP);
    uint64_t pid = 0;
    if (text == NULL)
        return 0;
    for (; *text >= '0' && *text <= '9'; text++)
        pid = pid * 10 + (uint64_t)(*text - '0');
    return *text == '\0' ? pid : 0;
}

/* Copies at most size - 1 bytes of text and a terminating zero. */
static void copy_name(char *out, size_t size, const char *text)
{
    size_t length = strnlen(text, size - 1);
    memcpy(out, text, length);
    out[length] = '\0';
}

/* The basename of this program's executable, "?" when unknown. */
static void program_name(char *out, size_t size)
{
    char path[256];
    ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0) {
        copy_name(out, size, "?");
        return;
    }
    path[length] = '\0';
    const char *slash = strrchr(path, '/');
    copy_name(out, size, slash != NULL ? slash + 1 : path);
}

bool stats_environment_ready(void)
{
    return environ != NULL;
}

struct exec_image *stats_attach(const char *backend, uint32_t flags,
                                const struct exec_image *early)
{
    const char *path = getenv(EXEC_ENV_STATS);
    if (path == NULL || *path == '\0' || top_pid() != (uint64_t)getpid())
        return NULL;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat info;
    void *map = MAP_FAILED;
    if (fstat(fd, &info) == 0 &&
        info.st_size == (off_t)sizeof(struct exec_stats_file))
        map = mmap(NULL, sizeof(struct exec_stats_file),
                   PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return NULL;
    struct exec_stats_file *file = map;
    if (file->magic != EXEC_STATS_MAGIC) { /* the first image */
        file->version = EXEC_STATS_VERSION;
        file->pid = (uint64_t)getpid();
        copy_name(file->backend, sizeof file->backend, backend);
        file->magic = EXEC_STATS_MAGIC;
    }
    if (file->images == EXEC_MAX_IMAGES) {
        file->lost_images++;
        munmap(map, sizeof *file);
        return NULL;
    }
    struct exec_image *image = &file->image[file->images++];
    *image = *early;
    image->flags = flags;
    program_name(image->program, sizeof image->program);
    return image;
}

void stats_say(const char *backend, const char *message, const char *detail)
{
    const char *parts[] = {
        "libheaplab-", backend, ".so: ", message, detail, "\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        ssize_t ignored = write(STDERR_FILENO, parts[i], strlen(parts[i]));
        (void)ignored;
    }
}

/*
 * optional_backends.h -- the production allocators beside ours: jemalloc,
 * mimalloc and tcmalloc, each registered as a backend of the "reference"
 * family when its Debian library is installed (loaded with dlopen at
 * start), else listed by `heaplab list` as unavailable with the package
 * to install.
 */
#ifndef HEAPLAB_OPTIONAL_BACKENDS_H
#define HEAPLAB_OPTIONAL_BACKENDS_H

/*
 * Loads every library it can and registers what it found (registry_add,
 * registry_add_unavailable).  Call once, at start, before anything reads
 * the registry; a second call does nothing.  argv is main's: when a
 * library needs room in glibc's static TLS block (jemalloc), the program
 * starts itself again with it (argv NULL: it does not, and the library
 * is unavailable).
 */
void optional_backends_load(char **argv);

#endif /* HEAPLAB_OPTIONAL_BACKENDS_H */

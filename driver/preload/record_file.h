/*
 * record_file.h -- the recorder's side of the raw event log
 * (record_log.h): one file per process, mapped MAP_SHARED, grown under
 * the mapping as events arrive.  Used only by record.c, under its lock;
 * makes system calls only, never malloc.
 */
#ifndef HEAPLAB_RECORD_FILE_H
#define HEAPLAB_RECORD_FILE_H

#include <sys/types.h>

#include "record_log.h"

/* Opens FOLDER/PID.log, or after exec reopens it and appends; 0 on
 * success, -1 when the log cannot be made (recording is then off). */
int record_file_open(const char *folder, pid_t pid);

/* Unmaps and closes the log (a forked child drops its parent's). */
void record_file_close(void);

/* Appends one event; -1 when the log is full or cannot grow, after
 * setting RECORD_FLAG_OVERFLOW in its header. */
int record_file_append(const struct record_event *event);

#endif /* HEAPLAB_RECORD_FILE_H */

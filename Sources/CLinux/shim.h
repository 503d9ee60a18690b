#ifndef AFFIRM_CLINUX_SHIM_H
#define AFFIRM_CLINUX_SHIM_H

// Linux event descriptors the Glibc module does not bring: the daemon's waiter uses them.
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <stdio.h>

// Swift 6 refuses to touch C's global `stdout`; this sets its buffering from C.
static inline void affirm_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

#endif

#ifndef AFFIRM_CLINUX_SHIM_H
#define AFFIRM_CLINUX_SHIM_H

// Linux event descriptors the Glibc module does not bring: the daemon's waiter uses them.
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#endif

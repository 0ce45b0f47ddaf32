/* SPDX-License-Identifier: MIT */
/*
 * Event channels: one eventfd per direction (as tests/support/evchn.h).
 * The ring library decides when to kick (push_* returns 1) and when a side
 * may sleep (final_check returns 0); these only carry the kick.
 */
#ifndef BLK_EVTCHN_H
#define BLK_EVTCHN_H

#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

static inline int evtchn_alloc(void)
{
	return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

static inline void evtchn_notify(int fd)
{
	uint64_t one = 1;

	while (write(fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/* Clears a pending kick (the fd is non-blocking). */
static inline void evtchn_drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * An event channel for tests and examples: an eventfd per direction. The
 * ring library decides when to notify and when to sleep; this only carries
 * the kick. Waits take a timeout so that a lost wake-up shows up as a
 * test failure instead of a hung CI job.
 */
#ifndef SRING_TEST_EVCHN_H
#define SRING_TEST_EVCHN_H

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct evchn {
	int fd;
	unsigned long kicks; /* notifications sent through this channel */
};

static inline int evchn_open(struct evchn *e)
{
	e->kicks = 0;
	e->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return e->fd < 0 ? -1 : 0;
}

static inline void evchn_close(struct evchn *e)
{
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
}

static inline void evchn_notify(struct evchn *e)
{
	uint64_t one = 1;

	e->kicks++;
	while (write(e->fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

/* 1 if an event arrived (and was drained), 0 on timeout, -1 on error. */
static inline int evchn_wait(struct evchn *e, int timeout_ms)
{
	struct pollfd p;
	uint64_t v;
	int rc;

	p.fd = e->fd;
	p.events = POLLIN;
	p.revents = 0;
	do {
		rc = poll(&p, 1, timeout_ms);
	} while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return rc;
	if (read(e->fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return errno == EAGAIN ? 1 : -1;
	return 1;
}

#endif

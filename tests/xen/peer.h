/* SPDX-License-Identifier: MIT */
/*
 * A Xen-style front end and back end (peer.c), built against Xen's
 * io/ring.h and against sring/xen.h, for the two-thread interop test
 * (test_xen_interop.c). Each build keeps one front and one back ring of
 * its own; any front can be paired with any back on one shared page.
 */
#ifndef XPEER_H
#define XPEER_H

#include <stddef.h>
#include <stdint.h>

#include "support/evchn.h"

struct xpeer {
	void *page;              /* one 4 KiB shared page */
	struct evchn *to_back;   /* front -> back notifications */
	struct evchn *to_front;  /* back -> front notifications */
	unsigned long n;         /* requests to exchange */
	unsigned long done;      /* requests completed (this side) */
	unsigned long sleeps;    /* times this side waited for an event */
	char err[160];           /* first failure, empty if none */
};

typedef void xpeer_fn(struct xpeer *p);

/* front_init initialises the shared page; back_init only reads sizes. */
xpeer_fn xpeer_front_init_xen, xpeer_back_init_xen, xpeer_front_run_xen,
	xpeer_back_run_xen;
xpeer_fn xpeer_front_init_sring, xpeer_back_init_sring,
	xpeer_front_run_sring, xpeer_back_run_sring;

#endif

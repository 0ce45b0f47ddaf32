/* SPDX-License-Identifier: MIT */
/*
 * sring/sring.h - umbrella header: everything in the freestanding core.
 *
 *   config.h   hooks, version, status codes
 *   atomic.h   the five memory-ordering operations
 *   copy.h     single-copy access to shared bytes (internal)
 *   ring.h     request/response ring (Xen layout), typed generator
 *   fast.h     sring's own faster layout for sring-to-sring peers
 *   flex.h     one-way byte-stream rings (Xen flex and console layouts)
 *
 * Protocol headers (sring/proto/...) and the Xen drop-in (sring/xen.h)
 * are included on their own.
 */
#ifndef SRING_SRING_H
#define SRING_SRING_H

#include <sring/config.h>
#include <sring/atomic.h>
#include <sring/copy.h>
#include <sring/ring.h>
#include <sring/fast.h>
#include <sring/flex.h>

#endif /* SRING_SRING_H */

/* SPDX-License-Identifier: MIT */
/*
 * Selects the ring.h a Xen-style test source is compiled against:
 *
 *   XDRV_SRING defined   <sring/xen.h>; no barriers defined here
 *   otherwise            Xen 4.17's <xen/io/ring.h>, with the barriers and
 *                        libc functions it requires from its includer
 *
 * XDRV(x) names an exported symbol after the build (x_sring / x_xen), so
 * both builds of one source link into one test program.
 */
#ifndef XDRV_PRELUDE_H
#define XDRV_PRELUDE_H

#include <stddef.h>
#include <stdint.h>

#ifdef XDRV_SRING
#include <sring/xen.h>
#ifdef XDRV_BOOL
#define XDRV(x) x##_sring_bool
#else
#define XDRV(x) x##_sring
#endif
#else
#include <string.h> /* memset, memcpy: Xen's ring.h needs them */
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/io/ring.h>
#ifdef SRING_XEN_H
#error "the Xen build picked up sring/xen.h"
#endif
#ifdef XDRV_BOOL
#define XDRV(x) x##_xen_bool
#else
#define XDRV(x) x##_xen
#endif
#endif

#endif

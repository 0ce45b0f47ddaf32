/* SPDX-License-Identifier: MIT */
/* Must not compile: Xen's ring.h, then sring/xen.h (expect_error.cmake). */
#include <stdint.h>
#include <string.h>
#include <xen/io/ring.h>
#include <sring/xen.h>

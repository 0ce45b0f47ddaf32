/* SPDX-License-Identifier: MIT */
/*
 * A kernel has no C library headers (it builds with -nostdinc). sring's
 * headers include only <stddef.h> and <stdint.h>; in a kernel they mean
 * this: size_t, NULL and offsetof from the kernel's own types.
 */
#ifndef SRING_KMOD_SHIM_STDDEF_H
#define SRING_KMOD_SHIM_STDDEF_H
#include <linux/types.h>
#include <linux/stddef.h>
#endif

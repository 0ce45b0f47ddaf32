/* SPDX-License-Identifier: MIT */
/* uint8_t, uint32_t, uint64_t and uintptr_t come from <linux/types.h>. */
#ifndef SRING_KMOD_SHIM_STDINT_H
#define SRING_KMOD_SHIM_STDINT_H
#include <linux/types.h>
#endif

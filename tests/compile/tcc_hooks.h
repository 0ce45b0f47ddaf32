/* SPDX-License-Identifier: MIT */
/*
 * sring's five ordering hooks for TinyCC on x86-64 (tcc has no __atomic
 * builtins and no <stdatomic.h>, so sring/atomic.h stops with an #error
 * unless the includer supplies them). Include before any sring header.
 *
 * x86-64 is TSO: aligned 32-bit loads and stores are single-copy atomic,
 * loads are not reordered with loads nor stores with stores, so acquire
 * and release only have to stop the *compiler*; the one store->load edge
 * needs a locked instruction (a locked OR of the stack top, as sring's own
 * default). tcc honours GCC-style asm with a "memory" clobber, and does
 * not cache values across volatile accesses.
 */
#ifndef SRING_TCC_HOOKS_H
#define SRING_TCC_HOOKS_H

#include <stdint.h>

#if !defined(__x86_64__)
#error "these hooks are for x86-64 only"
#endif

#define SRINGT_COMPILER_BARRIER() __asm__ __volatile__("" ::: "memory")

static inline uint32_t sringt_load(const uint32_t *p)
{
	return *(const volatile uint32_t *)p;
}

static inline void sringt_store(uint32_t *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}

static inline uint32_t sringt_load_acquire(const uint32_t *p)
{
	uint32_t v = *(const volatile uint32_t *)p;

	SRINGT_COMPILER_BARRIER();
	return v;
}

static inline void sringt_store_release(uint32_t *p, uint32_t v)
{
	SRINGT_COMPILER_BARRIER();
	*(volatile uint32_t *)p = v;
}

static inline void sringt_mb(void)
{
	__asm__ __volatile__("lock; orl $0, (%%rsp)" ::: "memory", "cc");
}

#define SRING_LOAD_RELAXED(p) sringt_load(p)
#define SRING_STORE_RELAXED(p, v) sringt_store((p), (v))
#define SRING_LOAD_ACQUIRE(p) sringt_load_acquire(p)
#define SRING_STORE_RELEASE(p, v) sringt_store_release((p), (v))
#define SRING_MB() sringt_mb()

#endif

/* SPDX-License-Identifier: MIT */
/*
 * sring/atomic.h - the only place where sring's memory ordering lives.
 *
 * Five operations on naturally aligned 32-bit words in shared memory:
 *
 *   SRING_LOAD_RELAXED(p)      read once: no tearing, no re-fetch
 *   SRING_STORE_RELAXED(p, v)  write once: no tearing, no invented stores
 *   SRING_LOAD_ACQUIRE(p)      later loads and stores stay after it
 *   SRING_STORE_RELEASE(p, v)  earlier loads and stores stay before it
 *   SRING_MB()                 full fence; the one that matters orders a
 *                              store before a later load (store->load),
 *                              which acquire/release never do
 *
 * p is a pointer to sring_idx_t (uint32_t). Every access sring makes to a
 * shared index goes through one of these, so `grep SRING_LOAD` finds them.
 *
 * Defaults: GCC/Clang __atomic builtins (lock-free for 32-bit words on
 * every target GCC supports, so no libatomic), and an MSVC branch. On x86
 * the full fence is a locked OR to the top of the stack: as strong as
 * MFENCE for ordinary write-back memory and cheaper (GCC 12 emits the same
 * for a seq_cst fence; Clang 14 emits MFENCE, hence the explicit asm).
 *
 * Overrides: a kernel or hypervisor defines all five before including any
 * sring header, e.g. for Linux:
 *
 *   #define SRING_LOAD_RELAXED(p)     READ_ONCE(*(p))
 *   #define SRING_STORE_RELAXED(p, v) WRITE_ONCE(*(p), (v))
 *   #define SRING_LOAD_ACQUIRE(p)     smp_load_acquire(p)
 *   #define SRING_STORE_RELEASE(p, v) smp_store_release((p), (v))
 *   #define SRING_MB()                virt_mb()
 *
 * Defining some but not all is an #error: a partial set is how barriers
 * went silently missing in hand-edited copies of Xen's ring.h. A compiler
 * sring does not know, with no overrides, is an #error too; there is no
 * silent compiler-barrier-only fallback.
 */
#ifndef SRING_ATOMIC_H
#define SRING_ATOMIC_H

#include <sring/config.h>

#if defined(SRING_LOAD_RELAXED) || defined(SRING_STORE_RELAXED) || \
	defined(SRING_LOAD_ACQUIRE) || defined(SRING_STORE_RELEASE) || \
	defined(SRING_MB)

#if !defined(SRING_LOAD_RELAXED) || !defined(SRING_STORE_RELAXED) || \
	!defined(SRING_LOAD_ACQUIRE) || !defined(SRING_STORE_RELEASE) || \
	!defined(SRING_MB)
#error "sring: override all five of SRING_LOAD_RELAXED, SRING_STORE_RELAXED, SRING_LOAD_ACQUIRE, SRING_STORE_RELEASE and SRING_MB, or none"
#endif
#define SRING_ATOMIC_IMPL "user"

#elif defined(__GNUC__) || defined(__clang__)

#define SRING_LOAD_RELAXED(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define SRING_STORE_RELAXED(p, v) \
	__atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define SRING_LOAD_ACQUIRE(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define SRING_STORE_RELEASE(p, v) \
	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#if defined(__x86_64__) && !defined(SRING_NO_ASM)
/*
 * A locked RMW of a stack word is a full fence on x86 (SDM 8.2.2). Also
 * under ThreadSanitizer, which models no fences (GCC refuses
 * __atomic_thread_fence there) and needs none: every access racing across
 * the fence is itself atomic.
 */
#define SRING_MB() \
	__asm__ __volatile__("lock; orl $0, (%%rsp)" ::: "memory", "cc")
#elif defined(__i386__) && !defined(SRING_NO_ASM)
#define SRING_MB() \
	__asm__ __volatile__("lock; orl $0, (%%esp)" ::: "memory", "cc")
#else
#define SRING_MB() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#define SRING_ATOMIC_IMPL "gnu"

#elif defined(_MSC_VER)

/*
 * MSVC: aligned 32-bit volatile accesses are single-copy atomic. With
 * /volatile:iso (the default on Arm) they carry no ordering, so the
 * acquire/release forms add the hardware barrier explicitly. The
 * intrinsics are declared here rather than through <intrin.h> to keep the
 * headers free of anything but <stddef.h> and <stdint.h>. CI compiles it
 * (x64, ARM64) through clang's MSVC mode but runs it nowhere; see
 * docs/portability.md.
 */
#ifdef __cplusplus
extern "C" {
#endif
void _ReadWriteBarrier(void);
#pragma intrinsic(_ReadWriteBarrier)
#if defined(_M_ARM64) || defined(_M_ARM)
void __dmb(unsigned int);
#pragma intrinsic(__dmb)
#define SRINGI_MSVC_ACQ() __dmb(0xB) /* dmb ish */
#define SRINGI_MSVC_REL() __dmb(0xB)
#define SRING_MB() __dmb(0xB)
#else
long _InterlockedOr(long volatile *, long);
#pragma intrinsic(_InterlockedOr)
#define SRINGI_MSVC_ACQ() _ReadWriteBarrier()
#define SRINGI_MSVC_REL() _ReadWriteBarrier()
#define SRING_MB() \
	do { \
		long volatile sringi_mb_word = 0; \
		_InterlockedOr(&sringi_mb_word, 0); \
	} while (0)
#endif
#ifdef __cplusplus
}
#endif
SRING_INLINE uint32_t sringi_msvc_load(const uint32_t *p)
{
	return *(const volatile uint32_t *)p;
}
SRING_INLINE void sringi_msvc_store(uint32_t *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}
SRING_INLINE uint32_t sringi_msvc_load_acq(const uint32_t *p)
{
	uint32_t v = *(const volatile uint32_t *)p;
	SRINGI_MSVC_ACQ();
	return v;
}
SRING_INLINE void sringi_msvc_store_rel(uint32_t *p, uint32_t v)
{
	SRINGI_MSVC_REL();
	*(volatile uint32_t *)p = v;
}
#define SRING_LOAD_RELAXED(p) sringi_msvc_load(p)
#define SRING_STORE_RELAXED(p, v) sringi_msvc_store((p), (v))
#define SRING_LOAD_ACQUIRE(p) sringi_msvc_load_acq(p)
#define SRING_STORE_RELEASE(p, v) sringi_msvc_store_rel((p), (v))
#define SRING_ATOMIC_IMPL "msvc"

#else
#error "sring: unknown compiler; define SRING_LOAD_RELAXED, SRING_STORE_RELAXED, SRING_LOAD_ACQUIRE, SRING_STORE_RELEASE and SRING_MB (see sring/atomic.h)"
#endif

#endif /* SRING_ATOMIC_H */

/* SPDX-License-Identifier: MIT */
/*
 * sring/copy.h - moving bytes in and out of shared memory, exactly once.
 *
 * The peer may rewrite shared bytes while we read them. A plain memcpy
 * followed by checks is not enough: the compiler may drop the private copy
 * and re-read shared memory after the check (Xen XSA-155). These loops use
 * volatile accesses on the shared side, so each shared byte is loaded (or
 * stored) exactly once, in one pass, and never re-fetched; and they never
 * turn into calls to memcpy/memset, so freestanding users need not provide
 * them. Words are used when both pointers and the length allow it.
 *
 * Internal to sring (sringi_ prefix); flex.h and ring.h share it.
 */
#ifndef SRING_COPY_H
#define SRING_COPY_H

#include <sring/config.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
/* may_alias: the private side is the caller's struct of any type. */
typedef uint64_t __attribute__((__may_alias__)) sringi_u64a;
typedef uint32_t __attribute__((__may_alias__)) sringi_u32a;
#define SRINGI_HAVE_WORDS 1
#else
#define SRINGI_HAVE_WORDS 0
#endif

/*
 * Constant sizes (the typed layer passes sizeof) take an unrolled path:
 * one volatile access per 16 bytes where the CPU has 16-byte loads and
 * stores that tolerate 8-byte alignment (SSE2, AArch64), else per 8.
 * Every access is still volatile, so the exactly-once property and the
 * absence of memcpy calls are the same as the loops'. Sizes above
 * SRINGI_UNROLL_MAX, sizes that are not a multiple of 8 and run-time
 * sizes use the loops.
 */
#if SRINGI_HAVE_WORDS && !defined(__TINYC__)
#define SRINGI_UNROLL_MAX 256u
#if defined(__SSE2__) || defined(__aarch64__)
/* These CPUs load and store 8 and 16 bytes at any alignment. */
#define SRINGI_ANY_ALIGN 1
typedef uint64_t __attribute__((__vector_size__(16), __may_alias__,
				__aligned__(1))) sringi_blk;
typedef uint64_t __attribute__((__may_alias__, __aligned__(1))) sringi_u64u;
#else
#define SRINGI_ANY_ALIGN 0
typedef sringi_u64a sringi_u64u;
#endif
#define SRINGI_HAVE_UNROLL 1
#else
#define SRINGI_HAVE_UNROLL 0
#endif

#if SRINGI_HAVE_UNROLL
/*
 * One step of the unrolled copy: block k (16 bytes) when n covers it.
 * n is a compile-time constant here, so each test folds away. DQ and SQ
 * qualify the destination and source: volatile on the shared side.
 */
#if defined(__SSE2__) || defined(__aarch64__)
#define SRINGI_BLK(DQ, SQ, d, s, n, k) \
	if ((n) >= 16u * ((k) + 1u)) \
		((DQ sringi_blk *)(d))[k] = ((SQ const sringi_blk *)(s))[k]
#else
#define SRINGI_BLK(DQ, SQ, d, s, n, k) \
	if ((n) >= 16u * ((k) + 1u)) { \
		((DQ sringi_u64a *)(d))[2u * (k)] = \
			((SQ const sringi_u64a *)(s))[2u * (k)]; \
		((DQ sringi_u64a *)(d))[2u * (k) + 1u] = \
			((SQ const sringi_u64a *)(s))[2u * (k) + 1u]; \
	}
#endif
#define SRINGI_BLKS(DQ, SQ, d, s, n) \
	do { \
		SRINGI_BLK(DQ, SQ, d, s, n, 0u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 1u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 2u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 3u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 4u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 5u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 6u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 7u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 8u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 9u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 10u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 11u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 12u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 13u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 14u); \
		SRINGI_BLK(DQ, SQ, d, s, n, 15u); \
		if ((n) & 8u) \
			((DQ sringi_u64u *)(d))[(n) / 8u - 1u] = \
				((SQ const sringi_u64u *)(s))[(n) / 8u - 1u]; \
	} while (0)

/* The constant-size case both directions share; 0 if it does not apply. */
#define SRINGI_CONST_SIZE_OK(dst, src, n) \
	(__builtin_constant_p(n) && (n) <= SRINGI_UNROLL_MAX && \
	 ((n) & 7u) == 0 && \
	 (SRINGI_ANY_ALIGN || \
	  (((uintptr_t)(dst) | (uintptr_t)(src)) & 7u) == 0))
#endif

/* Copies n bytes out of shared memory at src into private dst. */
SRING_INLINE void sringi_copy_from_shared(void *dst, const void *src,
					  size_t n)
{
	size_t i;
#if SRINGI_HAVE_WORDS
	/*
	 * n is tested on its own first: when it is a constant that rules a
	 * word size out, the compiler drops that path entirely (and does
	 * not warn about it, e.g. -Warray-bounds on a 4-byte object).
	 */
	uintptr_t a = (uintptr_t)dst | (uintptr_t)src;

#if SRINGI_HAVE_UNROLL
	if (SRINGI_CONST_SIZE_OK(dst, src, n)) {
		SRINGI_BLKS(, volatile, dst, src, n);
		return;
	}
#endif
	if ((n & 7u) == 0 && (a & 7u) == 0) {
		const volatile sringi_u64a *s = (const volatile sringi_u64a *)src;
		sringi_u64a *d = (sringi_u64a *)dst;

		for (i = 0; i < n / 8u; i++)
			d[i] = s[i];
		return;
	}
	if ((n & 3u) == 0 && (a & 3u) == 0) {
		const volatile sringi_u32a *s = (const volatile sringi_u32a *)src;
		sringi_u32a *d = (sringi_u32a *)dst;

		for (i = 0; i < n / 4u; i++)
			d[i] = s[i];
		return;
	}
#endif
	{
		const volatile unsigned char *s =
			(const volatile unsigned char *)src;
		unsigned char *d = (unsigned char *)dst;

		for (i = 0; i < n; i++)
			d[i] = s[i];
	}
}

/* Copies n private bytes at src into shared memory at dst. */
SRING_INLINE void sringi_copy_to_shared(void *dst, const void *src, size_t n)
{
	size_t i;
#if SRINGI_HAVE_WORDS
	uintptr_t a = (uintptr_t)dst | (uintptr_t)src;

#if SRINGI_HAVE_UNROLL
	if (SRINGI_CONST_SIZE_OK(dst, src, n)) {
		SRINGI_BLKS(volatile, , dst, src, n);
		return;
	}
#endif
	if ((n & 7u) == 0 && (a & 7u) == 0) {
		volatile sringi_u64a *d = (volatile sringi_u64a *)dst;
		const sringi_u64a *s = (const sringi_u64a *)src;

		for (i = 0; i < n / 8u; i++)
			d[i] = s[i];
		return;
	}
	if ((n & 3u) == 0 && (a & 3u) == 0) {
		volatile sringi_u32a *d = (volatile sringi_u32a *)dst;
		const sringi_u32a *s = (const sringi_u32a *)src;

		for (i = 0; i < n / 4u; i++)
			d[i] = s[i];
		return;
	}
#endif
	{
		volatile unsigned char *d = (volatile unsigned char *)dst;
		const unsigned char *s = (const unsigned char *)src;

		for (i = 0; i < n; i++)
			d[i] = s[i];
	}
}

/* Zeroes n bytes of shared memory at dst. */
SRING_INLINE void sringi_zero_shared(void *dst, size_t n)
{
	volatile unsigned char *d = (volatile unsigned char *)dst;
	size_t i = 0;
#if SRINGI_HAVE_WORDS
	if ((n & 7u) == 0 && ((uintptr_t)dst & 7u) == 0) {
		volatile sringi_u64a *w = (volatile sringi_u64a *)dst;

		for (i = 0; i < n / 8u; i++)
			w[i] = 0;
		return;
	}
#endif
	for (i = 0; i < n; i++)
		d[i] = 0;
}

#ifdef __cplusplus
}
#endif

#endif /* SRING_COPY_H */

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

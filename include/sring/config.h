/* SPDX-License-Identifier: MIT */
/*
 * sring/config.h - hooks, version and status codes shared by every sring
 * header.
 *
 * Every hook may be defined by the includer before the first sring header;
 * the defaults below are what you get otherwise.
 *
 *   hook                      default
 *   SRING_INLINE              static inline
 *   SRING_ASSERT(x)           ((void)0): local misuse checks are off
 *   SRING_LIKELY(x)           __builtin_expect(!!(x), 1) on GCC/Clang
 *   SRING_UNLIKELY(x)         __builtin_expect(!!(x), 0) on GCC/Clang
 *   SRING_STATIC_ASSERT(c, m) _Static_assert / static_assert / array trick
 *   SRING_STATS               0: the private counters are not maintained
 *
 * Peer misbehaviour is never an assertion: it is a status code (below),
 * always checked. SRING_ASSERT only guards against local misuse (asking
 * for a response slot that no request is owed, a ring of zero slots).
 *
 * Freestanding: sring headers include only <stddef.h> and <stdint.h> and
 * call no library function. GCC and Clang may still emit calls to memcpy
 * and memset for struct assignment in *your* code; sring's own copies use
 * explicit word loops so that they never do.
 */
#ifndef SRING_CONFIG_H
#define SRING_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define SRING_VERSION_MAJOR 0
#define SRING_VERSION_MINOR 1
#define SRING_VERSION_PATCH 0
#define SRING_VERSION \
	(SRING_VERSION_MAJOR * 10000 + SRING_VERSION_MINOR * 100 + \
	 SRING_VERSION_PATCH)

#ifndef SRING_INLINE
#define SRING_INLINE static inline
#endif

#ifndef SRING_ASSERT
#define SRING_ASSERT(x) ((void)0)
#endif

#ifndef SRING_STATS
#define SRING_STATS 0
#endif

#ifndef SRING_LIKELY
#if defined(__GNUC__) || defined(__clang__)
#define SRING_LIKELY(x) __builtin_expect(!!(x), 1)
#define SRING_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SRING_LIKELY(x) (x)
#define SRING_UNLIKELY(x) (x)
#endif
#endif

/* Marks generated functions a translation unit may leave unused. */
#if defined(__GNUC__) || defined(__clang__)
#define SRINGI_UNUSED __attribute__((__unused__))
#else
#define SRINGI_UNUSED
#endif

/*
 * Storage class of rare paths kept out of line: the reserve paths' checks
 * would otherwise make the compiler save registers on every call, hit or
 * not. (Not "inline": GCC warns about noinline on an inline function.)
 */
#if defined(__GNUC__) || defined(__clang__)
#define SRINGI_COLD static __attribute__((__noinline__, __cold__, __unused__))
#else
#define SRINGI_COLD SRING_INLINE
#endif

#define SRINGI_CAT2(a, b) a##b
#define SRINGI_CAT(a, b) SRINGI_CAT2(a, b)

#ifndef SRING_STATIC_ASSERT
#if defined(__cplusplus) && __cplusplus >= 201103L
#define SRING_STATIC_ASSERT(cond, msg) static_assert(cond, #msg)
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && \
	__STDC_VERSION__ >= 201112L
#define SRING_STATIC_ASSERT(cond, msg) _Static_assert(cond, #msg)
#else
/* C99: a negative array size is a compile error naming msg. */
#define SRING_STATIC_ASSERT(cond, msg) \
	typedef char SRINGI_CAT(sring_assert_##msg##_, __LINE__) \
		[(cond) ? 1 : -1]
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Status codes. Functions that return a count return it as a non-negative
 * int, or one of the negative codes below; functions that only succeed or
 * fail return SRING_OK or a negative code.
 *
 * SRING_EMPTY and SRING_FULL are negative but are not errors: a loop such
 * as `while ((rc = copy(...)) == SRING_OK)` ends on either. Test for a
 * broken ring with `rc == SRING_EPROTO` (or the *_broken() call), never
 * with `rc < 0`.
 */
enum sring_status {
	SRING_OK = 0,
	SRING_EMPTY = -1,  /* nothing to consume (not an error) */
	SRING_FULL = -2,   /* no room to produce (not an error) */
	SRING_EPROTO = -3, /* the peer broke the protocol; ring latched */
	SRING_EINVAL = -4  /* bad local argument (size, alignment) */
};

/* The one scalar typedef: a free-running 32-bit ring index. */
typedef uint32_t sring_idx_t;

#ifdef __cplusplus
}
#endif

#endif /* SRING_CONFIG_H */

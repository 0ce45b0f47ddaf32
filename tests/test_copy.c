/* SPDX-License-Identifier: MIT */
/*
 * copy.h: the copy-once loops move exactly the bytes asked for, at every
 * size and every alignment, in both directions, and touch nothing else.
 *
 * The typed layer passes sizeof, a compile-time constant, and copy.h then
 * takes an unrolled path (16-byte or 8-byte volatile accesses) instead of
 * the loops. Each size below is therefore checked twice: once written as
 * a literal at the call (the constant path when optimising), once through
 * a variable the compiler cannot see through (the loops).
 */
#include "sring_test.h"

#include <string.h>

#include <sring/copy.h>

#define AREA 320u   /* largest size checked (264) + misalignment + guards */
#define GUARD 0xa5u

static unsigned char src_buf[AREA + 32] __attribute__((aligned(16)));
static unsigned char dst_buf[AREA + 32] __attribute__((aligned(16)));

/* Hidden from the optimiser: forces the run-time-size loops. */
static volatile size_t opaque_size;

static __attribute__((noinline)) void fill(size_t seed)
{
	size_t i;

	for (i = 0; i < sizeof(src_buf); i++)
		src_buf[i] = (unsigned char)(i * 7u + seed * 13u + 1u);
	memset(dst_buf, GUARD, sizeof(dst_buf));
}

/* dst_buf[od..od+n) equals src_buf[os..os+n); every other byte is GUARD. */
static __attribute__((noinline)) void check_copied(size_t od, size_t os,
						  size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(dst_buf); i++) {
		unsigned char want = (i >= od && i < od + n) ?
				     src_buf[os + i - od] : (unsigned char)GUARD;

		if (dst_buf[i] != want) {
			print_error("n=%zu od=%zu os=%zu: byte %zu is %#x, want "
				    "%#x\n", n, od, os, i, dst_buf[i], want);
			fail();
		}
	}
}

/* Both directions at one misalignment, size n given at run time. */
static __attribute__((noinline)) void check_runtime(size_t od, size_t os,
						   size_t n)
{
	opaque_size = n;
	fill(od + os);
	sringi_copy_from_shared(dst_buf + od, src_buf + os, opaque_size);
	check_copied(od, os, n);
	fill(od + os + 1u);
	sringi_copy_to_shared(dst_buf + od, src_buf + os, opaque_size);
	check_copied(od, os, n);
}

/*
 * For one size N, a function of its own (one big function of all sizes
 * takes clang minutes to compile under ASan): every destination and
 * source misalignment 0..15, each direction, with N as a literal
 * (constant path) and as a run-time value (loops).
 */
#define DEFINE_SIZE_CHECK(N) \
	static void check_size_##N(void) \
	{ \
		size_t od, os; \
		for (od = 0; od < 16; od++) \
			for (os = 0; os < 16; os++) { \
				fill(od * 16 + os + (N)); \
				sringi_copy_from_shared(dst_buf + od, \
							src_buf + os, (N)); \
				check_copied(od, os, (N)); \
				fill(od * 16 + os + (N)); \
				sringi_copy_to_shared(dst_buf + od, \
						      src_buf + os, (N)); \
				check_copied(od, os, (N)); \
				check_runtime(od, os, (N)); \
			} \
	}

#define SIZES_WORD(X) X(8) X(16) X(24) X(32) X(40) X(48) X(56) X(64) \
	X(72) X(88) X(104) X(108) X(112) X(120) X(128) X(136) X(200) \
	X(248) X(256) X(264)
#define SIZES_ODD(X) X(0) X(1) X(2) X(3) X(4) X(5) X(7) X(12) X(20) \
	X(36) X(100) X(255)
#define CALL_SIZE_CHECK(N) check_size_##N();

SIZES_WORD(DEFINE_SIZE_CHECK)
SIZES_ODD(DEFINE_SIZE_CHECK)

/*
 * Multiples of 8 up to the unrolled limit and past it (264 -> loops),
 * among them the blkif requests (108 bytes on i386, 112 on x86_64).
 */
static void test_copy_word_sizes(void **state)
{
	(void)state;
	SIZES_WORD(CALL_SIZE_CHECK)
}

/* Sizes that rule words out, and zero. */
static void test_copy_odd_sizes(void **state)
{
	(void)state;
	SIZES_ODD(CALL_SIZE_CHECK)
}

/* Every run-time size from 0 to 300 at a few alignments. */
static void test_copy_runtime_sizes(void **state)
{
	size_t n;
	static const size_t offs[][2] = {{0, 0}, {0, 8}, {8, 0}, {1, 3},
					 {4, 4}, {12, 5}, {15, 15}};
	size_t k;

	(void)state;
	for (n = 0; n <= 300; n++)
		for (k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
			opaque_size = n;
			fill(n + k);
			sringi_copy_from_shared(dst_buf + offs[k][0],
						src_buf + offs[k][1],
						opaque_size);
			check_copied(offs[k][0], offs[k][1], n);
			fill(n + k + 1u);
			sringi_copy_to_shared(dst_buf + offs[k][0],
					      src_buf + offs[k][1],
					      opaque_size);
			check_copied(offs[k][0], offs[k][1], n);
		}
}

/* sringi_zero_shared clears exactly its range. */
static void test_zero_shared(void **state)
{
	size_t n, od;

	(void)state;
	for (n = 0; n <= 80; n++)
		for (od = 0; od < 16; od++) {
			memset(dst_buf, GUARD, sizeof(dst_buf));
			memset(src_buf, 0, sizeof(src_buf));
			opaque_size = n;
			sringi_zero_shared(dst_buf + od, opaque_size);
			check_copied(od, 0, n);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_word_sizes),
		cmocka_unit_test(test_copy_odd_sizes),
		cmocka_unit_test(test_copy_runtime_sizes),
		cmocka_unit_test(test_zero_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

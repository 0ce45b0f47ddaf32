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

static void fill(size_t seed)
{
	size_t i;

	for (i = 0; i < sizeof(src_buf); i++)
		src_buf[i] = (unsigned char)(i * 7u + seed * 13u + 1u);
	memset(dst_buf, GUARD, sizeof(dst_buf));
}

/* dst_buf[od..od+n) equals src_buf[os..os+n); every other byte is GUARD. */
static void check_copied(size_t od, size_t os, size_t n)
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

/*
 * For one size N: every destination and source misalignment 0..15, each
 * direction, with N as a literal (constant path) and as a run-time value.
 */
#define CHECK_SIZE(N) \
	do { \
		size_t od_, os_; \
		for (od_ = 0; od_ < 16; od_++) \
			for (os_ = 0; os_ < 16; os_++) { \
				fill(od_ * 16 + os_ + (N)); \
				sringi_copy_from_shared(dst_buf + od_, \
							src_buf + os_, (N)); \
				check_copied(od_, os_, (N)); \
				fill(od_ * 16 + os_ + (N)); \
				sringi_copy_to_shared(dst_buf + od_, \
						      src_buf + os_, (N)); \
				check_copied(od_, os_, (N)); \
				opaque_size = (N); \
				fill(od_ + os_); \
				sringi_copy_from_shared(dst_buf + od_, \
							src_buf + os_, \
							opaque_size); \
				check_copied(od_, os_, (N)); \
				fill(od_ + os_ + 1u); \
				sringi_copy_to_shared(dst_buf + od_, \
						      src_buf + os_, \
						      opaque_size); \
				check_copied(od_, os_, (N)); \
			} \
	} while (0)

/* Multiples of 8 up to the unrolled limit and past it (256 -> loops). */
static void test_copy_word_sizes(void **state)
{
	(void)state;
	CHECK_SIZE(8u);
	CHECK_SIZE(16u);
	CHECK_SIZE(24u);
	CHECK_SIZE(32u);
	CHECK_SIZE(40u);
	CHECK_SIZE(48u);
	CHECK_SIZE(56u);
	CHECK_SIZE(64u);
	CHECK_SIZE(72u);
	CHECK_SIZE(88u);
	CHECK_SIZE(104u);
	CHECK_SIZE(108u);  /* blkif request, i386 */
	CHECK_SIZE(112u);  /* blkif request, x86_64 */
	CHECK_SIZE(120u);
	CHECK_SIZE(128u);
	CHECK_SIZE(136u);
	CHECK_SIZE(200u);
	CHECK_SIZE(248u);
	CHECK_SIZE(256u);
	CHECK_SIZE(264u);
}

/* Sizes that rule words out, and zero. */
static void test_copy_odd_sizes(void **state)
{
	(void)state;
	CHECK_SIZE(0u);
	CHECK_SIZE(1u);
	CHECK_SIZE(2u);
	CHECK_SIZE(3u);
	CHECK_SIZE(4u);
	CHECK_SIZE(5u);
	CHECK_SIZE(7u);
	CHECK_SIZE(12u);
	CHECK_SIZE(20u);
	CHECK_SIZE(36u);
	CHECK_SIZE(100u);
	CHECK_SIZE(255u);
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

/* SPDX-License-Identifier: MIT */
/*
 * Common prelude of sring's cmocka tests: include it before any sring
 * header. Local misuse checks (SRING_ASSERT) become cmocka mock_assert
 * calls, so expect_assert_failure() can test them.
 */
#ifndef SRING_TEST_H
#define SRING_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define SRING_ASSERT(x) mock_assert(!!(x), #x, __FILE__, __LINE__)

#include <stdlib.h>

/*
 * Exactly size bytes at the given alignment (unlike aligned_alloc, any
 * size), so that AddressSanitizer flags an access one byte past the area.
 */
static inline void *test_alloc(size_t align, size_t size)
{
	void *p = NULL;

	return posix_memalign(&p, align, size) == 0 ? p : NULL;
}

#endif

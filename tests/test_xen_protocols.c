/* SPDX-License-Identifier: MIT */
/*
 * Xen's protocol headers (io/blkif.h, netif.h, console.h, 9pfs.h,
 * pvcalls.h, vscsiif.h, usbif.h, sndif.h, displif.h, kbdif.h, fbif.h,
 * tpmif.h, pciif.h) compile with sring/xen.h in place of their ring.h
 * (an include overlay, tests/xen.cmake), as C and as C++, and every ring
 * type they generate has Xen's layout: offsets, entry sizes, ring sizes,
 * private halves, flex index pages and flex helper results.
 */
#include "sring_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "xen/protocols.h"

#define MAXF 512

struct facts {
	size_t n;
	const char *name[MAXF];
	uint64_t value[MAXF];
};

static void collect(void *ctx, const char *name, uint64_t value)
{
	struct facts *f = ctx;

	assert_true(f->n < MAXF);
	f->name[f->n] = name;
	f->value[f->n] = value;
	f->n++;
}

static void compare(xproto_facts_fn *ours, const char *what)
{
	static struct facts xen, other;
	size_t i, n, bad = 0;

	memset(&xen, 0, sizeof(xen));
	memset(&other, 0, sizeof(other));
	n = xproto_facts_xen(collect, &xen);
	assert_int_equal(n, xen.n);
	n = ours(collect, &other);
	assert_int_equal(n, other.n);
	assert_int_equal(xen.n, other.n);
	/* 10 ring types x 29 facts, 3 flex rings x 7, and the rest. */
	assert_true(xen.n > 300);
	for (i = 0; i < xen.n; i++) {
		assert_string_equal(xen.name[i], other.name[i]);
		if (xen.value[i] != other.value[i]) {
			print_error("%s: %s: Xen %llu, sring/xen.h %llu\n",
				    what, xen.name[i],
				    (unsigned long long)xen.value[i],
				    (unsigned long long)other.value[i]);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Through the overlay, in C, every layout fact equals Xen's. */
static void test_xen_protocols_c_layouts_match(void **state)
{
	(void)state;
	compare(xproto_facts_sring, "C");
}

/* Through the overlay, in C++ (ring[] as an accessor), the same. */
static void test_xen_protocols_cxx_layouts_match(void **state)
{
	(void)state;
	compare(xproto_facts_cxx, "C++");
}

/* The facts are real: a few known values from Xen's own documentation. */
static void test_xen_protocols_known_values(void **state)
{
	static struct facts f;
	size_t i, seen = 0;

	(void)state;
	memset(&f, 0, sizeof(f));
	xproto_facts_sring(collect, &f);
	for (i = 0; i < f.n; i++) {
		if (strcmp(f.name[i], "blkif const size 1p") == 0)
			assert_int_equal(f.value[i], 32), seen++;
		if (strcmp(f.name[i], "netif_tx const size 1p") == 0)
			assert_int_equal(f.value[i], 256), seen++;
		if (strcmp(f.name[i], "blkif ring") == 0)
			assert_int_equal(f.value[i], 64), seen++;
		if (strcmp(f.name[i], "9pfs ref") == 0)
			assert_int_equal(f.value[i], 132), seen++;
		if (strcmp(f.name[i], "xen_9pfs queued full") == 0)
			assert_int_equal(f.value[i], 4096), seen++;
	}
	assert_int_equal(seen, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_protocols_c_layouts_match),
		cmocka_unit_test(test_xen_protocols_cxx_layouts_match),
		cmocka_unit_test(test_xen_protocols_known_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Runs the whole-API exchange of api_use.c (C) and api_use.cc (C++) on a
 * hosted target, so the objects tests/compile checks for undefined symbols
 * are known to work, on every architecture the suite is cross-run on.
 */
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>

int sring_api_use(void *page, size_t bytes);
int sring_api_use_cxx(void *page, size_t bytes);

/* 8-byte alignment is all sring asks of the area; a page is typical. */
static union {
	uint64_t align;
	unsigned char bytes[4096];
} page;

int main(void)
{
	int rc = sring_api_use(page.bytes, sizeof(page.bytes));
	int rcxx = sring_api_use_cxx(page.bytes, sizeof(page.bytes));

	printf("sring_api_use: %d, sring_api_use_cxx: %d (0 = all steps ok)\n",
	       rc, rcxx);
	return rc != 0 || rcxx != 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Differential test of sring/xen.h against Xen 4.17's io/ring.h: the same
 * driver-style program (tests/xen/driver.c), compiled against each header,
 * must report the same macro results and leave the same shared bytes after
 * every step, from index 0 and across the 2^32 wrap, with
 * RING_HAS_UNCONSUMED_* as counts and as booleans.
 */
#include "sring_test.h"

#include <stdio.h>
#include <stdlib.h>

#include "xen/driver.h"

struct step {
	char what[24];
	unsigned int nv;
	uint64_t v[XDRV_MAXV];
	unsigned char mem[XDRV_MEM];
};

struct trace {
	struct step *s;
	size_t n, cap;
	size_t cmp;       /* replay: next step to compare */
	size_t mismatches;
};

static void record(void *ctx, const char *what, const uint64_t *v,
		   unsigned int nv, const unsigned char *mem)
{
	struct trace *t = ctx;
	struct step *s;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->s = realloc(t->s, t->cap * sizeof(*t->s));
		assert_non_null(t->s);
	}
	s = &t->s[t->n++];
	snprintf(s->what, sizeof(s->what), "%s", what);
	s->nv = nv;
	memcpy(s->v, v, nv * sizeof(*v));
	memcpy(s->mem, mem, XDRV_MEM);
}

/* Compares one step of the sring build with the Xen build's record. */
static void compare(void *ctx, const char *what, const uint64_t *v,
		    unsigned int nv, const unsigned char *mem)
{
	struct trace *t = ctx;
	const struct step *s;
	size_t i = t->cmp++;
	unsigned int k;

	if (i >= t->n) {
		print_error("step %zu (%s): Xen's build stopped earlier\n",
			    i, what);
		t->mismatches++;
		return;
	}
	s = &t->s[i];
	if (t->mismatches > 5)
		return;
	if (strcmp(s->what, what) != 0 || s->nv != nv) {
		print_error("step %zu: xen did %s/%u, sring did %s/%u\n", i,
			    s->what, s->nv, what, nv);
		t->mismatches++;
		return;
	}
	for (k = 0; k < nv; k++)
		if (s->v[k] != v[k]) {
			print_error("step %zu (%s): value %u: xen %llu, sring %llu\n",
				    i, what, k, (unsigned long long)s->v[k],
				    (unsigned long long)v[k]);
			t->mismatches++;
		}
	for (k = 0; k < XDRV_MEM; k++)
		if (s->mem[k] != mem[k]) {
			print_error("step %zu (%s): shared byte %u: xen %#x, sring %#x\n",
				    i, what, k, s->mem[k], mem[k]);
			t->mismatches++;
			break;
		}
}

static size_t count(const struct trace *t, const char *what, unsigned int k,
		    uint64_t val)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->s[i].what, what) == 0 && t->s[i].nv > k &&
		    t->s[i].v[k] == val)
			n++;
	return n;
}

static size_t count_any(const struct trace *t, const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		n += strcmp(t->s[i].what, what) == 0;
	return n;
}

#define ROUNDS 400

static struct trace run_both(xdrv_run_fn *xen, xdrv_run_fn *sring,
			     uint32_t ring_start, uint32_t flex_start)
{
	struct trace t;

	memset(&t, 0, sizeof(t));
	xen(record, &t, ring_start, flex_start, ROUNDS);
	sring(compare, &t, ring_start, flex_start, ROUNDS);
	assert_int_equal(t.mismatches, 0);
	assert_int_equal(t.cmp, t.n);
	return t;
}

/* The schedule must reach every state the comparison is meant to cover. */
static void check_coverage(const struct trace *t)
{
	assert_true(t->n > 5000);
	assert_true(count(t, "push_req_notify", 0, 1) > 0);
	assert_true(count(t, "push_req_notify", 0, 0) > 0);
	assert_true(count(t, "push_rsp_notify", 0, 1) > 0);
	assert_true(count(t, "push_rsp_notify", 0, 0) > 0);
	assert_true(count(t, "final_check_req", 0, 0) > 0);
	assert_true(count(t, "final_check_rsp", 0, 0) > 0);
	assert_true(count(t, "queued", 2, 1) > 0); /* RING_FULL seen */
	assert_true(count_any(t, "copy_request") > 1000);
	assert_true(count_any(t, "copy_response") > 1000);
	assert_true(count_any(t, "flex_write") > 100);
	assert_true(count_any(t, "flex_read") > 100);
	assert_true(count_any(t, "lying_req_prod") > 10);
}

/* Same results and bytes at every step, indices starting at 0. */
static void test_xen_diff_from_zero(void **state)
{
	struct trace t = run_both(xdrv_run_xen, xdrv_run_sring, 0, 0);

	(void)state;
	check_coverage(&t);
	free(t.s);
}

/* Same results and bytes while every index crosses 2^32. */
static void test_xen_diff_across_wrap(void **state)
{
	struct trace t = run_both(xdrv_run_xen, xdrv_run_sring, 0xffffff00u,
				  0xffffc000u);
	const struct step *end = NULL;
	size_t i;

	(void)state;
	check_coverage(&t);
	assert_true(count_any(&t, "attach") == 1);
	for (i = 0; i < t.n; i++)
		if (strcmp(t.s[i].what, "ring_end") == 0)
			end = &t.s[i];
	assert_non_null(end);
	/* Both sides ended past the wrap: small indices again. */
	assert_true(end->v[0] < 0x10000u && end->v[3] < 0x10000u);
	/* The flex producer wrapped while its consumer had not yet. */
	for (i = 0; i < t.n; i++)
		if (strcmp(t.s[i].what, "flex_queued") == 0 &&
		    t.s[i].v[1] < t.s[i].v[2])
			break;
	assert_true(i < t.n);
	free(t.s);
}

/* With XEN_RING_HAS_UNCONSUMED_IS_BOOL both builds report 0/1 alike. */
static void test_xen_diff_bool(void **state)
{
	struct trace t = run_both(xdrv_run_xen_bool, xdrv_run_sring_bool,
				  0xffffff00u, 0);
	size_t i;

	(void)state;
	check_coverage(&t);
	for (i = 0; i < t.n; i++)
		if (strcmp(t.s[i].what, "back_has") == 0)
			assert_true(t.s[i].v[0] <= 1);
	/* ...while the count build really returned counts above 1. */
	free(t.s);
	t = run_both(xdrv_run_xen, xdrv_run_sring, 0xffffff00u, 0);
	for (i = 0; i < t.n; i++)
		if (strcmp(t.s[i].what, "back_has") == 0 && t.s[i].v[0] > 1)
			break;
	assert_true(i < t.n);
	free(t.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xen_diff_from_zero),
		cmocka_unit_test(test_xen_diff_across_wrap),
		cmocka_unit_test(test_xen_diff_bool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

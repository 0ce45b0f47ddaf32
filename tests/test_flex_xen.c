/* SPDX-License-Identifier: MIT */
/*
 * flex.h and proto/console.h against Xen's own headers (Debian's
 * libxen-dev): the flex index page, the 9pfs and pvcalls pages and the
 * console page have Xen's offsets and sizes, and a peer written with
 * Xen's DEFINE_XEN_FLEX_RING helpers (following the 9pfs "Ring Usage"
 * recipe) exchanges random streams with an sring peer on the same memory,
 * in both directions and both roles, across the wrap of the data area and
 * of the 32-bit indices.
 */
#include "sring_test.h"

#include <stdio.h>
#include <stdlib.h>

/* What Xen's ring.h wants from its includer (see its header comment). */
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
typedef uint32_t grant_ref_t;
#include <xen/io/ring.h>
DEFINE_XEN_FLEX_RING_AND_INTF(xdiff);
#define XEN_WANT_FLEX_CONSOLE_RING
#include <xen/io/console.h>

#include <sring/flex.h>
#include <sring/proto/console.h>

/* Compile-time layout checks: Xen's structs against ours. */
#define SAME_OFF(xt, st, f) \
	SRING_STATIC_ASSERT(offsetof(xt, f) == offsetof(st, f), same_##f)
SAME_OFF(struct xdiff_data_intf, struct sring_flex_xen_intf, in_cons);
SAME_OFF(struct xdiff_data_intf, struct sring_flex_xen_intf, in_prod);
SAME_OFF(struct xdiff_data_intf, struct sring_flex_xen_intf, out_cons);
SAME_OFF(struct xdiff_data_intf, struct sring_flex_xen_intf, out_prod);
SAME_OFF(struct xdiff_data_intf, struct sring_flex_xen_intf, ring_order);
SRING_STATIC_ASSERT(offsetof(struct xdiff_data_intf, ref) ==
		    SRING_FLEX_XEN_REF_OFFSET, ref_offset);
SRING_STATIC_ASSERT(sizeof(struct xdiff_data_intf) ==
		    sizeof(struct sring_flex_xen_intf), intf_size);
SAME_OFF(struct xencons_interface, struct sring_console_page, in);
SAME_OFF(struct xencons_interface, struct sring_console_page, out);
SAME_OFF(struct xencons_interface, struct sring_console_page, in_cons);
SAME_OFF(struct xencons_interface, struct sring_console_page, in_prod);
SAME_OFF(struct xencons_interface, struct sring_console_page, out_cons);
SAME_OFF(struct xencons_interface, struct sring_console_page, out_prod);

/* The flex index page: every field where Xen has it. */
static void test_flex_xen_intf_layout(void **state)
{
	unsigned int o;

	(void)state;
	assert_int_equal(offsetof(struct xdiff_data_intf, in_cons), 0);
	assert_int_equal(offsetof(struct xdiff_data_intf, in_prod), 4);
	assert_int_equal(offsetof(struct xdiff_data_intf, out_cons), 64);
	assert_int_equal(offsetof(struct xdiff_data_intf, out_prod), 68);
	assert_int_equal(offsetof(struct xdiff_data_intf, ring_order), 128);
	assert_int_equal(offsetof(struct xdiff_data_intf, ref), 132);
	assert_int_equal(sizeof(struct sring_flex_xen_intf), 132);
	for (o = 0; o <= 9; o++)
		assert_int_equal(XEN_FLEX_RING_SIZE(o),
				 SRING_FLEX_XEN_RING_SIZE(o));
}

/* The console page: Xen's offsets, and the connection byte where the
 * installed header has it (Xen 4.17's has not: it ends at 3088). */
static void test_flex_xen_console_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(((struct xencons_interface *)0)->in),
			 SRING_CONSOLE_IN_SIZE);
	assert_int_equal(sizeof(((struct xencons_interface *)0)->out),
			 SRING_CONSOLE_OUT_SIZE);
	assert_int_equal(offsetof(struct xencons_interface, in_cons), 3072);
	assert_int_equal(offsetof(struct xencons_interface, out_prod), 3084);
#ifdef XENCONSOLE_CONNECTED
	assert_int_equal(offsetof(struct xencons_interface, connection),
			 offsetof(struct sring_console_page, connection));
	assert_int_equal(XENCONSOLE_CONNECTED, SRING_CONSOLE_CONNECTED);
	assert_int_equal(XENCONSOLE_DISCONNECTED, SRING_CONSOLE_DISCONNECTED);
	print_message("installed console.h has the connection byte\n");
#else
	assert_int_equal(sizeof(struct xencons_interface), 3088);
	assert_int_equal(offsetof(struct sring_console_page, connection), 3088);
	print_message("installed console.h has no connection byte (3088 B)\n");
#endif
}

#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || \
	defined(__arm__)
/* io/9pfs.h and io/pvcalls.h pull in xen.h, which exists only for the
 * architectures Xen runs on. */
#include <xen/io/9pfs.h>
#include <xen/io/pvcalls.h>

/* 9pfs uses the flex page as is; pvcalls keeps the same offsets for the
 * words sring uses, with error words in the padding. */
static void test_flex_xen_9pfs_pvcalls_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct xen_9pfs_data_intf), 132);
	assert_int_equal(offsetof(struct xen_9pfs_data_intf, out_prod), 68);
	assert_int_equal(offsetof(struct xen_9pfs_data_intf, ring_order), 128);
	assert_int_equal(offsetof(struct pvcalls_data_intf, in_cons), 0);
	assert_int_equal(offsetof(struct pvcalls_data_intf, in_prod), 4);
	assert_int_equal(offsetof(struct pvcalls_data_intf, out_cons), 64);
	assert_int_equal(offsetof(struct pvcalls_data_intf, out_prod), 68);
	assert_int_equal(offsetof(struct pvcalls_data_intf, ring_order), 128);
	assert_int_equal(offsetof(struct pvcalls_data_intf, ref), 132);
}
#define SRING_HAVE_XEN_ARCH 1
#endif

/* Xen's queued() masks corrupt indices into a plausible count; ours
 * refuses them. */
static void test_flex_xen_queued_masks_ours_refuses(void **state)
{
	(void)state;
	assert_int_equal(xdiff_queued(100, 0, 64), 36);
	assert_int_equal(sring_flex_queued(100, 0, 64), SRING_EPROTO);
	assert_int_equal(xdiff_queued(0xfffffff0u, 0, 64), 48);
	assert_int_equal(sring_flex_queued(0xfffffff0u, 0, 64), SRING_EPROTO);
	/* and agrees on every legal pair */
	assert_int_equal(xdiff_queued(64, 0, 64), 64);
	assert_int_equal(sring_flex_queued(64, 0, 64), 64);
	assert_int_equal(xdiff_queued(5, 0xfffffffdu, 64),
			 (RING_IDX)sring_flex_queued(5, 0xfffffffdu, 64));
	/* Xen's pointer helper masks like sring's copies do */
	{
		unsigned char b[64];

		assert_ptr_equal(xdiff_get_ring_ptr(b, 0xffffffc5u, 64), b + 5);
	}
}

/* ---------------------------------------------------------------------
 * Xen-recipe peers (docs/misc/9pfs.pandoc, "Ring Usage"): plain accesses
 * to the shared words with Xen's barriers, exactly as Xen's users write
 * them.
 * ------------------------------------------------------------------- */

typedef void (*xread_fn)(void *, const unsigned char *, size_t, RING_IDX,
			 RING_IDX *, RING_IDX);
typedef void (*xwrite_fn)(unsigned char *, const void *, size_t, RING_IDX *,
			  RING_IDX, RING_IDX);
typedef RING_IDX (*xqueued_fn)(RING_IDX, RING_IDX, RING_IDX);

struct xpeer {
	volatile RING_IDX *prod, *cons;
	unsigned char *buf;
	RING_IDX size;
	xread_fn read_packet;
	xwrite_fn write_packet;
	xqueued_fn queued;
};

/* Reader: read cons, prod; rmb; copy; mb; advance cons. */
static size_t xpeer_read(struct xpeer *x, unsigned char *dst, size_t want)
{
	RING_IDX cons = *x->cons, prod = *x->prod, mp, mc, q;

	xen_rmb();
	q = x->queued(prod, cons, x->size);
	if (want > q)
		want = q;
	if (want == 0)
		return 0;
	mp = prod & (x->size - 1);
	mc = cons & (x->size - 1);
	x->read_packet(dst, x->buf, want, mp, &mc, x->size);
	xen_mb();
	*x->cons = cons + (RING_IDX)want;
	return want;
}

/* Writer: read cons, prod; mb; copy; wmb; advance prod. */
static size_t xpeer_write(struct xpeer *x, const unsigned char *src,
			  size_t want)
{
	RING_IDX cons = *x->cons, prod = *x->prod, mp, mc, room;

	xen_mb();
	room = x->size - x->queued(prod, cons, x->size);
	if (want > room)
		want = room;
	if (want == 0)
		return 0;
	mp = prod & (x->size - 1);
	mc = cons & (x->size - 1);
	x->write_packet(x->buf, src, want, &mp, mc, x->size);
	xen_wmb();
	*x->prod = prod + (RING_IDX)want;
	return want;
}

static unsigned char stream_byte(uint64_t i)
{
	uint64_t v = (i + 1) * 0x9e3779b97f4a7c15ull;

	return (unsigned char)(v >> 56);
}

/*
 * One ring, one sring side and one Xen side on the same memory, random
 * steps: the stream the writer produced is the stream the reader gets.
 * sring_writes selects who writes.
 */
static void exchange(struct sring_flex_layout *l, xread_fn rp, xwrite_fn wp,
		     xqueued_fn qf, int sring_writes, sring_idx_t idx,
		     unsigned int seed, int steps)
{
	struct sring_flex f;
	struct xpeer x;
	uint64_t wdone = 0, rdone = 0;
	uint32_t size = l->size;
	unsigned char *tmp = malloc(2u * size + 8u);
	int i;

	assert_non_null(tmp);
	*l->prod = idx;
	*l->cons = idx;
	memset(l->data, 0, size);
	assert_int_equal(sring_flex_attach(&f, sring_writes ? SRING_FLEX_WRITER
					   : SRING_FLEX_READER, l, idx),
			 SRING_OK);
	x.prod = l->prod;
	x.cons = l->cons;
	x.buf = l->data;
	x.size = size;
	x.read_packet = rp;
	x.write_packet = wp;
	x.queued = qf;
	for (i = 0; i < steps; i++) {
		size_t want = (size_t)(rand_r(&seed) % (size + size / 2u)) + 1u;
		size_t k, n;
		int rc;

		if (rand_r(&seed) & 1) {
			/* writer step */
			for (k = 0; k < want; k++)
				tmp[k] = stream_byte(wdone + k);
			if (sring_writes) {
				struct sring_flex_span sp[2];

				switch (rand_r(&seed) % 3) {
				case 0:
					rc = sring_flex_write(&f, tmp, want);
					break;
				case 1:
					rc = sring_flex_write_all(&f, tmp,
						want > size ? size : want);
					if (rc == SRING_FULL)
						rc = 0;
					break;
				default:
					rc = sring_flex_reserve(&f, want, sp);
					if (rc > 0) {
						memcpy(sp[0].p, tmp, sp[0].len);
						memcpy(sp[1].p ? sp[1].p : tmp,
						       tmp + sp[0].len, sp[1].len);
						assert_int_equal(sring_flex_commit(
							&f, (size_t)rc), SRING_OK);
					}
					break;
				}
				assert_true(rc >= 0);
				assert_true(sring_flex_push(&f) >= 0);
				n = (size_t)rc;
			} else {
				n = xpeer_write(&x, tmp, want);
			}
			wdone += n;
		} else {
			/* reader step */
			if (sring_writes) {
				n = xpeer_read(&x, tmp, want);
			} else {
				struct sring_flex_span sp[2];

				switch (rand_r(&seed) % 3) {
				case 0:
					rc = sring_flex_read(&f, tmp, want);
					break;
				case 1:
					rc = sring_flex_read_all(&f, tmp,
						want > size ? size : want);
					if (rc == SRING_EMPTY)
						rc = 0;
					break;
				default:
					rc = sring_flex_spans(&f, sp);
					if (rc > 0) {
						memcpy(tmp, sp[0].p, sp[0].len);
						memcpy(tmp + sp[0].len,
						       sp[1].p ? sp[1].p : tmp,
						       sp[1].len);
						assert_int_equal(sring_flex_release(
							&f, (size_t)rc), SRING_OK);
					}
					break;
				}
				assert_true(rc >= 0);
				assert_true(sring_flex_push(&f) >= 0);
				n = (size_t)rc;
			}
			for (k = 0; k < n; k++)
				if (tmp[k] != stream_byte(rdone + k))
					fail_msg("byte %llu differs",
						 (unsigned long long)(rdone + k));
			rdone += n;
			assert_true(rdone <= wdone);
		}
		assert_true(wdone - rdone <= size);
		assert_int_equal((sring_idx_t)(*l->prod - *l->cons),
				 (sring_idx_t)(wdone - rdone));
	}
	/* both sides moved a lot, and the counters agree to the byte */
	assert_true(rdone > (uint64_t)steps * size / 8u);
	assert_int_equal(*l->prod, (sring_idx_t)(idx + wdone));
	assert_int_equal(sring_flex_broken(&f), 0);
	free(tmp);
}

/* On Xen's flex page, order 0 and 1, both halves: sring writes what a
 * Xen-recipe reader reads, and reads what a Xen-recipe writer writes. */
static void test_flex_xen_exchange_flex_page(void **state)
{
	static const sring_idx_t starts[] = { 0u, 0xffffff00u, 0x7ffffff0u };
	unsigned int order;
	size_t si;

	(void)state;
	for (order = 0; order <= 1; order++)
		for (si = 0; si < 3; si++) {
			size_t bytes = 2u * XEN_FLEX_RING_SIZE(order);
			struct xdiff_data_intf *xi = aligned_alloc(4096, 4096);
			unsigned char *data = malloc(bytes);
			struct sring_flex_layout l;
			int dir, who;

			assert_non_null(xi);
			assert_non_null(data);
			memset(xi, 0, 4096);
			xi->ring_order = order;
			for (dir = 0; dir <= 1; dir++)
				for (who = 0; who <= 1; who++) {
					assert_int_equal(sring_flex_xen_layout(&l,
						(struct sring_flex_xen_intf *)(void *)xi,
						data, order, dir), SRING_OK);
					/* the layout points at Xen's fields */
					assert_ptr_equal(l.prod, dir ? &xi->out_prod
							 : &xi->in_prod);
					assert_ptr_equal(l.cons, dir ? &xi->out_cons
							 : &xi->in_cons);
					exchange(&l, xdiff_read_packet,
						 xdiff_write_packet, xdiff_queued,
						 who, starts[si],
						 (unsigned)(order * 100 + si * 10 +
							    (unsigned)(dir * 2 + who)),
						 20000);
				}
			free(data);
			free(xi);
		}
}

/* On the console page with Xen's own xencons_* helpers: guest and daemon
 * rings, sring on either end. */
static void test_flex_xen_exchange_console(void **state)
{
	struct xencons_interface *xc = aligned_alloc(4096, 4096);
	struct sring_console_page *p = (struct sring_console_page *)(void *)xc;
	struct sring_flex_layout l;
	int dir, who;

	(void)state;
	assert_non_null(xc);
	memset(xc, 0, 4096);
	for (dir = 0; dir <= 1; dir++)
		for (who = 0; who <= 1; who++) {
			assert_int_equal(sring_console_layout(&l, p, dir),
					 SRING_OK);
			assert_ptr_equal(l.data, dir ? (void *)xc->out
					 : (void *)xc->in);
			assert_ptr_equal(l.prod, dir ? &xc->out_prod
					 : &xc->in_prod);
			assert_int_equal(l.size, dir ? sizeof(xc->out)
					 : sizeof(xc->in));
			exchange(&l, xencons_read_packet, xencons_write_packet,
				 xencons_queued, who, 0xfffff000u,
				 (unsigned)(dir * 2 + who + 1), 20000);
		}
	free(xc);
}

/* A whole console session: an sring guest attaches to a page a
 * Xen-recipe peer wrote to first, the Xen-recipe daemon reads what the
 * sring guest prints with MASK_XENCONS_IDX, and then an sring daemon
 * (a restarted xenconsoled) attaches to the live page, finds nothing
 * unread and talks to the guest. */
static void test_flex_xen_console_attach_live_page(void **state)
{
	struct xencons_interface *xc = aligned_alloc(4096, 4096);
	struct sring_console_page *p = (struct sring_console_page *)(void *)xc;
	struct sring_console g, d;
	const char msg[] = "hello from the guest\n";
	char got[64];
	XENCONS_RING_IDX cons, prod;
	size_t i = 0;

	(void)state;
	memset(&g, 0, sizeof(g));
	assert_non_null(xc);
	memset(xc, 0, 4096);
	xc->out_cons = xc->out_prod = 5000; /* an old session's indices */
	xc->in_cons = 70;
	xc->in_prod = 72;
	xc->in[70 & 1023] = 'o';
	xc->in[71 & 1023] = 'k';
	assert_int_equal(sring_console_guest_attach(&g, p), SRING_OK);
	assert_int_equal(sring_flex_read(&g.rx, got, sizeof(got)), 2);
	assert_memory_equal(got, "ok", 2);
	assert_int_equal(sring_flex_write(&g.tx, msg, sizeof(msg) - 1),
			 (int)sizeof(msg) - 1);
	assert_int_equal(sring_flex_push(&g.tx), 1);
	assert_int_equal(sring_flex_push(&g.rx), 1);
	assert_int_equal(xc->in_cons, 72);
	/* xenconsoled's loop, as in tools/console/daemon/io.c */
	cons = xc->out_cons;
	prod = xc->out_prod;
	xen_rmb();
	assert_true(prod - cons <= sizeof(xc->out));
	while (cons != prod)
		got[i++] = xc->out[MASK_XENCONS_IDX(cons++, xc->out)];
	xen_mb();
	xc->out_cons = cons;
	assert_int_equal(i, sizeof(msg) - 1);
	assert_memory_equal(got, msg, i);
	/* The sring daemon takes over the live page. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(sring_console_daemon_attach(&d, p), SRING_OK);
	assert_int_equal(sring_flex_read(&d.rx, got, sizeof(got)), 0);
	assert_int_equal(sring_flex_write(&d.tx, "go", 2), 2);
	assert_int_equal(sring_flex_push(&d.tx), 1);
	assert_int_equal(xc->in_prod, 74);
	assert_int_equal(sring_flex_read(&g.rx, got, sizeof(got)), 2);
	assert_memory_equal(got, "go", 2);
	assert_int_equal(sring_flex_write(&g.tx, "!", 1), 1);
	assert_int_equal(sring_flex_push(&g.tx), 1);
	assert_int_equal(sring_flex_read(&d.rx, got, sizeof(got)), 1);
	assert_int_equal(got[0], '!');
	free(xc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flex_xen_intf_layout),
		cmocka_unit_test(test_flex_xen_console_layout),
#ifdef SRING_HAVE_XEN_ARCH /* else: not built (x86 and Arm runs check it) */
		cmocka_unit_test(test_flex_xen_9pfs_pvcalls_layout),
#endif
		cmocka_unit_test(test_flex_xen_queued_masks_ours_refuses),
		cmocka_unit_test(test_flex_xen_exchange_flex_page),
		cmocka_unit_test(test_flex_xen_exchange_console),
		cmocka_unit_test(test_flex_xen_console_attach_live_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Byte-stream rings (flex.h), single-threaded: every size across the wrap
 * for each copy and zero-copy call, full and empty, partial and
 * all-or-nothing writes, framed messages, the notification rules with and
 * without event words, local misuse, and a hostile peer writing the
 * shared indices and frame lengths.
 */
#include "sring_test.h"

#include <stdio.h>
#include <stdlib.h>

#include <sring/flex.h>

/*
 * A ring whose data area is allocated to its exact size, so ASan catches
 * any byte outside it, and whose index words live apart from it.
 */
struct fx {
	sring_idx_t words[4]; /* prod, cons, prod_event, cons_event */
	unsigned char *data;
	uint32_t size;
	struct sring_flex_layout l;
	struct sring_flex w;
	struct sring_flex r;
};

#define PROD(x) ((x)->words[0])
#define CONS(x) ((x)->words[1])
#define PEV(x) ((x)->words[2])
#define CEV(x) ((x)->words[3])

static struct fx *fx_new(uint32_t size, sring_idx_t idx, int events)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->size = size;
	x->data = malloc(size);
	assert_non_null(x->data);
	memset(x->data, 0xa5, size);
	x->l.prod = &x->words[0];
	x->l.cons = &x->words[1];
	x->l.prod_event = events ? &x->words[2] : NULL;
	x->l.cons_event = events ? &x->words[3] : NULL;
	x->l.data = x->data;
	x->l.size = size;
	assert_int_equal(sring_flex_shared_init(&x->l, idx), SRING_OK);
	assert_int_equal(sring_flex_attach(&x->w, SRING_FLEX_WRITER, &x->l, idx),
			 SRING_OK);
	assert_int_equal(sring_flex_attach(&x->r, SRING_FLEX_READER, &x->l, idx),
			 SRING_OK);
	return x;
}

static void fx_free(struct fx *x)
{
	free(x->data);
	free(x);
}

/* Deterministic test bytes: byte i of a stream that starts at seed. */
static unsigned char pat(uint32_t seed, uint32_t i)
{
	uint32_t v = (seed + i) * 2654435761u;

	return (unsigned char)(v >> 24);
}

static void fill(unsigned char *b, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = pat(seed, (uint32_t)i);
}

/* Start indices: zero, and just below 2^32 so the wrap of the counter
 * itself falls inside every sweep. */
static const sring_idx_t bases[] = { 0u, 0xfffffff0u };

/* Invalid layouts and sizes are refused at attach time. */
static void test_flex_attach_rejects_bad_layouts(void **state)
{
	sring_idx_t p = 0, c = 0, e1 = 0, e2 = 0;
	unsigned char d[64];
	struct sring_flex f;
	struct sring_flex_layout l;

	(void)state;
	assert_int_equal(sring_flex_writer_init(&f, &p, &c, d, 0), SRING_EINVAL);
	assert_int_equal(sring_flex_writer_init(&f, &p, &c, d, 48), SRING_EINVAL);
	assert_int_equal(sring_flex_reader_init(&f, &p, &c, NULL, 64),
			 SRING_EINVAL);
	assert_int_equal(sring_flex_reader_init(&f, NULL, &c, d, 64),
			 SRING_EINVAL);
	assert_int_equal(sring_flex_writer_init(&f, &p, &c, d,
						(size_t)SRING_FLEX_MAX_SIZE * 2u),
			 SRING_EINVAL);
	assert_int_equal(sring_flex_writer_init(&f, &p, &c, d, 64), SRING_OK);
	assert_int_equal(sring_flex_size(&f), 64);
	assert_int_equal(sring_flex_reader_init(&f, &p, &c, d, 1), SRING_OK);
	l.prod = &p;
	l.cons = &c;
	l.prod_event = &e1;
	l.cons_event = NULL; /* one event word without the other */
	l.data = d;
	l.size = 64;
	assert_int_equal(sring_flex_attach(&f, SRING_FLEX_WRITER, &l, 0),
			 SRING_EINVAL);
	l.cons_event = &e2;
	assert_int_equal(sring_flex_attach(&f, 3, &l, 0), SRING_EINVAL);
	assert_int_equal(sring_flex_attach(&f, SRING_FLEX_READER, &l, 0),
			 SRING_OK);
	assert_int_equal(sring_flex_shared_init(NULL, 0), SRING_EINVAL);
}

/* write/read of every length at every ring offset copies the stream
 * exactly, across the wrap of the area and of the 32-bit counter. */
static void test_flex_write_read_every_size_across_wrap(void **state)
{
	const uint32_t size = 32;
	unsigned char in[64], out[64], pk[64];
	uint32_t off, n;
	size_t bi;

	(void)state;
	for (bi = 0; bi < 2; bi++)
		for (off = 0; off < size; off++)
			for (n = 0; n <= size; n++) {
				struct fx *x = fx_new(size, bases[bi] + off, 0);

				fill(in, n, off * 131u + n);
				memset(out, 0, sizeof(out));
				assert_int_equal(sring_flex_write(&x->w, in, n),
						 (int)n);
				assert_int_equal(sring_flex_push(&x->w), n ? 1 : 0);
				assert_int_equal(PROD(x), bases[bi] + off + n);
				assert_int_equal(sring_flex_avail(&x->r), (int)n);
				assert_int_equal(sring_flex_peek(&x->r, pk, n),
						 (int)n);
				assert_int_equal(sring_flex_read(&x->r, out, n),
						 (int)n);
				assert_memory_equal(in, pk, n);
				assert_memory_equal(in, out, n);
				assert_int_equal(sring_flex_push(&x->r), n ? 1 : 0);
				assert_int_equal(CONS(x), bases[bi] + off + n);
				assert_int_equal(sring_flex_free(&x->w), (int)size);
				fx_free(x);
			}
}

/* read_all/write_all of every length at every offset moves exactly that
 * many bytes; reading more than is there moves nothing. */
static void test_flex_all_or_nothing_every_size(void **state)
{
	const uint32_t size = 16;
	unsigned char in[32], out[32];
	uint32_t off, n, pre;

	(void)state;
	for (off = 0; off < size; off++)
		for (pre = 0; pre <= size; pre++)
			for (n = 1; n <= size; n++) {
				struct fx *x = fx_new(size, 0xfffffff8u + off, 0);
				int want = pre + n <= size ? (int)n : SRING_FULL;

				fill(in, size, pre);
				assert_int_equal(sring_flex_write(&x->w, in, pre),
						 (int)pre);
				assert_int_equal(sring_flex_write_all(&x->w, in, n),
						 want);
				if (want == SRING_FULL)
					/* nothing of the failed write moved */
					assert_int_equal(sring_flex_index(&x->w),
							 0xfffffff8u + off + pre);
				sring_flex_push(&x->w);
				if (want == SRING_FULL) {
					/* only the first write is there */
					if (pre < size)
						assert_int_equal(sring_flex_read_all(
							&x->r, out, pre + 1u), SRING_EMPTY);
					assert_int_equal(sring_flex_read_all(&x->r,
							 out, pre), (int)pre);
				} else {
					if (pre + n < size)
						assert_int_equal(sring_flex_read_all(
							&x->r, out, pre + n + 1u), SRING_EMPTY);
					assert_int_equal(sring_flex_read_all(&x->r,
							 out, pre + n), (int)(pre + n));
					assert_memory_equal(out, in, pre);
					assert_memory_equal(out + pre, in, n);
				}
				fx_free(x);
			}
}

/* Writes larger than the free space are cut to what fits, and report it. */
static void test_flex_partial_write_reports_what_fit(void **state)
{
	struct fx *x = fx_new(64, 7, 0);
	unsigned char in[200], out[200];

	(void)state;
	fill(in, sizeof(in), 3);
	assert_int_equal(sring_flex_write(&x->w, in, 50), 50);
	assert_int_equal(sring_flex_write(&x->w, in + 50, 150), 14);
	assert_int_equal(sring_flex_write(&x->w, in + 64, 1), 0);
	assert_int_equal(sring_flex_push(&x->w), 1);
	assert_int_equal(sring_flex_read(&x->r, out, 10), 10);
	assert_int_equal(sring_flex_push(&x->r), 1);
	/* the writer re-loads cons only when its snapshot is too small */
	assert_int_equal(sring_flex_write(&x->w, in + 64, 136), 10);
	assert_int_equal(sring_flex_push(&x->w), 1);
	assert_int_equal(sring_flex_read(&x->r, out + 10, 190), 64);
	assert_memory_equal(in, out, 74);
	fx_free(x);
}

/* A full ring refuses more, an empty one gives nothing; neither blocks. */
static void test_flex_full_and_empty(void **state)
{
	struct fx *x = fx_new(8, 0xfffffffcu, 0);
	unsigned char b[8] = "abcdefg";
	struct sring_flex_span sp[2];

	(void)state;
	assert_int_equal(sring_flex_avail(&x->r), 0);
	assert_int_equal(sring_flex_read(&x->r, b, 8), 0);
	assert_int_equal(sring_flex_peek(&x->r, b, 8), 0);
	assert_int_equal(sring_flex_read_all(&x->r, b, 1), SRING_EMPTY);
	assert_int_equal(sring_flex_read_msg(&x->r, b, 8), SRING_EMPTY);
	assert_int_equal(sring_flex_spans(&x->r, sp), 0);
	assert_null(sp[0].p);
	assert_null(sp[1].p);
	assert_int_equal(sring_flex_push(&x->r), 0);
	assert_int_equal(sring_flex_write(&x->w, b, 8), 8);
	assert_int_equal(sring_flex_free(&x->w), 0);
	assert_int_equal(sring_flex_write(&x->w, b, 1), 0);
	assert_int_equal(sring_flex_write_all(&x->w, b, 1), SRING_FULL);
	assert_int_equal(sring_flex_write_msg(&x->w, b, 0), SRING_FULL);
	assert_int_equal(sring_flex_reserve(&x->w, 5, sp), 0);
	assert_int_equal(sp[0].len + sp[1].len, 0);
	assert_int_equal(sring_flex_write_all(&x->w, b, 9), SRING_EINVAL);
	assert_int_equal(sring_flex_push(&x->w), 1);
	assert_int_equal(sring_flex_avail(&x->r), 8);
	fx_free(x);
}

/* reserve hands out exactly the free bytes as at most two spans inside
 * the area, and commit of any part publishes exactly that part. */
static void test_flex_reserve_commit_every_size(void **state)
{
	const uint32_t size = 16;
	unsigned char out[32];
	struct sring_flex_span sp[2];
	uint32_t off, pre, n, c;

	(void)state;
	for (off = 0; off < size; off++)
		for (pre = 0; pre <= size; pre++)
			for (n = 0; n <= size + 1; n++) {
				struct fx *x = fx_new(size, off, 0);
				unsigned char in[32];
				uint32_t room = size - pre, k = n < room ? n : room;
				uint32_t first;

				fill(in, sizeof(in), off + 7u * n);
				assert_int_equal(sring_flex_write(&x->w, in, pre),
						 (int)pre);
				assert_int_equal(sring_flex_reserve(&x->w, n, sp),
						 (int)k);
				first = size - ((off + pre) & (size - 1u));
				if (first > k)
					first = k;
				assert_int_equal(sp[0].len, first);
				assert_int_equal(sp[1].len, k - first);
				if (first)
					assert_ptr_equal(sp[0].p, x->data +
						((off + pre) & (size - 1u)));
				else
					assert_null(sp[0].p);
				if (k > first)
					assert_ptr_equal(sp[1].p, x->data);
				else
					assert_null(sp[1].p);
				memcpy(sp[0].p ? sp[0].p : out, in + pre, sp[0].len);
				memcpy(sp[1].p ? sp[1].p : out, in + pre + first,
				       sp[1].len);
				c = k / 2u + (k & 1u); /* commit a part */
				assert_int_equal(sring_flex_commit(&x->w, c),
						 SRING_OK);
				sring_flex_push(&x->w);
				assert_int_equal(sring_flex_read(&x->r, out,
								 sizeof(out)),
						 (int)(pre + c));
				assert_memory_equal(out, in, pre + c);
				fx_free(x);
			}
}

/* spans show every unread byte as at most two pieces at the right
 * places; release of any part consumes exactly that part. */
static void test_flex_spans_release_every_size(void **state)
{
	const uint32_t size = 16;
	unsigned char in[32], out[32];
	struct sring_flex_span sp[2];
	uint32_t off, n, rel;

	(void)state;
	for (off = 0; off < size; off++)
		for (n = 0; n <= size; n++)
			for (rel = 0; rel <= n; rel++) {
				struct fx *x = fx_new(size, 0xffffffffu - off, 0);
				uint32_t o = (0xffffffffu - off) & (size - 1u);
				uint32_t first = size - o < n ? size - o : n;

				fill(in, n, off + n);
				sring_flex_write(&x->w, in, n);
				sring_flex_push(&x->w);
				assert_int_equal(sring_flex_spans(&x->r, sp),
						 (int)n);
				assert_int_equal(sp[0].len, first);
				assert_int_equal(sp[1].len, n - first);
				memcpy(out, sp[0].p ? sp[0].p : in, sp[0].len);
				memcpy(out + first, sp[1].p ? sp[1].p : in,
				       sp[1].len);
				assert_memory_equal(out, in, n);
				assert_int_equal(sring_flex_release(&x->r, rel),
						 SRING_OK);
				sring_flex_push(&x->r);
				assert_int_equal(CONS(x), 0xffffffffu - off + rel);
				assert_int_equal(sring_flex_read(&x->r, out, 32),
						 (int)(n - rel));
				assert_memory_equal(out, in + rel, n - rel);
				fx_free(x);
			}
}

/* Framed messages of every length round-trip at every offset; a frame
 * that has not fully arrived is not consumed. */
static void test_flex_msg_round_trip_every_size(void **state)
{
	const uint32_t size = 32;
	unsigned char in[32], out[32];
	uint32_t off, len;

	(void)state;
	for (off = 0; off < size; off++)
		for (len = 0; len <= size - SRING_FLEX_MSG_HDR; len++) {
			struct fx *x = fx_new(size, 0xffffffe0u + off, 0);

			fill(in, len, len);
			assert_int_equal(sring_flex_write_msg(&x->w, in, len),
					 SRING_OK);
			assert_int_equal(sring_flex_index(&x->w),
					 0xffffffe0u + off + 4u + len);
			sring_flex_push(&x->w);
			assert_int_equal(sring_flex_read_msg(&x->r, out, len),
					 (int)len);
			assert_memory_equal(in, out, len);
			assert_int_equal(sring_flex_read_msg(&x->r, out, 32),
					 SRING_EMPTY);
			fx_free(x);
		}
}

/* A message too big for the ring or the buffer, or not fully there, is
 * refused without consuming or writing anything. */
static void test_flex_msg_partial_and_too_big(void **state)
{
	struct fx *x = fx_new(32, 0, 0);
	unsigned char in[32], out[32];
	uint32_t hdr = 10;

	(void)state;
	fill(in, sizeof(in), 1);
	assert_int_equal(sring_flex_write_msg(&x->w, in, 29), SRING_EINVAL);
	assert_int_equal(sring_flex_write_msg(&x->w, in, 28), SRING_OK);
	assert_int_equal(sring_flex_write_msg(&x->w, in, 0), SRING_FULL);
	sring_flex_push(&x->w);
	assert_int_equal(sring_flex_read_msg(&x->r, out, 27), SRING_EINVAL);
	assert_int_equal(sring_flex_avail(&x->r), 32);
	assert_int_equal(sring_flex_read_msg(&x->r, out, 28), 28);
	assert_memory_equal(in, out, 28);
	sring_flex_push(&x->r);
	/* a frame whose header is there but whose payload is not yet */
	assert_int_equal(sring_flex_write(&x->w, &hdr, 4), 4);
	assert_int_equal(sring_flex_write(&x->w, in, 9), 9);
	sring_flex_push(&x->w);
	assert_int_equal(sring_flex_read_msg(&x->r, out, 32), SRING_EMPTY);
	assert_int_equal(sring_flex_index(&x->r), 32);
	assert_int_equal(sring_flex_write(&x->w, in + 9, 1), 1);
	sring_flex_push(&x->w);
	assert_int_equal(sring_flex_read_msg(&x->r, out, 32), 10);
	assert_memory_equal(in, out, 10);
	fx_free(x);
}

/* A frame length that could never fit in the ring is a protocol
 * violation: EPROTO, latched. */
static void test_flex_msg_hostile_length_latches(void **state)
{
	static const uint32_t lens[] = { 29, 32, 0x7fffffffu, 0xffffffffu };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct fx *x = fx_new(32, 0xfffffffeu, 0);
		unsigned char out[64];

		/* the hostile writer's frame header straddles the wrap */
		sring_flex_write(&x->w, &lens[i], 4);
		sring_flex_write(&x->w, out, 28);
		sring_flex_push(&x->w);
		assert_int_equal(sring_flex_read_msg(&x->r, out, sizeof(out)),
				 SRING_EPROTO);
		assert_int_equal(sring_flex_broken(&x->r), SRING_EPROTO);
		assert_int_equal(sring_flex_read(&x->r, out, 1), SRING_EPROTO);
		fx_free(x);
	}
}

/* Producer indices behind the last one seen, size+1 ahead of the
 * published cons, or far off are refused with EPROTO and latch the
 * reader; nothing is copied and cons is never written again. */
static void test_flex_hostile_prod_latches(void **state)
{
	size_t bi;

	(void)state;
	for (bi = 0; bi < 2; bi++) {
		const sring_idx_t b = bases[bi];
		const sring_idx_t bad[] = { b + 65u, b + 2u, b - 1u, b + 0x80000000u,
					    b + 0xdeadbeefu };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			struct fx *x = fx_new(64, b, 0);
			unsigned char out[128];

			memset(out, 0, sizeof(out));
			/* a legitimate batch first, partly consumed */
			PROD(x) = b + 5u;
			assert_int_equal(sring_flex_read(&x->r, out, 2), 2);
			assert_int_equal(sring_flex_push(&x->r), 1);
			/* now prod goes wrong: behind 5 (b + 2, b - 1), more than
			 * 64 ahead of cons == b + 2, or nonsense */
			PROD(x) = bad[i] == b + 65u ? b + 67u : bad[i];
			assert_int_equal(sring_flex_avail(&x->r), SRING_EPROTO);
			assert_int_equal(sring_flex_broken(&x->r), SRING_EPROTO);
			PROD(x) = b + 6u; /* even a sane value later is refused */
			assert_int_equal(sring_flex_read(&x->r, out, 1),
					 SRING_EPROTO);
			assert_int_equal(sring_flex_spans(&x->r, (struct sring_flex_span[2]){{0}}),
					 SRING_EPROTO);
			assert_int_equal(sring_flex_release(&x->r, 1),
					 SRING_EPROTO);
			assert_int_equal(sring_flex_push(&x->r), SRING_EPROTO);
			assert_int_equal(sring_flex_final_check(&x->r, 1),
					 SRING_EPROTO);
			assert_int_equal(CONS(x), b + 2u);
			fx_free(x);
		}
	}
}

/* Exactly size ahead of the published cons is legal (a full ring); one
 * more is not. */
static void test_flex_prod_limit_is_exact(void **state)
{
	struct fx *x = fx_new(64, 0xffffffc0u, 0);
	unsigned char out[64];

	(void)state;
	PROD(x) = 0xffffffc0u + 64u;
	assert_int_equal(sring_flex_avail(&x->r), 64);
	assert_int_equal(sring_flex_read(&x->r, out, 3), 3);
	/* cons not yet published: 64 past the published cons is the limit */
	PROD(x) = 0xffffffc0u + 65u;
	assert_int_equal(sring_flex_avail(&x->r), SRING_EPROTO);
	fx_free(x);

	x = fx_new(64, 0xffffffc0u, 0);
	PROD(x) = 0xffffffc0u + 64u;
	assert_int_equal(sring_flex_read(&x->r, out, 3), 3);
	assert_int_equal(sring_flex_push(&x->r), 1); /* it was full */
	/* once cons is published, the writer may go 64 past it */
	PROD(x) = 0xffffffc0u + 67u;
	assert_int_equal(sring_flex_avail(&x->r), 64);
	PROD(x) = 0xffffffc0u + 68u;
	assert_int_equal(sring_flex_avail(&x->r), SRING_EPROTO);
	fx_free(x);
}

/* Consumer indices behind the last one seen, beyond the published prod,
 * or far off are refused with EPROTO and latch the writer. */
static void test_flex_hostile_cons_latches(void **state)
{
	size_t bi;

	(void)state;
	for (bi = 0; bi < 2; bi++) {
		const sring_idx_t b = bases[bi];
		const sring_idx_t bad[] = { b + 1u, b - 1u, b + 11u, b + 65u,
					    b + 0x80000000u };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			struct fx *x = fx_new(64, b, 0);
			unsigned char in[64];

			fill(in, sizeof(in), 9);
			assert_int_equal(sring_flex_write(&x->w, in, 10), 10);
			assert_int_equal(sring_flex_push(&x->w), 1);
			CONS(x) = b + 2u;
			assert_int_equal(sring_flex_free(&x->w), 56);
			/* behind 2, beyond prod == 10, or nonsense */
			CONS(x) = bad[i];
			assert_int_equal(sring_flex_free(&x->w), SRING_EPROTO);
			assert_int_equal(sring_flex_write(&x->w, in, 1),
					 SRING_EPROTO);
			assert_int_equal(sring_flex_write_all(&x->w, in, 1),
					 SRING_EPROTO);
			assert_int_equal(sring_flex_write_msg(&x->w, in, 1),
					 SRING_EPROTO);
			assert_int_equal(sring_flex_commit(&x->w, 0),
					 SRING_EPROTO);
			assert_int_equal(sring_flex_push(&x->w), SRING_EPROTO);
			assert_int_equal(PROD(x), b + 10u);
			fx_free(x);
		}
	}
}

/* A writer filling the ring finds a corrupt cons when it reloads it
 * during a write, and writes nothing. */
static void test_flex_hostile_cons_during_write(void **state)
{
	struct fx *x = fx_new(16, 0, 0);
	unsigned char in[16] = { 0 };
	unsigned char snap[16];

	(void)state;
	assert_int_equal(sring_flex_write(&x->w, in, 16), 16);
	sring_flex_push(&x->w);
	memcpy(snap, x->data, 16);
	CONS(x) = 17; /* beyond prod */
	assert_int_equal(sring_flex_write(&x->w, "zz", 2), SRING_EPROTO);
	assert_memory_equal(snap, x->data, 16);
	fx_free(x);
}

/* Spans hand out pointers and copy nothing, so ASan cannot see a bad
 * one: both must lie inside the data area, the second (if any) must
 * start at its beginning, and together they hold n bytes. */
static void assert_spans_inside(const struct sring_flex_span sp[2],
				uint32_t n, const unsigned char *data,
				uint32_t size)
{
	assert_true(sp[0].len + sp[1].len == n);
	assert_true(sp[0].p >= data && sp[0].len <= size &&
		    sp[0].p + sp[0].len <= data + size);
	if (sp[1].len)
		assert_true(sp[1].p == data && sp[1].len <= size);
}

/* Random hostile indices and frame lengths against random calls never
 * produce a count outside 0..size, a copy outside the area (ASan
 * watches the exact-size allocation) or a span outside it. */
static void test_flex_random_hostile_indices_stay_in_bounds(void **state)
{
	unsigned int seed = 12345;
	int iter;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		uint32_t size = 1u << (rand_r(&seed) % 7);
		struct fx *x = fx_new(size, (sring_idx_t)rand_r(&seed), 0);
		unsigned char buf[256];
		struct sring_flex_span sp[2];
		int step;

		for (step = 0; step < 8; step++) {
			int rc = 0;
			size_t n = (size_t)(rand_r(&seed) % 200);

			switch (rand_r(&seed) % 4) {
			case 0: PROD(x) = (sring_idx_t)rand_r(&seed); break;
			case 1: PROD(x) += (sring_idx_t)(rand_r(&seed) % 130); break;
			case 2: CONS(x) = (sring_idx_t)rand_r(&seed); break;
			default: CONS(x) += (sring_idx_t)(rand_r(&seed) % 130); break;
			}
			switch (rand_r(&seed) % 10) {
			case 0: rc = sring_flex_read(&x->r, buf, n); break;
			case 1: rc = sring_flex_peek(&x->r, buf, n); break;
			case 2: rc = sring_flex_read_msg(&x->r, buf, n); break;
			case 3: rc = sring_flex_spans(&x->r, sp);
				if (rc > 0)
					assert_spans_inside(sp, (uint32_t)rc,
							    x->data, size);
				break;
			case 4: rc = sring_flex_write(&x->w, buf, n); break;
			case 5: rc = sring_flex_write_msg(&x->w, buf, n); break;
			case 6: rc = sring_flex_reserve(&x->w, n, sp);
				if (rc > 0)
					assert_spans_inside(sp, (uint32_t)rc,
							    x->data, size);
				break;
			case 7: rc = sring_flex_push(&x->w); break;
			case 8: rc = sring_flex_push(&x->r); break;
			default: rc = sring_flex_read_all(&x->r, buf, n % (size + 1)); break;
			}
			assert_true(rc >= SRING_EINVAL && rc <= (int)size);
		}
		fx_free(x);
	}
}

/* The stateless helpers validate raw indices and clamp copies to the
 * area. */
static void test_flex_stateless_helpers(void **state)
{
	unsigned char *d = malloc(64);
	unsigned char b[200];

	(void)state;
	assert_non_null(d);
	/* Xen's name_queued(100, 0, 64) masks first and answers 36 */
	assert_int_equal(sring_flex_queued(100, 0, 64), SRING_EPROTO);
	assert_int_equal(sring_flex_queued(64, 0, 64), 64);
	assert_int_equal(sring_flex_queued(3, 0xfffffffeu, 64), 5);
	assert_int_equal(sring_flex_queued(0, 1, 64), SRING_EPROTO);
	assert_int_equal(sring_flex_queued(0, 0, 48), SRING_EINVAL);
	fill(b, sizeof(b), 5);
	assert_int_equal(sring_flex_copy_in(d, 64, 60, b, 200), 64);
	assert_memory_equal(d + 60, b, 4);
	assert_memory_equal(d, b + 4, 60);
	memset(b, 0, sizeof(b));
	assert_int_equal(sring_flex_copy_out(d, 64, 0xfffffffcu, b, 1000), 64);
	fill(b + 100, 64, 5);
	assert_memory_equal(b, b + 100, 64);
	assert_int_equal(sring_flex_copy_out(d, 60, 0, b, 4), 0);
	assert_int_equal(sring_flex_copy_in(d, 0, 0, b, 4), 0);
	free(d);
}

/* Without event words and with the default wake threshold, every push
 * that moved an index says "notify" (what Xen's peers expect). */
static void test_flex_notify_default_is_every_push(void **state)
{
	struct fx *x = fx_new(16, 0, 0);
	unsigned char b[16] = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		assert_int_equal(sring_flex_write(&x->w, b, 3), 3);
		assert_int_equal(sring_flex_push(&x->w), 1);
		assert_int_equal(sring_flex_push(&x->w), 0); /* nothing moved */
		assert_int_equal(sring_flex_read(&x->r, b, 2), 2);
		assert_int_equal(sring_flex_push(&x->r), 1);
		assert_int_equal(sring_flex_read(&x->r, b, 1), 1);
		assert_int_equal(sring_flex_push(&x->r), 1);
	}
	fx_free(x);
}

/* With wake 1 and no event words, the writer notifies only when the ring
 * was empty and the reader only when it was full. */
static void test_flex_notify_wake1_on_empty_and_full(void **state)
{
	struct fx *x = fx_new(16, 0xfffffff0u, 0);
	unsigned char b[16] = { 0 };

	(void)state;
	sring_flex_set_wake(&x->w, 1);
	sring_flex_set_wake(&x->r, 1);
	sring_flex_write(&x->w, b, 4);
	assert_int_equal(sring_flex_push(&x->w), 1);  /* was empty */
	sring_flex_write(&x->w, b, 4);
	assert_int_equal(sring_flex_push(&x->w), 0);  /* 4 unread */
	sring_flex_read(&x->r, b, 8);
	assert_int_equal(sring_flex_push(&x->r), 0);  /* was not full */
	sring_flex_write(&x->w, b, 16);
	assert_int_equal(sring_flex_push(&x->w), 1);  /* was empty again */
	sring_flex_read(&x->r, b, 1);
	assert_int_equal(sring_flex_push(&x->r), 1);  /* was full */
	sring_flex_read(&x->r, b, 1);
	assert_int_equal(sring_flex_push(&x->r), 0);
	/* the reader caught up with the old prod before this push: it may
	 * be asleep, so the writer notifies even though it wrote earlier */
	sring_flex_write(&x->w, b, 2);
	sring_flex_read(&x->r, b, 14);
	assert_int_equal(sring_flex_push(&x->r), 0);
	assert_int_equal(sring_flex_push(&x->w), 1);
	fx_free(x);
}

/* With wake W, the reader notifies when the writer had fewer than W
 * bytes of room before the release, and the writer when the reader had
 * fewer than W unread. */
static void test_flex_notify_wake_threshold(void **state)
{
	struct fx *x = fx_new(32, 0, 0);
	unsigned char b[32] = { 0 };

	(void)state;
	sring_flex_set_wake(&x->w, 8);
	sring_flex_set_wake(&x->r, 8);
	sring_flex_write(&x->w, b, 7);
	assert_int_equal(sring_flex_push(&x->w), 1);   /* 0 unread */
	sring_flex_write(&x->w, b, 1);
	assert_int_equal(sring_flex_push(&x->w), 1);   /* 7 unread */
	sring_flex_write(&x->w, b, 1);
	assert_int_equal(sring_flex_push(&x->w), 0);   /* 8 unread */
	sring_flex_write(&x->w, b, 16);                /* 25 in, 7 room */
	assert_int_equal(sring_flex_push(&x->w), 0);
	sring_flex_read(&x->r, b, 1);
	assert_int_equal(sring_flex_push(&x->r), 1);   /* room was 7 */
	sring_flex_read(&x->r, b, 1);
	assert_int_equal(sring_flex_push(&x->r), 0);   /* room was 8 */
	/* out of range thresholds are clamped */
	sring_flex_set_wake(&x->r, 0);
	assert_int_equal(x->r.wake, 1);
	sring_flex_set_wake(&x->r, 1000);
	assert_int_equal(x->r.wake, 32);
	fx_free(x);
}

/* With event words, pushes notify exactly when they cross the event the
 * peer armed in its final check, for readers and writers. */
static void test_flex_notify_event_words(void **state)
{
	struct fx *x = fx_new(32, 0xfffffff0u, 1);
	const sring_idx_t b0 = 0xfffffff0u;
	unsigned char b[32] = { 0 };

	(void)state;
	assert_int_equal(PEV(x), b0 + 1u);
	sring_flex_write(&x->w, b, 2);
	assert_int_equal(sring_flex_push(&x->w), 1);  /* initial event */
	sring_flex_write(&x->w, b, 2);
	assert_int_equal(sring_flex_push(&x->w), 0);  /* nobody armed */
	assert_int_equal(sring_flex_read(&x->r, b, 4), 4);
	assert_int_equal(sring_flex_push(&x->r), 0);  /* writer not armed */
	/* reader waits for 5 bytes */
	assert_int_equal(sring_flex_final_check(&x->r, 5), 0);
	assert_int_equal(PEV(x), b0 + 4u + 5u);
	sring_flex_write(&x->w, b, 4);
	assert_int_equal(sring_flex_push(&x->w), 0);  /* 4 < 5 */
	assert_int_equal(sring_flex_final_check(&x->r, 5), 0);
	sring_flex_write(&x->w, b, 1);
	assert_int_equal(sring_flex_push(&x->w), 1);  /* crossed */
	assert_int_equal(sring_flex_final_check(&x->r, 5), 5);
	/* writer fills the ring and waits for 10 free bytes */
	sring_flex_write(&x->w, b, 27);
	assert_int_equal(sring_flex_push(&x->w), 0);
	assert_int_equal(sring_flex_free(&x->w), 0);
	assert_int_equal(sring_flex_final_check(&x->w, 10), 0);
	sring_flex_read(&x->r, b, 9);
	assert_int_equal(sring_flex_push(&x->r), 0);  /* 9 free < 10 */
	assert_int_equal(sring_flex_final_check(&x->w, 10), 0);
	sring_flex_read(&x->r, b, 1);
	assert_int_equal(sring_flex_push(&x->r), 1);  /* crossed */
	assert_int_equal(sring_flex_final_check(&x->w, 10), 10);
	/* event layouts take any k up to size, whatever the wake value */
	sring_flex_set_wake(&x->r, 1);
	assert_int_equal(sring_flex_final_check(&x->r, 32), 0);
	fx_free(x);
}

/* The final check returns the count when enough is there, 0 when the
 * caller may sleep, and sees a peer's push that raced with arming. */
static void test_flex_final_check_no_events(void **state)
{
	struct fx *x = fx_new(16, 0, 0);
	unsigned char b[16] = { 0 };

	(void)state;
	assert_int_equal(sring_flex_final_check(&x->r, 1), 0);
	assert_int_equal(sring_flex_final_check(&x->w, 16), 16);
	sring_flex_write(&x->w, b, 16);
	expect_assert_failure(sring_flex_final_check(&x->w, 1)); /* unpushed */
	sring_flex_push(&x->w);
	assert_int_equal(sring_flex_final_check(&x->w, 1), 0);
	assert_int_equal(sring_flex_final_check(&x->r, 16), 16);
	sring_flex_read(&x->r, b, 3);
	sring_flex_push(&x->r);
	assert_int_equal(sring_flex_final_check(&x->w, 3), 3);
	assert_int_equal(sring_flex_final_check(&x->w, 4), 0);
	fx_free(x);
}

/* Local misuse (wrong side, commit or release beyond what was handed
 * out, bad k, final check with an unpushed index) trips SRING_ASSERT.
 * What it returns with the assert off (SRING_EINVAL, nothing written) is
 * test_misuse.c's: here the assert jumps out before the return. */
static void test_flex_local_misuse_asserts(void **state)
{
	struct fx *x = fx_new(16, 0, 0);
	unsigned char b[16] = { 0 };
	struct sring_flex_span sp[2];

	(void)state;
	expect_assert_failure(sring_flex_write(&x->r, b, 1));
	expect_assert_failure(sring_flex_read(&x->w, b, 1));
	expect_assert_failure(sring_flex_commit(&x->w, 1));
	assert_int_equal(sring_flex_reserve(&x->w, 4, sp), 4);
	expect_assert_failure(sring_flex_commit(&x->w, 5));
	assert_int_equal(sring_flex_commit(&x->w, 4), SRING_OK);
	expect_assert_failure(sring_flex_commit(&x->w, 1)); /* used up */
	expect_assert_failure(sring_flex_final_check(&x->w, 1)); /* unpushed */
	sring_flex_push(&x->w);
	expect_assert_failure(sring_flex_release(&x->r, 1)); /* not seen yet */
	assert_int_equal(sring_flex_spans(&x->r, sp), 4);
	expect_assert_failure(sring_flex_release(&x->r, 5));
	expect_assert_failure(sring_flex_final_check(&x->r, 0));
	expect_assert_failure(sring_flex_final_check(&x->r, 17));
	sring_flex_set_wake(&x->r, 2);
	expect_assert_failure(sring_flex_final_check(&x->r, 3));
	assert_int_equal(sring_flex_final_check(&x->r, 2), 4);
	/* a write after a reserve cancels the reservation */
	assert_int_equal(sring_flex_reserve(&x->w, 2, sp), 2);
	assert_int_equal(sring_flex_write(&x->w, b, 1), 1);
	expect_assert_failure(sring_flex_commit(&x->w, 1));
	fx_free(x);
}

/* resume adopts consistent live indices and latches on inconsistent
 * ones. */
static void test_flex_resume(void **state)
{
	struct fx *x = fx_new(64, 0, 0);
	struct sring_flex w, r;

	memset(&w, 0, sizeof(w));
	memset(&r, 0, sizeof(r));
	unsigned char b[64];

	(void)state;
	PROD(x) = 0xfffffff0u + 40u;
	CONS(x) = 0xfffffff0u;
	assert_int_equal(sring_flex_resume(&w, SRING_FLEX_WRITER, &x->l),
			 SRING_OK);
	assert_int_equal(sring_flex_resume(&r, SRING_FLEX_READER, &x->l),
			 SRING_OK);
	assert_int_equal(sring_flex_index(&w), 0xfffffff0u + 40u);
	assert_int_equal(sring_flex_free(&w), 24);
	assert_int_equal(sring_flex_read(&r, b, 64), 40);
	CONS(x) = 0xfffffff0u + 40u + 1u; /* cons beyond prod */
	assert_int_equal(sring_flex_resume(&r, SRING_FLEX_READER, &x->l),
			 SRING_EPROTO);
	assert_int_equal(sring_flex_broken(&r), SRING_EPROTO);
	assert_int_equal(sring_flex_read(&r, b, 1), SRING_EPROTO);
	CONS(x) = PROD(x) - 65u;
	assert_int_equal(sring_flex_resume(&w, SRING_FLEX_WRITER, &x->l),
			 SRING_EPROTO);
	fx_free(x);
}

/* The native layout puts the four words where its table says and picks
 * the largest power-of-two data area that fits. */
static void test_flex_native_layout(void **state)
{
	static uint64_t area[(128 + 1000) / 8];
	struct sring_flex_layout l;
	unsigned char *a = (unsigned char *)area;

	(void)state;
	assert_int_equal(sring_flex_native_layout(&l, area, sizeof(area)),
			 SRING_OK);
	assert_ptr_equal(l.prod, (void *)(a + 0));
	assert_ptr_equal(l.cons_event, (void *)(a + 4));
	assert_ptr_equal(l.cons, (void *)(a + 64));
	assert_ptr_equal(l.prod_event, (void *)(a + 68));
	assert_ptr_equal(l.data, a + 128);
	assert_int_equal(l.size, 512);
	assert_int_equal(sring_flex_native_layout(&l, area, 128 + 7),
			 SRING_EINVAL);
	assert_int_equal(sring_flex_native_layout(&l, a + 4, 512),
			 SRING_EINVAL);
	assert_int_equal(sring_flex_native_layout(&l, area, 128 + 8),
			 SRING_OK);
	assert_int_equal(l.size, 8);
}

/* The Xen flex layout puts in/out where Xen's index page and data halves
 * are (checked against Xen's own header in test_flex_xen). */
static void test_flex_xen_layout(void **state)
{
	static struct sring_flex_xen_intf intf;
	static unsigned char data[2 * 4096];
	struct sring_flex_layout l;

	(void)state;
	assert_int_equal(sring_flex_xen_layout(&l, &intf, data, 1,
					       SRING_FLEX_XEN_IN), SRING_OK);
	assert_ptr_equal(l.prod, &intf.in_prod);
	assert_ptr_equal(l.cons, &intf.in_cons);
	assert_ptr_equal(l.data, data);
	assert_int_equal(l.size, 4096);
	assert_null(l.prod_event);
	assert_int_equal(sring_flex_xen_layout(&l, &intf, data, 1,
					       SRING_FLEX_XEN_OUT), SRING_OK);
	assert_ptr_equal(l.prod, &intf.out_prod);
	assert_ptr_equal(l.cons, &intf.out_cons);
	assert_ptr_equal(l.data, data + 4096);
	assert_int_equal(sring_flex_xen_layout(&l, &intf, data, 20,
					       SRING_FLEX_XEN_OUT), SRING_EINVAL);
	assert_int_equal(sring_flex_xen_layout(&l, &intf, data, 0, 2),
			 SRING_EINVAL);
	assert_ptr_equal((unsigned char *)sring_flex_xen_refs(&intf),
			 (unsigned char *)&intf + 132);
	assert_int_equal(SRING_FLEX_XEN_RING_SIZE(0), 2048);
	assert_int_equal(SRING_FLEX_XEN_RING_SIZE(9), 1u << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flex_attach_rejects_bad_layouts),
		cmocka_unit_test(test_flex_write_read_every_size_across_wrap),
		cmocka_unit_test(test_flex_all_or_nothing_every_size),
		cmocka_unit_test(test_flex_partial_write_reports_what_fit),
		cmocka_unit_test(test_flex_full_and_empty),
		cmocka_unit_test(test_flex_reserve_commit_every_size),
		cmocka_unit_test(test_flex_spans_release_every_size),
		cmocka_unit_test(test_flex_msg_round_trip_every_size),
		cmocka_unit_test(test_flex_msg_partial_and_too_big),
		cmocka_unit_test(test_flex_msg_hostile_length_latches),
		cmocka_unit_test(test_flex_hostile_prod_latches),
		cmocka_unit_test(test_flex_prod_limit_is_exact),
		cmocka_unit_test(test_flex_hostile_cons_latches),
		cmocka_unit_test(test_flex_hostile_cons_during_write),
		cmocka_unit_test(test_flex_random_hostile_indices_stay_in_bounds),
		cmocka_unit_test(test_flex_stateless_helpers),
		cmocka_unit_test(test_flex_notify_default_is_every_push),
		cmocka_unit_test(test_flex_notify_wake1_on_empty_and_full),
		cmocka_unit_test(test_flex_notify_wake_threshold),
		cmocka_unit_test(test_flex_notify_event_words),
		cmocka_unit_test(test_flex_final_check_no_events),
		cmocka_unit_test(test_flex_local_misuse_asserts),
		cmocka_unit_test(test_flex_resume),
		cmocka_unit_test(test_flex_native_layout),
		cmocka_unit_test(test_flex_xen_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

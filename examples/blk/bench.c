/* SPDX-License-Identifier: MIT */
/*
 * sring-blkfront bench: random or sequential I/O through the ring at a
 * given block size, queue depth and read/write mix. A progress bar on a
 * terminal; IOPS, MB/s and latency percentiles at the end. Writes destroy
 * the disk's contents.
 *
 * One benchmark I/O of more than 44 KiB (11 pages) travels as several
 * ring requests; it completes when the last of them does. The queue depth
 * counts benchmark I/Os; the ring's slots are the other bound.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blkfront.h"
#include "common.h"

struct bop {
	uint64_t t0;
	unsigned int parts;
	int failed;
	int busy;
	int is_read;
	uint8_t *buf;
	struct bench *b;
};

struct bench {
	uint64_t done, errors, bytes_r, bytes_w;
	uint64_t *lat; /* ns per completed I/O */
	size_t nlat, cap;
	unsigned int inflight;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void part_done(void *arg, int16_t st)
{
	struct bop *op = arg;
	struct bench *b = op->b;

	if (st != SRING_BLKIF_RSP_OKAY)
		op->failed = 1;
	if (--op->parts)
		return;
	if (b->nlat == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 65536;
		b->lat = realloc(b->lat, b->cap * sizeof(*b->lat));
		if (!b->lat)
			blk_die(BLK_EXIT_IO, "out of memory");
	}
	b->lat[b->nlat++] = now_ns() - op->t0;
	b->done++;
	if (op->failed)
		b->errors++;
	op->busy = 0;
	b->inflight--;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const struct bench *b, double p)
{
	size_t i;

	if (!b->nlat)
		return 0;
	i = (size_t)(p / 100.0 * (double)(b->nlat - 1) + 0.5);
	return (double)b->lat[i] / 1000.0;
}

static void progress(double frac, uint64_t done, double secs, int final)
{
	char bar[41];
	int n = (int)(frac * 40), i;

	for (i = 0; i < 40; i++)
		bar[i] = i < n ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %3d%% %8.0f IOPS", bar, (int)(frac * 100),
		secs > 0 ? (double)done / secs : 0.0);
	if (final)
		fputc('\n', stderr);
}

void bench_usage(void)
{
	blk_die(BLK_EXIT_USAGE,
		"usage: bench [--pattern rand|seq] [--bs SIZE] [--qd N] "
		"[--rw READ_PERCENT] [--size BYTES] [--ops N | --seconds S] "
		"(bs up to 16M, qd 1..4096, rw 0..100)");
}

struct bench_args {
	uint64_t bs, qd, rw, ops, secs, size;
	int rnd;
};

/* Syntax only (the disk is not known yet). 0, or -1. */
static int bench_parse(int argc, char **argv, struct bench_args *a)
{
	unsigned int i;
	uint64_t v;

	a->bs = 4096;
	a->qd = 32;
	a->rw = 100;
	a->ops = 20000;
	a->secs = 0;
	a->size = UINT64_MAX;
	a->rnd = 1;
	for (i = 0; i < (unsigned int)argc; i += 2) {
		const char *o = argv[i], *val = i + 1 < (unsigned int)argc
							  ? argv[i + 1]
							  : NULL;

		if (strcmp(o, "--pattern") == 0 && val) {
			if (strcmp(val, "rand") && strcmp(val, "seq"))
				return -1;
			a->rnd = strcmp(val, "rand") == 0;
			continue;
		}
		if (!val || blk_parse_size(val, &v) < 0)
			return -1;
		if (strcmp(o, "--bs") == 0)
			a->bs = v;
		else if (strcmp(o, "--qd") == 0)
			a->qd = v;
		else if (strcmp(o, "--rw") == 0)
			a->rw = v;
		else if (strcmp(o, "--size") == 0)
			a->size = v;
		else if (strcmp(o, "--ops") == 0)
			a->ops = v;
		else if (strcmp(o, "--seconds") == 0)
			a->secs = v;
		else
			return -1;
	}
	if (a->bs == 0 || a->bs > (16u << 20) || a->qd == 0 ||
	    a->qd > 4096 || a->rw > 100 || (!a->secs && !a->ops))
		return -1;
	return 0;
}

int bench_check_args(int argc, char **argv)
{
	struct bench_args a;

	return bench_parse(argc, argv, &a);
}

int bench_run(struct fe_dev *d, int argc, char **argv)
{
	struct bench_args a;
	uint64_t bs, qd, rw, ops, secs;
	uint64_t size = d->sectors * 512u, seq = 0, issued = 0, t0, tlast;
	uint64_t align = d->sector_size;
	unsigned int parts_per, i;
	struct bench b;
	struct bop *op;
	int rnd, tty = isatty(2), rc;
	double el;

	if (bench_parse(argc, argv, &a) < 0)
		bench_usage();
	bs = a.bs;
	qd = a.qd;
	rw = a.rw;
	ops = a.ops;
	secs = a.secs;
	rnd = a.rnd;
	if (a.size < size)
		size = a.size;
	if (bs == 0 || bs % align || bs > (16u << 20) || bs > size ||
	    qd == 0 || qd > 4096 || rw > 100 || (!secs && !ops))
		blk_die(BLK_EXIT_USAGE, "bench: bs must be a multiple of %llu "
			"up to 16M and the disk size, qd 1..4096, rw 0..100",
			(unsigned long long)align);
	if (rw < 100 && (d->info & SRING_BLKIF_VDISK_READONLY))
		blk_die(BLK_EXIT_USAGE, "bench: the disk is read-only "
			"(use --rw 100)");
	parts_per = (unsigned int)((bs / 512 + fe_max_sectors(d) - 1) /
				   fe_max_sectors(d));
	if (parts_per > d->nr_slots)
		blk_die(BLK_EXIT_USAGE, "bench: bs needs more ring slots than "
			"the ring has (%u)", d->nr_slots);
	memset(&b, 0, sizeof(b));
	op = calloc(qd, sizeof(*op));
	if (!op)
		return BLK_EXIT_IO;
	for (i = 0; i < qd; i++) {
		op[i].buf = malloc(bs);
		if (!op[i].buf)
			return BLK_EXIT_IO;
		memset(op[i].buf, (int)(0x41 + i % 26), bs);
		op[i].b = &b;
	}
	srand(12345);
	t0 = tlast = now_ns();
	for (;;) {
		uint64_t now = now_ns();
		int more = secs ? now - t0 < secs * 1000000000u : issued < ops;

		if (!more && b.inflight == 0)
			break;
		/* Fill the queue while the ring has room for a whole I/O. */
		for (i = 0; more && i < qd && d->nr_free >= parts_per; i++) {
			struct bop *o = &op[i];
			uint64_t off, left, sect;
			unsigned int p;

			if (o->busy)
				continue;
			if (rnd)
				off = ((uint64_t)rand() << 31 ^ (uint64_t)rand()) %
				      (size / bs) * bs;
			else {
				if (seq + bs > size)
					seq = 0;
				off = seq;
				seq += bs;
			}
			o->busy = 1;
			o->failed = 0;
			o->parts = parts_per;
			o->is_read = (uint64_t)(rand() % 100) < rw;
			o->t0 = now_ns();
			sect = off / 512;
			left = bs / 512;
			for (p = 0; p < parts_per; p++) {
				uint64_t n = left < fe_max_sectors(d)
						     ? left
						     : fe_max_sectors(d);

				rc = fe_submit(d, o->is_read
							  ? SRING_BLKIF_OP_READ
							  : SRING_BLKIF_OP_WRITE,
					       sect, n,
					       o->buf + (size_t)p *
							fe_max_sectors(d) * 512,
					       part_done, o);
				if (rc)
					goto fail;
				sect += n;
				left -= n;
			}
			if (o->is_read)
				b.bytes_r += bs;
			else
				b.bytes_w += bs;
			b.inflight++;
			issued++;
			more = secs ? 1 : issued < ops;
		}
		fe_push(d);
		rc = fe_poll(d, d->timeout_ms);
		if (rc < 0) {
			rc = -rc;
			goto fail;
		}
		if (rc == 0) {
			blk_msg("bench: backend not responding");
			rc = BLK_EXIT_PEER;
			goto fail;
		}
		now = now_ns();
		if (tty && now - tlast > 100000000u) {
			double f = secs ? (double)(now - t0) / 1e9 / (double)secs
					: (double)b.done / (double)ops;

			progress(f > 1 ? 1 : f, b.done, (double)(now - t0) / 1e9,
				 0);
			tlast = now;
		}
	}
	el = (double)(now_ns() - t0) / 1e9;
	if (tty)
		progress(1, b.done, el, 1);
	qsort(b.lat, b.nlat, sizeof(*b.lat), cmp_u64);
	printf("bench: %s, bs %llu, qd %llu, %llu%% reads, ring %u slots, "
	       "%s\n",
	       rnd ? "random" : "sequential", (unsigned long long)bs,
	       (unsigned long long)qd, (unsigned long long)rw, d->nr_slots,
	       d->abi == SRING_BLKIF_ABI_X86_32 ? "x86_32-abi" : "x86_64-abi");
	printf("ops: %llu in %.3f s, errors: %llu\n",
	       (unsigned long long)b.done, el, (unsigned long long)b.errors);
	printf("IOPS: %.0f\n", (double)b.done / el);
	printf("MB/s: %.1f (read %.1f, write %.1f)\n",
	       (double)(b.bytes_r + b.bytes_w) / el / 1e6,
	       (double)b.bytes_r / el / 1e6, (double)b.bytes_w / el / 1e6);
	printf("latency us: min %.1f p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f "
	       "max %.1f\n",
	       pct(&b, 0), pct(&b, 50), pct(&b, 90), pct(&b, 99),
	       pct(&b, 99.9), pct(&b, 100));
	rc = b.errors ? BLK_EXIT_IO : 0;
fail:
	for (i = 0; i < qd; i++)
		free(op[i].buf);
	free(op);
	free(b.lat);
	return rc;
}

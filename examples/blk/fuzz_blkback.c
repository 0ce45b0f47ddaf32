/* SPDX-License-Identifier: MIT */
/*
 * fuzz_blkback.c - the block back end's request loop (blkback_core.c, the
 * code sring-blkback runs) against a hostile front end made of the
 * fuzzer's bytes, through sring_fuzzkit.h. Built by fuzz/CMakeLists.txt as
 * blkback_fuzzer (libFuzzer) or blkback_replay (gcc).
 *
 * What stands in for the daemon's plumbing: guest memory is one malloc'ed
 * area of whole frames laid out as the daemon's memfd (frame 0 the grant
 * table, frame 1 the ring, then data frames), looked up by the daemon's
 * own shm_gnt_map(); the disk is a malloc'ed buffer of its exact size,
 * read and written inside submit(), and completed there (synchronous) or
 * after the next kick, as the daemon's reap() does (asynchronous, in
 * submission order or the reverse, so I/O is in flight across a kick).
 * The front end (the kit) may write anything anywhere in guest memory
 * between two kicks: request slots, ring indices, grant entries
 * (granting, revoking, pointing them at the grant table, the ring or past
 * memory), the indirect pages. One liberty: the ring frame may be
 * granted but is never mapped writable, so the ring changes only by the
 * back end's own hand while it runs, and the checks can follow it exactly.
 *
 * Checked after every kick (abort on failure), beyond ASan and UBSan:
 *  - I/O touches only frames granted at that moment and mapped through
 *    shm_gnt_map() for that request, each iovec inside one frame, a read
 *    only into frames granted and mapped writable (frames not granted are
 *    ASan-poisoned while the back end runs), and only the disk; nothing
 *    but reads on a read-only disk;
 *  - every answer is for a request taken and not yet answered, with its
 *    id, the operation it must carry, a known status and zeroed padding;
 *    an OKAY is an I/O done (or a discard), every I/O done is an OKAY,
 *    every I/O failed an ERROR;
 *    refusals are answered at once, synchronous I/O too, asynchronous I/O
 *    when it completes; answers are pushed; the back end's in-flight
 *    count is the harness's;
 *  - the connection is dead exactly when the ring is latched broken, and
 *    a dead connection touches the ring no more, not even when its I/O
 *    completes; a back end that may sleep has taken every request and
 *    armed req_event.
 *
 * Input: one byte of configuration (bit 0 x86_32-abi, bit 1 read-only,
 * bit 2 4 KiB logical blocks, bit 3 asynchronous I/O, bit 4 completions
 * in reverse order, bit 5 I/O ending in the last 4 KiB of the disk fails),
 * then the kit's script (sring_fuzzkit.h).
 * -DBLKBACK_TRUST_NR_SEGMENTS builds the planted bug of blkback_core.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<sanitizer/asan_interface.h>)
#include <sanitizer/asan_interface.h>
#endif
#endif
#ifndef ASAN_POISON_MEMORY_REGION
#define ASAN_POISON_MEMORY_REGION(a, n) ((void)(a), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(a, n) ((void)(a), (void)(n))
#endif

/* One translation unit, so that every fuzz build (CMake, AFL++) needs only
 * this file: the code under test, and the daemon's grant lookup. */
#include "blkback_core.c"
#include "shm.c"
#include "sring_fuzzkit.h"

const char *blk_prog = "blkback_fuzzer";

#define PG BLK_PAGE
#define NDATA 8                 /* data frames: 2 .. 2 + NDATA - 1 */
#define FRAMES (2u + NDATA)
#define SLOTS 8u /* smaller than the daemon's 32: more wraps per input */
#define DISK_SECTORS 128u       /* 64 KiB */
#define DISK_BYTES (DISK_SECTORS * 512u)

/* -DBLKBACK_FUZZ_LOG=stderr: see what the back end refuses, and why. */
#ifndef BLKBACK_FUZZ_LOG
#define BLKBACK_FUZZ_LOG NULL
#endif

#define ensure(c, msg)                                                     \
	do {                                                               \
		if (!(c)) {                                                \
			fprintf(stderr, "blkback invariant: %s (%s:%d)\n", \
				msg, __FILE__, __LINE__);                  \
			abort();                                           \
		}                                                          \
	} while (0)

/* A request taken and not yet answered. */
struct taken {
	uint64_t id;
	uint8_t op;     /* the operation its answer must carry */
	uint8_t io;     /* 0 no I/O (refused, or an empty discard), 1 I/O in
			   flight (no answer yet), 2 I/O completed */
	int16_t st;     /* io == 2: the status its answer must carry */
	sring_idx_t idx;
};

struct harness {
	uint8_t *mem, *disk, *ring;
	size_t ring_bytes;
	struct shm_foreign f;
	struct sring_blkif_geometry geo;
	struct blkback_conn c;
	int abi, async, lifo, bad; /* bad: the last 4 KiB fail I/O */
	/* What is granted during this kick, and what the request being
	 * handled mapped (1 to read, 2 to write). */
	uint8_t perm[FRAMES], mapped[FRAMES];
	sring_idx_t map_for;    /* the request mapped[] is about */
	/* The ring as the back end reads it during this kick. */
	uint8_t snap[PG];
	sring_idx_t noted, checked; /* next request to note, answer to check */
	struct taken out[2 * SLOTS];
	unsigned int nout;
	struct blkback_io *pend[2 * SLOTS]; /* asynchronous I/O in flight */
	sring_idx_t pend_idx[2 * SLOTS];    /* ... and whose it is */
	unsigned int npend;
};

/* The daemon's grant lookup; what each request mapped, and how, noted.
 * The ring frame is never handed out for writing (see the top). */
static uint8_t *map(void *arg, uint32_t gref, int write)
{
	struct harness *h = arg;
	uint8_t *p = shm_gnt_map(&h->f, gref, write);

	if (h->map_for != h->c.be.core.req_cons) {
		memset(h->mapped, 0, sizeof(h->mapped));
		h->map_for = h->c.be.core.req_cons;
	}
	if (p == h->ring && write)
		return NULL;
	if (p)
		h->mapped[(size_t)(p - h->mem) / PG] |= write ? 2 : 1;
	return p;
}

/*
 * Notes the id and answer operation of each request taken since the last
 * look, from the ring as it was when the kick began: nothing but the back
 * end writes the ring while it runs, and it never writes a slot it has
 * yet to take (the ring's window), so this is what it read.
 */
static void take_note(struct harness *h)
{
	const struct sring_layout *l = &h->c.be.core.l;

	for (; h->noted != h->c.be.core.req_cons; h->noted++) {
		const uint8_t *q = h->snap + (l->req_slots - h->ring) +
			(size_t)(h->noted & (l->nr_ents - 1u)) * l->req_stride;
		struct taken *t;

		ensure(h->nout < 2 * SLOTS, "more requests taken than fit");
		t = &h->out[h->nout++];
		memcpy(&t->id, q + (h->abi == SRING_BLKIF_ABI_64 ? 8 : 4), 8);
		t->op = q[0] == SRING_BLKIF_OP_INDIRECT ? q[1] : q[0];
		t->io = 0;
		t->idx = h->noted;
	}
}

/* The answers written since the last look, against the requests taken.
 * Runs before every I/O and after every kick and completion. */
static void check_answers(struct harness *h)
{
	const struct sring_layout *l = &h->c.be.core.l;

	take_note(h);
	for (; h->checked != h->c.be.core.rsp_prod_pvt; h->checked++) {
		const uint8_t *a = l->rsp_slots +
			(size_t)(h->checked & (l->nr_ents - 1u)) *
			l->rsp_stride;
		unsigned int i;
		uint64_t id;
		int16_t st;

		memcpy(&id, a, 8);
		memcpy(&st, a + 10, 2);
		ensure(st == SRING_BLKIF_RSP_OKAY ||
			       st == SRING_BLKIF_RSP_ERROR ||
			       st == SRING_BLKIF_RSP_EOPNOTSUPP,
		       "unknown status");
		ensure(a[9] == 0 && (h->abi != SRING_BLKIF_ABI_64 ||
				     (a[12] | a[13] | a[14] | a[15]) == 0),
		       "padding of an answer not zeroed");
		/* The oldest request it can answer; synchronous: the oldest. */
		for (i = 0; i < h->nout; i++) {
			const struct taken *t = &h->out[i];

			if (t->id == id && t->op == a[8] && t->io != 1 &&
			    (t->io == 2 ? st == t->st
					: (st != SRING_BLKIF_RSP_OKAY ||
					   t->op == SRING_BLKIF_OP_DISCARD)))
				break;
			ensure(h->async, "answer out of order");
		}
		ensure(i < h->nout, "answer for no request taken, or with "
		       "the wrong operation, or OKAY without the I/O, or its "
		       "status not the I/O's");
		memmove(&h->out[i], &h->out[i + 1],
			(h->nout - i - 1) * sizeof(h->out[0]));
		h->nout--;
	}
}

/* The disk: checks that the back end handed over only granted memory and
 * only the disk, does the I/O, and completes it now or at the next kick. */
static void submit(void *arg, struct blkback_io *io)
{
	struct harness *h = arg;
	struct taken *t;
	uint64_t pos = io->offset, sum = 0;
	unsigned int i;

	check_answers(h);
	ensure(h->nout > 0, "I/O for no request taken");
	t = &h->out[h->nout - 1];
	ensure(t->idx == h->c.be.core.req_cons - 1u && !t->io,
	       "I/O for no request taken");
	ensure(io->id == t->id && io->rsp_op == t->op,
	       "I/O under another request's id or operation");
	ensure(!h->geo.read_only || io->op == SRING_BLKIF_OP_READ,
	       "write to a read-only disk");
	for (i = 0; i < io->niov; i++) {
		uint8_t *p = io->iov[i].iov_base;
		size_t n = io->iov[i].iov_len, fr = (size_t)(p - h->mem) / PG;

		ensure(p >= h->mem + PG && fr < FRAMES &&
			       (size_t)(p - h->mem) + n <= (fr + 1) * PG,
		       "iovec outside one guest frame");
		ensure(h->perm[fr] & (io->op == SRING_BLKIF_OP_READ ? 2 : 1),
		       "iovec in a frame not granted (writable for a read)");
		ensure(h->map_for == h->c.be.core.req_cons &&
			       (h->mapped[fr] &
				(io->op == SRING_BLKIF_OP_READ ? 2 : 3)),
		       "iovec not mapped for this request (for writing, "
		       "for a read)");
		ensure(pos <= DISK_BYTES && n <= DISK_BYTES - pos,
		       "I/O past the end of the disk");
		if (io->op == SRING_BLKIF_OP_READ)
			memcpy(p, h->disk + pos, n);
		else
			memcpy(h->disk + pos, p, n);
		pos += n;
		sum += n;
	}
	ensure(sum == io->expect, "iovec total differs from expect");
	if (io->op == SRING_BLKIF_OP_DISCARD) {
		ensure(io->length && io->offset <= DISK_BYTES &&
			       io->length <= DISK_BYTES - io->offset,
		       "discard past the end of the disk");
		memset(h->disk + io->offset, 0, io->length);
	}
	/* A bad block: the I/O fails (a read may have landed partly). */
	io->failed = h->bad && ((io->niov && pos > DISK_BYTES - PG) ||
				(io->length && io->offset + io->length >
						       DISK_BYTES - PG))
			     ? EIO : 0;
	t->io = 1;
	if (!h->async) {
		t->io = 2;
		t->st = io->failed ? SRING_BLKIF_RSP_ERROR
				   : SRING_BLKIF_RSP_OKAY;
		blkback_io_done(io);
		return;
	}
	ensure(h->npend < 2 * SLOTS, "more I/O in flight than requests");
	h->pend_idx[h->npend] = t->idx;
	h->pend[h->npend++] = io;
}

/* The daemon's reap(): the first n completions answered (in submission
 * order, or the reverse), then one push. */
static void complete(struct harness *h, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int j = h->lifo ? n - 1 - i : i, k;

		for (k = 0; k < h->nout && h->out[k].idx != h->pend_idx[j];)
			k++;
		ensure(k < h->nout && h->out[k].io == 1,
		       "I/O in flight for a request answered");
		h->out[k].io = 2;
		h->out[k].st = h->pend[j]->failed ? SRING_BLKIF_RSP_ERROR
						  : SRING_BLKIF_RSP_OKAY;
		blkback_io_done(h->pend[j]);
	}
	h->npend -= n;
	memmove(h->pend, h->pend + n, h->npend * sizeof(h->pend[0]));
	memmove(h->pend_idx, h->pend_idx + n,
		h->npend * sizeof(h->pend_idx[0]));
	blkback_conn_push(&h->c);
}

static void notify(void *arg)
{
	(void)arg;
}

static const struct blkback_ops ops = {map, submit, NULL, notify, NULL};

/* What the grant table allows right now, read independently of
 * shm_gnt_map(); frames not granted are poisoned for the kick. */
static void grants_before(struct harness *h)
{
	const struct gnt_entry *e = (const struct gnt_entry *)h->mem;
	uint32_t r, fr;

	memset(h->perm, 0, sizeof(h->perm));
	for (r = 1; r < GNT_PER_FRAME; r++) {
		fr = e[r].frame;
		if ((e[r].flags & GNT_F_INUSE) && fr >= 1 && fr < FRAMES)
			h->perm[fr] |= (e[r].flags & GNT_F_READONLY) ? 1 : 3;
	}
	h->perm[1] &= 1; /* see map() */
	if (!h->perm[1])
		ASAN_POISON_MEMORY_REGION(h->ring + h->ring_bytes,
					  PG - h->ring_bytes);
	for (fr = 2; fr < FRAMES; fr++)
		if (!h->perm[fr])
			ASAN_POISON_MEMORY_REGION(h->mem + fr * PG, PG);
}

/* After the back end ran: the counts agree; written answers are pushed. */
static void check_after(struct harness *h, sring_idx_t rsp_before)
{
	unsigned int i;

	check_answers(h);
	ensure(h->c.inflight == h->npend, "in-flight count is wrong");
	for (i = 0; i < h->nout; i++)
		ensure(h->out[i].io == 1 && h->async,
		       "a request taken was not answered at once");
	ensure(h->nout == h->npend || h->c.dead,
	       "a request taken was not answered at once");
	ensure(h->c.dead || h->c.be.core.rsp_prod_pvt == rsp_before ||
		       SRING_LOAD_RELAXED(h->c.be.core.l.rsp_prod) ==
			       h->c.be.core.rsp_prod_pvt,
	       "answers written but not pushed");
}

/* One event-loop turn of the daemon: the kick (again while it asks to
 * run again), then the completions of the I/O submitted in earlier turns
 * (so that I/O is in flight across a kick), and the checks. */
static int step(void *arg)
{
	struct harness *h = arg;
	sring_idx_t rsp_before = h->c.be.core.rsp_prod_pvt;
	unsigned int old = h->npend;
	int rc, kicks = 0;

	memcpy(h->snap, h->ring, h->ring_bytes);
	grants_before(h);
	while ((rc = blkback_conn_kick(&h->c)) == 1 && ++kicks < 3)
		;
	ASAN_UNPOISON_MEMORY_REGION(h->mem, FRAMES * PG);
	ensure(rc == 0 || rc == -1, "a kick that does not settle");
	ensure((rc < 0) == h->c.dead &&
		       h->c.dead == (sring_blkif_backend_broken(&h->c.be) != 0),
	       "neither working nor latched broken");
	check_answers(h);
	memcpy(h->snap, h->ring, h->ring_bytes);
	complete(h, old);
	if (h->c.dead) {
		/* Latched: neither a kick nor a completion touches the
		 * ring. */
		ensure(blkback_conn_kick(&h->c) == -1,
		       "a dead connection kicked");
		complete(h, h->npend);
		ensure(h->c.inflight == 0 &&
			       memcmp(h->snap, h->ring, h->ring_bytes) == 0,
		       "a dead connection served again");
		return 1;
	}
	check_after(h, rsp_before);
	ensure(rc == 0 &&
		       SRING_LOAD_RELAXED(h->c.be.core.l.req_prod) ==
			       h->c.be.core.req_cons &&
		       SRING_LOAD_RELAXED(h->c.be.core.l.req_event) ==
			       h->c.be.core.req_cons + 1u,
	       "asleep with requests pending or req_event not armed");
	return 0;
}

/* Guest memory as the daemon's front end lays it out; grants 1..8 are
 * the data frames writable, 9..16 the same frames read-only. */
static void harness_init(struct harness *h, uint8_t cfg)
{
	struct gnt_entry *e;
	uint32_t i;

	memset(h, 0, sizeof(*h));
	h->abi = (cfg & 1) ? SRING_BLKIF_ABI_X86_32 : SRING_BLKIF_ABI_64;
	h->async = (cfg & 8) != 0;
	h->lifo = (cfg & 16) != 0;
	h->bad = (cfg & 32) != 0;
	h->mem = calloc(FRAMES, PG); /* exact size: ASan sees any overrun */
	h->disk = calloc(1, DISK_BYTES);
	if (!h->mem || !h->disk)
		abort();
	e = (struct gnt_entry *)h->mem;
	for (i = 0; i < 2 * NDATA; i++) {
		e[1 + i].frame = 2 + i % NDATA;
		e[1 + i].flags = (uint16_t)(GNT_F_INUSE |
					    (i >= NDATA ? GNT_F_READONLY : 0));
	}
	h->f.base = h->mem;
	h->f.bytes = FRAMES * PG;
	h->f.nr_frames = FRAMES;
	h->f.gnt_frames = 1;
	h->f.gnt = e;
	h->f.nr_gnt = GNT_PER_FRAME;
	h->ring = h->mem + PG;
	h->ring_bytes = 64 + SLOTS * sring_blkif_slot_size(h->abi);
	blkback_geometry(&h->geo, DISK_SECTORS, (cfg & 4) ? 4096 : 512,
			 cfg & 2);
	blkback_conn_init(&h->c, 1, &h->geo, &ops, h, BLKBACK_FUZZ_LOG);
	if (sring_blkif_ring_init(h->abi, h->ring, h->ring_bytes) != SRING_OK ||
	    blkback_conn_attach(&h->c, h->abi, h->ring, h->ring_bytes) !=
		    SRING_OK)
		abort();
}

/* The end of the input: what is still in flight completes. */
static void harness_end(struct harness *h)
{
	if (!h->c.dead) {
		sring_idx_t rsp_before = h->c.be.core.rsp_prod_pvt;

		complete(h, h->npend);
		check_after(h, rsp_before);
		ensure(h->nout == 0, "a request taken was never answered");
	}
	free(h->disk);
	free(h->mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness proper: a back end, a hostile front end, run. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness h;
	struct sring_fuzzkit k;

	harness_init(&h, size ? data[0] : 0); /* ABI, read-only, async... */
	sring_fuzzkit_init(&k, data + (size > 0), size - (size > 0),
			   &h.c.be.core.l, SRING_FUZZKIT_PEER_IS_FRONT,
			   h.mem, FRAMES * PG); /* the peer owns all of it */
	sring_fuzzkit_run(&k, step, &h);
	harness_end(&h); /* in-flight I/O completes; checked; freed */
	return 0;
}

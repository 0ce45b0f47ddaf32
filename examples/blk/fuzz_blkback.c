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
 * read and written synchronously inside submit(). The front end (the kit)
 * may write anything anywhere in guest memory between two kicks: request
 * slots, ring indices, grant entries (granting, revoking, pointing them at
 * the grant table or past memory), the indirect pages.
 *
 * Checked after every kick (abort on failure), beyond ASan and UBSan:
 *  - I/O touches only frames granted at that moment and mapped through
 *    shm_gnt_map() for that request, each iovec inside one frame, a read
 *    only into frames granted and mapped writable (frames not granted are
 *    ASan-poisoned while the back end runs), and only the disk; nothing
 *    but reads on a read-only disk;
 *  - every request taken is answered, in order, with its id and the
 *    operation it must carry, a known status and zeroed padding; no more
 *    answers than requests taken; an OKAY is an I/O done (or a discard),
 *    every I/O done is an OKAY;
 *  - the connection is dead exactly when the ring is latched broken, and
 *    a dead connection touches nothing; a back end that may sleep has
 *    consumed everything and armed req_event.
 *
 * Input: one byte of configuration (bit 0 x86_32-abi, bit 1 read-only,
 * bit 2 4 KiB logical blocks), then the kit's script (sring_fuzzkit.h).
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
#define SLOTS 8u                /* the smallest ring: more wraps */
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

struct harness {
	uint8_t *mem, *disk, *ring;
	size_t ring_bytes;
	struct shm_foreign f;
	struct sring_blkif_geometry geo;
	struct blkback_conn c;
	int abi;
	/* Per kick: what was granted, the ring as the back end reads it,
	 * the requests it took and what it did with them. */
	uint8_t perm[FRAMES];   /* 1 readable, 2 writable */
	uint8_t mapped[FRAMES]; /* by this request: 1 to read, 2 to write */
	sring_idx_t map_for;    /* the request mapped[] is about */
	uint8_t snap[PG];
	sring_idx_t cons0, rsp0, noted, checked;
	uint64_t want_id[SLOTS];
	uint8_t want_op[SLOTS], io_done[SLOTS];
};

/* The daemon's grant lookup; what each request mapped, and how, noted. */
static uint8_t *map(void *arg, uint32_t gref, int write)
{
	struct harness *h = arg;
	uint8_t *p = shm_gnt_map(&h->f, gref, write);

	if (h->map_for != h->c.be.core.req_cons) {
		memset(h->mapped, 0, sizeof(h->mapped));
		h->map_for = h->c.be.core.req_cons;
	}
	if (p)
		h->mapped[(size_t)(p - h->mem) / PG] |= write ? 2 : 1;
	return p;
}

/*
 * Notes the id and answer operation of each request taken so far, from
 * the ring as it was before the kick: the kit writes nothing while the
 * back end runs, so this is what the back end read. (Its own I/O may
 * write into the ring, the guest having granted its ring frame; submit()
 * keeps snap up to date, after noting.)
 */
static void take_note(struct harness *h)
{
	const struct sring_layout *l = &h->c.be.core.l;

	for (; h->noted != h->c.be.core.req_cons - h->cons0; h->noted++) {
		const uint8_t *q = h->snap + (l->req_slots - h->ring) +
			(size_t)((h->cons0 + h->noted) & (l->nr_ents - 1u)) *
			l->req_stride;

		ensure(h->noted < SLOTS, "more than a ring's worth taken");
		memcpy(&h->want_id[h->noted],
		       q + (h->abi == SRING_BLKIF_ABI_64 ? 8 : 4), 8);
		h->want_op[h->noted] =
			q[0] == SRING_BLKIF_OP_INDIRECT ? q[1] : q[0];
		h->io_done[h->noted] = 0;
	}
}

/* The answers written since the last look, against the requests taken.
 * Runs before every I/O (which may overwrite them) and after the kick. */
static void check_answers(struct harness *h)
{
	const struct sring_layout *l = &h->c.be.core.l;

	take_note(h);
	for (; h->checked != h->c.be.core.rsp_prod_pvt; h->checked++) {
		sring_idx_t k = h->checked - h->rsp0;
		const uint8_t *a = l->rsp_slots +
			(size_t)(h->checked & (l->nr_ents - 1u)) * l->rsp_stride;
		uint64_t id;
		int16_t st;

		ensure(k < h->noted, "more answers than requests taken");
		memcpy(&id, a, 8);
		memcpy(&st, a + 10, 2);
		ensure(id == h->want_id[k], "answer with an id not taken");
		ensure(a[8] == h->want_op[k], "answer with the wrong operation");
		ensure(st == SRING_BLKIF_RSP_OKAY ||
			       st == SRING_BLKIF_RSP_ERROR ||
			       st == SRING_BLKIF_RSP_EOPNOTSUPP,
		       "unknown status");
		ensure(a[9] == 0 && (h->abi != SRING_BLKIF_ABI_64 ||
				     (a[12] | a[13] | a[14] | a[15]) == 0),
		       "padding of an answer not zeroed");
		ensure(h->io_done[k] ? st == SRING_BLKIF_RSP_OKAY
				     : (st != SRING_BLKIF_RSP_OKAY ||
					h->want_op[k] == SRING_BLKIF_OP_DISCARD),
		       "OKAY without the I/O, or I/O answered as an error");
	}
}

/* A read landed in guest memory: what of it fell on the ring is what the
 * back end will read there from now on. */
static void snap_follow(struct harness *h, const uint8_t *p, size_t n)
{
	uintptr_t lo = (uintptr_t)p, hi = lo + n;
	uintptr_t rlo = (uintptr_t)h->ring, rhi = rlo + h->ring_bytes;

	if (lo < rlo)
		lo = rlo;
	if (hi > rhi)
		hi = rhi;
	if (lo < hi)
		memcpy(h->snap + (lo - rlo), (const void *)lo, hi - lo);
}

/* The disk, synchronously: checks that the back end handed over only
 * granted memory and only the disk, then does the I/O and answers. */
static void submit(void *arg, struct blkback_io *io)
{
	struct harness *h = arg;
	sring_idx_t k = h->c.be.core.req_cons - 1u - h->cons0;
	uint64_t pos = io->offset, sum = 0;
	unsigned int i;

	check_answers(h);
	ensure(k < h->noted && !h->io_done[k], "I/O for no request taken");
	ensure(io->id == h->want_id[k] && io->rsp_op == h->want_op[k],
	       "I/O under another request's id or operation");
	ensure(!h->geo.read_only || io->op == SRING_BLKIF_OP_READ,
	       "write to a read-only disk");
	h->io_done[k] = 1;
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
		if (io->op == SRING_BLKIF_OP_READ) {
			memcpy(p, h->disk + pos, n);
			snap_follow(h, p, n);
		} else {
			memcpy(h->disk + pos, p, n);
		}
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
	io->failed = 0;
	blkback_io_done(io);
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
	if (!h->perm[1])
		ASAN_POISON_MEMORY_REGION(h->ring + h->ring_bytes,
					  PG - h->ring_bytes);
	for (fr = 2; fr < FRAMES; fr++)
		if (!h->perm[fr])
			ASAN_POISON_MEMORY_REGION(h->mem + fr * PG, PG);
}

/* One kick, as the daemon's event loop gives it, and the checks. */
static int step(void *arg)
{
	struct harness *h = arg;
	int rc, kicks = 0;

	h->cons0 = h->c.be.core.req_cons;
	h->rsp0 = h->checked = h->c.be.core.rsp_prod_pvt;
	h->noted = 0;
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
	ensure(h->checked - h->rsp0 == h->noted,
	       "a request taken was not answered at once");
	if (rc == 0) {
		ensure(SRING_LOAD_RELAXED(h->c.be.core.l.req_prod) ==
				       h->c.be.core.req_cons &&
			       SRING_LOAD_RELAXED(h->c.be.core.l.req_event) ==
				       h->c.be.core.req_cons + 1u,
		       "asleep with requests pending or req_event not armed");
		return 0;
	}
	/* Latched: another kick must touch nothing at all. */
	memcpy(h->snap, h->ring, h->ring_bytes);
	ensure(blkback_conn_kick(&h->c) == -1 &&
		       memcmp(h->snap, h->ring, h->ring_bytes) == 0,
	       "a dead connection served again");
	return 1;
}

/* Guest memory as the daemon's front end lays it out; grants 1..8 are
 * the data frames writable, 9..16 the same frames read-only. */
static void harness_init(struct harness *h, uint8_t cfg)
{
	struct gnt_entry *e;
	uint32_t i;

	memset(h, 0, sizeof(*h));
	h->abi = (cfg & 1) ? SRING_BLKIF_ABI_X86_32 : SRING_BLKIF_ABI_64;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness proper: a back end, a hostile front end, run. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness h;
	struct sring_fuzzkit k;

	harness_init(&h, size ? data[0] : 0);
	sring_fuzzkit_init(&k, data + (size > 0), size - (size > 0),
			   &h.c.be.core.l, SRING_FUZZKIT_PEER_IS_FRONT,
			   h.mem, FRAMES * PG);
	sring_fuzzkit_run(&k, step, &h);
	free(h.disk);
	free(h.mem);
	return 0;
}

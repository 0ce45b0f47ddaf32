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
 * memory), the indirect pages.
 *
 * One liberty: the ring frame may be granted, but map() never hands it
 * out writable (the daemon's shm_gnt_map() would): a read into it is
 * refused as through a read-only grant, a write from it is served. Why: a
 * read into the ring frame rewrites request slots and indices while the
 * back end runs, behind the snapshot from which the harness knows what
 * each request said, so neither the answers nor the I/O could be checked
 * exactly any more (the fuzzer found this while the harness was written).
 * What is given up: the back end's own I/O overwriting its ring mid-kick.
 * Safety there rests on the library reading each slot and index once into
 * private memory, which fuzz/ring_back_fuzzer.c checks.
 *
 * The oracle. For each request the back end takes, the harness decides,
 * from the request's bytes and the grant table alone (its own decoding of
 * both wire formats and its own reading of the rules of docs/blkif.md
 * section 3; never sring_blkif_check_request() nor shm_gnt_map()), what
 * must become of it:
 *  - an unknown operation (4, 7..255) or one the disk does not offer
 *    (barrier, and whatever geo.features leaves out) is answered
 *    EOPNOTSUPP;
 *  - every other invalid request is answered ERROR: an indirect_op that
 *    is neither READ nor WRITE; anything but a read on a read-only disk;
 *    no segment (READ, WRITE, indirect) or too many (11 direct, the
 *    offered maximum indirect); first_sect > last_sect or last_sect > 7;
 *    a start, segment or length not aligned to the logical block; sectors
 *    outside the disk; and an indirect page or a segment whose grant does
 *    not allow the access (a read needs a writable grant);
 *  - an empty discard is answered OKAY at once;
 *  - anything else reaches submit() with exactly: the operation (an
 *    indirect request's indirect_op), the disk offset sector * 512 (for a
 *    discard, nr_sectors * 512 bytes and no iovec), and iovec i for
 *    segment i, at first_sect * 512 into the frame its grant names,
 *    (last_sect - first_sect + 1) * 512 long; and it is answered OKAY
 *    when its I/O completes (ERROR if the harness failed the I/O).
 * An answer carries the request's id and operation (indirect: its
 * indirect_op) and exactly that status; no other outcome passes. A
 * grant is usable (the harness's rule, from shm.h's contract): reference
 * 1..511, in use, naming a frame in 1..FRAMES-1, not read-only if the
 * back end writes into it, and not the ring frame for that (see above).
 *
 * Why the model sees what the back end saw. The kit writes guest memory
 * only between kicks; during a kick only the back end changes it: its
 * answers (into slots it has taken), req_event, and its reads (submit()
 * copies the disk into the granted frames at once). So: a request's slot
 * holds during the kick what it held when the kick began (answers go only
 * to slots already taken: the ring refuses a req_prod more than a ring
 * ahead of the answers), and the harness reads it from a snapshot taken
 * then; the grant table cannot change during a kick, so no grant is
 * revoked between a request's consumption and its mapping here (a real
 * guest could race the two; then the map decides, and the answer is
 * ERROR like any refused grant: a harness for that would have to accept
 * either ERROR or the I/O); a grant table changed between kicks is seen
 * by requests taken in later kicks, as the back end sees it. The one
 * thing the back end itself may have changed, an indirect page (a data
 * frame an earlier read of the same kick filled, or the ring frame its
 * answers write into), is read by the harness when the request maps its
 * first page: after the back end took it, before it reads the page.
 *
 * Checked after every kick (abort on failure), beyond ASan and UBSan:
 *  - the oracle above, for every request taken;
 *  - I/O touches only frames granted at that moment and mapped through
 *    shm_gnt_map() for that request, each iovec inside one frame, a read
 *    only into frames granted and mapped writable (frames not granted are
 *    ASan-poisoned while the back end runs), and only the disk; nothing
 *    but reads on a read-only disk;
 *  - answers are well formed (known status, zeroed padding), refusals
 *    are answered at once, synchronous I/O too, asynchronous I/O when it
 *    completes, and not before; answers are pushed; the back end's
 *    in-flight count is the harness's;
 *  - the connection is dead exactly when the ring is latched broken, and
 *    a dead connection touches the ring no more, not even when its I/O
 *    completes; a back end that may sleep has taken every request and
 *    armed req_event.
 * Once the connection is dead step() still returns 0: the kit keeps
 * scribbling (it may repair the indices, publish again, re-grant), and
 * every later kick must still return -1 and leave the ring untouched.
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

/* What must become of a request (see the oracle at the top). */
enum want {
	WANT_IO,         /* submit() with the I/O below, then its status */
	WANT_OKAY,       /* answered OKAY at once (an empty discard) */
	WANT_ERROR,      /* refused ERROR at once */
	WANT_EOPNOTSUPP  /* refused EOPNOTSUPP at once */
};

/* The I/O a request must hand to submit(). */
struct want_io {
	uint8_t op;        /* READ, WRITE, FLUSH_DISKCACHE or DISCARD */
	uint64_t offset;   /* bytes into the disk */
	uint64_t length;   /* DISCARD: bytes; otherwise 0 */
	unsigned int niov;
	uint32_t iov_at[BLKBACK_MAX_INDIRECT_SEGS]; /* bytes into guest mem */
	uint16_t iov_len[BLKBACK_MAX_INDIRECT_SEGS];
};

/* A request taken and not yet answered. */
struct taken {
	uint64_t id;
	uint8_t op;     /* the operation its answer must carry */
	uint8_t io;     /* 0 no I/O (refused, or an empty discard), 1 I/O in
			   flight (no answer yet), 2 I/O completed */
	uint8_t want;   /* enum want */
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
	int read_only;
	uint32_t block;            /* logical block size, from the input */
	/* What is granted during this kick, and what the request being
	 * handled mapped (1 to read, 2 to write). */
	uint8_t perm[FRAMES], mapped[FRAMES];
	sring_idx_t map_for;    /* the request mapped[] is about */
	/* The ring as the back end reads it during this kick. */
	uint8_t snap[PG];
	sring_idx_t noted, checked; /* next request to note, answer to check */
	/* The I/O the request last noted must do: only it can be submitted
	 * (submit() is for the newest request taken, which map() and submit()
	 * note first), so the older ones need no copy. */
	struct want_io w;
	struct taken out[2 * SLOTS];
	unsigned int nout;
	struct blkback_io *pend[2 * SLOTS]; /* asynchronous I/O in flight */
	sring_idx_t pend_idx[2 * SLOTS];    /* ... and whose it is */
	unsigned int npend;
};

/* An n-byte field (2, 4 or 8) of a slot or grant entry: native byte
 * order, as the ring and the grant table are (Xen's wire is the guest's
 * own order; s390x replays the corpus too). */
static uint64_t ld(const uint8_t *p, unsigned int n)
{
	uint16_t v2;
	uint32_t v4;
	uint64_t v8;

	if (n == 2) {
		memcpy(&v2, p, 2);
		return v2;
	}
	if (n == 4) {
		memcpy(&v4, p, 4);
		return v4;
	}
	memcpy(&v8, p, 8);
	return v8;
}

/* The frame gref lets the back end read (write: write into), or 0: the
 * harness's own reading of the grant table (shm.h), not shm_gnt_map(). */
static uint32_t grant(const struct harness *h, uint32_t gref, int write)
{
	const uint8_t *e = h->mem + (size_t)gref * 8u;
	uint32_t fr, fl;

	if (gref == 0 || gref >= GNT_PER_FRAME)
		return 0;
	fr = (uint32_t)ld(e, 4);
	fl = (uint32_t)ld(e + 4, 2);
	if (!(fl & GNT_F_INUSE) || fr < 1 || fr >= FRAMES)
		return 0;
	if (write && ((fl & GNT_F_READONLY) || fr == 1)) /* 1: see the top */
		return 0;
	return fr;
}

/* [sector, sector + n) inside the disk and aligned to the block. */
static int in_disk(const struct harness *h, uint64_t sector, uint64_t n)
{
	uint64_t spb = h->block / 512u;

	return sector <= DISK_SECTORS && n <= DISK_SECTORS - sector &&
	       sector % spb == 0 && n % spb == 0;
}

/*
 * The oracle: what must become of the request whose slot bytes are q, as
 * the blkif rules (docs/blkif.md section 3) and the grant table say; sets
 * t->want and, for I/O, h->w. Decodes both wire formats itself.
 */
static void judge(struct harness *h, struct taken *t, const uint8_t *q)
{
	int x32 = h->abi == SRING_BLKIF_ABI_X86_32;
	const uint8_t *hd = q + (x32 ? 4 : 8); /* id, then sector_number */
	uint64_t sector = ld(hd + 8, 8), total = 0;
	uint64_t spb = h->block / 512u;
	uint32_t feat = h->geo.features, maxind = h->geo.max_indirect_segments;
	const uint8_t *seg[BLKBACK_MAX_INDIRECT_SEGS];
	unsigned int i, n;
	uint8_t op = q[0];

	t->want = WANT_ERROR;
	h->w.niov = 0;
	if (maxind > BLKBACK_MAX_INDIRECT_SEGS) /* what seg[] holds */
		maxind = BLKBACK_MAX_INDIRECT_SEGS;
	switch (op) {
	case SRING_BLKIF_OP_READ:
	case SRING_BLKIF_OP_WRITE:
	case SRING_BLKIF_OP_WRITE_BARRIER:
	case SRING_BLKIF_OP_FLUSH_DISKCACHE:
		if ((op == SRING_BLKIF_OP_WRITE_BARRIER &&
		     !(feat & SRING_BLKIF_F_BARRIER)) ||
		    (op == SRING_BLKIF_OP_FLUSH_DISKCACHE &&
		     !(feat & SRING_BLKIF_F_FLUSH))) {
			t->want = WANT_EOPNOTSUPP;
			return;
		}
		n = q[1];
		if ((op != SRING_BLKIF_OP_READ && h->read_only) ||
		    n > SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST ||
		    (n == 0 && op <= SRING_BLKIF_OP_WRITE))
			return;
		for (i = 0; i < n; i++)
			seg[i] = hd + 16 + 8 * i;
		break;
	case SRING_BLKIF_OP_DISCARD: {
		uint64_t nr = ld(hd + 16, 8);

		if (!(feat & SRING_BLKIF_F_DISCARD)) {
			t->want = WANT_EOPNOTSUPP;
			return;
		}
		if (h->read_only || !in_disk(h, sector, nr))
			return;
		t->want = nr ? WANT_IO : WANT_OKAY;
		h->w.op = op;
		h->w.offset = sector * 512u;
		h->w.length = nr * 512u;
		return;
	}
	case SRING_BLKIF_OP_INDIRECT: {
		const uint8_t *pg[SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];

		if (!maxind) {
			t->want = WANT_EOPNOTSUPP;
			return;
		}
		op = q[1];
		n = (unsigned int)ld(q + 2, 2);
		if ((op != SRING_BLKIF_OP_READ && op != SRING_BLKIF_OP_WRITE) ||
		    (op == SRING_BLKIF_OP_WRITE && h->read_only) || n == 0 ||
		    n > maxind)
			return;
		for (i = 0; i < (n + 511u) / 512u; i++) {
			uint32_t fr = grant(h, (uint32_t)ld(hd + 20 + 4 * i, 4),
					    0);

			if (!fr)
				return;
			pg[i] = h->mem + (size_t)fr * PG;
		}
		for (i = 0; i < n; i++)
			seg[i] = pg[i / 512u] + (i % 512u) * 8u;
		break;
	}
	default:
		t->want = WANT_EOPNOTSUPP;
		return;
	}
	/* Segments: each whole sectors of one page, aligned, in the disk,
	 * and granted for the access. */
	for (i = 0; i < n; i++) {
		uint8_t first = seg[i][4], last = seg[i][5];

		if (first > last || last > 7 || first % spb ||
		    (last - first + 1u) % spb)
			return;
		total += last - first + 1u;
	}
	if (n && !in_disk(h, sector, total))
		return;
	for (i = 0; i < n; i++) {
		uint32_t fr = grant(h, (uint32_t)ld(seg[i], 4),
				    op == SRING_BLKIF_OP_READ);

		if (!fr)
			return;
		h->w.iov_at[i] = fr * PG + seg[i][4] * 512u;
		h->w.iov_len[i] =
			(uint16_t)((seg[i][5] - seg[i][4] + 1u) * 512u);
	}
	t->want = WANT_IO;
	h->w.op = op;
	h->w.offset = sector * 512u;
	h->w.length = 0;
	h->w.niov = n;
}

/*
 * Notes the id and answer operation of each request taken since the last
 * look, and judges it, from the ring as it was when the kick began:
 * nothing but the back end writes the ring while it runs, and it never
 * writes a slot it has yet to take (the ring's window), so this is what
 * it read. Called as soon as the back end maps anything for a request,
 * before each I/O and after each kick: guest memory is then as it was
 * when every request not yet noted was taken (see the top).
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
		judge(h, t, q);
	}
}

/* The daemon's grant lookup; what each request mapped, and how, noted.
 * The ring frame is never handed out for writing (see the top). */
static uint8_t *map(void *arg, uint32_t gref, int write)
{
	struct harness *h = arg;
	uint8_t *p;

	take_note(h); /* before the back end reads an indirect page */
	p = shm_gnt_map(&h->f, gref, write);
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

static const char *const want_name[] = {"the I/O", "OKAY at once",
					"ERROR", "EOPNOTSUPP"};

/* The status an answer to t must carry now, or 1 if none may come yet. */
static int answer_due(const struct taken *t)
{
	if (t->io)
		return t->io == 2 ? t->st : 1;
	switch (t->want) {
	case WANT_OKAY: return SRING_BLKIF_RSP_OKAY;
	case WANT_ERROR: return SRING_BLKIF_RSP_ERROR;
	case WANT_EOPNOTSUPP: return SRING_BLKIF_RSP_EOPNOTSUPP;
	default: return 1; /* owed an I/O first */
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

			if (t->id == id && t->op == a[8] &&
			    answer_due(t) == st)
				break;
			if (!h->async) {
				fprintf(stderr, "blkback: request %u (id %llu,"
					" op %u) wants %s (io %u), answered "
					"id %llu op %u status %d\n",
					(unsigned int)t->idx,
					(unsigned long long)t->id, t->op,
					want_name[t->want], t->io,
					(unsigned long long)id, a[8], st);
				ensure(0, "answer out of order, or not the "
				       "one the request must get");
			}
		}
		ensure(i < h->nout, "answer for no request taken, or with "
		       "the wrong operation, or a status the request must "
		       "not get, or before its I/O completed");
		memmove(&h->out[i], &h->out[i + 1],
			(h->nout - i - 1) * sizeof(h->out[0]));
		h->nout--;
	}
}

/* The I/O the back end handed over, against what the request must do. */
static void check_io(struct harness *h, const struct taken *t,
		     const struct blkback_io *io)
{
	unsigned int i;

	if (t->want != WANT_IO)
		fprintf(stderr, "blkback: request %u (op %u) wants %s, got "
			"I/O\n", (unsigned int)t->idx, t->op,
			want_name[t->want]);
	ensure(t->want == WANT_IO, "I/O for a request that must be "
	       "refused (or answered at once)");
	ensure(t->idx == h->noted - 1u, "h->w is not this request's");
	ensure(io->op == h->w.op, "I/O of the wrong operation");
	/* A flush without data has no place on the disk to check. */
	ensure((io->offset == h->w.offset ||
		(!h->w.niov && h->w.op != SRING_BLKIF_OP_DISCARD)) &&
		       io->length == h->w.length,
	       "I/O at the wrong disk offset (not sector * 512), or of the "
	       "wrong discard length");
	ensure(io->niov == h->w.niov, "not one iovec per segment");
	for (i = 0; i < io->niov; i++)
		ensure((uintptr_t)io->iov[i].iov_base ==
				       (uintptr_t)h->mem + h->w.iov_at[i] &&
			       io->iov[i].iov_len == h->w.iov_len[i],
		       "iovec i is not segment i's sectors of its granted "
		       "frame");
}

/* The disk: checks that the back end handed over the I/O the request
 * asks for, only granted memory and only the disk, does the I/O, and
 * completes it now or at the next kick. */
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
		pos += n;
	}
	check_io(h, t, io);
	for (i = 0, pos = io->offset; i < io->niov; i++) {
		uint8_t *p = io->iov[i].iov_base;
		size_t n = io->iov[i].iov_len;

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
	if (h->c.dead) {
		/* Dead in an earlier turn, whatever the kit wrote since. */
		ensure(blkback_conn_kick(&h->c) == -1 && h->c.inflight == 0 &&
			       memcmp(h->snap, h->ring, h->ring_bytes) == 0,
		       "a dead connection served again");
		return 0;
	}
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
		return 0; /* the kit scribbles on; every kick is checked */
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
	h->read_only = (cfg & 2) != 0;
	h->block = (cfg & 4) ? 4096 : 512;
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
	blkback_geometry(&h->geo, DISK_SECTORS, h->block, h->read_only);
	/* The oracle takes the disk from the input, the features and the
	 * indirect maximum from geo (what the daemon advertises). */
	if (h->geo.sectors != DISK_SECTORS || h->geo.sector_size != h->block ||
	    h->geo.read_only != h->read_only)
		abort();
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

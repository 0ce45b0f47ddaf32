/* SPDX-License-Identifier: MIT */
/* The block front end as a library (see frontdev.h). */
#define _GNU_SOURCE
#include "frontdev.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"
#include "evtchn.h"

#define SECTOR 512u

uint32_t fe_max_sectors(const struct fe_dev *d)
{
	return d->pages_per_slot * SRING_BLKIF_SECTORS_PER_PAGE;
}

uint32_t fe_in_flight(const struct fe_dev *d)
{
	return d->nr_slots - d->nr_free;
}

static int fe_fail(struct fe_dev *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fe_fail(struct fe_dev *d, int code, const char *fmt, ...)
{
	va_list ap;

	if (!d->failed) {
		fprintf(stderr, "%s: ", blk_prog);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
		d->failed = code;
	}
	return d->failed;
}

/* The back end's xenbus node changed (or the socket died). */
static int fe_sock_event(struct fe_dev *d)
{
	int rc;

	while ((rc = xb_read(&d->xb, 0)) != 0) {
		if (rc == -1)
			return fe_fail(d, BLK_EXIT_PEER,
				       "backend vanished (socket closed)");
		if (rc == -2)
			return fe_fail(d, BLK_EXIT_PROTO,
				       "protocol violation on xenbus by the "
				       "backend");
		if (d->xb.peer_state >= XB_CLOSING)
			return fe_fail(d, BLK_EXIT_PEER,
				       "backend closed the device (state %s)",
				       xb_state_name(d->xb.peer_state));
	}
	return 0;
}

static int fe_wait_backend(struct fe_dev *d, int want)
{
	int rc = xb_wait_state(&d->xb, want, d->timeout_ms);

	if (rc == 1)
		return 0;
	if (rc == 0)
		return fe_fail(d, BLK_EXIT_PEER,
			       "backend did not reach %s within %d ms",
			       xb_state_name(want), d->timeout_ms);
	if (rc == -1)
		return fe_fail(d, BLK_EXIT_PEER,
			       "backend vanished during the handshake");
	if (d->xb.peer_state >= XB_CLOSING)
		return fe_fail(d, BLK_EXIT_PEER,
			       "backend refused the connection (state %s; "
			       "see its log)",
			       xb_state_name(d->xb.peer_state));
	return fe_fail(d, BLK_EXIT_PROTO, "malformed xenbus message");
}

static uint64_t node(struct fe_dev *d, const char *key, uint64_t dflt)
{
	uint64_t v;

	return xb_get_u64(&d->xb, key, &v) == 0 ? v : dflt;
}

int fe_connect(struct fe_dev *d, const struct fe_opts *o)
{
	struct sockaddr_un sa;
	uint32_t ring_frames, pool, nr_gnt, gnt_frames, i, k;
	uint64_t v;
	int s, rc, fds[3];

	memset(d, 0, sizeof(*d));
	d->evt_to_back = d->evt_from_back = -1;
	d->mem.fd = -1;
	d->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(o->socket) >= sizeof(sa.sun_path))
		return fe_fail(d, BLK_EXIT_USAGE, "socket path too long");
	strcpy(sa.sun_path, o->socket);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fe_fail(d, BLK_EXIT_PEER, "cannot connect to %s: %s",
			       o->socket, strerror(errno));
	xb_init(&d->xb, s);
	if (xb_switch_state(&d->xb, XB_INITIALISING) < 0)
		return fe_fail(d, BLK_EXIT_PEER, "backend vanished");
	if ((rc = fe_wait_backend(d, XB_INITWAIT)) != 0)
		return rc;

	/* The back end's offer. */
	d->max_ring_order = (uint32_t)node(d, "max-ring-page-order", 0);
	d->feat_flush = node(d, "feature-flush-cache", 0) != 0;
	d->feat_discard = node(d, "feature-discard", 0) != 0;
	d->max_indirect = (uint32_t)node(d, "feature-max-indirect-segments",
					 0);
	d->ring_order = (unsigned int)(o->ring_order < 0 ? 0 : o->ring_order);
	if (d->ring_order > d->max_ring_order)
		d->ring_order = d->max_ring_order;
	if (d->ring_order > 4)
		d->ring_order = 4;
	d->abi = o->abi < 0 ? SRING_BLKIF_ABI_NATIVE : o->abi;

	/* Indirect segments: as many as wanted and offered, in one page. */
	d->pages_per_slot = FE_SEGS;
	if (o->indirect > FE_SEGS && d->max_indirect > FE_SEGS) {
		d->pages_per_slot = (uint32_t)o->indirect;
		if (d->pages_per_slot > d->max_indirect)
			d->pages_per_slot = d->max_indirect;
		if (d->pages_per_slot > FE_MAX_INDIRECT)
			d->pages_per_slot = FE_MAX_INDIRECT;
		d->use_indirect = 1;
	}

	/* Guest memory: grant table, ring, a pool of pages for each slot
	 * (the data pages, then the indirect page). Pages are touched only
	 * when used, so a large pool costs address space, not memory. */
	ring_frames = 1u << d->ring_order;
	d->nr_slots = sring_ring_slots(sring_blkif_slot_size(d->abi),
				       (size_t)ring_frames * BLK_PAGE);
	pool = d->nr_slots * (d->pages_per_slot + 1u);
	nr_gnt = 1 + ring_frames + pool;
	gnt_frames = (nr_gnt + GNT_PER_FRAME - 1) / GNT_PER_FRAME;
	if (shm_guest_create(&d->mem, gnt_frames,
			     gnt_frames + ring_frames + pool) < 0)
		return fe_fail(d, BLK_EXIT_IO, "memfd: %s", strerror(errno));
	for (i = 0; i < ring_frames; i++)
		shm_gnt_grant(&d->mem, 1 + i, gnt_frames + i, 0);
	if (sring_blkif_ring_init(d->abi, d->mem.base +
				  (size_t)gnt_frames * BLK_PAGE,
				  (size_t)ring_frames * BLK_PAGE) != SRING_OK ||
	    sring_blkif_frontend_init(&d->fe, d->abi,
				      d->mem.base +
					      (size_t)gnt_frames * BLK_PAGE,
				      (size_t)ring_frames * BLK_PAGE) !=
		    SRING_OK)
		return fe_fail(d, BLK_EXIT_IO, "ring init failed");
	if (sring_blkif_frontend_size(&d->fe) < d->nr_slots)
		d->nr_slots = sring_blkif_frontend_size(&d->fe);
	d->ents = calloc(d->nr_slots, sizeof(*d->ents));
	d->slots = calloc(d->nr_slots, sizeof(*d->slots));
	d->free_slot = calloc(d->nr_slots, sizeof(*d->free_slot));
	if (!d->ents || !d->slots || !d->free_slot)
		return fe_fail(d, BLK_EXIT_IO, "out of memory");
	sring_blkif_shadow_init(&d->shadow, d->ents, d->nr_slots);
	for (i = 0; i < d->nr_slots; i++) {
		struct fe_slot *sl = &d->slots[i];

		sl->frame0 = gnt_frames + ring_frames +
			     i * (d->pages_per_slot + 1u);
		sl->gref0 = 1 + ring_frames + i * (d->pages_per_slot + 1u);
		sl->data = d->mem.base + (size_t)sl->frame0 * BLK_PAGE;
		sl->ind = sl->data + (size_t)d->pages_per_slot * BLK_PAGE;
		d->free_slot[d->nr_free++] = d->nr_slots - 1 - i;
	}

	/* Event channels, then our nodes; Initialised. */
	d->evt_to_back = evtchn_alloc();
	d->evt_from_back = evtchn_alloc();
	if (d->evt_to_back < 0 || d->evt_from_back < 0)
		return fe_fail(d, BLK_EXIT_IO, "eventfd: %s", strerror(errno));
	fds[0] = d->mem.fd;
	fds[1] = d->evt_to_back;
	fds[2] = d->evt_from_back;
	{
		char val[16];

		snprintf(val, sizeof(val), "%u", gnt_frames);
		rc = xb_write_fds(&d->xb, "grant-table-frames", val, fds, 3);
	}
	if (d->ring_order == 0) {
		rc |= xb_write(&d->xb, "ring-ref", "%u", 1u);
	} else {
		char key[24];

		rc |= xb_write(&d->xb, "ring-page-order", "%u", d->ring_order);
		for (k = 0; k < ring_frames; k++) {
			snprintf(key, sizeof(key), "ring-ref%u", k);
			rc |= xb_write(&d->xb, key, "%u", 1 + k);
		}
	}
	rc |= xb_write(&d->xb, "event-channel", "%d", 0);
	rc |= xb_write(&d->xb, "protocol", "%s",
		       d->abi == SRING_BLKIF_ABI_X86_32
			       ? SRING_BLKIF_PROTOCOL_X86_32
			       : SRING_BLKIF_PROTOCOL_X86_64);
	rc |= xb_switch_state(&d->xb, XB_INITIALISED);
	if (rc)
		return fe_fail(d, BLK_EXIT_PEER, "backend vanished during the "
			       "handshake");
	if ((rc = fe_wait_backend(d, XB_CONNECTED)) != 0)
		return rc;
	if (xb_get_u64(&d->xb, "sectors", &d->sectors) < 0 ||
	    xb_get_u64(&d->xb, "sector-size", &v) < 0 || v < SECTOR ||
	    v > 65536 || (v & (v - 1)) != 0)
		return fe_fail(d, BLK_EXIT_PROTO,
			       "backend Connected without valid sectors / "
			       "sector-size");
	d->sector_size = (uint32_t)v;
	d->info = (uint32_t)node(d, "info", 0);
	if (xb_switch_state(&d->xb, XB_CONNECTED) < 0)
		return fe_fail(d, BLK_EXIT_PEER, "backend vanished");
	if (o->verbose)
		fprintf(stderr, "%s: connected: %llu sectors, %s, ring order %u "
			"(%u slots), up to %u pages a request%s\n", blk_prog,
			(unsigned long long)d->sectors,
			d->abi == SRING_BLKIF_ABI_X86_32 ? "x86_32-abi"
							 : "x86_64-abi",
			d->ring_order, d->nr_slots, d->pages_per_slot,
			d->use_indirect ? " (indirect)" : "");
	return 0;
}

void fe_close(struct fe_dev *d)
{
	if (d->xb.sock >= 0 && !d->failed &&
	    xb_switch_state(&d->xb, XB_CLOSING) == 0) {
		/* Wait (briefly) for the back end to let go. */
		while (d->xb.peer_state < XB_CLOSING &&
		       xb_read(&d->xb, 2000) > 0)
			;
		(void)xb_switch_state(&d->xb, XB_CLOSED);
	}
	xb_close(&d->xb);
	if (d->evt_to_back >= 0)
		close(d->evt_to_back);
	if (d->evt_from_back >= 0)
		close(d->evt_from_back);
	shm_guest_destroy(&d->mem);
	free(d->ents);
	free(d->slots);
	free(d->free_slot);
	d->ents = NULL;
	d->slots = NULL;
	d->free_slot = NULL;
}

int fe_submit(struct fe_dev *d, uint8_t op, uint64_t sector, uint64_t nsect,
	      void *buf, fe_done_fn done, void *arg)
{
	struct sring_blkif_segment segs[FE_MAX_INDIRECT];
	struct sring_blkif_req r;
	struct fe_slot *sl;
	uint32_t idx, p, npages = 0;
	int rc;

	if (d->failed)
		return d->failed;
	if (d->nr_free == 0)
		return 1;
	memset(&r, 0, sizeof(r));
	r.operation = op;
	r.sector_number = sector;
	if (op == SRING_BLKIF_OP_DISCARD) {
		r.nr_sectors = nsect;
	} else {
		if (nsect > fe_max_sectors(d))
			return fe_fail(d, BLK_EXIT_USAGE, "request too big");
		npages = (uint32_t)((nsect + 7) / 8);
		r.nr_segments = (uint16_t)npages;
	}
	idx = d->free_slot[d->nr_free - 1];
	sl = &d->slots[idx];
	for (p = 0; p < npages; p++) {
		uint64_t left = nsect - (uint64_t)p * 8;
		uint32_t n = left >= 8 ? 8u : (uint32_t)left;

		sring_blkif_seg_set(&segs[p], sl->gref0 + p, 0, n * SECTOR);
	}
	if (npages > FE_SEGS) {
		/* Segments go in the indirect page, granted read-only. */
		sring_blkif_write_indirect_page(sl->ind, segs, npages);
		r.indirect = 1;
		r.nr_indirect_pages = 1;
		r.indirect_grefs[0] = sl->gref0 + d->pages_per_slot;
		shm_gnt_grant(&d->mem, r.indirect_grefs[0],
			      sl->frame0 + d->pages_per_slot, 1);
		sl->ind_granted = 1;
	} else {
		for (p = 0; p < npages; p++)
			r.seg[p] = segs[p];
		sl->ind_granted = 0;
	}
	if (op == SRING_BLKIF_OP_WRITE && nsect)
		memcpy(sl->data, buf, (size_t)nsect * SECTOR);
	for (p = 0; p < npages; p++)
		shm_gnt_grant(&d->mem, sl->gref0 + p, sl->frame0 + p,
			      op != SRING_BLKIF_OP_READ);
	sl->npages = npages;
	sl->op = op;
	sl->bytes = op == SRING_BLKIF_OP_DISCARD ? 0 : (uint32_t)nsect * SECTOR;
	sl->user = buf;
	sl->done = done;
	sl->arg = arg;
	rc = sring_blkif_frontend_submit(&d->fe, &d->shadow, &r, idx);
	if (rc != SRING_OK) {
		for (p = 0; p < npages; p++)
			shm_gnt_end(&d->mem, sl->gref0 + p);
		if (sl->ind_granted)
			shm_gnt_end(&d->mem, sl->gref0 + d->pages_per_slot);
		if (rc == SRING_FULL)
			return 1;
		return fe_fail(d, rc == SRING_EINVAL ? BLK_EXIT_USAGE
						     : BLK_EXIT_PROTO,
			       "cannot queue request: %s",
			       sring_blkif_strerror(rc));
	}
	d->nr_free--;
	d->unpushed = 1;
	return 0;
}

void fe_push(struct fe_dev *d)
{
	if (!d->unpushed || d->failed)
		return;
	d->unpushed = 0;
	if (sring_blkif_frontend_push_requests(&d->fe))
		evtchn_notify(d->evt_to_back);
}

/* Completes every response available. Return: count, or -exit code. */
static int fe_complete(struct fe_dev *d)
{
	uint64_t cookie;
	int16_t st;
	int rc, n = 0;

	while ((rc = sring_blkif_frontend_complete(&d->fe, &d->shadow,
						   &cookie, &st)) == SRING_OK) {
		struct fe_slot *sl = &d->slots[cookie];
		uint32_t p;

		for (p = 0; p < sl->npages; p++)
			shm_gnt_end(&d->mem, sl->gref0 + p);
		if (sl->ind_granted)
			shm_gnt_end(&d->mem, sl->gref0 + d->pages_per_slot);
		if (sl->op == SRING_BLKIF_OP_READ && st == SRING_BLKIF_RSP_OKAY)
			memcpy(sl->user, sl->data, sl->bytes);
		d->free_slot[d->nr_free++] = (uint32_t)cookie;
		if (sl->done)
			sl->done(sl->arg, st);
		n++;
	}
	if (rc == SRING_EPROTO)
		return -fe_fail(d, BLK_EXIT_PROTO,
				"protocol violation by the backend "
				"(bad response or ring index); device torn "
				"down");
	return n;
}

int fe_poll(struct fe_dev *d, int timeout_ms)
{
	struct pollfd pf[2];
	int n, rc;

	for (;;) {
		if (d->failed)
			return -d->failed;
		fe_push(d);
		n = fe_complete(d);
		if (n != 0)
			return n;
		rc = sring_blkif_frontend_final_check(&d->fe);
		if (rc < 0)
			return fe_complete(d);
		if (rc > 0)
			continue;
		pf[0].fd = d->evt_from_back;
		pf[0].events = POLLIN;
		pf[1].fd = d->xb.sock;
		pf[1].events = POLLIN;
		pf[0].revents = pf[1].revents = 0;
		rc = poll(pf, 2, timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0)
			return 0;
		if (pf[1].revents) {
			rc = fe_sock_event(d);
			if (rc)
				return -rc;
		}
		if (pf[0].revents)
			evtchn_drain(d->evt_from_back);
	}
}

/* Waits until nothing is in flight. Return: 0 or an exit code. */
static int fe_drain(struct fe_dev *d)
{
	while (fe_in_flight(d) > 0) {
		int n = fe_poll(d, d->timeout_ms);

		if (n < 0)
			return -n;
		if (n == 0)
			return fe_fail(d, BLK_EXIT_PEER,
				       "backend not responding (%u requests "
				       "outstanding after %d ms)",
				       fe_in_flight(d), d->timeout_ms);
	}
	return 0;
}

struct fe_sync {
	int errors;
	int16_t last;
};

static void sync_done(void *arg, int16_t st)
{
	struct fe_sync *s = arg;

	if (st != SRING_BLKIF_RSP_OKAY) {
		s->errors++;
		s->last = st;
	}
}

/* Aligned transfer of whole sectors, many requests in flight. */
static int fe_rw_sectors(struct fe_dev *d, uint8_t op, uint64_t sector,
			 uint8_t *buf, uint64_t nsect)
{
	struct fe_sync s = {0, 0};
	uint64_t chunk = fe_max_sectors(d);
	int rc;

	/* Keep requests aligned to the logical block size. */
	chunk -= chunk % (d->sector_size / SECTOR);
	while (nsect > 0) {
		uint64_t n = nsect < chunk ? nsect : chunk;

		rc = fe_submit(d, op, sector, n, buf, sync_done, &s);
		if (rc == 1) {
			int got = fe_poll(d, d->timeout_ms);

			if (got < 0)
				return -got;
			if (got == 0)
				return fe_fail(d, BLK_EXIT_PEER,
					       "backend not responding");
			continue;
		}
		if (rc)
			return rc;
		sector += n;
		buf += n * SECTOR;
		nsect -= n;
	}
	fe_push(d);
	rc = fe_drain(d);
	if (rc)
		return rc;
	if (s.errors) {
		blk_msg("%s failed: backend answered %s (%d request%s)",
			op == SRING_BLKIF_OP_READ ? "read" : "write",
			s.last == SRING_BLKIF_RSP_EOPNOTSUPP ? "EOPNOTSUPP"
							     : "ERROR",
			s.errors, s.errors == 1 ? "" : "s");
		return BLK_EXIT_IO;
	}
	return 0;
}

static int fe_range_ok(struct fe_dev *d, uint64_t off, uint64_t len)
{
	uint64_t size = d->sectors * SECTOR;

	if (off > size || len > size - off) {
		blk_msg("range %llu+%llu is outside the disk (%llu bytes)",
			(unsigned long long)off, (unsigned long long)len,
			(unsigned long long)size);
		return 0;
	}
	return 1;
}

int fe_read(struct fe_dev *d, uint64_t off, void *buf, size_t len)
{
	uint64_t a = d->sector_size, lo, hi;
	uint8_t *bounce;
	int rc;

	if (!fe_range_ok(d, off, len))
		return BLK_EXIT_USAGE;
	if (len == 0)
		return 0;
	if (off % a == 0 && len % a == 0)
		return fe_rw_sectors(d, SRING_BLKIF_OP_READ, off / SECTOR, buf,
				     len / SECTOR);
	lo = off / a * a;
	hi = (off + len + a - 1) / a * a;
	bounce = malloc(hi - lo);
	if (!bounce)
		return fe_fail(d, BLK_EXIT_IO, "out of memory");
	rc = fe_rw_sectors(d, SRING_BLKIF_OP_READ, lo / SECTOR, bounce,
			   (hi - lo) / SECTOR);
	if (rc == 0)
		memcpy(buf, bounce + (off - lo), len);
	free(bounce);
	return rc;
}

int fe_write(struct fe_dev *d, uint64_t off, const void *buf, size_t len)
{
	uint64_t a = d->sector_size, lo, hi;
	uint8_t *bounce;
	int rc = 0;

	if (!fe_range_ok(d, off, len))
		return BLK_EXIT_USAGE;
	if (len == 0)
		return 0;
	if (off % a == 0 && len % a == 0)
		return fe_rw_sectors(d, SRING_BLKIF_OP_WRITE, off / SECTOR,
				     (uint8_t *)(uintptr_t)buf, len / SECTOR);
	/* Read-modify-write of the partial blocks at either end. */
	lo = off / a * a;
	hi = (off + len + a - 1) / a * a;
	bounce = malloc(hi - lo);
	if (!bounce)
		return fe_fail(d, BLK_EXIT_IO, "out of memory");
	if (off != lo)
		rc = fe_rw_sectors(d, SRING_BLKIF_OP_READ, lo / SECTOR, bounce,
				   a / SECTOR);
	if (rc == 0 && (off + len) % a != 0 && (hi - a > lo || off == lo))
		rc = fe_rw_sectors(d, SRING_BLKIF_OP_READ, (hi - a) / SECTOR,
				   bounce + (hi - a - lo), a / SECTOR);
	if (rc == 0) {
		memcpy(bounce + (off - lo), buf, len);
		rc = fe_rw_sectors(d, SRING_BLKIF_OP_WRITE, lo / SECTOR,
				   bounce, (hi - lo) / SECTOR);
	}
	free(bounce);
	return rc;
}

static int fe_one(struct fe_dev *d, uint8_t op, uint64_t sector,
		  uint64_t nsect, const char *what)
{
	struct fe_sync s = {0, 0};
	int rc;

	while ((rc = fe_submit(d, op, sector, nsect, NULL, sync_done, &s)) ==
	       1) {
		int got = fe_poll(d, d->timeout_ms);

		if (got < 0)
			return -got;
	}
	if (rc)
		return rc;
	fe_push(d);
	rc = fe_drain(d);
	if (rc)
		return rc;
	if (s.errors) {
		blk_msg("%s failed: backend answered %s", what,
			s.last == SRING_BLKIF_RSP_EOPNOTSUPP ? "EOPNOTSUPP"
							     : "ERROR");
		return BLK_EXIT_IO;
	}
	return 0;
}

int fe_flush(struct fe_dev *d)
{
	if (!d->feat_flush)
		return 0; /* no write cache to flush, as blkfront assumes */
	return fe_one(d, SRING_BLKIF_OP_FLUSH_DISKCACHE, 0, 0, "flush");
}

int fe_discard(struct fe_dev *d, uint64_t off, uint64_t len)
{
	uint64_t a = d->sector_size, lo, hi;

	if (!fe_range_ok(d, off, len))
		return BLK_EXIT_USAGE;
	if (!d->feat_discard) {
		blk_msg("backend does not offer discard");
		return BLK_EXIT_IO;
	}
	lo = (off + a - 1) / a * a;
	hi = (off + len) / a * a;
	if (hi <= lo)
		return 0;
	return fe_one(d, SRING_BLKIF_OP_DISCARD, lo / SECTOR,
		      (hi - lo) / SECTOR, "discard");
}

/* SPDX-License-Identifier: MIT */
/* The block back end's request loop (see blkback_core.h). */
#include "blkback_core.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

void blkback_geometry(struct sring_blkif_geometry *geo, uint64_t sectors,
		      uint32_t sector_size, int read_only)
{
	memset(geo, 0, sizeof(*geo));
	geo->sectors = sectors;
	geo->sector_size = sector_size;
	geo->features = SRING_BLKIF_F_FLUSH | SRING_BLKIF_F_DISCARD;
	geo->max_indirect_segments = BLKBACK_MAX_INDIRECT_SEGS;
	geo->read_only = (uint8_t)(read_only != 0);
}

void blkback_conn_init(struct blkback_conn *c, int id,
		       const struct sring_blkif_geometry *geo,
		       const struct blkback_ops *ops, void *arg, FILE *log)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->geo = geo;
	c->ops = ops;
	c->arg = arg;
	c->log = log;
}

int blkback_conn_attach(struct blkback_conn *c, int abi, void *ring,
			size_t bytes)
{
	return sring_blkif_backend_init(&c->be, abi, ring, bytes);
}

void blkback_vlog(struct blkback_conn *c, const char *fmt, va_list ap)
{
	if (!c->log)
		return;
	fprintf(c->log, "%s: frontend %d: ", blk_prog, c->id);
	vfprintf(c->log, fmt, ap);
	fputc('\n', c->log);
}

void blkback_log(struct blkback_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	blkback_vlog(c, fmt, ap);
	va_end(ap);
}

void blkback_conn_stop(struct blkback_conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	if (c->ops->shutdown)
		c->ops->shutdown(c->arg);
}

static void respond(struct blkback_conn *c, uint64_t id, uint8_t op,
		    int16_t st)
{
	if (sring_blkif_backend_respond(&c->be, id, op, st) != SRING_OK) {
		blkback_log(c, "ring broken while responding");
		blkback_conn_stop(c);
		return;
	}
	c->unpushed = 1;
}

void blkback_conn_push(struct blkback_conn *c)
{
	if (c->dead || !c->unpushed)
		return;
	c->unpushed = 0;
	if (sring_blkif_backend_push_responses(&c->be))
		c->ops->notify(c->arg);
}

static void refuse(struct blkback_conn *c, uint64_t id, uint8_t op,
		   int16_t st, const char *why)
{
	c->nr_err++;
	if (c->nr_err <= BLKBACK_LOG_ERRORS)
		blkback_log(c, "request refused: %s%s", why,
			    c->nr_err == BLKBACK_LOG_ERRORS
				    ? " (no more logged)" : "");
	respond(c, id, op, st);
}

void blkback_io_done(struct blkback_io *io)
{
	struct blkback_conn *c = io->c;

	c->inflight--;
	if (!c->dead) {
		if (io->failed) {
			c->nr_err++;
			if (c->nr_err <= BLKBACK_LOG_ERRORS)
				blkback_log(c, "I/O error: %s",
					    strerror(io->failed));
		}
		respond(c, io->id, io->rsp_op,
			io->failed ? SRING_BLKIF_RSP_ERROR
				   : SRING_BLKIF_RSP_OKAY);
	}
	free(io);
}

/* The data part of a read or write: the granted pages, one iovec per
 * segment. Returns 0, or -1 if a segment's grant is bad. */
static int build_iov(struct blkback_conn *c, struct blkback_io *io,
		     const struct sring_blkif_segment *seg, unsigned int n,
		     int to_guest)
{
	unsigned int i;

	io->expect = 0;
	for (i = 0; i < n; i++) {
		uint8_t *page = c->ops->map(c->arg, seg[i].gref, to_guest);

		if (!page)
			return -1;
		io->iov[i].iov_base = page + sring_blkif_seg_offset(&seg[i]);
		io->iov[i].iov_len = sring_blkif_seg_bytes(&seg[i]);
		io->expect += io->iov[i].iov_len;
	}
	io->niov = n;
	return 0;
}

static void handle_request(struct blkback_conn *c,
			   const union sring_blkif_request *w)
{
	struct sring_blkif_segment *seg, *iseg = NULL;
	struct sring_blkif_req r;
	struct blkback_io *io;
	unsigned int n;
	int e;

	c->nr_req++;
	e = sring_blkif_check_request(w, c->geo, &r);
	if (e) {
		refuse(c, r.id, r.rsp_operation, sring_blkif_error_status(e),
		       sring_blkif_strerror(e));
		return;
	}
	seg = r.seg;
	if (r.indirect) {
		const void *pages[SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
		size_t cap = r.nr_segments;
		unsigned int i;

		for (i = 0; i < r.nr_indirect_pages; i++) {
			pages[i] = c->ops->map(c->arg, r.indirect_grefs[i], 0);
			if (!pages[i]) {
				refuse(c, r.id, r.rsp_operation,
				       SRING_BLKIF_RSP_ERROR,
				       "indirect page not granted");
				return;
			}
		}
#ifdef BLKBACK_TRUST_NR_SEGMENTS
		/* The planted bug of the fuzz demonstration (never built
		 * into the daemon): room for a direct request's segments
		 * only, and the front end's count passed as the capacity. */
		iseg = malloc(sizeof(*iseg) *
			      SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST);
#else
		iseg = malloc(sizeof(*iseg) * cap);
#endif
		if (!iseg)
			blk_die(BLK_EXIT_IO, "out of memory");
		e = sring_blkif_check_indirect(&r, c->geo, pages,
					       r.nr_indirect_pages, iseg, cap);
		if (e) {
			free(iseg);
			refuse(c, r.id, r.rsp_operation,
			       e < 0 ? SRING_BLKIF_RSP_ERROR
				     : sring_blkif_error_status(e),
			       sring_blkif_strerror(e));
			return;
		}
		seg = iseg;
	}
	n = r.nr_segments;
	io = calloc(1, sizeof(*io) + sizeof(struct iovec) * n);
	if (!io)
		blk_die(BLK_EXIT_IO, "out of memory");
	io->c = c;
	io->id = r.id;
	io->op = r.operation;
	io->rsp_op = r.rsp_operation;
	io->offset = r.sector_number << SRING_BLKIF_SECTOR_SHIFT;
	if (n && build_iov(c, io, seg, n,
			   r.operation == SRING_BLKIF_OP_READ) < 0) {
		free(iseg);
		free(io);
		refuse(c, r.id, r.rsp_operation, SRING_BLKIF_RSP_ERROR,
		       r.operation == SRING_BLKIF_OP_READ
			       ? "segment not granted writable"
			       : "segment not granted");
		return;
	}
	free(iseg);
	switch (r.operation) {
	case SRING_BLKIF_OP_READ:
	case SRING_BLKIF_OP_WRITE:
	case SRING_BLKIF_OP_FLUSH_DISKCACHE:
	case SRING_BLKIF_OP_WRITE_BARRIER:
		break;
	case SRING_BLKIF_OP_DISCARD:
		if (r.nr_sectors == 0) {
			free(io);
			respond(c, r.id, r.rsp_operation,
				SRING_BLKIF_RSP_OKAY);
			return;
		}
		io->length = r.nr_sectors << SRING_BLKIF_SECTOR_SHIFT;
		break;
	default: /* check_request allows nothing else */
		free(io);
		refuse(c, r.id, r.rsp_operation, SRING_BLKIF_RSP_EOPNOTSUPP,
		       "operation");
		return;
	}
	/* Counted first: a synchronous I/O layer completes inside submit. */
	c->inflight++;
	c->ops->submit(c->arg, io);
}

int blkback_conn_kick(struct blkback_conn *c)
{
	union sring_blkif_request w;
	unsigned int budget = c->be.core.l.nr_ents;
	int rc = SRING_EMPTY;

	while (!c->dead) {
		while (!c->dead && budget &&
		       (rc = sring_blkif_backend_copy_request(&c->be, &w)) ==
			       SRING_OK) {
			handle_request(c, &w);
			budget--;
		}
		if (!c->dead && budget == 0) {
			/* A ring's worth done: the caller lets the other
			 * connections have the loop and runs us again. */
			rc = 1;
			break;
		}
		if (c->dead || rc != SRING_EMPTY)
			break;
		/* Re-arm req_event and look once more (the library's
		 * final check): 0 means we may sleep until the next kick. */
		rc = sring_blkif_backend_final_check(&c->be);
		if (rc <= 0)
			break;
	}
	if (c->ops->flush)
		c->ops->flush(c->arg);
	if (c->dead)
		return -1;
	blkback_conn_push(c);
	if (rc == SRING_EPROTO || sring_blkif_backend_broken(&c->be)) {
		blkback_log(c, "protocol violation: corrupt ring indices "
			       "(req_prod %u, req_cons %u, rsp_prod_pvt %u, "
			       "%u slots); disconnecting",
			    (unsigned int)__atomic_load_n(c->be.core.l.req_prod,
							  __ATOMIC_RELAXED),
			    (unsigned int)c->be.core.req_cons,
			    (unsigned int)c->be.core.rsp_prod_pvt,
			    (unsigned int)c->be.core.l.nr_ents);
		blkback_conn_stop(c);
		return -1;
	}
	return rc == 1;
}

/* SPDX-License-Identifier: MIT */
/*
 * The block back end's request loop, without the daemon around it.
 *
 * blkback_conn_kick() is what runs when a front end kicks: take every
 * request from the ring (sring_blkif_backend_copy_request), validate the
 * copy (sring_blkif_check_request, sring_blkif_check_indirect), map each
 * segment's grant, hand the I/O to the caller, answer refusals at once,
 * push, and final-check. It needs no socket, eventfd or io_uring: grants,
 * I/O and the kick to the front end go through struct blkback_ops.
 *
 *   blkback.c        the daemon: grants from the memfd (shm_gnt_map), I/O
 *                    through io_uring, completions from its epoll loop
 *   fuzz_blkback.c   the fuzz harness: an in-memory grant table and disk,
 *                    I/O done synchronously inside submit()
 *
 * One thread per connection (the daemon has one for all): nothing here
 * locks.
 */
#ifndef BLK_BLKBACK_CORE_H
#define BLK_BLKBACK_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

#include <sring/proto/blkif.h>

#define BLKBACK_MAX_INDIRECT_SEGS 256 /* feature-max-indirect-segments */
#define BLKBACK_LOG_ERRORS 8          /* refusals logged per connection */

struct blkback_conn;

/*
 * One accepted request on its way to the disk. The core fills it, the I/O
 * layer runs it and calls blkback_io_done(), which answers and frees it.
 */
struct blkback_io {
	struct blkback_conn *c;
	uint64_t id;
	uint8_t op;        /* READ, WRITE, WRITE_BARRIER, FLUSH_DISKCACHE or
			      DISCARD (an indirect request is READ/WRITE) */
	uint8_t rsp_op;    /* what the response carries */
	int pending;       /* the I/O layer's own count */
	int failed;        /* set by the I/O layer: 0, or an errno */
	uint64_t offset;   /* bytes into the disk, checked against it */
	uint64_t length;   /* DISCARD: bytes, never 0; otherwise 0 */
	size_t expect;     /* READ/WRITE: bytes in iov[] */
	unsigned int niov; /* 0 for a flush without data, and a discard */
	struct iovec iov[]; /* granted guest memory: READ writes into it */
};

struct blkback_ops {
	/* The granted frame gref names (write: the grant must allow
	 * writing into it), or NULL. shm_gnt_map() in the daemon. */
	uint8_t *(*map)(void *arg, uint32_t gref, int write);
	/* Start io. blkback_io_done(io) follows, later or from inside. */
	void (*submit)(void *arg, struct blkback_io *io);
	/* End of a batch of submissions (may be NULL). */
	void (*flush)(void *arg);
	/* Kick the front end's event channel. */
	void (*notify)(void *arg);
	/* The core gave up on the connection (may be NULL). */
	void (*shutdown)(void *arg);
};

/* A connection's request-loop state. Private memory. */
struct blkback_conn {
	int id;             /* for log lines */
	int dead;           /* no more requests; set by blkback_conn_stop() */
	int unpushed;       /* responses written, not yet pushed */
	unsigned int inflight; /* submitted, blkback_io_done() not called */
	unsigned long nr_req, nr_err;
	FILE *log;          /* refusals and errors go here; NULL: silent */
	const struct sring_blkif_geometry *geo;
	struct sring_blkif_backend be;
	const struct blkback_ops *ops;
	void *arg;          /* for ops */
};

/* What this back end offers for a disk of sectors 512-byte sectors. */
void blkback_geometry(struct sring_blkif_geometry *geo, uint64_t sectors,
		      uint32_t sector_size, int read_only);

/* Zeroes c and sets it up; the ring comes later (blkback_conn_attach). */
void blkback_conn_init(struct blkback_conn *c, int id,
		       const struct sring_blkif_geometry *geo,
		       const struct blkback_ops *ops, void *arg, FILE *log);

/* Attaches to a new ring of format abi. SRING_OK or SRING_EINVAL. */
int blkback_conn_attach(struct blkback_conn *c, int abi, void *ring,
			size_t bytes);

/*
 * The front end kicked: serve up to a ring's worth of requests, push and
 * final-check. Return: 0 when the back end may sleep until the next kick;
 * 1 when it stopped after a ring's worth and must run again (kick itself)
 * so that other connections get their turn; -1 once the connection is
 * dead (the ring is latched broken, or was before; nothing is touched).
 */
int blkback_conn_kick(struct blkback_conn *c);

/* io finished (io->failed says how): answer it unless the connection
 * died meanwhile, and free it. Push with blkback_conn_push() after. */
void blkback_io_done(struct blkback_io *io);

/* Publishes written responses; notifies when the ring says so. */
void blkback_conn_push(struct blkback_conn *c);

/* Stops serving c (idempotent): dead = 1, then ops->shutdown. */
void blkback_conn_stop(struct blkback_conn *c);

/* "PROG: frontend ID: message" to c->log, if set. */
void blkback_vlog(struct blkback_conn *c, const char *fmt, va_list ap);
void blkback_log(struct blkback_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif

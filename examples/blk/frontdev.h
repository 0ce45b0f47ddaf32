/* SPDX-License-Identifier: MIT */
/*
 * The block front end as a library: connects to sring-blkback, owns the
 * guest memory (memfd), the grant table, the ring and the id tracker, and
 * moves data between caller buffers and granted pages. Used by
 * sring-blkfront's subcommands and by the NBD export.
 *
 * Every ring slot owns its data pages (11, or as many as the indirect
 * segments negotiated, plus one indirect page) with fixed grant
 * references; a page is granted (read-only for writes) when its request
 * is submitted and the grant is ended when the response arrives, as Linux
 * blkfront does without persistent grants. A request of more than 11
 * pages travels as BLKIF_OP_INDIRECT when the back end offers it.
 */
#ifndef BLK_FRONTDEV_H
#define BLK_FRONTDEV_H

#include <stddef.h>
#include <stdint.h>

#include <sring/proto/blkif.h>

#include "shm.h"
#include "xenbus.h"

#define FE_SEGS SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST
#define FE_MAX_SECTORS (FE_SEGS * SRING_BLKIF_SECTORS_PER_PAGE) /* 88 */
/* Indirect requests use one indirect page: at most 512 segments. */
#define FE_MAX_INDIRECT SRING_BLKIF_SEGS_PER_INDIRECT_FRAME

typedef void (*fe_done_fn)(void *arg, int16_t status);

struct fe_slot {
	uint8_t *data;     /* pages_per_slot contiguous pool pages */
	uint32_t gref0;    /* their grant references: gref0 .. + pages - 1 */
	uint32_t frame0;
	uint8_t *ind;      /* the indirect page (frame0 + pages, gref ditto) */
	int ind_granted;
	uint32_t npages;   /* granted for the request in flight */
	uint32_t bytes;
	uint8_t op;
	void *user;        /* read: where the data goes on completion */
	fe_done_fn done;
	void *arg;
};

struct fe_opts {
	const char *socket;
	int abi;            /* -1: native */
	int ring_order;     /* wanted; capped by max-ring-page-order */
	int timeout_ms;     /* no sign of life from the back end: give up */
	int indirect;       /* segments per indirect request wanted; 0: off */
	int verbose;
};

struct fe_dev {
	struct xb xb;
	struct shm_guest mem;
	int evt_to_back, evt_from_back;
	int abi;
	unsigned int ring_order;
	uint32_t nr_slots;
	struct sring_blkif_frontend fe;
	struct sring_blkif_shadow shadow;
	struct sring_blkif_shadow_entry *ents;
	struct fe_slot *slots;
	uint32_t *free_slot;
	uint32_t nr_free;
	int unpushed;
	int timeout_ms;
	/* What the back end offered. */
	uint64_t sectors;
	uint32_t sector_size;
	uint32_t info;
	int feat_flush, feat_discard;
	uint32_t max_indirect, max_ring_order;
	uint32_t pages_per_slot; /* data pages a request may use */
	int use_indirect;
	int failed;        /* an exit code once the device is unusable */
};

/* Connects and runs the handshake to Connected. Return: 0, or an exit
 * code (BLK_EXIT_*) after printing why. */
int fe_connect(struct fe_dev *d, const struct fe_opts *o);
/* Closing -> Closed handshake, then frees everything. */
void fe_close(struct fe_dev *d);

/* Largest READ/WRITE request in 512-byte sectors (88, or more with
 * indirect requests). */
uint32_t fe_max_sectors(const struct fe_dev *d);
/* Queues one request of up to fe_max_sectors() 512-byte sectors (READ,
 * WRITE, FLUSH_DISKCACHE with nsect 0, DISCARD with any nsect). Write data
 * is copied into the granted pages now; read data into buf on completion.
 * Return: 0, 1 if no slot is free (poll first), or an exit code. */
int fe_submit(struct fe_dev *d, uint8_t op, uint64_t sector, uint64_t nsect,
	      void *buf, fe_done_fn done, void *arg);
/* Publishes queued requests (and kicks the back end if it asks). */
void fe_push(struct fe_dev *d);
/* Waits up to timeout_ms for responses and completes them.
 * Return: responses completed (>= 0), or minus an exit code. */
int fe_poll(struct fe_dev *d, int timeout_ms);
uint32_t fe_in_flight(const struct fe_dev *d);

/* Synchronous byte-range I/O of any alignment (read-modify-write at the
 * edges), split over many requests in flight. Return: 0 or an exit code. */
int fe_read(struct fe_dev *d, uint64_t off, void *buf, size_t len);
int fe_write(struct fe_dev *d, uint64_t off, const void *buf, size_t len);
int fe_flush(struct fe_dev *d);
/* Discards the whole sectors inside [off, off + len). */
int fe_discard(struct fe_dev *d, uint64_t off, uint64_t len);

#endif

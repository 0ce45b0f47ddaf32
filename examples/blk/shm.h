/* SPDX-License-Identifier: MIT */
/*
 * Shared memory and grants: what the hypervisor provides, done with a
 * memfd.
 *
 * The front end owns a sealed memfd ("guest memory") of whole 4 KiB
 * frames:
 *
 *   frames [0, G)          grant table: G * 512 entries of 8 bytes
 *   frames [G, G + R)      the ring (R = 2^ring-page-order)
 *   frames [G + R, N)      a pool of data pages
 *
 * A grant entry says "the back end may use frame F, read-only or not".
 * Grant reference r is entry r; reference 0 is never valid (Xen reserves
 * the first references too). The back end reaches guest memory only
 * through shm_gnt_map(), which reads the entry once and refuses anything
 * not granted, not in the memfd, the grant table itself, or a write
 * through a read-only grant.
 */
#ifndef BLK_SHM_H
#define BLK_SHM_H

#include <stddef.h>
#include <stdint.h>

#define GNT_PER_FRAME 512u
#define GNT_F_INUSE 0x1u    /* granted */
#define GNT_F_READONLY 0x2u /* the back end may only read the frame */

/* One grant: written by the front end, read once by the back end. */
struct gnt_entry {
	uint32_t frame;
	uint16_t flags;
	uint16_t pad;
};

/* Guest memory as the front end sees it. */
struct shm_guest {
	int fd;
	uint8_t *base;
	uint32_t nr_frames;
	uint32_t gnt_frames;
	struct gnt_entry *gnt;
	uint32_t nr_gnt;
};

/* Creates, sizes, seals (no shrink/grow) and maps the memfd. 0 or -1. */
int shm_guest_create(struct shm_guest *g, uint32_t gnt_frames,
		     uint32_t nr_frames);
void shm_guest_destroy(struct shm_guest *g);

/* Front end: grant/revoke frame for gref (release/relaxed ordered). */
void shm_gnt_grant(struct shm_guest *g, uint32_t gref, uint32_t frame,
		   int readonly);
void shm_gnt_end(struct shm_guest *g, uint32_t gref);

/* Guest memory as the back end sees it: never trusted. */
struct shm_foreign {
	int fd;
	uint8_t *base;
	size_t bytes;
	uint32_t nr_frames;   /* from fstat, not from the front end */
	uint32_t gnt_frames;  /* checked against nr_frames */
	const struct gnt_entry *gnt;
	uint32_t nr_gnt;
	uint8_t *ring;        /* the ring frames mapped contiguously */
	size_t ring_bytes;
};

/* Maps a front end's memfd; refuses one that is not sealed against
 * shrinking (a shrink would turn our loads into SIGBUS). 0, or -1 with a
 * reason in *why. */
int shm_foreign_map(struct shm_foreign *f, int fd, uint32_t gnt_frames,
		    const char **why);
/* Maps the granted ring frames at consecutive addresses (Xen's vmap of
 * the ring-ref pages). 0 or -1. */
int shm_foreign_map_ring(struct shm_foreign *f, const uint32_t *grefs,
			 uint32_t n, const char **why);
void shm_foreign_unmap(struct shm_foreign *f);

/* The frame gref grants, or NULL: not a valid reference, not granted,
 * outside guest memory, a grant-table frame, or write wanted through a
 * read-only grant. */
uint8_t *shm_gnt_map(const struct shm_foreign *f, uint32_t gref, int write);

#endif

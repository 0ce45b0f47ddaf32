/* SPDX-License-Identifier: MIT */
/* Shared memory and grants (see shm.h). */
#define _GNU_SOURCE
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

int shm_guest_create(struct shm_guest *g, uint32_t gnt_frames,
		     uint32_t nr_frames)
{
	size_t bytes = (size_t)nr_frames * BLK_PAGE;

	memset(g, 0, sizeof(*g));
	g->fd = memfd_create("sring-guest", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (g->fd < 0)
		return -1;
	if (ftruncate(g->fd, (off_t)bytes) < 0 ||
	    fcntl(g->fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto fail;
	g->base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
		       g->fd, 0);
	if (g->base == MAP_FAILED)
		goto fail;
	g->nr_frames = nr_frames;
	g->gnt_frames = gnt_frames;
	g->gnt = (struct gnt_entry *)g->base;
	g->nr_gnt = gnt_frames * GNT_PER_FRAME;
	return 0;
fail:
	close(g->fd);
	g->fd = -1;
	return -1;
}

void shm_guest_destroy(struct shm_guest *g)
{
	if (g->base && g->base != MAP_FAILED)
		munmap(g->base, (size_t)g->nr_frames * BLK_PAGE);
	if (g->fd >= 0)
		close(g->fd);
	g->base = NULL;
	g->fd = -1;
}

void shm_gnt_grant(struct shm_guest *g, uint32_t gref, uint32_t frame,
		   int readonly)
{
	struct gnt_entry *e = &g->gnt[gref];

	__atomic_store_n(&e->frame, frame, __ATOMIC_RELAXED);
	/* G1: the frame number is visible before the entry is in use;
	 * pairs with G2 in shm_gnt_map(). */
	__atomic_store_n(&e->flags,
			 (uint16_t)(GNT_F_INUSE |
				    (readonly ? GNT_F_READONLY : 0u)),
			 __ATOMIC_RELEASE);
}

void shm_gnt_end(struct shm_guest *g, uint32_t gref)
{
	__atomic_store_n(&g->gnt[gref].flags, (uint16_t)0, __ATOMIC_RELEASE);
}

int shm_foreign_map(struct shm_foreign *f, int fd, uint32_t gnt_frames,
		    const char **why)
{
	struct stat st;
	int seals;

	memset(f, 0, sizeof(*f));
	f->fd = fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why = "guest memory is not a memfd";
		return -1;
	}
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
		*why = "guest memory is not sealed against shrinking";
		return -1;
	}
	if (st.st_size <= 0 || st.st_size % BLK_PAGE != 0 ||
	    st.st_size / BLK_PAGE > (1 << 20)) {
		*why = "guest memory size is not whole frames (or > 4 GiB)";
		return -1;
	}
	f->bytes = (size_t)st.st_size;
	f->nr_frames = (uint32_t)(f->bytes / BLK_PAGE);
	if (gnt_frames == 0 || gnt_frames >= f->nr_frames) {
		*why = "grant table size does not fit guest memory";
		return -1;
	}
	f->base = mmap(NULL, f->bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);
	if (f->base == MAP_FAILED) {
		f->base = NULL;
		*why = "cannot map guest memory";
		return -1;
	}
	f->gnt_frames = gnt_frames;
	f->gnt = (const struct gnt_entry *)f->base;
	f->nr_gnt = gnt_frames * GNT_PER_FRAME;
	return 0;
}

uint8_t *shm_gnt_map(const struct shm_foreign *f, uint32_t gref, int write)
{
	uint32_t frame;
	uint16_t flags;

	if (gref == 0 || gref >= f->nr_gnt)
		return NULL;
	/* G2: read once; the frame read after the flags. Pairs with G1. */
	flags = __atomic_load_n(&f->gnt[gref].flags, __ATOMIC_ACQUIRE);
	frame = __atomic_load_n(&f->gnt[gref].frame, __ATOMIC_RELAXED);
	if (!(flags & GNT_F_INUSE))
		return NULL;
	if (write && (flags & GNT_F_READONLY))
		return NULL;
	if (frame < f->gnt_frames || frame >= f->nr_frames)
		return NULL;
	return f->base + (size_t)frame * BLK_PAGE;
}

int shm_foreign_map_ring(struct shm_foreign *f, const uint32_t *grefs,
			 uint32_t n, const char **why)
{
	uint8_t *area;
	uint32_t i;

	area = mmap(NULL, (size_t)n * BLK_PAGE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		*why = "cannot reserve the ring mapping";
		return -1;
	}
	for (i = 0; i < n; i++) {
		uint8_t *page = shm_gnt_map(f, grefs[i], 1);
		size_t frame;

		if (!page) {
			*why = "ring-ref is not a writable grant";
			goto fail;
		}
		frame = (size_t)(page - f->base) / BLK_PAGE;
		if (mmap(area + (size_t)i * BLK_PAGE, BLK_PAGE,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, f->fd,
			 (off_t)(frame * BLK_PAGE)) == MAP_FAILED) {
			*why = "cannot map a ring frame";
			goto fail;
		}
	}
	f->ring = area;
	f->ring_bytes = (size_t)n * BLK_PAGE;
	return 0;
fail:
	munmap(area, (size_t)n * BLK_PAGE);
	return -1;
}

void shm_foreign_unmap(struct shm_foreign *f)
{
	if (f->ring)
		munmap(f->ring, f->ring_bytes);
	if (f->base)
		munmap(f->base, f->bytes);
	if (f->fd >= 0)
		close(f->fd);
	f->ring = NULL;
	f->base = NULL;
	f->fd = -1;
}

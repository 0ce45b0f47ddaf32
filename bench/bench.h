/* SPDX-License-Identifier: MIT */
/*
 * bench/bench.h - what a ring backend gives the driver (bench/driver.c).
 *
 * One binary per ring, as in Linux's tools/virtio/ringtest: a ring file
 * (ring_<name>.c) includes this header, defines the operations below as
 * BENCH_OP functions over its own globals, then includes driver.c. The
 * driver never touches shared memory itself, so every byte that crosses
 * between the CPUs is the ring's doing.
 *
 * BENCH_OP is "static inline" in the timed binaries and "noinline" with a
 * ringop_ prefix in the counted (callgrind) binary, so that
 * --toggle-collect=ringop_* counts exactly the ring's instructions and
 * --toggle-collect=msg_* exactly the message fill and checks.
 *
 * Front (one thread):
 *   struct bench_req *fr_slot(void)   a request slot to fill, or NULL if
 *                                     the ring has no room
 *   void fr_commit(void)              the slot just filled is queued
 *   int  fr_push(void)                publish queued requests; 1 = notify
 *   int  fr_rsp(struct bench_rsp *)   copy out the next response:
 *                                     0, RING_EMPTY if none, anything
 *                                     else is a peer error
 *   int  fr_peek(void)                nonzero if a response is ready
 *   int  fr_final_check(void)         arm notification; 0 = may sleep
 *   void fr_moderate(unsigned k)      wake after k responses (W3)
 * Back (the other thread): bk_req, bk_slot, bk_commit, bk_push, bk_peek,
 * bk_final_check, bk_moderate, the mirror images.
 * Set-up (main thread, before the threads start):
 *   int ring_setup(unsigned slots)    0, or -1 if this size is unsupported
 *   unsigned ring_capacity(void)      requests that may be in flight
 *   int ring_publish_every(unsigned k) 1 if the library itself publishes
 *                                     every k items (sring), else 0 and
 *                                     the driver calls fr_push/bk_push
 *   void ring_teardown(void)
 * RING_EMPTY: what fr_rsp/bk_req return when nothing is ready (1 unless
 * the ring file says otherwise), so a library's own status codes pass
 * through without an adapter's instructions being counted as the ring's.
 * RING_NAME (string), RING_HAS_EVENTS (0 for rings without notification
 * suppression: W3 is skipped for them).
 */
#ifndef SRING_BENCH_H
#define SRING_BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 64-byte request, 16-byte response: a block request and its status. */
struct bench_req {
	uint64_t id;
	uint64_t payload[7];
};

struct bench_rsp {
	uint64_t id;
	uint32_t status;
	uint32_t check;
};

#ifdef BENCH_COUNT
#define BENCH_OP static __attribute__((noinline, used))
/* Renamed so that callgrind's --toggle-collect=ringop_* finds them. */
#define fr_slot ringop_fr_slot
#define fr_commit ringop_fr_commit
#define fr_push ringop_fr_push
#define fr_rsp ringop_fr_rsp
#define fr_peek ringop_fr_peek
#define fr_final_check ringop_fr_final_check
#define bk_req ringop_bk_req
#define bk_slot ringop_bk_slot
#define bk_commit ringop_bk_commit
#define bk_push ringop_bk_push
#define bk_peek ringop_bk_peek
#define bk_final_check ringop_bk_final_check
#else
#define BENCH_OP static inline __attribute__((always_inline))
#endif

#define BENCH_LINE 64

/* A 32-bit index word alone on its cache line (the reference rings). */
struct bench_idx_line {
	uint32_t v;
	uint8_t pad[BENCH_LINE - 4];
};

/*
 * Each side's private state on lines of its own (128 bytes: the adjacent
 * line prefetcher pairs lines). Without it the two threads' private
 * indices false-share a line and a ring looks several times slower than
 * it is. Ring files keep all private state in one struct whose front and
 * back members start with BENCH_PRIVATE; aligning the struct itself
 * rounds its size up, so nothing else lands in its last line.
 */
#define BENCH_PRIVATE __attribute__((aligned(128)))
#define bench_relax() __builtin_ia32_pause()

/* Compiler barrier (no CPU fence): what Linux calls barrier(). */
#define bench_barrier() __asm__ __volatile__("" ::: "memory")

static inline void *bench_alloc(size_t bytes)
{
	void *p = NULL;

	bytes = (bytes + 4095u) & ~(size_t)4095u;
	if (posix_memalign(&p, 4096, bytes) != 0) {
		fprintf(stderr, "bench: out of memory\n");
		exit(2);
	}
	memset(p, 0, bytes);
	return p;
}

#endif /* SRING_BENCH_H */

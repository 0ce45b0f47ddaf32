/* SPDX-License-Identifier: MIT */
/*
 * blk-hostile: a misbehaving front end for tests. Connects to
 * sring-blkback like sring-blkfront (frontdev.c), then bypasses the
 * tracked path and writes requests of its own into the ring: garbage,
 * grant references that were never granted or point at the grant table
 * or outside guest memory, reads into read-only grants, sectors outside
 * the disk, and finally corrupt ring indices and a corrupt xenbus
 * message. Each case checks what the back end must do: answer with the
 * right status and leave guest memory it was not allowed to write
 * untouched, or disconnect.
 *
 *   blk-hostile --socket PATH [--protocol x86_32-abi]
 *
 * Writes only the last 64 sectors of the disk (the valid indirect case).
 * Exit 0 when every case behaved, 1 otherwise.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "evtchn.h"
#include "frontdev.h"

const char *blk_prog = "blk-hostile";

static int failures;
static struct fe_opts opts;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (cond) {                                               \
			printf("ok: ");                                   \
		} else {                                                  \
			printf("FAIL: ");                                 \
			failures++;                                       \
		}                                                         \
		printf(__VA_ARGS__);                                      \
		printf("\n");                                             \
		fflush(stdout);                                           \
	} while (0)

static void connect_or_die(struct fe_dev *d)
{
	int rc = fe_connect(d, &opts);

	if (rc)
		exit(rc);
}

/* Puts the 64-format request w into the next slot (in the ring's own
 * format) and publishes it. */
static void send_raw(struct fe_dev *d, const union sring_blkif_request *w)
{
	void *slot = sring_front_get_request(&d->fe.core);

	if (!slot)
		blk_die(1, "ring full");
	if (d->abi == SRING_BLKIF_ABI_X86_32) {
		union sring_blkif_x86_32_request r32;

		sring_blkif_request_to_x86_32(&r32, w);
		memcpy(slot, &r32, sizeof(r32));
	} else {
		memcpy(slot, w, sizeof(*w));
	}
	if (sring_front_push_requests(&d->fe.core))
		evtchn_notify(d->evt_to_back);
}

/* Waits for one response (untracked). 0 ok, -1 timeout/broken. */
static int wait_rsp(struct fe_dev *d, struct sring_blkif_response *rsp)
{
	int i, rc;

	for (i = 0; i < 100; i++) {
		struct pollfd p = {d->evt_from_back, POLLIN, 0};

		rc = sring_blkif_frontend_copy_response(&d->fe, rsp);
		if (rc == SRING_OK)
			return 0;
		if (rc != SRING_EMPTY)
			return -1;
		if (sring_blkif_frontend_final_check(&d->fe) != 0)
			continue;
		if (poll(&p, 1, 50) > 0)
			evtchn_drain(d->evt_from_back);
	}
	return -1;
}

static void rw_req(union sring_blkif_request *w, uint8_t op, uint64_t id,
		   uint64_t sector, uint32_t gref)
{
	memset(w, 0, sizeof(*w));
	w->rw.operation = op;
	w->rw.nr_segments = 1;
	w->rw.id = id;
	w->rw.sector_number = sector;
	w->rw.seg[0].gref = gref;
	w->rw.seg[0].first_sect = 0;
	w->rw.seg[0].last_sect = 7;
}

/* Sends w and expects one response with this id and status. */
static void expect(struct fe_dev *d, const union sring_blkif_request *w,
		   int16_t status, const char *what)
{
	struct sring_blkif_response rsp;
	int rc;

	send_raw(d, w);
	rc = wait_rsp(d, &rsp);
	CHECK(rc == 0 && rsp.id == w->hdr.id && rsp.status == status,
	      "%s -> status %d (want %d)", what, rc == 0 ? rsp.status : 99,
	      status);
}

/* Is the frame still filled with byte c? */
static int page_is(const uint8_t *p, uint8_t c)
{
	size_t i;

	for (i = 0; i < BLK_PAGE; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* Waits until the back end drops us (Closed, Closing or EOF). */
static int dropped(struct fe_dev *d)
{
	int i, rc;

	for (i = 0; i < 100; i++) {
		rc = xb_read(&d->xb, 50);
		if (rc < 0 || d->xb.peer_state >= XB_CLOSING)
			return 1;
	}
	return 0;
}

/* A hand-made handshake with bad "hypervisor" objects: guest memory
 * that is not sealed (unsealed = 1) or an event channel that is a pipe
 * (unsealed = 0). The back end must refuse to connect. Return 1 if it
 * refused (Closing/Closed or EOF), 0 if it went Connected. */
static int bad_objects(int unsealed)
{
	struct sockaddr_un sa;
	struct xb x;
	int s, memfd, e1, e2, pfd[2], fds[3], rc;

	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", opts.socket);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		blk_die(BLK_EXIT_PEER, "cannot connect");
	xb_init(&x, s);
	if (xb_wait_state(&x, XB_INITWAIT, 5000) != 1)
		blk_die(1, "no InitWait");
	memfd = memfd_create("hostile", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, 64 * BLK_PAGE) < 0 || pipe(pfd) < 0)
		blk_die(1, "memfd/pipe");
	if (!unsealed)
		fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
	e1 = evtchn_alloc();
	e2 = evtchn_alloc();
	fds[0] = memfd;
	fds[1] = unsealed ? e1 : pfd[0];
	fds[2] = unsealed ? e2 : pfd[1];
	rc = xb_write_fds(&x, "grant-table-frames", "1", fds, 3);
	rc |= xb_write(&x, "ring-ref", "1");
	rc |= xb_write(&x, "protocol", "x86_64-abi");
	rc |= xb_switch_state(&x, XB_INITIALISED);
	if (rc)
		blk_die(1, "handshake send failed");
	rc = xb_wait_state(&x, XB_CONNECTED, 5000);
	close(memfd);
	close(e1);
	close(e2);
	close(pfd[0]);
	close(pfd[1]);
	xb_close(&x);
	return rc != 1;
}

int main(int argc, char **argv)
{
	union sring_blkif_request w;
	struct fe_dev d;
	struct fe_slot *sl;
	uint8_t *page;
	uint64_t sectors;
	int i;

	opts.abi = -1;
	opts.ring_order = 0;
	opts.timeout_ms = 5000;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			opts.socket = argv[++i];
		else if (strcmp(argv[i], "--protocol") == 0 && i + 1 < argc)
			opts.abi = sring_blkif_abi_from_protocol(argv[++i]);
		else
			blk_die(BLK_EXIT_USAGE, "usage: blk-hostile --socket "
				"PATH [--protocol P]");
	}
	if (!opts.socket || opts.abi == SRING_EINVAL)
		blk_die(BLK_EXIT_USAGE, "usage: blk-hostile --socket PATH");
	{
		unsigned int seed = (unsigned int)time(NULL);

		printf("seed %u\n", seed);
		srand(seed);
	}

	connect_or_die(&d);
	sectors = d.sectors;
	sl = &d.slots[0];
	page = sl->data;

	/* Garbage: random bytes, then a known-bad operation. */
	for (i = 0; i < 64; i++) {
		size_t k;
		struct sring_blkif_response rsp;

		for (k = 0; k < sizeof(w); k++)
			((uint8_t *)&w)[k] = (uint8_t)rand();
		/* A flush with no segment is a valid request: skip it. */
		if (w.hdr.operation == SRING_BLKIF_OP_FLUSH_DISKCACHE)
			w.hdr.operation = 0xff;
		send_raw(&d, &w);
		if (wait_rsp(&d, &rsp) != 0 || rsp.status == 0) {
			/* Random bytes could form a valid request with a
			 * valid grant only if they hit gref 1..N in use;
			 * none are in use here, so 0 is a failure. */
			CHECK(0, "garbage request %d answered with an error",
			      i);
			break;
		}
	}
	CHECK(i == 64, "64 random garbage requests all answered with errors");
	memset(&w, 0, sizeof(w));
	w.hdr.operation = 0xee;
	w.hdr.id = 77;
	expect(&d, &w, SRING_BLKIF_RSP_EOPNOTSUPP, "unknown operation 0xee");
	memset(&w, 0, sizeof(w));
	w.hdr.operation = SRING_BLKIF_OP_RESERVED_1;
	w.hdr.id = 78;
	expect(&d, &w, SRING_BLKIF_RSP_EOPNOTSUPP, "RESERVED_1");

	/* Grant references. */
	memset(page, 0x5a, BLK_PAGE);
	rw_req(&w, SRING_BLKIF_OP_READ, 1, 0, 0);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "read into gref 0");
	rw_req(&w, SRING_BLKIF_OP_READ, 2, 0, d.mem.nr_gnt + 100);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "read into gref past the table");
	rw_req(&w, SRING_BLKIF_OP_READ, 3, 0, 0xffffffffu);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "read into gref 0xffffffff");
	rw_req(&w, SRING_BLKIF_OP_READ, 4, 0, sl->gref0);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "read into a gref never granted");
	CHECK(page_is(page, 0x5a), "ungranted page untouched");
	shm_gnt_grant(&d.mem, sl->gref0, sl->frame0, 1);
	rw_req(&w, SRING_BLKIF_OP_READ, 5, 0, sl->gref0);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "read into a read-only grant");
	CHECK(page_is(page, 0x5a), "read-only granted page untouched");
	shm_gnt_grant(&d.mem, sl->gref0, 0, 0);
	rw_req(&w, SRING_BLKIF_OP_READ, 6, 0, sl->gref0);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "grant of the grant-table frame");
	CHECK(d.mem.gnt[1].frame == d.mem.gnt_frames, "grant table intact");
	shm_gnt_grant(&d.mem, sl->gref0, d.mem.nr_frames + 7, 0);
	rw_req(&w, SRING_BLKIF_OP_WRITE, 7, 0, sl->gref0);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "grant of a frame past memory");
	shm_gnt_end(&d.mem, sl->gref0);
	rw_req(&w, SRING_BLKIF_OP_WRITE, 8, 0, sl->gref0 + 1);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "write from an ungranted page");

	/* Sectors outside the disk, through a valid grant. */
	shm_gnt_grant(&d.mem, sl->gref0, sl->frame0, 1);
	rw_req(&w, SRING_BLKIF_OP_WRITE, 9, sectors - 4, sl->gref0);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "write across the disk's end");
	rw_req(&w, SRING_BLKIF_OP_WRITE, 10, sectors, sl->gref0);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "write past the disk's end");
	rw_req(&w, SRING_BLKIF_OP_WRITE, 11, UINT64_MAX - 3, sl->gref0);
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "write at sector 2^64-4 (wrap)");
	rw_req(&w, SRING_BLKIF_OP_WRITE, 12, 0, sl->gref0);
	w.rw.seg[0].first_sect = 5;
	w.rw.seg[0].last_sect = 2;
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "first_sect > last_sect");
	rw_req(&w, SRING_BLKIF_OP_WRITE, 13, 0, sl->gref0);
	w.rw.nr_segments = 200;
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "200 direct segments");
	memset(&w, 0, sizeof(w));
	w.discard.operation = SRING_BLKIF_OP_DISCARD;
	w.discard.id = 14;
	w.discard.sector_number = 8;
	w.discard.nr_sectors = UINT64_MAX;
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "discard of 2^64-1 sectors");
	shm_gnt_end(&d.mem, sl->gref0);

	/* Indirect: a bad indirect page, then a valid write and read of
	 * the last 64 sectors through 8 data pages. */
	memset(&w, 0, sizeof(w));
	w.indirect.sector_number = sectors - 64;
	w.indirect.operation = SRING_BLKIF_OP_INDIRECT;
	w.indirect.indirect_op = SRING_BLKIF_OP_WRITE;
	w.indirect.nr_segments = 8;
	w.indirect.id = 15;
	w.indirect.indirect_grefs[0] = 999999;
	expect(&d, &w, SRING_BLKIF_RSP_ERROR, "indirect page not granted");
	{
		struct fe_slot *ind = &d.slots[1];
		struct sring_blkif_segment segs[8];
		uint8_t pat[8 * BLK_PAGE];
		int k;

		for (k = 0; k < 8; k++) {
			sring_blkif_seg_set(&segs[k], sl->gref0 + (uint32_t)k,
					    0, BLK_PAGE);
			shm_gnt_grant(&d.mem, sl->gref0 + (uint32_t)k,
				      sl->frame0 + (uint32_t)k, 1);
		}
		for (k = 0; k < (int)sizeof(pat); k++)
			pat[k] = (uint8_t)rand();
		memcpy(sl->data, pat, sizeof(pat));
		sring_blkif_write_indirect_page(ind->data, segs, 8);
		shm_gnt_grant(&d.mem, ind->gref0, ind->frame0, 1);
		w.indirect.indirect_grefs[0] = ind->gref0;
		w.indirect.id = 16;
		expect(&d, &w, SRING_BLKIF_RSP_OKAY, "indirect write, 8 pages");
		for (k = 0; k < 8; k++)
			shm_gnt_grant(&d.mem, sl->gref0 + (uint32_t)k,
				      sl->frame0 + (uint32_t)k, 0);
		memset(sl->data, 0, sizeof(pat));
		w.indirect.indirect_op = SRING_BLKIF_OP_READ;
		w.indirect.id = 17;
		expect(&d, &w, SRING_BLKIF_RSP_OKAY, "indirect read, 8 pages");
		CHECK(memcmp(sl->data, pat, sizeof(pat)) == 0,
		      "indirect read returned what was written");
		/* Segments in the indirect page past the disk's end. */
		w.indirect.indirect_op = SRING_BLKIF_OP_WRITE;
		w.indirect.sector_number = sectors - 8;
		w.indirect.id = 18;
		expect(&d, &w, SRING_BLKIF_RSP_ERROR,
		       "indirect write across the disk's end");
	}

	/* A good request still works on this ring. */
	{
		uint8_t buf[BLK_PAGE];

		CHECK(fe_read(&d, 0, buf, sizeof(buf)) == 0,
		      "tracked read after the bad requests");
	}

	/* Corrupt ring indices: req_prod far beyond what fits. */
	{
		uint32_t *req_prod = (uint32_t *)(void *)(d.mem.base +
				(size_t)d.mem.gnt_frames * BLK_PAGE);

		__atomic_store_n(req_prod, *req_prod + 100000u,
				 __ATOMIC_RELEASE);
		evtchn_notify(d.evt_to_back);
		CHECK(dropped(&d), "corrupt req_prod: backend disconnected");
	}
	d.failed = BLK_EXIT_PROTO; /* no polite close */
	fe_close(&d);

	/* Corrupt xenbus message on a connected device. */
	connect_or_die(&d);
	{
		static const char junk[] = "no equals sign here";

		send(d.xb.sock, junk, sizeof(junk) - 1, 0);
		CHECK(dropped(&d), "malformed xenbus node: backend "
				   "disconnected");
	}
	d.failed = BLK_EXIT_PROTO;
	fe_close(&d);

	CHECK(bad_objects(1), "unsealed guest memory: connection refused");
	CHECK(bad_objects(0), "pipes as event channels: connection refused");

	/* Vanishing in the middle of the handshake. */
	{
		struct fe_dev d2;

		connect_or_die(&d2);
		d2.failed = BLK_EXIT_PROTO;
		fe_close(&d2); /* EOF without Closing */
	}
	CHECK(1, "disconnect without Closing");

	printf("%d failure%s\n", failures, failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}

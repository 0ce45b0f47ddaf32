/* SPDX-License-Identifier: MIT */
/*
 * sring-blkback: the block back end. Serves a disk image file ("file:")
 * or a block device ("phy:", O_DIRECT) to any number of front ends, each
 * over its own UNIX-socket connection, shared memfd and event channels.
 *
 * One thread, one epoll loop, one io_uring for all connections. Every
 * request is copied out of the ring once, validated by
 * sring/proto/blkif.h, its granted pages looked up through the grant
 * table (shm_gnt_map) and handed to io_uring, which reads or writes
 * straight into guest memory; the response is written when the I/O
 * completes, so many requests are in flight per ring.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <liburing.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <sring/proto/blkif.h>

#include "common.h"
#include "evtchn.h"
#include "shm.h"
#include "xenbus.h"

const char *blk_prog = "sring-blkback";

#define MAX_RING_ORDER 4
#define MAX_INDIRECT_SEGS 256
#define LOG_ERRORS_PER_CONN 8

enum tag_kind { TAG_LISTEN, TAG_URING, TAG_SOCK, TAG_EVT };

struct tag {
	enum tag_kind kind;
	struct conn *c;
};

struct conn {
	int id;
	int state;         /* our xenbus state */
	int dead;          /* no more requests; freed when inflight is 0 */
	int unpushed;      /* responses written, not yet pushed */
	int evt_in;        /* front -> back kicks */
	int evt_out;       /* back -> front kicks */
	int abi;
	unsigned int inflight;
	unsigned long nr_req, nr_err;
	struct xb xb;
	struct shm_foreign mem;
	struct sring_blkif_backend be;
	struct tag tag_sock, tag_evt;
	struct conn *next;
};

/* One request in io_uring; a flush with data is two linked SQEs. */
struct io {
	struct conn *c;
	uint64_t id;
	uint8_t rsp_op;
	int pending;
	int failed;
	size_t expect;
	unsigned int niov;
	struct iovec iov[];
};

static struct {
	int fd;                 /* the image */
	int is_blockdev;
	struct sring_blkif_geometry geo;
	int ep;
	int uring_evt;
	struct io_uring ring;
	struct conn *conns;
	int next_id;
	int quiet;
	volatile sig_atomic_t stop;
} g;

static void conn_log(struct conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void conn_log(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: frontend %d: ", blk_prog, c->id);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void ep_add(int fd, struct tag *t)
{
	struct epoll_event ev;

	ev.events = EPOLLIN;
	ev.data.ptr = t;
	if (epoll_ctl(g.ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		blk_die(BLK_EXIT_PEER, "epoll_ctl: %s", strerror(errno));
}

static void conn_free(struct conn *c)
{
	struct conn **pp;

	for (pp = &g.conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (c->evt_in >= 0)
		close(c->evt_in);
	if (c->evt_out >= 0)
		close(c->evt_out);
	shm_foreign_unmap(&c->mem);
	xb_close(&c->xb);
	if (!g.quiet)
		fprintf(stderr, "%s: frontend %d: gone (%lu requests, %lu "
			"refused)\n", blk_prog, c->id, c->nr_req, c->nr_err);
	free(c);
}

/* Stops serving c: no more requests are read; in-flight I/O still
 * completes into guest memory (still mapped) before c is freed. */
static void conn_shutdown(struct conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	epoll_ctl(g.ep, EPOLL_CTL_DEL, c->xb.sock, NULL);
	if (c->evt_in >= 0)
		epoll_ctl(g.ep, EPOLL_CTL_DEL, c->evt_in, NULL);
	/* Tell a live peer; a dead one makes this fail quietly. */
	(void)xb_switch_state(&c->xb, XB_CLOSED);
	c->state = XB_CLOSED;
}

/* Frees the connections that are dead and idle. Only between event
 * batches, so that no pointer to a connection outlives it. */
static void sweep(void)
{
	struct conn *c = g.conns, *next;

	for (; c; c = next) {
		next = c->next;
		if (c->dead && c->inflight == 0)
			conn_free(c);
	}
}

static void conn_respond(struct conn *c, uint64_t id, uint8_t op, int16_t st)
{
	if (sring_blkif_backend_respond(&c->be, id, op, st) != SRING_OK) {
		conn_log(c, "ring broken while responding");
		conn_shutdown(c);
		return;
	}
	c->unpushed = 1;
}

static void conn_push(struct conn *c)
{
	if (c->dead || !c->unpushed)
		return;
	c->unpushed = 0;
	if (sring_blkif_backend_push_responses(&c->be))
		evtchn_notify(c->evt_out);
}

static void conn_refuse(struct conn *c, uint64_t id, uint8_t op, int16_t st,
			const char *why)
{
	c->nr_err++;
	if (c->nr_err <= LOG_ERRORS_PER_CONN)
		conn_log(c, "request refused: %s%s", why,
			 c->nr_err == LOG_ERRORS_PER_CONN ? " (no more logged)"
							  : "");
	conn_respond(c, id, op, st);
}

static struct io_uring_sqe *get_sqe(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&g.ring);

	if (!sqe) {
		io_uring_submit(&g.ring);
		sqe = io_uring_get_sqe(&g.ring);
	}
	if (!sqe)
		blk_die(BLK_EXIT_IO, "io_uring: no submission entry");
	return sqe;
}

/* The data part of a read or write: one readv/writev into the granted
 * pages. Returns 0, or -1 if a segment's grant is bad. */
static int build_iov(struct conn *c, struct io *io,
		     const struct sring_blkif_segment *seg, unsigned int n,
		     int to_guest)
{
	unsigned int i;

	io->expect = 0;
	for (i = 0; i < n; i++) {
		uint8_t *page = shm_gnt_map(&c->mem, seg[i].gref, to_guest);

		if (!page)
			return -1;
		io->iov[i].iov_base = page + sring_blkif_seg_offset(&seg[i]);
		io->iov[i].iov_len = sring_blkif_seg_bytes(&seg[i]);
		io->expect += io->iov[i].iov_len;
	}
	io->niov = n;
	return 0;
}

static void handle_request(struct conn *c, const union sring_blkif_request *w)
{
	struct sring_blkif_segment *seg, *iseg = NULL;
	struct sring_blkif_req r;
	struct io_uring_sqe *sqe;
	struct io *io;
	unsigned int n;
	off_t off;
	int e;

	c->nr_req++;
	e = sring_blkif_check_request(w, &g.geo, &r);
	if (e) {
		conn_refuse(c, r.id, r.rsp_operation, sring_blkif_error_status(e),
			    sring_blkif_strerror(e));
		return;
	}
	seg = r.seg;
	if (r.indirect) {
		const void *pages[SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
		unsigned int i;

		for (i = 0; i < r.nr_indirect_pages; i++) {
			pages[i] = shm_gnt_map(&c->mem, r.indirect_grefs[i], 0);
			if (!pages[i]) {
				conn_refuse(c, r.id, r.rsp_operation,
					    SRING_BLKIF_RSP_ERROR,
					    "indirect page not granted");
				return;
			}
		}
		iseg = malloc(sizeof(*iseg) * r.nr_segments);
		if (!iseg)
			blk_die(BLK_EXIT_IO, "out of memory");
		e = sring_blkif_check_indirect(&r, &g.geo, pages,
					       r.nr_indirect_pages, iseg,
					       r.nr_segments);
		if (e) {
			free(iseg);
			conn_refuse(c, r.id, r.rsp_operation,
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
	io->rsp_op = r.rsp_operation;
	off = (off_t)(r.sector_number << SRING_BLKIF_SECTOR_SHIFT);
	if (n && build_iov(c, io, seg, n,
			   r.operation == SRING_BLKIF_OP_READ) < 0) {
		free(iseg);
		free(io);
		conn_refuse(c, r.id, r.rsp_operation, SRING_BLKIF_RSP_ERROR,
			    r.operation == SRING_BLKIF_OP_READ
				    ? "segment not granted writable"
				    : "segment not granted");
		return;
	}
	free(iseg);
	switch (r.operation) {
	case SRING_BLKIF_OP_READ:
		sqe = get_sqe();
		io_uring_prep_readv(sqe, g.fd, io->iov, io->niov, (__u64)off);
		io_uring_sqe_set_data(sqe, io);
		io->pending = 1;
		break;
	case SRING_BLKIF_OP_WRITE:
	case SRING_BLKIF_OP_FLUSH_DISKCACHE:
	case SRING_BLKIF_OP_WRITE_BARRIER:
		/* A linked pair must go in one submission: a link cut at
		 * the end of a batch would let the fsync overtake. */
		if (r.operation != SRING_BLKIF_OP_WRITE &&
		    io_uring_sq_space_left(&g.ring) < 2)
			io_uring_submit(&g.ring);
		if (n) {
			sqe = get_sqe();
			io_uring_prep_writev(sqe, g.fd, io->iov, io->niov,
					     (__u64)off);
			io_uring_sqe_set_data(sqe, io);
			io->pending++;
		}
		if (r.operation != SRING_BLKIF_OP_WRITE) {
			/* Flush: the data first, then fdatasync. */
			if (n)
				sqe->flags |= IOSQE_IO_LINK;
			sqe = get_sqe();
			io_uring_prep_fsync(sqe, g.fd, IORING_FSYNC_DATASYNC);
			/* Bit 0 marks the SQE that must return 0. */
			io_uring_sqe_set_data(sqe, (void *)((uintptr_t)io | 1u));
			io->pending++;
		}
		break;
	case SRING_BLKIF_OP_DISCARD:
		if (r.nr_sectors == 0) {
			free(io);
			conn_respond(c, r.id, r.rsp_operation,
				     SRING_BLKIF_RSP_OKAY);
			return;
		}
		sqe = get_sqe();
		io_uring_prep_fallocate(
			sqe, g.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			(__u64)off,
			(__u64)(r.nr_sectors << SRING_BLKIF_SECTOR_SHIFT));
		io_uring_sqe_set_data(sqe, (void *)((uintptr_t)io | 1u));
		io->pending = 1;
		break;
	default: /* check_request allows nothing else */
		free(io);
		conn_refuse(c, r.id, r.rsp_operation,
			    SRING_BLKIF_RSP_EOPNOTSUPP, "operation");
		return;
	}
	c->inflight++;
}

/* The front end kicked us (or we just connected): take every request. */
static void conn_kick(struct conn *c)
{
	union sring_blkif_request w;
	int rc = SRING_EMPTY;

	unsigned int budget = c->be.core.l.nr_ents;

	evtchn_drain(c->evt_in);
	while (!c->dead) {
		while (!c->dead && budget &&
		       (rc = sring_blkif_backend_copy_request(&c->be, &w)) ==
			       SRING_OK) {
			handle_request(c, &w);
			budget--;
		}
		if (!c->dead && budget == 0) {
			/* A ring's worth done: let the other connections
			 * have the loop, and come back through our own
			 * event channel (level-triggered epoll). */
			evtchn_notify(c->evt_in);
			rc = 0;
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
	io_uring_submit(&g.ring);
	if (c->dead)
		return;
	conn_push(c);
	if (rc == SRING_EPROTO || sring_blkif_backend_broken(&c->be)) {
		conn_log(c, "protocol violation: corrupt ring indices "
			    "(req_prod %u, req_cons %u, rsp_prod_pvt %u, "
			    "%u slots); disconnecting",
			 (unsigned int)__atomic_load_n(c->be.core.l.req_prod,
						       __ATOMIC_RELAXED),
			 (unsigned int)c->be.core.req_cons,
			 (unsigned int)c->be.core.rsp_prod_pvt,
			 (unsigned int)c->be.core.l.nr_ents);
		conn_shutdown(c);
	}
}

static void reap(void)
{
	struct io_uring_cqe *cqe;
	struct conn *c;

	evtchn_drain(g.uring_evt);
	while (io_uring_peek_cqe(&g.ring, &cqe) == 0) {
		uintptr_t u = (uintptr_t)io_uring_cqe_get_data(cqe);
		struct io *io = (struct io *)(u & ~(uintptr_t)1);
		int want_zero = (int)(u & 1u);

		if (want_zero ? cqe->res != 0
			      : (cqe->res < 0 || (size_t)cqe->res != io->expect))
			io->failed = cqe->res < 0 ? -cqe->res : EIO;
		io_uring_cqe_seen(&g.ring, cqe);
		if (--io->pending)
			continue;
		c = io->c;
		c->inflight--;
		if (!c->dead) {
			if (io->failed) {
				c->nr_err++;
				if (c->nr_err <= LOG_ERRORS_PER_CONN)
					conn_log(c, "I/O error: %s",
						 strerror(io->failed));
			}
			conn_respond(c, io->id, io->rsp_op,
				     io->failed ? SRING_BLKIF_RSP_ERROR
						: SRING_BLKIF_RSP_OKAY);
		}
		free(io);
		/* Completions the kernel held back while the CQ was full
		 * raise no new event: fetch them now. */
		if (io_uring_cq_ready(&g.ring) == 0 &&
		    io_uring_cq_has_overflow(&g.ring))
			io_uring_get_events(&g.ring);
	}
	for (c = g.conns; c; c = c->next)
		conn_push(c);
}

/* Only an eventfd can be an event channel: anything else could block. */
static int is_eventfd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	return strcmp(link, "anon_inode:[eventfd]") == 0;
}

/* The front end is Initialised: map its ring and go Connected. */
static int conn_connect(struct conn *c, const char **why)
{
	uint32_t grefs[1u << MAX_RING_ORDER];
	uint64_t order = 0, gnt_frames, v;
	const char *proto;
	char key[32];
	unsigned int i, n;
	int memfd;

	proto = xb_get(&c->xb, "protocol");
	c->abi = proto ? sring_blkif_abi_from_protocol(proto)
		       : SRING_BLKIF_ABI_NATIVE;
	if (c->abi < 0) {
		*why = "unknown protocol";
		return -1;
	}
	if (xb_get(&c->xb, "ring-page-order") &&
	    (xb_get_u64(&c->xb, "ring-page-order", &order) < 0 ||
	     order > MAX_RING_ORDER)) {
		*why = "bad ring-page-order";
		return -1;
	}
	n = 1u << order;
	for (i = 0; i < n; i++) {
		if (order == 0)
			snprintf(key, sizeof(key), "ring-ref");
		else
			snprintf(key, sizeof(key), "ring-ref%u", i);
		if (xb_get_u64(&c->xb, key, &v) < 0 || v > UINT32_MAX) {
			*why = "missing or bad ring-ref";
			return -1;
		}
		grefs[i] = (uint32_t)v;
	}
	if (xb_get_u64(&c->xb, "grant-table-frames", &gnt_frames) < 0 ||
	    gnt_frames > 4096 || c->xb.nr_fds != 3) {
		*why = "no guest memory and event channels";
		return -1;
	}
	memfd = xb_take_fd(&c->xb);
	c->evt_in = xb_take_fd(&c->xb);
	c->evt_out = xb_take_fd(&c->xb);
	if (!is_eventfd(c->evt_in) || !is_eventfd(c->evt_out)) {
		close(memfd);
		*why = "event channels are not eventfds";
		return -1;
	}
	fcntl(c->evt_in, F_SETFL, O_NONBLOCK);
	fcntl(c->evt_out, F_SETFL, O_NONBLOCK);
	if (shm_foreign_map(&c->mem, memfd, (uint32_t)gnt_frames, why) < 0) {
		close(memfd);
		c->mem.fd = -1;
		return -1;
	}
	if (shm_foreign_map_ring(&c->mem, grefs, n, why) < 0)
		return -1;
	if (sring_blkif_backend_init(&c->be, c->abi, c->mem.ring,
				     c->mem.ring_bytes) != SRING_OK) {
		*why = "cannot attach to the ring";
		return -1;
	}
	/* Linux blkback writes the disk's nodes in connect(). */
	if (xb_write(&c->xb, "sectors", "%llu",
		     (unsigned long long)g.geo.sectors) < 0 ||
	    xb_write(&c->xb, "sector-size", "%u", g.geo.sector_size) < 0 ||
	    xb_write(&c->xb, "info", "%u",
		     g.geo.read_only ? SRING_BLKIF_VDISK_READONLY : 0u) < 0 ||
	    xb_switch_state(&c->xb, XB_CONNECTED) < 0) {
		*why = "front end went away";
		return -1;
	}
	c->state = XB_CONNECTED;
	c->tag_evt.kind = TAG_EVT;
	c->tag_evt.c = c;
	ep_add(c->evt_in, &c->tag_evt);
	if (!g.quiet)
		conn_log(c, "connected: %s, ring-page-order %u, %u slots",
			 c->abi == SRING_BLKIF_ABI_X86_32 ? "x86_32-abi"
							  : "x86_64-abi",
			 (unsigned int)order,
			 (unsigned int)c->be.core.l.nr_ents);
	return 0;
}

static void conn_sock(struct conn *c)
{
	const char *why = NULL;
	int rc, budget = 64; /* messages per wake-up: no peer hogs the loop */

	while (!c->dead && budget-- > 0 && (rc = xb_read(&c->xb, 0)) != 0) {
		if (rc == -1) {
			if (c->state == XB_CONNECTED)
				conn_log(c, "vanished");
			conn_shutdown(c);
			return;
		}
		if (rc == -2) {
			conn_log(c, "protocol violation on xenbus; "
				    "disconnecting");
			conn_shutdown(c);
			return;
		}
		switch (c->xb.peer_state) {
		case XB_INITIALISED:
		case XB_CONNECTED:
			if (c->state != XB_INITWAIT)
				break;
			if (conn_connect(c, &why) < 0) {
				conn_log(c, "cannot connect: %s", why);
				(void)xb_switch_state(&c->xb, XB_CLOSING);
				conn_shutdown(c);
				return;
			}
			conn_kick(c);
			break;
		case XB_CLOSING:
		case XB_CLOSED:
			if (!g.quiet)
				conn_log(c, "closing");
			(void)xb_switch_state(&c->xb, XB_CLOSING);
			conn_shutdown(c);
			return;
		default:
			break;
		}
	}
}

static void accept_conn(int lfd)
{
	struct conn *c;
	int s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (s < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c)
		blk_die(BLK_EXIT_IO, "out of memory");
	c->id = ++g.next_id;
	c->evt_in = c->evt_out = -1;
	c->mem.fd = -1;
	xb_init(&c->xb, s);
	c->state = XB_INITIALISING;
	c->next = g.conns;
	g.conns = c;
	c->tag_sock.kind = TAG_SOCK;
	c->tag_sock.c = c;
	ep_add(s, &c->tag_sock);
	/* What Linux blkback writes before InitWait. */
	if (xb_write(&c->xb, "feature-flush-cache", "1") < 0 ||
	    xb_write(&c->xb, "feature-discard", "%d",
		     g.geo.read_only ? 0 : 1) < 0 ||
	    xb_write(&c->xb, "discard-granularity", "%u", BLK_PAGE) < 0 ||
	    xb_write(&c->xb, "feature-max-indirect-segments", "%u",
		     g.geo.max_indirect_segments) < 0 ||
	    xb_write(&c->xb, "max-ring-page-order", "%u", MAX_RING_ORDER) <
		    0 ||
	    xb_switch_state(&c->xb, XB_INITWAIT) < 0) {
		conn_shutdown(c);
		return;
	}
	c->state = XB_INITWAIT;
}

static void on_signal(int sig)
{
	(void)sig;
	g.stop = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sring-blkback IMAGE [--read-only] [--socket PATH] "
		"[--quiet]\n"
		"  IMAGE   a disk image file, or a block device (O_DIRECT)\n"
		"  --socket PATH   where front ends connect "
		"(default ./sring-blk.sock)\n");
	exit(BLK_EXIT_USAGE);
}

static void open_image(const char *path, int ro)
{
	struct stat st;
	uint64_t bytes;
	int flags = (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC;

	if (stat(path, &st) < 0)
		blk_die(BLK_EXIT_USAGE, "%s: %s", path, strerror(errno));
	g.is_blockdev = S_ISBLK(st.st_mode);
	if (!g.is_blockdev && !S_ISREG(st.st_mode))
		blk_die(BLK_EXIT_USAGE, "%s: not a regular file or block "
			"device", path);
	if (g.is_blockdev)
		flags |= O_DIRECT;
	g.fd = open(path, flags);
	if (g.fd < 0)
		blk_die(BLK_EXIT_USAGE, "%s: %s", path, strerror(errno));
	g.geo.sector_size = 512;
	if (g.is_blockdev) {
		int lbs = 512;

		if (ioctl(g.fd, BLKGETSIZE64, &bytes) < 0 ||
		    ioctl(g.fd, BLKSSZGET, &lbs) < 0)
			blk_die(BLK_EXIT_USAGE, "%s: %s", path,
				strerror(errno));
		g.geo.sector_size = (uint32_t)lbs;
	} else {
		bytes = (uint64_t)st.st_size;
	}
	g.geo.sectors = bytes >> SRING_BLKIF_SECTOR_SHIFT;
	if (g.geo.sectors == 0)
		blk_die(BLK_EXIT_USAGE, "%s: smaller than one sector", path);
	g.geo.features = SRING_BLKIF_F_FLUSH | SRING_BLKIF_F_DISCARD;
	g.geo.max_indirect_segments = MAX_INDIRECT_SEGS;
	g.geo.read_only = (uint8_t)(ro != 0);
}

int main(int argc, char **argv)
{
	const char *image = NULL, *sock_path = "sring-blk.sock";
	struct sockaddr_un sa;
	struct tag tag_listen = {TAG_LISTEN, NULL};
	struct tag tag_uring = {TAG_URING, NULL};
	struct sigaction sact;
	int ro = 0, lfd, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--read-only") == 0)
			ro = 1;
		else if (strcmp(argv[i], "--quiet") == 0)
			g.quiet = 1;
		else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			sock_path = argv[++i];
		else if (strcmp(argv[i], "--help") == 0 ||
			 strcmp(argv[i], "-h") == 0)
			usage();
		else if (argv[i][0] == '-' || image) {
			blk_msg("unexpected argument '%s'", argv[i]);
			usage();
		} else
			image = argv[i];
	}
	if (!image) {
		blk_msg("no IMAGE given");
		usage();
	}
	open_image(image, ro);

	memset(&sact, 0, sizeof(sact));
	sact.sa_handler = on_signal;
	sigaction(SIGINT, &sact, NULL);
	sigaction(SIGTERM, &sact, NULL);
	signal(SIGPIPE, SIG_IGN);

	{
		/* Room for every slot of 16 order-4 rings (two CQEs for a
		 * flush with data); more is still correct, through the
		 * kernel's overflow list (see reap()). */
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = 16384;
		if (io_uring_queue_init_params(256, &g.ring, &p) < 0)
			blk_die(BLK_EXIT_IO, "io_uring_queue_init failed");
	}
	g.uring_evt = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g.uring_evt < 0 ||
	    io_uring_register_eventfd(&g.ring, g.uring_evt) < 0)
		blk_die(BLK_EXIT_IO, "io_uring eventfd: %s", strerror(errno));

	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(sock_path) >= sizeof(sa.sun_path))
		blk_die(BLK_EXIT_USAGE, "socket path too long: %s", sock_path);
	strcpy(sa.sun_path, sock_path);
	unlink(sock_path);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 16) < 0)
		blk_die(BLK_EXIT_USAGE, "%s: %s", sock_path, strerror(errno));

	g.ep = epoll_create1(EPOLL_CLOEXEC);
	ep_add(lfd, &tag_listen);
	ep_add(g.uring_evt, &tag_uring);
	if (!g.quiet)
		blk_msg("serving %s (%s, %llu sectors%s) on %s", image,
			g.is_blockdev ? "phy" : "file",
			(unsigned long long)g.geo.sectors,
			ro ? ", read-only" : "", sock_path);

	while (!g.stop) {
		struct epoll_event ev[32];
		int n = epoll_wait(g.ep, ev, 32, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			blk_die(BLK_EXIT_IO, "epoll_wait: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			struct tag *t = ev[i].data.ptr;

			switch (t->kind) {
			case TAG_LISTEN:
				accept_conn(lfd);
				break;
			case TAG_URING:
				reap();
				break;
			case TAG_SOCK:
				if (!t->c->dead)
					conn_sock(t->c);
				break;
			case TAG_EVT:
				if (!t->c->dead)
					conn_kick(t->c);
				break;
			}
		}
		sweep();
		if (io_uring_sq_ready(&g.ring))
			io_uring_submit(&g.ring);
	}
	/* Shutting down: tell every front end, wait for in-flight I/O. */
	{
		struct conn *c;

		for (c = g.conns; c; c = c->next)
			conn_shutdown(c);
		sweep();
		while (g.conns) {
			struct io_uring_cqe *cqe;

			io_uring_submit(&g.ring);
			if (io_uring_wait_cqe(&g.ring, &cqe) == 0)
				reap();
			sweep();
		}
	}
	unlink(sock_path);
	io_uring_queue_exit(&g.ring);
	return BLK_EXIT_OK;
}

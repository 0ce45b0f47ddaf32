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
 *
 * The request loop itself (take, validate, map, answer, push, final
 * check) is blkback_core.c; this file is the plumbing around it: xenbus
 * handshake, memfd grants, event channels, io_uring.
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

#include "blkback_core.h"
#include "common.h"
#include "evtchn.h"
#include "shm.h"
#include "xenbus.h"

const char *blk_prog = "sring-blkback";

#define MAX_RING_ORDER 4

enum tag_kind { TAG_LISTEN, TAG_URING, TAG_SOCK, TAG_EVT };

struct tag {
	enum tag_kind kind;
	struct conn *c;
};

struct conn {
	struct blkback_conn bc; /* the ring and its request loop */
	int state;         /* our xenbus state */
	int evt_in;        /* front -> back kicks */
	int evt_out;       /* back -> front kicks */
	int abi;
	struct xb xb;
	struct shm_foreign mem;
	struct tag tag_sock, tag_evt;
	struct conn *next;
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

	va_start(ap, fmt);
	blkback_vlog(&c->bc, fmt, ap);
	va_end(ap);
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
			"refused)\n", blk_prog, c->bc.id, c->bc.nr_req,
			c->bc.nr_err);
	free(c);
}

/* Stops serving c: no more requests are read; in-flight I/O still
 * completes into guest memory (still mapped) before c is freed. */
static void conn_shutdown(struct conn *c)
{
	blkback_conn_stop(&c->bc); /* calls conn_stopped() once */
}

/* blkback_ops: the request loop gave up on the connection. */
static void conn_stopped(void *arg)
{
	struct conn *c = arg;

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
		if (c->bc.dead && c->bc.inflight == 0)
			conn_free(c);
	}
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

/* blkback_ops: the request loop's grant lookups go through the memfd's
 * grant table. */
static uint8_t *ops_map(void *arg, uint32_t gref, int write)
{
	return shm_gnt_map(&((struct conn *)arg)->mem, gref, write);
}

/* blkback_ops: one readv/writev straight into the granted pages; a flush
 * is an fdatasync linked after its data; a discard punches a hole. The
 * completion arrives in reap(). */
static void ops_submit(void *arg, struct blkback_io *io)
{
	struct io_uring_sqe *sqe = NULL;
	off_t off = (off_t)io->offset;

	(void)arg;
	switch (io->op) {
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
		if (io->op != SRING_BLKIF_OP_WRITE &&
		    io_uring_sq_space_left(&g.ring) < 2)
			io_uring_submit(&g.ring);
		if (io->niov) {
			sqe = get_sqe();
			io_uring_prep_writev(sqe, g.fd, io->iov, io->niov,
					     (__u64)off);
			io_uring_sqe_set_data(sqe, io);
			io->pending++;
		}
		if (io->op != SRING_BLKIF_OP_WRITE) {
			/* Flush: the data first, then fdatasync. */
			if (io->niov)
				sqe->flags |= IOSQE_IO_LINK;
			sqe = get_sqe();
			io_uring_prep_fsync(sqe, g.fd, IORING_FSYNC_DATASYNC);
			/* Bit 0 marks the SQE that must return 0. */
			io_uring_sqe_set_data(sqe, (void *)((uintptr_t)io | 1u));
			io->pending++;
		}
		break;
	case SRING_BLKIF_OP_DISCARD:
		sqe = get_sqe();
		io_uring_prep_fallocate(
			sqe, g.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			(__u64)off, (__u64)io->length);
		io_uring_sqe_set_data(sqe, (void *)((uintptr_t)io | 1u));
		io->pending = 1;
		break;
	default: /* the core submits nothing else */
		blk_die(BLK_EXIT_IO, "internal error: operation %u",
			(unsigned int)io->op);
	}
}

static void ops_flush(void *arg)
{
	(void)arg;
	io_uring_submit(&g.ring);
}

static void ops_notify(void *arg)
{
	evtchn_notify(((struct conn *)arg)->evt_out);
}

static const struct blkback_ops conn_ops = {
	ops_map, ops_submit, ops_flush, ops_notify, conn_stopped
};

/* The front end kicked us (or we just connected): take every request. */
static void conn_kick(struct conn *c)
{
	evtchn_drain(c->evt_in);
	/* A ring's worth done: let the other connections have the loop,
	 * and come back through our own event channel (level-triggered
	 * epoll). */
	if (blkback_conn_kick(&c->bc) == 1)
		evtchn_notify(c->evt_in);
}

static void reap(void)
{
	struct io_uring_cqe *cqe;
	struct conn *c;

	evtchn_drain(g.uring_evt);
	while (io_uring_peek_cqe(&g.ring, &cqe) == 0) {
		uintptr_t u = (uintptr_t)io_uring_cqe_get_data(cqe);
		struct blkback_io *io =
			(struct blkback_io *)(u & ~(uintptr_t)1);
		int want_zero = (int)(u & 1u);

		if (want_zero ? cqe->res != 0
			      : (cqe->res < 0 || (size_t)cqe->res != io->expect))
			io->failed = cqe->res < 0 ? -cqe->res : EIO;
		io_uring_cqe_seen(&g.ring, cqe);
		if (--io->pending)
			continue;
		blkback_io_done(io);
		/* Completions the kernel held back while the CQ was full
		 * raise no new event: fetch them now. */
		if (io_uring_cq_ready(&g.ring) == 0 &&
		    io_uring_cq_has_overflow(&g.ring))
			io_uring_get_events(&g.ring);
	}
	for (c = g.conns; c; c = c->next)
		blkback_conn_push(&c->bc);
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
	if (blkback_conn_attach(&c->bc, c->abi, c->mem.ring,
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
			 (unsigned int)c->bc.be.core.l.nr_ents);
	return 0;
}

static void conn_sock(struct conn *c)
{
	const char *why = NULL;
	int rc, budget = 64; /* messages per wake-up: no peer hogs the loop */

	while (!c->bc.dead && budget-- > 0 && (rc = xb_read(&c->xb, 0)) != 0) {
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
	blkback_conn_init(&c->bc, ++g.next_id, &g.geo, &conn_ops, c, stderr);
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
	int flags = (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC, lbs = 512;

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
	if (g.is_blockdev) {
		if (ioctl(g.fd, BLKGETSIZE64, &bytes) < 0 ||
		    ioctl(g.fd, BLKSSZGET, &lbs) < 0)
			blk_die(BLK_EXIT_USAGE, "%s: %s", path,
				strerror(errno));
	} else {
		bytes = (uint64_t)st.st_size;
	}
	if ((bytes >> SRING_BLKIF_SECTOR_SHIFT) == 0)
		blk_die(BLK_EXIT_USAGE, "%s: smaller than one sector", path);
	blkback_geometry(&g.geo, bytes >> SRING_BLKIF_SECTOR_SHIFT,
			 (uint32_t)lbs, ro);
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
				if (!t->c->bc.dead)
					conn_sock(t->c);
				break;
			case TAG_EVT:
				if (!t->c->bc.dead)
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

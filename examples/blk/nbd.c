/* SPDX-License-Identifier: MIT */
/*
 * The virtual disk as an NBD export (sring-blkfront nbd [ADDR:]PORT), so
 * that standard clients (qemu-img, qemu-io, nbdcopy, nbdinfo, nbd-client)
 * can use it. Fixed newstyle handshake with NBD_OPT_EXPORT_NAME, _INFO,
 * _GO, _LIST and _ABORT; simple replies only (structured replies are
 * refused, which clients accept). One client at a time; each NBD request
 * is carried out through the ring before the next is read (a large one
 * becomes many ring requests in flight).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "blkfront.h"
#include "common.h"

#define NBD_MAGIC 0x4e42444d41474943ull      /* "NBDMAGIC" */
#define NBD_IHAVEOPT 0x49484156454f5054ull   /* "IHAVEOPT" */
#define NBD_REP_MAGIC 0x0003e889045565a9ull
#define NBD_REQUEST_MAGIC 0x25609513u
#define NBD_SIMPLE_REPLY_MAGIC 0x67446698u

#define NBD_FLAG_FIXED_NEWSTYLE 1u
#define NBD_FLAG_NO_ZEROES 2u

#define NBD_OPT_EXPORT_NAME 1u
#define NBD_OPT_ABORT 2u
#define NBD_OPT_LIST 3u
#define NBD_OPT_INFO 6u
#define NBD_OPT_GO 7u

#define NBD_REP_ACK 1u
#define NBD_REP_SERVER 2u
#define NBD_REP_INFO 3u
#define NBD_REP_ERR_UNSUP 0x80000001u
#define NBD_REP_ERR_INVALID 0x80000003u

#define NBD_INFO_EXPORT 0u
#define NBD_INFO_BLOCK_SIZE 3u

#define NBD_FLAG_HAS_FLAGS 1u
#define NBD_FLAG_READ_ONLY 2u
#define NBD_FLAG_SEND_FLUSH 4u
#define NBD_FLAG_SEND_TRIM 32u

#define NBD_CMD_READ 0u
#define NBD_CMD_WRITE 1u
#define NBD_CMD_DISC 2u
#define NBD_CMD_FLUSH 3u
#define NBD_CMD_TRIM 4u

#define NBD_EPERM 1u
#define NBD_EIO 5u
#define NBD_EINVAL 22u
#define NBD_ENOSPC 28u

#define NBD_MAX_REQ (32u << 20)
#define NBD_MAX_OPT 4096u

static volatile sig_atomic_t nbd_stop;

static void on_signal(int sig)
{
	(void)sig;
	nbd_stop = 1;
}

static int full_read(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR && !nbd_stop)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int full_write(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR && !nbd_stop)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void put16(uint8_t *p, uint16_t v) { v = htobe16(v); memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { v = htobe32(v); memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { v = htobe64(v); memcpy(p, &v, 8); }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return be16toh(v); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return be32toh(v); }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return be64toh(v); }

static int opt_reply(int fd, uint32_t opt, uint32_t type, const void *data,
		     uint32_t len)
{
	uint8_t h[20];

	put64(h, NBD_REP_MAGIC);
	put32(h + 8, opt);
	put32(h + 12, type);
	put32(h + 16, len);
	if (full_write(fd, h, sizeof(h)) < 0)
		return -1;
	return len ? full_write(fd, data, len) : 0;
}

static uint16_t export_flags(const struct fe_dev *d)
{
	uint16_t f = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH;

	if (d->info & SRING_BLKIF_VDISK_READONLY)
		f |= NBD_FLAG_READ_ONLY;
	else if (d->feat_discard)
		f |= NBD_FLAG_SEND_TRIM;
	return f;
}

/* The handshake. Return: 1 transmission, 0 the client left, -1 error. */
static int handshake(struct fe_dev *d, int fd)
{
	uint8_t b[NBD_MAX_OPT], h[16];
	uint32_t cflags;
	int no_zeroes;

	put64(h, NBD_MAGIC);
	put64(h + 8, NBD_IHAVEOPT);
	if (full_write(fd, h, 16) < 0)
		return -1;
	put16(h, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
	if (full_write(fd, h, 2) < 0 || full_read(fd, h, 4) < 0)
		return -1;
	cflags = get32(h);
	no_zeroes = (cflags & NBD_FLAG_NO_ZEROES) != 0;
	for (;;) {
		uint32_t opt, len;

		if (full_read(fd, h, 16) < 0)
			return 0;
		if (get64(h) != NBD_IHAVEOPT)
			return -1;
		opt = get32(h + 8);
		len = get32(h + 12);
		if (len > NBD_MAX_OPT)
			return -1; /* hard disconnect, as the spec allows */
		if (len && full_read(fd, b, len) < 0)
			return -1;
		switch (opt) {
		case NBD_OPT_EXPORT_NAME: {
			uint8_t r[10 + 124];

			put64(r, d->sectors * 512u);
			put16(r + 8, export_flags(d));
			memset(r + 10, 0, 124);
			if (full_write(fd, r, no_zeroes ? 10 : sizeof(r)) < 0)
				return -1;
			return 1;
		}
		case NBD_OPT_ABORT:
			(void)opt_reply(fd, opt, NBD_REP_ACK, NULL, 0);
			return 0;
		case NBD_OPT_LIST: {
			uint8_t r[4] = {0, 0, 0, 0}; /* one export, name "" */

			if (opt_reply(fd, opt, NBD_REP_SERVER, r, 4) < 0 ||
			    opt_reply(fd, opt, NBD_REP_ACK, NULL, 0) < 0)
				return -1;
			break;
		}
		case NBD_OPT_INFO:
		case NBD_OPT_GO: {
			uint8_t r[14];

			if (len < 6 || get32(b) > len - 6 ||
			    (uint64_t)get16(b + 4 + get32(b)) * 2 !=
				    len - 6 - get32(b)) {
				if (opt_reply(fd, opt, NBD_REP_ERR_INVALID,
					      NULL, 0) < 0)
					return -1;
				break;
			}
			put16(r, NBD_INFO_EXPORT);
			put64(r + 2, d->sectors * 512u);
			put16(r + 10, export_flags(d));
			if (opt_reply(fd, opt, NBD_REP_INFO, r, 12) < 0)
				return -1;
			put16(r, NBD_INFO_BLOCK_SIZE);
			put32(r + 2, 1);
			put32(r + 6, 4096);
			put32(r + 10, NBD_MAX_REQ);
			if (opt_reply(fd, opt, NBD_REP_INFO, r, 14) < 0 ||
			    opt_reply(fd, opt, NBD_REP_ACK, NULL, 0) < 0)
				return -1;
			if (opt == NBD_OPT_GO)
				return 1;
			break;
		}
		default: /* structured replies, meta contexts, TLS, ... */
			if (opt_reply(fd, opt, NBD_REP_ERR_UNSUP, NULL, 0) < 0)
				return -1;
			break;
		}
	}
}

/* An NBD error number for a front-end result (0 = success). */
static uint32_t nbd_errno(int rc)
{
	switch (rc) {
	case 0: return 0;
	case BLK_EXIT_USAGE: return NBD_EINVAL;
	default: return NBD_EIO;
	}
}

/* Transmission. Return: 0 the client left, or an exit code when the
 * device failed (then the client is dropped too). */
static int transmission(struct fe_dev *d, int fd)
{
	uint8_t *buf = malloc(NBD_MAX_REQ);
	uint8_t q[28], r[16];
	int rc = 0;

	if (!buf)
		return BLK_EXIT_IO;
	while (!d->failed) {
		uint16_t type;
		uint32_t len, err = 0;
		uint64_t off;

		if (full_read(fd, q, sizeof(q)) < 0 ||
		    get32(q) != NBD_REQUEST_MAGIC)
			break;
		type = get16(q + 6);
		off = get64(q + 16);
		len = get32(q + 24);
		put32(r, NBD_SIMPLE_REPLY_MAGIC);
		memcpy(r + 8, q + 8, 8); /* the client's handle */
		switch (type) {
		case NBD_CMD_READ:
			if (len > NBD_MAX_REQ)
				err = NBD_EINVAL;
			else
				err = nbd_errno(fe_read(d, off, buf, len));
			put32(r + 4, err);
			if (full_write(fd, r, 16) < 0 ||
			    (!err && full_write(fd, buf, len) < 0))
				goto out;
			break;
		case NBD_CMD_WRITE:
			if (len > NBD_MAX_REQ)
				goto out; /* cannot resync the stream */
			if (full_read(fd, buf, len) < 0)
				goto out;
			if (d->info & SRING_BLKIF_VDISK_READONLY)
				err = NBD_EPERM;
			else if (off > d->sectors * 512u ||
				 len > d->sectors * 512u - off)
				err = NBD_ENOSPC;
			else
				err = nbd_errno(fe_write(d, off, buf, len));
			put32(r + 4, err);
			if (full_write(fd, r, 16) < 0)
				goto out;
			break;
		case NBD_CMD_DISC:
			goto out;
		case NBD_CMD_FLUSH:
			put32(r + 4, nbd_errno(fe_flush(d)));
			if (full_write(fd, r, 16) < 0)
				goto out;
			break;
		case NBD_CMD_TRIM:
			put32(r + 4, nbd_errno(fe_discard(d, off, len)));
			if (full_write(fd, r, 16) < 0)
				goto out;
			break;
		default:
			put32(r + 4, NBD_EINVAL);
			if (full_write(fd, r, 16) < 0)
				goto out;
			break;
		}
	}
out:
	rc = d->failed;
	free(buf);
	return rc;
}

int nbd_parse_addr(const char *addr_port, struct sockaddr_in *sa)
{
	char host[64] = "127.0.0.1";
	const char *colon = strrchr(addr_port, ':');
	uint64_t port;

	if (colon) {
		size_t n = (size_t)(colon - addr_port);

		if (n == 0 || n >= sizeof(host))
			return -1;
		memcpy(host, addr_port, n);
		host[n] = '\0';
		addr_port = colon + 1;
	}
	if (blk_parse_size(addr_port, &port) < 0 || port == 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

int nbd_serve(struct fe_dev *d, const char *addr_port)
{
	char host[INET_ADDRSTRLEN];
	struct sockaddr_in sa;
	struct sigaction sact;
	unsigned int port;
	int lfd, one = 1;

	if (nbd_parse_addr(addr_port, &sa) < 0)
		blk_die(BLK_EXIT_USAGE, "bad address '%s'", addr_port);
	inet_ntop(AF_INET, &sa.sin_addr, host, sizeof(host));
	port = ntohs(sa.sin_port);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 4) < 0) {
		blk_msg("nbd: cannot listen on %s:%u: %s", host, port,
			strerror(errno));
		return BLK_EXIT_USAGE;
	}
	memset(&sact, 0, sizeof(sact));
	sact.sa_handler = on_signal;
	sigaction(SIGINT, &sact, NULL);
	sigaction(SIGTERM, &sact, NULL);
	fprintf(stderr, "%s: nbd: serving nbd://%s:%u/\n", blk_prog, host,
		port);
	while (!nbd_stop && !d->failed) {
		struct pollfd pf[2];
		int cfd, rc;

		/* Watch the back end too: its death ends the export. */
		pf[0].fd = lfd;
		pf[0].events = POLLIN;
		pf[1].fd = d->xb.sock;
		pf[1].events = POLLIN;
		pf[0].revents = pf[1].revents = 0;
		rc = poll(pf, 2, 1000);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc <= 0)
			continue;
		if (pf[1].revents) {
			rc = fe_poll(d, 0);
			if (rc < 0)
				break;
		}
		if (!(pf[0].revents & POLLIN))
			continue;
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (handshake(d, cfd) == 1)
			rc = transmission(d, cfd);
		close(cfd);
	}
	close(lfd);
	if (d->failed)
		return d->failed;
	return BLK_EXIT_OK;
}

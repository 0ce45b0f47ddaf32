/* SPDX-License-Identifier: MIT */
/* The xenbus handshake over a UNIX socket (see xenbus.h). */
#define _GNU_SOURCE
#include "xenbus.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void xb_init(struct xb *x, int sock)
{
	memset(x, 0, sizeof(*x));
	x->sock = sock;
	x->peer_state = XB_UNKNOWN;
}

void xb_close(struct xb *x)
{
	int i;

	for (i = 0; i < x->nr_fds; i++)
		close(x->fds[i]);
	x->nr_fds = 0;
	if (x->sock >= 0)
		close(x->sock);
	x->sock = -1;
}

const char *xb_state_name(int state)
{
	static const char *const names[] = {
		"Unknown", "Initialising", "InitWait", "Initialised",
		"Connected", "Closing", "Closed"};

	if (state < 0 || state > XB_CLOSED)
		return "(invalid)";
	return names[state];
}

int xb_write_fds(struct xb *x, const char *key, const char *val,
		 const int *fds, int nr_fds)
{
	char buf[XB_KEY_MAX + XB_VAL_MAX + 2];
	union {
		char buf[CMSG_SPACE(sizeof(int) * XB_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov;
	struct msghdr m;
	int len;
	ssize_t rc;

	len = snprintf(buf, sizeof(buf), "%s=%s", key, val);
	if (len < 0 || (size_t)len >= sizeof(buf) || nr_fds > XB_MAX_FDS) {
		errno = EINVAL;
		return -1;
	}
	memset(&m, 0, sizeof(m));
	iov.iov_base = buf;
	iov.iov_len = (size_t)len;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (nr_fds > 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nr_fds);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nr_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nr_fds);
	}
	do {
		rc = sendmsg(x->sock, &m, MSG_NOSIGNAL);
	} while (rc < 0 && errno == EINTR);
	return rc == len ? 0 : -1;
}

int xb_write(struct xb *x, const char *key, const char *fmt, ...)
{
	char val[XB_VAL_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val)) {
		errno = EINVAL;
		return -1;
	}
	return xb_write_fds(x, key, val, NULL, 0);
}

int xb_switch_state(struct xb *x, int state)
{
	return xb_write(x, "state", "%d", state);
}

static int xb_store(struct xb *x, const char *key, const char *val)
{
	int i;

	for (i = 0; i < x->nr_nodes; i++)
		if (strcmp(x->key[i], key) == 0)
			break;
	if (i == x->nr_nodes) {
		if (x->nr_nodes == XB_MAX_NODES)
			return -2;
		x->nr_nodes++;
	}
	snprintf(x->key[i], XB_KEY_MAX, "%s", key);
	snprintf(x->val[i], XB_VAL_MAX, "%s", val);
	return 0;
}

int xb_read(struct xb *x, int timeout_ms)
{
	char buf[XB_KEY_MAX + XB_VAL_MAX + 2];
	union {
		char buf[CMSG_SPACE(sizeof(int) * XB_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct pollfd p;
	struct iovec iov;
	struct msghdr m;
	struct cmsghdr *c;
	char *eq;
	ssize_t n;
	int rc, bad = 0;

	p.fd = x->sock;
	p.events = POLLIN;
	p.revents = 0;
	do {
		rc = poll(&p, 1, timeout_ms);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return 0;
	memset(&m, 0, sizeof(m));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf) - 1;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.buf;
	m.msg_controllen = sizeof(u.buf);
	do {
		n = recvmsg(x->sock, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0)
		return -1;
	/* Keep every fd received, so none leaks even in a bad message. */
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		size_t k, nr;
		int fd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nr = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < nr; k++) {
			memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof(fd));
			if (x->nr_fds < XB_MAX_FDS)
				x->fds[x->nr_fds++] = fd;
			else {
				close(fd);
				bad = 1;
			}
		}
	}
	if (bad || (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		return -2;
	buf[n] = '\0';
	eq = strchr(buf, '=');
	if (!eq || eq == buf || (size_t)(eq - buf) >= XB_KEY_MAX ||
	    strlen(eq + 1) >= XB_VAL_MAX || strlen(buf) != (size_t)n)
		return -2;
	*eq = '\0';
	if (xb_store(x, buf, eq + 1) < 0)
		return -2;
	if (strcmp(buf, "state") == 0) {
		char *end;
		long s = strtol(eq + 1, &end, 10);

		if (*end != '\0' || s < XB_INITIALISING || s > XB_CLOSED)
			return -2;
		x->peer_state = (int)s;
	}
	return 1;
}

int xb_wait_state(struct xb *x, int want, int timeout_ms)
{
	int rc;

	while (x->peer_state < want) {
		rc = xb_read(x, timeout_ms);
		if (rc <= 0)
			return rc;
		if (want < XB_CLOSING && x->peer_state >= XB_CLOSING)
			return -2;
	}
	return 1;
}

const char *xb_get(const struct xb *x, const char *key)
{
	int i;

	for (i = 0; i < x->nr_nodes; i++)
		if (strcmp(x->key[i], key) == 0)
			return x->val[i];
	return NULL;
}

int xb_get_u64(const struct xb *x, const char *key, uint64_t *v)
{
	const char *s = xb_get(x, key);
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	return 0;
}

int xb_take_fd(struct xb *x)
{
	int fd, i;

	if (x->nr_fds == 0)
		return -1;
	fd = x->fds[0];
	for (i = 1; i < x->nr_fds; i++)
		x->fds[i - 1] = x->fds[i];
	x->nr_fds--;
	return fd;
}

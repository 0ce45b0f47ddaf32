/* SPDX-License-Identifier: MIT */
/*
 * The xenbus handshake over a UNIX socket. Each side owns a directory of
 * key/value nodes; writing a node sends "key=value" as one SOCK_SEQPACKET
 * message, and the peer keeps a copy of what it received. "state" holds
 * the XenbusState number. File descriptors (the memfd, the event
 * channels) travel as SCM_RIGHTS on a message, as a hypervisor would hand
 * over grant tables and event channels.
 *
 * An EOF on the socket is the peer's death (the toolstack's hotplug
 * "offline" event in Xen).
 */
#ifndef BLK_XENBUS_H
#define BLK_XENBUS_H

#include <stdint.h>

enum xb_state {
	XB_UNKNOWN = 0,
	XB_INITIALISING = 1,
	XB_INITWAIT = 2,
	XB_INITIALISED = 3,
	XB_CONNECTED = 4,
	XB_CLOSING = 5,
	XB_CLOSED = 6
};

#define XB_MAX_NODES 48
#define XB_KEY_MAX 40
#define XB_VAL_MAX 128
#define XB_MAX_FDS 4

struct xb {
	int sock;
	int peer_state;
	int nr_nodes;
	char key[XB_MAX_NODES][XB_KEY_MAX];
	char val[XB_MAX_NODES][XB_VAL_MAX];
	int fds[XB_MAX_FDS]; /* received, in order, not yet taken */
	int nr_fds;
};

void xb_init(struct xb *x, int sock);
/* Closes the socket and any fds not taken. */
void xb_close(struct xb *x);
const char *xb_state_name(int state);

/* Writes a node of ours (sends it). 0, or -1 (errno) if the peer is gone. */
int xb_write(struct xb *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, with fds attached. */
int xb_write_fds(struct xb *x, const char *key, const char *val,
		 const int *fds, int nr_fds);
int xb_switch_state(struct xb *x, int state);

/* Receives one message (waits up to timeout_ms, -1 for ever).
 * Return: 1 a node arrived, 0 timeout, -1 the peer is gone (EOF or
 * error), -2 a malformed message (protocol violation). */
int xb_read(struct xb *x, int timeout_ms);
/* Reads until the peer's state is at least want; same returns (1 when
 * reached). Fails with -2 if the peer jumps to Closing/Closed instead. */
int xb_wait_state(struct xb *x, int want, int timeout_ms);

/* The peer's node, or NULL. */
const char *xb_get(const struct xb *x, const char *key);
/* The peer's node as an unsigned number: 0, or -1 (absent/not a number). */
int xb_get_u64(const struct xb *x, const char *key, uint64_t *v);
/* Takes the next received fd (-1 if none). */
int xb_take_fd(struct xb *x);

#endif

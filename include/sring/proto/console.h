/* SPDX-License-Identifier: MIT */
/*
 * sring/proto/console.h - the Xen console page (io/console.h), both sides,
 * on top of sring/flex.h.
 *
 * A guest's console is one shared page holding two byte rings: "out"
 * (guest to console daemon: what the guest prints) and "in" (daemon to
 * guest: what is typed). The guest writes out and reads in; the daemon
 * (xenconsoled, or anything playing its part) does the reverse. There are
 * no event words: see the notification rules in sring/flex.h.
 *
 *   offset  size  field        written by
 *        0  1024  in[]         daemon
 *     1024  2048  out[]        guest
 *     3072     4  in_cons      guest
 *     3076     4  in_prod      daemon
 *     3080     4  out_cons     daemon
 *     3084     4  out_prod     guest
 *     3088     1  connection   daemon (newer Xen only; see below)
 *
 * Stream byte i of "in" is in[i & 1023], of "out" out[i & 2047].
 *
 * The connection byte
 * -------------------
 * Xen's public header gained `uint8_t connection` at offset 3088 in 2025
 * (xen.git ddc2dd1264; not in Xen 4.17, which Debian 12's libxen-dev
 * ships). Values: XENCONSOLE_CONNECTED 0, XENCONSOLE_DISCONNECTED 1. The
 * toolstack may create the page "disconnected" when the guest starts
 * before its console daemon; the daemon sets it to connected once it
 * services the rings. A zeroed page (every older toolstack) therefore
 * reads as connected, which keeps old daemons working. A guest that sees
 * "disconnected" must not wait for room in "out" (nobody will make any):
 * it should drop or buffer its output instead of spinning, which was the
 * hang the field was added to fix. The byte is a hint, not a memory
 * ordering point: the daemon sets it after attaching and then notifies.
 * On pages laid out for Xen 4.17 the byte sits in the padding after the
 * indices, which every toolstack zeroes, so using it is compatible both
 * ways.
 *
 * Both sides join a live page with sring_flex_resume() semantics: the
 * indices found there are adopted if consistent (prod - cons <= size),
 * since a console daemon may attach to (or restart on) a page the guest
 * has already written.
 */
#ifndef SRING_PROTO_CONSOLE_H
#define SRING_PROTO_CONSOLE_H

#include <sring/flex.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SRING_CONSOLE_IN_SIZE 1024u
#define SRING_CONSOLE_OUT_SIZE 2048u
#define SRING_CONSOLE_CONNECTED 0u     /* XENCONSOLE_CONNECTED */
#define SRING_CONSOLE_DISCONNECTED 1u  /* XENCONSOLE_DISCONNECTED */

/* The console page, byte for byte Xen's struct xencons_interface. */
struct sring_console_page {
	unsigned char in[SRING_CONSOLE_IN_SIZE];
	unsigned char out[SRING_CONSOLE_OUT_SIZE];
	sring_idx_t in_cons, in_prod;
	sring_idx_t out_cons, out_prod;
	uint8_t connection;   /* newer Xen only; 0 on a zeroed page */
	uint8_t pad[3];
};

SRING_STATIC_ASSERT(sizeof(struct sring_console_page) == 3092,
		    sring_console_page_size);

/* One end of a console: the ring it writes and the ring it reads. */
struct sring_console {
	struct sring_flex tx;
	struct sring_flex rx;
};

/* Directions. */
#define SRING_CONSOLE_DIR_IN 0   /* daemon writes, guest reads */
#define SRING_CONSOLE_DIR_OUT 1  /* guest writes, daemon reads */

/* Fills in every field, whatever dir (anything but IN is OUT). */
SRING_INLINE void sringi_console_fill(struct sring_flex_layout *l,
				      struct sring_console_page *p, int dir)
{
	l->prod_event = NULL;
	l->cons_event = NULL;
	if (dir == SRING_CONSOLE_DIR_IN) {
		l->prod = &p->in_prod;
		l->cons = &p->in_cons;
		l->data = p->in;
		l->size = SRING_CONSOLE_IN_SIZE;
	} else {
		l->prod = &p->out_prod;
		l->cons = &p->out_cons;
		l->data = p->out;
		l->size = SRING_CONSOLE_OUT_SIZE;
	}
}

/**
 * sring_console_layout() - one ring of the console page.
 * @l: filled in
 * @p: the page
 * @dir: SRING_CONSOLE_DIR_IN or SRING_CONSOLE_DIR_OUT
 *
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_console_layout(struct sring_flex_layout *l,
				      struct sring_console_page *p, int dir)
{
	if (!l || !p || (dir != SRING_CONSOLE_DIR_IN &&
			 dir != SRING_CONSOLE_DIR_OUT))
		return SRING_EINVAL;
	sringi_console_fill(l, p, dir);
	return SRING_OK;
}

/**
 * sring_console_page_init() - zero a page and set its connection byte.
 * @p: the page (the toolstack's job in Xen)
 * @connection: SRING_CONSOLE_CONNECTED, or SRING_CONSOLE_DISCONNECTED when
 *              the daemon will attach later
 */
SRING_INLINE void sring_console_page_init(struct sring_console_page *p,
					  uint8_t connection)
{
	sringi_zero_shared(p, sizeof(*p));
	sringi_copy_to_shared(&p->connection, &connection, 1);
}

SRING_INLINE int sringi_console_attach(struct sring_console *c,
				       struct sring_console_page *p,
				       int tx_dir, int rx_dir)
{
	struct sring_flex_layout l;
	int rc_tx, rc_rx;

	if (!c || !p)
		return SRING_EINVAL;
	/* Both rings are set up even if one is inconsistent: that one is
	 * latched broken, the other still works. */
	sringi_console_fill(&l, p, tx_dir);
	rc_tx = sring_flex_resume(&c->tx, SRING_FLEX_WRITER, &l);
	sringi_console_fill(&l, p, rx_dir);
	rc_rx = sring_flex_resume(&c->rx, SRING_FLEX_READER, &l);
	return rc_tx != SRING_OK ? rc_tx : rc_rx;
}

/**
 * sring_console_guest_attach() - the guest's end: tx is "out", rx "in".
 * @c: private state
 * @p: the page
 *
 * Context: loads the four indices once each.
 * Return: SRING_OK, SRING_EINVAL, or SRING_EPROTO (a ring's indices are
 * inconsistent; that ring is latched broken, the other is usable).
 */
SRING_INLINE int sring_console_guest_attach(struct sring_console *c,
					    struct sring_console_page *p)
{
	return sringi_console_attach(c, p, SRING_CONSOLE_DIR_OUT,
				     SRING_CONSOLE_DIR_IN);
}

/**
 * sring_console_daemon_attach() - the daemon's end: tx is "in", rx "out".
 * @c: private state
 * @p: the page
 *
 * Does not touch the connection byte: set it with
 * sring_console_set_connection() once ready to service the rings.
 * Return: as sring_console_guest_attach().
 */
SRING_INLINE int sring_console_daemon_attach(struct sring_console *c,
					     struct sring_console_page *p)
{
	return sringi_console_attach(c, p, SRING_CONSOLE_DIR_IN,
				     SRING_CONSOLE_DIR_OUT);
}

/**
 * sring_console_set_wake() - the wake threshold of both rings.
 * @c: either end
 * @w: 1 when both ends are sring peers that wait for single bytes
 *     (notify only on empty / full transitions); leave the default (every
 *     push notifies) when the peer is a Xen guest or xenconsoled.
 */
SRING_INLINE void sring_console_set_wake(struct sring_console *c, uint32_t w)
{
	sring_flex_set_wake(&c->tx, w);
	sring_flex_set_wake(&c->rx, w);
}

/* sring_console_set_connection() - daemon: publish the connection byte. */
SRING_INLINE void sring_console_set_connection(struct sring_console_page *p,
					       uint8_t v)
{
	sringi_copy_to_shared(&p->connection, &v, 1);
}

/**
 * sring_console_connected() - guest: is the daemon servicing the rings?
 * @p: the page
 *
 * Reads the byte once. Anything but SRING_CONSOLE_CONNECTED (0) is taken
 * as disconnected.
 * Return: 1 if connected, 0 if not.
 */
SRING_INLINE int sring_console_connected(const struct sring_console_page *p)
{
	uint8_t v;

	sringi_copy_from_shared(&v, &p->connection, 1);
	return v == SRING_CONSOLE_CONNECTED;
}

#ifdef __cplusplus
}
#endif

#endif /* SRING_PROTO_CONSOLE_H */

/* SPDX-License-Identifier: MIT */
/*
 * sring console: a Xen-style console page shared by two processes.
 *
 * The parent is the console daemon: it connects the page to its own stdin
 * and stdout. The child is the "guest": it prints a greeting line and then
 * echoes whatever it reads from the console back out. The page is a memfd
 * mapped by both (the Xen console page layout of sring/proto/console.h);
 * two eventfds play the event channel, one per direction. Each side sleeps
 * whenever sring says it may and notifies only when sring says the peer
 * may be waiting (both are sring peers, so the wake threshold is 1: the
 * writer kicks when a ring was empty, the reader when it was full).
 *
 *   sring-console [-q] [-t MS] < input > output
 *
 *   -q     no greeting: output is then byte for byte the input
 *   -t MS  how long a side waits for an event before checking whether it
 *          missed one (default 10000). A missed event (the awaited bytes
 *          or room are there but no kick came) is a bug: exit status 2.
 *
 * The daemon stops once stdin is at end of file and every byte it sent
 * has come back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sring/proto/console.h>

#include "../../tests/support/evchn.h"

static const char greeting[] = "guest: sring console up, echoing input\n";

static struct evchn to_guest, to_daemon;
static int timeout_ms = 10000;
static pid_t guest_pid;

static void die(const char *who, const char *why)
{
	fprintf(stderr, "sring-console %s: %s\n", who, why);
	exit(2);
}

static void kick(struct evchn *e, int push_rc, const char *who)
{
	if (push_rc < 0)
		die(who, "peer broke the ring protocol");
	if (push_rc > 0)
		evchn_notify(e);
}

/* ------------------------------------------------------------------ */

static void guest(struct sring_console_page *page, int quiet)
{
	static unsigned char buf[8192];
	struct sring_console c;
	size_t len = 0, off = 0;
	int rc;

	if (sring_console_guest_attach(&c, page) != SRING_OK)
		die("guest", "inconsistent console page");
	sring_console_set_wake(&c, 1);
	if (!quiet) {
		len = sizeof(greeting) - 1;
		memcpy(buf, greeting, len);
	}
	for (;;) {
		int progress = 0, n;

		if (off < len) {
			n = sring_flex_write(&c.tx, buf + off, len - off);
			if (n < 0)
				die("guest", "write to console failed");
			off += (size_t)n;
			progress |= n > 0;
			if (off == len)
				off = len = 0;
			kick(&to_daemon, sring_flex_push(&c.tx), "guest");
		}
		if (len == 0) {
			n = sring_flex_read(&c.rx, buf, sizeof(buf));
			if (n < 0)
				die("guest", "read from console failed");
			len = (size_t)n;
			progress |= n > 0;
			kick(&to_daemon, sring_flex_push(&c.rx), "guest");
		}
		if (progress)
			continue;
		/* Idle: wait for room in "out" if we hold output, else for
		 * input in "in". */
		rc = sring_flex_final_check(len ? &c.tx : &c.rx, 1);
		if (rc < 0)
			die("guest", "final check failed");
		if (rc > 0)
			continue;
		for (;;) {
			rc = evchn_wait(&to_guest, timeout_ms);
			if (rc < 0)
				die("guest", "event channel wait failed");
			if (rc > 0)
				break;
			/* Timed out: fine if nothing is there, else a lost
			 * wake-up. While the daemon is not connected, a full
			 * "out" is expected: keep waiting for it. */
			rc = len ? sring_flex_free(&c.tx) : sring_flex_avail(&c.rx);
			if (rc < 0)
				die("guest", "peer broke the ring protocol");
			if (rc > 0 && (!len || sring_console_connected(page)))
				die("guest", "lost wake-up");
		}
	}
}

/* ------------------------------------------------------------------ */

static void write_out(const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("daemon", "cannot write stdout");
		p += w;
		n -= (size_t)w;
	}
}

static int stdin_ready(void)
{
	struct pollfd p = { STDIN_FILENO, POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

static int daemon_loop(struct sring_console_page *page, int quiet)
{
	static unsigned char ibuf[16384], obuf[16384];
	struct sring_console c;
	size_t ilen = 0, ioff = 0;
	unsigned long long sent = 0, got = 0, extra = quiet ? 0 : sizeof(greeting) - 1;
	int eof = 0, rc;

	if (sring_console_daemon_attach(&c, page) != SRING_OK)
		die("daemon", "inconsistent console page");
	sring_console_set_wake(&c, 1);
	/* Ready to service the rings: say so, and kick the guest in case it
	 * is waiting for room. */
	sring_console_set_connection(page, SRING_CONSOLE_CONNECTED);
	evchn_notify(&to_guest);
	for (;;) {
		int progress = 0, n;
		struct pollfd p[2];
		nfds_t np = 1;

		/* guest output -> stdout */
		n = sring_flex_read(&c.rx, obuf, sizeof(obuf));
		if (n < 0)
			die("daemon", "guest broke the ring protocol");
		if (n > 0) {
			write_out(obuf, (size_t)n);
			got += (unsigned long long)n;
			progress = 1;
		}
		kick(&to_guest, sring_flex_push(&c.rx), "daemon");
		/* stdin -> guest input */
		if (ioff == ilen && !eof && stdin_ready()) {
			ssize_t r = read(STDIN_FILENO, ibuf, sizeof(ibuf));

			if (r < 0 && errno != EINTR && errno != EAGAIN)
				die("daemon", "cannot read stdin");
			if (r == 0)
				eof = 1;
			if (r > 0) {
				ilen = (size_t)r;
				ioff = 0;
			}
			progress = 1;
		}
		if (ioff < ilen) {
			n = sring_flex_write(&c.tx, ibuf + ioff, ilen - ioff);
			if (n < 0)
				die("daemon", "guest broke the ring protocol");
			ioff += (size_t)n;
			sent += (unsigned long long)n;
			progress |= n > 0;
			kick(&to_guest, sring_flex_push(&c.tx), "daemon");
		}
		if (got > sent + extra)
			die("daemon", "more came back than was sent");
		if (eof && ioff == ilen && got == sent + extra)
			return 0;
		if (progress)
			continue;
		/* Idle: arm both rings we care about, then sleep. */
		rc = sring_flex_final_check(&c.rx, 1);
		if (rc < 0)
			die("daemon", "final check failed");
		if (rc > 0)
			continue;
		if (ioff < ilen) {
			rc = sring_flex_final_check(&c.tx, 1);
			if (rc < 0)
				die("daemon", "final check failed");
			if (rc > 0)
				continue;
		}
		p[0].fd = to_daemon.fd;
		p[0].events = POLLIN;
		if (ioff == ilen && !eof) {
			p[1].fd = STDIN_FILENO;
			p[1].events = POLLIN;
			np = 2;
		}
		do {
			rc = poll(p, np, timeout_ms);
		} while (rc < 0 && errno == EINTR);
		if (rc < 0)
			die("daemon", "poll failed");
		if (rc > 0) {
			evchn_wait(&to_daemon, 0); /* drain the counter */
			continue;
		}
		/* Timed out: is the guest gone, or were we owed a kick? */
		if (waitpid(guest_pid, &rc, WNOHANG) == guest_pid)
			die("daemon", "the guest exited");
		if (sring_flex_avail(&c.rx) > 0 ||
		    (ioff < ilen && sring_flex_free(&c.tx) > 0))
			die("daemon", "lost wake-up");
	}
}

int main(int argc, char **argv)
{
	struct sring_console_page *page;
	int quiet = 0, opt, fd, status, rc;
	pid_t pid;

	while ((opt = getopt(argc, argv, "qt:")) != -1) {
		if (opt == 'q')
			quiet = 1;
		else if (opt == 't')
			timeout_ms = atoi(optarg);
		else {
			fprintf(stderr, "usage: sring-console [-q] [-t MS]\n");
			return 1;
		}
	}
	fd = memfd_create("sring-console", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4096) != 0)
		die("main", "memfd");
	page = (struct sring_console_page *)mmap(NULL, 4096,
		PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (page == MAP_FAILED)
		die("main", "mmap");
	/* The toolstack's part: a fresh page, daemon not yet attached. */
	sring_console_page_init(page, SRING_CONSOLE_DISCONNECTED);
	if (evchn_open(&to_guest) || evchn_open(&to_daemon))
		die("main", "eventfd");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("main", "fork");
	guest_pid = pid;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		close(STDIN_FILENO);
		guest(page, quiet);
		_exit(0);
	}
	rc = daemon_loop(page, quiet);
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid)
		die("main", "waitpid");
	/* the guest only ever exits by our SIGTERM; anything else failed */
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM) {
		fprintf(stderr, "sring-console: guest failed (status %d)\n",
			status);
		return 2;
	}
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * examples/blk: a userspace model of Xen's split block driver. What both
 * programs share: page size, exit codes, logging.
 */
#ifndef BLK_COMMON_H
#define BLK_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BLK_PAGE 4096u

/* Exit codes (both programs; README.md has the table). */
enum {
	BLK_EXIT_OK = 0,
	BLK_EXIT_IO = 1,      /* the back end answered an error */
	BLK_EXIT_USAGE = 2,   /* bad arguments, missing file */
	BLK_EXIT_PEER = 3,    /* cannot connect, or the peer vanished */
	BLK_EXIT_PROTO = 4    /* the peer broke the protocol */
};

extern const char *blk_prog; /* program name for messages */

static inline void blk_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", blk_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Prints the message and exits with code. */
#define blk_die(code, ...) (blk_msg(__VA_ARGS__), exit(code))

#endif

/* SPDX-License-Identifier: MIT */
/*
 * sring-blkfront: the block front end as a command-line tool.
 *
 *   sring-blkfront --socket PATH [options] read OFFSET LENGTH   > data
 *   sring-blkfront --socket PATH [options] write OFFSET         < data
 *   sring-blkfront --socket PATH [options] info | flush
 *   sring-blkfront --socket PATH [options] discard OFFSET LENGTH
 *   sring-blkfront --socket PATH [options] bench [bench options]
 *   sring-blkfront --socket PATH [options] nbd [ADDR:]PORT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <unistd.h>

#include "blkfront.h"
#include "common.h"
#include "frontdev.h"

const char *blk_prog = "sring-blkfront";

#define CHUNK (1u << 20)

static void usage(void)
{
	fprintf(stderr,
"usage: sring-blkfront --socket PATH [--protocol x86_64-abi|x86_32-abi]\n"
"                      [--ring-page-order N] [--indirect SEGS] [--timeout MS]\n"
"                      [-v] COMMAND\n"
"  --indirect SEGS        segments per indirect request (default 32, 0: off)\n"
"commands:\n"
"  read OFFSET LENGTH     write LENGTH bytes from OFFSET to stdout\n"
"  write OFFSET           write stdin to the disk from OFFSET\n"
"  info                   print the disk and the negotiated features\n"
"  flush                  flush the back end's cache\n"
"  discard OFFSET LENGTH  discard the whole sectors in the range\n"
"  bench [--pattern rand|seq] [--bs SIZE] [--qd N] [--rw PCT]\n"
"        [--size BYTES] [--ops N | --seconds S]\n"
"                         random/sequential I/O; PCT = reads in percent\n"
"  nbd [ADDR:]PORT        export the disk over NBD (ADDR: loopback only\n"
"                         by default, 127.0.0.1)\n"
"sizes take k, M, G suffixes (powers of 1024)\n"
"exit codes: 0 ok, 1 I/O error, 2 usage, 3 backend unreachable or gone,\n"
"            4 protocol violation by the backend\n");
	exit(BLK_EXIT_USAGE);
}

int blk_parse_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': x <<= 10; end++; break;
	case 'm': case 'M': x <<= 20; end++; break;
	case 'g': case 'G': x <<= 30; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*v = x;
	return 0;
}

static uint64_t arg_size(const char *s, const char *what)
{
	uint64_t v;

	if (blk_parse_size(s, &v) < 0)
		blk_die(BLK_EXIT_USAGE, "bad %s '%s'", what, s ? s : "");
	return v;
}

static int cmd_read(struct fe_dev *d, uint64_t off, uint64_t len)
{
	uint8_t *buf = malloc(CHUNK);
	int rc = 0;

	if (!buf)
		return BLK_EXIT_IO;
	while (len > 0 && rc == 0) {
		size_t n = len < CHUNK ? (size_t)len : CHUNK;

		rc = fe_read(d, off, buf, n);
		if (rc == 0 && fwrite(buf, 1, n, stdout) != n) {
			blk_msg("stdout: %s", strerror(errno));
			rc = BLK_EXIT_IO;
		}
		off += n;
		len -= n;
	}
	free(buf);
	if (rc == 0 && fflush(stdout) != 0) {
		blk_msg("stdout: %s", strerror(errno));
		rc = BLK_EXIT_IO;
	}
	return rc;
}

static int cmd_write(struct fe_dev *d, uint64_t off)
{
	uint8_t *buf = malloc(CHUNK);
	int rc = 0;

	if (!buf)
		return BLK_EXIT_IO;
	for (;;) {
		size_t n = 0, got;

		while (n < CHUNK &&
		       (got = fread(buf + n, 1, CHUNK - n, stdin)) > 0)
			n += got;
		if (n == 0)
			break;
		rc = fe_write(d, off, buf, n);
		if (rc)
			break;
		off += n;
		if (n < CHUNK)
			break;
	}
	if (rc == 0 && ferror(stdin)) {
		blk_msg("stdin: read error");
		rc = BLK_EXIT_IO;
	}
	free(buf);
	if (rc == 0)
		rc = fe_flush(d);
	return rc;
}

static int cmd_info(struct fe_dev *d)
{
	printf("sectors: %llu\n", (unsigned long long)d->sectors);
	printf("size: %llu\n", (unsigned long long)d->sectors * 512u);
	printf("sector-size: %u\n", d->sector_size);
	printf("info: %u%s\n", d->info,
	       d->info & SRING_BLKIF_VDISK_READONLY ? " (read-only)" : "");
	printf("protocol: %s\n", d->abi == SRING_BLKIF_ABI_X86_32
					 ? "x86_32-abi"
					 : "x86_64-abi");
	printf("ring-page-order: %u (max %u)\n", d->ring_order,
	       d->max_ring_order);
	printf("ring-slots: %u\n", d->nr_slots);
	printf("feature-flush-cache: %d\n", d->feat_flush);
	printf("feature-discard: %d\n", d->feat_discard);
	printf("feature-max-indirect-segments: %u\n", d->max_indirect);
	printf("request-max-pages: %u%s\n", d->pages_per_slot,
	       d->use_indirect ? " (indirect)" : "");
	return 0;
}

int main(int argc, char **argv)
{
	struct fe_opts o;
	struct fe_dev d;
	const char *cmd;
	int i, rc;

	memset(&o, 0, sizeof(o));
	o.abi = -1;
	o.timeout_ms = 10000;
	o.ring_order = 4;
	o.indirect = 32; /* Linux blkfront's default max_indirect_segments */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			o.socket = argv[++i];
		else if (strcmp(argv[i], "--protocol") == 0 && i + 1 < argc) {
			o.abi = sring_blkif_abi_from_protocol(argv[++i]);
			if (o.abi < 0)
				blk_die(BLK_EXIT_USAGE, "unknown protocol '%s'",
					argv[i]);
		} else if (strcmp(argv[i], "--ring-page-order") == 0 &&
			   i + 1 < argc) {
			o.ring_order = atoi(argv[++i]);
			if (o.ring_order < 0 || o.ring_order > 4)
				blk_die(BLK_EXIT_USAGE,
					"--ring-page-order is 0..4");
		} else if (strcmp(argv[i], "--indirect") == 0 &&
			   i + 1 < argc) {
			o.indirect = atoi(argv[++i]);
			if (o.indirect < 0 || o.indirect > FE_MAX_INDIRECT)
				blk_die(BLK_EXIT_USAGE,
					"--indirect is 0..%d segments",
					FE_MAX_INDIRECT);
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			o.timeout_ms = atoi(argv[++i]);
		else if (strcmp(argv[i], "-v") == 0)
			o.verbose = 1;
		else if (strcmp(argv[i], "--help") == 0 ||
			 strcmp(argv[i], "-h") == 0)
			usage();
		else {
			blk_msg("unknown option '%s'", argv[i]);
			usage();
		}
	}
	if (!o.socket)
		o.socket = "sring-blk.sock";
	if (i >= argc) {
		blk_msg("no command given");
		usage();
	}
	cmd = argv[i++];
	/* Check the arguments before connecting. */
	if (strcmp(cmd, "read") == 0 || strcmp(cmd, "discard") == 0) {
		if (argc - i != 2)
			usage();
		(void)arg_size(argv[i], "OFFSET");
		(void)arg_size(argv[i + 1], "LENGTH");
	} else if (strcmp(cmd, "write") == 0) {
		if (argc - i != 1)
			usage();
		(void)arg_size(argv[i], "OFFSET");
	} else if (strcmp(cmd, "info") == 0 || strcmp(cmd, "flush") == 0) {
		if (argc - i != 0)
			usage();
	} else if (strcmp(cmd, "nbd") == 0) {
		struct sockaddr_in sa;

		if (argc - i != 1)
			usage();
		if (nbd_parse_addr(argv[i], &sa) < 0)
			blk_die(BLK_EXIT_USAGE, "bad address or port '%s'",
				argv[i]);
	} else if (strcmp(cmd, "bench") == 0) {
		if (bench_check_args(argc - i, argv + i) < 0)
			bench_usage();
	} else {
		blk_msg("unknown command '%s'", cmd);
		usage();
	}
	signal(SIGPIPE, SIG_IGN);

	rc = fe_connect(&d, &o);
	if (rc) {
		fe_close(&d);
		return rc;
	}
	if (strcmp(cmd, "read") == 0)
		rc = cmd_read(&d, arg_size(argv[i], "OFFSET"),
			      arg_size(argv[i + 1], "LENGTH"));
	else if (strcmp(cmd, "write") == 0)
		rc = cmd_write(&d, arg_size(argv[i], "OFFSET"));
	else if (strcmp(cmd, "info") == 0)
		rc = cmd_info(&d);
	else if (strcmp(cmd, "flush") == 0)
		rc = fe_flush(&d);
	else if (strcmp(cmd, "discard") == 0)
		rc = fe_discard(&d, arg_size(argv[i], "OFFSET"),
				arg_size(argv[i + 1], "LENGTH"));
	else if (strcmp(cmd, "nbd") == 0)
		rc = nbd_serve(&d, argv[i]);
	else
		rc = bench_run(&d, argc - i, argv + i);
	fe_close(&d);
	return rc;
}

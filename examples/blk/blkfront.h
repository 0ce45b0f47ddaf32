/* SPDX-License-Identifier: MIT */
/* sring-blkfront's subcommands that live in their own files. */
#ifndef BLK_BLKFRONT_H
#define BLK_BLKFRONT_H

#include <stdint.h>

#include "frontdev.h"

/* "123", "4k", "16M", "1G": 0, or -1. */
int blk_parse_size(const char *s, uint64_t *v);
struct sockaddr_in;
/* nbd.c: "[ADDR:]PORT" (ADDR defaults to 127.0.0.1). 0 or -1. */
int nbd_parse_addr(const char *addr_port, struct sockaddr_in *sa);
/* nbd.c: serves NBD clients one after another until SIGINT/SIGTERM. */
int nbd_serve(struct fe_dev *d, const char *addr_port);
/* bench.c; bench_check_args() checks the syntax before connecting (0 or
 * -1), bench_usage() exits with the usage. */
int bench_check_args(int argc, char **argv);
void bench_usage(void);
int bench_run(struct fe_dev *d, int argc, char **argv);

#endif

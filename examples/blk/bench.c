/* SPDX-License-Identifier: MIT */
/* sring-blkfront bench: filled in below. */
#include "blkfront.h"
#include "common.h"

int bench_run(struct fe_dev *d, int argc, char **argv)
{
	(void)d;
	(void)argc;
	(void)argv;
	blk_msg("bench: not built yet");
	return BLK_EXIT_USAGE;
}

/* SPDX-License-Identifier: MIT */
/*
 * The whole fuzz harness for demo_backend.h: the ring, the back end, and a
 * hostile front end made of the fuzzer's bytes. Built by fuzz/CMakeLists.txt
 * as fuzzkit_demo_fuzzer (libFuzzer) or fuzzkit_demo_replay (gcc).
 */
#include <stdlib.h>

#include "demo_backend.h"
#include "sring_fuzzkit.h"

static int step(void *be)
{
	return demo_backend_step((struct demo_backend *)be) < 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t bytes = 64 + 8 * sizeof(union demo_sring_entry);
	void *page = malloc(bytes); /* exact size: ASan sees any overrun */
	struct demo_backend be;
	struct sring_fuzzkit k;

	demo_sring_init((struct demo_sring *)page, bytes);
	demo_backend_init(&be, page, bytes);
	sring_fuzzkit_init(&k, data, size, &be.ring.core.l,
			   SRING_FUZZKIT_PEER_IS_FRONT, page, bytes);
	sring_fuzzkit_run(&k, step, &be);
	free(page);
	return 0;
}

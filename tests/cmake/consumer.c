/* SPDX-License-Identifier: MIT */
/* A user of the installed (or vendored) headers: one request, one reply. */
#include <stdio.h>
#include <sring/sring.h>

struct echo_req {
	uint32_t v;
};
struct echo_rsp {
	uint32_t v;
};
SRING_DEFINE_RING_TYPES(echo, struct echo_req, struct echo_rsp);

static union {
	uint64_t align;
	unsigned char b[4096];
} page;

int main(void)
{
	struct echo_sring *s = (struct echo_sring *)page.b;
	struct echo_front f;
	struct echo_back b;
	struct echo_req q = { 41 };
	struct echo_rsp r;

	if (echo_sring_init(s, sizeof(page.b)) || echo_front_init(&f, s,
	    sizeof(page.b)) || echo_back_init(&b, s, sizeof(page.b)))
		return 1;
	echo_front_put_request(&f, &q);
	echo_front_push_requests(&f);
	if (echo_back_copy_request(&b, &q) != SRING_OK)
		return 2;
	r.v = q.v + 1;
	echo_back_put_response(&b, &r);
	echo_back_push_responses(&b);
	r.v = 0;
	if (echo_front_copy_response(&f, &r) != SRING_OK || r.v != 42)
		return 3;
	printf("consumer: sring %d, answer %u\n", SRING_VERSION, r.v);
	return 0;
}

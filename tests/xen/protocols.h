/* SPDX-License-Identifier: MIT */
/* Layout facts exported by each build of tests/xen/protocols.c. */
#ifndef XPROTO_H
#define XPROTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xproto_fact {
	const char *name;
	uint64_t value;
};

typedef void xproto_fact_fn(void *ctx, const char *name, uint64_t value);
typedef size_t xproto_facts_fn(xproto_fact_fn *fn, void *ctx);

xproto_facts_fn xproto_facts_xen, xproto_facts_sring, xproto_facts_cxx;

#ifdef __cplusplus
}
#endif

#endif

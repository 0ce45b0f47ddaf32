/* SPDX-License-Identifier: MIT */
/*
 * Xen's protocol headers that build on io/ring.h, included as a driver
 * would include them, and the layout facts of every ring type they
 * generate. Built against Xen's ring.h, and through an overlay whose
 * xen/io/ring.h is sring/xen.h, as C and as C++ (protocols.cc);
 * test_xen_protocols.c demands identical facts.
 */
#include <stddef.h>
#include <stdint.h>
#ifndef XDRV_SRING
#include <string.h> /* Xen's flex helpers call memcpy */
#endif

#define XEN_WANT_FLEX_CONSOLE_RING 1
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/console.h>
#include <xen/io/9pfs.h>
#include <xen/io/pvcalls.h>
#include <xen/io/vscsiif.h>
#include <xen/io/usbif.h>
#include <xen/io/sndif.h>
#include <xen/io/displif.h>
#include <xen/io/kbdif.h>
#include <xen/io/fbif.h>
#include <xen/io/tpmif.h>
#include <xen/io/pciif.h>

#if defined(XDRV_SRING) != defined(SRING_XEN_H)
#error "this build did not get the ring.h it asked for"
#endif

#include "protocols.h"

#ifdef __cplusplus
#define XPROTO(x) x##_cxx
extern "C" {
#elif defined(XDRV_SRING)
#define XPROTO(x) x##_sring
#else
#define XPROTO(x) x##_xen
#endif

/* Used as an array bound: __CONST_RING_SIZE must stay a constant. */
typedef char urb_slots_t[USB_URB_RING_SIZE]; /* file scope: no VLA */
static union {
	unsigned char b[4 * 4096];
	uint64_t align;
} page;

#define SR(tag) struct tag##_sring
#define FR(tag) struct tag##_front_ring
#define BR(tag) struct tag##_back_ring
#define F(name, expr) {name, (uint64_t)(expr)}
#define RING_FACTS(tag) \
	F(#tag " entry", sizeof(union tag##_sring_entry)), \
	F(#tag " req_prod", offsetof(SR(tag), req_prod)), \
	F(#tag " req_event", offsetof(SR(tag), req_event)), \
	F(#tag " rsp_prod", offsetof(SR(tag), rsp_prod)), \
	F(#tag " rsp_event", offsetof(SR(tag), rsp_event)), \
	F(#tag " pvt", offsetof(SR(tag), pvt)), \
	F(#tag " pvt size", sizeof(((SR(tag) *)0)->pvt)), \
	F(#tag " netif", offsetof(SR(tag), pvt.netif.smartpoll_active)), \
	F(#tag " tapif", offsetof(SR(tag), pvt.tapif_user.msg)), \
	F(#tag " __pad", offsetof(SR(tag), __pad)), \
	F(#tag " __pad size", sizeof(((SR(tag) *)0)->__pad)), \
	F(#tag " ring", offsetof(SR(tag), ring)), \
	F(#tag " ring[0]", sizeof(((SR(tag) *)0)->ring[0])), \
	F(#tag " const size 1p", __CONST_RING_SIZE(tag, 4096)), \
	F(#tag " const size 4p", __CONST_RING_SIZE(tag, 4 * 4096)), \
	F(#tag " size 1p", __RING_SIZE((SR(tag) *)(void *)page.b, 4096)), \
	F(#tag " size 4p", __RING_SIZE((SR(tag) *)(void *)page.b, 4 * 4096)), \
	F(#tag " ring[3] at", (unsigned char *)&((SR(tag) *)(void *)page.b) \
			      ->ring[3] - page.b), \
	F(#tag " front", sizeof(FR(tag))), \
	F(#tag " front req_prod_pvt", offsetof(FR(tag), req_prod_pvt)), \
	F(#tag " front rsp_cons", offsetof(FR(tag), rsp_cons)), \
	F(#tag " front nr_ents", offsetof(FR(tag), nr_ents)), \
	F(#tag " front sring", offsetof(FR(tag), sring)), \
	F(#tag " back", sizeof(BR(tag))), \
	F(#tag " back rsp_prod_pvt", offsetof(BR(tag), rsp_prod_pvt)), \
	F(#tag " back req_cons", offsetof(BR(tag), req_cons)), \
	F(#tag " back nr_ents", offsetof(BR(tag), nr_ents)), \
	F(#tag " back sring", offsetof(BR(tag), sring)), \
	F(#tag " typedefs", sizeof(tag##_sring_t *) + \
			    sizeof(tag##_front_ring_t) + \
			    sizeof(tag##_back_ring_t))
#define FLEX_FACTS(tag) \
	F(#tag " data", sizeof(struct tag##_data)), \
	F(#tag " mask", tag##_mask(0x12345u, 4096)), \
	F(#tag " ptr", tag##_get_ring_ptr(page.b, 0x12345u, 4096) - page.b), \
	F(#tag " queued 0", tag##_queued(7, 7, 4096)), \
	F(#tag " queued full", tag##_queued(4096 + 5, 5, 4096)), \
	F(#tag " queued wrap", tag##_queued(10, 0xfffffff0u, 4096)), \
	F(#tag " queued part", tag##_queued(4000, 10, 4096))

/* Reports every fact to fn, in a fixed order; returns how many. */
size_t XPROTO(xproto_facts)(xproto_fact_fn *fn, void *ctx)
{
	const struct xproto_fact facts[] = {
	RING_FACTS(blkif),
	RING_FACTS(netif_tx),
	RING_FACTS(netif_rx),
	RING_FACTS(xen_netif_ctrl),
	RING_FACTS(xen_pvcalls),
	RING_FACTS(vscsiif),
	RING_FACTS(usbif_urb),
	RING_FACTS(usbif_conn),
	RING_FACTS(xen_sndif),
	RING_FACTS(xen_displif),
	F("USB_URB_RING_SIZE", sizeof(urb_slots_t)),
	F("USB_CONN_RING_SIZE", USB_CONN_RING_SIZE),
	FLEX_FACTS(xen_9pfs),
	FLEX_FACTS(pvcalls),
	FLEX_FACTS(xencons),
	F("9pfs in_cons", offsetof(struct xen_9pfs_data_intf, in_cons)),
	F("9pfs in_prod", offsetof(struct xen_9pfs_data_intf, in_prod)),
	F("9pfs out_cons", offsetof(struct xen_9pfs_data_intf, out_cons)),
	F("9pfs out_prod", offsetof(struct xen_9pfs_data_intf, out_prod)),
	F("9pfs ring_order", offsetof(struct xen_9pfs_data_intf, ring_order)),
	F("9pfs ref", offsetof(struct xen_9pfs_data_intf, ref)),
	F("9pfs ref[2] at", (unsigned char *)&((struct xen_9pfs_data_intf *)
		(void *)page.b)->ref[2] - page.b),
	F("XEN_FLEX_RING_SIZE(0)", XEN_FLEX_RING_SIZE(0)),
	F("XEN_FLEX_RING_SIZE(9)", XEN_FLEX_RING_SIZE(9)),
	F("XEN_PAGE_SHIFT", XEN_PAGE_SHIFT),
	F("blkif_request", sizeof(struct blkif_request)),
	F("netif_tx_request", sizeof(struct netif_tx_request)),
	F("xencons_interface", sizeof(struct xencons_interface)),
	F("pvcalls_data_intf ring_order",
	  offsetof(struct pvcalls_data_intf, ring_order)),
	F("vscsiif_request", sizeof(struct vscsiif_request)),
	F("usbif_urb_request", sizeof(struct usbif_urb_request)),
	F("xensnd_req", sizeof(struct xensnd_req)),
	F("xendispl_req", sizeof(struct xendispl_req)),
	F("xenkbd_page", sizeof(struct xenkbd_page)),
	F("xenfb_page", sizeof(struct xenfb_page)),
	F("tpmif_shared_page", sizeof(struct tpmif_shared_page)),
	F("xen_pci_sharedinfo", sizeof(struct xen_pci_sharedinfo)),
	};
	size_t i, n = sizeof(facts) / sizeof(facts[0]);

	for (i = 0; i < n; i++)
		fn(ctx, facts[i].name, facts[i].value);
	return n;
}

#ifdef __cplusplus
}
#endif

/* SPDX-License-Identifier: MIT */
/*
 * sring/proto/blkif.h - the Xen block protocol (io/blkif.h) on sring rings:
 * both wire formats, request validation for back ends, id tracking for
 * front ends.
 *
 * A read in the guest goes to the block front end, which puts a request in
 * the shared ring naming granted pages; the back end maps them, does the
 * I/O, and puts a response in the same slot. This header holds everything
 * about that exchange that is not OS-specific, byte-for-byte compatible
 * with Xen's io/blkif.h (tests/abi proves it against libxen-dev).
 *
 * Quick start
 * -----------
 *
 *   front end (its own format, SRING_BLKIF_ABI_NATIVE):
 *     sring_blkif_ring_init(abi, page, 4096);
 *     sring_blkif_frontend_init(&fe, abi, page, 4096);
 *     sring_blkif_shadow_init(&sh, ents, 32);
 *     ...describe the I/O in a struct sring_blkif_req d...
 *     sring_blkif_frontend_submit(&fe, &sh, &d, cookie);
 *     if (sring_blkif_frontend_push_requests(&fe))
 *             notify_back();
 *     ...event...
 *     while ((rc = sring_blkif_frontend_complete(&fe, &sh, &cookie,
 *                                                &st)) == SRING_OK)
 *             done(cookie, st);
 *     if (rc == SRING_EPROTO)
 *             tear_down_device();
 *
 *   back end (the format the front named in its "protocol" node):
 *     sring_blkif_backend_init(&be, abi, page, 4096);
 *     while (sring_blkif_backend_copy_request(&be, &wire) == SRING_OK) {
 *             e = sring_blkif_check_request(&wire, &geo, &r);
 *             if (e == 0 && r.indirect)
 *                     e = sring_blkif_check_indirect(&r, &geo, mapped,
 *                                     r.nr_indirect_pages, segs, max);
 *             st = e ? sring_blkif_error_status(e) : do_io(&r);
 *             sring_blkif_backend_respond(&be, r.id, r.rsp_operation, st);
 *     }
 *     if (sring_blkif_backend_push_responses(&be))
 *             notify_front();
 *
 * Wire formats (one slot = union of request and response; all native-endian)
 * --------------------------------------------------------------------------
 *
 * "64" is Xen's x86_64-abi and arm-abi (uint64_t aligned to 8): slot 112.
 * "x86_32" is Xen's x86_32-abi (uint64_t aligned to 4): slot 108. A 64-bit
 * back end must serve both: the guest names its ABI in its "protocol" node.
 *
 *   read/write/barrier/flush    64   x86_32   discard           64  x86_32
 *   u8  operation                0     0      u8  operation      0    0
 *   u8  nr_segments              1     1      u8  flag           1    1
 *   u16 handle                   2     2      u16 handle         2    2
 *   u64 id                       8     4      u64 id             8    4
 *   u64 sector_number           16    12      u64 sector_number 16   12
 *   seg[11] (8 bytes each)      24    20      u64 nr_sectors    24   20
 *   sizeof                     112   108      sizeof            32   28
 *
 *   indirect                    64   x86_32   response          64  x86_32
 *   u8  operation (6)            0     0      u64 id             0    0
 *   u8  indirect_op              1     1      u8  operation      8    8
 *   u16 nr_segments              2     2      i16 status        10   10
 *   u64 id                       8     4      sizeof            16   12
 *   u64 sector_number           16    12
 *   u16 handle                  24    20      segment (both): u32 gref @0,
 *   u32 indirect_grefs[8]       28    24      u8 first_sect @4, u8 last_sect
 *   sizeof                      64    64      @5, 2 pad; sizeof 8
 *
 * The 64 structs spell every pad byte out, so they have this layout on
 * every compiler, 32-bit hosts included. The x86_32 structs hold each
 * 64-bit field as uint32_t[2] (the uint64_t's bytes in native order, read
 * and written with sring_blkif_u64_get/set): that gives the 4-byte
 * alignment of i386 everywhere without #pragma pack, which C99 lacks and
 * which QEMU once dropped by accident, changing the ABI.
 *
 * Segments: gref names one granted 4 KiB frame; first_sect..last_sect
 * (inclusive, 0..7) are the 512-byte sectors used in it. A request carries
 * up to 11 segments itself; BLKIF_OP_INDIRECT carries up to 8 grefs of
 * "indirect pages", each an array of 512 segments (so up to 4096). All
 * sector quantities are in 512-byte units whatever the disk's sector size.
 *
 * The back end trusts nothing (sring_blkif_check_request)
 * ------------------------------------------------------
 *
 * Copy the request out of the ring first (the ring does it), convert an
 * x86_32 copy with sring_blkif_request_from_x86_32(), then check the copy
 * against the device geometry. The result is a normalised description, or
 * one precise error (enum sring_blkif_err) to answer with
 * sring_blkif_error_status(). Indirect segments live in pages the front
 * end granted: sring_blkif_check_indirect() reads each once and checks it.
 * A bad request is answered with an error status; it does not break the
 * ring (Linux blkback does the same).
 *
 * The front end trusts nothing (struct sring_blkif_shadow)
 * -------------------------------------------------------
 *
 * Ids are handed out by a shadow table in private memory. id = generation
 * << 32 | slot, so a response must name a request in flight, of the right
 * incarnation, with the operation it was sent with; anything else (unknown,
 * duplicate, stale, not yet submitted, wrong operation) returns
 * SRING_EPROTO and latches the device broken, as Linux blkfront has done
 * since 2021 ("don't trust the backend response data blindly").
 *
 * Nothing of ours reaches the ring: requests and responses are assembled
 * field by field in a zeroed private copy with every pad byte named, and
 * copied into the slot once (XSA-216 leaked stack bytes through the pad
 * of a response built on the stack).
 *
 * Freestanding like the rest of sring: no library calls, no struct
 * assignment (which may become memcpy), no run-time division.
 */
#ifndef SRING_PROTO_BLKIF_H
#define SRING_PROTO_BLKIF_H

#include <sring/config.h>
#include <sring/copy.h>
#include <sring/ring.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Constants (values are Xen's; the names carry SRING_ so that both
 * headers can be included in one translation unit)
 * ------------------------------------------------------------------- */

#define SRING_BLKIF_OP_READ 0
#define SRING_BLKIF_OP_WRITE 1
#define SRING_BLKIF_OP_WRITE_BARRIER 2   /* needs feature-barrier */
#define SRING_BLKIF_OP_FLUSH_DISKCACHE 3 /* needs feature-flush-cache */
#define SRING_BLKIF_OP_RESERVED_1 4      /* SLES; never valid here */
#define SRING_BLKIF_OP_DISCARD 5         /* needs feature-discard */
#define SRING_BLKIF_OP_INDIRECT 6 /* needs feature-max-indirect-segments */

#define SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8
#define SRING_BLKIF_SEGS_PER_INDIRECT_FRAME 512
#define SRING_BLKIF_MAX_INDIRECT_SEGMENTS 4096
/* Indirect pages that n segments need (n <= 2^31). */
#define SRING_BLKIF_INDIRECT_PAGES(n) (((uint32_t)(n) + 511u) >> 9)

#define SRING_BLKIF_DISCARD_SECURE 1 /* discard flag */

#define SRING_BLKIF_RSP_EOPNOTSUPP (-2)
#define SRING_BLKIF_RSP_ERROR (-1)
#define SRING_BLKIF_RSP_OKAY 0

#define SRING_BLKIF_SECTOR_SHIFT 9   /* ring sectors are 512 bytes */
#define SRING_BLKIF_PAGE_SIZE 4096   /* a granted frame */
#define SRING_BLKIF_SECTORS_PER_PAGE 8

/* The "info" node of the back end. */
#define SRING_BLKIF_VDISK_CDROM 0x1
#define SRING_BLKIF_VDISK_REMOVABLE 0x2
#define SRING_BLKIF_VDISK_READONLY 0x4

/* The front end's "protocol" node (io/protocols.h). */
#define SRING_BLKIF_PROTOCOL_X86_32 "x86_32-abi"
#define SRING_BLKIF_PROTOCOL_X86_64 "x86_64-abi"
#define SRING_BLKIF_PROTOCOL_ARM "arm-abi"

/* Which wire format a ring uses. */
enum sring_blkif_abi {
	SRING_BLKIF_ABI_64 = 0,    /* x86_64-abi and arm-abi */
	SRING_BLKIF_ABI_X86_32 = 1 /* x86_32-abi */
};

/* The wire format of this machine as a Xen guest. */
#if defined(__i386__) || defined(_M_IX86)
#define SRING_BLKIF_ABI_NATIVE SRING_BLKIF_ABI_X86_32
#define SRING_BLKIF_PROTOCOL_NATIVE SRING_BLKIF_PROTOCOL_X86_32
#else
#define SRING_BLKIF_ABI_NATIVE SRING_BLKIF_ABI_64
#if defined(__x86_64__) || defined(_M_X64)
#define SRING_BLKIF_PROTOCOL_NATIVE SRING_BLKIF_PROTOCOL_X86_64
#elif defined(__arm__) || defined(__aarch64__)
#define SRING_BLKIF_PROTOCOL_NATIVE SRING_BLKIF_PROTOCOL_ARM
#endif
/* Elsewhere Xen defines no protocol name; the 64 layout is the natural one
 * on any ABI that aligns uint64_t to 8. */
#endif

/* ---------------------------------------------------------------------
 * Wire structures, 64 format (x86_64-abi, arm-abi)
 * ------------------------------------------------------------------- */

/* One segment: the same 8 bytes in both formats, in requests and in
 * indirect pages. Also used for the checked, private segment list. */
struct sring_blkif_segment {
	uint32_t gref;      /* grant reference of a 4 KiB frame */
	uint8_t first_sect; /* first 512-byte sector used, 0..7 */
	uint8_t last_sect;  /* last one, inclusive, first_sect..7 */
	uint8_t pad[2];
};

/* The bytes every request shares: operation and id. */
struct sring_blkif_request_hdr {
	uint8_t operation;
	uint8_t rsvd[7];
	uint64_t id;
};

/* READ, WRITE, WRITE_BARRIER and FLUSH_DISKCACHE. */
struct sring_blkif_request_rw {
	uint8_t operation;
	uint8_t nr_segments;
	uint16_t handle;
	uint32_t pad;
	uint64_t id;            /* opaque to the back end: echoed */
	uint64_t sector_number; /* first 512-byte sector on the disk */
	struct sring_blkif_segment seg[SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

struct sring_blkif_request_discard {
	uint8_t operation;
	uint8_t flag; /* SRING_BLKIF_DISCARD_SECURE or 0 */
	uint16_t handle;
	uint32_t pad;
	uint64_t id;
	uint64_t sector_number;
	uint64_t nr_sectors;
};

struct sring_blkif_request_indirect {
	uint8_t operation;   /* SRING_BLKIF_OP_INDIRECT */
	uint8_t indirect_op; /* READ or WRITE */
	uint16_t nr_segments;
	uint32_t pad1;
	uint64_t id;
	uint64_t sector_number;
	uint16_t handle;
	uint16_t pad2;
	uint32_t indirect_grefs[SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	uint32_t pad3;
};

/* A request slot: pick the member by hdr.operation. */
union sring_blkif_request {
	struct sring_blkif_request_hdr hdr;
	struct sring_blkif_request_rw rw;
	struct sring_blkif_request_discard discard;
	struct sring_blkif_request_indirect indirect;
};

struct sring_blkif_response {
	uint64_t id;       /* the request's id */
	uint8_t operation; /* the request's (indirect: its indirect_op) */
	uint8_t pad1;
	int16_t status;    /* SRING_BLKIF_RSP_* */
	uint32_t pad2;
};

/* ---------------------------------------------------------------------
 * Wire structures, x86_32 format: 64-bit fields as uint32_t[2]
 * ------------------------------------------------------------------- */

struct sring_blkif_x86_32_request_hdr {
	uint8_t operation;
	uint8_t rsvd[3];
	uint32_t id[2];
};

struct sring_blkif_x86_32_request_rw {
	uint8_t operation;
	uint8_t nr_segments;
	uint16_t handle;
	uint32_t id[2];
	uint32_t sector_number[2];
	struct sring_blkif_segment seg[SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

struct sring_blkif_x86_32_request_discard {
	uint8_t operation;
	uint8_t flag;
	uint16_t handle;
	uint32_t id[2];
	uint32_t sector_number[2];
	uint32_t nr_sectors[2];
};

struct sring_blkif_x86_32_request_indirect {
	uint8_t operation;
	uint8_t indirect_op;
	uint16_t nr_segments;
	uint32_t id[2];
	uint32_t sector_number[2];
	uint16_t handle;
	uint16_t pad1;
	uint32_t indirect_grefs[SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	uint32_t pad2[2]; /* Xen's "uint64_t pad" under __i386__ */
};

union sring_blkif_x86_32_request {
	struct sring_blkif_x86_32_request_hdr hdr;
	struct sring_blkif_x86_32_request_rw rw;
	struct sring_blkif_x86_32_request_discard discard;
	struct sring_blkif_x86_32_request_indirect indirect;
};

struct sring_blkif_x86_32_response {
	uint32_t id[2];
	uint8_t operation;
	uint8_t pad1;
	int16_t status;
};

/* The two ring types: sring_blkif_{sring,front,back}_* and
 * sring_blkif_x86_32_{sring,front,back}_* (see ring.h). */
SRING_DEFINE_RING_TYPES(sring_blkif, union sring_blkif_request,
			struct sring_blkif_response);
SRING_DEFINE_RING_TYPES(sring_blkif_x86_32, union sring_blkif_x86_32_request,
			struct sring_blkif_x86_32_response);

/* Layout proofs that hold on every host (Xen's own offsets are checked
 * against /usr/include/xen by tests/abi). No implicit padding anywhere:
 * every byte that reaches the ring is a named field. */
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_segment) == 8, blkif_seg_8);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_request_hdr) == 16, blkif_h16);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_request_rw) == 112,
		    blkif_rw_112);
SRING_STATIC_ASSERT(offsetof(struct sring_blkif_request_rw, id) == 8,
		    blkif_rw_id_8);
SRING_STATIC_ASSERT(offsetof(struct sring_blkif_request_rw, seg) == 24,
		    blkif_rw_seg_24);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_request_discard) == 32,
		    blkif_discard_32);
SRING_STATIC_ASSERT(offsetof(struct sring_blkif_request_discard,
			     nr_sectors) == 24, blkif_discard_nr_24);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_request_indirect) == 64,
		    blkif_indirect_64);
SRING_STATIC_ASSERT(offsetof(struct sring_blkif_request_indirect,
			     indirect_grefs) == 28, blkif_ind_grefs_28);
SRING_STATIC_ASSERT(sizeof(union sring_blkif_request) == 112,
		    blkif_req_112);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_response) == 16,
		    blkif_rsp_16);
SRING_STATIC_ASSERT(offsetof(struct sring_blkif_response, status) == 10,
		    blkif_rsp_status_10);
SRING_STATIC_ASSERT(sizeof(union sring_blkif_sring_entry) == 112,
		    blkif_entry_112);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_x86_32_request_hdr) == 12,
		    blkif32_h12);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_x86_32_request_rw) == 108,
		    blkif32_rw_108);
SRING_STATIC_ASSERT(offsetof(struct sring_blkif_x86_32_request_rw, id) == 4,
		    blkif32_rw_id_4);
SRING_STATIC_ASSERT(offsetof(struct sring_blkif_x86_32_request_rw, seg) ==
		    20, blkif32_rw_seg_20);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_x86_32_request_discard) == 28,
		    blkif32_discard_28);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_x86_32_request_indirect) == 64,
		    blkif32_indirect_64);
SRING_STATIC_ASSERT(offsetof(struct sring_blkif_x86_32_request_indirect,
			     indirect_grefs) == 24, blkif32_ind_grefs_24);
SRING_STATIC_ASSERT(sizeof(union sring_blkif_x86_32_request) == 108,
		    blkif32_req_108);
SRING_STATIC_ASSERT(sizeof(struct sring_blkif_x86_32_response) == 12,
		    blkif32_rsp_12);
SRING_STATIC_ASSERT(sizeof(union sring_blkif_x86_32_sring_entry) == 108,
		    blkif32_entry_108);
SRING_STATIC_ASSERT(SRING_CONST_RING_SIZE(sring_blkif, 4096) == 32,
		    blkif_ring_32);
SRING_STATIC_ASSERT(SRING_CONST_RING_SIZE(sring_blkif_x86_32, 4096) == 32,
		    blkif32_ring_32);

/* ---------------------------------------------------------------------
 * Field helpers
 * ------------------------------------------------------------------- */

/**
 * sring_blkif_u64_get() - read a 64-bit field of the x86_32 format.
 * @w: the field (uint32_t[2] holding a uint64_t's bytes in native order)
 *
 * Return: the value.
 */
SRING_INLINE uint64_t sring_blkif_u64_get(const uint32_t w[2])
{
	const unsigned char *s = (const unsigned char *)w;
	uint64_t v;
	unsigned char *d = (unsigned char *)&v;

	/* Byte by byte into the object: native order on any host, and
	 * unrolled so that it never becomes a call to memcpy. */
	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
	d[3] = s[3];
	d[4] = s[4];
	d[5] = s[5];
	d[6] = s[6];
	d[7] = s[7];
	return v;
}

/* sring_blkif_u64_set() - write a 64-bit field of the x86_32 format. */
SRING_INLINE void sring_blkif_u64_set(uint32_t w[2], uint64_t v)
{
	const unsigned char *s = (const unsigned char *)&v;
	unsigned char *d = (unsigned char *)w;

	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
	d[3] = s[3];
	d[4] = s[4];
	d[5] = s[5];
	d[6] = s[6];
	d[7] = s[7];
}

/* Bytes of one slot of a ring in format abi (0 for an unknown abi). */
SRING_INLINE uint32_t sring_blkif_slot_size(int abi)
{
	if (abi == SRING_BLKIF_ABI_64)
		return (uint32_t)sizeof(union sring_blkif_sring_entry);
	if (abi == SRING_BLKIF_ABI_X86_32)
		return (uint32_t)sizeof(union sring_blkif_x86_32_sring_entry);
	return 0;
}

/**
 * sring_blkif_abi_from_protocol() - the wire format a "protocol" node names.
 * @protocol: NUL-terminated value of the front end's "protocol" node
 *
 * Context: no default is applied: if the node is absent, the back end
 * decides (Linux blkback assumes x86_32-abi on x86 hosts, for guests that
 * predate the node).
 * Return: SRING_BLKIF_ABI_64, SRING_BLKIF_ABI_X86_32, or SRING_EINVAL.
 */
SRING_INLINE int sringi_blkif_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

SRING_INLINE int sring_blkif_abi_from_protocol(const char *protocol)
{
	if (!protocol)
		return SRING_EINVAL;
	if (sringi_blkif_streq(protocol, SRING_BLKIF_PROTOCOL_X86_32))
		return SRING_BLKIF_ABI_X86_32;
	if (sringi_blkif_streq(protocol, SRING_BLKIF_PROTOCOL_X86_64) ||
	    sringi_blkif_streq(protocol, SRING_BLKIF_PROTOCOL_ARM))
		return SRING_BLKIF_ABI_64;
	return SRING_EINVAL;
}

/* ---------------------------------------------------------------------
 * The private, normalised request: what a back end acts on and what a
 * front end describes
 * ------------------------------------------------------------------- */

/*
 * A checked request (back end) or a request to send (front end). Private
 * memory only.
 *
 * operation is the effective one: READ, WRITE, WRITE_BARRIER,
 * FLUSH_DISKCACHE or DISCARD, never INDIRECT; indirect says the segments
 * travel in indirect pages (then operation is READ or WRITE and
 * indirect_grefs[0..nr_indirect_pages-1] name the pages). rsp_operation is
 * the operation the response must carry: the request's operation, or its
 * indirect_op (as Linux blkback answers and blkfront checks).
 */
struct sring_blkif_req {
	uint64_t id;
	uint64_t sector_number; /* first 512-byte sector */
	uint64_t nr_sectors;    /* 512-byte sectors covered (back end) */
	uint16_t handle;
	uint8_t operation;
	uint8_t rsp_operation;
	uint8_t indirect;       /* 1: segments are in indirect pages */
	uint8_t discard_secure; /* discard: secure erase asked and offered */
	uint16_t nr_segments;
	uint16_t nr_indirect_pages;
	uint32_t indirect_grefs[SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	struct sring_blkif_segment seg[SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

/* Field by field: struct assignment may become a call to memcpy. */
SRING_INLINE void sringi_blkif_seg_copy(struct sring_blkif_segment *d,
					const struct sring_blkif_segment *s)
{
	d->gref = s->gref;
	d->first_sect = s->first_sect;
	d->last_sect = s->last_sect;
	d->pad[0] = 0;
	d->pad[1] = 0;
}

/**
 * sring_blkif_seg_set() - describe a byte range of one granted page.
 * @seg: filled in (pads zeroed)
 * @gref: grant reference of the page
 * @offset: first byte in the page; a multiple of 512
 * @len: bytes; a non-zero multiple of 512 with offset + len <= 4096
 *
 * Return: SRING_OK, or SRING_EINVAL (nothing written) if the range is not
 * whole sectors inside the page.
 */
SRING_INLINE int sring_blkif_seg_set(struct sring_blkif_segment *seg,
				     uint32_t gref, uint32_t offset,
				     uint32_t len)
{
	if (((offset | len) & 511u) != 0 || len == 0 ||
	    offset >= SRING_BLKIF_PAGE_SIZE ||
	    len > SRING_BLKIF_PAGE_SIZE - offset)
		return SRING_EINVAL;
	seg->gref = gref;
	seg->first_sect = (uint8_t)(offset >> SRING_BLKIF_SECTOR_SHIFT);
	seg->last_sect = (uint8_t)((offset + len - 1u) >>
				   SRING_BLKIF_SECTOR_SHIFT);
	seg->pad[0] = 0;
	seg->pad[1] = 0;
	return SRING_OK;
}

/* sring_blkif_seg_offset() - first byte a checked segment uses in its
 * page. */
SRING_INLINE uint32_t sring_blkif_seg_offset(
	const struct sring_blkif_segment *seg)
{
	return (uint32_t)seg->first_sect << SRING_BLKIF_SECTOR_SHIFT;
}

/* sring_blkif_seg_bytes() - bytes a checked segment covers (only
 * meaningful once first_sect <= last_sect <= 7 has been checked). */
SRING_INLINE uint32_t sring_blkif_seg_bytes(
	const struct sring_blkif_segment *seg)
{
	return ((uint32_t)seg->last_sect - (uint32_t)seg->first_sect + 1u)
	       << SRING_BLKIF_SECTOR_SHIFT;
}

/* ---------------------------------------------------------------------
 * Conversions between the formats (private copies only)
 * ------------------------------------------------------------------- */

/**
 * sring_blkif_request_from_x86_32() - convert an x86_32 request to the 64
 * format, field by field, as Linux blkback and QEMU do.
 * @dst: private 64-format request; every byte is written
 * @src: private copy of an x86_32 request (never the slot itself)
 *
 * The layout is chosen by src->hdr.operation, read once. For an unknown
 * operation only operation and id are carried over, so that the error
 * can be answered. All 11 segments and all 8 indirect grefs are
 * converted whatever the counts say; the checks come later.
 */
SRING_INLINE void sring_blkif_request_from_x86_32(
	union sring_blkif_request *dst,
	const union sring_blkif_x86_32_request *src)
{
	uint8_t op = src->hdr.operation;
	unsigned int i;

	sringi_zero_shared(dst, sizeof(*dst));
	switch (op) {
	case SRING_BLKIF_OP_READ:
	case SRING_BLKIF_OP_WRITE:
	case SRING_BLKIF_OP_WRITE_BARRIER:
	case SRING_BLKIF_OP_FLUSH_DISKCACHE:
		dst->rw.operation = op;
		dst->rw.nr_segments = src->rw.nr_segments;
		dst->rw.handle = src->rw.handle;
		dst->rw.id = sring_blkif_u64_get(src->rw.id);
		dst->rw.sector_number = sring_blkif_u64_get(
			src->rw.sector_number);
		for (i = 0; i < SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
			sringi_blkif_seg_copy(&dst->rw.seg[i], &src->rw.seg[i]);
		break;
	case SRING_BLKIF_OP_DISCARD:
		dst->discard.operation = op;
		dst->discard.flag = src->discard.flag;
		dst->discard.handle = src->discard.handle;
		dst->discard.id = sring_blkif_u64_get(src->discard.id);
		dst->discard.sector_number = sring_blkif_u64_get(
			src->discard.sector_number);
		dst->discard.nr_sectors = sring_blkif_u64_get(
			src->discard.nr_sectors);
		break;
	case SRING_BLKIF_OP_INDIRECT:
		dst->indirect.operation = op;
		dst->indirect.indirect_op = src->indirect.indirect_op;
		dst->indirect.nr_segments = src->indirect.nr_segments;
		dst->indirect.id = sring_blkif_u64_get(src->indirect.id);
		dst->indirect.sector_number = sring_blkif_u64_get(
			src->indirect.sector_number);
		dst->indirect.handle = src->indirect.handle;
		for (i = 0; i < SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST; i++)
			dst->indirect.indirect_grefs[i] =
				src->indirect.indirect_grefs[i];
		break;
	default:
		dst->hdr.operation = op;
		dst->hdr.id = sring_blkif_u64_get(src->hdr.id);
		break;
	}
}

/**
 * sring_blkif_request_to_x86_32() - the reverse conversion (front ends of
 * x86_32 guests, tests).
 * @dst: private x86_32 request; every byte is written
 * @src: private 64-format request
 */
SRING_INLINE void sring_blkif_request_to_x86_32(
	union sring_blkif_x86_32_request *dst,
	const union sring_blkif_request *src)
{
	uint8_t op = src->hdr.operation;
	unsigned int i;

	sringi_zero_shared(dst, sizeof(*dst));
	switch (op) {
	case SRING_BLKIF_OP_READ:
	case SRING_BLKIF_OP_WRITE:
	case SRING_BLKIF_OP_WRITE_BARRIER:
	case SRING_BLKIF_OP_FLUSH_DISKCACHE:
		dst->rw.operation = op;
		dst->rw.nr_segments = src->rw.nr_segments;
		dst->rw.handle = src->rw.handle;
		sring_blkif_u64_set(dst->rw.id, src->rw.id);
		sring_blkif_u64_set(dst->rw.sector_number,
				    src->rw.sector_number);
		for (i = 0; i < SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
			sringi_blkif_seg_copy(&dst->rw.seg[i], &src->rw.seg[i]);
		break;
	case SRING_BLKIF_OP_DISCARD:
		dst->discard.operation = op;
		dst->discard.flag = src->discard.flag;
		dst->discard.handle = src->discard.handle;
		sring_blkif_u64_set(dst->discard.id, src->discard.id);
		sring_blkif_u64_set(dst->discard.sector_number,
				    src->discard.sector_number);
		sring_blkif_u64_set(dst->discard.nr_sectors,
				    src->discard.nr_sectors);
		break;
	case SRING_BLKIF_OP_INDIRECT:
		dst->indirect.operation = op;
		dst->indirect.indirect_op = src->indirect.indirect_op;
		dst->indirect.nr_segments = src->indirect.nr_segments;
		sring_blkif_u64_set(dst->indirect.id, src->indirect.id);
		sring_blkif_u64_set(dst->indirect.sector_number,
				    src->indirect.sector_number);
		dst->indirect.handle = src->indirect.handle;
		for (i = 0; i < SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST; i++)
			dst->indirect.indirect_grefs[i] =
				src->indirect.indirect_grefs[i];
		break;
	default:
		dst->hdr.operation = op;
		sring_blkif_u64_set(dst->hdr.id, src->hdr.id);
		break;
	}
}

/* sring_blkif_response_from_x86_32() - private x86_32 response to 64. */
SRING_INLINE void sring_blkif_response_from_x86_32(
	struct sring_blkif_response *dst,
	const struct sring_blkif_x86_32_response *src)
{
	dst->id = sring_blkif_u64_get(src->id);
	dst->operation = src->operation;
	dst->pad1 = 0;
	dst->status = src->status;
	dst->pad2 = 0;
}

/* ---------------------------------------------------------------------
 * Writing into slots (either end). Each builds the wire form in a zeroed
 * private copy, field by field, and copies it into the slot once: no stack
 * byte, no stale padding, reaches the peer.
 * ------------------------------------------------------------------- */

/**
 * sring_blkif_build_request() - the 64 wire form of a description.
 * @dst: private request; every byte is written
 * @d: the description (see sring_blkif_req_check_local())
 *
 * Counts are clamped to the wire arrays, so a bad description cannot make
 * this write out of bounds; it is local misuse all the same (SRING_ASSERT).
 */
SRING_INLINE void sring_blkif_build_request(union sring_blkif_request *dst,
					    const struct sring_blkif_req *d)
{
	unsigned int i, n = d->nr_segments;

	sringi_zero_shared(dst, sizeof(*dst));
	if (d->indirect) {
		dst->indirect.operation = SRING_BLKIF_OP_INDIRECT;
		dst->indirect.indirect_op = d->operation;
		dst->indirect.nr_segments = d->nr_segments;
		dst->indirect.id = d->id;
		dst->indirect.sector_number = d->sector_number;
		dst->indirect.handle = d->handle;
		n = d->nr_indirect_pages;
		SRING_ASSERT(n <= SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
		if (n > SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)
			n = SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST;
		for (i = 0; i < n; i++)
			dst->indirect.indirect_grefs[i] = d->indirect_grefs[i];
		return;
	}
	if (d->operation == SRING_BLKIF_OP_DISCARD) {
		dst->discard.operation = SRING_BLKIF_OP_DISCARD;
		dst->discard.flag = (uint8_t)(d->discard_secure ?
			SRING_BLKIF_DISCARD_SECURE : 0);
		dst->discard.handle = d->handle;
		dst->discard.id = d->id;
		dst->discard.sector_number = d->sector_number;
		dst->discard.nr_sectors = d->nr_sectors;
		return;
	}
	SRING_ASSERT(n <= SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST);
	if (n > SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST)
		n = SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST;
	dst->rw.operation = d->operation;
	dst->rw.nr_segments = (uint8_t)n;
	dst->rw.handle = d->handle;
	dst->rw.id = d->id;
	dst->rw.sector_number = d->sector_number;
	for (i = 0; i < n; i++)
		sringi_blkif_seg_copy(&dst->rw.seg[i], &d->seg[i]);
}

/**
 * sring_blkif_write_request() - write a request into a 64-format slot.
 * @slot: from sring_blkif_front_get_request()
 * @d: the description, already checked with sring_blkif_req_check_local()
 *
 * All 112 bytes of the slot are written (unused segments as zero).
 */
SRING_INLINE void sring_blkif_write_request(union sring_blkif_request *slot,
					    const struct sring_blkif_req *d)
{
	union sring_blkif_request w;

	sring_blkif_build_request(&w, d);
	sringi_copy_to_shared(slot, &w, sizeof(w));
}

/* sring_blkif_x86_32_write_request() - the same for an x86_32 slot (108
 * bytes written). */
SRING_INLINE void sring_blkif_x86_32_write_request(
	union sring_blkif_x86_32_request *slot,
	const struct sring_blkif_req *d)
{
	union sring_blkif_request w;
	union sring_blkif_x86_32_request w32;

	sring_blkif_build_request(&w, d);
	sring_blkif_request_to_x86_32(&w32, &w);
	sringi_copy_to_shared(slot, &w32, sizeof(w32));
}

/**
 * sring_blkif_write_response() - write a response into a 64-format slot.
 * @slot: from sring_blkif_back_get_response()
 * @id: the request's id, as received
 * @operation: the request's rsp_operation (struct sring_blkif_req)
 * @status: SRING_BLKIF_RSP_*
 *
 * Writes all 16 bytes, the pad bytes as zero (XSA-216).
 */
SRING_INLINE void sring_blkif_write_response(struct sring_blkif_response *slot,
					     uint64_t id, uint8_t operation,
					     int16_t status)
{
	struct sring_blkif_response r;

	r.id = id;
	r.operation = operation;
	r.pad1 = 0;
	r.status = status;
	r.pad2 = 0;
	sringi_copy_to_shared(slot, &r, sizeof(r));
}

/* sring_blkif_x86_32_write_response() - the same for an x86_32 slot (12
 * bytes written; the rest of the slot keeps the request's bytes). */
SRING_INLINE void sring_blkif_x86_32_write_response(
	struct sring_blkif_x86_32_response *slot, uint64_t id,
	uint8_t operation, int16_t status)
{
	struct sring_blkif_x86_32_response r;

	sring_blkif_u64_set(r.id, id);
	r.operation = operation;
	r.pad1 = 0;
	r.status = status;
	sringi_copy_to_shared(slot, &r, sizeof(r));
}

/**
 * sring_blkif_write_indirect_page() - fill one indirect page (front end).
 * @page: the 4096-byte page to grant, private to us until granted
 * @seg: the segments for this page
 * @n: how many (at most 512; more is clamped, and SRING_ASSERT)
 *
 * Writes all 4096 bytes: the unused tail as zero (XSA-403).
 */
SRING_INLINE void sring_blkif_write_indirect_page(
	void *page, const struct sring_blkif_segment *seg, unsigned int n)
{
	struct sring_blkif_segment *p = (struct sring_blkif_segment *)page;
	unsigned int i;

	SRING_ASSERT(n <= SRING_BLKIF_SEGS_PER_INDIRECT_FRAME);
	if (n > SRING_BLKIF_SEGS_PER_INDIRECT_FRAME)
		n = SRING_BLKIF_SEGS_PER_INDIRECT_FRAME;
	sringi_zero_shared(page, SRING_BLKIF_PAGE_SIZE);
	for (i = 0; i < n; i++) {
		struct sring_blkif_segment s;

		sringi_blkif_seg_copy(&s, &seg[i]);
		sringi_copy_to_shared(&p[i], &s, sizeof(s));
	}
}

/* ---------------------------------------------------------------------
 * Back end: validation
 * ------------------------------------------------------------------- */

/* Features a back end offers (its feature-* nodes). */
#define SRING_BLKIF_F_BARRIER 0x1u        /* feature-barrier */
#define SRING_BLKIF_F_FLUSH 0x2u          /* feature-flush-cache */
#define SRING_BLKIF_F_DISCARD 0x4u        /* feature-discard */
#define SRING_BLKIF_F_DISCARD_SECURE 0x8u /* discard-secure */

/* What a back end offers; private, set up locally, never read from the
 * shared page. */
struct sring_blkif_geometry {
	uint64_t sectors;     /* disk size in 512-byte sectors */
	uint32_t sector_size; /* logical block size, a power of two >= 512
			       * (0 means 512): I/O must be aligned to it */
	uint32_t features;    /* SRING_BLKIF_F_* */
	uint32_t max_indirect_segments; /* feature-max-indirect-segments;
					 * 0: no indirect; at most 4096 */
	uint8_t read_only;    /* 1: only READ is allowed */
};

/* Why a request was refused. 0 is "valid"; every error is positive. */
enum sring_blkif_err {
	SRING_BLKIF_VALID = 0,
	SRING_BLKIF_EOP = 1,        /* unknown operation (incl. RESERVED_1) */
	SRING_BLKIF_ENOTSUPP = 2,   /* known operation, not offered */
	SRING_BLKIF_EROFS = 3,      /* not a READ, on a read-only device */
	SRING_BLKIF_ENOSEG = 4,     /* READ/WRITE/indirect with no segment */
	SRING_BLKIF_ETOOMANYSEG = 5, /* > 11 direct, > max indirect segments */
	SRING_BLKIF_ESECT = 6,      /* first_sect > last_sect, or > 7 */
	SRING_BLKIF_ERANGE = 7,     /* sectors beyond the disk or past 2^64 */
	SRING_BLKIF_EALIGN = 8,     /* not aligned to the logical block size */
	SRING_BLKIF_EINDIRECT = 9,  /* indirect: more than 8 pages needed */
	SRING_BLKIF_EINDOP = 10     /* indirect_op neither READ nor WRITE */
};

/**
 * sring_blkif_error_status() - the response status for a refusal.
 * @err: enum sring_blkif_err
 *
 * Return: SRING_BLKIF_RSP_EOPNOTSUPP for an operation that is unknown or
 * not offered, SRING_BLKIF_RSP_ERROR otherwise, SRING_BLKIF_RSP_OKAY for 0.
 */
SRING_INLINE int16_t sring_blkif_error_status(int err)
{
	if (err == SRING_BLKIF_VALID)
		return SRING_BLKIF_RSP_OKAY;
	if (err == SRING_BLKIF_EOP || err == SRING_BLKIF_ENOTSUPP)
		return SRING_BLKIF_RSP_EOPNOTSUPP;
	return SRING_BLKIF_RSP_ERROR;
}

/* sring_blkif_strerror() - a short description of an enum sring_blkif_err
 * (or of a negative enum sring_status) for logs. */
SRING_INLINE const char *sring_blkif_strerror(int err)
{
	switch (err) {
	case SRING_BLKIF_VALID: return "valid";
	case SRING_BLKIF_EOP: return "unknown operation";
	case SRING_BLKIF_ENOTSUPP: return "operation not offered";
	case SRING_BLKIF_EROFS: return "write to a read-only device";
	case SRING_BLKIF_ENOSEG: return "no segments";
	case SRING_BLKIF_ETOOMANYSEG: return "too many segments";
	case SRING_BLKIF_ESECT: return "bad first_sect/last_sect";
	case SRING_BLKIF_ERANGE: return "sector range outside the disk";
	case SRING_BLKIF_EALIGN: return "not aligned to the sector size";
	case SRING_BLKIF_EINDIRECT: return "bad indirect page count";
	case SRING_BLKIF_EINDOP: return "bad indirect operation";
	case SRING_EPROTO: return "protocol violation";
	case SRING_EINVAL: return "invalid argument";
	default: return "unknown error";
	}
}

/* 512-byte sectors per logical block, minus one (a mask). */
SRING_INLINE uint64_t sringi_blkif_align_mask(
	const struct sring_blkif_geometry *g)
{
	uint32_t spb = g->sector_size >> SRING_BLKIF_SECTOR_SHIFT;

	SRING_ASSERT(g->sector_size == 0 ||
		     (spb != 0 &&
		      (g->sector_size & (g->sector_size - 1u)) == 0));
	if (spb == 0 || (spb & (spb - 1u)) != 0)
		spb = 1;
	return (uint64_t)spb - 1u;
}

/* Checks one segment copy; adds its sectors to *total. No overflow: a
 * segment is at most 8 sectors and at most 4096 of them are summed. */
SRING_INLINE int sringi_blkif_seg_check(const struct sring_blkif_segment *s,
					uint64_t mask, uint64_t *total)
{
	uint32_t nsec;

	if (s->first_sect > s->last_sect ||
	    s->last_sect >= SRING_BLKIF_SECTORS_PER_PAGE)
		return SRING_BLKIF_ESECT;
	nsec = (uint32_t)s->last_sect - (uint32_t)s->first_sect + 1u;
	if (((uint64_t)s->first_sect & mask) != 0 || (nsec & mask) != 0)
		return SRING_BLKIF_EALIGN;
	*total += nsec;
	return SRING_BLKIF_VALID;
}

/* [sector, sector + n) within the disk, and aligned. Written so that no
 * sum can wrap: sector + n is never computed. */
SRING_INLINE int sringi_blkif_range_check(const struct sring_blkif_geometry *g,
					  uint64_t sector, uint64_t n)
{
	uint64_t mask = sringi_blkif_align_mask(g);

	if (sector > g->sectors || n > g->sectors - sector)
		return SRING_BLKIF_ERANGE;
	if ((sector & mask) != 0 || (n & mask) != 0)
		return SRING_BLKIF_EALIGN;
	return SRING_BLKIF_VALID;
}

SRING_INLINE uint32_t sringi_blkif_max_indirect(
	const struct sring_blkif_geometry *g)
{
	SRING_ASSERT(g->max_indirect_segments <=
		     SRING_BLKIF_MAX_INDIRECT_SEGMENTS);
	return g->max_indirect_segments > SRING_BLKIF_MAX_INDIRECT_SEGMENTS
		       ? SRING_BLKIF_MAX_INDIRECT_SEGMENTS
		       : g->max_indirect_segments;
}

/**
 * sring_blkif_check_request() - validate a request copy (back end).
 * @rq: private 64-format copy of the request (convert x86_32 first)
 * @g: the device
 * @out: the normalised request; id and rsp_operation are set even when
 *       the request is refused, so that the refusal can be answered
 *
 * Checks, in this order: the operation is known (else EOP) and offered
 * (ENOTSUPP); an indirect request wraps READ or WRITE (EINDOP); the
 * device is writable unless it is a READ (EROFS); then the segments
 * (ENOSEG, ETOOMANYSEG, then per segment ESECT, EALIGN) or the indirect
 * header (ENOSEG, EINDIRECT, ETOOMANYSEG); last the sector range (ERANGE,
 * EALIGN). docs/blkif.md has the table.
 * FLUSH_DISKCACHE and WRITE_BARRIER may carry 0 segments, and then no
 * range. A discard's secure flag is kept only if discard-secure is offered
 * (Xen: "ignored if discard-secure=0"); other flag bits are ignored.
 *
 * For an indirect request the segments are still in the front end's
 * pages: out is not usable until sring_blkif_check_indirect() accepts it.
 *
 * Context: pure; reads only the private copy.
 * Return: SRING_BLKIF_VALID (0) or an enum sring_blkif_err.
 */
SRING_INLINE int sring_blkif_check_request(const union sring_blkif_request *rq,
					   const struct sring_blkif_geometry *g,
					   struct sring_blkif_req *out)
{
	uint8_t op = rq->hdr.operation;
	uint64_t total = 0, mask = sringi_blkif_align_mask(g);
	unsigned int i, n;
	int err;

	sringi_zero_shared(out, sizeof(*out));
	out->id = rq->hdr.id;
	out->operation = op;
	out->rsp_operation = op;
	switch (op) {
	case SRING_BLKIF_OP_READ:
	case SRING_BLKIF_OP_WRITE:
	case SRING_BLKIF_OP_WRITE_BARRIER:
	case SRING_BLKIF_OP_FLUSH_DISKCACHE:
		if ((op == SRING_BLKIF_OP_WRITE_BARRIER &&
		     !(g->features & SRING_BLKIF_F_BARRIER)) ||
		    (op == SRING_BLKIF_OP_FLUSH_DISKCACHE &&
		     !(g->features & SRING_BLKIF_F_FLUSH)))
			return SRING_BLKIF_ENOTSUPP;
		if (op != SRING_BLKIF_OP_READ && g->read_only)
			return SRING_BLKIF_EROFS;
		out->handle = rq->rw.handle;
		out->sector_number = rq->rw.sector_number;
		n = rq->rw.nr_segments;
		if (n == 0 && (op == SRING_BLKIF_OP_READ ||
			       op == SRING_BLKIF_OP_WRITE))
			return SRING_BLKIF_ENOSEG;
		if (n > SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST)
			return SRING_BLKIF_ETOOMANYSEG;
		for (i = 0; i < n; i++) {
			sringi_blkif_seg_copy(&out->seg[i], &rq->rw.seg[i]);
			err = sringi_blkif_seg_check(&out->seg[i], mask,
						     &total);
			if (err)
				return err;
		}
		out->nr_segments = (uint16_t)n;
		out->nr_sectors = total;
		if (n == 0)
			return SRING_BLKIF_VALID;
		return sringi_blkif_range_check(g, out->sector_number, total);
	case SRING_BLKIF_OP_DISCARD:
		if (!(g->features & SRING_BLKIF_F_DISCARD))
			return SRING_BLKIF_ENOTSUPP;
		if (g->read_only)
			return SRING_BLKIF_EROFS;
		out->handle = rq->discard.handle;
		out->sector_number = rq->discard.sector_number;
		out->nr_sectors = rq->discard.nr_sectors;
		out->discard_secure = (uint8_t)(
			(rq->discard.flag & SRING_BLKIF_DISCARD_SECURE) &&
			(g->features & SRING_BLKIF_F_DISCARD_SECURE));
		return sringi_blkif_range_check(g, out->sector_number,
						out->nr_sectors);
	case SRING_BLKIF_OP_INDIRECT:
		out->operation = rq->indirect.indirect_op;
		out->rsp_operation = rq->indirect.indirect_op;
		out->indirect = 1;
		if (sringi_blkif_max_indirect(g) == 0)
			return SRING_BLKIF_ENOTSUPP;
		if (out->operation != SRING_BLKIF_OP_READ &&
		    out->operation != SRING_BLKIF_OP_WRITE)
			return SRING_BLKIF_EINDOP;
		if (out->operation == SRING_BLKIF_OP_WRITE && g->read_only)
			return SRING_BLKIF_EROFS;
		out->handle = rq->indirect.handle;
		out->sector_number = rq->indirect.sector_number;
		n = rq->indirect.nr_segments;
		if (n == 0)
			return SRING_BLKIF_ENOSEG;
		if (SRING_BLKIF_INDIRECT_PAGES(n) >
		    SRING_BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST)
			return SRING_BLKIF_EINDIRECT;
		if (n > sringi_blkif_max_indirect(g))
			return SRING_BLKIF_ETOOMANYSEG;
		out->nr_segments = (uint16_t)n;
		out->nr_indirect_pages =
			(uint16_t)SRING_BLKIF_INDIRECT_PAGES(n);
		for (i = 0; i < out->nr_indirect_pages; i++)
			out->indirect_grefs[i] = rq->indirect.indirect_grefs[i];
		return SRING_BLKIF_VALID;
	default:
		return SRING_BLKIF_EOP;
	}
}

/**
 * sring_blkif_check_indirect() - read and check the segments of an
 * indirect request, each exactly once.
 * @r: a request sring_blkif_check_request() accepted with r->indirect set;
 *     on success r->nr_sectors is set
 * @g: the device (the same geometry)
 * @pages: the mapped indirect pages, r->nr_indirect_pages of them, in the
 *         order of r->indirect_grefs; shared memory, written by the front
 *         (declare the array as const void *pages[8]: a void *[] does not
 *         convert implicitly in C)
 * @nr_pages: must equal r->nr_indirect_pages
 * @seg: private array receiving r->nr_segments checked segments
 * @max_seg: capacity of @seg
 *
 * Each segment is copied out of its page once, then only the copy is
 * checked and used (Linux "xen-blkback: read from indirect descriptors
 * only once"). The range is checked once the sectors are summed.
 *
 * Return: SRING_BLKIF_VALID, SRING_BLKIF_ESECT / ERANGE / EALIGN, or
 * SRING_EINVAL (negative) for local misuse: r not an accepted indirect
 * request, a page count that differs, or too small an array.
 */
SRING_INLINE int sring_blkif_check_indirect(
	struct sring_blkif_req *r, const struct sring_blkif_geometry *g,
	const void *const *pages, unsigned int nr_pages,
	struct sring_blkif_segment *seg, size_t max_seg)
{
	uint64_t total = 0, mask = sringi_blkif_align_mask(g);
	uint32_t i, n = r->nr_segments;
	int err;

	if (!r->indirect || n == 0 || nr_pages != r->nr_indirect_pages ||
	    nr_pages != SRING_BLKIF_INDIRECT_PAGES(n) || max_seg < n ||
	    !pages || !seg)
		return SRING_EINVAL;
	for (i = 0; i < n; i++) {
		const unsigned char *p =
			(const unsigned char *)pages[i >> 9];

		if (!p)
			return SRING_EINVAL;
		sringi_copy_from_shared(&seg[i], p + (size_t)(i & 511u) * 8u,
					sizeof(seg[i]));
		seg[i].pad[0] = 0;
		seg[i].pad[1] = 0;
		err = sringi_blkif_seg_check(&seg[i], mask, &total);
		if (err)
			return err;
	}
	err = sringi_blkif_range_check(g, r->sector_number, total);
	if (err)
		return err;
	r->nr_sectors = total;
	return SRING_BLKIF_VALID;
}

/* ---------------------------------------------------------------------
 * Front end: the description check and the id tracker ("shadow")
 * ------------------------------------------------------------------- */

/**
 * sring_blkif_req_check_local() - is a description one we may send?
 * @d: the description (id is not looked at)
 *
 * Front ends send only what the protocol allows: a known operation;
 * 1..11 segments for READ/WRITE, 0..11 for barrier and flush, each with
 * first_sect <= last_sect <= 7; for indirect, READ or WRITE with
 * 1..4096 segments and nr_indirect_pages == ceil(n / 512). Feature
 * negotiation is the caller's business.
 *
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_blkif_req_check_local(const struct sring_blkif_req *d)
{
	unsigned int i;

	if (d->indirect) {
		if ((d->operation != SRING_BLKIF_OP_READ &&
		     d->operation != SRING_BLKIF_OP_WRITE) ||
		    d->nr_segments == 0 ||
		    d->nr_segments > SRING_BLKIF_MAX_INDIRECT_SEGMENTS ||
		    d->nr_indirect_pages !=
			    SRING_BLKIF_INDIRECT_PAGES(d->nr_segments))
			return SRING_EINVAL;
		return SRING_OK;
	}
	switch (d->operation) {
	case SRING_BLKIF_OP_DISCARD:
		return SRING_OK;
	case SRING_BLKIF_OP_READ:
	case SRING_BLKIF_OP_WRITE:
		if (d->nr_segments == 0)
			return SRING_EINVAL;
		/* fall through */
	case SRING_BLKIF_OP_WRITE_BARRIER:
	case SRING_BLKIF_OP_FLUSH_DISKCACHE:
		if (d->nr_segments > SRING_BLKIF_MAX_SEGMENTS_PER_REQUEST)
			return SRING_EINVAL;
		for (i = 0; i < d->nr_segments; i++)
			if (d->seg[i].first_sect > d->seg[i].last_sect ||
			    d->seg[i].last_sect >= SRING_BLKIF_SECTORS_PER_PAGE)
				return SRING_EINVAL;
		return SRING_OK;
	default:
		return SRING_EINVAL;
	}
}

/* States of a shadow entry. */
#define SRING_BLKIF_SHADOW_FREE 0
#define SRING_BLKIF_SHADOW_RESERVED 1  /* id handed out, not yet submitted */
#define SRING_BLKIF_SHADOW_IN_FLIGHT 2 /* on the ring; one response owed */

#define SRINGI_BLKIF_NIL 0xffffffffu

/* What the front end sent, per id. Private memory. */
struct sring_blkif_shadow_entry {
	uint64_t cookie;        /* the caller's (e.g. a pointer as integer) */
	uint64_t sector_number; /* as sent */
	uint32_t gen;           /* incarnation: the high half of the id */
	uint32_t next;          /* free list */
	uint16_t nr_segments;   /* as sent */
	uint8_t state;          /* SRING_BLKIF_SHADOW_* */
	uint8_t operation;      /* effective operation sent */
	uint8_t rsp_operation;  /* the operation the response must carry */
	uint8_t indirect;
};

/* The id tracker. Private memory; entries are the caller's array. Not
 * locked: submit and complete from one thread, or under one lock. */
struct sring_blkif_shadow {
	struct sring_blkif_shadow_entry *ent;
	uint32_t nr;        /* entries; ids are < nr in the low half */
	uint32_t free_head; /* SRINGI_BLKIF_NIL when none */
	uint32_t in_flight; /* reserved + in flight */
	int broken;         /* 0, or SRING_EPROTO once latched */
};

/**
 * sring_blkif_shadow_init() - set up an id tracker.
 * @s: the tracker
 * @ent: nr entries of private memory
 * @nr: how many requests may be outstanding (normally the ring size);
 *      1..2^31
 *
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_blkif_shadow_init(struct sring_blkif_shadow *s,
					 struct sring_blkif_shadow_entry *ent,
					 uint32_t nr)
{
	uint32_t i;

	if (!s || !ent || nr == 0 || nr > 0x80000000u)
		return SRING_EINVAL;
	for (i = 0; i < nr; i++) {
		ent[i].cookie = 0;
		ent[i].sector_number = 0;
		ent[i].gen = 0;
		ent[i].next = i + 1u < nr ? i + 1u : SRINGI_BLKIF_NIL;
		ent[i].nr_segments = 0;
		ent[i].state = SRING_BLKIF_SHADOW_FREE;
		ent[i].operation = 0;
		ent[i].rsp_operation = 0;
		ent[i].indirect = 0;
	}
	s->ent = ent;
	s->nr = nr;
	s->free_head = 0;
	s->in_flight = 0;
	s->broken = 0;
	return SRING_OK;
}

/* sring_blkif_shadow_broken() - SRING_EPROTO once a response was bad. */
SRING_INLINE int sring_blkif_shadow_broken(const struct sring_blkif_shadow *s)
{
	return s->broken;
}

/* sring_blkif_shadow_in_flight() - ids handed out and not completed. */
SRING_INLINE uint32_t sring_blkif_shadow_in_flight(
	const struct sring_blkif_shadow *s)
{
	return s->in_flight;
}

/**
 * sring_blkif_shadow_get() - hand out an id for a request.
 * @s: the tracker
 * @d: the request about to be sent (operation, counts are recorded)
 * @cookie: the caller's value, returned on completion
 * @id: receives the id to put in the request
 *
 * The entry is RESERVED: a response naming it is still a violation until
 * sring_blkif_shadow_submit() (Linux blkfront's REQ_PROCESSING, 2021).
 *
 * Return: SRING_OK, SRING_FULL (every id in use) or SRING_EPROTO.
 */
SRING_INLINE int sring_blkif_shadow_get(struct sring_blkif_shadow *s,
					const struct sring_blkif_req *d,
					uint64_t cookie, uint64_t *id)
{
	struct sring_blkif_shadow_entry *e;
	uint32_t i = s->free_head;

	if (SRING_UNLIKELY(s->broken))
		return s->broken;
	if (i == SRINGI_BLKIF_NIL)
		return SRING_FULL;
	e = &s->ent[i];
	s->free_head = e->next;
	e->next = SRINGI_BLKIF_NIL;
	e->gen++;
	e->state = SRING_BLKIF_SHADOW_RESERVED;
	e->cookie = cookie;
	e->sector_number = d->sector_number;
	e->nr_segments = d->nr_segments;
	e->operation = d->operation;
	e->rsp_operation = d->operation;
	e->indirect = (uint8_t)(d->indirect != 0);
	s->in_flight++;
	*id = (uint64_t)e->gen << 32 | i;
	return SRING_OK;
}

/* Index of a live entry in state, or NIL. */
SRING_INLINE uint32_t sringi_blkif_shadow_find(
	const struct sring_blkif_shadow *s, uint64_t id, uint8_t state)
{
	uint32_t i = (uint32_t)(id & 0xffffffffu);

	if (i >= s->nr || s->ent[i].state != state ||
	    s->ent[i].gen != (uint32_t)(id >> 32))
		return SRINGI_BLKIF_NIL;
	return i;
}

SRING_INLINE void sringi_blkif_shadow_put(struct sring_blkif_shadow *s,
					  uint32_t i)
{
	s->ent[i].state = SRING_BLKIF_SHADOW_FREE;
	s->ent[i].next = s->free_head;
	s->free_head = i;
	s->in_flight--;
}

/**
 * sring_blkif_shadow_submit() - the request with this id is on the ring.
 * @s: the tracker
 * @id: from sring_blkif_shadow_get()
 *
 * Call after writing the slot, before pushing.
 * Return: SRING_OK, or SRING_EINVAL if id is not reserved (local misuse).
 */
SRING_INLINE int sring_blkif_shadow_submit(struct sring_blkif_shadow *s,
					   uint64_t id)
{
	uint32_t i = sringi_blkif_shadow_find(s, id,
					      SRING_BLKIF_SHADOW_RESERVED);

	SRING_ASSERT(i != SRINGI_BLKIF_NIL);
	if (i == SRINGI_BLKIF_NIL)
		return SRING_EINVAL;
	s->ent[i].state = SRING_BLKIF_SHADOW_IN_FLIGHT;
	return SRING_OK;
}

/**
 * sring_blkif_shadow_cancel() - give back a reserved id never submitted.
 * @s: the tracker
 * @id: from sring_blkif_shadow_get()
 *
 * Return: SRING_OK, or SRING_EINVAL if id is not reserved.
 */
SRING_INLINE int sring_blkif_shadow_cancel(struct sring_blkif_shadow *s,
					   uint64_t id)
{
	uint32_t i = sringi_blkif_shadow_find(s, id,
					      SRING_BLKIF_SHADOW_RESERVED);

	SRING_ASSERT(i != SRINGI_BLKIF_NIL);
	if (i == SRINGI_BLKIF_NIL)
		return SRING_EINVAL;
	sringi_blkif_shadow_put(s, i);
	return SRING_OK;
}

/**
 * sring_blkif_shadow_complete() - check a response and retire its id.
 * @s: the tracker
 * @rsp: private copy of the response (convert x86_32 first)
 * @cookie: receives the cookie given to sring_blkif_shadow_get()
 *
 * The id must name an entry in flight, of the current incarnation, and
 * the operation must be the one it was sent with. Each request completes
 * once: a second response for it finds the entry free.
 *
 * Return: SRING_OK, or SRING_EPROTO (unknown, duplicate, stale, not yet
 * submitted, or mismatched operation), after which the tracker is broken
 * and refuses everything: the device must be torn down.
 */
SRING_INLINE int sring_blkif_shadow_complete(
	struct sring_blkif_shadow *s, const struct sring_blkif_response *rsp,
	uint64_t *cookie)
{
	uint32_t i;

	if (SRING_UNLIKELY(s->broken))
		return s->broken;
	i = sringi_blkif_shadow_find(s, rsp->id, SRING_BLKIF_SHADOW_IN_FLIGHT);
	if (SRING_UNLIKELY(i == SRINGI_BLKIF_NIL ||
			   s->ent[i].rsp_operation != rsp->operation)) {
		s->broken = SRING_EPROTO;
		return SRING_EPROTO;
	}
	*cookie = s->ent[i].cookie;
	sringi_blkif_shadow_put(s, i);
	return SRING_OK;
}

/**
 * sring_blkif_shadow_lookup() - what was sent with this id.
 * @s: the tracker
 * @id: an id handed out and not yet completed
 *
 * Return: the entry, or NULL if id names no reserved or in-flight request.
 */
SRING_INLINE const struct sring_blkif_shadow_entry *sring_blkif_shadow_lookup(
	const struct sring_blkif_shadow *s, uint64_t id)
{
	uint32_t i = sringi_blkif_shadow_find(s, id,
					      SRING_BLKIF_SHADOW_IN_FLIGHT);

	if (i == SRINGI_BLKIF_NIL)
		i = sringi_blkif_shadow_find(s, id,
					     SRING_BLKIF_SHADOW_RESERVED);
	return i == SRINGI_BLKIF_NIL ? NULL : &s->ent[i];
}

/**
 * sring_blkif_status_normalise() - a status a front end can act on.
 * @status: as received
 *
 * Return: OKAY and EOPNOTSUPP as they are; anything else is ERROR.
 */
SRING_INLINE int16_t sring_blkif_status_normalise(int16_t status)
{
	if (status == SRING_BLKIF_RSP_OKAY ||
	    status == SRING_BLKIF_RSP_EOPNOTSUPP)
		return status;
	return SRING_BLKIF_RSP_ERROR;
}

/* ---------------------------------------------------------------------
 * Either-format ends: one private struct over the untyped core, the wire
 * format chosen at run time (a back end learns it from "protocol")
 * ------------------------------------------------------------------- */

/**
 * sring_blkif_ring_init() - initialise a shared ring for a format.
 * @abi: enum sring_blkif_abi
 * @shared: the area (8-byte aligned)
 * @bytes: its size
 *
 * Context: front end, before the back end attaches. Zeroes the area.
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_blkif_ring_init(int abi, void *shared, size_t bytes)
{
	uint32_t slot = sring_blkif_slot_size(abi);

	if (slot == 0)
		return SRING_EINVAL;
	return sring_shared_init(shared, bytes, slot);
}

/* A block front end over a ring of either format. Private memory. */
struct sring_blkif_frontend {
	struct sring_front core;
	int abi;
};

/* A block back end over a ring of either format. Private memory. */
struct sring_blkif_backend {
	struct sring_back core;
	int abi;
};

SRING_INLINE int sringi_blkif_layout(struct sring_layout *l, int abi,
				     void *shared, size_t bytes)
{
	if (abi == SRING_BLKIF_ABI_64)
		return sring_xen_layout(l, shared, bytes,
					sizeof(union sring_blkif_sring_entry),
					sizeof(union sring_blkif_request),
					sizeof(struct sring_blkif_response));
	if (abi == SRING_BLKIF_ABI_X86_32)
		return sring_xen_layout(
			l, shared, bytes,
			sizeof(union sring_blkif_x86_32_sring_entry),
			sizeof(union sring_blkif_x86_32_request),
			sizeof(struct sring_blkif_x86_32_response));
	return SRING_EINVAL;
}

/**
 * sring_blkif_frontend_attach() - set up a front end at an index.
 * @fe: private state
 * @abi: the ring's format (the front end's own: SRING_BLKIF_ABI_NATIVE)
 * @shared: the ring, initialised by sring_blkif_ring_init()
 * @bytes: its size
 * @idx: the index both producers stand at (0 for a new ring)
 *
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_blkif_frontend_attach(struct sring_blkif_frontend *fe,
					     int abi, void *shared,
					     size_t bytes, sring_idx_t idx)
{
	struct sring_layout l;
	int rc = sringi_blkif_layout(&l, abi, shared, bytes);

	if (rc != SRING_OK)
		return rc;
	fe->abi = abi;
	return sring_front_attach(&fe->core, &l, idx);
}

/* sring_blkif_frontend_init() - sring_blkif_frontend_attach() at 0. */
SRING_INLINE int sring_blkif_frontend_init(struct sring_blkif_frontend *fe,
					   int abi, void *shared,
					   size_t bytes)
{
	return sring_blkif_frontend_attach(fe, abi, shared, bytes, 0);
}

/* sring_blkif_frontend_size() - slots in the ring (requests in flight). */
SRING_INLINE uint32_t sring_blkif_frontend_size(
	const struct sring_blkif_frontend *fe)
{
	return fe->core.l.nr_ents;
}

/**
 * sring_blkif_frontend_queue() - write one request into the next slot.
 * @fe: front end
 * @d: the description, id included
 *
 * Not published until sring_blkif_frontend_push_requests(). Without an id
 * tracker; sring_blkif_frontend_submit() is the tracked form.
 *
 * Return: SRING_OK, SRING_FULL, SRING_EINVAL (d fails
 * sring_blkif_req_check_local(); nothing is written) or SRING_EPROTO.
 */
SRING_INLINE int sring_blkif_frontend_queue(struct sring_blkif_frontend *fe,
					    const struct sring_blkif_req *d)
{
	void *slot;

	if (sring_blkif_req_check_local(d) != SRING_OK)
		return SRING_EINVAL;
	slot = sring_front_get_request(&fe->core);
	if (!slot)
		return fe->core.broken ? fe->core.broken : SRING_FULL;
	if (fe->abi == SRING_BLKIF_ABI_X86_32)
		sring_blkif_x86_32_write_request(
			(union sring_blkif_x86_32_request *)slot, d);
	else
		sring_blkif_write_request((union sring_blkif_request *)slot,
					  d);
	return SRING_OK;
}

/**
 * sring_blkif_frontend_submit() - track and queue one request.
 * @fe: front end
 * @s: the id tracker
 * @d: the description; d->id is set to the id handed out
 * @cookie: returned by sring_blkif_frontend_complete() for this request
 *
 * Return: SRING_OK, SRING_FULL (no slot or no id; nothing changed),
 * SRING_EINVAL (bad description) or SRING_EPROTO.
 */
SRING_INLINE int sring_blkif_frontend_submit(struct sring_blkif_frontend *fe,
					     struct sring_blkif_shadow *s,
					     struct sring_blkif_req *d,
					     uint64_t cookie)
{
	uint64_t id;
	int rc;

	if (SRING_UNLIKELY(fe->core.broken))
		return fe->core.broken;
	if (sring_blkif_req_check_local(d) != SRING_OK)
		return SRING_EINVAL;
	if (sring_front_full(&fe->core))
		return SRING_FULL;
	rc = sring_blkif_shadow_get(s, d, cookie, &id);
	if (rc != SRING_OK)
		return rc;
	d->id = id;
	rc = sring_blkif_frontend_queue(fe, d);
	if (rc != SRING_OK) {
		(void)sring_blkif_shadow_cancel(s, id);
		return rc;
	}
	return sring_blkif_shadow_submit(s, id);
}

/* sring_blkif_frontend_push_requests() - publish; 1 = notify the back. */
SRING_INLINE int sring_blkif_frontend_push_requests(
	struct sring_blkif_frontend *fe)
{
	return sring_front_push_requests(&fe->core);
}

/**
 * sring_blkif_frontend_copy_response() - take the next response by copy,
 * converted to the 64 form.
 * @fe: front end
 * @rsp: private response
 *
 * Return: SRING_OK, SRING_EMPTY or SRING_EPROTO.
 */
SRING_INLINE int sring_blkif_frontend_copy_response(
	struct sring_blkif_frontend *fe, struct sring_blkif_response *rsp)
{
	int rc;

	if (fe->abi == SRING_BLKIF_ABI_X86_32) {
		struct sring_blkif_x86_32_response r32;

		rc = sring_front_copy_response(&fe->core, &r32);
		if (rc == SRING_OK)
			sring_blkif_response_from_x86_32(rsp, &r32);
		return rc;
	}
	return sring_front_copy_response(&fe->core, rsp);
}

/**
 * sring_blkif_frontend_complete() - take the next response and retire its
 * request in the tracker.
 * @fe: front end
 * @s: the id tracker
 * @cookie: receives the request's cookie
 * @status: receives the status, normalised (sring_blkif_status_normalise)
 *
 * Any protocol violation latches both the tracker and the ring broken:
 * a response the tracker refuses, and an rsp_prod out of the window (or
 * a ring already latched by an earlier call), so that
 * sring_blkif_shadow_broken() and sring_blkif_frontend_broken() agree
 * once this has returned SRING_EPROTO.
 *
 * Return: SRING_OK, SRING_EMPTY or SRING_EPROTO.
 */
SRING_INLINE int sring_blkif_frontend_complete(struct sring_blkif_frontend *fe,
					       struct sring_blkif_shadow *s,
					       uint64_t *cookie,
					       int16_t *status)
{
	struct sring_blkif_response rsp;
	int rc;

	if (SRING_UNLIKELY(s->broken)) {
		if (!fe->core.broken)
			(void)sringi_front_break(&fe->core);
		return s->broken;
	}
	rc = sring_blkif_frontend_copy_response(fe, &rsp);
	if (SRING_UNLIKELY(rc == SRING_EPROTO))
		s->broken = SRING_EPROTO;
	if (rc != SRING_OK)
		return rc;
	rc = sring_blkif_shadow_complete(s, &rsp, cookie);
	if (rc != SRING_OK)
		return sringi_front_break(&fe->core);
	*status = sring_blkif_status_normalise(rsp.status);
	return SRING_OK;
}

/* sring_blkif_frontend_final_check() - see sring_front_final_check(). */
SRING_INLINE int sring_blkif_frontend_final_check(
	struct sring_blkif_frontend *fe)
{
	return sring_front_final_check(&fe->core);
}

/* sring_blkif_frontend_broken() - SRING_EPROTO once latched. */
SRING_INLINE int sring_blkif_frontend_broken(
	const struct sring_blkif_frontend *fe)
{
	return fe->core.broken;
}

/**
 * sring_blkif_backend_attach() - set up a back end at an index.
 * @be: private state
 * @abi: the format the front end named in "protocol"
 * @shared: the mapped ring
 * @bytes: its size, from the negotiated page count (never from the page)
 * @idx: the index both producers stand at (0 for a new ring)
 *
 * Return: SRING_OK or SRING_EINVAL.
 */
SRING_INLINE int sring_blkif_backend_attach(struct sring_blkif_backend *be,
					    int abi, void *shared,
					    size_t bytes, sring_idx_t idx)
{
	struct sring_layout l;
	int rc = sringi_blkif_layout(&l, abi, shared, bytes);

	if (rc != SRING_OK)
		return rc;
	be->abi = abi;
	return sring_back_attach(&be->core, &l, idx);
}

/* sring_blkif_backend_init() - sring_blkif_backend_attach() at 0. */
SRING_INLINE int sring_blkif_backend_init(struct sring_blkif_backend *be,
					  int abi, void *shared, size_t bytes)
{
	return sring_blkif_backend_attach(be, abi, shared, bytes, 0);
}

/**
 * sring_blkif_backend_copy_request() - take the next request by copy, in
 * the 64 form whatever the ring's format.
 * @be: back end
 * @req: private request: check it with sring_blkif_check_request()
 *
 * Return: SRING_OK, SRING_EMPTY or SRING_EPROTO.
 */
SRING_INLINE int sring_blkif_backend_copy_request(
	struct sring_blkif_backend *be, union sring_blkif_request *req)
{
	int rc;

	if (be->abi == SRING_BLKIF_ABI_X86_32) {
		union sring_blkif_x86_32_request r32;

		rc = sring_back_copy_request(&be->core, &r32);
		if (rc == SRING_OK)
			sring_blkif_request_from_x86_32(req, &r32);
		return rc;
	}
	return sring_back_copy_request(&be->core, req);
}

/**
 * sring_blkif_backend_respond() - write the next response.
 * @be: back end
 * @id: the request's id (struct sring_blkif_req .id)
 * @operation: its rsp_operation
 * @status: SRING_BLKIF_RSP_*, or sring_blkif_error_status()
 *
 * Responses may be written in any order, one per request consumed.
 * Return: SRING_OK, SRING_FULL (no response owed: local misuse) or
 * SRING_EPROTO.
 */
SRING_INLINE int sring_blkif_backend_respond(struct sring_blkif_backend *be,
					     uint64_t id, uint8_t operation,
					     int16_t status)
{
	void *slot = sring_back_get_response(&be->core);

	if (!slot)
		return be->core.broken ? be->core.broken : SRING_FULL;
	if (be->abi == SRING_BLKIF_ABI_X86_32)
		sring_blkif_x86_32_write_response(
			(struct sring_blkif_x86_32_response *)slot, id,
			operation, status);
	else
		sring_blkif_write_response((struct sring_blkif_response *)slot,
					   id, operation, status);
	return SRING_OK;
}

/* sring_blkif_backend_push_responses() - publish; 1 = notify the front. */
SRING_INLINE int sring_blkif_backend_push_responses(
	struct sring_blkif_backend *be)
{
	return sring_back_push_responses(&be->core);
}

/* sring_blkif_backend_final_check() - see sring_back_final_check(). */
SRING_INLINE int sring_blkif_backend_final_check(
	struct sring_blkif_backend *be)
{
	return sring_back_final_check(&be->core);
}

/* sring_blkif_backend_unconsumed_requests() - see ring.h. */
SRING_INLINE int sring_blkif_backend_unconsumed_requests(
	struct sring_blkif_backend *be)
{
	return sring_back_unconsumed_requests(&be->core);
}

/* sring_blkif_backend_broken() - SRING_EPROTO once latched. */
SRING_INLINE int sring_blkif_backend_broken(
	const struct sring_blkif_backend *be)
{
	return be->core.broken;
}

#ifdef __cplusplus
}
#endif

#endif /* SRING_PROTO_BLKIF_H */

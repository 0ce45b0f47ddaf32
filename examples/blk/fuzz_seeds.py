#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hand-made seeds of the blkback fuzz target
(examples/blk/fuzz_blkback.c) into fuzz/corpus/blkback/.

An input is one configuration byte (bit 0 x86_32-abi, bit 1 read-only,
bit 2 4 KiB logical blocks) and then a sring_fuzzkit.h script. Guest
memory: frame 0 the grant table (8-byte entries {u32 frame, u16 flags}),
frame 1 the ring, frames 2..9 data; grants 1..8 name frames 2..9
writable, 9..16 the same frames read-only.

    python3 examples/blk/fuzz_seeds.py   (from the repository root)
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "fuzz", "corpus", "blkback")

READ, WRITE, FLUSH, DISCARD, INDIRECT = 0, 1, 3, 5, 6


def seg(gref, first=0, last=7):
    return struct.pack("<IBBxx", gref, first, last)


def rw(op, rid, sector, segs, abi32=False):
    body = b"".join(segs)
    if abi32:  # 64-bit fields as two 32-bit words, no padding
        return (struct.pack("<BBHIIII", op, len(segs), 0, rid & 0xffffffff,
                            rid >> 32, sector & 0xffffffff, sector >> 32) +
                body).ljust(108, b"\0")
    return (struct.pack("<BBHIQQ", op, len(segs), 0, 0, rid, sector) +
            body).ljust(112, b"\0")


def discard(rid, sector, n):
    return struct.pack("<BBHIQQQ", DISCARD, 0, 0, 0, rid, sector,
                       n).ljust(112, b"\0")


def indirect(op, rid, sector, nseg, grefs):
    g = b"".join(struct.pack("<I", x) for x in grefs).ljust(32, b"\0")
    return (struct.pack("<BBHIQQHH", INDIRECT, op, nseg, 0, rid, sector, 0,
                        0) + g).ljust(112, b"\0")


def publish(*reqs):
    """Kit op 3: publish len(reqs) slots (honestly), payloads follow."""
    return bytes([3, len(reqs)]) + b"".join(reqs)


def poke(off, data):
    """Kit op 12: write up to 16 bytes anywhere in guest memory."""
    out = b""
    for i in range(0, len(data), 16):
        chunk = data[i:i + 16]
        out += bytes([12]) + struct.pack("<H", off + i) + bytes(
            [len(chunk)]) + chunk
    return out


NOTIFY = bytes([0])

SEEDS = {
    # Two segments read into two writable grants.
    "seed-read": bytes([0]) + publish(
        rw(READ, 0x1111, 8, [seg(1), seg(2, 0, 3)])) + NOTIFY,
    # A write from a read-only grant, then the same sectors read back.
    "seed-write": bytes([0]) + publish(
        rw(WRITE, 0x2222, 16, [seg(9), seg(10, 2, 5)])) + NOTIFY +
    publish(rw(READ, 0x2223, 16, [seg(3)])) + NOTIFY,
    "seed-discard": bytes([0]) + publish(discard(0x3333, 32, 16),
                                         discard(0x3334, 0, 0)) + NOTIFY,
    # Flush alone, and flush after data.
    "seed-flush": bytes([0]) + publish(
        rw(FLUSH, 0x4444, 0, []), rw(FLUSH, 0x4445, 40, [seg(11)])) +
    NOTIFY,
    # An indirect read of 4 segments: the indirect page is grant 3
    # (frame 4), its segments written there first.
    "seed-indirect": bytes([0]) + poke(
        4 * 4096, seg(1) + seg(2) + seg(5) + seg(6, 1, 6)) + publish(
        indirect(READ, 0x5555, 24, 4, [3])) + NOTIFY,
    # An indirect write of 24 segments (more than a direct request can
    # carry), x86_32-abi, asynchronous.
    "seed-indirect-24": bytes([9]) + b"".join(
        poke(4 * 4096 + 16 * i, seg(1 + i % 8, 0, 3) + seg(9 + i % 8, 4, 5))
        for i in range(12)) + bytes([3, 1]) + (
        struct.pack("<BBHIIIIHH", INDIRECT, WRITE, 24, 0x5556, 0, 40, 0, 0,
                    0) + struct.pack("<I", 3)).ljust(108, b"\0") +
    NOTIFY + NOTIFY,
    # The same format, x86_32-abi (108-byte slots).
    "seed-read-x86_32": bytes([1]) + publish(
        rw(READ, 0x6666, 8, [seg(1), seg(2)], abi32=True),
        rw(WRITE, 0x6667, 64, [seg(12)], abi32=True)) + NOTIFY,
    # Read-only disk: the write is refused, the read served.
    "seed-readonly": bytes([2]) + publish(
        rw(WRITE, 0x7777, 0, [seg(1)]), rw(READ, 0x7778, 0, [seg(1)])) +
    NOTIFY,
    # A grant made by the front end (entry 20 -> frame 7), then used; then
    # revoked and used again (refused).
    "seed-grant": bytes([0]) + poke(20 * 8, struct.pack("<IHH", 7, 1, 0)) +
    publish(rw(READ, 0x8888, 0, [seg(20)])) + NOTIFY +
    poke(20 * 8, struct.pack("<IHH", 7, 0, 0)) +
    publish(rw(READ, 0x8889, 0, [seg(20)])) + NOTIFY,
    # The guest grants its own ring frame (entry 1 -> frame 1): a read
    # into it is refused (the harness never maps the ring writable), a
    # write from it stores the ring's bytes, read back elsewhere.
    "seed-ring-granted": bytes([0]) + poke(8, struct.pack("<IHH", 1, 1, 0)) +
    publish(rw(READ, 0xc000, 0, [seg(1, 1, 1)]),
            rw(WRITE, 0xc001, 8, [seg(1)]),
            rw(READ, 0xc002, 8, [seg(2)])) + NOTIFY,
    # A full ring twice over (8 slots).
    "seed-full": bytes([0]) + publish(
        *[rw(READ, 0x9000 + i, i * 8, [seg(1 + i)]) for i in range(8)]) +
    NOTIFY + publish(
        *[rw(WRITE, 0x9100 + i, i * 8, [seg(9 + i)]) for i in range(8)]) +
    NOTIFY,
    # Asynchronous I/O (configuration bit 3): answers come at the next
    # kick, here in reverse order too (bit 4), mixed with refusals.
    "seed-async-full": bytes([8]) + publish(
        *[rw(READ, 0xd000 + i, i * 8, [seg(1 + i)]) for i in range(8)]) +
    NOTIFY + NOTIFY + publish(
        *[rw(WRITE, 0xd100 + i, i * 8, [seg(9 + i)]) for i in range(8)]) +
    NOTIFY + NOTIFY,
    "seed-async-mixed": bytes([24]) + publish(
        rw(READ, 0xe000, 0, [seg(1)]), rw(READ, 0xe001, 0, [seg(100)]),
        discard(0xe002, 8, 8), rw(WRITE, 0xe003, 16, [seg(9), seg(10)]),
        rw(READ, 0xe004, 200, [seg(2)]), rw(FLUSH, 0xe005, 0, [])) +
    NOTIFY + NOTIFY + poke(4 * 4096, seg(1) + seg(2)) + publish(
        indirect(WRITE, 0xe006, 24, 2, [3])) + NOTIFY + NOTIFY,
    # Bad blocks (bit 5): I/O ending in the last 4 KiB fails, answered
    # ERROR; synchronous and asynchronous.
    "seed-bad-block": bytes([32]) + publish(
        rw(READ, 0xf100, 120, [seg(1)]), rw(WRITE, 0xf101, 112, [seg(9)]),
        rw(READ, 0xf102, 104, [seg(2)]), discard(0xf103, 112, 16)) + NOTIFY,
    "seed-bad-block-async": bytes([40]) + publish(
        rw(READ, 0xf200, 120, [seg(1)]), rw(READ, 0xf201, 0, [seg(2)])) +
    NOTIFY + NOTIFY,
    # I/O in flight when the ring breaks: its completion must not answer.
    "seed-async-jump": bytes([8]) + publish(
        rw(READ, 0xf000, 0, [seg(1)]), rw(WRITE, 0xf001, 8, [seg(2)])) +
    NOTIFY + bytes([6]) + struct.pack("<I", 0x1000) + NOTIFY,
    # Hostile: one good request, then req_prod jumps far ahead (op 6):
    # the ring must latch broken.
    "seed-index-jump": bytes([0]) + publish(
        rw(READ, 0xaaaa, 0, [seg(1)])) + NOTIFY + bytes([6]) +
    struct.pack("<I", 0x1000) + NOTIFY,
    # One of each refusal (docs/blkif.md section 3), then a good read:
    # EOPNOTSUPP for RESERVED_1, an unoffered barrier and an unknown
    # operation; ERROR for no segment, first_sect > last_sect, sectors
    # past the disk, a read into a read-only grant, a bad indirect_op;
    # then ERROR for grant 0, 12 segments, a discard past the disk, an
    # indirect page not granted.
    "seed-refusals": bytes([0]) + publish(
        rw(4, 0x100, 0, [seg(1)]), rw(2, 0x101, 0, []),
        rw(0x80, 0x102, 0, [seg(1)]), rw(READ, 0x103, 0, []),
        rw(READ, 0x104, 0, [seg(1, 5, 2)]), rw(READ, 0x105, 127, [seg(1)]),
        rw(READ, 0x106, 0, [seg(9)]), indirect(FLUSH, 0x107, 0, 1, [3])) +
    NOTIFY + publish(
        rw(WRITE, 0x108, 0, [seg(0)]),
        rw(READ, 0x109, 0, [seg(1, 0, 0)] * 11)[:1] + bytes([12]) +
        rw(READ, 0x109, 0, [seg(1, 0, 0)] * 11)[2:],
        discard(0x10a, 120, 9), indirect(READ, 0x10b, 0, 1, [0]),
        rw(READ, 0x10c, 0, [seg(2)])) + NOTIFY,
    # Read-only disk of 4 KiB blocks: writes, flushes, discards and an
    # indirect write are refused ERROR, unaligned reads too; the
    # unoffered barrier is EOPNOTSUPP all the same; an aligned read is
    # served.
    "seed-refusals-4k-ro": bytes([6]) + publish(
        rw(WRITE, 0x200, 0, [seg(1)]), rw(READ, 0x201, 0, [seg(1, 1, 7)]),
        rw(READ, 0x202, 4, [seg(1)]), discard(0x203, 0, 8),
        rw(2, 0x204, 0, []), rw(FLUSH, 0x205, 0, []),
        indirect(WRITE, 0x206, 0, 1, [3]), rw(READ, 0x207, 8, [seg(1)])) +
    NOTIFY,
    # Hostile: req_prod rewound below what was consumed (op 7, -1).
    "seed-index-rewind": bytes([0]) + publish(
        rw(READ, 0xbbbb, 0, [seg(1)]), rw(READ, 0xbbbc, 8, [seg(2)])) +
    NOTIFY + bytes([7, 0xfe]) + NOTIFY,
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(SEEDS), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hand-made seed inputs of fuzz/corpus/<target>/seed-*.

Each ring seed starts with the five geometry bytes of fuzz_common.h
(fuzz_geom_pick: the fifth picks the layout) and then a script. Bytes
below 0x80 are peer actions of examples/fuzzkit/sring_fuzzkit.h; from 0x80
up, the target's own calls (see the OP_* enum of each target). Run from the repository root; it rewrites
only seed-* files, never crash or campaign inputs.
"""
import os
import struct

def geom(slot_idx, order, full=True, start=0, extra=0, fast=False, lie=None):
    """slot_idx 0..7 -> 4,7,8,12,16,24,64,112 bytes; 2^order slots; on
    the fast layout, lie=(word 0..4, value) rewrites a header word before
    the end under test attaches."""
    a = slot_idx | (order << 3) | (0x80 if extra else 0)
    b = 0x80 if full else 3
    c = 0x80 if full else 5
    d = start | (extra << 2)
    e = (1 if fast else 0) | ((2 | (lie[0] << 2)) if lie else 0)
    return bytes([a, b, c, d, e]) + (u32(lie[1]) if lie else b'')

def u32(v):
    return struct.pack('<I', v & 0xffffffff)

def pay(n, size, seed=1):
    return bytes((seed + i) & 0xff for i in range(n * size))

# Peer opcodes (sring_fuzzkit.h).
NOTIFY, PUB, OVERRUN, SETP, MOVEP, SETEV, ARM, ANYW, SLOT, RAW, REPLAY, \
    REWRITE, NOTIFY_REWIND = 0, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15

seeds = {}

# Back end vs hostile front. Back ops: 0x80 + OP_*.
B = dict(COPY=0x80, BATCH=0x81, PUT=0x82, GET=0x83, PUSH=0x84, FINAL=0x85,
         UNC=0x86, MOD=0x87, OFF=0x88, PUBLISH=0x89, STEP=0x8a)
seeds['ring_back'] = {
    'honest': geom(5, 2) + bytes([PUB, 3]) + pay(3, 24) + bytes([NOTIFY]) +
              bytes([B['COPY'], B['PUT']]) + pay(1, 24, 9) +
              bytes([B['PUSH'], B['FINAL'], B['STEP']]),
    'wrap': geom(2, 3, start=1) + (bytes([PUB, 8]) + pay(8, 8) +
              bytes([NOTIFY])) * 4,
    'overrun': geom(3, 2) + bytes([OVERRUN, 9]) + pay(9, 12) +
               bytes([NOTIFY, B['UNC'], B['COPY']]),
    'rewind': geom(4, 2) + bytes([PUB, 4]) + pay(4, 16) +
              bytes([B['COPY'], MOVEP, 0xfe, NOTIFY, B['FINAL']]),
    'jump': geom(6, 1, start=2) + bytes([SETP]) + u32(0x80000000) +
            bytes([B['UNC'], B['COPY']]),
    'moderated': geom(1, 4, full=False, extra=5) + bytes([B['MOD'], 4,
              B['FINAL'], PUB, 3]) + pay(3, 7) + bytes([B['FINAL'], PUB, 1]) +
              pay(1, 7) + bytes([B['FINAL'], B['BATCH'], 9]),
    'scribble': geom(7, 0) + bytes([ANYW, 2]) + u32(77) + bytes([RAW, 5, 0,
              16]) + bytes(range(16)) + bytes([PUB, 1]) + pay(1, 112) +
              bytes([REPLAY, 0, REWRITE, NOTIFY_REWIND, SETEV]) + u32(0) +
              bytes([B['PUSH'], B['OFF'], B['STEP']]),
    # Publish every 2 responses, with the front asleep (event armed).
    'policy': geom(4, 3) + bytes([B['PUBLISH'], 2, PUB, 6]) + pay(6, 16) +
              bytes([ARM, B['BATCH'], 6]) + bytes([B['PUT']]) + pay(1, 16) +
              bytes([B['GET']]) + pay(1, 16) + bytes([B['PUT']]) + pay(1, 16) +
              bytes([B['PUSH'], B['STEP']]),
    'fast-honest': geom(5, 2, fast=True) + bytes([PUB, 3]) + pay(3, 24) +
              bytes([NOTIFY, B['COPY'], B['PUT']]) + pay(1, 24, 9) +
              bytes([B['PUSH'], B['FINAL'], B['STEP']]),
    'fast-hostile': geom(3, 3, fast=True, start=1) + bytes([OVERRUN, 9]) +
              pay(9, 12) + bytes([NOTIFY, B['UNC'], SETP]) + u32(3) +
              bytes([B['COPY'], B['STEP']]),
    'fast-lie': geom(5, 2, fast=True, lie=(1, 3)) + bytes([PUB, 1]) +
              pay(1, 24) + bytes([NOTIFY]),
}

# Front end vs hostile back. Front ops: 0x80 + OP_*.
F = dict(PUT=0x80, GET=0x81, PUSH=0x82, COPY=0x83, BATCH=0x84, FINAL=0x85,
         UNC=0x86, MOD=0x87, OFF=0x88, FREE=0x89, PUBLISH=0x8a, STEP=0x8b)
seeds['ring_front'] = {
    'honest': geom(5, 2) + bytes([F['PUT']]) + pay(1, 24) +
              bytes([F['PUT']]) + pay(1, 24, 5) + bytes([F['PUSH'], PUB, 2]) +
              pay(2, 24, 7) + bytes([NOTIFY, F['COPY'], F['BATCH'], 4,
              F['FINAL'], F['FREE']]),
    'wrap': geom(2, 3, start=1) + (bytes([F['STEP'], 8]) + pay(8, 8) +
            bytes([PUB, 8]) + pay(8, 8) + bytes([NOTIFY])) * 3,
    'ahead': geom(3, 2) + bytes([F['STEP'], 2]) + pay(2, 12) +
             bytes([OVERRUN, 5]) + pay(5, 12) + bytes([F['UNC'], F['COPY']]),
    'rewind': geom(4, 2) + bytes([F['STEP'], 4]) + pay(4, 16) +
              bytes([PUB, 3]) + pay(3, 16) + bytes([F['COPY'], MOVEP, 0xff,
              F['COPY'], F['COPY']]),
    'moderated': geom(1, 4, full=False, extra=5) + bytes([F['MOD'], 8,
                 F['STEP'], 5]) + pay(5, 7) + bytes([PUB, 2]) + pay(2, 7) +
                 bytes([F['FINAL'], PUB, 3]) + pay(3, 7) +
                 bytes([F['FINAL'], F['OFF']]),
    'scribble': geom(7, 0) + bytes([F['STEP'], 1]) + pay(1, 112) +
                bytes([ANYW, 0]) + u32(5) + bytes([SLOT, 0x80, 3, 9]) +
                bytes(9) + bytes([REPLAY, 0, NOTIFY_REWIND, F['FREE']]),
    'policy': geom(4, 3) + bytes([F['PUBLISH'], 3, ARM]) +
              (bytes([F['PUT']]) + pay(1, 16)) * 5 + bytes([F['PUSH'],
              PUB, 5]) + pay(5, 16) + bytes([NOTIFY, F['BATCH'], 8]),
    'fast-honest': geom(5, 2, fast=True) + bytes([F['PUT']]) + pay(1, 24) +
              bytes([F['PUT']]) + pay(1, 24, 5) + bytes([F['PUSH'], PUB, 2]) +
              pay(2, 24, 7) + bytes([NOTIFY, F['COPY'], F['BATCH'], 4,
              F['FINAL'], F['FREE']]),
    'fast-ahead': geom(3, 2, fast=True, start=2) + bytes([F['STEP'], 2]) +
              pay(2, 12) + bytes([OVERRUN, 5]) + pay(5, 12) +
              bytes([F['UNC'], F['COPY']]),
    'fast-lie': geom(2, 1, fast=True, lie=(0, 0x73524c46)) +
              bytes([F['PUT']]) + pay(1, 8),
}

# Differential: one op byte each (ring_diff_fuzzer.c enum).
D = dict(FPUT=0, FGET=1, FPUSH=2, BCOPY=3, BBATCH=4, BPUT=5, BGET=6,
         BPUSH=7, FCOPY=8, FBATCH=9, BFINAL=10, FFINAL=11, BUNC=12, FUNC=13,
         FMOD=14, BMOD=15, FOFF=16, BOFF=17, FFREE=18)

def diff_round(n, size_req, size_rsp, seed):
    s = b''
    for i in range(n):
        s += bytes([D['FPUT'] if i % 2 else D['FGET']]) + pay(1, size_req,
                                                              seed + i)
    s += bytes([D['FPUSH'], D['BBATCH'], 2 * n])
    for i in range(n):
        s += bytes([D['BPUT'] if i % 2 else D['BGET']]) + pay(1, size_rsp,
                                                              seed * 3 + i)
    s += bytes([D['BPUSH'], D['BFINAL'], D['FBATCH'], 2 * n, D['FFINAL'],
                D['FFREE']])
    return s

seeds['ring_diff'] = {
    'pingpong': geom(5, 2) + diff_round(3, 24, 24, 1) * 3,
    'wrap': geom(2, 3, start=1) + diff_round(8, 8, 8, 2) * 5,
    'wrap31': geom(4, 1, start=2) + diff_round(2, 16, 16, 3) * 12,
    'moderated': geom(1, 4, full=False) + bytes([D['FMOD'], 3, D['BMOD'], 2,
                 D['BFINAL'], D['FPUT']]) + pay(1, 4) + bytes([D['FPUSH'],
                 D['FPUT']]) + pay(1, 4) + bytes([D['FPUSH'], D['BCOPY'],
                 D['BCOPY'], D['BPUT']]) + pay(1, 6) + bytes([D['BPUSH'],
                 D['FFINAL'], D['BPUT']]) + pay(1, 6) + bytes([D['BPUSH'],
                 D['FCOPY'], D['FUNC'], D['BUNC'], D['FOFF'], D['BOFF']]),
    'full': geom(0, 0) + bytes([D['FPUT']]) + pay(1, 4) + bytes([D['FPUT']]) +
            pay(1, 4) + bytes([D['FPUSH'], D['BPUT']]) + pay(1, 4) +
            bytes([D['BCOPY'], D['BCOPY'], D['BPUT']]) + pay(1, 4),
    'fast-pingpong': geom(5, 2, fast=True) + diff_round(3, 24, 24, 1) * 3,
    'fast-wrap': geom(2, 3, start=1, fast=True) + diff_round(8, 8, 8, 2) * 5,
}

# Demo back end: the kit's script only (no geometry bytes).
def demo_req(rid, op, ln):
    return struct.pack('<QBB6x', rid, op, ln) + bytes((rid + i) & 0xff
                                                      for i in range(32))

seeds['fuzzkit_demo'] = {
    'honest': bytes([PUB, 3]) + demo_req(1, 1, 5) + demo_req(2, 2, 32) +
              demo_req(3, 1, 0) + bytes([NOTIFY]),
    'badop': bytes([PUB, 1]) + demo_req(4, 9, 3) + bytes([NOTIFY]),
    'overrun': bytes([OVERRUN, 17]) + demo_req(5, 1, 1) * 17 +
               bytes([NOTIFY]),
}

# Flex: a = size (8 << a%6) | 0x40 events | 0x80 our end writes; b = start
# index mode; c = wake. Ours 0x80 + op; peer op < 0x80 (flex_fuzzer.c).
def fgeom(order, events, writer, start=0, wake=0):
    return bytes([order | (0x40 if events else 0) | (0x80 if writer else 0),
                  start, wake])

W = dict(WRITE=0x80, WALL=0x81, WMSG=0x82, RESV=0x83, FREE=0x84, PUSH=0x85,
         FINAL=0x86, WAKE=0x87)
R = dict(READ=0x80, PEEK=0x81, RALL=0x82, RMSG=0x83, SPANS=0x84, AVAIL=0x85,
         PUSH=0x86, FINAL=0x87)
FP = dict(SET=0, MOVE=1, HONEST=2, DATA=3, EVENT=4, OURS=5, HDR=6)
seeds['flex'] = {
    'writer-events': fgeom(2, True, True) + bytes([W['WRITE'], 20]) +
        pay(20, 1) + bytes([W['PUSH'], 0, FP['HONEST'], 12, W['FINAL'], 30,
        W['WMSG'], 5]) + pay(5, 1) + bytes([W['PUSH'], 0, W['RESV'], 9, 4,
        W['PUSH'], 0, W['FREE'], 0]),
    'reader-events': fgeom(1, True, False, start=1) + (bytes([FP['HONEST'],
        11]) + pay(11, 1) + bytes([R['READ'], 7, R['PUSH'], 0, R['PEEK'], 3,
        R['FINAL'], 2])) * 4,
    'reader-noevents': fgeom(0, False, False, wake=1) + bytes([FP['HONEST'],
        8]) + pay(8, 1, 4) + bytes([R['RMSG'], 8, R['SPANS'], 3, R['AVAIL'],
        0, R['RALL'], 2, R['PUSH'], 0, R['FINAL'], 0]),
    'writer-hostile': fgeom(3, False, True, start=2) + bytes([W['WALL'], 40]) +
        pay(40, 1) + bytes([W['PUSH'], 0, FP['SET']]) + u32(0x12345678) +
        bytes([W['FREE'], 0, W['WRITE'], 3, 1, 2, 3]),
    'reader-hostile': fgeom(2, True, False) + bytes([FP['MOVE'], 0x7f,
        R['AVAIL'], 0, FP['OURS']]) + u32(7) + bytes([FP['HDR'], 70, 8]) +
        bytes(8) + bytes([R['READ'], 5]),
    'frame-lies': fgeom(1, False, False) + bytes([FP['HONEST'], 8]) +
        struct.pack('<I', 200) + bytes(4) + bytes([R['RMSG'], 9, R['READ'],
        1]),
    # No event words, a small wake: pushes that must and must not notify.
    'writer-wake': fgeom(3, False, True, wake=3) + bytes([W['WRITE'], 2,
        1, 2, W['PUSH'], 0, W['WRITE'], 1, 3, W['PUSH'], 0, FP['HONEST'],
        3, W['WRITE'], 1, 4, W['PUSH'], 0, W['FINAL'], 1]),
    'reader-wake': fgeom(2, False, False, wake=5) + bytes([FP['HONEST'],
        32]) + pay(32, 1) + bytes([R['READ'], 1, R['PUSH'], 0, R['READ'],
        20, R['PUSH'], 0, R['FINAL'], 3]),
}
# Xen's flex pair (order 0 or 1: 2048 or 4096 bytes a direction) and the
# console page; a = kind << 3 (5 Xen in, 6 Xen out, 7 console) | 1 for
# order 1 (Xen) or the "in" direction (console).
def xgeom(kind, writer, start=0, wake=0, con_in=False, order=0):
    return bytes([(kind << 3) | (1 if con_in or order else 0) |
                  (0x80 if writer else 0), start, wake])

RESUME = 0x7f  # our end restarts with sring_flex_resume()

seeds['flex'].update({
    'xen-in-writer': xgeom(5, True, start=1) + bytes([W['WALL'], 40]) +
        pay(320, 1) + bytes([W['PUSH'], 0, W['WMSG'], 9]) + pay(72, 1, 3) +
        bytes([W['PUSH'], 0, FP['HONEST'], 50, W['FINAL'], 0, W['FREE'], 0]),
    'xen-out-reader': xgeom(6, False, wake=200) + bytes([FP['HONEST'], 30]) +
        pay(30 * 8 + 6, 1) + bytes([R['READ'], 20, R['PUSH'], 0, R['SPANS'],
        3, R['PUSH'], 0, R['FINAL'], 0]),
    'console-out-writer': xgeom(7, True, wake=1) + bytes([W['WRITE'], 100]) +
        pay(800, 1) + bytes([W['PUSH'], 0, FP['HONEST'], 255, W['RESV'],
        200, 150, W['PUSH'], 0, W['FINAL'], 0]),
    'console-in-reader': xgeom(7, False, start=2, con_in=True, wake=64) +
        bytes([FP['HONEST'], 40]) + pay(40 * 4, 1) + bytes([R['RALL'], 30,
        R['PEEK'], 10, R['PUSH'], 0, R['AVAIL'], 0, R['FINAL'], 0]),
    # Order 1 (4096 a direction; our n byte scales by 4098/256), then a
    # restart from the indices.
    'xen-order1-writer': xgeom(6, True, order=1, start=1) + bytes([W['WALL'],
        40]) + pay(640, 1) + bytes([W['PUSH'], 0, FP['HONEST'], 20,
        RESUME, W['WRITE'], 10]) + pay(160, 1, 7) + bytes([W['PUSH'], 0,
        W['FINAL'], 0]),
    # Restarts: with honest indices the reader starts again at the
    # published cons; a lie of the peer latches, a later honest restart
    # clears it.
    'resume-reader': fgeom(3, False, False, start=2) + bytes([FP['HONEST'],
        20]) + pay(20, 1) + bytes([R['READ'], 5, RESUME, R['READ'], 5,
        FP['SET']]) + u32(0x12345678) + bytes([RESUME, R['READ'], 1,
        FP['SET']]) + u32(0x80000000 + 20) + bytes([RESUME, R['READ'], 30,
        R['PUSH'], 0, R['FINAL'], 0]),
    'resume-writer': fgeom(2, True, True, wake=4) + bytes([W['WRITE'], 10]) +
        pay(10, 1) + bytes([W['PUSH'], 0, FP['OURS']]) + u32(0xdeadbeef) +
        bytes([RESUME, W['WRITE'], 1, 9, FP['OURS']]) + u32(5) +
        bytes([RESUME, W['WRITE'], 3, 1, 2, 3, W['PUSH'], 0, W['FINAL'], 2]),
})

# blkif: a = sector size index | features << 3 | read-only << 7;
# b = max indirect index | x86_32 << 2 | disk-size mode << 3.
def seg(gref, first, last):
    return struct.pack('<IBBxx', gref, first, last)

def rw64(op, segs, rid=0x1122334455667788, sector=8, handle=1):
    body = b''.join(segs) + bytes(8 * (11 - len(segs)))
    return struct.pack('<BBHIQQ', op, len(segs), handle, 0, rid,
                       sector) + body

def rw32(op, segs, rid=0x99, sector=16):
    body = b''.join(segs) + bytes(8 * (11 - len(segs)))
    return struct.pack('<BBHQQ', op, len(segs), 0, rid, sector) + body

def ind64(iop, n, grefs, rid=42, sector=0):
    return struct.pack('<BBHIQQHH8II', 6, iop, n, 0, rid, sector, 0, 0,
                       *grefs, 0) + bytes(48)

def ind32(iop, n, grefs, rid=43, sector=0):
    return struct.pack('<BBHQQHH8I8x', 6, iop, n, rid, sector, 0, 0,
                       *grefs) + bytes(108 - 64)

# Indirect pages (blkif_fuzzer.c fill_page): mode 0 = raw 4096 bytes;
# mode 1/5 = seeded valid segments (5: whole pages), seed u32; then
# mode >> 4 patches of (u16 index, 8 bytes).
def raw_page(segs):
    body = b''.join(segs)
    return bytes([0]) + body + bytes(4096 - len(body))

def pat_page(mode, seed, patches=()):
    s = bytes([mode | (len(patches) << 4)]) + u32(seed)
    for i, sg in patches:
        s += struct.pack('<H', i) + sg
    return s

ALLF = 0xf << 3
seeds['blkif'] = {
    'read64': bytes([1 | ALLF, 0, 200]) + rw64(0, [seg(5, 0, 7),
                                                   seg(6, 0, 3)]),
    'write32': bytes([2 | ALLF, 4, 250]) + rw32(1, [seg(7, 0, 1)] * 3),
    # All 11 segments, distinct, and a sector above 2^32: the x86_32
    # conversion must carry every one.
    'read32-11seg': bytes([1 | ALLF, 4 | (1 << 3), 0]) + rw32(0,
        [seg(0x01020304 + i, i % 8, 7) for i in range(11)],
        sector=(5 << 32) + 8),
    'flush-noseg': bytes([0 | ALLF, 0, 1]) + rw64(3, []),
    'discard': bytes([1 | ALLF, 0, 64]) + struct.pack('<BBHIQQQ', 5, 1, 0,
                                                      0, 3, 0, 16) + bytes(80),
    'unaligned': bytes([4 | ALLF, 0, 255]) + rw64(0, [seg(1, 0, 3)],
                                                   sector=8),
    'beyond-end': bytes([1 | ALLF, 1 << 3, 5]) + rw64(1, [seg(1, 0, 7)],
                                                       sector=(1 << 64) - 4),
    'readonly-write': bytes([1 | ALLF | 0x80, 0, 100]) + rw64(1, [seg(1, 0,
                                                                     0)]),
    'indirect': bytes([1 | ALLF, 3 | (2 << 3)]) + u32(0) + u32(1 << 20) +
        struct.pack('<BBHIQQHH8II', 6, 0, 600, 0, 42, 64, 0, 0,
                    *range(100, 108), 0) + bytes(48) +
        raw_page([seg(i, 0, 7) for i in range(512)]) +
        raw_page([seg(i, 0, 7) for i in range(512, 600)]),
    'indirect32': bytes([1 | ALLF, 2 | 4 | (2 << 3)]) + u32(0) + u32(1) +
        struct.pack('<BBHQQHH8I8x', 6, 1, 3, 7, 0, 0, 0,
                    *range(8)) + bytes(108 - 64) +
        raw_page([seg(1, 0, 7), seg(2, 1, 7), seg(3, 7, 6)]),
    # 4096 segments in 8 pages, every one nonzero: valid on a huge disk.
    'indirect-max': bytes([1 | ALLF, 3 | (1 << 3), 0]) +
        ind64(1, 4096, range(200, 208)) +
        b''.join(pat_page(1, 0x1000 + i) for i in range(8)),
    'indirect-max32': bytes([1 | ALLF, 3 | 4 | (1 << 3), 0]) +
        ind32(0, 4096, range(300, 308)) +
        b''.join(pat_page(1, 0x2000 + i) for i in range(8)),
    # 4 KiB sectors, whole-page segments, one bad segment in page 3 / 7.
    'indirect-bad-page3': bytes([4 | ALLF, 3 | (1 << 3), 0]) +
        ind64(0, 4096, range(8)) +
        b''.join(pat_page(5, i, [(100, seg(9, 5, 4))] if i == 3 else [])
                 for i in range(8)),
    'indirect-unaligned-page7': bytes([4 | ALLF, 3 | 4 | (1 << 3), 0]) +
        ind32(1, 4000, range(8)) +
        b''.join(pat_page(5, i, [(411, seg(9, 1, 7))] if i == 7 else [])
                 for i in range(8)),
}

# blkif_front: a = x86_32 | log2(ring) << 1 | small tracker << 7; then
# 0x80 submit read/write (1 byte: write | (segments - 1) << 1), 0x81 push,
# 0x82 complete, 0x83 final check, 0x84 submit indirect (1 byte, u16
# segments - 1), 0x85 discard (1 byte), 0x86 flush/barrier (1 byte), 0x87
# an invalid description (1 byte); peer ops below 0x80. Responses published
# by op 3 are shaped to name ids in flight (the last payload byte picks
# one; bit 7 leaves it forged, bit 6 a wrong operation, bits 3-4 the
# status: raw, OKAY, ERROR, EOPNOTSUPP).
def bf_round(rsp_size, picks):
    s = b''
    for i in range(len(picks)):
        s += bytes([0x80, i & 1])
    s += bytes([0x81, PUB, len(picks)])
    for p in picks:
        s += bytes(rsp_size - 1) + bytes([p])
    s += bytes([NOTIFY, 0x82, 0x83])
    return s

def bf_rsps(rsp_size, picks):
    s = bytes([PUB, len(picks)])
    for p in picks:
        s += bytes(rsp_size - 1) + bytes([p])
    return s + bytes([NOTIFY, 0x82, 0x82, 0x82, 0x83])

seeds['blkif_front'] = {
    'honest64': bytes([2 << 1]) + bf_round(16, [0, 0]) + bf_round(16, [1]),
    'honest32': bytes([1 | (3 << 1)]) + bf_round(12, [0, 1, 2]) * 2,
    'wrong-op': bytes([2 << 1]) + bf_round(16, [0x40]),
    'forged': bytes([1 << 1]) + bf_round(16, [0x80]),
    'duplicate': bytes([2 << 1]) + bytes([0x80, 0, 0x81, PUB, 1]) +
        bytes(15) + bytes([0]) + bytes([0x82, REPLAY, 0, 0x82, 0x82]),
    'small-tracker': bytes([0x80 | (3 << 1)]) + bytes([0x80, 0]) * 8 +
        bytes([0x81, 0x83]),
    # Every kind of request, answered in order with each status.
    'kinds64': bytes([3 << 1]) + bytes([0x80, 21, 0x84, 1, 0xff, 0x0f,
        0x85, 1, 0x86, 7, 0x86, 0, 0x87, 0, 0x87, 9, 0x81]) +
        bf_rsps(16, [0x08, 0x11, 0x1a, 0x00, 0x18]) +
        bytes([0x84, 0, 0, 0, 0x81]) + bf_rsps(16, [0x20 | 0x48]),
    'kinds32': bytes([1 | (3 << 1)]) + bytes([0x84, 0, 0xff, 0x0f, 0x84,
        1, 0x00, 0x02, 0x85, 0, 0x80, 20, 0x86, 23, 0x81]) +
        bf_rsps(12, [0x08, 0x09, 0x0a, 0x1b, 0x10]),
}

for target, items in seeds.items():
    d = os.path.join('fuzz', 'corpus', target)
    os.makedirs(d, exist_ok=True)
    for name, data in items.items():
        with open(os.path.join(d, 'seed-' + name), 'wb') as f:
            f.write(data)
print('wrote', sum(len(v) for v in seeds.values()), 'seeds')

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/summarize.py DIR - medians, min-max, targets and plots from
DIR/results.csv (written by bench/run). Writes DIR/results.md and, when
gnuplot is installed, DIR/{w1,w2,w3}.{png,svg} for the workloads that ran."""
import csv
import os
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict

W1 = "mreq_per_s"
RINGS = ["xen", "sring-xen", "sring-fast", "split", "ck", "dpdk", "ideal", "seq", "seq72", "line"]


def load(path):
    """{key: {run: value}}: one measurement per run and configuration."""
    by_run = defaultdict(dict)
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row["ring"], row["workload"], int(row["slots"]),
                   int(row["publish"]), row["variant"], row["metric"])
            by_run[key][row["run"]] = float(row["value"])
    return by_run


def paired(by_run, a, b):
    """Median over runs of the ratio a/b, both measured in the same run
    (bench/run runs every ring of a configuration back to back, so a VM
    spell that slows one run slows both sides of its ratio)."""
    ra, rb = by_run.get(a, {}), by_run.get(b, {})
    v = [ra[r] / rb[r] for r in ra if r in rb and rb[r]]
    return statistics.median(v) if v else None


class Stats:
    def __init__(self, data):
        self.data = data

    def get(self, ring, wl, slots, pub, variant, metric):
        v = self.data.get((ring, wl, slots, pub, variant, metric))
        return statistics.median(v) if v else None

    def cell(self, ring, wl, slots, pub, variant, metric, fmt="%.1f"):
        v = self.data.get((ring, wl, slots, pub, variant, metric))
        if not v:
            return ""
        if len(v) == 1:
            return fmt % v[0]
        return (fmt % statistics.median(v) + " (" + fmt % min(v) + "-" +
                fmt % max(v) + ")")


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ratio(r):
    return "n/a" if r is None else "%.2fx" % r


def main():
    out = sys.argv[1]
    by_run = load(os.path.join(out, "results.csv"))
    data = {k: list(v.values()) for k, v in by_run.items()}
    # W1's headline figure: the median rate of 16384-request chunks, which a
    # polling thread losing its CPU on a shared machine does not move;
    # the whole-run rate stays in the CSV as mreq_per_s.
    global W1
    W1 = ("mreq_per_s_chunk_median"
          if any(k[5] == "mreq_per_s_chunk_median" for k in data)
          else "mreq_per_s")
    s = Stats(data)
    rings = [r for r in RINGS if any(k[0] == r for k in data)]
    md = []
    if os.path.exists(os.path.join(out, "machine.txt")):
        md.append("```")
        md.append(open(os.path.join(out, "machine.txt")).read().strip())
        md.append("```")
        md.append("")

    # W1
    cols = [(32, 1), (32, 0), (32, 4), (32, 8), (32, 16),
            (512, 1), (512, 0), (512, 4), (512, 16), (512, 64), (512, 256)]
    cols = [c for c in cols if any(k[1] == "w1" and k[2] == c[0] and
                                   k[3] == c[1] for k in data)]
    if cols:
        md.append("### W1 stream: M requests/s, median (min-max) of the "
                  "runs' %s" % ("median chunk rates" if W1 != "mreq_per_s"
                                 else "whole-run rates"))
        md.append("")
        md.append("publish: 1 = push per request, 0 = when the batch ends "
                  "(ring full / nothing more to answer), k = every k items")
        md.append("")
        md.append("| ring | " + " | ".join(
            "%d slots, p=%d" % c for c in cols) + " |")
        md.append("|---" * (len(cols) + 1) + "|")
        for r in rings:
            if not any(k[0] == r and k[1] == "w1" for k in data):
                continue
            md.append("| %s | " % r + " | ".join(
                s.cell(r, "w1", c[0], c[1], "stream", W1)
                for c in cols) + " |")
        md.append("")

    # W2
    if any(k[1] == "w2" for k in data):
        md.append("### W2 ping-pong: round trip, ns, median (min-max) of "
                  "the runs' medians and p99s")
        md.append("")
        md.append("| ring | median | p99 |")
        md.append("|---|---|---|")
        for r in rings:
            m = s.cell(r, "w2", 32, 0, "pingpong", "rtt_median_ns", "%.0f")
            if m:
                md.append("| %s | %s | %s |" % (r, m, s.cell(
                    r, "w2", 32, 0, "pingpong", "rtt_p99_ns", "%.0f")))
        md.append("")

    # W3
    # (ring, variant, publish): the slow-device variants push per item.
    w3 = sorted({(k[0], k[4], k[3]) for k in data if k[1] == "w3"},
                key=lambda x: (RINGS.index(x[0]), x[1]))
    if w3:
        md.append("### W3 sleeping consumer, 32 slots (modK = front wakes "
                  "after K responses, spinS = S polls before sleeping, "
                  "svcU = the back serves each request for U us and "
                  "pushes each response)")
        md.append("")
        md.append("| ring | variant | M requests/s | notifications/request "
                  "| sleeps/request |")
        md.append("|---|---|---|---|---|")
        for r, v, p in w3:
            md.append("| %s | %s | %s | %s | %s |" % (
                r, v, s.cell(r, "w3", 32, p, v, "mreq_per_s", "%.4g"),
                s.cell(r, "w3", 32, p, v, "notify_per_req", "%.4f"),
                s.cell(r, "w3", 32, p, v, "wakeups_per_req", "%.4f")))
        md.append("")

    # Instruction counts
    if any(k[1] == "count" for k in data):
        md.append("### Instructions per request (callgrind, one thread in "
                  "lockstep, 32 slots)")
        md.append("")
        md.append("| ring | ring, batched | ring, push per request | "
                  "message fill and checks |")
        md.append("|---|---|---|---|")
        for r in rings:
            a = s.get(r, "count", 32, 0, "lockstep", "ringop_instr_per_req")
            if a is None:
                continue
            b = s.get(r, "count", 32, 1, "lockstep", "ringop_instr_per_req")
            m = s.get(r, "count", 32, 0, "lockstep", "msg_instr_per_req")
            md.append("| %s | %.1f | %.1f | %.1f |" % (r, a, b, m))
        md.append("")

    # Targets
    t = []

    def w1best(r, slots):
        vals = [s.get(r, "w1", slots, p, "stream", W1)
                for p in (0, 1, 4, 8, 16, 64, 256)]
        vals = [v for v in vals if v is not None]
        return max(vals) if vals else None

    def add(name, value, goal, ok, pair=None):
        t.append("| %s | %s | %s | %s | %s |" % (
            name, value, "" if pair is None else fmt_ratio(pair), goal,
            "n/a" if ok is None else ("met" if ok else "**missed**")))

    def w1pair(a, b, slots, p):
        return paired(by_run, (a, "w1", slots, p, "stream", W1),
                      (b, "w1", slots, p, "stream", W1))

    for slots in (32, 512):
        for p in (1, 0, 16 if slots == 32 else 64):
            r = ratio(s.get("sring-xen", "w1", slots, p, "stream", W1),
                      s.get("xen", "w1", slots, p, "stream", W1))
            add("W1 %d slots p=%d: sring-xen / xen" % (slots, p),
                fmt_ratio(r), ">= 1.0 (noise ~10%)",
                None if r is None else r >= 0.9,
                w1pair("sring-xen", "xen", slots, p))
        for p in (1, 0, 16 if slots == 32 else 64):
            r = ratio(s.get("sring-fast", "w1", slots, p, "stream", W1),
                      s.get("xen", "w1", slots, p, "stream", W1))
            add("W1 %d slots p=%d: sring-fast / xen" % (slots, p),
                fmt_ratio(r), ">= 1.5", None if r is None else r >= 1.5,
                w1pair("sring-fast", "xen", slots, p))
        r = ratio(w1best("sring-fast", slots), w1best("xen", slots))
        add("W1 %d slots, best policy each: sring-fast / xen" % slots,
            fmt_ratio(r), ">= 1.5", None if r is None else r >= 1.5)
        for peer in ("ck", "dpdk"):
            r = ratio(w1best("sring-fast", slots), w1best(peer, slots))
            add("W1 %d slots, best policy each: sring-fast / %s" %
                (slots, peer), fmt_ratio(r), "> 1.0",
                None if r is None else r > 1.0)
    fx = s.get("sring-fast", "w2", 32, 0, "pingpong", "rtt_median_ns")

    def w2pair(b):
        return paired(by_run,
                      ("sring-fast", "w2", 32, 0, "pingpong", "rtt_median_ns"),
                      (b, "w2", 32, 0, "pingpong", "rtt_median_ns"))

    r = ratio(fx, s.get("xen", "w2", 32, 0, "pingpong", "rtt_median_ns"))
    add("W2 round trip: sring-fast / xen", fmt_ratio(r), "<= 0.65",
        None if r is None else r <= 0.65, w2pair("xen"))
    r = ratio(fx, s.get("line", "w2", 32, 0, "pingpong", "rtt_median_ns"))
    add("W2 round trip: sring-fast / line", fmt_ratio(r), "<= 1.3",
        None if r is None else r <= 1.3, w2pair("line"))
    xt = s.get("xen", "w3", 32, 0, "mod1_spin0", "mreq_per_s")
    xn = s.get("xen", "w3", 32, 0, "mod1_spin0", "notify_per_req")
    for r_ in ("sring-xen", "sring-fast"):
        v = [k[4] for k in data if k[0] == r_ and k[1] == "w3" and
             k[4].startswith("mod16_spin") and k[4] != "mod16_spin0" and
             "_svc" not in k[4]]
        if not v:
            continue
        r = ratio(s.get(r_, "w3", 32, 0, v[0], "mreq_per_s"), xt)
        add("W3 %s %s / xen plain: throughput" % (r_, v[0]), fmt_ratio(r),
            ">= 3", None if r is None else r >= 3)
        r = ratio(s.get(r_, "w3", 32, 0, v[0], "notify_per_req"), xn)
        add("W3 %s %s / xen plain: notifications per request" % (r_, v[0]),
            fmt_ratio(r), "<= 0.33", None if r is None else r <= 0.34)
    for p in (0, 1):
        xi = s.get("xen", "count", 32, p, "lockstep", "ringop_instr_per_req")
        for r_ in ("sring-xen", "sring-fast"):
            r = ratio(s.get(r_, "count", 32, p, "lockstep",
                            "ringop_instr_per_req"), xi)
            add("ring instructions/request p=%d: %s / xen" % (p, r_),
                fmt_ratio(r), "<= 1.0", None if r is None else r <= 1.0)
    if t:
        md.append("### Targets (ratios of medians within this run)")
        md.append("")
        md.append("*paired*: the median of the ratios taken run by run "
                  "(every ring of a configuration runs back to back), "
                  "which a spell of the machine moves less; the verdict "
                  "uses the ratio of medians.")
        md.append("")
        md.append("| target | now | paired | goal | |")
        md.append("|---|---|---|---|---|")
        md.extend(t)
        md.append("")

    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    plots(out, s, rings, data)
    print("\n".join(md))


def plots(out, s, rings, data):
    if not shutil.which("gnuplot"):
        print("summarize: gnuplot not found, no plots", file=sys.stderr)
        return
    series = []
    # W1: best batched figure (p=0) and per-request (p=1), by ring and size
    if any(k[1] == "w1" for k in data):  # only what ran
        with open(os.path.join(out, "w1.dat"), "w") as f:
            f.write("ring 32/p1 32/p0 32/p16 512/p1 512/p0 512/p64\n")
            for r in rings:
                row = [s.get(r, "w1", sl, p, "stream", W1)
                       for sl, p in ((32, 1), (32, 0), (32, 16), (512, 1),
                                     (512, 0), (512, 64))]
                if any(v is not None for v in row):
                    f.write(r + " " + " ".join(
                        "%.3f" % v if v is not None else "0"
                        for v in row) + "\n")
            series.append(("w1", "W1 stream: M requests/s (median)",
                           "M requests/s", 7))
    if any(k[1] == "w2" for k in data):  # only what ran
        with open(os.path.join(out, "w2.dat"), "w") as f:
            f.write("ring median p99\n")
            for r in rings:
                m = s.get(r, "w2", 32, 0, "pingpong", "rtt_median_ns")
                p = s.get(r, "w2", 32, 0, "pingpong", "rtt_p99_ns")
                if m is not None:
                    f.write("%s %.1f %.1f\n" % (r, m, p))
            series.append(("w2", "W2 ping-pong: round trip, ns", "ns", 3))
    if any(k[1] == "w3" for k in data):  # only what ran
        with open(os.path.join(out, "w3.dat"), "w") as f:
            f.write("config notifications/request\n")
            for k in sorted({(k[0], k[4], k[3]) for k in data
                             if k[1] == "w3"},
                            key=lambda x: (RINGS.index(x[0]), x[1])):
                v = s.get(k[0], "w3", 32, k[2], k[1], "notify_per_req")
                f.write("%s:%s %.5f\n" % (k[0], k[1], v))
            series.append(("w3", "W3: notifications per request (32 slots)",
                           "notifications/request", 2))
    for name, title, ylabel, ncol in series:
        for term, ext in (("pngcairo size 1000,500", "png"),
                          ("svg size 1000,500", "svg")):
            script = f"""
set terminal {term}
set output '{out}/{name}.{ext}'
set title '{title}'
set ylabel '{ylabel}'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top left autotitle columnhead
set xtics rotate by -30
set yrange [0:*]
set grid ytics
plot for [i=2:{ncol}] '{out}/{name}.dat' using i:xtic(1)
"""
            r = subprocess.run(["gnuplot"], input=script, text=True,
                               capture_output=True)
            if r.returncode != 0 and ext == "png":
                # gnuplot-nox may lack cairo: fall back to the png terminal.
                script = script.replace("pngcairo", "png")
                subprocess.run(["gnuplot"], input=script, text=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A PNG of requests/s and RSS against registry size, flex-auth and Cerbos, from bench/http.sh.

    bench/plot.py RESULTS_JSONL [OUT_PNG] [--mode log] [--cpu shared]

Reads the results.jsonl of one bench/http.sh run (bench/work/http/results/<time>/) and draws two
panels over the registry sizes it measured (4, 10k, 100k, 1M actors, evenly spaced): warmed-up
requests/s (median of the rounds) of flex-auth, the Cerbos peer and the ceiling (the JDK HTTP
server with a do-nothing handler), and RSS after the load. A size a server was not run at is left
out of its line. Pure Python (zlib and a 5x7 bitmap font): no matplotlib needed.
"""
import argparse
import json
import statistics
import struct
import zlib

W, H = 1000, 430
COLORS = {"flex-auth": (31, 119, 180), "cerbos": (214, 39, 40), "noop": (140, 140, 140)}
LABELS = {"flex-auth": "FLEX-AUTH", "cerbos": "CERBOS (PEER)", "noop": "CEILING (JDK SERVER, NO-OP)"}

# 5x7 glyphs, one string of 7 rows of 5 bits each.
FONT = {
    "0": "01110 10001 10011 10101 11001 10001 01110", "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111", "3": "11110 00001 00001 01110 00001 00001 11110",
    "4": "00010 00110 01010 10010 11111 00010 00010", "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110", "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110", "9": "01110 10001 10001 01111 00001 00010 01100",
    "A": "01110 10001 10001 11111 10001 10001 10001", "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110", "D": "11110 10001 10001 10001 10001 10001 11110",
    "E": "11111 10000 10000 11110 10000 10000 11111", "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111", "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110", "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001", "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001", "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110", "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101", "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110", "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110", "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010", "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 01010 00100 00100 00100 00100", "Z": "11111 00001 00010 00100 01000 10000 11111",
    " ": "00000 00000 00000 00000 00000 00000 00000", ".": "00000 00000 00000 00000 00000 01100 01100",
    ",": "00000 00000 00000 00000 01100 00100 01000", "-": "00000 00000 00000 11111 00000 00000 00000",
    "/": "00001 00010 00010 00100 01000 01000 10000", "(": "00010 00100 01000 01000 01000 00100 00010",
    ")": "01000 00100 00010 00010 00010 00100 01000", ":": "00000 01100 01100 00000 01100 01100 00000",
    "%": "11001 11010 00010 00100 01000 01011 10011", "=": "00000 00000 11111 00000 11111 00000 00000",
}


class Canvas:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = bytearray(b"\xff" * (w * h * 3))

    def dot(self, x, y, c):
        if 0 <= x < self.w and 0 <= y < self.h:
            i = (y * self.w + x) * 3
            self.px[i:i + 3] = bytes(c)

    def rect(self, x0, y0, x1, y1, c):
        for y in range(y0, y1 + 1):
            for x in range(x0, x1 + 1):
                self.dot(x, y, c)

    def line(self, x0, y0, x1, y1, c, width=1):
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for i in range(steps + 1):
            x = round(x0 + (x1 - x0) * i / steps)
            y = round(y0 + (y1 - y0) * i / steps)
            self.rect(x - width // 2, y - width // 2, x + width // 2, y + width // 2, c)

    def text(self, x, y, s, c=(0, 0, 0), scale=2):
        for ch in s.upper():
            rows = FONT.get(ch, FONT[" "]).split()
            for r, bits in enumerate(rows):
                for k, b in enumerate(bits):
                    if b == "1":
                        self.rect(x + k * scale, y + r * scale, x + k * scale + scale - 1, y + r * scale + scale - 1, c)
            x += 6 * scale

    def png(self, path):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3]) for y in range(self.h))

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                    + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def nice_max(v):
    for m in (1, 2, 2.5, 5, 10):
        step = m * 10 ** (len(str(int(v))) - 1)
        if step * 1 >= v:
            return step
    return v


def short(n):
    return "%dM" % (n // 1000000) if n >= 1000000 else "%dK" % (n // 1000) if n >= 1000 else str(n)


def panel(cv, x0, y0, w, h, title, unit, sizes, series):
    top = max([v for s in series.values() for v in s.values()] + [1])
    top = nice_max(top * 1.05)
    cv.text(x0, y0 - 30, title)
    ax, ay, aw, ah = x0 + 70, y0, w - 80, h - 40
    cv.line(ax, ay, ax, ay + ah, (0, 0, 0))
    cv.line(ax, ay + ah, ax + aw, ay + ah, (0, 0, 0))
    for k in range(5):
        v = top * k / 4
        y = ay + ah - round(ah * k / 4)
        cv.line(ax - 4, y, ax, y, (0, 0, 0))
        if k:
            cv.line(ax + 1, y, ax + aw, y, (225, 225, 225))
        label = ("%.0fK" % (v / 1000)) if unit == "K" else "%.0f" % v
        cv.text(ax - 8 - 12 * len(label), y - 7, label)
    xs = {n: ax + round(aw * (i + 0.5) / len(sizes)) for i, n in enumerate(sizes)}
    for n, x in xs.items():
        cv.line(x, ay + ah, x, ay + ah + 4, (0, 0, 0))
        cv.text(x - 6 * len(short(n)), ay + ah + 10, short(n))
    for name, pts in series.items():
        c = COLORS[name]
        ordered = [(xs[n], ay + ah - round(ah * pts[n] / top)) for n in sizes if n in pts]
        for (xa, ya), (xb, yb) in zip(ordered, ordered[1:]):
            cv.line(xa, ya, xb, yb, c, width=3)
        for x, y in ordered:
            cv.rect(x - 4, y - 4, x + 4, y + 4, c)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("out", nargs="?", default="docs/performance-registry-size.png")
    p.add_argument("--mode", default="log")
    p.add_argument("--cpu", default="shared")
    a = p.parse_args()
    rows = [json.loads(line) for line in open(a.results, encoding="utf-8") if line.strip()]
    rps, rss = {}, {}
    for r in rows:
        if r.get("mode") != a.mode or r.get("cpu") != a.cpu or r["server"] not in COLORS:
            continue
        if r["kind"] == "load":
            rps.setdefault(r["server"], {}).setdefault(r["actors"], []).append(r["result"]["rps"])
        elif r["kind"] == "rss":
            rss.setdefault(r["server"], {})[r["actors"]] = r["kb"] / 1024.0
    rps = {s: {n: statistics.median(v) for n, v in d.items()} for s, d in rps.items()}
    sizes = sorted({n for d in rps.values() for n in d} | {n for d in rss.values() for n in d})
    if not sizes:
        raise SystemExit("no %s/%s load rows in %s" % (a.mode, a.cpu, a.results))
    cv = Canvas(W, H)
    panel(cv, 20, 60, 480, 320, "REQUESTS/S, WARMED UP", "K", sizes, rps)
    panel(cv, 510, 60, 480, 320, "RSS AFTER LOAD (MB)", "", sizes, {s: d for s, d in rss.items() if s != "noop"})
    cv.text(90, 12, "ACTORS IN THE REGISTRY (X AXIS), DECISION LOG %s, %s CPUS" % ("ON" if a.mode != "off" else "OFF", a.cpu.upper()))
    x = 90
    for name in ("flex-auth", "cerbos", "noop"):
        if name in rps:
            cv.rect(x, 408, x + 14, 418, COLORS[name])
            cv.text(x + 20, 406, LABELS[name])
            x += 20 + 12 * len(LABELS[name]) + 30
    cv.png(a.out)
    print("wrote %s (%s)" % (a.out, ", ".join("%s: %s" % (s, ", ".join("%s %.0f req/s" % (short(n), v) for n, v in sorted(d.items())))
                                           for s, d in rps.items())))


if __name__ == "__main__":
    main()

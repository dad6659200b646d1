#!/usr/bin/env python3
"""Where the CPU samples of a JFR recording go: by stage of the HTTP path and by top frame.

    jfr_top.py RECORDING.jfr [TOP_N]

Reads jdk.ExecutionSample (and jdk.NativeMethodSample) through `jfr print --json`. Each sample is
given to the first stage (below) whose frame appears in its stack, looked for from the innermost
frame outwards, so a sample in Jackson called by RequestJson counts as "read the JSON request".
Prints the share of every stage, then the TOP_N innermost frames, then the allocation samples
(jdk.ObjectAllocationSample, weighted by bytes) by class and by allocating frame.
"""
import collections
import json
import subprocess
import sys

# (stage, frame prefixes), matched against "class.method" of each frame, innermost first.
STAGES = [
    ("decision log: append (hash chain, write, sync)", ["dev.flexauth.log."]),
    ("decision log: render the record", ["dev.flexauth.json.DecisionJson.logBody"]),
    ("envelope: render the answer", ["dev.flexauth.json.DecisionJson.envelope"]),
    ("read the JSON request", ["dev.flexauth.json.RequestJson."]),
    ("Engine.check", ["dev.flexauth.engine."]),
    ("metrics", ["dev.flexauth.server.observability.Metrics."]),
    ("flex-auth router and call (headers, body, limits)", ["dev.flexauth.server."]),
    ("JDK HTTP server: dispatcher, selector, parsing, response", ["sun.net.httpserver.", "com.sun.net.httpserver."]),
    ("socket I/O and selector (outside the HTTP server's frames)", ["sun.nio.ch.", "java.nio."]),
    ("thread pool, locks, parking", ["java.util.concurrent.", "jdk.internal.misc.Unsafe.park"]),
    ("GC, JIT and other JVM threads", []),
]


def frames(event):
    st = event["values"].get("stackTrace") or {}
    out = []
    for f in st.get("frames", []):
        m = f["method"]
        out.append(m["type"]["name"].replace("/", ".") + "." + m["name"])
    return out


def stage(fs):
    for f in fs:
        for name, prefixes in STAGES:
            if any(f.startswith(p) for p in prefixes):
                return name
    return STAGES[-1][0]


def load(path, events):
    out = subprocess.run(["jfr", "print", "--json", "--events", events, path], check=True, capture_output=True).stdout
    return json.loads(out)["recording"]["events"]


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    samples = load(path, "jdk.ExecutionSample")
    n = len(samples)
    by_stage = collections.Counter()
    by_top = collections.Counter()
    for e in samples:
        fs = frames(e)
        by_stage[stage(fs)] += 1
        by_top[fs[0] if fs else "?"] += 1
    print("%d CPU samples (jdk.ExecutionSample, Java code only)\n" % n)
    print("| stage of the request | share of samples |\n|---|---:|")
    for name, _ in STAGES:
        if by_stage[name]:
            print("| %s | %.1f%% |" % (name, 100.0 * by_stage[name] / n))
    print("\nTop %d innermost frames:\n" % top)
    for f, c in by_top.most_common(top):
        print("%6.1f%%  %s" % (100.0 * c / n, f))

    allocs = load(path, "jdk.ObjectAllocationSample")
    if allocs:
        total = sum(e["values"]["weight"] for e in allocs)
        by_class = collections.Counter()
        by_site = collections.Counter()
        for e in allocs:
            w = e["values"]["weight"]
            by_class[e["values"]["objectClass"]["name"].replace("/", ".")] += w
            fs = [f for f in frames(e) if f.startswith(("dev.flexauth.", "sun.net.httpserver.", "com.fasterxml."))]
            by_site[fs[0] if fs else (frames(e) or ["?"])[0]] += w
        print("\nAllocation samples, weighted by bytes (%d samples):\n" % len(allocs))
        for cls, w in by_class.most_common(12):
            print("%6.1f%%  %s" % (100.0 * w / total, cls))
        print("\nBy innermost flex-auth, Jackson or JDK HTTP server frame:\n")
        for site, w in by_site.most_common(15):
            print("%6.1f%%  %s" % (100.0 * w / total, site))


if __name__ == "__main__":
    main()

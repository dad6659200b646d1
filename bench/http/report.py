#!/usr/bin/env python3
"""Markdown tables from the results.jsonl that bench/http.sh writes.

    report.py RESULTS_JSONL [MACHINE_TXT]

Per snapshot and CPU configuration: for each decision-log mode, the median over the rounds of
requests/s, p50, p99 and p99.9 (each metric's own median), RSS after the load, for flex-auth and
Cerbos, and the ratio flex-auth/Cerbos from the same run; then time to healthy (median of the runs).
"""
import json
import statistics
import sys

MODES = {"off": ("off", "audit off"), "log": ("`--log`", "file audit on"),
         "fsync": ("`--log --log-fsync`", "file audit on")}


def ms(us):
    return "%.2f ms" % (us / 1000.0) if us < 100_000 else "%.0f ms" % (us / 1000.0)


def main():
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    if len(sys.argv) > 2:
        print("```\n" + open(sys.argv[2], encoding="utf-8").read().rstrip() + "\n```\n")
    load = {}
    rss = {}
    healthy = {}
    for r in rows:
        if r["kind"] == "load":
            load.setdefault((r["actors"], r["cpu"], r["mode"], r["server"]), []).append(r["result"])
        elif r["kind"] == "rss":
            rss[(r["actors"], r["cpu"], r["mode"], r["server"])] = r["kb"]
        elif r["kind"] == "healthy":
            healthy[(r["actors"], r["cpu"], r["server"])] = r["result"]

    groups = sorted({(a, c) for (a, c, _, _) in load}, key=lambda k: (k[0], k[1] != "shared"))
    for actors, cpu in groups:
        print("#### %s actors, %s CPUs\n" % (format(actors, ","), cpu))
        print("| decision log (flex-auth / Cerbos) | server | requests/s | p50 | p99 | p99.9 | RSS after load |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for mode in ("off", "log", "fsync"):
            f = load.get((actors, cpu, mode, "flex-auth"))
            c = load.get((actors, cpu, mode, "cerbos"))
            if not f or not c:
                continue
            med = lambda rs, k: statistics.median(x[k] for x in rs)
            label = "%s / %s" % MODES[mode]
            fr, cr = rss[(actors, cpu, mode, "flex-auth")], rss[(actors, cpu, mode, "cerbos")]
            for name, rs, kb in (("flex-auth", f, fr), ("Cerbos", c, cr)):
                print("| %s | %s | %s | %s | %s | %s | %.0f MB |" % (
                    label, name, format(round(med(rs, "rps")), ","), ms(med(rs, "p50_us")), ms(med(rs, "p99_us")),
                    ms(med(rs, "p999_us")), kb / 1024.0))
            print("| %s | **flex-auth / Cerbos** | **%.1f×** | %.2f× | %.2f× | %.2f× | %.2f× |" % (
                label, med(f, "rps") / med(c, "rps"), med(f, "p50_us") / med(c, "p50_us"),
                med(f, "p99_us") / med(c, "p99_us"), med(f, "p999_us") / med(c, "p999_us"), fr / cr))
        rounds = len(load[(actors, cpu, next(m for m in MODES if (actors, cpu, m, "flex-auth") in load), "flex-auth")])
        print("\nMedians of %d alternating rounds per server; every round's figures are in results.jsonl.\n" % rounds)

    if healthy:
        print("#### Time from process start to a healthy health endpoint\n")
        print("| actors | CPUs | flex-auth (`bin/flex-auth serve`) | Cerbos | flex-auth / Cerbos |")
        print("|---:|---|---:|---:|---:|")
        for actors, cpu in sorted({(a, c) for (a, c, _) in healthy}, key=lambda k: (k[0], k[1] != "shared")):
            f = healthy.get((actors, cpu, "flex-auth"))
            c = healthy.get((actors, cpu, "cerbos"))
            if not f or not c:
                continue
            print("| %s | %s | %.0f ms (%s) | %.0f ms (%s) | %.2f× |" % (
                format(actors, ","), cpu, f["median_ms"], ", ".join("%.0f" % x for x in f["runs_ms"]),
                c["median_ms"], ", ".join("%.0f" % x for x in c["runs_ms"]), f["median_ms"] / c["median_ms"]))
        print("\nMedian of the runs (each run's time in parentheses), polled every 10 ms.")


if __name__ == "__main__":
    main()

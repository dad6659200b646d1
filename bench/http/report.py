#!/usr/bin/env python3
"""Markdown tables from the results.jsonl that bench/http.sh writes.

    report.py RESULTS_JSONL [MACHINE_TXT]

Per snapshot and CPU configuration, for each decision-log mode: the median over the rounds of
requests/s, p50, p99 and p99.9 (each metric's own median) and the RSS after the warm-up and after
the load, for flex-auth and the Cerbos peer with the ratio from the same run; the ceiling (the JDK
HTTP server with a do-nothing handler) with flex-auth as a fraction of it; the own formulation's
pair. Then the first 10 s after healthy against the warmed-up rate, and time to healthy.
"""
import json
import statistics
import sys

MODES = {"off": ("off", "audit off"), "log": ("`--log`", "file audit on"),
         "fsync": ("`--log --log-fsync`", "file audit on")}
NAMES = {"flex-auth": "flex-auth", "cerbos": "Cerbos (peer)", "noop": "ceiling: JDK server, do-nothing handler",
         "flex-auth-own": "flex-auth, own mix", "cerbos-own": "Cerbos, own formulation"}


def ms(us):
    return "%.2f ms" % (us / 1000.0) if us < 100_000 else "%.0f ms" % (us / 1000.0)


def mb(kb):
    return "%.0f MB" % (kb / 1024.0) if kb else ""


def med(rs, k):
    return statistics.median(x[k] for x in rs)


def main():
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    if len(sys.argv) > 2:
        print("```\n" + open(sys.argv[2], encoding="utf-8").read().rstrip() + "\n```\n")
    load, rss, rss_warm, healthy, first, warmup = {}, {}, {}, {}, {}, {}
    for r in rows:
        key = (r.get("actors"), r.get("cpu"), r.get("mode"), r["server"])
        if r["kind"] == "load":
            load.setdefault(key, []).append(r["result"])
        elif r["kind"] == "rss":
            rss[key] = r["kb"]
        elif r["kind"] == "rss_warm":
            rss_warm[key] = r["kb"]
        elif r["kind"] == "first10":
            first[key] = r
        elif r["kind"] == "warmup":
            warmup[key] = r["result"]["requests"]
        elif r["kind"] == "healthy":
            healthy[(r["actors"], r["cpu"], r["server"])] = r["result"]

    groups = sorted({(a, c) for (a, c, _, _) in load}, key=lambda k: (k[0], k[1] != "shared"))
    for actors, cpu in groups:
        print("#### %s actors, %s CPUs\n" % (format(actors, ","), cpu))
        print("| decision log (flex-auth / Cerbos) | server | requests/s | p50 | p99 | p99.9 | RSS after warm-up | RSS after load |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for mode in ("off", "log", "fsync"):
            label = "%s / %s" % MODES[mode]
            got = {s: load.get((actors, cpu, mode, s)) for s in NAMES}
            if not got["flex-auth"]:
                continue
            for s, rs in got.items():
                if not rs:
                    continue
                k = (actors, cpu, mode, s)
                print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    label, NAMES[s], format(round(med(rs, "rps")), ","), ms(med(rs, "p50_us")), ms(med(rs, "p99_us")),
                    ms(med(rs, "p999_us")), mb(rss_warm.get(k)), mb(rss.get(k))))
            f, c, n = got["flex-auth"], got["cerbos"], got["noop"]
            if c:
                k = (actors, cpu, mode)
                print("| %s | **flex-auth / Cerbos (peer)** | **%.1f×** | %.2f× | %.2f× | %.2f× | %.2f× | %.2f× |" % (
                    label, med(f, "rps") / med(c, "rps"), med(f, "p50_us") / med(c, "p50_us"),
                    med(f, "p99_us") / med(c, "p99_us"), med(f, "p999_us") / med(c, "p999_us"),
                    rss_warm[k + ("flex-auth",)] / rss_warm[k + ("cerbos",)], rss[k + ("flex-auth",)] / rss[k + ("cerbos",)]))
            if n:
                print("| %s | **flex-auth / ceiling** | **%.0f%%** | %.2f× | %.2f× | %.2f× | | |" % (
                    label, 100.0 * med(f, "rps") / med(n, "rps"), med(f, "p50_us") / med(n, "p50_us"),
                    med(f, "p99_us") / med(n, "p99_us"), med(f, "p999_us") / med(n, "p999_us")))
            fo, co = got["flex-auth-own"], got["cerbos-own"]
            if fo and co:
                print("| %s | **flex-auth / Cerbos, own formulation** | **%.1f×** | %.2f× | %.2f× | %.2f× | | |" % (
                    label, med(fo, "rps") / med(co, "rps"), med(fo, "p50_us") / med(co, "p50_us"),
                    med(fo, "p99_us") / med(co, "p99_us"), med(fo, "p999_us") / med(co, "p999_us")))
        rounds = len(load[(actors, cpu, next(m for m in MODES if (actors, cpu, m, "flex-auth") in load), "flex-auth")])
        print("\nMedians of %d alternating rounds per server; every round's figures are in results.jsonl." % rounds)
        served = ["%s %s" % (NAMES[s], format(first[(actors, cpu, m, s)]["result"]["requests"] + warmup[(actors, cpu, m, s)], ","))
                  for (a, c, m, s) in sorted(warmup) if (a, c) == (actors, cpu) and (a, c, m, s) in first]
        print("RSS after warm-up: after the first 10 s and the warm-up%s.\n"
              % ((" (requests answered by then: " + "; ".join(served) + ")") if served else ""))

    if first:
        print("#### The first 10 s after healthy against the warmed-up rate\n")
        print("| actors | CPUs | decision log | server | first 10 s | requests in them | RSS after them | warmed up (median) | first / warmed |")
        print("|---:|---|---|---|---:|---:|---:|---:|---:|")
        for (actors, cpu, mode, s), r in sorted(first.items(), key=lambda kv: (kv[0][0], kv[0][1] != "shared", kv[0][2], kv[0][3] != "flex-auth")):
            warm = load.get((actors, cpu, mode, s))
            w = med(warm, "rps") if warm else None
            print("| %s | %s | %s | %s | %s req/s | %s | %s | %s | %s |" % (
                format(actors, ","), cpu, MODES[mode][0] if s == "flex-auth" else MODES[mode][1], NAMES[s],
                format(round(r["result"]["rps"]), ","), format(r["result"]["requests"], ","), mb(r["rss_kb"]),
                format(round(w), ",") + " req/s" if w else "", "%.0f%%" % (100.0 * r["result"]["rps"] / w) if w else ""))
        print()

    if healthy:
        print("#### Time from process start to a healthy health endpoint\n")
        print("| actors | CPUs | flex-auth (`bin/flex-auth serve`) | Cerbos (peer) | flex-auth / Cerbos |")
        print("|---:|---|---:|---:|---:|")
        for actors, cpu in sorted({(a, c) for (a, c, _) in healthy}, key=lambda k: (k[0], k[1] != "shared")):
            f = healthy.get((actors, cpu, "flex-auth"))
            c = healthy.get((actors, cpu, "cerbos"))
            fs = "%.0f ms (%s)" % (f["median_ms"], ", ".join("%.0f" % x for x in f["runs_ms"])) if f else ""
            cs = "%.0f ms (%s)" % (c["median_ms"], ", ".join("%.0f" % x for x in c["runs_ms"])) if c else "not run"
            print("| %s | %s | %s | %s | %s |" % (format(actors, ","), cpu, fs, cs,
                                                "%.2f×" % (f["median_ms"] / c["median_ms"]) if f and c else ""))
        print("\nMedian of the runs (each run's time in parentheses), polled every 10 ms.")


if __name__ == "__main__":
    main()

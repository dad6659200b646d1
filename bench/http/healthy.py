#!/usr/bin/env python3
"""Time from process start to the first 200 of a health endpoint.

    healthy.py --url URL --runs N [--taskset CPUS] -- COMMAND...

Starts COMMAND (fork and exec; the clock starts just before the fork), polls URL every 10 ms with
a fresh connection until it answers 200, records the time, stops the process (SIGTERM, then
SIGKILL after 10 s) and waits for it, N times in a row. Prints one JSON line: every run in ms and
the median. Fails if a run does not become healthy within 120 s or the process exits.
"""
import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse

POLL_S = 0.010


def healthy(url):
    u = urllib.parse.urlsplit(url)
    try:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=1)
        c.request("GET", u.path)
        ok = c.getresponse().status == 200
        c.close()
        return ok
    except OSError:
        return False


def one(url, command):
    start = time.monotonic()
    p = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if healthy(url):
                return (time.monotonic() - start) * 1000
            if p.poll() is not None:
                raise SystemExit("%s exited with %d before it was healthy" % (command[0], p.returncode))
            if time.monotonic() - start > 120:
                raise SystemExit("%s was not healthy after 120 s" % command[0])
            time.sleep(POLL_S)
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        raise SystemExit("usage: healthy.py --url URL --runs N [--taskset CPUS] -- COMMAND...")
    cut = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--taskset")
    args = p.parse_args(argv[:cut])
    command = argv[cut + 1:]
    if args.taskset:
        command = ["taskset", "-c", args.taskset] + command
    runs = []
    for _ in range(args.runs):
        if healthy(args.url):
            raise SystemExit("%s already answers before the server was started; is another one running?" % args.url)
        runs.append(one(args.url, command))
        time.sleep(0.5)
    print(json.dumps({"runs_ms": [round(r, 1) for r in runs], "median_ms": round(statistics.median(runs), 1)}))


if __name__ == "__main__":
    main()

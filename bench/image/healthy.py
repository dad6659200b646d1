#!/usr/bin/env python3
"""Time to healthy of the flex-auth image against the same jar on the host.

    bench/image/healthy.py [--rounds N] [--image REF]

Run from the repository root after deploy/build-image.sh (and with podman's CONTAINERS_CONF set
where the machine needs it, see deploy/smoke-image.sh). Each round starts, one after the other:

  host          bin/flex-auth serve (its CDS archive already built), from the fork to the first
                200 of /healthz, as bench/http/healthy.py measures it;
  host-image-jvm the image's own runtime, jar, archive and JVM options, run on the host from the
                build context (flex-auth-cli/target/image/context/rootfs/opt/flex-auth);
  container     `podman run -d` of the image with its default command (read-only root, the
                example files mounted, the port published on loopback). Two figures: from the
                container's process start (podman's State.StartedAt) to healthy, which is the
                JVM inside the container, and from the `podman run` call, which adds podman's own
                work (storage, runc, the network);
  container-host-network  the same container on the host's network (--network host, serve on a
                free loopback port instead of the default command's 0.0.0.0:8080): no port mapping
                between the poller and the server;
  host-image-jvm-in-cpu-cgroup  the same as host-image-jvm, in a CPU cgroup of its own with the
                default weight, as podman runs a container (cgroup v1, as root; left out elsewhere).
                On a loaded machine the container's threads share one group's weight while a
                host process's threads each compete with every other task: this row is the fair
                comparison for the container.

All serve the example files with the decision log on. Prints one line per run and a JSON summary
with the medians; the machine's load average is printed with it, as it moves every figure.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
import healthy as h  # noqa: E402  (bench/http/healthy.py: the same poller and the same clock)

EXAMPLES = os.path.abspath("examples/ops-warden")
REGISTRY = os.path.join(EXAMPLES, "production_registry_snapshot.json")
POLICY = os.path.join(EXAMPLES, "policy_package.md")
APP = os.path.abspath("flex-auth-cli/target/image/context/rootfs/opt/flex-auth")


def image_jvm_options(image):
    """The image's ENTRYPOINT (with its in-image paths) and JAVA_TOOL_OPTIONS."""
    out = subprocess.run(["podman", "image", "inspect", "--format", "{{json .Config}}", image],
                         check=True, capture_output=True, text=True).stdout
    config = json.loads(out)
    env = dict(e.split("=", 1) for e in config.get("Env") or [])
    return config["Entrypoint"], env.get("JAVA_TOOL_OPTIONS", "")


def container_run(image, port, log_dir, host_network=False):
    name = "flex-auth-healthy-%d-%d" % (os.getpid(), port)
    url = "http://127.0.0.1:%d/healthz" % port
    if h.healthy(url):
        raise SystemExit("%s already answers; is another server running?" % url)
    if host_network:
        # The host's network: no port mapping; the default command's paths, on a free port.
        network = ["--network", "host"]
        command = ["serve", "--addr", "127.0.0.1:%d" % port, "--registry", "/etc/flex-auth/production_registry_snapshot.json",
                   "--policy", "/etc/flex-auth/policy_package.md", "--log", "/var/log/flex-auth/host-network.jsonl"]
    else:
        network = ["-p", "127.0.0.1:%d:8080" % port]
        command = []
    start = time.time()
    subprocess.run(["podman", "run", "-d", "--name", name, "--read-only", "--read-only-tmpfs=false"] + network
                   + ["-v", EXAMPLES + ":/etc/flex-auth:ro", "-v", log_dir + ":/var/log/flex-auth", image] + command,
                   check=True, stdout=subprocess.DEVNULL)
    try:
        while not h.healthy(url):
            if time.time() - start > 120:
                raise SystemExit("the container was not healthy after 120 s")
            time.sleep(h.POLL_S)
        done = time.time()
        started = subprocess.run(["podman", "inspect", "--format", "{{.State.StartedAt.UnixNano}}", name],
                                 check=True, capture_output=True, text=True).stdout.strip()
        return (done - int(started) / 1e9) * 1000, (done - start) * 1000
    finally:
        subprocess.run(["podman", "rm", "-f", "-t", "10", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--image", default=None)
    args = p.parse_args()
    image = args.image
    if image is None:
        version = subprocess.run(["bin/flex-auth", "version"], check=True, capture_output=True, text=True).stdout.split()[1]
        image = "localhost/flex-auth:" + version
    entrypoint, tool_options = image_jvm_options(image)
    work = tempfile.mkdtemp()
    log_dir = os.path.join(work, "log")
    os.mkdir(log_dir)
    os.chmod(log_dir, 0o777)
    serve_args = ["--registry", REGISTRY, "--policy", POLICY]

    # The image's java command with its in-image paths, run on the host from the build context.
    host_java = [a.replace("/opt/flex-auth", APP) for a in entrypoint]
    env = dict(os.environ, JAVA_TOOL_OPTIONS=tool_options)

    cgroup = cpu_cgroup()
    figures = {"host": [], "host-image-jvm": [], "container-from-process-start": [], "container-from-podman-run": [],
               "container-host-network-from-process-start": [], "container-host-network-from-podman-run": []}
    if cgroup:
        figures["host-image-jvm-in-cpu-cgroup"] = []
    for r in range(args.rounds):
        port = 18480 + r * 4
        figures["host"].append(h.one("http://127.0.0.1:%d/healthz" % port, ["bin/flex-auth", "serve", "--addr", "127.0.0.1:%d" % port]
                                     + serve_args + ["--log", os.path.join(log_dir, "host.jsonl")]))
        time.sleep(0.5)
        os.chdir(APP)
        try:
            figures["host-image-jvm"].append(one_env("http://127.0.0.1:%d/healthz" % (port + 1), host_java + [
                "serve", "--addr", "127.0.0.1:%d" % (port + 1)] + serve_args + ["--log", os.path.join(log_dir, "jvm.jsonl")], env))
            if cgroup:
                time.sleep(0.5)
                figures["host-image-jvm-in-cpu-cgroup"].append(one_env("http://127.0.0.1:%d/healthz" % (port + 1), host_java + [
                    "serve", "--addr", "127.0.0.1:%d" % (port + 1)] + serve_args + ["--log", os.path.join(log_dir, "jvm.jsonl")], env, cgroup))
        finally:
            os.chdir(ROOT)
        time.sleep(0.5)
        inside, total = container_run(image, port + 2, log_dir)
        figures["container-from-process-start"].append(inside)
        figures["container-from-podman-run"].append(total)
        time.sleep(0.5)
        inside, total = container_run(image, port + 3, log_dir, host_network=True)
        figures["container-host-network-from-process-start"].append(inside)
        figures["container-host-network-from-podman-run"].append(total)
        print("round %d: %s" % (r + 1, ", ".join("%s %.0f ms" % (k, v[-1]) for k, v in figures.items())), flush=True)
        time.sleep(0.5)
    summary = {k: {"median_ms": round(statistics.median(v), 1), "runs_ms": [round(x, 1) for x in v]} for k, v in figures.items()}
    host = summary["host"]["median_ms"]
    summary["ratio_container_from_process_start_to_host"] = round(summary["container-from-process-start"]["median_ms"] / host, 2)
    summary["ratio_container_from_podman_run_to_host"] = round(summary["container-from-podman-run"]["median_ms"] / host, 2)
    summary["ratio_container_host_network_from_process_start_to_host"] = round(
        summary["container-host-network-from-process-start"]["median_ms"] / host, 2)
    if cgroup:
        summary["ratio_container_from_process_start_to_host_image_jvm_in_cpu_cgroup"] = round(
            summary["container-from-process-start"]["median_ms"] / summary["host-image-jvm-in-cpu-cgroup"]["median_ms"], 2)
        os.rmdir(cgroup)
    summary["load_average"] = [round(x, 2) for x in os.getloadavg()]
    summary["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(json.dumps(summary))


def one_env(url, command, env, cgroup=None):
    """bench/http/healthy.py's one(), with an environment (the image's JAVA_TOOL_OPTIONS) and,
    optionally, in a CPU cgroup of its own (the process moves itself there before exec)."""
    def enter():
        if cgroup:
            with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, preexec_fn=enter)
    try:
        while True:
            if h.healthy(url):
                return (time.monotonic() - start) * 1000
            if proc.poll() is not None:
                raise SystemExit("%s exited with %d before it was healthy" % (command[0], proc.returncode))
            if time.monotonic() - start > 120:
                raise SystemExit("%s was not healthy after 120 s" % command[0])
            time.sleep(h.POLL_S)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_cgroup():
    """A fresh cgroup v1 CPU group with the default weight, like the one podman puts a container
    in, or None where there is none to make (cgroup v2, not root)."""
    base = "/sys/fs/cgroup/cpu"
    path = os.path.join(base, "flex-auth-healthy-%d" % os.getpid())
    try:
        os.mkdir(path)
        return path
    except OSError:
        return None


ROOT = os.getcwd()

if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""bench/streams/load.py: what N send + N receive streams cost one daemon.

One release `rocd --driver mock` (realtime mock clock) whose fixture has N
microphones (48 kHz mono, a 440 Hz tone) and N speakers (48 kHz stereo),
all set up through the REST API at the default settings: for each i, a
receive stream binding 127.0.0.1 (RTP + RS8M repair) that plays into
speaker i, and a send stream from microphone i to it. After a 5 s warm-up
it measures over SECONDS:

- CPU of the daemon (user + system, from /proc/<pid>/stat), as % of one
  core in all and per send+receive pair;
- its resident memory (VmRSS) in all and per pair, above the same daemon
  with no stream;
- the share of 10 ms windows the speakers heard as a clean 440 Hz tone
  (the mock's ear, src/drivers/mock/tone_ear.h): a faster path that drops
  or mangles audio cannot pass for a cheaper one.

    bench/streams/load.py N SECONDS [ROCD]   (ROCD default build/release/bin/rocd)
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(top, "bench", "lib"))
from rocd_bench import call, cpu_seconds, free_port, rss_mib  # noqa: E402
pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20
rocd = sys.argv[3] if len(sys.argv) > 3 else os.path.join(top, "build/release/bin/rocd")


def heard(report):
    try:
        with open(report) as f:
            devices = json.load(f)["devices"]
    except (OSError, ValueError):
        return 0, 0
    return (sum(d["windows"] for d in devices.values()), sum(d["clean"] for d in devices.values()))


with tempfile.TemporaryDirectory() as work:
    report = os.path.join(work, "heard.json")
    fixture = os.path.join(work, "fixture.json")
    devices = []
    for i in range(pairs):
        devices.append({"name": f"mic_{i}", "direction": "input", "channels": 1, "rate": 48000, "tone_hz": 440.0})
        devices.append({"name": f"sink_{i}", "direction": "output", "channels": 2, "rate": 48000, "tone_hz": 440.0})
    with open(fixture, "w") as f:
        json.dump({"tone_report": report, "devices": devices}, f)
    config = os.path.join(work, "rocd.yaml")
    with open(config, "w") as f:
        f.write(f"max_streams: {2 * pairs}\n")  # 64 by default
    api = free_port()
    daemon = subprocess.Popen([rocd, "--driver", "mock", "--mock-fixture", fixture, "--config", config,
                               "--listen", f"127.0.0.1:{api}",
                               "--p2p-listen", "off", "--discovery", "off", "--state-dir", os.path.join(work, "state")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                call(api, "GET", "/status")
                break
            except (urllib.error.URLError, ConnectionError, RuntimeError):
                time.sleep(0.05)
        time.sleep(1)
        idle_rss = rss_mib(daemon.pid)
        ports = {p["system_name"]: p["port_uri"] for p in call(api, "GET", "/peers/self/ports")}
        streams = []
        for i in range(pairs):
            media, repair = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
            ends = {"media_uri": f"rtp+rs8m://127.0.0.1:{media}", "repair_uri": f"rs8m://127.0.0.1:{repair}"}
            rx = call(api, "POST", "/streams", {"source": {"type": "address", **ends},
                                                "destination": {"type": "port", "port_uri": ports[f"sink_{i}"]}})
            tx = call(api, "POST", "/streams", {"source": {"type": "port", "port_uri": ports[f"mic_{i}"]},
                                                "destination": {"type": "address", **ends}})
            streams += [rx["stream_uid"], tx["stream_uid"]]
        time.sleep(5)
        active = sum(1 for s in call(api, "GET", "/streams") if s["state"] == "active")
        windows0, clean0 = heard(report)
        cpu0, t0 = cpu_seconds(daemon.pid), time.monotonic()
        time.sleep(seconds)
        cpu1, t1 = cpu_seconds(daemon.pid), time.monotonic()
        windows1, clean1 = heard(report)
        rss = rss_mib(daemon.pid)
        cpu = 100 * (cpu1 - cpu0) / (t1 - t0)
        share = (clean1 - clean0) / max(1, windows1 - windows0)
        print(f"N={pairs}: {active}/{2 * pairs} streams active; CPU {cpu:.1f} % of a core in all, "
              f"{cpu / pairs:.2f} % per pair ({100 / (cpu / pairs) if cpu else 0:.0f} pairs per core); "
              f"RSS {rss:.1f} MiB ({(rss - idle_rss) / pairs:.2f} MiB per pair above {idle_rss:.1f} MiB idle); "
              f"clean tone in {100 * share:.1f} % of {windows1 - windows0} windows of 10 ms over {seconds:.0f} s")
    finally:
        daemon.terminate()
        daemon.wait()

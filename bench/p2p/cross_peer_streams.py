#!/usr/bin/env python3
"""bench/p2p/cross_peer_streams.py: what a stream between two peers costs.

Three mock-driver rocd daemons on loopback that trust each other by a
network secret (B dials A, C dials A and B). Prints:

- set-up: time from `POST /streams` on A (A's microphone to B's speakers),
  and on C (the same stream coordinated by a third peer), to the first
  packets received by B's half, median and p99 of N tries each (each stream
  deleted before the next);
- resume: after kill -9 of B mid-stream, how soon A's half shows
  waiting_for_peer, and, B started again on its state, how soon audio flows
  at B and A's half is active again (R times);
- CPU: each daemon's CPU over 20 s with K cross-peer streams, and then with
  the same K streams made by hand (a send stream on A to a receive stream on
  B, same endpoints kind: RS8M + repair + RTCP), side by side.

    bench/p2p/cross_peer_streams.py [ROCD] [N] [K] [R]   (defaults: build/release/bin/rocd 20 10 5)
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(top, "bench", "lib"))
from rocd_bench import call, cpu_seconds, free_port, rss_mib  # noqa: E402
rocd = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "build/release/bin/rocd")
tries = int(sys.argv[2]) if len(sys.argv) > 2 else 20
count = int(sys.argv[3]) if len(sys.argv) > 3 else 10
resumes = int(sys.argv[4]) if len(sys.argv) > 4 else 5
secret = "Wq4nV8cR2xT6mK9pL3sD7fH1jB5gZ0aY"


def until(what, probe, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.005)
    raise RuntimeError(what)


def start(state, api, p2p, config=None, extra=()):
    args = [rocd, "--driver", "mock", "--listen", f"127.0.0.1:{api}", "--p2p-listen", f"127.0.0.1:{p2p}",
            "--discovery", "static", "--state-dir", state, *extra]
    if config:
        args += ["--config", config]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    until("daemon up", lambda: _up(api))
    return proc


def _up(port):
    try:
        call(port, "GET", "/status")
        return True
    except (urllib.error.URLError, ConnectionError, RuntimeError):
        return False


def peer_online(port, uid):
    try:
        peer = call(port, "GET", f"/peers/{uid}")
    except RuntimeError:
        return False  # not heard of yet
    return peer.get("state") == "online" and peer.get("trust") == "trusted"


def port_uri(port, name):
    me = call(port, "GET", "/peers/self")["peer_uid"]
    uid = next(p["port_uid"] for p in call(port, "GET", "/peers/self/ports") if p["display_name"] == name)
    return f"/peers/{me}/ports/{uid}"


def received(port, uid):
    try:
        return call(port, "GET", f"/streams/{uid}")["metrics"]["packets_received"] > 0
    except RuntimeError:
        return False


with tempfile.TemporaryDirectory() as work:
    a_api, a_p2p, b_api, b_p2p = free_port(), free_port(), free_port(), free_port()
    a = start(os.path.join(work, "a"), a_api, a_p2p, extra=("--network-secret", secret))
    key = call(a_api, "GET", "/peers/self")["public_key"]
    config = os.path.join(work, "b.yaml")
    with open(config, "w") as f:
        f.write(f'network_secret: "{secret}"\npeers:\n  - address: 127.0.0.1:{a_p2p}\n    public_key: "{key}"\n')
    b = start(os.path.join(work, "b"), b_api, b_p2p, config=config)
    c_api, c_p2p = free_port(), free_port()
    c_config = os.path.join(work, "c.yaml")
    with open(c_config, "w") as f:
        b_key = call(b_api, "GET", "/peers/self")["public_key"]
        f.write(f'network_secret: "{secret}"\npeers:\n  - address: 127.0.0.1:{a_p2p}\n    public_key: "{key}"\n'
                f'  - address: 127.0.0.1:{b_p2p}\n    public_key: "{b_key}"\n')
    c = start(os.path.join(work, "c"), c_api, c_p2p, config=c_config)
    try:
        b_uid = call(b_api, "GET", "/peers/self")["peer_uid"]
        a_uid = call(a_api, "GET", "/peers/self")["peer_uid"]
        until("B trusted and online on A", lambda: peer_online(a_api, b_uid))
        until("A and B trusted and online on C", lambda: peer_online(c_api, a_uid) and peer_online(c_api, b_uid))
        mic, speakers = port_uri(a_api, "Mock microphone"), port_uri(b_api, "Mock speakers")
        body = {"source": {"type": "port", "port_uri": mic}, "destination": {"type": "port", "port_uri": speakers}}

        p99 = lambda xs: xs[min(len(xs) - 1, int(round(0.99 * (len(xs) - 1))))]
        for name, api in (("A", a_api), ("C", c_api)):
            setup = []
            for _ in range(tries):
                t0 = time.monotonic()
                uid = call(api, "POST", "/streams", body)["stream_uid"]
                posted = time.monotonic()
                until("packets at B", lambda: received(b_api, uid))
                setup.append(((posted - t0) * 1000, (time.monotonic() - t0) * 1000))
                call(api, "DELETE", f"/streams/{uid}")
                until("B's half gone", lambda: not call(b_api, "GET", "/streams"))
                until("A's half gone", lambda: not call(a_api, "GET", "/streams"))
            answered = sorted(s[0] for s in setup)
            flowing = sorted(s[1] for s in setup)
            print(f"set-up by a POST on {name}, {tries} tries: answered median {statistics.median(answered):.1f} ms, "
                  f"p99 {p99(answered):.1f} ms; first packets at B median {statistics.median(flowing):.1f} ms, "
                  f"p99 {p99(flowing):.1f} ms")

        # Resume: kill -9 of B mid-stream, then B started again on its state.
        uid = call(a_api, "POST", "/streams", body)["stream_uid"]
        until("packets at B", lambda: received(b_api, uid))
        noticed, resumed, heard, active = [], [], [], []
        for _ in range(resumes):
            b.kill()
            b.wait()
            t0 = time.monotonic()
            until("A's half waiting for B", lambda: call(a_api, "GET", f"/streams/{uid}")["state"] == "waiting_for_peer")
            noticed.append((time.monotonic() - t0) * 1000)
            t0 = time.monotonic()
            b = start(os.path.join(work, "b"), b_api, b_p2p, config=config)
            until("packets at B again", lambda: received(b_api, uid))
            resumed.append((time.monotonic() - t0) * 1000)
            until("B online on A", lambda: peer_online(a_api, b_uid))
            heard.append((time.monotonic() - t0) * 1000)
            until("A's half active", lambda: call(a_api, "GET", f"/streams/{uid}")["state"] == "active")
            active.append((time.monotonic() - t0) * 1000)
        print(f"kill -9 of B, {resumes} times: A shows waiting_for_peer after median {statistics.median(noticed):.1f} ms "
              f"(max {max(noticed):.1f}); B started again: audio at B after median {statistics.median(resumed):.0f} ms "
              f"(max {max(resumed):.0f}), A's half active after median {statistics.median(active):.0f} ms "
              f"(max {max(active):.0f}), B online on A (its first heartbeat answered) after median "
              f"{statistics.median(heard):.0f} ms (max {max(heard):.0f}), counted from B's exec")
        call(a_api, "DELETE", f"/streams/{uid}")
        until("B's half gone", lambda: not call(b_api, "GET", "/streams"))

        def measure(label):
            time.sleep(3)
            ca, cb, t = cpu_seconds(a.pid), cpu_seconds(b.pid), time.monotonic()
            time.sleep(20)
            dt = time.monotonic() - t
            print(f"{label}: A {100 * (cpu_seconds(a.pid) - ca) / dt:.1f} %, B {100 * (cpu_seconds(b.pid) - cb) / dt:.1f} % "
                  f"of a core")

        uids = [call(a_api, "POST", "/streams", body)["stream_uid"] for _ in range(count)]
        measure(f"{count} cross-peer streams")
        for uid in uids:
            call(a_api, "DELETE", f"/streams/{uid}")
        until("B's halves gone", lambda: not call(b_api, "GET", "/streams"))
        by_hand = []
        for _ in range(count):
            media, repair, control = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
            ends = {"media_uri": f"rtp+rs8m://127.0.0.1:{media}", "repair_uri": f"rs8m://127.0.0.1:{repair}",
                    "control_uri": f"rtcp://127.0.0.1:{control}"}
            rx = call(b_api, "POST", "/streams", {"source": {"type": "address", **ends},
                                                  "destination": {"type": "port", "port_uri": speakers}})
            tx = call(a_api, "POST", "/streams", {"source": {"type": "port", "port_uri": mic},
                                                  "destination": {"type": "address", **ends}})
            by_hand.append((tx["stream_uid"], rx["stream_uid"]))
        measure(f"{count} send + receive streams made by hand")
    finally:
        for p in (a, b, c):
            p.terminate()
            p.wait()

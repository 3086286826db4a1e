#!/usr/bin/env python3
"""bench/events/history_rss.py: rocd's RSS while the event history fills.

Starts a mock-driver rocd on a temporary state directory and creates then
deletes N send streams (two events each), printing the daemon's RSS every
N/8 streams. The history keeps the last 4,096 events, so the RSS should
climb until then and stay flat after.

    bench/events/history_rss.py [ROCD] [N]   (defaults: build/release/bin/rocd 4000)
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
rocd = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "build/release/bin/rocd")
n = int(sys.argv[2]) if len(sys.argv) > 2 else 4000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


with tempfile.TemporaryDirectory() as state:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    daemon = subprocess.Popen([rocd, "--driver", "mock", "--listen", f"127.0.0.1:{port}", "--p2p-listen", "off",
                               "--discovery", "off", "--state-dir", state],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def call(method, path, body=None):
            data = json.dumps(body).encode() if body is not None else None
            req = urllib.request.Request(base + path, method=method, data=data,
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req) as r:
                return json.loads(r.read() or b"null")

        for _ in range(100):
            try:
                ports = call("GET", "/peers/self/ports")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        source = next(p["port_uri"] for p in ports if p["direction"] == "input")
        print(f"streams  events  rss_mib   (start {rss_mib(daemon.pid):.1f})")
        for i in range(n):
            media = 40000 + 2 * (i % 50)
            stream = call("POST", "/streams", {
                "source": {"type": "port", "port_uri": source},
                "destination": {"type": "address", "media_uri": f"rtp+rs8m://127.0.0.1:{media}",
                                "repair_uri": f"rs8m://127.0.0.1:{media + 1}"}})
            call("DELETE", "/streams/" + stream["stream_uid"])
            if (i + 1) % max(1, n // 8) == 0:
                print(f"{i + 1:7d} {2 * (i + 1):7d} {rss_mib(daemon.pid):8.1f}")
    finally:
        daemon.terminate()
        daemon.wait()

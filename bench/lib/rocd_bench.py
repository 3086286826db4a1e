"""What the Python benchmarks share: free ports, the REST API of a daemon,
and a process's CPU time and resident memory from /proc.

    sys.path.insert(0, os.path.join(top, "bench", "lib")); import rocd_bench
"""
import json
import os
import socket
import time
import urllib.error
import urllib.request


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None):
    """The API's JSON answer; waits out 429s; raises on any other error."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=data,
                                 headers={"Content-Type": "application/json"})
    for _ in range(100):
        try:
            with urllib.request.urlopen(req) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise RuntimeError(f"{method} {path}: {e.code} {e.read().decode()}")
            time.sleep(float(e.headers.get("Retry-After", "1")))
    raise RuntimeError("rate limited")


def cpu_seconds(pid):
    """User + system CPU time of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

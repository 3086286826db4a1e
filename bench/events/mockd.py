"""A mock-driver rocd on a temporary state directory, for the event benches."""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
default_rocd = os.path.join(top, "build/release/bin/rocd")
sys.path.insert(0, os.path.join(top, "bench", "lib"))
from rocd_bench import free_port, rss_mib  # noqa: E402


class MockDaemon:
    def __init__(self, rocd=default_rocd):
        self.rocd = rocd

    def __enter__(self):
        self.state = tempfile.TemporaryDirectory()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [self.rocd, "--driver", "mock", "--listen", f"127.0.0.1:{self.port}", "--p2p-listen", "off",
             "--discovery", "off", "--state-dir", self.state.name],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.call("GET", "/status")
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError("rocd did not answer")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait()
        self.state.cleanup()

    def rss(self):
        return rss_mib(self.process.pid)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, method=method, data=data,
                                     headers={"Content-Type": "application/json"})
        while True:
            try:
                with urllib.request.urlopen(req) as r:
                    return json.loads(r.read() or b"null")
            except urllib.error.HTTPError as e:
                if e.code != 429:  # the per-client request rate: wait as told
                    raise
                time.sleep(float(e.headers.get("Retry-After", "1")))

    def churn_send_stream(self, i):
        """Creates and deletes one send stream: two events."""
        if not hasattr(self, "source"):
            ports = self.call("GET", "/peers/self/ports")
            self.source = next(p["port_uri"] for p in ports if p["direction"] == "input")
        media = 40000 + 2 * (i % 50)
        stream = self.call("POST", "/streams", {
            "source": {"type": "port", "port_uri": self.source},
            "destination": {"type": "address", "media_uri": f"rtp+rs8m://127.0.0.1:{media}",
                            "repair_uri": f"rs8m://127.0.0.1:{media + 1}"}})
        self.call("DELETE", "/streams/" + stream["stream_uid"])

#!/usr/bin/env python3
"""bench/events/replay_rss.py: rocd's RSS with clients that replay the whole
event history and do not read it.

Fills the history (2,048 stream creations and deletions: 4,096 events), then
opens K clients on GET /events with the Last-Event-ID of the first event, each
sending its request and reading nothing, and prints the daemon's RSS every
K/5 clients; then closes them all and prints it once more. This is what a
slow SSE client that reconnects does to the daemon (bench/soak's stalled ones).

    bench/events/replay_rss.py [ROCD] [K]   (defaults: build/release/bin/rocd 40)
"""
import socket
import sys
import time

from mockd import MockDaemon, default_rocd

rocd = sys.argv[1] if len(sys.argv) > 1 else default_rocd
k = int(sys.argv[2]) if len(sys.argv) > 2 else 40

with MockDaemon(rocd) as daemon:
    for i in range(2048):
        daemon.churn_send_stream(i)
    print(f"history full: rss {daemon.rss():.1f} MiB")
    clients = []
    for i in range(k):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", daemon.port))
        s.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                  b"Last-Event-ID: 1\r\n\r\n")
        clients.append(s)
        if (i + 1) % max(1, k // 5) == 0:
            time.sleep(0.5)
            print(f"{i + 1:4d} clients  rss {daemon.rss():7.1f} MiB")
    for s in clients:
        s.close()
    time.sleep(1)
    print(f"closed     rss {daemon.rss():7.1f} MiB")

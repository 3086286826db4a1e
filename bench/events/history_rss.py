#!/usr/bin/env python3
"""bench/events/history_rss.py: rocd's RSS while the event history fills.

Starts a mock-driver rocd on a temporary state directory and creates then
deletes N send streams (two events each), printing the daemon's RSS every
N/8 streams. The history keeps the last 4,096 events, so the RSS should
climb until then and stay flat after.

    bench/events/history_rss.py [ROCD] [N]   (defaults: build/release/bin/rocd 4000)
"""
import sys

from mockd import MockDaemon, default_rocd

rocd = sys.argv[1] if len(sys.argv) > 1 else default_rocd
n = int(sys.argv[2]) if len(sys.argv) > 2 else 4000

with MockDaemon(rocd) as daemon:
    print(f"streams  events  rss_mib   (start {daemon.rss():.1f})")
    for i in range(n):
        daemon.churn_send_stream(i)
        if (i + 1) % max(1, n // 8) == 0:
            print(f"{i + 1:7d} {2 * (i + 1):7d} {daemon.rss():8.1f}")

#!/usr/bin/env bash
# Two rocd daemons (mock driver) on two "hosts": network namespaces joined by
# a bridge on a private /24 used only inside them (10.77.4.0/24), trusting
# each other through a shared network_secret, as real peers on a LAN do. A
# measuring process holds an HTTP connection to each daemon's API (each in
# its host's namespace) and times, N times each:
#
#   - a port change on B (PATCH of a volume on B's API) until the event
#     reaches a client of A's GET /events: B's HTTP, its publisher, the peer
#     protocol across the bridge, A's mirror and A's event stream;
#   - the same change until the event reaches a client of B's own
#     /events, the local part of that path;
#   - a PATCH of B's port sent to A (forwarded to B over the peer protocol
#     and answered when B answered), against a PATCH of A's own port: the
#     difference is the peer protocol's request round trip;
#   - the round trip A's pings measure (rtt_ms of GET /peers/{B}, a moving
#     average), after 40 pings.
#
#   bench/p2p/netns_peers.sh ROCD_BIN [N=200]     (root)
#
# Runs itself again under `unshare -m` with a private /run/netns; a trap
# ends both daemons by PID and deletes the namespaces.
set -euo pipefail

rocd=${1:?usage: bench/p2p/netns_peers.sh ROCD_BIN [N]}
rocd=$(realpath "$rocd")
n=${2:-200}
if [ -z "${ROCD_NETNS_INNER:-}" ]; then
  exec env ROCD_NETNS_INNER=1 unshare -m -- "$0" "$rocd" "$n"
fi
mount -t tmpfs none /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs none /run/netns; }

work=$(mktemp -d /tmp/rocd-netns-bench-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in rocd-bh1 rocd-bh2 rocd-bbr; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

. "$(dirname "$0")/../../tests/netns/lib/bridge.sh"
bridge_hosts rocd-bbr 10.77.4 rocd-b h1 h2

secret=$(head -c 32 /dev/urandom | base64)
for i in 1 2; do
  printf 'network_secret: "%s"\n' "$secret" >"$work/h$i.yaml"
done
# B is A's static peer; the key comes once B runs.
start() { # i
  ip netns exec "rocd-bh$1" "$rocd" --driver mock --discovery static --listen 127.0.0.1:4040 \
    --p2p-listen "10.77.4.$1:4041" --state-dir "$work/h$1" --config "$work/h$1.yaml" >"$work/h$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    ip netns exec "rocd-bh$1" curl -sf http://127.0.0.1:4040/status >/dev/null && return 0
    sleep 0.1
  done
  echo "rocd on h$1 did not start" >&2
  exit 1
}
start 2
key=$(ip netns exec rocd-bh2 curl -s http://127.0.0.1:4040/peers/self |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')
printf 'peers:\n  - address: 10.77.4.2:4041\n    public_key: "%s"\n' "$key" >>"$work/h1.yaml"
start 1

python3 - "$n" <<'PY'
import ctypes, http.client, json, os, socket, statistics, sys, time

n = int(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def in_host(name):
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")
    os.close(fd)


def connect(host):
    # A socket keeps the namespace it was made in.
    in_host(host)
    conn = http.client.HTTPConnection("127.0.0.1", 4040)
    conn.sock = socket.create_connection(("127.0.0.1", 4040))
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def call(conn, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
    return json.loads(data) if data else None


def events(host, query):
    in_host(host)
    sock = socket.create_connection(("127.0.0.1", 4040))
    sock.sendall(f"GET /events?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock


def wait_event(sock, buffer):
    # Returns the time the next port_updated arrived; keeps what follows.
    while b"event: port_updated" not in buffer[0]:
        buffer[0] += sock.recv(65536)
    cut = buffer[0].index(b"event: port_updated") + len(b"event: port_updated")
    buffer[0] = buffer[0][cut:]
    return time.perf_counter()


a, b = connect("rocd-bh1"), connect("rocd-bh2")
b_uid = call(b, "GET", "/peers/self")["peer_uid"]
deadline = time.time() + 30
while True:
    peer = call(a, "GET", f"/peers/{b_uid}")
    if peer.get("trust") == "trusted" and peer.get("state") == "online":
        try:
            if call(a, "GET", f"/peers/{b_uid}/ports"):
                break
        except RuntimeError:
            pass
    if time.time() > deadline:
        sys.exit(f"A does not mirror B's ports: {peer}")
    time.sleep(0.1)
b_port = call(b, "GET", "/peers/self/ports")[0]["port_uid"]
a_port = call(a, "GET", "/peers/self/ports")[0]["port_uid"]
remote = events("rocd-bh1", f"type=port_updated&uri=/peers/{b_uid}/ports/{b_port}")
local = events("rocd-bh2", f"type=port_updated&uri=/peers/self/ports/{b_port}")
time.sleep(0.5)
remote_buffer, local_buffer = [b""], [b""]


def ms(samples):
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return f"median {statistics.median(samples):.3f} ms, p99 {p99:.3f} ms, max {samples[-1]:.3f} ms"


to_a, to_b = [], []
for i in range(n):
    volume = 0.25 + 0.5 * (i % 2)
    sent = time.perf_counter()
    call(b, "PATCH", f"/peers/self/ports/{b_port}", {"volume": volume})
    to_b.append((wait_event(local, local_buffer) - sent) * 1000)
    to_a.append((wait_event(remote, remote_buffer) - sent) * 1000)
    time.sleep(0.01)

forwarded, own = [], []
for i in range(n):
    volume = 0.3 + 0.4 * (i % 2)
    sent = time.perf_counter()
    call(a, "PATCH", f"/peers/{b_uid}/ports/{b_port}", {"volume": volume})
    forwarded.append((time.perf_counter() - sent) * 1000)
    sent = time.perf_counter()
    call(a, "PATCH", f"/peers/self/ports/{a_port}", {"volume": volume})
    own.append((time.perf_counter() - sent) * 1000)
    time.sleep(0.01)

# rtt_ms is a moving average (1/8 of each new ping, one a second) that
# starts from the first, slow ping: read once 40 more pings have moved it.
rtts = []
for _ in range(40):
    time.sleep(1)
    rtt = call(a, "GET", f"/peers/{b_uid}").get("rtt_ms")
    if rtt is not None:
        rtts.append(rtt)

print(f"n = {n}, across a bridge between two network namespaces")
print(f"port change on B -> event on A's /events:  {ms(to_a)}")
print(f"port change on B -> event on B's /events:  {ms(to_b)}")
print(f"PATCH of B's port sent to A (forwarded):   {ms(forwarded)}")
print(f"PATCH of A's own port sent to A:           {ms(own)}")
print(f"difference of the medians (peer request):  "
      f"{statistics.median(forwarded) - statistics.median(own):.3f} ms")
if rtts:
    print(f"rtt_ms of A's pings after {len(rtts)} s: {rtts[-1]:.3f} ms "
          f"(the moving average over the last 10 s: {min(rtts[-10:]):.3f} to {max(rtts[-10:]):.3f} ms)")
PY

#!/usr/bin/env bash
# Two rocd "hosts" in their own network namespaces, joined by a bridge on a
# private /24 used only inside these namespaces (10.77.0.0/24): each daemon
# listens for peers on its host's address and serves its API on its own
# loopback. Checks what loopback tests cannot: a static peer dialed across
# hosts, the dial-back to the address a connection comes from, pairing
# through each host's API, the other's ports mirrored, a cut link seen as
# offline and the peer back online once the link returns, the trust across
# a restart, a port of one host renamed through the other's API, kill -9 of
# a peer, a peer whose state was wiped (a new peer at its address, the old
# one offline), and a peer whose key file was replaced shown as
# key_mismatch, never trusted again by itself.
#
#   tests/netns/peers.sh ROCD_BIN        (root; exits non-zero on failure)
#
# Runs itself again under `unshare -m` with a private /run/netns, so the
# namespaces it makes are invisible outside and vanish with it; a trap
# ends the daemons it started, by PID, and deletes the namespaces, also
# when a check fails.
set -euo pipefail

rocd=${1:?usage: tests/netns/peers.sh ROCD_BIN}
rocd=$(realpath "$rocd")
if [ -z "${ROCD_NETNS_INNER:-}" ]; then
  exec env ROCD_NETNS_INNER=1 unshare -m -- "$0" "$rocd"
fi
mount -t tmpfs none /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs none /run/netns; }

work=$(mktemp -d /tmp/rocd-netns-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in rocd-h1 rocd-h2 rocd-br; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "netns peers: FAIL: $*" >&2
  for h in h1 h2; do echo "--- rocd on $h" >&2; grep -v " http " "$work/$h.log" | tail -25 >&2 || true; done
  exit 1
}

. "$(dirname "$0")/lib/bridge.sh"
bridge_hosts rocd-br 10.77.0 rocd- h1 h2

. "$(dirname "$0")/lib/host_api.sh"

start() { # host [config]
  local h=$1
  local n=${h#h}
  local args=(--driver mock --listen 127.0.0.1:4040 --p2p-listen "10.77.0.$n:4041" --state-dir "$work/$h")
  [ -z "${2:-}" ] || { printf '%s' "$2" >"$work/$h.yaml"; args+=(--config "$work/$h.yaml"); }
  # Not through in_host: a backgrounded function is a subshell, and $!
  # would be that shell, not rocd (ip netns exec execs its command).
  ip netns exec "rocd-$h" "$rocd" "${args[@]}" >>"$work/$h.log" 2>&1 &
  pids+=($!)
  eval "pid_$h=$!"
  wait_for_api "$h"
}
stop() { # host [signal]
  local pid_var="pid_$1"
  kill "-${2:-TERM}" "${!pid_var}"
  wait "${!pid_var}" || true
  # Its API must be gone, or the next start would talk to this one.
  ! api "$1" GET /status >/dev/null 2>&1 || fail "rocd on $1 still answers after kill -${2:-TERM}"
}
# Waits (10 s at most) until peer UID on HOST has FIELD = VALUE.
until_peer() {
  local h=$1 uid=$2 key=$3 want=$4 got=
  for _ in $(seq 100); do
    got=$(api "$h" GET "/peers/$uid" | field "$key")
    [ "$got" = "$want" ] && return 0
    sleep 0.1
  done
  fail "on $h, peer $uid: $key is '$got', expected '$want'"
}

start h2
h2_uid=$(api h2 GET /peers/self | field peer_uid)
h2_key=$(api h2 GET /peers/self | field public_key)
start h1 "peers:
  - address: 10.77.0.2:4041
    public_key: \"$h2_key\"
"
h1_uid=$(api h1 GET /peers/self | field peer_uid)

echo "netns peers: h1 dials h2 across the bridge; h2 dials back"
until_peer h1 "$h2_uid" state online
until_peer h2 "$h1_uid" state online
[ "$(api h2 GET "/peers/$h1_uid" | field addresses)" = "['10.77.0.1:4041']" ] ||
  fail "h2 should know h1 at 10.77.0.1:4041: $(api h2 GET "/peers/$h1_uid")"
until_peer h1 "$h2_uid" trust discovered

echo "netns peers: pairing through each host's API"
code=$(api h1 POST "/peers/$h2_uid/pairing" | field code)
[[ "$code" =~ ^[0-9]{6}$ ]] || fail "no code: $code"
[ -z "$(api h2 GET "/peers/$h1_uid/pairing" | field code)" ] || fail "h2 shows the code"
[ "$(api h2 POST "/peers/$h1_uid/pairing/confirm" "{\"code\":\"$code\"}" | field trust)" = trusted ] ||
  fail "confirm on h2"
until_peer h1 "$h2_uid" trust trusted

echo "netns peers: the link cut, then back"
ip -n rocd-br link set v-h2 down
until_peer h1 "$h2_uid" state offline
ip -n rocd-br link set v-h2 up
until_peer h1 "$h2_uid" state online

echo "netns peers: h1 restarts without its config; the stored trust dials h2"
stop h1
start h1
until_peer h1 "$h2_uid" trust trusted
until_peer h1 "$h2_uid" state online
until_peer h2 "$h1_uid" state online

echo "netns peers: h1 mirrors h2's ports"
h2_ports=$(api h2 GET /peers/self/ports | python3 -c "import json,sys; print(sorted(p['port_uid'] for p in json.load(sys.stdin)))")
for _ in $(seq 100); do
  mirrored=$(api h1 GET "/peers/$h2_uid/ports" | python3 -c "import json,sys; print(sorted(p['port_uid'] for p in json.load(sys.stdin)))")
  [ "$mirrored" = "$h2_ports" ] && break
  sleep 0.1
done
[ "$mirrored" = "$h2_ports" ] || fail "h1's mirror of h2's ports: $mirrored, h2 has $h2_ports"

echo "netns peers: h1 renames one of h2's ports through its own API"
port=$(api h2 GET /peers/self/ports | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['port_uid'])")
renamed=$(api h1 PATCH "/peers/$h2_uid/ports/$port" '{"display_name":"Renamed from h1","volume":0.5}')
[ "$(printf '%s' "$renamed" | field display_name)" = "Renamed from h1" ] || fail "PATCH through h1: $renamed"
[ "$(api h2 GET "/peers/self/ports/$port" | field display_name)" = "Renamed from h1" ] ||
  fail "h2's own port: $(api h2 GET "/peers/self/ports/$port")"
[ "$(api h1 GET "/peers/$h2_uid/ports/$port" | field volume)" = "0.5" ] ||
  fail "h1's mirror: $(api h1 GET "/peers/$h2_uid/ports/$port")"

echo "netns peers: kill -9 h2: offline on h1, then online again after its restart"
stop h2 KILL
until_peer h1 "$h2_uid" state offline
start h2
until_peer h1 "$h2_uid" state online

echo "netns peers: h2's state wiped: a new, untrusted peer at its address; the old h2 stays offline"
stop h2
mv "$work/h2" "$work/h2.kept"
h1_key=$(api h1 GET /peers/self | field public_key)
start h2 "peers:
  - address: 10.77.0.1:4041
    public_key: \"$h1_key\"
"
new_uid=$(api h2 GET /peers/self | field peer_uid)
[ "$new_uid" != "$h2_uid" ] || fail "a wiped state kept its uid"
until_peer h1 "$new_uid" trust discovered
until_peer h1 "$new_uid" state online
until_peer h1 "$h2_uid" state offline
[ "$(api h1 GET "/peers/$h2_uid" | field trust)" = trusted ] || fail "the old h2 is still trusted until revoked"
stop h2
rm -rf "$work/h2" && mv "$work/h2.kept" "$work/h2"
start h2
until_peer h1 "$h2_uid" state online

echo "netns peers: h2's key file replaced: h1 shows key_mismatch and keeps the old key"
stop h2
rm "$work/h2/p2p-key"
start h2
until_peer h1 "$h2_uid" state key_mismatch
[ "$(api h1 GET "/peers/$h2_uid" | field public_key)" = "$h2_key" ] || fail "h1 rebound h2's uid to the new key"
until_peer h1 "$h2_uid" trust trusted

echo "netns peers: passed"

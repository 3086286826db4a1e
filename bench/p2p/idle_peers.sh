#!/usr/bin/env bash
# The idle cost of trusted peers: N+1 rocd daemons on loopback (mock
# driver), each given the same network_secret and the earlier ones as
# static peers, so that every one trusts every other (a full mesh of
# links, heartbeats only). Once daemon 0 lists N trusted peers online, its
# CPU time and RSS are read from /proc over SECONDS seconds; a daemon with
# no peers is measured the same way beside it as the baseline.
#
#   bench/p2p/idle_peers.sh ROCD_BIN [N=10] [SECONDS=60]
set -euo pipefail

rocd=$(realpath "$1")
n=${2:-10}
seconds=${3:-60}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

secret=$(head -c 32 /dev/urandom | base64)
api_port() { # log file -> the API port rocd logged
  for _ in $(seq 100); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$1" 2>/dev/null | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && { echo "$port"; return; }
    sleep 0.1
  done
  echo "no API port in $1" >&2
  exit 1
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

ports=()
peers_yaml=""
for i in $(seq 0 "$n"); do
  mkdir -p "$work/$i"
  printf 'network_secret: "%s"\n%s' "$secret" "${peers_yaml:+peers:
$peers_yaml}" >"$work/$i.yaml"
  "$rocd" --driver mock --discovery static --listen 127.0.0.1:0 --p2p-listen 127.0.0.1:0 \
    --state-dir "$work/$i" --config "$work/$i.yaml" >"$work/$i.log" 2>&1 &
  pids+=($!)
  ports+=("$(api_port "$work/$i.log")")
  self=$(curl -s "http://127.0.0.1:${ports[$i]}/peers/self")
  address=$(printf '%s' "$self" | json "d['addresses'][0]")
  key=$(printf '%s' "$self" | json "d['public_key']")
  peers_yaml+="  - address: $address
    public_key: \"$key\"
"
done
mkdir -p "$work/alone"
"$rocd" --driver mock --discovery static --listen 127.0.0.1:0 --p2p-listen 127.0.0.1:0 \
  --state-dir "$work/alone" >"$work/alone.log" 2>&1 &
alone=$!
pids+=("$alone")
api_port "$work/alone.log" >/dev/null

trusted_online() {
  curl -s "http://127.0.0.1:${ports[0]}/peers" |
    json "sum(1 for p in d if p.get('trust') == 'trusted' and p.get('state') == 'online')"
}
for _ in $(seq 600); do
  [ "$(trusted_online)" -ge "$n" ] && break
  sleep 0.1
done
[ "$(trusted_online)" -ge "$n" ] || { echo "daemon 0 has $(trusted_online) of $n trusted peers online" >&2; exit 1; }
sleep 5 # the mirrors' snapshots and the first pings settle

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
ticks=$(getconf CLK_TCK)
mesh=${pids[0]}
c0=$(cpu "$mesh"); a0=$(cpu "$alone")
sleep "$seconds"
c1=$(cpu "$mesh"); a1=$(cpu "$alone")
python3 - "$n" "$seconds" "$ticks" "$c0" "$c1" "$a0" "$a1" "$(rss "$mesh")" "$(rss "$alone")" <<'PY'
import sys
n, seconds, ticks, c0, c1, a0, a1, rss_mesh, rss_alone = map(float, sys.argv[1:])
mesh = (c1 - c0) / ticks / seconds * 100
alone = (a1 - a0) / ticks / seconds * 100
print(f"daemon with {int(n)} trusted peers online: {mesh:.2f} % of a core, RSS {rss_mesh / 1024:.1f} MiB")
print(f"daemon with no peers (baseline):          {alone:.2f} % of a core, RSS {rss_alone / 1024:.1f} MiB")
print(f"cost of the peers: {mesh - alone:.2f} % of a core, {(rss_mesh - rss_alone) / 1024:.1f} MiB "
      f"(over {int(seconds)} s, CPU time from /proc at {int(ticks)} ticks/s)")
PY

#!/usr/bin/env bash
# bench/restarts/rss.sh: the RSS of rocd (PipeWire driver, private sandbox) with N
# RS8M receive streams playing into a sandbox sink, at start and after each
# of 3 PipeWire restarts (every stream closed and reopened).
#   N=24 bench/restarts/rss.sh     (ROCD=path to another rocd binary)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ROCD=${ROCD:-$top/build/release/bin/rocd}
N=${N:-24}
eval "$($top/scripts/pipewire-sandbox start)"
state=$(mktemp -d /dev/shm/rss-XXXXXX)
port=$((20000 + RANDOM % 10000))
printf 'max_streams: 200\n' > $state/cfg.yaml
$ROCD --driver pipewire --listen 127.0.0.1:$port --p2p-listen 127.0.0.1:0 --state-dir $state/s --config $state/cfg.yaml > $state/log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; $top/scripts/pipewire-sandbox stop "$ROCD_PW_SANDBOX" >/dev/null 2>&1; rm -rf $state' EXIT
for i in $(seq 50); do curl -sf http://127.0.0.1:$port/status >/dev/null && break; sleep 0.2; done
sink=""
for i in $(seq 50); do sink=$(curl -s http://127.0.0.1:$port/peers/self/ports | python3 -c 'import sys,json; print(next((p["port_uri"] for p in json.load(sys.stdin) if p["system_name"]=="rocd_sandbox_sink_1" and p["state"]=="present"),""))'); [ -n "$sink" ] && break; sleep 0.2; done
for i in $(seq $N); do
  p=$((30000 + 2*i))
  curl -s -o /dev/null -w '%{http_code} ' -X POST http://127.0.0.1:$port/streams -H 'Content-Type: application/json' \
    -d "{\"source\":{\"type\":\"address\",\"media_uri\":\"rtp+rs8m://127.0.0.1:$p\",\"repair_uri\":\"rs8m://127.0.0.1:$((p+1))\"},\"destination\":{\"type\":\"port\",\"port_uri\":\"$sink\"}}"
done; echo
rss() { grep VmRSS /proc/$pid/status | awk '{print $2/1024 " MiB"}'; }
active() { curl -s http://127.0.0.1:$port/streams | python3 -c 'import sys,json; s=json.load(sys.stdin); print(sum(1 for x in s if x["state"] in ("active","idle")), "of", len(s))'; }
sleep 3; echo "start: $(rss), streams $(active)"
for r in 1 2 3; do
  $top/scripts/pipewire-sandbox restart "$ROCD_PW_SANDBOX" >/dev/null 2>&1
  for i in $(seq 60); do a=$(active); [ "${a%% *}" = "$N" ] && break; sleep 0.5; done
  sleep 3; echo "after restart $r: $(rss), streams $(active)"
done

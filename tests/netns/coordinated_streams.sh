#!/usr/bin/env bash
# A stream between two hosts' ports created through a third (docs/p2p.md
# §20.2): three "hosts" (network namespaces on a bridge, 10.78.0.0/24, used
# only inside them), each with its own rocd on its own private PipeWire
# session. On s3 (C), one POST from s1's (A's) virtual speaker, which
# pw-play feeds with a 1 kHz tone, to s2's (B's) null sink. Checks:
#   - the stream has one uid on A, B and C, and the tone is heard on B;
#   - with 10 % loss and up to 30 ms of jitter on everything between A and
#     B (rocd-impair through NFQUEUE: this kernel has no netem), the tone
#     stays clean and B's metrics show the loss and the packets FEC repaired;
#   - kill -9 of B: A and C show waiting_for_peer naming B (the time is
#     printed); B started again: active and the tone is back, no one acting;
#     the same with A, and with the link between A and B cut for 10 s;
#   - B's sink removed and re-created: waiting_for_port on C, then active
#     and the tone heard;
#   - a DELETE on C while B is down: gone on A and C at once, on B once it is
#     back, and no UDP socket left on any host.
#
#   tests/netns/coordinated_streams.sh ROCD_BIN   (root; non-zero on failure)
#
# rocd-impair is looked for next to ROCD_BIN. As the other netns tests:
# under `unshare -m` with a private /run/netns; a trap ends what it started
# (by PID) and deletes the namespaces.
set -euo pipefail

rocd=${1:?usage: tests/netns/coordinated_streams.sh ROCD_BIN}
rocd=$(realpath "$rocd")
top=$(realpath "$(dirname "$0")/../..")
if [ -z "${ROCD_NETNS_INNER:-}" ]; then
  exec env ROCD_NETNS_INNER=1 unshare -m -- "$0" "$rocd"
fi
mount -t tmpfs none /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs none /run/netns; }

work=$(mktemp -d /dev/shm/rocd-netns-coordinated-XXXXXX)
pids=()
sandboxes=()
. "$(dirname "$0")/lib/host_api.sh"
. "$(dirname "$0")/lib/pipewire_hosts.sh"
trap 'cleanup_hosts rocd-s1 rocd-s2 rocd-s3 rocd-sbr' EXIT

fail() {
  echo "netns coordinated streams: FAIL: $*" >&2
  for h in s1 s2 s3; do echo "--- rocd on $h" >&2; grep -v " http " "$work/$h.log" | tail -25 >&2 || true; done
  exit 1
}
say() { echo "netns coordinated streams: $*"; }

. "$(dirname "$0")/lib/bridge.sh"
bridge_hosts rocd-sbr 10.78.0 rocd- s1 s2 s3
secret=Hq2mV7cR4xT9nK1pL6sD3fW8jB5gZ0aY
pipewire_sessions s1 s2 s3

peer_line() { # host: a config entry dialing it
  printf '  - address: 10.78.0.%s:4041\n    public_key: "%s"\n' "${1#s}" "$(api "$1" GET /peers/self | field public_key)"
}
start_rocd s1
start_rocd s2 "peers:
$(peer_line s1)
"
start_rocd s3 "peers:
$(peer_line s1)
$(peer_line s2)
"
for h in s1 s2 s3; do eval "${h}_uid=$(api "$h" GET /peers/self | field peer_uid)"; done
for h in s1 s2 s3; do
  for o in s1 s2 s3; do
    [ "$h" = "$o" ] && continue
    uid_var=${o}_uid
    until_json "$o trusted and online on $h" "$h" "/peers/${!uid_var}" "v.get('trust') == 'trusted' and v.get('state') == 'online'"
  done
done
say "three hosts trust each other by the fleet secret"

speaker=$(api s1 POST /peers/self/ports '{"port_type":"virtual_device","direction":"output","display_name":"Tone in","channels":2,"rate":48000}')
speaker_uri=$(printf '%s' "$speaker" | field port_uri)
speaker_node=$(printf '%s' "$speaker" | field system_name)
[ -n "$speaker_uri" ] || fail "virtual speaker on s1: $speaker"
make_tone "$work/tone.wav"
play_tone() {
  in_pw s1 pw-play --target "$speaker_node" "$work/tone.wav" >>"$work/pw-play.log" 2>&1 &
  pids+=($!)
}
play_tone
until_json "s2's sink" s2 /peers/self/ports "any(p['system_name'] == 'rocd_sandbox_sink_1' and p['state'] == 'present' for p in v)"
sink_uri=$(api s2 GET /peers/self/ports | python3 -c "import json,sys; print(next(p['port_uri'] for p in json.load(sys.stdin) if p['system_name'] == 'rocd_sandbox_sink_1'))")
[ "$(tone_share s2 rocd_sandbox_sink_1)" = "0.00" ] || fail "tone on s2's sink before any stream"
tone_heard() { # when
  local share
  share=$(tone_share s2 rocd_sandbox_sink_1)
  python3 -c "import sys; sys.exit(0 if $share >= 0.8 else 1)" || fail "tone on s2's sink $1: $share of the windows"
  say "tone on s2's sink $1: $share of the windows"
}

say "one POST on s3 from s1's virtual speaker to s2's sink"
stream=$(api s3 POST /streams "{\"source\":{\"type\":\"port\",\"port_uri\":\"$speaker_uri\"},\"destination\":{\"type\":\"port\",\"port_uri\":\"$sink_uri\"},\"settings\":{\"target_latency_ms\":120}}")
uid=$(printf '%s' "$stream" | field stream_uid)
[ -n "$uid" ] || fail "POST on s3: $stream"
[ "$(printf '%s' "$stream" | field direction)" = coordinated ] || fail "s3's answer: $stream"
until_json "s1's half" s1 "/streams/$uid" "v.get('direction') == 'send' and v['endpoints']['media_uri'].startswith('rtp+rs8m://10.78.0.2:')"
until_json "s2's half active" s2 "/streams/$uid" "v.get('direction') == 'receive' and v.get('state') == 'active'"
until_json "active on s3, with both ends' figures" s3 "/streams/$uid" \
  "v.get('state') == 'active' and v['ends']['sender']['metrics']['packets_sent'] > 0 and v['ends']['receiver']['metrics']['packets_received'] > 0"
tone_heard "through the stream made on s3"

impair=$(dirname "$rocd")/rocd-impair
if [ -x "$impair" ]; then
  say "10 % loss and up to 30 ms of jitter on everything between s1 and s2, both ways"
  # ip execs it: $! is rocd-impair itself, which the trap can end.
  ip netns exec rocd-s2 "$impair" 0 10 30 7 >"$work/impair.out" 2>&1 &
  impair_pid=$!
  pids+=("$impair_pid")
  for _ in $(seq 50); do grep -q ready "$work/impair.out" && break; sleep 0.1; done
  grep -q ready "$work/impair.out" || fail "rocd-impair: $(cat "$work/impair.out")"
  in_host s2 iptables -A INPUT -s 10.78.0.1 -j NFQUEUE --queue-num 0
  in_host s2 iptables -A OUTPUT -d 10.78.0.1 -j NFQUEUE --queue-num 0
  before=$(api s2 GET "/streams/$uid")
  sleep 2
  tone_heard "with 10 % loss and 30 ms jitter"
  after=$(api s2 GET "/streams/$uid")
  python3 - "$before" "$after" <<'PY' || fail "s2's metrics under loss: $after"
import json, sys
b, a = (json.loads(x)["metrics"] for x in sys.argv[1:3])
lost = a["packets_lost"] - b["packets_lost"]
recovered = a["packets_recovered"] - b["packets_recovered"]
received = a["packets_received"] - b["packets_received"]
# packets_lost counts what FEC could not repair in time: the loss on the way
# is both.
print(f"netns coordinated streams: over the impaired span s2 received {received} packets; "
      f"{lost + recovered} source packets went missing, {recovered} repaired by FEC, {lost} not; "
      f"jitter {a['jitter_ms']:.1f} ms (before: {b['jitter_ms']:.1f} ms)")
sys.exit(0 if recovered > 0 and a["jitter_ms"] > b["jitter_ms"] else 1)
PY
  in_host s2 iptables -F
  kill "$impair_pid"
  wait "$impair_pid" 2>/dev/null || true
  say "rocd-impair: $(tail -1 "$work/impair.out")"
else
  say "SKIPPED the loss and jitter check: no $impair (libnetfilter-queue-dev missing at build time)"
fi

waiting_for() { # host peer-host: polls until HOST's view of the stream waits for PEER-HOST; prints the seconds
  local uid_var=${2}_uid
  until_json "$1 waiting for $2" "$1" "/streams/$uid" "v.get('state') == 'waiting_for_peer' and v.get('peer_uri') == '/peers/${!uid_var}'"
}
kill_and_back() { # host
  local h=$1 others pid_var=pid_$1 at
  others=$(printf '%s\n' s1 s3 s2 | grep -v "^$h$" | tr '\n' ' ')
  kill -9 "${!pid_var}"
  at=$(date +%s.%N)
  wait "${!pid_var}" 2>/dev/null || true
  for o in $others; do waiting_for "$o" "$h"; done
  say "kill -9 of $h: $(python3 -c "import time; print(f'{time.time() - $at:.1f}')") s later, $others show waiting_for_peer naming it"
  start_rocd "$h" "$(sed 1d "$work/$h.yaml")"
  # The virtual speaker went with s1's rocd and is made again by the new
  # one: pw-play, which had lost its target, plays into it again.
  [ "$h" = s1 ] && play_tone
  until_json "active on s3 after $h is back" s3 "/streams/$uid" "v.get('state') == 'active' and not v['ends']['receiver'].get('stale') and not v['ends']['sender'].get('stale')"
  until_json "one stream on $h" "$h" /streams "len(v) == 1 and v[0]['state'] == 'active'"
  sleep 1
  tone_heard "after $h was killed and started again"
}
kill_and_back s2
kill_and_back s1

say "the link between s1 and s2 cut for 10 s (s3 still reaches both)"
in_host s2 iptables -A INPUT -s 10.78.0.1 -j DROP
in_host s2 iptables -A OUTPUT -d 10.78.0.1 -j DROP
cut_at=$SECONDS
waiting_for s1 s2
waiting_for s2 s1
waiting_for s3 s2
say "s1, s2 and s3 show waiting_for_peer $((SECONDS - cut_at)) s after the cut"
[ $((SECONDS - cut_at)) -lt 10 ] && sleep $((10 - (SECONDS - cut_at)))
in_host s2 iptables -F
until_json "active on s3 after the cut" s3 "/streams/$uid" "v.get('state') == 'active'"
tone_heard "after the link came back"

say "s2's sink removed and back: waiting_for_port on C, then active"
sink_id=$(in_pw s2 pw-dump | python3 -c "
import json, sys
print(next((o['id'] for o in json.load(sys.stdin) if o.get('type') == 'PipeWire:Interface:Node' and
            (o.get('info') or {}).get('props', {}).get('node.name') == 'rocd_sandbox_sink_1'), ''))")
[ -n "$sink_id" ] || fail "no node rocd_sandbox_sink_1 on s2"
in_pw s2 pw-cli destroy "$sink_id" >/dev/null
until_json "waiting_for_port naming the destination on s3" s3 "/streams/$uid" "v.get('state') == 'waiting_for_port' and v.get('end') == 'destination'"
in_pw s2 pw-cli create-node adapter '{ factory.name=support.null-audio-sink node.name=rocd_sandbox_sink_1 node.description="rocd_sandbox_sink_1" media.class=Audio/Sink audio.position=[ FL FR ] audio.rate=48000 monitor.channel-volumes=true object.linger=true }' >/dev/null
until_json "active on s3 with the sink back" s3 "/streams/$uid" "v.get('state') == 'active'"
tone_heard "with the sink re-created"

say "a DELETE on s3 while s2 is down"
kill -9 "$pid_s2"
wait "$pid_s2" 2>/dev/null || true
waiting_for s3 s2
api s3 DELETE "/streams/$uid" >/dev/null
until_json "gone on s3" s3 /streams "len(v) == 0"
until_json "gone on s1" s1 /streams "len(v) == 0"
start_rocd s2 "$(sed 1d "$work/s2.yaml")"
until_json "gone on s2 once it is back" s2 /streams "len(v) == 0"
for h in s1 s2 s3; do
  left=$(in_host "$h" ss -Huan | wc -l)
  [ "$left" -eq 0 ] || fail "UDP sockets left on $h: $(in_host "$h" ss -Huanp)"
done
say "no UDP socket left on any host"
say "passed"

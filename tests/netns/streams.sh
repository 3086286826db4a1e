#!/usr/bin/env bash
# A stream between two peers' ports across two "hosts" (network namespaces
# joined by a bridge on 10.78.0.0/24, used only inside them), each with its
# own rocd on its own private PipeWire session: one POST on h1 from its
# virtual speaker, which pw-play feeds with a 1 kHz tone, to h2's null sink.
# Checks what loopback cannot: h2 binds the receiving end on the address
# through which h1 reaches it (10.78.0.2), the tone is heard on h2's sink,
# while the link is cut for 10 s each half shows waiting_for_peer naming the
# other peer, the audio comes back by itself after it, and a DELETE on h1
# removes h2's half.
#
#   tests/netns/streams.sh ROCD_BIN        (root; exits non-zero on failure)
#
# As tests/netns/peers.sh: under `unshare -m` with a private /run/netns; a
# trap ends what it started (daemons by PID, the PipeWire sessions through
# scripts/pipewire-sandbox stop) and deletes the namespaces.
set -euo pipefail

rocd=${1:?usage: tests/netns/streams.sh ROCD_BIN}
rocd=$(realpath "$rocd")
top=$(realpath "$(dirname "$0")/../..")
if [ -z "${ROCD_NETNS_INNER:-}" ]; then
  exec env ROCD_NETNS_INNER=1 unshare -m -- "$0" "$rocd"
fi
mount -t tmpfs none /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs none /run/netns; }

work=$(mktemp -d /dev/shm/rocd-netns-streams-XXXXXX)
pids=()
sandboxes=()
. "$(dirname "$0")/lib/host_api.sh"
. "$(dirname "$0")/lib/pipewire_hosts.sh"
trap 'cleanup_hosts rocd-s1 rocd-s2 rocd-sbr' EXIT

fail() {
  echo "netns streams: FAIL: $*" >&2
  for h in s1 s2; do echo "--- rocd on $h" >&2; grep -v " http " "$work/$h.log" | tail -25 >&2 || true; done
  exit 1
}

. "$(dirname "$0")/lib/bridge.sh"
bridge_hosts rocd-sbr 10.78.0 rocd- s1 s2

secret=Wq4nV8cR2xT6mK9pL3sD7fH1jB5gZ0aY
pipewire_sessions s1 s2

start_rocd s2
s2_uid=$(api s2 GET /peers/self | field peer_uid)
s2_key=$(api s2 GET /peers/self | field public_key)
start_rocd s1 "peers:
  - address: 10.78.0.2:4041
    public_key: \"$s2_key\"
"
s1_uid=$(api s1 GET /peers/self | field peer_uid)
echo "netns streams: s1 and s2 trust each other by the fleet secret"
until_json "s2 trusted and online on s1" s1 "/peers/$s2_uid" "v.get('trust') == 'trusted' and v.get('state') == 'online'"
until_json "s1 trusted on s2" s2 "/peers/$s1_uid" "v.get('trust') == 'trusted'"

speaker=$(api s1 POST /peers/self/ports '{"port_type":"virtual_device","direction":"output","display_name":"Tone in","channels":2,"rate":48000}')
speaker_uri=$(printf '%s' "$speaker" | field port_uri)
speaker_node=$(printf '%s' "$speaker" | field system_name)
[ -n "$speaker_uri" ] || fail "virtual speaker on s1: $speaker"
make_tone "$work/tone.wav"
in_pw s1 pw-play --target "$speaker_node" "$work/tone.wav" >>"$work/pw-play.log" 2>&1 &
pids+=($!)
until_json "s2's sink" s2 /peers/self/ports "any(p['system_name'] == 'rocd_sandbox_sink_1' and p['state'] == 'present' for p in v)"
sink_uri=$(api s2 GET /peers/self/ports | python3 -c "import json,sys; print(next(p['port_uri'] for p in json.load(sys.stdin) if p['system_name'] == 'rocd_sandbox_sink_1'))")
[ "$(tone_share s2 rocd_sandbox_sink_1)" = "0.00" ] || fail "tone on s2's sink before any stream"

echo "netns streams: one POST on s1 from its virtual speaker to s2's sink"
stream=$(api s1 POST /streams "{\"source\":{\"type\":\"port\",\"port_uri\":\"$speaker_uri\"},\"destination\":{\"type\":\"port\",\"port_uri\":\"$sink_uri\"},\"settings\":{\"target_latency_ms\":100}}")
uid=$(printf '%s' "$stream" | field stream_uid)
[ -n "$uid" ] || fail "POST on s1: $stream"
media=$(printf '%s' "$stream" | python3 -c "import json,sys; print(json.load(sys.stdin)['endpoints']['media_uri'])")
[[ "$media" =~ ^rtp\+rs8m://10\.78\.0\.2:[0-9]+$ ]] || fail "s2 should listen on 10.78.0.2, the address s1 reaches: $media"
until_json "s2's half active" s2 "/streams/$uid" "v.get('state') == 'active'"
share=$(tone_share s2 rocd_sandbox_sink_1)
python3 -c "import sys; sys.exit(0 if $share >= 0.8 else 1)" || fail "tone on s2's sink: $share of the windows"
until_json "RTCP round trip on s1" s1 "/streams/$uid" "'rtt_ms' in v.get('metrics', {})"

echo "netns streams: the link cut for 10 s; each half waits for the other peer, then the audio comes back by itself"
ip -n rocd-sbr link set v-s2 down
cut_at=$SECONDS
until_json "s1's half waiting for s2" s1 "/streams/$uid" "v.get('state') == 'waiting_for_peer' and v.get('peer_uri') == '/peers/$s2_uid'"
until_json "s2's half waiting for s1" s2 "/streams/$uid" "v.get('state') == 'waiting_for_peer' and v.get('peer_uri') == '/peers/$s1_uid'"
echo "netns streams: both halves waiting_for_peer $((SECONDS - cut_at)) s after the cut"
[ $((SECONDS - cut_at)) -lt 10 ] && sleep $((10 - (SECONDS - cut_at)))
ip -n rocd-sbr link set v-s2 up
until_json "s2's half active again" s2 "/streams/$uid" "v.get('state') == 'active'"
until_json "s1's half active again" s1 "/streams/$uid" "v.get('state') == 'active'"
share=$(tone_share s2 rocd_sandbox_sink_1)
python3 -c "import sys; sys.exit(0 if $share >= 0.8 else 1)" || fail "tone on s2's sink after the cut: $share"

echo "netns streams: a DELETE on s1 removes s2's half"
api s1 DELETE "/streams/$uid" >/dev/null
until_json "s2's half gone" s2 /streams "len(v) == 0"

echo "netns streams: passed"

# Sourced by the multi-host tests whose hosts each run a rocd on their own
# private PipeWire session (after lib/host_api.sh). The caller sets `work`
# (its scratch directory), `rocd`, `top`, `secret` (the fleet secret), the
# arrays `pids` and `sandboxes` (its trap ends and stops what they list) and
# a `fail MESSAGE` function; hosts are namespaces rocd-sN at 10.78.0.N.
#
#   cleanup_hosts NS...           the trap: ends what `pids` lists, stops the
#                                 `sandboxes`, deletes NS... and $work
#   pipewire_sessions HOST...     one PipeWire session per host
#   in_pw HOST CMD...             CMD in that host's PipeWire session
#   start_rocd HOST [CONFIG]      rocd on HOST (state in $work/HOST), API up
#   until_json WHAT HOST PATH EXPR  waits (15 s) until EXPR holds of GET PATH's `v`
#   make_tone FILE                60 s of a 1 kHz stereo tone at 48 kHz
#   tone_share HOST SINK          share of 50 ms windows of 2 s of SINK's
#                                 monitor that carry the tone

cleanup_hosts() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for dir in "${sandboxes[@]}"; do "$top/scripts/pipewire-sandbox" stop "$dir" >/dev/null 2>&1 || true; done
  for ns in "$@"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}

# PipeWire speaks over unix sockets, so the sessions run in this namespace;
# each host's rocd, pw-play and pw-record reach theirs through its environment.
pipewire_sessions() {
  local h exports dir
  for h in "$@"; do
    exports=$("$top/scripts/pipewire-sandbox" start)
    dir=$(printf '%s\n' "$exports" | sed -n 's/^export ROCD_PW_SANDBOX=//p')
    [ -n "$dir" ] || fail "no PipeWire sandbox for $h"
    sandboxes+=("$dir")
    printf '%s\n' "$exports" >"$work/$h.env"
  done
}
in_pw() {
  local h=$1
  shift
  (eval "$(cat "$work/$h.env")" && "$@")
}

start_rocd() {
  local h=$1 n=${1#s}
  printf 'network_secret: "%s"\n%s' "$secret" "${2:-}" >"$work/$h.yaml"
  ip netns exec "rocd-$h" env $(grep -o '[A-Z_]*=[^ ]*' "$work/$h.env" | tr '\n' ' ') \
    "$rocd" --driver pipewire --listen 127.0.0.1:4040 --p2p-listen "10.78.0.$n:4041" \
    --discovery static --state-dir "$work/$h" --config "$work/$h.yaml" >>"$work/$h.log" 2>&1 &
  pids+=($!)
  eval "pid_$h=$!"
  wait_for_api "$h"
}

until_json() {
  local what=$1 h=$2 path=$3 expr=$4 got=
  for _ in $(seq 150); do
    got=$(api "$h" GET "$path" | python3 -c "import json,sys; v=json.load(sys.stdin); print('yes' if ($expr) else 'no')" 2>/dev/null || true)
    [ "$got" = yes ] && return 0
    sleep 0.1
  done
  fail "$what: $(api "$h" GET "$path")"
}

make_tone() {
  python3 - "$1" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb"); w.setnchannels(2); w.setsampwidth(2); w.setframerate(48000)
w.writeframes(b"".join(struct.pack("<hh", v, v) for v in (int(16000 * math.sin(2 * math.pi * 1000 * i / 48000)) for i in range(48000 * 60))))
PY
}

tone_share() {
  local file="$work/rec-$1-$RANDOM.wav"
  in_pw "$1" timeout 2 pw-record --target "$2" -P '{ stream.capture.sink=true }' --format s16 --rate 48000 --channels 2 "$file" || true
  python3 - "$file" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1])
rate, n = w.getframerate(), w.getnframes()
raw = w.readframes(n)
left = [s[0] / 32768 for s in struct.iter_unpack("<hh", raw[: len(raw) // 4 * 4])]
def power(x, hz):
    k = 2 * math.cos(2 * math.pi * hz / rate); s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + k * s1 - s2, s1
    return (s1 * s1 + s2 * s2 - k * s1 * s2) / max(1, len(x)) ** 2
win, toned, total = rate // 20, 0, 0
for at in range(rate // 5, len(left) - win, win):
    x = left[at : at + win]; total += 1
    rms = math.sqrt(sum(v * v for v in x) / win)
    if rms > 0.05 and power(x, 1000) > 10 * max(power(x, 700), power(x, 1500)):
        toned += 1
print(f"{toned / total if total else 0:.2f}")
PY
  rm -f "$file"
}
